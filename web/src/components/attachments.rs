//! Files on a case: the photos, radiographs, documents and short videos of
//! a referral or of a consult, as a grid of cards; attaching more (choosing
//! them, taking a photo, or dropping them on the section), each with its
//! upload's progress; and a viewer to read them: images zoomed, panned,
//! made brighter or more contrasted and compared side by side (radiographs),
//! documents inline, videos played.
//!
//! A file is checked in the browser before it is sent, by the rule the
//! server applies ([`check_file`]): its type from its first bytes (never its
//! name), its size. It is sent with `XMLHttpRequest` rather than the typed
//! client, whose multipart upload is native-only, so that its progress
//! shows; it carries the session's access token (renewed once when refused)
//! and an idempotency key of its own, so a retry stores it once.
//!
//! Files are read through the session's client — the server wants the
//! access token, which an `<img src>` cannot carry — and shown from blob
//! URLs, revoked when nothing shows them any more.
//!
//! A page provides [`PageFiles`], which its sections share: a file attached
//! in one section (a consult's) shows in the other (the referral's) too, the
//! page has them listed again when it reloads, and each section's state (the
//! uploads on their way, the caption typed, the thumbnails read, the file
//! open in the viewer) belongs to the page, so that a section drawn again —
//! its consult reloaded around it — carries on where it was.

use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use warren_client::{Client, ClientError, TokenSource};
use warren_domain::attachments::{
    AttachmentKind, Caption, DEFAULT_MAX_BYTES, MediaType, check_file,
};
use warren_wire::{Attachment, AttachmentList, Problem};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;

use crate::components::{ConfirmButton, ErrorAlert, Loaded, focus_on};
use crate::local_time;
use crate::session::{Session, use_session};

/// How many bytes of a file are read to tell its type before it is sent.
const HEAD_BYTES: f64 = 4096.0;

/// The zoom of the viewer, from a quarter of the fitted size to 12 times it.
const ZOOM_RANGE: (f64, f64) = (0.25, 12.0);

/// One step of the zoom buttons and keys.
const ZOOM_STEP: f64 = 1.25;

/// What the files belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilesOf {
    /// A referral: its own files, its case thread's and its consults'.
    Referral(Uuid),
    /// A consult: the files its specialist reads.
    Consult(Uuid),
}

impl FilesOf {
    fn id(self) -> Uuid {
        match self {
            Self::Referral(id) | Self::Consult(id) => id,
        }
    }

    /// The path files are listed at and sent to.
    fn path(self) -> String {
        match self {
            Self::Referral(id) => format!("/api/v1/referrals/{id}/attachments"),
            Self::Consult(id) => format!("/api/v1/consults/{id}/attachments"),
        }
    }

    async fn list(self, client: Client) -> Result<AttachmentList, ClientError> {
        match self {
            Self::Referral(id) => client.referral_attachments(id).await,
            Self::Consult(id) => client.consult_attachments(id).await,
        }
    }
}

/// What the files sections of one page share: the revision of the page's
/// files (every section lists its files again when it changes) and each
/// section's state, kept by what it shows for as long as the page lives.
#[derive(Clone, Copy)]
pub struct PageFiles {
    /// The page, which owns the sections' state.
    owner: StoredValue<WeakOwner>,
    revision: RwSignal<u32>,
    sections: StoredValue<HashMap<FilesOf, Section>>,
}

impl PageFiles {
    /// The files of the page being built, provided to its sections.
    pub fn provide() -> Self {
        let files = Self::new();
        provide_context(files);
        files
    }

    /// The files of one section alone, when the page provides none.
    fn new() -> Self {
        let owner = Owner::current().unwrap_or_default();
        Self {
            owner: StoredValue::new(owner.downgrade()),
            revision: RwSignal::new(0),
            sections: StoredValue::new(HashMap::new()),
        }
    }

    /// Says the files may have changed (the other side may have attached
    /// some): the sections list them again.
    pub fn bump(&self) {
        self.revision
            .try_update(|revision| *revision = revision.wrapping_add(1));
    }

    /// The state of the section showing `parent`'s files: the one kept, or
    /// a new one, owned by the page.
    fn section(&self, session: Session, parent: FilesOf) -> Section {
        if let Some(section) = self
            .sections
            .try_with_value(|sections| sections.get(&parent).copied())
            .flatten()
        {
            return section;
        }
        let owner = self
            .owner
            .try_get_value()
            .and_then(|owner| owner.upgrade())
            .unwrap_or_else(|| Owner::current().unwrap_or_default());
        let section = owner.with(|| Section::new(session, parent, *self));
        self.sections
            .try_update_value(|sections| sections.insert(parent, section));
        section
    }
}

/// A blob URL of bytes read from the server, revoked when dropped.
struct ObjectUrl(String);

impl ObjectUrl {
    /// The URL of `bytes` as a file of type `media_type`, unless the
    /// browser refuses to keep them.
    fn of(bytes: &[u8], media_type: &str) -> Option<Self> {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(media_type);
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
            .and_then(|blob| web_sys::Url::create_object_url_with_blob(&blob))
            .map(Self)
            .ok()
    }
}

impl Drop for ObjectUrl {
    fn drop(&mut self) {
        let _ = web_sys::Url::revoke_object_url(&self.0);
    }
}

/// A file's content as shown: its blob URL, revoked once the last view of
/// it goes.
#[derive(Clone)]
struct Shown(Rc<ObjectUrl>);

impl Shown {
    fn url(&self) -> String {
        self.0.0.clone()
    }
}

/// Reads a file's content (or its thumbnail) into a blob URL.
async fn show(session: Session, file: &Attachment, thumbnail: bool) -> Result<Shown, ClientError> {
    let client = session.api();
    let (download, media_type) = if thumbnail {
        (client.attachment_thumbnail(file.id).await?, "image/jpeg")
    } else {
        (
            client.attachment_content(file.id).await?,
            file.media_type.as_str(),
        )
    };
    ObjectUrl::of(&download.bytes, media_type)
        .map(|url| Shown(Rc::new(url)))
        .ok_or_else(|| ClientError::Transport("the browser could not keep the file".into()))
}

/// The thumbnails a section read, kept while it lives: a card drawn again
/// (the list reloaded) shows its thumbnail without reading it again.
#[derive(Clone, Copy)]
struct Thumbnails(StoredValue<HashMap<Uuid, Shown>, LocalStorage>);

impl Thumbnails {
    fn get(&self, id: Uuid) -> Option<String> {
        self.0
            .try_with_value(|kept| kept.get(&id).map(Shown::url))
            .flatten()
    }

    /// Keeps `shown` (unless one is kept already) and returns the URL to show.
    fn keep(&self, id: Uuid, shown: Shown) -> Option<String> {
        self.0
            .try_update_value(|kept| kept.entry(id).or_insert(shown).url())
    }

    fn forget(&self, id: Uuid) {
        self.0.try_update_value(|kept| kept.remove(&id));
    }
}

/// A file being sent.
#[derive(Clone)]
struct Upload {
    key: u64,
    name: String,
    /// The share sent, from 0 to 1.
    sent: RwSignal<f64>,
    state: RwSignal<UploadState>,
}

#[derive(Debug, Clone, PartialEq)]
enum UploadState {
    /// Its first bytes are being read.
    Checking,
    /// On its way.
    Sending,
    /// Kept by the server as the file `id`; the row goes once the list
    /// shows it.
    Sent(Uuid),
    /// Refused, here or by the server, with why.
    Refused(String),
}

/// The state of one section, owned by its page (see [`PageFiles`]); cheap
/// to copy.
#[derive(Clone, Copy)]
struct Section {
    session: Session,
    parent: FilesOf,
    page: PageFiles,
    /// The files as last listed, for the viewer's comparison.
    items: RwSignal<Vec<Attachment>>,
    thumbnails: Thumbnails,
    uploads: RwSignal<Vec<Upload>>,
    next_upload: StoredValue<u64>,
    caption: RwSignal<String>,
    caption_error: RwSignal<Option<String>>,
    /// What the last finished upload or removal was, for screen readers.
    announcement: RwSignal<String>,
    /// The file open in the viewer, how its image is shown, and the image
    /// it is compared with.
    open: RwSignal<Option<Uuid>>,
    image_view: ImageView,
    compare: RwSignal<Option<Uuid>>,
    /// The content of the files open in the viewer, read once.
    contents: StoredValue<HashMap<Uuid, Shown>, LocalStorage>,
}

impl Section {
    /// A section with nothing sent, typed or read yet, owned by the current
    /// owner; what it read goes with it.
    fn new(session: Session, parent: FilesOf, page: PageFiles) -> Self {
        let section = Self {
            session,
            parent,
            page,
            items: RwSignal::new(Vec::new()),
            thumbnails: Thumbnails(StoredValue::new_local(HashMap::new())),
            uploads: RwSignal::new(Vec::new()),
            next_upload: StoredValue::new(0),
            caption: RwSignal::new(String::new()),
            caption_error: RwSignal::new(None),
            announcement: RwSignal::new(String::new()),
            open: RwSignal::new(None),
            image_view: ImageView::new(),
            compare: RwSignal::new(None),
            contents: StoredValue::new_local(HashMap::new()),
        };
        on_cleanup(move || {
            section.thumbnails.0.try_update_value(HashMap::clear);
            section.contents.try_update_value(HashMap::clear);
        });
        section
    }

    /// The content of `file`, as read before or read now.
    async fn content(self, file: Attachment) -> Result<Shown, ClientError> {
        if let Some(shown) = self
            .contents
            .try_with_value(|contents| contents.get(&file.id).cloned())
            .flatten()
        {
            return Ok(shown);
        }
        let shown = show(self.session, &file, false).await?;
        self.contents
            .try_update_value(|contents| contents.insert(file.id, shown.clone()));
        Ok(shown)
    }

    /// Checks the caption, then sends every file of `files`.
    fn attach(self, files: web_sys::FileList) {
        self.caption_error.set(None);
        let text = self.caption.get_untracked();
        let caption = if text.trim().is_empty() {
            None
        } else {
            match Caption::parse(&text) {
                Ok(caption) => Some(caption.as_str().to_owned()),
                Err(error) => {
                    self.caption_error
                        .set(Some(format!("The caption {error}.")));
                    return;
                }
            }
        };
        let chosen: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
        if chosen.is_empty() {
            return;
        }
        for file in chosen {
            self.send(file, caption.clone());
        }
        self.caption.set(String::new());
    }

    /// Checks `file`, then sends it, showing its progress and the outcome.
    fn send(self, file: web_sys::File, caption: Option<String>) {
        let mut key = 0;
        self.next_upload.update_value(|next| {
            *next += 1;
            key = *next;
        });
        let upload = Upload {
            key,
            name: file.name(),
            sent: RwSignal::new(0.0),
            state: RwSignal::new(UploadState::Checking),
        };
        self.uploads.update(|uploads| uploads.push(upload.clone()));
        spawn_local(async move {
            if let Err(refusal) = check(&file).await {
                upload.state.try_set(UploadState::Refused(refusal));
                return;
            }
            upload.state.try_set(UploadState::Sending);
            let idempotency_key = Uuid::new_v4().to_string();
            let url = format!("{}{}", self.session.origin(), self.parent.path());
            let sent = send_with_renewal(
                self.session,
                &url,
                &idempotency_key,
                &file,
                caption.as_deref(),
                upload.sent,
            )
            .await;
            match sent {
                Ok(attachment) => {
                    upload.sent.try_set(1.0);
                    upload.state.try_set(UploadState::Sent(attachment.id));
                    self.announcement
                        .try_set(format!("{} attached.", attachment.file_name));
                    self.page.bump();
                }
                Err(error) => {
                    upload.state.try_set(UploadState::Refused(format!(
                        "{} was not attached: {}",
                        upload.name,
                        error.message()
                    )));
                }
            }
        });
    }

    /// Opens the viewer on `id`, shown as it is.
    fn view_file(self, id: Uuid) {
        self.image_view.reset();
        self.compare.set(None);
        self.open.set(Some(id));
    }

    /// Closes the viewer, giving the focus back to the card that opened it
    /// (the same file may show in another section of the page too).
    fn close_viewer(self) {
        if let Some(id) = self.open.get_untracked() {
            self.open.set(None);
            self.compare.set(None);
            self.contents.update_value(HashMap::clear);
            focus_on(format!(
                "[data-parent-id='{}'] [data-open-attachment='{id}']",
                self.parent.id()
            ));
        }
    }

    /// Takes the list as just read: keeps it for the viewer, and lets go of
    /// the uploads it now shows.
    fn listed(self, list: &AttachmentList) {
        self.items.try_set(list.items.clone());
        self.uploads.try_update(|uploads| {
            uploads.retain(|upload| {
                !matches!(upload.state.get_untracked(), UploadState::Sent(id)
                    if list.items.iter().any(|file| file.id == id))
            });
        });
    }
}

/// The refusal of a file that cannot be kept, in words, or `Ok` when it may
/// be sent: its type read from its first bytes, its size.
async fn check(file: &web_sys::File) -> Result<MediaType, String> {
    let name = file.name();
    let size = file.size();
    let head = file
        .slice_with_f64_and_f64(0.0, size.min(HEAD_BYTES))
        .map_err(|_| format!("{name} could not be read."))?;
    let buffer = JsFuture::from(head.array_buffer())
        .await
        .map_err(|_| format!("{name} could not be read."))?;
    let head = js_sys::Uint8Array::new(&buffer).to_vec();
    check_file(&head, size as u64, DEFAULT_MAX_BYTES).map_err(|error| format!("{name} {error}."))
}

/// Sends `file` with the session's access token; when the server refuses the
/// token, once more with a renewed one.
async fn send_with_renewal(
    session: Session,
    url: &str,
    idempotency_key: &str,
    file: &web_sys::File,
    caption: Option<&str>,
    sent: RwSignal<f64>,
) -> Result<Attachment, ClientError> {
    let token = TokenSource::current(&session).await?;
    match post(url, &token, idempotency_key, file, caption, sent).await {
        Err(refusal) if refusal.asks_for_new_token() => {
            let token = TokenSource::renew(&session, token).await?;
            let answer = post(url, &token, idempotency_key, file, caption, sent).await;
            if let Err(refusal) = &answer
                && refusal.asks_for_new_token()
            {
                TokenSource::ended(&session, refusal);
            }
            answer
        }
        answer => answer,
    }
}

/// Posts the multipart form of `file` (and its caption) to `url`, telling
/// `sent` how much has gone.
async fn post(
    url: &str,
    token: &str,
    idempotency_key: &str,
    file: &web_sys::File,
    caption: Option<&str>,
    sent: RwSignal<f64>,
) -> Result<Attachment, ClientError> {
    let browser = |_| ClientError::Transport("the browser could not send the file".into());
    let request = web_sys::XmlHttpRequest::new().map_err(browser)?;
    request
        .open_with_async("POST", url, true)
        .map_err(browser)?;
    request
        .set_request_header("Authorization", &format!("Bearer {token}"))
        .map_err(browser)?;
    request
        .set_request_header("Idempotency-Key", idempotency_key)
        .map_err(browser)?;
    request
        .set_request_header("Accept", "application/json, application/problem+json")
        .map_err(browser)?;
    let form = web_sys::FormData::new().map_err(browser)?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(browser)?;
    if let Some(caption) = caption {
        form.append_with_str("caption", caption).map_err(browser)?;
    }
    let progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                sent.try_set(event.loaded() / event.total());
            }
        });
    let upload = request.upload().map_err(browser)?;
    upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    // `loadend` follows every end: loaded, failed, aborted or timed out.
    let finished = js_sys::Promise::new(&mut |resolve, _| {
        request.set_onloadend(Some(&resolve));
    });
    request
        .send_with_opt_form_data(Some(&form))
        .map_err(browser)?;
    let _ = JsFuture::from(finished).await;
    upload.set_onprogress(None);
    request.set_onloadend(None);
    drop(progress);
    // The file the server kept, or its refusal.
    let status = request.status().unwrap_or_default();
    let body = request.response_text().ok().flatten().unwrap_or_default();
    match status {
        0 => Err(ClientError::Transport(
            "the upload was cut off before Warren answered".into(),
        )),
        200..=299 => {
            serde_json::from_str(&body).map_err(|_| ClientError::UnexpectedAnswer { status, body })
        }
        _ => match serde_json::from_str::<Problem>(&body) {
            Ok(problem) => Err(ClientError::Problem(problem)),
            Err(_) => Err(ClientError::UnexpectedAnswer { status, body }),
        },
    }
}

/// "820 KB", "3.4 MB".
fn size_text(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let size = bytes as f64;
    if size < KB {
        format!("{bytes} bytes")
    } else if size < KB * KB {
        format!("{:.0} KB", size / KB)
    } else {
        format!("{:.1} MB", size / (KB * KB))
    }
}

/// What the viewer and the cards call a file: its caption, or its name.
fn title_of(file: &Attachment) -> String {
    file.caption
        .clone()
        .unwrap_or_else(|| file.file_name.clone())
}

/// How the comparison picker names an image: "Skull, lateral (day3.png,
/// 7 Dec 2026, 14:02)".
fn comparison_label(file: &Attachment) -> String {
    let when = local_time::date_time(file.created_at);
    match &file.caption {
        Some(caption) => format!("{caption} ({}, {when})", file.file_name),
        None => format!("{} ({when})", file.file_name),
    }
}

/// The `accept` list of the file input: the types Warren keeps, with their
/// extensions for the systems that pick files by name.
fn accepted_types() -> String {
    MediaType::ALL
        .iter()
        .flat_map(|media_type| {
            [
                media_type.as_str().to_owned(),
                format!(".{}", media_type.extension()),
            ]
        })
        .chain([".jpeg".to_owned()])
        .collect::<Vec<_>>()
        .join(",")
}

/// The files of a referral or consult: a grid of cards (thumbnails for
/// images), the form to attach more, and the viewer.
#[component]
pub fn CaseFiles(
    /// What the files belong to.
    parent: FilesOf,
    /// Whether the page knows the person may attach files here; the server
    /// decides, and its refusal is shown.
    #[prop(into)]
    may_attach: Signal<bool>,
    /// The section's heading.
    #[prop(default = "Files")]
    heading: &'static str,
    /// Whether the section sits inside a card (its heading is then an `h3`).
    #[prop(optional)]
    nested: bool,
) -> impl IntoView {
    let session = use_session();
    let page = use_context::<PageFiles>().unwrap_or_else(PageFiles::new);
    let section = page.section(session, parent);
    let thumbnails = section.thumbnails;
    let items = section.items;
    let files = LocalResource::new(move || {
        page.revision.track();
        async move {
            let list = parent.list(session.api()).await;
            if let Ok(list) = &list {
                section.listed(list);
            }
            list
        }
    });
    let problem = RwSignal::new(None::<ClientError>);
    let remove = Action::new_local(move |id: &Uuid| {
        let id = *id;
        async move {
            match session.api().remove_attachment(id).await {
                Ok(()) => {
                    thumbnails.forget(id);
                    section.announcement.try_set("The file was removed.".into());
                    page.bump();
                }
                Err(error) => {
                    problem.try_set(Some(error));
                }
            }
        }
    });
    let removing = remove.pending();
    let on_remove = Callback::new(move |id: Uuid| {
        problem.set(None);
        remove.dispatch(id);
    });

    // Files dropped on the section are attached (when the person may, and
    // the viewer is closed).
    let dragging = RwSignal::new(0_i32);
    let takes_drops = move || may_attach.get_untracked() && section.open.get_untracked().is_none();
    let on_drag_enter = move |event: leptos::ev::DragEvent| {
        if takes_drops() {
            event.prevent_default();
            dragging.update(|count| *count += 1);
        }
    };
    let on_drag_over = move |event: leptos::ev::DragEvent| {
        if takes_drops() {
            event.prevent_default();
            if let Some(transfer) = event.data_transfer() {
                transfer.set_drop_effect("copy");
            }
        }
    };
    let on_drag_leave = move |_: leptos::ev::DragEvent| {
        dragging.update(|count| *count = (*count - 1).max(0));
    };
    let on_drop = move |event: leptos::ev::DragEvent| {
        dragging.set(0);
        if !takes_drops() {
            return;
        }
        event.prevent_default();
        if let Some(files) = event.data_transfer().and_then(|transfer| transfer.files()) {
            section.attach(files);
        }
    };

    let heading_id = format!("files-heading-{}", parent.id());
    let labelled_by = heading_id.clone();
    let heading_view = if nested {
        view! { <h3 id=heading_id>{heading}</h3> }.into_any()
    } else {
        view! { <h2 id=heading_id>{heading}</h2> }.into_any()
    };
    let kind = match parent {
        FilesOf::Referral(_) => "referral",
        FilesOf::Consult(_) => "consult",
    };
    view! {
        <section
            class="case-files"
            class:card=!nested
            class:dropping=move || { dragging.get() > 0 }
            aria-labelledby=labelled_by
            data-testid="case-files"
            data-parent=kind
            data-parent-id=parent.id().to_string()
            on:dragenter=on_drag_enter
            on:dragover=on_drag_over
            on:dragleave=on_drag_leave
            on:drop=on_drop
        >
            {heading_view}
            <Loaded resource=files label="Loading files…" let:list>
                <FileGrid section list on_remove removing/>
            </Loaded>
            <ErrorAlert error=problem/>
            <UploadList section/>
            <p class="visually-hidden" role="status" aria-live="polite">{move || section.announcement.get()}</p>
            <Show when=move || may_attach.get()>
                <AttachForm section/>
            </Show>
            {move || {
                section
                    .open
                    .get()
                    .and_then(|id| items.with_untracked(|items| items.iter().find(|file| file.id == id).cloned()))
                    .map(|file| {
                        view! {
                            <Viewer
                                file
                                section
                                on_close=Callback::new(move |()| section.close_viewer())
                            />
                        }
                    })
            }}
        </section>
    }
}

/// The cards of the files, or a line saying there are none.
#[component]
fn FileGrid(
    section: Section,
    list: AttachmentList,
    on_remove: Callback<Uuid>,
    #[prop(into)] removing: Signal<bool>,
) -> impl IntoView {
    if list.items.is_empty() {
        let text = match section.parent {
            FilesOf::Referral(_) => {
                "No files yet: radiographs, photos, lab reports and videos of the case show here."
            }
            FilesOf::Consult(_) => "No files sent with this consult yet.",
        };
        return view! { <p class="empty" data-testid="no-files">{text}</p> }.into_any();
    }
    view! {
        <ul class="file-grid" data-testid="file-grid">
            {list
                .items
                .into_iter()
                .map(|file| view! { <FileCard section file on_remove removing/> })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// One file: its thumbnail (or what it is), caption, who sent it and when,
/// its size, and "Remove" for those who may.
#[component]
fn FileCard(
    section: Section,
    file: Attachment,
    on_remove: Callback<Uuid>,
    removing: Signal<bool>,
) -> impl IntoView {
    let id = file.id;
    let thumbnail = RwSignal::new(section.thumbnails.get(id));
    if file.has_thumbnail && thumbnail.get_untracked().is_none() {
        let session = section.session;
        let thumbnails = section.thumbnails;
        let described = file.clone();
        spawn_local(async move {
            // Without its thumbnail the card shows what the file is.
            if let Ok(shown) = show(session, &described, true).await
                && let Some(url) = thumbnails.keep(id, shown)
            {
                thumbnail.try_set(Some(url));
            }
        });
    }
    let title = title_of(&file);
    let kind = file.kind;
    let icon = match kind {
        AttachmentKind::Image => "Image",
        AttachmentKind::Pdf => "PDF",
        AttachmentKind::Video => "▶ Video",
    };
    let origin = match (file.consult_id, file.message_id, section.parent) {
        (Some(_), _, FilesOf::Referral(_)) => Some("Sent with a consult"),
        (None, Some(_), _) => Some("In the case thread"),
        _ => None,
    };
    let dimensions = file
        .width
        .zip(file.height)
        .map(|(width, height)| format!(" · {width} × {height} px"))
        .unwrap_or_default();
    let question = format!("Remove {}?", file.file_name);
    view! {
        <li class="file-card" data-testid="attachment" data-attachment-id=id.to_string() data-kind=kind.as_str()>
            <button
                type="button"
                class="file-open"
                data-open-attachment=id.to_string()
                aria-label=format!("Open {} ({})", title, kind.label())
                on:click=move |_| section.view_file(id)
            >
                {move || match thumbnail.get() {
                    Some(url) => view! {
                        <img class="file-thumb" src=url alt="" data-testid="attachment-thumbnail"/>
                    }
                        .into_any(),
                    None => view! {
                        <span class=format!("file-icon file-icon-{}", kind.as_str()) aria-hidden="true">{icon}</span>
                    }
                        .into_any(),
                }}
            </button>
            <div class="file-meta">
                {file.caption.clone().map(|caption| view! { <p class="file-caption" data-testid="attachment-caption">{caption}</p> })}
                <p class="file-name">{file.file_name.clone()}</p>
                <p class="muted small">{format!("{} · {}{dimensions}", file.media_type.label(), size_text(file.size))}</p>
                <p class="muted small">
                    {format!("{} · {} · {}", file.uploaded_by, file.organization_name, local_time::date_time(file.created_at))}
                </p>
                {origin.map(|origin| view! { <p><span class="badge badge-muted">{origin}</span></p> })}
                {file.can_remove.then(|| view! {
                    <ConfirmButton
                        label="Remove"
                        confirm_label="Yes, remove"
                        question
                        pending=removing
                        on_confirm=Callback::new(move |()| on_remove.run(id))
                    />
                })}
            </div>
        </li>
    }
}

/// The files on their way, each with its progress, or why it was refused.
#[component]
fn UploadList(section: Section) -> impl IntoView {
    let uploads = section.uploads;
    view! {
        <Show when=move || uploads.with(|uploads| !uploads.is_empty())>
            <ul class="uploads" aria-label="Files being attached">
                {move || {
                    uploads
                        .get()
                        .into_iter()
                        .map(|upload| {
                            let key = upload.key;
                            let name = upload.name.clone();
                            let state = upload.state;
                            let sent = upload.sent;
                            view! {
                                <li
                                    class="upload"
                                    data-testid="upload"
                                    data-state=move || match state.get() {
                                        UploadState::Checking => "checking",
                                        UploadState::Sending => "sending",
                                        UploadState::Sent(_) => "sent",
                                        UploadState::Refused(_) => "refused",
                                    }
                                >
                                    {move || match state.get() {
                                        UploadState::Refused(reason) => view! {
                                            <div class="upload-refused">
                                                <p class="field-error" role="alert" data-testid="upload-error">{reason}</p>
                                                <button
                                                    type="button"
                                                    class="button secondary small"
                                                    on:click=move |_| uploads.update(|uploads| uploads.retain(|other| other.key != key))
                                                >
                                                    "Dismiss"
                                                </button>
                                            </div>
                                        }
                                            .into_any(),
                                        UploadState::Checking | UploadState::Sending | UploadState::Sent(_) => {
                                            let label = format!("Sending {name}");
                                            view! {
                                                <span class="upload-name">{name.clone()}</span>
                                                <progress max="1" prop:value=move || sent.get() aria-label=label></progress>
                                                <span class="upload-percent muted small">
                                                    {move || format!("{:.0} %", sent.get() * 100.0)}
                                                </span>
                                            }
                                                .into_any()
                                        }
                                    }}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </Show>
    }
}

/// The caption, the file chooser, the camera (on phones) and the hint that
/// files may be dropped.
#[component]
fn AttachForm(section: Section) -> impl IntoView {
    let id = section.parent.id();
    let caption_id = format!("caption-{id}");
    let files_id = format!("attach-{id}");
    let photo_id = format!("photo-{id}");
    let hint_id = format!("attach-hint-{id}");
    let caption_hint_id = format!("caption-hint-{id}");
    let on_chosen = move |event: leptos::ev::Event| {
        let Some(input) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        if let Some(files) = input.files() {
            section.attach(files);
        }
        // The same file chosen again is sent again.
        input.set_value("");
    };
    let caption_error = section.caption_error;
    view! {
        <div class="attach-form" data-testid="attach-form">
            <div class="field">
                <label for=caption_id.clone()>"Caption (optional)"</label>
                <input
                    id=caption_id
                    type="text"
                    maxlength="300"
                    aria-describedby=caption_hint_id.clone()
                    aria-invalid=move || caption_error.get().is_some().then_some("true")
                    prop:value=move || section.caption.get()
                    on:input=move |event| section.caption.set(event_target_value(&event))
                />
                <p class="hint" id=caption_hint_id>
                    "What the files show, e.g. “Lateral radiograph, day 3”: it goes with the files you choose next."
                </p>
                {move || caption_error.get().map(|error| view! { <p class="field-error" role="alert">{error}</p> })}
            </div>
            <div class="attach-inputs">
                <div class="field">
                    <label for=files_id.clone()>"Attach files"</label>
                    <input
                        id=files_id
                        type="file"
                        multiple
                        accept=accepted_types()
                        aria-describedby=hint_id.clone()
                        data-testid="attach-files"
                        on:change=on_chosen
                    />
                </div>
                <div class="field take-photo">
                    <label for=photo_id.clone()>"Take a photo"</label>
                    <input
                        id=photo_id
                        type="file"
                        accept="image/*"
                        capture="environment"
                        data-testid="attach-photo"
                        on:change=on_chosen
                    />
                </div>
            </div>
            <p class="hint" id=hint_id>
                {format!(
                    "JPEG, PNG or WebP images, PDF documents, MP4, QuickTime or WebM videos; up to {} MB each. You can also drop files here.",
                    DEFAULT_MAX_BYTES / (1024 * 1024)
                )}
            </p>
        </div>
    }
}

/// How an image is shown in the viewer, shared by the two sides of a
/// comparison.
#[derive(Clone, Copy)]
struct ImageView {
    zoom: RwSignal<f64>,
    /// The shift, in pixels of the screen.
    x: RwSignal<f64>,
    y: RwSignal<f64>,
    /// In percent.
    brightness: RwSignal<f64>,
    contrast: RwSignal<f64>,
}

impl ImageView {
    fn new() -> Self {
        Self {
            zoom: RwSignal::new(1.0),
            x: RwSignal::new(0.0),
            y: RwSignal::new(0.0),
            brightness: RwSignal::new(100.0),
            contrast: RwSignal::new(100.0),
        }
    }

    fn reset(&self) {
        self.zoom.set(1.0);
        self.x.set(0.0);
        self.y.set(0.0);
        self.brightness.set(100.0);
        self.contrast.set(100.0);
    }

    /// Zooms by `factor`, keeping the point `(around_x, around_y)` (from
    /// the centre of the image's pane, in pixels) where it is.
    fn zoom_by(&self, factor: f64, around_x: f64, around_y: f64) {
        let zoom = self.zoom.get_untracked();
        let next = (zoom * factor).clamp(ZOOM_RANGE.0, ZOOM_RANGE.1);
        let ratio = next / zoom;
        self.x.update(|x| *x = around_x - ratio * (around_x - *x));
        self.y.update(|y| *y = around_y - ratio * (around_y - *y));
        self.zoom.set(next);
    }

    fn pan(&self, dx: f64, dy: f64) {
        self.x.update(|x| *x += dx);
        self.y.update(|y| *y += dy);
    }

    fn transform(&self) -> String {
        format!(
            "translate({}px, {}px) scale({})",
            self.x.get(),
            self.y.get(),
            self.zoom.get()
        )
    }

    fn filter(&self) -> String {
        format!(
            "brightness({}%) contrast({}%)",
            self.brightness.get(),
            self.contrast.get()
        )
    }
}

/// A file opened in a modal dialog: Escape or "Close" closes it, and the
/// focus goes back to the card that opened it.
#[component]
fn Viewer(file: Attachment, section: Section, on_close: Callback<()>) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get()
            && !dialog.open()
        {
            let _ = dialog.show_modal();
        }
    });
    let content = {
        let file = file.clone();
        LocalResource::new(move || section.content(file.clone()))
    };
    let image_view = section.image_view;
    let title_id = format!("viewer-title-{}", file.id);
    let labelled_by = title_id.clone();
    let title = title_of(&file);
    let file_name = file.file_name.clone();
    let meta = format!(
        "{} · {} · {} · {}",
        file.file_name,
        file.uploaded_by,
        file.organization_name,
        local_time::date_time(file.created_at)
    );
    let kind = file.kind;
    let on_key = move |event: leptos::ev::KeyboardEvent| {
        if kind != AttachmentKind::Image {
            return;
        }
        // Keys typed into the sliders and the picker are theirs.
        let in_control = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|element| matches!(element.tag_name().as_str(), "INPUT" | "SELECT"));
        if in_control {
            return;
        }
        let handled = match event.key().as_str() {
            "+" | "=" => {
                image_view.zoom_by(ZOOM_STEP, 0.0, 0.0);
                true
            }
            "-" => {
                image_view.zoom_by(1.0 / ZOOM_STEP, 0.0, 0.0);
                true
            }
            "0" => {
                image_view.reset();
                true
            }
            "ArrowLeft" => {
                image_view.pan(40.0, 0.0);
                true
            }
            "ArrowRight" => {
                image_view.pan(-40.0, 0.0);
                true
            }
            "ArrowUp" => {
                image_view.pan(0.0, 40.0);
                true
            }
            "ArrowDown" => {
                image_view.pan(0.0, -40.0);
                true
            }
            _ => false,
        };
        if handled {
            event.prevent_default();
        }
    };
    let body = match kind {
        AttachmentKind::Image => view! { <ImageStage file=file.clone() section content/> }.into_any(),
        AttachmentKind::Pdf => {
            let frame_title = format!("{title} (PDF document)");
            view! {
                <Loaded resource=content label="Loading the document…" let:shown>
                    <iframe class="viewer-document" src=shown.url() title=frame_title.clone() data-testid="viewer-document"></iframe>
                </Loaded>
            }
            .into_any()
        }
        AttachmentKind::Video => view! {
            <Loaded resource=content label="Loading the video…" let:shown>
                <video class="viewer-video" src=shown.url() controls preload="metadata" data-testid="viewer-video"></video>
            </Loaded>
        }
        .into_any(),
    };
    view! {
        <dialog
            class="viewer"
            node_ref=dialog
            aria-labelledby=labelled_by
            data-testid="viewer"
            data-attachment-id=file.id.to_string()
            on:close=move |_| on_close.run(())
            on:keydown=on_key
        >
            <header class="viewer-header">
                <div class="viewer-heading">
                    <h2 id=title_id>{title}</h2>
                    <p class="muted small">{meta}</p>
                </div>
                <div class="viewer-actions">
                    {move || {
                        content
                            .get()
                            .and_then(Result::ok)
                            .map(|shown| {
                                view! {
                                    <a class="button secondary small" href=shown.url() download=file_name.clone() data-testid="viewer-download">
                                        "Download"
                                    </a>
                                }
                            })
                    }}
                    <button
                        type="button"
                        class="button secondary small"
                        autofocus
                        data-testid="viewer-close"
                        on:click=move |_| on_close.run(())
                    >
                        "Close"
                    </button>
                </div>
            </header>
            {body}
        </dialog>
    }
}

/// The image (and the one it is compared with), the zoom buttons, the
/// brightness and contrast sliders, and the comparison picker.
#[component]
fn ImageStage(
    file: Attachment,
    section: Section,
    content: LocalResource<Result<Shown, ClientError>>,
) -> impl IntoView {
    let id = file.id;
    let items = section.items;
    let image_view = section.image_view;
    let compare = section.compare;
    let compared = LocalResource::new(move || {
        let other = compare.get().and_then(|other| {
            items.with_untracked(|items| items.iter().find(|file| file.id == other).cloned())
        });
        async move {
            match other {
                Some(other) => section
                    .content(other.clone())
                    .await
                    .map(|shown| Some((other, shown))),
                None => Ok(None),
            }
        }
    });
    let others = Memo::new(move |_| {
        items.with(|items| {
            items
                .iter()
                .filter(|other| other.kind == AttachmentKind::Image && other.id != id)
                .map(|other| (other.id, comparison_label(other)))
                .collect::<Vec<_>>()
        })
    });
    let brightness_id = format!("viewer-brightness-{id}");
    let contrast_id = format!("viewer-contrast-{id}");
    let compare_id = format!("viewer-compare-{id}");
    let alt = file
        .caption
        .clone()
        .map(|caption| format!("{caption} ({})", file.file_name))
        .unwrap_or_else(|| file.file_name.clone());
    view! {
        <div class="viewer-tools" role="group" aria-label="Image tools">
            <div class="button-row">
                <button type="button" class="button secondary small" aria-label="Zoom out" data-testid="viewer-zoom-out" on:click=move |_| image_view.zoom_by(1.0 / ZOOM_STEP, 0.0, 0.0)>"−"</button>
                <output class="viewer-zoom" aria-live="polite" data-testid="viewer-zoom">{move || format!("{:.0} %", image_view.zoom.get() * 100.0)}</output>
                <button type="button" class="button secondary small" aria-label="Zoom in" data-testid="viewer-zoom-in" on:click=move |_| image_view.zoom_by(ZOOM_STEP, 0.0, 0.0)>"+"</button>
                <button type="button" class="button secondary small" data-testid="viewer-reset" on:click=move |_| image_view.reset()>"Reset"</button>
            </div>
            <Slider id=brightness_id label="Brightness" value=image_view.brightness min=20.0 max=300.0/>
            <Slider id=contrast_id label="Contrast" value=image_view.contrast min=20.0 max=400.0/>
            <Show when=move || others.with(|others| !others.is_empty())>
                <div class="viewer-control">
                    <label for=compare_id.clone()>"Compare with"</label>
                    <select
                        id=compare_id.clone()
                        data-testid="viewer-compare"
                        on:change=move |event| compare.set(Uuid::parse_str(&event_target_value(&event)).ok())
                    >
                        <option value="" prop:selected=move || compare.get().is_none()>"No comparison"</option>
                        {move || {
                            others
                                .get()
                                .into_iter()
                                .map(|(other, label)| {
                                    view! {
                                        <option value=other.to_string() prop:selected=move || compare.get() == Some(other)>{label}</option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
            </Show>
        </div>
        <p class="hint viewer-hint">"Drag to move, scroll or use + and − to zoom, 0 to reset."</p>
        <div class="viewer-stage" class:comparing=move || compare.get().is_some()>
            <Loaded resource=content label="Loading the image…" let:shown>
                <ImagePane url=shown.url() alt=alt.clone() image_view testid="viewer-image"/>
            </Loaded>
            {move || {
                compare.get().map(|_| {
                    view! {
                        <Loaded resource=compared label="Loading the image to compare…" let:loaded>
                            {loaded.map(|(other, shown)| {
                                let alt = format!("Compared: {}", title_of(&other));
                                view! { <ImagePane url=shown.url() alt image_view testid="viewer-compare-image"/> }
                            })}
                        </Loaded>
                    }
                })
            }}
        </div>
    }
}

/// A slider of the viewer, in percent.
#[component]
fn Slider(
    id: String,
    label: &'static str,
    value: RwSignal<f64>,
    min: f64,
    max: f64,
) -> impl IntoView {
    view! {
        <div class="viewer-control">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                type="range"
                min=min.to_string()
                max=max.to_string()
                step="5"
                data-testid=format!("viewer-{}", label.to_lowercase())
                prop:value=move || value.get().to_string()
                on:input=move |event| {
                    if let Ok(number) = event_target_value(&event).parse::<f64>() {
                        value.set(number);
                    }
                }
            />
            <output class="muted small">{move || format!("{:.0} %", value.get())}</output>
        </div>
    }
}

/// One image in the viewer: dragged to pan, the wheel zooms around the
/// pointer.
#[component]
fn ImagePane(
    url: String,
    alt: String,
    image_view: ImageView,
    testid: &'static str,
) -> impl IntoView {
    let dragging = StoredValue::new(None::<(i32, f64, f64)>);
    let on_down = move |event: leptos::ev::PointerEvent| {
        if event.button() != 0 {
            return;
        }
        if let Some(pane) = event
            .current_target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        {
            let _ = pane.set_pointer_capture(event.pointer_id());
        }
        dragging.set_value(Some((
            event.pointer_id(),
            f64::from(event.client_x()),
            f64::from(event.client_y()),
        )));
        event.prevent_default();
    };
    let on_move = move |event: leptos::ev::PointerEvent| {
        let Some((pointer, x, y)) = dragging.get_value() else {
            return;
        };
        if pointer != event.pointer_id() {
            return;
        }
        let (now_x, now_y) = (f64::from(event.client_x()), f64::from(event.client_y()));
        image_view.pan(now_x - x, now_y - y);
        dragging.set_value(Some((pointer, now_x, now_y)));
    };
    let on_up = move |_: leptos::ev::PointerEvent| dragging.set_value(None);
    let on_wheel = move |event: leptos::ev::WheelEvent| {
        event.prevent_default();
        let factor = if event.delta_y() < 0.0 {
            ZOOM_STEP
        } else {
            1.0 / ZOOM_STEP
        };
        let (around_x, around_y) = event
            .current_target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .map(|pane| {
                let rect = pane.get_bounding_client_rect();
                (
                    f64::from(event.client_x()) - rect.left() - rect.width() / 2.0,
                    f64::from(event.client_y()) - rect.top() - rect.height() / 2.0,
                )
            })
            .unwrap_or_default();
        image_view.zoom_by(factor, around_x, around_y);
    };
    view! {
        <div
            class="viewer-pane"
            on:pointerdown=on_down
            on:pointermove=on_move
            on:pointerup=on_up
            on:pointercancel=on_up
            on:wheel=on_wheel
        >
            <img
                src=url
                alt=alt
                draggable="false"
                data-testid=testid
                style:transform=move || image_view.transform()
                style:filter=move || image_view.filter()
            />
        </div>
    }
}

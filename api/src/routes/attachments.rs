//! Files on a case: photos, radiographs, documents and short videos attached
//! to a referral, to a message of its case thread, or to a consult.
//!
//! Who reads a file is who reads what it belongs to: the two organizations
//! of the referral (volunteers included, as for the case thread) and network
//! admins; a consult's file also its specialist. Everyone else gets the same
//! 404 as for a file that does not exist. Who attaches: on a referral, the
//! members of either organization (those who write in its case thread); on
//! a consult, its specialist and the admins, clinicians and staff of the
//! organization that asked. A file is removed by whoever attached it or by
//! an admin, clinician or staff member of their organization.
//!
//! What is done to a file before it is kept, and where it is kept, is
//! [`crate::files`]'s. An upload honours `Idempotency-Key`: a retry answers
//! the first file and stores nothing new.

use actix_multipart::{Field, Multipart};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use futures_util::{StreamExt, TryStreamExt};
use uuid::Uuid;
use warren_domain::attachments::{Caption, FileError};
use warren_store::attachments::{self as store, AttachmentRow, NewAttachment};
use warren_store::referrals::{self as referral_store, ReferralRow};
use warren_store::specialists as consult_store;
use warren_store::{parse_id, utc};
use warren_wire::{Attachment, AttachmentList, AttachmentUpload, ErrorCode};

use super::referrals::{acting_organization, side};
use crate::api::{Api, Tx};
use crate::auth::actor_name;
use crate::error::{ApiError, BodyProblems, ObjectProblems};
use crate::extract::IdempotencyKey;
use crate::files::{self, Prepared};

/// What a file belongs to.
#[derive(Debug, Clone, Copy)]
enum Parent {
    /// A referral (and maybe a message of its thread).
    Referral(Uuid),
    /// A consult.
    Consult(Uuid),
}

/// The caller's place in a file's case: may they read it, and may they
/// attach for an organization (and which)?
struct Standing {
    referral: ReferralRow,
    consult_id: Option<String>,
    /// The organization the caller attaches for, when they may.
    attaches_for: Option<String>,
}

/// The caller's standing on `parent` (404 when they may not read it).
fn standing(tx: &mut Tx, parent: Parent) -> Result<Standing, ApiError> {
    match parent {
        Parent::Referral(id) => {
            let referral = referral_store::row(tx, &id.to_string())?;
            let party = side(tx.who, &referral)?;
            let attaches_for = acting_organization(&referral, party).map(str::to_owned);
            Ok(Standing {
                referral,
                consult_id: None,
                attaches_for,
            })
        }
        Parent::Consult(id) => {
            let consult = consult_store::consult(tx, &id.to_string())?;
            let referral = referral_store::row(tx, &consult.referral_id)?;
            let attaches_for = if crate::routes::specialists::specialist_of(tx.who, &consult) {
                Some(consult.specialist_organization_id.clone())
            } else {
                side(tx.who, &referral)?;
                tx.who
                    .access
                    .can_act(&consult.requester_organization_id)
                    .then(|| consult.requester_organization_id.clone())
            };
            Ok(Standing {
                referral,
                consult_id: Some(consult.id),
                attaches_for,
            })
        }
    }
}

/// Whether the caller reads the file `row` (see the module's rules).
fn readable(tx: &mut Tx, row: &AttachmentRow) -> Result<(), ApiError> {
    let parent = match &row.consult_id {
        Some(consult) => Parent::Consult(parse_id(consult)?),
        None => Parent::Referral(parse_id(&row.referral_id)?),
    };
    standing(tx, parent).map(|_| ())
}

/// Whether the caller may remove `row`.
fn removable(tx: &Tx, row: &AttachmentRow) -> bool {
    let own = row.uploaded_by_user_id.is_some()
        && tx.who.user.as_ref().map(|user| user.id.as_str()) == row.uploaded_by_user_id.as_deref();
    own || tx.who.access.can_act(&row.organization_id)
}

/// The wire shape of `row` for the caller.
fn view(tx: &Tx, row: &AttachmentRow) -> Result<Attachment, ApiError> {
    let media_type = warren_domain::attachments::MediaType::parse(&row.media_type)
        .ok_or_else(|| ApiError::corrupt("attachment type"))?;
    Ok(Attachment {
        id: parse_id(&row.id)?,
        referral_id: parse_id(&row.referral_id)?,
        message_id: row.message_id.as_deref().map(parse_id).transpose()?,
        consult_id: row.consult_id.as_deref().map(parse_id).transpose()?,
        kind: media_type.kind(),
        media_type,
        file_name: row.file_name.clone(),
        caption: row.caption.clone(),
        size: u64::try_from(row.size).unwrap_or_default(),
        width: row.width.and_then(|w| u32::try_from(w).ok()),
        height: row.height.and_then(|h| u32::try_from(h).ok()),
        has_thumbnail: row.thumbnail_sha256.is_some(),
        uploaded_by: row.uploaded_by.clone(),
        organization_id: parse_id(&row.organization_id)?,
        organization_name: row.organization_name.clone(),
        created_at: utc(row.created_at),
        can_remove: removable(tx, row),
    })
}

/// An upload's parts, read from the multipart form.
struct Form {
    file_name: String,
    content: Vec<u8>,
    caption: Option<Caption>,
    message_id: Option<Uuid>,
}

fn unreadable(error: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        ErrorCode::UnreadableBody,
        format!("The form could not be read as multipart/form-data: {error}."),
    )
}

/// A short text part, at most `max` bytes.
async fn text_part(field: &mut Field, name: &str, max: u64) -> Result<String, ApiError> {
    let bytes = files::collect_limited(field.map_err(unreadable), max)
        .await?
        .ok_or_else(|| ApiError::invalid_field(name, "is too long"))?;
    String::from_utf8(bytes).map_err(|_| ApiError::invalid_field(name, "must be UTF-8 text"))
}

/// Reads the form: a `file` part (required, at most `max_bytes`), an
/// optional `caption` and, on a referral, an optional `message_id`. Other
/// parts are refused, naming them.
async fn read_form(
    mut multipart: Multipart,
    max_bytes: u64,
    takes_message: bool,
) -> Result<Form, ApiError> {
    let mut form = Form {
        file_name: String::new(),
        content: Vec::new(),
        caption: None,
        message_id: None,
    };
    let mut has_file = false;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(unreadable)?;
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" if !has_file => {
                has_file = true;
                form.file_name = field
                    .content_disposition()
                    .and_then(|disposition| disposition.get_filename())
                    .unwrap_or_default()
                    .to_owned();
                form.content = files::collect_limited((&mut field).map_err(unreadable), max_bytes)
                    .await?
                    .ok_or(ApiError::PayloadTooLarge(
                        usize::try_from(max_bytes).unwrap_or(usize::MAX),
                    ))?;
            }
            "caption" => {
                let text = text_part(&mut field, "caption", 4096).await?;
                if !text.trim().is_empty() {
                    form.caption =
                        Some(Caption::parse(&text).map_err(|error| {
                            ApiError::invalid_field("caption", error.to_string())
                        })?);
                }
            }
            "message_id" if takes_message => {
                let text = text_part(&mut field, "message_id", 64).await?;
                form.message_id = Some(Uuid::parse_str(text.trim()).map_err(|_| {
                    ApiError::invalid_field("message_id", "must be a message's id")
                })?);
            }
            other => {
                return Err(ApiError::invalid_field(
                    if other.is_empty() { "form" } else { other },
                    "is not a part of this form (send file, caption and, on a referral, \
                     message_id, each once)",
                ));
            }
        }
    }
    if !has_file {
        return Err(ApiError::invalid_field("file", "is required"));
    }
    Ok(form)
}

/// Refuses a `message_id` that is not a message `organization` wrote in
/// `referral`'s case thread.
fn check_message(
    tx: &mut Tx,
    referral: &ReferralRow,
    organization: &str,
    message: &str,
) -> Result<(), ApiError> {
    let (message_referral, message_organization) =
        store::message_parent(tx, message).map_err(|_| {
            ApiError::invalid_field("message_id", "is not a message of this case thread")
        })?;
    if message_referral != referral.id || message_organization != organization {
        return Err(ApiError::invalid_field(
            "message_id",
            "is not a message your organization wrote in this case thread",
        ));
    }
    Ok(())
}

/// The refusal for a file that cannot be kept.
fn refused(error: FileError) -> ApiError {
    match error {
        FileError::TooLarge(limit) => {
            ApiError::PayloadTooLarge(usize::try_from(limit).unwrap_or(usize::MAX))
        }
        other => ApiError::invalid_field("file", other.to_string()),
    }
}

/// Attaches a file: checks the caller may (before reading the file), reads
/// and prepares it, stores its objects, then writes its row in one
/// transaction under the caller's `Idempotency-Key`.
async fn attach(
    api: Api,
    parent: Parent,
    key: IdempotencyKey,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    api.check(move |tx| {
        standing(tx, parent)?
            .attaches_for
            .map(|_| ())
            .ok_or_else(|| {
                ApiError::Forbidden(match parent {
                    Parent::Referral(_) => {
                        "Only the two organizations of the referral attach files to it.".into()
                    }
                    Parent::Consult(_) => {
                        "Only the consult's specialist and the admins, clinicians \
                                       and staff who asked for it attach files to it."
                            .into()
                    }
                })
            })
    })
    .await?;
    if !request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("multipart/form-data"))
    {
        return Err(ApiError::bad_request(
            ErrorCode::UnreadableBody,
            "Send the file as multipart/form-data, with a part named file.",
        ));
    }
    let files = api.state.files.clone();
    let multipart = Multipart::new(request.headers(), payload.into_inner());
    let form = read_form(
        multipart,
        files.max_bytes,
        matches!(parent, Parent::Referral(_)),
    )
    .await?;
    let Form {
        file_name,
        content,
        caption,
        message_id,
    } = form;
    // What can be refused from the form alone is refused before anything
    // is stored (the transaction checks it again).
    if let Some(message) = message_id {
        api.check(move |tx| {
            let standing = standing(tx, parent)?;
            let organization = standing.attaches_for.unwrap_or_default();
            check_message(tx, &standing.referral, &organization, &message.to_string())
        })
        .await?;
    }
    let original_digest = files::digest(&content);
    let max_bytes = files.max_bytes;
    let prepared: Prepared = web::block(move || files::prepare(content.into(), max_bytes))
        .await
        .map_err(|error| ApiError::Internal(error.to_string()))?
        .map_err(refused)?;
    files
        .put(&prepared.digest, prepared.content.clone())
        .await
        .map_err(|error| ApiError::Unavailable(format!("{error:#}")))?;
    if let Some((thumbnail, digest)) = &prepared.thumbnail {
        files
            .put(digest, thumbnail.clone())
            .await
            .map_err(|error| ApiError::Unavailable(format!("{error:#}")))?;
    }
    let fingerprint = format!(
        "attachment:{parent:?}:{original_digest}:{}:{}:{}",
        caption.as_ref().map(Caption::as_str).unwrap_or_default(),
        message_id.map(|id| id.to_string()).unwrap_or_default(),
        file_name,
    );
    api.create(key, fingerprint, move |tx| {
        let Standing {
            referral,
            consult_id,
            attaches_for,
        } = standing(tx, parent)?;
        let organization = attaches_for
            .ok_or_else(|| ApiError::Forbidden("You may not attach files here.".into()))?;
        let message_id = message_id.map(|id| id.to_string());
        if let Some(message) = &message_id {
            check_message(tx, &referral, &organization, message)?;
        }
        let name = actor_name(tx.who);
        let user_id = tx.who.actor.user_id.clone();
        let media_type = prepared.media_type;
        let file_name = warren_domain::attachments::safe_file_name(&file_name, media_type);
        let dimensions = prepared.dimensions.map(|(width, height)| {
            (
                i32::try_from(width).unwrap_or(i32::MAX),
                i32::try_from(height).unwrap_or(i32::MAX),
            )
        });
        let row = store::insert(
            tx,
            &NewAttachment {
                referral_id: &referral.id,
                message_id: message_id.as_deref(),
                consult_id: consult_id.as_deref(),
                organization_id: &organization,
                uploaded_by: &name,
                uploaded_by_user_id: user_id.as_deref(),
                caption: caption.as_ref().map(Caption::as_str),
                file_name: &file_name,
                media_type: media_type.as_str(),
                kind: media_type.kind().as_str(),
                size: i64::try_from(prepared.content.len()).unwrap_or(i64::MAX),
                sha256: &prepared.digest,
                dimensions,
                thumbnail_sha256: prepared
                    .thumbnail
                    .as_ref()
                    .map(|(_, digest)| digest.as_str()),
            },
        )?;
        tx.audit(
            "attachment.added",
            "referral",
            &referral.id,
            Some(&organization),
            serde_json::json!({
                "attachment_id": row.id,
                "consult_id": row.consult_id,
                "message_id": row.message_id,
                "media_type": row.media_type,
                "size": row.size,
            }),
        )?;
        view(tx, &row)
    })
    .await
}

/// Attach a file to a referral, or with `message_id` to a message of its
/// case thread your organization wrote (members of either organization,
/// volunteers included). The type is decided from the content: JPEG, PNG,
/// WebP, PDF, MP4, QuickTime or WebM, up to the deployment's limit (25 MB
/// unless configured). Images are re-encoded without their metadata (a
/// phone photo's location is not kept) and get a thumbnail. Honours
/// `Idempotency-Key`.
#[utoipa::path(
    operation_id = "attach_to_referral",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    params(
        ("id" = Uuid, Path, description = "The referral."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The file.", body = Attachment),
        (status = 413, description = "The file is larger than the limit.", body = warren_wire::Problem, content_type = "application/problem+json"),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/referrals/{id}/attachments")]
pub async fn attach_to_referral(
    api: Api,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    attach(
        api,
        Parent::Referral(id.into_inner()),
        key,
        request,
        payload,
    )
    .await
}

/// Attach a file to a consult (its specialist, or the admins, clinicians
/// and staff of the organization that asked): a radiograph to read, a lab
/// report, a photo. The same form and rules as a referral's files; the
/// consult's specialist and the referral's two organizations read it.
#[utoipa::path(
    operation_id = "attach_to_consult",
    tag = "specialists",
    security(("bearer" = []), ("api_key" = [])),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    params(
        ("id" = Uuid, Path, description = "The consult."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The file.", body = Attachment),
        (status = 413, description = "The file is larger than the limit.", body = warren_wire::Problem, content_type = "application/problem+json"),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/consults/{id}/attachments")]
pub async fn attach_to_consult(
    api: Api,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    attach(api, Parent::Consult(id.into_inner()), key, request, payload).await
}

/// The files on a referral, oldest first: its own, its messages' and its
/// consults' (the two organizations and network admins).
#[utoipa::path(
    operation_id = "list_referral_attachments",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The referral.")),
    responses((status = 200, description = "The files.", body = AttachmentList), ObjectProblems)
)]
#[get("/referrals/{id}/attachments")]
pub async fn referral_attachments(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let items = api
        .read(move |tx| {
            let Standing { referral, .. } = standing(tx, Parent::Referral(id))?;
            let rows = store::of_referral(tx, &referral.id)?;
            rows.iter()
                .map(|row| view(tx, row))
                .collect::<Result<_, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(AttachmentList { items }))
}

/// The files on a consult, oldest first (its specialist and the referral's
/// two organizations).
#[utoipa::path(
    operation_id = "list_consult_attachments",
    tag = "specialists",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The consult.")),
    responses((status = 200, description = "The files.", body = AttachmentList), ObjectProblems)
)]
#[get("/consults/{id}/attachments")]
pub async fn consult_attachments(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let items = api
        .read(move |tx| {
            standing(tx, Parent::Consult(id))?;
            let rows = store::of_consult(tx, &id.to_string())?;
            rows.iter()
                .map(|row| view(tx, row))
                .collect::<Result<_, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(AttachmentList { items }))
}

/// The file `id` when the caller reads it (404 otherwise).
async fn readable_row(api: Api, id: Uuid) -> Result<(AttachmentRow, Attachment), ApiError> {
    api.read(move |tx| {
        let row = store::one(tx, &id.to_string())?;
        readable(tx, &row)?;
        let attachment = view(tx, &row)?;
        Ok((row, attachment))
    })
    .await
}

/// One file's description (whoever reads what it belongs to).
#[utoipa::path(
    operation_id = "read_attachment",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The file.")),
    responses((status = 200, description = "The file.", body = Attachment), ObjectProblems)
)]
#[get("/attachments/{id}")]
pub async fn read_attachment(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let (_, attachment) = readable_row(api, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(attachment))
}

/// Whether a file is offered as a download rather than shown.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct ContentQuery {
    /// `true` to download it under its name (`Content-Disposition:
    /// attachment`) rather than show it.
    #[serde(default)]
    pub download: bool,
}

/// Sends the object `digest` as `media_type`, unable to run anything: a
/// sandboxing `Content-Security-Policy`, `nosniff`, and a
/// `Content-Disposition` naming the file.
async fn send_object(
    files: &files::Files,
    digest: &str,
    media_type: &str,
    disposition: String,
) -> Result<HttpResponse, ApiError> {
    let stream = files
        .get(digest)
        .await
        .map_err(|error| ApiError::Unavailable(format!("{error:#}")))?;
    Ok(HttpResponse::Ok()
        .content_type(media_type.to_owned())
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox; frame-ancestors 'self'",
        ))
        .insert_header((header::CACHE_CONTROL, "private, max-age=86400"))
        .insert_header((header::ETAG, format!("\"{digest}\"")))
        .streaming(
            stream.map_err(|error| actix_web::error::ErrorServiceUnavailable(error.to_string())),
        ))
}

/// `filename="…"` for a name [`warren_domain::attachments::safe_file_name`]
/// made, which holds no quote or backslash.
fn disposition(kind: &str, file_name: &str) -> String {
    format!("{kind}; filename=\"{file_name}\"")
}

/// A file's content (whoever reads what it belongs to; the same 404 as for
/// no file otherwise), shown inline unless `download=true`. It cannot run
/// anything: it is sent with a sandboxing `Content-Security-Policy` and
/// `X-Content-Type-Options: nosniff`, as the type its content showed.
#[utoipa::path(
    operation_id = "read_attachment_content",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The file."), ContentQuery),
    responses(
        (status = 200, description = "The file's content.", content_type = "application/octet-stream"),
        ObjectProblems
    )
)]
#[get("/attachments/{id}/content")]
pub async fn attachment_content(
    api: Api,
    id: web::Path<Uuid>,
    query: web::Query<ContentQuery>,
) -> Result<HttpResponse, ApiError> {
    let files = api.state.files.clone();
    let (row, _) = readable_row(api, id.into_inner()).await?;
    let kind = if query.download {
        "attachment"
    } else {
        "inline"
    };
    send_object(
        &files,
        &row.sha256,
        &row.media_type,
        disposition(kind, &row.file_name),
    )
    .await
}

/// An image's thumbnail, a JPEG at most 320 pixels on a side (404 for a
/// file without one, and for anyone who does not read the file).
#[utoipa::path(
    operation_id = "read_attachment_thumbnail",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The file.")),
    responses(
        (status = 200, description = "The thumbnail.", content_type = "image/jpeg"),
        ObjectProblems
    )
)]
#[get("/attachments/{id}/thumbnail")]
pub async fn attachment_thumbnail(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let files = api.state.files.clone();
    let (row, _) = readable_row(api, id.into_inner()).await?;
    let digest = row.thumbnail_sha256.ok_or(ApiError::NotFound)?;
    send_object(
        &files,
        &digest,
        "image/jpeg",
        disposition("inline", "thumbnail.jpg"),
    )
    .await
}

/// Remove a file (whoever attached it, or an admin, clinician or staff
/// member of their organization). Its content is deleted from storage by
/// the next sweep once no other file has the same content.
#[utoipa::path(
    operation_id = "remove_attachment",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The file.")),
    responses((status = 204, description = "Removed."), ObjectProblems)
)]
#[delete("/attachments/{id}")]
pub async fn remove_attachment(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    api.write(move |tx| {
        let row = store::one(tx, &id)?;
        readable(tx, &row)?;
        if !removable(tx, &row) {
            return Err(ApiError::Forbidden(
                "Only whoever attached a file, or an admin, clinician or staff member of their \
                 organization, removes it."
                    .into(),
            ));
        }
        store::remove(tx, &row.id)?;
        tx.audit(
            "attachment.removed",
            "referral",
            &row.referral_id,
            Some(&row.organization_id),
            serde_json::json!({ "attachment_id": row.id, "file_name": row.file_name }),
        )?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// How often the sweep looks for objects no file names.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Starts the sweep that removes stored objects no file names (see
/// [`crate::files`]): those of uploads whose row was never written, and
/// those of removed files.
pub fn start_sweep(state: web::Data<crate::state::AppState>) {
    let jobs = state.jobs.clone();
    jobs.every(SWEEP_EVERY, move || {
        let state = state.clone();
        async move {
            match state.files.sweep(&state.store, None).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "removed stored files no case names"),
                Err(error) => tracing::warn!(error = format!("{error:#}"), "file sweep failed"),
            }
        }
    });
}

//! `/referrals/:id`: one referral as the caller's side sees it, live.
//!
//! Everything the form carried, both organizations with a button to call
//! each, where it stands and the moves the caller's side may make now (the
//! server's `next_statuses`; declining asks for a reason from the list), the
//! transport leg and its steps, the outcome (recorded by the receiver), the
//! animal's patient record (which travels with it from one organization to
//! the next: [`record`]), the files of the case (radiographs, photos,
//! documents, videos), the timeline and the case thread between the two
//! sides.
//!
//! Every change is sent with the version the page shows (`If-Match`); when
//! someone else changed the referral meanwhile the server refuses it (412),
//! the page says so and shows the referral as it now is. Changes by the
//! other side arrive through the live event stream and are shown without a
//! reload; forms being filled in keep what was typed.

use std::collections::{BTreeMap, VecDeque};

use chrono::NaiveDate;
use leptos::prelude::*;
use uuid::Uuid;
use warren_client::{Client, ClientError, Versioned};
use warren_domain::referral::{
    BusinessStatus, OutcomeKind, ReferralStatus, RejectReason, Sex, TransportStatus,
    shared_by_default,
};
use warren_domain::triage::Protocol;
use warren_domain::{ClinicalNote, Role, ShortText};
use warren_wire::{
    BusinessStatusRequest, CaseMessage, PostMessageRequest, RecordOutcomeRequest, Referral,
    ReferralParty, TimelineEntry, TransitionRequest, TransportRequest,
};

use crate::components::{
    BusinessStatusBadge, CallLink, CaseFiles, Changes, ConfirmButton, DueCountdown, ErrorAlert,
    FieldErrors, FilesOf, LiveIndicator, Loaded, PageFiles, PriorityBadge, ReferralStatusBadge,
    RequireSignIn, StaleNotice, SuccessNotice, TextArea, TextField, TierBadge, TimelineCard,
    label_of, patient_title, reveal_problem, term_labels, use_referral_stream,
};
use crate::local_time;
use crate::pages::referral_consults::ConsultsCard;
use crate::pages::{NotFoundPage, route_id};
use crate::session::{Session, use_session};

mod clinical;
mod outcome;
mod owner_link;
mod record;
mod status;
mod thread;
mod transport;

use clinical::{ClinicalCard, PartiesCard, PatientCard};
use outcome::OutcomeCard;
use owner_link::OwnerLinkCard;
use record::RecordSection;
use status::StatusCard;
use thread::{ThreadCard, Timeline};
use transport::TransportCard;

/// The referral page.
#[component]
pub fn ReferralPage() -> impl IntoView {
    let id = route_id();
    view! {
        <RequireSignIn>
            {move || match id.get() {
                Some(id) => view! { <ReferralView id/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </RequireSignIn>
    }
}

#[component]
fn ReferralView(id: Uuid) -> impl IntoView {
    let session = use_session();
    let first = LocalResource::new(move || async move { session.api().referral(id).await });
    view! {
        <Loaded resource=first label="Loading the referral…" let:initial>
            <Detail id initial/>
        </Loaded>
    }
}

/// One change the page sends.
#[derive(Debug, Clone)]
enum Change {
    /// Move the referral to another status.
    Transition(TransitionRequest),
    /// Arrange the transport leg, one request per step of its lifecycle.
    Transport(Vec<TransportRequest>),
    /// Set the transport step.
    Business(BusinessStatus),
    /// Record the outcome.
    Outcome(RecordOutcomeRequest),
}

impl Change {
    /// What to tell the person once it is done.
    fn done(&self) -> String {
        match self {
            Self::Transition(request) => format!("Status: {}.", request.status.label()),
            Self::Transport(_) => "Transport saved.".to_owned(),
            Self::Business(status) => format!("Transport step: {}.", status.label()),
            Self::Outcome(request) => format!("Outcome recorded: {}.", request.kind.label()),
        }
    }

    /// The requests to send, in order.
    fn requests(&self) -> Vec<Request> {
        match self {
            Self::Transition(request) => vec![Request::Transition(request.clone())],
            Self::Transport(steps) => steps.iter().cloned().map(Request::Transport).collect(),
            Self::Business(status) => vec![Request::Business(*status)],
            Self::Outcome(request) => vec![Request::Outcome(request.clone())],
        }
    }
}

/// One request of a [`Change`].
#[derive(Debug, Clone)]
enum Request {
    Transition(TransitionRequest),
    Transport(TransportRequest),
    Business(BusinessStatus),
    Outcome(RecordOutcomeRequest),
}

impl Request {
    async fn send(
        self,
        client: Client,
        id: Uuid,
        etag: String,
    ) -> Result<Versioned<Referral>, ClientError> {
        match self {
            Self::Transition(request) => client.transition_referral(id, &request, &etag).await,
            Self::Transport(request) => client.arrange_transport(id, &request, &etag).await,
            Self::Business(business_status) => {
                client
                    .set_business_status(id, &BusinessStatusRequest { business_status }, &etag)
                    .await
            }
            Self::Outcome(request) => client.record_referral_outcome(id, &request, &etag).await,
        }
    }
}

/// What the sections of the page share; cheap to copy.
#[derive(Clone, Copy)]
struct Page {
    id: Uuid,
    session: Session,
    /// The referral with its version, as last read or changed, and the
    /// last change's outcome.
    changes: Changes<Referral>,
    /// The referral itself, for views.
    referral: Memo<Referral>,
    timeline: RwSignal<Vec<TimelineEntry>>,
    thread: RwSignal<Vec<CaseMessage>>,
    labels: RwSignal<BTreeMap<String, String>>,
    /// The files of the page's sections (the referral's, its consults'),
    /// listed again whenever the page reloads.
    files: PageFiles,
    /// Counts reloads, so that only the latest one is shown.
    reloads: StoredValue<u64>,
    /// Sends a change; true once it is made.
    change: Action<Change, bool>,
    /// Whether the decline form is open, and its errors.
    declining: RwSignal<bool>,
    decline_errors: FieldErrors,
    /// Whether the transport form is open, and its errors.
    arranging: RwSignal<bool>,
    transport_errors: FieldErrors,
    /// The outcome form's errors.
    outcome_errors: FieldErrors,
}

impl Page {
    /// Reads the referral, its timeline and thread again.
    async fn reload(self) {
        let mut generation = 0;
        self.reloads.update_value(|reloads| {
            *reloads += 1;
            generation = *reloads;
        });
        let id = self.id;
        let referral = self.session.api().referral(id).await;
        let timeline = self.session.api().referral_timeline(id).await;
        let thread = self.session.api().referral_messages(id).await;
        if self.reloads.try_get_value() != Some(generation) {
            return;
        }
        match referral {
            Ok(referral) => {
                if referral != self.changes.current.get_untracked() {
                    self.changes.current.try_set(referral);
                }
            }
            Err(error) => {
                self.changes.problem.try_set(Some(error));
            }
        }
        if let Ok(timeline) = timeline {
            self.timeline.try_set(timeline.items);
        }
        if let Ok(thread) = thread {
            self.thread.try_set(thread.items);
        }
        // The other side may have attached files meanwhile (the first
        // reload runs as the files are first listed).
        if generation > 1 {
            self.files.bump();
        }
    }

    /// The errors of the form that sends `change`, if a form does.
    fn errors_of(&self, change: &Change) -> Option<FieldErrors> {
        match change {
            Change::Transition(request) if request.status == ReferralStatus::Rejected => {
                Some(self.decline_errors)
            }
            Change::Transition(_) | Change::Business(_) => None,
            Change::Transport(_) => Some(self.transport_errors),
            Change::Outcome(_) => Some(self.outcome_errors),
        }
    }

    /// Sends `change` against the version shown; true when it was made.
    async fn apply(self, change: Change) -> bool {
        let errors = self.errors_of(&change);
        self.changes.start(errors);
        let id = self.id;
        for request in change.requests() {
            let made = self
                .changes
                .send(self.session, errors, move |client, etag| {
                    request.clone().send(client, id, etag)
                })
                .await;
            if !made {
                self.reload().await;
                reveal_problem();
                return false;
            }
        }
        match change {
            Change::Transition(_) => self.declining.set(false),
            Change::Transport(_) => self.arranging.set(false),
            Change::Business(_) | Change::Outcome(_) => {}
        }
        self.changes.done(change.done());
        self.reload().await;
        true
    }

    /// The caller's organization on this referral, if it is one of the two.
    fn own_organization(&self) -> Option<Uuid> {
        self.referral.with(|referral| match referral.side.as_str() {
            "receiver" => Some(referral.receiver.organization_id),
            "referrer" => Some(referral.referrer.organization_id),
            _ => None,
        })
    }

    /// Whether the signed-in person may change the referral: not a
    /// volunteer of their side (reactive).
    fn may_decide(&self) -> bool {
        let own = self.own_organization();
        let side = self.referral.with(|referral| referral.side);
        match own {
            Some(own) => self.session.memberships().iter().any(|membership| {
                membership.organization.id == own && membership.role != Role::Volunteer
            }),
            None => side == "coordinator",
        }
    }
}

/// The page, filled from the referral as first read, then kept current.
#[component]
fn Detail(id: Uuid, initial: Versioned<Referral>) -> impl IntoView {
    let session = use_session();
    let changes = Changes::new(initial);
    let current = changes.current;
    let referral = Memo::new(move |_| current.with(|current| current.value.clone()));
    let page_slot = StoredValue::new(None::<Page>);
    let change = Action::new_local(move |change: &Change| {
        let change = change.clone();
        let page = page_slot.get_value();
        async move {
            match page {
                Some(page) => page.apply(change).await,
                None => false,
            }
        }
    });
    let page = Page {
        id,
        session,
        changes,
        referral,
        timeline: RwSignal::new(Vec::new()),
        thread: RwSignal::new(Vec::new()),
        labels: RwSignal::new(BTreeMap::new()),
        files: PageFiles::provide(),
        reloads: StoredValue::new(0),
        change,
        declining: RwSignal::new(false),
        decline_errors: FieldErrors::new(),
        arranging: RwSignal::new(false),
        transport_errors: FieldErrors::new(),
        outcome_errors: FieldErrors::new(),
    };
    page_slot.set_value(Some(page));
    provide_context(page);
    leptos::task::spawn_local(page.reload());
    leptos::task::spawn_local(async move {
        let labels = term_labels(session).await;
        page.labels.try_set(labels);
    });
    let stream = use_referral_stream();
    // The first run sees what happened before the page opened, which the
    // reload above reads anyway.
    Effect::new(move |ran: Option<()>| {
        let changes = stream.changes();
        if ran.is_some() && changes.concerns(id) {
            leptos::task::spawn_local(page.reload());
        }
    });

    let species = Memo::new(move |_| {
        referral.with(|referral| {
            page.labels
                .with(|labels| label_of(labels, &referral.species))
        })
    });
    let title = move || referral.with(|referral| patient_title(referral, &species.get()));
    view! {
        <header class="page-header with-actions referral-header">
            <div>
                <p class="eyebrow">
                    <a href="/referrals">"Referrals"</a>
                    <LiveIndicator stream/>
                </p>
                <h1 data-testid="referral-title">{title}</h1>
                <div class="badges referral-badges" data-version=move || current.with(|current| current.value.version.to_string())>
                    {move || {
                        let referral = referral.get();
                        // Once it is over, the transport step no longer matters.
                        let step = referral.business_status.filter(|_| referral.status.is_open());
                        view! {
                            <PriorityBadge tier=referral.priority/>
                            <ReferralStatusBadge status=referral.status/>
                            {step.map(|status| view! { <BusinessStatusBadge status/> })}
                        }
                    }}
                </div>
                <p class="lead">
                    {move || {
                        referral.with(|referral| {
                            let sent = referral.sent_at.unwrap_or(referral.created_at);
                            format!(
                                "{} · {} → {} · sent {} by {}",
                                species.get(),
                                party_name(&referral.referrer),
                                party_name(&referral.receiver),
                                local_time::date_time(sent),
                                referral.created_by,
                            )
                        })
                    }}
                </p>
            </div>
        </header>
        <StaleNotice
            stale=changes.stale
            message="Changed by someone else — reloaded. Check the referral as it is now, then try again."
        />
        <ErrorAlert error=changes.problem/>
        <SuccessNotice message=changes.notice/>
        <div class="referral-layout">
            <div class="referral-main">
                <StatusCard/>
                <ClinicalCard/>
                // Members of either organization attach, as they write in the thread.
                <CaseFiles
                    parent=FilesOf::Referral(id)
                    may_attach=Signal::derive(move || page.own_organization().is_some())
                />
                <PatientCard/>
                <RecordSection/>
                <TransportCard/>
                <OutcomeCard/>
            </div>
            <div class="referral-side">
                <PartiesCard/>
                <ThreadCard/>
                <OwnerLinkCard/>
                <ConsultsCard
                    referral=id
                    species=Signal::derive(move || referral.with(|referral| referral.species.clone()))
                    may_ask=Signal::derive(move || page.own_organization().is_some() && page.may_decide())
                    changed=Signal::derive(move || page.thread.with(Vec::len))
                    on_change=Callback::new(move |()| leptos::task::spawn_local(page.reload()))
                />
                <Timeline/>
            </div>
        </div>
    }
}

fn use_page() -> Page {
    use_context::<Page>().expect("the referral page provides its context")
}

/// "Harbour Emergency (Severn Partners)" or the organization alone.
fn party_name(party: &ReferralParty) -> String {
    match &party.site_name {
        Some(site) if *site != party.organization_name => {
            format!("{site} ({})", party.organization_name)
        }
        _ => party.organization_name.clone(),
    }
}

/// The text of a move's button.
fn move_label(from: ReferralStatus, to: ReferralStatus) -> &'static str {
    match to {
        ReferralStatus::Draft => "Back to draft",
        ReferralStatus::Requested => "Send now",
        ReferralStatus::Received => "Mark as seen",
        ReferralStatus::Accepted if from == ReferralStatus::OnHold => "Resume",
        ReferralStatus::Accepted => "Accept",
        ReferralStatus::InProgress => "A vet has seen it",
        ReferralStatus::Completed => "Complete",
        ReferralStatus::Rejected => "Decline…",
        ReferralStatus::Cancelled => "Cancel referral",
        ReferralStatus::OnHold => "Put on hold",
        ReferralStatus::Failed => "Mark as failed",
        ReferralStatus::EnteredInError => "Entered in error",
    }
}

/// A line of a `<dl class="facts">`; "—" when there is nothing.
#[component]
fn Fact(label: &'static str, value: Option<String>) -> impl IntoView {
    let empty = value.is_none();
    view! {
        <dt>{label}</dt>
        <dd class="notes" class:muted=empty>
            {value.unwrap_or_else(|| "—".to_owned())}
        </dd>
    }
}

//! `/referrals/:id`: one referral as the caller's side sees it, live.
//!
//! Everything the form carried, both organizations with a button to call
//! each, where it stands and the moves the caller's side may make now (the
//! server's `next_statuses`; declining asks for a reason from the list), the
//! transport leg and its steps, the outcome (recorded by the receiver), the
//! timeline and the case thread between the two sides.
//!
//! Every change is sent with the version the page shows (`If-Match`); when
//! someone else changed the referral meanwhile the server refuses it (412),
//! the page says so and shows the referral as it now is. Changes by the
//! other side arrive through the live event stream and are shown without a
//! reload; forms being filled in keep what was typed.

use std::collections::{BTreeMap, VecDeque};
use warren_wire::ErrorCode;

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
    BusinessStatusBadge, CallLink, ConfirmButton, DueCountdown, ErrorAlert, FieldErrors,
    LiveIndicator, Loading, PriorityBadge, ReferralStatusBadge, RequireSignIn, SuccessNotice,
    TextArea, TextField, TierBadge, label_of, patient_title, reveal_problem, term_labels,
    use_referral_stream,
};
use crate::local_time;
use crate::pages::referral_consults::ConsultsCard;
use crate::pages::{NotFoundPage, route_id};
use crate::session::{Session, use_session};

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
    let first = LocalResource::new(move || {
        session.call(move |client| async move { client.referral(id).await })
    });
    view! {
        <Transition fallback=|| view! { <Loading label="Loading the referral…"/> }>
            {move || Suspend::new(async move {
                match first.await {
                    Ok(initial) => view! { <Detail id initial/> }.into_any(),
                    Err(error) => view! { <ErrorAlert error=Signal::stored(Some(error))/> }.into_any(),
                }
            })}
        </Transition>
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
    /// The referral with its version, as last read or changed.
    current: RwSignal<Versioned<Referral>>,
    /// The referral itself, for views.
    referral: Memo<Referral>,
    timeline: RwSignal<Vec<TimelineEntry>>,
    thread: RwSignal<Vec<CaseMessage>>,
    labels: RwSignal<BTreeMap<String, String>>,
    notice: RwSignal<Option<String>>,
    problem: RwSignal<Option<ClientError>>,
    /// The last change was refused because someone else changed the
    /// referral first.
    stale: RwSignal<bool>,
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
        let referral = self
            .session
            .call(move |client| async move { client.referral(id).await })
            .await;
        let timeline = self
            .session
            .call(move |client| async move { client.referral_timeline(id).await })
            .await;
        let thread = self
            .session
            .call(move |client| async move { client.referral_messages(id).await })
            .await;
        if self.reloads.try_get_value() != Some(generation) {
            return;
        }
        match referral {
            Ok(referral) => {
                if referral != self.current.get_untracked() {
                    self.current.try_set(referral);
                }
            }
            Err(error) => {
                self.problem.try_set(Some(error));
            }
        }
        if let Ok(timeline) = timeline {
            self.timeline.try_set(timeline.items);
        }
        if let Ok(thread) = thread {
            self.thread.try_set(thread.items);
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
        self.notice.set(None);
        self.problem.set(None);
        self.stale.set(false);
        let errors = self.errors_of(&change);
        if let Some(errors) = errors {
            errors.clear();
        }
        let id = self.id;
        for request in change.requests() {
            let etag = self.current.get_untracked().etag;
            let answer = self
                .session
                .call(move |client| request.clone().send(client, id, etag.clone()))
                .await;
            match answer {
                Ok(referral) => self.current.set(referral),
                Err(error) => {
                    if error.is(ErrorCode::PreconditionFailed) {
                        self.stale.set(true);
                    } else {
                        if let Some(errors) = errors {
                            errors.absorb(&error);
                        }
                        self.problem.set(Some(error));
                    }
                    self.reload().await;
                    reveal_problem();
                    return false;
                }
            }
        }
        match change {
            Change::Transition(_) => self.declining.set(false),
            Change::Transport(_) => self.arranging.set(false),
            Change::Business(_) | Change::Outcome(_) => {}
        }
        self.notice.set(Some(change.done()));
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
    let current = RwSignal::new(initial);
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
        current,
        referral,
        timeline: RwSignal::new(Vec::new()),
        thread: RwSignal::new(Vec::new()),
        labels: RwSignal::new(BTreeMap::new()),
        notice: RwSignal::new(None),
        problem: RwSignal::new(None),
        stale: RwSignal::new(false),
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
    let stale = page.stale;
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
        <Show when=move || stale.get()>
            <div class="alert alert-error" role="alert" data-code="precondition_failed" data-testid="stale">
                <p>"Changed by someone else — reloaded. Check the referral as it is now, then try again."</p>
            </div>
        </Show>
        <ErrorAlert error=page.problem/>
        <SuccessNotice message=page.notice/>
        <div class="referral-layout">
            <div class="referral-main">
                <StatusCard/>
                <ClinicalCard/>
                <PatientCard/>
                <TransportCard/>
                <OutcomeCard/>
            </div>
            <div class="referral-side">
                <PartiesCard/>
                <ThreadCard/>
                <ConsultsCard
                    referral=id
                    species=Signal::derive(move || referral.with(|referral| referral.species.clone()))
                    may_ask=Signal::derive(move || page.own_organization().is_some() && page.may_decide())
                    changed=Signal::derive(move || page.thread.with(Vec::len))
                    on_change=Callback::new(move |()| leptos::task::spawn_local(page.reload()))
                />
                <TimelineCard/>
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

/// Where it stands, what the other side must do, and the caller's moves.
#[component]
fn StatusCard() -> impl IntoView {
    let page = use_page();
    let referral = page.referral;
    let declining = page.declining;
    let pending = page.change.pending();
    let moves = Memo::new(move |_| referral.with(|referral| referral.next_statuses.clone()));
    let send = move |status: ReferralStatus| {
        page.change.dispatch(Change::Transition(TransitionRequest {
            status,
            reason: None,
            note: None,
        }));
    };
    let situation = move || {
        referral.with(|referral| {
            let receiver = party_name(&referral.receiver);
            let ours = referral.side == "receiver";
            let text = match referral.status {
                ReferralStatus::Draft => "A draft: not sent yet.".to_owned(),
                ReferralStatus::Requested | ReferralStatus::Received if ours => {
                    "Waiting for your answer.".to_owned()
                }
                ReferralStatus::Requested | ReferralStatus::Received => {
                    format!("Waiting for {receiver} to answer.")
                }
                ReferralStatus::Accepted => format!("{receiver} will take the patient."),
                ReferralStatus::InProgress => {
                    format!("With {receiver}: a vet has seen the patient.")
                }
                ReferralStatus::OnHold => format!("On hold at {receiver}."),
                ReferralStatus::Completed => "Completed: the outcome is recorded.".to_owned(),
                ReferralStatus::Rejected => format!("{receiver} declined."),
                ReferralStatus::Cancelled => "Cancelled.".to_owned(),
                ReferralStatus::Failed => "The handover could not happen.".to_owned(),
                ReferralStatus::EnteredInError => {
                    "Entered in error: kept for the record only.".to_owned()
                }
            };
            let due = referral
                .answer_due_at
                .filter(|_| referral.status.awaits_answer());
            (text, due)
        })
    };
    let buttons = move || {
        let from = referral.with_untracked(|referral| referral.status);
        moves
            .get()
            .into_iter()
            .map(|to| {
                let label = move_label(from, to);
                match to {
                    ReferralStatus::Rejected => view! {
                        <button
                            type="button"
                            class="button danger"
                            data-testid="transition"
                            data-status=to.as_str()
                            disabled=move || pending.get()
                            on:click=move |_| declining.set(true)
                        >
                            {label}
                        </button>
                    }
                    .into_any(),
                    ReferralStatus::Cancelled
                    | ReferralStatus::Failed
                    | ReferralStatus::EnteredInError => view! {
                        <span class="move-confirm" data-testid="transition" data-status=to.as_str()>
                            <ConfirmButton
                                label
                                confirm_label="Yes"
                                question=format!("{label}?")
                                pending
                                on_confirm=Callback::new(move |()| send(to))
                            />
                        </span>
                    }
                    .into_any(),
                    _ => {
                        let class =
                            if matches!(to, ReferralStatus::Accepted | ReferralStatus::Requested) {
                                "button primary large"
                            } else {
                                "button secondary"
                            };
                        view! {
                            <button
                                type="button"
                                class=class
                                data-testid="transition"
                                data-status=to.as_str()
                                disabled=move || pending.get()
                                on:click=move |_| send(to)
                            >
                                {label}
                            </button>
                        }
                        .into_any()
                    }
                }
            })
            .collect_view()
    };
    view! {
        <section class="card status-card" aria-labelledby="status-heading" data-testid="status-card">
            <h2 id="status-heading">"Status"</h2>
            {move || {
                let (text, due) = situation();
                view! {
                    <p class="situation" data-testid="situation">
                        <strong>{text}</strong>
                        {due.map(|due| view! { " " <DueCountdown due/> })}
                    </p>
                }
            }}
            {move || {
                referral
                    .with(|referral| referral.rejection.clone())
                    .map(|rejection| {
                        view! {
                            <p class="rejection" data-testid="rejection" data-reason=rejection.reason.as_str()>
                                <strong>{format!("Declined: {}", rejection.reason.label())}</strong>
                                {rejection.note.map(|note| view! { <span class="notes">" — " {note}</span> })}
                            </p>
                        }
                    })
            }}
            {move || {
                referral
                    .with(|referral| referral.escalated_from)
                    .map(|from| {
                        view! {
                            <p class="muted small">
                                "Escalated from "
                                <a href=format!("/referrals/{from}")>"an earlier referral"</a>
                                " that was not answered in time."
                            </p>
                        }
                    })
            }}
            <Show
                when=move || page.may_decide()
                fallback=|| {
                    view! {
                        <p class="muted small">
                            "Volunteers read referrals and set the transport step; staff decide."
                        </p>
                    }
                }
            >
                <Show when=move || !moves.with(Vec::is_empty)>
                    <div class="move-buttons" role="group" aria-label="What you can do">
                        {buttons}
                    </div>
                </Show>
                <Show when=move || declining.get() && moves.with(|moves| moves.contains(&ReferralStatus::Rejected))>
                    <DeclineForm/>
                </Show>
            </Show>
        </section>
    }
}

/// Declining: a reason from the list, words required for "Other".
#[component]
fn DeclineForm() -> impl IntoView {
    let page = use_page();
    let reason = RwSignal::new(None::<RejectReason>);
    let note = RwSignal::new(String::new());
    let errors = page.decline_errors;
    let pending = page.change.pending();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let Some(chosen) = reason.get_untracked() else {
            errors.add("reason", "choose why");
            reveal_problem();
            return;
        };
        let text = note.get_untracked();
        let note = if text.trim().is_empty() {
            if chosen == RejectReason::Other {
                errors.add("note", "say why, for the reason “Other”");
                reveal_problem();
                return;
            }
            None
        } else {
            match errors.check("note", ClinicalNote::parse(text)) {
                Some(note) => Some(note),
                None => return,
            }
        };
        page.change.dispatch(Change::Transition(TransitionRequest {
            status: ReferralStatus::Rejected,
            reason: Some(chosen),
            note,
        }));
    };
    let reason_error = errors.of("reason");
    view! {
        <form class="decline-form" data-testid="decline-form" novalidate on:submit=submit>
            <fieldset class="radio-list" aria-invalid=move || reason_error.get().is_some().then_some("true")>
                <legend>"Why decline?"</legend>
                {RejectReason::ALL
                    .iter()
                    .copied()
                    .map(|choice| {
                        let id = format!("reject-{}", choice.as_str());
                        view! {
                            <div class="checkbox">
                                <input
                                    type="radio"
                                    name="reject-reason"
                                    id=id.clone()
                                    value=choice.as_str()
                                    prop:checked=move || reason.get() == Some(choice)
                                    on:change=move |_| reason.set(Some(choice))
                                />
                                <label for=id>{choice.label()}</label>
                            </div>
                        }
                    })
                    .collect_view()}
                {move || reason_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
            </fieldset>
            <TextArea
                id="reject-note"
                label="Note for the referrer"
                value=note
                hint="Required for “Other”."
                error=errors.of("note")
            />
            <div class="form-actions">
                <button type="submit" class="button danger" data-testid="decline" disabled=move || pending.get()>
                    "Decline referral"
                </button>
                <button type="button" class="button secondary" on:click=move |_| page.declining.set(false)>
                    "Keep it"
                </button>
            </div>
        </form>
    }
}

/// Reason, history, medications, allergies, the triage result and the
/// capabilities needed.
#[component]
fn ClinicalCard() -> impl IntoView {
    let page = use_page();
    let referral = page.referral;
    let session = page.session;
    let version = Memo::new(move |_| {
        referral.with(|referral| {
            referral
                .triage
                .as_ref()
                .map(|triage| triage.protocol_version)
        })
    });
    // The signs' labels as they were in the protocol version assessed under.
    let protocol = LocalResource::new(move || {
        let version = version.get();
        let client = session.client();
        async move {
            match version {
                Some(version) => client
                    .triage_protocol_version(version)
                    .await
                    .ok()
                    .map(|version| version.protocol),
                None => None,
            }
        }
    });
    let sign = |protocol: &Option<Protocol>, code: &str| {
        protocol
            .as_ref()
            .and_then(|protocol| {
                protocol
                    .discriminators
                    .iter()
                    .find(|sign| sign.code == code)
            })
            .map_or_else(|| code.replace('_', " "), |sign| sign.label.clone())
    };
    view! {
        <section class="card" aria-labelledby="clinical-heading" data-testid="clinical">
            <h2 id="clinical-heading">"Why referred"</h2>
            {move || {
                let referral = referral.get();
                let protocol = protocol.get().flatten();
                let labels = page.labels.get();
                let triage = referral.triage.clone().map(|triage| {
                    let fired = triage.fired.as_deref().map(|code| sign(&protocol, code));
                    let present: Vec<String> = triage
                        .present
                        .iter()
                        .map(|code| sign(&protocol, code))
                        .collect();
                    view! {
                        <div class="triage-summary" data-testid="triage">
                            <TierBadge spec=triage.tier.clone()/>
                            {fired.map(|fired| view! { <strong class="triage-fired">{format!("Because: {fired}")}</strong> })}
                            {(!present.is_empty())
                                .then(|| {
                                    view! {
                                        <p class="muted small">{format!("Signs present: {}", present.join(", "))}</p>
                                    }
                                })}
                        </div>
                    }
                });
                let assessment = referral
                    .assessment_id
                    .filter(|_| referral.side == "referrer")
                    .map(|id| {
                        view! {
                            <p class="small">
                                <a href=format!("/assessments/{id}")>"Open the assessment"</a>
                            </p>
                        }
                    });
                let capabilities: Vec<String> = referral
                    .capabilities
                    .iter()
                    .map(|code| label_of(&labels, code))
                    .collect();
                view! {
                    <p class="referral-reason notes" data-testid="reason">{referral.reason.clone()}</p>
                    {triage}
                    {assessment}
                    <dl class="facts">
                        <Fact label="History" value=referral.history.clone()/>
                        <Fact label="Medications" value=referral.medications.clone()/>
                        <Fact label="Allergies" value=referral.allergies.clone()/>
                    </dl>
                    {(!capabilities.is_empty())
                        .then(|| {
                            view! {
                                <h3 class="small-heading">"Needs"</h3>
                                <ul class="tags" data-testid="capabilities">
                                    {capabilities
                                        .into_iter()
                                        .map(|label| view! { <li>{label}</li> })
                                        .collect_view()}
                                </ul>
                            }
                        })}
                }
            }}
        </section>
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

/// The animal and its owner or finder.
#[component]
fn PatientCard() -> impl IntoView {
    let page = use_page();
    let referral = page.referral;
    view! {
        <section class="card" aria-labelledby="patient-heading" data-testid="patient">
            <h2 id="patient-heading">"Patient"</h2>
            {move || {
                let referral = referral.get();
                let species = page.labels.with(|labels| label_of(labels, &referral.species));
                let patient = referral.patient.clone();
                let identifiers = patient
                    .identifiers
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                view! {
                    <dl class="facts">
                        <Fact label="Species" value=Some(species)/>
                        <Fact label="Name" value=patient.name.map(|name| name.to_string())/>
                        <Fact label="Sex" value=patient.sex.map(|sex: Sex| sex.label().to_owned())/>
                        <Fact label="Age" value=patient.age.map(|age| age.to_string())/>
                        <Fact label="Weight" value=patient.weight_grams.map(|weight| format!("{} g", weight.grams()))/>
                        <Fact label="Identifiers" value=(!identifiers.is_empty()).then_some(identifiers)/>
                    </dl>
                    {referral
                        .contact
                        .map(|contact| {
                            view! {
                                <h3 class="small-heading">"Owner or finder"</h3>
                                <p class="contact" data-testid="contact">
                                    <strong>{contact.name.to_string()}</strong>
                                    {contact
                                        .email
                                        .map(|email| {
                                            let email = email.to_string();
                                            view! { " · " <a href=format!("mailto:{email}")>{email.clone()}</a> }
                                        })}
                                </p>
                                {contact.phone.map(|phone| view! { <CallLink phone=phone.to_string() label="Call owner"/> })}
                            }
                        })}
                }
            }}
        </section>
    }
}

/// One side of the referral, with a button to call it.
#[component]
fn Party(
    heading: &'static str,
    party: ReferralParty,
    testid: &'static str,
    ours: bool,
) -> impl IntoView {
    let name = party
        .site_name
        .clone()
        .unwrap_or_else(|| party.organization_name.clone());
    view! {
        <div class="party" data-testid=testid>
            <h3 class="small-heading">
                {heading} {ours.then_some(view! { " " <span class="badge badge-muted">"you"</span> })}
            </h3>
            <p class="party-name">
                <strong>{name}</strong>
            </p>
            {party.site_name.is_some().then(|| view! { <p class="muted small">{party.organization_name.clone()}</p> })}
            {party.phone.map(|phone| view! { <CallLink phone/> })}
        </div>
    }
}

/// Both organizations, with a button to call each, and who took it on.
#[component]
fn PartiesCard() -> impl IntoView {
    let page = use_page();
    let referral = page.referral;
    view! {
        <section class="card parties" aria-labelledby="parties-heading">
            <h2 id="parties-heading">"Who"</h2>
            {move || {
                let referral = referral.get();
                view! {
                    <Party heading="Referred by" party=referral.referrer.clone() testid="referrer" ours=referral.side == "referrer"/>
                    <Party heading="Referred to" party=referral.receiver.clone() testid="receiver" ours=referral.side == "receiver"/>
                    <p class="small assignee">
                        {match referral.assignee {
                            Some(person) => view! {
                                "Receiver's contact: "
                                <strong data-testid="assignee">{person.name}</strong>
                            }
                            .into_any(),
                            None => view! {
                                <span class="muted">"Nobody at the receiver has taken it on yet."</span>
                            }
                            .into_any(),
                        }}
                    </p>
                }
            }}
        </section>
    }
}

/// The transport leg: its facts, the transport step, and the form to
/// arrange or change it.
#[component]
fn TransportCard() -> impl IntoView {
    let page = use_page();
    let referral = page.referral;
    let arranging = page.arranging;
    let pending = page.change.pending();
    let open = Memo::new(move |_| {
        referral.with(|referral| referral.status.is_open() && referral.side != "coordinator")
    });
    let relevant = Memo::new(move |_| {
        referral.with(|referral| referral.transport.is_some() || referral.business_status.is_some())
    });
    let step = Memo::new(move |_| referral.with(|referral| referral.business_status));
    let has_leg = Memo::new(move |_| referral.with(|referral| referral.transport.is_some()));
    let leg = move || {
        referral
            .with(|referral| referral.transport.clone())
            .map(|leg| {
                let window = match (leg.window_starts, leg.window_ends) {
                    (Some(starts), Some(ends)) => Some(format!(
                        "{} – {}",
                        local_time::date_time(starts),
                        local_time::date_time(ends)
                    )),
                    (Some(starts), None) => Some(format!("from {}", local_time::date_time(starts))),
                    (None, Some(ends)) => Some(format!("by {}", local_time::date_time(ends))),
                    (None, None) => None,
                };
                view! {
                    <p class="leg-status">
                        <span class="badge badge-transport" data-testid="leg-status" data-leg-status=leg.status.as_str()>
                            {format!("Leg: {}", leg.status.label())}
                        </span>
                    </p>
                    <dl class="facts">
                        <Fact label="Pickup" value=Some(leg.pickup)/>
                        <Fact label="Drop-off" value=Some(leg.dropoff)/>
                        <Fact label="Window" value=window/>
                        <dt>"Driver"</dt>
                        <dd data-testid="driver">
                            {leg.driver.map_or_else(|| "Not chosen yet".to_owned(), |driver| driver.name)}
                        </dd>
                        <Fact label="Notes" value=leg.notes/>
                        <Fact label="Driver needed by" value=leg.needed_by.map(local_time::date_time)/>
                    </dl>
                }
            })
    };
    // Who can take a leg that waits for a driver, and the warning once the
    // time it was needed by has come with nobody driving.
    let reach = move || {
        referral
            .with(|referral| referral.transport_reach.clone())
            .map(|reach| {
                let count = reach.qualified_volunteers;
                let who = if count == 1 {
                    "1 qualified volunteer can see this leg".to_owned()
                } else {
                    format!("{count} qualified volunteers can see this leg")
                };
                let scope = if reach.shared {
                    "shared with the network's volunteers"
                } else if reach.network_shares {
                    "the two organizations' volunteers only"
                } else {
                    "the two organizations' volunteers only: the network does not share legs at the moment"
                };
                view! {
                    {reach.late.then(|| view! {
                        <div class="alert alert-warning" role="alert" data-testid="transport-late">
                            <p>"Nobody has taken this transport and the time it was needed by has come. Name a driver, share the leg with the network, or arrange the journey another way."</p>
                        </div>
                    })}
                    <p class="transport-reach" data-testid="transport-reach" data-count=count.to_string() data-shared=reach.shared.to_string()>
                        <strong>{who}</strong>
                        {format!(" — {scope}.")}
                    </p>
                }
            })
    };
    view! {
        <section class="card" aria-labelledby="transport-heading" data-testid="transport">
            <div class="card-header">
                <h2 id="transport-heading">"Transport"</h2>
                <Show when=move || open.get() && page.may_decide() && !arranging.get()>
                    <button
                        type="button"
                        class="button secondary small"
                        data-testid="arrange-transport"
                        on:click=move |_| arranging.set(true)
                    >
                        {move || if has_leg.get() { "Change transport" } else { "Arrange transport" }}
                    </button>
                </Show>
            </div>
            {leg}
            {reach}
            <Show when=move || !relevant.get() && !arranging.get()>
                <p class="empty">"No transport asked for."</p>
            </Show>
            <Show when=move || relevant.get() && open.get()>
                <div class="steps">
                    <h3 class="small-heading" id="step-heading">"Where the animal is"</h3>
                    <div class="step-buttons" role="group" aria-labelledby="step-heading">
                        {BusinessStatus::ALL
                            .iter()
                            .copied()
                            .map(|value| {
                                view! {
                                    <button
                                        type="button"
                                        class="step-button"
                                        data-testid="business-step"
                                        data-value=value.as_str()
                                        aria-pressed=move || (step.get() == Some(value)).to_string()
                                        disabled=move || pending.get()
                                        on:click=move |_| {
                                            if step.get_untracked() != Some(value) {
                                                page.change.dispatch(Change::Business(value));
                                            }
                                        }
                                    >
                                        {value.label()}
                                    </button>
                                }
                            })
                            .collect_view()}
                    </div>
                </div>
            </Show>
            <Show when=move || arranging.get()>
                <TransportForm/>
            </Show>
        </section>
    }
}

/// The statuses a leg in `from` can reach, each with the moves that get
/// there (the lifecycle's rule, walked forward).
fn reachable(from: TransportStatus) -> Vec<(TransportStatus, Vec<TransportStatus>)> {
    let mut found: Vec<(TransportStatus, Vec<TransportStatus>)> = Vec::new();
    let mut queue = VecDeque::from([(from, Vec::new())]);
    while let Some((status, path)) = queue.pop_front() {
        for next in TransportStatus::ALL.iter().copied() {
            let known = next == from || found.iter().any(|(seen, _)| *seen == next);
            if known || status.check_transition(next).is_err() {
                continue;
            }
            let mut longer: Vec<TransportStatus> = path.clone();
            longer.push(next);
            found.push((next, longer.clone()));
            queue.push_back((next, longer));
        }
    }
    found
}

/// Arranging or changing the leg: pickup, drop-off, window, notes, a
/// driver from the caller's organization and the leg's status. A status
/// further along the lifecycle than the next one is reached step by step
/// (a new leg scheduled with its driver is first confirmed).
#[component]
fn TransportForm() -> impl IntoView {
    let page = use_page();
    let session = page.session;
    let shown = page.referral.get_untracked();
    let leg = shown.transport.clone();
    let text = |value: Option<String>| value.unwrap_or_default();
    let pickup = RwSignal::new(
        leg.as_ref()
            .map_or_else(|| party_name(&shown.referrer), |leg| leg.pickup.clone()),
    );
    let dropoff = RwSignal::new(
        leg.as_ref()
            .map_or_else(|| party_name(&shown.receiver), |leg| leg.dropoff.clone()),
    );
    let starts = RwSignal::new(text(
        leg.as_ref()
            .and_then(|leg| leg.window_starts)
            .map(local_time::to_input),
    ));
    let ends = RwSignal::new(text(
        leg.as_ref()
            .and_then(|leg| leg.window_ends)
            .map(local_time::to_input),
    ));
    let notes = RwSignal::new(text(leg.as_ref().and_then(|leg| leg.notes.clone())));
    let needed_by = RwSignal::new(text(
        leg.as_ref()
            .and_then(|leg| leg.needed_by)
            .map(local_time::to_input),
    ));
    // Who sees a leg without a driver is the referrer's choice; a new one is
    // shared with the network for tier 1–3 (the rule's default).
    let referrer = shown.side == "referrer";
    let shared = RwSignal::new(leg.as_ref().map_or_else(
        || shared_by_default(shown.priority),
        |leg| leg.shared_with_network,
    ));
    let driver = RwSignal::new(text(
        leg.as_ref()
            .and_then(|leg| leg.driver.as_ref())
            .map(|driver| driver.user_id.to_string()),
    ));
    let from = leg.as_ref().map_or(TransportStatus::New, |leg| leg.status);
    let paths = StoredValue::new(reachable(from));
    // A leg arranged by one of the two sides is agreed as needed.
    let initial = if leg.is_none() {
        TransportStatus::Confirmed
    } else {
        from
    };
    let status = RwSignal::new(initial.as_str().to_owned());
    let errors = page.transport_errors;
    errors.clear();
    let pending = page.change.pending();
    let own = page.own_organization();
    let members = LocalResource::new(move || async move {
        let Some(organization) = own else {
            return Vec::new();
        };
        let mut members = session
            .call(move |client| async move { client.members(organization).await })
            .await
            .map(|list| list.items)
            .unwrap_or_default();
        // Volunteers drive most legs: they come first.
        members.sort_by_key(|member| {
            (
                member.role != Role::Volunteer,
                member.user.name.to_lowercase(),
            )
        });
        members
    });
    let status_options = {
        let mut options = vec![from];
        if leg.is_none() {
            // A new leg may start anywhere its lifecycle reaches.
            options.clear();
            options.push(TransportStatus::New);
        }
        options.extend(
            paths.with_value(|paths| paths.iter().map(|(status, _)| *status).collect::<Vec<_>>()),
        );
        options
    };

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let pickup = errors.check("pickup", ShortText::parse(pickup.get_untracked()));
        let dropoff = errors.check("dropoff", ShortText::parse(dropoff.get_untracked()));
        let window_starts = local_time::from_input(&starts.get_untracked());
        let window_ends = local_time::from_input(&ends.get_untracked());
        if let (Some(starts), Some(ends)) = (window_starts, window_ends)
            && ends <= starts
        {
            errors.add("window_ends", "must be after the start");
        }
        let needed_by = local_time::from_input(&needed_by.get_untracked());
        if let (Some(needed_by), Some(ends)) = (needed_by, window_ends)
            && needed_by > ends
        {
            errors.add("needed_by", "must not be after the latest arrival");
        }
        let share_with_network = referrer.then(|| shared.get_untracked());
        let notes_text = notes.get_untracked();
        let notes = if notes_text.trim().is_empty() {
            None
        } else {
            errors.check("notes", ClinicalNote::parse(notes_text))
        };
        let driver_user_id = Uuid::parse_str(&driver.get_untracked()).ok();
        let target = TransportStatus::parse(&status.get_untracked()).unwrap_or(from);
        if target == TransportStatus::Scheduled && driver_user_id.is_none() {
            errors.add("driver_user_id", "choose a driver to schedule");
        }
        let (Some(pickup), Some(dropoff)) = (pickup, dropoff) else {
            reveal_problem();
            return;
        };
        if !errors.is_empty() {
            reveal_problem();
            return;
        }
        let path: Vec<TransportStatus> = paths.with_value(|paths| {
            paths
                .iter()
                .find(|(status, _)| *status == target)
                .map(|(_, path)| path.clone())
                .unwrap_or_default()
        });
        let request = |status: Option<TransportStatus>| TransportRequest {
            pickup: pickup.clone(),
            dropoff: dropoff.clone(),
            window_starts,
            window_ends,
            notes: notes.clone(),
            driver_user_id,
            status,
            share_with_network,
            needed_by,
        };
        let steps: Vec<TransportRequest> = if path.is_empty() {
            vec![request(None)]
        } else {
            path.into_iter()
                .map(|status| request(Some(status)))
                .collect()
        };
        page.change.dispatch(Change::Transport(steps));
    };
    view! {
        <form class="transport-form" data-testid="transport-form" novalidate on:submit=submit>
            <div class="form-grid two">
                <TextField id="pickup" label="Pickup" value=pickup required=true error=errors.of("pickup")/>
                <TextField id="dropoff" label="Drop-off" value=dropoff required=true error=errors.of("dropoff")/>
                <div class="field">
                    <label for="window-starts">"Earliest pickup"</label>
                    <input id="window-starts" type="datetime-local" bind:value=starts/>
                    {move || errors.of("window_starts").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                <div class="field">
                    <label for="window-ends">"Latest arrival"</label>
                    <input
                        id="window-ends"
                        type="datetime-local"
                        aria-invalid=move || errors.of("window_ends").get().is_some().then_some("true")
                        bind:value=ends
                    />
                    {move || errors.of("window_ends").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                <div class="field">
                    <label for="driver">"Driver"</label>
                    <select
                        id="driver"
                        aria-invalid=move || errors.of("driver_user_id").get().is_some().then_some("true")
                        on:change=move |event| driver.set(event_target_value(&event))
                    >
                        <option value="" prop:selected=move || driver.with(String::is_empty)>
                            "Not chosen yet"
                        </option>
                        {move || {
                            members
                                .get()
                                .unwrap_or_default()
                                .into_iter()
                                .map(|member| {
                                    let id = member.user.id.to_string();
                                    let chosen = id.clone();
                                    view! {
                                        <option value=id prop:selected=move || driver.with(|driver| *driver == chosen)>
                                            {format!("{} — {}", member.user.name, member.role.label())}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                    <p class="hint">"From your organization's members; volunteers first. Leave the leg confirmed without a driver to ask a volunteer: the two organizations' volunteers with a valid transport skill see it on their Volunteering page, and so does every such volunteer of the network when the leg is shared."</p>
                    {move || errors.of("driver_user_id").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                <div class="field">
                    <label for="leg-status">"Leg status"</label>
                    <select id="leg-status" on:change=move |event| status.set(event_target_value(&event))>
                        {status_options
                            .into_iter()
                            .map(|option| {
                                let value = option.as_str();
                                view! {
                                    <option value=value prop:selected=move || status.with(|status| status == value)>
                                        {option.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    <p class="hint">"Scheduled: a driver and a time are set."</p>
                    {move || errors.of("status").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                <div class="field">
                    <label for="needed-by">"Driver needed by"</label>
                    <input
                        id="needed-by"
                        type="datetime-local"
                        aria-invalid=move || errors.of("needed_by").get().is_some().then_some("true")
                        bind:value=needed_by
                    />
                    <p class="hint">"If nobody has taken the leg by then, the referral shows a warning and your organization is alerted. Empty: the earliest pickup."</p>
                    {move || errors.of("needed_by").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
            </div>
            <Show when=move || referrer>
                <label class="checkbox" for="share-with-network">
                    <input id="share-with-network" type="checkbox" data-testid="share-with-network" bind:checked=shared/>
                    <span>"Offer the leg to every volunteer of the network with a valid transport skill, not only our own and the receiver's"</span>
                </label>
            </Show>
            <TextArea id="transport-notes" label="Notes for the driver" value=notes error=errors.of("notes")/>
            <div class="form-actions">
                <button type="submit" class="button primary" data-testid="save-transport" disabled=move || pending.get()>
                    "Save transport"
                </button>
                <button type="button" class="button secondary" on:click=move |_| page.arranging.set(false)>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

/// The outcome as recorded, or the form to record it (the receiver, once
/// the patient is taken on).
#[component]
fn OutcomeCard() -> impl IntoView {
    let page = use_page();
    let referral = page.referral;
    let outcome = Memo::new(move |_| referral.with(|referral| referral.outcome.clone()));
    let may_record = Memo::new(move |_| {
        referral.with(|referral| {
            referral.side == "receiver" && referral.status.is_taken() && referral.outcome.is_none()
        }) && page.may_decide()
    });
    let waiting = Memo::new(move |_| {
        referral.with(|referral| referral.outcome.is_none() && referral.side != "receiver")
    });
    view! {
        <section class="card" aria-labelledby="outcome-heading" data-testid="outcome-card">
            <h2 id="outcome-heading">"Outcome"</h2>
            {move || {
                outcome
                    .get()
                    .map(|record| {
                        let kind = record.outcome.kind;
                        view! {
                            <div class="outcome" data-testid="outcome" data-kind=kind.as_str()>
                                <p class="outcome-kind">{kind.label()}</p>
                                {record.outcome.note.map(|note| view! { <p class="notes">{note.to_string()}</p> })}
                                {record
                                    .outcome
                                    .follow_up_due
                                    .map(|date| view! { <p data-testid="follow-up"><strong>"Follow-up due: "</strong>{day_text(date)}</p> })}
                                <p class="muted small">
                                    {format!("Recorded by {} on {}", record.recorded_by, local_time::date_time(record.recorded_at))}
                                </p>
                            </div>
                        }
                    })
            }}
            <Show when=move || waiting.get()>
                <p class="empty">"The receiver records the outcome once the patient has been seen."</p>
            </Show>
            <Show when=move || may_record.get()>
                <OutcomeForm/>
            </Show>
        </section>
    }
}

/// "30 Nov 2026". Written out rather than with `chrono`'s `format`, whose
/// strftime machinery would add its weight to the app for three words.
fn day_text(date: NaiveDate) -> String {
    use chrono::Datelike;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// Recording the outcome: what happened, words for the referrer and when
/// the patient should be seen again.
#[component]
fn OutcomeForm() -> impl IntoView {
    let page = use_page();
    let kind = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let follow_up = RwSignal::new(String::new());
    let errors = page.outcome_errors;
    let pending = page.change.pending();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let chosen = OutcomeKind::parse(&kind.get_untracked());
        if chosen.is_none() {
            errors.add("kind", "choose what happened");
        }
        let text = note.get_untracked();
        let note = if text.trim().is_empty() {
            None
        } else {
            errors.check("note", ClinicalNote::parse(text))
        };
        let date = follow_up.get_untracked();
        let follow_up_due = if date.trim().is_empty() {
            None
        } else {
            errors.check(
                "follow_up_due",
                NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d"),
            )
        };
        let Some(kind) = chosen else {
            reveal_problem();
            return;
        };
        if !errors.is_empty() {
            reveal_problem();
            return;
        }
        page.change.dispatch(Change::Outcome(RecordOutcomeRequest {
            kind,
            note,
            follow_up_due,
        }));
    };
    let kind_error = errors.of("kind");
    let date_error = errors.of("follow_up_due");
    view! {
        <form class="outcome-form" data-testid="outcome-form" novalidate on:submit=submit>
            <div class="form-grid two">
                <div class="field">
                    <label for="outcome-kind">"What happened" <span class="required" aria-hidden="true">" *"</span></label>
                    <select
                        id="outcome-kind"
                        aria-invalid=move || kind_error.get().is_some().then_some("true")
                        on:change=move |event| kind.set(event_target_value(&event))
                    >
                        <option value="" prop:selected=move || kind.with(String::is_empty)>"Choose…"</option>
                        {OutcomeKind::ALL
                            .iter()
                            .copied()
                            .map(|option| {
                                view! {
                                    <option value=option.as_str() prop:selected=move || kind.with(|kind| kind == option.as_str())>
                                        {option.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    {move || kind_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                <div class="field">
                    <label for="follow-up">"Follow-up due"</label>
                    <input
                        id="follow-up"
                        type="date"
                        aria-invalid=move || date_error.get().is_some().then_some("true")
                        bind:value=follow_up
                    />
                    {move || date_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
            </div>
            <TextArea id="outcome-note" label="What the referrer should know" value=note error=errors.of("note")/>
            <div class="form-actions">
                <button type="submit" class="button primary" data-testid="record-outcome" disabled=move || pending.get()>
                    "Record outcome"
                </button>
            </div>
        </form>
    }
}

/// The case thread between the two sides.
#[component]
fn ThreadCard() -> impl IntoView {
    let page = use_page();
    let thread = page.thread;
    let body = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let id = page.id;
    let session = page.session;
    let post = Action::new_local(move |text: &ClinicalNote| {
        let request = PostMessageRequest { body: text.clone() };
        async move {
            let posted = session
                .call(move |client| {
                    let request = request.clone();
                    async move { client.post_referral_message(id, &request).await }
                })
                .await;
            match &posted {
                Ok(message) => {
                    body.try_set(String::new());
                    thread.try_update(|thread| {
                        if !thread.iter().any(|known| known.id == message.id) {
                            thread.push(message.clone());
                        }
                    });
                }
                Err(error) => {
                    errors.absorb(error);
                }
            }
            posted.map(|_| ())
        }
    });
    let pending = post.pending();
    let error = Signal::derive(move || {
        post.value()
            .get()
            .and_then(Result::err)
            .filter(|error| error.status() != Some(422))
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        if let Some(text) = errors.check("body", ClinicalNote::parse(body.get_untracked())) {
            post.dispatch(text);
        }
    };
    let own = Memo::new(move |_| page.own_organization());
    view! {
        <section class="card thread" aria-labelledby="thread-heading" data-testid="thread">
            <h2 id="thread-heading">"Case thread"</h2>
            {move || {
                let messages = thread.get();
                if messages.is_empty() {
                    return view! { <p class="empty">"No messages yet. Ask or tell the other side here."</p> }.into_any();
                }
                let own = own.get();
                view! {
                    <ol class="messages">
                        {messages
                            .into_iter()
                            .map(|message| {
                                let mine = own == Some(message.organization_id);
                                view! {
                                    <li class="message" class:mine=mine data-testid="message">
                                        <p class="message-meta">
                                            <strong>{message.author}</strong>
                                            <span class="muted">{format!(" · {} · {}", message.organization_name, local_time::date_time(message.at))}</span>
                                        </p>
                                        <p class="message-body notes">{message.body}</p>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }}
            <ErrorAlert error/>
            // Only the two organizations write in the thread.
            <Show when=move || own.get().is_some()>
                <form class="message-form" novalidate on:submit=submit>
                    <TextArea id="message-body" label="Message" value=body error=errors.of("body")/>
                    <div class="form-actions">
                        <button type="submit" class="button primary" data-testid="send-message" disabled=move || pending.get()>
                            "Send message"
                        </button>
                    </div>
                </form>
            </Show>
        </section>
    }
}

/// The label of a timeline entry about alerts to people: who was alerted,
/// who acknowledged, and when nobody did or an e-mail did not arrive.
fn alert_label(kind: &str) -> Option<&'static str> {
    match kind {
        "alerted" => Some("Alerted"),
        "acknowledged" => Some("Acknowledged"),
        "alert_unanswered" => Some("Nobody acknowledged"),
        "alert_failed" => Some("E-mail not delivered"),
        "alert_closed" => Some("Alerts stopped"),
        _ => None,
    }
}

/// Every move, who made it and when, with the alerts to people: who was
/// alerted and who acknowledged, as both clinics see them.
#[component]
fn TimelineCard() -> impl IntoView {
    let page = use_page();
    let timeline = page.timeline;
    let describe = |entry: &TimelineEntry| {
        if let Some(note) = &entry.note {
            return note.clone();
        }
        let status = |code: &Option<String>| {
            code.as_deref().map(|code| {
                ReferralStatus::parse(code)
                    .map_or(code.to_owned(), |status| status.label().to_owned())
            })
        };
        match (status(&entry.from), status(&entry.to)) {
            (Some(from), Some(to)) => format!("{from} → {to}"),
            (None, Some(to)) => to,
            _ => entry.kind.replace('_', " "),
        }
    };
    view! {
        <section class="card" aria-labelledby="timeline-heading" data-testid="timeline">
            <h2 id="timeline-heading">"Timeline"</h2>
            {move || {
                let entries = timeline.get();
                if entries.is_empty() {
                    return view! { <p class="empty">"Nothing yet."</p> }.into_any();
                }
                view! {
                    <ol class="timeline">
                        {entries
                            .into_iter()
                            .map(|entry| {
                                let text = describe(&entry);
                                let label = alert_label(&entry.kind);
                                view! {
                                    <li data-testid="timeline-entry" data-kind=entry.kind.clone() class:timeline-alert=label.is_some()>
                                        <time datetime=entry.at.to_rfc3339()>{local_time::date_time(entry.at)}</time>
                                        {label.map(|label| view! { <span class="timeline-kind">{label}</span> })}
                                        <span class="timeline-text">{text}</span>
                                        <span class="muted small">{entry.actor}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }}
        </section>
    }
}

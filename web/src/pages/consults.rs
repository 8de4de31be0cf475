//! `/consults`: the consults asked of the signed-in specialist, newest
//! first, each with its case (never the owner's or finder's contact) and
//! the files sent with it (radiographs open in the viewer, to zoom, adjust
//! and compare), and the forms to answer or decline the ones still waiting.

use std::collections::BTreeMap;

use leptos::prelude::*;
use uuid::Uuid;
use warren_client::ClientError;
use warren_domain::ClinicalNote;
use warren_domain::referral::Patient;
use warren_wire::{
    AnswerConsultRequest, Consult, ConsultQuery, ConsultStatus, DeclineConsultRequest,
};

use crate::components::{
    CaseFiles, ErrorAlert, FieldErrors, FilesOf, Loaded, PageFiles, PriorityBadge, RequireSignIn,
    TextArea, label_of, shared_term_labels,
};
use crate::local_time;
use crate::session::use_session;

/// What is known of a patient, as label and value pairs.
pub fn patient_facts(patient: &Patient) -> Vec<(&'static str, String)> {
    let mut facts = Vec::new();
    if let Some(name) = &patient.name {
        facts.push(("Name", name.to_string()));
    }
    if let Some(sex) = patient.sex {
        facts.push(("Sex", sex.label().to_owned()));
    }
    if let Some(age) = &patient.age {
        facts.push(("Age", age.to_string()));
    }
    if let Some(weight) = patient.weight_grams {
        facts.push(("Weight", format!("{} g", weight.grams())));
    }
    facts
}

/// The specialist's consult inbox.
#[component]
pub fn ConsultsPage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <Inbox/>
        </RequireSignIn>
    }
}

/// A consult's status as a badge.
#[component]
pub fn ConsultStatusBadge(status: ConsultStatus) -> impl IntoView {
    let class = match status {
        ConsultStatus::Requested => "badge badge-applied",
        ConsultStatus::Answered => "badge badge-vetted",
        ConsultStatus::Declined | ConsultStatus::Cancelled => "badge badge-muted",
    };
    view! {
        <span class=class data-testid="consult-status" data-status=status.as_str()>
            {status.label()}
        </span>
    }
}

#[component]
fn Inbox() -> impl IntoView {
    let session = use_session();
    // The consults' files keep what they were doing while the list reloads.
    PageFiles::provide();
    let reloads = RwSignal::new(0_u32);
    let labels = StoredValue::new_local(shared_term_labels(session));
    let consults = LocalResource::new(move || {
        reloads.track();
        let labels = labels.get_value();
        async move {
            let (list, labels) = futures_util::future::join(
                session.api().my_consults(&ConsultQuery::default()),
                labels,
            )
            .await;
            list.map(|list| (list, labels))
        }
    });
    view! {
        <header class="page-header">
            <p class="eyebrow"><a href="/specialists">"Specialists"</a></p>
            <h1>"Consults asked of me"</h1>
            <p class="lead">
                "Questions colleagues asked you about their referrals. Your answer also goes into the referral's case thread, where both sides read it."
            </p>
        </header>
        <Loaded resource=consults label="Loading consults…" let:loaded>
            {
                let (list, labels) = loaded;
                if list.items.is_empty() {
                    view! {
                        <p class="empty" data-testid="consults-empty">
                            "No consults yet. Keep your "
                            <a href="/profile/specialist">"specialist profile"</a>
                            " up to date so colleagues find you."
                        </p>
                    }
                        .into_any()
                } else {
                    view! {
                        <ul class="article-list" data-testid="consult-list">
                            {list
                                .items
                                .into_iter()
                                .map(|consult| view! { <ConsultCard consult labels=labels.clone() reloads/> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }
        </Loaded>
    }
}

/// What the specialist sends.
#[derive(Debug, Clone)]
enum Reply {
    Answer(ClinicalNote),
    Decline(ClinicalNote),
}

#[component]
fn ConsultCard(
    consult: Consult,
    labels: BTreeMap<String, String>,
    reloads: RwSignal<u32>,
) -> impl IntoView {
    let session = use_session();
    let id: Uuid = consult.id;
    let etag = format!("\"{}\"", consult.version);
    let answer = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let problem = RwSignal::new(None::<ClientError>);
    let reply = Action::new_local(move |reply: &Reply| {
        let reply = reply.clone();
        let etag = etag.clone();
        async move {
            let client = session.api();
            let sent = match reply {
                Reply::Answer(answer) => {
                    client
                        .answer_consult(id, &AnswerConsultRequest { answer }, &etag)
                        .await
                }
                Reply::Decline(reason) => {
                    client
                        .decline_consult(id, &DeclineConsultRequest { reason }, &etag)
                        .await
                }
            };
            match sent {
                Ok(_) => reloads.update(|n| *n += 1),
                Err(error) => {
                    errors.absorb(&error);
                    problem.set(Some(error));
                }
            }
        }
    });
    let pending = reply.pending();
    let send_answer = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        if let Some(text) = errors.check("answer", ClinicalNote::parse(answer.get_untracked())) {
            reply.dispatch(Reply::Answer(text));
        }
    };
    let send_decline = move |_| {
        errors.clear();
        if let Some(text) = errors.check("reason", ClinicalNote::parse(reason.get_untracked())) {
            reply.dispatch(Reply::Decline(text));
        }
    };
    let case = consult.case.clone();
    let species = label_of(&labels, &case.species);
    let can_answer = consult.can_answer;
    // The specialist sends files back (an annotated radiograph, a protocol)
    // while the consult is open or answered.
    let may_attach = matches!(
        consult.status,
        ConsultStatus::Requested | ConsultStatus::Answered
    ) && session.user_id_untracked() == Some(consult.specialist_user_id);
    view! {
        <li class="card article-card consult-card" data-testid="consult-card" data-consult-id=id.to_string()>
            <div class="badges">
                <ConsultStatusBadge status=consult.status/>
                <PriorityBadge tier=case.priority/>
            </div>
            <h2 class="article-card-title">
                {format!("{species}: {}", case.reason)}
            </h2>
            <p class="muted small">
                {format!(
                    "{} → {} · asked by {} ({}) on {}",
                    case.referrer_name,
                    case.receiver_name,
                    consult.requester_name,
                    consult.requester_organization_name,
                    local_time::date_time(consult.created_at),
                )}
            </p>
            <dl class="facts">
                {patient_facts(&case.patient)
                    .into_iter()
                    .map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> })
                    .collect_view()}
                {case.history.clone().map(|history| view! { <dt>"History"</dt><dd class="notes">{history}</dd> })}
                {case.medications.clone().map(|text| view! { <dt>"Medications"</dt><dd class="notes">{text}</dd> })}
                {case.allergies.clone().map(|text| view! { <dt>"Allergies"</dt><dd class="notes">{text}</dd> })}
            </dl>
            <blockquote class="consult-question notes" data-testid="consult-question">{consult.question.clone()}</blockquote>
            {consult.answer.clone().map(|answer| view! {
                <p class="consult-answer notes" data-testid="consult-answer"><strong>"Your answer: "</strong>{answer}</p>
            })}
            {consult.decline_reason.clone().map(|reason| view! {
                <p class="muted notes"><strong>"Declined: "</strong>{reason}</p>
            })}
            <CaseFiles parent=FilesOf::Consult(id) may_attach heading="Files of the case" nested=true/>
            <ErrorAlert error=problem/>
            <Show when=move || can_answer>
                <form class="consult-reply" novalidate on:submit=send_answer>
                    <TextArea id=format!("answer-{id}") label="Your answer" value=answer error=errors.of("answer")/>
                    <div class="form-actions">
                        <button type="submit" class="button primary" data-testid="answer-consult" disabled=move || pending.get()>
                            "Send answer"
                        </button>
                    </div>
                    <details class="consult-decline">
                        <summary>"Decline instead"</summary>
                        <TextArea id=format!("decline-{id}") label="Why you decline" value=reason error=errors.of("reason")/>
                        <button type="button" class="button" data-testid="decline-consult" disabled=move || pending.get() on:click=send_decline>
                            "Decline"
                        </button>
                    </details>
                </form>
            </Show>
        </li>
    }
}

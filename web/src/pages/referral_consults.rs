//! The "Ask a specialist" panel of a referral's page: the consults asked
//! about this referral, with their answers, and a form to ask a specialist
//! for this species who accepts consults now. Each consult carries its
//! files (the radiographs and reports its specialist reads), which the
//! asking organization's admins, clinicians and staff attach.
//!
//! The question and the answer also go into the case thread, so the panel
//! reloads whenever the thread changes (the live stream brings the other
//! side's and the specialist's changes).

use leptos::prelude::*;
use uuid::Uuid;
use warren_client::ClientError;
use warren_domain::{ClinicalNote, Role};
use warren_wire::{Consult, ConsultStatus, RequestConsultRequest, SpecialistQuery};

use crate::components::{CaseFiles, ErrorAlert, FieldErrors, FilesOf, Loaded, TextArea};
use crate::idempotency::IdempotencyKey;
use crate::local_time;
use crate::pages::consults::ConsultStatusBadge;
use crate::pages::specialists::availability_text;
use crate::session::use_session;

/// Whether the signed-in person may attach files to `consult`: its
/// specialist, or an admin, clinician or staff member of the organization
/// that asked, while the consult is open or answered (reactive). The server
/// decides; this only hides a form it would refuse.
fn may_attach_to(consult: &Consult) -> Signal<bool> {
    let session = use_session();
    let specialist = consult.specialist_user_id;
    let requester = consult.requester_organization_id;
    let open = matches!(
        consult.status,
        ConsultStatus::Requested | ConsultStatus::Answered
    );
    Signal::derive(move || {
        open && (session.user_id_untracked() == Some(specialist)
            || session.memberships().iter().any(|membership| {
                membership.organization.id == requester && membership.role != Role::Volunteer
            }))
    })
}

/// The referral's consults and the form to ask one.
#[component]
pub fn ConsultsCard(
    /// The referral.
    referral: Uuid,
    /// Its species code, to find specialists for it.
    #[prop(into)]
    species: Signal<String>,
    /// Whether the signed-in person may ask (an admin, clinician or staff
    /// member of either side).
    #[prop(into)]
    may_ask: Signal<bool>,
    /// Changes whenever the case thread does.
    #[prop(into)]
    changed: Signal<usize>,
    /// Called after a consult was asked or cancelled, so the page reloads.
    on_change: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let reloads = RwSignal::new(0_u32);
    let consults = LocalResource::new(move || {
        changed.track();
        reloads.track();
        async move { session.api().referral_consults(referral).await }
    });
    let specialists = LocalResource::new(move || {
        let species = species.get();
        async move {
            let query = SpecialistQuery {
                species: Some(species),
                accepting: Some(true),
                ..SpecialistQuery::default()
            };
            session
                .api()
                .search_specialists(&query)
                .await
                .map(|page| page.items)
                .unwrap_or_default()
        }
    });
    let chosen = RwSignal::new(String::new());
    let question = RwSignal::new(String::new());
    let urgent = RwSignal::new(false);
    let errors = FieldErrors::new();
    let problem = RwSignal::new(None::<ClientError>);
    let submission = IdempotencyKey::new();
    let ask = Action::new_local(move |request: &RequestConsultRequest| {
        let request = request.clone();
        let key = submission.for_body(&request);
        async move {
            let asked = session
                .api()
                .request_consult(referral, &request, Some(&key))
                .await;
            match asked {
                Ok(_) => {
                    submission.finish();
                    question.set(String::new());
                    chosen.set(String::new());
                    urgent.set(false);
                    reloads.update(|n| *n += 1);
                    on_change.run(());
                }
                Err(error) => {
                    errors.absorb(&error);
                    problem.set(Some(error));
                }
            }
        }
    });
    let cancel = Action::new_local(move |consult: &Consult| {
        let id = consult.id;
        let etag = format!("\"{}\"", consult.version);
        async move {
            let cancelled = session.api().cancel_consult(id, &etag).await;
            match cancelled {
                Ok(_) => {
                    reloads.update(|n| *n += 1);
                    on_change.run(());
                }
                Err(error) => problem.set(Some(error)),
            }
        }
    });
    let pending = ask.pending();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        problem.set(None);
        let specialist = errors.check(
            "specialist_user_id",
            Uuid::parse_str(&chosen.get_untracked()).map_err(|_| "choose a specialist"),
        );
        let text = errors.check("question", ClinicalNote::parse(question.get_untracked()));
        if let (Some(specialist_user_id), Some(question)) = (specialist, text) {
            ask.dispatch(RequestConsultRequest {
                specialist_user_id,
                question,
                urgent: urgent.get_untracked(),
            });
        }
    };
    view! {
        <section class="card consults-card" aria-labelledby="consults-heading" data-testid="consults">
            <h2 id="consults-heading">"Ask a specialist"</h2>
            <Loaded resource=consults label="Loading consults…" let:list>
                {if list.items.is_empty() {
                    view! {
                        <p class="empty">"No consults yet."</p>
                    }
                        .into_any()
                } else {
                    view! {
                        <ul class="consult-list">
                            {list
                                .items
                                .into_iter()
                                .map(|consult| {
                                    let can_cancel = consult.can_cancel;
                                    let to_cancel = consult.clone();
                                    let consult_id = consult.id;
                                    let may_attach = may_attach_to(&consult);
                                    view! {
                                        <li class="consult-item" data-testid="referral-consult" data-status=consult.status.as_str()>
                                            <p class="message-meta">
                                                <ConsultStatusBadge status=consult.status/>
                                                " "
                                                <strong>{consult.specialist_name.clone()}</strong>
                                                <span class="muted">{format!(" · {} · asked by {} on {}", consult.specialist_organization_name, consult.requester_name, local_time::date_time(consult.created_at))}</span>
                                            </p>
                                            <p class="notes">{consult.question.clone()}</p>
                                            {consult.answer.clone().map(|answer| view! {
                                                <p class="consult-answer notes" data-testid="referral-consult-answer">
                                                    <strong>"Answer: "</strong>{answer}
                                                </p>
                                            })}
                                            {consult.decline_reason.clone().map(|reason| view! {
                                                <p class="muted notes"><strong>"Declined: "</strong>{reason}</p>
                                            })}
                                            {can_cancel.then(|| view! {
                                                <button type="button" class="button secondary small" on:click=move |_| { cancel.dispatch(to_cancel.clone()); }>
                                                    "Cancel consult"
                                                </button>
                                            })}
                                            <CaseFiles
                                                parent=FilesOf::Consult(consult_id)
                                                may_attach
                                                heading="Files for the specialist"
                                                nested=true
                                            />
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </Loaded>
            <ErrorAlert error=problem/>
            <Show when=move || may_ask.get()>
                <form class="consult-form" novalidate on:submit=submit data-testid="consult-form">
                    <div class="field">
                        <label for="consult-specialist">"Specialist for this species"</label>
                        <select
                            id="consult-specialist"
                            aria-invalid=move || errors.of("specialist_user_id").get().is_some().then_some("true")
                            on:change=move |event| chosen.set(event_target_value(&event))
                        >
                            <option value="" prop:selected=move || chosen.with(String::is_empty)>
                                "Choose a specialist…"
                            </option>
                            {move || {
                                specialists
                                    .get()
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|profile| {
                                        let id = profile.user_id.to_string();
                                        let selected = id.clone();
                                        let disciplines = profile
                                            .disciplines
                                            .iter()
                                            .map(|d| d.label())
                                            .collect::<Vec<_>>()
                                            .join(", ");
                                        view! {
                                            <option value=id prop:selected=move || chosen.with(|c| *c == selected)>
                                                {format!("{} — {} ({})", profile.name, disciplines, profile.organization_name)}
                                            </option>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </select>
                        <p class="hint">
                            {move || {
                                let id = chosen.get();
                                specialists
                                    .get()
                                    .unwrap_or_default()
                                    .into_iter()
                                    .find(|profile| profile.user_id.to_string() == id)
                                    .map(|profile| format!("Consult hours: {}", availability_text(&profile.availability)))
                                    .unwrap_or_else(|| "Specialists for this species who accept consults now; find others on the Specialists page.".to_owned())
                            }}
                        </p>
                        {move || errors.of("specialist_user_id").get().map(|error| view! { <p class="field-error" role="alert">{error}</p> })}
                    </div>
                    <TextArea id="consult-question" label="Question" value=question error=errors.of("question")/>
                    <div class="field">
                        <label class="switch">
                            <input
                                id="consult-urgent"
                                type="checkbox"
                                prop:checked=move || urgent.get()
                                on:change=move |event| urgent.set(event_target_checked(&event))
                            />
                            <span>"Urgent: the patient cannot wait"</span>
                        </label>
                        <p class="hint">"The specialist is alerted at once; if they do not acknowledge in time, their organization's admins are."</p>
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="button primary" data-testid="request-consult" disabled=move || pending.get()>
                            "Ask for a consult"
                        </button>
                    </div>
                </form>
            </Show>
        </section>
    }
}

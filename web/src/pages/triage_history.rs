//! `/triage/history`: an organization's assessments, newest first, and the
//! records still waiting on this device.

use leptos::prelude::*;
use uuid::Uuid;
use warren_client::ClientError;
use warren_wire::{AssessmentPage, AssessmentQuery, AssessmentRecord};

use crate::components::{
    ErrorAlert, Loaded, RequireSignIn, TierBadge, error_of, label_of, term_labels,
};
use crate::local_time;
use crate::offline::{saved_at_text, use_outbox};
use crate::session::use_session;

/// Assessments per page.
const PAGE_SIZE: u32 = 50;

/// The history.
#[component]
pub fn TriageHistoryPage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <History/>
        </RequireSignIn>
    }
}

/// The species' labels by code, for the rows (codes until they load).
#[derive(Clone, Copy)]
struct SpeciesLabels(Signal<std::collections::BTreeMap<String, String>>);

impl SpeciesLabels {
    /// The label of `code`, read reactively.
    fn of(code: String) -> impl Fn() -> String + Send + Sync + 'static {
        let labels = use_context::<SpeciesLabels>();
        move || match labels {
            Some(SpeciesLabels(labels)) => labels.with(|labels| label_of(labels, &code)),
            None => code.clone(),
        }
    }
}

#[component]
fn History() -> impl IntoView {
    let session = use_session();
    let labels = LocalResource::new(move || term_labels(session));
    provide_context(SpeciesLabels(Signal::derive(move || {
        labels.get().unwrap_or_default()
    })));
    let outbox = use_outbox();
    let memberships = session.memberships();
    let organization = RwSignal::new(memberships.first().map(|m| m.organization.id));
    let first_page = LocalResource::new(move || {
        let organization = organization.get();
        async move {
            let Some(organization) = organization else {
                return Ok(None);
            };
            session
                .api()
                .assessments(
                    organization,
                    &AssessmentQuery {
                        cursor: None,
                        limit: Some(PAGE_SIZE),
                    },
                )
                .await
                .map(Some)
        }
    });
    let more = RwSignal::new(Vec::<AssessmentRecord>::new());
    let more_cursor = RwSignal::new(None::<Option<String>>);
    Effect::new(move |_| {
        organization.track();
        more.set(Vec::new());
        more_cursor.set(None);
    });
    let load_more = Action::new_local(move |cursor: &String| {
        let cursor = cursor.clone();
        let organization = organization.get_untracked();
        async move {
            let Some(organization) = organization else {
                return Ok(());
            };
            let page = session
                .api()
                .assessments(
                    organization,
                    &AssessmentQuery {
                        cursor: Some(cursor),
                        limit: Some(PAGE_SIZE),
                    },
                )
                .await?;
            more.update(|more| more.extend(page.items));
            more_cursor.set(Some(page.next_cursor));
            Ok::<_, ClientError>(())
        }
    });
    let waiting = Memo::new(move |_| outbox.pending());
    view! {
        <header class="page-header with-actions">
            <div>
                <h1>"Triage history"</h1>
                <p class="lead">"Every assessment recorded, newest first."</p>
            </div>
            <div class="button-row">
                <a class="button primary" href="/triage">
                    "New assessment"
                </a>
            </div>
        </header>
        {(memberships.len() > 1)
            .then(|| {
                view! {
                    <div class="field narrow-field">
                        <label for="organization">"Organization"</label>
                        <select
                            id="organization"
                            on:change=move |event| {
                                organization.set(Uuid::parse_str(&event_target_value(&event)).ok());
                            }
                        >
                            {memberships
                                .iter()
                                .map(|membership| {
                                    let id = membership.organization.id;
                                    view! {
                                        <option value=id.to_string() prop:selected=move || organization.get() == Some(id)>
                                            {membership.organization.name.clone()}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                }
            })}
        <Show when=move || waiting.with(|waiting| !waiting.is_empty())>
            <section class="card pending" data-testid="waiting" aria-labelledby="waiting-heading">
                <h2 id="waiting-heading">"Waiting on this device"</h2>
                <p class="muted small">"These records sync as soon as Warren can be reached."</p>
                <ul class="plain-list">
                    {move || {
                        waiting
                            .get()
                            .into_iter()
                            .map(|pending| {
                                let patient = pending.request.patient.clone().unwrap_or_default();
                                view! {
                                    <li>
                                        <strong>{SpeciesLabels::of(pending.request.species.to_string())}</strong>
                                        " " {patient} " · "
                                        <span class="muted">{saved_at_text(&pending)}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </section>
        </Show>
        <Loaded resource=first_page label="Loading the assessments…" let:page>
            {match page {
                Some(page) => view! { <Assessments page more more_cursor load_more/> }.into_any(),
                None => {
                    view! { <p class="empty">"Only members of an organization record assessments."</p> }
                        .into_any()
                }
            }}
        </Loaded>
    }
}

/// The table of assessments and the "More" button.
#[component]
fn Assessments(
    page: AssessmentPage,
    more: RwSignal<Vec<AssessmentRecord>>,
    more_cursor: RwSignal<Option<Option<String>>>,
    load_more: Action<String, Result<(), ClientError>>,
) -> impl IntoView {
    if page.items.is_empty() {
        return view! { <p class="empty">"No assessment recorded yet."</p> }.into_any();
    }
    let first_cursor = page.next_cursor.clone();
    let next = move || more_cursor.get().unwrap_or_else(|| first_cursor.clone());
    let pending = load_more.pending();
    let error = Signal::derive(move || error_of(load_more.value().get()));
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="assessments">
                <thead>
                    <tr>
                        <th scope="col">"Tier"</th>
                        <th scope="col">"Patient"</th>
                        <th scope="col">"Because"</th>
                        <th scope="col">"When"</th>
                        <th scope="col">"By"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.items.into_iter().map(|record| view! { <Row record/> }).collect_view()}
                    <For each=move || more.get() key=|record| record.id let:record>
                        <Row record/>
                    </For>
                </tbody>
            </table>
        </div>
        <ErrorAlert error/>
        {move || {
            next()
                .map(|cursor| {
                    view! {
                        <div class="form-actions">
                            <button
                                type="button"
                                id="more-assessments"
                                class="button secondary"
                                disabled=move || pending.get()
                                on:click=move |_| {
                                    load_more.dispatch(cursor.clone());
                                }
                            >
                                "Older assessments"
                            </button>
                        </div>
                    }
                })
        }}
    }
    .into_any()
}

/// One assessment in the table.
#[component]
fn Row(record: AssessmentRecord) -> impl IntoView {
    let href = format!("/assessments/{}", record.id);
    let patient = record.patient.clone().unwrap_or_else(|| "—".to_owned());
    view! {
        <tr data-testid="assessment-row" data-id=record.id.to_string()>
            <td>
                <TierBadge spec=record.result.tier.clone()/>
            </td>
            <th scope="row">
                <a href=href>{patient}</a>
                <br/>
                <span class="muted small">{SpeciesLabels::of(record.species.clone())}</span>
            </th>
            <td>{record.result.fired.clone().map(|code| code.replace('_', " ")).unwrap_or_else(|| "—".to_owned())}</td>
            <td class="nowrap">{local_time::date_time(record.assessed_at)}</td>
            <td>{record.assessed_by.clone()}</td>
        </tr>
    }
}

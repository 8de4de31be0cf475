//! `/patients`: the animals the person's organization holds now, and those
//! it released whose follow-up is still due, the longest in care first:
//! each with its stage, days in care, overdue milestones and next
//! follow-up, and a link to the referral that carried it (where its record
//! is). The organization lives in the URL query (`org`), as on the referral
//! board.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;
use warren_wire::{CareStage, PatientSummary};

use crate::components::{
    ListTable, Loaded, RequireSignIn, label_of, local_date, shared_term_labels,
};
use crate::local_time;
use crate::session::use_session;

/// The animals in care.
#[component]
pub fn PatientsPage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <Patients/>
        </RequireSignIn>
    }
}

#[component]
fn Patients() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let navigate = StoredValue::new_local(use_navigate());
    let memberships = Memo::new(move |_| session.memberships());
    let organization = Memo::new(move |_| {
        let chosen = query.with(|query| query.get("org").and_then(|id| Uuid::parse_str(&id).ok()));
        memberships.with(|memberships| {
            chosen
                .filter(|id| memberships.iter().any(|m| m.organization.id == *id))
                .or_else(|| memberships.first().map(|m| m.organization.id))
        })
    });
    let labels = StoredValue::new_local(shared_term_labels(session));
    let patients = LocalResource::new(move || {
        let organization = organization.get();
        let labels = labels.get_value();
        async move {
            let items = async move {
                match organization {
                    Some(organization) => session
                        .api()
                        .patients(organization)
                        .await
                        .map(|list| list.items),
                    None => Ok(Vec::new()),
                }
            };
            let (items, labels) = futures_util::future::join(items, labels).await;
            items.map(|items| (items, labels))
        }
    });
    view! {
        <header class="page-header with-actions">
            <div>
                <h1>"Patients"</h1>
                <p class="lead">"The animals your organization holds now, and those released with a follow-up due."</p>
            </div>
            <div class="button-row">
                <a class="button secondary" href="/referrals">"Referrals"</a>
            </div>
        </header>
        <Show when=move || memberships.with(|memberships| memberships.len() > 1)>
            <div class="field board-org">
                <label for="patients-org">"Organization"</label>
                <select
                    id="patients-org"
                    on:change=move |event| {
                        let href = format!("/patients?org={}", event_target_value(&event));
                        navigate.with_value(|navigate| navigate(&href, NavigateOptions::default()));
                    }
                >
                    {move || {
                        memberships
                            .get()
                            .into_iter()
                            .map(|membership| {
                                let id = membership.organization.id;
                                view! {
                                    <option value=id.to_string() prop:selected=move || organization.get() == Some(id)>
                                        {membership.organization.name}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
        </Show>
        <Show
            when=move || organization.get().is_some()
            fallback=|| view! { <p class="empty">"Patients are kept by member organizations; you are not a member of one."</p> }
        >
            <section class="card" aria-labelledby="patients-heading" data-testid="patients">
                <h2 id="patients-heading" class="visually-hidden">"Animals in care"</h2>
                <Loaded resource=patients label="Loading the patients…" let:found>
                    {
                        let (items, labels) = found;
                        let today = local_date(local_time::now());
                        let rows = items
                            .iter()
                            .map(|patient| view! { <PatientRow patient=patient.clone() species=label_of(&labels, &patient.species) today/> })
                            .collect_view();
                        // On a phone each animal is a block of labelled lines.
                        view! {
                            <div class="stacked-table">
                            <ListTable
                                is_empty=items.is_empty()
                                empty="No animal in care."
                                headings=&["Animal", "Stage", "Days in care", "Milestones", "Follow-up"]
                            >
                                {rows}
                            </ListTable>
                            </div>
                        }
                    }
                </Loaded>
            </section>
        </Show>
    }
}

/// One animal: its name linking to its referral, species, stage and what
/// needs attention.
#[component]
fn PatientRow(
    patient: PatientSummary,
    species: String,
    today: Option<chrono::NaiveDate>,
) -> impl IntoView {
    let name = match patient.referral_id {
        Some(referral) => view! {
            <a href=format!("/referrals/{referral}") data-testid="patient-link">{patient.name.clone()}</a>
        }
        .into_any(),
        None => view! { <span>{patient.name.clone()}</span> }.into_any(),
    };
    let stage = patient.stage;
    let stage_class = match stage {
        CareStage::Died | CareStage::Euthanised => "badge badge-muted",
        stage if stage.is_end() => "badge badge-vetted",
        _ => "badge badge-transport",
    };
    let overdue = patient.overdue_milestones;
    let follow_up = patient.follow_up_due.map(|due| {
        let late = today.is_some_and(|today| due <= today);
        view! {
            <span class=if late { "badge badge-suspended" } else { "badge badge-muted" } data-testid="patient-follow-up">
                {format!("{}{}", if late { "Due " } else { "" }, local_time::day(due))}
            </span>
        }
    });
    view! {
        <tr data-testid="patient" data-record-id=patient.id.to_string() data-stage=stage.as_str()>
            <th scope="row">
                {name}
                <span class="muted small patient-species">{species}</span>
            </th>
            <td data-label="Stage">
                <span class=stage_class>{stage.label()}</span>
                <span class="muted small">{format!(" since {}", local_time::date(patient.stage_since))}</span>
            </td>
            <td data-label="Days in care" data-testid="patient-days">{format!("{:.0}", patient.days_in_care.floor())}</td>
            <td data-label="Milestones">
                {if overdue > 0 {
                    view! { <span class="badge badge-suspended" data-testid="patient-overdue">{format!("{overdue} overdue")}</span> }.into_any()
                } else {
                    view! { <span class="muted">"None overdue"</span> }.into_any()
                }}
            </td>
            <td data-label="Follow-up">{follow_up.map(IntoAny::into_any).unwrap_or_else(|| view! { <span class="muted">"—"</span> }.into_any())}</td>
        </tr>
    }
}

//! `/organizations/:id/volunteers`: the organization's volunteer roster for
//! its coordinators — who can drive, foster or give first aid (and until
//! when), who is free now, where they cover — with the foster placements it
//! has offered and the form to offer one.

use chrono::NaiveDate;
use leptos::prelude::*;
use uuid::Uuid;
use warren_client::ClientError;
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::text::{Description, ShortText};
use warren_wire::{
    CreatePlacementRequest, FosterStatus, Placement, PlacementTransitionRequest, RosterEntry,
    RosterQuery, Skill,
};

use crate::components::{
    ErrorAlert, FieldErrors, Loaded, OrgHeader, OrgTab, RequireSignIn, SpeciesOptions, TextArea,
    TextField, error_of, etag_of,
};
use crate::idempotency::IdempotencyKey;
use crate::local_time;
use crate::pages::{NotFoundPage, organization_id};
use crate::session::use_session;

/// The roster page.
#[component]
pub fn VolunteersPage() -> impl IntoView {
    let id = organization_id();
    view! {
        <RequireSignIn>
            {move || match id.get() {
                Some(id) => view! { <RosterAndPlacements id/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </RequireSignIn>
    }
}

#[component]
fn RosterAndPlacements(id: Uuid) -> impl IntoView {
    let session = use_session();
    let skill = RwSignal::new(None::<Skill>);
    let vehicle = RwSignal::new(false);
    let free_now = RwSignal::new(false);
    let changed = RwSignal::new(0_u32);
    let roster = LocalResource::new(move || {
        let query = RosterQuery {
            skill: skill.get(),
            available_at: free_now.get().then(|| "now".to_owned()),
            has_vehicle: vehicle.get().then_some(true),
            include_inactive: None,
        };
        async move { session.api().volunteers(id, &query).await }
    });
    // Everyone who can foster, whatever the filters, for the offer form.
    let fosterers = LocalResource::new(move || async move {
        let query = RosterQuery {
            skill: Some(Skill::Foster),
            ..RosterQuery::default()
        };
        session.api().volunteers(id, &query).await
    });
    let placements = LocalResource::new(move || {
        changed.track();
        async move { session.api().placements(id).await }
    });
    let reload = Callback::new(move |()| changed.update(|count| *count += 1));
    view! {
        <OrgHeader organization=id current=OrgTab::Volunteers title="Volunteers"/>
        <section class="card" aria-labelledby="roster-heading" data-testid="roster">
            <h2 id="roster-heading">"Roster"</h2>
            <div class="filter-row">
                <div class="field">
                    <label for="roster-skill">"Skill"</label>
                    <select id="roster-skill" on:change=move |event| skill.set(Skill::parse(&event_target_value(&event)))>
                        <option value="">"Any"</option>
                        {Skill::ALL.iter().map(|skill| view! { <option value=skill.as_str()>{skill.label()}</option> }).collect_view()}
                    </select>
                </div>
                <label class="checkbox">
                    <input type="checkbox" id="roster-free-now" on:change=move |event| free_now.set(event_target_checked(&event))/>
                    "Free now"
                </label>
                <label class="checkbox">
                    <input type="checkbox" id="roster-vehicle" on:change=move |event| vehicle.set(event_target_checked(&event))/>
                    "Own vehicle"
                </label>
            </div>
            <Loaded resource=roster label="Loading the roster…" let:roster>
                {if roster.items.is_empty() {
                    view! {
                        <p class="empty">"No volunteer matches. Members add themselves on their Volunteering page."</p>
                    }
                        .into_any()
                } else {
                    view! { <RosterTable items=roster.items/> }.into_any()
                }}
            </Loaded>
        </section>
        <section class="card" aria-labelledby="placements-heading" data-testid="placements">
            <h2 id="placements-heading">"Foster placements"</h2>
            <Loaded resource=placements label="Loading placements…" let:list>
                {if list.items.is_empty() {
                    view! { <p class="empty">"No placements yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="job-list">
                            {list.items.into_iter().map(|placement| view! { <PlacementRow placement reload/> }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </Loaded>
            <h3>"Offer a placement"</h3>
            <Loaded resource=fosterers label="Loading fosterers…" let:list>
                {if list.items.is_empty() {
                    view! {
                        <p class="empty">"Nobody on the roster has foster care valid today."</p>
                    }
                        .into_any()
                } else {
                    view! { <OfferForm organization=id fosterers=list.items reload/> }.into_any()
                }}
            </Loaded>
        </section>
    }
}

/// The roster as a table: one row per person.
#[component]
fn RosterTable(items: Vec<RosterEntry>) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="data-table roster-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Skills"</th>
                        <th scope="col">"Free"</th>
                        <th scope="col">"Area"</th>
                        <th scope="col">"Vehicle"</th>
                        <th scope="col">"Open assignments"</th>
                    </tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|entry| {
                        let profile = entry.profile;
                        view! {
                            <tr data-testid="roster-row" data-user-id=profile.user_id.to_string()>
                                <th scope="row">{profile.name.clone()}<br/><span class="small muted">{entry.email}</span></th>
                                <td>
                                    <ul class="chip-list">
                                        {profile.skills.iter().map(|skill| {
                                            let text = match skill.expires_on {
                                                Some(day) => format!("{} · {}", skill.skill.label(), local_time::day(day)),
                                                None => skill.skill.label().to_owned(),
                                            };
                                            view! { <li class="chip" class:expired=!skill.valid>{text}{(!skill.valid).then_some(" (expired)")}</li> }
                                        }).collect_view()}
                                    </ul>
                                </td>
                                <td>
                                    {if profile.available_now { "Free now" } else { "Not now" }}
                                    <br/><code class="small">{profile.availability.clone()}</code>
                                </td>
                                <td>{profile.area.clone()}{profile.radius_km.map(|km| format!(" · {km} km"))}</td>
                                <td>{if profile.has_vehicle { "Yes" } else { "No" }}</td>
                                <td>{entry.open_assignments}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One placement with the organization's moves.
#[component]
fn PlacementRow(placement: Placement, reload: Callback<()>) -> impl IntoView {
    let session = use_session();
    let id = placement.id;
    let etag = etag_of(placement.version);
    let send = Action::new_local(move |status: &FosterStatus| {
        let request = PlacementTransitionRequest {
            status: *status,
            note: None,
        };
        let etag = etag.clone();
        async move {
            let answer = session
                .api()
                .transition_placement(id, &request, &etag)
                .await;
            if answer.is_ok() {
                reload.run(());
            }
            answer
        }
    });
    let moves: Vec<FosterStatus> = placement
        .allowed
        .iter()
        .copied()
        .filter(|status| matches!(status, FosterStatus::Ended | FosterStatus::Cancelled))
        .collect();
    let dates = match placement.ends_on {
        Some(ends) => format!(
            "{} to {}",
            local_time::day(placement.starts_on),
            local_time::day(ends)
        ),
        None => format!("from {}", local_time::day(placement.starts_on)),
    };
    view! {
        <li class="card job-card" data-testid="placement" data-status=placement.status.as_str()>
            <div class="job-top">
                <strong>{format!("{} ({})", placement.animal_name, placement.species_label)}</strong>
                <span class="badge">{placement.status.label()}</span>
            </div>
            <p class="small">{format!("{} · with {}", dates, placement.volunteer.name)}</p>
            {placement.status_note.clone().map(|note| view! { <p class="small">{note}</p> })}
            <ErrorAlert error=Signal::derive(move || error_of(send.value().get()))/>
            <div class="job-actions">
                {moves.into_iter().map(|status| {
                    let label = if status == FosterStatus::Ended { "Mark ended" } else { "Cancel placement" };
                    view! {
                        <button type="button" class="button secondary small" disabled=move || send.pending().get()
                            on:click=move |_| { send.dispatch(status); }>{label}</button>
                    }
                }).collect_view()}
            </div>
        </li>
    }
}

/// Offers an animal to one of the organization's fosterers.
#[component]
fn OfferForm(
    organization: Uuid,
    fosterers: Vec<RosterEntry>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let terms = LocalResource::new(move || async move {
        session
            .api()
            .taxonomy()
            .await
            .map(|taxonomy| taxonomy.items)
    });
    let volunteer = RwSignal::new(
        fosterers
            .first()
            .map(|entry| entry.profile.user_id.to_string())
            .unwrap_or_default(),
    );
    let species = RwSignal::new(String::new());
    let animal = RwSignal::new(String::new());
    let starts = RwSignal::new(String::new());
    let ends = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let submission = IdempotencyKey::new();
    let offer = Action::new_local(move |request: &CreatePlacementRequest| {
        let request = request.clone();
        let key = submission.for_body(&request);
        async move {
            let answer: Result<Placement, ClientError> = session
                .api()
                .create_placement(organization, &request, Some(&key))
                .await;
            match &answer {
                Ok(_) => {
                    submission.finish();
                    animal.set(String::new());
                    notes.set(String::new());
                    reload.run(());
                }
                Err(error) => errors.absorb(error),
            }
            answer
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let volunteer_user_id = errors.check(
            "volunteer_user_id",
            Uuid::parse_str(&volunteer.get_untracked()),
        );
        let species = errors.check("species", TermCode::parse(species.get_untracked()));
        let animal_name = errors.check("animal_name", ShortText::parse(animal.get_untracked()));
        let starts_on = errors.check("starts_on", starts.get_untracked().parse::<NaiveDate>());
        let ends_text = ends.get_untracked();
        let ends_on = if ends_text.is_empty() {
            Some(None)
        } else {
            errors.check("ends_on", ends_text.parse::<NaiveDate>().map(Some))
        };
        let notes_text = notes.get_untracked();
        let notes = if notes_text.trim().is_empty() {
            Some(None)
        } else {
            errors.check("notes", Description::parse(notes_text).map(Some))
        };
        if let (
            Some(volunteer_user_id),
            Some(species),
            Some(animal_name),
            Some(starts_on),
            Some(ends_on),
            Some(notes),
        ) = (
            volunteer_user_id,
            species,
            animal_name,
            starts_on,
            ends_on,
            notes,
        ) {
            offer.dispatch(CreatePlacementRequest {
                volunteer_user_id,
                species,
                animal_name,
                referral_id: None,
                starts_on,
                ends_on,
                notes,
            });
        }
    };
    view! {
        <form class="form offer-form" on:submit=submit novalidate>
            <ErrorAlert error=Signal::derive(move || error_of(offer.value().get()))/>
            <div class="field">
                <label for="placement-volunteer">"Fosterer"</label>
                <select id="placement-volunteer" on:change=move |event| volunteer.set(event_target_value(&event))>
                    {fosterers.into_iter().map(|entry| {
                        let id = entry.profile.user_id.to_string();
                        view! { <option value=id>{format!("{} · {}", entry.profile.name, entry.profile.area)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="placement-species">"Species"</label>
                <select id="placement-species" on:change=move |event| species.set(event_target_value(&event))>
                    <option value="">"Choose…"</option>
                    {move || terms.get().and_then(Result::ok).map(|terms| view! { <SpeciesOptions terms chosen=species/> })}
                </select>
                {move || errors.of("species").get().map(|error| view! { <p class="field-error">{error}</p> })}
            </div>
            <TextField id="placement-animal" label="Animal" value=animal required=true hint="Name or description, e.g. Pip, juvenile hedgehog" error=errors.of("animal_name")/>
            <div class="field-row">
                <TextField id="placement-starts" label="First day" value=starts input_type="date" required=true error=errors.of("starts_on")/>
                <TextField id="placement-ends" label="Expected last day" value=ends input_type="date" error=errors.of("ends_on")/>
            </div>
            <TextArea id="placement-notes" label="Care notes" value=notes error=errors.of("notes")/>
            <button type="submit" class="button primary" disabled=move || offer.pending().get()>"Offer placement"</button>
        </form>
    }
}

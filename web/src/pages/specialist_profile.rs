//! `/profile/specialist`: the signed-in clinician's specialist profile —
//! species, disciplines, a summary, weekly consult hours and whether they
//! accept consults now.
//!
//! Saving sends the version read (`If-Match`) once a profile exists; when
//! it changed meanwhile the server refuses (412) and the page says so.

use leptos::prelude::*;
use warren_client::ClientError;
use warren_domain::directory::taxonomy::{Taxonomy, Term, TermCode};
use warren_domain::specialists::{
    Availability, ClockTime, ConsultSlot, Weekday, role_offers_consults,
};
use warren_domain::{ClinicalNote, ShortText};
use warren_wire::{Discipline, SpecialistProfile, SpecialistProfileRequest};

use crate::components::{
    ErrorAlert, FieldErrors, Loaded, RequireSignIn, SuccessNotice, TermCheckboxes, TextArea,
    TextField, reveal_problem,
};
use crate::session::use_session;

/// The specialist profile editor.
#[component]
pub fn SpecialistProfilePage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <Editor/>
        </RequireSignIn>
    }
}

/// One weekly window as typed.
#[derive(Debug, Clone, PartialEq)]
struct SlotDraft {
    key: u32,
    day: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
}

#[component]
fn Editor() -> impl IntoView {
    let session = use_session();
    let loaded = LocalResource::new(move || async move {
        let profile = session.api().my_specialist_profile().await;
        let terms = session
            .api()
            .taxonomy()
            .await
            .map(|list| list.items)
            .unwrap_or_default();
        match profile {
            Ok(profile) => Ok((Some(profile), terms)),
            Err(error) if error.status() == Some(404) => Ok((None, terms)),
            Err(error) => Err(error),
        }
    });
    view! {
        <header class="page-header">
            <p class="eyebrow"><a href="/specialists">"Specialists"</a></p>
            <h1>"My specialist profile"</h1>
            <p class="lead">
                "What you offer consults in, for which species, and when. Colleagues across the network find you by these and ask from their referrals."
            </p>
        </header>
        <Loaded resource=loaded label="Loading your profile…" let:loaded>
            {
                let (profile, terms) = loaded;
                view! { <ProfileForm profile terms/> }
            }
        </Loaded>
    }
}

#[component]
fn ProfileForm(
    profile: Option<warren_client::Versioned<SpecialistProfile>>,
    terms: Vec<Term>,
) -> impl IntoView {
    let session = use_session();
    let eligible: Vec<(String, String)> = session
        .memberships()
        .into_iter()
        .filter(|membership| role_offers_consults(membership.role))
        .map(|membership| {
            (
                membership.organization.id.to_string(),
                membership.organization.name.clone(),
            )
        })
        .collect();
    let etag = RwSignal::new(profile.as_ref().map(|profile| profile.etag.clone()));
    let value = profile.map(|profile| profile.value);
    let organization = RwSignal::new(
        value
            .as_ref()
            .map(|profile| profile.organization_id.to_string())
            .or_else(|| eligible.first().map(|(id, _)| id.clone()))
            .unwrap_or_default(),
    );
    let species = RwSignal::new(
        value
            .as_ref()
            .map(|p| p.species.clone())
            .unwrap_or_default(),
    );
    let disciplines = RwSignal::new(
        value
            .as_ref()
            .map(|p| {
                p.disciplines
                    .iter()
                    .map(|d| d.as_str().to_owned())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    );
    let summary = RwSignal::new(
        value
            .as_ref()
            .and_then(|p| p.summary.clone())
            .unwrap_or_default(),
    );
    let rotation = RwSignal::new(
        value
            .as_ref()
            .and_then(|p| p.rotation_note.clone())
            .unwrap_or_default(),
    );
    let accepting = RwSignal::new(value.as_ref().is_none_or(|p| p.accepting_consults));
    let next_key = StoredValue::new(0_u32);
    let new_slot = move |day: &str, from: &str, to: &str| {
        let mut key = 0;
        next_key.update_value(|next| {
            *next += 1;
            key = *next;
        });
        SlotDraft {
            key,
            day: RwSignal::new(day.to_owned()),
            from: RwSignal::new(from.to_owned()),
            to: RwSignal::new(to.to_owned()),
        }
    };
    let slots = RwSignal::new(
        value
            .as_ref()
            .map(|p| {
                p.availability
                    .iter()
                    .map(|slot| {
                        new_slot(
                            slot.day.as_str(),
                            &slot.from.to_string(),
                            &slot.to.to_string(),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    );
    let species_terms: Vec<Term> = terms
        .into_iter()
        .filter(|term| term.taxonomy == Taxonomy::Species)
        .collect();
    let errors = FieldErrors::new();
    let notice = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<ClientError>);
    let save = Action::new_local(move |request: &SpecialistProfileRequest| {
        let request = request.clone();
        async move {
            let current = etag.get_untracked();
            let saved = session
                .api()
                .put_my_specialist_profile(&request, current.as_deref())
                .await;
            match saved {
                Ok(saved) => {
                    etag.set(Some(saved.etag));
                    notice.set(Some("Profile saved.".into()));
                }
                Err(error) => {
                    errors.absorb(&error);
                    problem.set(Some(error));
                    reveal_problem();
                }
            }
        }
    });
    let pending = save.pending();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        notice.set(None);
        problem.set(None);
        let species_codes: Vec<TermCode> = species
            .get_untracked()
            .iter()
            .filter_map(|code| TermCode::parse(code.as_str()).ok())
            .collect();
        if species_codes.is_empty() {
            errors.add("species", "choose at least one species");
        }
        let chosen: Vec<Discipline> = disciplines
            .get_untracked()
            .iter()
            .filter_map(|code| Discipline::parse(code))
            .collect();
        if chosen.is_empty() {
            errors.add("disciplines", "choose at least one discipline");
        }
        let summary_text = summary.get_untracked();
        let summary_note = if summary_text.trim().is_empty() {
            Some(None)
        } else {
            errors
                .check("summary", ClinicalNote::parse(summary_text))
                .map(Some)
        };
        let rotation_text = rotation.get_untracked();
        let rotation_note = if rotation_text.trim().is_empty() {
            Some(None)
        } else {
            errors
                .check("rotation_note", ShortText::parse(rotation_text))
                .map(Some)
        };
        let mut parsed = Vec::new();
        for slot in slots.get_untracked() {
            let day = Weekday::parse(&slot.day.get_untracked());
            let from = ClockTime::parse(&slot.from.get_untracked());
            let to = ClockTime::parse(&slot.to.get_untracked());
            match (day, from, to) {
                (Some(day), Ok(from), Ok(to)) => parsed.push(ConsultSlot { day, from, to }),
                (_, Err(error), _) | (_, _, Err(error)) => {
                    errors.add("availability", error.to_string());
                }
                (None, _, _) => errors.add("availability", "choose a day"),
            }
        }
        let availability = errors.check("availability", Availability::check(parsed));
        if !errors.is_empty() {
            reveal_problem();
            return;
        }
        let (Some(summary), Some(rotation_note), Some(availability)) =
            (summary_note, rotation_note, availability)
        else {
            return;
        };
        let request = SpecialistProfileRequest {
            organization_id: uuid::Uuid::parse_str(&organization.get_untracked()).ok(),
            species: species_codes,
            disciplines: chosen,
            summary,
            availability,
            accepting_consults: accepting.get_untracked(),
            rotation_note,
        };
        save.dispatch(request);
    };
    let several = eligible.len() > 1;
    let none = eligible.is_empty();
    view! {
        <ErrorAlert error=problem/>
        <SuccessNotice message=notice/>
        <Show when=move || none>
            <div class="alert alert-info" role="status">
                <p>"Only clinicians and admins of an organization offer consults."</p>
            </div>
        </Show>
        <form class="card specialist-form" novalidate on:submit=submit data-testid="specialist-profile-form">
            <Show when=move || several>
                <div class="field">
                    <label for="specialist-organization">"Consulting for"</label>
                    <select
                        id="specialist-organization"
                        on:change=move |event| organization.set(event_target_value(&event))
                    >
                        {eligible
                            .iter()
                            .map(|(id, name)| {
                                let id = id.clone();
                                let selected = id.clone();
                                view! {
                                    <option value=id prop:selected=move || organization.with(|o| *o == selected)>
                                        {name.clone()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
            </Show>
            <fieldset class="field">
                <legend>"Disciplines"</legend>
                <div class="checkboxes term-grid" data-testid="disciplines">
                    {Discipline::ALL
                        .iter()
                        .map(|discipline| {
                            let code = discipline.as_str().to_owned();
                            let id = format!("discipline-{code}");
                            let checked = code.clone();
                            let changed = code.clone();
                            view! {
                                <div class="checkbox">
                                    <input
                                        type="checkbox"
                                        id=id.clone()
                                        value=code
                                        prop:checked=move || disciplines.with(|d| d.contains(&checked))
                                        on:change=move |event| {
                                            let on = event_target_checked(&event);
                                            disciplines.update(|d| {
                                                d.retain(|c| *c != changed);
                                                if on {
                                                    d.push(changed.clone());
                                                }
                                            });
                                        }
                                    />
                                    <label for=id>{discipline.label()}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
                {move || errors.of("disciplines").get().map(|error| view! { <p class="field-error" role="alert">{error}</p> })}
            </fieldset>
            <fieldset class="field">
                <legend>"Species"</legend>
                <TermCheckboxes prefix="specialist-species" terms=species_terms chosen=species/>
                {move || errors.of("species").get().map(|error| view! { <p class="field-error" role="alert">{error}</p> })}
            </fieldset>
            <TextArea id="specialist-summary" label="What you offer" value=summary error=errors.of("summary")/>
            <fieldset class="field">
                <legend>"Weekly consult hours (your local time)"</legend>
                <ul class="slot-list" data-testid="slots">
                    <For each=move || slots.get() key=|slot| slot.key let:slot>
                        <li class="slot-row">
                            <select
                                aria-label="Day"
                                on:change=move |event| slot.day.set(event_target_value(&event))
                            >
                                {Weekday::ALL
                                    .iter()
                                    .map(|day| {
                                        let code = day.as_str();
                                        view! {
                                            <option value=code prop:selected=move || slot.day.with(|d| d == code)>
                                                {day.label()}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                            <input type="time" aria-label="From" bind:value=slot.from/>
                            <input type="time" aria-label="To" bind:value=slot.to/>
                            <button
                                type="button"
                                class="button secondary small"
                                on:click=move |_| slots.update(|all| all.retain(|s| s.key != slot.key))
                            >
                                "Remove"
                            </button>
                        </li>
                    </For>
                </ul>
                <button
                    type="button"
                    class="button secondary small"
                    data-testid="add-slot"
                    on:click=move |_| {
                        let slot = new_slot("monday", "09:00", "12:00");
                        slots.update(|all| all.push(slot));
                    }
                >
                    "Add hours"
                </button>
                {move || errors.of("availability").get().map(|error| view! { <p class="field-error" role="alert">{error}</p> })}
            </fieldset>
            <TextField id="specialist-rotation" label="Rotations and leave" value=rotation error=errors.of("rotation_note")/>
            <div class="checkboxes">
                <div class="checkbox">
                    <input id="specialist-accepting-consults" type="checkbox" bind:checked=accepting/>
                    <label for="specialist-accepting-consults">"Accepting consults now"</label>
                </div>
            </div>
            <div class="form-actions">
                <button type="submit" class="button primary" data-testid="save-specialist-profile" disabled=move || pending.get()>
                    "Save profile"
                </button>
            </div>
        </form>
    }
}

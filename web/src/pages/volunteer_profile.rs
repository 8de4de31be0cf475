//! `/volunteer/profile`: write your volunteer profile — the skills you
//! bring and until when each is valid, when you are usually free, the area
//! you cover and whether you drive your own vehicle.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use warren_domain::directory::hours::OpeningHoursText;
use warren_domain::people::{check_area, check_skills};
use warren_domain::text::{Description, ShortText};
use warren_wire::{Skill, SkillEntry, VolunteerProfile, VolunteerProfileRequest};

use crate::components::{
    ErrorAlert, FieldErrors, Loaded, RequireSignIn, TextArea, TextField, error_of, reveal_problem,
};
use crate::session::use_session;

/// The volunteer profile form.
#[component]
pub fn VolunteerProfilePage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <ProfileLoader/>
        </RequireSignIn>
    }
}

#[component]
fn ProfileLoader() -> impl IntoView {
    let session = use_session();
    let existing = LocalResource::new(move || async move {
        match session.api().my_volunteer_profile().await {
            Ok(profile) => Ok(Some((profile.value, profile.etag))),
            Err(error) if error.status() == Some(404) => Ok(None),
            Err(error) => Err(error),
        }
    });
    view! {
        <header class="page-header">
            <p class="eyebrow"><a href="/volunteer">"Volunteering"</a></p>
            <h1>"Your volunteer profile"</h1>
            <p class="lead">"Coordinators find volunteers by skill, time and area; drives need a transport skill valid on the day."</p>
        </header>
        <Loaded resource=existing label="Loading your profile…" let:found>
            <ProfileForm found/>
        </Loaded>
    }
}

/// One skill's row: a checkbox and the last valid day.
#[derive(Clone, Copy)]
struct SkillRow {
    skill: Skill,
    on: RwSignal<bool>,
    until: RwSignal<String>,
}

#[component]
fn ProfileForm(found: Option<(VolunteerProfile, String)>) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let etag = found.as_ref().map(|(_, etag)| etag.clone());
    let profile = found.map(|(profile, _)| profile);
    let rows: Vec<SkillRow> = Skill::ALL
        .iter()
        .map(|skill| {
            let held = profile
                .as_ref()
                .and_then(|profile| profile.skills.iter().find(|held| held.skill == *skill));
            SkillRow {
                skill: *skill,
                on: RwSignal::new(held.is_some()),
                until: RwSignal::new(
                    held.and_then(|held| held.expires_on)
                        .map(|day| day.to_string())
                        .unwrap_or_default(),
                ),
            }
        })
        .collect();
    let text = |value: Option<String>| RwSignal::new(value.unwrap_or_default());
    let availability = text(profile.as_ref().map(|p| p.availability.clone()));
    let area = text(profile.as_ref().map(|p| p.area.clone()));
    let latitude = text(
        profile
            .as_ref()
            .and_then(|p| p.latitude)
            .map(|v| v.to_string()),
    );
    let longitude = text(
        profile
            .as_ref()
            .and_then(|p| p.longitude)
            .map(|v| v.to_string()),
    );
    let radius = text(
        profile
            .as_ref()
            .and_then(|p| p.radius_km)
            .map(|v| v.to_string()),
    );
    let notes = text(profile.as_ref().and_then(|p| p.notes.clone()));
    let has_vehicle = RwSignal::new(profile.as_ref().is_some_and(|p| p.has_vehicle));
    let active = RwSignal::new(profile.as_ref().is_none_or(|p| p.active));
    let errors = FieldErrors::new();

    let save = Action::new_local(move |request: &VolunteerProfileRequest| {
        let request = request.clone();
        let etag = etag.clone();
        async move {
            session
                .api()
                .save_volunteer_profile(&request, etag.as_deref())
                .await
        }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            session.set_notice("Your volunteer profile is saved.");
            navigate("/volunteer", NavigateOptions::default());
        }
        Some(Err(error)) => {
            errors.absorb(&error);
            reveal_problem();
        }
        None => {}
    });

    let optional_number = move |field: &str, value: &str| -> Result<Option<f64>, ()> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        value
            .parse::<f64>()
            .map(Some)
            .map_err(|_| errors.add(field, "must be a number"))
    };
    let submit_rows = rows.clone();
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let mut skills = Vec::new();
        for row in &submit_rows {
            if !row.on.get_untracked() {
                continue;
            }
            let until = row.until.get_untracked();
            let expires_on = if until.trim().is_empty() {
                None
            } else {
                match until.parse::<NaiveDate>() {
                    Ok(day) => Some(day),
                    Err(_) => {
                        errors.add("skills", "dates must be real days");
                        None
                    }
                }
            };
            skills.push(SkillEntry {
                skill: row.skill,
                expires_on,
            });
        }
        let skills = errors.check("skills", check_skills(skills));
        let availability = errors.check(
            "availability",
            OpeningHoursText::parse(availability.get_untracked()),
        );
        let area = errors.check("area", ShortText::parse(area.get_untracked()));
        let latitude = optional_number("latitude", &latitude.get_untracked());
        let longitude = optional_number("latitude", &longitude.get_untracked());
        let radius_text = radius.get_untracked();
        let radius_km = if radius_text.trim().is_empty() {
            Some(None)
        } else {
            errors.check("radius_km", radius_text.trim().parse::<u32>().map(Some))
        };
        let notes_text = notes.get_untracked();
        let notes = if notes_text.trim().is_empty() {
            Some(None)
        } else {
            errors.check("notes", Description::parse(notes_text).map(Some))
        };
        if let (Ok(latitude), Ok(longitude), Some(radius_km)) = (latitude, longitude, radius_km) {
            errors.check("latitude", check_area(latitude, longitude, radius_km));
            if let (Some(skills), Some(availability), Some(area), Some(notes)) =
                (skills, availability, area, notes)
                && errors.is_empty()
            {
                save.dispatch(VolunteerProfileRequest {
                    skills,
                    availability,
                    timezone: None,
                    area,
                    latitude,
                    longitude,
                    radius_km,
                    has_vehicle: has_vehicle.get_untracked(),
                    notes,
                    active: active.get_untracked(),
                });
                return;
            }
        }
        reveal_problem();
    };

    view! {
        <form class="card form volunteer-form" on:submit=on_submit novalidate>
            <ErrorAlert error=Signal::derive(move || error_of(save.value().get()))/>
            <fieldset class="field" aria-describedby="skills-error">
                <legend>"Skills"</legend>
                <p class="hint">"Tick what you do. Give the last valid day where it lapses; first aid always has one."</p>
                {rows.iter().map(|row| {
                    let row = *row;
                    let id = format!("skill-{}", row.skill.as_str());
                    let until_id = format!("{id}-until");
                    let until_for = until_id.clone();
                    view! {
                        <div class="skill-row">
                            <label class="checkbox">
                                <input type="checkbox" id=id.clone() data-testid=id.clone()
                                    prop:checked=move || row.on.get()
                                    on:change=move |event| row.on.set(event_target_checked(&event))/>
                                {row.skill.label()}
                            </label>
                            <label class="skill-until" for=until_for>"valid until"
                                <input type="date" id=until_id.clone() data-testid=until_id bind:value=row.until/>
                            </label>
                        </div>
                    }
                }).collect_view()}
                {move || errors.of("skills").get().map(|error| view! { <p class="field-error" id="skills-error">{error}</p> })}
            </fieldset>
            <TextField id="availability" label="When you are usually free" value=availability required=true
                hint="OpenStreetMap opening_hours, e.g. Mo-Fr 18:00-22:00; Sa,Su 09:00-18:00"
                error=errors.of("availability")/>
            <TextField id="area" label="The area you cover" value=area required=true
                hint="In words, e.g. North Bristol and Filton" error=errors.of("area")/>
            <div class="field-row">
                <TextField id="latitude" label="Area centre latitude" value=latitude inputmode="decimal" error=errors.of("latitude")/>
                <TextField id="longitude" label="longitude" value=longitude inputmode="decimal"/>
                <TextField id="radius_km" label="Radius (km)" value=radius inputmode="numeric" error=errors.of("radius_km")/>
            </div>
            <label class="checkbox">
                <input type="checkbox" id="has-vehicle" prop:checked=move || has_vehicle.get()
                    on:change=move |event| has_vehicle.set(event_target_checked(&event))/>
                "I drive my own vehicle"
            </label>
            <label class="checkbox">
                <input type="checkbox" id="active" prop:checked=move || active.get()
                    on:change=move |event| active.set(event_target_checked(&event))/>
                "I am taking assignments at the moment"
            </label>
            <TextArea id="notes" label="Notes for coordinators" value=notes error=errors.of("notes")/>
            <div class="form-actions">
                <button type="submit" class="button primary" data-testid="save-volunteer-profile"
                    disabled=move || save.pending().get()>"Save profile"</button>
                <a class="button secondary" href="/volunteer">"Cancel"</a>
            </div>
        </form>
    }
}

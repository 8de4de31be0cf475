//! `/volunteer`: a volunteer's own page, built for a phone in one hand.
//!
//! It lists what the volunteer is asked to do or has said yes to (drives
//! and foster placements, each with its one-tap answer), then the transports
//! still without a driver that they can see — their organizations' legs, and
//! the legs referrers shared with the network's volunteers (marked
//! "Network") — with "I'll drive". Their
//! profile's skills and availability sit at the bottom with a link to edit
//! them.

use leptos::prelude::*;
use warren_client::ClientError;
use warren_domain::referral::TransportStatus;
use warren_domain::triage::Tier;
use warren_wire::{
    DeclineDriveRequest, FosterStatus, Placement, PlacementTransitionRequest, TransportJob,
    VolunteerProfile,
};

use crate::components::{ErrorAlert, Loaded, RequireSignIn, etag_of, tier_name};
use crate::local_time;
use crate::session::use_session;

/// The volunteer page. It needs no more of the person than their token, so it
/// asks for the jobs while the session is being restored.
#[component]
pub fn VolunteerPage() -> impl IntoView {
    view! {
        <RequireSignIn while_restoring=true>
            <Volunteer/>
        </RequireSignIn>
    }
}

#[component]
fn Volunteer() -> impl IntoView {
    let session = use_session();
    // Bumped after every answer, so the lists read the new state.
    let changed = RwSignal::new(0_u32);
    let assignments = LocalResource::new(move || {
        changed.track();
        async move { session.api().my_assignments().await }
    });
    let unassigned = LocalResource::new(move || {
        changed.track();
        async move { session.api().unassigned_transports().await }
    });
    let profile = LocalResource::new(move || {
        changed.track();
        async move {
            match session.api().my_volunteer_profile().await {
                Ok(profile) => Ok(Some(profile.value)),
                Err(error) if error.status() == Some(404) => Ok(None),
                Err(error) => Err(error),
            }
        }
    });
    let failure = RwSignal::new(None::<ClientError>);
    let notice = RwSignal::new(session.take_notice());
    let done = move |result: Result<String, ClientError>| {
        match result {
            Ok(message) => {
                failure.set(None);
                notice.set(Some(message));
            }
            Err(error) => {
                notice.set(None);
                failure.set(Some(error));
            }
        }
        changed.update(|count| *count += 1);
    };
    view! {
        <header class="page-header">
            <h1>"Volunteering"</h1>
            <p class="lead">"Your drives and foster placements, and the transports that still need a driver."</p>
        </header>
        <div aria-live="polite">
            <ErrorAlert error=Signal::derive(move || failure.get())/>
            {move || notice.get().map(|message| view! {
                <div class="alert alert-success" role="status" data-testid="notice"><p>{message}</p></div>
            })}
        </div>
        <section class="volunteer-section" aria-labelledby="mine-heading" data-testid="my-assignments">
            <h2 id="mine-heading">"My assignments"</h2>
            <Loaded resource=assignments label="Loading your assignments…" let:mine>
                {if mine.transports.is_empty() && mine.placements.is_empty() {
                    view! {
                        <p class="empty" data-testid="no-assignments">"Nothing assigned to you right now."</p>
                    }
                        .into_any()
                } else {
                    view! {
                        <ul class="job-list">
                            {mine.transports.into_iter().map(|job| view! { <JobCard job mine=true done/> }).collect_view()}
                            {mine.placements.into_iter().map(|placement| view! { <PlacementCard placement done/> }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </Loaded>
        </section>
        <section class="volunteer-section" aria-labelledby="open-heading" data-testid="unassigned">
            <h2 id="open-heading">"Transports without a driver"</h2>
            <Loaded resource=unassigned label="Loading transports…" let:list>
                {if list.items.is_empty() {
                    view! {
                        <p class="empty" data-testid="no-unassigned">"No transport you can see needs a driver right now."</p>
                    }
                        .into_any()
                } else {
                    view! {
                        <ul class="job-list">
                            {list.items.into_iter().map(|job| view! { <JobCard job mine=false done/> }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </Loaded>
        </section>
        <section class="volunteer-section" aria-labelledby="profile-heading">
            <h2 id="profile-heading">"Your volunteer profile"</h2>
            <Loaded resource=profile label="Loading your profile…" let:profile>
                {match profile {
                    Some(profile) => view! { <ProfileSummary profile/> }.into_any(),
                    None => view! {
                        <div class="card" data-testid="no-profile">
                            <p>"Add your skills, when you are free and the area you cover, so coordinators can find you and you can take drives."</p>
                            <p><a class="button primary" href="/volunteer/profile">"Create your volunteer profile"</a></p>
                        </div>
                    }
                        .into_any(),
                }}
            </Loaded>
        </section>
    }
}

/// "Fri 21 Nov, 14:00 → 16:00", or what is known of the window.
fn window_text(job: &TransportJob) -> String {
    match (job.window_starts, job.window_ends) {
        (Some(starts), Some(ends)) => format!(
            "{} → {}",
            local_time::weekday_time(starts),
            local_time::time(ends)
        ),
        (Some(starts), None) => format!("from {}", local_time::weekday_time(starts)),
        (None, Some(ends)) => format!("by {}", local_time::weekday_time(ends)),
        (None, None) => "as soon as possible".to_owned(),
    }
}

/// One drive: the animal, the route, the window and the answer buttons.
#[component]
fn JobCard(
    job: TransportJob,
    mine: bool,
    done: impl Fn(Result<String, ClientError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = use_session();
    let referral = job.referral_id;
    let tier = Tier::from_number(job.priority).unwrap_or(Tier::Standard);
    let offered = mine
        && matches!(
            job.status,
            TransportStatus::New | TransportStatus::Confirmed
        );
    let route = format!("{} → {}", job.pickup, job.dropoff);
    let accept = Action::new_local(move |_: &()| async move {
        let result = session
            .api()
            .accept_transport(referral)
            .await
            .map(|_| "You are the driver. Both organizations can see it.".to_owned());
        done(result);
    });
    let decline = Action::new_local(move |_: &()| async move {
        let request = DeclineDriveRequest { reason: None };
        let result = session
            .api()
            .decline_transport(referral, &request)
            .await
            .map(|_| "Given back. It is listed for other drivers again.".to_owned());
        done(result);
    });
    let busy = move || accept.pending().get() || decline.pending().get();
    let animal = match &job.patient_name {
        Some(name) => format!("{} ({})", job.species_label, name),
        None => job.species_label.clone(),
    };
    view! {
        <li class="card job-card" data-testid="transport-job" data-referral-id=referral.to_string() data-status=job.status.as_str()>
            <div class="job-top">
                <span class="tier-badge" data-tier=tier.number().to_string()>{format!("{} · {}", tier.number(), tier_name(tier))}</span>
                <span class="badge">{job.status.label()}</span>
                {job.via_network.then(|| view! {
                    <span class="badge badge-network" data-testid="via-network" title="Shared with the network's volunteers">"Network"</span>
                })}
            </div>
            <h3 class="job-title">{animal}</h3>
            <p class="job-route" data-testid="job-route"><strong>{route}</strong></p>
            <p class="small">{window_text(&job)}</p>
            {job.needed_by.map(|due| view! {
                <p class="small" data-testid="job-needed-by">{format!("Driver needed by {}", local_time::weekday_time(due))}</p>
            })}
            <p class="small muted">{format!("{} → {}", job.referrer_name, job.receiver_name)}
                {job.distance_km.map(|km| format!(" · {km:.1} km from your area"))}
            </p>
            {job.notes.clone().map(|notes| view! { <p class="small job-notes">{notes}</p> })}
            <div class="job-actions">
                {if !mine {
                    view! {
                        <button type="button" class="button primary big" data-testid="take-transport"
                            disabled=busy on:click=move |_| { accept.dispatch(()); }>
                            "I'll drive"
                        </button>
                    }.into_any()
                } else if offered {
                    view! {
                        <p class="job-offer">"You are asked to drive."</p>
                        <button type="button" class="button primary big" data-testid="accept-transport"
                            disabled=busy on:click=move |_| { accept.dispatch(()); }>
                            "Accept"
                        </button>
                        <button type="button" class="button secondary big" data-testid="decline-transport"
                            disabled=busy on:click=move |_| { decline.dispatch(()); }>
                            "Decline"
                        </button>
                    }.into_any()
                } else {
                    view! {
                        <p class="job-offer" data-testid="driving">"You are driving."</p>
                        <button type="button" class="button secondary" data-testid="give-back-transport"
                            disabled=busy on:click=move |_| { decline.dispatch(()); }>
                            "I can no longer drive"
                        </button>
                    }.into_any()
                }}
            </div>
        </li>
    }
}

fn answer_label(status: FosterStatus) -> &'static str {
    match status {
        FosterStatus::Accepted => "Accept",
        FosterStatus::Declined => "Decline",
        FosterStatus::Ended => "The animal has left",
        FosterStatus::Cancelled => "Cancel",
        FosterStatus::Offered => "Offer",
    }
}

/// One foster placement and the answers open to the volunteer.
#[component]
fn PlacementCard(
    placement: Placement,
    done: impl Fn(Result<String, ClientError>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
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
            let result = session
                .api()
                .transition_placement(id, &request, &etag)
                .await
                .map(|answer| format!("Placement {}.", answer.value.status.label().to_lowercase()));
            done(result);
        }
    });
    let dates = match placement.ends_on {
        Some(ends) => format!(
            "{} to {}",
            local_time::day(placement.starts_on),
            local_time::day(ends)
        ),
        None => format!("from {}", local_time::day(placement.starts_on)),
    };
    let answers: Vec<FosterStatus> = placement
        .allowed
        .iter()
        .copied()
        .filter(|status| *status != FosterStatus::Cancelled)
        .collect();
    view! {
        <li class="card job-card" data-testid="placement" data-placement-id=id.to_string() data-status=placement.status.as_str()>
            <div class="job-top">
                <span class="badge">"Foster"</span>
                <span class="badge">{placement.status.label()}</span>
            </div>
            <h3 class="job-title">{format!("{} ({})", placement.animal_name, placement.species_label)}</h3>
            <p class="small">{dates}</p>
            <p class="small muted">{placement.organization_name.clone()}</p>
            {placement.notes.clone().map(|notes| view! { <p class="small job-notes">{notes}</p> })}
            <div class="job-actions">
                {answers.into_iter().map(|status| {
                    let class = if status == FosterStatus::Accepted { "button primary big" } else { "button secondary big" };
                    view! {
                        <button type="button" class=class data-testid=format!("placement-{}", status.as_str())
                            disabled=move || send.pending().get()
                            on:click=move |_| { send.dispatch(status); }>
                            {answer_label(status)}
                        </button>
                    }
                }).collect_view()}
            </div>
        </li>
    }
}

/// The volunteer's skills, availability and area.
#[component]
fn ProfileSummary(profile: VolunteerProfile) -> impl IntoView {
    view! {
        <div class="card" data-testid="profile-summary">
            <ul class="chip-list">
                {profile.skills.iter().map(|skill| {
                    let text = match skill.expires_on {
                        Some(day) => format!("{} · until {}", skill.skill.label(), local_time::day(day)),
                        None => skill.skill.label().to_owned(),
                    };
                    view! { <li class="chip" class:expired=!skill.valid data-skill=skill.skill.as_str()>{text}{(!skill.valid).then_some(" (expired)")}</li> }
                }).collect_view()}
            </ul>
            <p><strong>"Free: "</strong><code>{profile.availability.clone()}</code>
                {if profile.available_now { " · free now" } else { "" }}</p>
            <p><strong>"Area: "</strong>{profile.area.clone()}
                {profile.radius_km.map(|km| format!(" (within {km} km)"))}
                {if profile.has_vehicle { " · own vehicle" } else { " · no vehicle" }}</p>
            {(!profile.active).then(|| view! { <p class="small">"Paused: coordinators do not see you on the roster."</p> })}
            <p><a class="button secondary" href="/volunteer/profile">"Edit your volunteer profile"</a></p>
        </div>
    }
}

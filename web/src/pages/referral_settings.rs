//! `/referrals/settings`: the network's answer times — how long a receiver
//! has, per tier, to accept a referral before Warren escalates it — whether
//! referrers may share transport legs with the network's volunteers, and its
//! acknowledge times — how long the person alerted for an urgent referral
//! has to acknowledge before Warren alerts the next person on call.
//!
//! Every member reads them; network admins change them. Answer times are 1
//! minute to a week, and a more urgent tier never gets longer than a less
//! urgent one; acknowledge times are 1 to 120 minutes, tier 2 no shorter
//! than tier 1. The server names the field it refuses and the error is
//! shown next to it.

use leptos::prelude::*;
use warren_domain::alerts::AcknowledgeTimes;
use warren_domain::referral::{AnswerTimes, ESCALATION_RADIUS_KM, MAX_ANSWER_MINUTES};
use warren_domain::triage::Tier;
use warren_wire::{
    AcknowledgeTimesSetting, AnswerTimesSetting, ContactRetentionRequest, ContactRetentionSetting,
    TransportSharingRequest, TransportSharingSetting,
};

use crate::components::{
    ErrorAlert, FieldErrors, Loaded, RequireSignIn, SuccessNotice, reveal_problem, tier_name,
};
use crate::local_time;
use crate::session::use_session;

/// The answer-times page.
#[component]
pub fn ReferralSettingsPage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <Settings/>
        </RequireSignIn>
    }
}

/// The field name of a tier's answer time.
fn field(tier: Tier) -> &'static str {
    match tier {
        Tier::Immediate => "immediate",
        Tier::VeryUrgent => "very_urgent",
        Tier::Urgent => "urgent",
        Tier::Standard => "standard",
        Tier::NonUrgent => "non_urgent",
    }
}

/// "240 min (4 h)", "10 min".
fn minutes_text(minutes: &str) -> String {
    match minutes.parse::<u32>() {
        Ok(minutes) if minutes >= 60 && minutes % 60 == 0 => {
            format!("{minutes} min ({} h)", minutes / 60)
        }
        Ok(minutes) => format!("{minutes} min"),
        Err(_) => minutes.to_owned(),
    }
}

#[component]
fn Settings() -> impl IntoView {
    let session = use_session();
    let setting = LocalResource::new(move || async move { session.api().answer_times().await });
    let sharing =
        LocalResource::new(move || async move { session.api().transport_sharing().await });
    let acknowledge =
        LocalResource::new(move || async move { session.api().acknowledge_times().await });
    let retention =
        LocalResource::new(move || async move { session.api().contact_retention().await });
    view! {
        <header class="page-header">
            <p class="eyebrow">
                <a href="/referrals">"Referrals"</a>
            </p>
            <h1>"Answer and acknowledge times"</h1>
        </header>
        <div class="times-layout">
            <section aria-labelledby="answer-times-heading">
                <h2 id="answer-times-heading">"Answer times"</h2>
                <p class="lead">
                    "How long a receiver has to accept a referral before Warren escalates it — to the site's after-hours cover, then to the next suitable site."
                </p>
                <Loaded resource=setting label="Loading the answer times…" let:setting>
                    <AnswerTimesForm setting/>
                </Loaded>
            </section>
            <section aria-labelledby="transport-sharing-heading">
                <h2 id="transport-sharing-heading">"Transport legs"</h2>
                <p class="lead">
                    "Whether a referrer may offer a leg without a driver to every volunteer of the network with a valid transport skill, so a clinic with no volunteers of its own still gets a driver."
                </p>
                <Loaded resource=sharing label="Loading the transport setting…" let:setting>
                    <TransportSharingForm setting/>
                </Loaded>
            </section>
            <section aria-labelledby="contact-retention-heading">
                <h2 id="contact-retention-heading">"Owners' contacts"</h2>
                <p class="lead">
                    "How long a closed case keeps the owner's or finder's name, phone and e-mail. Then Warren erases them from every referral of the case, and the audit log says so."
                </p>
                <Loaded resource=retention label="Loading the retention…" let:setting>
                    <ContactRetentionForm setting/>
                </Loaded>
            </section>
            <section aria-labelledby="acknowledge-times-heading">
                <h2 id="acknowledge-times-heading">"Acknowledge times"</h2>
                <p class="lead">
                    "How long the person alerted for an urgent referral, consult or loan has to acknowledge it before Warren alerts the next person on call, then the organization's admins."
                </p>
                <Loaded resource=acknowledge label="Loading the acknowledge times…" let:setting>
                    <AcknowledgeTimesForm setting/>
                </Loaded>
            </section>
        </div>
    }
}

/// The five times, editable by network admins.
#[component]
fn AnswerTimesForm(setting: AnswerTimesSetting) -> impl IntoView {
    let session = use_session();
    let editable = session.is_network_admin();
    let errors = FieldErrors::new();
    let notice = RwSignal::new(None::<String>);
    let updated_at = RwSignal::new(setting.updated_at);
    let minutes: Vec<(Tier, RwSignal<String>)> = Tier::ALL
        .into_iter()
        .map(|tier| {
            (
                tier,
                RwSignal::new(setting.answer_times.minutes(tier).to_string()),
            )
        })
        .collect();
    let values = StoredValue::new(minutes.clone());
    let radius = RwSignal::new(setting.answer_times.escalation_radius_km.to_string());
    let radius_error = errors.of("escalation_radius_km");
    let save = Action::new_local(move |times: &AnswerTimes| {
        let times = *times;
        async move {
            let saved = session.api().set_answer_times(&times).await;
            match &saved {
                Ok(setting) => {
                    updated_at.set(setting.updated_at);
                    notice.set(Some("Answer times saved.".to_owned()));
                }
                Err(error) => {
                    errors.absorb(error);
                    reveal_problem();
                }
            }
            saved.map(|_| ())
        }
    });
    let pending = save.pending();
    let failure = Signal::derive(move || {
        save.value()
            .get()
            .and_then(Result::err)
            .filter(|error| error.status() != Some(422))
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        notice.set(None);
        let mut read = [0_u32; 5];
        values.with_value(|values| {
            for (index, (tier, value)) in values.iter().enumerate() {
                match value.get_untracked().trim().parse::<u32>() {
                    Ok(minutes) if (1..=MAX_ANSWER_MINUTES).contains(&minutes) => {
                        read[index] = minutes
                    }
                    _ => errors.add(
                        field(*tier),
                        format!("must be between 1 and {MAX_ANSWER_MINUTES} minutes"),
                    ),
                }
            }
        });
        let radius_km = match radius.get_untracked().trim().parse::<u32>() {
            Ok(km) if ESCALATION_RADIUS_KM.contains(&km) => km,
            _ => {
                errors.add("escalation_radius_km", "must be between 5 and 500 km");
                0
            }
        };
        if !errors.is_empty() {
            reveal_problem();
            return;
        }
        save.dispatch(AnswerTimes {
            immediate: read[0],
            very_urgent: read[1],
            urgent: read[2],
            standard: read[3],
            non_urgent: read[4],
            escalation_radius_km: radius_km,
        });
    };
    view! {
        <SuccessNotice message=notice/>
        <ErrorAlert error=failure/>
        <form class="card answer-times" novalidate on:submit=submit>
            <table class="answer-times-table">
                <thead>
                    <tr>
                        <th scope="col">"Tier"</th>
                        <th scope="col">"Minutes to accept"</th>
                    </tr>
                </thead>
                <tbody>
                    {minutes
                        .into_iter()
                        .map(|(tier, value)| {
                            let number = tier.number();
                            let id = format!("answer-{}", field(tier));
                            let error = errors.of(field(tier));
                            view! {
                                <tr>
                                    <th scope="row">
                                        <label for=id.clone()>
                                            <span class="tier-chip" data-tier=number.to_string()>{number}</span>
                                            {tier_name(tier)}
                                        </label>
                                    </th>
                                    <td>
                                        {(!editable).then(|| {
                                            view! {
                                                <span class="minutes" data-testid=format!("minutes-{}", field(tier))>
                                                    {minutes_text(&value.get_untracked())}
                                                </span>
                                            }
                                        })}
                                        <input
                                            hidden=!editable
                                            id=id.clone()
                                            name=field(tier)
                                            type="number"
                                            min="1"
                                            max=MAX_ANSWER_MINUTES.to_string()
                                            inputmode="numeric"
                                            class="minutes-input"
                                            aria-invalid=move || error.get().is_some().then_some("true")
                                            aria-describedby=format!("{id}-error")
                                            bind:value=value
                                        />
                                        {move || error.get().map(|message| view! { <p class="field-error" id=format!("{}-error", id.clone())>{message}</p> })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <p class="escalation-radius">
                <label for="escalation-radius">"Escalate to sites within (km)"</label>
                {(!editable).then(|| {
                    view! {
                        <span class="minutes" data-testid="escalation-radius">
                            {radius.get_untracked()} " km"
                        </span>
                    }
                })}
                <input
                    hidden=!editable
                    id="escalation-radius"
                    name="escalation_radius_km"
                    type="number"
                    min="5"
                    max="500"
                    inputmode="numeric"
                    class="minutes-input"
                    aria-invalid=move || radius_error.get().is_some().then_some("true")
                    aria-describedby="escalation-radius-error escalation-radius-help"
                    bind:value=radius
                />
                <span class="muted small" id="escalation-radius-help">
                    " An unanswered referral goes on to the nearest suitable site within this distance of the referrer; past it, the referrer is told to call around."
                </span>
                {move || radius_error.get().map(|message| view! { <p class="field-error" id="escalation-radius-error">{message}</p> })}
            </p>
            <p class="muted small">
                {move || {
                    match updated_at.get() {
                        None => "Warren's defaults: never changed.".to_owned(),
                        Some(at) => format!("Last changed {}.", local_time::date_time(at)),
                    }
                }}
            </p>
            {if editable {
                view! {
                    <div class="form-actions">
                        <button type="submit" class="button primary" disabled=move || pending.get()>
                            "Save answer times"
                        </button>
                    </div>
                }
                .into_any()
            } else {
                view! { <p class="muted">"Only network admins change the answer times."</p> }.into_any()
            }}
        </form>
    }
}

/// The two acknowledge times (tier 1, and tier 2 with the urgent alerts
/// that have no tier), editable by network admins.
#[component]
fn AcknowledgeTimesForm(setting: AcknowledgeTimesSetting) -> impl IntoView {
    let session = use_session();
    let editable = session.is_network_admin();
    let errors = FieldErrors::new();
    let notice = RwSignal::new(None::<String>);
    let updated_at = RwSignal::new(setting.updated_at);
    let times = setting.acknowledge_times;
    let rows = [
        (
            Tier::Immediate,
            "immediate",
            RwSignal::new(times.immediate.to_string()),
            None,
        ),
        (
            Tier::VeryUrgent,
            "very_urgent",
            RwSignal::new(times.very_urgent.to_string()),
            Some("Also urgent consults, kit needed today and displaced bookings."),
        ),
    ];
    let values = StoredValue::new(rows.map(|(_, field, value, _)| (field, value)));
    let save = Action::new_local(move |times: &AcknowledgeTimes| {
        let times = *times;
        async move {
            let saved = session.api().set_acknowledge_times(&times).await;
            match &saved {
                Ok(setting) => {
                    updated_at.set(setting.updated_at);
                    notice.set(Some("Acknowledge times saved.".to_owned()));
                }
                Err(error) => {
                    errors.absorb(error);
                    reveal_problem();
                }
            }
            saved.map(|_| ())
        }
    });
    let pending = save.pending();
    let failure = Signal::derive(move || {
        save.value()
            .get()
            .and_then(Result::err)
            .filter(|error| error.status() != Some(422))
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        notice.set(None);
        let mut read = [0_u32; 2];
        values.with_value(|values| {
            for (index, (field, value)) in values.iter().enumerate() {
                match value.get_untracked().trim().parse::<u32>() {
                    Ok(minutes) if (1..=120).contains(&minutes) => read[index] = minutes,
                    _ => errors.add(field, "must be between 1 and 120 minutes"),
                }
            }
        });
        if errors.is_empty() && read[1] < read[0] {
            errors.add("very_urgent", "must not be shorter than the tier 1 time");
        }
        if !errors.is_empty() {
            reveal_problem();
            return;
        }
        save.dispatch(AcknowledgeTimes {
            immediate: read[0],
            very_urgent: read[1],
        });
    };
    view! {
        <SuccessNotice message=notice/>
        <ErrorAlert error=failure/>
        <form class="card answer-times" novalidate on:submit=submit data-testid="acknowledge-times">
            <table class="answer-times-table">
                <thead>
                    <tr>
                        <th scope="col">"Tier"</th>
                        <th scope="col">"Minutes to acknowledge"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|(tier, field, value, note)| {
                            let number = tier.number();
                            let id = format!("ack-{field}");
                            let error = errors.of(field);
                            let error_id = format!("{id}-error");
                            view! {
                                <tr>
                                    <th scope="row">
                                        <label for=id.clone()>
                                            <span class="tier-chip" data-tier=number.to_string()>{number}</span>
                                            {tier_name(tier)}
                                        </label>
                                        {note.map(|note| view! { <p class="muted small">{note}</p> })}
                                    </th>
                                    <td>
                                        {(!editable).then(|| {
                                            view! {
                                                <span class="minutes" data-testid=format!("ack-minutes-{field}")>
                                                    {minutes_text(&value.get_untracked())}
                                                </span>
                                            }
                                        })}
                                        <input
                                            hidden=!editable
                                            id=id.clone()
                                            name=field
                                            type="number"
                                            min="1"
                                            max="120"
                                            inputmode="numeric"
                                            class="minutes-input"
                                            aria-invalid=move || error.get().is_some().then_some("true")
                                            aria-describedby=error_id.clone()
                                            bind:value=value
                                        />
                                        {move || error.get().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <p class="muted small">
                {move || {
                    match updated_at.get() {
                        None => "Warren's defaults: never changed.".to_owned(),
                        Some(at) => format!("Last changed {}.", local_time::date_time(at)),
                    }
                }}
            </p>
            {if editable {
                view! {
                    <div class="form-actions">
                        <button type="submit" class="button primary" disabled=move || pending.get()>
                            "Save acknowledge times"
                        </button>
                    </div>
                }
                .into_any()
            } else {
                view! { <p class="muted">"Only network admins change the acknowledge times."</p> }.into_any()
            }}
        </form>
    }
}

/// The network's switch for sharing transport legs, for network admins to
/// turn; everyone else reads it.
#[component]
fn TransportSharingForm(setting: TransportSharingSetting) -> impl IntoView {
    let session = use_session();
    let editable = session.is_network_admin();
    let notice = RwSignal::new(None::<String>);
    let shared = RwSignal::new(setting.share_with_network);
    let save = Action::new_local(move |share: &bool| {
        let request = TransportSharingRequest {
            share_with_network: *share,
        };
        async move {
            let saved = session.api().set_transport_sharing(&request).await;
            if let Ok(setting) = &saved {
                shared.set(setting.share_with_network);
                notice.set(Some(if setting.share_with_network {
                    "Shared legs reach the network's volunteers.".to_owned()
                } else {
                    "Legs reach only the two organizations' members.".to_owned()
                }));
            }
            saved.map(|_| ())
        }
    });
    let pending = save.pending();
    let failure = Signal::derive(move || save.value().get().and_then(Result::err));
    view! {
        <SuccessNotice message=notice/>
        <ErrorAlert error=failure/>
        <div class="card" data-testid="transport-sharing">
            <label class="checkbox" for="share-transport">
                <input
                    id="share-transport"
                    type="checkbox"
                    disabled=move || !editable || pending.get()
                    prop:checked=move || shared.get()
                    on:change=move |event| {
                        notice.set(None);
                        save.dispatch(event_target_checked(&event));
                    }
                />
                <span>"Share transport legs with the network's volunteers (by default for tier 1–3; each referrer decides per leg)"</span>
            </label>
        </div>
    }
}

/// How many days closed cases keep the owner's contact, editable by network
/// admins.
#[component]
fn ContactRetentionForm(setting: ContactRetentionSetting) -> impl IntoView {
    let session = use_session();
    let editable = session.is_network_admin();
    let errors = FieldErrors::new();
    let notice = RwSignal::new(None::<String>);
    let days = RwSignal::new(setting.days.to_string());
    let error = errors.of("days");
    let save = Action::new_local(move |days: &u32| {
        let request = ContactRetentionRequest { days: *days };
        async move {
            let saved = session.api().set_contact_retention(&request).await;
            match &saved {
                Ok(setting) => notice.set(Some(format!(
                    "Closed cases keep the contact for {} days.",
                    setting.days
                ))),
                Err(problem) => errors.absorb(problem),
            }
            saved.map(|_| ())
        }
    });
    let pending = save.pending();
    let failure = Signal::derive(move || {
        save.value()
            .get()
            .and_then(Result::err)
            .filter(|error| error.status() != Some(422))
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        notice.set(None);
        match days.get_untracked().trim().parse::<u32>() {
            Ok(value) if (1..=3650).contains(&value) => {
                save.dispatch(value);
            }
            _ => errors.add("days", "must be between 1 and 3650 days"),
        }
    };
    view! {
        <SuccessNotice message=notice/>
        <ErrorAlert error=failure/>
        <form class="card" novalidate on:submit=submit data-testid="contact-retention">
            <label for="retention-days">"Days after a case closes"</label>
            {(!editable).then(|| view! { <p class="minutes">{setting.days} " days"</p> })}
            <input
                hidden=!editable
                id="retention-days"
                name="days"
                type="number"
                min="1"
                max="3650"
                inputmode="numeric"
                class="minutes-input"
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby="retention-days-error"
                bind:value=days
            />
            {move || error.get().map(|message| view! { <p class="field-error" id="retention-days-error">{message}</p> })}
            {editable.then(|| view! {
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || pending.get()>
                        "Save"
                    </button>
                </div>
            })}
        </form>
    }
}

//! The pieces of a triage result shared by the triage screen, the record
//! page and the history: the big tier block, the tier badge, the first-aid
//! checklist, the answers given and the recommended destinations.
//!
//! The tier block carries `data-testid=tier`, `data-tier` (1–5) and
//! `data-colour`; its colour comes from the tier number, so a protocol that
//! renames a colour cannot make the block unreadable.
//!
//! Nothing here is a live region: a countdown ticks every second and a
//! screen reader would read every tick. The live triage screen announces
//! tier changes and whole minutes through one [`TriageAnnouncer`] instead.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use warren_domain::triage::{Answer, CannotRuleOut, Protocol, TierSpec, Withheld};
use warren_wire::SearchHit;
use wasm_bindgen::JsCast;

use crate::components::HitCard;
use crate::local_time;

/// An answer in words.
pub fn answer_text(answer: Answer) -> &'static str {
    match answer {
        Answer::Yes => "Yes",
        Answer::No => "No",
        Answer::Unknown => "Not sure",
    }
}

/// "first vet contact now", "… within 15 min", "… within 2 hours".
pub fn target_text(minutes: u32) -> String {
    match minutes {
        0 => "first vet contact now".to_owned(),
        60 => "first vet contact within 1 hour".to_owned(),
        minutes if minutes > 60 && minutes % 60 == 0 => {
            format!("first vet contact within {} hours", minutes / 60)
        }
        minutes => format!("first vet contact within {minutes} min"),
    }
}

/// "12:41 left", "overdue by 2:13", or for an immediate case the time since
/// the assessment started.
pub fn countdown_text(target_minutes: u32, started: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let clock = |seconds: i64| {
        let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        if hours > 0 {
            format!("{hours}:{minutes:02}:{seconds:02}")
        } else {
            format!("{minutes}:{seconds:02}")
        }
    };
    let elapsed = (now - started).num_seconds().max(0);
    let left = i64::from(target_minutes) * 60 - elapsed;
    if target_minutes == 0 {
        format!("{} since the start", clock(elapsed))
    } else if left >= 0 {
        format!("{} left", clock(left))
    } else {
        format!("overdue by {}", clock(-left))
    }
}

/// [`countdown_text`] to the minute, for a screen reader: "12 minutes
/// left", "overdue by 3 minutes", "4 minutes since the start".
pub fn countdown_minutes_text(
    target_minutes: u32,
    started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> String {
    let minutes = |seconds: i64| {
        let minutes = seconds / 60;
        if minutes == 1 {
            "1 minute".to_owned()
        } else {
            format!("{minutes} minutes")
        }
    };
    let elapsed = (now - started).num_seconds().max(0);
    let left = i64::from(target_minutes) * 60 - elapsed;
    if target_minutes == 0 {
        format!("{} since the start", minutes(elapsed))
    } else if left >= 0 {
        format!("{} left", minutes(left))
    } else {
        format!("overdue by {}", minutes(-left))
    }
}

/// The time left to the target, as text that [`tick_countdowns`] keeps
/// current: the element carries its start (`data-started`, milliseconds)
/// and target (`data-target`, minutes).
///
/// The countdowns tick from one app-wide timer that rewrites their text
/// rather than through a signal, so a countdown keeps running whatever
/// reactive owner its page was built under, and a tick re-renders nothing.
#[component]
pub fn Countdown(
    /// When the assessment started.
    started: DateTime<Utc>,
    /// Minutes to first vet contact.
    target_minutes: u32,
) -> impl IntoView {
    start_ticking();
    view! {
        <strong
            class="countdown"
            data-testid="countdown"
            data-started=started.timestamp_millis().to_string()
            data-target=target_minutes.to_string()
        >
            {countdown_text(target_minutes, started, local_time::now())}
        </strong>
    }
}

/// Starts the one app-wide timer of the countdowns, once.
fn start_ticking() {
    thread_local! {
        static TICKING: Cell<bool> = const { Cell::new(false) };
    }
    if !TICKING.with(|ticking| ticking.replace(true)) {
        set_interval(tick_countdowns, Duration::from_secs(1));
    }
}

/// Brings the text of every [`Countdown`] on the page up to date, and the
/// minutes of every [`TriageAnnouncer`] — those only when the minute
/// changed, since each change is read aloud.
fn tick_countdowns() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    if let Ok(announcers) = document.query_selector_all("[data-announce-started][data-target]") {
        let now = local_time::now();
        for index in 0..announcers.length() {
            let Some(element) = announcers
                .item(index)
                .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            let attribute = |name: &str| element.get_attribute(name).unwrap_or_default();
            let started = attribute("data-announce-started")
                .parse::<i64>()
                .ok()
                .and_then(DateTime::from_timestamp_millis);
            let target = attribute("data-target").parse::<u32>().ok();
            if let (Some(started), Some(target)) = (started, target) {
                let text = countdown_minutes_text(target, started, now);
                if element.text_content().as_deref() != Some(text.as_str()) {
                    element.set_text_content(Some(&text));
                }
            }
        }
    }
    let Ok(countdowns) = document.query_selector_all("[data-started][data-target]") else {
        return;
    };
    let now = local_time::now();
    for index in 0..countdowns.length() {
        let Some(element) = countdowns
            .item(index)
            .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let attribute = |name: &str| element.get_attribute(name).unwrap_or_default();
        let started = attribute("data-started")
            .parse::<i64>()
            .ok()
            .and_then(DateTime::from_timestamp_millis);
        let target = attribute("data-target").parse::<u32>().ok();
        if let (Some(started), Some(target)) = (started, target) {
            let text = countdown_text(target, started, now);
            // The text node the view made, changed in place.
            match element.first_child() {
                Some(node) => node.set_node_value(Some(&text)),
                None => element.set_text_content(Some(&text)),
            }
        }
    }
}

/// The big block of the tier: number, name, colour, the target and,
/// on the live screen, the countdown.
#[component]
pub fn TierBlock(
    /// The tier as the protocol describes it.
    spec: TierSpec,
    /// The label of the sign that set it, if any.
    fired: Option<String>,
    /// How many unanswered signs could still raise it.
    #[prop(default = 0)]
    to_ask: usize,
    /// When the assessment started, for the countdown on the live screen.
    started: Option<DateTime<Utc>>,
) -> impl IntoView {
    let number = spec.tier.number();
    view! {
        <section
            class="tier-block"
            data-testid="tier"
            data-tier=number.to_string()
            data-colour=spec.colour.clone()
            aria-label=format!("Tier {number}: {}", spec.name)
        >
            <div class="tier-heading">
                <span class="tier-number" aria-hidden="true">{number}</span>
                <span class="tier-name">{spec.name.clone()}</span>
                <span class="tier-colour">{spec.colour.clone()}</span>
            </div>
            <p class="tier-target">
                <span>{target_text(spec.target_minutes)}</span>
                {started
                    .map(|started| {
                        view! {
                            " — "
                            <Countdown started target_minutes=spec.target_minutes/>
                        }
                    })}
            </p>
            <p class="tier-fired">
                {match fired {
                    Some(label) => format!("Because: {label}"),
                    None => "No urgent sign found yet".to_owned(),
                }}
            </p>
            {(to_ask > 0)
                .then(|| {
                    let signs = if to_ask == 1 { "sign" } else { "signs" };
                    view! {
                        <p class="tier-provisional">
                            {format!("Provisional: {to_ask} unanswered {signs} could make it more urgent")}
                        </p>
                    }
                })}
        </section>
    }
}

/// The one live region of the triage screen: it speaks when the tier or
/// what cannot be ruled out changes, and the time left once a minute at
/// most — never the per-second countdown. Visually hidden; carries
/// `data-testid=triage-announcer`.
#[component]
pub fn TriageAnnouncer(
    /// What to say about the tier ("Tier 1, Immediate: …"); spoken when it
    /// changes.
    #[prop(into)]
    tier: Signal<Option<String>>,
    /// When the assessment started and its target minutes, for the minutes.
    #[prop(into)]
    clock: Signal<Option<(DateTime<Utc>, u32)>>,
) -> impl IntoView {
    start_ticking();
    view! {
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="triage-announcer">
            <span>{move || tier.get()}</span>
            " "
            <span
                data-announce-started=move || clock.get().map(|(started, _)| started.timestamp_millis().to_string())
                data-target=move || clock.get().map(|(_, target)| target.to_string())
            >
                {move || {
                    clock.get().map(|(started, target)| countdown_minutes_text(target, started, local_time::now()))
                }}
            </span>
        </div>
    }
}

/// The signs answered "not sure" that would make the case more urgent, at
/// the top of the result and unlike the tier block: "Cannot rule out
/// respiratory distress: treat as tier 1 (Immediate) until ruled out".
/// Carries `data-testid=cannot-rule-out` and each line `data-code`.
#[component]
pub fn CannotRuleOutNotice(
    /// The signs, most urgent first.
    signs: Vec<CannotRuleOut>,
) -> impl IntoView {
    if signs.is_empty() {
        return ().into_any();
    }
    let first = signs[0].tier.tier.number();
    view! {
        <section class="cannot-rule-out" data-testid="cannot-rule-out" data-treat-as=first.to_string()>
            <h2 class="visually-hidden">"Not ruled out"</h2>
            <ul>
                {signs
                    .into_iter()
                    .map(|sign| {
                        let number = sign.tier.tier.number();
                        view! {
                            <li data-code=sign.code.clone()>
                                <span class="tier-chip" data-tier=number.to_string() aria-hidden="true">{number}</span>
                                <strong>{sign.text()}</strong>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

/// Steps the protocol withheld and why: "Withheld: food or water by mouth —
/// because of respiratory distress: risk of aspiration", with the steps
/// left out. Carries `data-testid=withheld`, each item `data-code`.
#[component]
pub fn WithheldList(
    /// What was withheld.
    withheld: Vec<Withheld>,
) -> impl IntoView {
    if withheld.is_empty() {
        return ().into_any();
    }
    view! {
        <div class="withheld" data-testid="withheld">
            <h3>"Withheld"</h3>
            <ul>
                {withheld
                    .into_iter()
                    .map(|withheld| {
                        view! {
                            <li data-code=withheld.code.clone()>
                                <p class="withheld-why">{withheld.text()}</p>
                                <ul class="withheld-steps">
                                    {withheld
                                        .steps
                                        .iter()
                                        .map(|step| view! { <li>"Not now: " <s>{step.clone()}</s></li> })
                                        .collect_view()}
                                </ul>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
    .into_any()
}

/// A tier as a small coloured badge, for lists.
#[component]
pub fn TierBadge(
    /// The tier.
    spec: TierSpec,
) -> impl IntoView {
    let number = spec.tier.number();
    view! {
        <span class="tier-badge" data-tier=number.to_string() data-colour=spec.colour>
            {format!("{number} · {}", spec.name)}
        </span>
    }
}

/// Steps as a check-list; ticking is for the person doing them and is not
/// recorded. Each item has `data-testid=intervention`.
#[component]
pub fn Checklist(
    /// Its heading.
    title: &'static str,
    /// The steps, most urgent first.
    steps: Vec<String>,
    /// The steps ticked so far (kept while the answers change).
    #[prop(optional)]
    done: Option<RwSignal<Vec<String>>>,
) -> impl IntoView {
    if steps.is_empty() {
        return ().into_any();
    }
    let done = done.unwrap_or_else(|| RwSignal::new(Vec::new()));
    view! {
        <div class="checklist">
            <h3>{title}</h3>
            <ul>
                {steps
                    .into_iter()
                    .map(|step| {
                        let checked = step.clone();
                        let changed = step.clone();
                        view! {
                            <li data-testid="intervention">
                                <label>
                                    <input
                                        type="checkbox"
                                        prop:checked=move || done.with(|done| done.contains(&checked))
                                        on:change=move |event| {
                                            let on = event_target_checked(&event);
                                            done.update(|done| {
                                                done.retain(|item| *item != changed);
                                                if on {
                                                    done.push(changed.clone());
                                                }
                                            });
                                        }
                                    />
                                    <span>{step}</span>
                                </label>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
    .into_any()
}

/// The answers given, in the protocol's order when it is known, each with
/// `data-testid=answer`.
#[component]
pub fn AnswerList(
    /// The answers by sign code.
    answers: BTreeMap<String, Answer>,
    /// The protocol they answered, for the signs' labels.
    protocol: Option<Protocol>,
) -> impl IntoView {
    let mut rows: Vec<(String, Answer)> = Vec::new();
    if let Some(protocol) = &protocol {
        for sign in &protocol.discriminators {
            if let Some(answer) = answers.get(&sign.code) {
                rows.push((sign.label.clone(), *answer));
            }
        }
    }
    for (code, answer) in &answers {
        let known = protocol
            .as_ref()
            .is_some_and(|protocol| protocol.discriminators.iter().any(|d| &d.code == code));
        if !known {
            rows.push((code.clone(), *answer));
        }
    }
    if rows.is_empty() {
        return view! { <p class="empty">"No question was answered."</p> }.into_any();
    }
    view! {
        <ul class="answers">
            {rows
                .into_iter()
                .map(|(label, answer)| {
                    let value = match answer {
                        Answer::Yes => "yes",
                        Answer::No => "no",
                        Answer::Unknown => "unknown",
                    };
                    view! {
                        <li data-testid="answer" data-answer=value>
                            <span>{label}</span>
                            <strong class=format!("answer answer-{value}")>{answer_text(answer)}</strong>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// Where to send the animal: the directory's result cards, each with
/// `data-testid=destination`.
#[component]
pub fn DestinationList(
    /// The sites, nearest suitable first.
    destinations: Vec<SearchHit>,
    /// When their availability was checked.
    at: DateTime<Utc>,
) -> impl IntoView {
    if destinations.is_empty() {
        return view! {
            <p class="empty" data-testid="no-destination">
                "No site open now has everything this case needs. Call the network line, or widen the search in the directory."
            </p>
        }
        .into_any();
    }
    view! {
        <ol class="hits destinations">
            {destinations
                .into_iter()
                .map(|hit| view! { <HitCard hit at testid="destination"/> })
                .collect_view()}
        </ol>
    }
    .into_any()
}

//! The pieces of a directory listing shared by the search results, the site
//! page and the organization's site list: the availability badge, capacity
//! and verification badges, the reasons a site matched, the call button and
//! the week of opening hours, and a site as a search result.
//!
//! Every badge carries a `data-` attribute with its machine value
//! (`data-state`, `data-capacity`, `data-verified`) for tests and styling.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use leptos::prelude::*;
use warren_domain::directory::hours::DayHours;
use warren_domain::directory::{Availability, CapacityStatus, Reason, ReasonKind};
use warren_wire::SearchHit;

use crate::local_time;

/// The `data-state` of an availability: `open`, `covered`, `closed`,
/// `unknown`.
pub fn availability_state(availability: &Availability) -> &'static str {
    match availability {
        Availability::Open { .. } => "open",
        Availability::Covered { .. } => "covered",
        Availability::Closed { .. } => "closed",
        Availability::Unknown => "unknown",
    }
}

/// Whether a site takes cases at `at`, as a big coloured block: "Open until
/// 19:00", "Covered by X", "Closed, opens Mon 08:00", "Hours unknown".
#[component]
pub fn AvailabilityBadge(
    /// What the directory says.
    availability: Availability,
    /// The instant it was checked for; times within a day of it show as a
    /// time, further ones with their weekday.
    at: DateTime<Utc>,
) -> impl IntoView {
    let state = availability_state(&availability);
    let (word, detail) = match availability {
        Availability::Open { until: Some(until) } => (
            "Open".to_owned(),
            format!("until {}", local_time::soon(until, at)),
        ),
        Availability::Open { until: None } => ("Open".to_owned(), "24 hours".to_owned()),
        Availability::Covered { name, until, .. } => (
            "Covered".to_owned(),
            match until {
                Some(until) => format!("by {name} until {}", local_time::soon(until, at)),
                None => format!("by {name}"),
            },
        ),
        Availability::Closed {
            opens_at: Some(opens_at),
        } => (
            "Closed".to_owned(),
            format!("opens {}", local_time::soon(opens_at, at)),
        ),
        Availability::Closed { opens_at: None } => ("Closed".to_owned(), String::new()),
        Availability::Unknown => ("Hours unknown".to_owned(), "call to check".to_owned()),
    };
    view! {
        <div class=format!("availability availability-{state}") data-state=state>
            <span class="availability-word">{word}</span>
            {(!detail.is_empty()).then(|| view! { <span class="availability-detail">{detail}</span> })}
        </div>
    }
}

/// A site's declared capacity as a badge.
#[component]
pub fn CapacityBadge(
    /// The capacity as read now.
    status: CapacityStatus,
) -> impl IntoView {
    let (class, value, text) = match status {
        CapacityStatus::Normal => ("badge badge-vetted", "normal", "Space available"),
        CapacityStatus::Full => ("badge badge-applied", "full", "Full"),
        CapacityStatus::Closed => ("badge badge-suspended", "closed", "Not taking patients"),
        CapacityStatus::Unknown => ("badge badge-muted", "unknown", "Capacity not confirmed"),
    };
    view! {
        <span class=class data-capacity=value>
            {text}
        </span>
    }
}

/// "Verified 12 Mar 2026", or a visible "Unverified" warning.
#[component]
pub fn VerifiedBadge(
    /// Whether the listing is verified and not overdue for audit.
    verified: bool,
    /// When a coordinator last verified it.
    assured_at: Option<DateTime<Utc>>,
    /// Why it is unverified, e.g. "never audited".
    #[prop(optional, into)]
    why: Option<String>,
) -> impl IntoView {
    match assured_at.filter(|_| verified) {
        Some(assured_at) => view! {
            <span class="badge badge-vetted" data-verified="true">
                "✓ Verified " {local_time::date(assured_at)}
            </span>
        }
        .into_any(),
        None => view! {
            <span class="badge badge-unverified" data-verified="false" title=why>
                "⚠ Unverified"
            </span>
        }
        .into_any(),
    }
}

/// A phone number as a big tap-to-call button.
#[component]
pub fn CallLink(
    /// The number as listed.
    phone: String,
    /// The words before the number.
    #[prop(default = "Call")]
    label: &'static str,
) -> impl IntoView {
    let dial: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    view! {
        <a class="button primary call" href=format!("tel:{dial}") data-testid="call">
            <span class="call-label">{label}</span>
            <span class="call-number">{phone}</span>
        </a>
    }
}

/// The CSS class of a reason's chip.
fn reason_class(kind: ReasonKind) -> &'static str {
    match kind {
        ReasonKind::Open | ReasonKind::Covered | ReasonKind::CoveringFor => "reason reason-good",
        ReasonKind::Closed | ReasonKind::HoursUnknown => "reason reason-warn",
        ReasonKind::Capability | ReasonKind::Species | ReasonKind::Text => "reason reason-match",
        ReasonKind::Capacity | ReasonKind::Distance => "reason",
        ReasonKind::Verification | ReasonKind::Limitation => "reason reason-caution",
    }
}

/// The reasons a site matched, each as a chip, most important first.
#[component]
pub fn ReasonChips(
    /// The reasons, as the search gave them.
    reasons: Vec<Reason>,
) -> impl IntoView {
    view! {
        <ul class="reasons" aria-label="Why it matches">
            {reasons
                .into_iter()
                .map(|reason| {
                    view! {
                        <li class=reason_class(reason.kind) data-testid="reason">
                            {reason.text}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// "Mon 24 Nov". Written out rather than with `chrono`'s `format`, whose
/// strftime machinery would add its weight to the app for three words.
fn day_name(date: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    format!(
        "{} {} {}",
        DAYS[date.weekday().num_days_from_monday() as usize],
        date.day(),
        MONTHS[date.month0() as usize]
    )
}

/// Seven days of opening hours as a table, public holidays marked and
/// `today` highlighted.
#[component]
pub fn WeekHours(
    /// The days, in order.
    week: Vec<DayHours>,
    /// The current local date of the site, if known.
    #[prop(optional)]
    today: Option<NaiveDate>,
) -> impl IntoView {
    view! {
        <table class="week-hours" data-testid="week-hours">
            <caption class="visually-hidden">"Opening hours for the next seven days"</caption>
            <tbody>
                {week
                    .into_iter()
                    .map(|day| {
                        let is_today = today == Some(day.date);
                        let hours = if day.intervals.is_empty() {
                            view! { <span class="muted">"Closed"</span> }.into_any()
                        } else {
                            day.intervals
                                .iter()
                                .map(|interval| {
                                    let text = if interval.start == "00:00" && interval.end == "24:00" {
                                        "24 hours".to_owned()
                                    } else {
                                        format!("{}–{}", interval.start, interval.end)
                                    };
                                    view! {
                                        <span class="interval" class:unknown=interval.unknown>
                                            {text}
                                            {interval.unknown.then_some(" (call first)")}
                                        </span>
                                    }
                                })
                                .collect_view()
                                .into_any()
                        };
                        view! {
                            <tr class:today=is_today data-date=day.date.to_string()>
                                <th scope="row">
                                    {day_name(day.date)}
                                    {is_today.then_some(view! { <span class="muted">" (today)"</span> })}
                                </th>
                                <td>
                                    {hours}
                                    {day
                                        .public_holiday
                                        .then_some(view! {
                                            <span class="badge badge-applied holiday" data-testid="public-holiday">
                                                "Public holiday"
                                            </span>
                                        })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// One site in the results: availability badge, name, reasons, distance,
/// verification and the number to call.
#[component]
pub fn HitCard(
    /// The site as the search found it.
    hit: SearchHit,
    /// The instant its availability was checked for.
    at: DateTime<Utc>,
    /// Its `data-testid`.
    #[prop(default = "search-hit")]
    testid: &'static str,
) -> impl IntoView {
    let href = format!("/sites/{}", hit.site_id);
    let state = availability_state(&hit.availability);
    let mut chips = Vec::new();
    let mut distance = None;
    let mut unverified_why = None;
    for reason in hit.reasons {
        match reason.kind {
            ReasonKind::Distance => distance = Some(reason.text),
            ReasonKind::Verification => unverified_why = Some(reason.text),
            _ => chips.push(reason),
        }
    }
    let call_label = if matches!(hit.availability, Availability::Covered { .. }) {
        "Call cover"
    } else {
        "Call"
    };
    view! {
        <li class="hit card" data-testid=testid data-site-id=hit.site_id.to_string() data-state=state>
            <AvailabilityBadge availability=hit.availability at/>
            <div class="hit-main">
                <h3 class="hit-name">
                    <a href=href.clone() data-testid="site-link">{hit.name}</a>
                </h3>
                <p class="hit-org">
                    <span data-testid="organization-name">{hit.organization_name}</span>
                    <span class="muted">" · " {hit.organization_kind.label()}</span>
                </p>
                <p class="muted hit-address">{format!("{}, {} {}", hit.address, hit.town, hit.postcode)}</p>
                <ReasonChips reasons=chips/>
            </div>
            <div class="hit-side">
                {distance.map(|distance| view! { <p class="distance" data-testid="distance">{distance}</p> })}
                <VerifiedBadge verified=hit.verified assured_at=hit.assured_at why=unverified_why.unwrap_or_default()/>
                {hit.phone.map(|phone| view! { <CallLink phone label=call_label/> })}
                <a class="button secondary small" href=href>
                    "Details"
                </a>
            </div>
        </li>
    }
}

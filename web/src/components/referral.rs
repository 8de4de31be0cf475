//! The pieces of a referral shared by the board, the form and the detail
//! page: the priority, status and transport badges, the live countdown to
//! the answer time, the live-stream indicator, species labels, and the
//! "Refer" links of an assessment.
//!
//! Badges carry their machine value (`data-tier`, `data-status`,
//! `data-business-status`) for tests and styling.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;
use uuid::Uuid;
use warren_domain::directory::taxonomy::Taxonomy;
use warren_domain::referral::{BusinessStatus, ReferralStatus};
use warren_domain::triage::Tier;
use warren_wire::{Referral, SearchHit};
use wasm_bindgen::JsCast;

use crate::components::referral_stream::{ReferralStream, StreamState};
use crate::local_time;
use crate::offline::{TAXONOMY_KEY, read_through};
use crate::session::Session;

/// A tier's name as the network's protocol ships it.
pub fn tier_name(tier: Tier) -> &'static str {
    match tier {
        Tier::Immediate => "Immediate",
        Tier::VeryUrgent => "Very urgent",
        Tier::Urgent => "Urgent",
        Tier::Standard => "Standard",
        Tier::NonUrgent => "Non-urgent",
    }
}

/// The patient as a title: its name, else the species.
pub fn patient_title(referral: &Referral, species: &str) -> String {
    referral
        .patient
        .name
        .as_ref()
        .map_or_else(|| species.to_owned(), ToString::to_string)
}

/// The species labels ([`term_labels`]) as a future that asks once and that every reload of a
/// page's list can await: keep it in the page (a `StoredValue`) and clone it into each call.
///
/// A plain shared future rather than a resource, because a resource must not be awaited inside
/// another one: the other can still be waiting when the page closes and disposes of the first,
/// and awaiting a disposed resource stops the app.
pub fn shared_term_labels(session: Session) -> SharedLabels {
    term_labels(session).boxed_local().shared()
}

/// See [`shared_term_labels`].
pub type SharedLabels = Shared<LocalBoxFuture<'static, BTreeMap<String, String>>>;

/// Species and capability labels by code, read through the device's copy
/// of the taxonomy; empty when it cannot be read (codes are shown then).
pub async fn term_labels(session: Session) -> BTreeMap<String, String> {
    read_through(TAXONOMY_KEY, async move { session.api().taxonomy().await })
        .await
        .map(|cached| {
            cached
                .value
                .items
                .into_iter()
                .filter(|term| matches!(term.taxonomy, Taxonomy::Species | Taxonomy::Capability))
                .map(|term| (term.code.to_string(), term.label))
                .collect()
        })
        .unwrap_or_default()
}

/// The label of `code` in `labels`, or the code itself.
pub fn label_of(labels: &BTreeMap<String, String>, code: &str) -> String {
    labels.get(code).cloned().unwrap_or_else(|| code.to_owned())
}

/// A referral's priority as a badge in its tier colour: "1 · Immediate".
#[component]
pub fn PriorityBadge(
    /// The tier.
    tier: Tier,
) -> impl IntoView {
    let number = tier.number();
    view! {
        <span class="tier-badge" data-tier=number.to_string() data-testid="priority">
            {format!("{number} · {}", tier_name(tier))}
        </span>
    }
}

/// The badge class of a status: amber while someone must act, green once
/// taken on, red when it did not happen, grey when over.
fn status_class(status: ReferralStatus) -> &'static str {
    match status {
        ReferralStatus::Requested | ReferralStatus::Received | ReferralStatus::OnHold => {
            "badge badge-applied"
        }
        ReferralStatus::Accepted | ReferralStatus::InProgress => "badge badge-vetted",
        ReferralStatus::Completed => "badge badge-done",
        ReferralStatus::Rejected | ReferralStatus::Failed => "badge badge-suspended",
        ReferralStatus::Draft | ReferralStatus::Cancelled | ReferralStatus::EnteredInError => {
            "badge badge-muted"
        }
    }
}

/// Where a referral stands, as a badge.
#[component]
pub fn ReferralStatusBadge(
    /// The status.
    status: ReferralStatus,
) -> impl IntoView {
    view! {
        <span class=status_class(status) data-testid="status" data-status=status.as_str()>
            {status.label()}
        </span>
    }
}

/// The transport step, as a blue badge.
#[component]
pub fn BusinessStatusBadge(
    /// The step.
    status: BusinessStatus,
) -> impl IntoView {
    view! {
        <span class="badge badge-transport" data-testid="business-status" data-business-status=status.as_str()>
            {status.label()}
        </span>
    }
}

/// "4:59 left to answer" or "Overdue by 1:02", and whether it is overdue.
pub fn due_text(due: DateTime<Utc>, now: DateTime<Utc>) -> (String, bool) {
    let clock = |seconds: i64| {
        let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        if hours > 0 {
            format!("{hours}:{minutes:02}:{seconds:02}")
        } else {
            format!("{minutes}:{seconds:02}")
        }
    };
    let left = (due - now).num_seconds();
    if left >= 0 {
        (format!("{} left to answer", clock(left)), false)
    } else {
        (format!("Overdue by {}", clock(-left)), true)
    }
}

/// The time left for the receiver to answer, ticking; red once overdue
/// (`data-overdue`). The element carries its due time (`data-due`,
/// milliseconds).
///
/// Like the triage countdown, every one ticks from one app-wide timer that
/// rewrites its text, so a tick re-renders nothing.
#[component]
pub fn DueCountdown(
    /// When the receiver must have answered.
    due: DateTime<Utc>,
) -> impl IntoView {
    thread_local! {
        static TICKING: Cell<bool> = const { Cell::new(false) };
    }
    if !TICKING.with(|ticking| ticking.replace(true)) {
        set_interval(tick_due_countdowns, Duration::from_secs(1));
    }
    let (text, overdue) = due_text(due, local_time::now());
    view! {
        <strong
            class="due-countdown"
            data-testid="due"
            data-due=due.timestamp_millis().to_string()
            data-overdue=overdue.to_string()
            title=format!("Answer due {}", local_time::date_time(due))
        >
            {text}
        </strong>
    }
}

/// Brings every [`DueCountdown`] on the page up to date.
fn tick_due_countdowns() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let Ok(countdowns) = document.query_selector_all("[data-due]") else {
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
        let Some(due) = element
            .get_attribute("data-due")
            .and_then(|millis| millis.parse::<i64>().ok())
            .and_then(DateTime::from_timestamp_millis)
        else {
            continue;
        };
        let (text, overdue) = due_text(due, now);
        match element.first_child() {
            Some(node) => node.set_node_value(Some(&text)),
            None => element.set_text_content(Some(&text)),
        }
        // Setting an attribute on an element in the page does not fail.
        let _ = element.set_attribute("data-overdue", &overdue.to_string());
    }
}

/// "● Live" while the stream is open, "Reconnecting…" otherwise.
#[component]
pub fn LiveIndicator(
    /// The stream.
    stream: ReferralStream,
) -> impl IntoView {
    let live = move || stream.state() == StreamState::Live;
    view! {
        <span
            class="live"
            class:live-on=live
            data-testid="live"
            data-state=move || if live() { "live" } else { "connecting" }
            role="status"
        >
            <span class="live-dot" aria-hidden="true"></span>
            {move || if live() { "Live" } else { "Connecting…" }}
        </span>
    }
}

/// The address of the referral form carrying `assessment` over, with
/// `site` as a receiver if given.
pub fn refer_href(assessment: Uuid, site: Option<Uuid>) -> String {
    match site {
        Some(site) => format!("/referrals/new?assessment={assessment}&to={site}"),
        None => format!("/referrals/new?assessment={assessment}"),
    }
}

/// One "Refer to …" link per recommended destination of an assessment;
/// each has `data-testid=refer-to` and `data-site-id`.
#[component]
pub fn ReferLinks(
    /// The assessment.
    assessment: Uuid,
    /// Its recommended destinations.
    destinations: Vec<SearchHit>,
) -> impl IntoView {
    if destinations.is_empty() {
        return ().into_any();
    }
    view! {
        <div class="refer-links">
            <h3>"Refer this patient"</h3>
            <p class="muted small">"The referral form opens filled in from this assessment."</p>
            <ul class="refer-list">
                {destinations
                    .into_iter()
                    .map(|hit| {
                        view! {
                            <li>
                                <a
                                    class="button secondary small"
                                    data-testid="refer-to"
                                    data-site-id=hit.site_id.to_string()
                                    href=refer_href(assessment, Some(hit.site_id))
                                >
                                    "Refer to "
                                    {hit.name}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
    .into_any()
}

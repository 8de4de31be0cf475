//! The signed-in person's alerts as every page sees them: the unread count
//! in the top bar, the red banner of an urgent alert nobody has
//! acknowledged yet, and the alarm an urgent alert rings.
//!
//! [`LiveAlerts`] reads the summary (and the urgent alerts waiting) when
//! someone signs in, on every `alert` event of the tab's one live stream
//! ([`crate::components::ReferralStream`]) and after the person changed
//! something ([`LiveAlerts::refresh`]). A new urgent alert rings
//! [`crate::alarm`]: a notification, when the person allowed them, and a
//! beep.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};
use uuid::Uuid;
use warren_client::ClientError;
use warren_wire::{Acknowledgement, Alert, AlertFilter, AlertQuery, AlertSummary, ChainState};

use crate::alarm;
use crate::components::{ReferralStream, use_referral_stream};
use crate::local_time;
use crate::session::{Session, SessionState, use_session};

/// How many waiting urgent alerts the banner reads.
const WAITING_LIMIT: u32 = 20;

/// The person's alert counts and waiting urgent alerts, provided by the
/// layout; cheap to copy.
#[derive(Clone, Copy)]
pub struct LiveAlerts {
    session: Session,
    stream: ReferralStream,
    summary: RwSignal<Option<AlertSummary>>,
    waiting: RwSignal<Vec<Alert>>,
    refreshes: RwSignal<u64>,
    reads: StoredValue<u64>,
}

/// The alerts provided by the layout.
///
/// # Panics
///
/// Outside the layout.
pub fn use_live_alerts() -> LiveAlerts {
    use_context::<LiveAlerts>().expect("the layout provides the live alerts")
}

impl LiveAlerts {
    /// Starts following the signed-in person's alerts and provides them as
    /// context. Call inside the router: a click on a notification opens
    /// the inbox.
    pub fn provide() -> Self {
        let session = use_session();
        let stream = use_referral_stream();
        let navigate = use_navigate();
        let alerts = Self {
            session,
            stream,
            summary: RwSignal::new(None),
            waiting: RwSignal::new(Vec::new()),
            refreshes: RwSignal::new(0),
            reads: StoredValue::new(0),
        };
        provide_context(alerts);
        let person = Memo::new(move |_| {
            if session.state() != SessionState::SignedIn {
                return None;
            }
            session.me().and_then(|me| me.user).map(|user| user.id)
        });
        Effect::new(move |_| {
            let person = person.get();
            alerts.generation();
            match person {
                Some(_) => spawn_local(alerts.read()),
                None => {
                    alerts.summary.set(None);
                    alerts.waiting.set(Vec::new());
                }
            }
        });
        // Rings once per urgent alert the stream announces, never for the
        // alerts already there when the page opened.
        Effect::new(move |_| {
            let urgent: Vec<Uuid> = stream
                .alerts()
                .notices
                .iter()
                .filter(|notice| notice.urgent)
                .map(|notice| notice.id)
                .collect();
            if urgent.is_empty() || person.get_untracked().is_none() {
                return;
            }
            let navigate = navigate.clone();
            spawn_local(async move {
                let waiting = session
                    .api()
                    .my_alerts(&waiting_query())
                    .await
                    .map(|page| page.items)
                    .unwrap_or_default();
                for id in urgent {
                    if !alarm::claim(&id.to_string()) {
                        continue;
                    }
                    let alert = waiting.iter().find(|alert| alert.id == id);
                    let (title, body) = alert.map_or_else(
                        || {
                            (
                                "Urgent alert".to_owned(),
                                "Open Warren to acknowledge it.".to_owned(),
                            )
                        },
                        |alert| (alert.title.clone(), alert.body.clone()),
                    );
                    let navigate = navigate.clone();
                    alarm::notify(&id.to_string(), &title, &body, move || {
                        navigate("/inbox?state=unacknowledged", NavigateOptions::default());
                    });
                    alarm::beep();
                }
            });
        });
        alerts
    }

    /// Counts every change of the person's alerts (reactive): read it in a
    /// resource to fetch again on every change.
    pub fn generation(&self) -> u64 {
        self.stream.alerts().generation + self.refreshes.get()
    }

    /// Unread alerts and urgent ones waiting (reactive); `None` until read.
    pub fn summary(&self) -> Option<AlertSummary> {
        self.summary.get()
    }

    /// The urgent alerts nobody has acknowledged yet, newest first
    /// (reactive).
    pub fn waiting(&self) -> Vec<Alert> {
        self.waiting.get()
    }

    /// Reads everything again, after the person changed something.
    pub fn refresh(&self) {
        self.refreshes.update(|count| *count += 1);
    }

    /// Acknowledges the urgent alert `id` ("I am on it"), then reads the
    /// alerts again.
    pub async fn acknowledge(self, id: Uuid) -> Result<Acknowledgement, ClientError> {
        let answer = self.session.api().acknowledge_alert(id).await;
        self.refresh();
        answer
    }

    /// Reads the summary and, when urgent alerts wait, which; an answer
    /// overtaken by a later read is dropped.
    async fn read(self) {
        let Some(read) = self.reads.try_update_value(|reads| {
            *reads += 1;
            *reads
        }) else {
            return;
        };
        let summary = self.session.api().my_alert_summary().await;
        let Ok(summary) = summary else {
            return;
        };
        let waiting = if summary.awaiting_acknowledgement > 0 {
            self.session
                .api()
                .my_alerts(&waiting_query())
                .await
                .map(|page| page.items)
                .ok()
        } else {
            Some(Vec::new())
        };
        if self.reads.try_get_value() != Some(read) {
            return;
        }
        self.summary.try_set(Some(summary));
        if let Some(waiting) = waiting {
            self.waiting.try_set(waiting);
        }
    }
}

/// The urgent alerts waiting for an acknowledgement.
fn waiting_query() -> AlertQuery {
    AlertQuery {
        state: Some(AlertFilter::Unacknowledged),
        urgent: Some(true),
        limit: Some(WAITING_LIMIT),
        ..AlertQuery::default()
    }
}

/// Where an urgent alert's chain stands, as a word for `data-chain`:
/// `acknowledged`, `closed`, `unacknowledged` (it reached its end with
/// nobody acknowledging) or `waiting`.
pub fn chain_state(chain: &ChainState) -> &'static str {
    if chain.acknowledged_at.is_some() {
        "acknowledged"
    } else if chain.closed_at.is_some() {
        "closed"
    } else if chain.exhausted_at.is_some() {
        "unacknowledged"
    } else {
        "waiting"
    }
}

/// Whether someone can still acknowledge the chain: nobody has, and its
/// subject still needs it (a chain that reached its end can still be
/// acknowledged late).
pub fn acknowledgeable(chain: &ChainState) -> bool {
    chain.acknowledged_at.is_none() && chain.closed_at.is_none()
}

/// A local time of day for today, else the date and time.
pub fn when_text(at: DateTime<Utc>) -> String {
    if local_time::date(at) == local_time::date(local_time::now()) {
        local_time::time(at)
    } else {
        local_time::date_time(at)
    }
}

/// Where the chain stands, in a sentence: "Acknowledged by Dr Lee from the
/// e-mail link, 02:06."
pub fn chain_text(chain: &ChainState) -> String {
    let steps = match chain.steps {
        1 => "the first person on call was alerted".to_owned(),
        steps => format!("{steps} steps of the chain alerted"),
    };
    if let Some(at) = chain.acknowledged_at {
        let by = chain.acknowledged_by.as_deref().unwrap_or("someone");
        let via = chain
            .acknowledged_via
            .map(|via| format!(" {}", via.label()))
            .unwrap_or_default();
        format!("Acknowledged by {by}{via}, {}.", when_text(at))
    } else if let Some(at) = chain.closed_at {
        match &chain.closed_reason {
            Some(reason) => format!(
                "No longer needs an answer ({reason}): alerts stopped {}.",
                when_text(at)
            ),
            None => format!(
                "No longer needs an answer: alerts stopped {}.",
                when_text(at)
            ),
        }
    } else if let Some(at) = chain.exhausted_at {
        format!(
            "Nobody acknowledged: everyone on call and the admins were alerted ({}, {steps}).",
            when_text(at)
        )
    } else {
        format!("Waiting for someone to acknowledge: {steps}.")
    }
}

/// "Alerts" in the top bar with the unread count, red while an urgent
/// alert waits for an acknowledgement.
#[component]
pub fn AlertsLink() -> impl IntoView {
    let alerts = use_live_alerts();
    let unread = move || alerts.summary().map_or(0, |summary| summary.unread);
    let urgent = move || {
        alerts
            .summary()
            .is_some_and(|summary| summary.awaiting_acknowledgement > 0)
    };
    let label = move || match (unread(), urgent()) {
        (0, false) => "Alerts, none unread".to_owned(),
        (count, false) => format!("Alerts, {count} unread"),
        (count, true) => format!("Alerts, {count} unread, urgent alert waiting"),
    };
    let location = use_location();
    let here = move || {
        location
            .pathname
            .with(|path| path == "/inbox")
            .then_some("page")
    };
    view! {
        <a
            href="/inbox"
            title="Alerts"
            class="alerts-link"
            class:urgent=urgent
            aria-label=label
            aria-current=here
            data-testid="alerts-link"
            data-unread=move || unread().to_string()
            data-urgent=move || urgent().to_string()
        >
            <svg class="bell" viewBox="0 0 24 24" aria-hidden="true">
                <path d="M12 3a6 6 0 0 0-6 6v3.6L4.3 16a1 1 0 0 0 .9 1.5h13.6a1 1 0 0 0 .9-1.5L18 12.6V9a6 6 0 0 0-6-6Zm-2.5 16a2.5 2.5 0 0 0 5 0Z"></path>
            </svg>
            <span class="alerts-word">"Alerts"</span>
            <Show when=move || { unread() > 0 }>
                <span class="alert-count" data-testid="alert-count">{unread}</span>
            </Show>
        </a>
    }
}

/// The newest urgent alert nobody has acknowledged, on every page but the
/// inbox, with the button that acknowledges it.
#[component]
pub fn UrgentBanner() -> impl IntoView {
    let alerts = use_live_alerts();
    let location = use_location();
    let acknowledge = Action::new_local(move |id: &Uuid| alerts.acknowledge(*id));
    let error = Signal::derive(move || {
        acknowledge
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| error.message())
    });
    let shown = move || {
        let on_inbox = location.pathname.with(|path| path == "/inbox");
        let waiting = alerts.waiting();
        let first = waiting.first().cloned().filter(|_| !on_inbox)?;
        let others = waiting.len() - 1;
        let id = first.id;
        Some(view! {
            <div class="urgent-banner" role="alert" data-testid="urgent-banner" data-alert-id=id.to_string()>
                <div class="urgent-banner-inner">
                    <p class="urgent-banner-text">
                        <strong>"Urgent: "</strong>
                        <a href=first.link.clone()>{first.title.clone()}</a>
                        <span class="urgent-banner-time">" · " {when_text(first.created_at)}</span>
                        {(others > 0)
                            .then(|| {
                                view! {
                                    " · "
                                    <a href="/inbox?state=unacknowledged">
                                        {format!("{others} more waiting")}
                                    </a>
                                }
                            })}
                    </p>
                    {move || error.get().map(|error| view! { <p class="urgent-banner-error">{error}</p> })}
                    <button
                        type="button"
                        class="button small urgent-button"
                        data-testid="banner-acknowledge"
                        disabled=move || acknowledge.pending().get()
                        on:click=move |_| {
                            acknowledge.dispatch(id);
                        }
                    >
                        "Acknowledge"
                    </button>
                </div>
            </div>
        })
    };
    view! { {shown} }
}

//! Live events: referral events, published after each change and streamed
//! to the organizations in the referral as server-sent events; alert
//! notices, streamed to their recipient; and word that mail was queued,
//! which wakes the mail sender.
//!
//! On PostgreSQL every event goes through `NOTIFY`, sent in the change's own
//! transaction, and each replica's
//! listener thread hands what it hears to its subscribers, so a board open
//! on one replica sees changes made on another. On SQLite (one process) the
//! event goes straight to the subscribers. A board that reconnects reloads
//! itself, so an event missed while it was away costs nothing.

use std::sync::mpsc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;
use warren_store::events::{self, Listener};
use warren_store::referrals::ReferralRow;
use warren_store::{DbConnection, Store, StoreError, webhooks};
use warren_wire::{AlertNotice, ReferralEvent};

use crate::error::ApiError;

/// Events raised inside a transaction, published once it commits.
#[derive(Debug, Default)]
pub struct Raised(pub Vec<LiveEvent>);

impl Raised {
    /// Records `kind` for `row` (as it is after the change): queues its
    /// webhook deliveries in the same transaction and keeps it to publish.
    pub fn raise(
        &mut self,
        connection: &mut DbConnection,
        kind: &str,
        row: &ReferralRow,
    ) -> Result<(), ApiError> {
        let event = ReferralEvent {
            id: Uuid::now_v7(),
            kind: kind.to_owned(),
            referral_id: stored_id(&row.id)?,
            case_id: stored_id(&row.case_id)?,
            status: row.status()?,
            priority: row.tier()?,
            referrer_organization_id: stored_id(&row.referrer_org_id)?,
            receiver_organization_id: stored_id(&row.receiver_org_id)?,
            at: chrono::Utc::now(),
        };
        let organizations = [
            event.referrer_organization_id.to_string(),
            event.receiver_organization_id.to_string(),
        ];
        webhooks::enqueue(
            connection,
            &organizations,
            &event.id.to_string(),
            &event.kind,
            &event,
        )?;
        self.push(connection, LiveEvent::Referral(event))
    }

    /// Keeps `event` to publish, announcing it on PostgreSQL in the same
    /// transaction (delivered when, and only if, the change commits).
    pub fn push(
        &mut self,
        connection: &mut DbConnection,
        event: LiveEvent,
    ) -> Result<(), ApiError> {
        event.announce(connection)?;
        self.0.push(event);
        Ok(())
    }

    /// Keeps `event` for this replica alone, unannounced: it only counts.
    pub fn note(&mut self, event: LiveEvent) {
        self.0.push(event);
    }
}

fn stored_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError::Internal(format!("stored id {id:?}")))
}

/// One event on the hub (and, on PostgreSQL, in a `NOTIFY`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    /// Something happened to a referral.
    Referral(ReferralEvent),
    /// A person has a new (or newly acknowledged) alert.
    Alert(AlertNotice),
    /// Messages were queued in the outbox: the sender may go now.
    MailQueued,
    /// A person's memberships changed (removed from an organization, or a
    /// new role): their open event streams narrow to what they may still
    /// hear, on every replica.
    AccessChanged {
        /// The person.
        user_id: String,
    },
    /// An alert was raised (counted on `/metrics` once its change commits;
    /// never announced to other replicas nor streamed).
    AlertRaised {
        /// Whether it is urgent.
        urgent: bool,
    },
}

/// The counters `/metrics` shows for alerts and their e-mail.
#[derive(Clone)]
pub struct AlertMetrics {
    /// `warren_alerts_raised_total{urgency="urgent|other"}`.
    pub raised: prometheus::IntCounterVec,
    /// `warren_emails_total{outcome="sent|retrying|failed"}`.
    pub emails: prometheus::IntCounterVec,
}

impl AlertMetrics {
    /// The counters, registered in `registry`.
    pub fn register(registry: &prometheus::Registry) -> anyhow::Result<Self> {
        let raised = prometheus::IntCounterVec::new(
            prometheus::Opts::new(
                "warren_alerts_raised_total",
                "Alerts raised to people, by urgency.",
            ),
            &["urgency"],
        )?;
        let emails = prometheus::IntCounterVec::new(
            prometheus::Opts::new("warren_emails_total", "E-mail attempts, by outcome."),
            &["outcome"],
        )?;
        registry.register(Box::new(raised.clone()))?;
        registry.register(Box::new(emails.clone()))?;
        Ok(Self { raised, emails })
    }
}

impl LiveEvent {
    /// Announces the event to every replica in the change's transaction,
    /// so that it is heard when, and only if, the change commits. On SQLite
    /// this does nothing: the caller publishes after the commit.
    pub fn announce(&self, connection: &mut DbConnection) -> Result<(), StoreError> {
        if matches!(connection, DbConnection::Pg(_)) {
            let payload = serde_json::to_string(self)
                .map_err(|error| StoreError::Corrupt(error.to_string()))?;
            events::notify(connection, &payload)?;
        }
        Ok(())
    }
}

/// How many events a slow subscriber may fall behind before it skips ahead.
const BUFFER: usize = 1024;

/// The name of the listener thread.
const LISTENER_THREAD: &str = "warren-listen";

/// How often the listener asks for events.
const POLL: Duration = Duration::from_millis(50);

/// How long the listener waits before reconnecting.
const RECONNECT: Duration = Duration::from_secs(1);

/// The event hub of one server.
pub struct Events {
    sender: broadcast::Sender<LiveEvent>,
    metrics: Option<AlertMetrics>,
    /// On PostgreSQL, where the listener thread hands events on: dropped
    /// with the hub, which wakes the thread to end.
    listener: Option<mpsc::Sender<()>>,
}

impl Events {
    /// A hub for `store`; on PostgreSQL it starts the listener thread.
    pub fn start(store: &Store) -> Self {
        if events::crosses_replicas(store.backend()) {
            Self::listening(store.url())
        } else {
            Self {
                sender: broadcast::channel(BUFFER).0,
                metrics: None,
                listener: None,
            }
        }
    }

    /// The hub, counting raised alerts in `metrics`.
    pub fn with_metrics(mut self, metrics: AlertMetrics) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// A hub fed by a listener thread on the PostgreSQL database at `url`.
    fn listening(url: &str) -> Self {
        let (sender, _) = broadcast::channel(BUFFER);
        let url = url.to_owned();
        // Weak, so that subscribers see the hub close when it is dropped.
        let hub = sender.downgrade();
        let (stop, stopped) = mpsc::channel();
        std::thread::Builder::new()
            .name(LISTENER_THREAD.into())
            .spawn(move || listen(&url, &hub, &stopped))
            .expect("spawning the event listener");
        Self {
            sender,
            metrics: None,
            listener: Some(stop),
        }
    }

    /// Publishes events once their change has committed. On PostgreSQL
    /// the change's own transaction already announced them (see
    /// [`Raised`]) and the listener hands them on; on
    /// SQLite they go to the subscribers here.
    pub fn publish(&self, published: Vec<LiveEvent>) {
        let (raised, published): (Vec<LiveEvent>, Vec<LiveEvent>) = published
            .into_iter()
            .partition(|event| matches!(event, LiveEvent::AlertRaised { .. }));
        if let Some(metrics) = &self.metrics {
            for event in raised {
                if let LiveEvent::AlertRaised { urgent } = event {
                    let urgency = if urgent { "urgent" } else { "other" };
                    metrics.raised.with_label_values(&[urgency]).inc();
                }
            }
        }
        if self.listener.is_some() {
            return;
        }
        for event in published {
            // No subscriber is not an error.
            let _ = self.sender.send(event);
        }
    }

    /// A new subscription to every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.sender.subscribe()
    }
}

/// Listens while the hub lives, reconnecting after a second when the
/// database goes away.
///
/// The thread ends as soon as the hub is dropped, even in the middle of a
/// wait: a stopped server leaves no thread behind that keeps dialling its
/// database, which would race the process's exit handlers (libpq's and its
/// TLS library's) when it ends.
fn listen(url: &str, hub: &broadcast::WeakSender<LiveEvent>, stopped: &mpsc::Receiver<()>) {
    // Waits `pause`; false once the hub is gone.
    let wait = |pause| {
        matches!(
            stopped.recv_timeout(pause),
            Err(mpsc::RecvTimeoutError::Timeout)
        )
    };
    loop {
        match Listener::connect(url) {
            Ok(mut listener) => loop {
                if !wait(POLL) {
                    return;
                }
                let Some(forward) = hub.upgrade() else {
                    return;
                };
                match listener.receive() {
                    Ok(payloads) => {
                        for payload in payloads {
                            match serde_json::from_str(&payload) {
                                Ok(event) => {
                                    let _ = forward.send(event);
                                }
                                Err(error) => tracing::warn!(%error, "an unreadable event"),
                            }
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "the event listener lost its connection");
                        break;
                    }
                }
            },
            Err(error) => tracing::warn!(%error, "the event listener cannot connect"),
        }
        if !wait(RECONNECT) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::{Events, LISTENER_THREAD};

    /// The tests count the process's listener threads, so they take turns.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

    /// How many of this process's threads are event listeners.
    fn listener_threads() -> usize {
        std::fs::read_dir("/proc/self/task")
            .expect("the process's threads")
            .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
            .filter(|name| name.trim_end() == LISTENER_THREAD)
            .count()
    }

    /// Waits up to five seconds for `count` listener threads.
    fn await_listeners(count: usize) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while listener_threads() != count {
            assert!(
                Instant::now() < deadline,
                "{} listener threads, expected {count}",
                listener_threads()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn the_listener_thread_ends_with_its_hub() {
        let _turn = ONE_AT_A_TIME.lock();
        let url = std::env::var("WARREN_TEST_DATABASE_URL")
            .ok()
            .filter(|url| !url.is_empty())
            .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let before = listener_threads();
        let events = Events::listening(&url);
        await_listeners(before + 1);
        let mut subscription = events.subscribe();
        drop(events);
        await_listeners(before);
        // Subscribers learn the hub is gone.
        assert!(matches!(
            subscription.try_recv(),
            Err(tokio::sync::broadcast::error::TryRecvError::Closed)
        ));
    }

    #[test]
    fn a_listener_whose_database_is_gone_still_ends_with_its_hub() {
        let _turn = ONE_AT_A_TIME.lock();
        let before = listener_threads();
        let events = Events::listening("postgres://postgres@127.0.0.1:1/nowhere");
        await_listeners(before + 1);
        // Its first attempt fails at once; it waits a second to try again,
        // and the hub's end wakes it.
        std::thread::sleep(Duration::from_millis(200));
        drop(events);
        await_listeners(before);
    }
}

//! The tab's live stream: referral events for the signed-in person's
//! organizations, and their own alerts.
//!
//! One stream per tab, shared by every page: browsers allow about six
//! connections per host, and a person with several tabs open must not use
//! them up. [`ReferralStream::provide`] opens it when someone signs in
//! (again when another person signs in) and closes it when they sign out;
//! pages take it with [`use_referral_stream`].
//!
//! It asks the API for a stream ticket (a browser's `EventSource` cannot
//! send an `Authorization` header), opens an `EventSource` on the ticket's
//! address and turns what arrives into two signals: [`ReferralChanges`] —
//! each `referral` event names the referral that changed — and
//! [`AlertChanges`] — each `alert` event is an [`AlertNotice`] of one of
//! the person's alerts, new or newly acknowledged. A `reload` event (the
//! server skipped events for a slow reader) and every (re)connection say
//! that anything may have changed, so nothing is missed between a page's
//! first read and the stream opening. Bursts (an acceptance withdraws the
//! case's other requests at once) are folded into one change.
//!
//! When the stream fails — the server restarts, the network drops, the
//! ticket has expired — it is closed and opened again with a fresh ticket,
//! waiting a little longer after each failure in a row.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use warren_wire::{AlertNotice, ReferralEvent};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::session::{Session, SessionState};

/// How long events are gathered before the pages hear of them.
const GATHER: Duration = Duration::from_millis(150);
/// The wait before reconnecting after the first failure; it doubles with
/// each failure in a row, up to [`LONGEST_WAIT`].
const FIRST_WAIT: Duration = Duration::from_secs(1);
/// The longest wait between two attempts.
const LONGEST_WAIT: Duration = Duration::from_secs(30);

/// What changed since the previous [`ReferralChanges`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferralChanges {
    /// Counts the changes; 0 before the first.
    pub generation: u64,
    /// Anything may have changed: the stream (re)connected or the server
    /// asked for a reload.
    pub everything: bool,
    /// The referrals named by events.
    pub referrals: Vec<Uuid>,
}

impl ReferralChanges {
    /// Whether the change may concern the referral `id`.
    pub fn concerns(&self, id: Uuid) -> bool {
        self.generation > 0 && (self.everything || self.referrals.contains(&id))
    }
}

/// What changed in the person's alerts since the previous [`AlertChanges`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertChanges {
    /// Counts the changes; 0 before the first.
    pub generation: u64,
    /// Anything may have changed: the stream (re)connected, the server
    /// asked for a reload, or an event could not be read.
    pub everything: bool,
    /// The alerts named by events, in the order they came.
    pub notices: Vec<AlertNotice>,
}

/// Whether the stream is connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamState {
    /// Asking for a ticket or waiting for the server to answer.
    Connecting,
    /// Open: changes arrive as they happen.
    Live,
}

/// An open `EventSource` and the listeners it calls, dropped together.
struct Connection {
    source: web_sys::EventSource,
    _listeners: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

/// The tab's live stream; cheap to copy.
#[derive(Clone, Copy)]
pub struct ReferralStream {
    changes: RwSignal<ReferralChanges>,
    alerts: RwSignal<AlertChanges>,
    state: RwSignal<StreamState>,
}

/// The tab's stream, provided by [`crate::App`].
///
/// # Panics
///
/// Outside the app (no stream in context).
pub fn use_referral_stream() -> ReferralStream {
    use_context::<ReferralStream>().expect("the app provides the live stream")
}

impl ReferralStream {
    /// Creates the tab's stream, provides it as context, and keeps it open
    /// for whoever is signed in.
    pub fn provide(session: Session) -> Self {
        let stream = Self {
            changes: RwSignal::new(ReferralChanges::default()),
            alerts: RwSignal::new(AlertChanges::default()),
            state: RwSignal::new(StreamState::Connecting),
        };
        provide_context(stream);
        let person = Memo::new(move |_| {
            if session.state() != SessionState::SignedIn {
                return None;
            }
            session.me().and_then(|me| me.user).map(|user| user.id)
        });
        // Each run owns one connection: it is closed when the effect runs
        // again (someone else signed in, or nobody is) and when the app goes.
        Effect::new(move |_| {
            stream.state.set(StreamState::Connecting);
            if person.get().is_none() {
                return;
            }
            let link = Link {
                session,
                stream,
                connection: StoredValue::new_local(None),
                gathered: StoredValue::new_local(None),
                failures: StoredValue::new(0),
                closed: Arc::new(AtomicBool::new(false)),
            };
            let closed = link.closed.clone();
            let connection = link.connection;
            on_cleanup(move || {
                closed.store(true, Ordering::SeqCst);
                connection.try_update_value(|connection| {
                    if let Some(connection) = connection.take() {
                        connection.source.close();
                    }
                });
            });
            link.start();
        });
        stream
    }

    /// The latest change of referrals (reactive).
    pub fn changes(&self) -> ReferralChanges {
        self.changes.get()
    }

    /// Counts the changes of referrals so far (reactive): read it in a
    /// resource to fetch again on every change.
    pub fn generation(&self) -> u64 {
        self.changes.with(|changes| changes.generation)
    }

    /// The latest change of the person's alerts (reactive).
    pub fn alerts(&self) -> AlertChanges {
        self.alerts.get()
    }

    /// Whether the stream is open (reactive).
    pub fn state(&self) -> StreamState {
        self.state.get()
    }
}

/// Changes gathered and not yet told.
#[derive(Default)]
struct Gathered {
    /// Any referral may have changed.
    all_referrals: bool,
    referrals: Vec<Uuid>,
    /// Any alert may have changed.
    all_alerts: bool,
    notices: Vec<AlertNotice>,
}

/// One change the stream heard of.
enum Heard {
    /// Connected, or told to reload: anything may have changed.
    Everything,
    /// A referral changed (`None`: an event Warren could not read).
    Referral(Option<Uuid>),
    /// An alert (`None`: an event Warren could not read).
    Alert(Option<AlertNotice>),
}

/// What the stream's callbacks share.
#[derive(Clone)]
struct Link {
    session: Session,
    stream: ReferralStream,
    connection: StoredValue<Option<Connection>, LocalStorage>,
    gathered: StoredValue<Option<Gathered>, LocalStorage>,
    failures: StoredValue<u32>,
    closed: Arc<AtomicBool>,
}

impl Link {
    fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// Gets a ticket and opens the `EventSource`.
    fn start(self) {
        if self.is_closed() {
            return;
        }
        spawn_local(async move {
            let ticket = self.session.api().stream_ticket().await;
            if self.is_closed() {
                return;
            }
            let opened = ticket.ok().and_then(|ticket| {
                let url = self.session.client().event_stream_url(&ticket.ticket);
                web_sys::EventSource::new(&url).ok()
            });
            match opened {
                Some(source) => self.listen(source),
                None => self.retry(),
            }
        });
    }

    /// Attaches the listeners to a new `EventSource` and keeps it.
    fn listen(self, source: web_sys::EventSource) {
        let mut listeners = Vec::new();
        let mut on = |name: &str, handler: Box<dyn FnMut(web_sys::Event)>| {
            let closure = Closure::wrap(handler);
            // Adding a listener to a live EventSource does not fail.
            let _ = source.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
            listeners.push(closure);
        };
        let link = self.clone();
        on(
            "open",
            Box::new(move |_| {
                link.failures.try_set_value(0);
                link.stream.state.try_set(StreamState::Live);
                link.gather(Heard::Everything);
            }),
        );
        let link = self.clone();
        on(
            "referral",
            Box::new(move |event| {
                let named = event
                    .dyn_ref::<web_sys::MessageEvent>()
                    .and_then(|message| message.data().as_string())
                    .and_then(|data| serde_json::from_str::<ReferralEvent>(&data).ok())
                    .map(|event| event.referral_id);
                // An event Warren cannot read still means something changed.
                link.gather(Heard::Referral(named));
            }),
        );
        let link = self.clone();
        on(
            "alert",
            Box::new(move |event| {
                let notice = event
                    .dyn_ref::<web_sys::MessageEvent>()
                    .and_then(|message| message.data().as_string())
                    .and_then(|data| serde_json::from_str::<AlertNotice>(&data).ok());
                link.gather(Heard::Alert(notice));
            }),
        );
        let link = self.clone();
        on("reload", Box::new(move |_| link.gather(Heard::Everything)));
        let link = self.clone();
        on(
            "error",
            Box::new(move |_| {
                // The browser would retry with the same ticket, which
                // expires; start again with a fresh one instead.
                let dropped = link.connection.try_update_value(Option::take).flatten();
                if let Some(connection) = dropped {
                    connection.source.close();
                    // Dropped once the listener now running has returned.
                    let link = link.clone();
                    set_timeout(
                        move || {
                            drop(connection);
                            link.retry();
                        },
                        Duration::ZERO,
                    );
                }
            }),
        );
        let kept = self.connection.try_update_value(|connection| {
            *connection = Some(Connection {
                source: source.clone(),
                _listeners: listeners,
            });
        });
        if kept.is_none() || self.is_closed() {
            source.close();
        }
    }

    /// Waits, longer after each failure in a row, then starts again.
    fn retry(self) {
        if self.is_closed() {
            return;
        }
        self.stream.state.try_set(StreamState::Connecting);
        let failures = self.failures.try_get_value().unwrap_or(0);
        self.failures.try_set_value(failures.saturating_add(1));
        let wait = FIRST_WAIT
            .saturating_mul(1 << failures.min(5))
            .min(LONGEST_WAIT);
        set_timeout(move || self.start(), wait);
    }

    /// Gathers a change; tells the pages once the burst is over.
    fn gather(&self, heard: Heard) {
        let mut first = false;
        self.gathered.try_update_value(|gathered| {
            let gathered = gathered.get_or_insert_with(|| {
                first = true;
                Gathered::default()
            });
            match heard {
                Heard::Everything => {
                    gathered.all_referrals = true;
                    gathered.all_alerts = true;
                }
                Heard::Referral(Some(id)) => gathered.referrals.push(id),
                Heard::Referral(None) => gathered.all_referrals = true,
                Heard::Alert(Some(notice)) => gathered.notices.push(notice),
                Heard::Alert(None) => gathered.all_alerts = true,
            }
        });
        if !first {
            return;
        }
        let link = self.clone();
        set_timeout(
            move || {
                let Some(gathered) = link.gathered.try_update_value(Option::take).flatten() else {
                    return;
                };
                if gathered.all_referrals || !gathered.referrals.is_empty() {
                    link.stream.changes.try_update(|changes| {
                        changes.generation += 1;
                        changes.everything = gathered.all_referrals;
                        changes.referrals = gathered.referrals;
                    });
                }
                if gathered.all_alerts || !gathered.notices.is_empty() {
                    link.stream.alerts.try_update(|alerts| {
                        alerts.generation += 1;
                        alerts.everything = gathered.all_alerts;
                        alerts.notices = gathered.notices;
                    });
                }
            },
            GATHER,
        );
    }
}

//! What the app keeps on the device for when the network is down: copies of
//! reference data it has read (the triage protocol, the taxonomy, the
//! person's sites and each site's triage kit) and the triage records still
//! to be sent.
//!
//! Everything lives in `localStorage` as JSON under `warren.` keys. Reads go
//! through [`read_through`]: the network's answer when there is one (and a
//! fresh copy is kept), the copy when Warren cannot be reached.
//!
//! Records go through the [`Outbox`], provided by [`crate::App`]: a record is
//! written to the device first, then sent with its idempotency key; it stays
//! on the device until the server has answered, and is sent again every
//! [`RETRY_INTERVAL`], when the browser reports it is back `online`, and when
//! the person signs in. Only the person who assessed sends their records.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use warren_client::ClientError;
use warren_wire::{AssessmentRecord, CreateAssessmentRequest};

use crate::local_time;
use crate::session::{Session, SessionState};

/// The `localStorage` key of the last triage protocol read.
pub const PROTOCOL_KEY: &str = "warren.triage.protocol";
/// The `localStorage` key of the last taxonomy read.
pub const TAXONOMY_KEY: &str = "warren.taxonomy";
/// The `localStorage` key of the sites of the organizations `user` belongs
/// to, where triage may start.
pub fn own_sites_key(user: Uuid) -> String {
    format!("warren.triage.sites.{user}")
}

/// The `localStorage` key of the last triage kit (variant) read for `site`;
/// a site without a kit is kept as `null`, so that the device knows it runs
/// the network's steps.
pub fn variant_key(site: Uuid) -> String {
    format!("warren.triage.variant.{site}")
}

/// The `localStorage` key of the records waiting to be sent.
pub const OUTBOX_KEY: &str = "warren.triage.outbox";

/// How often waiting records are sent again.
pub const RETRY_INTERVAL: Duration = Duration::from_secs(15);

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.local_storage().ok().flatten())
}

/// The value stored under `key`, if there is one and it still reads.
pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    let text = storage()?.get_item(key).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

/// Stores `value` under `key`.
pub fn save<T: Serialize>(key: &str, value: &T) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(value)) {
        // Storage can refuse (private mode, quota): the app then works
        // online only.
        let _ = storage.set_item(key, &text);
    }
}

/// Whether `error` says Warren could not be reached (rather than that it
/// refused): the network is down, or a proxy in front of it answered.
pub fn is_unreachable(error: &ClientError) -> bool {
    matches!(error, ClientError::Transport(_)) || error.status().is_some_and(|status| status >= 502)
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Cached<T> {
    /// The value.
    pub value: T,
    /// `false` when the server just gave it; otherwise `true`: the copy
    /// kept on this device, Warren being unreachable.
    pub from_device: bool,
}

/// The answer of `fetch`, kept on the device under `key`; the kept copy when
/// Warren cannot be reached.
pub async fn read_through<T, Fut>(key: &str, fetch: Fut) -> Result<Cached<T>, ClientError>
where
    T: Serialize + DeserializeOwned,
    Fut: Future<Output = Result<T, ClientError>>,
{
    match fetch.await {
        Ok(value) => {
            save(key, &value);
            Ok(Cached {
                value,
                from_device: false,
            })
        }
        Err(error) if is_unreachable(&error) => load(key)
            .map(|value| Cached {
                value,
                from_device: true,
            })
            .ok_or(error),
        Err(error) => Err(error),
    }
}

/// A triage record waiting on the device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingAssessment {
    /// Its idempotency key: a record sent twice is recorded once.
    pub key: String,
    /// The person who assessed; only they send it.
    pub assessed_by: Uuid,
    /// The organization it is recorded for.
    pub organization_id: Uuid,
    /// The record.
    pub request: CreateAssessmentRequest,
    /// When it was written to the device.
    pub saved_at: DateTime<Utc>,
}

/// Where a record stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// Being sent.
    Sending,
    /// On the device: Warren could not be reached (why).
    Waiting(String),
    /// Recorded.
    Sent(Box<AssessmentRecord>),
    /// Refused by the server; it is no longer kept.
    Refused(ClientError),
}

/// The records waiting on the device and what became of those sent; cheap
/// to copy.
#[derive(Clone, Copy)]
pub struct Outbox {
    session: Session,
    pending: RwSignal<Vec<PendingAssessment>>,
    deliveries: RwSignal<Vec<(String, Delivery)>>,
    sending: StoredValue<bool>,
    /// A record arrived during a run: run again after it.
    again: StoredValue<bool>,
}

/// The outbox provided by [`crate::App`].
///
/// # Panics
///
/// Outside the app.
pub fn use_outbox() -> Outbox {
    use_context::<Outbox>().expect("the app provides an outbox")
}

impl Outbox {
    /// Reads the waiting records from the device, provides the outbox as
    /// context and starts sending: now if signed in, on every sign-in, every
    /// [`RETRY_INTERVAL`] and whenever the browser comes back online.
    pub fn provide(session: Session) -> Self {
        let outbox = Self {
            session,
            pending: RwSignal::new(load(OUTBOX_KEY).unwrap_or_default()),
            deliveries: RwSignal::new(Vec::new()),
            sending: StoredValue::new(false),
            again: StoredValue::new(false),
        };
        provide_context(outbox);
        Effect::new(move |_| {
            if session.state() == SessionState::SignedIn {
                outbox.send_all();
            }
        });
        set_interval(move || outbox.send_all(), RETRY_INTERVAL);
        // The listener lives as long as the app.
        let _ = window_event_listener(leptos::ev::online, move |_| outbox.send_all());
        outbox
    }

    /// The records waiting on the device (reactive).
    pub fn pending(&self) -> Vec<PendingAssessment> {
        self.pending.get()
    }

    /// Where the record with idempotency key `key` stands, if it went
    /// through the outbox (reactive).
    pub fn delivery(&self, key: &str) -> Option<Delivery> {
        self.deliveries.with(|deliveries| {
            deliveries
                .iter()
                .find(|(sent, _)| sent == key)
                .map(|(_, delivery)| delivery.clone())
        })
    }

    /// Writes a record to the device and sends it.
    pub fn record(&self, pending: PendingAssessment) {
        let key = pending.key.clone();
        self.pending.update(|list| {
            list.retain(|waiting| waiting.key != key);
            list.push(pending);
        });
        self.persist();
        self.set_delivery(&key, Delivery::Sending);
        self.send_all();
    }

    fn persist(&self) {
        self.pending
            .with_untracked(|pending| save(OUTBOX_KEY, pending));
    }

    fn set_delivery(&self, key: &str, delivery: Delivery) {
        self.deliveries.update(|deliveries| {
            deliveries.retain(|(sent, _)| sent != key);
            deliveries.push((key.to_owned(), delivery));
        });
    }

    /// Sends every record of the signed-in person, oldest first, stopping
    /// at the first that cannot reach Warren. One run at a time.
    pub fn send_all(&self) {
        let outbox = *self;
        if outbox.sending.get_value() {
            outbox.again.set_value(true);
            return;
        }
        if outbox.session.state_untracked() != SessionState::SignedIn {
            return;
        }
        let Some(me) = outbox.session.user_id_untracked() else {
            return;
        };
        let mine: Vec<PendingAssessment> = outbox.pending.with_untracked(|pending| {
            pending
                .iter()
                .filter(|waiting| waiting.assessed_by == me)
                .cloned()
                .collect()
        });
        if mine.is_empty() {
            return;
        }
        outbox.sending.set_value(true);
        outbox.again.set_value(false);
        spawn_local(async move {
            let mut unreachable = None;
            for waiting in mine {
                outbox.set_delivery(&waiting.key, Delivery::Sending);
                let PendingAssessment {
                    key,
                    organization_id,
                    request,
                    ..
                } = waiting;
                let sent = outbox
                    .session
                    .api()
                    .create_assessment(organization_id, &request, Some(&key))
                    .await;
                let delivery = match sent {
                    Ok(record) => Delivery::Sent(Box::new(record)),
                    Err(error) if is_unreachable(&error) || error.status() == Some(401) => {
                        unreachable = Some(error.message());
                        break;
                    }
                    Err(error) => Delivery::Refused(error),
                };
                outbox.pending.update(|list| list.retain(|w| w.key != key));
                outbox.persist();
                outbox.set_delivery(&key, delivery);
            }
            outbox.sending.set_value(false);
            match unreachable {
                // Every record still here waits, also those that arrived
                // during the run.
                Some(why) => {
                    let keys: Vec<String> = outbox.pending.with_untracked(|pending| {
                        pending
                            .iter()
                            .filter(|waiting| waiting.assessed_by == me)
                            .map(|waiting| waiting.key.clone())
                            .collect()
                    });
                    for key in keys {
                        outbox.set_delivery(&key, Delivery::Waiting(why.clone()));
                    }
                }
                None if outbox.again.get_value() => outbox.send_all(),
                None => {}
            }
        });
    }
}

/// "saved 14:05" for a record waiting on the device.
pub fn saved_at_text(pending: &PendingAssessment) -> String {
    format!(
        "saved {}",
        local_time::soon(pending.saved_at, local_time::now())
    )
}

//! Webhooks: integrators' endpoints and the outbox of deliveries owed to them.
//!
//! A delivery row is written in the same transaction as the change it
//! reports ([`enqueue`]), so an event is never lost between the change and
//! its delivery; the delivery worker sends it later, signed, and retries with
//! backoff ([`retry_delay`]) until the endpoint answers 2xx or
//! [`MAX_ATTEMPTS`] have failed.
//!
//! Every replica runs the worker. A replica sends a delivery only after
//! claiming it ([`claim_due`]) with a conditional update that succeeds for
//! one claimant only — on PostgreSQL the row lock makes a concurrent update
//! re-check its condition and find the claim taken, on SQLite writes are
//! serialized — so nothing is sent twice by two replicas. A claim is a lease:
//! if its replica dies mid-send, the delivery becomes due again when the
//! lease runs out. Outcomes are recorded only by the lease holder.
//!
//! Redelivering makes a new delivery of the same event (`redelivery_of`
//! names the original), so the log keeps every attempt cycle.

use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use warren_domain::lending::LoanEvent;
use warren_domain::webhooks::{DeliveryState, EventKind};

use crate::schema::{webhook_deliveries, webhook_endpoints};
use crate::{DbConnection, StoreError, StoreResult, new_id, now};

/// A delivery waiting for its first attempt.
pub const PENDING: &str = "pending";

/// Attempts before a delivery is given up as `failed`.
pub const MAX_ATTEMPTS: i32 = 8;

/// Longest error text kept per attempt.
const MAX_ERROR_CHARS: usize = 500;

/// Queues a loan's `event` for the owner's and the borrower's endpoints that
/// subscribed to its kind (or to `*`).
pub fn enqueue_loan(connection: &mut DbConnection, event: &LoanEvent) -> StoreResult<()> {
    let organizations = [
        event.owner_organization_id.to_string(),
        event.borrower_organization_id.to_string(),
    ];
    enqueue(
        connection,
        &organizations,
        &event.id.to_string(),
        &event.kind,
        event,
    )
}

/// Queues `payload` (the event `event_id`, as JSON) for every active
/// endpoint of `organizations` that subscribed to `kind` (or to `*`).
pub fn enqueue(
    connection: &mut DbConnection,
    organizations: &[String],
    event_id: &str,
    kind: &str,
    payload: &impl serde::Serialize,
) -> StoreResult<()> {
    let endpoints: Vec<(String, String)> = webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq_any(organizations))
        .filter(webhook_endpoints::active.eq(true))
        .select((webhook_endpoints::id, webhook_endpoints::events))
        .load(connection)?;
    if endpoints.is_empty() {
        return Ok(());
    }
    let payload = crate::json(payload)?;
    let at = now();
    for (endpoint_id, events) in endpoints {
        let kinds: Vec<String> = serde_json::from_str(&events)
            .map_err(|error| StoreError::Corrupt(format!("webhook events: {error}")))?;
        if !kinds
            .iter()
            .any(|subscribed| subscribed == "*" || subscribed == kind)
        {
            continue;
        }
        diesel::insert_into(webhook_deliveries::table)
            .values((
                webhook_deliveries::id.eq(new_id()),
                webhook_deliveries::endpoint_id.eq(&endpoint_id),
                webhook_deliveries::event_id.eq(event_id),
                webhook_deliveries::kind.eq(kind),
                webhook_deliveries::payload.eq(&payload),
                webhook_deliveries::state.eq(PENDING),
                webhook_deliveries::attempts.eq(0),
                webhook_deliveries::next_attempt_at.eq(Some(at)),
                webhook_deliveries::created_at.eq(at),
            ))
            .execute(connection)?;
    }
    Ok(())
}

// Endpoints.

/// A stored endpoint.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
pub struct EndpointRecord {
    /// Stable id.
    pub id: String,
    /// The organization whose events it receives.
    pub organization_id: String,
    /// Where deliveries are POSTed.
    pub url: String,
    /// The signing key. Kept as it is, not as a digest like API keys: the
    /// worker needs the key itself to compute each delivery's HMAC. Only the
    /// worker reads it; the API shows it once, at registration.
    pub secret: String,
    /// JSON array of event kinds, `*` for all.
    pub events: String,
    /// Whether deliveries are still made.
    pub active: bool,
    /// Registered.
    pub created_at: NaiveDateTime,
    /// Who registered it, as the audit log names them.
    pub created_by: String,
    /// Label.
    pub description: Option<String>,
    /// Revoked.
    pub revoked_at: Option<NaiveDateTime>,
}

impl EndpointRecord {
    /// The event kinds it subscribed to.
    pub fn events(&self) -> StoreResult<Vec<EventKind>> {
        serde_json::from_str(&self.events)
            .map_err(|error| StoreError::Corrupt(format!("webhook events: {error}")))
    }
}

/// An endpoint to register.
#[derive(Debug, Clone)]
pub struct NewEndpoint<'a> {
    /// The organization.
    pub organization_id: &'a str,
    /// Where to POST.
    pub url: &'a str,
    /// The signing key.
    pub secret: &'a str,
    /// What to send.
    pub events: &'a [EventKind],
    /// Label.
    pub description: Option<&'a str>,
    /// Who registers it, as the audit log names them.
    pub created_by: &'a str,
}

/// Registers an endpoint.
pub fn insert_endpoint(
    connection: &mut DbConnection,
    endpoint: &NewEndpoint<'_>,
) -> StoreResult<EndpointRecord> {
    let id = new_id();
    let events = serde_json::to_string(endpoint.events)
        .map_err(|error| StoreError::Corrupt(error.to_string()))?;
    diesel::insert_into(webhook_endpoints::table)
        .values((
            webhook_endpoints::id.eq(&id),
            webhook_endpoints::organization_id.eq(endpoint.organization_id),
            webhook_endpoints::url.eq(endpoint.url),
            webhook_endpoints::secret.eq(endpoint.secret),
            webhook_endpoints::events.eq(events),
            webhook_endpoints::active.eq(true),
            webhook_endpoints::created_at.eq(now()),
            webhook_endpoints::created_by.eq(endpoint.created_by),
            webhook_endpoints::description.eq(endpoint.description),
        ))
        .execute(connection)?;
    find_endpoint(connection, endpoint.organization_id, &id)
}

/// One endpoint of an organization, or `NotFound`.
pub fn find_endpoint(
    connection: &mut DbConnection,
    organization_id: &str,
    id: &str,
) -> StoreResult<EndpointRecord> {
    Ok(webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq(organization_id))
        .filter(webhook_endpoints::id.eq(id))
        .select(EndpointRecord::as_select())
        .first(connection)?)
}

/// An organization's endpoints, newest first, revoked ones included.
pub fn endpoints_of(
    connection: &mut DbConnection,
    organization_id: &str,
) -> StoreResult<Vec<EndpointRecord>> {
    Ok(webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq(organization_id))
        .order((
            webhook_endpoints::created_at.desc(),
            webhook_endpoints::id.desc(),
        ))
        .select(EndpointRecord::as_select())
        .load(connection)?)
}

/// Revokes an endpoint and gives up its open deliveries; `false` if it was
/// revoked already.
pub fn revoke_endpoint(
    connection: &mut DbConnection,
    organization_id: &str,
    id: &str,
) -> StoreResult<bool> {
    let at = now();
    let revoked = diesel::update(
        webhook_endpoints::table
            .filter(webhook_endpoints::organization_id.eq(organization_id))
            .filter(webhook_endpoints::id.eq(id))
            .filter(webhook_endpoints::active.eq(true)),
    )
    .set((
        webhook_endpoints::active.eq(false),
        webhook_endpoints::revoked_at.eq(Some(at)),
    ))
    .execute(connection)?;
    if revoked == 1 {
        diesel::update(
            webhook_deliveries::table
                .filter(webhook_deliveries::endpoint_id.eq(id))
                .filter(webhook_deliveries::state.eq_any(open_states())),
        )
        .set((
            webhook_deliveries::state.eq(DeliveryState::Failed.as_str()),
            webhook_deliveries::next_attempt_at.eq(None::<NaiveDateTime>),
            webhook_deliveries::last_error.eq(Some("the endpoint was revoked")),
        ))
        .execute(connection)?;
    }
    Ok(revoked == 1)
}

// Deliveries.

/// A stored delivery.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRecord {
    /// Stable id, sent as `Warren-Delivery`.
    pub id: String,
    /// The endpoint.
    pub endpoint_id: String,
    /// The event's id.
    pub event_id: String,
    /// The event kind.
    pub kind: String,
    /// The JSON body, exactly as signed and sent.
    pub payload: String,
    /// `pending`, `retrying`, `delivered` or `failed`.
    pub state: String,
    /// Attempts started (a claimed delivery counts its attempt in flight).
    pub attempts: i32,
    /// When the next attempt is due.
    pub next_attempt_at: Option<NaiveDateTime>,
    /// Until when a replica holds it for an attempt.
    pub claimed_until: Option<NaiveDateTime>,
    /// HTTP status of the last answer.
    pub last_status: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the endpoint accepted it.
    pub delivered_at: Option<NaiveDateTime>,
    /// Queued.
    pub created_at: NaiveDateTime,
    /// The delivery this one repeats.
    pub redelivery_of: Option<String>,
}

impl DeliveryRecord {
    /// Its state.
    pub fn state(&self) -> StoreResult<DeliveryState> {
        DeliveryState::parse(&self.state)
            .ok_or_else(|| StoreError::Corrupt(format!("delivery state {:?}", self.state)))
    }
}

fn open_states() -> [&'static str; 2] {
    [
        DeliveryState::Pending.as_str(),
        DeliveryState::Retrying.as_str(),
    ]
}

/// An endpoint's deliveries, newest first, older than the delivery `before`
/// when given; one more than `limit` to tell whether a page follows.
pub fn deliveries_of(
    connection: &mut DbConnection,
    endpoint_id: &str,
    before: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<DeliveryRecord>> {
    // Ids are UUID v7, ordered by creation time: they are the cursor.
    let mut query = webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .order(webhook_deliveries::id.desc())
        .limit(limit + 1)
        .select(DeliveryRecord::as_select())
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(webhook_deliveries::id.lt(before.to_owned()));
    }
    Ok(query.load(connection)?)
}

/// One delivery of an endpoint, or `NotFound`.
pub fn find_delivery(
    connection: &mut DbConnection,
    endpoint_id: &str,
    id: &str,
) -> StoreResult<DeliveryRecord> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .filter(webhook_deliveries::id.eq(id))
        .select(DeliveryRecord::as_select())
        .first(connection)?)
}

/// Queues `original`'s event again, as a new delivery due now.
pub fn redeliver(
    connection: &mut DbConnection,
    original: &DeliveryRecord,
) -> StoreResult<DeliveryRecord> {
    let id = new_id();
    let at = now();
    diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::id.eq(&id),
            webhook_deliveries::endpoint_id.eq(&original.endpoint_id),
            webhook_deliveries::event_id.eq(&original.event_id),
            webhook_deliveries::kind.eq(&original.kind),
            webhook_deliveries::payload.eq(&original.payload),
            webhook_deliveries::state.eq(PENDING),
            webhook_deliveries::attempts.eq(0),
            webhook_deliveries::next_attempt_at.eq(Some(at)),
            webhook_deliveries::created_at.eq(at),
            webhook_deliveries::redelivery_of.eq(Some(&original.id)),
        ))
        .execute(connection)?;
    find_delivery(connection, &original.endpoint_id, &id)
}

// The worker's side.

/// A delivery this replica holds, with what it needs to send it.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The delivery, its attempt counted.
    pub delivery: DeliveryRecord,
    /// Where to POST.
    pub url: String,
    /// The signing key.
    pub secret: String,
    /// The lease; pass it back when recording the outcome.
    pub lease: NaiveDateTime,
}

/// Claims up to `limit` due deliveries of active endpoints for `lease`,
/// counting their attempt. Run it in a write transaction; a delivery another
/// replica claimed first is skipped.
pub fn claim_due(
    connection: &mut DbConnection,
    at: NaiveDateTime,
    lease: Duration,
    limit: i64,
) -> StoreResult<Vec<Claimed>> {
    let lease_until =
        at + TimeDelta::from_std(lease).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    let due: Vec<(String, String, String)> = webhook_deliveries::table
        .inner_join(webhook_endpoints::table)
        .filter(webhook_endpoints::active.eq(true))
        .filter(webhook_deliveries::state.eq_any(open_states()))
        .filter(webhook_deliveries::next_attempt_at.le(at))
        .filter(
            webhook_deliveries::claimed_until
                .is_null()
                .or(webhook_deliveries::claimed_until.lt(at)),
        )
        .order(webhook_deliveries::next_attempt_at.asc())
        .limit(limit)
        .select((
            webhook_deliveries::id,
            webhook_endpoints::url,
            webhook_endpoints::secret,
        ))
        .load(connection)?;
    let mut claimed = Vec::with_capacity(due.len());
    for (id, url, secret) in due {
        let won = diesel::update(
            webhook_deliveries::table
                .filter(webhook_deliveries::id.eq(&id))
                .filter(webhook_deliveries::state.eq_any(open_states()))
                .filter(
                    webhook_deliveries::claimed_until
                        .is_null()
                        .or(webhook_deliveries::claimed_until.lt(at)),
                ),
        )
        .set((
            webhook_deliveries::claimed_until.eq(Some(lease_until)),
            webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
        ))
        .execute(connection)?;
        if won == 1 {
            let delivery = webhook_deliveries::table
                .find(&id)
                .select(DeliveryRecord::as_select())
                .first(connection)?;
            claimed.push(Claimed {
                delivery,
                url,
                secret,
                lease: lease_until,
            });
        }
    }
    Ok(claimed)
}

/// The wait after a failed attempt (`attempts` made so far, from 1) before
/// the next: 1, 3, 12, 60, 360, then 2160 times `base` — with the default
/// base of 10 s: 10 s, 30 s, 2 min, 10 min, 1 h, 6 h, 6 h. `None` once
/// [`MAX_ATTEMPTS`] have failed: the delivery is given up.
pub fn retry_delay(attempts: i32, base: Duration) -> Option<Duration> {
    const FACTORS: [u32; 6] = [1, 3, 12, 60, 360, 2160];
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let step = usize::try_from(attempts.max(1) - 1).unwrap_or(0);
    Some(base.saturating_mul(FACTORS[step.min(FACTORS.len() - 1)]))
}

/// Records that the endpoint accepted a claimed delivery.
pub fn record_delivered(
    connection: &mut DbConnection,
    claimed: &Claimed,
    status: u16,
) -> StoreResult<()> {
    let at = now();
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(&claimed.delivery.id))
            .filter(webhook_deliveries::claimed_until.eq(claimed.lease)),
    )
    .set((
        webhook_deliveries::state.eq(DeliveryState::Delivered.as_str()),
        webhook_deliveries::last_status.eq(Some(i32::from(status))),
        webhook_deliveries::last_error.eq(None::<String>),
        webhook_deliveries::delivered_at.eq(Some(at)),
        webhook_deliveries::next_attempt_at.eq(None::<NaiveDateTime>),
        webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(connection)?;
    Ok(())
}

/// Records a failed attempt of a claimed delivery and schedules the next
/// one after [`retry_delay`], or gives the delivery up. Returns its new
/// state.
pub fn record_failed(
    connection: &mut DbConnection,
    claimed: &Claimed,
    status: Option<u16>,
    error: &str,
    base: Duration,
) -> StoreResult<DeliveryState> {
    let at = now();
    let active: bool = webhook_endpoints::table
        .find(&claimed.delivery.endpoint_id)
        .select(webhook_endpoints::active)
        .first(connection)?;
    let delay = if active {
        retry_delay(claimed.delivery.attempts, base)
    } else {
        None
    };
    let (state, next) = match delay {
        Some(delay) => (
            DeliveryState::Retrying,
            Some(
                at + TimeDelta::from_std(delay)
                    .map_err(|error| StoreError::Corrupt(error.to_string()))?,
            ),
        ),
        None => (DeliveryState::Failed, None),
    };
    let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(&claimed.delivery.id))
            .filter(webhook_deliveries::claimed_until.eq(claimed.lease)),
    )
    .set((
        webhook_deliveries::state.eq(state.as_str()),
        webhook_deliveries::last_status.eq(status.map(i32::from)),
        webhook_deliveries::last_error.eq(Some(error)),
        webhook_deliveries::next_attempt_at.eq(next),
        webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(connection)?;
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_ten_seconds_to_six_hours_then_give_up() {
        let base = Duration::from_secs(10);
        let delays: Vec<Option<u64>> = (1..=MAX_ATTEMPTS)
            .map(|attempts| retry_delay(attempts, base).map(|delay| delay.as_secs()))
            .collect();
        assert_eq!(
            delays,
            [
                Some(10),
                Some(30),
                Some(120),
                Some(600),
                Some(3600),
                Some(21_600),
                Some(21_600),
                None
            ]
        );
    }
}

//! Response types of the wire contract, built from what the store returns.
//!
//! The store answers with its own rows and records and with domain types; it
//! knows nothing of the wire. The functions here turn those into the
//! response types handlers send, one module per resource and one function
//! per type, so every handler answering with a type builds it the same way.
//! They take rows by reference and copy what they show.
//!
//! A stored value that does not parse is a fault of ours: it answers 500
//! through [`warren_store::StoreError::Corrupt`], as if the store had
//! reported it.

pub mod accounts;
pub mod alerts;
pub mod audit;
pub mod lending;
pub mod organizations;
pub mod places;
pub mod referrals;
pub mod supplies;
pub mod triage;
pub mod webhooks;

use chrono::{DateTime, NaiveDateTime, Utc};
use uuid::Uuid;
use warren_store::{StoreError, TimelineRow, parse_id, utc};
use warren_wire::TimelineEntry;

use crate::error::ApiError;

/// A stored identifier.
fn id(text: &str) -> Result<Uuid, ApiError> {
    Ok(parse_id(text)?)
}

/// A stored identifier that may be absent.
fn optional_id(text: Option<&str>) -> Result<Option<Uuid>, ApiError> {
    text.map(id).transpose()
}

/// A stored time that may be absent, as it goes on the wire.
fn time(value: Option<NaiveDateTime>) -> Option<DateTime<Utc>> {
    value.map(utc)
}

/// A stored JSON document, `what` naming it when it does not parse.
fn json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text)
        .map_err(|error| StoreError::Corrupt(format!("{what}: {error}")).into())
}

/// One entry of a timeline (a referral's or a loan's).
pub fn timeline_entry(row: &TimelineRow) -> TimelineEntry {
    TimelineEntry {
        at: utc(row.at),
        actor: row.actor.clone(),
        kind: row.kind.clone(),
        from: row.from.clone(),
        to: row.to.clone(),
        note: row.note.clone(),
    }
}

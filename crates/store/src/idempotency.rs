//! Idempotency records: the first answer to a creating request, kept so that
//! a retry with the same `Idempotency-Key` gets that answer again instead of
//! creating a second object.
//!
//! The record is written in the same transaction as the object it describes;
//! the primary key `(principal, idempotency_key)` makes two concurrent first
//! attempts impossible to both succeed.

use diesel::prelude::*;

use crate::schema::idempotency_keys;
use crate::{DbConnection, StoreResult, now};

/// A stored answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    /// A digest of the request that produced it.
    pub fingerprint: String,
    /// The HTTP status sent.
    pub status: u16,
    /// The JSON body sent.
    pub body: String,
}

/// The answer stored for `key`, if any.
pub fn find(
    connection: &mut DbConnection,
    principal: &str,
    key: &str,
) -> StoreResult<Option<StoredAnswer>> {
    let row = idempotency_keys::table
        .filter(idempotency_keys::principal.eq(principal))
        .filter(idempotency_keys::idempotency_key.eq(key))
        .select((
            idempotency_keys::fingerprint,
            idempotency_keys::status,
            idempotency_keys::body,
        ))
        .first::<(String, i32, String)>(connection)
        .optional()?;
    Ok(row.map(|(fingerprint, status, body)| StoredAnswer {
        fingerprint,
        status: u16::try_from(status).unwrap_or(200),
        body,
    }))
}

/// Stores the answer for `key`; fails with a conflict if one exists already.
pub fn save(
    connection: &mut DbConnection,
    principal: &str,
    key: &str,
    answer: &StoredAnswer,
) -> StoreResult<()> {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::principal.eq(principal),
            idempotency_keys::idempotency_key.eq(key),
            idempotency_keys::fingerprint.eq(&answer.fingerprint),
            idempotency_keys::status.eq(i32::from(answer.status)),
            idempotency_keys::body.eq(&answer.body),
            idempotency_keys::created_at.eq(now()),
        ))
        .execute(connection)?;
    Ok(())
}

//! Bulk writes for seeding a large synthetic network (`warren bench-seed`):
//! referrals, items and loans already in their final state, with their
//! timelines, many rows to a statement.
//!
//! The rows go into the same tables, with the same columns, as the store's
//! one-row writes, so the server reads them as it reads any other data. No
//! rule is checked here: callers hand over rows the rules would have
//! produced. Each call writes its rows in statements small enough for
//! SQLite's limit on bound values; run it inside a transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::lending::{ItemRow, ReservationRow};
use crate::referrals::ReferralRow;
use crate::schema::{items, referral_events, referrals, reservation_events, reservations};
use crate::{DbConnection, StoreResult};

/// Runs a multi-row insert on the connection's own backend: diesel's
/// `MultiConnection` cannot build one for SQLite.
macro_rules! execute_on_backend {
    ($connection:expr, $statement:expr) => {
        match $connection {
            DbConnection::Pg(pg) => $statement.execute(pg),
            DbConnection::Sqlite(sqlite) => $statement.execute(sqlite),
        }
    };
}

/// Bound values a statement may carry: SQLite's default limit is 32,766.
const MAX_BOUND_VALUES: usize = 30_000;

/// Rows of `columns` columns that fit in one statement.
fn rows_per_statement(columns: usize) -> usize {
    (MAX_BOUND_VALUES / columns).max(1)
}

/// A timeline entry of a referral or a loan: who did what, when.
#[derive(Debug, Clone)]
pub struct TimelineEvent {
    /// The referral or the reservation.
    pub subject_id: String,
    /// When.
    pub at: NaiveDateTime,
    /// Who (a person's name, or `Warren`).
    pub actor: String,
    /// The entry's kind: `created`, `status`, `outcome`, `escalated`, …
    pub kind: String,
    /// The status before.
    pub from_status: Option<String>,
    /// The status after.
    pub to_status: Option<String>,
    /// Words shown with the entry.
    pub note: Option<String>,
}

/// Columns of a timeline entry (the id is generated).
const EVENT_COLUMNS: usize = 7;
/// Columns of a referral row.
const REFERRAL_COLUMNS: usize = 43;
/// Columns of an item row.
const ITEM_COLUMNS: usize = 17;
/// Columns of a reservation row.
const RESERVATION_COLUMNS: usize = 32;

/// Writes referrals, complete rows as they would stand after their moves.
pub fn insert_referrals(connection: &mut DbConnection, rows: &[ReferralRow]) -> StoreResult<()> {
    for chunk in rows.chunks(rows_per_statement(REFERRAL_COLUMNS)) {
        execute_on_backend!(
            connection,
            diesel::insert_into(referrals::table).values(chunk)
        )?;
    }
    Ok(())
}

/// Appends referral timeline entries.
pub fn insert_referral_events(
    connection: &mut DbConnection,
    events: &[TimelineEvent],
) -> StoreResult<()> {
    for chunk in events.chunks(rows_per_statement(EVENT_COLUMNS)) {
        let values: Vec<_> = chunk
            .iter()
            .map(|event| {
                (
                    referral_events::referral_id.eq(&event.subject_id),
                    referral_events::at.eq(event.at),
                    referral_events::actor.eq(&event.actor),
                    referral_events::kind.eq(&event.kind),
                    referral_events::from_status.eq(&event.from_status),
                    referral_events::to_status.eq(&event.to_status),
                    referral_events::note.eq(&event.note),
                )
            })
            .collect();
        execute_on_backend!(
            connection,
            diesel::insert_into(referral_events::table).values(values)
        )?;
    }
    Ok(())
}

/// Writes kit items.
pub fn insert_items(connection: &mut DbConnection, rows: &[ItemRow]) -> StoreResult<()> {
    for chunk in rows.chunks(rows_per_statement(ITEM_COLUMNS)) {
        execute_on_backend!(connection, diesel::insert_into(items::table).values(chunk))?;
    }
    Ok(())
}

/// Writes reservations and loans, complete rows as they would stand after
/// their moves. On PostgreSQL the no-overlap constraint still applies.
pub fn insert_reservations(
    connection: &mut DbConnection,
    rows: &[ReservationRow],
) -> StoreResult<()> {
    for chunk in rows.chunks(rows_per_statement(RESERVATION_COLUMNS)) {
        execute_on_backend!(
            connection,
            diesel::insert_into(reservations::table).values(chunk)
        )?;
    }
    Ok(())
}

/// Appends loan timeline entries.
pub fn insert_reservation_events(
    connection: &mut DbConnection,
    events: &[TimelineEvent],
) -> StoreResult<()> {
    for chunk in events.chunks(rows_per_statement(EVENT_COLUMNS)) {
        let values: Vec<_> = chunk
            .iter()
            .map(|event| {
                (
                    reservation_events::reservation_id.eq(&event.subject_id),
                    reservation_events::at.eq(event.at),
                    reservation_events::actor.eq(&event.actor),
                    reservation_events::kind.eq(&event.kind),
                    reservation_events::from_status.eq(&event.from_status),
                    reservation_events::to_status.eq(&event.to_status),
                    reservation_events::note.eq(&event.note),
                )
            })
            .collect();
        execute_on_backend!(
            connection,
            diesel::insert_into(reservation_events::table).values(values)
        )?;
    }
    Ok(())
}

/// After a bulk load: on PostgreSQL, what autovacuum would soon do on a live
/// server — refresh the planner's statistics and the visibility map (which
/// index-only scans need). SQLite keeps no statistics unless asked.
/// Outside any transaction.
pub fn settle(connection: &mut DbConnection) -> StoreResult<()> {
    if let DbConnection::Pg(pg) = connection {
        diesel::connection::SimpleConnection::batch_execute(pg, "VACUUM ANALYZE")?;
    }
    Ok(())
}

//! Rate-limit windows shared by replicas (see the `rate_limits` migration).
//!
//! A limit counts hits per key in fixed windows (a minute, an hour). Each
//! replica adds its hits to the window's row and reads back the total every
//! replica has counted, in one statement, so the limit holds for the whole
//! deployment rather than per process.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::schema::rate_limit_windows;
use crate::{DbConnection, StoreResult};

#[derive(QueryableByName)]
struct Total {
    #[diesel(sql_type = BigInt)]
    hits: i64,
}

const ADD: &str = "INSERT INTO rate_limit_windows (bucket, key, window_start, hits) \
     VALUES ($1, $2, $3, $4) \
     ON CONFLICT (bucket, key, window_start) \
     DO UPDATE SET hits = rate_limit_windows.hits + excluded.hits \
     RETURNING hits";

/// Adds `hits` to `key`'s window starting at `window_start` (Unix seconds) in
/// `bucket`, and returns the window's total across every replica.
pub fn add(
    connection: &mut DbConnection,
    bucket: &str,
    key: &str,
    window_start: i64,
    hits: i64,
) -> StoreResult<i64> {
    let query = diesel::sql_query(ADD)
        .bind::<Text, _>(bucket)
        .bind::<Text, _>(key)
        .bind::<BigInt, _>(window_start)
        .bind::<BigInt, _>(hits);
    let total: Total = match connection {
        DbConnection::Pg(pg) => query.get_result(pg)?,
        DbConnection::Sqlite(sqlite) => query.get_result(sqlite)?,
    };
    Ok(total.hits)
}

/// `key`'s total in the window starting at `window_start`, 0 when none.
pub fn hits(
    connection: &mut DbConnection,
    bucket: &str,
    key: &str,
    window_start: i64,
) -> StoreResult<i64> {
    Ok(rate_limit_windows::table
        .filter(rate_limit_windows::bucket.eq(bucket))
        .filter(rate_limit_windows::key.eq(key))
        .filter(rate_limit_windows::window_start.eq(window_start))
        .select(rate_limit_windows::hits)
        .first(connection)
        .optional()?
        .unwrap_or(0))
}

/// Every key's totals in `bucket` for the windows starting at or after
/// `since`: `(key, window_start, hits)`.
pub fn totals(
    connection: &mut DbConnection,
    bucket: &str,
    since: i64,
) -> StoreResult<Vec<(String, i64, i64)>> {
    Ok(rate_limit_windows::table
        .filter(rate_limit_windows::bucket.eq(bucket))
        .filter(rate_limit_windows::window_start.ge(since))
        .select((
            rate_limit_windows::key,
            rate_limit_windows::window_start,
            rate_limit_windows::hits,
        ))
        .load(connection)?)
}

/// Removes the windows that started before `before` (Unix seconds).
pub fn sweep(connection: &mut DbConnection, before: i64) -> StoreResult<usize> {
    Ok(diesel::delete(
        rate_limit_windows::table.filter(rate_limit_windows::window_start.lt(before)),
    )
    .execute(connection)?)
}

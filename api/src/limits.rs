//! Rate limits: so many hits per key (a client address, an account, a
//! partner key) in a minute or an hour.
//!
//! **One process (SQLite).** The limit is counted in memory by `governor`.
//!
//! **Several replicas (PostgreSQL).** Counting per process would let N
//! replicas behind a load balancer allow N times the limit, so replicas share
//! their counts in the `rate_limit_windows` table, keyed by the SHA-256 of the
//! key (no address or e-mail is stored). The count is a sliding window: the
//! current fixed window's hits plus the previous window's, weighted by how
//! much of it still overlaps the last `window` — so a burst split across a
//! window's edge is still one burst. Two ways to share:
//!
//! - [`Sharing::EveryHit`] adds each hit to the database before answering.
//!   For signing in, resets, applications and invitations: rare requests that
//!   hash a password or send an e-mail anyway, where the limit must be exact.
//! - [`Sharing::Batched`] counts in memory and exchanges counts with the
//!   database every second ([`RateLimit::exchange`]). For the public
//!   directory, whose searches are answered from memory and must stay cheap:
//!   a client hammering several replicas is refused within about a second of
//!   reaching the limit, instead of at once.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use actix_web::web;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use warren_store::{Backend, Store, rate_limits};

use crate::error::ApiError;

/// How a limit is shared between replicas on PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    /// Every hit goes to the database before the answer.
    EveryHit,
    /// Hits are counted in memory and exchanged every second.
    Batched,
}

/// One limit: `allowed` hits per key per `window`.
pub struct RateLimit {
    bucket: &'static str,
    allowed: i64,
    window: i64,
    counter: Counter,
}

enum Counter {
    Local(DefaultKeyedRateLimiter<String>),
    EveryHit(Store),
    Batched(Store, Mutex<HashMap<String, Tally>>),
}

/// What a replica knows of one key under [`Sharing::Batched`].
#[derive(Debug, Default)]
struct Tally {
    window_start: i64,
    /// This window's hits counted by every replica, as of the last exchange.
    current: i64,
    /// The previous window's hits, likewise.
    previous: i64,
    /// This replica's hits not yet added to the database, by window.
    pending: Vec<(i64, i64)>,
}

impl Tally {
    fn pending_in(&self, window_start: i64) -> i64 {
        self.pending
            .iter()
            .filter(|(start, _)| *start == window_start)
            .map(|(_, hits)| hits)
            .sum()
    }

    /// Moves on to the window starting at `window_start`.
    fn roll(&mut self, window_start: i64, window: i64) {
        if self.window_start == window_start {
            return;
        }
        self.previous = if self.window_start == window_start - window {
            self.current + self.pending_in(self.window_start)
        } else {
            0
        };
        self.current = 0;
        self.window_start = window_start;
    }
}

/// The hits a sliding window of `window` seconds holds `elapsed` seconds into
/// the current fixed window: all of the current window's, and the share of
/// the previous window's that still overlaps, rounded up (a limit errs on
/// the side of refusing).
fn sliding(previous: i64, current: i64, elapsed: i64, window: i64) -> i64 {
    current + (previous * (window - elapsed) + window - 1).div_euclid(window)
}

fn now_seconds() -> i64 {
    chrono::Utc::now().timestamp()
}

impl RateLimit {
    /// A limit of `allowed` hits per key per `window` (a minute or an hour),
    /// counted in memory on SQLite and shared as `sharing` says on
    /// PostgreSQL. `bucket` names it in the shared table.
    pub fn new(
        store: &Store,
        bucket: &'static str,
        allowed: u32,
        window: Duration,
        sharing: Sharing,
    ) -> Self {
        let allowed = allowed.max(1);
        let counter = match (store.backend(), sharing) {
            (Backend::Sqlite, _) => {
                let burst = NonZeroU32::new(allowed).unwrap_or(NonZeroU32::MIN);
                let quota = Quota::with_period(window / allowed)
                    .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
                    .allow_burst(burst);
                Counter::Local(RateLimiter::keyed(quota))
            }
            (Backend::Postgres, Sharing::EveryHit) => Counter::EveryHit(store.clone()),
            (Backend::Postgres, Sharing::Batched) => {
                Counter::Batched(store.clone(), Mutex::new(HashMap::new()))
            }
        };
        Self {
            bucket,
            allowed: i64::from(allowed),
            window: i64::try_from(window.as_secs()).unwrap_or(60).max(1),
            counter,
        }
    }

    /// The hits the sliding window holds at `elapsed` seconds into the
    /// current window.
    fn estimate(&self, previous: i64, current: i64, elapsed: i64) -> i64 {
        sliding(previous, current, elapsed, self.window)
    }

    fn refused(&self, elapsed: i64) -> ApiError {
        ApiError::RateLimited {
            retry_after: u64::try_from(self.window - elapsed).unwrap_or(1).max(1),
        }
    }

    /// Counts a hit for `key`; refuses it (429 with `Retry-After`) past the
    /// limit. A refused hit is not counted.
    pub async fn check(&self, key: &str) -> Result<(), ApiError> {
        let now = now_seconds();
        let window_start = now - now.rem_euclid(self.window);
        let elapsed = now - window_start;
        match &self.counter {
            Counter::Local(limiter) => limiter.check_key(&key.to_owned()).map_err(|not_until| {
                let wait = not_until.wait_time_from(governor::clock::Clock::now(
                    &governor::clock::DefaultClock::default(),
                ));
                ApiError::RateLimited {
                    retry_after: wait.as_secs().max(1),
                }
            }),
            Counter::EveryHit(store) => {
                let store = store.clone();
                let (bucket, allowed, window) = (self.bucket, self.allowed, self.window);
                let key = warren_store::credentials::digest(key);
                let admitted = web::block(move || {
                    store.write(|connection| {
                        let current = rate_limits::add(connection, bucket, &key, window_start, 1)?;
                        let previous =
                            rate_limits::hits(connection, bucket, &key, window_start - window)?;
                        let held = sliding(previous, current, elapsed, window);
                        if held > allowed {
                            rate_limits::add(connection, bucket, &key, window_start, -1)?;
                        }
                        Ok::<_, warren_store::StoreError>(held <= allowed)
                    })
                })
                .await??;
                if admitted {
                    Ok(())
                } else {
                    Err(self.refused(elapsed))
                }
            }
            Counter::Batched(_, tallies) => {
                let key = warren_store::credentials::digest(key);
                let mut tallies = tallies.lock().unwrap_or_else(|poison| poison.into_inner());
                let tally = tallies.entry(key).or_default();
                tally.roll(window_start, self.window);
                let held = self.estimate(
                    tally.previous,
                    tally.current + tally.pending_in(window_start) + 1,
                    elapsed,
                );
                if held > self.allowed {
                    return Err(self.refused(elapsed));
                }
                match tally
                    .pending
                    .iter_mut()
                    .find(|(start, _)| *start == window_start)
                {
                    Some((_, hits)) => *hits += 1,
                    None => tally.pending.push((window_start, 1)),
                }
                Ok(())
            }
        }
    }

    /// Under [`Sharing::Batched`]: adds this replica's pending hits to the
    /// database and learns every replica's totals for the current and
    /// previous windows. Run every second. Elsewhere it forgets idle keys.
    pub async fn exchange(&self) {
        let (store, tallies) = match &self.counter {
            Counter::Local(limiter) => {
                limiter.retain_recent();
                return;
            }
            Counter::EveryHit(_) => return,
            Counter::Batched(store, tallies) => (store.clone(), tallies),
        };
        let now = now_seconds();
        let window_start = now - now.rem_euclid(self.window);
        let since = window_start - self.window;
        let pending: Vec<(String, i64, i64)> = {
            let mut tallies = tallies.lock().unwrap_or_else(|poison| poison.into_inner());
            tallies
                .iter_mut()
                .flat_map(|(key, tally)| {
                    std::mem::take(&mut tally.pending)
                        .into_iter()
                        .filter(|(start, _)| *start >= since)
                        .map(|(start, hits)| (key.clone(), start, hits))
                })
                .collect()
        };
        let bucket = self.bucket;
        let sent = pending.clone();
        let totals = web::block(move || {
            store.write(|connection| {
                for (key, start, hits) in &sent {
                    rate_limits::add(connection, bucket, key, *start, *hits)?;
                }
                rate_limits::totals(connection, bucket, since)
            })
        })
        .await;
        let mut tallies = tallies.lock().unwrap_or_else(|poison| poison.into_inner());
        match totals {
            Ok(Ok(totals)) => {
                for (key, start, hits) in totals {
                    let tally = tallies.entry(key).or_default();
                    tally.roll(window_start, self.window);
                    if start == window_start {
                        tally.current = hits;
                    } else if start == since {
                        tally.previous = hits;
                    }
                }
            }
            Ok(Err(error)) => {
                tracing::warn!(%error, bucket, "could not share rate-limit counts");
                for (key, start, hits) in pending {
                    tallies.entry(key).or_default().pending.push((start, hits));
                }
            }
            Err(error) => tracing::warn!(%error, bucket, "could not share rate-limit counts"),
        }
        tallies.retain(|_, tally| tally.window_start >= since || !tally.pending.is_empty());
    }
}

/// Removes shared windows older than two hours (PostgreSQL), so the table
/// holds only what the limits still read.
pub fn sweep(store: &Store) -> Result<usize, ApiError> {
    if store.backend() != Backend::Postgres {
        return Ok(0);
    }
    Ok(store.write(|connection| rate_limits::sweep(connection, now_seconds() - 7200))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_previous_window_counts_for_what_still_overlaps() {
        assert_eq!(sliding(6, 1, 0, 60), 7);
        assert_eq!(sliding(6, 1, 1, 60), 7);
        assert_eq!(sliding(6, 1, 30, 60), 4);
        assert_eq!(sliding(6, 1, 59, 60), 2);
        assert_eq!(sliding(0, 3, 10, 60), 3);
    }

    #[test]
    fn a_tally_carries_its_window_into_the_next_and_forgets_older_ones() {
        let mut tally = Tally {
            window_start: 60,
            current: 4,
            previous: 9,
            pending: vec![(60, 2)],
        };
        tally.roll(120, 60);
        assert_eq!(
            (tally.previous, tally.current, tally.window_start),
            (6, 0, 120)
        );
        tally.roll(300, 60);
        assert_eq!((tally.previous, tally.current), (0, 0));
    }
}

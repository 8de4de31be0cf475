//! The lending part of `cargo xtask bench`: reservation latency under contention.
//!
//! Round after round, many requests for the same item and the same window arrive at
//! once, all with the same urgency. The owner approves free requests automatically,
//! so the database's no-overlap rule alone decides: exactly one request per round
//! must be granted (201, `reserved`) and every other one refused (409). The report
//! gives the latency of all of them and counts the rounds that did not end with
//! exactly one reservation.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::{TimeDelta, Utc};
use hdrhistogram::Histogram;
use hyper::body::Bytes;

use crate::bench_referrals::{Referrer, connect, send};

/// The endpoint under test, as the report names it.
pub const RESERVE: &str = "POST …/loans (contended)";

/// What the contention run measured.
pub struct Contention {
    /// Rounds run.
    pub rounds: usize,
    /// Requests per round.
    pub contenders: usize,
    /// Requests answered 201 or 409.
    pub answered: u64,
    /// Requests answered otherwise, or not at all.
    pub errors: u64,
    /// Latencies of answered requests, in microseconds.
    pub latency: Histogram<u64>,
    /// Rounds that did not end with exactly one reservation.
    pub wrong_rounds: usize,
    /// How long the run lasted.
    pub elapsed: Duration,
    /// What went wrong first, when something did.
    pub first_error: Option<String>,
}

impl Contention {
    /// A latency quantile.
    pub fn percentile(&self, quantile: f64) -> Duration {
        Duration::from_micros(self.latency.value_at_quantile(quantile))
    }

    /// Answered requests a second.
    pub fn throughput(&self) -> f64 {
        self.answered as f64 / self.elapsed.as_secs_f64()
    }
}

/// `rounds` rounds of `contenders` simultaneous requests for one slot of one item.
pub async fn contend(
    addr: SocketAddr,
    referrer: Arc<Referrer>,
    rounds: usize,
    contenders: usize,
) -> Result<Contention> {
    anyhow::ensure!(
        !referrer.kit_items.is_empty(),
        "bench-referrer.json names no kit items: did bench-seed run?"
    );
    let path = format!("/api/v1/organizations/{}/loans", referrer.organization_id);
    let mut senders = Vec::with_capacity(contenders);
    for _ in 0..contenders {
        senders.push(connect(addr).await?);
    }
    let mut outcome = Contention {
        rounds,
        contenders,
        answered: 0,
        errors: 0,
        latency: Histogram::new_with_bounds(1, 60_000_000, 3)?,
        wrong_rounds: 0,
        elapsed: Duration::ZERO,
        first_error: None,
    };
    let base = Utc::now() + TimeDelta::days(2);
    let started = Instant::now();
    for round in 0..rounds {
        let item = &referrer.kit_items[round % referrer.kit_items.len()];
        // Each round a fresh slot: later rounds on the same item start later.
        let starts = base + TimeDelta::hours(3 * i64::try_from(round).unwrap_or(0));
        let body = Bytes::from(
            serde_json::json!({
                "item_id": item,
                "window": {"starts": starts, "ends": starts + TimeDelta::hours(2)},
                "urgency": {
                    "tier": "urgent",
                    "justification": "Guinea pig in respiratory distress needs oxygen",
                },
            })
            .to_string(),
        );
        let mut tasks = Vec::with_capacity(contenders);
        for mut sender in senders.drain(..) {
            let referrer = referrer.clone();
            let path = path.clone();
            let body = body.clone();
            tasks.push(tokio::spawn(async move {
                let sent = Instant::now();
                let answer = send(
                    &mut sender,
                    addr,
                    &referrer,
                    hyper::Method::POST,
                    &path,
                    None,
                    body,
                )
                .await;
                (sender, sent.elapsed(), answer)
            }));
        }
        let mut granted = 0;
        for task in tasks {
            let (sender, took, answer) = task.await?;
            match answer {
                Ok((status @ (201 | 409), _, _)) => {
                    outcome.answered += 1;
                    outcome.latency.saturating_record(took.as_micros() as u64);
                    if status == 201 {
                        granted += 1;
                    }
                    senders.push(sender);
                }
                Ok((status, _, body)) => {
                    outcome.errors += 1;
                    outcome.first_error.get_or_insert(format!(
                        "HTTP {status}: {}",
                        String::from_utf8_lossy(&body)
                    ));
                    senders.push(sender);
                }
                Err(error) => {
                    outcome.errors += 1;
                    outcome.first_error.get_or_insert(format!("{error:#}"));
                    senders.push(connect(addr).await?);
                }
            }
        }
        if granted != 1 {
            outcome.wrong_rounds += 1;
            outcome
                .first_error
                .get_or_insert(format!("round {round} granted {granted} reservations"));
        }
    }
    outcome.elapsed = started.elapsed();
    Ok(outcome)
}

//! The referral part of `cargo xtask bench`: creation throughput and latency under
//! concurrent load, with client retries, and a count afterwards proving that every
//! acknowledged referral was stored once — none lost, none doubled.
//!
//! Each request carries a fresh `Idempotency-Key`; one in ten is sent a second time with
//! the same key, as a client that lost the first answer would. The retry must be answered
//! with the first answer (`Idempotent-Replayed: true`, the same case), and the stored
//! referrals must number exactly the acknowledged first sends.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

/// The endpoint under test, as the report names it.
pub const CREATE: &str = "POST …/referrals";
/// Referral creation must reach this many a second.
pub const TARGET_RATE: f64 = 1000.0;
/// And keep its p99 within this.
pub const TARGET_P99: Duration = Duration::from_millis(50);
/// A request that takes longer than this counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Who refers, written by `warren bench-seed` into the data folder.
#[derive(serde::Deserialize)]
pub struct Referrer {
    /// The referring (and borrowing) organization.
    pub organization_id: String,
    api_key: String,
    receivers: Vec<String>,
    /// Kit items of another organization, lent without approval.
    #[serde(default)]
    pub kit_items: Vec<String>,
}

impl Referrer {
    /// A tier 1 referral (a rat that cannot breathe) to one of the receivers, in turn.
    pub fn urgent_body(&self, index: u64) -> Bytes {
        let receiver = &self.receivers[usize::try_from(index).unwrap_or(0) % self.receivers.len()];
        Bytes::from(
            serde_json::json!({
                "receivers": [receiver],
                "species": "small_mammal/rat",
                "patient": {"name": format!("Urgent rat {index}"), "weight_grams": 350},
                "reason": "Open-mouth breathing, blue gums",
                "priority": "immediate",
            })
            .to_string(),
        )
    }

    /// Reads `bench-referrer.json` from the data folder.
    pub fn read(data_dir: &Path) -> Result<Self> {
        let referrer: Self = read_seeded(data_dir)?;
        anyhow::ensure!(
            !referrer.receivers.is_empty(),
            "{} names no receivers",
            data_dir.join(SEEDED).display()
        );
        Ok(referrer)
    }
}

/// What `warren bench-seed` writes into the data folder.
const SEEDED: &str = "bench-referrer.json";

/// Reads what `warren bench-seed` wrote into `data_dir`, or the part of it
/// that `T` takes.
pub fn read_seeded<T: serde::de::DeserializeOwned>(data_dir: &Path) -> Result<T> {
    let path = data_dir.join(SEEDED);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("could not read {}", path.display()))
}

/// What the creation run measured and what the count found.
pub struct Outcome {
    /// First sends: requests, errors, latency.
    pub requests: u64,
    /// Failed first sends.
    pub errors: u64,
    /// How long the run lasted.
    pub elapsed: Duration,
    /// Latencies of first sends, in microseconds.
    pub latency: Histogram<u64>,
    /// Retries sent.
    pub retries: u64,
    /// Retries not answered with the first answer.
    pub retry_mismatches: u64,
    /// Referrals acknowledged (201 to a first send), over warm-up and run.
    pub acknowledged: u64,
    /// Referrals stored, counted afterwards.
    pub stored: u64,
    /// What went wrong first, when something did.
    pub first_error: Option<String>,
}

impl Outcome {
    /// Acknowledged referrals a second.
    pub fn throughput(&self) -> f64 {
        (self.requests - self.errors) as f64 / self.elapsed.as_secs_f64()
    }

    /// A latency quantile.
    pub fn percentile(&self, quantile: f64) -> Duration {
        Duration::from_micros(self.latency.value_at_quantile(quantile))
    }
}

pub(crate) async fn connect(addr: SocketAddr) -> Result<SendRequest<Full<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

/// Sends one request with the referrer's key: the status, whether it was a replay, the body.
pub(crate) async fn send(
    sender: &mut SendRequest<Full<Bytes>>,
    addr: SocketAddr,
    referrer: &Referrer,
    method: hyper::Method,
    path: &str,
    idempotency_key: Option<&str>,
    body: Bytes,
) -> Result<(u16, bool, Bytes)> {
    let exchange = async {
        sender.ready().await?;
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header(hyper::header::HOST, addr.to_string())
            .header("X-API-Key", &referrer.api_key)
            .header(hyper::header::CONTENT_TYPE, "application/json");
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        let response = sender.send_request(request.body(Full::new(body))?).await?;
        let status = response.status().as_u16();
        let replayed = response.headers().contains_key("idempotent-replayed");
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, replayed, body))
    };
    tokio::time::timeout(REQUEST_TIMEOUT, exchange)
        .await
        .with_context(|| format!("{path} took more than {REQUEST_TIMEOUT:?}"))?
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds")
}

fn case_of(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|value| value["case_id"].as_str().map(str::to_owned))
}

/// A referral of a rat in respiratory distress to one of the receivers.
fn referral_body(referrer: &Referrer, rng: &mut StdRng) -> Bytes {
    let receiver = referrer.receivers.choose(rng).cloned().unwrap_or_default();
    Bytes::from(
        serde_json::json!({
            "receivers": [receiver],
            "species": "small_mammal/rat",
            "patient": {"name": "Benchmark rat", "weight_grams": 350},
            "reason": "Laboured breathing since this morning",
            "priority": "urgent",
        })
        .to_string(),
    )
}

struct Worker {
    latency: Histogram<u64>,
    requests: u64,
    errors: u64,
    retries: u64,
    retry_mismatches: u64,
    acknowledged: u64,
    first_error: Option<String>,
}

/// `connections` referrers creating referrals as fast as they are answered for `duration`.
pub async fn create(
    addr: SocketAddr,
    referrer: Arc<Referrer>,
    connections: usize,
    duration: Duration,
    run: &str,
) -> Result<Outcome> {
    let started = Instant::now();
    let deadline = started + duration;
    let path = format!(
        "/api/v1/organizations/{}/referrals",
        referrer.organization_id
    );
    let mut tasks = Vec::new();
    for worker in 0..connections {
        let referrer = referrer.clone();
        let path = path.clone();
        let run = run.to_owned();
        let mut sender = connect(addr).await?;
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(1_000 + worker as u64);
            let mut state = Worker {
                latency: histogram(),
                requests: 0,
                errors: 0,
                retries: 0,
                retry_mismatches: 0,
                acknowledged: 0,
                first_error: None,
            };
            let mut sequence = 0_u64;
            while Instant::now() < deadline {
                sequence += 1;
                let key = format!("bench-{run}-{worker}-{sequence}");
                let body = referral_body(&referrer, &mut rng);
                let sent = Instant::now();
                let first = send(
                    &mut sender,
                    addr,
                    &referrer,
                    hyper::Method::POST,
                    &path,
                    Some(&key),
                    body.clone(),
                )
                .await;
                state.requests += 1;
                let case = match first {
                    Ok((201, false, answer)) => {
                        state
                            .latency
                            .saturating_record(sent.elapsed().as_micros() as u64);
                        state.acknowledged += 1;
                        case_of(&answer)
                    }
                    Ok((status, _, answer)) => {
                        state.errors += 1;
                        state.first_error.get_or_insert(format!(
                            "HTTP {status}: {}",
                            String::from_utf8_lossy(&answer)
                        ));
                        continue;
                    }
                    Err(error) => {
                        state.errors += 1;
                        state.first_error.get_or_insert(format!("{error:#}"));
                        sender = connect(addr).await?;
                        continue;
                    }
                };
                if rng.random_ratio(1, 10) {
                    state.retries += 1;
                    let again = send(
                        &mut sender,
                        addr,
                        &referrer,
                        hyper::Method::POST,
                        &path,
                        Some(&key),
                        body,
                    )
                    .await;
                    let same = matches!(&again, Ok((201, true, answer)) if case_of(answer) == case);
                    if !same {
                        state.retry_mismatches += 1;
                        state
                            .first_error
                            .get_or_insert(format!("a retry was not replayed: {again:?}"));
                    }
                }
            }
            Ok::<_, anyhow::Error>(state)
        }));
    }
    let mut outcome = Outcome {
        requests: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latency: histogram(),
        retries: 0,
        retry_mismatches: 0,
        acknowledged: 0,
        stored: 0,
        first_error: None,
    };
    for task in tasks {
        let worker = task.await??;
        outcome.latency.add(&worker.latency)?;
        outcome.requests += worker.requests;
        outcome.errors += worker.errors;
        outcome.retries += worker.retries;
        outcome.retry_mismatches += worker.retry_mismatches;
        outcome.acknowledged += worker.acknowledged;
        if outcome.first_error.is_none() {
            outcome.first_error = worker.first_error;
        }
    }
    outcome.elapsed = started.elapsed();
    Ok(outcome)
}

/// Referrals sent at a steady `rate` a second for `duration`, each on an idle
/// connection or a new one, whatever the answers take (an open loop: a slow
/// answer does not slow the senders down). Latency counts from when each
/// request was due, so queueing shows in it.
pub async fn create_at_rate(
    addr: SocketAddr,
    referrer: Arc<Referrer>,
    rate: u32,
    duration: Duration,
) -> Result<Outcome> {
    let total = (u64::from(rate) * duration.as_secs()).max(1);
    let interval = Duration::from_secs(1) / rate.max(1);
    let path = format!(
        "/api/v1/organizations/{}/referrals",
        referrer.organization_id
    );
    let (due_sender, mut due) = tokio::sync::mpsc::unbounded_channel::<(Instant, u64)>();
    // The schedule runs on a thread of its own: the OS sleeps to within tens of
    // microseconds, the async timer only to the millisecond.
    let start = Instant::now() + Duration::from_millis(20);
    let scheduler = std::thread::spawn(move || {
        for index in 0..total {
            let at = start + interval * u32::try_from(index).unwrap_or(u32::MAX);
            let now = Instant::now();
            if at > now {
                std::thread::sleep(at - now);
            }
            if due_sender.send((at, index)).is_err() {
                return;
            }
        }
    });
    let idle: Arc<std::sync::Mutex<Vec<SendRequest<Full<Bytes>>>>> = Arc::default();
    let mut tasks = Vec::new();
    while let Some((at, index)) = due.recv().await {
        let idle = idle.clone();
        let referrer = referrer.clone();
        let path = path.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(50_000 + index);
            let body = referral_body(&referrer, &mut rng);
            let key = format!("bench-open-{index}");
            let pooled = idle.lock().ok().and_then(|mut idle| idle.pop());
            let was_pooled = pooled.is_some();
            let mut answer = Err(anyhow::anyhow!("not sent"));
            // An idle connection the server has just closed fails at once:
            // send again on a new one, with the same key, as a client would.
            for sender in [pooled, None].into_iter().take(1 + usize::from(was_pooled)) {
                let sender = match sender {
                    Some(sender) => Ok(sender),
                    None => connect(addr).await,
                };
                answer = match sender {
                    Ok(mut sender) => {
                        let answer = send(
                            &mut sender,
                            addr,
                            &referrer,
                            hyper::Method::POST,
                            &path,
                            Some(&key),
                            body.clone(),
                        )
                        .await;
                        if answer.is_ok()
                            && let Ok(mut idle) = idle.lock()
                        {
                            idle.push(sender);
                        }
                        answer
                    }
                    Err(error) => Err(error),
                };
                if answer.is_ok() {
                    break;
                }
            }
            (at.elapsed(), answer)
        }));
    }
    let mut outcome = Outcome {
        requests: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latency: histogram(),
        retries: 0,
        retry_mismatches: 0,
        acknowledged: 0,
        stored: 0,
        first_error: None,
    };
    for task in tasks {
        let (took, answer) = task.await?;
        outcome.requests += 1;
        match answer {
            Ok((201, _, _)) => {
                outcome.latency.saturating_record(took.as_micros() as u64);
                outcome.acknowledged += 1;
            }
            Ok((status, _, body)) => {
                outcome.errors += 1;
                outcome
                    .first_error
                    .get_or_insert(format!("HTTP {status}: {}", String::from_utf8_lossy(&body)));
            }
            Err(error) => {
                outcome.errors += 1;
                outcome.first_error.get_or_insert(format!("{error:#}"));
            }
        }
    }
    outcome.elapsed = start.elapsed();
    let _ = scheduler.join();
    Ok(outcome)
}

/// Counts the referrer's referrals through its board, page by page.
pub async fn count(addr: SocketAddr, referrer: &Referrer) -> Result<u64> {
    let mut sender = connect(addr).await?;
    let mut cursor: Option<String> = None;
    let mut stored = 0;
    loop {
        let mut path = format!(
            "/api/v1/organizations/{}/referrals?box=outgoing&state=all&limit=200",
            referrer.organization_id
        );
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let (status, _, body) = send(
            &mut sender,
            addr,
            referrer,
            hyper::Method::GET,
            &path,
            None,
            Bytes::new(),
        )
        .await?;
        anyhow::ensure!(status == 200, "GET {path} answered {status}");
        let page: serde_json::Value = serde_json::from_slice(&body)?;
        stored += page["items"].as_array().map_or(0, Vec::len) as u64;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return Ok(stored),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Referrer, SEEDED};
    use crate::bench_endpoints::Callers;

    #[test]
    fn both_runs_read_what_bench_seed_writes() {
        let folder = std::env::temp_dir().join(format!("warren-seeded-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let mut seeded = serde_json::json!({
            "organization_id": "org-a",
            "api_key": "wrk_a",
            "receivers": ["site-1", "site-2"],
            "kit_items": ["item-1"],
            "receiver_organization_id": "org-b",
            "receiver_api_key": "wrk_b",
            "open_referrals": ["ref-1"],
            "admin_email": "bench-admin@example.org",
            "admin_password": "pw_x",
        });
        std::fs::write(folder.join(SEEDED), seeded.to_string()).unwrap();
        let referrer = Referrer::read(&folder).unwrap();
        assert_eq!(
            (referrer.organization_id.as_str(), referrer.api_key.as_str()),
            ("org-a", "wrk_a")
        );
        assert_eq!(referrer.receivers, ["site-1", "site-2"]);
        assert_eq!(referrer.kit_items, ["item-1"]);
        let callers = Callers::read(&folder).unwrap();
        assert_eq!(
            (callers.referrer_key.as_str(), callers.receiver_key.as_str()),
            ("wrk_a", "wrk_b")
        );
        assert_eq!(callers.receiver_organization_id, "org-b");
        assert_eq!(callers.open_referrals, ["ref-1"]);

        seeded["receivers"] = serde_json::json!([]);
        std::fs::write(folder.join(SEEDED), seeded.to_string()).unwrap();
        assert!(
            Referrer::read(&folder).is_err(),
            "a referrer needs receivers"
        );
        std::fs::remove_dir_all(&folder).unwrap();
    }
}

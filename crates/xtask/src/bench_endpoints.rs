//! The signed-in part of `cargo xtask bench`: endpoints that need a caller
//! and, some of them, a body — the members' directory search, triage
//! evaluation, a receiver's referral board, receiving and accepting
//! referrals (with `If-Match`), and a network admin's dashboard over last
//! month and over a year of the seeded history.
//!
//! Each run is a closed loop: N connections, each sending its next request
//! when the last is answered. Only answers with the expected status count;
//! anything else is an error with the first one kept for the report.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::{TimeDelta, Utc};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::bench::{Measured, histogram, micros};
use crate::bench_referrals::{connect, read_seeded};

/// A request that takes longer than this counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Who the signed-in runs act as, written by `warren bench-seed`.
#[derive(serde::Deserialize)]
pub struct Callers {
    /// The referring organization's API key.
    #[serde(rename = "api_key")]
    pub referrer_key: String,
    /// The receiving organization.
    pub receiver_organization_id: String,
    /// Its API key.
    #[serde(rename = "receiver_api_key")]
    pub receiver_key: String,
    /// Referrals sent to it and not yet opened.
    #[serde(default)]
    pub open_referrals: Vec<String>,
    admin_email: String,
    admin_password: String,
}

impl Callers {
    /// Reads `bench-referrer.json` from the data folder.
    pub fn read(data_dir: &Path) -> Result<Self> {
        read_seeded(data_dir)
    }
}

/// One request to send.
pub struct Call {
    method: hyper::Method,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Bytes,
    expect: u16,
}

impl Call {
    /// A GET expecting 200.
    pub fn get(path: String) -> Self {
        Self {
            method: hyper::Method::GET,
            path,
            headers: Vec::new(),
            body: Bytes::new(),
            expect: 200,
        }
    }

    /// A POST of JSON expecting 200.
    pub fn post(path: String, body: &serde_json::Value) -> Self {
        Self {
            method: hyper::Method::POST,
            path,
            headers: vec![("content-type", "application/json".to_owned())],
            body: Bytes::from(body.to_string()),
            expect: 200,
        }
    }

    /// With one more header.
    pub fn header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }
}

/// Sends one request and reads the whole answer: the status and the body.
async fn send(
    sender: &mut SendRequest<Full<Bytes>>,
    addr: SocketAddr,
    call: &Call,
) -> Result<(u16, Bytes)> {
    let exchange = async {
        sender.ready().await?;
        let mut request = hyper::Request::builder()
            .method(call.method.clone())
            .uri(&call.path)
            .header(hyper::header::HOST, addr.to_string());
        for (name, value) in &call.headers {
            request = request.header(*name, value);
        }
        let response = sender
            .send_request(request.body(Full::new(call.body.clone()))?)
            .await?;
        let status = response.status().as_u16();
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, body))
    };
    tokio::time::timeout(REQUEST_TIMEOUT, exchange)
        .await
        .with_context(|| format!("{} took more than {REQUEST_TIMEOUT:?}", call.path))?
}

/// `connections` connections sending what `calls` makes for `duration`;
/// each worker's sequence of calls may be several requests long (a receive
/// then an accept), and ends early when `calls` has nothing more.
pub async fn closed_loop<F>(
    addr: SocketAddr,
    endpoint: &'static str,
    connections: usize,
    duration: Duration,
    calls: F,
) -> Result<Measured>
where
    F: Fn(&mut StdRng) -> Option<Vec<Call>> + Send + Sync + 'static,
{
    let calls = Arc::new(calls);
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for worker in 0..connections {
        let calls = calls.clone();
        let mut sender = connect(addr).await?;
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(7_000 + worker as u64);
            let mut latency = histogram();
            let (mut requests, mut errors, mut bytes) = (0_u64, 0_u64, 0_u64);
            let mut first_error = None;
            'run: while Instant::now() < deadline {
                let Some(sequence) = calls(&mut rng) else {
                    break;
                };
                for call in sequence {
                    let sent = Instant::now();
                    requests += 1;
                    match send(&mut sender, addr, &call).await {
                        Ok((status, body)) if status == call.expect => {
                            bytes += body.len() as u64;
                            latency.saturating_record(micros(sent.elapsed()));
                        }
                        Ok((status, body)) => {
                            errors += 1;
                            first_error.get_or_insert(format!(
                                "{} {}: HTTP {status}: {}",
                                call.method,
                                call.path,
                                String::from_utf8_lossy(&body)
                            ));
                            continue 'run;
                        }
                        Err(error) => {
                            errors += 1;
                            first_error.get_or_insert(format!("{error:#}"));
                            sender = connect(addr).await?;
                            continue 'run;
                        }
                    }
                }
            }
            Ok::<_, anyhow::Error>((latency, requests, errors, bytes, first_error))
        }));
    }
    Measured::closed_loop(endpoint, connections, tasks, started).await
}

/// Signs the network admin in; returns the access token.
pub async fn sign_in(addr: SocketAddr, callers: &Callers) -> Result<String> {
    let mut sender = connect(addr).await?;
    let call = Call::post(
        "/api/v1/auth/login".to_owned(),
        &serde_json::json!({"email": callers.admin_email, "password": callers.admin_password}),
    );
    let (status, body) = send(&mut sender, addr, &call).await?;
    anyhow::ensure!(
        status == 200,
        "signing in answered {status}: {}",
        String::from_utf8_lossy(&body)
    );
    let session: serde_json::Value = serde_json::from_slice(&body)?;
    session["access_token"]
        .as_str()
        .map(str::to_owned)
        .context("the sign-in answer has no access_token")
}

/// A triage evaluation: a rat or a guinea pig, breathing hard or not.
pub fn triage(rng: &mut StdRng) -> Option<Vec<Call>> {
    let species = if rng.random_bool(0.5) {
        "small_mammal/rat"
    } else {
        "small_mammal/guinea_pig"
    };
    let answer = if rng.random_bool(0.3) { "yes" } else { "no" };
    Some(vec![Call::post(
        "/api/v1/triage/evaluate".to_owned(),
        &serde_json::json!({"species": species, "answers": {"respiratory_distress": answer}}),
    )])
}

/// The receiver opening its board of open incoming referrals, first page.
pub fn board(callers: &Callers) -> impl Fn(&mut StdRng) -> Option<Vec<Call>> + use<> {
    let path = format!(
        "/api/v1/organizations/{}/referrals?box=incoming&state=open&limit=50",
        callers.receiver_organization_id
    );
    let key = callers.receiver_key.clone();
    move |_| {
        Some(vec![
            Call::get(path.clone()).header("x-api-key", key.clone()),
        ])
    }
}

/// The receiver receiving, then accepting, the next unopened referral: two
/// requests, each with the `If-Match` of the version it read.
pub fn receive_and_accept(
    callers: &Callers,
    next: Arc<AtomicUsize>,
) -> impl Fn(&mut StdRng) -> Option<Vec<Call>> + use<> {
    let ids = callers.open_referrals.clone();
    let key = callers.receiver_key.clone();
    move |_| {
        let id = ids.get(next.fetch_add(1, Ordering::Relaxed))?;
        let path = format!("/api/v1/referrals/{id}/transitions");
        let step = |status: &str, version: u32| {
            Call::post(path.clone(), &serde_json::json!({"status": status}))
                .header("x-api-key", key.clone())
                .header("if-match", format!("\"{version}\""))
        };
        Some(vec![step("received", 1), step("accepted", 2)])
    }
}

/// The network admin's dashboard: the default period (last month), or the
/// last 365 days.
pub fn dashboard(token: &str, year: bool) -> impl Fn(&mut StdRng) -> Option<Vec<Call>> + use<> {
    let today = Utc::now().date_naive();
    let path = if year {
        format!(
            "/api/v1/dashboard?from={}&to={}",
            today - TimeDelta::days(365),
            today
        )
    } else {
        "/api/v1/dashboard".to_owned()
    };
    let bearer = format!("Bearer {token}");
    move |_| {
        Some(vec![
            Call::get(path.clone()).header("authorization", bearer.clone()),
        ])
    }
}

/// The members' directory search with the public search's query mix.
pub fn directory_search<Q>(
    callers: &Callers,
    public_query: Q,
) -> impl Fn(&mut StdRng) -> Option<Vec<Call>> + use<Q>
where
    Q: Fn(&mut StdRng) -> String,
{
    let key = callers.referrer_key.clone();
    move |rng| {
        let public = public_query(rng);
        let query = public.split_once('?').map_or("", |(_, query)| query);
        Some(vec![
            Call::get(format!("/api/v1/directory/search?{query}")).header("x-api-key", key.clone()),
        ])
    }
}

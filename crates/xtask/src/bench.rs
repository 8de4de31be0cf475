//! `cargo xtask bench`: the search benchmark. For each database it seeds a network of
//! realistic size (`warren bench-seed`, 20,000 sites), starts the release `warren` as a
//! separate process and drives HTTP load at it from this one:
//!
//! 1. closed loop, N connections each sending its next request as soon as the last is
//!    answered, against the no-op endpoint (`GET /healthz`, which touches no database) and
//!    against the public search with a random mix of realistic queries — the two maximum
//!    throughputs, and their ratio;
//! 2. open loop at a fixed rate (1,000 requests a second) against the search: latency is
//!    measured from when each request was *due*, not when it was sent, so a stalled server
//!    cannot hide its queue (no coordinated omission).
//!
//! It also reports the cold start (spawn until `/readyz` answers) and the server's peak
//! resident memory (`VmHWM`). The targets: search keeps at least half the no-op throughput,
//! and its p99 stays within 10 ms at 1,000 requests a second.
//!
//! Client and server share the machine, so the figures are for comparing runs and
//! endpoints on one machine, not absolute capacity.

use std::fs;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, ExitCode};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use crate::postgres;
use crate::shell;
use crate::system::{self, Apt};
use crate::workspace::Workspace;
use crate::{bench_alerts, bench_endpoints, bench_lending, bench_referrals};

/// The no-op endpoint: answers from memory without touching the database.
const NO_OP: &str = "/healthz";
/// The endpoint under test.
const SEARCH: &str = "/api/v1/public/search";
/// The members' directory search, as the report names it.
const DIRECTORY_SEARCH: &str = "/api/v1/directory/search";
/// Triage evaluation, as the report names it.
const TRIAGE: &str = "POST …/triage/evaluate";
/// The receiver's board, as the report names it.
const BOARD: &str = "GET …/referrals (board)";
/// Receiving and accepting, as the report names it.
const TRANSITION: &str = "POST …/transitions";
/// The dashboard over its default period, as the report names it.
const DASHBOARD_MONTH: &str = "/api/v1/dashboard (month)";
/// The dashboard over a year, as the report names it.
const DASHBOARD_YEAR: &str = "/api/v1/dashboard (year)";
/// Connections asking for the dashboard at once: a few admins.
const DASHBOARD_CONNECTIONS: usize = 2;
/// The dashboard's p99 must stay within this.
const TARGET_DASHBOARD_P99: Duration = Duration::from_millis(200);
/// The server's resident memory must stay within this (KiB).
const TARGET_RSS_KIB: u64 = 100 * 1024;
/// The server must be ready within this on an existing database.
const TARGET_COLD_START: Duration = Duration::from_millis(500);
/// The benchmark's PostgreSQL database, dropped and created anew on every run.
const POSTGRES_DATABASE: &str = "warren_bench";
/// A request that takes longer than this counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Search must keep at least this share of the no-op throughput.
const TARGET_SHARE: f64 = 0.5;
/// Search p99 must stay within this at the fixed rate.
const TARGET_P99: Duration = Duration::from_millis(10);

/// Which databases to measure.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Backends {
    /// SQLite and PostgreSQL, one after the other.
    All,
    /// The embedded SQLite file only.
    Sqlite,
    /// PostgreSQL only.
    Postgres,
}

/// How hard and how long to push.
pub struct Options {
    /// Which databases.
    pub backends: Backends,
    /// Sites in the seeded network.
    pub sites: usize,
    /// Referrals in its two years of history.
    pub referrals: usize,
    /// Kit items, with their loans.
    pub items: usize,
    /// Seconds each measurement lasts.
    pub seconds: u64,
    /// Connections of the closed-loop runs.
    pub connections: usize,
    /// Requests a second of the open-loop run.
    pub rate: u32,
    /// Use the release build that is there instead of building it.
    pub no_build: bool,
}

/// One measurement.
pub(crate) struct Measured {
    pub(crate) endpoint: &'static str,
    pub(crate) mode: String,
    pub(crate) requests: u64,
    pub(crate) errors: u64,
    pub(crate) elapsed: Duration,
    /// Latencies in microseconds.
    pub(crate) latency: Histogram<u64>,
    pub(crate) bytes: u64,
    /// What went wrong first, when something did.
    pub(crate) first_error: Option<String>,
}

/// What one connection of a closed-loop run found: latencies, requests,
/// errors, bytes received and the first error.
pub(crate) type WorkerTally = (Histogram<u64>, u64, u64, u64, Option<String>);

impl Measured {
    /// The sum of a closed-loop run's connections, each a task started at
    /// `started`.
    pub(crate) async fn closed_loop(
        endpoint: &'static str,
        connections: usize,
        tasks: Vec<tokio::task::JoinHandle<Result<WorkerTally>>>,
        started: Instant,
    ) -> Result<Self> {
        let mut measured = Self {
            endpoint,
            mode: format!("closed, {connections} conns"),
            requests: 0,
            errors: 0,
            elapsed: Duration::ZERO,
            latency: histogram(),
            bytes: 0,
            first_error: None,
        };
        for task in tasks {
            let (latency, requests, errors, bytes, first_error) = task.await??;
            measured.latency.add(&latency)?;
            measured.requests += requests;
            measured.errors += errors;
            measured.bytes += bytes;
            if measured.first_error.is_none() {
                measured.first_error = first_error;
            }
        }
        measured.elapsed = started.elapsed();
        Ok(measured)
    }

    /// Answered requests a second (failed ones do not count).
    fn throughput(&self) -> f64 {
        (self.requests - self.errors) as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, quantile: f64) -> Duration {
        Duration::from_micros(self.latency.value_at_quantile(quantile))
    }
}

/// Rounds of the reservation contention run.
const CONTENTION_ROUNDS: usize = 30;
/// Simultaneous requests for one slot in each round.
const CONTENDERS: usize = 100;

/// Everything measured on one database.
struct Report {
    backend: &'static str,
    seed_time: Duration,
    cold_start: Duration,
    rss_ready_kib: Option<u64>,
    peak_rss_kib: Option<u64>,
    runs: Vec<Measured>,
    share: f64,
    p99_at_rate: Duration,
    rate_achieved: f64,
    rate: u32,
    referrals: bench_referrals::Outcome,
    referrals_at_rate: bench_referrals::Outcome,
    contention: bench_lending::Contention,
    /// The signed-in endpoints, closed loop.
    endpoints: Vec<Measured>,
    /// Alerts raised a second during the closed-loop referral creation run.
    alerts_per_second: f64,
    /// Urgent referrals to e-mail.
    urgent: bench_alerts::Urgent,
}

/// Builds the server, measures each database and prints the tables.
pub fn run(ws: &Workspace, options: &Options) -> Result<ExitCode> {
    if cfg!(debug_assertions) {
        return rerun_optimized(ws, options);
    }
    let server = if options.no_build {
        ws.release_server()
    } else {
        ws.build_release_server()?
    };
    anyhow::ensure!(
        server.is_file(),
        "{} is missing; run without --no-build",
        server.display()
    );
    let scratch = std::env::temp_dir().join(format!("warren-bench-{}", std::process::id()));
    fs::create_dir_all(&scratch)
        .with_context(|| format!("could not create {}", scratch.display()))?;
    let mut reports = Vec::new();
    if matches!(options.backends, Backends::All | Backends::Sqlite) {
        let folder = scratch.join("sqlite");
        fs::create_dir_all(&folder)?;
        let url = folder.join("bench.db").to_string_lossy().into_owned();
        reports.push(measure(&server, "SQLite", &url, &folder, options)?);
    }
    if matches!(options.backends, Backends::All | Backends::Postgres) {
        let admin_url = std::env::var("WARREN_BENCH_POSTGRES_URL")
            .ok()
            .filter(|url| !url.is_empty())
            .unwrap_or_else(|| postgres::DEFAULT_URL.to_owned());
        postgres::ensure(&admin_url, &mut Apt::new())?;
        let url = recreate_database(&admin_url)?;
        let folder = scratch.join("postgres");
        fs::create_dir_all(&folder)?;
        reports.push(measure(&server, "PostgreSQL", &url, &folder, options)?);
    }
    let _ = fs::remove_dir_all(&scratch);
    println!();
    for report in &reports {
        print_report(report, options);
    }
    Ok(ExitCode::SUCCESS)
}

/// A load generator built without optimizations measures itself: build this tool in release
/// mode and run the benchmark from there, with the same options.
fn rerun_optimized(ws: &Workspace, options: &Options) -> Result<ExitCode> {
    shell::run(ws.cargo().args([
        "build",
        "--release",
        "--package",
        "warren-api",
        "--package",
        "xtask",
        "--bins",
    ]))
    .context("building the server and the load generator failed; see above")?;
    let backend = match options.backends {
        Backends::All => "all",
        Backends::Sqlite => "sqlite",
        Backends::Postgres => "postgres",
    };
    let mut command = Command::new(ws.target_dir.join("release").join("xtask"));
    command
        .args(["bench", "--no-build", "--backend", backend])
        .args(["--sites", &options.sites.to_string()])
        .args(["--referrals", &options.referrals.to_string()])
        .args(["--items", &options.items.to_string()])
        .args(["--seconds", &options.seconds.to_string()])
        .args(["--connections", &options.connections.to_string()])
        .args(["--rate", &options.rate.to_string()]);
    let status = shell::status(&mut command)?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Drops and creates the benchmark database next to the one `admin_url` names; returns its
/// URL.
fn recreate_database(admin_url: &str) -> Result<String> {
    let psql =
        system::find_program("psql").context("psql is not on PATH; install postgresql-client")?;
    for statement in [
        format!("DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)"),
        format!("CREATE DATABASE {POSTGRES_DATABASE}"),
    ] {
        shell::run(
            Command::new(&psql)
                .args(["--quiet", "-v", "ON_ERROR_STOP=1", "--dbname", admin_url])
                .args(["--command", &statement]),
        )?;
    }
    let (server, _) = admin_url
        .rsplit_once('/')
        .filter(|(server, _)| server.contains("://") && !server.ends_with('/'))
        .with_context(|| format!("{admin_url} does not name a database"))?;
    Ok(format!("{server}/{POSTGRES_DATABASE}"))
}

/// The server's environment: the database, a data folder, limits out of the way, quiet logs.
fn server_command(server: &Path, database_url: &str, data_dir: &Path) -> Command {
    let mut command = Command::new(server);
    command
        .env("DATABASE_URL", database_url)
        .env("WARREN_DATA_DIR", data_dir)
        .env("WARREN_PUBLIC_REQUESTS_PER_MINUTE", "100000000")
        .env("WARREN_PARTNER_REQUESTS_PER_MINUTE", "100000000")
        .env("WARREN_METRICS_TOKEN", crate::bench_alerts::METRICS_TOKEN)
        // The access log would measure the terminal, not the server.
        .env("RUST_LOG", "warn");
    command
}

fn measure(
    server: &Path,
    backend: &'static str,
    database_url: &str,
    data_dir: &Path,
    options: &Options,
) -> Result<Report> {
    eprintln!(
        "\nxtask: bench: {backend}: seeding {} sites, {} referrals, {} kit items",
        options.sites, options.referrals, options.items
    );
    let seeding = Instant::now();
    shell::run(server_command(server, database_url, data_dir).args([
        "bench-seed",
        "--sites",
        &options.sites.to_string(),
        "--referrals",
        &options.referrals.to_string(),
        "--items",
        &options.items.to_string(),
    ]))?;
    let seed_time = seeding.elapsed();

    let sink = bench_alerts::SmtpSink::start(data_dir)?;
    let addr = free_address()?;
    let log_path = data_dir.join("server.log");
    // No web app: the benchmark asks only the API.
    let web_dir = data_dir.join("web");
    fs::create_dir_all(&web_dir)?;
    let log = fs::File::create(&log_path)?;
    let mut command = server_command(server, database_url, data_dir);
    command
        .args(["serve", "--addr", &addr.to_string()])
        .env("WARREN_WEB_DIR", &web_dir)
        .env("WARREN_SMTP_URL", sink.url())
        .stdout(log.try_clone()?)
        .stderr(log);
    shell::announce(&command);
    let spawned = Instant::now();
    let child = command.spawn().context("could not start the server")?;
    let mut server = RunningServer(child);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(async {
        let cold_start = wait_until_ready(addr, &mut server, spawned, &log_path).await?;
        let rss_ready_kib = memory_kib(server.0.id(), "VmRSS");
        eprintln!(
            "xtask: bench: {backend}: ready in {:.2} s",
            cold_start.as_secs_f64()
        );
        let points = sample_points(addr).await?;
        let queries = Arc::new(QueryMix { points });
        let seconds = Duration::from_secs(options.seconds);
        let warm_up = Duration::from_secs(2);

        let mut runs = Vec::new();
        let no_op = |_: &mut StdRng| NO_OP.to_owned();
        let search = {
            let queries = queries.clone();
            move |rng: &mut StdRng| queries.next(rng)
        };
        closed_loop(addr, NO_OP, no_op, options.connections, warm_up).await?;
        runs.push(closed_loop(addr, NO_OP, no_op, options.connections, seconds).await?);
        closed_loop(addr, SEARCH, search.clone(), options.connections, warm_up).await?;
        runs.push(closed_loop(addr, SEARCH, search.clone(), options.connections, seconds).await?);
        runs.push(open_loop(addr, SEARCH, search, options.rate, seconds).await?);

        eprintln!("xtask: bench: {backend}: creating referrals");
        let referrer = Arc::new(bench_referrals::Referrer::read(data_dir)?);
        // The seeded history already holds referrals of the referrer.
        let seeded = bench_referrals::count(addr, &referrer).await?;
        let warm =
            bench_referrals::create(addr, referrer.clone(), options.connections, warm_up, "warm")
                .await?;
        let raised_before = bench_alerts::raised(addr).await?;
        let mut referrals =
            bench_referrals::create(addr, referrer.clone(), options.connections, seconds, "run")
                .await?;
        let raised_during = bench_alerts::raised(addr).await?.saturating_sub(raised_before);
        let alerts_per_second = raised_during as f64 / referrals.elapsed.as_secs_f64();
        let mut referrals_at_rate =
            bench_referrals::create_at_rate(addr, referrer.clone(), options.rate, seconds).await?;
        referrals.acknowledged += warm.acknowledged + referrals_at_rate.acknowledged;
        referrals.stored = bench_referrals::count(addr, &referrer)
            .await?
            .saturating_sub(seeded);
        referrals_at_rate.stored = referrals.stored;

        eprintln!(
            "xtask: bench: {backend}: {CONTENDERS} requests at once for one slot, {CONTENTION_ROUNDS} times"
        );
        let contention =
            bench_lending::contend(addr, referrer.clone(), CONTENTION_ROUNDS, CONTENDERS).await?;

        eprintln!("xtask: bench: {backend}: signed-in endpoints");
        let callers = Arc::new(bench_endpoints::Callers::read(data_dir)?);
        let mut endpoints = Vec::new();
        let connections = options.connections;
        let search_mix = || {
            let queries = queries.clone();
            move |rng: &mut StdRng| queries.next(rng)
        };
        for duration in [warm_up, seconds] {
            let run = bench_endpoints::closed_loop(
                addr,
                DIRECTORY_SEARCH,
                connections,
                duration,
                bench_endpoints::directory_search(&callers, search_mix()),
            )
            .await?;
            if duration == seconds {
                endpoints.push(run);
            }
        }
        for duration in [warm_up, seconds] {
            let run = bench_endpoints::closed_loop(
                addr,
                TRIAGE,
                connections,
                duration,
                bench_endpoints::triage,
            )
            .await?;
            if duration == seconds {
                endpoints.push(run);
            }
        }
        endpoints.push(
            bench_endpoints::closed_loop(
                addr,
                BOARD,
                connections,
                seconds,
                bench_endpoints::board(&callers),
            )
            .await?,
        );
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        endpoints.push(
            bench_endpoints::closed_loop(
                addr,
                TRANSITION,
                connections,
                seconds,
                bench_endpoints::receive_and_accept(&callers, next),
            )
            .await?,
        );
        let token = bench_endpoints::sign_in(addr, &callers).await?;
        for (endpoint, year) in [(DASHBOARD_MONTH, false), (DASHBOARD_YEAR, true)] {
            endpoints.push(
                bench_endpoints::closed_loop(
                    addr,
                    endpoint,
                    DASHBOARD_CONNECTIONS,
                    seconds,
                    bench_endpoints::dashboard(&token, year),
                )
                .await?,
            );
        }
        eprintln!(
            "xtask: bench: {backend}: {} urgent referrals a minute for {} s, to e-mail",
            bench_alerts::RATE_PER_MINUTE,
            bench_alerts::DURATION.as_secs()
        );
        let urgent = bench_alerts::urgent(addr, referrer, &sink).await?;
        Ok::<_, anyhow::Error>((
            cold_start,
            rss_ready_kib,
            runs,
            referrals,
            referrals_at_rate,
            contention,
            endpoints,
            (alerts_per_second, urgent),
        ))
    });
    let peak_rss_kib = memory_kib(server.0.id(), "VmHWM");
    drop(server);
    let (
        cold_start,
        rss_ready_kib,
        runs,
        referrals,
        referrals_at_rate,
        contention,
        endpoints,
        (alerts_per_second, urgent),
    ) = result.with_context(|| {
        format!(
            "the {backend} benchmark failed; the server's log is {}",
            log_path.display()
        )
    })?;
    for run in runs.iter().chain(&endpoints) {
        if let Some(error) = &run.first_error {
            eprintln!(
                "xtask: bench: {backend}: {} ({}): {} of {} requests failed, first: {error}",
                run.endpoint, run.mode, run.errors, run.requests
            );
        }
        anyhow::ensure!(
            run.errors < run.requests,
            "every request failed; see {}",
            log_path.display()
        );
    }
    let share = runs[1].throughput() / runs[0].throughput();
    Ok(Report {
        backend,
        seed_time,
        cold_start,
        rss_ready_kib,
        peak_rss_kib,
        share,
        p99_at_rate: runs[2].percentile(0.99),
        rate_achieved: runs[2].throughput(),
        rate: options.rate,
        runs,
        referrals,
        referrals_at_rate,
        contention,
        endpoints,
        alerts_per_second,
        urgent,
    })
}

/// Stops the server when dropped, whatever happened.
struct RunningServer(Child);

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port nobody listens on right now.
fn free_address() -> Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").context("no free port")?;
    Ok(listener.local_addr()?)
}

/// A line of `/proc/<pid>/status` in KiB (`VmRSS`, `VmHWM`); `None` off Linux.
fn memory_kib(pid: u32, field: &str) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

/// One HTTP/1.1 keep-alive connection.
async fn connect(addr: SocketAddr) -> Result<SendRequest<Empty<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

/// Sends one GET and reads the whole answer: the status and the body's length.
async fn get(
    sender: &mut SendRequest<Empty<Bytes>>,
    addr: SocketAddr,
    path: &str,
) -> Result<(u16, usize)> {
    let exchange = async {
        sender.ready().await?;
        let request = hyper::Request::get(path)
            .header(hyper::header::HOST, addr.to_string())
            .body(Empty::new())?;
        let response = sender.send_request(request).await?;
        let status = response.status().as_u16();
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, body.len()))
    };
    tokio::time::timeout(REQUEST_TIMEOUT, exchange)
        .await
        .with_context(|| format!("GET {path} took more than {REQUEST_TIMEOUT:?}"))?
}

async fn wait_until_ready(
    addr: SocketAddr,
    server: &mut RunningServer,
    spawned: Instant,
    log: &Path,
) -> Result<Duration> {
    loop {
        if let Ok(mut sender) = connect(addr).await
            && let Ok((200, _)) = get(&mut sender, addr, "/readyz").await
        {
            return Ok(spawned.elapsed());
        }
        if let Some(status) = server.0.try_wait()? {
            bail!("the server stopped ({status}); see {}", log.display());
        }
        if spawned.elapsed() > Duration::from_secs(120) {
            bail!(
                "the server was not ready after 120 s; see {}",
                log.display()
            );
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Points to search near: the coordinates of seeded sites, from a few pages of the
/// unfiltered public search.
async fn sample_points(addr: SocketAddr) -> Result<Vec<(f64, f64)>> {
    let mut sender = connect(addr).await?;
    let page = |offset: u64| format!("{SEARCH}?limit=100&offset={offset}");
    let mut rng = StdRng::seed_from_u64(11);
    let mut points = Vec::new();
    let mut total = None;
    for _ in 0..10 {
        let offset = total.map_or(0, |total: u64| rng.random_range(0..total.max(1)));
        let path = page(offset);
        sender.ready().await?;
        let request = hyper::Request::get(&path)
            .header(hyper::header::HOST, addr.to_string())
            .body(Empty::new())?;
        let response = sender.send_request(request).await?;
        anyhow::ensure!(
            response.status().is_success(),
            "GET {path} answered {}",
            response.status()
        );
        let body = response.into_body().collect().await?.to_bytes();
        let page: serde_json::Value = serde_json::from_slice(&body)?;
        total = page["total"].as_u64();
        for item in page["items"].as_array().into_iter().flatten() {
            if let (Some(lat), Some(lon)) = (item["latitude"].as_f64(), item["longitude"].as_f64())
            {
                points.push((lat, lon));
            }
        }
    }
    anyhow::ensure!(
        !points.is_empty(),
        "the seeded directory is empty: did bench-seed run?"
    );
    Ok(points)
}

/// The searches people make: an animal, sometimes a capability or two, usually near a
/// place, often "open now and taking patients", now and then a word.
struct QueryMix {
    points: Vec<(f64, f64)>,
}

const SPECIES: &[(&str, u32)] = &[
    ("small_mammal/guinea_pig", 20),
    ("small_mammal/rat", 15),
    ("small_mammal/hamster", 15),
    ("small_mammal/rabbit", 15),
    ("small_mammal/mouse", 5),
    ("small_mammal/chinchilla", 5),
    ("small_mammal/gerbil", 4),
    ("small_mammal/degu", 3),
    ("wildlife/hedgehog", 10),
    ("wildlife/bird", 8),
];

const CAPABILITIES: &[&str] = &[
    "oxygen_cage",
    "oxygen_therapy",
    "radiography",
    "exotic_anaesthesia",
    "inhalant_anaesthesia",
    "ultrasound",
    "dentistry",
];

const WORDS: &[&str] = &["vets", "rescue", "emergency", "wildlife", "exotic"];

impl QueryMix {
    fn next(&self, rng: &mut StdRng) -> String {
        let mut query = vec![];
        if rng.random_bool(0.85) {
            let total: u32 = SPECIES.iter().map(|(_, weight)| weight).sum();
            let mut roll = rng.random_range(0..total);
            for (species, weight) in SPECIES {
                if roll < *weight {
                    query.push(format!("species={species}"));
                    break;
                }
                roll -= weight;
            }
        }
        let wanted = match rng.random_range(0..100) {
            0..50 => 0,
            50..85 => 1,
            _ => 2,
        };
        let capabilities: Vec<&str> = CAPABILITIES.choose_multiple(rng, wanted).copied().collect();
        if !capabilities.is_empty() {
            query.push(format!("capabilities={}", capabilities.join(",")));
        }
        if rng.random_bool(0.6) {
            query.push("open=true&accepting=true".to_owned());
        }
        if rng.random_bool(0.95)
            && let Some((lat, lon)) = self.points.choose(rng)
        {
            let lat = lat + rng.random_range(-0.05..0.05);
            let lon = lon + rng.random_range(-0.08..0.08);
            let radius = rng.random_range(10..=50);
            query.push(format!("lat={lat:.4}&lon={lon:.4}&radius_km={radius}"));
        }
        if rng.random_bool(0.1)
            && let Some(word) = WORDS.choose(rng)
        {
            query.push(format!("q={word}"));
        }
        format!("{SEARCH}?{}", query.join("&"))
    }
}

pub(crate) fn histogram() -> Histogram<u64> {
    // 1 µs to 60 s at three significant figures.
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds")
}

pub(crate) fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// `connections` connections, each sending its next request when the last is answered,
/// for `duration`.
async fn closed_loop<F>(
    addr: SocketAddr,
    endpoint: &'static str,
    paths: F,
    connections: usize,
    duration: Duration,
) -> Result<Measured>
where
    F: Fn(&mut StdRng) -> String + Clone + Send + 'static,
{
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for worker in 0..connections {
        let paths = paths.clone();
        let mut sender = connect(addr).await?;
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(worker as u64);
            let mut latency = histogram();
            let (mut requests, mut errors, mut bytes) = (0_u64, 0_u64, 0_u64);
            let mut first_error = None;
            while Instant::now() < deadline {
                let path = paths(&mut rng);
                let sent = Instant::now();
                match get(&mut sender, addr, &path).await {
                    Ok((200, length)) => {
                        bytes += length as u64;
                        latency.saturating_record(micros(sent.elapsed()));
                    }
                    Ok((status, _)) => {
                        errors += 1;
                        first_error.get_or_insert(format!("GET {path}: HTTP {status}"));
                    }
                    Err(error) => {
                        errors += 1;
                        first_error.get_or_insert(format!("{error:#}"));
                        sender = connect(addr).await?;
                    }
                }
                requests += 1;
            }
            Ok::<_, anyhow::Error>((latency, requests, errors, bytes, first_error))
        }));
    }
    Measured::closed_loop(endpoint, connections, tasks, started).await
}

/// What the requests of an open-loop run found.
struct OpenResults {
    latency: Histogram<u64>,
    errors: u64,
    bytes: u64,
    first_error: Option<String>,
}

/// `rate` requests a second for `duration`, each on an idle connection (opened when none is
/// idle), its latency measured from when it was due.
async fn open_loop<F>(
    addr: SocketAddr,
    endpoint: &'static str,
    paths: F,
    rate: u32,
    duration: Duration,
) -> Result<Measured>
where
    F: Fn(&mut StdRng) -> String + Send + 'static,
{
    let total = (u64::from(rate) * duration.as_secs()).max(1);
    let interval = Duration::from_secs(1) / rate.max(1);
    let (due_sender, mut due) = tokio::sync::mpsc::unbounded_channel::<(Instant, String)>();
    // The schedule runs on a thread of its own: the OS sleeps to within tens of
    // microseconds, the async timer only to the millisecond.
    let start = Instant::now() + Duration::from_millis(20);
    let scheduler = std::thread::spawn(move || {
        let mut rng = StdRng::seed_from_u64(99);
        for index in 0..total {
            let at = start + interval * u32::try_from(index).unwrap_or(u32::MAX);
            let now = Instant::now();
            if at > now {
                std::thread::sleep(at - now);
            }
            if due_sender.send((at, paths(&mut rng))).is_err() {
                return;
            }
        }
    });
    let idle: Arc<Mutex<Vec<SendRequest<Empty<Bytes>>>>> = Arc::new(Mutex::new(Vec::new()));
    let results: Arc<Mutex<OpenResults>> = Arc::new(Mutex::new(OpenResults {
        latency: histogram(),
        errors: 0,
        bytes: 0,
        first_error: None,
    }));
    let mut tasks = Vec::new();
    while let Some((at, path)) = due.recv().await {
        let idle = idle.clone();
        let results = results.clone();
        tasks.push(tokio::spawn(async move {
            let pooled = idle.lock().ok().and_then(|mut idle| idle.pop());
            let was_pooled = pooled.is_some();
            let mut outcome = Err(anyhow::anyhow!("not sent"));
            // An idle connection the server has just closed fails at once:
            // ask again on a new one, as a client would.
            for sender in [pooled, None].into_iter().take(1 + usize::from(was_pooled)) {
                let sender = match sender {
                    Some(sender) => Ok(sender),
                    None => connect(addr).await,
                };
                outcome = match sender {
                    Ok(mut sender) => {
                        let outcome = get(&mut sender, addr, &path).await;
                        if outcome.is_ok()
                            && let Ok(mut idle) = idle.lock()
                        {
                            idle.push(sender);
                        }
                        outcome
                    }
                    Err(error) => Err(error),
                };
                if outcome.is_ok() {
                    break;
                }
            }
            if let Ok(mut results) = results.lock() {
                match outcome {
                    Ok((200, length)) => {
                        results.latency.saturating_record(micros(at.elapsed()));
                        results.bytes += length as u64;
                    }
                    Ok((status, _)) => {
                        results.errors += 1;
                        results
                            .first_error
                            .get_or_insert(format!("GET {path}: HTTP {status}"));
                    }
                    Err(error) => {
                        results.errors += 1;
                        results.first_error.get_or_insert(format!("{error:#}"));
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let elapsed = start.elapsed();
    let _ = scheduler.join();
    let results = results
        .lock()
        .map_err(|_| anyhow::anyhow!("a request panicked"))?;
    Ok(Measured {
        endpoint,
        mode: format!("open, {rate} req/s"),
        requests: total,
        errors: results.errors,
        elapsed,
        latency: results.latency.clone(),
        bytes: results.bytes,
        first_error: results.first_error.clone(),
    })
}

fn print_report(report: &Report, options: &Options) {
    let megabytes = |kib: Option<u64>| {
        kib.map_or_else(
            || "n/a".to_owned(),
            |kib| format!("{:.0} MB", kib as f64 / 1024.0),
        )
    };
    println!(
        "{} — {} sites; seeded in {:.1} s; cold start {:.2} s; RSS when ready {}, peak {}",
        report.backend,
        options.sites,
        report.seed_time.as_secs_f64(),
        report.cold_start.as_secs_f64(),
        megabytes(report.rss_ready_kib),
        megabytes(report.peak_rss_kib),
    );
    println!(
        "  {:<24} {:<18} {:>9} {:>9} {:>9} {:>9} {:>8} {:>7}",
        "endpoint", "mode", "req/s", "p50", "p99", "p99.9", "KB/resp", "errors"
    );
    for run in &report.runs {
        print_run(run);
    }
    let verdict = |met: bool| if met { "met" } else { "NOT met" };
    println!(
        "  search / no-op throughput: {:.1} % (target ≥ {:.0} %: {})",
        report.share * 100.0,
        TARGET_SHARE * 100.0,
        verdict(report.share >= TARGET_SHARE)
    );
    println!(
        "  search p99 at {} req/s (achieved {:.0}): {:.2} ms (target ≤ {} ms: {})",
        report.rate,
        report.rate_achieved,
        report.p99_at_rate.as_secs_f64() * 1000.0,
        TARGET_P99.as_millis(),
        verdict(report.p99_at_rate <= TARGET_P99)
    );
    let referrals = &report.referrals;
    let p99 = referrals.percentile(0.99);
    println!(
        "  {:<24} {:<18} {:>9.0} {:>9} {:>9} {:>9} {:>8} {:>7}",
        bench_referrals::CREATE,
        format!("closed, {} conns", options.connections),
        referrals.throughput(),
        format!("{:.2} ms", referrals.percentile(0.5).as_secs_f64() * 1000.0),
        format!("{:.2} ms", p99.as_secs_f64() * 1000.0),
        format!(
            "{:.2} ms",
            referrals.percentile(0.999).as_secs_f64() * 1000.0
        ),
        "",
        referrals.errors,
    );
    let at_rate = &report.referrals_at_rate;
    let p99_at_rate = at_rate.percentile(0.99);
    println!(
        "  {:<24} {:<18} {:>9.0} {:>9} {:>9} {:>9} {:>8} {:>7}",
        bench_referrals::CREATE,
        format!("open, {} req/s", report.rate),
        at_rate.throughput(),
        format!("{:.2} ms", at_rate.percentile(0.5).as_secs_f64() * 1000.0),
        format!("{:.2} ms", p99_at_rate.as_secs_f64() * 1000.0),
        format!("{:.2} ms", at_rate.percentile(0.999).as_secs_f64() * 1000.0),
        "",
        at_rate.errors,
    );
    for error in [&referrals.first_error, &at_rate.first_error]
        .into_iter()
        .flatten()
    {
        println!("  first referral error: {error}");
    }
    println!(
        "  referral create: {:.0}/s at most; p99 {:.2} ms at {} req/s (target ≥ {:.0}/s and p99 ≤ {} ms: {})",
        referrals.throughput(),
        p99_at_rate.as_secs_f64() * 1000.0,
        report.rate,
        bench_referrals::TARGET_RATE,
        bench_referrals::TARGET_P99.as_millis(),
        verdict(
            referrals.throughput() >= bench_referrals::TARGET_RATE
                && p99_at_rate <= bench_referrals::TARGET_P99
                && at_rate.errors == 0
        )
    );
    let lost = referrals.acknowledged.saturating_sub(referrals.stored);
    let doubled = referrals.stored.saturating_sub(referrals.acknowledged);
    println!(
        "  referrals acknowledged {}, stored {}: {} lost, {} duplicated; {} retries, {} not replayed ({})",
        referrals.acknowledged,
        referrals.stored,
        lost,
        doubled,
        referrals.retries,
        referrals.retry_mismatches,
        verdict(lost == 0 && doubled == 0 && referrals.retry_mismatches == 0)
    );
    let contention = &report.contention;
    println!(
        "  {:<24} {:<18} {:>9.0} {:>9} {:>9} {:>9} {:>8} {:>7}",
        bench_lending::RESERVE,
        format!("{} at once", contention.contenders),
        contention.throughput(),
        format!(
            "{:.2} ms",
            contention.percentile(0.5).as_secs_f64() * 1000.0
        ),
        format!(
            "{:.2} ms",
            contention.percentile(0.99).as_secs_f64() * 1000.0
        ),
        format!(
            "{:.2} ms",
            contention.percentile(0.999).as_secs_f64() * 1000.0
        ),
        "",
        contention.errors,
    );
    if let Some(error) = &contention.first_error {
        println!("  first reservation error: {error}");
    }
    println!(
        "  reservation under contention: {} rounds of {} requests for one slot, {} without exactly one reservation ({})",
        contention.rounds,
        contention.contenders,
        contention.wrong_rounds,
        verdict(contention.wrong_rounds == 0 && contention.errors == 0)
    );
    for run in &report.endpoints {
        print_run(run);
        if let Some(error) = &run.first_error {
            println!("  first error: {error}");
        }
    }
    println!(
        "  alerts raised under the referral load: {:.0}/s",
        report.alerts_per_second
    );
    let urgent = &report.urgent;
    println!(
        "  {} at {}/min: {} sent, {} e-mails accepted; p50 {:.2} s, p99 {:.2} s, max {:.2} s (target p99 < {} s: {})",
        bench_alerts::URGENT,
        bench_alerts::RATE_PER_MINUTE,
        urgent.sent,
        urgent.delivered,
        urgent.percentile(0.5).as_secs_f64(),
        urgent.percentile(0.99).as_secs_f64(),
        urgent.percentile(1.0).as_secs_f64(),
        bench_alerts::TARGET_P99.as_secs(),
        verdict(urgent.met())
    );
    println!();
    print_summary(report, options);
}

/// One run's line of the detailed table.
fn print_run(run: &Measured) {
    let millis = |duration: Duration| format!("{:.2} ms", duration.as_secs_f64() * 1000.0);
    println!(
        "  {:<24} {:<18} {:>9.0} {:>9} {:>9} {:>9} {:>8.1} {:>7}",
        run.endpoint,
        run.mode,
        run.throughput(),
        millis(run.percentile(0.5)),
        millis(run.percentile(0.99)),
        millis(run.percentile(0.999)),
        run.bytes as f64 / run.requests.max(1) as f64 / 1000.0,
        run.errors,
    );
}

/// The one table to read: each endpoint's throughput and latency beside its
/// target, then memory and cold start.
fn print_summary(report: &Report, options: &Options) {
    let millis = |duration: Duration| format!("{:.2} ms", duration.as_secs_f64() * 1000.0);
    let verdict = |met: Option<bool>| match met {
        Some(true) => "met",
        Some(false) => "MISSED",
        None => "",
    };
    println!(
        "{} summary — {} sites, {} referrals, {} kit items; seeded in {:.1} s",
        report.backend,
        options.sites,
        options.referrals,
        options.items,
        report.seed_time.as_secs_f64()
    );
    println!(
        "  {:<26} {:<18} {:>8} {:>10} {:>10}  {:<30} verdict",
        "endpoint", "mode", "req/s", "p50", "p99", "target"
    );
    let row = |endpoint: &str,
               mode: &str,
               rate: f64,
               p50: Duration,
               p99: Duration,
               target: String,
               met: Option<bool>| {
        println!(
            "  {:<26} {:<18} {:>8.0} {:>10} {:>10}  {:<30} {}",
            endpoint,
            mode,
            rate,
            millis(p50),
            millis(p99),
            target,
            verdict(met)
        );
    };
    let measured = |run: &Measured, target: String, met: Option<bool>| {
        row(
            run.endpoint,
            &run.mode,
            run.throughput(),
            run.percentile(0.5),
            run.percentile(0.99),
            target,
            met,
        );
    };
    let no_op = report.runs[0].throughput();
    let share_of_no_op = |run: &Measured| {
        let share = run.throughput() / no_op;
        (
            format!(
                "≥ {:.0} % of no-op (is {:.1} %)",
                TARGET_SHARE * 100.0,
                share * 100.0
            ),
            Some(share >= TARGET_SHARE),
        )
    };
    measured(&report.runs[0], "(baseline)".to_owned(), None);
    let (target, met) = share_of_no_op(&report.runs[1]);
    measured(&report.runs[1], target, met);
    measured(
        &report.runs[2],
        format!("p99 ≤ {} ms", TARGET_P99.as_millis()),
        Some(report.runs[2].percentile(0.99) <= TARGET_P99 && report.runs[2].errors == 0),
    );
    let endpoint = |name: &str| report.endpoints.iter().find(|run| run.endpoint == name);
    if let Some(run) = endpoint(DIRECTORY_SEARCH) {
        let (target, met) = share_of_no_op(run);
        measured(run, target, met);
    }
    if let Some(run) = endpoint(TRIAGE) {
        measured(run, "—".to_owned(), None);
    }
    let created = &report.referrals;
    row(
        bench_referrals::CREATE,
        &format!("closed, {} conns", options.connections),
        created.throughput(),
        created.percentile(0.5),
        created.percentile(0.99),
        format!("≥ {:.0}/s", bench_referrals::TARGET_RATE),
        Some(created.throughput() >= bench_referrals::TARGET_RATE),
    );
    let at_rate = &report.referrals_at_rate;
    let lost = created.acknowledged.saturating_sub(created.stored);
    let doubled = created.stored.saturating_sub(created.acknowledged);
    row(
        bench_referrals::CREATE,
        &format!("open, {} req/s", report.rate),
        at_rate.throughput(),
        at_rate.percentile(0.5),
        at_rate.percentile(0.99),
        format!(
            "p99 ≤ {} ms, none lost",
            bench_referrals::TARGET_P99.as_millis()
        ),
        Some(
            at_rate.percentile(0.99) <= bench_referrals::TARGET_P99
                && at_rate.errors == 0
                && lost == 0
                && doubled == 0,
        ),
    );
    for name in [BOARD, TRANSITION] {
        if let Some(run) = endpoint(name) {
            measured(run, "—".to_owned(), None);
        }
    }
    let contention = &report.contention;
    row(
        bench_lending::RESERVE,
        &format!("{} at once", contention.contenders),
        contention.throughput(),
        contention.percentile(0.5),
        contention.percentile(0.99),
        "one reservation per round".to_owned(),
        Some(contention.wrong_rounds == 0 && contention.errors == 0),
    );
    for name in [DASHBOARD_MONTH, DASHBOARD_YEAR] {
        if let Some(run) = endpoint(name) {
            measured(
                run,
                format!("p99 ≤ {} ms", TARGET_DASHBOARD_P99.as_millis()),
                Some(run.percentile(0.99) <= TARGET_DASHBOARD_P99 && run.errors == 0),
            );
        }
    }
    let urgent = &report.urgent;
    row(
        bench_alerts::URGENT,
        &format!("open, {}/min", bench_alerts::RATE_PER_MINUTE),
        urgent.sent as f64 / bench_alerts::DURATION.as_secs_f64(),
        urgent.percentile(0.5),
        urgent.percentile(0.99),
        format!(
            "p99 < {} s, {} of {} arrived",
            bench_alerts::TARGET_P99.as_secs(),
            urgent.delivered,
            urgent.sent
        ),
        Some(urgent.met()),
    );
    println!(
        "  {:<26} {:<18} {:>8.0}",
        "alerts raised", "under create load", report.alerts_per_second
    );
    let megabytes = |kib: u64| format!("{:.0} MB", kib as f64 / 1024.0);
    if let Some(peak) = report.peak_rss_kib {
        println!(
            "  {:<26} {:<18} {:>8} {:>10} {:>10}  {:<30} {}",
            "server RSS",
            "peak under load",
            "",
            "",
            megabytes(peak),
            format!("≤ {}", megabytes(TARGET_RSS_KIB)),
            verdict(Some(peak <= TARGET_RSS_KIB))
        );
    }
    println!(
        "  {:<26} {:<18} {:>8} {:>10} {:>10}  {:<30} {}\n",
        "cold start",
        "seeded database",
        "",
        "",
        format!("{:.2} s", report.cold_start.as_secs_f64()),
        format!("≤ {:.1} s", TARGET_COLD_START.as_secs_f64()),
        verdict(Some(report.cold_start <= TARGET_COLD_START))
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_use_only_known_filters() {
        let mix = QueryMix {
            points: vec![(51.45, -2.59)],
        };
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..1000 {
            let query = mix.next(&mut rng);
            let (path, parameters) = query.split_once('?').expect("a query string");
            assert_eq!(path, SEARCH);
            for pair in parameters.split('&').filter(|pair| !pair.is_empty()) {
                let (name, _) = pair.split_once('=').expect("name=value");
                assert!(
                    [
                        "species",
                        "capabilities",
                        "open",
                        "accepting",
                        "lat",
                        "lon",
                        "radius_km",
                        "q"
                    ]
                    .contains(&name),
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn reads_memory_lines_of_proc_status() {
        let pid = std::process::id();
        if Path::new(&format!("/proc/{pid}/status")).exists() {
            assert!(memory_kib(pid, "VmHWM").is_some_and(|kib| kib > 0));
        }
    }
}

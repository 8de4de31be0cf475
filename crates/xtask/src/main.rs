//! Warren's build tool, run as `cargo xtask <command>` from anywhere in the workspace.
//!
//! The two commands a newcomer needs are `cargo xtask demo` (build everything and serve a demo)
//! and `cargo xtask test` (set up the machine and run the whole test suite). The others are the
//! steps they are made of, plus a few conveniences for CI and maintainers, and `cargo xtask
//! bench`, the search benchmark.

mod bench;
mod bench_alerts;
mod bench_endpoints;
mod bench_lending;
mod bench_referrals;
mod bench_web;
mod check_wasm;
mod demo;
mod openapi;
mod postgres;
mod publish;
mod shell;
mod system;
mod test_suite;
mod web;
mod workspace;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Command line of `cargo xtask`.
#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Warren's build tool",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The commands `cargo xtask` knows.
#[derive(Subcommand)]
enum Command {
    /// Build the browser app (wasm32) into web/dist/.
    Web {
        /// Build with the dev profile (fast, large, debuggable) instead of `wasm-release`.
        #[arg(long)]
        dev: bool,
    },
    /// Build the app and the server in release mode, then serve a demo with sample data.
    Demo {
        /// Address the server listens on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
    },
    /// Install what the tests need (Chromium, chromedriver, PostgreSQL), build the app and run
    /// every test in the workspace.
    Test {
        /// Extra arguments for `cargo test`, after `--` (e.g. `cargo xtask test -- -p warren-tests`).
        #[arg(last = true)]
        cargo_args: Vec<String>,
    },
    /// Check that the browser app and the crates it shares build for wasm32 and pull in no server
    /// crates.
    CheckWasm,
    /// Write the API's OpenAPI document to openapi.yaml at the workspace root.
    Openapi,
    /// Benchmark the API: seed a 20,000-site network with two years of history (1,000,000
    /// referrals, 50,000 kit items) on SQLite and on PostgreSQL, start the release server, and
    /// report throughput and p50/p99 of each endpoint beside the no-op endpoint's, with seeding
    /// time, cold start and peak memory, against the targets.
    ///
    /// Targets: search keeps >= 50 % of the no-op throughput and p99 <= 10 ms at 1,000 req/s;
    /// referral creation >= 1,000/s with p99 <= 50 ms; dashboard p99 <= 200 ms; an urgent
    /// referral's e-mail accepted by the (local) SMTP server within 5 s at p99, at 100
    /// urgent referrals a minute; server RSS <= 100 MB; cold start <= 0.5 s. It also
    /// reports the alerts raised a second under the referral load.
    /// PostgreSQL is started if it is down; its database `warren_bench` is dropped and created
    /// anew (the server is WARREN_BENCH_POSTGRES_URL, default
    /// postgres://postgres@127.0.0.1:5432/postgres). Load comes from this process, so client and
    /// server share the machine: compare runs on one machine, not across machines.
    Bench {
        /// Which databases to measure.
        #[arg(long, value_enum, default_value = "all")]
        backend: bench::Backends,
        /// Sites in the seeded network (about ten per organization).
        #[arg(long, default_value_t = 20_000)]
        sites: usize,
        /// Referrals in the seeded two years of history, with their timelines.
        #[arg(long, default_value_t = 1_000_000)]
        referrals: usize,
        /// Kit items in the seeded network, with their loans.
        #[arg(long, default_value_t = 50_000)]
        items: usize,
        /// Seconds each measurement lasts.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Concurrent connections of the closed-loop (maximum throughput) runs.
        #[arg(long, default_value_t = 32)]
        connections: usize,
        /// Requests a second of the open-loop (latency) run.
        #[arg(long, default_value_t = 1000)]
        rate: u32,
        /// Use the release build already in the target directory.
        #[arg(long)]
        no_build: bool,
    },
    /// Benchmark loading the browser app in headless Chromium: how long `/sign-in`, `/triage`,
    /// `/volunteer` and `/directory` take to become usable with a cold cache, and what they
    /// download first, on a desktop and on a phone profile (CPU 4× slower, 10 Mbit/s, 40 ms).
    /// Builds and starts the demo unless given the address of one.
    BenchWeb {
        /// A running Warren with the demo network, e.g. http://127.0.0.1:8080.
        #[arg(long)]
        url: Option<String>,
        /// Cold visits of each page on each profile; the table gives the median.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Also print, for each page and profile, when each request of the median visit started
        /// and ended: what the page waited for.
        #[arg(long)]
        waterfall: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = workspace::Workspace::locate().and_then(|ws| match cli.command {
        Command::Web { dev } => {
            let profile = if dev {
                web::Profile::Dev
            } else {
                web::Profile::Release
            };
            web::build(&ws, profile, web::Binaryen::UseIfPresent).map(|_| ExitCode::SUCCESS)
        }
        Command::Demo { addr } => demo::run(&ws, &addr),
        Command::Test { cargo_args } => test_suite::run(&ws, &cargo_args),
        Command::CheckWasm => check_wasm::run(&ws),
        Command::Openapi => openapi::run(&ws).map(|()| ExitCode::SUCCESS),
        Command::BenchWeb {
            url,
            runs,
            waterfall,
        } => bench_web::run(
            &ws,
            &bench_web::Options {
                url,
                runs,
                waterfall,
            },
        ),
        Command::Bench {
            backend,
            sites,
            referrals,
            items,
            seconds,
            connections,
            rate,
            no_build,
        } => bench::run(
            &ws,
            &bench::Options {
                backends: backend,
                sites,
                referrals,
                items,
                seconds,
                connections,
                rate,
                no_build,
            },
        ),
    });
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("\nxtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

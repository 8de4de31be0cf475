//! The alert part of `cargo xtask bench`: how many alerts Warren raises a second under
//! the referral load, and how long an urgent referral takes to become an e-mail accepted
//! by a mail server.
//!
//! The server sends its e-mail to a real SMTP server on 127.0.0.1 (Debian's `aiosmtpd`,
//! writing each message it accepts into a Maildir). Every receiving organization of the
//! benchmark has an admin with a confirmed address, so each referral raises an alert (new
//! referrals reach the inbox; urgent ones go by e-mail as always).
//!
//! - **Raised a second**: the server's `warren_alerts_raised_total` counter (on
//!   `/metrics`) before and after the closed-loop referral creation run, over its length.
//! - **Change to e-mail**: tier 1 referrals at a steady 100 a minute for a minute; for each,
//!   the time from sending the request to the file of its e-mail appearing in the Maildir
//!   (the server writes it before it answers `250`), matched by the e-mail's
//!   `X-Warren-Link: /referrals/{id}`. Target: p99 under 5 s.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use hdrhistogram::Histogram;
use http_body_util::BodyExt;
use hyper::body::Bytes;

use crate::bench_referrals::{self, Referrer};
use crate::system::Apt;

/// The urgent run, as the report names it.
pub const URGENT: &str = "urgent referral → e-mail";
/// Urgent referrals a minute.
pub const RATE_PER_MINUTE: u32 = 100;
/// How long the urgent run lasts.
pub const DURATION: Duration = Duration::from_secs(60);
/// The e-mail must be accepted within this, at the 99th percentile.
pub const TARGET_P99: Duration = Duration::from_secs(5);
/// How long to wait for the last e-mails after the run.
const DRAIN: Duration = Duration::from_secs(30);

/// Debian's Python, which has `aiosmtpd`.
const SYSTEM_PYTHON: &str = "/usr/bin/python3";

/// A running `aiosmtpd` and its Maildir; stopped when dropped.
pub struct SmtpSink {
    child: Child,
    addr: SocketAddr,
    maildir: PathBuf,
}

impl SmtpSink {
    /// Starts the server on a free port, its Maildir under `folder`, installing
    /// `python3-aiosmtpd` first if it is missing.
    pub fn start(folder: &Path) -> Result<Self> {
        let present = || {
            Command::new(SYSTEM_PYTHON)
                .args(["-c", "import aiosmtpd"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success())
        };
        if !present() {
            Apt::new().install(
                &["python3-aiosmtpd"],
                "the alert benchmark measures e-mail accepted by a real SMTP server",
            )?;
        }
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let maildir = folder.join("maildir");
        let child = Command::new(SYSTEM_PYTHON)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(addr.to_string())
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("could not start aiosmtpd")?;
        let sink = Self {
            child,
            addr,
            maildir,
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(addr).is_err() {
            anyhow::ensure!(
                Instant::now() < deadline,
                "aiosmtpd did not start on {addr}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(sink)
    }

    /// `smtp://127.0.0.1:PORT`, for `WARREN_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// When each message about a referral arrived, by the referral's path.
    fn arrivals(&self) -> HashMap<String, SystemTime> {
        let mut found = HashMap::new();
        for folder in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.maildir.join(folder)) else {
                continue;
            };
            for path in entries.filter_map(Result::ok).map(|entry| entry.path()) {
                let (Ok(text), Ok(meta)) = (std::fs::read_to_string(&path), path.metadata()) else {
                    continue;
                };
                let Ok(arrived) = meta.modified() else {
                    continue;
                };
                let link = text
                    .lines()
                    .take_while(|line| !line.is_empty())
                    .find_map(|line| line.strip_prefix("X-Warren-Link:"))
                    .map(|link| link.trim().to_owned());
                if let Some(link) = link.filter(|link| link.starts_with("/referrals/")) {
                    found.entry(link).or_insert(arrived);
                }
            }
        }
        found
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The token the benchmark's server wants for `/metrics`.
pub const METRICS_TOKEN: &str = "the benchmark's metrics token";

/// The alerts the server has raised so far (`warren_alerts_raised_total`, every urgency).
pub async fn raised(addr: SocketAddr) -> Result<u64> {
    let mut sender = bench_referrals::connect(addr).await?;
    sender.ready().await?;
    let request = hyper::Request::builder()
        .uri("/metrics")
        .header(hyper::header::HOST, addr.to_string())
        .header(
            hyper::header::AUTHORIZATION,
            format!("Bearer {METRICS_TOKEN}"),
        )
        .body(http_body_util::Full::new(Bytes::new()))?;
    let response = sender.send_request(request).await?;
    let body = response.into_body().collect().await?.to_bytes();
    Ok(count_raised(&String::from_utf8_lossy(&body)))
}

/// The sum of `warren_alerts_raised_total` lines of a metrics page.
fn count_raised(metrics: &str) -> u64 {
    metrics
        .lines()
        .filter(|line| line.starts_with("warren_alerts_raised_total"))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}

/// What the urgent run measured.
pub struct Urgent {
    /// Referrals sent (and acknowledged with 201).
    pub sent: u64,
    /// Failed sends.
    pub errors: u64,
    /// E-mails that arrived for them.
    pub delivered: u64,
    /// Delays from sending the referral to its e-mail arriving, in microseconds.
    pub delay: Histogram<u64>,
}

impl Urgent {
    /// A delay quantile.
    pub fn percentile(&self, quantile: f64) -> Duration {
        Duration::from_micros(self.delay.value_at_quantile(quantile))
    }

    /// Whether the run met its target: every e-mail arrived, p99 within the target.
    pub fn met(&self) -> bool {
        self.errors == 0 && self.delivered == self.sent && self.percentile(0.99) <= TARGET_P99
    }
}

/// Tier 1 referrals at [`RATE_PER_MINUTE`] for [`DURATION`], then the wait for their
/// e-mails.
pub async fn urgent(addr: SocketAddr, referrer: Arc<Referrer>, sink: &SmtpSink) -> Result<Urgent> {
    let interval = Duration::from_secs(60) / RATE_PER_MINUTE;
    let total = u64::from(RATE_PER_MINUTE) * DURATION.as_secs() / 60;
    let path = format!(
        "/api/v1/organizations/{}/referrals",
        referrer.organization_id
    );
    let start = Instant::now();
    let mut tasks = Vec::new();
    for index in 0..total {
        let at = start + interval * u32::try_from(index).unwrap_or(u32::MAX);
        tokio::time::sleep_until(at.into()).await;
        let referrer = referrer.clone();
        let path = path.clone();
        tasks.push(tokio::spawn(async move {
            let sent_at = SystemTime::now();
            let mut sender = bench_referrals::connect(addr).await?;
            let body = referrer.urgent_body(index);
            let (status, _, answer) = bench_referrals::send(
                &mut sender,
                addr,
                &referrer,
                hyper::Method::POST,
                &path,
                None,
                body,
            )
            .await?;
            anyhow::ensure!(
                status == 201,
                "HTTP {status}: {}",
                String::from_utf8_lossy(&answer)
            );
            let id = serde_json::from_slice::<serde_json::Value>(&answer)?["items"][0]["id"]
                .as_str()
                .map(str::to_owned)
                .context("the answer names no referral")?;
            Ok::<_, anyhow::Error>((format!("/referrals/{id}"), sent_at))
        }));
    }
    let mut sent = Vec::new();
    let mut errors = 0;
    for task in tasks {
        match task.await {
            Ok(Ok(one)) => sent.push(one),
            _ => errors += 1,
        }
    }
    let deadline = Instant::now() + DRAIN;
    let arrivals = loop {
        let arrivals = sink.arrivals();
        if sent.iter().all(|(link, _)| arrivals.contains_key(link)) || Instant::now() > deadline {
            break arrivals;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let mut delay = Histogram::new_with_bounds(1, 600_000_000, 3)?;
    let mut delivered = 0;
    for (link, sent_at) in &sent {
        if let Some(arrived) = arrivals.get(link) {
            delivered += 1;
            let waited = arrived.duration_since(*sent_at).unwrap_or_default();
            delay.record(u64::try_from(waited.as_micros()).unwrap_or(u64::MAX).max(1))?;
        }
    }
    Ok(Urgent {
        sent: sent.len() as u64,
        errors,
        delivered,
        delay,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raised_alerts_are_summed_over_urgencies() {
        let page = "# HELP warren_alerts_raised_total Alerts raised\n\
                    warren_alerts_raised_total{urgency=\"other\"} 1200\n\
                    warren_alerts_raised_total{urgency=\"urgent\"} 34\n\
                    warren_emails_total{outcome=\"sent\"} 30\n";
        assert_eq!(count_raised(page), 1234);
        assert_eq!(count_raised(""), 0);
    }
}

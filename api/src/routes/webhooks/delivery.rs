//! The webhook delivery job: sends the deliveries the outbox owes, signed,
//! and records how each attempt went.
//!
//! Every replica runs it at `job_interval`. Each round claims the due
//! deliveries (a claim is a lease only one replica wins, see
//! [`warren_store::webhooks`]), POSTs them concurrently with a timeout of
//! [`SEND_TIMEOUT`], and records a 2xx answer as delivered and anything else
//! — another status, a redirect, a refused connection, a timeout — as a failed
//! attempt to retry with backoff from `webhook_retry_base`.
//!
//! Each POST carries the event as its JSON body and these headers:
//!
//! - `Warren-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
//!   keyed with the endpoint's secret ([`signature`]);
//! - `Warren-Event`: the event kind; `Warren-Delivery`: the delivery id.
//!
//! Unless `webhooks_to_private_addresses` is set, an endpoint must be a
//! public address: loopback, private, link-local (the cloud metadata
//! service), shared and other special addresses are refused when the
//! endpoint is registered, and again when a delivery is sent, where host
//! names are resolved to public addresses only. An organization cannot make
//! Warren call into the network it runs in, even through a name that
//! later resolves there.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use chrono::Utc;
use futures_util::future::join_all;
use hmac::{Hmac, Mac};
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use sha2::Sha256;
use warren_store::now;
use warren_store::webhooks::{self, Claimed};
use warren_wire::{
    DeliveryState, WEBHOOK_DELIVERY_HEADER, WEBHOOK_EVENT_HEADER, WEBHOOK_SIGNATURE_HEADER,
};

use crate::error::ApiError;
use crate::extract::hex;
use crate::state::AppState;

/// How long an endpoint has to answer one delivery.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a claim holds: well past [`SEND_TIMEOUT`], so that only a
/// replica that died mid-send loses its claim.
const LEASE: Duration = Duration::from_secs(60);

/// Most deliveries one replica sends per round.
const BATCH: i64 = 50;

/// How much of a refusing endpoint's answer the log keeps.
const MAX_ANSWER_CHARS: usize = 200;

/// The signature of one delivery: hex HMAC-SHA256 keyed with `secret` over
/// `"<timestamp>.<body>"`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex(&mac.finalize().into_bytes())
}

/// The `Warren-Signature` header value for `body` sent at `timestamp`.
pub fn signature_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", signature(secret, timestamp, body))
}

/// Whether `ip` is a public address a webhook may be sent to.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(mapped) => is_public_v4(mapped),
            None => is_public_v6(ip),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [first, second, ..] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        // "This network" 0.0.0.0/8, shared address space 100.64.0.0/10,
        // benchmarking 198.18.0.0/15 and reserved 240.0.0.0/4.
        || first == 0
        || (first == 100 && (second & 0b1100_0000) == 64)
        || (first == 198 && (second & 0b1111_1110) == 18)
        || first >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // Unique local fc00::/7, link-local fe80::/10, documentation
        // 2001:db8::/32.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first == 0x2001 && ip.segments()[1] == 0x0db8))
}

/// Why a webhook may not be sent to `url` when only public addresses are
/// allowed: its host is a non-public address or a local name. Other host
/// names are checked when they are resolved, at each delivery.
pub fn private_target(url: &reqwest::Url) -> Option<String> {
    let host = url.host_str()?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return (!is_public(ip)).then(|| format!("{ip} is not a public address"));
    }
    let name = host.trim_end_matches('.').to_ascii_lowercase();
    let local = name == "localhost"
        || name.ends_with(".localhost")
        || name.ends_with(".local")
        || name.ends_with(".internal")
        || !name.contains('.');
    local.then(|| format!("{host} is a local name, not a public address"))
}

/// Resolves endpoints' host names to their public addresses only.
struct PublicAddresses;

impl reqwest::dns::Resolve for PublicAddresses {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let public: Vec<SocketAddr> = found.filter(|address| is_public(address.ip())).collect();
            if public.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Starts the delivery job.
pub fn start(state: web::Data<AppState>) {
    let interval = state.config.job_interval;
    let public_only = !state.config.webhooks_to_private_addresses;
    let http = match http_client(public_only) {
        Ok(http) => http,
        Err(error) => {
            tracing::error!(%error, "webhook delivery cannot start");
            return;
        }
    };
    let jobs = state.jobs.clone();
    jobs.every(interval, move || {
        let state = state.clone();
        let http = http.clone();
        async move {
            match deliver_due(&state, &http, public_only).await {
                Ok(0) => {}
                Ok(sent) => tracing::debug!(sent, "webhook deliveries attempted"),
                Err(error) => tracing::warn!(%error, "webhook delivery round failed"),
            }
        }
    });
}

/// The client deliveries are sent with: no redirects followed (a redirect
/// is a failed attempt, and never leads Warren elsewhere), a timeout, and
/// with `public_only` host names resolved to public addresses only.
fn http_client(public_only: bool) -> reqwest::Result<reqwest::Client> {
    let mut headers = HeaderMap::new();
    headers.insert(
        USER_AGENT,
        HeaderValue::from_static(concat!("Warren-Webhooks/", env!("CARGO_PKG_VERSION"))),
    );
    let mut builder = reqwest::Client::builder();
    if public_only {
        builder = builder.dns_resolver(Arc::new(PublicAddresses));
    }
    builder
        .timeout(SEND_TIMEOUT)
        .connect_timeout(SEND_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
}

/// One round: claims the due deliveries, sends them and records each
/// outcome. With `public_only`, a delivery to a non-public address fails
/// without being sent. Returns how many this replica attempted.
pub async fn deliver_due(
    state: &web::Data<AppState>,
    http: &reqwest::Client,
    public_only: bool,
) -> Result<usize, ApiError> {
    let store = state.store.clone();
    let claimed = web::block(move || {
        store.write(|connection| {
            webhooks::claim_due(connection, now(), LEASE, BATCH).map_err(ApiError::from)
        })
    })
    .await??;
    let count = claimed.len();
    let base = state.config.webhook_retry_base;
    join_all(claimed.into_iter().map(|claimed| async move {
        let outcome = send(http, &claimed, public_only).await;
        let store = state.store.clone();
        let id = claimed.delivery.id.clone();
        let recorded = web::block(move || {
            store.write(|connection| match outcome {
                Ok(status) => webhooks::record_delivered(connection, &claimed, status)
                    .map(|()| DeliveryState::Delivered),
                Err((status, error)) => {
                    webhooks::record_failed(connection, &claimed, status, &error, base)
                }
            })
        })
        .await;
        match recorded {
            Ok(Ok(DeliveryState::Failed)) => {
                tracing::warn!(delivery = %id, "webhook delivery given up");
            }
            Ok(Ok(_)) => {}
            Ok(Err(error)) => {
                tracing::warn!(delivery = %id, %error, "cannot record a webhook attempt")
            }
            Err(error) => tracing::warn!(delivery = %id, %error, "cannot record a webhook attempt"),
        }
    }))
    .await;
    Ok(count)
}

/// POSTs one delivery: the 2xx status, or the status (if any) and why it failed.
async fn send(
    http: &reqwest::Client,
    claimed: &Claimed,
    public_only: bool,
) -> Result<u16, (Option<u16>, String)> {
    if public_only
        && let Some(reason) = reqwest::Url::parse(&claimed.url)
            .ok()
            .and_then(|url| private_target(&url))
    {
        return Err((None, format!("not sent: {reason}")));
    }
    let delivery = &claimed.delivery;
    let timestamp = Utc::now().timestamp();
    let body = delivery.payload.clone();
    let answer = http
        .post(&claimed.url)
        .header(CONTENT_TYPE, "application/json")
        .header(
            WEBHOOK_SIGNATURE_HEADER,
            signature_header(&claimed.secret, timestamp, body.as_bytes()),
        )
        .header(WEBHOOK_EVENT_HEADER, &delivery.kind)
        .header(WEBHOOK_DELIVERY_HEADER, &delivery.id)
        .body(body)
        .send()
        .await;
    match answer {
        Ok(response) if response.status().is_success() => Ok(response.status().as_u16()),
        Ok(response) => {
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            let text: String = text.trim().chars().take(MAX_ANSWER_CHARS).collect();
            let error = if text.is_empty() {
                format!("HTTP {status}")
            } else {
                format!("HTTP {status}: {text}")
            };
            Err((Some(status.as_u16()), error))
        }
        Err(error) if error.is_timeout() => Err((
            None,
            format!("no answer within {} s", SEND_TIMEOUT.as_secs()),
        )),
        Err(error) => Err((None, describe(&error))),
    }
}

/// A reqwest error with its causes, which hold the useful part
/// ("connection refused", "dns error").
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_over_timestamp_dot_body() {
        let header = signature_header("Jefe", 1_700_000_000, b"{\"a\":1}");
        assert!(header.starts_with("t=1700000000,v1="));
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"1700000000.{\"a\":1}");
        assert_eq!(
            header.split_once(",v1=").unwrap().1,
            hex(&mac.finalize().into_bytes())
        );
        assert_eq!(signature("Jefe", 1, b"x").len(), 64);
    }

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "0.0.0.0",
            "0.1.2.3",
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "198.18.0.1",
            "192.0.2.10",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "fd00::1",
            "fe80::1",
            "2001:db8::1",
            "ff02::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private} is private");
        }
        for public in [
            "1.1.1.1",
            "81.2.69.142",
            "100.128.0.1",
            "172.32.0.1",
            "2a00:1450:4009:81f::200e",
            "::ffff:81.2.69.142",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public} is public");
        }
    }

    #[test]
    fn local_hosts_are_refused_and_public_names_left_to_resolution() {
        let target = |url: &str| private_target(&reqwest::Url::parse(url).unwrap());
        for local in [
            "http://127.0.0.1:9/hook",
            "http://[::1]/hook",
            "http://169.254.169.254/latest/meta-data",
            "https://10.0.0.8/",
            "http://localhost:8080/",
            "http://LOCALHOST./",
            "http://admin.localhost/",
            "http://printer.local/",
            "http://metadata.google.internal/",
            "http://intranet/hook",
        ] {
            assert!(target(local).is_some(), "{local} is refused");
        }
        assert_eq!(
            target("http://[::1]/hook").as_deref(),
            Some("::1 is not a public address")
        );
        for public in [
            "https://hooks.example.org/warren",
            "http://81.2.69.142/hook",
        ] {
            assert_eq!(target(public), None, "{public} is allowed");
        }
    }

    #[tokio::test]
    async fn names_resolve_to_public_addresses_only() {
        use reqwest::dns::Resolve;
        let refused = PublicAddresses
            .resolve("localhost".parse().unwrap())
            .await
            .map(|addresses| addresses.collect::<Vec<_>>());
        assert_eq!(
            refused.map_err(|error| error.to_string()),
            Err("localhost has no public address".to_owned())
        );
    }
}

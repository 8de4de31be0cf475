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

/// Starts the delivery job.
pub fn start(state: web::Data<AppState>) {
    let interval = state.config.job_interval;
    let http = match http_client() {
        Ok(http) => http,
        Err(error) => {
            tracing::error!(%error, "webhook delivery cannot start");
            return;
        }
    };
    tokio::spawn(async move {
        let mut every = tokio::time::interval(interval);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match deliver_due(&state, &http).await {
                Ok(0) => {}
                Ok(sent) => tracing::debug!(sent, "webhook deliveries attempted"),
                Err(error) => tracing::warn!(%error, "webhook delivery round failed"),
            }
        }
    });
}

/// The client deliveries are sent with: no redirects followed (a redirect
/// is a failed attempt, and never leads Warren elsewhere), a timeout.
fn http_client() -> reqwest::Result<reqwest::Client> {
    let mut headers = HeaderMap::new();
    headers.insert(
        USER_AGENT,
        HeaderValue::from_static(concat!("Warren-Webhooks/", env!("CARGO_PKG_VERSION"))),
    );
    reqwest::Client::builder()
        .timeout(SEND_TIMEOUT)
        .connect_timeout(SEND_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
}

/// One round: claims the due deliveries, sends them and records each
/// outcome. Returns how many this replica attempted.
pub async fn deliver_due(
    state: &web::Data<AppState>,
    http: &reqwest::Client,
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
        let outcome = send(http, &claimed).await;
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
async fn send(http: &reqwest::Client, claimed: &Claimed) -> Result<u16, (Option<u16>, String)> {
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
}

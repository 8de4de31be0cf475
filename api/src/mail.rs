//! Sending what the outbox owes ([`warren_store::outbox`]): the channel
//! seam, e-mail over SMTP or into a mailbox folder, and the sender job.
//!
//! A [`Channel`] sends one message and says whether the far end took it,
//! refused it for good, or could not be reached; the sender job claims due
//! messages, hands each to the channel its row names and records the
//! outcome. E-mail is the only channel today; SMS or push would be another
//! [`Channel`] and another value of the outbox's `channel` column, with the
//! claiming, retrying and recording unchanged.
//!
//! The sender runs on every replica. It wakes when the hub says mail was
//! queued (on PostgreSQL that word comes from whichever replica queued it)
//! and otherwise every `job_interval`, for retries and quiet hours that
//! have ended. A claim is a lease of [`LEASE`]: only a replica that died
//! mid-send loses it, and the repeat carries the same `Message-ID`.
//!
//! Without `WARREN_SMTP_URL` e-mail goes into a mailbox folder (one `.eml`
//! file a message, named after its outbox id) so that nothing breaks and a
//! newcomer can read what Warren sent.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use futures_util::future::{BoxFuture, join_all};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use warren_store::now;
use warren_store::outbox::{self, MessageRecord, MessageState};

use crate::config::MailSettings;
use crate::error::ApiError;
use crate::events::LiveEvent;
use crate::state::AppState;

/// How long a claim on a message holds: well past [`SEND_TIMEOUT`].
const LEASE: Duration = Duration::from_secs(120);

/// How long the mail server has for one message.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(20);

/// Most messages one replica sends per round.
const BATCH: i64 = 50;

/// The outbox's name of the e-mail channel.
pub const EMAIL: &str = "email";

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendFailure {
    /// Try again later: the server is down, slow or said "later".
    Transient(String),
    /// The server refused the message for good (an unknown mailbox, say).
    Permanent(String),
}

/// A way of reaching people: sends one outbox message.
pub trait Channel: Send + Sync {
    /// Sends `message`; `Ok` once the far end took it.
    fn send<'a>(&'a self, message: &'a MessageRecord) -> BoxFuture<'a, Result<(), SendFailure>>;
    /// Where messages go, for the startup line and the logs.
    fn describe(&self) -> String;
}

/// Where e-mail goes.
enum Transport {
    /// An SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// A folder of `.eml` files.
    Mailbox(PathBuf),
}

/// E-mail, over SMTP or into the mailbox folder.
pub struct Email {
    transport: Transport,
    from: Mailbox,
    described: String,
}

impl Email {
    /// The e-mail channel the settings describe; `public_host` names the
    /// default sender's domain.
    pub fn new(settings: &MailSettings, public_host: &str) -> anyhow::Result<Self> {
        let from: Mailbox = match &settings.from {
            Some(from) => from.parse().map_err(|error| {
                anyhow::anyhow!("WARREN_MAIL_FROM {from:?} is not an address: {error}")
            })?,
            None => format!("Warren <warren@{}>", sender_domain(public_host))
                .parse()
                .map_err(|error| anyhow::anyhow!("the default sender: {error}"))?,
        };
        let (transport, described) = match &settings.smtp_url {
            Some(url) => {
                let transport = smtp_transport(url, settings.smtp_ca_file.as_deref())?;
                let shown = reqwest::Url::parse(url)
                    .map(|url| {
                        format!(
                            "the SMTP server {}:{}",
                            url.host_str().unwrap_or("?"),
                            url.port()
                                .map_or_else(|| "default port".to_owned(), |port| port.to_string())
                        )
                    })
                    .unwrap_or_else(|_| "the SMTP server".to_owned());
                (Transport::Smtp(transport), shown)
            }
            None => {
                std::fs::create_dir_all(&settings.mailbox_dir).map_err(|error| {
                    anyhow::anyhow!(
                        "cannot create the mailbox folder {}: {error}",
                        settings.mailbox_dir.display()
                    )
                })?;
                let shown = format!("the mailbox folder {}", settings.mailbox_dir.display());
                (Transport::Mailbox(settings.mailbox_dir.clone()), shown)
            }
        };
        Ok(Self {
            transport,
            from,
            described,
        })
    }

    /// Whether e-mail goes into the mailbox folder.
    pub fn mailbox(&self) -> Option<&std::path::Path> {
        match &self.transport {
            Transport::Mailbox(folder) => Some(folder),
            Transport::Smtp(_) => None,
        }
    }

    /// The message as sent: plain text and HTML, its one `Message-ID`, and
    /// `List-Unsubscribe` for non-urgent alerts.
    pub fn message(&self, record: &MessageRecord) -> Result<Message, SendFailure> {
        let to: Mailbox = format!("{} <{}>", quoted(&record.recipient_name), record.address)
            .parse()
            .or_else(|_| record.address.parse())
            .map_err(|error| SendFailure::Permanent(format!("not an address: {error}")))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(record.subject.clone())
            .message_id(Some(record.message_id.clone()));
        if let Some(unsubscribe) = &record.unsubscribe_url {
            builder = builder.raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{unsubscribe}>"),
            ));
        }
        if record.urgent {
            builder = builder.raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Importance"),
                "high".into(),
            ));
        }
        if let Some(link) = &record.link {
            builder = builder.raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("X-Warren-Link"),
                link.clone(),
            ));
        }
        if let Some(alert) = &record.alert_id {
            builder = builder.raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("X-Warren-Alert"),
                alert.clone(),
            ));
        }
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(record.body_text.clone());
        let built = match &record.body_html {
            Some(html) => builder.multipart(
                MultiPart::alternative().singlepart(text).singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html.clone()),
                ),
            ),
            None => builder.singlepart(text),
        };
        built.map_err(|error| SendFailure::Permanent(format!("cannot build the message: {error}")))
    }
}

impl Channel for Email {
    fn send<'a>(&'a self, record: &'a MessageRecord) -> BoxFuture<'a, Result<(), SendFailure>> {
        Box::pin(async move {
            let message = self.message(record)?;
            match &self.transport {
                Transport::Smtp(smtp) => {
                    match tokio::time::timeout(SEND_TIMEOUT, smtp.send(message)).await {
                        Err(_) => Err(SendFailure::Transient(format!(
                            "the mail server did not answer within {} s",
                            SEND_TIMEOUT.as_secs()
                        ))),
                        Ok(Ok(_)) => Ok(()),
                        Ok(Err(error)) if error.is_permanent() => {
                            Err(SendFailure::Permanent(describe(&error)))
                        }
                        Ok(Err(error)) => Err(SendFailure::Transient(describe(&error))),
                    }
                }
                Transport::Mailbox(folder) => {
                    let path = folder.join(format!("{}.eml", record.id));
                    let formatted = message.formatted();
                    let summary = crate::mailbox::summary(
                        &format!("{} <{}>", record.recipient_name, record.address),
                        &record.subject,
                        &chrono::Utc::now()
                            .format("%Y-%m-%d %H:%M:%S UTC")
                            .to_string(),
                        &record.body_text,
                    );
                    let shown = path.display().to_string();
                    tokio::task::spawn_blocking(move || {
                        std::fs::write(&path, formatted)?;
                        std::fs::write(path.with_extension("txt"), summary)
                    })
                    .await
                    .map_err(|error| SendFailure::Transient(error.to_string()))?
                    .map_err(|error| {
                        SendFailure::Transient(format!("cannot write {shown}: {error}"))
                    })
                }
            }
        })
    }

    fn describe(&self) -> String {
        self.described.clone()
    }
}

/// The SMTP transport of `url`; with `ca_file`, its authorities are
/// trusted besides the system's for STARTTLS and TLS.
fn smtp_transport(
    url: &str,
    ca_file: Option<&std::path::Path>,
) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|error| anyhow::anyhow!("WARREN_SMTP_URL is not an SMTP address: {error}"))?;
    if let Some(ca_file) = ca_file {
        let parsed = reqwest::Url::parse(url)?;
        let host = parsed
            .host_str()
            .ok_or_else(|| anyhow::anyhow!("WARREN_SMTP_URL names no host"))?
            .to_owned();
        let pem = std::fs::read(ca_file).map_err(|error| {
            anyhow::anyhow!(
                "cannot read WARREN_SMTP_CA_FILE {}: {error}",
                ca_file.display()
            )
        })?;
        let certificate = Certificate::from_pem(&pem).map_err(|error| {
            anyhow::anyhow!("WARREN_SMTP_CA_FILE holds no certificate: {error}")
        })?;
        let parameters = TlsParameters::builder(host)
            .add_root_certificate(certificate)
            .build_rustls()
            .map_err(|error| anyhow::anyhow!("TLS for the SMTP server: {error}"))?;
        let tls_query = parsed
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, value)| value.into_owned());
        let tls = match (parsed.scheme(), tls_query.as_deref()) {
            ("smtps", _) => Tls::Wrapper(parameters),
            ("smtp", Some("required")) => Tls::Required(parameters),
            ("smtp", Some("opportunistic")) => Tls::Opportunistic(parameters),
            _ => anyhow::bail!(
                "WARREN_SMTP_CA_FILE needs a TLS address: smtps://… or smtp://…?tls=required"
            ),
        };
        builder = builder.tls(tls);
    }
    Ok(builder.timeout(Some(SEND_TIMEOUT)).build())
}

/// The domain of the default sender and of `Message-ID`s: the public
/// host without its port.
pub fn sender_domain(public_host: &str) -> String {
    let host = public_host
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .split('/')
        .next()
        .unwrap_or("localhost");
    let host = match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    };
    let host = host.trim_matches(|c| c == '[' || c == ']');
    // An address literal is no domain for a sender or a `Message-ID`.
    if host.is_empty() || host.parse::<std::net::IpAddr>().is_ok() {
        "localhost".to_owned()
    } else {
        host.to_owned()
    }
}

/// A display name safe inside a mailbox (`"Name" <address>`).
fn quoted(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !c.is_control() && *c != '"' && *c != '\\')
        .collect();
    format!("\"{cleaned}\"")
}

/// An SMTP error with the server's answer, which says why.
fn describe(error: &lettre::transport::smtp::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Starts the sender job with `channel` for e-mail.
pub fn start(state: web::Data<AppState>, email: Arc<dyn Channel>) {
    let interval = state.config.job_interval;
    let mut events = state.events.subscribe();
    let jobs = state.jobs.clone();
    jobs.spawn(move |stopping| async move {
        let mut every = tokio::time::interval(interval);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = stopping.cancelled() => return,
                _ = every.tick() => {}
                heard = events.recv() => match heard {
                    Ok(LiveEvent::MailQueued) => {}
                    Ok(_) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                },
            }
            // Keep going while full batches come back: a burst drains at once.
            loop {
                match send_due(&state, email.as_ref()).await {
                    Ok(sent) if sent as i64 == BATCH => continue,
                    Ok(_) => break,
                    Err(error) => {
                        tracing::warn!(%error, "mail round failed");
                        break;
                    }
                }
            }
        }
    });
}

/// One round: claims due messages, sends them concurrently and records each
/// outcome. Returns how many this replica attempted.
pub async fn send_due(state: &web::Data<AppState>, email: &dyn Channel) -> Result<usize, ApiError> {
    let store = state.store.clone();
    let claimed = web::block(move || {
        store.write(|connection| {
            outbox::claim_due(connection, now(), LEASE, BATCH).map_err(ApiError::from)
        })
    })
    .await??;
    let count = claimed.len();
    let base = state.config.mail.retry_base;
    join_all(claimed.into_iter().map(|message| async move {
        let lease = message.claimed_until.unwrap_or_else(now);
        let outcome = match message.channel.as_str() {
            EMAIL => email.send(&message).await,
            other => Err(SendFailure::Permanent(format!("no channel {other:?}"))),
        };
        let state = state.clone();
        let id = message.id.clone();
        let recorded = web::block(move || {
            state.store.write(|connection| {
                let new_state = match &outcome {
                    Ok(()) => {
                        outbox::record_sent(connection, &message, lease)?;
                        MessageState::Sent
                    }
                    Err(SendFailure::Transient(error)) => {
                        outbox::record_failed(connection, &message, lease, error, false, base)?
                    }
                    Err(SendFailure::Permanent(error)) => {
                        outbox::record_failed(connection, &message, lease, error, true, base)?
                    }
                };
                if new_state == MessageState::Failed {
                    crate::alerts::delivery_failed(connection, &message, outcome.err())?;
                }
                state
                    .alert_metrics
                    .emails
                    .with_label_values(&[new_state.as_str()])
                    .inc();
                Ok::<_, ApiError>(new_state)
            })
        })
        .await;
        match recorded {
            Ok(Ok(MessageState::Failed)) => tracing::warn!(message = %id, "e-mail given up"),
            Ok(Ok(_)) => {}
            Ok(Err(error)) => {
                tracing::warn!(message = %id, %error, "cannot record an e-mail attempt")
            }
            Err(error) => tracing::warn!(message = %id, %error, "cannot record an e-mail attempt"),
        }
    }))
    .await;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sender_domain_is_the_public_host_without_port() {
        assert_eq!(sender_domain("http://127.0.0.1:8080"), "localhost");
        assert_eq!(
            sender_domain("https://warren.network.example/"),
            "warren.network.example"
        );
        assert_eq!(sender_domain("http://warren.test:8080"), "warren.test");
        assert_eq!(sender_domain("http://[::1]:8080"), "localhost");
        assert_eq!(sender_domain(""), "localhost");
    }

    #[test]
    fn display_names_cannot_break_out_of_their_quotes() {
        assert_eq!(quoted("Dr \"Okafor\"\r\nBcc: x"), "\"Dr OkaforBcc: x\"");
    }
}

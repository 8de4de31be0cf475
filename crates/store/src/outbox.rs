//! The outbox: messages owed to people through a channel (e-mail today),
//! written in the transaction of the change that causes them and sent later
//! by one replica.
//!
//! Like webhook deliveries, a message is claimed before it is sent, with a
//! conditional update only one replica wins ([`claim_due`]); the claim is a
//! lease, so a replica that dies mid-send leaves the message to be sent
//! again when the lease runs out. Each message keeps one `Message-ID` for
//! every attempt, so a mail server that saw an attempt whose answer was lost
//! recognises the repeat. A failed attempt is retried with backoff
//! ([`retry_delay`]); after [`MAX_ATTEMPTS`], or at once when the server
//! refuses the message for good, it is marked failed with the server's
//! answer.
//!
//! A message whose body holds a secret link (a password reset, an
//! acknowledge link) has its body blanked once sent: the link lives on only
//! in the recipient's mailbox.

use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::schema::outbox_messages;
use crate::{DbConnection, StoreError, StoreResult, new_id, now};

/// Attempts before a message is given up as failed.
pub const MAX_ATTEMPTS: i32 = 8;

/// Longest error text kept.
const MAX_ERROR_CHARS: usize = 500;

/// What the body of a sent secret message becomes.
const BLANKED: &str = "(sent; the body held a single-use link and is not kept)";

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageState {
    /// Waiting for its first attempt.
    Pending,
    /// An attempt failed; another is scheduled.
    Retrying,
    /// The server accepted it.
    Sent,
    /// Given up.
    Failed,
}

impl MessageState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Retrying => "retrying",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Retrying, Self::Sent, Self::Failed]
            .into_iter()
            .find(|state| state.as_str() == text)
    }
}

/// A stored message.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox_messages)]
pub struct MessageRecord {
    /// Stable id.
    pub id: String,
    /// The channel (`email`).
    pub channel: String,
    /// The `Message-ID` every attempt carries.
    pub message_id: String,
    /// Why it is sent: `alert`, `digest`, `password_reset`, `invitation`,
    /// `email_confirmation`.
    pub purpose: String,
    /// The alert it carries.
    pub alert_id: Option<String>,
    /// The recipient's account, if any.
    pub user_id: Option<String>,
    /// Where it goes.
    pub address: String,
    /// The recipient's name.
    pub recipient_name: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// HTML body.
    pub body_html: Option<String>,
    /// `List-Unsubscribe` target, for non-urgent alert mail.
    pub unsubscribe_url: Option<String>,
    /// The path in Warren of what an alert e-mail is about (sent as
    /// `X-Warren-Link`, for mail filters).
    pub link: Option<String>,
    /// Whether the body holds a secret link.
    pub secret: bool,
    /// Whether it is urgent.
    pub urgent: bool,
    /// `pending`, `retrying`, `sent`, `failed`.
    pub state: String,
    /// Attempts started.
    pub attempts: i32,
    /// When the next attempt is due.
    pub next_attempt_at: Option<NaiveDateTime>,
    /// Until when a replica holds it.
    pub claimed_until: Option<NaiveDateTime>,
    /// The server's answer to the last failed attempt.
    pub last_error: Option<String>,
    /// When the server accepted it.
    pub sent_at: Option<NaiveDateTime>,
    /// Queued.
    pub created_at: NaiveDateTime,
}

impl MessageRecord {
    /// Its state.
    pub fn state(&self) -> StoreResult<MessageState> {
        MessageState::parse(&self.state)
            .ok_or_else(|| StoreError::Corrupt(format!("message state {:?}", self.state)))
    }
}

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// The channel.
    pub channel: &'static str,
    /// Why.
    pub purpose: &'static str,
    /// The alert it carries.
    pub alert_id: Option<String>,
    /// The recipient's account.
    pub user_id: Option<String>,
    /// Where it goes.
    pub address: String,
    /// Their name.
    pub recipient_name: String,
    /// Subject line.
    pub subject: String,
    /// Plain text.
    pub body_text: String,
    /// HTML.
    pub body_html: Option<String>,
    /// `List-Unsubscribe` target.
    pub unsubscribe_url: Option<String>,
    /// The path in Warren of what it is about.
    pub link: Option<String>,
    /// Whether the body holds a secret link.
    pub secret: bool,
    /// Whether urgent.
    pub urgent: bool,
    /// Not before (quiet hours).
    pub not_before: NaiveDateTime,
}

/// Queues a message; `domain` names the sender's host in its `Message-ID`.
pub fn enqueue(
    connection: &mut DbConnection,
    message: &NewMessage,
    domain: &str,
) -> StoreResult<String> {
    let id = new_id();
    diesel::insert_into(outbox_messages::table)
        .values((
            outbox_messages::id.eq(&id),
            outbox_messages::channel.eq(message.channel),
            outbox_messages::message_id.eq(format!("<{id}@{domain}>")),
            outbox_messages::purpose.eq(message.purpose),
            outbox_messages::alert_id.eq(&message.alert_id),
            outbox_messages::user_id.eq(&message.user_id),
            outbox_messages::address.eq(&message.address),
            outbox_messages::recipient_name.eq(&message.recipient_name),
            outbox_messages::subject.eq(&message.subject),
            outbox_messages::body_text.eq(&message.body_text),
            outbox_messages::body_html.eq(&message.body_html),
            outbox_messages::unsubscribe_url.eq(&message.unsubscribe_url),
            outbox_messages::link.eq(&message.link),
            outbox_messages::secret.eq(message.secret),
            outbox_messages::urgent.eq(message.urgent),
            outbox_messages::state.eq(MessageState::Pending.as_str()),
            outbox_messages::attempts.eq(0),
            outbox_messages::next_attempt_at.eq(Some(message.not_before)),
            outbox_messages::created_at.eq(now()),
        ))
        .execute(connection)?;
    Ok(id)
}

fn open_states() -> [&'static str; 2] {
    [
        MessageState::Pending.as_str(),
        MessageState::Retrying.as_str(),
    ]
}

/// Claims up to `limit` due messages (urgent first) for `lease`, counting
/// their attempt. Run it in a write transaction; a message another replica
/// claimed first is skipped.
pub fn claim_due(
    connection: &mut DbConnection,
    at: NaiveDateTime,
    lease: Duration,
    limit: i64,
) -> StoreResult<Vec<MessageRecord>> {
    let until =
        at + TimeDelta::from_std(lease).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    let due: Vec<String> = outbox_messages::table
        .filter(outbox_messages::state.eq_any(open_states()))
        .filter(outbox_messages::next_attempt_at.le(at))
        .filter(
            outbox_messages::claimed_until
                .is_null()
                .or(outbox_messages::claimed_until.lt(at)),
        )
        .order((
            outbox_messages::urgent.desc(),
            outbox_messages::next_attempt_at.asc(),
        ))
        .limit(limit)
        .select(outbox_messages::id)
        .load(connection)?;
    let mut claimed = Vec::with_capacity(due.len());
    for id in due {
        let won = diesel::update(
            outbox_messages::table
                .filter(outbox_messages::id.eq(&id))
                .filter(outbox_messages::state.eq_any(open_states()))
                .filter(
                    outbox_messages::claimed_until
                        .is_null()
                        .or(outbox_messages::claimed_until.lt(at)),
                ),
        )
        .set((
            outbox_messages::claimed_until.eq(Some(until)),
            outbox_messages::attempts.eq(outbox_messages::attempts + 1),
        ))
        .execute(connection)?;
        if won == 1 {
            claimed.push(find(connection, &id)?);
        }
    }
    Ok(claimed)
}

/// One message, or `NotFound`.
pub fn find(connection: &mut DbConnection, id: &str) -> StoreResult<MessageRecord> {
    Ok(outbox_messages::table
        .find(id)
        .select(MessageRecord::as_select())
        .first(connection)?)
}

/// The messages carrying these alerts.
pub fn of_alerts(
    connection: &mut DbConnection,
    alert_ids: &[String],
) -> StoreResult<Vec<MessageRecord>> {
    if alert_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(outbox_messages::table
        .filter(outbox_messages::alert_id.eq_any(alert_ids))
        .select(MessageRecord::as_select())
        .load(connection)?)
}

/// Messages sent to `address` (newest first), for tests and the demo
/// mailbox.
pub fn to_address(connection: &mut DbConnection, address: &str) -> StoreResult<Vec<MessageRecord>> {
    Ok(outbox_messages::table
        .filter(outbox_messages::address.eq(address))
        .order(outbox_messages::id.desc())
        .select(MessageRecord::as_select())
        .load(connection)?)
}

/// The wait after a failed attempt (`attempts` made so far, from 1) before
/// the next: 1, 2, 6, 30, 120, then 360 times `base` — with the default
/// base of 10 s: 10 s, 20 s, 1 min, 5 min, 20 min, 1 h, 1 h. `None` once
/// [`MAX_ATTEMPTS`] have failed. Shorter than the webhooks' backoff: a mail
/// server that was restarting should not hold an urgent alert long.
pub fn retry_delay(attempts: i32, base: Duration) -> Option<Duration> {
    const FACTORS: [u32; 6] = [1, 2, 6, 30, 120, 360];
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let step = usize::try_from(attempts.max(1) - 1).unwrap_or(0);
    Some(base.saturating_mul(FACTORS[step.min(FACTORS.len() - 1)]))
}

/// Records that the server accepted a claimed message (blanking a secret
/// body). `false` if the claim had lapsed and another replica holds it.
pub fn record_sent(
    connection: &mut DbConnection,
    message: &MessageRecord,
    lease: NaiveDateTime,
) -> StoreResult<bool> {
    let at = now();
    let body = if message.secret {
        BLANKED.to_owned()
    } else {
        message.body_text.clone()
    };
    let html = if message.secret {
        None
    } else {
        message.body_html.clone()
    };
    let updated = diesel::update(
        outbox_messages::table
            .filter(outbox_messages::id.eq(&message.id))
            .filter(outbox_messages::claimed_until.eq(Some(lease))),
    )
    .set((
        outbox_messages::state.eq(MessageState::Sent.as_str()),
        outbox_messages::sent_at.eq(Some(at)),
        outbox_messages::last_error.eq(None::<String>),
        outbox_messages::next_attempt_at.eq(None::<NaiveDateTime>),
        outbox_messages::claimed_until.eq(None::<NaiveDateTime>),
        outbox_messages::body_text.eq(body),
        outbox_messages::body_html.eq(html),
    ))
    .execute(connection)?;
    Ok(updated == 1)
}

/// Records a failed attempt of a claimed message: retried after
/// [`retry_delay`] unless `permanent` or out of attempts, else failed.
/// Returns the new state.
pub fn record_failed(
    connection: &mut DbConnection,
    message: &MessageRecord,
    lease: NaiveDateTime,
    error: &str,
    permanent: bool,
    base: Duration,
) -> StoreResult<MessageState> {
    let at = now();
    let delay = if permanent {
        None
    } else {
        retry_delay(message.attempts, base)
    };
    let (state, next) = match delay {
        Some(delay) => (
            MessageState::Retrying,
            Some(
                at + TimeDelta::from_std(delay)
                    .map_err(|error| StoreError::Corrupt(error.to_string()))?,
            ),
        ),
        None => (MessageState::Failed, None),
    };
    let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
    diesel::update(
        outbox_messages::table
            .filter(outbox_messages::id.eq(&message.id))
            .filter(outbox_messages::claimed_until.eq(Some(lease))),
    )
    .set((
        outbox_messages::state.eq(state.as_str()),
        outbox_messages::last_error.eq(Some(error)),
        outbox_messages::next_attempt_at.eq(next),
        outbox_messages::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(connection)?;
    Ok(state)
}

/// The earliest time a queued message is due, if any is waiting.
pub fn next_due(connection: &mut DbConnection) -> StoreResult<Option<NaiveDateTime>> {
    Ok(outbox_messages::table
        .filter(outbox_messages::state.eq_any(open_states()))
        .select(diesel::dsl::min(outbox_messages::next_attempt_at))
        .first::<Option<NaiveDateTime>>(connection)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_retries_back_off_from_ten_seconds_to_an_hour_then_give_up() {
        let base = Duration::from_secs(10);
        let delays: Vec<Option<u64>> = (1..=MAX_ATTEMPTS)
            .map(|attempts| retry_delay(attempts, base).map(|delay| delay.as_secs()))
            .collect();
        assert_eq!(
            delays,
            [
                Some(10),
                Some(20),
                Some(60),
                Some(300),
                Some(1200),
                Some(3600),
                Some(3600),
                None
            ]
        );
    }
}

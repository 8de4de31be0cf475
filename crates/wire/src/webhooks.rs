//! Webhooks: an organization's endpoints for referral and loan events, and
//! the log of deliveries to them.
//!
//! Warren POSTs each event it owes an endpoint as JSON, signed with the
//! endpoint's secret (see [`WEBHOOK_SIGNATURE_HEADER`]), and retries with
//! backoff until the endpoint answers 2xx or Warren gives up. Delivery is *at
//! least once*: receivers should deduplicate on the event's `id`.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use warren_domain::{ShortText, Website};

/// Header carrying a delivery's signature: `t=<unix seconds>,v1=<hex>`.
pub const WEBHOOK_SIGNATURE_HEADER: &str = "Warren-Signature";
/// Header carrying a delivery's event kind, e.g. `referral.created`.
pub const WEBHOOK_EVENT_HEADER: &str = "Warren-Event";
/// Header carrying the delivery's id (a redelivery has a new one).
pub const WEBHOOK_DELIVERY_HEADER: &str = "Warren-Delivery";

/// Every referral event kind an endpoint can subscribe to.
pub const REFERRAL_EVENT_KINDS: [&str; 7] = [
    "referral.created",
    "referral.status_changed",
    "referral.escalated",
    "referral.transport_changed",
    "referral.outcome_recorded",
    "referral.message_posted",
    "referral.updated",
];

/// Every loan event kind an endpoint can subscribe to: one per step of a
/// loan's timeline, sent to the owner and the borrower.
pub const LOAN_EVENT_KINDS: [&str; 8] = [
    "loan.requested",
    "loan.approved",
    "loan.declined",
    "loan.preempted",
    "loan.cancelled",
    "loan.checked_out",
    "loan.returned",
    "loan.overdue",
];

/// Every alert event kind an endpoint can subscribe to: an urgent alert's
/// chain started, was acknowledged, or reached its end unacknowledged; sent
/// to the alerted organization.
pub const ALERT_EVENT_KINDS: [&str; 3] =
    ["alert.raised", "alert.acknowledged", "alert.unacknowledged"];

/// Subscribes to every event kind, including kinds added later.
pub const ALL_EVENTS: &str = "*";

/// An event kind an endpoint subscribes to: `referral.created`,
/// `referral.status_changed`, `referral.escalated`,
/// `referral.transport_changed`, `referral.outcome_recorded`,
/// `referral.message_posted`, `referral.updated`, `loan.requested`,
/// `loan.approved`, `loan.declined`, `loan.preempted`, `loan.cancelled`,
/// `loan.checked_out`, `loan.returned`, `loan.overdue`, `alert.raised`,
/// `alert.acknowledged`, `alert.unacknowledged`, or `*` for all of them
/// (including kinds added later).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "referral.created"))]
#[serde(try_from = "String", into = "String")]
pub struct EventKind(String);

/// An event kind Warren does not send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEventKind(String);

impl fmt::Display for UnknownEventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not an event kind; use `*` or one of {}, {}, {}",
            self.0,
            REFERRAL_EVENT_KINDS.join(", "),
            LOAN_EVENT_KINDS.join(", "),
            ALERT_EVENT_KINDS.join(", ")
        )
    }
}

impl std::error::Error for UnknownEventKind {}

impl EventKind {
    /// Checks `input` (trimmed) against the known kinds and `*`.
    pub fn parse(input: impl Into<String>) -> Result<Self, UnknownEventKind> {
        let input: String = input.into();
        let kind = input.trim();
        if kind == ALL_EVENTS
            || REFERRAL_EVENT_KINDS.contains(&kind)
            || LOAN_EVENT_KINDS.contains(&kind)
            || ALERT_EVENT_KINDS.contains(&kind)
        {
            Ok(Self(kind.to_owned()))
        } else {
            Err(UnknownEventKind(input))
        }
    }

    /// The kind, e.g. `referral.created` or `*`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether an event of `kind` matches this subscription.
    pub fn matches(&self, kind: &str) -> bool {
        self.0 == ALL_EVENTS || self.0 == kind
    }
}

impl TryFrom<String> for EventKind {
    type Error = UnknownEventKind;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<EventKind> for String {
    fn from(value: EventKind) -> String {
        value.0
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `POST /api/v1/organizations/{id}/webhooks`: register an endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// Where to POST events: an `http://` or `https://` address reachable
    /// from Warren's server.
    pub url: Website,
    /// The event kinds to send, at least one; `*` for all.
    #[serde(default)]
    pub events: Vec<EventKind>,
    /// A label saying what receives the events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<ShortText>,
}

/// An endpoint (never its secret, which is shown once at registration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    /// Stable identifier.
    pub id: Uuid,
    /// The organization whose referral and loan events it receives.
    pub organization_id: Uuid,
    /// Where events are POSTed.
    pub url: String,
    /// The event kinds it receives; `*` for all.
    pub events: Vec<EventKind>,
    /// Its label.
    pub description: Option<String>,
    /// Whether events are still sent; revoking an endpoint stops them for good.
    pub active: bool,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// Who registered it, as the audit log names them.
    pub created_by: String,
}

/// An endpoint just registered, with its signing secret (shown only this once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedWebhook {
    /// The endpoint.
    pub webhook: Webhook,
    /// The key of the HMAC-SHA256 signature on every delivery. Store it now:
    /// it cannot be shown again.
    pub secret: String,
}

/// The endpoints of one organization, newest first, revoked ones included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookList {
    /// The endpoints.
    pub items: Vec<Webhook>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Not attempted yet.
    Pending,
    /// Attempted and refused or unanswered; another attempt is due at
    /// `next_attempt_at`.
    Retrying,
    /// The endpoint answered 2xx.
    Delivered,
    /// Warren gave up (too many attempts, or the endpoint was revoked).
    Failed,
}

impl DeliveryState {
    /// Every state.
    pub const ALL: [Self; 4] = [Self::Pending, Self::Retrying, Self::Delivered, Self::Failed];

    /// The state as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Retrying => "retrying",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    /// The state named `text`, if any.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// Whether Warren will still attempt it.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::Retrying)
    }
}

/// One event owed to one endpoint, with how its attempts went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    /// Stable identifier, sent as `Warren-Delivery`.
    pub id: Uuid,
    /// The endpoint.
    pub webhook_id: Uuid,
    /// The event delivered (the payload's `id`); redeliveries share it.
    pub event_id: Uuid,
    /// The event kind, sent as `Warren-Event`.
    pub kind: String,
    /// Where it stands.
    pub state: DeliveryState,
    /// Attempts made so far.
    pub attempts: u32,
    /// The HTTP status of the last attempt, if the endpoint answered.
    pub last_status: Option<u16>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// When the next attempt is due, while one is.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the endpoint accepted it.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// The delivery this one repeats, for a redelivery.
    pub redelivery_of: Option<Uuid>,
    /// The body POSTed, exactly as signed (a referral event).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: serde_json::Value,
}

/// Paging for `GET …/webhooks/{webhook_id}/deliveries`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Deliveries per page, 1–200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A page of an endpoint's delivery log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryPage {
    /// The deliveries.
    pub items: Vec<WebhookDelivery>,
    /// Pass as `cursor` for older deliveries; absent on the last page.
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_event_kinds_and_the_wildcard_parse() {
        assert_eq!(EventKind::parse(" * ").unwrap().as_str(), "*");
        assert!(
            EventKind::parse("referral.created")
                .unwrap()
                .matches("referral.created")
        );
        assert!(EventKind::parse("*").unwrap().matches("referral.updated"));
        assert!(
            !EventKind::parse("referral.created")
                .unwrap()
                .matches("referral.updated")
        );
        assert!(EventKind::parse("loan.created").is_err());
        assert!(serde_json::from_str::<EventKind>("\"referral.*\"").is_err());
    }

    #[test]
    fn delivery_states_round_trip() {
        for state in DeliveryState::ALL {
            assert_eq!(DeliveryState::parse(state.as_str()), Some(state));
            assert_eq!(
                serde_json::to_string(&state).unwrap(),
                format!("\"{}\"", state.as_str())
            );
        }
    }
}

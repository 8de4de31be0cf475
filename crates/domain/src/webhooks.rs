//! Webhook subscriptions and deliveries, as rules: which event kinds an
//! endpoint may subscribe to ([`EventKind`]) and where a delivery stands
//! ([`DeliveryState`]). The store keeps both in its columns; the wire
//! contract shows them to integrators as they are.

use std::fmt;

use serde::{Deserialize, Serialize};

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

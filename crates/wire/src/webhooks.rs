//! Webhooks: an organization's endpoints for referral and loan events, and
//! the log of deliveries to them.
//!
//! Warren POSTs each event it owes an endpoint as JSON, signed with the
//! endpoint's secret (see [`WEBHOOK_SIGNATURE_HEADER`]), and retries with
//! backoff until the endpoint answers 2xx or Warren gives up. Delivery is *at
//! least once*: receivers should deduplicate on the event's `id`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
pub use warren_domain::webhooks::{
    ALERT_EVENT_KINDS, ALL_EVENTS, DeliveryState, EventKind, LOAN_EVENT_KINDS,
    REFERRAL_EVENT_KINDS, UnknownEventKind,
};
use warren_domain::{ShortText, Website};

/// Header carrying a delivery's signature: `t=<unix seconds>,v1=<hex>`.
pub const WEBHOOK_SIGNATURE_HEADER: &str = "Warren-Signature";
/// Header carrying a delivery's event kind, e.g. `referral.created`.
pub const WEBHOOK_EVENT_HEADER: &str = "Warren-Event";
/// Header carrying the delivery's id (a redelivery has a new one).
pub const WEBHOOK_DELIVERY_HEADER: &str = "Warren-Delivery";

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

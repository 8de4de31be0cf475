//! The append-only audit log, and service health.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One change, as recorded in the same transaction that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Increasing sequence number.
    pub id: i64,
    /// When the change happened.
    pub at: DateTime<Utc>,
    /// Who made it, for people: a name and e-mail, an API key's label, or `system`.
    pub actor: String,
    /// The acting user, if a person acted.
    pub actor_user_id: Option<Uuid>,
    /// The acting API key, if an integration acted.
    pub actor_api_key_id: Option<Uuid>,
    /// What happened, e.g. `organization.vetted`, `api_key.created`.
    pub action: String,
    /// The kind of object changed, e.g. `organization`.
    pub target_type: String,
    /// The object changed.
    pub target_id: String,
    /// The organization the change belongs to.
    pub organization_id: Option<Uuid>,
    /// The request that made the change.
    pub request_id: Option<String>,
    /// What changed, as a JSON object.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: serde_json::Value,
}

/// One page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    /// The entries.
    pub items: Vec<AuditEntry>,
    /// Pass as `cursor` to get older entries; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Filters for `GET /api/v1/audit-log`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only this organization's entries (org admins must give one of theirs
    /// unless they administer a single organization).
    pub organization_id: Option<Uuid>,
    /// Only entries with this action, e.g. `organization.vetted`.
    pub action: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
}

/// `GET /readyz`: whether the service can serve requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` or `unavailable`.
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// The server's version.
    pub version: String,
}

//! The audit log's entries.

use warren_store::audit::EntryRow;
use warren_store::utc;
use warren_wire::AuditEntry;

use super::optional_id;
use crate::error::ApiError;

/// One entry as the audit log shows it; details that do not parse show as
/// `null`.
pub fn audit_entry(row: &EntryRow) -> Result<AuditEntry, ApiError> {
    Ok(AuditEntry {
        id: row.id,
        at: utc(row.at),
        actor: row.actor.clone(),
        actor_user_id: optional_id(row.actor_user_id.as_deref())?,
        actor_api_key_id: optional_id(row.actor_api_key_id.as_deref())?,
        action: row.action.clone(),
        target_type: row.target_type.clone(),
        target_id: row.target_id.clone(),
        organization_id: optional_id(row.organization_id.as_deref())?,
        request_id: row.request_id.clone(),
        details: serde_json::from_str(&row.details).unwrap_or(serde_json::Value::Null),
    })
}

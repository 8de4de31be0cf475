//! The append-only audit log.
//!
//! Every store function that changes something calls [`record`] inside the
//! same transaction, so a change and its audit entry are committed together or
//! not at all. The tables refuse `UPDATE` and `DELETE` by trigger.

use diesel::prelude::*;

use crate::schema::audit_log;
use crate::{StoreResult, now};

/// Who is acting, for the audit trail.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    /// A label for people: "Name <email>", an API key's name, or `system`.
    pub label: String,
    /// The acting user, if a person acts.
    pub user_id: Option<String>,
    /// The acting API key, if an integration acts.
    pub api_key_id: Option<String>,
    /// The request being served.
    pub request_id: Option<String>,
}

impl Actor {
    /// The server itself (demo loading, command-line administration).
    pub fn system(label: &str) -> Self {
        Self {
            label: label.to_owned(),
            ..Self::default()
        }
    }
}

/// One change to record.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// What happened, e.g. `organization.vetted`.
    pub action: &'a str,
    /// The kind of object changed.
    pub target_type: &'a str,
    /// The object changed.
    pub target_id: &'a str,
    /// The organization the change belongs to.
    pub organization_id: Option<&'a str>,
    /// What changed.
    pub details: serde_json::Value,
}

#[derive(Insertable)]
#[diesel(table_name = audit_log)]
struct NewEntry<'a> {
    at: chrono::NaiveDateTime,
    actor: &'a str,
    actor_user_id: Option<&'a str>,
    actor_api_key_id: Option<&'a str>,
    action: &'a str,
    target_type: &'a str,
    target_id: &'a str,
    organization_id: Option<&'a str>,
    request_id: Option<&'a str>,
    details: String,
}

/// Appends one entry; call it inside the transaction making the change.
pub fn record(
    connection: &mut crate::DbConnection,
    actor: &Actor,
    change: Change<'_>,
) -> StoreResult<()> {
    diesel::insert_into(audit_log::table)
        .values(NewEntry {
            at: now(),
            actor: &actor.label,
            actor_user_id: actor.user_id.as_deref(),
            actor_api_key_id: actor.api_key_id.as_deref(),
            action: change.action,
            target_type: change.target_type,
            target_id: change.target_id,
            organization_id: change.organization_id,
            request_id: actor.request_id.as_deref(),
            details: change.details.to_string(),
        })
        .execute(connection)?;
    Ok(())
}

/// An audit entry as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct EntryRow {
    /// Increasing sequence number.
    pub id: i64,
    /// When the change happened.
    pub at: chrono::NaiveDateTime,
    /// Who made it, for people.
    pub actor: String,
    /// The acting user, if a person acted.
    pub actor_user_id: Option<String>,
    /// The acting API key, if an integration acted.
    pub actor_api_key_id: Option<String>,
    /// What happened, e.g. `organization.vetted`.
    pub action: String,
    /// The kind of object changed.
    pub target_type: String,
    /// The object changed.
    pub target_id: String,
    /// The organization the change belongs to.
    pub organization_id: Option<String>,
    /// The request that made the change.
    pub request_id: Option<String>,
    /// What changed, as JSON.
    pub details: String,
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only these organizations' entries; `None` for all (network admins).
    pub organizations: Option<Vec<String>>,
    /// Only this action.
    pub action: Option<String>,
    /// Only entries older than this id.
    pub before: Option<i64>,
    /// Page size.
    pub limit: i64,
}

/// Entries newest first, one more than `limit` to tell whether a page follows.
pub fn list(
    connection: &mut crate::DbConnection,
    filter: &AuditFilter,
) -> StoreResult<Vec<EntryRow>> {
    let mut query = audit_log::table
        .select(EntryRow::as_select())
        .order(audit_log::id.desc())
        .limit(filter.limit + 1)
        .into_boxed();
    if let Some(organizations) = &filter.organizations {
        query = query.filter(audit_log::organization_id.eq_any(organizations.clone()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(before) = filter.before {
        query = query.filter(audit_log::id.lt(before));
    }
    Ok(query.load::<EntryRow>(connection)?)
}

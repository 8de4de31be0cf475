//! Organizations: applications, details, membership state.
//!
//! Changes are conditional on the version the caller read (`WHERE version =
//! ?`), so of two concurrent edits from the same version exactly one wins and
//! the other gets [`StoreError::Stale`].

use diesel::prelude::*;
use warren_domain::{MembershipStatus, OrganizationKind};

use crate::schema::organizations;
use crate::{DbConnection, StoreError, StoreResult, like_pattern, new_id, now};

diesel::define_sql_function! {
    /// SQL `LOWER(text)`, the same on both backends.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = organizations)]
struct OrganizationRow {
    id: String,
    name: String,
    kind: String,
    membership: String,
    website: Option<String>,
    description: Option<String>,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
    version: i64,
}

/// An organization as stored, its kind and membership read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationRecord {
    /// Stable identifier.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What kind of member it is.
    pub kind: OrganizationKind,
    /// Where it stands in the network.
    pub membership: MembershipStatus,
    /// Its public website.
    pub website: Option<String>,
    /// What it does, in its own words.
    pub description: Option<String>,
    /// When it applied.
    pub created_at: chrono::NaiveDateTime,
    /// When it last changed.
    pub updated_at: chrono::NaiveDateTime,
    /// Increases with every change; the `ETag`.
    pub version: i64,
}

fn kind(text: &str) -> StoreResult<OrganizationKind> {
    OrganizationKind::parse(text)
        .ok_or_else(|| StoreError::Corrupt(format!("organization kind {text:?}")))
}

fn membership(text: &str) -> StoreResult<MembershipStatus> {
    MembershipStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("membership {text:?}")))
}

impl TryFrom<OrganizationRow> for OrganizationRecord {
    type Error = StoreError;

    fn try_from(row: OrganizationRow) -> StoreResult<Self> {
        Ok(OrganizationRecord {
            kind: kind(&row.kind)?,
            membership: membership(&row.membership)?,
            id: row.id,
            name: row.name,
            website: row.website,
            description: row.description,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
    }
}

/// The short form of an organization, as stored: its id, name, kind and
/// membership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRecord {
    /// Stable identifier.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What kind of member it is.
    pub kind: OrganizationKind,
    /// Where it stands in the network.
    pub membership: MembershipStatus,
}

/// The columns of [`SummaryRecord`], as other tables' queries join them.
pub(crate) type SummaryColumns = (String, String, String, String);

impl TryFrom<SummaryColumns> for SummaryRecord {
    type Error = StoreError;

    fn try_from((id, name, kind_text, membership_text): SummaryColumns) -> StoreResult<Self> {
        Ok(SummaryRecord {
            id,
            name,
            kind: kind(&kind_text)?,
            membership: membership(&membership_text)?,
        })
    }
}

/// An organization to create.
#[derive(Debug, Clone)]
pub struct NewOrganization<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its kind.
    pub kind: OrganizationKind,
    /// Its starting membership (`applied` for applications).
    pub membership: MembershipStatus,
    /// Its website.
    pub website: Option<&'a str>,
    /// Its description.
    pub description: Option<&'a str>,
}

/// Creates an organization.
pub fn insert(
    connection: &mut DbConnection,
    new: &NewOrganization<'_>,
) -> StoreResult<OrganizationRecord> {
    let id = new_id();
    let at = now();
    diesel::insert_into(organizations::table)
        .values((
            organizations::id.eq(&id),
            organizations::name.eq(new.name),
            organizations::kind.eq(new.kind.as_str()),
            organizations::membership.eq(new.membership.as_str()),
            organizations::website.eq(new.website),
            organizations::description.eq(new.description),
            organizations::created_at.eq(at),
            organizations::updated_at.eq(at),
            organizations::version.eq(1_i64),
        ))
        .execute(connection)?;
    find(connection, &id)
}

/// One organization, or `NotFound`.
pub fn find(connection: &mut DbConnection, id: &str) -> StoreResult<OrganizationRecord> {
    organizations::table
        .find(id)
        .select(OrganizationRow::as_select())
        .first::<OrganizationRow>(connection)?
        .try_into()
}

/// The organization with exactly this name, if any.
pub fn find_by_name(
    connection: &mut DbConnection,
    name: &str,
) -> StoreResult<Option<OrganizationRecord>> {
    organizations::table
        .filter(organizations::name.eq(name))
        .order(organizations::id)
        .select(OrganizationRow::as_select())
        .first::<OrganizationRow>(connection)
        .optional()?
        .map(OrganizationRecord::try_from)
        .transpose()
}

/// Which organizations to list.
#[derive(Debug, Clone, Default)]
pub struct OrganizationFilter {
    /// Only these ids; `None` for all (network admins).
    pub visible: Option<Vec<String>>,
    /// Only this membership state.
    pub membership: Option<MembershipStatus>,
    /// Only this kind.
    pub kind: Option<OrganizationKind>,
    /// Only names containing this text.
    pub name_contains: Option<String>,
    /// Only ids after this one.
    pub after: Option<String>,
    /// Page size.
    pub limit: i64,
}

/// Organizations oldest first (ids are time-ordered), one more than `limit`
/// to tell whether a page follows.
pub fn list(
    connection: &mut DbConnection,
    filter: &OrganizationFilter,
) -> StoreResult<Vec<OrganizationRecord>> {
    let mut query = organizations::table
        .select(OrganizationRow::as_select())
        .order(organizations::id)
        .limit(filter.limit + 1)
        .into_boxed();
    if let Some(visible) = &filter.visible {
        query = query.filter(organizations::id.eq_any(visible.clone()));
    }
    if let Some(membership) = filter.membership {
        query = query.filter(organizations::membership.eq(membership.as_str()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(organizations::kind.eq(kind.as_str()));
    }
    if let Some(text) = &filter.name_contains {
        query = query.filter(
            lower(organizations::name)
                .like(like_pattern(text))
                .escape('\\'),
        );
    }
    if let Some(after) = &filter.after {
        query = query.filter(organizations::id.gt(after.clone()));
    }
    query
        .load::<OrganizationRow>(connection)?
        .into_iter()
        .map(OrganizationRecord::try_from)
        .collect()
}

/// A change of details; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct OrganizationChange {
    /// New name.
    pub name: Option<String>,
    /// New kind.
    pub kind: Option<OrganizationKind>,
    /// New website (`Some(None)` clears it).
    pub website: Option<Option<String>>,
    /// New description (`Some(None)` clears it).
    pub description: Option<Option<String>>,
    /// New membership state.
    pub membership: Option<MembershipStatus>,
}

#[derive(AsChangeset)]
#[diesel(table_name = organizations)]
struct ChangeSet {
    name: Option<String>,
    kind: Option<String>,
    website: Option<Option<String>>,
    description: Option<Option<String>>,
    membership: Option<String>,
    updated_at: chrono::NaiveDateTime,
}

/// Applies `change` if the organization is still at `expected_version`.
pub fn update(
    connection: &mut DbConnection,
    id: &str,
    expected_version: i64,
    change: OrganizationChange,
) -> StoreResult<OrganizationRecord> {
    let directory_changes =
        change.membership.is_some() || change.name.is_some() || change.kind.is_some();
    let changes = ChangeSet {
        name: change.name,
        kind: change.kind.map(|kind| kind.as_str().to_owned()),
        website: change.website,
        description: change.description,
        membership: change.membership.map(|m| m.as_str().to_owned()),
        updated_at: now(),
    };
    let updated = diesel::update(
        organizations::table
            .filter(organizations::id.eq(id))
            .filter(organizations::version.eq(expected_version)),
    )
    .set((
        &changes,
        organizations::version.eq(organizations::version + 1),
    ))
    .execute(connection)?;
    if updated == 0 {
        // Tell a missing organization from a stale version.
        find(connection, id)?;
        return Err(StoreError::Stale);
    }
    if directory_changes {
        crate::sites::bump_revision(connection)?;
    }
    find(connection, id)
}

/// Whether any organization exists (the demo loads only into an empty database).
pub fn any(connection: &mut DbConnection) -> StoreResult<bool> {
    let count: i64 = organizations::table.count().get_result(connection)?;
    Ok(count > 0)
}

//! Status links for owners and finders, and the updates clinics share with
//! them (see the `status_links` migration).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{organizations, status_links, status_updates};
use crate::{DbConnection, StoreError, StoreResult, new_id, now};

/// One status link (never its token: only its hash is kept).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct LinkRow {
    /// Stable identifier.
    pub id: String,
    /// The case it follows.
    pub case_id: String,
    /// The request it was made from.
    pub referral_id: String,
    /// The referring organization that gave it.
    pub organization_id: String,
    /// The SHA-256 of its token, in hex.
    pub token_hash: String,
    /// Who it was given to.
    pub label: Option<String>,
    /// What the owner or finder should bring.
    pub what_to_bring: Option<String>,
    /// Whether the clinics' updates show.
    pub share_updates: bool,
    /// Whether the outcome shows.
    pub share_outcome: bool,
    /// Who made it.
    pub created_by: String,
    /// When.
    pub created_at: NaiveDateTime,
    /// When it was revoked.
    pub revoked_at: Option<NaiveDateTime>,
}

/// What a new link holds.
#[derive(Debug, Clone)]
pub struct NewLink<'a> {
    /// The case.
    pub case_id: &'a str,
    /// The request it is made from.
    pub referral_id: &'a str,
    /// The referring organization.
    pub organization_id: &'a str,
    /// The SHA-256 of its token.
    pub token_hash: &'a str,
    /// Who it is given to.
    pub label: Option<&'a str>,
    /// What to bring.
    pub what_to_bring: Option<&'a str>,
    /// Whether updates show.
    pub share_updates: bool,
    /// Whether the outcome shows.
    pub share_outcome: bool,
    /// Who makes it.
    pub created_by: &'a str,
}

/// Records a new link.
pub fn insert(connection: &mut DbConnection, new: &NewLink) -> StoreResult<LinkRow> {
    let id = new_id();
    diesel::insert_into(status_links::table)
        .values((
            status_links::id.eq(&id),
            status_links::case_id.eq(new.case_id),
            status_links::referral_id.eq(new.referral_id),
            status_links::organization_id.eq(new.organization_id),
            status_links::token_hash.eq(new.token_hash),
            status_links::label.eq(new.label),
            status_links::what_to_bring.eq(new.what_to_bring),
            status_links::share_updates.eq(new.share_updates),
            status_links::share_outcome.eq(new.share_outcome),
            status_links::created_by.eq(new.created_by),
            status_links::created_at.eq(now()),
        ))
        .execute(connection)?;
    one(connection, &id)
}

/// One link (`NotFound` when there is none).
pub fn one(connection: &mut DbConnection, id: &str) -> StoreResult<LinkRow> {
    status_links::table
        .find(id)
        .first(connection)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// The link whose token hashes to `token_hash`, revoked or not.
pub fn by_token_hash(connection: &mut DbConnection, token_hash: &str) -> StoreResult<LinkRow> {
    status_links::table
        .filter(status_links::token_hash.eq(token_hash))
        .first(connection)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// A case's links, oldest first.
pub fn of_case(connection: &mut DbConnection, case_id: &str) -> StoreResult<Vec<LinkRow>> {
    Ok(status_links::table
        .filter(status_links::case_id.eq(case_id))
        .order((status_links::created_at.asc(), status_links::id.asc()))
        .load(connection)?)
}

/// Revokes a link (a revoked one stays revoked, at its first time).
pub fn revoke(connection: &mut DbConnection, id: &str) -> StoreResult<LinkRow> {
    diesel::update(
        status_links::table
            .filter(status_links::id.eq(id))
            .filter(status_links::revoked_at.is_null()),
    )
    .set(status_links::revoked_at.eq(now()))
    .execute(connection)?;
    one(connection, id)
}

/// An update shared with the owner or finder, with its organization's name.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct UpdateRow {
    /// Stable identifier.
    pub id: String,
    /// The organization that wrote it.
    pub organization_id: String,
    /// Its name.
    pub organization_name: String,
    /// The text.
    pub body: String,
    /// When.
    pub at: NaiveDateTime,
}

/// Shares an update on `case_id`.
pub fn post_update(
    connection: &mut DbConnection,
    case_id: &str,
    organization_id: &str,
    body: &str,
) -> StoreResult<UpdateRow> {
    let id = new_id();
    diesel::insert_into(status_updates::table)
        .values((
            status_updates::id.eq(&id),
            status_updates::case_id.eq(case_id),
            status_updates::organization_id.eq(organization_id),
            status_updates::body.eq(body),
            status_updates::at.eq(now()),
        ))
        .execute(connection)?;
    updates(connection, &[case_id.to_owned()])?
        .into_iter()
        .find(|update| update.id == id)
        .ok_or(StoreError::NotFound)
}

/// The updates shared on `case_ids` (one case, or every case of an
/// animal's record), oldest first.
pub fn updates(connection: &mut DbConnection, case_ids: &[String]) -> StoreResult<Vec<UpdateRow>> {
    Ok(status_updates::table
        .inner_join(organizations::table)
        .filter(status_updates::case_id.eq_any(case_ids))
        .order((status_updates::at.asc(), status_updates::id.asc()))
        .select((
            status_updates::id,
            status_updates::organization_id,
            organizations::name,
            status_updates::body,
            status_updates::at,
        ))
        .load(connection)?)
}

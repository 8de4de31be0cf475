//! Sites (HSDS locations): listings, their taxonomy terms, capacity,
//! assurance, field-level history and the directory's revision counter.
//!
//! Every change to a listing writes one `site_changes` row per field (who,
//! when, old, new) and bumps `directory_state.revision` in the same
//! transaction, so each replica knows to reload its in-memory directory and
//! the history never misses a change. Edits are conditional on the version the
//! caller read; capacity and assurance are not part of the edited listing and
//! do not change its version.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use warren_domain::directory::taxonomy::{SEED_TERMS, Taxonomy, Term, TermCode};
use warren_domain::{MembershipStatus, OrganizationKind};

use crate::audit::Actor;
use crate::schema::{
    directory_state, organizations, site_changes, site_terms, sites, taxonomy_terms,
};
use crate::{DbConnection, StoreError, StoreResult, new_id, now, parse_id, utc};

/// A listing's editable facts, as stored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SiteFields {
    /// The site's name.
    pub name: String,
    /// Street address.
    pub address: String,
    /// Town.
    pub town: String,
    /// Postcode.
    pub postcode: String,
    /// ISO 3166 country code.
    pub country: String,
    /// IANA timezone.
    pub timezone: String,
    /// Latitude.
    pub latitude: f64,
    /// Longitude.
    pub longitude: f64,
    /// Public phone.
    pub public_phone: Option<String>,
    /// Private phone for the network.
    pub private_phone: Option<String>,
    /// Public e-mail.
    pub public_email: Option<String>,
    /// Referral contact's name.
    pub referral_name: Option<String>,
    /// Referral contact's phone.
    pub referral_phone: Option<String>,
    /// Referral contact's e-mail.
    pub referral_email: Option<String>,
    /// OSM opening hours.
    pub opening_hours: Option<String>,
    /// After-hours cover by another site.
    pub cover_site_id: Option<String>,
    /// After-hours cover by an on-call service: its name.
    pub cover_name: Option<String>,
    /// After-hours cover by an on-call service: its phone.
    pub cover_phone: Option<String>,
    /// Heaviest patient accepted, in grams.
    pub max_weight_grams: Option<i32>,
    /// Takes no wildlife.
    pub no_wildlife: bool,
    /// Takes patients on referral only.
    pub referral_only: bool,
    /// Requires a deposit.
    pub deposit_required: bool,
    /// Other limitations.
    pub limitation_notes: Option<String>,
    /// Capability codes, sorted.
    pub capabilities: Vec<String>,
    /// Species codes, sorted.
    pub species: Vec<String>,
}

/// A stored site with its organization, capacity and accuracy.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteRecord {
    /// The site.
    pub id: uuid::Uuid,
    /// Its organization.
    pub organization_id: uuid::Uuid,
    /// The organization's name.
    pub organization_name: String,
    /// The organization's kind.
    pub organization_kind: OrganizationKind,
    /// The organization's standing.
    pub membership: MembershipStatus,
    /// The editable listing.
    pub fields: SiteFields,
    /// Declared capacity: `normal`, `full` or `closed`.
    pub capacity: Option<String>,
    /// When the declaration lapses.
    pub capacity_expires_at: Option<DateTime<Utc>>,
    /// When it was declared.
    pub capacity_declared_at: Option<DateTime<Utc>>,
    /// Who declared it.
    pub capacity_declared_by: Option<String>,
    /// When a coordinator last assured the listing.
    pub assured_at: Option<DateTime<Utc>>,
    /// Who assured it.
    pub assured_by: Option<String>,
    /// When it is due for audit.
    pub next_audit_due: DateTime<Utc>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// The listing's version.
    pub version: i64,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = sites)]
struct SiteRow {
    id: String,
    organization_id: String,
    name: String,
    address: String,
    town: String,
    postcode: String,
    latitude: f64,
    longitude: f64,
    public_phone: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
    country: String,
    timezone: String,
    private_phone: Option<String>,
    public_email: Option<String>,
    referral_name: Option<String>,
    referral_phone: Option<String>,
    referral_email: Option<String>,
    opening_hours: Option<String>,
    cover_site_id: Option<String>,
    cover_name: Option<String>,
    cover_phone: Option<String>,
    max_weight_grams: Option<i32>,
    no_wildlife: bool,
    referral_only: bool,
    deposit_required: bool,
    limitation_notes: Option<String>,
    capacity: Option<String>,
    capacity_expires_at: Option<NaiveDateTime>,
    capacity_declared_at: Option<NaiveDateTime>,
    capacity_declared_by: Option<String>,
    assured_at: Option<NaiveDateTime>,
    assured_by: Option<String>,
    next_audit_due: NaiveDateTime,
}

#[derive(Queryable)]
struct OrganizationFacts {
    name: String,
    kind: String,
    membership: String,
}

#[derive(AsChangeset, Insertable)]
#[diesel(table_name = sites, treat_none_as_null = true)]
struct ListingValues<'a> {
    name: &'a str,
    address: &'a str,
    town: &'a str,
    postcode: &'a str,
    country: &'a str,
    timezone: &'a str,
    latitude: f64,
    longitude: f64,
    public_phone: Option<&'a str>,
    private_phone: Option<&'a str>,
    public_email: Option<&'a str>,
    referral_name: Option<&'a str>,
    referral_phone: Option<&'a str>,
    referral_email: Option<&'a str>,
    opening_hours: Option<&'a str>,
    cover_site_id: Option<&'a str>,
    cover_name: Option<&'a str>,
    cover_phone: Option<&'a str>,
    max_weight_grams: Option<i32>,
    no_wildlife: bool,
    referral_only: bool,
    deposit_required: bool,
    limitation_notes: Option<&'a str>,
}

impl<'a> From<&'a SiteFields> for ListingValues<'a> {
    fn from(fields: &'a SiteFields) -> Self {
        Self {
            name: &fields.name,
            address: &fields.address,
            town: &fields.town,
            postcode: &fields.postcode,
            country: &fields.country,
            timezone: &fields.timezone,
            latitude: fields.latitude,
            longitude: fields.longitude,
            public_phone: fields.public_phone.as_deref(),
            private_phone: fields.private_phone.as_deref(),
            public_email: fields.public_email.as_deref(),
            referral_name: fields.referral_name.as_deref(),
            referral_phone: fields.referral_phone.as_deref(),
            referral_email: fields.referral_email.as_deref(),
            opening_hours: fields.opening_hours.as_deref(),
            cover_site_id: fields.cover_site_id.as_deref(),
            cover_name: fields.cover_name.as_deref(),
            cover_phone: fields.cover_phone.as_deref(),
            max_weight_grams: fields.max_weight_grams,
            no_wildlife: fields.no_wildlife,
            referral_only: fields.referral_only,
            deposit_required: fields.deposit_required,
            limitation_notes: fields.limitation_notes.as_deref(),
        }
    }
}

fn record(
    row: SiteRow,
    organization: OrganizationFacts,
    mut capabilities: Vec<String>,
    mut species: Vec<String>,
) -> StoreResult<SiteRecord> {
    capabilities.sort();
    species.sort();
    Ok(SiteRecord {
        id: parse_id(&row.id)?,
        organization_id: parse_id(&row.organization_id)?,
        organization_kind: OrganizationKind::parse(&organization.kind).ok_or_else(|| {
            StoreError::Corrupt(format!("organization kind {:?}", organization.kind))
        })?,
        membership: MembershipStatus::parse(&organization.membership).ok_or_else(|| {
            StoreError::Corrupt(format!("membership {:?}", organization.membership))
        })?,
        organization_name: organization.name,
        fields: SiteFields {
            name: row.name,
            address: row.address,
            town: row.town,
            postcode: row.postcode,
            country: row.country,
            timezone: row.timezone,
            latitude: row.latitude,
            longitude: row.longitude,
            public_phone: row.public_phone,
            private_phone: row.private_phone,
            public_email: row.public_email,
            referral_name: row.referral_name,
            referral_phone: row.referral_phone,
            referral_email: row.referral_email,
            opening_hours: row.opening_hours,
            cover_site_id: row.cover_site_id,
            cover_name: row.cover_name,
            cover_phone: row.cover_phone,
            max_weight_grams: row.max_weight_grams,
            no_wildlife: row.no_wildlife,
            referral_only: row.referral_only,
            deposit_required: row.deposit_required,
            limitation_notes: row.limitation_notes,
            capabilities,
            species,
        },
        capacity: row.capacity,
        capacity_expires_at: row.capacity_expires_at.map(utc),
        capacity_declared_at: row.capacity_declared_at.map(utc),
        capacity_declared_by: row.capacity_declared_by,
        assured_at: row.assured_at.map(utc),
        assured_by: row.assured_by,
        next_audit_due: utc(row.next_audit_due),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        version: row.version,
    })
}

type Db = <DbConnection as diesel::Connection>::Backend;
type SiteSelection = diesel::dsl::AsSelect<SiteRow, Db>;

type TermsBySite = HashMap<String, (Vec<String>, Vec<String>)>;

fn terms_of(
    connection: &mut DbConnection,
    site_ids: Option<&[String]>,
) -> StoreResult<TermsBySite> {
    let mut query = site_terms::table
        .select((site_terms::site_id, site_terms::taxonomy, site_terms::code))
        .into_boxed();
    if let Some(ids) = site_ids {
        query = query.filter(site_terms::site_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<(String, String, String)> = query.load(connection)?;
    let mut by_site = TermsBySite::new();
    for (site, taxonomy, code) in rows {
        let entry = by_site.entry(site).or_default();
        if taxonomy == Taxonomy::Capability.as_str() {
            entry.0.push(code);
        } else {
            entry.1.push(code);
        }
    }
    Ok(by_site)
}

fn load(
    connection: &mut DbConnection,
    filter: impl FnOnce(
        sites::BoxedQuery<'static, Db, SiteSelection>,
    ) -> sites::BoxedQuery<'static, Db, SiteSelection>,
    whole_directory: bool,
) -> StoreResult<Vec<SiteRecord>> {
    let rows: Vec<SiteRow> = filter(sites::table.select(SiteRow::as_select()).into_boxed())
        .order((sites::name, sites::id))
        .load(connection)?;
    let organization_ids: Vec<String> = {
        let mut ids: Vec<String> = rows.iter().map(|row| row.organization_id.clone()).collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let organizations: HashMap<String, (String, String, String)> = organizations::table
        .filter(organizations::id.eq_any(&organization_ids))
        .select((
            organizations::id,
            organizations::name,
            organizations::kind,
            organizations::membership,
        ))
        .load::<(String, String, String, String)>(connection)?
        .into_iter()
        .map(|(id, name, kind, membership)| (id, (name, kind, membership)))
        .collect();
    let site_ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
    let mut terms = if whole_directory {
        terms_of(connection, None)?
    } else {
        terms_of(connection, Some(&site_ids))?
    };
    rows.into_iter()
        .map(|row| {
            let (name, kind, membership) = organizations
                .get(&row.organization_id)
                .cloned()
                .ok_or_else(|| {
                    StoreError::Corrupt(format!("site {} has no organization", row.id))
                })?;
            let (capabilities, species) = terms.remove(&row.id).unwrap_or_default();
            record(
                row,
                OrganizationFacts {
                    name,
                    kind,
                    membership,
                },
                capabilities,
                species,
            )
        })
        .collect()
}

/// One site, with its organization.
pub fn find(connection: &mut DbConnection, id: &str) -> StoreResult<SiteRecord> {
    let id = id.to_owned();
    load(connection, |query| query.filter(sites::id.eq(id)), false)?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)
}

/// The sites of one organization, by name.
pub fn list_for_organization(
    connection: &mut DbConnection,
    organization_id: &str,
) -> StoreResult<Vec<SiteRecord>> {
    let organization_id = organization_id.to_owned();
    load(
        connection,
        |query| query.filter(sites::organization_id.eq(organization_id)),
        false,
    )
}

/// Every site of a vetted organization: the directory.
pub fn directory(connection: &mut DbConnection) -> StoreResult<Vec<SiteRecord>> {
    let vetted = organizations::table
        .filter(organizations::membership.eq(MembershipStatus::Vetted.as_str()))
        .select(organizations::id);
    let ids: Vec<String> = vetted.load(connection)?;
    load(
        connection,
        |query| query.filter(sites::organization_id.eq_any(ids)),
        true,
    )
}

fn write_terms(
    connection: &mut DbConnection,
    site_id: &str,
    fields: &SiteFields,
) -> StoreResult<()> {
    diesel::delete(site_terms::table.filter(site_terms::site_id.eq(site_id)))
        .execute(connection)?;
    let rows: Vec<_> = fields
        .capabilities
        .iter()
        .map(|code| (Taxonomy::Capability.as_str(), code))
        .chain(
            fields
                .species
                .iter()
                .map(|code| (Taxonomy::Species.as_str(), code)),
        )
        .map(|(taxonomy, code)| {
            (
                site_terms::site_id.eq(site_id),
                site_terms::taxonomy.eq(taxonomy),
                site_terms::code.eq(code.as_str()),
            )
        })
        .collect();
    for row in rows {
        diesel::insert_into(site_terms::table)
            .values(row)
            .execute(connection)?;
    }
    Ok(())
}

fn log_change(
    connection: &mut DbConnection,
    site_id: &str,
    at: NaiveDateTime,
    actor: &Actor,
    field: &str,
    old: Option<String>,
    new: Option<String>,
) -> StoreResult<()> {
    diesel::insert_into(site_changes::table)
        .values((
            site_changes::site_id.eq(site_id),
            site_changes::at.eq(at),
            site_changes::actor.eq(&actor.label),
            site_changes::actor_user_id.eq(actor.user_id.as_deref()),
            site_changes::field.eq(field),
            site_changes::old_value.eq(old),
            site_changes::new_value.eq(new),
        ))
        .execute(connection)?;
    Ok(())
}

/// Marks the directory as changed, so every replica reloads it.
pub fn bump_revision(connection: &mut DbConnection) -> StoreResult<()> {
    diesel::update(directory_state::table.filter(directory_state::id.eq(1)))
        .set(directory_state::revision.eq(directory_state::revision + 1))
        .execute(connection)?;
    Ok(())
}

/// The directory's current revision.
pub fn revision(connection: &mut DbConnection) -> StoreResult<i64> {
    Ok(directory_state::table
        .filter(directory_state::id.eq(1))
        .select(directory_state::revision)
        .first(connection)?)
}

/// Adds a site; its listing is due for a coordinator's audit at once.
pub fn insert(
    connection: &mut DbConnection,
    organization_id: &str,
    fields: &SiteFields,
    actor: &Actor,
) -> StoreResult<String> {
    let id = new_id();
    let at = now();
    diesel::insert_into(sites::table)
        .values((
            sites::id.eq(&id),
            sites::organization_id.eq(organization_id),
            ListingValues::from(fields),
            sites::created_at.eq(at),
            sites::updated_at.eq(at),
            sites::next_audit_due.eq(at),
        ))
        .execute(connection)?;
    write_terms(connection, &id, fields)?;
    log_change(
        connection,
        &id,
        at,
        actor,
        "listing",
        None,
        Some("created".into()),
    )?;
    bump_revision(connection)?;
    Ok(id)
}

/// The field-level differences between two listings, as text.
pub fn differences(
    old: &SiteFields,
    new: &SiteFields,
) -> Vec<(&'static str, Option<String>, Option<String>)> {
    fn text<T: ToString>(value: &Option<T>) -> Option<String> {
        value.as_ref().map(ToString::to_string)
    }
    let mut changes = Vec::new();
    let mut compare = |field: &'static str, old: Option<String>, new: Option<String>| {
        if old != new {
            changes.push((field, old, new));
        }
    };
    compare("name", Some(old.name.clone()), Some(new.name.clone()));
    compare(
        "address",
        Some(old.address.clone()),
        Some(new.address.clone()),
    );
    compare("town", Some(old.town.clone()), Some(new.town.clone()));
    compare(
        "postcode",
        Some(old.postcode.clone()),
        Some(new.postcode.clone()),
    );
    compare(
        "country",
        Some(old.country.clone()),
        Some(new.country.clone()),
    );
    compare(
        "timezone",
        Some(old.timezone.clone()),
        Some(new.timezone.clone()),
    );
    compare(
        "latitude",
        Some(old.latitude.to_string()),
        Some(new.latitude.to_string()),
    );
    compare(
        "longitude",
        Some(old.longitude.to_string()),
        Some(new.longitude.to_string()),
    );
    compare(
        "public_phone",
        old.public_phone.clone(),
        new.public_phone.clone(),
    );
    compare(
        "private_phone",
        old.private_phone.clone(),
        new.private_phone.clone(),
    );
    compare(
        "public_email",
        old.public_email.clone(),
        new.public_email.clone(),
    );
    compare(
        "referral_contact.name",
        old.referral_name.clone(),
        new.referral_name.clone(),
    );
    compare(
        "referral_contact.phone",
        old.referral_phone.clone(),
        new.referral_phone.clone(),
    );
    compare(
        "referral_contact.email",
        old.referral_email.clone(),
        new.referral_email.clone(),
    );
    compare(
        "opening_hours",
        old.opening_hours.clone(),
        new.opening_hours.clone(),
    );
    compare(
        "after_hours_cover.site_id",
        old.cover_site_id.clone(),
        new.cover_site_id.clone(),
    );
    compare(
        "after_hours_cover.name",
        old.cover_name.clone(),
        new.cover_name.clone(),
    );
    compare(
        "after_hours_cover.phone",
        old.cover_phone.clone(),
        new.cover_phone.clone(),
    );
    compare(
        "limitations.max_weight_grams",
        text(&old.max_weight_grams),
        text(&new.max_weight_grams),
    );
    compare(
        "limitations.no_wildlife",
        Some(old.no_wildlife.to_string()),
        Some(new.no_wildlife.to_string()),
    );
    compare(
        "limitations.referral_only",
        Some(old.referral_only.to_string()),
        Some(new.referral_only.to_string()),
    );
    compare(
        "limitations.deposit_required",
        Some(old.deposit_required.to_string()),
        Some(new.deposit_required.to_string()),
    );
    compare(
        "limitations.notes",
        old.limitation_notes.clone(),
        new.limitation_notes.clone(),
    );
    let joined = |codes: &[String]| (!codes.is_empty()).then(|| codes.join(", "));
    compare(
        "capabilities",
        joined(&old.capabilities),
        joined(&new.capabilities),
    );
    compare("species", joined(&old.species), joined(&new.species));
    changes
}

/// Replaces a listing if it is still at `expected_version`; records one
/// history row per changed field and returns the updated site.
pub fn update(
    connection: &mut DbConnection,
    id: &str,
    expected_version: i64,
    fields: &SiteFields,
    actor: &Actor,
) -> StoreResult<SiteRecord> {
    let current = find(connection, id)?;
    if current.version != expected_version {
        return Err(StoreError::Stale);
    }
    let changes = differences(&current.fields, fields);
    if changes.is_empty() {
        return Ok(current);
    }
    let at = now();
    let updated = diesel::update(
        sites::table
            .filter(sites::id.eq(id))
            .filter(sites::version.eq(expected_version)),
    )
    .set((
        ListingValues::from(fields),
        sites::updated_at.eq(at),
        sites::version.eq(sites::version + 1),
    ))
    .execute(connection)?;
    if updated == 0 {
        return Err(StoreError::Stale);
    }
    write_terms(connection, id, fields)?;
    for (field, old, new) in changes {
        log_change(connection, id, at, actor, field, old, new)?;
    }
    bump_revision(connection)?;
    find(connection, id)
}

/// Declares a site's capacity until `expires_at`.
pub fn set_capacity(
    connection: &mut DbConnection,
    id: &str,
    level: &str,
    expires_at: DateTime<Utc>,
    actor: &Actor,
) -> StoreResult<SiteRecord> {
    let current = find(connection, id)?;
    let at = now();
    diesel::update(sites::table.filter(sites::id.eq(id)))
        .set((
            sites::capacity.eq(level),
            sites::capacity_expires_at.eq(expires_at.naive_utc()),
            sites::capacity_declared_at.eq(at),
            sites::capacity_declared_by.eq(&actor.label),
        ))
        .execute(connection)?;
    let describe = |level: Option<&str>, until: Option<DateTime<Utc>>| {
        level.map(|level| match until {
            Some(until) => format!("{level} until {}", until.format("%Y-%m-%d %H:%M UTC")),
            None => level.to_owned(),
        })
    };
    log_change(
        connection,
        id,
        at,
        actor,
        "capacity",
        describe(current.capacity.as_deref(), current.capacity_expires_at),
        describe(Some(level), Some(expires_at)),
    )?;
    bump_revision(connection)?;
    find(connection, id)
}

/// Records that a coordinator confirmed the listing at `at`; it is next due
/// at `next_audit_due`.
pub fn assure(
    connection: &mut DbConnection,
    id: &str,
    at: DateTime<Utc>,
    next_audit_due: DateTime<Utc>,
    actor: &Actor,
) -> StoreResult<SiteRecord> {
    let current = find(connection, id)?;
    diesel::update(sites::table.filter(sites::id.eq(id)))
        .set((
            sites::assured_at.eq(at.naive_utc()),
            sites::assured_by.eq(&actor.label),
            sites::next_audit_due.eq(next_audit_due.naive_utc()),
        ))
        .execute(connection)?;
    let day = |time: DateTime<Utc>| time.format("%Y-%m-%d").to_string();
    log_change(
        connection,
        id,
        at.naive_utc(),
        actor,
        "assured_at",
        current.assured_at.map(day),
        Some(day(at)),
    )?;
    log_change(
        connection,
        id,
        at.naive_utc(),
        actor,
        "next_audit_due",
        Some(day(current.next_audit_due)),
        Some(day(next_audit_due)),
    )?;
    bump_revision(connection)?;
    find(connection, id)
}

/// id, at, actor, field, old, new.
type ChangeRow = (
    i64,
    NaiveDateTime,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// id, name, organization, town, assured at, assured by, due, updated at.
type QueueRow = (
    String,
    String,
    String,
    String,
    Option<NaiveDateTime>,
    Option<String>,
    NaiveDateTime,
    NaiveDateTime,
);

/// One recorded change to a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRecord {
    /// Its position in the history.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// Which field.
    pub field: String,
    /// Before.
    pub old: Option<String>,
    /// After.
    pub new: Option<String>,
}

/// A listing's changes older than `before` (all when `None`), newest first.
pub fn history(
    connection: &mut DbConnection,
    site_id: &str,
    before: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<ChangeRecord>> {
    let mut query = site_changes::table
        .filter(site_changes::site_id.eq(site_id))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(site_changes::id.lt(before));
    }
    let rows: Vec<ChangeRow> = query
        .order(site_changes::id.desc())
        .limit(limit)
        .select((
            site_changes::id,
            site_changes::at,
            site_changes::actor,
            site_changes::field,
            site_changes::old_value,
            site_changes::new_value,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(id, at, actor, field, old, new)| ChangeRecord {
            id,
            at: utc(at),
            actor,
            field,
            old,
            new,
        })
        .collect())
}

/// A listing in the audit queue.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditQueueRow {
    /// The site.
    pub id: uuid::Uuid,
    /// Its name.
    pub name: String,
    /// Its organization's name.
    pub organization_name: String,
    /// Town.
    pub town: String,
    /// Last assured.
    pub assured_at: Option<DateTime<Utc>>,
    /// By whom.
    pub assured_by: Option<String>,
    /// Due.
    pub next_audit_due: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// The audit queue of vetted organizations' listings, most overdue first:
/// the page, how many are overdue at `now`, and how many are listed in all.
pub fn audit_queue(
    connection: &mut DbConnection,
    now: DateTime<Utc>,
    overdue_only: bool,
    offset: i64,
    limit: i64,
) -> StoreResult<(Vec<AuditQueueRow>, i64, i64)> {
    let now = now.naive_utc();
    let vetted = || {
        sites::table
            .inner_join(organizations::table)
            .filter(organizations::membership.eq(MembershipStatus::Vetted.as_str()))
            .into_boxed()
    };
    let overdue: i64 = vetted()
        .filter(sites::next_audit_due.le(now))
        .count()
        .get_result(connection)?;
    let total: i64 = vetted().count().get_result(connection)?;
    let mut query = vetted();
    if overdue_only {
        query = query.filter(sites::next_audit_due.le(now));
    }
    let rows: Vec<QueueRow> = query
        .order((sites::next_audit_due, sites::id))
        .offset(offset)
        .limit(limit)
        .select((
            sites::id,
            sites::name,
            organizations::name,
            sites::town,
            sites::assured_at,
            sites::assured_by,
            sites::next_audit_due,
            sites::updated_at,
        ))
        .load(connection)?;
    let items = rows
        .into_iter()
        .map(
            |(
                id,
                name,
                organization_name,
                town,
                assured_at,
                assured_by,
                next_audit_due,
                updated_at,
            )| {
                Ok(AuditQueueRow {
                    id: parse_id(&id)?,
                    name,
                    organization_name,
                    town,
                    assured_at: assured_at.map(utc),
                    assured_by,
                    next_audit_due: utc(next_audit_due),
                    updated_at: utc(updated_at),
                })
            },
        )
        .collect::<StoreResult<Vec<_>>>()?;
    Ok((items, overdue, if overdue_only { overdue } else { total }))
}

/// Adds the seeded vocabulary's missing terms; existing labels are kept.
pub fn seed_terms(connection: &mut DbConnection) -> StoreResult<()> {
    let existing: Vec<(String, String)> = taxonomy_terms::table
        .select((taxonomy_terms::taxonomy, taxonomy_terms::code))
        .load(connection)?;
    let at = now();
    for seed in SEED_TERMS {
        let key = (seed.taxonomy.as_str().to_owned(), seed.code.to_owned());
        if !existing.contains(&key) {
            diesel::insert_into(taxonomy_terms::table)
                .values((
                    taxonomy_terms::taxonomy.eq(seed.taxonomy.as_str()),
                    taxonomy_terms::code.eq(seed.code),
                    taxonomy_terms::label.eq(seed.label),
                    taxonomy_terms::created_at.eq(at),
                ))
                .execute(connection)?;
        }
    }
    Ok(())
}

/// Every term in force.
pub fn terms(connection: &mut DbConnection) -> StoreResult<Vec<Term>> {
    let rows: Vec<(String, String, String)> = taxonomy_terms::table
        .select((
            taxonomy_terms::taxonomy,
            taxonomy_terms::code,
            taxonomy_terms::label,
        ))
        .order((taxonomy_terms::taxonomy, taxonomy_terms::code))
        .load(connection)?;
    rows.into_iter()
        .map(|(taxonomy, code, label)| {
            Ok(Term {
                taxonomy: Taxonomy::parse(&taxonomy)
                    .ok_or_else(|| StoreError::Corrupt(format!("taxonomy {taxonomy:?}")))?,
                code: TermCode::parse(code.clone())
                    .map_err(|_| StoreError::Corrupt(format!("term code {code:?}")))?,
                label,
            })
        })
        .collect()
}

/// Adds a term; a code already in the vocabulary is a conflict.
pub fn insert_term(connection: &mut DbConnection, term: &Term) -> StoreResult<()> {
    diesel::insert_into(taxonomy_terms::table)
        .values((
            taxonomy_terms::taxonomy.eq(term.taxonomy.as_str()),
            taxonomy_terms::code.eq(term.code.as_str()),
            taxonomy_terms::label.eq(&term.label),
            taxonomy_terms::created_at.eq(now()),
        ))
        .execute(connection)
        .map_err(|error| match StoreError::from_diesel(error) {
            StoreError::Conflict(_) => {
                StoreError::Conflict(format!("the term {} already exists", term.code))
            }
            other => other,
        })?;
    bump_revision(connection)
}

/// Every site's id with its organization's, in id order.
pub fn list_all_ids(connection: &mut DbConnection) -> StoreResult<Vec<(String, String)>> {
    Ok(sites::table
        .order(sites::id.asc())
        .select((sites::id, sites::organization_id))
        .load(connection)?)
}

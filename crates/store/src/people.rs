//! The volunteer roster as stored: one profile per person, the foster
//! placements organizations offer volunteers, and the transport legs that
//! still need a driver or that a person drives.
//!
//! A referral's transport leg is JSON on the referral; its status and driver
//! are also columns (`transport_status`, `transport_driver_id`), written with
//! it by [`crate::referrals::set_transport`], so the two lists here are
//! indexed queries.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::referrals::ReferralRow;
use crate::schema::{foster_placements, memberships, referrals, users, volunteer_profiles};
use crate::{DbConnection, StoreError, StoreResult, now};

/// A volunteer's profile, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = volunteer_profiles, treat_none_as_null = true)]
pub struct VolunteerProfileRow {
    /// The person.
    pub user_id: String,
    /// Skills with their expiry, as JSON.
    pub skills: String,
    /// Weekly availability, `opening_hours` syntax.
    pub availability: String,
    /// The timezone availability is read in.
    pub timezone: String,
    /// The area covered, in words.
    pub area: String,
    /// The area's centre.
    pub latitude: Option<f64>,
    /// The area's centre.
    pub longitude: Option<f64>,
    /// How far from the centre they go.
    pub radius_km: Option<i32>,
    /// Whether they drive their own vehicle.
    pub has_vehicle: bool,
    /// Anything else coordinators should know.
    pub notes: Option<String>,
    /// Whether they take assignments at the moment.
    pub active: bool,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// The version, also the ETag.
    pub version: i64,
}

/// A person's volunteer profile, if they have one.
pub fn profile(
    connection: &mut DbConnection,
    user_id: &str,
) -> StoreResult<Option<VolunteerProfileRow>> {
    Ok(volunteer_profiles::table
        .find(user_id)
        .select(VolunteerProfileRow::as_select())
        .first(connection)
        .optional()?)
}

/// Creates a profile (`expected_version` `None`) or replaces one at the
/// version its editor read; [`StoreError::Stale`] otherwise.
pub fn save_profile(
    connection: &mut DbConnection,
    row: &VolunteerProfileRow,
    expected_version: Option<i64>,
) -> StoreResult<VolunteerProfileRow> {
    match expected_version {
        None => {
            diesel::insert_into(volunteer_profiles::table)
                .values(row)
                .execute(connection)?;
        }
        Some(version) => {
            let updated = diesel::update(
                volunteer_profiles::table
                    .filter(volunteer_profiles::user_id.eq(&row.user_id))
                    .filter(volunteer_profiles::version.eq(version)),
            )
            .set(&VolunteerProfileRow {
                version: version + 1,
                ..row.clone()
            })
            .execute(connection)?;
            if updated == 0 {
                return Err(StoreError::Stale);
            }
        }
    }
    profile(connection, &row.user_id)?.ok_or(StoreError::NotFound)
}

/// One person on an organization's roster.
#[derive(Debug, Clone)]
pub struct RosterRow {
    /// Their profile.
    pub profile: VolunteerProfileRow,
    /// Their name.
    pub name: String,
    /// Their e-mail address.
    pub email: String,
    /// Their role in the organization.
    pub role: String,
}

/// The members of `organization_id` who have a volunteer profile, by name.
pub fn roster(connection: &mut DbConnection, organization_id: &str) -> StoreResult<Vec<RosterRow>> {
    let rows: Vec<(VolunteerProfileRow, String, String, String)> = volunteer_profiles::table
        .inner_join(users::table.on(users::id.eq(volunteer_profiles::user_id)))
        .inner_join(memberships::table.on(memberships::user_id.eq(volunteer_profiles::user_id)))
        .filter(memberships::organization_id.eq(organization_id))
        .select((
            VolunteerProfileRow::as_select(),
            users::name,
            users::email,
            memberships::role,
        ))
        .order((users::name.asc(), users::id.asc()))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(profile, name, email, role)| RosterRow {
            profile,
            name,
            email,
            role,
        })
        .collect())
}

/// Referral statuses after which a transport is no longer needed.
const CLOSED: [&str; 5] = [
    "completed",
    "rejected",
    "cancelled",
    "failed",
    "entered-in-error",
];

/// The most legs one list shows.
pub const MAX_LEGS: i64 = 200;

/// Open referrals whose transport leg is asked for or confirmed and has no
/// driver: those of `organization_ids` (either side), and with
/// `with_shared` also those the referrer shared with the network. Most
/// urgent first, then the oldest.
pub fn unassigned_transports(
    connection: &mut DbConnection,
    organization_ids: &[String],
    with_shared: bool,
) -> StoreResult<Vec<ReferralRow>> {
    let own = referrals::referrer_org_id
        .eq_any(organization_ids)
        .or(referrals::receiver_org_id.eq_any(organization_ids));
    let mut query = referrals::table
        .filter(referrals::transport_driver_id.is_null())
        .filter(referrals::transport_status.eq_any(["new", "confirmed"]))
        .filter(referrals::status.ne_all(CLOSED))
        .select(ReferralRow::as_select())
        .order((referrals::priority.asc(), referrals::created_at.asc()))
        .limit(MAX_LEGS)
        .into_boxed();
    query = if with_shared {
        query.filter(own.or(referrals::transport_shared.eq(true)))
    } else {
        query.filter(own)
    };
    Ok(query.load(connection)?)
}

/// Someone who may drive: an active volunteer profile's skills (as JSON)
/// and the organizations the person belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Driver {
    /// The person.
    pub user_id: String,
    /// Their skills with expiry, as JSON.
    pub skills: String,
    /// Their organizations.
    pub organization_ids: Vec<String>,
}

/// Everyone with an active volunteer profile who belongs to a vetted
/// organization of the network, with those organizations.
pub fn network_drivers(connection: &mut DbConnection) -> StoreResult<Vec<Driver>> {
    use crate::schema::organizations;
    let rows: Vec<(String, String, String)> = volunteer_profiles::table
        .inner_join(memberships::table.on(memberships::user_id.eq(volunteer_profiles::user_id)))
        .inner_join(organizations::table.on(organizations::id.eq(memberships::organization_id)))
        .filter(volunteer_profiles::active.eq(true))
        .filter(organizations::membership.eq("vetted"))
        .select((
            volunteer_profiles::user_id,
            volunteer_profiles::skills,
            memberships::organization_id,
        ))
        .order(volunteer_profiles::user_id.asc())
        .load(connection)?;
    let mut drivers: Vec<Driver> = Vec::new();
    for (user_id, skills, organization_id) in rows {
        match drivers.last_mut() {
            Some(last) if last.user_id == user_id => last.organization_ids.push(organization_id),
            _ => drivers.push(Driver {
                user_id,
                skills,
                organization_ids: vec![organization_id],
            }),
        }
    }
    Ok(drivers)
}

/// The most recently sent open referrals of `organization_id` (either
/// side), or of the whole network, at most `limit`.
pub fn open_referrals_of(
    connection: &mut DbConnection,
    organization_id: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<ReferralRow>> {
    let mut query = referrals::table
        .filter(referrals::status.ne_all(CLOSED))
        .filter(referrals::status.ne("draft"))
        .select(ReferralRow::as_select())
        .order(referrals::sent_at.desc())
        .limit(limit)
        .into_boxed();
    if let Some(organization_id) = organization_id {
        query = query.filter(
            referrals::referrer_org_id
                .eq(organization_id.to_owned())
                .or(referrals::receiver_org_id.eq(organization_id.to_owned())),
        );
    }
    Ok(query.load(connection)?)
}

/// Open referrals whose transport leg `user_id` drives or is asked to
/// drive, not yet delivered.
pub fn drives_of(connection: &mut DbConnection, user_id: &str) -> StoreResult<Vec<ReferralRow>> {
    Ok(referrals::table
        .filter(referrals::transport_driver_id.eq(user_id))
        .filter(referrals::transport_status.eq_any(["new", "confirmed", "scheduled"]))
        .filter(referrals::status.ne_all(CLOSED))
        .select(ReferralRow::as_select())
        .order((referrals::priority.asc(), referrals::created_at.asc()))
        .limit(MAX_LEGS)
        .load(connection)?)
}

/// A foster placement, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = foster_placements)]
pub struct PlacementRow {
    /// Stable identifier.
    pub id: String,
    /// The organization placing the animal.
    pub organization_id: String,
    /// The fosterer.
    pub volunteer_user_id: String,
    /// The referral the animal came through, if any.
    pub referral_id: Option<String>,
    /// The species code.
    pub species: String,
    /// The animal's name or description.
    pub animal_name: String,
    /// The first day.
    pub starts_on: NaiveDate,
    /// The expected last day.
    pub ends_on: Option<NaiveDate>,
    /// The status's stable name.
    pub status: String,
    /// Care notes for the fosterer.
    pub notes: Option<String>,
    /// Why it was declined, cancelled or ended.
    pub status_note: Option<String>,
    /// Who offered it.
    pub created_by: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// The version, also the ETag.
    pub version: i64,
}

/// Stores a new placement.
pub fn insert_placement(connection: &mut DbConnection, row: &PlacementRow) -> StoreResult<()> {
    diesel::insert_into(foster_placements::table)
        .values(row)
        .execute(connection)?;
    Ok(())
}

/// One placement.
pub fn placement(connection: &mut DbConnection, id: &str) -> StoreResult<PlacementRow> {
    foster_placements::table
        .find(id)
        .select(PlacementRow::as_select())
        .first(connection)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// An organization's placements, open ones first, then the most recent.
pub fn placements_of_organization(
    connection: &mut DbConnection,
    organization_id: &str,
) -> StoreResult<Vec<PlacementRow>> {
    let mut rows: Vec<PlacementRow> = foster_placements::table
        .filter(foster_placements::organization_id.eq(organization_id))
        .select(PlacementRow::as_select())
        .order((
            foster_placements::starts_on.desc(),
            foster_placements::id.asc(),
        ))
        .limit(MAX_LEGS)
        .load(connection)?;
    rows.sort_by_key(|row| !matches!(row.status.as_str(), "offered" | "accepted"));
    Ok(rows)
}

/// A volunteer's offered and accepted placements, soonest first.
pub fn open_placements_of(
    connection: &mut DbConnection,
    user_id: &str,
) -> StoreResult<Vec<PlacementRow>> {
    Ok(foster_placements::table
        .filter(foster_placements::volunteer_user_id.eq(user_id))
        .filter(foster_placements::status.eq_any(["offered", "accepted"]))
        .select(PlacementRow::as_select())
        .order((
            foster_placements::starts_on.asc(),
            foster_placements::id.asc(),
        ))
        .limit(MAX_LEGS)
        .load(connection)?)
}

/// Moves a placement, conditional on the version its mover read.
pub fn set_placement_status(
    connection: &mut DbConnection,
    current: &PlacementRow,
    expected_version: i64,
    status: &str,
    note: Option<&str>,
) -> StoreResult<PlacementRow> {
    if expected_version != current.version {
        return Err(StoreError::Stale);
    }
    let updated = diesel::update(
        foster_placements::table
            .filter(foster_placements::id.eq(&current.id))
            .filter(foster_placements::version.eq(expected_version)),
    )
    .set((
        foster_placements::status.eq(status),
        foster_placements::status_note.eq(note),
        foster_placements::updated_at.eq(now()),
        foster_placements::version.eq(expected_version + 1),
    ))
    .execute(connection)?;
    if updated == 0 {
        return Err(StoreError::Stale);
    }
    placement(connection, &current.id)
}

/// How many open drives and placements each of `user_ids` has.
pub fn open_assignment_counts(
    connection: &mut DbConnection,
    user_ids: &[String],
) -> StoreResult<std::collections::HashMap<String, i64>> {
    let mut counts = std::collections::HashMap::new();
    let drives: Vec<Option<String>> = referrals::table
        .filter(referrals::transport_driver_id.eq_any(user_ids))
        .filter(referrals::transport_status.eq_any(["new", "confirmed", "scheduled"]))
        .filter(referrals::status.ne_all(CLOSED))
        .select(referrals::transport_driver_id)
        .load(connection)?;
    for user in drives.into_iter().flatten() {
        *counts.entry(user).or_insert(0) += 1;
    }
    let fosters: Vec<String> = foster_placements::table
        .filter(foster_placements::volunteer_user_id.eq_any(user_ids))
        .filter(foster_placements::status.eq_any(["offered", "accepted"]))
        .select(foster_placements::volunteer_user_id)
        .load(connection)?;
    for user in fosters {
        *counts.entry(user).or_insert(0) += 1;
    }
    Ok(counts)
}

//! Specialists and consults as stored.
//!
//! `specialist_profiles` holds one profile per person (their expertise,
//! weekly availability and whether they accept consults); `specialist_tags`
//! mirrors its species and disciplines for filtering. `consults` holds the
//! consults asked of specialists from referrals. Changes to either are
//! conditional on the version the caller read: a stale one is
//! [`StoreError::Stale`] and changes nothing.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{
    consults, memberships, organizations, sites, specialist_profiles, specialist_tags, users,
};
use crate::{DbConnection, StoreError, StoreResult, now};

/// A specialist profile, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = specialist_profiles)]
pub struct ProfileRow {
    /// The person.
    pub user_id: String,
    /// The organization they consult for.
    pub organization_id: String,
    /// Species codes, as a JSON array.
    pub species: String,
    /// Discipline codes, as a JSON array.
    pub disciplines: String,
    /// What they offer, in words.
    pub summary: Option<String>,
    /// Weekly slots, as a JSON array.
    pub availability: String,
    /// Whether they take consults now.
    pub accepting_consults: bool,
    /// Rotations and absences, in words.
    pub rotation_note: Option<String>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Version for `If-Match`.
    pub version: i64,
}

impl ProfileRow {
    /// The species codes.
    pub fn species(&self) -> StoreResult<Vec<String>> {
        codes("species", &self.species)
    }

    /// The discipline codes.
    pub fn disciplines(&self) -> StoreResult<Vec<String>> {
        codes("disciplines", &self.disciplines)
    }
}

fn codes(what: &str, text: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(text)
        .map_err(|error| StoreError::Corrupt(format!("specialist {what}: {error}")))
}

fn replace_tags(connection: &mut DbConnection, row: &ProfileRow) -> StoreResult<()> {
    diesel::delete(specialist_tags::table.filter(specialist_tags::user_id.eq(&row.user_id)))
        .execute(connection)?;
    let species = row.species()?;
    let disciplines = row.disciplines()?;
    let tagged = species
        .iter()
        .map(|code| ("species", code))
        .chain(disciplines.iter().map(|code| ("discipline", code)));
    // One row at a time: batch inserts are not shared by both backends.
    for (kind, code) in tagged {
        diesel::insert_into(specialist_tags::table)
            .values((
                specialist_tags::user_id.eq(&row.user_id),
                specialist_tags::kind.eq(kind),
                specialist_tags::code.eq(code),
            ))
            .execute(connection)?;
    }
    Ok(())
}

/// One person's profile.
pub fn profile(connection: &mut DbConnection, user_id: &str) -> StoreResult<ProfileRow> {
    Ok(specialist_profiles::table
        .find(user_id)
        .select(ProfileRow::as_select())
        .first(connection)?)
}

/// Writes `row` as the person's profile: a new one when `expected_version`
/// is `None` (a `Conflict` if one exists), else the replacement of the one
/// at `expected_version` (`Stale` otherwise). Answers the profile as stored.
pub fn put_profile(
    connection: &mut DbConnection,
    row: &ProfileRow,
    expected_version: Option<i64>,
) -> StoreResult<ProfileRow> {
    let stored = match expected_version {
        None => {
            let fresh = ProfileRow {
                version: 1,
                ..row.clone()
            };
            diesel::insert_into(specialist_profiles::table)
                .values(&fresh)
                .execute(connection)?;
            fresh
        }
        Some(expected) => {
            let next = ProfileRow {
                version: expected + 1,
                updated_at: now(),
                ..row.clone()
            };
            let updated = diesel::update(
                specialist_profiles::table
                    .filter(specialist_profiles::user_id.eq(&row.user_id))
                    .filter(specialist_profiles::version.eq(expected)),
            )
            .set((
                specialist_profiles::organization_id.eq(&next.organization_id),
                specialist_profiles::species.eq(&next.species),
                specialist_profiles::disciplines.eq(&next.disciplines),
                specialist_profiles::summary.eq(&next.summary),
                specialist_profiles::availability.eq(&next.availability),
                specialist_profiles::accepting_consults.eq(next.accepting_consults),
                specialist_profiles::rotation_note.eq(&next.rotation_note),
                specialist_profiles::updated_at.eq(next.updated_at),
                specialist_profiles::version.eq(next.version),
            ))
            .execute(connection)?;
            if updated == 0 {
                return Err(StoreError::Stale);
            }
            profile(connection, &row.user_id)?
        }
    };
    replace_tags(connection, &stored)?;
    Ok(stored)
}

/// A profile with what a listing shows beside it.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The profile.
    pub row: ProfileRow,
    /// The person's name.
    pub name: String,
    /// The organization's name.
    pub organization_name: String,
    /// The organization's membership state's code.
    pub membership: String,
    /// The person's role in the organization's code, if they still belong.
    pub role: Option<String>,
    /// The IANA timezone of the organization's first site, where the
    /// weekly consult hours are read; `None` without a site.
    pub timezone: Option<String>,
}

/// What a specialist search asks for.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Only specialists for this species or group: listing it, its group,
    /// or (for a group) one of its species.
    pub species: Option<String>,
    /// Only this discipline's code.
    pub discipline: Option<String>,
    /// Only those accepting consults (`Some(true)`) or not (`Some(false)`).
    pub accepting: Option<bool>,
}

/// The profiles matching `search`, with names, most recently updated
/// first. Words and who may be listed are the caller's to filter.
pub fn search(connection: &mut DbConnection, search: &Search) -> StoreResult<Vec<Listed>> {
    let mut query = specialist_profiles::table.into_boxed();
    if let Some(accepting) = search.accepting {
        query = query.filter(specialist_profiles::accepting_consults.eq(accepting));
    }
    if let Some(discipline) = &search.discipline {
        query = query.filter(
            specialist_profiles::user_id.eq_any(
                specialist_tags::table
                    .filter(specialist_tags::kind.eq("discipline"))
                    .filter(specialist_tags::code.eq(discipline.clone()))
                    .select(specialist_tags::user_id),
            ),
        );
    }
    if let Some(species) = &search.species {
        let tags = specialist_tags::table.filter(specialist_tags::kind.eq("species"));
        query = match species.split_once('/') {
            Some((group, _)) => query.filter(
                specialist_profiles::user_id.eq_any(
                    tags.filter(
                        specialist_tags::code.eq_any(vec![species.clone(), group.to_owned()]),
                    )
                    .select(specialist_tags::user_id),
                ),
            ),
            None => query.filter(
                specialist_profiles::user_id.eq_any(
                    tags.filter(
                        specialist_tags::code
                            .eq(species.clone())
                            .or(specialist_tags::code
                                .like(format!("{}/%", species.replace('_', "\\_")))
                                .escape('\\')),
                    )
                    .select(specialist_tags::user_id),
                ),
            ),
        };
    }
    let rows = query
        .order((
            specialist_profiles::updated_at.desc(),
            specialist_profiles::user_id.asc(),
        ))
        .select(ProfileRow::as_select())
        .load(connection)?;
    listed(connection, rows)
}

/// `rows` with the names and memberships a listing shows.
pub fn listed(connection: &mut DbConnection, rows: Vec<ProfileRow>) -> StoreResult<Vec<Listed>> {
    let user_ids: Vec<String> = rows.iter().map(|row| row.user_id.clone()).collect();
    let organization_ids: Vec<String> =
        rows.iter().map(|row| row.organization_id.clone()).collect();
    let names: HashMap<String, String> = users::table
        .filter(users::id.eq_any(&user_ids))
        .select((users::id, users::name))
        .load::<(String, String)>(connection)?
        .into_iter()
        .collect();
    let organizations: HashMap<String, (String, String)> = organizations::table
        .filter(organizations::id.eq_any(&organization_ids))
        .select((
            organizations::id,
            organizations::name,
            organizations::membership,
        ))
        .load::<(String, String, String)>(connection)?
        .into_iter()
        .map(|(id, name, membership)| (id, (name, membership)))
        .collect();
    let roles: HashMap<(String, String), String> = memberships::table
        .filter(memberships::user_id.eq_any(&user_ids))
        .select((
            memberships::user_id,
            memberships::organization_id,
            memberships::role,
        ))
        .load::<(String, String, String)>(connection)?
        .into_iter()
        .map(|(user, organization, role)| ((user, organization), role))
        .collect();
    // Consult hours are local to the organization: read in its first site's
    // timezone (sites in one organization share a region in practice).
    let mut timezones: HashMap<String, String> = HashMap::new();
    for (organization, timezone) in sites::table
        .filter(sites::organization_id.eq_any(&organization_ids))
        .order((sites::created_at.asc(), sites::id.asc()))
        .select((sites::organization_id, sites::timezone))
        .load::<(String, String)>(connection)?
    {
        timezones.entry(organization).or_insert(timezone);
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let (organization_name, membership) = organizations
                .get(&row.organization_id)
                .cloned()
                .unwrap_or_default();
            Listed {
                name: names.get(&row.user_id).cloned().unwrap_or_default(),
                role: roles
                    .get(&(row.user_id.clone(), row.organization_id.clone()))
                    .cloned(),
                organization_name,
                membership,
                timezone: timezones.get(&row.organization_id).cloned(),
                row,
            }
        })
        .collect())
}

/// A consult, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = consults)]
pub struct ConsultRow {
    /// Stable identifier.
    pub id: String,
    /// The referral it is about.
    pub referral_id: String,
    /// The specialist asked.
    pub specialist_user_id: String,
    /// Their name when asked.
    pub specialist_name: String,
    /// The organization they consult for.
    pub specialist_organization_id: String,
    /// The side of the referral that asked.
    pub requester_organization_id: String,
    /// The person who asked, if a person.
    pub requester_user_id: Option<String>,
    /// Their name.
    pub requester_name: String,
    /// The question.
    pub question: String,
    /// The status's code.
    pub status: String,
    /// The specialist's answer.
    pub answer: Option<String>,
    /// Why the specialist declined.
    pub decline_reason: Option<String>,
    /// Asked.
    pub created_at: NaiveDateTime,
    /// Answered, declined or cancelled.
    pub closed_at: Option<NaiveDateTime>,
    /// Who closed it.
    pub closed_by: Option<String>,
    /// Last change.
    pub updated_at: NaiveDateTime,
    /// Version for `If-Match`.
    pub version: i64,
}

/// Stores a new consult.
pub fn insert_consult(connection: &mut DbConnection, row: &ConsultRow) -> StoreResult<()> {
    diesel::insert_into(consults::table)
        .values(row)
        .execute(connection)?;
    Ok(())
}

/// One consult.
pub fn consult(connection: &mut DbConnection, id: &str) -> StoreResult<ConsultRow> {
    Ok(consults::table
        .find(id)
        .select(ConsultRow::as_select())
        .first(connection)?)
}

/// A referral's consults, oldest first.
pub fn consults_of_referral(
    connection: &mut DbConnection,
    referral_id: &str,
) -> StoreResult<Vec<ConsultRow>> {
    Ok(consults::table
        .filter(consults::referral_id.eq(referral_id))
        .order((consults::created_at.asc(), consults::id.asc()))
        .select(ConsultRow::as_select())
        .load(connection)?)
}

/// The consults asked of a specialist for one of `organizations` (the ones
/// they still belong to), newest first; only those in
/// `status` when given.
pub fn consults_for_specialist(
    connection: &mut DbConnection,
    user_id: &str,
    organizations: &[String],
    status: Option<&str>,
    offset: i64,
    limit: i64,
) -> StoreResult<Vec<ConsultRow>> {
    let mut query = consults::table
        .filter(consults::specialist_user_id.eq(user_id))
        .filter(consults::specialist_organization_id.eq_any(organizations))
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(consults::status.eq(status.to_owned()));
    }
    Ok(query
        .order((consults::created_at.desc(), consults::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(ConsultRow::as_select())
        .load(connection)?)
}

/// Whether a still-requested consult of `specialist` on `referral` exists.
pub fn open_consult_exists(
    connection: &mut DbConnection,
    referral_id: &str,
    specialist_user_id: &str,
) -> StoreResult<bool> {
    let count: i64 = consults::table
        .filter(consults::referral_id.eq(referral_id))
        .filter(consults::specialist_user_id.eq(specialist_user_id))
        .filter(consults::status.eq("requested"))
        .count()
        .get_result(connection)?;
    Ok(count > 0)
}

/// How a consult is closed.
#[derive(Debug, Clone)]
pub struct Closing<'a> {
    /// The new status's code.
    pub status: &'a str,
    /// The answer, when answered.
    pub answer: Option<&'a str>,
    /// The reason, when declined.
    pub decline_reason: Option<&'a str>,
    /// Who closes it.
    pub by: &'a str,
}

/// Closes `current` if it is still at `expected_version` and requested;
/// answers the consult as it now is.
pub fn close_consult(
    connection: &mut DbConnection,
    current: &ConsultRow,
    expected_version: i64,
    closing: &Closing<'_>,
) -> StoreResult<ConsultRow> {
    if expected_version != current.version {
        return Err(StoreError::Stale);
    }
    let at = now();
    let updated = diesel::update(
        consults::table
            .filter(consults::id.eq(&current.id))
            .filter(consults::version.eq(expected_version))
            .filter(consults::status.eq("requested")),
    )
    .set((
        consults::status.eq(closing.status),
        consults::answer.eq(closing.answer),
        consults::decline_reason.eq(closing.decline_reason),
        consults::closed_at.eq(Some(at)),
        consults::closed_by.eq(Some(closing.by)),
        consults::updated_at.eq(at),
        consults::version.eq(expected_version + 1),
    ))
    .execute(connection)?;
    if updated == 0 {
        return Err(StoreError::Stale);
    }
    consult(connection, &current.id)
}

/// Names of people, by id.
pub fn user_names(
    connection: &mut DbConnection,
    ids: &[String],
) -> StoreResult<HashMap<String, String>> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::name))
        .load::<(String, String)>(connection)?
        .into_iter()
        .collect())
}

/// Names of organizations, by id.
pub fn organization_names(
    connection: &mut DbConnection,
    ids: &[String],
) -> StoreResult<HashMap<String, String>> {
    Ok(organizations::table
        .filter(organizations::id.eq_any(ids))
        .select((organizations::id, organizations::name))
        .load::<(String, String)>(connection)?
        .into_iter()
        .collect())
}

/// The first organization where `user_id` is a clinician or an admin.
pub fn consulting_organization(
    connection: &mut DbConnection,
    user_id: &str,
) -> StoreResult<Option<String>> {
    Ok(memberships::table
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::role.eq_any(["clinician", "org_admin", "network_admin"]))
        .order(memberships::created_at.asc())
        .select(memberships::organization_id)
        .first::<String>(connection)
        .optional()?)
}

/// The referrals about one of `species` between two organizations other
/// than `outsider`, newest first.
pub fn referrals_without(
    connection: &mut DbConnection,
    species: &[&str],
    outsider: &str,
) -> StoreResult<Vec<crate::referrals::ReferralRow>> {
    use crate::schema::referrals;
    Ok(referrals::table
        .filter(referrals::species.eq_any(species))
        .filter(referrals::referrer_org_id.ne(outsider))
        .filter(referrals::receiver_org_id.ne(outsider))
        .order(referrals::created_at.desc())
        .select(crate::referrals::ReferralRow::as_select())
        .load(connection)?)
}

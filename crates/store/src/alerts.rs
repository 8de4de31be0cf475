//! Alerts to people: on-call rotas, the network's acknowledge times,
//! acknowledgement chains, the inbox and each person's preferences.
//!
//! Alerts are written in the transaction of the change that causes them,
//! with the messages owed to their channels ([`crate::outbox`]), so a change
//! that commits has its alerts and one that rolls back has none.
//!
//! A chain moves one step when its acknowledge time runs out. Every replica
//! looks for due chains; one moves each, after claiming it with a
//! conditional update that only one claimant wins ([`claim_chain`]), as
//! webhook deliveries are claimed. Acknowledging is a conditional update
//! too: of two people acknowledging at once, one is recorded, and the chain
//! stops for everyone.
//!
//! Alerts raised by the periodic sweeps (audits due, capacity lapsed,
//! skills expiring …) carry a `dedupe_key`, unique per person, so a sweep
//! run by several replicas, or again after a restart, alerts each person
//! once ([`insert_alert`] answers `false` for a repeat).

use std::collections::HashMap;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use warren_domain::Role;
use warren_domain::alerts::{
    AcknowledgeTimes, AcknowledgedVia, AlertKind, AlertPreferences, DeliveryMode, Rota,
};
use warren_domain::directory::hours::Timezone;
use warren_domain::triage::Tier;

use crate::schema::{
    alert_chains, alert_preferences, alert_settings, alerts, memberships, on_call_rotas, users,
};
use crate::{DbConnection, StoreError, StoreResult, json, new_id, now};

/// The one row of the network's alert settings.
const SETTINGS_ROW: i32 = 1;

/// Runs `insert` in a savepoint and reports whether it went in: a
/// uniqueness conflict rolls back to the savepoint (the enclosing
/// transaction carries on) and answers `false`.
fn insert_once(
    connection: &mut DbConnection,
    insert: impl FnOnce(&mut DbConnection) -> StoreResult<()>,
) -> StoreResult<bool> {
    match connection.transaction(insert) {
        Ok(()) => Ok(true),
        Err(StoreError::Conflict(_)) => Ok(false),
        Err(error) => Err(error),
    }
}

// The network's acknowledge times.

/// The acknowledge times and when they last changed (Warren's defaults and
/// `None` until a network admin sets them).
pub fn acknowledge_times(
    connection: &mut DbConnection,
) -> StoreResult<(AcknowledgeTimes, Option<NaiveDateTime>)> {
    let row: Option<(String, NaiveDateTime)> = alert_settings::table
        .find(SETTINGS_ROW)
        .select((
            alert_settings::acknowledge_times,
            alert_settings::updated_at,
        ))
        .first(connection)
        .optional()?;
    match row {
        None => Ok((AcknowledgeTimes::default(), None)),
        Some((times, at)) => Ok((
            serde_json::from_str(&times)
                .map_err(|error| StoreError::Corrupt(format!("acknowledge times: {error}")))?,
            Some(at),
        )),
    }
}

/// Sets the acknowledge times.
pub fn set_acknowledge_times(
    connection: &mut DbConnection,
    times: &AcknowledgeTimes,
) -> StoreResult<NaiveDateTime> {
    let at = now();
    let text = json(times)?;
    let updated = diesel::update(alert_settings::table.find(SETTINGS_ROW))
        .set((
            alert_settings::acknowledge_times.eq(&text),
            alert_settings::updated_at.eq(at),
        ))
        .execute(connection)?;
    if updated == 0 {
        diesel::insert_into(alert_settings::table)
            .values((
                alert_settings::id.eq(SETTINGS_ROW),
                alert_settings::acknowledge_times.eq(&text),
                alert_settings::updated_at.eq(at),
            ))
            .execute(connection)?;
    }
    Ok(at)
}

// On-call rotas.

/// A site's stored rota.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = on_call_rotas)]
pub struct RotaRecord {
    /// The site.
    pub site_id: String,
    /// Its organization.
    pub organization_id: String,
    /// JSON shifts.
    pub shifts: String,
    /// JSON overrides.
    pub overrides: String,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Who changed it, as the audit log names them.
    pub updated_by: String,
    /// Also the ETag.
    pub version: i64,
}

impl RotaRecord {
    /// The rota itself.
    pub fn rota(&self) -> StoreResult<Rota> {
        Ok(Rota {
            shifts: serde_json::from_str(&self.shifts)
                .map_err(|error| StoreError::Corrupt(format!("rota shifts: {error}")))?,
            overrides: serde_json::from_str(&self.overrides)
                .map_err(|error| StoreError::Corrupt(format!("rota overrides: {error}")))?,
        })
    }
}

/// A site's rota, if it ever had one.
pub fn find_rota(connection: &mut DbConnection, site_id: &str) -> StoreResult<Option<RotaRecord>> {
    Ok(on_call_rotas::table
        .find(site_id)
        .select(RotaRecord::as_select())
        .first(connection)
        .optional()?)
}

/// The rotas of these organizations' sites.
pub fn rotas_of(
    connection: &mut DbConnection,
    organization_ids: &[String],
) -> StoreResult<Vec<RotaRecord>> {
    Ok(on_call_rotas::table
        .filter(on_call_rotas::organization_id.eq_any(organization_ids))
        .select(RotaRecord::as_select())
        .load(connection)?)
}

/// Every rota that lists anyone (for the sweep that flags gaps).
pub fn rotas_in_use(connection: &mut DbConnection) -> StoreResult<Vec<RotaRecord>> {
    Ok(on_call_rotas::table
        .filter(
            on_call_rotas::shifts
                .ne("[]")
                .or(on_call_rotas::overrides.ne("[]")),
        )
        .select(RotaRecord::as_select())
        .load(connection)?)
}

/// Saves a site's rota if it is still at `expected_version` (0 for a site
/// without one yet); `Stale` otherwise.
pub fn save_rota(
    connection: &mut DbConnection,
    site_id: &str,
    organization_id: &str,
    rota: &Rota,
    expected_version: i64,
    by: &str,
) -> StoreResult<RotaRecord> {
    let at = now();
    let shifts = json(&rota.shifts)?;
    let overrides = json(&rota.overrides)?;
    if expected_version == 0 {
        let inserted = insert_once(connection, |connection| {
            diesel::insert_into(on_call_rotas::table)
                .values((
                    on_call_rotas::site_id.eq(site_id),
                    on_call_rotas::organization_id.eq(organization_id),
                    on_call_rotas::shifts.eq(&shifts),
                    on_call_rotas::overrides.eq(&overrides),
                    on_call_rotas::updated_at.eq(at),
                    on_call_rotas::updated_by.eq(by),
                    on_call_rotas::version.eq(1_i64),
                ))
                .execute(connection)?;
            Ok(())
        })?;
        if !inserted {
            return Err(StoreError::Stale);
        }
    } else {
        let updated = diesel::update(
            on_call_rotas::table
                .filter(on_call_rotas::site_id.eq(site_id))
                .filter(on_call_rotas::version.eq(expected_version)),
        )
        .set((
            on_call_rotas::shifts.eq(&shifts),
            on_call_rotas::overrides.eq(&overrides),
            on_call_rotas::updated_at.eq(at),
            on_call_rotas::updated_by.eq(by),
            on_call_rotas::version.eq(on_call_rotas::version + 1),
        ))
        .execute(connection)?;
        if updated == 0 {
            return Err(StoreError::Stale);
        }
    }
    find_rota(connection, site_id)?.ok_or(StoreError::NotFound)
}

/// A member's id, name and address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The account.
    pub user_id: String,
    /// Their name.
    pub name: String,
    /// Their address.
    pub email: String,
    /// Whether they confirmed it.
    pub email_confirmed: bool,
    /// Their saved alert preferences, if they saved any (read with them, so
    /// raising an alert asks the database once per person, not twice).
    pub preferences: Option<PreferencesRecord>,
}

/// The members of an organization with one of `roles`, by name.
pub fn members_with_roles(
    connection: &mut DbConnection,
    organization_id: &str,
    roles: &[Role],
) -> StoreResult<Vec<Person>> {
    let roles: Vec<&str> = roles.iter().map(|role| role.as_str()).collect();
    let rows: Vec<(PersonColumns, PreferenceColumns)> = memberships::table
        .inner_join(users::table.left_join(alert_preferences::table))
        .filter(memberships::organization_id.eq(organization_id))
        .filter(memberships::role.eq_any(roles))
        .order((users::name, users::id))
        .select((
            (
                users::id,
                users::name,
                users::email,
                users::email_confirmed_at,
            ),
            preference_columns(),
        ))
        .load(connection)?;
    Ok(rows.into_iter().map(person).collect())
}

type PersonColumns = (String, String, String, Option<NaiveDateTime>);

/// A person's preferences row through a left join: every column nullable.
type PreferenceColumns = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i32>,
    Option<NaiveDate>,
    Option<NaiveDateTime>,
    Option<i64>,
);

#[expect(clippy::type_complexity, reason = "the columns of one left join")]
fn preference_columns() -> (
    diesel::dsl::Nullable<alert_preferences::user_id>,
    diesel::dsl::Nullable<alert_preferences::modes>,
    diesel::dsl::Nullable<alert_preferences::quiet_hours>,
    diesel::dsl::Nullable<alert_preferences::timezone>,
    diesel::dsl::Nullable<alert_preferences::digest_hour>,
    diesel::dsl::Nullable<alert_preferences::last_digest_on>,
    diesel::dsl::Nullable<alert_preferences::updated_at>,
    diesel::dsl::Nullable<alert_preferences::version>,
) {
    (
        alert_preferences::user_id.nullable(),
        alert_preferences::modes.nullable(),
        alert_preferences::quiet_hours.nullable(),
        alert_preferences::timezone.nullable(),
        alert_preferences::digest_hour.nullable(),
        alert_preferences::last_digest_on.nullable(),
        alert_preferences::updated_at.nullable(),
        alert_preferences::version.nullable(),
    )
}

fn person(
    ((user_id, name, email, confirmed), saved): (PersonColumns, PreferenceColumns),
) -> Person {
    let (
        saved_user,
        modes,
        quiet_hours,
        timezone,
        digest_hour,
        last_digest_on,
        updated_at,
        version,
    ) = saved;
    let preferences = match (
        saved_user,
        modes,
        timezone,
        digest_hour,
        updated_at,
        version,
    ) {
        (
            Some(user_id),
            Some(modes),
            Some(timezone),
            Some(digest_hour),
            Some(updated_at),
            Some(version),
        ) => Some(PreferencesRecord {
            user_id,
            modes,
            quiet_hours,
            timezone,
            digest_hour,
            last_digest_on,
            updated_at,
            version,
        }),
        _ => None,
    };
    Person {
        user_id,
        name,
        email,
        email_confirmed: confirmed.is_some(),
        preferences,
    }
}

/// These people (those that exist), by id.
pub fn people(
    connection: &mut DbConnection,
    user_ids: &[String],
) -> StoreResult<HashMap<String, Person>> {
    if user_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(PersonColumns, PreferenceColumns)> = users::table
        .left_join(alert_preferences::table)
        .filter(users::id.eq_any(user_ids))
        .select((
            (
                users::id,
                users::name,
                users::email,
                users::email_confirmed_at,
            ),
            preference_columns(),
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(person)
        .map(|person| (person.user_id.clone(), person))
        .collect())
}

/// The person with this address, if any.
pub fn person_by_email(connection: &mut DbConnection, email: &str) -> StoreResult<Option<Person>> {
    let row: Option<(PersonColumns, PreferenceColumns)> = users::table
        .left_join(alert_preferences::table)
        .filter(users::email.eq(email.trim().to_lowercase()))
        .select((
            (
                users::id,
                users::name,
                users::email,
                users::email_confirmed_at,
            ),
            preference_columns(),
        ))
        .first(connection)
        .optional()?;
    Ok(row.map(person))
}

// Chains.

/// A stored chain.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = alert_chains)]
pub struct ChainRecord {
    /// Stable id.
    pub id: String,
    /// The alert kind (an urgent one).
    pub kind: String,
    /// The organization whose people it alerts.
    pub organization_id: String,
    /// The site whose rota it follows, if any.
    pub site_id: Option<String>,
    /// A person alerted before the rota (the specialist asked, the
    /// referral's author), if any.
    pub first_user_id: Option<String>,
    /// The referral whose timeline records it, if any.
    pub referral_id: Option<String>,
    /// What it is about.
    pub subject_type: String,
    /// Which one.
    pub subject_id: String,
    /// The tier pacing it (1–5).
    pub tier: i32,
    /// One line.
    pub title: String,
    /// What happened.
    pub body: String,
    /// Where in Warren.
    pub link: String,
    /// Steps alerted so far.
    pub step: i32,
    /// When the next step is due; none once it stopped.
    pub next_step_at: Option<NaiveDateTime>,
    /// Until when a replica holds it to move it.
    pub claimed_until: Option<NaiveDateTime>,
    /// Started.
    pub created_at: NaiveDateTime,
    /// Acknowledged.
    pub acknowledged_at: Option<NaiveDateTime>,
    /// By whom (account).
    pub acknowledged_by_user_id: Option<String>,
    /// By whom (name).
    pub acknowledged_by: Option<String>,
    /// How.
    pub acknowledged_via: Option<String>,
    /// Ran out with nobody acknowledging.
    pub exhausted_at: Option<NaiveDateTime>,
    /// Stopped because its subject no longer needs it.
    pub closed_at: Option<NaiveDateTime>,
    /// Why it was stopped.
    pub closed_reason: Option<String>,
}

impl ChainRecord {
    /// Its kind.
    pub fn kind(&self) -> StoreResult<AlertKind> {
        AlertKind::parse(&self.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("alert kind {:?}", self.kind)))
    }

    /// Its tier.
    pub fn tier(&self) -> StoreResult<Tier> {
        u8::try_from(self.tier)
            .ok()
            .and_then(Tier::from_number)
            .ok_or_else(|| StoreError::Corrupt(format!("chain tier {}", self.tier)))
    }

    /// Whether it still runs: not acknowledged, exhausted or stopped.
    pub fn is_running(&self) -> bool {
        self.acknowledged_at.is_none() && self.exhausted_at.is_none() && self.closed_at.is_none()
    }
}

/// A chain to start.
#[derive(Debug, Clone)]
pub struct NewChain {
    /// The urgent kind.
    pub kind: AlertKind,
    /// The organization whose people it alerts.
    pub organization_id: String,
    /// The site whose rota it follows.
    pub site_id: Option<String>,
    /// A person alerted before the rota.
    pub first_user_id: Option<String>,
    /// The referral whose timeline records it.
    pub referral_id: Option<String>,
    /// What it is about.
    pub subject_type: &'static str,
    /// Which one.
    pub subject_id: String,
    /// The tier pacing it.
    pub tier: Tier,
    /// One line.
    pub title: String,
    /// What happened.
    pub body: String,
    /// Where in Warren.
    pub link: String,
}

/// Starts a chain at step 0, due at once. `None` when the subject already
/// has a chain of this kind (the first one stands).
pub fn insert_chain(
    connection: &mut DbConnection,
    chain: &NewChain,
) -> StoreResult<Option<ChainRecord>> {
    let id = new_id();
    let at = now();
    let inserted = insert_once(connection, |connection| {
        diesel::insert_into(alert_chains::table)
            .values((
                alert_chains::id.eq(&id),
                alert_chains::kind.eq(chain.kind.as_str()),
                alert_chains::organization_id.eq(&chain.organization_id),
                alert_chains::site_id.eq(&chain.site_id),
                alert_chains::first_user_id.eq(&chain.first_user_id),
                alert_chains::referral_id.eq(&chain.referral_id),
                alert_chains::subject_type.eq(chain.subject_type),
                alert_chains::subject_id.eq(&chain.subject_id),
                alert_chains::tier.eq(i32::from(chain.tier.number())),
                alert_chains::title.eq(&chain.title),
                alert_chains::body.eq(&chain.body),
                alert_chains::link.eq(&chain.link),
                alert_chains::step.eq(0),
                alert_chains::next_step_at.eq(Some(at)),
                alert_chains::created_at.eq(at),
            ))
            .execute(connection)?;
        Ok(())
    })?;
    if inserted {
        find_chain(connection, &id).map(Some)
    } else {
        Ok(None)
    }
}

/// One chain, or `NotFound`.
pub fn find_chain(connection: &mut DbConnection, id: &str) -> StoreResult<ChainRecord> {
    Ok(alert_chains::table
        .find(id)
        .select(ChainRecord::as_select())
        .first(connection)?)
}

/// The chains of these ids.
pub fn chains(
    connection: &mut DbConnection,
    ids: &[String],
) -> StoreResult<HashMap<String, ChainRecord>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(alert_chains::table
        .filter(alert_chains::id.eq_any(ids))
        .select(ChainRecord::as_select())
        .load::<ChainRecord>(connection)?
        .into_iter()
        .map(|chain| (chain.id.clone(), chain))
        .collect())
}

/// Running chains whose next step is due at `at`, oldest due first.
pub fn due_chains(
    connection: &mut DbConnection,
    at: NaiveDateTime,
    limit: i64,
) -> StoreResult<Vec<ChainRecord>> {
    Ok(alert_chains::table
        .filter(alert_chains::next_step_at.le(at))
        .filter(alert_chains::acknowledged_at.is_null())
        .filter(alert_chains::closed_at.is_null())
        .filter(alert_chains::exhausted_at.is_null())
        .filter(
            alert_chains::claimed_until
                .is_null()
                .or(alert_chains::claimed_until.lt(at)),
        )
        .order(alert_chains::next_step_at.asc())
        .limit(limit)
        .select(ChainRecord::as_select())
        .load(connection)?)
}

/// Claims a due chain for `lease`; `false` when another replica holds it,
/// or it was acknowledged or moved meanwhile. Run it in the write
/// transaction that moves the chain.
pub fn claim_chain(
    connection: &mut DbConnection,
    chain: &ChainRecord,
    at: NaiveDateTime,
    lease: Duration,
) -> StoreResult<bool> {
    let until =
        at + TimeDelta::from_std(lease).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    let won = diesel::update(
        alert_chains::table
            .filter(alert_chains::id.eq(&chain.id))
            .filter(alert_chains::step.eq(chain.step))
            .filter(alert_chains::next_step_at.le(at))
            .filter(alert_chains::acknowledged_at.is_null())
            .filter(alert_chains::closed_at.is_null())
            .filter(alert_chains::exhausted_at.is_null())
            .filter(
                alert_chains::claimed_until
                    .is_null()
                    .or(alert_chains::claimed_until.lt(at)),
            ),
    )
    .set(alert_chains::claimed_until.eq(Some(until)))
    .execute(connection)?;
    Ok(won == 1)
}

/// Records that a claimed chain alerted its next step, due again at
/// `next_step_at`.
pub fn advance_chain(
    connection: &mut DbConnection,
    chain: &ChainRecord,
    next_step_at: NaiveDateTime,
) -> StoreResult<()> {
    diesel::update(alert_chains::table.filter(alert_chains::id.eq(&chain.id)))
        .set((
            alert_chains::step.eq(chain.step + 1),
            alert_chains::next_step_at.eq(Some(next_step_at)),
            alert_chains::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(connection)?;
    Ok(())
}

/// Records that a claimed chain ran out with nobody acknowledging.
pub fn exhaust_chain(
    connection: &mut DbConnection,
    chain: &ChainRecord,
) -> StoreResult<NaiveDateTime> {
    let at = now();
    diesel::update(alert_chains::table.filter(alert_chains::id.eq(&chain.id)))
        .set((
            alert_chains::exhausted_at.eq(Some(at)),
            alert_chains::next_step_at.eq(None::<NaiveDateTime>),
            alert_chains::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(connection)?;
    Ok(at)
}

/// Stops a chain for everyone: `by` acknowledged it. `false` when it was
/// acknowledged or stopped already (the first acknowledgement stands).
pub fn acknowledge_chain(
    connection: &mut DbConnection,
    chain_id: &str,
    by_user_id: Option<&str>,
    by: &str,
    via: AcknowledgedVia,
) -> StoreResult<bool> {
    let at = now();
    let won = diesel::update(
        alert_chains::table
            .filter(alert_chains::id.eq(chain_id))
            .filter(alert_chains::acknowledged_at.is_null())
            .filter(alert_chains::closed_at.is_null()),
    )
    .set((
        alert_chains::acknowledged_at.eq(Some(at)),
        alert_chains::acknowledged_by_user_id.eq(by_user_id),
        alert_chains::acknowledged_by.eq(Some(by)),
        alert_chains::acknowledged_via.eq(Some(via.as_str())),
        alert_chains::next_step_at.eq(None::<NaiveDateTime>),
    ))
    .execute(connection)?;
    if won == 1 {
        diesel::update(
            alerts::table
                .filter(alerts::chain_id.eq(chain_id))
                .filter(alerts::acknowledged_at.is_null()),
        )
        .set(alerts::acknowledged_at.eq(Some(at)))
        .execute(connection)?;
    }
    Ok(won == 1)
}

/// The running chains about one subject.
pub fn running_chains_of(
    connection: &mut DbConnection,
    subject_type: &str,
    subject_id: &str,
) -> StoreResult<Vec<ChainRecord>> {
    Ok(alert_chains::table
        .filter(alert_chains::subject_type.eq(subject_type))
        .filter(alert_chains::subject_id.eq(subject_id))
        .filter(alert_chains::acknowledged_at.is_null())
        .filter(alert_chains::closed_at.is_null())
        .select(ChainRecord::as_select())
        .load(connection)?)
}

/// Stops a running chain without an acknowledgement (its subject no longer
/// needs one), giving `reason`. `false` if it had stopped already.
pub fn close_chain(
    connection: &mut DbConnection,
    chain_id: &str,
    reason: &str,
) -> StoreResult<bool> {
    let closed = diesel::update(
        alert_chains::table
            .filter(alert_chains::id.eq(chain_id))
            .filter(alert_chains::acknowledged_at.is_null())
            .filter(alert_chains::closed_at.is_null()),
    )
    .set((
        alert_chains::closed_at.eq(Some(now())),
        alert_chains::closed_reason.eq(Some(reason)),
        alert_chains::next_step_at.eq(None::<NaiveDateTime>),
    ))
    .execute(connection)?;
    Ok(closed == 1)
}

/// Who a chain has alerted so far: accounts, and addresses outside Warren.
pub fn alerted_by_chain(
    connection: &mut DbConnection,
    chain_id: &str,
) -> StoreResult<Vec<(Option<String>, Option<String>)>> {
    Ok(alerts::table
        .filter(alerts::chain_id.eq(chain_id))
        .select((alerts::user_id, alerts::email))
        .load(connection)?)
}

/// The time to acknowledge of chains started in `[from, to)`, for one
/// organization or the whole network: (tier, seconds or `None` when never
/// acknowledged, exhausted).
pub fn acknowledgement_timings(
    connection: &mut DbConnection,
    organization_id: Option<&str>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> StoreResult<Vec<(Tier, Option<i64>, bool)>> {
    let mut query = alert_chains::table
        .filter(alert_chains::created_at.ge(from))
        .filter(alert_chains::created_at.lt(to))
        .select((
            alert_chains::tier,
            alert_chains::created_at,
            alert_chains::acknowledged_at,
            alert_chains::exhausted_at,
        ))
        .into_boxed();
    if let Some(organization) = organization_id {
        query = query.filter(alert_chains::organization_id.eq(organization.to_owned()));
    }
    let rows: Vec<(
        i32,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    )> = query.load(connection)?;
    Ok(rows
        .into_iter()
        .filter_map(|(tier, created, acknowledged, exhausted)| {
            let tier = u8::try_from(tier).ok().and_then(Tier::from_number)?;
            let seconds = acknowledged.map(|at| (at - created).num_seconds().max(0));
            Some((tier, seconds, exhausted.is_some()))
        })
        .collect())
}

// The inbox.

/// A stored alert.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = alerts)]
pub struct AlertRecord {
    /// Stable id (UUID v7: the inbox's cursor).
    pub id: String,
    /// The recipient's account; none for an address outside Warren.
    pub user_id: Option<String>,
    /// The recipient's name.
    pub recipient_name: String,
    /// The address, for a recipient outside Warren.
    pub email: Option<String>,
    /// The organization it concerns.
    pub organization_id: Option<String>,
    /// Its kind.
    pub kind: String,
    /// Whether urgent.
    pub urgent: bool,
    /// One line.
    pub title: String,
    /// What happened.
    pub body: String,
    /// Where in Warren.
    pub link: String,
    /// What it is about.
    pub subject_type: Option<String>,
    /// Which one.
    pub subject_id: Option<String>,
    /// The referral it concerns.
    pub referral_id: Option<String>,
    /// The chain that raised it.
    pub chain_id: Option<String>,
    /// Which step of the chain.
    pub chain_step: Option<i32>,
    /// Makes a sweep's alert once per person.
    pub dedupe_key: Option<String>,
    /// `immediate`, `digest` or `inbox_only`.
    pub delivery: String,
    /// Raised.
    pub created_at: NaiveDateTime,
    /// Read.
    pub read_at: Option<NaiveDateTime>,
    /// Its chain was acknowledged.
    pub acknowledged_at: Option<NaiveDateTime>,
    /// Digest of the e-mail link's single-use token.
    pub ack_token_hash: Option<String>,
    /// When the link was used.
    pub ack_token_used_at: Option<NaiveDateTime>,
    /// Sent in a digest.
    pub digested_at: Option<NaiveDateTime>,
}

impl AlertRecord {
    /// Its kind.
    pub fn kind(&self) -> StoreResult<AlertKind> {
        AlertKind::parse(&self.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("alert kind {:?}", self.kind)))
    }

    /// How it was delivered.
    pub fn delivery(&self) -> StoreResult<DeliveryMode> {
        DeliveryMode::parse(&self.delivery)
            .ok_or_else(|| StoreError::Corrupt(format!("alert delivery {:?}", self.delivery)))
    }
}

/// An alert to raise for one recipient.
#[derive(Debug, Clone)]
pub struct NewAlert {
    /// Stable id, chosen by the caller so the outbox can name it.
    pub id: String,
    /// The recipient's account; none for an address outside Warren.
    pub user_id: Option<String>,
    /// The recipient's name.
    pub recipient_name: String,
    /// The address, for a recipient outside Warren.
    pub email: Option<String>,
    /// The organization it concerns.
    pub organization_id: Option<String>,
    /// Its kind.
    pub kind: AlertKind,
    /// One line.
    pub title: String,
    /// What happened.
    pub body: String,
    /// Where in Warren.
    pub link: String,
    /// What it is about.
    pub subject_type: Option<&'static str>,
    /// Which one.
    pub subject_id: Option<String>,
    /// The referral it concerns.
    pub referral_id: Option<String>,
    /// The chain raising it, and the step.
    pub chain: Option<(String, i32)>,
    /// Makes it once per person.
    pub dedupe_key: Option<String>,
    /// How it reaches the person.
    pub delivery: DeliveryMode,
    /// Digest of the acknowledge link's token, for urgent alerts.
    pub ack_token_hash: Option<String>,
}

/// Raises an alert; `false` when its `dedupe_key` was raised for the
/// person before (nothing is written).
pub fn insert_alert(connection: &mut DbConnection, alert: &NewAlert) -> StoreResult<bool> {
    let at = now();
    let insert = |connection: &mut DbConnection| {
        diesel::insert_into(alerts::table)
            .values((
                alerts::id.eq(&alert.id),
                alerts::user_id.eq(&alert.user_id),
                alerts::recipient_name.eq(&alert.recipient_name),
                alerts::email.eq(&alert.email),
                alerts::organization_id.eq(&alert.organization_id),
                alerts::kind.eq(alert.kind.as_str()),
                alerts::urgent.eq(alert.kind.is_urgent()),
                alerts::title.eq(&alert.title),
                alerts::body.eq(&alert.body),
                alerts::link.eq(&alert.link),
                alerts::subject_type.eq(alert.subject_type),
                alerts::subject_id.eq(&alert.subject_id),
                alerts::referral_id.eq(&alert.referral_id),
                alerts::chain_id.eq(alert.chain.as_ref().map(|(id, _)| id)),
                alerts::chain_step.eq(alert.chain.as_ref().map(|(_, step)| *step)),
                alerts::dedupe_key.eq(&alert.dedupe_key),
                alerts::delivery.eq(alert.delivery.as_str()),
                alerts::created_at.eq(at),
                alerts::ack_token_hash.eq(&alert.ack_token_hash),
            ))
            .execute(connection)?;
        Ok(())
    };
    // Only a sweep's key can repeat; other alerts go in without the
    // savepoint's two round trips.
    if alert.dedupe_key.is_some() {
        insert_once(connection, insert)
    } else {
        insert(connection).map(|()| true)
    }
}

/// One alert of a person, or `NotFound` (someone else's too).
pub fn find_alert_of(
    connection: &mut DbConnection,
    user_id: &str,
    id: &str,
) -> StoreResult<AlertRecord> {
    Ok(alerts::table
        .filter(alerts::id.eq(id))
        .filter(alerts::user_id.eq(user_id))
        .select(AlertRecord::as_select())
        .first(connection)?)
}

/// The alert an acknowledge link's token belongs to.
pub fn find_alert_by_token(
    connection: &mut DbConnection,
    token_hash: &str,
) -> StoreResult<Option<AlertRecord>> {
    Ok(alerts::table
        .filter(alerts::ack_token_hash.eq(token_hash))
        .select(AlertRecord::as_select())
        .first(connection)
        .optional()?)
}

/// Uses an acknowledge link's token once: `false` when it was used before
/// (of two uses at once, one wins). The alert is marked read.
pub fn use_alert_token(connection: &mut DbConnection, alert_id: &str) -> StoreResult<bool> {
    let at = now();
    let used = diesel::update(
        alerts::table
            .filter(alerts::id.eq(alert_id))
            .filter(alerts::ack_token_hash.is_not_null())
            .filter(alerts::ack_token_used_at.is_null()),
    )
    .set((
        alerts::ack_token_used_at.eq(Some(at)),
        alerts::read_at.eq(Some(at)),
    ))
    .execute(connection)?;
    Ok(used == 1)
}

/// The alerts a chain raised, oldest first.
pub fn alerts_of_chain(
    connection: &mut DbConnection,
    chain_id: &str,
) -> StoreResult<Vec<AlertRecord>> {
    Ok(alerts::table
        .filter(alerts::chain_id.eq(chain_id))
        .order(alerts::id.asc())
        .select(AlertRecord::as_select())
        .load(connection)?)
}

/// Which alerts an inbox page lists.
#[derive(Debug, Clone, Copy, Default)]
pub struct InboxFilter {
    /// Only unread.
    pub unread: bool,
    /// Only urgent ones not acknowledged whose chain still runs.
    pub unacknowledged: bool,
    /// Only this kind.
    pub kind: Option<AlertKind>,
    /// Only urgent / only other.
    pub urgent: Option<bool>,
}

/// A person's alerts, newest first, older than `before` when given; one
/// more than `limit` to tell whether a page follows.
pub fn inbox(
    connection: &mut DbConnection,
    user_id: &str,
    filter: InboxFilter,
    before: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<AlertRecord>> {
    let mut query = alerts::table
        .filter(alerts::user_id.eq(user_id))
        .order(alerts::id.desc())
        .limit(limit + 1)
        .select(AlertRecord::as_select())
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(alerts::id.lt(before.to_owned()));
    }
    if filter.unread {
        query = query.filter(alerts::read_at.is_null());
    }
    if filter.unacknowledged {
        let running = alert_chains::table
            .filter(alert_chains::acknowledged_at.is_null())
            .filter(alert_chains::closed_at.is_null())
            .select(alert_chains::id);
        query = query
            .filter(alerts::urgent.eq(true))
            .filter(alerts::acknowledged_at.is_null())
            .filter(alerts::chain_id.eq_any(running.nullable()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(alerts::kind.eq(kind.as_str()));
    }
    if let Some(urgent) = filter.urgent {
        query = query.filter(alerts::urgent.eq(urgent));
    }
    Ok(query.load(connection)?)
}

/// How many of a person's alerts are unread, and how many urgent ones
/// wait for an acknowledgement.
pub fn summary(connection: &mut DbConnection, user_id: &str) -> StoreResult<(u64, u64)> {
    let unread: i64 = alerts::table
        .filter(alerts::user_id.eq(user_id))
        .filter(alerts::read_at.is_null())
        .count()
        .get_result(connection)?;
    let waiting: i64 = alerts::table
        .inner_join(alert_chains::table)
        .filter(alerts::user_id.eq(user_id))
        .filter(alerts::urgent.eq(true))
        .filter(alert_chains::acknowledged_at.is_null())
        .filter(alert_chains::closed_at.is_null())
        .count()
        .get_result(connection)?;
    Ok((
        u64::try_from(unread).unwrap_or(0),
        u64::try_from(waiting).unwrap_or(0),
    ))
}

/// Marks a person's alerts read (these ids, or all); returns how many were
/// unread.
pub fn mark_read(
    connection: &mut DbConnection,
    user_id: &str,
    ids: Option<&[String]>,
) -> StoreResult<u64> {
    let at = now();
    let marked = match ids {
        Some(ids) => diesel::update(
            alerts::table
                .filter(alerts::user_id.eq(user_id))
                .filter(alerts::id.eq_any(ids))
                .filter(alerts::read_at.is_null()),
        )
        .set(alerts::read_at.eq(Some(at)))
        .execute(connection)?,
        None => diesel::update(
            alerts::table
                .filter(alerts::user_id.eq(user_id))
                .filter(alerts::read_at.is_null()),
        )
        .set(alerts::read_at.eq(Some(at)))
        .execute(connection)?,
    };
    Ok(u64::try_from(marked).unwrap_or(0))
}

/// People with alerts waiting for their digest.
pub fn digest_recipients(connection: &mut DbConnection) -> StoreResult<Vec<String>> {
    let ids: Vec<Option<String>> = alerts::table
        .filter(alerts::delivery.eq(DeliveryMode::Digest.as_str()))
        .filter(alerts::digested_at.is_null())
        .select(alerts::user_id)
        .distinct()
        .load(connection)?;
    Ok(ids.into_iter().flatten().collect())
}

/// A person's alerts waiting for their digest, oldest first.
pub fn digest_pending(
    connection: &mut DbConnection,
    user_id: &str,
) -> StoreResult<Vec<AlertRecord>> {
    Ok(alerts::table
        .filter(alerts::user_id.eq(user_id))
        .filter(alerts::delivery.eq(DeliveryMode::Digest.as_str()))
        .filter(alerts::digested_at.is_null())
        .order(alerts::id.asc())
        .select(AlertRecord::as_select())
        .load(connection)?)
}

/// Marks alerts as sent in a digest.
pub fn mark_digested(connection: &mut DbConnection, ids: &[String]) -> StoreResult<()> {
    diesel::update(alerts::table.filter(alerts::id.eq_any(ids)))
        .set(alerts::digested_at.eq(Some(now())))
        .execute(connection)?;
    Ok(())
}

/// A site's name, or `NotFound`.
pub fn site_name(connection: &mut DbConnection, site_id: &str) -> StoreResult<String> {
    use crate::schema::sites;
    Ok(sites::table
        .find(site_id)
        .select(sites::name)
        .first(connection)?)
}

/// An organization's name, or `NotFound`.
pub fn organization_name(
    connection: &mut DbConnection,
    organization_id: &str,
) -> StoreResult<String> {
    use crate::schema::organizations;
    Ok(organizations::table
        .find(organization_id)
        .select(organizations::name)
        .first(connection)?)
}

/// The referral an alert concerns, if any.
pub fn referral_of_alert(
    connection: &mut DbConnection,
    alert_id: &str,
) -> StoreResult<Option<String>> {
    Ok(alerts::table
        .find(alert_id)
        .select(alerts::referral_id)
        .first::<Option<String>>(connection)
        .optional()?
        .flatten())
}

/// The timezone of a person's first organization's first site, if any.
pub fn home_timezone(connection: &mut DbConnection, user_id: &str) -> StoreResult<Option<String>> {
    use crate::schema::sites;
    Ok(memberships::table
        .inner_join(sites::table.on(sites::organization_id.eq(memberships::organization_id)))
        .filter(memberships::user_id.eq(user_id))
        .order((memberships::created_at.asc(), sites::created_at.asc()))
        .select(sites::timezone)
        .first(connection)
        .optional()?)
}

/// An item's home site, if the item exists.
pub fn item_home_site(connection: &mut DbConnection, item_id: &str) -> StoreResult<Option<String>> {
    use crate::schema::items;
    Ok(items::table
        .find(item_id)
        .select(items::home_site_id)
        .first(connection)
        .optional()?)
}

// What the sweeps look for.

/// A site the sweeps alert about: its id, organization and name, and the
/// moment in question (audit due, capacity lapsed).
#[derive(Debug, Clone, PartialEq)]
pub struct SiteDue {
    /// The site.
    pub site_id: String,
    /// Its organization.
    pub organization_id: String,
    /// Its name.
    pub name: String,
    /// When the audit is due, or the capacity lapsed.
    pub at: NaiveDateTime,
}

/// Sites of vetted organizations, assured before, whose next audit falls
/// due between `from` and `to`.
pub fn audits_due(
    connection: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
    limit: i64,
) -> StoreResult<Vec<SiteDue>> {
    use crate::schema::{organizations, sites};
    let rows: Vec<(String, String, String, NaiveDateTime)> = sites::table
        .inner_join(organizations::table)
        .filter(organizations::membership.eq("vetted"))
        // A listing never assured waits for its first audit by the
        // coordinators, not for anything its organization can do.
        .filter(sites::assured_at.is_not_null())
        .filter(sites::next_audit_due.ge(from))
        .filter(sites::next_audit_due.le(to))
        .order(sites::next_audit_due.asc())
        .limit(limit)
        .select((
            sites::id,
            sites::organization_id,
            sites::name,
            sites::next_audit_due,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(site_id, organization_id, name, at)| SiteDue {
            site_id,
            organization_id,
            name,
            at,
        })
        .collect())
}

/// Sites of vetted organizations whose declared capacity lapsed between
/// `from` and `to`.
pub fn capacities_lapsed(
    connection: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
    limit: i64,
) -> StoreResult<Vec<SiteDue>> {
    use crate::schema::{organizations, sites};
    let rows: Vec<(String, String, String, Option<NaiveDateTime>)> = sites::table
        .inner_join(organizations::table)
        .filter(organizations::membership.eq("vetted"))
        .filter(sites::capacity_expires_at.ge(from))
        .filter(sites::capacity_expires_at.le(to))
        .order(sites::capacity_expires_at.asc())
        .limit(limit)
        .select((
            sites::id,
            sites::organization_id,
            sites::name,
            sites::capacity_expires_at,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .filter_map(|(site_id, organization_id, name, at)| {
            Some(SiteDue {
                site_id,
                organization_id,
                name,
                at: at?,
            })
        })
        .collect())
}

/// Active volunteers' skills, as stored (JSON), by person.
pub fn volunteer_skills(connection: &mut DbConnection) -> StoreResult<Vec<(String, String)>> {
    use crate::schema::volunteer_profiles;
    Ok(volunteer_profiles::table
        .filter(volunteer_profiles::active.eq(true))
        .select((volunteer_profiles::user_id, volunteer_profiles::skills))
        .load(connection)?)
}

/// Referrals whose follow-up falls due between `from` and `to` (days).
pub fn follow_ups_due(
    connection: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
) -> StoreResult<Vec<(crate::referrals::ReferralRow, NaiveDate)>> {
    use crate::referrals::ReferralRow;
    use crate::schema::referrals;
    let rows: Vec<(ReferralRow, Option<NaiveDate>)> = referrals::table
        .filter(referrals::follow_up_due.ge(from))
        .filter(referrals::follow_up_due.le(to))
        .order(referrals::follow_up_due.asc())
        .limit(limit)
        .select((ReferralRow::as_select(), referrals::follow_up_due))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .filter_map(|(row, due)| Some((row, due?)))
        .collect())
}

/// Sets the day a referral's follow-up is due (from its outcome).
pub fn set_follow_up_due(
    connection: &mut DbConnection,
    referral_id: &str,
    due: Option<NaiveDate>,
) -> StoreResult<()> {
    use crate::schema::referrals;
    diesel::update(referrals::table.find(referral_id))
        .set(referrals::follow_up_due.eq(due))
        .execute(connection)?;
    Ok(())
}

// Preferences.

/// A person's stored preferences.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = alert_preferences)]
pub struct PreferencesRecord {
    /// The person.
    pub user_id: String,
    /// JSON modes.
    pub modes: String,
    /// Quiet hours.
    pub quiet_hours: Option<String>,
    /// Their timezone.
    pub timezone: String,
    /// Local digest hour.
    pub digest_hour: i32,
    /// The local day of the last digest.
    pub last_digest_on: Option<NaiveDate>,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Also the ETag.
    pub version: i64,
}

impl PreferencesRecord {
    /// The preferences.
    pub fn preferences(&self) -> StoreResult<AlertPreferences> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("alert preferences {what}"));
        Ok(AlertPreferences {
            modes: serde_json::from_str(&self.modes).map_err(|_| corrupt("modes"))?,
            quiet_hours: self
                .quiet_hours
                .as_deref()
                .map(warren_domain::directory::hours::OpeningHoursText::parse)
                .transpose()
                .map_err(|_| corrupt("quiet hours"))?,
            timezone: Timezone::parse(&self.timezone).map_err(|_| corrupt("timezone"))?,
            digest_hour: u8::try_from(self.digest_hour).map_err(|_| corrupt("digest hour"))?,
        })
    }
}

/// A person's preferences, if they ever saved any.
pub fn find_preferences(
    connection: &mut DbConnection,
    user_id: &str,
) -> StoreResult<Option<PreferencesRecord>> {
    Ok(alert_preferences::table
        .find(user_id)
        .select(PreferencesRecord::as_select())
        .first(connection)
        .optional()?)
}

/// The preferences of several people, by id (those who saved any).
pub fn preferences_of(
    connection: &mut DbConnection,
    user_ids: &[String],
) -> StoreResult<HashMap<String, PreferencesRecord>> {
    if user_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(alert_preferences::table
        .filter(alert_preferences::user_id.eq_any(user_ids))
        .select(PreferencesRecord::as_select())
        .load::<PreferencesRecord>(connection)?
        .into_iter()
        .map(|record| (record.user_id.clone(), record))
        .collect())
}

/// Saves a person's preferences if still at `expected_version` (0 when
/// they never saved any); `Stale` otherwise.
pub fn save_preferences(
    connection: &mut DbConnection,
    user_id: &str,
    preferences: &AlertPreferences,
    expected_version: i64,
) -> StoreResult<PreferencesRecord> {
    let at = now();
    let modes = json(&preferences.modes)?;
    let quiet = preferences
        .quiet_hours
        .as_ref()
        .map(|hours| hours.as_str().to_owned());
    if expected_version == 0 {
        let inserted = insert_once(connection, |connection| {
            diesel::insert_into(alert_preferences::table)
                .values((
                    alert_preferences::user_id.eq(user_id),
                    alert_preferences::modes.eq(&modes),
                    alert_preferences::quiet_hours.eq(&quiet),
                    alert_preferences::timezone.eq(preferences.timezone.name()),
                    alert_preferences::digest_hour.eq(i32::from(preferences.digest_hour)),
                    alert_preferences::updated_at.eq(at),
                    alert_preferences::version.eq(1_i64),
                ))
                .execute(connection)?;
            Ok(())
        })?;
        if !inserted {
            return Err(StoreError::Stale);
        }
    } else {
        let updated = diesel::update(
            alert_preferences::table
                .filter(alert_preferences::user_id.eq(user_id))
                .filter(alert_preferences::version.eq(expected_version)),
        )
        .set((
            alert_preferences::modes.eq(&modes),
            alert_preferences::quiet_hours.eq(&quiet),
            alert_preferences::timezone.eq(preferences.timezone.name()),
            alert_preferences::digest_hour.eq(i32::from(preferences.digest_hour)),
            alert_preferences::updated_at.eq(at),
            alert_preferences::version.eq(alert_preferences::version + 1),
        ))
        .execute(connection)?;
        if updated == 0 {
            return Err(StoreError::Stale);
        }
    }
    find_preferences(connection, user_id)?.ok_or(StoreError::NotFound)
}

/// Claims today's digest of a person: `true` for the one caller that moves
/// `last_digest_on` to `today` (a person without saved preferences gets a
/// row of `defaults` first). Run it in the transaction that writes the
/// digest.
pub fn claim_digest(
    connection: &mut DbConnection,
    user_id: &str,
    today: NaiveDate,
    defaults: &AlertPreferences,
) -> StoreResult<bool> {
    if find_preferences(connection, user_id)?.is_none() {
        // Losing this race to another replica is fine: the row exists.
        let _ = save_preferences(connection, user_id, defaults, 0);
    }
    let won = diesel::update(
        alert_preferences::table
            .filter(alert_preferences::user_id.eq(user_id))
            .filter(
                alert_preferences::last_digest_on
                    .is_null()
                    .or(alert_preferences::last_digest_on.lt(today)),
            ),
    )
    .set(alert_preferences::last_digest_on.eq(Some(today)))
    .execute(connection)?;
    Ok(won == 1)
}

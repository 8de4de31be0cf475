//! Patient records, their holders, entries, care stages and rehabilitation
//! plans (see the `patient_records` migration; the rules are
//! `warren_domain::care`'s).

use std::collections::HashMap;

use chrono::Utc;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use warren_domain::care::{CareStage, due_date};
use warren_domain::dashboard::CareHistory;

use crate::schema::{
    care_stages, organizations, patient_entries, patient_holders, patient_records, plan_items,
    referrals, rehab_plans,
};
use crate::{DbConnection, StoreError, StoreResult, new_id, now};

/// A patient record as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = patient_records)]
pub struct RecordRow {
    /// Stable identifier.
    pub id: String,
    /// Species or group code.
    pub species: String,
    /// What the animal is called.
    pub name: String,
    /// Sex's stable name.
    pub sex: String,
    /// Age class's stable name.
    pub age_class: String,
    /// The identifiers, as JSON.
    pub identifiers: String,
    /// The stage now.
    pub stage: String,
    /// Since when.
    pub stage_at: NaiveDateTime,
    /// The next post-release follow-up.
    pub follow_up_due: Option<NaiveDate>,
    /// Started.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
    /// Version for `If-Match`.
    pub version: i64,
}

/// What a new record holds.
#[derive(Debug, Clone)]
pub struct NewRecord<'a> {
    /// Species or group code.
    pub species: &'a str,
    /// What the animal is called.
    pub name: &'a str,
    /// Sex's stable name.
    pub sex: &'a str,
    /// Age class's stable name.
    pub age_class: &'a str,
    /// Identifiers as JSON.
    pub identifiers: &'a str,
    /// When care started (the intake stage's time).
    pub at: NaiveDateTime,
    /// Who held the animal, oldest first: organization, since, until (the
    /// last one, with no end, holds it now).
    pub holders: &'a [(&'a str, NaiveDateTime, Option<NaiveDateTime>)],
    /// The intake stage's author.
    pub author: &'a str,
}

/// Starts a record at the intake stage with its holders.
pub fn insert(connection: &mut DbConnection, new: &NewRecord) -> StoreResult<RecordRow> {
    let id = new_id();
    let at = now();
    diesel::insert_into(patient_records::table)
        .values((
            patient_records::id.eq(&id),
            patient_records::species.eq(new.species),
            patient_records::name.eq(new.name),
            patient_records::sex.eq(new.sex),
            patient_records::age_class.eq(new.age_class),
            patient_records::identifiers.eq(new.identifiers),
            patient_records::stage.eq("intake"),
            patient_records::stage_at.eq(new.at),
            patient_records::created_at.eq(new.at),
            patient_records::updated_at.eq(at),
            patient_records::version.eq(1_i64),
        ))
        .execute(connection)?;
    for (organization, since, until) in new.holders {
        diesel::insert_into(patient_holders::table)
            .values((
                patient_holders::record_id.eq(&id),
                patient_holders::organization_id.eq(*organization),
                patient_holders::since.eq(since),
                patient_holders::until.eq(until),
            ))
            .execute(connection)?;
    }
    let holder = new
        .holders
        .last()
        .map(|(organization, _, _)| *organization)
        .ok_or_else(|| StoreError::Corrupt("a record without a holder".into()))?;
    diesel::insert_into(care_stages::table)
        .values((
            care_stages::id.eq(new_id()),
            care_stages::record_id.eq(&id),
            care_stages::stage.eq("intake"),
            care_stages::at.eq(new.at),
            care_stages::organization_id.eq(holder),
            care_stages::author.eq(new.author),
        ))
        .execute(connection)?;
    one(connection, &id)
}

/// One record (`NotFound` when there is none).
pub fn one(connection: &mut DbConnection, id: &str) -> StoreResult<RecordRow> {
    patient_records::table
        .find(id)
        .select(RecordRow::as_select())
        .first(connection)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// Marks a change: a new version and update time. `expected` makes it
/// conditional on the version the change was based on; `false` when another
/// change came first.
pub fn bump(connection: &mut DbConnection, id: &str, expected: Option<i64>) -> StoreResult<bool> {
    let target = patient_records::table.filter(patient_records::id.eq(id));
    let changed = match expected {
        Some(version) => diesel::update(target.filter(patient_records::version.eq(version)))
            .set((
                patient_records::version.eq(patient_records::version + 1),
                patient_records::updated_at.eq(now()),
            ))
            .execute(connection)?,
        None => diesel::update(target)
            .set((
                patient_records::version.eq(patient_records::version + 1),
                patient_records::updated_at.eq(now()),
            ))
            .execute(connection)?,
    };
    Ok(changed == 1)
}

/// Changes the animal's details.
pub fn update_details(
    connection: &mut DbConnection,
    id: &str,
    name: &str,
    sex: &str,
    age_class: &str,
    identifiers: &str,
) -> StoreResult<()> {
    diesel::update(patient_records::table.filter(patient_records::id.eq(id)))
        .set((
            patient_records::name.eq(name),
            patient_records::sex.eq(sex),
            patient_records::age_class.eq(age_class),
            patient_records::identifiers.eq(identifiers),
        ))
        .execute(connection)?;
    Ok(())
}

/// Sets when the next post-release follow-up is due.
pub fn set_follow_up(
    connection: &mut DbConnection,
    id: &str,
    due: Option<NaiveDate>,
) -> StoreResult<()> {
    diesel::update(patient_records::table.filter(patient_records::id.eq(id)))
        .set(patient_records::follow_up_due.eq(due))
        .execute(connection)?;
    Ok(())
}

/// One period an organization held the animal, with its name.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct HolderRow {
    /// The organization.
    pub organization_id: String,
    /// Its name.
    pub organization_name: String,
    /// From.
    pub since: NaiveDateTime,
    /// Until; none for the holder now.
    pub until: Option<NaiveDateTime>,
}

/// Who held the animal, oldest first.
pub fn holders(connection: &mut DbConnection, record_id: &str) -> StoreResult<Vec<HolderRow>> {
    Ok(patient_holders::table
        .inner_join(organizations::table)
        .filter(patient_holders::record_id.eq(record_id))
        .order((
            patient_holders::since.asc(),
            patient_holders::organization_id.asc(),
        ))
        .select((
            patient_holders::organization_id,
            organizations::name,
            patient_holders::since,
            patient_holders::until,
        ))
        .load(connection)?)
}

/// Hands the animal to `organization` at `at`: the holder now stops holding
/// it. Nothing changes when `organization` holds it already.
pub fn hand_over(
    connection: &mut DbConnection,
    record_id: &str,
    organization: &str,
    at: NaiveDateTime,
) -> StoreResult<()> {
    let current: Option<String> = patient_holders::table
        .filter(patient_holders::record_id.eq(record_id))
        .filter(patient_holders::until.is_null())
        .select(patient_holders::organization_id)
        .first(connection)
        .optional()?;
    if current.as_deref() == Some(organization) {
        return Ok(());
    }
    diesel::update(
        patient_holders::table
            .filter(patient_holders::record_id.eq(record_id))
            .filter(patient_holders::until.is_null()),
    )
    .set(patient_holders::until.eq(at))
    .execute(connection)?;
    diesel::insert_into(patient_holders::table)
        .values((
            patient_holders::record_id.eq(record_id),
            patient_holders::organization_id.eq(organization),
            patient_holders::since.eq(at),
        ))
        .execute(connection)?;
    Ok(())
}

/// Names the record on every referral of a case.
pub fn attach_to_case(
    connection: &mut DbConnection,
    case_id: &str,
    record_id: &str,
) -> StoreResult<()> {
    diesel::update(referrals::table.filter(referrals::case_id.eq(case_id)))
        .set(referrals::record_id.eq(record_id))
        .execute(connection)?;
    Ok(())
}

/// The referrals that carried the animal, oldest first.
pub fn referral_ids(connection: &mut DbConnection, record_id: &str) -> StoreResult<Vec<String>> {
    Ok(referrals::table
        .filter(referrals::record_id.eq(record_id))
        .order((referrals::created_at.asc(), referrals::id.asc()))
        .select(referrals::id)
        .load(connection)?)
}

/// The cases that carried the animal, in the order they began.
pub fn cases(connection: &mut DbConnection, record_id: &str) -> StoreResult<Vec<String>> {
    let rows: Vec<String> = referrals::table
        .filter(referrals::record_id.eq(record_id))
        .order((referrals::created_at.asc(), referrals::id.asc()))
        .select(referrals::case_id)
        .load(connection)?;
    let mut cases: Vec<String> = Vec::new();
    for case in rows {
        if !cases.contains(&case) {
            cases.push(case);
        }
    }
    Ok(cases)
}

/// An entry as stored, with its organization's name.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct EntryRow {
    /// Stable identifier.
    pub id: String,
    /// Its organization's name.
    pub organization_name: String,
    /// Its author.
    pub author: String,
    /// When.
    pub at: NaiveDateTime,
    /// Its kind.
    pub kind: String,
    /// Its details, as JSON.
    pub details: String,
    /// When a problem was resolved.
    pub resolved_at: Option<NaiveDateTime>,
}

/// A new entry.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    /// The record.
    pub record_id: &'a str,
    /// The organization writing it.
    pub organization_id: &'a str,
    /// Who.
    pub author: &'a str,
    /// When it happened.
    pub at: NaiveDateTime,
    /// Its kind.
    pub kind: &'a str,
    /// Its details, as JSON.
    pub details: &'a str,
}

/// Adds an entry.
pub fn add_entry(connection: &mut DbConnection, new: &NewEntry) -> StoreResult<String> {
    let id = new_id();
    diesel::insert_into(patient_entries::table)
        .values((
            patient_entries::id.eq(&id),
            patient_entries::record_id.eq(new.record_id),
            patient_entries::organization_id.eq(new.organization_id),
            patient_entries::author.eq(new.author),
            patient_entries::at.eq(new.at),
            patient_entries::kind.eq(new.kind),
            patient_entries::details.eq(new.details),
            patient_entries::created_at.eq(now()),
        ))
        .execute(connection)?;
    Ok(id)
}

/// A record's entries, oldest first.
pub fn entries(connection: &mut DbConnection, record_id: &str) -> StoreResult<Vec<EntryRow>> {
    Ok(patient_entries::table
        .inner_join(organizations::table)
        .filter(patient_entries::record_id.eq(record_id))
        .order((patient_entries::at.asc(), patient_entries::id.asc()))
        .select((
            patient_entries::id,
            organizations::name,
            patient_entries::author,
            patient_entries::at,
            patient_entries::kind,
            patient_entries::details,
            patient_entries::resolved_at,
        ))
        .load(connection)?)
}

/// Marks a problem entry of the record resolved; `NotFound` when the record
/// has no such problem, `Ok(false)` when it was resolved already.
pub fn resolve_problem(
    connection: &mut DbConnection,
    record_id: &str,
    entry_id: &str,
) -> StoreResult<bool> {
    let entry = patient_entries::table
        .filter(patient_entries::id.eq(entry_id))
        .filter(patient_entries::record_id.eq(record_id))
        .filter(patient_entries::kind.eq("problem"));
    let found: Option<Option<NaiveDateTime>> = entry
        .select(patient_entries::resolved_at)
        .first(connection)
        .optional()?;
    match found {
        None => Err(StoreError::NotFound),
        Some(Some(_)) => Ok(false),
        Some(None) => {
            diesel::update(entry)
                .set(patient_entries::resolved_at.eq(now()))
                .execute(connection)?;
            Ok(true)
        }
    }
}

/// A stage change as stored, with its organization's name.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct StageRow {
    /// The stage's stable name.
    pub stage: String,
    /// When.
    pub at: NaiveDateTime,
    /// The organization's name.
    pub organization_name: String,
    /// Who.
    pub author: String,
    /// A note.
    pub note: Option<String>,
    /// The override reason of a release with criteria unmet.
    pub override_reason: Option<String>,
}

/// A new stage.
#[derive(Debug, Clone)]
pub struct NewStage<'a> {
    /// The record.
    pub record_id: &'a str,
    /// The stage's stable name.
    pub stage: &'a str,
    /// When.
    pub at: NaiveDateTime,
    /// The organization.
    pub organization_id: &'a str,
    /// Who.
    pub author: &'a str,
    /// A note.
    pub note: Option<&'a str>,
    /// The override reason.
    pub override_reason: Option<&'a str>,
}

/// Records a stage change and makes it the record's stage now.
pub fn add_stage(connection: &mut DbConnection, new: &NewStage) -> StoreResult<()> {
    diesel::insert_into(care_stages::table)
        .values((
            care_stages::id.eq(new_id()),
            care_stages::record_id.eq(new.record_id),
            care_stages::stage.eq(new.stage),
            care_stages::at.eq(new.at),
            care_stages::organization_id.eq(new.organization_id),
            care_stages::author.eq(new.author),
            care_stages::note.eq(new.note),
            care_stages::override_reason.eq(new.override_reason),
        ))
        .execute(connection)?;
    diesel::update(patient_records::table.filter(patient_records::id.eq(new.record_id)))
        .set((
            patient_records::stage.eq(new.stage),
            patient_records::stage_at.eq(new.at),
        ))
        .execute(connection)?;
    Ok(())
}

/// A record's stage changes, oldest first.
pub fn stages(connection: &mut DbConnection, record_id: &str) -> StoreResult<Vec<StageRow>> {
    Ok(care_stages::table
        .inner_join(organizations::table)
        .filter(care_stages::record_id.eq(record_id))
        .order((care_stages::at.asc(), care_stages::id.asc()))
        .select((
            care_stages::stage,
            care_stages::at,
            organizations::name,
            care_stages::author,
            care_stages::note,
            care_stages::override_reason,
        ))
        .load(connection)?)
}

/// A rehabilitation plan as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = rehab_plans)]
pub struct PlanRow {
    /// The record.
    pub record_id: String,
    /// Its title.
    pub title: String,
    /// Day 1.
    pub started_on: NaiveDate,
    /// The milestone article.
    pub milestone_article_id: Option<String>,
    /// The criteria article.
    pub criteria_article_id: Option<String>,
    /// Who made it.
    pub created_by: String,
    /// When.
    pub created_at: NaiveDateTime,
}

/// A plan item as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = plan_items)]
pub struct ItemRow {
    /// Stable identifier.
    pub id: String,
    /// The record.
    pub record_id: String,
    /// `milestone` or `criterion`.
    pub kind: String,
    /// Its place in the list.
    pub position: i32,
    /// What it says.
    pub text: String,
    /// A milestone's target day.
    pub target_day: Option<i32>,
    /// When it was met.
    pub met_on: Option<NaiveDate>,
    /// The note given when ticked.
    pub note: Option<String>,
    /// Who ticked it.
    pub met_by: Option<String>,
}

/// Makes a record's plan with its items: `(kind, text, target_day)` in
/// order. `Conflict` when the record has a plan.
pub fn create_plan(
    connection: &mut DbConnection,
    plan: &PlanRow,
    items: &[(&str, &str, Option<i32>)],
) -> StoreResult<()> {
    if find_plan(connection, &plan.record_id)?.is_some() {
        return Err(StoreError::Conflict("rehabilitation plan".into()));
    }
    diesel::insert_into(rehab_plans::table)
        .values((
            rehab_plans::record_id.eq(&plan.record_id),
            rehab_plans::title.eq(&plan.title),
            rehab_plans::started_on.eq(plan.started_on),
            rehab_plans::milestone_article_id.eq(&plan.milestone_article_id),
            rehab_plans::criteria_article_id.eq(&plan.criteria_article_id),
            rehab_plans::created_by.eq(&plan.created_by),
            rehab_plans::created_at.eq(plan.created_at),
        ))
        .execute(connection)?;
    for (position, (kind, text, target_day)) in items.iter().enumerate() {
        diesel::insert_into(plan_items::table)
            .values((
                plan_items::id.eq(new_id()),
                plan_items::record_id.eq(&plan.record_id),
                plan_items::kind.eq(*kind),
                plan_items::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
                plan_items::text.eq(*text),
                plan_items::target_day.eq(target_day),
            ))
            .execute(connection)?;
    }
    Ok(())
}

/// A record's plan, if it has one.
pub fn find_plan(connection: &mut DbConnection, record_id: &str) -> StoreResult<Option<PlanRow>> {
    Ok(rehab_plans::table
        .find(record_id)
        .select(PlanRow::as_select())
        .first(connection)
        .optional()?)
}

/// The plan items of `record_ids`, in order.
pub fn items(connection: &mut DbConnection, record_ids: &[String]) -> StoreResult<Vec<ItemRow>> {
    Ok(plan_items::table
        .filter(plan_items::record_id.eq_any(record_ids))
        .order((
            plan_items::record_id.asc(),
            plan_items::kind.asc(),
            plan_items::position.asc(),
        ))
        .select(ItemRow::as_select())
        .load(connection)?)
}

/// Ticks an item of the record's plan as met; `NotFound` when the plan has
/// no such item, `Ok(false)` when it was met already.
pub fn meet_item(
    connection: &mut DbConnection,
    record_id: &str,
    item_id: &str,
    on: NaiveDate,
    note: Option<&str>,
    by: &str,
) -> StoreResult<bool> {
    let item = plan_items::table
        .filter(plan_items::id.eq(item_id))
        .filter(plan_items::record_id.eq(record_id));
    let found: Option<Option<NaiveDate>> = item
        .select(plan_items::met_on)
        .first(connection)
        .optional()?;
    match found {
        None => Err(StoreError::NotFound),
        Some(Some(_)) => Ok(false),
        Some(None) => Ok(diesel::update(item.filter(plan_items::met_on.is_null()))
            .set((
                plan_items::met_on.eq(on),
                plan_items::note.eq(note),
                plan_items::met_by.eq(by),
            ))
            .execute(connection)?
            == 1),
    }
}

/// The records `organization` holds now, and those it released with a
/// follow-up due, the longest in care first.
pub fn held_by(connection: &mut DbConnection, organization: &str) -> StoreResult<Vec<RecordRow>> {
    let holding = patient_holders::table
        .filter(patient_holders::organization_id.eq(organization))
        .filter(patient_holders::until.is_null())
        .select(patient_holders::record_id);
    Ok(patient_records::table
        .filter(patient_records::id.eq_any(holding))
        .filter(
            patient_records::stage
                .ne_all(ends())
                .or(patient_records::follow_up_due.is_not_null()),
        )
        .order((patient_records::created_at.asc(), patient_records::id.asc()))
        .select(RecordRow::as_select())
        .load(connection)?)
}

/// The latest referral that carried each of `record_ids`.
pub fn latest_referrals(
    connection: &mut DbConnection,
    record_ids: &[String],
) -> StoreResult<Vec<(String, String)>> {
    let rows: Vec<(Option<String>, String)> = referrals::table
        .filter(referrals::record_id.eq_any(record_ids))
        .order((referrals::created_at.asc(), referrals::id.asc()))
        .select((referrals::record_id, referrals::id))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .filter_map(|(record, referral)| record.map(|record| (record, referral)))
        .collect())
}

/// A milestone's target day and the date it was met.
type Milestone = (Option<i32>, Option<NaiveDate>);

/// The care of every animal `organization` held (or every animal, for the
/// whole network) whose care started before `to` and had not ended before
/// `from`.
pub fn histories(
    connection: &mut DbConnection,
    organization: Option<&str>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> StoreResult<Vec<CareHistory>> {
    let mut query = patient_records::table
        .filter(patient_records::created_at.lt(to))
        .select(RecordRow::as_select())
        .into_boxed();
    if let Some(organization) = organization {
        let held = patient_holders::table
            .filter(patient_holders::organization_id.eq(organization.to_owned()))
            .select(patient_holders::record_id);
        query = query.filter(patient_records::id.eq_any(held));
    }
    let records: Vec<RecordRow> = query.load(connection)?;
    let ids: Vec<String> = records.iter().map(|record| record.id.clone()).collect();
    let mut stages: HashMap<String, Vec<(CareStage, chrono::DateTime<Utc>)>> = HashMap::new();
    let mut plans: HashMap<String, NaiveDate> = HashMap::new();
    let mut milestones: HashMap<String, Vec<Milestone>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(String, String, NaiveDateTime)> = care_stages::table
            .filter(care_stages::record_id.eq_any(chunk))
            .order((care_stages::at.asc(), care_stages::id.asc()))
            .select((care_stages::record_id, care_stages::stage, care_stages::at))
            .load(connection)?;
        for (record, stage, at) in rows {
            let stage = CareStage::parse(&stage)
                .ok_or_else(|| StoreError::Corrupt(format!("care stage {stage}")))?;
            stages
                .entry(record)
                .or_default()
                .push((stage, at.and_utc()));
        }
        plans.extend(
            rehab_plans::table
                .filter(rehab_plans::record_id.eq_any(chunk))
                .select((rehab_plans::record_id, rehab_plans::started_on))
                .load::<(String, NaiveDate)>(connection)?,
        );
        for item in items(connection, chunk)? {
            if item.kind == "milestone" {
                milestones
                    .entry(item.record_id)
                    .or_default()
                    .push((item.target_day, item.met_on));
            }
        }
    }
    let from = from.and_utc();
    Ok(records
        .into_iter()
        .map(|record| {
            let started_on = plans.get(&record.id).copied();
            CareHistory {
                stages: stages.remove(&record.id).unwrap_or_default(),
                milestones: milestones
                    .remove(&record.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(day, met)| {
                        let due = started_on.zip(day.and_then(|day| u16::try_from(day).ok()));
                        (due.map(|(start, day)| due_date(start, day)), met)
                    })
                    .collect(),
                species: record.species,
                follow_up_due: record.follow_up_due,
            }
        })
        .filter(|history| {
            history
                .stages
                .last()
                .filter(|(stage, _)| stage.is_end())
                .is_none_or(|(_, at)| *at >= from)
        })
        .collect())
}
/// The stable names of the stages that end care.
fn ends() -> Vec<&'static str> {
    CareStage::ALL
        .iter()
        .filter(|stage| stage.is_end())
        .map(|stage| stage.as_str())
        .collect()
}

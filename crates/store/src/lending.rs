//! The kit library and its loans, as stored: items, maintenance plans and
//! records, reservations and their timelines.
//!
//! The rules are the domain's ([`warren_domain::lending`]); this module reads
//! rows into the domain's types and writes what the rules decided.
//!
//! **No double-booking.** Two reservations of one item whose statuses block
//! (`reserved`, `active`, `overdue`) never overlap. On PostgreSQL an
//! exclusion constraint (`reservations_no_overlap`) refuses the second one
//! even when two transactions decide at the same moment: the write fails
//! with [`StoreError::Overlap`]. SQLite has no such constraint, but
//! [`crate::Store::write`] serializes its writers, so [`check_free`] —
//! called in the same transaction right before every write of a blocking
//! status — sees every committed reservation and cannot race.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;
use warren_domain::lending::{
    CancelReason, ConditionReport, DeclineReason, Item, ItemCategory, ItemStatus, LoanEvent,
    LoanWindow, MaintenanceInterval, MaintenanceKind, MaintenancePlan, MaxLoanDays, Reservation,
    ReservationStatus, Suitability, TermsAcceptance, Urgency, UsageTerms,
};
use warren_domain::triage::Tier;
use warren_domain::{ClinicalNote, ShortText};

use crate::schema::{
    items, maintenance_plans, maintenance_records, organizations, reservation_events, reservations,
    sites,
};
use crate::{DbConnection, StoreError, StoreResult, TimelineRow, json, now, parse_id, utc};

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

fn parse_json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|error| corrupt(format!("{what}: {error}")))
}

fn code<T>(what: &str, text: &str, parse: impl Fn(&str) -> Option<T>) -> StoreResult<T> {
    parse(text).ok_or_else(|| corrupt(format!("{what} {text:?}")))
}

/// The statuses that hold an item's time (the exclusion constraint lists
/// the same ones).
pub fn blocking_statuses() -> Vec<&'static str> {
    ReservationStatus::ALL
        .iter()
        .filter(|status| status.is_blocking())
        .map(|status| status.as_str())
        .collect()
}

fn open_statuses() -> Vec<&'static str> {
    ReservationStatus::ALL
        .iter()
        .filter(|status| !status.is_final())
        .map(|status| status.as_str())
        .collect()
}

// Items.

/// An item row as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = items, treat_none_as_default_value = false)]
pub struct ItemRow {
    /// Stable identifier.
    pub id: String,
    /// The owning organization.
    pub owner_org_id: String,
    /// The home site.
    pub home_site_id: String,
    /// The category code.
    pub category: String,
    /// The name.
    pub name: String,
    /// The description.
    pub description: Option<String>,
    /// The suitability, as JSON.
    pub suitability: String,
    /// The condition code.
    pub condition: String,
    /// The status code.
    pub status: String,
    /// The usage terms' text.
    pub terms_text: String,
    /// The usage terms' version.
    pub terms_version: i32,
    /// The longest loan, in days.
    pub max_loan_days: i32,
    /// Whether conflict-free requests are approved at once.
    pub auto_approve: bool,
    /// When it last came back.
    pub last_returned_at: Option<NaiveDateTime>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// The version for `If-Match`.
    pub version: i64,
}

impl ItemRow {
    /// The item as the rules see it.
    pub fn item(&self) -> StoreResult<Item> {
        let max_loan_days = u16::try_from(self.max_loan_days)
            .ok()
            .and_then(|days| MaxLoanDays::new(days).ok())
            .ok_or_else(|| corrupt(format!("max_loan_days {}", self.max_loan_days)))?;
        Ok(Item {
            id: parse_id(&self.id)?,
            owner_id: parse_id(&self.owner_org_id)?,
            home_site_id: parse_id(&self.home_site_id)?,
            name: ShortText::parse(&self.name).map_err(|_| corrupt("item name"))?,
            category: code("category", &self.category, ItemCategory::parse)?,
            suitability: parse_json::<Suitability>("suitability", &self.suitability)?,
            condition: code(
                "condition",
                &self.condition,
                warren_domain::lending::Condition::parse,
            )?,
            status: self.status()?,
            terms: UsageTerms {
                version: u32::try_from(self.terms_version).map_err(|_| corrupt("terms version"))?,
                text: ClinicalNote::parse(&self.terms_text).map_err(|_| corrupt("terms"))?,
            },
            max_loan_days,
            auto_approve: self.auto_approve,
            last_returned_at: self.last_returned_at.map(utc),
        })
    }

    /// The status.
    pub fn status(&self) -> StoreResult<ItemStatus> {
        code("item status", &self.status, ItemStatus::parse)
    }
}

/// Inserts an item.
pub fn insert_item(connection: &mut DbConnection, row: &ItemRow) -> StoreResult<()> {
    diesel::insert_into(items::table)
        .values(row)
        .execute(connection)?;
    Ok(())
}

/// One item.
pub fn item_row(connection: &mut DbConnection, id: &str) -> StoreResult<ItemRow> {
    Ok(items::table
        .find(id)
        .select(ItemRow::as_select())
        .first(connection)?)
}

/// Takes the item's lock for the rest of the transaction (PostgreSQL), so
/// that requests for one item are decided one after another, each seeing the
/// ones before: the second of two overlapping requests is refused by
/// [`check_free`] at once instead of both racing to the exclusion
/// constraint. SQLite serializes every write already.
pub fn lock_item(connection: &mut DbConnection, id: &str) -> StoreResult<()> {
    if let DbConnection::Pg(pg) = connection {
        diesel::sql_query("SELECT id FROM items WHERE id = $1 FOR NO KEY UPDATE")
            .bind::<diesel::sql_types::Text, _>(id)
            .execute(pg)?;
    }
    Ok(())
}

/// An organization's items, by name.
pub fn items_of(connection: &mut DbConnection, owner: &str) -> StoreResult<Vec<ItemRow>> {
    Ok(items::table
        .filter(items::owner_org_id.eq(owner))
        .order((items::name.asc(), items::id.asc()))
        .select(ItemRow::as_select())
        .load(connection)?)
}

/// Every item that is not retired (the catalog filters further).
pub fn catalog_rows(connection: &mut DbConnection) -> StoreResult<Vec<ItemRow>> {
    Ok(items::table
        .filter(items::status.ne(ItemStatus::Retired.as_str()))
        .order((items::name.asc(), items::id.asc()))
        .select(ItemRow::as_select())
        .load(connection)?)
}

/// Replaces an item's editable fields, conditional on `expected_version`.
pub fn update_item(
    connection: &mut DbConnection,
    current: &ItemRow,
    expected_version: i64,
    changed: &ItemRow,
) -> StoreResult<()> {
    if expected_version != current.version {
        return Err(StoreError::Stale);
    }
    let updated = diesel::update(
        items::table
            .filter(items::id.eq(&current.id))
            .filter(items::version.eq(expected_version)),
    )
    .set((
        items::home_site_id.eq(&changed.home_site_id),
        items::category.eq(&changed.category),
        items::name.eq(&changed.name),
        items::description.eq(&changed.description),
        items::suitability.eq(&changed.suitability),
        items::condition.eq(&changed.condition),
        items::status.eq(&changed.status),
        items::terms_text.eq(&changed.terms_text),
        items::terms_version.eq(changed.terms_version),
        items::max_loan_days.eq(changed.max_loan_days),
        items::auto_approve.eq(changed.auto_approve),
        items::updated_at.eq(now()),
        items::version.eq(items::version + 1),
    ))
    .execute(connection)?;
    if updated == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// Moves an item's status (checkout, return), optionally recording its
/// condition and when it came back.
pub fn set_item_state(
    connection: &mut DbConnection,
    id: &str,
    status: ItemStatus,
    condition: Option<warren_domain::lending::Condition>,
    returned_at: Option<NaiveDateTime>,
) -> StoreResult<()> {
    let this = items::table.filter(items::id.eq(id));
    diesel::update(this)
        .set((
            items::status.eq(status.as_str()),
            items::updated_at.eq(now()),
            items::version.eq(items::version + 1),
        ))
        .execute(connection)?;
    if let Some(condition) = condition {
        diesel::update(this)
            .set(items::condition.eq(condition.as_str()))
            .execute(connection)?;
    }
    if let Some(at) = returned_at {
        diesel::update(this)
            .set(items::last_returned_at.eq(Some(at)))
            .execute(connection)?;
    }
    Ok(())
}

/// Organization and site names for items and loans.
#[derive(Debug, Default)]
pub struct Names {
    organizations: HashMap<String, String>,
    sites: HashMap<String, String>,
}

impl Names {
    /// Loads the names the rows refer to.
    pub fn for_items(connection: &mut DbConnection, rows: &[ItemRow]) -> StoreResult<Self> {
        let mut organization_ids: Vec<&str> =
            rows.iter().map(|row| row.owner_org_id.as_str()).collect();
        organization_ids.sort_unstable();
        organization_ids.dedup();
        let mut site_ids: Vec<&str> = rows.iter().map(|row| row.home_site_id.as_str()).collect();
        site_ids.sort_unstable();
        site_ids.dedup();
        let organizations: Vec<(String, String)> = organizations::table
            .filter(organizations::id.eq_any(&organization_ids))
            .select((organizations::id, organizations::name))
            .load(connection)?;
        let sites: Vec<(String, String)> = sites::table
            .filter(sites::id.eq_any(&site_ids))
            .select((sites::id, sites::name))
            .load(connection)?;
        Ok(Self {
            organizations: organizations.into_iter().collect(),
            sites: sites.into_iter().collect(),
        })
    }

    /// The name of organization `id` (empty when it was not looked up).
    pub fn organization(&self, id: &str) -> String {
        self.organizations.get(id).cloned().unwrap_or_default()
    }

    /// The name of site `id` (empty when it was not looked up).
    pub fn site(&self, id: &str) -> String {
        self.sites.get(id).cloned().unwrap_or_default()
    }
}

// Maintenance.

/// A maintenance plan row as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = maintenance_plans)]
pub struct PlanRow {
    /// Stable identifier.
    pub id: String,
    /// The item.
    pub item_id: String,
    /// The kind code.
    pub kind: String,
    /// Every N days; `None`: after each loan.
    pub interval_days: Option<i32>,
    /// Whether being overdue stops lending.
    pub blocking: bool,
    /// When last done.
    pub last_done_at: Option<NaiveDateTime>,
    /// A note.
    pub note: Option<String>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Version.
    pub version: i64,
}

impl PlanRow {
    /// The plan as the rules see it.
    pub fn plan(&self) -> StoreResult<MaintenancePlan> {
        let interval = match self.interval_days {
            None => MaintenanceInterval::AfterEachLoan,
            Some(days) => MaintenanceInterval::Days {
                days: u16::try_from(days).map_err(|_| corrupt("interval"))?,
            },
        };
        Ok(MaintenancePlan {
            id: parse_id(&self.id)?,
            item_id: parse_id(&self.item_id)?,
            kind: code("maintenance kind", &self.kind, MaintenanceKind::parse)?,
            interval,
            blocking: self.blocking,
            last_done_at: self.last_done_at.map(utc),
            note: self
                .note
                .as_deref()
                .map(ShortText::parse)
                .transpose()
                .map_err(|_| corrupt("plan note"))?,
        })
    }
}

/// The stored interval: days, or `None` for after each loan.
pub fn interval_days(interval: MaintenanceInterval) -> Option<i32> {
    match interval {
        MaintenanceInterval::Days { days } => Some(i32::from(days)),
        MaintenanceInterval::AfterEachLoan => None,
    }
}

/// Inserts a plan.
pub fn insert_plan(connection: &mut DbConnection, row: &PlanRow) -> StoreResult<()> {
    diesel::insert_into(maintenance_plans::table)
        .values(row)
        .execute(connection)?;
    Ok(())
}

/// One plan.
pub fn plan_row(connection: &mut DbConnection, id: &str) -> StoreResult<PlanRow> {
    Ok(maintenance_plans::table
        .find(id)
        .select(PlanRow::as_select())
        .first(connection)?)
}

/// The plans of some items, oldest first.
pub fn plans_of(connection: &mut DbConnection, item_ids: &[&str]) -> StoreResult<Vec<PlanRow>> {
    Ok(maintenance_plans::table
        .filter(maintenance_plans::item_id.eq_any(item_ids))
        .order((
            maintenance_plans::created_at.asc(),
            maintenance_plans::id.asc(),
        ))
        .select(PlanRow::as_select())
        .load(connection)?)
}

/// The plans of some items, as the rules see them.
pub fn plans(
    connection: &mut DbConnection,
    item_ids: &[&str],
) -> StoreResult<Vec<MaintenancePlan>> {
    plans_of(connection, item_ids)?
        .iter()
        .map(PlanRow::plan)
        .collect()
}

/// Records maintenance done and moves the plan's `last_done_at` on.
pub fn record_maintenance(
    connection: &mut DbConnection,
    plan: &PlanRow,
    done: &MaintenancePlan,
    recorded_by: &str,
    done_at: NaiveDateTime,
    note: Option<&str>,
) -> StoreResult<()> {
    diesel::insert_into(maintenance_records::table)
        .values((
            maintenance_records::id.eq(crate::new_id()),
            maintenance_records::plan_id.eq(&plan.id),
            maintenance_records::item_id.eq(&plan.item_id),
            maintenance_records::done_at.eq(done_at),
            maintenance_records::recorded_by.eq(recorded_by),
            maintenance_records::note.eq(note),
            maintenance_records::created_at.eq(now()),
        ))
        .execute(connection)?;
    diesel::update(maintenance_plans::table.find(&plan.id))
        .set((
            maintenance_plans::last_done_at.eq(done.last_done_at.map(|at| at.naive_utc())),
            maintenance_plans::version.eq(maintenance_plans::version + 1),
        ))
        .execute(connection)?;
    Ok(())
}

// Reservations.

/// A reservation row as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = reservations, treat_none_as_default_value = false)]
pub struct ReservationRow {
    /// Stable identifier.
    pub id: String,
    /// The item.
    pub item_id: String,
    /// The item's owner.
    pub owner_org_id: String,
    /// The borrower.
    pub borrower_org_id: String,
    /// The borrower's site.
    pub borrower_site_id: Option<String>,
    /// Who asked.
    pub requested_by: String,
    /// The account that asked.
    pub requested_by_user_id: Option<String>,
    /// Window start.
    pub starts_at: NaiveDateTime,
    /// Window end (exclusive).
    pub ends_at: NaiveDateTime,
    /// Status code.
    pub status: String,
    /// Triage tier, 1–5.
    pub tier: i32,
    /// Linked assessment.
    pub assessment_id: Option<String>,
    /// Linked referral.
    pub referral_id: Option<String>,
    /// Written justification.
    pub justification: Option<String>,
    /// The last allocation decision's code.
    pub decision: String,
    /// Its reason, shown to both sides.
    pub decision_reason: String,
    /// The reservation that displaced this one.
    pub displaced_by: Option<String>,
    /// Offered slot start (after pre-emption).
    pub offered_starts_at: Option<NaiveDateTime>,
    /// Offered slot end.
    pub offered_ends_at: Option<NaiveDateTime>,
    /// Cancellation reason code.
    pub cancel_reason: Option<String>,
    /// Decline reason code.
    pub decline_reason: Option<String>,
    /// A note with the last decision.
    pub note: Option<String>,
    /// Accepted terms version.
    pub terms_version: Option<i32>,
    /// Who accepted the terms.
    pub terms_accepted_by: Option<String>,
    /// When.
    pub terms_accepted_at: Option<NaiveDateTime>,
    /// The checkout condition report, JSON.
    pub checkout_report: Option<String>,
    /// Checked out.
    pub checked_out_at: Option<NaiveDateTime>,
    /// The return condition report, JSON.
    pub return_report: Option<String>,
    /// Returned.
    pub returned_at: Option<NaiveDateTime>,
    /// Asked at.
    pub requested_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Version.
    pub version: i64,
}

impl ReservationRow {
    /// The status.
    pub fn status(&self) -> StoreResult<ReservationStatus> {
        code("reservation status", &self.status, ReservationStatus::parse)
    }

    /// The window.
    pub fn window(&self) -> StoreResult<LoanWindow> {
        LoanWindow::new(utc(self.starts_at), utc(self.ends_at)).map_err(corrupt)
    }

    /// The stated urgency.
    pub fn urgency(&self) -> StoreResult<Urgency> {
        let tier = u8::try_from(self.tier)
            .ok()
            .and_then(Tier::from_number)
            .ok_or_else(|| corrupt(format!("tier {}", self.tier)))?;
        Urgency::new(
            tier,
            self.assessment_id.as_deref().map(parse_id).transpose()?,
            self.referral_id.as_deref().map(parse_id).transpose()?,
            self.justification
                .as_deref()
                .map(ClinicalNote::parse)
                .transpose()
                .map_err(|_| corrupt("justification"))?,
        )
        .map_err(corrupt)
    }

    /// The reservation as the rules see it.
    pub fn reservation(&self) -> StoreResult<Reservation> {
        Ok(Reservation {
            id: parse_id(&self.id)?,
            item_id: parse_id(&self.item_id)?,
            borrower_id: parse_id(&self.borrower_org_id)?,
            window: self.window()?,
            status: self.status()?,
            urgency: self.urgency()?,
            requested_at: utc(self.requested_at),
        })
    }

    /// The checkout report.
    pub fn checkout(&self) -> StoreResult<Option<ConditionReport>> {
        self.checkout_report
            .as_deref()
            .map(|text| parse_json("checkout report", text))
            .transpose()
    }

    /// The return report.
    pub fn returned(&self) -> StoreResult<Option<ConditionReport>> {
        self.return_report
            .as_deref()
            .map(|text| parse_json("return report", text))
            .transpose()
    }

    /// The slot offered instead, after a pre-emption.
    pub fn offered(&self) -> Option<LoanWindow> {
        match (self.offered_starts_at, self.offered_ends_at) {
            (Some(starts), Some(ends)) => LoanWindow::new(utc(starts), utc(ends)).ok(),
            _ => None,
        }
    }

    /// The usage terms the borrower accepted at checkout.
    pub fn terms_acceptance(&self) -> StoreResult<Option<TermsAcceptance>> {
        match (
            self.terms_version,
            &self.terms_accepted_by,
            self.terms_accepted_at,
        ) {
            (Some(version), Some(by), Some(at)) => Ok(Some(TermsAcceptance {
                accepted_by: parse_id(by)?,
                organization_id: parse_id(&self.borrower_org_id)?,
                accepted_at: utc(at),
                terms_version: u32::try_from(version).map_err(|_| corrupt("terms version"))?,
            })),
            _ => Ok(None),
        }
    }

    /// Why it was cancelled.
    pub fn cancel_reason(&self) -> StoreResult<Option<CancelReason>> {
        self.cancel_reason
            .as_deref()
            .map(|text| code("cancel reason", text, CancelReason::parse))
            .transpose()
    }

    /// Why it was declined.
    pub fn decline_reason(&self) -> StoreResult<Option<DeclineReason>> {
        self.decline_reason
            .as_deref()
            .map(|text| code("decline reason", text, DeclineReason::parse))
            .transpose()
    }
}

/// Inserts a reservation and its first timeline entry.
pub fn insert_reservation(connection: &mut DbConnection, row: &ReservationRow) -> StoreResult<()> {
    diesel::insert_into(reservations::table)
        .values(row)
        .execute(connection)
        .map_err(|error| match StoreError::from_diesel(error) {
            // Two overlapping inserts each wait for the other's exclusion
            // check; PostgreSQL aborts one of them, and the other wins.
            StoreError::Contention(_) => StoreError::Overlap("reservations_no_overlap".into()),
            other => other,
        })?;
    log(
        connection,
        &row.id,
        row.requested_at,
        &row.requested_by,
        "requested",
        None,
        Some(&row.status),
        Some(&row.decision_reason),
    )?;
    notify(
        connection,
        row,
        "requested",
        &row.status,
        Some(&row.decision_reason),
        None,
    )
}

/// Queues the webhook event of a timeline step `kind` that left `row` in
/// status `to`, in the step's own transaction.
fn notify(
    connection: &mut DbConnection,
    row: &ReservationRow,
    kind: &str,
    to: &str,
    reason: Option<&str>,
    offered: Option<LoanWindow>,
) -> StoreResult<()> {
    let event = LoanEvent {
        id: Uuid::now_v7(),
        kind: format!("loan.{kind}"),
        loan_id: parse_id(&row.id)?,
        item_id: parse_id(&row.item_id)?,
        status: code("reservation status", to, ReservationStatus::parse)?,
        tier: u8::try_from(row.tier).map_err(|_| corrupt("reservation tier"))?,
        owner_organization_id: parse_id(&row.owner_org_id)?,
        borrower_organization_id: parse_id(&row.borrower_org_id)?,
        reason: reason.map(str::to_owned),
        offered_starts_at: offered.map(|window| window.starts()),
        offered_ends_at: offered.map(|window| window.ends()),
        at: utc(now()),
    };
    crate::webhooks::enqueue_loan(connection, &event)
}

/// One reservation.
pub fn reservation_row(connection: &mut DbConnection, id: &str) -> StoreResult<ReservationRow> {
    Ok(reservations::table
        .find(id)
        .select(ReservationRow::as_select())
        .first(connection)?)
}

/// An item's open reservations (requested or blocking), by start.
pub fn open_of_item(
    connection: &mut DbConnection,
    item_id: &str,
) -> StoreResult<Vec<ReservationRow>> {
    Ok(reservations::table
        .filter(reservations::item_id.eq(item_id))
        .filter(reservations::status.eq_any(open_statuses()))
        .order((reservations::starts_at.asc(), reservations::id.asc()))
        .select(ReservationRow::as_select())
        .load(connection)?)
}

/// The blocking reservations of some items that overlap `[from, to)`.
pub fn blocking_between(
    connection: &mut DbConnection,
    item_ids: &[&str],
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> StoreResult<Vec<ReservationRow>> {
    Ok(reservations::table
        .filter(reservations::item_id.eq_any(item_ids))
        .filter(reservations::status.eq_any(blocking_statuses()))
        .filter(reservations::starts_at.lt(to))
        .filter(reservations::ends_at.gt(from))
        .order((reservations::starts_at.asc(), reservations::id.asc()))
        .select(ReservationRow::as_select())
        .load(connection)?)
}

/// Refuses with [`StoreError::Overlap`] when a blocking reservation of the
/// item other than `except` overlaps `window`. Call it in the write
/// transaction right before writing a blocking status: on SQLite it is the
/// guarantee, on PostgreSQL the exclusion constraint backs it.
pub fn check_free(
    connection: &mut DbConnection,
    item_id: &str,
    window: &LoanWindow,
    except: &str,
) -> StoreResult<()> {
    let taken: i64 = reservations::table
        .filter(reservations::item_id.eq(item_id))
        .filter(reservations::id.ne(except))
        .filter(reservations::status.eq_any(blocking_statuses()))
        .filter(reservations::starts_at.lt(window.ends().naive_utc()))
        .filter(reservations::ends_at.gt(window.starts().naive_utc()))
        .count()
        .get_result(connection)?;
    if taken > 0 {
        Err(StoreError::Overlap("reservations_no_overlap".into()))
    } else {
        Ok(())
    }
}

/// Which side of its loans an organization lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoanRole {
    /// What it borrows.
    Borrower,
    /// Its items lent.
    Owner,
}

/// An organization's loans, newest request first.
pub fn loans_of(
    connection: &mut DbConnection,
    organization: &str,
    role: LoanRole,
    open_only: bool,
) -> StoreResult<Vec<ReservationRow>> {
    let mut query = reservations::table
        .select(ReservationRow::as_select())
        .order((reservations::requested_at.desc(), reservations::id.desc()))
        .into_boxed();
    query = match role {
        LoanRole::Borrower => query.filter(reservations::borrower_org_id.eq(organization)),
        LoanRole::Owner => query.filter(reservations::owner_org_id.eq(organization)),
    };
    if open_only {
        query = query.filter(reservations::status.eq_any(open_statuses()));
    }
    Ok(query.limit(500).load(connection)?)
}

/// Requests waiting for an owner's answer.
pub fn waiting_for(connection: &mut DbConnection, owner: &str) -> StoreResult<Vec<ReservationRow>> {
    Ok(reservations::table
        .filter(reservations::owner_org_id.eq(owner))
        .filter(reservations::status.eq(ReservationStatus::Requested.as_str()))
        .select(ReservationRow::as_select())
        .load(connection)?)
}

/// A status change decided by the rules, with what it records.
#[derive(Debug, Clone, Default)]
pub struct LoanChange<'a> {
    /// The new status, if it moves.
    pub to: Option<ReservationStatus>,
    /// The decision's code.
    pub decision: Option<&'a str>,
    /// The decision's reason, for both sides.
    pub reason: Option<&'a str>,
    /// Who (a person's name or `Warren`).
    pub actor: &'a str,
    /// The timeline entry's kind.
    pub kind: &'a str,
    /// A note.
    pub note: Option<&'a str>,
    /// A cancellation reason.
    pub cancel_reason: Option<CancelReason>,
    /// A decline reason.
    pub decline_reason: Option<DeclineReason>,
    /// The reservation that displaced this one.
    pub displaced_by: Option<&'a str>,
    /// The slot offered instead.
    pub offered: Option<LoanWindow>,
    /// Terms accepted at checkout.
    pub acceptance: Option<&'a TermsAcceptance>,
    /// Condition at checkout.
    pub checkout: Option<&'a ConditionReport>,
    /// Condition at return.
    pub returned: Option<&'a ConditionReport>,
}

/// Applies a change, conditional on the version and status read (and on
/// `expected_version`, when the caller sent one), and writes the timeline.
pub fn change(
    connection: &mut DbConnection,
    current: &ReservationRow,
    expected_version: Option<i64>,
    change: &LoanChange<'_>,
) -> StoreResult<()> {
    if expected_version.is_some_and(|version| version != current.version) {
        return Err(StoreError::Stale);
    }
    let at = now();
    let to = change.to.map_or(current.status.as_str(), |to| to.as_str());
    let updated = diesel::update(
        reservations::table
            .filter(reservations::id.eq(&current.id))
            .filter(reservations::version.eq(current.version))
            .filter(reservations::status.eq(&current.status)),
    )
    .set((
        reservations::status.eq(to),
        reservations::updated_at.eq(at),
        reservations::version.eq(reservations::version + 1),
    ))
    .execute(connection)?;
    if updated == 0 {
        return Err(StoreError::Stale);
    }
    let this = reservations::table.filter(reservations::id.eq(&current.id));
    if let (Some(decision), Some(reason)) = (change.decision, change.reason) {
        diesel::update(this)
            .set((
                reservations::decision.eq(decision),
                reservations::decision_reason.eq(reason),
            ))
            .execute(connection)?;
    }
    if change.note.is_some() {
        diesel::update(this)
            .set(reservations::note.eq(change.note))
            .execute(connection)?;
    }
    if let Some(reason) = change.cancel_reason {
        diesel::update(this)
            .set(reservations::cancel_reason.eq(reason.as_str()))
            .execute(connection)?;
    }
    if let Some(reason) = change.decline_reason {
        diesel::update(this)
            .set(reservations::decline_reason.eq(reason.as_str()))
            .execute(connection)?;
    }
    if let Some(by) = change.displaced_by {
        diesel::update(this)
            .set((
                reservations::displaced_by.eq(by),
                reservations::offered_starts_at.eq(change.offered.map(|w| w.starts().naive_utc())),
                reservations::offered_ends_at.eq(change.offered.map(|w| w.ends().naive_utc())),
            ))
            .execute(connection)?;
    }
    if let (Some(acceptance), Some(report)) = (change.acceptance, change.checkout) {
        diesel::update(this)
            .set((
                reservations::terms_version
                    .eq(i32::try_from(acceptance.terms_version).unwrap_or(i32::MAX)),
                reservations::terms_accepted_by.eq(acceptance.accepted_by.to_string()),
                reservations::terms_accepted_at.eq(acceptance.accepted_at.naive_utc()),
                reservations::checkout_report.eq(json(report)?),
                reservations::checked_out_at.eq(at),
            ))
            .execute(connection)?;
    }
    if let Some(report) = change.returned {
        diesel::update(this)
            .set((
                reservations::return_report.eq(json(report)?),
                reservations::returned_at.eq(at),
            ))
            .execute(connection)?;
    }
    log(
        connection,
        &current.id,
        at,
        change.actor,
        change.kind,
        Some(&current.status),
        Some(to),
        change.reason.or(change.note),
    )?;
    notify(
        connection,
        current,
        change.kind,
        to,
        change.reason.or(change.note),
        change.offered,
    )
}

/// Appends a timeline entry.
#[expect(clippy::too_many_arguments, reason = "one column each")]
pub fn log(
    connection: &mut DbConnection,
    reservation_id: &str,
    at: NaiveDateTime,
    actor: &str,
    kind: &str,
    from: Option<&str>,
    to: Option<&str>,
    note: Option<&str>,
) -> StoreResult<()> {
    diesel::insert_into(reservation_events::table)
        .values((
            reservation_events::reservation_id.eq(reservation_id),
            reservation_events::at.eq(at),
            reservation_events::actor.eq(actor),
            reservation_events::kind.eq(kind),
            reservation_events::from_status.eq(from),
            reservation_events::to_status.eq(to),
            reservation_events::note.eq(note),
        ))
        .execute(connection)?;
    Ok(())
}

/// A reservation's timeline, oldest first.
pub fn timeline(connection: &mut DbConnection, id: &str) -> StoreResult<Vec<TimelineRow>> {
    Ok(reservation_events::table
        .filter(reservation_events::reservation_id.eq(id))
        .order(reservation_events::id.asc())
        .select((
            reservation_events::at,
            reservation_events::actor,
            reservation_events::kind,
            reservation_events::from_status,
            reservation_events::to_status,
            reservation_events::note,
        ))
        .load(connection)?)
}

/// Active loans whose window ended before `at`: candidates for `overdue`.
pub fn past_due(
    connection: &mut DbConnection,
    at: NaiveDateTime,
    limit: i64,
) -> StoreResult<Vec<ReservationRow>> {
    Ok(reservations::table
        .filter(reservations::status.eq(ReservationStatus::Active.as_str()))
        .filter(reservations::ends_at.le(at))
        .order(reservations::ends_at.asc())
        .limit(limit)
        .select(ReservationRow::as_select())
        .load(connection)?)
}

/// Item names by id, for loan lists.
pub fn item_names(
    connection: &mut DbConnection,
    rows: &[ReservationRow],
) -> StoreResult<HashMap<String, String>> {
    let ids: Vec<&str> = rows.iter().map(|row| row.item_id.as_str()).collect();
    let names: Vec<(String, String)> = items::table
        .filter(items::id.eq_any(ids))
        .select((items::id, items::name))
        .load(connection)?;
    Ok(names.into_iter().collect())
}

/// Parses a stored id into a [`Uuid`] (for callers outside the store).
pub fn id(text: &str) -> StoreResult<Uuid> {
    parse_id(text)
}

/// The organization a site belongs to, if the site exists.
pub fn site_organization(
    connection: &mut DbConnection,
    site_id: &str,
) -> StoreResult<Option<String>> {
    Ok(sites::table
        .find(site_id)
        .select(sites::organization_id)
        .first(connection)
        .optional()?)
}

/// How many blocking reservations an item has (for checks beneath the API).
pub fn count_blocking(connection: &mut DbConnection, item_id: &str) -> StoreResult<i64> {
    Ok(reservations::table
        .filter(reservations::item_id.eq(item_id))
        .filter(reservations::status.eq_any(blocking_statuses()))
        .count()
        .get_result(connection)?)
}

/// `at` truncated to microseconds, the precision both databases keep, so a
/// window decided on is exactly the window stored.
pub fn to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    at - chrono::TimeDelta::nanoseconds(i64::from(at.timestamp_subsec_nanos() % 1000))
}

//! The kit library: items with whether they can be lent, maintenance plans
//! and loans.

use chrono::{DateTime, Utc};
use warren_domain::lending::{MaintenancePlan, lendable};
use warren_store::lending::{ItemRow, Names, ReservationRow};
use warren_store::utc;
use warren_wire::{KitItem, Loan, MaintenancePlanView};

use super::{id, optional_id};
use crate::error::ApiError;

/// An item, with whether it can be lent at `at` and why not.
pub fn kit_item(
    row: &ItemRow,
    names: &Names,
    plans: &[MaintenancePlan],
    at: DateTime<Utc>,
) -> Result<KitItem, ApiError> {
    let item = row.item()?;
    let unlendable = lendable(&item, plans, at)
        .err()
        .map(|not| not.reasons)
        .unwrap_or_default();
    Ok(KitItem {
        id: item.id,
        owner_id: item.owner_id,
        owner_name: names.organization(&row.owner_org_id),
        home_site_id: item.home_site_id,
        home_site_name: names.site(&row.home_site_id),
        name: row.name.clone(),
        category: item.category,
        description: row.description.clone(),
        suitability: item.suitability,
        condition: item.condition,
        status: item.status,
        terms: item.terms,
        max_loan_days: item.max_loan_days.days(),
        auto_approve: item.auto_approve,
        last_returned_at: item.last_returned_at,
        lendable: unlendable.is_empty(),
        unlendable,
        version: row.version,
    })
}

/// A maintenance plan and its state at `at`, for an item last returned at
/// `last_returned_at`.
pub fn maintenance_plan(
    plan: &MaintenancePlan,
    last_returned_at: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> MaintenancePlanView {
    MaintenancePlanView {
        id: plan.id,
        item_id: plan.item_id,
        kind: plan.kind,
        interval: plan.interval,
        blocking: plan.blocking,
        last_done_at: plan.last_done_at,
        note: plan.note.as_ref().map(ToString::to_string),
        due: plan.due(last_returned_at),
        state: plan.state(last_returned_at, at),
    }
}

/// A loan of the item called `item_name`, as its owner and borrower read it.
pub fn loan(row: &ReservationRow, item_name: &str) -> Result<Loan, ApiError> {
    let reservation = row.reservation()?;
    let terms_acceptance = row.terms_acceptance()?;
    Ok(Loan {
        id: reservation.id,
        item_id: reservation.item_id,
        item_name: item_name.to_owned(),
        owner_id: id(&row.owner_org_id)?,
        borrower_id: reservation.borrower_id,
        borrower_site_id: optional_id(row.borrower_site_id.as_deref())?,
        requested_by: row.requested_by.clone(),
        requested_at: reservation.requested_at,
        window: reservation.window,
        status: reservation.status,
        urgency: reservation.urgency,
        decision: row.decision.clone(),
        decision_reason: row.decision_reason.clone(),
        displaced_by: optional_id(row.displaced_by.as_deref())?,
        offered_slot: row.offered(),
        cancel_reason: row.cancel_reason()?,
        decline_reason: row.decline_reason()?,
        note: row.note.clone(),
        terms_acceptance,
        checkout_report: row.checkout()?,
        checked_out_at: row.checked_out_at.map(utc),
        return_report: row.returned()?,
        returned_at: row.returned_at.map(utc),
        version: row.version,
    })
}

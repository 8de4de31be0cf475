//! The moves on a loan: the owner approves, declines and takes the item
//! back; the borrower checks it out; either side (or a coordinating network
//! admin) cancels. Each move is checked by the domain's rules, stored with
//! its timeline entry, audited, and told to the people who follow the loan.

use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use uuid::Uuid;
use warren_domain::lending::{
    ItemStatus, LendingParty, Prefer, ReservationStatus, TermsAcceptance, check_approval,
    check_cancellation, check_checkout, check_decline, check_return, check_transition, lendable,
};
use warren_store::lending::{self as store, LoanChange, ReservationRow};
use warren_store::now;
use warren_wire::{
    CancelLoanRequest, CheckoutRequest, DeclineLoanRequest, ErrorCode, Loan, ReturnLoanRequest,
};

use super::{LENDING_REFUSAL, Side, acting_side, alert_loan, loan_view};
use crate::api::{Api, Tx};
use crate::auth::actor_name;
use crate::error::{ApiError, BodyProblems, ObjectProblems, VersionProblems};
use crate::extract::{IfMatch, ValidJson, versioned};

/// The loan `id` and the caller's side of it, for a move: 404 outsiders,
/// 403 volunteers.
fn movable_loan(tx: &mut Tx, id: &str, prefer: Prefer) -> Result<(ReservationRow, Side), ApiError> {
    let row = store::reservation_row(tx, id)?;
    let side = acting_side(
        tx.who,
        &row.owner_org_id,
        &row.borrower_org_id,
        prefer,
        LENDING_REFUSAL,
    )?;
    Ok((row, side))
}

/// Audits a move on `row` for the organization the caller acted for (the
/// owner's, for a coordinator).
fn audit_move(
    tx: &mut Tx,
    action: &str,
    row: &ReservationRow,
    side: &Side,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    let organization = side.organization.as_deref().unwrap_or(&row.owner_org_id);
    tx.audit(action, "loan", &row.id, Some(organization), details)
}

/// Stores `change` of `row` (at `version`) by the caller, with its
/// timeline entry.
fn store_move(
    tx: &mut Tx,
    row: &ReservationRow,
    version: i64,
    change: LoanChange<'_>,
) -> Result<(), ApiError> {
    let name = actor_name(tx.who);
    let change = LoanChange {
        actor: &name,
        ..change
    };
    store::change(tx, row, Some(version), &change)?;
    Ok(())
}

/// The loan after a move from `before`: the step people hear of is told,
/// and the loan answered.
fn moved(tx: &mut Tx, before: &ReservationRow) -> Result<Loan, ApiError> {
    let after = store::reservation_row(tx, &before.id)?;
    if let Some(step) = alerted_step(&before.status, &after.status) {
        let item = store::item_row(tx, &after.item_id)?.name;
        alert_loan(tx, &after, step, &item)?;
    }
    loan_view(tx, &after)
}

/// The step of a loan that people hear of, from its status before and
/// after a change: approval, decline, cancellation.
fn alerted_step(before: &str, after: &str) -> Option<&'static str> {
    match (
        ReservationStatus::parse(before)?,
        ReservationStatus::parse(after)?,
    ) {
        (ReservationStatus::Requested, ReservationStatus::Reserved) => Some("approved"),
        (_, ReservationStatus::Declined) => Some("declined"),
        (from, ReservationStatus::Cancelled) if from != ReservationStatus::Cancelled => {
            Some("cancelled")
        }
        _ => None,
    }
}

/// Approve a waiting request (the owner; `If-Match` required). Only the top
/// of the queue for overlapping time can be approved (409 `outranked`
/// otherwise: decline the others first), and only while the item is free.
#[utoipa::path(
    operation_id = "approve_loan",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("id" = Uuid, Path, description = "The loan."),
        ("If-Match" = String, Header, description = "The loan's ETag."),
    ),
    responses(
        (status = 200, description = "The loan, reserved.", body = Loan),
        ObjectProblems,
        VersionProblems,
    )
)]
#[post("/loans/{id}/approve")]
pub async fn approve_loan(
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let loan = api
        .write(move |tx| {
            let (row, side) = movable_loan(tx, &id, Prefer::Owner)?;
            check_transition(row.status()?, ReservationStatus::Reserved, side.party)?;
            if version.0 != row.version {
                return Err(ApiError::Stale);
            }
            store::lock_item(tx, &row.item_id)?;
            let item = store::item_row(tx, &row.item_id)?.item()?;
            let plans = store::plans(tx, &[&row.item_id])?;
            lendable(&item, &plans, Utc::now())?;
            let this = row.reservation()?;
            let existing = store::open_of_item(tx, &row.item_id)?
                .iter()
                .map(ReservationRow::reservation)
                .collect::<Result<Vec<_>, _>>()?;
            check_approval(&this, &existing)?;
            store::check_free(tx, &row.item_id, &this.window, &row.id)?;
            let reason = format!(
                "Approved by the owner: the item is reserved for {}.",
                this.window.words()
            );
            store_move(
                tx,
                &row,
                version.0,
                LoanChange {
                    to: Some(ReservationStatus::Reserved),
                    decision: Some("approved"),
                    reason: Some(&reason),
                    kind: "approved",
                    ..LoanChange::default()
                },
            )?;
            audit_move(tx, "loan.approved", &row, &side, serde_json::json!({}))?;
            moved(tx, &row)
        })
        .await?;
    Ok(versioned(&loan, loan.version))
}

/// Decline a waiting request (the owner; `If-Match` required) with a reason
/// the borrower sees.
#[utoipa::path(
    operation_id = "decline_loan",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    request_body = DeclineLoanRequest,
    params(
        ("id" = Uuid, Path, description = "The loan."),
        ("If-Match" = String, Header, description = "The loan's ETag."),
    ),
    responses(
        (status = 200, description = "The loan, declined.", body = Loan),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[post("/loans/{id}/decline")]
pub async fn decline_loan(
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<DeclineLoanRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let request = body.value;
    let loan = api
        .write(move |tx| {
            let (row, side) = movable_loan(tx, &id, Prefer::Owner)?;
            check_transition(row.status()?, ReservationStatus::Declined, side.party)?;
            let reason = check_decline(request.reason, request.note.as_ref())?;
            let note = request.note.as_ref().map(ToString::to_string);
            let words = format!("Declined by the owner: {}.", reason.label());
            store_move(
                tx,
                &row,
                version.0,
                LoanChange {
                    to: Some(ReservationStatus::Declined),
                    decision: Some("declined"),
                    reason: Some(&words),
                    kind: "declined",
                    note: note.as_deref(),
                    decline_reason: Some(reason),
                    ..LoanChange::default()
                },
            )?;
            let details = serde_json::json!({ "reason": reason.as_str() });
            audit_move(tx, "loan.declined", &row, &side, details)?;
            moved(tx, &row)
        })
        .await?;
    Ok(versioned(&loan, loan.version))
}

/// Cancel a request or reservation (`If-Match` required), with a reason
/// both sides see: the borrower withdraws, the owner withdraws or marks the
/// item unavailable, network admins cancel as coordinators.
#[utoipa::path(
    operation_id = "cancel_loan",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    request_body = CancelLoanRequest,
    params(
        ("id" = Uuid, Path, description = "The loan."),
        ("If-Match" = String, Header, description = "The loan's ETag."),
    ),
    responses(
        (status = 200, description = "The loan, cancelled.", body = Loan),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[post("/loans/{id}/cancel")]
pub async fn cancel_loan(
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<CancelLoanRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let request = body.value;
    let loan = api
        .write(move |tx| {
            let (row, side) = movable_loan(tx, &id, Prefer::Borrower)?;
            let reason = check_cancellation(row.status()?, side.party, request.reason)?;
            let note = request.note.as_ref().map(ToString::to_string);
            let words = format!("Cancelled: {}.", reason.label());
            store_move(
                tx,
                &row,
                version.0,
                LoanChange {
                    to: Some(ReservationStatus::Cancelled),
                    decision: Some("cancelled"),
                    reason: Some(&words),
                    kind: "cancelled",
                    note: note.as_deref(),
                    cancel_reason: Some(reason),
                    ..LoanChange::default()
                },
            )?;
            let details = serde_json::json!({ "reason": reason.as_str() });
            audit_move(tx, "loan.cancelled", &row, &side, details)?;
            moved(tx, &row)
        })
        .await?;
    Ok(versioned(&loan, loan.version))
}

/// Check the item out (the borrower, signed in; `If-Match` required): the
/// condition checklist as it goes out, and the borrower's acceptance of the
/// usage terms in force — who, when and which version are recorded.
#[utoipa::path(
    operation_id = "checkout_loan",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    request_body = CheckoutRequest,
    params(
        ("id" = Uuid, Path, description = "The loan."),
        ("If-Match" = String, Header, description = "The loan's ETag."),
    ),
    responses(
        (status = 200, description = "The loan, active.", body = Loan),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[post("/loans/{id}/checkout")]
pub async fn checkout_loan(
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<CheckoutRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let request = body.value;
    let loan = api.write(move |tx| {
        let (row, side) = movable_loan(tx, &id, Prefer::Borrower)?;
        if version.0 != row.version {
            return Err(ApiError::Stale);
        }
        let item_row = store::item_row(tx, &row.item_id)?;
        let item = item_row.item()?;
        let plans = store::plans(tx, &[&row.item_id])?;
        let accepted_by = tx.who
            .actor
            .user_id
            .as_deref()
            .or(tx.who.actor.api_key_id.as_deref())
            .and_then(|id| Uuid::parse_str(id).ok())
            .ok_or_else(|| ApiError::Forbidden("Only a known caller can accept usage terms.".into()))?;
        let acceptance = TermsAcceptance {
            accepted_by,
            organization_id: side.organization.as_deref()
                .and_then(|id| Uuid::parse_str(id).ok())
                .unwrap_or_default(),
            accepted_at: now().and_utc(),
            terms_version: request.accept_terms_version,
        };
        let at = Utc::now();
        check_checkout(&item, &plans, &row.reservation()?, &request.report, &acceptance, side.party, at)?;
        item.status
            .check_transition(ItemStatus::OnLoan, LendingParty::Warren)?;
        store_move(
            tx,
            &row,
            version.0,
            LoanChange {
                to: Some(ReservationStatus::Active),
                kind: "checked_out",
                note: Some(&format!(
                    "Checked out in condition {}; usage terms version {} accepted.",
                    request.report.condition.label().to_lowercase(),
                    acceptance.terms_version
                )),
                acceptance: Some(&acceptance),
                checkout: Some(&request.report),
                ..LoanChange::default()
            },
        )?;
        store::set_item_state(tx, &item_row.id, ItemStatus::OnLoan, Some(request.report.condition), None)?;
        let details = serde_json::json!({ "terms_version": acceptance.terms_version, "condition": request.report.condition });
        audit_move(tx, "loan.checked_out", &row, &side, details)?;
        moved(tx, &row)
    })
    .await?;
    Ok(versioned(&loan, loan.version))
}

/// Take the item back (the owner; `If-Match` required), recording its
/// condition. An item back in a condition that needs repair goes into
/// maintenance; worse condition than at checkout needs notes.
#[utoipa::path(
    operation_id = "return_loan",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    request_body = ReturnLoanRequest,
    params(
        ("id" = Uuid, Path, description = "The loan."),
        ("If-Match" = String, Header, description = "The loan's ETag."),
    ),
    responses(
        (status = 200, description = "The loan, returned.", body = Loan),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[post("/loans/{id}/return")]
pub async fn return_loan(
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<ReturnLoanRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let request = body.value;
    let loan = api.write(move |tx| {
        let (row, side) = movable_loan(tx, &id, Prefer::Owner)?;
        if version.0 != row.version {
            return Err(ApiError::Stale);
        }
        let at_checkout = row
            .checkout()?
            .ok_or_else(|| ApiError::conflict(ErrorCode::IllegalTransition, format!("A reservation cannot go from {} to returned.", row.status)))?;
        let outcome = check_return(&row.reservation()?, &at_checkout, &request.report, side.party, Utc::now())?;
        let item_row = store::item_row(tx, &row.item_id)?;
        item_row
            .status()?
            .check_transition(outcome.item_status, LendingParty::Warren)?;
        let mut note = format!(
            "Returned in condition {}.",
            request.report.condition.label().to_lowercase()
        );
        if let Some(late) = outcome.late_by {
            note.push_str(&format!(" {} hours late.", late.num_hours()));
        }
        store_move(
            tx,
            &row,
            version.0,
            LoanChange {
                to: Some(ReservationStatus::Returned),
                kind: "returned",
                note: Some(&note),
                returned: Some(&request.report),
                ..LoanChange::default()
            },
        )?;
        store::set_item_state(tx, &item_row.id, outcome.item_status, Some(request.report.condition), Some(now()))?;
        let details = serde_json::json!({ "condition": request.report.condition, "condition_worsened": outcome.condition_worsened });
        audit_move(tx, "loan.returned", &row, &side, details)?;
        moved(tx, &row)
    })
    .await?;
    Ok(versioned(&loan, loan.version))
}

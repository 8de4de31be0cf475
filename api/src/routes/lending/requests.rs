//! Asking to borrow an item: the request is decided at once, in its write
//! transaction, by the network's allocation policy.

use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use uuid::Uuid;
use warren_domain::lending::{
    CancelReason, Decision, LendingParty, LoanRequest, LoanWindow, ReservationStatus,
    check_cancellation, check_linked_tier, plan_request,
};
use warren_domain::triage::Tier;
use warren_store::lending::{self as store, ItemRow, LoanChange, ReservationRow};
use warren_store::{DbConnection, now, organizations};
use warren_wire::{CreateLoanRequest, Loan};

use super::{LENDING_REFUSAL, alert_loan, require_actor, site_of};
use crate::api::{Api, Tx};
use crate::auth::actor_name;
use crate::error::{ApiError, BodyProblems, ObjectProblems};
use crate::extract::{IdempotencyKey, ValidJson};
use crate::views::lending as views;

/// Checks a linked assessment or referral: it must be the borrower's, and
/// the request may not claim more urgency than it recorded.
fn check_links(
    connection: &mut DbConnection,
    borrower: &str,
    request: &CreateLoanRequest,
) -> Result<(), ApiError> {
    let claimed = request.urgency.tier();
    if let Some(assessment) = request.urgency.assessment_id() {
        let record = warren_store::triage::find_assessment(connection, &assessment.to_string())
            .ok()
            .filter(|record| record.organization_id == borrower)
            .ok_or_else(|| {
                ApiError::invalid_field(
                    "urgency.assessment_id",
                    "is not an assessment of this organization",
                )
            })?;
        check_linked_tier(claimed, record.result.tier.tier)?;
    }
    if let Some(referral) = request.urgency.referral_id() {
        let row = warren_store::referrals::row(connection, &referral.to_string())
            .ok()
            .filter(|row| row.referrer_org_id == borrower || row.receiver_org_id == borrower)
            .ok_or_else(|| {
                ApiError::invalid_field(
                    "urgency.referral_id",
                    "is not a referral of this organization",
                )
            })?;
        let recorded: Tier = row.tier()?;
        check_linked_tier(claimed, recorded)?;
    }
    Ok(())
}

/// Ask to borrow an item for a window (the borrowing organization's admins,
/// clinicians and staff), stating the clinical urgency. Decided at once by
/// the network's allocation policy, in the same transaction:
///
/// - free, and the owner auto-approves: `reserved`;
/// - free, but the owner approves each request (or a more urgent request
///   waits): `requested`, in the owner's queue;
/// - taken by routine (tier 4–5) bookings that have not started, and this
///   is a tier 1–2 case: `reserved`, and each displaced booking is
///   cancelled with the reason and offered the next free slot;
/// - otherwise 409 `reservation_conflict`, naming the next free slot.
///
/// No two reserved, active or overdue loans of an item ever overlap: the
/// database refuses the second (409 `reservation_overlap`). Honours
/// `Idempotency-Key`.
#[utoipa::path(
    operation_id = "request_loan",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    request_body = CreateLoanRequest,
    params(
        ("id" = Uuid, Path, description = "The borrowing organization."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The request as decided.", body = Loan),
        (status = 409, description = "The item is taken for that time, or cannot be lent now."),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/organizations/{id}/loans")]
pub async fn request_loan(
    api: Api,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreateLoanRequest>,
) -> Result<HttpResponse, ApiError> {
    let borrower_id = id.into_inner();
    let borrower = borrower_id.to_string();
    require_actor(&api.who, &borrower, LENDING_REFUSAL)?;
    let fingerprint = format!("loan:{borrower}:{}", body.fingerprint());
    let request = body.value;
    api.create(key, fingerprint, move |tx| {
        if !organizations::find(tx, &borrower)?.membership.is_active() {
            return Err(ApiError::Forbidden(
                "Only vetted organizations borrow kit.".into(),
            ));
        }
        let item_id = request.item_id.to_string();
        store::lock_item(tx, &item_id)?;
        let item_row = store::item_row(tx, &item_id)
            .map_err(|_| ApiError::invalid_field("item_id", "is not an item of the kit library"))?;
        if item_row.owner_org_id == borrower {
            return Err(ApiError::invalid_field(
                "item_id",
                "is an item of the borrowing organization",
            ));
        }
        let site = request
            .site_id
            .map(|site| site_of(tx, &borrower, site, "site_id"))
            .transpose()?;
        check_links(tx, &borrower, &request)?;
        let item = item_row.item()?;
        let plans = store::plans(tx, &[&item_row.id])?;
        let existing = store::open_of_item(tx, &item_row.id)?
            .iter()
            .map(ReservationRow::reservation)
            .collect::<Result<Vec<_>, _>>()?;
        // Both databases keep microseconds: decide on what will be stored.
        let window = LoanWindow::new(
            store::to_micros(request.window.starts()),
            store::to_micros(request.window.ends()),
        )?;
        let loan = LoanRequest {
            id: Uuid::now_v7(),
            item_id: item.id,
            borrower_id,
            window,
            urgency: request.urgency.clone(),
            requested_at: now().and_utc(),
        };
        let decision = plan_request(&loan, &item, &plans, &existing, Utc::now())?;
        let id = loan.id.to_string();
        if let Decision::Preempt { displaced, .. } = &decision {
            for displacement in displaced {
                displace(
                    tx,
                    &item_row,
                    &displacement.reservation_id.to_string(),
                    &id,
                    displacement,
                )?;
            }
        }
        let status = decision.status();
        if status.is_blocking() {
            store::check_free(tx, &item_row.id, &loan.window, &id)?;
        }
        let row = reservation(&loan, &item_row, &decision, site, tx);
        store::insert_reservation(tx, &row)?;
        tx.audit(
            "loan.requested",
            "loan",
            &id,
            Some(&borrower),
            serde_json::json!({
                "item_id": item_row.id,
                "tier": loan.urgency.tier().number(),
                "decision": decision.code(),
                "status": status.as_str(),
            }),
        )?;
        alert_loan(tx, &row, "requested", &item_row.name)?;
        views::loan(&row, &item_row.name)
    })
    .await
}

/// Cancels the booking `victim` of `item`, displaced by the request `by`:
/// with the reason and the slot offered, told to its borrower, audited.
fn displace(
    tx: &mut Tx,
    item: &ItemRow,
    victim: &str,
    by: &str,
    displacement: &warren_domain::lending::Displacement,
) -> Result<(), ApiError> {
    let victim = store::reservation_row(tx, victim)?;
    let reason = check_cancellation(
        victim.status()?,
        LendingParty::Warren,
        Some(CancelReason::Preempted),
    )?;
    store::change(
        tx,
        &victim,
        None,
        &LoanChange {
            to: Some(ReservationStatus::Cancelled),
            decision: Some("preempted"),
            reason: Some(&displacement.reason),
            actor: "Warren",
            kind: "preempted",
            cancel_reason: Some(reason),
            displaced_by: Some(by),
            offered: displacement.offered,
            ..LoanChange::default()
        },
    )?;
    let displaced = store::reservation_row(tx, &victim.id)?;
    alert_loan(tx, &displaced, "preempted", &item.name)?;
    tx.audit(
        "loan.preempted",
        "loan",
        &victim.id,
        Some(&victim.borrower_org_id),
        serde_json::json!({
            "displaced_by": by,
            "offered": displacement.offered,
        }),
    )
}

/// The stored row of a new request for `item`, as `decision` decided it.
fn reservation(
    loan: &LoanRequest,
    item: &ItemRow,
    decision: &Decision,
    site: Option<String>,
    tx: &Tx,
) -> ReservationRow {
    let urgency = &loan.urgency;
    ReservationRow {
        id: loan.id.to_string(),
        item_id: item.id.clone(),
        owner_org_id: item.owner_org_id.clone(),
        borrower_org_id: loan.borrower_id.to_string(),
        borrower_site_id: site,
        requested_by: actor_name(tx.who),
        requested_by_user_id: tx.who.actor.user_id.clone(),
        starts_at: loan.window.starts().naive_utc(),
        ends_at: loan.window.ends().naive_utc(),
        status: decision.status().as_str().to_owned(),
        tier: i32::from(urgency.tier().number()),
        assessment_id: urgency.assessment_id().map(|id| id.to_string()),
        referral_id: urgency.referral_id().map(|id| id.to_string()),
        justification: urgency.justification().map(ToString::to_string),
        decision: decision.code().to_owned(),
        decision_reason: decision.reason().to_owned(),
        displaced_by: None,
        offered_starts_at: None,
        offered_ends_at: None,
        cancel_reason: None,
        decline_reason: None,
        note: None,
        terms_version: None,
        terms_accepted_by: None,
        terms_accepted_at: None,
        checkout_report: None,
        checked_out_at: None,
        return_report: None,
        returned_at: None,
        requested_at: loan.requested_at.naive_utc(),
        updated_at: now(),
        version: 1,
    }
}

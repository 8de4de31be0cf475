//! Moving a referral along its lifecycle: the status, the outcome that
//! completes it, and the transport step shown on it.

use actix_web::{HttpResponse, post, put, web};
use chrono::Utc;
use uuid::Uuid;
use warren_domain::referral::{
    Outcome, ReferralStatus, check_outcome, check_rejection, check_transition, check_transport_step,
};
use warren_store::referrals::{self as store, ReferralRow, StatusChange};
use warren_wire::{BusinessStatusRequest, RecordOutcomeRequest, Referral, TransitionRequest};

use super::{acting_organization, forbid_volunteers, load, reread};
use crate::alerts::triggers::ChangedBy;
use crate::api::{Api, Tx};
use crate::auth::{WARREN, actor_name};
use crate::error::{ApiError, BodyProblems, ObjectProblems, VersionProblems};
use crate::extract::{IfMatch, ValidJson, versioned};

/// Move a referral (`If-Match` required): send a draft, receive, accept,
/// reject (with a reason), start (a vet has seen the patient), hold, fail,
/// cancel or mark entered in error. Only the receiving organization
/// receives, accepts and rejects; the referrer sends and cancels. When one
/// receiver accepts, Warren withdraws the case's other open requests.
#[utoipa::path(
    operation_id = "transition_referral",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    request_body = TransitionRequest,
    params(
        ("id" = Uuid, Path, description = "The referral."),
        ("If-Match" = String, Header, description = "The referral's ETag."),
    ),
    responses(
        (status = 200, description = "The referral after the move.", body = Referral),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[post("/referrals/{id}/transitions")]
pub async fn transition(
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<TransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, request) = (id.into_inner(), body.value);
    let referral = api
        .write(move |tx| {
            let (row, side) = load(tx, id)?;
            forbid_volunteers(tx.who, &row, side)?;
            let from = row.status()?;
            check_transition(from, request.status, side)?;
            let reason = (request.status == ReferralStatus::Rejected)
                .then(|| check_rejection(request.reason, request.note.as_ref()))
                .transpose()?;
            let answer_due_at = (request.status == ReferralStatus::Requested)
                .then(|| -> Result<_, ApiError> {
                    let (times, _) = store::answer_times(tx)?;
                    Ok(times.due(row.tier()?, Utc::now()).naive_utc())
                })
                .transpose()?;
            let note = request.note.as_ref().map(ToString::to_string);
            let name = actor_name(tx.who);
            let who = tx.who;
            store::change_status(
                tx,
                &row,
                Some(version.0),
                &StatusChange {
                    to: request.status,
                    actor: &name,
                    actor_user_id: who.actor.user_id.as_deref(),
                    reason,
                    note: note.as_deref(),
                    answer_due_at,
                },
            )?;
            let details =
                serde_json::json!({ "from": from.as_str(), "to": request.status.as_str() });
            tx.audit(
                "referral.status_changed",
                "referral",
                &row.id,
                acting_organization(&row, side),
                details,
            )?;
            let after = store::row(tx, &row.id)?;
            tx.raise("referral.status_changed", &after)?;
            let by = ChangedBy {
                user_id: who.actor.user_id.as_deref(),
                name: &name,
            };
            let alerting = &tx.state.alerting;
            let (connection, raised) = tx.parts();
            alerting.referral_moved(connection, raised, &after, from, by)?;
            if request.status == ReferralStatus::Accepted {
                withdraw_others(tx, &after)?;
                crate::routes::care::handed_over(tx, &after)?;
                if after.contact.is_none() && after.escalated_from.is_some() {
                    store::copy_case_contact(tx, &after)?;
                }
            }
            reread(tx, &row.id, side)
        })
        .await?;
    Ok(versioned(&referral, referral.version))
}

/// Withdraws the case's other open, unanswered requests once one receiver
/// has accepted.
fn withdraw_others(tx: &mut Tx, accepted: &ReferralRow) -> Result<(), ApiError> {
    for other in store::case_rows(tx, &accepted.case_id)? {
        let status = other.status()?;
        if other.id == accepted.id || !(status.awaits_answer() || status == ReferralStatus::Draft) {
            continue;
        }
        store::change_status(
            tx,
            &other,
            None,
            &StatusChange {
                to: ReferralStatus::Cancelled,
                actor: WARREN,
                actor_user_id: None,
                reason: None,
                note: Some("Withdrawn: another site accepted the patient."),
                answer_due_at: None,
            },
        )?;
        let after = store::row(tx, &other.id)?;
        tx.raise("referral.status_changed", &after)?;
        let warren = ChangedBy {
            user_id: None,
            name: WARREN,
        };
        let alerting = &tx.state.alerting;
        let (connection, raised) = tx.parts();
        alerting.referral_moved(connection, raised, &after, status, warren)?;
    }
    Ok(())
}

/// Record how the referral ended (the receiving organization, `If-Match`
/// required): treated and returned, admitted, transferred on, released,
/// died or euthanised, with a follow-up date. Completes the referral; the
/// referrer sees the outcome.
#[utoipa::path(
    operation_id = "record_referral_outcome",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    request_body = RecordOutcomeRequest,
    params(
        ("id" = Uuid, Path, description = "The referral."),
        ("If-Match" = String, Header, description = "The referral's ETag."),
    ),
    responses(
        (status = 200, description = "The completed referral.", body = Referral),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[put("/referrals/{id}/outcome")]
pub async fn record_outcome(
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<RecordOutcomeRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, request) = (id.into_inner(), body.value);
    let referral = api
        .write(move |tx| {
            let (row, side) = load(tx, id)?;
            forbid_volunteers(tx.who, &row, side)?;
            check_outcome(row.status()?, side)?;
            let outcome = Outcome {
                kind: request.kind,
                note: request.note,
                follow_up_due: request.follow_up_due,
            };
            let name = actor_name(tx.who);
            store::record_outcome(tx, &row, version.0, &outcome, &name)?;
            let details = serde_json::json!({ "outcome": outcome.kind.as_str() });
            tx.audit(
                "referral.outcome_recorded",
                "referral",
                &row.id,
                Some(&row.receiver_org_id),
                details,
            )?;
            warren_store::alerts::set_follow_up_due(tx, &row.id, outcome.follow_up_due)?;
            let after = store::row(tx, &row.id)?;
            tx.raise("referral.outcome_recorded", &after)?;
            let by = ChangedBy {
                user_id: tx.who.actor.user_id.as_deref(),
                name: &name,
            };
            let alerting = &tx.state.alerting;
            let (connection, raised) = tx.parts();
            alerting.outcome_recorded(connection, raised, &after, by)?;
            reread(tx, &row.id, side)
        })
        .await?;
    Ok(versioned(&referral, referral.version))
}

/// Set the transport step shown on the referral (either organization's
/// admins, clinicians and staff; `If-Match` required): to be arranged, to
/// be picked up, in transit, arrived. Volunteers drive a leg through its
/// driver's routes; they do not set the referral's step.
#[utoipa::path(
    operation_id = "set_referral_business_status",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    request_body = BusinessStatusRequest,
    params(
        ("id" = Uuid, Path, description = "The referral."),
        ("If-Match" = String, Header, description = "The referral's ETag."),
    ),
    responses(
        (status = 200, description = "The referral.", body = Referral),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[put("/referrals/{id}/business-status")]
pub async fn set_business_status(
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<BusinessStatusRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, step) = (id.into_inner(), body.value.business_status);
    let referral = api
        .write(move |tx| {
            let (row, side) = load(tx, id)?;
            forbid_volunteers(tx.who, &row, side)?;
            check_transport_step(side, row.status()?)?;
            let name = actor_name(tx.who);
            store::set_business_status(tx, &row, version.0, step, &name)?;
            let details = serde_json::json!({ "business_status": step.as_str() });
            tx.audit(
                "referral.business_status_set",
                "referral",
                &row.id,
                acting_organization(&row, side),
                details,
            )?;
            let after = store::row(tx, &row.id)?;
            tx.raise("referral.updated", &after)?;
            reread(tx, &row.id, side)
        })
        .await?;
    Ok(versioned(&referral, referral.version))
}

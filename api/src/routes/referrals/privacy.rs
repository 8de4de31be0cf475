//! The owner's or finder's contact: kept while the case needs it, then
//! erased — by the network's retention after a case closes, or at once on
//! request.
//!
//! A contact reaches the organizations the referrer chose. A referral that
//! Warren escalates to a site the referrer never chose carries no contact
//! until that site accepts the animal: then it must act (call the owner,
//! arrange a pick-up), and the contact is copied to it (`moves.rs`).

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{TimeDelta, Utc};
use uuid::Uuid;
use warren_store::audit::{self, Actor, Change};
use warren_store::referrals as store;
use warren_wire::{
    ContactErasure, ContactErasureRequest, ContactRetentionRequest, ContactRetentionSetting,
};

use crate::api::Api;
use crate::error::{ApiError, BodyProblems, ObjectProblems, RoleProblems};
use crate::extract::ValidJson;
use crate::state::AppState;

/// The setting as it goes on the wire.
fn setting((days, updated_at): (u32, Option<chrono::NaiveDateTime>)) -> ContactRetentionSetting {
    ContactRetentionSetting {
        days,
        updated_at: updated_at.map(warren_store::utc),
    }
}

/// The longest retention the network may set: ten years.
const MAX_RETENTION_DAYS: u32 = 3650;

/// How long the owner's or finder's contact is kept once a case has closed
/// (90 days until a network admin sets it). Any signed-in member may read it.
#[utoipa::path(
    operation_id = "read_contact_retention",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "The setting.", body = ContactRetentionSetting), RoleProblems)
)]
#[get("/contact-retention")]
pub async fn contact_retention(api: Api) -> Result<HttpResponse, ApiError> {
    let setting = api
        .read(|tx| Ok(setting(store::contact_retention(tx)?)))
        .await?;
    Ok(HttpResponse::Ok().json(setting))
}

/// Set how many days (1–3650) a closed case keeps the owner's or finder's
/// contact (network admins). Cases already closed longer are erased at the
/// next round.
#[utoipa::path(
    operation_id = "set_contact_retention",
    tag = "referrals",
    security(("bearer" = [])),
    request_body = ContactRetentionRequest,
    responses(
        (status = 200, description = "The setting.", body = ContactRetentionSetting),
        RoleProblems,
        BodyProblems,
    )
)]
#[put("/contact-retention")]
pub async fn set_contact_retention(
    api: Api,
    body: ValidJson<ContactRetentionRequest>,
) -> Result<HttpResponse, ApiError> {
    api.who
        .require_network_admin("decide how long owners' contacts are kept")?;
    let days = body.value.days;
    if !(1..=MAX_RETENTION_DAYS).contains(&days) {
        return Err(ApiError::invalid_field(
            "days",
            format!("must be between 1 and {MAX_RETENTION_DAYS}"),
        ));
    }
    let setting = api
        .write(move |tx| {
            let saved = store::set_contact_retention(tx, days)?;
            let details = serde_json::json!({ "days": saved.0 });
            tx.audit(
                "referral.contact_retention_set",
                "network",
                "contact_retention",
                None,
                details,
            )?;
            Ok(setting(saved))
        })
        .await?;
    Ok(HttpResponse::Ok().json(setting))
}

/// Erase the owner's or finder's contact from every referral of this
/// referral's case, now (network admins, when the person asks). The erasure
/// and its reason are kept in the audit log; the rest of the case stays.
#[utoipa::path(
    operation_id = "erase_referral_contact",
    tag = "referrals",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "A referral of the case.")),
    request_body = ContactErasureRequest,
    responses(
        (status = 200, description = "What was erased.", body = ContactErasure),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/referrals/{id}/contact-erasure")]
pub async fn erase_contact(
    api: Api,
    id: web::Path<Uuid>,
    body: ValidJson<ContactErasureRequest>,
) -> Result<HttpResponse, ApiError> {
    api.who
        .require_network_admin("erase an owner's or finder's contact")?;
    let id = id.into_inner().to_string();
    let reason = body.value.reason.as_str().to_owned();
    let erasure = api
        .write(move |tx| {
            let row = store::row(tx, &id)?;
            let erased = store::erase_case_contact(tx, &row.case_id)?;
            let details = serde_json::json!({
                "case_id": row.case_id,
                "referrals": erased,
                "reason": reason,
            });
            tx.audit(
                "referral.contact_erased",
                "referral",
                &row.id,
                Some(&row.referrer_org_id),
                details,
            )?;
            Ok(ContactErasure {
                case_id: warren_store::parse_id(&row.case_id)?,
                referrals: u32::try_from(erased).unwrap_or(u32::MAX),
                erased_at: Utc::now(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(erasure))
}

/// One round of the retention job: erases the contact of cases closed for
/// longer than the network keeps it, each with an audit entry. Returns the
/// cases erased.
pub fn erase_expired(state: &AppState) -> Result<usize, ApiError> {
    let (days, _) = state.store.read(store::contact_retention)?;
    let before = (Utc::now() - TimeDelta::days(i64::from(days))).naive_utc();
    let due = state
        .store
        .read(|connection| store::cases_past_retention(connection, before, 100))?;
    let mut erased = 0;
    for case_id in due {
        state.store.write(|connection| {
            let count = store::erase_case_contact(connection, &case_id)?;
            if count > 0 {
                audit::record(
                    connection,
                    &Actor::system(crate::auth::WARREN),
                    Change {
                        action: "referral.contact_erased",
                        target_type: "case",
                        target_id: &case_id,
                        organization_id: None,
                        details: serde_json::json!({
                            "referrals": count,
                            "reason": format!("kept {days} days after the case closed"),
                        }),
                    },
                )?;
                erased += 1;
            }
            Ok::<_, ApiError>(())
        })?;
    }
    Ok(erased)
}

/// Starts the retention round every 20 job intervals (100 s by default):
/// retention counts in days, and each round scans the closed referrals that
/// still hold a contact.
pub fn start_jobs(state: web::Data<AppState>) {
    crate::jobs::every_intervals(state, "contact retention", 20, erase_expired);
}

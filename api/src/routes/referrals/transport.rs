//! A referral's transport leg as the two organizations arrange it, and who
//! can see it while it waits for a driver.

use actix_web::{HttpResponse, put, web};
use chrono::Utc;
use uuid::Uuid;
use warren_domain::people::{Skill, SkillEntry, has_skill, sees_leg};
use warren_domain::referral::{
    LegState, TransportAsk, TransportStatus, awaits_driver, drive_day, plan_transport, unclaimed_at,
};
use warren_store::people as people_store;
use warren_store::referrals::{self as store, ReferralRow};
use warren_store::{DbConnection, accounts, parse_id};
use warren_wire::{PersonRef, Referral, TransportLeg, TransportReach, TransportRequest};

use super::{acting_organization, forbid_volunteers, load, reread};
use crate::api::Api;
use crate::auth::actor_name;
use crate::error::{ApiError, BodyProblems, ObjectProblems, VersionProblems};
use crate::extract::{IfMatch, ValidJson, versioned};

/// The leg as the domain's transport rules read it, for the caller
/// `user_id` (if a person).
pub fn leg_state(leg: &TransportLeg, user_id: Option<&str>) -> LegState {
    LegState {
        status: leg.status,
        shared_with_network: leg.shared_with_network,
        has_driver: leg.driver.is_some(),
        driven_by_caller: leg
            .driver
            .as_ref()
            .zip(user_id)
            .is_some_and(|(driver, user_id)| driver.user_id.to_string() == user_id),
    }
}

/// Arrange or change the transport leg (either organization, `If-Match`
/// required): pickup, drop-off, window, notes, a driver from either
/// organization's members, and the leg's status (`new → confirmed →
/// scheduled → completed | cancelled`). Moves the referral's business status
/// along. A leg without a driver is listed for the two organizations'
/// members; the referrer may also share it with every volunteer of the
/// network holding a valid transport skill (`share_with_network`, on by
/// default for tier 1–3; the receiver may not change it, 403). Past
/// `needed_by` with nobody driving, the referrer's side is alerted once.
#[utoipa::path(
    operation_id = "arrange_referral_transport",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    request_body = TransportRequest,
    params(
        ("id" = Uuid, Path, description = "The referral."),
        ("If-Match" = String, Header, description = "The referral's ETag."),
    ),
    responses(
        (status = 200, description = "The referral with its transport leg.", body = Referral),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[put("/referrals/{id}/transport")]
pub async fn arrange_transport(
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<TransportRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, request) = (id.into_inner(), body.value);
    let referral = api
        .write(move |tx| {
            let (row, side) = load(tx, id)?;
            forbid_volunteers(tx.who, &row, side)?;
            let driver = match request.driver_user_id {
                Some(user_id) => member_of_either(tx, &row, &user_id.to_string())?,
                None => None,
            };
            let current = row.transport()?;
            let plan = plan_transport(
                side,
                row.status()?,
                row.tier()?,
                current.as_ref().map(|leg| leg_state(leg, None)),
                TransportAsk {
                    window_starts: request.window_starts,
                    window_ends: request.window_ends,
                    needed_by: request.needed_by,
                    status: request.status,
                    share_with_network: request.share_with_network,
                    driver_is_member: request.driver_user_id.map(|_| driver.is_some()),
                },
            )?;
            let leg = TransportLeg {
                status: plan.status,
                pickup: request.pickup.to_string(),
                dropoff: request.dropoff.to_string(),
                window_starts: request.window_starts,
                window_ends: request.window_ends,
                notes: request.notes.as_ref().map(ToString::to_string),
                driver,
                shared_with_network: plan.shared_with_network,
                needed_by: plan.needed_by,
            };
            let note = match (&leg.driver, plan.status) {
                (Some(driver), TransportStatus::Scheduled) => format!(
                    "Transport scheduled: {} drives from {} to {}.",
                    driver.name, leg.pickup, leg.dropoff
                ),
                (_, to) => format!(
                    "Transport {}: {} → {}.",
                    to.label().to_lowercase(),
                    leg.pickup,
                    leg.dropoff
                ),
            };
            let name = actor_name(tx.who);
            store::set_transport(tx, &row, version.0, &leg, &name, &note)?;
            let details = serde_json::json!({ "status": plan.status.as_str() });
            tx.audit(
                "referral.transport_changed",
                "referral",
                &row.id,
                acting_organization(&row, side),
                details,
            )?;
            let after = store::row(tx, &row.id)?;
            tx.raise("referral.transport_changed", &after)?;
            reread(tx, &row.id, side)
        })
        .await?;
    Ok(versioned(&referral, referral.version))
}

/// The person `user_id` when they are a member of either organization of
/// `row`.
fn member_of_either(
    connection: &mut DbConnection,
    row: &ReferralRow,
    user_id: &str,
) -> Result<Option<PersonRef>, ApiError> {
    let member = [&row.referrer_org_id, &row.receiver_org_id]
        .into_iter()
        .any(|organization| accounts::role_of(connection, organization, user_id).is_ok());
    if !member {
        return Ok(None);
    }
    let user = accounts::find_user(connection, user_id)?;
    Ok(Some(PersonRef {
        user_id: parse_id(&user.id)?,
        name: user.name,
    }))
}

/// Who can see a leg that waits for a driver and take it, for the two
/// organizations' view of the referral: the volunteers with a transport
/// skill valid on the day of the drive among the two organizations'
/// members, and, when the leg is shared and the network shares legs, among
/// every vetted organization's members. `None` once a driver is named or
/// the leg is no longer needed.
pub fn transport_reach(
    connection: &mut DbConnection,
    row: &ReferralRow,
) -> Result<Option<TransportReach>, ApiError> {
    let Some(leg) = row.transport()? else {
        return Ok(None);
    };
    if !row.status()?.is_open() || !awaits_driver(leg.status, leg.driver.is_some()) {
        return Ok(None);
    }
    let (network_shares, _) = store::transport_sharing(connection)?;
    let shared = network_shares && leg.shared_with_network;
    let day = drive_day(leg.window_starts, Utc::now().date_naive());
    let mut qualified: u32 = 0;
    for driver in people_store::network_drivers(connection)? {
        let skills: Vec<SkillEntry> = serde_json::from_str(&driver.skills)
            .map_err(|_| ApiError::corrupt("volunteer skills"))?;
        let own = driver
            .organization_ids
            .iter()
            .any(|id| *id == row.referrer_org_id || *id == row.receiver_org_id);
        if has_skill(&skills, Skill::Transport, day) && sees_leg(own, shared, &skills, day) {
            qualified = qualified.saturating_add(1);
        }
    }
    Ok(Some(TransportReach {
        shared,
        network_shares,
        qualified_volunteers: qualified,
        late: unclaimed_at(leg.status, false, leg.needed_by, Utc::now()),
    }))
}

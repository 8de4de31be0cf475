//! Drives: the transport legs that wait for a driver, a volunteer's
//! assignments, and taking or giving back a leg.

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use uuid::Uuid;
use warren_domain::directory::taxonomy::Taxonomy;
use warren_domain::people::{Skill, distance_km, has_skill, sees_leg};
use warren_domain::referral::{
    DriveError, DriverReach, Party, drive_day, driver_reach, give_back_drive, take_drive,
};
use warren_store::people as store;
use warren_store::referrals::{self as referral_store, Names, ReferralRow};
use warren_store::{DbConnection, parse_id};
use warren_wire::{
    Assignments, DeclineDriveRequest, ErrorCode, PersonRef, Referral, ReferralSide, TransportJob,
    TransportJobs, TransportLeg,
};

use super::active_skills;
use super::placements::placement_views;
use crate::api::{Api, Tx};
use crate::auth::Principal;
use crate::directory::Snapshot;
use crate::error::{ApiError, BodyProblems, ObjectProblems, RoleProblems};
use crate::extract::{ValidJson, versioned};
use crate::routes::referrals::{acting_organization, leg_state, view, view_for};

/// The caller's area centre, when their profile has one.
fn centre_of(
    connection: &mut DbConnection,
    principal: &Principal,
) -> Result<Option<(f64, f64)>, ApiError> {
    let Some(user) = &principal.user else {
        return Ok(None);
    };
    Ok(store::profile(connection, &user.id)?.and_then(|row| row.latitude.zip(row.longitude)))
}

/// The driver's view of referrals' transport legs; `own` lists the
/// caller's organizations (a leg of neither side reached them through the
/// network).
fn jobs(
    connection: &mut DbConnection,
    snapshot: &Snapshot,
    rows: &[ReferralRow],
    centre: Option<(f64, f64)>,
    own: &[String],
) -> Result<Vec<TransportJob>, ApiError> {
    let names = Names::for_rows(connection, rows)?;
    let mut jobs = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(leg) = row.transport()? else {
            continue;
        };
        let referrer_site = row
            .referrer_site_id
            .as_deref()
            .and_then(|id| Uuid::parse_str(id).ok())
            .and_then(|id| snapshot.records.get(&id));
        let distance = centre.zip(referrer_site).map(|(centre, site)| {
            let km = distance_km(centre, (site.fields.latitude, site.fields.longitude));
            (km * 10.0).round() / 10.0
        });
        jobs.push(TransportJob {
            referral_id: parse_id(&row.id)?,
            version: row.version,
            priority: u8::try_from(row.priority).map_err(|_| ApiError::corrupt("priority"))?,
            species: row.species.clone(),
            species_label: snapshot
                .vocabulary()
                .label(Taxonomy::Species, &row.species)
                .to_owned(),
            patient_name: row.patient()?.name.map(|name| name.to_string()),
            referrer_name: names.organization_name(&row.referrer_org_id),
            receiver_name: names.organization_name(&row.receiver_org_id),
            pickup: leg.pickup,
            dropoff: leg.dropoff,
            window_starts: leg.window_starts,
            window_ends: leg.window_ends,
            notes: leg.notes,
            status: leg.status,
            driver: leg.driver,
            needed_by: leg.needed_by,
            via_network: !own.contains(&row.referrer_org_id) && !own.contains(&row.receiver_org_id),
            distance_km: distance,
        });
    }
    Ok(jobs)
}

/// Transports without a driver: the transport legs of open referrals that
/// are asked for or confirmed and have no driver yet, most urgent first —
/// those of the caller's organizations (either side), and, while the
/// network shares legs, those referrers shared with the network when the
/// caller's transport skill is valid on the day of the drive. Each shows
/// where, when, the species and tier, and how far the pickup is from the
/// caller's area — never the owner's or finder's contact details.
#[utoipa::path(
    operation_id = "list_unassigned_transports",
    tag = "volunteers",
    security(("bearer" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "The legs, most urgent first.", body = TransportJobs),
        RoleProblems,
    )
)]
#[get("/transports/unassigned")]
pub async fn unassigned_transports(api: Api) -> Result<HttpResponse, ApiError> {
    let list = api
        .read(move |tx| {
            let who = tx.who;
            let organizations: Vec<String> = who.access.organizations().cloned().collect();
            let skills = match &who.user {
                Some(user) => active_skills(tx, &user.id)?,
                None => Vec::new(),
            };
            let today = Utc::now().date_naive();
            let shared = if who.in_network && has_skill(&skills, Skill::Transport, today) {
                let (network_shares, _) = referral_store::transport_sharing(tx)?;
                network_shares
            } else {
                false
            };
            let rows = store::unassigned_transports(tx, &organizations, shared)?;
            // A shared leg of other organizations reaches the caller only if
            // their skill is still valid on the day it is driven.
            let mut visible = Vec::with_capacity(rows.len());
            for row in rows {
                let own = row.side_of(organizations.iter()).is_some();
                let day = drive_day(row.transport()?.and_then(|leg| leg.window_starts), today);
                if sees_leg(own, shared, &skills, day) {
                    visible.push(row);
                }
            }
            let centre = centre_of(tx, who)?;
            let snapshot = tx.state.directory.current();
            Ok(TransportJobs {
                items: jobs(tx, &snapshot, &visible, centre, &organizations)?,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Your assignments: the drives offered to you or scheduled with you as
/// driver on open referrals, and the foster placements offered to you or
/// accepted.
#[utoipa::path(
    operation_id = "list_my_assignments",
    tag = "volunteers",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Drives and placements.", body = Assignments),
        RoleProblems,
    )
)]
#[get("/me/assignments")]
pub async fn my_assignments(api: Api) -> Result<HttpResponse, ApiError> {
    let user = api.who.person()?.clone();
    let assignments = api
        .read(move |tx| {
            let who = tx.who;
            let snapshot = tx.state.directory.current();
            let drives = store::drives_of(tx, &user.id)?;
            let centre = centre_of(tx, who)?;
            let placements = store::open_placements_of(tx, &user.id)?;
            let own: Vec<String> = who.access.organizations().cloned().collect();
            Ok(Assignments {
                transports: jobs(tx, &snapshot, &drives, centre, &own)?,
                placements: placement_views(tx, &snapshot, who, &placements)?,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(assignments))
}

/// The referral `id` and how the caller reaches its leg as a driver
/// ([`driver_reach`]); anyone else is told nothing (404).
fn load_for_driver(tx: &mut Tx, id: Uuid) -> Result<(ReferralRow, DriverReach), ApiError> {
    let row = referral_store::row(tx, &id.to_string())?;
    let who = tx.who;
    let user_id = who.user.as_ref().map(|user| user.id.as_str());
    let (network_shares, _) = referral_store::transport_sharing(tx)?;
    let reach = driver_reach(
        row.side_of(who.access.organizations()),
        who.access.is_network_admin(),
        who.in_network && user_id.is_some(),
        row.transport()?.map(|leg| leg_state(&leg, user_id)),
        network_shares,
    )
    .ok_or(ApiError::NotFound)?;
    Ok((row, reach))
}

/// The referral `id` as a driver reaching it by `reach` may read it: as
/// their side sees it, or — for a volunteer of another organization, who
/// reads the case to carry the animal and decides nothing — without the
/// owner's or finder's contact, moves or the leg's reach.
fn driver_view(tx: &mut Tx, id: &str, reach: DriverReach) -> Result<Referral, ApiError> {
    let row = referral_store::row(tx, id)?;
    match reach {
        DriverReach::Side(side) => view_for(tx, &row, side),
        DriverReach::Network => {
            let mut referral = view(tx, &row, Party::Coordinator)?;
            referral.contact = None;
            referral.next_statuses.clear();
            referral.transport_reach = None;
            referral.side = ReferralSide::Driver;
            Ok(referral)
        }
    }
}

/// The organization a driver's change is recorded for: their side's, or
/// the referrer's for a volunteer of the network.
fn audited_organization(row: &ReferralRow, reach: DriverReach) -> Option<&str> {
    match reach {
        DriverReach::Side(side) => acting_organization(row, side),
        DriverReach::Network => Some(&row.referrer_org_id),
    }
}

/// What a driver did to a leg, for its timeline and the audit log.
struct DriveChange<'a> {
    /// The driver's name.
    driver: &'a str,
    /// The line on the referral's timeline.
    note: String,
    /// The audit action.
    action: &'static str,
    /// The audit details.
    details: serde_json::Value,
}

/// Saves `leg` as the driver reaching `row` by `reach` changed it (409 if
/// the leg changed meanwhile), audits and raises the change, and answers
/// with the referral as the driver may read it.
fn save_drive(
    tx: &mut Tx,
    row: &ReferralRow,
    reach: DriverReach,
    leg: &TransportLeg,
    change: DriveChange<'_>,
) -> Result<Referral, ApiError> {
    referral_store::set_transport(tx, row, row.version, leg, change.driver, &change.note)
        .map_err(|error| raced(error.into()))?;
    let organization = audited_organization(row, reach);
    tx.audit(
        change.action,
        "referral",
        &row.id,
        organization,
        change.details,
    )?;
    let after = referral_store::row(tx, &row.id)?;
    tx.raise("referral.transport_changed", &after)?;
    driver_view(tx, &row.id, reach)
}

/// A concurrent change between reading the leg and changing it.
fn raced(error: ApiError) -> ApiError {
    match error {
        ApiError::Stale => ApiError::conflict(
            ErrorCode::TransportChanged,
            "The transport changed while you answered; nothing was saved. Reload it and try again.",
        ),
        other => other,
    }
}

/// Take a transport leg as its driver: a leg without a driver, or one
/// offered to you, on an open referral of one of your organizations, or a
/// leg its referrer shared with the network (while the network shares
/// legs). Your volunteer profile must hold the transport skill, valid on
/// the day of the drive. The leg becomes `scheduled` with you as driver, both
/// organizations see it on the referral's timeline and live stream, and a
/// second volunteer who tries a moment later is told it is taken (409).
#[utoipa::path(
    operation_id = "accept_referral_transport",
    tag = "volunteers",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The referral.")),
    responses(
        (status = 200, description = "The referral with you as driver.", body = warren_wire::Referral),
        (status = 409, description = "The referral has no transport leg, or another volunteer drives it.", body = warren_wire::Problem, content_type = "application/problem+json"),
        ObjectProblems,
        RoleProblems,
    )
)]
#[post("/referrals/{id}/transport/accept")]
pub async fn accept_transport(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let user = api.who.person()?.clone();
    let id = id.into_inner();
    let referral = api
        .write(move |tx| {
            let (row, reach) = load_for_driver(tx, id)?;
            let leg = row.transport()?;
            let skills = active_skills(tx, &user.id)?;
            let today = Utc::now().date_naive();
            let day = drive_day(leg.as_ref().and_then(|leg| leg.window_starts), today);
            let state = leg.as_ref().map(|leg| leg_state(leg, Some(&user.id)));
            let status = take_drive(reach, row.status()?.is_open(), state, &skills, day)?;
            let mut leg = leg.ok_or(DriveError::NoLeg)?;
            leg.driver = Some(PersonRef {
                user_id: parse_id(&user.id)?,
                name: user.name.clone(),
            });
            leg.status = status;
            let note = format!(
                "{} will drive from {} to {}.",
                user.name, leg.pickup, leg.dropoff
            );
            let details = serde_json::json!({ "driver_user_id": user.id });
            let change = DriveChange {
                driver: &user.name,
                note,
                action: "referral.transport_accepted",
                details,
            };
            save_drive(tx, &row, reach, &leg, change)
        })
        .await?;
    Ok(versioned(&referral, referral.version))
}

/// Give back a drive you were offered or took: the leg loses its driver
/// (a scheduled leg goes back to `confirmed`), with your reason on the
/// referral's timeline, and returns to the transports without a driver.
#[utoipa::path(
    operation_id = "decline_referral_transport",
    tag = "volunteers",
    security(("bearer" = [])),
    request_body = DeclineDriveRequest,
    params(("id" = Uuid, Path, description = "The referral.")),
    responses(
        (status = 200, description = "The referral without a driver.", body = warren_wire::Referral),
        (status = 409, description = "You do not drive this transport, or it is already under way or delivered (`not_your_drive`).", body = warren_wire::Problem, content_type = "application/problem+json"),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/referrals/{id}/transport/decline")]
pub async fn decline_transport(
    api: Api,
    id: web::Path<Uuid>,
    body: ValidJson<DeclineDriveRequest>,
) -> Result<HttpResponse, ApiError> {
    let user = api.who.person()?.clone();
    let id = id.into_inner();
    let reason = body.value.reason.map(|reason| reason.to_string());
    let referral = api
        .write(move |tx| {
            let (row, reach) = load_for_driver(tx, id)?;
            let mut leg = row.transport()?.ok_or(ApiError::NotFound)?;
            leg.status = give_back_drive(leg_state(&leg, Some(&user.id)))?;
            leg.driver = None;
            let note = match &reason {
                Some(reason) => format!("{} cannot drive: {reason}", user.name),
                None => format!("{} cannot drive.", user.name),
            };
            let details = serde_json::json!({ "reason": reason });
            let change = DriveChange {
                driver: &user.name,
                note,
                action: "referral.transport_declined",
                details,
            };
            save_drive(tx, &row, reach, &leg, change)
        })
        .await?;
    Ok(versioned(&referral, referral.version))
}

//! The volunteer roster: each person's volunteer profile, an organization's
//! roster, the transport legs that need a driver, a volunteer's assignments,
//! and foster placements.
//!
//! Who may do what: everyone keeps their own profile; an organization's
//! admins, clinicians and staff (and network admins) read its roster and
//! offer placements; any member of either organization of a referral may
//! take its transport leg if their transport skill is valid on the day, and
//! so may any volunteer of the network when the referrer shared the leg and
//! the network shares legs ([`warren_domain::people::sees_leg`]);
//! only the named driver gives a leg back, and only the fosterer answers a
//! placement offer ([`warren_domain::people`]).

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;
use warren_domain::Role;
use warren_domain::directory::hours::{CountryCode, Hours, OpeningHoursText, Timezone};
use warren_domain::directory::taxonomy::Taxonomy;
use warren_domain::people::{
    FosterParty, FosterStatus, PeopleError, Skill, SkillEntry, check_area, check_placement_dates,
    check_skills, distance_km, has_skill, require_skill, sees_leg,
};
use warren_domain::referral::{Party, TransportStatus, awaits_driver, unclaimed_at};
use warren_store::audit::{self, Change};
use warren_store::people::{self as store, PlacementRow, VolunteerProfileRow};
use warren_store::referrals::{self as referral_store, Names, ReferralRow};
use warren_store::{DbConnection, StoreError, accounts, new_id, now, parse_id, utc};
use warren_wire::{
    Assignments, CreatePlacementRequest, DeclineDriveRequest, FieldError, PersonRef, Placement,
    PlacementTransitionRequest, Placements, Roster, RosterEntry, RosterQuery, SkillStatus,
    TransportJob, TransportJobs, TransportReach, VolunteerProfile, VolunteerProfileRequest,
};

use crate::auth::Principal;
use crate::directory::Snapshot;
use crate::error::{ApiError, BodyProblems, ObjectProblems, RoleProblems, VersionProblems};
use crate::extract::{IdempotencyKey, IfMatch, ValidJson, versioned};
use crate::idempotency::{self, Creation};
use crate::referrals::{Raised, acting_organization, actor_name, redact_for, side, view};
use crate::state::AppState;
use warren_wire::ErrorCode;

/// The timezone availability is read in when the profile names none.
const DEFAULT_TIMEZONE: &str = "Europe/London";
/// Whose public holidays a profile's `PH` rules follow.
const HOLIDAY_COUNTRY: &str = "GB";

fn corrupt(what: &str) -> ApiError {
    ApiError::Internal(format!("corrupt stored {what}"))
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn skills_of(row: &VolunteerProfileRow) -> Result<Vec<SkillEntry>, ApiError> {
    serde_json::from_str(&row.skills).map_err(|_| corrupt("volunteer skills"))
}

fn hours_of(row: &VolunteerProfileRow) -> Result<Hours, ApiError> {
    let text = OpeningHoursText::parse(row.availability.as_str())
        .map_err(|_| corrupt("volunteer availability"))?;
    let timezone = Timezone::parse(&row.timezone).map_err(|_| corrupt("volunteer timezone"))?;
    let country = CountryCode::parse(HOLIDAY_COUNTRY).map_err(|_| corrupt("holiday country"))?;
    Ok(Hours::new(&text, timezone, country))
}

fn profile_view(
    row: &VolunteerProfileRow,
    name: &str,
    at: DateTime<Utc>,
) -> Result<VolunteerProfile, ApiError> {
    let hours = hours_of(row)?;
    let day = at.date_naive();
    Ok(VolunteerProfile {
        user_id: parse_id(&row.user_id)?,
        name: name.to_owned(),
        skills: skills_of(row)?
            .into_iter()
            .map(|entry| SkillStatus {
                skill: entry.skill,
                expires_on: entry.expires_on,
                valid: entry.valid_on(day),
            })
            .collect(),
        availability: row.availability.clone(),
        timezone: row.timezone.clone(),
        available_now: hours.is_open(at),
        week: hours.week(at),
        area: row.area.clone(),
        latitude: row.latitude,
        longitude: row.longitude,
        radius_km: row.radius_km.and_then(|km| u32::try_from(km).ok()),
        has_vehicle: row.has_vehicle,
        notes: row.notes.clone(),
        active: row.active,
        updated_at: utc(row.updated_at),
        version: row.version,
    })
}

/// Read your own volunteer profile (404 until you write one).
#[utoipa::path(
    operation_id = "read_my_volunteer_profile",
    tag = "volunteers",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The profile; its ETag is the version.", body = VolunteerProfile),
        ObjectProblems,
    )
)]
#[get("/me/volunteer-profile")]
pub async fn read_my_profile(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let user = principal.person()?.clone();
    let profile = web::block(move || {
        state.store.read(|connection| {
            let row = store::profile(connection, &user.id)?.ok_or(ApiError::NotFound)?;
            profile_view(&row, &user.name, Utc::now())
        })
    })
    .await??;
    Ok(versioned(&profile, profile.version))
}

/// Write your own volunteer profile: skills (each once; first aid with the
/// day its certificate expires), weekly availability in `opening_hours`
/// syntax, the area you cover, whether you drive your own vehicle. The first
/// write creates it; later ones need its ETag as `If-Match`.
#[utoipa::path(
    operation_id = "save_my_volunteer_profile",
    tag = "volunteers",
    security(("bearer" = [])),
    request_body = VolunteerProfileRequest,
    params(
        ("If-Match" = Option<String>, Header, description = "The profile's ETag; required once it exists."),
    ),
    responses(
        (status = 200, description = "The profile.", body = VolunteerProfile),
        BodyProblems,
        VersionProblems,
    )
)]
#[put("/me/volunteer-profile")]
pub async fn save_my_profile(
    state: web::Data<AppState>,
    principal: Principal,
    version: Option<IfMatch>,
    body: ValidJson<VolunteerProfileRequest>,
) -> Result<HttpResponse, ApiError> {
    let user = principal.person()?.clone();
    let request = body.value;
    let skills = check_skills(request.skills)?;
    check_area(request.latitude, request.longitude, request.radius_km)?;
    let timezone = request
        .timezone
        .map_or(DEFAULT_TIMEZONE, |zone| zone.name())
        .to_owned();
    let profile = web::block(move || {
        state.store.write(|connection| {
            let existing = store::profile(connection, &user.id)?;
            let expected = match (&existing, version) {
                (None, None) => None,
                (None, Some(_)) => return Err(ApiError::Stale),
                (Some(_), None) => return Err(ApiError::PreconditionRequired),
                (Some(_), Some(IfMatch(version))) => Some(version),
            };
            let at = now();
            let row = VolunteerProfileRow {
                user_id: user.id.clone(),
                skills: serde_json::to_string(&skills)
                    .map_err(|error| ApiError::Internal(error.to_string()))?,
                availability: request.availability.as_str().to_owned(),
                timezone,
                area: request.area.to_string(),
                latitude: request.latitude,
                longitude: request.longitude,
                radius_km: request.radius_km.and_then(|km| i32::try_from(km).ok()),
                has_vehicle: request.has_vehicle,
                notes: request.notes.as_ref().map(ToString::to_string),
                active: request.active,
                created_at: existing.as_ref().map_or(at, |row| row.created_at),
                updated_at: at,
                version: expected.map_or(1, |version| version + 1),
            };
            let saved = store::save_profile(connection, &row, expected)?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "volunteer_profile.saved",
                    target_type: "user",
                    target_id: &user.id,
                    organization_id: None,
                    details: serde_json::json!({
                        "skills": skills.iter().map(|entry| entry.skill.as_str()).collect::<Vec<_>>(),
                        "active": saved.active,
                        "version": saved.version,
                    }),
                },
            )?;
            profile_view(&saved, &user.name, Utc::now())
        })
    })
    .await??;
    Ok(versioned(&profile, profile.version))
}

/// 404 for outsiders, 403 for volunteers: the roster and placements are run
/// by the organization's admins, clinicians and staff, and network admins.
fn require_coordinator(principal: &Principal, organization: &str) -> Result<(), ApiError> {
    principal.require_read(organization)?;
    let organization = organization.to_owned();
    if principal.access.is_network_admin() || principal.access.can_act(&organization) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only the organization's admins, clinicians and staff run its volunteer roster.".into(),
        ))
    }
}

fn invalid_filter(field: &str, message: &str) -> ApiError {
    ApiError::InvalidFilter(FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    })
}

/// An organization's volunteer roster: its members who keep a volunteer
/// profile, with their skills (and whether each is valid today), weekly
/// availability, area, vehicle and open assignments. Filters combine: a
/// skill valid today, free at an instant (`now` or RFC 3339), own vehicle.
/// For the organization's admins, clinicians and staff, and network admins.
#[utoipa::path(
    operation_id = "list_volunteers",
    tag = "volunteers",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("id" = Uuid, Path, description = "The organization."),
        RosterQuery,
    ),
    responses(
        (status = 200, description = "The roster, by name.", body = Roster),
        RoleProblems,
        ObjectProblems,
    )
)]
#[get("/organizations/{id}/volunteers")]
pub async fn roster(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    query: web::Query<RosterQuery>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    require_coordinator(&principal, &organization)?;
    let query = query.into_inner();
    let available_at = match query.available_at.as_deref() {
        None => None,
        Some("now") => Some(Utc::now()),
        Some(text) => Some(
            DateTime::parse_from_rfc3339(text)
                .map_err(|_| invalid_filter("available_at", "must be `now` or an RFC 3339 time"))?
                .with_timezone(&Utc),
        ),
    };
    let roster = web::block(move || {
        state.store.read(|connection| {
            let rows = store::roster(connection, &organization)?;
            let ids: Vec<String> = rows.iter().map(|row| row.profile.user_id.clone()).collect();
            let counts = store::open_assignment_counts(connection, &ids)?;
            let at = Utc::now();
            let mut items = Vec::new();
            for row in rows {
                if !row.profile.active && query.include_inactive != Some(true) {
                    continue;
                }
                if query
                    .has_vehicle
                    .is_some_and(|wanted| wanted && !row.profile.has_vehicle)
                {
                    continue;
                }
                if let Some(skill) = query.skill
                    && !has_skill(&skills_of(&row.profile)?, skill, at.date_naive())
                {
                    continue;
                }
                if let Some(when) = available_at
                    && !hours_of(&row.profile)?.is_open(when)
                {
                    continue;
                }
                let open = counts.get(&row.profile.user_id).copied().unwrap_or(0);
                items.push(RosterEntry {
                    profile: profile_view(&row.profile, &row.name, at)?,
                    email: row.email,
                    role: Role::parse(&row.role).ok_or_else(|| corrupt("role"))?,
                    open_assignments: u32::try_from(open).unwrap_or(u32::MAX),
                });
            }
            Ok::<_, ApiError>(Roster { items })
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(roster))
}

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
            priority: u8::try_from(row.priority).map_err(|_| corrupt("priority"))?,
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
pub async fn unassigned_transports(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let organizations: Vec<String> = principal.access.organizations().cloned().collect();
    let snapshot = state.directory.current();
    let list = web::block(move || {
        state.store.read(|connection| {
            let skills = own_skills(connection, &principal)?;
            let shared = principal.in_network
                && has_skill(&skills, Skill::Transport, today())
                && referral_store::transport_sharing(connection)?.share_with_network;
            let mut rows = store::unassigned_transports(connection, &organizations, shared)?;
            // A shared leg of other organizations reaches the caller only if
            // their skill is still valid on the day it is driven.
            let mut visible = Vec::with_capacity(rows.len());
            for row in rows.drain(..) {
                let own = row.side_of(organizations.iter()).is_some();
                let day = drive_day(row.transport()?.and_then(|leg| leg.window_starts));
                if sees_leg(own, shared, &skills, day) {
                    visible.push(row);
                }
            }
            let centre = centre_of(connection, &principal)?;
            Ok::<_, ApiError>(TransportJobs {
                items: jobs(connection, &snapshot, &visible, centre, &organizations)?,
            })
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(list))
}

fn placement_party(principal: &Principal, row: &PlacementRow) -> Option<FosterParty> {
    if principal.access.can_act(&row.organization_id) || principal.access.is_network_admin() {
        Some(FosterParty::Organization)
    } else if principal
        .user
        .as_ref()
        .is_some_and(|user| user.id == row.volunteer_user_id)
    {
        Some(FosterParty::Volunteer)
    } else {
        None
    }
}

fn placement_views(
    connection: &mut DbConnection,
    snapshot: &Snapshot,
    principal: &Principal,
    rows: &[PlacementRow],
) -> Result<Vec<Placement>, ApiError> {
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let volunteer = accounts::find_user(connection, &row.volunteer_user_id)?;
        let organization = warren_store::organizations::find(connection, &row.organization_id)?;
        let status = FosterStatus::parse(&row.status).ok_or_else(|| corrupt("placement status"))?;
        // The fosterer is also the organization's member: they answer as the
        // volunteer, and their colleagues' moves are open to them too.
        let mut parties = Vec::new();
        if principal
            .user
            .as_ref()
            .is_some_and(|user| user.id == row.volunteer_user_id)
        {
            parties.push(FosterParty::Volunteer);
        }
        if principal.access.can_act(&row.organization_id) || principal.access.is_network_admin() {
            parties.push(FosterParty::Organization);
        }
        let allowed = FosterStatus::ALL
            .iter()
            .copied()
            .filter(|to| {
                parties
                    .iter()
                    .any(|by| status.check_transition(*to, *by).is_ok())
            })
            .collect();
        views.push(Placement {
            id: parse_id(&row.id)?,
            organization_id: parse_id(&row.organization_id)?,
            organization_name: organization.name,
            volunteer: PersonRef {
                user_id: parse_id(&volunteer.id)?,
                name: volunteer.name,
            },
            referral_id: row.referral_id.as_deref().map(parse_id).transpose()?,
            species: row.species.clone(),
            species_label: snapshot
                .vocabulary()
                .label(Taxonomy::Species, &row.species)
                .to_owned(),
            animal_name: row.animal_name.clone(),
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            status,
            notes: row.notes.clone(),
            status_note: row.status_note.clone(),
            created_by: row.created_by.clone(),
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            allowed,
            version: row.version,
        });
    }
    Ok(views)
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
pub async fn my_assignments(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let user = principal.person()?.clone();
    let snapshot = state.directory.current();
    let assignments = web::block(move || {
        state.store.read(|connection| {
            let drives = store::drives_of(connection, &user.id)?;
            let centre = centre_of(connection, &principal)?;
            let placements = store::open_placements_of(connection, &user.id)?;
            let own: Vec<String> = principal.access.organizations().cloned().collect();
            Ok::<_, ApiError>(Assignments {
                transports: jobs(connection, &snapshot, &drives, centre, &own)?,
                placements: placement_views(connection, &snapshot, &principal, &placements)?,
            })
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(assignments))
}

/// The day a leg is driven: its window's start, or today.
fn drive_day(window_starts: Option<DateTime<Utc>>) -> NaiveDate {
    window_starts.map_or_else(today, |at| at.date_naive().max(today()))
}

/// The caller's skills, while their volunteer profile is active.
fn own_skills(
    connection: &mut DbConnection,
    principal: &Principal,
) -> Result<Vec<SkillEntry>, ApiError> {
    let Some(user) = &principal.user else {
        return Ok(Vec::new());
    };
    match store::profile(connection, &user.id)? {
        Some(profile) if profile.active => skills_of(&profile),
        _ => Ok(Vec::new()),
    }
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
    let network_shares = referral_store::transport_sharing(connection)?.share_with_network;
    let shared = network_shares && leg.shared_with_network;
    let day = drive_day(leg.window_starts);
    let mut qualified: u32 = 0;
    for driver in store::network_drivers(connection)? {
        let skills: Vec<SkillEntry> =
            serde_json::from_str(&driver.skills).map_err(|_| corrupt("volunteer skills"))?;
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

/// How the caller reaches a referral's leg as a driver: through their side
/// of it, or (`None`) as a volunteer of the network the referrer shared the
/// leg with — while it waits for a driver, or once they drive it. Anyone
/// else is told nothing (404).
fn driver_reach(
    connection: &mut DbConnection,
    principal: &Principal,
    row: &ReferralRow,
) -> Result<Option<Party>, ApiError> {
    let side = match side(principal, row) {
        Ok(Party::Coordinator) => None,
        Ok(side) => return Ok(Some(side)),
        Err(ApiError::NotFound) => None,
        Err(other) => return Err(other),
    };
    let reachable = match (&principal.user, row.transport()?) {
        (Some(user), Some(leg)) if principal.in_network && leg.shared_with_network => {
            let drives = leg
                .driver
                .as_ref()
                .is_some_and(|driver| driver.user_id.to_string() == user.id);
            drives
                || (awaits_driver(leg.status, leg.driver.is_some())
                    && referral_store::transport_sharing(connection)?.share_with_network)
        }
        _ => false,
    };
    match (reachable, side) {
        (true, _) => Ok(None),
        (false, Some(side)) => Ok(Some(side)),
        (false, None) if principal.access.is_network_admin() => Ok(Some(Party::Coordinator)),
        (false, None) => Err(ApiError::NotFound),
    }
}

/// Runs a driver's change on one referral's leg in a transaction, answers
/// with the referral as the driver may see it (never the owner's or
/// finder's contact), and publishes its events. The work gets the caller's
/// side, or `None` for a volunteer of the network.
async fn drive_change<F>(
    state: web::Data<AppState>,
    principal: Principal,
    id: Uuid,
    work: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(
            &mut DbConnection,
            &Principal,
            &ReferralRow,
            Option<Party>,
            &mut Raised,
        ) -> Result<(), ApiError>
        + Send
        + 'static,
{
    let id = id.to_string();
    let referral = web::block(move || {
        let (referral, raised) = state.store.write(|connection| {
            let row = referral_store::row(connection, &id)?;
            let reach = driver_reach(connection, &principal, &row)?;
            let mut raised = Raised::default();
            work(connection, &principal, &row, reach, &mut raised)?;
            let row = referral_store::row(connection, &id)?;
            let referral = match reach {
                Some(side) => {
                    let mut referral = view(connection, &row, side)?;
                    if let Some(organization) = acting_organization(&row, side) {
                        redact_for(&principal, organization, &mut referral);
                    }
                    referral
                }
                None => {
                    // A volunteer of another organization drives it: they
                    // read the case to carry the animal, and decide nothing.
                    let mut referral = view(connection, &row, Party::Coordinator)?;
                    referral.contact = None;
                    referral.next_statuses.clear();
                    referral.transport_reach = None;
                    "driver".clone_into(&mut referral.side);
                    referral
                }
            };
            Ok::<_, ApiError>((referral, raised))
        })?;
        state.events.publish(raised.0);
        Ok::<_, ApiError>(referral)
    })
    .await??;
    Ok(versioned(&referral, referral.version))
}

/// The organization a driver's change is recorded for: their side's, or
/// the referrer's for a volunteer of the network.
fn audited_organization(row: &ReferralRow, reach: Option<Party>) -> Option<&str> {
    match reach {
        Some(side) => acting_organization(row, side),
        None => Some(&row.referrer_org_id),
    }
}

fn taken() -> ApiError {
    ApiError::conflict(
        ErrorCode::TransportTaken,
        "Someone else is already driving this transport.",
    )
}

/// A concurrent change between reading the leg and taking it.
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
pub async fn accept_transport(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let user = principal.person()?.clone();
    drive_change(
        state,
        principal,
        id.into_inner(),
        move |connection, principal, row, reach, raised| {
            if reach == Some(Party::Coordinator) {
                return Err(ApiError::Forbidden(
                    "Drivers are members of either organization of the referral, or volunteers of the network it was shared with.".into(),
                ));
            }
            let Some(mut leg) = row.transport()? else {
                return Err(ApiError::conflict(
                    ErrorCode::NoTransport,
                    "This referral has no transport leg to drive.",
                ));
            };
            if !row.status()?.is_open() || leg.status == TransportStatus::Cancelled {
                return Err(ApiError::conflict(
                    ErrorCode::ReferralClosed,
                    "This transport is no longer needed.",
                ));
            }
            let mine = leg
                .driver
                .as_ref()
                .is_some_and(|driver| driver.user_id.to_string() == user.id);
            if leg.driver.is_some() && !mine {
                return Err(taken());
            }
            if !matches!(
                leg.status,
                TransportStatus::New | TransportStatus::Confirmed
            ) {
                return Err(ApiError::conflict(
                    ErrorCode::TransportNotOpen,
                    format!(
                        "The transport is already {}.",
                        leg.status.label().to_lowercase()
                    ),
                ));
            }
            let profile = store::profile(connection, &user.id)?;
            let skills = match &profile {
                Some(profile) if profile.active => skills_of(profile)?,
                _ => Vec::new(),
            };
            require_skill(&skills, Skill::Transport, drive_day(leg.window_starts)).map_err(
                |error| {
                    ApiError::conflict(
                        ErrorCode::SkillRequired,
                        format!("{error}; update your volunteer profile first."),
                    )
                },
            )?;
            leg.driver = Some(PersonRef {
                user_id: parse_id(&user.id)?,
                name: user.name.clone(),
            });
            leg.status = TransportStatus::Scheduled;
            let note = format!(
                "{} will drive from {} to {}.",
                user.name, leg.pickup, leg.dropoff
            );
            referral_store::set_transport(connection, row, row.version, &leg, &user.name, &note)
                .map_err(|error| raced(error.into()))?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "referral.transport_accepted",
                    target_type: "referral",
                    target_id: &row.id,
                    organization_id: audited_organization(row, reach),
                    details: serde_json::json!({ "driver_user_id": user.id }),
                },
            )?;
            let after = referral_store::row(connection, &row.id)?;
            raised.raise(connection, "referral.transport_changed", &after)
        },
    )
    .await
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
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ValidJson<DeclineDriveRequest>,
) -> Result<HttpResponse, ApiError> {
    let user = principal.person()?.clone();
    let reason = body.value.reason.map(|reason| reason.to_string());
    drive_change(
        state,
        principal,
        id.into_inner(),
        move |connection, principal, row, reach, raised| {
            let Some(mut leg) = row.transport()? else {
                return Err(ApiError::NotFound);
            };
            let mine = leg
                .driver
                .as_ref()
                .is_some_and(|driver| driver.user_id.to_string() == user.id);
            if !mine
                || !matches!(
                    leg.status,
                    TransportStatus::New | TransportStatus::Confirmed | TransportStatus::Scheduled
                )
            {
                return Err(ApiError::conflict(
                    ErrorCode::NotYourDrive,
                    "Only the driver of a transport not yet delivered can give it back.",
                ));
            }
            leg.driver = None;
            if leg.status == TransportStatus::Scheduled {
                leg.status = TransportStatus::Confirmed;
            }
            let note = match &reason {
                Some(reason) => format!("{} cannot drive: {reason}", user.name),
                None => format!("{} cannot drive.", user.name),
            };
            referral_store::set_transport(connection, row, row.version, &leg, &user.name, &note)
                .map_err(|error| raced(error.into()))?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "referral.transport_declined",
                    target_type: "referral",
                    target_id: &row.id,
                    organization_id: audited_organization(row, reach),
                    details: serde_json::json!({ "reason": reason }),
                },
            )?;
            let after = referral_store::row(connection, &row.id)?;
            raised.raise(connection, "referral.transport_changed", &after)
        },
    )
    .await
}

/// Offer an animal to a volunteer to foster (the organization's admins,
/// clinicians and staff). The volunteer must be a member of the
/// organization with foster care on their profile, valid on the first day;
/// a referral named must be one of the organization's. The placement starts
/// `offered` and shows in the volunteer's assignments. Honours
/// `Idempotency-Key`.
#[utoipa::path(
    operation_id = "create_foster_placement",
    tag = "volunteers",
    security(("bearer" = []), ("api_key" = [])),
    request_body = CreatePlacementRequest,
    params(
        ("id" = Uuid, Path, description = "The organization."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The placement, offered.", body = Placement),
        RoleProblems,
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/organizations/{id}/foster-placements")]
pub async fn create_placement(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreatePlacementRequest>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    require_coordinator(&principal, &organization)?;
    let creation = Creation {
        scope: principal.idempotency_scope(),
        key,
        fingerprint: format!("placement:{organization}:{}", body.fingerprint()),
    };
    let request = body.value;
    check_placement_dates(request.starts_on, request.ends_on)?;
    let snapshot = state.directory.current();
    let species = snapshot
        .vocabulary()
        .resolve_species(&request.species)
        .ok_or_else(|| ApiError::invalid_field("species", "is not a species of the directory"))?;
    idempotency::create(&state, creation, move |connection| {
        let volunteer = request.volunteer_user_id.to_string();
        if accounts::role_of(connection, &organization, &volunteer).is_err() {
            return Err(ApiError::invalid_field(
                "volunteer_user_id",
                "is not a member of the organization",
            ));
        }
        let skills = match store::profile(connection, &volunteer)? {
            Some(profile) if profile.active => skills_of(&profile)?,
            _ => Vec::new(),
        };
        if !has_skill(&skills, Skill::Foster, request.starts_on) {
            return Err(ApiError::invalid_field(
                "volunteer_user_id",
                "has no foster care on their volunteer profile valid on the first day",
            ));
        }
        if let Some(referral) = request.referral_id {
            let found = referral_store::row(connection, &referral.to_string());
            let ours = found.as_ref().is_ok_and(|row| {
                row.referrer_org_id == organization || row.receiver_org_id == organization
            });
            if !ours {
                return Err(ApiError::invalid_field(
                    "referral_id",
                    "is not a referral of the organization",
                ));
            }
        }
        let at = now();
        let row = PlacementRow {
            id: new_id(),
            organization_id: organization.clone(),
            volunteer_user_id: volunteer,
            referral_id: request.referral_id.map(|id| id.to_string()),
            species: species.as_str().to_owned(),
            animal_name: request.animal_name.to_string(),
            starts_on: request.starts_on,
            ends_on: request.ends_on,
            status: FosterStatus::Offered.as_str().to_owned(),
            notes: request.notes.as_ref().map(ToString::to_string),
            status_note: None,
            created_by: actor_name(&principal),
            created_at: at,
            updated_at: at,
            version: 1,
        };
        store::insert_placement(connection, &row)?;
        audit::record(
            connection,
            &principal.actor,
            Change {
                action: "foster_placement.offered",
                target_type: "foster_placement",
                target_id: &row.id,
                organization_id: Some(&row.organization_id),
                details: serde_json::json!({
                    "volunteer_user_id": row.volunteer_user_id,
                    "species": row.species,
                    "starts_on": row.starts_on,
                }),
            },
        )?;
        let mut views = placement_views(connection, &snapshot, &principal, &[row])?;
        views.pop().ok_or_else(|| corrupt("placement"))
    })
    .await
}

/// An organization's foster placements: open ones first, then the most
/// recent (its admins, clinicians and staff, and network admins).
#[utoipa::path(
    operation_id = "list_foster_placements",
    tag = "volunteers",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The organization.")),
    responses(
        (status = 200, description = "The placements.", body = Placements),
        RoleProblems,
        ObjectProblems,
    )
)]
#[get("/organizations/{id}/foster-placements")]
pub async fn list_placements(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    require_coordinator(&principal, &organization)?;
    let snapshot = state.directory.current();
    let list = web::block(move || {
        state.store.read(|connection| {
            let rows = store::placements_of_organization(connection, &organization)?;
            Ok::<_, ApiError>(Placements {
                items: placement_views(connection, &snapshot, &principal, &rows)?,
            })
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(list))
}

/// The placement, or 404 for anyone but the fosterer, the organization's
/// admins, clinicians and staff, and network admins.
fn readable_placement(
    connection: &mut DbConnection,
    principal: &Principal,
    id: &str,
) -> Result<(PlacementRow, FosterParty), ApiError> {
    let row = store::placement(connection, id)?;
    let party = placement_party(principal, &row).ok_or(ApiError::NotFound)?;
    Ok((row, party))
}

/// One foster placement (the fosterer, the organization's admins,
/// clinicians and staff, network admins).
#[utoipa::path(
    operation_id = "read_foster_placement",
    tag = "volunteers",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The placement.")),
    responses(
        (status = 200, description = "The placement; its ETag is the version.", body = Placement),
        ObjectProblems,
    )
)]
#[get("/foster-placements/{id}")]
pub async fn read_placement(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let snapshot = state.directory.current();
    let placement = web::block(move || {
        state.store.read(|connection| {
            let (row, _) = readable_placement(connection, &principal, &id)?;
            let mut views = placement_views(connection, &snapshot, &principal, &[row])?;
            views.pop().ok_or_else(|| corrupt("placement"))
        })
    })
    .await??;
    Ok(versioned(&placement, placement.version))
}

/// Move a foster placement (`If-Match` required): the volunteer accepts or
/// declines an offer; either side ends an accepted placement; the
/// organization cancels one not yet ended. A note says why.
#[utoipa::path(
    operation_id = "transition_foster_placement",
    tag = "volunteers",
    security(("bearer" = []), ("api_key" = [])),
    request_body = PlacementTransitionRequest,
    params(
        ("id" = Uuid, Path, description = "The placement."),
        ("If-Match" = String, Header, description = "The placement's ETag."),
    ),
    responses(
        (status = 200, description = "The placement after the move.", body = Placement),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[post("/foster-placements/{id}/transitions")]
pub async fn transition_placement(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<PlacementTransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let request = body.value;
    let snapshot = state.directory.current();
    let placement = web::block(move || {
        state.store.write(|connection| {
            let (row, _) = readable_placement(connection, &principal, &id)?;
            if version.0 != row.version {
                return Err(ApiError::Stale);
            }
            let from =
                FosterStatus::parse(&row.status).ok_or_else(|| corrupt("placement status"))?;
            let mine = principal
                .user
                .as_ref()
                .is_some_and(|user| user.id == row.volunteer_user_id);
            let coordinator = principal.access.can_act(&row.organization_id)
                || principal.access.is_network_admin();
            let allowed = |by| from.check_transition(request.status, by);
            let outcome = match (mine, coordinator) {
                (true, true) => {
                    allowed(FosterParty::Volunteer).or_else(|_| allowed(FosterParty::Organization))
                }
                (true, false) => allowed(FosterParty::Volunteer),
                (false, _) => allowed(FosterParty::Organization),
            };
            outcome.map_err(|error| match error {
                PeopleError::Illegal { .. } => {
                    ApiError::conflict(ErrorCode::IllegalTransition, error.to_string())
                }
                other => ApiError::from(other),
            })?;
            let note = request.note.as_ref().map(ToString::to_string);
            let after = store::set_placement_status(
                connection,
                &row,
                version.0,
                request.status.as_str(),
                note.as_deref(),
            )
            .map_err(|error| match error {
                StoreError::Stale => ApiError::Stale,
                other => other.into(),
            })?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "foster_placement.moved",
                    target_type: "foster_placement",
                    target_id: &row.id,
                    organization_id: Some(&row.organization_id),
                    details: serde_json::json!({
                        "from": from.as_str(),
                        "to": request.status.as_str(),
                        "note": note,
                    }),
                },
            )?;
            let mut views = placement_views(connection, &snapshot, &principal, &[after])?;
            views.pop().ok_or_else(|| corrupt("placement"))
        })
    })
    .await??;
    Ok(versioned(&placement, placement.version))
}

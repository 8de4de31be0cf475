//! Volunteer profiles and an organization's roster.

use actix_web::{HttpResponse, get, put, web};
use chrono::{DateTime, Utc};
use uuid::Uuid;
use warren_domain::Role;
use warren_domain::directory::hours::{CountryCode, Hours, OpeningHoursText, Timezone};
use warren_domain::people::{check_area, check_skills, has_skill};
use warren_store::people::{self as store, VolunteerProfileRow};
use warren_store::{now, parse_id, utc};
use warren_wire::{
    Roster, RosterEntry, RosterQuery, SkillStatus, VolunteerProfile, VolunteerProfileRequest,
};

use super::{require_coordinator, skills_of};
use crate::api::Api;
use crate::error::{ApiError, BodyProblems, ObjectProblems, RoleProblems, VersionProblems};
use crate::extract::{IfMatch, ValidJson, versioned};

/// The timezone availability is read in when the profile names none.
const DEFAULT_TIMEZONE: &str = "Europe/London";
/// Whose public holidays a profile's `PH` rules follow.
const HOLIDAY_COUNTRY: &str = "GB";

fn hours_of(row: &VolunteerProfileRow) -> Result<Hours, ApiError> {
    let text = OpeningHoursText::parse(row.availability.as_str())
        .map_err(|_| ApiError::corrupt("volunteer availability"))?;
    let timezone =
        Timezone::parse(&row.timezone).map_err(|_| ApiError::corrupt("volunteer timezone"))?;
    let country =
        CountryCode::parse(HOLIDAY_COUNTRY).map_err(|_| ApiError::corrupt("holiday country"))?;
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
pub async fn read_my_profile(api: Api) -> Result<HttpResponse, ApiError> {
    let user = api.who.person()?.clone();
    let profile = api
        .read(move |tx| {
            let row = store::profile(tx, &user.id)?.ok_or(ApiError::NotFound)?;
            profile_view(&row, &user.name, Utc::now())
        })
        .await?;
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
    api: Api,
    version: Option<IfMatch>,
    body: ValidJson<VolunteerProfileRequest>,
) -> Result<HttpResponse, ApiError> {
    let user = api.who.person()?.clone();
    let request = body.value;
    let skills = check_skills(request.skills)?;
    check_area(request.latitude, request.longitude, request.radius_km)?;
    let timezone = request
        .timezone
        .map_or(DEFAULT_TIMEZONE, |zone| zone.name())
        .to_owned();
    let profile = api
        .write(move |tx| {
            let existing = store::profile(tx, &user.id)?;
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
            let saved = store::save_profile(tx, &row, expected)?;
            let details = serde_json::json!({
                "skills": skills.iter().map(|entry| entry.skill.as_str()).collect::<Vec<_>>(),
                "active": saved.active,
                "version": saved.version,
            });
            tx.audit("volunteer_profile.saved", "user", &user.id, None, details)?;
            profile_view(&saved, &user.name, Utc::now())
        })
        .await?;
    Ok(versioned(&profile, profile.version))
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
    api: Api,
    id: web::Path<Uuid>,
    query: web::Query<RosterQuery>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    require_coordinator(&api.who, &organization)?;
    let query = query.into_inner();
    let available_at = match query.available_at.as_deref() {
        None => None,
        Some("now") => Some(Utc::now()),
        Some(text) => Some(
            DateTime::parse_from_rfc3339(text)
                .map_err(|_| {
                    ApiError::invalid_filter("available_at", "must be `now` or an RFC 3339 time")
                })?
                .with_timezone(&Utc),
        ),
    };
    let roster = api
        .read(move |tx| {
            let rows = store::roster(tx, &organization)?;
            let ids: Vec<String> = rows.iter().map(|row| row.profile.user_id.clone()).collect();
            let counts = store::open_assignment_counts(tx, &ids)?;
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
                    role: Role::parse(&row.role).ok_or_else(|| ApiError::corrupt("role"))?,
                    open_assignments: u32::try_from(open).unwrap_or(u32::MAX),
                });
            }
            Ok(Roster { items })
        })
        .await?;
    Ok(HttpResponse::Ok().json(roster))
}

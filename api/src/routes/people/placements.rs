//! Foster placements: offering an animal to a volunteer, and the
//! placement's moves.

use actix_web::{HttpResponse, get, post, web};
use uuid::Uuid;
use warren_domain::directory::taxonomy::Taxonomy;
use warren_domain::people::{FosterParty, FosterStatus, Skill, check_placement_dates, has_skill};
use warren_store::people::{self as store, PlacementRow};
use warren_store::referrals as referral_store;
use warren_store::{DbConnection, accounts, new_id, now, parse_id, utc};
use warren_wire::{
    CreatePlacementRequest, PersonRef, Placement, PlacementTransitionRequest, Placements,
};

use super::{active_skills, require_coordinator};
use crate::api::Api;
use crate::auth::{Principal, actor_name};
use crate::directory::Snapshot;
use crate::error::{ApiError, BodyProblems, ObjectProblems, RoleProblems, VersionProblems};
use crate::extract::{IdempotencyKey, IfMatch, ValidJson, versioned};

/// The parties the caller may act as on a placement: the fosterer (as the
/// volunteer) and the organization's admins, clinicians and staff or a
/// network admin (as the organization). A fosterer on the staff is both:
/// they answer as the volunteer, and their colleagues' moves are open to
/// them too. Empty for anyone else.
fn placement_parties(principal: &Principal, row: &PlacementRow) -> Vec<FosterParty> {
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
    parties
}

/// The wire shape of placements, each with the moves open to the caller.
pub(super) fn placement_views(
    connection: &mut DbConnection,
    snapshot: &Snapshot,
    principal: &Principal,
    rows: &[PlacementRow],
) -> Result<Vec<Placement>, ApiError> {
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let volunteer = accounts::find_user(connection, &row.volunteer_user_id)?;
        let organization = warren_store::organizations::find(connection, &row.organization_id)?;
        let status = placement_status(row)?;
        let parties = placement_parties(principal, row);
        let allowed = FosterStatus::ALL
            .iter()
            .copied()
            .filter(|to| status.check_transition_as_any(*to, &parties).is_ok())
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

/// The wire shape of one placement.
fn placement_view(
    connection: &mut DbConnection,
    snapshot: &Snapshot,
    principal: &Principal,
    row: PlacementRow,
) -> Result<Placement, ApiError> {
    placement_views(connection, snapshot, principal, &[row])?
        .pop()
        .ok_or_else(|| ApiError::corrupt("placement"))
}

fn placement_status(row: &PlacementRow) -> Result<FosterStatus, ApiError> {
    FosterStatus::parse(&row.status).ok_or_else(|| ApiError::corrupt("placement status"))
}

/// Offer an animal to a volunteer to foster (the organization's admins,
/// clinicians and staff, and network admins). The volunteer must be a member of the
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
    api: Api,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreatePlacementRequest>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    require_coordinator(&api.who, &organization)?;
    let fingerprint = format!("placement:{organization}:{}", body.fingerprint());
    let request = body.value;
    check_placement_dates(request.starts_on, request.ends_on)?;
    let snapshot = api.state.directory.current();
    let species = snapshot
        .vocabulary()
        .resolve_species(&request.species)
        .ok_or_else(|| ApiError::invalid_field("species", "is not a species of the directory"))?;
    api.create(key, fingerprint, move |tx| {
        let volunteer = request.volunteer_user_id.to_string();
        if accounts::role_of(tx, &organization, &volunteer).is_err() {
            return Err(ApiError::invalid_field(
                "volunteer_user_id",
                "is not a member of the organization",
            ));
        }
        if !has_skill(
            &active_skills(tx, &volunteer)?,
            Skill::Foster,
            request.starts_on,
        ) {
            return Err(ApiError::invalid_field(
                "volunteer_user_id",
                "has no foster care on their volunteer profile valid on the first day",
            ));
        }
        if let Some(referral) = request.referral_id {
            let found = referral_store::row(tx, &referral.to_string());
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
            created_by: actor_name(tx.who),
            created_at: at,
            updated_at: at,
            version: 1,
        };
        store::insert_placement(tx, &row)?;
        let details = serde_json::json!({
            "volunteer_user_id": row.volunteer_user_id,
            "species": row.species,
            "starts_on": row.starts_on,
        });
        tx.audit(
            "foster_placement.offered",
            "foster_placement",
            &row.id,
            Some(&row.organization_id),
            details,
        )?;
        let who = tx.who;
        placement_view(tx, &snapshot, who, row)
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
pub async fn list_placements(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    require_coordinator(&api.who, &organization)?;
    let snapshot = api.state.directory.current();
    let list = api
        .read(move |tx| {
            let rows = store::placements_of_organization(tx, &organization)?;
            let who = tx.who;
            Ok(Placements {
                items: placement_views(tx, &snapshot, who, &rows)?,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The placement, or 404 for anyone but the fosterer, the organization's
/// admins, clinicians and staff, and network admins.
fn readable_placement(
    connection: &mut DbConnection,
    principal: &Principal,
    id: &str,
) -> Result<(PlacementRow, Vec<FosterParty>), ApiError> {
    let row = store::placement(connection, id)?;
    let parties = placement_parties(principal, &row);
    if parties.is_empty() {
        return Err(ApiError::NotFound);
    }
    Ok((row, parties))
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
pub async fn read_placement(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let snapshot = api.state.directory.current();
    let placement = api
        .read(move |tx| {
            let who = tx.who;
            let (row, _) = readable_placement(tx, who, &id)?;
            placement_view(tx, &snapshot, who, row)
        })
        .await?;
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
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<PlacementTransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let request = body.value;
    let snapshot = api.state.directory.current();
    let placement = api
        .write(move |tx| {
            let who = tx.who;
            let (row, parties) = readable_placement(tx, who, &id)?;
            if version.0 != row.version {
                return Err(ApiError::Stale);
            }
            let from = placement_status(&row)?;
            from.check_transition_as_any(request.status, &parties)?;
            let note = request.note.as_ref().map(ToString::to_string);
            let to = request.status.as_str();
            let after = store::set_placement_status(tx, &row, version.0, to, note.as_deref())?;
            let details = serde_json::json!({ "from": from.as_str(), "to": to, "note": note });
            tx.audit(
                "foster_placement.moved",
                "foster_placement",
                &row.id,
                Some(&row.organization_id),
                details,
            )?;
            placement_view(tx, &snapshot, who, after)
        })
        .await?;
    Ok(versioned(&placement, placement.version))
}

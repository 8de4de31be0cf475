//! Surplus supplies (DESIGN §6): organizations offer consumables to the
//! network; others ask for quantities with a priority; the offerer fulfils
//! them fully or in part, down a queue ranked by urgency then waiting time.
//!
//! The board is the network's: members of vetted organizations (and network
//! admins) see every offer on it, and expired, exhausted or withdrawn offers
//! never appear. A request is known only to its two organizations (and
//! network admins): anyone else gets 404. The rules — what may be asked,
//! given and closed, by whom — are the domain's
//! ([`warren_domain::lending`]); a move the lifecycle does not have is 409
//! naming both states, a move that belongs to the other side is 403.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{NaiveDate, Utc};
use geo::{Distance, Haversine, Point};
use uuid::Uuid;
use warren_domain::lending::{
    LendingParty, Quantity, SupplyError, SupplyRequestStatus, check_offer, check_supply_request,
    check_supply_transition, fulfil, rank_supply, suggest_allocation, visible,
};
use warren_store::audit::{self, Change};
use warren_store::supplies::{
    self as store, NewOffer, NewRequest, OfferEdit, OfferRow, RequestRow, RequestState, stored,
};
use warren_store::{DbConnection, new_id, now, organizations};
use warren_wire::{
    CreateSupplyOfferRequest, CreateSupplyRequestRequest, FieldError, FulfilSupplyRequest,
    SuggestedShare, SupplyOfferList, SupplyOfferPage, SupplyOfferQuery, SupplyOfferView,
    SupplyQueue, SupplyRequestPage, SupplyRequestQuery, SupplyRequestView, SupplyTransitionRequest,
    UpdateSupplyOfferRequest,
};

use crate::auth::Principal;
use crate::auth::actor_name;
use crate::directory::{Snapshot, snapshot};
use crate::error::{ApiError, BodyProblems, ObjectProblems, RoleProblems, VersionProblems};
use crate::extract::{IdempotencyKey, IfMatch, ValidJson, versioned};
use crate::idempotency::{self, Creation};
use crate::routes::paging;
use crate::state::AppState;
use warren_wire::ErrorCode;

/// The largest radius a board search takes, in kilometres.
const MAX_RADIUS_KM: f64 = 1000.0;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn parse_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError::Internal(format!("stored id {id:?}")))
}

/// 403 unless the caller belongs to the network: the board is for members
/// of vetted organizations and network admins.
fn require_network(principal: &Principal) -> Result<(), ApiError> {
    if principal.in_network {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only members of vetted organizations see the supplies board.".into(),
        ))
    }
}

/// 403 unless the caller acts for `organization` (admins, clinicians, staff).
fn require_actor(principal: &Principal, organization: &str) -> Result<(), ApiError> {
    if principal.access.can_act(&organization.to_owned()) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only the organization's admins, clinicians and staff handle its supplies.".into(),
        ))
    }
}

/// 403 unless `organization` is vetted.
fn require_vetted(connection: &mut DbConnection, organization: &str) -> Result<(), ApiError> {
    if organizations::find(connection, organization)?
        .membership
        .is_active()
    {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only vetted organizations share supplies.".into(),
        ))
    }
}

/// An offer the caller may see: the offerer's members and the network; 404
/// for anyone else.
fn visible_offer(
    connection: &mut DbConnection,
    principal: &Principal,
    id: &str,
) -> Result<OfferRow, ApiError> {
    let row = store::offer_row(connection, id)?;
    if principal.in_network || principal.access.can_read(&row.organization_id) {
        Ok(row)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The offer, for a change by its offerer: 404 for those who cannot see it,
/// 403 for those who can but do not act for the offerer.
fn offerer_offer(
    connection: &mut DbConnection,
    principal: &Principal,
    id: &str,
) -> Result<OfferRow, ApiError> {
    let row = visible_offer(connection, principal, id)?;
    if !principal.access.can_act(&row.organization_id) {
        return Err(ApiError::Forbidden(
            "Only the offering organization's admins, clinicians and staff change its offer."
                .into(),
        ));
    }
    Ok(row)
}

/// The caller's side of a request on `offer`: 404 for outsiders (a network
/// admin of neither side acts as coordinator).
fn side(
    principal: &Principal,
    offer: &OfferRow,
    request: &RequestRow,
) -> Result<LendingParty, ApiError> {
    let mut side = None;
    for organization in principal.access.organizations() {
        if *organization == offer.organization_id {
            return Ok(LendingParty::Owner);
        }
        if *organization == request.organization_id {
            side = Some(LendingParty::Borrower);
        }
    }
    match side {
        Some(side) => Ok(side),
        None if principal.access.is_network_admin() => Ok(LendingParty::Coordinator),
        None => Err(ApiError::NotFound),
    }
}

fn side_name(side: LendingParty) -> &'static str {
    match side {
        LendingParty::Owner => "offerer",
        LendingParty::Borrower => "requester",
        LendingParty::Coordinator | LendingParty::Warren => "coordinator",
    }
}

/// The organization the caller acts for on `side`.
fn acting_organization<'a>(
    offer: &'a OfferRow,
    request: &'a RequestRow,
    side: LendingParty,
) -> Option<&'a str> {
    match side {
        LendingParty::Owner => Some(&offer.organization_id),
        LendingParty::Borrower => Some(&request.organization_id),
        LendingParty::Coordinator | LendingParty::Warren => None,
    }
}

/// A pickup site of `organization`, from the directory.
fn pickup_site(snapshot: &Snapshot, organization: &str, site_id: Uuid) -> Result<String, ApiError> {
    snapshot
        .records
        .get(&site_id)
        .filter(|site| site.organization_id.to_string() == organization)
        .map(|site| site.id.to_string())
        .ok_or_else(|| {
            ApiError::invalid_field("pickup_site_id", "is not a site of this organization")
        })
}

fn offer_view(connection: &mut DbConnection, row: &OfferRow) -> Result<SupplyOfferView, ApiError> {
    let names = store::Names::load(connection, &[row], &[])?;
    Ok(store::offer_view(row, &names, today(), None)?)
}

fn request_view(
    connection: &mut DbConnection,
    offer: &OfferRow,
    request: &RequestRow,
    side: LendingParty,
) -> Result<SupplyRequestView, ApiError> {
    let names = store::Names::load(connection, &[offer], &[request])?;
    Ok(store::request_view(
        request,
        offer,
        &names,
        side_name(side),
    )?)
}

fn invalid_filter(field: &str, message: &str) -> ApiError {
    ApiError::InvalidFilter(FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    })
}

/// Offer consumables to the network (the organization's admins, clinicians
/// and staff; vetted organizations only): item, quantity, unit, expiry and a
/// pickup site of the organization. Honours `Idempotency-Key`.
#[utoipa::path(
    operation_id = "create_supply_offer",
    tag = "supplies",
    security(("bearer" = []), ("api_key" = [])),
    request_body = CreateSupplyOfferRequest,
    params(
        ("id" = Uuid, Path, description = "The offering organization."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The offer.", body = SupplyOfferView),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/organizations/{id}/supply-offers")]
pub async fn create_offer(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreateSupplyOfferRequest>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    principal.require_read(&organization)?;
    require_actor(&principal, &organization)?;
    let creation = Creation {
        scope: principal.idempotency_scope(),
        key,
        fingerprint: format!("{organization}:{}", body.fingerprint()),
    };
    let request = body.value;
    check_offer(request.expires_on, today())
        .map_err(|_| ApiError::invalid_field("expires_on", "is in the past"))?;
    let snapshot = snapshot(&state).await?;
    let name = actor_name(&principal);
    idempotency::create(&state, creation, move |connection| {
        require_vetted(connection, &organization)?;
        let pickup_site_id = pickup_site(&snapshot, &organization, request.pickup_site_id)?;
        let at = now();
        let id = new_id();
        let units = stored(request.quantity.units());
        store::insert_offer(
            connection,
            &NewOffer {
                id: id.clone(),
                organization_id: organization.clone(),
                pickup_site_id,
                item: request.item.to_string(),
                description: request.description.as_ref().map(ToString::to_string),
                quantity: units,
                remaining: units,
                unit: request.unit.as_str().to_owned(),
                expires_on: request.expires_on,
                created_by: name,
                created_by_user_id: principal.actor.user_id.clone(),
                created_at: at,
                updated_at: at,
            },
        )?;
        audit::record(
            connection,
            &principal.actor,
            Change {
                action: "supply_offer.created",
                target_type: "supply_offer",
                target_id: &id,
                organization_id: Some(&organization),
                details: serde_json::json!({
                    "item": request.item.as_str(),
                    "quantity": request.quantity.units(),
                    "unit": request.unit.as_str(),
                    "expires_on": request.expires_on,
                }),
            },
        )?;
        let row = store::offer_row(connection, &id)?;
        offer_view(connection, &row)
    })
    .await
}

/// An organization's own offers (its members), newest first, whatever
/// their state: on the board, expired, used up or withdrawn.
#[utoipa::path(
    operation_id = "list_organization_supply_offers",
    tag = "supplies",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The organization.")),
    responses((status = 200, description = "The offers.", body = SupplyOfferList), ObjectProblems)
)]
#[get("/organizations/{id}/supply-offers")]
pub async fn organization_offers(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    principal.require_read(&organization)?;
    let list = web::block(move || {
        state.store.read(|connection| {
            let rows = store::organization_offers(connection, &organization)?;
            let refs: Vec<&OfferRow> = rows.iter().collect();
            let names = store::Names::load(connection, &refs, &[])?;
            let today = today();
            let items = rows
                .iter()
                .map(|row| store::offer_view(row, &names, today, None))
                .collect::<Result<Vec<_>, _>>()?;
            Ok::<_, ApiError>(SupplyOfferList { items })
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(list))
}

/// The network's supplies board (members of vetted organizations and
/// network admins): offers not withdrawn, not expired and with something
/// left — an expired or used-up offer never appears. Filter by words in the
/// item or description, by unit, and near a site (nearest first, within a
/// radius); otherwise soonest to expire first.
#[utoipa::path(
    operation_id = "search_supply_offers",
    tag = "supplies",
    security(("bearer" = []), ("api_key" = [])),
    params(SupplyOfferQuery),
    responses(
        (status = 200, description = "A page of offers.", body = SupplyOfferPage),
        (status = 400, description = "A filter, the cursor or the limit is not valid."),
        RoleProblems,
    )
)]
#[get("/supply-offers")]
pub async fn search(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<SupplyOfferQuery>,
) -> Result<HttpResponse, ApiError> {
    require_network(&principal)?;
    let query = query.into_inner();
    let text = match query.q.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) if text.chars().count() > 200 => {
            return Err(invalid_filter("q", "must be at most 200 characters"));
        }
        Some(text) => Some(text.to_owned()),
    };
    if query.radius_km.is_some() && query.near_site_id.is_none() {
        return Err(invalid_filter("radius_km", "needs near_site_id"));
    }
    if let Some(radius) = query.radius_km
        && !(radius > 0.0 && radius <= MAX_RADIUS_KM)
    {
        return Err(invalid_filter(
            "radius_km",
            &format!("must be more than 0 and at most {MAX_RADIUS_KM}"),
        ));
    }
    let offset = paging::offset(query.cursor.as_deref())?;
    let limit = paging::limit(query.limit)?;
    let snapshot = snapshot(&state).await?;
    let origin = match query.near_site_id {
        Some(site_id) => {
            let site = snapshot
                .records
                .get(&site_id)
                .ok_or_else(|| invalid_filter("near_site_id", "is not a site in the directory"))?;
            Some(Point::new(site.fields.longitude, site.fields.latitude))
        }
        None => None,
    };
    let unit = query.unit;
    let page = web::block(move || {
        state.store.read(|connection| {
            let today = today();
            let rows = store::board(connection, today, text.as_deref(), unit)?;
            let mut found = Vec::with_capacity(rows.len());
            for row in &rows {
                if !visible(&row.offer()?, today) {
                    continue;
                }
                let distance = match origin {
                    Some(origin) => {
                        let site = Uuid::parse_str(&row.pickup_site_id)
                            .ok()
                            .and_then(|id| snapshot.records.get(&id));
                        // An offer whose site left the directory cannot be
                        // placed: it is not near anything.
                        let Some(site) = site else { continue };
                        let here = Point::new(site.fields.longitude, site.fields.latitude);
                        let km = Haversine.distance(origin, here) / 1000.0;
                        if query.radius_km.is_some_and(|radius| km > radius) {
                            continue;
                        }
                        Some(km)
                    }
                    None => None,
                };
                found.push((row, distance));
            }
            if origin.is_some() {
                found.sort_by(|(a, da), (b, db)| {
                    da.unwrap_or(f64::MAX)
                        .total_cmp(&db.unwrap_or(f64::MAX))
                        .then_with(|| a.id.cmp(&b.id))
                });
            } else {
                found.sort_by(|(a, _), (b, _)| {
                    (a.expires_on.is_none(), a.expires_on, a.created_at, &a.id).cmp(&(
                        b.expires_on.is_none(),
                        b.expires_on,
                        b.created_at,
                        &b.id,
                    ))
                });
            }
            let start = usize::try_from(offset).unwrap_or(usize::MAX);
            let size = usize::try_from(limit).unwrap_or(usize::MAX);
            let more = found.len() > start.saturating_add(size);
            let window: Vec<(&OfferRow, Option<f64>)> =
                found.into_iter().skip(start).take(size).collect();
            let refs: Vec<&OfferRow> = window.iter().map(|(row, _)| *row).collect();
            let names = store::Names::load(connection, &refs, &[])?;
            let items = window
                .iter()
                .map(|(row, distance)| store::offer_view(row, &names, today, *distance))
                .collect::<Result<Vec<_>, _>>()?;
            Ok::<_, ApiError>(SupplyOfferPage {
                items,
                next_cursor: more.then(|| (offset + limit).to_string()),
            })
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(page))
}

/// One offer, with its `ETag` (the network and the offerer's members; 404
/// for anyone else). Shows whether it is still on the board.
#[utoipa::path(
    operation_id = "read_supply_offer",
    tag = "supplies",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The offer.")),
    responses((status = 200, description = "The offer.", body = SupplyOfferView), ObjectProblems)
)]
#[get("/supply-offers/{id}")]
pub async fn read_offer(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let offer = web::block(move || {
        state.store.read(|connection| {
            let row = visible_offer(connection, &principal, &id)?;
            offer_view(connection, &row)
        })
    })
    .await??;
    Ok(versioned(&offer, offer.version))
}

/// Change an offer (the offering organization's admins, clinicians and
/// staff; `If-Match` required): pickup site, item, description, quantity and
/// expiry. The quantity counts what was already given and cannot go below
/// it; what is left follows. A withdrawn offer cannot change.
#[utoipa::path(
    operation_id = "update_supply_offer",
    tag = "supplies",
    security(("bearer" = []), ("api_key" = [])),
    request_body = UpdateSupplyOfferRequest,
    params(
        ("id" = Uuid, Path, description = "The offer."),
        ("If-Match" = String, Header, description = "The offer's ETag."),
    ),
    responses(
        (status = 200, description = "The offer after the change.", body = SupplyOfferView),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[put("/supply-offers/{id}")]
pub async fn update_offer(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<UpdateSupplyOfferRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let request = body.value;
    check_offer(request.expires_on, today())
        .map_err(|_| ApiError::invalid_field("expires_on", "is in the past"))?;
    let snapshot = snapshot(&state).await?;
    let offer = web::block(move || {
        state.store.write(|connection| {
            let row = offerer_offer(connection, &principal, &id)?;
            if row.withdrawn_at.is_some() {
                return Err(ApiError::conflict(
                    ErrorCode::OfferWithdrawn,
                    "The offer was withdrawn; offer the supplies again instead.",
                ));
            }
            let pickup_site_id =
                pickup_site(&snapshot, &row.organization_id, request.pickup_site_id)?;
            let given = row.given()?;
            if request.quantity.units() < given {
                return Err(ApiError::invalid_field(
                    "quantity",
                    format!("must be at least the {given} already given"),
                ));
            }
            let edit = OfferEdit {
                pickup_site_id,
                item: request.item.to_string(),
                description: request.description.as_ref().map(ToString::to_string),
                quantity: request.quantity.units(),
                expires_on: request.expires_on,
            };
            store::update_offer(connection, &row, version.0, &edit)?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "supply_offer.updated",
                    target_type: "supply_offer",
                    target_id: &row.id,
                    organization_id: Some(&row.organization_id),
                    details: serde_json::json!({
                        "item": edit.item,
                        "quantity": edit.quantity,
                        "expires_on": edit.expires_on,
                        "pickup_site_id": edit.pickup_site_id,
                    }),
                },
            )?;
            let row = store::offer_row(connection, &id)?;
            offer_view(connection, &row)
        })
    })
    .await??;
    Ok(versioned(&offer, offer.version))
}

/// Take an offer off the board (the offering organization's admins,
/// clinicians and staff; `If-Match` required). Warren declines its open
/// requests; what was already given stays given.
#[utoipa::path(
    operation_id = "withdraw_supply_offer",
    tag = "supplies",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("id" = Uuid, Path, description = "The offer."),
        ("If-Match" = String, Header, description = "The offer's ETag."),
    ),
    responses(
        (status = 200, description = "The withdrawn offer.", body = SupplyOfferView),
        ObjectProblems,
        VersionProblems,
    )
)]
#[post("/supply-offers/{id}/withdrawal")]
pub async fn withdraw_offer(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let offer = web::block(move || {
        state.store.write(|connection| {
            let row = offerer_offer(connection, &principal, &id)?;
            if row.withdrawn_at.is_some() {
                return Err(ApiError::conflict(
                    ErrorCode::OfferWithdrawn,
                    "The offer was already withdrawn.",
                ));
            }
            store::withdraw_offer(connection, &row, version.0)?;
            let mut declined = Vec::new();
            for request in store::offer_requests(connection, &id)? {
                let from = request.status()?;
                if from != SupplyRequestStatus::Open {
                    continue;
                }
                check_supply_transition(from, SupplyRequestStatus::Declined, LendingParty::Warren)?;
                store::close_request(connection, &request, None, SupplyRequestStatus::Declined)?;
                declined.push(request.id);
            }
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "supply_offer.withdrawn",
                    target_type: "supply_offer",
                    target_id: &row.id,
                    organization_id: Some(&row.organization_id),
                    details: serde_json::json!({ "declined_requests": declined }),
                },
            )?;
            let row = store::offer_row(connection, &id)?;
            offer_view(connection, &row)
        })
    })
    .await??;
    Ok(versioned(&offer, offer.version))
}

/// The offer's open requests in the order they are served — most urgent
/// first, then longest waiting — with a suggested split of what is left
/// (the offering organization's members; others who see the offer get 403).
#[utoipa::path(
    operation_id = "supply_offer_queue",
    tag = "supplies",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The offer.")),
    responses((status = 200, description = "The queue.", body = SupplyQueue), ObjectProblems)
)]
#[get("/supply-offers/{id}/requests")]
pub async fn queue(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let queue = web::block(move || {
        state.store.read(|connection| {
            let offer = visible_offer(connection, &principal, &id)?;
            if !principal.access.can_read(&offer.organization_id) {
                return Err(ApiError::Forbidden(
                    "Only the offering organization sees the requests for its offer.".into(),
                ));
            }
            let rows = store::offer_requests(connection, &id)?;
            let requests = rows
                .iter()
                .map(RequestRow::request)
                .collect::<Result<Vec<_>, _>>()?;
            let offer_id = parse_id(&offer.id)?;
            let order: Vec<String> = rank_supply(&requests, offer_id)
                .into_iter()
                .map(|request| request.id.to_string())
                .collect();
            let suggestion = suggest_allocation(&offer.offer()?, &requests)
                .into_iter()
                .map(|(request_id, quantity)| SuggestedShare {
                    request_id,
                    quantity: quantity.units(),
                })
                .collect();
            let ranked: Vec<&RequestRow> = order
                .iter()
                .filter_map(|id| rows.iter().find(|row| row.id == *id))
                .collect();
            let names = store::Names::load(connection, &[&offer], &ranked)?;
            let side = if principal
                .access
                .organizations()
                .any(|organization| *organization == offer.organization_id)
            {
                "offerer"
            } else {
                "coordinator"
            };
            let items = ranked
                .iter()
                .map(|row| store::request_view(row, &offer, &names, side))
                .collect::<Result<Vec<_>, _>>()?;
            Ok::<_, ApiError>(SupplyQueue {
                offer: store::offer_view(&offer, &names, today(), None)?,
                items,
                suggestion,
            })
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(queue))
}

/// Ask for part of another organization's offer (the organization's admins,
/// clinicians and staff; vetted organizations only), with a priority tier:
/// at most what is left, never one's own offer. Honours `Idempotency-Key`.
#[utoipa::path(
    operation_id = "create_supply_request",
    tag = "supplies",
    security(("bearer" = []), ("api_key" = [])),
    request_body = CreateSupplyRequestRequest,
    params(
        ("id" = Uuid, Path, description = "The requesting organization."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The request.", body = SupplyRequestView),
        (status = 409, description = "The offer has expired, run out or been withdrawn."),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/organizations/{id}/supply-requests")]
pub async fn create_request(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreateSupplyRequestRequest>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    principal.require_read(&organization)?;
    require_actor(&principal, &organization)?;
    let creation = Creation {
        scope: principal.idempotency_scope(),
        key,
        fingerprint: format!("{organization}:{}", body.fingerprint()),
    };
    let request = body.value;
    let name = actor_name(&principal);
    idempotency::create(&state, creation, move |connection| {
        require_vetted(connection, &organization)?;
        let offer = store::offer_row(connection, &request.offer_id.to_string())
            .map_err(|_| ApiError::invalid_field("offer_id", "is not an offer on the board"))?;
        let requester = Uuid::parse_str(&organization).map_err(|_| ApiError::NotFound)?;
        check_supply_request(&offer.offer()?, requester, request.quantity, today())?;
        let at = now();
        let id = new_id();
        store::insert_request(
            connection,
            &NewRequest {
                id: id.clone(),
                offer_id: offer.id.clone(),
                organization_id: organization.clone(),
                quantity: stored(request.quantity.units()),
                priority: i32::from(request.priority.number()),
                note: request.note.as_ref().map(ToString::to_string),
                status: SupplyRequestStatus::Open.as_str().to_owned(),
                requested_by: name,
                requested_by_user_id: principal.actor.user_id.clone(),
                created_at: at,
                updated_at: at,
            },
        )?;
        audit::record(
            connection,
            &principal.actor,
            Change {
                action: "supply_request.created",
                target_type: "supply_request",
                target_id: &id,
                organization_id: Some(&organization),
                details: serde_json::json!({
                    "offer_id": offer.id,
                    "quantity": request.quantity.units(),
                    "priority": request.priority.number(),
                }),
            },
        )?;
        let row = store::request_row(connection, &id)?;
        request_view(connection, &offer, &row, LendingParty::Borrower)
    })
    .await
}

/// An organization's own requests for supplies (its members), newest
/// first: `open` by default, `closed` or `all`.
#[utoipa::path(
    operation_id = "list_supply_requests",
    tag = "supplies",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The requesting organization."), SupplyRequestQuery),
    responses(
        (status = 200, description = "A page of requests.", body = SupplyRequestPage),
        (status = 400, description = "The state, the cursor or the limit is not valid."),
        ObjectProblems,
    )
)]
#[get("/organizations/{id}/supply-requests")]
pub async fn organization_requests(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    query: web::Query<SupplyRequestQuery>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    principal.require_read(&organization)?;
    let query = query.into_inner();
    let requested = match query.state.as_deref() {
        None | Some("open") => RequestState::Open,
        Some("closed") => RequestState::Closed,
        Some("all") => RequestState::Any,
        Some(_) => {
            return Err(ApiError::bad_request(
                ErrorCode::InvalidQuery,
                "state must be open, closed or all.",
            ));
        }
    };
    let offset = paging::offset(query.cursor.as_deref())?;
    let limit = paging::limit(query.limit)?;
    let page = web::block(move || {
        state.store.read(|connection| {
            let rows = store::organization_requests(
                connection,
                &organization,
                requested,
                offset,
                limit + 1,
            )?;
            let more = rows.len() as i64 > limit;
            let rows: Vec<RequestRow> = rows
                .into_iter()
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .collect();
            let offer_ids: Vec<&str> = rows.iter().map(|row| row.offer_id.as_str()).collect();
            let offers = store::offers_by_id(connection, &offer_ids)?;
            let offer_refs: Vec<&OfferRow> = offers.values().collect();
            let request_refs: Vec<&RequestRow> = rows.iter().collect();
            let names = store::Names::load(connection, &offer_refs, &request_refs)?;
            let mut items = Vec::with_capacity(rows.len());
            for row in &rows {
                let offer = offers
                    .get(&row.offer_id)
                    .ok_or_else(|| ApiError::Internal(format!("offer of {}", row.id)))?;
                let side = if offer.organization_id == organization {
                    "offerer"
                } else {
                    "requester"
                };
                items.push(store::request_view(row, offer, &names, side)?);
            }
            Ok::<_, ApiError>(SupplyRequestPage {
                items,
                next_cursor: more.then(|| (offset + limit).to_string()),
            })
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(page))
}

/// One request for supplies, as the caller's side sees it (its two
/// organizations and network admins; 404 for anyone else), with its `ETag`.
#[utoipa::path(
    operation_id = "read_supply_request",
    tag = "supplies",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The request.")),
    responses((status = 200, description = "The request.", body = SupplyRequestView), ObjectProblems)
)]
#[get("/supply-requests/{id}")]
pub async fn read_request(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let request = web::block(move || {
        state.store.read(|connection| {
            let row = store::request_row(connection, &id)?;
            let offer = store::offer_row(connection, &row.offer_id)?;
            let side = side(&principal, &offer, &row)?;
            request_view(connection, &offer, &row, side)
        })
    })
    .await??;
    Ok(versioned(&request, request.version))
}

/// Runs a change on one request in a transaction and answers the request
/// as it is afterwards.
async fn change<F>(
    state: web::Data<AppState>,
    principal: Principal,
    id: Uuid,
    work: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(
            &mut DbConnection,
            &Principal,
            &OfferRow,
            &RequestRow,
            LendingParty,
        ) -> Result<(), ApiError>
        + Send
        + 'static,
{
    let id = id.to_string();
    let request = web::block(move || {
        state.store.write(|connection| {
            let row = store::request_row(connection, &id)?;
            let offer = store::offer_row(connection, &row.offer_id)?;
            let side = side(&principal, &offer, &row)?;
            if let Some(organization) = acting_organization(&offer, &row, side) {
                require_actor(&principal, organization)?;
            }
            work(connection, &principal, &offer, &row, side)?;
            let row = store::request_row(connection, &id)?;
            let offer = store::offer_row(connection, &row.offer_id)?;
            request_view(connection, &offer, &row, side)
        })
    })
    .await??;
    Ok(versioned(&request, request.version))
}

/// Give (part of) what a request asks for (the offering organization's
/// admins, clinicians and staff; `If-Match` of the request required): at
/// most what it still needs and what is left of the offer — all it still
/// needs when no quantity is given. A request given everything it asked
/// becomes `fulfilled`. Concurrent fulfilments never give more than the
/// offer has.
#[utoipa::path(
    operation_id = "fulfil_supply_request",
    tag = "supplies",
    security(("bearer" = []), ("api_key" = [])),
    request_body = FulfilSupplyRequest,
    params(
        ("id" = Uuid, Path, description = "The request."),
        ("If-Match" = String, Header, description = "The request's ETag."),
    ),
    responses(
        (status = 200, description = "The request after the fulfilment.", body = SupplyRequestView),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[post("/supply-requests/{id}/fulfilments")]
pub async fn fulfil_request(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<FulfilSupplyRequest>,
) -> Result<HttpResponse, ApiError> {
    let asked = body.value.quantity;
    change(
        state,
        principal,
        id.into_inner(),
        move |connection, principal, offer_row, row, side| {
            if side != LendingParty::Owner {
                return Err(ApiError::Forbidden(
                    "Only the offering organization fulfils requests for its supplies.".into(),
                ));
            }
            if version.0 != row.version {
                return Err(ApiError::Stale);
            }
            let mut offer = offer_row.offer()?;
            let mut request = row.request()?;
            let quantity = match asked {
                Some(quantity) => quantity,
                None => Quantity::new(request.outstanding())?,
            };
            let fulfilment = fulfil(&mut offer, &mut request, quantity, today())?;
            let given = quantity.units();
            let taken = store::fulfil(connection, row, version.0, given, request.status)?;
            if !taken {
                // Another fulfilment took what was left since it was read.
                let now_left = store::offer_row(connection, &offer_row.id)?;
                return Err(ApiError::from(SupplyError::NotEnoughLeft {
                    remaining: u32::try_from(now_left.remaining).unwrap_or(0),
                }));
            }
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "supply_request.fulfilled",
                    target_type: "supply_request",
                    target_id: &row.id,
                    organization_id: Some(&offer_row.organization_id),
                    details: serde_json::json!({
                        "offer_id": offer_row.id,
                        "given": given,
                        "fulfilment": fulfilment.as_str(),
                    }),
                },
            )?;
            Ok(())
        },
    )
    .await
}

/// Close a request (`If-Match` required): the offering organization
/// `declined` (gives no more, possibly after a part), the requesting
/// organization `withdrawn` (no longer needs it). A request is fulfilled
/// through `POST /supply-requests/{id}/fulfilments`.
#[utoipa::path(
    operation_id = "transition_supply_request",
    tag = "supplies",
    security(("bearer" = []), ("api_key" = [])),
    request_body = SupplyTransitionRequest,
    params(
        ("id" = Uuid, Path, description = "The request."),
        ("If-Match" = String, Header, description = "The request's ETag."),
    ),
    responses(
        (status = 200, description = "The request after the move.", body = SupplyRequestView),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[post("/supply-requests/{id}/transitions")]
pub async fn transition_request(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<SupplyTransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let to = body.value.status;
    change(
        state,
        principal,
        id.into_inner(),
        move |connection, principal, offer, row, side| {
            let from = row.status()?;
            if to == SupplyRequestStatus::Fulfilled && from == SupplyRequestStatus::Open {
                return Err(ApiError::conflict(
                    ErrorCode::FulfilmentRequired,
                    "A request is fulfilled by giving supplies (POST /supply-requests/{id}/fulfilments).",
                ));
            }
            check_supply_transition(from, to, side)?;
            store::close_request(connection, row, Some(version.0), to)?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "supply_request.status_changed",
                    target_type: "supply_request",
                    target_id: &row.id,
                    organization_id: acting_organization(offer, row, side),
                    details: serde_json::json!({ "from": from.as_str(), "to": to.as_str() }),
                },
            )?;
            Ok(())
        },
    )
    .await
}

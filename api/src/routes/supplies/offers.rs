//! Offers of surplus supplies and the network's board.

use actix_web::{HttpResponse, get, post, put, web};
use geo::{Distance, Haversine, Point};
use uuid::Uuid;
use warren_domain::lending::{
    SupplyRequestStatus, check_offer, check_offer_edit, plan_withdrawal, rank_supply,
    suggest_allocation, visible,
};
use warren_store::supplies::{self as store, NewOffer, OfferEdit, OfferRow, RequestRow, stored};
use warren_store::{new_id, now, parse_id};
use warren_wire::{
    CreateSupplyOfferRequest, SuggestedShare, SupplyOfferList, SupplyOfferPage, SupplyOfferQuery,
    SupplyOfferView, SupplyQueue, UpdateSupplyOfferRequest,
};

use super::{
    NETWORK_ONLY, SUPPLIES_REFUSAL, offer_view, offerer_offer, pickup_site, require_vetted, today,
    visible_offer,
};
use crate::api::Api;
use crate::auth::actor_name;
use crate::directory::snapshot;
use crate::error::{ApiError, BodyProblems, ObjectProblems, RoleProblems, VersionProblems};
use crate::extract::{IdempotencyKey, IfMatch, ValidJson, versioned};
use crate::routes::lending::{invalid_filter, require_actor};
use crate::routes::{filters, paging};
use crate::views::supplies as views;

/// The largest radius a board search takes, in kilometres.
const MAX_RADIUS_KM: f64 = 1000.0;

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
    api: Api,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreateSupplyOfferRequest>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    require_actor(&api.who, &organization, SUPPLIES_REFUSAL)?;
    let fingerprint = format!("{organization}:{}", body.fingerprint());
    let request = body.value;
    check_offer(request.expires_on, today())
        .map_err(|_| ApiError::invalid_field("expires_on", "is in the past"))?;
    let snapshot = snapshot(&api.state).await?;
    api.create(key, fingerprint, move |tx| {
        require_vetted(tx, &organization)?;
        let pickup_site_id = pickup_site(&snapshot, &organization, request.pickup_site_id)?;
        let at = now();
        let id = new_id();
        let units = stored(request.quantity.units());
        let who = tx.who;
        store::insert_offer(
            tx,
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
                created_by: actor_name(who),
                created_by_user_id: who.actor.user_id.clone(),
                created_at: at,
                updated_at: at,
            },
        )?;
        tx.audit(
            "supply_offer.created",
            "supply_offer",
            &id,
            Some(&organization),
            serde_json::json!({
                "item": request.item.as_str(),
                "quantity": request.quantity.units(),
                "unit": request.unit.as_str(),
                "expires_on": request.expires_on,
            }),
        )?;
        let row = store::offer_row(tx, &id)?;
        offer_view(tx, &row)
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
pub async fn organization_offers(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    api.who.require_read(&organization)?;
    let list = api
        .read(move |tx| {
            let rows = store::organization_offers(tx, &organization)?;
            let refs: Vec<&OfferRow> = rows.iter().collect();
            let names = store::Names::load(tx, &refs, &[])?;
            let today = today();
            let items = rows
                .iter()
                .map(|row| views::offer(row, &names, today, None))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(SupplyOfferList { items })
        })
        .await?;
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
    api: Api,
    query: web::Query<SupplyOfferQuery>,
) -> Result<HttpResponse, ApiError> {
    api.who.require_network(NETWORK_ONLY)?;
    let query = query.into_inner();
    let text = filters::words(query.q.as_deref().map(str::trim))?
        .filter(|text| !text.is_empty())
        .map(str::to_owned);
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
    let snapshot = snapshot(&api.state).await?;
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
    let page = api
        .read(move |tx| {
            let today = today();
            let rows = store::board(tx, today, text.as_deref(), unit)?;
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
            let names = store::Names::load(tx, &refs, &[])?;
            let items = window
                .iter()
                .map(|(row, distance)| views::offer(row, &names, today, *distance))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(SupplyOfferPage {
                items,
                next_cursor: more.then(|| (offset + limit).to_string()),
            })
        })
        .await?;
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
pub async fn read_offer(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let offer = api
        .read(move |tx| {
            let row = visible_offer(tx, &id)?;
            offer_view(tx, &row)
        })
        .await?;
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
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<UpdateSupplyOfferRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let request = body.value;
    check_offer(request.expires_on, today())
        .map_err(|_| ApiError::invalid_field("expires_on", "is in the past"))?;
    let snapshot = snapshot(&api.state).await?;
    let offer = api
        .write(move |tx| {
            let row = offerer_offer(tx, &id)?;
            check_offer_edit(&row.offer()?, request.quantity)?;
            let pickup_site_id =
                pickup_site(&snapshot, &row.organization_id, request.pickup_site_id)?;
            let edit = OfferEdit {
                pickup_site_id,
                item: request.item.to_string(),
                description: request.description.as_ref().map(ToString::to_string),
                quantity: request.quantity.units(),
                expires_on: request.expires_on,
            };
            store::update_offer(tx, &row, version.0, &edit)?;
            tx.audit(
                "supply_offer.updated",
                "supply_offer",
                &row.id,
                Some(&row.organization_id),
                serde_json::json!({
                    "item": edit.item,
                    "quantity": edit.quantity,
                    "expires_on": edit.expires_on,
                    "pickup_site_id": edit.pickup_site_id,
                }),
            )?;
            let row = store::offer_row(tx, &id)?;
            offer_view(tx, &row)
        })
        .await?;
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
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let offer = api
        .write(move |tx| {
            let row = offerer_offer(tx, &id)?;
            let rows = store::offer_requests(tx, &id)?;
            let requests = rows
                .iter()
                .map(RequestRow::request)
                .collect::<Result<Vec<_>, _>>()?;
            let closing: Vec<String> = plan_withdrawal(&row.offer()?, &requests)?
                .into_iter()
                .map(|request| request.id.to_string())
                .collect();
            store::withdraw_offer(tx, &row, version.0)?;
            let mut declined = Vec::new();
            for request in rows.iter().filter(|request| closing.contains(&request.id)) {
                store::close_request(tx, request, None, SupplyRequestStatus::Declined)?;
                declined.push(request.id.clone());
            }
            tx.audit(
                "supply_offer.withdrawn",
                "supply_offer",
                &row.id,
                Some(&row.organization_id),
                serde_json::json!({ "declined_requests": declined }),
            )?;
            let row = store::offer_row(tx, &id)?;
            offer_view(tx, &row)
        })
        .await?;
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
pub async fn queue(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let queue = api
        .read(move |tx| {
            let offer = visible_offer(tx, &id)?;
            if !tx.who.access.can_read(&offer.organization_id) {
                return Err(ApiError::Forbidden(
                    "Only the offering organization sees the requests for its offer.".into(),
                ));
            }
            let rows = store::offer_requests(tx, &id)?;
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
            let names = store::Names::load(tx, &[&offer], &ranked)?;
            let side = if tx
                .who
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
                .map(|row| views::request(row, &offer, &names, side))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(SupplyQueue {
                offer: views::offer(&offer, &names, today(), None)?,
                items,
                suggestion,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(queue))
}

//! Requests for surplus supplies: asked for by one organization, fulfilled
//! in full or in part, declined or withdrawn.

use actix_web::{HttpResponse, get, post, web};
use uuid::Uuid;
use warren_domain::lending::{
    LendingParty, SupplyError, SupplyRequestStatus, check_closing, check_supply_request,
    plan_fulfilment,
};
use warren_store::supplies::{
    self as store, NewRequest, OfferRow, RequestRow, RequestState, stored,
};
use warren_store::{new_id, now};
use warren_wire::{
    CreateSupplyRequestRequest, ErrorCode, FulfilSupplyRequest, SupplyRequestPage,
    SupplyRequestQuery, SupplyRequestView, SupplyTransitionRequest,
};

use super::{
    SUPPLIES_REFUSAL, acting_request_side, request_side, request_view, require_vetted, today,
};
use crate::api::{Api, Tx};
use crate::auth::actor_name;
use crate::error::{ApiError, BodyProblems, ObjectProblems, VersionProblems};
use crate::extract::{IdempotencyKey, IfMatch, ValidJson, versioned};
use crate::routes::lending::{Side, require_actor};
use crate::routes::paging;
use crate::views::supplies as views;

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
    api: Api,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreateSupplyRequestRequest>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    require_actor(&api.who, &organization, SUPPLIES_REFUSAL)?;
    let fingerprint = format!("{organization}:{}", body.fingerprint());
    let request = body.value;
    api.create(key, fingerprint, move |tx| {
        require_vetted(tx, &organization)?;
        let offer = store::offer_row(tx, &request.offer_id.to_string())
            .map_err(|_| ApiError::invalid_field("offer_id", "is not an offer on the board"))?;
        let requester = Uuid::parse_str(&organization).map_err(|_| ApiError::NotFound)?;
        check_supply_request(&offer.offer()?, requester, request.quantity, today())?;
        let at = now();
        let id = new_id();
        let who = tx.who;
        store::insert_request(
            tx,
            &NewRequest {
                id: id.clone(),
                offer_id: offer.id.clone(),
                organization_id: organization.clone(),
                quantity: stored(request.quantity.units()),
                priority: i32::from(request.priority.number()),
                note: request.note.as_ref().map(ToString::to_string),
                status: SupplyRequestStatus::Open.as_str().to_owned(),
                requested_by: actor_name(who),
                requested_by_user_id: who.actor.user_id.clone(),
                created_at: at,
                updated_at: at,
            },
        )?;
        tx.audit(
            "supply_request.created",
            "supply_request",
            &id,
            Some(&organization),
            serde_json::json!({
                "offer_id": offer.id,
                "quantity": request.quantity.units(),
                "priority": request.priority.number(),
            }),
        )?;
        let row = store::request_row(tx, &id)?;
        request_view(tx, &offer, &row, LendingParty::Borrower)
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
    api: Api,
    id: web::Path<Uuid>,
    query: web::Query<SupplyRequestQuery>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    api.who.require_read(&organization)?;
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
    let page = api
        .read(move |tx| {
            let rows =
                store::organization_requests(tx, &organization, requested, offset, limit + 1)?;
            let more = rows.len() as i64 > limit;
            let rows: Vec<RequestRow> = rows
                .into_iter()
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .collect();
            let offer_ids: Vec<&str> = rows.iter().map(|row| row.offer_id.as_str()).collect();
            let offers = store::offers_by_id(tx, &offer_ids)?;
            let offer_refs: Vec<&OfferRow> = offers.values().collect();
            let request_refs: Vec<&RequestRow> = rows.iter().collect();
            let names = store::Names::load(tx, &offer_refs, &request_refs)?;
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
                items.push(views::request(row, offer, &names, side)?);
            }
            Ok(SupplyRequestPage {
                items,
                next_cursor: more.then(|| (offset + limit).to_string()),
            })
        })
        .await?;
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
pub async fn read_request(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let request = api
        .read(move |tx| {
            let row = store::request_row(tx, &id)?;
            let offer = store::offer_row(tx, &row.offer_id)?;
            let side = request_side(tx.who, &offer, &row)?;
            request_view(tx, &offer, &row, side.party)
        })
        .await?;
    Ok(versioned(&request, request.version))
}

/// The request `id` with its offer and the caller's side, for a change:
/// 404 outsiders, 403 volunteers.
fn changeable_request(tx: &mut Tx, id: &str) -> Result<(OfferRow, RequestRow, Side), ApiError> {
    let row = store::request_row(tx, id)?;
    let offer = store::offer_row(tx, &row.offer_id)?;
    let side = acting_request_side(tx.who, &offer, &row)?;
    Ok((offer, row, side))
}

/// The request `id` as the caller's side sees it after a change.
fn changed(tx: &mut Tx, id: &str, side: &Side) -> Result<SupplyRequestView, ApiError> {
    let row = store::request_row(tx, id)?;
    let offer = store::offer_row(tx, &row.offer_id)?;
    request_view(tx, &offer, &row, side.party)
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
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<FulfilSupplyRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let asked = body.value.quantity;
    let request = api
        .write(move |tx| {
            let (offer, row, side) = changeable_request(tx, &id)?;
            let plan =
                plan_fulfilment(&offer.offer()?, &row.request()?, asked, side.party, today());
            if version.0 != row.version && !matches!(plan, Err(SupplyError::OfferersFulfil)) {
                return Err(ApiError::Stale);
            }
            let plan = plan?;
            let given = plan.given.units();
            if !store::fulfil(tx, &row, version.0, given, plan.status)? {
                // Another fulfilment took what was left since it was read.
                let now_left = store::offer_row(tx, &offer.id)?;
                return Err(ApiError::from(SupplyError::NotEnoughLeft {
                    remaining: u32::try_from(now_left.remaining).unwrap_or(0),
                }));
            }
            tx.audit(
                "supply_request.fulfilled",
                "supply_request",
                &row.id,
                Some(&offer.organization_id),
                serde_json::json!({
                    "offer_id": offer.id,
                    "given": given,
                    "fulfilment": plan.fulfilment.as_str(),
                }),
            )?;
            changed(tx, &id, &side)
        })
        .await?;
    Ok(versioned(&request, request.version))
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
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<SupplyTransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let to = body.value.status;
    let request = api
        .write(move |tx| {
            let (_, row, side) = changeable_request(tx, &id)?;
            let from = row.status()?;
            check_closing(from, to, side.party)?;
            store::close_request(tx, &row, Some(version.0), to)?;
            tx.audit(
                "supply_request.status_changed",
                "supply_request",
                &row.id,
                side.organization.as_deref(),
                serde_json::json!({ "from": from.as_str(), "to": to.as_str() }),
            )?;
            changed(tx, &id, &side)
        })
        .await?;
    Ok(versioned(&request, request.version))
}

//! The boards: an organization's referrals, and one referral as the
//! caller's side sees it.

use actix_web::{HttpResponse, get, web};
use uuid::Uuid;
use warren_domain::referral::Party;
use warren_domain::triage::Tier;
use warren_store::referrals::{self as store, Direction, OpenState};
use warren_wire::{ErrorCode, Referral, ReferralPage, ReferralQuery};

use super::{load, redact_for, view_for};
use crate::api::Api;
use crate::error::{ApiError, ObjectProblems};
use crate::extract::versioned;
use crate::routes::paging;
use crate::views::referrals as views;

/// The board's filters, read from the query (400 naming the one that is
/// not understood).
fn board_filters(query: &ReferralQuery) -> Result<(Direction, OpenState, Option<Tier>), ApiError> {
    let invalid = |message| ApiError::bad_request(ErrorCode::InvalidQuery, message);
    let direction = match query.direction.as_deref() {
        None | Some("all") => Direction::Both,
        Some("incoming") => Direction::Incoming,
        Some("outgoing") => Direction::Outgoing,
        Some(_) => return Err(invalid("box must be incoming, outgoing or all.")),
    };
    let open = match query.state.as_deref() {
        None | Some("open") => OpenState::Open,
        Some("closed") => OpenState::Closed,
        Some("all") => OpenState::Any,
        Some(_) => return Err(invalid("state must be open, closed or all.")),
    };
    let tier = query
        .tier
        .map(|number| {
            Tier::from_number(number).ok_or_else(|| invalid("tier must be between 1 and 5."))
        })
        .transpose()?;
    Ok((direction, open, tier))
}

/// An organization's referral board (its members): `incoming`, `outgoing`
/// or both; open ones by default — including accepted referrals still
/// without an outcome — most urgent first, then oldest first, each with the
/// time it must be answered by while it waits.
#[utoipa::path(
    operation_id = "list_referrals",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The organization."), ReferralQuery),
    responses((status = 200, description = "A page of referrals.", body = ReferralPage), ObjectProblems)
)]
#[get("/organizations/{id}/referrals")]
pub async fn list(
    api: Api,
    id: web::Path<Uuid>,
    query: web::Query<ReferralQuery>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    api.who.require_read(&organization)?;
    let (direction, open, tier) = board_filters(&query)?;
    let offset = paging::offset(query.cursor.as_deref())?;
    let limit = paging::limit(query.limit)?;
    let page = api
        .read(move |tx| {
            let rows = store::board(tx, &organization, direction, open, tier, offset, limit + 1)?;
            let names = store::Names::for_rows(tx, &rows)?;
            let mut items = Vec::with_capacity(rows.len());
            for row in &rows {
                let side = row
                    .side_of(std::iter::once(&organization))
                    .unwrap_or(Party::Coordinator);
                let mut referral = views::referral(row, &names, Some(side))?;
                redact_for(tx.who, &organization, &mut referral);
                items.push(referral);
            }
            let more = items.len() as i64 > limit;
            items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
            Ok(ReferralPage {
                items,
                next_cursor: more.then(|| (offset + limit).to_string()),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One referral, as the caller's side sees it (the two organizations and
/// network admins; 404 for anyone else), with its `ETag`.
#[utoipa::path(
    operation_id = "read_referral",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The referral.")),
    responses((status = 200, description = "The referral.", body = Referral), ObjectProblems)
)]
#[get("/referrals/{id}")]
pub async fn read(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let referral = api
        .read(move |tx| {
            let (row, side) = load(tx, id)?;
            view_for(tx, &row, side)
        })
        .await?;
    Ok(versioned(&referral, referral.version))
}

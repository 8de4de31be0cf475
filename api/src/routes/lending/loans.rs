//! Reading loans: an organization's loans, the owner's approval queue, one
//! loan, its alternatives and its timeline. Only the loan's two
//! organizations and network admins see it.

use actix_web::{HttpResponse, get, web};
use geo::Point;
use uuid::Uuid;
use warren_domain::lending::{CatalogQuery, Prefer};
use warren_store::DbConnection;
use warren_store::lending::{self as store, LoanRole, ReservationRow};
use warren_wire::{CatalogPage, Loan, LoanList, LoanQuery, Timeline};

use super::catalog::catalog;
use super::{invalid_filter, loan_view, side};
use crate::api::{Api, Tx};
use crate::directory::snapshot;
use crate::error::{ApiError, ObjectProblems};
use crate::extract::versioned;
use crate::views;

/// The loan `id`, if the caller may see it (404 otherwise).
fn readable_loan(tx: &mut Tx, id: &str) -> Result<ReservationRow, ApiError> {
    let row = store::reservation_row(tx, id)?;
    side(
        tx.who,
        &row.owner_org_id,
        &row.borrower_org_id,
        Prefer::Borrower,
    )?;
    Ok(row)
}

/// An organization's loans (its members): what it borrows (`role=borrower`,
/// default) or its items lent (`role=owner`); open ones by default, newest
/// request first.
#[utoipa::path(
    operation_id = "list_loans",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The organization."), LoanQuery),
    responses(
        (status = 200, description = "The loans.", body = LoanList),
        (status = 400, description = "A filter is malformed."),
        ObjectProblems,
    )
)]
#[get("/organizations/{id}/loans")]
pub async fn list_loans(
    api: Api,
    id: web::Path<Uuid>,
    query: web::Query<LoanQuery>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    api.who.require_read(&organization)?;
    let role = match query.role.as_deref() {
        None | Some("borrower") => LoanRole::Borrower,
        Some("owner") => LoanRole::Owner,
        Some(_) => return Err(invalid_filter("role", "must be borrower or owner")),
    };
    let open_only = match query.state.as_deref() {
        None | Some("open") => true,
        Some("all") => false,
        Some(_) => return Err(invalid_filter("state", "must be open or all")),
    };
    let list = api
        .read(move |tx| {
            let rows = store::loans_of(tx, &organization, role, open_only)?;
            loans(tx, &rows)
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

fn loans(connection: &mut DbConnection, rows: &[ReservationRow]) -> Result<LoanList, ApiError> {
    let names = store::item_names(connection, rows)?;
    let items = rows
        .iter()
        .map(|row| views::lending::loan(row, names.get(&row.item_id).map_or("", String::as_str)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(LoanList { items })
}

/// The owner's approval queue (its members): requests waiting for an
/// answer, in the order the owner must serve them — most urgent first, then
/// longest waiting.
#[utoipa::path(
    operation_id = "loan_queue",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The owning organization.")),
    responses((status = 200, description = "The waiting requests, ranked.", body = LoanList), ObjectProblems)
)]
#[get("/organizations/{id}/loan-queue")]
pub async fn loan_queue(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    api.who.require_read(&organization)?;
    let list = api
        .read(move |tx| {
            let rows = store::waiting_for(tx, &organization)?;
            let mut ranked = rows
                .into_iter()
                .map(|row| Ok::<_, ApiError>((row.reservation()?.queue_key(), row)))
                .collect::<Result<Vec<_>, _>>()?;
            ranked.sort_by_key(|(key, _)| *key);
            let rows: Vec<ReservationRow> = ranked.into_iter().map(|(_, row)| row).collect();
            loans(tx, &rows)
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// One loan with its `ETag` (the two organizations and network admins; 404
/// for anyone else).
#[utoipa::path(
    operation_id = "read_loan",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The loan.")),
    responses((status = 200, description = "The loan.", body = Loan), ObjectProblems)
)]
#[get("/loans/{id}")]
pub async fn read_loan(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let loan = api
        .read(move |tx| {
            let row = readable_loan(tx, &id)?;
            loan_view(tx, &row)
        })
        .await?;
    Ok(versioned(&loan, loan.version))
}

/// Other items that could serve a loan's need (its borrower, the owner, or
/// network admins): lendable items of the same category, free for the whole
/// window the loan asked for, other than the loan's own item and not the
/// borrower's own kit, nearest to the borrower's site first. Offered to a
/// borrower displaced by a more urgent case beside the next free slot of
/// the same item.
#[utoipa::path(
    operation_id = "loan_alternatives",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The loan.")),
    responses(
        (status = 200, description = "Suitable items free for the loan's window.", body = CatalogPage),
        ObjectProblems,
    )
)]
#[get("/loans/{id}/alternatives")]
pub async fn loan_alternatives(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let snapshot = snapshot(&api.state).await?;
    let page = api
        .read(move |tx| {
            let row = readable_loan(tx, &id)?;
            let item = store::item_row(tx, &row.item_id)?.item()?;
            let query = CatalogQuery {
                category: Some(item.category),
                species: None,
                weight_grams: None,
                window: Some(row.window()?),
            };
            let origin = row
                .borrower_site_id
                .as_deref()
                .and_then(|site| Uuid::parse_str(site).ok())
                .and_then(|site| snapshot.records.get(&site))
                .map(|record| Point::new(record.fields.longitude, record.fields.latitude));
            catalog(tx, &snapshot, &query, origin, |candidate| {
                candidate.id != row.item_id && candidate.owner_org_id != row.borrower_org_id
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// A loan's timeline, oldest first: requests, decisions with their reasons,
/// pre-emptions, checkout, overdue flags, return.
#[utoipa::path(
    operation_id = "loan_timeline",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The loan.")),
    responses((status = 200, description = "The timeline.", body = Timeline), ObjectProblems)
)]
#[get("/loans/{id}/timeline")]
pub async fn loan_timeline(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let timeline = api
        .read(move |tx| {
            readable_loan(tx, &id)?;
            Ok(Timeline {
                items: store::timeline(tx, &id)?
                    .iter()
                    .map(views::timeline_entry)
                    .collect(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(timeline))
}

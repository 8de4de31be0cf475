//! The network's kit catalog: search across vetted organizations' lendable
//! items, and when one item is taken.

use actix_web::{HttpResponse, get, web};
use chrono::{Duration, Utc};
use geo::{Distance, Haversine, Point};
use uuid::Uuid;
use warren_domain::lending::{CatalogQuery, LoanWindow};
use warren_domain::referral::Weight;
use warren_store::DbConnection;
use warren_store::lending::{self as store, ItemRow, ReservationRow};
use warren_wire::{
    BusySlot, CalendarParams, CatalogEntry, CatalogPage, CatalogParams, ItemCalendar,
};

use super::{invalid_filter, require_item_reader};
use crate::api::Api;
use crate::directory::{Snapshot, snapshot};
use crate::error::{ApiError, ObjectProblems, RoleProblems};
use crate::routes::filters;
use crate::views;

fn window_filter(params: &CatalogParams) -> Result<Option<LoanWindow>, ApiError> {
    match (params.starts, params.ends) {
        (None, None) => Ok(None),
        (Some(starts), Some(ends)) => LoanWindow::new(starts, ends)
            .map(Some)
            .map_err(|error| invalid_filter("ends", &error.to_string())),
        (Some(_), None) => Err(invalid_filter("ends", "is required with starts")),
        (None, Some(_)) => Err(invalid_filter("starts", "is required with ends")),
    }
}

/// The lendable items of vetted organizations that `query` matches and
/// `keep` keeps, nearest to `origin` first when there is one.
pub(super) fn catalog(
    connection: &mut DbConnection,
    snapshot: &Snapshot,
    query: &CatalogQuery,
    origin: Option<Point>,
    keep: impl Fn(&ItemRow) -> bool,
) -> Result<CatalogPage, ApiError> {
    let rows: Vec<ItemRow> = store::catalog_rows(connection)?
        .into_iter()
        .filter(|row| {
            keep(row)
                && Uuid::parse_str(&row.home_site_id)
                    .ok()
                    .and_then(|site| snapshot.records.get(&site))
                    .is_some_and(|record| record.membership.is_active())
        })
        .collect();
    let ids: Vec<&str> = rows.iter().map(|row| row.id.as_str()).collect();
    let plans = store::plans(connection, &ids)?;
    let busy = match query.window {
        Some(window) => store::blocking_between(
            connection,
            &ids,
            window.starts().naive_utc(),
            window.ends().naive_utc(),
        )?
        .iter()
        .map(ReservationRow::reservation)
        .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let names = store::Names::for_items(connection, &rows)?;
    let at = Utc::now();
    let mut items = Vec::new();
    for row in &rows {
        let item = row.item()?;
        if !query.matches(&item, &plans, &busy, at) {
            continue;
        }
        let distance_km = origin.and_then(|origin| {
            snapshot.records.get(&item.home_site_id).map(|record| {
                Haversine.distance(
                    origin,
                    Point::new(record.fields.longitude, record.fields.latitude),
                ) / 1000.0
            })
        });
        items.push(CatalogEntry {
            item: views::lending::kit_item(row, &names, &plans, at)?,
            distance_km,
        });
    }
    if origin.is_some() {
        items.sort_by(|a, b| {
            a.distance_km
                .unwrap_or(f64::MAX)
                .total_cmp(&b.distance_km.unwrap_or(f64::MAX))
        });
    }
    Ok(CatalogPage { items })
}

/// Search the kit library of the network's vetted organizations (members of
/// the network): by category, by suitability for a species and weight, free
/// for a whole window, nearest to one of your sites first. Items that cannot
/// be lent now — retired, in maintenance, in poor condition, or with a
/// blocking maintenance plan overdue — are never listed.
#[utoipa::path(
    operation_id = "search_catalog",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(CatalogParams),
    responses(
        (status = 200, description = "The matching items.", body = CatalogPage),
        (status = 400, description = "A filter is malformed; `errors` names it."),
        RoleProblems,
    )
)]
#[get("/items")]
pub async fn search_catalog(
    api: Api,
    params: web::Query<CatalogParams>,
) -> Result<HttpResponse, ApiError> {
    api.who
        .require_network("Only members of the network search the kit library.")?;
    let params = params.into_inner();
    let window = window_filter(&params)?;
    let species = filters::species(params.species.as_deref())?;
    let weight_grams = params
        .weight_grams
        .map(|grams| {
            Weight::try_from(grams)
                .map_err(|_| invalid_filter("weight_grams", "must be between 1 g and 100 kg"))
        })
        .transpose()?;
    let snapshot = snapshot(&api.state).await?;
    let origin = match params.near_site_id {
        None => None,
        Some(site) => {
            let record = snapshot
                .records
                .get(&site)
                .ok_or_else(|| invalid_filter("near_site_id", "is not a site in the directory"))?;
            Some(Point::new(record.fields.longitude, record.fields.latitude))
        }
    };
    let query = CatalogQuery {
        category: params.category,
        species,
        weight_grams,
        window,
    };
    let page = api
        .read(move |tx| catalog(tx, &snapshot, &query, origin, |_| true))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// When an item is taken: its reserved, active and overdue loans in a range
/// (default the next 60 days), with each holder's tier but never who holds
/// it.
#[utoipa::path(
    operation_id = "item_calendar",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The item."), CalendarParams),
    responses(
        (status = 200, description = "The busy times.", body = ItemCalendar),
        (status = 400, description = "A filter is malformed; `errors` names it."),
        ObjectProblems,
    )
)]
#[get("/items/{id}/calendar")]
pub async fn item_calendar(
    api: Api,
    id: web::Path<Uuid>,
    params: web::Query<CalendarParams>,
) -> Result<HttpResponse, ApiError> {
    let item_id = id.into_inner();
    let from = params.from.unwrap_or_else(Utc::now);
    let to = params.to.unwrap_or(from + Duration::days(60));
    if to <= from {
        return Err(invalid_filter("to", "must be after from"));
    }
    let calendar = api
        .read(move |tx| {
            let id = item_id.to_string();
            let row = store::item_row(tx, &id)?;
            require_item_reader(tx.who, &row)?;
            let busy = store::blocking_between(tx, &[&id], from.naive_utc(), to.naive_utc())?
                .iter()
                .map(|row| {
                    let reservation = row.reservation()?;
                    Ok::<_, ApiError>(BusySlot {
                        window: reservation.window,
                        status: reservation.status,
                        tier: reservation.urgency.tier().number(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ItemCalendar {
                item_id,
                from,
                to,
                busy,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(calendar))
}

//! The golden-hour dashboard: time to first vet and to accept, acceptance,
//! decline reasons, escalations, open referrals against their tier's target,
//! directory freshness and kit use — for one organization or the whole
//! network, over a period, with every chart's table also as CSV.
//!
//! Network admins see the whole network or any organization; an
//! organization's admins see their own; everyone else gets 403.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::{NaiveDate, Utc};
use uuid::Uuid;
use warren_domain::dashboard::{Period, dashboard};
use warren_wire::{Dashboard, DashboardCsvQuery, DashboardQuery};

use crate::api::Api;
use crate::auth::Principal;
use crate::error::{ApiError, RoleProblems};

/// The period `query` asks for; by default the last full calendar month.
fn period(query: &DashboardQuery, today: NaiveDate) -> Result<Period, ApiError> {
    let day = |field: &str, text: &Option<String>| {
        text.as_deref()
            .map(|text| {
                NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                    .map_err(|_| ApiError::invalid_filter(field, "is not a date (YYYY-MM-DD)"))
            })
            .transpose()
    };
    let default = Period::last_full_month(today);
    let from = day("from", &query.from)?;
    let to = day("to", &query.to)?;
    let (from, to) = match (from, to) {
        (None, None) => return Ok(default),
        (Some(from), None) => (from, from.max(default.to())),
        (None, Some(to)) => (to.min(default.from()), to),
        (Some(from), Some(to)) => (from, to),
    };
    Period::new(from, to)
        .map_err(|error| ApiError::invalid_filter(error.field(), &error.to_string()))
}

/// Whether the caller may see `organization` (the whole network when
/// `None`).
fn authorize(principal: &Principal, organization: Option<Uuid>) -> Result<(), ApiError> {
    if principal.access.is_network_admin() {
        return Ok(());
    }
    match organization {
        Some(organization) if principal.access.can_administer(&organization.to_string()) => Ok(()),
        Some(_) => Err(ApiError::Forbidden(
            "Only the organization's admins and network admins see its dashboard.".into(),
        )),
        None => Err(ApiError::Forbidden(
            "Only network admins see the whole network's dashboard.".into(),
        )),
    }
}

/// Builds the dashboard `query` asks for, after checking the caller may see
/// it.
async fn build(api: Api, query: &DashboardQuery) -> Result<Dashboard, ApiError> {
    let now = Utc::now();
    let period = period(query, now.date_naive())?;
    authorize(&api.who, query.organization_id)?;
    let organization = query.organization_id;
    api.read(move |tx| {
        let organization_id = organization.map(|id| id.to_string());
        if let Some(id) = &organization_id
            && !warren_store::dashboard::organization_exists(tx, id)?
        {
            return Err(ApiError::NotFound);
        }
        let organization_id = organization_id.as_deref();
        let sent = warren_store::dashboard::sent_referrals(
            tx,
            organization_id,
            period.start(),
            period.end(),
        )?;
        let snapshot = warren_store::dashboard::snapshot(
            tx,
            organization_id,
            period.start(),
            period.end(),
            now,
        )?;
        let targets = warren_store::triage::current(tx)?.protocol.tiers;
        Ok(dashboard(
            period,
            organization,
            &sent,
            &snapshot,
            &targets,
            now,
        ))
    })
    .await
}

/// The dashboard over a period (by default last calendar month): headline
/// figures — referrals and cases, acceptance rate, median time to accept,
/// median and 90th percentile time to first vet (per case, from its first
/// referral, as the public report counts it), escalations, open referrals
/// and how many are past their tier's target, sites with an overdue audit
/// or expired capacity, kit utilisation and overdue loans — and the table
/// behind every chart. Without `organization_id`, the whole network
/// (network admins only); with one, the referrals it sent or received, its
/// sites and its kit (its admins, or network admins).
#[utoipa::path(
    operation_id = "read_dashboard",
    tag = "dashboard",
    security(("bearer" = []), ("api_key" = [])),
    params(DashboardQuery),
    responses(
        (status = 200, description = "The figures and tables.", body = Dashboard),
        (status = 400, description = "A date is malformed, the period is reversed or longer than two years; `errors` names the field.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization.", body = warren_wire::Problem, content_type = "application/problem+json"),
        RoleProblems,
    )
)]
#[get("/dashboard")]
pub async fn read(api: Api, query: web::Query<DashboardQuery>) -> Result<HttpResponse, ApiError> {
    let dashboard = build(api, &query).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(dashboard))
}

/// One of the dashboard's tables as CSV (RFC 4180, a heading line first),
/// exactly the file the web app's "Download CSV" saves. Same parameters and
/// access as the dashboard, plus the table's `name`.
#[utoipa::path(
    operation_id = "dashboard_csv",
    tag = "dashboard",
    security(("bearer" = []), ("api_key" = [])),
    params(DashboardCsvQuery),
    responses(
        (status = 200, description = "The table, with a `Content-Disposition` file name.", body = String, content_type = "text/csv"),
        (status = 400, description = "A date is malformed, the period is reversed or too long, or there is no such table; `errors` names the field.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization.", body = warren_wire::Problem, content_type = "application/problem+json"),
        RoleProblems,
    )
)]
#[get("/dashboard/csv")]
pub async fn csv(api: Api, query: web::Query<DashboardCsvQuery>) -> Result<HttpResponse, ApiError> {
    if !warren_wire::TABLES.contains(&query.table.as_str()) {
        return Err(ApiError::invalid_filter(
            "table",
            &format!("must be one of {}", warren_wire::TABLES.join(", ")),
        ));
    }
    let dashboard = build(api, &query.dashboard()).await?;
    let table = dashboard
        .table(&query.table)
        .ok_or_else(|| ApiError::invalid_filter("table", "no such table"))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}\"",
                table.file_name(dashboard.from, dashboard.to)
            ),
        ))
        .body(table.csv()))
}

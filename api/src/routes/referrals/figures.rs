//! The network's referral figures for a period (the dashboard's source).

use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use uuid::Uuid;
use warren_store::referrals as store;
use warren_wire::{ErrorCode, ReferralMetrics, ReferralMetricsQuery};

use crate::api::Api;
use crate::error::{ApiError, ObjectProblems};

/// Referral figures for a period (the dashboard's source): per tier, per
/// receiving site, decline reasons and escalations, with time to receive,
/// to accept and to first vet, and the acceptance rate. Network admins see
/// the whole network or any organization; an organization's admins see
/// their own, incoming or outgoing.
#[utoipa::path(
    operation_id = "referral_metrics",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    params(ReferralMetricsQuery),
    responses((status = 200, description = "The figures.", body = ReferralMetrics), ObjectProblems)
)]
#[get("/referral-metrics")]
pub async fn metrics(
    api: Api,
    query: web::Query<ReferralMetricsQuery>,
) -> Result<HttpResponse, ApiError> {
    let principal = &api.who;
    let query = query.into_inner();
    let organization = query.organization_id.map(|id| id.to_string());
    match &organization {
        Some(organization) => principal.require_admin(organization)?,
        None if principal.access.is_network_admin() => {}
        None => {
            return Err(ApiError::Forbidden(
                "Only network admins see the whole network's figures.".into(),
            ));
        }
    }
    let receiving = match query.direction.as_deref() {
        None | Some("incoming") => true,
        Some("outgoing") => false,
        Some(_) => {
            return Err(ApiError::bad_request(
                ErrorCode::InvalidQuery,
                "box must be incoming or outgoing.",
            ));
        }
    };
    let today = Utc::now().date_naive();
    let to = query.to.unwrap_or(today);
    let from = query.from.unwrap_or(to - chrono::Duration::days(29));
    if from > to || (to - from).num_days() > 3660 {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            "from must not be after to, and the period at most ten years.",
        ));
    }
    let metrics = api
        .read(move |tx| {
            let timings = store::timings(
                tx,
                organization.as_deref(),
                receiving,
                from.and_time(chrono::NaiveTime::MIN),
                (to + chrono::Duration::days(1)).and_time(chrono::NaiveTime::MIN),
            )?;
            let summary = warren_domain::referral::metrics::summarize(&timings);
            let ids: Vec<String> = summary
                .by_site
                .iter()
                .map(|site| site.site_id.to_string())
                .collect();
            let site_names = store::site_names(tx, &ids)?
                .into_iter()
                .filter_map(|(id, name)| Uuid::parse_str(&id).ok().map(|id| (id, name)))
                .collect();
            Ok(ReferralMetrics {
                from,
                to,
                organization_id: query.organization_id,
                summary,
                site_names,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(metrics))
}

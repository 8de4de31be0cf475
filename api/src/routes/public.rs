//! The public directory: what anyone may read, with no sign-in — for pet
//! owners and wildlife finders through partner websites and the embed.
//!
//! Only public fields leave here: no private phones, no referral contacts,
//! no names of staff. CORS is open for `GET` (the server wraps this scope),
//! and requests are rate-limited per partner API key (`X-API-Key` with the
//! `embed` scope) or, without one, per client address.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{Months, NaiveDate, NaiveTime, Utc};
use uuid::Uuid;
use warren_domain::directory::search::SearchParams;
use warren_domain::report::{Month, public_report};
use warren_wire::{FieldError, PublicReport, PublicSite, ReportQuery, SearchPage, TermList};

use crate::api::Api;
use crate::auth::{client_address, partner_key};
use crate::directory::{self, public_site, search_params, snapshot};
use crate::error::{ApiError, PublicProblems};
use crate::limits::{RateLimit, Sharing};
use crate::state::AppState;

/// CORS for the public directory: any origin may `GET`, sending a partner key.
pub fn cors() -> actix_cors::Cors {
    actix_cors::Cors::default()
        .allow_any_origin()
        .allowed_methods(["GET"])
        .allowed_headers([
            actix_web::http::header::ACCEPT,
            actix_web::http::header::HeaderName::from_static("x-api-key"),
        ])
        .expose_headers([
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderName::from_static("x-request-id"),
        ])
        .max_age(86_400)
}

/// Rate limits of the public directory, counted in memory and exchanged
/// between replicas every second (see [`crate::limits`]).
pub struct PublicLimiter {
    by_client: RateLimit,
    by_partner: RateLimit,
}

impl PublicLimiter {
    /// `per_client` requests a minute per address, `per_partner` per key.
    pub fn new(store: &warren_store::Store, per_client: u32, per_partner: u32) -> Self {
        let minute = std::time::Duration::from_secs(60);
        Self {
            by_client: RateLimit::new(store, "public.client", per_client, minute, Sharing::Batched),
            by_partner: RateLimit::new(
                store,
                "public.partner",
                per_partner,
                minute,
                Sharing::Batched,
            ),
        }
    }

    /// Shares this replica's counts and forgets idle keys.
    pub async fn exchange(&self) {
        self.by_client.exchange().await;
        self.by_partner.exchange().await;
    }
}

/// Counts a public request against its partner key or its client address.
pub(crate) async fn admit(
    state: &web::Data<AppState>,
    request: &HttpRequest,
) -> Result<(), ApiError> {
    let secret = request
        .headers()
        .get(warren_wire::API_KEY_HEADER)
        .map(|value| value.to_str().unwrap_or_default().to_owned());
    match secret {
        Some(secret) => {
            let store = state.store.clone();
            let key = web::block(move || partner_key(&store, &secret)).await??;
            state.public_limiter.by_partner.check(&key).await
        }
        None => {
            state
                .public_limiter
                .by_client
                .check(&client_address(request))
                .await
        }
    }
}

/// Search the public directory: the same filters and ranking as the members'
/// search, with public phone numbers only. No sign-in needed.
#[utoipa::path(
    operation_id = "public_search",
    tag = "public",
    params(
        SearchParams,
        ("X-API-Key" = Option<String>, Header, description = "A partner key (`embed` scope): the rate limit counts per partner instead of per address."),
    ),
    responses(
        (status = 200, description = "A page of ranked results.", body = SearchPage),
        (status = 400, description = "A filter cannot be used; `errors` names it.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 401, description = "The partner key is unknown or revoked.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/search")]
pub async fn search(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    admit(&state, &request).await?;
    let mut params = search_params(request.query_string())?;
    let near = crate::routes::places::resolve_near(&state, &mut params).await?;
    let snapshot = snapshot(&state).await?;
    let mut page = directory::search(&snapshot, &params, false)?;
    page.near = near;
    Ok(HttpResponse::Ok().json(page))
}

/// One site of the public directory, with its hours for the week.
#[utoipa::path(
    operation_id = "public_site",
    tag = "public",
    params(("id" = Uuid, Path, description = "The site.")),
    responses(
        (status = 200, description = "The site's public listing.", body = PublicSite),
        (status = 404, description = "No such site in the public directory.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/sites/{id}")]
pub async fn site(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    admit(&state, &request).await?;
    let snapshot = snapshot(&state).await?;
    let record = snapshot
        .records
        .get(&id.into_inner())
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(public_site(record, &snapshot, Utc::now())))
}

/// The capability and species vocabularies, for building search forms.
#[utoipa::path(
    operation_id = "public_taxonomy",
    tag = "public",
    responses(
        (status = 200, description = "Every term.", body = TermList),
        PublicProblems,
    )
)]
#[get("/taxonomy")]
pub async fn taxonomy(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    admit(&state, &request).await?;
    let snapshot = snapshot(&state).await?;
    Ok(HttpResponse::Ok().json(TermList {
        items: snapshot.vocabulary().terms().to_vec(),
    }))
}

/// The network's public report, anonymous (no sign-in): per month, the cases
/// referred (an animal sent to one receiver or to several counts once) by
/// tier, by recorded outcome and by species, with the acceptance rate and
/// the median time from referral to a vet first seeing the animal.
///
/// No figure is built from fewer than five cases: such a count is `null`,
/// and so is every further count that would let it be worked out by
/// subtraction from the published totals (in a row, a column, or across the
/// totals); the tier and species tables hide the same monthly totals. Rare
/// species are counted under `other`; rates and medians of fewer than five
/// cases are `null`. Embeddable: CORS is open and the rate limit is the
/// public search's.
#[utoipa::path(
    operation_id = "public_report",
    tag = "public",
    params(
        ReportQuery,
        ("X-API-Key" = Option<String>, Header, description = "A partner key (`embed` scope): the rate limit counts per partner instead of per address."),
    ),
    responses(
        (status = 200, description = "The report.", body = PublicReport),
        (status = 400, description = "A month is malformed or the period is too long; `errors` names it.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 401, description = "The partner key is unknown or revoked.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/report")]
pub async fn report(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    admit(&state, &request).await?;
    let months = report_months(&query, Utc::now().date_naive())?;
    let (Some(first), Some(last)) = (months.first().copied(), months.last().copied()) else {
        return Err(invalid_month("from", "must not be after `to`"));
    };
    let from = first.first_day().and_time(NaiveTime::MIN);
    let to = last.next().first_day().and_time(NaiveTime::MIN);
    let referrals = Api::public(state)
        .read(move |tx| Ok(warren_store::referrals::reported(tx, from, to)?))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .json(public_report(&referrals, &months)))
}

/// The longest period one report covers.
const MAX_REPORT_MONTHS: usize = 36;

fn invalid_month(field: &str, message: &str) -> ApiError {
    ApiError::InvalidFilter(FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    })
}

/// The months `query` asks for, by default the twelve up to `today`'s.
fn report_months(query: &ReportQuery, today: NaiveDate) -> Result<Vec<Month>, ApiError> {
    let month = |field: &str, text: &Option<String>| {
        text.as_deref()
            .map(|text| {
                Month::parse(text).ok_or_else(|| invalid_month(field, "is not a month (YYYY-MM)"))
            })
            .transpose()
    };
    let current = Month::of(today);
    let to = month("to", &query.to)?.unwrap_or(current);
    let from = match month("from", &query.from)? {
        Some(from) => from,
        None => Month::of(
            to.first_day()
                .checked_sub_months(Months::new(11))
                .unwrap_or_else(|| to.first_day()),
        ),
    };
    if from > to {
        return Err(invalid_month("from", "must not be after `to`"));
    }
    let months = from.through(to);
    if months.len() > MAX_REPORT_MONTHS {
        return Err(invalid_month(
            "from",
            &format!("the period may cover at most {MAX_REPORT_MONTHS} months"),
        ));
    }
    Ok(months)
}

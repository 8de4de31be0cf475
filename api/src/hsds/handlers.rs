//! The HSDS endpoints: each admits the caller against the public rate limit
//! ([`Admitted`]), reads its parameters, loads the directory snapshot (and
//! the vetted organizations it shows), chooses what to list and publishes it.

use std::collections::HashMap;

use actix_web::dev::Payload;
use actix_web::web::Path;
use actix_web::{FromRequest, HttpRequest, HttpResponse, get, web};
use futures_util::future::LocalBoxFuture;
use utoipa::IntoParams;
use uuid::Uuid;
use warren_domain::MembershipStatus;
use warren_store::organizations::{self as organization_store, OrganizationFilter};
use warren_wire::Organization;

use super::mapping::{Depth, Publisher};
use super::model::{About, Listed};
use super::queries::{
    OrganizationParams, OrganizationReadParams, Paging, Search, ServiceAtLocationParams,
    ServiceParams, SiteFilter, TaxonomyParams, TaxonomyTermParams, TermFilter, flag,
    organizations_found, parameters, site_for, sites_of,
};
use super::taxonomy::{Vocabulary, term, terms};
use super::{HSDS_PROFILE, HSDS_VERSION};
use crate::api::Api;
use crate::directory::snapshot;
use crate::error::{ApiError, PublicProblems};
use crate::routes::public::admit;
use crate::state::AppState;
use crate::views;

/// The `X-API-Key` header every HSDS endpoint reads, as the OpenAPI
/// document lists it ([`admit`] reads the header itself).
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[expect(dead_code, reason = "describes the header for the OpenAPI document")]
struct PartnerKey {
    /// A partner key (`embed` scope): the rate limit counts per partner instead of per address.
    #[param(rename = "X-API-Key", nullable)]
    partner_key: Option<String>,
}

/// A caller of the HSDS endpoints, admitted against the public directory's
/// rate limit (per partner key, else per address) before the handler runs.
pub struct Admitted {
    state: web::Data<AppState>,
    request: HttpRequest,
}

impl FromRequest for Admitted {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            let state = request
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| ApiError::Internal("no application state".into()))?;
            admit(&state, &request).await?;
            Ok(Self { state, request })
        })
    }
}

/// What an HSDS endpoint answers: a document, or a problem.
type Answer = Result<HttpResponse, ApiError>;

/// The most organizations one answer considers.
const MAX_ORGANIZATIONS: i64 = 1_000_000;

/// The vetted organizations, by id; only `ids` when given.
async fn vetted_organizations(
    state: &web::Data<AppState>,
    ids: Option<Vec<Uuid>>,
) -> Result<HashMap<Uuid, Organization>, ApiError> {
    let filter = OrganizationFilter {
        visible: ids.map(|ids| ids.iter().map(Uuid::to_string).collect()),
        membership: Some(MembershipStatus::Vetted),
        limit: MAX_ORGANIZATIONS,
        ..OrganizationFilter::default()
    };
    Api::public(state.clone())
        .read(move |tx| {
            organization_store::list(tx, &filter)?
                .iter()
                .map(|record| {
                    let organization = views::organizations::organization(record)?;
                    Ok((organization.id, organization))
                })
                .collect()
        })
        .await
}

/// `GET /api/hsds` (without the final slash): the same as [`about`].
pub async fn about_api(Admitted { state, .. }: Admitted) -> Answer {
    Ok(HttpResponse::Ok().json(About {
        version: HSDS_VERSION,
        profile: HSDS_PROFILE,
        openapi_url: format!("{}/api/v1/openapi.json", state.public_url),
    }))
}

/// What this HSDS API is: the HSDS version, the profile and where its
/// OpenAPI document lives.
#[utoipa::path(
    operation_id = "hsds_about",
    tag = "hsds",
    params(PartnerKey),
    responses(
        (status = 200, description = "`version` (HSDS 3.0), `profile` and `openapi_url`.", body = Object),
        PublicProblems,
    )
)]
#[get("/")]
pub async fn about(caller: Admitted) -> Answer {
    about_api(caller).await
}

/// Services, one per site of a vetted organization: a page of HSDS
/// `service_list` entries (fully nested with `full=true`), by name.
#[utoipa::path(
    operation_id = "hsds_list_services",
    tag = "hsds",
    params(ServiceParams, PartnerKey),
    responses(
        (status = 200, description = "An HSDS page whose `contents` are services (HSDS `service_list.json`, or `service.json` with `full=true`); one JSON object per line with `format=ndjson`.", body = Object),
        (status = 400, description = "A parameter is malformed or unknown; `errors` names it.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/services")]
pub async fn list_services(Admitted { state, request }: Admitted) -> Answer {
    let params: ServiceParams = parameters(&request)?;
    let paging = Paging::of(&request)?;
    let full = flag("full", params.full.as_deref())?;
    let minimal = flag("minimal", params.minimal.as_deref())?;
    let snapshot = snapshot(&state).await?;
    let filter = SiteFilter::of(&snapshot, &request)?;
    let organizations = if full {
        vetted_organizations(&state, None).await?
    } else {
        HashMap::new()
    };
    let publisher = Publisher::new(&snapshot, &organizations);
    paging.answer(filter.select(&snapshot, publisher.now), |record| {
        let service = publisher.service(&publisher.public(record), record, Depth::full_if(full));
        if minimal {
            Listed::Minimal(service.into())
        } else {
            Listed::Service(Box::new(service))
        }
    })
}

/// One service, fully nested: phones, weekly schedules, its service at
/// location with the location, its organization, its capabilities and
/// species as attributes.
#[utoipa::path(
    operation_id = "hsds_read_service",
    tag = "hsds",
    params(("id" = Uuid, Path, description = "The service."), PartnerKey),
    responses(
        (status = 200, description = "The service, fully nested (HSDS `service.json`).", body = Object),
        (status = 404, description = "No such service in the published directory.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/services/{id}")]
pub async fn read_service(id: Path<Uuid>, Admitted { state, .. }: Admitted) -> Answer {
    let snapshot = snapshot(&state).await?;
    let record =
        site_for(&snapshot, id.into_inner(), |ids| ids.service).ok_or(ApiError::NotFound)?;
    let organizations = vetted_organizations(&state, Some(vec![record.organization_id])).await?;
    let publisher = Publisher::new(&snapshot, &organizations);
    let site = publisher.public(record);
    Ok(HttpResponse::Ok().json(publisher.service(&site, record, Depth::Full)))
}

/// The vetted organizations: a page of HSDS `organization_list` entries,
/// by name (with `full=true` or `full_service=true`, each with its
/// locations and services).
#[utoipa::path(
    operation_id = "hsds_list_organizations",
    tag = "hsds",
    params(OrganizationParams, PartnerKey),
    responses(
        (status = 200, description = "An HSDS page whose `contents` are organizations (HSDS `organization_list.json`, nested with `full`); one JSON object per line with `format=ndjson`.", body = Object),
        (status = 400, description = "A parameter is malformed or unknown; `errors` names it.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/organizations")]
pub async fn list_organizations(Admitted { state, request }: Admitted) -> Answer {
    let params: OrganizationParams = parameters(&request)?;
    let paging = Paging::of(&request)?;
    let full_services = flag("full_service", params.full_service.as_deref())?;
    let nested = flag("full", params.full.as_deref())? || full_services;
    let search = Search::parse(params.search.as_deref())?;
    let snapshot = snapshot(&state).await?;
    let organizations = vetted_organizations(&state, None).await?;
    let publisher = Publisher::new(&snapshot, &organizations);
    let found = organizations_found(&organizations, &search);
    paging.answer(found, |organization| {
        let sites = nested.then(|| sites_of(&snapshot, organization.id));
        publisher.organization(organization, sites.as_deref(), full_services)
    })
}

/// One vetted organization with its locations and services (fully nested
/// with `full_service=true`).
#[utoipa::path(
    operation_id = "hsds_read_organization",
    tag = "hsds",
    params(("id" = Uuid, Path, description = "The organization."), OrganizationReadParams, PartnerKey),
    responses(
        (status = 200, description = "The organization with its locations and services (HSDS `organization.json`).", body = Object),
        (status = 400, description = "A parameter is malformed or unknown; `errors` names it.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization in the published directory.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/organizations/{id}")]
pub async fn read_organization(id: Path<Uuid>, Admitted { state, request }: Admitted) -> Answer {
    let params: OrganizationReadParams = parameters(&request)?;
    let full_services = flag("full_service", params.full_service.as_deref())?;
    let id = id.into_inner();
    let snapshot = snapshot(&state).await?;
    let organizations = vetted_organizations(&state, Some(vec![id])).await?;
    let organization = organizations.get(&id).ok_or(ApiError::NotFound)?;
    let sites = sites_of(&snapshot, id);
    let publisher = Publisher::new(&snapshot, &organizations);
    Ok(HttpResponse::Ok().json(publisher.organization(organization, Some(&sites), full_services)))
}

/// Services at locations, one per site: a page of HSDS
/// `service_at_location_list` entries (fully nested with `full=true`), by
/// name or, with `proximity`, nearest first.
#[utoipa::path(
    operation_id = "hsds_list_services_at_locations",
    tag = "hsds",
    params(ServiceAtLocationParams, PartnerKey),
    responses(
        (status = 200, description = "An HSDS page whose `contents` are services at locations (HSDS `service_at_location_list.json`); one JSON object per line with `format=ndjson`.", body = Object),
        (status = 400, description = "A parameter is malformed or unknown, or a postcode cannot be placed; `errors` names it.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/service_at_locations")]
pub async fn list_services_at_locations(Admitted { state, request }: Admitted) -> Answer {
    let params: ServiceAtLocationParams = parameters(&request)?;
    let paging = Paging::of(&request)?;
    let full = flag("full", params.full.as_deref())?;
    let snapshot = snapshot(&state).await?;
    let filter = SiteFilter::of(&snapshot, &request)?;
    let organizations = HashMap::new();
    let publisher = Publisher::new(&snapshot, &organizations);
    paging.answer(filter.select(&snapshot, publisher.now), |record| {
        let site = publisher.public(record);
        publisher.service_at_location(&site, record, Depth::full_if(full))
    })
}

/// One service at location, fully nested: the location with its address,
/// phone and schedules, and the service.
#[utoipa::path(
    operation_id = "hsds_read_service_at_location",
    tag = "hsds",
    params(("id" = Uuid, Path, description = "The service at location."), PartnerKey),
    responses(
        (status = 200, description = "The service at location, fully nested (HSDS `service_at_location`).", body = Object),
        (status = 404, description = "No such service at location in the published directory.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/service_at_locations/{id}")]
pub async fn read_service_at_location(id: Path<Uuid>, Admitted { state, .. }: Admitted) -> Answer {
    let snapshot = snapshot(&state).await?;
    let record = site_for(&snapshot, id.into_inner(), |ids| ids.service_at_location)
        .ok_or(ApiError::NotFound)?;
    let organizations = HashMap::new();
    let publisher = Publisher::new(&snapshot, &organizations);
    let site = publisher.public(record);
    Ok(HttpResponse::Ok().json(publisher.service_at_location(&site, record, Depth::Full)))
}

/// The taxonomies: capabilities, species and organization kinds.
#[utoipa::path(
    operation_id = "hsds_list_taxonomies",
    tag = "hsds",
    params(TaxonomyParams, PartnerKey),
    responses(
        (status = 200, description = "An HSDS page whose `contents` are taxonomies (HSDS `taxonomy.json`); one JSON object per line with `format=ndjson`.", body = Object),
        (status = 400, description = "A parameter is malformed or unknown; `errors` names it.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/taxonomies")]
pub async fn list_taxonomies(Admitted { request, .. }: Admitted) -> Answer {
    let params: TaxonomyParams = parameters(&request)?;
    let paging = Paging::of(&request)?;
    let search = Search::parse(params.search.as_deref())?;
    let chosen: Vec<Vocabulary> = Vocabulary::ALL
        .into_iter()
        .filter(|vocabulary| search.finds([vocabulary.name(), vocabulary.description()]))
        .collect();
    paging.answer(chosen, Vocabulary::detail)
}

/// One taxonomy.
#[utoipa::path(
    operation_id = "hsds_read_taxonomy",
    tag = "hsds",
    params(("id" = Uuid, Path, description = "The taxonomy."), PartnerKey),
    responses(
        (status = 200, description = "The taxonomy (HSDS `taxonomy.json`).", body = Object),
        (status = 404, description = "No such taxonomy.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/taxonomies/{id}")]
pub async fn read_taxonomy(id: Path<Uuid>, _: Admitted) -> Answer {
    let vocabulary = Vocabulary::with_id(id.into_inner()).ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(vocabulary.detail()))
}

/// The terms of every taxonomy: capabilities, species (groups are the
/// parents of their species) and organization kinds.
#[utoipa::path(
    operation_id = "hsds_list_taxonomy_terms",
    tag = "hsds",
    params(TaxonomyTermParams, PartnerKey),
    responses(
        (status = 200, description = "An HSDS page whose `contents` are taxonomy terms (HSDS `taxonomy_term.json`); one JSON object per line with `format=ndjson`.", body = Object),
        (status = 400, description = "A parameter is malformed or unknown; `errors` names it.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/taxonomy_terms")]
pub async fn list_taxonomy_terms(Admitted { state, request }: Admitted) -> Answer {
    let params: TaxonomyTermParams = parameters(&request)?;
    let paging = Paging::of(&request)?;
    let filter = TermFilter::parse(&params)?;
    let snapshot = snapshot(&state).await?;
    let mut chosen = terms(&snapshot);
    chosen.retain(|term| filter.keeps(term));
    paging.answer(chosen, |term| term.hsds())
}

/// One taxonomy term.
#[utoipa::path(
    operation_id = "hsds_read_taxonomy_term",
    tag = "hsds",
    params(("id" = Uuid, Path, description = "The taxonomy term."), PartnerKey),
    responses(
        (status = 200, description = "The taxonomy term (HSDS `taxonomy_term.json`).", body = Object),
        (status = 404, description = "No such taxonomy term.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/taxonomy_terms/{id}")]
pub async fn read_taxonomy_term(id: Path<Uuid>, Admitted { state, .. }: Admitted) -> Answer {
    let snapshot = snapshot(&state).await?;
    let term = term(&snapshot, id.into_inner()).ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(term.hsds()))
}

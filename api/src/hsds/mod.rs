//! The public directory published as Open Referral HSDS 3.0 read endpoints,
//! under `/api/hsds`, for aggregators and referral platforms that speak HSDS.
//!
//! Same data, same rules as the public directory ([`crate::routes::public`]):
//! only vetted organizations, only public fields — never private phones,
//! referral contacts or the names of staff — no sign-in, CORS open for `GET`,
//! and the same rate limits. Everything is read from the in-memory directory
//! [`Snapshot`](crate::directory::Snapshot); organizations' own details
//! (website, description) come from the store.
//!
//! How Warren maps onto HSDS:
//!
//! - each vetted organization is an HSDS `organization`, its kind an
//!   `attribute` from the *organization kinds* taxonomy;
//! - each site is a `location` (address, coordinates, public phone, hours)
//!   **and** one `service` of its organization (care at that site, with the
//!   site's capabilities and accepted species as `attributes`, its
//!   limitations as eligibility, capacity as status and alert), joined by one
//!   `service_at_location`;
//! - opening hours become weekly RFC 5545 `schedules` (one per distinct
//!   interval, `byday` listing its days, local times with their UTC offset),
//!   each carrying the raw OpenStreetMap expression as its `description` —
//!   the expression stays the source of truth for holidays and exceptions;
//! - capabilities, species (hierarchical: `small_mammal/hamster` has the
//!   parent `small_mammal`) and organization kinds are three `taxonomies`.
//!
//! The documents are `model`'s, built by `mapping` with the ids and
//! vocabularies of `taxonomy`; `queries` reads what a request asks for
//! and how lists are paged; `handlers` are the endpoints, an unknown id
//! answering 404.

mod handlers;
mod mapping;
mod model;
mod queries;
mod taxonomy;

use actix_web::web;
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::routes::public::cors;
pub use queries::{
    OrganizationParams, OrganizationReadParams, ServiceAtLocationParams, ServiceParams,
    TaxonomyParams, TaxonomyTermParams,
};

/// The HSDS version these endpoints implement.
pub const HSDS_VERSION: &str = "3.0";

/// Where HSDS 3.0 is documented; Warren publishes no profile of its own.
pub const HSDS_PROFILE: &str = "https://docs.openreferral.org/en/3.0/";

/// The page size when `per_page` is not given.
pub const DEFAULT_PER_PAGE: usize = 50;

/// Registers the HSDS scope, `/api/hsds`.
pub fn routes(config: &mut ServiceConfig) {
    config.service(
        scope("/api/hsds")
            .wrap(cors())
            .route("", web::get().to(handlers::about_api))
            .service(handlers::about)
            .service(handlers::list_services)
            .service(handlers::read_service)
            .service(handlers::list_organizations)
            .service(handlers::read_organization)
            .service(handlers::list_services_at_locations)
            .service(handlers::read_service_at_location)
            .service(handlers::list_taxonomies)
            .service(handlers::read_taxonomy)
            .service(handlers::list_taxonomy_terms)
            .service(handlers::read_taxonomy_term),
    );
}

//! What a request asks for: which sites, organizations and terms a list
//! shows — by text, taxonomy, organization, date, postcode and distance —
//! and which page of it.
//!
//! Each endpoint's `…Params` is the set of parameters it documents and
//! accepts: an unknown, repeated or malformed one is a 400 naming it. The
//! parts every list shares — [`Paging`] and, for sites, [`SiteFilter`] — are
//! then read from the same query string by the part that uses them.
//!
//! Lists are paged as HSDS specifies (`page` from 1 to 1,000,000, `per_page` 1–200,
//! default 50; `total_items`, `total_pages`, `page_number`, `size`,
//! `first_page`, `last_page`, `empty`, `contents`) or, with `format=ndjson`,
//! streamed whole, one JSON object per line.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use uuid::Uuid;
use warren_domain::directory::search::Query;
use warren_domain::directory::taxonomy::{Taxonomy, TermCode};
use warren_store::sites::SiteRecord;
use warren_wire::{FieldError, Organization};

use super::DEFAULT_PER_PAGE;
use super::mapping::last_modified;
use super::model::Page;
use super::taxonomy::{SiteIds, Term, Vocabulary, term};
use crate::directory::Snapshot;
use crate::error::ApiError;

/// The longest distance `proximity` accepts, in metres (the directory
/// search's own limit).
const MAX_PROXIMITY_METRES: f64 = warren_domain::directory::search::MAX_RADIUS_KM * 1000.0;

/// A 400 naming the parameter.
fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::InvalidFilter(FieldError {
        field: field.to_owned(),
        message: message.into(),
    })
}

/// Parses a query string; an unknown, repeated or malformed parameter is a
/// 400 naming it.
pub fn parameters<T: DeserializeOwned>(request: &HttpRequest) -> Result<T, ApiError> {
    serde_urlencoded::from_str(request.query_string()).map_err(|error| {
        let message = error.to_string();
        let field = message.split('`').nth(1).unwrap_or("query").to_owned();
        if message.starts_with("unknown field") {
            invalid(&field, "is not a parameter of this HSDS endpoint")
        } else {
            invalid(&field, message)
        }
    })
}

fn trimmed(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|value| !value.is_empty())
}

/// A `true`/`false` parameter (`1`/`0` too); absent is `false`.
pub fn flag(field: &str, value: Option<&str>) -> Result<bool, ApiError> {
    match trimmed(value) {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(_) => Err(invalid(field, "must be true or false")),
    }
}

fn id(field: &str, value: Option<&str>) -> Result<Option<Uuid>, ApiError> {
    trimmed(value)
        .map(|text| Uuid::parse_str(text).map_err(|_| invalid(field, "must be a UUID")))
        .transpose()
}

/// The `search` parameter: lowercase text, at most 100 characters. Without
/// it, everything is found.
#[derive(Debug, Default)]
pub struct Search(Option<String>);

impl Search {
    /// Reads `search`.
    pub fn parse(value: Option<&str>) -> Result<Self, ApiError> {
        let text = trimmed(value).map(str::to_lowercase);
        if text.as_ref().is_some_and(|text| text.chars().count() > 100) {
            return Err(invalid("search", "must be at most 100 characters"));
        }
        Ok(Self(text))
    }

    /// Whether the text appears in any of `values`, ignoring case.
    pub fn finds<'v>(&self, values: impl IntoIterator<Item = &'v str>) -> bool {
        self.0.as_ref().is_none_or(|text| {
            values
                .into_iter()
                .any(|value| value.to_lowercase().contains(text.as_str()))
        })
    }
}

fn modified_after(value: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(text) = trimmed(value) else {
        return Ok(None);
    };
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(at.to_utc()));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|day| Some(day.and_time(NaiveTime::MIN).and_utc()))
        .map_err(|_| {
            invalid(
                "modified_after",
                "must be an RFC 3339 date-time such as 2026-11-21T09:00:00Z, or a date",
            )
        })
}

/// A whole number from 1 to `max`, `default` when absent.
fn counted(
    field: &str,
    value: Option<&str>,
    default: usize,
    max: usize,
    message: &str,
) -> Result<usize, ApiError> {
    let Some(text) = trimmed(value) else {
        return Ok(default);
    };
    text.parse::<usize>()
        .ok()
        .filter(|count| (1..=max).contains(count))
        .ok_or_else(|| invalid(field, message))
}

/// The highest page number asked for: past it a request is a mistake (or a
/// probe), answered 422, not an empty page. With one result a page that is
/// still a million results, more than a national directory lists.
pub const MAX_PAGE: usize = 1_000_000;

/// The paging parameters every list takes.
#[derive(Debug, Deserialize)]
struct PageQuery {
    page: Option<String>,
    per_page: Option<String>,
    format: Option<String>,
}

/// Which page of a list to answer.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    page: usize,
    per_page: usize,
    /// Every result, one JSON object per line, without paging
    /// (`format=ndjson`), instead of one page of JSON.
    ndjson: bool,
}

impl Paging {
    /// The page a list's query asks for.
    pub fn of(request: &HttpRequest) -> Result<Self, ApiError> {
        let query: PageQuery = parameters(request)?;
        Self::parse(
            query.page.as_deref(),
            query.per_page.as_deref(),
            query.format.as_deref(),
        )
    }

    fn parse(
        page: Option<&str>,
        per_page: Option<&str>,
        format: Option<&str>,
    ) -> Result<Self, ApiError> {
        let max = warren_wire::MAX_PAGE_SIZE as usize;
        let page = counted(
            "page",
            page,
            1,
            MAX_PAGE,
            &format!("must be a whole number from 1 to {MAX_PAGE}"),
        )?;
        let limit = format!("must be a whole number from 1 to {max}");
        let per_page = counted("per_page", per_page, DEFAULT_PER_PAGE, max, &limit)?;
        let ndjson = match trimmed(format) {
            None | Some("json") => false,
            Some("ndjson") => true,
            Some(_) => return Err(invalid("format", "must be json or ndjson")),
        };
        Ok(Self {
            page,
            per_page,
            ndjson,
        })
    }

    /// Answers `items` (already filtered and in order) as this page, turning
    /// only the items shown into HSDS documents.
    pub fn answer<I, T: Serialize>(
        &self,
        items: Vec<I>,
        mut publish: impl FnMut(I) -> T,
    ) -> Result<HttpResponse, ApiError> {
        if self.ndjson {
            let mut body = String::new();
            for item in items {
                let line = serde_json::to_string(&publish(item))
                    .map_err(|error| ApiError::Internal(error.to_string()))?;
                body.push_str(&line);
                body.push('\n');
            }
            return Ok(HttpResponse::Ok()
                .content_type("application/x-ndjson")
                .body(body));
        }
        let total_items = items.len();
        let total_pages = total_items.div_ceil(self.per_page).max(1);
        let skip = (self.page - 1).saturating_mul(self.per_page);
        let contents: Vec<T> = items
            .into_iter()
            .skip(skip)
            .take(self.per_page)
            .map(publish)
            .collect();
        Ok(HttpResponse::Ok().json(Page {
            total_items,
            total_pages,
            page_number: self.page,
            size: contents.len(),
            first_page: self.page == 1,
            last_page: self.page >= total_pages,
            empty: contents.is_empty(),
            contents,
        }))
    }
}

/// Filters of `/services`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ServiceParams {
    /// Text to find in the service, its site (name, address, town,
    /// postcode), its organization or its capabilities and species.
    pub search: Option<String>,
    /// Page number, from 1 to 1,000,000 (a page past the last is empty).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000)]
    pub page: Option<String>,
    /// Results per page, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub per_page: Option<String>,
    /// `json` (default) for a page, `ndjson` for every result without paging.
    pub format: Option<String>,
    /// Only services with this taxonomy term; a species group also finds
    /// its species and a species its group, an organization kind the
    /// services of organizations of that kind.
    #[param(value_type = Option<Uuid>)]
    pub taxonomy_term_id: Option<String>,
    /// Only services with any term of this taxonomy.
    #[param(value_type = Option<Uuid>)]
    pub taxonomy_id: Option<String>,
    /// Only services of this organization.
    #[param(value_type = Option<Uuid>)]
    pub organization_id: Option<String>,
    /// Only services modified on or after this date-time (RFC 3339) or date.
    #[param(value_type = Option<String>, format = DateTime)]
    pub modified_after: Option<String>,
    /// `true` for just `id`, `name`, `status` and `last_modified`.
    #[param(value_type = Option<bool>)]
    pub minimal: Option<String>,
    /// `true` for fully nested services.
    #[param(value_type = Option<bool>)]
    pub full: Option<String>,
}

/// Filters of `/service_at_locations`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ServiceAtLocationParams {
    /// Text to find in the service, its site (name, address, town,
    /// postcode), its organization or its capabilities and species.
    pub search: Option<String>,
    /// Only services at locations with this taxonomy term (as for `/services`).
    #[param(value_type = Option<Uuid>)]
    pub taxonomy_term_id: Option<String>,
    /// Only those with any term of this taxonomy.
    #[param(value_type = Option<Uuid>)]
    pub taxonomy_id: Option<String>,
    /// Only those of this organization.
    #[param(value_type = Option<Uuid>)]
    pub organization_id: Option<String>,
    /// Only those modified on or after this date-time (RFC 3339) or date.
    #[param(value_type = Option<String>, format = DateTime)]
    pub modified_after: Option<String>,
    /// `true` for fully nested services at locations.
    #[param(value_type = Option<bool>)]
    pub full: Option<String>,
    /// Page number, from 1 to 1,000,000 (a page past the last is empty).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000)]
    pub page: Option<String>,
    /// Results per page, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub per_page: Option<String>,
    /// `json` (default) for a page, `ndjson` for every result without paging.
    pub format: Option<String>,
    /// A postcode: alone, only locations with this postcode (or, given an
    /// outward code such as `BS1`, within it); with `proximity` in metres,
    /// the point to measure from — the centre of the listed sites with
    /// this postcode.
    pub postcode: Option<String>,
    /// Only locations within this distance, nearest first: `metres` (from
    /// `postcode`) or `latitude,longitude,metres` (from that point), at most
    /// 500 km.
    pub proximity: Option<String>,
}

/// Options of `/organizations`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrganizationParams {
    /// Text to find in the organization's name or description.
    pub search: Option<String>,
    /// `true` for organizations with their locations and fully nested services.
    #[param(value_type = Option<bool>)]
    pub full_service: Option<String>,
    /// `true` for organizations with their locations and services.
    #[param(value_type = Option<bool>)]
    pub full: Option<String>,
    /// Page number, from 1 to 1,000,000 (a page past the last is empty).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000)]
    pub page: Option<String>,
    /// Results per page, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub per_page: Option<String>,
    /// `json` (default) for a page, `ndjson` for every result without paging.
    pub format: Option<String>,
}

/// Options of `/organizations/{id}`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrganizationReadParams {
    /// `true` for fully nested services.
    #[param(value_type = Option<bool>)]
    pub full_service: Option<String>,
}

/// Options of `/taxonomies`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyParams {
    /// Text to find in the taxonomy's name or description.
    pub search: Option<String>,
    /// Page number, from 1 to 1,000,000 (a page past the last is empty).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000)]
    pub page: Option<String>,
    /// Results per page, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub per_page: Option<String>,
    /// `json` (default) for a page, `ndjson` for every result without paging.
    pub format: Option<String>,
}

/// Filters of `/taxonomy_terms`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyTermParams {
    /// Text to find in the term's name or code.
    pub search: Option<String>,
    /// Page number, from 1 to 1,000,000 (a page past the last is empty).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000)]
    pub page: Option<String>,
    /// Results per page, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub per_page: Option<String>,
    /// `json` (default) for a page, `ndjson` for every result without paging.
    pub format: Option<String>,
    /// Only terms of this taxonomy.
    #[param(value_type = Option<Uuid>)]
    pub taxonomy_id: Option<String>,
    /// `true` for top-level terms only (those without a parent).
    #[param(value_type = Option<bool>)]
    pub top_only: Option<String>,
    /// Only the children of this term.
    #[param(value_type = Option<Uuid>)]
    pub parent_id: Option<String>,
}

/// Which sites a list of services (or services at locations) shows.
#[derive(Debug, Default)]
pub struct SiteFilter {
    search: Search,
    /// `Some(None)`: a term no vocabulary has, which nothing matches.
    term: Option<Option<Term>>,
    taxonomy: Option<Option<Vocabulary>>,
    organization_id: Option<Uuid>,
    modified_after: Option<DateTime<Utc>>,
    postcode: Option<String>,
    near: Option<Near>,
}

/// The site filters of a query (`postcode` and `proximity` only where the
/// endpoint accepts them).
#[derive(Debug, Deserialize)]
struct SiteQuery {
    search: Option<String>,
    taxonomy_term_id: Option<String>,
    taxonomy_id: Option<String>,
    organization_id: Option<String>,
    modified_after: Option<String>,
    postcode: Option<String>,
    proximity: Option<String>,
}

/// A distance limit around a point.
#[derive(Debug, Clone, Copy)]
struct Near {
    latitude: f64,
    longitude: f64,
    radius_km: f64,
}

impl SiteFilter {
    /// The sites a list's query asks for.
    pub fn of(snapshot: &Snapshot, request: &HttpRequest) -> Result<Self, ApiError> {
        let query: SiteQuery = parameters(request)?;
        let term = id("taxonomy_term_id", query.taxonomy_term_id.as_deref())?
            .map(|wanted| term(snapshot, wanted));
        let taxonomy = id("taxonomy_id", query.taxonomy_id.as_deref())?.map(Vocabulary::with_id);
        let postcode = trimmed(query.postcode.as_deref()).map(str::to_owned);
        let near = match trimmed(query.proximity.as_deref()) {
            None => None,
            Some(text) => Some(near(snapshot, text, postcode.as_deref())?),
        };
        Ok(Self {
            search: Search::parse(query.search.as_deref())?,
            term,
            taxonomy,
            organization_id: id("organization_id", query.organization_id.as_deref())?,
            modified_after: modified_after(query.modified_after.as_deref())?,
            // With `proximity`, the postcode only places the point.
            postcode: if near.is_some() { None } else { postcode },
            near,
        })
    }

    /// The matching sites in a stable order: by distance when near a point,
    /// else by name.
    pub fn select<'a>(&self, snapshot: &'a Snapshot, now: DateTime<Utc>) -> Vec<&'a SiteRecord> {
        let distances = self.near.map(|near| distances(snapshot, near, now));
        let mut chosen: Vec<(&SiteRecord, f64)> = snapshot
            .records
            .values()
            .filter(|record| self.keeps(snapshot, record))
            .filter_map(|record| match &distances {
                None => Some((record, 0.0)),
                Some(distances) => distances.get(&record.id).map(|km| (record, *km)),
            })
            .collect();
        chosen.sort_by(|(left, left_km), (right, right_km)| {
            left_km
                .total_cmp(right_km)
                .then_with(|| left.fields.name.cmp(&right.fields.name))
                .then(left.id.cmp(&right.id))
        });
        chosen.into_iter().map(|(record, _)| record).collect()
    }

    fn keeps(&self, snapshot: &Snapshot, record: &SiteRecord) -> bool {
        let fields = &record.fields;
        let in_taxonomy = match &self.taxonomy {
            None => true,
            Some(None) => false,
            Some(Some(Vocabulary::Capabilities)) => !fields.capabilities.is_empty(),
            Some(Some(Vocabulary::Species)) => !fields.species.is_empty(),
            Some(Some(Vocabulary::OrganizationKinds)) => true,
        };
        let with_term =
            |term: &Option<Term>| term.as_ref().is_some_and(|term| has_term(record, term));
        self.organization_id
            .is_none_or(|id| id == record.organization_id)
            && self
                .modified_after
                .is_none_or(|after| last_modified(record) >= after)
            && self
                .postcode
                .as_deref()
                .is_none_or(|wanted| postcode_matches(&fields.postcode, wanted))
            && in_taxonomy
            && self.term.as_ref().is_none_or(with_term)
            && self.mentioned(snapshot, record)
    }

    /// Whether the search text is in what the public sees of the site.
    fn mentioned(&self, snapshot: &Snapshot, record: &SiteRecord) -> bool {
        let fields = &record.fields;
        let vocabulary = snapshot.vocabulary();
        self.search.finds(
            [
                fields.name.as_str(),
                record.organization_name.as_str(),
                record.organization_kind.label(),
                fields.address.as_str(),
                fields.town.as_str(),
                fields.postcode.as_str(),
            ]
            .into_iter()
            .chain(
                fields
                    .capabilities
                    .iter()
                    .map(|code| vocabulary.label(Taxonomy::Capability, code)),
            )
            .chain(
                fields
                    .species
                    .iter()
                    .map(|code| vocabulary.label(Taxonomy::Species, code)),
            ),
        )
    }
}

/// Whether a site has a term; species follow the directory's rule that a
/// group covers its species and a species is found by its group.
fn has_term(record: &SiteRecord, term: &Term) -> bool {
    let fields = &record.fields;
    match term.vocabulary {
        Vocabulary::Capabilities => fields.capabilities.contains(&term.code),
        Vocabulary::Species => {
            let Ok(wanted) = TermCode::parse(term.code.as_str()) else {
                return false;
            };
            fields.species.iter().any(|accepted| {
                TermCode::parse(accepted.as_str()).is_ok_and(|accepted| accepted.covers(&wanted))
            })
        }
        Vocabulary::OrganizationKinds => record.organization_kind.as_str() == term.code,
    }
}

/// Whether a site's postcode is `wanted`, ignoring case and spaces, or
/// lies in the outward code `wanted` (`BS1` holds `BS1 5DB`, not `BS10 1AA`).
fn postcode_matches(postcode: &str, wanted: &str) -> bool {
    let compact = |text: &str| -> String {
        text.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect()
    };
    let wanted = compact(wanted);
    !wanted.is_empty()
        && (compact(postcode) == wanted
            || postcode
                .split_whitespace()
                .next()
                .is_some_and(|outward| compact(outward) == wanted))
}

/// Reads `proximity`: `metres` from the centre of `postcode`, or
/// `latitude,longitude,metres`.
fn near(snapshot: &Snapshot, proximity: &str, postcode: Option<&str>) -> Result<Near, ApiError> {
    const MALFORMED: &str = "must be metres, or latitude,longitude,metres";
    let refused = |message: &str| invalid("proximity", message);
    let number = |text: &str| {
        text.parse::<f64>()
            .ok()
            .filter(|value| value.is_finite())
            .ok_or_else(|| refused(MALFORMED))
    };
    let parts: Vec<&str> = proximity.split(',').map(str::trim).collect();
    let (latitude, longitude, metres) = match parts.as_slice() {
        [metres] => {
            let metres = number(metres)?;
            let postcode = postcode.ok_or_else(|| {
                refused(
                    "in metres needs a postcode to measure from; or give latitude,longitude,metres",
                )
            })?;
            let (latitude, longitude) = postcode_centre(snapshot, postcode).ok_or_else(|| {
                invalid(
                    "postcode",
                    "is not the postcode of any listed site, so Warren cannot place it; give proximity as latitude,longitude,metres",
                )
            })?;
            (latitude, longitude, metres)
        }
        [latitude, longitude, metres] => (number(latitude)?, number(longitude)?, number(metres)?),
        _ => return Err(refused(MALFORMED)),
    };
    if !(-90.0..=90.0).contains(&latitude) {
        return Err(refused("latitude must be between -90 and 90"));
    }
    if !(-180.0..=180.0).contains(&longitude) {
        return Err(refused("longitude must be between -180 and 180"));
    }
    if !(metres > 0.0 && metres <= MAX_PROXIMITY_METRES) {
        return Err(refused(&format!(
            "the distance must be above 0 and at most {MAX_PROXIMITY_METRES} metres"
        )));
    }
    Ok(Near {
        latitude,
        longitude,
        radius_km: metres / 1000.0,
    })
}

/// The centre of the listed sites with this postcode (Warren geocodes
/// nothing itself).
fn postcode_centre(snapshot: &Snapshot, postcode: &str) -> Option<(f64, f64)> {
    let (count, latitude, longitude) = snapshot
        .records
        .values()
        .filter(|record| postcode_matches(&record.fields.postcode, postcode))
        .fold((0.0, 0.0, 0.0), |(count, latitude, longitude), record| {
            let fields = &record.fields;
            (
                count + 1.0,
                latitude + fields.latitude,
                longitude + fields.longitude,
            )
        });
    (count > 0.0).then(|| (latitude / count, longitude / count))
}

/// The sites within `near`, with their distance in kilometres, measured by
/// the directory's own search.
fn distances(snapshot: &Snapshot, near: Near, now: DateTime<Utc>) -> HashMap<Uuid, f64> {
    let query = Query {
        species: None,
        capabilities: Vec::new(),
        at: now,
        open_only: false,
        accepting_only: false,
        near: Some((near.latitude, near.longitude)),
        radius_km: Some(near.radius_km),
        text: None,
        weight_grams: None,
        offset: 0,
        limit: usize::MAX,
    };
    snapshot
        .directory
        .search(&query, now)
        .hits
        .iter()
        .filter_map(|hit| Some((hit.listing.id, hit.distance_km?)))
        .collect()
}

/// The site behind a service, service at location or location id.
pub fn site_for(
    snapshot: &Snapshot,
    id: Uuid,
    id_of: impl Fn(&SiteIds) -> Uuid,
) -> Option<&SiteRecord> {
    snapshot
        .records
        .values()
        .find(|record| id_of(&SiteIds::of(record.id)) == id)
}

/// An organization's listed sites, by name.
pub fn sites_of(snapshot: &Snapshot, organization: Uuid) -> Vec<&SiteRecord> {
    let mut sites: Vec<&SiteRecord> = snapshot
        .sites_of(organization)
        .iter()
        .filter_map(|id| snapshot.records.get(id))
        .collect();
    sites.sort_by_key(|&record| (&record.fields.name, record.id));
    sites
}

/// The organizations whose name or description `search` finds, by name.
pub fn organizations_found<'a>(
    organizations: &'a HashMap<Uuid, Organization>,
    search: &Search,
) -> Vec<&'a Organization> {
    let mut found: Vec<&Organization> = organizations
        .values()
        .filter(|organization| {
            search.finds(
                std::iter::once(organization.name.as_str())
                    .chain(organization.description.as_deref()),
            )
        })
        .collect();
    found.sort_by_key(|&organization| (&organization.name, organization.id));
    found
}

/// Which terms `/taxonomy_terms` lists.
pub struct TermFilter {
    search: Search,
    taxonomy: Option<Uuid>,
    parent: Option<Uuid>,
    top_only: bool,
}

impl TermFilter {
    /// Reads the filters of `/taxonomy_terms`.
    pub fn parse(params: &TaxonomyTermParams) -> Result<Self, ApiError> {
        Ok(Self {
            search: Search::parse(params.search.as_deref())?,
            taxonomy: id("taxonomy_id", params.taxonomy_id.as_deref())?,
            parent: id("parent_id", params.parent_id.as_deref())?,
            top_only: flag("top_only", params.top_only.as_deref())?,
        })
    }

    /// Whether `term` is listed.
    pub fn keeps(&self, term: &Term) -> bool {
        self.taxonomy
            .is_none_or(|taxonomy| term.vocabulary.id() == taxonomy)
            && (!self.top_only || term.parent.is_none())
            && self
                .parent
                .is_none_or(|parent| term.parent_id() == Some(parent))
            && self.search.finds([term.label.as_str(), term.code.as_str()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_match_whole_or_by_outward_code() {
        assert!(postcode_matches("BS1 5DB", "bs1 5db"));
        assert!(postcode_matches("BS1 5DB", "BS15DB"));
        assert!(postcode_matches("BS1 5DB", "BS1"));
        assert!(!postcode_matches("BS10 1AA", "BS1"));
        assert!(!postcode_matches("BS1 5DB", " "));
        assert!(postcode_matches("75011", "75011"));
    }

    #[test]
    fn pages_are_counted_as_hsds_says() {
        let paging = Paging::parse(Some("2"), Some("3"), None).unwrap();
        assert_eq!((paging.page, paging.per_page), (2, 3));
        assert!(Paging::parse(Some("0"), None, None).is_err());
        assert!(Paging::parse(Some("-1"), None, None).is_err());
        assert!(Paging::parse(None, Some("201"), None).is_err());
        assert!(Paging::parse(None, None, Some("xml")).is_err());
        assert_eq!(
            Paging::parse(None, None, None).unwrap().per_page,
            DEFAULT_PER_PAGE
        );
    }
}

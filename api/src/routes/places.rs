//! The gazetteer: network admins load GeoNames dumps; anyone looks a town or
//! postcode up; searches resolve `near=` through it.
//!
//! A load streams the request body to a temporary file (a whole country's
//! postcodes run to hundreds of megabytes), then reads it line by line and
//! writes it in batches inside one transaction
//! ([`warren_store::places::load_lines`]): a file with bad rows is refused as
//! a whole with their line numbers and changes nothing.

use std::io::{BufReader, Seek, Write};

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use futures_util::StreamExt;
use warren_domain::directory::search::SearchParams;
use warren_domain::places::{Place, PlaceQuery};
use warren_store::places as store;
use warren_wire::{FieldError, GazetteerLoadQuery, GazetteerLoadSummary, PlaceList, PlaceLookup};

use crate::api::Api;
use crate::error::{ApiError, PublicProblems, RoleProblems};
use crate::routes::public::admit;
use crate::state::AppState;
use crate::views;
use warren_wire::ErrorCode;

/// The largest file a load accepts: GeoNames' `allCountries.txt` of postal
/// codes is about 130 MB.
pub const MAX_LOAD_BYTES: usize = 1 << 30;

/// The most candidates a lookup returns.
const MAX_CANDIDATES: u32 = 20;

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::InvalidFilter(FieldError {
        field: field.to_owned(),
        message: message.into(),
    })
}

/// Load a GeoNames dump into the gazetteer (network admins).
///
/// The body is the dump itself, tab-separated UTF-8 text as GeoNames
/// publishes it (unzipped): postal codes (`export/zip/`, 12 columns) or
/// places (`export/dump/`, 19 columns), told apart by the first row unless
/// `format` says. Loading replaces this format's entries for every country
/// the file covers, so loading the same file again changes nothing. A file
/// with rows that cannot be read is refused as a whole (422): `errors` names
/// each bad row as `line N`.
#[utoipa::path(
    operation_id = "load_gazetteer",
    tag = "places",
    security(("bearer" = [])),
    params(GazetteerLoadQuery),
    request_body(content = String, content_type = "text/tab-separated-values", description = "A GeoNames dump."),
    responses(
        (status = 200, description = "The gazetteer was loaded.", body = GazetteerLoadSummary),
        (status = 400, description = "The body could not be read.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than 1 GiB.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Rows cannot be read; `errors` names their lines. Nothing was loaded.", body = warren_wire::Problem, content_type = "application/problem+json"),
        RoleProblems,
    )
)]
#[post("/places/imports")]
pub async fn load(
    api: Api,
    query: web::Query<GazetteerLoadQuery>,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    api.who.require_network_admin("load the gazetteer")?;
    let spool =
        |error: std::io::Error| ApiError::Internal(format!("spooling a gazetteer: {error}"));
    let mut file = tempfile::tempfile().map_err(spool)?;
    let mut size = 0;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|error| {
            ApiError::bad_request(
                ErrorCode::UnreadableBody,
                format!("The file could not be read: {error}."),
            )
        })?;
        size += chunk.len();
        if size > MAX_LOAD_BYTES {
            return Err(ApiError::PayloadTooLarge(MAX_LOAD_BYTES));
        }
        file.write_all(&chunk).map_err(spool)?;
    }
    file.rewind().map_err(spool)?;
    let format = query.into_inner().format;
    let summary = api
        .write(move |tx| {
            let loaded = store::load_lines(tx, BufReader::new(file), format)?;
            let summary = views::places::load_summary(&loaded);
            tx.audit(
                "gazetteer.loaded",
                "gazetteer",
                summary.format.as_str(),
                None,
                serde_json::json!({
                    "countries": summary.countries,
                    "loaded": summary.loaded,
                    "replaced": summary.replaced,
                }),
            )?;
            Ok(summary)
        })
        .await?;
    Ok(HttpResponse::Ok().json(summary))
}

/// Look up a town or postcode: the places it may mean, best first, with
/// their coordinates, country and area. No sign-in needed.
///
/// `q` may be a postcode however it is spaced or cased (`BS1 5TR`,
/// `bs15tr`), an outward code (`BS1`, answered with the centre of its
/// postcodes), a place name or the start of one. Nothing known is an empty
/// list.
#[utoipa::path(
    operation_id = "lookup_place",
    tag = "public",
    params(
        PlaceLookup,
        ("X-API-Key" = Option<String>, Header, description = "A partner key (`embed` scope): the rate limit counts per partner instead of per address."),
    ),
    responses(
        (status = 200, description = "The candidates, best first.", body = PlaceList),
        (status = 400, description = "`q` is empty or too long, or `limit` is out of range.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/places")]
pub async fn lookup(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<PlaceLookup>,
) -> Result<HttpResponse, ApiError> {
    admit(&state, &request).await?;
    let lookup = query.into_inner();
    let place = PlaceQuery::parse(&lookup.q).map_err(|message| invalid("q", message))?;
    let limit = match lookup.limit {
        None => 5,
        Some(limit @ 1..=MAX_CANDIDATES) => limit,
        Some(_) => {
            return Err(invalid(
                "limit",
                format!("must be between 1 and {MAX_CANDIDATES}"),
            ));
        }
    };
    let items = Api::public(state)
        .read(move |tx| Ok(store::lookup(tx, &place, limit as usize)?))
        .await?;
    Ok(HttpResponse::Ok().json(PlaceList { items }))
}

/// Resolves a search's `near` (a town or postcode) into its `lat` and
/// `lon`, answering which place it was taken to mean; a place the gazetteer
/// does not know is a 400 naming `near`.
pub async fn resolve_near(
    state: &web::Data<AppState>,
    params: &mut SearchParams,
) -> Result<Option<Place>, ApiError> {
    let Some(text) = params.near.take().filter(|text| !text.trim().is_empty()) else {
        return Ok(None);
    };
    let given = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.trim().is_empty());
    if given(&params.lat) || given(&params.lon) {
        return Err(invalid(
            "near",
            "give either a town or postcode (near) or a point (lat and lon), not both",
        ));
    }
    let query = PlaceQuery::parse(&text).map_err(|message| invalid("near", message))?;
    let found = Api::public(state.clone())
        .read(move |tx| Ok(store::lookup(tx, &query, 1)?))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| {
            invalid(
                "near",
                format!(
                    "place not found: no town or postcode called “{}” is known",
                    text.trim()
                ),
            )
        })?;
    params.lat = Some(found.latitude.to_string());
    params.lon = Some(found.longitude.to_string());
    Ok(Some(found))
}

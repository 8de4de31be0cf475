//! Sites: adding and editing listings, declaring capacity, assuring
//! listings and reading their history.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, put, web};
use chrono::Utc;
use uuid::Uuid;
use warren_domain::directory::{Accuracy, capacity_expiry};
use warren_store::audit::{self, Change};
use warren_store::sites::{self as store, SiteRecord};
use warren_store::{DbConnection, organizations};
use warren_wire::{
    HistoryQuery, SetCapacityRequest, Site, SiteChange, SiteHistory, SiteInput, SiteList,
};

use crate::auth::Principal;
use crate::directory::{self, Snapshot, member_site};
use crate::error::{ApiError, BodyProblems, ObjectProblems, VersionProblems};
use crate::extract::{IdempotencyKey, IfMatch, ValidJson, etag};
use crate::idempotency::{self, Creation};
use crate::routes::paging;
use crate::state::AppState;
use warren_wire::ErrorCode;

fn versioned(site: &Site) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(header::ETag(etag(site.version)))
        .json(site)
}

/// May the caller see this site as a member: any member of the network for
/// vetted organizations' sites, only the organization itself (and network
/// admins) otherwise. Outsiders get 404.
pub(crate) fn require_view(principal: &Principal, record: &SiteRecord) -> Result<(), ApiError> {
    let organization = record.organization_id.to_string();
    if (record.membership.is_active() && principal.in_network)
        || principal.access.can_read(&organization)
    {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// May the caller edit this site: 404 when it may not even see it, 403 when
/// it sees it but is not one of the organization's editors.
pub(crate) fn require_edit(principal: &Principal, record: &SiteRecord) -> Result<(), ApiError> {
    require_view(principal, record)?;
    if principal
        .access
        .can_edit_listing(&record.organization_id.to_string())
    {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only the organization's admins, clinicians and staff edit its listings.".into(),
        ))
    }
}

fn site_view(principal: &Principal, record: &SiteRecord, snapshot: &Snapshot) -> Site {
    let editable = principal
        .access
        .can_edit_listing(&record.organization_id.to_string());
    member_site(record, snapshot, Utc::now(), editable)
}

fn cover_exists(connection: &mut DbConnection, cover: Uuid) -> bool {
    store::find(connection, &cover.to_string()).is_ok()
}

/// The sites (premises) of an organization.
///
/// Sites of vetted organizations are the network's directory and visible to
/// every member of the network; other organizations' sites only to their
/// members.
#[utoipa::path(
    operation_id = "list_sites",
    tag = "directory",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The organization.")),
    responses(
        (status = 200, description = "Its sites, by name.", body = SiteList),
        ObjectProblems,
    )
)]
#[get("/organizations/{id}/sites")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let items = web::block(move || {
        let snapshot = state.directory.get(&state.store)?;
        state.store.read(|connection| {
            let organization = organizations::find(connection, &id)?;
            if !(organization.membership.is_active() && principal.in_network) {
                principal.require_read(&id)?;
            }
            Ok::<_, ApiError>(
                store::list_for_organization(connection, &id)?
                    .iter()
                    .map(|record| site_view(&principal, record, &snapshot))
                    .collect::<Vec<_>>(),
            )
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(SiteList { items }))
}

/// Add a site to an organization (its admins, clinicians and staff, or
/// network admins).
///
/// The new listing is due for a coordinator's audit at once and shows as
/// unverified until assured. Honours `Idempotency-Key`.
#[utoipa::path(
    operation_id = "create_site",
    tag = "directory",
    security(("bearer" = []), ("api_key" = [])),
    request_body = SiteInput,
    params(
        ("id" = Uuid, Path, description = "The organization."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The site as members see it.", body = Site),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/organizations/{id}/sites")]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<SiteInput>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    principal.require_read(&organization)?;
    if !principal.access.can_edit_listing(&organization) {
        return Err(ApiError::Forbidden(
            "Only the organization's admins, clinicians and staff add its sites.".into(),
        ));
    }
    let creation = Creation {
        scope: principal.idempotency_scope(),
        key,
        fingerprint: format!("{organization}:{}", body.fingerprint()),
    };
    let snapshot: Arc<Snapshot> = {
        let state = state.clone();
        web::block(move || state.directory.get(&state.store)).await??
    };
    let input = body.value;
    let view_principal = principal.clone();
    let response = idempotency::create(&state, creation, move |connection| {
        organizations::find(connection, &organization)?;
        let fields = directory::fields(input, snapshot.vocabulary(), None, |cover| {
            cover_exists(connection, cover)
        })?;
        let id = store::insert(connection, &organization, &fields, &principal.actor)?;
        audit::record(
            connection,
            &principal.actor,
            Change {
                action: "site.created",
                target_type: "site",
                target_id: &id,
                organization_id: Some(&organization),
                details: serde_json::json!({ "name": fields.name }),
            },
        )?;
        let record = store::find(connection, &id)?;
        Ok(site_view(&view_principal, &record, &snapshot))
    })
    .await?;
    let state = state.clone();
    web::block(move || state.directory.changed(&state.store)).await?;
    Ok(response)
}

/// One site as members of the network see it, with its version as `ETag`.
#[utoipa::path(
    operation_id = "read_site",
    tag = "directory",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The site.")),
    responses((status = 200, description = "The site.", body = Site), ObjectProblems)
)]
#[get("/sites/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let site = web::block(move || {
        let snapshot = state.directory.get(&state.store)?;
        let record = state
            .store
            .read(|connection| store::find(connection, &id))?;
        require_view(&principal, &record)?;
        Ok::<_, ApiError>(site_view(&principal, &record, &snapshot))
    })
    .await??;
    Ok(versioned(&site))
}

/// Replace a site's listing (its organization's admins, clinicians and
/// staff, or network admins).
///
/// Send the version you read as `If-Match`; if someone changed the listing
/// since, nothing is changed and the answer is 412. Every changed field is
/// recorded in the listing's history.
#[utoipa::path(
    operation_id = "update_site",
    tag = "directory",
    security(("bearer" = []), ("api_key" = [])),
    request_body = SiteInput,
    params(
        ("id" = Uuid, Path, description = "The site."),
        ("If-Match" = String, Header, description = "The version read, from `ETag`."),
    ),
    responses(
        (status = 200, description = "The updated site.", body = Site),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[put("/sites/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<SiteInput>,
) -> Result<HttpResponse, ApiError> {
    let site_id = id.into_inner();
    let id = site_id.to_string();
    let input = body.value;
    let site = web::block(move || {
        let snapshot = state.directory.get(&state.store)?;
        let site = state.store.write(|connection| {
            let current = store::find(connection, &id)?;
            require_edit(&principal, &current)?;
            let fields = directory::fields(input, snapshot.vocabulary(), Some(site_id), |cover| {
                cover_exists(connection, cover)
            })?;
            let changed: Vec<&str> = store::differences(&current.fields, &fields)
                .into_iter()
                .map(|(field, _, _)| field)
                .collect();
            let record = store::update(connection, &id, version.0, &fields, &principal.actor)?;
            if !changed.is_empty() {
                audit::record(
                    connection,
                    &principal.actor,
                    Change {
                        action: "site.updated",
                        target_type: "site",
                        target_id: &id,
                        organization_id: Some(&record.organization_id.to_string()),
                        details: serde_json::json!({ "fields": changed }),
                    },
                )?;
            }
            Ok::<_, ApiError>(site_view(&principal, &record, &snapshot))
        })?;
        state.directory.changed(&state.store);
        Ok::<_, ApiError>(site)
    })
    .await??;
    Ok(versioned(&site))
}

/// Declare a site's capacity: `normal`, `full` or `closed`, until it lapses
/// (default twelve hours) and reads as `unknown`.
///
/// A status, not an edit of the listing: no `If-Match`, and the listing's
/// version does not change. Its organization's admins, clinicians and staff,
/// or network admins.
#[utoipa::path(
    operation_id = "set_capacity",
    tag = "directory",
    security(("bearer" = []), ("api_key" = [])),
    request_body = SetCapacityRequest,
    params(("id" = Uuid, Path, description = "The site.")),
    responses(
        (status = 200, description = "The site with its new capacity.", body = Site),
        ObjectProblems,
        BodyProblems,
    )
)]
#[put("/sites/{id}/capacity")]
pub async fn set_capacity(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ValidJson<SetCapacityRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let request = body.value;
    let expires_at = capacity_expiry(Utc::now(), request.expires_in_minutes)
        .map_err(|error| ApiError::invalid_field("expires_in_minutes", error.to_string()))?;
    let site = web::block(move || {
        let snapshot = state.directory.get(&state.store)?;
        let site = state.store.write(|connection| {
            let current = store::find(connection, &id)?;
            require_edit(&principal, &current)?;
            let record = store::set_capacity(
                connection,
                &id,
                request.status.as_str(),
                expires_at,
                &principal.actor,
            )?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "site.capacity_declared",
                    target_type: "site",
                    target_id: &id,
                    organization_id: Some(&record.organization_id.to_string()),
                    details: serde_json::json!({
                        "status": request.status.as_str(),
                        "expires_at": expires_at,
                    }),
                },
            )?;
            Ok::<_, ApiError>(site_view(&principal, &record, &snapshot))
        })?;
        state.directory.changed(&state.store);
        Ok::<_, ApiError>(site)
    })
    .await??;
    Ok(versioned(&site))
}

/// Assure a listing (network admins): confirm it is accurate today. It shows
/// as verified until its next audit, due in 180 days.
#[utoipa::path(
    operation_id = "assure_site",
    tag = "directory",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The site.")),
    responses(
        (status = 200, description = "The assured site.", body = Site),
        ObjectProblems,
    )
)]
#[post("/sites/{id}/assurance")]
pub async fn assure(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let site = web::block(move || {
        let snapshot = state.directory.get(&state.store)?;
        let site = state.store.write(|connection| {
            let current = store::find(connection, &id)?;
            require_view(&principal, &current)?;
            if !principal.access.can_vet() {
                return Err(ApiError::Forbidden(
                    "Only network admins assure listings.".into(),
                ));
            }
            let now = Utc::now();
            let accuracy = Accuracy::assured(now);
            let record = store::assure(
                connection,
                &id,
                now,
                accuracy.next_audit_due,
                &principal.actor,
            )?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "site.assured",
                    target_type: "site",
                    target_id: &id,
                    organization_id: Some(&record.organization_id.to_string()),
                    details: serde_json::json!({ "next_audit_due": accuracy.next_audit_due }),
                },
            )?;
            Ok::<_, ApiError>(site_view(&principal, &record, &snapshot))
        })?;
        state.directory.changed(&state.store);
        Ok::<_, ApiError>(site)
    })
    .await??;
    Ok(versioned(&site))
}

/// A listing's history: every field change (who, when, old, new), newest
/// first, including capacity declarations and assurances.
#[utoipa::path(
    operation_id = "site_history",
    tag = "directory",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The site."), HistoryQuery),
    responses((status = 200, description = "A page of changes.", body = SiteHistory), ObjectProblems)
)]
#[get("/sites/{id}/history")]
pub async fn history(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let query = query.into_inner();
    let limit = paging::limit(query.limit)?;
    let before = match query.cursor.as_deref() {
        None => None,
        Some(cursor) => Some(cursor.parse::<i64>().map_err(|_| {
            ApiError::bad_request(
                ErrorCode::InvalidQuery,
                "cursor is not one Warren handed out.",
            )
        })?),
    };
    let history = web::block(move || {
        state.store.read(|connection| {
            let record = store::find(connection, &id)?;
            require_view(&principal, &record)?;
            let changes = store::history(connection, &id, before, limit + 1)?;
            let (changes, next_cursor) =
                paging::page(changes, limit, |change| change.id.to_string());
            Ok::<_, ApiError>(SiteHistory {
                items: changes
                    .into_iter()
                    .map(|change| SiteChange {
                        at: change.at,
                        actor: change.actor,
                        field: change.field,
                        old: change.old,
                        new: change.new,
                    })
                    .collect(),
                next_cursor,
            })
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(history))
}

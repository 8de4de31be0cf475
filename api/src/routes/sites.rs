//! Sites: adding and editing listings, declaring capacity, assuring
//! listings and reading their history.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::Utc;
use uuid::Uuid;
use warren_domain::directory::{Accuracy, capacity_expiry};
use warren_store::sites::{self as store, SiteRecord};
use warren_store::{DbConnection, organizations};
use warren_wire::{
    HistoryQuery, SetCapacityRequest, Site, SiteChange, SiteHistory, SiteInput, SiteList,
};

use crate::api::{Api, Tx};
use crate::auth::Principal;
use crate::directory::{self, Snapshot, member_site};
use crate::error::{ApiError, BodyProblems, ObjectProblems, VersionProblems};
use crate::extract::{IdempotencyKey, IfMatch, ValidJson, versioned};
use crate::routes::paging;
use warren_wire::ErrorCode;

/// May the caller see this site as a member: any member of the network for
/// vetted organizations' sites, only the organization itself (and network
/// admins) otherwise. Outsiders get 404.
pub(crate) fn require_view(principal: &Principal, record: &SiteRecord) -> Result<(), ApiError> {
    let organization = record.organization_id.to_string();
    if (record.membership.is_active() && principal.in_network)
        || principal.access.can_read(organization.as_str())
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
        .can_edit_listing(record.organization_id.to_string().as_str())
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
        .can_edit_listing(record.organization_id.to_string().as_str());
    let mut site = member_site(record, snapshot, Utc::now(), editable);
    if !sees_addresses(principal, record) {
        for label in [&mut site.capacity_declared_by, &mut site.assured_by]
            .into_iter()
            .flatten()
        {
            *label = name_only(label);
        }
    }
    site
}

/// Whether the caller reads the e-mail addresses in who changed a listing
/// ("Name <e-mail>", which is how people sign in): the organization's
/// members and network admins. Everyone else in the network sees names
/// only, so no member can collect the staff's sign-in addresses.
fn sees_addresses(principal: &Principal, record: &SiteRecord) -> bool {
    principal
        .access
        .can_read(record.organization_id.to_string().as_str())
}

/// The name of an actor label `Name <e-mail>`.
fn name_only(label: &str) -> String {
    label
        .split_once(" <")
        .map_or(label, |(name, _)| name)
        .to_owned()
}

/// Audits `action` on the site `record` as it is after the change, and
/// answers it as the caller sees it.
fn audited(
    tx: &mut Tx,
    action: &str,
    record: &SiteRecord,
    snapshot: &Snapshot,
    details: serde_json::Value,
) -> Result<Site, ApiError> {
    let organization = record.organization_id.to_string();
    tx.audit(
        action,
        "site",
        &record.id.to_string(),
        Some(&organization),
        details,
    )?;
    Ok(site_view(tx.who, record, snapshot))
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
pub async fn list(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let snapshot = directory::snapshot(&api.state).await?;
    let items = api
        .read(move |tx| {
            let who = tx.who;
            let organization = organizations::find(tx, &id)?;
            if !(organization.membership.is_active() && who.in_network) {
                who.require_read(&id)?;
            }
            let records = store::list_for_organization(tx, &id)?;
            Ok(records
                .iter()
                .map(|record| site_view(who, record, &snapshot))
                .collect::<Vec<_>>())
        })
        .await?;
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
    api: Api,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<SiteInput>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    api.who.require_read(&organization)?;
    if !api.who.access.can_edit_listing(organization.as_str()) {
        return Err(ApiError::Forbidden(
            "Only the organization's admins, clinicians and staff add its sites.".into(),
        ));
    }
    let fingerprint = format!("{organization}:{}", body.fingerprint());
    let snapshot = directory::snapshot(&api.state).await?;
    let input = body.value;
    let state = api.state.clone();
    let response = api
        .create(key, fingerprint, move |tx| {
            let who = tx.who;
            organizations::find(tx, &organization)?;
            let fields = directory::fields(input, snapshot.vocabulary(), None, |cover| {
                cover_exists(tx, cover)
            })?;
            let id = store::insert(tx, &organization, &fields, &who.actor)?;
            let record = store::find(tx, &id)?;
            let details = serde_json::json!({ "name": fields.name });
            audited(tx, "site.created", &record, &snapshot, details)
        })
        .await?;
    Api::directory_changed(state).await?;
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
pub async fn read(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let snapshot = directory::snapshot(&api.state).await?;
    let site = api
        .read(move |tx| {
            let who = tx.who;
            let record = store::find(tx, &id)?;
            require_view(who, &record)?;
            Ok(site_view(who, &record, &snapshot))
        })
        .await?;
    Ok(versioned(&site, site.version))
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
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<SiteInput>,
) -> Result<HttpResponse, ApiError> {
    let site_id = id.into_inner();
    let id = site_id.to_string();
    let input = body.value;
    let snapshot = directory::snapshot(&api.state).await?;
    let site = api
        .write_directory(move |tx| {
            let who = tx.who;
            let current = store::find(tx, &id)?;
            require_edit(who, &current)?;
            let fields = directory::fields(input, snapshot.vocabulary(), Some(site_id), |cover| {
                cover_exists(tx, cover)
            })?;
            let changed: Vec<&str> = store::differences(&current.fields, &fields)
                .into_iter()
                .map(|(field, _, _)| field)
                .collect();
            let record = store::update(tx, &id, version.0, &fields, &who.actor)?;
            if changed.is_empty() {
                return Ok(site_view(who, &record, &snapshot));
            }
            let details = serde_json::json!({ "fields": changed });
            audited(tx, "site.updated", &record, &snapshot, details)
        })
        .await?;
    Ok(versioned(&site, site.version))
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
    api: Api,
    id: web::Path<Uuid>,
    body: ValidJson<SetCapacityRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let request = body.value;
    let expires_at = capacity_expiry(Utc::now(), request.expires_in_minutes)
        .map_err(|error| ApiError::invalid_field("expires_in_minutes", error.to_string()))?;
    let snapshot = directory::snapshot(&api.state).await?;
    let site = api
        .write_directory(move |tx| {
            let who = tx.who;
            let current = store::find(tx, &id)?;
            require_edit(who, &current)?;
            let status = request.status.as_str();
            let record = store::set_capacity(tx, &id, status, expires_at, &who.actor)?;
            let details = serde_json::json!({ "status": status, "expires_at": expires_at });
            audited(tx, "site.capacity_declared", &record, &snapshot, details)
        })
        .await?;
    Ok(versioned(&site, site.version))
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
pub async fn assure(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let snapshot = directory::snapshot(&api.state).await?;
    let site = api
        .write_directory(move |tx| {
            let who = tx.who;
            let current = store::find(tx, &id)?;
            require_view(who, &current)?;
            who.require_network_admin("assure listings")?;
            let now = Utc::now();
            let due = Accuracy::assured(now).next_audit_due;
            let record = store::assure(tx, &id, now, due, &who.actor)?;
            let details = serde_json::json!({ "next_audit_due": due });
            audited(tx, "site.assured", &record, &snapshot, details)
        })
        .await?;
    Ok(versioned(&site, site.version))
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
    api: Api,
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
    let changes = api
        .read(move |tx| {
            let who = tx.who;
            let record = store::find(tx, &id)?;
            require_view(who, &record)?;
            Ok((
                sees_addresses(who, &record),
                store::history(tx, &id, before, limit + 1)?,
            ))
        })
        .await?;
    let (addresses, changes) = changes;
    let (changes, next_cursor) = paging::page(changes, limit, |change| change.id.to_string());
    let items = changes
        .into_iter()
        .map(|change| SiteChange {
            at: change.at,
            actor: if addresses {
                change.actor
            } else {
                name_only(&change.actor)
            },
            field: change.field,
            old: change.old,
            new: change.new,
        })
        .collect();
    Ok(HttpResponse::Ok().json(SiteHistory { items, next_cursor }))
}

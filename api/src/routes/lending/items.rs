//! The kit library's items: added, listed, read and changed by their
//! owner's people.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::Utc;
use uuid::Uuid;
use warren_domain::lending::{ItemStatus, LendingParty, UsageTerms};
use warren_store::lending::{self as store, ItemRow};
use warren_store::{new_id, now};
use warren_wire::{CreateItemRequest, ItemList, KitItem, UpdateItemRequest};

use super::{LENDING_REFUSAL, item_view, require_actor, require_item_reader, site_of};
use crate::api::Api;
use crate::error::{ApiError, BodyProblems, ObjectProblems, VersionProblems};
use crate::extract::{IdempotencyKey, IfMatch, ValidJson, versioned};
use crate::views::lending as views;

fn suitability_text(request: &warren_domain::lending::Suitability) -> Result<String, ApiError> {
    serde_json::to_string(request).map_err(|error| ApiError::Internal(error.to_string()))
}

/// Add an item to the organization's kit library (its admins, clinicians
/// and staff). It starts `available`, with version 1 of its usage terms.
/// Honours `Idempotency-Key`.
#[utoipa::path(
    operation_id = "create_item",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    request_body = CreateItemRequest,
    params(
        ("id" = Uuid, Path, description = "The owning organization."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The item.", body = KitItem),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/organizations/{id}/items")]
pub async fn create_item(
    api: Api,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreateItemRequest>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    require_actor(&api.who, &organization, LENDING_REFUSAL)?;
    let fingerprint = format!("item:{organization}:{}", body.fingerprint());
    let request = body.value;
    api.create(key, fingerprint, move |tx| {
        let home_site_id = site_of(tx, &organization, request.home_site_id, "home_site_id")?;
        let at = now();
        let terms = UsageTerms::first(request.terms.clone());
        let row = ItemRow {
            id: new_id(),
            owner_org_id: organization.clone(),
            home_site_id,
            category: request.category.as_str().to_owned(),
            name: request.name.to_string(),
            description: request.description.as_ref().map(ToString::to_string),
            suitability: suitability_text(&request.suitability)?,
            condition: request.condition.as_str().to_owned(),
            status: ItemStatus::Available.as_str().to_owned(),
            terms_text: terms.text.to_string(),
            terms_version: 1,
            max_loan_days: i32::from(request.max_loan_days.days()),
            auto_approve: request.auto_approve,
            last_returned_at: None,
            created_at: at,
            updated_at: at,
            version: 1,
        };
        store::insert_item(tx, &row)?;
        tx.audit(
            "item.created",
            "item",
            &row.id,
            Some(&organization),
            serde_json::json!({ "category": row.category, "name": row.name }),
        )?;
        item_view(tx, &row)
    })
    .await
}

/// The organization's items (its members), by name, each with whether it
/// can be lent now.
#[utoipa::path(
    operation_id = "list_items",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The owning organization.")),
    responses((status = 200, description = "The items.", body = ItemList), ObjectProblems)
)]
#[get("/organizations/{id}/items")]
pub async fn list_items(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    api.who.require_read(&organization)?;
    let list = api
        .read(move |tx| {
            let rows = store::items_of(tx, &organization)?;
            let names = store::Names::for_items(tx, &rows)?;
            let ids: Vec<&str> = rows.iter().map(|row| row.id.as_str()).collect();
            let plans = store::plans(tx, &ids)?;
            let at = Utc::now();
            let items = rows
                .iter()
                .map(|row| views::kit_item(row, &names, &plans, at))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ItemList { items })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// One item with its `ETag` (its owner's members and members of the
/// network).
#[utoipa::path(
    operation_id = "read_item",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The item.")),
    responses((status = 200, description = "The item.", body = KitItem), ObjectProblems)
)]
#[get("/items/{id}")]
pub async fn read_item(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let item = api
        .read(move |tx| {
            let row = store::item_row(tx, &id)?;
            require_item_reader(tx.who, &row)?;
            item_view(tx, &row)
        })
        .await?;
    Ok(versioned(&item, item.version))
}

/// Change an item (`If-Match` required; its admins, clinicians and staff).
/// New terms text becomes a new terms version. The owner moves the status
/// between `available` and `in_maintenance` and retires items; `on_loan`
/// follows checkouts and returns.
#[utoipa::path(
    operation_id = "update_item",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    request_body = UpdateItemRequest,
    params(
        ("id" = Uuid, Path, description = "The item."),
        ("If-Match" = String, Header, description = "The item's ETag."),
    ),
    responses(
        (status = 200, description = "The item after the change.", body = KitItem),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[put("/items/{id}")]
pub async fn update_item(
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<UpdateItemRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let request = body.value;
    let item = api
        .write(move |tx| {
            let current = store::item_row(tx, &id)?;
            require_actor(tx.who, &current.owner_org_id, LENDING_REFUSAL)?;
            let before = current.item()?;
            if request.status != before.status {
                before
                    .status
                    .check_transition(request.status, LendingParty::Owner)?;
            }
            let home_site_id = site_of(
                tx,
                &current.owner_org_id,
                request.home_site_id,
                "home_site_id",
            )?;
            let terms = before.terms.revise(request.terms.clone());
            let changed = ItemRow {
                home_site_id,
                category: request.category.as_str().to_owned(),
                name: request.name.to_string(),
                description: request.description.as_ref().map(ToString::to_string),
                suitability: suitability_text(&request.suitability)?,
                condition: request.condition.as_str().to_owned(),
                status: request.status.as_str().to_owned(),
                terms_text: terms.text.to_string(),
                terms_version: i32::try_from(terms.version).unwrap_or(i32::MAX),
                max_loan_days: i32::from(request.max_loan_days.days()),
                auto_approve: request.auto_approve,
                ..current.clone()
            };
            store::update_item(tx, &current, version.0, &changed)?;
            tx.audit(
                "item.updated",
                "item",
                &current.id,
                Some(&current.owner_org_id),
                serde_json::json!({
                    "status": changed.status,
                    "condition": changed.condition,
                    "terms_version": changed.terms_version,
                }),
            )?;
            let row = store::item_row(tx, &id)?;
            item_view(tx, &row)
        })
        .await?;
    Ok(versioned(&item, item.version))
}

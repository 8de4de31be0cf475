//! Maintenance plans: calibration, service and cleaning an item is due,
//! and the work recorded against them. An overdue blocking plan keeps the
//! item out of lending.

use actix_web::{HttpResponse, get, post, web};
use chrono::{Duration, Utc};
use uuid::Uuid;
use warren_domain::lending::MaintenancePlan;
use warren_store::lending::{self as store, ItemRow, PlanRow};
use warren_store::{new_id, now};
use warren_wire::{
    CreateMaintenancePlanRequest, MaintenancePlanList, MaintenancePlanView,
    RecordMaintenanceRequest,
};

use super::{LENDING_REFUSAL, require_actor, require_item_reader};
use crate::api::{Api, Tx};
use crate::auth::actor_name;
use crate::error::{ApiError, BodyProblems, ObjectProblems};
use crate::extract::{IdempotencyKey, ValidJson};
use crate::views::lending as views;

/// The item `id`, for a change to its maintenance by its owner's people.
fn item_for_change(tx: &mut Tx, id: &str) -> Result<ItemRow, ApiError> {
    let item = store::item_row(tx, id)?;
    require_actor(tx.who, &item.owner_org_id, LENDING_REFUSAL)?;
    Ok(item)
}

/// An item's maintenance plans with when each is due and whether it is
/// overdue (the owner's members and members of the network).
#[utoipa::path(
    operation_id = "list_maintenance_plans",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The item.")),
    responses((status = 200, description = "The plans.", body = MaintenancePlanList), ObjectProblems)
)]
#[get("/items/{id}/maintenance-plans")]
pub async fn list_maintenance_plans(
    api: Api,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let list = api
        .read(move |tx| {
            let row = store::item_row(tx, &id)?;
            require_item_reader(tx.who, &row)?;
            let item = row.item()?;
            let at = Utc::now();
            let items = store::plans(tx, &[&id])?
                .iter()
                .map(|plan| views::maintenance_plan(plan, item.last_returned_at, at))
                .collect();
            Ok(MaintenancePlanList { items })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Add a maintenance plan to an item (its owner's admins, clinicians and
/// staff): calibration, service or cleaning, every N days or after each
/// loan. An overdue *blocking* plan takes the item out of lending until the
/// work is recorded. Honours `Idempotency-Key`.
#[utoipa::path(
    operation_id = "create_maintenance_plan",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    request_body = CreateMaintenancePlanRequest,
    params(
        ("id" = Uuid, Path, description = "The item."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The plan.", body = MaintenancePlanView),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/items/{id}/maintenance-plans")]
pub async fn create_maintenance_plan(
    api: Api,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreateMaintenancePlanRequest>,
) -> Result<HttpResponse, ApiError> {
    let item_id = id.into_inner().to_string();
    let fingerprint = format!("plan:{item_id}:{}", body.fingerprint());
    let request = body.value;
    request.interval.check()?;
    if request
        .last_done_at
        .is_some_and(|at| at > Utc::now() + Duration::minutes(15))
    {
        return Err(ApiError::invalid_field(
            "last_done_at",
            "must not be in the future",
        ));
    }
    // Outsiders learn nothing: check before touching the idempotency store.
    let checked = item_id.clone();
    api.check(move |tx| item_for_change(tx, &checked)).await?;
    api.create(key, fingerprint, move |tx| {
        let item = item_for_change(tx, &item_id)?;
        let row = PlanRow {
            id: new_id(),
            item_id: item.id.clone(),
            kind: request.kind.as_str().to_owned(),
            interval_days: store::interval_days(request.interval),
            blocking: request.blocking,
            last_done_at: request.last_done_at.map(|at| at.naive_utc()),
            note: request.note.as_ref().map(ToString::to_string),
            created_at: now(),
            version: 1,
        };
        store::insert_plan(tx, &row)?;
        tx.audit(
            "maintenance_plan.created",
            "item",
            &item.id,
            Some(&item.owner_org_id),
            serde_json::json!({ "plan_id": row.id, "kind": row.kind, "blocking": row.blocking }),
        )?;
        let plan = row.plan()?;
        Ok(views::maintenance_plan(
            &plan,
            item.item()?.last_returned_at,
            Utc::now(),
        ))
    })
    .await
}

/// Record that a plan's work was done (its owner's admins, clinicians and
/// staff); a blocking plan brought up to date returns the item to lending.
/// Honours `Idempotency-Key`.
#[utoipa::path(
    operation_id = "record_maintenance",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    request_body = RecordMaintenanceRequest,
    params(
        ("id" = Uuid, Path, description = "The maintenance plan."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The plan after the work.", body = MaintenancePlanView),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/maintenance-plans/{id}/records")]
pub async fn record_maintenance(
    api: Api,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<RecordMaintenanceRequest>,
) -> Result<HttpResponse, ApiError> {
    let plan_id = id.into_inner().to_string();
    let fingerprint = format!("maintenance:{plan_id}:{}", body.fingerprint());
    let request = body.value;
    let checked = plan_id.clone();
    api.check(move |tx| {
        let plan = store::plan_row(tx, &checked)?;
        item_for_change(tx, &plan.item_id)
    })
    .await?;
    api.create(key, fingerprint, move |tx| {
        let row = store::plan_row(tx, &plan_id)?;
        let item = item_for_change(tx, &row.item_id)?;
        let at = Utc::now();
        let done_at = request.done_at.unwrap_or(at);
        let plan: MaintenancePlan = row.plan()?;
        let done = plan.record(done_at, at)?;
        let note = request.note.as_ref().map(ToString::to_string);
        let name = actor_name(tx.who);
        store::record_maintenance(tx, &row, &done, &name, done_at.naive_utc(), note.as_deref())?;
        tx.audit(
            "maintenance.recorded",
            "item",
            &item.id,
            Some(&item.owner_org_id),
            serde_json::json!({ "plan_id": row.id, "done_at": done_at }),
        )?;
        Ok(views::maintenance_plan(
            &done,
            item.item()?.last_returned_at,
            at,
        ))
    })
    .await
}

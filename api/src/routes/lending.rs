//! Lending: the kit library and its loans (DESIGN §6).
//!
//! Items belong to an organization, which manages them and their
//! maintenance plans; members of the network search the catalog and read
//! an item's calendar. A loan request states its clinical urgency and is
//! decided at once, in the write transaction, by the network's allocation
//! policy ([`warren_domain::lending::decide`]): reserved, waiting for the
//! owner, pre-empting routine bookings for a tier 1–2 case, or refused with
//! the next free slot. Only the two organizations of a loan (and network
//! admins) know it exists: anyone else gets 404. Every decision keeps its
//! reason, shown to both sides; every change is audited.

use std::sync::{Arc, Mutex};

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{Duration, Utc};
use geo::{Distance, Haversine, Point};
use uuid::Uuid;
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::lending::{
    CatalogQuery, Decision, ItemStatus, LendingParty, LoanRequest, LoanWindow, MaintenancePlan,
    RequestError, ReservationStatus, TermsAcceptance, UsageTerms, check_approval,
    check_cancellation, check_checkout, check_decline, check_linked_tier, check_return,
    check_transition, lendable,
};
use warren_domain::referral::Weight;
use warren_domain::triage::Tier;
use warren_store::audit::{self, Change};
use warren_store::lending::{
    self as store, ItemRow, LoanChange, LoanRole, PlanRow, ReservationRow,
};
use warren_store::{DbConnection, new_id, now, organizations};
use warren_wire::{
    BusySlot, CalendarParams, CancelLoanRequest, CatalogEntry, CatalogPage, CatalogParams,
    CheckoutRequest, CreateItemRequest, CreateLoanRequest, CreateMaintenancePlanRequest,
    DeclineLoanRequest, FieldError, ItemCalendar, ItemList, KitItem, Loan, LoanList, LoanQuery,
    MaintenancePlanList, MaintenancePlanView, RecordMaintenanceRequest, ReturnLoanRequest,
    Timeline, UpdateItemRequest,
};

use crate::alerts::triggers::ChangedBy;
use crate::auth::Principal;
use crate::auth::actor_name;
use crate::directory::{Snapshot, snapshot};
use crate::error::{ApiError, BodyProblems, ObjectProblems, RoleProblems, VersionProblems};
use crate::events::LiveEvent;
use crate::events::Raised;
use crate::extract::{IdempotencyKey, IfMatch, ValidJson, versioned};
use crate::idempotency::{self, Creation};
use crate::lending::{Prefer, require_decider, side};
use crate::state::AppState;
use warren_wire::ErrorCode;

/// The caller may act for `organization` (404 outsiders, 403 volunteers).
fn require_actor(principal: &Principal, organization: &str) -> Result<(), ApiError> {
    principal.require_read(organization)?;
    require_decider(principal, Some(organization))
}

/// An item as its reader sees it: the owner's members, or anyone in the
/// network (the catalog is shared); 404 otherwise.
fn require_item_reader(principal: &Principal, row: &ItemRow) -> Result<(), ApiError> {
    if principal.in_network || principal.access.can_read(&row.owner_org_id) {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

fn item_view(connection: &mut DbConnection, row: &ItemRow) -> Result<KitItem, ApiError> {
    let names = store::Names::for_items(connection, std::slice::from_ref(row))?;
    let plans = store::plans(connection, &[&row.id])?;
    Ok(store::kit_item(row, &names, &plans, Utc::now())?)
}

fn loan_view(connection: &mut DbConnection, row: &ReservationRow) -> Result<Loan, ApiError> {
    let item = store::item_row(connection, &row.item_id)?;
    Ok(store::loan(row, &item.name)?)
}

fn site_of(
    connection: &mut DbConnection,
    organization: &str,
    site: Uuid,
    field: &str,
) -> Result<String, ApiError> {
    let site = site.to_string();
    match store::site_organization(connection, &site)? {
        Some(owner) if owner == organization => Ok(site),
        _ => Err(ApiError::invalid_field(
            field,
            "is not a site of this organization",
        )),
    }
}

fn record(
    connection: &mut DbConnection,
    principal: &Principal,
    action: &'static str,
    target_type: &'static str,
    target_id: &str,
    organization: &str,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    audit::record(
        connection,
        &principal.actor,
        Change {
            action,
            target_type,
            target_id,
            organization_id: Some(organization),
            details,
        },
    )?;
    Ok(())
}

// Items.

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
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreateItemRequest>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    require_actor(&principal, &organization)?;
    let creation = Creation {
        scope: principal.idempotency_scope(),
        key,
        fingerprint: format!("item:{organization}:{}", body.fingerprint()),
    };
    let request = body.value;
    idempotency::create(&state, creation, move |connection| {
        let home_site_id = site_of(
            connection,
            &organization,
            request.home_site_id,
            "home_site_id",
        )?;
        let at = now();
        let terms = UsageTerms::first(request.terms.clone());
        let row = ItemRow {
            id: new_id(),
            owner_org_id: organization.clone(),
            home_site_id,
            category: request.category.as_str().to_owned(),
            name: request.name.to_string(),
            description: request.description.as_ref().map(ToString::to_string),
            suitability: serde_json::to_string(&request.suitability)
                .map_err(|error| ApiError::Internal(error.to_string()))?,
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
        store::insert_item(connection, &row)?;
        record(
            connection,
            &principal,
            "item.created",
            "item",
            &row.id,
            &organization,
            serde_json::json!({ "category": row.category, "name": row.name }),
        )?;
        item_view(connection, &row)
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
pub async fn list_items(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    principal.require_read(&organization)?;
    let list = web::block(move || {
        state.store.read(|connection| {
            let rows = store::items_of(connection, &organization)?;
            let names = store::Names::for_items(connection, &rows)?;
            let ids: Vec<&str> = rows.iter().map(|row| row.id.as_str()).collect();
            let plans = store::plans(connection, &ids)?;
            let at = Utc::now();
            let items = rows
                .iter()
                .map(|row| store::kit_item(row, &names, &plans, at))
                .collect::<Result<Vec<_>, _>>()?;
            Ok::<_, ApiError>(ItemList { items })
        })
    })
    .await??;
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
pub async fn read_item(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let item = web::block(move || {
        state.store.read(|connection| {
            let row = store::item_row(connection, &id)?;
            require_item_reader(&principal, &row)?;
            item_view(connection, &row)
        })
    })
    .await??;
    let version = item.version;
    Ok(versioned(&item, version))
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
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<UpdateItemRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let request = body.value;
    let item = web::block(move || {
        state.store.write(|connection| {
            let current = store::item_row(connection, &id)?;
            principal.require_read(&current.owner_org_id)?;
            require_decider(&principal, Some(&current.owner_org_id))?;
            let before = current.item()?;
            if request.status != before.status {
                before
                    .status
                    .check_transition(request.status, LendingParty::Owner)?;
            }
            let home_site_id = site_of(
                connection,
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
                suitability: serde_json::to_string(&request.suitability)
                    .map_err(|error| ApiError::Internal(error.to_string()))?,
                condition: request.condition.as_str().to_owned(),
                status: request.status.as_str().to_owned(),
                terms_text: terms.text.to_string(),
                terms_version: i32::try_from(terms.version).unwrap_or(i32::MAX),
                max_loan_days: i32::from(request.max_loan_days.days()),
                auto_approve: request.auto_approve,
                ..current.clone()
            };
            store::update_item(connection, &current, version.0, &changed)?;
            record(
                connection,
                &principal,
                "item.updated",
                "item",
                &current.id,
                &current.owner_org_id,
                serde_json::json!({
                    "status": changed.status,
                    "condition": changed.condition,
                    "terms_version": changed.terms_version,
                }),
            )?;
            let row = store::item_row(connection, &id)?;
            item_view(connection, &row)
        })
    })
    .await??;
    let version = item.version;
    Ok(versioned(&item, version))
}

fn invalid_filter(field: &str, message: &str) -> ApiError {
    ApiError::InvalidFilter(FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    })
}

fn window_filter(params: &CatalogParams) -> Result<Option<LoanWindow>, ApiError> {
    match (params.starts, params.ends) {
        (None, None) => Ok(None),
        (Some(starts), Some(ends)) => LoanWindow::new(starts, ends)
            .map(Some)
            .map_err(|error| invalid_filter("ends", &error.to_string())),
        (Some(_), None) => Err(invalid_filter("ends", "is required with starts")),
        (None, Some(_)) => Err(invalid_filter("starts", "is required with ends")),
    }
}

/// The lendable items of vetted organizations that `query` matches and
/// `keep` keeps, nearest to `origin` first when there is one.
fn catalog(
    connection: &mut DbConnection,
    snapshot: &Snapshot,
    query: &CatalogQuery,
    origin: Option<Point>,
    keep: impl Fn(&ItemRow) -> bool,
) -> Result<CatalogPage, ApiError> {
    let rows: Vec<ItemRow> = store::catalog_rows(connection)?
        .into_iter()
        .filter(|row| {
            keep(row)
                && Uuid::parse_str(&row.home_site_id)
                    .ok()
                    .and_then(|site| snapshot.records.get(&site))
                    .is_some_and(|record| record.membership.is_active())
        })
        .collect();
    let ids: Vec<&str> = rows.iter().map(|row| row.id.as_str()).collect();
    let plans = store::plans(connection, &ids)?;
    let busy = match query.window {
        Some(window) => store::blocking_between(
            connection,
            &ids,
            window.starts().naive_utc(),
            window.ends().naive_utc(),
        )?
        .iter()
        .map(ReservationRow::reservation)
        .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let names = store::Names::for_items(connection, &rows)?;
    let at = Utc::now();
    let mut items = Vec::new();
    for row in &rows {
        let item = row.item()?;
        if !query.matches(&item, &plans, &busy, at) {
            continue;
        }
        let distance_km = origin.and_then(|origin| {
            snapshot.records.get(&item.home_site_id).map(|record| {
                Haversine.distance(
                    origin,
                    Point::new(record.fields.longitude, record.fields.latitude),
                ) / 1000.0
            })
        });
        items.push(CatalogEntry {
            item: store::kit_item(row, &names, &plans, at)?,
            distance_km,
        });
    }
    if origin.is_some() {
        items.sort_by(|a, b| {
            a.distance_km
                .unwrap_or(f64::MAX)
                .total_cmp(&b.distance_km.unwrap_or(f64::MAX))
        });
    }
    Ok(CatalogPage { items })
}

/// Search the kit library of the network's vetted organizations (members of
/// the network): by category, by suitability for a species and weight, free
/// for a whole window, nearest to one of your sites first. Items that cannot
/// be lent now — retired, in maintenance, in poor condition, or with a
/// blocking maintenance plan overdue — are never listed.
#[utoipa::path(
    operation_id = "search_catalog",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(CatalogParams),
    responses(
        (status = 200, description = "The matching items.", body = CatalogPage),
        (status = 400, description = "A filter is malformed; `errors` names it."),
        RoleProblems,
    )
)]
#[get("/items")]
pub async fn search_catalog(
    state: web::Data<AppState>,
    principal: Principal,
    params: web::Query<CatalogParams>,
) -> Result<HttpResponse, ApiError> {
    if !principal.in_network {
        return Err(ApiError::Forbidden(
            "Only members of the network search the kit library.".into(),
        ));
    }
    let params = params.into_inner();
    let window = window_filter(&params)?;
    let species = params
        .species
        .as_deref()
        .map(|text| {
            TermCode::parse(text).map_err(|_| invalid_filter("species", "is not a species code"))
        })
        .transpose()?;
    let weight_grams = params
        .weight_grams
        .map(|grams| {
            Weight::try_from(grams)
                .map_err(|_| invalid_filter("weight_grams", "must be between 1 g and 100 kg"))
        })
        .transpose()?;
    let snapshot = snapshot(&state).await?;
    let origin = match params.near_site_id {
        None => None,
        Some(site) => {
            let record = snapshot
                .records
                .get(&site)
                .ok_or_else(|| invalid_filter("near_site_id", "is not a site in the directory"))?;
            Some(Point::new(record.fields.longitude, record.fields.latitude))
        }
    };
    let query = CatalogQuery {
        category: params.category,
        species,
        weight_grams,
        window,
    };
    let page = web::block(move || {
        state
            .store
            .read(|connection| catalog(connection, &snapshot, &query, origin, |_| true))
    })
    .await??;
    Ok(HttpResponse::Ok().json(page))
}

/// When an item is taken: its reserved, active and overdue loans in a range
/// (default the next 60 days), with each holder's tier but never who holds
/// it.
#[utoipa::path(
    operation_id = "item_calendar",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The item."), CalendarParams),
    responses(
        (status = 200, description = "The busy times.", body = ItemCalendar),
        (status = 400, description = "A filter is malformed; `errors` names it."),
        ObjectProblems,
    )
)]
#[get("/items/{id}/calendar")]
pub async fn item_calendar(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    params: web::Query<CalendarParams>,
) -> Result<HttpResponse, ApiError> {
    let item_id = id.into_inner();
    let from = params.from.unwrap_or_else(Utc::now);
    let to = params.to.unwrap_or(from + Duration::days(60));
    if to <= from {
        return Err(invalid_filter("to", "must be after from"));
    }
    let calendar = web::block(move || {
        state.store.read(|connection| {
            let id = item_id.to_string();
            let row = store::item_row(connection, &id)?;
            require_item_reader(&principal, &row)?;
            let busy =
                store::blocking_between(connection, &[&id], from.naive_utc(), to.naive_utc())?
                    .iter()
                    .map(|row| {
                        let reservation = row.reservation()?;
                        Ok::<_, ApiError>(BusySlot {
                            window: reservation.window,
                            status: reservation.status,
                            tier: reservation.urgency.tier().number(),
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
            Ok::<_, ApiError>(ItemCalendar {
                item_id,
                from,
                to,
                busy,
            })
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(calendar))
}

// Maintenance.

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
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let list = web::block(move || {
        state.store.read(|connection| {
            let row = store::item_row(connection, &id)?;
            require_item_reader(&principal, &row)?;
            let item = row.item()?;
            let at = Utc::now();
            let items = store::plans(connection, &[&id])?
                .iter()
                .map(|plan| store::plan_view(plan, item.last_returned_at, at))
                .collect();
            Ok::<_, ApiError>(MaintenancePlanList { items })
        })
    })
    .await??;
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
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreateMaintenancePlanRequest>,
) -> Result<HttpResponse, ApiError> {
    let item_id = id.into_inner();
    let creation = Creation {
        scope: principal.idempotency_scope(),
        key,
        fingerprint: format!("plan:{item_id}:{}", body.fingerprint()),
    };
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
    let check_state = state.clone();
    let check_principal = principal.clone();
    web::block(move || {
        check_state.store.read(|connection| {
            let row = store::item_row(connection, &item_id.to_string())?;
            require_actor(&check_principal, &row.owner_org_id)
        })
    })
    .await??;
    idempotency::create(&state, creation, move |connection| {
        let item = store::item_row(connection, &item_id.to_string())?;
        require_actor(&principal, &item.owner_org_id)?;
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
        store::insert_plan(connection, &row)?;
        record(
            connection,
            &principal,
            "maintenance_plan.created",
            "item",
            &item.id,
            &item.owner_org_id,
            serde_json::json!({ "plan_id": row.id, "kind": row.kind, "blocking": row.blocking }),
        )?;
        let plan = row.plan()?;
        Ok(store::plan_view(
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
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<RecordMaintenanceRequest>,
) -> Result<HttpResponse, ApiError> {
    let plan_id = id.into_inner().to_string();
    let creation = Creation {
        scope: principal.idempotency_scope(),
        key,
        fingerprint: format!("maintenance:{plan_id}:{}", body.fingerprint()),
    };
    let request = body.value;
    let check_state = state.clone();
    let check_principal = principal.clone();
    let check_id = plan_id.clone();
    web::block(move || {
        check_state.store.read(|connection| {
            let plan = store::plan_row(connection, &check_id)?;
            let item = store::item_row(connection, &plan.item_id)?;
            require_actor(&check_principal, &item.owner_org_id)
        })
    })
    .await??;
    idempotency::create(&state, creation, move |connection| {
        let row = store::plan_row(connection, &plan_id)?;
        let item = store::item_row(connection, &row.item_id)?;
        require_actor(&principal, &item.owner_org_id)?;
        let at = Utc::now();
        let done_at = request.done_at.unwrap_or(at);
        let plan: MaintenancePlan = row.plan()?;
        let done = plan.record(done_at, at)?;
        let note = request.note.as_ref().map(ToString::to_string);
        store::record_maintenance(
            connection,
            &row,
            &done,
            &actor_name(&principal),
            done_at.naive_utc(),
            note.as_deref(),
        )?;
        record(
            connection,
            &principal,
            "maintenance.recorded",
            "item",
            &item.id,
            &item.owner_org_id,
            serde_json::json!({ "plan_id": row.id, "done_at": done_at }),
        )?;
        Ok(store::plan_view(&done, item.item()?.last_returned_at, at))
    })
    .await
}

// Loans.

/// Checks a linked assessment or referral: it must be the borrower's, and
/// the request may not claim more urgency than it recorded.
fn check_links(
    connection: &mut DbConnection,
    borrower: &str,
    request: &CreateLoanRequest,
) -> Result<(), ApiError> {
    let claimed = request.urgency.tier();
    if let Some(assessment) = request.urgency.assessment_id() {
        let record = warren_store::triage::find_assessment(connection, &assessment.to_string())
            .ok()
            .filter(|record| record.organization_id.to_string() == borrower)
            .ok_or_else(|| {
                ApiError::invalid_field(
                    "urgency.assessment_id",
                    "is not an assessment of this organization",
                )
            })?;
        check_linked_tier(claimed, record.result.tier.tier)?;
    }
    if let Some(referral) = request.urgency.referral_id() {
        let row = warren_store::referrals::row(connection, &referral.to_string())
            .ok()
            .filter(|row| row.referrer_org_id == borrower || row.receiver_org_id == borrower)
            .ok_or_else(|| {
                ApiError::invalid_field(
                    "urgency.referral_id",
                    "is not a referral of this organization",
                )
            })?;
        let recorded: Tier = row.tier()?;
        check_linked_tier(claimed, recorded)?;
    }
    Ok(())
}

/// Ask to borrow an item for a window (the borrowing organization's admins,
/// clinicians and staff), stating the clinical urgency. Decided at once by
/// the network's allocation policy, in the same transaction:
///
/// - free, and the owner auto-approves: `reserved`;
/// - free, but the owner approves each request (or a more urgent request
///   waits): `requested`, in the owner's queue;
/// - taken by routine (tier 4–5) bookings that have not started, and this
///   is a tier 1–2 case: `reserved`, and each displaced booking is
///   cancelled with the reason and offered the next free slot;
/// - otherwise 409 `reservation_conflict`, naming the next free slot.
///
/// No two reserved, active or overdue loans of an item ever overlap: the
/// database refuses the second (409 `reservation_overlap`). Honours
/// `Idempotency-Key`.
#[utoipa::path(
    operation_id = "request_loan",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    request_body = CreateLoanRequest,
    params(
        ("id" = Uuid, Path, description = "The borrowing organization."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The request as decided.", body = Loan),
        (status = 409, description = "The item is taken for that time, or cannot be lent now."),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/organizations/{id}/loans")]
pub async fn request_loan(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreateLoanRequest>,
) -> Result<HttpResponse, ApiError> {
    let borrower_id = id.into_inner();
    let borrower = borrower_id.to_string();
    require_actor(&principal, &borrower)?;
    let creation = Creation {
        scope: principal.idempotency_scope(),
        key,
        fingerprint: format!("loan:{borrower}:{}", body.fingerprint()),
    };
    let request = body.value;
    let name = actor_name(&principal);
    let alerting = state.alerting.clone();
    let raised_outside: Arc<Mutex<Vec<LiveEvent>>> = Arc::new(Mutex::new(Vec::new()));
    let raised_inside = raised_outside.clone();
    let answer = idempotency::create(&state, creation, move |connection| {
        let mut raised = Raised::default();
        let by = ChangedBy {
            user_id: principal.actor.user_id.as_deref(),
            name: &name,
        };
        let member_of = organizations::find(connection, &borrower)?;
        if !member_of.membership.is_active() {
            return Err(ApiError::Forbidden(
                "Only vetted organizations borrow kit.".into(),
            ));
        }
        let item_id = request.item_id.to_string();
        store::lock_item(connection, &item_id)?;
        let item_row = store::item_row(connection, &item_id)
            .map_err(|_| ApiError::invalid_field("item_id", "is not an item of the kit library"))?;
        if item_row.owner_org_id == borrower {
            return Err(ApiError::invalid_field(
                "item_id",
                "is an item of the borrowing organization",
            ));
        }
        let site = request
            .site_id
            .map(|site| site_of(connection, &borrower, site, "site_id"))
            .transpose()?;
        check_links(connection, &borrower, &request)?;
        let item = item_row.item()?;
        let plans = store::plans(connection, &[&item_row.id])?;
        let existing = store::open_of_item(connection, &item_row.id)?
            .iter()
            .map(ReservationRow::reservation)
            .collect::<Result<Vec<_>, _>>()?;
        let at = Utc::now();
        // Both databases keep microseconds: decide on what will be stored.
        let window = LoanWindow::new(
            store::to_micros(request.window.starts()),
            store::to_micros(request.window.ends()),
        )?;
        let loan = LoanRequest {
            id: Uuid::now_v7(),
            item_id: item.id,
            borrower_id,
            window,
            urgency: request.urgency.clone(),
            requested_at: now().and_utc(),
        };
        let decision = warren_domain::lending::decide(&loan, &item, &plans, &existing, at)
            .map_err(|error| match error {
                RequestError::Window(error) => ApiError::from(error),
                RequestError::NotLendable(error) => {
                    ApiError::conflict(ErrorCode::NotLendable, format!("{error}."))
                }
                RequestError::WrongItem => ApiError::Internal(error.to_string()),
            })?;
        let id = loan.id.to_string();
        let code = match &decision {
            Decision::Conflict { reason, .. } => {
                return Err(ApiError::conflict(
                    ErrorCode::ReservationConflict,
                    reason.clone(),
                ));
            }
            Decision::AutoApprove { .. } => "auto_approve",
            Decision::NeedsOwnerApproval { .. } => "needs_owner_approval",
            Decision::Preempt { displaced, .. } => {
                for displacement in displaced {
                    let victim = store::reservation_row(
                        connection,
                        &displacement.reservation_id.to_string(),
                    )?;
                    let reason = check_cancellation(
                        victim.status()?,
                        LendingParty::Warren,
                        Some(warren_domain::lending::CancelReason::Preempted),
                    )?;
                    store::change(
                        connection,
                        &victim,
                        None,
                        &LoanChange {
                            to: Some(ReservationStatus::Cancelled),
                            decision: Some("preempted"),
                            reason: Some(&displacement.reason),
                            actor: "Warren",
                            kind: "preempted",
                            cancel_reason: Some(reason),
                            displaced_by: Some(&id),
                            offered: displacement.offered,
                            ..LoanChange::default()
                        },
                    )?;
                    let displaced = store::reservation_row(connection, &victim.id)?;
                    alerting.loan_step(
                        connection,
                        &mut raised,
                        &displaced,
                        "preempted",
                        &item_row.name,
                        by,
                    )?;
                    audit::record(
                        connection,
                        &principal.actor,
                        Change {
                            action: "loan.preempted",
                            target_type: "loan",
                            target_id: &victim.id,
                            organization_id: Some(&victim.borrower_org_id),
                            details: serde_json::json!({
                                "displaced_by": id,
                                "offered": displacement.offered,
                            }),
                        },
                    )?;
                }
                "preempt"
            }
        };
        let status = decision.status();
        if status.is_blocking() {
            store::check_free(connection, &item_row.id, &loan.window, &id)?;
        }
        let urgency = &loan.urgency;
        let row = ReservationRow {
            id: id.clone(),
            item_id: item_row.id.clone(),
            owner_org_id: item_row.owner_org_id.clone(),
            borrower_org_id: borrower.clone(),
            borrower_site_id: site,
            requested_by: name.clone(),
            requested_by_user_id: principal.actor.user_id.clone(),
            starts_at: loan.window.starts().naive_utc(),
            ends_at: loan.window.ends().naive_utc(),
            status: status.as_str().to_owned(),
            tier: i32::from(urgency.tier().number()),
            assessment_id: urgency.assessment_id().map(|id| id.to_string()),
            referral_id: urgency.referral_id().map(|id| id.to_string()),
            justification: urgency.justification().map(ToString::to_string),
            decision: code.to_owned(),
            decision_reason: decision.reason().to_owned(),
            displaced_by: None,
            offered_starts_at: None,
            offered_ends_at: None,
            cancel_reason: None,
            decline_reason: None,
            note: None,
            terms_version: None,
            terms_accepted_by: None,
            terms_accepted_at: None,
            checkout_report: None,
            checked_out_at: None,
            return_report: None,
            returned_at: None,
            requested_at: loan.requested_at.naive_utc(),
            updated_at: now(),
            version: 1,
        };
        store::insert_reservation(connection, &row)?;
        record(
            connection,
            &principal,
            "loan.requested",
            "loan",
            &id,
            &borrower,
            serde_json::json!({
                "item_id": item_row.id,
                "tier": urgency.tier().number(),
                "decision": code,
                "status": status.as_str(),
            }),
        )?;
        alerting.loan_step(
            connection,
            &mut raised,
            &row,
            "requested",
            &item_row.name,
            by,
        )?;
        if let Ok(mut outside) = raised_inside.lock() {
            outside.extend(raised.0);
        }
        Ok(store::loan(&row, &item_row.name)?)
    })
    .await?;
    let events = raised_outside
        .lock()
        .map(|mut events| std::mem::take(&mut *events))
        .unwrap_or_default();
    state.events.publish(events);
    Ok(answer)
}

/// An organization's loans (its members): what it borrows (`role=borrower`,
/// default) or its items lent (`role=owner`); open ones by default, newest
/// request first.
#[utoipa::path(
    operation_id = "list_loans",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The organization."), LoanQuery),
    responses(
        (status = 200, description = "The loans.", body = LoanList),
        (status = 400, description = "A filter is malformed."),
        ObjectProblems,
    )
)]
#[get("/organizations/{id}/loans")]
pub async fn list_loans(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    query: web::Query<LoanQuery>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    principal.require_read(&organization)?;
    let role = match query.role.as_deref() {
        None | Some("borrower") => LoanRole::Borrower,
        Some("owner") => LoanRole::Owner,
        Some(_) => return Err(invalid_filter("role", "must be borrower or owner")),
    };
    let open_only = match query.state.as_deref() {
        None | Some("open") => true,
        Some("all") => false,
        Some(_) => return Err(invalid_filter("state", "must be open or all")),
    };
    let list = web::block(move || {
        state.store.read(|connection| {
            let rows = store::loans_of(connection, &organization, role, open_only)?;
            loans(connection, &rows)
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(list))
}

fn loans(connection: &mut DbConnection, rows: &[ReservationRow]) -> Result<LoanList, ApiError> {
    let names = store::item_names(connection, rows)?;
    let items = rows
        .iter()
        .map(|row| store::loan(row, names.get(&row.item_id).map_or("", String::as_str)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(LoanList { items })
}

/// The owner's approval queue (its members): requests waiting for an
/// answer, in the order the owner must serve them — most urgent first, then
/// longest waiting.
#[utoipa::path(
    operation_id = "loan_queue",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The owning organization.")),
    responses((status = 200, description = "The waiting requests, ranked.", body = LoanList), ObjectProblems)
)]
#[get("/organizations/{id}/loan-queue")]
pub async fn loan_queue(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    principal.require_read(&organization)?;
    let list = web::block(move || {
        state.store.read(|connection| {
            let rows = store::waiting_for(connection, &organization)?;
            let mut ranked = rows
                .into_iter()
                .map(|row| Ok::<_, ApiError>((row.reservation()?.queue_key(), row)))
                .collect::<Result<Vec<_>, _>>()?;
            ranked.sort_by_key(|(key, _)| *key);
            let rows: Vec<ReservationRow> = ranked.into_iter().map(|(_, row)| row).collect();
            loans(connection, &rows)
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(list))
}

/// One loan with its `ETag` (the two organizations and network admins; 404
/// for anyone else).
#[utoipa::path(
    operation_id = "read_loan",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The loan.")),
    responses((status = 200, description = "The loan.", body = Loan), ObjectProblems)
)]
#[get("/loans/{id}")]
pub async fn read_loan(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let loan = web::block(move || {
        state.store.read(|connection| {
            let row = store::reservation_row(connection, &id)?;
            side(&principal, &row, Prefer::Borrower)?;
            loan_view(connection, &row)
        })
    })
    .await??;
    let version = loan.version;
    Ok(versioned(&loan, version))
}

/// Other items that could serve a loan's need (its borrower, the owner, or
/// network admins): lendable items of the same category, free for the whole
/// window the loan asked for, other than the loan's own item and not the
/// borrower's own kit, nearest to the borrower's site first. Offered to a
/// borrower displaced by a more urgent case beside the next free slot of
/// the same item.
#[utoipa::path(
    operation_id = "loan_alternatives",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The loan.")),
    responses(
        (status = 200, description = "Suitable items free for the loan's window.", body = CatalogPage),
        ObjectProblems,
    )
)]
#[get("/loans/{id}/alternatives")]
pub async fn loan_alternatives(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let snapshot = snapshot(&state).await?;
    let page = web::block(move || {
        state.store.read(|connection| {
            let row = store::reservation_row(connection, &id)?;
            side(&principal, &row, Prefer::Borrower)?;
            let item = store::item_row(connection, &row.item_id)?.item()?;
            let query = CatalogQuery {
                category: Some(item.category),
                species: None,
                weight_grams: None,
                window: Some(row.window()?),
            };
            let origin = row
                .borrower_site_id
                .as_deref()
                .and_then(|site| Uuid::parse_str(site).ok())
                .and_then(|site| snapshot.records.get(&site))
                .map(|record| Point::new(record.fields.longitude, record.fields.latitude));
            catalog(connection, &snapshot, &query, origin, |candidate| {
                candidate.id != row.item_id && candidate.owner_org_id != row.borrower_org_id
            })
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(page))
}

/// A loan's timeline, oldest first: requests, decisions with their reasons,
/// pre-emptions, checkout, overdue flags, return.
#[utoipa::path(
    operation_id = "loan_timeline",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The loan.")),
    responses((status = 200, description = "The timeline.", body = Timeline), ObjectProblems)
)]
#[get("/loans/{id}/timeline")]
pub async fn loan_timeline(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let timeline = web::block(move || {
        state.store.read(|connection| {
            let row = store::reservation_row(connection, &id)?;
            side(&principal, &row, Prefer::Borrower)?;
            Ok::<_, ApiError>(Timeline {
                items: store::timeline(connection, &id)?,
            })
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(timeline))
}

/// Runs a change on one loan in a transaction and answers the loan after it.
async fn change_loan<F>(
    state: web::Data<AppState>,
    principal: Principal,
    id: Uuid,
    prefer: Prefer,
    work: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(
            &mut DbConnection,
            &Principal,
            &ReservationRow,
            LendingParty,
            Option<&str>,
        ) -> Result<(), ApiError>
        + Send
        + 'static,
{
    let id = id.to_string();
    let loan = web::block(move || {
        let (loan, raised) = state.store.write(|connection| {
            let row = store::reservation_row(connection, &id)?;
            let (party, organization) = side(&principal, &row, prefer)?;
            require_decider(&principal, organization.as_deref())?;
            work(connection, &principal, &row, party, organization.as_deref())?;
            let after = store::reservation_row(connection, &id)?;
            let mut raised = Raised::default();
            if let Some(step) = alerted_step(&row.status, &after.status) {
                let item = store::item_row(connection, &after.item_id)?.name;
                let name = actor_name(&principal);
                let by = ChangedBy {
                    user_id: principal.actor.user_id.as_deref(),
                    name: &name,
                };
                state
                    .alerting
                    .loan_step(connection, &mut raised, &after, step, &item, by)?;
            }
            Ok::<_, ApiError>((loan_view(connection, &after)?, raised))
        })?;
        state.events.publish(raised.0);
        Ok::<_, ApiError>(loan)
    })
    .await??;
    let version = loan.version;
    Ok(versioned(&loan, version))
}

/// The step of a loan that people hear of, from its status before and
/// after a change: approval, decline, cancellation.
fn alerted_step(before: &str, after: &str) -> Option<&'static str> {
    match (
        ReservationStatus::parse(before)?,
        ReservationStatus::parse(after)?,
    ) {
        (ReservationStatus::Requested, ReservationStatus::Reserved) => Some("approved"),
        (_, ReservationStatus::Declined) => Some("declined"),
        (from, ReservationStatus::Cancelled) if from != ReservationStatus::Cancelled => {
            Some("cancelled")
        }
        _ => None,
    }
}

fn audit_loan(
    connection: &mut DbConnection,
    principal: &Principal,
    action: &'static str,
    row: &ReservationRow,
    organization: Option<&str>,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    record(
        connection,
        principal,
        action,
        "loan",
        &row.id,
        organization.unwrap_or(&row.owner_org_id),
        details,
    )
}

/// Approve a waiting request (the owner; `If-Match` required). Only the top
/// of the queue for overlapping time can be approved (409 `outranked`
/// otherwise: decline the others first), and only while the item is free.
#[utoipa::path(
    operation_id = "approve_loan",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("id" = Uuid, Path, description = "The loan."),
        ("If-Match" = String, Header, description = "The loan's ETag."),
    ),
    responses(
        (status = 200, description = "The loan, reserved.", body = Loan),
        ObjectProblems,
        VersionProblems,
    )
)]
#[post("/loans/{id}/approve")]
pub async fn approve_loan(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let name = actor_name(&principal);
    change_loan(
        state,
        principal,
        id.into_inner(),
        Prefer::Owner,
        move |connection, principal, row, party, organization| {
            let from = row.status()?;
            check_transition(from, ReservationStatus::Reserved, party)?;
            if version.0 != row.version {
                return Err(ApiError::Stale);
            }
            store::lock_item(connection, &row.item_id)?;
            let item_row = store::item_row(connection, &row.item_id)?;
            let item = item_row.item()?;
            let plans = store::plans(connection, &[&row.item_id])?;
            lendable(&item, &plans, Utc::now())
                .map_err(|error| ApiError::conflict(ErrorCode::NotLendable, format!("{error}.")))?;
            let this = row.reservation()?;
            let existing = store::open_of_item(connection, &row.item_id)?
                .iter()
                .map(ReservationRow::reservation)
                .collect::<Result<Vec<_>, _>>()?;
            check_approval(&this, &existing)?;
            store::check_free(connection, &row.item_id, &this.window, &row.id)?;
            let reason = format!(
                "Approved by the owner: the item is reserved for {}.",
                this.window.words()
            );
            store::change(
                connection,
                row,
                Some(version.0),
                &LoanChange {
                    to: Some(ReservationStatus::Reserved),
                    decision: Some("approved"),
                    reason: Some(&reason),
                    actor: &name,
                    kind: "approved",
                    ..LoanChange::default()
                },
            )?;
            audit_loan(
                connection,
                principal,
                "loan.approved",
                row,
                organization,
                serde_json::json!({}),
            )
        },
    )
    .await
}

/// Decline a waiting request (the owner; `If-Match` required) with a reason
/// the borrower sees.
#[utoipa::path(
    operation_id = "decline_loan",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    request_body = DeclineLoanRequest,
    params(
        ("id" = Uuid, Path, description = "The loan."),
        ("If-Match" = String, Header, description = "The loan's ETag."),
    ),
    responses(
        (status = 200, description = "The loan, declined.", body = Loan),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[post("/loans/{id}/decline")]
pub async fn decline_loan(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<DeclineLoanRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.value;
    let name = actor_name(&principal);
    change_loan(
        state,
        principal,
        id.into_inner(),
        Prefer::Owner,
        move |connection, principal, row, party, organization| {
            check_transition(row.status()?, ReservationStatus::Declined, party)?;
            let reason = check_decline(request.reason, request.note.as_ref())?;
            let note = request.note.as_ref().map(ToString::to_string);
            let words = format!("Declined by the owner: {}.", reason.label());
            store::change(
                connection,
                row,
                Some(version.0),
                &LoanChange {
                    to: Some(ReservationStatus::Declined),
                    decision: Some("declined"),
                    reason: Some(&words),
                    actor: &name,
                    kind: "declined",
                    note: note.as_deref(),
                    decline_reason: Some(reason),
                    ..LoanChange::default()
                },
            )?;
            audit_loan(
                connection,
                principal,
                "loan.declined",
                row,
                organization,
                serde_json::json!({ "reason": reason.as_str() }),
            )
        },
    )
    .await
}

/// Cancel a request or reservation (`If-Match` required), with a reason
/// both sides see: the borrower withdraws, the owner withdraws or marks the
/// item unavailable, network admins cancel as coordinators.
#[utoipa::path(
    operation_id = "cancel_loan",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    request_body = CancelLoanRequest,
    params(
        ("id" = Uuid, Path, description = "The loan."),
        ("If-Match" = String, Header, description = "The loan's ETag."),
    ),
    responses(
        (status = 200, description = "The loan, cancelled.", body = Loan),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[post("/loans/{id}/cancel")]
pub async fn cancel_loan(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<CancelLoanRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.value;
    let name = actor_name(&principal);
    change_loan(
        state,
        principal,
        id.into_inner(),
        Prefer::Borrower,
        move |connection, principal, row, party, organization| {
            let reason = check_cancellation(row.status()?, party, request.reason)?;
            let note = request.note.as_ref().map(ToString::to_string);
            let words = format!("Cancelled: {}.", reason.label());
            store::change(
                connection,
                row,
                Some(version.0),
                &LoanChange {
                    to: Some(ReservationStatus::Cancelled),
                    decision: Some("cancelled"),
                    reason: Some(&words),
                    actor: &name,
                    kind: "cancelled",
                    note: note.as_deref(),
                    cancel_reason: Some(reason),
                    ..LoanChange::default()
                },
            )?;
            audit_loan(
                connection,
                principal,
                "loan.cancelled",
                row,
                organization,
                serde_json::json!({ "reason": reason.as_str() }),
            )
        },
    )
    .await
}

/// Check the item out (the borrower, signed in; `If-Match` required): the
/// condition checklist as it goes out, and the borrower's acceptance of the
/// usage terms in force — who, when and which version are recorded.
#[utoipa::path(
    operation_id = "checkout_loan",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    request_body = CheckoutRequest,
    params(
        ("id" = Uuid, Path, description = "The loan."),
        ("If-Match" = String, Header, description = "The loan's ETag."),
    ),
    responses(
        (status = 200, description = "The loan, active.", body = Loan),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[post("/loans/{id}/checkout")]
pub async fn checkout_loan(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<CheckoutRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.value;
    let name = actor_name(&principal);
    change_loan(state, principal, id.into_inner(), Prefer::Borrower, move |connection, principal, row, party, organization| {
        if version.0 != row.version {
            return Err(ApiError::Stale);
        }
        let item_row = store::item_row(connection, &row.item_id)?;
        let item = item_row.item()?;
        let plans = store::plans(connection, &[&row.item_id])?;
        let accepted_by = principal
            .actor
            .user_id
            .as_deref()
            .or(principal.actor.api_key_id.as_deref())
            .and_then(|id| Uuid::parse_str(id).ok())
            .ok_or_else(|| ApiError::Forbidden("Only a known caller can accept usage terms.".into()))?;
        let acceptance = TermsAcceptance {
            accepted_by,
            organization_id: organization
                .and_then(|id| Uuid::parse_str(id).ok())
                .unwrap_or_default(),
            accepted_at: now().and_utc(),
            terms_version: request.accept_terms_version,
        };
        let at = Utc::now();
        check_checkout(&item, &plans, &row.reservation()?, &request.report, &acceptance, party, at)?;
        item.status
            .check_transition(ItemStatus::OnLoan, LendingParty::Warren)?;
        store::change(
            connection,
            row,
            Some(version.0),
            &LoanChange {
                to: Some(ReservationStatus::Active),
                actor: &name,
                kind: "checked_out",
                note: Some(&format!(
                    "Checked out in condition {}; usage terms version {} accepted.",
                    request.report.condition.label().to_lowercase(),
                    acceptance.terms_version
                )),
                acceptance: Some(&acceptance),
                checkout: Some(&request.report),
                ..LoanChange::default()
            },
        )?;
        store::set_item_state(connection, &item_row.id, ItemStatus::OnLoan, Some(request.report.condition), None)?;
        audit_loan(connection, principal, "loan.checked_out", row, organization, serde_json::json!({ "terms_version": acceptance.terms_version, "condition": request.report.condition }))
    })
    .await
}

/// Take the item back (the owner; `If-Match` required), recording its
/// condition. An item back in a condition that needs repair goes into
/// maintenance; worse condition than at checkout needs notes.
#[utoipa::path(
    operation_id = "return_loan",
    tag = "lending",
    security(("bearer" = []), ("api_key" = [])),
    request_body = ReturnLoanRequest,
    params(
        ("id" = Uuid, Path, description = "The loan."),
        ("If-Match" = String, Header, description = "The loan's ETag."),
    ),
    responses(
        (status = 200, description = "The loan, returned.", body = Loan),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[post("/loans/{id}/return")]
pub async fn return_loan(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<ReturnLoanRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.value;
    let name = actor_name(&principal);
    change_loan(state, principal, id.into_inner(), Prefer::Owner, move |connection, principal, row, party, organization| {
        if version.0 != row.version {
            return Err(ApiError::Stale);
        }
        let at_checkout = row
            .checkout()?
            .ok_or_else(|| ApiError::conflict(ErrorCode::IllegalTransition, format!("A reservation cannot go from {} to returned.", row.status)))?;
        let outcome = check_return(&row.reservation()?, &at_checkout, &request.report, party, Utc::now())?;
        let item_row = store::item_row(connection, &row.item_id)?;
        item_row
            .status()?
            .check_transition(outcome.item_status, LendingParty::Warren)?;
        let mut note = format!(
            "Returned in condition {}.",
            request.report.condition.label().to_lowercase()
        );
        if let Some(late) = outcome.late_by {
            note.push_str(&format!(" {} hours late.", late.num_hours()));
        }
        store::change(
            connection,
            row,
            Some(version.0),
            &LoanChange {
                to: Some(ReservationStatus::Returned),
                actor: &name,
                kind: "returned",
                note: Some(&note),
                returned: Some(&request.report),
                ..LoanChange::default()
            },
        )?;
        store::set_item_state(connection, &item_row.id, outcome.item_status, Some(request.report.condition), Some(now()))?;
        audit_loan(connection, principal, "loan.returned", row, organization, serde_json::json!({ "condition": request.report.condition, "condition_worsened": outcome.condition_worsened }))
    })
    .await
}

//! Liveness and readiness.

use actix_web::{HttpResponse, get, web};
use warren_wire::Health;

use crate::error::ApiError;
use crate::state::AppState;

/// Liveness: the process answers.
#[utoipa::path(
    operation_id = "live",
    tag = "health",
    responses((status = 200, description = "The process is alive.", body = Health))
)]
#[get("/healthz")]
pub async fn live(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
        database: state.store.backend().as_str().into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// Readiness: the database answers; 503 problem details when it does not.
#[utoipa::path(
    operation_id = "ready",
    tag = "health",
    responses(
        (status = 200, description = "Ready to serve.", body = Health),
        (status = 503, description = "The database is not answering.", body = warren_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    web::block(move || store.ping()).await??;
    Ok(HttpResponse::Ok().json(Health {
        status: "ok".into(),
        database: state.store.backend().as_str().into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }))
}

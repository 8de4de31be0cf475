//! Reading the audit log.

use actix_web::{HttpResponse, get, web};
use warren_store::audit::{self, AuditFilter};
use warren_wire::{AuditPage, AuditQuery};

use crate::api::Api;
use crate::error::{ApiError, AuthProblems};
use crate::routes::paging;
use crate::views;

/// Read the audit log, newest first.
///
/// Network admins read every entry; org admins read their organizations'
/// entries. Everyone else is refused with 403.
#[utoipa::path(
    operation_id = "list_audit_log",
    tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of entries.", body = AuditPage),
        (status = 400, description = "A filter is not valid.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins read the audit log.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "The organization is not one the caller administers.", body = warren_wire::Problem, content_type = "application/problem+json"),
        AuthProblems,
    )
)]
#[get("/audit-log")]
pub async fn list(api: Api, query: web::Query<AuditQuery>) -> Result<HttpResponse, ApiError> {
    let principal = &api.who;
    let query = query.into_inner();
    let limit = paging::limit(query.limit)?;
    let before = paging::cursor::<i64>(query.cursor.as_deref())?;
    let organizations = principal
        .access
        .audit_scope(query.organization_id.map(|id| id.to_string()))?;
    let filter = AuditFilter {
        organizations,
        action: query.action.filter(|action| !action.is_empty()),
        before,
        limit,
    };
    let items = api
        .read(move |tx| {
            audit::list(tx, &filter)?
                .iter()
                .map(views::audit::audit_entry)
                .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    let (items, next_cursor) = paging::page(items, limit, |entry| entry.id.to_string());
    Ok(HttpResponse::Ok().json(AuditPage { items, next_cursor }))
}

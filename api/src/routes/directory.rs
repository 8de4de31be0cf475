//! The members' directory: search, the coordinator's audit queue and the
//! taxonomy.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use warren_domain::directory::search::SearchParams;
use warren_domain::directory::taxonomy::Term;
use warren_store::sites as store;
use warren_wire::{
    AuditQueueItem, AuditQueuePage, AuditQueueQuery, CreateTermRequest, SearchPage, TermList,
};

use crate::api::Api;
use crate::directory::{self, search_params, snapshot};
use crate::error::{ApiError, BodyProblems, PublicProblems, RoleProblems};
use crate::routes::paging;
use crate::state::AppState;
use warren_wire::ErrorCode;

/// Search the directory: who can take this animal, now, near here.
///
/// Filters combine: `species` (a group covers its species; an unknown
/// species of a known group searches the group), `capabilities` (all must
/// match), `at` (default now) with `open=true` keeping only sites open then
/// or covered after hours, `lat`/`lon` with `radius_km`, `accepting=true`
/// dropping sites declared full or closed, `weight_grams`, and free text `q`.
/// Results are ranked by how well they match (open before covered, declared
/// full or closed last) and then by distance, in a stable order; each says
/// why it matched and whether its listing is verified. A filter that cannot be
/// used is a 400 naming it. Members of the network only: the public
/// directory is `GET /api/v1/public/search`.
#[utoipa::path(
    operation_id = "search_directory",
    tag = "directory",
    security(("bearer" = []), ("api_key" = [])),
    params(SearchParams),
    responses(
        (status = 200, description = "A page of ranked results.", body = SearchPage),
        (status = 400, description = "A filter cannot be used; `errors` names it.", body = warren_wire::Problem, content_type = "application/problem+json"),
        RoleProblems,
    )
)]
#[get("/directory/search")]
pub async fn search(api: Api, request: HttpRequest) -> Result<HttpResponse, ApiError> {
    api.who.require_network(
        "Only members of vetted organizations search the members' directory; \
         the public directory is at /api/v1/public/search.",
    )?;
    let mut params = search_params(request.query_string())?;
    let near = crate::routes::places::resolve_near(&api.state, &mut params).await?;
    let snapshot = snapshot(&api.state).await?;
    let mut page = directory::search(&snapshot, &params, true)?;
    page.near = near;
    Ok(HttpResponse::Ok().json(page))
}

/// The audit queue (network admins): the vetted organizations' listings,
/// overdue ones first, then by due date. Overdue listings show as unverified
/// everywhere until assured. Each item also flags the first gap in the
/// coming week of the site's on-call rota, if it has one.
#[utoipa::path(
    operation_id = "audit_queue",
    tag = "directory",
    security(("bearer" = [])),
    params(AuditQueueQuery),
    responses(
        (status = 200, description = "A page of the queue.", body = AuditQueuePage),
        RoleProblems,
    )
)]
#[get("/directory/audit-queue")]
pub async fn audit_queue(
    api: Api,
    query: web::Query<AuditQueueQuery>,
) -> Result<HttpResponse, ApiError> {
    api.who.require_network_admin("run the audit queue")?;
    let query = query.into_inner();
    let limit = paging::limit(query.limit)?;
    let offset = i64::try_from(query.offset.unwrap_or(0))
        .map_err(|_| ApiError::bad_request(ErrorCode::InvalidQuery, "offset is too large."))?;
    let now = Utc::now();
    let (rows, overdue, total, gaps) = api
        .read(move |tx| {
            let (rows, overdue, total) =
                store::audit_queue(tx, now, query.overdue_only.unwrap_or(false), offset, limit)?;
            let mut gaps = std::collections::HashMap::new();
            for row in &rows {
                let Some(record) = warren_store::alerts::find_rota(tx, &row.id.to_string())? else {
                    continue;
                };
                let site = store::find(tx, &row.id.to_string())?;
                let (timezone, country) =
                    crate::alerts::place(&site.fields.timezone, &site.fields.country)?;
                if let Some(gap) = record.rota()?.gaps(timezone, country, now, 7).first() {
                    gaps.insert(row.id, *gap);
                }
            }
            Ok((rows, overdue, total, gaps))
        })
        .await?;
    let shown = offset + rows.len() as i64;
    Ok(HttpResponse::Ok().json(AuditQueuePage {
        items: rows
            .into_iter()
            .map(|row| AuditQueueItem {
                site_id: row.id,
                name: row.name,
                organization_name: row.organization_name,
                town: row.town,
                overdue: row.next_audit_due <= now,
                assured_at: row.assured_at,
                assured_by: row.assured_by,
                next_audit_due: row.next_audit_due,
                updated_at: row.updated_at,
                rota_gap: gaps.get(&row.id).copied(),
            })
            .collect(),
        overdue: overdue as u64,
        total: total as u64,
        next_offset: (shown < total).then_some(shown as u64),
    }))
}

/// The capability and species vocabularies in force. No sign-in needed.
#[utoipa::path(
    operation_id = "list_terms",
    tag = "directory",
    responses(
        (status = 200, description = "Every term.", body = TermList),
        PublicProblems,
    )
)]
#[get("/taxonomy/terms")]
pub async fn terms(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let snapshot = snapshot(&state).await?;
    Ok(HttpResponse::Ok().json(TermList {
        items: snapshot.vocabulary().terms().to_vec(),
    }))
}

/// Add a term to a vocabulary (network admins). A species code names its
/// group first (`small_mammal/jerboa`), and the group must exist.
#[utoipa::path(
    operation_id = "create_term",
    tag = "directory",
    security(("bearer" = [])),
    request_body = CreateTermRequest,
    responses(
        (status = 201, description = "The new term.", body = Term),
        (status = 409, description = "The code exists already.", body = warren_wire::Problem, content_type = "application/problem+json"),
        RoleProblems,
        BodyProblems,
    )
)]
#[post("/taxonomy/terms")]
pub async fn create_term(
    api: Api,
    body: crate::extract::ValidJson<CreateTermRequest>,
) -> Result<HttpResponse, ApiError> {
    api.who.require_network_admin("extend the vocabularies")?;
    let request = body.value;
    let term = Term {
        taxonomy: request.taxonomy,
        code: request.code,
        label: request.label.as_str().to_owned(),
    };
    let current = snapshot(&api.state).await?;
    if term.taxonomy == warren_domain::directory::taxonomy::Taxonomy::Species
        && !term.code.is_group()
        && current
            .vocabulary()
            .find(term.taxonomy, term.code.group())
            .is_none()
    {
        return Err(ApiError::invalid_field(
            "code",
            format!("the species group `{}` does not exist", term.code.group()),
        ));
    }
    let created = term.clone();
    api.write_directory(move |tx| {
        store::insert_term(tx, &created)?;
        tx.audit(
            "taxonomy.term_created",
            "taxonomy_term",
            &format!("{}:{}", created.taxonomy.as_str(), created.code),
            None,
            serde_json::json!({ "label": created.label }),
        )
    })
    .await?;
    Ok(HttpResponse::Created().json(term))
}

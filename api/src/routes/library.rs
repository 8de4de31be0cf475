//! The knowledge library the network writes for itself: protocols, case
//! write-ups, enrichment templates, rehabilitation milestones, reintroduction
//! criteria and owner guidance, searchable by species, topic and words.
//!
//! Who may do what is the domain's ([`warren_domain::library`]): everyone in
//! the network reads network-wide articles; only the owner's members read an
//! organization-private one (anyone else gets 404, as if it did not exist);
//! the owner's admins, clinicians and staff write and edit, and network
//! admins curate network-wide articles. Every edit is a new version, guarded
//! by `If-Match`, and every change is audited in the same transaction.
//!
//! Bodies are Markdown; answers carry them rendered and sanitised
//! ([`markdown`]), so clients insert `body_html` and never render Markdown
//! themselves.

pub mod markdown;

use actix_web::{HttpResponse, delete, get, post, put, web};
use uuid::Uuid;
use warren_domain::directory::taxonomy::{TermCode, Vocabulary};
use warren_domain::library::markdown::to_plain_text;
use warren_domain::library::{
    ArticleKind, Tags, Topic, Visibility, may_edit, may_read, may_write, tag_text,
};
use warren_store::library::{
    self as store, ArticleRow, Edit, HIGHLIGHT_END, HIGHLIGHT_START, Hit, Search, TagCodes,
    VersionRow,
};
use warren_store::{DbConnection, new_id, now, parse_id, sites, utc};
use warren_wire::{
    Article, ArticleHit, ArticlePage, ArticleQuery, ArticleVersion, ArticleVersionEntry,
    ArticleVersionList, CreateArticleRequest, PreviewRequest, PreviewResponse, SnippetPart,
    UpdateArticleRequest,
};

use crate::api::{Api, Tx};
use crate::auth::actor_name;
use crate::auth::{ActingFor, Principal};
use crate::error::{ApiError, BodyProblems, ObjectProblems, RoleProblems, VersionProblems};
use crate::extract::{IdempotencyKey, IfMatch, ValidJson, versioned};
use crate::routes::{filters, paging};
use warren_wire::ErrorCode;

fn corrupt(what: &str) -> ApiError {
    ApiError::Internal(format!("corrupt stored article {what}"))
}

fn kind_of(code: &str) -> Result<ArticleKind, ApiError> {
    ArticleKind::parse(code).ok_or_else(|| corrupt("kind"))
}

fn visibility_of(code: &str) -> Result<Visibility, ApiError> {
    Visibility::parse(code).ok_or_else(|| corrupt("visibility"))
}

/// Whether the caller reads `row`.
fn readable(principal: &Principal, row: &ArticleRow) -> Result<bool, ApiError> {
    Ok(may_read(
        &principal.access,
        principal.in_network,
        &row.organization_id,
        visibility_of(&row.visibility)?,
    ))
}

/// The article, or 404 when the caller may not read it.
pub(crate) fn require_reader(principal: &Principal, row: &ArticleRow) -> Result<(), ApiError> {
    if readable(principal, row)? {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// 403 unless the caller may edit `row` (and, when the edit changes it, an
/// article of the new visibility).
fn require_editor(
    principal: &Principal,
    row: &ArticleRow,
    new_visibility: Option<Visibility>,
) -> Result<(), ApiError> {
    let visibility = visibility_of(&row.visibility)?;
    let allowed = may_edit(&principal.access, &row.organization_id, visibility)
        && new_visibility.is_none_or(|new| may_edit(&principal.access, &row.organization_id, new));
    if !allowed {
        return Err(ApiError::Forbidden(
            "Only the organization's admins, clinicians and staff edit its articles; network admins curate network-wide ones.".into(),
        ));
    }
    if row.archived_at.is_some() {
        return Err(ApiError::conflict(
            ErrorCode::ArticleArchived,
            "The article is archived and can no longer be changed.",
        ));
    }
    Ok(())
}

/// Only members of the network publish to it.
fn check_visibility(principal: &Principal, visibility: Visibility) -> Result<(), ApiError> {
    if visibility == Visibility::Network && !principal.in_network {
        return Err(ApiError::invalid_field(
            "visibility",
            "network-wide articles are for members of vetted organizations; keep it to your organization until yours is vetted",
        ));
    }
    Ok(())
}

fn vocabulary(connection: &mut DbConnection) -> Result<Vocabulary, ApiError> {
    Ok(Vocabulary::new(sites::terms(connection)?))
}

fn codes_json(tags: &Tags) -> Result<(String, String), ApiError> {
    let species: Vec<&str> = tags.species.iter().map(TermCode::as_str).collect();
    let topics: Vec<&str> = tags.topics.iter().map(Topic::as_str).collect();
    let json = |value: &Vec<&str>| {
        serde_json::to_string(value).map_err(|error| ApiError::Internal(error.to_string()))
    };
    Ok((json(&species)?, json(&topics)?))
}

/// The article as the caller sees it.
fn view(tx: &mut Tx, row: &ArticleRow) -> Result<Article, ApiError> {
    let principal = tx.who;
    let names = store::organization_names(tx, std::slice::from_ref(row))?;
    let tags = TagCodes::of(row)?;
    let visibility = visibility_of(&row.visibility)?;
    Ok(Article {
        id: parse_id(&row.id)?,
        organization_id: parse_id(&row.organization_id)?,
        organization_name: names.get(&row.organization_id).cloned().unwrap_or_default(),
        kind: kind_of(&row.kind)?,
        visibility,
        title: row.title.clone(),
        summary: row.summary.clone(),
        body_html: markdown::to_html(&row.body_markdown),
        body_markdown: row.body_markdown.clone(),
        species: tags.species,
        topics: tags.topics,
        created_by: row.created_by.clone(),
        created_at: utc(row.created_at),
        updated_by: row.updated_by.clone(),
        updated_at: utc(row.updated_at),
        archived_at: row.archived_at.map(utc),
        can_edit: row.archived_at.is_none()
            && may_edit(&principal.access, &row.organization_id, visibility),
        version: row.version,
    })
}

/// Splits a database snippet at its highlight marks.
fn snippet_parts(snippet: &str) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut rest = snippet;
    while !rest.is_empty() {
        let Some(start) = rest.find(HIGHLIGHT_START) else {
            parts.push(SnippetPart {
                text: rest.to_owned(),
                highlight: false,
            });
            break;
        };
        if start > 0 {
            parts.push(SnippetPart {
                text: rest[..start].to_owned(),
                highlight: false,
            });
        }
        let after = &rest[start + HIGHLIGHT_START.len()..];
        let end = after.find(HIGHLIGHT_END).unwrap_or(after.len());
        parts.push(SnippetPart {
            text: after[..end].to_owned(),
            highlight: true,
        });
        rest = after.get(end + HIGHLIGHT_END.len()..).unwrap_or_default();
    }
    parts.retain(|part| !part.text.is_empty());
    parts
}

fn hit(
    hit: Hit,
    names: &std::collections::HashMap<String, String>,
) -> Result<ArticleHit, ApiError> {
    let row = hit.row;
    let tags = TagCodes::of(&row)?;
    Ok(ArticleHit {
        id: parse_id(&row.id)?,
        organization_id: parse_id(&row.organization_id)?,
        organization_name: names.get(&row.organization_id).cloned().unwrap_or_default(),
        kind: kind_of(&row.kind)?,
        visibility: visibility_of(&row.visibility)?,
        title: row.title,
        summary: row.summary,
        species: tags.species,
        topics: tags.topics,
        snippet: hit
            .snippet
            .as_deref()
            .map(snippet_parts)
            .unwrap_or_default(),
        rank: hit.rank,
        updated_by: row.updated_by,
        updated_at: utc(row.updated_at),
        version: row.version,
    })
}

fn version_view(row: &VersionRow, current: i64) -> Result<ArticleVersion, ApiError> {
    let parse =
        |text: &str| serde_json::from_str::<Vec<String>>(text).map_err(|_| corrupt("version tags"));
    Ok(ArticleVersion {
        article_id: parse_id(&row.article_id)?,
        number: row.number,
        current: row.number == current,
        kind: kind_of(&row.kind)?,
        visibility: visibility_of(&row.visibility)?,
        title: row.title.clone(),
        summary: row.summary.clone(),
        body_html: markdown::to_html(&row.body_markdown),
        body_markdown: row.body_markdown.clone(),
        species: parse(&row.species)?,
        topics: parse(&row.topics)?,
        change_note: row.change_note.clone(),
        author: row.author.clone(),
        created_at: utc(row.created_at),
    })
}

/// Audits `action` on the article `row`.
fn record(
    tx: &mut Tx,
    action: &'static str,
    row: &ArticleRow,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    tx.audit(
        action,
        "article",
        &row.id,
        Some(&row.organization_id),
        details,
    )
}

/// Who writes articles: the organization's admins, clinicians and staff.
const WRITERS: ActingFor = ActingFor {
    named: "Only the organization's admins, clinicians and staff write its articles.",
    anywhere: "Only an organization's admins, clinicians and staff write articles.",
    several: "is required when you write for more than one organization",
};

/// Write a new article for an organization (its admins, clinicians and
/// staff). Species must be codes of the directory's vocabulary; topics are
/// normalised. The body is kept as Markdown and answered rendered and
/// sanitised in `body_html`. Network-wide articles are for members of
/// vetted organizations. Honours `Idempotency-Key`.
#[utoipa::path(
    operation_id = "create_article",
    tag = "library",
    security(("bearer" = []), ("api_key" = [])),
    request_body = CreateArticleRequest,
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The article, at version 1.", body = Article),
        RoleProblems,
        BodyProblems,
    )
)]
#[post("/articles")]
pub async fn create_article(
    api: Api,
    key: IdempotencyKey,
    body: ValidJson<CreateArticleRequest>,
) -> Result<HttpResponse, ApiError> {
    let organization = api
        .who
        .organization_for(body.value.organization_id, may_write, &WRITERS)?;
    check_visibility(&api.who, body.value.visibility)?;
    let fingerprint = format!("article:{}", body.fingerprint());
    let request = body.value;
    api.create(key, fingerprint, move |tx| {
        let principal = tx.who;
        let vocabulary = vocabulary(tx)?;
        let tags = Tags::check(request.species, request.topics, &vocabulary)?;
        let (species, topics) = codes_json(&tags)?;
        let author = actor_name(principal);
        let at = now();
        let row = ArticleRow {
            id: new_id(),
            organization_id: organization,
            visibility: request.visibility.as_str().to_owned(),
            kind: request.kind.as_str().to_owned(),
            title: request.title.to_string(),
            summary: request.summary.as_ref().map(ToString::to_string),
            species,
            topics,
            tag_text: tag_text(&vocabulary, &tags),
            search_text: to_plain_text(request.body_markdown.as_str()),
            body_markdown: request.body_markdown.to_string(),
            created_by: author.clone(),
            created_by_user_id: principal.user.as_ref().map(|user| user.id.clone()),
            updated_by: author,
            created_at: at,
            updated_at: at,
            archived_at: None,
            archived_by: None,
            version: 1,
        };
        let note = request
            .change_note
            .as_ref()
            .map_or("First version", |note| note.as_str());
        store::create(tx, &row, note)?;
        record(
            tx,
            "article.created",
            &row,
            serde_json::json!({
                "kind": row.kind,
                "visibility": row.visibility,
                "title": row.title,
                "version": 1,
            }),
        )?;
        view(tx, &row)
    })
    .await
}

/// Search the library (members of the network; members of an organization
/// also find its private articles). With `q`, results come best match
/// first, each with the passage that matched; without it, most recently
/// changed first. Filters combine: kind, species (a group matches its
/// species and a species matches articles about its whole group), topic,
/// visibility, organization. Archived articles are never listed.
#[utoipa::path(
    operation_id = "search_articles",
    tag = "library",
    security(("bearer" = []), ("api_key" = [])),
    params(ArticleQuery),
    responses(
        (status = 200, description = "A page of results.", body = ArticlePage),
        (status = 400, description = "A filter or the cursor is malformed; `errors` names the filter."),
        RoleProblems,
    )
)]
#[get("/articles")]
pub async fn search_articles(
    api: Api,
    query: web::Query<ArticleQuery>,
) -> Result<HttpResponse, ApiError> {
    let principal = &api.who;
    let query = query.into_inner();
    let species = filters::species(query.species.as_deref())?.map(String::from);
    let topic = query
        .topic
        .as_deref()
        .map(|text| {
            Topic::parse(text)
                .map(String::from)
                .map_err(|error| ApiError::invalid_filter("topic", &error.to_string()))
        })
        .transpose()?;
    filters::words(query.q.as_deref())?;
    let offset = paging::offset(query.cursor.as_deref())?;
    let limit = paging::limit(query.limit)?;
    let search = Search {
        text: query.q.clone(),
        kind: query.kind.map(|kind| kind.as_str().to_owned()),
        species,
        topic,
        visibility: query
            .visibility
            .map(|visibility| visibility.as_str().to_owned()),
        organization_id: query.organization_id.map(|id| id.to_string()),
        member_of: principal.access.organizations().cloned().collect(),
        reads_network: principal.in_network || principal.access.is_network_admin(),
        offset,
        limit: limit + 1,
    };
    let page = api
        .read(move |tx| {
            let hits = store::search(tx, &search)?;
            let rows: Vec<ArticleRow> = hits.iter().map(|hit| hit.row.clone()).collect();
            let names = store::organization_names(tx, &rows)?;
            let mut items = hits
                .into_iter()
                .map(|found| hit(found, &names))
                .collect::<Result<Vec<_>, _>>()?;
            let more = items.len() as i64 > limit;
            items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
            Ok(ArticlePage {
                items,
                next_cursor: more.then(|| (offset + limit).to_string()),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Render Markdown exactly as an article body would show, for an editor's
/// preview. Nothing is stored.
#[utoipa::path(
    operation_id = "preview_article",
    tag = "library",
    security(("bearer" = []), ("api_key" = [])),
    request_body = PreviewRequest,
    responses(
        (status = 200, description = "The sanitised HTML.", body = PreviewResponse),
        RoleProblems,
        BodyProblems,
    )
)]
#[post("/articles/preview")]
pub async fn preview_article(
    _principal: Principal,
    body: ValidJson<PreviewRequest>,
) -> Result<HttpResponse, ApiError> {
    let body_html = markdown::to_html(body.value.body_markdown.as_str());
    Ok(HttpResponse::Ok().json(PreviewResponse { body_html }))
}

/// One article, rendered, with its `ETag` (its version). An
/// organization-private article of another organization answers 404.
#[utoipa::path(
    operation_id = "read_article",
    tag = "library",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The article.")),
    responses((status = 200, description = "The article.", body = Article), ObjectProblems)
)]
#[get("/articles/{id}")]
pub async fn read_article(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let article = api
        .read(move |tx| {
            let row = store::article(tx, &id)?;
            require_reader(tx.who, &row)?;
            view(tx, &row)
        })
        .await?;
    Ok(versioned(&article, article.version))
}

/// Write the next version of an article (`If-Match` required: the version
/// you read; a stale one answers 412 and changes nothing). The owner's
/// admins, clinicians and staff edit; network admins edit network-wide
/// articles. The previous version stays in the history.
#[utoipa::path(
    operation_id = "update_article",
    tag = "library",
    security(("bearer" = []), ("api_key" = [])),
    request_body = UpdateArticleRequest,
    params(
        ("id" = Uuid, Path, description = "The article."),
        ("If-Match" = String, Header, description = "The article's ETag."),
    ),
    responses(
        (status = 200, description = "The article at its new version.", body = Article),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[put("/articles/{id}")]
pub async fn update_article(
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<UpdateArticleRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let request = body.value;
    let article = api
        .write(move |tx| {
            let principal = tx.who;
            let current = store::article(tx, &id)?;
            require_reader(principal, &current)?;
            require_editor(principal, &current, Some(request.visibility))?;
            check_visibility(principal, request.visibility)?;
            let vocabulary = vocabulary(tx)?;
            let tags = Tags::check(request.species, request.topics, &vocabulary)?;
            let (species, topics) = codes_json(&tags)?;
            let author = actor_name(principal);
            let summary = request.summary.as_ref().map(ToString::to_string);
            let note = request
                .change_note
                .as_ref()
                .map_or("Edited", |note| note.as_str());
            let edit = Edit {
                visibility: request.visibility.as_str(),
                kind: request.kind.as_str(),
                title: request.title.as_str(),
                summary: summary.as_deref(),
                species,
                topics,
                body_markdown: request.body_markdown.as_str(),
                tag_text: tag_text(&vocabulary, &tags),
                search_text: to_plain_text(request.body_markdown.as_str()),
                change_note: note,
                author: &author,
                author_user_id: principal.user.as_ref().map(|user| user.id.as_str()),
            };
            let row = store::edit(tx, &current, version.0, &edit)?;
            record(
                tx,
                "article.edited",
                &row,
                serde_json::json!({
                    "version": row.version,
                    "change_note": note,
                    "kind": row.kind,
                    "visibility": row.visibility,
                    "title": row.title,
                }),
            )?;
            view(tx, &row)
        })
        .await?;
    Ok(versioned(&article, article.version))
}

/// Archive an article (`If-Match` required; whoever may edit it). It leaves
/// search, stays readable at its address with its history, and can no
/// longer be edited.
#[utoipa::path(
    operation_id = "archive_article",
    tag = "library",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("id" = Uuid, Path, description = "The article."),
        ("If-Match" = String, Header, description = "The article's ETag."),
    ),
    responses(
        (status = 204, description = "Archived."),
        ObjectProblems,
        VersionProblems,
    )
)]
#[delete("/articles/{id}")]
pub async fn archive_article(
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    api.write(move |tx| {
        let principal = tx.who;
        let current = store::article(tx, &id)?;
        require_reader(principal, &current)?;
        require_editor(principal, &current, None)?;
        store::archive(tx, &current, version.0, &actor_name(principal))?;
        record(
            tx,
            "article.archived",
            &current,
            serde_json::json!({ "version": current.version }),
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An article's history, newest version first (whoever reads the article).
#[utoipa::path(
    operation_id = "list_article_versions",
    tag = "library",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The article.")),
    responses(
        (status = 200, description = "Every version.", body = ArticleVersionList),
        ObjectProblems,
    )
)]
#[get("/articles/{id}/versions")]
pub async fn list_versions(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let article_id = id.into_inner();
    let id = article_id.to_string();
    let list = api
        .read(move |tx| {
            let row = store::article(tx, &id)?;
            require_reader(tx.who, &row)?;
            let items = store::versions(tx, &id)?
                .into_iter()
                .map(|version| ArticleVersionEntry {
                    number: version.number,
                    title: version.title,
                    change_note: version.change_note,
                    author: version.author,
                    created_at: utc(version.created_at),
                })
                .collect();
            Ok(ArticleVersionList {
                article_id,
                current: row.version,
                items,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// One version of an article as it was written, rendered (whoever reads the
/// article).
#[utoipa::path(
    operation_id = "read_article_version",
    tag = "library",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("id" = Uuid, Path, description = "The article."),
        ("number" = i64, Path, description = "The version's number, from 1."),
    ),
    responses(
        (status = 200, description = "The version.", body = ArticleVersion),
        ObjectProblems,
    )
)]
#[get("/articles/{id}/versions/{number}")]
pub async fn read_version(
    api: Api,
    path: web::Path<(Uuid, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, number) = path.into_inner();
    let id = id.to_string();
    let version = api
        .read(move |tx| {
            let row = store::article(tx, &id)?;
            require_reader(tx.who, &row)?;
            let version = store::version(tx, &id, number)?;
            version_view(&version, row.version)
        })
        .await?;
    Ok(HttpResponse::Ok().json(version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_split_at_their_highlight_marks() {
        let parts = snippet_parts("Offer a ⟦degu⟧ a dust bath for ⟦enrichment⟧…");
        let shown: Vec<(&str, bool)> = parts
            .iter()
            .map(|part| (part.text.as_str(), part.highlight))
            .collect();
        assert_eq!(
            shown,
            [
                ("Offer a ", false),
                ("degu", true),
                (" a dust bath for ", false),
                ("enrichment", true),
                ("…", false),
            ]
        );
        assert!(snippet_parts("").is_empty());
        assert_eq!(snippet_parts("⟦open")[0].text, "open");
    }
}

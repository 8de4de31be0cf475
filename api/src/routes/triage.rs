//! Triage: the network's protocol and its versions, stateless evaluation and
//! recorded assessments with recommended destinations.

use actix_web::{HttpResponse, delete, get, post, put, web};
use uuid::Uuid;
use warren_domain::directory::search::SearchParams;
use warren_domain::triage::{
    Variant, assess, check_protocol, check_variant, protocol_changes, with_variant,
};
use warren_store::triage::{self as store, NewAssessment};
use warren_store::{StoreError, organizations, sites};
use warren_wire::{
    Assessment, AssessmentPage, AssessmentQuery, AssessmentRecord, CreateAssessmentRequest,
    EvaluateRequest, ProtocolVersion, ProtocolVersionList, PublishProtocolRequest,
    SiteTriageVariant,
};

use crate::api::Api;
use crate::directory::{self, snapshot};
use crate::error::{ApiError, BodyProblems, ObjectProblems, PublicProblems, RoleProblems};
use crate::extract::{IdempotencyKey, ValidJson};
use crate::routes::paging;
use crate::routes::sites::{require_edit, require_view};
use crate::state::AppState;
use crate::views::triage as views;
use warren_wire::ErrorCode;

/// The species code, resolved against the taxonomy (an unknown species of a
/// known group falls back to the group), or 422.
async fn species(
    state: &web::Data<AppState>,
    code: &warren_domain::directory::taxonomy::TermCode,
) -> Result<warren_domain::directory::taxonomy::TermCode, ApiError> {
    let snapshot = snapshot(state).await?;
    snapshot
        .vocabulary()
        .resolve_species(code)
        .map(|_| code.clone())
        .ok_or_else(|| ApiError::invalid_field("species", "is not a species or group Warren knows"))
}

/// The network's current triage protocol: tiers, signs with their questions
/// for staff and owners, interventions and escalation criteria. No sign-in
/// needed.
#[utoipa::path(
    operation_id = "current_triage_protocol",
    tag = "triage",
    responses(
        (status = 200, description = "The newest published version.", body = ProtocolVersion),
        PublicProblems,
    )
)]
#[get("/triage/protocol")]
pub async fn current_protocol(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let version = Api::public(state)
        .read(|tx| Ok(views::protocol_version(&store::current(tx)?)))
        .await?;
    Ok(HttpResponse::Ok().json(version))
}

/// Every published protocol version, newest first, each with what changed
/// against the previous one. No sign-in needed.
#[utoipa::path(
    operation_id = "list_triage_protocol_versions",
    tag = "triage",
    responses(
        (status = 200, description = "The versions.", body = ProtocolVersionList),
        PublicProblems,
    )
)]
#[get("/triage/protocol/versions")]
pub async fn protocol_versions(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let items = Api::public(state)
        .read(|tx| {
            Ok(store::versions(tx)?
                .iter()
                .map(views::protocol_version_summary)
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(ProtocolVersionList { items }))
}

/// One published protocol version. No sign-in needed.
#[utoipa::path(
    operation_id = "read_triage_protocol_version",
    tag = "triage",
    params(("version" = u32, Path, description = "The version number.")),
    responses(
        (status = 200, description = "The version.", body = ProtocolVersion),
        (status = 404, description = "No such version.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/triage/protocol/versions/{version}")]
pub async fn protocol_version(
    state: web::Data<AppState>,
    version: web::Path<u32>,
) -> Result<HttpResponse, ApiError> {
    let version = version.into_inner();
    let found = Api::public(state)
        .read(move |tx| Ok(views::protocol_version(&store::version(tx, version)?)))
        .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Publish a new protocol version (network admins). The server numbers it
/// and records what changed against the current version; assessments keep
/// the version they used.
#[utoipa::path(
    operation_id = "publish_triage_protocol",
    tag = "triage",
    security(("bearer" = [])),
    request_body = PublishProtocolRequest,
    responses(
        (status = 201, description = "The new version.", body = ProtocolVersion),
        (status = 409, description = "Another version was published at the same moment; read and retry.", body = warren_wire::Problem, content_type = "application/problem+json"),
        RoleProblems,
        BodyProblems,
    )
)]
#[post("/triage/protocol/versions")]
pub async fn publish_protocol(
    api: Api,
    body: ValidJson<PublishProtocolRequest>,
) -> Result<HttpResponse, ApiError> {
    api.who
        .require_network_admin("publish the triage protocol")?;
    let protocol = body.value.protocol;
    check_protocol(&protocol)
        .map_err(|error| ApiError::invalid_field("protocol", error.to_string()))?;
    let published = api
        .write(move |tx| {
            let current = store::current(tx)?;
            let changes = protocol_changes(&current.protocol, &protocol);
            if changes.is_empty() {
                return Err(ApiError::conflict(
                    ErrorCode::NoChange,
                    "The protocol is the same as the current version.",
                ));
            }
            let mut publisher = tx.who.actor.clone();
            publisher.label = publisher
                .label
                .split(" <")
                .next()
                .unwrap_or_default()
                .to_owned();
            let published = store::publish(tx, current.version, &protocol, &changes, &publisher)?;
            tx.audit(
                "triage.protocol_published",
                "triage_protocol",
                &published.version.to_string(),
                None,
                serde_json::json!({ "changes": changes }),
            )?;
            Ok(views::protocol_version(&published))
        })
        .await?;
    Ok(HttpResponse::Created().json(published))
}

/// Assess answers with the current protocol without recording anything (the
/// browser runs the same engine itself). No sign-in needed.
#[utoipa::path(
    operation_id = "evaluate_triage",
    tag = "triage",
    request_body = EvaluateRequest,
    responses(
        (status = 200, description = "The result.", body = Assessment),
        BodyProblems,
        PublicProblems,
    )
)]
#[post("/triage/evaluate")]
pub async fn evaluate(
    state: web::Data<AppState>,
    body: ValidJson<EvaluateRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.value;
    let species = species(&state, &request.species).await?;
    let protocol = Api::public(state)
        .read(|tx| Ok(store::current(tx)?))
        .await?;
    let result = assess(&protocol.protocol, &species, &request.answers)?;
    Ok(HttpResponse::Ok().json(result))
}

fn destinations(
    snapshot: &directory::Snapshot,
    needed: &[String],
    species: &str,
    near: Option<(f64, f64)>,
) -> Result<Vec<warren_wire::SearchHit>, ApiError> {
    // Only capabilities the directory knows can be searched for.
    let known: Vec<&str> = needed
        .iter()
        .map(String::as_str)
        .filter(|code| {
            snapshot
                .vocabulary()
                .find(
                    warren_domain::directory::taxonomy::Taxonomy::Capability,
                    code,
                )
                .is_some()
        })
        .collect();
    let params = SearchParams {
        species: Some(species.to_owned()),
        capabilities: (!known.is_empty()).then(|| known.join(",")),
        open: Some("true".into()),
        accepting: Some("true".into()),
        lat: near.map(|(lat, _)| lat.to_string()),
        lon: near.map(|(_, lon)| lon.to_string()),
        radius_km: near.map(|_| "80".into()),
        limit: Some("5".into()),
        ..SearchParams::default()
    };
    Ok(directory::search(snapshot, &params, true)?.items)
}

/// Record an assessment for an organization (its members). The result is
/// computed with the current protocol (or the published version the request
/// names, for records made offline) and kept with its version, together
/// with recommended destinations: open or covered, accepting sites with the
/// capabilities the case needs, nearest to the given site (default the
/// organization's first). Honours `Idempotency-Key`, so a record synced
/// twice from a device that was offline is kept once.
#[utoipa::path(
    operation_id = "create_assessment",
    tag = "triage",
    security(("bearer" = []), ("api_key" = [])),
    request_body = CreateAssessmentRequest,
    params(
        ("id" = Uuid, Path, description = "The organization."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The recorded assessment.", body = AssessmentRecord),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/organizations/{id}/assessments")]
pub async fn create(
    api: Api,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreateAssessmentRequest>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    api.who.require_read(&organization)?;
    let fingerprint = format!("{organization}:{}", body.fingerprint());
    let request = body.value;
    let species = species(&api.state, &request.species).await?;
    let patient = request
        .patient
        .map(|patient| patient.trim().to_owned())
        .filter(|patient| !patient.is_empty());
    if patient
        .as_ref()
        .is_some_and(|patient| patient.chars().count() > 200)
    {
        return Err(ApiError::invalid_field(
            "patient",
            "must be at most 200 characters",
        ));
    }
    let snapshot = snapshot(&api.state).await?;
    api.create(key, fingerprint, move |tx| {
        let member_of = organizations::find(tx, &organization)?;
        if !member_of.membership.is_active() && !tx.who.access.can_vet() {
            return Err(ApiError::Forbidden(
                "Only vetted organizations record assessments.".into(),
            ));
        }
        let own_sites = sites::list_for_organization(tx, &organization)?;
        let site = match request.site_id {
            Some(site_id) => Some(
                own_sites
                    .iter()
                    .find(|site| site.id == site_id)
                    .ok_or_else(|| {
                        ApiError::invalid_field("site_id", "is not a site of this organization")
                    })?,
            ),
            None => own_sites.first(),
        };
        let mut protocol = match request.protocol_version {
            Some(version) => store::version(tx, version).map_err(|error| match error {
                StoreError::NotFound => {
                    ApiError::invalid_field("protocol_version", "is not a published version")
                }
                other => other.into(),
            })?,
            None => store::current(tx)?,
        };
        // A site running its own variant adapts the interventions to its kit.
        let variant = match site {
            Some(site) => store::variant(tx, &site.id.to_string())?,
            None => None,
        };
        if let Some(variant) = &variant {
            protocol.protocol = with_variant(&protocol.protocol, &variant.variant);
        }
        let result = assess(&protocol.protocol, &species, &request.answers)?;
        let near = site.map(|site| (site.fields.latitude, site.fields.longitude));
        // What the sign that set the tier needs: the case's first need.
        let needed = result
            .fired
            .as_ref()
            .and_then(|code| {
                protocol
                    .protocol
                    .discriminators
                    .iter()
                    .find(|sign| &sign.code == code)
            })
            .map(|sign| sign.capabilities.clone())
            .unwrap_or_default();
        let destinations = destinations(&snapshot, &needed, species.as_str(), near)?;
        let variant_site = variant.as_ref().map(|variant| variant.site_id.clone());
        let actor = tx.who.actor.clone();
        let record = store::insert_assessment(
            tx,
            &NewAssessment {
                organization_id: &organization,
                species: species.as_str(),
                patient: patient.as_deref(),
                answers: &request.answers,
                result: &result,
                destinations: &destinations,
                variant_site_id: variant_site.as_deref(),
            },
            &actor,
        )?;
        tx.audit(
            "triage.assessed",
            "assessment",
            &record.id,
            Some(&organization),
            serde_json::json!({
                "tier": result.tier.tier.number(),
                "protocol_version": result.protocol_version,
            }),
        )?;
        views::assessment(&record)
    })
    .await
}

/// An organization's assessments, newest first (its members).
#[utoipa::path(
    operation_id = "list_assessments",
    tag = "triage",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The organization."), AssessmentQuery),
    responses((status = 200, description = "A page of assessments.", body = AssessmentPage), ObjectProblems)
)]
#[get("/organizations/{id}/assessments")]
pub async fn list(
    api: Api,
    id: web::Path<Uuid>,
    query: web::Query<AssessmentQuery>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    api.who.require_read(&organization)?;
    let query = query.into_inner();
    let limit = paging::limit(query.limit)?;
    let page = api
        .read(move |tx| {
            let items =
                store::list_assessments(tx, &organization, query.cursor.as_deref(), limit + 1)?
                    .iter()
                    .map(views::assessment)
                    .collect::<Result<Vec<_>, _>>()?;
            let (items, next_cursor) = paging::page(items, limit, |record| record.id.to_string());
            Ok(AssessmentPage { items, next_cursor })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One recorded assessment (members of its organization and network admins).
#[utoipa::path(
    operation_id = "read_assessment",
    tag = "triage",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The assessment.")),
    responses((status = 200, description = "The assessment.", body = AssessmentRecord), ObjectProblems)
)]
#[get("/assessments/{id}")]
pub async fn read(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let record = api
        .read(move |tx| {
            let record = store::find_assessment(tx, &id)?;
            tx.who.require_read(&record.organization_id)?;
            views::assessment(&record)
        })
        .await?;
    Ok(HttpResponse::Ok().json(record))
}

/// A site's own triage interventions (members of the network); 404 when it
/// runs the network's protocol unchanged.
#[utoipa::path(
    operation_id = "read_site_triage_variant",
    tag = "triage",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The site.")),
    responses((status = 200, description = "The site's variant.", body = SiteTriageVariant), ObjectProblems)
)]
#[get("/sites/{id}/triage-variant")]
pub async fn read_variant(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let variant = api
        .read(move |tx| {
            let site = sites::find(tx, &id)?;
            require_view(tx.who, &site)?;
            let record = store::variant(tx, &id)?.ok_or(ApiError::NotFound)?;
            views::site_variant(&record)
        })
        .await?;
    Ok(HttpResponse::Ok().json(variant))
}

/// Adopt a variant for a site (its editors): its own interventions for some
/// signs, adapted to its kit. Tiers, signs and questions stay the network's.
/// Replaces any earlier variant; assessments started from the site use it
/// and say so.
#[utoipa::path(
    operation_id = "put_site_triage_variant",
    tag = "triage",
    security(("bearer" = []), ("api_key" = [])),
    request_body = Variant,
    params(("id" = Uuid, Path, description = "The site.")),
    responses(
        (status = 200, description = "The site's variant.", body = SiteTriageVariant),
        ObjectProblems,
        BodyProblems,
    )
)]
#[put("/sites/{id}/triage-variant")]
pub async fn put_variant(
    api: Api,
    id: web::Path<Uuid>,
    body: ValidJson<Variant>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let variant = body.value;
    let saved = api
        .write(move |tx| {
            let site = sites::find(tx, &id)?;
            require_edit(tx.who, &site)?;
            let protocol = store::current(tx)?;
            check_variant(&protocol.protocol, &variant)
                .map_err(|(field, message)| ApiError::invalid_field(&field, message))?;
            let actor = tx.who.actor.clone();
            let saved = store::put_variant(tx, &id, &variant, &actor)?;
            tx.audit(
                "triage.variant_adopted",
                "site",
                &id,
                Some(&site.organization_id.to_string()),
                serde_json::json!({ "signs": variant.signs.len() }),
            )?;
            views::site_variant(&saved)
        })
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}

/// Drop a site's variant (its editors): the site runs the network's protocol
/// unchanged again.
#[utoipa::path(
    operation_id = "delete_site_triage_variant",
    tag = "triage",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The site.")),
    responses((status = 204, description = "The variant is gone."), ObjectProblems)
)]
#[delete("/sites/{id}/triage-variant")]
pub async fn delete_variant(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    api.write(move |tx| {
        let site = sites::find(tx, &id)?;
        require_edit(tx.who, &site)?;
        if !store::delete_variant(tx, &id)? {
            return Err(ApiError::NotFound);
        }
        tx.audit(
            "triage.variant_dropped",
            "site",
            &id,
            Some(&site.organization_id.to_string()),
            serde_json::json!({}),
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

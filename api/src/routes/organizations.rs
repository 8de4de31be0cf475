//! Organizations: applying, listing, reading, editing, vetting, sites.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use uuid::Uuid;
use warren_domain::{MembershipStatus, Role};
use warren_store::accounts;
use warren_store::audit::{self, Change};
use warren_store::organizations::{
    self as store, NewOrganization, OrganizationChange, OrganizationFilter,
};
use warren_wire::{
    Applicant, Application, ApplyRequest, MembershipChangeRequest, Organization, OrganizationPage,
    OrganizationQuery, PendingApplication, PendingApplicationPage, PendingApplicationQuery,
    UpdateOrganizationRequest,
};

use crate::auth::{Principal, anonymous_actor, hash_password_blocking};
use crate::error::{
    ApiError, AuthProblems, BodyProblems, ObjectProblems, PublicProblems, VersionProblems,
};
use crate::events::LiveEvent;
use crate::events::Raised;
use crate::extract::{IdempotencyKey, IfMatch, ValidJson, etag};
use crate::idempotency::{self, Creation};
use crate::routes::paging;
use crate::state::AppState;
use warren_wire::ErrorCode;

fn versioned(organization: &Organization) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(header::ETag(etag(organization.version)))
        .json(organization)
}

/// Apply to join the network.
///
/// Creates the organization in the vetting queue (`applied`) and its first
/// user, its org admin, who can sign in at once and will see the
/// organization's status. No sign-in needed. Honours `Idempotency-Key`.
#[utoipa::path(
    operation_id = "apply",
    tag = "organizations",
    request_body = ApplyRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer.")),
    responses(
        (status = 201, description = "Application received.", body = Application),
        (status = 409, description = "An account with this e-mail exists.", body = warren_wire::Problem, content_type = "application/problem+json"),
        BodyProblems,
        PublicProblems,
    )
)]
#[post("/organizations/applications")]
pub async fn apply(
    state: web::Data<AppState>,
    request: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<ApplyRequest>,
) -> Result<HttpResponse, ApiError> {
    let creation = Creation {
        scope: "anonymous".into(),
        key,
        fingerprint: body.fingerprint().to_owned(),
    };
    let application = body.value;
    let password_hash =
        hash_password_blocking(application.admin.password.as_str().to_owned()).await?;
    let actor = anonymous_actor(
        &request,
        &format!("{} <{}>", application.admin.name, application.admin.email),
    );
    let alerting = state.alerting.clone();
    let answer = idempotency::create(&state, creation, move |connection| {
        let organization = store::insert(
            connection,
            &NewOrganization {
                name: application.organization.name.as_str(),
                kind: application.organization.kind,
                membership: MembershipStatus::Applied,
                website: application.organization.website.as_ref().map(|w| w.as_str()),
                description: application.organization.description.as_ref().map(|d| d.as_str()),
            },
        )?;
        let admin = accounts::insert_user(
            connection,
            application.admin.email.as_str(),
            application.admin.name.as_str(),
            &password_hash,
        )
        .map_err(|error| match error {
            warren_store::StoreError::Conflict(_) => ApiError::conflict(
                ErrorCode::EmailTaken,
                "An account with this e-mail address exists already; sign in, or use another address.",
            ),
            other => other.into(),
        })?;
        accounts::add_membership(connection, &admin.id, &organization.id.to_string(), Role::OrgAdmin)?;
        let mut raised = Raised::default();
        alerting.ask_to_confirm(connection, &mut raised, &admin)?;
        let actor = audit::Actor {
            user_id: Some(admin.id.clone()),
            ..actor
        };
        audit::record(
            connection,
            &actor,
            Change {
                action: "organization.applied",
                target_type: "organization",
                target_id: &organization.id.to_string(),
                organization_id: Some(&organization.id.to_string()),
                details: serde_json::json!({
                    "name": organization.name,
                    "kind": organization.kind,
                    "admin_email": admin.email,
                }),
            },
        )?;
        Ok(Application {
            organization,
            admin: admin.to_wire()?,
        })
    })
    .await?;
    state.events.publish(vec![LiveEvent::MailQueued]);
    Ok(answer)
}

/// List organizations.
///
/// Network admins see every organization (filter `membership=applied` for the
/// vetting queue); everyone else sees their own. Oldest first, paginated.
#[utoipa::path(
    operation_id = "list_organizations",
    tag = "organizations",
    security(("bearer" = []), ("api_key" = [])),
    params(OrganizationQuery),
    responses(
        (status = 200, description = "A page of organizations.", body = OrganizationPage),
        (status = 400, description = "A filter is not valid.", body = warren_wire::Problem, content_type = "application/problem+json"),
        AuthProblems,
    )
)]
#[get("/organizations")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<OrganizationQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = paging::limit(query.limit)?;
    let after = query
        .cursor
        .map(|cursor| {
            Uuid::parse_str(&cursor)
                .map(|id| id.to_string())
                .map_err(|_| {
                    ApiError::bad_request(
                        ErrorCode::InvalidQuery,
                        "cursor is not a cursor this server sent.",
                    )
                })
        })
        .transpose()?;
    let filter = OrganizationFilter {
        visible: (!principal.access.is_network_admin())
            .then(|| principal.access.organizations().cloned().collect()),
        membership: query.membership,
        kind: query.kind,
        name_contains: query
            .q
            .filter(|q| !q.trim().is_empty())
            .map(|q| q.trim().to_owned()),
        after,
        limit,
    };
    let items = web::block(move || {
        state
            .store
            .read(|connection| store::list(connection, &filter))
    })
    .await??;
    let (items, next_cursor) =
        paging::page(items, limit, |organization| organization.id.to_string());
    Ok(HttpResponse::Ok().json(OrganizationPage { items, next_cursor }))
}

/// The vetting queue: organizations waiting to be vetted, oldest first,
/// each with who applied (name and e-mail) — network admins only.
#[utoipa::path(
    operation_id = "list_pending_applications",
    tag = "organizations",
    security(("bearer" = [])),
    params(PendingApplicationQuery),
    responses(
        (status = 200, description = "A page of the vetting queue.", body = PendingApplicationPage),
        (status = 400, description = "The cursor or limit is not valid.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only network admins vet applications.", body = warren_wire::Problem, content_type = "application/problem+json"),
        AuthProblems,
    )
)]
#[get("/organizations/applications")]
pub async fn pending_applications(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<PendingApplicationQuery>,
) -> Result<HttpResponse, ApiError> {
    if !principal.access.is_network_admin() {
        return Err(ApiError::Forbidden(
            "Only network coordinators see the vetting queue.".into(),
        ));
    }
    let query = query.into_inner();
    let limit = paging::limit(query.limit)?;
    let after = query
        .cursor
        .map(|cursor| {
            Uuid::parse_str(&cursor)
                .map(|id| id.to_string())
                .map_err(|_| {
                    ApiError::bad_request(
                        ErrorCode::InvalidQuery,
                        "cursor is not a cursor this server sent.",
                    )
                })
        })
        .transpose()?;
    let filter = OrganizationFilter {
        visible: None,
        membership: Some(MembershipStatus::Applied),
        kind: None,
        name_contains: None,
        after,
        limit,
    };
    let (organizations, mut applicants) = web::block(move || {
        state.store.read(|connection| {
            let organizations = store::list(connection, &filter)?;
            let ids: Vec<String> = organizations.iter().map(|o| o.id.to_string()).collect();
            let applicants = accounts::applicants_of(connection, &ids)?;
            Ok::<_, ApiError>((organizations, applicants))
        })
    })
    .await??;
    let (organizations, next_cursor) = paging::page(organizations, limit, |organization| {
        organization.id.to_string()
    });
    let items = organizations
        .into_iter()
        .map(|organization| PendingApplication {
            applicant: applicants
                .remove(&organization.id.to_string())
                .map(|(name, email)| Applicant { name, email }),
            organization,
        })
        .collect();
    Ok(HttpResponse::Ok().json(PendingApplicationPage { items, next_cursor }))
}

/// Read one organization; its `ETag` is the version to send as `If-Match`.
#[utoipa::path(
    operation_id = "get_organization",
    tag = "organizations",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The organization.")),
    responses(
        (status = 200, description = "The organization.", body = Organization, headers(("ETag" = String, description = "Its version."))),
        ObjectProblems,
    )
)]
#[get("/organizations/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    principal.require_read(&id)?;
    let organization =
        web::block(move || state.store.read(|connection| store::find(connection, &id))).await??;
    Ok(versioned(&organization))
}

/// Change an organization's details (its admins, or network admins).
#[utoipa::path(
    operation_id = "update_organization",
    tag = "organizations",
    security(("bearer" = []), ("api_key" = [])),
    request_body = UpdateOrganizationRequest,
    params(
        ("id" = Uuid, Path, description = "The organization."),
        ("If-Match" = String, Header, description = "The ETag read."),
    ),
    responses(
        (status = 200, description = "The organization, changed.", body = Organization),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[patch("/organizations/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<UpdateOrganizationRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    principal.require_admin(&id)?;
    let change = body.value;
    let details = serde_json::to_value(&change).unwrap_or_default();
    let organization = web::block(move || {
        let organization = state.store.write(|connection| {
            let organization = store::update(
                connection,
                &id,
                version.0,
                OrganizationChange {
                    name: change.name.map(String::from),
                    kind: change.kind,
                    website: change.website.map(|website| website.map(String::from)),
                    description: change.description.map(|text| text.map(String::from)),
                    membership: None,
                },
            )?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "organization.updated",
                    target_type: "organization",
                    target_id: &id,
                    organization_id: Some(&id),
                    details,
                },
            )?;
            Ok::<_, ApiError>(organization)
        })?;
        // Vetting, suspending and renaming change the public directory.
        state.directory.changed(&state.store);
        Ok::<_, ApiError>(organization)
    })
    .await??;
    Ok(versioned(&organization))
}

/// Vet, suspend or reinstate an organization (network admins).
///
/// `applied → vetted` vets an application, `applied → suspended` declines it,
/// `vetted → suspended` suspends a member (a reason is required) and
/// `suspended → vetted` reinstates it. Any other move answers 409.
#[utoipa::path(
    operation_id = "change_membership",
    tag = "organizations",
    security(("bearer" = [])),
    request_body = MembershipChangeRequest,
    params(
        ("id" = Uuid, Path, description = "The organization."),
        ("If-Match" = String, Header, description = "The ETag read."),
    ),
    responses(
        (status = 200, description = "The organization in its new state.", body = Organization),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[post("/organizations/{id}/membership")]
pub async fn change_membership(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<MembershipChangeRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    if !principal.access.can_vet() {
        principal.require_read(&id)?;
        return Err(ApiError::Forbidden(
            "Only network admins vet organizations.".into(),
        ));
    }
    let change = body.value;
    let reason = change
        .reason
        .map(|reason| reason.trim().to_owned())
        .filter(|r| !r.is_empty());
    if change.membership.needs_reason() && reason.is_none() {
        return Err(ApiError::invalid_field(
            "reason",
            "is required to suspend or decline",
        ));
    }
    if reason
        .as_ref()
        .is_some_and(|reason| reason.chars().count() > 1000)
    {
        return Err(ApiError::invalid_field(
            "reason",
            "must be at most 1000 characters",
        ));
    }
    let organization = web::block(move || {
        let organization = state.store.write(|connection| {
            let current = store::find(connection, &id)?;
            if current.version != version.0 {
                return Err(ApiError::Stale);
            }
            let membership_change =
                current
                    .membership
                    .change_to(change.membership)
                    .map_err(|error| {
                        ApiError::conflict(
                            ErrorCode::IllegalTransition,
                            format!("This organization {error}."),
                        )
                    })?;
            let next = membership_change.result();
            let action = format!("organization.{}", membership_change.as_str());
            let organization = store::update(
                connection,
                &id,
                version.0,
                OrganizationChange {
                    membership: Some(next),
                    ..OrganizationChange::default()
                },
            )?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: &action,
                    target_type: "organization",
                    target_id: &id,
                    organization_id: Some(&id),
                    details: serde_json::json!({
                        "from": current.membership,
                        "to": next,
                        "reason": reason,
                    }),
                },
            )?;
            Ok(organization)
        })?;
        // Vetting, suspending and renaming change the public directory.
        state.directory.changed(&state.store);
        Ok::<_, ApiError>(organization)
    })
    .await??;
    Ok(versioned(&organization))
}

//! Organizations: applying, listing, reading, editing, vetting, sites.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use uuid::Uuid;
use warren_domain::organization::{VettingError, vetting_reason};
use warren_domain::{MembershipStatus, Role};
use warren_store::StoreError;
use warren_store::accounts;
use warren_store::audit::Actor;
use warren_store::organizations::{
    self as store, NewOrganization, OrganizationChange, OrganizationFilter,
};
use warren_wire::{
    Applicant, Application, ApplyRequest, MembershipChangeRequest, Organization, OrganizationPage,
    OrganizationQuery, PendingApplication, PendingApplicationPage, PendingApplicationQuery,
    UpdateOrganizationRequest,
};

use crate::api::Api;
use crate::auth::{anonymous_actor, client_address, hash_password_blocking};
use crate::error::{
    ApiError, AuthProblems, BodyProblems, ObjectProblems, PublicProblems, VersionProblems,
};
use crate::extract::{IdempotencyKey, IfMatch, ValidJson, versioned};
use crate::routes::paging;
use crate::state::AppState;
use crate::views;
use warren_wire::ErrorCode;

/// Apply to join the network.
///
/// Creates the organization in the vetting queue (`applied`) and its first
/// user, its org admin, who can sign in at once and will see the
/// organization's status. No sign-in needed. Honours `Idempotency-Key`.
///
/// The answer never says whether the e-mail address has an account: when it
/// has, nothing is created, the answer looks the same, and the address is
/// e-mailed instead ("you already have an account": sign in, or reset the
/// password). Limited to so many applications an hour per client address and
/// per e-mail address (10 unless the deployment says otherwise; 429 past it).
#[utoipa::path(
    operation_id = "apply",
    tag = "organizations",
    request_body = ApplyRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer.")),
    responses(
        (status = 201, description = "Application received (also when the address has an account: see above).", body = Application),
        (status = 409, description = "Two applications for one new e-mail address raced; send it again.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many applications from this address or for this e-mail; `Retry-After` says when to try again.", body = warren_wire::Problem, content_type = "application/problem+json"),
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
    let fingerprint = body.fingerprint().to_owned();
    let application = body.value;
    let email = application.admin.email.as_str().trim().to_lowercase();
    state
        .application_limiter
        .check(&client_address(&request), &email)
        .await?;
    let password_hash =
        hash_password_blocking(application.admin.password.as_str().to_owned()).await?;
    let actor = anonymous_actor(
        &request,
        &format!("{} <{}>", application.admin.name, application.admin.email),
    );
    let api = Api::anonymous(state, actor.clone());
    api.create(key, fingerprint, move |tx| {
        if let Some(existing) = accounts::find_user_by_email(tx, &email)? {
            let state = tx.state;
            let (connection, raised) = tx.parts();
            state.alerting.already_registered_mail(
                connection,
                raised,
                &existing,
                application.organization.name.as_str(),
            )?;
            let actor = Actor {
                user_id: Some(existing.id.clone()),
                ..actor
            };
            let details = serde_json::json!({ "name": application.organization.name.as_str() });
            tx.audit_as(
                &actor,
                "organization.application_for_existing_account",
                "user",
                &existing.id,
                None,
                details,
            )?;
            return Ok(unsaved(&application));
        }
        let organization = store::insert(
            tx,
            &NewOrganization {
                name: application.organization.name.as_str(),
                kind: application.organization.kind,
                membership: MembershipStatus::Applied,
                website: application.organization.website.as_ref().map(|w| w.as_str()),
                description: application.organization.description.as_ref().map(|d| d.as_str()),
            },
        )?;
        let admin = accounts::insert_user(
            tx,
            application.admin.email.as_str(),
            application.admin.name.as_str(),
            &password_hash,
        )
        .map_err(|error| match error {
            StoreError::Conflict(_) => ApiError::conflict(
                ErrorCode::EmailTaken,
                "An account with this e-mail address exists already; sign in, or use another address.",
            ),
            other => other.into(),
        })?;
        let id = organization.id.to_string();
        accounts::add_membership(tx, &admin.id, &id, Role::OrgAdmin)?;
        let state = tx.state;
        let (connection, raised) = tx.parts();
        state.alerting.ask_to_confirm(connection, raised, &admin)?;
        let actor = Actor {
            user_id: Some(admin.id.clone()),
            ..actor
        };
        let details = serde_json::json!({
            "name": organization.name,
            "kind": organization.kind,
            "admin_email": admin.email,
        });
        tx.audit_as(&actor, "organization.applied", "organization", &id, Some(&id), details)?;
        Ok(Application {
            organization: views::organizations::organization(&organization)?,
            admin: views::accounts::user(&admin)?,
        })
    })
    .await
}

/// The answer to an application whose e-mail address has an account: shaped
/// like a new application's, with ids that name nothing, so that the answer
/// does not tell an outsider which addresses have accounts.
fn unsaved(application: &ApplyRequest) -> Application {
    let now = chrono::Utc::now();
    Application {
        organization: Organization {
            id: Uuid::now_v7(),
            name: application.organization.name.as_str().to_owned(),
            kind: application.organization.kind,
            membership: MembershipStatus::Applied,
            website: application
                .organization
                .website
                .as_ref()
                .map(|w| w.as_str().to_owned()),
            description: application
                .organization
                .description
                .as_ref()
                .map(|d| d.as_str().to_owned()),
            created_at: now,
            updated_at: now,
            version: 1,
        },
        admin: warren_wire::User {
            id: Uuid::now_v7(),
            email: application.admin.email.as_str().trim().to_lowercase(),
            name: application.admin.name.as_str().to_owned(),
            created_at: now,
            email_confirmed: false,
        },
    }
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
    api: Api,
    query: web::Query<OrganizationQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = paging::limit(query.limit)?;
    let access = &api.who.access;
    let filter = OrganizationFilter {
        visible: (!access.is_network_admin()).then(|| access.organizations().cloned().collect()),
        membership: query.membership,
        kind: query.kind,
        name_contains: query
            .q
            .filter(|q| !q.trim().is_empty())
            .map(|q| q.trim().to_owned()),
        after: paging::id_cursor(query.cursor.as_deref())?,
        limit,
    };
    let items = api
        .read(move |tx| {
            store::list(tx, &filter)?
                .iter()
                .map(views::organizations::organization)
                .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
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
    api: Api,
    query: web::Query<PendingApplicationQuery>,
) -> Result<HttpResponse, ApiError> {
    if !api.who.access.is_network_admin() {
        return Err(ApiError::Forbidden(
            "Only network coordinators see the vetting queue.".into(),
        ));
    }
    let query = query.into_inner();
    let limit = paging::limit(query.limit)?;
    let filter = OrganizationFilter {
        visible: None,
        membership: Some(MembershipStatus::Applied),
        kind: None,
        name_contains: None,
        after: paging::id_cursor(query.cursor.as_deref())?,
        limit,
    };
    let (organizations, mut applicants) = api
        .read(move |tx| {
            let organizations = store::list(tx, &filter)?;
            let ids: Vec<String> = organizations.iter().map(|o| o.id.clone()).collect();
            let applicants = accounts::applicants_of(tx, &ids)?;
            let organizations = organizations
                .iter()
                .map(views::organizations::organization)
                .collect::<Result<Vec<_>, ApiError>>()?;
            Ok((organizations, applicants))
        })
        .await?;
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
pub async fn read(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    api.who.require_read(&id)?;
    let organization = api
        .read(move |tx| views::organizations::organization(&store::find(tx, &id)?))
        .await?;
    Ok(versioned(&organization, organization.version))
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
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<UpdateOrganizationRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    api.who.require_admin(&id)?;
    let change = body.value;
    let details = serde_json::to_value(&change).unwrap_or_default();
    let organization: Organization = api
        .write_directory(move |tx| {
            let change = OrganizationChange {
                name: change.name.map(String::from),
                kind: change.kind,
                website: change.website.map(|website| website.map(String::from)),
                description: change.description.map(|text| text.map(String::from)),
                membership: None,
            };
            let organization =
                views::organizations::organization(&store::update(tx, &id, version.0, change)?)?;
            tx.audit(
                "organization.updated",
                "organization",
                &id,
                Some(&id),
                details,
            )?;
            Ok(organization)
        })
        .await?;
    Ok(versioned(&organization, organization.version))
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
    api: Api,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<MembershipChangeRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    if !api.who.access.can_vet() {
        api.who.require_read(&id)?;
        return Err(ApiError::Forbidden(
            "Only network admins vet organizations.".into(),
        ));
    }
    let change = body.value;
    let reason = vetting_reason(change.membership, change.reason.as_deref())?;
    let organization: Organization = api
        .write_directory(move |tx| {
            let current = store::find(tx, &id)?;
            if current.version != version.0 {
                return Err(ApiError::Stale);
            }
            let moved =
                (current.membership.change_to(change.membership)).map_err(VettingError::from)?;
            let next = moved.result();
            let membership = OrganizationChange {
                membership: Some(next),
                ..OrganizationChange::default()
            };
            let organization = views::organizations::organization(&store::update(
                tx, &id, version.0, membership,
            )?)?;
            let action = format!("organization.{}", moved.as_str());
            let details =
                serde_json::json!({ "from": current.membership, "to": next, "reason": reason });
            tx.audit(&action, "organization", &id, Some(&id), details)?;
            Ok(organization)
        })
        .await?;
    Ok(versioned(&organization, organization.version))
}

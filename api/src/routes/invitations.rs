//! Invitations: org admins invite people; people accept with the token.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use uuid::Uuid;
use warren_domain::organization::{Joining, invite, joining};
use warren_store::accounts::{self, InvitationRecord};
use warren_store::audit::Actor;
use warren_store::{DbConnection, StoreError, now, organizations};
use warren_wire::{
    AcceptInvitationRequest, AcceptedInvitation, CreateInvitationRequest, CreatedInvitation,
    InvitationList, InvitationPreview, InvitationStatus, InvitationTokenQuery,
};

use crate::api::Api;
use crate::auth::{
    anonymous_actor, client_address, digest, hash_password_blocking, new_secret,
    verify_password_blocking,
};
use crate::error::{ApiError, BodyProblems, ObjectProblems, PublicProblems};
use crate::extract::{IdempotencyKey, ValidJson};
use crate::state::AppState;
use crate::views::accounts as views;
use crate::views::organizations::organization_summary;
use warren_wire::ErrorCode;

/// How long an invitation stays valid.
const INVITATION_DAYS: i64 = 7;

/// The invitations of an organization, newest first (its admins).
#[utoipa::path(
    operation_id = "list_invitations",
    tag = "invitations",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The organization.")),
    responses((status = 200, description = "Its invitations.", body = InvitationList), ObjectProblems)
)]
#[get("/organizations/{id}/invitations")]
pub async fn list(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    api.who.require_admin(&id)?;
    let items = api
        .read(move |tx| {
            accounts::invitations_of(tx, &id)?
                .iter()
                .map(views::invitation)
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(InvitationList { items }))
}

/// Invite a person to an organization (its admins; vetted organizations).
///
/// Warren e-mails the link to the person invited; the answer also holds the
/// secret token and the link, shown once, to pass on by other means.
/// Accepting confirms the address. Honours `Idempotency-Key`.
#[utoipa::path(
    operation_id = "create_invitation",
    tag = "invitations",
    security(("bearer" = [])),
    request_body = CreateInvitationRequest,
    params(
        ("id" = Uuid, Path, description = "The organization."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "Invitation created.", body = CreatedInvitation),
        (status = 409, description = "The person is a member already, or the organization is not vetted.", body = warren_wire::Problem, content_type = "application/problem+json"),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/organizations/{id}/invitations")]
pub async fn create(
    api: Api,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreateInvitationRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    api.who.require_admin(&id)?;
    let inviter = api.who.person()?.clone();
    let fingerprint = body.fingerprint().to_owned();
    let invitation = body.value;
    invite(invitation.role, api.who.access.is_network_admin())?;
    api.create(key, fingerprint, move |tx| {
        let organization = organizations::find(tx, &id)?;
        organization.membership.require_active("invite members")?;
        let already_member = accounts::members_of(tx, &id)?
            .iter()
            .any(|member| member.user.email == invitation.email.as_str());
        if already_member {
            return Err(ApiError::conflict(
                ErrorCode::AlreadyMember,
                "This person is a member already.",
            ));
        }
        let token = new_secret("wri");
        let record = accounts::insert_invitation(
            tx,
            &id,
            invitation.email.as_str(),
            invitation.role,
            &digest(&token),
            Some(&inviter.id),
            now() + chrono::TimeDelta::days(INVITATION_DAYS),
        )?;
        let details = serde_json::json!({ "email": record.email, "role": invitation.role });
        tx.audit(
            "invitation.created",
            "invitation",
            &record.id,
            Some(&id),
            details,
        )?;
        let state = tx.state;
        let accept_url = format!("{}/invitations/accept?token={token}", state.public_url);
        let (connection, raised) = tx.parts();
        state.alerting.invitation_mail(
            connection,
            raised,
            &record.email,
            &inviter.name,
            &organization.name,
            invitation.role,
            &accept_url,
            INVITATION_DAYS,
        )?;
        Ok(CreatedInvitation {
            invitation: views::invitation(&record)?,
            accept_url,
            token,
        })
    })
    .await
}

/// Withdraw a pending invitation (the organization's admins).
#[utoipa::path(
    operation_id = "revoke_invitation",
    tag = "invitations",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The organization."),
        ("invitation_id" = Uuid, Path, description = "The invitation."),
    ),
    responses(
        (status = 204, description = "Withdrawn."),
        (status = 409, description = "The invitation is no longer pending.", body = warren_wire::Problem, content_type = "application/problem+json"),
        ObjectProblems,
    )
)]
#[delete("/organizations/{id}/invitations/{invitation_id}")]
pub async fn revoke(api: Api, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (id, invitation_id) = path.into_inner();
    let (id, invitation_id) = (id.to_string(), invitation_id.to_string());
    api.who.require_admin(&id)?;
    api.write(move |tx| {
        accounts::find_invitation(tx, &id, &invitation_id)?;
        if !accounts::revoke_invitation(tx, &id, &invitation_id)? {
            return Err(ApiError::conflict(
                ErrorCode::InvitationNotPending,
                "This invitation is no longer pending.",
            ));
        }
        let details = serde_json::json!({});
        tx.audit(
            "invitation.revoked",
            "invitation",
            &invitation_id,
            Some(&id),
            details,
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The pending invitation behind `token`, or 404.
fn pending_invitation(
    connection: &mut DbConnection,
    token: &str,
) -> Result<InvitationRecord, ApiError> {
    let invitation = accounts::find_invitation_by_token(connection, &digest(token.trim()))?
        .ok_or(ApiError::NotFound)?;
    match invitation.status(now()) {
        InvitationStatus::Pending => Ok(invitation),
        InvitationStatus::Expired => Err(ApiError::conflict(
            ErrorCode::InvitationExpired,
            "This invitation has expired; ask for a new one.",
        )),
        _ => Err(closed_invitation()),
    }
}

/// 409: the invitation was accepted or withdrawn already.
fn closed_invitation() -> ApiError {
    ApiError::conflict(
        ErrorCode::InvitationNotPending,
        "This invitation was already used or withdrawn.",
    )
}

/// What an invitation offers, before accepting it. No sign-in needed.
#[utoipa::path(
    operation_id = "preview_invitation",
    tag = "invitations",
    params(InvitationTokenQuery),
    responses(
        (status = 200, description = "The invitation.", body = InvitationPreview),
        (status = 404, description = "No invitation has this token.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The invitation expired, was used or withdrawn.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/invitations/preview")]
pub async fn preview(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<InvitationTokenQuery>,
) -> Result<HttpResponse, ApiError> {
    let token = query.into_inner().token;
    let api = Api::anonymous(state, anonymous_actor(&request, "invitation"));
    let preview = api
        .read(move |tx| {
            let invitation = pending_invitation(tx, &token)?;
            Ok(InvitationPreview {
                organization: organization_summary(&accounts::organization_summary_of(
                    tx,
                    &invitation.organization_id,
                )?)?,
                existing_account: accounts::find_user_by_email(tx, &invitation.email)?.is_some(),
                email: invitation.email.clone(),
                role: invitation.role()?,
                expires_at: warren_store::utc(invitation.expires_at),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(preview))
}

/// Accept an invitation. No sign-in needed: the token is the proof.
///
/// A person without an account gives a name and a new password and gets an
/// account; a person with an account gives its password.
#[utoipa::path(
    operation_id = "accept_invitation",
    tag = "invitations",
    request_body = AcceptInvitationRequest,
    responses(
        (status = 201, description = "Joined.", body = AcceptedInvitation),
        (status = 401, description = "The existing account's password is wrong.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No invitation has this token.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The invitation expired, was used or withdrawn.", body = warren_wire::Problem, content_type = "application/problem+json"),
        BodyProblems,
        PublicProblems,
    )
)]
#[post("/invitations/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: ValidJson<AcceptInvitationRequest>,
) -> Result<HttpResponse, ApiError> {
    let acceptance = body.value;
    let actor = anonymous_actor(&request, "invitation");
    let token = acceptance.token.clone();
    // Look first (outside the write) so the slow password work happens once.
    let (invitation, existing) = Api::anonymous(state.clone(), actor.clone())
        .read(move |tx| {
            let invitation = pending_invitation(tx, &token)?;
            let existing = accounts::find_user_by_email(tx, &invitation.email)?;
            Ok((invitation, existing))
        })
        .await?;
    state
        .login_limiter
        .check(&client_address(&request), &invitation.email)
        .await?;
    let new_account = match joining(
        existing.is_some(),
        acceptance.name.clone(),
        &acceptance.password,
    )? {
        Joining::Existing => {
            let given = acceptance.password.clone();
            let hash = existing.as_ref().map(|user| user.password_hash.clone());
            if !verify_password_blocking(given, hash).await? {
                return Err(ApiError::Unauthorized {
                    code: ErrorCode::InvalidCredentials,
                    detail: "An account with this e-mail exists; give its password.".into(),
                });
            }
            None
        }
        Joining::NewAccount { name, password } => {
            Some((name, hash_password_blocking(password.into()).await?))
        }
    };
    let accepted = Api::anonymous(state, actor.clone())
        .write(move |tx| {
            let invitation = pending_invitation(tx, &acceptance.token)?;
            let user = match (&existing, new_account) {
                (Some(user), _) => user.clone(),
                (None, Some((name, hash))) => {
                    accounts::insert_user(tx, &invitation.email, name.as_str(), &hash)?
                }
                (None, None) => return Err(ApiError::Internal("no account to add".into())),
            };
            // The invitation's link reached this address: it is theirs.
            accounts::confirm_email(tx, &user.id, now())?;
            let user = accounts::find_user(tx, &user.id)?;
            if !accounts::mark_invitation_accepted(tx, &invitation.id)? {
                return Err(closed_invitation());
            }
            let role = invitation.role()?;
            let organization = &invitation.organization_id;
            accounts::add_membership(tx, &user.id, organization, role).map_err(
                |error| match error {
                    StoreError::Conflict(_) => ApiError::conflict(
                        ErrorCode::AlreadyMember,
                        "You are a member of this organization already.",
                    ),
                    other => other.into(),
                },
            )?;
            let actor = Actor {
                label: format!("{} <{}>", user.name, user.email),
                user_id: Some(user.id.clone()),
                ..actor
            };
            let details = serde_json::json!({ "role": role, "new_account": existing.is_none() });
            let (action, target) = ("invitation.accepted", "invitation");
            tx.audit_as(
                &actor,
                action,
                target,
                &invitation.id,
                Some(organization),
                details,
            )?;
            Ok(AcceptedInvitation {
                user: views::user(&user)?,
                organization: organization_summary(&accounts::organization_summary_of(
                    tx,
                    organization,
                )?)?,
                role,
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(accepted))
}

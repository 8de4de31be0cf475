//! Members of an organization: list, change role, remove.

use actix_web::{HttpResponse, delete, get, patch, web};
use uuid::Uuid;
use warren_domain::Role;
use warren_store::accounts;
use warren_store::audit::{self, Change};
use warren_wire::{ChangeRoleRequest, Member, MemberList};

use crate::auth::Principal;
use crate::error::{ApiError, BodyProblems, ObjectProblems};
use crate::extract::ValidJson;
use crate::state::AppState;
use warren_wire::ErrorCode;

/// The members of an organization (its members and network admins).
#[utoipa::path(
    operation_id = "list_members",
    tag = "members",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The organization.")),
    responses((status = 200, description = "Its members, by name.", body = MemberList), ObjectProblems)
)]
#[get("/organizations/{id}/members")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    principal.require_read(&id)?;
    let items = web::block(move || {
        state
            .store
            .read(|connection| accounts::members_of(connection, &id))
    })
    .await??;
    Ok(HttpResponse::Ok().json(MemberList { items }))
}

/// 409 if the change would leave the organization without an admin.
fn keep_an_admin(
    connection: &mut warren_store::DbConnection,
    organization: &str,
    current: Role,
    next: Option<Role>,
) -> Result<(), ApiError> {
    let loses_an_admin = current.administers() && !next.is_some_and(Role::administers);
    if loses_an_admin && accounts::count_admins(connection, organization)? <= 1 {
        return Err(ApiError::conflict(
            ErrorCode::LastAdmin,
            "An organization needs at least one admin; make someone else admin first.",
        ));
    }
    Ok(())
}

/// Change a member's role (the organization's admins).
///
/// Only network admins grant `network_admin`; the last admin cannot be
/// demoted.
#[utoipa::path(
    operation_id = "change_member_role",
    tag = "members",
    security(("bearer" = [])),
    request_body = ChangeRoleRequest,
    params(
        ("id" = Uuid, Path, description = "The organization."),
        ("user_id" = Uuid, Path, description = "The member."),
    ),
    responses(
        (status = 200, description = "The member with the new role.", body = Member),
        (status = 409, description = "The last admin cannot be demoted.", body = warren_wire::Problem, content_type = "application/problem+json"),
        ObjectProblems,
        BodyProblems,
    )
)]
#[patch("/organizations/{id}/members/{user_id}")]
pub async fn change_role(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<ChangeRoleRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, user_id) = path.into_inner();
    let (id, user_id) = (id.to_string(), user_id.to_string());
    principal.require_admin(&id)?;
    principal.person()?;
    let role = body.value.role;
    if role == Role::NetworkAdmin && !principal.access.is_network_admin() {
        return Err(ApiError::Forbidden(
            "Only network admins make network admins.".into(),
        ));
    }
    let member = web::block(move || {
        state.store.write(|connection| {
            let current = accounts::role_of(connection, &id, &user_id)?;
            if current == Role::NetworkAdmin && !principal.access.is_network_admin() {
                return Err(ApiError::Forbidden(
                    "Only network admins change a network admin's role.".into(),
                ));
            }
            keep_an_admin(connection, &id, current, Some(role))?;
            accounts::set_role(connection, &id, &user_id, role)?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "member.role_changed",
                    target_type: "user",
                    target_id: &user_id,
                    organization_id: Some(&id),
                    details: serde_json::json!({ "from": current, "to": role }),
                },
            )?;
            accounts::members_of(connection, &id)?
                .into_iter()
                .find(|member| member.user.id.to_string() == user_id)
                .ok_or(ApiError::NotFound)
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(member))
}

/// Remove a member (the organization's admins; anyone may leave).
#[utoipa::path(
    operation_id = "remove_member",
    tag = "members",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The organization."),
        ("user_id" = Uuid, Path, description = "The member."),
    ),
    responses(
        (status = 204, description = "Removed."),
        (status = 409, description = "The last admin cannot leave.", body = warren_wire::Problem, content_type = "application/problem+json"),
        ObjectProblems,
    )
)]
#[delete("/organizations/{id}/members/{user_id}")]
pub async fn remove(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, user_id) = path.into_inner();
    let (id, user_id) = (id.to_string(), user_id.to_string());
    let leaving = principal.person()?.id == user_id;
    if leaving {
        principal.require_read(&id)?;
    } else {
        principal.require_admin(&id)?;
    }
    web::block(move || {
        state.store.write(|connection| {
            let current = accounts::role_of(connection, &id, &user_id)?;
            if current == Role::NetworkAdmin && !principal.access.is_network_admin() {
                return Err(ApiError::Forbidden(
                    "Only network admins remove a network admin.".into(),
                ));
            }
            keep_an_admin(connection, &id, current, None)?;
            accounts::remove_membership(connection, &id, &user_id)?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: if leaving {
                        "member.left"
                    } else {
                        "member.removed"
                    },
                    target_type: "user",
                    target_id: &user_id,
                    organization_id: Some(&id),
                    details: serde_json::json!({ "role": current }),
                },
            )?;
            Ok(())
        })
    })
    .await??;
    Ok(HttpResponse::NoContent().finish())
}

//! Members of an organization: list, change role, remove.

use actix_web::{HttpResponse, delete, get, patch, web};
use uuid::Uuid;
use warren_domain::organization::{change_member, may_grant};
use warren_store::accounts;
use warren_wire::{ChangeRoleRequest, Member, MemberList};

use crate::api::Api;
use crate::error::{ApiError, BodyProblems, ObjectProblems};
use crate::extract::ValidJson;
use crate::views::accounts as views;

/// The members of an organization (its members and network admins).
#[utoipa::path(
    operation_id = "list_members",
    tag = "members",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The organization.")),
    responses((status = 200, description = "Its members, by name.", body = MemberList), ObjectProblems)
)]
#[get("/organizations/{id}/members")]
pub async fn list(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    api.who.require_read(&id)?;
    let items = api
        .read(move |tx| {
            accounts::members_of(tx, &id)?
                .iter()
                .map(views::member)
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(MemberList { items }))
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
    api: Api,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<ChangeRoleRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, user_id) = path.into_inner();
    let (id, user_id) = (id.to_string(), user_id.to_string());
    api.who.require_admin(&id)?;
    api.who.person()?;
    let role = body.value.role;
    let by_network_admin = api.who.access.is_network_admin();
    may_grant(role, by_network_admin)?;
    let member = api
        .write(move |tx| {
            let current = accounts::role_of(tx, &id, &user_id)?;
            let admins = accounts::count_admins(tx, &id)?;
            change_member(current, Some(role), by_network_admin, admins)?;
            accounts::set_role(tx, &id, &user_id, role)?;
            access_changed(tx, &user_id)?;
            let details = serde_json::json!({ "from": current, "to": role });
            tx.audit("member.role_changed", "user", &user_id, Some(&id), details)?;
            accounts::members_of(tx, &id)?
                .iter()
                .map(views::member)
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .find(|member| member.user.id.to_string() == user_id)
                .ok_or(ApiError::NotFound)
        })
        .await?;
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
pub async fn remove(api: Api, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (id, user_id) = path.into_inner();
    let (id, user_id) = (id.to_string(), user_id.to_string());
    let leaving = api.who.person()?.id == user_id;
    if leaving {
        api.who.require_read(&id)?;
    } else {
        api.who.require_admin(&id)?;
    }
    let by_network_admin = api.who.access.is_network_admin();
    api.write(move |tx| {
        let current = accounts::role_of(tx, &id, &user_id)?;
        let admins = accounts::count_admins(tx, &id)?;
        change_member(current, None, by_network_admin, admins)?;
        accounts::remove_membership(tx, &id, &user_id)?;
        access_changed(tx, &user_id)?;
        let action = if leaving {
            "member.left"
        } else {
            "member.removed"
        };
        let details = serde_json::json!({ "role": current });
        tx.audit(action, "user", &user_id, Some(&id), details)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Tells every replica that `user_id`'s access changed, once the change
/// commits: their open event streams stop hearing what they no longer may.
fn access_changed(tx: &mut crate::api::Tx, user_id: &str) -> Result<(), ApiError> {
    let (connection, raised) = tx.parts();
    raised.push(
        connection,
        crate::events::LiveEvent::AccessChanged {
            user_id: user_id.to_owned(),
        },
    )
}

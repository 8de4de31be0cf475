//! The caller: `GET /me`, `PATCH /me`.

use actix_web::{HttpResponse, get, patch};
use warren_store::DbConnection;
use warren_store::accounts;
use warren_wire::{Me, MyMembership, PrincipalKind, UpdateMeRequest};

use crate::api::Api;
use crate::auth::{Principal, hash_password_blocking, verify_password_blocking};
use crate::error::{ApiError, AuthProblems, BodyProblems, VersionProblems};
use crate::extract::{IfMatch, ValidJson, versioned};
use crate::views::accounts as views;
use crate::views::organizations::organization_summary;

/// The answer for `principal`, with the version to send back as `If-Match`.
fn me_of(connection: &mut DbConnection, principal: &Principal) -> Result<(Me, i64), ApiError> {
    match (&principal.user, &principal.api_key) {
        (Some(user), _) => {
            let me = Me {
                kind: PrincipalKind::User,
                user: Some(views::user(user)?),
                api_key: None,
                is_network_admin: principal.access.is_network_admin(),
                memberships: accounts::memberships_of(connection, &user.id)?
                    .iter()
                    .map(views::my_membership)
                    .collect::<Result<_, _>>()?,
            };
            Ok((me, user.version))
        }
        (None, Some(key)) => {
            let organization = organization_summary(&accounts::organization_summary_of(
                connection,
                &key.organization_id,
            )?)?;
            let me = Me {
                kind: PrincipalKind::ApiKey,
                user: None,
                api_key: Some(views::api_key(key)?),
                is_network_admin: false,
                memberships: vec![MyMembership {
                    organization,
                    role: warren_domain::Role::Staff,
                }],
            };
            Ok((me, 0))
        }
        (None, None) => Err(ApiError::Internal("a principal with no identity".into())),
    }
}

/// Who is calling: the signed-in person (or the API key), their
/// organizations and roles, and whether they coordinate the network.
#[utoipa::path(
    operation_id = "get_me",
    tag = "me",
    security(("bearer" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "The caller.", body = Me, headers(("ETag" = String, description = "Send as If-Match to change it."))),
        AuthProblems,
    )
)]
#[get("/me")]
pub async fn read(api: Api) -> Result<HttpResponse, ApiError> {
    let (me, version) = api
        .read(|tx| {
            let who = tx.who;
            me_of(tx, who)
        })
        .await?;
    Ok(versioned(&me, version))
}

/// Change one's own name or password.
///
/// A new password needs the current one and signs out every other session
/// (all refresh tokens are revoked).
#[utoipa::path(
    operation_id = "update_me",
    tag = "me",
    security(("bearer" = [])),
    request_body = UpdateMeRequest,
    params(("If-Match" = String, Header, description = "The ETag from `GET /me`.")),
    responses(
        (status = 200, description = "The caller, changed.", body = Me),
        AuthProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[patch("/me")]
pub async fn update(
    api: Api,
    version: IfMatch,
    body: ValidJson<UpdateMeRequest>,
) -> Result<HttpResponse, ApiError> {
    let change = body.value;
    let user = api.who.person()?.clone();
    let new_hash = match &change.new_password {
        None => None,
        Some(password) => {
            let current = change.current_password.clone().unwrap_or_default();
            if !verify_password_blocking(current, Some(user.password_hash.clone())).await? {
                return Err(ApiError::invalid_field(
                    "current_password",
                    "is not your current password",
                ));
            }
            Some(hash_password_blocking(password.as_str().to_owned()).await?)
        }
    };
    let (me, version) = api
        .write(move |tx| {
            let name = change.name.as_ref().map(|name| name.as_str());
            let updated =
                accounts::update_user(tx, &user.id, version.0, name, new_hash.as_deref())?;
            if new_hash.is_some() {
                accounts::revoke_all_refresh_tokens(tx, &user.id)?;
            }
            let details =
                serde_json::json!({ "name": name, "password_changed": new_hash.is_some() });
            tx.audit("user.updated", "user", &user.id, None, details)?;
            let principal = Principal {
                user: Some(updated),
                ..tx.who.clone()
            };
            me_of(tx, &principal)
        })
        .await?;
    Ok(versioned(&me, version))
}

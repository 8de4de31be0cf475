//! API keys for integrations and partner widgets.

use actix_web::{HttpResponse, delete, get, post, web};
use uuid::Uuid;
use warren_store::accounts::{self, ApiKeyRecord};
use warren_store::audit::{self, Change};
use warren_store::organizations;
use warren_wire::{ApiKeyList, CreateApiKeyRequest, CreatedApiKey};

use crate::auth::{Principal, digest, new_secret};
use crate::error::{ApiError, BodyProblems, ObjectProblems};
use crate::extract::{IdempotencyKey, ValidJson};
use crate::idempotency::{self, Creation};
use crate::state::AppState;
use warren_wire::ErrorCode;

/// The API keys of an organization, newest first (its admins).
#[utoipa::path(
    operation_id = "list_api_keys",
    tag = "api-keys",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The organization.")),
    responses((status = 200, description = "Its keys, revoked ones included.", body = ApiKeyList), ObjectProblems)
)]
#[get("/organizations/{id}/api-keys")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    principal.require_admin(&id)?;
    let items = web::block(move || {
        state.store.read(|connection| {
            accounts::api_keys_of(connection, &id)?
                .iter()
                .map(ApiKeyRecord::to_wire)
                .collect::<Result<Vec<_>, _>>()
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(ApiKeyList { items }))
}

/// Create an API key (the organization's admins; vetted organizations).
///
/// The answer holds the secret, shown only this once; Warren keeps only its
/// digest. Send it as the `X-API-Key` header. `read` allows `GET` requests,
/// `write` allows changes too, `embed` is for partner widgets (public
/// directory only). Honours `Idempotency-Key`.
#[utoipa::path(
    operation_id = "create_api_key",
    tag = "api-keys",
    security(("bearer" = [])),
    request_body = CreateApiKeyRequest,
    params(
        ("id" = Uuid, Path, description = "The organization."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "Key created; the secret is in the answer.", body = CreatedApiKey),
        (status = 409, description = "The organization is not vetted.", body = warren_wire::Problem, content_type = "application/problem+json"),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/organizations/{id}/api-keys")]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreateApiKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    principal.require_admin(&id)?;
    let creator = principal.person()?.id.clone();
    let creation = Creation {
        scope: principal.idempotency_scope(),
        key,
        fingerprint: body.fingerprint().to_owned(),
    };
    let request = body.value;
    let mut scopes = request.scopes.clone();
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() {
        return Err(ApiError::invalid_field(
            "scopes",
            "must name at least one scope",
        ));
    }
    idempotency::create(&state, creation, move |connection| {
        let organization = organizations::find(connection, &id)?;
        if !organization.membership.is_active() {
            return Err(ApiError::conflict(
                ErrorCode::OrganizationNotVetted,
                "Only vetted organizations can create API keys.",
            ));
        }
        let secret = new_secret("wrk");
        let prefix: String = secret.chars().take(12).collect();
        let record = accounts::insert_api_key(
            connection,
            &id,
            request.name.as_str(),
            &prefix,
            &digest(&secret),
            &scopes,
            Some(&creator),
        )?;
        audit::record(
            connection,
            &principal.actor,
            Change {
                action: "api_key.created",
                target_type: "api_key",
                target_id: &record.id,
                organization_id: Some(&id),
                details: serde_json::json!({ "name": record.name, "prefix": prefix, "scopes": scopes }),
            },
        )?;
        Ok(CreatedApiKey {
            api_key: record.to_wire()?,
            secret,
        })
    })
    .await
}

/// Revoke an API key (the organization's admins). Revoking twice is harmless.
#[utoipa::path(
    operation_id = "revoke_api_key",
    tag = "api-keys",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The organization."),
        ("key_id" = Uuid, Path, description = "The key."),
    ),
    responses((status = 204, description = "Revoked."), ObjectProblems)
)]
#[delete("/organizations/{id}/api-keys/{key_id}")]
pub async fn revoke(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, key_id) = path.into_inner();
    let (id, key_id) = (id.to_string(), key_id.to_string());
    principal.require_admin(&id)?;
    web::block(move || {
        state.store.write(|connection| {
            accounts::find_api_key(connection, &id, &key_id)?;
            if accounts::revoke_api_key(connection, &id, &key_id)? {
                audit::record(
                    connection,
                    &principal.actor,
                    Change {
                        action: "api_key.revoked",
                        target_type: "api_key",
                        target_id: &key_id,
                        organization_id: Some(&id),
                        details: serde_json::json!({}),
                    },
                )?;
            }
            Ok::<_, ApiError>(())
        })
    })
    .await??;
    Ok(HttpResponse::NoContent().finish())
}

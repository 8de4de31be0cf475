//! API keys for integrations and partner widgets.

use actix_web::{HttpResponse, delete, get, post, web};
use uuid::Uuid;
use warren_store::accounts;
use warren_store::organizations;
use warren_wire::{ApiKeyList, CreateApiKeyRequest, CreatedApiKey};

use crate::api::Api;
use crate::auth::{digest, new_secret};
use crate::error::{ApiError, BodyProblems, ObjectProblems};
use crate::extract::{IdempotencyKey, ValidJson};
use crate::views::accounts as views;

/// The API keys of an organization, newest first (its admins).
#[utoipa::path(
    operation_id = "list_api_keys",
    tag = "api-keys",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The organization.")),
    responses((status = 200, description = "Its keys, revoked ones included.", body = ApiKeyList), ObjectProblems)
)]
#[get("/organizations/{id}/api-keys")]
pub async fn list(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    api.who.require_admin(&id)?;
    let items = api
        .read(move |tx| {
            accounts::api_keys_of(tx, &id)?
                .iter()
                .map(views::api_key)
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
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
    api: Api,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreateApiKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    api.who.require_admin(&id)?;
    let creator = api.who.person()?.id.clone();
    let fingerprint = body.fingerprint().to_owned();
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
    api.create(key, fingerprint, move |tx| {
        organizations::find(tx, &id)?
            .membership
            .require_active("create API keys")?;
        let secret = new_secret("wrk");
        let prefix: String = secret.chars().take(12).collect();
        let record = accounts::insert_api_key(
            tx,
            &id,
            request.name.as_str(),
            &prefix,
            &digest(&secret),
            &scopes,
            Some(&creator),
        )?;
        let details =
            serde_json::json!({ "name": record.name, "prefix": prefix, "scopes": scopes });
        tx.audit("api_key.created", "api_key", &record.id, Some(&id), details)?;
        Ok(CreatedApiKey {
            api_key: views::api_key(&record)?,
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
pub async fn revoke(api: Api, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (id, key_id) = path.into_inner();
    let (id, key_id) = (id.to_string(), key_id.to_string());
    api.who.require_admin(&id)?;
    api.write(move |tx| {
        accounts::find_api_key(tx, &id, &key_id)?;
        if accounts::revoke_api_key(tx, &id, &key_id)? {
            tx.audit(
                "api_key.revoked",
                "api_key",
                &key_id,
                Some(&id),
                serde_json::json!({}),
            )?;
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

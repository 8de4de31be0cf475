//! Signing in and out: `/auth/login`, `/auth/refresh`, `/auth/logout`.

use actix_web::{HttpRequest, HttpResponse, post, web};
use warren_store::accounts::{self, RefreshOutcome};
use warren_store::audit::Actor;
use warren_store::{new_id, now};
use warren_wire::{LoginRequest, RefreshRequest, TokenResponse};

use crate::api::{Api, Tx};
use crate::auth::{anonymous_actor, client_address, digest, new_secret, verify_password_blocking};
use crate::error::{ApiError, BodyProblems, PublicProblems};
use crate::extract::ValidJson;
use crate::state::AppState;
use warren_wire::ErrorCode;

fn invalid_credentials() -> ApiError {
    ApiError::Unauthorized {
        code: ErrorCode::InvalidCredentials,
        detail: "The e-mail address or password is wrong.".into(),
    }
}

/// Stores a new refresh token in `family` and signs a matching access token.
fn issue_tokens(tx: &mut Tx, user_id: &str, family: &str) -> Result<TokenResponse, ApiError> {
    let tokens = &tx.state.tokens;
    let settings = tokens.settings();
    let refresh_token = new_secret("wrt");
    let refresh_ttl = chrono::TimeDelta::from_std(settings.refresh_ttl)
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    let access_token = tokens.issue(user_id)?;
    let (access_ttl, refresh_ttl_secs) = (settings.access_ttl, settings.refresh_ttl);
    accounts::insert_refresh_token(
        tx,
        user_id,
        family,
        &digest(&refresh_token),
        now() + refresh_ttl,
    )?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: access_ttl.as_secs(),
        refresh_token,
        refresh_expires_in: refresh_ttl_secs.as_secs(),
    })
}

/// Sign in with e-mail and password.
///
/// Answers an access token (send it as `Authorization: Bearer …`) and a
/// refresh token. Attempts are limited per client address and per account.
#[utoipa::path(
    operation_id = "login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in.", body = TokenResponse),
        (status = 401, description = "The e-mail address or password is wrong.", body = warren_wire::Problem, content_type = "application/problem+json"),
        BodyProblems,
        PublicProblems,
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: ValidJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let credentials = body.value;
    let email = credentials.email.trim().to_lowercase();
    state
        .login_limiter
        .check(&client_address(&request), &email)
        .await?;
    let actor = anonymous_actor(&request, &email);
    let user = Api::anonymous(state.clone(), actor.clone())
        .read(move |tx| Ok(accounts::find_user_by_email(tx, &email)?))
        .await?;
    let hash = user.as_ref().map(|user| user.password_hash.clone());
    if !verify_password_blocking(credentials.password, hash).await? {
        return Err(invalid_credentials());
    }
    let user = user.ok_or_else(invalid_credentials)?;
    let tokens = Api::anonymous(state, actor.clone())
        .write(move |tx| {
            let tokens = issue_tokens(tx, &user.id, &new_id())?;
            let actor = Actor {
                label: format!("{} <{}>", user.name, user.email),
                user_id: Some(user.id.clone()),
                ..actor
            };
            let details = serde_json::json!({});
            tx.audit_as(&actor, "session.started", "user", &user.id, None, details)?;
            Ok(tokens)
        })
        .await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Exchange a refresh token for a new pair.
///
/// Each refresh token works once. Presenting it again within a few seconds
/// of its first use (`WARREN_REFRESH_GRACE_SECS`, default 10: several tabs
/// refreshing together) answers another new pair of the same sign-in.
/// Presenting it later revokes every token of that sign-in (the token may
/// have been stolen) and answers 401 `refresh_token_reused`. A token whose
/// sign-in ended (signed out, password changed) answers 401
/// `session_ended`; an unknown or expired one 401 `invalid_refresh_token`.
#[utoipa::path(
    operation_id = "refresh_tokens",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair of tokens.", body = TokenResponse),
        (status = 401, description = "The refresh token is unknown, expired, revoked or reused.", body = warren_wire::Problem, content_type = "application/problem+json"),
        BodyProblems,
        PublicProblems,
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: ValidJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let token_hash = digest(body.value.refresh_token.trim());
    let actor = anonymous_actor(&request, "session");
    let grace = chrono::TimeDelta::from_std(state.tokens.settings().refresh_grace)
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    // The outcome is committed even when it is a refusal: a detected
    // reuse must revoke the family for good.
    let outcome = Api::anonymous(state.clone(), actor.clone())
        .write(move |tx| Ok(accounts::use_refresh_token(tx, &token_hash, grace)?))
        .await?;
    let (user_id, family_id) = match outcome {
        RefreshOutcome::Rotated {
            user_id, family_id, ..
        } => (user_id, family_id),
        RefreshOutcome::Reused => return Err(ApiError::Unauthorized {
            code: ErrorCode::RefreshTokenReused,
            detail: "This refresh token was already used; the session has been revoked for safety. Sign in again.".into(),
        }),
        RefreshOutcome::Ended => return Err(ApiError::Unauthorized {
            code: ErrorCode::SessionEnded,
            detail: "This sign-in has ended (signed out, or the password changed). Sign in again.".into(),
        }),
        RefreshOutcome::Invalid => return Err(ApiError::Unauthorized {
            code: ErrorCode::InvalidRefreshToken,
            detail: "The refresh token is unknown or expired. Sign in again.".into(),
        }),
    };
    let tokens = Api::anonymous(state, actor)
        .write(move |tx| issue_tokens(tx, &user_id, &family_id))
        .await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Sign out: revoke the refresh token and every token of its sign-in.
///
/// Always answers 204, also for a token that is unknown or already revoked.
#[utoipa::path(
    operation_id = "logout",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out."),
        BodyProblems,
        PublicProblems,
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: ValidJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let token_hash = digest(body.value.refresh_token.trim());
    let actor = anonymous_actor(&request, "session");
    Api::anonymous(state, actor.clone())
        .write(move |tx| {
            if let Some((user_id, family_id)) = accounts::family_of(tx, &token_hash)? {
                accounts::revoke_family(tx, &family_id)?;
                let actor = Actor {
                    user_id: Some(user_id.clone()),
                    ..actor
                };
                let details = serde_json::json!({});
                tx.audit_as(&actor, "session.ended", "user", &user_id, None, details)?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

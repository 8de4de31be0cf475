//! Accounts by e-mail: resetting a forgotten password, and confirming an
//! address.
//!
//! - A reset is asked for by address. The answer is the same whether or not
//!   an account has that address, and asking is limited per client address
//!   and per address asked about. The link carries a random single-use token
//!   (stored as a digest) valid for 30 minutes; only the newest link of an
//!   account works. Using it sets the password, confirms the address (the
//!   link proved the person reads it) and signs out every session of the
//!   account.
//! - New accounts (an organization's first admin) are asked to confirm
//!   their address before alerts are e-mailed to it; people who accept an
//!   invitation confirmed it by following the invitation's link, and anyone
//!   can ask for a new confirmation link from their profile.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::TimeDelta;
use warren_store::accounts::{self, AccountTokenOutcome, TokenPurpose};
use warren_store::audit::Actor;
use warren_store::{now, utc};
use warren_wire::{
    ConfirmEmailRequest, EmailConfirmed, PasswordResetDone, PasswordResetRequest,
    PasswordResetRequested, ResetPasswordRequest,
};

use crate::alerts::RESET_MINUTES;
use crate::api::Api;
use crate::auth::{anonymous_actor, client_address, digest, hash_password_blocking, new_secret};
use crate::error::{ApiError, BodyProblems, PublicProblems, RoleProblems};
use crate::extract::ValidJson;
use crate::state::AppState;
use warren_wire::ErrorCode;

/// Reset links one address may be sent an hour.
pub const RESETS_PER_HOUR: u32 = 5;

/// What a used, expired or unknown token means to the person holding it.
fn token_error(outcome: AccountTokenOutcome, what: &str) -> ApiError {
    match outcome {
        AccountTokenOutcome::AlreadyUsed => ApiError::conflict(
            ErrorCode::TokenUsed,
            format!("This {what} link was used already: each works once. Ask for a new one."),
        ),
        AccountTokenOutcome::Expired => ApiError::conflict(
            ErrorCode::TokenExpired,
            format!("This {what} link has expired, or a newer one was sent. Ask for a new one."),
        ),
        AccountTokenOutcome::Unknown | AccountTokenOutcome::Used { .. } => ApiError::NotFound,
    }
}

/// Ask for a link to reset a forgotten password. No sign-in needed.
///
/// Always 202 with the same words, whether or not an account has the
/// address, so the answer tells nobody who has an account. The link, e-mailed
/// to the account's address, works once within 30 minutes. Limited per client
/// address and to five links an hour per address (429 past that, for any
/// address alike).
#[utoipa::path(
    operation_id = "request_password_reset",
    tag = "auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If an account has the address, a link is on its way.", body = PasswordResetRequested),
        BodyProblems,
        PublicProblems,
    )
)]
#[post("/auth/password-resets")]
pub async fn request_reset(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: ValidJson<PasswordResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let email = body.value.email.as_str().trim().to_lowercase();
    state
        .reset_limiter
        .check(&client_address(&request), &email)
        .await?;
    let actor = anonymous_actor(&request, &email);
    Api::anonymous(state, actor)
        .write(move |tx| {
            let user = accounts::find_user_by_email(tx, &email)?;
            if let Some(user) = &user {
                let token = new_secret("wrp");
                accounts::insert_account_token(
                    tx,
                    &user.id,
                    TokenPurpose::PasswordReset,
                    &user.email,
                    &digest(&token),
                    now() + TimeDelta::minutes(RESET_MINUTES),
                )?;
                let state = tx.state;
                let (connection, raised) = tx.parts();
                state
                    .alerting
                    .password_reset_mail(connection, raised, user, &token)?;
            }
            let target = user.as_ref().map_or("", |user| user.id.as_str());
            let details = serde_json::json!({ "account_exists": user.is_some() });
            tx.audit("password_reset.requested", "user", target, None, details)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(PasswordResetRequested {
        message: format!(
            "If an account has this address, a link to reset its password is on its way. It works \
             once, within {RESET_MINUTES} minutes."
        ),
    }))
}

/// Set a new password with the token from a reset link. No sign-in needed.
///
/// Signs out every session of the account (all refresh tokens are revoked)
/// and confirms its address. A token used before, expired or replaced by a
/// newer link is a 409; one Warren never gave is a 404.
#[utoipa::path(
    operation_id = "reset_password",
    tag = "auth",
    request_body = ResetPasswordRequest,
    responses(
        (status = 200, description = "The password is set; sign in with it.", body = PasswordResetDone),
        (status = 404, description = "No reset link has this token.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The link was used (`token_used`) or has expired (`token_expired`).", body = warren_wire::Problem, content_type = "application/problem+json"),
        BodyProblems,
        PublicProblems,
    )
)]
#[post("/auth/password-resets/confirm")]
pub async fn reset_password(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: ValidJson<ResetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let reset = body.value;
    let hash = digest(reset.token.trim());
    state
        .login_limiter
        .check(&client_address(&request), &hash)
        .await?;
    let password_hash = hash_password_blocking(reset.password.as_str().to_owned()).await?;
    let actor = anonymous_actor(&request, "password reset");
    let done = Api::anonymous(state, actor.clone())
        .write(move |tx| {
            let (user_id, email) =
                match accounts::use_account_token(tx, TokenPurpose::PasswordReset, &hash)? {
                    AccountTokenOutcome::Used { user_id, email } => (user_id, email),
                    other => return Err(token_error(other, "reset")),
                };
            accounts::set_password_hash(tx, &user_id, &password_hash)?;
            accounts::revoke_all_refresh_tokens(tx, &user_id)?;
            let user = accounts::find_user(tx, &user_id)?;
            if user.email == email {
                accounts::confirm_email(tx, &user_id, now())?;
            }
            let actor = Actor {
                label: format!("{} <{}>", user.name, user.email),
                user_id: Some(user.id.clone()),
                ..actor
            };
            let details = serde_json::json!({});
            tx.audit_as(
                &actor,
                "password_reset.used",
                "user",
                &user.id,
                None,
                details,
            )?;
            Ok(PasswordResetDone { email: user.email })
        })
        .await?;
    Ok(HttpResponse::Ok().json(done))
}

/// E-mail the caller a new link to confirm their address (409
/// `already_confirmed` when it is).
#[utoipa::path(
    operation_id = "request_email_confirmation",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 202, description = "A link is on its way.", body = PasswordResetRequested),
        (status = 409, description = "The address is confirmed already.", body = warren_wire::Problem, content_type = "application/problem+json"),
        RoleProblems,
    )
)]
#[post("/me/email-confirmations")]
pub async fn request_confirmation(api: Api) -> Result<HttpResponse, ApiError> {
    let user = api.who.person()?.clone();
    if user.email_confirmed_at.is_some() {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyConfirmed,
            "Your address is confirmed already.",
        ));
    }
    let email = user.email.clone();
    api.state
        .reset_limiter
        .check(&format!("confirm:{}", user.id), &format!("confirm:{email}"))
        .await?;
    api.write(move |tx| {
        let state = tx.state;
        let (connection, raised) = tx.parts();
        state.alerting.ask_to_confirm(connection, raised, &user)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(PasswordResetRequested {
        message: format!("A link to confirm {email} is on its way."),
    }))
}

/// Confirm an address with the token from a confirmation link. No sign-in
/// needed: the token is the proof.
#[utoipa::path(
    operation_id = "confirm_email",
    tag = "me",
    request_body = ConfirmEmailRequest,
    responses(
        (status = 200, description = "The address is confirmed.", body = EmailConfirmed),
        (status = 404, description = "No confirmation link has this token.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The link was used (`token_used`) or has expired (`token_expired`).", body = warren_wire::Problem, content_type = "application/problem+json"),
        BodyProblems,
        PublicProblems,
    )
)]
#[post("/email-confirmations")]
pub async fn confirm(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: ValidJson<ConfirmEmailRequest>,
) -> Result<HttpResponse, ApiError> {
    let hash = digest(body.value.token.trim());
    state
        .login_limiter
        .check(&client_address(&request), &hash)
        .await?;
    let actor = anonymous_actor(&request, "confirmation");
    let confirmed = Api::anonymous(state, actor)
        .write(move |tx| {
            let (user_id, email) =
                match accounts::use_account_token(tx, TokenPurpose::EmailConfirmation, &hash)? {
                    AccountTokenOutcome::Used { user_id, email } => (user_id, email),
                    other => return Err(token_error(other, "confirmation")),
                };
            let user = accounts::find_user(tx, &user_id)?;
            if user.email != email {
                return Err(token_error(AccountTokenOutcome::Expired, "confirmation"));
            }
            let at = accounts::confirm_email(tx, &user_id, now())?;
            Ok(EmailConfirmed {
                email,
                confirmed_at: utc(at),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(confirmed))
}

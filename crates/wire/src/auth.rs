//! Signing in: access tokens, refresh tokens, signing out.

use serde::{Deserialize, Serialize};

/// Credentials for `POST /api/v1/auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account's e-mail address (any case).
    pub email: String,
    /// The account's password.
    pub password: String,
}

/// A fresh pair of tokens.
///
/// Send the access token as `Authorization: Bearer <access_token>`. Before it
/// expires, exchange the refresh token at `POST /api/v1/auth/refresh`: each
/// refresh token works once, and presenting a used one revokes the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// A short-lived JWT for the `Authorization: Bearer` header.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// A single-use token that buys the next pair.
    pub refresh_token: String,
    /// Seconds until the refresh token expires.
    pub refresh_expires_in: u64,
}

/// A refresh token, to exchange (`/auth/refresh`) or revoke (`/auth/logout`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from the last token response.
    pub refresh_token: String,
}

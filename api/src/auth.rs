//! Authentication: passwords, access tokens, refresh tokens, API keys, and
//! the [`Principal`] extractor every protected handler starts from.
//!
//! - Passwords are hashed with argon2id at OWASP's parameters (19 MiB, 2
//!   passes, 1 lane), by [`warren_store::credentials`].
//! - Access tokens are HS256 JWTs with `iss`, `aud`, `sub`, `exp`, `nbf` and
//!   `iat`, and a `kid` naming the secret that signed them, so secrets can
//!   rotate: the active secret signs, previous ones still verify. The
//!   algorithm is pinned: a token claiming any other (including `none`) is
//!   refused.
//! - Refresh tokens and API keys are random secrets stored as SHA-256 digests
//!   (also [`warren_store::credentials`]).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode};
use serde::{Deserialize, Serialize};
use tracing_actix_web::RequestId;
use warren_domain::alerts::AlertKind;
use warren_domain::{Access, ApiScope, Role};
use warren_store::Store;
use warren_store::accounts::{self, ApiKeyRecord, UserRecord};
use warren_store::audit::Actor;

use crate::config::TokenSettings;
use crate::error::ApiError;
use crate::limits::{RateLimit, Sharing};
use crate::state::AppState;
use warren_wire::ErrorCode;

// Passwords and secrets: the store's, so that seeded accounts and keys are
// made the same way.

pub use warren_store::credentials::{digest, hash_password, new_secret, verify_password};

/// [`hash_password`] on a blocking thread: hashing takes tens of
/// milliseconds of CPU and must not stall an async worker.
pub async fn hash_password_blocking(password: String) -> Result<String, ApiError> {
    Ok(web::block(move || hash_password(&password)).await??)
}

/// [`verify_password`] on a blocking thread.
pub async fn verify_password_blocking(
    password: String,
    hash: Option<String>,
) -> Result<bool, ApiError> {
    Ok(web::block(move || verify_password(&password, hash.as_deref())).await?)
}

// Access tokens.

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// The user's id.
    pub sub: String,
    /// Expiry, seconds since the epoch.
    pub exp: u64,
    /// Not before.
    pub nbf: u64,
    /// Issued at.
    pub iat: u64,
}

/// The secrets that sign and verify access tokens.
#[derive(Clone)]
pub struct TokenKeys {
    active_kid: String,
    encoding: EncodingKey,
    decoding: HashMap<String, DecodingKey>,
    settings: TokenSettings,
}

/// The key id of a secret: the start of its SHA-256 digest.
fn kid_of(secret: &str) -> String {
    digest(secret)[..16].to_owned()
}

impl TokenKeys {
    /// Keys from the configured secrets.
    pub fn new(settings: &TokenSettings) -> Self {
        let mut decoding = HashMap::new();
        for secret in std::iter::once(&settings.active_secret).chain(&settings.previous_secrets) {
            decoding.insert(kid_of(secret), DecodingKey::from_secret(secret.as_bytes()));
        }
        Self {
            active_kid: kid_of(&settings.active_secret),
            encoding: EncodingKey::from_secret(settings.active_secret.as_bytes()),
            decoding,
            settings: settings.clone(),
        }
    }

    /// The token settings.
    pub fn settings(&self) -> &TokenSettings {
        &self.settings
    }

    /// Signs an access token for `user_id`.
    pub fn issue(&self, user_id: &str) -> Result<String, ApiError> {
        let now = chrono::Utc::now().timestamp().max(0) as u64;
        let claims = Claims {
            iss: self.settings.issuer.clone(),
            aud: self.settings.issuer.clone(),
            sub: user_id.to_owned(),
            exp: now + self.settings.access_ttl.as_secs(),
            nbf: now,
            iat: now,
        };
        let mut header = Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some(self.active_kid.clone());
        encode(&header, &claims, &self.encoding)
            .map_err(|error| ApiError::Internal(format!("signing a token: {error}")))
    }

    /// Verifies an access token and returns its user id.
    pub fn verify(&self, token: &str) -> Result<String, ApiError> {
        let invalid = |detail: &str| ApiError::Unauthorized {
            code: ErrorCode::InvalidToken,
            detail: detail.to_owned(),
        };
        let header = decode_header(token).map_err(|_| invalid("The access token is malformed."))?;
        if header.alg != jsonwebtoken::Algorithm::HS256 {
            return Err(invalid(
                "The access token uses an algorithm Warren does not accept.",
            ));
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.decoding.get(kid))
            .ok_or_else(|| invalid("The access token was signed with an unknown key."))?;
        let mut validation = Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.algorithms = vec![jsonwebtoken::Algorithm::HS256];
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.settings.issuer]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        match decode::<Claims>(token, key, &validation) {
            Ok(data) => Ok(data.claims.sub),
            Err(error) => match error.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => Err(ApiError::Unauthorized {
                    code: ErrorCode::TokenExpired,
                    detail: "The access token has expired; refresh it.".into(),
                }),
                _ => Err(invalid("The access token is not valid.")),
            },
        }
    }
}

/// What a stream ticket lets its holder hear.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StreamAccess {
    /// Audience: `<issuer>-events`, so a ticket is never an access token.
    aud: String,
    /// Issuer.
    iss: String,
    /// Expiry, seconds since the epoch.
    exp: u64,
    /// The holder's organizations.
    organizations: Vec<String>,
    /// Whether the holder is a network admin (hears every referral).
    network_admin: bool,
    /// The person holding it, who hears their own alerts (none for an API
    /// key).
    #[serde(default)]
    user_id: Option<String>,
}

impl StreamAccess {
    /// The person holding the ticket, if a person does.
    pub fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }

    /// Keeps only what the holder's current `memberships` still allow: a
    /// ticket signed before someone was removed from an organization must
    /// not go on hearing its referrals.
    pub fn narrow(&mut self, memberships: &[accounts::MembershipRecord]) {
        self.organizations.retain(|organization| {
            memberships
                .iter()
                .any(|membership| membership.organization.id == *organization)
        });
        self.network_admin &= memberships
            .iter()
            .any(|membership| membership.role == Role::NetworkAdmin);
    }

    /// Whether the holder may hear `event`.
    pub fn sees(&self, event: &warren_wire::ReferralEvent) -> bool {
        self.network_admin
            || self.organizations.iter().any(|organization| {
                *organization == event.referrer_organization_id.to_string()
                    || *organization == event.receiver_organization_id.to_string()
            })
    }

    /// The server-sent event frame of `event` for the holder, if they may
    /// hear it: a referral of their organizations (`event: referral`), or
    /// one of their own alerts (`event: alert`).
    pub fn frame(&self, event: &crate::events::LiveEvent) -> Option<String> {
        use crate::events::LiveEvent;
        match event {
            LiveEvent::Referral(event) if self.sees(event) => {
                let data = serde_json::to_string(event).ok()?;
                Some(format!(
                    "id: {}\nevent: referral\ndata: {data}\n\n",
                    event.id
                ))
            }
            LiveEvent::Alert(notice)
                if self.user_id.as_deref() == Some(notice.user_id.to_string().as_str()) =>
            {
                let data = serde_json::to_string(notice).ok()?;
                Some(format!("event: alert\ndata: {data}\n\n"))
            }
            _ => None,
        }
    }
}

impl TokenKeys {
    fn stream_audience(&self) -> String {
        format!("{}-events", self.settings.issuer)
    }

    /// Signs a ticket for the live event stream.
    pub fn issue_stream_ticket(
        &self,
        organizations: &[String],
        network_admin: bool,
        user_id: Option<&str>,
        lifetime: std::time::Duration,
    ) -> Result<String, ApiError> {
        let now = chrono::Utc::now().timestamp().max(0) as u64;
        let claims = StreamAccess {
            aud: self.stream_audience(),
            iss: self.settings.issuer.clone(),
            exp: now + lifetime.as_secs(),
            organizations: organizations.to_vec(),
            network_admin,
            user_id: user_id.map(str::to_owned),
        };
        let mut header = Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some(self.active_kid.clone());
        encode(&header, &claims, &self.encoding)
            .map_err(|error| ApiError::Internal(format!("signing a ticket: {error}")))
    }

    /// Verifies a stream ticket.
    pub fn verify_stream_ticket(&self, ticket: &str) -> Result<StreamAccess, ApiError> {
        let invalid = || ApiError::Unauthorized {
            code: ErrorCode::InvalidTicket,
            detail: "The stream ticket is missing, expired or invalid; ask for a new one.".into(),
        };
        let header = decode_header(ticket).map_err(|_| invalid())?;
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.decoding.get(kid))
            .ok_or_else(invalid)?;
        let mut validation = Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.algorithms = vec![jsonwebtoken::Algorithm::HS256];
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.stream_audience()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        decode::<StreamAccess>(ticket, key, &validation)
            .map(|data| data.claims)
            .map_err(|_| invalid())
    }

    fn unsubscribe_audience(&self) -> String {
        format!("{}-unsubscribe", self.settings.issuer)
    }

    /// Signs the token of an e-mail's `List-Unsubscribe` link: it turns
    /// `kind` to inbox-only for `user_id`, for [`UNSUBSCRIBE_DAYS`] days.
    /// Signed rather than stored: it grants nothing but quieter e-mail.
    pub fn issue_unsubscribe(&self, user_id: &str, kind: AlertKind) -> Result<String, ApiError> {
        let now = chrono::Utc::now().timestamp().max(0) as u64;
        let claims = Unsubscribe {
            aud: self.unsubscribe_audience(),
            iss: self.settings.issuer.clone(),
            exp: now + UNSUBSCRIBE_DAYS * 86_400,
            sub: user_id.to_owned(),
            kind: kind.as_str().to_owned(),
        };
        let mut header = Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some(self.active_kid.clone());
        encode(&header, &claims, &self.encoding)
            .map_err(|error| ApiError::Internal(format!("signing an unsubscribe link: {error}")))
    }

    /// Verifies an unsubscribe token: whose, and which kind.
    pub fn verify_unsubscribe(&self, token: &str) -> Result<(String, AlertKind), ApiError> {
        let invalid = || {
            ApiError::bad_request(
                ErrorCode::InvalidToken,
                "The link is not one Warren gave, or it has expired; change your alert settings in Warren instead.",
            )
        };
        let header = decode_header(token).map_err(|_| invalid())?;
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.decoding.get(kid))
            .ok_or_else(invalid)?;
        let mut validation = Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.algorithms = vec![jsonwebtoken::Algorithm::HS256];
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.unsubscribe_audience()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let claims = decode::<Unsubscribe>(token, key, &validation)
            .map(|data| data.claims)
            .map_err(|_| invalid())?;
        let kind = AlertKind::parse(&claims.kind).ok_or_else(invalid)?;
        Ok((claims.sub, kind))
    }
}

/// How long an unsubscribe link works.
pub const UNSUBSCRIBE_DAYS: u64 = 180;

/// The claims of an unsubscribe link's token.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Unsubscribe {
    aud: String,
    iss: String,
    exp: u64,
    sub: String,
    kind: String,
}

// Sign-in rate limits.

/// Sign-in attempts per client address and per account (see
/// [`crate::limits`] for how replicas share them).
pub struct LoginLimiter {
    by_client: RateLimit,
    by_account: RateLimit,
}

impl LoginLimiter {
    /// Allows `per_minute` attempts a minute (with that many in a burst),
    /// per client address and per account. `name` tells its counts apart
    /// from other limits'.
    pub fn new(store: &Store, name: &'static [&'static str; 2], per_minute: u32) -> Self {
        let minute = Duration::from_secs(60);
        Self {
            by_client: RateLimit::new(store, name[0], per_minute, minute, Sharing::EveryHit),
            by_account: RateLimit::new(store, name[1], per_minute, minute, Sharing::EveryHit),
        }
    }

    /// Allows `per_minute` attempts a minute per client address, and
    /// `per_hour` an hour per account (password resets: a few links an
    /// hour are plenty, and more would flood someone's mailbox).
    pub fn hourly_per_account(
        store: &Store,
        name: &'static [&'static str; 2],
        per_minute: u32,
        per_hour: u32,
    ) -> Self {
        Self {
            by_client: RateLimit::new(
                store,
                name[0],
                per_minute,
                Duration::from_secs(60),
                Sharing::EveryHit,
            ),
            by_account: RateLimit::new(
                store,
                name[1],
                per_hour,
                Duration::from_secs(3600),
                Sharing::EveryHit,
            ),
        }
    }

    /// Counts an attempt; refuses it past the limit.
    pub async fn check(&self, client: &str, account: &str) -> Result<(), ApiError> {
        self.by_client.check(client).await?;
        self.by_account.check(account).await
    }

    /// Forgets idle keys so memory stays bounded.
    pub async fn shrink(&self) {
        self.by_client.exchange().await;
        self.by_account.exchange().await;
    }
}

// The caller.

/// Who is calling, with what access. Extracting it authenticates the request
/// (401 without valid credentials) and loads the caller's memberships fresh,
/// so a removed member or a revoked key loses access at once.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The person, when a person signed in.
    pub user: Option<UserRecord>,
    /// The key, when an integration calls.
    pub api_key: Option<ApiKeyRecord>,
    /// What the caller may see and do, by organization id.
    pub access: Access<String>,
    /// The caller as the audit log names it.
    pub actor: Actor,
    /// Whether the caller belongs to the network: a network admin, a member
    /// of a vetted organization, or a key of one. Only they see members'
    /// view of the directory.
    pub in_network: bool,
}

impl Principal {
    /// A caller who has not signed in, named `actor` in the audit log: no
    /// memberships, no access to anyone's private data.
    pub fn anonymous(actor: Actor) -> Self {
        Self {
            user: None,
            api_key: None,
            access: Access::new(Vec::new()),
            actor,
            in_network: false,
        }
    }

    /// The key idempotency records are kept under.
    pub fn idempotency_scope(&self) -> String {
        match (&self.user, &self.api_key) {
            (Some(user), _) => format!("user:{}", user.id),
            (_, Some(key)) => format!("api_key:{}", key.id),
            _ => "anonymous".into(),
        }
    }

    /// The signed-in person, or 403 for an API key.
    pub fn person(&self) -> Result<&UserRecord, ApiError> {
        self.user.as_ref().ok_or_else(|| {
            ApiError::Forbidden("Only a signed-in person can do this, not an API key.".into())
        })
    }

    /// 404 unless the caller may read `organization`'s private data.
    pub fn require_read(&self, organization: &str) -> Result<(), ApiError> {
        if self.access.can_read(organization) {
            Ok(())
        } else {
            Err(ApiError::NotFound)
        }
    }

    /// 404 for outsiders, 403 for members who do not administer `organization`.
    pub fn require_admin(&self, organization: &str) -> Result<(), ApiError> {
        self.require_read(organization)?;
        if self.access.can_administer(organization) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "Only the organization's admins can do this.".into(),
            ))
        }
    }

    /// 403 unless the caller is a network admin; `what` says what only
    /// network admins do ("Only network admins {what}.").
    pub fn require_network_admin(&self, what: &str) -> Result<(), ApiError> {
        if self.access.is_network_admin() {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!("Only network admins {what}.")))
        }
    }

    /// 403 with `refusal` unless the caller belongs to the network (see
    /// [`Principal::in_network`]).
    pub fn require_network(&self, refusal: &str) -> Result<(), ApiError> {
        if self.in_network {
            Ok(())
        } else {
            Err(ApiError::Forbidden(refusal.into()))
        }
    }

    /// The organization the caller does something for: `named` when they
    /// belong to it and `may` holds there; with none named, the only one of
    /// theirs where `may` holds. `refusals` words the answers otherwise.
    pub fn organization_for(
        &self,
        named: Option<uuid::Uuid>,
        may: impl Fn(&Access<String>, &String) -> bool,
        refusals: &ActingFor,
    ) -> Result<String, ApiError> {
        let Some(id) = named else {
            let allowed: Vec<&String> = self
                .access
                .organizations()
                .filter(|id| may(&self.access, id))
                .collect();
            return match allowed.as_slice() {
                [only] => Ok((*only).clone()),
                [] => Err(ApiError::Forbidden(refusals.anywhere.into())),
                _ => Err(ApiError::invalid_field("organization_id", refusals.several)),
            };
        };
        let id = id.to_string();
        if self.access.role_in(&id).is_none() {
            return Err(ApiError::invalid_field(
                "organization_id",
                "is not an organization you belong to",
            ));
        }
        if !may(&self.access, &id) {
            return Err(ApiError::Forbidden(refusals.named.into()));
        }
        Ok(id)
    }
}

/// How [`Principal::organization_for`] words its refusals.
pub struct ActingFor {
    /// Why the caller may not do it for the organization they named.
    pub named: &'static str,
    /// Why they may not do it for any organization of theirs.
    pub anywhere: &'static str,
    /// Why `organization_id` is needed: they may do it for several.
    pub several: &'static str,
}

/// The name Warren's own moves are recorded under.
pub const WARREN: &str = "Warren";

/// The person's name (or the API key's label) for timelines.
pub fn actor_name(principal: &Principal) -> String {
    match (&principal.user, &principal.api_key) {
        (Some(user), _) => user.name.clone(),
        (None, Some(key)) => format!("API key {}", key.name),
        (None, None) => principal.actor.label.clone(),
    }
}

/// The actor recorded for anonymous requests (applications, invitations).
pub fn anonymous_actor(request: &HttpRequest, label: &str) -> Actor {
    Actor {
        label: label.to_owned(),
        request_id: request_id(request),
        ..Actor::default()
    }
}

/// The client's address, the key of per-client rate limits: the connection's
/// peer, or what a trusted proxy says of its client (`crate::edge`).
pub fn client_address(request: &HttpRequest) -> String {
    match request.app_data::<actix_web::web::Data<crate::state::AppState>>() {
        Some(state) => crate::edge::client_address(request, &state.config.trusted_proxies),
        None => crate::edge::client_address(request, &crate::edge::TrustedProxies::default()),
    }
}

/// The request id tracing assigned to this request.
pub fn request_id(request: &HttpRequest) -> Option<String> {
    request
        .extensions()
        .get::<RequestId>()
        .map(ToString::to_string)
}

fn unauthorized(detail: &str) -> ApiError {
    ApiError::Unauthorized {
        code: ErrorCode::Unauthorized,
        detail: detail.to_owned(),
    }
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let bearer = request
            .headers()
            .get(header::AUTHORIZATION)
            .map(|value| value.to_str().unwrap_or_default().to_owned());
        let api_key = request
            .headers()
            .get(warren_wire::API_KEY_HEADER)
            .map(|value| value.to_str().unwrap_or_default().to_owned());
        let reading = request.method().is_safe();
        let request_id = request_id(request);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("no application state".into()))?;
            match (bearer, api_key) {
                (Some(bearer), None) => {
                    let token = bearer.strip_prefix("Bearer ").ok_or_else(|| {
                        unauthorized("Use `Authorization: Bearer <access token>`.")
                    })?;
                    let user_id = state.tokens.verify(token.trim())?;
                    let store = state.store.clone();
                    web::block(move || person(&store, &user_id, request_id)).await?
                }
                (None, Some(secret)) => {
                    let store = state.store.clone();
                    web::block(move || integration(&store, &secret, reading, request_id)).await?
                }
                (Some(_), Some(_)) => Err(ApiError::bad_request(
                    ErrorCode::AmbiguousCredentials,
                    "Send either an access token or an API key, not both.",
                )),
                (None, None) => Err(unauthorized(
                    "Sign in, or send an API key in the X-API-Key header.",
                )),
            }
        })
    }
}

fn person(
    store: &warren_store::Store,
    user_id: &str,
    request_id: Option<String>,
) -> Result<Principal, ApiError> {
    store.read(|connection| {
        let user = match accounts::find_user(connection, user_id) {
            Ok(user) => user,
            Err(warren_store::StoreError::NotFound) => {
                return Err(unauthorized(
                    "The account behind this token no longer exists.",
                ));
            }
            Err(error) => return Err(error.into()),
        };
        let memberships = accounts::memberships_of(connection, user_id)?;
        let in_network = memberships.iter().any(|membership| {
            membership.role == Role::NetworkAdmin || membership.organization.membership.is_active()
        });
        let memberships = memberships
            .into_iter()
            .map(|membership| (membership.organization.id, membership.role))
            .collect();
        Ok(Principal {
            actor: Actor {
                label: format!("{} <{}>", user.name, user.email),
                user_id: Some(user.id.clone()),
                api_key_id: None,
                request_id,
            },
            access: Access::new(memberships),
            user: Some(user),
            api_key: None,
            in_network,
        })
    })
}

fn integration(
    store: &warren_store::Store,
    secret: &str,
    reading: bool,
    request_id: Option<String>,
) -> Result<Principal, ApiError> {
    let (key, organization) = store
        .read(|connection| {
            accounts::find_active_api_key_and_organization(connection, &digest(secret))
        })?
        .ok_or_else(|| ApiError::Unauthorized {
            code: ErrorCode::InvalidApiKey,
            detail: "The API key is unknown or revoked.".into(),
        })?;
    if !ApiScope::permit(&key.scopes()?, reading) {
        return Err(ApiError::Forbidden(format!(
            "This API key's scopes ({}) do not allow this request.",
            key.scopes
        )));
    }
    if !organization.membership.is_active() {
        return Err(ApiError::Forbidden(
            "The key's organization is not a vetted member of the network.".into(),
        ));
    }
    // Last use is kept to the minute: most requests write nothing.
    let a_minute_ago = warren_store::now() - chrono::TimeDelta::minutes(1);
    if key.last_used_at.is_none_or(|used| used < a_minute_ago) {
        store.write(|connection| accounts::touch_api_key(connection, &key.id))?;
    }
    Ok(Principal {
        actor: Actor {
            label: format!("API key {} ({})", key.name, key.prefix),
            user_id: None,
            api_key_id: Some(key.id.clone()),
            request_id,
        },
        access: Access::new(vec![(key.organization_id.clone(), Role::Staff)]),
        user: None,
        api_key: Some(key),
        in_network: true,
    })
}

/// The partner key behind a public request: a live key with the `embed`
/// scope of a vetted organization. Its id keys the partner's rate
/// limit. Blocking.
pub fn partner_key(store: &warren_store::Store, secret: &str) -> Result<String, ApiError> {
    let invalid = || ApiError::Unauthorized {
        code: ErrorCode::InvalidApiKey,
        detail: "The API key is unknown or revoked.".into(),
    };
    store.read(|connection| {
        let (key, organization) =
            accounts::find_active_api_key_and_organization(connection, &digest(secret))?
                .ok_or_else(invalid)?;
        let scopes = key.scopes()?;
        // A partner key sits in a public web page for anyone to read: only
        // keys made for that (scope `embed`) are taken, so a leaked
        // integration key is never encouraged.
        if !scopes.contains(&ApiScope::Embed) {
            return Err(ApiError::Forbidden(
                "Partner keys need the `embed` scope; create one for the web page.".into(),
            ));
        }
        if !organization.membership.is_active() {
            return Err(ApiError::Forbidden(
                "The key's organization is not a vetted member of the network.".into(),
            ));
        }
        Ok(key.id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(secret: &str) -> TokenSettings {
        TokenSettings {
            active_secret: secret.into(),
            previous_secrets: vec![],
            access_ttl: std::time::Duration::from_secs(60),
            refresh_ttl: std::time::Duration::from_secs(600),
            refresh_grace: std::time::Duration::from_secs(10),
            issuer: "warren".into(),
        }
    }

    #[test]
    fn a_token_verifies_with_its_own_keys_only() {
        let keys = TokenKeys::new(&settings("a secret that is long enough for HS256 use"));
        let token = keys.issue("user-1").unwrap();
        assert_eq!(keys.verify(&token).unwrap(), "user-1");
        let other = TokenKeys::new(&settings("another secret that is long enough for HS256"));
        assert!(other.verify(&token).is_err());
    }

    #[test]
    fn rotated_keys_still_verify_old_tokens() {
        let old = settings("the old secret, long enough for HS256 signing");
        let token = TokenKeys::new(&old).issue("user-1").unwrap();
        let mut rotated = settings("the new secret, long enough for HS256 signing");
        rotated.previous_secrets = vec![old.active_secret.clone()];
        assert_eq!(TokenKeys::new(&rotated).verify(&token).unwrap(), "user-1");
    }
}

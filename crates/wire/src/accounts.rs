//! People and integrations: users, the signed-in principal, members,
//! invitations and API keys.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
pub use warren_domain::organization::InvitationStatus;
use warren_domain::{ApiKeyName, ApiScope, Email, Password, PersonName, Role};

use crate::organizations::OrganizationSummary;

/// A person with an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// Stable identifier.
    pub id: Uuid,
    /// Their e-mail address, lower-cased.
    pub email: String,
    /// Their name.
    pub name: String,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// Whether the address is confirmed: only confirmed addresses receive
    /// alerts by e-mail.
    pub email_confirmed: bool,
}

/// Who is calling: a person signed in, or an organization's API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    /// A person with an access token.
    User,
    /// An integration or partner widget with an API key.
    ApiKey,
}

/// One of the caller's organizations and the caller's role there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyMembership {
    /// The organization.
    pub organization: OrganizationSummary,
    /// The caller's role in it.
    pub role: Role,
}

/// `GET /api/v1/me`: the caller, as the server sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// A person or an API key.
    pub kind: PrincipalKind,
    /// The person, when a person is signed in.
    pub user: Option<User>,
    /// The key, when an API key is used.
    pub api_key: Option<ApiKey>,
    /// Whether the caller coordinates the network.
    pub is_network_admin: bool,
    /// The caller's organizations (for a key: its one organization).
    pub memberships: Vec<MyMembership>,
}

/// `PATCH /api/v1/me`: change one's own name or password.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<PersonName>,
    /// A new password; needs `current_password`, and signs out other sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_password: Option<Password>,
    /// The password in use now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_password: Option<String>,
}

/// A member of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    /// The person.
    pub user: User,
    /// Their role in the organization.
    pub role: Role,
    /// When they joined it.
    pub joined_at: DateTime<Utc>,
}

/// The members of one organization, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberList {
    /// The members.
    pub items: Vec<Member>,
}

/// `PATCH /api/v1/organizations/{id}/members/{user_id}`: change a member's role.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangeRoleRequest {
    /// The new role (`network_admin` is granted only by network admins).
    pub role: Role,
}

/// `POST /api/v1/organizations/{id}/invitations`: invite a person.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateInvitationRequest {
    /// Who is invited.
    pub email: Email,
    /// The role they will have.
    pub role: Role,
}

/// An invitation to join an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    /// Stable identifier.
    pub id: Uuid,
    /// The inviting organization.
    pub organization_id: Uuid,
    /// Who is invited.
    pub email: String,
    /// The role they will have.
    pub role: Role,
    /// Where it stands.
    pub status: InvitationStatus,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// An invitation just created, with its secret token (shown only this once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedInvitation {
    /// The invitation.
    pub invitation: Invitation,
    /// The secret the invited person needs; send it to them.
    pub token: String,
    /// A link to the SPA page that accepts it.
    pub accept_url: String,
}

/// The invitations of one organization, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationList {
    /// The invitations.
    pub items: Vec<Invitation>,
}

/// What an invitation token offers, before accepting it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationPreview {
    /// The inviting organization.
    pub organization: OrganizationSummary,
    /// Who is invited.
    pub email: String,
    /// The role offered.
    pub role: Role,
    /// Whether an account with this e-mail exists (then only its password is needed).
    pub existing_account: bool,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// Query for `GET /api/v1/invitations/preview`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct InvitationTokenQuery {
    /// The invitation's secret token.
    pub token: String,
}

/// `POST /api/v1/invitations/accept`: join an organization.
///
/// A new person gives a name and a new password; a person who already has an
/// account gives its password.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationRequest {
    /// The invitation's secret token.
    pub token: String,
    /// The person's name (new accounts only).
    #[serde(default)]
    pub name: Option<PersonName>,
    /// The new password, or the existing account's password.
    pub password: String,
}

/// An accepted invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptedInvitation {
    /// The member's account.
    pub user: User,
    /// The organization joined.
    pub organization: OrganizationSummary,
    /// The role there.
    pub role: Role,
}

/// `POST /api/v1/organizations/{id}/api-keys`: create a key for an integration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    /// A label saying where the key is used.
    pub name: ApiKeyName,
    /// What the key may do; at least one.
    pub scopes: Vec<ApiScope>,
}

/// An API key (never its secret, which is shown once at creation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKey {
    /// Stable identifier.
    pub id: Uuid,
    /// The organization the key acts for.
    pub organization_id: Uuid,
    /// Its label.
    pub name: String,
    /// The first characters of the secret, to recognise it.
    pub prefix: String,
    /// What it may do.
    pub scopes: Vec<ApiScope>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was last used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked; a revoked key no longer works.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A key just created, with its secret (shown only this once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    /// The key.
    pub api_key: ApiKey,
    /// Send as the `X-API-Key` header. Store it now: it cannot be shown again.
    pub secret: String,
}

/// The API keys of one organization, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyList {
    /// The keys, revoked ones included.
    pub items: Vec<ApiKey>,
}

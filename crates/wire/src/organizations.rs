//! Organizations: applying to the network, vetting, details and sites.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;
use warren_domain::{
    Description, Email, MembershipStatus, OrgName, OrganizationKind, Password, PersonName, Website,
};

use crate::accounts::User;

/// A member organization of the network.
///
/// Responses carrying one organization also send its version as an `ETag`;
/// send it back as `If-Match` to change the organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organization {
    /// Stable identifier.
    pub id: Uuid,
    /// The organization's name.
    pub name: String,
    /// What kind of member it is.
    pub kind: OrganizationKind,
    /// Where it stands in the network.
    pub membership: MembershipStatus,
    /// Its public website.
    pub website: Option<String>,
    /// What it does, in its own words.
    pub description: Option<String>,
    /// When it applied.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Increases with every change; the `ETag`.
    pub version: i64,
}

/// The short form of an organization, inside other answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationSummary {
    /// Stable identifier.
    pub id: Uuid,
    /// The organization's name.
    pub name: String,
    /// What kind of member it is.
    pub kind: OrganizationKind,
    /// Where it stands in the network.
    pub membership: MembershipStatus,
}

/// One page of organizations, in a stable order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationPage {
    /// The organizations on this page.
    pub items: Vec<Organization>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// The person who applied for an organization (its first admin), as the
/// network coordinators see it in the vetting queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Applicant {
    /// Their name.
    pub name: String,
    /// Their e-mail address, to contact them about the application.
    pub email: String,
}

/// An organization waiting to be vetted, with who applied for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingApplication {
    /// The organization, as it applied (its description is what it wrote).
    pub organization: Organization,
    /// Who applied; absent if that account has since left it.
    pub applicant: Option<Applicant>,
}

/// One page of the vetting queue, oldest application first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingApplicationPage {
    /// The applications on this page.
    pub items: Vec<PendingApplication>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Paging of `GET /api/v1/organizations/applications`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct PendingApplicationQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
}

/// Filters for `GET /api/v1/organizations`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct OrganizationQuery {
    /// Only organizations in this membership state (`applied` is the vetting queue).
    pub membership: Option<MembershipStatus>,
    /// Only organizations of this kind.
    pub kind: Option<OrganizationKind>,
    /// Only organizations whose name contains this text (any case).
    pub q: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
}

/// The organization part of an application.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    /// The organization's name, 2–120 characters.
    pub name: OrgName,
    /// What kind of member it is.
    pub kind: OrganizationKind,
    /// Its public website (`https://…`).
    #[serde(default)]
    pub website: Option<Website>,
    /// What it does, up to 2,000 characters.
    #[serde(default)]
    pub description: Option<Description>,
}

/// The first account of an applying organization; it becomes its org admin.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    /// The person's name.
    pub name: PersonName,
    /// Their e-mail address; it must not have an account yet.
    pub email: Email,
    /// 12–128 characters.
    pub password: Password,
}

/// `POST /api/v1/organizations/applications`: an organization applies to join.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    /// The organization.
    pub organization: NewOrganization,
    /// Its first user, who becomes its org admin.
    pub admin: NewAccount,
}

/// An application as received: the organization waits in the vetting queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Application {
    /// The new organization, `applied`.
    pub organization: Organization,
    /// Its first user, who can sign in at once.
    pub admin: User,
}

/// `PATCH /api/v1/organizations/{id}`: absent fields stay as they are; `null`
/// clears `website` or `description`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganizationRequest {
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<OrgName>,
    /// A new kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<OrganizationKind>,
    /// A new website, or `null` to clear it.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub website: Option<Option<Website>>,
    /// A new description, or `null` to clear it.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: Option<Option<Description>>,
}

/// Tells a field sent as `null` (`Some(None)`) from an absent one (`None`).
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// `POST /api/v1/organizations/{id}/membership`: vet, suspend or reinstate.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MembershipChangeRequest {
    /// The state to move to.
    pub membership: MembershipStatus,
    /// Why, for the audit log (required to suspend).
    #[serde(default)]
    pub reason: Option<String>,
}

//! People and integrations: users, memberships, members, invitations and
//! API keys.

use warren_store::accounts::{
    ApiKeyRecord, InvitationRecord, MemberRecord, MembershipRecord, UserRecord,
};
use warren_store::{now, utc};
use warren_wire::{ApiKey, Invitation, Member, MyMembership, User};

use super::id;
use super::organizations::organization_summary;
use crate::error::ApiError;

/// A person with an account.
pub fn user(record: &UserRecord) -> Result<User, ApiError> {
    Ok(User {
        id: id(&record.id)?,
        email: record.email.clone(),
        name: record.name.clone(),
        created_at: utc(record.created_at),
        email_confirmed: record.email_confirmed_at.is_some(),
    })
}

/// One of the caller's organizations and their role there.
pub fn my_membership(record: &MembershipRecord) -> Result<MyMembership, ApiError> {
    Ok(MyMembership {
        organization: organization_summary(&record.organization)?,
        role: record.role,
    })
}

/// A member of an organization.
pub fn member(record: &MemberRecord) -> Result<Member, ApiError> {
    Ok(Member {
        user: user(&record.user)?,
        role: record.role,
        joined_at: utc(record.joined_at),
    })
}

/// An invitation, where it stands now.
pub fn invitation(record: &InvitationRecord) -> Result<Invitation, ApiError> {
    Ok(Invitation {
        id: id(&record.id)?,
        organization_id: id(&record.organization_id)?,
        email: record.email.clone(),
        role: record.role()?,
        status: record.status(now()),
        created_at: utc(record.created_at),
        expires_at: utc(record.expires_at),
    })
}

/// An API key, never its secret.
pub fn api_key(record: &ApiKeyRecord) -> Result<ApiKey, ApiError> {
    Ok(ApiKey {
        id: id(&record.id)?,
        organization_id: id(&record.organization_id)?,
        name: record.name.clone(),
        prefix: record.prefix.clone(),
        scopes: record.scopes()?,
        created_at: utc(record.created_at),
        last_used_at: record.last_used_at.map(utc),
        revoked_at: record.revoked_at.map(utc),
    })
}

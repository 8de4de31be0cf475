//! People and integrations: users, memberships, network admins, refresh
//! tokens, invitations and API keys.
//!
//! Secrets are never stored: refresh tokens, invitation tokens and API keys
//! are kept as SHA-256 digests (they are long random strings, so a fast hash
//! is enough); passwords arrive here already hashed with argon2id.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use warren_domain::organization::InvitationStatus;
use warren_domain::{
    ApiScope, Email, MembershipStatus, OrgName, OrganizationKind, PersonName, Role,
};

use crate::audit::{self, Actor, Change};
use crate::organizations::{NewOrganization, SummaryColumns, SummaryRecord};
use crate::schema::{
    account_tokens, api_keys, invitations, memberships, organizations, refresh_tokens, users,
};
use crate::{DbConnection, StoreError, StoreResult, new_id, now};

// Users.

/// A stored user with the secrets the API needs to check.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRecord {
    /// Stable id.
    pub id: String,
    /// Lower-cased e-mail.
    pub email: String,
    /// Name.
    pub name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Version, for `If-Match`.
    pub version: i64,
    /// When the person proved the address is theirs; alerts are e-mailed
    /// only to confirmed addresses.
    pub email_confirmed_at: Option<NaiveDateTime>,
}

/// Creates a user; a taken e-mail is a `Conflict("users.email")`.
pub fn insert_user(
    connection: &mut DbConnection,
    email: &str,
    name: &str,
    password_hash: &str,
) -> StoreResult<UserRecord> {
    let id = new_id();
    let at = now();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::email.eq(email),
            users::name.eq(name),
            users::password_hash.eq(password_hash),
            users::created_at.eq(at),
            users::updated_at.eq(at),
            users::version.eq(1_i64),
        ))
        .execute(connection)
        .map_err(|error| match StoreError::from_diesel(error) {
            StoreError::Conflict(_) => StoreError::Conflict("users.email".into()),
            other => other,
        })?;
    find_user(connection, &id)
}

/// One user, or `NotFound`.
pub fn find_user(connection: &mut DbConnection, id: &str) -> StoreResult<UserRecord> {
    Ok(users::table
        .find(id)
        .select(UserRecord::as_select())
        .first(connection)?)
}

/// The user with this (lower-cased) e-mail, if any.
pub fn find_user_by_email(
    connection: &mut DbConnection,
    email: &str,
) -> StoreResult<Option<UserRecord>> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(UserRecord::as_select())
        .first(connection)
        .optional()?)
}

/// Changes a user's name and/or password hash if still at `expected_version`.
pub fn update_user(
    connection: &mut DbConnection,
    id: &str,
    expected_version: i64,
    name: Option<&str>,
    password_hash: Option<&str>,
) -> StoreResult<UserRecord> {
    let updated = diesel::update(
        users::table
            .filter(users::id.eq(id))
            .filter(users::version.eq(expected_version)),
    )
    .set((
        name.map(|name| users::name.eq(name.to_owned())),
        password_hash.map(|hash| users::password_hash.eq(hash.to_owned())),
        users::updated_at.eq(now()),
        users::version.eq(users::version + 1),
    ))
    .execute(connection)?;
    if updated == 0 {
        find_user(connection, id)?;
        return Err(StoreError::Stale);
    }
    find_user(connection, id)
}

/// Sets a user's password hash (a reset) without a version check: the
/// token proved who asks.
pub fn set_password_hash(
    connection: &mut DbConnection,
    user_id: &str,
    password_hash: &str,
) -> StoreResult<()> {
    let updated = diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(password_hash),
            users::updated_at.eq(now()),
            users::version.eq(users::version + 1),
        ))
        .execute(connection)?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Marks a user's address confirmed at `at` (kept if it was already).
pub fn confirm_email(
    connection: &mut DbConnection,
    user_id: &str,
    at: NaiveDateTime,
) -> StoreResult<NaiveDateTime> {
    diesel::update(
        users::table
            .filter(users::id.eq(user_id))
            .filter(users::email_confirmed_at.is_null()),
    )
    .set(users::email_confirmed_at.eq(Some(at)))
    .execute(connection)?;
    find_user(connection, user_id)?
        .email_confirmed_at
        .ok_or_else(|| StoreError::Corrupt("an address just confirmed is not".into()))
}

// Single-use account tokens: password resets and e-mail confirmations.

/// What an account token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Setting a new password without the old one.
    PasswordReset,
    /// Proving an address belongs to the account.
    EmailConfirmation,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::PasswordReset => "password_reset",
            Self::EmailConfirmation => "email_confirmation",
        }
    }
}

/// Stores a token's digest for `user_id`, valid until `expires_at`, and
/// retires the account's earlier unused tokens of the same purpose: only the
/// newest link works.
pub fn insert_account_token(
    connection: &mut DbConnection,
    user_id: &str,
    purpose: TokenPurpose,
    email: &str,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> StoreResult<()> {
    let at = now();
    diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user_id))
            .filter(account_tokens::purpose.eq(purpose.as_str()))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::expires_at.eq(at))
    .execute(connection)?;
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::id.eq(new_id()),
            account_tokens::user_id.eq(user_id),
            account_tokens::purpose.eq(purpose.as_str()),
            account_tokens::email.eq(email),
            account_tokens::token_hash.eq(token_hash),
            account_tokens::created_at.eq(at),
            account_tokens::expires_at.eq(expires_at),
        ))
        .execute(connection)?;
    Ok(())
}

/// What presenting an account token amounted to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountTokenOutcome {
    /// Valid, and now used: act for this user and address.
    Used {
        /// The account.
        user_id: String,
        /// The address the token was sent to.
        email: String,
    },
    /// Used before.
    AlreadyUsed,
    /// Past its time (or replaced by a newer one).
    Expired,
    /// Not a token Warren gave for this purpose.
    Unknown,
}

/// Uses a token exactly once: of two concurrent uses one wins.
pub fn use_account_token(
    connection: &mut DbConnection,
    purpose: TokenPurpose,
    token_hash: &str,
) -> StoreResult<AccountTokenOutcome> {
    let Some((id, user_id, email, expires_at, used_at)) = account_tokens::table
        .filter(account_tokens::token_hash.eq(token_hash))
        .filter(account_tokens::purpose.eq(purpose.as_str()))
        .select((
            account_tokens::id,
            account_tokens::user_id,
            account_tokens::email,
            account_tokens::expires_at,
            account_tokens::used_at,
        ))
        .first::<(String, String, String, NaiveDateTime, Option<NaiveDateTime>)>(connection)
        .optional()?
    else {
        return Ok(AccountTokenOutcome::Unknown);
    };
    if used_at.is_some() {
        return Ok(AccountTokenOutcome::AlreadyUsed);
    }
    let at = now();
    if expires_at <= at {
        return Ok(AccountTokenOutcome::Expired);
    }
    let claimed = diesel::update(
        account_tokens::table
            .filter(account_tokens::id.eq(&id))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(Some(at)))
    .execute(connection)?;
    if claimed == 0 {
        return Ok(AccountTokenOutcome::AlreadyUsed);
    }
    Ok(AccountTokenOutcome::Used { user_id, email })
}

// Memberships.

/// Makes `user_id` a member of `organization_id` with `role`.
pub fn add_membership(
    connection: &mut DbConnection,
    user_id: &str,
    organization_id: &str,
    role: Role,
) -> StoreResult<()> {
    diesel::insert_into(memberships::table)
        .values((
            memberships::user_id.eq(user_id),
            memberships::organization_id.eq(organization_id),
            memberships::role.eq(role.as_str()),
            memberships::created_at.eq(now()),
        ))
        .execute(connection)
        .map_err(|error| match StoreError::from_diesel(error) {
            StoreError::Conflict(_) => StoreError::Conflict("memberships.already_member".into()),
            other => other,
        })?;
    Ok(())
}

fn parse_role(text: &str) -> StoreResult<Role> {
    Role::parse(text).ok_or_else(|| StoreError::Corrupt(format!("role {text:?}")))
}

/// One of a user's organizations, with their role there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipRecord {
    /// The organization.
    pub organization: SummaryRecord,
    /// The user's role in it.
    pub role: Role,
}

/// A member of an organization, as stored.
#[derive(Debug, Clone)]
pub struct MemberRecord {
    /// The person.
    pub user: UserRecord,
    /// Their role in the organization.
    pub role: Role,
    /// When they joined it.
    pub joined_at: NaiveDateTime,
}

/// A user's organizations and roles, by organization name.
pub fn memberships_of(
    connection: &mut DbConnection,
    user_id: &str,
) -> StoreResult<Vec<MembershipRecord>> {
    memberships::table
        .inner_join(organizations::table)
        .filter(memberships::user_id.eq(user_id))
        .order(organizations::name)
        .select((
            (
                organizations::id,
                organizations::name,
                organizations::kind,
                organizations::membership,
            ),
            memberships::role,
        ))
        .load::<(SummaryColumns, String)>(connection)?
        .into_iter()
        .map(|(organization, role)| {
            Ok(MembershipRecord {
                organization: SummaryRecord::try_from(organization)?,
                role: parse_role(&role)?,
            })
        })
        .collect()
}

/// An organization's short form, or `NotFound`.
pub fn organization_summary_of(
    connection: &mut DbConnection,
    organization_id: &str,
) -> StoreResult<SummaryRecord> {
    let columns = organizations::table
        .find(organization_id)
        .select((
            organizations::id,
            organizations::name,
            organizations::kind,
            organizations::membership,
        ))
        .first::<SummaryColumns>(connection)?;
    SummaryRecord::try_from(columns)
}

/// The members of an organization, by name.
pub fn members_of(
    connection: &mut DbConnection,
    organization_id: &str,
) -> StoreResult<Vec<MemberRecord>> {
    memberships::table
        .inner_join(users::table)
        .filter(memberships::organization_id.eq(organization_id))
        .order((users::name, users::id))
        .select((
            UserRecord::as_select(),
            memberships::role,
            memberships::created_at,
        ))
        .load::<(UserRecord, String, NaiveDateTime)>(connection)?
        .into_iter()
        .map(|(user, role, joined)| {
            Ok(MemberRecord {
                user,
                role: parse_role(&role)?,
                joined_at: joined,
            })
        })
        .collect()
}

/// Who applied for each of `organization_ids`: its first org admin (the
/// account the application created), as `(name, e-mail)` by organization
/// id. An organization whose applicant has left has no entry.
pub fn applicants_of(
    connection: &mut DbConnection,
    organization_ids: &[String],
) -> StoreResult<std::collections::HashMap<String, (String, String)>> {
    let rows = memberships::table
        .inner_join(users::table)
        .filter(memberships::organization_id.eq_any(organization_ids))
        .filter(memberships::role.eq(Role::OrgAdmin.as_str()))
        .order((memberships::created_at, users::id))
        .select((memberships::organization_id, users::name, users::email))
        .load::<(String, String, String)>(connection)?;
    let mut applicants = std::collections::HashMap::new();
    for (organization_id, name, email) in rows {
        applicants.entry(organization_id).or_insert((name, email));
    }
    Ok(applicants)
}

/// A member's role, or `NotFound` if the user is not a member.
pub fn role_of(
    connection: &mut DbConnection,
    organization_id: &str,
    user_id: &str,
) -> StoreResult<Role> {
    let role: String = memberships::table
        .find((user_id, organization_id))
        .select(memberships::role)
        .first(connection)?;
    parse_role(&role)
}

/// How many members administer the organization.
pub fn count_admins(connection: &mut DbConnection, organization_id: &str) -> StoreResult<i64> {
    Ok(memberships::table
        .filter(memberships::organization_id.eq(organization_id))
        .filter(memberships::role.eq_any([Role::OrgAdmin.as_str(), Role::NetworkAdmin.as_str()]))
        .count()
        .get_result(connection)?)
}

/// Sets a member's role.
pub fn set_role(
    connection: &mut DbConnection,
    organization_id: &str,
    user_id: &str,
    role: Role,
) -> StoreResult<()> {
    let updated = diesel::update(memberships::table.find((user_id, organization_id)))
        .set(memberships::role.eq(role.as_str()))
        .execute(connection)?;
    if updated == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Removes a member.
pub fn remove_membership(
    connection: &mut DbConnection,
    organization_id: &str,
    user_id: &str,
) -> StoreResult<()> {
    let deleted =
        diesel::delete(memberships::table.find((user_id, organization_id))).execute(connection)?;
    if deleted == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

// Network admins.

/// Creates a network admin, e-mail confirmed, as a member of the
/// coordinating organization `organization` (created, vetted, if no
/// organization has that name), and audits it; run it in one transaction.
/// The password arrives hashed. A taken e-mail is a
/// `Conflict("users.email")`, as [`insert_user`] reports it.
pub fn create_network_admin(
    connection: &mut DbConnection,
    email: &Email,
    name: &PersonName,
    password_hash: &str,
    organization: &OrgName,
) -> StoreResult<UserRecord> {
    let existing = crate::organizations::find_by_name(connection, organization.as_str())?;
    let office = match existing {
        Some(office) => office,
        None => crate::organizations::insert(
            connection,
            &NewOrganization {
                name: organization.as_str(),
                kind: OrganizationKind::Hotline,
                membership: MembershipStatus::Vetted,
                website: None,
                description: Some(
                    "Coordinates the care network: vets members, keeps the directory true.",
                ),
            },
        )?,
    };
    let user = insert_user(connection, email.as_str(), name.as_str(), password_hash)?;
    // The operator creating the account vouches for its address.
    confirm_email(connection, &user.id, now())?;
    let office_id = office.id;
    add_membership(connection, &user.id, &office_id, Role::NetworkAdmin)?;
    audit::record(
        connection,
        &Actor::system("warren admin create"),
        Change {
            action: "user.network_admin_created",
            target_type: "user",
            target_id: &user.id,
            organization_id: Some(&office_id),
            details: serde_json::json!({ "email": user.email }),
        },
    )?;
    Ok(user)
}

// Refresh tokens.

/// Stores a refresh token's digest in a family (one sign-in's chain).
pub fn insert_refresh_token(
    connection: &mut DbConnection,
    user_id: &str,
    family_id: &str,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> StoreResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(new_id()),
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::family_id.eq(family_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::created_at.eq(now()),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(connection)?;
    Ok(())
}

/// What presenting a refresh token amounted to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// Valid and now used (or presented again within the grace window):
    /// issue the next token in `family_id` for `user_id`.
    Rotated {
        /// The token's owner.
        user_id: String,
        /// Its chain.
        family_id: String,
        /// Whether the token had already been used, moments ago, and was
        /// honoured only because of the grace window.
        within_grace: bool,
    },
    /// Used before, outside the grace window: the whole family has been
    /// revoked.
    Reused,
    /// Revoked before it was used: its sign-in ended (signed out, password
    /// changed, or another token of the family was replayed).
    Ended,
    /// Unknown or expired.
    Invalid,
}

/// Uses a refresh token once. Presenting it again revokes its whole family
/// (a replay, perhaps by a thief) — unless the token was used no more than
/// `grace` ago and its family is still live: then it is honoured again.
///
/// The grace window exists because one person with several tabs, or a
/// response lost on a flaky connection, presents the same token twice within
/// moments; revoking then would sign an honest person out. A thief needs the
/// token *and* to replay it within those seconds of its legitimate use;
/// after the window every replay still revokes the family.
pub fn use_refresh_token(
    connection: &mut DbConnection,
    token_hash: &str,
    grace: chrono::TimeDelta,
) -> StoreResult<RefreshOutcome> {
    type Row = (
        String,
        String,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    );
    let Some((user_id, family_id, expires_at, used_at, revoked_at)) = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((
            refresh_tokens::user_id,
            refresh_tokens::family_id,
            refresh_tokens::expires_at,
            refresh_tokens::used_at,
            refresh_tokens::revoked_at,
        ))
        .first::<Row>(connection)
        .optional()?
    else {
        return Ok(RefreshOutcome::Invalid);
    };
    let at = now();
    if expires_at <= at {
        return Ok(RefreshOutcome::Invalid);
    }
    let claimed = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(token_hash))
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(at))
    .execute(connection)?;
    if claimed == 1 {
        return Ok(RefreshOutcome::Rotated {
            user_id,
            family_id,
            within_grace: false,
        });
    }
    // Not claimed: read it again, as a concurrent refresh may have used it
    // between the first read and the update.
    let (used_at, revoked_at) = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((refresh_tokens::used_at, refresh_tokens::revoked_at))
        .first::<(Option<NaiveDateTime>, Option<NaiveDateTime>)>(connection)
        .optional()?
        .unwrap_or((used_at, revoked_at));
    match (used_at, revoked_at) {
        (Some(used), None) if at - used <= grace => Ok(RefreshOutcome::Rotated {
            user_id,
            family_id,
            within_grace: true,
        }),
        (_, Some(_)) => Ok(RefreshOutcome::Ended),
        _ => {
            revoke_family(connection, &family_id)?;
            Ok(RefreshOutcome::Reused)
        }
    }
}

/// Revokes every token of a family (sign-out, or reuse detected).
pub fn revoke_family(connection: &mut DbConnection, family_id: &str) -> StoreResult<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(connection)?;
    Ok(())
}

/// The family of a token, if the token exists.
pub fn family_of(
    connection: &mut DbConnection,
    token_hash: &str,
) -> StoreResult<Option<(String, String)>> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((refresh_tokens::user_id, refresh_tokens::family_id))
        .first(connection)
        .optional()?)
}

/// Revokes every refresh token of a user (password changed).
pub fn revoke_all_refresh_tokens(connection: &mut DbConnection, user_id: &str) -> StoreResult<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now()))
    .execute(connection)?;
    Ok(())
}

// Invitations.

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitations)]
/// A stored invitation.
pub struct InvitationRecord {
    /// Stable id.
    pub id: String,
    /// Inviting organization.
    pub organization_id: String,
    /// Invited e-mail.
    pub email: String,
    /// Offered role.
    pub role: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Expires.
    pub expires_at: NaiveDateTime,
    /// Accepted.
    pub accepted_at: Option<NaiveDateTime>,
    /// Revoked.
    pub revoked_at: Option<NaiveDateTime>,
}

impl InvitationRecord {
    /// Where the invitation stands at `at`.
    pub fn status(&self, at: NaiveDateTime) -> InvitationStatus {
        if self.accepted_at.is_some() {
            InvitationStatus::Accepted
        } else if self.revoked_at.is_some() {
            InvitationStatus::Revoked
        } else if self.expires_at <= at {
            InvitationStatus::Expired
        } else {
            InvitationStatus::Pending
        }
    }

    /// The offered role.
    pub fn role(&self) -> StoreResult<Role> {
        parse_role(&self.role)
    }
}

/// Creates an invitation (storing the token's digest).
pub fn insert_invitation(
    connection: &mut DbConnection,
    organization_id: &str,
    email: &str,
    role: Role,
    token_hash: &str,
    invited_by: Option<&str>,
    expires_at: NaiveDateTime,
) -> StoreResult<InvitationRecord> {
    let id = new_id();
    diesel::insert_into(invitations::table)
        .values((
            invitations::id.eq(&id),
            invitations::organization_id.eq(organization_id),
            invitations::email.eq(email),
            invitations::role.eq(role.as_str()),
            invitations::token_hash.eq(token_hash),
            invitations::invited_by.eq(invited_by),
            invitations::created_at.eq(now()),
            invitations::expires_at.eq(expires_at),
        ))
        .execute(connection)?;
    find_invitation(connection, organization_id, &id)
}

/// One invitation of an organization, or `NotFound`.
pub fn find_invitation(
    connection: &mut DbConnection,
    organization_id: &str,
    id: &str,
) -> StoreResult<InvitationRecord> {
    Ok(invitations::table
        .filter(invitations::organization_id.eq(organization_id))
        .filter(invitations::id.eq(id))
        .select(InvitationRecord::as_select())
        .first(connection)?)
}

/// The invitation with this token digest, if any.
pub fn find_invitation_by_token(
    connection: &mut DbConnection,
    token_hash: &str,
) -> StoreResult<Option<InvitationRecord>> {
    Ok(invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .select(InvitationRecord::as_select())
        .first(connection)
        .optional()?)
}

/// An organization's invitations, newest first.
pub fn invitations_of(
    connection: &mut DbConnection,
    organization_id: &str,
) -> StoreResult<Vec<InvitationRecord>> {
    Ok(invitations::table
        .filter(invitations::organization_id.eq(organization_id))
        .order((invitations::created_at.desc(), invitations::id.desc()))
        .select(InvitationRecord::as_select())
        .load(connection)?)
}

/// Marks a pending invitation accepted; `false` if it was no longer pending.
pub fn mark_invitation_accepted(connection: &mut DbConnection, id: &str) -> StoreResult<bool> {
    let at = now();
    let updated = diesel::update(
        invitations::table
            .filter(invitations::id.eq(id))
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::revoked_at.is_null())
            .filter(invitations::expires_at.gt(at)),
    )
    .set(invitations::accepted_at.eq(at))
    .execute(connection)?;
    Ok(updated == 1)
}

/// Revokes a pending invitation; `false` if it was no longer pending.
pub fn revoke_invitation(
    connection: &mut DbConnection,
    organization_id: &str,
    id: &str,
) -> StoreResult<bool> {
    let updated = diesel::update(
        invitations::table
            .filter(invitations::organization_id.eq(organization_id))
            .filter(invitations::id.eq(id))
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::revoked_at.is_null()),
    )
    .set(invitations::revoked_at.eq(now()))
    .execute(connection)?;
    Ok(updated == 1)
}

// API keys.

/// A stored API key.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRecord {
    /// Stable id.
    pub id: String,
    /// The organization it acts for.
    pub organization_id: String,
    /// Label.
    pub name: String,
    /// First characters of the secret.
    pub prefix: String,
    /// Comma-separated scopes.
    pub scopes: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last used.
    pub last_used_at: Option<NaiveDateTime>,
    /// Revoked.
    pub revoked_at: Option<NaiveDateTime>,
}

impl ApiKeyRecord {
    /// The key's scopes.
    pub fn scopes(&self) -> StoreResult<Vec<ApiScope>> {
        self.scopes
            .split(',')
            .filter(|scope| !scope.is_empty())
            .map(|scope| {
                ApiScope::parse(scope)
                    .ok_or_else(|| StoreError::Corrupt(format!("scope {scope:?}")))
            })
            .collect()
    }
}

/// Stores a new key's digest.
pub fn insert_api_key(
    connection: &mut DbConnection,
    organization_id: &str,
    name: &str,
    prefix: &str,
    key_hash: &str,
    scopes: &[ApiScope],
    created_by: Option<&str>,
) -> StoreResult<ApiKeyRecord> {
    let id = new_id();
    let scopes = scopes
        .iter()
        .map(|scope| scope.as_str())
        .collect::<Vec<_>>()
        .join(",");
    diesel::insert_into(api_keys::table)
        .values((
            api_keys::id.eq(&id),
            api_keys::organization_id.eq(organization_id),
            api_keys::name.eq(name),
            api_keys::prefix.eq(prefix),
            api_keys::key_hash.eq(key_hash),
            api_keys::scopes.eq(scopes),
            api_keys::created_by.eq(created_by),
            api_keys::created_at.eq(now()),
        ))
        .execute(connection)?;
    find_api_key(connection, organization_id, &id)
}

/// One key of an organization, or `NotFound`.
pub fn find_api_key(
    connection: &mut DbConnection,
    organization_id: &str,
    id: &str,
) -> StoreResult<ApiKeyRecord> {
    Ok(api_keys::table
        .filter(api_keys::organization_id.eq(organization_id))
        .filter(api_keys::id.eq(id))
        .select(ApiKeyRecord::as_select())
        .first(connection)?)
}

/// The live key with this hash and its organization, in one query.
pub fn find_active_api_key_and_organization(
    connection: &mut DbConnection,
    key_hash: &str,
) -> StoreResult<Option<(ApiKeyRecord, SummaryRecord)>> {
    let found = api_keys::table
        .inner_join(organizations::table.on(organizations::id.eq(api_keys::organization_id)))
        .filter(api_keys::key_hash.eq(key_hash))
        .filter(api_keys::revoked_at.is_null())
        .select((
            ApiKeyRecord::as_select(),
            (
                organizations::id,
                organizations::name,
                organizations::kind,
                organizations::membership,
            ),
        ))
        .first::<(ApiKeyRecord, SummaryColumns)>(connection)
        .optional()?;
    found
        .map(|(key, columns)| Ok((key, SummaryRecord::try_from(columns)?)))
        .transpose()
}

/// Records that a key was used (at most once a minute, to spare writes).
pub fn touch_api_key(connection: &mut DbConnection, id: &str) -> StoreResult<()> {
    let at = now();
    let a_minute_ago = at - chrono::TimeDelta::minutes(1);
    diesel::update(
        api_keys::table.filter(api_keys::id.eq(id)).filter(
            api_keys::last_used_at
                .is_null()
                .or(api_keys::last_used_at.lt(a_minute_ago)),
        ),
    )
    .set(api_keys::last_used_at.eq(at))
    .execute(connection)?;
    Ok(())
}

/// An organization's keys, newest first.
pub fn api_keys_of(
    connection: &mut DbConnection,
    organization_id: &str,
) -> StoreResult<Vec<ApiKeyRecord>> {
    Ok(api_keys::table
        .filter(api_keys::organization_id.eq(organization_id))
        .order((api_keys::created_at.desc(), api_keys::id.desc()))
        .select(ApiKeyRecord::as_select())
        .load(connection)?)
}

/// Revokes a key; `false` if it was revoked already.
pub fn revoke_api_key(
    connection: &mut DbConnection,
    organization_id: &str,
    id: &str,
) -> StoreResult<bool> {
    let updated = diesel::update(
        api_keys::table
            .filter(api_keys::organization_id.eq(organization_id))
            .filter(api_keys::id.eq(id))
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(now()))
    .execute(connection)?;
    Ok(updated == 1)
}

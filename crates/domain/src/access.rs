//! Who may do what: roles inside organizations and the per-object rules.
//!
//! The server asks these questions for every request; the browser asks the
//! same ones to decide what to show. An organization's private data is visible
//! only to its members and to network admins; everyone else is told it does not
//! exist (the server answers 404, never 403, for someone else's object).

use std::borrow::Borrow;

use serde::{Deserialize, Serialize};

/// A person's role inside one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Coordinates the whole network: vets members, reads every audit entry.
    NetworkAdmin,
    /// Runs one organization: members, invitations, API keys.
    OrgAdmin,
    /// A vet or veterinary nurse.
    Clinician,
    /// Reception and other staff.
    Staff,
    /// Drivers, fosterers and other volunteers.
    Volunteer,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 5] = [
        Self::NetworkAdmin,
        Self::OrgAdmin,
        Self::Clinician,
        Self::Staff,
        Self::Volunteer,
    ];

    /// The stable snake_case name used on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NetworkAdmin => "network_admin",
            Self::OrgAdmin => "org_admin",
            Self::Clinician => "clinician",
            Self::Staff => "staff",
            Self::Volunteer => "volunteer",
        }
    }

    /// A human label for the role.
    pub fn label(self) -> &'static str {
        match self {
            Self::NetworkAdmin => "Network admin",
            Self::OrgAdmin => "Organization admin",
            Self::Clinician => "Clinician",
            Self::Staff => "Staff",
            Self::Volunteer => "Volunteer",
        }
    }

    /// Parses the stable name; `None` for anything else.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == name)
    }

    /// Whether this role administers its organization.
    pub fn administers(self) -> bool {
        matches!(self, Self::NetworkAdmin | Self::OrgAdmin)
    }
}

/// What an API key may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApiScope {
    /// Read the organization's data (`GET` requests).
    Read,
    /// Change the organization's data.
    Write,
    /// Partner widgets: the public directory only.
    Embed,
}

impl ApiScope {
    /// Every scope.
    pub const ALL: [ApiScope; 3] = [Self::Read, Self::Write, Self::Embed];

    /// The stable snake_case name used on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Embed => "embed",
        }
    }

    /// Parses the stable name; `None` for anything else.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == name)
    }

    /// Whether a key with `scopes` may make a request: reading needs `read`
    /// or `write`, changing needs `write`; `embed` alone allows neither here.
    pub fn permit(scopes: &[ApiScope], reading: bool) -> bool {
        scopes.contains(&Self::Write) || (reading && scopes.contains(&Self::Read))
    }
}

/// Why the audit log is not read as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuditRefusal {
    /// The principal administers no organization.
    #[error("Only admins read the audit log.")]
    NotAnAdmin,
    /// The organization asked for is not one the principal administers.
    #[error("not an organization the caller administers")]
    NotYours,
}

/// What one principal may see and do, from its memberships.
///
/// Identifiers are kept generic so the rules do not depend on how the caller
/// names organizations. Every check takes anything the identifier borrows as
/// (`&str` for `Access<String>`), so asking allocates nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access<Id> {
    network_admin: bool,
    memberships: Vec<(Id, Role)>,
}

impl<Id: PartialEq> Access<Id> {
    /// Access from a principal's memberships; any `network_admin` membership
    /// makes the principal a network admin.
    pub fn new(memberships: Vec<(Id, Role)>) -> Self {
        let network_admin = memberships
            .iter()
            .any(|(_, role)| *role == Role::NetworkAdmin);
        Self {
            network_admin,
            memberships,
        }
    }

    /// Whether the principal coordinates the network.
    pub fn is_network_admin(&self) -> bool {
        self.network_admin
    }

    /// The principal's role in `org`, if it is a member.
    pub fn role_in<Q>(&self, org: &Q) -> Option<Role>
    where
        Id: Borrow<Q>,
        Q: ?Sized + PartialEq,
    {
        self.memberships
            .iter()
            .find(|(id, _)| id.borrow() == org)
            .map(|(_, role)| *role)
    }

    /// May see the organization's private data (members, keys, audit trail).
    pub fn can_read<Q>(&self, org: &Q) -> bool
    where
        Id: Borrow<Q>,
        Q: ?Sized + PartialEq,
    {
        self.network_admin || self.role_in(org).is_some()
    }

    /// May change the organization: its details, members, invitations, keys.
    pub fn can_administer<Q>(&self, org: &Q) -> bool
    where
        Id: Borrow<Q>,
        Q: ?Sized + PartialEq,
    {
        self.network_admin || self.role_in(org).is_some_and(Role::administers)
    }

    /// May edit the organization's directory listings and declare their
    /// capacity: its admins, clinicians and staff, and network admins.
    /// Volunteers may not.
    pub fn can_edit_listing<Q>(&self, org: &Q) -> bool
    where
        Id: Borrow<Q>,
        Q: ?Sized + PartialEq,
    {
        self.network_admin
            || self
                .role_in(org)
                .is_some_and(|role| !matches!(role, Role::Volunteer))
    }

    /// May act for the organization in referrals and loans (send, answer,
    /// record outcomes): its admins, clinicians and staff. Volunteers read
    /// and drive but do not decide.
    pub fn can_act<Q>(&self, org: &Q) -> bool
    where
        Id: Borrow<Q>,
        Q: ?Sized + PartialEq,
    {
        self.role_in(org)
            .is_some_and(|role| !matches!(role, Role::Volunteer))
    }

    /// May read the organization's audit trail.
    pub fn can_read_audit<Q>(&self, org: &Q) -> bool
    where
        Id: Borrow<Q>,
        Q: ?Sized + PartialEq,
    {
        self.can_administer(org)
    }

    /// May vet, suspend or reinstate organizations.
    pub fn can_vet(&self) -> bool {
        self.network_admin
    }

    /// Whose audit entries the principal reads when it asks for
    /// `organization`'s, or for all it may read (`None`): `Ok(None)` means
    /// every organization's (a network admin asking for all).
    ///
    /// Network admins read any organization's; org admins their own
    /// organizations'; anyone else none.
    pub fn audit_scope(&self, organization: Option<Id>) -> Result<Option<Vec<Id>>, AuditRefusal>
    where
        Id: Clone,
    {
        if self.network_admin {
            return Ok(organization.map(|id| vec![id]));
        }
        let administered: Vec<Id> = self.administered().cloned().collect();
        if administered.is_empty() {
            return Err(AuditRefusal::NotAnAdmin);
        }
        match organization {
            Some(id) if administered.contains(&id) => Ok(Some(vec![id])),
            Some(_) => Err(AuditRefusal::NotYours),
            None => Ok(Some(administered)),
        }
    }

    /// The organizations the principal administers.
    pub fn administered(&self) -> impl Iterator<Item = &Id> {
        self.memberships
            .iter()
            .filter(|(_, role)| role.administers())
            .map(|(id, _)| id)
    }

    /// The organizations the principal belongs to.
    pub fn organizations(&self) -> impl Iterator<Item = &Id> {
        self.memberships.iter().map(|(id, _)| id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_reads_only_its_own_organization() {
        let access = Access::new(vec![(1, Role::Staff)]);
        assert!(access.can_read(&1));
        assert!(!access.can_read(&2));
        assert!(!access.can_administer(&1));
        assert!(!access.can_vet());
    }

    #[test]
    fn staff_edit_their_own_listings_and_volunteers_do_not() {
        let access = Access::new(vec![(1, Role::Staff), (2, Role::Volunteer)]);
        assert!(access.can_edit_listing(&1));
        assert!(!access.can_edit_listing(&2));
        assert!(!access.can_edit_listing(&3));
        assert!(Access::new(vec![(9, Role::NetworkAdmin)]).can_edit_listing(&3));
    }

    #[test]
    fn an_org_admin_administers_only_its_own_organization() {
        let access = Access::new(vec![(1, Role::OrgAdmin), (2, Role::Clinician)]);
        assert!(access.can_administer(&1));
        assert!(!access.can_administer(&2));
        assert!(access.can_read_audit(&1));
        assert!(!access.can_read_audit(&2));
        assert_eq!(access.administered().collect::<Vec<_>>(), [&1]);
    }

    #[test]
    fn string_identifiers_are_asked_about_by_str_or_by_string() {
        let access = Access::new(vec![("org-1".to_owned(), Role::Clinician)]);
        assert!(access.can_act("org-1"));
        assert!(access.can_act(&"org-1".to_owned()));
        assert!(!access.can_act("org-2"));
        assert_eq!(access.role_in("org-1"), Some(Role::Clinician));
    }

    #[test]
    fn admins_read_their_own_organizations_audit_trail() {
        let admin = Access::new(vec![
            (1, Role::OrgAdmin),
            (2, Role::OrgAdmin),
            (3, Role::Staff),
        ]);
        assert_eq!(admin.audit_scope(None), Ok(Some(vec![1, 2])));
        assert_eq!(admin.audit_scope(Some(2)), Ok(Some(vec![2])));
        assert_eq!(admin.audit_scope(Some(3)), Err(AuditRefusal::NotYours));
        let staff = Access::new(vec![(3, Role::Staff)]);
        assert_eq!(staff.audit_scope(None), Err(AuditRefusal::NotAnAdmin));
        let network = Access::new(vec![(9, Role::NetworkAdmin)]);
        assert_eq!(network.audit_scope(None), Ok(None));
        assert_eq!(network.audit_scope(Some(4)), Ok(Some(vec![4])));
    }

    #[test]
    fn a_network_admin_reads_and_administers_everything() {
        let access = Access::new(vec![(1, Role::NetworkAdmin)]);
        assert!(access.is_network_admin());
        assert!(access.can_read(&99));
        assert!(access.can_administer(&99));
        assert!(access.can_vet());
    }

    #[test]
    fn read_keys_read_and_write_keys_write() {
        assert!(ApiScope::permit(&[ApiScope::Read], true));
        assert!(!ApiScope::permit(&[ApiScope::Read], false));
        assert!(ApiScope::permit(&[ApiScope::Write], false));
        assert!(ApiScope::permit(&[ApiScope::Write], true));
        assert!(!ApiScope::permit(&[ApiScope::Embed], true));
    }

    #[test]
    fn roles_and_scopes_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        for scope in ApiScope::ALL {
            assert_eq!(ApiScope::parse(scope.as_str()), Some(scope));
        }
        assert_eq!(Role::parse("root"), None);
    }
}

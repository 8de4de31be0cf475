//! Organizations of the network: their kind and their membership lifecycle.
//!
//! Membership goes `applied → vetted → suspended`: an organization *applies*, a
//! network admin *vets* it, and may later *suspend* it (or decline an
//! application by suspending it) and reinstate it. People belong to
//! organizations with a [`Role`]; [`change_member`] and [`invite`] hold the
//! rules for granting, changing and taking roles away, [`joining`] what
//! accepting an invitation asks of the person.

use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::text::{Password, PersonName, TextError};

/// What kind of member an organization is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrganizationKind {
    /// A general veterinary clinic.
    Clinic,
    /// An emergency hospital, usually open around the clock.
    EmergencyHospital,
    /// A specialist or referral centre (exotics, imaging, surgery).
    SpecialistCentre,
    /// A rescue taking in small mammals.
    Rescue,
    /// An animal shelter.
    Shelter,
    /// A wildlife rehabilitator.
    WildlifeRehabilitator,
    /// A university teaching hospital.
    University,
    /// A telephone or on-call advice service.
    Hotline,
}

impl OrganizationKind {
    /// Every kind, in display order.
    pub const ALL: [OrganizationKind; 8] = [
        Self::Clinic,
        Self::EmergencyHospital,
        Self::SpecialistCentre,
        Self::Rescue,
        Self::Shelter,
        Self::WildlifeRehabilitator,
        Self::University,
        Self::Hotline,
    ];

    /// The stable snake_case name used on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clinic => "clinic",
            Self::EmergencyHospital => "emergency_hospital",
            Self::SpecialistCentre => "specialist_centre",
            Self::Rescue => "rescue",
            Self::Shelter => "shelter",
            Self::WildlifeRehabilitator => "wildlife_rehabilitator",
            Self::University => "university",
            Self::Hotline => "hotline",
        }
    }

    /// A human label for the kind.
    pub fn label(self) -> &'static str {
        match self {
            Self::Clinic => "Clinic",
            Self::EmergencyHospital => "Emergency hospital",
            Self::SpecialistCentre => "Specialist centre",
            Self::Rescue => "Rescue",
            Self::Shelter => "Shelter",
            Self::WildlifeRehabilitator => "Wildlife rehabilitator",
            Self::University => "University hospital",
            Self::Hotline => "Hotline",
        }
    }

    /// Parses the stable name; `None` for anything else.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// Where an organization stands in the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MembershipStatus {
    /// Applied and waiting for a network admin to vet it.
    Applied,
    /// Vetted: a full member of the network.
    Vetted,
    /// Suspended (or declined): its API keys stop working and it cannot invite.
    Suspended,
}

/// A change of state that the rules do not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot go from {from} to {to}")]
pub struct TransitionError {
    /// The current state.
    pub from: &'static str,
    /// The state that was asked for.
    pub to: &'static str,
}

impl MembershipStatus {
    /// The stable snake_case name used on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Vetted => "vetted",
            Self::Suspended => "suspended",
        }
    }

    /// Parses the stable name; `None` for anything else.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Applied, Self::Vetted, Self::Suspended]
            .into_iter()
            .find(|status| status.as_str() == name)
    }

    /// Moves to `to` if the lifecycle allows it.
    ///
    /// `applied → vetted`, `applied → suspended` (declined),
    /// `vetted → suspended` and `suspended → vetted` (reinstated).
    pub fn transition(self, to: MembershipStatus) -> Result<MembershipStatus, TransitionError> {
        use MembershipStatus::*;
        match (self, to) {
            (Applied, Vetted)
            | (Applied, Suspended)
            | (Vetted, Suspended)
            | (Suspended, Vetted) => Ok(to),
            _ => Err(TransitionError {
                from: self.as_str(),
                to: to.as_str(),
            }),
        }
    }

    /// Whether the organization may act in the network (invite, hold API keys).
    pub fn is_active(self) -> bool {
        self == Self::Vetted
    }

    /// Whether moving to this state needs a stated reason (suspending or
    /// declining does: the organization is told why).
    pub fn needs_reason(self) -> bool {
        self == Self::Suspended
    }

    /// What moving from `self` to `to` amounts to, if the lifecycle allows it.
    pub fn change_to(self, to: MembershipStatus) -> Result<MembershipChange, TransitionError> {
        use MembershipStatus::*;
        self.transition(to).map(|_| match (self, to) {
            (Applied, Vetted) => MembershipChange::Vetted,
            (Applied, _) => MembershipChange::Declined,
            (_, Suspended) => MembershipChange::Suspended,
            _ => MembershipChange::Reinstated,
        })
    }
}

/// A permitted change of membership, named for the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipChange {
    /// An application was accepted.
    Vetted,
    /// An application was turned down.
    Declined,
    /// A member was suspended.
    Suspended,
    /// A suspended member was reinstated.
    Reinstated,
}

impl MembershipChange {
    /// The stable snake_case name, e.g. for `organization.vetted`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vetted => "vetted",
            Self::Declined => "declined",
            Self::Suspended => "suspended",
            Self::Reinstated => "reinstated",
        }
    }

    /// The state the organization ends in.
    pub fn result(self) -> MembershipStatus {
        match self {
            Self::Vetted | Self::Reinstated => MembershipStatus::Vetted,
            Self::Declined | Self::Suspended => MembershipStatus::Suspended,
        }
    }
}

/// The longest reason a network admin may give for a membership change.
pub const MAX_REASON_CHARS: usize = 1000;

/// Why a network admin's vetting decision, or an action only members of the
/// network may take, is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VettingError {
    /// Suspending or declining without a reason.
    #[error("is required to suspend or decline")]
    ReasonRequired,
    /// A reason longer than [`MAX_REASON_CHARS`].
    #[error("must be at most 1000 characters")]
    ReasonTooLong,
    /// A move the membership lifecycle does not have.
    #[error("This organization {0}.")]
    Illegal(#[from] TransitionError),
    /// Only vetted organizations may do this (`to`: what they may do,
    /// e.g. "invite members").
    #[error("Only vetted organizations can {0}.")]
    NotVetted(&'static str),
}

/// The reason given for moving an organization `to` a state, trimmed:
/// required to suspend or decline, at most [`MAX_REASON_CHARS`] characters;
/// `None` when blank.
pub fn vetting_reason(
    to: MembershipStatus,
    reason: Option<&str>,
) -> Result<Option<String>, VettingError> {
    let reason = reason
        .map(str::trim)
        .filter(|reason| !reason.is_empty())
        .map(str::to_owned);
    if to.needs_reason() && reason.is_none() {
        return Err(VettingError::ReasonRequired);
    }
    if reason
        .as_ref()
        .is_some_and(|reason| reason.chars().count() > MAX_REASON_CHARS)
    {
        return Err(VettingError::ReasonTooLong);
    }
    Ok(reason)
}

impl MembershipStatus {
    /// `Ok` if an organization in this state may `act` (e.g. "invite
    /// members"): only vetted members of the network may.
    pub fn require_active(self, act: &'static str) -> Result<(), VettingError> {
        if self.is_active() {
            Ok(())
        } else {
            Err(VettingError::NotVetted(act))
        }
    }
}

/// Why a change to a person's role in an organization is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MemberError {
    /// Granting `network_admin` without being one.
    #[error("Only network admins make network admins.")]
    GrantsNetworkAdmin,
    /// Inviting a `network_admin` without being one.
    #[error("Only network admins invite network admins.")]
    InvitesNetworkAdmin,
    /// Changing a network admin's role without being one.
    #[error("Only network admins change a network admin's role.")]
    ChangesNetworkAdmin,
    /// Removing a network admin without being one.
    #[error("Only network admins remove a network admin.")]
    RemovesNetworkAdmin,
    /// The change would leave the organization without an admin.
    #[error("An organization needs at least one admin; make someone else admin first.")]
    LastAdmin,
}

/// Whether a caller (`by_network_admin` or not) may give someone `role`,
/// before anything else is looked at.
pub fn may_grant(role: Role, by_network_admin: bool) -> Result<(), MemberError> {
    if role == Role::NetworkAdmin && !by_network_admin {
        Err(MemberError::GrantsNetworkAdmin)
    } else {
        Ok(())
    }
}

/// Whether a caller (`by_network_admin` or not) may invite someone as `role`.
pub fn invite(role: Role, by_network_admin: bool) -> Result<(), MemberError> {
    may_grant(role, by_network_admin).map_err(|_| MemberError::InvitesNetworkAdmin)
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    /// Waiting to be accepted.
    Pending,
    /// Accepted: the person is a member.
    Accepted,
    /// Withdrawn by an admin.
    Revoked,
    /// Not accepted in time.
    Expired,
}

/// Whether a member whose role is `current` may be moved to `next` (`None`:
/// removed, or leaving) by a caller (`by_network_admin` or not), in an
/// organization that has `admins` admins now.
///
/// Only network admins touch a network admin; an organization keeps at
/// least one admin.
pub fn change_member(
    current: Role,
    next: Option<Role>,
    by_network_admin: bool,
    admins: i64,
) -> Result<(), MemberError> {
    if current == Role::NetworkAdmin && !by_network_admin {
        return Err(match next {
            Some(_) => MemberError::ChangesNetworkAdmin,
            None => MemberError::RemovesNetworkAdmin,
        });
    }
    let loses_an_admin = current.administers() && !next.is_some_and(Role::administers);
    if loses_an_admin && admins <= 1 {
        return Err(MemberError::LastAdmin);
    }
    Ok(())
}

/// How a person joins an organization through an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Joining {
    /// With the account their address has; the password given must be its
    /// password.
    Existing,
    /// With a new account of this name and password.
    NewAccount {
        /// The new account's name.
        name: PersonName,
        /// The new account's password.
        password: Password,
    },
}

/// Why an invitation cannot be accepted as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JoinError {
    /// A new account without a name.
    #[error("is required for a new account")]
    NameRequired,
    /// A new account's password that is not good enough.
    #[error(transparent)]
    Password(TextError),
}

/// What accepting an invitation takes: nothing more for a person who
/// `has_account` (they prove it with its password); a name and a good
/// password for a new account.
pub fn joining(
    has_account: bool,
    name: Option<PersonName>,
    password: &str,
) -> Result<Joining, JoinError> {
    if has_account {
        return Ok(Joining::Existing);
    }
    let name = name.ok_or(JoinError::NameRequired)?;
    let password = Password::parse(password).map_err(JoinError::Password)?;
    Ok(Joining::NewAccount { name, password })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_application_can_be_vetted_or_declined() {
        assert_eq!(
            MembershipStatus::Applied.transition(MembershipStatus::Vetted),
            Ok(MembershipStatus::Vetted)
        );
        assert_eq!(
            MembershipStatus::Applied.transition(MembershipStatus::Suspended),
            Ok(MembershipStatus::Suspended)
        );
    }

    #[test]
    fn a_member_cannot_go_back_to_applied_or_stay_put() {
        for from in [
            MembershipStatus::Applied,
            MembershipStatus::Vetted,
            MembershipStatus::Suspended,
        ] {
            assert!(from.transition(MembershipStatus::Applied).is_err());
            assert!(from.transition(from).is_err());
        }
    }

    #[test]
    fn suspension_is_reversible() {
        assert!(
            MembershipStatus::Vetted
                .transition(MembershipStatus::Suspended)
                .and_then(|s| s.transition(MembershipStatus::Vetted))
                .is_ok()
        );
    }

    #[test]
    fn changes_are_named_for_what_they_do() {
        use MembershipStatus::*;
        assert_eq!(Applied.change_to(Vetted), Ok(MembershipChange::Vetted));
        assert_eq!(Applied.change_to(Suspended), Ok(MembershipChange::Declined));
        assert_eq!(Vetted.change_to(Suspended), Ok(MembershipChange::Suspended));
        assert_eq!(
            Suspended.change_to(Vetted),
            Ok(MembershipChange::Reinstated)
        );
        for change in [MembershipChange::Vetted, MembershipChange::Declined] {
            assert_eq!(Applied.change_to(change.result()), Ok(change));
        }
        assert!(Suspended.needs_reason() && !Vetted.needs_reason());
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in OrganizationKind::ALL {
            assert_eq!(OrganizationKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
    }

    #[test]
    fn suspending_or_declining_needs_a_reason_of_reasonable_length() {
        use MembershipStatus::*;
        assert_eq!(
            vetting_reason(Suspended, Some("  ")),
            Err(VettingError::ReasonRequired)
        );
        assert_eq!(vetting_reason(Vetted, Some("  ")), Ok(None));
        assert_eq!(
            vetting_reason(Suspended, Some(" unpaid ")),
            Ok(Some("unpaid".to_owned()))
        );
        let long = "x".repeat(MAX_REASON_CHARS + 1);
        assert_eq!(
            vetting_reason(Vetted, Some(&long)),
            Err(VettingError::ReasonTooLong)
        );
        assert_eq!(
            Applied.require_active("invite members"),
            Err(VettingError::NotVetted("invite members"))
        );
        assert!(Vetted.require_active("invite members").is_ok());
        assert_eq!(
            VettingError::from(Vetted.transition(Applied).unwrap_err()).to_string(),
            "This organization cannot go from vetted to applied."
        );
    }

    #[test]
    fn only_network_admins_grant_or_touch_network_admin() {
        assert_eq!(
            may_grant(Role::NetworkAdmin, false),
            Err(MemberError::GrantsNetworkAdmin)
        );
        assert_eq!(
            invite(Role::NetworkAdmin, false),
            Err(MemberError::InvitesNetworkAdmin)
        );
        assert!(may_grant(Role::NetworkAdmin, true).is_ok());
        assert!(invite(Role::Staff, false).is_ok());
        assert_eq!(
            change_member(Role::NetworkAdmin, Some(Role::Staff), false, 5),
            Err(MemberError::ChangesNetworkAdmin)
        );
        assert_eq!(
            change_member(Role::NetworkAdmin, None, false, 5),
            Err(MemberError::RemovesNetworkAdmin)
        );
        assert!(change_member(Role::NetworkAdmin, None, true, 5).is_ok());
    }

    #[test]
    fn the_last_admin_cannot_be_demoted_or_leave() {
        assert_eq!(
            change_member(Role::OrgAdmin, Some(Role::Staff), false, 1),
            Err(MemberError::LastAdmin)
        );
        assert_eq!(
            change_member(Role::OrgAdmin, None, false, 1),
            Err(MemberError::LastAdmin)
        );
        assert!(change_member(Role::OrgAdmin, Some(Role::OrgAdmin), false, 1).is_ok());
        assert!(change_member(Role::OrgAdmin, None, false, 2).is_ok());
        assert!(change_member(Role::Staff, None, false, 1).is_ok());
    }

    #[test]
    fn a_new_account_needs_a_name_and_a_good_password() {
        let name = PersonName::parse("Ada Lovelace").ok();
        assert_eq!(joining(true, None, "x"), Ok(Joining::Existing));
        assert_eq!(
            joining(false, None, "correct horse battery"),
            Err(JoinError::NameRequired)
        );
        assert!(matches!(
            joining(false, name.clone(), "short"),
            Err(JoinError::Password(_))
        ));
        assert!(matches!(
            joining(false, name, "correct horse battery"),
            Ok(Joining::NewAccount { .. })
        ));
    }
}

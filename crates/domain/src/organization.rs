//! Organizations of the network: their kind and their membership lifecycle.
//!
//! Membership goes `applied → vetted → suspended`: an organization *applies*, a
//! network admin *vets* it, and may later *suspend* it (or decline an
//! application by suspending it) and reinstate it.

use serde::{Deserialize, Serialize};

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
}

//! The volunteer roster: the skills people bring (with the date each stops
//! being valid), when they are free, where they cover and whether they drive
//! their own vehicle; and the foster placements organizations offer them.
//!
//! Transport legs are the referral's ([`crate::referral::TransportLeg`]); the
//! rule here is who may take one: someone whose transport skill is valid on
//! the day of the drive.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

codes!(
    /// What a volunteer is trained or equipped to do.
    Skill {
        /// Drives animals between sites.
        Transport = "transport", "Transport";
        /// Keeps animals at home while they recover or wait for a place.
        Foster = "foster", "Foster care";
        /// Holds a current animal first-aid certificate.
        FirstAid = "first_aid", "First aid trained";
    }
);

/// One skill and the last day it is valid (a first-aid certificate, a
/// driving check); no date means it does not lapse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SkillEntry {
    /// The skill.
    pub skill: Skill,
    /// The last day it is valid.
    #[serde(default)]
    pub expires_on: Option<NaiveDate>,
}

impl SkillEntry {
    /// Whether the skill is valid on `day`.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.expires_on.is_none_or(|last| day <= last)
    }
}

/// Why a roster entry or a placement is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeopleError {
    /// The same skill twice.
    #[error("{0} is listed twice")]
    DuplicateSkill(Skill),
    /// A first-aid certificate always has an end date.
    #[error("first aid needs the date the certificate expires")]
    FirstAidExpiry,
    /// The search radius is out of range.
    #[error("must be between 1 and 300 km")]
    Radius,
    /// Only one of latitude and longitude.
    #[error("latitude and longitude go together")]
    HalfPoint,
    /// The coordinates are not on Earth.
    #[error("is not a valid coordinate")]
    Coordinate,
    /// The person lacks a valid skill on the day it is needed.
    #[error("{skill} is not on your volunteer profile, or it has expired, for {day}")]
    MissingSkill {
        /// The skill needed.
        skill: Skill,
        /// The day it is needed.
        day: NaiveDate,
    },
    /// A placement's end is before its start.
    #[error("must not be before the start")]
    EndsBeforeStart,
    /// No such move of a placement, or not by this party.
    #[error("a placement cannot go from {from} to {to} by {by}")]
    Illegal {
        /// The placement's status.
        from: FosterStatus,
        /// The status asked for.
        to: FosterStatus,
        /// Who asked.
        by: FosterParty,
    },
}

impl PeopleError {
    /// The request field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            Self::DuplicateSkill(_) | Self::FirstAidExpiry => "skills",
            Self::Radius => "radius_km",
            Self::HalfPoint | Self::Coordinate => "latitude",
            Self::MissingSkill { .. } => "skills",
            Self::EndsBeforeStart => "ends_on",
            Self::Illegal { .. } => "status",
        }
    }
}

/// Checks a volunteer's skills: each at most once, first aid with its
/// expiry date. Returns them in display order.
pub fn check_skills(mut skills: Vec<SkillEntry>) -> Result<Vec<SkillEntry>, PeopleError> {
    skills.sort_by_key(|entry| entry.skill);
    if let Some(pair) = skills
        .windows(2)
        .find(|pair| pair[0].skill == pair[1].skill)
    {
        return Err(PeopleError::DuplicateSkill(pair[0].skill));
    }
    if skills
        .iter()
        .any(|entry| entry.skill == Skill::FirstAid && entry.expires_on.is_none())
    {
        return Err(PeopleError::FirstAidExpiry);
    }
    Ok(skills)
}

/// Checks the area a volunteer covers: a centre (both coordinates or
/// neither) and a radius of 1–300 km.
pub fn check_area(
    latitude: Option<f64>,
    longitude: Option<f64>,
    radius_km: Option<u32>,
) -> Result<(), PeopleError> {
    match (latitude, longitude) {
        (Some(lat), Some(lon)) => {
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                return Err(PeopleError::Coordinate);
            }
        }
        (None, None) => {}
        _ => return Err(PeopleError::HalfPoint),
    }
    if radius_km.is_some_and(|km| !(1..=300).contains(&km)) {
        return Err(PeopleError::Radius);
    }
    Ok(())
}

/// Whether `skills` hold `skill`, valid on `day`.
pub fn has_skill(skills: &[SkillEntry], skill: Skill, day: NaiveDate) -> bool {
    skills
        .iter()
        .any(|entry| entry.skill == skill && entry.valid_on(day))
}

/// Refuses someone without `skill` valid on `day`.
pub fn require_skill(
    skills: &[SkillEntry],
    skill: Skill,
    day: NaiveDate,
) -> Result<(), PeopleError> {
    if has_skill(skills, skill, day) {
        Ok(())
    } else {
        Err(PeopleError::MissingSkill { skill, day })
    }
}

/// Whether someone sees a leg that waits for a driver and may take it.
/// Members of either organization of the referral always see it. The
/// roster is the network's, so when the network lets organizations share
/// legs and the referrer shared this one, so does every member of the
/// network whose transport skill is valid on `day` — a clinic without
/// volunteers of its own still gets a driver.
pub fn sees_leg(
    own_organization: bool,
    shared: bool,
    skills: &[SkillEntry],
    day: NaiveDate,
) -> bool {
    own_organization || (shared && has_skill(skills, Skill::Transport, day))
}

/// Kilometres between two points given as (latitude, longitude), along
/// the Earth's surface.
pub fn distance_km(from: (f64, f64), to: (f64, f64)) -> f64 {
    use geo::{Distance, Haversine, Point};
    Haversine.distance(Point::new(from.1, from.0), Point::new(to.1, to.0)) / 1000.0
}

codes!(
    /// A foster placement's lifecycle: `offered → accepted → ended`, the
    /// volunteer may decline an offer, and the organization may cancel
    /// until it ends.
    FosterStatus {
        /// The organization asked the volunteer.
        Offered = "offered", "Offered";
        /// The volunteer said yes; the animal is, or is about to be, with them.
        Accepted = "accepted", "Accepted";
        /// The volunteer said no.
        Declined = "declined", "Declined";
        /// The animal went back or on.
        Ended = "ended", "Ended";
        /// The organization called it off.
        Cancelled = "cancelled", "Cancelled";
    }
);

codes!(
    /// Who moves a foster placement.
    FosterParty {
        /// The fosterer.
        Volunteer = "volunteer", "the volunteer";
        /// The organization's admins, clinicians and staff.
        Organization = "organization", "the organization";
    }
);

impl FosterStatus {
    /// Whether the placement still needs the volunteer.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Offered | Self::Accepted)
    }

    /// Checks a move by `by`: only the volunteer answers an offer; either
    /// side ends an accepted placement; only the organization cancels.
    pub fn check_transition(self, to: FosterStatus, by: FosterParty) -> Result<(), PeopleError> {
        use FosterParty::{Organization, Volunteer};
        use FosterStatus::*;
        let allowed = match (self, to) {
            (Offered, Accepted | Declined) => by == Volunteer,
            (Accepted, Ended) => true,
            (Offered | Accepted, Cancelled) => by == Organization,
            _ => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(PeopleError::Illegal { from: self, to, by })
        }
    }
}

impl FosterStatus {
    /// Checks a move by someone who acts as any of `parties` (the fosterer
    /// may also be one of the organization's staff): the first party the
    /// move is open to makes it; else the last one's refusal stands.
    pub fn check_transition_as_any(
        self,
        to: FosterStatus,
        parties: &[FosterParty],
    ) -> Result<(), PeopleError> {
        let mut refusal = Err(PeopleError::Illegal {
            from: self,
            to,
            by: FosterParty::Organization,
        });
        for by in parties {
            refusal = self.check_transition(to, *by);
            if refusal.is_ok() {
                break;
            }
        }
        refusal
    }
}

/// Checks a placement's dates.
pub fn check_placement_dates(
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
) -> Result<(), PeopleError> {
    if ends_on.is_some_and(|end| end < starts_on) {
        return Err(PeopleError::EndsBeforeStart);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn entry(skill: Skill, expires_on: Option<&str>) -> SkillEntry {
        SkillEntry {
            skill,
            expires_on: expires_on.map(day),
        }
    }

    #[test]
    fn a_skill_is_valid_through_its_last_day() {
        let first_aid = entry(Skill::FirstAid, Some("2026-12-31"));
        assert!(first_aid.valid_on(day("2026-12-31")));
        assert!(!first_aid.valid_on(day("2027-01-01")));
        assert!(entry(Skill::Transport, None).valid_on(day("2099-01-01")));
    }

    #[test]
    fn skills_are_listed_once_and_first_aid_has_an_expiry() {
        assert_eq!(
            check_skills(vec![
                entry(Skill::Foster, None),
                entry(Skill::Transport, None),
                entry(Skill::Foster, None),
            ]),
            Err(PeopleError::DuplicateSkill(Skill::Foster))
        );
        assert_eq!(
            check_skills(vec![entry(Skill::FirstAid, None)]),
            Err(PeopleError::FirstAidExpiry)
        );
        let sorted = check_skills(vec![
            entry(Skill::FirstAid, Some("2027-03-01")),
            entry(Skill::Transport, None),
        ])
        .unwrap();
        assert_eq!(sorted[0].skill, Skill::Transport);
    }

    #[test]
    fn taking_a_transport_needs_the_skill_valid_that_day() {
        let skills = [entry(Skill::Transport, Some("2026-11-30"))];
        assert!(require_skill(&skills, Skill::Transport, day("2026-11-30")).is_ok());
        assert_eq!(
            require_skill(&skills, Skill::Transport, day("2026-12-01")),
            Err(PeopleError::MissingSkill {
                skill: Skill::Transport,
                day: day("2026-12-01")
            })
        );
        assert!(require_skill(&skills, Skill::Foster, day("2026-11-01")).is_err());
    }

    #[test]
    fn a_shared_leg_reaches_every_network_volunteer_with_a_valid_transport_skill() {
        let valid = [entry(Skill::Transport, Some("2026-12-31"))];
        let lapsed = [entry(Skill::Transport, Some("2026-11-30"))];
        let on = day("2026-12-10");
        assert!(
            sees_leg(true, false, &[], on),
            "the two organizations' members"
        );
        assert!(sees_leg(false, true, &valid, on));
        assert!(!sees_leg(false, false, &valid, on), "not shared");
        assert!(!sees_leg(false, true, &lapsed, on), "lapsed");
        assert!(!sees_leg(false, true, &[entry(Skill::Foster, None)], on));
    }

    #[test]
    fn an_area_has_a_whole_centre_and_a_sensible_radius() {
        assert!(check_area(Some(51.45), Some(-2.58), Some(25)).is_ok());
        assert!(check_area(None, None, None).is_ok());
        assert_eq!(
            check_area(Some(51.0), None, None),
            Err(PeopleError::HalfPoint)
        );
        assert_eq!(
            check_area(Some(95.0), Some(0.0), None),
            Err(PeopleError::Coordinate)
        );
        assert_eq!(check_area(None, None, Some(0)), Err(PeopleError::Radius));
        assert_eq!(check_area(None, None, Some(301)), Err(PeopleError::Radius));
    }

    #[test]
    fn only_the_volunteer_answers_an_offer_and_only_the_organization_cancels() {
        use FosterParty::*;
        use FosterStatus::*;
        assert!(Offered.check_transition(Accepted, Volunteer).is_ok());
        assert!(Offered.check_transition(Declined, Volunteer).is_ok());
        assert!(Offered.check_transition(Accepted, Organization).is_err());
        assert!(Accepted.check_transition(Ended, Volunteer).is_ok());
        assert!(Accepted.check_transition(Ended, Organization).is_ok());
        assert!(Accepted.check_transition(Cancelled, Organization).is_ok());
        assert!(Accepted.check_transition(Cancelled, Volunteer).is_err());
        assert!(Declined.check_transition(Accepted, Volunteer).is_err());
        assert!(Ended.check_transition(Cancelled, Organization).is_err());
    }

    #[test]
    fn a_fosterer_on_the_staff_moves_as_either_party() {
        use FosterParty::{Organization, Volunteer};
        use FosterStatus::*;
        let both = [Volunteer, Organization];
        assert!(Offered.check_transition_as_any(Accepted, &both).is_ok());
        assert!(Offered.check_transition_as_any(Cancelled, &both).is_ok());
        assert_eq!(
            Ended.check_transition_as_any(Accepted, &both),
            Err(PeopleError::Illegal {
                from: Ended,
                to: Accepted,
                by: Organization
            })
        );
        assert!(
            Offered
                .check_transition_as_any(Accepted, &[Organization])
                .is_err()
        );
    }

    #[test]
    fn a_placement_does_not_end_before_it_starts() {
        assert!(check_placement_dates(day("2026-11-01"), None).is_ok());
        assert!(check_placement_dates(day("2026-11-01"), Some(day("2026-11-01"))).is_ok());
        assert_eq!(
            check_placement_dates(day("2026-11-02"), Some(day("2026-11-01"))),
            Err(PeopleError::EndsBeforeStart)
        );
    }
}

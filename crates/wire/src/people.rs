//! The volunteer roster: profiles, the roster an organization reads, the
//! transport legs that need a driver, a volunteer's own assignments and
//! foster placements. The rules live in [`warren_domain::people`].

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use warren_domain::directory::hours::{DayHours, OpeningHoursText, Timezone};
use warren_domain::directory::taxonomy::TermCode;
pub use warren_domain::people::{FosterParty, FosterStatus, Skill, SkillEntry};
use warren_domain::referral::TransportStatus;
use warren_domain::text::{Description, ShortText};

use crate::referrals::PersonRef;

/// Create or replace the caller's volunteer profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VolunteerProfileRequest {
    /// Skills, each once; first aid with the day its certificate expires.
    pub skills: Vec<SkillEntry>,
    /// When they are usually free, in OpenStreetMap `opening_hours` syntax,
    /// e.g. `Mo-Fr 18:00-22:00; Sa,Su 09:00-18:00`.
    pub availability: OpeningHoursText,
    /// The timezone availability is read in (default `Europe/London`).
    #[serde(default)]
    pub timezone: Option<Timezone>,
    /// The area they cover, in words ("North Bristol and Filton").
    pub area: ShortText,
    /// The area's centre.
    #[serde(default)]
    pub latitude: Option<f64>,
    /// The area's centre.
    #[serde(default)]
    pub longitude: Option<f64>,
    /// How far from the centre they go, 1–300 km.
    #[serde(default)]
    pub radius_km: Option<u32>,
    /// Whether they drive their own vehicle.
    pub has_vehicle: bool,
    /// Anything else coordinators should know.
    #[serde(default)]
    pub notes: Option<Description>,
    /// Whether they take assignments at the moment (default yes).
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// One skill on a profile, with whether it is valid today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillStatus {
    /// The skill.
    pub skill: Skill,
    /// The last day it is valid.
    pub expires_on: Option<NaiveDate>,
    /// Whether it is valid today.
    pub valid: bool,
}

/// A person's volunteer profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VolunteerProfile {
    /// The person.
    pub user_id: Uuid,
    /// Their name.
    pub name: String,
    /// Their skills.
    pub skills: Vec<SkillStatus>,
    /// When they are usually free, `opening_hours` syntax.
    pub availability: String,
    /// The timezone availability is read in.
    pub timezone: String,
    /// Whether the availability says they are free now.
    pub available_now: bool,
    /// The next seven days of availability.
    pub week: Vec<DayHours>,
    /// The area they cover.
    pub area: String,
    /// The area's centre.
    pub latitude: Option<f64>,
    /// The area's centre.
    pub longitude: Option<f64>,
    /// How far from the centre they go.
    pub radius_km: Option<u32>,
    /// Whether they drive their own vehicle.
    pub has_vehicle: bool,
    /// Notes for coordinators.
    pub notes: Option<String>,
    /// Whether they take assignments at the moment.
    pub active: bool,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// The version, also the ETag.
    pub version: i64,
}

/// One person on an organization's volunteer roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterEntry {
    /// Their profile.
    pub profile: VolunteerProfile,
    /// Their e-mail address.
    pub email: String,
    /// Their role in the organization.
    pub role: warren_domain::Role,
    /// Drives and placements they have open.
    pub open_assignments: u32,
}

/// An organization's volunteer roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Roster {
    /// The people, by name.
    pub items: Vec<RosterEntry>,
}

/// Filters for the roster; they combine.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct RosterQuery {
    /// Only people with this skill, valid today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skill: Option<Skill>,
    /// Only people whose availability says they are free at this instant
    /// (`now` or RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_at: Option<String>,
    /// Only people who drive their own vehicle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_vehicle: Option<bool>,
    /// Include people who paused their profile (default no).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_inactive: Option<bool>,
}

/// A transport leg as a driver sees it: where, when, for which animal and
/// how urgent — never the owner's or finder's contact details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransportJob {
    /// The referral.
    pub referral_id: Uuid,
    /// The referral's version, for `If-Match`.
    pub version: i64,
    /// The triage tier, 1 (immediate) to 5.
    pub priority: u8,
    /// The species' code.
    pub species: String,
    /// The species' name.
    pub species_label: String,
    /// The patient's name, if given.
    pub patient_name: Option<String>,
    /// The referring organization.
    pub referrer_name: String,
    /// The receiving organization.
    pub receiver_name: String,
    /// Where to collect the animal.
    pub pickup: String,
    /// Where to take it.
    pub dropoff: String,
    /// The earliest pickup.
    pub window_starts: Option<DateTime<Utc>>,
    /// The latest arrival.
    pub window_ends: Option<DateTime<Utc>>,
    /// Notes for the driver.
    pub notes: Option<String>,
    /// The leg's status.
    pub status: TransportStatus,
    /// The driver, when one is named.
    pub driver: Option<PersonRef>,
    /// When a driver is needed by.
    pub needed_by: Option<DateTime<Utc>>,
    /// Whether the leg reaches the caller because the referrer shared it
    /// with the network (the caller belongs to neither organization).
    pub via_network: bool,
    /// Kilometres from the caller's area centre to the referring site, when
    /// both are known.
    pub distance_km: Option<f64>,
}

/// A list of transport legs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransportJobs {
    /// The legs, most urgent first.
    pub items: Vec<TransportJob>,
}

/// Offer an animal to a volunteer to foster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreatePlacementRequest {
    /// The fosterer: a member of the organization with foster care on their
    /// profile, valid on the first day.
    pub volunteer_user_id: Uuid,
    /// The species' code.
    pub species: TermCode,
    /// The animal's name or description.
    pub animal_name: ShortText,
    /// The referral the animal came through, if any (the organization's).
    #[serde(default)]
    pub referral_id: Option<Uuid>,
    /// The first day.
    pub starts_on: NaiveDate,
    /// The expected last day.
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
    /// Care notes for the fosterer.
    #[serde(default)]
    pub notes: Option<Description>,
}

/// Move a placement (`If-Match` required): the volunteer accepts or
/// declines an offer, either side ends an accepted placement, the
/// organization cancels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlacementTransitionRequest {
    /// The new status.
    pub status: FosterStatus,
    /// Why (a decline, a cancellation, how it ended).
    #[serde(default)]
    pub note: Option<ShortText>,
}

/// A foster placement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Placement {
    /// Stable identifier.
    pub id: Uuid,
    /// The organization placing the animal.
    pub organization_id: Uuid,
    /// Its name.
    pub organization_name: String,
    /// The fosterer.
    pub volunteer: PersonRef,
    /// The referral the animal came through.
    pub referral_id: Option<Uuid>,
    /// The species' code.
    pub species: String,
    /// The species' name.
    pub species_label: String,
    /// The animal's name or description.
    pub animal_name: String,
    /// The first day.
    pub starts_on: NaiveDate,
    /// The expected last day.
    pub ends_on: Option<NaiveDate>,
    /// The status.
    pub status: FosterStatus,
    /// Care notes.
    pub notes: Option<String>,
    /// Why it was declined, cancelled or ended.
    pub status_note: Option<String>,
    /// Who offered it.
    pub created_by: String,
    /// Offered.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// The moves the caller may make now.
    pub allowed: Vec<FosterStatus>,
    /// The version, also the ETag.
    pub version: i64,
}

/// A list of placements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Placements {
    /// Open placements first, then the most recent.
    pub items: Vec<Placement>,
}

/// Everything a volunteer is asked to do or has said yes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignments {
    /// Drives: offered to the caller (status `new` or `confirmed`) or
    /// scheduled with them as driver.
    pub transports: Vec<TransportJob>,
    /// Foster placements offered or accepted.
    pub placements: Vec<Placement>,
}

/// Why a driver gives a leg back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeclineDriveRequest {
    /// The reason, shown on the referral's timeline.
    #[serde(default)]
    pub reason: Option<ShortText>,
}

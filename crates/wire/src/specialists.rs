//! Specialists and consults: profiles, the specialist search, consult
//! requests and their answers. The rules live in
//! [`warren_domain::specialists`]; these are the shapes on the wire.
//!
//! A consult shows the specialist the case (species, priority, patient,
//! reason, history, medications, allergies) but never the owner's or
//! finder's contact details.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::referral::Patient;
pub use warren_domain::specialists::{
    Availability, ClockTime, ConsultSlot, ConsultStatus, Discipline, Weekday,
};
use warren_domain::text::{ClinicalNote, ShortText};
use warren_domain::triage::Tier;

/// Create or replace the caller's specialist profile (`If-Match` required
/// when one exists).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SpecialistProfileRequest {
    /// The organization the caller consults for (where they are a
    /// clinician or an admin); may be left out when there is exactly one.
    #[serde(default)]
    pub organization_id: Option<Uuid>,
    /// Species codes from the directory's vocabulary (a whole group such as
    /// `wildlife` covers its species); 1–12.
    pub species: Vec<TermCode>,
    /// Disciplines; 1–6.
    pub disciplines: Vec<Discipline>,
    /// What the caller offers, in words (up to 4,000 characters).
    #[serde(default)]
    pub summary: Option<ClinicalNote>,
    /// Weekly consult windows, in the caller's local time; at most 21, none
    /// overlapping.
    #[serde(default)]
    pub availability: Availability,
    /// Whether the caller takes consult requests now.
    pub accepting_consults: bool,
    /// Rotations, leave and other notes on availability (one line).
    #[serde(default)]
    pub rotation_note: Option<ShortText>,
}

/// A specialist's profile, as anyone in the network sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpecialistProfile {
    /// The person.
    pub user_id: Uuid,
    /// Their name.
    pub name: String,
    /// The organization they consult for.
    pub organization_id: Uuid,
    /// Its name.
    pub organization_name: String,
    /// Species codes.
    pub species: Vec<String>,
    /// Disciplines.
    pub disciplines: Vec<Discipline>,
    /// What they offer.
    pub summary: Option<String>,
    /// Weekly consult windows.
    pub availability: Vec<ConsultSlot>,
    /// Whether their switch for taking consult requests is on (what they
    /// set on their profile); see `accepting_now` for the hours too.
    pub accepting_consults: bool,
    /// Whether they take consults right now: the switch is on and, when
    /// they list weekly windows, now is within one (read in `timezone`).
    #[serde(default)]
    pub accepting_now: bool,
    /// While accepting now, when the current window ends.
    #[serde(default)]
    pub accepting_until: Option<DateTime<Utc>>,
    /// While not accepting now, when the next window opens (absent when
    /// the switch is off).
    #[serde(default)]
    pub next_accepting_at: Option<DateTime<Utc>>,
    /// The IANA timezone the weekly windows are in: their organization's
    /// (its first site's); absent when it has no site, and the windows are
    /// then read in UTC.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Rotations and leave.
    pub rotation_note: Option<String>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Version; send it as `If-Match` to change the profile.
    pub version: i64,
}

/// What the specialists are searched for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct SpecialistQuery {
    /// Only specialists for this species or group (a group matches its
    /// species; a species matches specialists for its whole group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub species: Option<String>,
    /// Only this discipline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discipline: Option<Discipline>,
    /// Words found in the name, organization or summary (all must match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Only those accepting consults now, within their consult hours
    /// (`true`), or those not (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepting: Option<bool>,
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Results per page, 1–200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A page of specialists, those accepting consults first, then most
/// recently updated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpecialistPage {
    /// The specialists.
    pub items: Vec<SpecialistProfile>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// Ask a specialist for a consult on a referral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RequestConsultRequest {
    /// The specialist (a person with a profile accepting consults).
    pub specialist_user_id: Uuid,
    /// The question, up to 4,000 characters.
    pub question: ClinicalNote,
    /// The patient cannot wait: the specialist is alerted at once, and if
    /// they do not acknowledge within the acknowledge time, their
    /// organization's admins.
    #[serde(default)]
    pub urgent: bool,
}

/// Answer a consult (the specialist; `If-Match` required).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AnswerConsultRequest {
    /// The answer, up to 4,000 characters.
    pub answer: ClinicalNote,
}

/// Decline a consult (the specialist; `If-Match` required).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeclineConsultRequest {
    /// Why, up to 4,000 characters.
    pub reason: ClinicalNote,
}

/// The case a consult is about, without the owner's or finder's contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultCase {
    /// The species code.
    pub species: String,
    /// The triage tier.
    pub priority: Tier,
    /// The patient.
    pub patient: Patient,
    /// Why the patient is referred.
    pub reason: String,
    /// History so far.
    pub history: Option<String>,
    /// Current medications.
    pub medications: Option<String>,
    /// Known allergies.
    pub allergies: Option<String>,
    /// The referring organization's name.
    pub referrer_name: String,
    /// The receiving organization's name.
    pub receiver_name: String,
}

/// A consult asked of a specialist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consult {
    /// Stable identifier.
    pub id: Uuid,
    /// The referral it is about.
    pub referral_id: Uuid,
    /// The specialist asked.
    pub specialist_user_id: Uuid,
    /// Their name.
    pub specialist_name: String,
    /// The organization they consult for.
    pub specialist_organization_id: Uuid,
    /// Its name.
    pub specialist_organization_name: String,
    /// The side of the referral that asked.
    pub requester_organization_id: Uuid,
    /// Its name.
    pub requester_organization_name: String,
    /// Who asked.
    pub requester_name: String,
    /// The question.
    pub question: String,
    /// Where it stands.
    pub status: ConsultStatus,
    /// The specialist's answer.
    pub answer: Option<String>,
    /// Why the specialist declined.
    pub decline_reason: Option<String>,
    /// The case.
    pub case: ConsultCase,
    /// When it was asked.
    pub created_at: DateTime<Utc>,
    /// When it was answered, declined or cancelled.
    pub closed_at: Option<DateTime<Utc>>,
    /// Who closed it.
    pub closed_by: Option<String>,
    /// Whether the caller may answer or decline it.
    pub can_answer: bool,
    /// Whether the caller may cancel it.
    pub can_cancel: bool,
    /// Version; send it as `If-Match`.
    pub version: i64,
}

/// Consults, in the order the operation states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultList {
    /// The consults.
    pub items: Vec<Consult>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// Which consults the specialist lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ConsultQuery {
    /// Only consults in this status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ConsultStatus>,
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Results per page, 1–200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

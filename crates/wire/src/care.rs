//! The patient record that travels with an animal: its details, entries,
//! care stages, rehabilitation plan and what is seen of it after release.
//! The rules live in [`warren_domain::care`].

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
pub use warren_domain::care::{
    AgeClass, CareStage, EntryDetails, Identifier, IdentifierKind, MilestoneState, MonitoringKind,
    Route, Sex,
};
use warren_domain::text::{ClinicalNote, ShortText};

/// An organization that held the animal, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Custody {
    /// The organization.
    pub organization_id: Uuid,
    /// Its name.
    pub organization_name: String,
    /// From when.
    pub since: DateTime<Utc>,
    /// Until when; none while it holds the animal.
    pub until: Option<DateTime<Utc>>,
}

/// One entry of the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientEntry {
    /// Stable identifier.
    pub id: Uuid,
    /// When it happened (a medication's time given).
    pub at: DateTime<Utc>,
    /// The organization that wrote it.
    pub organization_name: String,
    /// Who wrote it (a medication's "given by").
    pub author: String,
    /// What it records.
    pub details: EntryDetails,
    /// For a problem: when it was marked resolved.
    pub resolved_at: Option<DateTime<Utc>>,
}

/// One change of care stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageChange {
    /// The stage entered.
    pub stage: CareStage,
    /// When.
    pub at: DateTime<Utc>,
    /// The organization that recorded it.
    pub organization_name: String,
    /// Who recorded it.
    pub author: String,
    /// A note.
    pub note: Option<String>,
    /// For a release with criteria unmet: the clinician's reason.
    pub override_reason: Option<String>,
}

/// A milestone of a rehabilitation plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanMilestone {
    /// Stable identifier.
    pub id: Uuid,
    /// What is to be reached.
    pub text: String,
    /// The day of care it is due by (day 1 is the plan's start).
    pub target_day: Option<u16>,
    /// The date that day falls on.
    pub due_on: Option<NaiveDate>,
    /// When it was met.
    pub met_on: Option<NaiveDate>,
    /// The note given when it was ticked.
    pub note: Option<String>,
    /// Who ticked it.
    pub met_by: Option<String>,
    /// How it stands today.
    pub state: MilestoneState,
}

/// A release criterion of a rehabilitation plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanCriterion {
    /// Stable identifier.
    pub id: Uuid,
    /// The criterion.
    pub text: String,
    /// When it was met.
    pub met_on: Option<NaiveDate>,
    /// The note given when it was ticked.
    pub note: Option<String>,
    /// Who ticked it.
    pub met_by: Option<String>,
}

/// A rehabilitation plan: milestones with target days and the release
/// criteria that must all be met before a release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RehabPlan {
    /// Its title.
    pub title: String,
    /// Day 1.
    pub started_on: NaiveDate,
    /// The library article its milestones came from.
    pub milestone_article_id: Option<Uuid>,
    /// The library article its criteria came from.
    pub criteria_article_id: Option<Uuid>,
    /// The milestones, in order.
    pub milestones: Vec<PlanMilestone>,
    /// The release criteria, in order.
    pub criteria: Vec<PlanCriterion>,
    /// Milestones past their target day, unmet.
    pub overdue: u32,
    /// Release criteria not met yet (a release needs none, or a clinician's
    /// override).
    pub unmet_criteria: u32,
}

/// A patient record, as the organizations that held the animal read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientRecord {
    /// Stable identifier.
    pub id: Uuid,
    /// The species or group code.
    pub species: String,
    /// What the animal is called ("Hedgehog, juvenile, found on Elm Road").
    pub name: String,
    /// Its sex.
    pub sex: Sex,
    /// Its age class.
    pub age_class: AgeClass,
    /// Rings, microchips, tags.
    pub identifiers: Vec<Identifier>,
    /// Its care stage now.
    pub stage: CareStage,
    /// Since when.
    pub stage_since: DateTime<Utc>,
    /// Days since the record started (until the end, once care ended).
    pub days_in_care: f64,
    /// When the next post-release follow-up is due.
    pub follow_up_due: Option<NaiveDate>,
    /// Who holds the animal now, and who held it before, oldest first.
    pub custody: Vec<Custody>,
    /// Whether the caller may write to the record (their organization holds
    /// the animal and they are its admin, clinician or staff).
    pub writable: bool,
    /// The referrals that carried the animal, oldest first.
    pub referral_ids: Vec<Uuid>,
    /// The entries, oldest first.
    pub entries: Vec<PatientEntry>,
    /// The stage changes, oldest first.
    pub stages: Vec<StageChange>,
    /// The rehabilitation plan, if one was made.
    pub plan: Option<RehabPlan>,
    /// When the record started.
    pub created_at: DateTime<Utc>,
    /// The version `If-Match` names.
    pub version: i64,
}

/// Change the animal's details (the holding organization's admins,
/// clinicians and staff); fields left out stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdatePatientRequest {
    /// What the animal is called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<ShortText>,
    /// Its sex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Its age class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_class: Option<AgeClass>,
    /// Its identifiers, all of them (replaces the list; at most 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifiers: Option<Vec<Identifier>>,
}

/// Add an entry to the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewEntryRequest {
    /// When it happened (default: now; never in the future).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    /// What it records.
    pub details: EntryDetails,
    /// For a monitoring entry: when the next follow-up is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_on: Option<NaiveDate>,
}

/// Move the animal to another care stage, or end its care.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StageRequest {
    /// The stage.
    pub stage: CareStage,
    /// When (default: now; never in the future).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    /// A note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<ClinicalNote>,
    /// For a release with criteria unmet: why it goes ahead (clinicians only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_reason: Option<ClinicalNote>,
    /// For a release: when the first follow-up is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_on: Option<NaiveDate>,
}

/// A milestone as given for a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MilestoneInput {
    /// What is to be reached.
    pub text: ShortText,
    /// The day of care it is due by (1–730).
    #[serde(default)]
    pub target_day: Option<u16>,
}

/// Make the record's rehabilitation plan, from library articles and/or
/// steps given here.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// Its title (default: the milestone article's title).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<ShortText>,
    /// Day 1 (default: the day the record started).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_on: Option<NaiveDate>,
    /// A rehabilitation-milestone article whose list becomes the milestones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub milestone_article_id: Option<Uuid>,
    /// A reintroduction-criteria article whose list becomes the criteria.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criteria_article_id: Option<Uuid>,
    /// More milestones, after the article's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<MilestoneInput>,
    /// More criteria, after the article's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<ShortText>,
}

/// Tick a milestone or criterion as met.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MeetRequest {
    /// When it was met (default: today; never in the future).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<NaiveDate>,
    /// A note ("Flew 30 m, landed cleanly twice").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<ClinicalNote>,
}

/// One animal an organization holds, or released and still followed up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientSummary {
    /// The record.
    pub id: Uuid,
    /// What the animal is called.
    pub name: String,
    /// The species or group code.
    pub species: String,
    /// Its stage now.
    pub stage: CareStage,
    /// Since when.
    pub stage_since: DateTime<Utc>,
    /// Days in care so far.
    pub days_in_care: f64,
    /// Milestones past their target day, unmet.
    pub overdue_milestones: u32,
    /// When the next post-release follow-up is due.
    pub follow_up_due: Option<NaiveDate>,
    /// The latest referral that carried it.
    pub referral_id: Option<Uuid>,
}

/// The animals an organization holds now (and those it released with a
/// follow-up still due), the longest in care first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientList {
    /// The animals.
    pub items: Vec<PatientSummary>,
}

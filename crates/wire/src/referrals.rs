//! Referrals: the form, the referral as either side sees it, its timeline,
//! case thread, transport leg and outcome, the boards, the network's answer
//! times, live events and the metrics behind the dashboard.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use warren_domain::directory::taxonomy::TermCode;
pub use warren_domain::referral::{AnswerTimes, PersonRef, TransportLeg};
use warren_domain::referral::{
    BusinessStatus, Contact, Outcome, OutcomeKind, Party, Patient, ReferralStatus, RejectReason,
    TransportStatus,
};
use warren_domain::triage::{Assessment, Tier};
use warren_domain::{ClinicalNote, ShortText};

/// Send a patient to one or more sites. Sending to several
/// candidates at once is allowed: the first to accept gets the patient and
/// Warren withdraws the others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateReferralRequest {
    /// The receiving sites, 1–5, each of a vetted organization other than the referrer.
    pub receivers: Vec<Uuid>,
    /// The referrer's site the animal is at (default: the organization's first site).
    #[serde(default)]
    pub from_site_id: Option<Uuid>,
    /// The animal's species code.
    pub species: TermCode,
    /// The patient.
    #[serde(default = "no_patient")]
    pub patient: Patient,
    /// The owner or finder; shown only to the two organizations and network admins.
    #[serde(default)]
    pub contact: Option<Contact>,
    /// Why the patient is referred.
    pub reason: ClinicalNote,
    /// History so far.
    #[serde(default)]
    pub history: Option<ClinicalNote>,
    /// Current medications.
    #[serde(default)]
    pub medications: Option<ClinicalNote>,
    /// Known allergies.
    #[serde(default)]
    pub allergies: Option<ClinicalNote>,
    /// A recorded assessment of the referrer's organization: its tier and
    /// result are carried over.
    #[serde(default)]
    pub assessment_id: Option<Uuid>,
    /// The priority (a triage tier). Required without an assessment; with
    /// one, it defaults to the assessment's tier.
    #[serde(default)]
    pub priority: Option<Tier>,
    /// Capabilities the case needs (default: the assessment's, if any).
    #[serde(default)]
    pub capabilities: Vec<TermCode>,
    /// Whether a transport leg is needed.
    #[serde(default)]
    pub transport_needed: bool,
    /// Keep it as a draft instead of sending it now.
    #[serde(default)]
    pub draft: bool,
    /// The animal's patient record, when it already has one that your
    /// organization holds (a patient handed on or back): the record travels
    /// with this referral, and whoever accepts it reads and writes it next.
    #[serde(default)]
    pub patient_record_id: Option<Uuid>,
}

fn no_patient() -> Patient {
    Patient {
        name: None,
        sex: None,
        age: None,
        weight_grams: None,
        identifiers: Vec::new(),
    }
}

/// One side of a referral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralParty {
    /// The organization.
    pub organization_id: Uuid,
    /// Its name.
    pub organization_name: String,
    /// The site.
    pub site_id: Option<Uuid>,
    /// The site's name.
    pub site_name: Option<String>,
    /// The number to call about the referral, for tap-to-call: the referral
    /// line the site published for other members, else its public number.
    pub phone: Option<String>,
}

/// Where the caller stands on a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReferralSide {
    /// A member of the referring organization.
    Referrer,
    /// A member of the receiving organization.
    Receiver,
    /// A network admin of neither side.
    Coordinator,
    /// A volunteer of the network driving a leg the referrer shared with it.
    Driver,
}

impl ReferralSide {
    /// The side of `party` (Warren itself reads as coordinator).
    pub fn of(party: Party) -> Self {
        match party {
            Party::Referrer => Self::Referrer,
            Party::Receiver => Self::Receiver,
            Party::Coordinator | Party::Warren => Self::Coordinator,
        }
    }

    /// The stable name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Referrer => "referrer",
            Self::Receiver => "receiver",
            Self::Coordinator => "coordinator",
            Self::Driver => "driver",
        }
    }
}

impl PartialEq<&str> for ReferralSide {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for ReferralSide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why the receiver declined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rejection {
    /// The reason from the list.
    pub reason: RejectReason,
    /// Words, if any.
    pub note: Option<String>,
}

/// The recorded outcome, with who recorded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeRecord {
    /// What happened and what follows.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Who recorded it.
    pub recorded_by: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// A referral as the two organizations (and network admins) see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Referral {
    /// Stable identifier.
    pub id: Uuid,
    /// The handover this referral belongs to: the referrals sent for one
    /// patient at once, and any escalations from them.
    pub case_id: Uuid,
    /// Where it stands (FHIR `Task.status`).
    pub status: ReferralStatus,
    /// The transport step, if any (FHIR `Task.businessStatus`).
    pub business_status: Option<BusinessStatus>,
    /// The triage tier.
    pub priority: Tier,
    /// The referring side.
    pub referrer: ReferralParty,
    /// The receiving side.
    pub receiver: ReferralParty,
    /// The receiver's assigned contact, once someone has taken it on.
    pub assignee: Option<PersonRef>,
    /// The animal's species code.
    pub species: String,
    /// The patient.
    pub patient: Patient,
    /// The owner or finder (hidden from volunteers; absent once erased).
    pub contact: Option<Contact>,
    /// When the owner's or finder's contact was erased: kept no longer after
    /// the case closed (the network's retention), or on request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_erased_at: Option<DateTime<Utc>>,
    /// Why the patient is referred.
    pub reason: String,
    /// History so far.
    pub history: Option<String>,
    /// Current medications.
    pub medications: Option<String>,
    /// Known allergies.
    pub allergies: Option<String>,
    /// The assessment it came from.
    pub assessment_id: Option<Uuid>,
    /// The triage result carried over from the assessment.
    pub triage: Option<Assessment>,
    /// Capabilities the case needs.
    pub capabilities: Vec<String>,
    /// Why it was rejected.
    pub rejection: Option<Rejection>,
    /// How it ended.
    pub outcome: Option<OutcomeRecord>,
    /// The transport leg.
    pub transport: Option<TransportLeg>,
    /// While the leg waits for a driver: who can see it and take it (on one
    /// referral read by the two organizations or a network admin; absent
    /// in lists).
    #[serde(default)]
    pub transport_reach: Option<TransportReach>,
    /// The referral this one escalated from.
    pub escalated_from: Option<Uuid>,
    /// The animal's patient record, once it has one (readable by the
    /// organizations that have held the animal).
    #[serde(default)]
    pub record_id: Option<Uuid>,
    /// Who created it.
    pub created_by: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was sent.
    pub sent_at: Option<DateTime<Utc>>,
    /// When the receiver opened it.
    pub received_at: Option<DateTime<Utc>>,
    /// When the receiver accepted.
    pub accepted_at: Option<DateTime<Utc>>,
    /// When a vet first saw the patient (in progress).
    pub first_vet_at: Option<DateTime<Utc>>,
    /// When it finished, in whatever way.
    pub closed_at: Option<DateTime<Utc>>,
    /// When the receiver must answer before Warren escalates, while it waits.
    pub answer_due_at: Option<DateTime<Utc>>,
    /// The statuses the caller's side may move it to now.
    pub next_statuses: Vec<ReferralStatus>,
    /// The caller's side: `referrer`, `receiver` or `coordinator`; `driver`
    /// for a volunteer of the network driving a leg shared with it.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub side: ReferralSide,
    /// The version to send as `If-Match`.
    pub version: i64,
}

/// What the referral was created as: every referral of the new case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedReferrals {
    /// The case they share.
    pub case_id: Uuid,
    /// One referral per receiver.
    pub items: Vec<Referral>,
}

/// Move a referral to another status (`If-Match` required).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// The status to move to.
    pub status: ReferralStatus,
    /// Why (required when rejecting).
    #[serde(default)]
    pub reason: Option<RejectReason>,
    /// Words for the other side (required with the reason `other`).
    #[serde(default)]
    pub note: Option<ClinicalNote>,
}

/// Set the transport step (`If-Match` required), either side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BusinessStatusRequest {
    /// The step.
    pub business_status: BusinessStatus,
}

/// One entry of a referral's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who: a person's name, or `Warren` for escalations and withdrawals.
    pub actor: String,
    /// What: `created`, `status`, `escalated`, `business_status`,
    /// `transport`, `outcome`, `assigned`; and for urgent alerts `alerted`
    /// (who was alerted, why and how), `acknowledged`, `alert_unanswered`
    /// (the chain ended with nobody acknowledging) and `alert_failed` (an
    /// e-mail given up, with the mail server's answer).
    pub kind: String,
    /// The status before, for status changes.
    pub from: Option<String>,
    /// The status after.
    pub to: Option<String>,
    /// A sentence for people.
    pub note: Option<String>,
}

/// A referral's timeline, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Timeline {
    /// The entries.
    pub items: Vec<TimelineEntry>,
}

/// A message in a referral's case thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseMessage {
    /// Stable identifier.
    pub id: Uuid,
    /// The author's name.
    pub author: String,
    /// The author's organization.
    pub organization_id: Uuid,
    /// Its name.
    pub organization_name: String,
    /// The text.
    pub body: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A case thread, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseThread {
    /// The messages.
    pub items: Vec<CaseMessage>,
}

/// Write in a referral's case thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PostMessageRequest {
    /// The text.
    pub body: ClinicalNote,
}

/// Who can see a leg that waits for a driver, as its referral shows it to
/// the two organizations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransportReach {
    /// Whether the network's volunteers see it: the referrer shared it and
    /// the network shares legs.
    pub shared: bool,
    /// Whether the network lets organizations share legs at all.
    pub network_shares: bool,
    /// How many volunteers with a transport skill valid on the day of the
    /// drive can see the leg and take it.
    pub qualified_volunteers: u32,
    /// Whether the time it was needed by has come with nobody driving.
    pub late: bool,
}

/// Whether organizations may offer their transport legs to the whole
/// network's volunteers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransportSharingSetting {
    /// On (the default): a leg the referrer shares is listed for every
    /// volunteer of the network with a valid transport skill. Off: legs
    /// reach only the two organizations' members.
    pub share_with_network: bool,
    /// When it last changed; absent while Warren's default applies.
    pub updated_at: Option<DateTime<Utc>>,
}

/// Turn the sharing of transport legs with the network on or off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransportSharingRequest {
    /// Whether shared legs reach the network's volunteers.
    pub share_with_network: bool,
}

/// How long the owner's or finder's contact is kept after a case closes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactRetentionSetting {
    /// Days after the last referral of a case closes (90 by default): then
    /// Warren erases the contact from every referral of the case.
    pub days: u32,
    /// When it last changed; absent while Warren's default applies.
    pub updated_at: Option<DateTime<Utc>>,
}

/// Set how long closed cases keep the owner's or finder's contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactRetentionRequest {
    /// Days, 1–3650.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 3650))]
    pub days: u32,
}

/// Erase the owner's or finder's contact from a case now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactErasureRequest {
    /// Why (kept in the audit log): say, the owner asked.
    pub reason: ShortText,
}

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactErasure {
    /// The case whose referrals were cleared.
    pub case_id: Uuid,
    /// How many of its referrals held the contact.
    pub referrals: u32,
    /// When.
    pub erased_at: DateTime<Utc>,
}

/// Arrange or change a referral's transport leg (`If-Match` required),
/// either side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransportRequest {
    /// Where the animal is collected.
    pub pickup: ShortText,
    /// Where it is taken.
    pub dropoff: ShortText,
    /// Earliest pickup.
    #[serde(default)]
    pub window_starts: Option<DateTime<Utc>>,
    /// Latest arrival.
    #[serde(default)]
    pub window_ends: Option<DateTime<Utc>>,
    /// Notes for the driver.
    #[serde(default)]
    pub notes: Option<ClinicalNote>,
    /// The driver: a member of either organization.
    #[serde(default)]
    pub driver_user_id: Option<Uuid>,
    /// The leg's new status, if it moves.
    #[serde(default)]
    pub status: Option<TransportStatus>,
    /// Offer the leg to every volunteer of the network with a valid
    /// transport skill (the referrer's choice; default: the leg's current
    /// choice, for a new leg yes for tier 1–3 and no otherwise).
    #[serde(default)]
    pub share_with_network: Option<bool>,
    /// When a driver is needed by (not after `window_ends`; default: the
    /// window's start).
    #[serde(default)]
    pub needed_by: Option<DateTime<Utc>>,
}

/// Record how the referral ended (`If-Match` required); completes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecordOutcomeRequest {
    /// What happened.
    pub kind: OutcomeKind,
    /// What the referrer should know.
    #[serde(default)]
    pub note: Option<ClinicalNote>,
    /// When the patient should be seen again.
    #[serde(default)]
    pub follow_up_due: Option<chrono::NaiveDate>,
}

/// Which referrals a board lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ReferralQuery {
    /// `incoming` (the organization receives), `outgoing` (it refers) or
    /// `all` (default).
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "box")]
    pub direction: Option<String>,
    /// `open` (default: still needing someone, including accepted without
    /// an outcome), `closed` or `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Only this tier (1–5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<u8>,
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Referrals per page, 1–200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A page of referrals: most urgent first, then oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralPage {
    /// The referrals.
    pub items: Vec<Referral>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// The network's answer times per tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerTimesSetting {
    /// Minutes per tier.
    pub answer_times: AnswerTimes,
    /// When they last changed; absent while Warren's defaults apply.
    pub updated_at: Option<DateTime<Utc>>,
}

/// Something happened to a referral: sent to the organizations in it over
/// the live stream and to their webhooks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralEvent {
    /// Stable identifier of the event.
    pub id: Uuid,
    /// `referral.created`, `referral.status_changed`, `referral.escalated`,
    /// `referral.transport_changed`, `referral.outcome_recorded`,
    /// `referral.message_posted`, `referral.updated`.
    pub kind: String,
    /// The referral.
    pub referral_id: Uuid,
    /// Its case.
    pub case_id: Uuid,
    /// Its status after the event.
    pub status: ReferralStatus,
    /// Its tier.
    pub priority: Tier,
    /// The referring organization.
    pub referrer_organization_id: Uuid,
    /// The receiving organization.
    pub receiver_organization_id: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// A short-lived ticket for opening the live event stream from a browser
/// (`EventSource` cannot send an `Authorization` header).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StreamTicket {
    /// Pass as `ticket` to the stream.
    pub ticket: String,
    /// When it stops opening streams (a stream already open stays open).
    pub expires_at: DateTime<Utc>,
}

/// Which referrals the metrics cover.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ReferralMetricsQuery {
    /// One organization (its admins, or network admins); absent: the whole
    /// network (network admins only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<Uuid>,
    /// With an organization: `incoming` (default, as receiver) or `outgoing`.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "box")]
    pub direction: Option<String>,
    /// First day, inclusive (default: 30 days ago), UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<chrono::NaiveDate>,
    /// Last day, inclusive (default: today), UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<chrono::NaiveDate>,
}

/// Referral figures for a period: per tier, per receiving site, decline
/// reasons, escalations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralMetrics {
    /// First day, inclusive.
    pub from: chrono::NaiveDate,
    /// Last day, inclusive.
    pub to: chrono::NaiveDate,
    /// The organization, or none for the whole network.
    pub organization_id: Option<Uuid>,
    /// The figures.
    #[serde(flatten)]
    pub summary: warren_domain::referral::metrics::Summary,
    /// Names of the sites in `by_site`, by id.
    pub site_names: std::collections::BTreeMap<Uuid, String>,
}

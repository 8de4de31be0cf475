//! Referrals: handing a patient over from one organization to another, in
//! the words of FHIR's `Task` (`status`, `business_status`, `priority`).
//!
//! A referral moves `draft → requested → received → accepted → in-progress →
//! completed`, or ends `rejected` (with a reason), `cancelled`, `failed` or
//! `entered-in-error`; `on-hold` pauses accepted work. Who may make each move
//! is part of the rule: only the receiver receives, accepts, rejects and
//! records the outcome; the referrer sends and cancels; Warren itself
//! withdraws the other requests once one receiver accepts. The loop closes
//! only with an outcome: `completed` is reached by recording one.
//!
//! Transport legs have their own small lifecycle, and the network's answer
//! times say how long a receiver has to accept before Warren escalates.

mod drive;
pub mod metrics;
mod plan;
pub mod status_link;
#[cfg(test)]
mod tests;

pub use drive::{
    DriveError, DriverReach, LegState, TransportAsk, TransportPlan, check_transport_step,
    drive_day, driver_reach, give_back_drive, plan_transport, take_drive,
};
pub use plan::{
    AssessedNeeds, ReceivingSite, ReferralPlan, ReferralRequest, check_receivers, plan_referral,
};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::text::{ClinicalNote, Email, Phone, ShortText};
use crate::triage::Tier;

codes!(
    /// Where a referral stands (FHIR `Task.status`).
    ReferralStatus, "kebab-case" {
        /// Written but not sent.
        Draft = "draft", "Draft";
        /// Sent, waiting for the receiver.
        Requested = "requested", "Requested";
        /// The receiver has seen it and is deciding.
        Received = "received", "Received";
        /// The receiver will take the patient.
        Accepted = "accepted", "Accepted";
        /// The patient is with the receiver and a vet has seen it.
        InProgress = "in-progress", "In progress";
        /// Finished, with an outcome.
        Completed = "completed", "Completed";
        /// The receiver declined, with a reason.
        Rejected = "rejected", "Rejected";
        /// The referrer called it off, or Warren withdrew it when another receiver accepted.
        Cancelled = "cancelled", "Cancelled";
        /// Paused by the receiver.
        OnHold = "on-hold", "On hold";
        /// The handover could not happen.
        Failed = "failed", "Failed";
        /// Created by mistake; kept for the record only.
        EnteredInError = "entered-in-error", "Entered in error";
    }
);

impl ReferralStatus {
    /// Whether the referral still needs someone to act: not finished in any
    /// way. Open referrals stay on both organizations' boards.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            Self::Completed
                | Self::Rejected
                | Self::Cancelled
                | Self::Failed
                | Self::EnteredInError
        )
    }

    /// Whether the receiver still owes an answer (the answer-time clock runs).
    pub fn awaits_answer(self) -> bool {
        matches!(self, Self::Requested | Self::Received)
    }

    /// Whether the receiver has taken the patient on.
    pub fn is_taken(self) -> bool {
        matches!(self, Self::Accepted | Self::InProgress | Self::OnHold)
    }
}

/// Who is acting on a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// A member of the referring organization.
    Referrer,
    /// A member of the receiving organization.
    Receiver,
    /// A network admin who belongs to neither side.
    Coordinator,
    /// Warren itself: escalation and withdrawal.
    Warren,
}

impl Party {
    fn name(self) -> &'static str {
        match self {
            Self::Referrer => "referring organization",
            Self::Receiver => "receiving organization",
            Self::Coordinator => "network admins",
            Self::Warren => "Warren",
        }
    }
}

/// A move the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferralError {
    /// The lifecycle has no such move.
    #[error("a referral cannot go from {from} to {to}")]
    Illegal {
        /// The referral's status.
        from: ReferralStatus,
        /// The status asked for.
        to: ReferralStatus,
    },
    /// The move exists but belongs to the other side.
    #[error("only the {allowed} may move a referral to {to}")]
    NotYours {
        /// The status asked for.
        to: ReferralStatus,
        /// Who may.
        allowed: String,
    },
    /// Rejecting needs a reason from the list.
    #[error("rejecting needs a reason")]
    ReasonRequired,
    /// The reason `other` needs words.
    #[error("the reason \"other\" needs a note")]
    NoteRequired,
    /// `completed` is reached by recording the outcome.
    #[error("a referral is completed by recording its outcome")]
    OutcomeRequired,
    /// Only vetted organizations send referrals.
    #[error("only vetted organizations send referrals")]
    NotVetted,
    /// No receiving site, or more than [`MAX_RECEIVERS`].
    #[error("must name 1 to {MAX_RECEIVERS} sites")]
    ReceiverCount,
    /// The receiving site at this index is listed twice.
    #[error("is listed twice")]
    ReceiverTwice(usize),
    /// The receiving site at this index is not in the directory.
    #[error("is not a site in the directory")]
    ReceiverUnknown(usize),
    /// The receiving site at this index is the referrer's own.
    #[error("is a site of the referring organization")]
    ReceiverIsOwn(usize),
    /// The site the patient leaves from is not the referrer's.
    #[error("is not a site of this organization")]
    NotOwnSite,
    /// The assessment named is not the referrer's.
    #[error("is not an assessment of this organization")]
    NotOwnAssessment,
    /// Without an assessment the request must give a priority.
    #[error("is required without an assessment")]
    PriorityRequired,
}

/// Checks that `by` may move a referral from `from` to `to`.
pub fn check_transition(
    from: ReferralStatus,
    to: ReferralStatus,
    by: Party,
) -> Result<(), ReferralError> {
    use ReferralStatus::*;
    let allowed: &[Party] = match (from, to) {
        (Draft, Requested) => &[Party::Referrer],
        (Requested, Received) => &[Party::Receiver],
        (Requested | Received, Accepted | Rejected) => &[Party::Receiver],
        (Draft, Cancelled) => &[Party::Referrer, Party::Coordinator],
        (Requested | Received | Accepted | OnHold, Cancelled) => {
            &[Party::Referrer, Party::Coordinator, Party::Warren]
        }
        (Accepted | OnHold, InProgress) => &[Party::Receiver],
        (OnHold, Accepted) => &[Party::Receiver],
        (Accepted | InProgress, OnHold) => &[Party::Receiver],
        (Accepted | InProgress | OnHold, Failed) => &[Party::Receiver, Party::Referrer],
        (Accepted | InProgress | OnHold, Completed) => return Err(ReferralError::OutcomeRequired),
        (Draft | Requested | Received, EnteredInError) => &[Party::Referrer, Party::Coordinator],
        (Accepted | InProgress | OnHold, EnteredInError) => &[Party::Coordinator],
        _ => return Err(ReferralError::Illegal { from, to }),
    };
    if allowed.contains(&by) {
        Ok(())
    } else {
        let allowed = allowed
            .iter()
            .map(|party| party.name())
            .collect::<Vec<_>>()
            .join(" or ");
        Err(ReferralError::NotYours { to, allowed })
    }
}

/// The statuses `by` could move a referral in `from` to, for offering buttons.
pub fn next_statuses(from: ReferralStatus, by: Party) -> Vec<ReferralStatus> {
    ReferralStatus::ALL
        .iter()
        .copied()
        .filter(|to| check_transition(from, *to, by).is_ok())
        .collect()
}

codes!(
    /// Why a receiver declined.
    RejectReason {
        /// No cage, bed or staff free now.
        NoCapacity = "no_capacity", "No capacity now";
        /// The case needs a capability the site does not have.
        MissingCapability = "missing_capability", "Lacks a needed capability";
        /// The site does not treat this species.
        SpeciesNotTreated = "species_not_treated", "Species not treated";
        /// No vet available to take it on.
        NoVet = "no_vet", "No vet available";
        /// Too far for the animal to travel safely.
        TooFar = "too_far", "Too far to travel";
        /// Anything else, in the note.
        Other = "other", "Other";
    }
);

/// Checks a rejection's reason and note.
pub fn check_rejection(
    reason: Option<RejectReason>,
    note: Option<&ClinicalNote>,
) -> Result<RejectReason, ReferralError> {
    match reason {
        None => Err(ReferralError::ReasonRequired),
        Some(RejectReason::Other) if note.is_none() => Err(ReferralError::NoteRequired),
        Some(reason) => Ok(reason),
    }
}

codes!(
    /// The transport step a referral is at (FHIR `Task.businessStatus`).
    BusinessStatus {
        /// A transport is needed and not yet arranged.
        TransportToBeArranged = "transport_to_be_arranged", "Transport to be arranged";
        /// A driver will collect the animal.
        ToBePickedUp = "to_be_picked_up", "To be picked up";
        /// On the way.
        InTransit = "in_transit", "In transit";
        /// With the receiver.
        Arrived = "arrived", "Arrived";
    }
);

codes!(
    /// How a referral ended for the animal.
    OutcomeKind {
        /// Treated and handed back to the referrer or owner.
        TreatedAndReturned = "treated_and_returned", "Treated and returned";
        /// Admitted for further care.
        Admitted = "admitted", "Admitted";
        /// Sent on to another organization.
        TransferredOn = "transferred_on", "Transferred on";
        /// Released to the wild.
        Released = "released", "Released";
        /// Died.
        Died = "died", "Died";
        /// Put to sleep.
        Euthanised = "euthanised", "Euthanised";
    }
);

/// The receiver's record of how the referral ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// What happened.
    pub kind: OutcomeKind,
    /// What the referrer should know.
    #[serde(default)]
    pub note: Option<ClinicalNote>,
    /// When the patient should be seen again, if at all.
    #[serde(default)]
    pub follow_up_due: Option<NaiveDate>,
}

/// Checks that `by` may record an outcome on a referral in `status`.
pub fn check_outcome(status: ReferralStatus, by: Party) -> Result<(), ReferralError> {
    if !status.is_taken() {
        return Err(ReferralError::Illegal {
            from: status,
            to: ReferralStatus::Completed,
        });
    }
    if by != Party::Receiver {
        return Err(ReferralError::NotYours {
            to: ReferralStatus::Completed,
            allowed: Party::Receiver.name().to_owned(),
        });
    }
    Ok(())
}

codes!(
    /// The animal's sex as known.
    Sex {
        /// Female.
        Female = "female", "Female";
        /// Male.
        Male = "male", "Male";
        /// Neutered female.
        FemaleNeutered = "female_neutered", "Female (neutered)";
        /// Neutered male.
        MaleNeutered = "male_neutered", "Male (neutered)";
        /// Not known.
        Unknown = "unknown", "Unknown";
    }
);

/// The patient as the referral describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Patient {
    /// The animal's name, or the finder's description ("adult hedgehog, road").
    #[serde(default)]
    pub name: Option<ShortText>,
    /// Sex, if known.
    #[serde(default)]
    pub sex: Option<Sex>,
    /// Age as known ("2 years", "juvenile").
    #[serde(default)]
    pub age: Option<ShortText>,
    /// Weight in grams.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100000))]
    pub weight_grams: Option<Weight>,
    /// Microchip, ring or clinic record numbers.
    #[serde(default)]
    pub identifiers: Vec<ShortText>,
}

/// A weight in grams, 1 g to 100 kg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = u32))]
#[serde(try_from = "u32", into = "u32")]
pub struct Weight(u32);

impl Weight {
    /// The weight in grams.
    pub fn grams(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Weight {
    type Error = &'static str;

    fn try_from(grams: u32) -> Result<Self, Self::Error> {
        if (1..=100_000).contains(&grams) {
            Ok(Self(grams))
        } else {
            Err("must be between 1 and 100000 grams")
        }
    }
}

impl From<Weight> for u32 {
    fn from(weight: Weight) -> u32 {
        weight.0
    }
}

/// The owner or finder: personal data, shown only to the two organizations
/// in the referral and to network admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Their name.
    pub name: ShortText,
    /// A telephone number.
    #[serde(default)]
    pub phone: Option<Phone>,
    /// An e-mail address.
    #[serde(default)]
    pub email: Option<Email>,
}

codes!(
    /// A transport leg's lifecycle: `new → confirmed → scheduled →
    /// completed`, `new → scheduled` when the driver is known at once, and
    /// `cancelled` from any but the end.
    TransportStatus {
        /// Asked for.
        New = "new", "New";
        /// Both sides agree it is needed as described.
        Confirmed = "confirmed", "Confirmed";
        /// A driver and a time are set.
        Scheduled = "scheduled", "Scheduled";
        /// Delivered.
        Completed = "completed", "Completed";
        /// Called off.
        Cancelled = "cancelled", "Cancelled";
    }
);

impl TransportStatus {
    /// Checks a move of a transport leg.
    pub fn check_transition(self, to: TransportStatus) -> Result<(), TransportError> {
        use TransportStatus::*;
        match (self, to) {
            // A leg arranged with its driver at once is scheduled straight away.
            (New, Confirmed) | (New | Confirmed, Scheduled) | (Scheduled, Completed) => Ok(()),
            (New | Confirmed | Scheduled, Cancelled) => Ok(()),
            _ => Err(TransportError::Illegal { from: self, to }),
        }
    }

    /// The referral's business status once a leg reaches this status.
    pub fn business_status(self) -> Option<BusinessStatus> {
        match self {
            Self::New | Self::Confirmed => Some(BusinessStatus::TransportToBeArranged),
            Self::Scheduled => Some(BusinessStatus::ToBePickedUp),
            Self::Completed => Some(BusinessStatus::Arrived),
            Self::Cancelled => None,
        }
    }
}

/// A person named on a referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonRef {
    /// The account.
    pub user_id: Uuid,
    /// Their display name.
    pub name: String,
}

/// A referral's transport leg.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransportLeg {
    /// Where it stands.
    pub status: TransportStatus,
    /// Where the animal is collected.
    pub pickup: String,
    /// Where it is taken.
    pub dropoff: String,
    /// Earliest pickup.
    pub window_starts: Option<DateTime<Utc>>,
    /// Latest arrival.
    pub window_ends: Option<DateTime<Utc>>,
    /// Notes for the driver.
    pub notes: Option<String>,
    /// The driver: a member of either organization, or a volunteer of the
    /// network who took a shared leg.
    pub driver: Option<PersonRef>,
    /// Whether the referrer offers the leg to every volunteer of the network
    /// with a valid transport skill, not only the two organizations' own
    /// (it reaches them while the network shares legs).
    #[serde(default)]
    pub shared_with_network: bool,
    /// When a driver is needed by: past it with nobody driving, the referral
    /// shows a warning and the referrer's side is alerted once.
    #[serde(default)]
    pub needed_by: Option<DateTime<Utc>>,
}

/// A transport move the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No such move.
    #[error("a transport cannot go from {from} to {to}")]
    Illegal {
        /// The leg's status.
        from: TransportStatus,
        /// The status asked for.
        to: TransportStatus,
    },
    /// Scheduling needs a driver.
    #[error("scheduling needs a driver")]
    DriverRequired,
    /// The window ends before it starts.
    #[error("the window must end after it starts")]
    Window,
    /// The driver is needed after the latest arrival.
    #[error("must not be after the window's end")]
    NeededBy,
    /// The leg is arranged by the two sides while the referral is open.
    #[error("transport is arranged by the two organizations while the referral is open")]
    ArrangedWhileOpen,
    /// The transport step is set by the two sides while the referral is open.
    #[error("the transport step is set by the two organizations while the referral is open")]
    StepWhileOpen,
    /// The driver named belongs to neither organization.
    #[error("is not a member of either organization")]
    DriverNotMember,
    /// Only the referrer decides whether the network's volunteers see a leg.
    #[error("only the referring organization chooses whether the network's volunteers see the leg")]
    SharingIsReferrers,
}

/// Checks a transport window.
pub fn check_window(
    starts: Option<DateTime<Utc>>,
    ends: Option<DateTime<Utc>>,
) -> Result<(), TransportError> {
    match (starts, ends) {
        (Some(starts), Some(ends)) if ends <= starts => Err(TransportError::Window),
        _ => Ok(()),
    }
}

/// Checks when a driver is needed by: not after the latest arrival.
pub fn check_needed_by(
    needed_by: Option<DateTime<Utc>>,
    window_ends: Option<DateTime<Utc>>,
) -> Result<(), TransportError> {
    match (needed_by, window_ends) {
        (Some(needed_by), Some(ends)) if needed_by > ends => Err(TransportError::NeededBy),
        _ => Ok(()),
    }
}

/// Whether a new leg is offered to the whole network's volunteers unless
/// the referrer says otherwise: yes for tier 1–3, where waiting for one of
/// the two organizations' own volunteers costs the animal; no for tier 4–5.
pub fn shared_by_default(tier: Tier) -> bool {
    tier.number() <= Tier::Urgent.number()
}

/// Whether the network's volunteers see a leg after a change by `by`: the
/// choice asked for, else the leg's current one, else the tier's default.
/// The choice is the referrer's (and a network admin's): the receiver may
/// arrange the leg but not change who sees it.
pub fn choose_sharing(
    by: Party,
    current: Option<bool>,
    tier: Tier,
    asked: Option<bool>,
) -> Result<bool, TransportError> {
    let kept = current.unwrap_or_else(|| shared_by_default(tier));
    match asked {
        Some(choice) if choice != kept && !matches!(by, Party::Referrer | Party::Coordinator) => {
            Err(TransportError::SharingIsReferrers)
        }
        Some(choice) => Ok(choice),
        None => Ok(kept),
    }
}

/// Whether a leg still waits for a driver: asked for or confirmed, nobody
/// named.
pub fn awaits_driver(status: TransportStatus, has_driver: bool) -> bool {
    !has_driver && matches!(status, TransportStatus::New | TransportStatus::Confirmed)
}

/// Whether a leg is late finding a driver: it still waits for one and the
/// time it was needed by has come.
pub fn unclaimed_at(
    status: TransportStatus,
    has_driver: bool,
    needed_by: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    awaits_driver(status, has_driver) && needed_by.is_some_and(|due| due <= now)
}

/// How long a receiver has to accept a referral, per tier, before Warren
/// escalates it. The network sets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AnswerTimes {
    /// Minutes for tier 1.
    pub immediate: u32,
    /// Minutes for tier 2.
    pub very_urgent: u32,
    /// Minutes for tier 3.
    pub urgent: u32,
    /// Minutes for tier 4.
    pub standard: u32,
    /// Minutes for tier 5.
    pub non_urgent: u32,
    /// How far from the referring site (in km, 5–500, default 80) Warren
    /// looks for the next site when a referral goes unanswered. A site
    /// further away is no help to an animal in a car; past it, the referrer
    /// is told that nothing suitable is within reach and to call around.
    #[serde(default = "default_escalation_radius")]
    pub escalation_radius_km: u32,
}

/// The escalation radius until the network sets its own: 80 km, about an
/// hour's drive.
pub const DEFAULT_ESCALATION_RADIUS_KM: u32 = 80;

/// The range of escalation radii the network may set, in km.
pub const ESCALATION_RADIUS_KM: std::ops::RangeInclusive<u32> = 5..=500;

fn default_escalation_radius() -> u32 {
    DEFAULT_ESCALATION_RADIUS_KM
}

impl Default for AnswerTimes {
    fn default() -> Self {
        Self {
            immediate: 10,
            very_urgent: 15,
            urgent: 30,
            standard: 60,
            non_urgent: 240,
            escalation_radius_km: DEFAULT_ESCALATION_RADIUS_KM,
        }
    }
}

/// Longest answer time the network may set: a week.
pub const MAX_ANSWER_MINUTES: u32 = 7 * 24 * 60;

impl AnswerTimes {
    /// The minutes for one tier.
    pub fn minutes(&self, tier: Tier) -> u32 {
        match tier {
            Tier::Immediate => self.immediate,
            Tier::VeryUrgent => self.very_urgent,
            Tier::Urgent => self.urgent,
            Tier::Standard => self.standard,
            Tier::NonUrgent => self.non_urgent,
        }
    }

    /// When a referral sent at `sent` must be answered.
    pub fn due(&self, tier: Tier, sent: DateTime<Utc>) -> DateTime<Utc> {
        sent + Duration::minutes(i64::from(self.minutes(tier)))
    }

    /// Checks every time is 1 minute to a week, and that a more urgent tier
    /// never gets longer than a less urgent one. Names the first bad field.
    pub fn check(&self) -> Result<(), (&'static str, &'static str)> {
        let fields = [
            ("immediate", self.immediate),
            ("very_urgent", self.very_urgent),
            ("urgent", self.urgent),
            ("standard", self.standard),
            ("non_urgent", self.non_urgent),
        ];
        for (field, minutes) in fields {
            if !(1..=MAX_ANSWER_MINUTES).contains(&minutes) {
                return Err((field, "must be between 1 and 10080 minutes"));
            }
        }
        for pair in fields.windows(2) {
            if pair[1].1 < pair[0].1 {
                return Err((pair[1].0, "must not be shorter than a more urgent tier's"));
            }
        }
        if !ESCALATION_RADIUS_KM.contains(&self.escalation_radius_km) {
            return Err(("escalation_radius_km", "must be between 5 and 500 km"));
        }
        Ok(())
    }
}

/// Where an unanswered referral goes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscalationStep {
    /// To the receiving site's after-hours cover (it is closed now).
    AfterHoursCover,
    /// To the next suitable site from the directory.
    NextCandidate,
}

/// The escalation rule: a closed receiver with after-hours cover that has not
/// been tried yet hands over to its cover first; otherwise Warren asks the
/// next suitable candidate.
pub fn escalation_step(receiver_open: bool, has_cover: bool, cover_tried: bool) -> EscalationStep {
    if !receiver_open && has_cover && !cover_tried {
        EscalationStep::AfterHoursCover
    } else {
        EscalationStep::NextCandidate
    }
}

/// How many sites a referral may be sent to at once.
pub const MAX_RECEIVERS: usize = 5;

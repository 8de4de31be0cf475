//! Allocation by clinical urgency: the queue order, pre-emption, and the
//! decision on a new request. The policy is at the top of [`super`].

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::items::{Item, MaintenancePlan, NotLendable, lendable};
use super::reservations::{
    LoanRequest, LoanWindow, Reservation, ReservationStatus, WindowError, check_request_window,
    conflicts, first_free,
};
use super::tier_words;
use crate::text::ClinicalNote;
use crate::triage::Tier;

/// How urgent a request is, and on what grounds: a triage tier with a link
/// to the assessment or referral it comes from, or a written justification.
/// Built only through [`Urgency::new`], so a tier never travels without its
/// grounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "UrgencyFields", into = "UrgencyFields")]
pub struct Urgency {
    tier: Tier,
    assessment_id: Option<Uuid>,
    referral_id: Option<Uuid>,
    justification: Option<ClinicalNote>,
}

/// The fields of an [`Urgency`] as they travel.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct UrgencyFields {
    tier: Tier,
    #[serde(default)]
    assessment_id: Option<Uuid>,
    #[serde(default)]
    referral_id: Option<Uuid>,
    #[serde(default)]
    justification: Option<ClinicalNote>,
}

/// An urgency the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrgencyError {
    /// No link to an assessment or referral, and no words either.
    #[error("state the need: link a triage assessment or referral, or write a justification")]
    JustificationRequired,
    /// The request claims more urgency than the linked triage found.
    #[error(
        "the request claims {} but the linked triage found {}",
        tier_words(*.claimed),
        tier_words(*.recorded)
    )]
    MoreUrgentThanRecorded {
        /// The tier the request states.
        claimed: Tier,
        /// The tier the assessment or referral records.
        recorded: Tier,
    },
}

impl Urgency {
    /// Checks that the tier has grounds: a linked assessment or referral, or
    /// a justification (words may accompany a link too).
    pub fn new(
        tier: Tier,
        assessment_id: Option<Uuid>,
        referral_id: Option<Uuid>,
        justification: Option<ClinicalNote>,
    ) -> Result<Self, UrgencyError> {
        if assessment_id.is_none() && referral_id.is_none() && justification.is_none() {
            return Err(UrgencyError::JustificationRequired);
        }
        Ok(Self {
            tier,
            assessment_id,
            referral_id,
            justification,
        })
    }

    /// The tier from a recorded triage assessment.
    pub fn assessed(tier: Tier, assessment_id: Uuid) -> Self {
        Self {
            tier,
            assessment_id: Some(assessment_id),
            referral_id: None,
            justification: None,
        }
    }

    /// The tier from a referral.
    pub fn referred(tier: Tier, referral_id: Uuid) -> Self {
        Self {
            tier,
            assessment_id: None,
            referral_id: Some(referral_id),
            justification: None,
        }
    }

    /// A tier stated in words.
    pub fn justified(tier: Tier, justification: ClinicalNote) -> Self {
        Self {
            tier,
            assessment_id: None,
            referral_id: None,
            justification: Some(justification),
        }
    }

    /// The tier claimed.
    pub fn tier(&self) -> Tier {
        self.tier
    }

    /// The triage assessment it comes from.
    pub fn assessment_id(&self) -> Option<Uuid> {
        self.assessment_id
    }

    /// The referral it comes from.
    pub fn referral_id(&self) -> Option<Uuid> {
        self.referral_id
    }

    /// The need in words.
    pub fn justification(&self) -> Option<&ClinicalNote> {
        self.justification.as_ref()
    }
}

impl TryFrom<UrgencyFields> for Urgency {
    type Error = UrgencyError;

    fn try_from(fields: UrgencyFields) -> Result<Self, Self::Error> {
        Self::new(
            fields.tier,
            fields.assessment_id,
            fields.referral_id,
            fields.justification,
        )
    }
}

impl From<Urgency> for UrgencyFields {
    fn from(urgency: Urgency) -> Self {
        Self {
            tier: urgency.tier,
            assessment_id: urgency.assessment_id,
            referral_id: urgency.referral_id,
            justification: urgency.justification,
        }
    }
}

/// Checks a claimed tier against the tier its linked assessment or referral
/// recorded: a request may claim less urgency, never more.
pub fn check_linked_tier(claimed: Tier, recorded: Tier) -> Result<(), UrgencyError> {
    if claimed < recorded {
        Err(UrgencyError::MoreUrgentThanRecorded { claimed, recorded })
    } else {
        Ok(())
    }
}

/// A place in a queue: most urgent tier first, then longest waiting, then
/// id. Comparing keys is a total order, so every queue has one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QueueKey {
    /// The tier; `Tier`'s order puts tier 1 first.
    pub tier: Tier,
    /// When the wait began.
    pub since: DateTime<Utc>,
    /// The last word between equals.
    pub id: Uuid,
}

impl QueueKey {
    /// The key of a request of `tier` made at `since`.
    pub fn new(tier: Tier, since: DateTime<Utc>, id: Uuid) -> Self {
        Self { tier, since, id }
    }
}

/// Orders two requests: the one to serve first is `Less`.
pub fn by_priority(a: &LoanRequest, b: &LoanRequest) -> Ordering {
    a.queue_key().cmp(&b.queue_key())
}

/// The requests in the order they are served.
pub fn rank(requests: &[LoanRequest]) -> Vec<&LoanRequest> {
    let mut ranked: Vec<&LoanRequest> = requests.iter().collect();
    ranked.sort_by_key(|request| request.queue_key());
    ranked
}

/// The waiting requests of `item_id` whose windows overlap `window`, in the
/// order they are served: the owner's approval queue for that time.
pub fn competing<'a>(
    existing: &'a [Reservation],
    item_id: Uuid,
    window: &LoanWindow,
) -> Vec<&'a Reservation> {
    let mut queue: Vec<&Reservation> = existing
        .iter()
        .filter(|reservation| {
            reservation.item_id == item_id
                && reservation.status == ReservationStatus::Requested
                && reservation.window.overlaps(*window)
        })
        .collect();
    queue.sort_by_key(|reservation| reservation.queue_key());
    queue
}

/// An approval the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApprovalError {
    /// Only a request can be approved.
    #[error("only a request can be approved; this one is {0}")]
    NotRequested(ReservationStatus),
    /// The time is already held.
    #[error("the item is already reserved for overlapping time")]
    Conflict {
        /// The reservation holding it.
        with: Uuid,
    },
    /// Another request for overlapping time comes first in the queue; the
    /// owner declines it before approving this one.
    #[error(
        "a request of {} for overlapping time comes first; decline it before approving this one",
        tier_words(*.tier)
    )]
    Outranked {
        /// The request ahead.
        by: Uuid,
        /// Its tier.
        tier: Tier,
    },
}

/// Checks that the owner may approve `request` now: it is still a request,
/// nothing holds its time, and no request for overlapping time is ahead of
/// it in the queue.
pub fn check_approval(
    request: &Reservation,
    existing: &[Reservation],
) -> Result<(), ApprovalError> {
    if request.status != ReservationStatus::Requested {
        return Err(ApprovalError::NotRequested(request.status));
    }
    if let Some(holder) = conflicts(existing, request.item_id, &request.window)
        .into_iter()
        .find(|reservation| reservation.id != request.id)
    {
        return Err(ApprovalError::Conflict { with: holder.id });
    }
    match competing(existing, request.item_id, &request.window).first() {
        Some(ahead) if ahead.id != request.id && ahead.queue_key() < request.queue_key() => {
            Err(ApprovalError::Outranked {
                by: ahead.id,
                tier: ahead.urgency.tier(),
            })
        }
        _ => Ok(()),
    }
}

/// Whether a booking of `tier` is routine: tier 4 (standard) or 5
/// (non-urgent). Tier 3 is an urgent clinical need and is never displaced.
pub fn is_routine(tier: Tier) -> bool {
    tier >= Tier::Standard
}

/// Whether a request of `tier` may displace `victim` at `now`: the request
/// is tier 1 or 2, the victim is a routine `reserved` booking (never a
/// request, an active or an overdue loan) whose window has not started.
pub fn may_preempt(tier: Tier, victim: &Reservation, now: DateTime<Utc>) -> bool {
    tier <= Tier::VeryUrgent
        && victim.status == ReservationStatus::Reserved
        && !victim.has_started(now)
        && is_routine(victim.urgency.tier())
        && victim.urgency.tier() > tier
}

/// A booking displaced by pre-emption, and what its borrower is offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Displacement {
    /// The displaced reservation; it is cancelled as `preempted`.
    pub reservation_id: Uuid,
    /// Its borrower, to be told.
    pub borrower_id: Uuid,
    /// The next free slot of the same length from its original start; none
    /// only if no slot fits on the calendar.
    pub offered: Option<LoanWindow>,
    /// What the displaced borrower reads.
    pub reason: String,
}

/// What Warren does with a new request. The reason is shown to both sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// Free, and the owner approves such requests automatically: reserved.
    AutoApprove {
        /// Why.
        reason: String,
    },
    /// Free, but the owner decides: it waits as a request.
    NeedsOwnerApproval {
        /// Why.
        reason: String,
    },
    /// A tier 1–2 request displaces routine bookings that have not started:
    /// reserved at once; the displaced are cancelled and offered other slots.
    Preempt {
        /// Why.
        reason: String,
        /// The bookings displaced, most urgent and longest waiting first.
        displaced: Vec<Displacement>,
    },
    /// The time is held and cannot be taken: declined, with the next free
    /// slot of the same length.
    Conflict {
        /// Why.
        reason: String,
        /// The earliest reservation holding the time.
        blocking_id: Uuid,
        /// Its window.
        blocking_window: LoanWindow,
        /// The next free slot of the requested length from the requested
        /// start.
        next_free: Option<LoanWindow>,
    },
}

impl Decision {
    /// The decision as it is stored on the request: `auto_approve`,
    /// `needs_owner_approval`, `preempt` or `conflict`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::AutoApprove { .. } => "auto_approve",
            Self::NeedsOwnerApproval { .. } => "needs_owner_approval",
            Self::Preempt { .. } => "preempt",
            Self::Conflict { .. } => "conflict",
        }
    }

    /// The reason shown to both sides.
    pub fn reason(&self) -> &str {
        match self {
            Self::AutoApprove { reason }
            | Self::NeedsOwnerApproval { reason }
            | Self::Preempt { reason, .. }
            | Self::Conflict { reason, .. } => reason,
        }
    }

    /// The status the request is stored in.
    pub fn status(&self) -> ReservationStatus {
        match self {
            Self::AutoApprove { .. } | Self::Preempt { .. } => ReservationStatus::Reserved,
            Self::NeedsOwnerApproval { .. } => ReservationStatus::Requested,
            Self::Conflict { .. } => ReservationStatus::Declined,
        }
    }
}

/// A request the rules refuse before any allocation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The request names another item.
    #[error("the request is for another item")]
    WrongItem,
    /// The window is not acceptable.
    #[error(transparent)]
    Window(#[from] WindowError),
    /// The item cannot be lent.
    #[error(transparent)]
    NotLendable(#[from] NotLendable),
    /// The time is held by other bookings: the reason names the blocking
    /// booking's window and the next free slot.
    #[error("{reason}")]
    Taken {
        /// Why, for both sides.
        reason: String,
        /// The next free slot of the requested length from the requested
        /// start, when there is one.
        next_free: Option<LoanWindow>,
    },
}

/// Decides a new request like [`decide`], and refuses it when the time is
/// held ([`RequestError::Taken`]): what remains is the decision to store.
pub fn plan_request(
    request: &LoanRequest,
    item: &Item,
    plans: &[MaintenancePlan],
    existing: &[Reservation],
    now: DateTime<Utc>,
) -> Result<Decision, RequestError> {
    match decide(request, item, plans, existing, now)? {
        Decision::Conflict {
            reason, next_free, ..
        } => Err(RequestError::Taken { reason, next_free }),
        decision => Ok(decision),
    }
}

/// Decides a new request for `item` at `now`, given its maintenance plans
/// and the reservations that exist (of any items; only this item's count,
/// and the request itself is skipped if already stored). See the policy in
/// [`super`].
pub fn decide(
    request: &LoanRequest,
    item: &Item,
    plans: &[MaintenancePlan],
    existing: &[Reservation],
    now: DateTime<Utc>,
) -> Result<Decision, RequestError> {
    if request.item_id != item.id {
        return Err(RequestError::WrongItem);
    }
    check_request_window(&request.window, item.max_loan_days, now)?;
    lendable(item, plans, now)?;
    let others: Vec<Reservation> = existing
        .iter()
        .filter(|reservation| reservation.item_id == item.id && reservation.id != request.id)
        .cloned()
        .collect();
    let blocking = conflicts(&others, item.id, &request.window);
    let tier = request.urgency.tier();
    let window = request.window.words();

    if blocking.is_empty() {
        let key = request.queue_key();
        if let Some(ahead) = competing(&others, item.id, &request.window)
            .into_iter()
            .find(|waiting| waiting.queue_key() < key)
        {
            let ahead_tier = ahead.urgency.tier();
            let why = if ahead_tier < tier {
                format!("a more urgent request ({})", tier_words(ahead_tier))
            } else {
                format!(
                    "an earlier request of the same urgency ({})",
                    tier_words(ahead_tier)
                )
            };
            return Ok(Decision::NeedsOwnerApproval {
                reason: format!(
                    "Free for {window}, but {why} for overlapping time is waiting; the owner serves the queue in order of urgency, then waiting time."
                ),
            });
        }
        if others
            .iter()
            .any(|reservation| reservation.status_at(now) == ReservationStatus::Overdue)
        {
            return Ok(Decision::NeedsOwnerApproval {
                reason: format!(
                    "Free for {window}, but the item is overdue back from another loan; the owner confirms it is back before approving."
                ),
            });
        }
        return Ok(if item.auto_approve {
            Decision::AutoApprove {
                reason: format!(
                    "Free for {window}; the owner approves requests that conflict with nothing automatically."
                ),
            }
        } else {
            Decision::NeedsOwnerApproval {
                reason: format!("Free for {window}; the owner approves each request."),
            }
        });
    }

    if tier <= Tier::VeryUrgent && blocking.iter().all(|victim| may_preempt(tier, victim, now)) {
        let mut victims = blocking.clone();
        victims.sort_by_key(|victim| victim.queue_key());
        let mut busy: Vec<LoanWindow> = others
            .iter()
            .filter(|reservation| {
                reservation.is_blocking()
                    && !victims.iter().any(|victim| victim.id == reservation.id)
            })
            .map(|reservation| reservation.window)
            .collect();
        busy.push(request.window);
        let mut displaced = Vec::with_capacity(victims.len());
        for victim in victims {
            let offered = first_free(busy.clone(), victim.window.length(), victim.window.starts());
            busy.extend(offered);
            let offer = offered.map_or_else(
                || "No free slot of the same length could be found.".to_owned(),
                |slot| format!("The next free slot of the same length is {}.", slot.words()),
            );
            displaced.push(Displacement {
                reservation_id: victim.id,
                borrower_id: victim.borrower_id,
                offered,
                reason: format!(
                    "Your routine booking for {} ({}) was displaced by a {} case under the network's allocation policy: immediate and very urgent cases may take routine bookings that have not started. {offer}",
                    victim.window.words(),
                    tier_words(victim.urgency.tier()),
                    tier_words(tier),
                ),
            });
        }
        let count = displaced.len();
        let bookings = if count == 1 {
            "1 routine booking".to_owned()
        } else {
            format!("{count} routine bookings")
        };
        return Ok(Decision::Preempt {
            reason: format!(
                "Reserved for {window}: a {} case takes precedence over {bookings} that had not started; each displaced borrower is offered the next free slot.",
                tier_words(tier)
            ),
            displaced,
        });
    }

    let holder = blocking[0];
    let busy: Vec<LoanWindow> = others
        .iter()
        .filter(|reservation| reservation.is_blocking())
        .map(|reservation| reservation.window)
        .collect();
    let next_free = first_free(busy, request.window.length(), request.window.starts());
    let mut reason = format!(
        "The item is already reserved for {} ({}).",
        holder.window.words(),
        tier_words(holder.urgency.tier())
    );
    if tier <= Tier::VeryUrgent {
        let why = blocking
            .iter()
            .find(|victim| !may_preempt(tier, victim, now))
            .map_or("", |victim| {
                if victim.status.is_out() {
                    "the item is on loan then, and a loan is never cut short"
                } else if victim.has_started(now) {
                    "a booking that has started is never displaced"
                } else if !is_routine(victim.urgency.tier()) {
                    "only routine (tier 4–5) bookings can be displaced"
                } else {
                    "it cannot be displaced"
                }
            });
        reason.push_str(&format!(" It cannot be pre-empted: {why}."));
    }
    match next_free {
        Some(slot) => reason.push_str(&format!(
            " The next free slot of the requested length is {}.",
            slot.words()
        )),
        None => reason.push_str(" No free slot of the requested length could be found."),
    }
    Ok(Decision::Conflict {
        reason,
        blocking_id: holder.id,
        blocking_window: holder.window,
        next_free,
    })
}

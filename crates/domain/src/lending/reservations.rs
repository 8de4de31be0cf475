//! Reservations and loans: the lifecycle, the time window and the overlap
//! rule.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::allocation::{QueueKey, Urgency};
use super::items::MaxLoanDays;
use super::{LendingParty, MAX_BOOKING_AHEAD_DAYS, grace, names, time_words};
use crate::text::ClinicalNote;

codes!(
    /// Where a reservation stands: `requested → reserved → active →
    /// returned`, with `overdue`, `declined` and `cancelled`.
    ReservationStatus {
        /// Asked for; holds no time until approved.
        Requested = "requested", "Requested";
        /// Approved: the time is held for the borrower.
        Reserved = "reserved", "Reserved";
        /// Checked out: the borrower has the item.
        Active = "active", "On loan";
        /// Still out after its window ended.
        Overdue = "overdue", "Overdue";
        /// Back with the owner, condition recorded.
        Returned = "returned", "Returned";
        /// The owner (or Warren) said no.
        Declined = "declined", "Declined";
        /// Called off before checkout, or displaced by a more urgent case.
        Cancelled = "cancelled", "Cancelled";
    }
);

impl ReservationStatus {
    /// Whether a reservation in this status holds the item's time: reserved,
    /// active and overdue do; a request does not.
    pub fn is_blocking(self) -> bool {
        matches!(self, Self::Reserved | Self::Active | Self::Overdue)
    }

    /// Whether the item is with the borrower.
    pub fn is_out(self) -> bool {
        matches!(self, Self::Active | Self::Overdue)
    }

    /// Whether nothing more can happen to it.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Returned | Self::Declined | Self::Cancelled)
    }
}

/// A move the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReservationError {
    /// The lifecycle has no such move.
    #[error("a reservation cannot go from {from} to {to}")]
    Illegal {
        /// The reservation's status.
        from: ReservationStatus,
        /// The status asked for.
        to: ReservationStatus,
    },
    /// The move exists but belongs to someone else.
    #[error("only the {allowed} may move a reservation to {to}")]
    NotYours {
        /// The status asked for.
        to: ReservationStatus,
        /// Who may.
        allowed: String,
    },
    /// `active` is reached by recording a checkout.
    #[error("a loan starts by recording its checkout")]
    CheckoutRequired,
    /// `returned` is reached by recording a return.
    #[error("a loan ends by recording its return")]
    ReturnRequired,
    /// Declining or cancelling needs a reason from the list.
    #[error("a reason is required")]
    ReasonRequired,
    /// The reason `other` needs words.
    #[error("the reason \"other\" needs a note")]
    NoteRequired,
    /// This side may not give this reason.
    #[error("the {by} cannot cancel with the reason {reason}")]
    ReasonNotYours {
        /// The reason given.
        reason: CancelReason,
        /// Who gave it.
        by: String,
    },
}

/// Checks that `by` may move a reservation from `from` to `to`.
pub fn check_transition(
    from: ReservationStatus,
    to: ReservationStatus,
    by: LendingParty,
) -> Result<(), ReservationError> {
    use LendingParty::{Borrower, Coordinator, Owner, Warren};
    use ReservationStatus::*;
    let allowed: &[LendingParty] = match (from, to) {
        // Warren approves when the owner allows auto-approval, and declines
        // requests the item can no longer serve.
        (Requested, Reserved | Declined) => &[Owner, Warren],
        (Requested, Cancelled) => &[Borrower, Coordinator],
        (Reserved, Cancelled) => &[Borrower, Owner, Coordinator, Warren],
        (Reserved, Active) => return Err(ReservationError::CheckoutRequired),
        (Active, Overdue) => &[Warren],
        (Active | Overdue, Returned) => return Err(ReservationError::ReturnRequired),
        _ => return Err(ReservationError::Illegal { from, to }),
    };
    if allowed.contains(&by) {
        Ok(())
    } else {
        Err(ReservationError::NotYours {
            to,
            allowed: names(allowed),
        })
    }
}

/// The statuses `by` could move a reservation in `from` to with a button;
/// checkout and return have their own forms.
pub fn next_statuses(from: ReservationStatus, by: LendingParty) -> Vec<ReservationStatus> {
    ReservationStatus::ALL
        .iter()
        .copied()
        .filter(|to| check_transition(from, *to, by).is_ok())
        .collect()
}

codes!(
    /// Why a reservation was cancelled.
    CancelReason {
        /// The borrower no longer needs it.
        BorrowerWithdrew = "borrower_withdrew", "Withdrawn by the borrower";
        /// The owner needs it back or cannot lend it after all.
        OwnerWithdrew = "owner_withdrew", "Withdrawn by the owner";
        /// Displaced by a tier 1–2 case; the borrower was offered another slot.
        Preempted = "preempted", "Pre-empted by a more urgent case";
        /// The item broke, went into maintenance or was retired.
        ItemUnavailable = "item_unavailable", "Item unavailable";
        /// Cancelled by network admins.
        Coordinator = "coordinator", "Cancelled by network admins";
    }
);

impl CancelReason {
    fn given_by(self) -> &'static [LendingParty] {
        match self {
            Self::BorrowerWithdrew => &[LendingParty::Borrower],
            Self::OwnerWithdrew => &[LendingParty::Owner],
            Self::Preempted => &[LendingParty::Warren],
            Self::ItemUnavailable => &[LendingParty::Owner, LendingParty::Warren],
            Self::Coordinator => &[LendingParty::Coordinator],
        }
    }
}

/// Checks a cancellation: the move, and that `by` may give `reason` (only
/// Warren pre-empts; each side withdraws only for itself).
pub fn check_cancellation(
    from: ReservationStatus,
    by: LendingParty,
    reason: Option<CancelReason>,
) -> Result<CancelReason, ReservationError> {
    check_transition(from, ReservationStatus::Cancelled, by)?;
    let reason = reason.ok_or(ReservationError::ReasonRequired)?;
    if reason.given_by().contains(&by) {
        Ok(reason)
    } else {
        Err(ReservationError::ReasonNotYours {
            reason,
            by: by.name().to_owned(),
        })
    }
}

codes!(
    /// Why an owner declined a request.
    DeclineReason {
        /// The item does not suit the case.
        NotSuitable = "not_suitable", "Not suitable for the case";
        /// The owner needs it at that time.
        NeededByOwner = "needed_by_owner", "Needed by the owner";
        /// A more urgent request was given the time.
        Outranked = "outranked", "Given to a more urgent request";
        /// The item broke, went into maintenance or was retired.
        ItemUnavailable = "item_unavailable", "Item unavailable";
        /// Anything else, in the note.
        Other = "other", "Other";
    }
);

/// Checks a decline's reason and note.
pub fn check_decline(
    reason: Option<DeclineReason>,
    note: Option<&ClinicalNote>,
) -> Result<DeclineReason, ReservationError> {
    match reason {
        None => Err(ReservationError::ReasonRequired),
        Some(DeclineReason::Other) if note.is_none() => Err(ReservationError::NoteRequired),
        Some(reason) => Ok(reason),
    }
}

/// A time window `[starts, ends)`: it includes its start and excludes its
/// end, so back-to-back loans do not overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "LoanWindowFields", into = "LoanWindowFields")]
pub struct LoanWindow {
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
}

/// The fields of a [`LoanWindow`] as they travel.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LoanWindowFields {
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
}

/// A window the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    /// The end is not after the start.
    #[error("the window must end after it starts")]
    EndsBeforeStarts,
    /// The start has passed (beyond a few minutes' grace).
    #[error("the window must not start in the past")]
    InThePast,
    /// The start is more than a year ahead.
    #[error("the window must start within {MAX_BOOKING_AHEAD_DAYS} days")]
    TooFarAhead,
    /// Longer than the owner allows.
    #[error("a loan of this item may last at most {max_days} days")]
    TooLong {
        /// The owner's limit.
        max_days: u16,
    },
}

impl LoanWindow {
    /// Checks that the window ends after it starts.
    pub fn new(starts: DateTime<Utc>, ends: DateTime<Utc>) -> Result<Self, WindowError> {
        if ends > starts {
            Ok(Self { starts, ends })
        } else {
            Err(WindowError::EndsBeforeStarts)
        }
    }

    /// A window of `length` from `starts`; `None` unless `length` is
    /// positive and the end is on the calendar.
    pub fn starting(starts: DateTime<Utc>, length: Duration) -> Option<Self> {
        let ends = starts.checked_add_signed(length)?;
        Self::new(starts, ends).ok()
    }

    /// The first instant in the window.
    pub fn starts(self) -> DateTime<Utc> {
        self.starts
    }

    /// The first instant after the window.
    pub fn ends(self) -> DateTime<Utc> {
        self.ends
    }

    /// How long it lasts; always positive.
    pub fn length(self) -> Duration {
        self.ends - self.starts
    }

    /// Whether `at` falls inside.
    pub fn contains(self, at: DateTime<Utc>) -> bool {
        self.starts <= at && at < self.ends
    }

    /// Whether the two windows share an instant.
    pub fn overlaps(self, other: LoanWindow) -> bool {
        self.starts < other.ends && other.starts < self.ends
    }

    /// "2025-05-03 09:00 UTC – 2025-05-05 09:00 UTC", as reasons spell it.
    pub fn words(self) -> String {
        format!("{} – {}", time_words(self.starts), time_words(self.ends))
    }
}

impl TryFrom<LoanWindowFields> for LoanWindow {
    type Error = WindowError;

    fn try_from(fields: LoanWindowFields) -> Result<Self, Self::Error> {
        Self::new(fields.starts, fields.ends)
    }
}

impl From<LoanWindow> for LoanWindowFields {
    fn from(window: LoanWindow) -> Self {
        Self {
            starts: window.starts,
            ends: window.ends,
        }
    }
}

/// Whether two windows share an instant.
pub fn overlaps(a: &LoanWindow, b: &LoanWindow) -> bool {
    a.overlaps(*b)
}

/// Checks a requested window at `now`: it starts no earlier than a few
/// minutes ago and no later than a year ahead, and lasts no longer than the
/// owner allows.
pub fn check_request_window(
    window: &LoanWindow,
    max: MaxLoanDays,
    now: DateTime<Utc>,
) -> Result<(), WindowError> {
    if window.starts < now - grace() {
        Err(WindowError::InThePast)
    } else if window.starts > now + Duration::days(MAX_BOOKING_AHEAD_DAYS) {
        Err(WindowError::TooFarAhead)
    } else if window.length() > max.duration() {
        Err(WindowError::TooLong {
            max_days: max.days(),
        })
    } else {
        Ok(())
    }
}

/// A request to borrow an item, before any decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoanRequest {
    /// Its id (it becomes the reservation's id).
    pub id: Uuid,
    /// The item asked for.
    pub item_id: Uuid,
    /// The organization asking.
    pub borrower_id: Uuid,
    /// When it is needed.
    pub window: LoanWindow,
    /// How urgent the need is, and why.
    pub urgency: Urgency,
    /// When it was asked; waiting time counts from here.
    pub requested_at: DateTime<Utc>,
}

impl LoanRequest {
    /// Its place in the queue.
    pub fn queue_key(&self) -> QueueKey {
        QueueKey::new(self.urgency.tier(), self.requested_at, self.id)
    }

    /// The reservation it becomes, in `status`.
    pub fn into_reservation(self, status: ReservationStatus) -> Reservation {
        Reservation {
            id: self.id,
            item_id: self.item_id,
            borrower_id: self.borrower_id,
            window: self.window,
            status,
            urgency: self.urgency,
            requested_at: self.requested_at,
        }
    }
}

/// A reservation or loan of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Reservation {
    /// Its id.
    pub id: Uuid,
    /// The item.
    pub item_id: Uuid,
    /// The borrowing organization.
    pub borrower_id: Uuid,
    /// The time it holds.
    pub window: LoanWindow,
    /// Where it stands, as stored.
    pub status: ReservationStatus,
    /// How urgent the need is, and why.
    pub urgency: Urgency,
    /// When it was asked for.
    pub requested_at: DateTime<Utc>,
}

impl Reservation {
    /// Where it stands at `now`: an active loan past its end reads as
    /// overdue even before Warren's job has flagged it.
    pub fn status_at(&self, now: DateTime<Utc>) -> ReservationStatus {
        if self.status == ReservationStatus::Active && now >= self.window.ends {
            ReservationStatus::Overdue
        } else {
            self.status
        }
    }

    /// Whether it holds the item's time.
    pub fn is_blocking(&self) -> bool {
        self.status.is_blocking()
    }

    /// Whether its window has begun at `now`.
    pub fn has_started(&self, now: DateTime<Utc>) -> bool {
        self.window.starts <= now
    }

    /// Its place in the queue.
    pub fn queue_key(&self) -> QueueKey {
        QueueKey::new(self.urgency.tier(), self.requested_at, self.id)
    }
}

/// Whether two reservations conflict: the same item, both blocking, windows
/// overlapping. Symmetric; a reservation does not conflict with itself.
pub fn conflict(a: &Reservation, b: &Reservation) -> bool {
    a.id != b.id
        && a.item_id == b.item_id
        && a.is_blocking()
        && b.is_blocking()
        && a.window.overlaps(b.window)
}

/// The blocking reservations of `item_id` that overlap `window`, earliest
/// first. Reservations of other items are ignored.
pub fn conflicts<'a>(
    existing: &'a [Reservation],
    item_id: Uuid,
    window: &LoanWindow,
) -> Vec<&'a Reservation> {
    let mut found: Vec<&Reservation> = existing
        .iter()
        .filter(|reservation| {
            reservation.item_id == item_id
                && reservation.is_blocking()
                && reservation.window.overlaps(*window)
        })
        .collect();
    found.sort_by_key(|reservation| (reservation.window, reservation.id));
    found
}

/// The earliest window of `length` starting at or after `after` that
/// overlaps no blocking reservation of `item_id`. `None` only when `length`
/// is not positive or the slot would fall off the calendar.
pub fn next_free_slot(
    reservations: &[Reservation],
    item_id: Uuid,
    length: Duration,
    after: DateTime<Utc>,
) -> Option<LoanWindow> {
    let busy = reservations
        .iter()
        .filter(|reservation| reservation.item_id == item_id && reservation.is_blocking())
        .map(|reservation| reservation.window)
        .collect();
    first_free(busy, length, after)
}

/// The earliest window of `length` at or after `after` that overlaps none
/// of `busy`.
pub(super) fn first_free(
    mut busy: Vec<LoanWindow>,
    length: Duration,
    after: DateTime<Utc>,
) -> Option<LoanWindow> {
    busy.sort();
    let mut candidate = LoanWindow::starting(after, length)?;
    for taken in busy {
        if taken.starts >= candidate.ends {
            // Sorted by start: nothing later can reach back into the gap.
            break;
        }
        if taken.ends > candidate.starts {
            candidate = LoanWindow::starting(taken.ends, length)?;
        }
    }
    Some(candidate)
}

/// The active loans past their end at `now`: Warren flags them overdue and
/// tells both sides.
pub fn overdue_loans(reservations: &[Reservation], now: DateTime<Utc>) -> Vec<Uuid> {
    reservations
        .iter()
        .filter(|reservation| {
            reservation.status == ReservationStatus::Active
                && reservation.status_at(now) == ReservationStatus::Overdue
        })
        .map(|reservation| reservation.id)
        .collect()
}

/// Something happened to a loan: sent to the webhooks of the item's owner
/// and of the borrower. `kind` is `loan.` and the timeline step:
/// `loan.requested`, `loan.approved`, `loan.declined`, `loan.preempted` (a
/// more urgent case took the slot; `offered_*` is the next free one),
/// `loan.cancelled`, `loan.checked_out`, `loan.returned`, `loan.overdue`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoanEvent {
    /// Stable identifier of the event.
    pub id: Uuid,
    /// The kind, e.g. `loan.preempted`.
    pub kind: String,
    /// The loan.
    pub loan_id: Uuid,
    /// The item lent.
    pub item_id: Uuid,
    /// The loan's status after the event.
    pub status: ReservationStatus,
    /// The tier of the request's urgency.
    pub tier: u8,
    /// The organization that owns the item.
    pub owner_organization_id: Uuid,
    /// The borrowing organization.
    pub borrower_organization_id: Uuid,
    /// Why, in words, when the step has a reason (a decision, a decline, a
    /// pre-emption).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For `loan.preempted`: the start of the slot offered instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered_starts_at: Option<DateTime<Utc>>,
    /// For `loan.preempted`: the end of the slot offered instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered_ends_at: Option<DateTime<Utc>>,
    /// When.
    pub at: DateTime<Utc>,
}

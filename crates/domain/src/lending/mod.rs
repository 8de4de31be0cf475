//! Lending: the network's kit library and its surplus-supplies board, both
//! shared by clinical need. Pure rules; the store and the handlers call them.
//!
//! # Kit
//!
//! An [`Item`] belongs to one organization and lives at a home site. It has a
//! category, a suitability (species and weight range, plus limits in words
//! such as "reads up to 300 bpm"), a condition, a status
//! (`available → on_loan → available`, `in_maintenance`, `retired`), usage
//! terms with a version number, and the longest loan its owner allows.
//! [`MaintenancePlan`]s say when calibration, service or cleaning is due —
//! every N days from the last time it was done, or after each loan. An item
//! whose *blocking* plan is overdue is not lendable ([`lendable`]) and is
//! hidden from catalog search until the work is recorded; so is an item that
//! is retired, in maintenance, or in a condition that needs repair.
//!
//! # Reservations and loans
//!
//! A [`Reservation`] moves `requested → reserved → active → returned`; an
//! active loan past its end is `overdue` (Warren's job flags it, and
//! [`Reservation::status_at`] shows it at once); a request can be `declined`
//! by the owner, and a request or reservation `cancelled`. Who may make each
//! move is in [`check_transition`]: the owner approves, declines, checks out
//! and confirms returns; the borrower withdraws; Warren auto-approves, flags
//! overdue loans and displaces pre-empted bookings; network admins may cancel.
//! `active` and `returned` are reached only through a recorded checkout or
//! return ([`check_checkout`], [`check_return`]), which carry the condition
//! checklist and the borrower's acceptance of the current usage terms.
//!
//! Windows are half-open, `[starts, ends)`: a loan ending at 09:00 and the
//! next starting at 09:00 do not overlap. **`reserved`, `active` and
//! `overdue` block the item; `requested` does not** — requests queue and
//! compete, and only an approved reservation holds the time. Two
//! reservations of one item conflict iff both block and their windows
//! overlap ([`conflict`]); the database enforces the same rule.
//!
//! # Allocation policy
//!
//! Access follows clinical need, not geography or who asked first:
//!
//! 1. Every request states its [`Urgency`]: a triage [`Tier`] with a link to
//!    the assessment or referral it comes from, or a written justification.
//! 2. Competing requests — same item, overlapping windows — are ranked by
//!    tier (most urgent first), then by waiting time (earliest request
//!    first), then by id, so the order is total and stable ([`QueueKey`]).
//!    The owner approves only the top of that queue ([`check_approval`]); to
//!    skip a request they decline it, with a reason both sides see.
//! 3. A request that conflicts with nothing is approved at once when the
//!    owner allows auto-approval, unless a more urgent request for
//!    overlapping time is waiting or the item is overdue from another loan;
//!    then the owner decides.
//! 4. **Pre-emption**: a tier 1 (immediate) or tier 2 (very urgent) request
//!    may displace *routine* reservations — tier 4 (standard) or 5
//!    (non-urgent), in status `reserved`, whose window has not started.
//!    An active or overdue loan is never displaced, nor a booking that has
//!    started, nor a tier 1–3 booking (tier 3 is urgent clinical need, not
//!    routine). Pre-emption takes effect at once, whatever the owner's
//!    auto-approval setting: a case in respiratory distress cannot wait in an
//!    approval queue, and keeping the displaced booking until the owner
//!    answers would hold the time from both. Each displaced borrower is
//!    offered the next free slot of the same length from their original
//!    start, and slots offered in one decision never overlap each other.
//! 5. Otherwise the request conflicts: the answer names the blocking
//!    reservation and the next free slot of the requested length.
//!
//! Every [`Decision`] carries a reason written for both sides; it names
//! tiers and times, never the other organization or patient.
//!
//! # Surplus supplies
//!
//! Organizations offer consumables ([`SupplyOffer`]); others ask for a
//! quantity with a priority ([`SupplyRequest`]); the offerer fulfils fully or
//! in part ([`fulfil`]). The remaining quantity never goes below zero, and an
//! offer that has expired or run out is not shown ([`visible`]).

mod allocation;
mod checkout;
mod items;
mod parties;
mod reservations;
mod supplies;
#[cfg(test)]
mod tests;

pub use allocation::{
    ApprovalError, Decision, Displacement, QueueKey, RequestError, Urgency, UrgencyError,
    by_priority, check_approval, check_linked_tier, competing, decide, is_routine, may_preempt,
    plan_request, rank,
};
pub use checkout::{
    ChecklistEntry, CheckoutError, ConditionReport, MAX_CHECKLIST_ENTRIES, ReturnOutcome,
    TermsAcceptance, check_checkout, check_return, default_checklist,
};
pub use items::{
    CatalogQuery, Condition, Item, ItemCategory, ItemError, ItemStatus, MaintenanceDue,
    MaintenanceError, MaintenanceInterval, MaintenanceKind, MaintenancePlan, MaintenanceState,
    MaxLoanDays, NotLendable, Suitability, Unlendable, Unsuitable, UsageTerms, WeightRange,
    lendable,
};
pub use parties::{Prefer, party};
pub use reservations::{
    CancelReason, DeclineReason, LoanEvent, LoanRequest, LoanWindow, Reservation, ReservationError,
    ReservationStatus, WindowError, check_cancellation, check_decline, check_request_window,
    check_transition, conflict, conflicts, next_free_slot, next_statuses, overdue_loans, overlaps,
};
pub use supplies::{
    Fulfilment, FulfilmentPlan, MAX_QUANTITY, Quantity, SupplyError, SupplyOffer, SupplyRequest,
    SupplyRequestStatus, SupplyUnit, check_closing, check_offer, check_offer_edit,
    check_supply_request, check_supply_transition, fulfil, plan_fulfilment, plan_withdrawal,
    rank_supply, suggest_allocation, visible,
};

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::triage::Tier;

/// How far in the past a new window may start: the time it takes to fill in
/// the form for a case that is in front of you.
pub const GRACE_MINUTES: i64 = 15;

/// How far ahead a reservation may be made.
pub const MAX_BOOKING_AHEAD_DAYS: i64 = 365;

/// The longest loan an owner may allow.
pub const MAX_LOAN_DAYS_LIMIT: u16 = 365;

fn grace() -> Duration {
    Duration::minutes(GRACE_MINUTES)
}

/// Who is acting on a loan or a supply offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LendingParty {
    /// A member of the organization that owns the item (or offers the
    /// supplies).
    Owner,
    /// A member of the organization that asked to borrow (or asked for
    /// supplies).
    Borrower,
    /// A network admin who belongs to neither side.
    Coordinator,
    /// Warren itself: auto-approval, overdue flags, pre-emption.
    Warren,
}

impl LendingParty {
    /// The side `acting` is on, for an item owned by `owner` and a request
    /// from `borrower`; `None` for a stranger. An organization holding its
    /// own item acts as the owner.
    pub fn of(acting: Uuid, owner: Uuid, borrower: Uuid) -> Option<LendingParty> {
        if acting == owner {
            Some(Self::Owner)
        } else if acting == borrower {
            Some(Self::Borrower)
        } else {
            None
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Borrower => "borrower",
            Self::Coordinator => "network admins",
            Self::Warren => "Warren",
        }
    }
}

fn names(parties: &[LendingParty]) -> String {
    parties
        .iter()
        .map(|party| party.name())
        .collect::<Vec<_>>()
        .join(" or ")
}

/// "tier 1 (immediate)", as reasons spell a tier.
fn tier_words(tier: Tier) -> String {
    let name = match tier {
        Tier::Immediate => "immediate",
        Tier::VeryUrgent => "very urgent",
        Tier::Urgent => "urgent",
        Tier::Standard => "standard",
        Tier::NonUrgent => "non-urgent",
    };
    format!("tier {} ({name})", tier.number())
}

/// A time as reasons spell it: `2025-05-03 09:00 UTC`.
fn time_words(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

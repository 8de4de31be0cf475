//! Checkout and return: the condition checklist and the borrower's
//! acceptance of the usage terms.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::items::{
    Condition, Item, ItemCategory, ItemStatus, MaintenancePlan, NotLendable, lendable,
};
use super::reservations::{Reservation, ReservationError, ReservationStatus};
use super::{LendingParty, grace, names};
use crate::text::{ClinicalNote, ShortText};

/// The most lines a checklist may have.
pub const MAX_CHECKLIST_ENTRIES: usize = 50;

/// One line of a condition checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChecklistEntry {
    /// What was checked: "Power cable", "Flow reaches 5 L/min".
    pub label: ShortText,
    /// Whether it was present and working.
    pub ok: bool,
    /// What is wrong; required when not ok.
    #[serde(default)]
    pub note: Option<ShortText>,
}

/// The item's condition as recorded at checkout or return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConditionReport {
    /// The overall condition.
    pub condition: Condition,
    /// What was checked, line by line.
    pub checklist: Vec<ChecklistEntry>,
    /// Anything else worth knowing; required at return when the condition
    /// is worse than at checkout.
    #[serde(default)]
    pub notes: Option<ClinicalNote>,
}

impl ConditionReport {
    /// Checks the report: 1 to 50 lines, each label once, and a note on
    /// every line that is not ok.
    pub fn check(&self) -> Result<(), CheckoutError> {
        if self.checklist.is_empty() {
            return Err(CheckoutError::ChecklistEmpty);
        }
        if self.checklist.len() > MAX_CHECKLIST_ENTRIES {
            return Err(CheckoutError::ChecklistTooLong);
        }
        for (index, entry) in self.checklist.iter().enumerate() {
            let label = entry.label.as_str();
            if self.checklist[..index]
                .iter()
                .any(|earlier| earlier.label.as_str().eq_ignore_ascii_case(label))
            {
                return Err(CheckoutError::ChecklistDuplicate(label.to_owned()));
            }
            if !entry.ok && entry.note.is_none() {
                return Err(CheckoutError::ChecklistNoteRequired(label.to_owned()));
            }
        }
        Ok(())
    }
}

/// The borrower's acceptance of the owner's usage terms for one loan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TermsAcceptance {
    /// The person who accepted.
    pub accepted_by: Uuid,
    /// Their organization: the borrower.
    pub organization_id: Uuid,
    /// When.
    pub accepted_at: DateTime<Utc>,
    /// The version of the terms they read.
    pub terms_version: u32,
}

/// A checkout or return the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckoutError {
    /// The move itself is not allowed.
    #[error(transparent)]
    Reservation(#[from] ReservationError),
    /// The reservation is for another item.
    #[error("the reservation is for another item")]
    WrongItem,
    /// Checkout before the window opens (beyond a few minutes' grace).
    #[error("the loan cannot be checked out before its window starts")]
    TooEarly,
    /// Checkout after the window closed.
    #[error("the loan's window has ended; make a new request")]
    WindowOver,
    /// The item is not at home and free.
    #[error("the item is {0}, not available")]
    ItemNotAvailable(ItemStatus),
    /// The item cannot be lent.
    #[error(transparent)]
    NotLendable(#[from] NotLendable),
    /// It cannot go out in the condition recorded.
    #[error("an item in condition {0} cannot go out on loan")]
    ConditionNotLendable(Condition),
    /// No checklist.
    #[error("the condition checklist must not be empty")]
    ChecklistEmpty,
    /// Too many lines.
    #[error("the condition checklist may have at most {MAX_CHECKLIST_ENTRIES} lines")]
    ChecklistTooLong,
    /// One label twice.
    #[error("the checklist lists \"{0}\" twice")]
    ChecklistDuplicate(String),
    /// A failed line without a note.
    #[error("say what is wrong with \"{0}\"")]
    ChecklistNoteRequired(String),
    /// The acceptance is someone else's.
    #[error("the usage terms must be accepted by the borrowing organization")]
    TermsNotByBorrower,
    /// The acceptance is of an older (or unknown) version.
    #[error("the usage terms accepted are version {accepted}; the current version is {current}")]
    TermsOutdated {
        /// The version accepted.
        accepted: u32,
        /// The version in force.
        current: u32,
    },
    /// The acceptance does not belong to this loan.
    #[error("the usage terms must be accepted for this loan, after it was requested")]
    TermsNotForThisLoan,
    /// Worse than at checkout, and not a word about it.
    #[error("the item came back in worse condition than it went out; describe the damage")]
    DamageNoteRequired,
}

/// Checks a checkout of `reservation` at `now`, recorded by `by` (the owner
/// handing over or the borrower collecting): the reservation is `reserved`
/// and its window open, the item is at home, lendable and in a lendable
/// condition, the checklist is complete, and the borrower has accepted the
/// terms version in force for this loan.
pub fn check_checkout(
    item: &Item,
    plans: &[MaintenancePlan],
    reservation: &Reservation,
    report: &ConditionReport,
    acceptance: &TermsAcceptance,
    by: LendingParty,
    now: DateTime<Utc>,
) -> Result<(), CheckoutError> {
    const ALLOWED: &[LendingParty] = &[LendingParty::Owner, LendingParty::Borrower];
    if reservation.status != ReservationStatus::Reserved {
        return Err(ReservationError::Illegal {
            from: reservation.status,
            to: ReservationStatus::Active,
        }
        .into());
    }
    if !ALLOWED.contains(&by) {
        return Err(ReservationError::NotYours {
            to: ReservationStatus::Active,
            allowed: names(ALLOWED),
        }
        .into());
    }
    if reservation.item_id != item.id {
        return Err(CheckoutError::WrongItem);
    }
    if now < reservation.window.starts() - grace() {
        return Err(CheckoutError::TooEarly);
    }
    if now >= reservation.window.ends() {
        return Err(CheckoutError::WindowOver);
    }
    if item.status != ItemStatus::Available {
        return Err(CheckoutError::ItemNotAvailable(item.status));
    }
    lendable(item, plans, now)?;
    report.check()?;
    if !report.condition.lendable() {
        return Err(CheckoutError::ConditionNotLendable(report.condition));
    }
    if acceptance.organization_id != reservation.borrower_id {
        return Err(CheckoutError::TermsNotByBorrower);
    }
    if acceptance.terms_version != item.terms.version {
        return Err(CheckoutError::TermsOutdated {
            accepted: acceptance.terms_version,
            current: item.terms.version,
        });
    }
    if acceptance.accepted_at < reservation.requested_at || acceptance.accepted_at > now + grace() {
        return Err(CheckoutError::TermsNotForThisLoan);
    }
    Ok(())
}

/// What a return changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReturnOutcome {
    /// The item's new status: available, or in maintenance when it came
    /// back needing repair. The item's `last_returned_at` becomes the
    /// return time, which makes "after each loan" plans due.
    pub item_status: ItemStatus,
    /// How late it came back, if it did.
    pub late_by: Option<Duration>,
    /// Whether it came back worse than it went out.
    pub condition_worsened: bool,
}

/// Checks a return of `reservation` at `now`, confirmed by the owner (only
/// they know the kit is back): the loan is active or overdue, the checklist
/// is complete, and damage since checkout is described.
pub fn check_return(
    reservation: &Reservation,
    at_checkout: &ConditionReport,
    report: &ConditionReport,
    by: LendingParty,
    now: DateTime<Utc>,
) -> Result<ReturnOutcome, CheckoutError> {
    if !reservation.status.is_out() {
        return Err(ReservationError::Illegal {
            from: reservation.status,
            to: ReservationStatus::Returned,
        }
        .into());
    }
    if by != LendingParty::Owner {
        return Err(ReservationError::NotYours {
            to: ReservationStatus::Returned,
            allowed: names(&[LendingParty::Owner]),
        }
        .into());
    }
    report.check()?;
    let condition_worsened = report.condition.worse_than(at_checkout.condition);
    if condition_worsened && report.notes.is_none() {
        return Err(CheckoutError::DamageNoteRequired);
    }
    let late = now - reservation.window.ends();
    Ok(ReturnOutcome {
        item_status: ItemStatus::after_return(report.condition),
        late_by: (late > Duration::zero()).then_some(late),
        condition_worsened,
    })
}

/// The checklist a new item of `category` starts with; the owner edits it.
pub fn default_checklist(category: ItemCategory) -> &'static [&'static str] {
    use ItemCategory::*;
    const POWER: &str = "Power cable and plug intact";
    match category {
        OxygenConcentrator => &[
            POWER,
            "Flow meter reaches rated flow",
            "Oxygen purity alarm tested",
            "Humidifier bottle clean and dry",
            "Inlet filters present and clean",
        ],
        OxygenCage => &[
            "Door seals close fully",
            "Oxygen inlet and tubing intact",
            "Oxygen sensor reads room air (21%)",
            "Cleaned and disinfected",
        ],
        Incubator => &[
            POWER,
            "Reaches set temperature",
            "Humidity tray clean",
            "Over-temperature alarm tested",
            "Cleaned and disinfected",
        ],
        Monitor | Ecg | PulseOximeter | Capnograph | Doppler => &[
            POWER,
            "Battery holds charge",
            "Probes and leads present and intact",
            "Self-test passes",
            "Alarms audible",
        ],
        Ultrasound | Xray => &[
            POWER,
            "Probe or plate free of cracks",
            "Software starts and images save",
            "Carry case and accessories present",
        ],
        DentalUnit => &[
            POWER,
            "Handpieces present and lubricated",
            "Burrs and accessories present",
            "Water lines flushed",
        ],
        AnaestheticMachine => &[
            "Leak test passed",
            "Vaporiser filled and within service date",
            "Breathing systems and masks present",
            "Scavenging connected and working",
            "Oxygen flowmeter works",
        ],
        InfusionPump => &[
            POWER,
            "Battery holds charge",
            "Occlusion alarm tested",
            "Rate accuracy checked",
        ],
        Nebuliser => &[POWER, "Chamber and mask clean", "Produces mist"],
        HeatMat => &[POWER, "Heats evenly, thermostat works", "Cover intact"],
        TransportBox => &[
            "Door and latches close",
            "Ventilation clear",
            "Cleaned and disinfected",
        ],
        Other => &["Present and complete", "Works as expected", "Cleaned"],
    }
}

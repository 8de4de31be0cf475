//! Kit items, their maintenance plans, and whether an item may be lent.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::reservations::{LoanWindow, Reservation, conflicts};
use super::{LendingParty, MAX_LOAN_DAYS_LIMIT, grace, names, time_words};
use crate::directory::taxonomy::TermCode;
use crate::referral::Weight;
use crate::text::{ClinicalNote, ShortText};

codes!(
    /// What kind of kit an item is.
    ItemCategory {
        /// Oxygen concentrator.
        OxygenConcentrator = "oxygen_concentrator", "Oxygen concentrator";
        /// Oxygen cage or induction chamber.
        OxygenCage = "oxygen_cage", "Oxygen cage";
        /// Incubator or intensive-care unit with heat and humidity.
        Incubator = "incubator", "Incubator";
        /// Multiparameter monitor.
        Monitor = "monitor", "Multiparameter monitor";
        /// Electrocardiograph.
        Ecg = "ecg", "ECG";
        /// Pulse oximeter.
        PulseOximeter = "pulse_oximeter", "Pulse oximeter";
        /// Capnograph.
        Capnograph = "capnograph", "Capnograph";
        /// Doppler blood-pressure or flow probe.
        Doppler = "doppler", "Doppler";
        /// Portable ultrasound.
        Ultrasound = "ultrasound", "Portable ultrasound";
        /// X-ray generator or digital radiography plate.
        Xray = "xray", "X-ray / DR plate";
        /// Dental unit.
        DentalUnit = "dental_unit", "Dental unit";
        /// Anaesthetic machine.
        AnaestheticMachine = "anaesthetic_machine", "Anaesthetic machine";
        /// Infusion pump or syringe driver.
        InfusionPump = "infusion_pump", "Infusion pump / syringe driver";
        /// Nebuliser.
        Nebuliser = "nebuliser", "Nebuliser";
        /// Heat mat or heat pad.
        HeatMat = "heat_mat", "Heat mat";
        /// Transport box or carrier.
        TransportBox = "transport_box", "Transport box";
        /// Anything else; the item's name says what.
        Other = "other", "Other";
    }
);

codes!(
    /// The physical state of an item, recorded at every checkout and return.
    Condition {
        /// Works as it should, no visible wear that matters.
        Good = "good", "Good";
        /// Works, with wear worth noting.
        Fair = "fair", "Fair";
        /// Works poorly or is damaged; must be repaired before it is lent.
        NeedsRepair = "needs_repair", "Needs repair";
        /// Does not work.
        Unusable = "unusable", "Unusable";
    }
);

impl Condition {
    /// Whether an item in this condition may go out on loan.
    pub fn lendable(self) -> bool {
        matches!(self, Self::Good | Self::Fair)
    }

    /// Whether `self` is worse than `before`.
    pub fn worse_than(self, before: Condition) -> bool {
        self > before
    }
}

codes!(
    /// Where an item stands. `available ⇄ on_loan` is driven by checkouts
    /// and returns; the owner moves it in and out of maintenance and retires
    /// it; `retired` is final.
    ItemStatus {
        /// At its home site, in the pool.
        Available = "available", "Available";
        /// Checked out to a borrower.
        OnLoan = "on_loan", "On loan";
        /// Out of the pool for service, calibration or repair.
        InMaintenance = "in_maintenance", "In maintenance";
        /// No longer lent; kept for the record.
        Retired = "retired", "Retired";
    }
);

impl ItemStatus {
    /// Checks that `by` may move an item from `self` to `to`. Checkouts and
    /// returns move it in and out of `on_loan` (they act as Warren); the
    /// owner does the rest.
    pub fn check_transition(self, to: ItemStatus, by: LendingParty) -> Result<(), ItemError> {
        use ItemStatus::*;
        let allowed: &[LendingParty] = match (self, to) {
            (Available, OnLoan) | (OnLoan, Available) => &[LendingParty::Warren],
            // A returned item may go straight to the workshop.
            (OnLoan, InMaintenance) => &[LendingParty::Warren, LendingParty::Owner],
            (Available, InMaintenance) | (InMaintenance, Available) => &[LendingParty::Owner],
            (Available | InMaintenance, Retired) => &[LendingParty::Owner],
            _ => return Err(ItemError::Illegal { from: self, to }),
        };
        if allowed.contains(&by) {
            Ok(())
        } else {
            Err(ItemError::NotYours {
                to,
                allowed: names(allowed),
            })
        }
    }

    /// The status an item takes when it comes back in `condition`.
    pub fn after_return(condition: Condition) -> ItemStatus {
        if condition.lendable() {
            Self::Available
        } else {
            Self::InMaintenance
        }
    }
}

/// A change to an item the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItemError {
    /// No such move.
    #[error("an item cannot go from {from} to {to}")]
    Illegal {
        /// The item's status.
        from: ItemStatus,
        /// The status asked for.
        to: ItemStatus,
    },
    /// The move exists but belongs to someone else.
    #[error("only {allowed} may move an item to {to}")]
    NotYours {
        /// The status asked for.
        to: ItemStatus,
        /// Who may.
        allowed: String,
    },
}

/// The longest loan an owner allows: 1 to 365 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = u16))]
#[serde(try_from = "u16", into = "u16")]
pub struct MaxLoanDays(u16);

impl MaxLoanDays {
    /// Checks the range and builds the value.
    pub fn new(days: u16) -> Result<Self, &'static str> {
        if (1..=MAX_LOAN_DAYS_LIMIT).contains(&days) {
            Ok(Self(days))
        } else {
            Err("must be between 1 and 365 days")
        }
    }

    /// The number of days.
    pub fn days(self) -> u16 {
        self.0
    }

    /// The longest loan as a duration.
    pub fn duration(self) -> Duration {
        Duration::days(i64::from(self.0))
    }
}

impl TryFrom<u16> for MaxLoanDays {
    type Error = &'static str;

    fn try_from(days: u16) -> Result<Self, Self::Error> {
        Self::new(days)
    }
}

impl From<MaxLoanDays> for u16 {
    fn from(days: MaxLoanDays) -> u16 {
        days.0
    }
}

/// A weight range in grams; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "WeightRangeFields", into = "WeightRangeFields")]
pub struct WeightRange {
    min_grams: Option<Weight>,
    max_grams: Option<Weight>,
}

/// The fields of a [`WeightRange`] as they travel.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WeightRangeFields {
    #[serde(default)]
    min_grams: Option<Weight>,
    #[serde(default)]
    max_grams: Option<Weight>,
}

impl WeightRange {
    /// Checks that the minimum is not above the maximum.
    pub fn new(min: Option<Weight>, max: Option<Weight>) -> Result<Self, &'static str> {
        match (min, max) {
            (Some(min), Some(max)) if min.grams() > max.grams() => {
                Err("the minimum weight must not be above the maximum")
            }
            _ => Ok(Self {
                min_grams: min,
                max_grams: max,
            }),
        }
    }

    /// The lightest animal it suits, if limited.
    pub fn min(self) -> Option<Weight> {
        self.min_grams
    }

    /// The heaviest animal it suits, if limited.
    pub fn max(self) -> Option<Weight> {
        self.max_grams
    }

    /// Whether an animal of `weight` falls inside, ends included.
    pub fn contains(self, weight: Weight) -> bool {
        self.min_grams
            .is_none_or(|min| weight.grams() >= min.grams())
            && self
                .max_grams
                .is_none_or(|max| weight.grams() <= max.grams())
    }
}

impl TryFrom<WeightRangeFields> for WeightRange {
    type Error = &'static str;

    fn try_from(fields: WeightRangeFields) -> Result<Self, Self::Error> {
        Self::new(fields.min_grams, fields.max_grams)
    }
}

impl From<WeightRange> for WeightRangeFields {
    fn from(range: WeightRange) -> Self {
        Self {
            min_grams: range.min_grams,
            max_grams: range.max_grams,
        }
    }
}

/// Which animals an item is any use for.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Suitability {
    /// Species or whole groups (`small_mammal`, `wildlife/bird`); empty for
    /// any animal.
    #[serde(default)]
    pub species: Vec<TermCode>,
    /// The weights it works for.
    #[serde(default)]
    pub weight: WeightRange,
    /// Limits in words: "reads heart rates up to 300 bpm — no use for
    /// hamsters or mice", "mask fits 20–60 mm muzzles".
    #[serde(default)]
    pub limits: Vec<ShortText>,
}

/// Why an item does not suit an animal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unsuitable {
    /// The species is not among those listed.
    #[error("not suitable for {0}")]
    Species(TermCode),
    /// The animal is lighter than the item's minimum.
    #[error("for animals of at least {0} g")]
    TooLight(u32),
    /// The animal is heavier than the item's maximum.
    #[error("for animals of at most {0} g")]
    TooHeavy(u32),
}

impl Suitability {
    /// Checks the item suits an animal of `species`, weighing `weight` if
    /// known. A listed group covers its species and the reverse (as the
    /// directory's species terms do).
    pub fn suits(&self, species: &TermCode, weight: Option<Weight>) -> Result<(), Unsuitable> {
        if !self.species.is_empty() && !self.species.iter().any(|code| code.covers(species)) {
            return Err(Unsuitable::Species(species.clone()));
        }
        if let Some(weight) = weight {
            if let Some(min) = self.weight.min().filter(|min| weight.grams() < min.grams()) {
                return Err(Unsuitable::TooLight(min.grams()));
            }
            if let Some(max) = self.weight.max().filter(|max| weight.grams() > max.grams()) {
                return Err(Unsuitable::TooHeavy(max.grams()));
            }
        }
        Ok(())
    }
}

/// The owner's usage terms, versioned: a borrower accepts one version, and a
/// checkout needs the version in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UsageTerms {
    /// Starts at 1 and goes up by one with every change of the text.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: u32,
    /// What the borrower agrees to: who may use it, cleaning, damage, return.
    pub text: ClinicalNote,
}

impl UsageTerms {
    /// The first version of a text.
    pub fn first(text: ClinicalNote) -> Self {
        Self { version: 1, text }
    }

    /// The next version, with a new text. An unchanged text keeps its
    /// version, so nobody is asked to accept the same words twice.
    pub fn revise(&self, text: ClinicalNote) -> Self {
        if text == self.text {
            self.clone()
        } else {
            Self {
                version: self.version.saturating_add(1),
                text,
            }
        }
    }
}

/// A piece of kit in the library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Its id.
    pub id: Uuid,
    /// The organization that owns it.
    pub owner_id: Uuid,
    /// The site it lives at and is collected from.
    pub home_site_id: Uuid,
    /// What people call it: "Concentrator 5 L (blue)".
    pub name: ShortText,
    /// Its kind.
    pub category: ItemCategory,
    /// Which animals it is any use for.
    #[serde(default)]
    pub suitability: Suitability,
    /// Its state at the last checkout, return or inspection.
    pub condition: Condition,
    /// Where it stands.
    pub status: ItemStatus,
    /// The terms a borrower accepts.
    pub terms: UsageTerms,
    /// The longest loan the owner allows, in days.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 365))]
    pub max_loan_days: MaxLoanDays,
    /// Whether requests that conflict with nothing are approved without the
    /// owner.
    #[serde(default)]
    pub auto_approve: bool,
    /// When it last came back from a loan; "after each loan" plans fall due
    /// then.
    #[serde(default)]
    pub last_returned_at: Option<DateTime<Utc>>,
}

codes!(
    /// What a maintenance plan keeps up.
    MaintenanceKind {
        /// Checking readings against a reference (oximeters, monitors,
        /// oxygen concentration).
        Calibration = "calibration", "Calibration";
        /// The maker's service.
        Service = "service", "Service";
        /// Cleaning and disinfection.
        Cleaning = "cleaning", "Cleaning";
        /// Electrical safety test.
        SafetyCheck = "safety_check", "Safety check";
        /// Anything else; the plan's note says what.
        Other = "other", "Other";
    }
);

/// How often a plan falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "every", rename_all = "snake_case", deny_unknown_fields)]
pub enum MaintenanceInterval {
    /// Every so many days (1 to 3650) after it was last done.
    Days {
        /// The number of days.
        #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 3650))]
        days: u16,
    },
    /// Each time the item comes back from a loan.
    AfterEachLoan,
}

impl MaintenanceInterval {
    /// Checks the interval: 1 day to 10 years.
    pub fn check(self) -> Result<(), MaintenanceError> {
        match self {
            Self::Days { days } if !(1..=3650).contains(&days) => Err(MaintenanceError::Interval),
            _ => Ok(()),
        }
    }
}

/// A recurring piece of upkeep on one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MaintenancePlan {
    /// Its id.
    pub id: Uuid,
    /// The item it is for.
    pub item_id: Uuid,
    /// What it keeps up.
    pub kind: MaintenanceKind,
    /// How often it falls due.
    pub interval: MaintenanceInterval,
    /// Whether an overdue plan takes the item out of lending until done.
    pub blocking: bool,
    /// When it was last done; a plan never done is due at once.
    #[serde(default)]
    pub last_done_at: Option<DateTime<Utc>>,
    /// What to do, for whoever does it.
    #[serde(default)]
    pub note: Option<ShortText>,
}

/// When a plan falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "due", rename_all = "snake_case")]
pub enum MaintenanceDue {
    /// Never recorded: due now.
    NeverDone,
    /// Due at this time.
    At {
        /// The time.
        at: DateTime<Utc>,
    },
    /// Done since the last loan: due when the item next comes back.
    AfterNextLoan,
}

/// How a plan stands now, for the owner's maintenance board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MaintenanceState {
    /// Nothing due soon.
    UpToDate,
    /// Due within [`MaintenancePlan::DUE_SOON_DAYS`] days.
    DueSoon,
    /// Past its due time.
    Overdue,
}

/// A maintenance record the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MaintenanceError {
    /// The interval is out of range.
    #[error("the interval must be between 1 and 3650 days")]
    Interval,
    /// Work cannot be recorded as done in the future.
    #[error("maintenance cannot be recorded as done in the future")]
    InTheFuture,
}

impl MaintenancePlan {
    /// How many days ahead a plan counts as due soon.
    pub const DUE_SOON_DAYS: i64 = 14;

    /// When the plan falls due, given when the item last came back from a
    /// loan.
    pub fn due(&self, last_returned_at: Option<DateTime<Utc>>) -> MaintenanceDue {
        match self.interval {
            MaintenanceInterval::Days { days } => match self.last_done_at {
                None => MaintenanceDue::NeverDone,
                Some(done) => MaintenanceDue::At {
                    at: done + Duration::days(i64::from(days)),
                },
            },
            MaintenanceInterval::AfterEachLoan => match (last_returned_at, self.last_done_at) {
                (Some(back), Some(done)) if done >= back => MaintenanceDue::AfterNextLoan,
                (Some(back), _) => MaintenanceDue::At { at: back },
                // Never lent: nothing to clean up after yet.
                (None, _) => MaintenanceDue::AfterNextLoan,
            },
        }
    }

    /// Whether the plan is past due at `now`.
    pub fn is_overdue(&self, last_returned_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        self.state(last_returned_at, now) == MaintenanceState::Overdue
    }

    /// How the plan stands at `now`.
    pub fn state(
        &self,
        last_returned_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> MaintenanceState {
        match self.due(last_returned_at) {
            MaintenanceDue::NeverDone => MaintenanceState::Overdue,
            MaintenanceDue::At { at } if now >= at => MaintenanceState::Overdue,
            MaintenanceDue::At { at } if now + Duration::days(Self::DUE_SOON_DAYS) >= at => {
                MaintenanceState::DueSoon
            }
            MaintenanceDue::At { .. } | MaintenanceDue::AfterNextLoan => MaintenanceState::UpToDate,
        }
    }

    /// The plan after recording the work as done at `done_at`. A record
    /// entered late, older than the last one, does not move the date back.
    pub fn record(
        &self,
        done_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<MaintenancePlan, MaintenanceError> {
        if done_at > now + grace() {
            return Err(MaintenanceError::InTheFuture);
        }
        let last_done_at = Some(self.last_done_at.map_or(done_at, |last| last.max(done_at)));
        Ok(Self {
            last_done_at,
            ..self.clone()
        })
    }
}

/// One reason an item cannot be lent now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Unlendable {
    /// Retired from the library.
    Retired,
    /// The owner has it in maintenance.
    InMaintenance,
    /// Its condition needs repair first.
    Condition {
        /// The recorded condition.
        condition: Condition,
    },
    /// A blocking maintenance plan is overdue.
    MaintenanceOverdue {
        /// The plan.
        plan_id: Uuid,
        /// What the plan keeps up.
        kind: MaintenanceKind,
        /// When it fell due.
        due: MaintenanceDue,
    },
}

impl fmt::Display for Unlendable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Retired => f.write_str("it is retired"),
            Self::InMaintenance => f.write_str("it is in maintenance"),
            Self::Condition { condition } => {
                write!(f, "its condition is {}", condition.label().to_lowercase())
            }
            Self::MaintenanceOverdue { kind, due, .. } => {
                let kind = kind.label().to_lowercase();
                match due {
                    MaintenanceDue::At { at } => {
                        write!(f, "{kind} was due {}", time_words(*at))
                    }
                    MaintenanceDue::NeverDone => write!(f, "{kind} has never been recorded"),
                    MaintenanceDue::AfterNextLoan => write!(f, "{kind} is due after the next loan"),
                }
            }
        }
    }
}

/// Why an item cannot be lent: every reason, not just the first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this item cannot be lent: {}", join(.reasons))]
pub struct NotLendable {
    /// The reasons, in the order checked.
    pub reasons: Vec<Unlendable>,
}

fn join(reasons: &[Unlendable]) -> String {
    reasons
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whether `item` may be lent at `now`: not retired, not in maintenance, in
/// a lendable condition, and with no blocking plan overdue. An item on loan
/// is lendable — it can be reserved for later. Plans for other items are
/// ignored.
pub fn lendable(
    item: &Item,
    plans: &[MaintenancePlan],
    now: DateTime<Utc>,
) -> Result<(), NotLendable> {
    let mut reasons = Vec::new();
    match item.status {
        ItemStatus::Retired => reasons.push(Unlendable::Retired),
        ItemStatus::InMaintenance => reasons.push(Unlendable::InMaintenance),
        ItemStatus::Available | ItemStatus::OnLoan => {}
    }
    if !item.condition.lendable() {
        reasons.push(Unlendable::Condition {
            condition: item.condition,
        });
    }
    for plan in plans
        .iter()
        .filter(|plan| plan.item_id == item.id && plan.blocking)
    {
        if plan.is_overdue(item.last_returned_at, now) {
            reasons.push(Unlendable::MaintenanceOverdue {
                plan_id: plan.id,
                kind: plan.kind,
                due: plan.due(item.last_returned_at),
            });
        }
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(NotLendable { reasons })
    }
}

/// A catalog search: every filter is optional. Distance from a site is the
/// caller's to sort by (it knows the sites); these rules say what matches.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CatalogQuery {
    /// Only this kind of kit.
    #[serde(default)]
    pub category: Option<ItemCategory>,
    /// Only kit suitable for this species (or group).
    #[serde(default)]
    pub species: Option<TermCode>,
    /// Only kit suitable for an animal of this weight, in grams.
    #[serde(default)]
    pub weight_grams: Option<Weight>,
    /// Only kit free for the whole of this window.
    #[serde(default)]
    pub window: Option<LoanWindow>,
}

impl CatalogQuery {
    /// Whether `item` shows in the results at `now`: it must be lendable
    /// (an overdue blocking plan hides it) and pass every filter. The
    /// reservations may be of any items; only the item's own count.
    pub fn matches(
        &self,
        item: &Item,
        plans: &[MaintenancePlan],
        reservations: &[Reservation],
        now: DateTime<Utc>,
    ) -> bool {
        if lendable(item, plans, now).is_err() {
            return false;
        }
        if self
            .category
            .is_some_and(|category| category != item.category)
        {
            return false;
        }
        let suits = match &self.species {
            Some(species) => item.suitability.suits(species, self.weight_grams).is_ok(),
            None => self
                .weight_grams
                .is_none_or(|weight| item.suitability.weight.contains(weight)),
        };
        if !suits {
            return false;
        }
        self.window.is_none_or(|window| {
            window.length() <= item.max_loan_days.duration()
                && conflicts(reservations, item.id, &window).is_empty()
        })
    }
}

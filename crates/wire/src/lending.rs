//! Lending: the kit library (items, maintenance plans, the catalog and each
//! item's calendar) and its loans (requests ranked by urgency, the owner's
//! approval queue, checkout and return with the condition checklist and the
//! usage terms). The rules live in [`warren_domain::lending`]; these are the
//! shapes on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
pub use warren_domain::lending::{
    CancelReason, ChecklistEntry, Condition, ConditionReport, DeclineReason, ItemCategory,
    ItemStatus, LoanEvent, LoanWindow, MaintenanceDue, MaintenanceInterval, MaintenanceKind,
    MaintenanceState, MaxLoanDays, ReservationStatus, Suitability, TermsAcceptance, Unlendable,
    Urgency, UsageTerms, WeightRange,
};
use warren_domain::{ClinicalNote, ShortText};

/// Add an item to the organization's kit library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateItemRequest {
    /// The site the item lives at and is collected from; one of the owner's.
    pub home_site_id: Uuid,
    /// What borrowers call it ("Oxygen concentrator 5 L").
    pub name: ShortText,
    /// What kind of kit it is.
    pub category: ItemCategory,
    /// Model, accessories, anything a borrower should know.
    #[serde(default)]
    pub description: Option<ClinicalNote>,
    /// Which animals it suits (species, weight range, limits in words).
    #[serde(default)]
    pub suitability: Suitability,
    /// Its condition now.
    pub condition: Condition,
    /// The usage terms every borrower accepts at checkout (version 1).
    pub terms: ClinicalNote,
    /// The longest loan allowed, in days (1–365).
    #[cfg_attr(feature = "openapi", schema(value_type = u16, minimum = 1, maximum = 365))]
    pub max_loan_days: MaxLoanDays,
    /// Whether requests that conflict with nothing are approved at once.
    #[serde(default)]
    pub auto_approve: bool,
}

/// Change an item (`If-Match` required). Changed terms get a new version,
/// which borrowers must accept again at their next checkout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateItemRequest {
    /// The home site; one of the owner's.
    pub home_site_id: Uuid,
    /// The name.
    pub name: ShortText,
    /// The category.
    pub category: ItemCategory,
    /// The description.
    #[serde(default)]
    pub description: Option<ClinicalNote>,
    /// The suitability.
    #[serde(default)]
    pub suitability: Suitability,
    /// The condition.
    pub condition: Condition,
    /// The status: the owner may move `available ↔ in_maintenance` and
    /// retire; `on_loan` follows checkouts and returns.
    pub status: ItemStatus,
    /// The usage terms' text.
    pub terms: ClinicalNote,
    /// The longest loan allowed, in days.
    #[cfg_attr(feature = "openapi", schema(value_type = u16, minimum = 1, maximum = 365))]
    pub max_loan_days: MaxLoanDays,
    /// Whether conflict-free requests are approved at once.
    pub auto_approve: bool,
}

/// An item of the kit library, with whether it can be lent now and why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KitItem {
    /// Stable identifier.
    pub id: Uuid,
    /// The owning organization.
    pub owner_id: Uuid,
    /// The owning organization's name.
    pub owner_name: String,
    /// The home site.
    pub home_site_id: Uuid,
    /// The home site's name.
    pub home_site_name: String,
    /// The name.
    pub name: String,
    /// The category.
    pub category: ItemCategory,
    /// The description.
    pub description: Option<String>,
    /// Which animals it suits.
    pub suitability: Suitability,
    /// The condition.
    pub condition: Condition,
    /// The status.
    pub status: ItemStatus,
    /// The usage terms in force, with their version.
    pub terms: UsageTerms,
    /// The longest loan allowed, in days.
    pub max_loan_days: u16,
    /// Whether conflict-free requests are approved at once.
    pub auto_approve: bool,
    /// When it last came back from a loan.
    pub last_returned_at: Option<DateTime<Utc>>,
    /// Whether it can be lent now.
    pub lendable: bool,
    /// Why not, when it cannot (retired, in maintenance, condition, a
    /// blocking maintenance plan overdue).
    pub unlendable: Vec<Unlendable>,
    /// The version for `If-Match`.
    pub version: i64,
}

/// An organization's items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemList {
    /// The items, by name.
    pub items: Vec<KitItem>,
}

/// What the catalog is searched for. Items that cannot be lent now are
/// never listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct CatalogParams {
    /// Only this category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<ItemCategory>,
    /// Only items suitable for this species (a species or group code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub species: Option<String>,
    /// Only items suitable for an animal of this weight, in grams.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_grams: Option<u32>,
    /// With `ends`: only items free for the whole window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts: Option<DateTime<Utc>>,
    /// The window's end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends: Option<DateTime<Utc>>,
    /// Order by distance from this site's home (nearest first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near_site_id: Option<Uuid>,
}

/// One catalog result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogEntry {
    /// The item.
    pub item: KitItem,
    /// Distance from `near_site_id` to the item's home site, when asked.
    pub distance_km: Option<f64>,
}

/// The catalog: lendable items of vetted organizations matching the search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogPage {
    /// The results, nearest first when `near_site_id` is given, else by name.
    pub items: Vec<CatalogEntry>,
}

/// The range of an item's calendar.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct CalendarParams {
    /// From (default: now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DateTime<Utc>>,
    /// To (default: 60 days after `from`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<DateTime<Utc>>,
}

/// A time an item is taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BusySlot {
    /// The window, half-open.
    pub window: LoanWindow,
    /// `reserved`, `active` or `overdue`.
    pub status: ReservationStatus,
    /// The holder's triage tier (1–5); never who holds it.
    pub tier: u8,
}

/// An item's blocking reservations in a range, in time order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemCalendar {
    /// The item.
    pub item_id: Uuid,
    /// The range's start.
    pub from: DateTime<Utc>,
    /// The range's end.
    pub to: DateTime<Utc>,
    /// The busy times.
    pub busy: Vec<BusySlot>,
}

/// Add a maintenance plan to an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateMaintenancePlanRequest {
    /// Calibration, service, cleaning…
    pub kind: MaintenanceKind,
    /// Every N days, or after each loan.
    pub interval: MaintenanceInterval,
    /// Whether an overdue plan takes the item out of lending.
    pub blocking: bool,
    /// When it was last done (none: due at once).
    #[serde(default)]
    pub last_done_at: Option<DateTime<Utc>>,
    /// A note for whoever does it.
    #[serde(default)]
    pub note: Option<ShortText>,
}

/// Record that a plan's work was done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecordMaintenanceRequest {
    /// When (default: now); not in the future.
    #[serde(default)]
    pub done_at: Option<DateTime<Utc>>,
    /// What was done.
    #[serde(default)]
    pub note: Option<ShortText>,
}

/// A maintenance plan with its state now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaintenancePlanView {
    /// Stable identifier.
    pub id: Uuid,
    /// The item.
    pub item_id: Uuid,
    /// The kind of work.
    pub kind: MaintenanceKind,
    /// How often.
    pub interval: MaintenanceInterval,
    /// Whether being overdue stops lending.
    pub blocking: bool,
    /// When it was last done.
    pub last_done_at: Option<DateTime<Utc>>,
    /// The note.
    pub note: Option<String>,
    /// When it is next due.
    pub due: MaintenanceDue,
    /// Up to date, due soon or overdue.
    pub state: MaintenanceState,
}

/// An item's maintenance plans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaintenancePlanList {
    /// The plans, oldest first.
    pub items: Vec<MaintenancePlanView>,
}

/// Ask to borrow an item. The answer is decided at once by the network's
/// allocation policy: reserved (auto-approved, or pre-empting routine
/// bookings for a tier 1–2 case), waiting for the owner, or 409 naming the
/// next free slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateLoanRequest {
    /// The item.
    pub item_id: Uuid,
    /// The borrower's site the item goes to.
    #[serde(default)]
    pub site_id: Option<Uuid>,
    /// When, half-open `[starts, ends)`; not in the past, within the item's
    /// longest loan.
    pub window: LoanWindow,
    /// The clinical urgency: a tier with a linked assessment or referral, or
    /// a written justification.
    pub urgency: Urgency,
}

/// A reservation or loan, as either side sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Loan {
    /// Stable identifier.
    pub id: Uuid,
    /// The item.
    pub item_id: Uuid,
    /// The item's name.
    pub item_name: String,
    /// The owning organization.
    pub owner_id: Uuid,
    /// The borrowing organization.
    pub borrower_id: Uuid,
    /// The borrower's site.
    pub borrower_site_id: Option<Uuid>,
    /// Who asked.
    pub requested_by: String,
    /// When it was asked for.
    pub requested_at: DateTime<Utc>,
    /// The window.
    pub window: LoanWindow,
    /// `requested → reserved → active → returned`, or `overdue`,
    /// `declined`, `cancelled`.
    pub status: ReservationStatus,
    /// The urgency stated.
    pub urgency: Urgency,
    /// The last allocation decision: `auto_approve`,
    /// `needs_owner_approval`, `preempt`, `approved`, `declined`,
    /// `preempted`, `cancelled`.
    pub decision: String,
    /// Why, in words shown to both sides.
    pub decision_reason: String,
    /// The reservation that displaced this one, if pre-empted.
    pub displaced_by: Option<Uuid>,
    /// The slot offered to a displaced borrower.
    pub offered_slot: Option<LoanWindow>,
    /// Why it was cancelled.
    pub cancel_reason: Option<CancelReason>,
    /// Why it was declined.
    pub decline_reason: Option<DeclineReason>,
    /// A note with the last decision.
    pub note: Option<String>,
    /// The borrower's acceptance of the usage terms at checkout.
    pub terms_acceptance: Option<TermsAcceptance>,
    /// The condition when it went out.
    pub checkout_report: Option<ConditionReport>,
    /// When it went out.
    pub checked_out_at: Option<DateTime<Utc>>,
    /// The condition when it came back.
    pub return_report: Option<ConditionReport>,
    /// When it came back.
    pub returned_at: Option<DateTime<Utc>>,
    /// The version for `If-Match`.
    pub version: i64,
}

/// Loans and requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoanList {
    /// The loans.
    pub items: Vec<Loan>,
}

/// Which loans an organization lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct LoanQuery {
    /// `borrower` (default: what it borrows) or `owner` (its items lent out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// `open` (default: requested, reserved, active, overdue) or `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// Decline a request (the owner), with a reason both sides see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeclineLoanRequest {
    /// Why.
    #[serde(default)]
    pub reason: Option<DeclineReason>,
    /// Words for the borrower; required with `other`.
    #[serde(default)]
    pub note: Option<ClinicalNote>,
}

/// Cancel a request or reservation, with a reason both sides see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CancelLoanRequest {
    /// Why (`borrower_withdrew` for the borrower, `owner_withdrew` or
    /// `item_unavailable` for the owner, `coordinator` for network admins).
    #[serde(default)]
    pub reason: Option<CancelReason>,
    /// Words for the other side.
    #[serde(default)]
    pub note: Option<ClinicalNote>,
}

/// Hand the item over: the condition checklist, and the borrower's
/// acceptance of the usage terms in force (by the signed-in borrower).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckoutRequest {
    /// The condition as it goes out.
    pub report: ConditionReport,
    /// The version of the usage terms the borrower accepts; must be the
    /// item's current version.
    pub accept_terms_version: u32,
}

/// Take the item back (the owner), recording its condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReturnLoanRequest {
    /// The condition as it comes back; notes are required when it is worse
    /// than at checkout.
    pub report: ConditionReport,
}

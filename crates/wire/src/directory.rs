//! The directory: sites, their hours, capacity and accuracy, the taxonomy,
//! search, the coordinator's audit queue and each listing's history.
//!
//! Two views of a site exist. [`PublicSite`] is what anyone may read (the
//! public directory, partner embeds, HSDS); [`Site`] adds what only members
//! of the network see: the private phone, the referral contact and who
//! changed or assured the listing.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use warren_domain::directory::hours::{CountryCode, DayHours, OpeningHoursText, Timezone};
use warren_domain::directory::taxonomy::{Taxonomy, TermCode};
use warren_domain::directory::{
    Availability, CapacityLevel, CapacityStatus, Latitude, Limitations, Longitude, Reason,
};
use warren_domain::{AddressLine, Email, OrgName, OrganizationKind, PersonName, Phone};

pub use warren_domain::directory::Cover;
pub use warren_domain::directory::search::SearchParams;
pub use warren_domain::directory::taxonomy::Term;

/// A term as shown beside a site: its code and label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TermRef {
    /// The stable code, e.g. `oxygen_cage`.
    pub code: String,
    /// The label people read, e.g. "Oxygen cage".
    pub label: String,
}

/// Who takes a site's cases while it is closed, as readers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoverView {
    /// The covering site, when the cover is a site of the network.
    pub site_id: Option<Uuid>,
    /// Who covers: the site and its organization, or the on-call service.
    pub name: String,
    /// The number to call for the cover.
    pub phone: Option<String>,
}

/// The capacity a site declared and what it reads as now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CapacityView {
    /// What it reads as now: the declaration, or `unknown` once it lapsed.
    pub status: CapacityStatus,
    /// When the current declaration lapses.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last declared.
    pub declared_at: Option<DateTime<Utc>>,
}

/// A site of the network as anyone may read it (HSDS `location` with its
/// service facts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicSite {
    /// Stable identifier.
    pub id: Uuid,
    /// The organization running the site.
    pub organization_id: Uuid,
    /// The organization's name.
    pub organization_name: String,
    /// The organization's kind.
    pub organization_kind: OrganizationKind,
    /// The site's name.
    pub name: String,
    /// Street address.
    pub address: String,
    /// Town.
    pub town: String,
    /// Postcode.
    pub postcode: String,
    /// ISO 3166 country code; its public holidays apply to the hours.
    pub country: String,
    /// Latitude, WGS 84 degrees.
    pub latitude: f64,
    /// Longitude, WGS 84 degrees.
    pub longitude: f64,
    /// IANA timezone the hours are read in.
    pub timezone: String,
    /// The public phone number.
    pub public_phone: Option<String>,
    /// The public e-mail address.
    pub public_email: Option<String>,
    /// Opening hours in OpenStreetMap `opening_hours` syntax.
    pub opening_hours: Option<String>,
    /// The next seven days of hours, in local time.
    pub week: Vec<DayHours>,
    /// Whether the site takes cases right now.
    pub availability: Availability,
    /// Who takes its cases while it is closed.
    pub after_hours_cover: Option<CoverView>,
    /// What the site can do.
    pub capabilities: Vec<TermRef>,
    /// Which animals it accepts.
    pub species: Vec<TermRef>,
    /// Service limitations.
    pub limitations: Limitations,
    /// Declared capacity.
    pub capacity: CapacityView,
    /// Whether a coordinator has verified the listing and it is not overdue
    /// for audit. Unverified listings should be read with care.
    pub verified: bool,
    /// When a coordinator last verified the listing.
    pub assured_at: Option<DateTime<Utc>>,
    /// When the listing is due to be checked again.
    pub next_audit_due: DateTime<Utc>,
    /// When the listing last changed.
    pub updated_at: DateTime<Utc>,
}

/// The primary contact for referrals into a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReferralContact {
    /// Who to ask for.
    pub name: PersonName,
    /// The direct referral line.
    pub phone: Phone,
    /// Their e-mail address.
    #[serde(default)]
    pub email: Option<Email>,
}

/// A site as members of the network see it: the public listing plus the
/// private contacts and who stands behind the listing.
///
/// Sent with its version as `ETag`; send it back as `If-Match` to edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Site {
    /// Everything the public sees.
    #[serde(flatten)]
    pub listing: PublicSite,
    /// The private phone for clinics of the network.
    pub private_phone: Option<String>,
    /// The primary contact for referrals.
    pub referral_contact: Option<ReferralContact>,
    /// Who last declared the capacity.
    pub capacity_declared_by: Option<String>,
    /// Which coordinator last verified the listing.
    pub assured_by: Option<String>,
    /// Whether the caller may edit the site.
    pub editable: bool,
    /// Increases with every change; the `ETag`.
    pub version: i64,
}

/// The sites of one organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteList {
    /// The sites, by name.
    pub items: Vec<Site>,
}

/// A site's editable facts: sent whole to create a site (`POST`) or to
/// replace its listing (`PUT` with `If-Match`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SiteInput {
    /// The site's name.
    pub name: OrgName,
    /// Street address.
    pub address: AddressLine,
    /// Town.
    pub town: AddressLine,
    /// Postcode.
    pub postcode: AddressLine,
    /// ISO 3166 country code, for public holidays.
    pub country: CountryCode,
    /// Latitude, WGS 84 degrees.
    pub latitude: Latitude,
    /// Longitude, WGS 84 degrees.
    pub longitude: Longitude,
    /// IANA timezone the hours are read in.
    pub timezone: Timezone,
    /// The public phone number.
    #[serde(default)]
    pub public_phone: Option<Phone>,
    /// The private phone for clinics of the network.
    #[serde(default)]
    pub private_phone: Option<Phone>,
    /// The public e-mail address.
    #[serde(default)]
    pub public_email: Option<Email>,
    /// The primary contact for referrals.
    #[serde(default)]
    pub referral_contact: Option<ReferralContact>,
    /// Opening hours in OpenStreetMap `opening_hours` syntax, with public
    /// holidays (`PH`) and exceptions; absent when not published.
    #[serde(default)]
    pub opening_hours: Option<OpeningHoursText>,
    /// Who takes cases while the site is closed.
    #[serde(default)]
    pub after_hours_cover: Option<Cover>,
    /// Capability codes from the taxonomy.
    #[serde(default)]
    pub capabilities: Vec<TermCode>,
    /// Species and group codes from the taxonomy.
    #[serde(default)]
    pub species: Vec<TermCode>,
    /// Service limitations.
    #[serde(default)]
    pub limitations: Limitations,
}

/// Declares a site's capacity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetCapacityRequest {
    /// The new capacity.
    pub status: CapacityLevel,
    /// Minutes until the declaration lapses and reads as `unknown`
    /// (15 – 10,080; default 720, twelve hours).
    #[serde(default)]
    pub expires_in_minutes: Option<u32>,
}

/// One ranked search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    /// The site.
    pub site_id: Uuid,
    /// The site's name.
    pub name: String,
    /// The organization running it.
    pub organization_id: Uuid,
    /// The organization's name.
    pub organization_name: String,
    /// The organization's kind.
    pub organization_kind: OrganizationKind,
    /// Street address.
    pub address: String,
    /// Town.
    pub town: String,
    /// Postcode.
    pub postcode: String,
    /// Latitude, WGS 84 degrees.
    pub latitude: f64,
    /// Longitude, WGS 84 degrees.
    pub longitude: f64,
    /// Whether the site, or its after-hours cover, takes cases at the
    /// requested time.
    pub availability: Availability,
    /// The number to call now: the cover's when covered. Members get the
    /// referral line; the public gets the public number.
    pub phone: Option<String>,
    /// Distance from the requested point, in kilometres.
    pub distance_km: Option<f64>,
    /// Capacity of the site that takes the case (the cover's, when
    /// covered), as it reads at the requested time: a declaration that
    /// lapses before then reads `unknown`.
    pub capacity: CapacityStatus,
    /// Whether the listing is verified and not overdue for audit.
    pub verified: bool,
    /// When a coordinator last verified the listing.
    pub assured_at: Option<DateTime<Utc>>,
    /// Closed sites this site is the after-hours cover for at the requested
    /// time. They are not listed again; a `covering_for` reason names them.
    #[serde(default)]
    pub covering_for: Vec<Uuid>,
    /// Why it matched, most important first.
    pub reasons: Vec<Reason>,
}

/// One page of search results, ranked by match then distance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchPage {
    /// The results on this page.
    pub items: Vec<SearchHit>,
    /// How many results match in all.
    pub total: u64,
    /// Pass as `offset` to get the next page; absent on the last page.
    pub next_offset: Option<u64>,
    /// The instant the hours were checked at.
    pub at: DateTime<Utc>,
    /// The place a `near` search was taken to mean ("Bristol BS1"), with the
    /// point distances are measured from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near: Option<crate::places::Place>,
}

/// One field-level change to a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteChange {
    /// When it changed.
    pub at: DateTime<Utc>,
    /// Who changed it.
    pub actor: String,
    /// The field, e.g. `opening_hours`, `capacity`, `assured_at`.
    pub field: String,
    /// The value before, as text.
    pub old: Option<String>,
    /// The value after, as text.
    pub new: Option<String>,
}

/// A listing's change history, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteHistory {
    /// The changes on this page.
    pub items: Vec<SiteChange>,
    /// Pass as `cursor` to get older changes; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Paging for a listing's history.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Changes per page, 1–200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A listing in the coordinator's audit queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditQueueItem {
    /// The site.
    pub site_id: Uuid,
    /// The site's name.
    pub name: String,
    /// The organization's name.
    pub organization_name: String,
    /// Town.
    pub town: String,
    /// When it was last verified, if ever.
    pub assured_at: Option<DateTime<Utc>>,
    /// Who verified it.
    pub assured_by: Option<String>,
    /// When it is due to be checked.
    pub next_audit_due: DateTime<Utc>,
    /// Whether the audit is overdue (the listing shows as unverified).
    pub overdue: bool,
    /// When the listing last changed.
    pub updated_at: DateTime<Utc>,
    /// The first time in the coming week that the site's on-call rota
    /// leaves nobody on call, if it does (urgent alerts then reach only the
    /// primary referral contact and the admins).
    #[serde(default)]
    pub rota_gap: Option<warren_domain::alerts::Span>,
}

/// The audit queue: overdue listings first, then by due date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditQueuePage {
    /// The listings on this page.
    pub items: Vec<AuditQueueItem>,
    /// How many listings are overdue in all.
    pub overdue: u64,
    /// How many listings are in the queue in all.
    pub total: u64,
    /// Pass as `offset` to get the next page; absent on the last page.
    pub next_offset: Option<u64>,
}

/// Paging for the audit queue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AuditQueueQuery {
    /// `true` lists only overdue listings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_only: Option<bool>,
    /// Listings skipped (from `next_offset`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// Listings per page, 1–200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// The vocabulary in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TermList {
    /// Every term, capabilities first, each vocabulary by code.
    pub items: Vec<Term>,
}

/// Adds a term to a vocabulary (network admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateTermRequest {
    /// The vocabulary.
    pub taxonomy: Taxonomy,
    /// The new code; a species code names its group first
    /// (`small_mammal/jerboa`).
    pub code: TermCode,
    /// The label people read.
    pub label: OrgName,
}

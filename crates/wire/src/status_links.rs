//! Status links for owners and finders: what a referring clinic makes and
//! revokes, the updates clinics share, and the page's answer (no account
//! needed). The rules live in [`warren_domain::referral::status_link`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
pub use warren_domain::referral::status_link::CaseStage;
use warren_domain::text::{ClinicalNote, ShortText};

/// Make a status link for the owner or finder of a referral's animal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusLinkRequest {
    /// Who it is for, for your own list ("Finder, Mrs Patel"); never shown
    /// on the page.
    #[serde(default)]
    pub label: Option<ShortText>,
    /// What they should bring or do, shown on the page ("Bring the box it
    /// was found in and any food it was given").
    #[serde(default)]
    pub what_to_bring: Option<ClinicalNote>,
    /// Whether the updates the clinics share show on the page.
    #[serde(default)]
    pub share_updates: bool,
    /// Whether the outcome shows on the page.
    #[serde(default)]
    pub share_outcome: bool,
}

/// A status link as the referring clinic sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusLink {
    /// Stable identifier.
    pub id: Uuid,
    /// The referral it was made from (it follows the whole case).
    pub referral_id: Uuid,
    /// Who it is for.
    pub label: Option<String>,
    /// What to bring, as shown on the page.
    pub what_to_bring: Option<String>,
    /// Whether shared updates show.
    pub share_updates: bool,
    /// Whether the outcome shows.
    pub share_outcome: bool,
    /// Who made it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it stops working: 30 days after the case closes (none while the
    /// case is open).
    pub expires_at: Option<DateTime<Utc>>,
    /// The link to give, only in the answer that made it: Warren keeps only
    /// a digest of its secret and cannot show it again.
    pub url: Option<String>,
}

/// A case's status links, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusLinkList {
    /// The links.
    pub items: Vec<StatusLink>,
}

/// Share an update with the owner or finder (shown on links that share
/// updates). Plain words: no clinical notes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusUpdateRequest {
    /// The update ("Eating well and gaining weight").
    pub body: ClinicalNote,
}

/// An update shared with the owner or finder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusUpdate {
    /// Stable identifier.
    pub id: Uuid,
    /// The organization that shared it.
    pub organization_name: String,
    /// The text.
    pub body: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A case's shared updates, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusUpdateList {
    /// The updates.
    pub items: Vec<StatusUpdate>,
}

/// Open a status link: its secret, from the link's `#` part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseStatusRequest {
    /// The link's secret.
    pub token: String,
}

/// The place the animal is going to or is at, as the public directory shows
/// it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseStatusPlace {
    /// The site's name.
    pub name: String,
    /// Its organization.
    pub organization_name: String,
    /// Street address.
    pub address: String,
    /// Town.
    pub town: String,
    /// Postcode.
    pub postcode: String,
    /// Its public phone line.
    pub phone: Option<String>,
    /// Opening hours, as the site writes them.
    pub opening_hours: Option<String>,
    /// Whether it is open now.
    pub open_now: bool,
}

/// What a status link shows: only what the clinic chose to share, never
/// clinical notes or the names of staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseStatus {
    /// Where the case stands.
    pub stage: CaseStage,
    /// The headline, in plain words.
    pub headline: String,
    /// What it means, in plain words.
    pub detail: String,
    /// The animal, as the directory names its species ("Hedgehog").
    pub species: String,
    /// The clinic that gave the link.
    pub from: String,
    /// Where the animal is going or is, once a place has said yes.
    pub place: Option<CaseStatusPlace>,
    /// How soon a vet sees it there, by its urgency.
    pub expectation: Option<String>,
    /// What to bring or do.
    pub what_to_bring: Option<String>,
    /// The updates the clinics shared (when the link shares them).
    pub updates: Vec<StatusUpdate>,
    /// The outcome in plain words (when the link shares it and there is one).
    pub outcome: Option<String>,
    /// Where the animal is in its care, in plain words ("Is recovering and
    /// building up strength"): while in care when the link shares updates,
    /// how care ended when it shares the outcome.
    #[serde(default)]
    pub care: Option<String>,
    /// When the link stops working.
    pub expires_at: Option<DateTime<Utc>>,
}

//! Surplus supplies: offers of consumables on the network's board, requests
//! for part of them, the offerer's queue and fulfilment (`none`, `partial`
//! or `complete`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use warren_domain::lending::{Fulfilment, Quantity, SupplyRequestStatus, SupplyUnit};
use warren_domain::triage::Tier;
use warren_domain::{ClinicalNote, ShortText};

/// Offer consumables to the network: fluids, syringes, feeding formula,
/// bandages…
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateSupplyOfferRequest {
    /// Where to collect it: a site of the offering organization.
    pub pickup_site_id: Uuid,
    /// What it is: "Hartmann's 500 ml", "2 ml syringes".
    pub item: ShortText,
    /// More about it: brand, batch, storage.
    #[serde(default)]
    pub description: Option<ClinicalNote>,
    /// How much is offered, 1 to 1,000,000.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000000))]
    pub quantity: Quantity,
    /// The unit it is counted in.
    pub unit: SupplyUnit,
    /// The last day it may be used (not in the past); none for goods that do
    /// not expire.
    #[serde(default)]
    pub expires_on: Option<NaiveDate>,
}

/// Change an offer (the offering organization, `If-Match` required). Every
/// field is replaced; the unit cannot change once offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateSupplyOfferRequest {
    /// Where to collect it: a site of the offering organization.
    pub pickup_site_id: Uuid,
    /// What it is.
    pub item: ShortText,
    /// More about it.
    #[serde(default)]
    pub description: Option<ClinicalNote>,
    /// How much is offered in all, counting what was already given; at
    /// least what was already given.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000000))]
    pub quantity: Quantity,
    /// The last day it may be used.
    #[serde(default)]
    pub expires_on: Option<NaiveDate>,
}

/// An offer of supplies as the network sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplyOfferView {
    /// Stable identifier.
    pub id: Uuid,
    /// The organization offering.
    pub organization_id: Uuid,
    /// Its name.
    pub organization_name: String,
    /// Where to collect it.
    pub pickup_site_id: Uuid,
    /// The site's name.
    pub pickup_site_name: String,
    /// The site's town.
    pub pickup_town: String,
    /// What it is.
    pub item: String,
    /// More about it.
    pub description: Option<String>,
    /// How much was offered.
    pub quantity: u32,
    /// How much is left to give; never below zero.
    pub remaining: u32,
    /// The unit both count.
    pub unit: SupplyUnit,
    /// The last day it may be used.
    pub expires_on: Option<NaiveDate>,
    /// Whether it is past its last day.
    pub expired: bool,
    /// Whether it is on the board: not withdrawn, not expired, something left.
    pub available: bool,
    /// Who offered it.
    pub created_by: String,
    /// When it was offered.
    pub offered_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When the offerer took it off the board.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Distance in kilometres from the site searched near, when one was given.
    pub distance_km: Option<f64>,
    /// The version to send as `If-Match`.
    pub version: i64,
}

/// Which offers the supplies board shows: always only those on the board
/// (not withdrawn, not expired, something left).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct SupplyOfferQuery {
    /// Words to find in the item or its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Only this unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<SupplyUnit>,
    /// A site to search near: results come nearest first, with their distance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near_site_id: Option<Uuid>,
    /// With `near_site_id`: the largest distance kept, in kilometres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_km: Option<f64>,
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Offers per page, 1–200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A page of offers: nearest first when searching near a site, otherwise
/// soonest to expire first, then oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplyOfferPage {
    /// The offers.
    pub items: Vec<SupplyOfferView>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// Ask for part of an offer, for another organization than the offerer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateSupplyRequestRequest {
    /// The offer.
    pub offer_id: Uuid,
    /// How much, at most what is left of the offer.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000000))]
    pub quantity: Quantity,
    /// The priority, as a triage tier: requests are served most urgent
    /// first, then longest waiting.
    pub priority: Tier,
    /// What it is for.
    #[serde(default)]
    pub note: Option<ClinicalNote>,
}

/// A request for supplies as its two organizations see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplyRequestView {
    /// Stable identifier.
    pub id: Uuid,
    /// The offer.
    pub offer_id: Uuid,
    /// What the offer is.
    pub item: String,
    /// The unit.
    pub unit: SupplyUnit,
    /// The organization offering.
    pub offerer_organization_id: Uuid,
    /// Its name.
    pub offerer_organization_name: String,
    /// The organization asking.
    pub organization_id: Uuid,
    /// Its name.
    pub organization_name: String,
    /// How much it asks for.
    pub quantity: u32,
    /// How much it has been given.
    pub fulfilled: u32,
    /// How much is still to give while it is open.
    pub outstanding: u32,
    /// How much of it was given: `none`, `partial` or `complete`.
    pub fulfilment: Fulfilment,
    /// Its priority.
    pub priority: Tier,
    /// What it is for.
    pub note: Option<String>,
    /// Where it stands.
    pub status: SupplyRequestStatus,
    /// Who asked.
    pub requested_by: String,
    /// When it was asked; waiting time counts from here.
    pub requested_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was fulfilled, declined or withdrawn.
    pub closed_at: Option<DateTime<Utc>>,
    /// The caller's side: `offerer`, `requester` or `coordinator`.
    pub side: String,
    /// The version to send as `If-Match`.
    pub version: i64,
}

/// A suggested share of what is left of an offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuggestedShare {
    /// The request.
    pub request_id: Uuid,
    /// How much to give it.
    pub quantity: u32,
}

/// An offer's open requests in the order they are served: most urgent
/// first, then longest waiting. The offerer may follow the suggested split
/// of what is left, or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplyQueue {
    /// The offer.
    pub offer: SupplyOfferView,
    /// The open requests, in order.
    pub items: Vec<SupplyRequestView>,
    /// What is left, split down the queue.
    pub suggestion: Vec<SuggestedShare>,
}

/// Give (part of) what a request asks for (the offerer, `If-Match` of the
/// request required).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FulfilSupplyRequest {
    /// How much to give: at most what the request still needs and what is
    /// left of the offer. Absent: all the request still needs.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000000))]
    pub quantity: Option<Quantity>,
}

/// Close a request (`If-Match` required): the offerer `declined` (gives no
/// more), the requester `withdrawn` (no longer needs it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SupplyTransitionRequest {
    /// The status to move to.
    pub status: SupplyRequestStatus,
}

/// Which of an organization's own requests to list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct SupplyRequestQuery {
    /// `open` (default), `closed` or `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Requests per page, 1–200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A page of requests, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplyRequestPage {
    /// The requests.
    pub items: Vec<SupplyRequestView>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// An organization's own offers, newest first, whatever their state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplyOfferList {
    /// The offers.
    pub items: Vec<SupplyOfferView>,
}

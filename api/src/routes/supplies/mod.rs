//! Surplus supplies: organizations offer consumables to the
//! network; others ask for quantities with a priority; the offerer fulfils
//! them fully or in part, down a queue ranked by urgency then waiting time.
//!
//! The board is the network's: members of vetted organizations (and network
//! admins) see every offer on it, and expired, exhausted or withdrawn offers
//! never appear. A request is known only to its two organizations (and
//! network admins): anyone else gets 404. The rules — what may be asked,
//! given and closed, by whom — are the domain's
//! ([`warren_domain::lending`]); a move the lifecycle does not have is 409
//! naming both states, a move that belongs to the other side is 403.
//!
//! - [`offers`]: the board and the offers on it;
//! - [`requests`]: requests for supplies, fulfilled or closed.

pub mod offers;
pub mod requests;

pub use offers::*;
pub use requests::*;

use chrono::{NaiveDate, Utc};
use uuid::Uuid;
use warren_domain::lending::{LendingParty, Prefer};
use warren_store::supplies::{self as store, OfferRow, RequestRow};
use warren_store::{DbConnection, organizations};
use warren_wire::{SupplyOfferView, SupplyRequestView};

use crate::api::Tx;
use crate::auth::Principal;
use crate::directory::Snapshot;
use crate::error::ApiError;
use crate::routes::lending::{Side, acting_side, side};
use crate::views::supplies as views;

/// Why a volunteer may not handle supplies.
const SUPPLIES_REFUSAL: &str =
    "Only the organization's admins, clinicians and staff handle its supplies.";

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The caller's side of `request` on `offer` (the offerer is the owner and
/// wins when the caller belongs to both): 404 for outsiders, a network admin
/// of neither side acts as coordinator.
fn request_side(who: &Principal, offer: &OfferRow, request: &RequestRow) -> Result<Side, ApiError> {
    side(
        who,
        &offer.organization_id,
        &request.organization_id,
        Prefer::Owner,
    )
}

/// [`request_side`], for a change: 403 for volunteers on their side.
fn acting_request_side(
    who: &Principal,
    offer: &OfferRow,
    request: &RequestRow,
) -> Result<Side, ApiError> {
    acting_side(
        who,
        &offer.organization_id,
        &request.organization_id,
        Prefer::Owner,
        SUPPLIES_REFUSAL,
    )
}

/// Why outsiders do not see the supplies board: it is for members of
/// vetted organizations and network admins.
const NETWORK_ONLY: &str = "Only members of vetted organizations see the supplies board.";

/// 403 unless `organization` is vetted.
fn require_vetted(connection: &mut DbConnection, organization: &str) -> Result<(), ApiError> {
    if organizations::find(connection, organization)?
        .membership
        .is_active()
    {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only vetted organizations share supplies.".into(),
        ))
    }
}

/// An offer the caller may see: the offerer's members and the network; 404
/// for anyone else.
fn visible_offer(tx: &mut Tx, id: &str) -> Result<OfferRow, ApiError> {
    let row = store::offer_row(tx, id)?;
    if tx.who.in_network || tx.who.access.can_read(&row.organization_id) {
        Ok(row)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The offer, for a change by its offerer: 404 for those who cannot see it,
/// 403 for those who can but do not act for the offerer.
fn offerer_offer(tx: &mut Tx, id: &str) -> Result<OfferRow, ApiError> {
    let row = visible_offer(tx, id)?;
    if !tx.who.access.can_act(&row.organization_id) {
        return Err(ApiError::Forbidden(
            "Only the offering organization's admins, clinicians and staff change its offer."
                .into(),
        ));
    }
    Ok(row)
}

/// How a side names itself on a request for supplies.
fn side_name(side: LendingParty) -> &'static str {
    match side {
        LendingParty::Owner => "offerer",
        LendingParty::Borrower => "requester",
        LendingParty::Coordinator | LendingParty::Warren => "coordinator",
    }
}

/// A pickup site of `organization`, from the directory.
fn pickup_site(snapshot: &Snapshot, organization: &str, site_id: Uuid) -> Result<String, ApiError> {
    snapshot
        .records
        .get(&site_id)
        .filter(|site| site.organization_id.to_string() == organization)
        .map(|site| site.id.to_string())
        .ok_or_else(|| {
            ApiError::invalid_field("pickup_site_id", "is not a site of this organization")
        })
}

fn offer_view(connection: &mut DbConnection, row: &OfferRow) -> Result<SupplyOfferView, ApiError> {
    let names = store::Names::load(connection, &[row], &[])?;
    views::offer(row, &names, today(), None)
}

fn request_view(
    connection: &mut DbConnection,
    offer: &OfferRow,
    request: &RequestRow,
    side: LendingParty,
) -> Result<SupplyRequestView, ApiError> {
    let names = store::Names::load(connection, &[offer], &[request])?;
    views::request(request, offer, &names, side_name(side))
}

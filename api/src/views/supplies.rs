//! The supplies board: offers of consumables and the requests for them.

use chrono::NaiveDate;
use warren_domain::lending::SupplyRequestStatus;
use warren_store::supplies::{Names, OfferRow, RequestRow};
use warren_store::utc;
use warren_wire::{SupplyOfferView, SupplyRequestView};

use super::id;
use crate::error::ApiError;

/// An offer as the board shows it on `today`, with its distance from the
/// site searched near, if any.
pub fn offer(
    row: &OfferRow,
    names: &Names,
    today: NaiveDate,
    distance_km: Option<f64>,
) -> Result<SupplyOfferView, ApiError> {
    let offer = row.offer()?;
    let (site_name, town) = names.site(&row.pickup_site_id);
    Ok(SupplyOfferView {
        id: offer.id,
        organization_id: offer.organization_id,
        organization_name: names.organization(&row.organization_id),
        pickup_site_id: offer.pickup_site_id,
        pickup_site_name: site_name,
        pickup_town: town,
        item: row.item.clone(),
        description: row.description.clone(),
        quantity: offer.quantity.units(),
        remaining: offer.remaining,
        unit: offer.unit,
        expires_on: offer.expires_on,
        expired: offer.is_expired(today),
        available: warren_domain::lending::visible(&offer, today),
        created_by: row.created_by.clone(),
        offered_at: offer.offered_at,
        updated_at: utc(row.updated_at),
        withdrawn_at: row.withdrawn_at.map(utc),
        distance_km,
        version: row.version,
    })
}

/// A request of `offer`, for a caller on `side` (`offerer`, `requester` or
/// `coordinator`).
pub fn request(
    row: &RequestRow,
    offer: &OfferRow,
    names: &Names,
    side: &str,
) -> Result<SupplyRequestView, ApiError> {
    let request = row.request()?;
    Ok(SupplyRequestView {
        id: request.id,
        offer_id: request.offer_id,
        item: offer.item.clone(),
        unit: offer.unit()?,
        offerer_organization_id: id(&offer.organization_id)?,
        offerer_organization_name: names.organization(&offer.organization_id),
        organization_id: request.organization_id,
        organization_name: names.organization(&row.organization_id),
        quantity: request.quantity.units(),
        fulfilled: request.fulfilled,
        outstanding: if request.status == SupplyRequestStatus::Open {
            request.outstanding()
        } else {
            0
        },
        fulfilment: request.fulfilment(),
        priority: request.priority,
        note: row.note.clone(),
        status: request.status,
        requested_by: row.requested_by.clone(),
        requested_at: request.requested_at,
        updated_at: utc(row.updated_at),
        closed_at: row.closed_at.map(utc),
        side: side.to_owned(),
        version: row.version,
    })
}

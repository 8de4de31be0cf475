//! Surplus supplies: offers of consumables, requests for quantities, and
//! fulfilment.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::allocation::QueueKey;
use super::{LendingParty, names};
use crate::text::{ClinicalNote, ShortText};
use crate::triage::Tier;

/// The most of anything one offer or request may hold.
pub const MAX_QUANTITY: u32 = 1_000_000;

/// A positive quantity, 1 to 1,000,000 units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = u32))]
#[serde(try_from = "u32", into = "u32")]
pub struct Quantity(u32);

impl Quantity {
    /// Checks the range and builds the quantity.
    pub fn new(units: u32) -> Result<Self, SupplyError> {
        if (1..=MAX_QUANTITY).contains(&units) {
            Ok(Self(units))
        } else {
            Err(SupplyError::Quantity)
        }
    }

    /// The number of units.
    pub fn units(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Quantity {
    type Error = SupplyError;

    fn try_from(units: u32) -> Result<Self, Self::Error> {
        Self::new(units)
    }
}

impl From<Quantity> for u32 {
    fn from(quantity: Quantity) -> u32 {
        quantity.0
    }
}

codes!(
    /// The unit a quantity counts.
    SupplyUnit {
        /// Single items: syringes, bandages, giving sets.
        Piece = "piece", "piece";
        /// Boxes.
        Box = "box", "box";
        /// Packs.
        Pack = "pack", "pack";
        /// Bottles.
        Bottle = "bottle", "bottle";
        /// Bags, e.g. of fluids.
        Bag = "bag", "bag";
        /// Tins or tubs, e.g. of feeding formula.
        Tin = "tin", "tin";
        /// Millilitres.
        Millilitre = "millilitre", "ml";
        /// Litres.
        Litre = "litre", "l";
        /// Grams.
        Gram = "gram", "g";
        /// Kilograms.
        Kilogram = "kilogram", "kg";
    }
);

/// Consumables an organization offers to the network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SupplyOffer {
    /// Its id.
    pub id: Uuid,
    /// The organization offering.
    pub organization_id: Uuid,
    /// Where to collect it.
    pub pickup_site_id: Uuid,
    /// What it is: "Hartmann's 500 ml", "Critical-care herbivore formula".
    pub item: ShortText,
    /// How much was offered.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000000))]
    pub quantity: Quantity,
    /// How much is left to give; never more than offered.
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub remaining: u32,
    /// The unit both count.
    pub unit: SupplyUnit,
    /// The last day it may be used; none for goods that do not expire.
    #[serde(default)]
    pub expires_on: Option<NaiveDate>,
    /// When it was offered.
    pub offered_at: DateTime<Utc>,
    /// Whether the offerer took it off the board.
    #[serde(default)]
    pub withdrawn: bool,
}

impl SupplyOffer {
    /// Whether it has passed its expiry at `today` (usable on the day).
    pub fn is_expired(&self, today: NaiveDate) -> bool {
        self.expires_on.is_some_and(|last_day| last_day < today)
    }
}

/// Whether an offer shows on the supplies board `today`: not withdrawn, not
/// expired, something left.
pub fn visible(offer: &SupplyOffer, today: NaiveDate) -> bool {
    !offer.withdrawn && !offer.is_expired(today) && offer.remaining > 0
}

/// Checks a new offer: it must not have expired already.
pub fn check_offer(expires_on: Option<NaiveDate>, today: NaiveDate) -> Result<(), SupplyError> {
    match expires_on {
        Some(last_day) if last_day < today => Err(SupplyError::Expired),
        _ => Ok(()),
    }
}

codes!(
    /// Where a request for supplies stands. How much of it was given is
    /// [`Fulfilment`].
    SupplyRequestStatus {
        /// Waiting for (more of) the quantity.
        Open = "open", "Open";
        /// Everything asked for was given.
        Fulfilled = "fulfilled", "Fulfilled";
        /// The offerer gave no more (possibly after a part).
        Declined = "declined", "Declined";
        /// The requester no longer needs it.
        Withdrawn = "withdrawn", "Withdrawn";
    }
);

codes!(
    /// How much of a request was given.
    Fulfilment {
        /// Nothing yet.
        None = "none", "None";
        /// Some.
        Partial = "partial", "Partial";
        /// All of it.
        Complete = "complete", "Complete";
    }
);

/// An organization's request for part of an offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SupplyRequest {
    /// Its id.
    pub id: Uuid,
    /// The offer.
    pub offer_id: Uuid,
    /// The organization asking.
    pub organization_id: Uuid,
    /// How much it asks for.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1000000))]
    pub quantity: Quantity,
    /// How much it has been given; never more than asked.
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub fulfilled: u32,
    /// Its priority, as a triage tier.
    pub priority: Tier,
    /// What it is for.
    #[serde(default)]
    pub note: Option<ClinicalNote>,
    /// When it was asked; waiting time counts from here.
    pub requested_at: DateTime<Utc>,
    /// Where it stands.
    pub status: SupplyRequestStatus,
}

impl SupplyRequest {
    /// How much is still to give.
    pub fn outstanding(&self) -> u32 {
        self.quantity.units().saturating_sub(self.fulfilled)
    }

    /// How much of it was given.
    pub fn fulfilment(&self) -> Fulfilment {
        if self.fulfilled == 0 {
            Fulfilment::None
        } else if self.fulfilled >= self.quantity.units() {
            Fulfilment::Complete
        } else {
            Fulfilment::Partial
        }
    }

    /// Its place in the offer's queue: priority, then waiting time, then id.
    pub fn queue_key(&self) -> QueueKey {
        QueueKey::new(self.priority, self.requested_at, self.id)
    }
}

/// A supplies action the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupplyError {
    /// Zero, or more than a million.
    #[error("the quantity must be between 1 and {MAX_QUANTITY}")]
    Quantity,
    /// More than is left.
    #[error("only {remaining} left")]
    NotEnoughLeft {
        /// What is left.
        remaining: u32,
    },
    /// More than the request still needs.
    #[error("the request needs only {outstanding} more")]
    MoreThanRequested {
        /// What the request still needs.
        outstanding: u32,
    },
    /// Past its expiry date.
    #[error("the offer has expired")]
    Expired,
    /// Withdrawn or used up.
    #[error("the offer is no longer available")]
    NotAvailable,
    /// An organization asking for its own offer.
    #[error("an organization cannot request its own offer")]
    OwnOffer,
    /// The request is for another offer.
    #[error("the request is for another offer")]
    WrongOffer,
    /// The request is closed.
    #[error("the request is {0}")]
    Closed(SupplyRequestStatus),
    /// No such move.
    #[error("a supply request cannot go from {from} to {to}")]
    Illegal {
        /// The request's status.
        from: SupplyRequestStatus,
        /// The status asked for.
        to: SupplyRequestStatus,
    },
    /// The move belongs to the other side.
    #[error("only the {allowed} may move a supply request to {to}")]
    NotYours {
        /// The status asked for.
        to: SupplyRequestStatus,
        /// Who may.
        allowed: String,
    },
    /// A withdrawn offer does not change.
    #[error("the offer was withdrawn; offer the supplies again instead")]
    Withdrawn,
    /// The offer is off the board already.
    #[error("the offer was already withdrawn")]
    AlreadyWithdrawn,
    /// A new quantity below what was already given.
    #[error("must be at least the {given} already given")]
    BelowGiven {
        /// What was already given.
        given: u32,
    },
    /// `fulfilled` is reached by giving supplies, not by a status change.
    #[error("a request is fulfilled by giving supplies (POST /supply-requests/{{id}}/fulfilments)")]
    FulfilmentRequired,
    /// Only the offering organization gives.
    #[error("only the offering organization fulfils requests for its supplies")]
    OfferersFulfil,
}

/// Checks a change of `offer` to `quantity` in all: a withdrawn offer does
/// not change, and the quantity counts what was already given, so it cannot
/// go below it.
pub fn check_offer_edit(offer: &SupplyOffer, quantity: Quantity) -> Result<(), SupplyError> {
    if offer.withdrawn {
        return Err(SupplyError::Withdrawn);
    }
    let given = offer.quantity.units().saturating_sub(offer.remaining);
    if quantity.units() < given {
        return Err(SupplyError::BelowGiven { given });
    }
    Ok(())
}

/// Plans taking `offer` off the board: the requests among `requests` that
/// Warren declines with it (the open ones); what was given stays given.
pub fn plan_withdrawal<'a>(
    offer: &SupplyOffer,
    requests: &'a [SupplyRequest],
) -> Result<Vec<&'a SupplyRequest>, SupplyError> {
    if offer.withdrawn {
        return Err(SupplyError::AlreadyWithdrawn);
    }
    let mut declined = Vec::new();
    for request in requests {
        if request.status != SupplyRequestStatus::Open {
            continue;
        }
        check_supply_transition(
            request.status,
            SupplyRequestStatus::Declined,
            LendingParty::Warren,
        )?;
        declined.push(request);
    }
    Ok(declined)
}

/// Checks closing a request by `by`: the offerer declines, the requester
/// withdraws; an open request becomes `fulfilled` only through [`fulfil`].
pub fn check_closing(
    from: SupplyRequestStatus,
    to: SupplyRequestStatus,
    by: LendingParty,
) -> Result<(), SupplyError> {
    if to == SupplyRequestStatus::Fulfilled && from == SupplyRequestStatus::Open {
        return Err(SupplyError::FulfilmentRequired);
    }
    check_supply_transition(from, to, by)
}

/// What a fulfilment gives and how it leaves the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FulfilmentPlan {
    /// What is given.
    pub given: Quantity,
    /// Whether the request is now fully or partly served.
    pub fulfilment: Fulfilment,
    /// The request's status afterwards.
    pub status: SupplyRequestStatus,
}

/// Plans a fulfilment of `request` from `offer` by `by` on `today`: only
/// the offerer gives, `asked` or, when none is given, all the request still
/// needs; the rules of [`fulfil`] apply.
pub fn plan_fulfilment(
    offer: &SupplyOffer,
    request: &SupplyRequest,
    asked: Option<Quantity>,
    by: LendingParty,
    today: NaiveDate,
) -> Result<FulfilmentPlan, SupplyError> {
    if by != LendingParty::Owner {
        return Err(SupplyError::OfferersFulfil);
    }
    let given = match asked {
        Some(quantity) => quantity,
        None => Quantity::new(request.outstanding())?,
    };
    let (mut offer, mut request) = (offer.clone(), request.clone());
    let fulfilment = fulfil(&mut offer, &mut request, given, today)?;
    Ok(FulfilmentPlan {
        given,
        fulfilment,
        status: request.status,
    })
}

/// Checks a new request from `organization_id` for `quantity` of `offer`
/// on `today`: the offer is on the board, is not the requester's own, and
/// has that much left.
pub fn check_supply_request(
    offer: &SupplyOffer,
    organization_id: Uuid,
    quantity: Quantity,
    today: NaiveDate,
) -> Result<(), SupplyError> {
    if offer.is_expired(today) {
        return Err(SupplyError::Expired);
    }
    if !visible(offer, today) {
        return Err(SupplyError::NotAvailable);
    }
    if organization_id == offer.organization_id {
        return Err(SupplyError::OwnOffer);
    }
    if quantity.units() > offer.remaining {
        return Err(SupplyError::NotEnoughLeft {
            remaining: offer.remaining,
        });
    }
    Ok(())
}

/// Checks a status change of a supply request by `by` (the offerer is the
/// owner, the requester the borrower). `fulfilled` is reached through
/// [`fulfil`], which the offerer alone does.
pub fn check_supply_transition(
    from: SupplyRequestStatus,
    to: SupplyRequestStatus,
    by: LendingParty,
) -> Result<(), SupplyError> {
    use SupplyRequestStatus::*;
    let allowed: &[LendingParty] = match (from, to) {
        (Open, Declined) => &[LendingParty::Owner, LendingParty::Warren],
        (Open, Withdrawn) => &[LendingParty::Borrower, LendingParty::Coordinator],
        (Open, Fulfilled) => &[LendingParty::Owner],
        _ => return Err(SupplyError::Illegal { from, to }),
    };
    if allowed.contains(&by) {
        Ok(())
    } else {
        Err(SupplyError::NotYours {
            to,
            allowed: names(allowed),
        })
    }
}

/// Gives `quantity` of `offer` to `request` on `today`, fully or in part.
/// Checks everything first and changes nothing on error; the offer's
/// remaining quantity never goes below zero and the request is never given
/// more than it asked. A request given all it asked becomes `fulfilled`.
pub fn fulfil(
    offer: &mut SupplyOffer,
    request: &mut SupplyRequest,
    quantity: Quantity,
    today: NaiveDate,
) -> Result<Fulfilment, SupplyError> {
    if request.offer_id != offer.id {
        return Err(SupplyError::WrongOffer);
    }
    if request.status != SupplyRequestStatus::Open {
        return Err(SupplyError::Closed(request.status));
    }
    if offer.is_expired(today) {
        return Err(SupplyError::Expired);
    }
    if offer.withdrawn {
        return Err(SupplyError::NotAvailable);
    }
    let units = quantity.units();
    if units > request.outstanding() {
        return Err(SupplyError::MoreThanRequested {
            outstanding: request.outstanding(),
        });
    }
    let remaining = offer
        .remaining
        .checked_sub(units)
        .ok_or(SupplyError::NotEnoughLeft {
            remaining: offer.remaining,
        })?;
    offer.remaining = remaining;
    request.fulfilled += units;
    let fulfilment = request.fulfilment();
    if fulfilment == Fulfilment::Complete {
        request.status = SupplyRequestStatus::Fulfilled;
    }
    Ok(fulfilment)
}

/// The open requests for `offer_id`, in the order they are served.
pub fn rank_supply(requests: &[SupplyRequest], offer_id: Uuid) -> Vec<&SupplyRequest> {
    let mut queue: Vec<&SupplyRequest> = requests
        .iter()
        .filter(|request| {
            request.offer_id == offer_id && request.status == SupplyRequestStatus::Open
        })
        .collect();
    queue.sort_by_key(|request| request.queue_key());
    queue
}

/// A suggested split of what is left of `offer`: down the queue, each
/// request gets what it still needs until nothing is left. The offerer may
/// follow it or not.
pub fn suggest_allocation(
    offer: &SupplyOffer,
    requests: &[SupplyRequest],
) -> Vec<(Uuid, Quantity)> {
    let mut left = offer.remaining;
    let mut split = Vec::new();
    for request in rank_supply(requests, offer.id) {
        let give = request.outstanding().min(left);
        if let Ok(quantity) = Quantity::new(give) {
            split.push((request.id, quantity));
            left -= give;
        }
        if left == 0 {
            break;
        }
    }
    split
}

//! Surplus supplies: offers on the network's board and the requests for
//! part of them.
//!
//! The rules (what may be asked, given, closed) live in
//! [`warren_domain::lending`]; this module stores what the API decided.
//! Changes are conditional on the version the caller read, so a stale edit
//! is `Stale`. Fulfilment takes units off an offer with a conditional
//! update (`remaining >= units`), and the table's `CHECK` keeps `remaining`
//! between zero and what was offered: however many fulfilments race, the
//! offer never gives more than it had, on either backend.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use warren_domain::lending::{
    Quantity, SupplyOffer, SupplyRequest, SupplyRequestStatus, SupplyUnit,
};
use warren_domain::triage::Tier;
use warren_domain::{ClinicalNote, ShortText};

use crate::schema::{organizations, sites, supply_offers, supply_requests};
use crate::{DbConnection, StoreError, StoreResult, like_pattern, now, parse_id, utc};

diesel::define_sql_function! {
    /// SQL `LOWER(text)`, the same on both backends.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

fn corrupt(what: &str, value: impl std::fmt::Debug) -> StoreError {
    StoreError::Corrupt(format!("{what} {value:?}"))
}

fn units(value: i32) -> StoreResult<u32> {
    u32::try_from(value).map_err(|_| corrupt("quantity", value))
}

fn quantity(value: i32) -> StoreResult<Quantity> {
    Quantity::new(units(value)?).map_err(|_| corrupt("quantity", value))
}

/// A quantity as stored.
pub fn stored(units: u32) -> i32 {
    // Quantities are at most `MAX_QUANTITY`, far below `i32::MAX`.
    i32::try_from(units).unwrap_or(i32::MAX)
}

/// An offer row as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = supply_offers)]
pub struct OfferRow {
    /// Stable identifier.
    pub id: String,
    /// The organization offering.
    pub organization_id: String,
    /// Where to collect it.
    pub pickup_site_id: String,
    /// What it is.
    pub item: String,
    /// More about it.
    pub description: Option<String>,
    /// How much was offered.
    pub quantity: i32,
    /// How much is left.
    pub remaining: i32,
    /// The unit's stable name.
    pub unit: String,
    /// The last day it may be used.
    pub expires_on: Option<NaiveDate>,
    /// Who offered it.
    pub created_by: String,
    /// Their account.
    pub created_by_user_id: Option<String>,
    /// When.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
    /// When it was taken off the board.
    pub withdrawn_at: Option<NaiveDateTime>,
    /// Version for `If-Match`.
    pub version: i64,
}

impl OfferRow {
    /// How much was already given.
    pub fn given(&self) -> StoreResult<u32> {
        units(self.quantity - self.remaining)
    }

    /// The unit.
    pub fn unit(&self) -> StoreResult<SupplyUnit> {
        SupplyUnit::parse(&self.unit).ok_or_else(|| corrupt("unit", &self.unit))
    }

    /// The offer as the rules see it.
    pub fn offer(&self) -> StoreResult<SupplyOffer> {
        Ok(SupplyOffer {
            id: parse_id(&self.id)?,
            organization_id: parse_id(&self.organization_id)?,
            pickup_site_id: parse_id(&self.pickup_site_id)?,
            item: ShortText::parse(&self.item).map_err(|_| corrupt("item", &self.item))?,
            quantity: quantity(self.quantity)?,
            remaining: units(self.remaining)?,
            unit: self.unit()?,
            expires_on: self.expires_on,
            offered_at: utc(self.created_at),
            withdrawn: self.withdrawn_at.is_some(),
        })
    }
}

/// A new offer.
#[derive(Debug, Insertable)]
#[diesel(table_name = supply_offers)]
pub struct NewOffer {
    /// Stable identifier (see [`crate::new_id`]).
    pub id: String,
    /// The organization offering.
    pub organization_id: String,
    /// Where to collect it.
    pub pickup_site_id: String,
    /// What it is.
    pub item: String,
    /// More about it.
    pub description: Option<String>,
    /// How much.
    pub quantity: i32,
    /// All of it, at first.
    pub remaining: i32,
    /// The unit's stable name.
    pub unit: String,
    /// The last day it may be used.
    pub expires_on: Option<NaiveDate>,
    /// Who offered it.
    pub created_by: String,
    /// Their account.
    pub created_by_user_id: Option<String>,
    /// When.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// A request row as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = supply_requests)]
pub struct RequestRow {
    /// Stable identifier.
    pub id: String,
    /// The offer.
    pub offer_id: String,
    /// The organization asking.
    pub organization_id: String,
    /// How much it asks for.
    pub quantity: i32,
    /// How much it was given.
    pub fulfilled: i32,
    /// The tier number.
    pub priority: i32,
    /// What it is for.
    pub note: Option<String>,
    /// The status's stable name.
    pub status: String,
    /// Who asked.
    pub requested_by: String,
    /// Their account.
    pub requested_by_user_id: Option<String>,
    /// When.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
    /// When it closed.
    pub closed_at: Option<NaiveDateTime>,
    /// Version for `If-Match`.
    pub version: i64,
}

impl RequestRow {
    /// The status.
    pub fn status(&self) -> StoreResult<SupplyRequestStatus> {
        SupplyRequestStatus::parse(&self.status).ok_or_else(|| corrupt("status", &self.status))
    }

    /// The request as the rules see it.
    pub fn request(&self) -> StoreResult<SupplyRequest> {
        Ok(SupplyRequest {
            id: parse_id(&self.id)?,
            offer_id: parse_id(&self.offer_id)?,
            organization_id: parse_id(&self.organization_id)?,
            quantity: quantity(self.quantity)?,
            fulfilled: units(self.fulfilled)?,
            priority: u8::try_from(self.priority)
                .ok()
                .and_then(Tier::from_number)
                .ok_or_else(|| corrupt("tier", self.priority))?,
            note: self
                .note
                .as_deref()
                .map(|text| ClinicalNote::parse(text).map_err(|_| corrupt("note", text)))
                .transpose()?,
            requested_at: utc(self.created_at),
            status: self.status()?,
        })
    }
}

/// A new request.
#[derive(Debug, Insertable)]
#[diesel(table_name = supply_requests)]
pub struct NewRequest {
    /// Stable identifier.
    pub id: String,
    /// The offer.
    pub offer_id: String,
    /// The organization asking.
    pub organization_id: String,
    /// How much.
    pub quantity: i32,
    /// The tier number.
    pub priority: i32,
    /// What it is for.
    pub note: Option<String>,
    /// `open`.
    pub status: String,
    /// Who asked.
    pub requested_by: String,
    /// Their account.
    pub requested_by_user_id: Option<String>,
    /// When.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// Inserts an offer.
pub fn insert_offer(connection: &mut DbConnection, offer: &NewOffer) -> StoreResult<()> {
    diesel::insert_into(supply_offers::table)
        .values(offer)
        .execute(connection)?;
    Ok(())
}

/// One offer's row.
pub fn offer_row(connection: &mut DbConnection, id: &str) -> StoreResult<OfferRow> {
    Ok(supply_offers::table
        .find(id)
        .select(OfferRow::as_select())
        .first(connection)?)
}

/// The offers that may be on the board `today`: not withdrawn, not expired,
/// something left, matching `text` (in the item or description) and `unit`.
/// The caller applies [`warren_domain::lending::visible`] as the last word.
pub fn board(
    connection: &mut DbConnection,
    today: NaiveDate,
    text: Option<&str>,
    unit: Option<SupplyUnit>,
) -> StoreResult<Vec<OfferRow>> {
    let mut query = supply_offers::table
        .filter(supply_offers::withdrawn_at.is_null())
        .filter(supply_offers::remaining.gt(0))
        .filter(
            supply_offers::expires_on
                .is_null()
                .or(supply_offers::expires_on.ge(today)),
        )
        .into_boxed();
    if let Some(unit) = unit {
        query = query.filter(supply_offers::unit.eq(unit.as_str()));
    }
    if let Some(text) = text {
        let pattern = like_pattern(text);
        query = query.filter(
            lower(supply_offers::item)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(supply_offers::description.assume_not_null())
                    .like(pattern)
                    .escape('\\')),
        );
    }
    Ok(query
        .order((supply_offers::created_at.asc(), supply_offers::id.asc()))
        .select(OfferRow::as_select())
        .load(connection)?)
}

/// An organization's own offers, newest first, whatever their state.
pub fn organization_offers(
    connection: &mut DbConnection,
    organization_id: &str,
) -> StoreResult<Vec<OfferRow>> {
    Ok(supply_offers::table
        .filter(supply_offers::organization_id.eq(organization_id))
        .order((supply_offers::created_at.desc(), supply_offers::id.desc()))
        .select(OfferRow::as_select())
        .load(connection)?)
}

/// The offers with these ids, by id.
pub fn offers_by_id(
    connection: &mut DbConnection,
    ids: &[&str],
) -> StoreResult<HashMap<String, OfferRow>> {
    Ok(supply_offers::table
        .filter(supply_offers::id.eq_any(ids))
        .select(OfferRow::as_select())
        .load(connection)?
        .into_iter()
        .map(|row| (row.id.clone(), row))
        .collect())
}

/// An edit of an offer decided by the rules.
#[derive(Debug, Clone)]
pub struct OfferEdit {
    /// Where to collect it.
    pub pickup_site_id: String,
    /// What it is.
    pub item: String,
    /// More about it.
    pub description: Option<String>,
    /// How much in all; at least what was given.
    pub quantity: u32,
    /// The last day it may be used.
    pub expires_on: Option<NaiveDate>,
}

/// Replaces an offer's details, conditional on `expected_version`; what is
/// left follows the new quantity (what was given stays given).
pub fn update_offer(
    connection: &mut DbConnection,
    current: &OfferRow,
    expected_version: i64,
    edit: &OfferEdit,
) -> StoreResult<()> {
    if expected_version != current.version {
        return Err(StoreError::Stale);
    }
    let given = current.quantity - current.remaining;
    let quantity = stored(edit.quantity);
    let updated = diesel::update(
        supply_offers::table
            .filter(supply_offers::id.eq(&current.id))
            .filter(supply_offers::version.eq(current.version)),
    )
    .set((
        supply_offers::pickup_site_id.eq(&edit.pickup_site_id),
        supply_offers::item.eq(&edit.item),
        supply_offers::description.eq(&edit.description),
        supply_offers::quantity.eq(quantity),
        supply_offers::remaining.eq((quantity - given).max(0)),
        supply_offers::expires_on.eq(edit.expires_on),
        supply_offers::updated_at.eq(now()),
        supply_offers::version.eq(supply_offers::version + 1),
    ))
    .execute(connection)?;
    if updated == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// Takes an offer off the board, conditional on `expected_version`.
pub fn withdraw_offer(
    connection: &mut DbConnection,
    current: &OfferRow,
    expected_version: i64,
) -> StoreResult<()> {
    if expected_version != current.version {
        return Err(StoreError::Stale);
    }
    let at = now();
    let updated = diesel::update(
        supply_offers::table
            .filter(supply_offers::id.eq(&current.id))
            .filter(supply_offers::version.eq(current.version)),
    )
    .set((
        supply_offers::withdrawn_at.eq(at),
        supply_offers::updated_at.eq(at),
        supply_offers::version.eq(supply_offers::version + 1),
    ))
    .execute(connection)?;
    if updated == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// Inserts a request.
pub fn insert_request(connection: &mut DbConnection, request: &NewRequest) -> StoreResult<()> {
    diesel::insert_into(supply_requests::table)
        .values(request)
        .execute(connection)?;
    Ok(())
}

/// One request's row.
pub fn request_row(connection: &mut DbConnection, id: &str) -> StoreResult<RequestRow> {
    Ok(supply_requests::table
        .find(id)
        .select(RequestRow::as_select())
        .first(connection)?)
}

/// Every request for an offer, oldest first.
pub fn offer_requests(
    connection: &mut DbConnection,
    offer_id: &str,
) -> StoreResult<Vec<RequestRow>> {
    Ok(supply_requests::table
        .filter(supply_requests::offer_id.eq(offer_id))
        .order((supply_requests::created_at.asc(), supply_requests::id.asc()))
        .select(RequestRow::as_select())
        .load(connection)?)
}

/// Which of an organization's requests to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestState {
    /// Open ones.
    Open,
    /// Fulfilled, declined or withdrawn.
    Closed,
    /// All.
    Any,
}

/// A page of an organization's own requests, newest first.
pub fn organization_requests(
    connection: &mut DbConnection,
    organization_id: &str,
    state: RequestState,
    offset: i64,
    limit: i64,
) -> StoreResult<Vec<RequestRow>> {
    let open = SupplyRequestStatus::Open.as_str();
    let mut query = supply_requests::table
        .filter(supply_requests::organization_id.eq(organization_id))
        .into_boxed();
    query = match state {
        RequestState::Open => query.filter(supply_requests::status.eq(open)),
        RequestState::Closed => query.filter(supply_requests::status.ne(open)),
        RequestState::Any => query,
    };
    Ok(query
        .order((
            supply_requests::created_at.desc(),
            supply_requests::id.desc(),
        ))
        .offset(offset)
        .limit(limit)
        .select(RequestRow::as_select())
        .load(connection)?)
}

/// Gives `given` units of the request's offer to it, conditional on the
/// request's `expected_version`. The offer loses the units only if it still
/// has them and is not withdrawn; `Ok(false)` (and nothing changed) when it
/// does not. `status` is the request's status afterwards.
pub fn fulfil(
    connection: &mut DbConnection,
    current: &RequestRow,
    expected_version: i64,
    given: u32,
    status: SupplyRequestStatus,
) -> StoreResult<bool> {
    if expected_version != current.version {
        return Err(StoreError::Stale);
    }
    let given = stored(given);
    let at = now();
    let taken = diesel::update(
        supply_offers::table
            .filter(supply_offers::id.eq(&current.offer_id))
            .filter(supply_offers::remaining.ge(given))
            .filter(supply_offers::withdrawn_at.is_null()),
    )
    .set((
        supply_offers::remaining.eq(supply_offers::remaining - given),
        supply_offers::updated_at.eq(at),
        supply_offers::version.eq(supply_offers::version + 1),
    ))
    .execute(connection)?;
    if taken == 0 {
        return Ok(false);
    }
    let closed = status != SupplyRequestStatus::Open;
    let updated = diesel::update(
        supply_requests::table
            .filter(supply_requests::id.eq(&current.id))
            .filter(supply_requests::version.eq(current.version))
            .filter(supply_requests::status.eq(SupplyRequestStatus::Open.as_str())),
    )
    .set((
        supply_requests::fulfilled.eq(supply_requests::fulfilled + given),
        supply_requests::status.eq(status.as_str()),
        supply_requests::closed_at.eq(closed.then_some(at)),
        supply_requests::updated_at.eq(at),
        supply_requests::version.eq(supply_requests::version + 1),
    ))
    .execute(connection)?;
    if updated == 0 {
        // The caller's transaction rolls the offer back.
        return Err(StoreError::Stale);
    }
    Ok(true)
}

/// Closes a request (declined or withdrawn), conditional on
/// `expected_version` (`None`: whatever it is, for Warren's own moves,
/// which re-check the status instead).
pub fn close_request(
    connection: &mut DbConnection,
    current: &RequestRow,
    expected_version: Option<i64>,
    to: SupplyRequestStatus,
) -> StoreResult<()> {
    if expected_version.is_some_and(|version| version != current.version) {
        return Err(StoreError::Stale);
    }
    let at = now();
    let updated = diesel::update(
        supply_requests::table
            .filter(supply_requests::id.eq(&current.id))
            .filter(supply_requests::version.eq(current.version))
            .filter(supply_requests::status.eq(&current.status)),
    )
    .set((
        supply_requests::status.eq(to.as_str()),
        supply_requests::closed_at.eq(Some(at)),
        supply_requests::updated_at.eq(at),
        supply_requests::version.eq(supply_requests::version + 1),
    ))
    .execute(connection)?;
    if updated == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// Names of the organizations and sites that offers and requests mention.
#[derive(Debug, Default)]
pub struct Names {
    organizations: HashMap<String, String>,
    sites: HashMap<String, (String, String)>,
}

impl Names {
    /// Loads the names for these offers and requests.
    pub fn load(
        connection: &mut DbConnection,
        offers: &[&OfferRow],
        requests: &[&RequestRow],
    ) -> StoreResult<Self> {
        let mut organization_ids: Vec<&str> = offers
            .iter()
            .map(|offer| offer.organization_id.as_str())
            .chain(
                requests
                    .iter()
                    .map(|request| request.organization_id.as_str()),
            )
            .collect();
        organization_ids.sort_unstable();
        organization_ids.dedup();
        let mut site_ids: Vec<&str> = offers
            .iter()
            .map(|offer| offer.pickup_site_id.as_str())
            .collect();
        site_ids.sort_unstable();
        site_ids.dedup();
        let organizations = organizations::table
            .filter(organizations::id.eq_any(&organization_ids))
            .select((organizations::id, organizations::name))
            .load::<(String, String)>(connection)?
            .into_iter()
            .collect();
        let sites = sites::table
            .filter(sites::id.eq_any(&site_ids))
            .select((sites::id, sites::name, sites::town))
            .load::<(String, String, String)>(connection)?
            .into_iter()
            .map(|(id, name, town)| (id, (name, town)))
            .collect();
        Ok(Self {
            organizations,
            sites,
        })
    }

    /// The name of organization `id` (empty when it was not looked up).
    pub fn organization(&self, id: &str) -> String {
        self.organizations.get(id).cloned().unwrap_or_default()
    }

    /// The name and town of site `id` (empty when it was not looked up).
    pub fn site(&self, id: &str) -> (String, String) {
        self.sites.get(id).cloned().unwrap_or_default()
    }
}

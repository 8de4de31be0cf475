//! Lending: the kit library, the equipment members lend each other, and its
//! loans, and what the surplus-supplies board shares with it.
//!
//! Items belong to an organization, which manages them and their
//! maintenance plans; members of the network search the catalog and read
//! an item's calendar. A loan request states its clinical urgency and is
//! decided at once, in the write transaction, by the network's allocation
//! policy ([`warren_domain::lending::plan_request`]): reserved, waiting for
//! the owner, pre-empting routine bookings for a tier 1–2 case, or refused
//! with the next free slot. Only the two organizations of a loan (and
//! network admins) know it exists: anyone else gets 404. Every decision
//! keeps its reason, shown to both sides; every change is audited.
//!
//! - [`items`]: the library's items;
//! - [`catalog`]: the network's search and an item's calendar;
//! - [`maintenance`]: maintenance plans and the work recorded on them;
//! - [`requests`]: asking to borrow, decided by the allocation policy;
//! - [`loans`]: reading loans, the owner's queue, alternatives, timelines;
//! - [`moves`]: approve, decline, cancel, check out, return;
//! - [`overdue`]: the job that flags loans not returned in time.

pub mod catalog;
pub mod items;
pub mod loans;
pub mod maintenance;
pub mod moves;
pub mod overdue;
pub mod requests;

pub use catalog::*;
pub use items::*;
pub use loans::*;
pub use maintenance::*;
pub use moves::*;
pub use requests::*;

use chrono::Utc;
use uuid::Uuid;
use warren_domain::lending::{LendingParty, Prefer, party};
use warren_store::DbConnection;
use warren_store::lending::{self as store, ItemRow, ReservationRow};
use warren_wire::{FieldError, KitItem, Loan};

use crate::alerts::triggers::ChangedBy;
use crate::api::Tx;
use crate::auth::Principal;
use crate::auth::actor_name;
use crate::error::ApiError;
use crate::views::lending as views;

/// Why a volunteer may not change loans or kit.
const LENDING_REFUSAL: &str = "Volunteers cannot change loans or kit.";

/// The caller's side of something between two organizations — a loan, or a
/// request for supplies — and the organization it acts for there (none for
/// a coordinating network admin).
#[derive(Debug, Clone)]
pub struct Side {
    /// Owner, borrower or coordinator.
    pub party: LendingParty,
    /// The organization the caller acts for.
    pub organization: Option<String>,
}

/// The caller's side between `owner` and `borrower`, taking `prefer` when
/// it belongs to both: 404 for outsiders (a network admin of neither side is
/// the coordinator).
pub fn side(
    who: &Principal,
    owner: &str,
    borrower: &str,
    prefer: Prefer,
) -> Result<Side, ApiError> {
    let member = |organization: &str| who.access.organizations().any(|id| id == organization);
    let party = party(
        member(owner),
        member(borrower),
        who.access.is_network_admin(),
        prefer,
    )
    .ok_or(ApiError::NotFound)?;
    let organization = match party {
        LendingParty::Owner => Some(owner.to_owned()),
        LendingParty::Borrower => Some(borrower.to_owned()),
        LendingParty::Coordinator | LendingParty::Warren => None,
    };
    Ok(Side {
        party,
        organization,
    })
}

/// [`side`], for a change: a volunteer on that side gets 403 with `refusal`.
pub fn acting_side(
    who: &Principal,
    owner: &str,
    borrower: &str,
    prefer: Prefer,
    refusal: &str,
) -> Result<Side, ApiError> {
    let side = side(who, owner, borrower, prefer)?;
    if let Some(organization) = &side.organization {
        require_actor(who, organization, refusal)?;
    }
    Ok(side)
}

/// The caller acts for `organization`: 404 for outsiders, 403 with
/// `refusal` for those who may only read (volunteers, network admins of
/// other organizations).
pub fn require_actor(who: &Principal, organization: &str, refusal: &str) -> Result<(), ApiError> {
    who.require_read(organization)?;
    if who.access.can_act(&organization.to_owned()) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(refusal.to_owned()))
    }
}

/// A 400 naming the query parameter `field`.
pub fn invalid_filter(field: &str, message: &str) -> ApiError {
    ApiError::InvalidFilter(FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    })
}

/// Who a change is by, as alerts name them.
fn changed_by<'a>(who: &'a Principal, name: &'a str) -> ChangedBy<'a> {
    ChangedBy {
        user_id: who.actor.user_id.as_deref(),
        name,
    }
}

/// Tells the people who follow a loan of its `step` (`requested`,
/// `approved`, `preempted`…), with `row` as it is after the change.
fn alert_loan(tx: &mut Tx, row: &ReservationRow, step: &str, item: &str) -> Result<(), ApiError> {
    let (state, who) = (tx.state, tx.who);
    let name = actor_name(who);
    let (connection, raised) = tx.parts();
    state
        .alerting
        .loan_step(connection, raised, row, step, item, changed_by(who, &name))
}

/// An item as its reader sees it: the owner's members, or anyone in the
/// network (the catalog is shared); 404 otherwise.
fn require_item_reader(who: &Principal, row: &ItemRow) -> Result<(), ApiError> {
    if who.in_network || who.access.can_read(&row.owner_org_id) {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

fn item_view(connection: &mut DbConnection, row: &ItemRow) -> Result<KitItem, ApiError> {
    let names = store::Names::for_items(connection, std::slice::from_ref(row))?;
    let plans = store::plans(connection, &[&row.id])?;
    views::kit_item(row, &names, &plans, Utc::now())
}

fn loan_view(connection: &mut DbConnection, row: &ReservationRow) -> Result<Loan, ApiError> {
    let item = store::item_row(connection, &row.item_id)?;
    views::loan(row, &item.name)
}

/// `site` as a site of `organization`, or 422 naming `field`.
fn site_of(
    connection: &mut DbConnection,
    organization: &str,
    site: Uuid,
    field: &str,
) -> Result<String, ApiError> {
    let site = site.to_string();
    match store::site_organization(connection, &site)? {
        Some(owner) if owner == organization => Ok(site),
        _ => Err(ApiError::invalid_field(
            field,
            "is not a site of this organization",
        )),
    }
}

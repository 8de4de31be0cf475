//! Referrals: sending a patient to other organizations, answering, the
//! timeline and case thread, transport, outcome, the boards, the network's
//! answer times and the live event stream — and the job that escalates
//! unanswered requests.
//!
//! Only the two organizations in a referral (and network admins) know it
//! exists: anyone else gets 404 ([`load`]). Who may make which move is the
//! domain's rule ([`warren_domain::referral::check_transition`]); a move the
//! lifecycle does not have is 409 naming both states. What the handlers of
//! this tree and the drivers' routes share lives here: the caller's side of
//! a referral, the organization they act for, the referral as their side
//! sees it and what volunteers may not read.

mod board;
pub mod escalation;
mod figures;
mod moves;
pub mod privacy;
mod send;
mod settings;
mod status_links;
mod stream;
mod thread;
mod transport;

pub use board::{__path_list, __path_read, list, read};
pub use figures::{__path_metrics, metrics};
pub use moves::{
    __path_record_outcome, __path_set_business_status, __path_transition, record_outcome,
    set_business_status, transition,
};
pub use privacy::{
    __path_contact_retention, __path_erase_contact, __path_set_contact_retention,
    contact_retention, erase_contact, set_contact_retention,
};
pub use send::{__path_create, create};
pub use settings::{
    __path_answer_times, __path_set_answer_times, __path_set_transport_sharing,
    __path_transport_sharing, answer_times, set_answer_times, set_transport_sharing,
    transport_sharing,
};
pub use status_links::{
    __path_create_status_link, __path_list_status_links, __path_list_status_updates,
    __path_post_status_update, __path_read_case_status, __path_revoke_status_link,
    create_status_link, list_status_links, list_status_updates, post_status_update,
    read_case_status, revoke_status_link,
};
pub use stream::{
    __path_event_stream, __path_stream_ticket, StreamQuery, event_stream, stream_ticket,
};
pub use thread::{
    __path_messages, __path_post_message, __path_timeline, messages, post_message, timeline,
};
pub use transport::{__path_arrange_transport, arrange_transport, leg_state, transport_reach};

use uuid::Uuid;
use warren_domain::Role;
use warren_domain::referral::Party;
use warren_store::DbConnection;
use warren_store::referrals::{self as store, ReferralRow};
use warren_wire::Referral;

use crate::api::Tx;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::views;

/// The caller's side of `row`: 404 for outsiders (a network admin of
/// neither side reads as coordinator).
pub fn side(principal: &Principal, row: &ReferralRow) -> Result<Party, ApiError> {
    if let Some(side) = row.side_of(principal.access.organizations()) {
        return Ok(side);
    }
    if principal.access.is_network_admin() {
        return Ok(Party::Coordinator);
    }
    Err(ApiError::NotFound)
}

/// The referral `id` and the caller's side of it (404 for outsiders).
pub fn load(tx: &mut Tx, id: Uuid) -> Result<(ReferralRow, Party), ApiError> {
    let row = store::row(tx, &id.to_string())?;
    let side = side(tx.who, &row)?;
    Ok((row, side))
}

/// The organization the caller acts for on `row`'s `side`.
pub fn acting_organization(row: &ReferralRow, side: Party) -> Option<&str> {
    match side {
        Party::Referrer => Some(&row.referrer_org_id),
        Party::Receiver => Some(&row.receiver_org_id),
        Party::Coordinator | Party::Warren => None,
    }
}

/// Refuses the volunteers of the caller's side: they read referrals, write
/// in the case thread and drive, but do not move a referral.
fn forbid_volunteers(
    principal: &Principal,
    row: &ReferralRow,
    side: Party,
) -> Result<(), ApiError> {
    match acting_organization(row, side) {
        Some(organization) if !principal.access.can_act(&organization.to_owned()) => Err(
            ApiError::Forbidden("Volunteers cannot change referrals.".into()),
        ),
        _ => Ok(()),
    }
}

/// The wire shape of one referral as `side` sees it, with who can see its
/// leg while it waits for a driver.
pub fn view(
    connection: &mut DbConnection,
    row: &ReferralRow,
    side: Party,
) -> Result<Referral, ApiError> {
    let names = store::Names::for_rows(connection, std::slice::from_ref(row))?;
    let mut referral = views::referrals::referral(row, &names, Some(side))?;
    referral.transport_reach = transport_reach(connection, row)?;
    Ok(referral)
}

/// The referral `id` as it is now, as the caller on `side` may read it
/// (after a change): every write's answer goes through here, so a
/// volunteer's never carries the owner's or finder's contact.
fn reread(tx: &mut Tx, id: &str, side: Party) -> Result<Referral, ApiError> {
    let row = store::row(tx, id)?;
    view_for(tx, &row, side)
}

/// The referral as the caller on `side` may read it: without the owner's
/// or finder's contact for volunteers ([`redact_for`]).
pub fn view_for(tx: &mut Tx, row: &ReferralRow, side: Party) -> Result<Referral, ApiError> {
    let mut referral = view(tx, row, side)?;
    if let Some(organization) = acting_organization(row, side) {
        redact_for(tx.who, organization, &mut referral);
    }
    Ok(referral)
}

/// Hides the owner's or finder's contact from the volunteers of
/// `organization`: they read referrals and drive, but the contact is personal
/// data for those who decide.
pub fn redact_for(principal: &Principal, organization: &str, referral: &mut Referral) {
    if principal.access.role_in(&organization.to_owned()) == Some(Role::Volunteer)
        && !principal.access.is_network_admin()
    {
        referral.contact = None;
    }
}

//! The volunteer roster: each person's volunteer profile, an organization's
//! roster, the transport legs that need a driver, a volunteer's assignments,
//! and foster placements.
//!
//! Who may do what: everyone keeps their own profile; an organization's
//! admins, clinicians and staff (and network admins) read its roster and
//! offer placements; any member of either organization of a referral may
//! take its transport leg if their transport skill is valid on the day, and
//! so may any volunteer of the network when the referrer shared the leg and
//! the network shares legs ([`warren_domain::referral::driver_reach`]);
//! only the named driver gives a leg back, and only the fosterer answers a
//! placement offer ([`warren_domain::people`]).

mod drives;
mod placements;
mod volunteers;

pub use drives::{
    __path_accept_transport, __path_decline_transport, __path_my_assignments,
    __path_unassigned_transports, accept_transport, decline_transport, my_assignments,
    unassigned_transports,
};
pub use placements::{
    __path_create_placement, __path_list_placements, __path_read_placement,
    __path_transition_placement, create_placement, list_placements, read_placement,
    transition_placement,
};
pub use volunteers::{
    __path_read_my_profile, __path_roster, __path_save_my_profile, read_my_profile, roster,
    save_my_profile,
};

use warren_domain::people::SkillEntry;
use warren_store::DbConnection;
use warren_store::people::{self as store, VolunteerProfileRow};

use crate::auth::Principal;
use crate::error::ApiError;

fn skills_of(row: &VolunteerProfileRow) -> Result<Vec<SkillEntry>, ApiError> {
    serde_json::from_str(&row.skills).map_err(|_| ApiError::corrupt("volunteer skills"))
}

/// The skills of `user_id`, while their volunteer profile is active (none
/// otherwise).
fn active_skills(
    connection: &mut DbConnection,
    user_id: &str,
) -> Result<Vec<SkillEntry>, ApiError> {
    match store::profile(connection, user_id)? {
        Some(profile) if profile.active => skills_of(&profile),
        _ => Ok(Vec::new()),
    }
}

/// 404 for outsiders, 403 for volunteers: the roster and placements are run
/// by the organization's admins, clinicians and staff, and network admins.
fn require_coordinator(principal: &Principal, organization: &str) -> Result<(), ApiError> {
    principal.require_read(organization)?;
    let organization = organization.to_owned();
    if principal.access.is_network_admin() || principal.access.can_act(&organization) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only the organization's admins, clinicians and staff run its volunteer roster.".into(),
        ))
    }
}

//! Transport legs: arranging one, and who may take or give back the drive.
//!
//! The two organizations arrange a leg while the referral is open
//! ([`plan_transport`]). A driver reaches a leg through their side of the
//! referral or, when the referrer shared it and the network shares legs, as
//! a volunteer of the network ([`driver_reach`]); they take a leg that waits
//! for a driver when their transport skill is valid on the day
//! ([`take_drive`]) and only the named driver gives it back
//! ([`give_back_drive`]).

use chrono::{DateTime, NaiveDate, Utc};

use super::{
    Party, ReferralStatus, TransportError, TransportStatus, awaits_driver, check_needed_by,
    check_window, choose_sharing,
};
use crate::people::{PeopleError, Skill, SkillEntry, require_skill};
use crate::triage::Tier;

/// The leg as it stands, for the rules below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegState {
    /// Where it stands.
    pub status: TransportStatus,
    /// Whether the referrer shared it with the network's volunteers.
    pub shared_with_network: bool,
    /// Whether anyone is named as its driver.
    pub has_driver: bool,
    /// Whether the caller is its named driver.
    pub driven_by_caller: bool,
}

/// What a side asks of a leg when arranging it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransportAsk {
    /// Earliest pickup.
    pub window_starts: Option<DateTime<Utc>>,
    /// Latest arrival.
    pub window_ends: Option<DateTime<Utc>>,
    /// When a driver is needed by (default: the window's start).
    pub needed_by: Option<DateTime<Utc>>,
    /// The status asked for (default: unchanged).
    pub status: Option<TransportStatus>,
    /// Whether the network's volunteers should see it (default: unchanged).
    pub share_with_network: Option<bool>,
    /// The driver named: `None` for nobody, `Some(false)` when they belong
    /// to neither organization.
    pub driver_is_member: Option<bool>,
}

/// What arranging a leg decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransportPlan {
    /// The leg's status after the change.
    pub status: TransportStatus,
    /// When a driver is needed by.
    pub needed_by: Option<DateTime<Utc>>,
    /// Whether the network's volunteers see it.
    pub shared_with_network: bool,
}

/// Whether `side` may change the leg or the transport step of a referral
/// in `status`: one of the two sides, while the referral is open.
fn arranges(side: Party, status: ReferralStatus) -> bool {
    side != Party::Coordinator && status.is_open()
}

/// Refuses a change of the transport step (the referral's business status)
/// unless the caller is on one of the two sides and the referral is open.
pub fn check_transport_step(side: Party, status: ReferralStatus) -> Result<(), TransportError> {
    if arranges(side, status) {
        Ok(())
    } else {
        Err(TransportError::StepWhileOpen)
    }
}

/// Decides a change of the leg by `side` on a referral in `status` of
/// `tier`: the window and the time a driver is needed by are consistent,
/// only the referrer changes who sees it, the leg moves along its
/// lifecycle, the driver belongs to either organization, and a scheduled leg
/// has one.
pub fn plan_transport(
    side: Party,
    status: ReferralStatus,
    tier: Tier,
    current: Option<LegState>,
    ask: TransportAsk,
) -> Result<TransportPlan, TransportError> {
    if !arranges(side, status) {
        return Err(TransportError::ArrangedWhileOpen);
    }
    check_window(ask.window_starts, ask.window_ends)?;
    let needed_by = ask.needed_by.or(ask.window_starts);
    check_needed_by(needed_by, ask.window_ends)?;
    let shared_with_network = choose_sharing(
        side,
        current.map(|leg| leg.shared_with_network),
        tier,
        ask.share_with_network,
    )?;
    let from = current.map_or(TransportStatus::New, |leg| leg.status);
    let to = ask.status.unwrap_or(from);
    if to != from {
        from.check_transition(to)?;
    }
    match ask.driver_is_member {
        Some(false) => Err(TransportError::DriverNotMember),
        None if to == TransportStatus::Scheduled => Err(TransportError::DriverRequired),
        _ => Ok(TransportPlan {
            status: to,
            needed_by,
            shared_with_network,
        }),
    }
}

/// How a caller reaches a referral's leg as a driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriverReach {
    /// Through their side of the referral (a network admin of neither side
    /// as coordinator).
    Side(Party),
    /// As a volunteer of the network the referrer shared the leg with.
    Network,
}

/// How a caller on `member_side` (`None`: neither organization's member)
/// reaches the leg: their side first; else through the network when they
/// belong to it (`in_network`), the referrer shared the leg and they drive
/// it or it waits for a driver while the network shares legs; else as
/// coordinator for a network admin. `None`: they are told nothing.
pub fn driver_reach(
    member_side: Option<Party>,
    network_admin: bool,
    in_network: bool,
    leg: Option<LegState>,
    network_shares: bool,
) -> Option<DriverReach> {
    if let Some(side) = member_side.filter(|side| *side != Party::Coordinator) {
        return Some(DriverReach::Side(side));
    }
    let through_network = leg.is_some_and(|leg| {
        in_network
            && leg.shared_with_network
            && (leg.driven_by_caller
                || (awaits_driver(leg.status, leg.has_driver) && network_shares))
    });
    if through_network {
        Some(DriverReach::Network)
    } else if network_admin {
        Some(DriverReach::Side(Party::Coordinator))
    } else {
        None
    }
}

/// A drive the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DriveError {
    /// A network admin of neither side does not drive.
    #[error(
        "drivers are members of either organization of the referral, or volunteers of the network it was shared with"
    )]
    NotADriver,
    /// The referral has no leg.
    #[error("this referral has no transport leg to drive")]
    NoLeg,
    /// The referral is closed or the leg cancelled.
    #[error("this transport is no longer needed")]
    NoLongerNeeded,
    /// Someone else drives it.
    #[error("someone else is already driving this transport")]
    Taken,
    /// The leg is past waiting for a driver.
    #[error("the transport is already {}", .0.label().to_lowercase())]
    NotOpen(TransportStatus),
    /// The caller lacks a transport skill valid on the day.
    #[error(transparent)]
    Skill(PeopleError),
    /// The caller does not drive it, or it is under way or delivered.
    #[error("only the driver of a transport not yet delivered can give it back")]
    NotYourDrive,
}

/// The day a leg is driven: its window's start, or `today` when that has
/// passed or there is none.
pub fn drive_day(window_starts: Option<DateTime<Utc>>, today: NaiveDate) -> NaiveDate {
    window_starts.map_or(today, |at| at.date_naive().max(today))
}

/// Decides whether a caller reaching the leg by `reach`, with `skills`, may
/// take it as its driver on `day`: a leg of an open referral, not
/// cancelled, free or offered to them, still new or confirmed. The leg is
/// then scheduled.
pub fn take_drive(
    reach: DriverReach,
    referral_open: bool,
    leg: Option<LegState>,
    skills: &[SkillEntry],
    day: NaiveDate,
) -> Result<TransportStatus, DriveError> {
    if reach == DriverReach::Side(Party::Coordinator) {
        return Err(DriveError::NotADriver);
    }
    let leg = leg.ok_or(DriveError::NoLeg)?;
    if !referral_open || leg.status == TransportStatus::Cancelled {
        return Err(DriveError::NoLongerNeeded);
    }
    if leg.has_driver && !leg.driven_by_caller {
        return Err(DriveError::Taken);
    }
    if !matches!(
        leg.status,
        TransportStatus::New | TransportStatus::Confirmed
    ) {
        return Err(DriveError::NotOpen(leg.status));
    }
    require_skill(skills, Skill::Transport, day).map_err(DriveError::Skill)?;
    Ok(TransportStatus::Scheduled)
}

/// Decides whether the caller may give the leg back: only its driver, until
/// it is under way. A scheduled leg goes back to `confirmed`.
pub fn give_back_drive(leg: LegState) -> Result<TransportStatus, DriveError> {
    let not_delivered = matches!(
        leg.status,
        TransportStatus::New | TransportStatus::Confirmed | TransportStatus::Scheduled
    );
    if !leg.driven_by_caller || !not_delivered {
        return Err(DriveError::NotYourDrive);
    }
    Ok(match leg.status {
        TransportStatus::Scheduled => TransportStatus::Confirmed,
        other => other,
    })
}

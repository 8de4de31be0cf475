//! Status badges.

use leptos::prelude::*;
use warren_domain::MembershipStatus;
use warren_wire::InvitationStatus;

/// An organization's membership: applied (amber), vetted (green), suspended (red).
#[component]
pub fn MembershipBadge(
    /// The membership to show.
    status: MembershipStatus,
) -> impl IntoView {
    let (class, text) = match status {
        MembershipStatus::Applied => ("badge badge-applied", "awaiting vetting"),
        MembershipStatus::Vetted => ("badge badge-vetted", "vetted"),
        MembershipStatus::Suspended => ("badge badge-suspended", "suspended"),
    };
    view! {
        <span class=class data-status=status.as_str()>
            {text}
        </span>
    }
}

/// Where an invitation stands.
#[component]
pub fn InvitationBadge(
    /// The invitation's status.
    status: InvitationStatus,
) -> impl IntoView {
    let (class, text) = match status {
        InvitationStatus::Pending => ("badge badge-applied", "pending"),
        InvitationStatus::Accepted => ("badge badge-vetted", "accepted"),
        InvitationStatus::Revoked => ("badge badge-suspended", "revoked"),
        InvitationStatus::Expired => ("badge badge-muted", "expired"),
    };
    view! {
        <span class=class data-status=text>
            {text}
        </span>
    }
}

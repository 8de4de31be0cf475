//! `/`: the signed-in person's start page.

use leptos::prelude::*;
use warren_domain::MembershipStatus;
use warren_wire::MyMembership;

use crate::components::{
    MembershipBadge, RequireSignIn, VETTING_TAKES, VettingSteps, watch_for_vetting,
};
use crate::session::use_session;

/// Greeting, organizations and quick links; signed-out visitors go to `/sign-in`.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <Home/>
        </RequireSignIn>
    }
}

#[component]
fn Home() -> impl IntoView {
    let session = use_session();
    watch_for_vetting(session);
    let me = move || session.me();
    let first_name = move || {
        me().and_then(|me| me.user)
            .map(|user| user.name)
            .unwrap_or_default()
    };
    let memberships = move || me().map(|me| me.memberships).unwrap_or_default();

    view! {
        <header class="page-header">
            <h1>"Hello, " {first_name}</h1>
            <p class="lead">"Welcome to Warren, the shared platform of the care network."</p>
        </header>
        <section aria-labelledby="my-organizations">
            <h2 id="my-organizations">"Your organizations"</h2>
            {move || {
                let memberships = memberships();
                if memberships.is_empty() {
                    view! {
                        <p class="empty">
                            "You are not a member of any organization yet. Ask an administrator for an invitation."
                        </p>
                    }
                        .into_any()
                } else {
                    view! {
                        <ul class="card-grid">
                            {memberships
                                .into_iter()
                                .map(|membership| view! { <MembershipCard membership/> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </section>
        <section aria-labelledby="quick-links">
            <h2 id="quick-links">"Quick links"</h2>
            <ul class="quick-links">
                <li>
                    <a href="/directory">"Directory"</a>
                    " — who can take an animal now, near you"
                </li>
                <li>
                    <a href="/report">"Network report"</a>
                    " — the network's figures month by month, as the public sees them"
                </li>
                <Show when=move || session.is_network_admin()>
                    <li>
                        <a href="/directory/audit">"Directory audit queue"</a>
                        " — listings due for checking"
                    </li>
                    <li>
                        <a href="/directory/vocabulary">"Vocabulary"</a>
                        " — the species and capabilities everything is described with"
                    </li>
                    <li>
                        <a href="/vetting">"Vet applications"</a>
                        " — organizations waiting to join the network"
                    </li>
                    <li>
                        <a href="/audit">"Audit log"</a>
                        " — every change across the network"
                    </li>
                </Show>
                <li>
                    <a href="/volunteer">"Volunteering"</a>
                    " — your drives and foster placements, and transports that need a driver"
                </li>
                <li>
                    <a href="/inbox">"Alerts"</a>
                    " — what needs you; acknowledge urgent ones"
                </li>
                <li>
                    <a href="/profile">"Your profile"</a>
                    " — name, password and "
                    <a href="/profile#alerts">"how alerts reach you"</a>
                </li>
            </ul>
        </section>
    }
}

/// One organization with the person's role and its membership status.
#[component]
fn MembershipCard(membership: MyMembership) -> impl IntoView {
    let organization = membership.organization;
    let id = organization.id;
    let suspended = organization.membership == MembershipStatus::Suspended;
    let administers = membership.role.administers();
    view! {
        <li class="card org-card" class:suspended=suspended data-testid="membership-card">
            <h3>{organization.name}</h3>
            <p class="muted">{organization.kind.label()} " · " {membership.role.label()}</p>
            <p>
                <MembershipBadge status=organization.membership/>
            </p>
            {(organization.membership == MembershipStatus::Applied)
                .then_some(view! {
                    <div class="awaiting-vetting" data-testid="awaiting-vetting">
                        <p>
                            <strong>"Awaiting vetting — " {VETTING_TAKES} "."</strong>
                            " The directory, referrals and lending open once it is vetted."
                        </p>
                        <VettingSteps/>
                    </div>
                })}
            {suspended
                .then_some(view! {
                    <p class="warning-text">
                        "This organization is suspended: its API keys do not work and it cannot invite."
                    </p>
                })}
            {administers
                .then_some(view! {
                    <p class="card-links">
                        <a href=format!("/organizations/{id}")>"Details"</a>
                        <a href=format!("/organizations/{id}/members")>"Members"</a>
                        <a href=format!("/organizations/{id}/volunteers")>"Volunteers"</a>
                        <a href=format!("/organizations/{id}/api-keys")>"API keys"</a>
                        <a href=format!("/audit?organization={id}")>"Audit log"</a>
                    </p>
                })}
        </li>
    }
}

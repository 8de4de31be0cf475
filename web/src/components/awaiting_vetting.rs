//! What a member of an organization that is not vetted yet sees where the
//! network's shared services would be: why they are closed, what happens
//! next and how long it takes — instead of the server's refusal.

use leptos::prelude::*;
use warren_domain::MembershipStatus;

use crate::session::use_session;

/// How long vetting usually takes, as the pages promise it.
pub const VETTING_TAKES: &str = "usually within two working days";

/// The steps after applying, as a list (shared by the "Application
/// received" page, Home and the closed services).
#[component]
pub fn VettingSteps() -> impl IntoView {
    view! {
        <ol class="vetting-steps">
            <li>
                "A network coordinator checks that the organization is a real clinic, rescue or "
                "rehabilitator caring for small mammals or wildlife — "
                {VETTING_TAKES}
                ". They may e-mail the person who applied with questions."
            </li>
            <li>
                "Once it is vetted, the directory, referrals, lending and the rest of the "
                "network open to every member of the organization. Warren notices by itself: "
                "no need to sign in again or reload."
            </li>
            <li>
                "Meanwhile you can sign in, complete your profile and invite your colleagues."
            </li>
        </ol>
    }
}

/// Shown in place of a service (`service`, e.g. "The directory") while none
/// of the person's organizations is vetted.
#[component]
pub fn AwaitingVetting(
    /// The closed service, capitalised: "The directory", "Lending".
    service: &'static str,
) -> impl IntoView {
    let session = use_session();
    let waiting = move || {
        session
            .memberships()
            .into_iter()
            .find(|membership| membership.organization.membership == MembershipStatus::Applied)
    };
    let suspended = move || {
        session
            .memberships()
            .iter()
            .all(|membership| membership.organization.membership == MembershipStatus::Suspended)
            && !session.memberships().is_empty()
    };
    view! {
        <section class="card awaiting-vetting" data-testid="awaiting-vetting" role="status">
            {move || match waiting() {
                Some(membership) => {
                    view! {
                        <h2>
                            {service} " opens once " {membership.organization.name} " is vetted"
                        </h2>
                        <p>
                            "It is only for vetted members of the network. Your application is in "
                            "the vetting queue; here is what happens next:"
                        </p>
                        <VettingSteps/>
                    }
                        .into_any()
                }
                None if suspended() => {
                    view! {
                        <h2>{service} " is closed while your organization is suspended"</h2>
                        <p>"Ask the network coordinators what needs doing to reinstate it."</p>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <h2>{service} " is for members of the network"</h2>
                        <p>
                            "You are not a member of a vetted organization. Ask your organization's "
                            "administrator for an invitation, or "
                            <a href="/apply">"apply to join"</a>
                            "."
                        </p>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

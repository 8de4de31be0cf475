//! What a member of an organization that is not vetted yet sees where the
//! network's shared services would be: why they are closed, what happens
//! next and how long it takes — instead of the server's refusal.

use leptos::prelude::*;
use warren_domain::MembershipStatus;

use crate::session::{Session, use_session};

/// How often a page waiting for vetting asks again whether an organization was vetted.
const VETTING_POLL: std::time::Duration = std::time::Duration::from_secs(20);

/// While one of the person's organizations waits to be vetted, reloads
/// their memberships when the tab comes back into view and every
/// [`VETTING_POLL`], so Home and the closed services open as soon as a
/// coordinator vets it, without a reload. Vetting sends no event the
/// person's live stream carries, so it is asked for.
pub fn watch_for_vetting(session: Session) {
    let awaiting = move || {
        session
            .memberships()
            .iter()
            .any(|membership| membership.organization.membership == MembershipStatus::Applied)
    };
    let recheck = move || {
        if untrack(awaiting) {
            leptos::task::spawn_local(async move {
                // A failure is shown nowhere: the next check tries again.
                let _ = session.load_me().await;
            });
        }
    };
    let on_focus = window_event_listener(leptos::ev::focus, move |_| recheck());
    let on_visible = window_event_listener(leptos::ev::visibilitychange, move |_| recheck());
    let interval = set_interval_with_handle(recheck, VETTING_POLL).ok();
    on_cleanup(move || {
        on_focus.remove();
        on_visible.remove();
        if let Some(interval) = interval {
            interval.clear();
        }
    });
}

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
    watch_for_vetting(session);
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

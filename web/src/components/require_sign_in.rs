//! Guards the pages that need a signed-in person.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};

use crate::components::Loading;
use crate::session::{SessionState, use_session};

/// Shows `children` to a signed-in person; while the session is being
/// restored shows a spinner; otherwise sends the person to `/sign-in`,
/// remembering where they wanted to go.
///
/// A page that sets `while_restoring` shows while the session is still
/// being restored: its calls wait for the access token the restore brings,
/// and whatever it reads of the person (their profile and memberships) it
/// reads reactively, since that arrives after the token. On a slow network
/// it is ready a round trip or more sooner.
#[component]
pub fn RequireSignIn(
    children: ChildrenFn,
    /// The page may show before the person's profile has arrived.
    #[prop(optional)]
    while_restoring: bool,
) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let location = use_location();
    let state = Memo::new(move |_| session.state());
    Effect::new(move |_| {
        if state.get() == SessionState::SignedOut {
            let search = location.search.get_untracked();
            let mut here = location.pathname.get_untracked();
            if !search.is_empty() {
                here = format!("{here}?{search}");
            }
            let next = String::from(js_sys::encode_uri_component(&here));
            navigate(
                &format!("/sign-in?next={next}"),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    let show = Memo::new(move |_| match state.get() {
        SessionState::SignedIn => true,
        SessionState::Restoring => while_restoring,
        SessionState::SignedOut => false,
    });
    move || {
        if show.get() {
            children().into_any()
        } else {
            view! { <Loading label="Checking your session…"/> }.into_any()
        }
    }
}

//! Guards the pages that need a signed-in person.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};

use crate::components::Loading;
use crate::session::{SessionState, use_session};

/// Shows `children` to a signed-in person; while the session is being
/// restored shows a spinner; otherwise sends the person to `/sign-in`,
/// remembering where they wanted to go.
#[component]
pub fn RequireSignIn(children: ChildrenFn) -> impl IntoView {
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
    move || match state.get() {
        SessionState::SignedIn => children().into_any(),
        _ => view! { <Loading label="Checking your session…"/> }.into_any(),
    }
}

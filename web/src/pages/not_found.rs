//! The page for any address that is not one of the app's.

use leptos::prelude::*;
use leptos_router::components::A;

/// "Page not found", with a way home.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <section class="card narrow">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. It may have moved, or the link may be mistyped."</p>
            <p>
                <A href="/">"Go to the home page"</A>
            </p>
        </section>
    }
}

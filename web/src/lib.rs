//! Warren's browser app: a Leptos single-page app on the typed API client.
//!
//! [`App`] sets up the router and the [`session::Session`]; every page lives in
//! [`pages`], one file each, and the shared pieces (layout, alerts, form fields,
//! badges) in [`components`]. All calls to the API go through
//! [`session::Session::call`], which adds the access token and refreshes it
//! silently when it has expired.

pub mod alarm;
pub mod app;
pub mod components;
pub mod idempotency;
pub mod local_time;
pub mod offline;
pub mod pages;
pub mod session;
pub mod split;

pub use app::App;

/// Mounts the app on the page, replacing the "Loading Warren…" placeholder.
pub fn start() {
    console_error_panic_hook::set_once();
    if let Some(placeholder) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("loading"))
    {
        placeholder.remove();
    }
    leptos::mount::mount_to_body(App);
}

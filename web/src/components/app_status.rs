//! The line under the top bar that says when Warren cannot be reached and
//! when a newer version is ready.
//!
//! What the service worker knows reaches the app through the boot script
//! (`web/assets/boot.js`): the flags `window.warren.openedFromStore` (this
//! page is the copy kept on the device, because Warren did not answer) and
//! `window.warren.updateReady` (a newer version is installed and waits), and
//! the `warren:status` event when either changes. Choosing "Reload" sends
//! `warren:apply-update`, on which the waiting version takes over and the
//! page reloads into it.
//!
//! While the page is the device's copy, Warren's readiness is asked every
//! [`RECHECK`] and on the browser's `online` event; the line goes once it
//! answers.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::session::use_session;

/// How often Warren is asked whether it is back, while it was not.
const RECHECK: Duration = Duration::from_secs(15);

/// One of the boot script's flags on `window.warren`.
fn flag(name: &str) -> bool {
    web_sys::window()
        .and_then(|window| js_sys::Reflect::get(&window, &"warren".into()).ok())
        .and_then(|status| js_sys::Reflect::get(&status, &name.into()).ok())
        .and_then(|value| value.as_bool())
        .unwrap_or(false)
}

fn browser_online() -> bool {
    web_sys::window().is_none_or(|window| window.navigator().on_line())
}

/// The offline and update lines.
#[component]
pub fn AppStatus() -> impl IntoView {
    let session = use_session();
    let online = RwSignal::new(browser_online());
    let opened_from_store = RwSignal::new(flag("openedFromStore"));
    let update_ready = RwSignal::new(flag("updateReady"));
    let recheck = move || {
        if !opened_from_store.get_untracked() || !browser_online() {
            return;
        }
        let client = session.client();
        spawn_local(async move {
            if client.ready().await.is_ok() {
                opened_from_store.set(false);
            }
        });
    };
    let on_online = window_event_listener(leptos::ev::online, move |_| {
        online.set(true);
        recheck();
    });
    let on_offline = window_event_listener(leptos::ev::offline, move |_| online.set(false));
    let on_status = window_event_listener_untyped("warren:status", move |_| {
        opened_from_store.set(flag("openedFromStore"));
        update_ready.set(flag("updateReady"));
    });
    let interval = set_interval_with_handle(recheck, RECHECK).ok();
    on_cleanup(move || {
        on_online.remove();
        on_offline.remove();
        on_status.remove();
        if let Some(interval) = interval {
            interval.clear();
        }
    });
    let apply_update = move |_| {
        if let Some(window) = web_sys::window()
            && let Ok(event) = web_sys::Event::new("warren:apply-update")
        {
            let _ = window.dispatch_event(&event);
        }
    };

    view! {
        <Show when=move || !online.get() || opened_from_store.get()>
            <p class="app-status app-status-offline" role="status">
                <strong>"Offline. "</strong>
                "Warren cannot be reached: this is the copy kept on this device. Triage still "
                "works, and its records are sent as soon as Warren answers again."
            </p>
        </Show>
        <Show when=move || update_ready.get()>
            <p class="app-status app-status-update" role="status">
                "A newer version of Warren is ready. "
                <button type="button" class="button small secondary" on:click=apply_update>
                    "Reload to use it"
                </button>
            </p>
        </Show>
    }
}

//! The progress indicator shown while something loads.

use leptos::prelude::*;

/// A spinner with a label, marked `aria-busy` for assistive technology.
#[component]
pub fn Loading(
    /// What is loading.
    #[prop(default = "Loading…")]
    label: &'static str,
) -> impl IntoView {
    view! {
        <div class="loading" role="status" aria-busy="true" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>{label}</span>
        </div>
    }
}

//! A read-only box holding a value to copy (a secret, a link).

use leptos::prelude::*;

/// The value in a read-only input with a "Copy" button.
#[component]
pub fn CopyBox(
    /// The input's id.
    id: &'static str,
    /// The input's label.
    label: &'static str,
    /// The value to copy.
    value: String,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let text = StoredValue::new(value.clone());
    let copy = move |_| {
        text.with_value(|text| copy_to_clipboard(text));
        copied.set(true);
    };
    view! {
        <div class="copy-box">
            <label for=id>{label}</label>
            <div class="copy-row">
                <input
                    id=id
                    class="mono"
                    type="text"
                    readonly
                    value=value
                    on:focus=move |event| {
                        event_target::<web_sys::HtmlInputElement>(&event).select()
                    }
                />
                <button type="button" class="button secondary" on:click=copy>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            </div>
        </div>
    }
}

/// Puts `text` on the clipboard; where the browser refuses (no secure
/// context), the person can still select the box and copy by hand.
fn copy_to_clipboard(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

//! A destructive button that asks for confirmation in place.

use leptos::prelude::*;

/// Shows `label`; once clicked, asks `question` with a confirm and a cancel
/// button, so a slip of the finger removes nothing.
#[component]
pub fn ConfirmButton(
    /// The first button's text, e.g. "Remove".
    label: &'static str,
    /// The confirming button's text, e.g. "Yes, remove".
    confirm_label: &'static str,
    /// The question, e.g. "Remove Ann Lee from Burrow Vets?".
    #[prop(into)]
    question: String,
    /// Whether the confirmed operation is running.
    #[prop(into)]
    pending: Signal<bool>,
    /// Runs when confirmed.
    on_confirm: Callback<()>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let question = StoredValue::new(question);
    move || {
        if asking.get() {
            view! {
                <span class="confirm" role="group">
                    <span class="confirm-question">{question.get_value()}</span>
                    <button
                        type="button"
                        class="button danger small"
                        data-testid="confirm"
                        disabled=move || pending.get()
                        on:click=move |_| {
                            on_confirm.run(());
                            asking.set(false);
                        }
                    >
                        {confirm_label}
                    </button>
                    <button
                        type="button"
                        class="button secondary small"
                        on:click=move |_| asking.set(false)
                    >
                        "Cancel"
                    </button>
                </span>
            }
            .into_any()
        } else {
            view! {
                <button
                    type="button"
                    class="button danger small"
                    disabled=move || pending.get()
                    on:click=move |_| asking.set(true)
                >
                    {label}
                </button>
            }
            .into_any()
        }
    }
}

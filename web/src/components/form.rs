//! Form fields with labels above inputs and errors next to them.
//!
//! Errors come from two places with the same field names: the domain's
//! `parse` functions run before sending (the very rules the server applies),
//! and the `errors` of a `validation_failed` problem after sending. Field names
//! are the request's paths, e.g. `organization.name` or `admin.email`.

use std::fmt::Display;

use leptos::prelude::*;
use warren_client::ClientError;
use warren_domain::OrganizationKind;
use warren_wire::FieldError;
use wasm_bindgen::JsCast;

/// The per-field errors of one form.
#[derive(Clone, Copy)]
pub struct FieldErrors(RwSignal<Vec<FieldError>>);

impl Default for FieldErrors {
    fn default() -> Self {
        Self::new()
    }
}

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self(RwSignal::new(Vec::new()))
    }

    /// Forgets every error, before checking the form again.
    pub fn clear(&self) {
        self.0.set(Vec::new());
    }

    /// Records an error for `field`.
    pub fn add(&self, field: &str, message: impl Into<String>) {
        let error = FieldError {
            field: field.to_owned(),
            message: message.into(),
        };
        self.0.update(|errors| errors.push(error));
    }

    /// The parsed value, or `None` after recording why `field` was refused.
    pub fn check<T, E: Display>(&self, field: &str, parsed: Result<T, E>) -> Option<T> {
        parsed
            .map_err(|error| self.add(field, error.to_string()))
            .ok()
    }

    /// Records the field errors the server named in its problem details.
    pub fn absorb(&self, error: &ClientError) {
        if let ClientError::Problem(problem) = error {
            for error in &problem.errors {
                self.add(&error.field, error.message.clone());
            }
        }
    }

    /// Whether no error is recorded (not reactive).
    pub fn is_empty(&self) -> bool {
        self.0.with_untracked(Vec::is_empty)
    }

    /// The error of `field`, as a sentence (reactive); `field` may be a
    /// path such as `shifts[0].hours`.
    pub fn of(&self, field: &str) -> Signal<Option<String>> {
        let errors = self.0;
        let field = field.to_owned();
        Signal::derive(move || {
            errors.with(|errors| {
                errors
                    .iter()
                    .find(|error| error.field == field)
                    .map(|error| sentence(&error.message))
            })
        })
    }
}

/// Scrolls to the page's first alert or invalid field once it is drawn, so
/// a person who pressed "Save" at the bottom of a long form sees why it did
/// not save.
pub fn reveal_problem() {
    request_animation_frame(|| {
        let first = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| {
                document
                    .query_selector("main [role=alert], main [aria-invalid=true]")
                    .ok()
                    .flatten()
            });
        if let Some(element) = first {
            element.scroll_into_view();
        }
    });
}

/// Moves the keyboard focus to the page's first element matching
/// `selector` once it is drawn (give it `tabindex="-1"` if it is not a
/// control), so that a person who pressed a button that went away, or
/// arrived on a page by a link, carries on from the right place.
pub fn focus_on(selector: impl Into<String>) {
    let selector = selector.into();
    request_animation_frame(move || {
        let element = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.query_selector(&selector).ok().flatten())
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    });
}

/// "must not be empty" → "Must not be empty."
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut sentence: String = chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !sentence.ends_with('.') {
        sentence.push('.');
    }
    sentence
}

/// The error line under a field; its id is `<field id>-error`.
#[component]
fn FieldErrorLine(id: String, error: Signal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|error| {
            view! {
                <p class="field-error" id=id.clone()>
                    {error}
                </p>
            }
        })
    }
}

/// A labelled single-line input bound to `value`.
#[component]
pub fn TextField(
    /// The input's id (and name).
    #[prop(into)]
    id: String,
    /// The visible label.
    label: &'static str,
    /// The value, two-way bound.
    value: RwSignal<String>,
    /// The input type: `text`, `email`, `password`, `url`.
    #[prop(default = "text")]
    input_type: &'static str,
    /// The `autocomplete` hint.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// The on-screen keyboard to offer, e.g. `decimal` or `tel`.
    #[prop(optional)]
    inputmode: Option<&'static str>,
    /// A line of help under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// Whether the field must be filled.
    #[prop(optional)]
    required: bool,
    /// The field's error.
    #[prop(into, default = Signal::stored(None))]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = if hint.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        error_id.clone()
    };
    view! {
        <div class="field">
            <label for=id.clone()>
                {label}
                {required.then_some(view! { <span class="required" aria-hidden="true">" *"</span> })}
            </label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
            <input
                id=id.clone()
                name=id
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
                bind:value=value
            />
            <FieldErrorLine id=error_id error=error/>
        </div>
    }
}

/// A labelled multi-line input bound to `value`.
#[component]
pub fn TextArea(
    /// The textarea's id (and name).
    #[prop(into)]
    id: String,
    /// The visible label.
    label: &'static str,
    /// The value, two-way bound.
    value: RwSignal<String>,
    /// A line of help under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The field's error.
    #[prop(into, default = Signal::stored(None))]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            <textarea
                id=id.clone()
                name=id
                rows="4"
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=error_id.clone()
                bind:value=value
            ></textarea>
            <FieldErrorLine id=error_id error=error/>
        </div>
    }
}

/// A labelled select of every [`OrganizationKind`], by label.
#[component]
pub fn KindSelect(
    /// The select's id.
    #[prop(into)]
    id: String,
    /// The chosen kind.
    value: RwSignal<OrganizationKind>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>"Kind of organization"</label>
            <select
                id=id.clone()
                name=id
                on:change=move |event| {
                    if let Some(kind) = OrganizationKind::parse(&event_target_value(&event)) {
                        value.set(kind);
                    }
                }
            >
                {OrganizationKind::ALL
                    .into_iter()
                    .map(|kind| {
                        view! {
                            <option value=kind.as_str() prop:selected=move || value.get() == kind>
                                {kind.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

//! Alert boxes: errors from problem details, and success notices.

use leptos::prelude::*;
use warren_client::ClientError;

/// The error of a finished call, if it failed: for an action's `value()`.
pub fn error_of<T>(result: Option<Result<T, ClientError>>) -> Option<ClientError> {
    result.and_then(Result::err)
}

/// Shows an error's human sentence in a `role="alert"` box, when there is one.
#[component]
pub fn ErrorAlert(
    /// The error to show; nothing is shown while it is `None`.
    #[prop(into)]
    error: Signal<Option<ClientError>>,
) -> impl IntoView {
    move || {
        error.get().map(|error| {
            let request_id = match &error {
                ClientError::Problem(problem) => problem.request_id.clone(),
                _ => None,
            };
            view! {
                <div class="alert alert-error" role="alert" data-code=error.code().map(str::to_owned)>
                    <p>{error.message()}</p>
                    {request_id
                        .map(|id| {
                            view! { <p class="alert-meta">"Request id: " <code>{id}</code></p> }
                        })}
                </div>
            }
        })
    }
}

/// A green notice saying something worked (`role="status"`); it can take
/// the focus when the button that did it went away.
#[component]
pub fn SuccessNotice(
    /// The text; nothing is shown while it is `None`.
    #[prop(into)]
    message: Signal<Option<String>>,
) -> impl IntoView {
    move || {
        message.get().map(|message| {
            view! {
                <div class="alert alert-success" role="status" tabindex="-1" data-testid="notice">
                    <p>{message}</p>
                </div>
            }
        })
    }
}

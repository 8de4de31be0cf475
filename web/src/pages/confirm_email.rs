//! `/confirm-email?token=…`: confirming one's e-mail address from the link
//! Warren sent to it. Until then alerts wait in the inbox only.
//!
//! The button confirms, not the page load: mail scanners follow links.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use warren_client::ClientError;
use warren_wire::ErrorCode;
use warren_wire::{ConfirmEmailRequest, EmailConfirmed};

use crate::components::{ErrorAlert, error_of, focus_on};
use crate::local_time;
use crate::session::{SessionState, use_session};

/// The confirmation page.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let token = Memo::new(move |_| query.with(|query| query.get("token")).unwrap_or_default());
    let confirm = Action::new_local(move |token: &String| {
        let request = ConfirmEmailRequest {
            token: token.clone(),
        };
        let client = session.client();
        async move {
            let answer: Result<EmailConfirmed, ClientError> = client.confirm_email(&request).await;
            if answer.is_ok() && session.state_untracked() == SessionState::SignedIn {
                // The profile and the alert settings show the address confirmed.
                spawn_local(async move {
                    let _ = session.load_me().await;
                });
            }
            focus_on("main [data-focus]");
            answer
        }
    });
    let pending = confirm.pending();
    let error = Signal::derive(move || error_of(confirm.value().get()));
    let done = Signal::derive(move || confirm.value().get().and_then(Result::ok));
    let advice = move || {
        error.get().map(|error| {
            let text = match error.error_code() {
                Some(ErrorCode::TokenUsed) => {
                    "This link was used already. If your profile shows the address confirmed, there is nothing more to do."
                }
                Some(ErrorCode::TokenExpired) => {
                    "This link has expired, or a newer one was sent. Ask for a new link from your profile."
                }
                _ => "Open the full link from the newest e-mail, or ask for a new link from your profile.",
            };
            view! {
                <p class="muted" data-focus tabindex="-1">
                    {text} " " <a href="/profile#alerts">"Your alert settings"</a>
                </p>
            }
        })
    };
    view! {
        <section class="card narrow">
            <h1>"Confirm your e-mail address"</h1>
            {move || {
                if token.with(String::is_empty) {
                    return view! {
                        <div class="alert alert-error" role="alert">
                            <p>"This link has no token. Open the full link from the e-mail."</p>
                        </div>
                    }
                        .into_any();
                }
                match done.get() {
                    Some(done) => {
                        view! {
                            <div class="alert alert-success" role="status" tabindex="-1" data-focus data-testid="email-confirmed">
                                <p>
                                    <strong>{done.email.clone()}</strong>
                                    " is confirmed (" {local_time::date_time(done.confirmed_at)}
                                    "). Alerts now reach you by e-mail as you chose."
                                </p>
                            </div>
                            <p><a href="/">"Go to Warren"</a></p>
                        }
                            .into_any()
                    }
                    None => {
                        view! {
                            <p>"Confirm that this address is yours, so that Warren can e-mail you alerts — urgent referrals at night among them."</p>
                            <ErrorAlert error/>
                            {advice}
                            <div class="form-actions">
                                <button
                                    type="button"
                                    class="button primary"
                                    data-testid="confirm-email"
                                    disabled=move || pending.get()
                                    on:click=move |_| {
                                        confirm.dispatch(token.get_untracked());
                                    }
                                >
                                    "Confirm my address"
                                </button>
                            </div>
                        }
                            .into_any()
                    }
                }
            }}
        </section>
    }
}

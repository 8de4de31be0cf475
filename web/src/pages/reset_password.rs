//! `/reset-password?token=…`: choosing a new password from the link Warren
//! e-mailed.
//!
//! Setting it signs the account out everywhere; the person is sent to sign
//! in, with their address filled in, and told so. A link works once, and
//! only the newest link works.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use warren_client::ClientError;
use warren_domain::Password;
use warren_wire::ErrorCode;
use warren_wire::{PasswordResetDone, ResetPasswordRequest};

use crate::components::{ErrorAlert, FieldErrors, TextField, reveal_problem};
use crate::session::{SessionState, use_session};

/// The new-password page.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    let token = Memo::new(move |_| query.with(|query| query.get("token")).unwrap_or_default());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let errors = FieldErrors::new();

    let reset = Action::new_local(move |request: &ResetPasswordRequest| {
        let request = request.clone();
        let client = session.client();
        async move {
            let answer: Result<PasswordResetDone, ClientError> =
                client.reset_password(&request).await;
            match &answer {
                Ok(_) => {
                    // This browser's session was signed out with the others.
                    if session.state_untracked() != SessionState::SignedOut {
                        session.sign_out().await;
                    }
                }
                Err(error) => {
                    errors.absorb(error);
                    reveal_problem();
                }
            }
            answer
        }
    });
    let pending = reset.pending();
    let error = Signal::derive(move || {
        reset
            .value()
            .get()
            .and_then(Result::err)
            .filter(|error| error.status() != Some(422))
    });
    Effect::new(move |_| {
        if let Some(Ok(done)) = reset.value().get() {
            session.set_notice(
                "Your password is changed, and every session of your account was signed out. Sign in with your new password.",
            );
            let email = String::from(js_sys::encode_uri_component(&done.email));
            navigate(
                &format!("/sign-in?email={email}"),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    let advice = move || {
        error.get().map(|error| {
            let text = match (error.status(), error.error_code()) {
                (_, Some(ErrorCode::TokenUsed)) => "This link was used already: each works once.",
                (_, Some(ErrorCode::TokenExpired)) => {
                    "This link has expired, or a newer one was sent: only the newest link works, for 30 minutes."
                }
                (Some(404), _) => "This link is not one Warren sent, or it was cut short.",
                _ => "",
            };
            view! {
                <p class="muted">
                    {text} " " <A href="/forgot-password">"Ask for a new link"</A> "."
                </p>
            }
        })
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let chosen = errors.check("password", Password::parse(password.get_untracked()));
        if password.get_untracked() != confirm.get_untracked() {
            errors.add("confirm_password", "the two passwords differ");
        }
        match chosen {
            Some(password) if errors.is_empty() => {
                reset.dispatch(ResetPasswordRequest {
                    token: token.get_untracked(),
                    password,
                });
            }
            _ => reveal_problem(),
        }
    };
    view! {
        <section class="card narrow">
            <h1>"Choose a new password"</h1>
            <Show
                when=move || !token.with(String::is_empty)
                fallback=|| {
                    view! {
                        <div class="alert alert-error" role="alert">
                            <p>"This link has no token. Open the full link from the e-mail."</p>
                        </div>
                        <p><A href="/forgot-password">"Ask for a new link"</A></p>
                    }
                }
            >
                <p>"Setting it signs your account out on every device."</p>
                <ErrorAlert error/>
                {advice}
                <form novalidate on:submit=submit aria-busy=move || pending.get().to_string()>
                    <TextField
                        id="new-password"
                        label="New password"
                        value=password
                        input_type="password"
                        autocomplete="new-password"
                        hint="12 to 128 characters."
                        required=true
                        error=errors.of("password")
                    />
                    <TextField
                        id="new-password-confirm"
                        label="New password again"
                        value=confirm
                        input_type="password"
                        autocomplete="new-password"
                        required=true
                        error=errors.of("confirm_password")
                    />
                    <div class="form-actions">
                        <button type="submit" class="button primary" disabled=move || pending.get()>
                            "Set the new password"
                        </button>
                        <Show when=move || pending.get()>
                            <span class="spinner" role="status" aria-label="Saving"></span>
                        </Show>
                    </div>
                </form>
            </Show>
        </section>
    }
}

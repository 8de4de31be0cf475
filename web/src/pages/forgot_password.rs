//! `/forgot-password`: asking for a link to set a new password.
//!
//! Warren answers the same whether or not the address has an account (so
//! the page cannot be used to find out who has one), and limits how often
//! one address may ask.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use warren_client::ClientError;
use warren_domain::Email;
use warren_wire::{PasswordResetRequest, PasswordResetRequested};

use crate::components::{ErrorAlert, FieldErrors, TextField, focus_on};
use crate::session::use_session;

/// The "forgot your password" page.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let email = RwSignal::new(
        query
            .with_untracked(|query| query.get("email"))
            .unwrap_or_default(),
    );
    let errors = FieldErrors::new();
    let ask = Action::new_local(move |request: &PasswordResetRequest| {
        let request = request.clone();
        let client = session.client();
        async move {
            let answer: Result<PasswordResetRequested, ClientError> =
                client.request_password_reset(&request).await;
            match &answer {
                Ok(_) => focus_on("[data-testid=reset-requested]"),
                Err(error) => errors.absorb(error),
            }
            answer
        }
    });
    let pending = ask.pending();
    let error = Signal::derive(move || {
        ask.value()
            .get()
            .and_then(Result::err)
            .filter(|error| error.status() != Some(422))
    });
    let sent = Signal::derive(move || ask.value().get().and_then(Result::ok));
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        if let Some(email) = errors.check("email", Email::parse(email.get_untracked())) {
            ask.dispatch(PasswordResetRequest { email });
        }
    };
    view! {
        <section class="card narrow">
            <h1>"Forgot your password?"</h1>
            <p>"Enter the address you sign in with. Warren e-mails it a link to choose a new password; the link works once, for 30 minutes."</p>
            {move || {
                sent.get()
                    .map(|sent| {
                        view! {
                            <div class="alert alert-success" role="status" tabindex="-1" data-testid="reset-requested">
                                <p>{sent.message}</p>
                            </div>
                        }
                    })
            }}
            <ErrorAlert error/>
            <form novalidate on:submit=submit aria-busy=move || pending.get().to_string()>
                <TextField
                    id="email"
                    label="E-mail address"
                    value=email
                    input_type="email"
                    autocomplete="username"
                    required=true
                    error=errors.of("email")
                />
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || pending.get()>
                        {move || if sent.get().is_some() { "Send another link" } else { "Send me a link" }}
                    </button>
                    <Show when=move || pending.get()>
                        <span class="spinner" role="status" aria-label="Sending"></span>
                    </Show>
                </div>
            </form>
            <hr/>
            <p><A href="/sign-in">"Back to sign in"</A></p>
        </section>
    }
}

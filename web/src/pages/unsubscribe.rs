//! `/unsubscribe?token=…`: stopping the e-mails of one kind of alert from
//! the link at the foot of one of them, without signing in.
//!
//! Nothing happens until the person confirms with the button (mail
//! scanners follow links). The alerts still reach the inbox; urgent ones
//! are never sent with such a link.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use warren_client::ClientError;
use warren_wire::Unsubscribed;

use crate::components::{ErrorAlert, error_of, focus_on};
use crate::session::use_session;

/// The unsubscribe page.
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let token = Memo::new(move |_| query.with(|query| query.get("token")).unwrap_or_default());
    let stop = Action::new_local(move |token: &String| {
        let token = token.clone();
        let client = session.client();
        async move {
            let answer: Result<Unsubscribed, ClientError> =
                client.unsubscribe_from_alert_emails(&token).await;
            focus_on("main [data-focus]");
            answer
        }
    });
    let pending = stop.pending();
    let error = Signal::derive(move || error_of(stop.value().get()));
    let done = Signal::derive(move || stop.value().get().and_then(Result::ok));
    view! {
        <section class="card narrow">
            <h1>"Stop these e-mails"</h1>
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
                            <div class="alert alert-success" role="status" tabindex="-1" data-focus data-testid="unsubscribed">
                                <p>
                                    "Done: \u{201c}" {done.kind.label()} "\u{201d} alerts now reach you "
                                    {done.mode.label().to_lowercase()} ", not by e-mail."
                                </p>
                            </div>
                            <p>
                                "You can choose again, kind by kind, in "
                                <a href="/profile#alerts">"your alert settings"</a> "."
                            </p>
                        }
                            .into_any()
                    }
                    None => {
                        view! {
                            <p>
                                "Stop e-mails of the kind this one was? You will still find these alerts in your Warren inbox. Urgent alerts always arrive by e-mail."
                            </p>
                            <ErrorAlert error/>
                            {move || error.get().filter(|error| error.status() == Some(400)).map(|_| view! {
                                <p class="muted" data-focus tabindex="-1">
                                    "The link may have expired. Choose how each kind of alert reaches you in "
                                    <a href="/profile#alerts">"your alert settings"</a> "."
                                </p>
                            })}
                            <div class="form-actions">
                                <button
                                    type="button"
                                    class="button primary"
                                    data-testid="unsubscribe"
                                    disabled=move || pending.get()
                                    on:click=move |_| {
                                        stop.dispatch(token.get_untracked());
                                    }
                                >
                                    "Stop these e-mails"
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

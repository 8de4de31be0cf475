//! `/alerts/acknowledge?token=…`: acknowledging an urgent alert from the
//! link in its e-mail, without signing in.
//!
//! The page shows the alert and where its chain stands, and acknowledges
//! only when the person presses the button: mail scanners that follow every
//! link in a message must not acknowledge for them. Each link works once.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use warren_client::ClientError;
use warren_wire::{Acknowledgement, AlertByToken};

use crate::components::{
    ErrorAlert, Loading, acknowledgeable, chain_state, chain_text, error_of, focus_on, when_text,
};
use crate::session::{SessionState, use_session};

/// The acknowledge page.
#[component]
pub fn AlertAcknowledgePage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let token = Memo::new(move |_| query.with(|query| query.get("token")).unwrap_or_default());
    let preview = LocalResource::new(move || {
        let token = token.get();
        let client = session.client();
        async move {
            if token.is_empty() {
                return Err(None);
            }
            client
                .preview_alert_acknowledgement(&token)
                .await
                .map_err(Some)
        }
    });
    view! {
        <section class="card narrow acknowledge-page">
            <h1>"Acknowledge an urgent alert"</h1>
            <Transition fallback=|| view! { <Loading label="Reading the alert…"/> }>
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(alert) => view! { <AcknowledgeForm token=token.get_untracked() alert/> }.into_any(),
                        Err(None) => {
                            view! {
                                <div class="alert alert-error" role="alert">
                                    <p>"This link has no token. Open the full link from the e-mail."</p>
                                </div>
                            }
                                .into_any()
                        }
                        Err(Some(error)) => {
                            let unknown = error.status() == Some(404);
                            view! {
                                <ErrorAlert error=Signal::stored(Some::<ClientError>(error))/>
                                {unknown.then(|| view! {
                                    <p class="muted">"This link is not one Warren sent, or it was cut short. Open the full link from the e-mail, or acknowledge from your inbox in Warren."</p>
                                })}
                                <p><a href="/inbox">"Open your inbox"</a></p>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AcknowledgeForm(token: String, alert: AlertByToken) -> impl IntoView {
    let session = use_session();
    let chain = RwSignal::new(alert.chain.clone());
    let used = alert.used;
    let acknowledge = Action::new_local(move |token: &String| {
        let token = token.clone();
        let client = session.client();
        async move {
            let answer: Result<Acknowledgement, ClientError> =
                client.acknowledge_alert_by_token(&token).await;
            match &answer {
                Ok(acknowledgement) => {
                    chain.set(Some(acknowledgement.chain.clone()));
                    focus_on("[data-testid=acknowledged]");
                }
                Err(_) => focus_on("[data-testid=acknowledge-alert]"),
            }
            answer
        }
    });
    let pending = acknowledge.pending();
    let error = Signal::derive(move || error_of(acknowledge.value().get()));
    let done = Signal::derive(move || acknowledge.value().get().and_then(Result::ok));
    let open = move || {
        done.get().is_none()
            && !used
            && chain.with(|chain| chain.as_ref().is_none_or(acknowledgeable))
    };
    let signed_in = move || session.state() == SessionState::SignedIn;
    view! {
        <div class="acknowledge-alert" data-testid="alert-preview">
            <p class="alert-item-top">
                <span class="badge kind-badge">{alert.kind.label()}</span>
                <span class="badge urgent-badge">"Urgent"</span>
                <time class="alert-time" datetime=alert.created_at.to_rfc3339()>{when_text(alert.created_at)}</time>
            </p>
            <h2 class="alert-title">{alert.title.clone()}</h2>
            <p class="alert-body">{alert.body.clone()}</p>
            <p class="muted small">
                "Sent to " {alert.recipient_name.clone()} ". "
                <a href=alert.link.clone() data-testid="alert-object">"Open it in Warren"</a>
                " (you may be asked to sign in)."
            </p>
            {move || {
                chain
                    .get()
                    .map(|chain| {
                        view! {
                            <p class="chain-line" data-testid="chain" data-state=chain_state(&chain)>
                                {chain_text(&chain)}
                            </p>
                        }
                    })
            }}
        </div>
        {move || {
            done.get()
                .map(|done| {
                    let text = if done.by_this_request {
                        "Acknowledged. Thank you: nobody else will be alerted, and both clinics see it on the referral's timeline.".to_owned()
                    } else {
                        format!(
                            "{} acknowledged it first; nothing more to do.",
                            done.chain.acknowledged_by.as_deref().unwrap_or("Someone")
                        )
                    };
                    view! {
                        <div class="alert alert-success" role="status" tabindex="-1" data-testid="acknowledged">
                            <p>{text}</p>
                        </div>
                    }
                })
        }}
        <ErrorAlert error/>
        <Show when=move || used && done.get().is_none()>
            <p class="alert alert-info" data-testid="link-used">"This link was used already: each works once."</p>
        </Show>
        <Show
            when=open
            fallback=|| ()
        >
            <p>"Acknowledging says you are on it: Warren stops alerting the next people on call."</p>
            <div class="form-actions">
                <button
                    type="button"
                    class="button primary large"
                    data-testid="acknowledge-alert"
                    disabled=move || pending.get()
                    on:click={
                        let token = token.clone();
                        move |_| {
                            acknowledge.dispatch(token.clone());
                        }
                    }
                >
                    "Acknowledge"
                </button>
                <Show when=move || pending.get()>
                    <span class="spinner" role="status" aria-label="Acknowledging"></span>
                </Show>
            </div>
        </Show>
        <p class="muted">
            {move || {
                if signed_in() {
                    view! { "See all your alerts in " <a href="/inbox">"your inbox"</a> "." }.into_any()
                } else {
                    view! { <a href="/sign-in?next=%2Finbox">"Sign in"</a> " to see the referral and all your alerts." }.into_any()
                }
            }}
        </p>
    }
}

//! `/invitations/accept?token=…`: joining an organization from an invitation
//! link.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use warren_client::ClientError;
use warren_domain::{Password, PersonName};
use warren_wire::{AcceptInvitationRequest, InvitationPreview};

use crate::components::{ErrorAlert, FieldErrors, Loading, TextField, error_of};
use crate::local_time;
use crate::session::use_session;

/// Shows what the invitation offers, then asks for a password (and a name
/// for a new account).
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
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
            client.preview_invitation(&token).await.map_err(Some)
        }
    });
    view! {
        <section class="card narrow">
            <h1>"Join an organization"</h1>
            <Transition fallback=|| view! { <Loading label="Checking the invitation…"/> }>
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(preview) => view! { <AcceptForm token=token.get_untracked() preview/> }.into_any(),
                        Err(None) => {
                            view! {
                                <div class="alert alert-error" role="alert">
                                    <p>"This link has no invitation token. Open the full link from the invitation."</p>
                                </div>
                            }
                                .into_any()
                        }
                        Err(Some(error)) => {
                            view! {
                                <ErrorAlert error=Signal::stored(Some::<ClientError>(error))/>
                                <p class="muted">
                                    "The invitation may have expired or been withdrawn. Ask the organization's administrator for a new one."
                                </p>
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
fn AcceptForm(token: String, preview: InvitationPreview) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let existing_account = preview.existing_account;
    let organization_name = preview.organization.name.clone();
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let errors = FieldErrors::new();

    let accept = Action::new_local(move |request: &AcceptInvitationRequest| {
        let request = request.clone();
        let client = session.client();
        async move {
            let answer = client.accept_invitation(&request).await;
            if let Err(error) = &answer {
                errors.absorb(error);
            }
            answer
        }
    });
    let pending = accept.pending();
    let error = Signal::derive(move || error_of(accept.value().get()));
    Effect::new(move |_| {
        if let Some(Ok(accepted)) = accept.value().get() {
            session.set_notice(format!(
                "You joined {} as {}. Sign in to continue.",
                accepted.organization.name,
                accepted.role.label().to_lowercase()
            ));
            navigate("/sign-in", NavigateOptions::default());
        }
    });

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let request = if existing_account {
            if password.get_untracked().is_empty() {
                errors.add("password", "enter your password");
            }
            AcceptInvitationRequest {
                token: token.clone(),
                name: None,
                password: password.get_untracked(),
            }
        } else {
            let person = errors.check("name", PersonName::parse(name.get_untracked()));
            errors.check("password", Password::parse(password.get_untracked()));
            if password.get_untracked() != confirm.get_untracked() {
                errors.add("confirm_password", "the two passwords differ");
            }
            AcceptInvitationRequest {
                token: token.clone(),
                name: person,
                password: password.get_untracked(),
            }
        };
        if errors.is_empty() {
            accept.dispatch(request);
        }
    };

    view! {
        <div class="invitation-summary" data-testid="invitation-preview">
            <p>
                <strong>{organization_name}</strong>
                " (" {preview.organization.kind.label()} ") invites "
                <strong>{preview.email.clone()}</strong>
                " to join as " {preview.role.label().to_lowercase()} "."
            </p>
            <p class="muted">"The invitation expires " {local_time::date_time(preview.expires_at)} "."</p>
        </div>
        <ErrorAlert error/>
        <form novalidate on:submit=submit aria-busy=move || pending.get().to_string()>
            {if existing_account {
                view! {
                    <p>"You already have an account with this address: enter its password to join."</p>
                    <TextField
                        id="password"
                        label="Your password"
                        value=password
                        input_type="password"
                        autocomplete="current-password"
                        required=true
                        error=errors.of("password")
                    />
                }
                    .into_any()
            } else {
                view! {
                    <TextField
                        id="name"
                        label="Your name"
                        value=name
                        autocomplete="name"
                        required=true
                        error=errors.of("name")
                    />
                    <TextField
                        id="password"
                        label="Choose a password"
                        value=password
                        input_type="password"
                        autocomplete="new-password"
                        hint="12 to 128 characters."
                        required=true
                        error=errors.of("password")
                    />
                    <TextField
                        id="password-confirm"
                        label="Password again"
                        value=confirm
                        input_type="password"
                        autocomplete="new-password"
                        required=true
                        error=errors.of("confirm_password")
                    />
                }
                    .into_any()
            }}
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    "Join"
                </button>
                <Show when=move || pending.get()>
                    <span class="spinner" role="status" aria-label="Joining"></span>
                </Show>
            </div>
        </form>
    }
}

//! `/profile`: the signed-in person's name, e-mail, memberships, alert
//! settings (`#alerts`, [`AlertSettings`]) and password.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use warren_client::{ClientError, Versioned};
use warren_domain::{Password, PersonName};
use warren_wire::{Me, UpdateMeRequest};

use crate::components::{
    ErrorAlert, FieldErrors, Loaded, MembershipBadge, RequireSignIn, SuccessNotice, TextField,
    error_of, focus_on,
};
use crate::pages::profile_alerts::AlertSettings;
use crate::session::{Session, use_session};

/// The profile page.
#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <Profile/>
        </RequireSignIn>
    }
}

/// Sends a change of the profile with the version last read, keeping the
/// new version for the next change.
async fn update_me(
    session: Session,
    etag: StoredValue<String>,
    change: UpdateMeRequest,
) -> Result<Versioned<Me>, ClientError> {
    let answer = session.api().update_me(&change, &etag.get_value()).await;
    if let Ok(me) = &answer {
        etag.set_value(me.etag.clone());
        session.set_me(me.clone());
    }
    answer
}

#[component]
fn Profile() -> impl IntoView {
    let session = use_session();
    // A fresh read, for the current version (ETag).
    let me = LocalResource::new(move || async move { session.api().me().await });
    view! {
        <header class="page-header">
            <h1>"Your profile"</h1>
        </header>
        <Loaded resource=me label="Loading your profile…" let:me>
            <ProfileForms me/>
        </Loaded>
    }
}

#[component]
fn ProfileForms(me: Versioned<Me>) -> impl IntoView {
    let session = use_session();
    // Drawn after the page loaded, so the browser could not go to the
    // anchor by itself (links from e-mails and the unsubscribe page).
    let hash = use_location().hash;
    Effect::new(move |_| {
        if hash.get() == "#alerts" {
            focus_on("#alerts");
        }
    });
    let etag = StoredValue::new(me.etag.clone());
    let user = me.value.user.clone();
    let name = RwSignal::new(
        user.as_ref()
            .map(|user| user.name.clone())
            .unwrap_or_default(),
    );
    let email = user.map(|user| user.email).unwrap_or_default();
    let email_for_password = email.clone();
    let name_errors = FieldErrors::new();

    let rename = Action::new_local(move |change: &UpdateMeRequest| {
        let change = change.clone();
        async move {
            let answer = update_me(session, etag, change).await;
            if let Err(error) = &answer {
                name_errors.absorb(error);
            }
            answer
        }
    });
    let rename_error = Signal::derive(move || error_of(rename.value().get()));
    let renamed = Signal::derive(move || {
        rename
            .value()
            .get()
            .and_then(Result::ok)
            .map(|_| "Your name is saved.".to_owned())
    });
    let submit_name = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        name_errors.clear();
        if let Some(name) = name_errors.check("name", PersonName::parse(name.get_untracked())) {
            rename.dispatch(UpdateMeRequest {
                name: Some(name),
                ..Default::default()
            });
        }
    };

    view! {
        <section class="card" aria-labelledby="about-you">
            <h2 id="about-you">"About you"</h2>
            <ErrorAlert error=rename_error/>
            <SuccessNotice message=renamed/>
            <form novalidate on:submit=submit_name aria-busy=move || rename.pending().get().to_string()>
                <TextField
                    id="name"
                    label="Name"
                    value=name
                    autocomplete="name"
                    required=true
                    error=name_errors.of("name")
                />
                <div class="field">
                    <label for="email">"E-mail address"</label>
                    <input id="email" type="email" value=email readonly aria-describedby="email-hint"/>
                    <p class="hint" id="email-hint">"Ask a network coordinator to change it."</p>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || rename.pending().get()>
                        "Save name"
                    </button>
                </div>
            </form>
        </section>
        <section class="card" aria-labelledby="memberships-heading">
            <h2 id="memberships-heading">"Your organizations"</h2>
            {if me.value.memberships.is_empty() {
                view! { <p class="empty">"You are not a member of any organization."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {me
                            .value
                            .memberships
                            .into_iter()
                            .map(|membership| {
                                view! {
                                    <li>
                                        <strong>{membership.organization.name}</strong>
                                        " — " {membership.role.label()} " "
                                        <MembershipBadge status=membership.organization.membership/>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
        <AlertSettings/>
        <section class="card" aria-labelledby="password-heading">
            <h2 id="password-heading">"Change your password"</h2>
            <PasswordForm etag email=email_for_password/>
        </section>
    }
}

/// Current, new and repeated password.
///
/// Changing the password signs out the person's other sessions; to be sure
/// this one goes on, it signs in again with the new password.
#[component]
fn PasswordForm(etag: StoredValue<String>, email: String) -> impl IntoView {
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let change = Action::new_local(move |change: &UpdateMeRequest| {
        let change = change.clone();
        let email = email.clone();
        async move {
            let new = change.new_password.clone();
            let answer = update_me(session, etag, change).await;
            match &answer {
                Ok(_) => {
                    if let Some(new) = new {
                        // The change succeeded either way; a failed sign-in
                        // only means the session ends at its next refresh.
                        let _ = session
                            .sign_in(email.clone(), new.as_str().to_owned())
                            .await;
                    }
                    current.set(String::new());
                    new_password.set(String::new());
                    confirm.set(String::new());
                }
                Err(error) => errors.absorb(error),
            }
            answer
        }
    });
    let error = Signal::derive(move || error_of(change.value().get()));
    let changed = Signal::derive(move || {
        change.value().get().and_then(Result::ok).map(|_| {
            "Your password is changed. Other devices signed in as you have been signed out."
                .to_owned()
        })
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        if current.get_untracked().is_empty() {
            errors.add("current_password", "enter your current password");
        }
        let password = errors.check(
            "new_password",
            Password::parse(new_password.get_untracked()),
        );
        if new_password.get_untracked() != confirm.get_untracked() {
            errors.add("confirm_password", "the two passwords differ");
        }
        if let (Some(password), true) = (password, errors.is_empty()) {
            change.dispatch(UpdateMeRequest {
                name: None,
                new_password: Some(password),
                current_password: Some(current.get_untracked()),
            });
        }
    };
    view! {
        <ErrorAlert error/>
        <SuccessNotice message=changed/>
        <form novalidate on:submit=submit aria-busy=move || change.pending().get().to_string()>
            <TextField
                id="current-password"
                label="Current password"
                value=current
                input_type="password"
                autocomplete="current-password"
                required=true
                error=errors.of("current_password")
            />
            <TextField
                id="new-password"
                label="New password"
                value=new_password
                input_type="password"
                autocomplete="new-password"
                hint="12 to 128 characters."
                required=true
                error=errors.of("new_password")
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
                <button type="submit" class="button primary" disabled=move || change.pending().get()>
                    "Change password"
                </button>
            </div>
        </form>
    }
}

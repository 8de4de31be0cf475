//! `/sign-in`: e-mail and password, and the way to a new password for whoever
//! forgot theirs. `?email=` fills in the address (after a password reset).

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::components::{ErrorAlert, TextField, error_of};
use crate::session::{SessionState, use_session};

/// Where to go after signing in: the `next` query parameter when it is a
/// path of this app, else home (never another site). The path is resolved
/// against an origin the way a browser resolves it, so `/\evil.example`,
/// `//evil.example` or a tab inside the slashes, which browsers read as
/// another host, go home instead.
fn destination(next: Option<String>) -> String {
    let base = url::Url::parse("https://warren.invalid/").expect("a fixed base");
    next.filter(|next| next.starts_with('/'))
        .and_then(|next| base.join(&next).ok())
        .filter(|url| url.origin() == base.origin())
        .map(|url| url[url::Position::BeforePath..].to_owned())
        .filter(|path| !path.starts_with("/sign-in"))
        .unwrap_or_else(|| "/".to_owned())
}

/// The sign-in form.
#[component]
pub fn SignInPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    let email = RwSignal::new(
        query
            .with_untracked(|query| query.get("email"))
            .unwrap_or_default(),
    );
    let password = RwSignal::new(String::new());
    let notice = RwSignal::new(session.take_notice());

    let sign_in = Action::new_local(move |(email, password): &(String, String)| {
        session.sign_in(email.clone(), password.clone())
    });
    let pending = sign_in.pending();
    let error = Signal::derive(move || error_of(sign_in.value().get()));

    // Signed in (now, or already when arriving): go on.
    Effect::new(move |_| {
        if session.state() == SessionState::SignedIn {
            let next = destination(query.with_untracked(|query| query.get("next")));
            navigate(
                &next,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });

    // The address typed so far goes along, to save typing it again.
    let forgot_href = move || {
        let typed = email.get();
        if typed.trim().is_empty() {
            "/forgot-password".to_owned()
        } else {
            let typed = String::from(js_sys::encode_uri_component(typed.trim()));
            format!("/forgot-password?email={typed}")
        }
    };

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        notice.set(None);
        sign_in.dispatch((email.get_untracked(), password.get_untracked()));
    };

    view! {
        <section class="card narrow">
            <h1>"Sign in to Warren"</h1>
            {move || {
                notice
                    .get()
                    .map(|notice| {
                        view! {
                            <div class="alert alert-info" role="status" data-testid="sign-in-notice">
                                <p>{notice}</p>
                            </div>
                        }
                    })
            }}
            <ErrorAlert error/>
            <form on:submit=submit aria-busy=move || pending.get().to_string()>
                <TextField
                    id="email"
                    label="E-mail address"
                    value=email
                    input_type="email"
                    autocomplete="username"
                    required=true
                />
                <TextField
                    id="password"
                    label="Password"
                    value=password
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                />
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || pending.get()>
                        "Sign in"
                    </button>
                    <Show when=move || pending.get()>
                        <span class="spinner" role="status" aria-label="Signing in"></span>
                    </Show>
                    <a class="forgot-link" href=forgot_href data-testid="forgot-password">
                        "Forgot your password?"
                    </a>
                </div>
            </form>
            <hr/>
            <p>
                "New to the network? " <A href="/apply">"Apply to join"</A>
                " with your clinic, rescue or rehabilitation centre."
            </p>
            <p>
                "What the network does, in figures: " <A href="/report">"the network report"</A> "."
            </p>
            <p class="muted">
                "Joining an existing organization? Ask its administrator for an invitation link."
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::destination;

    #[test]
    fn only_a_path_of_this_app_is_a_destination() {
        let go = |next: &str| destination(Some(next.to_owned()));
        assert_eq!(
            go("/referrals/42?tab=files#top"),
            "/referrals/42?tab=files#top"
        );
        assert_eq!(go("/triage"), "/triage");
        for elsewhere in [
            "/\\evil.example/",
            "//evil.example/",
            "/\t/evil.example",
            "/\\/evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "evil.example",
            "/sign-in?next=/x",
        ] {
            assert_eq!(go(elsewhere), "/", "{elsewhere:?}");
        }
        assert_eq!(destination(None), "/");
    }
}

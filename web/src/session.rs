//! The signed-in session: tokens, the current person, and the way every page
//! talks to the API.
//!
//! The access token lives only in memory; the refresh token is kept in
//! `localStorage` under [`REFRESH_TOKEN_KEY`] so that a reload keeps the person
//! signed in. A silent refresh is scheduled shortly before the access token
//! expires, and [`Session::call`] refreshes once and retries once when the
//! server answers 401. Refresh tokens are single-use (presenting a used one
//! revokes the whole session), so concurrent refreshes are folded into one.
//!
//! When the session cannot be renewed it ends: storage is cleared, the state
//! becomes [`SessionState::SignedOut`] with a notice, and
//! [`crate::components::RequireSignIn`] sends the person to `/sign-in`.

use std::future::Future;
use std::time::Duration;

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use warren_client::{Client, ClientError, Versioned};
use warren_domain::Role;
use warren_wire::{LoginRequest, Me, MyMembership, Problem, TokenResponse};

/// The `localStorage` key holding the refresh token.
pub const REFRESH_TOKEN_KEY: &str = "warren.refresh_token";

/// How long before the access token expires the silent refresh runs.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The shortest wait before a scheduled refresh, whatever the server says.
const SHORTEST_REFRESH_DELAY: Duration = Duration::from_secs(5);

/// What the app knows about the person at the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// A refresh token was found and is being exchanged.
    Restoring,
    /// Nobody is signed in.
    SignedOut,
    /// A person is signed in and [`Session::me`] is loaded.
    SignedIn,
}

/// One refresh in flight, shared by every caller that needs a new token.
type PendingRefresh = Shared<LocalBoxFuture<'static, Result<String, ClientError>>>;

/// The session, provided as context by [`crate::App`]; cheap to copy.
#[derive(Clone, Copy)]
pub struct Session {
    base: StoredValue<Client, LocalStorage>,
    state: RwSignal<SessionState>,
    access_token: RwSignal<Option<String>>,
    me: RwSignal<Option<Versioned<Me>>>,
    notice: RwSignal<Option<String>>,
    timer: StoredValue<Option<TimeoutHandle>, LocalStorage>,
    pending_refresh: StoredValue<Option<PendingRefresh>, LocalStorage>,
}

/// The session provided by [`crate::App`].
///
/// # Panics
///
/// Outside the app (no session in context).
pub fn use_session() -> Session {
    use_context::<Session>().expect("the app provides a session")
}

impl Session {
    /// Creates the session for the API at the page's origin, provides it as
    /// context and, when a refresh token is stored, restores it silently.
    pub fn provide() -> Self {
        let origin = web_sys::window()
            .and_then(|window| window.location().origin().ok())
            .unwrap_or_default();
        let session = Self {
            base: StoredValue::new_local(Client::new(origin)),
            state: RwSignal::new(SessionState::SignedOut),
            access_token: RwSignal::new(None),
            me: RwSignal::new(None),
            notice: RwSignal::new(None),
            timer: StoredValue::new_local(None),
            pending_refresh: StoredValue::new_local(None),
        };
        provide_context(session);
        if stored_refresh_token().is_some() {
            session.state.set(SessionState::Restoring);
            spawn_local(session.restore());
        }
        session
    }

    /// A client without credentials, for the public endpoints.
    pub fn client(&self) -> Client {
        self.base.with_value(Client::anonymous)
    }

    /// The server's address (the page's origin).
    pub fn origin(&self) -> String {
        self.base.with_value(|client| client.base_url().to_owned())
    }

    /// Where the session stands (reactive).
    pub fn state(&self) -> SessionState {
        self.state.get()
    }

    /// Where the session stands (not reactive).
    pub fn state_untracked(&self) -> SessionState {
        self.state.get_untracked()
    }

    /// The signed-in person's id (not reactive).
    pub fn user_id_untracked(&self) -> Option<Uuid> {
        self.me.with_untracked(|me| {
            me.as_ref()
                .and_then(|me| me.value.user.as_ref())
                .map(|user| user.id)
        })
    }

    /// The signed-in person with their organizations (reactive).
    pub fn me(&self) -> Option<Me> {
        self.me
            .with(|me| me.as_ref().map(|versioned| versioned.value.clone()))
    }

    /// Replaces the signed-in person after they changed their profile.
    pub fn set_me(&self, me: Versioned<Me>) {
        self.me.set(Some(me));
    }

    /// The signed-in person's memberships in which they administer the
    /// organization (reactive).
    pub fn administered(&self) -> Vec<MyMembership> {
        self.me
            .with(|me| {
                me.as_ref().map(|me| {
                    me.value
                        .memberships
                        .iter()
                        .filter(|membership| membership.role.administers())
                        .cloned()
                        .collect()
                })
            })
            .unwrap_or_default()
    }

    /// Every membership of the signed-in person (reactive).
    pub fn memberships(&self) -> Vec<MyMembership> {
        self.me
            .with(|me| me.as_ref().map(|me| me.value.memberships.clone()))
            .unwrap_or_default()
    }

    /// Whether the signed-in person may edit `organization`'s directory
    /// listings and declare their capacity: its admins, clinicians and
    /// staff, and network coordinators (reactive). The server decides; this
    /// only hides buttons that would be refused.
    pub fn may_edit_listings(&self, organization: Uuid) -> bool {
        self.me.with(|me| {
            me.as_ref().is_some_and(|me| {
                me.value.is_network_admin
                    || me.value.memberships.iter().any(|membership| {
                        membership.organization.id == organization
                            && membership.role != Role::Volunteer
                    })
            })
        })
    }

    /// Whether the signed-in person coordinates the network (reactive).
    pub fn is_network_admin(&self) -> bool {
        self.me
            .with(|me| me.as_ref().is_some_and(|me| me.value.is_network_admin))
    }

    /// A message for the sign-in page (why the session ended, or what just
    /// happened); read it with [`Session::take_notice`].
    pub fn set_notice(&self, notice: impl Into<String>) {
        self.notice.set(Some(notice.into()));
    }

    /// Takes the pending notice, if any (not reactive).
    pub fn take_notice(&self) -> Option<String> {
        let mut taken = None;
        self.notice.update(|notice| taken = notice.take());
        taken
    }

    /// Signs in with an e-mail address and password, then loads [`Me`].
    pub async fn sign_in(self, email: String, password: String) -> Result<(), ClientError> {
        let tokens = self
            .client()
            .login(&LoginRequest { email, password })
            .await?;
        self.accept_tokens(tokens);
        self.load_me().await
    }

    /// Signs out: revokes the refresh token on the server, then forgets it.
    pub async fn sign_out(self) {
        if let Some(refresh_token) = stored_refresh_token() {
            // Forgetting the tokens locally is what matters; a failed logout
            // only leaves a refresh token on the server that nobody holds.
            let _ = self.client().logout(&refresh_token).await;
        }
        self.end("You have signed out.");
    }

    /// Calls the API as the signed-in person.
    ///
    /// `request` receives a client carrying the access token; it runs again,
    /// once, with a new token if the server says the token has expired. When
    /// the session cannot be renewed it ends and the error is returned.
    pub async fn call<T, F, Fut>(self, request: F) -> Result<T, ClientError>
    where
        F: Fn(Client) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        let token = match self.access_token.get_untracked() {
            Some(token) => token,
            None => self.refresh().await?,
        };
        match request(self.with_token(&token)).await {
            Err(error) if needs_new_token(&error) => {
                let current = self.access_token.get_untracked();
                let token = match current {
                    // Another call refreshed meanwhile: use its token.
                    Some(current) if current != token => current,
                    _ => self.refresh().await?,
                };
                let retried = request(self.with_token(&token)).await;
                if let Err(error) = &retried
                    && needs_new_token(error)
                {
                    self.end("Your session has ended — please sign in again.");
                }
                retried
            }
            answer => answer,
        }
    }

    /// Reloads [`Me`] and marks the session signed in.
    pub async fn load_me(self) -> Result<(), ClientError> {
        let me = self.call(|client| async move { client.me().await }).await?;
        self.me.set(Some(me));
        self.state.set(SessionState::SignedIn);
        Ok(())
    }

    fn with_token(&self, token: &str) -> Client {
        self.base
            .with_value(|client| client.with_access_token(token))
    }

    /// Exchanges the stored refresh token at start-up.
    async fn restore(self) {
        let restored = match self.refresh().await {
            Ok(_) => self.load_me().await,
            Err(error) => Err(error),
        };
        if let Err(error) = restored
            && self.state.get_untracked() == SessionState::Restoring
        {
            // The server could not be reached: keep the refresh token for
            // the next attempt, but let the person see why.
            self.notice.set(Some(error.message()));
            self.state.set(SessionState::SignedOut);
        }
    }

    /// A new access token, from the one refresh in flight or a new one.
    async fn refresh(self) -> Result<String, ClientError> {
        let pending = self.pending_refresh.with_value(Clone::clone);
        let pending = pending.unwrap_or_else(|| {
            let refresh = async move {
                let result = self.exchange_refresh_token().await;
                self.pending_refresh.set_value(None);
                result
            }
            .boxed_local()
            .shared();
            self.pending_refresh.set_value(Some(refresh.clone()));
            refresh
        });
        pending.await
    }

    async fn exchange_refresh_token(self) -> Result<String, ClientError> {
        let Some(refresh_token) = stored_refresh_token() else {
            self.end("Please sign in.");
            return Err(ClientError::Problem(
                Problem::new(401, "unauthorized", "Not signed in")
                    .with_detail("Please sign in to continue."),
            ));
        };
        match self.client().refresh(&refresh_token).await {
            Ok(tokens) => Ok(self.accept_tokens(tokens)),
            Err(error) => {
                if error
                    .status()
                    .is_some_and(|status| (400..500).contains(&status))
                {
                    self.end("Your session has ended — please sign in again.");
                }
                Err(error)
            }
        }
    }

    /// Keeps a fresh pair of tokens and schedules the next silent refresh;
    /// returns the access token.
    fn accept_tokens(self, tokens: TokenResponse) -> String {
        store_refresh_token(Some(&tokens.refresh_token));
        self.access_token.set(Some(tokens.access_token.clone()));
        let delay = Duration::from_secs(tokens.expires_in)
            .saturating_sub(REFRESH_MARGIN)
            .max(SHORTEST_REFRESH_DELAY);
        let handle = set_timeout_with_handle(
            move || {
                spawn_local(async move {
                    // A failure ends the session inside `refresh`.
                    let _ = self.refresh().await;
                });
            },
            delay,
        )
        .ok();
        self.replace_timer(handle);
        tokens.access_token
    }

    /// Forgets every token and the person, leaving `notice` for the sign-in page.
    fn end(self, notice: &str) {
        store_refresh_token(None);
        self.replace_timer(None);
        self.access_token.set(None);
        self.me.set(None);
        self.notice.set(Some(notice.to_owned()));
        self.state.set(SessionState::SignedOut);
    }

    fn replace_timer(self, handle: Option<TimeoutHandle>) {
        self.timer.update_value(|timer| {
            if let Some(old) = timer.take() {
                old.clear();
            }
            *timer = handle;
        });
    }
}

/// Whether an error means the access token is no longer good (rather than,
/// say, a wrong current password).
fn needs_new_token(error: &ClientError) -> bool {
    error.status() == Some(401) && error.code() != Some("invalid_credentials")
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.local_storage().ok().flatten())
}

fn stored_refresh_token() -> Option<String> {
    local_storage()
        .and_then(|storage| storage.get_item(REFRESH_TOKEN_KEY).ok().flatten())
        .filter(|token| !token.is_empty())
}

fn store_refresh_token(token: Option<&str>) {
    if let Some(storage) = local_storage() {
        // Storage can refuse (private mode, quota); the session then simply
        // does not survive a reload.
        let _ = match token {
            Some(token) => storage.set_item(REFRESH_TOKEN_KEY, token),
            None => storage.remove_item(REFRESH_TOKEN_KEY),
        };
    }
}

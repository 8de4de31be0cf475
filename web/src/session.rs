//! The signed-in session: tokens, the current person, and the way every page
//! talks to the API.
//!
//! The tokens are kept in `localStorage` ([`REFRESH_TOKEN_KEY`],
//! [`ACCESS_TOKEN_KEY`]) so that a reload keeps the person signed in and
//! every tab of the browser shares one sign-in. A silent refresh is scheduled
//! shortly before the access token expires, and the client of [`Session::api`]
//! renews the token and sends a call again, once, when the server answers 401.
//!
//! Refresh tokens are single-use (presenting a used one, after the server's
//! short grace window, revokes the whole sign-in), so refreshes are folded
//! into one: within a tab by sharing the one in flight, and across the tabs
//! by the Web Locks API — a tab takes the `warren.refresh` lock, and if
//! another tab refreshed meanwhile it adopts the stored access token instead
//! of spending the refresh token again.
//!
//! When the session cannot be renewed it ends: storage is cleared, the state
//! becomes [`SessionState::SignedOut`] with a notice saying why ("Your
//! session ended because …"), and [`crate::components::RequireSignIn`] sends
//! the person to `/sign-in`. The other tabs hear of it through the `storage`
//! event and end too, with the same reason.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use warren_wire::ErrorCode;

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use warren_client::{Client, ClientError, TokenFuture, TokenSource, Versioned};
use warren_domain::Role;
use warren_wire::{LoginRequest, Me, MyMembership, Problem, TokenResponse};

/// The `localStorage` key holding the refresh token.
pub const REFRESH_TOKEN_KEY: &str = "warren.refresh_token";
/// The `localStorage` key holding the signed-in person as last loaded, so
/// that the app opens signed in when Warren cannot be reached. It goes with
/// the session: signing out, or the session ending, removes it.
const ME_KEY: &str = "warren.me";

/// The `localStorage` key holding the access token and its expiry, as
/// `<expiry in ms since the epoch> <token>`, shared by the tabs.
pub const ACCESS_TOKEN_KEY: &str = "warren.access_token";

/// The `localStorage` key holding why the session last ended, for the other
/// tabs (written just before the tokens are removed).
pub const ENDED_REASON_KEY: &str = "warren.session_ended";

/// The name of the Web Lock held while a tab refreshes the tokens. The page's
/// start-up script (`web/assets/boot.js`) takes it too, and shares the keys
/// above: it may exchange the refresh token before the app runs.
const REFRESH_LOCK: &str = "warren.refresh";

/// Why a session ends when the person signed out themselves.
const SIGNED_OUT: &str = "You have signed out.";

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

/// Renewal for [`Session::api`]'s client: the token in hand, or a refresh shared by every call
/// that needs one.
impl TokenSource for Session {
    fn current(&self) -> TokenFuture<'_> {
        let session = *self;
        token_future(async move {
            match session.access_token.get_untracked() {
                Some(token) => Ok(token),
                // While the session is restored, an access token another tab
                // or the start-up script stored serves at once: the restore
                // adopts the same token, after the lock.
                None => match stored_access_token()
                    .filter(|stored| stored.lasts_at_least(SHORTEST_REFRESH_DELAY))
                {
                    Some(stored) => Ok(stored.token),
                    None => session.refresh().await,
                },
            }
        })
    }

    fn renew(&self, refused: String) -> TokenFuture<'_> {
        let session = *self;
        token_future(async move {
            match session.access_token.get_untracked() {
                // Another call refreshed meanwhile: use its token.
                Some(current) if current != refused => Ok(current),
                _ => session.refresh().await,
            }
        })
    }

    fn ended(&self, refusal: &ClientError) {
        self.end(ended_because(refusal.error_code()));
    }
}

/// A token for the client. The app runs in the browser, whose futures never need to be `Send`;
/// compiled natively (for the lints only) the client asks for `Send` ones, which the wrapper
/// claims, and which would panic if one were ever polled on another thread.
fn token_future<'a>(
    future: impl Future<Output = Result<String, ClientError>> + 'a,
) -> TokenFuture<'a> {
    #[cfg(target_arch = "wasm32")]
    {
        Box::pin(future)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        Box::pin(send_wrapper::SendWrapper::new(future))
    }
}

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
        session.follow_other_tabs();
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

    /// Whether the signed-in person belongs to the network: a coordinator,
    /// or a member of a vetted organization (reactive). Only they use the
    /// directory, lending and the other shared services; the server
    /// decides, this only explains before it refuses.
    pub fn in_network(&self) -> bool {
        self.me.with(|me| {
            me.as_ref().is_some_and(|me| {
                me.value.is_network_admin
                    || me
                        .value
                        .memberships
                        .iter()
                        .any(|membership| membership.organization.membership.is_active())
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

    /// Signs out: forgets the tokens in this browser at once, then revokes
    /// the refresh token on the server.
    ///
    /// Forgetting comes first so that a person who signs out and at once
    /// closes the tab or goes elsewhere (a shared computer at the front
    /// desk) is signed out even if the revocation never arrives; a failed
    /// logout only leaves a refresh token on the server that nobody holds.
    pub async fn sign_out(self) {
        let refresh_token = stored_refresh_token();
        self.end(SIGNED_OUT);
        if let Some(refresh_token) = refresh_token {
            let _ = self.client().logout(&refresh_token).await;
        }
    }

    /// A client acting as the signed-in person: each call sends the current access token, and
    /// when the server says it has expired the client renews it (once for every call refused
    /// together, and across the tabs) and sends the call again. When the session cannot be
    /// renewed it ends and the call returns the refusal.
    pub fn api(&self) -> Client {
        self.base
            .with_value(|client| client.with_session(Arc::new(*self)))
    }

    /// Reloads [`Me`] and marks the session signed in.
    pub async fn load_me(self) -> Result<(), ClientError> {
        let me = self.api().me().await?;
        keep_me(Some(&me));
        self.me.set(Some(me));
        self.state.set(SessionState::SignedIn);
        Ok(())
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
            // Warren could not be reached, and this device holds the person
            // who signed in here last and did not sign out: open as them,
            // with the copies the app keeps (triage works), and reach the
            // server again on the next call.
            if matches!(error, ClientError::Transport(_))
                && let Some(me) = kept_me()
            {
                self.me.set(Some(me));
                self.state.set(SessionState::SignedIn);
                return;
            }
            // Otherwise keep the refresh token for the next attempt, but
            // let the person see why.
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

    /// Refreshes under the cross-tab lock: if another tab refreshed while
    /// this one waited (or before it started), its stored access token is
    /// adopted; otherwise the stored refresh token is exchanged.
    async fn exchange_refresh_token(self) -> Result<String, ClientError> {
        let stale = self.access_token.get_untracked();
        let lock = RefreshLock::acquire().await;
        let result = match stored_access_token().filter(|stored| {
            Some(&stored.token) != stale.as_ref() && stored.lasts_at_least(SHORTEST_REFRESH_DELAY)
        }) {
            Some(stored) => Ok(self.adopt(stored)),
            None => self.exchange_stored_refresh_token().await,
        };
        drop(lock);
        result
    }

    async fn exchange_stored_refresh_token(self) -> Result<String, ClientError> {
        let Some(refresh_token) = stored_refresh_token() else {
            self.end("Please sign in.");
            return Err(ClientError::Problem(
                Problem::new(401, warren_wire::ErrorCode::Unauthorized, "Not signed in")
                    .with_detail("Please sign in to continue."),
            ));
        };
        let answer = match early_refusal(&refresh_token) {
            Some(refusal) => Err(refusal),
            None => self.client().refresh(&refresh_token).await,
        };
        match answer {
            Ok(tokens) => Ok(self.accept_tokens(tokens)),
            Err(error) => {
                if error
                    .status()
                    .is_some_and(|status| (400..500).contains(&status))
                {
                    self.end(ended_because(error.error_code()));
                }
                Err(error)
            }
        }
    }

    /// Takes an access token another tab stored; returns it.
    fn adopt(self, stored: StoredAccessToken) -> String {
        self.access_token.set(Some(stored.token.clone()));
        self.schedule_refresh(stored.remaining());
        stored.token
    }

    /// Listens to the other tabs through the `storage` event: when one
    /// signs out, or its session ends, this one ends too, with its reason.
    fn follow_other_tabs(self) {
        let listener = window_event_listener(leptos::ev::storage, move |event| {
            if event.key().as_deref() != Some(REFRESH_TOKEN_KEY) {
                return;
            }
            let signed_out = self.state.get_untracked() == SessionState::SignedOut;
            if event.new_value().is_some() {
                // Signed in in another tab: this one joins that sign-in.
                if signed_out {
                    self.state.set(SessionState::Restoring);
                    spawn_local(self.restore());
                }
                return;
            }
            if signed_out {
                return;
            }
            let reason = local_storage()
                .and_then(|storage| storage.get_item(ENDED_REASON_KEY).ok().flatten())
                .filter(|reason| !reason.is_empty() && reason != SIGNED_OUT)
                .unwrap_or_else(|| {
                    "Your session ended because you signed out in another tab.".to_owned()
                });
            self.forget(&reason);
        });
        // The session lives as long as the page.
        std::mem::forget(listener);
    }

    /// Keeps a fresh pair of tokens (for every tab) and schedules the next
    /// silent refresh; returns the access token.
    fn accept_tokens(self, tokens: TokenResponse) -> String {
        let lifetime = Duration::from_secs(tokens.expires_in);
        store_refresh_token(Some(&tokens.refresh_token));
        store_access_token(Some(&StoredAccessToken {
            token: tokens.access_token.clone(),
            expires_at_ms: js_sys::Date::now() + lifetime.as_millis() as f64,
        }));
        self.access_token.set(Some(tokens.access_token.clone()));
        self.schedule_refresh(lifetime);
        tokens.access_token
    }

    /// Refreshes silently shortly before an access token that lasts
    /// `lifetime` expires.
    fn schedule_refresh(self, lifetime: Duration) {
        let delay = lifetime
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
    }

    /// Ends the session in every tab: leaves `notice` for this tab's
    /// sign-in page and the others' (through storage), and forgets the
    /// tokens.
    fn end(self, notice: &str) {
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(ENDED_REASON_KEY, notice);
        }
        store_refresh_token(None);
        store_access_token(None);
        self.forget(notice);
    }

    /// Forgets the tokens and the person in this tab, leaving `notice` for
    /// the sign-in page.
    fn forget(self, notice: &str) {
        keep_me(None);
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

/// The sign-in page's explanation of a session the server would not renew,
/// from the problem's code.
fn ended_because(code: Option<ErrorCode>) -> &'static str {
    match code {
        Some(ErrorCode::RefreshTokenReused) => {
            "Your session ended because it was revoked for safety: the same sign-in was used \
             twice, as if someone else had copied it. Sign in again; if this keeps happening, \
             change your password."
        }
        Some(ErrorCode::SessionEnded) => {
            "Your session ended because you signed out (in another tab or window), or your \
             password was changed."
        }
        Some(ErrorCode::InvalidRefreshToken) => {
            "Your session ended because it expired. Sign in again to carry on."
        }
        _ => "Your session ended. Please sign in again.",
    }
}

/// The page's start-up script (`web/assets/boot.js`) exchanges the stored
/// refresh token while the app downloads, under the same lock and keys as
/// [`Session`]; a pair it gets is in storage, to adopt. A refusal it got for
/// `refresh_token` is kept on `window.warren.refusedRefresh` and taken here,
/// once, as the answer: presenting the token again would be refused for
/// another reason (a reused token revokes its sign-in, which then answers
/// "ended"), and the person would be told the wrong one.
fn early_refusal(refresh_token: &str) -> Option<ClientError> {
    let status = js_sys::Reflect::get(&web_sys::window()?.into(), &"warren".into()).ok()?;
    let key = wasm_bindgen::JsValue::from_str("refusedRefresh");
    let refused = js_sys::Reflect::get(&status, &key).ok()?;
    if !refused.is_object() {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(
        wasm_bindgen::JsCast::unchecked_ref::<js_sys::Object>(&status),
        &key,
    );
    let field = |name: &str| {
        js_sys::Reflect::get(&refused, &name.into())
            .ok()
            .and_then(|value| value.as_string())
    };
    if field("token")? != refresh_token {
        return None;
    }
    serde_json::from_str::<Problem>(&field("problem")?)
        .ok()
        .map(ClientError::Problem)
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

/// An access token in storage with its expiry, shared by the tabs.
struct StoredAccessToken {
    token: String,
    expires_at_ms: f64,
}

impl StoredAccessToken {
    fn remaining(&self) -> Duration {
        Duration::from_millis((self.expires_at_ms - js_sys::Date::now()).max(0.0) as u64)
    }

    fn lasts_at_least(&self, duration: Duration) -> bool {
        self.remaining() >= duration
    }
}

/// The person as last loaded, with its version, as kept on the device.
#[derive(serde::Serialize, serde::Deserialize)]
struct KeptMe {
    me: Me,
    etag: String,
}

fn kept_me() -> Option<Versioned<Me>> {
    let text = local_storage()?.get_item(ME_KEY).ok().flatten()?;
    let kept: KeptMe = serde_json::from_str(&text).ok()?;
    Some(Versioned {
        value: kept.me,
        etag: kept.etag,
    })
}

fn keep_me(me: Option<&Versioned<Me>>) {
    if let Some(storage) = local_storage() {
        let kept = me.and_then(|me| {
            serde_json::to_string(&KeptMe {
                me: me.value.clone(),
                etag: me.etag.clone(),
            })
            .ok()
        });
        // Storage can refuse (private mode, quota): the app then only opens
        // signed in while Warren can be reached.
        let _ = match kept {
            Some(text) => storage.set_item(ME_KEY, &text),
            None => storage.remove_item(ME_KEY),
        };
    }
}

fn stored_access_token() -> Option<StoredAccessToken> {
    let text = local_storage()?.get_item(ACCESS_TOKEN_KEY).ok().flatten()?;
    let (expiry, token) = text.split_once(' ')?;
    Some(StoredAccessToken {
        token: token.to_owned(),
        expires_at_ms: expiry.parse().ok()?,
    })
}

fn store_access_token(token: Option<&StoredAccessToken>) {
    if let Some(storage) = local_storage() {
        let _ = match token {
            Some(stored) => storage.set_item(
                ACCESS_TOKEN_KEY,
                &format!("{} {}", stored.expires_at_ms, stored.token),
            ),
            None => storage.remove_item(ACCESS_TOKEN_KEY),
        };
    }
}

// The Web Locks API. web-sys has bindings for it, but only behind the
// `web_sys_unstable_apis` cfg flag, which would apply to the whole build:
// the two calls needed are declared here instead.
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    type LockManager;

    #[wasm_bindgen(method, js_name = request)]
    fn request(this: &LockManager, name: &str, callback: &js_sys::Function) -> js_sys::Promise;
}

/// The `warren.refresh` Web Lock, held until dropped. Browsers without
/// the Web Locks API get no lock: the server's grace window covers them.
struct RefreshLock {
    release: Option<js_sys::Function>,
}

impl RefreshLock {
    async fn acquire() -> Self {
        use wasm_bindgen::JsCast;
        let locks = web_sys::window()
            .and_then(|window| js_sys::Reflect::get(&window.navigator(), &"locks".into()).ok())
            .filter(|locks| locks.is_object())
            .map(JsCast::unchecked_into::<LockManager>);
        let Some(locks) = locks else {
            return Self { release: None };
        };
        let mut release = None;
        let held_until = js_sys::Promise::new(&mut |resolve, _| release = Some(resolve));
        let mut granted = None;
        let acquired = js_sys::Promise::new(&mut |resolve, _| granted = Some(resolve));
        let (Some(release), Some(granted)) = (release, granted) else {
            return Self { release: None };
        };
        // The lock is held until the promise the callback returns settles,
        // that is until `release` runs on drop.
        let callback =
            wasm_bindgen::closure::Closure::once_into_js(move |_lock: wasm_bindgen::JsValue| {
                let _ = granted.call0(&wasm_bindgen::JsValue::NULL);
                held_until
            });
        let _ = locks.request(REFRESH_LOCK, callback.unchecked_ref());
        let _ = wasm_bindgen_futures::JsFuture::from(acquired).await;
        Self {
            release: Some(release),
        }
    }
}

impl Drop for RefreshLock {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            let _ = release.call0(&wasm_bindgen::JsValue::NULL);
        }
    }
}

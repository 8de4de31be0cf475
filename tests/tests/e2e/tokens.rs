//! Access and refresh tokens: every forgery and replay is refused.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::json;
use warren_tests::*;

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn kid() -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(JWT_SECRET.as_bytes());
    digest
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()[..16]
        .to_owned()
}

fn forge(
    algorithm: Algorithm,
    secret: &str,
    claims: serde_json::Value,
    kid: Option<String>,
) -> String {
    let mut header = Header::new(algorithm);
    header.kid = kid;
    encode(
        &header,
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn claims(sub: &str) -> serde_json::Value {
    json!({ "iss": "warren", "aud": "warren", "sub": sub, "exp": now() + 600, "nbf": now() - 10, "iat": now() - 10 })
}

/// The tokens of a session client under test: it starts with `first`, renews by exchanging
/// `refresh` (or, when `renewed` is set, by handing that instead) and counts what it was asked.
struct Tokens {
    client: warren_client::Client,
    first: String,
    refresh: String,
    renewed: Option<String>,
    renewals: std::sync::atomic::AtomicUsize,
    endings: std::sync::Mutex<Vec<String>>,
}

impl Tokens {
    fn new(
        app: &TestApp,
        first: String,
        refresh: String,
        renewed: Option<String>,
    ) -> std::sync::Arc<Self> {
        std::sync::Arc::new(Self {
            client: app.client.clone(),
            first,
            refresh,
            renewed,
            renewals: Default::default(),
            endings: Default::default(),
        })
    }

    fn renewals(&self) -> usize {
        self.renewals.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl warren_client::TokenSource for Tokens {
    fn current(&self) -> warren_client::TokenFuture<'_> {
        Box::pin(async move { Ok(self.first.clone()) })
    }

    fn renew(&self, refused: String) -> warren_client::TokenFuture<'_> {
        assert_eq!(refused, self.first, "the refused token is the one sent");
        self.renewals
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::pin(async move {
            match &self.renewed {
                Some(renewed) => Ok(renewed.clone()),
                None => Ok(self.client.refresh(&self.refresh).await?.access_token),
            }
        })
    }

    fn ended(&self, refusal: &warren_client::ClientError) {
        self.endings
            .lock()
            .unwrap()
            .push(refusal.code().unwrap_or_default().to_owned());
    }
}

async fn answer(app: &TestApp, token: &str) -> (u16, String) {
    match app.client.with_access_token(token).me().await {
        Ok(_) => (200, String::new()),
        Err(error) => (
            error.status().unwrap_or(0),
            error.code().unwrap_or_default().to_owned(),
        ),
    }
}

warren_tests::on_both_databases! {
    async fn forged_and_expired_access_tokens_are_refused(app) {
        let coordinator = app.network_admin().await;
        let me = coordinator.me().await.unwrap().value.user.unwrap();
        let sub = me.id.to_string();
        // The genuine article works.
        assert_eq!(answer(&app, &forge(Algorithm::HS256, JWT_SECRET, claims(&sub), Some(kid()))).await.0, 200);

        let mut expired = claims(&sub);
        expired["exp"] = json!(now() - 60);
        let mut early = claims(&sub);
        early["nbf"] = json!(now() + 600);
        let mut wrong_aud = claims(&sub);
        wrong_aud["aud"] = json!("someone-else");
        let mut wrong_iss = claims(&sub);
        wrong_iss["iss"] = json!("someone-else");
        let mut no_exp = claims(&sub);
        no_exp.as_object_mut().unwrap().remove("exp");

        let genuine = forge(Algorithm::HS256, JWT_SECRET, claims(&sub), Some(kid()));
        let mut parts: Vec<String> = genuine.split('.').map(str::to_owned).collect();
        let mut payload: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
        payload["sub"] = json!(uuid::Uuid::new_v4().to_string());
        parts[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
        let tampered = parts.join(".");

        let none_header = URL_SAFE_NO_PAD.encode(json!({ "alg": "none", "typ": "JWT", "kid": kid() }).to_string());
        let alg_none = format!("{none_header}.{}.", URL_SAFE_NO_PAD.encode(claims(&sub).to_string()));

        let cases = [
            ("expired", forge(Algorithm::HS256, JWT_SECRET, expired, Some(kid())), "token_expired"),
            ("not yet valid", forge(Algorithm::HS256, JWT_SECRET, early, Some(kid())), "invalid_token"),
            ("wrong audience", forge(Algorithm::HS256, JWT_SECRET, wrong_aud, Some(kid())), "invalid_token"),
            ("wrong issuer", forge(Algorithm::HS256, JWT_SECRET, wrong_iss, Some(kid())), "invalid_token"),
            ("no expiry", forge(Algorithm::HS256, JWT_SECRET, no_exp, Some(kid())), "invalid_token"),
            ("wrong key", forge(Algorithm::HS256, "some other secret that is long enough!", claims(&sub), Some(kid())), "invalid_token"),
            ("unknown key id", forge(Algorithm::HS256, JWT_SECRET, claims(&sub), Some("0000000000000000".into())), "invalid_token"),
            ("no key id", forge(Algorithm::HS256, JWT_SECRET, claims(&sub), None), "invalid_token"),
            ("other algorithm", forge(Algorithm::HS512, JWT_SECRET, claims(&sub), Some(kid())), "invalid_token"),
            ("alg none", alg_none, "invalid_token"),
            ("tampered payload", tampered, "invalid_token"),
            ("garbage", "not.a.token".into(), "invalid_token"),
        ];
        for (case, token, code) in cases {
            assert_eq!(answer(&app, &token).await, (401, code.to_owned()), "{case}");
        }
        let basic = app.client.request(reqwest::Method::GET, "/api/v1/me").header("Authorization", "Basic Zm9vOmJhcg==").send().await.unwrap();
        assert_eq!(basic.status().as_u16(), 401);
        assert!(basic.headers().contains_key("www-authenticate"));
    }

    async fn a_session_client_renews_a_refused_token_once_and_sends_the_call_again(app) {
        let coordinator = app.network_admin().await;
        let sub = coordinator.me().await.unwrap().value.user.unwrap().id.to_string();
        let mut stale = claims(&sub);
        stale["exp"] = json!(now() - 60);
        let expired = forge(Algorithm::HS256, JWT_SECRET, stale, Some(kid()));
        let signed_in = app.tokens("coordinator@network.test", PASSWORD).await;

        // The expired token is refused, renewed once, and the same call succeeds.
        let tokens = Tokens::new(&app, expired.clone(), signed_in.refresh_token.clone(), None);
        let client = app.client.with_session(tokens.clone());
        let me = client.me().await.expect("the call succeeds with the renewed token");
        assert_eq!(me.value.user.as_ref().unwrap().id.to_string(), sub);
        assert_eq!(tokens.renewals(), 1);
        assert!(tokens.endings.lock().unwrap().is_empty());

        // A write is sent again whole, body and headers, with the new token.
        let signed_in = app.tokens("coordinator@network.test", PASSWORD).await;
        let tokens = Tokens::new(&app, expired.clone(), signed_in.refresh_token, None);
        let change: warren_wire::UpdateMeRequest = serde_json::from_value(json!({ "name": "Renewed Coordinator" })).unwrap();
        let renamed = app.client.with_session(tokens.clone()).update_me(&change, &me.etag).await.expect("the change is made");
        assert_eq!(renamed.value.user.unwrap().name, "Renewed Coordinator");
        assert_eq!(tokens.renewals(), 1);

        // A renewed token refused too ends the session: the refusal comes back, once.
        let tokens = Tokens::new(&app, expired.clone(), String::new(), Some(expired.clone()));
        let refusal = app.client.with_session(tokens.clone()).me().await.unwrap_err();
        assert_eq!(refusal.status(), Some(401));
        assert_eq!(tokens.renewals(), 1);
        assert_eq!(tokens.endings.lock().unwrap().len(), 1);

        // A refusal that is not about the token is returned as it is, without renewing.
        let tokens = Tokens::new(&app, signed_in.access_token.clone(), String::new(), None);
        let missing = app.client.with_session(tokens.clone()).organization(uuid::Uuid::nil()).await.unwrap_err();
        assert_eq!(missing.status(), Some(404));
        assert_eq!(tokens.renewals(), 0);
    }

    async fn a_reused_refresh_token_revokes_the_session(app) {
        app.network_admin().await;
        let first = app.tokens("coordinator@network.test", PASSWORD).await;
        let second = app.client.refresh(&first.refresh_token).await.unwrap();
        assert_ne!(second.refresh_token, first.refresh_token);
        assert_eq!(answer(&app, &second.access_token).await.0, 200);

        let replay = app.client.refresh(&first.refresh_token).await.unwrap_err();
        assert_eq!(replay.code(), Some("refresh_token_reused"));
        let after = app.client.refresh(&second.refresh_token).await.unwrap_err();
        assert_eq!(after.status(), Some(401), "the whole chain is revoked");

        let unknown = app.client.refresh("wrt_not-a-token").await.unwrap_err();
        assert_eq!(unknown.code(), Some("invalid_refresh_token"));
    }

    async fn signing_out_revokes_the_refresh_token(app) {
        app.network_admin().await;
        let session = app.tokens("coordinator@network.test", PASSWORD).await;
        app.client.logout(&session.refresh_token).await.unwrap();
        assert_eq!(app.client.refresh(&session.refresh_token).await.unwrap_err().status(), Some(401));
        app.client.logout(&session.refresh_token).await.expect("signing out twice is harmless");
    }

    async fn wrong_passwords_are_refused_alike(app) {
        app.network_admin().await;
        for (email, password) in [("coordinator@network.test", "wrong password!"), ("nobody@network.test", PASSWORD)] {
            let error = app
                .client
                .login(&warren_wire::LoginRequest { email: email.into(), password: password.into() })
                .await
                .unwrap_err();
            assert_eq!(error.code(), Some("invalid_credentials"));
        }
    }
}

/// A server whose refresh tokens stay good for `grace` after their first use.
async fn with_grace(backend: Backend, grace: std::time::Duration) -> TestApp {
    TestApp::spawn_with(backend, |config| config.tokens.refresh_grace = grace).await
}

warren_tests::on_both_databases! {
    async fn tabs_refreshing_with_the_same_token_all_stay_signed_in(backend: Backend) {
        let app = with_grace(backend, std::time::Duration::from_secs(10)).await;
        app.network_admin().await;
        let shared = app.tokens("coordinator@network.test", PASSWORD).await;
        // Three tabs read the same stored token and refresh at once.
        let (first, second, third) = tokio::join!(
            app.client.refresh(&shared.refresh_token),
            app.client.refresh(&shared.refresh_token),
            app.client.refresh(&shared.refresh_token),
        );
        let pairs = [first.unwrap(), second.unwrap(), third.unwrap()];
        for pair in &pairs {
            assert_eq!(answer(&app, &pair.access_token).await.0, 200);
        }
        // A fourth use, moments later, is still honoured.
        let late = app.client.refresh(&shared.refresh_token).await.expect("within the window");
        // Every new token continues the same sign-in: it works, and signing
        // out with one of them ends them all.
        let next = app.client.refresh(&pairs[0].refresh_token).await.expect("a successor works");
        app.client.logout(&next.refresh_token).await.unwrap();
        for token in [&pairs[1].refresh_token, &pairs[2].refresh_token, &late.refresh_token] {
            let ended = app.client.refresh(token).await.unwrap_err();
            assert_eq!(ended.code(), Some("session_ended"));
        }
    }

    async fn a_refresh_token_replayed_after_the_grace_window_revokes_the_session(backend: Backend) {
        let app = with_grace(backend, std::time::Duration::from_secs(1)).await;
        app.network_admin().await;
        let first = app.tokens("coordinator@network.test", PASSWORD).await;
        let second = app.client.refresh(&first.refresh_token).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(2100)).await;

        let replay = app.client.refresh(&first.refresh_token).await.unwrap_err();
        assert_eq!(replay.code(), Some("refresh_token_reused"));
        let after = app.client.refresh(&second.refresh_token).await.unwrap_err();
        assert_eq!(after.status(), Some(401), "the whole chain is revoked");
        assert_eq!(after.code(), Some("session_ended"));
    }
}

warren_tests::on_both_databases! {
    async fn tokens_secrets_and_members_data_are_never_cached(app) {
        let coordinator = app.network_admin().await;
        let (organization, admin) = app.vetted(&coordinator, "Cache Clinic", "cache@clinic.test").await;
        let no_store = |response: &reqwest::Response| {
            response.headers().get("cache-control").and_then(|value| value.to_str().ok()).map(str::to_owned)
        };
        let login = app
            .client
            .http()
            .post(format!("{}/api/v1/auth/login", app.url))
            .json(&json!({ "email": "cache@clinic.test", "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status().as_u16(), 200);
        assert_eq!(no_store(&login).as_deref(), Some("no-store"), "tokens");
        let me = admin.request(reqwest::Method::GET, "/api/v1/me").send().await.unwrap();
        assert_eq!(no_store(&me).as_deref(), Some("no-store"), "a member's data");
        let key = admin
            .request(reqwest::Method::POST, &format!("/api/v1/organizations/{organization}/api-keys"))
            .json(&json!({ "name": "Cache check", "scopes": ["read"] }))
            .send()
            .await
            .unwrap();
        assert_eq!(key.status().as_u16(), 201);
        assert_eq!(no_store(&key).as_deref(), Some("no-store"), "a secret shown once");
        let public = app.client.http().get(format!("{}/api/v1/public/taxonomy", app.url)).send().await.unwrap();
        assert_ne!(no_store(&public).as_deref(), Some("no-store"), "public answers keep their own caching");
    }
}

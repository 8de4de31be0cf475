//! Warren in a real deployment: behind a reverse proxy, as several replicas
//! on one PostgreSQL database, with its metrics kept from the public.

use std::time::Duration;

use warren_client::Client;
use warren_tests::*;

/// A wrong password for `email`, sent as a proxy forwarding for `forwarded`
/// would send it (no header when `None`). Returns the status.
async fn failed_sign_in(client: &Client, url: &str, email: &str, forwarded: Option<&str>) -> u16 {
    let mut request = client
        .http()
        .post(format!("{url}/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": email, "password": "not the password at all" }));
    if let Some(forwarded) = forwarded {
        request = request.header("x-forwarded-for", forwarded);
    }
    request.send().await.unwrap().status().as_u16()
}

/// Whether one of the next `tries` sign-ins from `forwarded` is refused for
/// the limit. A sliding window lets at most one more through when a minute
/// turns over mid-test, so the tests ask twice rather than once.
async fn refused_soon(client: &Client, url: &str, forwarded: Option<&str>, tries: usize) -> bool {
    for n in 0..tries {
        let email = format!("late{n}-{}@nobody.test", uuid::Uuid::new_v4().simple());
        if failed_sign_in(client, url, &email, forwarded).await == 429 {
            return true;
        }
    }
    false
}

warren_tests::on_both_databases! {
    // Behind a trusted proxy every visitor has the proxy's address; the
    // sign-in limit must still count each visitor on their own, from the
    // right-most address the proxy vouches for.
    async fn behind_a_trusted_proxy_each_client_has_its_own_sign_in_limit(backend: Backend) {
        let app = TestApp::spawn_with(backend, |config| {
            config.login_attempts_per_minute = 3;
            config.trusted_proxies = warren_api::edge::TrustedProxies::parse(
                "127.0.0.1, ::1",
                warren_api::edge::ForwardedHeader::XForwardedFor,
            )
            .unwrap();
        })
        .await;
        let (client, url) = (&app.client, app.url.as_str());
        for n in 0..3 {
            assert_eq!(failed_sign_in(client, url, &format!("a{n}@nobody.test"), Some("198.51.100.1")).await, 401);
        }
        assert!(refused_soon(client, url, Some("198.51.100.1"), 2).await, "the first visitor is limited");
        // Another visitor behind the same proxy is not.
        assert_eq!(failed_sign_in(client, url, "b0@nobody.test", Some("198.51.100.2")).await, 401);
        // What the first visitor writes into the header itself is not believed:
        // the proxy appends the address it saw, and that one is the key.
        assert_eq!(failed_sign_in(client, url, "c0@nobody.test", Some("203.0.113.77, 198.51.100.1")).await, 429);
    }

    // From a peer that is not a trusted proxy the header means nothing, so
    // a client cannot pick a fresh bucket by writing one.
    async fn a_forwarding_header_from_an_untrusted_peer_is_ignored(backend: Backend) {
        let app = TestApp::spawn_with(backend, |config| config.login_attempts_per_minute = 3).await;
        let (client, url) = (&app.client, app.url.as_str());
        for n in 0..3 {
            let forwarded = format!("198.51.100.{n}");
            assert_eq!(failed_sign_in(client, url, &format!("a{n}@nobody.test"), Some(&forwarded)).await, 401);
        }
        assert!(refused_soon(client, url, Some("198.51.100.99"), 2).await);
    }

    // `/metrics` is for whoever runs Warren: with a token, only to that
    // token; without one, only on its own address.
    async fn metrics_are_not_public(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let http = app.client.http();
        let anonymous = http.get(format!("{}/metrics", app.url)).send().await.unwrap();
        assert_eq!(anonymous.status(), 401);
        let wrong = http.get(format!("{}/metrics", app.url)).bearer_auth("a guess").send().await.unwrap();
        assert_eq!(wrong.status(), 401);
        let read = http.get(format!("{}/metrics", app.url)).bearer_auth(METRICS_TOKEN).send().await.unwrap();
        assert_eq!(read.status(), 200);
        assert!(read.text().await.unwrap().contains("warren_http_requests_total"));

        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let separate = TestApp::spawn_with(backend, |config| {
            config.metrics = warren_api::config::MetricsSettings { addr: Some(format!("127.0.0.1:{port}")), token: None };
        })
        .await;
        let on_app_port = http.get(format!("{}/metrics", separate.url)).send().await.unwrap();
        assert_eq!(on_app_port.status(), 404);
        let own = http.get(format!("http://127.0.0.1:{port}/metrics")).send().await.unwrap();
        assert_eq!(own.status(), 200);
        assert!(own.text().await.unwrap().contains("warren_http_requests_total"));
        // The metrics address serves nothing else.
        let api = http.get(format!("http://127.0.0.1:{port}/api/v1/public/taxonomy")).send().await.unwrap();
        assert_eq!(api.status(), 404);
        let page = http.get(format!("http://127.0.0.1:{port}/sign-in")).send().await.unwrap();
        assert_eq!(page.status(), 404);
    }
}

/// Two replicas behind a load balancer allow the sign-in limit once between
/// them, not once each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_share_the_sign_in_limit() {
    let app = TestApp::spawn_with(Backend::Postgres, |config| {
        config.login_attempts_per_minute = 4
    })
    .await;
    let (other, _replica) = app
        .replica_with(|config| config.login_attempts_per_minute = 4)
        .await;
    let other_url = other.base_url().to_owned();
    for n in 0..2 {
        assert_eq!(
            failed_sign_in(&app.client, &app.url, &format!("a{n}@nobody.test"), None).await,
            401
        );
        assert_eq!(
            failed_sign_in(&other, &other_url, &format!("b{n}@nobody.test"), None).await,
            401
        );
    }
    assert!(
        refused_soon(&app.client, &app.url, None, 2).await,
        "the first replica counts the second's attempts"
    );
    assert!(
        refused_soon(&other, &other_url, None, 2).await,
        "and the second the first's"
    );
}

/// The public directory's limit is counted in memory and shared every
/// second: a client spreading its requests over two replicas is refused once
/// the two together reach the limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_share_the_public_limit() {
    let limit = |config: &mut warren_api::config::Config| config.public_requests_per_minute = 6;
    let app = TestApp::spawn_with(Backend::Postgres, limit).await;
    let (other, _replica) = app.replica_with(limit).await;
    let search = |url: String| async move {
        reqwest::get(format!("{url}/api/v1/public/search"))
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    let other_url = other.base_url().to_owned();
    for _ in 0..3 {
        assert_eq!(search(app.url.clone()).await, 200);
        assert_eq!(search(other_url.clone()).await, 200);
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut refused = false;
    for _ in 0..2 {
        refused |= search(app.url.clone()).await == 429;
    }
    assert!(
        refused,
        "six requests over two replicas reach a limit of six"
    );
    // The shared windows hold digests, never the address itself.
    let keys: Vec<String> = app
        .store
        .read(|connection| {
            use diesel::prelude::*;
            use warren_store::schema::rate_limit_windows::dsl::*;
            rate_limit_windows
                .select(key)
                .load::<String>(connection)
                .map_err(warren_store::StoreError::from)
        })
        .unwrap();
    assert!(!keys.is_empty());
    assert!(
        keys.iter().all(|stored| !stored.contains("127.0.0.1")),
        "{keys:?}"
    );
}

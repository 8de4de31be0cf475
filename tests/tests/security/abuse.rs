//! Abuse: rate limits that hold, hostile bodies refused with problems,
//! injection strings stored inertly, and the security headers of every kind
//! of answer.

use reqwest::Method;
use serde_json::{Value, json};
use warren_tests::{TestApp, web_dir};

use crate::schema::HOSTILE;
use crate::world::{Caller, World, call};

/// Sends `request` and returns the status and the problem's `code`, checking
/// the answer is problem details.
async fn refused(request: reqwest::RequestBuilder) -> (u16, String) {
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|kind| kind.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.text().await.unwrap_or_default();
    assert_eq!(kind, "application/problem+json", "{status} {body}");
    let problem: Value = serde_json::from_str(&body).expect("problem details");
    assert_eq!(problem["status"], status);
    (
        status,
        problem["code"].as_str().unwrap_or_default().to_owned(),
    )
}

warren_tests::on_both_databases! {
    async fn hostile_bodies_and_urls_are_refused_with_problems(backend: Backend) {
        let world = World::build(backend).await;
        let admin = world.client(Caller::OrgAdmin);
        let articles_before = world.app.store.read(count_articles).unwrap();
        let post = || admin.request(Method::POST, "/api/v1/articles");

        // Three megabytes, declared and streamed.
        let huge = format!("{{\"title\": \"{}\"}}", "x".repeat(3 << 20));
        let (status, _) = refused(post().header("content-type", "application/json").body(huge)).await;
        assert_eq!(status, 413);
        // Fifty thousand levels of nesting.
        let deep = "[".repeat(50_000);
        let (status, _) = refused(post().header("content-type", "application/json").body(deep)).await;
        assert_eq!(status, 400);
        // Not UTF-8.
        let (status, _) = refused(post().header("content-type", "application/json").body(vec![b'{', 0xc3, 0x28, b'}'])).await;
        assert_eq!(status, 400);
        // Not JSON at all.
        let (status, _) = refused(post().header("content-type", "text/plain").body("title=hello")).await;
        assert!(matches!(status, 400 | 415), "{status}");
        // A title of fifty thousand characters, inside the size limit.
        let long = json!({
            "kind": "protocol", "visibility": "network",
            "title": "t".repeat(50_000), "body_markdown": "Long title.",
        });
        let (status, code) = refused(post().json(&long)).await;
        assert_eq!((status, code.as_str()), (422, "validation_failed"));
        // Ids that are not ids, and bytes that are not UTF-8, in the URL.
        for path in [
            "/api/v1/referrals/%FF%FE",
            "/api/v1/referrals/' OR '1'='1",
            "/api/v1/organizations/..%2F..%2Fetc%2Fpasswd",
        ] {
            let (status, _) = refused(admin.request(Method::GET, path)).await;
            assert_eq!(status, 404, "{path}");
        }
        // Bytes that are not UTF-8 in a search are read as the replacement
        // character: nothing matches, nothing breaks.
        let search = admin.request(Method::GET, "/api/v1/public/search?q=%FF%FE").send().await.unwrap();
        assert_eq!(search.status(), 200);
        let found: Value = search.json().await.unwrap();
        assert_eq!(found["total"], 0, "{found}");

        // Nothing was stored, and the server still serves.
        assert_eq!(world.app.store.read(count_articles).unwrap(), articles_before);
        let health = admin.request(Method::GET, "/healthz").send().await.unwrap();
        assert_eq!(health.status(), 200);
    }

    async fn injection_strings_are_stored_inertly_and_searched_safely(backend: Backend) {
        let world = World::build(backend).await;
        let admin = world.client(Caller::OrgAdmin);
        let referral = world.id("referral").unwrap().to_owned();
        let referrals_before = world.app.store.read(count_referrals).unwrap();
        for hostile in HOSTILE {
            let text = format!("Note: {hostile}");
            let posted = admin
                .request(Method::POST, &format!("/api/v1/referrals/{referral}/messages"))
                .json(&json!({ "body": text }))
                .send()
                .await
                .unwrap();
            let status = posted.status().as_u16();
            let answer: Value = posted.json().await.unwrap();
            if status == 422 {
                // Control characters are refused by name, not stored.
                assert!(hostile.contains('\u{0}'), "{hostile:?} refused: {answer}");
                continue;
            }
            assert_eq!(status, 201, "{hostile:?}: {answer}");
            for query in [
                format!("/api/v1/public/search?q={}", urlencode(hostile)),
                format!("/api/v1/directory/search?q={}", urlencode(hostile)),
                format!("/api/v1/articles?q={}", urlencode(hostile)),
                format!("/api/v1/specialists?q={}", urlencode(hostile)),
            ] {
                let response = admin.request(Method::GET, &query).send().await.unwrap();
                let status = response.status().as_u16();
                let body = response.text().await.unwrap();
                assert!(status == 200 || (hostile.contains('\u{0}') && status == 400), "{query}: {status} {body}");
            }
        }
        let thread = call(admin.request(Method::GET, &format!("/api/v1/referrals/{referral}/messages")), None).await;
        let bodies: Vec<&str> = thread["items"]
            .as_array()
            .or(thread.as_array())
            .into_iter()
            .flatten()
            .filter_map(|message| message["body"].as_str())
            .collect();
        for hostile in HOSTILE.iter().filter(|hostile| !hostile.contains('\u{0}')) {
            let text = format!("Note: {hostile}");
            assert!(bodies.contains(&text.as_str()), "{text:?} comes back exactly as written");
        }
        assert_eq!(world.app.store.read(count_referrals).unwrap(), referrals_before);

        // Markup in an article is rendered without anything that runs.
        let article = call(
            admin.request(Method::POST, "/api/v1/articles"),
            Some(json!({
                "kind": "owner_guidance", "visibility": "network",
                "title": "<script>alert(1)</script> Handling guidance",
                "body_markdown": "Hello <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))",
            })),
        )
        .await;
        let html = article["body_html"].as_str().expect("rendered html");
        for forbidden in ["<script", "onerror", "javascript:"] {
            assert!(!html.contains(forbidden), "{forbidden} survived: {html}");
        }
        assert_eq!(article["title"], "<script>alert(1)</script> Handling guidance");
    }

    async fn limits_hold_against_the_right_password_and_forged_addresses(backend: Backend) {
        let app = TestApp::spawn_with(backend, |config| {
            // The harness signs the coordinator in once: that counts too.
            config.login_attempts_per_minute = 4;
            config.public_requests_per_minute = 5;
        })
        .await;
        app.network_admin().await;
        let login = |password: &str| {
            app.client
                .request(Method::POST, "/api/v1/auth/login")
                .json(&json!({ "email": "coordinator@network.test", "password": password }))
        };
        let mut statuses = Vec::new();
        for _ in 0..3 {
            statuses.push(login("a wrong guess").send().await.unwrap().status().as_u16());
        }
        // The account is locked for the minute, even with the right password.
        let (status, code) = refused(login(warren_tests::PASSWORD)).await;
        assert_eq!(statuses, [401, 401, 401]);
        assert_eq!((status, code.as_str()), (429, "rate_limited"));

        // Forwarding headers do not give a client a fresh quota.
        let mut statuses = Vec::new();
        for attempt in 0..8 {
            let response = app
                .client
                .request(Method::GET, "/api/v1/public/search?q=hedgehog")
                .header("X-Forwarded-For", format!("203.0.113.{attempt}"))
                .header("Forwarded", format!("for=198.51.100.{attempt}"))
                .send()
                .await
                .unwrap();
            statuses.push(response.status().as_u16());
        }
        assert_eq!(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
    }

    async fn every_kind_of_answer_carries_its_security_headers(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let get = |path: &'static str| app.client.request(Method::GET, path).send();
        let header = |response: &reqwest::Response, name: &str| {
            response
                .headers()
                .get_all(name)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .collect::<Vec<_>>()
                .join(", ")
        };
        // A static file of the app, by the name the build gave it.
        let build: serde_json::Value = serde_json::from_slice(
            &std::fs::read(web_dir().join("build.json")).expect("build the app with `cargo xtask web`"),
        )
        .unwrap();
        let stylesheet = build["entry"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|file| file.as_str())
            .find(|file| file.ends_with(".css"))
            .map(|file| format!("/{file}"))
            .expect("the stylesheet");
        let stylesheet: &'static str = Box::leak(stylesheet.into_boxed_str());
        for path in ["/", "/referrals", "/api/v1/me", "/api/v1/public/taxonomy", "/healthz", stylesheet, "/sw.js"] {
            let response = get(path).await.unwrap();
            let policy = header(&response, "content-security-policy");
            assert!(policy.contains("frame-ancestors 'none'"), "{path}: {policy}");
            assert_eq!(header(&response, "x-frame-options"), "DENY", "{path}");
            assert_eq!(header(&response, "x-content-type-options"), "nosniff", "{path}");
            assert!(!header(&response, "referrer-policy").is_empty(), "{path}");
        }
        // The app itself runs only its own script and WebAssembly.
        let page = get("/").await.unwrap();
        let policy = header(&page, "content-security-policy");
        for directive in ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'", "base-uri 'none'"] {
            assert!(policy.contains(directive), "the app's policy has {directive}: {policy}");
        }
        assert!(!policy.contains("'unsafe-eval'"), "{policy}");
        // API answers may run nothing at all.
        let api = get("/api/v1/public/taxonomy").await.unwrap();
        assert!(header(&api, "content-security-policy").contains("default-src 'none'"));
        // Only the embed's pages may be framed, by anyone.
        for path in ["/embed/directory.html", "/embed/report.html"] {
            let response = get(path).await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            let policy = header(&response, "content-security-policy");
            assert!(policy.contains("frame-ancestors *"), "{path}: {policy}");
            assert!(!policy.contains("frame-ancestors 'none'"), "{path}: {policy}");
            assert!(header(&response, "x-frame-options").is_empty(), "{path}");
        }
        let loader = get("/embed/warren-directory.js").await.unwrap();
        assert!(header(&loader, "content-security-policy").contains("frame-ancestors 'none'"));
    }
}

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("q", text)]).unwrap()[2..].to_owned()
}

fn count_articles(
    connection: &mut warren_store::DbConnection,
) -> Result<i64, warren_store::StoreError> {
    use diesel::{QueryDsl, RunQueryDsl};
    use warren_store::schema::articles::dsl;
    Ok(dsl::articles.count().get_result(connection)?)
}

fn count_referrals(
    connection: &mut warren_store::DbConnection,
) -> Result<i64, warren_store::StoreError> {
    use diesel::{QueryDsl, RunQueryDsl};
    use warren_store::schema::referrals::dsl;
    Ok(dsl::referrals.count().get_result(connection)?)
}

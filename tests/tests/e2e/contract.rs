//! The HTTP contract: bad input is a 4xx problem that changes nothing, every
//! answer carries a request id, and `openapi.yaml` is what the code serves.

use reqwest::Method;
use warren_tests::*;

async fn problem(response: reqwest::Response) -> (u16, warren_wire::Problem) {
    let status = response.status().as_u16();
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json"),
        "a {status} must be problem details"
    );
    assert!(response.headers().contains_key("x-request-id"));
    let problem: warren_wire::Problem = response.json().await.expect("problem details");
    assert_eq!(problem.status, status);
    assert!(problem.request_id.is_some());
    (status, problem)
}

warren_tests::on_both_databases! {
    async fn bad_input_gets_a_4xx_problem_and_changes_nothing(app) {
        let coordinator = app.network_admin().await;
        let apply = "/api/v1/organizations/applications";
        let valid = serde_json::to_value(application("Valid Vets", "val@valid.test")).unwrap();
        let mut unknown_field = valid.clone();
        unknown_field["organization"]["colour"] = "teal".into();
        let mut wrong_type = valid.clone();
        wrong_type["organization"]["kind"] = 7.into();
        let mut bad_email = valid.clone();
        bad_email["admin"]["email"] = "not-an-email".into();
        let mut long_name = valid.clone();
        long_name["organization"]["name"] = "x".repeat(500).into();

        let cases: Vec<(&str, reqwest::RequestBuilder, u16, Option<&str>)> = vec![
            ("malformed", app.client.request(Method::POST, apply).header("content-type", "application/json").body("{\"organization\": "), 400, None),
            ("trailing data", app.client.request(Method::POST, apply).header("content-type", "application/json").body(format!("{valid} {{}}")), 400, None),
            ("not json", app.client.request(Method::POST, apply).header("content-type", "text/plain").body(valid.to_string()), 415, None),
            ("no body", app.client.request(Method::POST, apply).header("content-type", "application/json"), 400, None),
            ("huge", app.client.request(Method::POST, apply).header("content-type", "application/json").body(format!("{{\"x\":\"{}\"}}", "a".repeat(200_000))), 413, None),
            ("deep", app.client.request(Method::POST, apply).header("content-type", "application/json").body("[".repeat(10_000)), 400, None),
            ("invalid utf-8", app.client.request(Method::POST, apply).header("content-type", "application/json").body(vec![b'{', b'"', 0xff, 0xfe, b'"', b'}']), 400, None),
            ("unknown field", app.client.request(Method::POST, apply).json(&unknown_field), 422, Some("organization")),
            ("wrong type", app.client.request(Method::POST, apply).json(&wrong_type), 422, Some("organization.kind")),
            ("bad e-mail", app.client.request(Method::POST, apply).json(&bad_email), 422, Some("admin.email")),
            ("long name", app.client.request(Method::POST, apply).json(&long_name), 422, Some("organization.name")),
            ("bad idempotency key", app.client.request(Method::POST, apply).header("Idempotency-Key", "").json(&valid), 400, None),
            ("bad limit", coordinator.request(Method::GET, "/api/v1/organizations?limit=0"), 400, None),
            ("bad filter", coordinator.request(Method::GET, "/api/v1/organizations?membership=royal"), 400, None),
            ("unknown filter", coordinator.request(Method::GET, "/api/v1/organizations?colour=teal"), 400, None),
            ("bad cursor", coordinator.request(Method::GET, "/api/v1/organizations?cursor=zzz"), 400, None),
            ("malformed id", coordinator.request(Method::GET, "/api/v1/organizations/not-a-uuid"), 404, None),
            ("unknown route", coordinator.request(Method::GET, "/api/v1/nothing-here"), 404, None),
            ("bad If-Match", coordinator.request(Method::PATCH, "/api/v1/me").header("If-Match", "yesterday").json(&serde_json::json!({})), 400, None),
        ];
        for (case, request, expected, field) in cases {
            let (status, problem) = problem(request.send().await.unwrap()).await;
            assert_eq!(status, expected, "{case}: {problem:?}");
            if let Some(field) = field {
                assert!(problem.errors.iter().any(|e| e.field.starts_with(field)), "{case} names {field}: {problem:?}");
            }
        }
        let all = coordinator.organizations(&Default::default()).await.unwrap();
        assert_eq!(all.items.len(), 1, "only the coordination office exists");
    }

    async fn health_metrics_and_docs_are_served(app) {
        let ready = app.client.ready().await.unwrap();
        assert_eq!(ready.database, match app.backend { Backend::Sqlite => "sqlite", Backend::Postgres => "postgres" });
        let live = app.client.request(Method::GET, "/healthz").send().await.unwrap();
        assert_eq!(live.status().as_u16(), 200);
        assert!(live.headers().contains_key("x-request-id"));
        let metrics = app.client.request(Method::GET, "/metrics").send().await.unwrap().text().await.unwrap();
        assert!(metrics.contains("warren_http_requests_total"), "{metrics}");
        let document: serde_json::Value = app.client.request(Method::GET, "/api/v1/openapi.json").send().await.unwrap().json().await.unwrap();
        assert_eq!(document["info"]["title"], "Warren API");
        let docs = app.client.request(Method::GET, "/api/docs/").send().await.unwrap();
        assert_eq!(docs.status().as_u16(), 200);
        assert!(docs.text().await.unwrap().contains("swagger"), "vendored Swagger UI");
    }
}

warren_tests::on_both_databases! {
    async fn pool_exhaustion_answers_503(backend: Backend) {
        let app = TestApp::spawn_with(backend, |config| {
            config.pool_size = 1;
            config.pool_timeout = std::time::Duration::from_millis(300);
        })
        .await;
        let store = app.store.clone();
        let held = tokio::task::spawn_blocking(move || store.connection().expect("the one connection"))
            .await
            .unwrap();
        let started = std::time::Instant::now();
        let (status, problem) = problem(
            app.client
                .request(Method::GET, "/readyz")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (status, problem.code.as_str()),
            (503, "service_unavailable")
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "answers fast, no hang"
        );
        drop(held);
        app.client
            .ready()
            .await
            .expect("recovers once a connection is free");
    }

    async fn sign_in_is_rate_limited(backend: Backend) {
        let app = TestApp::spawn_with(backend, |config| config.login_attempts_per_minute = 3).await;
        let guess = warren_wire::LoginRequest {
            email: "someone@network.test".into(),
            password: "guess number one".into(),
        };
        for _ in 0..3 {
            assert_eq!(
                app.client.login(&guess).await.unwrap_err().status(),
                Some(401)
            );
        }
        let response = app
            .client
            .request(Method::POST, "/api/v1/auth/login")
            .json(&serde_json::json!({ "email": "someone@network.test", "password": "guess number four" }))
            .send()
            .await
            .unwrap();
        assert!(response.headers().contains_key("retry-after"));
        let (status, problem) = problem(response).await;
        assert_eq!((status, problem.code.as_str()), (429, "rate_limited"));
    }
}

/// `openapi.yaml` at the root is the document the code builds; when they
/// differ the test rewrites the file (commit it) and fails.
#[test]
fn the_committed_openapi_document_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml");
    let generated = warren_api::openapi::yaml();
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        std::fs::write(&path, &generated).expect("rewrite openapi.yaml");
        panic!("openapi.yaml was out of date and has been rewritten; review and commit it");
    }
}

#[test]
fn every_operation_documents_its_errors_and_security() {
    let document = warren_api::openapi::document();
    let public = [
        "login",
        "refresh_tokens",
        "logout",
        "apply",
        "preview_invitation",
        "accept_invitation",
        "live",
        "ready",
        "list_terms",
        "current_triage_protocol",
        "list_triage_protocol_versions",
        "read_triage_protocol_version",
        "evaluate_triage",
        // An e-mail's single-use token is the credential.
        "request_password_reset",
        "reset_password",
        "confirm_email",
        "preview_alert_acknowledgement",
        "acknowledge_alert_by_token",
        "unsubscribe_from_alert_emails",
    ];
    // The public directory and its HSDS publication need no credentials.
    let public_tags = ["public", "hsds"];
    for (path, item) in &document.paths.paths {
        let operations = [&item.get, &item.post, &item.patch, &item.delete, &item.put];
        for operation in operations.into_iter().flatten() {
            let id = operation.operation_id.clone().unwrap_or_default();
            let statuses: Vec<&String> = operation.responses.responses.keys().collect();
            assert!(
                statuses.iter().any(|s| s.starts_with('2')),
                "{path} {id} documents success"
            );
            if !matches!(id.as_str(), "live") {
                assert!(
                    statuses
                        .iter()
                        .any(|s| s.starts_with('4') || s.starts_with('5')),
                    "{path} {id} documents errors"
                );
            }
            let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
            let public_tag = operation
                .tags
                .iter()
                .flatten()
                .any(|tag| public_tags.contains(&tag.as_str()));
            assert_eq!(
                secured,
                !(public.contains(&id.as_str()) || public_tag),
                "{path} {id} declares its security"
            );
        }
    }
}

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
        let metrics = app.client.request(Method::GET, "/metrics").bearer_auth(METRICS_TOKEN).send().await.unwrap().text().await.unwrap();
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

/// `openapi.yaml` at the root is the document the code builds, and a YAML
/// 1.1 reader (PyYAML, which many generators and linters use) reads it as the
/// JSON the server publishes. When the file is stale the test rewrites it
/// (commit it) and fails.
#[test]
fn the_committed_openapi_document_is_current() {
    let path = openapi_yaml();
    let generated = warren_api::openapi::yaml();
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let served = serde_json::to_value(warren_api::openapi::document()).unwrap();
    let misread = first_difference("", &read_as_yaml_1_1(&path), &served);
    let stale = committed != generated;
    if stale {
        std::fs::write(&path, &generated).expect("rewrite openapi.yaml");
    }
    assert!(
        !stale,
        "openapi.yaml was out of date and has been rewritten; review and commit it{}",
        misread
            .map(|difference| format!(" (a YAML 1.1 reader also read it wrong: {difference})"))
            .unwrap_or_default()
    );
    if let Some(difference) = misread {
        panic!("a YAML 1.1 reader reads openapi.yaml otherwise than the served JSON: {difference}");
    }
}

/// The committed document.
fn openapi_yaml() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml")
}

/// What PyYAML, a YAML 1.1 reader, makes of the file at `path`, as JSON.
/// Values JSON has no word for (a date) come back as their Python `repr`.
fn read_as_yaml_1_1(path: &std::path::Path) -> serde_json::Value {
    const READ: &str = "import json, sys, yaml\n\
        loader = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)\n\
        with open(sys.argv[1], encoding='utf-8') as file:\n\
        \x20   json.dump(yaml.load(file, Loader=loader), sys.stdout, default=repr)\n";
    let output = std::process::Command::new(SYSTEM_PYTHON)
        .args(["-c", READ])
        .arg(path)
        .output()
        .expect("Debian's python3 reads the YAML; `cargo xtask test` installs it with PyYAML");
    assert!(
        output.status.success(),
        "PyYAML could not read {}: {} (`cargo xtask test` installs python3-yaml)",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("PyYAML's reading as JSON")
}

/// Where `read` and `expected` first differ, as `path: read ≠ expected`.
fn first_difference(
    at: &str,
    read: &serde_json::Value,
    expected: &serde_json::Value,
) -> Option<String> {
    use serde_json::Value;
    match (read, expected) {
        (Value::Object(read), Value::Object(expected)) => expected
            .keys()
            .chain(read.keys())
            .find_map(|key| {
                first_difference(
                    &format!("{at}/{key}"),
                    read.get(key).unwrap_or(&Value::Null),
                    expected.get(key).unwrap_or(&Value::Null),
                )
            })
            .or_else(|| (read.len() != expected.len()).then(|| format!("{at}: the keys differ"))),
        (Value::Array(read), Value::Array(expected)) if read.len() == expected.len() => read
            .iter()
            .zip(expected)
            .enumerate()
            .find_map(|(index, (read, expected))| {
                first_difference(&format!("{at}/{index}"), read, expected)
            }),
        (Value::Number(read), Value::Number(expected)) if read.as_f64() == expected.as_f64() => {
            None
        }
        _ if read == expected => None,
        _ => Some(format!("{at}: {read} ≠ {expected}")),
    }
}

/// Debian's Python, with PyYAML.
const SYSTEM_PYTHON: &str = "/usr/bin/python3";

/// The npm tools `tests/contract/package-lock.json` pins, which `cargo
/// xtask test` installs with `npm ci`.
fn contract_tool(name: &str) -> std::path::PathBuf {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("contract/node_modules/.bin")
        .join(name);
    assert!(
        path.exists(),
        "{} is missing; `cargo xtask test` installs it (`npm ci` in tests/contract)",
        path.display()
    );
    path
}

/// Runs `command`, failing the test with its output unless it succeeds;
/// returns what it printed.
fn run_tool(what: &str, command: &mut std::process::Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("could not start {what}: {error}"));
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{what} failed:\n{printed}");
    printed
}

/// Redocly's recommended rules find no error in the committed document
/// (warnings are allowed).
#[test]
fn redocly_lints_the_committed_document_without_errors() {
    let config = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contract/redocly.yaml");
    run_tool(
        "redocly lint",
        std::process::Command::new(contract_tool("redocly"))
            .args(["lint", "--config"])
            .arg(config)
            .arg(openapi_yaml())
            .env("REDOCLY_TELEMETRY", "off"),
    );
}

/// openapi-typescript generates types from the committed document, and the
/// TypeScript compiler accepts them with a small client that uses them.
#[test]
fn a_typescript_client_builds_from_the_committed_document() {
    let out = tempfile::tempdir().unwrap();
    run_tool(
        "openapi-typescript",
        std::process::Command::new(contract_tool("openapi-typescript"))
            .arg(openapi_yaml())
            .arg("--output")
            .arg(out.path().join("warren.ts")),
    );
    std::fs::write(
        out.path().join("client.ts"),
        r#"import type { components, paths } from "./warren";

type Login = paths["/api/v1/auth/login"]["post"]["requestBody"];
type Answer = components["schemas"]["Answer"];
type Problem = components["schemas"]["Problem"];

export const answers: Answer[] = ["yes", "no", "unknown"];
export function describe(problem: Problem, login?: Login): string {
  return `${problem.status} ${problem.code}${login ? " at sign-in" : ""}`;
}
"#,
    )
    .unwrap();
    run_tool(
        "tsc",
        std::process::Command::new(contract_tool("tsc"))
            .args([
                "--noEmit",
                "--strict",
                "--target",
                "es2022",
                "--module",
                "esnext",
                "--moduleResolution",
                "bundler",
            ])
            .arg(out.path().join("client.ts")),
    );
}

/// openapi-python-client generates a client from the committed document
/// without a warning, and every module of it imports.
#[test]
fn a_python_client_builds_from_the_committed_document() {
    let generator =
        std::path::PathBuf::from(std::env::var("WARREN_TEST_OPENAPI_PYTHON_CLIENT").expect(
            "WARREN_TEST_OPENAPI_PYTHON_CLIENT must name openapi-python-client; `cargo xtask test` \
         installs it",
        ));
    let bin = generator.parent().expect("the virtual environment's bin");
    let path = std::env::join_paths(std::iter::once(bin.to_owned()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let package = out.path().join("warren_api_client");
    let config = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("contract/openapi-python-client.yaml");
    run_tool(
        "openapi-python-client",
        std::process::Command::new(&generator)
            .args([
                "generate",
                "--meta",
                "none",
                "--fail-on-warning",
                "--config",
            ])
            .arg(config)
            .arg("--path")
            .arg(openapi_yaml())
            .arg("--output-path")
            .arg(&package)
            .env("PATH", &path),
    );
    run_tool(
        "importing the Python client",
        std::process::Command::new(bin.join("python"))
            .args([
                "-c",
                "import importlib, pkgutil, warren_api_client as client\n\
                 for module in pkgutil.walk_packages(client.__path__, 'warren_api_client.'):\n\
                 \x20   importlib.import_module(module.name)\n",
            ])
            .current_dir(out.path()),
    );
}

/// The validated text types' schemas state the lengths their `parse` allows.
#[test]
fn text_schemas_state_the_lengths_the_server_checks() {
    let document = serde_json::to_value(warren_api::openapi::document()).unwrap();
    let lengths = |name: &str| {
        let schema = &document["components"]["schemas"][name];
        (schema["minLength"].as_u64(), schema["maxLength"].as_u64())
    };
    for name in [
        "PersonName",
        "OrgName",
        "ApiKeyName",
        "Description",
        "Email",
        "Password",
        "Website",
        "AddressLine",
        "Phone",
        "ShortText",
        "ClinicalNote",
    ] {
        let (min, max) = lengths(name);
        assert!(min.is_some() && max.is_some(), "{name} states its lengths");
    }
    assert_eq!(lengths("OrgName"), (Some(2), Some(120)));
    assert!(warren_domain::OrgName::parse("x".repeat(120)).is_ok());
    assert!(warren_domain::OrgName::parse("x".repeat(121)).is_err());
    assert!(warren_domain::OrgName::parse("x").is_err());
    assert_eq!(lengths("Password"), (Some(12), Some(128)));
    assert!(warren_domain::Password::parse("ab".repeat(6)).is_ok());
    assert!(warren_domain::Password::parse("ab".repeat(64) + "c").is_err());
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
            let secured = warren_api::openapi::needs_credentials(operation);
            assert!(
                operation.security.is_some(),
                "{path} {id} states its security, `[{{}}]` when public"
            );
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

/// Sending a bearer token and an API key together is refused with 400
/// `ambiguous_credentials`, and every operation that takes credentials says
/// so.
#[test]
fn two_kinds_of_credentials_are_refused_and_documented() {
    let document = serde_json::to_value(warren_api::openapi::document()).unwrap();
    let mut checked = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let secured = operation["security"].as_array().is_some_and(|schemes| {
                schemes
                    .iter()
                    .any(|scheme| scheme.as_object().is_some_and(|s| !s.is_empty()))
            });
            if !secured {
                continue;
            }
            let described = operation["responses"]["400"]["description"]
                .as_str()
                .unwrap_or_default();
            assert!(
                described.contains("ambiguous_credentials"),
                "{method} {path}: {described:?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
}

warren_tests::on_both_databases! {
    async fn a_bearer_token_and_an_api_key_together_are_refused(app) {
        let coordinator = app.network_admin().await;
        let (clinic, admin) = app.vetted(&coordinator, "Both Ways Vets", "b@both.test").await;
        let key = admin
            .create_api_key(clinic, &warren_wire::CreateApiKeyRequest { name: ApiKeyName::parse("pms").unwrap(), scopes: vec![ApiScope::Read] }, None)
            .await
            .unwrap();
        let token = app.tokens("b@both.test", PASSWORD).await.access_token;
        let both = app.client.http().get(format!("{}/api/v1/me", app.url))
            .bearer_auth(token)
            .header("x-api-key", key.secret)
            .send()
            .await
            .unwrap();
        let (status, problem) = problem(both).await;
        assert_eq!((status, problem.code.as_str()), (400, "ambiguous_credentials"));
    }
}

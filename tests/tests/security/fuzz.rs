//! The fuzzer: every operation of the published OpenAPI document, called
//! many times with random parameters and bodies drawn from its schemas (well
//! formed, hostile, or of the wrong shape), as the organization's admin and
//! as nobody. No answer may be a server error, every status must be one the
//! document lists for the operation, and every JSON answer must match the
//! schema documented for its status.
//!
//! The draw is reproducible: the seed is printed, and `WARREN_FUZZ_SEED`
//! replays it; `WARREN_FUZZ_CASES` sets the calls per operation.

use std::collections::{BTreeMap, HashMap};

use jsonschema::Validator;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

use crate::schema;
use crate::world::{Caller, Operation, World};

/// Calls per operation when `WARREN_FUZZ_CASES` is not set.
const CASES: usize = 12;

/// A validator for the documented answer of one status of one operation.
fn validator<'c>(
    cache: &'c mut HashMap<(String, u16), Option<Validator>>,
    document: &Value,
    operation: &Operation,
    status: u16,
) -> Option<&'c Validator> {
    cache
        .entry((operation.id.clone(), status))
        .or_insert_with(|| {
            let response = &operation.spec["responses"][status.to_string()];
            let content = &response["content"];
            let schema = ["application/json", "application/problem+json"]
                .iter()
                .map(|kind| &content[*kind]["schema"])
                .find(|schema| !schema.is_null())?;
            let mut schema = schema.clone();
            schema["components"] = document["components"].clone();
            Some(
                jsonschema::options()
                    .build(&schema)
                    .unwrap_or_else(|error| {
                        panic!("the schema of {} {status} builds: {error}", operation.id)
                    }),
            )
        })
        .as_ref()
}

/// A path parameter: usually the organization's own record, sometimes an
/// unknown id, sometimes garbage.
fn path_value(world: &World, operation: &Operation, rng: &mut StdRng) -> String {
    let concrete = world.concrete_path(operation);
    if !operation.path.ends_with('}') {
        return concrete;
    }
    match rng.random_range(0..10) {
        0 => concrete.replace(
            concrete.rsplit('/').next().unwrap_or_default(),
            &uuid::Uuid::new_v4().to_string(),
        ),
        1 => {
            let last = concrete.rsplit('/').next().unwrap_or_default().to_owned();
            let garbage = [
                "%27%20OR%201%3D1",
                "not-an-id",
                "%00",
                "..",
                "9999999999999999999999",
            ];
            concrete.replacen(&last, garbage[rng.random_range(0..garbage.len())], 1)
        }
        _ => concrete,
    }
}

/// Runs the fuzzer; returns every failure.
async fn run(world: &World, seed: u64, cases: usize) -> Vec<String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut operations = crate::world::operations(&world.document);
    // The suspension of the organization and signing out come last.
    operations.sort_by_key(|operation| {
        matches!(
            operation.id.as_str(),
            "change_membership" | "logout" | "remove_member"
        )
    });
    let mut cache = HashMap::new();
    // The first failure of each operation and status is enough to act on.
    let mut failures: BTreeMap<(String, u16), String> = BTreeMap::new();
    let mut calls = 0;
    for operation in &operations {
        if operation.id == "referral_event_stream" {
            // An open stream never ends; the matrix covers its access.
            continue;
        }
        let documented = operation.documented_statuses();
        for case in 0..cases {
            let caller = if case % 4 == 3 {
                Caller::Anonymous
            } else {
                Caller::OrgAdmin
            };
            let mut path = path_value(world, operation, &mut rng);
            let mut query = Vec::new();
            for parameter in operation.parameters("query") {
                if parameter["required"] != true && rng.random_bool(0.5) {
                    continue;
                }
                let name = parameter["name"].as_str().unwrap_or_default().to_owned();
                let value = match schema::random(&world.document, &parameter["schema"], &mut rng) {
                    Value::String(text) => text,
                    other => other.to_string(),
                };
                query.push((name, value));
            }
            if !query.is_empty() {
                path.push('?');
                path.push_str(&serde_urlencoded::to_string(&query).unwrap());
            }
            let mut request = world
                .client(caller)
                .request(operation.method.clone(), &path);
            for parameter in operation.parameters("header") {
                let name = parameter["name"].as_str().unwrap_or_default();
                let value = match (name, rng.random_range(0..4)) {
                    (_, 0) => continue,
                    ("If-Match", 1) => "\"1\"".to_owned(),
                    ("If-Match", 2) => "garbage".to_owned(),
                    (_, _) => uuid::Uuid::new_v4().to_string(),
                };
                request = request.header(name, value);
            }
            if let Some(body) = operation.body_schema() {
                request = if rng.random_bool(0.05) {
                    request
                        .header("content-type", "application/json")
                        .body(vec![b'{', 0xff, 0xfe, b'"'])
                } else {
                    request.json(&schema::random(&world.document, body, &mut rng))
                };
            }
            calls += 1;
            let shown: String = path.chars().take(120).collect();
            let what = format!("{} {shown} as {caller:?}", operation.method);
            let response = match request.send().await {
                Ok(response) => response,
                Err(error) => {
                    failures
                        .entry((operation.id.clone(), 0))
                        .or_insert(format!("{what}: no answer: {error}"));
                    continue;
                }
            };
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            if status >= 500 {
                failures
                    .entry((operation.id.clone(), status))
                    .or_insert(format!("{what}: {status} {body}"));
                continue;
            }
            if !documented
                .iter()
                .any(|s| s == &status.to_string() || s == "default")
            {
                failures
                    .entry((operation.id.clone(), status))
                    .or_insert(format!(
                        "{what}: {status} is not among the documented {documented:?}: {}",
                        body.chars().take(160).collect::<String>()
                    ));
                continue;
            }
            if status == 204 || body.is_empty() {
                continue;
            }
            let Ok(json) = serde_json::from_str::<Value>(&body) else {
                continue;
            };
            if let Some(validator) = validator(&mut cache, &world.document, operation, status)
                && let Some(error) = validator.iter_errors(&json).next()
            {
                failures
                    .entry((operation.id.clone(), status))
                    .or_insert(format!(
                        "{what}: {status} does not match its schema at {}: {error}",
                        error.instance_path()
                    ));
            }
        }
    }
    println!("fuzzed {} operations with {calls} calls", operations.len());
    failures.into_values().collect()
}

warren_tests::on_both_databases! {
    async fn random_requests_to_every_operation_get_documented_answers(backend: Backend) {
        let seed = std::env::var("WARREN_FUZZ_SEED")
            .ok()
            .and_then(|seed| seed.parse().ok())
            .unwrap_or_else(rand::random::<u64>);
        let cases = std::env::var("WARREN_FUZZ_CASES")
            .ok()
            .and_then(|cases| cases.parse().ok())
            .unwrap_or(CASES);
        println!("fuzz seed {seed} (WARREN_FUZZ_SEED={seed} replays it), {cases} calls per operation");
        let world = World::build(backend).await;
        let failures = run(&world, seed, cases).await;
        assert!(
            failures.is_empty(),
            "seed {seed}: {} failures:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

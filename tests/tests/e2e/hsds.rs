//! The directory as Open Referral HSDS 3.0 (`/api/hsds/…`): every answer is
//! checked against the HSDS JSON Schemas in `tests/hsds/` — offline, the
//! specification's schema URLs resolved to those local copies — and lists
//! page as HSDS says, only what the public may see is published, and only
//! vetted organizations are.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use jsonschema::{Retrieve, Uri, Validator};
use reqwest::Method;
use serde_json::{Value, json};
use warren_tests::*;
use warren_wire::{MembershipChangeRequest, SetCapacityRequest, SiteInput};

/// Where the HSDS API reference points its schemas.
const SPEC: &str = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/";

/// Harbourside's opening hours.
const HARBOURSIDE_HOURS: &str = "Mo-Fr 08:00-18:00; Sa 09:00-13:00; PH off";

// ---------------------------------------------------------------------------
// The HSDS schemas, from tests/hsds/.
// ---------------------------------------------------------------------------

fn schema_file(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("hsds")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("read {}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// One definition of `service_with_definitions.json` as a schema of its own,
/// with the other definitions beside it for its `$ref`s.
fn definition(name: &str) -> Value {
    let service = schema_file("service_with_definitions.json");
    let mut schema = service["definitions"][name].clone();
    assert!(schema.is_object(), "HSDS defines {name}");
    schema["definitions"] = service["definitions"].clone();
    schema
}

/// Resolves the specification's schema URLs to the local copies; fetches
/// nothing.
struct LocalSchemas;

impl Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .as_str()
            .strip_prefix(SPEC)
            .ok_or_else(|| format!("{uri} is not an HSDS schema, and the tests fetch nothing"))?;
        Ok(match name {
            "compiled/service.json" => schema_file("service_with_definitions.json"),
            "compiled/service_list.json" => schema_file("service_list.json"),
            "compiled/service_at_location_list.json" => {
                schema_file("service_at_location_list.json")
            }
            "compiled/organization_list.json" => schema_file("organization_list.json"),
            // Not among the reference files: the organization definition,
            // with the services a compiled organization nests.
            "compiled/organization.json" => {
                let mut organization = definition("organization");
                organization["properties"]["services"] = json!({
                    "type": "array",
                    "items": {"$ref": format!("{SPEC}compiled/service.json")},
                });
                organization
            }
            "taxonomy.json" => definition("taxonomy"),
            "taxonomy_term.json" => definition("taxonomy_term"),
            other => return Err(format!("no local copy of the HSDS schema {other}").into()),
        })
    }
}

fn validator(schema: &Value) -> Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .with_retriever(LocalSchemas)
        .build(schema)
        .unwrap_or_else(|error| panic!("the HSDS schema builds: {error}"))
}

/// The schema of a `200` to `GET path` in the HSDS API reference.
fn response_schema(path: &str) -> Value {
    let reference = schema_file("openapi.json");
    let mut schema =
        reference["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
            .clone();
    assert!(
        schema.is_object(),
        "the HSDS reference documents GET {path}"
    );
    // Its local `$ref`s (the `Page`) point into the reference's components.
    schema["components"] = reference["components"].clone();
    schema
}

/// A validator for each HSDS path, built once.
fn schemas() -> &'static HashMap<&'static str, Validator> {
    static SCHEMAS: OnceLock<HashMap<&'static str, Validator>> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        let mut schemas: HashMap<&'static str, Validator> = [
            "/",
            "/services",
            "/services/{id}",
            "/organizations",
            "/organizations/{id}",
            "/service_at_locations",
            "/taxonomies",
            "/taxonomies/{id}",
            "/taxonomy_terms",
            "/taxonomy_terms/{id}",
        ]
        .into_iter()
        .map(|path| (path, validator(&response_schema(path))))
        .collect();
        // The reference answers `/service_at_locations/{id}` with the service
        // schema, a slip of HSDS 3.0: a service at location is checked
        // against its own definition, with the service it nests.
        let mut service_at_location = definition("service_at_location");
        service_at_location["properties"]["service"] =
            json!({"$ref": format!("{SPEC}compiled/service.json")});
        schemas.insert(
            "/service_at_locations/{id}",
            validator(&service_at_location),
        );
        schemas.insert(
            "service_list item",
            validator(&json!({"$ref": format!("{SPEC}compiled/service_list.json")})),
        );
        schemas
    })
}

/// Panics with every violation when `document` does not match `schema`.
fn assert_hsds(schema: &str, document: &Value) {
    let errors: Vec<String> = schemas()[schema]
        .iter_errors(document)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not valid HSDS ({schema}):\n{}\n{document:#}",
        errors.join("\n")
    );
}

#[test]
fn the_hsds_validators_accept_hsds_examples_and_refuse_broken_documents() {
    let service = schema_file("example_service_full.json");
    assert_hsds("/services/{id}", &service);
    assert_hsds(
        "/organizations/{id}",
        &schema_file("example_organization_full.json"),
    );
    assert_hsds(
        "/service_at_locations/{id}",
        &schema_file("example_service_at_location_full.json"),
    );

    let refused = |schema: &str, document: Value| {
        assert!(
            !schemas()[schema].is_valid(&document),
            "{schema} must refuse {document:#}"
        );
    };
    let mut without_status = service.clone();
    without_status.as_object_mut().unwrap().remove("status");
    refused("/services/{id}", without_status);
    let mut bad_id = service.clone();
    bad_id["phones"][0]["id"] = json!("not-a-uuid");
    refused("/services/{id}", bad_id);
    refused("/services", json!({"total_items": "many", "contents": []}));
    refused(
        "/services",
        json!({"total_items": 1, "contents": [{"id": "8d2c61f4-0b7e-4a35-9c1d-5e3a7f60b2c9", "name": "x"}]}),
    );
    refused("/", json!({"version": "3.0", "openapi_url": "not a url"}));
}

// ---------------------------------------------------------------------------
// A small network.
// ---------------------------------------------------------------------------

/// A site in Bristol unless `extra` says otherwise.
fn site(name: &str, latitude: f64, longitude: f64, extra: Value) -> SiteInput {
    let mut site = json!({
        "name": name,
        "address": "1 Harbour Walk",
        "town": "Bristol",
        "postcode": "BS1 5DB",
        "country": "GB",
        "latitude": latitude,
        "longitude": longitude,
        "timezone": "Europe/London",
    });
    for (key, value) in extra.as_object().unwrap() {
        site[key] = value.clone();
    }
    serde_json::from_value(site).unwrap()
}

/// The seeded network, and what must never be published.
struct Network {
    avon: uuid::Uuid,
    meadow: uuid::Uuid,
    pending: uuid::Uuid,
    harbourside: uuid::Uuid,
    clifton: uuid::Uuid,
    pending_site: uuid::Uuid,
    /// Private phones, referral contacts, staff names and e-mails.
    secrets: Vec<String>,
}

/// Avon Exotic Vets (two sites: one assured, one closed with on-call
/// cover), Meadow Hedgehog Rescue (one site), all vetted; Pending Pets has
/// applied and has a site.
async fn network(app: &TestApp) -> Network {
    let coordinator = app.network_admin().await;
    let (avon, avon_admin) = app
        .vetted(&coordinator, "Avon Exotic Vets", "ada@avon.test")
        .await;
    let (meadow, meadow_admin) = app
        .vetted(&coordinator, "Meadow Hedgehog Rescue", "mo@meadow.test")
        .await;
    let (pending, pending_admin) = app.apply("Pending Pets", "pat@pending.test").await;
    let harbourside = avon_admin
        .create_site(
            avon,
            &site(
                "Harbourside Exotics",
                51.4510,
                -2.5970,
                json!({
                    "public_phone": "0117 496 0000",
                    "private_phone": "0117 496 0777",
                    "public_email": "desk@avon.test",
                    "referral_contact": {"name": "Rita Referral", "phone": "0117 496 0555", "email": "rita@avon.test"},
                    "opening_hours": HARBOURSIDE_HOURS,
                    "capabilities": ["oxygen_cage", "exotic_surgery"],
                    "species": ["small_mammal"],
                    "limitations": {"max_weight_grams": 3000, "deposit_required": true},
                }),
            ),
            None,
        )
        .await
        .expect("create Harbourside");
    coordinator
        .assure_site(harbourside.value.listing.id)
        .await
        .expect("assure Harbourside");
    let clifton = avon_admin
        .create_site(
            avon,
            &site(
                "Clifton Small Animal Clinic",
                51.4620,
                -2.6100,
                json!({
                    "address": "12 Princess Victoria Street",
                    "postcode": "BS8 4BP",
                    "private_phone": "0117 496 0888",
                    "opening_hours": "off",
                    "species": ["small_mammal/hamster"],
                    "after_hours_cover": {"kind": "on_call", "name": "Avon Exotics on-call vet", "phone": "0117 496 0999"},
                    "limitations": {"referral_only": true},
                }),
            ),
            None,
        )
        .await
        .expect("create Clifton");
    avon_admin
        .set_capacity(
            clifton.value.listing.id,
            &SetCapacityRequest {
                status: warren_domain::directory::CapacityLevel::Closed,
                expires_in_minutes: Some(120),
            },
        )
        .await
        .expect("close Clifton for now");
    let meadow_site = meadow_admin
        .create_site(
            meadow,
            &site(
                "Meadow Hedgehog Rescue",
                51.3811,
                -2.3590,
                json!({
                    "address": "Meadow Farm, Lower Lane",
                    "town": "Bath",
                    "postcode": "BA1 1AA",
                    "public_phone": "01225 496 000",
                    "private_phone": "01225 496 111",
                    "opening_hours": "24/7",
                    "species": ["wildlife/hedgehog"],
                    "capabilities": ["wildlife_rehabilitation"],
                }),
            ),
            None,
        )
        .await
        .expect("create the rescue's site");
    let pending_site = pending_admin
        .create_site(
            pending,
            &site(
                "Pending Pets Surgery",
                51.4550,
                -2.5900,
                json!({"public_phone": "0117 496 0333", "opening_hours": "24/7", "species": ["small_mammal"]}),
            ),
            None,
        )
        .await
        .expect("an applicant lists its site");
    let mut secrets = vec![
        "Rita Referral".to_owned(),
        "rita@avon.test".to_owned(),
        "Morgan Hale".to_owned(),
        "Ada Admin".to_owned(),
        "ada@avon.test".to_owned(),
        "mo@meadow.test".to_owned(),
        "coordinator@network.test".to_owned(),
        "Pending Pets".to_owned(),
    ];
    for created in [&harbourside, &clifton, &meadow_site] {
        let private = created
            .value
            .private_phone
            .clone()
            .expect("a private phone");
        secrets.push(private.replace(' ', ""));
        secrets.push(private);
    }
    let referral = harbourside
        .value
        .referral_contact
        .as_ref()
        .expect("a referral contact");
    secrets.push(referral.phone.as_str().to_owned());
    secrets.push(referral.phone.as_str().replace(' ', ""));
    Network {
        avon,
        meadow,
        pending,
        harbourside: harbourside.value.listing.id,
        clifton: clifton.value.listing.id,
        pending_site: pending_site.value.listing.id,
        secrets,
    }
}

/// `GET path` as anyone: the status and the body.
async fn get(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.client.request(Method::GET, path).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// `GET path`, which must answer 200 with valid HSDS for `schema` and
/// nothing private.
async fn hsds(app: &TestApp, network: &Network, schema: &str, path: &str) -> Value {
    let response = app.client.request(Method::GET, path).send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.text().await.unwrap();
    assert_eq!(status, 200, "GET {path}: {body}");
    assert_eq!(content_type, "application/json", "GET {path}");
    for secret in &network.secrets {
        assert!(
            !body.contains(secret.as_str()),
            "GET {path} publishes {secret:?}: {body}"
        );
    }
    for id in [network.pending, network.pending_site] {
        assert!(
            !body.contains(&id.to_string()),
            "GET {path} publishes the applicant {id}"
        );
    }
    let document: Value = serde_json::from_str(&body).unwrap();
    assert_hsds(schema, &document);
    document
}

/// An HSDS problem answer: its status and the parameter it names.
async fn problem(app: &TestApp, path: &str) -> (u16, Option<String>) {
    let response = app.client.request(Method::GET, path).send().await.unwrap();
    let status = response.status().as_u16();
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json"),
        "GET {path} answers problem details"
    );
    let problem: warren_wire::Problem = response.json().await.unwrap();
    (
        status,
        problem.errors.first().map(|error| error.field.clone()),
    )
}

fn names(page: &Value) -> Vec<String> {
    page["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            item.get("name")
                .or_else(|| item["location"].get("name"))
                .and_then(Value::as_str)
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// The site names of `GET /api/hsds/{list}?{query}`, in order.
async fn found(app: &TestApp, network: &Network, list: &str, query: String) -> Vec<String> {
    let page = hsds(
        app,
        network,
        &format!("/{list}"),
        &format!("/api/hsds/{list}?{query}"),
    )
    .await;
    names(&page)
        .into_iter()
        .map(|name| name.split(':').next().unwrap().to_owned())
        .collect()
}

fn ids(page: &Value) -> Vec<String> {
    page["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The id of a taxonomy term by its code.
async fn term_id(app: &TestApp, network: &Network, code: &str) -> String {
    let terms = hsds(
        app,
        network,
        "/taxonomy_terms",
        "/api/hsds/taxonomy_terms?per_page=200",
    )
    .await;
    terms["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|term| term["code"] == code)
        .unwrap_or_else(|| panic!("a term {code}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

warren_tests::on_both_databases! {
    async fn the_directory_is_published_as_valid_hsds(app) {
        let network = network(&app).await;

        let about = hsds(&app, &network, "/", "/api/hsds/").await;
        assert_eq!(about["version"], "3.0");
        let openapi_url = about["openapi_url"].as_str().unwrap();
        assert_eq!(openapi_url, format!("{}/api/v1/openapi.json", app.url));
        let document: Value = app.client.request(Method::GET, "/api/v1/openapi.json").send().await.unwrap().json().await.unwrap();
        for path in ["/api/hsds/services", "/api/hsds/services/{id}", "/api/hsds/service_at_locations", "/api/hsds/taxonomy_terms/{id}"] {
            assert!(document["paths"][path]["get"].is_object(), "the OpenAPI document has GET {path}");
        }
        assert_eq!(hsds(&app, &network, "/", "/api/hsds").await, about, "with or without the slash");

        // Services: one per site of a vetted organization, by name.
        let services = hsds(&app, &network, "/services", "/api/hsds/services").await;
        assert_eq!(
            names(&services),
            ["Clifton Small Animal Clinic: small-animal care", "Harbourside Exotics: small-animal care", "Meadow Hedgehog Rescue: wildlife care"]
        );
        assert_eq!(services["total_items"], 3);
        let full = hsds(&app, &network, "/services", "/api/hsds/services?full=true").await;
        assert_eq!(ids(&full), ids(&services));

        let harbourside_service = services["contents"][1]["id"].as_str().unwrap().to_owned();
        let service = hsds(&app, &network, "/services/{id}", &format!("/api/hsds/services/{harbourside_service}")).await;
        assert_eq!(service["organization_id"], network.avon.to_string());
        assert_eq!(service["status"], "active");
        assert_eq!(service["email"], "desk@avon.test");
        assert_eq!(service["assured_date"], chrono::Utc::now().date_naive().to_string());
        assert!(service["fees_description"].as_str().unwrap().contains("deposit"));
        assert!(service["eligibility_description"].as_str().unwrap().contains("3000 g"));
        assert_eq!(service["organization"]["name"], "Avon Exotic Vets");
        let numbers: Vec<&str> = service["phones"].as_array().unwrap().iter().map(|phone| phone["number"].as_str().unwrap()).collect();
        assert_eq!(numbers.len(), 1, "only the public line: {numbers:?}");
        assert!(numbers[0].replace(' ', "").ends_with("1174960000"), "{numbers:?}");
        let codes: HashSet<&str> = service["attributes"].as_array().unwrap().iter().map(|attribute| attribute["taxonomy_term"]["code"].as_str().unwrap()).collect();
        assert_eq!(codes, HashSet::from(["oxygen_cage", "exotic_surgery", "small_mammal"]));
        let schedules: Vec<(&str, &str, &str)> = service["schedules"].as_array().unwrap().iter().map(|schedule| {
            assert_eq!(schedule["freq"], "WEEKLY");
            assert_eq!(schedule["description"], HARBOURSIDE_HOURS);
            (schedule["byday"].as_str().unwrap(), &schedule["opens_at"].as_str().unwrap()[..5], &schedule["closes_at"].as_str().unwrap()[..5])
        }).collect();
        assert_eq!(schedules, [("MO,TU,WE,TH,FR", "08:00", "18:00"), ("SA", "09:00", "13:00")]);
        let opens_at = service["schedules"][0]["opens_at"].as_str().unwrap();
        assert!(opens_at == "08:00+00:00" || opens_at == "08:00+01:00", "local time with London's offset: {opens_at}");
        let at_location = &service["service_at_locations"][0];
        assert_eq!(at_location["location_id"], network.harbourside.to_string());
        assert_eq!(at_location["location"]["addresses"][0]["postal_code"], "BS1 5DB");
        assert_eq!(at_location["location"]["latitude"], 51.451);

        let clifton_service = services["contents"][0]["id"].as_str().unwrap().to_owned();
        let clifton = hsds(&app, &network, "/services/{id}", &format!("/api/hsds/services/{clifton_service}")).await;
        assert_eq!(clifton["status"], "temporarily closed", "it declared itself closed");
        assert!(clifton["alert"].as_str().unwrap().starts_with("Not taking patients until"));
        assert!(clifton["application_process"].as_str().unwrap().contains("referral"));
        assert_eq!(clifton["phones"][0]["description"], "After hours, while Clifton Small Animal Clinic is closed: Avon Exotics on-call vet.");
        assert_eq!(clifton["schedules"].as_array().unwrap().len(), 1);
        assert_eq!(clifton["schedules"][0]["description"], "off");

        // Organizations: every vetted one, with its kind as an attribute.
        let organizations = hsds(&app, &network, "/organizations", "/api/hsds/organizations").await;
        assert_eq!(names(&organizations), ["Avon Exotic Vets", "Meadow Hedgehog Rescue", "Network coordination office"]);
        let avon = hsds(&app, &network, "/organizations/{id}", &format!("/api/hsds/organizations/{}", network.avon)).await;
        assert_eq!(avon["locations"].as_array().unwrap().len(), 2);
        assert_eq!(avon["services"].as_array().unwrap().len(), 2);
        assert_eq!(avon["attributes"][0]["taxonomy_term"]["code"], "clinic");
        let nested = hsds(&app, &network, "/organizations/{id}", &format!("/api/hsds/organizations/{}?full_service=true", network.avon)).await;
        assert!(nested["services"][0]["schedules"].is_array(), "fully nested services");
        hsds(&app, &network, "/organizations", "/api/hsds/organizations?full=true&full_service=true").await;

        // Services at locations join each service to its site.
        let places = hsds(&app, &network, "/service_at_locations", "/api/hsds/service_at_locations").await;
        assert_eq!(places["total_items"], 3);
        for place in places["contents"].as_array().unwrap() {
            let id = place["id"].as_str().unwrap();
            let one = hsds(&app, &network, "/service_at_locations/{id}", &format!("/api/hsds/service_at_locations/{id}")).await;
            assert_eq!(one["service"]["id"], place["service_id"]);
            assert_eq!(one["location"]["id"], place["location_id"]);
            assert!(one["location"]["addresses"].is_array());
            hsds(&app, &network, "/services/{id}", &format!("/api/hsds/services/{}", place["service_id"].as_str().unwrap())).await;
        }
        hsds(&app, &network, "/service_at_locations", "/api/hsds/service_at_locations?full=true").await;
        let clifton_place = places["contents"].as_array().unwrap().iter().find(|place| place["location_id"] == network.clifton.to_string()).unwrap();
        assert_eq!(clifton_place["service_id"], clifton_service);

        // Taxonomies and their terms; every attribute's term resolves.
        let taxonomies = hsds(&app, &network, "/taxonomies", "/api/hsds/taxonomies").await;
        assert_eq!(names(&taxonomies), ["Warren capabilities", "Warren species", "Warren organization kinds"]);
        for id in ids(&taxonomies) {
            hsds(&app, &network, "/taxonomies/{id}", &format!("/api/hsds/taxonomies/{id}")).await;
        }
        let terms = hsds(&app, &network, "/taxonomy_terms", "/api/hsds/taxonomy_terms?per_page=200").await;
        let by_code: HashMap<&str, &Value> = terms["contents"].as_array().unwrap().iter().map(|term| (term["code"].as_str().unwrap(), term)).collect();
        assert_eq!(by_code["small_mammal/hamster"]["parent_id"], by_code["small_mammal"]["id"]);
        assert!(by_code["small_mammal"].get("parent_id").is_none());
        assert_eq!(by_code["rescue"]["taxonomy_detail"]["name"], "Warren organization kinds");
        for attribute in service["attributes"].as_array().unwrap() {
            let id = attribute["taxonomy_term_id"].as_str().unwrap();
            let term = hsds(&app, &network, "/taxonomy_terms/{id}", &format!("/api/hsds/taxonomy_terms/{id}")).await;
            assert_eq!(term, attribute["taxonomy_term"]);
        }

        // Partner pages on other origins may read it.
        let response = app.client.request(Method::GET, "/api/hsds/services").header("Origin", "https://hamster-club.example").send().await.unwrap();
        assert_eq!(response.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("https://hamster-club.example"));
    }

    async fn only_vetted_organizations_are_published(app) {
        let network = network(&app).await;
        let coordinator = app.signed_in("coordinator@network.test").await;
        let organization = coordinator.organization(network.meadow).await.unwrap();
        coordinator
            .change_membership(network.meadow, &MembershipChangeRequest {
                membership: MembershipStatus::Suspended,
                reason: Some("Lapsed insurance".into()),
            }, &organization.etag)
            .await
            .expect("suspend the rescue");
        // Membership changes reach the directory at its next revision check.
        tokio::time::sleep(warren_api::directory::RECHECK + std::time::Duration::from_millis(200)).await;

        let services = hsds(&app, &network, "/services", "/api/hsds/services").await;
        assert_eq!(names(&services), ["Clifton Small Animal Clinic: small-animal care", "Harbourside Exotics: small-animal care"]);
        let places = hsds(&app, &network, "/service_at_locations", "/api/hsds/service_at_locations?search=pending").await;
        assert_eq!(places["total_items"], 0);
        let organizations = hsds(&app, &network, "/organizations", "/api/hsds/organizations").await;
        assert_eq!(names(&organizations), ["Avon Exotic Vets", "Network coordination office"]);
        for id in [network.pending, network.meadow] {
            assert_eq!(problem(&app, &format!("/api/hsds/organizations/{id}")).await, (404, None));
        }
        let everything = get(&app, "/api/hsds/service_at_locations?full=true&format=ndjson").await;
        assert_eq!(everything.0, 200);
        assert!(!everything.1.contains("Meadow") && !everything.1.contains("Pending"), "{}", everything.1);
    }

    async fn hsds_lists_are_paged_as_hsds_specifies(app) {
        let network = network(&app).await;
        let coordinator = app.signed_in("coordinator@network.test").await;
        for number in 1..=4 {
            coordinator
                .create_site(network.meadow, &site(&format!("Meadow Foster Home {number}"), 51.38, -2.36, json!({"species": ["wildlife"]})), None)
                .await
                .expect("another site");
        }
        // 7 services: 3 + 3 + 1.
        let mut seen = Vec::new();
        for (page, size) in [(1, 3), (2, 3), (3, 1)] {
            for list in ["services", "service_at_locations"] {
                let schema = format!("/{list}");
                let body = hsds(&app, &network, &schema, &format!("/api/hsds/{list}?per_page=3&page={page}")).await;
                assert_eq!(body["total_items"], 7, "{body:#}");
                assert_eq!(body["total_pages"], 3);
                assert_eq!(body["page_number"], page);
                assert_eq!(body["size"], size);
                assert_eq!(body["contents"].as_array().unwrap().len(), size);
                assert_eq!(body["first_page"], page == 1);
                assert_eq!(body["last_page"], page == 3);
                assert_eq!(body["empty"], false);
                if list == "services" {
                    seen.extend(ids(&body));
                }
            }
        }
        let all = hsds(&app, &network, "/services", "/api/hsds/services").await;
        assert_eq!((all["total_pages"].as_u64(), all["size"].as_u64(), all["last_page"].as_bool()), (Some(1), Some(7), Some(true)), "50 a page by default");
        assert_eq!(seen, ids(&all), "the pages walk the same order, each service once");

        let beyond = hsds(&app, &network, "/services", "/api/hsds/services?per_page=3&page=4").await;
        assert_eq!(beyond["contents"], json!([]));
        assert_eq!((beyond["empty"].as_bool(), beyond["size"].as_u64(), beyond["last_page"].as_bool()), (Some(true), Some(0), Some(true)));
        let nothing = hsds(&app, &network, "/services", "/api/hsds/services?search=no+such+place").await;
        assert_eq!((nothing["total_items"].as_u64(), nothing["total_pages"].as_u64(), nothing["empty"].as_bool()), (Some(0), Some(1), Some(true)));

        // ndjson: every result, unpaged, one document a line.
        let (status, body) = get(&app, "/api/hsds/services?format=ndjson&per_page=1").await;
        assert_eq!(status, 200);
        let lines: Vec<Value> = body.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
        for line in &lines {
            assert_hsds("service_list item", line);
        }
        assert_eq!(lines.iter().map(|line| line["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>(), seen);
    }

    async fn hsds_refuses_bad_parameters_and_unknown_ids(app) {
        let network = network(&app).await;
        for (query, field) in [
            ("/api/hsds/services?page=0", "page"),
            ("/api/hsds/services?page=-1", "page"),
            ("/api/hsds/services?page=first", "page"),
            ("/api/hsds/services?page=479911728055", "page"),
            ("/api/hsds/organizations?page=1000001", "page"),
            ("/api/hsds/services?per_page=0", "per_page"),
            ("/api/hsds/services?per_page=201", "per_page"),
            ("/api/hsds/organizations?page=1.5", "page"),
            ("/api/hsds/taxonomy_terms?per_page=lots", "per_page"),
            ("/api/hsds/service_at_locations?format=xml", "format"),
            ("/api/hsds/services?full=maybe", "full"),
            ("/api/hsds/services?taxonomy_term_id=oxygen", "taxonomy_term_id"),
            ("/api/hsds/services?modified_after=yesterday", "modified_after"),
            ("/api/hsds/services?colour=red", "colour"),
            ("/api/hsds/services?page=1&page=2", "page"),
            ("/api/hsds/service_at_locations?proximity=near", "proximity"),
            ("/api/hsds/service_at_locations?proximity=5000", "proximity"),
            ("/api/hsds/service_at_locations?proximity=51.45,-2.59,9999999", "proximity"),
            ("/api/hsds/service_at_locations?proximity=1000&postcode=ZZ9+9ZZ", "postcode"),
            ("/api/hsds/organizations/{avon}?full_service=sometimes", "full_service"),
        ] {
            let query = query.replace("{avon}", &network.avon.to_string());
            assert_eq!(problem(&app, &query).await, (400, Some(field.to_owned())), "GET {query}");
        }
        let last_allowed = app.client.http().get(format!("{}/api/hsds/services?page=1000000", app.url)).send().await.unwrap();
        assert_eq!(last_allowed.status(), 200, "a page past the last is empty, not an error");
        let unknown = uuid::Uuid::new_v4();
        for path in ["services", "organizations", "service_at_locations", "taxonomies", "taxonomy_terms"] {
            assert_eq!(problem(&app, &format!("/api/hsds/{path}/{unknown}")).await.0, 404, "{path}");
            assert_eq!(problem(&app, &format!("/api/hsds/{path}/not-an-id")).await.0, 404, "{path}");
        }
        // A location id is not a service id.
        assert_eq!(problem(&app, &format!("/api/hsds/services/{}", network.harbourside)).await.0, 404);
        assert_eq!(problem(&app, "/api/hsds/nothing-here").await.0, 404);
    }

    async fn hsds_filters_find_services_and_places(app) {
        let network = network(&app).await;
        let services = |query: String| found(&app, &network, "services", query);
        assert_eq!(services("search=HEDGEHOG".into()).await, ["Meadow Hedgehog Rescue"]);
        assert_eq!(services("search=avon".into()).await, ["Clifton Small Animal Clinic", "Harbourside Exotics"]);
        assert_eq!(services("search=oxygen+cage".into()).await, ["Harbourside Exotics"]);
        let oxygen_cage = term_id(&app, &network, "oxygen_cage").await;
        assert_eq!(services(format!("taxonomy_term_id={oxygen_cage}")).await, ["Harbourside Exotics"]);
        // A hamster is taken where hamsters are, and where all small mammals are.
        let hamster = term_id(&app, &network, "small_mammal/hamster").await;
        assert_eq!(services(format!("taxonomy_term_id={hamster}")).await, ["Clifton Small Animal Clinic", "Harbourside Exotics"]);
        let wildlife = term_id(&app, &network, "wildlife").await;
        assert_eq!(services(format!("taxonomy_term_id={wildlife}")).await, ["Meadow Hedgehog Rescue"]);
        let clinic = term_id(&app, &network, "clinic").await;
        assert_eq!(services(format!("taxonomy_term_id={clinic}")).await.len(), 3);
        let rescue = term_id(&app, &network, "rescue").await;
        assert!(services(format!("taxonomy_term_id={rescue}")).await.is_empty());
        assert!(services(format!("taxonomy_term_id={}", uuid::Uuid::new_v4())).await.is_empty());
        assert_eq!(services(format!("organization_id={}", network.meadow)).await, ["Meadow Hedgehog Rescue"]);
        assert_eq!(services("modified_after=2000-01-01".into()).await.len(), 3);
        assert!(services("modified_after=2999-01-01T00:00:00Z".into()).await.is_empty());

        let taxonomies = hsds(&app, &network, "/taxonomies", "/api/hsds/taxonomies").await;
        let capabilities = taxonomies["contents"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(services(format!("taxonomy_id={capabilities}")).await, ["Harbourside Exotics", "Meadow Hedgehog Rescue"]);

        let minimal = hsds(&app, &network, "/services", "/api/hsds/services?minimal=true&search=meadow").await;
        let keys: HashSet<&str> = minimal["contents"][0].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, HashSet::from(["id", "name", "status", "last_modified"]));

        // Places by postcode, and by distance, nearest first.
        let places = |query: &str| found(&app, &network, "service_at_locations", query.to_owned());
        assert_eq!(places("postcode=bs1+5db").await, ["Harbourside Exotics"]);
        assert_eq!(places("postcode=BS8").await, ["Clifton Small Animal Clinic"]);
        assert!(places("postcode=BS").await.is_empty());
        assert_eq!(places("proximity=51.4545,-2.5879,2000").await, ["Harbourside Exotics", "Clifton Small Animal Clinic"]);
        assert_eq!(places("proximity=51.4545,-2.5879,50000").await, ["Harbourside Exotics", "Clifton Small Animal Clinic", "Meadow Hedgehog Rescue"]);
        assert_eq!(places("proximity=1000&postcode=BS1+5DB").await, ["Harbourside Exotics"]);
        assert_eq!(places("proximity=2000&postcode=BS1").await, ["Harbourside Exotics", "Clifton Small Animal Clinic"]);
        assert_eq!(places("search=clifton&full=true").await, ["Clifton Small Animal Clinic"]);

        // Terms by taxonomy, parent and level.
        let species = taxonomies["contents"][1]["id"].as_str().unwrap().to_owned();
        let terms = hsds(&app, &network, "/taxonomy_terms", &format!("/api/hsds/taxonomy_terms?taxonomy_id={species}&per_page=200")).await;
        assert!(terms["contents"].as_array().unwrap().iter().all(|term| term["taxonomy_id"] == species.as_str()));
        let small_mammal = term_id(&app, &network, "small_mammal").await;
        let children = hsds(&app, &network, "/taxonomy_terms", &format!("/api/hsds/taxonomy_terms?parent_id={small_mammal}&per_page=200")).await;
        assert!(children["contents"].as_array().unwrap().iter().all(|term| term["code"].as_str().unwrap().starts_with("small_mammal/")));
        assert!(children["total_items"].as_u64().unwrap() >= 5);
        let top = hsds(&app, &network, "/taxonomy_terms", "/api/hsds/taxonomy_terms?top_only=true&per_page=200").await;
        assert!(top["contents"].as_array().unwrap().iter().all(|term| !term["code"].as_str().unwrap().contains('/')));
        let found = hsds(&app, &network, "/taxonomy_terms", "/api/hsds/taxonomy_terms?search=guinea").await;
        assert_eq!(found["contents"][0]["code"], "small_mammal/guinea_pig");
    }
}

warren_tests::on_both_databases! {
    async fn hsds_counts_against_the_public_directory_rate_limit(backend: Backend) {
        let app = TestApp::spawn_with(backend, |config| config.public_requests_per_minute = 3).await;
        assert_eq!(get(&app, "/api/v1/public/taxonomy").await.0, 200);
        assert_eq!(get(&app, "/api/hsds/taxonomies").await.0, 200);
        assert_eq!(get(&app, "/api/hsds/").await.0, 200);
        let response = app.client.request(Method::GET, "/api/hsds/services").send().await.unwrap();
        assert_eq!(response.status().as_u16(), 429, "the fourth request of the minute");
        assert!(response.headers().contains_key("retry-after"));
        assert_eq!(
            response.headers().get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
    }
}

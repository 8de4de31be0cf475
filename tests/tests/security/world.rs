//! The world the security suite probes: the demo network, one organization
//! (Harbourside) whose data is at stake, a caller for every role around it,
//! and the operations of the OpenAPI document the server itself publishes.

use std::collections::BTreeMap;

use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, RunQueryDsl};
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};
use warren_client::Client;
use warren_seed::demo::DEMO_PASSWORD;
use warren_store::StoreError;
use warren_tests::{Backend, Role, TestApp};

/// Who calls, relative to Harbourside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Caller {
    /// No credentials.
    Anonymous,
    /// A volunteer of Harbourside.
    Volunteer,
    /// Reception staff of Harbourside.
    Staff,
    /// A vet of Harbourside.
    Clinician,
    /// Harbourside's admin.
    OrgAdmin,
    /// The admin of another vetted organization, unrelated to Harbourside.
    OtherOrg,
    /// The network's coordinator.
    NetworkAdmin,
    /// Harbourside's API key with the read and write scopes.
    ApiKey,
}

impl Caller {
    /// Every caller, in the order the suite tries them: outsiders first, so
    /// that what insiders may change happens after outsiders were refused.
    pub const ALL: [Caller; 8] = [
        Caller::Anonymous,
        Caller::OtherOrg,
        Caller::Volunteer,
        Caller::Staff,
        Caller::Clinician,
        Caller::ApiKey,
        Caller::OrgAdmin,
        Caller::NetworkAdmin,
    ];

    /// A short column label.
    pub fn label(self) -> &'static str {
        match self {
            Caller::Anonymous => "anon",
            Caller::Volunteer => "volun",
            Caller::Staff => "staff",
            Caller::Clinician => "clin",
            Caller::OrgAdmin => "admin",
            Caller::OtherOrg => "other",
            Caller::NetworkAdmin => "netadm",
            Caller::ApiKey => "apikey",
        }
    }
}

/// One operation of the OpenAPI document.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Its `operationId`.
    pub id: String,
    /// The HTTP method.
    pub method: Method,
    /// The path template, e.g. `/api/v1/referrals/{id}`.
    pub path: String,
    /// The operation object.
    pub spec: Value,
}

impl Operation {
    /// Whether the operation only reads.
    pub fn reads(&self) -> bool {
        self.method == Method::GET
    }

    /// The statuses the document promises.
    pub fn documented_statuses(&self) -> Vec<String> {
        self.spec["responses"]
            .as_object()
            .map(|responses| responses.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The schema of the JSON request body, if any.
    pub fn body_schema(&self) -> Option<&Value> {
        let schema = &self.spec["requestBody"]["content"]["application/json"]["schema"];
        (!schema.is_null()).then_some(schema)
    }

    /// The parameters in `place` (`path`, `query` or `header`).
    pub fn parameters(&self, place: &str) -> Vec<&Value> {
        self.spec["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|parameter| parameter["in"] == place)
            .collect()
    }
}

/// Every operation in `document`, in path order.
pub fn operations(document: &Value) -> Vec<Operation> {
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, spec) in item.as_object().expect("a path item") {
            let method = match method.as_str() {
                "get" => Method::GET,
                "post" => Method::POST,
                "put" => Method::PUT,
                "patch" => Method::PATCH,
                "delete" => Method::DELETE,
                _ => continue,
            };
            operations.push(Operation {
                id: spec["operationId"].as_str().unwrap_or_default().to_owned(),
                method,
                path: path.clone(),
                spec: spec.clone(),
            });
        }
    }
    operations
}

/// The demo network with a caller for every role around Harbourside.
pub struct World {
    /// The running server.
    pub app: TestApp,
    /// The OpenAPI document the server publishes.
    pub document: Value,
    /// Harbourside's id.
    pub harbour: String,
    /// Text only Harbourside and the network's coordinator may ever see.
    pub secrets: Vec<String>,
    /// Every value the network keeps for its members only — sites' private
    /// phones, referral lines and contacts, staff e-mail addresses — which
    /// no answer to someone signed out may carry.
    pub members_only: Vec<String>,
    callers: BTreeMap<Caller, Client>,
    ids: BTreeMap<&'static str, String>,
}

/// The demo network's members-only values: every site's private phone and
/// referral contact, and every staff e-mail address, leaving out any that a
/// site also publishes.
fn members_only() -> Vec<String> {
    use warren_seed::demo::data::ORGANIZATIONS;
    let sites = || {
        ORGANIZATIONS
            .iter()
            .flat_map(|organization| organization.sites)
    };
    let public: Vec<&str> = sites()
        .flat_map(|site| [Some(site.phone), site.email])
        .flatten()
        .collect();
    let mut values: Vec<String> = sites()
        .flat_map(|site| {
            let referral = site.referral.as_ref();
            [
                site.private_phone,
                referral.map(|contact| contact.name),
                referral.map(|contact| contact.phone),
                referral.and_then(|contact| contact.email),
            ]
        })
        .flatten()
        .chain(
            ORGANIZATIONS
                .iter()
                .flat_map(|organization| organization.staff)
                .map(|person| person.email),
        )
        .filter(|value| !public.contains(value))
        .map(str::to_owned)
        .collect();
    values.sort();
    values.dedup();
    values
}

/// A demo person's client.
async fn demo(app: &TestApp, email: &str) -> Client {
    let tokens = app.tokens(email, DEMO_PASSWORD).await;
    app.client.with_access_token(&tokens.access_token)
}

/// Sends `body` and returns the JSON answer, panicking on anything but 2xx.
pub async fn call(request: RequestBuilder, body: Option<Value>) -> Value {
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    let response = request.send().await.expect("the server answers");
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    assert!(status.is_success(), "setup call answered {status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// The id of the first row of `$table` whose `$column` is `$value`.
macro_rules! first_id {
    ($store:expr, $table:ident, $column:ident, $value:expr) => {{
        let value = $value.to_owned();
        $store
            .read(|connection| {
                use warren_store::schema::$table::dsl;
                dsl::$table
                    .filter(dsl::$column.eq(value))
                    .select(dsl::id)
                    .order(dsl::id)
                    .first::<String>(connection)
                    .optional()
                    .map_err(StoreError::from)
            })
            .expect("read the database")
    }};
}

impl World {
    /// Starts a server on `backend`, loads the demo network and sets up the callers.
    pub async fn build(backend: Backend) -> World {
        let app = TestApp::spawn(backend).await;
        let store = app.store.clone();
        tokio::task::spawn_blocking(move || warren_seed::demo::load(&store))
            .await
            .expect("load the demo")
            .expect("load the demo");

        let admin = demo(&app, "admin@harbourside.demo").await;
        let coordinator = demo(&app, "coordinator@warren.demo").await;
        let mine = call(admin.request(Method::GET, "/api/v1/organizations"), None).await;
        let harbour = mine["items"][0]["id"]
            .as_str()
            .expect("an organization")
            .to_owned();
        let harbour_uuid: uuid::Uuid = harbour.parse().unwrap();

        let volunteer = app
            .member(
                &admin,
                harbour_uuid,
                "volunteer@matrix.test",
                Role::Volunteer,
            )
            .await;
        let (_, other) = app
            .vetted(&coordinator, "Elsewhere Rescue", "admin@elsewhere.test")
            .await;
        let key = call(
            admin.request(
                Method::POST,
                &format!("/api/v1/organizations/{harbour}/api-keys"),
            ),
            Some(json!({ "name": "matrix", "scopes": ["read", "write"] })),
        )
        .await;
        let api_key = app
            .client
            .with_api_key(key["secret"].as_str().expect("the key's secret"));

        let mut ids = BTreeMap::new();
        ids.insert("organization", harbour.clone());

        // Things the suite may delete, so that deleting them spoils nothing else.
        let spare_key = call(
            admin.request(
                Method::POST,
                &format!("/api/v1/organizations/{harbour}/api-keys"),
            ),
            Some(json!({ "name": "spare", "scopes": ["read"] })),
        )
        .await;
        ids.insert(
            "api_key",
            spare_key["api_key"]["id"].as_str().unwrap().to_owned(),
        );
        let invitation = call(
            admin.request(
                Method::POST,
                &format!("/api/v1/organizations/{harbour}/invitations"),
            ),
            Some(json!({ "email": "invited@matrix.test", "role": "staff" })),
        )
        .await;
        ids.insert(
            "invitation",
            invitation["invitation"]["id"]
                .as_str()
                .or(invitation["id"].as_str())
                .unwrap()
                .to_owned(),
        );
        app.member(&admin, harbour_uuid, "leaver@matrix.test", Role::Staff)
            .await;
        ids.insert(
            "member",
            first_id!(app.store, users, email, "leaver@matrix.test").expect("the leaver"),
        );
        let webhook = call(
            admin.request(
                Method::POST,
                &format!("/api/v1/organizations/{harbour}/webhooks"),
            ),
            Some(json!({ "url": "http://127.0.0.1:9/warren", "events": ["*"] })),
        )
        .await;
        let webhook_id = webhook["endpoint"]["id"]
            .as_str()
            .or(webhook["id"].as_str())
            .or(webhook["webhook"]["id"].as_str())
            .unwrap_or_else(|| panic!("a webhook id in {webhook}"))
            .to_owned();
        ids.insert("webhook", webhook_id.clone());

        // A referral of Harbourside's, with the finder's contact: text no
        // outsider may ever read.
        let receiver_site = app
            .store
            .read(|connection| {
                use warren_store::schema::sites::dsl;
                dsl::sites
                    .filter(dsl::organization_id.ne(&harbour))
                    .select(dsl::id)
                    .order(dsl::id)
                    .first::<String>(connection)
                    .map_err(StoreError::from)
            })
            .expect("another organization's site");
        let created = call(
            admin.request(
                Method::POST,
                &format!("/api/v1/organizations/{harbour}/referrals"),
            ),
            Some(json!({
                "receivers": [receiver_site],
                "species": "small_mammal/rat",
                "patient": { "name": "Pip", "identifiers": [] },
                "contact": { "name": "Ottoline Quarrington", "phone": "07700 900471" },
                "reason": "Laboured breathing since this morning",
                "priority": "very_urgent",
                "capabilities": [],
                "transport_needed": false,
                "draft": false,
            })),
        )
        .await;
        ids.insert("receiver_site", receiver_site.clone());
        let referral = created["items"][0]["id"]
            .as_str()
            .expect("a referral")
            .to_owned();
        ids.insert("referral", referral.clone());
        // A message on the referral gives the webhook a delivery.
        call(
            admin.request(
                Method::POST,
                &format!("/api/v1/referrals/{referral}/messages"),
            ),
            Some(json!({ "body": "Matrix check: please confirm the crate size." })),
        )
        .await;
        ids.insert(
            "delivery",
            first_id!(app.store, webhook_deliveries, endpoint_id, &webhook_id)
                .expect("a delivery for the new webhook"),
        );
        let site = first_id!(app.store, sites, organization_id, &harbour).expect("a site");
        ids.insert("site", site);
        let item = first_id!(app.store, items, owner_org_id, &harbour).expect("an item");
        ids.insert("item", item.clone());
        if let Some(plan) = first_id!(app.store, maintenance_plans, item_id, &item) {
            ids.insert("maintenance_plan", plan);
        } else {
            let plan = call(
                admin.request(
                    Method::POST,
                    &format!("/api/v1/items/{item}/maintenance-plans"),
                ),
                Some(json!({ "kind": "calibration", "interval_days": 90, "blocking": false })),
            )
            .await;
            ids.insert("maintenance_plan", plan["id"].as_str().unwrap().to_owned());
        }
        let loan = first_id!(app.store, reservations, owner_org_id, &harbour)
            .or_else(|| first_id!(app.store, reservations, borrower_org_id, &harbour))
            .expect("a loan");
        ids.insert("loan", loan);
        let assessment = call(
            admin.request(
                Method::POST,
                &format!("/api/v1/organizations/{harbour}/assessments"),
            ),
            Some(json!({ "species": "small_mammal/rat", "answers": {} })),
        )
        .await;
        ids.insert("assessment", assessment["id"].as_str().unwrap().to_owned());
        if let Some(offer) = first_id!(app.store, supply_offers, organization_id, &harbour) {
            ids.insert("supply_offer", offer);
        }
        // Harbourside asks for some of another organization's surplus.
        let offer = app
            .store
            .read(|connection| {
                use warren_store::schema::supply_offers::dsl;
                dsl::supply_offers
                    .filter(dsl::organization_id.ne(&harbour))
                    .filter(dsl::withdrawn_at.is_null())
                    .filter(dsl::remaining.gt(0))
                    .select(dsl::id)
                    .order(dsl::id)
                    .first::<String>(connection)
                    .map_err(StoreError::from)
            })
            .expect("another organization's offer");
        let request = call(
            admin.request(
                Method::POST,
                &format!("/api/v1/organizations/{harbour}/supply-requests"),
            ),
            Some(json!({ "offer_id": offer, "quantity": 1, "priority": "urgent" })),
        )
        .await;
        ids.insert("supply_request", request["id"].as_str().unwrap().to_owned());
        ids.insert("other_offer", offer);
        if let Some(item) = app
            .store
            .read(|connection| {
                use warren_store::schema::items::dsl;
                dsl::items
                    .filter(dsl::owner_org_id.ne(&harbour))
                    .filter(dsl::status.eq("available"))
                    .select(dsl::id)
                    .order(dsl::id)
                    .first::<String>(connection)
                    .optional()
                    .map_err(StoreError::from)
            })
            .expect("read the database")
        {
            ids.insert("other_item", item);
        }
        if let Some(volunteer_id) = first_id!(app.store, users, email, "volunteer@matrix.test") {
            ids.insert("volunteer_user", volunteer_id);
        }
        let specialist = app
            .store
            .read(|connection| {
                use warren_store::schema::specialist_profiles::dsl;
                dsl::specialist_profiles
                    .filter(dsl::accepting_consults.eq(true))
                    .select(dsl::user_id)
                    .order(dsl::user_id)
                    .first::<String>(connection)
                    .map_err(StoreError::from)
            })
            .expect("a specialist");
        ids.insert("specialist", specialist.clone());
        let consult = call(
            admin.request(Method::POST, &format!("/api/v1/referrals/{referral}/consults")),
            Some(json!({ "specialist_user_id": specialist, "question": "Could you advise on the incisors?" })),
        )
        .await;
        ids.insert("consult", consult["id"].as_str().unwrap().to_owned());
        // A radiograph on the referral, so the file routes (a thumbnail
        // among them) have one to read.
        let radiograph = {
            let mut png = std::io::Cursor::new(Vec::new());
            image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(64, 48, |x, y| {
                image::Rgb([x as u8, y as u8, 90])
            }))
            .write_to(&mut png, image::ImageFormat::Png)
            .expect("a PNG");
            png.into_inner()
        };
        let form = reqwest::multipart::Form::new()
            .part(
                "file",
                reqwest::multipart::Part::bytes(radiograph).file_name("skull.png"),
            )
            .text("caption", "Skull, lateral");
        let attachment = call(
            admin
                .request(
                    Method::POST,
                    &format!("/api/v1/referrals/{referral}/attachments"),
                )
                .multipart(form),
            None,
        )
        .await;
        ids.insert("attachment", attachment["id"].as_str().unwrap().to_owned());
        let link = call(
            admin.request(
                Method::POST,
                &format!("/api/v1/referrals/{referral}/status-links"),
            ),
            Some(json!({ "share_updates": true })),
        )
        .await;
        ids.insert("status_link", link["id"].as_str().unwrap().to_owned());
        // The animal's patient record, which Harbourside holds until a place
        // accepts it.
        let record = call(
            admin.request(
                Method::POST,
                &format!("/api/v1/referrals/{referral}/record"),
            ),
            None,
        )
        .await;
        ids.insert("patient_record", record["id"].as_str().unwrap().to_owned());
        // The volunteer fosters, so Harbourside can offer a placement.
        call(
            volunteer.request(Method::PUT, "/api/v1/me/volunteer-profile"),
            Some(json!({
                "skills": [{ "skill": "foster", "expires_on": null }],
                "availability": "Mo-Su 08:00-20:00",
                "area": "Bristol",
                "has_vehicle": true,
            })),
        )
        .await;
        let volunteer_id =
            first_id!(app.store, users, email, "volunteer@matrix.test").expect("the volunteer");
        let placement = call(
            admin.request(
                Method::POST,
                &format!("/api/v1/organizations/{harbour}/foster-placements"),
            ),
            Some(json!({
                "volunteer_user_id": volunteer_id,
                "species": "small_mammal/rat",
                "animal_name": "Pip",
                "starts_on": chrono::Utc::now().date_naive().to_string(),
            })),
        )
        .await;
        ids.insert("placement", placement["id"].as_str().unwrap().to_owned());

        // A private article and the owner's contact on the referral: text no
        // outsider may ever read.
        let secret = "Harbourside-private-protocol-7Q2X";
        let article = call(
            admin.request(Method::POST, "/api/v1/articles"),
            Some(json!({
                "kind": "protocol",
                "visibility": "organization",
                "organization_id": harbour,
                "title": format!("Sedation notes {secret}"),
                "body_markdown": format!("Private to Harbourside: {secret}."),
            })),
        )
        .await;
        ids.insert("article", article["id"].as_str().unwrap().to_owned());
        let members_only = members_only();
        let secrets = vec![
            secret.to_owned(),
            "Ottoline Quarrington".to_owned(),
            "07700 900471".to_owned(),
        ];

        let document: Value = app
            .client
            .http()
            .get(format!("{}/api/v1/openapi.json", app.url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();

        let mut callers = BTreeMap::new();
        callers.insert(Caller::Anonymous, app.client.clone());
        callers.insert(Caller::Volunteer, volunteer);
        callers.insert(
            Caller::Staff,
            demo(&app, "reception@harbourside.demo").await,
        );
        callers.insert(Caller::Clinician, demo(&app, "vet@harbourside.demo").await);
        callers.insert(Caller::OrgAdmin, admin);
        callers.insert(Caller::OtherOrg, other);
        callers.insert(Caller::NetworkAdmin, coordinator);
        callers.insert(Caller::ApiKey, api_key);
        World {
            app,
            document,
            harbour,
            secrets,
            members_only,
            callers,
            ids,
        }
    }

    /// The client of `caller`.
    pub fn client(&self, caller: Caller) -> &Client {
        &self.callers[&caller]
    }

    /// A Harbourside record of `kind`, if the world has one.
    pub fn id(&self, kind: &str) -> Option<&str> {
        self.ids.get(kind).map(String::as_str)
    }

    /// The path of `operation` with every parameter naming one of
    /// Harbourside's records (or a public record, for public routes).
    pub fn concrete_path(&self, operation: &Operation) -> String {
        let path = &operation.path;
        let kind = |prefix: &str| -> &str {
            match prefix {
                "articles" => "article",
                "attachments" => "attachment",
                "assessments" => "assessment",
                "consults" => "consult",
                "foster-placements" => "placement",
                "items" => "item",
                "loans" => "loan",
                "maintenance-plans" => "maintenance_plan",
                "organizations" => "organization",
                "patient-records" => "patient_record",
                "referrals" => "referral",
                "sites" => "site",
                "specialists" => "specialist",
                "supply-offers" => "supply_offer",
                "supply-requests" => "supply_request",
                "public" => "site",
                _ => "",
            }
        };
        let mut out = String::new();
        let mut previous = "";
        for segment in path.split('/').skip(1) {
            out.push('/');
            let value = match segment {
                "{id}" | "{user_id}" if previous == "specialists" => {
                    self.id("specialist").map(str::to_owned)
                }
                "{id}" if path.starts_with("/api/hsds/") => Some(self.hsds_id(previous)),
                "{id}" => self.id(kind(previous)).map(str::to_owned),
                "{key_id}" => self.id("api_key").map(str::to_owned),
                "{link_id}" => self.id("status_link").map(str::to_owned),
                "{invitation_id}" => self.id("invitation").map(str::to_owned),
                "{user_id}" => self.id("member").map(str::to_owned),
                "{webhook_id}" => self.id("webhook").map(str::to_owned),
                "{delivery_id}" => self.id("delivery").map(str::to_owned),
                "{number}" | "{version}" => Some("1".to_owned()),
                literal => {
                    out.push_str(literal);
                    previous = literal;
                    continue;
                }
            };
            out.push_str(&value.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()));
        }
        out
    }

    /// An id the HSDS publication lists under `collection`.
    fn hsds_id(&self, collection: &str) -> String {
        match collection {
            "organizations" => self.harbour.clone(),
            "taxonomies" => "warren".to_owned(),
            "taxonomy_terms" => "small_mammal".to_owned(),
            _ => self.id("site").unwrap().to_owned(),
        }
    }
}

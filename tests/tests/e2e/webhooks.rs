//! Webhooks end to end: an organization registers an endpoint, a referral
//! event reaches a local receiver signed, a refused delivery is retried and
//! logged, an admin redelivers it — on SQLite and PostgreSQL.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use reqwest::{Method, StatusCode};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use warren_client::{Client, ClientError};
use warren_domain::directory::hours::{CountryCode, OpeningHoursText, Timezone};
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::directory::{Latitude, Longitude};
use warren_domain::triage::Tier;
use warren_domain::{AddressLine, OrgName, Website};
use warren_tests::*;
use warren_wire::{
    AuditQuery, CreateReferralRequest, CreateWebhookRequest, DeliveryQuery, DeliveryState,
    EventKind, ReferralEvent, SiteInput, WebhookDelivery,
};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    headers: HashMap<String, String>,
    pub(crate) body: Vec<u8>,
}

impl Received {
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map_or("", String::as_str)
    }

    fn event(&self) -> ReferralEvent {
        serde_json::from_slice(&self.body).expect("the body is a referral event")
    }
}

/// A local HTTP endpoint that records every request and answers 500 to the
/// first `fail_first`, 200 afterwards.
pub(crate) struct Receiver {
    pub(crate) url: String,
    requests: Arc<Mutex<Vec<Received>>>,
    handle: actix_web::dev::ServerHandle,
}

impl Receiver {
    pub(crate) fn start(fail_first: usize) -> Self {
        let requests = Arc::new(Mutex::new(Vec::<Received>::new()));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind port 0");
        let url = format!("http://{}/hooks/warren", listener.local_addr().unwrap());
        let shared = requests.clone();
        let server = HttpServer::new(move || {
            let shared = shared.clone();
            App::new().default_service(web::to(move |request: HttpRequest, body: web::Bytes| {
                let shared = shared.clone();
                async move {
                    let headers = request
                        .headers()
                        .iter()
                        .map(|(name, value)| {
                            (
                                name.as_str().to_owned(),
                                value.to_str().unwrap_or_default().to_owned(),
                            )
                        })
                        .collect();
                    let mut requests = shared.lock().unwrap();
                    requests.push(Received {
                        headers,
                        body: body.to_vec(),
                    });
                    if requests.len() <= fail_first {
                        HttpResponse::InternalServerError().body("not ready yet")
                    } else {
                        HttpResponse::Ok().finish()
                    }
                }
            }))
        })
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            url,
            requests,
            handle,
        }
    }

    fn received(&self) -> Vec<Received> {
        self.requests.lock().unwrap().clone()
    }

    /// The requests once there are at least `count` (or a failure after 20 s).
    pub(crate) async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..200 {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "the receiver got {} requests, not {count}",
            self.received().len()
        );
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

/// HMAC-SHA256 (RFC 2104) written out over SHA-256, to check Warren's
/// signatures independently of the HMAC crate it uses.
fn hmac_sha256(key: &[u8], message: &[u8]) -> String {
    const BLOCK: usize = 64;
    let mut padded = [0u8; BLOCK];
    if key.len() > BLOCK {
        padded[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        padded[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(padded.map(|byte| byte ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(padded.map(|byte| byte ^ 0x5c));
    outer.update(inner.finalize());
    outer
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Checks `Warren-Signature` as an integrator would: `t` recent, `v1` the
/// HMAC of `"<t>.<body>"` under `secret`.
pub(crate) fn assert_signed(request: &Received, secret: &str) {
    let header = request.header("Warren-Signature");
    let (t, v1) = header
        .strip_prefix("t=")
        .and_then(|rest| rest.split_once(",v1="))
        .unwrap_or_else(|| panic!("a signature header, not {header:?}"));
    let sent_at: i64 = t.parse().expect("a unix time");
    assert!(
        (chrono::Utc::now().timestamp() - sent_at).abs() < 300,
        "signed just now"
    );
    let mut signed = format!("{t}.").into_bytes();
    signed.extend_from_slice(&request.body);
    assert_eq!(
        v1,
        hmac_sha256(secret.as_bytes(), &signed),
        "the signature verifies"
    );
    assert_ne!(v1, hmac_sha256(b"another secret", &signed));
}

pub(crate) fn hook(url: &str, events: &[&str]) -> CreateWebhookRequest {
    CreateWebhookRequest {
        url: Website::parse(url).unwrap(),
        events: events
            .iter()
            .map(|kind| EventKind::parse(*kind).unwrap())
            .collect(),
        description: None,
    }
}

fn site(name: &str) -> SiteInput {
    SiteInput {
        name: OrgName::parse(name).unwrap(),
        address: AddressLine::parse("1 Harbour Walk").unwrap(),
        town: AddressLine::parse("Bristol").unwrap(),
        postcode: AddressLine::parse("BS1 5TY").unwrap(),
        country: CountryCode::parse("GB").unwrap(),
        latitude: Latitude::parse(51.4545).unwrap(),
        longitude: Longitude::parse(-2.5879).unwrap(),
        timezone: Timezone::parse("Europe/London").unwrap(),
        public_phone: None,
        private_phone: None,
        public_email: None,
        referral_contact: None,
        opening_hours: Some(OpeningHoursText::parse("24/7").unwrap()),
        after_hours_cover: None,
        capabilities: Vec::new(),
        species: vec![TermCode::parse("small_mammal").unwrap()],
        limitations: Default::default(),
    }
}

fn referral_to(site: Uuid) -> CreateReferralRequest {
    serde_json::from_value(json!({
        "receivers": [site],
        "species": "small_mammal/guinea_pig",
        "reason": "Not eating since yesterday.",
        "priority": Tier::Urgent,
    }))
    .expect("a referral")
}

/// The endpoint's log once its newest delivery is in `state`.
async fn log_when(
    admin: &Client,
    organization: Uuid,
    webhook: Uuid,
    state: DeliveryState,
) -> Vec<WebhookDelivery> {
    for _ in 0..100 {
        let page = admin
            .webhook_deliveries(organization, webhook, &DeliveryQuery::default())
            .await
            .expect("the delivery log");
        if page
            .items
            .first()
            .is_some_and(|delivery| delivery.state == state)
        {
            return page.items;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the newest delivery never became {state:?}");
}

fn status(error: ClientError) -> Option<u16> {
    error.status()
}

warren_tests::on_both_databases! {
    async fn a_referral_event_reaches_the_receivers_endpoint_signed_retried_and_redelivered(app) {
        let coordinator = app.network_admin().await;
        let (referrer, referrer_admin) = app.vetted(&coordinator, "Hedgehog Rescue", "hr@hooks.test").await;
        let (receiver, receiver_admin) = app.vetted(&coordinator, "Harbour Vets", "hv@hooks.test").await;
        let (bystander, bystander_admin) = app.vetted(&coordinator, "Elsewhere Vets", "ev@hooks.test").await;
        let harbour = receiver_admin.create_site(receiver, &site("Harbour Vets Surgery"), None).await.unwrap().value.listing.id;

        let flaky = Receiver::start(2);
        let elsewhere = Receiver::start(0);
        let key = Uuid::new_v4().to_string();
        let created = receiver_admin
            .create_webhook(receiver, &hook(&flaky.url, &["referral.created"]), Some(&key))
            .await
            .expect("register an endpoint");
        assert!(created.secret.starts_with("whsec_"), "{}", created.secret);
        assert!(created.webhook.active);
        assert_eq!(created.webhook.url, flaky.url);
        let again = receiver_admin
            .create_webhook(receiver, &hook(&flaky.url, &["referral.created"]), Some(&key))
            .await
            .unwrap();
        assert_eq!(again.webhook.id, created.webhook.id, "a retried registration registers once");
        let listed = receiver_admin.webhooks(receiver).await.unwrap();
        assert_eq!(listed.items, std::slice::from_ref(&created.webhook));
        let webhook = created.webhook.id;
        bystander_admin.create_webhook(bystander, &hook(&elsewhere.url, &["*"]), None).await.unwrap();

        let referral = referrer_admin
            .create_referral(referrer, &referral_to(harbour), None)
            .await
            .expect("refer a patient")
            .items[0]
            .id;

        // Two refusals, then the third attempt is accepted.
        let received = flaky.wait_for(3).await;
        let delivered = &received[2];
        assert_signed(delivered, &created.secret);
        assert_eq!(delivered.header("Warren-Event"), "referral.created");
        assert_eq!(delivered.header("Content-Type"), "application/json");
        let event = delivered.event();
        assert_eq!((event.kind.as_str(), event.referral_id), ("referral.created", referral));
        assert_eq!((event.referrer_organization_id, event.receiver_organization_id), (referrer, receiver));
        for attempt in &received[..2] {
            assert_signed(attempt, &created.secret);
            assert_eq!(attempt.header("Warren-Delivery"), delivered.header("Warren-Delivery"), "one delivery, attempted again");
            assert_eq!(attempt.body, delivered.body);
        }

        let log = log_when(&receiver_admin, receiver, webhook, DeliveryState::Delivered).await;
        assert_eq!(log.len(), 1);
        let first = &log[0];
        assert_eq!(first.id.to_string(), delivered.header("Warren-Delivery"));
        assert_eq!((first.attempts, first.last_status, first.last_error.as_deref()), (3, Some(200), None));
        assert_eq!(first.event_id, event.id);
        assert!(first.delivered_at.is_some() && first.next_attempt_at.is_none());
        assert_eq!(first.payload, serde_json::from_slice::<serde_json::Value>(&delivered.body).unwrap());

        // An admin sends it again: a new delivery of the same event.
        let redelivery = receiver_admin
            .redeliver_webhook(receiver, webhook, first.id, None)
            .await
            .expect("redeliver");
        assert_eq!((redelivery.redelivery_of, redelivery.event_id), (Some(first.id), first.event_id));
        assert_ne!(redelivery.id, first.id);
        let received = flaky.wait_for(4).await;
        assert_signed(&received[3], &created.secret);
        assert_eq!(received[3].header("Warren-Delivery"), redelivery.id.to_string());
        assert_eq!(received[3].event().id, event.id);
        let log = log_when(&receiver_admin, receiver, webhook, DeliveryState::Delivered).await;
        let ids: Vec<Uuid> = log.iter().map(|delivery| delivery.id).collect();
        assert_eq!(ids, [redelivery.id, first.id], "newest first");
        assert_eq!(log[0].attempts, 1);
        let older = receiver_admin
            .webhook_deliveries(receiver, webhook, &DeliveryQuery { cursor: None, limit: Some(1) })
            .await
            .unwrap();
        let next = receiver_admin
            .webhook_deliveries(receiver, webhook, &DeliveryQuery { cursor: older.next_cursor, limit: Some(1) })
            .await
            .unwrap();
        assert_eq!((next.items[0].id, next.next_cursor), (first.id, None));

        // The referrer registered nothing; the bystander is not in the referral.
        assert!(elsewhere.received().is_empty(), "another organization's endpoint gets nothing");

        let audit = receiver_admin
            .audit_log(&AuditQuery { organization_id: Some(receiver), ..AuditQuery::default() })
            .await
            .unwrap();
        let actions: Vec<&str> = audit.items.iter().map(|entry| entry.action.as_str()).collect();
        assert!(actions.contains(&"webhook.created") && actions.contains(&"webhook.redelivered"), "{actions:?}");

        // Revoked: nothing more is sent, and it cannot be redelivered to.
        receiver_admin.revoke_webhook(receiver, webhook).await.expect("revoke");
        receiver_admin.revoke_webhook(receiver, webhook).await.expect("revoking twice is harmless");
        assert!(!receiver_admin.webhooks(receiver).await.unwrap().items[0].active);
        let refused = receiver_admin.redeliver_webhook(receiver, webhook, first.id, None).await.unwrap_err();
        assert_eq!((refused.status(), refused.code()), (Some(409), Some("webhook_revoked")));
        referrer_admin.create_referral(referrer, &referral_to(harbour), None).await.expect("refer another patient");
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(flaky.received().len(), 4);
        let audit = receiver_admin
            .audit_log(&AuditQuery { organization_id: Some(receiver), action: Some("webhook.revoked".into()), ..AuditQuery::default() })
            .await
            .unwrap();
        assert_eq!(audit.items.len(), 1);
    }

    async fn only_an_organizations_admins_manage_its_webhooks(app) {
        let coordinator = app.network_admin().await;
        let (clinic, admin) = app.vetted(&coordinator, "Webhook Clinic", "wc@hooks.test").await;
        let staff = app.member(&admin, clinic, "staff@hooks.test", Role::Staff).await;
        let volunteer = app.member(&admin, clinic, "volunteer@hooks.test", Role::Volunteer).await;
        let (other, other_admin) = app.vetted(&coordinator, "Other Clinic", "oc@hooks.test").await;
        let request = hook("https://integrations.example.org/warren", &["referral.created", "referral.status_changed"]);
        let created = admin.create_webhook(clinic, &request, None).await.expect("register");
        let webhook = created.webhook.id;
        let mine = other_admin.create_webhook(other, &hook("http://127.0.0.1:9/hook", &["*", "referral.created"]), None).await.unwrap();
        assert_eq!(mine.webhook.events, [EventKind::parse("*").unwrap()], "`*` stands alone");

        // Another organization's admin sees nothing of it.
        assert_eq!(other_admin.webhooks(clinic).await.map(|_| ()).map_err(status), Err(Some(404)));
        assert_eq!(other_admin.create_webhook(clinic, &request, None).await.map(|_| ()).map_err(status), Err(Some(404)));
        assert_eq!(other_admin.revoke_webhook(clinic, webhook).await.map_err(status), Err(Some(404)));
        assert_eq!(other_admin.webhook_deliveries(clinic, webhook, &DeliveryQuery::default()).await.map(|_| ()).map_err(status), Err(Some(404)));
        assert_eq!(other_admin.webhook_deliveries(other, webhook, &DeliveryQuery::default()).await.map(|_| ()).map_err(status), Err(Some(404)), "not one of its endpoints");
        assert_eq!(other_admin.revoke_webhook(other, webhook).await.map_err(status), Err(Some(404)));
        assert_eq!(other_admin.redeliver_webhook(clinic, webhook, Uuid::now_v7(), None).await.map(|_| ()).map_err(status), Err(Some(404)));
        assert_eq!(admin.redeliver_webhook(clinic, webhook, Uuid::now_v7(), None).await.map(|_| ()).map_err(status), Err(Some(404)), "no such delivery");

        // Members who do not administer the organization are refused.
        for member in [&staff, &volunteer] {
            assert_eq!(member.webhooks(clinic).await.map(|_| ()).map_err(status), Err(Some(403)));
            assert_eq!(member.create_webhook(clinic, &request, None).await.map(|_| ()).map_err(status), Err(Some(403)));
            assert_eq!(member.revoke_webhook(clinic, webhook).await.map_err(status), Err(Some(403)));
            assert_eq!(member.webhook_deliveries(clinic, webhook, &DeliveryQuery::default()).await.map(|_| ()).map_err(status), Err(Some(403)));
        }
        assert_eq!(app.client.webhooks(clinic).await.map(|_| ()).map_err(status), Err(Some(401)));

        // Bad input names the field.
        let tokens = app.tokens("wc@hooks.test", PASSWORD).await;
        for (body, field) in [
            (json!({"url": "ftp://files.example.org/drop", "events": ["*"]}), "url"),
            (json!({"url": "not a url", "events": ["*"]}), "url"),
            (json!({"url": "https://[::1/hook", "events": ["*"]}), "url"),
            (json!({"url": "https://example.org/hook", "events": []}), "events"),
            (json!({"url": "https://example.org/hook", "events": ["loan.created"]}), "events[0]"),
            (json!({"url": "https://example.org/hook"}), "events"),
        ] {
            let response = app
                .client
                .request(Method::POST, &format!("/api/v1/organizations/{clinic}/webhooks"))
                .bearer_auth(&tokens.access_token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            let problem: warren_wire::Problem = response.json().await.unwrap();
            assert!(problem.errors.iter().any(|error| error.field == field), "{body}: {problem:?}");
        }
        assert_eq!(admin.webhooks(clinic).await.unwrap().items.len(), 1, "nothing invalid was registered");
        let listed = admin.webhooks(clinic).await.unwrap();
        assert_eq!(listed.items[0].events.len(), 2);
    }
}

warren_tests::on_both_databases! {
    async fn webhooks_reach_only_public_addresses_unless_the_server_allows_private_ones(backend: Backend) {
        // The first server allows private addresses and never delivers (its
        // job waits an hour); the second refuses them and delivers.
        let app = TestApp::spawn_with(backend, |config| config.job_interval = Duration::from_secs(3600)).await;
        let (public_only, _handle) = app.replica_with(|config| config.webhooks_to_private_addresses = false).await;
        let coordinator = app.network_admin().await;
        let (referrer, referrer_admin) = app.vetted(&coordinator, "Hedgehog Rescue", "hr@hooks.test").await;
        let (receiver, receiver_admin) = app.vetted(&coordinator, "Harbour Vets", "hv@hooks.test").await;
        let harbour = receiver_admin.create_site(receiver, &site("Harbour Vets Surgery"), None).await.unwrap().value.listing.id;
        let local = Receiver::start(0);
        let registered = receiver_admin
            .create_webhook(receiver, &hook(&local.url, &["referral.created"]), None)
            .await
            .expect("a server that allows private addresses registers a local receiver");

        let tokens = app.tokens("hv@hooks.test", PASSWORD).await;
        let admin = public_only.with_access_token(&tokens.access_token);
        for url in [
            local.url.as_str(),
            "http://[::1]:9/hook",
            "http://10.0.0.8/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://localhost:8080/hook",
            "http://printer.local/hook",
        ] {
            let refused = admin.create_webhook(receiver, &hook(url, &["*"]), None).await.map(|_| ()).unwrap_err();
            assert_eq!(refused.status(), Some(422), "{url}");
            let ClientError::Problem(problem) = refused else { panic!("a problem for {url}") };
            assert_eq!(problem.errors[0].field, "url", "{url}");
            assert!(problem.errors[0].message.contains("public address"), "{url}: {}", problem.errors[0].message);
        }
        let public = admin
            .create_webhook(receiver, &hook("https://hooks.example.org/warren", &["loan.requested"]), None)
            .await
            .expect("a public address is registered");
        let listed: Vec<_> = admin.webhooks(receiver).await.unwrap().items.into_iter().map(|webhook| webhook.id).collect();
        assert_eq!(listed.len(), 2, "nothing refused was stored");
        assert!(listed.contains(&registered.webhook.id) && listed.contains(&public.webhook.id));

        // The endpoint registered earlier is refused at delivery.
        referrer_admin.create_referral(referrer, &referral_to(harbour), None).await.expect("refer a patient");
        let log = loop_until_attempted(&admin, receiver, registered.webhook.id).await;
        let error = log.last_error.as_deref().unwrap_or_default();
        assert!(error.contains("not sent") && error.contains("127.0.0.1 is not a public address"), "{error}");
        assert_eq!(log.last_status, None);
        assert!(local.received().is_empty(), "nothing reached the local receiver");
    }
}

/// The endpoint's newest delivery once an attempt has been made and its outcome recorded (a
/// delivery counts its attempt when the sender claims it, before it is sent).
async fn loop_until_attempted(
    admin: &Client,
    organization: Uuid,
    webhook: Uuid,
) -> WebhookDelivery {
    for _ in 0..100 {
        let page = admin
            .webhook_deliveries(organization, webhook, &DeliveryQuery::default())
            .await
            .expect("the delivery log");
        if let Some(newest) = page.items.into_iter().next().filter(|delivery| {
            delivery.attempts > 0
                && (delivery.last_error.is_some()
                    || delivery.last_status.is_some()
                    || delivery.delivered_at.is_some())
        }) {
            return newest;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the delivery was never attempted");
}

//! The access matrix: every operation of the published OpenAPI document,
//! called by every role around one organization's records — anonymous, its
//! volunteer, staff, clinician and admin, another organization's admin, the
//! network's coordinator and its API key. Each operation must be classified
//! below (a new route without a class fails the test), and each answer must
//! be what the class allows: no unexpected success, no refusal of someone
//! entitled, and no private text in any answer to an outsider.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use reqwest::Method;
use serde_json::{Value, json};

use crate::schema;
use crate::world::{Caller, Operation, World};

/// Who an operation is for, relative to the organization whose record it
/// names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Whoever holds the one-minute stream ticket (the ticket is the
    /// credential, as `EventSource` cannot send headers).
    Ticket,
    /// Anyone signed in (a person, or a key where the document allows keys).
    SignedIn,
    /// Anyone signed in, for a record that may not exist yet (one's own
    /// profiles, a site's triage kit): 404 until it is written.
    Optional,
    /// Anyone signed in but volunteers: writing articles.
    Author,
    /// Only the other party — the specialist a consult is addressed to, the
    /// organization whose supplies were asked for — which none of the
    /// callers is.
    Addressee,
    /// Clinicians and admins of any organization: specialist profiles.
    Clinical,
    /// Members of the organization only, not the network's coordinator:
    /// articles it keeps private.
    Private,
    /// Members of the organization, and the network's coordinator.
    Read,
    /// Members other than volunteers, and the coordinator: directory listings.
    Edit,
    /// Members other than volunteers, who act for the organization in
    /// referrals and loans.
    Act,
    /// Either side of the world's referral, volunteers apart: Harbourside's
    /// members and the coordinator, whose office is its receiver.
    Party,
    /// The consult's specialist, who is Harbourside's clinician.
    Specialist,
    /// Anyone signed in as a person: drivers are volunteers of either side
    /// or of the network, and the drive's rules (409 `not_your_drive`)
    /// decide, not the caller's role.
    Drive,
    /// The organization's admins and the coordinator (not its API keys).
    Administer,
    /// The network's coordinator only.
    Coordinate,
}

/// The class of every operation. Adding a route means deciding here who may
/// call it.
fn access(operation: &str) -> Access {
    use Access::*;
    match operation {
        "live"
        | "ready"
        | "login"
        | "logout"
        | "refresh_tokens"
        | "apply"
        | "accept_invitation"
        | "preview_invitation"
        | "public_report"
        | "public_search"
        | "public_site"
        | "public_taxonomy"
        | "list_terms"
        | "evaluate_triage"
        | "current_triage_protocol"
        | "list_triage_protocol_versions"
        | "read_triage_protocol_version"
        // The token from an e-mail is the credential.
        | "request_password_reset"
        | "reset_password"
        | "confirm_email"
        | "preview_alert_acknowledgement"
        | "acknowledge_alert_by_token"
        | "unsubscribe_from_alert_emails"
        | "lookup_place"
        // The status link's secret is the credential.
        | "read_case_status" => Public,
        id if id.starts_with("hsds_") => Public,

        "referral_event_stream" => Ticket,
        "read_my_specialist_profile" | "read_my_volunteer_profile" | "read_site_triage_variant" => {
            Optional
        }
        "create_article" => Author,
        "fulfil_supply_request" => Addressee,
        "answer_consult" | "decline_consult" => Specialist,
        "accept_referral_transport" | "decline_referral_transport" => Drive,
        "transition_referral"
        | "set_referral_business_status"
        | "record_referral_outcome"
        | "arrange_referral_transport"
        | "request_consult" => Party,
        "put_my_specialist_profile" => Clinical,
        "get_me"
        | "update_me"
        | "list_my_assignments"
        | "save_my_volunteer_profile"
        | "list_organizations"
        | "list_my_consults"
        | "search_articles"
        | "preview_article"
        | "search_catalog"
        | "read_item"
        | "item_calendar"
        | "list_maintenance_plans"
        | "search_specialists"
        | "read_specialist"
        | "search_supply_offers"
        | "read_supply_offer"
        | "search_directory"
        | "list_sites"
        | "read_site"
        | "site_history"
        | "read_answer_times"
        | "read_transport_sharing"
        | "read_contact_retention"
        | "create_stream_ticket"
        | "list_unassigned_transports"
        // A person's own alerts, preferences and shifts (API keys have none).
        | "list_my_alerts"
        | "my_alert_summary"
        | "mark_my_alerts_read"
        | "acknowledge_my_alert"
        | "read_my_alert_preferences"
        | "save_my_alert_preferences"
        | "my_shifts"
        | "request_email_confirmation"
        | "read_acknowledge_times" => SignedIn,

        "read_article" | "list_article_versions" | "read_article_version" => Private,

        // The organizations that held the animal read its record, volunteers
        // included; nobody else, the coordinator neither.
        "read_patient_record" => Private,

        // Volunteers of the organization triage the animals they find and
        // write in the case thread; the coordinator, as coordinator, too.
        "get_organization"
        | "list_members"
        | "list_assessments"
        | "read_assessment"
        | "create_assessment"
        | "list_referrals"
        | "read_referral"
        | "referral_timeline"
        | "list_referral_messages"
        | "post_referral_message"
        | "list_referral_consults"
        | "list_items"
        | "list_loans"
        | "read_loan"
        | "loan_timeline"
        | "loan_alternatives"
        | "loan_queue"
        | "list_organization_supply_offers"
        | "list_supply_requests"
        | "read_supply_request"
        | "supply_offer_queue"
        | "read_foster_placement"
        | "read_consult"
        | "list_referral_attachments"
        | "list_consult_attachments"
        | "read_attachment"
        | "read_attachment_content"
        | "read_attachment_thumbnail"
        | "list_status_updates"
        | "list_patients"
        | "read_on_call_rota" => Read,

        // Either side's members attach files to a referral, volunteers
        // included, as they write in the case thread; in this world the
        // coordinator's office is the receiver.
        "attach_to_referral" => Read,

        "update_site"
        | "create_site"
        | "set_capacity"
        | "put_site_triage_variant"
        | "delete_site_triage_variant"
        | "list_volunteers"
        | "list_foster_placements"
        // The coordinator runs rosters too.
        | "create_foster_placement"
        | "transition_foster_placement"
        // Either side's admins, clinicians and staff share updates with the
        // owner or finder; here the coordinator's office is the receiver.
        | "post_status_update" => Edit,

        "create_referral"
        | "cancel_consult"
        | "attach_to_consult"
        | "remove_attachment"
        | "create_status_link"
        | "list_status_links"
        | "revoke_status_link"
        | "create_item"
        | "update_item"
        | "create_maintenance_plan"
        | "record_maintenance"
        | "request_loan"
        | "approve_loan"
        | "decline_loan"
        | "cancel_loan"
        | "checkout_loan"
        | "return_loan"
        | "create_supply_offer"
        | "update_supply_offer"
        | "withdraw_supply_offer"
        | "create_supply_request"
        | "transition_supply_request"
        | "update_article"
        | "archive_article"
        // The organization holding the animal now writes its record.
        | "start_patient_record"
        | "update_patient"
        | "add_patient_entry"
        | "resolve_problem"
        | "change_care_stage"
        | "create_rehab_plan"
        | "meet_plan_item" => Act,

        "update_organization"
        | "list_invitations"
        | "create_invitation"
        | "revoke_invitation"
        | "list_api_keys"
        | "create_api_key"
        | "revoke_api_key"
        | "remove_member"
        | "change_member_role"
        | "list_webhooks"
        | "create_webhook"
        | "revoke_webhook"
        | "list_webhook_deliveries"
        | "redeliver_webhook_delivery"
        | "list_audit_log"
        | "referral_metrics"
        | "read_dashboard"
        | "dashboard_csv"
        | "save_on_call_rota" => Administer,

        "change_membership"
        | "set_answer_times"
        | "set_transport_sharing"
        | "set_contact_retention"
        | "erase_referral_contact"
        | "set_acknowledge_times"
        | "publish_triage_protocol"
        | "create_term"
        | "assure_site"
        | "audit_queue"
        | "list_pending_applications"
        | "load_gazetteer" => Coordinate,

        other => panic!("classify the operation `{other}` in the access matrix"),
    }
}

/// Whether `caller` may call an operation of class `access` whose document
/// lists `security`.
fn allowed(access: Access, caller: Caller, keys_allowed: bool) -> bool {
    use Caller::*;
    if matches!(access, Access::Public | Access::Ticket) {
        return true;
    }
    if caller == Anonymous || (caller == ApiKey && !keys_allowed) {
        return false;
    }
    match access {
        Access::Public | Access::Ticket | Access::SignedIn | Access::Optional => true,
        Access::Author => caller != Volunteer,
        Access::Addressee => false,
        Access::Clinical => matches!(caller, Clinician | OrgAdmin | OtherOrg | NetworkAdmin),
        Access::Private => !matches!(caller, OtherOrg | NetworkAdmin),
        Access::Read => caller != OtherOrg,
        Access::Edit => !matches!(caller, OtherOrg | Volunteer),
        Access::Act => !matches!(caller, OtherOrg | Volunteer | NetworkAdmin),
        Access::Party => !matches!(caller, OtherOrg | Volunteer),
        Access::Specialist => caller == Clinician,
        Access::Drive => caller != ApiKey,
        Access::Administer => matches!(caller, OrgAdmin | NetworkAdmin),
        Access::Coordinate => caller == NetworkAdmin,
    }
}

/// Operations that change something and that no caller of the matrix can
/// make succeed in its world, and why. Their outsiders must still be refused
/// with 401, 403 or 404; the members refused may also hear the record's state
/// (409), as the move is not open to anyone.
const UNSUCCESSFUL: &[&str] = &[
    // The world's loan came back before the suite starts: no move is left.
    "approve_loan",
    "decline_loan",
    "cancel_loan",
    "checkout_loan",
    "return_loan",
    // The consult is answered (by its specialist, in `answer_consult`) before
    // it could be cancelled or declined.
    "cancel_consult",
    "decline_consult",
    // An open consult to the one specialist exists already.
    "request_consult",
    // One open request per offer and organization: the world's request.
    "create_supply_request",
    "transition_supply_request",
    // The placement, the referral and the record move by the lifecycle;
    // the first move a schema's smallest body asks for is rarely the
    // next one.
    "transition_foster_placement",
    "transition_referral",
    "record_referral_outcome",
    "change_care_stage",
    // Ids of an entry or a plan's step the world has not made.
    "resolve_problem",
    "meet_plan_item",
    "create_rehab_plan",
    // Each alert is one person's; the triage variant to remove exists only
    // once `put_site_triage_variant` made one.
    "acknowledge_my_alert",
    "delete_site_triage_variant",
    // The world's referral has no leg a caller may drive.
    "accept_referral_transport",
    "decline_referral_transport",
    // A site's triage variant, the protocol and the gazetteer need whole
    // documents of their own.
    "put_site_triage_variant",
    "publish_triage_protocol",
    "load_gazetteer",
    // The coordinator suspends the organization last; its state decides.
    "change_membership",
];

/// What one call answered.
pub struct Answer {
    /// The status.
    pub status: u16,
    /// The body, unless it is an event stream.
    pub body: String,
}

/// Calls `operation` as `caller` with the smallest well-shaped request.
pub async fn call(world: &World, operation: &Operation, caller: Caller, ticket: &str) -> Answer {
    let client = world.client(caller);
    let mut path = world.concrete_path(operation);
    let mut query = Vec::new();
    for parameter in operation.parameters("query") {
        let name = parameter["name"].as_str().unwrap_or_default();
        let value = match name {
            "organization_id" => world.harbour.clone(),
            "ticket" => ticket.to_owned(),
            "table" => "cases_by_tier".to_owned(),
            _ if parameter["required"] == true => {
                match schema::minimal(&world.document, &parameter["schema"]) {
                    Value::String(text) => text,
                    other => other.to_string(),
                }
            }
            _ => continue,
        };
        query.push((name.to_owned(), value));
    }
    if !query.is_empty() {
        path.push('?');
        path.push_str(&serde_urlencoded::to_string(&query).unwrap());
    }
    let mut request = client.request(operation.method.clone(), &path);
    let headers = operation.parameters("header");
    let takes = |name: &str| headers.iter().any(|parameter| parameter["name"] == name);
    if takes("If-Match") {
        // The version the record has now, so that a caller who may change
        // it gets past the version check, and one who may not is refused
        // for who they are, not for a stale version.
        request = request.header("If-Match", current_etag(world, &path, caller).await);
    }
    if takes("Idempotency-Key") {
        request = request.header("Idempotency-Key", uuid::Uuid::new_v4().to_string());
    }
    if matches!(
        operation.id.as_str(),
        "attach_to_referral" | "attach_to_consult"
    ) {
        request = request.multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(tiny_png()).file_name("matrix.png"),
        ));
    }
    if let Some(schema) = operation.body_schema() {
        let body = match valid_body(world, operation).await {
            Some(body) => body,
            None => schema::minimal(&world.document, schema),
        };
        request = request.json(&body);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let streaming = response
        .headers()
        .get("content-type")
        .is_some_and(|kind| kind.as_bytes().starts_with(b"text/event-stream"));
    let body = if streaming {
        String::new()
    } else {
        response.text().await.unwrap_or_default()
    };
    Answer { status, body }
}

/// A body valid for whoever is entitled to `operation`, where the schema's
/// smallest document is not one (`None`: it is).
async fn valid_body(world: &World, operation: &Operation) -> Option<Value> {
    let id = |kind: &str| world.id(kind).unwrap_or_default().to_owned();
    let soon = chrono::Utc::now() + chrono::Duration::days(40);
    Some(match operation.id.as_str() {
        // The first role the schema lists is the network admin's, which
        // only the coordinator may grant.
        "create_invitation" => json!({ "email": "matrix@matrix.test", "role": "staff" }),
        "change_member_role" => json!({ "role": "staff" }),
        "create_referral" => json!({
            "receivers": [id("receiver_site")],
            "species": "small_mammal/rat",
            "patient": { "name": "Matrix", "identifiers": [] },
            "reason": "Matrix check: laboured breathing",
            "priority": "standard",
            "capabilities": [],
            "transport_needed": false,
            "draft": true,
        }),
        "create_item" => json!({
            "home_site_id": id("site"),
            "name": "Matrix concentrator",
            "category": "oxygen_concentrator",
            "condition": "good",
            "terms": "Return it clean.",
            "max_loan_days": 7,
        }),
        "update_item" => {
            let item = read(world, &format!("/api/v1/items/{}", id("item"))).await;
            json!({
                "home_site_id": item["home_site_id"],
                "name": item["name"],
                "category": item["category"],
                "description": item["description"],
                "suitability": item["suitability"],
                "condition": item["condition"],
                "status": item["status"],
                "terms": item["terms"]["text"],
                "max_loan_days": item["max_loan_days"],
                "auto_approve": item["auto_approve"],
            })
        }
        "request_loan" => json!({
            "item_id": id("other_item"),
            "window": { "starts": soon, "ends": soon + chrono::Duration::hours(4) },
            "urgency": { "tier": "standard", "justification": "Matrix check: a planned recovery" },
        }),
        "create_supply_offer" => json!({
            "pickup_site_id": id("site"),
            "item": "Matrix syringes",
            "quantity": 5,
            "unit": "box",
        }),
        "update_supply_offer" => {
            let offer = read(
                world,
                &format!("/api/v1/supply-offers/{}", id("supply_offer")),
            )
            .await;
            json!({
                "pickup_site_id": offer["pickup_site_id"],
                "item": offer["item"],
                "description": offer["description"],
                "quantity": offer["quantity"],
                "expires_on": offer["expires_on"],
            })
        }
        "create_webhook" => json!({ "url": "http://127.0.0.1:9/matrix", "events": ["*"] }),
        "create_foster_placement" => json!({
            "volunteer_user_id": id("volunteer_user"),
            "species": "small_mammal/rat",
            "animal_name": "Matrix",
            "starts_on": chrono::Utc::now().date_naive().to_string(),
        }),
        "update_article" => {
            let article = read(world, &format!("/api/v1/articles/{}", id("article"))).await;
            json!({
                "kind": article["kind"],
                "visibility": article["visibility"],
                "title": article["title"],
                "summary": article["summary"],
                "body_markdown": article["body_markdown"],
                "species": article["species"],
                "topics": article["topics"],
                "change_note": "Matrix check",
            })
        }
        "save_my_volunteer_profile" => json!({
            "skills": [{ "skill": "foster", "expires_on": null }],
            "availability": "Mo-Su 08:00-20:00",
            "area": "Bristol",
            "has_vehicle": true,
        }),
        _ => return None,
    })
}

/// A 2×2 PNG, for the upload routes.
fn tiny_png() -> Vec<u8> {
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        2,
        2,
        image::Rgb([200, 120, 40]),
    ))
    .write_to(&mut png, image::ImageFormat::Png)
    .expect("a PNG");
    png.into_inner()
}

/// `path` read by Harbourside's admin.
async fn read(world: &World, path: &str) -> Value {
    crate::world::call(
        world.client(Caller::OrgAdmin).request(Method::GET, path),
        None,
    )
    .await
}

/// The `ETag` of the record a versioned operation at `path` changes: the
/// nearest path above it (or itself) that reads with an `ETag`, read by
/// Harbourside's admin or, failing that, the coordinator — or, for the
/// caller's own records (`/me/…`), by the caller.
async fn current_etag(world: &World, path: &str, caller: Caller) -> String {
    let path = path.split('?').next().unwrap_or(path);
    let own = path.starts_with("/api/v1/me/") || path == "/api/v1/me";
    let readers: &[Caller] = if own {
        &[caller]
    } else {
        &[Caller::OrgAdmin, Caller::NetworkAdmin, Caller::Clinician]
    };
    let mut candidate = path.to_owned();
    loop {
        for &reader in readers {
            let response = world
                .client(reader)
                .request(Method::GET, &candidate)
                .send()
                .await
                .expect("the server answers");
            if let Some(etag) = response
                .headers()
                .get("etag")
                .and_then(|value| value.to_str().ok())
                && response.status().is_success()
            {
                return etag.to_owned();
            }
        }
        match candidate.rsplit_once('/') {
            Some((above, _)) if above.len() > "/api/v1".len() => candidate = above.to_owned(),
            // Nothing to read (the caller has no such record): a version no
            // record has, so the answer is the refusal or 404 it would be.
            _ if own => return "\"1\"".to_owned(),
            _ => panic!("no version to read for {path}: give the matrix a way to read it"),
        }
    }
}

/// Runs the matrix on `world` and returns the table and every violation.
pub async fn run(world: &World) -> (String, Vec<String>) {
    let mut operations = crate::world::operations(&world.document);
    // Reads first, then changes, then removals, and the coordinator's
    // suspension of the organization last of all.
    let rank = |operation: &Operation| match (operation.method.clone(), operation.id.as_str()) {
        (_, "change_membership") => 4,
        (_, "logout") => 3,
        // It erases the finder's contact the leak scan looks for.
        (_, "erase_referral_contact") => 3,
        (Method::GET, _) => 0,
        (Method::DELETE, _) => 2,
        _ => 1,
    };
    operations.sort_by_key(|operation| rank(operation));
    let ticket = crate::world::call(
        world
            .client(Caller::OrgAdmin)
            .request(Method::POST, "/api/v1/referral-events/tickets"),
        None,
    )
    .await["ticket"]
        .as_str()
        .expect("a stream ticket")
        .to_owned();

    let mut table = String::new();
    let _ = write!(table, "{:<40}", "operation");
    for caller in Caller::ALL {
        let _ = write!(table, "{:>7}", caller.label());
    }
    table.push('\n');
    let mut violations = Vec::new();
    let mut seen = BTreeSet::new();
    for operation in &operations {
        assert!(
            seen.insert(operation.id.clone()),
            "operation ids are unique"
        );
        let access = access(&operation.id);
        let keys_allowed = operation.spec["security"]
            .as_array()
            .is_some_and(|schemes| schemes.iter().any(|scheme| scheme.get("api_key").is_some()));
        let _ = write!(
            table,
            "{:<40}",
            format!("{} {}", operation.method, operation.id)
        );
        let mut answers = Vec::new();
        for caller in Caller::ALL {
            let answer = call(world, operation, caller, &ticket).await;
            let may = allowed(access, caller, keys_allowed);
            let _ = write!(table, "{:>6}{}", answer.status, if may { '+' } else { '-' });
            answers.push((caller, may, answer));
        }
        // The request must be one an entitled caller can make: if none of
        // them succeeded, a refusal of the others would prove nothing.
        let entitled: Vec<u16> = answers
            .iter()
            .filter(|(_, may, _)| *may)
            .map(|(_, _, answer)| answer.status)
            .collect();
        let changes = !operation.reads() && access != Access::Public;
        let unsuccessful = UNSUCCESSFUL.contains(&operation.id.as_str());
        if changes
            && !entitled.is_empty()
            && !entitled.iter().any(|status| (200..300).contains(status))
            && !unsuccessful
        {
            violations.push(format!(
                "{} {}: no entitled caller succeeded ({entitled:?}); give it a valid body",
                operation.method, operation.path
            ));
        }
        // Every request is one the entitled may make — a body valid for them
        // (see `body`) and the record's current version — so whoever may
        // not make it must be refused for who they are: 401, 403 or 404,
        // never a validation, version or state answer that would also come
        // if the check were missing.
        for (caller, may, answer) in &answers {
            let (caller, may, status) = (*caller, *may, answer.status);
            let problem = if status >= 500 {
                Some("a server error")
            } else if may {
                let entitled_read_failed = operation.reads()
                    && !(200..300).contains(&status)
                    && !(access == Access::Optional && status == 404);
                if access != Access::Public && matches!(status, 401 | 403) {
                    Some("refused someone entitled")
                } else if access != Access::Public && entitled_read_failed {
                    Some("did not answer an entitled read")
                } else {
                    None
                }
            } else if (200..300).contains(&status) {
                Some("an unexpected success")
            } else if matches!(status, 401 | 403 | 404)
                || (unsuccessful
                    && status == 409
                    && !matches!(caller, Caller::Anonymous | Caller::OtherOrg))
            {
                None
            } else {
                Some("answered someone refused with more than a refusal")
            };
            if let Some(problem) = problem {
                violations.push(format!(
                    "{} {} as {caller:?}: {status} {problem} ({access:?}): {}",
                    operation.method,
                    operation.path,
                    answer.body.chars().take(160).collect::<String>()
                ));
            }
            let outsider = matches!(caller, Caller::Anonymous | Caller::OtherOrg);
            let watched: &[String] = if outsider {
                &world.secrets
            } else if caller == Caller::Volunteer {
                &world.secrets[1..]
            } else {
                &[]
            };
            let signed_out = if caller == Caller::Anonymous {
                &world.members_only[..]
            } else {
                &[]
            };
            if let Some(secret) = watched
                .iter()
                .chain(signed_out)
                .find(|secret| answer.body.contains(secret.as_str()))
            {
                violations.push(format!(
                    "{} {} as {caller:?} leaked {secret:?}",
                    operation.method, operation.path
                ));
            }
        }
        table.push('\n');
    }
    (table, violations)
}

warren_tests::on_both_databases! {
    async fn every_route_refuses_whoever_it_should_and_leaks_nothing(backend: Backend) {
        let world = crate::world::World::build(backend).await;
        let (table, violations) = run(&world).await;
        println!("{table}");
        assert!(violations.is_empty(), "{} violations:\n{}", violations.len(), violations.join("\n"));
    }
}

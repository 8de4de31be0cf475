//! The kit library through the API on both databases: pre-emption by a
//! tier 1 case with the displaced borrower offered the next slot, checkout
//! with the usage terms and return with the condition, a blocking overdue
//! calibration hiding an item from the catalog, many concurrent requesters
//! for one slot getting exactly one reservation, and who may do what.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;
use warren_client::{Client, ClientError};
use warren_domain::directory::hours::{CountryCode, OpeningHoursText, Timezone};
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::directory::{Latitude, Longitude};
use warren_domain::lending::{
    CancelReason, ChecklistEntry, Condition, ConditionReport, ItemCategory, ItemStatus, LoanWindow,
    MaintenanceInterval, MaintenanceKind, MaxLoanDays, ReservationStatus, Suitability, Urgency,
};
use warren_domain::triage::Tier;
use warren_domain::{AddressLine, ClinicalNote, ShortText};
use warren_tests::*;
use warren_wire::{
    CancelLoanRequest, CatalogParams, CheckoutRequest, CreateItemRequest, CreateLoanRequest,
    CreateMaintenancePlanRequest, LoanEvent, LoanQuery, RecordMaintenanceRequest,
    ReturnLoanRequest, SiteInput, UpdateItemRequest,
};

use crate::webhooks::{Receiver, assert_signed, hook};

fn note(text: &str) -> ClinicalNote {
    ClinicalNote::parse(text).unwrap()
}

fn site(name: &str, km_north: f64) -> SiteInput {
    SiteInput {
        name: OrgName::parse(name).unwrap(),
        address: AddressLine::parse("1 Harbour Walk").unwrap(),
        town: AddressLine::parse("Bristol").unwrap(),
        postcode: AddressLine::parse("BS1 5TY").unwrap(),
        country: CountryCode::parse("GB").unwrap(),
        latitude: Latitude::parse(51.4545 + km_north / 111.2).unwrap(),
        longitude: Longitude::parse(-2.5879).unwrap(),
        timezone: Timezone::parse("Europe/London").unwrap(),
        public_phone: None,
        private_phone: None,
        public_email: None,
        referral_contact: None,
        opening_hours: Some(OpeningHoursText::parse("24/7").unwrap()),
        after_hours_cover: None,
        capabilities: vec![],
        species: vec![TermCode::parse("small_mammal").unwrap()],
        limitations: Default::default(),
    }
}

/// A kit library and two clinics, each vetted with one site.
struct Network {
    coordinator: Client,
    library: Uuid,
    library_admin: Client,
    clinic_a: Uuid,
    a_admin: Client,
    a_site: Uuid,
    clinic_b: Uuid,
    b_admin: Client,
}

async fn network(app: &TestApp) -> Network {
    let coordinator = app.network_admin().await;
    let (library, library_admin) = app
        .vetted(&coordinator, "Severn Kit Library", "kit@severn.test")
        .await;
    let (clinic_a, a_admin) = app
        .vetted(&coordinator, "Harbour Vets", "a@harbour.test")
        .await;
    let (clinic_b, b_admin) = app
        .vetted(&coordinator, "Avon Exotics", "b@avon.test")
        .await;
    let mut sites = Vec::new();
    for (organization, admin, name, km) in [
        (library, &library_admin, "Severn Kit Store", 10.0),
        (clinic_a, &a_admin, "Harbour Vets Surgery", 0.0),
        (clinic_b, &b_admin, "Avon Exotics Hospital", 4.0),
    ] {
        let created = admin
            .create_site(organization, &site(name, km), None)
            .await
            .unwrap();
        sites.push(created.value.listing.id);
    }
    Network {
        coordinator,
        library,
        library_admin,
        clinic_a,
        a_admin,
        a_site: sites[1],
        clinic_b,
        b_admin,
    }
}

async fn concentrator(network: &Network, auto_approve: bool) -> Uuid {
    let home = network
        .library_admin
        .sites(network.library)
        .await
        .unwrap()
        .items[0]
        .listing
        .id;
    network
        .library_admin
        .create_item(
            network.library,
            &CreateItemRequest {
                home_site_id: home,
                name: ShortText::parse("Oxygen concentrator 5 L").unwrap(),
                category: ItemCategory::OxygenConcentrator,
                description: None,
                suitability: Suitability {
                    species: vec![TermCode::parse("small_mammal").unwrap()],
                    ..Suitability::default()
                },
                condition: Condition::Good,
                terms: note("Return cleaned within the loan window; report any fault at once."),
                max_loan_days: MaxLoanDays::new(7).unwrap(),
                auto_approve,
            },
            None,
        )
        .await
        .unwrap()
        .id
}

fn window(starts: DateTime<Utc>, hours: i64) -> LoanWindow {
    LoanWindow::new(starts, starts + Duration::hours(hours)).unwrap()
}

fn loan(item: Uuid, window: LoanWindow, tier: Tier, why: &str) -> CreateLoanRequest {
    CreateLoanRequest {
        item_id: item,
        site_id: None,
        window,
        urgency: Urgency::justified(tier, note(why)),
    }
}

fn report(condition: Condition) -> ConditionReport {
    ConditionReport {
        condition,
        checklist: vec![
            ChecklistEntry {
                label: ShortText::parse("Flow meter reaches rated flow").unwrap(),
                ok: true,
                note: None,
            },
            ChecklistEntry {
                label: ShortText::parse("Oxygen purity alarm tested").unwrap(),
                ok: true,
                note: None,
            },
        ],
        notes: None,
    }
}

fn status_of(error: &ClientError) -> u16 {
    error.status().unwrap_or_default()
}

fn field_of(error: &ClientError) -> String {
    match error {
        ClientError::Problem(problem) => problem
            .errors
            .first()
            .map(|e| e.field.clone())
            .unwrap_or_default(),
        other => panic!("{other:?}"),
    }
}

warren_tests::on_both_databases! {
    async fn a_tier_one_case_preempts_a_routine_booking_and_the_loan_goes_out_and_back(app) {
        let network = network(&app).await;
        let Network { library, library_admin, clinic_a, a_admin, a_site, clinic_b, b_admin, .. } = &network;
        let item = concentrator(&network, true).await;
        // B listens for its loans' events.
        let receiver = Receiver::start(0);
        let endpoint = b_admin
            .create_webhook(*clinic_b, &hook(&receiver.url, &["loan.preempted"]), None)
            .await
            .unwrap();

        // B books it for tomorrow, routinely; the owner auto-approves.
        let tomorrow = Utc::now() + Duration::days(1);
        let routine = b_admin
            .request_loan(*clinic_b, &loan(item, window(tomorrow, 24), Tier::NonUrgent, "Post-operative recovery, planned"), None)
            .await
            .unwrap();
        assert_eq!(routine.status, ReservationStatus::Reserved);
        assert_eq!(routine.decision, "auto_approve");

        // A has a rat in respiratory distress now: tier 1 takes the time.
        let mut urgent_request = loan(item, window(Utc::now() + Duration::minutes(1), 36), Tier::Immediate, "Rat in respiratory distress, open-mouth breathing");
        urgent_request.site_id = Some(*a_site);
        let urgent = a_admin.request_loan(*clinic_a, &urgent_request, Some("a-urgent-1")).await.unwrap();
        assert_eq!(urgent.status, ReservationStatus::Reserved);
        assert_eq!(urgent.decision, "preempt");
        assert!(urgent.decision_reason.contains("tier 1"), "{}", urgent.decision_reason);
        // A retry with the same key answers the same loan.
        let again = a_admin.request_loan(*clinic_a, &urgent_request, Some("a-urgent-1")).await.unwrap();
        assert_eq!(again.id, urgent.id);

        // B sees why, and is offered the next free slot after A's loan.
        let displaced = b_admin.loan(routine.id).await.unwrap().value;
        assert_eq!(displaced.status, ReservationStatus::Cancelled);
        assert_eq!(displaced.cancel_reason, Some(CancelReason::Preempted));
        assert_eq!(displaced.displaced_by, Some(urgent.id));
        assert!(displaced.decision_reason.contains("displaced"), "{}", displaced.decision_reason);
        let offered = displaced.offered_slot.expect("a slot is offered");
        assert!(offered.starts() >= urgent.window.ends());
        assert_eq!(offered.length(), routine.window.length());
        // Asking again for the taken time is refused, naming the next free
        // slot as data a program can use, not only in the sentence.
        let taken = b_admin
            .request_loan(*clinic_b, &loan(item, window(Utc::now() + Duration::hours(2), 4), Tier::NonUrgent, "Post-operative recovery, planned"), None)
            .await
            .unwrap_err();
        let warren_client::ClientError::Problem(problem) = &taken else { panic!("{taken:?}") };
        assert_eq!(problem.code, "reservation_conflict");
        let next = problem.next_free_slot.as_deref().copied().expect("the next free slot, structured");
        assert!(next.starts() >= urgent.window.ends(), "{next:?}");
        assert_eq!(next.length(), Duration::hours(4));
        let timeline = b_admin.loan_timeline(routine.id).await.unwrap();
        assert!(timeline.items.iter().any(|entry| entry.kind == "preempted"));
        // …and is told so at once by a signed webhook naming the offered slot.
        let told = receiver.wait_for(1).await;
        assert_signed(&told[0], &endpoint.secret);
        assert_eq!(told[0].header("Warren-Event"), "loan.preempted");
        let event: LoanEvent = serde_json::from_slice(&told[0].body).unwrap();
        assert_eq!((event.loan_id, event.status), (routine.id, ReservationStatus::Cancelled));
        assert_eq!(event.borrower_organization_id, *clinic_b);
        assert_eq!(event.offered_starts_at, Some(offered.starts()));
        assert!(event.reason.as_deref().is_some_and(|reason| reason.contains("displaced")), "{event:?}");
        // Another suitable item free for the window it wanted is offered too.
        let spare = concentrator(&network, true).await;
        let alternatives = b_admin.loan_alternatives(routine.id).await.unwrap();
        let offered_items: Vec<Uuid> = alternatives.items.iter().map(|entry| entry.item.id).collect();
        assert_eq!(offered_items, [spare]);
        assert_eq!(status_of(&a_admin.loan_alternatives(routine.id).await.unwrap_err()), 404);

        // Each side sees only its own loans; others get 404.
        assert_eq!(status_of(&b_admin.loan(urgent.id).await.unwrap_err()), 404);
        let owner_view = library_admin.loan(urgent.id).await.unwrap();
        let queue = library_admin.loans(network.library, &LoanQuery { role: Some("owner".into()), state: None }).await.unwrap();
        assert!(queue.items.iter().any(|loan| loan.id == urgent.id));

        // A volunteer of A cannot check out; a stale version is refused.
        let volunteer = app.member(a_admin, *clinic_a, "vol@harbour.test", Role::Volunteer).await;
        let checkout = CheckoutRequest { report: report(Condition::Good), accept_terms_version: 1 };
        assert_eq!(status_of(&volunteer.checkout_loan(urgent.id, &checkout, &owner_view.etag).await.unwrap_err()), 403);
        assert_eq!(status_of(&a_admin.checkout_loan(urgent.id, &checkout, "\"999\"").await.unwrap_err()), 412);
        let outdated = CheckoutRequest { report: report(Condition::Good), accept_terms_version: 2 };
        let refused = a_admin.checkout_loan(urgent.id, &outdated, &owner_view.etag).await.unwrap_err();
        assert_eq!((status_of(&refused), field_of(&refused).as_str()), (422, "accept_terms_version"));

        // A checks it out, accepting the terms in force.
        let out = a_admin.checkout_loan(urgent.id, &checkout, &owner_view.etag).await.unwrap();
        assert_eq!(out.value.status, ReservationStatus::Active);
        let acceptance = out.value.terms_acceptance.clone().expect("terms accepted");
        assert_eq!(acceptance.terms_version, 1);
        assert_eq!(acceptance.organization_id, *clinic_a);
        assert_eq!(library_admin.item(item).await.unwrap().value.status, ItemStatus::OnLoan);

        // Checking it out twice is an illegal move naming both states.
        let twice = a_admin.checkout_loan(urgent.id, &checkout, &out.etag).await.unwrap_err();
        assert_eq!(status_of(&twice), 409);

        // The clock moves past its end: Warren's job flags it overdue.
        let id = urgent.id.to_string();
        app.store
            .write(|connection| {
                use warren_store::schema::reservations::dsl;
                diesel::update(dsl::reservations.filter(dsl::id.eq(&id)))
                    .set((
                        dsl::starts_at.eq((Utc::now() - Duration::hours(3)).naive_utc()),
                        dsl::ends_at.eq((Utc::now() - Duration::hours(2)).naive_utc()),
                    ))
                    .execute(connection)
                    .map_err(warren_store::StoreError::from)
            })
            .unwrap();
        let mut overdue = None;
        for _ in 0..100 {
            let now = a_admin.loan(urgent.id).await.unwrap();
            if now.value.status == ReservationStatus::Overdue {
                overdue = Some(now);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let out = overdue.expect("the job flags the loan overdue");
        // Only the owner takes it back — and not its volunteers, even with the
        // current version; nor do they edit the item.
        assert_eq!(status_of(&a_admin.return_loan(urgent.id, &ReturnLoanRequest { report: report(Condition::Good) }, &out.etag).await.unwrap_err()), 403);
        let runner = app.member(library_admin, *library, "runner@severn.test", Role::Volunteer).await;
        assert_eq!(status_of(&runner.return_loan(urgent.id, &ReturnLoanRequest { report: report(Condition::Good) }, &out.etag).await.unwrap_err()), 403);
        let shown = library_admin.item(item).await.unwrap();
        let unchanged = UpdateItemRequest {
            home_site_id: shown.value.home_site_id,
            name: ShortText::parse(&shown.value.name).unwrap(),
            category: shown.value.category,
            description: shown.value.description.as_deref().map(note),
            suitability: shown.value.suitability.clone(),
            condition: shown.value.condition,
            status: shown.value.status,
            terms: shown.value.terms.text.clone(),
            max_loan_days: MaxLoanDays::new(shown.value.max_loan_days).unwrap(),
            auto_approve: shown.value.auto_approve,
        };
        assert_eq!(status_of(&runner.update_item(item, &unchanged, &shown.etag).await.unwrap_err()), 403);
        assert_eq!(library_admin.item(item).await.unwrap().value.version, shown.value.version);
        let mut back = report(Condition::Fair);
        back.notes = Some(note("Humidifier bottle scratched"));
        let returned = library_admin.return_loan(urgent.id, &ReturnLoanRequest { report: back }, &out.etag).await.unwrap();
        assert_eq!(returned.value.status, ReservationStatus::Returned);
        assert_eq!(returned.value.return_report.as_ref().map(|r| r.condition), Some(Condition::Fair));
        let item_now = library_admin.item(item).await.unwrap().value;
        assert_eq!(item_now.status, ItemStatus::Available);
        assert_eq!(item_now.condition, Condition::Fair);
        assert!(item_now.last_returned_at.is_some());
        let kinds: Vec<String> = a_admin.loan_timeline(urgent.id).await.unwrap().items.into_iter().map(|entry| entry.kind).collect();
        assert_eq!(kinds, ["requested", "checked_out", "overdue", "returned"]);
    }

    async fn bad_loan_requests_are_refused_naming_the_field(app) {
        let network = network(&app).await;
        let Network { clinic_a, a_admin, clinic_b, b_admin, coordinator, .. } = &network;
        let item = concentrator(&network, false).await;
        let path = format!("/api/v1/organizations/{clinic_a}/loans");
        let starts = Utc::now() + Duration::days(1);
        let backwards = a_admin
            .request(Method::POST, &path)
            .json(&json!({
                "item_id": item,
                "window": {"starts": starts, "ends": starts - Duration::hours(1)},
                "urgency": Urgency::justified(Tier::Urgent, note("Guinea pig not eating")),
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(backwards.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: warren_wire::Problem = backwards.json().await.unwrap();
        assert!(problem.errors.iter().any(|e| e.field.starts_with("window")), "{problem:?}");

        let too_long = a_admin.request_loan(*clinic_a, &loan(item, window(starts, 24 * 8), Tier::Urgent, "Long recovery"), None).await.unwrap_err();
        assert_eq!((status_of(&too_long), field_of(&too_long).as_str()), (422, "window"));
        let past = a_admin.request_loan(*clinic_a, &loan(item, window(Utc::now() - Duration::days(1), 2), Tier::Urgent, "Long recovery"), None).await.unwrap_err();
        assert_eq!((status_of(&past), field_of(&past).as_str()), (422, "window"));

        // Without auto-approval the request waits in the owner's queue.
        let waiting = a_admin.request_loan(*clinic_a, &loan(item, window(starts, 4), Tier::Urgent, "Guinea pig not eating"), None).await.unwrap();
        assert_eq!(waiting.status, ReservationStatus::Requested);
        assert_eq!(waiting.decision, "needs_owner_approval");
        assert_eq!(status_of(&b_admin.loan(waiting.id).await.unwrap_err()), 404);
        let queue = network.library_admin.loan_queue(network.library).await.unwrap();
        assert_eq!(queue.items.iter().map(|loan| loan.id).collect::<Vec<_>>(), [waiting.id]);
        // The owner's volunteer cannot approve it, even with its current version.
        let runner = app.member(&network.library_admin, network.library, "runner@severn.test", Role::Volunteer).await;
        let pending = network.library_admin.loan(waiting.id).await.unwrap();
        assert_eq!(status_of(&runner.approve_loan(waiting.id, &pending.etag).await.unwrap_err()), 403);
        assert_eq!(network.library_admin.loan(waiting.id).await.unwrap().value.status, ReservationStatus::Requested);
        // Another organization cannot act for A; the coordinator can read.
        assert_eq!(status_of(&b_admin.request_loan(*clinic_a, &loan(item, window(starts, 4), Tier::Urgent, "x"), None).await.unwrap_err()), 404);
        assert!(coordinator.loan(waiting.id).await.is_ok());
        // The borrower withdraws; the reason is kept.
        let current = a_admin.loan(waiting.id).await.unwrap();
        let withdrawn = a_admin
            .cancel_loan(waiting.id, &CancelLoanRequest { reason: Some(CancelReason::BorrowerWithdrew), note: None }, &current.etag)
            .await
            .unwrap();
        assert_eq!(withdrawn.value.status, ReservationStatus::Cancelled);
        assert_eq!(withdrawn.value.cancel_reason, Some(CancelReason::BorrowerWithdrew));
        let _ = clinic_b;
    }

    async fn a_blocking_overdue_calibration_hides_an_item_from_the_catalog(app) {
        let network = network(&app).await;
        let Network { library_admin, clinic_a, a_admin, a_site, .. } = &network;
        let item = concentrator(&network, true).await;
        let search = CatalogParams {
            category: Some(ItemCategory::OxygenConcentrator),
            species: Some("small_mammal/rat".into()),
            near_site_id: Some(*a_site),
            ..CatalogParams::default()
        };
        let found = a_admin.catalog(&search).await.unwrap();
        assert_eq!(found.items.iter().map(|entry| entry.item.id).collect::<Vec<_>>(), [item]);
        let distance = found.items[0].distance_km.unwrap();
        assert!((9.0..11.0).contains(&distance), "{distance}");
        let hamster_only = CatalogParams { species: Some("wildlife/bird".into()), ..search.clone() };
        assert!(a_admin.catalog(&hamster_only).await.unwrap().items.is_empty());

        // Calibration every 30 days, last done 40 days ago, blocking.
        let plan = library_admin
            .create_maintenance_plan(item, &CreateMaintenancePlanRequest {
                kind: MaintenanceKind::Calibration,
                interval: MaintenanceInterval::Days { days: 30 },
                blocking: true,
                last_done_at: Some(Utc::now() - Duration::days(40)),
                note: None,
            }, None)
            .await
            .unwrap();
        assert!(a_admin.catalog(&search).await.unwrap().items.is_empty());
        let shown = a_admin.item(item).await.unwrap().value;
        assert!(!shown.lendable);
        assert!(!shown.unlendable.is_empty());
        let refused = a_admin
            .request_loan(*clinic_a, &loan(item, window(Utc::now() + Duration::hours(1), 4), Tier::Immediate, "Rabbit in respiratory distress"), None)
            .await
            .unwrap_err();
        assert_eq!(status_of(&refused), 409);
        // A borrower cannot record the owner's maintenance.
        assert_eq!(status_of(&a_admin.record_maintenance(plan.id, &RecordMaintenanceRequest { done_at: None, note: None }, None).await.unwrap_err()), 404);

        // Calibrated today: back in the catalog.
        library_admin.record_maintenance(plan.id, &RecordMaintenanceRequest { done_at: None, note: Some(ShortText::parse("Calibrated against reference").unwrap()) }, None).await.unwrap();
        assert_eq!(a_admin.catalog(&search).await.unwrap().items.len(), 1);
    }

    async fn a_hundred_concurrent_requests_for_one_slot_reserve_it_once(app) {
        let network = network(&app).await;
        let item = concentrator(&network, true).await;
        let a_admin = Arc::new(network.a_admin.clone());
        let clinic_a = network.clinic_a;
        let slot = window(Utc::now() + Duration::days(2), 12);
        let mut tasks = Vec::new();
        for index in 0..100 {
            let client = a_admin.clone();
            tasks.push(tokio::spawn(async move {
                let request = loan(item, slot, Tier::Urgent, "Chinchilla with heat stroke");
                client.request_loan(clinic_a, &request, Some(&format!("race-{index}"))).await
            }));
        }
        let mut reserved = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(loan) => {
                    assert_eq!(loan.status, ReservationStatus::Reserved);
                    reserved += 1;
                }
                Err(error) => assert_eq!(status_of(&error), 409, "{error:?}"),
            }
        }
        assert_eq!(reserved, 1);
        let listed = network.a_admin.loans(clinic_a, &LoanQuery { role: None, state: Some("all".into()) }).await.unwrap();
        assert_eq!(listed.items.iter().filter(|loan| loan.status.is_blocking()).count(), 1);
        let blocking = app
            .store
            .read(|connection| warren_store::lending::count_blocking(connection, &item.to_string()))
            .unwrap();
        assert_eq!(blocking, 1);

        // Beneath the handlers, PostgreSQL itself refuses a second blocking
        // reservation of the same time (SQLite relies on the serialized check).
        if app.backend == Backend::Postgres {
            let holder = listed.items.iter().find(|loan| loan.status.is_blocking()).unwrap();
            let refused = app.store.write(|connection| {
                let mut twin = warren_store::lending::reservation_row(connection, &holder.id.to_string())?;
                twin.id = Uuid::now_v7().to_string();
                warren_store::lending::insert_reservation(connection, &twin)
            });
            assert!(matches!(refused, Err(warren_store::StoreError::Overlap(_))), "{refused:?}");
        }
    }
}

warren_tests::on_both_databases! {
    async fn a_loan_request_alert_gives_its_times_in_the_owners_timezone(app) {
        let network = network(&app).await;
        let item = concentrator(&network, false).await;
        // The library's admin reads times in New York.
        let current = network.library_admin.my_alert_preferences().await.unwrap();
        let mut preferences = current.value.preferences.clone();
        preferences.timezone = Timezone::parse("America/New_York").unwrap();
        network.library_admin.save_my_alert_preferences(&preferences, &current.etag).await.unwrap();
        let starts = DateTime::from_timestamp((Utc::now() + Duration::days(2)).timestamp() / 3600 * 3600, 0).unwrap();
        network
            .a_admin
            .request_loan(network.clinic_a, &loan(item, window(starts, 24), Tier::Standard, "A rabbit on oxygen after surgery"), None)
            .await
            .unwrap();
        let alerts = network
            .library_admin
            .my_alerts(&warren_wire::AlertQuery { kind: Some(warren_domain::alerts::AlertKind::LoanUpdate), ..Default::default() })
            .await
            .unwrap()
            .items;
        let alert = alerts.iter().find(|alert| alert.title.contains("asks to borrow")).expect("the owner is asked");
        let new_york = Timezone::parse("America/New_York").unwrap().tz();
        let local = |at: DateTime<Utc>| at.with_timezone(&new_york).format("%-d %b %H:%M %Z").to_string();
        let expected = format!("from {} to {}", local(starts), local(starts + Duration::hours(24)));
        assert!(alert.body.contains(&expected), "{expected:?} in {:?}", alert.body);
        assert!(!alert.body.contains("[[time"), "{:?}", alert.body);
    }
}

//! Referrals through the API on both databases: the closed loop from
//! sending to outcome, who may do what, withdrawal on acceptance, answer
//! times and escalation (also with two replicas), the live stream, and bad
//! input.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{Timelike, Utc};
use diesel::RunQueryDsl;
use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;
use warren_client::{Client, ClientError};
use warren_domain::directory::hours::{CountryCode, OpeningHoursText, Timezone};
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::directory::{Cover, Latitude, Longitude};
use warren_domain::referral::{
    AnswerTimes, BusinessStatus, OutcomeKind, Patient, ReferralStatus, RejectReason, Sex,
    TransportStatus,
};
use warren_domain::triage::{Answer, Tier};
use warren_domain::{AddressLine, ClinicalNote, Phone, ShortText};
use warren_tests::*;
use warren_wire::{
    ContactErasureRequest, ContactRetentionRequest, CreateAssessmentRequest, CreateReferralRequest,
    RecordOutcomeRequest, Referral, ReferralEvent, ReferralQuery, SiteInput, TransitionRequest,
    TransportRequest,
};

const BRISTOL: (f64, f64) = (51.4545, -2.5879);

pub(crate) fn code(text: &str) -> TermCode {
    TermCode::parse(text).unwrap()
}

pub(crate) fn note(text: &str) -> ClinicalNote {
    ClinicalNote::parse(text).unwrap()
}

pub(crate) fn site(name: &str, km_north: f64, hours: &str, capabilities: &[&str]) -> SiteInput {
    SiteInput {
        name: OrgName::parse(name).unwrap(),
        address: AddressLine::parse("1 Harbour Walk").unwrap(),
        town: AddressLine::parse("Bristol").unwrap(),
        postcode: AddressLine::parse("BS1 5TY").unwrap(),
        country: CountryCode::parse("GB").unwrap(),
        latitude: Latitude::parse(BRISTOL.0 + km_north / 111.2).unwrap(),
        longitude: Longitude::parse(BRISTOL.1).unwrap(),
        timezone: Timezone::parse("Europe/London").unwrap(),
        public_phone: Some(Phone::parse("0117 496 0100").unwrap()),
        private_phone: None,
        public_email: None,
        referral_contact: None,
        opening_hours: Some(OpeningHoursText::parse(hours).unwrap()),
        after_hours_cover: None,
        capabilities: capabilities.iter().map(|c| code(c)).collect(),
        species: vec![code("small_mammal"), code("wildlife")],
        limitations: Default::default(),
    }
}

/// One hour a day, starting seven to eight hours from now in London:
/// closed now, whatever the time, for as long as a test runs.
fn closed_now() -> String {
    let start = (Utc::now().hour() + 8) % 24;
    format!("Mo-Su {start:02}:00-{:02}:00", start + 1)
}

pub(crate) fn rat_request(receivers: Vec<Uuid>) -> CreateReferralRequest {
    CreateReferralRequest {
        receivers,
        from_site_id: None,
        species: code("small_mammal/rat"),
        patient: Patient {
            name: Some(ShortText::parse("Pip").unwrap()),
            sex: Some(Sex::Female),
            age: Some(ShortText::parse("2 years").unwrap()),
            weight_grams: Some(serde_json::from_value(json!(350)).unwrap()),
            identifiers: vec![],
        },
        contact: Some(
            serde_json::from_value(json!({"name": "Sam Owner", "phone": "07700 900123"})).unwrap(),
        ),
        reason: note("Laboured breathing since this morning"),
        history: Some(note("Mycoplasma flare last spring")),
        medications: None,
        allergies: None,
        assessment_id: None,
        priority: Some(Tier::VeryUrgent),
        capabilities: vec![],
        transport_needed: false,
        draft: false,
        patient_record_id: None,
    }
}

/// Two vetted clinics with a site each, and a coordinator.
pub(crate) struct Network {
    pub(crate) coordinator: Client,
    pub(crate) referrer: Uuid,
    pub(crate) referrer_admin: Client,
    pub(crate) receiver: Uuid,
    pub(crate) receiver_admin: Client,
    pub(crate) receiver_site: Uuid,
}

pub(crate) async fn network(app: &TestApp) -> Network {
    let coordinator = app.network_admin().await;
    let (referrer, referrer_admin) = app
        .vetted(&coordinator, "Harbour Vets", "a@harbour.test")
        .await;
    referrer_admin
        .create_site(
            referrer,
            &site("Harbour Vets Surgery", 0.0, "24/7", &[]),
            None,
        )
        .await
        .unwrap();
    let (receiver, receiver_admin) = app
        .vetted(&coordinator, "Avon Exotics", "b@avon.test")
        .await;
    let receiver_site = receiver_admin
        .create_site(
            receiver,
            &site("Avon Exotics Hospital", 4.0, "24/7", &["oxygen_cage"]),
            None,
        )
        .await
        .unwrap()
        .value
        .listing
        .id;
    Network {
        coordinator,
        referrer,
        referrer_admin,
        receiver,
        receiver_admin,
        receiver_site,
    }
}

async fn move_to(
    client: &Client,
    referral: &Referral,
    status: ReferralStatus,
) -> Result<Referral, ClientError> {
    let request = TransitionRequest {
        status,
        reason: None,
        note: None,
    };
    client
        .transition_referral(referral.id, &request, &format!("\"{}\"", referral.version))
        .await
        .map(|versioned| versioned.value)
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

/// Waits up to five seconds for `check` to hold.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen within five seconds");
}

/// Moves every waiting referral's answer time into the past: what the clock
/// would do after the tier's answer time.
fn answer_time_passes(app: &TestApp) {
    app.store
        .write(|connection| {
            diesel::sql_query(
                "UPDATE referrals SET answer_due_at = created_at WHERE answer_due_at IS NOT NULL",
            )
            .execute(connection)
            .map_err(warren_store::StoreError::from)
        })
        .unwrap();
}

/// Opens the live stream for `client` and collects its events.
async fn listen(
    app_url: &str,
    client: &Client,
) -> tokio::sync::mpsc::UnboundedReceiver<ReferralEvent> {
    let ticket = client.stream_ticket().await.expect("a ticket").ticket;
    let url = format!("{app_url}/api/v1/referral-events?ticket={ticket}");
    let mut response = reqwest::get(&url).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut buffer = String::new();
        while let Ok(Some(chunk)) = response.chunk().await {
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let frame: String = buffer.drain(..end + 2).collect();
                if let Some(data) = frame.lines().find_map(|line| line.strip_prefix("data: "))
                    && let Ok(event) = serde_json::from_str::<ReferralEvent>(data)
                    && sender.send(event).is_err()
                {
                    return;
                }
            }
        }
    });
    receiver
}

warren_tests::on_both_databases! {
    async fn a_clinic_refers_a_rat_and_the_receiver_closes_the_loop_with_an_outcome(app) {
        let Network { coordinator, referrer, referrer_admin, receiver, receiver_admin, receiver_site } = network(&app).await;
        let (outsider, outsider_admin) = app.vetted(&coordinator, "Elsewhere Rescue", "c@elsewhere.test").await;
        let driver = app.member(&receiver_admin, receiver, "driver@avon.test", Role::Volunteer).await;
        let driver_id = driver.me().await.unwrap().value.user.unwrap().id;

        // A triages the rat and refers it in one step from the assessment.
        let assessment = referrer_admin
            .create_assessment(referrer, &CreateAssessmentRequest {
                species: code("small_mammal/rat"),
                patient: Some("Pip".into()),
                answers: BTreeMap::from([("respiratory_distress".to_owned(), Answer::Yes)]),
                site_id: None,
                protocol_version: None,
            }, None)
            .await
            .unwrap();
        let request = CreateReferralRequest { assessment_id: Some(assessment.id), priority: None, ..rat_request(vec![receiver_site]) };
        let key = Uuid::new_v4().to_string();
        let created = referrer_admin.create_referral(referrer, &request, Some(&key)).await.expect("refer");
        let again = referrer_admin.create_referral(referrer, &request, Some(&key)).await.expect("a retry");
        assert_eq!(again.case_id, created.case_id, "a retried create makes nothing new");
        let sent = &created.items[0];
        assert_eq!(sent.status, ReferralStatus::Requested);
        assert_eq!(sent.priority, Tier::Immediate, "the assessment's tier carries over");
        assert_eq!(sent.triage.as_ref().unwrap().fired.as_deref(), Some("respiratory_distress"));
        assert!(sent.capabilities.iter().any(|c| c == "oxygen_cage"), "{:?}", sent.capabilities);
        assert_eq!(sent.receiver.site_name.as_deref(), Some("Avon Exotics Hospital"));
        assert_eq!(sent.receiver.phone.as_deref(), Some("0117 496 0100"));
        let due = sent.answer_due_at.expect("the clock runs");
        assert_eq!((due - sent.sent_at.unwrap()).num_minutes(), 10, "tier 1 has ten minutes by default");

        // The receiver sees it on its incoming board; the referrer on its outgoing board.
        let incoming = receiver_admin.referrals(receiver, &ReferralQuery { direction: Some("incoming".into()), ..Default::default() }).await.unwrap();
        assert_eq!(incoming.items.len(), 1);
        assert_eq!(incoming.items[0].side, "receiver");
        assert_eq!(incoming.items[0].next_statuses, [ReferralStatus::Received, ReferralStatus::Accepted, ReferralStatus::Rejected]);
        assert_eq!(incoming.items[0].contact.as_ref().unwrap().name.as_str(), "Sam Owner", "the two organizations see the contact");
        let outgoing = referrer_admin.referrals(referrer, &ReferralQuery { direction: Some("outgoing".into()), ..Default::default() }).await.unwrap();
        assert_eq!(outgoing.items[0].id, sent.id);
        // Nobody else knows it exists.
        assert_eq!(outsider_admin.referral(sent.id).await.unwrap_err().status(), Some(404));
        assert!(outsider_admin.referrals(outsider, &ReferralQuery::default()).await.unwrap().items.is_empty());
        assert_eq!(outsider_admin.referral_timeline(sent.id).await.unwrap_err().status(), Some(404));

        // Only the receiver accepts; a volunteer does not decide; versions guard the race.
        let current = receiver_admin.referral(sent.id).await.unwrap().value;
        assert_eq!(move_to(&referrer_admin, &current, ReferralStatus::Accepted).await.unwrap_err().status(), Some(403));
        assert_eq!(move_to(&driver, &current, ReferralStatus::Accepted).await.unwrap_err().status(), Some(403));
        let accepted = move_to(&receiver_admin, &current, ReferralStatus::Accepted).await.expect("accept");
        assert_eq!(accepted.status, ReferralStatus::Accepted);
        assert!(accepted.assignee.is_some(), "the person who accepts is the assigned contact");
        assert!(accepted.answer_due_at.is_none(), "the clock stops once answered");
        let stale = move_to(&receiver_admin, &current, ReferralStatus::InProgress).await.unwrap_err();
        assert_eq!(stale.status(), Some(412));
        let illegal = move_to(&receiver_admin, &accepted, ReferralStatus::Received).await.unwrap_err();
        assert_eq!(illegal.status(), Some(409));
        assert_eq!(illegal.code(), Some("illegal_transition"));
        assert!(illegal.message().contains("accepted") && illegal.message().contains("received"), "{}", illegal.message());

        // The receiver arranges a volunteer transport.
        let etag = format!("\"{}\"", accepted.version);
        let leg = TransportRequest {
            pickup: ShortText::parse("Harbour Vets Surgery").unwrap(),
            dropoff: ShortText::parse("Avon Exotics Hospital").unwrap(),
            window_starts: Some(Utc::now()),
            window_ends: Some(Utc::now() + chrono::Duration::hours(1)),
            notes: Some(note("Keep the carrier warm and covered")),
            driver_user_id: None,
            status: Some(TransportStatus::Scheduled),
            share_with_network: None,
            needed_by: None,
        };
        let confirmed = receiver_admin.arrange_transport(sent.id, &TransportRequest { status: Some(TransportStatus::Confirmed), ..leg.clone() }, &etag).await.unwrap().value;
        assert_eq!(confirmed.business_status, Some(BusinessStatus::TransportToBeArranged));
        let etag = format!("\"{}\"", confirmed.version);
        let no_driver = receiver_admin.arrange_transport(sent.id, &leg, &etag).await.unwrap_err();
        assert_eq!(field_of(&no_driver), "driver_user_id");
        let stranger = TransportRequest { driver_user_id: Some(Uuid::new_v4()), ..leg.clone() };
        let refused = receiver_admin.arrange_transport(sent.id, &stranger, &etag).await.unwrap_err();
        assert_eq!(field_of(&refused), "driver_user_id");
        let backwards = TransportRequest { status: Some(TransportStatus::New), ..leg.clone() };
        assert_eq!(receiver_admin.arrange_transport(sent.id, &backwards, &etag).await.unwrap_err().status(), Some(409));
        let scheduled = receiver_admin
            .arrange_transport(sent.id, &TransportRequest { driver_user_id: Some(driver_id), ..leg.clone() }, &etag)
            .await
            .expect("schedule")
            .value;
        assert_eq!(scheduled.transport.as_ref().unwrap().driver.as_ref().unwrap().user_id, driver_id);
        assert_eq!(scheduled.business_status, Some(BusinessStatus::ToBePickedUp));

        // Seen by a vet, then the outcome closes the loop.
        let seen = move_to(&receiver_admin, &scheduled, ReferralStatus::InProgress).await.unwrap();
        assert!(seen.first_vet_at.is_some());
        let completing = move_to(&receiver_admin, &seen, ReferralStatus::Completed).await.unwrap_err();
        assert_eq!(completing.code(), Some("outcome_required"));
        let outcome = RecordOutcomeRequest {
            kind: OutcomeKind::TreatedAndReturned,
            note: Some(note("Oxygen and doxycycline; home tomorrow")),
            follow_up_due: Some(Utc::now().date_naive() + chrono::Duration::days(7)),
        };
        assert_eq!(referrer_admin.record_referral_outcome(sent.id, &outcome, &format!("\"{}\"", seen.version)).await.unwrap_err().status(), Some(403));
        // The receiver's own volunteer, with the current version, cannot either.
        assert_eq!(driver.record_referral_outcome(sent.id, &outcome, &format!("\"{}\"", seen.version)).await.unwrap_err().status(), Some(403));
        let done = receiver_admin.record_referral_outcome(sent.id, &outcome, &format!("\"{}\"", seen.version)).await.unwrap().value;
        assert_eq!(done.status, ReferralStatus::Completed);
        assert!(done.closed_at.is_some());
        let seen_by_referrer = referrer_admin.referral(sent.id).await.unwrap().value;
        assert_eq!(seen_by_referrer.outcome.as_ref().unwrap().outcome.kind, OutcomeKind::TreatedAndReturned);
        assert!(referrer_admin.referrals(referrer, &ReferralQuery::default()).await.unwrap().items.is_empty(), "closed, off the open board");
        let closed = referrer_admin.referrals(referrer, &ReferralQuery { state: Some("closed".into()), ..Default::default() }).await.unwrap();
        assert_eq!(closed.items.len(), 1);

        // The case thread and the timeline.
        referrer_admin.post_referral_message(sent.id, &warren_wire::PostMessageRequest { body: note("Thank you!") }).await.unwrap();
        driver.post_referral_message(sent.id, &warren_wire::PostMessageRequest { body: note("Dropped off at 14:10") }).await.unwrap();
        assert_eq!(outsider_admin.post_referral_message(sent.id, &warren_wire::PostMessageRequest { body: note("Hello?") }).await.unwrap_err().status(), Some(404));
        let thread = receiver_admin.referral_messages(sent.id).await.unwrap();
        let authors: Vec<&str> = thread.items.iter().map(|m| m.organization_name.as_str()).collect();
        assert_eq!(authors, ["Harbour Vets", "Avon Exotics"]);
        let timeline = referrer_admin.referral_timeline(sent.id).await.unwrap();
        let kinds: Vec<&str> = timeline.items.iter().map(|e| e.kind.as_str()).collect();
        // A tier 2 referral alerts the receiving site's on-call person, and
        // accepting it acknowledges that alert: both on the timeline.
        assert_eq!(kinds, ["created", "alerted", "status", "acknowledged", "transport", "transport", "status", "outcome"]);
        assert_eq!(timeline.items[2].to.as_deref(), Some("accepted"));
        assert!(!timeline.items[2].actor.is_empty());

        // The figures behind the dashboard.
        let mine = warren_wire::ReferralMetricsQuery { organization_id: Some(receiver), ..Default::default() };
        let figures = receiver_admin.referral_metrics(&mine).await.unwrap();
        assert_eq!(figures.summary.by_tier[0].tier, Tier::Immediate);
        assert_eq!((figures.summary.total.referrals, figures.summary.total.accepted), (1, 1));
        assert_eq!(figures.summary.total.acceptance_rate, Some(1.0));
        assert!(figures.summary.total.median_minutes_to_first_vet.is_some());
        assert_eq!(figures.site_names.get(&receiver_site).map(String::as_str), Some("Avon Exotics Hospital"));
        assert_eq!(outsider_admin.referral_metrics(&mine).await.unwrap_err().status(), Some(404));
        assert_eq!(driver.referral_metrics(&mine).await.unwrap_err().status(), Some(403));
        assert_eq!(referrer_admin.referral_metrics(&Default::default()).await.unwrap_err().status(), Some(403));
        let network = coordinator.referral_metrics(&Default::default()).await.unwrap();
        assert_eq!(network.summary.total.referrals, 1);
    }

    async fn the_first_acceptance_withdraws_the_other_requests(app) {
        let Network { coordinator, referrer, referrer_admin, receiver_site, receiver_admin, .. } = network(&app).await;
        let (other, other_admin) = app.vetted(&coordinator, "Clifton Rabbit Rescue", "d@clifton.test").await;
        let other_site = other_admin.create_site(other, &site("Clifton Ward", 2.0, "24/7", &[]), None).await.unwrap().value.listing.id;
        let created = referrer_admin.create_referral(referrer, &rat_request(vec![receiver_site, other_site]), None).await.unwrap();
        assert_eq!(created.items.len(), 2);
        let to_other = created.items.iter().find(|r| r.receiver.site_id == Some(other_site)).unwrap();
        let accepted = move_to(&other_admin, &other_admin.referral(to_other.id).await.unwrap().value, ReferralStatus::Accepted).await.unwrap();
        assert_eq!(accepted.status, ReferralStatus::Accepted);
        let withdrawn = created.items.iter().find(|r| r.receiver.site_id == Some(receiver_site)).unwrap();
        let withdrawn = receiver_admin.referral(withdrawn.id).await.unwrap().value;
        assert_eq!(withdrawn.status, ReferralStatus::Cancelled);
        let timeline = receiver_admin.referral_timeline(withdrawn.id).await.unwrap();
        let last = timeline.items.last().unwrap();
        assert_eq!(last.actor, "Warren");
        assert!(last.note.as_deref().unwrap().contains("another site accepted"));
        // The same site twice in one request is refused, naming the entry.
        let twice = referrer_admin.create_referral(referrer, &rat_request(vec![receiver_site, receiver_site]), None).await.unwrap_err();
        assert_eq!(field_of(&twice), "receivers[1]");
    }

    async fn rejecting_needs_a_reason_and_the_referrer_may_cancel(app) {
        let Network { referrer, referrer_admin, receiver_site, receiver_admin, .. } = network(&app).await;
        let first = referrer_admin.create_referral(referrer, &rat_request(vec![receiver_site]), None).await.unwrap().items.remove(0);
        let first = receiver_admin.referral(first.id).await.unwrap().value;
        let etag = format!("\"{}\"", first.version);
        let without = receiver_admin.transition_referral(first.id, &TransitionRequest { status: ReferralStatus::Rejected, reason: None, note: None }, &etag).await.unwrap_err();
        assert_eq!(field_of(&without), "reason");
        let other = receiver_admin.transition_referral(first.id, &TransitionRequest { status: ReferralStatus::Rejected, reason: Some(RejectReason::Other), note: None }, &etag).await.unwrap_err();
        assert_eq!(field_of(&other), "note");
        let rejected = receiver_admin
            .transition_referral(first.id, &TransitionRequest { status: ReferralStatus::Rejected, reason: Some(RejectReason::NoCapacity), note: Some(note("Both oxygen cages in use")) }, &etag)
            .await
            .unwrap()
            .value;
        assert_eq!(rejected.rejection.as_ref().unwrap().reason, RejectReason::NoCapacity);
        let seen = referrer_admin.referral(first.id).await.unwrap().value;
        assert_eq!(seen.rejection.unwrap().note.as_deref(), Some("Both oxygen cages in use"));

        let second = referrer_admin.create_referral(referrer, &rat_request(vec![receiver_site]), None).await.unwrap().items.remove(0);
        assert_eq!(move_to(&receiver_admin, &second, ReferralStatus::Cancelled).await.unwrap_err().status(), Some(403));
        let cancelled = move_to(&referrer_admin, &second, ReferralStatus::Cancelled).await.unwrap();
        assert_eq!(cancelled.status, ReferralStatus::Cancelled);

        // A draft waits for its sender and is invisible to the receiver until sent.
        let draft = referrer_admin.create_referral(referrer, &CreateReferralRequest { draft: true, ..rat_request(vec![receiver_site]) }, None).await.unwrap().items.remove(0);
        assert_eq!(draft.status, ReferralStatus::Draft);
        assert!(draft.answer_due_at.is_none());
        assert!(receiver_admin.referrals(draft.receiver.organization_id, &ReferralQuery::default()).await.unwrap().items.is_empty());
        let sent = move_to(&referrer_admin, &draft, ReferralStatus::Requested).await.unwrap();
        assert!(sent.answer_due_at.is_some());
        assert_eq!(receiver_admin.referrals(draft.receiver.organization_id, &ReferralQuery::default()).await.unwrap().items.len(), 1);
    }

    async fn an_unanswered_referral_to_a_closed_clinic_escalates_once_to_its_after_hours_cover(app) {
        let coordinator = app.network_admin().await;
        let (referrer, referrer_admin) = app.vetted(&coordinator, "Harbour Vets", "a@harbour.test").await;
        referrer_admin.create_site(referrer, &site("Harbour Vets Surgery", 0.0, "24/7", &[]), None).await.unwrap();
        let (cover_org, cover_admin) = app.vetted(&coordinator, "Night Vets", "n@night.test").await;
        let cover_site = cover_admin.create_site(cover_org, &site("Night Vets Emergency", 9.0, "24/7", &[]), None).await.unwrap().value.listing.id;
        let (closed_org, closed_admin) = app.vetted(&coordinator, "Day Clinic", "d@day.test").await;
        let closed_site = closed_admin
            .create_site(closed_org, &SiteInput { after_hours_cover: Some(Cover::Site { site_id: cover_site }), ..site("Day Clinic", 1.0, &closed_now(), &[]) }, None)
            .await
            .unwrap()
            .value
            .listing
            .id;
        let (_, replica) = app.replica().await;
        let _ = replica;
        let sent = referrer_admin.create_referral(referrer, &rat_request(vec![closed_site]), None).await.unwrap().items.remove(0);
        answer_time_passes(&app);
        eventually("the escalation to the cover", || async {
            referrer_admin.referrals(referrer, &ReferralQuery::default()).await.unwrap().items.len() == 2
        })
        .await;
        // Both servers ran the job: still exactly one escalation.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let board = referrer_admin.referrals(referrer, &ReferralQuery::default()).await.unwrap();
        assert_eq!(board.items.len(), 2, "escalated once");
        let escalated = board.items.iter().find(|r| r.id != sent.id).unwrap();
        assert_eq!(escalated.receiver.site_id, Some(cover_site));
        assert_eq!(escalated.escalated_from, Some(sent.id));
        assert_eq!(escalated.case_id, sent.case_id);
        assert_eq!(escalated.created_by, "Warren");
        assert!(escalated.answer_due_at.unwrap() > Utc::now());
        let timeline = referrer_admin.referral_timeline(sent.id).await.unwrap();
        let entry = timeline.items.iter().find(|e| e.kind == "escalated").expect("recorded on the original");
        assert!(entry.note.as_deref().unwrap().contains("Night Vets Emergency (its after-hours cover)"), "{entry:?}");
        // The cover sees it and can accept; the closed clinic's request is withdrawn.
        let at_cover = cover_admin.referrals(cover_org, &ReferralQuery::default()).await.unwrap();
        assert_eq!(at_cover.items.len(), 1);
        move_to(&cover_admin, &at_cover.items[0], ReferralStatus::Accepted).await.unwrap();
        assert_eq!(closed_admin.referral(sent.id).await.unwrap().value.status, ReferralStatus::Cancelled);
    }

    async fn an_unanswered_referral_goes_to_the_nearest_suitable_site_not_yet_asked(app) {
        let Network { coordinator, referrer, referrer_admin, receiver_site, .. } = network(&app).await;
        let (plain, plain_admin) = app.vetted(&coordinator, "Plain Vets", "p@plain.test").await;
        plain_admin.create_site(plain, &site("No Oxygen Here", 2.0, "24/7", &[]), None).await.unwrap();
        let (oxygen, oxygen_admin) = app.vetted(&coordinator, "Oxygen Vets", "o@oxygen.test").await;
        let oxygen_site = oxygen_admin.create_site(oxygen, &site("Oxygen Vets Hospital", 6.0, "24/7", &["oxygen_cage"]), None).await.unwrap().value.listing.id;
        let request = CreateReferralRequest { capabilities: vec![code("oxygen_cage")], ..rat_request(vec![receiver_site]) };
        let sent = referrer_admin.create_referral(referrer, &request, None).await.unwrap().items.remove(0);
        answer_time_passes(&app);
        eventually("the escalation to the next site", || async {
            referrer_admin.referrals(referrer, &ReferralQuery::default()).await.unwrap().items.len() == 2
        })
        .await;
        let board = referrer_admin.referrals(referrer, &ReferralQuery::default()).await.unwrap();
        let escalated = board.items.iter().find(|r| r.id != sent.id).unwrap();
        assert_eq!(escalated.receiver.site_id, Some(oxygen_site), "the site with oxygen, not the nearer one without");
        assert_eq!(escalated.capabilities, ["oxygen_cage"]);
        // Nobody else has oxygen: the next round says so and asks for nothing new.
        answer_time_passes(&app);
        eventually("the referrer is told to call around", || async {
            referrer_admin.referral_timeline(escalated.id).await.unwrap().items.iter().any(|e| e.kind == "escalated")
        })
        .await;
        let timeline = referrer_admin.referral_timeline(escalated.id).await.unwrap();
        assert!(timeline.items.last().unwrap().note.as_deref().unwrap().contains("no other suitable site"));
        assert_eq!(referrer_admin.referrals(referrer, &ReferralQuery::default()).await.unwrap().items.len(), 2);
    }

    async fn escalation_stays_within_the_networks_radius_and_says_so(app) {
        let Network { coordinator, referrer, referrer_admin, receiver_site, .. } = network(&app).await;
        let (far, far_admin) = app.vetted(&coordinator, "Far Oxygen Vets", "o@far.test").await;
        let far_site = far_admin.create_site(far, &site("Far Oxygen Hospital", 120.0, "24/7", &["oxygen_cage"]), None).await.unwrap().value.listing.id;
        assert_eq!(referrer_admin.answer_times().await.unwrap().answer_times.escalation_radius_km, 80);
        let request = CreateReferralRequest { capabilities: vec![code("oxygen_cage")], ..rat_request(vec![receiver_site]) };
        let sent = referrer_admin.create_referral(referrer, &request, None).await.unwrap().items.remove(0);
        answer_time_passes(&app);
        eventually("the referrer is told nothing is within reach", || async {
            referrer_admin.referral_timeline(sent.id).await.unwrap().items.iter().any(|e| e.kind == "escalated")
        })
        .await;
        let timeline = referrer_admin.referral_timeline(sent.id).await.unwrap();
        let note = timeline.items.iter().rev().find(|e| e.kind == "escalated").unwrap().note.clone().unwrap();
        assert!(note.contains("within 80 km"), "{note}");
        assert_eq!(referrer_admin.referrals(referrer, &ReferralQuery::default()).await.unwrap().items.len(), 1, "120 km away is not asked");

        // The network widens its reach: the next unanswered case reaches the far hospital.
        let out_of_range = AnswerTimes { escalation_radius_km: 2, ..AnswerTimes::default() };
        assert_eq!(field_of(&coordinator.set_answer_times(&out_of_range).await.unwrap_err()), "escalation_radius_km");
        coordinator.set_answer_times(&AnswerTimes { escalation_radius_km: 150, ..AnswerTimes::default() }).await.unwrap();
        referrer_admin.create_referral(referrer, &request, None).await.unwrap();
        answer_time_passes(&app);
        eventually("the escalation to the far site", || async {
            referrer_admin.referrals(referrer, &ReferralQuery::default()).await.unwrap().items.len() == 3
        })
        .await;
        let board = referrer_admin.referrals(referrer, &ReferralQuery::default()).await.unwrap();
        assert!(board.items.iter().any(|r| r.receiver.site_id == Some(far_site)));
    }

    async fn a_site_warren_escalates_to_sees_the_owners_contact_only_once_it_accepts(app) {
        let Network { coordinator, referrer, referrer_admin, receiver_site, .. } = network(&app).await;
        let (near, near_admin) = app.vetted(&coordinator, "Near Vets", "n@near.test").await;
        near_admin.create_site(near, &site("Near Vets Hospital", 3.0, "24/7", &[]), None).await.unwrap();
        let sent = referrer_admin.create_referral(referrer, &rat_request(vec![receiver_site]), None).await.unwrap().items.remove(0);
        answer_time_passes(&app);
        eventually("the escalation to the next site", || async {
            !near_admin.referrals(near, &ReferralQuery::default()).await.unwrap().items.is_empty()
        })
        .await;
        let asked = near_admin.referrals(near, &ReferralQuery::default()).await.unwrap().items.remove(0);
        assert_eq!(asked.escalated_from, Some(sent.id));
        let read = near_admin.referral(asked.id).await.unwrap().value;
        assert!(read.contact.is_none(), "the referrer never chose this site: {read:?}");
        let accepted = move_to(&near_admin, &read, ReferralStatus::Accepted).await.unwrap();
        assert_eq!(accepted.contact.as_ref().map(|c| c.name.as_str()), Some("Sam Owner"), "it must act now");
    }

    async fn a_network_admin_erases_an_owners_contact_on_request(app) {
        let Network { coordinator, referrer, referrer_admin, receiver_site, receiver_admin, .. } = network(&app).await;
        let sent = referrer_admin.create_referral(referrer, &rat_request(vec![receiver_site]), None).await.unwrap().items.remove(0);
        let request = ContactErasureRequest { reason: ShortText::parse("The owner asked us to forget their number").unwrap() };
        assert_eq!(referrer_admin.erase_referral_contact(sent.id, &request).await.unwrap_err().status(), Some(403));
        assert_eq!(coordinator.erase_referral_contact(Uuid::new_v4(), &request).await.unwrap_err().status(), Some(404));
        let erased = coordinator.erase_referral_contact(sent.id, &request).await.unwrap();
        assert_eq!((erased.case_id, erased.referrals), (sent.case_id, 1));
        for side in [&referrer_admin, &receiver_admin] {
            let read = side.referral(sent.id).await.unwrap().value;
            assert!(read.contact.is_none());
            assert!(read.contact_erased_at.is_some());
            let raw = side.request(Method::GET, &format!("/api/v1/referrals/{}", sent.id)).send().await.unwrap().text().await.unwrap();
            assert!(!raw.contains("07700"), "{raw}");
        }
        let logged = coordinator.request(Method::GET, "/api/v1/audit-log").send().await.unwrap().text().await.unwrap();
        assert!(logged.contains("referral.contact_erased") && logged.contains("forget their number"), "{logged}");
    }

    async fn a_closed_case_keeps_the_contact_only_as_long_as_the_network_says(app) {
        let Network { coordinator, referrer, referrer_admin, receiver_site, .. } = network(&app).await;
        assert_eq!(referrer_admin.contact_retention().await.unwrap().days, 90);
        assert_eq!(referrer_admin.set_contact_retention(&ContactRetentionRequest { days: 7 }).await.unwrap_err().status(), Some(403));
        assert_eq!(field_of(&coordinator.set_contact_retention(&ContactRetentionRequest { days: 0 }).await.unwrap_err()), "days");
        coordinator.set_contact_retention(&ContactRetentionRequest { days: 30 }).await.unwrap();
        let closed = referrer_admin.create_referral(referrer, &rat_request(vec![receiver_site]), None).await.unwrap().items.remove(0);
        let open = referrer_admin.create_referral(referrer, &rat_request(vec![receiver_site]), None).await.unwrap().items.remove(0);
        move_to(&referrer_admin, &closed, ReferralStatus::Cancelled).await.unwrap();
        // Closed 31 days ago, as far as the database knows.
        let id = closed.id.to_string();
        let long_ago = (Utc::now() - chrono::Duration::days(31)).naive_utc();
        app.store
            .write(|connection| {
                use diesel::{ExpressionMethods, QueryDsl};
                use warren_store::schema::referrals::dsl;
                diesel::update(dsl::referrals.filter(dsl::id.eq(&id)))
                    .set(dsl::closed_at.eq(Some(long_ago)))
                    .execute(connection)
                    .map_err(warren_store::StoreError::from)
            })
            .unwrap();
        eventually("the closed case's contact is erased", || async {
            referrer_admin.referral(closed.id).await.unwrap().value.contact_erased_at.is_some()
        })
        .await;
        assert!(referrer_admin.referral(closed.id).await.unwrap().value.contact.is_none());
        let still = referrer_admin.referral(open.id).await.unwrap().value;
        assert!(still.contact.is_some() && still.contact_erased_at.is_none(), "an open case keeps it");
    }

    async fn answer_times_are_set_by_the_network(app) {
        let Network { coordinator, referrer, referrer_admin, receiver_site, .. } = network(&app).await;
        assert_eq!(referrer_admin.answer_times().await.unwrap().answer_times, AnswerTimes::default());
        let faster = AnswerTimes { immediate: 3, very_urgent: 5, ..AnswerTimes::default() };
        assert_eq!(referrer_admin.set_answer_times(&faster).await.unwrap_err().status(), Some(403));
        let backwards = AnswerTimes { immediate: 20, ..AnswerTimes::default() };
        assert_eq!(field_of(&coordinator.set_answer_times(&backwards).await.unwrap_err()), "very_urgent");
        coordinator.set_answer_times(&faster).await.unwrap();
        let sent = referrer_admin.create_referral(referrer, &rat_request(vec![receiver_site]), None).await.unwrap().items.remove(0);
        assert_eq!((sent.answer_due_at.unwrap() - sent.sent_at.unwrap()).num_minutes(), 5);
    }

    async fn the_live_stream_tells_the_two_organizations_and_no_one_else(app) {
        let Network { coordinator, referrer, referrer_admin, receiver_site, receiver_admin, .. } = network(&app).await;
        let (outsider, outsider_admin) = app.vetted(&coordinator, "Elsewhere Rescue", "c@elsewhere.test").await;
        let outsider_site = outsider_admin.create_site(outsider, &site("Elsewhere Ward", 30.0, "24/7", &[]), None).await.unwrap().value.listing.id;
        let mut at_receiver = listen(&app.url, &receiver_admin).await;
        let mut at_outsider = listen(&app.url, &outsider_admin).await;
        // A second replica: on PostgreSQL its events reach the first one's streams.
        let (replica, _handle) = app.replica().await;
        let on_replica = replica.with_access_token(&app.tokens("a@harbour.test", PASSWORD).await.access_token);
        // SQLite serves one process: its events stay in it.
        let creator = if app.backend == Backend::Postgres { &on_replica } else { &referrer_admin };
        let sent = creator.create_referral(referrer, &rat_request(vec![receiver_site]), None).await.unwrap().items.remove(0);
        let event = tokio::time::timeout(Duration::from_secs(5), at_receiver.recv()).await.expect("the receiver hears it").unwrap();
        assert_eq!((event.referral_id, event.kind.as_str()), (sent.id, "referral.created"));
        // Something for the outsider, after: if it had heard the first, that would come first.
        referrer_admin.create_referral(referrer, &rat_request(vec![outsider_site]), None).await.unwrap();
        let heard = tokio::time::timeout(Duration::from_secs(5), at_outsider.recv()).await.expect("the outsider hears its own").unwrap();
        assert_ne!(heard.referral_id, sent.id, "the outsider never hears another clinic's referral");
        let refused = reqwest::get(format!("{}/api/v1/referral-events?ticket=not-a-ticket", app.url)).await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        let access_token = app.tokens("b@avon.test", PASSWORD).await.access_token;
        let token_as_ticket = reqwest::get(format!("{}/api/v1/referral-events?ticket={access_token}", app.url)).await.unwrap();
        assert_eq!(token_as_ticket.status(), StatusCode::UNAUTHORIZED, "an access token is not a ticket");
    }

    async fn a_removed_member_stops_hearing_the_organizations_referrals(app) {
        let Network { referrer, referrer_admin, receiver, receiver_admin, receiver_site, .. } = network(&app).await;
        let nurse = app.member(&receiver_admin, receiver, "nurse@avon.test", Role::Staff).await;
        let nurse_id = nurse.me().await.unwrap().value.user.unwrap().id;
        let mut open = listen(&app.url, &nurse).await;
        // A ticket taken now and used after the removal is no key either.
        let kept_ticket = nurse.stream_ticket().await.unwrap().ticket;
        let first = referrer_admin.create_referral(referrer, &rat_request(vec![receiver_site]), None).await.unwrap().items.remove(0);
        let heard = tokio::time::timeout(Duration::from_secs(5), open.recv()).await.expect("a member hears").unwrap();
        assert_eq!(heard.referral_id, first.id);

        receiver_admin.remove_member(receiver, nurse_id).await.unwrap();
        let mut late = {
            let url = format!("{}/api/v1/referral-events?ticket={kept_ticket}", app.url);
            let response = reqwest::get(&url).await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response
        };
        // Let the removal reach the open stream (on PostgreSQL, through NOTIFY).
        tokio::time::sleep(Duration::from_millis(500)).await;
        referrer_admin.create_referral(referrer, &rat_request(vec![receiver_site]), None).await.unwrap();
        let after = tokio::time::timeout(Duration::from_secs(2), open.recv()).await;
        assert!(!matches!(after, Ok(Some(_))), "a removed member's open stream went on delivering: {after:?}");
        let mut late_frames = String::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
        while let Ok(Ok(Some(chunk))) = tokio::time::timeout_at(deadline, late.chunk()).await {
            late_frames.push_str(&String::from_utf8_lossy(&chunk));
        }
        assert!(late_frames.contains(": connected"), "{late_frames}");
        assert!(!late_frames.contains("event: referral"), "{late_frames}");
    }

    async fn bad_referrals_are_refused_naming_the_field_and_change_nothing(app) {
        let Network { coordinator, referrer, referrer_admin, receiver, receiver_site, .. } = network(&app).await;
        let own_site = referrer_admin.sites(referrer).await.unwrap().items[0].listing.id;
        let volunteer = app.member(&referrer_admin, referrer, "vol@harbour.test", Role::Volunteer).await;
        let path = format!("/api/v1/organizations/{referrer}/referrals");
        let good = serde_json::to_value(rat_request(vec![receiver_site])).unwrap();
        let mut cases: Vec<(serde_json::Value, StatusCode, &str)> = vec![
            (json!({"receivers": []}), StatusCode::UNPROCESSABLE_ENTITY, "species"),
        ];
        let mut with = |key: &str, value: serde_json::Value, status: StatusCode, field: &'static str| {
            let mut body = good.clone();
            body[key] = value;
            cases.push((body, status, field));
        };
        with("receivers", json!([]), StatusCode::UNPROCESSABLE_ENTITY, "receivers");
        with("receivers", json!([own_site]), StatusCode::UNPROCESSABLE_ENTITY, "receivers[0]");
        with("receivers", json!([Uuid::new_v4()]), StatusCode::UNPROCESSABLE_ENTITY, "receivers[0]");
        with("receivers", json!(["not-a-uuid"]), StatusCode::UNPROCESSABLE_ENTITY, "receivers[0]");
        with("species", json!("reptile/gecko"), StatusCode::UNPROCESSABLE_ENTITY, "species");
        with("reason", json!("   "), StatusCode::UNPROCESSABLE_ENTITY, "reason");
        with("priority", json!(null), StatusCode::UNPROCESSABLE_ENTITY, "priority");
        with("assessment_id", json!(Uuid::new_v4()), StatusCode::UNPROCESSABLE_ENTITY, "assessment_id");
        with("patient", json!({"weight_grams": 0}), StatusCode::UNPROCESSABLE_ENTITY, "patient.weight_grams");
        with("colour", json!("grey"), StatusCode::UNPROCESSABLE_ENTITY, "");
        for (body, status, field) in cases {
            let response = referrer_admin.request(Method::POST, &path).json(&body).send().await.unwrap();
            assert_eq!(response.status(), status, "{body}");
            let problem: warren_wire::Problem = response.json().await.unwrap();
            assert!(problem.errors.first().is_some_and(|e| e.field.starts_with(field)), "{body} → {problem:?}");
        }
        let malformed = referrer_admin.request(Method::POST, &path).header("content-type", "application/json").body("{\"receivers\": [").send().await.unwrap();
        assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
        let volunteer_refers = volunteer.create_referral(referrer, &rat_request(vec![receiver_site]), None).await.unwrap_err();
        assert_eq!(volunteer_refers.status(), Some(403));
        let someone_elses = coordinator.create_referral(receiver, &rat_request(vec![receiver_site]), None).await.unwrap_err();
        assert!(matches!(someone_elses.status(), Some(403) | Some(422)), "{someone_elses:?}");
        let unknown = referrer_admin.referral(Uuid::new_v4()).await.unwrap_err();
        assert_eq!(unknown.status(), Some(404));
        let no_if_match = referrer_admin.request(Method::POST, &format!("/api/v1/referrals/{}/transitions", Uuid::new_v4())).json(&json!({"status": "cancelled"})).send().await.unwrap();
        assert_eq!(no_if_match.status(), StatusCode::PRECONDITION_REQUIRED);
        assert!(referrer_admin.referrals(referrer, &ReferralQuery { state: Some("all".into()), ..Default::default() }).await.unwrap().items.is_empty(), "nothing was created");
        let bad_box = referrer_admin.request(Method::GET, &format!("{path}?box=sideways")).send().await.unwrap();
        assert_eq!(bad_box.status(), StatusCode::BAD_REQUEST);
    }
}

warren_tests::on_both_databases! {
    async fn a_board_of_both_sides_pages_through_sent_and_received_referrals_in_order(app) {
        let Network { referrer, referrer_admin, receiver, receiver_admin, receiver_site, .. } = network(&app).await;
        let referrer_site = referrer_admin.sites(referrer).await.unwrap().items[0].listing.id;
        // Harbour sends three, at three tiers; Avon sends two back, and keeps a draft Harbour never sees.
        let mut sent = Vec::new();
        for (tier, from, to) in [
            (Tier::Standard, &referrer_admin, (referrer, receiver_site)),
            (Tier::Immediate, &receiver_admin, (receiver, referrer_site)),
            (Tier::VeryUrgent, &referrer_admin, (referrer, receiver_site)),
            (Tier::Standard, &receiver_admin, (receiver, referrer_site)),
            (Tier::Immediate, &referrer_admin, (referrer, receiver_site)),
        ] {
            let request = CreateReferralRequest { priority: Some(tier), ..rat_request(vec![to.1]) };
            sent.push(from.create_referral(to.0, &request, None).await.unwrap().items.remove(0));
        }
        let draft = CreateReferralRequest { draft: true, ..rat_request(vec![referrer_site]) };
        let draft = receiver_admin.create_referral(receiver, &draft, None).await.unwrap().items.remove(0);

        for (admin, organization, own_draft) in [(&referrer_admin, referrer, None), (&receiver_admin, receiver, Some(draft.id))] {
            // Two at a time through the whole board.
            let mut paged = Vec::new();
            let mut cursor = None;
            loop {
                let query = ReferralQuery { limit: Some(2), cursor: cursor.clone(), ..Default::default() };
                let page = admin.referrals(organization, &query).await.unwrap();
                assert!(page.items.len() <= 2);
                paged.extend(page.items.into_iter().map(|referral| (referral.priority, referral.created_at, referral.id)));
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            let mut expected: Vec<_> = sent.iter().map(|referral| (referral.priority, referral.created_at, referral.id)).collect();
            if own_draft.is_some() {
                expected.push((draft.priority, draft.created_at, draft.id));
            }
            expected.sort();
            assert_eq!(paged, expected, "every referral once, most urgent first, then oldest");
            // One page holds the same, and each box its own side.
            let whole = admin.referrals(organization, &ReferralQuery::default()).await.unwrap();
            assert_eq!(whole.items.iter().map(|referral| referral.id).collect::<Vec<_>>(), expected.iter().map(|row| row.2).collect::<Vec<_>>());
            let incoming = admin.referrals(organization, &ReferralQuery { direction: Some("incoming".into()), ..Default::default() }).await.unwrap();
            let outgoing = admin.referrals(organization, &ReferralQuery { direction: Some("outgoing".into()), ..Default::default() }).await.unwrap();
            assert_eq!(incoming.items.len() + outgoing.items.len(), expected.len());
            assert!(incoming.items.iter().all(|referral| referral.side == "receiver"));
            assert!(outgoing.items.iter().all(|referral| referral.side == "referrer"));
            assert_eq!(outgoing.items.iter().any(|referral| Some(referral.id) == own_draft), own_draft.is_some());
        }
    }
}

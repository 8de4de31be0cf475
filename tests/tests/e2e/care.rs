//! The patient record that travels with an animal, through the API on both
//! databases: it starts when a place accepts the animal, goes back with it
//! to the rescue, stays one record both read while a third clinic gets 404;
//! only the holder now writes; a plan is built from the library's articles;
//! a release with unmet criteria is refused unless a clinician overrides
//! with a reason; sightings follow a release; the dashboard counts it all.

use chrono::Utc;
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;
use warren_client::{Client, ClientError};
use warren_domain::referral::ReferralStatus;
use warren_tests::*;
use warren_wire::{
    CareStage, CaseStatusRequest, CreateArticleRequest, CreateReferralRequest, DashboardQuery,
    MeetRequest, MilestoneState, NewEntryRequest, PatientRecord, PlanRequest, StageRequest,
    StatusLinkRequest, StatusUpdateRequest, TransitionRequest, UpdatePatientRequest,
};

use crate::specialists::{note, rabbit_request, site};

fn status_of(error: &ClientError) -> u16 {
    error.status().unwrap_or_default()
}

fn code_of(error: &ClientError) -> String {
    match error {
        ClientError::Problem(problem) => problem.code.as_str().to_owned(),
        other => format!("{other:?}"),
    }
}

async fn accept(client: &Client, referral: Uuid) {
    let current = client.referral(referral).await.unwrap();
    client
        .transition_referral(
            referral,
            &TransitionRequest {
                status: ReferralStatus::Accepted,
                reason: None,
                note: None,
            },
            &current.etag,
        )
        .await
        .unwrap();
}

fn entry(value: serde_json::Value) -> NewEntryRequest {
    serde_json::from_value(value).expect("an entry")
}

fn stage(value: serde_json::Value) -> StageRequest {
    serde_json::from_value(value).expect("a stage change")
}

/// A rescue and a hospital, each with a site, a stranger clinic, and a
/// rabbit the rescue referred and the hospital accepted.
struct Handover {
    rescue_id: Uuid,
    rescue: Client,
    rescue_site: Uuid,
    hospital_id: Uuid,
    hospital: Client,
    hospital_site: Uuid,
    stranger: Client,
    referral: Uuid,
    record: Uuid,
}

async fn handover(app: &TestApp) -> Handover {
    let coordinator = app.network_admin().await;
    let (rescue_id, rescue) = app
        .vetted(&coordinator, "Hedgerow Rescue", "a@hedgerow.test")
        .await;
    let (hospital_id, hospital) = app
        .vetted(&coordinator, "Avon Exotics", "b@avon.test")
        .await;
    let (_, stranger) = app
        .vetted(&coordinator, "Far Away Rescue", "c@faraway.test")
        .await;
    let rescue_site = rescue
        .create_site(rescue_id, &site("Hedgerow Rescue Centre"), None)
        .await
        .unwrap()
        .value
        .listing
        .id;
    let hospital_site = hospital
        .create_site(hospital_id, &site("Avon Exotics Hospital"), None)
        .await
        .unwrap()
        .value
        .listing
        .id;
    let referral = rescue
        .create_referral(rescue_id, &rabbit_request(hospital_site), None)
        .await
        .unwrap()
        .items[0]
        .id;
    assert_eq!(
        rescue.referral(referral).await.unwrap().value.record_id,
        None,
        "no record before a place takes the animal"
    );
    accept(&hospital, referral).await;
    let record = hospital
        .referral(referral)
        .await
        .unwrap()
        .value
        .record_id
        .expect("accepting starts the record");
    Handover {
        rescue_id,
        rescue,
        rescue_site,
        hospital_id,
        hospital,
        hospital_site,
        stranger,
        referral,
        record,
    }
}

warren_tests::on_both_databases! {
    async fn one_record_travels_to_the_hospital_and_back_and_a_third_clinic_never_sees_it(app) {
        let case = handover(&app).await;
        let volunteer = app.member(&case.hospital, case.hospital_id, "driver@avon.test", Role::Volunteer).await;

        // The hospital holds the animal: it writes; the rescue reads.
        let record = case.hospital.patient_record(case.record).await.unwrap().value;
        assert!(record.writable);
        assert_eq!(record.stage, CareStage::Intake);
        assert_eq!(record.name, "Clover");
        assert_eq!(record.custody.len(), 2);
        assert_eq!(record.custody[0].organization_name, "Hedgerow Rescue");
        assert!(record.custody[0].until.is_some());
        assert_eq!(record.custody[1].organization_name, "Avon Exotics");
        assert_eq!(record.custody[1].until, None);
        assert!(
            matches!(&record.entries[..], [first] if serde_json::to_value(&first.details).unwrap() == json!({"kind": "weight", "grams": 1900})),
            "the referral's weight is the first weighing: {:?}", record.entries
        );
        let read_by_rescue = case.rescue.patient_record(case.record).await.unwrap().value;
        assert!(!read_by_rescue.writable);

        // Nobody else learns it exists; readers and volunteers do not write.
        assert_eq!(status_of(&case.stranger.patient_record(case.record).await.unwrap_err()), 404);
        assert_eq!(status_of(&case.hospital.patient_record(Uuid::new_v4()).await.unwrap_err()), 404);
        let weight = entry(json!({"details": {"kind": "weight", "grams": 1850}}));
        assert_eq!(status_of(&case.stranger.add_patient_entry(case.record, &weight).await.unwrap_err()), 404);
        assert_eq!(status_of(&case.rescue.add_patient_entry(case.record, &weight).await.unwrap_err()), 403);
        assert_eq!(status_of(&volunteer.add_patient_entry(case.record, &weight).await.unwrap_err()), 403);
        assert!(!volunteer.patient_record(case.record).await.unwrap().value.writable);

        // The hospital treats it.
        case.hospital.add_patient_entry(case.record, &weight).await.unwrap();
        case.hospital
            .add_patient_entry(case.record, &entry(json!({"details": {"kind": "medication", "drug": "Meloxicam", "dose": "0.5 mg/kg", "route": "oral"}})))
            .await
            .unwrap();
        let problem = case.hospital
            .add_patient_entry(case.record, &entry(json!({"details": {"kind": "problem", "text": "Molar spurs"}})))
            .await
            .unwrap()
            .value;
        let spurs = problem.entries.iter().find(|entry| entry.details.kind() == "problem").unwrap().id;
        let resolved = case.hospital.resolve_problem(case.record, spurs).await.unwrap().value;
        assert!(resolved.entries.iter().any(|entry| entry.id == spurs && entry.resolved_at.is_some()));
        let treated = case.hospital
            .change_care_stage(case.record, &stage(json!({"stage": "treatment", "note": "Burred under sedation"})))
            .await
            .unwrap()
            .value;
        assert_eq!(treated.stage, CareStage::Treatment);
        assert_eq!(treated.stages.len(), 2);

        // Only the organization holding the animal sends its record on.
        let not_held = CreateReferralRequest {
            patient_record_id: Some(case.record),
            ..rabbit_request(case.hospital_site)
        };
        let refused = case.rescue.create_referral(case.rescue_id, &not_held, None).await.unwrap_err();
        assert_eq!(status_of(&refused), 422);
        assert!(format!("{refused:?}").contains("patient_record_id"), "{refused:?}");

        // The finder was given a link on the first referral.
        let link = case.rescue
            .create_status_link(case.referral, &StatusLinkRequest { label: None, what_to_bring: None, share_updates: true, share_outcome: false })
            .await
            .unwrap();
        let token = link.url.unwrap().split_once('#').unwrap().1.to_owned();

        // Back to the rescue for rehabilitation: the same record travels.
        let back = CreateReferralRequest {
            patient_record_id: Some(case.record),
            ..rabbit_request(case.rescue_site)
        };
        let back = case.hospital.create_referral(case.hospital_id, &back, None).await.unwrap().items[0].id;
        assert_eq!(case.rescue.referral(back).await.unwrap().value.record_id, Some(case.record));
        accept(&case.rescue, back).await;
        let at_rescue: PatientRecord = case.rescue.patient_record(case.record).await.unwrap().value;
        assert!(at_rescue.writable, "the rescue holds the animal again");
        assert_eq!(at_rescue.referral_ids, vec![case.referral, back]);
        assert_eq!(at_rescue.custody.len(), 3);
        assert_eq!(at_rescue.entries.len(), 4, "one record: everything the hospital wrote is there");
        assert!(!case.hospital.patient_record(case.record).await.unwrap().value.writable, "the hospital reads what it held");
        assert_eq!(status_of(&case.hospital.add_patient_entry(case.record, &weight).await.unwrap_err()), 403);
        assert_eq!(status_of(&case.stranger.patient_record(case.record).await.unwrap_err()), 404);

        // The link follows the animal: where it is now, how it is doing, and
        // what the rescue shares on the case that brought it back.
        case.rescue
            .change_care_stage(case.record, &stage(json!({"stage": "rehabilitation"})))
            .await
            .unwrap();
        case.rescue.post_status_update(back, &StatusUpdateRequest { body: note("Back with us and eating well") }).await.unwrap();
        let seen = app.client.anonymous().case_status(&CaseStatusRequest { token }).await.unwrap();
        assert_eq!(seen.care.as_deref(), Some("Is recovering and building up strength."));
        assert_eq!(seen.place.unwrap().organization_name, "Hedgerow Rescue");
        assert!(seen.updates.iter().any(|update| update.body == "Back with us and eating well"), "{:?}", seen.updates);

        // The rescue's list of animals in its care has it.
        let held = case.rescue.patients(case.rescue_id).await.unwrap();
        assert_eq!(held.items.len(), 1);
        assert_eq!(held.items[0].referral_id, Some(back));
        assert!(case.hospital.patients(case.hospital_id).await.unwrap().items.is_empty());
        assert_eq!(status_of(&case.stranger.patients(case.rescue_id).await.unwrap_err()), 404);
    }

    async fn bad_changes_to_a_record_are_refused_and_change_nothing(app) {
        let case = handover(&app).await;
        let record = case.hospital.patient_record(case.record).await.unwrap();

        // Details need the version they are based on.
        let change = UpdatePatientRequest {
            sex: Some(warren_domain::referral::Sex::Female),
            identifiers: Some(vec![serde_json::from_value(json!({"kind": "microchip", "value": "941000024681357"})).unwrap()]),
            ..UpdatePatientRequest::default()
        };
        let updated = case.hospital.update_patient(case.record, &change, &record.etag).await.unwrap().value;
        assert_eq!(updated.identifiers.len(), 1);
        assert_eq!(status_of(&case.hospital.update_patient(case.record, &change, &record.etag).await.unwrap_err()), 412);
        let send = |method: Method, path: String, body: serde_json::Value| {
            case.hospital
                .request(method, &path)
                .header("content-type", "application/json")
                .body(body.to_string())
        };
        let missing = case.hospital
            .exchange(send(Method::PATCH, format!("/api/v1/patient-records/{}", case.record), json!({"name": "X"})))
            .await
            .unwrap();
        assert_eq!(missing.status.as_u16(), 428);

        // Malformed entries, future dates and plans without steps.
        let path = format!("/api/v1/patient-records/{}/entries", case.record);
        for body in [
            json!({"details": {"kind": "weight", "grams": 0}}),
            json!({"details": {"kind": "weight", "grams": "heavy"}}),
            json!({"details": {"kind": "surgery"}}),
            json!({"details": {"kind": "observation", "text": ""}}),
            json!({"details": {"kind": "observation", "text": "ok"}, "extra": 1}),
        ] {
            let answer = case.hospital.exchange(send(Method::POST, path.clone(), body.clone())).await.unwrap();
            assert!(matches!(answer.status.as_u16(), 400 | 422), "{body}: {}", answer.status);
            assert_eq!(answer.headers.get("content-type").unwrap(), "application/problem+json");
        }
        let future = entry(json!({"at": (Utc::now() + chrono::Duration::days(1)).to_rfc3339(), "details": {"kind": "observation", "text": "Bright"}}));
        assert_eq!(status_of(&case.hospital.add_patient_entry(case.record, &future).await.unwrap_err()), 422);
        let sighting = entry(json!({"details": {"kind": "monitoring", "report": "sighting"}}));
        let early = case.hospital.add_patient_entry(case.record, &sighting).await.unwrap_err();
        assert_eq!((status_of(&early), code_of(&early).as_str()), (409, "illegal_transition"));
        let empty = case.hospital.create_rehab_plan(case.record, &PlanRequest::default()).await.unwrap_err();
        assert_eq!(status_of(&empty), 422);
        let same = case.hospital.change_care_stage(case.record, &stage(json!({"stage": "intake"}))).await.unwrap_err();
        assert_eq!(status_of(&same), 409);
        let unknown_article = PlanRequest { milestone_article_id: Some(Uuid::new_v4()), ..PlanRequest::default() };
        assert_eq!(status_of(&case.hospital.create_rehab_plan(case.record, &unknown_article).await.unwrap_err()), 422);

        let after = case.hospital.patient_record(case.record).await.unwrap().value;
        assert_eq!(after.entries.len(), 1, "only the referral's weight");
        assert_eq!(after.stages.len(), 1);
        assert!(after.plan.is_none());
        assert_eq!(after.version, updated.version);
    }

    async fn a_release_needs_every_criterion_met_or_a_clinicians_reason_and_then_sightings_follow(app) {
        let case = handover(&app).await;
        let clinician = app.member(&case.hospital, case.hospital_id, "vet@avon.test", Role::Clinician).await;
        let article = |kind: &str, title: &str, body: &str| -> CreateArticleRequest {
            serde_json::from_value(json!({
                "kind": kind, "visibility": "network", "title": title, "body_markdown": body,
                "species": ["small_mammal/rabbit"],
            }))
            .unwrap()
        };
        let milestones = case.rescue
            .create_article(&article("rehabilitation_milestone", "Rabbit recovery milestones",
                "Stages:\n\n1. **Eating hay** unaided, by day 3\n2. Normal droppings by day 5\n3. Gaining weight for a week, by day 40\n"), None)
            .await
            .unwrap();
        let criteria = case.rescue
            .create_article(&article("reintroduction_criteria", "Rabbit rehoming criteria",
                "- Eating hay and greens\n- Weight stable for 7 days\n"), None)
            .await
            .unwrap();

        let planned = case.hospital
            .create_rehab_plan(case.record, &PlanRequest {
                milestone_article_id: Some(milestones.id),
                criteria_article_id: Some(criteria.id),
                started_on: Some(Utc::now().date_naive() - chrono::Duration::days(10)),
                ..PlanRequest::default()
            })
            .await
            .unwrap()
            .value;
        let plan = planned.plan.expect("a plan");
        assert_eq!(plan.title, "Rabbit recovery milestones");
        let targets: Vec<Option<u16>> = plan.milestones.iter().map(|item| item.target_day).collect();
        assert_eq!(targets, vec![Some(3), Some(5), Some(40)]);
        assert_eq!(plan.milestones[0].text, "Eating hay unaided, by day 3");
        assert_eq!(plan.overdue, 2, "day 3 and day 5 have passed unmet");
        assert_eq!(plan.milestones[2].state, MilestoneState::Pending);
        assert_eq!(plan.unmet_criteria, 2);
        let again = case.hospital.create_rehab_plan(case.record, &PlanRequest { criteria_article_id: Some(criteria.id), ..PlanRequest::default() }).await.unwrap_err();
        assert_eq!(status_of(&again), 409);

        // Ticking: one on time, one late.
        let on = |days_ago: i64, text: &str| MeetRequest {
            on: Some(Utc::now().date_naive() - chrono::Duration::days(days_ago)),
            note: Some(note(text)),
        };
        case.hospital.meet_plan_item(case.record, plan.milestones[0].id, &on(8, "Ate hay overnight")).await.unwrap();
        let ticked = case.hospital.meet_plan_item(case.record, plan.milestones[1].id, &on(1, "Droppings normal")).await.unwrap().value;
        let states: Vec<MilestoneState> = ticked.plan.as_ref().unwrap().milestones.iter().map(|item| item.state).collect();
        assert_eq!(states, vec![MilestoneState::MetOnTime, MilestoneState::MetLate, MilestoneState::Pending]);
        let future = MeetRequest { on: Some(Utc::now().date_naive() + chrono::Duration::days(2)), note: None };
        assert_eq!(status_of(&case.hospital.meet_plan_item(case.record, plan.criteria[0].id, &future).await.unwrap_err()), 422);
        assert_eq!(status_of(&case.hospital.meet_plan_item(case.record, Uuid::new_v4(), &on(0, "x")).await.unwrap_err()), 404);
        case.hospital.meet_plan_item(case.record, plan.criteria[0].id, &on(0, "Eats both")).await.unwrap();

        // One criterion unmet: the release is refused, naming it.
        let release = stage(json!({"stage": "released", "follow_up_on": Utc::now().date_naive().to_string()}));
        let blocked = case.hospital.change_care_stage(case.record, &release).await.unwrap_err();
        assert_eq!((status_of(&blocked), code_of(&blocked).as_str()), (409, "criteria_unmet"));
        assert!(format!("{blocked:?}").contains("Weight stable for 7 days"), "{blocked:?}");
        let overriding = stage(json!({"stage": "released", "override_reason": "Owner's garden colony; weight within 3 %", "follow_up_on": Utc::now().date_naive().to_string()}));
        assert_eq!(status_of(&case.hospital.change_care_stage(case.record, &overriding).await.unwrap_err()), 403, "only a clinician overrides");
        assert_eq!(case.hospital.patient_record(case.record).await.unwrap().value.stage, CareStage::Intake);
        let released = clinician.change_care_stage(case.record, &overriding).await.unwrap().value;
        assert_eq!(released.stage, CareStage::Released);
        assert_eq!(released.stages.last().unwrap().override_reason.as_deref(), Some("Owner's garden colony; weight within 3 %"));
        assert_eq!(released.follow_up_due, Some(Utc::now().date_naive()));

        // After the end: no clinical entries, no more stages; sightings do.
        let weight = entry(json!({"details": {"kind": "weight", "grams": 1900}}));
        assert_eq!(status_of(&case.hospital.add_patient_entry(case.record, &weight).await.unwrap_err()), 409);
        assert_eq!(status_of(&case.hospital.change_care_stage(case.record, &stage(json!({"stage": "treatment"}))).await.unwrap_err()), 409);
        let seen = case.hospital
            .add_patient_entry(case.record, &entry(json!({
                "details": {"kind": "monitoring", "report": "sighting", "place": "Garden behind 12 Elm Road"},
                "follow_up_on": (Utc::now().date_naive() + chrono::Duration::days(30)).to_string(),
            })))
            .await
            .unwrap()
            .value;
        assert_eq!(seen.follow_up_due, Some(Utc::now().date_naive() + chrono::Duration::days(30)));

        // The hospital's dashboard counts the release and the milestones.
        let today = Utc::now().date_naive();
        let query = DashboardQuery {
            from: Some((today - chrono::Duration::days(30)).to_string()),
            to: Some(today.to_string()),
            organization_id: Some(case.hospital_id),
        };
        let board = case.hospital.dashboard(&query).await.unwrap();
        assert_eq!(board.figures.care_ended, 1);
        assert_eq!(board.figures.released, 1);
        assert_eq!(board.figures.release_rate, Some(1.0));
        assert_eq!(board.figures.milestones_met, 2);
        assert_eq!(board.figures.milestones_on_time, 1);
        assert_eq!(board.figures.animals_in_care, 0);
        let days = board.table("days_in_care").expect("days in care");
        assert_eq!(days.value("small_mammal/rabbit · all stages", "animals"), Some(1.0));
        assert_eq!(board.table("care_outcomes").unwrap().value("released", "animals"), Some(1.0));
        // The rescue held the animal before: it counts it too.
        let rescue_board = case.rescue.dashboard(&DashboardQuery { organization_id: Some(case.rescue_id), ..query }).await.unwrap();
        assert_eq!(rescue_board.figures.released, 1);
    }
}

//! Specialists and consults through the API on both databases: keeping a
//! profile (stale edits refused with 412), finding specialists by species,
//! discipline, words and whether they accept consults, and a consult asked
//! from a referral, read by the specialist without the owner's contact,
//! answered, declined or cancelled, and seen by both sides in the case
//! thread; outsiders get 404, volunteers 403, bad input 4xx naming the field.

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;
use warren_client::{Client, ClientError};
use warren_domain::directory::hours::{CountryCode, OpeningHoursText, Timezone};
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::directory::{Latitude, Longitude};
use warren_domain::referral::{Patient, Sex};
use warren_domain::specialists::{Availability, ClockTime, ConsultSlot, Weekday};
use warren_domain::triage::Tier;
use warren_domain::{AddressLine, ClinicalNote, Phone, ShortText};
use warren_store::schema::audit_log;
use warren_tests::*;
use warren_wire::{
    AnswerConsultRequest, ConsultQuery, ConsultStatus, CreateReferralRequest,
    DeclineConsultRequest, Discipline, RequestConsultRequest, SiteInput, SpecialistProfileRequest,
    SpecialistQuery,
};

pub(crate) fn code(text: &str) -> TermCode {
    TermCode::parse(text).unwrap()
}

pub(crate) fn note(text: &str) -> ClinicalNote {
    ClinicalNote::parse(text).unwrap()
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

fn slot(day: Weekday, from: &str, to: &str) -> ConsultSlot {
    ConsultSlot {
        day,
        from: ClockTime::parse(from).unwrap(),
        to: ClockTime::parse(to).unwrap(),
    }
}

fn profile(
    species: &[&str],
    disciplines: &[Discipline],
    summary: &str,
    accepting: bool,
) -> SpecialistProfileRequest {
    SpecialistProfileRequest {
        organization_id: None,
        species: species.iter().map(|c| code(c)).collect(),
        disciplines: disciplines.to_vec(),
        summary: Some(note(summary)),
        // Around the clock (Tuesday listed first, to see the slots sorted),
        // so whether they accept now is their switch alone.
        availability: Availability::check(
            [Weekday::Tuesday]
                .into_iter()
                .chain(
                    Weekday::ALL
                        .iter()
                        .copied()
                        .filter(|day| *day != Weekday::Tuesday),
                )
                .map(|day| slot(day, "00:00", "24:00"))
                .collect(),
        )
        .unwrap(),
        accepting_consults: accepting,
        rotation_note: Some(ShortText::parse("On rotation at the university in March").unwrap()),
    }
}

pub(crate) fn dentist() -> SpecialistProfileRequest {
    profile(
        &["small_mammal/rabbit", "small_mammal/guinea_pig"],
        &[Discipline::Dentistry, Discipline::ImagingInterpretation],
        "Cheek-tooth malocclusion, jaw abscesses and skull radiographs in rabbits and guinea pigs.",
        true,
    )
}

pub(crate) fn site(name: &str) -> SiteInput {
    SiteInput {
        name: OrgName::parse(name).unwrap(),
        address: AddressLine::parse("1 Harbour Walk").unwrap(),
        town: AddressLine::parse("Bristol").unwrap(),
        postcode: AddressLine::parse("BS1 5TY").unwrap(),
        country: CountryCode::parse("GB").unwrap(),
        latitude: Latitude::parse(51.4545).unwrap(),
        longitude: Longitude::parse(-2.5879).unwrap(),
        timezone: Timezone::parse("Europe/London").unwrap(),
        public_phone: Some(Phone::parse("0117 496 0100").unwrap()),
        private_phone: None,
        public_email: None,
        referral_contact: None,
        opening_hours: Some(OpeningHoursText::parse("24/7").unwrap()),
        after_hours_cover: None,
        capabilities: vec![],
        species: vec![code("small_mammal"), code("wildlife")],
        limitations: Default::default(),
    }
}

pub(crate) fn rabbit_request(receiver_site: Uuid) -> CreateReferralRequest {
    CreateReferralRequest {
        receivers: vec![receiver_site],
        from_site_id: None,
        species: code("small_mammal/rabbit"),
        patient: Patient {
            name: Some(ShortText::parse("Clover").unwrap()),
            sex: Some(Sex::Female),
            age: Some(ShortText::parse("5 years").unwrap()),
            weight_grams: Some(serde_json::from_value(json!(1900)).unwrap()),
            identifiers: vec![],
        },
        contact: Some(
            serde_json::from_value(json!({"name": "Sam Owner", "phone": "07700 900123"})).unwrap(),
        ),
        reason: note("Not eating for 14 hours, drooling, a swelling under the jaw"),
        history: Some(note("Molar spurs burred twice last year")),
        medications: None,
        allergies: None,
        assessment_id: None,
        priority: Some(Tier::Urgent),
        capabilities: vec![],
        transport_needed: false,
        draft: false,
        patient_record_id: None,
    }
}

/// Two clinics with a referral between them, a third organization whose
/// admin is a dentist accepting consults, and a fourth that has nothing to
/// do with the case.
struct Case {
    coordinator: Client,
    referrer: Uuid,
    referrer_admin: Client,
    receiver_admin: Client,
    referral: Uuid,
    specialist: Client,
    specialist_id: Uuid,
    stranger: Client,
}

async fn case(app: &TestApp) -> Case {
    let coordinator = app.network_admin().await;
    let (referrer, referrer_admin) = app
        .vetted(&coordinator, "Harbour Vets", "a@harbour.test")
        .await;
    let (receiver, receiver_admin) = app
        .vetted(&coordinator, "Avon Exotics", "b@avon.test")
        .await;
    let receiver_site = receiver_admin
        .create_site(receiver, &site("Avon Exotics Hospital"), None)
        .await
        .unwrap()
        .value
        .listing
        .id;
    let (_, specialist) = app
        .vetted(
            &coordinator,
            "Meadow Dental Referrals",
            "dentist@meadow.test",
        )
        .await;
    let specialist_id = specialist
        .put_my_specialist_profile(&dentist(), None)
        .await
        .unwrap()
        .value
        .user_id;
    let (_, stranger) = app
        .vetted(&coordinator, "Far Away Rescue", "c@faraway.test")
        .await;
    let referral = referrer_admin
        .create_referral(referrer, &rabbit_request(receiver_site), None)
        .await
        .unwrap()
        .items[0]
        .id;
    Case {
        coordinator,
        referrer,
        referrer_admin,
        receiver_admin,
        referral,
        specialist,
        specialist_id,
        stranger,
    }
}

fn ask(specialist: Uuid, question: &str) -> RequestConsultRequest {
    RequestConsultRequest {
        specialist_user_id: specialist,
        question: note(question),
        urgent: false,
    }
}

fn audited(app: &TestApp, target_type: &str) -> Vec<String> {
    audit_log::table
        .filter(audit_log::target_type.eq(target_type))
        .order(audit_log::id.asc())
        .select(audit_log::action)
        .load(&mut app.store.connection().unwrap())
        .unwrap()
}

warren_tests::on_both_databases! {
    async fn a_clinician_keeps_a_specialist_profile_and_a_stale_edit_is_refused(app) {
        let coordinator = app.network_admin().await;
        let (clinic, admin) = app.vetted(&coordinator, "Meadow Exotics", "a@meadow.test").await;
        let missing = admin.my_specialist_profile().await.unwrap_err();
        assert_eq!(status_of(&missing), 404);

        let created = admin.put_my_specialist_profile(&dentist(), None).await.unwrap();
        assert_eq!(created.etag, "\"1\"");
        assert_eq!(created.value.organization_id, clinic);
        assert_eq!(created.value.organization_name, "Meadow Exotics");
        assert_eq!(created.value.species, ["small_mammal/guinea_pig", "small_mammal/rabbit"]);
        assert_eq!(created.value.disciplines, [Discipline::Dentistry, Discipline::ImagingInterpretation]);
        assert_eq!(created.value.availability[0].day, Weekday::Monday, "slots come sorted");
        assert!(created.value.accepting_consults);

        // Replacing needs the version read; a stale one changes nothing.
        let unguarded = admin.put_my_specialist_profile(&dentist(), None).await.unwrap_err();
        assert_eq!(status_of(&unguarded), 428);
        let away = SpecialistProfileRequest { accepting_consults: false, ..dentist() };
        let updated = admin.put_my_specialist_profile(&away, Some(&created.etag)).await.unwrap();
        assert_eq!(updated.value.version, 2);
        assert!(!updated.value.accepting_consults);
        let stale = admin.put_my_specialist_profile(&dentist(), Some(&created.etag)).await.unwrap_err();
        assert_eq!(status_of(&stale), 412);
        let read = admin.my_specialist_profile().await.unwrap();
        assert_eq!(read.etag, "\"2\"");
        assert!(!read.value.accepting_consults);
        assert_eq!(audited(&app, "specialist_profile"), ["specialist_profile.created", "specialist_profile.updated"]);

        // Bad input is named field by field.
        let unknown = SpecialistProfileRequest { species: vec![code("reptile/gecko")], ..dentist() };
        let refused = admin.put_my_specialist_profile(&unknown, Some(&read.etag)).await.unwrap_err();
        assert_eq!((status_of(&refused), field_of(&refused).as_str()), (422, "species"));
        let none = SpecialistProfileRequest { disciplines: vec![], ..dentist() };
        let refused = admin.put_my_specialist_profile(&none, Some(&read.etag)).await.unwrap_err();
        assert_eq!((status_of(&refused), field_of(&refused).as_str()), (422, "disciplines"));
        let backwards = admin
            .request(Method::PUT, "/api/v1/me/specialist-profile")
            .header("If-Match", &read.etag)
            .json(&json!({
                "species": ["small_mammal/rabbit"],
                "disciplines": ["dentistry"],
                "availability": [{"day": "monday", "from": "12:00", "to": "09:00"}],
                "accepting_consults": true,
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(backwards.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: serde_json::Value = backwards.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "availability", "{problem}");
        let unknown_discipline = admin
            .request(Method::PUT, "/api/v1/me/specialist-profile")
            .header("If-Match", &read.etag)
            .json(&json!({
                "species": ["small_mammal/rabbit"],
                "disciplines": ["astrology"],
                "accepting_consults": true,
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(unknown_discipline.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let malformed = admin
            .request(Method::PUT, "/api/v1/me/specialist-profile")
            .header("Content-Type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
        assert_eq!(admin.my_specialist_profile().await.unwrap().value.version, 2, "nothing changed");

        // Staff and volunteers do not offer consults.
        let staff = app.member(&admin, clinic, "desk@meadow.test", Role::Staff).await;
        let refused = staff.put_my_specialist_profile(&dentist(), None).await.unwrap_err();
        assert_eq!(status_of(&refused), 403);
        let volunteer = app.member(&admin, clinic, "driver@meadow.test", Role::Volunteer).await;
        let refused = volunteer.put_my_specialist_profile(&dentist(), None).await.unwrap_err();
        assert_eq!(status_of(&refused), 403);
        let clinician = app.member(&admin, clinic, "vet@meadow.test", Role::Clinician).await;
        clinician.put_my_specialist_profile(&dentist(), None).await.unwrap();
    }

    async fn a_specialist_outside_their_consult_hours_is_not_accepting_now_and_says_when_they_next_are(app) {
        use chrono::{Datelike, TimeZone};
        let coordinator = app.network_admin().await;
        let (clinic, admin) = app.vetted(&coordinator, "Weekday Dental", "a@weekday.test").await;
        admin.create_site(clinic, &site("Weekday Dental Clinic"), None).await.unwrap();
        // Consult hours on the next two days only, in the clinic's timezone
        // (Europe/London): never today.
        let london = Timezone::parse("Europe/London").unwrap().tz();
        let today = chrono::Utc::now().with_timezone(&london).date_naive();
        let day_of = |date: chrono::NaiveDate| Weekday::ALL[date.weekday().num_days_from_monday() as usize];
        let tomorrow = today.succ_opt().unwrap();
        let hours = SpecialistProfileRequest {
            availability: Availability::check(vec![
                slot(day_of(tomorrow), "09:00", "17:00"),
                slot(day_of(tomorrow.succ_opt().unwrap()), "09:00", "17:00"),
            ])
            .unwrap(),
            ..dentist()
        };
        let weekday_only = admin.put_my_specialist_profile(&hours, None).await.unwrap().value;
        assert!(weekday_only.accepting_consults, "their switch is on");
        assert!(!weekday_only.accepting_now, "but today is outside their hours: {weekday_only:#?}");
        let opens = london.from_local_datetime(&tomorrow.and_hms_opt(9, 0, 0).unwrap()).unwrap().to_utc();
        assert_eq!(weekday_only.next_accepting_at, Some(opens));
        assert_eq!(weekday_only.timezone.as_deref(), Some("Europe/London"));

        // Someone around the clock is accepting now, and comes first.
        let (_, other) = app.vetted(&coordinator, "Night Dental", "b@night.test").await;
        let always = other.put_my_specialist_profile(&dentist(), None).await.unwrap().value;
        assert!(always.accepting_now);
        let found = coordinator.search_specialists(&SpecialistQuery::default()).await.unwrap().items;
        let ids: Vec<Uuid> = found.iter().map(|p| p.user_id).collect();
        assert_eq!(ids, [always.user_id, weekday_only.user_id]);
        let accepting = coordinator
            .search_specialists(&SpecialistQuery { accepting: Some(true), ..Default::default() })
            .await
            .unwrap()
            .items;
        assert_eq!(accepting.iter().map(|p| p.user_id).collect::<Vec<_>>(), [always.user_id]);
        let not_now = coordinator
            .search_specialists(&SpecialistQuery { accepting: Some(false), ..Default::default() })
            .await
            .unwrap()
            .items;
        assert_eq!(not_now.iter().map(|p| p.user_id).collect::<Vec<_>>(), [weekday_only.user_id]);
        let read = coordinator.specialist(weekday_only.user_id).await.unwrap();
        assert!(!read.accepting_now);
        assert_eq!(read.next_accepting_at, Some(opens));
    }

    async fn specialists_are_found_by_species_discipline_words_and_availability(app) {
        let coordinator = app.network_admin().await;
        let (_, dental) = app.vetted(&coordinator, "Meadow Exotics", "a@meadow.test").await;
        let (_, anaesthesia) = app.vetted(&coordinator, "Severn Referrals", "b@severn.test").await;
        let (_, wildlife) = app.vetted(&coordinator, "Hedge End Wildlife", "c@hedge.test").await;
        let dentist_id = dental.put_my_specialist_profile(&dentist(), None).await.unwrap().value.user_id;
        let anaesthetist = anaesthesia
            .put_my_specialist_profile(
                &profile(&["small_mammal"], &[Discipline::Anaesthesia], "Anaesthesia for patients under 100 g, capnography.", true),
                None,
            )
            .await
            .unwrap()
            .value
            .user_id;
        let rehabilitator = wildlife
            .put_my_specialist_profile(
                &profile(&["wildlife/hedgehog"], &[Discipline::Rehabilitation], "Hedgehog rehabilitation and soft release.", false),
                None,
            )
            .await
            .unwrap()
            .value
            .user_id;
        // An organization not yet vetted is not listed.
        let (_, applicant) = app.apply("New Burrow Clinic", "d@burrow.test").await;
        applicant
            .put_my_specialist_profile(&dentist(), None)
            .await
            .unwrap();
        let refused = applicant.search_specialists(&SpecialistQuery::default()).await.unwrap_err();
        assert_eq!(status_of(&refused), 403, "only the network finds specialists");

        let found = |query: SpecialistQuery| {
            let client = coordinator.clone();
            async move {
                client
                    .search_specialists(&query)
                    .await
                    .unwrap()
                    .items
                    .iter()
                    .map(|p| p.user_id)
                    .collect::<Vec<_>>()
            }
        };
        let all = found(SpecialistQuery::default()).await;
        assert_eq!(all.len(), 3, "{all:?}");
        assert_eq!(all.last(), Some(&rehabilitator), "those accepting consults come first");
        let rabbit = found(SpecialistQuery { species: Some("small_mammal/rabbit".into()), ..Default::default() }).await;
        assert_eq!(rabbit.len(), 2);
        assert!(rabbit.contains(&dentist_id) && rabbit.contains(&anaesthetist), "a group covers its species");
        let hedgehogs = found(SpecialistQuery { species: Some("wildlife".into()), ..Default::default() }).await;
        assert_eq!(hedgehogs, [rehabilitator], "a group matches its species");
        let dentistry = found(SpecialistQuery { discipline: Some(Discipline::Dentistry), ..Default::default() }).await;
        assert_eq!(dentistry, [dentist_id]);
        let words = found(SpecialistQuery { q: Some("soft RELEASE".into()), ..Default::default() }).await;
        assert_eq!(words, [rehabilitator]);
        let accepting = found(SpecialistQuery { accepting: Some(true), ..Default::default() }).await;
        assert_eq!(accepting.len(), 2);
        assert!(!accepting.contains(&rehabilitator));
        let page = coordinator
            .search_specialists(&SpecialistQuery { limit: Some(2), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(page.items.len(), 2);
        let next = coordinator
            .search_specialists(&SpecialistQuery { limit: Some(2), cursor: page.next_cursor, ..Default::default() })
            .await
            .unwrap();
        assert_eq!(next.items.len(), 1);

        let one = dental.specialist(anaesthetist).await.unwrap();
        assert_eq!(one.organization_name, "Severn Referrals");
        assert_eq!(one.disciplines, [Discipline::Anaesthesia]);
        assert_eq!(status_of(&dental.specialist(Uuid::now_v7()).await.unwrap_err()), 404);

        let bad_species = coordinator
            .request(Method::GET, "/api/v1/specialists?species=Not%20a%20code")
            .send()
            .await
            .unwrap();
        assert_eq!(bad_species.status(), StatusCode::BAD_REQUEST);
        let bad_discipline = coordinator
            .request(Method::GET, "/api/v1/specialists?discipline=astrology")
            .send()
            .await
            .unwrap();
        assert_eq!(bad_discipline.status(), StatusCode::BAD_REQUEST);
    }

    async fn a_specialist_who_leaves_their_organization_loses_its_consults(app) {
        let case = case(&app).await;
        let meadow = case.specialist.specialist(case.specialist_id).await.unwrap().organization_id;
        let vet = app.member(&case.specialist, meadow, "vet@meadow.test", Role::Clinician).await;
        let vet_id = vet.put_my_specialist_profile(&dentist(), None).await.unwrap().value.user_id;
        let consult = case.referrer_admin.request_consult(case.referral, &ask(vet_id, "Burr first, or radiograph?"), None).await.unwrap();
        let read = vet.consult(consult.id).await.unwrap();
        assert!(read.value.can_answer);
        assert_eq!(vet.my_consults(&ConsultQuery::default()).await.unwrap().items.len(), 1);

        case.specialist.remove_member(meadow, vet_id).await.unwrap();
        // The person kept their account (and a token still in date), but not
        // the consults they answered for Meadow.
        assert!(vet.my_consults(&ConsultQuery::default()).await.unwrap().items.is_empty());
        assert_eq!(status_of(&vet.consult(consult.id).await.unwrap_err()), 404);
        let answer = AnswerConsultRequest { answer: note("Radiograph first.") };
        assert_eq!(status_of(&vet.answer_consult(consult.id, &answer, &read.etag).await.unwrap_err()), 404);
        let after = case.referrer_admin.consult(consult.id).await.unwrap();
        assert_eq!(after.value.status, ConsultStatus::Requested, "nothing was answered");
    }

    async fn a_consult_is_asked_answered_and_read_by_both_sides_in_the_case_thread(app) {
        let case = case(&app).await;
        let question = ask(case.specialist_id, "Would you burr the cheek teeth first or radiograph under sedation?");
        let consult = case
            .referrer_admin
            .request_consult(case.referral, &question, Some("consult-1"))
            .await
            .unwrap();
        assert_eq!(consult.status, ConsultStatus::Requested);
        assert_eq!(consult.requester_organization_id, case.referrer);
        assert_eq!(consult.specialist_organization_name, "Meadow Dental Referrals");
        assert!(consult.can_cancel && !consult.can_answer);
        let again = case
            .referrer_admin
            .request_consult(case.referral, &question, Some("consult-1"))
            .await
            .unwrap();
        assert_eq!(again.id, consult.id, "a retry creates nothing new");
        assert_eq!(case.receiver_admin.referral_consults(case.referral).await.unwrap().items.len(), 1);
        let twice = case.referrer_admin.request_consult(case.referral, &question, None).await.unwrap_err();
        assert_eq!(twice.code(), Some("consult_open"));

        // The specialist sees the case, but never the owner's contact.
        let incoming = case.specialist.my_consults(&ConsultQuery::default()).await.unwrap();
        assert_eq!(incoming.items.len(), 1);
        let mine = &incoming.items[0];
        assert!(mine.can_answer);
        assert_eq!(mine.case.species, "small_mammal/rabbit");
        assert_eq!(mine.case.priority, Tier::Urgent);
        assert_eq!(mine.case.history.as_deref(), Some("Molar spurs burred twice last year"));
        assert_eq!(mine.case.referrer_name, "Harbour Vets");
        let raw = case
            .specialist
            .request(Method::GET, &format!("/api/v1/consults/{}", consult.id))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(raw.contains("Clover"), "{raw}");
        assert!(!raw.contains("Sam Owner") && !raw.contains("07700"), "{raw}");
        let referral = case.specialist.referral(case.referral).await.unwrap_err();
        assert_eq!(status_of(&referral), 404, "the consult does not open the referral");

        // Both sides read the request in the thread and the timeline.
        for side in [&case.referrer_admin, &case.receiver_admin] {
            let thread = side.referral_messages(case.referral).await.unwrap();
            assert!(thread.items.iter().any(|m| m.body.starts_with("Consult requested from Ada Admin (Meadow Dental Referrals)")), "{thread:?}");
            let timeline = side.referral_timeline(case.referral).await.unwrap();
            assert!(timeline.items.iter().any(|e| e.kind == "consult_requested"));
        }

        // Only the specialist answers.
        let read = case.specialist.consult(consult.id).await.unwrap();
        let answer = AnswerConsultRequest { answer: note("Radiograph first: skull views under sedation, then burr. Check for a retrobulbar abscess.") };
        let refused = case.referrer_admin.answer_consult(consult.id, &answer, &read.etag).await.unwrap_err();
        assert_eq!(status_of(&refused), 403);
        let unguarded = case
            .specialist
            .request(Method::POST, &format!("/api/v1/consults/{}/answer", consult.id))
            .json(&answer)
            .send()
            .await
            .unwrap();
        assert_eq!(unguarded.status(), StatusCode::PRECONDITION_REQUIRED);
        let answered = case.specialist.answer_consult(consult.id, &answer, &read.etag).await.unwrap();
        assert_eq!(answered.value.status, ConsultStatus::Answered);
        assert!(!answered.value.can_answer);
        let stale = case.specialist.answer_consult(consult.id, &answer, &read.etag).await.unwrap_err();
        assert!(matches!(status_of(&stale), 409 | 412), "{stale:?}");
        let again = case.specialist.answer_consult(consult.id, &answer, &answered.etag).await.unwrap_err();
        assert_eq!(again.code(), Some("illegal_transition"));

        for side in [&case.referrer_admin, &case.receiver_admin] {
            let thread = side.referral_messages(case.referral).await.unwrap();
            assert!(thread.items.iter().any(|m| m.body.contains("Radiograph first") && m.organization_name == "Meadow Dental Referrals"), "{thread:?}");
            let consults = side.referral_consults(case.referral).await.unwrap();
            assert_eq!(consults.items[0].status, ConsultStatus::Answered);
            assert_eq!(consults.items[0].answer.as_deref(), Some(answer.answer.as_str()));
        }
        assert_eq!(audited(&app, "consult"), ["consult.requested", "consult.answered"]);

        // The network admin reads as coordinator; the stranger learns nothing.
        assert_eq!(case.coordinator.referral_consults(case.referral).await.unwrap().items.len(), 1);
        assert_eq!(status_of(&case.stranger.referral_consults(case.referral).await.unwrap_err()), 404);
        assert_eq!(status_of(&case.stranger.consult(consult.id).await.unwrap_err()), 404);
        let refused = case.stranger.request_consult(case.referral, &question, None).await.unwrap_err();
        assert_eq!(status_of(&refused), 404);
        assert!(case.stranger.my_consults(&ConsultQuery::default()).await.unwrap().items.is_empty());
    }

    async fn volunteers_and_bad_input_are_refused_and_the_asking_side_cancels(app) {
        let case = case(&app).await;
        let volunteer = app.member(&case.referrer_admin, case.referrer, "driver@harbour.test", Role::Volunteer).await;
        let question = ask(case.specialist_id, "Is a dental the cause of the anorexia?");
        let refused = volunteer.request_consult(case.referral, &question, None).await.unwrap_err();
        assert_eq!(status_of(&refused), 403);

        let nobody = case.referrer_admin.request_consult(case.referral, &ask(Uuid::now_v7(), "Anyone?"), None).await.unwrap_err();
        assert_eq!((status_of(&nobody), field_of(&nobody).as_str()), (422, "specialist_user_id"));
        let unknown = case.referrer_admin.request_consult(Uuid::now_v7(), &question, None).await.unwrap_err();
        assert_eq!(status_of(&unknown), 404);
        assert_eq!(status_of(&case.referrer_admin.consult(Uuid::now_v7()).await.unwrap_err()), 404);
        let empty = case
            .referrer_admin
            .request(Method::POST, &format!("/api/v1/referrals/{}/consults", case.referral))
            .json(&json!({"specialist_user_id": case.specialist_id, "question": "   "}))
            .send()
            .await
            .unwrap();
        assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: serde_json::Value = empty.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "question", "{problem}");
        let bad_id = case
            .referrer_admin
            .request(Method::GET, "/api/v1/consults/not-a-uuid")
            .send()
            .await
            .unwrap();
        assert!(bad_id.status().is_client_error());

        // The receiving side asks too; the referrer cannot cancel its consult.
        let consult = case.receiver_admin.request_consult(case.referral, &question, None).await.unwrap();
        let read = case.referrer_admin.consult(consult.id).await.unwrap();
        assert!(!read.value.can_cancel);
        let refused = case.referrer_admin.cancel_consult(consult.id, &read.etag).await.unwrap_err();
        assert_eq!(status_of(&refused), 403);
        let refused = case.specialist.cancel_consult(consult.id, &read.etag).await.unwrap_err();
        assert_eq!(status_of(&refused), 403);
        let cancelled = case.receiver_admin.cancel_consult(consult.id, &read.etag).await.unwrap();
        assert_eq!(cancelled.value.status, ConsultStatus::Cancelled);

        // Asked again, the specialist declines with a reason both sides read.
        let consult = case.referrer_admin.request_consult(case.referral, &question, None).await.unwrap();
        let read = case.specialist.consult(consult.id).await.unwrap();
        let declined = case
            .specialist
            .decline_consult(consult.id, &DeclineConsultRequest { reason: note("On leave until Monday; ask Severn Referrals.") }, &read.etag)
            .await
            .unwrap();
        assert_eq!(declined.value.status, ConsultStatus::Declined);
        let thread = case.receiver_admin.referral_messages(case.referral).await.unwrap();
        assert!(thread.items.iter().any(|m| m.body.contains("On leave until Monday")), "{thread:?}");
        let listed = case.specialist.my_consults(&ConsultQuery { status: Some(ConsultStatus::Declined), ..Default::default() }).await.unwrap();
        assert_eq!(listed.items.len(), 1);

        // A specialist who stops accepting cannot be asked.
        let current = case.specialist.my_specialist_profile().await.unwrap();
        let away = SpecialistProfileRequest { accepting_consults: false, ..dentist() };
        case.specialist.put_my_specialist_profile(&away, Some(&current.etag)).await.unwrap();
        let refused = case.referrer_admin.request_consult(case.referral, &question, None).await.unwrap_err();
        assert_eq!(refused.code(), Some("not_accepting_consults"));
    }

    async fn the_demo_network_has_specialists_and_an_answered_consult(app) {
        let store = app.store.clone();
        tokio::task::spawn_blocking(move || warren_seed::demo::load(&store)).await.unwrap().unwrap();
        let tokens = app.tokens("vet@harbourside.demo", warren_seed::demo::DEMO_PASSWORD).await;
        let dentist = app.client.with_access_token(&tokens.access_token);
        let found = dentist
            .search_specialists(&SpecialistQuery { species: Some("small_mammal/guinea_pig".into()), discipline: Some(Discipline::Dentistry), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(found.items.len(), 1, "{found:?}");
        assert_eq!(found.items[0].name, "Tom Okafor");
        let all = dentist.search_specialists(&SpecialistQuery::default()).await.unwrap();
        assert_eq!(all.items.len(), 4, "{all:?}");
        let consults = dentist.my_consults(&ConsultQuery::default()).await.unwrap();
        assert_eq!(consults.items.len(), 1);
        let consult = &consults.items[0];
        assert_eq!(consult.status, ConsultStatus::Answered);
        let thread = app
            .client
            .with_access_token(&app.tokens("coordinator@warren.demo", warren_seed::demo::DEMO_PASSWORD).await.access_token)
            .referral_messages(consult.referral_id)
            .await
            .unwrap();
        assert!(thread.items.iter().any(|m| m.body.starts_with("Consult answered by Tom Okafor")), "{thread:?}");
    }
}

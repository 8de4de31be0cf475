//! The volunteer roster through the API on both databases: profiles with
//! skills that lapse, versioned like everything else; the roster and its
//! filters, for coordinators only; transports without a driver, taken by a
//! volunteer whose transport skill is valid — exactly one of two who try at
//! once — given back, and offered by name; foster placements offered,
//! answered by the fosterer only, and ended.

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;
use warren_client::{Client, ClientError};
use warren_domain::Role;
use warren_domain::directory::hours::OpeningHoursText;
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::referral::{BusinessStatus, ReferralStatus, TransportStatus};
use warren_domain::text::ShortText;
use warren_tests::*;
use warren_wire::{
    CreatePlacementRequest, DeclineDriveRequest, FosterStatus, PlacementTransitionRequest,
    Referral, RosterQuery, Skill, SkillEntry, TransitionRequest, TransportRequest,
    VolunteerProfileRequest,
};

use crate::referrals::{Network, network, note, rat_request};

fn field_of(error: &ClientError) -> String {
    match error {
        ClientError::Problem(problem) => problem
            .errors
            .first()
            .map(|error| error.field.clone())
            .unwrap_or_default(),
        other => panic!("{other:?}"),
    }
}

pub(crate) fn skill(skill: Skill, days: Option<i64>) -> SkillEntry {
    SkillEntry {
        skill,
        expires_on: days.map(|days| Utc::now().date_naive() + Duration::days(days)),
    }
}

fn profile(skills: Vec<SkillEntry>, availability: &str) -> VolunteerProfileRequest {
    VolunteerProfileRequest {
        skills,
        availability: OpeningHoursText::parse(availability).unwrap(),
        timezone: None,
        area: ShortText::parse("North Bristol").unwrap(),
        latitude: Some(51.47),
        longitude: Some(-2.59),
        radius_km: Some(20),
        has_vehicle: true,
        notes: None,
        active: true,
    }
}

/// A volunteer of `organization` with `skills`, free all week.
pub(crate) async fn volunteer(
    app: &TestApp,
    admin: &Client,
    organization: Uuid,
    email: &str,
    skills: Vec<SkillEntry>,
) -> (Client, Uuid) {
    let client = app
        .member(admin, organization, email, Role::Volunteer)
        .await;
    let saved = client
        .save_volunteer_profile(&profile(skills, "24/7"), None)
        .await
        .expect("save a profile");
    (client, saved.value.user_id)
}

/// A referral from the referrer to the receiver, accepted, with a leg
/// confirmed and no driver.
pub(crate) async fn referral_needing_a_driver(net: &Network) -> Referral {
    let created = net
        .referrer_admin
        .create_referral(net.referrer, &rat_request(vec![net.receiver_site]), None)
        .await
        .unwrap();
    let sent = &created.items[0];
    let accepted = net
        .receiver_admin
        .transition_referral(
            sent.id,
            &TransitionRequest {
                status: ReferralStatus::Accepted,
                reason: None,
                note: None,
            },
            &format!("\"{}\"", sent.version),
        )
        .await
        .unwrap()
        .value;
    net.receiver_admin
        .arrange_transport(
            accepted.id,
            &leg(TransportStatus::Confirmed, None),
            &format!("\"{}\"", accepted.version),
        )
        .await
        .unwrap()
        .value
}

fn leg(status: TransportStatus, driver: Option<Uuid>) -> TransportRequest {
    TransportRequest {
        pickup: ShortText::parse("Harbour Vets Surgery").unwrap(),
        dropoff: ShortText::parse("Avon Exotics Hospital").unwrap(),
        window_starts: Some(Utc::now() + Duration::hours(1)),
        window_ends: Some(Utc::now() + Duration::hours(3)),
        notes: Some(note("Keep the carrier warm and covered")),
        driver_user_id: driver,
        status: Some(status),
        share_with_network: None,
        needed_by: None,
    }
}

warren_tests::on_both_databases! {
    async fn a_volunteer_keeps_a_profile_and_coordinators_find_them_on_the_roster(app) {
        let net = network(&app).await;
        let sam = app.member(&net.receiver_admin, net.receiver, "sam@avon.test", Role::Volunteer).await;
        assert_eq!(sam.my_volunteer_profile().await.unwrap_err().status(), Some(404));

        // Refused, field by field, and nothing saved.
        let twice = profile(vec![skill(Skill::Foster, None), skill(Skill::Foster, None)], "24/7");
        assert_eq!(field_of(&sam.save_volunteer_profile(&twice, None).await.unwrap_err()), "skills");
        let undated = profile(vec![skill(Skill::FirstAid, None)], "24/7");
        assert_eq!(field_of(&sam.save_volunteer_profile(&undated, None).await.unwrap_err()), "skills");
        let half = VolunteerProfileRequest { longitude: None, ..profile(vec![], "24/7") };
        assert_eq!(field_of(&sam.save_volunteer_profile(&half, None).await.unwrap_err()), "latitude");
        let gibberish = sam
            .request(Method::PUT, "/api/v1/me/volunteer-profile")
            .json(&json!({"skills": [], "availability": "whenever", "area": "Bristol", "has_vehicle": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(gibberish.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: serde_json::Value = gibberish.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "availability", "{problem}");
        assert_eq!(sam.my_volunteer_profile().await.unwrap_err().status(), Some(404));

        // Saved: first aid lapsed yesterday, transport good for a month.
        let skills = vec![
            skill(Skill::FirstAid, Some(-1)),
            skill(Skill::Transport, Some(30)),
            skill(Skill::Foster, None),
        ];
        let saved = sam.save_volunteer_profile(&profile(skills.clone(), "24/7"), None).await.unwrap();
        assert_eq!(saved.value.version, 1);
        let order: Vec<(Skill, bool)> = saved.value.skills.iter().map(|held| (held.skill, held.valid)).collect();
        assert_eq!(order, [(Skill::Transport, true), (Skill::Foster, true), (Skill::FirstAid, false)]);
        assert!(saved.value.available_now);
        assert_eq!(saved.value.week.len(), 7);

        // Versions guard the profile like everything else.
        let unguarded = sam.save_volunteer_profile(&profile(skills.clone(), "24/7"), None).await.unwrap_err();
        assert_eq!(unguarded.status(), Some(428));
        let quiet_hours = "Mo-Su 03:00-03:01";
        let updated = sam.save_volunteer_profile(&profile(skills.clone(), quiet_hours), Some(&saved.etag)).await.unwrap();
        assert_eq!(updated.value.version, 2);
        let stale = sam.save_volunteer_profile(&profile(skills, "24/7"), Some(&saved.etag)).await.unwrap_err();
        assert_eq!(stale.status(), Some(412));

        // The roster, with its filters.
        let roster = |query: RosterQuery| {
            let admin = net.receiver_admin.clone();
            async move { admin.volunteers(net.receiver, &query).await.unwrap().items }
        };
        let everyone = roster(RosterQuery::default()).await;
        assert_eq!(everyone.len(), 1);
        assert_eq!(everyone[0].role, Role::Volunteer);
        assert_eq!(everyone[0].email, "sam@avon.test");
        assert_eq!(roster(RosterQuery { skill: Some(Skill::Transport), ..Default::default() }).await.len(), 1);
        assert!(roster(RosterQuery { skill: Some(Skill::FirstAid), ..Default::default() }).await.is_empty(), "a lapsed skill does not count");
        assert_eq!(roster(RosterQuery { has_vehicle: Some(true), ..Default::default() }).await.len(), 1);
        let at_three = (Utc::now().date_naive() + Duration::days(1)).and_hms_opt(3, 0, 30).unwrap().and_utc();
        let at_noon = (Utc::now().date_naive() + Duration::days(1)).and_hms_opt(12, 0, 0).unwrap().and_utc();
        // 03:00 London is 03:00 UTC in winter and 02:00 UTC in summer.
        let free_at = |at: chrono::DateTime<Utc>| RosterQuery { available_at: Some(at.to_rfc3339()), ..Default::default() };
        let early = roster(free_at(at_three)).await.len() + roster(free_at(at_three - Duration::hours(1))).await.len();
        assert_eq!(early, 1, "free for one minute at 03:00 London time");
        assert!(roster(free_at(at_noon)).await.is_empty());

        // Only coordinators read it; outsiders are told nothing.
        assert_eq!(sam.volunteers(net.receiver, &RosterQuery::default()).await.unwrap_err().status(), Some(403));
        assert_eq!(net.referrer_admin.volunteers(net.receiver, &RosterQuery::default()).await.unwrap_err().status(), Some(404));
        assert_eq!(net.coordinator.volunteers(net.receiver, &RosterQuery::default()).await.unwrap().items.len(), 1);
        let bad = net.receiver_admin
            .request(Method::GET, &format!("/api/v1/organizations/{}/volunteers?available_at=soon", net.receiver))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    }

    async fn a_volunteer_takes_a_transport_without_a_driver_and_a_second_is_told_it_is_taken(app) {
        let net = network(&app).await;
        let referral = referral_needing_a_driver(&net).await;
        let (ana, ana_id) = volunteer(&app, &net.receiver_admin, net.receiver, "ana@avon.test", vec![skill(Skill::Transport, Some(10))]).await;
        let (ben, ben_id) = volunteer(&app, &net.receiver_admin, net.receiver, "ben@avon.test", vec![skill(Skill::Transport, None)]).await;
        let (lapsed, _) = volunteer(&app, &net.receiver_admin, net.receiver, "lee@avon.test", vec![skill(Skill::Transport, Some(-1))]).await;
        let fosterer = app.member(&net.receiver_admin, net.receiver, "fay@avon.test", Role::Volunteer).await;

        // Listed for drivers, with where and when but never the owner's contact.
        let open = ana.unassigned_transports().await.unwrap().items;
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].referral_id, referral.id);
        assert_eq!(open[0].status, TransportStatus::Confirmed);
        assert_eq!(open[0].species_label, "Rat");
        assert_eq!(open[0].patient_name.as_deref(), Some("Pip"));
        assert!(open[0].distance_km.is_some_and(|km| km < 5.0), "{:?}", open[0].distance_km);
        let raw = ana.request(Method::GET, "/api/v1/transports/unassigned").send().await.unwrap().text().await.unwrap();
        assert!(!raw.contains("Sam Owner") && !raw.contains("07700"), "{raw}");
        assert!(net.coordinator.unassigned_transports().await.unwrap().items.is_empty(), "only the two organizations' members");

        // A skill that lapsed, or none at all, is not enough.
        for (who, client) in [("lapsed", &lapsed), ("no profile", &fosterer)] {
            let refused = client.accept_transport(referral.id).await.unwrap_err();
            assert_eq!(refused.code(), Some("skill_required"), "{who}: {refused:?}");
        }

        // Two volunteers at once: exactly one drives.
        let (first, second) = tokio::join!(ana.accept_transport(referral.id), ben.accept_transport(referral.id));
        let (winner, winner_id, loser) = match (&first, &second) {
            (Ok(_), Err(error)) => (&ana, ana_id, error.clone()),
            (Err(error), Ok(_)) => (&ben, ben_id, error.clone()),
            other => panic!("exactly one must win: {other:?}"),
        };
        assert_eq!(loser.status(), Some(409), "{loser:?}");
        let driven = net.receiver_admin.referral(referral.id).await.unwrap().value;
        let leg_now = driven.transport.as_ref().unwrap();
        assert_eq!(leg_now.status, TransportStatus::Scheduled);
        assert_eq!(leg_now.driver.as_ref().unwrap().user_id, winner_id);
        assert_eq!(driven.business_status, Some(BusinessStatus::ToBePickedUp));
        let timeline = net.referrer_admin.referral_timeline(referral.id).await.unwrap();
        assert!(timeline.items.iter().any(|entry| entry.note.as_deref().is_some_and(|text| text.contains("will drive"))), "{timeline:?}");
        assert!(ana.unassigned_transports().await.unwrap().items.is_empty());
        let mine = winner.my_assignments().await.unwrap();
        assert_eq!(mine.transports.len(), 1);
        assert_eq!(mine.transports[0].status, TransportStatus::Scheduled);
        let again = winner.accept_transport(referral.id).await.unwrap_err();
        assert_eq!(again.status(), Some(409));

        // Someone outside both organizations is told nothing.
        let coordinator = &net.coordinator;
        let (third, third_admin) = app.vetted(coordinator, "Severn Rescue", "c@severn.test").await;
        let (outsider, _) = volunteer(&app, &third_admin, third, "otto@severn.test", vec![skill(Skill::Transport, None)]).await;
        assert_eq!(outsider.accept_transport(referral.id).await.unwrap_err().status(), Some(404));

        // Given back, it is listed again; only its driver may give it back.
        let not_theirs = lapsed.decline_transport(referral.id, &DeclineDriveRequest { reason: None }).await.unwrap_err();
        assert_eq!(not_theirs.status(), Some(409));
        let reason = DeclineDriveRequest { reason: Some(ShortText::parse("Car broke down").unwrap()) };
        let back = winner.decline_transport(referral.id, &reason).await.unwrap();
        assert_eq!(back.transport.as_ref().unwrap().status, TransportStatus::Confirmed);
        assert!(back.transport.as_ref().unwrap().driver.is_none());
        assert_eq!(ana.unassigned_transports().await.unwrap().items.len(), 1);
        assert!(winner.my_assignments().await.unwrap().transports.is_empty());

        // Offered by name: the volunteer sees it among their assignments and accepts.
        let current = net.receiver_admin.referral(referral.id).await.unwrap();
        net.receiver_admin
            .arrange_transport(referral.id, &leg(TransportStatus::Confirmed, Some(ben_id)), &current.etag)
            .await
            .unwrap();
        assert!(ana.unassigned_transports().await.unwrap().items.is_empty(), "offered to someone: not open to all");
        let offered = ben.my_assignments().await.unwrap().transports;
        assert_eq!(offered.len(), 1);
        assert_eq!(offered[0].status, TransportStatus::Confirmed);
        assert_eq!(ana.accept_transport(referral.id).await.unwrap_err().code(), Some("transport_taken"));
        let accepted = ben.accept_transport(referral.id).await.unwrap().value;
        assert_eq!(accepted.transport.unwrap().status, TransportStatus::Scheduled);
    }

    async fn foster_placements_are_offered_answered_by_the_fosterer_and_ended(app) {
        let net = network(&app).await;
        let (kim, kim_id) = volunteer(&app, &net.receiver_admin, net.receiver, "kim@avon.test", vec![skill(Skill::Foster, None)]).await;
        let (_driver, driver_id) = volunteer(&app, &net.receiver_admin, net.receiver, "dev@avon.test", vec![skill(Skill::Transport, None)]).await;
        let starts_on = Utc::now().date_naive() + Duration::days(1);
        let request = CreatePlacementRequest {
            volunteer_user_id: kim_id,
            species: TermCode::parse("small_mammal/rat").unwrap(),
            animal_name: ShortText::parse("Three young rats").unwrap(),
            referral_id: None,
            starts_on,
            ends_on: Some(starts_on + Duration::days(14)),
            notes: None,
        };

        // Refused, field by field.
        let no_skill = CreatePlacementRequest { volunteer_user_id: driver_id, ..request.clone() };
        assert_eq!(field_of(&net.receiver_admin.create_placement(net.receiver, &no_skill, None).await.unwrap_err()), "volunteer_user_id");
        let backwards = CreatePlacementRequest { ends_on: Some(starts_on - Duration::days(1)), ..request.clone() };
        assert_eq!(field_of(&net.receiver_admin.create_placement(net.receiver, &backwards, None).await.unwrap_err()), "ends_on");
        let unknown = CreatePlacementRequest { species: TermCode::parse("reptile").unwrap(), ..request.clone() };
        assert_eq!(field_of(&net.receiver_admin.create_placement(net.receiver, &unknown, None).await.unwrap_err()), "species");
        let foreign = CreatePlacementRequest { referral_id: Some(Uuid::new_v4()), ..request.clone() };
        assert_eq!(field_of(&net.receiver_admin.create_placement(net.receiver, &foreign, None).await.unwrap_err()), "referral_id");
        assert_eq!(kim.create_placement(net.receiver, &request, None).await.unwrap_err().status(), Some(403));
        assert_eq!(net.referrer_admin.create_placement(net.receiver, &request, None).await.unwrap_err().status(), Some(404));

        // Offered once, however often the request is retried.
        let offered = net.receiver_admin.create_placement(net.receiver, &request, Some("rats-1")).await.unwrap();
        let replay = net.receiver_admin.create_placement(net.receiver, &request, Some("rats-1")).await.unwrap();
        assert_eq!(replay.id, offered.id);
        assert_eq!(net.receiver_admin.placements(net.receiver).await.unwrap().items.len(), 1);
        assert_eq!(offered.status, FosterStatus::Offered);
        assert_eq!(offered.species_label, "Rat");
        assert_eq!(offered.allowed, [FosterStatus::Cancelled], "the organization cancels but does not answer");

        // The fosterer sees it and answers; nobody else does.
        let mine = kim.my_assignments().await.unwrap().placements;
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].allowed, [FosterStatus::Accepted, FosterStatus::Declined]);
        let accept = PlacementTransitionRequest { status: FosterStatus::Accepted, note: None };
        let etag = format!("\"{}\"", offered.version);
        let by_admin = net.receiver_admin.transition_placement(offered.id, &accept, &etag).await.unwrap_err();
        assert_eq!(by_admin.code(), Some("illegal_transition"));
        assert_eq!(net.referrer_admin.placement(offered.id).await.unwrap_err().status(), Some(404));
        let accepted = kim.transition_placement(offered.id, &accept, &etag).await.unwrap();
        assert_eq!(accepted.value.status, FosterStatus::Accepted);
        let stale = kim.transition_placement(offered.id, &accept, &etag).await.unwrap_err();
        assert_eq!(stale.status(), Some(412));

        // Either side ends it; then it leaves the volunteer's assignments.
        let end = PlacementTransitionRequest { status: FosterStatus::Ended, note: Some(ShortText::parse("Adopted together").unwrap()) };
        let ended = net.receiver_admin.transition_placement(offered.id, &end, &accepted.etag).await.unwrap().value;
        assert_eq!(ended.status, FosterStatus::Ended);
        assert_eq!(ended.status_note.as_deref(), Some("Adopted together"));
        assert!(kim.my_assignments().await.unwrap().placements.is_empty());
        assert_eq!(kim.placements(net.receiver).await.unwrap_err().status(), Some(403));
    }
}

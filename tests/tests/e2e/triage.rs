//! Triage through the API: the public protocol and evaluation, recorded
//! assessments with destinations, and protocol versions — on SQLite and
//! PostgreSQL.

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;
use warren_client::ClientError;
use warren_domain::directory::hours::{CountryCode, OpeningHoursText, Timezone};
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::directory::{Latitude, Longitude};
use warren_domain::triage::{
    Answer, SpeciesGroup, Tier, Variant, VariantSign, assess, default_protocol, first_version,
};
use warren_domain::{AddressLine, OrgName, Phone};
use warren_tests::*;
use warren_wire::{
    AssessmentQuery, CreateAssessmentRequest, EvaluateRequest, PublishProtocolRequest, SiteInput,
};

const BRISTOL: (f64, f64) = (51.4545, -2.5879);

fn species(code: &str) -> TermCode {
    TermCode::parse(code).unwrap()
}

fn site(name: &str, km_north: f64, capabilities: &[&str], accepted: &[&str]) -> SiteInput {
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
        opening_hours: Some(OpeningHoursText::parse("24/7").unwrap()),
        after_hours_cover: None,
        capabilities: capabilities.iter().map(|code| species(code)).collect(),
        species: accepted.iter().map(|code| species(code)).collect(),
        limitations: Default::default(),
    }
}

fn answers(pairs: &[(&str, Answer)]) -> BTreeMap<String, Answer> {
    pairs
        .iter()
        .map(|(code, answer)| ((*code).to_owned(), *answer))
        .collect()
}

fn not_eating_and_breathing_fast() -> BTreeMap<String, Answer> {
    answers(&[
        ("gut_stasis", Answer::Yes),
        ("respiratory_distress", Answer::Yes),
    ])
}

warren_tests::on_both_databases! {
    async fn the_protocol_is_public_and_the_server_assesses_exactly_as_the_shared_engine(app) {
        let anonymous = app.client.anonymous();
        let current = anonymous.triage_protocol().await.expect("the protocol is public");
        assert_eq!(current.version, 1);
        assert_eq!(current.protocol, { let mut p = default_protocol(); p.version = 1; p });
        // The whole discriminator table, every species group: server and engine agree.
        for code in ["small_mammal/rat", "small_mammal/hamster", "small_mammal/guinea_pig", "small_mammal/jerboa", "wildlife/bird", "wildlife/raptor", "wildlife/hedgehog", "wildlife/carnivore", "wildlife/deer"] {
            for sign in &current.protocol.discriminators {
                let given = answers(&[(sign.code.as_str(), Answer::Yes)]);
                let remote = anonymous
                    .evaluate_triage(&EvaluateRequest { species: species(code), answers: given.clone() })
                    .await
                    .expect("evaluate");
                let local = assess(&current.protocol, &species(code), &given).unwrap();
                assert_eq!(remote, local, "{} for {code}", sign.code);
            }
        }
        let unknown_sign = anonymous
            .request(Method::POST, "/api/v1/triage/evaluate")
            .json(&json!({"species": "small_mammal/rat", "answers": {"sneezing": "yes"}}))
            .send()
            .await
            .unwrap();
        assert_eq!(unknown_sign.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: warren_wire::Problem = unknown_sign.json().await.unwrap();
        assert_eq!(problem.errors[0].field, "answers.sneezing");
        for (body, field) in [
            (json!({"species": "reptile/gecko", "answers": {}}), "species"),
            (json!({"species": "small_mammal/rat", "answers": {"wounds": "maybe"}}), "answers.wounds"),
        ] {
            let response = anonymous.request(Method::POST, "/api/v1/triage/evaluate").json(&body).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            let problem: warren_wire::Problem = response.json().await.unwrap();
            assert!(problem.errors[0].field.starts_with(field), "{problem:?}");
        }
    }

    async fn staff_record_an_assessment_with_the_nearest_open_site_that_has_oxygen(app) {
        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app.vetted(&coordinator, "Triage Vets", "tv@triage.test").await;
        let nurse = app.member(&clinic_admin, clinic, "nurse@triage.test", Role::Staff).await;
        let home = clinic_admin.create_site(clinic, &site("Triage Vets Surgery", 0.0, &[], &["small_mammal"]), None).await.unwrap().value.listing.id;
        let (partners, partner_admin) = app.vetted(&coordinator, "Oxygen Partners", "op@oxygen.test").await;
        partner_admin.create_site(partners, &site("No Oxygen Here", 1.0, &["radiography"], &["small_mammal"]), None).await.unwrap();
        let near = partner_admin.create_site(partners, &site("Near Oxygen", 3.0, &["oxygen_cage"], &["small_mammal/guinea_pig"]), None).await.unwrap().value.listing.id;
        let far = partner_admin.create_site(partners, &site("Far Oxygen", 12.0, &["oxygen_cage"], &["small_mammal"]), None).await.unwrap().value.listing.id;

        let request = CreateAssessmentRequest {
            species: species("small_mammal/guinea_pig"),
            patient: Some("Biscuit".into()),
            answers: not_eating_and_breathing_fast(),
            site_id: Some(home),
            protocol_version: None,
        };
        let key = Uuid::new_v4().to_string();
        let record = nurse.create_assessment(clinic, &request, Some(&key)).await.expect("record");
        assert_eq!(record.result.tier.tier, Tier::Immediate);
        assert_eq!(record.result.fired.as_deref(), Some("respiratory_distress"));
        assert!(record.result.before_transport.iter().any(|step| step.contains("oxygen")));
        assert!(record.result.during_transport.iter().any(|step| step.contains("warm")));
        assert_eq!(record.result.protocol_version, 1);
        assert!(record.assessed_by.contains("nurse@triage.test"));
        let found: Vec<Uuid> = record.destinations.iter().map(|hit| hit.site_id).collect();
        assert_eq!(found, [near, far], "open sites with oxygen that take guinea pigs, nearest first");
        assert!(record.destinations[0].reasons.iter().any(|reason| reason.text == "Oxygen cage"));

        // A device syncing the same record twice keeps one.
        let again = nurse.create_assessment(clinic, &request, Some(&key)).await.expect("replay");
        assert_eq!(again.id, record.id);
        let page = nurse.assessments(clinic, &AssessmentQuery::default()).await.unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(nurse.assessment(record.id).await.unwrap(), record);

        let (_, stranger) = app.vetted(&coordinator, "Stranger Vets", "sv@stranger.test").await;
        assert_eq!(stranger.assessment(record.id).await.unwrap_err().status(), Some(404));
        assert_eq!(stranger.assessments(clinic, &AssessmentQuery::default()).await.unwrap_err().status(), Some(404));
        assert_eq!(stranger.create_assessment(clinic, &request, None).await.unwrap_err().status(), Some(404));
        assert_eq!(app.client.create_assessment(clinic, &request, None).await.unwrap_err().status(), Some(401));
        let elsewhere = CreateAssessmentRequest { site_id: Some(near), ..request.clone() };
        let refused = nurse.create_assessment(clinic, &elsewhere, None).await.unwrap_err();
        assert_eq!(refused.status(), Some(422), "another organization's site is not ours to start from");
        assert_eq!(coordinator.assessment(record.id).await.unwrap().id, record.id);
    }

    async fn a_new_protocol_version_changes_the_next_result_and_old_records_keep_theirs(app) {
        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app.vetted(&coordinator, "Versioned Triage", "vt@versioned.test").await;
        let stasis = CreateAssessmentRequest {
            species: species("small_mammal/guinea_pig"),
            patient: None,
            answers: answers(&[("gut_stasis", Answer::Yes)]),
            site_id: None,
            protocol_version: None,
        };
        let before = clinic_admin.create_assessment(clinic, &stasis, None).await.unwrap();
        assert_eq!(before.result.tier.tier, Tier::Urgent);

        let mut protocol = clinic_admin.triage_protocol().await.unwrap().protocol;
        let sign = protocol.discriminators.iter_mut().find(|sign| sign.code == "gut_stasis").unwrap();
        sign.group_tiers = vec![(SpeciesGroup::Herbivore, Tier::VeryUrgent)];
        let request = PublishProtocolRequest { protocol: protocol.clone() };
        assert_eq!(clinic_admin.publish_triage_protocol(&request).await.unwrap_err().status(), Some(403));
        let published = coordinator.publish_triage_protocol(&request).await.expect("publish");
        assert_eq!(published.version, 2);
        assert_eq!(published.published_by, "Morgan Hale", "the publisher's name, not their e-mail");
        assert!(published.changes.iter().any(|change| change.starts_with("gut_stasis species tiers")), "{:?}", published.changes);
        assert_eq!(coordinator.publish_triage_protocol(&request).await.unwrap_err().status(), Some(409), "nothing changed");
        let mut broken = protocol.clone();
        broken.discriminators.push(broken.discriminators[0].clone());
        assert_eq!(coordinator.publish_triage_protocol(&PublishProtocolRequest { protocol: broken }).await.unwrap_err().status(), Some(422));

        let after = clinic_admin.create_assessment(clinic, &stasis, None).await.unwrap();
        assert_eq!(after.result.tier.tier, Tier::VeryUrgent);
        assert_eq!(after.result.protocol_version, 2);
        let old = clinic_admin.assessment(before.id).await.unwrap();
        assert_eq!(old.result.protocol_version, 1);
        assert_eq!(old.result.tier.tier, Tier::Urgent);
        // A device that assessed offline under version 1 syncs after version 2 is out.
        let offline = CreateAssessmentRequest { protocol_version: Some(1), ..stasis.clone() };
        let synced = clinic_admin.create_assessment(clinic, &offline, None).await.unwrap();
        assert_eq!((synced.result.protocol_version, synced.result.tier.tier), (1, Tier::Urgent));
        let unknown = CreateAssessmentRequest { protocol_version: Some(7), ..stasis.clone() };
        let refused = clinic_admin.create_assessment(clinic, &unknown, None).await.unwrap_err();
        assert_eq!(refused.status(), Some(422));
        let ClientError::Problem(problem) = refused else { panic!("{refused:?}") };
        assert_eq!(problem.errors[0].field, "protocol_version");
        let versions = app.client.anonymous().triage_protocol_versions().await.unwrap();
        let numbers: Vec<u32> = versions.items.iter().map(|v| v.version).collect();
        assert_eq!(numbers, [2, 1]);
        assert_eq!(app.client.anonymous().triage_protocol_version(1).await.unwrap().protocol.version, 1);
        assert_eq!(app.client.anonymous().triage_protocol_version(9).await.unwrap_err().status(), Some(404));
    }

    async fn a_site_variant_adapts_interventions_for_assessments_started_there(app) {
        let coordinator = app.network_admin().await;
        let (clinic, admin) = app.vetted(&coordinator, "Kit Vets", "kv@kit.test").await;
        let volunteer = app.member(&admin, clinic, "vol@kit.test", Role::Volunteer).await;
        let (_, stranger) = app.vetted(&coordinator, "Other Kit", "ok@other.test").await;
        let home = admin.create_site(clinic, &site("Kit Vets Surgery", 0.0, &[], &["small_mammal"]), None).await.unwrap().value.listing.id;
        let path = format!("/api/v1/sites/{home}/triage-variant");
        let variant = Variant {
            signs: vec![VariantSign {
                code: "respiratory_distress".into(),
                before_transport: Some(vec!["Use our portable concentrator at 2 L/min".into()]),
                during_transport: None,
            }],
        };
        assert_eq!(admin.request(Method::GET, &path).send().await.unwrap().status(), StatusCode::NOT_FOUND);
        for (caller, status) in [(&volunteer, StatusCode::FORBIDDEN), (&stranger, StatusCode::FORBIDDEN)] {
            let response = caller.request(Method::PUT, &path).json(&variant).send().await.unwrap();
            assert_eq!(response.status(), status);
        }
        let unknown = json!({"signs": [{"code": "sneezing", "before_transport": ["x"]}]});
        let refused = admin.request(Method::PUT, &path).json(&unknown).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: warren_wire::Problem = refused.json().await.unwrap();
        assert_eq!(problem.errors[0].field, "signs[0].code");
        let saved = admin.request(Method::PUT, &path).json(&variant).send().await.unwrap();
        assert_eq!(saved.status(), StatusCode::OK);
        let read: warren_wire::SiteTriageVariant = stranger.request(Method::GET, &path).send().await.unwrap().json().await.unwrap();
        assert_eq!(read.variant, variant);

        let request = CreateAssessmentRequest {
            species: species("small_mammal/guinea_pig"),
            patient: None,
            answers: not_eating_and_breathing_fast(),
            site_id: Some(home),
            protocol_version: None,
        };
        let adapted = admin.create_assessment(clinic, &request, None).await.unwrap();
        assert_eq!(adapted.result.tier.tier, Tier::Immediate, "a variant never changes the tier");
        assert_eq!(adapted.result.before_transport[0], "Use our portable concentrator at 2 L/min");
        assert_eq!(adapted.variant_site_id, Some(home));
        assert_eq!(admin.request(Method::DELETE, &path).send().await.unwrap().status(), StatusCode::NO_CONTENT);
        assert_eq!(admin.request(Method::DELETE, &path).send().await.unwrap().status(), StatusCode::NOT_FOUND);
        let plain = admin.create_assessment(clinic, &request, None).await.unwrap();
        assert!(plain.result.before_transport[0].starts_with("Give oxygen"));
        assert_eq!(plain.variant_site_id, None);
    }

    async fn the_server_withholds_feeding_a_guinea_pig_struggling_to_breathe_and_names_what_cannot_be_ruled_out(app) {
        let coordinator = app.network_admin().await;
        let (clinic, nurse) = app.vetted(&coordinator, "Careful Vets", "cv@careful.test").await;
        let protocol = app.client.anonymous().triage_protocol().await.unwrap().protocol;
        let breathing = protocol.discriminators.iter().find(|sign| sign.code == "respiratory_distress").unwrap();
        assert!(breathing.staff_question.contains("Breathing fast or laboured"), "{}", breathing.staff_question);

        let request = CreateAssessmentRequest {
            species: species("small_mammal/guinea_pig"),
            patient: Some("Biscuit".into()),
            answers: not_eating_and_breathing_fast(),
            site_id: None,
            protocol_version: None,
        };
        let record = nurse.create_assessment(clinic, &request, None).await.expect("record");
        let steps: Vec<&String> = record.result.before_transport.iter().chain(&record.result.during_transport).collect();
        assert!(steps.iter().any(|step| step.as_str() == "Do not restrain: handle as little as possible"));
        assert!(!steps.iter().any(|step| step.starts_with("Syringe-feed") || step.starts_with("Offer hay")), "{steps:?}");
        let withheld = &record.result.withheld;
        assert_eq!(withheld.len(), 1, "{withheld:?}");
        assert_eq!(withheld[0].code, "oral_with_breathing_seizures_or_collapse");
        assert_eq!(withheld[0].because, "because of respiratory distress");
        assert!(withheld[0].reason.starts_with("risk of aspiration"));
        assert_eq!(nurse.assessment(record.id).await.unwrap().result.withheld, *withheld, "the record keeps what was withheld");

        // "Not sure" about breathing: tier 3 stays, but the answer says to
        // treat the case as tier 1, and feeding is withheld meanwhile.
        let unsure = answers(&[("gut_stasis", Answer::Yes), ("respiratory_distress", Answer::Unknown)]);
        let evaluated = app.client.anonymous()
            .evaluate_triage(&EvaluateRequest { species: species("small_mammal/guinea_pig"), answers: unsure.clone() })
            .await
            .unwrap();
        assert_eq!(evaluated.tier.tier, Tier::Urgent);
        assert_eq!(evaluated.cannot_rule_out.len(), 1);
        assert_eq!(evaluated.cannot_rule_out[0].code, "respiratory_distress");
        assert_eq!(evaluated.cannot_rule_out[0].tier.tier, Tier::Immediate);
        assert_eq!(evaluated.withheld[0].because, "because of possible respiratory distress");
        let recorded = nurse
            .create_assessment(clinic, &CreateAssessmentRequest { answers: unsure, ..request }, None)
            .await
            .unwrap();
        assert_eq!(recorded.result.cannot_rule_out, evaluated.cannot_rule_out);

        // A contraindication naming a sign the protocol lacks is refused.
        let mut broken = protocol;
        broken.contraindications[0].signs.push("sneezing".into());
        let refused = coordinator.publish_triage_protocol(&PublishProtocolRequest { protocol: broken }).await.unwrap_err();
        assert_eq!(refused.status(), Some(422));
    }

    async fn a_network_that_started_before_the_contraindications_gets_them_as_a_new_version_once(app) {
        use diesel::prelude::*;
        use warren_store::schema::{triage_protocol_revisions, triage_protocols};
        // The network as it was before the revision: the first protocol as
        // shipped, no revision published.
        let old = serde_json::to_string(&first_version()).unwrap();
        app.store
            .write(|connection| {
                diesel::update(triage_protocols::table.filter(triage_protocols::version.eq(1)))
                    .set(triage_protocols::body.eq(&old))
                    .execute(connection)?;
                diesel::delete(triage_protocol_revisions::table).execute(connection)?;
                Ok::<_, warren_store::StoreError>(())
            })
            .unwrap();
        let before = app.client.anonymous().triage_protocol().await.unwrap();
        assert!(before.protocol.contraindications.is_empty());

        // The server starts again.
        for _ in 0..2 {
            app.store.write(warren_store::triage::seed_protocol).unwrap();
        }
        let anonymous = app.client.anonymous();
        let versions = anonymous.triage_protocol_versions().await.unwrap();
        let numbers: Vec<u32> = versions.items.iter().map(|version| version.version).collect();
        assert_eq!(numbers, [2, 1], "one new version, published once");
        assert_eq!(versions.items[0].published_by, "Warren");
        for expected in ["Added contraindication oral_with_breathing_seizures_or_collapse:", "respiratory_distress staff question:"] {
            assert!(versions.items[0].changes.iter().any(|change| change.starts_with(expected)), "{expected} in {:?}", versions.items[0].changes);
        }
        let current = anonymous.triage_protocol().await.unwrap();
        assert_eq!(current.version, 2);
        assert_eq!(current.protocol, { let mut p = default_protocol(); p.version = 2; p });
        assert_eq!(anonymous.triage_protocol_version(1).await.unwrap().protocol.contraindications, [], "history stays true");
        let result = anonymous
            .evaluate_triage(&EvaluateRequest { species: species("small_mammal/guinea_pig"), answers: not_eating_and_breathing_fast() })
            .await
            .unwrap();
        assert_eq!((result.protocol_version, result.withheld.len()), (2, 1));
    }
}

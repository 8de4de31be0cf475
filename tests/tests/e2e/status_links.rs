//! The status link for an owner or finder, through the API on both
//! databases: the referring clinic makes one (not the receiver, not a
//! volunteer, not a stranger); anyone with it reads the case in plain words
//! — the place once one said yes, what to expect and to bring, and only the
//! updates and outcome the clinic chose to share, never clinical notes,
//! contacts or staff names; a revoked link or an unknown secret answers the
//! same 404.

use chrono::Utc;
use uuid::Uuid;
use warren_client::{Client, ClientError};
use warren_domain::referral::{OutcomeKind, ReferralStatus};
use warren_tests::*;
use warren_wire::{
    CaseStage, CaseStatusRequest, RecordOutcomeRequest, StatusLinkRequest, StatusUpdateRequest,
    TransitionRequest,
};

use crate::specialists::{note, rabbit_request, site};

fn status_of(error: &ClientError) -> u16 {
    error.status().unwrap_or_default()
}

async fn move_to(client: &Client, referral: Uuid, status: ReferralStatus) {
    let current = client.referral(referral).await.unwrap();
    client
        .transition_referral(
            referral,
            &TransitionRequest {
                status,
                reason: None,
                note: None,
            },
            &current.etag,
        )
        .await
        .unwrap();
}

fn secret(url: &str) -> String {
    url.split_once('#')
        .expect("the secret is in the # part")
        .1
        .to_owned()
}

warren_tests::on_both_databases! {
    async fn an_owner_follows_the_case_through_the_link_and_sees_only_what_was_shared(app) {
        let coordinator = app.network_admin().await;
        let (rescue_id, rescue) = app.vetted(&coordinator, "Hedgerow Rescue", "a@hedgerow.test").await;
        let (hospital_id, hospital) = app.vetted(&coordinator, "Avon Exotics", "b@avon.test").await;
        let (_, stranger) = app.vetted(&coordinator, "Far Away Rescue", "c@faraway.test").await;
        let volunteer = app.member(&rescue, rescue_id, "driver@hedgerow.test", Role::Volunteer).await;
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

        // Only the referring clinic's staff make links.
        let request = StatusLinkRequest {
            label: Some(warren_domain::ShortText::parse("Owner, Sam").unwrap()),
            what_to_bring: Some(note("Bring the carrier and the food she usually eats")),
            share_updates: true,
            share_outcome: false,
        };
        assert_eq!(status_of(&hospital.create_status_link(referral, &request).await.unwrap_err()), 403);
        assert_eq!(status_of(&volunteer.create_status_link(referral, &request).await.unwrap_err()), 403);
        assert_eq!(status_of(&stranger.create_status_link(referral, &request).await.unwrap_err()), 404);
        let link = rescue.create_status_link(referral, &request).await.unwrap();
        let url = link.url.clone().expect("the address, once");
        assert!(url.contains("/embed/status.html#"), "{url}");
        let token = secret(&url);
        assert!(token.len() >= 43, "32 random bytes");
        let listed = rescue.status_links(referral).await.unwrap();
        assert_eq!(listed.items.len(), 1);
        assert_eq!(listed.items[0].url, None, "never shown again");
        assert_eq!(listed.items[0].label.as_deref(), Some("Owner, Sam"));

        // Read with no account: asking, with what to expect and to bring.
        let owner = app.client.anonymous();
        let open = |token: String| {
            let owner = owner.clone();
            async move { owner.case_status(&CaseStatusRequest { token }).await }
        };
        let asking = open(token.clone()).await.unwrap();
        assert_eq!(asking.stage, CaseStage::Asking);
        assert_eq!(asking.from, "Hedgerow Rescue");
        assert!(asking.place.is_none(), "no place before one says yes");
        assert!(asking.expectation.unwrap().contains("within an hour"));
        assert_eq!(asking.what_to_bring.as_deref(), Some("Bring the carrier and the food she usually eats"));
        assert_eq!(asking.expires_at, None, "open cases keep their link");

        // Accepted: the place's public details.
        move_to(&hospital, referral, ReferralStatus::Accepted).await;
        let accepted = open(token.clone()).await.unwrap();
        assert_eq!(accepted.stage, CaseStage::Accepted);
        assert_eq!(accepted.headline, "Avon Exotics Hospital will take the animal");
        let place = accepted.place.unwrap();
        assert_eq!(place.organization_name, "Avon Exotics");
        assert_eq!(place.phone.as_deref(), Some("0117 496 0100"));
        assert_eq!(place.postcode, "BS1 5TY");

        // Updates show because the link shares them; the outcome does not.
        hospital
            .post_status_update(referral, &StatusUpdateRequest { body: note("Eating hay again this morning") })
            .await
            .unwrap();
        assert_eq!(
            status_of(&volunteer.post_status_update(referral, &StatusUpdateRequest { body: note("x") }).await.unwrap_err()),
            403
        );
        move_to(&hospital, referral, ReferralStatus::InProgress).await;
        let current = hospital.referral(referral).await.unwrap();
        hospital
            .record_referral_outcome(
                referral,
                &RecordOutcomeRequest {
                    kind: OutcomeKind::TreatedAndReturned,
                    note: Some(note("Molars burred under sedation; meloxicam 0.5 mg/kg")),
                    follow_up_due: None,
                },
                &current.etag,
            )
            .await
            .unwrap();
        let finished = open(token.clone()).await.unwrap();
        assert_eq!(finished.stage, CaseStage::Finished);
        assert_eq!(finished.updates.len(), 1);
        assert_eq!(finished.updates[0].body, "Eating hay again this morning");
        assert_eq!(finished.outcome, None, "not shared");
        let expires = finished.expires_at.expect("a closed case's link expires");
        assert!(expires > Utc::now() + chrono::Duration::days(29));
        // Nothing clinical, no contact, no staff names.
        let page = serde_json::to_string(&finished).unwrap();
        for private in ["meloxicam", "Molars", "drooling", "07700 900123", "Sam Owner", "Owner, Sam", "@"] {
            assert!(!page.contains(private), "the page shows {private:?}: {page}");
        }

        // A link that shares the outcome says it in plain words.
        let with_outcome = rescue
            .create_status_link(referral, &StatusLinkRequest { share_outcome: true, ..request.clone() })
            .await
            .unwrap();
        let shared = open(secret(&with_outcome.url.unwrap())).await.unwrap();
        assert_eq!(shared.outcome.as_deref(), Some("The animal was treated and handed back."));

        // Revoked, it dies at once; an unknown secret answers the same.
        rescue.revoke_status_link(referral, link.id).await.unwrap();
        let revoked = open(token.clone()).await.unwrap_err();
        assert_eq!(status_of(&revoked), 404);
        let unknown = open("not-a-real-secret".into()).await.unwrap_err();
        assert_eq!(status_of(&unknown), 404);
        assert_eq!(revoked.code(), unknown.code());
        assert!(rescue.status_links(referral).await.unwrap().items[0].revoked_at.is_some());
        assert_eq!(
            status_of(&stranger.revoke_status_link(referral, with_outcome.id).await.unwrap_err()),
            404
        );
    }
}

warren_tests::on_one_database! { Sqlite:
    async fn opening_status_links_is_rate_limited(backend: Backend) {
        let app = TestApp::spawn_with(backend, |config| config.public_requests_per_minute = 3).await;
        let owner = app.client.anonymous();
        let mut statuses = Vec::new();
        for _ in 0..5 {
            let answer = owner
                .case_status(&CaseStatusRequest { token: "guess".into() })
                .await
                .unwrap_err();
            statuses.push(status_of(&answer));
        }
        assert_eq!(statuses, [404, 404, 404, 429, 429]);
    }
}

//! Transport legs that reach a driver, through the API on both databases:
//! a clinic with no volunteers of its own shares a tier-1 leg with the
//! network and a volunteer of another organization takes it, never seeing
//! the owner's contact; sharing is the referrer's choice per leg and the
//! network's on the whole; the referrer sees how many qualified volunteers
//! can see the leg; a leg nobody takes by its time alerts the referrer's
//! side once, even with two replicas; and the referral's Call buttons use
//! each site's referral line.

use std::time::Duration;

use chrono::Utc;
use reqwest::Method;
use uuid::Uuid;
use warren_client::Client;
use warren_domain::alerts::AlertKind;
use warren_domain::referral::{ReferralStatus, TransportStatus};
use warren_domain::triage::Tier;
use warren_domain::{Email, PersonName, Phone, ShortText};
use warren_tests::*;
use warren_wire::{
    AlertQuery, CreateReferralRequest, DeclineDriveRequest, Referral, ReferralContact, Skill,
    TransitionRequest, TransportRequest, TransportSharingRequest,
};

use crate::referrals::{Network, network, note, rat_request, site};
use crate::volunteers::{skill, volunteer};

/// A referral from the referrer (a clinic with no volunteers) to the
/// receiver at `tier`, with transport needed.
pub(crate) async fn referral_at(net: &Network, tier: Tier) -> Referral {
    let request = CreateReferralRequest {
        priority: Some(tier),
        transport_needed: true,
        ..rat_request(vec![net.receiver_site])
    };
    net.referrer_admin
        .create_referral(net.referrer, &request, None)
        .await
        .unwrap()
        .items
        .remove(0)
}

/// A leg asked for and confirmed, no driver yet, picked up within the hour.
pub(crate) fn leg(share: Option<bool>) -> TransportRequest {
    TransportRequest {
        pickup: ShortText::parse("Harbour Vets Surgery").unwrap(),
        dropoff: ShortText::parse("Avon Exotics Hospital").unwrap(),
        window_starts: Some(Utc::now() + chrono::Duration::hours(1)),
        window_ends: Some(Utc::now() + chrono::Duration::hours(3)),
        notes: Some(note("Keep the carrier warm and covered")),
        driver_user_id: None,
        status: Some(TransportStatus::Confirmed),
        share_with_network: share,
        needed_by: None,
    }
}

pub(crate) async fn arrange(
    by: &Client,
    referral: &Referral,
    request: &TransportRequest,
) -> Referral {
    let current = by.referral(referral.id).await.unwrap();
    by.arrange_transport(referral.id, request, &current.etag)
        .await
        .unwrap()
        .value
}

/// A third vetted organization, a rescue far from both clinics.
async fn rescue(app: &TestApp, net: &Network) -> (Uuid, Client) {
    app.vetted(&net.coordinator, "Severn Rescue", "c@severn.test")
        .await
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

async fn late_alerts(client: &Client) -> usize {
    client
        .my_alerts(&AlertQuery {
            kind: Some(AlertKind::TransportUnclaimed),
            ..AlertQuery::default()
        })
        .await
        .unwrap()
        .items
        .len()
}

warren_tests::on_both_databases! {
    async fn a_clinic_without_volunteers_gets_a_driver_from_the_network(app) {
        let net = network(&app).await;
        let (severn, severn_admin) = rescue(&app, &net).await;
        let (otto, otto_id) = volunteer(&app, &severn_admin, severn, "otto@severn.test", vec![skill(Skill::Transport, Some(30))]).await;
        let (nia, _) = volunteer(&app, &severn_admin, severn, "nia@severn.test", vec![skill(Skill::Transport, None)]).await;
        let (lee, _) = volunteer(&app, &severn_admin, severn, "lee@severn.test", vec![skill(Skill::Transport, Some(-1))]).await;

        // The referrer arranges a tier-1 leg: shared with the network unasked.
        let referral = referral_at(&net, Tier::Immediate).await;
        let arranged = arrange(&net.referrer_admin, &referral, &leg(None)).await;
        assert!(arranged.transport.as_ref().unwrap().shared_with_network);
        let reach = arranged.transport_reach.clone().expect("who can see the leg");
        assert!(reach.shared && reach.network_shares && !reach.late, "{reach:?}");
        assert_eq!(reach.qualified_volunteers, 2, "Otto and Nia; Lee's skill lapsed");
        let seen = net.receiver_admin.referral(referral.id).await.unwrap().value;
        assert_eq!(seen.transport_reach.map(|reach| reach.qualified_volunteers), Some(2));

        // A volunteer of another organization finds it, without the owner's contact.
        let open = otto.unassigned_transports().await.unwrap().items;
        assert_eq!(open.len(), 1, "{open:?}");
        assert_eq!(open[0].referral_id, referral.id);
        assert!(open[0].via_network);
        assert_eq!(open[0].priority, 1);
        let raw = otto.request(Method::GET, "/api/v1/transports/unassigned").send().await.unwrap().text().await.unwrap();
        assert!(!raw.contains("Sam Owner") && !raw.contains("07700"), "{raw}");
        assert!(lee.unassigned_transports().await.unwrap().items.is_empty(), "a lapsed skill sees no shared leg");
        assert_eq!(lee.accept_transport(referral.id).await.unwrap_err().code(), Some("skill_required"));
        assert_eq!(otto.referral(referral.id).await.unwrap_err().status(), Some(404), "the case itself stays the two organizations'");

        // Otto takes it: the answer names him and still hides the contact.
        let taken = otto.accept_transport(referral.id).await.unwrap().value;
        assert_eq!(taken.side, "driver");
        assert!(taken.contact.is_none(), "{:?}", taken.contact);
        assert!(taken.next_statuses.is_empty());
        let driven = net.referrer_admin.referral(referral.id).await.unwrap().value;
        let leg_now = driven.transport.unwrap();
        assert_eq!(leg_now.status, TransportStatus::Scheduled);
        assert_eq!(leg_now.driver.unwrap().user_id, otto_id);
        assert!(driven.transport_reach.is_none(), "a driver is named");
        assert_eq!(otto.my_assignments().await.unwrap().transports.len(), 1);

        // Taken, it is gone for the rest of the network.
        assert!(nia.unassigned_transports().await.unwrap().items.is_empty());
        assert_eq!(nia.accept_transport(referral.id).await.unwrap_err().status(), Some(404));

        // Given back, the network sees it again.
        let back = otto.decline_transport(referral.id, &DeclineDriveRequest { reason: Some(ShortText::parse("Flat tyre").unwrap()) }).await.unwrap();
        assert!(back.transport.unwrap().driver.is_none());
        assert!(back.contact.is_none());
        assert_eq!(nia.unassigned_transports().await.unwrap().items.len(), 1);
    }

    async fn sharing_is_the_referrers_choice_and_the_networks_to_turn_off(app) {
        let net = network(&app).await;
        let (severn, severn_admin) = rescue(&app, &net).await;
        let (otto, _) = volunteer(&app, &severn_admin, severn, "otto@severn.test", vec![skill(Skill::Transport, None)]).await;

        // Tier 4: the leg stays with the two organizations unless the referrer shares it.
        let referral = referral_at(&net, Tier::Standard).await;
        let arranged = arrange(&net.referrer_admin, &referral, &leg(None)).await;
        assert!(!arranged.transport.as_ref().unwrap().shared_with_network);
        let reach = arranged.transport_reach.unwrap();
        assert!(!reach.shared);
        assert_eq!(reach.qualified_volunteers, 0, "neither clinic has volunteers");
        assert!(otto.unassigned_transports().await.unwrap().items.is_empty());
        assert_eq!(otto.accept_transport(referral.id).await.unwrap_err().status(), Some(404));

        // Only the referrer changes who sees it.
        let current = net.receiver_admin.referral(referral.id).await.unwrap();
        let refused = net.receiver_admin.arrange_transport(referral.id, &leg(Some(true)), &current.etag).await.unwrap_err();
        assert_eq!(refused.status(), Some(403), "{refused:?}");
        let shared = arrange(&net.referrer_admin, &referral, &leg(Some(true))).await;
        assert_eq!(shared.transport_reach.unwrap().qualified_volunteers, 1);
        assert_eq!(otto.unassigned_transports().await.unwrap().items.len(), 1);
        // The receiver rearranging the leg keeps the referrer's choice.
        let kept = arrange(&net.receiver_admin, &referral, &leg(None)).await;
        assert!(kept.transport.unwrap().shared_with_network);

        // A network admin turns sharing off: the leg stays with the two organizations.
        assert!(net.coordinator.transport_sharing().await.unwrap().share_with_network);
        let off = TransportSharingRequest { share_with_network: false };
        assert_eq!(net.referrer_admin.set_transport_sharing(&off).await.unwrap_err().status(), Some(403));
        let setting = net.coordinator.set_transport_sharing(&off).await.unwrap();
        assert!(!setting.share_with_network && setting.updated_at.is_some());
        assert!(otto.unassigned_transports().await.unwrap().items.is_empty());
        assert_eq!(otto.accept_transport(referral.id).await.unwrap_err().status(), Some(404));
        let reach = net.referrer_admin.referral(referral.id).await.unwrap().value.transport_reach.unwrap();
        assert!(!reach.shared && !reach.network_shares && reach.qualified_volunteers == 0, "{reach:?}");
        let bad = net.coordinator.request(Method::PUT, "/api/v1/transport-sharing").json(&serde_json::json!({"share_with_network": "yes"})).send().await.unwrap();
        assert_eq!(bad.status().as_u16(), 422);

        // On again, the leg the referrer shared reaches the network again.
        net.coordinator.set_transport_sharing(&TransportSharingRequest { share_with_network: true }).await.unwrap();
        assert_eq!(otto.unassigned_transports().await.unwrap().items.len(), 1);
        otto.accept_transport(referral.id).await.unwrap();
    }

    async fn a_leg_nobody_takes_by_its_time_alerts_the_referrers_side_once(app) {
        let net = network(&app).await;
        let cara = app.member(&net.referrer_admin, net.referrer, "cara@harbour.test", Role::Clinician).await;
        // A second replica sweeps the same database at the same time.
        let (_, replica) = app.replica().await;

        let referral = referral_at(&net, Tier::Immediate).await;
        let late = TransportRequest { needed_by: Some(Utc::now() - chrono::Duration::minutes(5)), ..leg(None) };
        let arranged = arrange(&net.referrer_admin, &referral, &late).await;
        assert!(arranged.transport_reach.unwrap().late, "the referral page warns at once");
        // A leg still in time, and one with a driver, raise nothing.
        let in_time = referral_at(&net, Tier::Urgent).await;
        arrange(&net.referrer_admin, &in_time, &TransportRequest { needed_by: Some(Utc::now() + chrono::Duration::minutes(30)), ..leg(None) }).await;
        let past_needed = leg(None).needed_by;
        assert!(past_needed.is_none());
        let bad = net.referrer_admin.referral(in_time.id).await.unwrap();
        let after_window = TransportRequest { needed_by: Some(Utc::now() + chrono::Duration::hours(5)), ..leg(None) };
        let refused = net.referrer_admin.arrange_transport(in_time.id, &after_window, &bad.etag).await.unwrap_err();
        assert_eq!(refused.status(), Some(422), "needed after the window ends: {refused:?}");

        eventually("the referrer's deciders are alerted", || async {
            late_alerts(&net.referrer_admin).await == 1 && late_alerts(&cara).await == 1
        })
        .await;
        let alert = net.referrer_admin.my_alerts(&AlertQuery { kind: Some(AlertKind::TransportUnclaimed), ..AlertQuery::default() }).await.unwrap().items.remove(0);
        assert_eq!(alert.link, format!("/referrals/{}", referral.id));
        assert!(alert.title.contains("Pip"), "{}", alert.title);
        assert_eq!(late_alerts(&net.receiver_admin).await, 0, "the referrer's side");

        // More sweeps on both replicas raise nothing twice.
        tokio::time::sleep(Duration::from_millis(3000)).await;
        assert_eq!(late_alerts(&net.referrer_admin).await, 1);
        assert_eq!(late_alerts(&cara).await, 1);
        let timeline = net.referrer_admin.referral_timeline(referral.id).await.unwrap().items;
        let told = timeline.iter().filter(|entry| entry.note.as_deref().is_some_and(|text| text.starts_with("Nobody has taken"))).count();
        assert_eq!(told, 1, "{timeline:?}");
        drop(replica);
    }

    async fn a_referral_calls_each_sites_referral_line(app) {
        let net = network(&app).await;
        // A second receiver publishes a referral line for members.
        let (other, other_admin) = app.vetted(&net.coordinator, "Downs Exotics", "d@downs.test").await;
        let mut with_line = site("Downs Exotics Clinic", 2.0, "24/7", &[]);
        with_line.referral_contact = Some(ReferralContact {
            name: PersonName::parse("Referral desk").unwrap(),
            phone: Phone::parse("0117 496 0999").unwrap(),
            email: Some(Email::parse("referrals@downs.test").unwrap()),
        });
        let downs_site = other_admin.create_site(other, &with_line, None).await.unwrap().value.listing.id;

        let created = net.referrer_admin.create_referral(net.referrer, &rat_request(vec![downs_site, net.receiver_site]), None).await.unwrap();
        let to_downs = created.items.iter().find(|referral| referral.receiver.site_id == Some(downs_site)).unwrap();
        assert_eq!(to_downs.receiver.phone.as_deref(), Some("0117 496 0999"), "the referral line, not the public number");
        let to_avon = created.items.iter().find(|referral| referral.receiver.site_id == Some(net.receiver_site)).unwrap();
        assert_eq!(to_avon.receiver.phone.as_deref(), Some("0117 496 0100"), "no referral line: the public number");

        // The same on the referral read back, by either side.
        let read = net.referrer_admin.referral(to_downs.id).await.unwrap().value;
        assert_eq!(read.receiver.phone.as_deref(), Some("0117 496 0999"));
        let accepted = other_admin
            .transition_referral(to_downs.id, &TransitionRequest { status: ReferralStatus::Accepted, reason: None, note: None }, &format!("\"{}\"", read.version))
            .await
            .unwrap()
            .value;
        assert_eq!(accepted.receiver.phone.as_deref(), Some("0117 496 0999"));
        let board = net.referrer_admin.referral(to_downs.id).await.unwrap().value;
        assert_eq!(board.receiver.phone.as_deref(), Some("0117 496 0999"));
    }

    async fn the_referrers_volunteers_drive_and_never_receive_the_owners_contact(app) {
        let net = network(&app).await;
        let (driver, _) = volunteer(&app, &net.referrer_admin, net.referrer, "drive@harbour.test", vec![skill(Skill::Transport, None)]).await;
        let referral = referral_at(&net, Tier::Urgent).await;
        let current = net.receiver_admin.referral(referral.id).await.unwrap();
        net.receiver_admin
            .transition_referral(referral.id, &TransitionRequest { status: ReferralStatus::Accepted, reason: None, note: None }, &current.etag)
            .await
            .unwrap();
        arrange(&net.referrer_admin, &referral, &leg(Some(false))).await;
        assert!(net.referrer_admin.referral(referral.id).await.unwrap().value.contact.is_some(), "those who decide read it");
        assert!(driver.referral(referral.id).await.unwrap().value.contact.is_none());

        // Taking the leg answers the referral as the volunteer reads it.
        let raw = driver
            .request(Method::POST, &format!("/api/v1/referrals/{}/transport/accept", referral.id))
            .send()
            .await
            .unwrap();
        assert_eq!(raw.status().as_u16(), 200);
        let body = raw.text().await.unwrap();
        assert!(!body.contains("Sam Owner") && !body.contains("07700"), "{body}");

        // Volunteers drive; they do not set the referral's transport step,
        // and a refusal carries nothing of the case.
        let etag = driver.referral(referral.id).await.unwrap().etag;
        let set = driver
            .request(Method::PUT, &format!("/api/v1/referrals/{}/business-status", referral.id))
            .header("If-Match", etag.as_str())
            .json(&serde_json::json!({ "business_status": "in_transit" }))
            .send()
            .await
            .unwrap();
        let status = set.status().as_u16();
        let body = set.text().await.unwrap();
        assert!(!body.contains("Sam Owner") && !body.contains("07700"), "{body}");
        assert_eq!(status, 403, "{body}");
        let etag = net.referrer_admin.referral(referral.id).await.unwrap().etag;
        let set = net.referrer_admin
            .set_business_status(referral.id, &warren_wire::BusinessStatusRequest { business_status: warren_domain::referral::BusinessStatus::InTransit }, &etag)
            .await
            .unwrap();
        assert!(set.value.contact.is_some());
    }
}

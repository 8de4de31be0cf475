//! Surplus supplies through the API on both databases: offering, the board
//! (expired and used-up offers vanish), requests with a priority, the
//! offerer's ranked queue, full and partial fulfilment, who may do what,
//! stale versions, and concurrent fulfilments that never overdraw an offer.

use chrono::{Duration, Utc};
use diesel::RunQueryDsl;
use uuid::Uuid;
use warren_client::{Client, ClientError};
use warren_domain::directory::hours::{CountryCode, OpeningHoursText, Timezone};
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::directory::{Latitude, Longitude};
use warren_domain::lending::{Fulfilment, Quantity, SupplyRequestStatus, SupplyUnit};
use warren_domain::triage::Tier;
use warren_domain::{AddressLine, ShortText};
use warren_tests::*;
use warren_wire::{
    CreateSupplyOfferRequest, CreateSupplyRequestRequest, FulfilSupplyRequest, SiteInput,
    SupplyOfferQuery, SupplyRequestQuery, SupplyTransitionRequest, UpdateSupplyOfferRequest,
};

const BRISTOL: (f64, f64) = (51.4545, -2.5879);

fn site(name: &str, km_north: f64) -> SiteInput {
    SiteInput {
        name: OrgName::parse(name).unwrap(),
        address: AddressLine::parse("1 Harbour Walk").unwrap(),
        town: AddressLine::parse("Bristol").unwrap(),
        postcode: AddressLine::parse("BS1 5TY").unwrap(),
        country: CountryCode::parse("GB").unwrap(),
        latitude: Latitude::parse(BRISTOL.0 + km_north / 111.2).unwrap(),
        longitude: Longitude::parse(BRISTOL.1).unwrap(),
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

/// A vetted organization with one site `km_north` of Bristol.
async fn organization(
    app: &TestApp,
    coordinator: &Client,
    name: &str,
    email: &str,
    km_north: f64,
) -> (Uuid, Client, Uuid) {
    let (id, admin) = app.vetted(coordinator, name, email).await;
    let site_id = admin
        .create_site(id, &site(&format!("{name} Site"), km_north), None)
        .await
        .unwrap()
        .value
        .listing
        .id;
    (id, admin, site_id)
}

fn units(n: u32) -> Quantity {
    Quantity::new(n).unwrap()
}

fn offer(site: Uuid, item: &str, quantity: u32, unit: SupplyUnit) -> CreateSupplyOfferRequest {
    CreateSupplyOfferRequest {
        pickup_site_id: site,
        item: ShortText::parse(item).unwrap(),
        description: None,
        quantity: units(quantity),
        unit,
        expires_on: Some(Utc::now().date_naive() + Duration::days(30)),
    }
}

fn ask(offer_id: Uuid, quantity: u32, priority: Tier) -> CreateSupplyRequestRequest {
    CreateSupplyRequestRequest {
        offer_id,
        quantity: units(quantity),
        priority,
        note: None,
    }
}

fn etag(version: i64) -> String {
    format!("\"{version}\"")
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

async fn board_ids(client: &Client, query: &SupplyOfferQuery) -> Vec<Uuid> {
    client
        .search_supply_offers(query)
        .await
        .unwrap()
        .items
        .iter()
        .map(|offer| offer.id)
        .collect()
}

warren_tests::on_both_databases! {
    async fn syringes_go_to_the_most_urgent_request_first_and_the_used_up_offer_leaves_the_board(app) {
        let coordinator = app.network_admin().await;
        let (a, a_admin, a_site) = organization(&app, &coordinator, "Harbour Vets", "a@harbour.test", 0.0).await;
        let (b, b_admin, b_site) = organization(&app, &coordinator, "Avon Exotics", "b@avon.test", 4.0).await;
        let (c, c_admin, _) = organization(&app, &coordinator, "Clifton Rabbit Rescue", "c@clifton.test", 8.0).await;
        let (d, d_admin, _) = organization(&app, &coordinator, "Elsewhere Rescue", "d@elsewhere.test", 300.0).await;

        // A offers 20 syringes expiring next month; a retry makes nothing new.
        let key = Uuid::new_v4().to_string();
        let request = offer(a_site, "2 ml syringes", 20, SupplyUnit::Piece);
        let syringes = a_admin.create_supply_offer(a, &request, Some(&key)).await.expect("offer");
        let again = a_admin.create_supply_offer(a, &request, Some(&key)).await.expect("a retry");
        assert_eq!(again.id, syringes.id, "a retried offer makes nothing new");
        assert_eq!((syringes.quantity, syringes.remaining), (20, 20));
        assert!(syringes.available);
        assert_eq!(syringes.pickup_site_name, "Harbour Vets Site");
        assert_eq!(a_admin.organization_supply_offers(a).await.unwrap().items.len(), 1);
        let yesterday = Utc::now().date_naive() - Duration::days(1);
        let stale_goods = CreateSupplyOfferRequest { expires_on: Some(yesterday), ..request.clone() };
        assert_eq!(field_of(&a_admin.create_supply_offer(a, &stale_goods, None).await.unwrap_err()), "expires_on");
        let elsewhere = CreateSupplyOfferRequest { pickup_site_id: b_site, ..request.clone() };
        assert_eq!(field_of(&a_admin.create_supply_offer(a, &elsewhere, None).await.unwrap_err()), "pickup_site_id");

        // The network finds it by words, unit and distance.
        let found = b_admin.search_supply_offers(&SupplyOfferQuery { q: Some("SYRINGE".into()), unit: Some(SupplyUnit::Piece), near_site_id: Some(b_site), radius_km: Some(50.0), ..Default::default() }).await.unwrap();
        assert_eq!(found.items.len(), 1);
        let km = found.items[0].distance_km.unwrap();
        assert!((3.5..4.5).contains(&km), "{km}");
        assert!(board_ids(&b_admin, &SupplyOfferQuery { unit: Some(SupplyUnit::Bag), ..Default::default() }).await.is_empty());
        assert!(board_ids(&b_admin, &SupplyOfferQuery { q: Some("formula".into()), ..Default::default() }).await.is_empty());
        assert!(board_ids(&d_admin, &SupplyOfferQuery { near_site_id: Some(b_site), radius_km: Some(1.0), ..Default::default() }).await.is_empty());

        // C asks first, for routine stock; B asks later, for an urgent case.
        let for_c = c_admin.create_supply_request(c, &ask(syringes.id, 10, Tier::Standard), None).await.expect("C asks");
        let key = Uuid::new_v4().to_string();
        let for_b = b_admin.create_supply_request(b, &ask(syringes.id, 15, Tier::VeryUrgent), Some(&key)).await.expect("B asks");
        let again = b_admin.create_supply_request(b, &ask(syringes.id, 15, Tier::VeryUrgent), Some(&key)).await.expect("a retry");
        assert_eq!(again.id, for_b.id);
        assert_eq!((for_b.status, for_b.fulfilment, for_b.side.as_str()), (SupplyRequestStatus::Open, Fulfilment::None, "requester"));
        let over = d_admin.create_supply_request(d, &ask(syringes.id, 21, Tier::Immediate), None).await.unwrap_err();
        assert_eq!((over.status(), field_of(&over).as_str()), (Some(422), "quantity"));
        assert_eq!(a_admin.create_supply_request(a, &ask(syringes.id, 1, Tier::Immediate), None).await.unwrap_err().status(), Some(403), "not one's own offer");

        // A's queue ranks B first, and suggests what is left down the queue.
        let queue = a_admin.supply_queue(syringes.id).await.unwrap();
        let order: Vec<Uuid> = queue.items.iter().map(|r| r.id).collect();
        assert_eq!(order, [for_b.id, for_c.id]);
        let split: Vec<(Uuid, u32)> = queue.suggestion.iter().map(|s| (s.request_id, s.quantity)).collect();
        assert_eq!(split, [(for_b.id, 15), (for_c.id, 5)]);
        assert_eq!(b_admin.supply_queue(syringes.id).await.unwrap_err().status(), Some(403));

        // Requests are private to their two organizations.
        assert_eq!(d_admin.supply_request(for_b.id).await.unwrap_err().status(), Some(404));
        let b_request = a_admin.supply_request(for_b.id).await.unwrap();
        assert_eq!(b_request.value.side, "offerer");
        let fulfil_all = FulfilSupplyRequest { quantity: None };
        assert_eq!(d_admin.fulfil_supply_request(for_b.id, &fulfil_all, &b_request.etag).await.unwrap_err().status(), Some(404));
        assert_eq!(b_admin.fulfil_supply_request(for_b.id, &fulfil_all, &b_request.etag).await.unwrap_err().status(), Some(403));
        let stale = a_admin.fulfil_supply_request(for_b.id, &fulfil_all, &etag(b_request.value.version + 7)).await.unwrap_err();
        assert_eq!(stale.status(), Some(412));

        // A fulfils B fully and C in part: nothing is left and the offer leaves the board.
        let given_b = a_admin.fulfil_supply_request(for_b.id, &fulfil_all, &b_request.etag).await.expect("fulfil B").value;
        assert_eq!((given_b.status, given_b.fulfilment, given_b.fulfilled), (SupplyRequestStatus::Fulfilled, Fulfilment::Complete, 15));
        let c_request = a_admin.supply_request(for_c.id).await.unwrap();
        let too_much = a_admin.fulfil_supply_request(for_c.id, &FulfilSupplyRequest { quantity: Some(units(10)) }, &c_request.etag).await.unwrap_err();
        assert_eq!((too_much.status(), field_of(&too_much).as_str()), (Some(422), "quantity"));
        let given_c = a_admin.fulfil_supply_request(for_c.id, &FulfilSupplyRequest { quantity: Some(units(5)) }, &c_request.etag).await.expect("fulfil C in part").value;
        assert_eq!((given_c.status, given_c.fulfilment, given_c.fulfilled, given_c.outstanding), (SupplyRequestStatus::Open, Fulfilment::Partial, 5, 5));
        let used_up = a_admin.supply_offer(syringes.id).await.unwrap().value;
        assert_eq!(used_up.remaining, 0);
        assert!(!used_up.available);
        assert!(!board_ids(&b_admin, &SupplyOfferQuery::default()).await.contains(&syringes.id));
        let late = d_admin.create_supply_request(d, &ask(syringes.id, 1, Tier::Immediate), None).await.unwrap_err();
        assert_eq!(late.code(), Some("offer_unavailable"));

        // A gives C no more; a closed request cannot move again.
        let declined = a_admin.transition_supply_request(for_c.id, &SupplyTransitionRequest { status: SupplyRequestStatus::Declined }, &etag(given_c.version)).await.expect("decline").value;
        assert_eq!((declined.status, declined.fulfilment), (SupplyRequestStatus::Declined, Fulfilment::Partial));
        let illegal = c_admin.transition_supply_request(for_c.id, &SupplyTransitionRequest { status: SupplyRequestStatus::Withdrawn }, &etag(declined.version)).await.unwrap_err();
        assert_eq!((illegal.status(), illegal.code()), (Some(409), Some("illegal_transition")));
        assert!(illegal.message().contains("declined") && illegal.message().contains("withdrawn"), "{}", illegal.message());

        // B's own requests.
        let mine = b_admin.supply_requests(b, &SupplyRequestQuery { state: Some("closed".into()), ..Default::default() }).await.unwrap();
        assert_eq!(mine.items.iter().map(|r| r.id).collect::<Vec<_>>(), [for_b.id]);
        assert!(b_admin.supply_requests(b, &SupplyRequestQuery::default()).await.unwrap().items.is_empty());
        assert_eq!(d_admin.supply_requests(b, &SupplyRequestQuery::default()).await.unwrap_err().status(), Some(404));

        // An expired offer never appears, and cannot be asked for.
        let fluids = a_admin.create_supply_offer(a, &offer(a_site, "Hartmann's 500 ml", 6, SupplyUnit::Bag), None).await.unwrap();
        assert!(board_ids(&b_admin, &SupplyOfferQuery::default()).await.contains(&fluids.id));
        let id = fluids.id.to_string();
        app.store
            .write(|connection| {
                diesel::sql_query(format!("UPDATE supply_offers SET expires_on = '2020-01-01' WHERE id = '{id}'"))
                    .execute(connection)
                    .map_err(warren_store::StoreError::from)
            })
            .unwrap();
        assert!(!board_ids(&b_admin, &SupplyOfferQuery::default()).await.contains(&fluids.id));
        assert!(board_ids(&b_admin, &SupplyOfferQuery { q: Some("hartmann".into()), ..Default::default() }).await.is_empty());
        let expired = b_admin.create_supply_request(b, &ask(fluids.id, 1, Tier::Immediate), None).await.unwrap_err();
        assert_eq!((expired.status(), expired.code()), (Some(409), Some("offer_expired")));
        assert!(a_admin.supply_offer(fluids.id).await.unwrap().value.expired);

        // Every change was audited.
        let actions: i64 = app.store.read(|connection| {
            use diesel::dsl::count_star;
            use diesel::prelude::*;
            warren_store::schema::audit_log::table
                .filter(warren_store::schema::audit_log::action.like("supply_%"))
                .select(count_star())
                .first(connection)
                .map_err(warren_store::StoreError::from)
        }).unwrap();
        assert_eq!(actions, 7, "two offers, two requests, two fulfilments, one decline");
    }

    async fn concurrent_fulfilments_never_give_more_than_the_offer_has(app) {
        let coordinator = app.network_admin().await;
        let (a, a_admin, a_site) = organization(&app, &coordinator, "Harbour Vets", "a@harbour.test", 0.0).await;
        let (b, b_admin, _) = organization(&app, &coordinator, "Avon Exotics", "b@avon.test", 4.0).await;
        let formula = a_admin.create_supply_offer(a, &offer(a_site, "Critical-care herbivore formula", 10, SupplyUnit::Tin), None).await.unwrap();
        let mut requests = Vec::new();
        for _ in 0..8 {
            requests.push(b_admin.create_supply_request(b, &ask(formula.id, 3, Tier::Urgent), None).await.unwrap());
        }
        let attempts = requests.iter().map(|request| {
            let a_admin = a_admin.clone();
            let (id, version) = (request.id, request.version);
            tokio::spawn(async move {
                a_admin.fulfil_supply_request(id, &FulfilSupplyRequest { quantity: None }, &etag(version)).await
            })
        });
        let mut given = 0;
        for attempt in all_of(attempts.collect()).await {
            match attempt {
                Ok(request) => given += request.value.fulfilled,
                Err(error) => assert!(matches!(error.status(), Some(409 | 412 | 422)), "{error:?}"),
            }
        }
        let after = a_admin.supply_offer(formula.id).await.unwrap().value;
        assert_eq!(given, 9, "three of eight fit in ten");
        assert_eq!(after.remaining, 1);
        assert_eq!(after.quantity - after.remaining, given, "what was given is what the offer lost");

        // Withdrawing needs the current version, declines the open requests
        // and takes the offer off the board.
        let read = a_admin.supply_offer(formula.id).await.unwrap();
        assert_eq!(a_admin.withdraw_supply_offer(formula.id, &etag(read.value.version - 1)).await.unwrap_err().status(), Some(412));
        assert_eq!(b_admin.withdraw_supply_offer(formula.id, &read.etag).await.unwrap_err().status(), Some(403));
        // The offering organization's own volunteer, with the current version,
        // neither edits nor withdraws it.
        let volunteer = app.member(&a_admin, a, "driver@harbour.test", Role::Volunteer).await;
        assert_eq!(volunteer.withdraw_supply_offer(formula.id, &read.etag).await.unwrap_err().status(), Some(403));
        let same = UpdateSupplyOfferRequest { pickup_site_id: a_site, item: ShortText::parse("Herbivore formula").unwrap(), description: None, quantity: units(12), expires_on: None };
        assert_eq!(volunteer.update_supply_offer(formula.id, &same, &read.etag).await.unwrap_err().status(), Some(403));
        assert_eq!(a_admin.supply_offer(formula.id).await.unwrap().value.version, read.value.version, "nothing changed");
        let edit = UpdateSupplyOfferRequest { pickup_site_id: a_site, item: ShortText::parse("Herbivore formula").unwrap(), description: None, quantity: units(8), expires_on: None };
        assert_eq!(field_of(&a_admin.update_supply_offer(formula.id, &edit, &read.etag).await.unwrap_err()), "quantity");
        let edited = a_admin.update_supply_offer(formula.id, &UpdateSupplyOfferRequest { quantity: units(12), ..edit }, &read.etag).await.expect("edit").value;
        assert_eq!((edited.remaining, edited.item.as_str()), (3, "Herbivore formula"));
        assert_eq!(a_admin.update_supply_offer(formula.id, &UpdateSupplyOfferRequest { pickup_site_id: a_site, item: ShortText::parse("x").unwrap(), description: None, quantity: units(12), expires_on: None }, &read.etag).await.unwrap_err().status(), Some(412));
        let withdrawn = a_admin.withdraw_supply_offer(formula.id, &etag(edited.version)).await.expect("withdraw").value;
        assert!(withdrawn.withdrawn_at.is_some() && !withdrawn.available);
        assert!(board_ids(&b_admin, &SupplyOfferQuery::default()).await.is_empty());
        let open = b_admin.supply_requests(b, &SupplyRequestQuery::default()).await.unwrap();
        assert!(open.items.is_empty(), "Warren declined the open requests");
    }
}

/// Waits for every spawned attempt.
async fn all_of<T: Send + 'static>(handles: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        results.push(handle.await.expect("the attempt ran"));
    }
    results
}

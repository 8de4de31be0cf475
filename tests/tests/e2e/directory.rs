//! The directory through the API: listings with versions and history,
//! capacity, the audit queue, search with reasons, the public directory and
//! the taxonomy — on SQLite and PostgreSQL.

use reqwest::{Method, StatusCode, header};
use serde_json::json;
use uuid::Uuid;
use warren_domain::directory::hours::{CountryCode, OpeningHoursText, Timezone};
use warren_domain::directory::taxonomy::{Taxonomy, TermCode};
use warren_domain::directory::{
    CapacityLevel, CapacityStatus, Cover, Latitude, Longitude, ReasonKind,
};
use warren_domain::{AddressLine, OrgName, Phone};
use warren_tests::*;
use warren_wire::{
    AuditQueueQuery, CreateTermRequest, HistoryQuery, ReferralContact, SearchParams,
    SetCapacityRequest, SiteInput,
};

const BRISTOL: (f64, f64) = (51.4545, -2.5879);
/// A Wednesday in December, when London is on UTC.
const WEDNESDAY_23_00: &str = "2026-12-02T23:00:00Z";

fn codes(list: &[&str]) -> Vec<TermCode> {
    list.iter()
        .map(|code| TermCode::parse(*code).unwrap())
        .collect()
}

/// A listing `km` kilometres north of central Bristol.
fn site(
    name: &str,
    km_north: f64,
    hours: Option<&str>,
    capabilities: &[&str],
    species: &[&str],
) -> SiteInput {
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
        private_phone: Some(Phone::parse("0117 496 0999").unwrap()),
        public_email: None,
        referral_contact: Some(ReferralContact {
            name: warren_domain::PersonName::parse("Referral Desk").unwrap(),
            phone: Phone::parse("0117 496 0555").unwrap(),
            email: None,
        }),
        opening_hours: hours.map(|text| OpeningHoursText::parse(text).unwrap()),
        after_hours_cover: None,
        capabilities: codes(capabilities),
        species: codes(species),
        limitations: Default::default(),
    }
}

fn search(pairs: &[(&str, &str)]) -> SearchParams {
    let mut params = SearchParams::default();
    for (name, value) in pairs {
        let value = Some((*value).to_owned());
        match *name {
            "species" => params.species = value,
            "capabilities" => params.capabilities = value,
            "at" => params.at = value,
            "open" => params.open = value,
            "accepting" => params.accepting = value,
            "lat" => params.lat = value,
            "lon" => params.lon = value,
            "radius_km" => params.radius_km = value,
            "q" => params.q = value,
            "limit" => params.limit = value,
            "offset" => params.offset = value,
            other => panic!("no filter {other}"),
        }
    }
    params
}

warren_tests::on_both_databases! {
    async fn a_clinic_finds_who_can_take_a_guinea_pig_needing_oxygen_at_23_00(app) {
        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app.vetted(&coordinator, "Cotham Small Pets", "cs@cotham.test").await;
        let receptionist = app.member(&clinic_admin, clinic, "desk@cotham.test", Role::Staff).await;
        let (partners, partner_admin) = app.vetted(&coordinator, "Severn Partners", "sp@severn.test").await;
        let create = |input: SiteInput| {
            let partner_admin = partner_admin.clone();
            async move { partner_admin.create_site(partners, &input, None).await.expect("create a site").value.listing.id }
        };
        let oxygen = ["oxygen_cage"];
        let guinea_pigs = ["small_mammal/guinea_pig"];
        let day = Some("Mo-Fr 08:00-19:00; PH off");
        let harbour = create(site("Harbour Emergency", 3.0, Some("24/7"), &oxygen, &["small_mammal"])).await;
        let valley = create(site("Valley Exotics Hospital", 12.0, Some("24/7"), &["oxygen_cage", "radiography"], &guinea_pigs)).await;
        let mut on_call = site("Clifton Day Clinic", 5.0, day, &oxygen, &guinea_pigs);
        on_call.after_hours_cover = Some(Cover::OnCall { name: "Clifton on-call vet".into(), phone: "0117 496 0777".into() });
        let on_call = create(on_call).await;
        let mut covered = site("Kingswood Day Clinic", 8.0, day, &oxygen, &guinea_pigs);
        covered.after_hours_cover = Some(Cover::Site { site_id: valley });
        let covered = create(covered).await;
        create(site("Redland Day Clinic", 2.0, day, &oxygen, &guinea_pigs)).await;
        create(site("Rat Refuge", 1.0, Some("24/7"), &oxygen, &["small_mammal/rat"])).await;
        let no_oxygen = create(site("Bedminster All Hours", 4.0, Some("24/7"), &["radiography"], &guinea_pigs)).await;
        let mut badly_covered = site("Easton Day Clinic", 6.0, day, &oxygen, &guinea_pigs);
        badly_covered.after_hours_cover = Some(Cover::Site { site_id: no_oxygen });
        create(badly_covered).await;
        let full = create(site("Full House Hospital", 2.5, Some("24/7"), &oxygen, &guinea_pigs)).await;
        partner_admin
            .set_capacity(full, &SetCapacityRequest { status: CapacityLevel::Full, expires_in_minutes: Some(60) })
            .await
            .expect("declare full");
        partner_admin
            .set_capacity(valley, &SetCapacityRequest { status: CapacityLevel::Normal, expires_in_minutes: None })
            .await
            .expect("declare space");

        let lat = BRISTOL.0.to_string();
        let lon = BRISTOL.1.to_string();
        let page = receptionist
            .search(&search(&[
                ("species", "small_mammal/guinea_pig"),
                ("capabilities", "oxygen_cage"),
                ("at", WEDNESDAY_23_00),
                ("open", "true"),
                ("accepting", "true"),
                ("lat", &lat),
                ("lon", &lon),
                ("radius_km", "30"),
            ]))
            .await
            .expect("search");
        let found: Vec<Uuid> = page.items.iter().map(|hit| hit.site_id).collect();
        // Kingswood is closed and covered by Valley, which is a result
        // itself: Valley is listed once, saying it also covers Kingswood.
        assert_eq!(found, [harbour, valley, on_call], "open sites nearest first, then covered ones: {page:#?}");
        assert_eq!(page.total, 3);
        assert_eq!(page.items[1].covering_for, [covered]);
        assert!(
            page.items[1].reasons.iter().any(|reason| reason.kind == ReasonKind::CoveringFor
                && reason.text == "also after-hours cover for Kingswood Day Clinic (Severn Partners)"),
            "{:?}",
            page.items[1].reasons
        );

        let first = &page.items[0];
        let texts: Vec<&str> = first.reasons.iter().map(|reason| reason.text.as_str()).collect();
        assert_eq!(first.reasons[0].kind, ReasonKind::Open);
        assert!(texts.contains(&"open 24 hours"), "{texts:?}");
        assert!(texts.contains(&"3.0 km"), "{texts:?}");
        assert!(texts.contains(&"Oxygen cage"), "{texts:?}");
        assert!(texts.contains(&"accepts small mammals (all)"), "{texts:?}");
        assert!(texts.iter().any(|text| text.starts_with("unverified")), "a new listing is unverified: {texts:?}");
        assert_eq!(first.phone.as_deref(), Some("0117 496 0555"), "members are given the referral line");
        assert_eq!(page.items[1].capacity, CapacityStatus::Normal);

        let by_phone = &page.items[2];
        assert_eq!(by_phone.reasons[0].kind, ReasonKind::Covered);
        assert!(by_phone.reasons[0].text.contains("Clifton on-call vet"), "{:?}", by_phone.reasons);
        assert!(by_phone.reasons[0].text.ends_with("until Thu 08:00"), "{:?}", by_phone.reasons);
        assert_eq!(by_phone.phone.as_deref(), Some("0117 496 0777"), "call the cover");

        // At noon the day clinics are open themselves and come first by distance.
        let noon = receptionist
            .search(&search(&[
                ("species", "small_mammal/guinea_pig"),
                ("capabilities", "oxygen_cage"),
                ("at", "2026-12-02T12:00:00Z"),
                ("open", "true"),
                ("lat", &lat),
                ("lon", &lon),
            ]))
            .await
            .expect("search at noon");
        let names: Vec<&str> = noon.items.iter().map(|hit| hit.name.as_str()).collect();
        assert_eq!(
            names,
            ["Redland Day Clinic", "Harbour Emergency", "Clifton Day Clinic", "Easton Day Clinic", "Kingswood Day Clinic", "Valley Exotics Hospital", "Full House Hospital"],
            "open sites by distance; a site declared full last"
        );
        assert!(noon.items[0].reasons[0].text.starts_with("open until 19:00"), "{:?}", noon.items[0].reasons);
    }

    async fn a_covered_clinic_is_listed_once_and_with_its_covers_own_facts(app) {
        let coordinator = app.network_admin().await;
        let (partners, partner_admin) = app.vetted(&coordinator, "Cover Partners", "cp@cover.test").await;
        let create = |input: SiteInput| {
            let partner_admin = partner_admin.clone();
            async move { partner_admin.create_site(partners, &input, None).await.expect("create a site").value.listing.id }
        };
        let mut hospital = site("Moorland Night Hospital", 40.0, Some("24/7"), &["oxygen_cage", "radiography"], &["small_mammal"]);
        hospital.public_phone = Some(Phone::parse("0117 496 0400").unwrap());
        hospital.referral_contact = Some(ReferralContact {
            name: warren_domain::PersonName::parse("Night Desk").unwrap(),
            phone: Phone::parse("0117 496 0444").unwrap(),
            email: None,
        });
        hospital.limitations.deposit_required = true;
        let hospital = create(hospital).await;
        let mut clinic = site("Harbourside Day Clinic", 1.0, Some("Mo-Fr 08:00-19:00; PH off"), &["oxygen_cage"], &["small_mammal/guinea_pig"]);
        clinic.limitations.referral_only = true;
        clinic.after_hours_cover = Some(Cover::Site { site_id: hospital });
        let clinic = create(clinic).await;
        partner_admin
            .set_capacity(clinic, &SetCapacityRequest { status: CapacityLevel::Normal, expires_in_minutes: Some(24 * 60) })
            .await
            .expect("declare space at the clinic");

        let lat = BRISTOL.0.to_string();
        let lon = BRISTOL.1.to_string();
        let filters = |radius: &'static str| {
            search(&[
                ("species", "small_mammal/guinea_pig"),
                ("capabilities", "oxygen_cage"),
                ("at", WEDNESDAY_23_00),
                ("open", "true"),
                ("lat", &lat),
                ("lon", &lon),
                ("radius_km", radius),
            ])
        };
        // Both within reach: the hospital once, covering for the clinic.
        let wide = coordinator.search(&filters("100")).await.expect("search wide");
        let found: Vec<Uuid> = wide.items.iter().map(|hit| hit.site_id).collect();
        assert_eq!(found, [hospital], "{wide:#?}");
        assert_eq!(wide.total, 1);
        assert_eq!(wide.items[0].covering_for, [clinic]);
        assert!(wide.items[0].reasons.iter().any(|reason| reason.text == "also after-hours cover for Harbourside Day Clinic (Cover Partners)"));

        // The hospital beyond the radius: the clinic is listed as covered,
        // with what the hospital offers, not what the clinic does.
        let near = coordinator.search(&filters("10")).await.expect("search near");
        assert_eq!(near.items.len(), 1, "{near:#?}");
        let hit = &near.items[0];
        assert_eq!(hit.site_id, clinic);
        assert_eq!(hit.reasons[0].kind, ReasonKind::Covered);
        assert_eq!(hit.phone.as_deref(), Some("0117 496 0444"), "the cover's referral line");
        assert_eq!(hit.capacity, CapacityStatus::Unknown, "the cover declared nothing; the clinic's own space does not count");
        let texts: Vec<&str> = hit.reasons.iter().map(|reason| reason.text.as_str()).collect();
        assert!(texts.contains(&"accepts small mammals (all)"), "the cover's species: {texts:?}");
        assert!(texts.contains(&"deposit required"), "the cover's limitation: {texts:?}");
        assert!(!texts.contains(&"referral only"), "not the clinic's limitation: {texts:?}");
        assert!(!texts.contains(&"space available"), "{texts:?}");

        // The public sees the cover's public line only, never a members' one.
        let public = app.client.anonymous().public_search(&filters("10")).await.expect("public search");
        let hit = &public.items[0];
        assert_eq!(hit.site_id, clinic);
        assert_eq!(hit.phone.as_deref(), Some("0117 496 0400"));
        let answer = serde_json::to_string(&public).unwrap();
        let site = app.client.anonymous().public_site(clinic).await.expect("the public site");
        let answer = answer + &serde_json::to_string(&site).unwrap();
        for private in ["0117 496 0444", "0117 496 0999", "0117 496 0555"] {
            assert!(!answer.contains(private), "{private} in a public answer: {answer}");
        }
    }

    async fn other_members_see_who_changed_a_listing_by_name_never_by_sign_in_address(app) {
        let coordinator = app.network_admin().await;
        let (owner, owner_admin) = app.vetted(&coordinator, "Listing Owners", "owner@listing.test").await;
        let (_, other_admin) = app.vetted(&coordinator, "Other Members", "other@other.test").await;
        let site_id = owner_admin
            .create_site(owner, &site("Owner Clinic", 1.0, Some("24/7"), &[], &["small_mammal"]), None)
            .await
            .unwrap()
            .value
            .listing
            .id;
        owner_admin
            .set_capacity(site_id, &SetCapacityRequest { status: CapacityLevel::Normal, expires_in_minutes: Some(60) })
            .await
            .unwrap();
        coordinator.assure_site(site_id).await.unwrap();

        let by_owner = owner_admin.site(site_id).await.unwrap().value;
        assert!(by_owner.capacity_declared_by.as_deref().is_some_and(|label| label.contains("owner@listing.test")));
        let seen = other_admin.site(site_id).await.unwrap().value;
        let history = other_admin.site_history(site_id, &HistoryQuery::default()).await.unwrap();
        let answers = serde_json::to_string(&seen).unwrap() + &serde_json::to_string(&history).unwrap();
        for address in ["owner@listing.test", "coordinator@network.test"] {
            assert!(!answers.contains(address), "{address} shown to another member: {answers}");
        }
        assert!(seen.capacity_declared_by.is_some() && seen.assured_by.is_some(), "the names still show");
        assert!(!history.items.is_empty());
        assert!(history.items.iter().all(|change| !change.actor.is_empty()));
        let own_history = owner_admin.site_history(site_id, &HistoryQuery::default()).await.unwrap();
        assert!(own_history.items.iter().any(|change| change.actor.contains("owner@listing.test")));
    }

    async fn space_declared_for_now_is_not_promised_for_a_time_after_it_lapses(app) {
        let coordinator = app.network_admin().await;
        let (partners, partner_admin) = app.vetted(&coordinator, "Lapse Partners", "lp@lapse.test").await;
        let hospital = partner_admin
            .create_site(partners, &site("Always Open Hospital", 1.0, Some("24/7"), &[], &["small_mammal"]), None)
            .await
            .expect("create a site")
            .value
            .listing
            .id;
        partner_admin
            .set_capacity(hospital, &SetCapacityRequest { status: CapacityLevel::Normal, expires_in_minutes: Some(60) })
            .await
            .expect("declare space for an hour");
        let at = |hours: i64| {
            (chrono::Utc::now() + chrono::Duration::minutes(hours * 60 - 30)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        };
        let soon = at(1);
        let within = coordinator.search(&search(&[("at", &soon)])).await.expect("search within the hour");
        assert_eq!(within.items[0].capacity, CapacityStatus::Normal);
        assert!(within.items[0].reasons.iter().any(|reason| reason.text == "space available"));

        let later = at(4);
        let after = coordinator.search(&search(&[("at", &later)])).await.expect("search after it lapses");
        let hit = &after.items[0];
        assert_eq!(hit.site_id, hospital);
        assert_eq!(hit.capacity, CapacityStatus::Unknown, "{hit:#?}");
        let capacity: Vec<&str> = hit
            .reasons
            .iter()
            .filter(|reason| reason.kind == ReasonKind::Capacity)
            .map(|reason| reason.text.as_str())
            .collect();
        assert_eq!(capacity.len(), 1);
        assert!(capacity[0].starts_with("capacity not confirmed for then (declaration lapses "), "{capacity:?}");
    }

    async fn search_pages_are_stable_and_complete(app) {
        let coordinator = app.network_admin().await;
        let (partners, partner_admin) = app.vetted(&coordinator, "Paging Partners", "pp@paging.test").await;
        for index in 0..7 {
            partner_admin
                .create_site(partners, &site(&format!("Site {index}"), f64::from(index), Some("24/7"), &[], &["small_mammal"]), None)
                .await
                .expect("create a site");
        }
        let lat = BRISTOL.0.to_string();
        let lon = BRISTOL.1.to_string();
        let mut seen = Vec::new();
        let mut offset = "0".to_owned();
        loop {
            let page = coordinator
                .search(&search(&[("lat", &lat), ("lon", &lon), ("limit", "3"), ("offset", &offset)]))
                .await
                .expect("a page");
            assert_eq!(page.total, 7);
            seen.extend(page.items.iter().map(|hit| hit.name.clone()));
            match page.next_offset {
                Some(next) => offset = next.to_string(),
                None => break,
            }
        }
        let expected: Vec<String> = (0..7).map(|index| format!("Site {index}")).collect();
        assert_eq!(seen, expected, "every site once, nearest first");
    }

    async fn bad_filters_are_refused_naming_the_filter(app) {
        let coordinator = app.network_admin().await;
        for (query, filter) in [
            ("species=reptile/gecko", "species"),
            ("species=Guinea%20Pig", "species"),
            ("capabilities=oxygen_cage,warp_drive", "capabilities"),
            ("radius_km=10", "radius_km"),
            ("lat=95&lon=0", "lat"),
            ("lat=51", "lon"),
            ("lat=51&lon=-2&radius_km=-1", "radius_km"),
            ("at=tonight", "at"),
            ("open=maybe", "open"),
            ("limit=0", "limit"),
            ("limit=ten", "limit"),
            ("weight_grams=0", "weight_grams"),
            ("specie=small_mammal", "specie"),
        ] {
            for path in [format!("/api/v1/directory/search?{query}"), format!("/api/v1/public/search?{query}")] {
                let response = coordinator.request(Method::GET, &path).send().await.unwrap();
                assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
                let problem: warren_wire::Problem = response.json().await.unwrap();
                assert_eq!(problem.code, "invalid_filter", "{path}");
                assert_eq!(problem.errors[0].field, filter, "{path}: {problem:?}");
            }
        }
    }

    async fn listings_are_edited_with_versions_and_every_change_is_kept(app) {
        let coordinator = app.network_admin().await;
        let (clinic, admin) = app.vetted(&coordinator, "Versioned Vets", "vv@versioned.test").await;
        let created = admin.create_site(clinic, &site("Versioned Main", 1.0, Some("Mo-Fr 09:00-17:00"), &["radiography"], &["small_mammal"]), None).await.unwrap();
        let id = created.value.listing.id;
        let read = admin.site(id).await.unwrap();
        assert_eq!(read.value.version, 1);
        assert!(read.value.editable);
        assert!(!read.value.listing.verified, "new listings await their first audit");
        assert_eq!(read.value.listing.week.len(), 7);

        let mut change = site("Versioned Main", 1.0, Some("Mo-Fr 09:00-20:00; Sa 10:00-12:00"), &["radiography", "oxygen_cage"], &["small_mammal"]);
        change.public_phone = Some(Phone::parse("0117 496 0123").unwrap());
        let updated = admin.update_site(id, &change, &read.etag).await.expect("edit with the current version");
        assert_eq!(updated.value.version, 2);
        assert_eq!(updated.value.listing.opening_hours.as_deref(), Some("Mo-Fr 09:00-20:00; Sa 10:00-12:00"));

        // A second editor still holding version 1 is refused and changes nothing.
        let stale = admin.update_site(id, &site("Overwritten", 1.0, None, &[], &[]), &read.etag).await.unwrap_err();
        assert_eq!(stale.status(), Some(412));
        assert_eq!(admin.site(id).await.unwrap().value.listing.name, "Versioned Main");
        let missing = admin
            .request(Method::PUT, &format!("/api/v1/sites/{id}"))
            .json(&change)
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), StatusCode::PRECONDITION_REQUIRED);

        let history = admin.site_history(id, &HistoryQuery::default()).await.unwrap();
        let fields: Vec<&str> = history.items.iter().map(|change| change.field.as_str()).collect();
        for field in ["opening_hours", "capabilities", "public_phone", "listing"] {
            assert!(fields.contains(&field), "{field} is in the history: {fields:?}");
        }
        let hours = history.items.iter().find(|change| change.field == "opening_hours").unwrap();
        assert_eq!(hours.old.as_deref(), Some("Mo-Fr 09:00-17:00"));
        assert_eq!(hours.new.as_deref(), Some("Mo-Fr 09:00-20:00; Sa 10:00-12:00"));
        assert!(hours.actor.contains("vv@versioned.test"), "{}", hours.actor);
        let first_page = admin.site_history(id, &HistoryQuery { cursor: None, limit: Some(2) }).await.unwrap();
        let rest = admin.site_history(id, &HistoryQuery { cursor: first_page.next_cursor.clone(), limit: Some(50) }).await.unwrap();
        assert_eq!(first_page.items.len() + rest.items.len(), history.items.len());

        // Capacity is a status: no version needed, and it is in the history.
        let declared = admin
            .set_capacity(id, &SetCapacityRequest { status: CapacityLevel::Full, expires_in_minutes: Some(30) })
            .await
            .unwrap();
        assert_eq!(declared.value.listing.capacity.status, CapacityStatus::Full);
        assert_eq!(declared.value.version, 2);
        assert!(declared.value.capacity_declared_by.as_deref().unwrap().contains("vv@versioned.test"));
        let too_short = admin
            .set_capacity(id, &SetCapacityRequest { status: CapacityLevel::Normal, expires_in_minutes: Some(1) })
            .await
            .unwrap_err();
        assert_eq!(too_short.status(), Some(422));
        let history = admin.site_history(id, &HistoryQuery::default()).await.unwrap();
        assert_eq!(history.items[0].field, "capacity");
        assert!(history.items[0].new.as_deref().unwrap().starts_with("full until"));
    }

    async fn invalid_listings_name_their_fields_and_change_nothing(app) {
        let coordinator = app.network_admin().await;
        let (clinic, admin) = app.vetted(&coordinator, "Careful Vets", "cv@careful.test").await;
        let good = serde_json::to_value(site("Careful Main", 1.0, None, &[], &[])).unwrap();
        for (field, value, named) in [
            ("opening_hours", json!("whenever we like"), "opening_hours"),
            ("latitude", json!(123.0), "latitude"),
            ("timezone", json!("Mars/Olympus"), "timezone"),
            ("capabilities", json!(["oxygen_cage", "warp_drive"]), "capabilities[1]"),
            ("species", json!(["reptile"]), "species[0]"),
            ("public_phone", json!("call us"), "public_phone"),
            ("after_hours_cover", json!({"kind": "site", "site_id": Uuid::new_v4()}), "after_hours_cover.site_id"),
        ] {
            let mut body = good.clone();
            body[field] = value;
            let response = admin
                .request(Method::POST, &format!("/api/v1/organizations/{clinic}/sites"))
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
            let problem: warren_wire::Problem = response.json().await.unwrap();
            assert_eq!(problem.errors[0].field, named, "{field}: {problem:?}");
        }
        assert!(admin.sites(clinic).await.unwrap().items.is_empty(), "nothing was created");
    }

    async fn only_the_organizations_editors_change_its_listings(app) {
        let coordinator = app.network_admin().await;
        let (clinic, admin) = app.vetted(&coordinator, "Guarded Vets", "gv@guarded.test").await;
        let staff = app.member(&admin, clinic, "staff@guarded.test", Role::Staff).await;
        let volunteer = app.member(&admin, clinic, "vol@guarded.test", Role::Volunteer).await;
        let (_, stranger) = app.vetted(&coordinator, "Other Vets", "ov@other.test").await;
        let (_, applicant) = app.apply("Hopeful Vets", "hv@hopeful.test").await;
        let created = staff.create_site(clinic, &site("Guarded Main", 1.0, None, &[], &[]), None).await.expect("staff add sites");
        let id = created.value.listing.id;
        let capacity = SetCapacityRequest { status: CapacityLevel::Closed, expires_in_minutes: None };
        assert_eq!(volunteer.set_capacity(id, &capacity).await.unwrap_err().status(), Some(403));
        assert_eq!(stranger.set_capacity(id, &capacity).await.unwrap_err().status(), Some(403), "another clinic sees the listing but cannot change it");
        assert!(!stranger.site(id).await.unwrap().value.editable);
        assert_eq!(applicant.site(id).await.unwrap_err().status(), Some(404), "an organization still applying is not in the network yet");
        assert_eq!(applicant.search(&SearchParams::default()).await.unwrap_err().status(), Some(403));
        assert_eq!(app.client.site(id).await.unwrap_err().status(), Some(401));
        assert_eq!(staff.assure_site(id).await.unwrap_err().status(), Some(403), "only coordinators assure");
        assert_eq!(staff.set_capacity(id, &capacity).await.unwrap().value.listing.capacity.status, CapacityStatus::Closed);
        assert_eq!(coordinator.set_capacity(id, &capacity).await.unwrap().value.listing.capacity.status, CapacityStatus::Closed);
        let unknown = Uuid::new_v4();
        assert_eq!(staff.site(unknown).await.unwrap_err().status(), Some(404));
        assert_eq!(staff.set_capacity(unknown, &capacity).await.unwrap_err().status(), Some(404));
    }

    async fn the_audit_queue_puts_overdue_listings_first_and_assurance_verifies(app) {
        let coordinator = app.network_admin().await;
        let (clinic, admin) = app.vetted(&coordinator, "Audited Vets", "av@audited.test").await;
        let first = admin.create_site(clinic, &site("Audited One", 1.0, Some("24/7"), &[], &["small_mammal"]), None).await.unwrap().value.listing.id;
        let second = admin.create_site(clinic, &site("Audited Two", 2.0, Some("24/7"), &[], &["small_mammal"]), None).await.unwrap().value.listing.id;
        let queue = coordinator.audit_queue(&AuditQueueQuery::default()).await.unwrap();
        assert_eq!(queue.overdue, 2);
        assert!(queue.items.iter().all(|item| item.overdue));
        assert_eq!(admin.audit_queue(&AuditQueueQuery::default()).await.unwrap_err().status(), Some(403));

        let assured = coordinator.assure_site(first).await.expect("assure");
        assert!(assured.value.listing.verified);
        assert!(assured.value.assured_by.as_deref().unwrap().contains("coordinator@network.test"));
        let queue = coordinator.audit_queue(&AuditQueueQuery::default()).await.unwrap();
        assert_eq!(queue.overdue, 1);
        assert_eq!(queue.items[0].site_id, second, "overdue first");
        assert_eq!(queue.items[1].site_id, first);
        assert!(!queue.items[1].overdue);
        let overdue_only = coordinator.audit_queue(&AuditQueueQuery { overdue_only: Some(true), offset: None, limit: None }).await.unwrap();
        assert_eq!(overdue_only.items.len(), 1);

        let page = admin.search(&SearchParams::default()).await.unwrap();
        let verified: Vec<(String, bool)> = page.items.iter().map(|hit| (hit.name.clone(), hit.verified)).collect();
        assert!(verified.contains(&("Audited One".into(), true)), "{verified:?}");
        assert!(verified.contains(&("Audited Two".into(), false)), "{verified:?}");
        let reasons = &page.items.iter().find(|hit| hit.site_id == first).unwrap().reasons;
        assert!(reasons.iter().any(|reason| reason.kind == ReasonKind::Verification && reason.text.starts_with("verified ")), "{reasons:?}");
    }

    async fn the_public_directory_shows_public_facts_only(app) {
        let coordinator = app.network_admin().await;
        let (clinic, admin) = app.vetted(&coordinator, "Open Door Vets", "od@opendoor.test").await;
        let (applicant, applicant_admin) = app.apply("Not Yet Vets", "ny@notyet.test").await;
        let id = admin.create_site(clinic, &site("Open Door Main", 1.0, Some("24/7"), &["oxygen_cage"], &["small_mammal"]), None).await.unwrap().value.listing.id;
        applicant_admin.create_site(applicant, &site("Not Yet Main", 1.0, Some("24/7"), &[], &["small_mammal"]), None).await.expect("an applicant may prepare its listing");

        let anonymous = app.client.anonymous();
        let page = anonymous.public_search(&search(&[("species", "small_mammal/hamster")])).await.expect("public search");
        let names: Vec<&str> = page.items.iter().map(|hit| hit.name.as_str()).collect();
        assert_eq!(names, ["Open Door Main"], "only vetted organizations are listed");
        assert_eq!(page.items[0].phone.as_deref(), Some("0117 496 0100"), "the public number, not the referral line");
        let raw = anonymous
            .request(Method::GET, &format!("/api/v1/public/sites/{id}"))
            .header(header::ORIGIN, "https://partner.example")
            .send()
            .await
            .unwrap();
        assert_eq!(raw.status(), StatusCode::OK);
        assert_eq!(raw.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).map(|v| v.to_str().unwrap()), Some("https://partner.example"));
        let text = raw.text().await.unwrap();
        for private in ["0117 496 0999", "0117 496 0555", "Referral Desk", "od@opendoor.test", "private_phone", "referral_contact", "assured_by"] {
            assert!(!text.contains(private), "the public site leaks {private}: {text}");
        }
        let search_text = anonymous.request(Method::GET, "/api/v1/public/search").send().await.unwrap().text().await.unwrap();
        for private in ["0117 496 0999", "0117 496 0555", "od@opendoor.test"] {
            assert!(!search_text.contains(private), "public search leaks {private}");
        }
        let preflight = anonymous
            .request(Method::OPTIONS, "/api/v1/public/search")
            .header(header::ORIGIN, "https://partner.example")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "x-api-key")
            .send()
            .await
            .unwrap();
        assert!(preflight.status().is_success(), "preflight: {}", preflight.status());
        let refused = anonymous
            .request(Method::OPTIONS, "/api/v1/public/search")
            .header(header::ORIGIN, "https://partner.example")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "DELETE")
            .send()
            .await
            .unwrap();
        assert!(refused.headers().get(header::ACCESS_CONTROL_ALLOW_METHODS).is_none_or(|methods| !methods.to_str().unwrap().contains("DELETE")));
        assert_eq!(anonymous.public_site(Uuid::new_v4()).await.unwrap_err().status(), Some(404));
        let members_only = anonymous.request(Method::GET, "/api/v1/directory/search").send().await.unwrap();
        assert_eq!(members_only.status(), StatusCode::UNAUTHORIZED);
        let bad_key = anonymous
            .request(Method::GET, "/api/v1/public/search")
            .header("X-API-Key", "wk_not_a_key")
            .send()
            .await
            .unwrap();
        assert_eq!(bad_key.status(), StatusCode::UNAUTHORIZED);
    }

    async fn network_admins_extend_the_vocabularies(app) {
        let coordinator = app.network_admin().await;
        let (clinic, admin) = app.vetted(&coordinator, "Jerboa Friends", "jf@jerboa.test").await;
        let jerboa = CreateTermRequest {
            taxonomy: Taxonomy::Species,
            code: TermCode::parse("small_mammal/jerboa").unwrap(),
            label: OrgName::parse("Jerboa").unwrap(),
        };
        assert_eq!(admin.create_term(&jerboa).await.unwrap_err().status(), Some(403));
        // Before the term exists, a jerboa search falls back to small mammals.
        admin.create_site(clinic, &site("Jerboa Corner", 1.0, Some("24/7"), &[], &["small_mammal"]), None).await.unwrap();
        let fallback = admin.search(&search(&[("species", "small_mammal/jerboa")])).await.unwrap();
        assert_eq!(fallback.items.len(), 1);
        coordinator.create_term(&jerboa).await.expect("add a species");
        assert_eq!(coordinator.create_term(&jerboa).await.unwrap_err().status(), Some(409));
        let orphan = CreateTermRequest { code: TermCode::parse("reptile/gecko").unwrap(), ..jerboa.clone() };
        assert_eq!(coordinator.create_term(&orphan).await.unwrap_err().status(), Some(422));
        let terms = app.client.anonymous().taxonomy().await.unwrap();
        assert!(terms.items.iter().any(|term| term.code.as_str() == "small_mammal/jerboa"));
        let specialist = admin.create_site(clinic, &site("Jerboa Specialist", 2.0, Some("24/7"), &[], &["small_mammal/jerboa"]), None).await.expect("use the new term");
        let found = admin.search(&search(&[("species", "small_mammal/jerboa")])).await.unwrap();
        assert_eq!(found.items.len(), 2);
        assert!(found.items.iter().any(|hit| hit.site_id == specialist.value.listing.id));
    }
}

warren_tests::on_both_databases! {
    async fn public_search_is_rate_limited_per_client_and_per_partner_key(backend: Backend) {
        let app = TestApp::spawn_with(backend, |config| {
            config.public_requests_per_minute = 3;
            config.partner_requests_per_minute = 5;
        })
        .await;
        let coordinator = app.network_admin().await;
        let (clinic, admin) = app.vetted(&coordinator, "Partner Vets", "pv@partner.test").await;
        let key = admin
            .create_api_key(clinic, &warren_wire::CreateApiKeyRequest {
                name: warren_domain::ApiKeyName::parse("Partner site").unwrap(),
                scopes: vec![warren_domain::ApiScope::Embed],
            }, None)
            .await
            .expect("an embed key");
        let anonymous = app.client.anonymous();
        let mut statuses = Vec::new();
        for _ in 0..4 {
            statuses.push(anonymous.request(Method::GET, "/api/v1/public/search").send().await.unwrap().status().as_u16());
        }
        assert_eq!(statuses, [200, 200, 200, 429]);
        let limited = anonymous.request(Method::GET, "/api/v1/public/taxonomy").send().await.unwrap();
        assert!(limited.headers().contains_key(header::RETRY_AFTER));
        let partner = app.client.with_api_key(&key.secret);
        let mut statuses = Vec::new();
        for _ in 0..6 {
            statuses.push(partner.request(Method::GET, "/api/v1/public/search").send().await.unwrap().status().as_u16());
        }
        assert_eq!(statuses, [200, 200, 200, 200, 200, 429], "the partner has its own, larger quota");
    }
}

//! The gazetteer through the API: network admins load GeoNames dumps, anyone
//! looks a town or postcode up, and searches take a town or postcode as
//! their centre — on SQLite and PostgreSQL.

use warren_client::ClientError;
use warren_domain::directory::hours::{CountryCode, OpeningHoursText, Timezone};
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::directory::{Latitude, Longitude};
use warren_domain::{AddressLine, OrgName, Phone};
use warren_wire::{GazetteerFormat, PlaceKind, PlaceLookup, Problem, SearchParams, SiteInput};

/// The demo's sample postal codes (Warren's own, in GeoNames' format).
fn postal_codes() -> &'static str {
    warren_seed::demo::GAZETTEER[0]
}

fn places() -> &'static str {
    warren_seed::demo::GAZETTEER[1]
}

fn lookup(q: &str) -> PlaceLookup {
    PlaceLookup {
        q: q.into(),
        limit: None,
    }
}

fn problem(error: ClientError) -> Problem {
    match error {
        ClientError::Problem(problem) => problem,
        other => panic!("a problem, not {other:?}"),
    }
}

fn site(name: &str, town: &str, postcode: &str, point: (f64, f64)) -> SiteInput {
    SiteInput {
        name: OrgName::parse(name).unwrap(),
        address: AddressLine::parse("1 High Street").unwrap(),
        town: AddressLine::parse(town).unwrap(),
        postcode: AddressLine::parse(postcode).unwrap(),
        country: CountryCode::parse("GB").unwrap(),
        latitude: Latitude::parse(point.0).unwrap(),
        longitude: Longitude::parse(point.1).unwrap(),
        timezone: Timezone::parse("Europe/London").unwrap(),
        public_phone: Some(Phone::parse("0117 496 0100").unwrap()),
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

warren_tests::on_both_databases! {
    async fn a_network_admin_loads_postcodes_and_anyone_finds_them_however_typed(app) {
        let coordinator = app.network_admin().await;
        let (_, clinic_admin) = app.vetted(&coordinator, "Cotham Small Pets", "cs@cotham.test").await;
        let refused = problem(clinic_admin.load_gazetteer(None, postal_codes()).await.unwrap_err());
        assert_eq!(refused.status, 403, "{refused:?}");
        let anonymous = problem(app.client.load_gazetteer(None, postal_codes()).await.unwrap_err());
        assert_eq!(anonymous.status, 401, "{anonymous:?}");
        let nothing = app.client.lookup_place(&lookup("BS1 6NB")).await.expect("a lookup");
        assert!(nothing.items.is_empty(), "nothing is known before a load");

        let summary = coordinator.load_gazetteer(None, postal_codes()).await.expect("load the postal codes");
        assert_eq!(summary.format, GazetteerFormat::PostalCodes);
        assert_eq!(summary.countries, ["GB"]);
        assert_eq!(summary.loaded, 123);
        assert_eq!(summary.replaced, 0);

        for typed in ["BS1 6NB", "bs16nb", " bs1  6nb "] {
            let found = app.client.lookup_place(&lookup(typed)).await.expect("a lookup").items;
            assert_eq!(found.len(), 1, "{typed}: {found:?}");
            assert_eq!(found[0].kind, PlaceKind::Postcode);
            assert_eq!(found[0].label(), "Bristol BS1 6NB");
            assert_eq!(found[0].country, "GB");
            assert_eq!(found[0].admin_area.as_deref(), Some("England"));
            assert!((found[0].latitude - 51.4506).abs() < 1e-6 && (found[0].longitude + 2.5902).abs() < 1e-6, "{found:?}");
        }
        let outward = app.client.lookup_place(&lookup("bs1")).await.expect("an outward code").items;
        assert_eq!(outward.len(), 1, "{outward:?}");
        assert_eq!(outward[0].label(), "Bristol BS1");
        assert!(outward[0].distance_km(51.4545, -2.5879) < 3.0, "the centre of BS1: {outward:?}");
        let town = app.client.lookup_place(&lookup("weston super mare")).await.expect("a town").items;
        assert_eq!(town[0].name, "Weston-super-Mare");
        assert_eq!(town[0].kind, PlaceKind::Place);
        let start = app.client.lookup_place(&lookup("Chipp")).await.expect("the start of a name").items;
        let names: Vec<&str> = start.iter().map(|place| place.name.as_str()).collect();
        assert_eq!(names, ["Chippenham", "Chipping Sodbury"]);

        let again = coordinator.load_gazetteer(Some(GazetteerFormat::PostalCodes), postal_codes()).await.expect("load again");
        assert_eq!((again.loaded, again.replaced), (123, 123), "a re-load replaces");
        let once = app.client.lookup_place(&lookup("BS1 6NB")).await.expect("a lookup").items;
        assert_eq!(once.len(), 1, "no duplicates after a re-load: {once:?}");

        let towns = coordinator.load_gazetteer(None, places()).await.expect("load the places");
        assert_eq!(towns.format, GazetteerFormat::Places);
        assert_eq!((towns.loaded, towns.replaced), (47, 0), "places do not replace postcodes");
        let bath = app.client.lookup_place(&lookup("BATH")).await.expect("a place").items;
        assert_eq!(bath.len(), 1, "the place, not also the town of its postcodes: {bath:?}");
        assert_eq!(bath[0].admin_area.as_deref(), Some("ENG"));
    }

    async fn a_file_with_bad_rows_is_refused_with_their_lines_and_changes_nothing(app) {
        let coordinator = app.network_admin().await;
        let file = [
            "GB\tBS1 6NB\tBristol\tEngland\tENG\t\t\t\t\t51.4506\t-2.5902\t6",
            "GB\tBA1 2BT\tBath\tEngland\tENG\t\t\t\t\tnorth\t-2.3648\t6",
            "",
            "GB\tBA2 3AN\tBath",
            "GB\tBS8 4UB\tBristol\tEngland\tENG\t\t\t\t\t51.4491\t-2.6148\t6",
        ]
        .join("\n");
        let refused = problem(coordinator.load_gazetteer(Some(GazetteerFormat::PostalCodes), file).await.unwrap_err());
        assert_eq!(refused.status, 422, "{refused:?}");
        let lines: Vec<&str> = refused.errors.iter().map(|error| error.field.as_str()).collect();
        assert_eq!(lines, ["line 2", "line 4"], "{refused:?}");
        assert!(refused.errors[0].message.contains("latitude `north`"), "{refused:?}");
        assert!(refused.errors[1].message.contains("3 columns"), "{refused:?}");
        let nothing = app.client.lookup_place(&lookup("BS1 6NB")).await.expect("a lookup");
        assert!(nothing.items.is_empty(), "the good rows were not loaded either");

        let unknown = problem(coordinator.load_gazetteer(None, "a,b,c\n").await.unwrap_err());
        assert_eq!((unknown.status, unknown.errors[0].field.as_str()), (422, "format"), "{unknown:?}");
        let empty = problem(coordinator.load_gazetteer(None, "\n\n").await.unwrap_err());
        assert_eq!(empty.status, 422, "{empty:?}");
        let blank = problem(app.client.lookup_place(&lookup("   ")).await.unwrap_err());
        assert_eq!((blank.status, blank.errors[0].field.as_str()), (400, "q"), "{blank:?}");
    }

    async fn searches_take_a_town_or_postcode_as_their_centre(app) {
        let coordinator = app.network_admin().await;
        let (partners, partner_admin) = app.vetted(&coordinator, "Severn Partners", "sp@severn.test").await;
        for (name, town, postcode, point) in [
            ("Harbour Clinic", "Bristol", "BS1 6NB", (51.4506, -2.5902)),
            ("Abbey Clinic", "Bath", "BA1 2BT", (51.3801, -2.3648)),
            ("Seafront Clinic", "Weston-super-Mare", "BS23 1PG", (51.3494, -2.9752)),
        ] {
            partner_admin.create_site(partners, &site(name, town, postcode, point), None).await.expect("a site");
        }
        coordinator.load_gazetteer(None, postal_codes()).await.expect("load the postal codes");
        let near = |text: &str| SearchParams { near: Some(text.into()), ..SearchParams::default() };

        let page = app.client.public_search(&near("ba1 2bt")).await.expect("search near a postcode");
        let names: Vec<&str> = page.items.iter().map(|hit| hit.name.as_str()).collect();
        assert_eq!(names, ["Abbey Clinic", "Harbour Clinic", "Seafront Clinic"], "nearest first");
        assert_eq!(page.items[0].distance_km, Some(0.0));
        assert_eq!(page.near.as_ref().map(|place| place.label()).as_deref(), Some("Bath BA1 2BT"));

        let page = app.client.public_search(&SearchParams { radius_km: Some("10".into()), ..near("BS1") }).await.expect("near an outward code");
        let names: Vec<&str> = page.items.iter().map(|hit| hit.name.as_str()).collect();
        assert_eq!(names, ["Harbour Clinic"], "within 10 km of BS1");
        assert_eq!(page.near.as_ref().map(|place| place.label()).as_deref(), Some("Bristol BS1"));

        let page = coordinator.search(&near("Weston-super-Mare")).await.expect("members search near a town");
        assert_eq!(page.items[0].name, "Seafront Clinic");
        assert_eq!(page.near.as_ref().map(|place| place.name.as_str()), Some("Weston-super-Mare"));

        let unknown = problem(app.client.public_search(&near("Atlantis")).await.unwrap_err());
        assert_eq!((unknown.status, unknown.errors[0].field.as_str()), (400, "near"), "{unknown:?}");
        assert!(unknown.errors[0].message.starts_with("place not found"), "{unknown:?}");
        let both = SearchParams { lat: Some("51.45".into()), lon: Some("-2.59".into()), ..near("Bath") };
        let both = problem(coordinator.search(&both).await.unwrap_err());
        assert_eq!((both.status, both.errors[0].field.as_str()), (400, "near"), "{both:?}");
        let plain = app.client.public_search(&SearchParams::default()).await.expect("no centre");
        assert!(plain.near.is_none());
    }
}

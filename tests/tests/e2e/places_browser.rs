//! The site form in real headless Chromium: a receptionist finds the
//! coordinates from the postcode, fills the week's hours in a grid, is
//! warned when coordinates, postcode and country disagree, and reads a
//! wrong hours text's error once, in words; a new listing awaits its first
//! assurance instead of showing as overdue.
//!
//! Needs what `browser.rs` needs: the built SPA, Chromium and chromedriver.
//! Screenshots at phone and desktop width go to the artifacts folder.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::browser::{appears, browser, click, holds, screenshots, sign_in, value_of};

async fn retype(browser: &Client, css: &str, text: &str) {
    let input = appears(browser, Locator::Css(css), css).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

/// Sets a time input or a select as a person's pick does, firing `change`.
async fn pick(browser: &Client, css: &str, value: &str) {
    appears(browser, Locator::Css(css), css).await;
    browser
        .execute(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1];
             e.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![serde_json::json!(css), serde_json::json!(value)],
        )
        .await
        .unwrap();
}

/// How many elements on the page say `text`, each counted once (the
/// innermost element holding it).
async fn count_saying(browser: &Client, text: &str) -> usize {
    browser
        .find_all(Locator::XPath(&format!("//*[contains(text(), '{text}')]")))
        .await
        .unwrap()
        .len()
}

warren_tests::on_one_database! { Postgres:
    async fn a_receptionist_adds_a_site_by_postcode_with_the_weekly_hours_grid(app) {
        let coordinator = app.network_admin().await;
        coordinator.load_gazetteer(None, warren_seed::demo::GAZETTEER[0]).await.expect("the sample postcodes");
        let (clinic, clinic_admin) = app.vetted(&coordinator, "Cotham Small Pets", "cs@cotham.test").await;

        let (browser, _driver) = browser().await;
        browser.set_window_size(390, 900).await.unwrap();
        sign_in(&browser, &app, "cs@cotham.test").await;
        browser.goto(&format!("{}/organizations/{clinic}/sites/new", app.url)).await.unwrap();
        retype(&browser, "#site-name", "Harbour Clinic").await;
        retype(&browser, "#site-address", "1 Harbour Walk").await;
        retype(&browser, "#site-postcode", "bs1 6nb").await;
        click(&browser, "#find-place", "the Find button").await;
        holds(&browser, "#site-latitude", "51.45060", "Find fills the latitude").await;
        holds(&browser, "#site-longitude", "-2.59020", "and the longitude").await;
        holds(&browser, "#site-town", "Bristol", "and the empty town").await;
        let status = appears(&browser, Locator::XPath("//p[@id='place-status'][contains(., 'Found Bristol BS1 6NB')]"), "the form says what it found").await;
        assert!(status.text().await.unwrap().contains("England"), "with its area");

        // The week in the grid: Monday, copied to the weekdays; a short Saturday; closed on holidays.
        click(&browser, "#hours-Mo-add", "Monday's Open button").await;
        holds(&browser, "#hours-Mo-0-from", "09:00", "a new range starts at 09:00").await;
        pick(&browser, "#hours-Mo-0-to", "18:00").await;
        click(&browser, "#hours-copy-monday", "the copy button").await;
        click(&browser, "#hours-Sa-add", "Saturday's Open button").await;
        pick(&browser, "#hours-Sa-0-to", "13:00").await;
        pick(&browser, "#hours-holidays", "closed").await;
        assert_eq!(
            value_of(&browser, "#site-opening-hours").await,
            "Mo-Fr 09:00-18:00; Sa 09:00-13:00; PH off",
            "the grid writes the OpenStreetMap text"
        );
        appears(&browser, Locator::Css("[data-testid=hours-valid]"), "the hours are valid").await;
        assert_eq!(count_saying(&browser, "km from").await, 0, "no warning: the point is the postcode's");
        screenshots(&browser, "site-form-places", app.backend).await;

        click(&browser, "#save-site", "the save button").await;
        let next = appears(&browser, Locator::Css("[data-testid=next-audit]"), "the new site's page").await;
        assert_eq!(next.text().await.unwrap(), "Awaiting first assurance");
        assert_eq!(next.attr("class").await.unwrap().unwrap_or_default(), "", "said neutrally, not in red");
        assert_eq!(count_saying(&browser, "(overdue)").await, 0);
        screenshots(&browser, "site-new-awaiting-assurance", app.backend).await;

        let sites = clinic_admin.sites(clinic).await.expect("the clinic's sites");
        let listing = &sites.items[0].listing;
        assert_eq!(listing.opening_hours.as_deref(), Some("Mo-Fr 09:00-18:00; Sa 09:00-13:00; PH off"));
        assert_eq!((listing.latitude, listing.longitude), (51.4506, -2.5902));
        browser.close().await.unwrap();
    }

    async fn the_site_form_warns_of_disagreeing_places_and_explains_wrong_hours_once(app) {
        let coordinator = app.network_admin().await;
        coordinator.load_gazetteer(None, warren_seed::demo::GAZETTEER[0]).await.expect("the sample postcodes");
        let (clinic, _) = app.vetted(&coordinator, "Cotham Small Pets", "cs@cotham.test").await;

        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "cs@cotham.test").await;
        browser.goto(&format!("{}/organizations/{clinic}/sites/new", app.url)).await.unwrap();
        retype(&browser, "#site-postcode", "BS1 6NB").await;
        click(&browser, "#site-latitude", "the latitude field").await;
        holds(&browser, "#site-latitude", "51.45060", "leaving the postcode fills empty coordinates").await;

        retype(&browser, "#site-latitude", "51.5074").await;
        retype(&browser, "#site-longitude", "-0.1278").await;
        let warning = appears(&browser, Locator::Css("[data-testid=location-warnings]"), "London is far from BS1 6NB").await;
        let said = warning.text().await.unwrap();
        assert!(said.contains("km from BS1 6NB"), "{said}");
        retype(&browser, "#site-country", "IE").await;
        appears(&browser, Locator::XPath("//*[@data-testid='location-warnings'][contains(., 'BS1 6NB is a postcode of GB, but the country is IE')]"), "another country").await;
        retype(&browser, "#site-country", "GB").await;
        click(&browser, "#find-place", "the Find button").await;
        holds(&browser, "#site-latitude", "51.45060", "Find puts the postcode's point back").await;
        for _ in 0..50 {
            if browser.find(Locator::Css("[data-testid=location-warnings]")).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(browser.find(Locator::Css("[data-testid=location-warnings]")).await.is_err(), "agreeing again, no warning");

        // "Use my location": the browser's position (stood in for here).
        browser
            .execute(
                "navigator.geolocation.getCurrentPosition = (found) =>
                   setTimeout(() => found({ coords: { latitude: 51.3801, longitude: -2.3648 } }), 10);",
                vec![],
            )
            .await
            .unwrap();
        click(&browser, "#use-my-location", "the location button").await;
        holds(&browser, "#site-latitude", "51.38010", "the browser's latitude").await;
        holds(&browser, "#site-longitude", "-2.36480", "and longitude").await;

        // A wrong text: one error, in words, naming the rule.
        click(&browser, "#hours-advanced > summary", "the hours' text view").await;
        retype(&browser, "#site-opening-hours", "Mo-Fr 08:00-18:00; Sa 9-1pm").await;
        let error = appears(&browser, Locator::Css("#site-opening-hours-error"), "the error").await;
        assert!(error.text().await.unwrap().starts_with("The hours “Sa 9-1pm” are not understood"), "{}", error.text().await.unwrap());
        assert_eq!(count_saying(&browser, "not understood").await, 1, "shown once");
        click(&browser, "#save-site", "the save button").await;
        appears(&browser, Locator::Css("#site-name[aria-invalid=true]"), "saving flags the empty fields").await;
        assert_eq!(count_saying(&browser, "not understood").await, 1, "still once after saving");
        assert_eq!(count_saying(&browser, "opening_hours syntax").await, 0, "not the parser's raw words");

        // Rules the grid cannot show stay as text; simple ones come back to the grid.
        retype(&browser, "#site-opening-hours", "Mo-Fr 08:00-18:00; Dec 25 off").await;
        appears(&browser, Locator::Css("[data-testid=hours-unsupported]"), "the grid says it cannot show it").await;
        assert!(browser.find(Locator::Css("#hours-Mo-add")).await.is_err(), "no grid for it");
        retype(&browser, "#site-opening-hours", "Mo-Fr 08:00-18:00; Sa 10:00-12:00").await;
        holds(&browser, "#hours-Mo-0-from", "08:00", "the grid reads the text").await;
        holds(&browser, "#hours-Sa-0-to", "12:00", "Saturday too").await;
        assert!(browser.find(Locator::Css("#hours-Su-0-from")).await.is_err(), "Sunday closed");
        browser.close().await.unwrap();
    }
}

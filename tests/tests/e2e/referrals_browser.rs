//! Referrals in real headless Chromium against a real server, with two
//! browsers as two clinics: Harbour Vets' nurse refers a rat in respiratory
//! distress to Avon Exotics in one click from its assessment; Avon's board
//! shows it as it arrives, without a reload; Avon accepts, schedules a
//! volunteer driver and records "treated and returned", and Harbour's open
//! referral page shows each step as it happens, without a reload.
//!
//! Needs what `browser.rs` needs: the built SPA, Chromium and chromedriver.
//! Screenshots of the board and the referral page, at desktop and phone
//! width, go to the artifacts folder.

use std::collections::BTreeMap;

use fantoccini::{Client, Locator};
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::triage::Answer;
use warren_tests::*;
use warren_wire::CreateAssessmentRequest;

use crate::browser::{appears, browser, click, listing, screenshots, sign_in};

/// Marks the page, so that [`not_reloaded`] can tell it was not loaded
/// again.
async fn mark_page(browser: &Client) {
    browser
        .execute("window.__warrenSamePage = true;", vec![])
        .await
        .unwrap();
}

/// Asserts the page marked by [`mark_page`] is still the same page.
async fn not_reloaded(browser: &Client, what: &str) {
    let marked = browser
        .execute("return window.__warrenSamePage === true;", vec![])
        .await
        .unwrap();
    assert_eq!(
        marked,
        serde_json::json!(true),
        "{what}: the page was reloaded"
    );
}

warren_tests::on_one_database! { Postgres:
    async fn two_clinics_hand_a_rat_over_and_each_sees_the_other_act_live_in_the_browser(app) {
        let coordinator = app.network_admin().await;
        let (harbour, harbour_admin) = app
            .vetted(&coordinator, "Harbour Vets", "admin@harbour.test")
            .await;
        let nurse = app
            .member(&harbour_admin, harbour, "nurse@harbour.test", Role::Clinician)
            .await;
        harbour_admin
            .create_site(
                harbour,
                &listing("Harbour Vets Surgery", 0.0, "24/7", &["radiography"], &["small_mammal"]),
                None,
            )
            .await
            .expect("Harbour's site");
        let (avon, avon_admin) = app
            .vetted(&coordinator, "Avon Exotics", "admin@avon.test")
            .await;
        let avon_site = avon_admin
            .create_site(
                avon,
                &listing("Avon Exotics Hospital", 4.0, "24/7", &["oxygen_cage", "radiography"], &["small_mammal"]),
                None,
            )
            .await
            .expect("Avon's site")
            .value
            .listing
            .id;
        app.member(&avon_admin, avon, "vet@avon.test", Role::Clinician)
            .await;
        let driver = app
            .member(&avon_admin, avon, "driver@avon.test", Role::Volunteer)
            .await;
        let driver_id = driver
            .me()
            .await
            .unwrap()
            .value
            .user
            .expect("the driver is a person")
            .id;

        // The nurse has triaged the rat: breathing with its mouth open.
        let assessment = nurse
            .create_assessment(
                harbour,
                &CreateAssessmentRequest {
                    species: TermCode::parse("small_mammal/rat").unwrap(),
                    patient: Some("Pip".into()),
                    answers: BTreeMap::from([("respiratory_distress".to_owned(), Answer::Yes)]),
                    site_id: None,
                    protocol_version: None,
                },
                None,
            )
            .await
            .expect("the assessment");
        assert!(
            assessment.destinations.iter().any(|hit| hit.site_id == avon_site),
            "Avon, open with an oxygen cage, is recommended"
        );

        // Avon's vet watches the incoming board.
        let (avon_browser, _avon_driver) = browser().await;
        sign_in(&avon_browser, &app, "vet@avon.test").await;
        avon_browser.goto(&format!("{}/referrals", app.url)).await.unwrap();
        appears(&avon_browser, Locator::Css("[data-testid=live][data-state=live]"), "Avon's board is live").await;
        appears(&avon_browser, Locator::Css("[data-testid=board-empty]"), "nothing is waiting at Avon").await;
        mark_page(&avon_browser).await;

        // Harbour's nurse refers the rat from the assessment in one click.
        let (harbour_browser, _harbour_driver) = browser().await;
        sign_in(&harbour_browser, &app, "nurse@harbour.test").await;
        harbour_browser
            .goto(&format!("{}/assessments/{}", app.url, assessment.id))
            .await
            .unwrap();
        click(
            &harbour_browser,
            &format!("[data-testid=refer-to][data-site-id='{avon_site}']"),
            "the assessment offers to refer to Avon",
        )
        .await;
        appears(
            &harbour_browser,
            Locator::Css(&format!("[data-testid=receiver][data-site-id='{avon_site}']")),
            "Avon is already a receiver",
        )
        .await;
        appears(&harbour_browser, Locator::Css("[data-testid=carried-over] [data-tier='1']"), "tier 1 carried over").await;
        let species = harbour_browser.find(Locator::Css("#species")).await.unwrap();
        assert_eq!(species.prop("value").await.unwrap().as_deref(), Some("small_mammal/rat"));
        let name = harbour_browser.find(Locator::Css("#patient-name")).await.unwrap();
        assert_eq!(name.prop("value").await.unwrap().as_deref(), Some("Pip"));
        screenshots(&harbour_browser, "referral-form", app.backend).await;
        harbour_browser.find(Locator::Css("#weight")).await.unwrap().send_keys("350").await.unwrap();
        harbour_browser.find(Locator::Css("#contact-name")).await.unwrap().send_keys("Sam Finder").await.unwrap();
        harbour_browser.find(Locator::Css("#contact-phone")).await.unwrap().send_keys("07700 900123").await.unwrap();
        harbour_browser
            .find(Locator::Css("#transport-needed"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        click(&harbour_browser, "[data-testid=send-referral]", "the send button").await;
        appears(
            &harbour_browser,
            Locator::Css("[data-testid=referral-title]"),
            "the referral page opens",
        )
        .await;
        appears(&harbour_browser, Locator::Css(".referral-badges [data-status=requested]"), "the referral is sent").await;
        appears(&harbour_browser, Locator::Css("[data-testid=live][data-state=live]"), "Harbour's referral page is live").await;
        mark_page(&harbour_browser).await;

        // It appears on Avon's board as it arrives.
        let card = appears(
            &avon_browser,
            Locator::Css("[data-testid=referral-card][data-status=requested]"),
            "the referral arrives on Avon's board without a reload",
        )
        .await;
        not_reloaded(&avon_browser, "Avon's board").await;
        let text = card.text().await.unwrap();
        assert!(text.contains("Pip"), "{text}");
        assert!(text.contains("From Harbour Vets Surgery"), "{text}");
        assert!(text.contains("left to answer"), "{text}");
        assert_eq!(card.attr("data-tier").await.unwrap().as_deref(), Some("1"));
        screenshots(&avon_browser, "referral-board", app.backend).await;

        // Avon opens it and accepts.
        card.find(Locator::Css("[data-testid=referral-link]")).await.unwrap().click().await.unwrap();
        click(&avon_browser, "[data-testid=transition][data-status=accepted]", "Avon may accept").await;
        appears(&avon_browser, Locator::Css(".referral-badges [data-status=accepted]"), "Avon accepted").await;
        appears(&harbour_browser, Locator::Css(".referral-badges [data-status=accepted]"), "Harbour sees the acceptance live").await;
        appears(&harbour_browser, Locator::Css("[data-testid=assignee]"), "Harbour sees who took it on").await;

        // The two sides talk in the case thread.
        harbour_browser
            .find(Locator::Css("#message-body"))
            .await
            .unwrap()
            .send_keys("Pip had 0.1 ml meloxicam at 13:00.")
            .await
            .unwrap();
        click(&harbour_browser, "[data-testid=send-message]", "the send button").await;
        let message = appears(&avon_browser, Locator::Css("[data-testid=message]"), "Avon reads the message live").await;
        assert!(message.text().await.unwrap().contains("meloxicam"));

        // Avon schedules its volunteer driver.
        click(&avon_browser, "[data-testid=arrange-transport]", "Avon may arrange transport").await;
        let driver_option = format!("#driver option[value='{driver_id}']");
        appears(&avon_browser, Locator::Css(&driver_option), "the volunteer is offered as driver").await;
        screenshots(&avon_browser, "referral-transport-form", app.backend).await;
        avon_browser
            .find(Locator::Css("#driver"))
            .await
            .unwrap()
            .select_by_value(&driver_id.to_string())
            .await
            .unwrap();
        avon_browser
            .find(Locator::Css("#leg-status"))
            .await
            .unwrap()
            .select_by_value("scheduled")
            .await
            .unwrap();
        click(&avon_browser, "[data-testid=save-transport]", "the save button").await;
        appears(&avon_browser, Locator::Css("[data-testid=leg-status][data-leg-status=scheduled]"), "Avon scheduled the transport").await;
        appears(&harbour_browser, Locator::Css("[data-testid=leg-status][data-leg-status=scheduled]"), "Harbour sees the transport scheduled live").await;
        appears(
            &harbour_browser,
            Locator::Css(".referral-badges [data-business-status=to_be_picked_up]"),
            "Harbour sees the animal is to be picked up",
        )
        .await;
        let driver_name = harbour_browser.find(Locator::Css("[data-testid=driver]")).await.unwrap().text().await.unwrap();
        assert_eq!(driver_name, "Test Member");

        // The driver has the rat.
        click(&avon_browser, "[data-testid=business-step][data-value=in_transit]", "the transport steps").await;
        appears(&harbour_browser, Locator::Css(".referral-badges [data-business-status=in_transit]"), "Harbour sees the rat on its way").await;

        // Avon records the outcome.
        let kind = appears(&avon_browser, Locator::Css("#outcome-kind"), "Avon may record the outcome").await;
        kind.select_by_value("treated_and_returned").await.unwrap();
        avon_browser
            .find(Locator::Css("#outcome-note"))
            .await
            .unwrap()
            .send_keys("Oxygen for two hours; breathing normally. Doxycycline for ten days.")
            .await
            .unwrap();
        click(&avon_browser, "[data-testid=record-outcome]", "the record button").await;
        appears(&avon_browser, Locator::Css("[data-testid=outcome][data-kind=treated_and_returned]"), "Avon recorded the outcome").await;
        let outcome = appears(
            &harbour_browser,
            Locator::Css("[data-testid=outcome][data-kind=treated_and_returned]"),
            "Harbour sees the outcome live",
        )
        .await;
        assert!(outcome.text().await.unwrap().contains("Treated and returned"));
        appears(&harbour_browser, Locator::Css(".referral-badges [data-status=completed]"), "Harbour sees it completed").await;
        let timeline = harbour_browser
            .find_all(Locator::Css("[data-testid=timeline-entry]"))
            .await
            .unwrap();
        assert!(timeline.len() >= 5, "sent, accepted, transport, step and outcome are in the timeline");
        not_reloaded(&harbour_browser, "Harbour's referral page").await;
        screenshots(&harbour_browser, "referral-detail", app.backend).await;
        screenshots(&avon_browser, "referral-detail-receiver", app.backend).await;

        // Every member reads the network's answer times.
        avon_browser.goto(&format!("{}/referrals/settings", app.url)).await.unwrap();
        let immediate = appears(&avon_browser, Locator::Css("#answer-immediate"), "the answer times").await;
        assert_eq!(immediate.prop("value").await.unwrap().as_deref(), Some("10"));
        screenshots(&avon_browser, "referral-answer-times", app.backend).await;

        avon_browser.close().await.unwrap();
        harbour_browser.close().await.unwrap();
    }
}

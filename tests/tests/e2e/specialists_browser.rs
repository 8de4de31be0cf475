//! Specialists and consults in real headless Chromium against a real
//! server: a clinician finds a rabbit dentist on the Specialists page, asks
//! for a consult from the referral's page; the dentist, in a second browser
//! session, reads the case in their consult inbox and answers; the
//! referring clinician sees the answer on the referral's page and in its
//! case thread without reloading.
//!
//! Needs what `browser.rs` needs: the built SPA, Chromium and chromedriver.
//! Screenshots of the search, the referral's consult panel, the inbox and
//! the profile editor, at desktop and phone width, go to the artifacts
//! folder.

use fantoccini::Locator;
use warren_tests::*;

use crate::browser::{appears, browser, click, screenshots, sign_in};
use crate::specialists::{dentist, rabbit_request, site};

warren_tests::on_one_database! { Sqlite:
    async fn a_clinician_asks_a_dentist_from_the_referral_and_reads_the_answer_in_the_browser(app) {
        let coordinator = app.network_admin().await;
        let (harbour, harbour_admin) = app.vetted(&coordinator, "Harbour Vets", "a@harbour.test").await;
        app.member(&harbour_admin, harbour, "vet@harbour.test", Role::Clinician).await;
        let (avon, avon_admin) = app.vetted(&coordinator, "Avon Exotics", "b@avon.test").await;
        let avon_site = avon_admin.create_site(avon, &site("Avon Exotics Hospital"), None).await.unwrap().value.listing.id;
        let (meadow, meadow_admin) = app.vetted(&coordinator, "Meadow Dental Referrals", "c@meadow.test").await;
        let dentist_client = app.member(&meadow_admin, meadow, "dentist@meadow.test", Role::Clinician).await;
        let dentist_id = dentist_client.put_my_specialist_profile(&dentist(), None).await.unwrap().value.user_id;
        let referral = harbour_admin
            .create_referral(harbour, &rabbit_request(avon_site), None)
            .await
            .unwrap()
            .items[0]
            .id;

        // Harbour's vet finds the dentist for rabbits.
        let (harbour_browser, _harbour_driver) = browser().await;
        sign_in(&harbour_browser, &app, "vet@harbour.test").await;
        click(&harbour_browser, "nav a[href='/specialists']", "the navigation offers specialists").await;
        appears(&harbour_browser, Locator::Css("#specialist-species option[value='small_mammal/rabbit']"), "the species filter offers rabbits").await;
        harbour_browser.find(Locator::Css("#specialist-species")).await.unwrap().select_by_value("small_mammal/rabbit").await.unwrap();
        click(&harbour_browser, "[data-testid=specialist-search-submit]", "the search button").await;
        let card_css = format!("[data-testid=specialist-card][data-user-id='{dentist_id}']");
        let card = appears(&harbour_browser, Locator::Css(&card_css), "the dentist is found").await;
        let text = card.text().await.unwrap();
        assert!(text.contains("Dentistry"), "{text}");
        assert!(text.contains("Meadow Dental Referrals"), "{text}");
        assert!(text.contains("Mon 00:00–24:00"), "{text}");
        let url = harbour_browser.current_url().await.unwrap();
        assert!(url.as_str().contains("species=small_mammal%2Frabbit"), "{url}");
        screenshots(&harbour_browser, "specialists-search", app.backend).await;

        // … and asks from the referral's page.
        harbour_browser.goto(&format!("{}/referrals/{referral}", app.url)).await.unwrap();
        appears(&harbour_browser, Locator::Css("[data-testid=live][data-state=live]"), "the referral page is live").await;
        appears(&harbour_browser, Locator::Css(&format!("#consult-specialist option[value='{dentist_id}']")), "the dentist is offered for this rabbit").await;
        harbour_browser.find(Locator::Css("#consult-specialist")).await.unwrap().select_by_value(&dentist_id.to_string()).await.unwrap();
        harbour_browser
            .find(Locator::Css("#consult-question"))
            .await
            .unwrap()
            .send_keys("Burr the cheek teeth first, or skull radiographs under sedation?")
            .await
            .unwrap();
        click(&harbour_browser, "[data-testid=request-consult]", "the ask button").await;
        appears(&harbour_browser, Locator::Css("[data-testid=referral-consult][data-status=requested]"), "the consult is asked").await;
        let requested = appears(&harbour_browser, Locator::XPath("//*[@data-testid='message'][contains(., 'Consult requested from')]"), "the thread says so").await;
        assert!(requested.text().await.unwrap().contains("Meadow Dental Referrals"));

        // The dentist, in a browser of their own, answers from the inbox.
        let (dentist_browser, _dentist_driver) = browser().await;
        sign_in(&dentist_browser, &app, "dentist@meadow.test").await;
        dentist_browser.goto(&format!("{}/consults", app.url)).await.unwrap();
        let consult = appears(&dentist_browser, Locator::Css("[data-testid=consult-card]"), "the consult is in the inbox").await;
        let text = consult.text().await.unwrap();
        assert!(text.contains("Clover"), "{text}");
        assert!(text.contains("Molar spurs"), "{text}");
        assert!(!text.contains("Sam Owner") && !text.contains("07700"), "no owner contact: {text}");
        let consult_id = consult.attr("data-consult-id").await.unwrap().unwrap();
        screenshots(&dentist_browser, "consults-inbox", app.backend).await;
        dentist_browser
            .find(Locator::Css(&format!("#answer-{consult_id}")))
            .await
            .unwrap()
            .send_keys("Radiograph first: skull views under sedation, then burr. Look for a retrobulbar abscess.")
            .await
            .unwrap();
        click(&dentist_browser, "[data-testid=answer-consult]", "the answer button").await;
        appears(&dentist_browser, Locator::Css("[data-testid=consult-status][data-status=answered]"), "the consult is answered").await;
        dentist_browser.goto(&format!("{}/profile/specialist", app.url)).await.unwrap();
        appears(&dentist_browser, Locator::Css("#discipline-dentistry:checked"), "the profile editor shows the disciplines").await;
        screenshots(&dentist_browser, "specialist-profile", app.backend).await;

        // Harbour's vet sees the answer without reloading.
        let answer = appears(&harbour_browser, Locator::Css("[data-testid=referral-consult][data-status=answered] [data-testid=referral-consult-answer]"), "the answer arrives").await;
        assert!(answer.text().await.unwrap().contains("retrobulbar abscess"));
        appears(&harbour_browser, Locator::XPath("//*[@data-testid='message'][contains(., 'retrobulbar abscess')]"), "and in the case thread").await;
        screenshots(&harbour_browser, "referral-consults", app.backend).await;
        harbour_browser.close().await.unwrap();
        dentist_browser.close().await.unwrap();
    }
}

warren_tests::on_one_database! { Postgres:
    async fn a_specialist_outside_their_consult_hours_shows_when_they_next_accept_in_the_browser(app) {
        use chrono::Datelike;
        use warren_domain::specialists::{Availability, ClockTime, ConsultSlot, Weekday};
        let coordinator = app.network_admin().await;
        let (clinic, admin) = app.vetted(&coordinator, "Weekday Dental", "a@weekday.test").await;
        admin.create_site(clinic, &site("Weekday Dental Clinic"), None).await.unwrap();
        // Consult hours tomorrow only, in the clinic's timezone: never now.
        let london = warren_domain::directory::hours::Timezone::parse("Europe/London").unwrap().tz();
        let tomorrow = chrono::Utc::now().with_timezone(&london).date_naive().succ_opt().unwrap();
        let day = Weekday::ALL[tomorrow.weekday().num_days_from_monday() as usize];
        let hours = warren_wire::SpecialistProfileRequest {
            availability: Availability::check(vec![ConsultSlot {
                day,
                from: ClockTime::parse("09:00").unwrap(),
                to: ClockTime::parse("17:00").unwrap(),
            }])
            .unwrap(),
            ..dentist()
        };
        let id = admin.put_my_specialist_profile(&hours, None).await.unwrap().value.user_id;

        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "a@weekday.test").await;
        browser.goto(&format!("{}/specialists", app.url)).await.unwrap();
        let card = appears(&browser, Locator::Css(&format!("[data-testid=specialist-card][data-user-id='{id}']")), "the dentist is listed").await;
        let badge = card.find(Locator::Css("[data-accepting]")).await.unwrap();
        assert_eq!(badge.attr("data-accepting").await.unwrap().as_deref(), Some("false"));
        let text = badge.text().await.unwrap();
        assert!(text.starts_with("Not accepting consults now · next "), "{text}");
        assert!(text.contains(&day.label()[..3]), "the next day is named: {text}");
        let card_text = card.text().await.unwrap();
        assert!(card_text.contains("(Europe/London time)"), "{card_text}");
        assert!(!card_text.contains("small_mammal"), "labels, not codes: {card_text}");
        screenshots(&browser, "specialists-not-accepting-now", app.backend).await;
        browser.close().await.unwrap();
    }
}

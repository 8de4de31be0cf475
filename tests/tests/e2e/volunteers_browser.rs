//! The volunteer's page in real headless Chromium on a phone-sized screen:
//! a new volunteer writes their profile (transport, free all week), finds
//! the transport without a driver, taps "I'll drive" and sees the drive
//! among their assignments; the referral records them as its driver. A
//! coordinator then finds them on the organization's roster at desktop
//! width.
//!
//! Needs what `browser.rs` needs: the built SPA, Chromium and chromedriver.
//! Screenshots at phone and desktop width go to the artifacts folder.

use fantoccini::Locator;
use warren_domain::referral::TransportStatus;
use warren_tests::*;

use crate::browser::{appears, backend_name, browser, click, screenshots, sign_in, whole_page};
use crate::referrals::network;
use crate::volunteers::referral_needing_a_driver;

warren_tests::on_one_database! { Sqlite:
    async fn a_volunteer_on_a_phone_takes_a_transport_without_a_driver(app) {
        let net = network(&app).await;
        let referral = referral_needing_a_driver(&net).await;
        let volunteer = app
            .member(&net.receiver_admin, net.receiver, "robin@avon.test", Role::Volunteer)
            .await;
        app.member(&net.receiver_admin, net.receiver, "coordinator@avon.test", Role::Staff).await;
        let backend = backend_name(app.backend);

        let (browser, _driver) = browser().await;
        browser.set_window_size(390, 844).await.unwrap();
        sign_in(&browser, &app, "robin@avon.test").await;
        browser.goto(&format!("{}/volunteer", app.url)).await.unwrap();

        // No profile yet: the page says how to start, and the form takes it.
        appears(&browser, Locator::Css("[data-testid=no-profile]"), "the invitation to write a profile").await;
        appears(&browser, Locator::Css("[data-testid=take-transport]"), "the transport is listed").await;
        click(&browser, "[data-testid=no-profile] a", "the link to the profile form").await;
        click(&browser, "#skill-transport", "the transport skill").await;
        appears(&browser, Locator::Css("#availability"), "the availability field").await.send_keys("24/7").await.unwrap();
        browser.find(Locator::Css("#area")).await.unwrap().send_keys("Clifton and Hotwells").await.unwrap();
        click(&browser, "#has-vehicle", "own vehicle").await;
        whole_page(&browser, 390, &format!("volunteer-profile-phone-{backend}.png")).await;
        click(&browser, "[data-testid=save-volunteer-profile]", "save").await;
        appears(&browser, Locator::Css("[data-testid=profile-summary]"), "back on the volunteer page with the profile").await;

        // The drive: route, window and the big button, within the phone's width.
        let job = appears(&browser, Locator::Css("[data-testid=unassigned] [data-testid=transport-job]"), "the job card").await;
        assert_eq!(job.attr("data-referral-id").await.unwrap(), Some(referral.id.to_string()));
        let route = job.find(Locator::Css("[data-testid=job-route]")).await.unwrap().text().await.unwrap();
        assert_eq!(route, "Harbour Vets Surgery → Avon Exotics Hospital");
        let overflow = browser
            .execute("return document.documentElement.scrollWidth - window.innerWidth;", vec![])
            .await
            .unwrap();
        assert!(overflow.as_i64().unwrap_or(1) <= 0, "nothing wider than the phone: {overflow}");
        whole_page(&browser, 390, &format!("volunteer-before-phone-{backend}.png")).await;
        browser.set_window_size(390, 844).await.unwrap();
        click(&browser, "[data-testid=take-transport]", "I'll drive").await;

        // Now among the volunteer's own assignments, and no longer open.
        let mine = appears(&browser, Locator::Css("[data-testid=my-assignments] [data-testid=transport-job][data-status=scheduled]"), "the drive is mine").await;
        assert!(mine.find(Locator::Css("[data-testid=driving]")).await.is_ok());
        appears(&browser, Locator::Css("[data-testid=no-unassigned]"), "no transport left without a driver").await;
        appears(&browser, Locator::Css("[data-testid=notice]"), "the confirmation").await;
        screenshots(&browser, "volunteer", app.backend).await;

        let me = volunteer.my_volunteer_profile().await.unwrap().value;
        let seen = net.receiver_admin.referral(referral.id).await.unwrap().value;
        let leg = seen.transport.unwrap();
        assert_eq!(leg.status, TransportStatus::Scheduled);
        assert_eq!(leg.driver.unwrap().user_id, me.user_id);

        // A coordinator finds the volunteer on the roster.
        browser.set_window_size(1280, 900).await.unwrap();
        click(&browser, "#sign-out", "sign out").await;
        sign_in(&browser, &app, "coordinator@avon.test").await;
        browser.goto(&format!("{}/organizations/{}/volunteers", app.url, net.receiver)).await.unwrap();
        let row = appears(&browser, Locator::Css("[data-testid=roster-row]"), "the roster lists the volunteer").await;
        let text = row.text().await.unwrap();
        assert!(text.contains("Clifton and Hotwells") && text.contains("Transport") && text.contains("Yes"), "{text}");
        screenshots(&browser, "volunteer-roster", app.backend).await;
    }
}

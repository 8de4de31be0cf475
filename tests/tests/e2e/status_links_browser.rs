//! The status link in real headless Chromium at phone width: the referring
//! clinic makes it on the referral's page and the owner or finder opens it:
//! the page says in plain words where the animal
//! is, gives the place's phone as a link to call, what to bring and the
//! updates the clinic shared, fits the screen, and says so plainly once the
//! clinic revokes the link.

use fantoccini::Locator;
use warren_domain::referral::ReferralStatus;
use warren_wire::{StatusUpdateRequest, TransitionRequest};

use crate::browser::{appears, browser, click, screenshots, sign_in, value_of};
use crate::specialists::{note, rabbit_request, site};

warren_tests::on_one_database! { Postgres:
    async fn an_owner_opens_the_status_link_on_a_phone(app) {
        let coordinator = app.network_admin().await;
        let (rescue_id, rescue) = app.vetted(&coordinator, "Hedgerow Rescue", "a@hedgerow.test").await;
        let (hospital_id, hospital) = app.vetted(&coordinator, "Avon Exotics", "b@avon.test").await;
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
        let current = hospital.referral(referral).await.unwrap();
        hospital
            .transition_referral(
                referral,
                &TransitionRequest { status: ReferralStatus::Accepted, reason: None, note: None },
                &current.etag,
            )
            .await
            .unwrap();
        hospital
            .post_status_update(referral, &StatusUpdateRequest { body: note("Settled in and eating") })
            .await
            .unwrap();

        // The rescue makes the link on the referral's page, at phone width.
        let (browser, _driver) = browser().await;
        browser.set_window_size(390, 844).await.unwrap();
        sign_in(&browser, &app, "a@hedgerow.test").await;
        browser.goto(&format!("{}/referrals/{referral}", app.url)).await.unwrap();
        appears(&browser, Locator::Css("[data-testid=owner-link] form"), "the owner-link card").await;
        browser.find(Locator::Css("#status-link-label")).await.unwrap().send_keys("Owner, Sam").await.unwrap();
        browser.find(Locator::Css("#status-link-bring")).await.unwrap().send_keys("Bring the carrier and her usual food").await.unwrap();
        click(&browser, "[data-testid=make-status-link]", "make the link").await;
        appears(&browser, Locator::Css("#status-link-url"), "the link, shown once").await;
        let url = value_of(&browser, "#status-link-url").await;
        assert!(url.starts_with(&app.url) && url.contains("/embed/status.html#"), "{url}");
        appears(&browser, Locator::Css("[data-testid=status-link]"), "the link is listed").await;
        let link = rescue.status_links(referral).await.unwrap().items.remove(0);
        assert_eq!(link.label.as_deref(), Some("Owner, Sam"));
        assert!(link.share_updates && !link.share_outcome);

        // The owner opens it on their phone.
        browser.goto(&url).await.unwrap();
        let headline = appears(&browser, Locator::Css("#case:not([hidden]) #headline"), "the case").await;
        assert_eq!(headline.text().await.unwrap(), "Avon Exotics Hospital will take the animal");
        let phone = browser.find(Locator::Css("#place-phone-link")).await.unwrap();
        assert_eq!(phone.text().await.unwrap(), "0117 496 0100");
        assert_eq!(phone.attr("href").await.unwrap().as_deref(), Some("tel:01174960100"));
        let bring = browser.find(Locator::Css("#what-to-bring")).await.unwrap();
        assert_eq!(bring.text().await.unwrap(), "Bring the carrier and her usual food");
        let update = browser.find(Locator::Css("#updates li p")).await.unwrap();
        assert_eq!(update.text().await.unwrap(), "Settled in and eating");
        let overflow = browser
            .execute("return document.documentElement.scrollWidth - window.innerWidth;", vec![])
            .await
            .unwrap()
            .as_i64()
            .unwrap();
        assert!(overflow <= 0, "wider than the phone by {overflow}");
        screenshots(&browser, "status-link", app.backend).await;

        // Revoked: the same address now says the link no longer works.
        rescue.revoke_status_link(referral, link.id).await.unwrap();
        browser.goto("about:blank").await.unwrap();
        browser.goto(&url).await.unwrap();
        appears(&browser, Locator::Css("#gone:not([hidden])"), "the revoked link says so").await;
        assert!(browser.find(Locator::Css("#case[hidden]")).await.is_ok());
        browser.close().await.unwrap();
    }
}

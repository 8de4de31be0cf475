//! Vetting and the time before it, in real headless Chromium: the
//! coordinator's queue shows who applied and what they wrote, names every
//! button after its organization, asks before vetting, keeps the rows still
//! and the focus in place; an applicant meanwhile is told when the shared
//! services open, and Home notices the vetting without a reload; the
//! coordinator's "Organization" link leads to their own organization.
//!
//! Needs what `browser.rs` needs: the built SPA, Chromium and chromedriver.
//! Screenshots at desktop and phone width go to the artifacts folder.

use std::time::Duration;

use fantoccini::Locator;
use warren_tests::*;

use crate::browser::{appears, browser, screenshots, sign_in};

/// The page's top edge of the element `css`, in CSS pixels.
async fn top_of(browser: &fantoccini::Client, css: &str) -> f64 {
    browser
        .execute(
            "return document.querySelector(arguments[0]).getBoundingClientRect().top;",
            vec![serde_json::json!(css)],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap()
}

/// The accessible names (`aria-label`, else text) of the buttons in `css`.
async fn button_names(browser: &fantoccini::Client, css: &str) -> Vec<String> {
    let names = browser
        .execute(
            "return [...document.querySelectorAll(arguments[0] + ' button')].map(b => b.getAttribute('aria-label') || b.textContent.trim());",
            vec![serde_json::json!(css)],
        )
        .await
        .unwrap();
    serde_json::from_value(names).unwrap()
}

async fn membership(coordinator: &warren_client::Client, id: uuid::Uuid) -> MembershipStatus {
    coordinator.organization(id).await.unwrap().value.membership
}

warren_tests::on_one_database! { Postgres:
    async fn the_vetting_queue_shows_the_applicant_asks_before_vetting_and_keeps_rows_and_focus_in_place(app) {
        let coordinator = app.network_admin().await;
        let (first, _) = app.apply("Hedgehog Rescue Bristol", "ann@hedgehogs.test").await;
        let (second, _) = app.apply("Meadow Vets", "mo@meadow.test").await;
        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "coordinator@network.test").await;
        browser.goto(&format!("{}/vetting", app.url)).await.unwrap();
        let first_row = format!("[data-testid=vetting-row][data-organization-id='{first}']");
        let second_row = format!("[data-testid=vetting-row][data-organization-id='{second}']");
        appears(&browser, Locator::Css(&second_row), "both applications are listed").await;

        // Who applied, and what they wrote.
        let applicant = browser
            .find(Locator::Css(&format!("{first_row} [data-testid=applicant]")))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(applicant.contains("Ada Admin") && applicant.contains("ann@hedgehogs.test"), "{applicant}");
        let row_text = browser.find(Locator::Css(&first_row)).await.unwrap().text().await.unwrap();
        assert!(row_text.contains("Clinic"), "the kind: {row_text}");

        // Every button says which organization it acts on.
        assert_eq!(
            button_names(&browser, &first_row).await,
            ["Vet Hedgehog Rescue Bristol", "Decline Hedgehog Rescue Bristol"]
        );
        screenshots(&browser, "vetting-queue-applicants", app.backend).await;

        // One click does not vet: it asks, and Cancel leaves it applied.
        let second_top = top_of(&browser, &second_row).await;
        browser
            .find(Locator::Css(&format!("{first_row} button[aria-label='Vet Hedgehog Rescue Bristol']")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let confirm = appears(&browser, Locator::Css(&format!("{first_row} [data-testid=confirm-vet]")), "a confirmation").await;
        assert_eq!(confirm.attr("aria-label").await.unwrap().as_deref(), Some("Yes, vet Hedgehog Rescue Bristol"));
        let focused = browser.execute("return document.activeElement.getAttribute('data-testid');", vec![]).await.unwrap();
        assert_eq!(focused, serde_json::json!("confirm-vet"), "the focus moves to the confirmation");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(membership(&coordinator, first).await, MembershipStatus::Applied);

        confirm.click().await.unwrap();
        let outcome = appears(&browser, Locator::Css(&format!("{first_row} [data-testid=vetting-outcome]")), "the row says it is vetted").await;
        assert!(outcome.text().await.unwrap().contains("Vetted ✓"));
        assert_eq!(membership(&coordinator, first).await, MembershipStatus::Vetted);
        // The focus is on the outcome, in the row, not back at the top.
        let focused = browser.execute("return document.activeElement.getAttribute('data-testid');", vec![]).await.unwrap();
        assert_eq!(focused, serde_json::json!("vetting-outcome"));
        // The next application has not moved under the pointer.
        let after = top_of(&browser, &second_row).await;
        assert!((after - second_top).abs() < 2.0, "the next row moved from {second_top} to {after}");
        assert_eq!(membership(&coordinator, second).await, MembershipStatus::Applied);
        browser.close().await.unwrap();
    }

    async fn before_vetting_the_services_say_when_they_open_and_home_notices_the_vetting(app) {
        let coordinator = app.network_admin().await;
        let (id, _) = app.apply("Hedgehog Rescue Bristol", "ann@hedgehogs.test").await;
        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "ann@hedgehogs.test").await;

        for (path, opens) in [("/directory", "The directory opens once Hedgehog Rescue Bristol is vetted"), ("/lending", "Lending opens once Hedgehog Rescue Bristol is vetted")] {
            browser.goto(&format!("{}{path}", app.url)).await.unwrap();
            let text = appears(&browser, Locator::Css("[data-testid=awaiting-vetting]"), path).await.text().await.unwrap();
            assert!(text.contains(opens), "{path}: {text}");
            assert!(text.contains("within two working days"), "{path}: {text}");
            tokio::time::sleep(Duration::from_millis(500)).await;
            let errors = browser.find_all(Locator::Css(".alert-error")).await.unwrap();
            assert!(errors.is_empty(), "{path} shows no error box");
            let body = browser.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
            assert!(!body.contains("/api/v1"), "{path} shows no API path: {body}");
        }
        browser.goto(&format!("{}/directory", app.url)).await.unwrap();
        appears(&browser, Locator::Css("[data-testid=awaiting-vetting]"), "the directory explains").await;
        screenshots(&browser, "directory-before-vetting", app.backend).await;

        browser.goto(&format!("{}/", app.url)).await.unwrap();
        appears(&browser, Locator::Css("[data-testid=membership-card] [data-testid=awaiting-vetting]"), "Home says it awaits vetting").await;

        // A coordinator vets it; Home notices when the tab is looked at again.
        let organization = coordinator.organization(id).await.unwrap();
        coordinator
            .change_membership(id, &warren_wire::MembershipChangeRequest { membership: MembershipStatus::Vetted, reason: None }, &organization.etag)
            .await
            .unwrap();
        browser.execute("window.dispatchEvent(new Event('focus'));", vec![]).await.unwrap();
        let mut noticed = false;
        for _ in 0..100 {
            if browser.find_all(Locator::Css("[data-testid=awaiting-vetting]")).await.unwrap().is_empty() {
                noticed = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(noticed, "Home still says it awaits vetting");
        let card = browser.find(Locator::Css("[data-testid=membership-card]")).await.unwrap().text().await.unwrap();
        let card = card.to_lowercase();
        assert!(card.contains("vetted") && !card.contains("awaiting"), "{card}");
        browser.close().await.unwrap();
    }

    async fn the_coordinators_organization_link_leads_to_their_own_organization(app) {
        let coordinator = app.network_admin().await;
        let own = coordinator.me().await.unwrap().value.memberships[0].organization.id;
        let (member, _) = app.vetted(&coordinator, "Meadow Vets", "mo@meadow.test").await;
        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "coordinator@network.test").await;
        browser.goto(&format!("{}/organizations/{member}", app.url)).await.unwrap();
        appears(&browser, Locator::XPath("//*[@data-testid='organization-name'][contains(., 'Meadow Vets')]"), "the member's page").await;
        let link = appears(&browser, Locator::XPath("//nav//a[normalize-space(.)='Organization']"), "the Organization link").await;
        assert_eq!(link.attr("href").await.unwrap(), Some(format!("/organizations/{own}")));
        browser.close().await.unwrap();
    }
}

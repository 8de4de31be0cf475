//! The surplus supplies board in real headless Chromium against a real
//! server: the Severn Kit Library offers Hartmann's fluid, Harbour Vets
//! asks for ten bags and is given four; the library then changes its offer
//! in the browser — a clearer name, more bags, a later use-by date — where
//! a total below what was given is refused with the server's reason; and
//! takes it off the board, after a first try refused because someone else
//! changed it meanwhile. Harbour's board loses the offer and its open
//! request is declined; the four bags stay given.
//!
//! The setting up goes through the API client; what people do goes through
//! the browser. Screenshots at desktop and phone width go to the artifacts
//! folder.

use chrono::{Duration, Utc};
use fantoccini::{Client, Locator};
use warren_domain::ShortText;
use warren_domain::lending::{Quantity, SupplyRequestStatus, SupplyUnit};
use warren_domain::triage::Tier;
use warren_wire::{
    CreateSupplyOfferRequest, CreateSupplyRequestRequest, FulfilSupplyRequest,
    UpdateSupplyOfferRequest,
};

use crate::browser::{appears, browser, click, listing, screenshots, sign_in};

/// Types `text` into the input `css`.
async fn type_into(browser: &Client, css: &str, text: &str) {
    let input = appears(browser, Locator::Css(css), css).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

/// Opens the supplies board and waits for the organization's own offers.
async fn open_supplies(browser: &Client, app: &warren_tests::TestApp) {
    browser
        .goto(&format!("{}/supplies", app.url))
        .await
        .unwrap();
    appears(
        browser,
        Locator::Css("[data-testid=own-offers] h2"),
        "the supplies page",
    )
    .await;
}

warren_tests::on_one_database! { Postgres:
    async fn an_offerer_changes_a_supply_offer_and_withdraws_it_in_the_browser(app) {
        let coordinator = app.network_admin().await;
        let (library, library_admin) = app
            .vetted(&coordinator, "Severn Kit Library", "kit@severn.test")
            .await;
        let (harbour, harbour_admin) = app
            .vetted(&coordinator, "Harbour Vets", "admin@harbour.test")
            .await;
        let mut sites = Vec::new();
        for (organization, admin, name, km) in [
            (library, &library_admin, "Severn Kit Store", 10.0),
            (library, &library_admin, "Severn Kit Annexe", 12.0),
            (harbour, &harbour_admin, "Harbour Vets Surgery", 0.0),
        ] {
            let site = admin
                .create_site(organization, &listing(name, km, "24/7", &["oxygen_cage"], &["small_mammal"]), None)
                .await
                .expect("a site")
                .value
                .listing
                .id;
            sites.push(site);
        }
        let offer = library_admin
            .create_supply_offer(
                library,
                &CreateSupplyOfferRequest {
                    pickup_site_id: sites[0],
                    item: ShortText::parse("Hartmann's 500 ml").unwrap(),
                    description: None,
                    quantity: Quantity::new(24).unwrap(),
                    unit: SupplyUnit::Bag,
                    expires_on: Some(Utc::now().date_naive() + Duration::days(90)),
                },
                None,
            )
            .await
            .expect("the offer")
            .id;
        let asked = harbour_admin
            .create_supply_request(
                harbour,
                &CreateSupplyRequestRequest {
                    offer_id: offer,
                    quantity: Quantity::new(10).unwrap(),
                    priority: Tier::VeryUrgent,
                    note: None,
                },
                None,
            )
            .await
            .expect("Harbour's request");
        let request = library_admin.supply_request(asked.id).await.unwrap();
        library_admin
            .fulfil_supply_request(asked.id, &FulfilSupplyRequest { quantity: Some(Quantity::new(4).unwrap()) }, &request.etag)
            .await
            .expect("four bags given");

        // The library changes its offer: a total below the four given is
        // refused with the server's reason, then 30 bags, from the annexe,
        // under a clearer name.
        let (library_browser, _library_driver) = browser().await;
        sign_in(&library_browser, &app, "kit@severn.test").await;
        open_supplies(&library_browser, &app).await;
        let own = format!("li[data-testid=own-offer][data-offer-id='{offer}']");
        click(&library_browser, &format!("{own} [data-testid=edit-offer]"), "the offer's edit button").await;
        appears(&library_browser, Locator::Css(&format!("{own} [data-testid=edit-offer-form]")), "the edit form").await;
        crate::browser::holds(&library_browser, &format!("#edit-quantity-{offer}"), "24", "the form shows the offer as it is").await;
        type_into(&library_browser, &format!("#edit-quantity-{offer}"), "3").await;
        click(&library_browser, &format!("{own} [data-testid=save-offer-changes]"), "the save button").await;
        let refused = appears(
            &library_browser,
            Locator::Css(&format!("{own} .alert-error[data-code=validation_failed]")),
            "the server's refusal is shown",
        )
        .await;
        let reason = refused.text().await.unwrap();
        assert!(!reason.is_empty());
        appears(
            &library_browser,
            Locator::Css(&format!("#edit-quantity-{offer}[aria-invalid=true]")),
            "the quantity is marked as the field at fault",
        )
        .await;
        assert_eq!(library_admin.supply_offer(offer).await.unwrap().value.quantity, 24);
        type_into(&library_browser, &format!("#edit-item-{offer}"), "Hartmann's 500 ml (batch 7)").await;
        type_into(&library_browser, &format!("#edit-quantity-{offer}"), "30").await;
        library_browser
            .find(Locator::Css(&format!("#edit-pickup-{offer}")))
            .await
            .unwrap()
            .select_by_value(&sites[1].to_string())
            .await
            .unwrap();
        screenshots(&library_browser, "supplies-offer-edit", app.backend).await;
        click(&library_browser, &format!("{own} [data-testid=save-offer-changes]"), "the save button").await;
        appears(
            &library_browser,
            Locator::XPath("//*[@data-testid='notice'][contains(., 'Saved')][contains(., '26 bag left of 30')]"),
            "the change is confirmed with what is left",
        )
        .await;
        appears(
            &library_browser,
            Locator::XPath(&format!(
                "//li[@data-testid='own-offer'][@data-offer-id='{offer}'][contains(., \"Hartmann's 500 ml (batch 7)\")][contains(., '26 bag left of 30')]"
            )),
            "the own offer shows the change",
        )
        .await;
        let changed = library_admin.supply_offer(offer).await.unwrap().value;
        assert_eq!(changed.item, "Hartmann's 500 ml (batch 7)");
        assert_eq!((changed.quantity, changed.remaining), (30, 26));
        assert_eq!(changed.pickup_site_id, sites[1]);
        screenshots(&library_browser, "supplies-offer-edited", app.backend).await;

        // Harbour's board shows the change.
        let (harbour_browser, _harbour_driver) = browser().await;
        sign_in(&harbour_browser, &app, "admin@harbour.test").await;
        open_supplies(&harbour_browser, &app).await;
        let card = format!("li[data-testid=offer][data-offer-id='{offer}']");
        let on_board = appears(&harbour_browser, Locator::Css(&card), "the offer is on Harbour's board").await;
        let text = on_board.text().await.unwrap();
        assert!(text.contains("Hartmann's 500 ml (batch 7)") && text.contains("Severn Kit Annexe"), "{text}");
        assert!(
            harbour_browser.find(Locator::Css(&format!("{own} [data-testid=edit-offer]"))).await.is_err(),
            "only the offerer may change it"
        );

        // Someone at the library moves the use-by date meanwhile: the first
        // withdrawal is refused and the offer shows as it now is; the second
        // takes it off the board.
        let shown = library_admin.supply_offer(offer).await.unwrap();
        let later = Utc::now().date_naive() + Duration::days(120);
        library_admin
            .update_supply_offer(
                offer,
                &UpdateSupplyOfferRequest {
                    pickup_site_id: sites[1],
                    item: ShortText::parse(shown.value.item.as_str()).unwrap(),
                    description: None,
                    quantity: Quantity::new(30).unwrap(),
                    expires_on: Some(later),
                },
                &shown.etag,
            )
            .await
            .expect("the use-by date moved");
        click(&library_browser, &format!("{own} [data-testid=withdraw-offer] button"), "the withdraw button").await;
        click(&library_browser, &format!("{own} [data-testid=withdraw-offer] [data-testid=confirm]"), "the confirmation").await;
        appears(&library_browser, Locator::Css(&format!("{own} [data-testid=stale]")), "the change made meanwhile is not overwritten").await;
        assert!(library_admin.supply_offer(offer).await.unwrap().value.withdrawn_at.is_none());
        click(&library_browser, &format!("{own} [data-testid=withdraw-offer] button"), "the withdraw button").await;
        click(&library_browser, &format!("{own} [data-testid=withdraw-offer] [data-testid=confirm]"), "the confirmation").await;
        appears(
            &library_browser,
            Locator::Css(&format!("{own}[data-state=withdrawn]")),
            "the offer shows as withdrawn",
        )
        .await;
        appears(
            &library_browser,
            Locator::XPath("//*[@data-testid='notice'][contains(., 'Withdrawn')][contains(., 'open requests are declined')]"),
            "the withdrawal is confirmed",
        )
        .await;
        assert!(
            library_browser.find(Locator::Css(&format!("{own} [data-testid=edit-offer]"))).await.is_err(),
            "a withdrawn offer cannot change"
        );
        assert!(library_browser.find(Locator::Css(&card)).await.is_err(), "it has left the board");
        screenshots(&library_browser, "supplies-offer-withdrawn", app.backend).await;
        let withdrawn = library_admin.supply_offer(offer).await.unwrap().value;
        assert!(withdrawn.withdrawn_at.is_some());
        assert!(!withdrawn.available);

        // Harbour's board no longer has it; its request is declined with
        // the four bags still given.
        open_supplies(&harbour_browser, &app).await;
        appears(
            &harbour_browser,
            Locator::Css("li[data-testid=own-request][data-status=declined]"),
            "Harbour's open request is declined",
        )
        .await;
        assert!(harbour_browser.find(Locator::Css(&card)).await.is_err(), "the offer has left Harbour's board");
        let declined = harbour_admin.supply_request(asked.id).await.unwrap().value;
        assert_eq!((declined.status, declined.fulfilled), (SupplyRequestStatus::Declined, 4));
        screenshots(&harbour_browser, "supplies-after-withdrawal", app.backend).await;

        harbour_browser.close().await.unwrap();
        library_browser.close().await.unwrap();
    }
}

//! Lending in real headless Chromium against a real server, on both
//! databases (issue #6): Avon Exotics holds a routine booking of the Severn
//! Kit Library's oxygen concentrator; Harbour Vets finds the concentrator
//! in the catalog — where its sibling, overdue for a blocking calibration,
//! is not listed — and requests it for a rat in respiratory distress as
//! tier 1, which pre-empts Avon's booking. Avon sees in "My loans" that its
//! booking was displaced, why, and the slot offered instead, and requests
//! that slot in one click. Harbour checks the concentrator out with the
//! condition checklist and the usage terms accepted (who, when and which
//! version are recorded); the library takes it back, recording its
//! condition.
//!
//! The library also changes an item: it renames it and revises its usage
//! terms, which Harbour, holding a booking, must accept anew to collect it;
//! then retires it, and it leaves the catalog.
//!
//! The setting up goes through the API client; what people do goes through
//! the browser. Screenshots of each screen at desktop and phone width go to
//! the artifacts folder.

use chrono::{Duration, Utc};
use fantoccini::{Client, Locator};
use uuid::Uuid;
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::lending::{
    CancelReason, Condition, Fulfilment, ItemCategory, ItemStatus, LoanWindow, MaintenanceInterval,
    MaintenanceKind, MaxLoanDays, Quantity, ReservationStatus, Suitability, SupplyUnit, Urgency,
    default_checklist,
};
use warren_domain::triage::Tier;
use warren_domain::{ClinicalNote, ShortText};
use warren_wire::{
    CheckoutRequest, CreateItemRequest, CreateLoanRequest, CreateMaintenancePlanRequest,
    CreateSupplyOfferRequest, LoanQuery, SupplyRequestQuery, UpdateItemRequest,
};

use crate::browser::{appears, browser, click, listing, screenshots, sign_in};

/// Types `text` into the input `css`.
async fn type_into(browser: &Client, css: &str, text: &str) {
    let input = appears(browser, Locator::Css(css), css).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

/// Ticks every line of the checklist whose ids start with `prefix`.
async fn tick_all(browser: &Client, prefix: &str) -> usize {
    let boxes = browser
        .find_all(Locator::Css(&format!(
            "[data-testid=check-line] input[type=checkbox][id^='{prefix}-line-']"
        )))
        .await
        .unwrap();
    for checkbox in &boxes {
        checkbox.click().await.unwrap();
    }
    boxes.len()
}

/// An oxygen concentrator of the library, auto-approving.
fn concentrator(home: Uuid, name: &str) -> CreateItemRequest {
    CreateItemRequest {
        home_site_id: home,
        name: ShortText::parse(name).unwrap(),
        category: ItemCategory::OxygenConcentrator,
        description: None,
        suitability: Suitability {
            species: vec![TermCode::parse("small_mammal").unwrap()],
            ..Suitability::default()
        },
        condition: Condition::Good,
        terms: ClinicalNote::parse(
            "Return cleaned within the loan window; report any fault at once; \
             only trained staff operate it.",
        )
        .unwrap(),
        max_loan_days: MaxLoanDays::new(7).unwrap(),
        auto_approve: true,
    }
}

/// The ids of the catalog's results, in order.
async fn catalog_ids(browser: &Client) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for card in browser
        .find_all(Locator::Css("li[data-testid=catalog-item]"))
        .await
        .unwrap()
    {
        let id = card
            .attr("data-item-id")
            .await
            .unwrap()
            .expect("an item id");
        ids.push(Uuid::parse_str(&id).unwrap());
    }
    ids
}

warren_tests::on_one_database! { Postgres:
    async fn a_tier_one_case_preempts_a_routine_booking_and_the_loan_goes_out_and_back_in_the_browser(app) {
        let coordinator = app.network_admin().await;
        let (library, library_admin) = app
            .vetted(&coordinator, "Severn Kit Library", "kit@severn.test")
            .await;
        let (harbour, harbour_admin) = app
            .vetted(&coordinator, "Harbour Vets", "admin@harbour.test")
            .await;
        let (avon, avon_admin) = app
            .vetted(&coordinator, "Avon Exotics", "admin@avon.test")
            .await;
        let mut sites = Vec::new();
        for (organization, admin, name, km) in [
            (library, &library_admin, "Severn Kit Store", 10.0),
            (harbour, &harbour_admin, "Harbour Vets Surgery", 0.0),
            (avon, &avon_admin, "Avon Exotics Hospital", 4.0),
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
        let item = library_admin
            .create_item(library, &concentrator(sites[0], "Oxygen concentrator 5 L"), None)
            .await
            .expect("the concentrator")
            .id;
        // Its sibling is overdue for a calibration that blocks lending.
        let sibling = library_admin
            .create_item(library, &concentrator(sites[0], "Oxygen concentrator 5 L (spare)"), None)
            .await
            .expect("the spare concentrator")
            .id;
        library_admin
            .create_maintenance_plan(
                sibling,
                &CreateMaintenancePlanRequest {
                    kind: MaintenanceKind::Calibration,
                    interval: MaintenanceInterval::Days { days: 30 },
                    blocking: true,
                    last_done_at: Some(Utc::now() - Duration::days(40)),
                    note: None,
                },
                None,
            )
            .await
            .expect("the overdue calibration");
        assert!(!library_admin.item(sibling).await.unwrap().value.lendable);

        // Avon books the concentrator for tomorrow, routinely.
        let tomorrow = Utc::now() + Duration::days(1);
        let routine = avon_admin
            .request_loan(
                avon,
                &CreateLoanRequest {
                    item_id: item,
                    site_id: Some(sites[2]),
                    window: LoanWindow::new(tomorrow, tomorrow + Duration::hours(24)).unwrap(),
                    urgency: Urgency::justified(
                        Tier::NonUrgent,
                        ClinicalNote::parse("Planned post-operative recovery of a degu").unwrap(),
                    ),
                },
                None,
            )
            .await
            .expect("Avon's routine booking");
        assert_eq!(routine.status, ReservationStatus::Reserved);

        // Harbour searches the catalog for a concentrator that suits a rat.
        let (harbour_browser, _harbour_driver) = browser().await;
        sign_in(&harbour_browser, &app, "admin@harbour.test").await;
        click(&harbour_browser, "nav a[href='/lending']", "the navigation offers Lending").await;
        appears(
            &harbour_browser,
            Locator::Css(&format!("#near option[value='{}']:checked", sites[1])),
            "searches start near Harbour's own site",
        )
        .await;
        appears(&harbour_browser, Locator::Css("#species option[value='small_mammal/rat']"), "the species").await;
        harbour_browser
            .find(Locator::Css("#category"))
            .await
            .unwrap()
            .select_by_value("oxygen_concentrator")
            .await
            .unwrap();
        harbour_browser
            .find(Locator::Css("#species"))
            .await
            .unwrap()
            .select_by_value("small_mammal/rat")
            .await
            .unwrap();
        click(&harbour_browser, "#catalog-search", "the search button").await;
        appears(
            &harbour_browser,
            Locator::Css("section[data-testid=catalog-results][data-query*='oxygen_concentrator'][data-query*='small_mammal/rat']"),
            "the results of the search",
        )
        .await;
        assert_eq!(
            catalog_ids(&harbour_browser).await,
            [item],
            "the concentrator is listed; its sibling ({sibling}), overdue for a blocking calibration, is not"
        );
        let card = harbour_browser
            .find(Locator::Css("li[data-testid=catalog-item]"))
            .await
            .unwrap();
        let text = card.text().await.unwrap();
        for expected in ["Oxygen concentrator 5 L", "Severn Kit Library", "Severn Kit Store", "Condition: good", "Available", " km"] {
            assert!(text.contains(expected), "{expected:?} in {text}");
        }
        screenshots(&harbour_browser, "lending-catalog", app.backend).await;

        // Harbour requests it now, tier 1, for a rat in respiratory distress.
        card.find(Locator::Css("[data-testid=item-link]")).await.unwrap().click().await.unwrap();
        appears(&harbour_browser, Locator::Css("[data-testid=request-form]"), "the request form").await;
        appears(
            &harbour_browser,
            Locator::Css("[data-testid=cal-day][data-state=booked]"),
            "the calendar shows Avon's booking",
        )
        .await;
        let booked = harbour_browser
            .find(Locator::Css("[data-testid=cal-day][data-state=booked]"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(booked.contains("Booked (tier 5)"), "the day says so in words: {booked}");
        click(&harbour_browser, "label.tier-option[data-tier='1']", "the tier picker").await;
        type_into(&harbour_browser, "#justification", "Rat in respiratory distress, open-mouth breathing").await;
        click(&harbour_browser, "#request-loan", "the request button").await;
        let answer = appears(
            &harbour_browser,
            Locator::Css("[data-testid=request-answer] [data-testid=decision][data-decision=preempt]"),
            "Warren reserves it ahead of the routine booking",
        )
        .await;
        let reason = answer.text().await.unwrap();
        assert!(reason.contains("tier 1 (immediate)"), "{reason}");
        assert!(reason.contains("1 routine booking"), "{reason}");
        screenshots(&harbour_browser, "lending-item-request", app.backend).await;
        let urgent = Uuid::parse_str(
            &harbour_browser
                .find(Locator::Css("[data-testid=request-answer]"))
                .await
                .unwrap()
                .attr("data-loan-id")
                .await
                .unwrap()
                .expect("the loan's id"),
        )
        .unwrap();
        let urgent_loan = harbour_admin.loan(urgent).await.unwrap().value;
        assert_eq!(urgent_loan.status, ReservationStatus::Reserved);
        assert_eq!(urgent_loan.urgency.tier(), Tier::Immediate);
        assert!(urgent_loan.window.overlaps(routine.window));

        // Avon sees in My loans that its booking was displaced, why, and the
        // slot offered instead.
        let displaced = avon_admin.loan(routine.id).await.unwrap().value;
        assert_eq!(displaced.cancel_reason, Some(CancelReason::Preempted));
        let offered = displaced.offered_slot.expect("a slot is offered");
        let (avon_browser, _avon_driver) = browser().await;
        sign_in(&avon_browser, &app, "admin@avon.test").await;
        click(&avon_browser, "nav a[href='/lending']", "the navigation offers Lending").await;
        click(&avon_browser, "[data-testid=lending-tab-my-loans]", "the My loans tab").await;
        let row = appears(
            &avon_browser,
            Locator::Css(&format!("li[data-testid=loan-row][data-loan-id='{}'][data-displaced=true]", routine.id)),
            "Avon's displaced booking",
        )
        .await;
        let text = row.text().await.unwrap();
        assert!(text.contains("Displaced"), "{text}");
        assert!(text.contains("Cancelled"), "{text}");
        assert!(text.contains("was displaced by a tier 1 (immediate) case"), "the reason: {text}");
        let slot = row.find(Locator::Css("[data-testid=offered-slot]")).await.unwrap();
        assert_eq!(
            slot.attr("data-starts").await.unwrap().and_then(|at| chrono::DateTime::parse_from_rfc3339(&at).ok()).map(|at| at.to_utc()),
            Some(offered.starts()),
        );
        assert_eq!(
            slot.attr("data-ends").await.unwrap().and_then(|at| chrono::DateTime::parse_from_rfc3339(&at).ok()).map(|at| at.to_utc()),
            Some(offered.ends()),
        );
        assert!(offered.starts() >= urgent_loan.window.ends());
        screenshots(&avon_browser, "lending-my-loans-displaced", app.backend).await;

        // One click requests the offered slot.
        click(&avon_browser, "[data-testid=request-offered-slot]", "the button to request the offered slot").await;
        let rebooked = appears(
            &avon_browser,
            Locator::Css("[data-testid=offered-answer] [data-testid=decision][data-decision=auto_approve]"),
            "the offered slot is reserved",
        )
        .await;
        assert!(rebooked.text().await.unwrap().contains("Free for"));
        let avon_loans = avon_admin
            .loans(avon, &LoanQuery { role: None, state: None })
            .await
            .unwrap()
            .items;
        assert!(
            avon_loans.iter().any(|loan| loan.window == offered && loan.status == ReservationStatus::Reserved && loan.urgency.tier() == Tier::NonUrgent),
            "Avon holds the offered slot with its original urgency: {avon_loans:?}"
        );

        // Harbour checks it out: the checklist, and the usage terms accepted.
        click(&harbour_browser, "[data-testid=open-loan]", "the link to the loan").await;
        appears(&harbour_browser, Locator::Css("[data-testid=checkout-form]"), "the checkout form").await;
        let terms = appears(&harbour_browser, Locator::Css("[data-testid=terms-text]"), "the usage terms are shown").await;
        assert!(terms.text().await.unwrap().contains("only trained staff operate it"));
        let lines = tick_all(&harbour_browser, "checkout").await;
        assert_eq!(lines, default_checklist(ItemCategory::OxygenConcentrator).len());
        type_into(&harbour_browser, "#checkout-notes", "Collected by the night nurse with its humidifier bottle").await;
        click(&harbour_browser, "#checkout", "the checkout button").await;
        appears(&harbour_browser, Locator::Css("#accept-terms-error"), "the terms must be accepted").await;
        assert_eq!(harbour_admin.loan(urgent).await.unwrap().value.status, ReservationStatus::Reserved);
        screenshots(&harbour_browser, "lending-checkout", app.backend).await;
        click(&harbour_browser, "#accept-terms", "the terms checkbox").await;
        click(&harbour_browser, "#checkout", "the checkout button").await;
        appears(
            &harbour_browser,
            Locator::Css(".page-header [data-testid=loan-status][data-status=active]"),
            "the loan is out",
        )
        .await;
        let acceptance_text = appears(&harbour_browser, Locator::Css("[data-testid=terms-acceptance][data-version='1']"), "the acceptance is shown").await;
        assert!(acceptance_text.text().await.unwrap().contains("version 1 accepted by"));
        let out = harbour_admin.loan(urgent).await.unwrap().value;
        assert_eq!(out.status, ReservationStatus::Active);
        let acceptance = out.terms_acceptance.expect("the terms acceptance is recorded");
        let nurse = harbour_admin.me().await.unwrap().value.user.expect("a person").id;
        assert_eq!(acceptance.accepted_by, nurse, "who");
        assert_eq!(acceptance.organization_id, harbour, "for the borrower");
        assert_eq!(acceptance.terms_version, 1, "which version");
        assert!((Utc::now() - acceptance.accepted_at).num_minutes().abs() < 5, "when: {}", acceptance.accepted_at);
        let report = out.checkout_report.expect("the checkout report");
        assert_eq!(report.condition, Condition::Good);
        assert_eq!(report.checklist.len(), lines);
        assert!(report.checklist.iter().all(|entry| entry.ok));
        assert_eq!(library_admin.item(item).await.unwrap().value.status, ItemStatus::OnLoan);
        screenshots(&harbour_browser, "lending-loan-out", app.backend).await;

        // The library takes it back, recording its condition.
        click(&avon_browser, "#sign-out", "the sign-out button").await;
        appears(&avon_browser, Locator::Css("#email"), "signed out").await;
        sign_in(&avon_browser, &app, "kit@severn.test").await;

        // Meanwhile two clinics asked for the nebuliser, which the library
        // approves itself: its queue puts the more urgent case first.
        let mut nebuliser = concentrator(sites[0], "Ultrasonic nebuliser");
        nebuliser.category = ItemCategory::Nebuliser;
        nebuliser.auto_approve = false;
        let nebuliser = library_admin.create_item(library, &nebuliser, None).await.expect("the nebuliser").id;
        let starts = Utc::now() + Duration::days(3);
        let ask = |tier: Tier, why: &str| CreateLoanRequest {
            item_id: nebuliser,
            site_id: None,
            window: LoanWindow::new(starts, starts + Duration::days(2)).unwrap(),
            urgency: Urgency::justified(tier, ClinicalNote::parse(why).unwrap()),
        };
        let avon_waiting = avon_admin
            .request_loan(avon, &ask(Tier::Standard, "Guinea pig with a chronic cough"), None)
            .await
            .expect("Avon's request");
        let harbour_waiting = harbour_admin
            .request_loan(harbour, &ask(Tier::VeryUrgent, "Rabbit with pneumonia, not eating"), None)
            .await
            .expect("Harbour's request");
        assert_eq!(harbour_waiting.status, ReservationStatus::Requested);
        click(&avon_browser, "nav a[href='/lending']", "the navigation offers Lending").await;
        click(&avon_browser, "[data-testid=lending-tab-our-kit]", "the Our kit tab").await;
        appears(&avon_browser, Locator::Css("li[data-testid=queue-row]"), "the approval queue").await;
        let mut queued = Vec::new();
        for row in avon_browser.find_all(Locator::Css("li[data-testid=queue-row]")).await.unwrap() {
            queued.push(row.attr("data-loan-id").await.unwrap().unwrap_or_default());
        }
        assert_eq!(
            queued,
            [harbour_waiting.id.to_string(), avon_waiting.id.to_string()],
            "the very urgent request comes first though it came second"
        );
        screenshots(&avon_browser, "lending-owner-queue", app.backend).await;
        click(
            &avon_browser,
            &format!("li[data-testid=queue-row][data-loan-id='{}'] [data-testid=approve]", harbour_waiting.id),
            "the approve button",
        )
        .await;
        appears(
            &avon_browser,
            Locator::Css(&format!("li[data-testid=held-loan][data-loan-id='{}']", harbour_waiting.id)),
            "the approved request is reserved",
        )
        .await;
        click(
            &avon_browser,
            &format!("li[data-testid=queue-row][data-loan-id='{}'] [data-testid=open-decline]", avon_waiting.id),
            "the decline button",
        )
        .await;
        click(&avon_browser, "#queue-1-decline-outranked", "the reasons to decline").await;
        click(&avon_browser, "[data-testid=decline-form] [data-testid=decline]", "the decline button").await;
        appears(&avon_browser, Locator::Css("[data-testid=queue-empty]"), "the queue is empty").await;
        assert_eq!(library_admin.loan(harbour_waiting.id).await.unwrap().value.status, ReservationStatus::Reserved);
        let declined = avon_admin.loan(avon_waiting.id).await.unwrap().value;
        assert_eq!(declined.status, ReservationStatus::Declined);
        assert_eq!(declined.decline_reason, Some(warren_domain::lending::DeclineReason::Outranked));

        avon_browser.goto(&format!("{}/loans/{urgent}", app.url)).await.unwrap();
        appears(&avon_browser, Locator::Css("[data-testid=return-form]"), "the return form").await;
        tick_all(&avon_browser, "return").await;
        avon_browser
            .find(Locator::Css("#return-condition"))
            .await
            .unwrap()
            .select_by_value("fair")
            .await
            .unwrap();
        type_into(&avon_browser, "#return-notes", "Humidifier bottle scratched").await;
        screenshots(&avon_browser, "lending-return", app.backend).await;
        click(&avon_browser, "#return", "the return button").await;
        appears(
            &avon_browser,
            Locator::Css(".page-header [data-testid=loan-status][data-status=returned]"),
            "the loan is returned",
        )
        .await;
        appears(&avon_browser, Locator::Css("[data-testid=return-report][data-condition=fair]"), "the return's condition is shown").await;
        let back = library_admin.loan(urgent).await.unwrap().value;
        assert_eq!(back.status, ReservationStatus::Returned);
        let returned = back.return_report.expect("the return report");
        assert_eq!(returned.condition, Condition::Fair);
        assert_eq!(returned.notes.map(|notes| notes.as_str().to_owned()).as_deref(), Some("Humidifier bottle scratched"));
        assert!(returned.checklist.iter().all(|entry| entry.ok));
        let item_now = library_admin.item(item).await.unwrap().value;
        assert_eq!(item_now.status, ItemStatus::Available);
        assert_eq!(item_now.condition, Condition::Fair);
        let kinds: Vec<String> = library_admin.loan_timeline(urgent).await.unwrap().items.into_iter().map(|entry| entry.kind).collect();
        assert_eq!(kinds, ["requested", "checked_out", "returned"]);
        screenshots(&avon_browser, "lending-loan-returned", app.backend).await;

        // The library offers surplus fluids; Harbour asks for ten, very
        // urgently, and the library gives four of them for now.
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
        click(&harbour_browser, "#primary-nav a[href='/lending']", "the navigation offers Lending").await;
        click(&harbour_browser, "nav.tabs a[href='/supplies']", "Lending's tabs offer Supplies").await;
        let card = format!("li[data-testid=offer][data-offer-id='{offer}']");
        appears(&harbour_browser, Locator::Css(&card), "the offer is on the board").await;
        type_into(&harbour_browser, &format!("#quantity-{offer}"), "10").await;
        harbour_browser
            .find(Locator::Css(&format!("#priority-{offer}")))
            .await
            .unwrap()
            .select_by_value("2")
            .await
            .unwrap();
        click(&harbour_browser, &format!("{card} [data-testid=request-supplies]"), "the request button").await;
        let asked = appears(&harbour_browser, Locator::Css("li[data-testid=own-request][data-status=open]"), "Harbour's request is listed").await;
        assert!(asked.text().await.unwrap().contains("10 bag asked"));
        screenshots(&harbour_browser, "lending-supplies", app.backend).await;
        let requests = harbour_admin
            .supply_requests(harbour, &SupplyRequestQuery::default())
            .await
            .unwrap()
            .items;
        assert_eq!(requests.len(), 1);
        assert_eq!((requests[0].quantity, requests[0].priority), (10, Tier::VeryUrgent));
        let request = requests[0].id;

        click(&avon_browser, "#primary-nav a[href='/lending']", "the navigation offers Lending").await;
        click(&avon_browser, "nav.tabs a[href='/supplies']", "Lending's tabs offer Supplies").await;
        click(
            &avon_browser,
            &format!("li[data-testid=own-offer][data-offer-id='{offer}'] [data-testid=show-queue]"),
            "the offer's queue",
        )
        .await;
        let entry = format!("li[data-testid=supply-request][data-request-id='{request}']");
        appears(&avon_browser, Locator::Css(&entry), "Harbour's request is in the queue").await;
        type_into(&avon_browser, &format!("#give-{request}"), "4").await;
        click(&avon_browser, &format!("{entry} [data-testid=fulfil-part]"), "the give button").await;
        appears(
            &avon_browser,
            Locator::XPath("//*[@data-testid='notice'][contains(., 'Given 4 bag')]"),
            "the part given is confirmed",
        )
        .await;
        appears(
            &avon_browser,
            Locator::XPath(&format!(
                "//li[@data-testid='supply-request'][@data-request-id='{request}'][contains(., 'given 4')]"
            )),
            "the queue stays open and shows what was given",
        )
        .await;
        screenshots(&avon_browser, "lending-supplies-queue", app.backend).await;
        let given = library_admin.supply_request(request).await.unwrap().value;
        assert_eq!((given.fulfilled, given.outstanding), (4, 6));
        assert_eq!(given.fulfilment, Fulfilment::Partial);
        assert_eq!(library_admin.supply_offer(offer).await.unwrap().value.remaining, 20);

        harbour_browser.close().await.unwrap();
        avon_browser.close().await.unwrap();
    }
}

/// The change that gives `item` `status`, the rest as it is.
fn with_status(item: &warren_wire::KitItem, status: ItemStatus) -> UpdateItemRequest {
    UpdateItemRequest {
        home_site_id: item.home_site_id,
        name: ShortText::parse(item.name.as_str()).unwrap(),
        category: item.category,
        description: None,
        suitability: item.suitability.clone(),
        condition: item.condition,
        status,
        terms: item.terms.text.clone(),
        max_loan_days: MaxLoanDays::new(item.max_loan_days).unwrap(),
        auto_approve: item.auto_approve,
    }
}

/// An oxygen concentrator's condition report: good, every line ticked.
fn all_good() -> warren_domain::lending::ConditionReport {
    warren_domain::lending::ConditionReport {
        condition: Condition::Good,
        checklist: default_checklist(ItemCategory::OxygenConcentrator)
            .iter()
            .map(|label| warren_domain::lending::ChecklistEntry {
                label: ShortText::parse(*label).unwrap(),
                ok: true,
                note: None,
            })
            .collect(),
        notes: None,
    }
}

/// The catalog's item ids once the search near `site` has answered.
async fn catalog_near(browser: &Client, app: &warren_tests::TestApp, site: Uuid) -> Vec<Uuid> {
    browser.goto(&format!("{}/lending", app.url)).await.unwrap();
    appears(
        browser,
        Locator::Css(&format!(
            "section[data-testid=catalog-results][data-query*='{site}']"
        )),
        "the catalog's first search, near the borrower's site",
    )
    .await;
    catalog_ids(browser).await
}

warren_tests::on_one_database! { Postgres:
    async fn an_owner_edits_an_item_revises_its_terms_which_the_borrower_accepts_anew_and_retires_it_in_the_browser(app) {
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
        let item = library_admin
            .create_item(library, &concentrator(sites[0], "Oxygen concentrator 5 L"), None)
            .await
            .expect("the concentrator")
            .id;
        // Harbour holds a booking from now, and opens the loan to collect it:
        // the terms shown are version 1.
        let now = Utc::now();
        let booking = harbour_admin
            .request_loan(
                harbour,
                &CreateLoanRequest {
                    item_id: item,
                    site_id: Some(sites[1]),
                    window: LoanWindow::new(now + Duration::minutes(1), now + Duration::days(1)).unwrap(),
                    urgency: Urgency::justified(
                        Tier::Standard,
                        ClinicalNote::parse("Rabbit recovering from pneumonia").unwrap(),
                    ),
                },
                None,
            )
            .await
            .expect("Harbour's booking");
        assert_eq!(booking.status, ReservationStatus::Reserved);
        let (harbour_browser, _harbour_driver) = browser().await;
        sign_in(&harbour_browser, &app, "admin@harbour.test").await;
        harbour_browser.goto(&format!("{}/loans/{}", app.url, booking.id)).await.unwrap();
        appears(&harbour_browser, Locator::Css("[data-testid=terms][data-version='1']"), "the terms in force, version 1").await;
        // A borrower has no say over the owner's item.
        harbour_browser.goto(&format!("{}/lending/items/{item}", app.url)).await.unwrap();
        appears(&harbour_browser, Locator::Css("[data-testid=request-form]"), "the request form").await;
        assert!(
            harbour_browser.find(Locator::Css("[data-testid=manage-item]")).await.is_err(),
            "only the owner's staff may change the item"
        );
        harbour_browser.back().await.unwrap();
        appears(&harbour_browser, Locator::Css("[data-testid=terms][data-version='1']"), "the loan again, terms version 1").await;

        // The library renames the item, shortens its loans and adds a line
        // to its usage terms.
        let (library_browser, _library_driver) = browser().await;
        sign_in(&library_browser, &app, "kit@severn.test").await;
        library_browser.goto(&format!("{}/lending/items/{item}", app.url)).await.unwrap();
        click(&library_browser, "#edit-item", "the owner's edit button").await;
        appears(&library_browser, Locator::Css("[data-testid=edit-item-form]"), "the edit form").await;
        crate::browser::holds(&library_browser, "#item-name", "Oxygen concentrator 5 L", "the form shows the item as it is").await;
        type_into(&library_browser, "#item-name", "Oxygen concentrator 5 L (blue)").await;
        type_into(&library_browser, "#item-max-days", "5").await;
        let revised = "Return cleaned within the loan window; report any fault at once; \
                       only trained staff operate it. Wipe the mask with chlorhexidine after each patient.";
        type_into(&library_browser, "#item-terms", revised).await;
        screenshots(&library_browser, "lending-item-edit", app.backend).await;
        click(&library_browser, "#update-item", "the save button").await;
        let notice = appears(
            &library_browser,
            Locator::XPath("//*[@data-testid='notice'][contains(., 'version 2')]"),
            "the owner is told the terms are a new version",
        )
        .await;
        assert!(notice.text().await.unwrap().contains("every borrower accepts them at their next checkout"));
        appears(
            &library_browser,
            Locator::XPath("//h1[@data-testid='item-name'][. = 'Oxygen concentrator 5 L (blue)']"),
            "the page shows the new name",
        )
        .await;
        appears(&library_browser, Locator::XPath("//*[@data-testid='max-loan-days'][. = '5 days']"), "the new longest loan").await;
        let edited = library_admin.item(item).await.unwrap().value;
        assert_eq!(edited.name, "Oxygen concentrator 5 L (blue)");
        assert_eq!(edited.max_loan_days, 5);
        assert_eq!(edited.terms.version, 2, "new words, new version");
        assert_eq!(edited.terms.text.as_str(), revised);
        screenshots(&library_browser, "lending-item-edited", app.backend).await;

        // Acceptance of version 1 no longer collects the item, through the
        // API or the page Harbour still has open, which now shows version 2
        // to accept.
        let loan = harbour_admin.loan(booking.id).await.unwrap();
        let outdated = harbour_admin
            .checkout_loan(
                booking.id,
                &CheckoutRequest {
                    report: all_good(),
                    accept_terms_version: 1,
                },
                &loan.etag,
            )
            .await
            .unwrap_err();
        assert_eq!(outdated.status(), Some(422), "{outdated}");
        let warren_client::ClientError::Problem(problem) = &outdated else { panic!("{outdated:?}") };
        assert_eq!(problem.errors.first().map(|error| error.field.as_str()), Some("accept_terms_version"), "{outdated}");
        tick_all(&harbour_browser, "checkout").await;
        click(&harbour_browser, "#accept-terms", "the terms checkbox").await;
        click(&harbour_browser, "#checkout", "the checkout button").await;
        appears(&harbour_browser, Locator::Css("[data-testid=terms][data-version='2']"), "the new terms are shown to accept").await;
        let why = appears(&harbour_browser, Locator::Css("#accept-terms-error"), "why the checkout was refused").await;
        assert!(why.text().await.unwrap().contains("the current version is 2"), "{}", why.text().await.unwrap());
        let terms = appears(&harbour_browser, Locator::Css("[data-testid=terms-text]"), "the new terms' words").await;
        assert!(terms.text().await.unwrap().contains("chlorhexidine"));
        assert_eq!(harbour_admin.loan(booking.id).await.unwrap().value.status, ReservationStatus::Reserved);
        screenshots(&harbour_browser, "lending-checkout-new-terms", app.backend).await;
        tick_all(&harbour_browser, "checkout").await;
        click(&harbour_browser, "#accept-terms", "the terms checkbox").await;
        click(&harbour_browser, "#checkout", "the checkout button").await;
        appears(&harbour_browser, Locator::Css("[data-testid=terms-acceptance][data-version='2']"), "version 2 is accepted").await;
        let out = harbour_admin.loan(booking.id).await.unwrap();
        assert_eq!(out.value.status, ReservationStatus::Active);
        assert_eq!(out.value.terms_acceptance.expect("the acceptance").terms_version, 2);

        // On loan, it cannot be retired; back, it is in the catalog again.
        library_browser.refresh().await.unwrap();
        appears(
            &library_browser,
            Locator::XPath("//*[@data-testid='manage-item'][contains(., 'retired once it is back')]"),
            "an item on loan cannot be retired",
        )
        .await;
        library_admin
            .return_loan(
                booking.id,
                &warren_wire::ReturnLoanRequest { report: all_good() },
                &out.etag,
            )
            .await
            .expect("the return");
        assert_eq!(catalog_near(&harbour_browser, &app, sites[1]).await, [item], "lendable again");

        // The library retires it; someone else put it into maintenance
        // meanwhile, so the first try is refused and the page shows that.
        library_browser.refresh().await.unwrap();
        appears(&library_browser, Locator::Css("[data-testid=item-status][data-status=available]"), "the item is back").await;
        let shown = library_admin.item(item).await.unwrap();
        library_admin
            .update_item(item, &with_status(&shown.value, ItemStatus::InMaintenance), &shown.etag)
            .await
            .expect("into maintenance");
        click(&library_browser, "[data-testid=retire-item] button", "the retire button").await;
        click(&library_browser, "[data-testid=retire-item] [data-testid=confirm]", "the confirmation").await;
        appears(&library_browser, Locator::Css("[data-testid=stale]"), "the change made meanwhile is not overwritten").await;
        appears(
            &library_browser,
            Locator::Css(".page-header [data-testid=item-status][data-status=in_maintenance]"),
            "the page shows the item as it now is",
        )
        .await;
        assert_eq!(library_admin.item(item).await.unwrap().value.status, ItemStatus::InMaintenance);
        click(&library_browser, "[data-testid=retire-item] button", "the retire button").await;
        click(&library_browser, "[data-testid=retire-item] [data-testid=confirm]", "the confirmation").await;
        appears(
            &library_browser,
            Locator::Css(".page-header [data-testid=item-status][data-status=retired]"),
            "the item shows as retired",
        )
        .await;
        appears(&library_browser, Locator::Css("[data-testid=retired-note]"), "and cannot be changed any more").await;
        assert!(library_browser.find(Locator::Css("#edit-item")).await.is_err(), "a retired item has no edit form");
        assert_eq!(library_admin.item(item).await.unwrap().value.status, ItemStatus::Retired);
        screenshots(&library_browser, "lending-item-retired", app.backend).await;
        assert!(catalog_near(&harbour_browser, &app, sites[1]).await.is_empty(), "a retired item leaves the catalog");
        harbour_browser.goto(&format!("{}/lending/items/{item}", app.url)).await.unwrap();
        let unlendable = appears(&harbour_browser, Locator::Css("[data-testid=unlendable]"), "borrowers read why it cannot be lent").await;
        assert!(unlendable.text().await.unwrap().contains("retired"));

        harbour_browser.close().await.unwrap();
        library_browser.close().await.unwrap();
    }
}

//! The triage screen in real headless Chromium against a real server: a
//! nurse triages a guinea pig with the network down and gets tier 1 with its
//! first-aid steps, and the nearest open site with oxygen once the record
//! syncs; a new protocol version changes the next result while an old record
//! keeps the version it was assessed under; a clinic adapts the first-aid
//! steps to its kit and the triage screen shows what the server records; and
//! the engine compiled into the browser assesses the whole discriminator
//! table exactly as the server does; a guinea pig struggling to breathe is
//! not told to eat, "not sure" about breathing says to treat it as tier 1,
//! a screen reader is not told every tick of the countdown, and a
//! destination of the result is referred to in one click.
//!
//! Needs what `browser.rs` needs: the built SPA, Chromium and chromedriver.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Timelike, Utc};
use fantoccini::{Client, Locator};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use warren_domain::directory::taxonomy::{Taxonomy, TermCode};
use warren_domain::triage::{Answer, Assessment, SpeciesGroup, Tier, Variant, VariantSign, assess};
use warren_tests::*;
use warren_wire::{
    AssessmentQuery, EvaluateRequest, PublishProtocolRequest, SiteInput, SiteTriageVariant,
};

use crate::browser::{
    appears, artifact, backend_name, browser, click, listing, screenshots, sign_in,
};

/// Signs out through the navigation, on a page that needs a signed-in
/// person, and waits for the sign-in form it then sends to.
async fn sign_out(browser: &Client) {
    appears(browser, Locator::Css("#sign-out"), "the sign-out button")
        .await
        .click()
        .await
        .unwrap();
    appears(
        browser,
        Locator::Css("#email"),
        "signed out, the sign-in form",
    )
    .await;
}

/// Opening hours of one hour a day that start seven to eight hours from
/// now in London (UTC or UTC+1): closed now, whatever the time of day, for
/// as long as a test runs.
fn closed_for_hours() -> String {
    let start = (Utc::now().hour() + 8) % 24;
    format!("Mo-Su {start:02}:00-{:02}:00", start + 1)
}

/// Answers the question `code` with `answer` (`yes`, `no` or `unknown`).
pub(crate) async fn answer(browser: &Client, code: &str, answer: &str) {
    appears(
        browser,
        Locator::Css(&format!(
            "[data-testid=question][data-code={code}] button[data-answer={answer}]"
        )),
        &format!("the question {code}"),
    )
    .await
    .click()
    .await
    .unwrap();
}

/// Waits for the tier block to show tier `number`.
pub(crate) async fn tier_shows(browser: &Client, number: u8) -> fantoccini::elements::Element {
    appears(
        browser,
        Locator::Css(&format!("[data-testid=tier][data-tier='{number}']")),
        &format!("the result is tier {number}"),
    )
    .await
}

/// The texts of every element matching `css`, in order.
async fn texts(browser: &Client, css: &str) -> Vec<String> {
    let mut texts = Vec::new();
    for element in browser.find_all(Locator::Css(css)).await.unwrap() {
        texts.push(element.text().await.unwrap());
    }
    texts
}

/// The tier block's countdown, e.g. "59:58 left".
async fn countdown(browser: &Client) -> String {
    browser
        .find(Locator::Css("[data-testid=tier] [data-testid=countdown]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Waits for the countdown to tick on from `before`: once a second, but a
/// loaded machine may run the page's timer late, so this allows ten.
async fn countdown_moves_on_from(browser: &Client, before: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        let now = countdown(browser).await;
        if now != before {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the countdown runs: still {now} after 10 s"
        );
    }
}

/// Makes every request of the page fail as if the network were down.
async fn network_down(browser: &Client) {
    browser
        .execute(
            "window.__warrenFetch = window.__warrenFetch || window.fetch;
             window.fetch = () => Promise.reject(new TypeError('Failed to fetch'));",
            vec![],
        )
        .await
        .unwrap();
}

/// Lets requests through again and tells the page it is back online.
async fn network_back(browser: &Client) {
    browser
        .execute(
            "window.fetch = window.__warrenFetch;
             window.dispatchEvent(new Event('online'));",
            vec![],
        )
        .await
        .unwrap();
}

warren_tests::on_one_database! { Sqlite:
    async fn staff_triage_a_guinea_pig_not_eating_and_breathing_fast_as_tier_1_with_the_nearest_open_oxygen_site(app) {
        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app
            .vetted(&coordinator, "Cotham Small Pets", "cs@cotham.test")
            .await;
        let desk = app
            .member(&clinic_admin, clinic, "desk@cotham.test", Role::Staff)
            .await;
        clinic_admin
            .create_site(
                clinic,
                &listing("Cotham Surgery", 0.0, "Mo-Fr 08:00-18:00", &["radiography"], &["small_mammal"]),
                None,
            )
            .await
            .expect("the clinic's own site");
        let (partners, partner_admin) = app
            .vetted(&coordinator, "Severn Partners", "sp@severn.test")
            .await;
        let create = |input: SiteInput| {
            let partner_admin = partner_admin.clone();
            async move {
                partner_admin
                    .create_site(partners, &input, None)
                    .await
                    .expect("create a site")
                    .value
                    .listing
                    .id
            }
        };
        let guinea_pigs = ["small_mammal/guinea_pig"];
        let nearest = create(listing("Harbour Emergency", 3.0, "24/7", &["oxygen_cage"], &guinea_pigs)).await;
        let farther = create(listing(
            "Valley Exotics Hospital",
            12.0,
            "24/7",
            &["oxygen_cage", "radiography"],
            &["small_mammal"],
        ))
        .await;
        let closed = create(listing("Redland Day Clinic", 1.0, &closed_for_hours(), &["oxygen_cage"], &guinea_pigs)).await;
        let no_oxygen = create(listing("Bedminster All Hours", 2.0, "24/7", &["radiography"], &guinea_pigs)).await;

        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "desk@cotham.test").await;
        browser.goto(&format!("{}/triage", app.url)).await.unwrap();
        let species = appears(&browser, Locator::Css("#species"), "the triage form renders").await;
        species.select_by_value("small_mammal/guinea_pig").await.unwrap();
        appears(
            &browser,
            Locator::Css("[data-testid=question][data-code=gut_stasis]"),
            "the questions for a guinea pig",
        )
        .await;
        assert!(
            browser
                .find_all(Locator::Css("[data-testid=question][data-code=wet_tail]"))
                .await
                .unwrap()
                .is_empty(),
            "hamster wet tail is not asked about a guinea pig"
        );
        let codes = {
            let mut codes = Vec::new();
            for question in browser.find_all(Locator::Css("[data-testid=question]")).await.unwrap() {
                codes.push(question.attr("data-code").await.unwrap().unwrap_or_default());
            }
            codes
        };
        assert_eq!(
            codes.first().map(String::as_str),
            Some("respiratory_distress"),
            "the most dangerous sign is asked first: {codes:?}"
        );

        // From here on the network is down: the engine runs in the page.
        network_down(&browser).await;
        answer(&browser, "gut_stasis", "yes").await;
        tier_shows(&browser, 3).await;
        let still_to_ask = texts(&browser, "[data-testid=to-ask] li").await;
        assert!(
            still_to_ask.first().is_some_and(|first| first.contains("Respiratory distress")),
            "signs that could raise the tier are still to ask, most dangerous first: {still_to_ask:?}"
        );
        answer(&browser, "respiratory_distress", "yes").await;
        let tier = tier_shows(&browser, 1).await;
        assert_eq!(tier.attr("data-colour").await.unwrap().as_deref(), Some("red"));
        // Lower-cased: the block shows its name in capitals.
        let tier_text = tier.text().await.unwrap().to_lowercase();
        assert!(tier_text.contains("immediate"), "{tier_text}");
        assert!(tier_text.contains("respiratory distress"), "the sign that fired: {tier_text}");
        assert!(tier_text.contains("first vet contact now"), "the target: {tier_text}");
        assert_eq!(
            browser
                .find(Locator::Css("[data-testid=to-ask]"))
                .await
                .unwrap()
                .attr("data-count")
                .await
                .unwrap()
                .as_deref(),
            Some("0"),
            "nothing can be more urgent than tier 1"
        );
        let steps = texts(&browser, "[data-testid=intervention]").await;
        assert!(
            steps.iter().any(|step| step.contains("oxygen")),
            "the oxygen step: {steps:?}"
        );
        assert!(
            steps.iter().any(|step| step.contains("warm")),
            "the warmth step: {steps:?}"
        );

        let before = countdown(&browser).await;
        countdown_moves_on_from(&browser, &before).await;

        // Recording with the network down keeps the record on the device…
        browser.find(Locator::Css("#record")).await.unwrap().click().await.unwrap();
        let pending = appears(
            &browser,
            Locator::Css("[data-testid=pending]"),
            "the record waits on the device",
        )
        .await;
        assert!(
            pending.text().await.unwrap().contains("saved on this device"),
            "{}",
            pending.text().await.unwrap()
        );
        // … and syncs when the network returns.
        network_back(&browser).await;
        appears(
            &browser,
            Locator::Css("li[data-testid=destination]"),
            "the destinations once the record synced",
        )
        .await;
        let mut destinations = Vec::new();
        for hit in browser.find_all(Locator::Css("li[data-testid=destination]")).await.unwrap() {
            let id = hit.attr("data-site-id").await.unwrap().expect("a site id");
            destinations.push(uuid::Uuid::parse_str(&id).unwrap());
        }
        assert_eq!(
            destinations.first(),
            Some(&nearest),
            "the nearest open site with oxygen first: {destinations:?}"
        );
        assert!(destinations.contains(&farther), "{destinations:?}");
        assert!(
            !destinations.contains(&closed) && !destinations.contains(&no_oxygen),
            "neither the closed site nor the one without oxygen: {destinations:?}"
        );
        let first = browser
            .find(Locator::Css("li[data-testid=destination]"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(first.contains("Harbour Emergency") && first.contains(" km"), "{first}");

        let recorded = desk
            .assessments(clinic, &AssessmentQuery::default())
            .await
            .expect("the clinic's assessments");
        assert_eq!(recorded.items.len(), 1, "recorded once");
        assert_eq!(recorded.items[0].result.tier.tier, Tier::Immediate);
        assert_eq!(recorded.items[0].result.fired.as_deref(), Some("respiratory_distress"));

        browser.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
        browser.set_window_size(1280, 1700).await.unwrap();
        std::fs::write(
            artifact(&format!("triage-{}.png", backend_name(app.backend))),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();
        browser.set_window_size(390, 3000).await.unwrap();
        std::fs::write(
            artifact(&format!("triage-phone-{}.png", backend_name(app.backend))),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();
        browser.close().await.unwrap();
    }

    async fn a_new_protocol_version_changes_the_next_result_and_the_old_record_keeps_its_version(app) {
        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app
            .vetted(&coordinator, "Cotham Small Pets", "cs@cotham.test")
            .await;
        app.member(&clinic_admin, clinic, "desk@cotham.test", Role::Staff)
            .await;
        clinic_admin
            .create_site(
                clinic,
                &listing("Cotham Surgery", 0.0, "24/7", &["radiography"], &["small_mammal"]),
                None,
            )
            .await
            .expect("the clinic's own site");

        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "desk@cotham.test").await;
        browser.goto(&format!("{}/triage", app.url)).await.unwrap();
        appears(&browser, Locator::Css("#species"), "the triage form renders")
            .await
            .select_by_value("small_mammal/guinea_pig")
            .await
            .unwrap();
        answer(&browser, "gut_stasis", "yes").await;
        tier_shows(&browser, 3).await;
        let before = countdown(&browser).await;
        assert!(before.ends_with(" left"), "an hour to first vet contact: {before}");
        countdown_moves_on_from(&browser, &before).await;
        browser.find(Locator::Css("#record")).await.unwrap().click().await.unwrap();
        let link = appears(
            &browser,
            Locator::Css("[data-testid=recorded] a"),
            "the recorded assessment",
        )
        .await;
        let first_record = link.attr("href").await.unwrap().expect("a link to the record");

        let current = coordinator.triage_protocol().await.expect("the current protocol");
        assert_eq!(current.version, 1);
        let mut protocol = current.protocol;
        let gut_stasis = protocol
            .discriminators
            .iter_mut()
            .find(|sign| sign.code == "gut_stasis")
            .expect("the gut stasis sign");
        gut_stasis.group_tiers = vec![(SpeciesGroup::Herbivore, Tier::VeryUrgent)];
        let published = coordinator
            .publish_triage_protocol(&PublishProtocolRequest { protocol })
            .await
            .expect("publish version 2");
        assert_eq!(published.version, 2);
        assert!(!published.changes.is_empty(), "the change is listed");

        browser.refresh().await.unwrap();
        appears(&browser, Locator::Css("#species"), "the reloaded triage form")
            .await
            .select_by_value("small_mammal/guinea_pig")
            .await
            .unwrap();
        answer(&browser, "gut_stasis", "yes").await;
        let tier = tier_shows(&browser, 2).await;
        assert_eq!(tier.attr("data-colour").await.unwrap().as_deref(), Some("orange"));
        let version = appears(
            &browser,
            Locator::Css("[data-testid=protocol-version]"),
            "the protocol version in use",
        )
        .await;
        let text = version.text().await.unwrap();
        assert!(text.contains("version 2"), "{text}");

        browser.goto(&format!("{}{first_record}", app.url)).await.unwrap();
        let version = appears(
            &browser,
            Locator::Css("[data-testid=protocol-version]"),
            "the record shows its protocol version",
        )
        .await;
        let text = version.text().await.unwrap();
        assert!(text.contains("version 1"), "{text}");
        tier_shows(&browser, 3).await;
        let answers = texts(&browser, "[data-testid=answer]").await;
        assert!(
            answers.iter().any(|answer| answer.contains("Not eating") && answer.contains("Yes")),
            "the answers given: {answers:?}"
        );

        // The history lists the record.
        browser.goto(&format!("{}/triage/history", app.url)).await.unwrap();
        let row = appears(
            &browser,
            Locator::Css("[data-testid=assessment-row]"),
            "the clinic's assessments",
        )
        .await;
        assert!(row.text().await.unwrap().contains("Urgent"), "{}", row.text().await.unwrap());
        browser.close().await.unwrap();
    }
}

/// One row of the JSON the SPA's `/triage/table` renders: what the engine
/// compiled into the browser found for one species, sign and case.
#[derive(Debug, Deserialize)]
struct EngineRow {
    species: TermCode,
    group: SpeciesGroup,
    sign: String,
    case: String,
    answers: BTreeMap<String, Answer>,
    result: Assessment,
}

/// Every species group of the protocol.
fn every_group() -> [SpeciesGroup; 8] {
    use SpeciesGroup::*;
    let all = [
        Rodent,
        Herbivore,
        SmallMammal,
        Bird,
        Raptor,
        WildSmallMammal,
        WildCarnivore,
        Wildlife,
    ];
    // A group added to the domain stops this compiling until it is listed.
    for group in all {
        match group {
            Rodent | Herbivore | SmallMammal | Bird | Raptor | WildSmallMammal | WildCarnivore
            | Wildlife => {}
        }
    }
    all
}

/// The text of the first element matching `css`, visible or not.
async fn text_content(browser: &Client, css: &str) -> String {
    let value = browser
        .execute(
            "return document.querySelector(arguments[0]).textContent;",
            vec![serde_json::Value::String(css.to_owned())],
        )
        .await
        .unwrap();
    value.as_str().unwrap_or_default().to_owned()
}

warren_tests::on_one_database! { Postgres:
    async fn the_browser_assesses_the_whole_discriminator_table_exactly_as_the_server(app) {
        let anonymous = app.client.anonymous();
        let current = anonymous.triage_protocol().await.expect("the protocol is public");
        let terms = anonymous.taxonomy().await.expect("the taxonomy is public");
        let species_terms: BTreeSet<&str> = terms
            .items
            .iter()
            .filter(|term| term.taxonomy == Taxonomy::Species)
            .map(|term| term.code.as_str())
            .collect();

        let (browser, _driver) = browser().await;
        // No sign-in: the protocol and the evaluation are public.
        browser.goto(&format!("{}/triage/table", app.url)).await.unwrap();
        let table = appears(
            &browser,
            Locator::Css("pre[data-testid=engine-table]"),
            "the engine table renders",
        )
        .await;
        assert_eq!(
            table.attr("data-protocol-version").await.unwrap().as_deref(),
            Some(current.version.to_string().as_str()),
            "the browser ran the current protocol"
        );
        assert!(
            browser.find_all(Locator::Css("[data-testid=engine-errors]")).await.unwrap().is_empty(),
            "the engine refused nothing"
        );
        let json = text_content(&browser, "pre[data-testid=engine-table]").await;
        let rows: Vec<EngineRow> = serde_json::from_str(json.trim()).expect("the table's JSON");
        browser.set_window_size(1280, 1100).await.unwrap();
        std::fs::write(
            artifact(&format!("triage-table-{}.png", backend_name(app.backend))),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();
        browser.close().await.unwrap();

        // The table is the whole table: every group, every sign, both cases.
        let signs = &current.protocol.discriminators;
        let expected: BTreeSet<(SpeciesGroup, String, String)> = every_group()
            .into_iter()
            .flat_map(|group| {
                signs.iter().flat_map(move |sign| {
                    ["sign_only", "others_no"].map(|case| (group, sign.code.clone(), case.to_owned()))
                })
            })
            .collect();
        let found: BTreeSet<(SpeciesGroup, String, String)> = rows
            .iter()
            .map(|row| (row.group, row.sign.clone(), row.case.clone()))
            .collect();
        assert_eq!(found, expected, "one row per species group, sign and case");
        assert_eq!(rows.len(), expected.len(), "no row twice");

        let mut tiers = BTreeSet::new();
        for row in &rows {
            let what = format!("{} for {} ({})", row.sign, row.species, row.case);
            assert!(species_terms.contains(row.species.as_str()), "{what}: a species of the taxonomy");
            assert_eq!(SpeciesGroup::of(&row.species), row.group, "{what}");
            assert_eq!(row.answers.get(&row.sign), Some(&Answer::Yes), "{what}");
            let others: BTreeMap<&String, &Answer> =
                row.answers.iter().filter(|(code, _)| **code != row.sign).collect();
            if row.case == "sign_only" {
                assert!(others.is_empty(), "{what}: only the sign is answered");
            } else {
                let asked: BTreeSet<&String> = signs
                    .iter()
                    .filter(|sign| sign.applies_to(row.group) && sign.code != row.sign)
                    .map(|sign| &sign.code)
                    .collect();
                assert_eq!(others.keys().copied().collect::<BTreeSet<_>>(), asked, "{what}");
                assert!(others.values().all(|answer| **answer == Answer::No), "{what}");
            }
            // The server, asked the same question, gives the very same result.
            let remote = anonymous
                .evaluate_triage(&EvaluateRequest {
                    species: row.species.clone(),
                    answers: row.answers.clone(),
                })
                .await
                .unwrap_or_else(|error| panic!("{what}: {error}"));
            assert_eq!(remote, row.result, "{what}: server and browser differ");
            let native = assess(&current.protocol, &row.species, &row.answers).unwrap();
            assert_eq!(native, row.result, "{what}: the engine differs between targets");
            tiers.insert(row.result.tier.tier);
        }
        assert!(
            tiers.contains(&Tier::Immediate) && tiers.contains(&Tier::NonUrgent),
            "the table spans the tiers: {tiers:?}"
        );
    }

    async fn a_clinic_adapts_the_first_aid_steps_to_its_kit_and_the_record_uses_them(app) {
        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app
            .vetted(&coordinator, "Kit Vets", "kv@kit.test")
            .await;
        let nurse = app
            .member(&clinic_admin, clinic, "nurse@kit.test", Role::Staff)
            .await;
        app.member(&clinic_admin, clinic, "volunteer@kit.test", Role::Volunteer)
            .await;
        let site = clinic_admin
            .create_site(
                clinic,
                &listing("Kit Vets Surgery", 0.0, "24/7", &["radiography"], &["small_mammal"]),
                None,
            )
            .await
            .expect("the clinic's site")
            .value
            .listing
            .id;
        let path = format!("/api/v1/sites/{site}/triage-variant");
        let concentrator = "Use our portable concentrator at 2 L/min";
        let heat_pad = "Line the carrier with the heat pad from the crash box";

        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "nurse@kit.test").await;
        browser.goto(&format!("{}/sites/{site}", app.url)).await.unwrap();
        appears(&browser, Locator::Css("#triage-variant"), "the site offers its triage kit to its staff")
            .await
            .click()
            .await
            .unwrap();
        appears(
            &browser,
            Locator::Css("[data-testid=variant-state][data-state=none]"),
            "no kit yet: the network's steps",
        )
        .await;
        let network = texts(&browser, "[data-testid=kit-sign][data-code=respiratory_distress] .kit-network li").await;
        assert!(
            network.first().is_some_and(|step| step.starts_with("Give oxygen")),
            "the network's steps are shown: {network:?}"
        );

        // A step too long for the network's rules is refused before sending.
        let too_long = "x".repeat(301);
        browser
            .find(Locator::Css("#during-gut_stasis"))
            .await
            .unwrap()
            .send_keys(&too_long)
            .await
            .unwrap();
        browser.find(Locator::Css("#save-variant")).await.unwrap().click().await.unwrap();
        let refused = appears(&browser, Locator::Css("[data-testid=variant-error]"), "the kit is refused").await;
        assert!(refused.text().await.unwrap().contains("cannot be saved"), "{}", refused.text().await.unwrap());
        let field = appears(
            &browser,
            Locator::Css("#during-gut_stasis[aria-invalid=true]"),
            "the box at fault is marked",
        )
        .await;
        let why = browser.find(Locator::Css("#during-gut_stasis-error")).await.unwrap().text().await.unwrap();
        assert!(why.contains("300 characters"), "{why}");
        // Select all, delete: typed, so the page hears it.
        field.send_keys("\u{E009}a\u{E000}\u{E003}").await.unwrap();

        let before = browser.find(Locator::Css("#before-respiratory_distress")).await.unwrap();
        before.send_keys(&format!("{concentrator}\n{heat_pad}")).await.unwrap();
        browser.find(Locator::Css("#save-variant")).await.unwrap().click().await.unwrap();
        let notice = appears(&browser, Locator::Css("[data-testid=notice]"), "the kit is saved").await;
        assert!(notice.text().await.unwrap().contains("saved"), "{}", notice.text().await.unwrap());
        appears(
            &browser,
            Locator::Css("[data-testid=variant-state][data-state=adopted]"),
            "the site has its own kit",
        )
        .await;
        appears(
            &browser,
            Locator::Css("[data-testid=kit-sign][data-code=respiratory_distress].adapted"),
            "the sign is marked adapted",
        )
        .await;
        let saved = nurse.request(Method::GET, &path).send().await.unwrap();
        assert_eq!(saved.status(), StatusCode::OK);
        let saved: SiteTriageVariant = saved.json().await.unwrap();
        assert_eq!(
            saved.variant,
            Variant {
                signs: vec![VariantSign {
                    code: "respiratory_distress".into(),
                    before_transport: Some(vec![concentrator.into(), heat_pad.into()]),
                    during_transport: None,
                }],
            },
            "only the sign with steps of its own, one step per line"
        );
        browser.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
        browser.set_window_size(1280, 1300).await.unwrap();
        std::fs::write(
            artifact(&format!("triage-variant-{}.png", backend_name(app.backend))),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();

        // Triage at the site: the steps of its kit, as the server records them.
        browser.goto(&format!("{}/triage", app.url)).await.unwrap();
        appears(&browser, Locator::Css("#species"), "the triage form renders")
            .await
            .select_by_value("small_mammal/guinea_pig")
            .await
            .unwrap();
        answer(&browser, "respiratory_distress", "yes").await;
        tier_shows(&browser, 1).await;
        let note = appears(&browser, Locator::Css("[data-testid=variant-note]"), "the kit is said to apply").await;
        assert_eq!(note.text().await.unwrap(), "Interventions adapted to Kit Vets Surgery's kit.");
        let shown = texts(&browser, "[data-testid=intervention]").await;
        assert_eq!(shown.first().map(String::as_str), Some(concentrator), "{shown:?}");
        assert!(!shown.iter().any(|step| step.starts_with("Give oxygen")), "{shown:?}");
        browser.find(Locator::Css("#record")).await.unwrap().click().await.unwrap();
        appears(&browser, Locator::Css("[data-testid=recorded] a"), "the recorded assessment").await;
        let recorded = nurse
            .assessments(clinic, &AssessmentQuery::default())
            .await
            .expect("the clinic's assessments");
        assert_eq!(recorded.items.len(), 1);
        let record = &recorded.items[0];
        assert_eq!(record.variant_site_id, Some(site), "the record names the site whose kit it used");
        assert_eq!(record.result.before_transport.first().map(String::as_str), Some(concentrator));
        let steps: Vec<String> = record
            .result
            .before_transport
            .iter()
            .chain(&record.result.during_transport)
            .cloned()
            .collect();
        assert_eq!(shown, steps, "the screen showed exactly the steps recorded");
        browser.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
        browser.set_window_size(1280, 1500).await.unwrap();
        std::fs::write(
            artifact(&format!("triage-with-kit-{}.png", backend_name(app.backend))),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();

        // A volunteer reads the kit but cannot change it.
        sign_out(&browser).await;
        sign_in(&browser, &app, "volunteer@kit.test").await;
        browser.goto(&format!("{}/sites/{site}", app.url)).await.unwrap();
        appears(&browser, Locator::Css("[data-testid=site-name]"), "the site page").await;
        assert!(
            browser.find_all(Locator::Css("#triage-variant")).await.unwrap().is_empty(),
            "the kit is linked for the site's editors only"
        );
        browser.goto(&format!("{}/sites/{site}/triage-variant", app.url)).await.unwrap();
        appears(&browser, Locator::Css("[data-testid=read-only]"), "the kit, read only").await;
        let own = texts(
            &browser,
            "[data-testid=kit-sign][data-code=respiratory_distress] [data-testid=own-steps] li",
        )
        .await;
        assert_eq!(own, [concentrator, heat_pad]);
        browser.set_window_size(1280, 900).await.unwrap();
        std::fs::write(
            artifact(&format!("triage-variant-read-only-{}.png", backend_name(app.backend))),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();
        assert!(
            browser.find_all(Locator::Css("#save-variant, textarea")).await.unwrap().is_empty(),
            "nothing to edit"
        );
        sign_out(&browser).await;
        sign_in(&browser, &app, "nurse@kit.test").await;

        // Dropping the kit brings the network's steps back.
        browser.goto(&format!("{}/sites/{site}/triage-variant", app.url)).await.unwrap();
        appears(
            &browser,
            Locator::XPath("//button[normalize-space(.)='Drop the kit']"),
            "the kit can be dropped",
        )
        .await
        .click()
        .await
        .unwrap();
        appears(&browser, Locator::Css("[data-testid=confirm]"), "dropping asks first")
            .await
            .click()
            .await
            .unwrap();
        appears(
            &browser,
            Locator::Css("[data-testid=variant-state][data-state=none]"),
            "the kit is dropped",
        )
        .await;
        let notice = browser.find(Locator::Css("[data-testid=notice]")).await.unwrap().text().await.unwrap();
        assert!(notice.contains("dropped"), "{notice}");
        assert_eq!(
            nurse.request(Method::GET, &path).send().await.unwrap().status(),
            StatusCode::NOT_FOUND
        );
        browser.goto(&format!("{}/triage", app.url)).await.unwrap();
        appears(&browser, Locator::Css("#species"), "the triage form renders")
            .await
            .select_by_value("small_mammal/guinea_pig")
            .await
            .unwrap();
        answer(&browser, "respiratory_distress", "yes").await;
        tier_shows(&browser, 1).await;
        let shown = texts(&browser, "[data-testid=intervention]").await;
        assert!(shown.first().is_some_and(|step| step.starts_with("Give oxygen")), "{shown:?}");
        assert!(
            browser.find_all(Locator::Css("[data-testid=variant-note]")).await.unwrap().is_empty(),
            "no kit, no note"
        );
        browser.close().await.unwrap();
    }
}

/// Counts, from now on, every change inside a live region of the page (what
/// a screen reader would read out).
async fn watch_live_regions(browser: &Client) {
    browser
        .execute(
            "window.__liveChanges = [];
             const live = '[aria-live]:not([aria-live=off]), [role=status], [role=alert], [role=log], [role=timer], [role=marquee]';
             new MutationObserver((records) => {
               for (const record of records) {
                 const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
                 const region = node && node.closest(live);
                 if (region) window.__liveChanges.push(region.textContent);
               }
             }).observe(document.body, { subtree: true, childList: true, characterData: true });",
            vec![],
        )
        .await
        .unwrap();
}

/// What the live regions said since [`watch_live_regions`].
async fn live_changes(browser: &Client) -> Vec<String> {
    serde_json::from_value(
        browser
            .execute("return window.__liveChanges;", vec![])
            .await
            .unwrap(),
    )
    .unwrap()
}

warren_tests::on_one_database! { Sqlite:
    async fn a_guinea_pig_struggling_to_breathe_is_not_told_to_eat_and_a_not_sure_says_treat_as_tier_1(app) {
        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app.vetted(&coordinator, "Clifton Small Pets", "cs@clifton.test").await;
        app.member(&clinic_admin, clinic, "desk@clifton.test", Role::Staff).await;
        clinic_admin
            .create_site(clinic, &listing("Clifton Surgery", 0.0, "Mo-Fr 08:00-18:00", &["radiography"], &["small_mammal"]), None)
            .await
            .expect("the clinic's own site");
        let (partners, partner_admin) = app.vetted(&coordinator, "Harbour Partners", "hp@harbour.test").await;
        let harbour = partner_admin
            .create_site(partners, &listing("Harbour Emergency", 3.0, "24/7", &["oxygen_cage"], &["small_mammal"]), None)
            .await
            .expect("the partner's site")
            .value
            .listing
            .id;

        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "desk@clifton.test").await;
        browser.goto(&format!("{}/triage", app.url)).await.unwrap();
        let species = appears(&browser, Locator::Css("#species"), "the triage form renders").await;
        species.select_by_value("small_mammal/guinea_pig").await.unwrap();
        let question = appears(&browser, Locator::Css("[data-testid=question][data-code=respiratory_distress] .question-ask"), "the breathing question").await;
        let asked = question.text().await.unwrap();
        assert!(asked.contains("Breathing fast or laboured"), "staff recognise the common presentation: {asked}");

        // Not eating, and nobody can tell whether it struggles to breathe.
        answer(&browser, "gut_stasis", "yes").await;
        answer(&browser, "respiratory_distress", "unknown").await;
        tier_shows(&browser, 3).await;
        let warning = appears(&browser, Locator::Css("[data-testid=cannot-rule-out] li[data-code=respiratory_distress]"), "what cannot be ruled out").await;
        assert_eq!(
            warning.text().await.unwrap().trim_start_matches('1').trim(),
            "Cannot rule out respiratory distress: treat as tier 1 (Immediate) until ruled out"
        );
        let placement: serde_json::Value = browser
            .execute(
                "const notice = document.querySelector('[data-testid=cannot-rule-out]');
                 const tier = document.querySelector('[data-testid=tier]');
                 return [!tier.contains(notice), !!(notice.compareDocumentPosition(tier) & Node.DOCUMENT_POSITION_FOLLOWING),
                         getComputedStyle(notice).backgroundColor !== getComputedStyle(tier).backgroundColor];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(placement, serde_json::json!([true, true, true]), "above the tier, apart from it and unlike it");
        let withheld = texts(&browser, "[data-testid=withheld] .withheld-why").await;
        assert!(withheld.iter().any(|why| why.starts_with("Withheld: food or water by mouth — because of possible respiratory distress")), "{withheld:?}");
        screenshots(&browser, "triage-not-ruled-out", app.backend).await;

        // A screen reader hears the tier, not every tick of the countdown.
        let announced = appears(&browser, Locator::Css("[data-testid=triage-announcer]"), "the live region").await;
        let said = announced.text().await.unwrap_or_default();
        let said = if said.is_empty() { announced.prop("textContent").await.unwrap().unwrap_or_default() } else { said };
        assert!(said.contains("Tier 3, Urgent") && said.contains("Cannot rule out respiratory distress"), "{said}");
        watch_live_regions(&browser).await;
        let before = countdown(&browser).await;
        tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
        assert_ne!(countdown(&browser).await, before, "the countdown still ticks on screen");
        // Three seconds ticked; a minute may have turned once meanwhile.
        let heard = live_changes(&browser).await;
        assert!(heard.len() <= 1, "live regions changed with the seconds: {heard:?}");

        // It does struggle to breathe: tier 1, and no food by mouth.
        answer(&browser, "respiratory_distress", "yes").await;
        tier_shows(&browser, 1).await;
        assert!(browser.find_all(Locator::Css("[data-testid=cannot-rule-out]")).await.unwrap().is_empty());
        let steps = texts(&browser, "[data-testid=intervention]").await;
        assert!(steps.iter().any(|step| step.starts_with("Do not restrain")), "{steps:?}");
        assert!(
            !steps.iter().any(|step| step.starts_with("Syringe-feed") || step.starts_with("Offer hay")),
            "no feeding an animal struggling to breathe: {steps:?}"
        );
        let withheld = texts(&browser, "[data-testid=withheld] li[data-code=oral_with_breathing_seizures_or_collapse] .withheld-why").await;
        assert_eq!(withheld.len(), 1);
        assert!(withheld[0].starts_with("Withheld: food or water by mouth — because of respiratory distress: risk of aspiration"), "{withheld:?}");
        let heard = live_changes(&browser).await;
        assert!(heard.iter().any(|said| said.contains("Tier 1, Immediate")), "the new tier is announced: {heard:?}");

        // Refer to the recommended site straight from the result.
        click(&browser, "#record", "the record button").await;
        click(&browser, &format!("[data-testid=refer-to][data-site-id='{harbour}']"), "the result offers to refer to Harbour").await;
        appears(&browser, Locator::Css(&format!("[data-testid=receiver][data-site-id='{harbour}']")), "Harbour is already a receiver").await;
        appears(&browser, Locator::Css("[data-testid=carried-over] [data-tier='1']"), "tier 1 carried over").await;
        let address = browser.current_url().await.unwrap();
        assert!(address.path() == "/referrals/new" && address.query().is_some_and(|query| query.contains("assessment=")), "{address}");
        browser.close().await.unwrap();
    }
}

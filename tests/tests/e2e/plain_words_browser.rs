//! Pages speak to people in words, not codes, on both databases: a clinic
//! opens its triage history, an assessment, a referral and a kit item it may
//! borrow (with the assessment offered as grounds), and nowhere does a
//! species or capability code (`small_mammal/rabbit`) or a time "… UTC"
//! show, in the text or in a select's choices.

use fantoccini::{Client, Locator};
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::lending::{Condition, ItemCategory, MaxLoanDays, Suitability};
use warren_domain::triage::Answer;
use warren_domain::{ClinicalNote, ShortText};
use warren_wire::{CreateAssessmentRequest, CreateItemRequest};

use crate::alerts::rabbit;
use crate::browser::{appears, browser, listing, screenshots, sign_in};

/// The page's visible text and its selects' choices, with anything in it
/// shaped like a code or a UTC time.
async fn codes_and_utc_times(browser: &Client) -> (String, Vec<String>) {
    let found = browser
        .execute(
            "const text = document.body.innerText + '\\n' + \
               Array.from(document.querySelectorAll('option')).map(o => o.textContent).join('\\n'); \
             const codes = text.match(/[a-z_]+\\/[a-z_]+/g) || []; \
             const utc = text.match(/\\d{1,2}:\\d{2}( UTC|\\s*UTC\\b)/g) || []; \
             return [text, codes.concat(utc)];",
            vec![],
        )
        .await
        .unwrap();
    let text = found[0].as_str().unwrap_or_default().to_owned();
    let hits = found[1]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|hit| hit.as_str().map(str::to_owned))
        .collect();
    (text, hits)
}

/// Waits for `css` on `path`, then checks the page shows no codes.
async fn shows_words(
    browser: &Client,
    app: &warren_tests::TestApp,
    path: &str,
    css: &str,
    expect: &str,
) {
    browser.goto(&format!("{}{path}", app.url)).await.unwrap();
    appears(browser, Locator::Css(css), path).await;
    // The vocabulary arrives after the page: wait for its label.
    let mut last = String::new();
    for _ in 0..40 {
        let (text, hits) = codes_and_utc_times(browser).await;
        if text.contains(expect) && hits.is_empty() {
            return;
        }
        last = format!("{hits:?} in:\n{text}");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("{path} should say {expect:?} and show no codes or UTC times: {last}");
}

warren_tests::on_one_database! { Sqlite:
    async fn pages_show_labels_and_local_times_not_codes(app) {
        let coordinator = app.network_admin().await;
        let (library, library_admin) = app.vetted(&coordinator, "Plain Kit Library", "kit@plain.test").await;
        let (clinic, clinic_admin) = app.vetted(&coordinator, "Plain Vets", "admin@plain.test").await;
        let store = library_admin
            .create_site(library, &listing("Plain Kit Store", 3.0, "24/7", &["oxygen_cage"], &["small_mammal"]), None)
            .await
            .unwrap()
            .value
            .listing
            .id;
        let surgery = clinic_admin
            .create_site(clinic, &listing("Plain Vets Surgery", 0.0, "24/7", &["oxygen_cage"], &["small_mammal"]), None)
            .await
            .unwrap()
            .value
            .listing
            .id;
        let item = library_admin
            .create_item(
                library,
                &CreateItemRequest {
                    home_site_id: store,
                    name: ShortText::parse("Oxygen concentrator").unwrap(),
                    category: ItemCategory::OxygenConcentrator,
                    description: None,
                    suitability: Suitability {
                        species: vec![TermCode::parse("small_mammal").unwrap()],
                        ..Suitability::default()
                    },
                    condition: Condition::Good,
                    terms: ClinicalNote::parse("Return it cleaned.").unwrap(),
                    max_loan_days: MaxLoanDays::new(7).unwrap(),
                    auto_approve: true,
                },
                None,
            )
            .await
            .unwrap()
            .id;
        let assessment = clinic_admin
            .create_assessment(
                clinic,
                &CreateAssessmentRequest {
                    species: TermCode::parse("small_mammal/guinea_pig").unwrap(),
                    patient: Some("Biscuit".into()),
                    answers: [("gut_stasis".to_owned(), Answer::Yes)].into_iter().collect(),
                    site_id: Some(surgery),
                    protocol_version: None,
                },
                None,
            )
            .await
            .unwrap()
            .id;
        let mut request = rabbit(vec![store], warren_domain::triage::Tier::Urgent);
        request.capabilities = vec![TermCode::parse("oxygen_cage").unwrap()];
        let referral = clinic_admin.create_referral(clinic, &request, None).await.unwrap().items.remove(0).id;

        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "admin@plain.test").await;
        shows_words(&browser, &app, "/triage/history", "tbody tr", "Guinea pig").await;
        shows_words(&browser, &app, &format!("/assessments/{assessment}"), "p.lead", "Guinea pig").await;
        screenshots(&browser, "plain-words-assessment", app.backend).await;
        shows_words(&browser, &app, &format!("/referrals/{referral}"), "[data-testid=capabilities]", "Rabbit").await;
        screenshots(&browser, "plain-words-referral", app.backend).await;
        shows_words(&browser, &app, &format!("/lending/items/{item}"), "#grounds-assessment", "Oxygen concentrator").await;
        browser.find(Locator::Css("#grounds-assessment")).await.unwrap().click().await.unwrap();
        appears(&browser, Locator::Css("#loan-assessment option + option"), "the clinic's assessment as grounds").await;
        let (text, hits) = codes_and_utc_times(&browser).await;
        assert!(text.contains("Biscuit · Guinea pig · tier"), "the assessment is offered by its species' label: {text}");
        assert!(hits.is_empty(), "{hits:?}");
        screenshots(&browser, "plain-words-lending-item", app.backend).await;
    }
}

//! The network's vocabularies in real headless Chromium against a real
//! server: the network coordinator opens the vocabulary from the directory,
//! adds a species to a group and a capability, and each appears in the
//! lists and in the directory's species search; a code that exists already
//! and a species of a group that does not are refused with the server's
//! reason. A clinic's admin reads the vocabulary but has no form to add to
//! it.

use fantoccini::{Client, Locator};
use warren_domain::directory::taxonomy::Taxonomy;

use crate::browser::{appears, browser, click, screenshots, sign_in};

/// Types `text` into the input `css`.
async fn type_into(browser: &Client, css: &str, text: &str) {
    let input = appears(browser, Locator::Css(css), css).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

/// Fills the form in and sends it.
async fn add_term(browser: &Client, taxonomy: &str, code: &str, label: &str) {
    click(
        browser,
        &format!("#term-taxonomy-{taxonomy}"),
        "the vocabulary",
    )
    .await;
    type_into(browser, "#term-code", code).await;
    type_into(browser, "#term-label", label).await;
    click(browser, "#add-term", "the add button").await;
}

warren_tests::on_one_database! { Postgres:
    async fn a_network_admin_adds_terms_to_the_vocabulary_in_the_browser(app) {
        let coordinator = app.network_admin().await;
        let (_clinic, _clinic_admin) = app
            .vetted(&coordinator, "Harbour Vets", "admin@harbour.test")
            .await;

        let (admin_browser, _admin_driver) = browser().await;
        sign_in(&admin_browser, &app, "coordinator@network.test").await;
        admin_browser.goto(&format!("{}/directory", app.url)).await.unwrap();
        click(&admin_browser, "a[href='/directory/vocabulary']", "the directory links to the vocabulary").await;
        appears(
            &admin_browser,
            Locator::Css("[data-testid=species-terms] li[data-testid=term][data-code='small_mammal/rat']"),
            "the species in force are listed",
        )
        .await;

        // A jerboa, among the small mammals.
        add_term(&admin_browser, "species", "small_mammal/jerboa", "Jerboa").await;
        appears(
            &admin_browser,
            Locator::XPath("//*[@data-testid='notice'][contains(., 'Added: Jerboa (small_mammal/jerboa)')]"),
            "the term is added",
        )
        .await;
        let jerboa = appears(
            &admin_browser,
            Locator::Css("[data-testid=species-terms] li[data-testid=term][data-code='small_mammal/jerboa']"),
            "the jerboa is listed among the species",
        )
        .await;
        assert!(jerboa.text().await.unwrap().contains("Jerboa"));

        // A Doppler, among the capabilities.
        add_term(&admin_browser, "capability", "doppler_ultrasound", "Doppler ultrasound").await;
        appears(
            &admin_browser,
            Locator::Css("[data-testid=capability-terms] li[data-testid=term][data-code=doppler_ultrasound]"),
            "the capability is listed",
        )
        .await;
        screenshots(&admin_browser, "vocabulary-added", app.backend).await;

        // The same code twice, and a species of no known group, are refused.
        add_term(&admin_browser, "species", "small_mammal/jerboa", "Jerboa again").await;
        let twice = appears(
            &admin_browser,
            Locator::Css("[data-testid=new-term] .alert-error[data-code=conflict]"),
            "a code that exists already is refused",
        )
        .await;
        assert!(twice.text().await.unwrap().contains("already exists"));
        add_term(&admin_browser, "species", "marsupial/sugar_glider", "Sugar glider").await;
        appears(
            &admin_browser,
            Locator::Css("#term-code[aria-invalid=true]"),
            "a species of a group that does not exist is refused on its code",
        )
        .await;
        let why = appears(&admin_browser, Locator::Css("#term-code-error"), "why").await;
        assert!(why.text().await.unwrap().contains("marsupial"), "{}", why.text().await.unwrap());
        screenshots(&admin_browser, "vocabulary-refused", app.backend).await;

        let terms = app.client.taxonomy().await.expect("the vocabulary").items;
        let mut added: Vec<(Taxonomy, String, String)> = terms
            .iter()
            .filter(|term| ["small_mammal/jerboa", "doppler_ultrasound", "marsupial/sugar_glider"].contains(&term.code.as_str()))
            .map(|term| (term.taxonomy, term.code.to_string(), term.label.clone()))
            .collect();
        added.sort();
        assert_eq!(
            added,
            [
                (Taxonomy::Capability, "doppler_ultrasound".to_owned(), "Doppler ultrasound".to_owned()),
                (Taxonomy::Species, "small_mammal/jerboa".to_owned(), "Jerboa".to_owned()),
            ]
        );

        // The directory's search offers the new species.
        admin_browser.goto(&format!("{}/directory", app.url)).await.unwrap();
        appears(
            &admin_browser,
            Locator::Css("#species option[value='small_mammal/jerboa']"),
            "the directory's species search offers the jerboa",
        )
        .await;

        // A clinic reads the vocabulary, without the form.
        let (clinic_browser, _clinic_driver) = browser().await;
        sign_in(&clinic_browser, &app, "admin@harbour.test").await;
        clinic_browser.goto(&format!("{}/directory/vocabulary", app.url)).await.unwrap();
        appears(
            &clinic_browser,
            Locator::Css("[data-testid=species-terms] li[data-testid=term][data-code='small_mammal/jerboa']"),
            "everyone reads the vocabulary",
        )
        .await;
        assert!(clinic_browser.find(Locator::Css("#add-term")).await.is_err(), "only network admins add terms");
        screenshots(&clinic_browser, "vocabulary-read-only", app.backend).await;

        admin_browser.close().await.unwrap();
        clinic_browser.close().await.unwrap();
    }
}

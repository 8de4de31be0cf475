//! The knowledge library in real headless Chromium against a real server: a
//! clinician searches "degu enrichment", finds the rescue's enrichment
//! template for degus at the top with the matched words marked, opens it
//! and reads the rendered article (a script hidden in its Markdown never
//! runs), sees its history, and writes a new version through the editor
//! with a server-rendered preview.
//!
//! Needs what `browser.rs` needs: the built SPA, Chromium and chromedriver.
//! Screenshots of the search, the article and the editor, at desktop and
//! phone width, go to the artifacts folder.

use fantoccini::Locator;
use warren_domain::directory::taxonomy::TermCode;
use warren_tests::*;
use warren_wire::{
    ArticleBody, ArticleKind, ArticleSummary, ArticleTitle, ChangeNote, CreateArticleRequest,
    Topic, UpdateArticleRequest, Visibility,
};

use crate::browser::{appears, browser, screenshots, sign_in};

fn request(
    kind: ArticleKind,
    title: &str,
    summary: &str,
    body: &str,
    species: &[&str],
    topics: &[&str],
) -> CreateArticleRequest {
    CreateArticleRequest {
        organization_id: None,
        kind,
        visibility: Visibility::Network,
        title: ArticleTitle::parse(title).unwrap(),
        summary: Some(ArticleSummary::parse(summary).unwrap()),
        body_markdown: ArticleBody::parse(body).unwrap(),
        species: species
            .iter()
            .map(|code| TermCode::parse(*code).unwrap())
            .collect(),
        topics: topics
            .iter()
            .map(|topic| Topic::parse(*topic).unwrap())
            .collect(),
        change_note: None,
    }
}

const TEMPLATE: &str = "Degus are social, diurnal burrowers; an under-stimulated degu bar-chews and over-grooms.\n\n\
## Every day\n\n\
- A **dust bath** of chinchilla sand for 10–15 minutes.\n\
- Scatter-feed the pellet ration in hay so they forage.\n\n\
## Through the week\n\n\
| Day | Activity |\n|---|---|\n| Mon | Digging box of soil and hay |\n| Wed | New apple-wood chews |\n| Fri | Cardboard maze |\n\n\
<script>window.__libraryScriptRan = true;</script>\n\n\
> Record what each group uses most.\n";

warren_tests::on_one_database! { Sqlite:
    async fn a_clinician_finds_the_enrichment_template_for_degus_and_reads_it_in_the_browser(app) {
        let coordinator = app.network_admin().await;
        let (_rescue, rescue_admin) = app
            .vetted(&coordinator, "Dustbath Degu Rescue", "admin@dustbath.test")
            .await;
        let (harbour, harbour_admin) = app
            .vetted(&coordinator, "Harbour Vets", "admin@harbour.test")
            .await;
        app.member(&harbour_admin, harbour, "vet@harbour.test", Role::Clinician).await;

        let template = rescue_admin
            .create_article(
                &request(
                    ArticleKind::EnrichmentTemplate,
                    "Enrichment template for degus",
                    "A weekly enrichment plan for degus: digging, dust baths, gnawing and foraging.",
                    TEMPLATE,
                    &["small_mammal/degu"],
                    &["enrichment", "husbandry"],
                ),
                None,
            )
            .await
            .expect("the template");
        let current = rescue_admin.article(template.id).await.unwrap();
        rescue_admin
            .update_article(
                template.id,
                &UpdateArticleRequest {
                    kind: ArticleKind::EnrichmentTemplate,
                    visibility: Visibility::Network,
                    title: ArticleTitle::parse("Enrichment template for degus").unwrap(),
                    summary: Some(ArticleSummary::parse("A weekly enrichment plan for degus: digging, dust baths, gnawing and foraging.").unwrap()),
                    body_markdown: ArticleBody::parse(format!("{TEMPLATE}\nA solid-floored wheel of at least 30 cm.\n")).unwrap(),
                    species: vec![TermCode::parse("small_mammal/degu").unwrap()],
                    topics: vec![Topic::parse("enrichment").unwrap(), Topic::parse("husbandry").unwrap()],
                    change_note: Some(ChangeNote::parse("Added the wheel size").unwrap()),
                },
                &current.etag,
            )
            .await
            .expect("the second version");
        rescue_admin
            .create_article(
                &request(
                    ArticleKind::OwnerGuidance,
                    "Feeding degus without sugar",
                    "Degus are prone to diabetes: hay, a little pellet, no fruit.",
                    "Offer hay, a little pellet and no fruit. Forage mixes add some enrichment.",
                    &["small_mammal/degu"],
                    &["diet"],
                ),
                None,
            )
            .await
            .expect("the diet guidance");
        harbour_admin
            .create_article(
                &request(
                    ArticleKind::OwnerGuidance,
                    "Heat stress in hamsters",
                    "Keeping hamsters cool in a heatwave and the signs of heat stroke.",
                    "Move the cage out of the sun; offer a chilled tile.",
                    &["small_mammal/hamster"],
                    &["heat stress"],
                ),
                None,
            )
            .await
            .expect("the hamster guidance");

        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "vet@harbour.test").await;

        // The navigation leads to the library.
        appears(&browser, Locator::XPath("//nav//a[normalize-space(.)='Library']"), "the navigation offers the library")
            .await
            .click()
            .await
            .unwrap();
        let words = appears(&browser, Locator::Css("#library-q"), "the search box").await;
        appears(&browser, Locator::Css("[data-testid=article-card]"), "the library lists its articles").await;
        appears(&browser, Locator::Css("#library-species option[value='small_mammal/degu']"), "the species filter offers degus").await;
        words.send_keys("degu enrichment").await.unwrap();
        browser
            .find(Locator::Css("#library-species"))
            .await
            .unwrap()
            .select_by_value("small_mammal/degu")
            .await
            .unwrap();
        browser.find(Locator::Css("[data-testid=library-search]")).await.unwrap().click().await.unwrap();

        // The template comes first, as an enrichment template, words marked.
        let first = format!("[data-testid=article-card][data-article-id='{}']", template.id);
        appears(&browser, Locator::Css(&format!("{first} [data-testid=article-snippet] mark")), "the template is found with its matched words marked").await;
        let cards = browser.find_all(Locator::Css("[data-testid=article-card]")).await.unwrap();
        assert_eq!(cards.len(), 2, "the template and the diet guidance match; the hamster article does not");
        assert_eq!(
            cards[0].attr("data-article-id").await.unwrap().as_deref(),
            Some(template.id.to_string().as_str()),
            "the template ranks first"
        );
        let badge = browser.find(Locator::Css(&format!("{first} .kind-badge"))).await.unwrap();
        assert_eq!(badge.text().await.unwrap(), "Enrichment template");
        let url = browser.current_url().await.unwrap();
        assert!(url.as_str().contains("q=degu%20enrichment"), "{url}");
        screenshots(&browser, "library-search", app.backend).await;

        // Opening it shows the rendered article and its history.
        browser.find(Locator::Css(&format!("{first} [data-testid=article-link]"))).await.unwrap().click().await.unwrap();
        let title = appears(&browser, Locator::Css("[data-testid=article-title]"), "the article opens").await;
        assert_eq!(title.text().await.unwrap(), "Enrichment template for degus");
        let body = browser.find(Locator::Css("[data-testid=article-body]")).await.unwrap();
        let html = body.html(true).await.unwrap();
        assert!(html.contains("<h2>Every day</h2>"), "{html}");
        assert!(html.contains("<strong>dust bath</strong>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
        assert!(!html.contains("script"), "{html}");
        let ran = browser.execute("return window.__libraryScriptRan === true;", vec![]).await.unwrap();
        assert_eq!(ran, serde_json::json!(false), "the script in the Markdown never ran");
        appears(&browser, Locator::Css("[data-testid=version-list] [data-version='2']"), "the history lists version 2").await;
        appears(&browser, Locator::Css("[data-testid=version-list] [data-version='1']"), "and version 1").await;
        // A clinician of another organization reads it but does not edit it.
        assert!(browser.find(Locator::Css("[data-testid=edit-article]")).await.is_err());
        screenshots(&browser, "library-article", app.backend).await;

        // The earlier version is one click away.
        browser.find(Locator::Css("[data-version='1'] a")).await.unwrap().click().await.unwrap();
        appears(&browser, Locator::Css("[data-testid=old-version]"), "version 1 is marked as earlier").await;
        let old = browser.find(Locator::Css("[data-testid=article-body]")).await.unwrap().html(true).await.unwrap();
        assert!(!old.contains("30 cm"), "version 1 has no wheel size");

        // The rescue's admin writes a third version in the editor.
        browser.find(Locator::Css("#sign-out")).await.unwrap().click().await.unwrap();
        appears(&browser, Locator::Css("#email"), "signed out, the sign-in form").await;
        sign_in(&browser, &app, "admin@dustbath.test").await;
        browser.goto(&format!("{}/library/{}", app.url, template.id)).await.unwrap();
        appears(&browser, Locator::Css("[data-testid=edit-article]"), "the owner may edit").await.click().await.unwrap();
        let textarea = appears(&browser, Locator::Css("#article-body"), "the Markdown editor").await;
        appears(&browser, Locator::Css("#article-title"), "the title field").await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        textarea.send_keys("\n## Seasonal\n\n- In hot weather, a **chilled granite tile**.\n").await.unwrap();
        browser.find(Locator::Css("[data-testid=preview-article]")).await.unwrap().click().await.unwrap();
        let preview = appears(&browser, Locator::Css("[data-testid=article-preview] h2"), "the preview renders").await;
        assert!(preview.text().await.is_ok());
        let preview_html = browser.find(Locator::Css("[data-testid=article-preview]")).await.unwrap().html(true).await.unwrap();
        assert!(preview_html.contains("<strong>chilled granite tile</strong>"), "{preview_html}");
        assert!(!preview_html.contains("script"), "{preview_html}");
        browser.find(Locator::Css("#article-change-note")).await.unwrap().send_keys("Seasonal notes").await.unwrap();
        screenshots(&browser, "library-editor", app.backend).await;
        browser.find(Locator::Css("[data-testid=save-article]")).await.unwrap().click().await.unwrap();
        appears(&browser, Locator::Css("[data-testid=version-list] [data-version='3']"), "the new version is saved and listed").await;
        let saved = browser.find(Locator::Css("[data-testid=article-body]")).await.unwrap().html(true).await.unwrap();
        assert!(saved.contains("chilled granite tile"), "{saved}");
        let versions = rescue_admin.article_versions(template.id).await.unwrap();
        assert_eq!(versions.current, 3);
        assert_eq!(versions.items[0].change_note, "Seasonal notes");
        browser.close().await.unwrap();
    }
}

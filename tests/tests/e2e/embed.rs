//! The embeddable public directory: small enough for any partner page, the
//! only page of Warren another site may frame, and usable from a partner's
//! page on another origin — themed, resized to its content, driven by the
//! keyboard — in real headless Chromium.

use std::io::Write;
use std::time::Duration;

use fantoccini::Locator;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use flate2::Compression;
use flate2::write::GzEncoder;
use reqwest::Method;
use warren_api::embed::ASSETS;
use warren_tests::*;
use warren_wire::{AssessmentQuery, CreateApiKeyRequest, SiteInput};

use crate::browser::{appears, artifact, browser};

/// What every embed asset may weigh together, gzipped: 30 KB.
const BUDGET_BYTES: usize = 30 * 1024;

/// The iframe's height before the directory reports its own.
const FIRST_HEIGHT: u64 = 480;

#[test]
fn the_embed_assets_fit_in_30_kb_gzipped() {
    let mut total = 0;
    for asset in ASSETS {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
        encoder.write_all(asset.body).unwrap();
        let gzipped = encoder.finish().unwrap().len();
        println!(
            "/embed/{}: {} bytes, {gzipped} gzipped",
            asset.name,
            asset.body.len()
        );
        total += gzipped;
    }
    println!("embed total: {total} bytes gzipped of a {BUDGET_BYTES}-byte budget");
    assert!(
        total <= BUDGET_BYTES,
        "the embed weighs {total} bytes gzipped, over the {BUDGET_BYTES}-byte budget"
    );
}

/// Every `name=` attribute in `html` whose name starts with `on`.
fn event_handler_attributes(html: &str) -> Vec<String> {
    html.split(|c: char| c.is_whitespace() || c == '<')
        .filter_map(|word| word.split_once('='))
        .map(|(name, _)| name.to_ascii_lowercase())
        .filter(|name| name.starts_with("on") && name.chars().all(|c| c.is_ascii_alphabetic()))
        .collect()
}

#[test]
fn the_embed_has_no_inline_code_and_nothing_from_elsewhere() {
    // The loader's comment shows the snippet; a result links to its map.
    let allowed = ["https://WARREN/", "https://www.openstreetmap.org/"];
    for asset in ASSETS {
        let text = std::str::from_utf8(asset.body).unwrap();
        for scheme in ["http://", "https://"] {
            for (at, _) in text.match_indices(scheme) {
                assert!(
                    allowed.iter().any(|prefix| text[at..].starts_with(prefix)),
                    "{} reaches outside Warren: {}",
                    asset.name,
                    &text[at..(at + 40).min(text.len())]
                );
            }
        }
        assert!(
            !text.contains(".wasm") && !text.contains("eval("),
            "{}: no WebAssembly, no eval",
            asset.name
        );
        if asset.name.ends_with(".html") {
            let lower = text.to_ascii_lowercase();
            assert!(
                !lower.contains("<script>"),
                "{}: no inline script",
                asset.name
            );
            assert!(
                !lower.contains("<style") && !lower.contains(" style="),
                "{}: no inline style",
                asset.name
            );
            assert_eq!(
                event_handler_attributes(text),
                Vec::<String>::new(),
                "{}: no inline event handlers",
                asset.name
            );
        }
    }
}

/// The values of a response header, lower-cased.
fn header_values(response: &reqwest::Response, name: &str) -> Vec<String> {
    response
        .headers()
        .get_all(name)
        .iter()
        .map(|value| value.to_str().unwrap().to_ascii_lowercase())
        .collect()
}

/// Whether the response forbids every frame.
fn refuses_framing(response: &reqwest::Response) -> bool {
    header_values(response, "x-frame-options") == ["deny"]
        && header_values(response, "content-security-policy")
            .iter()
            .any(|policy| policy.contains("frame-ancestors 'none'"))
}

/// A site in Bristol, open around the clock; `extra` adds or replaces fields.
fn site(name: &str, latitude: f64, extra: serde_json::Value) -> SiteInput {
    let mut site = serde_json::json!({
        "name": name,
        "address": "1 Harbour Walk",
        "town": "Bristol",
        "postcode": "BS1 5DB",
        "country": "GB",
        "latitude": latitude,
        "longitude": -2.597,
        "timezone": "Europe/London",
        "public_phone": "0117 496 0000",
        "opening_hours": "24/7",
    });
    for (key, value) in extra.as_object().unwrap() {
        site[key] = value.clone();
    }
    serde_json::from_value(site).unwrap()
}

/// Presses `keys` (characters, or [`Key`] codes) in the focused frame.
async fn press(browser: &fantoccini::Client, keys: &str) {
    let mut actions = KeyActions::new("keyboard".into());
    for key in keys.chars() {
        actions = actions
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
    }
    browser.perform_actions(actions).await.unwrap();
}

/// A tiny partner website on its own origin: every path answers `page`.
pub(crate) fn partner_site(page: String) -> (u16, actix_web::dev::ServerHandle) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the partner site");
    let port = listener.local_addr().unwrap().port();
    let server = actix_web::HttpServer::new(move || {
        let page = page.clone();
        actix_web::App::new().default_service(actix_web::web::to(move || {
            let page = page.clone();
            async move {
                actix_web::HttpResponse::Ok()
                    .content_type("text/html; charset=utf-8")
                    .body(page)
            }
        }))
    })
    .workers(1)
    .listen(listener)
    .expect("serve the partner site")
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    (port, handle)
}

warren_tests::on_both_databases! {
    async fn only_the_embed_page_may_be_framed(app) {
        let page = app.client.request(Method::GET, "/embed/directory.html").send().await.unwrap();
        assert_eq!(page.status(), 200);
        assert_eq!(header_values(&page, "content-type"), ["text/html; charset=utf-8"]);
        assert!(header_values(&page, "x-frame-options").is_empty(), "the embed page sends no X-Frame-Options");
        let policies = header_values(&page, "content-security-policy");
        assert_eq!(policies.len(), 1, "{policies:?}");
        assert!(policies[0].contains("frame-ancestors *"), "{}", policies[0]);
        assert!(policies[0].contains("script-src 'self'"), "{}", policies[0]);
        assert!(header_values(&page, "cache-control")[0].contains("max-age=300"));
        let etag = page.headers()["etag"].clone();

        let again = app.client.request(Method::GET, "/embed/directory.html").header("If-None-Match", etag).send().await.unwrap();
        assert_eq!(again.status(), 304, "a cached page is revalidated by its ETag");

        let gzipped = app.client.request(Method::GET, "/embed/directory.js").header("Accept-Encoding", "gzip").send().await.unwrap();
        assert_eq!(gzipped.status(), 200);
        assert_eq!(header_values(&gzipped, "content-encoding"), ["gzip"]);
        assert_eq!(header_values(&gzipped, "content-type"), ["text/javascript; charset=utf-8"]);

        let loader = app.client.request(Method::GET, "/embed/warren-directory.js").send().await.unwrap();
        assert_eq!(loader.status(), 200);
        assert_eq!(header_values(&loader, "cross-origin-resource-policy"), ["cross-origin"]);
        assert!(refuses_framing(&loader), "only the page is frameable");

        for path in ["/healthz", "/api/v1/openapi.json", "/api/v1/nothing-here", "/embed/nothing-here", "/sign-in"] {
            let response = app.client.request(Method::GET, path).send().await.unwrap();
            assert!(refuses_framing(&response), "{path} must refuse framing: {:?}", response.headers());
        }
    }

    async fn a_partner_page_embeds_the_directory_and_finds_help_by_keyboard(app) {
        let coordinator = app.network_admin().await;
        let (avon, avon_admin) = app.vetted(&coordinator, "Avon Exotic Vets", "ada@avon.test").await;
        let (meadow, meadow_admin) = app.vetted(&coordinator, "Meadow Hedgehog Rescue", "mo@meadow.test").await;
        let harbourside = avon_admin
            .create_site(avon, &site("Harbourside Exotics", 51.4510, serde_json::json!({
                "species": ["small_mammal"],
                "capabilities": ["oxygen_cage", "exotic_surgery"],
            })), None)
            .await
            .expect("create Harbourside");
        coordinator.assure_site(harbourside.value.listing.id).await.expect("verify Harbourside");
        avon_admin
            .create_site(avon, &site("Clifton Small Animal Clinic", 51.4620, serde_json::json!({
                "species": ["small_mammal/hamster"],
                "opening_hours": "off",
                "after_hours_cover": {"kind": "on_call", "name": "Avon Exotics on-call vet", "phone": "0117 496 0999"},
            })), None)
            .await
            .expect("create Clifton");
        meadow_admin
            .create_site(meadow, &site("Meadow Hedgehog Rescue", 51.4700, serde_json::json!({
                "species": ["wildlife/hedgehog"],
                "capabilities": ["wildlife_rehabilitation"],
            })), None)
            .await
            .expect("create Meadow");
        let key = meadow_admin
            .create_api_key(meadow, &CreateApiKeyRequest {
                name: ApiKeyName::parse("Hamster Club website").unwrap(),
                scopes: vec![ApiScope::Embed],
            }, None)
            .await
            .expect("an embed key for the partner");

        // The partner's page is on another origin: another host name and port.
        let partner = format!(
            r##"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hamster Club of Bristol</title></head>
<body style="margin:0;background:#fdf6ec;font-family:Georgia,serif">
<header style="background:#5b2a86;color:#fff;padding:16px 24px"><h1 style="margin:0">Hamster Club of Bristol</h1></header>
<section style="max-width:820px;margin:24px auto;padding:0 16px">
<p>Worried about your hamster? Find a vet who can help right now.</p>
<script src="{warren}/embed/warren-directory.js" data-species="small_mammal/hamster"
  data-lat="51.4545" data-lon="-2.5879" data-radius="25"
  data-accent="#5b2a86" data-background="#ffffff" data-text="#222222"
  data-title="Find a vet for your hamster" data-key="{key}" async></script>
<p>Thank you for caring for small animals.</p>
</section></body></html>"##,
            warren = app.url,
            key = key.secret,
        );
        let (port, partner_server) = partner_site(partner);
        let (browser, _driver) = browser().await;
        browser.goto(&format!("http://localhost:{port}/")).await.unwrap();

        let frame = appears(&browser, Locator::Css("iframe[data-warren-directory]"), "the loader puts in an iframe").await;
        let src = frame.attr("src").await.unwrap().unwrap();
        assert!(src.starts_with(&format!("{}/embed/directory.html?", app.url)), "{src}");
        assert!(src.contains("species=small_mammal%2Fhamster") && src.contains("radius_km=25"), "{src}");
        let (address, fragment) = src.split_once('#').expect("a fragment");
        assert!(!address.contains(&key.secret) && fragment.contains("key="), "the key travels in the fragment only: {src}");

        let mut height = 0;
        for _ in 0..100 {
            height = browser
                .execute("return document.querySelector('iframe').getBoundingClientRect().height", vec![])
                .await
                .unwrap()
                .as_f64()
                .unwrap() as u64;
            if height > FIRST_HEIGHT {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(height > FIRST_HEIGHT, "the iframe grows to its content, not {height} px");

        // A cross-origin fetch from the partner's page: CORS is open for GET.
        let total = browser
            .execute_async(
                "const [url, done] = arguments;
                 fetch(url).then(r => r.json()).then(page => done(page.total), e => done(String(e)));",
                vec![serde_json::json!(format!("{}/api/v1/public/search?q=Harbourside", app.url))],
            )
            .await
            .unwrap();
        assert_eq!(total, serde_json::json!(1), "the partner's page may call the public API");

        frame.enter_frame().await.unwrap();
        let status = appears(&browser, Locator::XPath("//p[@id='status'][contains(., 'found')]"), "the first search reports its count").await;
        assert!(status.text().await.unwrap().starts_with("2 places found"), "{}", status.text().await.unwrap());
        let accent = browser
            .execute("return getComputedStyle(document.getElementById('go')).backgroundColor", vec![])
            .await
            .unwrap();
        assert_eq!(accent, serde_json::json!("rgb(91, 42, 134)"), "the partner's accent colour");
        let covered = appears(&browser, Locator::XPath("//article[.//h2[.='Clifton Small Animal Clinic']]"), "the covered clinic is listed").await;
        let text = covered.text().await.unwrap();
        assert!(text.contains("after-hours cover by Avon Exotics on-call vet") && text.contains("Unverified"), "{text}");
        let call = covered.find(Locator::Css("a.call")).await.unwrap().attr("href").await.unwrap();
        assert_eq!(call.as_deref(), Some("tel:01174960999"), "the call goes to the cover");

        // Keyboard only: Tab into the search box, type, Enter.
        browser.execute("document.activeElement && document.activeElement.blur()", vec![]).await.unwrap();
        press(&browser, &Key::Tab).await;
        let focused = browser.execute("return document.activeElement.id", vec![]).await.unwrap();
        assert_eq!(focused, serde_json::json!("near"), "Tab reaches the town or postcode box first");
        press(&browser, &Key::Tab).await;
        let focused = browser.execute("return document.activeElement.id", vec![]).await.unwrap();
        assert_eq!(focused, serde_json::json!("q"), "then the name box");
        press(&browser, &format!("Harbourside{}", &*Key::Enter)).await;
        appears(&browser, Locator::XPath("//p[@id='status'][starts-with(., '1 place found')]"), "Enter searches").await;
        let result = appears(&browser, Locator::Css("#results article.hit"), "a result").await;
        let text = result.text().await.unwrap();
        for expected in ["Harbourside Exotics", "Avon Exotic Vets", "Open", "km away", "Verified", "Call 0117 496 0000"] {
            assert!(text.contains(expected), "the result says {expected:?}: {text}");
        }
        let chips = result.find_all(Locator::Css(".chips li")).await.unwrap();
        assert!(!chips.is_empty(), "the result says why it matches: {text}");
        let call = result.find(Locator::Css("a.call")).await.unwrap().attr("href").await.unwrap();
        assert_eq!(call.as_deref(), Some("tel:01174960000"));

        // Results are reachable by keyboard too.
        let mut on_result = false;
        for _ in 0..30 {
            press(&browser, &Key::Tab).await;
            let class = browser.execute("return document.activeElement.className", vec![]).await.unwrap();
            if class == serde_json::json!("hit") {
                on_result = true;
                break;
            }
        }
        assert!(on_result, "Tab reaches the result");

        browser.enter_parent_frame().await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let screenshot = browser.screenshot().await.unwrap();
        let name = format!(
            "embed-partner-{}.png",
            match app.backend {
                Backend::Sqlite => "sqlite",
                Backend::Postgres => "postgres",
            }
        );
        std::fs::write(artifact(&name), screenshot).unwrap();
        browser.close().await.unwrap();
        partner_server.stop(false).await;
    }

    async fn a_partner_page_gives_first_aid_and_who_to_call_without_recording_anything(app) {
        let coordinator = app.network_admin().await;
        let (avon, avon_admin) = app.vetted(&coordinator, "Avon Exotic Vets", "ada@avon.test").await;
        let harbourside = avon_admin
            .create_site(avon, &site("Harbourside Exotics", 51.4510, serde_json::json!({
                "species": ["small_mammal"],
                "capabilities": ["oxygen_cage", "exotic_surgery"],
            })), None)
            .await
            .expect("create Harbourside");
        coordinator.assure_site(harbourside.value.listing.id).await.expect("verify Harbourside");
        // Open and taking guinea pigs, but without oxygen: not the place to call.
        avon_admin
            .create_site(avon, &site("Redland Guinea Pig Clinic", 51.4680, serde_json::json!({
                "species": ["small_mammal/guinea_pig"],
                "public_phone": "0117 496 0555",
            })), None)
            .await
            .expect("create Redland");
        let key = avon_admin
            .create_api_key(avon, &CreateApiKeyRequest {
                name: ApiKeyName::parse("Cavy Club website").unwrap(),
                scopes: vec![ApiScope::Embed],
            }, None)
            .await
            .expect("an embed key for the partner");

        let partner = format!(
            r##"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Cavy Club of Bristol</title></head>
<body style="margin:0;background:#f4f8ec;font-family:Georgia,serif">
<header style="background:#2f5d1e;color:#fff;padding:12px 16px"><h1 style="margin:0;font-size:1.3rem">Cavy Club of Bristol</h1></header>
<section style="padding:0 8px">
<script src="{warren}/embed/warren-directory.js" data-species="small_mammal/hamster"
  data-lat="51.4545" data-lon="-2.5879" data-radius="25" data-accent="#2f5d1e"
  data-title="Help for your cavy" data-key="{key}" async></script>
</section></body></html>"##,
            warren = app.url,
            key = key.secret,
        );
        let (port, partner_server) = partner_site(partner);
        let (browser, _driver) = browser().await;
        // A phone, tall enough that the screenshot shows the whole guide.
        browser.set_window_size(420, 2600).await.unwrap();
        browser.goto(&format!("http://localhost:{port}/")).await.unwrap();
        let frame = appears(&browser, Locator::Css("iframe[data-warren-directory]"), "the loader puts in an iframe").await;
        frame.enter_frame().await.unwrap();
        appears(&browser, Locator::XPath("//p[@id='status'][contains(., 'found')]"), "the directory loads").await;

        // The owner picks the animal, then opens the guide by keyboard.
        browser.find(Locator::Id("species")).await.unwrap().select_by_value("small_mammal/guinea_pig").await.unwrap();
        let toggle = browser.find(Locator::Id("aid-toggle")).await.unwrap();
        assert_eq!(toggle.attr("aria-expanded").await.unwrap().as_deref(), Some("false"));
        browser.execute("document.getElementById('aid-toggle').focus()", vec![]).await.unwrap();
        press(&browser, &Key::Enter).await;
        appears(
            &browser,
            Locator::XPath("//li[@data-code='respiratory_distress'][contains(., 'breathing with its mouth open')]"),
            "the most dangerous sign is asked first, in owner words",
        )
        .await;
        assert_eq!(toggle.attr("aria-expanded").await.unwrap().as_deref(), Some("true"));
        let animal = browser.find(Locator::Id("aid-animal")).await.unwrap().text().await.unwrap();
        assert!(animal.contains("Guinea pig"), "{animal}");
        let focused = browser.execute("return document.activeElement.id", vec![]).await.unwrap();
        assert_eq!(focused, serde_json::json!("aid-title"), "opening the guide moves focus to it");
        let asked = browser.find_all(Locator::Css("#aid-questions li.q")).await.unwrap();
        assert_eq!(asked.len(), 1, "one question at a time");
        assert_eq!(
            browser.find_all(Locator::Css("#aid input, #aid textarea")).await.unwrap().len(),
            0,
            "the guide asks for nothing personal"
        );

        // Tab to "Yes" and press Enter.
        press(&browser, &Key::Tab).await;
        let focused = browser
            .execute("const a = document.activeElement; return a.textContent + ' ' + a.closest('li').dataset.code", vec![])
            .await
            .unwrap();
        assert_eq!(focused, serde_json::json!("Yes respiratory_distress"));
        press(&browser, &Key::Enter).await;
        let pressed = browser
            .find(Locator::Css("li[data-code='respiratory_distress'] [aria-pressed='true']"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(pressed, "Yes", "the answer shows as pressed");

        let urgency = appears(
            &browser,
            Locator::XPath("//div[@id='aid-urgency'][contains(., 'Emergency — call a vet now')]"),
            "an emergency, in owner words",
        )
        .await;
        let said = urgency.text().await.unwrap();
        assert!(said.contains("Immediate") && said.contains("respiratory distress") && !said.contains("null"), "{said}");
        assert_eq!(urgency.attr("role").await.unwrap().as_deref(), Some("status"));
        assert_eq!(urgency.attr("aria-live").await.unwrap().as_deref(), Some("polite"));
        let colour = browser
            .execute("return getComputedStyle(document.querySelector('#aid-urgency .badge')).backgroundColor", vec![])
            .await
            .unwrap();
        assert_eq!(colour, serde_json::json!("rgb(255, 0, 0)"), "the tier's colour");
        let advice = browser.find(Locator::Id("aid-advice")).await.unwrap().text().await.unwrap();
        for expected in [
            "What to do now",
            "Give oxygen if you have it",
            "Do not restrain",
            "On the way to the vet",
            "Keep oxygen going during transport",
            "Call the vet straight away if",
            "gums turn blue",
        ] {
            assert!(advice.contains(expected), "the advice says {expected:?}: {advice}");
        }
        let questions = browser.find(Locator::Id("aid-questions")).await.unwrap().text().await.unwrap();
        assert!(questions.contains("No more questions"), "nothing can be more urgent: {questions}");

        // Who to call: open, accepting, with an oxygen cage.
        let call = appears(&browser, Locator::Css("#aid-places a.call"), "a place to call").await;
        let who = browser.find(Locator::Id("aid-who")).await.unwrap().text().await.unwrap();
        assert!(who.contains("Harbourside Exotics") && who.contains("oxygen cage"), "{who}");
        assert!(!who.contains("Redland"), "a place without oxygen is not offered: {who}");
        assert_eq!(call.attr("href").await.unwrap().as_deref(), Some("tel:01174960000"));
        let calls = browser.find_all(Locator::Css("#aid-places a.call")).await.unwrap();
        assert_eq!(calls.len(), 1);
        let small_print = browser.find(Locator::Css("#aid .small")).await.unwrap().text().await.unwrap();
        assert!(small_print.contains("No personal data"), "{small_print}");

        browser.enter_parent_frame().await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let screenshot = browser.screenshot().await.unwrap();
        let name = format!(
            "embed-first-aid-{}.png",
            match app.backend {
                Backend::Sqlite => "sqlite",
                Backend::Postgres => "postgres",
            }
        );
        std::fs::write(artifact(&name), screenshot).unwrap();
        browser.close().await.unwrap();
        partner_server.stop(false).await;

        // Evaluating records nothing.
        let recorded = avon_admin.assessments(avon, &AssessmentQuery::default()).await.unwrap();
        assert!(recorded.items.is_empty(), "the embed records no assessment: {:?}", recorded.items);
    }
}

warren_tests::on_both_databases! {
    async fn a_finder_types_their_postcode_in_the_embed_and_sees_the_nearest_places_first(app) {
        let coordinator = app.network_admin().await;
        let (avon, avon_admin) = app.vetted(&coordinator, "Avon Exotic Vets", "ada@avon.test").await;
        avon_admin
            .create_site(avon, &site("Harbourside Exotics", 51.4510, serde_json::json!({"species": ["small_mammal"]})), None)
            .await
            .expect("a Bristol site");
        avon_admin
            .create_site(avon, &site("Abbey Small Pets", 51.3801, serde_json::json!({
                "species": ["small_mammal"], "town": "Bath", "postcode": "BA1 2BT", "longitude": -2.3648,
            })), None)
            .await
            .expect("a Bath site");
        coordinator
            .load_gazetteer(None, warren_seed::demo::GAZETTEER[0])
            .await
            .expect("load the sample postal codes");

        let (browser, _driver) = browser().await;
        browser.goto(&format!("{}/embed/directory.html", app.url)).await.unwrap();
        appears(&browser, Locator::XPath("//p[@id='status'][contains(., 'found')]"), "the first search").await;
        let near = browser.find(Locator::Id("near")).await.unwrap();
        near.send_keys("ba1 2bt").await.unwrap();
        let radius_enabled = browser.execute("return !document.getElementById('radius').disabled", vec![]).await.unwrap();
        assert_eq!(radius_enabled, serde_json::json!(true), "a typed postcode lets the distance be chosen");
        browser.find(Locator::Id("go")).await.unwrap().click().await.unwrap();
        appears(&browser, Locator::XPath("//span[@id='where'][contains(., 'Near Bath BA1 2BT')]"), "the page says which place it searched near").await;
        let first = appears(&browser, Locator::Css("#results article.hit"), "results").await;
        let text = first.text().await.unwrap();
        assert!(text.contains("Abbey Small Pets") && text.contains("0.0 km away"), "the Bath clinic first: {text}");
        let names = browser
            .execute("return [...document.querySelectorAll('#results article.hit h2')].map(h => h.textContent)", vec![])
            .await
            .unwrap();
        assert_eq!(names, serde_json::json!(["Abbey Small Pets", "Harbourside Exotics"]), "nearest first");

        near.clear().await.unwrap();
        near.send_keys("Atlantis").await.unwrap();
        browser.find(Locator::Id("go")).await.unwrap().click().await.unwrap();
        let status = appears(&browser, Locator::XPath("//p[@id='status'][contains(@class, 'error')]"), "an unknown place is explained").await;
        let said = status.text().await.unwrap();
        assert!(said.starts_with("No town or postcode called “Atlantis” was found"), "{said}");
        browser.close().await.unwrap();
    }
}

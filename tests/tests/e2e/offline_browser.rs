//! Warren kept on the device, in real headless Chromium: after one visit to
//! the triage screen, a nurse opens it again while Warren cannot be reached
//! (the server is down, not a page pretending), is still signed in, is told
//! the app is offline, assesses a guinea pig and keeps the record on the
//! device. A first visit whose app cannot be downloaded says so and offers
//! to try again, rather than a blank page, and starts when tried again. And
//! when a newer version is published, the page offers it and reloads into
//! it when asked.
//!
//! Needs what `browser.rs` needs: the built SPA, Chromium and chromedriver.

use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, Locator};
use warren_tests::*;

use crate::browser::{appears, browser, listing, screenshots, sign_in};
use crate::triage_browser::{answer, tier_shows};

/// Waits until the service worker controls the page, which it does once it
/// has stored this version of the app, and has kept every piece of the
/// app's code the page downloaded (the pages opened so far).
async fn kept_on_device(browser: &Client) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let kept = browser
            .execute(
                r#"return (async () => {
                    if (!navigator.serviceWorker || !navigator.serviceWorker.controller) {
                        return false;
                    }
                    const pieces = performance
                        .getEntriesByType('resource')
                        .map((entry) => new URL(entry.name).pathname)
                        .filter((path) => path.startsWith('/app/') && path.endsWith('.wasm'));
                    const names = (await caches.keys()).filter((name) => name.startsWith('warren-'));
                    if (names.length !== 1 || pieces.length < 1) {
                        return false;
                    }
                    const cache = await caches.open(names[0]);
                    for (const piece of pieces) {
                        if (!(await cache.match(piece))) {
                            return false;
                        }
                    }
                    return true;
                })();"#,
                vec![],
            )
            .await
            .unwrap()
            .as_bool()
            .unwrap_or(false);
        if kept {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the service worker controls the page and keeps its pieces within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

warren_tests::on_one_database! { Sqlite:
    async fn after_one_visit_triage_opens_and_assesses_with_warren_down(app) {
        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app
            .vetted(&coordinator, "Cotham Small Pets", "cs@cotham.test")
            .await;
        app.member(&clinic_admin, clinic, "desk@cotham.test", Role::Staff).await;
        clinic_admin
            .create_site(
                clinic,
                &listing("Cotham Surgery", 0.0, "24/7", &["oxygen_cage"], &["small_mammal"]),
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
        appears(
            &browser,
            Locator::Css("[data-testid=question][data-code=gut_stasis]"),
            "the questions for a guinea pig",
        )
        .await;
        kept_on_device(&browser).await;
        assert!(
            browser.find_all(Locator::Css(".app-status-offline")).await.unwrap().is_empty(),
            "no offline line while Warren answers"
        );

        app.take_down().await;
        browser.goto(&format!("{}/triage", app.url)).await.unwrap();
        let offline = appears(
            &browser,
            Locator::Css(".app-status-offline"),
            "the line saying Warren cannot be reached",
        )
        .await;
        assert!(offline.text().await.unwrap().contains("Offline"));
        appears(&browser, Locator::Css("#species"), "the triage form, from the device")
            .await
            .select_by_value("small_mammal/guinea_pig")
            .await
            .unwrap();
        answer(&browser, "gut_stasis", "yes").await;
        tier_shows(&browser, 3).await;
        answer(&browser, "respiratory_distress", "yes").await;
        tier_shows(&browser, 1).await;
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
        browser.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
        screenshots(&browser, "triage-offline", app.backend).await;
        browser.close().await.unwrap();
    }
}

warren_tests::on_one_database! { Sqlite:
    async fn a_first_visit_whose_app_cannot_download_says_so_and_offers_to_try_again(app) {
        let (browser, _driver) = browser().await;
        // The page and its boot script arrive; the app's WebAssembly does
        // not, as when a phone's connection drops halfway.
        browser.issue_cmd(Cdp::new("Network.enable", serde_json::json!({}))).await.unwrap();
        browser
            .issue_cmd(Cdp::new("Network.setBlockedURLs", serde_json::json!({ "urls": ["*.wasm"] })))
            .await
            .unwrap();
        browser.goto(&format!("{}/sign-in", app.url)).await.unwrap();
        let retry = appears(&browser, Locator::Css("#boot-retry"), "the try-again button").await;
        assert_eq!(retry.text().await.unwrap(), "Try again");
        let message = browser.find(Locator::Css("#loading p")).await.unwrap().text().await.unwrap();
        assert!(message.contains("could not be loaded"), "{message}");
        assert_eq!(
            browser.find(Locator::Css("#loading")).await.unwrap().attr("role").await.unwrap().as_deref(),
            Some("alert"),
            "said aloud, not only shown"
        );
        // Once the connection is back, trying again starts the app.
        browser
            .issue_cmd(Cdp::new("Network.setBlockedURLs", serde_json::json!({ "urls": [] })))
            .await
            .unwrap();
        retry.click().await.unwrap();
        appears(&browser, Locator::Css("#email"), "the sign-in form, after trying again").await;
        browser.close().await.unwrap();
    }
}

warren_tests::on_one_database! { Postgres:
    async fn a_page_whose_piece_cannot_download_says_so_and_offers_to_try_again(app) {
        let (browser, _driver) = browser().await;
        // The app itself arrives; the pieces of the pages downloaded when
        // first opened do not (the public report is one of them).
        browser.issue_cmd(Cdp::new("Network.enable", serde_json::json!({}))).await.unwrap();
        browser
            .issue_cmd(Cdp::new(
                "Network.setBlockedURLs",
                serde_json::json!({ "urls": ["*/split_part_*", "*/chunk_*"] }),
            ))
            .await
            .unwrap();
        browser.goto(&format!("{}/report", app.url)).await.unwrap();
        let failed = appears(
            &browser,
            Locator::Css("[data-testid=page-download-failed] [role=alert]"),
            "the page says it could not be downloaded",
        )
        .await;
        assert!(failed.text().await.unwrap().contains("could not be downloaded"), "{}", failed.text().await.unwrap());
        // The rest of the app runs: the top bar is there, not a blank page.
        assert!(!browser.find_all(Locator::Css("header.topbar")).await.unwrap().is_empty(), "the top bar");
        let retry = browser.find(Locator::Css("#page-retry")).await.unwrap();
        assert_eq!(retry.text().await.unwrap(), "Try again");
        browser
            .issue_cmd(Cdp::new("Network.setBlockedURLs", serde_json::json!({ "urls": [] })))
            .await
            .unwrap();
        retry.click().await.unwrap();
        let heading = appears(&browser, Locator::Css("h1"), "the report, after trying again").await;
        assert_eq!(heading.text().await.unwrap(), "Network report");
        browser.close().await.unwrap();
    }
}

/// Copies the folder `from` into `to`, recursively.
fn copy_folder(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

warren_tests::on_one_database! { Sqlite:
    async fn a_newer_version_is_offered_and_the_page_reloads_into_it(backend: Backend) {
        // A copy of the app this server alone sends, so that it can change.
        let folder = tempfile::tempdir().unwrap();
        copy_folder(&web_dir(), folder.path());
        let served = folder.path().to_owned();
        let app = TestApp::spawn_with(backend, move |config| config.web_dir = served).await;
        let (browser, _driver) = browser().await;
        browser.goto(&format!("{}/sign-in", app.url)).await.unwrap();
        appears(&browser, Locator::Css("#email"), "the sign-in form").await;
        kept_on_device(&browser).await;
        let kept = |browser: Client| async move {
            browser
                .execute_async("caches.keys().then(arguments[arguments.length - 1]);", vec![])
                .await
                .unwrap()
                .as_array()
                .unwrap()
                .iter()
                .map(|name| name.as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        let before = kept(browser.clone()).await;
        assert_eq!(before.len(), 1, "{before:?}");

        // A new version is published: its service worker differs.
        let worker = folder.path().join("sw.js");
        let script = std::fs::read_to_string(&worker).unwrap();
        std::fs::write(&worker, script.replacen("const VERSION = '", "const VERSION = 'next-", 1)).unwrap();
        for copy in ["sw.js.br", "sw.js.gz"] {
            let _ = std::fs::remove_file(folder.path().join(copy));
        }
        browser.goto(&format!("{}/sign-in", app.url)).await.unwrap();
        let offer = appears(&browser, Locator::Css(".app-status-update"), "the offer of the newer version").await;
        assert!(offer.text().await.unwrap().contains("newer version"));
        browser
            .find(Locator::Css(".app-status-update button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let now = kept(browser.clone()).await;
            let updated = now.len() == 1 && now[0].starts_with("warren-next-");
            let offered = !browser.find_all(Locator::Css(".app-status-update")).await.unwrap().is_empty();
            if updated && !offered {
                break;
            }
            assert!(Instant::now() < deadline, "the newer version took over within 20 s: {now:?}");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        appears(&browser, Locator::Css("#email"), "the sign-in form, in the newer version").await;
        browser.close().await.unwrap();
    }
}

/// A Chrome DevTools Protocol command, through ChromeDriver.
#[derive(Debug)]
struct Cdp {
    command: &'static str,
    parameters: serde_json::Value,
}

impl Cdp {
    fn new(command: &'static str, parameters: serde_json::Value) -> Self {
        Cdp {
            command,
            parameters,
        }
    }
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.command, "params": self.parameters });
        (http::Method::POST, Some(body.to_string()))
    }
}

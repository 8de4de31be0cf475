//! Sessions in real headless Chromium: several tabs of one browser share one
//! sign-in, refresh it together without signing the person out, and a tab
//! whose session ends says why.
//!
//! Needs what `browser.rs` needs: the built SPA, Chromium and chromedriver.

use std::time::Duration;

use fantoccini::Locator;
use fantoccini::wd::WebDriverCompatibleCommand;
use warren_tests::*;

use crate::browser::{appears, browser, sign_in};

/// ChromeDriver's network emulation: every request of the browser waits
/// `latency` before it leaves, so requests the tabs make together overlap.
#[derive(Debug)]
struct NetworkLatency(Duration);

impl WebDriverCompatibleCommand for NetworkLatency {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/chromium/network_conditions",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({
            "network_conditions": {
                "offline": false,
                "latency": self.0.as_millis() as u64,
                "download_throughput": 100_000_000,
                "upload_throughput": 100_000_000,
            }
        });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Whether the tab shows a signed-in page (the navigation's Directory link)
/// rather than the sign-in form.
async fn signed_in(browser: &fantoccini::Client) -> bool {
    browser
        .execute(
            "return !!document.evaluate(\"//nav//a[normalize-space(.)='Directory']\", document, null, 9, null).singleNodeValue \
             && !document.querySelector('#password');",
            vec![],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap_or(false)
}

warren_tests::on_one_database! { Postgres:
    async fn three_tabs_reloaded_together_all_stay_signed_in(backend: Backend) {
        // Access tokens that expire at once, so every reload must refresh,
        // and the server's grace window as it is by default: the tabs take
        // turns through a Web Lock, and a refresh cut off by a reload (sent,
        // its answer never read) is covered by the grace window.
        let app = TestApp::spawn_with(backend, |config| {
            config.tokens.access_ttl = Duration::from_secs(2);
            config.tokens.refresh_grace = Duration::from_secs(10);
        })
        .await;
        app.network_admin().await;
        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "coordinator@network.test").await;
        let first = browser.window().await.unwrap();
        let mut tabs = vec![first];
        for _ in 0..2 {
            let tab = browser.new_window(true).await.unwrap().handle;
            browser.switch_to_window(tab.clone()).await.unwrap();
            browser.goto(&format!("{}/referrals", app.url)).await.unwrap();
            appears(&browser, Locator::XPath("//nav//a[normalize-space(.)='Directory']"), "a new tab joins the sign-in").await;
            tabs.push(tab);
        }
        browser.issue_cmd(NetworkLatency(Duration::from_millis(800))).await.unwrap();
        // Let every tab's access token expire.
        tokio::time::sleep(Duration::from_secs(3)).await;

        // Every tab reloads at the same instant.
        let at = browser.execute("return Date.now() + 1500;", vec![]).await.unwrap();
        for tab in &tabs {
            browser.switch_to_window(tab.clone()).await.unwrap();
            browser
                .execute("setTimeout(() => location.reload(), arguments[0] - Date.now());", vec![at.clone()])
                .await
                .unwrap();
        }
        tokio::time::sleep(Duration::from_secs(10)).await;

        for (index, tab) in tabs.iter().enumerate() {
            browser.switch_to_window(tab.clone()).await.unwrap();
            let mut stayed = false;
            for _ in 0..100 {
                if signed_in(&browser).await {
                    stayed = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let url = browser.current_url().await.unwrap();
            let notice = browser
                .execute("const n = document.querySelector('[data-testid=sign-in-notice]'); return (n ? n.textContent : '') + ' / ended: ' + localStorage.getItem('warren.session_ended') + ' / locks: ' + (typeof navigator.locks);", vec![])
                .await
                .unwrap();
            assert!(stayed, "tab {} was signed out: {url} {notice}", index + 1);
        }
        // And the sign-in survives the next refresh as well.
        browser.switch_to_window(tabs[0].clone()).await.unwrap();
        browser.refresh().await.unwrap();
        appears(&browser, Locator::XPath("//nav//a[normalize-space(.)='Directory']"), "still signed in after another reload").await;
        browser.close().await.unwrap();
    }

    async fn signing_out_in_one_tab_says_why_in_the_other(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.network_admin().await;
        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "coordinator@network.test").await;
        let first = browser.window().await.unwrap();
        let second = browser.new_window(true).await.unwrap().handle;
        browser.switch_to_window(second.clone()).await.unwrap();
        browser.goto(&format!("{}/referrals", app.url)).await.unwrap();
        appears(&browser, Locator::XPath("//nav//a[normalize-space(.)='Directory']"), "the second tab joins the sign-in").await;

        browser.switch_to_window(first).await.unwrap();
        appears(&browser, Locator::Css("#sign-out"), "the sign-out button").await.click().await.unwrap();
        appears(&browser, Locator::Css("#password"), "the first tab is signed out").await;

        browser.switch_to_window(second).await.unwrap();
        let notice = appears(&browser, Locator::Css("[data-testid=sign-in-notice]"), "the second tab says why it ended")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            notice.contains("Your session ended because you signed out in another tab"),
            "{notice}"
        );
        browser.close().await.unwrap();
    }

    async fn a_sign_in_used_first_elsewhere_ends_here_saying_it_was_revoked_for_safety(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.network_admin().await;
        // The refresh token this device keeps is presented first somewhere
        // else, as a copied one would be.
        let tokens = app.tokens("coordinator@network.test", PASSWORD).await;
        app.client.refresh(&tokens.refresh_token).await.expect("the first use succeeds");

        let (browser, _driver) = browser().await;
        browser.goto(&format!("{}/healthz", app.url)).await.unwrap();
        browser
            .execute(
                "localStorage.setItem('warren.refresh_token', arguments[0]);",
                vec![serde_json::json!(tokens.refresh_token)],
            )
            .await
            .unwrap();
        // The page's start-up script presents it before the app runs; the
        // app must tell the person the reason the server gave for that
        // refusal, not the one a second presentation would get.
        browser.goto(&format!("{}/triage", app.url)).await.unwrap();
        let notice = appears(&browser, Locator::Css("[data-testid=sign-in-notice]"), "the sign-in page says why")
            .await
            .text()
            .await
            .unwrap();
        assert!(notice.contains("revoked for safety"), "{notice}");
        browser.close().await.unwrap();
    }
}

//! Every main page of the app checked by axe-core for WCAG 2.1 A and AA
//! failures, in real headless Chromium at desktop (1280 px) and phone
//! (390 px) widths, with the demo network loaded so that tables, charts and
//! lists are full: signed out (sign-in, applying, forgotten password) and
//! as a network coordinator (everything else). A page passes when axe finds
//! no violation at all.
//!
//! axe-core comes from the npm registry at the version `tests/browser/
//! package-lock.json` pins (`cargo xtask test` runs `npm ci` there). The
//! markup does not depend on the database, so this runs on SQLite only.
//!
//! Needs what `browser.rs` needs: the built SPA, Chromium and chromedriver.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::Client;
use warren_tests::*;

use crate::browser::{browser, sign_in};

/// The checker, as npm installed it.
fn axe_source() -> String {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/browser/node_modules/axe-core/axe.min.js"
    ));
    std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "{}: {error}; `cargo xtask test` installs it (`npm ci` in tests/browser)",
            path.display()
        )
    })
}

/// Waits until the page has its heading and nothing on it is still loading.
async fn settled(browser: &Client, path: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let ready = browser
            .execute(
                "return !!document.querySelector('main h1') \
                 && !document.querySelector('[aria-busy=true]') \
                 && !document.getElementById('loading');",
                vec![],
            )
            .await
            .unwrap()
            .as_bool()
            .unwrap_or(false);
        if ready {
            // Let transitions and late layout finish.
            tokio::time::sleep(Duration::from_millis(400)).await;
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{path} did not finish loading in 20 s"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// axe's violations on the page, as `rule: targets` lines.
async fn violations(browser: &Client, axe: &str) -> Vec<String> {
    browser.execute(axe, vec![]).await.unwrap();
    let found = browser
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
               .then((results) => done(results.violations.map((violation) =>
                 violation.id + ' (' + violation.impact + '): ' +
                 violation.nodes.map((node) => node.target.join(' ')).join(' | '))))
               .catch((error) => done(['axe failed: ' + error]));",
            vec![],
        )
        .await
        .unwrap();
    found
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|line| line.as_str().map(str::to_owned))
        .collect()
}

/// Checks `paths` at both widths; returns what axe found, by page and width.
async fn check(browser: &Client, app: &TestApp, axe: &str, paths: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for path in paths {
        for width in [1280, 390] {
            browser.set_window_size(width, 900).await.unwrap();
            browser.goto(&format!("{}{path}", app.url)).await.unwrap();
            settled(browser, path).await;
            for violation in violations(browser, axe).await {
                found.push(format!("{path} at {width} px: {violation}"));
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_pages_have_no_wcag_2_1_aa_violations_at_desktop_and_phone_widths() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let store = app.store.clone();
    tokio::task::spawn_blocking(move || warren_seed::demo::load(&store))
        .await
        .unwrap()
        .unwrap();
    let coordinator = app.network_admin().await;
    let site_id = coordinator
        .audit_queue(&Default::default())
        .await
        .expect("the audit queue")
        .items
        .first()
        .expect("a demo site")
        .site_id;
    let site = coordinator.site(site_id).await.expect("the site").value;
    let axe = axe_source();
    let (browser, _driver) = browser().await;

    let signed_out: Vec<String> = ["/sign-in", "/apply", "/forgot-password"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut found = check(&browser, &app, &axe, &signed_out).await;

    sign_in(&browser, &app, "coordinator@network.test").await;
    let mut signed_in: Vec<String> = [
        "/",
        "/triage",
        "/directory",
        "/directory/audit",
        "/referrals",
        "/referrals/new",
        "/lending",
        "/supplies",
        "/library",
        "/volunteer",
        "/specialists",
        "/consults",
        "/dashboard",
        "/vetting",
        "/report",
        "/inbox",
        "/profile",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    signed_in.push(format!("/sites/{site_id}"));
    signed_in.push(format!("/organizations/{}", site.listing.organization_id));
    found.extend(check(&browser, &app, &axe, &signed_in).await);

    browser.close().await.unwrap();
    assert!(found.is_empty(), "axe found:\n{}", found.join("\n"));
}

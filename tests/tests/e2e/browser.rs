//! The SPA in real headless Chromium against a real server: a network admin
//! signs in, sees the vetting queue and vets an application.
//!
//! Needs the built SPA (`cargo xtask web`, which `cargo xtask test` runs),
//! Chromium and chromedriver (`CHROMIUM`, `CHROMEDRIVER`; Debian's paths by
//! default). Screenshots go to `WARREN_ARTIFACTS_DIR` (default
//! `target/artifacts`).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use warren_tests::*;

/// A chromedriver process, killed on drop.
struct Driver {
    process: Child,
    port: u16,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn browser() -> (Client, Driver) {
    let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let port = free_port();
    let process = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| {
            panic!(
                "start {chromedriver} (install chromium-driver; `cargo xtask test` does): {error}"
            )
        });
    let profile = tempfile::tempdir().unwrap();
    let driver = Driver {
        process,
        port,
        _profile: profile,
    };
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                format!("--user-data-dir={}", driver._profile.path().display()),
            ],
        }),
    );
    let url = format!("http://127.0.0.1:{}", driver.port);
    for _ in 0..100 {
        let mut builder = ClientBuilder::rustls().expect("a TLS-capable WebDriver client");
        if let Ok(client) = builder
            .capabilities(capabilities.clone())
            .connect(&url)
            .await
        {
            return (client, driver);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on {url}");
}

fn artifact(name: &str) -> PathBuf {
    let folder = std::env::var("WARREN_ARTIFACTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/artifacts"))
        });
    std::fs::create_dir_all(&folder).unwrap();
    folder.join(name)
}

/// Waits up to 20 s for `locator` to appear; `what` says what was expected.
async fn appears(
    browser: &Client,
    locator: Locator<'_>,
    what: &str,
) -> fantoccini::elements::Element {
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(locator)
        .await
        .unwrap_or_else(|error| panic!("{what}: {error}"))
}

warren_tests::on_both_databases! {
    async fn a_network_admin_vets_an_application_in_the_browser(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let coordinator = app.network_admin().await;
        let (meadow, _) = app.apply("Meadow Hedgehog Rescue", "mo@meadow.test").await;
        let (browser, _driver) = browser().await;

        browser.goto(&format!("{}/sign-in", app.url)).await.unwrap();
        let email = appears(&browser, Locator::Css("#email"), "the sign-in form renders").await;
        email.send_keys("coordinator@network.test").await.unwrap();
        browser
            .find(Locator::Css("#password"))
            .await
            .unwrap()
            .send_keys(PASSWORD)
            .await
            .unwrap();
        browser
            .find(Locator::Css("button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        appears(
            &browser,
            Locator::XPath("//a[contains(., 'Vetting')]"),
            "signed in, the navigation offers the vetting queue",
        )
        .await;

        // A full page load: the session is restored by a silent refresh.
        browser.goto(&format!("{}/vetting", app.url)).await.unwrap();
        let row = appears(
            &browser,
            Locator::Css("[data-testid=vetting-row]"),
            "the vetting queue lists the application",
        )
        .await;
        assert!(row.text().await.unwrap().contains("Meadow Hedgehog Rescue"));
        let heading = browser
            .find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(heading.contains("Vetting queue"), "{heading}");
        let screenshot = browser.screenshot().await.unwrap();
        let name = format!(
            "vetting-queue-{}.png",
            match backend {
                Backend::Sqlite => "sqlite",
                Backend::Postgres => "postgres",
            }
        );
        std::fs::write(artifact(&name), screenshot).unwrap();

        row.find(Locator::XPath(".//button[normalize-space(.)='Vet']"))
            .await
            .expect("a Vet button")
            .click()
            .await
            .unwrap();
        for _ in 0..100 {
            if coordinator
                .organization(meadow)
                .await
                .unwrap()
                .value
                .membership
                == MembershipStatus::Vetted
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            coordinator
                .organization(meadow)
                .await
                .unwrap()
                .value
                .membership,
            MembershipStatus::Vetted
        );
        browser.close().await.unwrap();
    }
}

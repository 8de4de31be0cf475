//! The SPA in real headless Chromium against a real server: a network admin
//! vets an application; a clinic finds who can take a guinea pig needing
//! oxygen at 23:00 and declares its capacity; an edit made meanwhile by
//! someone else is refused without losing the person's input; a coordinator
//! assures a listing from the audit queue.
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
pub(crate) struct Driver {
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

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) async fn browser() -> (Client, Driver) {
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

pub(crate) fn artifact(name: &str) -> PathBuf {
    let folder = std::env::var("WARREN_ARTIFACTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/artifacts"))
        });
    std::fs::create_dir_all(&folder).unwrap();
    folder.join(name)
}

/// Waits up to 20 s for `locator` to appear; `what` says what was expected.
pub(crate) async fn appears(
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

/// Saves a screenshot of the whole page `width` pixels wide to `file`.
pub(crate) async fn whole_page(browser: &Client, width: u32, file: &str) {
    browser.set_window_size(width, 900).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let height = browser
        .execute(
            "return document.documentElement.scrollHeight + window.outerHeight - window.innerHeight;",
            vec![],
        )
        .await
        .unwrap()
        .as_u64()
        .and_then(|height| u32::try_from(height).ok())
        .unwrap_or(900)
        .clamp(900, 8000);
    browser.set_window_size(width, height).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    std::fs::write(artifact(file), browser.screenshot().await.unwrap()).unwrap();
}

/// Saves screenshots of the whole page at desktop and at phone width.
pub(crate) async fn screenshots(browser: &Client, name: &str, backend: Backend) {
    let backend = backend_name(backend);
    whole_page(browser, 1280, &format!("{name}-{backend}.png")).await;
    whole_page(browser, 390, &format!("{name}-phone-{backend}.png")).await;
    browser.set_window_size(1280, 900).await.unwrap();
}

/// Clicks the element `css` once it appears.
pub(crate) async fn click(browser: &Client, css: &str, what: &str) {
    appears(browser, Locator::Css(css), what)
        .await
        .click()
        .await
        .unwrap();
}

warren_tests::on_one_database! { Postgres:
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
        // Vetting asks for confirmation first.
        row.find(Locator::Css("[data-testid=confirm-vet]"))
            .await
            .expect("a confirmation")
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

/// The name screenshots carry for `backend`.
pub(crate) fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// Signs in through the sign-in form and waits for the navigation.
pub(crate) async fn sign_in(browser: &Client, app: &TestApp, email: &str) {
    browser.goto(&format!("{}/sign-in", app.url)).await.unwrap();
    appears(browser, Locator::Css("#email"), "the sign-in form renders")
        .await
        .send_keys(email)
        .await
        .unwrap();
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
        browser,
        Locator::XPath("//nav//a[normalize-space(.)='Directory']"),
        "signed in, the navigation offers the directory",
    )
    .await;
}

/// Central Bristol, where the test clinic is.
const BRISTOL: (f64, f64) = (51.4545, -2.5879);

/// A listing `km_north` kilometres north of central Bristol.
pub(crate) fn listing(
    name: &str,
    km_north: f64,
    hours: &str,
    capabilities: &[&str],
    species: &[&str],
) -> warren_wire::SiteInput {
    use warren_domain::directory::hours::{CountryCode, OpeningHoursText, Timezone};
    use warren_domain::directory::taxonomy::TermCode;
    use warren_domain::directory::{Latitude, Longitude};
    use warren_domain::{AddressLine, Phone};

    let codes = |list: &[&str]| {
        list.iter()
            .map(|code| TermCode::parse(*code).unwrap())
            .collect()
    };
    warren_wire::SiteInput {
        name: OrgName::parse(name).unwrap(),
        address: AddressLine::parse("1 Harbour Walk").unwrap(),
        town: AddressLine::parse("Bristol").unwrap(),
        postcode: AddressLine::parse("BS1 5TY").unwrap(),
        country: CountryCode::parse("GB").unwrap(),
        latitude: Latitude::parse(BRISTOL.0 + km_north / 111.2).unwrap(),
        longitude: Longitude::parse(BRISTOL.1).unwrap(),
        timezone: Timezone::parse("Europe/London").unwrap(),
        public_phone: Some(Phone::parse("0117 496 0100").unwrap()),
        private_phone: None,
        public_email: None,
        referral_contact: None,
        opening_hours: Some(OpeningHoursText::parse(hours).unwrap()),
        after_hours_cover: None,
        capabilities: codes(capabilities),
        species: codes(species),
        limitations: Default::default(),
    }
}

/// The `data-site-id`s of the search results, in order.
async fn result_ids(browser: &Client) -> Vec<uuid::Uuid> {
    let mut ids = Vec::new();
    for hit in browser
        .find_all(Locator::Css("li[data-testid=search-hit]"))
        .await
        .unwrap()
    {
        let id = hit.attr("data-site-id").await.unwrap().expect("a site id");
        ids.push(uuid::Uuid::parse_str(&id).unwrap());
    }
    ids
}

warren_tests::on_one_database! { Sqlite:
    async fn a_clinic_finds_who_can_take_a_guinea_pig_needing_oxygen_at_23_00_in_the_browser(app) {
        use warren_domain::directory::{CapacityStatus, Cover};

        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app
            .vetted(&coordinator, "Cotham Small Pets", "cs@cotham.test")
            .await;
        app.member(&clinic_admin, clinic, "desk@cotham.test", Role::Staff)
            .await;
        let (partners, partner_admin) = app
            .vetted(&coordinator, "Severn Partners", "sp@severn.test")
            .await;
        let own_site = clinic_admin
            .create_site(
                clinic,
                &listing(
                    "Cotham Surgery",
                    0.0,
                    "Mo-Fr 08:00-18:00",
                    &["radiography"],
                    &["small_mammal"],
                ),
                None,
            )
            .await
            .expect("the clinic's own site")
            .value
            .listing
            .id;
        let create = |input: warren_wire::SiteInput| {
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
        let day = "Mo-Su 08:00-19:00";
        let nearest = create(listing(
            "Harbour Emergency",
            3.0,
            "24/7",
            &["oxygen_cage"],
            &["small_mammal"],
        ))
        .await;
        let hospital = create(listing(
            "Valley Exotics Hospital",
            12.0,
            "24/7",
            &["oxygen_cage", "radiography"],
            &guinea_pigs,
        ))
        .await;
        let mut on_call = listing(
            "Clifton Day Clinic",
            5.0,
            day,
            &["oxygen_cage", "oxygen_therapy"],
            &guinea_pigs,
        );
        on_call.after_hours_cover = Some(Cover::OnCall {
            name: "Clifton on-call vet".into(),
            phone: "0117 496 0777".into(),
        });
        let covered = create(on_call).await;
        let closed = create(listing(
            "Redland Day Clinic",
            2.0,
            day,
            &["oxygen_cage"],
            &guinea_pigs,
        ))
        .await;
        let rats_only = create(listing(
            "Rat Refuge",
            1.0,
            "24/7",
            &["oxygen_cage"],
            &["small_mammal/rat"],
        ))
        .await;
        let no_oxygen = create(listing(
            "Bedminster All Hours",
            4.0,
            "24/7",
            &["radiography"],
            &guinea_pigs,
        ))
        .await;

        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "desk@cotham.test").await;
        browser
            .goto(&format!("{}/directory", app.url))
            .await
            .unwrap();
        let species = appears(
            &browser,
            Locator::Css("#species"),
            "the search form renders",
        )
        .await;
        appears(
            &browser,
            Locator::Css("#near option:checked"),
            "the clinic's own site is offered to search near",
        )
        .await;
        let near = browser
            .find(Locator::Css("#near"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap();
        assert_eq!(
            near.as_deref(),
            Some(own_site.to_string().as_str()),
            "searches start near the clinic's own site"
        );

        species
            .select_by_value("small_mammal/guinea_pig")
            .await
            .unwrap();
        browser
            .find(Locator::Css("#capabilities label[data-code=oxygen_cage]"))
            .await
            .expect("an oxygen cage chip")
            .click()
            .await
            .unwrap();
        // Tonight at 23:00, local time; the page sends it as UTC.
        let expected_at = browser
            .execute(
                "const now = new Date();
                 const pad = (n) => String(n).padStart(2, '0');
                 const local = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T23:00`;
                 const input = document.getElementById('at');
                 input.value = local;
                 input.dispatchEvent(new Event('input', { bubbles: true }));
                 return new Date(local).toISOString().replace('.000Z', 'Z');",
                vec![],
            )
            .await
            .unwrap();
        let expected_at = expected_at.as_str().expect("an ISO time").to_owned();
        assert!(
            browser
                .find(Locator::Css("#open"))
                .await
                .unwrap()
                .prop("checked")
                .await
                .unwrap()
                .as_deref()
                == Some("true"),
            "open or covered is on by default"
        );
        browser
            .find(Locator::Css("#search"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        appears(
            &browser,
            Locator::Css("section[data-testid=search-results][data-query*='oxygen_cage'][data-query*='guinea_pig']"),
            "the results of the new search",
        )
        .await;

        let url = browser.current_url().await.unwrap();
        let at = url
            .query_pairs()
            .find(|(key, _)| key == "at")
            .map(|(_, value)| value.into_owned());
        assert_eq!(
            at.as_deref(),
            Some(expected_at.as_str()),
            "the time is in the URL, in UTC: {url}"
        );

        let found = result_ids(&browser).await;
        assert_eq!(
            found,
            [nearest, hospital, covered],
            "open sites nearest first, then the covered one; never the closed one ({closed}), \
             the rats-only one ({rats_only}) or the one without oxygen ({no_oxygen})"
        );
        let hits = browser
            .find_all(Locator::Css("li[data-testid=search-hit]"))
            .await
            .unwrap();
        for (hit, (state, availability)) in hits.iter().zip([
            ("open", "open 24 hours"),
            ("open", "open 24 hours"),
            ("covered", "after-hours cover by Clifton on-call vet"),
        ]) {
            assert_eq!(
                hit.attr("data-state").await.unwrap().as_deref(),
                Some(state)
            );
            let text = hit.text().await.unwrap();
            assert!(text.contains(availability), "{text}");
            assert!(text.contains(" km"), "the distance is shown: {text}");
            assert!(
                text.contains("Oxygen cage"),
                "the capability that matched: {text}"
            );
            assert!(text.contains("accepts"), "the species that matched: {text}");
            assert!(
                text.contains("Unverified"),
                "new listings are flagged unverified: {text}"
            );
            let call = hit
                .find(Locator::Css("a[data-testid=call]"))
                .await
                .expect("a call button");
            assert!(
                call.attr("href")
                    .await
                    .unwrap()
                    .unwrap_or_default()
                    .starts_with("tel:0117496")
            );
        }
        assert!(hits[0].text().await.unwrap().contains("3.0 km"));
        let cover_call = hits[2]
            .find(Locator::Css("a[data-testid=call]"))
            .await
            .unwrap();
        assert_eq!(
            cover_call.attr("href").await.unwrap().as_deref(),
            Some("tel:01174960777"),
            "covered sites give the cover's number"
        );
        // Tall windows, so the screenshots show the form and every result.
        browser.set_window_size(1280, 1500).await.unwrap();
        std::fs::write(
            artifact(&format!(
                "directory-search-{}.png",
                backend_name(app.backend)
            )),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();
        browser.set_window_size(390, 2200).await.unwrap();
        std::fs::write(
            artifact(&format!(
                "directory-search-phone-{}.png",
                backend_name(app.backend)
            )),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();
        browser.set_window_size(1280, 900).await.unwrap();

        // The search is in the URL: a reload answers it again.
        browser.refresh().await.unwrap();
        appears(
            &browser,
            Locator::Css("section[data-testid=search-results][data-query*='oxygen_cage']"),
            "the reloaded search",
        )
        .await;
        assert_eq!(result_ids(&browser).await, [nearest, hospital, covered]);
        assert_eq!(
            browser
                .find(Locator::Css("#species"))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap()
                .as_deref(),
            Some("small_mammal/guinea_pig"),
            "the form shows the search in the URL"
        );

        // The clinic declares itself full for four hours: two clicks.
        browser
            .goto(&format!("{}/sites/{own_site}", app.url))
            .await
            .unwrap();
        appears(
            &browser,
            Locator::Css("#capacity-expiry"),
            "the capacity buttons of an editable site",
        )
        .await
        .select_by_value("240")
        .await
        .unwrap();
        browser
            .find(Locator::Css("#capacity-full"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        appears(
            &browser,
            Locator::Css("[data-testid=capacity-card] [data-capacity=full]"),
            "the site page shows the new capacity",
        )
        .await;
        appears(
            &browser,
            Locator::Css("#capacity-full[aria-pressed=true]"),
            "Full is the current capacity",
        )
        .await;
        appears(
            &browser,
            Locator::Css("tr[data-testid=history-row][data-field=capacity]"),
            "the change is in the history",
        )
        .await;
        let site = clinic_admin.site(own_site).await.unwrap().value;
        assert_eq!(site.listing.capacity.status, CapacityStatus::Full);
        let lapses_in = site.listing.capacity.expires_at.expect("an expiry") - chrono::Utc::now();
        assert!(
            lapses_in > chrono::Duration::minutes(230)
                && lapses_in <= chrono::Duration::minutes(240),
            "the declaration holds for the four hours chosen: {lapses_in}"
        );
        browser.set_window_size(1280, 1800).await.unwrap();
        std::fs::write(
            artifact(&format!("site-page-{}.png", backend_name(app.backend))),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();
        browser.close().await.unwrap();
    }
}

/// The value of the input `css` (its `value` property).
pub(crate) async fn value_of(browser: &Client, css: &str) -> String {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("{css}: {error}"))
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Waits up to 20 s for the input `css` to hold `expected`.
pub(crate) async fn holds(browser: &Client, css: &str, expected: &str, what: &str) {
    for _ in 0..200 {
        if browser.find(Locator::Css(css)).await.is_ok() && value_of(browser, css).await == expected
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{what}: {css} holds {:?}, not {expected:?}",
        value_of(browser, css).await
    );
}

/// Replaces what the input `css` holds with `text`, as a person types it.
async fn retype(browser: &Client, css: &str, text: &str) {
    let input = browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("{css}: {error}"));
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

warren_tests::on_one_database! { Postgres:
    async fn an_edit_made_meanwhile_by_someone_else_is_not_overwritten_in_the_browser(app) {
        use warren_domain::Phone;

        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app
            .vetted(&coordinator, "Cotham Small Pets", "cs@cotham.test")
            .await;
        let site = clinic_admin
            .create_site(
                clinic,
                &listing(
                    "Cotham Surgery",
                    0.0,
                    "Mo-Fr 08:00-18:00",
                    &["radiography"],
                    &["small_mammal"],
                ),
                None,
            )
            .await
            .expect("the clinic's site")
            .value
            .listing
            .id;

        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "cs@cotham.test").await;
        browser
            .goto(&format!("{}/organizations/{clinic}", app.url))
            .await
            .unwrap();
        appears(
            &browser,
            Locator::Css("#add-site"),
            "the organization page offers to add a site",
        )
        .await;
        appears(
            &browser,
            Locator::Css(&format!("li[data-testid=site][data-site-id='{site}'] a")),
            "its site is listed",
        )
        .await
        .click()
        .await
        .unwrap();
        appears(
            &browser,
            Locator::Css("#edit-site"),
            "an editor may edit the listing",
        )
        .await
        .click()
        .await
        .unwrap();
        appears(
            &browser,
            Locator::Css("#site-name"),
            "the edit form renders",
        )
        .await;
        appears(
            &browser,
            Locator::Css("#capability-radiography:checked"),
            "the form shows the listing's capabilities",
        )
        .await;
        assert_eq!(
            value_of(&browser, "#site-opening-hours").await,
            "Mo-Fr 08:00-18:00"
        );
        browser.set_window_size(1280, 1700).await.unwrap();
        std::fs::write(
            artifact(&format!("site-edit-{}.png", backend_name(app.backend))),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();
        browser.set_window_size(1280, 900).await.unwrap();

        // Hours are checked as they are typed, with the server's parser, in
        // the advanced text view under the weekly grid.
        click(&browser, "#hours-advanced > summary", "the hours' text view").await;
        retype(&browser, "#site-opening-hours", "whenever we like").await;
        appears(
            &browser,
            Locator::Css("[data-testid=hours-invalid]"),
            "invalid hours are flagged at once",
        )
        .await;
        browser
            .find(Locator::Css("#save-site"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        appears(
            &browser,
            Locator::Css("#site-opening-hours-error"),
            "saving names the field",
        )
        .await;
        retype(&browser, "#site-opening-hours", "Mo-Fr 08:00-20:00; PH off").await;
        appears(
            &browser,
            Locator::Css("[data-testid=hours-valid]"),
            "valid hours are confirmed",
        )
        .await;

        // Meanwhile a coordinator corrects the phone number.
        let current = coordinator.site(site).await.unwrap();
        let mut change = listing(
            "Cotham Surgery",
            0.0,
            "Mo-Fr 08:00-18:00",
            &["radiography"],
            &["small_mammal"],
        );
        change.public_phone = Some(Phone::parse("0117 496 0222").unwrap());
        coordinator
            .update_site(site, &change, &current.etag)
            .await
            .expect("the coordinator's edit");

        retype(&browser, "#site-name", "Cotham Surgery and Exotics").await;
        browser
            .find(Locator::Css("#save-site"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        appears(
            &browser,
            Locator::Css("[data-testid=stale]"),
            "the stale edit is refused",
        )
        .await;
        assert_eq!(
            value_of(&browser, "#site-name").await,
            "Cotham Surgery and Exotics",
            "the person's input is kept"
        );
        assert_eq!(
            clinic_admin.site(site).await.unwrap().value.listing.name,
            "Cotham Surgery",
            "nothing was overwritten"
        );
        std::fs::write(
            artifact(&format!(
                "site-edit-conflict-{}.png",
                backend_name(app.backend)
            )),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();

        browser
            .find(Locator::XPath(
                "//button[normalize-space(.)='Reload the listing']",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        holds(
            &browser,
            "#site-public-phone",
            "0117 496 0222",
            "the reloaded form shows their change",
        )
        .await;
        retype(&browser, "#site-name", "Cotham Surgery and Exotics").await;
        browser
            .find(Locator::Css("#save-site"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        appears(
            &browser,
            Locator::XPath("//h1[normalize-space(.)='Cotham Surgery and Exotics']"),
            "saved, the site page shows the listing",
        )
        .await;
        appears(
            &browser,
            Locator::Css("[data-testid=notice]"),
            "the save is confirmed",
        )
        .await;
        let saved = clinic_admin.site(site).await.unwrap().value;
        assert_eq!(saved.listing.name, "Cotham Surgery and Exotics");
        assert_eq!(
            saved.listing.public_phone.as_deref(),
            Some("0117 496 0222"),
            "their change survives"
        );
        assert_eq!(
            saved.listing.opening_hours.as_deref(),
            Some("Mo-Fr 08:00-18:00"),
            "the reload replaced the hours typed before it"
        );
        browser.close().await.unwrap();
    }

    async fn a_coordinator_assures_a_listing_from_the_audit_queue_in_the_browser(app) {
        let coordinator = app.network_admin().await;
        let (clinic, clinic_admin) = app
            .vetted(&coordinator, "Cotham Small Pets", "cs@cotham.test")
            .await;
        let site = clinic_admin
            .create_site(
                clinic,
                &listing(
                    "Cotham Surgery",
                    0.0,
                    "24/7",
                    &["oxygen_cage"],
                    &["small_mammal"],
                ),
                None,
            )
            .await
            .expect("the clinic's site")
            .value
            .listing
            .id;
        assert!(
            !coordinator.site(site).await.unwrap().value.listing.verified,
            "a new listing is unverified"
        );

        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "coordinator@network.test").await;
        browser
            .goto(&format!("{}/directory/audit", app.url))
            .await
            .unwrap();
        let row = appears(
            &browser,
            Locator::Css(&format!("tr[data-testid=queue-row][data-site-id='{site}']")),
            "the new listing is in the audit queue",
        )
        .await;
        assert!(row.text().await.unwrap().contains("Overdue"));
        let overdue = browser
            .find(Locator::Css("[data-testid=overdue-count] strong"))
            .await
            .unwrap();
        assert_eq!(overdue.text().await.unwrap(), "1");
        std::fs::write(
            artifact(&format!(
                "directory-audit-queue-{}.png",
                backend_name(app.backend)
            )),
            browser.screenshot().await.unwrap(),
        )
        .unwrap();

        row.find(Locator::Css("button[data-testid=assure]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        appears(
            &browser,
            Locator::Css("[data-testid=notice]"),
            "the assurance is confirmed",
        )
        .await;
        appears(
            &browser,
            Locator::XPath("//*[@data-testid='overdue-count']/strong[normalize-space(.)='0']"),
            "nothing is overdue any more",
        )
        .await;
        let assured = coordinator.site(site).await.unwrap().value;
        assert!(assured.listing.verified, "the listing is verified");
        assert!(
            assured
                .assured_by
                .is_some_and(|by| by.contains("coordinator@network.test"))
        );
        browser.close().await.unwrap();
    }
}

/// The top bar's layout does not depend on the database, so this runs once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_admins_navigation_fits_on_one_line_at_1280_px() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let coordinator = app.network_admin().await;
    app.vetted(&coordinator, "Meadow Hedgehog Rescue", "mo@meadow.test")
        .await;
    let (browser, _driver) = browser().await;
    sign_in(&browser, &app, "mo@meadow.test").await;
    appears(
        &browser,
        Locator::XPath("//nav//a[normalize-space(.)='Organization']"),
        "an org admin's navigation offers its organization",
    )
    .await;
    let layout = browser
        .execute(
            "const links = [...document.querySelectorAll('.nav-links li')];
             const tops = new Set(links.map((link) => Math.round(link.getBoundingClientRect().top)));
             const bar = document.querySelector('.topbar').getBoundingClientRect();
             const account = document.querySelector('.account').getBoundingClientRect();
             return [window.innerWidth, links.length, tops.size, account.top < bar.top + bar.height / 2,
                     document.documentElement.scrollWidth - window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let [width, links, lines, account_beside, overflow] = layout.as_array().unwrap().as_slice()
    else {
        panic!("the layout: {layout}");
    };
    assert!(
        width.as_i64().unwrap() <= 1280,
        "the window is {width} px wide"
    );
    assert_eq!(links.as_i64(), Some(10), "Home to Organization");
    assert_eq!(lines.as_i64(), Some(1), "the links sit on one line");
    assert_eq!(
        account_beside.as_bool(),
        Some(true),
        "the account sits beside them"
    );
    assert!(
        overflow.as_i64().unwrap_or(1) <= 0,
        "nothing is wider than the window: {overflow}"
    );
    std::fs::write(
        artifact("navigation-1280.png"),
        browser.screenshot().await.unwrap(),
    )
    .unwrap();
    browser.close().await.unwrap();
}

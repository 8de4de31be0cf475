//! The dashboard in real headless Chromium against a real server with the
//! demo network: a coordinator signs in, opens the dashboard from the
//! navigation, sees the last 30 days' figures by default, then last
//! month's figures and charts with the server's
//! numbers, downloads a chart's table as CSV (the file is caught as the page
//! hands it to the browser, and is the server's CSV byte for byte), then
//! reads the same month in the public report, where every cell shown equals
//! the dashboard's and the rest are hidden.
//!
//! Needs what `browser.rs` needs: the built SPA, Chromium and chromedriver.
//! Screenshots at desktop and phone width go to the artifacts folder.

use std::time::Duration;

use chrono::{Datelike, Utc};
use fantoccini::Locator;
use warren_domain::dashboard::Period;
use warren_wire::{DashboardCsvQuery, DashboardQuery};

use crate::browser::{appears, browser, screenshots, sign_in};

/// Tier labels as the dashboard shows them, most urgent first.
const TIER_LABELS: [&str; 5] = [
    "1 Immediate",
    "2 Very urgent",
    "3 Urgent",
    "4 Standard",
    "5 Non-urgent",
];

/// Catches the files the page saves: the Blob's text and the file name,
/// without letting the browser write anything.
const CATCH_DOWNLOADS: &str = r#"
    window.__savedFiles = [];
    window.__savedNames = [];
    const create = URL.createObjectURL;
    URL.createObjectURL = function (blob) {
        blob.text().then((text) => window.__savedFiles.push(text));
        return create.call(URL, blob);
    };
    HTMLAnchorElement.prototype.click = function () {
        window.__savedNames.push(this.download);
    };
"#;

warren_tests::on_one_database! { Postgres:
    async fn a_coordinator_reads_last_months_dashboard_downloads_a_csv_and_finds_it_in_the_report(app) {
        let store = app.store.clone();
        tokio::task::spawn_blocking(move || warren_seed::demo::load(&store)).await.unwrap().unwrap();
        let coordinator = app.network_admin().await;
        let expected = coordinator.dashboard(&DashboardQuery::default()).await.unwrap();
        let cases = expected.table("cases_by_tier").unwrap().clone();
        let server_csv = coordinator
            .dashboard_csv(&DashboardCsvQuery { table: "cases_by_tier".into(), ..Default::default() })
            .await
            .unwrap();

        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "coordinator@network.test").await;
        appears(&browser, Locator::XPath("//nav//a[normalize-space(.)='Dashboard']"), "the navigation offers the dashboard")
            .await
            .click()
            .await
            .unwrap();
        appears(&browser, Locator::Css("[data-testid=chart-cases_by_tier] svg"), "the charts render").await;

        // The last 30 days by default, up to today, with the server's
        // figures for them: today's work counts at once.
        let recent = Period::last_days(Utc::now().date_naive(), 30);
        let from = browser.find(Locator::Css("#dashboard-from")).await.unwrap().prop("value").await.unwrap();
        let to = browser.find(Locator::Css("#dashboard-to")).await.unwrap().prop("value").await.unwrap();
        assert_eq!(from.as_deref(), Some(recent.from().to_string().as_str()));
        assert_eq!(to.as_deref(), Some(recent.to().to_string().as_str()));
        let last_30_days = coordinator
            .dashboard(&DashboardQuery {
                from: Some(recent.from().to_string()),
                to: Some(recent.to().to_string()),
                ..Default::default()
            })
            .await
            .unwrap();
        let card = browser.find(Locator::Css("[data-testid=figure-cases]")).await.unwrap().text().await.unwrap();
        assert!(card.contains(&format!("{} referrals sent", last_30_days.figures.referrals)), "{card}");

        // Last calendar month, chosen in one step (this test's figures
        // below are last month's, as the public report publishes them).
        browser
            .find(Locator::Css("#dashboard-period option[value=last_month]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let from = browser.find(Locator::Css("#dashboard-from")).await.unwrap().prop("value").await.unwrap();
        assert_eq!(from.as_deref(), Some(expected.from.to_string().as_str()));
        let wanted = format!("{} referrals sent", expected.figures.referrals);
        let mut card = String::new();
        for _ in 0..100 {
            card = browser.find(Locator::Css("[data-testid=figure-cases]")).await.unwrap().text().await.unwrap();
            if card.contains(&wanted) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(card.contains(&expected.figures.cases.to_string()), "{card}");
        assert!(card.contains(&format!("{} referrals sent", expected.figures.referrals)), "{card}");
        let rate = format!("{:.0} %", expected.figures.acceptance_rate.unwrap() * 100.0);
        let card = browser.find(Locator::Css("[data-testid=figure-acceptance]")).await.unwrap().text().await.unwrap();
        assert!(card.contains(&rate), "{card}");

        // Every chart is there, and its text alternative carries its numbers.
        for table in &expected.tables {
            appears(&browser, Locator::Css(&format!("[data-testid=svg-{}]", table.name)), &table.name).await;
        }
        let alternative = browser
            .find(Locator::Css("[data-testid=svg-cases_by_tier]"))
            .await
            .unwrap()
            .attr("aria-label")
            .await
            .unwrap()
            .unwrap();
        for (label, row) in TIER_LABELS.iter().zip(&cases.rows) {
            let count = row.values[0].unwrap() as u64;
            assert!(alternative.contains(&format!("{label}: cases {count}")), "{alternative}");
        }
        // The numbers are printed on the bars, not only coloured.
        let printed = browser
            .execute(
                "return [...document.querySelectorAll('[data-testid=svg-cases_by_tier] .chart-value')].map(e => e.textContent)",
                vec![],
            )
            .await
            .unwrap();
        let printed: Vec<String> = serde_json::from_value(printed).unwrap();
        let counts: Vec<String> = cases.rows.iter().map(|row| format!("{}", row.values[0].unwrap() as u64)).collect();
        assert_eq!(printed, counts);

        // Download CSV: the file the page saves is the server's.
        browser.execute(CATCH_DOWNLOADS, vec![]).await.unwrap();
        browser
            .find(Locator::Css("[data-testid=download-cases_by_tier]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let mut saved = Vec::new();
        for _ in 0..50 {
            let files = browser.execute("return window.__savedFiles", vec![]).await.unwrap();
            saved = serde_json::from_value::<Vec<String>>(files).unwrap();
            if !saved.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(saved, std::slice::from_ref(&server_csv.body));
        assert_eq!(saved[0], cases.csv());
        let names = browser.execute("return window.__savedNames", vec![]).await.unwrap();
        let names: Vec<String> = serde_json::from_value(names).unwrap();
        assert_eq!(names, [server_csv.file_name.clone().unwrap()]);

        screenshots(&browser, "dashboard", app.backend).await;

        // The public report of the same month: each shown cell is the
        // dashboard's, the others hidden.
        let period = Period::last_full_month(Utc::now().date_naive());
        let month = format!("{:04}-{:02}", period.from().year(), period.from().month());
        browser.goto(&format!("{}/report", app.url)).await.unwrap();
        let row = appears(
            &browser,
            Locator::XPath(&format!("//*[@data-testid='report-tiers']//tbody/tr[th[normalize-space(.)='{month}']]")),
            "the report shows last month",
        )
        .await
        .text()
        .await
        .unwrap();
        let cells: Vec<&str> = row.split_whitespace().skip(1).collect();
        assert_eq!(cells.len(), 6, "{row}");
        let mut shown = 0;
        for (cell, table_row) in cells.iter().zip(&cases.rows) {
            if *cell != "–" {
                assert_eq!(*cell, (table_row.values[0].unwrap() as u64).to_string(), "{row}");
                shown += 1;
            }
        }
        assert!(shown > 0, "last month is published: {row}");
        if cells[5] != "–" {
            assert_eq!(cells[5], expected.figures.cases.to_string());
        }
        browser.close().await.unwrap();
    }
}

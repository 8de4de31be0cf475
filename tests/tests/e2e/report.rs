//! The public report on both databases: anyone may read it, it counts the
//! demo network's referrals per month by case, and no count built from fewer
//! than five cases is shown or can be worked out by subtraction from what is.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDateTime, Utc};
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use fantoccini::Locator;
use reqwest::{Method, StatusCode};
use warren_client::ClientError;
use warren_wire::{MIN_CASES, ReportQuery, ReportTable};

use crate::browser::{appears, artifact, backend_name, browser};

/// Whether a reader could learn a hidden count of `table`: a line (a row
/// with its total, a column with its total, the totals with the grand total)
/// with exactly one hidden entry, or whose shown parts already make its
/// shown total while some part is hidden (those are then zeros).
fn leaks(table: &ReportTable) -> Option<String> {
    let mut lines: Vec<(String, Vec<Option<u64>>, Option<u64>)> = Vec::new();
    for row in &table.rows {
        lines.push((row.month.clone(), row.cells.clone(), row.total));
    }
    for (index, column) in table.columns.iter().enumerate() {
        let cells = table.rows.iter().map(|row| row.cells[index]).collect();
        lines.push((column.clone(), cells, table.column_totals[index]));
    }
    let month_totals = table.rows.iter().map(|row| row.total).collect();
    lines.push(("months".into(), month_totals, table.total));
    lines.push(("columns".into(), table.column_totals.clone(), table.total));
    for (name, parts, total) in lines {
        let hidden =
            parts.iter().filter(|part| part.is_none()).count() + usize::from(total.is_none());
        if hidden == 1 {
            return Some(format!("{name}: one hidden entry can be subtracted out"));
        }
        let shown: u64 = parts.iter().flatten().sum();
        if hidden > 0 && total == Some(shown) {
            return Some(format!("{name}: the hidden parts must be zeros"));
        }
    }
    let small = table
        .rows
        .iter()
        .flat_map(|row| row.cells.iter().chain([&row.total]))
        .chain(&table.column_totals)
        .chain([&table.total])
        .flatten()
        .find(|count| (1..MIN_CASES).contains(*count));
    small.map(|count| format!("a count of {count} is shown"))
}

warren_tests::on_both_databases! {
    async fn the_public_report_counts_cases_and_never_shows_a_small_count(app) {
        let store = app.store.clone();
        tokio::task::spawn_blocking(move || warren_seed::demo::load(&store)).await.unwrap().unwrap();

        // What the database holds, counted here independently: each case
        // in the month of its first referral, with that referral's tier.
        let rows: Vec<(String, Option<NaiveDateTime>, i32)> = app
            .store
            .read(|connection| {
                use warren_store::schema::referrals::dsl;
                dsl::referrals
                    .filter(dsl::sent_at.is_not_null())
                    .select((dsl::case_id, dsl::sent_at, dsl::priority))
                    .load(connection)
                    .map_err(warren_store::StoreError::from)
            })
            .unwrap();
        let mut first: BTreeMap<String, (NaiveDateTime, i32)> = BTreeMap::new();
        for (case, sent, priority) in rows {
            let sent = sent.unwrap();
            let entry = first.entry(case).or_insert((sent, priority));
            if sent < entry.0 {
                *entry = (sent, priority);
            }
        }
        let mut per_month: BTreeMap<String, u64> = BTreeMap::new();
        let mut per_month_tier: BTreeMap<(String, i32), u64> = BTreeMap::new();
        for (sent, priority) in first.values() {
            let month = format!("{:04}-{:02}", sent.year(), sent.month());
            *per_month.entry(month.clone()).or_default() += 1;
            *per_month_tier.entry((month, *priority)).or_default() += 1;
        }
        assert!(first.len() >= 20, "the demo network has referrals");

        // Anyone may read the report: no sign-in.
        let today = Utc::now().date_naive();
        let query = ReportQuery {
            from: Some((today - Months::new(3)).format("%Y-%m").to_string()),
            to: Some(today.format("%Y-%m").to_string()),
        };
        let report = app.client.public_report(&query).await.unwrap();
        assert_eq!(report.min_cases, 5);
        assert_eq!(report.cases_by_tier.rows.len(), 4);
        for table in [&report.cases_by_tier, &report.cases_by_outcome, &report.cases_by_species] {
            assert_eq!(leaks(table), None, "{table:?}");
        }

        // Every count shown is the true one; every small one is hidden.
        for (row_index, row) in report.cases_by_tier.rows.iter().enumerate() {
            let cases = per_month.get(&row.month).copied().unwrap_or(0);
            match row.total {
                Some(total) => assert_eq!(total, cases, "{}", row.month),
                None => assert!(cases > 0, "{}: only a non-zero total hides", row.month),
            }
            for (tier, cell) in row.cells.iter().enumerate() {
                let true_count = per_month_tier
                    .get(&(row.month.clone(), tier as i32 + 1))
                    .copied()
                    .unwrap_or(0);
                if let Some(count) = cell {
                    assert_eq!(*count, true_count, "{} tier {}", row.month, tier + 1);
                } else {
                    assert_ne!(true_count, 0, "zeros are shown");
                }
            }
            // The species table hides exactly the same monthly totals.
            assert_eq!(row.total, report.cases_by_species.rows[row_index].total);
        }
        let shown_months = report.cases_by_tier.rows.iter().filter(|row| row.total.is_some()).count();
        assert!(shown_months >= 2, "the busy demo months are published: {report:?}");
        // Rates come only from enough cases, and are rates.
        for month in &report.months {
            if let Some(rate) = month.acceptance_rate {
                assert!((0.0..=1.0).contains(&rate));
            }
            if let Some(minutes) = month.median_minutes_to_first_vet {
                assert!(minutes >= 0.0);
            }
        }
        assert!(report.months.iter().any(|month| month.acceptance_rate.is_some()));

        // Partner websites may read it from their pages.
        let response = app
            .client
            .request(Method::GET, "/api/v1/public/report")
            .header("Origin", "https://rescue.example")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers().contains_key("access-control-allow-origin"));

        // Malformed or backwards periods are refused, naming the field.
        for (from, to, field) in [
            ("2026-13", "2026-11", "from"),
            ("2026-05", "last month", "to"),
            ("2026-06", "2026-05", "from"),
            ("2020-01", "2026-01", "from"),
        ] {
            let query = ReportQuery { from: Some(from.into()), to: Some(to.into()) };
            let error = app.client.public_report(&query).await.unwrap_err();
            assert_eq!(error.status(), Some(400), "{from}..{to}");
            let ClientError::Problem(problem) = error else { panic!("{error:?}") };
            assert_eq!(problem.errors[0].field, field, "{from}..{to}");
        }
    }
}

warren_tests::on_both_databases! {
    async fn anyone_reads_the_report_in_the_browser_with_small_counts_hidden(app) {
        let store = app.store.clone();
        tokio::task::spawn_blocking(move || warren_seed::demo::load(&store)).await.unwrap().unwrap();
        let today = Utc::now().date_naive();
        let from = (today - Months::new(11)).format("%Y-%m").to_string();
        let report = app.client.public_report(&ReportQuery::default()).await.unwrap();
        assert_eq!(report.from, from);

        // No sign-in: a visitor opens the report from the sign-in page.
        let (browser, _driver) = browser().await;
        browser.goto(&format!("{}/sign-in", app.url)).await.unwrap();
        appears(&browser, Locator::XPath("//a[contains(., 'network report')]"), "the sign-in page links the report")
            .await
            .click()
            .await
            .unwrap();
        let table = appears(&browser, Locator::Css("[data-testid=report-tiers] tbody"), "the tier table renders").await;
        // The page shows exactly the server's figures, with "–" where a
        // count is hidden.
        let shown = table.text().await.unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
        for row in &report.cases_by_tier.rows {
            let cells: Vec<String> = row
                .cells
                .iter()
                .chain([&row.total])
                .map(|cell| cell.map_or_else(|| "–".to_owned(), |count| count.to_string()))
                .collect();
            let line = format!("{} {}", row.month, cells.join(" "));
            assert!(shown.contains(&line), "{line:?} not in {shown:?}");
        }
        assert!(shown.contains('–'), "the demo's small counts are hidden: {shown}");
        let note = browser.find(Locator::Css("[data-testid=report-note]")).await.unwrap().text().await.unwrap();
        assert!(note.contains("fewer than 5 cases"), "{note}");

        browser.set_window_size(1280, 2600).await.unwrap();
        std::fs::write(artifact(&format!("report-{}.png", backend_name(app.backend))), browser.screenshot().await.unwrap()).unwrap();
        browser.set_window_size(390, 4200).await.unwrap();
        std::fs::write(artifact(&format!("report-phone-{}.png", backend_name(app.backend))), browser.screenshot().await.unwrap()).unwrap();
        browser.close().await.unwrap();
    }
}

warren_tests::on_both_databases! {
    async fn a_partner_page_embeds_the_report_with_the_same_figures(app) {
        let store = app.store.clone();
        tokio::task::spawn_blocking(move || warren_seed::demo::load(&store)).await.unwrap().unwrap();
        let report = app.client.public_report(&ReportQuery::default()).await.unwrap();

        // A funder's page on another origin embeds the report with one line.
        let partner = format!(
            r##"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bristol Wildlife Fund</title></head>
<body style="margin:0;font-family:Georgia,serif"><h1>What our grant paid for</h1>
<script src="{warren}/embed/warren-directory.js" data-page="report" data-from="{from}" data-to="{to}"
  data-accent="#0d4f8b" data-title="Results of the care network" async></script>
</body></html>"##,
            warren = app.url,
            from = report.from,
            to = report.to,
        );
        let (port, partner_server) = crate::embed::partner_site(partner);
        let (browser, _driver) = browser().await;
        browser.goto(&format!("http://localhost:{port}/")).await.unwrap();
        let frame = appears(&browser, Locator::Css("iframe[data-warren-directory]"), "the loader puts in an iframe").await;
        assert!(frame.attr("src").await.unwrap().unwrap().contains("/embed/report.html?"));
        frame.enter_frame().await.unwrap();
        appears(&browser, Locator::Css("body[data-loaded=true]"), "the report loads inside the frame").await;
        let heading = browser.find(Locator::Css("#heading")).await.unwrap().text().await.unwrap();
        assert_eq!(heading, "Results of the care network");

        // Every tier row shows the API's figures, "–" where a count is hidden.
        let mut hidden = 0;
        for row in &report.cases_by_tier.rows {
            let line = browser
                .find(Locator::Css(&format!("#tiers tr[data-month='{}']", row.month)))
                .await
                .unwrap_or_else(|_| panic!("a row for {}", row.month));
            let cells = line.find_all(Locator::Css("td")).await.unwrap();
            let mut shown = Vec::new();
            for cell in cells {
                shown.push(cell.text().await.unwrap());
            }
            let expected: Vec<String> = row
                .cells
                .iter()
                .chain([&row.total])
                .map(|cell| cell.map_or_else(|| "–".to_owned(), |count| count.to_string()))
                .collect();
            hidden += expected.iter().filter(|cell| *cell == "–").count();
            assert_eq!(shown, expected, "{}", row.month);
        }
        assert!(hidden > 0, "the demo's small counts are hidden in the embed too");

        // The loader sizes the frame to the whole report.
        browser.enter_parent_frame().await.unwrap();
        let mut height = 0;
        for _ in 0..50 {
            height = browser
                .execute("return document.querySelector('iframe[data-warren-directory]').offsetHeight;", vec![])
                .await
                .unwrap()
                .as_u64()
                .unwrap_or(0);
            if height > 480 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(height > 480, "the frame grew to its content: {height}");
        browser.set_window_size(1280, 1600).await.unwrap();
        std::fs::write(artifact(&format!("report-embed-{}.png", backend_name(app.backend))), browser.screenshot().await.unwrap()).unwrap();
        browser.close().await.unwrap();
        partner_server.stop(false).await;
    }
}

//! The public report's period in real headless Chromium: its month pickers
//! are lists of months showing the period the report covers, refuse a
//! period that ends before it starts, and show the months chosen; at phone
//! and desktop width.
//!
//! Needs what `browser.rs` needs: the built SPA, Chromium and chromedriver.

use std::time::Duration;

use chrono::{Datelike, Months, Utc};
use fantoccini::Locator;

use crate::browser::{appears, browser, screenshots};

/// The value of the select `css`.
async fn chosen(browser: &fantoccini::Client, css: &str) -> String {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

fn month(date: chrono::NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

warren_tests::on_one_database! { Sqlite:
    async fn the_reports_month_pickers_show_the_period_and_refuse_a_reversed_one(app) {
        let today = Utc::now().date_naive().with_day(1).unwrap();
        let this_month = month(today);
        let a_year_ago = month(today.checked_sub_months(Months::new(11)).unwrap());
        let three_ago = month(today.checked_sub_months(Months::new(3)).unwrap());
        let two_ago = month(today.checked_sub_months(Months::new(2)).unwrap());
        let (browser, _driver) = browser().await;
        for width in [390, 1280] {
            browser.set_window_size(width, 900).await.unwrap();
            browser.goto(&format!("{}/report", app.url)).await.unwrap();
            appears(&browser, Locator::Css("[data-testid=report-note]"), "the report").await;
            // The pickers show the period shown: the last twelve months.
            assert_eq!(chosen(&browser, "select#report-from").await, a_year_ago, "{width}px");
            assert_eq!(chosen(&browser, "select#report-to").await, this_month, "{width}px");
            // Nothing in the form is wider than the window.
            let overflow = browser
                .execute("return document.documentElement.scrollWidth - window.innerWidth;", vec![])
                .await
                .unwrap()
                .as_i64()
                .unwrap();
            assert!(overflow <= 0, "{width}px: wider than the window by {overflow}");
        }
        screenshots(&browser, "report-period", app.backend).await;

        // From after To: said, and not asked for.
        browser.find(Locator::Css(&format!("select#report-from option[value='{two_ago}']"))).await.unwrap().click().await.unwrap();
        browser.find(Locator::Css(&format!("select#report-to option[value='{three_ago}']"))).await.unwrap().click().await.unwrap();
        appears(&browser, Locator::Css("[data-testid=report-period-error]"), "a reversed period is refused").await;
        let disabled = browser.find(Locator::Css("[data-testid=report-period] button[type=submit]")).await.unwrap().prop("disabled").await.unwrap();
        assert_eq!(disabled.as_deref(), Some("true"));

        // A period that makes sense is shown, and the pickers keep it.
        browser.find(Locator::Css(&format!("select#report-from option[value='{three_ago}']"))).await.unwrap().click().await.unwrap();
        browser.find(Locator::Css(&format!("select#report-to option[value='{two_ago}']"))).await.unwrap().click().await.unwrap();
        browser.find(Locator::Css("[data-testid=report-period] button[type=submit]")).await.unwrap().click().await.unwrap();
        let wanted = format!("{three_ago} to {two_ago}");
        let mut note = String::new();
        for _ in 0..100 {
            note = browser.find(Locator::Css("[data-testid=report-note]")).await.unwrap().text().await.unwrap();
            if note.contains(&wanted) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(note.contains(&wanted), "{note}");
        assert_eq!(chosen(&browser, "select#report-from").await, three_ago);
        assert_eq!(chosen(&browser, "select#report-to").await, two_ago);
        browser.close().await.unwrap();
    }
}

//! Hostile text in the browser: markup and script written into a referral's
//! patient name and case thread is shown as the characters typed, in real
//! headless Chromium under the app's Content-Security-Policy, and none of
//! it runs.
//!
//! Needs what `browser.rs` needs: the built SPA, Chromium and chromedriver.

use fantoccini::Locator;
use warren_wire::PostMessageRequest;

use crate::browser::{appears, browser, screenshots, sign_in};
use crate::referrals::{network, note, rat_request};

/// Markup that would run if the app ever wrote text as HTML.
const HOSTILE: [&str; 3] = [
    "<img src=x onerror=\"window.__warrenRan = 'img'\">",
    "<script>window.__warrenRan = 'script'</script>",
    "<svg onload=\"window.__warrenRan = 'svg'\"></svg>",
];

warren_tests::on_one_database! { Sqlite:
    async fn markup_in_a_case_thread_is_shown_as_text_and_never_runs(app) {
        let network = network(&app).await;
        let mut request = rat_request(vec![network.receiver_site]);
        request.patient.name = Some(warren_domain::ShortText::parse(HOSTILE[0]).unwrap());
        let created = network
            .referrer_admin
            .create_referral(network.referrer, &request, None)
            .await
            .unwrap();
        let referral = created.items[0].id;
        for text in HOSTILE {
            network
                .referrer_admin
                .post_referral_message(referral, &PostMessageRequest { body: note(text) })
                .await
                .unwrap();
        }

        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "a@harbour.test").await;
        browser.goto(&format!("{}/referrals/{referral}", app.url)).await.unwrap();
        appears(&browser, Locator::XPath("//*[contains(text(), 'svg onload')]"), "the last message shows as text").await;
        let page_text = browser
            .execute("return document.body.innerText;", vec![])
            .await
            .unwrap();
        for text in HOSTILE {
            assert!(page_text.as_str().unwrap().contains(text), "{text} is shown as typed");
        }
        let ran = browser
            .execute("return window.__warrenRan === undefined && document.querySelectorAll('main img[src=x], main script, main svg[onload]').length;", vec![])
            .await
            .unwrap();
        assert_eq!(ran, serde_json::json!(0), "no element came from the text, and nothing ran");
        screenshots(&browser, "escaping-referral", app.backend).await;
        browser.close().await.unwrap();
    }
}

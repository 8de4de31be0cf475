//! A clinic with no volunteers of its own gets a driver from the network,
//! in real headless Chromium: Harbour Vets refers a tier-1 rat with a
//! transport leg; its referral page says how many qualified volunteers can
//! see the leg and its board shows the answer countdown whole, at desktop
//! and phone width; then a volunteer of another organization, on a phone,
//! finds the leg marked "Network", takes it, and sees it among their drives.
//!
//! Needs what `browser.rs` needs: the built SPA, Chromium and chromedriver.
//! Screenshots at phone and desktop width go to the artifacts folder.

use fantoccini::{Client, Locator};
use warren_domain::referral::TransportStatus;
use warren_domain::triage::Tier;
use warren_wire::Skill;

use crate::browser::{appears, backend_name, browser, click, screenshots, sign_in, whole_page};
use crate::referrals::network;
use crate::transport::{arrange, leg, referral_at};
use crate::volunteers::{skill, volunteer};

/// How far the page is wider than the window (0 or less: nothing overflows).
async fn overflow(browser: &Client) -> i64 {
    browser
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap_or(1)
}

/// How many pixels each answer countdown sticks out of the space its card
/// gives it (the card's side column inside its padding; the card clips
/// whatever goes further).
async fn countdown_clipping(browser: &Client) -> Vec<f64> {
    browser
        .execute(
            "return [...document.querySelectorAll('[data-testid=referral-card] .due-countdown')].map(badge => {
                const side = badge.parentElement;
                const box = side.getBoundingClientRect();
                const style = getComputedStyle(side);
                const right = box.right - parseFloat(style.paddingRight);
                const left = box.left + parseFloat(style.paddingLeft);
                const own = badge.getBoundingClientRect();
                return Math.max(0, own.right - right, left - own.left);
            });",
            vec![],
        )
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|value| value.as_f64().unwrap())
        .collect()
}

warren_tests::on_one_database! { Postgres:
    async fn a_network_volunteer_on_a_phone_takes_the_leg_of_a_clinic_without_volunteers(app) {
        let net = network(&app).await;
        let (severn, severn_admin) = app.vetted(&net.coordinator, "Severn Rescue", "c@severn.test").await;
        let (_otto, otto_id) = volunteer(&app, &severn_admin, severn, "otto@severn.test", vec![skill(Skill::Transport, None)]).await;
        let referral = referral_at(&net, Tier::Immediate).await;
        arrange(&net.referrer_admin, &referral, &leg(None)).await;
        // A tier-5 referral has the longest countdown: "3:59:59 left to answer".
        referral_at(&net, Tier::NonUrgent).await;
        let backend = backend_name(app.backend);

        // The referrer sees who can take the leg.
        let (browser, _driver) = browser().await;
        browser.set_window_size(1280, 900).await.unwrap();
        sign_in(&browser, &app, "a@harbour.test").await;
        browser.goto(&format!("{}/referrals/{}", app.url, referral.id)).await.unwrap();
        let reach = appears(&browser, Locator::Css("[data-testid=transport-reach]"), "who can see the leg").await;
        assert_eq!(reach.attr("data-count").await.unwrap().as_deref(), Some("1"));
        assert_eq!(reach.attr("data-shared").await.unwrap().as_deref(), Some("true"));
        let text = reach.text().await.unwrap();
        assert!(text.contains("1 qualified volunteer can see this leg") && text.contains("shared with the network"), "{text}");
        screenshots(&browser, "transport-referral", app.backend).await;

        // The board's answer countdown fits inside its card at both widths.
        browser.goto(&format!("{}/referrals?box=outgoing", app.url)).await.unwrap();
        appears(&browser, Locator::Css("[data-testid=referral-card] .due-countdown"), "the answer countdown").await;
        for width in [1280, 390] {
            browser.set_window_size(width, 900).await.unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            let clipped = countdown_clipping(&browser).await;
            assert!(clipped.len() == 2 && clipped.iter().all(|px| *px < 0.5), "countdown sticks out at {width} px: {clipped:?}");
            assert!(overflow(&browser).await <= 0, "nothing wider than {width} px");
        }
        screenshots(&browser, "transport-board", app.backend).await;

        // A volunteer of another organization, on a phone.
        click(&browser, "#sign-out", "sign out").await;
        browser.set_window_size(390, 844).await.unwrap();
        sign_in(&browser, &app, "otto@severn.test").await;
        browser.goto(&format!("{}/volunteer", app.url)).await.unwrap();
        let job = appears(&browser, Locator::Css("[data-testid=unassigned] [data-testid=transport-job]"), "the shared leg").await;
        assert_eq!(job.attr("data-referral-id").await.unwrap(), Some(referral.id.to_string()));
        assert!(job.find(Locator::Css("[data-testid=via-network]")).await.is_ok(), "marked as the network's");
        let card = job.text().await.unwrap();
        assert!(!card.contains("Sam Owner") && !card.contains("07700"), "{card}");
        assert!(overflow(&browser).await <= 0, "nothing wider than the phone");
        whole_page(&browser, 390, &format!("transport-volunteer-before-phone-{backend}.png")).await;
        browser.set_window_size(390, 844).await.unwrap();
        click(&browser, "[data-testid=take-transport]", "I'll drive").await;

        appears(&browser, Locator::Css("[data-testid=my-assignments] [data-testid=transport-job][data-status=scheduled] [data-testid=driving]"), "the drive is Otto's").await;
        let none_left = appears(&browser, Locator::Css("[data-testid=no-unassigned]"), "no open leg left").await;
        assert_eq!(none_left.text().await.unwrap(), "No transport you can see needs a driver right now.");
        whole_page(&browser, 390, &format!("transport-volunteer-after-phone-{backend}.png")).await;

        let seen = net.referrer_admin.referral(referral.id).await.unwrap().value;
        let leg_now = seen.transport.unwrap();
        assert_eq!(leg_now.status, TransportStatus::Scheduled);
        assert_eq!(leg_now.driver.unwrap().user_id, otto_id);
    }
}

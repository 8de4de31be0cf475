//! Alerts that reach people, in real headless Chromium: at two in the
//! morning Dr Okafor, on call and reading the directory, sees the unread
//! count rise and the red banner when an urgent referral arrives, opens the
//! inbox and acknowledges it in one click; when she does not, Dr Lee, next
//! on call, acknowledges from the link in his e-mail without signing in, and
//! the referring clinic reads on the referral's timeline who was alerted and
//! who acknowledged. The receiving clinic's admin edits the on-call rota. A
//! clinic's admin confirms her address from a new link and chooses how
//! alerts reach her; later, having forgotten her password, she asks for a
//! link from the sign-in page, sets a new password from the e-mail and signs
//! in with it.
//!
//! The server's e-mail goes to a real SMTP server (`aiosmtpd`), as in
//! `alerts.rs`; the clock is moved the same way, by making every running
//! chain's next step due. Needs what `browser.rs` needs: the built SPA,
//! Chromium and chromedriver. Screenshots at desktop and phone width go to
//! the artifacts folder.

use fantoccini::{Client as Browser, Locator};
use warren_domain::alerts::AcknowledgedVia;
use warren_domain::triage::Tier;
use warren_tests::smtp::SmtpServer;
use warren_tests::*;
use warren_wire::AlertQuery;

use crate::alerts::{acknowledge_time_passes, night, night_rota, rabbit};
use crate::browser::{appears, browser, click, screenshots, sign_in};

/// The text of the first element matching `css`.
async fn text_of(browser: &Browser, css: &str, what: &str) -> String {
    appears(browser, Locator::Css(css), what)
        .await
        .text()
        .await
        .unwrap()
}

/// Fails when anything on the page is wider than the window.
async fn fits(browser: &Browser, what: &str) {
    let overflow = browser
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        overflow.as_i64().unwrap_or(1) <= 0,
        "{what}: wider than the window by {overflow}"
    );
}

/// Types `text` into the (emptied) input `css`.
async fn type_into(browser: &Browser, css: &str, text: &str) {
    let input = appears(browser, Locator::Css(css), css).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

warren_tests::on_one_database! { Postgres:
    async fn the_vet_on_call_sees_an_urgent_referral_arrive_and_acknowledges_it_in_one_click(app) {
        let net = night(&app, night_rota).await;
        let (browser, _driver) = browser().await;
        sign_in(&browser, &app, "okafor@night.test").await;
        browser.goto(&format!("{}/directory", app.url)).await.unwrap();
        appears(&browser, Locator::Css("[data-testid=alerts-link][data-unread='0']"), "nothing unread yet").await;
        browser.execute("window.__warrenSamePage = true;", vec![]).await.unwrap();

        // The referrer sends a tier-1 rabbit; the top bar counts it at once.
        let sent = net.referrer_admin.create_referral(net.referrer, &rabbit(vec![net.receiver_site], Tier::Immediate), None).await.unwrap().items.remove(0);
        appears(&browser, Locator::Css("[data-testid=alerts-link][data-unread='1'][data-urgent=true]"), "the unread count rises live").await;
        let label = browser.find(Locator::Css("[data-testid=alerts-link]")).await.unwrap().attr("aria-label").await.unwrap().unwrap();
        assert_eq!(label, "Alerts, 1 unread, urgent alert waiting");
        let banner = text_of(&browser, "[data-testid=urgent-banner]", "the urgent banner on the directory").await;
        assert!(banner.contains("rabbit") && banner.contains("Acknowledge"), "{banner}");
        let same_page = browser.execute("return window.__warrenSamePage === true;", vec![]).await.unwrap();
        assert_eq!(same_page, serde_json::json!(true), "no reload: the live stream told the page");
        assert!(browser.current_url().await.unwrap().path().ends_with("/directory"));
        screenshots(&browser, "alerts-banner", app.backend).await;

        // The inbox lists it, waiting; one click acknowledges it.
        click(&browser, "[data-testid=alerts-link]", "the alerts link").await;
        let item = appears(&browser, Locator::Css("[data-testid=alert-item][data-chain=waiting]"), "the alert, waiting").await;
        assert_eq!(item.attr("data-kind").await.unwrap().as_deref(), Some("urgent_referral"));
        let chain = item.find(Locator::Css("[data-testid=chain]")).await.unwrap().text().await.unwrap();
        assert!(chain.contains("Waiting for someone to acknowledge"), "{chain}");
        let link = item.find(Locator::Css("[data-testid=open-alert]")).await.unwrap().attr("href").await.unwrap();
        assert_eq!(link, Some(format!("/referrals/{}", sent.id)));
        appears(&browser, Locator::Css("[data-testid=enable-notifications]"), "the offer to turn on notifications").await;
        screenshots(&browser, "alerts-inbox-waiting", app.backend).await;
        click(&browser, "[data-testid=alert-item] [data-testid=acknowledge]", "Acknowledge").await;
        let done = appears(&browser, Locator::Css("[data-testid=alert-item][data-chain=acknowledged] [data-testid=chain]"), "the chain shows acknowledged").await;
        let done = done.text().await.unwrap();
        assert!(done.starts_with("Acknowledged by Dr Okafor in Warren"), "{done}");
        appears(&browser, Locator::Css("[data-testid=alerts-link][data-unread='0'][data-urgent=false]"), "nothing left unread or waiting").await;
        assert!(browser.find(Locator::Css("[data-testid=urgent-banner]")).await.is_err(), "the banner is gone");
        let notice = text_of(&browser, "[data-testid=notice]", "the confirmation").await;
        assert!(notice.contains("nobody else will be alerted"), "{notice}");

        let alerts = net.okafor.my_alerts(&AlertQuery { urgent: Some(true), ..AlertQuery::default() }).await.unwrap().items;
        let chain = alerts[0].chain.as_ref().unwrap();
        assert_eq!(chain.acknowledged_by.as_deref(), Some("Dr Okafor"));
        assert_eq!(chain.acknowledged_via, Some(AcknowledgedVia::Inbox));
        screenshots(&browser, "alerts-inbox-acknowledged", app.backend).await;
        browser.set_window_size(390, 844).await.unwrap();
        fits(&browser, "the inbox on a phone").await;
        browser.close().await.unwrap();
    }
}

warren_tests::on_one_database! { Postgres:
    async fn the_backup_acknowledges_from_the_email_and_the_referrer_sees_who_on_the_timeline(backend: Backend) {
        let smtp = SmtpServer::start();
        let app = TestApp::spawn_with(backend, |config| config.mail.smtp_url = Some(smtp.url())).await;
        let net = night(&app, night_rota).await;
        let sent = net.referrer_admin.create_referral(net.referrer, &rabbit(vec![net.receiver_site], Tier::Immediate), None).await.unwrap().items.remove(0);
        smtp.wait_for("okafor@night.test", "URGENT").await;

        // Dr Okafor does not acknowledge: Dr Lee, next on call, is e-mailed.
        acknowledge_time_passes(&app);
        let mail = smtp.wait_for("lee@night.test", "URGENT").await;
        let token = mail.token_in("/alerts/acknowledge").expect("an acknowledge link");

        // The link shows the alert; opening it acknowledges nothing.
        let (browser, _driver) = browser().await;
        browser.goto(&format!("{}/alerts/acknowledge?token={token}", app.url)).await.unwrap();
        let preview = text_of(&browser, "[data-testid=alert-preview]", "the alert behind the link").await;
        assert!(preview.contains("Sent to Dr Lee") && preview.contains("rabbit"), "{preview}");
        let state = appears(&browser, Locator::Css("[data-testid=alert-preview] [data-testid=chain]"), "the chain").await;
        assert_eq!(state.attr("data-state").await.unwrap().as_deref(), Some("waiting"));
        let waiting = net.okafor.my_alerts(&AlertQuery { urgent: Some(true), ..AlertQuery::default() }).await.unwrap().items;
        assert!(waiting[0].chain.as_ref().unwrap().acknowledged_at.is_none(), "opening the page acknowledged nothing");
        screenshots(&browser, "alerts-acknowledge-link", app.backend).await;
        click(&browser, "[data-testid=acknowledge-alert]", "the Acknowledge button").await;
        let thanks = text_of(&browser, "[data-testid=acknowledged]", "the acknowledgement").await;
        assert!(thanks.contains("nobody else will be alerted"), "{thanks}");
        let chain = text_of(&browser, "[data-testid=chain][data-state=acknowledged]", "the chain, stopped").await;
        assert!(chain.starts_with("Acknowledged by Dr Lee from the e-mail link"), "{chain}");
        assert!(browser.find(Locator::Css("[data-testid=acknowledge-alert]")).await.is_err(), "no second button");
        screenshots(&browser, "alerts-acknowledged-by-link", app.backend).await;

        // The referring clinic reads who was alerted and who acknowledged.
        sign_in(&browser, &app, "a@harbour.test").await;
        browser.goto(&format!("{}/referrals/{}", app.url, sent.id)).await.unwrap();
        appears(&browser, Locator::Css("[data-testid=timeline-entry][data-kind=acknowledged]"), "the acknowledgement on the timeline").await;
        let mut alerted = Vec::new();
        for entry in browser.find_all(Locator::Css("[data-testid=timeline-entry][data-kind=alerted]")).await.unwrap() {
            alerted.push(entry.text().await.unwrap());
        }
        assert_eq!(alerted.len(), 2, "{alerted:?}");
        assert!(alerted[0].contains("Alerted Dr Okafor (on call at Night Vets Emergency)"), "{}", alerted[0]);
        assert!(alerted[1].contains("alerted Dr Lee (also on call at Night Vets Emergency)"), "{}", alerted[1]);
        let acknowledged = text_of(&browser, "[data-testid=timeline-entry][data-kind=acknowledged]", "the acknowledgement").await;
        assert!(acknowledged.contains("Acknowledged by Dr Lee from the e-mail link"), "{acknowledged}");
        screenshots(&browser, "alerts-referral-timeline", app.backend).await;

        // The receiving clinic's admin reads the rota and edits it; a bad
        // shift is refused next to its field.
        click(&browser, "#sign-out", "sign out").await;
        sign_in(&browser, &app, "ada@night.test").await;
        browser.goto(&format!("{}/sites/{}", app.url, net.receiver_site)).await.unwrap();
        click(&browser, "#on-call-rota", "the site's link to its rota").await;
        let now = text_of(&browser, "[data-testid=on-call-now]", "who is on call now").await;
        assert!(now.contains("Dr Okafor") && now.contains("Dr Lee"), "{now}");
        appears(&browser, Locator::Css("[data-testid=gaps][data-count='0']"), "no gaps").await;
        assert_eq!(browser.find_all(Locator::Css("[data-testid=shift-row]")).await.unwrap().len(), 2);
        click(&browser, "[data-testid=add-shift]", "add a shift").await;
        let person = appears(&browser, Locator::Css("#shift-2-person"), "the new row").await;
        person.select_by_label("Ada Admin").await.unwrap();
        type_into(&browser, "#shift-2-hours", "weekdays after six").await;
        appears(&browser, Locator::Css("#shift-2-hours-check.invalid"), "the hours are checked while typed").await;
        click(&browser, "[data-testid=save-rota]", "save").await;
        let error = text_of(&browser, "#shift-2-hours-error", "the error next to the hours").await;
        assert!(error.contains("opening_hours"), "{error}");
        type_into(&browser, "#shift-2-hours", "Mo-Fr 18:00-08:00; Sa,Su 00:00-24:00").await;
        click(&browser, "#shift-2-up", "move the new shift up").await;
        // Dr Lee covers the next twelve hours, ahead of the night shift.
        click(&browser, "[data-testid=add-override]", "add an override").await;
        appears(&browser, Locator::Css("#override-0-person"), "the override row").await.select_by_label("Dr Lee").await.unwrap();
        type_into(&browser, "#override-0-note", "Covers tonight for Dr Okafor").await;
        click(&browser, "[data-testid=save-rota]", "save").await;
        appears(&browser, Locator::Css("[data-testid=notice]"), "saved").await;
        let first = text_of(&browser, "[data-testid=on-call-now] li", "who is on call first now").await;
        assert_eq!(first, "Dr Lee", "the override goes first");
        let rota = net.okafor.on_call_rota(net.receiver_site).await.unwrap().value.rota;
        assert_eq!(rota.shifts.len(), 3);
        assert_eq!(rota.shifts[1].hours.as_str(), "Mo-Fr 18:00-08:00; Sa,Su 00:00-24:00", "moved up to second");
        assert_eq!(rota.overrides.len(), 1);
        assert_eq!(rota.overrides[0].note.as_ref().map(|note| note.as_str()), Some("Covers tonight for Dr Okafor"));
        screenshots(&browser, "alerts-on-call-rota", app.backend).await;
        browser.set_window_size(390, 844).await.unwrap();
        fits(&browser, "the rota editor on a phone").await;
        browser.close().await.unwrap();
    }

    async fn a_person_confirms_her_address_chooses_her_alerts_and_later_resets_her_password_by_email(backend: Backend) {
        use warren_domain::alerts::{AlertKind, DeliveryMode};

        let smtp = SmtpServer::start();
        let app = TestApp::spawn_with(backend, |config| config.mail.smtp_url = Some(smtp.url())).await;
        let coordinator = app.network_admin().await;
        app.vetted(&coordinator, "Harbour Vets", "a@harbour.test").await;
        let first_confirmation = smtp.wait_for("a@harbour.test", "Confirm your e-mail address").await;
        let (browser, _driver) = browser().await;

        // Her address is not confirmed yet: she asks for a new link from
        // her profile and follows it.
        sign_in(&browser, &app, "a@harbour.test").await;
        browser.goto(&format!("{}/profile#alerts", app.url)).await.unwrap();
        appears(&browser, Locator::Css("[data-testid=alert-email][data-confirmed=false]"), "the address, not confirmed").await;
        click(&browser, "[data-testid=send-confirmation]", "send a new confirmation link").await;
        appears(&browser, Locator::Css("[data-testid=alert-email] [data-testid=notice]"), "the link is on its way").await;
        let mut newest = None;
        for _ in 0..200 {
            let links: Vec<String> = smtp
                .to("a@harbour.test")
                .iter()
                .filter(|mail| mail.subject.contains("Confirm your e-mail address"))
                .filter_map(|mail| mail.token_in("/confirm-email"))
                .collect();
            if links.len() >= 2 {
                newest = links.last().cloned();
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let newest = newest.expect("a second confirmation e-mail");
        assert_ne!(Some(&newest), first_confirmation.token_in("/confirm-email").as_ref());
        browser.goto(&format!("{}/confirm-email?token={newest}", app.url)).await.unwrap();
        click(&browser, "[data-testid=confirm-email]", "confirm my address").await;
        let confirmed = text_of(&browser, "[data-testid=email-confirmed]", "confirmed").await;
        assert!(confirmed.contains("a@harbour.test"), "{confirmed}");

        // She wants case messages in a digest, and quiet nights.
        browser.goto(&format!("{}/profile#alerts", app.url)).await.unwrap();
        appears(&browser, Locator::Css("[data-testid=alert-email][data-confirmed=true]"), "the address, confirmed").await;
        let case_messages = appears(&browser, Locator::Css("#mode-case_message"), "the mode of case messages").await;
        case_messages.select_by_label("In a daily digest").await.unwrap();
        type_into(&browser, "#quiet-hours", "every night").await;
        click(&browser, "[data-testid=save-alert-settings]", "save").await;
        appears(&browser, Locator::Css("#quiet-hours-error"), "the quiet hours are refused next to the field").await;
        type_into(&browser, "#quiet-hours", "Mo-Su 22:00-07:00").await;
        click(&browser, "[data-testid=save-alert-settings]", "save").await;
        appears(&browser, Locator::Css(".alert-settings [data-testid=notice]"), "saved").await;
        let saved = app.signed_in("a@harbour.test").await.my_alert_preferences().await.unwrap().value;
        assert_eq!(saved.preferences.quiet_hours.as_ref().map(|hours| hours.as_str()), Some("Mo-Su 22:00-07:00"));
        let mode = saved.kinds.iter().find(|choice| choice.kind == AlertKind::CaseMessage).unwrap().mode;
        assert_eq!(mode, DeliveryMode::Digest);
        screenshots(&browser, "alerts-profile-settings", app.backend).await;
        browser.set_window_size(390, 844).await.unwrap();
        fits(&browser, "the alert settings on a phone").await;
        browser.set_window_size(1280, 900).await.unwrap();

        // Later she has forgotten her password: from the sign-in page, with
        // the address typed, to the request.
        click(&browser, "#sign-out", "sign out").await;
        appears(&browser, Locator::Css("[data-testid=forgot-password]"), "the sign-in page").await;
        type_into(&browser, "#email", "a@harbour.test").await;
        click(&browser, "[data-testid=forgot-password]", "Forgot your password?").await;
        appears(&browser, Locator::Css("form button[type=submit]:not([disabled])"), "the request form").await;
        let email = browser.find(Locator::Css("#email")).await.unwrap();
        assert_eq!(email.prop("value").await.unwrap().as_deref(), Some("a@harbour.test"), "the address came along");
        click(&browser, "form button[type=submit]", "send me a link").await;
        appears(&browser, Locator::Css("[data-testid=reset-requested]"), "the answer").await;
        screenshots(&browser, "alerts-forgot-password", app.backend).await;

        // The e-mailed link: a new password, then sign in with it.
        let mail = smtp.wait_for("a@harbour.test", "Reset your Warren password").await;
        let token = mail.token_in("/reset-password").expect("a reset link");
        browser.goto(&format!("{}/reset-password?token={token}", app.url)).await.unwrap();
        type_into(&browser, "#new-password", "a brand new long password").await;
        type_into(&browser, "#new-password-confirm", "a brand new long passwort").await;
        click(&browser, "form button[type=submit]", "set the new password").await;
        appears(&browser, Locator::Css("#new-password-confirm-error"), "the two passwords differ").await;
        type_into(&browser, "#new-password-confirm", "a brand new long password").await;
        screenshots(&browser, "alerts-reset-password", app.backend).await;
        click(&browser, "form button[type=submit]", "set the new password").await;
        let notice = text_of(&browser, "[data-testid=sign-in-notice]", "back on the sign-in page").await;
        assert!(notice.contains("every session of your account was signed out"), "{notice}");
        let email = appears(&browser, Locator::Css("#email"), "the sign-in form").await;
        assert_eq!(email.prop("value").await.unwrap().as_deref(), Some("a@harbour.test"), "the address is filled in");
        screenshots(&browser, "alerts-after-reset", app.backend).await;
        type_into(&browser, "#password", "a brand new long password").await;
        click(&browser, "form button[type=submit]", "sign in").await;
        appears(&browser, Locator::XPath("//nav//a[normalize-space(.)='Directory']"), "signed in with the new password").await;
        app.tokens("a@harbour.test", "a brand new long password").await;
        browser.close().await.unwrap();
    }
}

//! Alerts that reach people, through the API on both databases, with a real
//! SMTP server (`aiosmtpd`) receiving Warren's e-mail: the acknowledgement
//! chain of an urgent referral at night, the mail server going away and
//! coming back, two replicas, preferences, quiet hours, the digest,
//! password resets, invitations and confirmations, rotas, and bad input.
//!
//! The clock is moved as the escalation tests move it: the stored moment a
//! chain's next step is due is set in the past. "Night" is real: the
//! receiving site's timezone is chosen so that it is two in the morning
//! there now.

use std::time::Duration;

use chrono::{Timelike, Utc};
use diesel::RunQueryDsl;
use uuid::Uuid;
use warren_client::{Client, ClientError};
use warren_domain::alerts::{
    AcknowledgeTimes, AcknowledgedVia, AlertKind, AlertPreferences, DeliveryMode, Override, Rota,
    Shift,
};
use warren_domain::directory::hours::{OpeningHoursText, Timezone};
use warren_domain::referral::{Patient, ReferralStatus};
use warren_domain::triage::Tier;
use warren_domain::{Email, PersonName, Phone, ShortText};
use warren_store::outbox;
use warren_tests::smtp::SmtpServer;
use warren_tests::*;
use warren_wire::{
    AcceptInvitationRequest, AlertFilter, AlertQuery, ConfirmEmailRequest, CreateInvitationRequest,
    CreateReferralRequest, DashboardQuery, MarkAlertsReadRequest, PasswordResetRequest,
    PostMessageRequest, Referral, ReferralContact, ResetPasswordRequest, TransitionRequest,
};

use crate::referrals::{code, note, site};

/// A timezone in which it is 02:xx now (a fixed offset, `Etc/GMT±n`).
pub(crate) fn two_in_the_morning() -> Timezone {
    let hour = i64::from(Utc::now().hour());
    let ahead = (2 - hour).rem_euclid(24);
    // Etc/GMT-n is n hours ahead of UTC; the zones run from -14 to +12.
    let name = if ahead <= 14 {
        format!("Etc/GMT-{ahead}")
    } else {
        format!("Etc/GMT+{}", 24 - ahead)
    };
    Timezone::parse(&name).unwrap()
}

/// A timezone in which it is noon now.
fn noon() -> Timezone {
    let hour = i64::from(Utc::now().hour());
    let ahead = (12 - hour).rem_euclid(24);
    let name = if ahead <= 14 {
        format!("Etc/GMT-{ahead}")
    } else {
        format!("Etc/GMT+{}", 24 - ahead)
    };
    Timezone::parse(&name).unwrap()
}

fn hours(text: &str) -> OpeningHoursText {
    OpeningHoursText::parse(text).unwrap()
}

/// `org_admin` invites `email` as `role`; they accept with `name` and sign
/// in. Returns their client and id.
async fn member(
    app: &TestApp,
    org_admin: &Client,
    organization: Uuid,
    email: &str,
    name: &str,
    role: Role,
) -> (Client, Uuid) {
    let invitation = org_admin
        .invite(
            organization,
            &CreateInvitationRequest {
                email: Email::parse(email).unwrap(),
                role,
            },
            None,
        )
        .await
        .unwrap();
    let accepted = app
        .client
        .accept_invitation(&AcceptInvitationRequest {
            token: invitation.token,
            name: Some(PersonName::parse(name).unwrap()),
            password: PASSWORD.into(),
        })
        .await
        .unwrap();
    (app.signed_in(email).await, accepted.user.id)
}

/// The night: a referring clinic; a receiving hospital where it is 02:00,
/// whose rota puts Dr Okafor on the night shift first and Dr Lee next.
pub(crate) struct Night {
    pub(crate) coordinator: Client,
    pub(crate) referrer: Uuid,
    pub(crate) referrer_admin: Client,
    pub(crate) receiver: Uuid,
    pub(crate) receiver_admin: Client,
    pub(crate) receiver_site: Uuid,
    pub(crate) okafor: Client,
    pub(crate) okafor_id: Uuid,
    pub(crate) lee: Client,
    pub(crate) lee_id: Uuid,
}

pub(crate) async fn night(app: &TestApp, rota: impl FnOnce(Uuid, Uuid) -> Rota) -> Night {
    let coordinator = app.network_admin().await;
    let (referrer, referrer_admin) = app
        .vetted(&coordinator, "Harbour Vets", "a@harbour.test")
        .await;
    referrer_admin
        .create_site(
            referrer,
            &site("Harbour Vets Surgery", 0.0, "24/7", &[]),
            None,
        )
        .await
        .unwrap();
    let (receiver, receiver_admin) = app
        .vetted(&coordinator, "Night Vets", "ada@night.test")
        .await;
    let mut input = site("Night Vets Emergency", 4.0, "24/7", &["oxygen_cage"]);
    input.timezone = two_in_the_morning();
    input.referral_contact = Some(ReferralContact {
        name: PersonName::parse("Night desk").unwrap(),
        phone: Phone::parse("0117 496 0999").unwrap(),
        email: Some(Email::parse("desk@night.test").unwrap()),
    });
    let receiver_site = receiver_admin
        .create_site(receiver, &input, None)
        .await
        .unwrap()
        .value
        .listing
        .id;
    // The two admins applied; their addresses are confirmed as if they had
    // followed the link (the confirmation itself is tested below).
    for email in ["a@harbour.test", "ada@night.test"] {
        confirmed(app, email);
    }
    let (okafor, okafor_id) = member(
        app,
        &receiver_admin,
        receiver,
        "okafor@night.test",
        "Dr Okafor",
        Role::Clinician,
    )
    .await;
    let (lee, lee_id) = member(
        app,
        &receiver_admin,
        receiver,
        "lee@night.test",
        "Dr Lee",
        Role::Clinician,
    )
    .await;
    let rota = rota(okafor_id, lee_id);
    let current = receiver_admin.on_call_rota(receiver_site).await.unwrap();
    receiver_admin
        .save_on_call_rota(receiver_site, &rota, &current.etag)
        .await
        .unwrap();
    Night {
        coordinator,
        referrer,
        referrer_admin,
        receiver,
        receiver_admin,
        receiver_site,
        okafor,
        okafor_id,
        lee,
        lee_id,
    }
}

/// Marks `email`'s address confirmed.
fn confirmed(app: &TestApp, email: &str) {
    app.store
        .write(|connection| {
            let user =
                warren_store::accounts::find_user_by_email(connection, email)?.expect("an account");
            warren_store::accounts::confirm_email(connection, &user.id, warren_store::now())
        })
        .unwrap();
}

/// Dr Okafor on the night shift, Dr Lee on call around the clock behind.
pub(crate) fn night_rota(okafor: Uuid, lee: Uuid) -> Rota {
    Rota {
        shifts: vec![
            Shift {
                user_id: okafor,
                hours: hours("Mo-Su 22:00-06:00"),
            },
            Shift {
                user_id: lee,
                hours: hours("Mo-Su 00:00-24:00"),
            },
        ],
        overrides: vec![],
    }
}

pub(crate) fn rabbit(receivers: Vec<Uuid>, tier: Tier) -> CreateReferralRequest {
    CreateReferralRequest {
        receivers,
        from_site_id: None,
        species: code("small_mammal/rabbit"),
        patient: Patient {
            name: Some(ShortText::parse("Clover").unwrap()),
            sex: None,
            age: None,
            weight_grams: None,
            identifiers: vec![],
        },
        contact: None,
        reason: note("Open-mouth breathing, blue gums"),
        history: None,
        medications: None,
        allergies: None,
        assessment_id: None,
        priority: Some(tier),
        capabilities: vec![],
        transport_needed: false,
        draft: false,
        patient_record_id: None,
    }
}

/// What the clock does after the acknowledge time: every running chain's
/// next step falls due.
pub(crate) fn acknowledge_time_passes(app: &TestApp) {
    app.store
        .write(|connection| {
            diesel::sql_query(
                "UPDATE alert_chains SET next_step_at = created_at WHERE next_step_at IS NOT NULL",
            )
            .execute(connection)
            .map_err(warren_store::StoreError::from)
        })
        .unwrap();
}

/// Waits up to ten seconds for `check` to hold.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen within ten seconds");
}

async fn urgent_alerts(client: &Client) -> Vec<warren_wire::Alert> {
    client
        .my_alerts(&AlertQuery {
            urgent: Some(true),
            ..AlertQuery::default()
        })
        .await
        .unwrap()
        .items
}

async fn move_to(client: &Client, referral: Uuid, status: ReferralStatus) -> Referral {
    let current = client.referral(referral).await.unwrap();
    client
        .transition_referral(
            referral,
            &TransitionRequest {
                status,
                reason: None,
                note: None,
            },
            &current.etag,
        )
        .await
        .unwrap()
        .value
}

fn problem_code(error: &ClientError) -> String {
    error.code().unwrap_or_default().to_owned()
}

on_both_databases! {
    async fn an_urgent_referral_at_night_reaches_the_backup_who_acknowledges_from_the_email(backend: Backend) {
        let smtp = SmtpServer::start();
        let app = TestApp::spawn_with(backend, |config| config.mail.smtp_url = Some(smtp.url())).await;
        let night = night(&app, night_rota).await;
        let sent = night.referrer_admin.create_referral(night.referrer, &rabbit(vec![night.receiver_site], Tier::Immediate), None).await.unwrap().items.remove(0);

        // Dr Okafor is on call at 02:00: alerted by e-mail and in Warren.
        let first = smtp.wait_for("okafor@night.test", "URGENT").await;
        assert!(first.subject.contains("Tier 1 referral: rabbit"), "{}", first.subject);
        assert!(first.text.contains("Harbour Vets referred a rabbit"), "{}", first.text);
        assert!(first.html.as_deref().unwrap_or_default().contains("Acknowledge"));
        assert!(first.list_unsubscribe.is_none(), "urgent mail cannot be unsubscribed from");
        let inbox = urgent_alerts(&night.okafor).await;
        assert_eq!(inbox.len(), 1);
        assert_eq!(inbox[0].kind, AlertKind::UrgentReferral);
        assert_eq!(inbox[0].referral_id, Some(sent.id));
        assert_eq!(inbox[0].chain.as_ref().unwrap().steps, 1);
        assert!(urgent_alerts(&night.lee).await.is_empty(), "the backup waits for the acknowledge time");
        assert_eq!(night.okafor.my_alert_summary().await.unwrap().awaiting_acknowledgement, 1);

        // Nobody acknowledges: the next person on call is alerted.
        acknowledge_time_passes(&app);
        let backup = smtp.wait_for("lee@night.test", "URGENT").await;
        eventually("Dr Lee's inbox", || async { urgent_alerts(&night.lee).await.len() == 1 }).await;

        // Dr Lee acknowledges from the e-mail's link, without signing in.
        let token = backup.token_in("/alerts/acknowledge").expect("an acknowledge link");
        let preview = app.client.preview_alert_acknowledgement(&token).await.unwrap();
        assert_eq!(preview.recipient_name, "Dr Lee");
        assert!(!preview.used);
        assert!(preview.chain.as_ref().unwrap().acknowledged_at.is_none());
        let acknowledged = app.client.acknowledge_alert_by_token(&token).await.unwrap();
        assert!(acknowledged.by_this_request);
        assert_eq!(acknowledged.chain.acknowledged_by.as_deref(), Some("Dr Lee"));
        assert_eq!(acknowledged.chain.acknowledged_via, Some(AcknowledgedVia::Email));
        let reused = app.client.acknowledge_alert_by_token(&token).await.unwrap_err();
        assert_eq!((reused.status(), problem_code(&reused).as_str()), (Some(409), "token_used"));

        // The chain stopped for everyone: more time passes, nobody else hears.
        acknowledge_time_passes(&app);
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert!(urgent_alerts(&night.receiver_admin).await.is_empty(), "the admins are never reached");
        assert!(smtp.to("ada@night.test").iter().all(|mail| !mail.subject.contains("URGENT")));
        let okafors = urgent_alerts(&night.okafor).await;
        assert_eq!(okafors[0].chain.as_ref().unwrap().acknowledged_by.as_deref(), Some("Dr Lee"));
        assert_eq!(night.okafor.my_alert_summary().await.unwrap().awaiting_acknowledgement, 0);
        assert_eq!(smtp.to("okafor@night.test").iter().filter(|mail| mail.subject.contains("URGENT")).count(), 1);
        assert_eq!(smtp.to("lee@night.test").iter().filter(|mail| mail.subject.contains("URGENT")).count(), 1);

        // Both clinics see who was alerted and who acknowledged, and when.
        for client in [&night.referrer_admin, &night.receiver_admin] {
            let timeline = client.referral_timeline(sent.id).await.unwrap().items;
            let alerted: Vec<&str> = timeline.iter().filter(|entry| entry.kind == "alerted").filter_map(|entry| entry.note.as_deref()).collect();
            assert_eq!(alerted.len(), 2, "{timeline:?}");
            assert!(alerted[0].starts_with("Alerted Dr Okafor (on call at Night Vets Emergency) in Warren and by e-mail"), "{}", alerted[0]);
            assert!(alerted[1].contains("alerted Dr Lee (also on call at Night Vets Emergency) in Warren and by e-mail"), "{}", alerted[1]);
            let acknowledgement = timeline.iter().find(|entry| entry.kind == "acknowledged").expect("the acknowledgement");
            assert_eq!(acknowledgement.actor, "Dr Lee");
            assert!(acknowledgement.note.as_deref().unwrap().contains("from the e-mail link"));
        }

        // The server counts what it raised and sent.
        let metrics = app.client.http().get(format!("{}/metrics", app.url)).bearer_auth(METRICS_TOKEN).send().await.unwrap().text().await.unwrap();
        assert!(metrics.contains("warren_alerts_raised_total{urgency=\"urgent\"} 2"), "{metrics}");
        assert!(metrics.contains("warren_emails_total{outcome=\"sent\"}"), "{metrics}");

        // The receiving clinic's dashboard counts the time to acknowledge.
        let today = Utc::now().date_naive().to_string();
        let board = night.receiver_admin.dashboard(&DashboardQuery { from: Some(today.clone()), to: Some(today), organization_id: Some(night.receiver) }).await.unwrap();
        assert_eq!(board.figures.urgent_alerts, 1);
        assert_eq!(board.figures.alerts_unacknowledged, 0);
        assert!(board.figures.median_minutes_to_acknowledge.is_some());
        let _ = (&night.coordinator, night.okafor_id, night.lee_id);
    }

    async fn the_mail_server_down_then_back_delivers_each_alert_once(backend: Backend) {
        let mut smtp = SmtpServer::start();
        let app = TestApp::spawn_with(backend, |config| config.mail.smtp_url = Some(smtp.url())).await;
        let night = night(&app, night_rota).await;
        smtp.stop();
        night.referrer_admin.create_referral(night.referrer, &rabbit(vec![night.receiver_site], Tier::Immediate), None).await.unwrap();
        let failing = || {
            app.store
                .read(|connection| outbox::to_address(connection, "okafor@night.test"))
                .unwrap()
                .into_iter()
                .find(|message| message.purpose == "alert")
        };
        eventually("a failed attempt", || async { failing().is_some_and(|message| message.attempts >= 2 && message.last_error.is_some()) }).await;
        let waiting = failing().unwrap();
        assert_eq!(waiting.state, "retrying", "{waiting:?}");
        assert!(smtp.to("okafor@night.test").iter().all(|mail| !mail.subject.contains("URGENT")));
        smtp.start_again();
        let delivered = smtp.wait_for("okafor@night.test", "URGENT").await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        let copies = smtp.to("okafor@night.test").into_iter().filter(|mail| mail.subject.contains("URGENT")).count();
        assert_eq!(copies, 1, "delivered once");
        assert_eq!(delivered.message_id, waiting.message_id, "every attempt carries one Message-ID");
        let sent = failing().unwrap();
        assert_eq!(sent.state, "sent");
        assert!(sent.body_text.starts_with("(sent;"), "an acknowledge link is not kept once sent");
    }

    async fn alerts_go_out_over_starttls_to_a_server_whose_certificate_is_trusted(backend: Backend) {
        let smtp = SmtpServer::start_with_starttls();
        // Without its authority, the server's certificate is refused: the
        // e-mail waits, with the reason.
        let untrusting = TestApp::spawn_with(backend, |config| config.mail.smtp_url = Some(smtp.starttls_url())).await;
        let coordinator = untrusting.network_admin().await;
        untrusting.vetted(&coordinator, "Harbour Vets", "a@harbour.test").await;
        eventually("a refused attempt", || async {
            untrusting
                .store
                .read(|connection| outbox::to_address(connection, "a@harbour.test"))
                .unwrap()
                .iter()
                .any(|message| message.last_error.as_deref().is_some_and(|error| error.contains("certificate")))
        })
        .await;
        assert!(smtp.messages().is_empty());
        drop(untrusting);
        // With it, mail goes out encrypted.
        let app = TestApp::spawn_with(backend, |config| {
            config.mail.smtp_url = Some(smtp.starttls_url());
            config.mail.smtp_ca_file = Some(smtp.authority());
        })
        .await;
        let night = night(&app, night_rota).await;
        night.referrer_admin.create_referral(night.referrer, &rabbit(vec![night.receiver_site], Tier::Immediate), None).await.unwrap();
        smtp.wait_for("okafor@night.test", "URGENT").await;
    }

    async fn the_demo_shows_the_emails_it_sent_and_nothing_else_does(backend: Backend) {
        let demo = TestApp::spawn_with(backend, |config| config.demo = true).await;
        let coordinator = demo.network_admin().await;
        demo.vetted(&coordinator, "Harbour Vets", "a@harbour.test").await;
        demo.client.request_password_reset(&PasswordResetRequest { email: Email::parse("a@harbour.test").unwrap() }).await.unwrap();
        let http = demo.client.http();
        let page = || async { http.get(format!("{}/demo/mailbox", demo.url)).send().await.unwrap().text().await.unwrap() };
        eventually("the reset in the demo mailbox", || async { page().await.contains("Reset your Warren password") }).await;
        let listing = page().await;
        assert!(listing.contains("Confirm your e-mail address for Warren"), "{listing}");
        let href = listing.split("href=\"/demo/mailbox/").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let opened = http.get(format!("{}/demo/mailbox/{href}", demo.url)).send().await.unwrap().text().await.unwrap();
        assert!(opened.contains("Ada Admin"), "{opened}");
        let raw = http.get(format!("{}/demo/mailbox/{href}.eml", demo.url)).send().await.unwrap();
        assert_eq!(raw.headers()["content-type"], "message/rfc822");
        assert!(raw.text().await.unwrap().contains("Message-ID: <"));
        let sneaky = http.get(format!("{}/demo/mailbox/..%2Fwarren.db", demo.url)).send().await.unwrap();
        assert_eq!(sneaky.status(), 404);
        // A server that is not the demo shows no mailbox, whatever it holds.
        let real = TestApp::spawn(backend).await;
        let answer = real.client.http().get(format!("{}/demo/mailbox", real.url)).send().await.unwrap().text().await.unwrap();
        assert!(!answer.contains("Demo mailbox"));
    }

    async fn two_replicas_send_each_email_once(backend: Backend) {
        let smtp = SmtpServer::start();
        let app = TestApp::spawn_with(backend, |config| config.mail.smtp_url = Some(smtp.url())).await;
        let (_, replica) = app.replica_with(|config| config.mail.smtp_url = Some(smtp.url())).await;
        let night = night(&app, night_rota).await;
        for _ in 0..4 {
            night.referrer_admin.create_referral(night.referrer, &rabbit(vec![night.receiver_site], Tier::Immediate), None).await.unwrap();
        }
        eventually("four e-mails to Dr Okafor", || async { smtp.to("okafor@night.test").len() >= 4 }).await;
        acknowledge_time_passes(&app);
        eventually("four e-mails to Dr Lee", || async { smtp.to("lee@night.test").iter().filter(|mail| mail.subject.contains("URGENT")).count() >= 4 }).await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        for person in ["okafor@night.test", "lee@night.test"] {
            let mut ids: Vec<String> = smtp.to(person).into_iter().filter(|mail| mail.subject.contains("URGENT")).map(|mail| mail.message_id).collect();
            assert_eq!(ids.len(), 4, "{person}: one e-mail per alert");
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), 4, "{person}: no Message-ID twice");
        }
        assert_eq!(urgent_alerts(&night.lee).await.len(), 4, "each chain moved once");
        drop(replica);
    }

    async fn preferences_and_quiet_hours_are_honoured(backend: Backend) {
        let smtp = SmtpServer::start();
        let app = TestApp::spawn_with(backend, |config| config.mail.smtp_url = Some(smtp.url())).await;
        let night = night(&app, |okafor, _| Rota { shifts: vec![Shift { user_id: okafor, hours: hours("24/7") }], overrides: vec![] }).await;
        // Dr Okafor wants case messages in the inbox only.
        let current = night.okafor.my_alert_preferences().await.unwrap();
        assert!(current.value.email_confirmed, "invited people confirmed their address");
        assert_eq!(current.value.kinds.iter().find(|choice| choice.kind == AlertKind::CaseMessage).unwrap().mode, DeliveryMode::Immediate);
        let mut preferences = current.value.preferences.clone();
        preferences.modes.insert(AlertKind::CaseMessage, DeliveryMode::InboxOnly);
        let refused = {
            let mut urgent = preferences.clone();
            urgent.modes.insert(AlertKind::UrgentReferral, DeliveryMode::InboxOnly);
            night.okafor.save_my_alert_preferences(&urgent, &current.etag).await.unwrap_err()
        };
        assert_eq!(refused.status(), Some(422), "urgent alerts cannot be turned down");
        // Quiet all night around now in their own timezone.
        let hour = Utc::now().with_timezone(&preferences.timezone.tz()).hour();
        preferences.quiet_hours = Some(hours(&format!("Mo-Su {:02}:00-{:02}:00", (hour + 23) % 24, (hour + 3) % 24)));
        let saved = night.okafor.save_my_alert_preferences(&preferences, &current.etag).await.unwrap();
        let stale = night.okafor.save_my_alert_preferences(&preferences, &current.etag).await.unwrap_err();
        assert_eq!(stale.status(), Some(412));
        assert_eq!(saved.value.kinds.iter().find(|choice| choice.kind == AlertKind::CaseMessage).unwrap().mode, DeliveryMode::InboxOnly);

        // Urgent alerts ignore quiet hours.
        let sent = night.referrer_admin.create_referral(night.referrer, &rabbit(vec![night.receiver_site], Tier::Immediate), None).await.unwrap().items.remove(0);
        smtp.wait_for("okafor@night.test", "URGENT").await;
        move_to(&night.okafor, sent.id, ReferralStatus::Accepted).await;

        // A case message reaches the inbox, not the mailbox.
        night.referrer_admin.post_referral_message(sent.id, &PostMessageRequest { body: note("She is on her way, 20 minutes") }).await.unwrap();
        eventually("the case message alert", || async {
            night.okafor.my_alerts(&AlertQuery { kind: Some(AlertKind::CaseMessage), ..AlertQuery::default() }).await.unwrap().items.len() == 1
        })
        .await;
        // An answer to one's own referral is e-mailed, but after quiet hours.
        let mut referrer_preferences = night.referrer_admin.my_alert_preferences().await.unwrap();
        let hour = Utc::now().with_timezone(&referrer_preferences.value.preferences.timezone.tz()).hour();
        referrer_preferences.value.preferences.quiet_hours = Some(hours(&format!("Mo-Su {:02}:00-{:02}:00", (hour + 23) % 24, (hour + 3) % 24)));
        night.referrer_admin.save_my_alert_preferences(&referrer_preferences.value.preferences, &referrer_preferences.etag).await.unwrap();
        let second = night.referrer_admin.create_referral(night.referrer, &rabbit(vec![night.receiver_site], Tier::Standard), None).await.unwrap().items.remove(0);
        move_to(&night.okafor, second.id, ReferralStatus::Received).await;
        eventually("the answer in the referrer's inbox", || async {
            night.referrer_admin.my_alerts(&AlertQuery { kind: Some(AlertKind::ReferralAnswered), ..AlertQuery::default() }).await.unwrap().items.len() == 2
        })
        .await;
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert!(smtp.to("okafor@night.test").iter().all(|mail| !mail.subject.contains("wrote about")), "inbox only");
        assert!(smtp.to("a@harbour.test").iter().all(|mail| !mail.subject.contains("received your referral")), "held in quiet hours");
        let held = app.store.read(|connection| outbox::to_address(connection, "a@harbour.test")).unwrap();
        let held = held.iter().find(|message| message.subject.contains("received your referral")).expect("queued");
        assert!(held.next_attempt_at.unwrap() > Utc::now().naive_utc() + chrono::TimeDelta::hours(1), "{held:?}");
        assert!(held.unsubscribe_url.is_some(), "non-urgent mail can be stopped");

        // Unsubscribing from the link stops that kind's e-mail.
        let token = held.unsubscribe_url.as_deref().unwrap().split_once("token=").unwrap().1.to_owned();
        let stopped = app.client.unsubscribe_from_alert_emails(&token).await.unwrap();
        assert_eq!((stopped.kind, stopped.mode), (AlertKind::ReferralAnswered, DeliveryMode::InboxOnly));
        let now = night.referrer_admin.my_alert_preferences().await.unwrap().value;
        assert_eq!(now.kinds.iter().find(|choice| choice.kind == AlertKind::ReferralAnswered).unwrap().mode, DeliveryMode::InboxOnly);
        let forged = app.client.unsubscribe_from_alert_emails("not-a-token").await.unwrap_err();
        assert_eq!(forged.status(), Some(400));
    }

    async fn a_digest_gathers_the_days_alerts_in_one_email(backend: Backend) {
        let smtp = SmtpServer::start();
        let app = TestApp::spawn_with(backend, |config| config.mail.smtp_url = Some(smtp.url())).await;
        let night = night(&app, night_rota).await;
        let current = night.referrer_admin.my_alert_preferences().await.unwrap();
        let mut preferences = AlertPreferences { timezone: noon(), digest_hour: 13, ..current.value.preferences.clone() };
        preferences.modes.insert(AlertKind::ReferralAnswered, DeliveryMode::Digest);
        let saved = night.referrer_admin.save_my_alert_preferences(&preferences, &current.etag).await.unwrap();
        for _ in 0..2 {
            let sent = night.referrer_admin.create_referral(night.referrer, &rabbit(vec![night.receiver_site], Tier::Standard), None).await.unwrap().items.remove(0);
            move_to(&night.okafor, sent.id, ReferralStatus::Received).await;
        }
        eventually("two answers waiting", || async {
            night.referrer_admin.my_alerts(&AlertQuery { kind: Some(AlertKind::ReferralAnswered), ..AlertQuery::default() }).await.unwrap().items.len() == 2
        })
        .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(smtp.to("a@harbour.test").iter().all(|mail| !mail.subject.contains("digest")), "not before 13:00 their time");
        // Their digest hour comes (noon is now, so say noon).
        preferences.digest_hour = 12;
        night.referrer_admin.save_my_alert_preferences(&preferences, &saved.etag).await.unwrap();
        let digest = smtp.wait_for("a@harbour.test", "digest").await;
        // Both answers, and whatever housekeeping (a listing's audit) waited too.
        assert_eq!(digest.text.matches("received your referral:").count(), 2, "{}", digest.text);
        let listed = digest.text.lines().filter(|line| line.starts_with("* ")).count();
        assert!(digest.subject.ends_with(&format!(": {listed} alerts")), "{} lists {listed}", digest.subject);
        // One a day: a third answer waits for tomorrow's.
        let third = night.referrer_admin.create_referral(night.referrer, &rabbit(vec![night.receiver_site], Tier::Standard), None).await.unwrap().items.remove(0);
        move_to(&night.okafor, third.id, ReferralStatus::Received).await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(smtp.to("a@harbour.test").iter().filter(|mail| mail.subject.contains("digest")).count(), 1);
        assert_eq!(night.referrer_admin.my_alerts(&AlertQuery { kind: Some(AlertKind::ReferralAnswered), ..AlertQuery::default() }).await.unwrap().items.len(), 3);
    }

    async fn a_person_who_forgot_her_password_resets_it_by_email(backend: Backend) {
        let smtp = SmtpServer::start();
        let app = TestApp::spawn_with(backend, |config| config.mail.smtp_url = Some(smtp.url())).await;
        let coordinator = app.network_admin().await;
        let (_, _) = app.vetted(&coordinator, "Harbour Vets", "a@harbour.test").await;
        let old_session = app.tokens("a@harbour.test", PASSWORD).await;
        let ask = |email: &str| PasswordResetRequest { email: Email::parse(email).unwrap() };
        // The same answer whether or not the address has an account.
        let known = app.client.request_password_reset(&ask("a@harbour.test")).await.unwrap();
        let unknown = app.client.request_password_reset(&ask("nobody@harbour.test")).await.unwrap();
        assert_eq!(known, unknown);
        let mail = smtp.wait_for("a@harbour.test", "Reset your Warren password").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(smtp.to("nobody@harbour.test").is_empty());
        let malformed = app.client.http().post(format!("{}/api/v1/auth/password-resets", app.url)).json(&serde_json::json!({"email": "not an address"})).send().await.unwrap();
        assert_eq!(malformed.status(), 422);

        let token = mail.token_in("/reset-password").expect("a reset link");
        let new_password = warren_domain::Password::parse("a brand new long password").unwrap();
        let weak = app.client.http().post(format!("{}/api/v1/auth/password-resets/confirm", app.url)).json(&serde_json::json!({"token": token, "password": "short"})).send().await.unwrap();
        assert_eq!(weak.status(), 422);
        let done = app.client.reset_password(&ResetPasswordRequest { token: token.clone(), password: new_password.clone() }).await.unwrap();
        assert_eq!(done.email, "a@harbour.test");
        // Every session of the account is signed out; the new password works.
        assert!(app.client.refresh(&old_session.refresh_token).await.is_err());
        assert!(app.client.login(&warren_wire::LoginRequest { email: "a@harbour.test".into(), password: PASSWORD.into() }).await.is_err());
        app.client.login(&warren_wire::LoginRequest { email: "a@harbour.test".into(), password: "a brand new long password".into() }).await.unwrap();
        // The link works once; Warren's own links only.
        let again = app.client.reset_password(&ResetPasswordRequest { token, password: new_password.clone() }).await.unwrap_err();
        assert_eq!((again.status(), problem_code(&again).as_str()), (Some(409), "token_used"));
        let forged = app.client.reset_password(&ResetPasswordRequest { token: "wrp_forged".into(), password: new_password.clone() }).await.unwrap_err();
        assert_eq!(forged.status(), Some(404));
        // Only the newest link works, and a link expires after 30 minutes.
        app.client.request_password_reset(&ask("a@harbour.test")).await.unwrap();
        app.client.request_password_reset(&ask("a@harbour.test")).await.unwrap();
        eventually("two more links", || async { smtp.to("a@harbour.test").iter().filter(|mail| mail.subject.contains("Reset")).count() == 3 }).await;
        // Sent concurrently, they may arrive in any order; their Message-IDs
        // (time-ordered ids) give the order they were asked for in.
        let mut resets: Vec<_> = smtp.to("a@harbour.test").into_iter().filter(|mail| mail.subject.contains("Reset")).collect();
        resets.sort_by(|a, b| a.message_id.cmp(&b.message_id));
        let links: Vec<String> = resets.iter().filter_map(|mail| mail.token_in("/reset-password")).collect();
        let replaced = app.client.reset_password(&ResetPasswordRequest { token: links[1].clone(), password: new_password.clone() }).await.unwrap_err();
        assert_eq!(problem_code(&replaced), "token_expired");
        app.store
            .write(|connection| diesel::sql_query("UPDATE account_tokens SET expires_at = created_at").execute(connection).map_err(warren_store::StoreError::from))
            .unwrap();
        let expired = app.client.reset_password(&ResetPasswordRequest { token: links[2].clone(), password: new_password }).await.unwrap_err();
        assert_eq!(problem_code(&expired), "token_expired");
        // Asking is limited per address: five links an hour, for any address alike.
        for email in ["a@harbour.test", "nobody@harbour.test"] {
            let mut refused = None;
            for _ in 0..6 {
                if let Err(error) = app.client.request_password_reset(&ask(email)).await {
                    refused = Some(error);
                    break;
                }
            }
            assert_eq!(refused.expect("limited").status(), Some(429), "{email}");
        }
    }

    async fn invitations_are_emailed_and_new_accounts_confirm_their_address(backend: Backend) {
        let smtp = SmtpServer::start();
        let app = TestApp::spawn_with(backend, |config| config.mail.smtp_url = Some(smtp.url())).await;
        let coordinator = app.network_admin().await;
        // A new organization's first admin is asked to confirm the address.
        let (organization, admin) = app.vetted(&coordinator, "Harbour Vets", "a@harbour.test").await;
        let confirmation = smtp.wait_for("a@harbour.test", "Confirm your e-mail address").await;
        let me = admin.me().await.unwrap().value.user.unwrap();
        assert!(!me.email_confirmed);
        assert!(!admin.my_alert_preferences().await.unwrap().value.email_confirmed);
        // Until then alerts wait in the inbox only.
        admin.create_site(organization, &site("Harbour Vets Surgery", 0.0, "24/7", &[]), None).await.unwrap();
        let (other, other_admin) = app.vetted(&coordinator, "Avon Exotics", "b@avon.test").await;
        let other_site = other_admin.create_site(other, &site("Avon Exotics Hospital", 4.0, "24/7", &[]), None).await.unwrap().value.listing.id;
        let sent = admin.create_referral(organization, &rabbit(vec![other_site], Tier::Standard), None).await.unwrap().items.remove(0);
        move_to(&other_admin, sent.id, ReferralStatus::Received).await;
        eventually("the answer in the inbox", || async { admin.my_alert_summary().await.unwrap().unread >= 1 }).await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(smtp.to("a@harbour.test").iter().all(|mail| !mail.subject.contains("received your referral")));
        let token = confirmation.token_in("/confirm-email").expect("a confirmation link");
        let confirmed = app.client.confirm_email(&ConfirmEmailRequest { token: token.clone() }).await.unwrap();
        assert_eq!(confirmed.email, "a@harbour.test");
        assert!(admin.me().await.unwrap().value.user.unwrap().email_confirmed);
        let again = app.client.confirm_email(&ConfirmEmailRequest { token }).await.unwrap_err();
        assert_eq!(problem_code(&again), "token_used");
        let resend = admin.request_email_confirmation().await.unwrap_err();
        assert_eq!(problem_code(&resend), "already_confirmed");
        // From now on answers are e-mailed.
        move_to(&other_admin, sent.id, ReferralStatus::Accepted).await;
        smtp.wait_for("a@harbour.test", "accepted your referral").await;

        // An invitation is e-mailed with its link; accepting it confirms the address.
        let invitation = admin.invite(organization, &CreateInvitationRequest { email: Email::parse("new@harbour.test").unwrap(), role: Role::Clinician }, None).await.unwrap();
        let mail = smtp.wait_for("new@harbour.test", "invited you to Harbour Vets").await;
        assert!(mail.text.contains(&invitation.accept_url), "{}", mail.text);
        assert!(mail.text.contains("Ada Admin invited you to join Harbour Vets on Warren as a clinician"));
        let accepted = app.client.accept_invitation(&AcceptInvitationRequest { token: invitation.token, name: Some(PersonName::parse("Nia New").unwrap()), password: PASSWORD.into() }).await.unwrap();
        assert!(accepted.user.email_confirmed);
    }
}

on_both_databases! {
    async fn an_alert_nobody_acknowledges_reaches_the_admins_then_ends(app) {
        let night = night(&app, |okafor, _| Rota { shifts: vec![Shift { user_id: okafor, hours: hours("24/7") }], overrides: vec![] }).await;
        // The receiving clinic's software hears of its alerts by webhook.
        let kinds = ["alert.raised", "alert.acknowledged", "alert.unacknowledged"].map(|kind| warren_wire::EventKind::parse(kind).unwrap());
        let hook = night
            .receiver_admin
            .create_webhook(night.receiver, &warren_wire::CreateWebhookRequest { url: warren_domain::Website::parse("http://127.0.0.1:9/alerts").unwrap(), events: kinds.to_vec(), description: None }, None)
            .await
            .unwrap()
            .webhook;
        let sent = night.referrer_admin.create_referral(night.referrer, &rabbit(vec![night.receiver_site], Tier::VeryUrgent), None).await.unwrap().items.remove(0);
        eventually("Dr Okafor's alert", || async { urgent_alerts(&night.okafor).await.len() == 1 }).await;
        acknowledge_time_passes(&app);
        eventually("the admins' alert", || async { urgent_alerts(&night.receiver_admin).await.len() == 1 }).await;
        acknowledge_time_passes(&app);
        eventually("the end of the chain", || async {
            night.referrer_admin.referral_timeline(sent.id).await.unwrap().items.iter().any(|entry| entry.kind == "alert_unanswered")
        })
        .await;
        let chain = urgent_alerts(&night.okafor).await.remove(0).chain.unwrap();
        assert!(chain.exhausted_at.is_some());
        assert_eq!(chain.steps, 2);
        assert!(urgent_alerts(&night.lee).await.is_empty(), "Dr Lee is not on the rota");
        let today = Utc::now().date_naive().to_string();
        let board = night.coordinator.dashboard(&DashboardQuery { from: Some(today.clone()), to: Some(today), organization_id: None }).await.unwrap();
        assert_eq!(board.figures.alerts_unacknowledged, 1);
        let table = board.table("acknowledgement_by_tier").unwrap();
        assert_eq!(table.value("very_urgent", "unacknowledged"), Some(1.0));
        // Answering the referral acknowledges a running chain; accepting a
        // second one stops it at once.
        let second = night.referrer_admin.create_referral(night.referrer, &rabbit(vec![night.receiver_site], Tier::Immediate), None).await.unwrap().items.remove(0);
        eventually("the second alert", || async { urgent_alerts(&night.okafor).await.len() == 2 }).await;
        move_to(&night.okafor, second.id, ReferralStatus::Accepted).await;
        let chain = urgent_alerts(&night.okafor).await.into_iter().find(|alert| alert.referral_id == Some(second.id)).unwrap().chain.unwrap();
        assert_eq!(chain.acknowledged_by.as_deref(), Some("Dr Okafor"));
        assert_eq!(chain.acknowledged_via, Some(AcknowledgedVia::Answer));
        let deliveries = night.receiver_admin.webhook_deliveries(night.receiver, hook.id, &warren_wire::DeliveryQuery::default()).await.unwrap().items;
        let mut sent: Vec<&str> = deliveries.iter().map(|delivery| delivery.kind.as_str()).collect();
        sent.sort_unstable();
        assert_eq!(sent, ["alert.acknowledged", "alert.raised", "alert.raised", "alert.unacknowledged"]);
        let acknowledged = deliveries.iter().find(|delivery| delivery.kind == "alert.acknowledged").unwrap();
        assert_eq!(acknowledged.payload["acknowledged_by"], "Dr Okafor");
        assert_eq!(acknowledged.payload["referral_id"], second.id.to_string());
    }

    async fn rotas_are_checked_gaps_are_flagged_and_people_see_their_shifts(app) {
        let night = night(&app, night_rota).await;
        let rota = night.receiver_admin.on_call_rota(night.receiver_site).await.unwrap();
        assert_eq!(rota.value.on_call_now.iter().map(|person| person.name.as_str()).collect::<Vec<_>>(), ["Dr Okafor", "Dr Lee"]);
        assert!(rota.value.gaps.is_empty());
        assert_eq!(rota.value.default_contact.as_deref(), Some("Night desk <desk@night.test>"));
        // Nobody on call at any time is refused, naming the field.
        let never = Rota { shifts: vec![Shift { user_id: night.okafor_id, hours: hours("off") }], overrides: vec![] };
        let refused = night.receiver_admin.save_on_call_rota(night.receiver_site, &never, &rota.etag).await.unwrap_err();
        assert_eq!(refused.status(), Some(422));
        // Someone outside the organization cannot be on its rota.
        let stranger = Rota { shifts: vec![Shift { user_id: Uuid::now_v7(), hours: hours("24/7") }], overrides: vec![] };
        let refused = night.receiver_admin.save_on_call_rota(night.receiver_site, &stranger, &rota.etag).await.unwrap_err();
        assert_eq!(refused.status(), Some(422));
        // Only admins change it; other organizations do not see it.
        let denied = night.okafor.save_on_call_rota(night.receiver_site, &rota.value.rota, &rota.etag).await.unwrap_err();
        assert_eq!(denied.status(), Some(403));
        assert_eq!(night.referrer_admin.on_call_rota(night.receiver_site).await.unwrap_err().status(), Some(404));
        // Days only, with Dr Lee covering tonight: a gap, flagged to the admins.
        let now = Utc::now();
        let days = Rota {
            shifts: vec![Shift { user_id: night.okafor_id, hours: hours("Mo-Fr 09:00-17:00") }],
            overrides: vec![Override { user_id: night.lee_id, starts_at: now - chrono::TimeDelta::hours(1), ends_at: now + chrono::TimeDelta::hours(4), note: Some(ShortText::parse("Covers tonight").unwrap()) }],
        };
        let saved = night.receiver_admin.save_on_call_rota(night.receiver_site, &days, &rota.etag).await.unwrap();
        assert!(!saved.value.gaps.is_empty());
        assert_eq!(saved.value.on_call_now[0].name, "Dr Lee", "the override goes first");
        let stale = night.receiver_admin.save_on_call_rota(night.receiver_site, &days, &rota.etag).await.unwrap_err();
        assert_eq!(stale.status(), Some(412));
        eventually("the gap alert", || async {
            night.receiver_admin.my_alerts(&AlertQuery { kind: Some(AlertKind::RotaGap), ..AlertQuery::default() }).await.unwrap().items.len() == 1
        })
        .await;
        let queue = night.coordinator.audit_queue(&warren_wire::AuditQueueQuery::default()).await.unwrap();
        let listed = queue.items.iter().find(|item| item.site_id == night.receiver_site).expect("on the audit queue");
        assert!(listed.rota_gap.is_some(), "the gap is flagged on the audit queue");
        let shifts = night.lee.my_shifts().await.unwrap();
        assert!(shifts.on_call_now);
        assert_eq!(shifts.items.len(), 1);
        assert_eq!(shifts.items[0].site_name, "Night Vets Emergency");
        // In a gap, the primary referral contact is alerted (an address outside Warren).
        let nobody = Rota { shifts: vec![Shift { user_id: night.okafor_id, hours: hours(&format!("Mo-Su {:02}:00-{:02}:00", (two_hours_ahead(4)), two_hours_ahead(5))) }], overrides: vec![] };
        night.receiver_admin.save_on_call_rota(night.receiver_site, &nobody, &saved.etag).await.unwrap();
        let sent = night.referrer_admin.create_referral(night.referrer, &rabbit(vec![night.receiver_site], Tier::Immediate), None).await.unwrap().items.remove(0);
        eventually("the desk is alerted", || async {
            night.receiver_admin.referral_timeline(sent.id).await.unwrap().items.iter().any(|entry| {
                entry.kind == "alerted" && entry.note.as_deref().unwrap_or_default().contains("Night desk (primary referral contact of Night Vets Emergency) by e-mail")
            })
        })
        .await;
    }

    async fn housekeeping_reaches_the_people_it_concerns_once(app) {
        let night = night(&app, night_rota).await;
        let harbour_site = night.referrer_admin.sites(night.referrer).await.unwrap().items[0].listing.id;
        // An assured listing whose next audit falls due in two days.
        night.coordinator.assure_site(harbour_site).await.unwrap();
        // A capacity declaration that has just lapsed.
        night.receiver_admin.set_capacity(night.receiver_site, &warren_wire::SetCapacityRequest { status: warren_domain::directory::CapacityLevel::Full, expires_in_minutes: Some(15) }).await.unwrap();
        app.store
            .write(|connection| {
                use diesel::{ExpressionMethods, QueryDsl};
                use warren_store::schema::sites;
                diesel::update(sites::table.filter(sites::assured_at.is_not_null()))
                    .set(sites::next_audit_due.eq(warren_store::now() + chrono::TimeDelta::days(2)))
                    .execute(connection)
                    .map_err(warren_store::StoreError::from)?;
                diesel::sql_query("UPDATE sites SET capacity_expires_at = capacity_declared_at WHERE capacity_declared_at IS NOT NULL")
                    .execute(connection)
                    .map_err(warren_store::StoreError::from)
            })
            .unwrap();
        // A volunteer's first-aid certificate that lapses in five days.
        let lapse = Utc::now().date_naive() + chrono::TimeDelta::days(5);
        night
            .lee
            .save_volunteer_profile(
                &warren_wire::VolunteerProfileRequest {
                    skills: vec![warren_domain::people::SkillEntry { skill: warren_domain::people::Skill::FirstAid, expires_on: Some(lapse) }],
                    availability: hours("24/7"),
                    timezone: None,
                    area: ShortText::parse("Clifton").unwrap(),
                    latitude: None,
                    longitude: None,
                    radius_km: None,
                    has_vehicle: false,
                    notes: None,
                    active: true,
                },
                None,
            )
            .await
            .unwrap();
        // An outcome whose follow-up is due today.
        let sent = night.referrer_admin.create_referral(night.referrer, &rabbit(vec![night.receiver_site], Tier::Standard), None).await.unwrap().items.remove(0);
        move_to(&night.okafor, sent.id, ReferralStatus::Accepted).await;
        let current = night.okafor.referral(sent.id).await.unwrap();
        night
            .okafor
            .record_referral_outcome(
                sent.id,
                &warren_wire::RecordOutcomeRequest { kind: warren_domain::referral::OutcomeKind::TreatedAndReturned, note: None, follow_up_due: Some(Utc::now().date_naive()) },
                &current.etag,
            )
            .await
            .unwrap();

        let of_kind = |client: &Client, kind: AlertKind| {
            let client = client.clone();
            async move { client.my_alerts(&AlertQuery { kind: Some(kind), ..AlertQuery::default() }).await.unwrap().items }
        };
        eventually("every sweep's alert", || async {
            of_kind(&night.referrer_admin, AlertKind::AuditDue).await.len() == 1
                && of_kind(&night.okafor, AlertKind::CapacityLapsed).await.len() == 1
                && of_kind(&night.lee, AlertKind::SkillExpiring).await.len() == 1
                && of_kind(&night.referrer_admin, AlertKind::FollowUpDue).await.len() == 1
        })
        .await;
        let audit = of_kind(&night.referrer_admin, AlertKind::AuditDue).await.remove(0);
        assert_eq!(audit.delivery, DeliveryMode::Digest, "housekeeping waits for the digest by default");
        assert!(audit.title.contains("Harbour Vets Surgery"), "{}", audit.title);
        assert_eq!(of_kind(&night.receiver_admin, AlertKind::CapacityLapsed).await.len(), 1, "every decider of the site");
        assert!(of_kind(&night.okafor, AlertKind::AuditDue).await.is_empty(), "not another organization's listing");
        // More sweeps (each runs every twelve rounds) raise nothing twice.
        tokio::time::sleep(Duration::from_millis(3000)).await;
        assert_eq!(of_kind(&night.referrer_admin, AlertKind::AuditDue).await.len(), 1);
        assert_eq!(of_kind(&night.lee, AlertKind::SkillExpiring).await.len(), 1);
        assert_eq!(of_kind(&night.referrer_admin, AlertKind::FollowUpDue).await.len(), 1);
    }

    async fn alerts_are_private_and_bad_input_gets_problems(app) {
        let night = night(&app, night_rota).await;
        night.referrer_admin.create_referral(night.referrer, &rabbit(vec![night.receiver_site], Tier::Immediate), None).await.unwrap();
        eventually("the alert", || async { urgent_alerts(&night.okafor).await.len() == 1 }).await;
        let alert = urgent_alerts(&night.okafor).await.remove(0);
        // Someone else's alert is not found; an unknown one neither.
        assert_eq!(night.lee.acknowledge_alert(alert.id).await.unwrap_err().status(), Some(404));
        assert_eq!(night.okafor.acknowledge_alert(Uuid::now_v7()).await.unwrap_err().status(), Some(404));
        // An unknown link is not found.
        assert_eq!(app.client.acknowledge_alert_by_token("wra_unknown").await.unwrap_err().status(), Some(404));
        assert_eq!(app.client.preview_alert_acknowledgement("wra_unknown").await.unwrap_err().status(), Some(404));
        // The inbox needs a person.
        assert_eq!(app.client.my_alerts(&AlertQuery::default()).await.unwrap_err().status(), Some(401));
        let bad_cursor = night.okafor.my_alerts(&AlertQuery { cursor: Some("nope".into()), ..AlertQuery::default() }).await.unwrap_err();
        assert_eq!(bad_cursor.status(), Some(400));
        // Acknowledging from the inbox stops the chain; twice says who did.
        let first = night.okafor.acknowledge_alert(alert.id).await.unwrap();
        assert!(first.by_this_request);
        assert_eq!(first.chain.acknowledged_via, Some(AcknowledgedVia::Inbox));
        let second = night.okafor.acknowledge_alert(alert.id).await.unwrap();
        assert!(!second.by_this_request);
        assert_eq!(second.chain.acknowledged_by.as_deref(), Some("Dr Okafor"));
        // A non-urgent alert is marked read, not acknowledged.
        let sent = night.referrer_admin.create_referral(night.referrer, &rabbit(vec![night.receiver_site], Tier::Standard), None).await.unwrap().items.remove(0);
        move_to(&night.okafor, sent.id, ReferralStatus::Received).await;
        eventually("the answer", || async { night.referrer_admin.my_alert_summary().await.unwrap().unread >= 1 }).await;
        let answer = night.referrer_admin.my_alerts(&AlertQuery { state: Some(AlertFilter::Unread), ..AlertQuery::default() }).await.unwrap().items.remove(0);
        let refused = night.referrer_admin.acknowledge_alert(answer.id).await.unwrap_err();
        assert_eq!(problem_code(&refused), "not_acknowledgeable");
        let marked = night.referrer_admin.mark_alerts_read(&MarkAlertsReadRequest { ids: Some(vec![answer.id]) }).await.unwrap();
        assert_eq!(marked.marked, 1);
        let marked_again = night.referrer_admin.mark_alerts_read(&MarkAlertsReadRequest { ids: Some(vec![answer.id]) }).await.unwrap();
        assert_eq!(marked_again.marked, 0);
        // Acknowledge times are the network's.
        assert_eq!(night.okafor.acknowledge_times().await.unwrap().acknowledge_times, AcknowledgeTimes::default());
        let denied = night.receiver_admin.set_acknowledge_times(&AcknowledgeTimes { immediate: 3, very_urgent: 6 }).await.unwrap_err();
        assert_eq!(denied.status(), Some(403));
        let backwards = night.coordinator.set_acknowledge_times(&AcknowledgeTimes { immediate: 9, very_urgent: 6 }).await.unwrap_err();
        assert_eq!(backwards.status(), Some(422));
        let set = night.coordinator.set_acknowledge_times(&AcknowledgeTimes { immediate: 3, very_urgent: 6 }).await.unwrap();
        assert_eq!(set.acknowledge_times.immediate, 3);
    }
}

/// The local hour, in the receiving site's night timezone, `hours` from
/// now.
fn two_hours_ahead(hours: u32) -> u32 {
    (2 + hours) % 24
}

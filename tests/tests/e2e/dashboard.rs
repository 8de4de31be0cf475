//! The golden-hour dashboard on both databases: last month's figures match
//! a count made here straight from the demo network's referrals; an
//! organization's admins see their own organization only, clinicians and
//! other organizations get 403, network admins see everything; every table
//! comes as the same CSV the browser saves; malformed, reversed and
//! over-long periods are refused naming the field.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDateTime, Utc};
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use warren_client::{Client, ClientError};
use warren_domain::dashboard::Period;
use warren_seed::demo::DEMO_PASSWORD;
use warren_wire::{Dashboard, DashboardCsvQuery, DashboardQuery, ReportQuery, TABLES};

/// One referral as counted here.
struct Sent {
    case: String,
    sent: NaiveDateTime,
    priority: i32,
    status: String,
    accepted: bool,
    reason: Option<String>,
    escalation: i32,
    referrer: String,
    receiver: String,
}

/// The referrals sent last month, read straight from the database.
fn last_month(app: &warren_tests::TestApp) -> Vec<Sent> {
    let period = Period::last_full_month(Utc::now().date_naive());
    type Row = (
        String,
        Option<NaiveDateTime>,
        i32,
        String,
        Option<NaiveDateTime>,
        Option<String>,
        i32,
        String,
        String,
    );
    let rows: Vec<Row> = app
        .store
        .read(|connection| {
            use warren_store::schema::referrals::dsl;
            dsl::referrals
                .filter(dsl::sent_at.is_not_null())
                .select((
                    dsl::case_id,
                    dsl::sent_at,
                    dsl::priority,
                    dsl::status,
                    dsl::accepted_at,
                    dsl::reject_reason,
                    dsl::escalation_level,
                    dsl::referrer_org_id,
                    dsl::receiver_org_id,
                ))
                .load(connection)
                .map_err(warren_store::StoreError::from)
        })
        .unwrap();
    rows.into_iter()
        .filter_map(
            |(case, sent, priority, status, accepted, reason, escalation, referrer, receiver)| {
                let sent = sent?;
                (sent >= period.start() && sent < period.end()).then_some(Sent {
                    case,
                    sent,
                    priority,
                    status,
                    accepted: accepted.is_some(),
                    reason,
                    escalation,
                    referrer,
                    receiver,
                })
            },
        )
        .collect()
}

const TIERS: [&str; 5] = [
    "immediate",
    "very_urgent",
    "urgent",
    "standard",
    "non_urgent",
];

/// Checks `dashboard`'s referral figures against `sent`.
fn matches_count(dashboard: &Dashboard, sent: &[&Sent]) {
    let figures = &dashboard.figures;
    assert_eq!(figures.referrals, sent.len() as u64);
    let accepted = sent.iter().filter(|one| one.accepted).count() as u64;
    let declined = sent.iter().filter(|one| one.status == "rejected").count() as u64;
    assert_eq!((figures.accepted, figures.declined), (accepted, declined));
    let rate = accepted as f64 / (accepted + declined) as f64;
    assert!((figures.acceptance_rate.unwrap() - rate).abs() < 1e-9);
    assert_eq!(
        figures.escalations,
        sent.iter().filter(|one| one.escalation > 0).count() as u64
    );
    // Cases: each counted once, in the tier of its first referral.
    let mut first: BTreeMap<&str, (NaiveDateTime, i32)> = BTreeMap::new();
    for one in sent {
        let entry = first.entry(&one.case).or_insert((one.sent, one.priority));
        if one.sent < entry.0 {
            *entry = (one.sent, one.priority);
        }
    }
    assert_eq!(figures.cases, first.len() as u64);
    let cases = dashboard.table("cases_by_tier").unwrap();
    for (index, tier) in TIERS.iter().enumerate() {
        let count = first
            .values()
            .filter(|(_, priority)| *priority == index as i32 + 1)
            .count();
        assert_eq!(cases.value(tier, "cases"), Some(count as f64), "{tier}");
    }
    let reasons = dashboard.table("decline_reasons").unwrap();
    for row in &reasons.rows {
        let count = sent
            .iter()
            .filter(|one| one.reason.as_deref() == Some(row.label.as_str()))
            .count();
        assert_eq!(row.values[0], Some(count as f64), "{}", row.label);
    }
    let over_time = dashboard.table("referrals_over_time").unwrap();
    let summed: f64 = over_time.rows.iter().filter_map(|row| row.values[0]).sum();
    assert_eq!(summed, sent.len() as f64);
}

fn problem_field(error: ClientError, status: u16) -> String {
    assert_eq!(error.status(), Some(status), "{error:?}");
    let ClientError::Problem(problem) = error else {
        panic!("{error:?}")
    };
    problem
        .errors
        .first()
        .map(|error| error.field.clone())
        .unwrap_or_default()
}

async fn demo_client(app: &warren_tests::TestApp, email: &str) -> Client {
    let tokens = app.tokens(email, DEMO_PASSWORD).await;
    app.client.with_access_token(&tokens.access_token)
}

warren_tests::on_both_databases! {
    async fn the_dashboard_counts_last_month_and_each_admin_sees_only_their_organization(backend: Backend) {
        // No escalation job while the test reads: an escalation would open a
        // referral between two reads of the open-referral figures.
        let app = warren_tests::TestApp::spawn_with(backend, |config| {
            config.job_interval = std::time::Duration::from_secs(3600);
        })
        .await;
        let store = app.store.clone();
        tokio::task::spawn_blocking(move || warren_seed::demo::load(&store)).await.unwrap().unwrap();
        let coordinator = app.network_admin().await;
        let sent = last_month(&app);
        assert!(sent.len() >= 40, "the demo fills last month: {}", sent.len());

        // The whole network, by default over last month.
        let network = coordinator.dashboard(&DashboardQuery::default()).await.unwrap();
        let period = Period::last_full_month(Utc::now().date_naive());
        assert_eq!((network.from, network.to), (period.from(), period.to()));
        assert_eq!(network.organization_id, None);
        matches_count(&network, &sent.iter().collect::<Vec<_>>());
        let names: Vec<&str> = network.tables.iter().map(|table| table.name.as_str()).collect();
        assert_eq!(names, TABLES);
        assert!(network.figures.escalations > 0, "the demo escalates some");
        assert!(network.figures.declined > 0, "the demo declines some");
        assert!(network.figures.open_referrals > 0, "the demo has open referrals");
        assert!(network.figures.audits_overdue > 0, "the demo has overdue audits");
        assert!(network.figures.overdue_loans >= 1, "the demo has an overdue loan");
        assert!(network.figures.kit_utilisation.unwrap() > 0.0, "kit was lent last month");
        assert!(network.figures.median_minutes_to_first_vet.is_some());

        // The public report shows the same month, minus hidden cells.
        let month = format!("{:04}-{:02}", period.from().year(), period.from().month());
        let report = app
            .client
            .public_report(&ReportQuery { from: Some(month.clone()), to: Some(month.clone()) })
            .await
            .unwrap();
        let row = &report.cases_by_tier.rows[0];
        let cases = network.table("cases_by_tier").unwrap();
        for (index, cell) in row.cells.iter().enumerate() {
            if let Some(count) = cell {
                assert_eq!(cases.rows[index].values[0], Some(*count as f64), "{}", TIERS[index]);
            }
        }
        assert!(row.cells.iter().any(Option::is_some), "last month's tiers are published");
        if let Some(total) = row.total {
            assert_eq!(network.figures.cases, total);
        }
        let figures = &report.months[0];
        if let Some(rate) = figures.acceptance_rate {
            assert!((network.figures.acceptance_rate.unwrap() - rate).abs() < 1e-9);
        }
        if let Some(minutes) = figures.median_minutes_to_first_vet {
            assert!((network.figures.median_minutes_to_first_vet.unwrap() - minutes).abs() < 0.06);
        }

        // An organization's admin sees that organization: what it sent or
        // received.
        let admin = demo_client(&app, "admin@harbourside.demo").await;
        let me = admin.me().await.unwrap();
        let harbourside = me.value.memberships[0].organization.id;
        let own = DashboardQuery { organization_id: Some(harbourside), ..Default::default() };
        let mine = admin.dashboard(&own).await.unwrap();
        assert_eq!(mine.organization_id, Some(harbourside));
        let id = harbourside.to_string();
        let theirs: Vec<&Sent> = sent
            .iter()
            .filter(|one| one.referrer == id || one.receiver == id)
            .collect();
        assert!(!theirs.is_empty(), "Harbourside took part last month");
        matches_count(&mine, &theirs);
        assert!(mine.figures.sites < network.figures.sites);
        // The coordinator sees the same for it.
        assert_eq!(coordinator.dashboard(&own).await.unwrap().figures, mine.figures);

        // Not the network, not another organization, not as a clinician.
        let error = admin.dashboard(&DashboardQuery::default()).await.unwrap_err();
        assert_eq!(error.status(), Some(403));
        let other: BTreeSet<String> = sent
            .iter()
            .flat_map(|one| [one.referrer.clone(), one.receiver.clone()])
            .filter(|org| *org != id)
            .collect();
        let other = other.iter().next().unwrap().parse().unwrap();
        let error = admin
            .dashboard(&DashboardQuery { organization_id: Some(other), ..Default::default() })
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(403));
        let clinician = demo_client(&app, "vet@harbourside.demo").await;
        assert_eq!(clinician.dashboard(&own).await.unwrap_err().status(), Some(403));
        assert_eq!(app.client.dashboard(&own).await.unwrap_err().status(), Some(401));
        let unknown = DashboardQuery { organization_id: Some(uuid::Uuid::nil()), ..Default::default() };
        assert_eq!(coordinator.dashboard(&unknown).await.unwrap_err().status(), Some(404));

        // Every table as CSV, the same file as the JSON table gives.
        for table in &network.tables {
            let file = coordinator
                .dashboard_csv(&DashboardCsvQuery { table: table.name.clone(), ..Default::default() })
                .await
                .unwrap();
            assert!(file.content_type.starts_with("text/csv"), "{}", file.content_type);
            assert_eq!(file.file_name.as_deref(), Some(table.file_name(network.from, network.to).as_str()));
            assert_eq!(file.body, table.csv(), "{}", table.name);
            assert_eq!(file.body.lines().count(), table.rows.len() + 1);
        }
        let csv = admin
            .dashboard_csv(&DashboardCsvQuery {
                table: "cases_by_tier".into(),
                organization_id: Some(harbourside),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(csv.body, mine.table("cases_by_tier").unwrap().csv());
        assert!(csv.body.starts_with("tier,cases\r\n"), "{}", csv.body);
        let error = coordinator
            .dashboard_csv(&DashboardCsvQuery { table: "passwords".into(), ..Default::default() })
            .await
            .unwrap_err();
        assert_eq!(problem_field(error, 400), "table");
        let error = clinician
            .dashboard_csv(&DashboardCsvQuery {
                table: "cases_by_tier".into(),
                organization_id: Some(harbourside),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(403));

        // A chosen period: the same month asked for explicitly is the same.
        let explicit = coordinator
            .dashboard(&DashboardQuery {
                from: Some(period.from().to_string()),
                to: Some(period.to().to_string()),
                organization_id: None,
            })
            .await
            .unwrap();
        assert_eq!(explicit.figures.referrals, network.figures.referrals);
        assert_eq!(explicit.tables[0], network.tables[0]);

        // Malformed, reversed and over-long periods name the field.
        for (from, to, field) in [
            ("2026-13-01", "2026-11-01", "from"),
            ("2026-10-01", "yesterday", "to"),
            ("2026-10-02", "2026-10-01", "from"),
            ("2020-01-01", "2026-01-01", "to"),
        ] {
            let query = DashboardQuery { from: Some(from.into()), to: Some(to.into()), organization_id: None };
            let error = coordinator.dashboard(&query).await.unwrap_err();
            assert_eq!(problem_field(error, 400), field, "{from}..{to}");
        }
    }
}

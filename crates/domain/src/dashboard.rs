//! The golden-hour dashboard: how fast the network answers and sees its
//! cases, how full its boards are, how true its directory is and how its kit
//! is used, over a chosen period.
//!
//! Every figure is built here from narrow inputs the store gathers (referrals
//! sent in the period, counts of what is open or overdue now, loans), so the
//! server and the browser agree. Cases and time to first vet are counted
//! exactly as the public report counts them ([`crate::report`]): a case sent
//! to several receivers counts once, in the month and tier of its first
//! referral, and its wait runs from that first referral to the first vet
//! contact. Referral figures (acceptance, decline reasons, time to accept)
//! come from [`crate::referral::metrics`].
//!
//! Each chart is drawn from a [`Table`], and [`Table::csv`] is the file both
//! the CSV endpoint and the browser's download produce, byte for byte.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::care::{CareStage, days_per_stage};
use crate::referral::RejectReason;
use crate::referral::metrics::{Timing, quantile, summarize};
use crate::report::{Month, ReportedReferral, cases, median, tier_code};
use crate::triage::{Tier, TierSpec, default_protocol};

/// The longest period a dashboard covers, in days (two years).
pub const MAX_PERIOD_DAYS: i64 = 731;

/// A period of whole days, both ends included (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    from: NaiveDate,
    to: NaiveDate,
}

/// Why a period is refused; each names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// `from` is after `to`.
    #[error("from must not be after to")]
    Reversed,
    /// The period is longer than [`MAX_PERIOD_DAYS`].
    #[error("the period must be at most two years")]
    TooLong,
}

impl PeriodError {
    /// The query field to blame.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Reversed => "from",
            Self::TooLong => "to",
        }
    }
}

impl Period {
    /// The period from `from` to `to`, both included.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, PeriodError> {
        if from > to {
            return Err(PeriodError::Reversed);
        }
        if (to - from).num_days() + 1 > MAX_PERIOD_DAYS {
            return Err(PeriodError::TooLong);
        }
        Ok(Self { from, to })
    }

    /// The `days` days up to and including `today` (at least one): today's
    /// work counts at once, which a calendar month's figures only show
    /// when the month is over.
    pub fn last_days(today: NaiveDate, days: u32) -> Self {
        let back = u64::from(days.clamp(1, MAX_PERIOD_DAYS as u32) - 1);
        let from = today
            .checked_sub_days(chrono::Days::new(back))
            .unwrap_or(today);
        Self { from, to: today }
    }

    /// The last full calendar month before `today`.
    pub fn last_full_month(today: NaiveDate) -> Self {
        let this_month = Month::of(today).first_day();
        let from = this_month
            .checked_sub_months(Months::new(1))
            .unwrap_or(this_month);
        let to = this_month.pred_opt().unwrap_or(this_month);
        Self { from, to }
    }

    /// The first day.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The last day.
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// How many days it covers.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// Its first instant.
    pub fn start(&self) -> NaiveDateTime {
        self.from.and_time(NaiveTime::MIN)
    }

    /// The instant just after it.
    pub fn end(&self) -> NaiveDateTime {
        (self.to + Duration::days(1)).and_time(NaiveTime::MIN)
    }

    /// How its charts over time are bucketed: by day up to a month, by
    /// week up to half a year, by month beyond.
    pub fn granularity(&self) -> Granularity {
        match self.days() {
            days if days <= 31 => Granularity::Day,
            days if days <= 183 => Granularity::Week,
            _ => Granularity::Month,
        }
    }

    /// The first day of each bucket the period touches, in order.
    pub fn buckets(&self) -> Vec<NaiveDate> {
        let granularity = self.granularity();
        let mut buckets = Vec::new();
        let mut day = granularity.bucket_of(self.from);
        while day <= self.to {
            buckets.push(day);
            day = granularity.next(day);
        }
        buckets
    }
}

/// The width of a bucket in charts over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    /// One bucket per day.
    Day,
    /// One bucket per ISO week, starting on Monday.
    Week,
    /// One bucket per calendar month.
    Month,
}

impl Granularity {
    /// The first day of the bucket `date` falls in.
    pub fn bucket_of(self, date: NaiveDate) -> NaiveDate {
        match self {
            Self::Day => date,
            Self::Week => date - Duration::days(i64::from(date.weekday().num_days_from_monday())),
            Self::Month => Month::of(date).first_day(),
        }
    }

    fn next(self, bucket: NaiveDate) -> NaiveDate {
        match self {
            Self::Day => bucket + Duration::days(1),
            Self::Week => bucket + Duration::days(7),
            Self::Month => Month::of(bucket).next().first_day(),
        }
    }

    fn label(self, bucket: NaiveDate) -> String {
        match self {
            Self::Day | Self::Week => bucket.format("%Y-%m-%d").to_string(),
            Self::Month => Month::of(bucket).to_string(),
        }
    }
}

/// A table behind a chart: one row per category or bucket, one column per
/// measure; `null` marks a value that cannot be computed (e.g. a median of
/// no cases).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Table {
    /// Stable name, e.g. `cases_by_tier`; the CSV endpoint's `table`.
    pub name: String,
    /// Human title.
    pub title: String,
    /// Heading of the first column, which labels the rows (e.g. `tier`).
    pub label: String,
    /// Headings of the measures.
    pub columns: Vec<String>,
    /// Which measures the chart draws, by index into `columns`.
    pub plotted: Vec<usize>,
    /// The rows.
    pub rows: Vec<TableRow>,
}

/// One row of a [`Table`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TableRow {
    /// The row's label (a tier, a day, a reason…).
    pub label: String,
    /// One value per column.
    pub values: Vec<Option<f64>>,
}

/// A number as the dashboard writes it: whole numbers without decimals,
/// others with one; nothing for a missing value.
pub fn format_value(value: Option<f64>) -> String {
    match value {
        None => String::new(),
        Some(value) if value.fract() == 0.0 && value.abs() < 1e15 => format!("{}", value as i64),
        Some(value) => format!("{value:.1}"),
    }
}

/// One CSV field, quoted as RFC 4180 asks when it holds a comma, a quote or
/// a line break; a leading `=`, `+`, `-` or `@` in text is prefixed with `'`
/// so spreadsheets do not run it as a formula.
// Written here rather than with the `csv` crate: the tables are small, all
// in memory, and this keeps the browser bundle free of a dependency.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '@'])
        || (text.starts_with('-') && text.parse::<f64>().is_err())
    {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

impl Table {
    /// The table as CSV (RFC 4180, CRLF line ends): a heading line, then
    /// one line per row.
    pub fn csv(&self) -> String {
        let mut out = String::new();
        let heading: Vec<String> = std::iter::once(&self.label)
            .chain(&self.columns)
            .map(|text| csv_field(text))
            .collect();
        out.push_str(&heading.join(","));
        out.push_str("\r\n");
        for row in &self.rows {
            let line: Vec<String> = std::iter::once(csv_field(&row.label))
                .chain(row.values.iter().map(|value| format_value(*value)))
                .collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        out
    }

    /// The file name a download of it gets, e.g.
    /// `warren-cases_by_tier-2026-10-01-2026-10-31.csv`.
    pub fn file_name(&self, from: NaiveDate, to: NaiveDate) -> String {
        format!("warren-{}-{from}-{to}.csv", self.name)
    }

    /// The value at `row` (by label) and `column` (by heading).
    pub fn value(&self, row: &str, column: &str) -> Option<f64> {
        let column = self.columns.iter().position(|heading| heading == column)?;
        self.rows
            .iter()
            .find(|candidate| candidate.label == row)?
            .values
            .get(column)
            .copied()
            .flatten()
    }
}

/// One referral sent in the period, as both the public report and the
/// referral metrics read it.
#[derive(Debug, Clone, PartialEq)]
pub struct SentReferral {
    /// What the public report counts.
    pub report: ReportedReferral,
    /// What the referral metrics time.
    pub timing: Timing,
}

/// What is true now rather than over the period: open referrals, the
/// directory's freshness and the kit's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// Open (sent, not closed) referrals per tier.
    pub open_by_tier: BTreeMap<Tier, u64>,
    /// When each open referral no vet has seen yet was sent, with its tier.
    pub waiting: Vec<(Tier, DateTime<Utc>)>,
    /// Listed sites.
    pub sites: u64,
    /// Sites whose audit is overdue.
    pub audits_overdue: u64,
    /// Sites whose declared capacity has expired.
    pub capacity_expired: u64,
    /// Kit by category.
    pub kit: Vec<KitCategory>,
    /// Loans that overlap the period.
    pub loans: Vec<Loan>,
    /// Urgent alerts' chains started in the period.
    pub chains: Vec<ChainTiming>,
    /// The care of the animals in care during the period.
    pub care: Vec<CareHistory>,
}

/// One animal's care, as the dashboard counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareHistory {
    /// Species or group code.
    pub species: String,
    /// Its stage changes, oldest first.
    pub stages: Vec<(CareStage, DateTime<Utc>)>,
    /// Its plan's milestones: the date each is due by (if it has a target)
    /// and the date it was met.
    pub milestones: Vec<(Option<NaiveDate>, Option<NaiveDate>)>,
    /// When its next post-release follow-up is due.
    pub follow_up_due: Option<NaiveDate>,
}

/// One urgent alert's chain: its tier, how long until someone acknowledged
/// it, and whether it reached its end with nobody acknowledging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainTiming {
    /// The tier pacing it.
    pub tier: Tier,
    /// Seconds from the first alert to the acknowledgement, if any.
    pub acknowledged_after_seconds: Option<i64>,
    /// Whether everyone on call and the admins were alerted and nobody
    /// acknowledged in time.
    pub exhausted: bool,
}

/// One category of kit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KitCategory {
    /// The category's code, e.g. `oxygen_concentrator`.
    pub category: String,
    /// Items in the library (retired ones left out).
    pub items: u64,
    /// Loans out past their end now.
    pub overdue_loans: u64,
}

/// One loan: when the item went out and came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loan {
    /// The item's category code.
    pub category: String,
    /// Checked out.
    pub out: DateTime<Utc>,
    /// Returned; `None` while it is still out.
    pub back: Option<DateTime<Utc>>,
}

/// The headline figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DashboardFigures {
    /// Referrals sent in the period.
    pub referrals: u64,
    /// Cases (an animal referred, to one receiver or several).
    pub cases: u64,
    /// Referrals accepted.
    pub accepted: u64,
    /// Referrals declined.
    pub declined: u64,
    /// Accepted ÷ answered referrals; absent when none was answered.
    pub acceptance_rate: Option<f64>,
    /// Median minutes from sending to acceptance.
    pub median_minutes_to_accept: Option<f64>,
    /// Median minutes from a case's first referral to a vet first seeing
    /// the animal.
    pub median_minutes_to_first_vet: Option<f64>,
    /// 90th percentile of the same.
    pub p90_minutes_to_first_vet: Option<f64>,
    /// Cases a vet saw within their tier's target.
    pub first_vet_within_target: u64,
    /// Referrals Warren created by escalating an unanswered one.
    pub escalations: u64,
    /// Referrals open now.
    pub open_referrals: u64,
    /// Open referrals no vet has seen whose tier target has passed.
    pub open_over_target: u64,
    /// Listed sites.
    pub sites: u64,
    /// Sites whose audit is overdue now.
    pub audits_overdue: u64,
    /// Sites whose declared capacity has expired.
    pub capacity_expired: u64,
    /// Items in the kit library.
    pub kit_items: u64,
    /// Share of the period's item-time spent on loan (0–1); absent without
    /// items.
    pub kit_utilisation: Option<f64>,
    /// Loans out past their end now.
    pub overdue_loans: u64,
    /// Urgent alerts raised in the period (one per chain).
    #[serde(default)]
    pub urgent_alerts: u64,
    /// Median minutes from an urgent alert to its acknowledgement.
    #[serde(default)]
    pub median_minutes_to_acknowledge: Option<f64>,
    /// 90th percentile of the same.
    #[serde(default)]
    pub p90_minutes_to_acknowledge: Option<f64>,
    /// Urgent alerts that reached the end of their chain (everyone on call
    /// and the admins alerted) with nobody acknowledging in time.
    #[serde(default)]
    pub alerts_unacknowledged: u64,
    /// Animals in care now (their care has not ended).
    #[serde(default)]
    pub animals_in_care: u64,
    /// Animals whose care ended in the period.
    #[serde(default)]
    pub care_ended: u64,
    /// Of those, the animals released.
    #[serde(default)]
    pub released: u64,
    /// Released ÷ care ended in the period; absent when none ended.
    #[serde(default)]
    pub release_rate: Option<f64>,
    /// Rehabilitation milestones met in the period.
    #[serde(default)]
    pub milestones_met: u64,
    /// Of those, the ones met by their target day.
    #[serde(default)]
    pub milestones_on_time: u64,
    /// Released animals whose post-release follow-up is due now.
    #[serde(default)]
    pub follow_ups_due: u64,
}

/// The dashboard of one organization or the whole network over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    /// First day, inclusive.
    pub from: NaiveDate,
    /// Last day, inclusive.
    pub to: NaiveDate,
    /// The organization, or none for the whole network.
    pub organization_id: Option<Uuid>,
    /// How charts over time are bucketed.
    pub granularity: Granularity,
    /// When the figures that describe "now" were taken.
    pub generated_at: DateTime<Utc>,
    /// The headline figures.
    pub figures: DashboardFigures,
    /// The table behind every chart, in display order.
    pub tables: Vec<Table>,
}

impl Dashboard {
    /// The table named `name`.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|table| table.name == name)
    }
}

/// The names of the tables, in display order.
pub const TABLES: [&str; 11] = [
    "cases_by_tier",
    "first_vet_by_tier",
    "referrals_over_time",
    "acceptance_by_tier",
    "decline_reasons",
    "open_by_tier",
    "directory_freshness",
    "kit_utilisation",
    "acknowledgement_by_tier",
    "days_in_care",
    "care_outcomes",
];

fn minutes_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_seconds().max(0) as f64 / 60.0
}

fn count(value: u64) -> Option<f64> {
    Some(value as f64)
}

fn percent(rate: Option<f64>) -> Option<f64> {
    rate.map(|rate| (rate * 1000.0).round() / 10.0)
}

fn rounded(minutes: Option<f64>) -> Option<f64> {
    minutes.map(|minutes| (minutes * 10.0).round() / 10.0)
}

fn table(
    name: &str,
    title: &str,
    label: &str,
    columns: &[&str],
    plotted: &[usize],
    rows: Vec<TableRow>,
) -> Table {
    Table {
        name: name.to_owned(),
        title: title.to_owned(),
        label: label.to_owned(),
        columns: columns.iter().map(|column| (*column).to_owned()).collect(),
        plotted: plotted.to_vec(),
        rows,
    }
}

/// The target in minutes of `tier` under `targets` (the current protocol's
/// tiers), falling back to the default protocol's.
pub fn target_minutes(targets: &[TierSpec], tier: Tier) -> u32 {
    targets
        .iter()
        .chain(&default_protocol().tiers)
        .find(|spec| spec.tier == tier)
        .map_or(0, |spec| spec.target_minutes)
}

/// Builds the dashboard of `period` from the referrals sent in it and what
/// holds `now`; `targets` are the current protocol's tiers.
pub fn dashboard(
    period: Period,
    organization_id: Option<Uuid>,
    sent: &[SentReferral],
    snapshot: &Snapshot,
    targets: &[TierSpec],
    now: DateTime<Utc>,
) -> Dashboard {
    let granularity = period.granularity();
    let reported: Vec<ReportedReferral> = sent.iter().map(|one| one.report.clone()).collect();
    let timings: Vec<Timing> = sent.iter().map(|one| one.timing.clone()).collect();
    let summary = summarize(&timings);
    let cases = cases(&reported);
    let targets: Vec<(Tier, u32)> = Tier::ALL
        .iter()
        .map(|tier| (*tier, target_minutes(targets, *tier)))
        .collect();
    let target_of = |tier: Tier| {
        targets
            .iter()
            .find(|(candidate, _)| *candidate == tier)
            .map_or(0, |(_, minutes)| *minutes)
    };

    // Cases and their wait for a vet, per tier.
    let mut first_vet_rows = Vec::new();
    let mut case_rows = Vec::new();
    let mut all_waits = Vec::new();
    let mut within_target = 0;
    for tier in Tier::ALL {
        let of_tier: Vec<_> = cases.iter().filter(|case| case.tier == tier).collect();
        let waits: Vec<f64> = of_tier
            .iter()
            .filter_map(|case| Some(minutes_between(case.started, case.first_vet_at?)))
            .collect();
        let within = waits
            .iter()
            .filter(|wait| **wait <= f64::from(target_of(tier)))
            .count() as u64;
        within_target += within;
        all_waits.extend(&waits);
        case_rows.push(TableRow {
            label: tier_code(tier),
            values: vec![count(of_tier.len() as u64)],
        });
        let mut sorted = waits.clone();
        first_vet_rows.push(TableRow {
            label: tier_code(tier),
            values: vec![
                Some(f64::from(target_of(tier))),
                rounded(median(waits.clone())),
                rounded(quantile(&mut sorted, 0.9)),
                count(waits.len() as u64),
                count(within),
            ],
        });
    }

    // Referrals over time.
    let buckets = period.buckets();
    let mut over_time: Vec<[u64; 4]> = vec![[0; 4]; buckets.len()];
    for timing in &timings {
        let bucket = granularity.bucket_of(timing.sent_at.date_naive());
        if let Some(index) = buckets.iter().position(|start| *start == bucket) {
            over_time[index][0] += 1;
            if timing.accepted_at.is_some() {
                over_time[index][1] += 1;
            }
            if timing.status == crate::referral::ReferralStatus::Rejected {
                over_time[index][2] += 1;
            }
            if timing.escalation {
                over_time[index][3] += 1;
            }
        }
    }
    let over_time_rows = buckets
        .iter()
        .zip(&over_time)
        .map(|(bucket, counts)| TableRow {
            label: granularity.label(*bucket),
            values: counts.iter().map(|value| count(*value)).collect(),
        })
        .collect();

    // Acceptance per tier.
    let acceptance_rows = Tier::ALL
        .iter()
        .map(|tier| {
            let figures = summary
                .by_tier
                .iter()
                .find(|figures| figures.tier == *tier)
                .map(|figures| figures.figures.clone())
                .unwrap_or_default();
            TableRow {
                label: tier_code(*tier),
                values: vec![
                    count(figures.referrals),
                    count(figures.accepted),
                    count(figures.rejected),
                    percent(figures.acceptance_rate),
                    rounded(figures.median_minutes_to_accept),
                ],
            }
        })
        .collect();

    // Decline reasons, every reason listed.
    let reason_rows = RejectReason::ALL
        .iter()
        .map(|reason| TableRow {
            label: reason.as_str().to_owned(),
            values: vec![count(
                summary
                    .decline_reasons
                    .iter()
                    .find(|counted| counted.reason == *reason)
                    .map_or(0, |counted| counted.count),
            )],
        })
        .collect();

    // Open referrals against their tier's target.
    let mut over_target: BTreeMap<Tier, u64> = BTreeMap::new();
    for (tier, sent_at) in &snapshot.waiting {
        if minutes_between(*sent_at, now) > f64::from(target_of(*tier)) {
            *over_target.entry(*tier).or_default() += 1;
        }
    }
    let open_rows = Tier::ALL
        .iter()
        .map(|tier| TableRow {
            label: tier_code(*tier),
            values: vec![
                count(snapshot.open_by_tier.get(tier).copied().unwrap_or(0)),
                count(over_target.get(tier).copied().unwrap_or(0)),
                Some(f64::from(target_of(*tier))),
            ],
        })
        .collect();

    // Directory freshness.
    let freshness_rows = vec![
        TableRow {
            label: "listed".into(),
            values: vec![count(snapshot.sites)],
        },
        TableRow {
            label: "audit_overdue".into(),
            values: vec![count(snapshot.audits_overdue)],
        },
        TableRow {
            label: "capacity_expired".into(),
            values: vec![count(snapshot.capacity_expired)],
        },
    ];

    // Kit utilisation: the share of item-time on loan within the period.
    let period_start = period.start().and_utc();
    let period_end = period.end().and_utc().min(now.max(period_start));
    let period_hours = (period_end - period_start).num_minutes().max(0) as f64 / 60.0;
    let mut loan_hours: BTreeMap<&str, f64> = BTreeMap::new();
    for loan in &snapshot.loans {
        let out = loan.out.max(period_start);
        let back = loan.back.unwrap_or(now).min(period_end);
        if back > out {
            *loan_hours.entry(loan.category.as_str()).or_default() +=
                (back - out).num_minutes() as f64 / 60.0;
        }
    }
    let utilisation = |items: u64, hours: f64| {
        (items > 0 && period_hours > 0.0).then(|| hours / (items as f64 * period_hours))
    };
    let kit_rows = snapshot
        .kit
        .iter()
        .map(|kit| {
            let hours = loan_hours
                .get(kit.category.as_str())
                .copied()
                .unwrap_or(0.0);
            TableRow {
                label: kit.category.clone(),
                values: vec![
                    count(kit.items),
                    Some((hours / 24.0 * 10.0).round() / 10.0),
                    percent(utilisation(kit.items, hours)),
                    count(kit.overdue_loans),
                ],
            }
        })
        .collect();
    let kit_items = snapshot.kit.iter().map(|kit| kit.items).sum();
    let kit_hours = snapshot
        .kit
        .iter()
        .filter_map(|kit| loan_hours.get(kit.category.as_str()))
        .sum();

    // Time to acknowledge urgent alerts, per tier.
    let minutes_of = |chain: &ChainTiming| {
        chain
            .acknowledged_after_seconds
            .map(|seconds| seconds as f64 / 60.0)
    };
    let mut all_acknowledged: Vec<f64> = snapshot.chains.iter().filter_map(minutes_of).collect();
    let acknowledgement_rows = Tier::ALL
        .iter()
        .map(|tier| {
            let of_tier: Vec<&ChainTiming> = snapshot
                .chains
                .iter()
                .filter(|chain| chain.tier == *tier)
                .collect();
            let mut waits: Vec<f64> = of_tier
                .iter()
                .filter_map(|chain| minutes_of(chain))
                .collect();
            TableRow {
                label: tier_code(*tier),
                values: vec![
                    count(of_tier.len() as u64),
                    count(waits.len() as u64),
                    rounded(median(waits.clone())),
                    rounded(quantile(&mut waits, 0.9)),
                    count(of_tier.iter().filter(|chain| chain.exhausted).count() as u64),
                ],
            }
        })
        .collect();

    let figures = DashboardFigures {
        referrals: summary.total.referrals,
        cases: cases.len() as u64,
        accepted: summary.total.accepted,
        declined: summary.total.rejected,
        acceptance_rate: summary.total.acceptance_rate,
        median_minutes_to_accept: rounded(summary.total.median_minutes_to_accept),
        median_minutes_to_first_vet: rounded(median(all_waits.clone())),
        p90_minutes_to_first_vet: rounded(quantile(&mut all_waits, 0.9)),
        first_vet_within_target: within_target,
        escalations: summary.total.escalations,
        open_referrals: snapshot.open_by_tier.values().sum(),
        open_over_target: over_target.values().sum(),
        sites: snapshot.sites,
        audits_overdue: snapshot.audits_overdue,
        capacity_expired: snapshot.capacity_expired,
        kit_items,
        kit_utilisation: utilisation(kit_items, kit_hours),
        overdue_loans: snapshot.kit.iter().map(|kit| kit.overdue_loans).sum(),
        urgent_alerts: snapshot.chains.len() as u64,
        median_minutes_to_acknowledge: rounded(median(all_acknowledged.clone())),
        p90_minutes_to_acknowledge: rounded(quantile(&mut all_acknowledged, 0.9)),
        alerts_unacknowledged: snapshot
            .chains
            .iter()
            .filter(|chain| chain.exhausted)
            .count() as u64,
        animals_in_care: 0,
        care_ended: 0,
        released: 0,
        release_rate: None,
        milestones_met: 0,
        milestones_on_time: 0,
        follow_ups_due: 0,
    };
    let (figures, care_tables) = care(figures, period, &snapshot.care, now);

    let tables = vec![
        table(
            TABLES[0],
            "Cases by tier",
            "tier",
            &["cases"],
            &[0],
            case_rows,
        ),
        table(
            TABLES[1],
            "Time to first vet by tier (minutes)",
            "tier",
            &[
                "target_minutes",
                "median_minutes",
                "p90_minutes",
                "cases_seen",
                "within_target",
            ],
            &[0, 1],
            first_vet_rows,
        ),
        table(
            TABLES[2],
            "Referrals over time",
            granularity_label(granularity),
            &["sent", "accepted", "declined", "escalations"],
            &[0, 1],
            over_time_rows,
        ),
        table(
            TABLES[3],
            "Acceptance by tier",
            "tier",
            &[
                "sent",
                "accepted",
                "declined",
                "acceptance_rate_percent",
                "median_minutes_to_accept",
            ],
            &[1, 2],
            acceptance_rows,
        ),
        table(
            TABLES[4],
            "Decline reasons",
            "reason",
            &["declines"],
            &[0],
            reason_rows,
        ),
        table(
            TABLES[5],
            "Open referrals by tier against target",
            "tier",
            &["open", "over_target", "target_minutes"],
            &[0, 1],
            open_rows,
        ),
        table(
            TABLES[6],
            "Directory freshness",
            "sites",
            &["count"],
            &[0],
            freshness_rows,
        ),
        table(
            TABLES[7],
            "Kit utilisation",
            "category",
            &["items", "loan_days", "utilisation_percent", "overdue_loans"],
            &[2],
            kit_rows,
        ),
        table(
            TABLES[8],
            "Time to acknowledge urgent alerts by tier (minutes)",
            "tier",
            &[
                "urgent_alerts",
                "acknowledged",
                "median_minutes",
                "p90_minutes",
                "unacknowledged",
            ],
            &[2, 3],
            acknowledgement_rows,
        ),
    ]
    .into_iter()
    .chain(care_tables)
    .collect();
    Dashboard {
        from: period.from,
        to: period.to,
        organization_id,
        granularity,
        generated_at: now,
        figures,
        tables,
    }
}

/// The care figures and tables: days in care by species and stage (each
/// animal in care during the period, over its whole stay so far), how care
/// ended in the period, the release rate (released ÷ ended), milestones met
/// in the period and how many by their target day, and follow-ups due now.
fn care(
    mut figures: DashboardFigures,
    period: Period,
    histories: &[CareHistory],
    now: DateTime<Utc>,
) -> (DashboardFigures, Vec<Table>) {
    let (start, end) = (period.start().and_utc(), period.end().and_utc());
    let today = now.date_naive();
    let mut days: BTreeMap<(String, Option<CareStage>), Vec<f64>> = BTreeMap::new();
    let mut outcomes: BTreeMap<CareStage, u64> = BTreeMap::new();
    for history in histories {
        let ended = history.stages.last().filter(|(stage, _)| stage.is_end());
        match ended {
            None => figures.animals_in_care += 1,
            Some((stage, at)) if *at >= start && *at < end => {
                figures.care_ended += 1;
                *outcomes.entry(*stage).or_default() += 1;
                if *stage == CareStage::Released {
                    figures.released += 1;
                    if history.follow_up_due.is_some_and(|due| due <= today) {
                        figures.follow_ups_due += 1;
                    }
                }
            }
            Some((CareStage::Released, _)) => {
                if history.follow_up_due.is_some_and(|due| due <= today) {
                    figures.follow_ups_due += 1;
                }
            }
            Some(_) => {}
        }
        let until = ended.map_or(now, |(_, at)| *at);
        let per_stage = days_per_stage(&history.stages, until);
        let total: f64 = per_stage.iter().map(|(_, days)| days).sum();
        days.entry((history.species.clone(), None))
            .or_default()
            .push(total);
        for (stage, stage_days) in per_stage {
            days.entry((history.species.clone(), Some(stage)))
                .or_default()
                .push(stage_days);
        }
        for (due, met) in &history.milestones {
            if let Some(met) = met
                && *met >= period.from
                && *met <= period.to
            {
                figures.milestones_met += 1;
                if due.is_none_or(|due| *met <= due) {
                    figures.milestones_on_time += 1;
                }
            }
        }
    }
    figures.release_rate =
        (figures.care_ended > 0).then(|| figures.released as f64 / figures.care_ended as f64);
    let days_rows = days
        .into_iter()
        .map(|((species, stage), values)| {
            let animals = values.len() as u64;
            let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
            TableRow {
                label: match stage {
                    Some(stage) => format!("{species} · {}", stage.as_str()),
                    None => format!("{species} · all stages"),
                },
                values: vec![count(animals), rounded(median(values)), rounded(Some(mean))],
            }
        })
        .collect();
    let outcome_rows = CareStage::ALL
        .iter()
        .filter(|stage| stage.is_end())
        .map(|stage| TableRow {
            label: stage.as_str().to_owned(),
            values: vec![count(outcomes.get(stage).copied().unwrap_or(0))],
        })
        .collect();
    let tables = vec![
        table(
            TABLES[9],
            "Days in care by species and stage",
            "species_and_stage",
            &["animals", "median_days", "mean_days"],
            &[1],
            days_rows,
        ),
        table(
            TABLES[10],
            "How care ended",
            "end",
            &["animals"],
            &[0],
            outcome_rows,
        ),
    ];
    (figures, tables)
}

fn granularity_label(granularity: Granularity) -> &'static str {
    match granularity {
        Granularity::Day => "day",
        Granularity::Week => "week_starting",
        Granularity::Month => "month",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::referral::ReferralStatus;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn sent(
        case: u128,
        tier: Tier,
        at: &str,
        wait: Option<i64>,
        status: ReferralStatus,
    ) -> SentReferral {
        let sent_at = day(at).and_hms_opt(9, 0, 0).unwrap().and_utc();
        let accepted_at = (status != ReferralStatus::Rejected && wait.is_some())
            .then(|| sent_at + Duration::minutes(5));
        let first_vet_at = wait.map(|minutes| sent_at + Duration::minutes(minutes));
        SentReferral {
            report: ReportedReferral {
                case_id: Uuid::from_u128(case),
                tier,
                species: "small_mammal/rat".into(),
                sent_at,
                accepted: accepted_at.is_some(),
                rejected: status == ReferralStatus::Rejected,
                first_vet_at,
                outcome: None,
            },
            timing: Timing {
                tier,
                status,
                site_id: Uuid::nil(),
                sent_at,
                received_at: accepted_at,
                accepted_at,
                first_vet_at,
                reject_reason: (status == ReferralStatus::Rejected)
                    .then_some(RejectReason::NoCapacity),
                escalation: false,
            },
        }
    }

    #[test]
    fn the_last_30_days_end_today() {
        let period = Period::last_days(day("2026-12-06"), 30);
        assert_eq!(
            (period.from(), period.to()),
            (day("2026-11-07"), day("2026-12-06"))
        );
        assert_eq!(period.days(), 30);
        assert_eq!(Period::last_days(day("2026-12-06"), 0).days(), 1);
    }

    #[test]
    fn the_default_period_is_last_full_month() {
        let period = Period::last_full_month(day("2026-11-21"));
        assert_eq!(
            (period.from(), period.to()),
            (day("2026-10-01"), day("2026-10-31"))
        );
        let period = Period::last_full_month(day("2026-01-01"));
        assert_eq!(
            (period.from(), period.to()),
            (day("2025-12-01"), day("2025-12-31"))
        );
        assert_eq!(period.granularity(), Granularity::Day);
        assert_eq!(period.buckets().len(), 31);
    }

    #[test]
    fn periods_are_checked_and_bucketed() {
        assert_eq!(
            Period::new(day("2026-10-02"), day("2026-10-01")),
            Err(PeriodError::Reversed)
        );
        assert_eq!(
            Period::new(day("2020-01-01"), day("2026-10-01"))
                .unwrap_err()
                .field(),
            "to"
        );
        let quarter = Period::new(day("2026-07-01"), day("2026-09-30")).unwrap();
        assert_eq!(quarter.granularity(), Granularity::Week);
        assert_eq!(
            quarter.buckets()[0],
            day("2026-06-29"),
            "weeks start on Monday"
        );
        let year = Period::new(day("2025-10-01"), day("2026-09-30")).unwrap();
        assert_eq!(year.buckets().len(), 12);
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let table = Table {
            name: "t".into(),
            title: "T".into(),
            label: "reason".into(),
            columns: vec!["count, all".into(), "say \"hi\"".into()],
            plotted: vec![0],
            rows: vec![
                TableRow {
                    label: "=cmd".into(),
                    values: vec![Some(3.0), None],
                },
                TableRow {
                    label: "line\nbreak".into(),
                    values: vec![Some(2.25), Some(-1.0)],
                },
            ],
        };
        assert_eq!(
            table.csv(),
            "reason,\"count, all\",\"say \"\"hi\"\"\"\r\n'=cmd,3,\r\n\"line\nbreak\",2.2,-1\r\n"
        );
    }

    #[test]
    fn figures_count_cases_once_and_time_them_against_targets() {
        let period = Period::last_full_month(day("2026-11-21"));
        let sent = [
            // One case sent to two receivers: counted once, first referral.
            sent(
                1,
                Tier::Urgent,
                "2026-10-03",
                None,
                ReferralStatus::Rejected,
            ),
            sent(
                1,
                Tier::Urgent,
                "2026-10-03",
                Some(40),
                ReferralStatus::Completed,
            ),
            sent(
                2,
                Tier::Urgent,
                "2026-10-04",
                Some(90),
                ReferralStatus::Completed,
            ),
            sent(
                3,
                Tier::Immediate,
                "2026-10-04",
                Some(10),
                ReferralStatus::InProgress,
            ),
        ];
        let now = day("2026-11-21").and_hms_opt(12, 0, 0).unwrap().and_utc();
        let snapshot = Snapshot {
            open_by_tier: BTreeMap::from([(Tier::Urgent, 2)]),
            waiting: vec![
                (Tier::Urgent, now - Duration::minutes(30)),
                (Tier::Urgent, now - Duration::minutes(61)),
            ],
            sites: 10,
            audits_overdue: 2,
            capacity_expired: 1,
            kit: vec![KitCategory {
                category: "oxygen_cage".into(),
                items: 2,
                overdue_loans: 1,
            }],
            loans: vec![Loan {
                category: "oxygen_cage".into(),
                out: day("2026-09-20").and_hms_opt(0, 0, 0).unwrap().and_utc(),
                back: Some(day("2026-10-16").and_hms_opt(12, 0, 0).unwrap().and_utc()),
            }],
            chains: vec![],
            care: vec![],
        };
        let board = dashboard(period, None, &sent, &snapshot, &[], now);
        assert_eq!(board.figures.referrals, 4);
        assert_eq!(board.figures.cases, 3);
        assert_eq!(board.figures.declined, 1);
        assert_eq!(board.figures.acceptance_rate, Some(0.75));
        assert_eq!(board.figures.median_minutes_to_first_vet, Some(40.0));
        assert_eq!(
            board.figures.first_vet_within_target, 1,
            "only the 40 min urgent case"
        );
        assert_eq!(board.figures.open_over_target, 1);
        let cases = board.table("cases_by_tier").unwrap();
        assert_eq!(cases.value("urgent", "cases"), Some(2.0));
        let first_vet = board.table("first_vet_by_tier").unwrap();
        assert_eq!(first_vet.value("urgent", "median_minutes"), Some(65.0));
        assert_eq!(first_vet.value("urgent", "target_minutes"), Some(60.0));
        let over_time = board.table("referrals_over_time").unwrap();
        assert_eq!(over_time.value("2026-10-04", "sent"), Some(2.0));
        let kit = board.table("kit_utilisation").unwrap();
        assert_eq!(kit.value("oxygen_cage", "loan_days"), Some(15.5));
        assert_eq!(kit.value("oxygen_cage", "utilisation_percent"), Some(25.0));
        let reasons = board.table("decline_reasons").unwrap();
        assert_eq!(reasons.value("no_capacity", "declines"), Some(1.0));
        assert_eq!(reasons.rows.len(), RejectReason::ALL.len());
    }

    #[test]
    fn time_to_acknowledge_is_read_per_tier_with_the_chains_nobody_answered() {
        let period = Period::last_full_month(day("2026-11-21"));
        let now = day("2026-11-21").and_hms_opt(12, 0, 0).unwrap().and_utc();
        let chain = |tier, seconds: Option<i64>, exhausted| ChainTiming {
            tier,
            acknowledged_after_seconds: seconds,
            exhausted,
        };
        let snapshot = Snapshot {
            chains: vec![
                chain(Tier::Immediate, Some(120), false),
                chain(Tier::Immediate, Some(360), false),
                chain(Tier::Immediate, None, true),
                chain(Tier::VeryUrgent, Some(60), false),
            ],
            ..Snapshot::default()
        };
        let board = dashboard(period, None, &[], &snapshot, &[], now);
        assert_eq!(board.figures.urgent_alerts, 4);
        assert_eq!(board.figures.alerts_unacknowledged, 1);
        assert_eq!(board.figures.median_minutes_to_acknowledge, Some(2.0));
        assert_eq!(board.figures.p90_minutes_to_acknowledge, Some(6.0));
        let table = board.table("acknowledgement_by_tier").unwrap();
        assert_eq!(table.value("immediate", "urgent_alerts"), Some(3.0));
        assert_eq!(table.value("immediate", "median_minutes"), Some(4.0));
        assert_eq!(table.value("immediate", "unacknowledged"), Some(1.0));
        assert_eq!(table.value("very_urgent", "p90_minutes"), Some(1.0));
        assert_eq!(table.value("urgent", "acknowledged"), Some(0.0));
    }

    #[test]
    fn care_counts_days_per_stage_releases_and_milestones_on_time() {
        let period = Period::new(day("2026-11-01"), day("2026-11-30")).unwrap();
        let now = day("2026-12-05").and_hms_opt(12, 0, 0).unwrap().and_utc();
        let at = |text: &str| day(text).and_hms_opt(0, 0, 0).unwrap().and_utc();
        let hedgehog = |stages: Vec<(CareStage, DateTime<Utc>)>| CareHistory {
            species: "wildlife/hedgehog".into(),
            stages,
            milestones: vec![],
            follow_up_due: None,
        };
        let released = CareHistory {
            milestones: vec![
                (Some(day("2026-11-05")), Some(day("2026-11-04"))),
                (Some(day("2026-11-10")), Some(day("2026-11-12"))),
                (None, Some(day("2026-10-20"))),
                (Some(day("2026-11-20")), None),
            ],
            follow_up_due: Some(day("2026-12-01")),
            ..hedgehog(vec![
                (CareStage::Intake, at("2026-11-01")),
                (CareStage::Rehabilitation, at("2026-11-03")),
                (CareStage::Released, at("2026-11-21")),
            ])
        };
        let died = hedgehog(vec![
            (CareStage::Intake, at("2026-11-02")),
            (CareStage::Died, at("2026-11-03")),
        ]);
        let in_care = hedgehog(vec![(CareStage::Intake, at("2026-12-01"))]);
        let snapshot = Snapshot {
            care: vec![released, died, in_care],
            ..Snapshot::default()
        };
        let board = dashboard(period, None, &[], &snapshot, &[], now);
        assert_eq!(board.figures.animals_in_care, 1);
        assert_eq!(board.figures.care_ended, 2);
        assert_eq!(board.figures.released, 1);
        assert_eq!(board.figures.release_rate, Some(0.5));
        assert_eq!(board.figures.milestones_met, 2);
        assert_eq!(board.figures.milestones_on_time, 1);
        assert_eq!(board.figures.follow_ups_due, 1);
        let days = board.table("days_in_care").unwrap();
        assert_eq!(
            days.value("wildlife/hedgehog · rehabilitation", "median_days"),
            Some(18.0)
        );
        assert_eq!(
            days.value("wildlife/hedgehog · all stages", "animals"),
            Some(3.0)
        );
        assert_eq!(
            days.value("wildlife/hedgehog · intake", "animals"),
            Some(3.0)
        );
        let ended = board.table("care_outcomes").unwrap();
        assert_eq!(ended.value("released", "animals"), Some(1.0));
        assert_eq!(ended.value("died", "animals"), Some(1.0));
        assert_eq!(ended.value("rehomed", "animals"), Some(0.0));
    }
}

//! Small-cell suppression for published figures.
//!
//! The public report counts referrals and animals per month, per tier, per
//! outcome and per species. A count built from fewer than [`MIN_CASES`]
//! cases could single out an animal, its owner or a clinic, so it is never
//! published. Hiding the small cell alone is not enough: when the row's total
//! is published beside the row's other cells, the hidden cell is the total
//! minus the others. [`suppress`] therefore hides more cells until no line of
//! the table — a row with its total, a column with its total, the totals
//! with the grand total — has exactly one hidden entry, so no hidden count
//! can be worked out by subtraction.
//!
//! Rates and medians derived from a set of cases are published only when the
//! set is large enough ([`publishable`]). [`public_report`] builds the whole
//! monthly report from the referrals sent.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::referral::OutcomeKind;
use crate::triage::Tier;

/// The fewest cases a published figure may be built from.
pub const MIN_CASES: u64 = 5;

/// Whether a figure built from `cases` cases may be published: none at all
/// (nothing to single out) or at least [`MIN_CASES`].
pub fn publishable(cases: u64) -> bool {
    cases == 0 || cases >= MIN_CASES
}

/// A table of counts with its row, column and grand totals, each either
/// published (`Some`) or suppressed (`None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    /// The cells, row by row.
    pub cells: Vec<Vec<Option<u64>>>,
    /// Each row's total.
    pub row_totals: Vec<Option<u64>>,
    /// Each column's total.
    pub column_totals: Vec<Option<u64>>,
    /// The grand total.
    pub total: Option<u64>,
}

/// One entry of the table: a cell, a row total, a column total or the grand
/// total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Entry {
    Cell(usize, usize),
    RowTotal(usize),
    ColumnTotal(usize),
    Total,
}

/// The table being suppressed: every value, and which are hidden.
struct Working {
    rows: usize,
    columns: usize,
    values: Vec<Vec<u64>>,
    row_totals: Vec<u64>,
    column_totals: Vec<u64>,
    total: u64,
    hidden: std::collections::HashSet<Entry>,
}

impl Working {
    fn value(&self, entry: Entry) -> u64 {
        match entry {
            Entry::Cell(row, column) => self.values[row][column],
            Entry::RowTotal(row) => self.row_totals[row],
            Entry::ColumnTotal(column) => self.column_totals[column],
            Entry::Total => self.total,
        }
    }

    /// Every additive relation a reader could subtract along: each row with
    /// its total, each column with its total, the row totals with the grand
    /// total and the column totals with the grand total.
    fn lines(&self) -> Vec<Vec<Entry>> {
        let mut lines = Vec::new();
        for row in 0..self.rows {
            let mut line: Vec<Entry> = (0..self.columns)
                .map(|column| Entry::Cell(row, column))
                .collect();
            line.push(Entry::RowTotal(row));
            lines.push(line);
        }
        for column in 0..self.columns {
            let mut line: Vec<Entry> = (0..self.rows).map(|row| Entry::Cell(row, column)).collect();
            line.push(Entry::ColumnTotal(column));
            lines.push(line);
        }
        let mut totals: Vec<Entry> = (0..self.rows).map(Entry::RowTotal).collect();
        totals.push(Entry::Total);
        lines.push(totals);
        let mut totals: Vec<Entry> = (0..self.columns).map(Entry::ColumnTotal).collect();
        totals.push(Entry::Total);
        lines.push(totals);
        lines
    }
}

/// Suppresses `counts` (rows of equal length) for publication: every entry
/// — cell or total — from 1 to [`MIN_CASES`] − 1 is hidden, then, line by
/// line, the smallest further entry wherever a line would otherwise have
/// exactly one hidden entry. Zeros are published: they single out no one.
/// Published values are the true values.
///
/// # Panics
///
/// When the rows differ in length.
pub fn suppress(counts: &[Vec<u64>]) -> Suppressed {
    suppress_with(counts, &vec![false; counts.len()], false)
}

/// [`suppress`], with the row totals marked in `hidden_row_totals` (and the
/// grand total when `hide_total`) hidden from the start: for tables that
/// publish the same totals, so that each hides what the other hides.
///
/// # Panics
///
/// When the rows differ in length, or `hidden_row_totals` has not one flag
/// per row.
pub fn suppress_with(
    counts: &[Vec<u64>],
    hidden_row_totals: &[bool],
    hide_total: bool,
) -> Suppressed {
    assert_eq!(
        hidden_row_totals.len(),
        counts.len(),
        "one flag per row of a report table"
    );
    let rows = counts.len();
    let columns = counts.first().map_or(0, Vec::len);
    assert!(
        counts.iter().all(|row| row.len() == columns),
        "every row of a report table has the same columns"
    );
    let row_totals: Vec<u64> = counts.iter().map(|row| row.iter().sum()).collect();
    let column_totals: Vec<u64> = (0..columns)
        .map(|column| counts.iter().map(|row| row[column]).sum())
        .collect();
    let total = row_totals.iter().sum();
    let mut table = Working {
        rows,
        columns,
        values: counts.to_vec(),
        row_totals,
        column_totals,
        total,
        hidden: std::collections::HashSet::new(),
    };
    for (row, hidden) in hidden_row_totals.iter().enumerate() {
        if *hidden {
            table.hidden.insert(Entry::RowTotal(row));
        }
    }
    if hide_total {
        table.hidden.insert(Entry::Total);
    }
    let lines = table.lines();
    for line in &lines {
        for &entry in line {
            if !publishable(table.value(entry)) {
                table.hidden.insert(entry);
            }
        }
    }
    // Each pass hides at least one more entry, and there are finitely many.
    loop {
        let mut changed = false;
        for line in &lines {
            let hidden = line
                .iter()
                .filter(|entry| table.hidden.contains(entry))
                .count();
            if hidden != 1 {
                continue;
            }
            // The lone hidden entry needs a partner. Hiding the smallest
            // published non-zero cell loses least; a zero would not do (a
            // line whose other entries are known to sum to its total gives
            // its hidden zeros away), so without one the line's total goes.
            let partner = line
                .iter()
                .copied()
                .filter(|entry| !table.hidden.contains(entry))
                .min_by_key(|entry| {
                    let is_total = matches!(
                        entry,
                        Entry::RowTotal(_) | Entry::ColumnTotal(_) | Entry::Total
                    );
                    (table.value(*entry) == 0, is_total, table.value(*entry))
                });
            if let Some(partner) = partner {
                table.hidden.insert(partner);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let shown = |entry: Entry| (!table.hidden.contains(&entry)).then(|| table.value(entry));
    Suppressed {
        cells: (0..rows)
            .map(|row| {
                (0..columns)
                    .map(|column| shown(Entry::Cell(row, column)))
                    .collect()
            })
            .collect(),
        row_totals: (0..rows).map(|row| shown(Entry::RowTotal(row))).collect(),
        column_totals: (0..columns)
            .map(|column| shown(Entry::ColumnTotal(column)))
            .collect(),
        total: shown(Entry::Total),
    }
}

/// One sent referral as the public report counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportedReferral {
    /// The case it belongs to (a case sent to several receivers counts once).
    pub case_id: Uuid,
    /// Its tier.
    pub tier: Tier,
    /// The species code.
    pub species: String,
    /// When it was sent.
    pub sent_at: DateTime<Utc>,
    /// Whether the receiver accepted it.
    pub accepted: bool,
    /// Whether the receiver declined it.
    pub rejected: bool,
    /// When a vet first saw the patient.
    pub first_vet_at: Option<DateTime<Utc>>,
    /// The recorded outcome.
    pub outcome: Option<OutcomeKind>,
}

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Self> {
        let first = NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d").ok()?;
        Some(Self::of(first))
    }

    /// The month `date` falls in.
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    /// The month after.
    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The months from `self` to `last`, both included.
    pub fn through(self, last: Month) -> Vec<Month> {
        let mut months = Vec::new();
        let mut month = self;
        while month <= last {
            months.push(month);
            month = month.next();
        }
        months
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A published table: one row per month, a column per category, totals;
/// `null` marks a suppressed count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportTable {
    /// The categories, e.g. tier codes.
    pub columns: Vec<String>,
    /// One row per month.
    pub rows: Vec<ReportRow>,
    /// Each column's total over the period (`null`: suppressed).
    pub column_totals: Vec<Option<u64>>,
    /// The period's total (`null`: suppressed).
    pub total: Option<u64>,
}

/// One month of a [`ReportTable`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRow {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// A count per column (`null`: suppressed).
    pub cells: Vec<Option<u64>>,
    /// The month's total (`null`: suppressed).
    pub total: Option<u64>,
}

/// Rates and times for one month, each published only when built from at
/// least [`MIN_CASES`] cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthFigures {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// Accepted ÷ answered referrals.
    pub acceptance_rate: Option<f64>,
    /// Median minutes from a case's first referral to a vet first seeing
    /// the animal.
    pub median_minutes_to_first_vet: Option<f64>,
}

/// The network's public report over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicReport {
    /// The first month, `YYYY-MM`.
    pub from: String,
    /// The last month, `YYYY-MM`.
    pub to: String,
    /// No published figure is built from fewer cases than this.
    pub min_cases: u64,
    /// Cases (an animal referred, to one receiver or several) by tier.
    pub cases_by_tier: ReportTable,
    /// Cases by recorded outcome.
    pub cases_by_outcome: ReportTable,
    /// Cases by species; species with fewer cases over the period are
    /// counted under `other`.
    pub cases_by_species: ReportTable,
    /// Acceptance rate and median time to first vet, per month.
    pub months: Vec<MonthFigures>,
}

/// A case as counted: the first referral decides its month, tier and
/// species.
pub(crate) struct Case {
    pub(crate) month: Month,
    pub(crate) tier: Tier,
    pub(crate) species: String,
    pub(crate) started: DateTime<Utc>,
    pub(crate) first_vet_at: Option<DateTime<Utc>>,
    pub(crate) outcome: Option<OutcomeKind>,
}

pub(crate) fn cases(referrals: &[ReportedReferral]) -> Vec<Case> {
    let mut by_case: BTreeMap<Uuid, Vec<&ReportedReferral>> = BTreeMap::new();
    for referral in referrals {
        by_case.entry(referral.case_id).or_default().push(referral);
    }
    by_case
        .into_values()
        .filter_map(|mut sent| {
            sent.sort_by_key(|referral| referral.sent_at);
            let first = *sent.first()?;
            Some(Case {
                month: Month::of(first.sent_at.date_naive()),
                tier: first.tier,
                species: first.species.clone(),
                started: first.sent_at,
                first_vet_at: sent
                    .iter()
                    .filter_map(|referral| referral.first_vet_at)
                    .min(),
                outcome: sent.iter().find_map(|referral| referral.outcome),
            })
        })
        .collect()
}

pub(crate) fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    match values.len() {
        0 => None,
        length if length % 2 == 1 => Some(values[middle]),
        _ => Some((values[middle - 1] + values[middle]) / 2.0),
    }
}

fn table(columns: Vec<String>, months: &[Month], suppressed: Suppressed) -> ReportTable {
    ReportTable {
        columns,
        rows: months
            .iter()
            .zip(suppressed.cells)
            .zip(suppressed.row_totals)
            .map(|((month, cells), total)| ReportRow {
                month: month.to_string(),
                cells,
                total,
            })
            .collect(),
        column_totals: suppressed.column_totals,
        total: suppressed.total,
    }
}

/// Builds the report of `months` (in order) from the referrals sent in
/// them: counts by tier, outcome and species with small cells suppressed
/// (the tier and species tables publish the same monthly totals, so they
/// hide the same ones), and rates only from enough cases.
pub fn public_report(referrals: &[ReportedReferral], months: &[Month]) -> PublicReport {
    let cases: Vec<Case> = cases(referrals)
        .into_iter()
        .filter(|case| months.contains(&case.month))
        .collect();
    let row_of = |month: Month| months.iter().position(|candidate| *candidate == month);
    let count = |columns: usize, column_of: &dyn Fn(&Case) -> Option<usize>| {
        let mut counts = vec![vec![0_u64; columns]; months.len()];
        for case in &cases {
            if let (Some(row), Some(column)) = (row_of(case.month), column_of(case)) {
                counts[row][column] += 1;
            }
        }
        counts
    };
    let by_tier = count(Tier::ALL.len(), &|case| {
        Tier::ALL.iter().position(|tier| *tier == case.tier)
    });
    let by_outcome = count(OutcomeKind::ALL.len(), &|case| {
        case.outcome
            .and_then(|outcome| OutcomeKind::ALL.iter().position(|kind| *kind == outcome))
    });
    let mut species_totals: BTreeMap<&str, u64> = BTreeMap::new();
    for case in &cases {
        *species_totals.entry(case.species.as_str()).or_default() += 1;
    }
    let mut species: Vec<String> = species_totals
        .iter()
        .filter(|(_, total)| **total >= MIN_CASES)
        .map(|(code, _)| (*code).to_owned())
        .collect();
    let others = species.len() < species_totals.len();
    let by_species = count(species.len() + usize::from(others), &|case| {
        species
            .iter()
            .position(|code| *code == case.species)
            .or(others.then_some(species.len()))
    });
    if others {
        species.push("other".to_owned());
    }
    // Both tables total the month's cases: hide in each what either hides.
    let mut hidden_rows = vec![false; months.len()];
    let mut hide_total = false;
    let (tiers, kinds) = loop {
        let tiers = suppress_with(&by_tier, &hidden_rows, hide_total);
        let kinds = suppress_with(&by_species, &hidden_rows, hide_total);
        let rows: Vec<bool> = (0..months.len())
            .map(|row| tiers.row_totals[row].is_none() || kinds.row_totals[row].is_none())
            .collect();
        let total = tiers.total.is_none() || kinds.total.is_none();
        if rows == hidden_rows && total == hide_total {
            break (tiers, kinds);
        }
        hidden_rows = rows;
        hide_total = total;
    };
    let figures = months
        .iter()
        .map(|month| {
            let sent: Vec<&ReportedReferral> = referrals
                .iter()
                .filter(|referral| Month::of(referral.sent_at.date_naive()) == *month)
                .collect();
            let answered = sent
                .iter()
                .filter(|referral| referral.accepted || referral.rejected)
                .count() as u64;
            let accepted = sent.iter().filter(|referral| referral.accepted).count() as u64;
            let waits: Vec<f64> = cases
                .iter()
                .filter(|case| case.month == *month)
                .filter_map(|case| {
                    let seen = case.first_vet_at?;
                    Some((seen - case.started).num_seconds().max(0) as f64 / 60.0)
                })
                .collect();
            MonthFigures {
                month: month.to_string(),
                acceptance_rate: (answered >= MIN_CASES).then(|| accepted as f64 / answered as f64),
                median_minutes_to_first_vet: if waits.len() as u64 >= MIN_CASES {
                    median(waits)
                } else {
                    None
                },
            }
        })
        .collect();
    PublicReport {
        from: months.first().map(ToString::to_string).unwrap_or_default(),
        to: months.last().map(ToString::to_string).unwrap_or_default(),
        min_cases: MIN_CASES,
        cases_by_tier: table(
            Tier::ALL.iter().map(|tier| tier_code(*tier)).collect(),
            months,
            tiers,
        ),
        cases_by_outcome: table(
            OutcomeKind::ALL
                .iter()
                .map(|kind| kind.as_str().to_owned())
                .collect(),
            months,
            suppress(&by_outcome),
        ),
        cases_by_species: table(species, months, kinds),
        months: figures,
    }
}

/// The tier's code, as it travels.
pub(crate) fn tier_code(tier: Tier) -> String {
    match tier {
        Tier::Immediate => "immediate",
        Tier::VeryUrgent => "very_urgent",
        Tier::Urgent => "urgent",
        Tier::Standard => "standard",
        Tier::NonUrgent => "non_urgent",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// What a reader can work out from a published table: repeatedly, any
    /// line with exactly one unknown entry gives it away by subtraction, and
    /// a line whose known parts already make its total shows its unknown
    /// parts are zero.
    fn recoverable(published: &Suppressed) -> Suppressed {
        let rows = published.cells.len();
        let columns = published.column_totals.len();
        // Every entry in one list: cells, row totals, column totals, total.
        let mut known: Vec<Option<u64>> = published.cells.iter().flatten().copied().collect();
        known.extend(&published.row_totals);
        known.extend(&published.column_totals);
        known.push(published.total);
        let cell = |row: usize, column: usize| row * columns + column;
        let row_total = |row: usize| rows * columns + row;
        let column_total = |column: usize| rows * columns + rows + column;
        let total = rows * columns + rows + columns;
        let mut lines: Vec<(Vec<usize>, usize)> = Vec::new();
        for row in 0..rows {
            lines.push((
                (0..columns).map(|column| cell(row, column)).collect(),
                row_total(row),
            ));
        }
        for column in 0..columns {
            lines.push((
                (0..rows).map(|row| cell(row, column)).collect(),
                column_total(column),
            ));
        }
        lines.push(((0..rows).map(row_total).collect(), total));
        lines.push(((0..columns).map(column_total).collect(), total));
        loop {
            let mut learned = false;
            for (parts, sum) in &lines {
                let unknown: Vec<usize> = parts
                    .iter()
                    .copied()
                    .filter(|&part| known[part].is_none())
                    .collect();
                let known_sum: u64 = parts.iter().filter_map(|&part| known[part]).sum();
                match known[*sum] {
                    Some(sum)
                        if !unknown.is_empty() && (unknown.len() == 1 || sum == known_sum) =>
                    {
                        let rest = sum - known_sum;
                        for part in &unknown {
                            known[*part] = Some(if unknown.len() == 1 { rest } else { 0 });
                        }
                        learned = true;
                    }
                    None if unknown.is_empty() => {
                        known[*sum] = Some(known_sum);
                        learned = true;
                    }
                    _ => {}
                }
            }
            if !learned {
                break;
            }
        }
        Suppressed {
            cells: (0..rows)
                .map(|row| {
                    (0..columns)
                        .map(|column| known[cell(row, column)])
                        .collect()
                })
                .collect(),
            row_totals: (0..rows).map(|row| known[row_total(row)]).collect(),
            column_totals: (0..columns)
                .map(|column| known[column_total(column)])
                .collect(),
            total: known[total],
        }
    }

    fn small_hidden(published: &Suppressed) -> bool {
        let values = published
            .cells
            .iter()
            .flatten()
            .chain(&published.row_totals)
            .chain(&published.column_totals)
            .chain(std::iter::once(&published.total));
        values.flatten().all(|&value| publishable(value))
    }

    #[test]
    fn a_small_cell_is_hidden_with_a_partner_in_its_row_and_column() {
        // Tier 1–3 referrals in two months.
        let published = suppress(&[vec![12, 3, 40], vec![9, 15, 22]]);
        assert_eq!(published.cells[0][1], None, "3 cases are never shown");
        // Its row and its column each lose one more cell, or 3 = total − rest.
        assert_eq!(
            published.cells[0]
                .iter()
                .filter(|cell| cell.is_none())
                .count(),
            2
        );
        assert_eq!(
            published
                .cells
                .iter()
                .filter(|row| row[1].is_none())
                .count(),
            2
        );
        assert_eq!(published.total, Some(101));
        assert_eq!(
            recoverable(&published),
            published,
            "nothing can be subtracted out"
        );
        assert!(small_hidden(&published));
    }

    #[test]
    fn small_totals_are_hidden_too() {
        let published = suppress(&[vec![1, 2], vec![0, 0]]);
        assert_eq!(published.total, None);
        assert_eq!(published.row_totals[0], None);
        assert_eq!(published.row_totals[1], Some(0));
        assert!(small_hidden(&published));
        assert_eq!(recoverable(&published), published);
    }

    #[test]
    fn large_tables_publish_everything() {
        let published = suppress(&[vec![12, 30], vec![9, 15]]);
        assert_eq!(published.cells, [[Some(12), Some(30)], [Some(9), Some(15)]]);
        assert_eq!(published.total, Some(66));
    }

    #[test]
    fn rates_need_five_cases() {
        assert!(publishable(0));
        assert!(!publishable(4));
        assert!(publishable(5));
    }

    fn referral(case: u128, tier: Tier, species: &str, day: u32) -> ReportedReferral {
        let sent_at = NaiveDate::from_ymd_opt(2026, 10, day)
            .and_then(|date| date.and_hms_opt(9, 0, 0))
            .map(|time| time.and_utc())
            .unwrap();
        ReportedReferral {
            case_id: Uuid::from_u128(case),
            tier,
            species: species.to_owned(),
            sent_at,
            accepted: true,
            rejected: false,
            first_vet_at: Some(sent_at + chrono::TimeDelta::minutes(30)),
            outcome: Some(OutcomeKind::TreatedAndReturned),
        }
    }

    #[test]
    fn the_report_counts_cases_once_and_hides_rare_species_and_small_cells() {
        let mut sent = Vec::new();
        for case in 0..12 {
            sent.push(referral(case, Tier::Urgent, "small_mammal/rat", 3));
        }
        // One case sent to two receivers counts once.
        sent.push(referral(12, Tier::Urgent, "small_mammal/rat", 3));
        // Two hedgehogs: too few to name the species.
        sent.push(referral(100, Tier::Immediate, "wildlife/hedgehog", 4));
        sent.push(referral(101, Tier::Immediate, "wildlife/hedgehog", 5));
        let october = Month::parse("2026-10").unwrap();
        let november = october.next();
        let report = public_report(&sent, &[october, november]);
        assert_eq!(report.from, "2026-10");
        assert_eq!(
            report.cases_by_species.columns,
            ["small_mammal/rat", "other"]
        );
        let tiers = &report.cases_by_tier;
        assert_eq!(tiers.columns[0], "immediate");
        assert_eq!(tiers.rows[0].cells[0], None, "2 tier-1 cases are not shown");
        assert_eq!(
            tiers.rows[0].cells[2], None,
            "nor what would give them away"
        );
        // Both tables hide the same monthly totals.
        assert_eq!(tiers.rows[0].total, report.cases_by_species.rows[0].total);
        assert_eq!(
            tiers.rows[1].cells,
            vec![Some(0); 5],
            "an empty month hides nothing"
        );
        let figures = &report.months[0];
        assert_eq!(figures.acceptance_rate, Some(1.0));
        assert_eq!(figures.median_minutes_to_first_vet, Some(30.0));
        assert_eq!(report.months[1].median_minutes_to_first_vet, None);
    }

    proptest! {
        #[test]
        fn no_small_count_is_shown_or_recoverable(
            counts in (1usize..6, 1usize..7).prop_flat_map(|(rows, columns)| {
                proptest::collection::vec(proptest::collection::vec(
                    prop_oneof![Just(0u64), 1u64..5, 5u64..60], columns), rows)
            })
        ) {
            let published = suppress(&counts);
            prop_assert!(small_hidden(&published));
            // Every published value is true.
            for (row, cells) in published.cells.iter().enumerate() {
                for (column, cell) in cells.iter().enumerate() {
                    if let Some(value) = cell {
                        prop_assert_eq!(*value, counts[row][column]);
                    }
                }
            }
            // Subtraction reveals nothing more than was published.
            prop_assert_eq!(recoverable(&published), published);
        }
    }
}

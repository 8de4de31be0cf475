//! `/report`: the network's public report — anyone may read it, signed in or
//! not. Cases referred per month by tier, outcome and species, the
//! acceptance rate and the median time to first vet, with every count from
//! fewer than five cases hidden (the server decides what is hidden; this page
//! only shows it). The period is picked from lists of months, which show
//! the months the report covers.

use chrono::{Datelike, Months};
use leptos::prelude::*;
use warren_wire::{PublicReport, ReportQuery, ReportTable};

use crate::components::Loaded;
use crate::session::use_session;

/// A hidden count, as shown.
const HIDDEN: &str = "–";

/// The months the pickers offer: this month and the 35 before it, newest
/// first, as `(YYYY-MM, "November 2026")`.
fn month_options() -> Vec<(String, String)> {
    let today = crate::components::local_date(crate::local_time::now())
        .unwrap_or_else(|| crate::local_time::now().date_naive());
    let first = today.with_day(1).unwrap_or(today);
    (0..36)
        .filter_map(|back| first.checked_sub_months(Months::new(back)))
        .map(|month| {
            (
                month.format("%Y-%m").to_string(),
                month.format("%B %Y").to_string(),
            )
        })
        .collect()
}

/// A month picker: a labelled list of months (a `type="month"` input is a
/// bare text box in some browsers and unstyled in the others).
#[component]
fn MonthPicker(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    options: StoredValue<Vec<(String, String)>>,
    #[prop(into)] invalid: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select
                id=id
                aria-invalid=move || invalid.get().then_some("true")
                on:change=move |event| value.set(event_target_value(&event))
            >
                {move || {
                    let chosen = value.get();
                    // A month the report shows but the list does not reach
                    // (asked for by address) is offered too.
                    let mut listed = options.get_value();
                    if !chosen.is_empty() && !listed.iter().any(|(month, _)| *month == chosen) {
                        listed.push((chosen.clone(), chosen.clone()));
                    }
                    listed
                        .into_iter()
                        .map(|(month, text)| {
                            let selected = month == chosen;
                            view! { <option value=month selected=selected>{text}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}

/// The report page.
#[component]
pub fn ReportPage() -> impl IntoView {
    let session = use_session();
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let options = StoredValue::new(month_options());
    let asked = RwSignal::new(ReportQuery::default());
    let report = LocalResource::new(move || {
        let query = asked.get();
        let client = session.client();
        async move {
            let answer = client.public_report(&query).await;
            // The pickers show the months the report covers.
            if let Ok(report) = &answer {
                from.set(report.from.clone());
                to.set(report.to.clone());
            }
            answer
        }
    });
    // `YYYY-MM` compares as text.
    let reversed = Signal::derive(move || {
        from.with(|from| to.with(|to| !from.is_empty() && !to.is_empty() && from > to))
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if reversed.get_untracked() {
            return;
        }
        let month = |text: String| (!text.is_empty()).then_some(text);
        asked.set(ReportQuery {
            from: month(from.get_untracked()),
            to: month(to.get_untracked()),
        });
    };
    view! {
        <header class="page-header">
            <h1>"Network report"</h1>
            <p class="lead">
                "What the care network did, month by month: animals referred between clinics, how urgent they were, what happened to them, and how fast a vet saw them."
            </p>
        </header>
        <form class="card report-period" data-testid="report-period" on:submit=submit>
            <MonthPicker id="report-from" label="From" value=from options invalid=reversed/>
            <MonthPicker id="report-to" label="To" value=to options invalid=reversed/>
            <button type="submit" class="button primary" disabled=move || reversed.get()>"Show"</button>
            <Show when=move || reversed.get()>
                <p class="field-error" role="alert" data-testid="report-period-error">
                    "“From” must not be after “To”."
                </p>
            </Show>
        </form>
        <Loaded resource=report label="Loading the report…" let:report>
            <Report report/>
        </Loaded>
    }
}

#[component]
fn Report(report: PublicReport) -> impl IntoView {
    let PublicReport {
        from,
        to,
        min_cases,
        cases_by_tier,
        cases_by_outcome,
        cases_by_species,
        months,
    } = report;
    let busiest = cases_by_tier
        .rows
        .iter()
        .filter_map(|row| row.total)
        .max()
        .unwrap_or(0)
        .max(1);
    let bars = cases_by_tier
        .rows
        .iter()
        .map(|row| {
            let (width, label) = match row.total {
                Some(total) => (total * 100 / busiest, total.to_string()),
                None => (0, format!("fewer than {min_cases} or hidden")),
            };
            view! {
                <li class="report-bar">
                    <span class="report-bar-month">{row.month.clone()}</span>
                    <span class="report-bar-track" aria-hidden="true">
                        <span class="report-bar-fill" style=format!("width: {width}%")></span>
                    </span>
                    <span class="report-bar-value">{label}</span>
                </li>
            }
        })
        .collect_view();
    let rates = months
        .into_iter()
        .map(|month| {
            let rate = month.acceptance_rate.map_or_else(
                || HIDDEN.to_owned(),
                |rate| format!("{:.0} %", rate * 100.0),
            );
            let wait = month
                .median_minutes_to_first_vet
                .map_or_else(|| HIDDEN.to_owned(), |minutes| format!("{minutes:.0} min"));
            view! {
                <tr>
                    <th scope="row">{month.month}</th>
                    <td>{rate}</td>
                    <td>{wait}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="report-note" data-testid="report-note">
            {format!(
                "{from} to {to}. A case is one animal referred, to one clinic or several. “{HIDDEN}” marks a figure hidden because it comes from fewer than {min_cases} cases, or because it would let such a figure be worked out from the totals."
            )}
        </p>
        <section class="card report-section" aria-labelledby="report-cases">
            <h2 id="report-cases">"Cases per month"</h2>
            <ul class="report-bars">{bars}</ul>
        </section>
        <ReportTableView title="Cases by urgency" id="report-tiers" table=cases_by_tier labels=tier_label/>
        <ReportTableView title="Cases by outcome" id="report-outcomes" table=cases_by_outcome labels=outcome_label/>
        <ReportTableView title="Cases by species" id="report-species" table=cases_by_species labels=species_label/>
        <section class="card report-section" aria-labelledby="report-rates">
            <h2 id="report-rates">"Acceptance and time to a vet"</h2>
            <div class="table-scroll" tabindex="0">
                <table class="report-table" data-testid="report-rates">
                    <thead>
                        <tr>
                            <th scope="col">"Month"</th>
                            <th scope="col">"Referrals accepted"</th>
                            <th scope="col">"Median time to first vet"</th>
                        </tr>
                    </thead>
                    <tbody>{rates}</tbody>
                </table>
            </div>
        </section>
    }
}

/// A count as shown: the number, or the hidden mark.
fn count(value: Option<u64>) -> String {
    value.map_or_else(|| HIDDEN.to_owned(), |value| value.to_string())
}

#[component]
fn ReportTableView(
    title: &'static str,
    id: &'static str,
    table: ReportTable,
    labels: fn(&str) -> String,
) -> impl IntoView {
    let ReportTable {
        columns,
        rows,
        column_totals,
        total,
    } = table;
    let head = columns
        .iter()
        .map(|column| view! { <th scope="col">{labels(column)}</th> })
        .collect_view();
    let body = rows
        .into_iter()
        .map(|row| {
            let cells = row
                .cells
                .into_iter()
                .map(|cell| view! { <td>{count(cell)}</td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{row.month}</th>
                    {cells}
                    <td class="report-total">{count(row.total)}</td>
                </tr>
            }
        })
        .collect_view();
    let totals = column_totals
        .into_iter()
        .map(|cell| view! { <td class="report-total">{count(cell)}</td> })
        .collect_view();
    view! {
        <section class="card report-section" aria-labelledby=id>
            <h2 id=id>{title}</h2>
            <div class="table-scroll" tabindex="0">
                <table class="report-table" data-testid=id>
                    <thead>
                        <tr>
                            <th scope="col">"Month"</th>
                            {head}
                            <th scope="col">"All"</th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">"Period"</th>
                            {totals}
                            <td class="report-total">{count(total)}</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
        </section>
    }
}

fn tier_label(code: &str) -> String {
    match code {
        "immediate" => "1 Immediate",
        "very_urgent" => "2 Very urgent",
        "urgent" => "3 Urgent",
        "standard" => "4 Standard",
        "non_urgent" => "5 Non-urgent",
        other => other,
    }
    .to_owned()
}

fn outcome_label(code: &str) -> String {
    warren_domain::referral::OutcomeKind::parse(code)
        .map_or_else(|| code.to_owned(), |kind| kind.label().to_owned())
}

fn species_label(code: &str) -> String {
    if code == "other" {
        return "Other species".to_owned();
    }
    let last = code.rsplit('/').next().unwrap_or(code).replace('_', " ");
    let mut chars = last.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

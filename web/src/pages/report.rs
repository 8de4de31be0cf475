//! `/report`: the network's public report — anyone may read it, signed in or
//! not. Cases referred per month by tier, outcome and species, the
//! acceptance rate and the median time to first vet, with every count from
//! fewer than five cases hidden (the server decides what is hidden; this page
//! only shows it).

use leptos::prelude::*;
use warren_wire::{PublicReport, ReportQuery, ReportTable};

use crate::components::{ErrorAlert, Loading};
use crate::session::use_session;

/// A hidden count, as shown.
const HIDDEN: &str = "–";

/// The report page.
#[component]
pub fn ReportPage() -> impl IntoView {
    let session = use_session();
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let asked = RwSignal::new(ReportQuery::default());
    let report = LocalResource::new(move || {
        let query = asked.get();
        let client = session.client();
        async move { client.public_report(&query).await }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
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
            <div class="field">
                <label for="report-from">"From"</label>
                <input id="report-from" type="month" prop:value=from on:input=move |event| from.set(event_target_value(&event))/>
            </div>
            <div class="field">
                <label for="report-to">"To"</label>
                <input id="report-to" type="month" prop:value=to on:input=move |event| to.set(event_target_value(&event))/>
            </div>
            <button type="submit" class="button primary">"Show"</button>
        </form>
        <Transition fallback=|| view! { <Loading label="Loading the report…"/> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => view! { <Report report/> }.into_any(),
                    Err(error) => view! { <ErrorAlert error=Signal::stored(Some(error))/> }.into_any(),
                }
            })}
        </Transition>
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
            <div class="table-scroll">
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
            <div class="table-scroll">
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

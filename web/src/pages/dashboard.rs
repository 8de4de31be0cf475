//! `/dashboard`: the golden-hour dashboard for network coordinators (the
//! whole network or any organization) and organization admins (their own).
//!
//! A period (the last 30 days by default, so today's work shows at once;
//! or the last 7 days, last calendar month, or any dates) and, for
//! coordinators, an
//! organization; headline figures as cards; one bar chart per table the
//! server returns, drawn here as inline SVG (no script library), each with a
//! text alternative, its numbers printed on the bars and in a table, and a
//! "Download CSV" button that writes the very file the server's CSV
//! endpoint gives ([`Table::csv`]) from the data already on the page.

use leptos::prelude::*;
use uuid::Uuid;
use warren_domain::care::CareStage;
use warren_domain::dashboard::{Period, format_value};
use warren_domain::lending::ItemCategory;
use warren_domain::referral::RejectReason;
use warren_wire::{Dashboard, DashboardFigures, DashboardQuery, OrganizationQuery, Table};
use wasm_bindgen::{JsCast, JsValue};

use crate::components::{Loaded, RequireSignIn};
use crate::session::use_session;

/// The dashboard page: admins only.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let session = use_session();
    view! {
        <RequireSignIn>
            <Show
                when=move || session.is_network_admin() || !session.administered().is_empty()
                fallback=|| {
                    view! {
                        <section class="card narrow">
                            <h1>"Dashboard"</h1>
                            <p>"The dashboard is for organization administrators and network coordinators."</p>
                        </section>
                    }
                }
            >
                <DashboardView/>
            </Show>
        </RequireSignIn>
    }
}

/// An organization to choose: id and name.
type OrganizationChoice = (Uuid, String);

/// The periods offered in one choice, besides any dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PeriodChoice {
    Last30Days,
    Last7Days,
    LastMonth,
    Dates,
}

impl PeriodChoice {
    const ALL: [Self; 4] = [
        Self::Last30Days,
        Self::Last7Days,
        Self::LastMonth,
        Self::Dates,
    ];

    fn value(self) -> &'static str {
        match self {
            Self::Last30Days => "last_30_days",
            Self::Last7Days => "last_7_days",
            Self::LastMonth => "last_month",
            Self::Dates => "dates",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Last30Days => "Last 30 days",
            Self::Last7Days => "Last 7 days",
            Self::LastMonth => "Last calendar month",
            Self::Dates => "Dates below",
        }
    }

    /// The period, counted to the person's today; `None` for chosen dates.
    fn period(self) -> Option<Period> {
        let today = crate::components::local_date(crate::local_time::now())?;
        match self {
            Self::Last30Days => Some(Period::last_days(today, 30)),
            Self::Last7Days => Some(Period::last_days(today, 7)),
            Self::LastMonth => Some(Period::last_full_month(today)),
            Self::Dates => None,
        }
    }
}

#[component]
fn DashboardView() -> impl IntoView {
    let session = use_session();
    let network_admin = untrack(|| session.is_network_admin());
    let administered: Vec<OrganizationChoice> = untrack(|| session.administered())
        .into_iter()
        .map(|membership| (membership.organization.id, membership.organization.name))
        .collect();
    let initial = (!network_admin)
        .then(|| administered.first().map(|(id, _)| *id))
        .flatten();
    let choice = RwSignal::new(PeriodChoice::Last30Days);
    let first = PeriodChoice::Last30Days.period();
    let from = RwSignal::new(first.map(|p| p.from().to_string()).unwrap_or_default());
    let to = RwSignal::new(first.map(|p| p.to().to_string()).unwrap_or_default());
    let organization = RwSignal::new(initial);
    let asked = RwSignal::new(DashboardQuery {
        organization_id: initial,
        from: first.map(|p| p.from().to_string()),
        to: first.map(|p| p.to().to_string()),
    });
    // Choosing a period shows it at once and fills in its dates; editing a
    // date turns the choice to "Dates below".
    let choose_period = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        let Some(chosen) = PeriodChoice::ALL.into_iter().find(|c| c.value() == value) else {
            return;
        };
        choice.set(chosen);
        if let Some(period) = chosen.period() {
            from.set(period.from().to_string());
            to.set(period.to().to_string());
            asked.set(DashboardQuery {
                from: Some(period.from().to_string()),
                to: Some(period.to().to_string()),
                organization_id: organization.get_untracked(),
            });
        }
    };

    let choices = LocalResource::new(move || {
        let administered = administered.clone();
        async move {
            if !network_admin {
                return administered;
            }
            let query = OrganizationQuery {
                limit: Some(warren_wire::MAX_PAGE_SIZE),
                ..Default::default()
            };
            session
                .api()
                .organizations(&query)
                .await
                .map(|page| page.items.into_iter().map(|o| (o.id, o.name)).collect())
                .unwrap_or(administered)
        }
    });
    let board = LocalResource::new(move || {
        let query = asked.get();
        async move {
            let answer = session.api().dashboard(&query).await;
            if let Ok(dashboard) = &answer {
                from.set(dashboard.from.to_string());
                to.set(dashboard.to.to_string());
            }
            answer
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let day = |text: String| (!text.is_empty()).then_some(text);
        asked.set(DashboardQuery {
            from: day(from.get_untracked()),
            to: day(to.get_untracked()),
            organization_id: organization.get_untracked(),
        });
    };
    let choose = move |event: leptos::ev::Event| {
        organization.set(Uuid::parse_str(&event_target_value(&event)).ok());
    };
    let options = move || {
        let whole = network_admin.then(|| {
            view! {
                <option value="" prop:selected=move || organization.get().is_none()>
                    "Whole network"
                </option>
            }
        });
        let listed = choices
            .get()
            .unwrap_or_default()
            .into_iter()
            .map(|(id, name)| {
                view! {
                    <option value=id.to_string() prop:selected=move || organization.get() == Some(id)>
                        {name}
                    </option>
                }
            })
            .collect_view();
        view! { {whole} {listed} }
    };

    view! {
        <header class="page-header">
            <h1>"Dashboard"</h1>
            <p class="lead">
                "How fast the network answers and sees its cases, how fast urgent alerts are acknowledged, how full the boards are, how true the directory is, how the kit is used, and how the animals in care fare."
            </p>
        </header>
        <form class="card report-period dashboard-period" data-testid="dashboard-period" on:submit=submit>
            <div class="field">
                <label for="dashboard-period">"Period"</label>
                <select id="dashboard-period" on:change=choose_period>
                    {PeriodChoice::ALL
                        .into_iter()
                        .map(|option| {
                            view! {
                                <option value=option.value() prop:selected=move || choice.get() == option>
                                    {option.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="dashboard-from">"From"</label>
                <input id="dashboard-from" type="date" prop:value=from on:input=move |event| {
                    choice.set(PeriodChoice::Dates);
                    from.set(event_target_value(&event));
                }/>
            </div>
            <div class="field">
                <label for="dashboard-to">"To"</label>
                <input id="dashboard-to" type="date" prop:value=to on:input=move |event| {
                    choice.set(PeriodChoice::Dates);
                    to.set(event_target_value(&event));
                }/>
            </div>
            <div class="field">
                <label for="dashboard-organization">"Organization"</label>
                <select id="dashboard-organization" on:change=choose>
                    {options}
                </select>
            </div>
            <button type="submit" class="button primary">"Show"</button>
        </form>
        <Loaded resource=board label="Loading the dashboard…" let:dashboard>
            <Board dashboard/>
        </Loaded>
    }
}

fn minutes(value: Option<f64>) -> String {
    value.map_or_else(
        || "–".to_owned(),
        |minutes| format!("{} min", format_value(Some(minutes))),
    )
}

fn rate(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |rate| format!("{:.0} %", rate * 100.0))
}

#[component]
fn Board(dashboard: Dashboard) -> impl IntoView {
    let DashboardFigures {
        referrals,
        cases,
        accepted,
        declined,
        acceptance_rate,
        median_minutes_to_accept,
        median_minutes_to_first_vet,
        p90_minutes_to_first_vet,
        first_vet_within_target,
        escalations,
        open_referrals,
        open_over_target,
        sites,
        audits_overdue,
        capacity_expired,
        kit_items,
        kit_utilisation,
        overdue_loans,
        urgent_alerts,
        median_minutes_to_acknowledge,
        p90_minutes_to_acknowledge,
        alerts_unacknowledged,
        animals_in_care,
        care_ended,
        released,
        release_rate,
        milestones_met,
        milestones_on_time,
        follow_ups_due,
    } = dashboard.figures.clone();
    let card = |id: &'static str, label: &'static str, value: String, note: String, warn: bool| {
        view! {
            <li class="figure-card" class:figure-warn=warn data-testid=format!("figure-{id}")>
                <span class="figure-label">{label}</span>
                <strong class="figure-value">{value}</strong>
                <span class="figure-note">{note}</span>
            </li>
        }
    };
    let (from, to) = (dashboard.from, dashboard.to);
    let charts = dashboard
        .tables
        .iter()
        .cloned()
        .map(|table| view! { <ChartCard table from=from.to_string() to=to.to_string()/> })
        .collect_view();
    view! {
        <p class="report-note" data-testid="dashboard-note">
            {format!(
                "{from} to {to}; open referrals, the directory and overdue loans as of now. Times run from a case's first referral."
            )}
        </p>
        <ul class="figure-grid" aria-label="Headline figures">
            {card("cases", "Cases referred", cases.to_string(), format!("{referrals} referrals sent"), false)}
            {card("first-vet", "Median time to first vet", minutes(median_minutes_to_first_vet), format!("90 % within {}; {first_vet_within_target} within target", minutes(p90_minutes_to_first_vet)), false)}
            {card("accept", "Median time to accept", minutes(median_minutes_to_accept), String::new(), false)}
            {card("acceptance", "Acceptance rate", rate(acceptance_rate), format!("{accepted} accepted, {declined} declined"), false)}
            {card("escalations", "Escalations", escalations.to_string(), "unanswered in time, sent on".to_owned(), escalations > 0)}
            {card("open", "Open referrals", open_referrals.to_string(), format!("{open_over_target} past their tier's target"), open_over_target > 0)}
            {card("audits", "Audits overdue", audits_overdue.to_string(), format!("{capacity_expired} capacity expired, of {sites} sites"), audits_overdue > 0)}
            {card("acknowledge", "Median time to acknowledge", minutes(median_minutes_to_acknowledge), format!("90 % within {}; {urgent_alerts} urgent {}", minutes(p90_minutes_to_acknowledge), if urgent_alerts == 1 { "alert" } else { "alerts" }), false)}
            {card("unacknowledged", "Urgent alerts nobody acknowledged", alerts_unacknowledged.to_string(), "everyone on call and the admins alerted".to_owned(), alerts_unacknowledged > 0)}
            {card("kit", "Kit utilisation", rate(kit_utilisation), format!("{kit_items} items, {overdue_loans} {} overdue", if overdue_loans == 1 { "loan" } else { "loans" }), overdue_loans > 0)}
            {card("in-care", "Animals in care", animals_in_care.to_string(), "held now, care not ended".to_owned(), false)}
            {card("release-rate", "Release rate", rate(release_rate), format!("{released} released of {care_ended} whose care ended"), false)}
            {card("milestones", "Milestones met on time", format!("{milestones_on_time} of {milestones_met}"), "rehabilitation milestones met in the period".to_owned(), milestones_on_time < milestones_met)}
            {card("follow-ups", "Follow-ups due", follow_ups_due.to_string(), "released animals to check on now".to_owned(), follow_ups_due > 0)}
        </ul>
        <div class="chart-grid">{charts}</div>
    }
}

/// A row label as people read it.
fn display_label(label: &str) -> String {
    let tier = match label {
        "immediate" => Some("1 Immediate"),
        "very_urgent" => Some("2 Very urgent"),
        "urgent" => Some("3 Urgent"),
        "standard" => Some("4 Standard"),
        "non_urgent" => Some("5 Non-urgent"),
        "listed" => Some("Listed"),
        "audit_overdue" => Some("Audit overdue"),
        "capacity_expired" => Some("Capacity expired"),
        _ => None,
    };
    if let Some(tier) = tier {
        return tier.to_owned();
    }
    if let Some(reason) = RejectReason::parse(label) {
        return reason.label().to_owned();
    }
    if let Some(category) = ItemCategory::parse(label) {
        return category.label().to_owned();
    }
    if let Some(stage) = CareStage::parse(label) {
        return stage.label().to_owned();
    }
    // Days in care: "wildlife/hedgehog · rehabilitation".
    if let Some((species, stage)) = label.split_once(" · ") {
        let species = species.rsplit('/').next().unwrap_or(species);
        let stage = CareStage::parse(stage)
            .map_or_else(|| stage.replace('_', " "), |stage| stage.label().to_owned());
        return format!("{} · {stage}", species.replace('_', " "));
    }
    label.replace('_', " ")
}

/// A column heading as people read it.
fn display_column(column: &str) -> String {
    let text = column.replace('_', " ");
    let mut letters = text.chars();
    letters
        .next()
        .map(|first| first.to_uppercase().chain(letters).collect())
        .unwrap_or_default()
}

/// Saves `text` as a file named `file_name`, through a Blob: no request,
/// so it works offline and needs no credentials in a URL.
fn save_file(file_name: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    // Give the browser time to start the download before letting go.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}

#[component]
fn ChartCard(table: Table, from: String, to: String) -> impl IntoView {
    let heading = format!("chart-title-{}", table.name);
    let labelled = heading.clone();
    let file_name = format!("warren-{}-{from}-{to}.csv", table.name);
    let csv = table.csv();
    let download = {
        let file_name = file_name.clone();
        move |_| {
            if let Err(error) = save_file(&file_name, &csv) {
                leptos::logging::error!("download failed: {error:?}");
            }
        }
    };
    let head = std::iter::once(table.label.clone())
        .chain(table.columns.iter().cloned())
        .map(|column| view! { <th scope="col">{display_column(&column)}</th> })
        .collect_view();
    let body = table
        .rows
        .iter()
        .map(|row| {
            let values = row
                .values
                .iter()
                .map(|value| {
                    let text = format_value(*value);
                    view! { <td>{if text.is_empty() { "–".to_owned() } else { text }}</td> }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{display_label(&row.label)}</th>
                    {values}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card chart-card" aria-labelledby=labelled data-testid=format!("chart-{}", table.name)>
            <div class="card-header">
                <h2 id=heading>{table.title.clone()}</h2>
                <button
                    type="button"
                    class="button secondary small"
                    data-testid=format!("download-{}", table.name)
                    data-file=file_name
                    on:click=download
                >
                    "Download CSV"
                </button>
            </div>
            <BarChart table=table.clone()/>
            <details class="chart-numbers">
                <summary>"The numbers"</summary>
                <div class="table-scroll" tabindex="0">
                    <table class="report-table" data-testid=format!("table-{}", table.name)>
                        <thead><tr>{head}</tr></thead>
                        <tbody>{body}</tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}

/// Width and height of the drawing, in its own units (it scales to fit).
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 18.0;
/// Room under the bars for their labels.
const BOTTOM: f64 = 64.0;
/// How far below the axis a bar's label starts.
const LABEL_DROP: f64 = 12.0;
/// The width of one character of a label, about, at 11 px.
const LABEL_CHAR_WIDTH: f64 = 6.2;
/// What a slanted label's last letters reach below its run.
const LABEL_DESCENT: f64 = 8.0;

/// A round axis maximum at or above `value`.
fn axis_max(value: f64) -> f64 {
    if value <= 0.0 {
        return 1.0;
    }
    let magnitude = 10_f64.powf(value.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|step| step * magnitude)
        .find(|candidate| *candidate >= value)
        .unwrap_or(10.0 * magnitude)
}

/// A bar chart of `table`'s plotted columns: one group of bars per row,
/// value labels above the bars, a legend naming each series by pattern as
/// well as colour, and a text alternative listing every number.
#[component]
fn BarChart(table: Table) -> impl IntoView {
    let series: Vec<usize> = table
        .plotted
        .iter()
        .copied()
        .filter(|column| *column < table.columns.len())
        .collect();
    let rows = table.rows.len().max(1);
    let highest = table
        .rows
        .iter()
        .flat_map(|row| series.iter().filter_map(|column| row.values[*column]))
        .fold(0.0_f64, f64::max);
    let top = axis_max(highest);
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let group = plot_width / rows as f64;
    let bar = (group * 0.8 / series.len().max(1) as f64).min(48.0);
    let show_values = rows <= 16;
    // Labels that would not fit under their bars are slanted.
    let longest = table
        .rows
        .iter()
        .map(|row| display_label(&row.label).chars().count())
        .max()
        .unwrap_or(0);
    let rotate = rows > 8 || longest as f64 * LABEL_CHAR_WIDTH > group;
    let y = move |value: f64| TOP + plot_height - value / top * plot_height;
    // A slanted label runs down and to the left of its bar: the drawing
    // grows below and before the plot by as much as the longest one needs,
    // so that none is cut off.
    let slant = if rotate {
        LABEL_DROP + longest as f64 * LABEL_CHAR_WIDTH * std::f64::consts::FRAC_1_SQRT_2
    } else {
        0.0
    };
    let below = (slant + LABEL_DESCENT - BOTTOM).max(0.0);
    let before = (slant - (LEFT + group / 2.0)).max(0.0);

    let alternative = {
        let lines: Vec<String> = table
            .rows
            .iter()
            .map(|row| {
                let values: Vec<String> = series
                    .iter()
                    .map(|column| {
                        let text = format_value(row.values[*column]);
                        format!(
                            "{} {}",
                            display_column(&table.columns[*column]).to_lowercase(),
                            if text.is_empty() { "none".into() } else { text }
                        )
                    })
                    .collect();
                format!("{}: {}", display_label(&row.label), values.join(", "))
            })
            .collect();
        format!("{}. {}.", table.title, lines.join("; "))
    };

    let ticks = [0.0, top / 2.0, top]
        .into_iter()
        .map(|tick| {
            view! {
                <g class="chart-tick">
                    <line x1=LEFT x2=WIDTH - RIGHT y1=y(tick) y2=y(tick)></line>
                    <text x=LEFT - 6.0 y=y(tick) + 4.0 text-anchor="end">{format_value(Some(tick))}</text>
                </g>
            }
        })
        .collect_view();
    let bars = table
        .rows
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let start = LEFT + group * index as f64 + (group - bar * series.len() as f64) / 2.0;
            let centre = LEFT + group * (index as f64 + 0.5);
            let drawn = series
                .iter()
                .enumerate()
                .map(|(place, column)| {
                    let value = row.values[*column].unwrap_or(0.0);
                    let x = start + bar * place as f64;
                    let label = show_values.then(|| {
                        view! {
                            <text class="chart-value" x=x + bar / 2.0 y=y(value) - 4.0 text-anchor="middle">
                                {format_value(row.values[*column])}
                            </text>
                        }
                    });
                    view! {
                        <rect
                            class=format!("chart-bar chart-series-{place}")
                            x=x
                            y=y(value)
                            width=(bar - 2.0).max(1.0)
                            height=(y(0.0) - y(value)).max(0.0)
                        >
                            <title>{format!("{}, {}: {}", display_label(&row.label), display_column(&table.columns[*column]), format_value(row.values[*column]))}</title>
                        </rect>
                        {label}
                    }
                })
                .collect_view();
            let text = display_label(&row.label);
            let text = if rows > 8 && text.len() > 10 && text.starts_with("20") {
                text[5..].to_owned()
            } else {
                text
            };
            let label = if rotate {
                view! {
                    <text class="chart-label" x=centre y=y(0.0) + LABEL_DROP text-anchor="end"
                        transform=format!("rotate(-45 {centre} {})", y(0.0) + LABEL_DROP)>
                        {text}
                    </text>
                }
                .into_any()
            } else {
                view! {
                    <text class="chart-label" x=centre y=y(0.0) + 16.0 text-anchor="middle">{text}</text>
                }
                .into_any()
            };
            view! { <g>{drawn}{label}</g> }
        })
        .collect_view();
    let legend = series
        .iter()
        .enumerate()
        .map(|(place, column)| {
            view! {
                <li>
                    <svg class="chart-key" viewBox="0 0 14 14" aria-hidden="true">
                        <rect class=format!("chart-bar chart-series-{place}") x="0" y="0" width="14" height="14"></rect>
                    </svg>
                    {display_column(&table.columns[*column])}
                </li>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <div class="chart-scroll" tabindex="0">
            <svg
                class="chart-svg"
                viewBox=format!("{} 0 {} {}", -before, WIDTH + before, HEIGHT + below)
                role="img"
                aria-label=alternative.clone()
                data-testid=format!("svg-{}", table.name)
            >
                <title>{alternative.clone()}</title>
                <defs>
                    <pattern id="chart-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect width="6" height="6" class="chart-hatch-ground"></rect>
                        <line x1="0" y1="0" x2="0" y2="6" class="chart-hatch-line"></line>
                    </pattern>
                </defs>
                {ticks}
                <line class="chart-axis" x1=LEFT x2=LEFT y1=TOP y2=y(0.0)></line>
                {bars}
            </svg>
            </div>
            <figcaption>
                <ul class="chart-legend">{legend}</ul>
            </figcaption>
        </figure>
    }
}

//! The timeline of a record that moves through states (a loan, a referral):
//! every move, who made it and when.

use leptos::prelude::*;
use warren_wire::TimelineEntry;

use crate::local_time;

/// The words for an entry: its note if it has one, else the move between
/// states in `status_label`'s words (`from → to`), else its kind.
fn describe(entry: &TimelineEntry, status_label: fn(&str) -> Option<&'static str>) -> String {
    if let Some(note) = &entry.note {
        return note.clone();
    }
    let status = |code: &Option<String>| {
        code.as_deref()
            .map(|code| status_label(code).map_or(code.to_owned(), str::to_owned))
    };
    match (status(&entry.from), status(&entry.to)) {
        (Some(from), Some(to)) => format!("{from} → {to}"),
        (None, Some(to)) => to,
        _ => entry.kind.replace('_', " "),
    }
}

/// A card listing `entries`, oldest first, or saying there are none yet.
#[component]
pub fn TimelineCard(
    /// The entries to list.
    #[prop(into)]
    entries: Signal<Vec<TimelineEntry>>,
    /// The label of a state's code, when the code is one.
    status_label: fn(&str) -> Option<&'static str>,
    /// A label marking entries of a kind apart (an alert sent, say), if any.
    #[prop(optional)]
    kind_label: Option<fn(&str) -> Option<&'static str>>,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="timeline-heading" data-testid="timeline">
            <h2 id="timeline-heading">"Timeline"</h2>
            {move || {
                let entries = entries.get();
                if entries.is_empty() {
                    return view! { <p class="empty">"Nothing yet."</p> }.into_any();
                }
                view! {
                    <ol class="timeline">
                        {entries
                            .into_iter()
                            .map(|entry| {
                                let text = describe(&entry, status_label);
                                let label = kind_label.and_then(|label| label(&entry.kind));
                                view! {
                                    <li data-testid="timeline-entry" data-kind=entry.kind.clone() class:timeline-alert=label.is_some()>
                                        <time datetime=entry.at.to_rfc3339()>{local_time::date_time(entry.at)}</time>
                                        {label.map(|label| view! { <span class="timeline-kind">{label}</span> })}
                                        <span class="timeline-text">{text}</span>
                                        <span class="muted small">{entry.actor}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }}
        </section>
    }
}

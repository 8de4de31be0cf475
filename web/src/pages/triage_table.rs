//! `/triage/table`: the whole discriminator table assessed in this browser —
//! the proof that the triage screen and the server give the same results.
//!
//! Not in the navigation, and open to anyone: the protocol and the taxonomy
//! are public. For one species of every species group the taxonomy has (its
//! first species in code order, or the group itself when it lists none), and
//! for every sign of the current protocol, the page runs the domain's
//! [`assess`] twice: with only that sign answered Yes (the other signs still
//! to ask, as when a nurse starts), and with that sign Yes and every other
//! sign asked for the group answered No (a finished assessment). A sign not
//! asked for the group is assessed too: the engine must ignore it.
//!
//! The rows are shown as a table for people and, inside
//! `<pre data-testid="engine-table">`, as JSON for the tests: an array of
//! [`EngineRow`] (species, group, sign, case, answers and the engine's
//! [`Assessment`]). The browser test sends each row's species and answers to
//! `POST /api/v1/triage/evaluate` and compares the server's result with it.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::Serialize;
use warren_client::ClientError;
use warren_domain::directory::taxonomy::{Taxonomy, TermCode};
use warren_domain::triage::{Answer, Assessment, Protocol, SpeciesGroup, assess};
use warren_wire::{ProtocolVersion, TermList};

use crate::components::{Loaded, TierBadge};

/// Which answers a row gives besides its sign's Yes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Case {
    /// Only the sign is answered (Yes); every other sign is still to ask.
    SignOnly,
    /// The sign is Yes and every other sign asked for the group is No.
    OthersNo,
}

/// One assessment of the table, as the JSON carries it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EngineRow {
    /// The species assessed: its group's representative.
    pub species: TermCode,
    /// Its species group.
    pub group: SpeciesGroup,
    /// The sign answered Yes.
    pub sign: String,
    /// Which other answers were given.
    pub case: Case,
    /// Every answer given, by sign code.
    pub answers: BTreeMap<String, Answer>,
    /// What the engine in this browser found.
    pub result: Assessment,
}

/// The table page.
#[component]
pub fn TriageTablePage() -> impl IntoView {
    let session = crate::session::use_session();
    let loaded = LocalResource::new(move || {
        let client = session.client();
        async move {
            let protocol = client.triage_protocol().await?;
            let terms = client.taxonomy().await?;
            Ok::<_, ClientError>((protocol, terms))
        }
    });
    view! {
        <header class="page-header">
            <h1>"Triage engine table"</h1>
            <p class="lead">
                "Every sign of the network's protocol, for one species of each group, assessed in this browser by the engine the triage screen runs."
            </p>
        </header>
        <Loaded resource=loaded label="Loading the protocol…" let:loaded>
            {
                let (protocol, terms) = loaded;
                view! { <EngineTable protocol terms/> }
            }
        </Loaded>
    }
}

/// One species per species group the taxonomy has, by group: its first
/// species in code order, or the group's own code when it lists none.
pub fn representatives(terms: &TermList) -> Vec<TermCode> {
    let mut chosen: BTreeMap<SpeciesGroup, TermCode> = BTreeMap::new();
    let species = terms
        .items
        .iter()
        .filter(|term| term.taxonomy == Taxonomy::Species);
    // Specific species first, so a group code is only the fallback.
    let (specific, groups): (Vec<_>, Vec<_>) =
        species.partition(|term| term.code.as_str().contains('/'));
    for term in specific.into_iter().chain(groups) {
        chosen
            .entry(SpeciesGroup::of(&term.code))
            .or_insert_with(|| term.code.clone());
    }
    chosen.into_values().collect()
}

/// Every row of the table, and the assessments the engine refused.
pub fn engine_rows(protocol: &Protocol, species: &[TermCode]) -> (Vec<EngineRow>, Vec<String>) {
    let mut rows = Vec::new();
    let mut refused = Vec::new();
    for code in species {
        let group = SpeciesGroup::of(code);
        for sign in &protocol.discriminators {
            for case in [Case::SignOnly, Case::OthersNo] {
                let mut answers = BTreeMap::new();
                if case == Case::OthersNo {
                    for other in protocol
                        .discriminators
                        .iter()
                        .filter(|d| d.applies_to(group))
                    {
                        answers.insert(other.code.clone(), Answer::No);
                    }
                }
                answers.insert(sign.code.clone(), Answer::Yes);
                match assess(protocol, code, &answers) {
                    Ok(result) => rows.push(EngineRow {
                        species: code.clone(),
                        group,
                        sign: sign.code.clone(),
                        case,
                        answers,
                        result,
                    }),
                    Err(error) => refused.push(format!("{} for {code}: {error}", sign.code)),
                }
            }
        }
    }
    (rows, refused)
}

/// The table for people and the JSON for the tests.
#[component]
fn EngineTable(protocol: ProtocolVersion, terms: TermList) -> impl IntoView {
    let species = representatives(&terms);
    let (rows, refused) = engine_rows(&protocol.protocol, &species);
    let json = serde_json::to_string(&rows).unwrap_or_default();
    let labels: BTreeMap<String, String> = terms
        .items
        .iter()
        .filter(|term| term.taxonomy == Taxonomy::Species)
        .map(|term| (term.code.to_string(), term.label.clone()))
        .collect();
    let sign_labels: BTreeMap<String, String> = protocol
        .protocol
        .discriminators
        .iter()
        .map(|sign| (sign.code.clone(), sign.label.clone()))
        .collect();
    let count = rows.len();
    // One line per species and sign: both cases side by side.
    let mut lines: Vec<(EngineRow, Option<EngineRow>)> = Vec::new();
    for row in rows {
        match (row.case, lines.last_mut()) {
            (Case::OthersNo, Some((first, second)))
                if first.species == row.species && first.sign == row.sign =>
            {
                *second = Some(row);
            }
            _ => lines.push((row, None)),
        }
    }
    view! {
        <p class="muted small protocol-line">
            {format!(
                "Protocol version {}: {} signs × {} species groups × 2 cases = {count} assessments.",
                protocol.version,
                protocol.protocol.discriminators.len(),
                species.len(),
            )}
        </p>
        {(!refused.is_empty())
            .then(|| {
                view! {
                    <div class="alert alert-error" role="alert" data-testid="engine-errors">
                        <p>"The engine refused some assessments:"</p>
                        <ul>{refused.into_iter().map(|why| view! { <li>{why}</li> }).collect_view()}</ul>
                    </div>
                }
            })}
        <section class="card">
            <h2>"Results"</h2>
            <p class="hint">
                "“Sign only”: that sign answered Yes, the rest still to ask. “Others No”: that sign Yes and every other sign asked for the group answered No."
            </p>
            <div class="table-scroll" tabindex="0">
                <table class="engine-table" data-testid="engine-rows">
                    <thead>
                        <tr>
                            <th scope="col">"Species"</th>
                            <th scope="col">"Sign (Yes)"</th>
                            <th scope="col">"Sign only"</th>
                            <th scope="col">"Others No"</th>
                            <th scope="col">"First step before transport"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {lines
                            .into_iter()
                            .map(|(first, second)| {
                                let asked = first.result.present.contains(&first.sign);
                                let species = labels
                                    .get(first.species.as_str())
                                    .cloned()
                                    .unwrap_or_else(|| first.species.to_string());
                                let sign = sign_labels.get(&first.sign).cloned().unwrap_or_else(|| first.sign.clone());
                                let step = first.result.before_transport.first().cloned().unwrap_or_default();
                                view! {
                                    <tr class:not-asked=!asked>
                                        <th scope="row">
                                            {species}
                                        </th>
                                        <td>
                                            {sign}
                                            {(!asked).then_some(view! { <span class="muted small">" (not asked for this group)"</span> })}
                                        </td>
                                        <td><ResultCell result=first.result/></td>
                                        <td>{second.map(|second| view! { <ResultCell result=second.result/> })}</td>
                                        <td class="engine-step">{step}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        <details class="card engine-json">
            <summary>"Machine-readable (JSON)"</summary>
            <pre data-testid="engine-table" data-rows=count.to_string() data-protocol-version=protocol.version.to_string()>
                {json}
            </pre>
        </details>
    }
}

/// A result in a cell: the tier and how many signs are still to ask.
#[component]
fn ResultCell(result: Assessment) -> impl IntoView {
    let to_ask = result.to_ask.len();
    view! {
        <TierBadge spec=result.tier/>
        {(to_ask > 0).then(|| view! { <span class="muted small">{format!(" {to_ask} to ask")}</span> })}
    }
}

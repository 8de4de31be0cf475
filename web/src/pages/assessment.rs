//! `/assessments/:id`: one recorded assessment as it was made — the protocol
//! version it was assessed under, the answers, the result and the
//! destinations recommended then.

use leptos::prelude::*;
use uuid::Uuid;
use warren_wire::AssessmentRecord;

use crate::components::{
    AnswerList, CannotRuleOutNotice, Checklist, DestinationList, Loaded, RequireSignIn, TierBlock,
    WithheldList, label_of, term_labels,
};
use crate::components::{ReferLinks, refer_href};
use crate::local_time;
use crate::pages::{NotFoundPage, route_id};
use crate::session::use_session;

/// The record page.
#[component]
pub fn AssessmentPage() -> impl IntoView {
    let id = route_id();
    view! {
        <RequireSignIn>
            {move || match id.get() {
                Some(id) => view! { <AssessmentView id/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </RequireSignIn>
    }
}

#[component]
fn AssessmentView(id: Uuid) -> impl IntoView {
    let session = use_session();
    let record = LocalResource::new(move || async move { session.api().assessment(id).await });
    view! {
        <Loaded resource=record label="Loading the assessment…" let:record>
            <Record record/>
        </Loaded>
    }
}

/// The record, with the labels of the protocol version it used.
#[component]
fn Record(record: AssessmentRecord) -> impl IntoView {
    let session = use_session();
    let version = record.result.protocol_version;
    // The signs' labels as they were in that version; codes if it cannot be
    // read.
    let protocol = LocalResource::new(move || {
        let client = session.client();
        async move {
            client
                .triage_protocol_version(version)
                .await
                .ok()
                .map(|version| version.protocol)
        }
    });
    // The species' label; its code until the vocabulary loads.
    let species_labels = LocalResource::new(move || term_labels(session));
    let species_code = record.species.clone();
    let species = move || {
        species_labels.get().map_or_else(
            || species_code.clone(),
            |labels| label_of(&labels, &species_code),
        )
    };
    let assessed = format!(
        " · assessed {} by {}",
        local_time::date_time(record.assessed_at),
        record.assessed_by
    );
    let result = record.result.clone();
    let answers = record.answers.clone();
    let label = move |code: &str| {
        protocol
            .get()
            .flatten()
            .and_then(|protocol| {
                protocol
                    .discriminators
                    .into_iter()
                    .find(|sign| sign.code == code)
                    .map(|sign| sign.label)
            })
            .unwrap_or_else(|| code.to_owned())
    };
    let fired = result.fired.clone();
    let present = result.present.clone();
    view! {
        <header class="page-header with-actions">
            <div>
                <p class="eyebrow">
                    <a href="/triage/history">"Triage history"</a>
                </p>
                <h1>
                    {record.patient.clone().unwrap_or_else(|| "Assessment".to_owned())}
                </h1>
                <p class="lead">{species}{assessed}</p>
            </div>
            <div class="button-row">
                <a class="button primary" href=refer_href(record.id, None) data-testid="refer">
                    "Refer"
                </a>
                <a class="button primary" href="/triage">
                    "New assessment"
                </a>
            </div>
        </header>
        <p class="muted small protocol-line" data-testid="protocol-version">
            {format!("Assessed under protocol version {version}")}
        </p>
        <div class="record-layout">
            <div>
                <CannotRuleOutNotice signs=record.result.cannot_rule_out.clone()/>
                {move || {
                    let fired = fired.as_deref().map(label);
                    view! { <TierBlock spec=result.tier.clone() fired started=None/> }
                }}
                <section class="card" aria-labelledby="answers-heading">
                    <h2 id="answers-heading">"Answers"</h2>
                    {move || {
                        let protocol = protocol.get().flatten();
                        view! { <AnswerList answers=answers.clone() protocol/> }
                    }}
                    {(!present.is_empty())
                        .then(|| {
                            view! {
                                <p class="muted small">
                                    {move || {
                                        format!(
                                            "Signs present, most urgent first: {}",
                                            present.iter().map(|code| label(code)).collect::<Vec<_>>().join(", "),
                                        )
                                    }}
                                </p>
                            }
                        })}
                </section>
                <section class="card" aria-labelledby="do-heading">
                    <h2 id="do-heading">"What to do"</h2>
                    <Checklist title="Now, before transport" steps=record.result.before_transport.clone()/>
                    <Checklist title="During transport" steps=record.result.during_transport.clone()/>
                    <WithheldList withheld=record.result.withheld.clone()/>
                    {(!record.result.escalate_if.is_empty())
                        .then(|| {
                            view! {
                                <div class="escalate">
                                    <h3>"Escalate if"</h3>
                                    <ul data-testid="escalate">
                                        {record
                                            .result
                                            .escalate_if
                                            .iter()
                                            .map(|when| view! { <li>{when.clone()}</li> })
                                            .collect_view()}
                                    </ul>
                                </div>
                            }
                        })}
                </section>
            </div>
            <section class="card" aria-labelledby="destinations-heading">
                <h2 id="destinations-heading">"Where to send it"</h2>
                <p class="muted small">
                    {format!("As recommended at {}.", local_time::date_time(record.assessed_at))}
                </p>
                <DestinationList destinations=record.destinations.clone() at=record.assessed_at/>
                <ReferLinks assessment=record.id destinations=record.destinations.clone()/>
            </section>
        </div>
    }
}

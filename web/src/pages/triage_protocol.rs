//! `/triage/protocol`: the network's triage protocol (network admins) —
//! every published version with what changed, and a JSON editor to publish
//! the next one.
//!
//! The JSON is read and checked here with the domain's own
//! [`check_protocol`] before it is sent; the server checks again and its
//! refusal is shown as it gives it.

use leptos::prelude::*;
use warren_client::ClientError;
use warren_domain::triage::{Protocol, check_protocol};
use warren_wire::{ProtocolVersion, ProtocolVersionList, PublishProtocolRequest};

use crate::components::{ErrorAlert, Loaded, RequireSignIn, SuccessNotice, reveal_problem};
use crate::local_time;
use crate::session::use_session;

/// The protocol page.
#[component]
pub fn TriageProtocolPage() -> impl IntoView {
    let session = use_session();
    view! {
        <RequireSignIn>
            {move || {
                if session.is_network_admin() {
                    view! { <ProtocolEditor/> }.into_any()
                } else {
                    view! {
                        <h1>"Triage protocol"</h1>
                        <p class="empty">"Only the network's coordinators publish the triage protocol."</p>
                    }
                        .into_any()
                }
            }}
        </RequireSignIn>
    }
}

#[component]
fn ProtocolEditor() -> impl IntoView {
    let session = use_session();
    let current = LocalResource::new(move || async move { session.api().triage_protocol().await });
    let versions =
        LocalResource::new(move || async move { session.api().triage_protocol_versions().await });
    let notice = RwSignal::new(None::<String>);
    let published = Callback::new(move |version: ProtocolVersion| {
        notice.set(Some(format!(
            "Version {} is published: the next assessment uses it.",
            version.version
        )));
        current.refetch();
        versions.refetch();
    });
    view! {
        <header class="page-header">
            <h1>"Triage protocol"</h1>
            <p class="lead">
                "The signs, tiers and first-aid steps every triage screen of the network runs. A new version applies to the next assessment; records keep theirs."
            </p>
        </header>
        <SuccessNotice message=notice/>
        <div class="protocol-layout">
            <Loaded resource=current label="Loading the protocol…" let:current>
                <Editor current published/>
            </Loaded>
            <Loaded resource=versions label="Loading the versions…" let:versions>
                <Versions versions/>
            </Loaded>
        </div>
    }
}

/// The published versions, newest first, with their changes.
#[component]
fn Versions(versions: ProtocolVersionList) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="versions-heading">
            <h2 id="versions-heading">"Versions"</h2>
            <ol class="versions plain-list">
                {versions
                    .items
                    .into_iter()
                    .map(|version| {
                        view! {
                            <li data-testid="protocol-version-row" data-version=version.version.to_string()>
                                <p>
                                    <strong>{format!("Version {}", version.version)}</strong>
                                    <span class="muted">
                                        {format!(
                                            " · {} · {}",
                                            local_time::date_time(version.published_at),
                                            version.published_by
                                        )}
                                    </span>
                                </p>
                                {if version.changes.is_empty() {
                                    view! { <p class="muted small">"The first version."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="changes">
                                            {version
                                                .changes
                                                .into_iter()
                                                .map(|change| view! { <li>{change}</li> })
                                                .collect_view()}
                                        </ul>
                                    }
                                        .into_any()
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}

/// The current protocol as JSON, to edit and publish.
#[component]
fn Editor(current: ProtocolVersion, published: Callback<ProtocolVersion>) -> impl IntoView {
    let session = use_session();
    let text = RwSignal::new(serde_json::to_string_pretty(&current.protocol).unwrap_or_default());
    let problem = RwSignal::new(None::<String>);
    let publish = Action::new_local(move |protocol: &Protocol| {
        let request = PublishProtocolRequest {
            protocol: protocol.clone(),
        };
        async move {
            let version = session.api().publish_triage_protocol(&request).await?;
            published.run(version);
            Ok::<_, ClientError>(())
        }
    });
    let refused = Signal::derive(move || publish.value().get().and_then(Result::err));
    let field_errors = move || match refused.get() {
        Some(ClientError::Problem(problem)) => problem
            .errors
            .into_iter()
            .map(|error| view! { <li>{format!("{}: {}", error.field, error.message)}</li> })
            .collect_view()
            .into_any(),
        _ => ().into_any(),
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        problem.set(None);
        let parsed = serde_json::from_str::<Protocol>(&text.get_untracked())
            .map_err(|error| format!("This is not a protocol: {error}."))
            .and_then(|protocol| {
                check_protocol(&protocol)
                    .map(|()| protocol)
                    .map_err(|error| format!("This protocol cannot be published: {error}."))
            });
        match parsed {
            Ok(protocol) => {
                publish.dispatch(protocol);
            }
            Err(message) => {
                problem.set(Some(message));
                reveal_problem();
            }
        }
    };
    view! {
        <form class="card protocol-editor" novalidate on:submit=submit>
            <h2>{format!("Edit version {} as the next version", current.version)}</h2>
            <p class="hint">
                "Signs are asked in the order listed. “group_tiers” sets another tier for a species group; “only_for” limits a sign to groups."
            </p>
            <div class="field">
                <label for="protocol-json">"Protocol (JSON)"</label>
                <textarea
                    id="protocol-json"
                    class="code-editor"
                    spellcheck="false"
                    rows="24"
                    aria-invalid=move || problem.with(Option::is_some).to_string()
                    prop:value=move || text.get()
                    on:input=move |event| text.set(event_target_value(&event))
                ></textarea>
            </div>
            {move || {
                problem
                    .get()
                    .map(|message| {
                        view! {
                            <div class="alert alert-error" role="alert">
                                <p>{message}</p>
                            </div>
                        }
                    })
            }}
            <ErrorAlert error=refused/>
            <ul class="field-errors">{field_errors}</ul>
            <div class="form-actions">
                <button type="submit" id="publish" class="button primary" disabled=move || publish.pending().get()>
                    "Publish as a new version"
                </button>
            </div>
        </form>
    }
}

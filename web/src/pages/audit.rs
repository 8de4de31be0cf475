//! `/audit`: the audit log, newest first, filtered by action and organization.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;
use warren_client::ClientError;
use warren_wire::{AuditEntry, AuditPage, AuditQuery, OrganizationQuery};

use crate::components::{ErrorAlert, Loading, RequireSignIn, error_of};
use crate::local_time;
use crate::session::use_session;

/// Entries per page.
const PAGE_SIZE: u32 = 50;

/// The audit log (network admins and organization admins).
#[component]
pub fn AuditPage() -> impl IntoView {
    let session = use_session();
    view! {
        <RequireSignIn>
            <Show
                when=move || session.is_network_admin() || !session.administered().is_empty()
                fallback=|| {
                    view! {
                        <section class="card narrow">
                            <h1>"Audit log"</h1>
                            <p>"The audit log is for organization administrators and network coordinators."</p>
                        </section>
                    }
                }
            >
                <AuditLog/>
            </Show>
        </RequireSignIn>
    }
}

/// An organization to filter by: id and name.
type OrganizationChoice = (Uuid, String);

#[component]
fn AuditLog() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let network_admin = untrack(|| session.is_network_admin());
    let administered: Vec<OrganizationChoice> = untrack(|| session.administered())
        .into_iter()
        .map(|membership| (membership.organization.id, membership.organization.name))
        .collect();
    let requested = query
        .with_untracked(|query| query.get("organization"))
        .and_then(|id| Uuid::parse_str(&id).ok());
    // Org admins must name one of their organizations; network admins see all.
    let initial = requested.or_else(|| {
        (!network_admin)
            .then(|| administered.first().map(|(id, _)| *id))
            .flatten()
    });
    let organization = RwSignal::new(initial);
    let action_filter = RwSignal::new(String::new());
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let next_cursor = RwSignal::new(None::<String>);

    // Network admins choose among every organization; others among theirs.
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

    let load = Action::new_local(move |(query, append): &(AuditQuery, bool)| {
        let query = query.clone();
        let append = *append;
        async move {
            let page: Result<AuditPage, ClientError> = session.api().audit_log(&query).await;
            if let Ok(page) = &page {
                next_cursor.set(page.next_cursor.clone());
                if append {
                    entries.update(|entries| entries.extend(page.items.iter().cloned()));
                } else {
                    entries.set(page.items.clone());
                }
            }
            page.map(|_| ())
        }
    });
    let pending = load.pending();
    let error = Signal::derive(move || error_of(load.value().get()));
    let filters = move |cursor: Option<String>| AuditQuery {
        organization_id: organization.get_untracked(),
        action: Some(action_filter.get_untracked().trim().to_owned()).filter(|a| !a.is_empty()),
        cursor,
        limit: Some(PAGE_SIZE),
    };
    load.dispatch((filters(None), false));

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        load.dispatch((filters(None), false));
    };
    let load_older = move |_| {
        if let Some(cursor) = next_cursor.get_untracked() {
            load.dispatch((filters(Some(cursor)), true));
        }
    };

    view! {
        <header class="page-header">
            <h1>"Audit log"</h1>
            <p class="lead">"Every change, newest first, with who made it."</p>
        </header>
        <form class="filters card" on:submit=submit>
            <div class="field">
                <label for="audit-action">"Action"</label>
                <input
                    id="audit-action"
                    type="text"
                    placeholder="e.g. organization.vetted"
                    bind:value=action_filter
                />
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let choices = choices.await;
                    (network_admin || choices.len() > 1)
                        .then(|| view! { <OrganizationFilter choices organization network_admin/> })
                })}
            </Transition>
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    "Filter"
                </button>
            </div>
        </form>
        <ErrorAlert error/>
        <section class="card" aria-busy=move || pending.get().to_string()>
            <Show
                when=move || !entries.with(Vec::is_empty)
                fallback=move || {
                    view! {
                        <Show when=move || !pending.get() fallback=|| view! { <Loading label="Loading the audit log…"/> }>
                            <p class="empty">"No entries match."</p>
                        </Show>
                    }
                }
            >
                <div class="table-scroll" tabindex="0">
                    <table class="audit-table">
                        <thead>
                            <tr>
                                <th scope="col">"Time"</th>
                                <th scope="col">"Actor"</th>
                                <th scope="col">"Action"</th>
                                <th scope="col">"Target"</th>
                                <th scope="col">"Details"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || entries.get() key=|entry| entry.id let:entry>
                                <AuditRow entry/>
                            </For>
                        </tbody>
                    </table>
                </div>
            </Show>
            <Show when=move || next_cursor.with(Option::is_some)>
                <div class="form-actions">
                    <button
                        type="button"
                        id="load-older"
                        class="button secondary"
                        disabled=move || pending.get()
                        on:click=load_older
                    >
                        "Load older"
                    </button>
                    <Show when=move || pending.get()>
                        <span class="spinner" role="status" aria-label="Loading"></span>
                    </Show>
                </div>
            </Show>
        </section>
    }
}

/// The organization select of the filters.
#[component]
fn OrganizationFilter(
    choices: Vec<OrganizationChoice>,
    organization: RwSignal<Option<Uuid>>,
    network_admin: bool,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for="audit-organization">"Organization"</label>
            <select
                id="audit-organization"
                on:change=move |event| {
                    organization.set(Uuid::parse_str(&event_target_value(&event)).ok());
                }
            >
                {network_admin
                    .then(|| {
                        view! {
                            <option value="" prop:selected=move || organization.get().is_none()>
                                "All organizations"
                            </option>
                        }
                    })}
                {choices
                    .into_iter()
                    .map(|(id, name)| {
                        view! {
                            <option value=id.to_string() prop:selected=move || organization.get() == Some(id)>
                                {name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// One entry of the log.
#[component]
fn AuditRow(entry: AuditEntry) -> impl IntoView {
    let details = if entry
        .details
        .as_object()
        .is_some_and(|object| object.is_empty())
    {
        String::new()
    } else {
        serde_json::to_string(&entry.details).unwrap_or_default()
    };
    let action = entry.action.clone();
    view! {
        <tr data-testid="audit-row" data-action=action>
            <td class="nowrap">
                <time datetime=entry.at.to_rfc3339()>{local_time::date_time(entry.at)}</time>
            </td>
            <td>{entry.actor}</td>
            <td>
                <code>{entry.action}</code>
            </td>
            <td>
                {entry.target_type} " " <code class="muted">{entry.target_id}</code>
            </td>
            <td>
                <code class="details">{details}</code>
            </td>
        </tr>
    }
}

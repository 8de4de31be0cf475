//! `/directory/audit`: the coordinators' audit queue — the listings due for
//! checking, overdue ones (shown to everyone as unverified) first, each with
//! an "Assure" button once checked with the site.

use leptos::prelude::*;
use uuid::Uuid;
use warren_client::ClientError;
use warren_wire::{AuditQueueItem, AuditQueueQuery};

use crate::components::{ErrorAlert, Loading, RequireSignIn, SuccessNotice, error_of};
use crate::local_time;
use crate::session::use_session;

/// Listings per page.
const PAGE_SIZE: u32 = 50;

/// The audit queue (network admins only).
#[component]
pub fn DirectoryAuditPage() -> impl IntoView {
    let session = use_session();
    view! {
        <RequireSignIn>
            <Show
                when=move || session.is_network_admin()
                fallback=|| {
                    view! {
                        <section class="card narrow">
                            <h1>"Audit queue"</h1>
                            <p>"Only network coordinators audit the directory."</p>
                        </section>
                    }
                }
            >
                <AuditQueue/>
            </Show>
        </RequireSignIn>
    }
}

/// The counts and the listings so far.
#[derive(Debug, Clone, Default, PartialEq)]
struct Queue {
    items: Vec<AuditQueueItem>,
    overdue: u64,
    total: u64,
    next_offset: Option<u64>,
}

#[component]
fn AuditQueue() -> impl IntoView {
    let session = use_session();
    let overdue_only = RwSignal::new(false);
    let queue = RwSignal::new(Queue::default());
    let notice = RwSignal::new(None::<String>);
    let load = Action::new_local(move |offset: &Option<u64>| {
        let query = AuditQueueQuery {
            overdue_only: overdue_only.get_untracked().then_some(true),
            offset: *offset,
            limit: Some(PAGE_SIZE),
        };
        let append = offset.is_some();
        async move {
            let page = session.api().audit_queue(&query).await?;
            queue.update(|queue| {
                if !append {
                    queue.items.clear();
                }
                queue.items.extend(page.items);
                queue.overdue = page.overdue;
                queue.total = page.total;
                queue.next_offset = page.next_offset;
            });
            Ok::<_, ClientError>(())
        }
    });
    load.dispatch(None);
    let pending = load.pending();
    let error = Signal::derive(move || error_of(load.value().get()));
    let on_assured = Callback::new(move |name: String| {
        notice.set(Some(format!("{name} is assured until its next audit.")));
        load.dispatch(None);
    });

    view! {
        <header class="page-header">
            <p class="eyebrow">
                <a href="/directory">"Directory"</a>
            </p>
            <h1>"Audit queue"</h1>
            <p class="lead">
                "Check each listing with its site — hours, cover, contacts, capabilities — then assure it. "
                "Overdue listings show as unverified in every search."
            </p>
        </header>
        <section class="stats" aria-label="Counts">
            <p class="stat stat-warn" data-testid="overdue-count">
                <strong>{move || queue.with(|queue| queue.overdue)}</strong>
                <span>"overdue"</span>
            </p>
            <p class="stat" data-testid="total-count">
                <strong>{move || queue.with(|queue| queue.total)}</strong>
                <span>"in the queue"</span>
            </p>
        </section>
        <div class="filters-inline">
            <label class="switch">
                <input
                    id="overdue-only"
                    type="checkbox"
                    prop:checked=move || overdue_only.get()
                    on:change=move |event| {
                        overdue_only.set(event_target_checked(&event));
                        load.dispatch(None);
                    }
                />
                <span>"Overdue only"</span>
            </label>
        </div>
        <SuccessNotice message=notice/>
        <ErrorAlert error/>
        <section class="card" aria-busy=move || pending.get().to_string()>
            <Show
                when=move || queue.with(|queue| !queue.items.is_empty())
                fallback=move || {
                    view! {
                        <Show when=move || !pending.get() fallback=|| view! { <Loading label="Loading the queue…"/> }>
                            <p class="empty">"Nothing to audit."</p>
                        </Show>
                    }
                }
            >
                <div class="table-scroll" tabindex="0">
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">"Site"</th>
                                <th scope="col">"Town"</th>
                                <th scope="col">"Last verified"</th>
                                <th scope="col">"Due"</th>
                                <th scope="col">"Last changed"</th>
                                <th scope="col">"Assure"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For
                                each=move || queue.get().items
                                key=|item| (item.site_id, item.next_audit_due)
                                let:item
                            >
                                <QueueRow item on_assured/>
                            </For>
                        </tbody>
                    </table>
                </div>
            </Show>
            <Show when=move || queue.with(|queue| queue.next_offset.is_some())>
                <div class="form-actions">
                    <button
                        type="button"
                        id="queue-more"
                        class="button secondary"
                        disabled=move || pending.get()
                        on:click=move |_| {
                            load.dispatch(queue.with_untracked(|queue| queue.next_offset));
                        }
                    >
                        "More"
                    </button>
                </div>
            </Show>
        </section>
    }
}

/// One listing with its "Assure" button.
#[component]
fn QueueRow(item: AuditQueueItem, on_assured: Callback<String>) -> impl IntoView {
    let session = use_session();
    let id: Uuid = item.site_id;
    let name = item.name.clone();
    let assure = Action::new_local(move |()| async move { session.api().assure_site(id).await });
    Effect::new(move |_| {
        if let Some(Ok(_)) = assure.value().get() {
            on_assured.run(name.clone());
        }
    });
    let pending = assure.pending();
    let error = Signal::derive(move || error_of(assure.value().get()));
    view! {
        <tr data-testid="queue-row" data-site-id=id.to_string() class:overdue=item.overdue>
            <th scope="row">
                <a href=format!("/sites/{id}")>{item.name}</a>
                <br/>
                <span class="muted">{item.organization_name}</span>
            </th>
            <td>{item.town}</td>
            <td>
                {item.assured_at.map_or("Never".to_owned(), local_time::date)}
                {item.assured_by.map(|by| view! { <br/> <span class="muted">{by}</span> })}
            </td>
            <td class:warning-text=item.overdue>
                {local_time::date(item.next_audit_due)}
                {item.overdue.then_some(view! { <br/> <span class="badge badge-unverified">"Overdue"</span> })}
            </td>
            <td>{local_time::date_time(item.updated_at)}</td>
            <td class="actions">
                <ErrorAlert error/>
                <button
                    type="button"
                    class="button primary small"
                    data-testid="assure"
                    disabled=move || pending.get()
                    on:click=move |_| {
                        assure.dispatch(());
                    }
                >
                    "Assure"
                </button>
            </td>
        </tr>
    }
}

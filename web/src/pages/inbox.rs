//! `/inbox`: the signed-in person's alerts, newest first, live.
//!
//! Filters — every alert, the unread ones, the urgent ones waiting for an
//! acknowledgement, urgent only — and the page of older alerts live in the
//! URL query (`state`, `urgent`, `cursor`), so the banner and the
//! notifications can link straight to what waits. Each alert says what it
//! is, when it came, where its acknowledgement chain stands, and links to
//! its object; an urgent one nobody has acknowledged has the button that
//! does ("I am on it"), which stops the chain for everyone.
//!
//! The list follows the tab's live stream: a new alert, or an
//! acknowledgement by someone else, shows without a reload. The page also
//! offers to turn on browser notifications for urgent alerts.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;
use warren_client::ClientError;
use warren_wire::{Alert, AlertFilter, AlertQuery, MarkAlertsReadRequest};

use crate::alarm::{self, Permission};
use crate::components::{
    ErrorAlert, Loaded, RequireSignIn, SuccessNotice, acknowledgeable, chain_state, chain_text,
    focus_on, reveal_problem, use_live_alerts, when_text,
};
use crate::session::use_session;

/// Alerts per page.
const PAGE_SIZE: u32 = 25;

/// The inbox page.
#[component]
pub fn InboxPage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <Inbox/>
        </RequireSignIn>
    }
}

/// The filter in the query's `state`.
fn filter_of(state: Option<&str>) -> AlertFilter {
    match state {
        Some("unread") => AlertFilter::Unread,
        Some("unacknowledged") => AlertFilter::Unacknowledged,
        _ => AlertFilter::All,
    }
}

fn filter_code(filter: AlertFilter) -> &'static str {
    match filter {
        AlertFilter::All => "all",
        AlertFilter::Unread => "unread",
        AlertFilter::Unacknowledged => "unacknowledged",
    }
}

/// The inbox's address with these filters, from the newest alert or from
/// `cursor`.
fn inbox_href(filter: AlertFilter, urgent: bool, cursor: Option<&str>) -> String {
    let mut parts = Vec::new();
    if filter != AlertFilter::All {
        parts.push(format!("state={}", filter_code(filter)));
    }
    if urgent {
        parts.push("urgent=1".to_owned());
    }
    if let Some(cursor) = cursor {
        parts.push(format!(
            "cursor={}",
            String::from(js_sys::encode_uri_component(cursor))
        ));
    }
    if parts.is_empty() {
        "/inbox".to_owned()
    } else {
        format!("/inbox?{}", parts.join("&"))
    }
}

/// What the person did last, and how it went.
#[derive(Clone)]
enum Done {
    Acknowledged(String),
    Marked(String),
}

#[component]
fn Inbox() -> impl IntoView {
    let session = use_session();
    let alerts = use_live_alerts();
    let query = use_query_map();
    let navigate = use_navigate();
    let filter = Memo::new(move |_| query.with(|query| filter_of(query.get_str("state"))));
    let urgent = Memo::new(move |_| query.with(|query| query.get_str("urgent") == Some("1")));
    let cursor = Memo::new(move |_| query.with(|query| query.get("cursor")));
    let page = LocalResource::new(move || {
        alerts.generation();
        let query = AlertQuery {
            state: Some(filter.get()),
            urgent: urgent.get().then_some(true),
            cursor: cursor.get(),
            limit: Some(PAGE_SIZE),
            kind: None,
        };
        {
            let query = query.clone();
            async move { session.api().my_alerts(&query).await }
        }
    });
    let notice = RwSignal::new(None::<Done>);
    let problem = RwSignal::new(None::<ClientError>);
    let acknowledge = Action::new_local(move |id: &Uuid| {
        let id = *id;
        async move {
            let answer = alerts.acknowledge(id).await;
            match answer {
                Ok(acknowledgement) => {
                    let chain = acknowledgement.chain;
                    let text = if acknowledgement.by_this_request {
                        "Acknowledged: nobody else will be alerted.".to_owned()
                    } else {
                        format!(
                            "{} acknowledged it first.",
                            chain.acknowledged_by.as_deref().unwrap_or("Someone")
                        )
                    };
                    problem.set(None);
                    notice.set(Some(Done::Acknowledged(text)));
                    focus_on("[data-testid=notice]");
                }
                Err(error) => {
                    notice.set(None);
                    problem.set(Some(error));
                    reveal_problem();
                }
            }
        }
    });
    let mark_read = Action::new_local(move |ids: &Option<Vec<Uuid>>| {
        let request = MarkAlertsReadRequest { ids: ids.clone() };
        async move {
            let answer = session.api().mark_alerts_read(&request).await;
            alerts.refresh();
            match answer {
                Ok(marked) => {
                    problem.set(None);
                    let text = match marked.marked {
                        1 => "1 alert marked read.".to_owned(),
                        count => format!("{count} alerts marked read."),
                    };
                    notice.set(Some(Done::Marked(text)));
                }
                Err(error) => {
                    notice.set(None);
                    problem.set(Some(error));
                }
            }
        }
    });
    let busy = Signal::derive(move || acknowledge.pending().get() || mark_read.pending().get());
    let message = Signal::derive(move || {
        notice.get().map(|done| match done {
            Done::Acknowledged(text) | Done::Marked(text) => text,
        })
    });
    let unread = move || alerts.summary().map_or(0, |summary| summary.unread);
    let segments = [
        (AlertFilter::All, "All"),
        (AlertFilter::Unread, "Unread"),
        (AlertFilter::Unacknowledged, "Awaiting acknowledgement"),
    ];

    view! {
        <header class="page-header with-actions">
            <div>
                <h1 id="inbox-heading" tabindex="-1">"Alerts"</h1>
                <p class="lead">
                    "What needs you: urgent alerts to acknowledge, answers, messages and reminders. Urgent alerts also reach you by e-mail, and then the next person on call if nobody acknowledges."
                </p>
            </div>
            <div class="button-row">
                <button
                    type="button"
                    class="button secondary"
                    data-testid="mark-all-read"
                    disabled=move || busy.get() || unread() == 0
                    on:click=move |_| {
                        mark_read.dispatch(None);
                    }
                >
                    "Mark all read"
                </button>
            </div>
        </header>
        <NotificationSwitch/>
        <div class="inbox-filters">
            <div class="segmented" role="group" aria-label="Which alerts">
                {segments
                    .into_iter()
                    .map(|(value, label)| {
                        view! {
                            <a
                                class="segment"
                                href=move || inbox_href(value, urgent.get(), None)
                                data-testid=format!("filter-{}", filter_code(value))
                                aria-current=move || (filter.get() == value).then_some("page")
                            >
                                {label}
                            </a>
                        }
                    })
                    .collect_view()}
            </div>
            <label class="checkbox urgent-only" for="urgent-only">
                <input
                    type="checkbox"
                    id="urgent-only"
                    data-testid="filter-urgent"
                    prop:checked=move || urgent.get()
                    on:change=move |_| {
                        navigate(&inbox_href(filter.get_untracked(), !urgent.get_untracked(), None), NavigateOptions::default());
                    }
                />
                "Urgent only"
            </label>
        </div>
        <SuccessNotice message/>
        <ErrorAlert error=problem/>
        <Loaded resource=page label="Loading your alerts…" let:page>
            {
                let next = page.next.clone();
                let empty = match filter.get_untracked() {
                    AlertFilter::All => "No alerts yet.",
                    AlertFilter::Unread => "Nothing unread.",
                    AlertFilter::Unacknowledged => "No urgent alert is waiting for an acknowledgement.",
                };
                let on_later_page = cursor.get_untracked().is_some();
                view! {
                    {if page.items.is_empty() {
                        view! { <p class="empty" data-testid="no-alerts">{empty}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="alert-list" aria-labelledby="inbox-heading">
                                {page
                                    .items
                                    .into_iter()
                                    .map(|alert| {
                                        view! {
                                            <AlertItem
                                                alert
                                                busy
                                                on_acknowledge=Callback::new(move |id| {
                                                    acknowledge.dispatch(id);
                                                })
                                                on_read=Callback::new(move |id| {
                                                    mark_read.dispatch(Some(vec![id]));
                                                })
                                            />
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any()
                    }}
                    <nav class="pager" aria-label="Pages of alerts">
                        {on_later_page
                            .then(|| {
                                view! {
                                    <a class="button secondary small" href=inbox_href(filter.get_untracked(), urgent.get_untracked(), None)>
                                        "Newest alerts"
                                    </a>
                                }
                            })}
                        {next
                            .map(|next| {
                                view! {
                                    <a
                                        class="button secondary small"
                                        data-testid="older-alerts"
                                        href=inbox_href(filter.get_untracked(), urgent.get_untracked(), Some(&next))
                                    >
                                        "Older alerts"
                                    </a>
                                }
                            })}
                    </nav>
                }
            }
        </Loaded>
    }
}

/// One alert: what, when, the chain, and what the person can do.
#[component]
fn AlertItem(
    alert: Alert,
    busy: Signal<bool>,
    on_acknowledge: Callback<Uuid>,
    on_read: Callback<Uuid>,
) -> impl IntoView {
    let id = alert.id;
    let unread = alert.read_at.is_none();
    let can_acknowledge = alert.urgent && alert.chain.as_ref().is_some_and(acknowledgeable);
    let chain = alert.chain.clone();
    let title_id = format!("alert-title-{id}");
    let labelled = title_id.clone();
    let chain_state_word = chain.as_ref().map(chain_state);
    view! {
        <li
            class="alert-item"
            class:unread=unread
            class:urgent=alert.urgent
            data-testid="alert-item"
            data-alert-id=id.to_string()
            data-kind=alert.kind.as_str()
            data-read=(!unread).to_string()
            data-chain=chain_state_word
            aria-labelledby=labelled
        >
            <div class="alert-item-top">
                <span class="badge kind-badge">{alert.kind.label()}</span>
                {alert.urgent.then(|| view! { <span class="badge urgent-badge">"Urgent"</span> })}
                {unread.then(|| view! { <span class="badge unread-badge">"New"</span> })}
                <time class="alert-time" datetime=alert.created_at.to_rfc3339()>
                    {when_text(alert.created_at)}
                </time>
            </div>
            <h2 class="alert-title" id=title_id>
                <a href=alert.link.clone()>{alert.title.clone()}</a>
            </h2>
            <p class="alert-body">{alert.body.clone()}</p>
            {chain
                .map(|chain| {
                    view! {
                        <p class="chain-line" data-testid="chain" data-state=chain_state(&chain)>
                            {chain_text(&chain)}
                        </p>
                    }
                })}
            <div class="alert-actions">
                {can_acknowledge
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button primary acknowledge-button"
                                data-testid="acknowledge"
                                disabled=move || busy.get()
                                on:click=move |_| on_acknowledge.run(id)
                            >
                                "Acknowledge"
                            </button>
                        }
                    })}
                <a class="button secondary small" href=alert.link.clone() data-testid="open-alert">
                    "Open"
                </a>
                {unread
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button secondary small"
                                data-testid="mark-read"
                                disabled=move || busy.get()
                                on:click=move |_| on_read.run(id)
                            >
                                "Mark read"
                            </button>
                        }
                    })}
            </div>
        </li>
    }
}

/// Browser notifications for urgent alerts: the button that asks, or
/// where they stand.
#[component]
fn NotificationSwitch() -> impl IntoView {
    let permission = RwSignal::new(alarm::permission());
    let enable = move |_| {
        alarm::request_permission(move |answer| {
            permission.try_set(answer);
        });
    };
    let test_sound = move |_| {
        alarm::unlock_sound();
        alarm::beep();
    };
    view! {
        <section class="notification-switch" aria-label="Browser notifications" data-testid="notifications" data-permission=move || format!("{:?}", permission.get()).to_lowercase()>
            {move || match permission.get() {
                Permission::Default => {
                    view! {
                        <p>"Let Warren show a notification and sound a beep when an urgent alert arrives while it is open."</p>
                        <button type="button" class="button primary small" data-testid="enable-notifications" on:click=enable>
                            "Enable notifications"
                        </button>
                    }
                        .into_any()
                }
                Permission::Granted => {
                    view! {
                        <p>"Notifications are on: an urgent alert shows one and beeps while Warren is open."</p>
                        <button type="button" class="button secondary small" on:click=test_sound>
                            "Play the alert sound"
                        </button>
                    }
                        .into_any()
                }
                Permission::Denied => {
                    view! {
                        <p>"Notifications are blocked for Warren in this browser's settings. Urgent alerts still show in red at the top of every page, with a beep."</p>
                    }
                        .into_any()
                }
                Permission::Unsupported => {
                    view! {
                        <p>"This browser cannot show notifications. Urgent alerts show in red at the top of every page, with a beep."</p>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

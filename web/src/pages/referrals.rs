//! `/referrals`: the organization's referral board, live.
//!
//! Two tabs — incoming (the organization receives) and outgoing (it
//! refers) — each grouped by tier, most urgent first, in the tier's colour.
//! A referral waiting for an answer shows the time left before Warren
//! escalates it, ticking and red once overdue; every card shows its status,
//! the transport step, who took it on and a button to call the other side.
//!
//! The board follows the tab's live event stream
//! ([`crate::components::ReferralStream`]): whatever the other organization
//! does appears without a reload. The tab, the
//! open/closed filter and the organization live in the URL query (`box`,
//! `state`, `org`) so a board can be bookmarked.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;
use warren_domain::triage::Tier;
use warren_wire::{Referral, ReferralQuery};

use crate::components::{
    BusinessStatusBadge, CallLink, DueCountdown, LiveIndicator, Loaded, PriorityBadge,
    ReferralStatusBadge, RequireSignIn, label_of, patient_title, shared_term_labels, tier_name,
    use_referral_stream,
};
use crate::local_time;
use crate::session::use_session;

/// The most referrals one board shows.
const BOARD_LIMIT: u32 = 200;

/// The referral board.
#[component]
pub fn ReferralsPage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <Board/>
        </RequireSignIn>
    }
}

/// Which side of the board is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Incoming,
    Outgoing,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Self::Incoming => "incoming",
            Self::Outgoing => "outgoing",
        }
    }

    /// The caller's `side` on the referrals of this tab.
    fn side(self) -> &'static str {
        match self {
            Self::Incoming => "receiver",
            Self::Outgoing => "referrer",
        }
    }
}

/// The board's address for a choice of organization, tab and filter.
fn board_href(organization: Option<Uuid>, direction: Direction, state: &str) -> String {
    let mut href = format!("/referrals?box={}&state={state}", direction.as_str());
    if let Some(organization) = organization {
        href.push_str(&format!("&org={organization}"));
    }
    href
}

#[component]
fn Board() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let navigate = StoredValue::new_local(use_navigate());
    let memberships = Memo::new(move |_| session.memberships());
    let chosen = Memo::new(move |_| {
        query.with(|query| query.get("org").and_then(|id| Uuid::parse_str(&id).ok()))
    });
    let organization = Memo::new(move |_| {
        let memberships = memberships.get();
        chosen
            .get()
            .filter(|id| memberships.iter().any(|m| m.organization.id == *id))
            .or_else(|| memberships.first().map(|m| m.organization.id))
    });
    let direction = Memo::new(
        move |_| match query.with(|query| query.get("box")).as_deref() {
            Some("outgoing") => Direction::Outgoing,
            _ => Direction::Incoming,
        },
    );
    let state = Memo::new(
        move |_| match query.with(|query| query.get("state")).as_deref() {
            Some("closed") => "closed",
            Some("all") => "all",
            _ => "open",
        },
    );
    let explicit_org = Memo::new(move |_| chosen.get().is_some());
    let href = move |direction: Direction, state: &str| {
        board_href(
            explicit_org.get().then(|| organization.get()).flatten(),
            direction,
            state,
        )
    };

    let stream = use_referral_stream();
    let labels = StoredValue::new_local(shared_term_labels(session));
    // The board's referrals, with the labels of their species.
    let board = LocalResource::new(move || {
        stream.generation();
        let labels = labels.get_value();
        let organization = organization.get();
        let state = state.get().to_owned();
        async move {
            let referrals = async move {
                let Some(organization) = organization else {
                    return Ok(Vec::new());
                };
                let query = ReferralQuery {
                    direction: Some("all".into()),
                    state: Some(state),
                    limit: Some(BOARD_LIMIT),
                    ..ReferralQuery::default()
                };
                session
                    .api()
                    .referrals(organization, &query)
                    .await
                    .map(|page| page.items)
            };
            let (items, labels) = futures_util::future::join(referrals, labels).await;
            items.map(|items| (items, labels))
        }
    });
    let count = move |direction: Direction| {
        board.get().and_then(Result::ok).map(|(items, _)| {
            items
                .iter()
                .filter(|referral| referral.side == direction.side())
                .count()
        })
    };

    view! {
        <header class="page-header with-actions">
            <div>
                <h1 class="with-live">"Referrals" <LiveIndicator stream/></h1>
                <p class="lead">"Patients your organization sends and receives, as it happens."</p>
            </div>
            <div class="button-row">
                <a class="button secondary" href="/patients" data-testid="patients-link">
                    "Patients in care"
                </a>
                <a class="button secondary" href="/referrals/settings">
                    "Answer times"
                </a>
                <a class="button primary" href="/referrals/new" data-testid="new-referral">
                    "New referral"
                </a>
            </div>
        </header>
        <Show when=move || memberships.with(|memberships| memberships.len() > 1)>
            <div class="field board-org">
                <label for="board-org">"Organization"</label>
                <select
                    id="board-org"
                    on:change=move |event| {
                        let id = event_target_value(&event);
                        let href = format!(
                            "/referrals?box={}&state={}&org={id}",
                            direction.get_untracked().as_str(),
                            state.get_untracked(),
                        );
                        navigate.with_value(|navigate| navigate(&href, NavigateOptions::default()));
                    }
                >
                    {move || {
                        memberships
                            .get()
                            .into_iter()
                            .map(|membership| {
                                let id = membership.organization.id;
                                view! {
                                    <option value=id.to_string() prop:selected=move || organization.get() == Some(id)>
                                        {membership.organization.name}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
        </Show>
        <div class="board-controls">
            <nav class="tabs board-tabs" aria-label="Incoming or outgoing">
                {[Direction::Incoming, Direction::Outgoing]
                    .into_iter()
                    .map(|tab| {
                        let label = match tab {
                            Direction::Incoming => "Incoming",
                            Direction::Outgoing => "Outgoing",
                        };
                        view! {
                            <a
                                class="tab"
                                href=move || href(tab, state.get())
                                data-testid=format!("tab-{}", tab.as_str())
                                aria-current=move || (direction.get() == tab).then_some("page")
                            >
                                {label}
                                {move || count(tab).map(|count| view! { <span class="tab-count">{count}</span> })}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
            <div class="segmented" role="group" aria-label="Which referrals">
                {[("open", "Open"), ("closed", "Closed"), ("all", "All")]
                    .into_iter()
                    .map(|(value, label)| {
                        view! {
                            <a
                                class="segment"
                                href=move || href(direction.get(), value)
                                data-testid=format!("state-{value}")
                                aria-current=move || (state.get() == value).then_some("page")
                            >
                                {label}
                            </a>
                        }
                    })
                    .collect_view()}
            </div>
        </div>
        <Loaded resource=board label="Loading the referrals…" let:board>
            {
                let (items, labels) = board;
                // A view of its own, so that a tab or filter change draws the list again.
                move || {
                    let direction = direction.get();
                    let state = state.get();
                    let items: Vec<Referral> = items
                        .iter()
                        .filter(|referral| referral.side == direction.side())
                        .cloned()
                        .collect();
                    let labels = labels.clone();
                    view! { <BoardList items labels direction state/> }
                }
            }
        </Loaded>
    }
}

/// One tab's referrals, grouped by tier.
#[component]
fn BoardList(
    items: Vec<Referral>,
    labels: BTreeMap<String, String>,
    direction: Direction,
    state: &'static str,
) -> impl IntoView {
    if items.is_empty() {
        let what = match (state, direction) {
            ("open", Direction::Incoming) => {
                "No open incoming referrals. New ones appear here as they arrive."
            }
            ("open", Direction::Outgoing) => "No open outgoing referrals.",
            (_, Direction::Incoming) => "No incoming referrals here.",
            (_, Direction::Outgoing) => "No outgoing referrals here.",
        };
        return view! { <p class="empty" data-testid="board-empty">{what}</p> }.into_any();
    }
    let labels = StoredValue::new(labels);
    view! {
        <div class="board" data-testid="board" data-box=direction.as_str()>
            {Tier::ALL
                .into_iter()
                .filter_map(|tier| {
                    let of_tier: Vec<Referral> = items
                        .iter()
                        .filter(|referral| referral.priority == tier)
                        .cloned()
                        .collect();
                    if of_tier.is_empty() {
                        return None;
                    }
                    let number = tier.number();
                    Some(view! {
                        <section class="board-tier" data-tier=number.to_string() aria-label=format!("Tier {number}: {}", tier_name(tier))>
                            <h2 class="board-tier-heading">
                                <span class="tier-chip" data-tier=number.to_string()>{number}</span>
                                {tier_name(tier)}
                                <span class="muted">{format!("· {}", of_tier.len())}</span>
                            </h2>
                            <ul class="referral-list">
                                {of_tier
                                    .into_iter()
                                    .map(|referral| {
                                        let species = labels.with_value(|labels| label_of(labels, &referral.species));
                                        view! { <ReferralCard referral species direction/> }
                                    })
                                    .collect_view()}
                            </ul>
                        </section>
                    })
                })
                .collect_view()}
        </div>
    }
    .into_any()
}

/// One referral on the board.
#[component]
fn ReferralCard(referral: Referral, species: String, direction: Direction) -> impl IntoView {
    let href = format!("/referrals/{}", referral.id);
    let title = patient_title(&referral, &species);
    let (other, phone) = match direction {
        Direction::Incoming => (&referral.referrer, referral.referrer.phone.clone()),
        Direction::Outgoing => (&referral.receiver, referral.receiver.phone.clone()),
    };
    let other_name = match &other.site_name {
        Some(site) if *site != other.organization_name => {
            format!("{site} · {}", other.organization_name)
        }
        _ => other.organization_name.clone(),
    };
    let party = match direction {
        Direction::Incoming => format!("From {other_name}"),
        Direction::Outgoing => format!("To {other_name}"),
    };
    let due = referral
        .answer_due_at
        .filter(|_| referral.status.awaits_answer());
    let sent = referral.sent_at.unwrap_or(referral.created_at);
    let assignee = referral.assignee.as_ref().map(|person| person.name.clone());
    let number = referral.priority.number();
    view! {
        <li
            class="card referral-card"
            data-testid="referral-card"
            data-referral-id=referral.id.to_string()
            data-status=referral.status.as_str()
            data-tier=number.to_string()
        >
            <div class="referral-card-main">
                <div class="referral-card-top">
                    <h3 class="referral-card-title">
                        <a href=href.clone() data-testid="referral-link">{title.clone()}</a>
                    </h3>
                    <div class="badges">
                        <PriorityBadge tier=referral.priority/>
                        <ReferralStatusBadge status=referral.status/>
                        {referral.business_status.map(|status| view! { <BusinessStatusBadge status/> })}
                    </div>
                </div>
                <p class="referral-card-party">
                    {(title != species).then(|| view! { <span class="muted">{species.clone()} " · "</span> })}
                    <strong>{party}</strong>
                </p>
                <p class="referral-card-reason">{referral.reason.clone()}</p>
                <p class="muted small referral-card-meta">
                    {format!("Sent {} by {}", local_time::date_time(sent), referral.created_by)}
                    {assignee.map(|name| view! { " · " <span data-testid="assignee">{format!("Taken on by {name}")}</span> })}
                </p>
            </div>
            <div class="referral-card-side">
                {due.map(|due| view! { <DueCountdown due/> })}
                {phone.map(|phone| view! { <CallLink phone/> })}
                <a class="button secondary small" href=href>
                    "Open"
                </a>
            </div>
        </li>
    }
}

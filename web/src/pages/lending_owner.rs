//! `/organizations/:id/lending`: the owner's side of lending.
//!
//! The approval queue — requests waiting for the owner, ranked by clinical
//! urgency, then by how long they have waited — with Approve, and Decline
//! with a reason both sides read; the items out on loan or reserved now
//! (each opens its loan page, where the return is recorded); the
//! organization's items with whether each can be lent and why not; and the
//! form that adds an item: category, which animals it suits (species,
//! weight range, limits in words), condition, usage terms, longest loan,
//! home site and whether conflict-free requests are approved at once.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;
use warren_client::ClientError;
use warren_domain::lending::ReservationStatus;
use warren_wire::ErrorCode;
use warren_wire::{CreateItemRequest, DeclineLoanRequest, KitItem, Loan, LoanQuery};

use crate::components::{
    ConditionBadge, DecisionNote, DeclineLoanForm, ErrorAlert, FieldErrors, ItemDraft, ItemFields,
    ItemStatusBadge, LendingTab, LendingTabs, Loaded, LoanStatusBadge, RequireSignIn,
    SuccessNotice, etag_of, reveal_problem, sites_of, tier_name, urgency_text, vocabulary,
    window_text,
};
use crate::idempotency::IdempotencyKey;
use crate::local_time;
use crate::pages::lending_item::waiting_since;
use crate::pages::{NotFoundPage, organization_id};
use crate::session::use_session;

/// The owner's lending page.
#[component]
pub fn OrganizationLendingPage() -> impl IntoView {
    let id = organization_id();
    view! {
        <RequireSignIn>
            {move || match id.get() {
                Some(id) => view! { <OwnerLending organization=id/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </RequireSignIn>
    }
}

#[component]
fn OwnerLending(organization: Uuid) -> impl IntoView {
    let session = use_session();
    let name =
        LocalResource::new(move || async move { session.api().organization(organization).await });
    // Bumped after every change, to read the lists again.
    let changes = RwSignal::new(0_u32);
    let notice = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<ClientError>);
    let queue = LocalResource::new(move || {
        changes.track();
        async move { session.api().loan_queue(organization).await }
    });
    let out = LocalResource::new(move || {
        changes.track();
        async move {
            session
                .api()
                .loans(
                    organization,
                    &LoanQuery {
                        role: Some("owner".into()),
                        state: Some("open".into()),
                    },
                )
                .await
        }
    });
    let items = LocalResource::new(move || {
        changes.track();
        async move { session.api().items(organization).await }
    });
    let approve = Action::new_local(move |loan: &Loan| {
        let (id, etag, name) = (loan.id, etag_of(loan.version), loan.item_name.clone());
        async move {
            notice.set(None);
            problem.set(None);
            match session
                .api().approve_loan(id, &etag)
                .await
            {
                Ok(_) => notice.set(Some(format!("Approved: {name} is reserved for the borrower."))),
                Err(error) if error.is(ErrorCode::PreconditionFailed) => notice.set(Some(
                    "That request changed meanwhile — the queue is reloaded; check it and try again.".to_owned(),
                )),
                Err(error) => problem.set(Some(error)),
            }
            changes.update(|count| *count += 1);
        }
    });
    view! {
        <header class="page-header">
            <p class="eyebrow">
                <a href=format!("/organizations/{organization}") data-testid="organization-name">
                    {move || name.get().and_then(Result::ok).map(|organization| organization.value.name)}
                </a>
            </p>
            <h1>"Our kit"</h1>
            <p class="lead">"Requests ranked by clinical urgency, then by waiting time; your items and their loans."</p>
        </header>
        <LendingTabs current=LendingTab::OwnKit organization=Signal::stored(Some(organization))/>
        <ErrorAlert error=problem/>
        <SuccessNotice message=notice/>
        <section class="card" aria-labelledby="queue-heading" data-testid="loan-queue">
            <h2 id="queue-heading">"Waiting for your approval"</h2>
            <Loaded resource=queue label="Loading the queue…" let:list>
                {if list.items.is_empty() {
                    view! { <p class="empty" data-testid="queue-empty">"No request is waiting."</p> }.into_any()
                } else {
                    view! {
                        <ol class="queue-list">
                            {list
                                .items
                                .into_iter()
                                .enumerate()
                                .map(|(index, loan)| view! { <QueueRow position=index + 1 loan approve changes notice/> })
                                .collect_view()}
                        </ol>
                    }
                        .into_any()
                }}
            </Loaded>
        </section>
        <section class="card" aria-labelledby="out-heading" data-testid="owner-loans">
            <h2 id="out-heading">"Reserved and out"</h2>
            <Loaded resource=out label="Loading the loans…" let:list>
                {
                    let held: Vec<Loan> = list
                        .items
                        .into_iter()
                        .filter(|loan| loan.status != ReservationStatus::Requested)
                        .collect();
                    if held.is_empty() {
                        view! { <p class="empty">"Nothing is reserved or out."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list held-list">
                                {held
                                    .into_iter()
                                    .map(|loan| {
                                        let href = format!("/loans/{}", loan.id);
                                        view! {
                                            <li data-testid="held-loan" data-loan-id=loan.id.to_string()>
                                                <a href=href><strong>{loan.item_name.clone()}</strong></a>
                                                " "
                                                <LoanStatusBadge status=loan.status/>
                                                <span class="small muted">{format!(" · {} · tier {}", window_text(loan.window), loan.urgency.tier().number())}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                }
            </Loaded>
        </section>
        <section class="card" aria-labelledby="items-heading" data-testid="own-items">
            <h2 id="items-heading">"Our items"</h2>
            <Loaded resource=items label="Loading the items…" let:list>
                {if list.items.is_empty() {
                    view! { <p class="empty">"No items yet: add the first below."</p> }.into_any()
                } else {
                    view! {
                        <ul class="own-items">
                            {list.items.into_iter().map(|item| view! { <OwnItem item/> }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </Loaded>
        </section>
        <NewItemForm organization/>
    }
}

/// One waiting request, with its place in the queue.
#[component]
fn QueueRow(
    position: usize,
    loan: Loan,
    approve: Action<Loan, ()>,
    changes: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = use_session();
    let declining = RwSignal::new(false);
    let errors = FieldErrors::new();
    let tier = loan.urgency.tier();
    let (id, etag) = (loan.id, etag_of(loan.version));
    let decline = Action::new_local(move |request: &DeclineLoanRequest| {
        let request = request.clone();
        let etag = etag.clone();
        async move {
            match session.api().decline_loan(id, &request, &etag).await {
                Ok(_) => {
                    notice.set(Some("Declined; the borrower sees your reason.".to_owned()));
                    changes.update(|count| *count += 1);
                }
                Err(error) => {
                    errors.absorb(&error);
                    if errors.is_empty() {
                        errors.add("note", error.message());
                    }
                    reveal_problem();
                }
            }
        }
    });
    let approving = loan.clone();
    let pending = approve.pending();
    view! {
        <li class="card queue-row" data-testid="queue-row" data-loan-id=loan.id.to_string() data-tier=tier.number().to_string()>
            <div class="queue-row-top">
                <span class="queue-position" aria-label=format!("Number {position} in the queue")>{position}</span>
                <div class="queue-row-main">
                    <h3 class="loan-row-title">
                        <a href=format!("/loans/{}", loan.id)>{loan.item_name.clone()}</a>
                    </h3>
                    <div class="badges">
                        <span class="tier-badge" data-tier=tier.number().to_string()>{format!("{} · {}", tier.number(), tier_name(tier))}</span>
                        <span class="badge badge-muted">{format!("waiting {}", waiting_since(loan.requested_at))}</span>
                    </div>
                    <p class="small"><strong>{window_text(loan.window)}</strong></p>
                    <p class="small">{urgency_text(&loan.urgency)}</p>
                    <p class="small muted">{format!("Asked {} by {}", local_time::date_time(loan.requested_at), loan.requested_by)}</p>
                    <DecisionNote loan=loan.clone()/>
                </div>
            </div>
            <div class="button-row">
                <button type="button" class="button primary" data-testid="approve" disabled=move || pending.get()
                    on:click=move |_| { approve.dispatch(approving.clone()); }>
                    "Approve"
                </button>
                <button type="button" class="button danger" data-testid="open-decline" on:click=move |_| declining.set(true)>
                    "Decline…"
                </button>
            </div>
            <Show when=move || declining.get()>
                <DeclineLoanForm
                    prefix=format!("queue-{position}")
                    errors
                    pending=decline.pending()
                    on_decline=Callback::new(move |request| { decline.dispatch(request); })
                    on_close=Callback::new(move |()| declining.set(false))
                />
            </Show>
        </li>
    }
}

/// One of the organization's items.
#[component]
fn OwnItem(item: KitItem) -> impl IntoView {
    let href = format!("/lending/items/{}", item.id);
    let why = item
        .unlendable
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <li class="own-item" data-testid="own-item" data-item-id=item.id.to_string() data-lendable=item.lendable.to_string()>
            <div>
                <a href=href><strong>{item.name.clone()}</strong></a>
                <span class="muted small">{format!(" · {} · {}", item.category.label(), item.home_site_name)}</span>
            </div>
            <div class="badges">
                <ItemStatusBadge status=item.status/>
                <ConditionBadge condition=item.condition/>
                {item.auto_approve.then(|| view! { <span class="badge badge-muted">"Auto-approves"</span> })}
            </div>
            {(!item.lendable).then(|| view! { <p class="small warning-text">{format!("Not lendable: {why}.")}</p> })}
        </li>
    }
}

/// Adds an item to the library.
#[component]
fn NewItemForm(organization: Uuid) -> impl IntoView {
    let session = use_session();
    let navigate = StoredValue::new_local(use_navigate());
    let sites = LocalResource::new(move || sites_of(session, Some(organization)));
    let terms = LocalResource::new(move || vocabulary(session));
    let draft = ItemDraft::new();
    let errors = FieldErrors::new();
    let problem = RwSignal::new(None::<ClientError>);
    let idempotency = IdempotencyKey::new();

    let save = Action::new_local(move |request: &CreateItemRequest| {
        let request = request.clone();
        let key = idempotency.for_body(&request);
        async move {
            match session
                .api()
                .create_item(organization, &request, Some(&key))
                .await
            {
                Ok(item) => {
                    idempotency.finish();
                    let href = format!("/lending/items/{}", item.id);
                    navigate.with_value(|navigate| navigate(&href, NavigateOptions::default()));
                }
                Err(error) => {
                    errors.absorb(&error);
                    problem.set(Some(error));
                    reveal_problem();
                }
            }
        }
    });

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        problem.set(None);
        match draft.request(errors) {
            Some(request) => {
                save.dispatch(request);
            }
            None => reveal_problem(),
        }
    };
    view! {
        <section class="card" aria-labelledby="new-item-heading" data-testid="new-item">
            <h2 id="new-item-heading">"Add an item"</h2>
            <form class="item-form" novalidate on:submit=submit>
                <ItemFields draft errors sites terms
                    terms_hint="Required: what every borrower accepts at checkout — who may use it, cleaning, damage, return."/>
                <ErrorAlert error=problem/>
                <div class="form-actions">
                    <button type="submit" id="save-item" class="button primary" disabled=move || save.pending().get()>"Add item"</button>
                </div>
            </form>
        </section>
    }
}

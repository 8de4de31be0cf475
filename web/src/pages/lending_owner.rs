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
use warren_domain::directory::taxonomy::{Taxonomy, TermCode};
use warren_domain::lending::{
    Condition, ItemCategory, MaxLoanDays, ReservationStatus, Suitability, WeightRange,
};
use warren_domain::referral::Weight;
use warren_domain::{ClinicalNote, ShortText};
use warren_wire::ErrorCode;
use warren_wire::{CreateItemRequest, DeclineLoanRequest, KitItem, Loan, LoanQuery};

use crate::components::{
    ConditionBadge, DecisionNote, DeclineLoanForm, ErrorAlert, FieldErrors, ItemStatusBadge,
    LendingTab, LendingTabs, Loaded, LoanStatusBadge, RequireSignIn, SuccessNotice, TermChips,
    TextArea, TextField, etag_of, reveal_problem, sites_of, tier_name, urgency_text, vocabulary,
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
    let name = RwSignal::new(String::new());
    let category = RwSignal::new(ItemCategory::OxygenConcentrator);
    let description = RwSignal::new(String::new());
    let home = RwSignal::new(String::new());
    let species = RwSignal::new(Vec::<String>::new());
    let min_grams = RwSignal::new(String::new());
    let max_grams = RwSignal::new(String::new());
    let limits = RwSignal::new(String::new());
    let condition = RwSignal::new(Condition::Good);
    let usage = RwSignal::new(String::new());
    let max_days = RwSignal::new("7".to_owned());
    let auto_approve = RwSignal::new(false);
    let errors = FieldErrors::new();
    let problem = RwSignal::new(None::<ClientError>);
    let idempotency = IdempotencyKey::new();

    Effect::new(move |_| {
        if let Some(sites) = sites.get()
            && let Some((first, _)) = sites.first()
            && home.with_untracked(String::is_empty)
        {
            home.set(first.to_string());
        }
    });

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
        let name = errors.check("name", ShortText::parse(name.get_untracked().trim()));
        let home_site_id = Uuid::parse_str(&home.get_untracked()).ok();
        if home_site_id.is_none() {
            errors.add(
                "home_site_id",
                "choose the site it lives at (add a site first)",
            );
        }
        let text = description.get_untracked();
        let description = if text.trim().is_empty() {
            None
        } else {
            errors.check("description", ClinicalNote::parse(text.trim()))
        };
        let grams = |value: RwSignal<String>, field: &str| -> Result<Option<Weight>, ()> {
            let text = value.get_untracked();
            if text.trim().is_empty() {
                return Ok(None);
            }
            match text
                .trim()
                .parse::<u32>()
                .ok()
                .and_then(|grams| Weight::try_from(grams).ok())
            {
                Some(weight) => Ok(Some(weight)),
                None => {
                    errors.add(field, "give a weight in grams, 1 to 100000");
                    Err(())
                }
            }
        };
        let weight = match (
            grams(min_grams, "suitability.weight"),
            grams(max_grams, "suitability.weight"),
        ) {
            (Ok(min), Ok(max)) => errors.check("suitability.weight", WeightRange::new(min, max)),
            _ => None,
        };
        let mut limit_list = Vec::new();
        for line in limits
            .get_untracked()
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
        {
            if let Some(limit) = errors.check("suitability.limits", ShortText::parse(line)) {
                limit_list.push(limit);
            }
        }
        let species_codes: Vec<TermCode> = species
            .get_untracked()
            .into_iter()
            .filter_map(|code| TermCode::parse(code).ok())
            .collect();
        let usage_terms = errors.check("terms", ClinicalNote::parse(usage.get_untracked().trim()));
        let max_loan_days = match max_days.get_untracked().trim().parse::<u16>() {
            Ok(days) => errors.check("max_loan_days", MaxLoanDays::new(days)),
            Err(_) => {
                errors.add("max_loan_days", "give a number of days from 1 to 365");
                None
            }
        };
        if !errors.is_empty() {
            reveal_problem();
            return;
        }
        let (Some(name), Some(home_site_id), Some(weight), Some(terms), Some(max_loan_days)) =
            (name, home_site_id, weight, usage_terms, max_loan_days)
        else {
            return;
        };
        save.dispatch(CreateItemRequest {
            home_site_id,
            name,
            category: category.get_untracked(),
            description,
            suitability: Suitability {
                species: species_codes,
                weight,
                limits: limit_list,
            },
            condition: condition.get_untracked(),
            terms,
            max_loan_days,
            auto_approve: auto_approve.get_untracked(),
        });
    };
    let field_error = move |field: &'static str| {
        let error = errors.of(field);
        move || {
            error
                .get()
                .map(|error| view! { <p class="field-error">{error}</p> })
        }
    };
    view! {
        <section class="card" aria-labelledby="new-item-heading" data-testid="new-item">
            <h2 id="new-item-heading">"Add an item"</h2>
            <form class="item-form" novalidate on:submit=submit>
                <div class="form-grid two">
                    <TextField id="item-name" label="Name" value=name required=true hint="What borrowers call it, e.g. “Oxygen concentrator 5 L (blue)”." error=errors.of("name")/>
                    <div class="field">
                        <label for="item-category">"Category"</label>
                        <select id="item-category" on:change=move |event| {
                            if let Some(chosen) = ItemCategory::parse(&event_target_value(&event)) {
                                category.set(chosen);
                            }
                        }>
                            {ItemCategory::ALL
                                .iter()
                                .copied()
                                .map(|choice| view! { <option value=choice.as_str() prop:selected=move || category.get() == choice>{choice.label()}</option> })
                                .collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="item-home">"Home site" <span class="required" aria-hidden="true">" *"</span></label>
                        <select id="item-home" on:change=move |event| home.set(event_target_value(&event))
                            aria-invalid=move || errors.of("home_site_id").get().is_some().then_some("true")>
                            {move || sites.get().unwrap_or_default().into_iter().map(|(id, name)| {
                                let value = id.to_string();
                                let selected = value.clone();
                                view! { <option value=value prop:selected=move || home.get() == selected>{name}</option> }
                            }).collect_view()}
                        </select>
                        {field_error("home_site_id")}
                    </div>
                    <div class="field">
                        <label for="item-condition">"Condition"</label>
                        <select id="item-condition" on:change=move |event| {
                            if let Some(chosen) = Condition::parse(&event_target_value(&event)) {
                                condition.set(chosen);
                            }
                        }>
                            {Condition::ALL
                                .iter()
                                .copied()
                                .map(|choice| view! { <option value=choice.as_str() prop:selected=move || condition.get() == choice>{choice.label()}</option> })
                                .collect_view()}
                        </select>
                    </div>
                </div>
                <TextArea id="item-description" label="Description" value=description hint="Model, accessories, anything a borrower should know." error=errors.of("description")/>
                <fieldset class="chip-set" id="item-species">
                    <legend>"Suits these species"</legend>
                    <p class="hint">"None chosen: any animal."</p>
                    {move || terms.get().map(|terms| {
                        let species_terms: Vec<_> = terms.into_iter().filter(|term| term.taxonomy == Taxonomy::Species).collect();
                        view! { <TermChips terms=species_terms chosen=species/> }
                    })}
                </fieldset>
                <div class="form-grid two">
                    <div class="field">
                        <label for="item-min-grams">"Lightest animal (g)"</label>
                        <input id="item-min-grams" type="number" min="1" inputmode="numeric" bind:value=min_grams/>
                    </div>
                    <div class="field">
                        <label for="item-max-grams">"Heaviest animal (g)"</label>
                        <input id="item-max-grams" type="number" min="1" inputmode="numeric" bind:value=max_grams/>
                        {field_error("suitability.weight")}
                    </div>
                </div>
                <TextArea id="item-limits" label="Limits" value=limits hint="One per line, e.g. “Reads heart rates up to 300 bpm — no use for hamsters”." error=errors.of("suitability.limits")/>
                <TextArea id="item-terms" label="Usage terms" value=usage hint="Required: what every borrower accepts at checkout — who may use it, cleaning, damage, return." error=errors.of("terms")/>
                <div class="form-grid two">
                    <TextField id="item-max-days" label="Longest loan (days)" value=max_days input_type="number" inputmode="numeric" required=true error=errors.of("max_loan_days")/>
                </div>
                <label class="switch">
                    <input id="item-auto-approve" type="checkbox" prop:checked=move || auto_approve.get()
                        on:change=move |event| auto_approve.set(event_target_checked(&event))/>
                    <span>"Approve requests that conflict with nothing at once"</span>
                </label>
                <ErrorAlert error=problem/>
                <div class="form-actions">
                    <button type="submit" id="save-item" class="button primary" disabled=move || save.pending().get()>"Add item"</button>
                </div>
            </form>
        </section>
    }
}

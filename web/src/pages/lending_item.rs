//! `/lending/items/:id`: one item of the kit library.
//!
//! What it is, which animals it suits, its usage terms and longest loan; an
//! availability calendar of the coming four weeks (each day says in words
//! whether it is free, booked, out on loan or due for maintenance — never
//! colour alone); its maintenance plans, which the owner's staff record as
//! done or add to; and, for other organizations, the request form: a
//! window, and the clinical urgency — a triage tier 1–5 linked to one of
//! the organization's assessments or referrals, or with a written
//! justification. The answer comes at once with Warren's decision and why:
//! reserved automatically, waiting for the owner, reserved ahead of a
//! routine booking it displaced, or refused because the time is taken —
//! with the next free slot, which one click puts into the form. The owner's
//! staff change the item there — its details, whether it is in maintenance,
//! its usage terms (new words are a new version, which every borrower
//! accepts at their next checkout) — or retire it for good.

use std::collections::BTreeMap;
use warren_wire::ErrorCode;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use leptos::prelude::*;
use uuid::Uuid;
use warren_client::{ClientError, Versioned};
use warren_domain::lending::{
    ItemStatus, LoanWindow, MaintenanceDue, MaintenanceInterval, MaintenanceKind, MaintenanceState,
    ReservationStatus, Urgency,
};
use warren_domain::triage::Tier;
use warren_domain::{ClinicalNote, Role, ShortText};
use warren_wire::{
    AssessmentQuery, BusySlot, CalendarParams, CreateLoanRequest, CreateMaintenancePlanRequest,
    KitItem, Loan, MaintenancePlanView, RecordMaintenanceRequest, ReferralQuery, UpdateItemRequest,
};

use crate::components::{
    ActingOrganization, Changes, ConditionBadge, ConfirmButton, DecisionNote, ErrorAlert,
    FieldErrors, ItemDraft, ItemFields, ItemStatusBadge, LendingTab, LendingTabs, Loaded,
    LoanStatusBadge, RequireSignIn, StaleNotice, SuccessNotice, TextArea, TierPicker,
    acting_organizations, interval_text, item_update, label_of, local_date, local_midnight,
    reveal_problem, sites_of, status_change, suitability_text, term_labels, tier_name, vocabulary,
    window_text,
};
use crate::idempotency::IdempotencyKey;
use crate::local_time;
use crate::pages::{NotFoundPage, route_id};
use crate::session::{Session, use_session};

/// How many days the availability calendar shows.
const CALENDAR_DAYS: i64 = 28;

/// The item page.
#[component]
pub fn LendingItemPage() -> impl IntoView {
    let id = route_id();
    view! {
        <RequireSignIn>
            {move || match id.get() {
                Some(id) => view! { <ItemView id/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </RequireSignIn>
    }
}

#[component]
fn ItemView(id: Uuid) -> impl IntoView {
    let session = use_session();
    let first = LocalResource::new(move || async move { session.api().item(id).await });
    view! {
        <Loaded resource=first label="Loading the item…" let:initial>
            <Detail initial/>
        </Loaded>
    }
}

/// Whether the signed-in person is on the owner's staff (not a volunteer).
fn owns(session: Session, owner: Uuid) -> bool {
    session
        .memberships()
        .iter()
        .any(|membership| membership.organization.id == owner && membership.role != Role::Volunteer)
}

#[component]
fn Detail(initial: Versioned<KitItem>) -> impl IntoView {
    let session = use_session();
    let id = initial.value.id;
    // The item as last read or changed, with its version for `If-Match`.
    let edits = Changes::new(initial);
    let item = Memo::new(move |_| edits.current.with(|current| current.value.clone()));
    // Bumped after anything that changes the calendar or the plans.
    let changes = RwSignal::new(0_u32);
    let labels = LocalResource::new(move || async move {
        vocabulary(session)
            .await
            .into_iter()
            .map(|term| (term.code.to_string(), term.label))
            .collect::<BTreeMap<String, String>>()
    });
    let plans = LocalResource::new(move || {
        changes.track();
        async move {
            session
                .api()
                .maintenance_plans(id)
                .await
                .map(|plans| plans.items)
        }
    });
    // Reload the item after a change, for its status and lendability.
    Effect::new(move |previous: Option<()>| {
        changes.track();
        if previous.is_some() {
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = session.api().item(id).await {
                    edits.current.try_set(fresh);
                }
            });
        }
    });
    let owner = Memo::new(move |_| item.with(|item| item.owner_id));
    let is_owner = Memo::new(move |_| owns(session, owner.get()));
    let suits = move || {
        let labels = labels.get().unwrap_or_default();
        item.with(|item| suitability_text(&item.suitability, |code| label_of(&labels, code)))
    };

    view! {
        <header class="page-header">
            <p class="eyebrow">
                <a href="/lending">"Lending"</a>
                " · "
                {move || item.with(|item| item.category.label())}
            </p>
            <h1 data-testid="item-name">{move || item.with(|item| item.name.clone())}</h1>
            <div class="badges lending-badges">
                {move || {
                    let (status, condition) = item.with(|item| (item.status, item.condition));
                    view! {
                        <ItemStatusBadge status/>
                        <ConditionBadge condition/>
                    }
                }}
            </div>
            <p class="lead">
                {move || item.with(|item| format!("{} · {}", item.owner_name, item.home_site_name))}
            </p>
        </header>
        <LendingTabs current=LendingTab::Catalog organization=Signal::derive(move || is_owner.get().then(|| owner.get()))/>
        {move || {
            item.with(|item| {
                (!item.lendable)
                    .then(|| {
                        let reasons = item
                            .unlendable
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join("; ");
                        view! {
                            <div class="alert alert-error" role="alert" data-testid="unlendable">
                                <p>{format!("Cannot be lent now: {reasons}.")}</p>
                            </div>
                        }
                    })
            })
        }}
        <div class="lending-layout">
            <div class="lending-main">
                <Show when=move || !is_owner.get()>
                    <RequestCard item changes/>
                </Show>
                <CalendarCard id plans changes/>
                <MaintenanceCard id plans is_owner changes/>
                <Show when=move || is_owner.get()>
                    <ManageCard edits/>
                </Show>
            </div>
            <div class="lending-side">
                <section class="card" aria-labelledby="about-heading" data-testid="about">
                    <h2 id="about-heading">"About"</h2>
                    {move || {
                        item.with(|item| {
                            view! {
                                {item.description.clone().map(|text| view! { <p class="notes">{text}</p> })}
                                <dl class="facts">
                                    <dt>"Suits"</dt>
                                    <dd data-testid="suits">{suits()}</dd>
                                    <dt>"Limits"</dt>
                                    <dd>
                                        {if item.suitability.limits.is_empty() {
                                            "—".to_owned()
                                        } else {
                                            item.suitability
                                                .limits
                                                .iter()
                                                .map(|limit| limit.as_str().to_owned())
                                                .collect::<Vec<_>>()
                                                .join(" · ")
                                        }}
                                    </dd>
                                    <dt>"Longest loan"</dt>
                                    <dd data-testid="max-loan-days">{format!("{} days", item.max_loan_days)}</dd>
                                    <dt>"Approval"</dt>
                                    <dd>
                                        {if item.auto_approve {
                                            "Requests that conflict with nothing are reserved at once."
                                        } else {
                                            "The owner approves each request."
                                        }}
                                    </dd>
                                    <dt>"Collect from"</dt>
                                    <dd>{item.home_site_name.clone()}</dd>
                                </dl>
                            }
                        })
                    }}
                </section>
                <section class="card" aria-labelledby="terms-heading" data-testid="usage-terms">
                    <h2 id="terms-heading">
                        "Usage terms "
                        <span class="muted small">{move || item.with(|item| format!("version {}", item.terms.version))}</span>
                    </h2>
                    <p class="notes terms-text">{move || item.with(|item| item.terms.text.as_str().to_owned())}</p>
                    <p class="small muted">"Borrowers accept these terms when they collect the item."</p>
                </section>
            </div>
        </div>
    }
}

/// What the owner's staff read when a change was refused because someone
/// else changed the item first.
const STALE_ITEM: &str = "Someone else changed this item meanwhile: the page now shows it as it is. Check it and make your change again.";

/// Reads the item again after a change refused as stale.
async fn reload_item(session: Session, edits: Changes<KitItem>) {
    let id = edits.current.with_untracked(|current| current.value.id);
    if let Ok(fresh) = session.api().item(id).await {
        edits.current.try_set(fresh);
    }
}

/// Sends `request` against the version shown; reads the item again when
/// someone else changed it first.
async fn send_change(
    session: Session,
    edits: Changes<KitItem>,
    errors: Option<FieldErrors>,
    request: UpdateItemRequest,
) -> bool {
    let id = edits.current.with_untracked(|current| current.value.id);
    let made = edits
        .send(session, errors, move |client, etag| {
            let request = request.clone();
            async move { client.update_item(id, &request, &etag).await }
        })
        .await;
    if !made {
        if edits.stale.get_untracked() {
            reload_item(session, edits).await;
        }
        reveal_problem();
    }
    made
}

/// The owner's staff change the item — its details, its usage terms,
/// whether it is in maintenance — or retire it for good. New words in the
/// usage terms make a new version, which every borrower accepts at their
/// next checkout.
#[component]
fn ManageCard(edits: Changes<KitItem>) -> impl IntoView {
    let session = use_session();
    let editing = RwSignal::new(false);
    let status = Memo::new(move |_| edits.current.with(|current| current.value.status));
    let retire = Action::new_local(move |_: &()| async move {
        edits.start(None);
        let request = edits
            .current
            .with_untracked(|current| status_change(&current.value, ItemStatus::Retired));
        match request {
            Ok(request) => {
                if send_change(session, edits, None, request).await {
                    editing.set(false);
                    edits.done("Retired: it has left the catalog and is never lent again.");
                }
            }
            Err(error) => edits.problem.set(Some(*error)),
        }
    });
    let name = move || edits.current.with(|current| current.value.name.clone());
    view! {
        <section class="card" aria-labelledby="manage-heading" data-testid="manage-item">
            <h2 id="manage-heading">"Manage the item"</h2>
            <StaleNotice stale=edits.stale message=STALE_ITEM/>
            <ErrorAlert error=edits.problem/>
            <SuccessNotice message=edits.notice/>
            {move || match status.get() {
                ItemStatus::Retired => view! {
                    <p class="muted" data-testid="retired-note">"Retired: it is not lent any more. Its loans stay on record."</p>
                }
                .into_any(),
                current => view! {
                    <p class="small muted">"Changed usage terms become a new version: every borrower accepts it at their next checkout."</p>
                    <div class="button-row">
                        <button type="button" id="edit-item" class="button secondary" aria-expanded=move || editing.get().to_string()
                            on:click=move |_| editing.update(|open| *open = !*open)>
                            {move || if editing.get() { "Close the form" } else { "Edit the item" }}
                        </button>
                        {if current == ItemStatus::OnLoan {
                            view! { <span class="small muted">"It can be retired once it is back."</span> }.into_any()
                        } else {
                            view! {
                                <span data-testid="retire-item">
                                    <ConfirmButton
                                        label="Retire…"
                                        confirm_label="Yes, retire it"
                                        question=format!("Retire {} for good? It leaves the catalog and is never lent again.", name())
                                        pending=retire.pending()
                                        on_confirm=Callback::new(move |()| { retire.dispatch(()); })
                                    />
                                </span>
                            }
                            .into_any()
                        }}
                    </div>
                }
                .into_any(),
            }}
            <Show when=move || editing.get() && status.get() != ItemStatus::Retired>
                {move || {
                    let item = edits.current.get_untracked().value;
                    view! { <EditItemForm item edits editing/> }
                }}
            </Show>
        </section>
    }
}

/// The item's details, usage terms and whether it is in maintenance, as
/// the owner's staff change them.
#[component]
fn EditItemForm(item: KitItem, edits: Changes<KitItem>, editing: RwSignal<bool>) -> impl IntoView {
    let session = use_session();
    let owner = item.owner_id;
    let sites = LocalResource::new(move || sites_of(session, Some(owner)));
    let terms = LocalResource::new(move || vocabulary(session));
    let draft = ItemDraft::of(&item);
    let status = RwSignal::new(item.status);
    let errors = FieldErrors::new();
    let terms_before = item.terms.version;
    let save = Action::new_local(move |request: &UpdateItemRequest| {
        let request = request.clone();
        async move {
            let made = send_change(session, edits, Some(errors), request).await;
            if made || edits.stale.get_untracked() {
                // After a refusal because the item changed meanwhile, the
                // form opens again on the item as it now is.
                editing.set(false);
            }
            if made {
                let terms_now = edits
                    .current
                    .with_untracked(|current| current.value.terms.version);
                edits.done(if terms_now > terms_before {
                    format!("Saved. The usage terms are now version {terms_now}: every borrower accepts them at their next checkout.")
                } else {
                    "Saved.".to_owned()
                });
            }
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        edits.start(Some(errors));
        match draft.request(errors) {
            Some(request) => {
                save.dispatch(item_update(request, status.get_untracked()));
            }
            None => reveal_problem(),
        }
    };
    let choosable = matches!(
        item.status,
        ItemStatus::Available | ItemStatus::InMaintenance
    );
    view! {
        <form class="item-form edit-item-form" data-testid="edit-item-form" novalidate on:submit=submit>
            <ItemFields draft errors sites terms
                terms_hint="What every borrower accepts at checkout. New words make a new version, which each borrower accepts at their next checkout."/>
            {if choosable {
                view! {
                    <fieldset class="radio-list" id="item-status">
                        <legend>"Status"</legend>
                        {[ItemStatus::Available, ItemStatus::InMaintenance]
                            .into_iter()
                            .map(|choice| {
                                let id = format!("item-status-{}", choice.as_str());
                                view! {
                                    <div class="checkbox">
                                        <input type="radio" name="item-status" id=id.clone() value=choice.as_str()
                                            prop:checked=move || status.get() == choice
                                            on:change=move |_| status.set(choice)/>
                                        <label for=id>{choice.label()}</label>
                                    </div>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                }
                .into_any()
            } else {
                view! { <p class="small muted">"On loan: it comes back when the borrower returns it."</p> }.into_any()
            }}
            <div class="form-actions">
                <button type="submit" id="update-item" class="button primary" disabled=move || save.pending().get()>"Save changes"</button>
            </div>
        </form>
    }
}

/// What one day of the calendar shows.
#[derive(Debug, Clone, PartialEq)]
struct Day {
    date: NaiveDate,
    state: &'static str,
    words: String,
}

/// The day's state: past, maintenance due, on loan, booked or free.
fn day_of(
    date: NaiveDate,
    today: NaiveDate,
    busy: &[BusySlot],
    due: &[(NaiveDate, MaintenanceKind)],
) -> Day {
    let (Some(starts), Some(ends)) = (
        local_midnight(date),
        local_midnight(date + Duration::days(1)),
    ) else {
        return Day {
            date,
            state: "free",
            words: "Free".to_owned(),
        };
    };
    let holding: Vec<&BusySlot> = busy
        .iter()
        .filter(|slot| slot.window.starts() < ends && starts < slot.window.ends())
        .collect();
    let maintenance = due.iter().find(|(day, _)| *day == date);
    let (state, words) = if date < today {
        ("past", "Past".to_owned())
    } else if let Some(slot) = holding.iter().find(|slot| slot.status.is_out()) {
        ("on-loan", format!("On loan (tier {})", slot.tier))
    } else if let Some(slot) = holding.first() {
        ("booked", format!("Booked (tier {})", slot.tier))
    } else if let Some((_, kind)) = maintenance {
        ("maintenance", format!("{} due", kind.label()))
    } else {
        ("free", "Free".to_owned())
    };
    Day { date, state, words }
}

/// The coming four weeks, a day to a cell, each with its state in words.
#[component]
fn CalendarCard(
    id: Uuid,
    plans: LocalResource<Result<Vec<MaintenancePlanView>, ClientError>>,
    changes: RwSignal<u32>,
) -> impl IntoView {
    let session = use_session();
    let today = local_date(local_time::now()).unwrap_or_default();
    // From the Monday of this week, so columns are weekdays.
    let first = today
        - Duration::days(i64::from(today.format("%u").to_string().parse::<u8>().unwrap_or(1)) - 1);
    let range = (
        local_midnight(first),
        local_midnight(first + Duration::days(CALENDAR_DAYS)),
    );
    let calendar = LocalResource::new(move || {
        changes.track();
        let params = CalendarParams {
            from: range.0,
            to: range.1,
        };
        async move { session.api().item_calendar(id, &params).await }
    });
    let days = move || {
        let busy = calendar
            .get()
            .and_then(Result::ok)
            .map(|calendar| calendar.busy)
            .unwrap_or_default();
        let due: Vec<(NaiveDate, MaintenanceKind)> = plans
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .iter()
            .filter_map(|plan| match plan.due {
                MaintenanceDue::At { at } => {
                    local_date(at.max(local_time::now())).map(|day| (day, plan.kind))
                }
                MaintenanceDue::NeverDone => Some((today, plan.kind)),
                MaintenanceDue::AfterNextLoan => None,
            })
            .collect();
        (0..CALENDAR_DAYS)
            .map(|offset| day_of(first + Duration::days(offset), today, &busy, &due))
            .collect::<Vec<_>>()
    };
    let busy_list = move || {
        calendar
            .get()
            .and_then(Result::ok)
            .map(|calendar| calendar.busy)
            .unwrap_or_default()
    };
    view! {
        <section class="card" aria-labelledby="calendar-heading" data-testid="calendar">
            <h2 id="calendar-heading">"Availability"</h2>
            <p class="small muted">"The next four weeks, in your local time. Each day says whether the item is free."</p>
            <div class="cal-weekdays" aria-hidden="true">
                {["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                    .into_iter()
                    .map(|day| view! { <span>{day}</span> })
                    .collect_view()}
            </div>
            <ol class="calendar">
                {move || {
                    days()
                        .into_iter()
                        .map(|day| {
                            let long = day.date.format("%A %-d %B").to_string();
                            let label = format!("{long}: {}", day.words);
                            let title = label.clone();
                            view! {
                                <li
                                    class="cal-day"
                                    data-testid="cal-day"
                                    data-state=day.state
                                    data-date=day.date.to_string()
                                    class:today=day.date == today
                                    title=title
                                >
                                    <span class="visually-hidden">{label}</span>
                                    <span class="cal-date" aria-hidden="true">
                                        <span class="cal-weekday">{day.date.format("%a").to_string()}</span>
                                        " "
                                        {day.date.format("%-d %b").to_string()}
                                    </span>
                                    <span class="cal-state" aria-hidden="true">{day.words}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
            <ul class="cal-legend small">
                <li><span class="cal-key" data-state="free"></span>"Free"</li>
                <li><span class="cal-key" data-state="booked"></span>"Booked"</li>
                <li><span class="cal-key" data-state="on-loan"></span>"On loan"</li>
                <li><span class="cal-key" data-state="maintenance"></span>"Maintenance due"</li>
            </ul>
            {move || {
                let busy = busy_list();
                (!busy.is_empty())
                    .then(|| {
                        view! {
                            <h3 class="small-heading">"Taken"</h3>
                            <ul class="plain-list busy-list">
                                {busy
                                    .into_iter()
                                    .map(|slot| {
                                        let what = if slot.status == ReservationStatus::Reserved {
                                            "Booked"
                                        } else {
                                            slot.status.label()
                                        };
                                        view! {
                                            <li data-testid="busy-slot">
                                                <strong>{what}</strong>
                                                {format!(" · {} · tier {}", window_text(slot.window), slot.tier)}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })
            }}
        </section>
    }
}

/// The item's maintenance plans; the owner records work as done and adds
/// plans.
#[component]
fn MaintenanceCard(
    id: Uuid,
    plans: LocalResource<Result<Vec<MaintenancePlanView>, ClientError>>,
    is_owner: Memo<bool>,
    changes: RwSignal<u32>,
) -> impl IntoView {
    let session = use_session();
    let notice = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<ClientError>);
    let record = Action::new_local(move |(plan, note): &(Uuid, String)| {
        let plan = *plan;
        let note = note.trim().to_owned();
        async move {
            problem.set(None);
            notice.set(None);
            let note = if note.is_empty() {
                None
            } else {
                match ShortText::parse(note) {
                    Ok(note) => Some(note),
                    Err(error) => {
                        problem.set(Some(ClientError::Transport(error.to_string())));
                        return;
                    }
                }
            };
            let request = RecordMaintenanceRequest {
                done_at: None,
                note,
            };
            let key = Uuid::new_v4().to_string();
            match session
                .api()
                .record_maintenance(plan, &request, Some(&key))
                .await
            {
                Ok(plan) => {
                    notice.set(Some(format!("{} recorded as done.", plan.kind.label())));
                    changes.update(|count| *count += 1);
                }
                Err(error) => problem.set(Some(error)),
            }
        }
    });
    view! {
        <section class="card" aria-labelledby="maintenance-heading" data-testid="maintenance">
            <h2 id="maintenance-heading">"Maintenance"</h2>
            <ErrorAlert error=problem/>
            <SuccessNotice message=notice/>
            <Loaded resource=plans label="Loading the plans…" let:plans>
                {if plans.is_empty() {
                    view! { <p class="empty">"No maintenance plans."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plan-list">
                            {plans
                                .into_iter()
                                .map(|plan| view! { <PlanRow plan is_owner record/> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </Loaded>
            <Show when=move || is_owner.get()>
                <NewPlanForm id changes/>
            </Show>
        </section>
    }
}

/// The state of a plan in words.
fn plan_state(state: MaintenanceState) -> (&'static str, &'static str) {
    match state {
        MaintenanceState::UpToDate => ("badge badge-vetted", "Up to date"),
        MaintenanceState::DueSoon => ("badge badge-applied", "Due soon"),
        MaintenanceState::Overdue => ("badge badge-suspended", "Overdue"),
    }
}

/// One plan, with the owner's "Record as done".
#[component]
fn PlanRow(
    plan: MaintenancePlanView,
    is_owner: Memo<bool>,
    record: Action<(Uuid, String), ()>,
) -> impl IntoView {
    let note = RwSignal::new(String::new());
    let (class, state) = plan_state(plan.state);
    let due = match plan.due {
        MaintenanceDue::At { at } => format!("Due {}", local_time::date(at)),
        MaintenanceDue::NeverDone => "Never recorded: due now".to_owned(),
        MaintenanceDue::AfterNextLoan => "Due when it next comes back from a loan".to_owned(),
    };
    let last = plan.last_done_at.map_or_else(
        || "Never done".to_owned(),
        |at| format!("Last done {}", local_time::date(at)),
    );
    let plan_id = plan.id;
    let pending = record.pending();
    view! {
        <li class="plan" data-testid="plan" data-state=format!("{:?}", plan.state).to_lowercase() data-blocking=plan.blocking.to_string()>
            <div class="plan-main">
                <p class="plan-title">
                    <strong>{plan.kind.label()}</strong>
                    {format!(" · {}", interval_text(plan.interval))}
                    " "
                    <span class=class>{state}</span>
                    {plan.blocking.then(|| view! { " " <span class="badge badge-muted">"Blocks lending when overdue"</span> })}
                </p>
                <p class="small muted">{format!("{last} · {due}")}</p>
                {plan.note.clone().map(|note| view! { <p class="small notes">{note}</p> })}
            </div>
            <Show when=move || is_owner.get()>
                <div class="inline-form plan-record">
                    <input
                        type="text"
                        aria-label="What was done"
                        placeholder="What was done (optional)"
                        bind:value=note
                    />
                    <button
                        type="button"
                        class="button secondary small"
                        data-testid="record-maintenance"
                        disabled=move || pending.get()
                        on:click=move |_| {
                            record.dispatch((plan_id, note.get_untracked()));
                            note.set(String::new());
                        }
                    >
                        "Record as done"
                    </button>
                </div>
            </Show>
        </li>
    }
}

/// The owner adds a plan: kind, how often, whether it blocks lending.
#[component]
fn NewPlanForm(id: Uuid, changes: RwSignal<u32>) -> impl IntoView {
    let session = use_session();
    let open = RwSignal::new(false);
    let kind = RwSignal::new(MaintenanceKind::Calibration);
    let every = RwSignal::new("after".to_owned());
    let days = RwSignal::new("30".to_owned());
    let blocking = RwSignal::new(true);
    let last_done = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let problem = RwSignal::new(None::<ClientError>);
    let idempotency = IdempotencyKey::new();
    let save = Action::new_local(move |request: &CreateMaintenancePlanRequest| {
        let request = request.clone();
        let key = idempotency.for_body(&request);
        async move {
            match session
                .api()
                .create_maintenance_plan(id, &request, Some(&key))
                .await
            {
                Ok(_) => {
                    idempotency.finish();
                    open.set(false);
                    changes.update(|count| *count += 1);
                }
                Err(error) => {
                    errors.absorb(&error);
                    problem.set(Some(error));
                }
            }
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        problem.set(None);
        let interval = if every.get_untracked() == "after" {
            MaintenanceInterval::AfterEachLoan
        } else {
            match days.get_untracked().trim().parse::<u16>() {
                Ok(days) if (1..=3650).contains(&days) => MaintenanceInterval::Days { days },
                _ => {
                    errors.add("interval", "give a number of days from 1 to 3650");
                    return;
                }
            }
        };
        let last_done_at = match last_done.get_untracked().trim() {
            "" => None,
            text => match NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(local_midnight)
            {
                Some(at) => Some(at),
                None => {
                    errors.add("last_done_at", "give a date");
                    return;
                }
            },
        };
        let text = note.get_untracked();
        let note = if text.trim().is_empty() {
            None
        } else {
            match errors.check("note", ShortText::parse(text.trim())) {
                Some(note) => Some(note),
                None => return,
            }
        };
        save.dispatch(CreateMaintenancePlanRequest {
            kind: kind.get_untracked(),
            interval,
            blocking: blocking.get_untracked(),
            last_done_at,
            note,
        });
    };
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button type="button" class="button secondary small" data-testid="add-plan" on:click=move |_| open.set(true)>
                    "Add a maintenance plan"
                </button>
            }
        >
            <form class="plan-form" data-testid="plan-form" novalidate on:submit=submit>
                <h3 class="small-heading">"New maintenance plan"</h3>
                <ErrorAlert error=problem/>
                <div class="form-grid two">
                    <div class="field">
                        <label for="plan-kind">"Kind"</label>
                        <select id="plan-kind" on:change=move |event| {
                            if let Some(chosen) = MaintenanceKind::parse(&event_target_value(&event)) {
                                kind.set(chosen);
                            }
                        }>
                            {MaintenanceKind::ALL
                                .iter()
                                .copied()
                                .map(|choice| view! { <option value=choice.as_str() prop:selected=move || kind.get() == choice>{choice.label()}</option> })
                                .collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="plan-every">"How often"</label>
                        <select id="plan-every" on:change=move |event| every.set(event_target_value(&event))>
                            <option value="after" prop:selected=move || every.get() == "after">"After each loan"</option>
                            <option value="days" prop:selected=move || every.get() == "days">"Every so many days"</option>
                        </select>
                    </div>
                    <Show when=move || every.get() == "days">
                        <div class="field">
                            <label for="plan-days">"Every (days)"</label>
                            <input id="plan-days" type="number" min="1" max="3650" bind:value=days/>
                            {move || errors.of("interval").get().map(|error| view! { <p class="field-error">{error}</p> })}
                        </div>
                    </Show>
                    <div class="field">
                        <label for="plan-last-done">"Last done"</label>
                        <input id="plan-last-done" type="date" bind:value=last_done/>
                        {move || errors.of("last_done_at").get().map(|error| view! { <p class="field-error">{error}</p> })}
                    </div>
                </div>
                <div class="field">
                    <label for="plan-note">"Note"</label>
                    <input id="plan-note" type="text" bind:value=note/>
                    {move || errors.of("note").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                <label class="switch">
                    <input id="plan-blocking" type="checkbox" prop:checked=move || blocking.get()
                        on:change=move |event| blocking.set(event_target_checked(&event))/>
                    <span>"Take the item out of lending while this is overdue"</span>
                </label>
                <div class="form-actions">
                    <button type="submit" class="button primary" data-testid="save-plan" disabled=move || save.pending().get()>"Add plan"</button>
                    <button type="button" class="button secondary" on:click=move |_| open.set(false)>"Cancel"</button>
                </div>
            </form>
        </Show>
    }
}

/// "2025-05-03 09:00 UTC – 2025-05-05 09:00 UTC" in a reason, as a window.
pub(crate) fn slot_in(reason: &str, after: &str) -> Option<LoanWindow> {
    let rest = &reason[reason.find(after)? + after.len()..];
    let (starts, rest) = rest.split_once(" – ")?;
    let ends = rest.get(..20)?;
    let at = |text: &str| {
        NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M UTC")
            .ok()
            .map(|naive| naive.and_utc())
    };
    LoanWindow::new(at(starts)?, at(ends)?).ok()
}

/// The grounds of a request's urgency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grounds {
    Justification,
    Assessment,
    Referral,
}

/// A record the request may link to: (id, words, tier).
type Link = (Uuid, String, Tier);

/// The organization's recent assessments and open outgoing referrals, to
/// link a request to.
async fn links_of(session: Session, organization: Option<Uuid>) -> (Vec<Link>, Vec<Link>) {
    let Some(organization) = organization else {
        return (Vec::new(), Vec::new());
    };
    let labels = term_labels(session).await;
    let assessments = session
        .api()
        .assessments(
            organization,
            &AssessmentQuery {
                cursor: None,
                limit: Some(20),
            },
        )
        .await
        .map(|page| {
            page.items
                .into_iter()
                .map(|record| {
                    let tier = record.result.tier.tier;
                    let words = format!(
                        "{} · {} · tier {} · {}",
                        record
                            .patient
                            .clone()
                            .unwrap_or_else(|| "Unnamed".to_owned()),
                        label_of(&labels, &record.species),
                        tier.number(),
                        local_time::date_time(record.assessed_at)
                    );
                    (record.id, words, tier)
                })
                .collect()
        })
        .unwrap_or_default();
    let query = ReferralQuery {
        direction: Some("outgoing".into()),
        limit: Some(50),
        ..ReferralQuery::default()
    };
    let referrals = session
        .api()
        .referrals(organization, &query)
        .await
        .map(|page| {
            page.items
                .into_iter()
                .map(|referral| {
                    let words = format!(
                        "{} · {} · tier {} · to {}",
                        referral
                            .patient
                            .name
                            .as_ref()
                            .map_or_else(|| "Unnamed".to_owned(), ToString::to_string),
                        label_of(&labels, &referral.species),
                        referral.priority.number(),
                        referral.receiver.organization_name
                    );
                    (referral.id, words, referral.priority)
                })
                .collect()
        })
        .unwrap_or_default();
    (assessments, referrals)
}

/// What a request came back with.
#[derive(Debug, Clone)]
enum Answer {
    /// Decided: reserved, or waiting for the owner.
    Decided(Box<Loan>),
    /// Refused because the time is taken; maybe with the next free slot.
    Conflict(String, Option<LoanWindow>),
}

/// The request form and its answer.
#[component]
fn RequestCard(item: Memo<KitItem>, changes: RwSignal<u32>) -> impl IntoView {
    let session = use_session();
    let (owner, item_id, max_days) =
        item.with_untracked(|item| (item.owner_id, item.id, item.max_loan_days));
    let choices: Vec<(Uuid, String)> = untrack(|| acting_organizations(session))
        .into_iter()
        .filter(|(id, _)| *id != owner)
        .collect();
    let organization = RwSignal::new(choices.first().map(|(id, _)| *id));
    let sites = LocalResource::new(move || sites_of(session, organization.get()));
    let links = LocalResource::new(move || links_of(session, organization.get()));

    let start = local_time::now() + Duration::minutes(5);
    let starts = RwSignal::new(local_time::to_input(start));
    let ends = RwSignal::new(local_time::to_input(
        start + Duration::days(i64::from(max_days.clamp(1, 2))),
    ));
    let site = RwSignal::new(String::new());
    let tier = RwSignal::new(None::<Tier>);
    let grounds = RwSignal::new(Grounds::Justification);
    let justification = RwSignal::new(String::new());
    let assessment = RwSignal::new(String::new());
    let referral = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let problem = RwSignal::new(None::<ClientError>);
    let answer = RwSignal::new(None::<Answer>);
    let idempotency = IdempotencyKey::new();

    // The site defaults to the organization's first.
    Effect::new(move |_| {
        if let Some(sites) = sites.get()
            && let Some((first, _)) = sites.first()
            && site.with_untracked(String::is_empty)
        {
            site.set(first.to_string());
        }
    });

    let send = Action::new_local(move |(organization, request): &(Uuid, CreateLoanRequest)| {
        let organization = *organization;
        let request = request.clone();
        let key = idempotency.for_body(&request);
        async move {
            let result = session
                .api()
                .request_loan(organization, &request, Some(&key))
                .await;
            match result {
                Ok(loan) => {
                    idempotency.finish();
                    answer.set(Some(Answer::Decided(Box::new(loan))));
                    changes.update(|count| *count += 1);
                }
                Err(error) if error.is(ErrorCode::ReservationConflict) => {
                    let reason = error.message();
                    let slot = slot_in(&reason, "next free slot of the requested length is ");
                    answer.set(Some(Answer::Conflict(reason, slot)));
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
        answer.set(None);
        let Some(organization) = organization.get_untracked() else {
            return;
        };
        let window = match (
            local_time::from_input(&starts.get_untracked()),
            local_time::from_input(&ends.get_untracked()),
        ) {
            (Some(starts), Some(ends)) => errors.check("window", LoanWindow::new(starts, ends)),
            _ => {
                errors.add("window", "give when the loan starts and ends");
                None
            }
        };
        let Some(chosen_tier) = tier.get_untracked() else {
            errors.add("urgency", "choose the triage tier of the case");
            reveal_problem();
            return;
        };
        let words = justification.get_untracked();
        let note = if words.trim().is_empty() {
            None
        } else {
            errors.check("urgency.justification", ClinicalNote::parse(words.trim()))
        };
        let linked = |value: RwSignal<String>| Uuid::parse_str(&value.get_untracked()).ok();
        let urgency = match grounds.get_untracked() {
            Grounds::Justification => match note {
                Some(note) => Some(Urgency::justified(chosen_tier, note)),
                None => {
                    errors.add("urgency.justification", "say why the case needs it");
                    None
                }
            },
            Grounds::Assessment => match linked(assessment) {
                Some(id) => Urgency::new(chosen_tier, Some(id), None, note).ok(),
                None => {
                    errors.add("urgency.assessment_id", "choose the assessment");
                    None
                }
            },
            Grounds::Referral => match linked(referral) {
                Some(id) => Urgency::new(chosen_tier, None, Some(id), note).ok(),
                None => {
                    errors.add("urgency.referral_id", "choose the referral");
                    None
                }
            },
        };
        let (Some(window), Some(urgency)) = (window, urgency) else {
            reveal_problem();
            return;
        };
        send.dispatch((
            organization,
            CreateLoanRequest {
                item_id,
                site_id: Uuid::parse_str(&site.get_untracked()).ok(),
                window,
                urgency,
            },
        ));
    };
    let use_slot = move |slot: LoanWindow| {
        starts.set(local_time::to_input(slot.starts()));
        ends.set(local_time::to_input(slot.ends()));
        answer.set(None);
    };
    let pick = move |value: String, from: Grounds| {
        let links = links.get().unwrap_or_default();
        let list = if from == Grounds::Assessment {
            links.0
        } else {
            links.1
        };
        if let Some((_, _, linked_tier)) = list.iter().find(|(id, _, _)| id.to_string() == value) {
            tier.set(Some(*linked_tier));
        }
    };

    if choices.is_empty() {
        return view! {
            <section class="card" aria-labelledby="request-heading">
                <h2 id="request-heading">"Request it"</h2>
                <p class="muted">"Only the staff of a vetted organization other than the owner can request kit."</p>
            </section>
        }
        .into_any();
    }
    let window_error = errors.of("window");
    view! {
        <section class="card request-card" aria-labelledby="request-heading" data-testid="request-card">
            <h2 id="request-heading">"Request it"</h2>
            <p class="small muted">
                "Requests are served by clinical urgency, then by waiting time. An immediate or very urgent case may take a routine booking that has not started; its borrower is offered the next free slot."
            </p>
            <ActingOrganization id="request-org" choices chosen=organization/>
            <form class="request-form" data-testid="request-form" novalidate on:submit=submit>
                <div class="form-grid two">
                    <div class="field">
                        <label for="loan-starts">"From" <span class="required" aria-hidden="true">" *"</span></label>
                        <input id="loan-starts" type="datetime-local" bind:value=starts
                            aria-invalid=move || window_error.get().is_some().then_some("true")/>
                    </div>
                    <div class="field">
                        <label for="loan-ends">"Until" <span class="required" aria-hidden="true">" *"</span></label>
                        <input id="loan-ends" type="datetime-local" bind:value=ends
                            aria-invalid=move || window_error.get().is_some().then_some("true")/>
                    </div>
                </div>
                <p class="hint">{format!("At most {max_days} days.")}</p>
                {move || window_error.get().map(|error| view! { <p class="field-error" id="window-error">{error}</p> })}
                <div class="field">
                    <label for="loan-site">"Deliver to"</label>
                    <select id="loan-site" on:change=move |event| site.set(event_target_value(&event))>
                        <option value="" prop:selected=move || site.with(String::is_empty)>"Not said"</option>
                        {move || {
                            sites
                                .get()
                                .unwrap_or_default()
                                .into_iter()
                                .map(|(id, name)| {
                                    let value = id.to_string();
                                    let selected = value.clone();
                                    view! { <option value=value prop:selected=move || site.get() == selected>{name}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <TierPicker name="loan-tier" tier error=errors.of("urgency")/>
                <fieldset class="radio-list grounds" id="grounds">
                    <legend>"On what grounds?"</legend>
                    {[
                        (Grounds::Justification, "justification", "In words"),
                        (Grounds::Assessment, "assessment", "A triage assessment"),
                        (Grounds::Referral, "referral", "A referral"),
                    ]
                        .into_iter()
                        .map(|(choice, value, label)| {
                            let id = format!("grounds-{value}");
                            view! {
                                <div class="checkbox">
                                    <input type="radio" name="grounds" id=id.clone() value=value
                                        prop:checked=move || grounds.get() == choice
                                        on:change=move |_| grounds.set(choice)/>
                                    <label for=id>{label}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <Show when=move || grounds.get() == Grounds::Assessment>
                    <div class="field">
                        <label for="loan-assessment">"Assessment"</label>
                        <select id="loan-assessment" on:change=move |event| {
                            let value = event_target_value(&event);
                            pick(value.clone(), Grounds::Assessment);
                            assessment.set(value);
                        }>
                            <option value="">"Choose…"</option>
                            {move || links.get().map(|(assessments, _)| assessments.into_iter().map(|(id, words, _)| view! { <option value=id.to_string()>{words}</option> }).collect_view())}
                        </select>
                        {move || errors.of("urgency.assessment_id").get().map(|error| view! { <p class="field-error">{error}</p> })}
                    </div>
                </Show>
                <Show when=move || grounds.get() == Grounds::Referral>
                    <div class="field">
                        <label for="loan-referral">"Referral"</label>
                        <select id="loan-referral" on:change=move |event| {
                            let value = event_target_value(&event);
                            pick(value.clone(), Grounds::Referral);
                            referral.set(value);
                        }>
                            <option value="">"Choose…"</option>
                            {move || links.get().map(|(_, referrals)| referrals.into_iter().map(|(id, words, _)| view! { <option value=id.to_string()>{words}</option> }).collect_view())}
                        </select>
                        {move || errors.of("urgency.referral_id").get().map(|error| view! { <p class="field-error">{error}</p> })}
                    </div>
                </Show>
                <TextArea
                    id="justification"
                    label="Why the case needs it"
                    value=justification
                    hint="Required without an assessment or referral: the case, and why this kit."
                    error=errors.of("urgency.justification")
                />
                <ErrorAlert error=problem/>
                <div class="form-actions">
                    <button type="submit" id="request-loan" class="button primary large" disabled=move || send.pending().get()>
                        "Request"
                    </button>
                </div>
            </form>
            {move || answer.get().map(|answer| match answer {
                Answer::Decided(loan) => {
                    let href = format!("/loans/{}", loan.id);
                    let status = loan.status;
                    let tier = loan.urgency.tier();
                    let loan = *loan;
                    view! {
                        <div class="request-answer" data-testid="request-answer" data-loan-id=loan.id.to_string() role="status">
                            <h3 class="small-heading">"Warren's decision " <LoanStatusBadge status/></h3>
                            <DecisionNote loan=loan.clone()/>
                            <p class="small">{format!("{} · tier {} ({})", window_text(loan.window), tier.number(), tier_name(tier))}</p>
                            <a class="button secondary" href=href data-testid="open-loan">"Open the loan"</a>
                        </div>
                    }
                    .into_any()
                }
                Answer::Conflict(reason, slot) => view! {
                    <div class="request-answer decision decision-bad" data-testid="conflict" role="alert">
                        <p><strong>"The item is taken for that time."</strong></p>
                        <p class="decision-reason">{local_time::in_text(&reason)}</p>
                        {slot.map(|slot| view! {
                            <button type="button" class="button secondary" data-testid="use-next-slot" on:click=move |_| use_slot(slot)>
                                {format!("Ask for {} instead", window_text(slot))}
                            </button>
                        })}
                    </div>
                }
                .into_any(),
            })}
        </section>
    }
    .into_any()
}

/// When `at` is, relative to now, for waiting times: "3 h", "2 days".
pub(crate) fn waiting_since(at: DateTime<Utc>) -> String {
    let waited = local_time::now() - at;
    if waited.num_days() >= 1 {
        format!("{} days", waited.num_days())
    } else if waited.num_hours() >= 1 {
        format!("{} h", waited.num_hours())
    } else {
        format!("{} min", waited.num_minutes().max(0))
    }
}

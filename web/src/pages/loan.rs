//! `/loans/:id`: one loan as either side sees it — checkout and return.
//!
//! The item, the window and the urgency, Warren's last decision with its
//! reason (the same words both sides read), and the moves the caller's side
//! may make now: the owner approves or declines a request and takes the
//! item back; the borrower withdraws a request or booking, and collects the
//! item — the condition checklist for the item's category, notes, and an
//! explicit acceptance of the usage terms in force, shown in full (the
//! server records who accepted, when and which version). The return records
//! the checklist again, the condition and notes. A displaced booking shows
//! the slot offered instead, with one click to request it.
//!
//! Every change is sent with the version shown (`If-Match`); when the other
//! side changed the loan meanwhile the server refuses (412), the page says
//! so and shows the loan as it now is.

use leptos::prelude::*;
use uuid::Uuid;
use warren_client::{Client, ClientError, Versioned};
use warren_domain::Role;
use warren_domain::lending::{CancelReason, ReservationStatus, default_checklist};
use warren_wire::{
    CancelLoanRequest, CheckoutRequest, DeclineLoanRequest, KitItem, Loan, ReturnLoanRequest,
    TimelineEntry,
};

use crate::components::{
    Changes, ConfirmButton, DecisionNote, DeclineLoanForm, ErrorAlert, FieldErrors, Loaded,
    Loading, LoanStatusBadge, OfferedSlot, ReportDraft, ReportFields, ReportSummary, RequireSignIn,
    StaleNotice, SuccessNotice, TimelineCard, reveal_problem, tier_name, urgency_text, window_text,
};
use crate::local_time;
use crate::pages::{NotFoundPage, route_id};
use crate::session::{Session, use_session};

/// The loan page.
#[component]
pub fn LoanPage() -> impl IntoView {
    let id = route_id();
    view! {
        <RequireSignIn>
            {move || match id.get() {
                Some(id) => view! { <LoanView id/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </RequireSignIn>
    }
}

#[component]
fn LoanView(id: Uuid) -> impl IntoView {
    let session = use_session();
    let first = LocalResource::new(move || async move { session.api().loan(id).await });
    view! {
        <Loaded resource=first label="Loading the loan…" let:initial>
            <Detail id initial/>
        </Loaded>
    }
}

/// One change the page sends.
#[derive(Debug, Clone)]
enum Change {
    Approve,
    Decline(DeclineLoanRequest),
    Cancel(CancelLoanRequest),
    Checkout(CheckoutRequest),
    Return(ReturnLoanRequest),
}

impl Change {
    fn done(&self) -> &'static str {
        match self {
            Self::Approve => "Approved: the time is held for the borrower.",
            Self::Decline(_) => "Declined; the borrower sees your reason.",
            Self::Cancel(_) => "Cancelled.",
            Self::Checkout(_) => {
                "Checked out: the usage terms are accepted and the condition recorded."
            }
            Self::Return(_) => "Returned: the condition is recorded.",
        }
    }

    async fn send(
        self,
        client: Client,
        id: Uuid,
        etag: String,
    ) -> Result<Versioned<Loan>, ClientError> {
        match self {
            Self::Approve => client.approve_loan(id, &etag).await,
            Self::Decline(request) => client.decline_loan(id, &request, &etag).await,
            Self::Cancel(request) => client.cancel_loan(id, &request, &etag).await,
            Self::Checkout(request) => client.checkout_loan(id, &request, &etag).await,
            Self::Return(request) => client.return_loan(id, &request, &etag).await,
        }
    }
}

/// Which side of the loan the signed-in person is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Owner,
    Borrower,
    Neither,
}

/// What the sections of the page share; cheap to copy.
#[derive(Clone, Copy)]
struct Page {
    id: Uuid,
    session: Session,
    /// The loan as last read or changed, and the last change's outcome.
    changes: Changes<Loan>,
    loan: Memo<Loan>,
    item: RwSignal<Option<KitItem>>,
    timeline: RwSignal<Vec<TimelineEntry>>,
    change: Action<Change, bool>,
    checkout_errors: FieldErrors,
    return_errors: FieldErrors,
    decline_errors: FieldErrors,
    declining: RwSignal<bool>,
}

impl Page {
    async fn reload(self) {
        let id = self.id;
        if let Ok(loan) = self.session.api().loan(id).await {
            self.changes.current.try_set(loan);
        }
        if let Ok(timeline) = self.session.api().loan_timeline(id).await {
            self.timeline.try_set(timeline.items);
        }
        let item_id = self
            .changes
            .current
            .with_untracked(|loan| loan.value.item_id);
        if let Ok(item) = self.session.api().item(item_id).await
            && self
                .item
                .try_with_untracked(|shown| shown.as_ref() != Some(&item.value))
                .unwrap_or(false)
        {
            // Only when it changed: the checkout form is drawn from it.
            self.item.try_set(Some(item.value));
        }
    }

    fn errors_of(&self, change: &Change) -> Option<FieldErrors> {
        match change {
            Change::Checkout(_) => Some(self.checkout_errors),
            Change::Return(_) => Some(self.return_errors),
            Change::Decline(_) => Some(self.decline_errors),
            Change::Approve | Change::Cancel(_) => None,
        }
    }

    async fn apply(self, change: Change) -> bool {
        let errors = self.errors_of(&change);
        self.changes.start(errors);
        let id = self.id;
        let request = change.clone();
        let made = self
            .changes
            .send(self.session, errors, move |client, etag| {
                request.clone().send(client, id, etag)
            })
            .await;
        if made {
            self.declining.set(false);
            self.changes.done(change.done());
        }
        self.reload().await;
        if !made {
            reveal_problem();
        }
        made
    }

    /// The caller's side, and whether they may act for it (reactive).
    fn side(&self) -> (Side, bool) {
        let (owner, borrower) = self.loan.with(|loan| (loan.owner_id, loan.borrower_id));
        let memberships = self.session.memberships();
        let role_in = |organization: Uuid| {
            memberships
                .iter()
                .find(|membership| membership.organization.id == organization)
                .map(|membership| membership.role)
        };
        match (role_in(owner), role_in(borrower)) {
            (Some(role), _) => (Side::Owner, role != Role::Volunteer),
            (None, Some(role)) => (Side::Borrower, role != Role::Volunteer),
            (None, None) => (Side::Neither, false),
        }
    }
}

fn use_page() -> Page {
    use_context::<Page>().expect("the loan page provides its context")
}

#[component]
fn Detail(id: Uuid, initial: Versioned<Loan>) -> impl IntoView {
    let session = use_session();
    let changes = Changes::new(initial);
    let loan = Memo::new(move |_| changes.current.with(|current| current.value.clone()));
    let slot = StoredValue::new(None::<Page>);
    let change = Action::new_local(move |change: &Change| {
        let change = change.clone();
        let page = slot.get_value();
        async move {
            match page {
                Some(page) => page.apply(change).await,
                None => false,
            }
        }
    });
    let page = Page {
        id,
        session,
        changes,
        loan,
        item: RwSignal::new(None),
        timeline: RwSignal::new(Vec::new()),
        change,
        checkout_errors: FieldErrors::new(),
        return_errors: FieldErrors::new(),
        decline_errors: FieldErrors::new(),
        declining: RwSignal::new(false),
    };
    slot.set_value(Some(page));
    provide_context(page);
    leptos::task::spawn_local(page.reload());

    view! {
        <header class="page-header">
            <p class="eyebrow">
                <a href="/lending">"Lending"</a>
                " · "
                <a href="/lending/loans">"My loans"</a>
            </p>
            <h1 data-testid="loan-title">
                {move || loan.with(|loan| {
                    let href = format!("/lending/items/{}", loan.item_id);
                    view! { <a href=href class="title-link">{loan.item_name.clone()}</a> }
                })}
            </h1>
            <div class="badges lending-badges" data-version=move || loan.with(|loan| loan.version.to_string())>
                {move || {
                    let (status, tier) = loan.with(|loan| (loan.status, loan.urgency.tier()));
                    view! {
                        <LoanStatusBadge status/>
                        <span class="tier-badge" data-tier=tier.number().to_string()>
                            {format!("{} · {}", tier.number(), tier_name(tier))}
                        </span>
                    }
                }}
            </div>
            <p class="lead" data-testid="loan-window">{move || loan.with(|loan| window_text(loan.window))}</p>
        </header>
        <StaleNotice
            stale=changes.stale
            message="Changed by the other side meanwhile — reloaded. Check the loan as it is now, then try again."
        />
        <ErrorAlert error=changes.problem/>
        <SuccessNotice message=changes.notice/>
        <div class="lending-layout">
            <div class="lending-main">
                <DecisionCard/>
                <ActionsCard/>
                <ReportsCard/>
            </div>
            <div class="lending-side">
                <FactsCard/>
                <Timeline/>
            </div>
        </div>
    }
}

/// Warren's last decision and why; a displaced booking's offered slot.
#[component]
fn DecisionCard() -> impl IntoView {
    let page = use_page();
    let loan = page.loan;
    view! {
        <section class="card" aria-labelledby="decision-heading" data-testid="decision-card">
            <h2 id="decision-heading">"Decision"</h2>
            {move || {
                let loan = loan.get();
                let (side, may_act) = page.side();
                let displaced = loan.cancel_reason == Some(CancelReason::Preempted);
                let cancelled = loan
                    .cancel_reason
                    .filter(|reason| *reason != CancelReason::Preempted)
                    .map(|reason| view! { <p class="small" data-testid="cancel-reason">{format!("Cancelled: {}", reason.label())}</p> });
                view! {
                    <DecisionNote loan=loan.clone()/>
                    {cancelled}
                    {displaced.then(|| view! { <OfferedSlot loan=loan.clone() may_request=side == Side::Borrower && may_act/> })}
                }
            }}
        </section>
    }
}

/// What the caller's side may do now.
#[component]
fn ActionsCard() -> impl IntoView {
    let page = use_page();
    let loan = page.loan;
    let pending = page.change.pending();
    view! {
        {move || {
            let status = loan.with(|loan| loan.status);
            let (side, may_act) = page.side();
            if !may_act {
                return (side != Side::Neither && !status.is_final())
                    .then(|| view! {
                        <section class="card"><p class="muted small">"Volunteers see loans; staff act on them."</p></section>
                    })
                    .into_any();
            }
            match (side, status) {
                (Side::Owner, ReservationStatus::Requested) => view! {
                    <section class="card" aria-labelledby="answer-heading" data-testid="owner-answer">
                        <h2 id="answer-heading">"Answer the request"</h2>
                        <p class="small muted">"Approve only the top of the queue for this time; to skip a request, decline it with a reason."</p>
                        <div class="button-row">
                            <button type="button" class="button primary" data-testid="approve" disabled=move || pending.get()
                                on:click=move |_| { page.change.dispatch(Change::Approve); }>
                                "Approve"
                            </button>
                            <button type="button" class="button danger" data-testid="open-decline" on:click=move |_| page.declining.set(true)>
                                "Decline…"
                            </button>
                        </div>
                        <Show when=move || page.declining.get()>
                            <DeclineLoanForm
                                prefix="loan"
                                errors=page.decline_errors
                                pending
                                on_decline=Callback::new(move |request| { page.change.dispatch(Change::Decline(request)); })
                                on_close=Callback::new(move |()| page.declining.set(false))
                            />
                        </Show>
                    </section>
                }
                .into_any(),
                (Side::Owner, ReservationStatus::Reserved) => view! {
                    <section class="card" aria-labelledby="handover-heading" data-testid="owner-handover">
                        <h2 id="handover-heading">"Handover"</h2>
                        <p>"The borrower checks the item out when they collect it: they record its condition and accept your usage terms."</p>
                        <CancelButton reason=CancelReason::OwnerWithdrew label="Withdraw the booking"/>
                    </section>
                }
                .into_any(),
                (Side::Borrower, ReservationStatus::Requested) => view! {
                    <section class="card" aria-labelledby="waiting-heading">
                        <h2 id="waiting-heading">"Waiting for the owner"</h2>
                        <CancelButton reason=CancelReason::BorrowerWithdrew label="Withdraw the request"/>
                    </section>
                }
                .into_any(),
                (Side::Borrower, ReservationStatus::Reserved) => view! {
                    <CheckoutCard/>
                }
                .into_any(),
                (Side::Owner, ReservationStatus::Active | ReservationStatus::Overdue) => view! {
                    <ReturnCard/>
                }
                .into_any(),
                (Side::Borrower, ReservationStatus::Active | ReservationStatus::Overdue) => view! {
                    <section class="card" aria-labelledby="out-heading">
                        <h2 id="out-heading">"With you"</h2>
                        <p>"Bring it back to its home site by the end of the window; the owner records the return and its condition."</p>
                    </section>
                }
                .into_any(),
                _ => ().into_any(),
            }
        }}
    }
}

/// Cancels the request or booking, after asking.
#[component]
fn CancelButton(reason: CancelReason, label: &'static str) -> impl IntoView {
    let page = use_page();
    view! {
        <span data-testid="cancel-loan">
            <ConfirmButton
                label
                confirm_label="Yes, cancel"
                question=format!("{label}?")
                pending=page.change.pending()
                on_confirm=Callback::new(move |()| {
                    page.change.dispatch(Change::Cancel(CancelLoanRequest { reason: Some(reason), note: None }));
                })
            />
        </span>
    }
}

/// The borrower collects the item: checklist, condition, notes, and the
/// usage terms accepted.
#[component]
fn CheckoutCard() -> impl IntoView {
    let page = use_page();
    view! {
        <section class="card checkout-card" aria-labelledby="checkout-heading" data-testid="checkout-card">
            <h2 id="checkout-heading">"Check out"</h2>
            {move || match page.item.get() {
                None => view! { <Loading label="Loading the item's terms…"/> }.into_any(),
                Some(item) => view! { <CheckoutForm item/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn CheckoutForm(item: KitItem) -> impl IntoView {
    let page = use_page();
    let errors = page.checkout_errors;
    let draft = ReportDraft::new(
        default_checklist(item.category)
            .iter()
            .map(|label| (*label).to_owned()),
        item.condition,
    );
    let accepted = RwSignal::new(false);
    let version = item.terms.version;
    let organization = page.session.memberships().into_iter().find(|membership| {
        page.loan.with_untracked(|loan| loan.borrower_id) == membership.organization.id
    });
    let organization =
        organization.map_or_else(|| "your organization".to_owned(), |m| m.organization.name);
    let form_draft = draft.clone();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let report = form_draft.report(&errors);
        if !accepted.get_untracked() {
            errors.add(
                "accept_terms_version",
                "accept the usage terms to collect the item",
            );
        }
        match report {
            Some(report) if errors.is_empty() => {
                page.change.dispatch(Change::Checkout(CheckoutRequest {
                    report,
                    accept_terms_version: version,
                }));
            }
            _ => reveal_problem(),
        }
    };
    let terms_error = errors.of("accept_terms_version");
    view! {
        <form class="checkout-form" data-testid="checkout-form" novalidate on:submit=submit>
            <ReportFields prefix="checkout" draft errors notes_label="Notes at checkout"/>
            <div class="terms-box" data-testid="terms" data-version=version.to_string()>
                <h3 class="small-heading">{format!("Usage terms, version {version}")}</h3>
                <p class="notes terms-text" data-testid="terms-text">{item.terms.text.as_str().to_owned()}</p>
            </div>
            <div class="checkbox accept-terms" aria-invalid=move || terms_error.get().is_some().then_some("true")>
                <input
                    type="checkbox"
                    id="accept-terms"
                    required=true
                    prop:checked=move || accepted.get()
                    on:change=move |event| accepted.set(event_target_checked(&event))
                />
                <label for="accept-terms">
                    {format!("I accept these usage terms (version {version}) for {organization}.")}
                </label>
            </div>
            {move || terms_error.get().map(|error| view! { <p class="field-error" id="accept-terms-error">{error}</p> })}
            <p class="small muted">"Warren records who accepted, when, and which version."</p>
            <div class="form-actions">
                <button type="submit" id="checkout" class="button primary large" disabled=move || page.change.pending().get()>
                    "Check out"
                </button>
            </div>
        </form>
    }
}

/// The owner takes the item back: checklist, condition, notes.
#[component]
fn ReturnCard() -> impl IntoView {
    let page = use_page();
    let errors = page.return_errors;
    let (labels, condition) = page.loan.with_untracked(|loan| {
        let report = loan.checkout_report.clone();
        let condition = report.as_ref().map(|report| report.condition);
        let labels: Vec<String> = report
            .map(|report| {
                report
                    .checklist
                    .iter()
                    .map(|entry| entry.label.as_str().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        (labels, condition)
    });
    let item = page.item.get_untracked();
    let labels = if labels.is_empty() {
        item.as_ref()
            .map(|item| {
                default_checklist(item.category)
                    .iter()
                    .map(|label| (*label).to_owned())
                    .collect()
            })
            .unwrap_or_else(|| vec!["Present and complete".to_owned()])
    } else {
        labels
    };
    let condition = condition
        .or_else(|| item.map(|item| item.condition))
        .unwrap_or(warren_domain::lending::Condition::Good);
    let draft = ReportDraft::new(labels, condition);
    let form_draft = draft.clone();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        match form_draft.report(&errors) {
            Some(report) => {
                page.change
                    .dispatch(Change::Return(ReturnLoanRequest { report }));
            }
            None => reveal_problem(),
        }
    };
    view! {
        <section class="card return-card" aria-labelledby="return-heading" data-testid="return-card">
            <h2 id="return-heading">"Take it back"</h2>
            <p class="small muted">"Record its condition as it comes back; describe any damage if it is worse than at checkout."</p>
            <form class="return-form" data-testid="return-form" novalidate on:submit=submit>
                <ReportFields prefix="return" draft errors notes_label="Notes at return"/>
                <div class="form-actions">
                    <button type="submit" id="return" class="button primary large" disabled=move || page.change.pending().get()>
                        "Record the return"
                    </button>
                </div>
            </form>
        </section>
    }
}

/// The condition at checkout and return, and the terms accepted.
#[component]
fn ReportsCard() -> impl IntoView {
    let page = use_page();
    let loan = page.loan;
    let accepted_by = move || {
        page.timeline.with(|timeline| {
            timeline
                .iter()
                .find(|entry| entry.kind == "checked_out")
                .map(|entry| entry.actor.clone())
        })
    };
    view! {
        {move || {
            let loan = loan.get();
            (loan.checkout_report.is_some() || loan.return_report.is_some())
                .then(|| {
                    view! {
                        <section class="card" aria-labelledby="reports-heading" data-testid="reports">
                            <h2 id="reports-heading">"Condition"</h2>
                            {loan.terms_acceptance.clone().map(|acceptance| {
                                let who = accepted_by().unwrap_or_else(|| "the borrower".to_owned());
                                view! {
                                    <p class="terms-accepted" data-testid="terms-acceptance" data-version=acceptance.terms_version.to_string()>
                                        {format!(
                                            "Usage terms version {} accepted by {who} on {}.",
                                            acceptance.terms_version,
                                            local_time::date_time(acceptance.accepted_at)
                                        )}
                                    </p>
                                }
                            })}
                            {loan.checkout_report.clone().map(|report| view! { <ReportSummary report heading="At checkout" testid="checkout-report"/> })}
                            {loan.return_report.clone().map(|report| view! { <ReportSummary report heading="At return" testid="return-report"/> })}
                        </section>
                    }
                })
        }}
    }
}

/// Who, what, when.
#[component]
fn FactsCard() -> impl IntoView {
    let page = use_page();
    let loan = page.loan;
    view! {
        <section class="card" aria-labelledby="facts-heading" data-testid="loan-facts">
            <h2 id="facts-heading">"Loan"</h2>
            {move || {
                let loan = loan.get();
                let (side, _) = page.side();
                let side_text = match side {
                    Side::Owner => "You lend it",
                    Side::Borrower => "You borrow it",
                    Side::Neither => "Coordinating",
                };
                view! {
                    <dl class="facts">
                        <dt>"Your side"</dt>
                        <dd data-testid="side">{side_text}</dd>
                        <dt>"Window"</dt>
                        <dd>{window_text(loan.window)}</dd>
                        <dt>"Urgency"</dt>
                        <dd data-testid="urgency">{urgency_text(&loan.urgency)}</dd>
                        <dt>"Requested"</dt>
                        <dd>{format!("{} by {}", local_time::date_time(loan.requested_at), loan.requested_by)}</dd>
                        {loan.checked_out_at.map(|at| view! { <dt>"Checked out"</dt><dd>{local_time::date_time(at)}</dd> })}
                        {loan.returned_at.map(|at| view! { <dt>"Returned"</dt><dd>{local_time::date_time(at)}</dd> })}
                    </dl>
                    {page.item.get().map(|item| view! {
                        <p class="small">{format!("Collect from {} ({})", item.home_site_name, item.owner_name)}</p>
                    })}
                }
            }}
        </section>
    }
}

/// What happened, in order.
#[component]
fn Timeline() -> impl IntoView {
    let page = use_page();
    view! {
        <TimelineCard
            entries=page.timeline
            status_label=|code| ReservationStatus::parse(code).map(|status| status.label())
        />
    }
}

//! `/lending/loans`: "My loans" — the organization's loans as borrower and
//! as owner, open ones first.
//!
//! Each shows the item, where it stands, the window, the urgency and
//! Warren's last decision with its reason. A booking displaced by a more
//! urgent case says so, with the slot offered instead and a one-click
//! "Request that slot".

use leptos::prelude::*;
use uuid::Uuid;
use warren_domain::lending::CancelReason;
use warren_wire::{Loan, LoanQuery};

use crate::components::{
    ActingOrganization, DecisionNote, LendingTab, LendingTabs, Loaded, LoanStatusBadge,
    OfferedSlot, RequireSignIn, acting_organizations, tier_name, window_text,
};
use crate::local_time;
use crate::session::use_session;

/// The "My loans" page.
#[component]
pub fn MyLoansPage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <MyLoans/>
        </RequireSignIn>
    }
}

/// Which side of the loans a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Borrower,
    Owner,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Self::Borrower => "borrower",
            Self::Owner => "owner",
        }
    }
}

#[component]
fn MyLoans() -> impl IntoView {
    let session = use_session();
    let all: Vec<(Uuid, String)> = untrack(|| session.memberships())
        .into_iter()
        .map(|membership| (membership.organization.id, membership.organization.name))
        .collect();
    let actors = untrack(|| acting_organizations(session));
    let organization = RwSignal::new(actors.first().or_else(|| all.first()).map(|(id, _)| *id));
    let may_act = Memo::new(move |_| {
        let chosen = organization.get();
        acting_organizations(session)
            .iter()
            .any(|(id, _)| Some(*id) == chosen)
    });
    let list = move |role: Role| {
        LocalResource::new(move || {
            let organization = organization.get();
            async move {
                let Some(organization) = organization else {
                    return Ok(Vec::new());
                };
                let query = LoanQuery {
                    role: Some(role.as_str().to_owned()),
                    state: Some("all".to_owned()),
                };
                let mut items = session.api().loans(organization, &query).await?.items;
                // Open ones first, then the rest; newest request first in each.
                items.sort_by_key(|loan| {
                    (loan.status.is_final(), std::cmp::Reverse(loan.requested_at))
                });
                Ok(items)
            }
        })
    };
    let borrowing = list(Role::Borrower);
    let lending = list(Role::Owner);
    view! {
        <header class="page-header">
            <p class="eyebrow"><a href="/lending">"Lending"</a></p>
            <h1>"My loans"</h1>
            <p class="lead">"What your organization borrows and lends, with every decision and why."</p>
        </header>
        <LendingTabs current=LendingTab::Loans organization=Signal::derive(move || organization.get())/>
        <ActingOrganization id="loans-org" choices=all chosen=organization/>
        <section class="loan-section" aria-labelledby="borrowing-heading" data-testid="borrowing">
            <h2 id="borrowing-heading">"Borrowing"</h2>
            <Loaded resource=borrowing label="Loading your loans…" let:items>
                <LoanList items role=Role::Borrower may_act=may_act.get()/>
            </Loaded>
        </section>
        <section class="loan-section" aria-labelledby="lending-heading" data-testid="lending">
            <h2 id="lending-heading">"Lending out"</h2>
            <Loaded resource=lending label="Loading your items' loans…" let:items>
                <LoanList items role=Role::Owner may_act=false/>
            </Loaded>
        </section>
    }
}

/// One side's loans.
#[component]
fn LoanList(items: Vec<Loan>, role: Role, may_act: bool) -> impl IntoView {
    if items.is_empty() {
        let text = match role {
            Role::Borrower => "Nothing borrowed yet. Find kit in the catalog.",
            Role::Owner => "None of your items has been asked for.",
        };
        return view! { <p class="empty" data-testid=format!("{}-empty", role.as_str())>{text}</p> }.into_any();
    }
    view! {
        <ul class="loan-list">
            {items
                .into_iter()
                .map(|loan| view! { <LoanRow loan role may_act/> })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// One loan.
#[component]
fn LoanRow(loan: Loan, role: Role, may_act: bool) -> impl IntoView {
    let href = format!("/loans/{}", loan.id);
    let tier = loan.urgency.tier();
    let displaced = loan.cancel_reason == Some(CancelReason::Preempted);
    view! {
        <li
            class="card loan-row"
            class:displaced=displaced
            data-testid="loan-row"
            data-loan-id=loan.id.to_string()
            data-status=loan.status.as_str()
            data-role=role.as_str()
            data-displaced=displaced.to_string()
        >
            <div class="loan-row-top">
                <h3 class="loan-row-title">
                    <a href=href.clone() data-testid="loan-link">{loan.item_name.clone()}</a>
                </h3>
                <div class="badges">
                    <span class="tier-badge" data-tier=tier.number().to_string()>{format!("{} · {}", tier.number(), tier_name(tier))}</span>
                    <LoanStatusBadge status=loan.status/>
                </div>
            </div>
            <p class="small loan-row-window">
                <strong>{window_text(loan.window)}</strong>
                {format!(" · requested {} by {}", local_time::date_time(loan.requested_at), loan.requested_by)}
            </p>
            {displaced.then(|| view! {
                <p class="displaced-flag" data-testid="displaced">
                    <strong>"Displaced: "</strong>
                    "a more urgent case took this booking."
                </p>
            })}
            <DecisionNote loan=loan.clone()/>
            {displaced.then(|| view! { <OfferedSlot loan=loan.clone() may_request=may_act && role == Role::Borrower/> })}
            <p><a class="button secondary small" href=href>"Open"</a></p>
        </li>
    }
}

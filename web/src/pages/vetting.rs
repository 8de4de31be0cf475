//! `/vetting`: the network coordinators' queue of applications, and the
//! members they may suspend or reinstate.

use leptos::prelude::*;
use uuid::Uuid;
use warren_client::ClientError;
use warren_domain::MembershipStatus;
use warren_wire::{
    MembershipChangeRequest, Organization, OrganizationQuery, PendingApplication,
    PendingApplicationQuery,
};

use crate::components::{
    ErrorAlert, ListTable, Loaded, MembershipBadge, RequireSignIn, SuccessNotice, error_of,
};
use crate::local_time;
use crate::session::{Session, use_session};

/// The vetting queue (network admins only).
#[component]
pub fn VettingPage() -> impl IntoView {
    let session = use_session();
    view! {
        <RequireSignIn>
            <Show
                when=move || session.is_network_admin()
                fallback=|| {
                    view! {
                        <section class="card narrow">
                            <h1>"Vetting queue"</h1>
                            <p>"Only network coordinators vet organizations."</p>
                        </section>
                    }
                }
            >
                <Vetting/>
            </Show>
        </RequireSignIn>
    }
}

/// Which list is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Applications,
    Members,
}

/// Every organization in `membership` (all of them when `None`), following
/// the pages to the end.
async fn all_organizations(
    session: Session,
    membership: Option<MembershipStatus>,
) -> Result<Vec<Organization>, ClientError> {
    let mut organizations = Vec::new();
    let mut cursor = None;
    loop {
        let query = OrganizationQuery {
            membership,
            cursor: cursor.clone(),
            limit: Some(warren_wire::MAX_PAGE_SIZE),
            ..Default::default()
        };
        let page = session.api().organizations(&query).await?;
        organizations.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(organizations),
        }
    }
}

/// Moves an organization to `membership`, with the version just read.
async fn change_membership(
    session: Session,
    id: Uuid,
    membership: MembershipStatus,
    reason: Option<String>,
) -> Result<Organization, ClientError> {
    let change = MembershipChangeRequest { membership, reason };
    let client = session.api();
    let current = client.organization(id).await?;
    client
        .change_membership(id, &change, &current.etag)
        .await
        .map(|changed| changed.value)
}

#[component]
fn Vetting() -> impl IntoView {
    let tab = RwSignal::new(Tab::Applications);
    let notice = RwSignal::new(None::<String>);
    let tab_button = move |which: Tab, id: &'static str, label: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                id=id
                class="tab"
                aria-selected=move || (tab.get() == which).to_string()
                on:click=move |_| {
                    notice.set(None);
                    tab.set(which);
                }
            >
                {label}
            </button>
        }
    };
    view! {
        <header class="page-header">
            <h1>"Vetting queue"</h1>
            <p class="lead">
                "Check each applicant before it joins: is it a real clinic, rescue or rehabilitator, "
                "and does it care for small mammals or wildlife?"
            </p>
        </header>
        <div class="tabs" role="tablist" aria-label="Organizations">
            {tab_button(Tab::Applications, "tab-applications", "Applications")}
            {tab_button(Tab::Members, "tab-members", "Members")}
        </div>
        <SuccessNotice message=notice/>
        {move || match tab.get() {
            Tab::Applications => view! { <Applications/> }.into_any(),
            Tab::Members => view! { <Members notice/> }.into_any(),
        }}
    }
}

/// Every application waiting to be vetted, oldest first, with who applied,
/// following the pages to the end.
async fn all_applications(session: Session) -> Result<Vec<PendingApplication>, ClientError> {
    let mut applications = Vec::new();
    let mut cursor = None;
    loop {
        let query = PendingApplicationQuery {
            cursor: cursor.clone(),
            limit: Some(warren_wire::MAX_PAGE_SIZE),
        };
        let page = session.api().pending_applications(&query).await?;
        applications.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(applications),
        }
    }
}

/// The organizations waiting to be vetted, oldest first. A decided
/// application keeps its row, saying what was decided, until the queue is
/// next loaded: the rows under the pointer never move.
///
/// The outcome is said in the row (`role="status"`, focused), not in the
/// notice above the table, which would push every row down.
#[component]
fn Applications() -> impl IntoView {
    let session = use_session();
    let queue = LocalResource::new(move || all_applications(session));
    view! {
        <section role="tabpanel" aria-labelledby="tab-applications">
            <Loaded resource=queue label="Loading the queue…" let:applications>
                {if applications.is_empty() {
                    view! { <p class="empty" data-testid="vetting-empty">"No applications waiting."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" tabindex="0">
                            <table class="vetting-queue">
                                <thead>
                                    <tr>
                                        <th scope="col">"Organization"</th>
                                        <th scope="col">"Applicant"</th>
                                        <th scope="col">"Applied"</th>
                                        <th scope="col">"What they wrote"</th>
                                        <th scope="col">"Decision"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {applications
                                        .into_iter()
                                        .map(|application| view! { <ApplicationRow application/> })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                        .into_any()
                }}
            </Loaded>
        </section>
    }
}

/// Where an application's row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowStep {
    /// Vet and Decline offered.
    Choosing,
    /// "Vet …?" asked, waiting for Yes or Cancel.
    ConfirmingVet,
    /// The decline form (a reason is required).
    Declining,
}

/// One application: the organization, who applied and what they wrote, and
/// the decision. Vetting asks for confirmation; once decided the row stays
/// where it is with the outcome, which takes the focus.
#[component]
fn ApplicationRow(application: PendingApplication) -> impl IntoView {
    let session = use_session();
    let organization = application.organization;
    let id = organization.id;
    let name = organization.name.clone();
    let step = RwSignal::new(RowStep::Choosing);
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None::<String>);
    let decide = Action::new_local(
        move |(membership, reason): &(MembershipStatus, Option<String>)| {
            change_membership(session, id, *membership, reason.clone())
        },
    );
    let pending = decide.pending();
    let error = Signal::derive(move || error_of(decide.value().get()));
    let decided = Memo::new(move |_| match decide.value().get() {
        Some(Ok(changed)) => Some(changed.membership),
        _ => None,
    });
    let outcome_ref = NodeRef::<leptos::html::P>::new();
    let decided_name = name.clone();
    // The decision's buttons are gone: the focus goes to the outcome in
    // their place, not back to the top of the page.
    Effect::new(move |_| {
        if decided.get().is_some()
            && let Some(outcome) = outcome_ref.get()
        {
            let _ = outcome.focus();
        }
    });
    // Each step's first control takes the focus from the button that
    // opened it (which is gone), so keyboard and screen reader users stay
    // in the row; not when the row first appears.
    let vet_button = NodeRef::<leptos::html::Button>::new();
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    let reason_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |previous: Option<()>| {
        let step = step.get();
        if previous.is_some() {
            let _ = match step {
                RowStep::Choosing => vet_button.get().map(|button| button.focus()),
                RowStep::ConfirmingVet => confirm_button.get().map(|button| button.focus()),
                RowStep::Declining => reason_input.get().map(|input| input.focus()),
            };
        }
    });
    let decline = move |_| {
        let text = reason.get_untracked().trim().to_owned();
        if text.is_empty() {
            reason_error.set(Some("Give a reason for declining.".into()));
        } else {
            reason_error.set(None);
            decide.dispatch((MembershipStatus::Suspended, Some(text)));
        }
    };
    let reason_id = format!("decline-reason-{id}");
    let heading_id = format!("application-{id}");
    let vet_label = format!("Vet {name}");
    let decline_label = format!("Decline {name}");
    let decline_name = name.clone();
    let question =
        format!("Vet {name}? It joins the network and its members can use every shared service.");
    let confirm_label = format!("Yes, vet {name}");
    let applicant = application.applicant;
    view! {
        <tr
            data-testid="vetting-row"
            data-organization-id=id.to_string()
            class:decided=move || decided.get().is_some()
        >
            <th scope="row" id=heading_id.clone()>
                <a href=format!("/organizations/{id}")>{name.clone()}</a>
                <span class="muted block">{organization.kind.label()}</span>
                {organization
                    .website
                    .map(|website| {
                        let href = website.clone();
                        view! {
                            <a class="block" href=href rel="noopener noreferrer" target="_blank">
                                {website}
                            </a>
                        }
                    })}
            </th>
            <td data-testid="applicant">
                {match applicant {
                    Some(applicant) => {
                        let mailto = format!("mailto:{}", applicant.email);
                        view! {
                            <span class="block">{applicant.name}</span>
                            <a class="block" href=mailto>{applicant.email}</a>
                        }
                            .into_any()
                    }
                    None => view! { <span class="muted">"No longer a member"</span> }.into_any(),
                }}
            </td>
            <td>
                <time datetime=organization.created_at.to_rfc3339()>
                    {local_time::date_time(organization.created_at)}
                </time>
            </td>
            <td class="description">
                {organization
                    .description
                    .unwrap_or_else(|| "(nothing written)".to_owned())}
            </td>
            <td class="actions" aria-busy=move || pending.get().to_string()>
                <ErrorAlert error/>
                {move || match (decided.get(), step.get()) {
                    (Some(membership), _) => {
                        let text = match membership {
                            MembershipStatus::Vetted => "Vetted ✓",
                            _ => "Declined",
                        };
                        let said = match membership {
                            MembershipStatus::Vetted => format!("{decided_name} is now a vetted member."),
                            _ => format!("{decided_name}'s application was declined."),
                        };
                        view! {
                            <p class="decision-outcome" tabindex="-1" role="status" data-testid="vetting-outcome" node_ref=outcome_ref>
                                <span aria-hidden="true">{text}</span>
                                <span class="visually-hidden">{said}</span>
                            </p>
                        }
                            .into_any()
                    }
                    (None, RowStep::Choosing) => {
                        view! {
                            <div class="button-row">
                                <button
                                    type="button"
                                    class="button primary small"
                                    aria-label=vet_label.clone()
                                    node_ref=vet_button
                                    disabled=move || pending.get()
                                    on:click=move |_| step.set(RowStep::ConfirmingVet)
                                >
                                    "Vet"
                                </button>
                                <button
                                    type="button"
                                    class="button danger small"
                                    aria-label=decline_label.clone()
                                    disabled=move || pending.get()
                                    on:click=move |_| step.set(RowStep::Declining)
                                >
                                    "Decline"
                                </button>
                            </div>
                        }
                            .into_any()
                    }
                    (None, RowStep::ConfirmingVet) => {
                        view! {
                            <div class="confirm" role="group" aria-labelledby=heading_id.clone()>
                                <p class="confirm-question">{question.clone()}</p>
                                <div class="button-row">
                                    <button
                                        type="button"
                                        class="button primary small"
                                        data-testid="confirm-vet"
                                        aria-label=confirm_label.clone()
                                        node_ref=confirm_button
                                        disabled=move || pending.get()
                                        on:click=move |_| {
                                            decide.dispatch((MembershipStatus::Vetted, None));
                                        }
                                    >
                                        "Yes, vet"
                                    </button>
                                    <button
                                        type="button"
                                        class="button secondary small"
                                        on:click=move |_| step.set(RowStep::Choosing)
                                    >
                                        "Cancel"
                                    </button>
                                </div>
                            </div>
                        }
                            .into_any()
                    }
                    (None, RowStep::Declining) => {
                        view! {
                            <div class="inline-form">
                                <label for=reason_id.clone()>"Reason for declining"</label>
                                <input
                                    id=reason_id.clone()
                                    name="reason"
                                    type="text"
                                    required
                                    node_ref=reason_input
                                    aria-invalid=move || reason_error.get().is_some().then_some("true")
                                    bind:value=reason
                                />
                                {move || reason_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
                                <div class="button-row">
                                    <button
                                        type="button"
                                        class="button danger small"
                                        aria-label=format!("Confirm declining {}", decline_name.clone())
                                        disabled=move || pending.get()
                                        on:click=decline
                                    >
                                        "Confirm decline"
                                    </button>
                                    <button
                                        type="button"
                                        class="button secondary small"
                                        on:click=move |_| step.set(RowStep::Choosing)
                                    >
                                        "Cancel"
                                    </button>
                                </div>
                            </div>
                        }
                            .into_any()
                    }
                }}
            </td>
        </tr>
    }
}

/// Vetted and suspended members, to suspend or reinstate.
#[component]
fn Members(notice: RwSignal<Option<String>>) -> impl IntoView {
    let session = use_session();
    let members = LocalResource::new(move || async move {
        let mut members = all_organizations(session, None).await?;
        members.retain(|organization| organization.membership != MembershipStatus::Applied);
        members.sort_by_key(|organization| organization.name.to_lowercase());
        Ok::<_, ClientError>(members)
    });
    view! {
        <section role="tabpanel" aria-labelledby="tab-members">
            <Loaded resource=members label="Loading members…" let:members>
                <ListTable
                    is_empty=members.is_empty()
                    empty="No members yet."
                    headings=&["Organization", "Kind", "Status", "Member since", "Action"]
                >
                    {members
                        .into_iter()
                        .map(|organization| view! { <MemberRow organization notice/> })
                        .collect_view()}
                </ListTable>
            </Loaded>
        </section>
    }
}

/// One member organization with Suspend or Reinstate.
#[component]
fn MemberRow(organization: Organization, notice: RwSignal<Option<String>>) -> impl IntoView {
    let session = use_session();
    let id = organization.id;
    let current = RwSignal::new(organization);
    let suspending = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None::<String>);
    let change = Action::new_local(
        move |(membership, reason): &(MembershipStatus, Option<String>)| {
            change_membership(session, id, *membership, reason.clone())
        },
    );
    let pending = change.pending();
    let error = Signal::derive(move || error_of(change.value().get()));
    Effect::new(move |_| {
        if let Some(Ok(changed)) = change.value().get() {
            let message = match changed.membership {
                MembershipStatus::Suspended => format!("{} is suspended.", changed.name),
                _ => format!("{} is reinstated.", changed.name),
            };
            current.set(changed);
            suspending.set(false);
            reason.set(String::new());
            notice.set(Some(message));
        }
    });
    let suspend = move |_| {
        let text = reason.get_untracked().trim().to_owned();
        if text.is_empty() {
            reason_error.set(Some("Give a reason for suspending.".into()));
        } else {
            reason_error.set(None);
            change.dispatch((MembershipStatus::Suspended, Some(text)));
        }
    };
    let reinstate = move |_| {
        change.dispatch((MembershipStatus::Vetted, None));
    };
    let reason_id = format!("suspend-reason-{id}");
    let membership = move || current.with(|organization| organization.membership);
    view! {
        <tr data-testid="member-row" data-organization-id=id.to_string()>
            <th scope="row">
                <a href=format!("/organizations/{id}")>{move || current.with(|o| o.name.clone())}</a>
            </th>
            <td>{move || current.with(|o| o.kind.label())}</td>
            <td>{move || view! { <MembershipBadge status=membership()/> }}</td>
            <td>{move || current.with(|o| local_time::date(o.created_at))}</td>
            <td class="actions" aria-busy=move || pending.get().to_string()>
                <ErrorAlert error/>
                {move || match (membership(), suspending.get()) {
                    (MembershipStatus::Suspended, _) => {
                        view! {
                            <button
                                type="button"
                                class="button primary small"
                                disabled=move || pending.get()
                                on:click=reinstate
                            >
                                "Reinstate"
                            </button>
                        }
                            .into_any()
                    }
                    (_, false) => {
                        view! {
                            <button
                                type="button"
                                class="button danger small"
                                on:click=move |_| suspending.set(true)
                            >
                                "Suspend"
                            </button>
                        }
                            .into_any()
                    }
                    (_, true) => {
                        view! {
                            <div class="inline-form">
                                <label for=reason_id.clone()>"Reason for suspending"</label>
                                <input
                                    id=reason_id.clone()
                                    name="reason"
                                    type="text"
                                    required
                                    aria-invalid=move || reason_error.get().is_some().then_some("true")
                                    bind:value=reason
                                />
                                {move || reason_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
                                <div class="button-row">
                                    <button
                                        type="button"
                                        class="button danger small"
                                        disabled=move || pending.get()
                                        on:click=suspend
                                    >
                                        "Confirm suspension"
                                    </button>
                                    <button
                                        type="button"
                                        class="button secondary small"
                                        on:click=move |_| suspending.set(false)
                                    >
                                        "Cancel"
                                    </button>
                                </div>
                            </div>
                        }
                            .into_any()
                    }
                }}
            </td>
        </tr>
    }
}

//! `/vetting`: the network coordinators' queue of applications, and the
//! members they may suspend or reinstate.

use leptos::prelude::*;
use uuid::Uuid;
use warren_client::{Client, ClientError};
use warren_domain::MembershipStatus;
use warren_wire::{MembershipChangeRequest, Organization, OrganizationQuery};

use crate::components::{
    ErrorAlert, Loading, MembershipBadge, RequireSignIn, SuccessNotice, error_of,
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
        let page = session
            .call(move |client| {
                let query = query.clone();
                async move { client.organizations(&query).await }
            })
            .await?;
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
    session
        .call(move |client: Client| {
            let change = change.clone();
            async move {
                let current = client.organization(id).await?;
                client
                    .change_membership(id, &change, &current.etag)
                    .await
                    .map(|changed| changed.value)
            }
        })
        .await
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
            Tab::Applications => view! { <Applications notice/> }.into_any(),
            Tab::Members => view! { <Members notice/> }.into_any(),
        }}
    }
}

/// The organizations waiting to be vetted, oldest first.
#[component]
fn Applications(notice: RwSignal<Option<String>>) -> impl IntoView {
    let session = use_session();
    let handled = RwSignal::new(Vec::<Uuid>::new());
    let queue = LocalResource::new(move || async move {
        let mut applied = all_organizations(session, Some(MembershipStatus::Applied)).await?;
        applied.sort_by_key(|organization| organization.created_at);
        Ok::<_, ClientError>(applied)
    });
    let on_done = Callback::new(move |(id, message): (Uuid, String)| {
        handled.update(|handled| handled.push(id));
        notice.set(Some(message));
    });
    view! {
        <section role="tabpanel" aria-labelledby="tab-applications">
            <Transition fallback=|| view! { <Loading label="Loading the queue…"/> }>
                {move || Suspend::new(async move {
                    match queue.await {
                        Err(error) => view! { <ErrorAlert error=Signal::stored(Some(error))/> }.into_any(),
                        Ok(applied) => {
                            let waiting = Memo::new(move |_| {
                                applied
                                    .iter()
                                    .filter(|organization| !handled.with(|h| h.contains(&organization.id)))
                                    .cloned()
                                    .collect::<Vec<_>>()
                            });
                            view! {
                                <Show
                                    when=move || !waiting.with(Vec::is_empty)
                                    fallback=|| view! { <p class="empty" data-testid="vetting-empty">"No applications waiting."</p> }
                                >
                                    <div class="table-scroll">
                                        <table>
                                            <thead>
                                                <tr>
                                                    <th scope="col">"Organization"</th>
                                                    <th scope="col">"Kind"</th>
                                                    <th scope="col">"Applied"</th>
                                                    <th scope="col">"Website"</th>
                                                    <th scope="col">"Description"</th>
                                                    <th scope="col">"Decision"</th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                <For
                                                    each=move || waiting.get()
                                                    key=|organization| organization.id
                                                    let:organization
                                                >
                                                    <ApplicationRow organization on_done/>
                                                </For>
                                            </tbody>
                                        </table>
                                    </div>
                                </Show>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// One application with its Vet and Decline buttons.
#[component]
fn ApplicationRow(organization: Organization, on_done: Callback<(Uuid, String)>) -> impl IntoView {
    let session = use_session();
    let id = organization.id;
    let name = organization.name.clone();
    let declining = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None::<String>);
    let decide = Action::new_local(
        move |(membership, reason): &(MembershipStatus, Option<String>)| {
            change_membership(session, id, *membership, reason.clone())
        },
    );
    let pending = decide.pending();
    let error = Signal::derive(move || error_of(decide.value().get()));
    let decided_name = name.clone();
    Effect::new(move |_| {
        if let Some(Ok(changed)) = decide.value().get() {
            let message = match changed.membership {
                MembershipStatus::Vetted => format!("{decided_name} is now a vetted member."),
                _ => format!("{decided_name}'s application was declined."),
            };
            on_done.run((id, message));
        }
    });
    let vet = move |_| {
        decide.dispatch((MembershipStatus::Vetted, None));
    };
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
    view! {
        <tr data-testid="vetting-row" data-organization-id=id.to_string()>
            <th scope="row">
                <a href=format!("/organizations/{id}")>{name}</a>
            </th>
            <td>{organization.kind.label()}</td>
            <td>
                <time datetime=organization.created_at.to_rfc3339()>
                    {local_time::date_time(organization.created_at)}
                </time>
            </td>
            <td>
                {organization
                    .website
                    .map(|website| {
                        let href = website.clone();
                        view! {
                            <a href=href rel="noopener noreferrer" target="_blank">
                                {website}
                            </a>
                        }
                    })}
            </td>
            <td class="description">{organization.description}</td>
            <td class="actions" aria-busy=move || pending.get().to_string()>
                <ErrorAlert error/>
                <Show
                    when=move || declining.get()
                    fallback=move || {
                        view! {
                            <div class="button-row">
                                <button
                                    type="button"
                                    class="button primary small"
                                    disabled=move || pending.get()
                                    on:click=vet
                                >
                                    "Vet"
                                </button>
                                <button
                                    type="button"
                                    class="button danger small"
                                    disabled=move || pending.get()
                                    on:click=move |_| declining.set(true)
                                >
                                    "Decline"
                                </button>
                            </div>
                        }
                    }
                >
                    <div class="inline-form">
                        <label for=reason_id.clone()>"Reason for declining"</label>
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
                                on:click=decline
                            >
                                "Confirm decline"
                            </button>
                            <button
                                type="button"
                                class="button secondary small"
                                on:click=move |_| declining.set(false)
                            >
                                "Cancel"
                            </button>
                        </div>
                    </div>
                </Show>
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
            <Transition fallback=|| view! { <Loading label="Loading members…"/> }>
                {move || Suspend::new(async move {
                    match members.await {
                        Err(error) => view! { <ErrorAlert error=Signal::stored(Some(error))/> }.into_any(),
                        Ok(members) if members.is_empty() => {
                            view! { <p class="empty">"No members yet."</p> }.into_any()
                        }
                        Ok(members) => {
                            view! {
                                <div class="table-scroll">
                                    <table>
                                        <thead>
                                            <tr>
                                                <th scope="col">"Organization"</th>
                                                <th scope="col">"Kind"</th>
                                                <th scope="col">"Status"</th>
                                                <th scope="col">"Member since"</th>
                                                <th scope="col">"Action"</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {members
                                                .into_iter()
                                                .map(|organization| view! { <MemberRow organization notice/> })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
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

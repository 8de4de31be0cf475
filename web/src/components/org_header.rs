//! The header of one organization's pages: its name, and tabs between its
//! details, members, volunteers, API keys, the animals it holds and its
//! audit log.

use leptos::prelude::*;
use uuid::Uuid;

use crate::components::MembershipBadge;
use crate::session::use_session;

/// One of an organization's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgTab {
    /// `/organizations/{id}`.
    Details,
    /// `/organizations/{id}/members`.
    Members,
    /// `/organizations/{id}/api-keys`.
    ApiKeys,
    /// `/organizations/{id}/volunteers`.
    Volunteers,
    /// `/audit?organization={id}` (a page of its own, linked from here).
    Audit,
    /// `/patients?org={id}` (a page of its own, linked from here).
    Patients,
}

/// The page title under the organization's name, and the tabs.
#[component]
pub fn OrgHeader(
    /// The organization.
    organization: Uuid,
    /// The page being shown.
    current: OrgTab,
    /// The page's title.
    title: &'static str,
) -> impl IntoView {
    let session = use_session();
    let loaded =
        LocalResource::new(move || async move { session.api().organization(organization).await });
    let summary = move || {
        loaded.get().and_then(Result::ok).map(|organization| {
            view! {
                <p class="eyebrow">
                    <span data-testid="organization-name">{organization.value.name}</span>
                    " "
                    <MembershipBadge status=organization.value.membership/>
                </p>
            }
        })
    };
    view! {
        <header class="page-header">
            {summary}
            <h1>{title}</h1>
        </header>
        <OrgTabs organization current/>
    }
}

/// Links between an organization's pages, the current one marked.
#[component]
fn OrgTabs(
    /// The organization.
    organization: Uuid,
    /// The page being shown.
    current: OrgTab,
) -> impl IntoView {
    let tabs = [
        (
            OrgTab::Details,
            "Details",
            format!("/organizations/{organization}"),
        ),
        (
            OrgTab::Members,
            "Members & invitations",
            format!("/organizations/{organization}/members"),
        ),
        (
            OrgTab::Volunteers,
            "Volunteers",
            format!("/organizations/{organization}/volunteers"),
        ),
        (
            OrgTab::ApiKeys,
            "API keys",
            format!("/organizations/{organization}/api-keys"),
        ),
        (
            OrgTab::Patients,
            "Patients",
            format!("/patients?org={organization}"),
        ),
        (
            OrgTab::Audit,
            "Audit log",
            format!("/audit?organization={organization}"),
        ),
    ];
    view! {
        <nav class="tabs" aria-label="Organization pages">
            {tabs
                .into_iter()
                .map(|(tab, label, href)| {
                    let current = (tab == current).then_some("page");
                    view! {
                        <a href=href class="tab" aria-current=current>
                            {label}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

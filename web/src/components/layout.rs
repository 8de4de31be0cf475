//! The frame of every page: the top bar with the wordmark, the alerts, the
//! navigation, the signed-in person and the sign-out button; and under it
//! the banner of an urgent alert waiting for an acknowledgement.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};
use uuid::Uuid;

use crate::components::app_status::AppStatus;
use crate::components::live_alerts::{AlertsLink, LiveAlerts, UrgentBanner};
use crate::components::loading::Loading;
use crate::session::{SessionState, use_session};
use crate::split::PageLoads;

/// Sections of the product still to be built.
///
/// Each gets its entry in [`nav_links`] when its page exists; until then the
/// navigation shows no link to it — no placeholder pages. None is left.
pub const PLANNED_SECTIONS: [&str; 0] = [];

/// One entry of the navigation.
struct NavLink {
    href: String,
    label: &'static str,
    exact: bool,
}

/// The pages the signed-in person can use, in order.
fn nav_links(is_network_admin: bool, organization: Option<Uuid>) -> Vec<NavLink> {
    let link = |href: String, label, exact| NavLink { href, label, exact };
    // Supplies sit under Lending's tabs, the audit log under the
    // organization's, and the profile behind the person's name.
    let mut links = vec![
        link("/".into(), "Home", true),
        link("/triage".into(), "Triage", false),
        link("/directory".into(), "Directory", false),
        link("/referrals".into(), "Referrals", false),
        link("/lending".into(), "Lending", false),
        link("/library".into(), "Library", false),
        link("/volunteer".into(), "Volunteering", false),
        link("/specialists".into(), "Specialists", false),
    ];
    if is_network_admin || organization.is_some() {
        links.push(link("/dashboard".into(), "Dashboard", false));
    }
    if is_network_admin {
        links.push(link("/vetting".into(), "Vetting", false));
    }
    if let Some(id) = organization {
        links.push(link(format!("/organizations/{id}"), "Organization", false));
    }
    links
}

/// The organization in the current path (`/organizations/{id}/…`), if any.
fn organization_in_path(path: &str) -> Option<Uuid> {
    path.strip_prefix("/organizations/")
        .and_then(|rest| rest.split('/').next())
        .and_then(|id| Uuid::parse_str(id).ok())
}

/// The top bar and the page's main region; provides the [`LiveAlerts`]
/// every page shares.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let session = use_session();
    LiveAlerts::provide();
    let signed_in = Memo::new(move |_| session.state() == SessionState::SignedIn);
    let loads = PageLoads::get();
    view! {
        <a class="skip-link" href="#main">
            "Skip to content"
        </a>
        <TopBar/>
        <AppStatus/>
        <Show when=move || signed_in.get()>
            <UrgentBanner/>
        </Show>
        <main
            id="main"
            class="container"
            tabindex="-1"
            aria-busy=move || loads.is_some_and(PageLoads::busy).to_string()
        >
            <Show when=move || loads.is_some_and(PageLoads::routing)>
                <div class="route-progress" aria-hidden="true"></div>
            </Show>
            <Show when=move || loads.is_some_and(PageLoads::opening)>
                <Loading label="Loading the page…"/>
            </Show>
            {children()}
        </main>
    }
}

/// The wordmark, navigation and account controls.
#[component]
fn TopBar() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let menu_open = RwSignal::new(false);
    // Close the phone menu after every navigation.
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });
    let signed_in = Memo::new(move |_| session.state() == SessionState::SignedIn);

    view! {
        <header class="topbar">
            <div class="topbar-inner">
                <A href="/" exact=true>
                    <span class="wordmark">"Warren"</span>
                </A>
                <Show when=move || signed_in.get()>
                    <AlertsLink/>
                </Show>
                <Show when=move || signed_in.get()>
                    <button
                        type="button"
                        class="menu-toggle"
                        aria-controls="primary-nav"
                        aria-expanded=move || menu_open.get().to_string()
                        on:click=move |_| menu_open.update(|open| *open = !*open)
                    >
                        "Menu"
                    </button>
                </Show>
                <Show when=move || signed_in.get()>
                    <Navigation open=menu_open.read_only()/>
                </Show>
            </div>
        </header>
    }
}

/// The navigation links, the organization switcher and the account controls.
#[component]
fn Navigation(open: ReadSignal<bool>) -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let navigate = use_navigate();
    let administered = Memo::new(move |_| session.administered());
    // The person's own organization being looked at, else the first one
    // they administer. Only their own: a coordinator looks at every
    // member's page, and the "Organization" link must still lead home to
    // the coordination office rather than to the member seen last.
    let current_organization = Memo::new(move |_| {
        let administered = administered.get();
        organization_in_path(&location.pathname.get())
            .filter(|id| administered.iter().any(|m| m.organization.id == *id))
            .or_else(|| administered.first().map(|m| m.organization.id))
    });
    let links = move || {
        nav_links(session.is_network_admin(), current_organization.get())
            .into_iter()
            .map(|link| {
                view! {
                    <li>
                        <A href=link.href exact=link.exact>
                            {link.label}
                        </A>
                    </li>
                }
            })
            .collect_view()
    };
    let switch_organization = move |event: leptos::ev::Event| {
        let id = event_target_value(&event);
        navigate(&format!("/organizations/{id}"), NavigateOptions::default());
    };
    let sign_out = move |_| {
        spawn_local(async move {
            session.sign_out().await;
        });
    };
    let name = move || {
        session
            .me()
            .and_then(|me| me.user)
            .map(|user| user.name)
            .unwrap_or_default()
    };

    view! {
        <nav
            id="primary-nav"
            class="primary-nav"
            class:open=move || open.get()
            aria-label="Main"
        >
            <ul class="nav-links">{links}</ul>
            <Show when=move || { administered.with(|administered| administered.len() > 1) }>
                <div class="org-switcher">
                    <label for="org-switcher">"Organization"</label>
                    <select id="org-switcher" on:change=switch_organization.clone()>
                        {move || {
                            administered
                                .get()
                                .into_iter()
                                .map(|membership| {
                                    let id = membership.organization.id;
                                    view! {
                                        <option
                                            value=id.to_string()
                                            prop:selected=move || current_organization.get() == Some(id)
                                        >
                                            {membership.organization.name}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
            </Show>
            <div class="account">
                <a class="account-name" href="/profile" data-testid="user-name" title=move || format!("{}: your profile", name())>
                    {name}
                </a>
                <button type="button" id="sign-out" class="button secondary small" on:click=sign_out>
                    "Sign out"
                </button>
            </div>
        </nav>
    }
}

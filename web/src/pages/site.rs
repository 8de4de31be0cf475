//! `/sites/:id`: one site of the directory — whether it takes cases now, its
//! week of hours, what it can do and for which animals, how to reach it and
//! who covers it after hours; its capacity (declared in one click by its
//! staff), how far the listing can be trusted (assured by a coordinator),
//! every change made to it, and for its organization the way to its
//! on-call rota.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;
use warren_client::ClientError;
use warren_domain::directory::{CapacityLevel, DEFAULT_CAPACITY_MINUTES, Limitations};
use warren_wire::{HistoryQuery, SetCapacityRequest, Site, SiteChange, SiteHistory, TermRef};

use crate::components::{
    AvailabilityBadge, CallLink, CapacityBadge, ErrorAlert, Loaded, Loading, RequireSignIn,
    SuccessNotice, VerifiedBadge, WeekHours, error_of,
};
use crate::local_time;
use crate::pages::{NotFoundPage, route_id};
use crate::session::use_session;

/// Changes per page of the history.
const HISTORY_PAGE_SIZE: u32 = 20;

/// How long a capacity declaration may hold, in minutes, with its label.
pub(crate) const CAPACITY_EXPIRIES: [(u32, &str); 4] = [
    (60, "1 hour"),
    (4 * 60, "4 hours"),
    (DEFAULT_CAPACITY_MINUTES, "12 hours"),
    (24 * 60, "24 hours"),
];

/// The site page.
#[component]
pub fn SitePage() -> impl IntoView {
    let id = route_id();
    view! {
        <RequireSignIn>
            {move || match id.get() {
                Some(id) => view! { <SiteView id/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </RequireSignIn>
    }
}

#[component]
fn SiteView(id: Uuid) -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let notice = RwSignal::new(
        query
            .with_untracked(|query| query.get_str("saved").is_some())
            .then(|| "The listing is saved.".to_owned()),
    );
    // Outside the details, so a reload keeps the expiry last chosen.
    let expiry = RwSignal::new(DEFAULT_CAPACITY_MINUTES);
    let site = LocalResource::new(move || async move { session.api().site(id).await });
    let reload = Callback::new(move |()| site.refetch());
    view! {
        <SuccessNotice message=notice/>
        <Loaded resource=site label="Loading the site…" let:site>
            <SiteDetails site=site.value notice expiry reload/>
        </Loaded>
    }
}

/// Everything about the site, in cards.
#[component]
fn SiteDetails(
    site: Site,
    notice: RwSignal<Option<String>>,
    expiry: RwSignal<u32>,
    reload: Callback<()>,
) -> impl IntoView {
    let listing = &site.listing;
    let id = listing.id;
    let now = local_time::now();
    let today = listing.week.first().map(|day| day.date);
    let call = site
        .referral_contact
        .as_ref()
        .map(|contact| contact.phone.to_string())
        .or_else(|| site.private_phone.clone())
        .or_else(|| listing.public_phone.clone());
    let cover = listing.after_hours_cover.clone();
    // Who is on call is the organization's business: its members read it.
    let session = use_session();
    let organization = listing.organization_id;
    let reads_rota = untrack(|| {
        session.is_network_admin()
            || session
                .memberships()
                .iter()
                .any(|membership| membership.organization.id == organization)
    });
    view! {
        <header class="page-header with-actions">
            <div>
                <p class="eyebrow">
                    <a href=format!("/organizations/{}", listing.organization_id) data-testid="organization-name">
                        {listing.organization_name.clone()}
                    </a>
                    <span>"· " {listing.organization_kind.label()}</span>
                </p>
                <h1 data-testid="site-name">{listing.name.clone()}</h1>
                <p class="lead">{format!("{}, {} {}", listing.address, listing.town, listing.postcode)}</p>
            </div>
            <div class="button-row">
                <a class="button secondary" href="/directory">
                    "Back to search"
                </a>
                {reads_rota
                    .then(|| {
                        view! {
                            <a class="button secondary" id="on-call-rota" href=format!("/sites/{id}/on-call")>
                                "On-call rota"
                            </a>
                        }
                    })}
                {site
                    .editable
                    .then(|| {
                        view! {
                            <a class="button secondary" id="triage-variant" href=format!("/sites/{id}/triage-variant")>
                                "Triage kit"
                            </a>
                            <a class="button primary" id="edit-site" href=format!("/sites/{id}/edit")>
                                "Edit listing"
                            </a>
                        }
                    })}
            </div>
        </header>
        <div class="site-layout">
            <section class="card now-card" aria-labelledby="now-heading">
                <h2 id="now-heading">"Right now"</h2>
                <AvailabilityBadge availability=listing.availability.clone() at=now/>
                {call.map(|phone| view! { <CallLink phone/> })}
                {cover
                    .map(|cover| {
                        view! {
                            <div class="cover" data-testid="after-hours-cover">
                                <h3>"After hours"</h3>
                                <p>
                                    {match cover.site_id {
                                        Some(site_id) => {
                                            view! { <a href=format!("/sites/{site_id}")>{cover.name}</a> }.into_any()
                                        }
                                        None => view! { <strong>{cover.name}</strong> }.into_any(),
                                    }}
                                    " takes cases while this site is closed."
                                </p>
                                {cover
                                    .phone
                                    .map(|phone| view! { <CallLink phone label="Call cover"/> })}
                            </div>
                        }
                    })}
            </section>
            <CapacityCard site=site.clone() notice expiry reload/>
            <section class="card" aria-labelledby="hours-heading">
                <h2 id="hours-heading">"Opening hours"</h2>
                {if listing.week.is_empty() {
                    view! { <p class="empty">"No opening hours published — call before sending an animal."</p> }
                        .into_any()
                } else {
                    view! { <WeekHours week=listing.week.clone() today=today.unwrap_or_default()/> }.into_any()
                }}
                {listing
                    .opening_hours
                    .clone()
                    .map(|hours| {
                        view! {
                            <p class="muted small">
                                "As published: " <code>{hours}</code> " (" {listing.timezone.clone()} ")"
                            </p>
                        }
                    })}
            </section>
            <section class="card" aria-labelledby="services-heading">
                <h2 id="services-heading">"Services"</h2>
                <h3>"Can do"</h3>
                <TermList terms=listing.capabilities.clone() empty="No capabilities listed." testid="capabilities"/>
                <h3>"Accepts"</h3>
                <TermList terms=listing.species.clone() empty="No species listed." testid="species"/>
                <h3>"Limitations"</h3>
                <LimitationList limitations=listing.limitations.clone()/>
            </section>
            <section class="card" aria-labelledby="contacts-heading">
                <h2 id="contacts-heading">"Contacts"</h2>
                <dl class="facts">
                    <dt>"Public phone"</dt>
                    <dd>{phone_link(listing.public_phone.clone())}</dd>
                    <dt>"Network line"</dt>
                    <dd>{phone_link(site.private_phone.clone())}</dd>
                    <dt>"Public e-mail"</dt>
                    <dd>
                        {match listing.public_email.clone() {
                            Some(email) => {
                                let href = format!("mailto:{email}");
                                view! { <a href=href>{email}</a> }.into_any()
                            }
                            None => view! { <span class="muted">"—"</span> }.into_any(),
                        }}
                    </dd>
                    <dt>"Referrals"</dt>
                    <dd data-testid="referral-contact">
                        {match site.referral_contact.clone() {
                            Some(contact) => {
                                view! {
                                    <strong>{contact.name.to_string()}</strong>
                                    <br/>
                                    {phone_link(Some(contact.phone.to_string()))}
                                    {contact
                                        .email
                                        .map(|email| {
                                            let email = email.to_string();
                                            view! {
                                                <br/>
                                                <a href=format!("mailto:{email}")>{email.clone()}</a>
                                            }
                                        })}
                                }
                                    .into_any()
                            }
                            None => view! { <span class="muted">"—"</span> }.into_any(),
                        }}
                    </dd>
                </dl>
                <p class="muted small">"The network line and referral contact are for members of the network only."</p>
            </section>
            <AccuracyCard site=site.clone() notice reload/>
        </div>
        <History id/>
    }
}

/// A phone number as a `tel:` link, or a dash.
fn phone_link(phone: Option<String>) -> AnyView {
    match phone {
        Some(phone) => {
            let dial: String = phone
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect();
            view! { <a href=format!("tel:{dial}")>{phone}</a> }.into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

/// Terms as a list of tags.
#[component]
fn TermList(terms: Vec<TermRef>, empty: &'static str, testid: &'static str) -> impl IntoView {
    if terms.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    view! {
        <ul class="tags" data-testid=testid>
            {terms
                .into_iter()
                .map(|term| view! { <li data-code=term.code>{term.label}</li> })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// Structured limitations and the free-text notes.
#[component]
fn LimitationList(limitations: Limitations) -> impl IntoView {
    let mut items = Vec::new();
    if let Some(grams) = limitations.max_weight_grams {
        items.push(if grams >= 1000 {
            format!("Patients up to {} kg", f64::from(grams) / 1000.0)
        } else {
            format!("Patients up to {grams} g")
        });
    }
    if limitations.no_wildlife {
        items.push("No wildlife".to_owned());
    }
    if limitations.referral_only {
        items.push("Referral only — from another clinic".to_owned());
    }
    if limitations.deposit_required {
        items.push("The owner pays a deposit before treatment".to_owned());
    }
    let notes = limitations.notes.map(|notes| notes.to_string());
    if items.is_empty() && notes.is_none() {
        return view! { <p class="empty">"None listed."</p> }.into_any();
    }
    view! {
        <ul class="limitations" data-testid="limitations">
            {items.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}
        </ul>
        {notes.map(|notes| view! { <p class="notes">{notes}</p> })}
    }
    .into_any()
}

/// The declared capacity and, for the site's staff, one button per level.
#[component]
fn CapacityCard(
    site: Site,
    notice: RwSignal<Option<String>>,
    /// Minutes the next declaration holds.
    expiry: RwSignal<u32>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let id = site.listing.id;
    let capacity = site.listing.capacity.clone();
    let declare = Action::new_local(move |level: &CapacityLevel| {
        let request = SetCapacityRequest {
            status: *level,
            expires_in_minutes: Some(expiry.get_untracked()),
        };
        {
            let request = request.clone();
            async move { session.api().set_capacity(id, &request).await }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(updated)) = declare.value().get() {
            let capacity = updated.value.listing.capacity;
            let until = capacity
                .expires_at
                .map(|at| format!(" until {}", local_time::date_time(at)))
                .unwrap_or_default();
            notice.set(Some(format!(
                "Capacity set to {}{until}.",
                capacity_word(capacity.status)
            )));
            reload.run(());
        }
    });
    let pending = declare.pending();
    let error = Signal::derive(move || error_of(declare.value().get()));
    let status = capacity.status;
    let button = move |level: CapacityLevel, word: &'static str, detail: &'static str| {
        let current = status_of(level) == status;
        view! {
            <button
                type="button"
                id=format!("capacity-{}", level.as_str())
                class=format!("capacity-button capacity-{}", level.as_str())
                aria-pressed=current.to_string()
                disabled=move || pending.get()
                on:click=move |_| {
                    declare.dispatch(level);
                }
            >
                <span class="capacity-word">{word}</span>
                <span class="capacity-detail">{detail}</span>
            </button>
        }
    };
    view! {
        <section class="card capacity-card" aria-labelledby="capacity-heading" data-testid="capacity-card">
            <h2 id="capacity-heading">"Capacity"</h2>
            <p class="capacity-now">
                <CapacityBadge status/>
            </p>
            <p class="muted small">
                {match (capacity.declared_at, site.capacity_declared_by.clone()) {
                    (Some(at), Some(by)) => format!("Declared by {by}, {}.", local_time::date_time(at)),
                    (Some(at), None) => format!("Declared {}.", local_time::date_time(at)),
                    _ => "Not declared yet.".to_owned(),
                }}
                {capacity
                    .expires_at
                    .filter(|_| status != warren_domain::directory::CapacityStatus::Unknown)
                    .map(|at| format!(" Holds until {}.", local_time::date_time(at)))}
            </p>
            {site
                .editable
                .then(|| {
                    view! {
                        <div class="field">
                            <label for="capacity-expiry">"Holds for"</label>
                            <select
                                id="capacity-expiry"
                                on:change=move |event| {
                                    if let Ok(minutes) = event_target_value(&event).parse() {
                                        expiry.set(minutes);
                                    }
                                }
                            >
                                {CAPACITY_EXPIRIES
                                    .into_iter()
                                    .map(|(minutes, label)| {
                                        view! {
                                            <option value=minutes.to_string() prop:selected=move || expiry.get() == minutes>
                                                {label}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                        <div class="capacity-buttons" role="group" aria-label="Declare capacity">
                            {button(CapacityLevel::Normal, "Normal", "taking patients")}
                            {button(CapacityLevel::Full, "Full", "no space now")}
                            {button(CapacityLevel::Closed, "Closed", "not taking any")}
                        </div>
                        <ErrorAlert error/>
                    }
                })}
        </section>
    }
}

/// The capacity a declaration reads as while it holds.
fn status_of(level: CapacityLevel) -> warren_domain::directory::CapacityStatus {
    use warren_domain::directory::CapacityStatus;
    match level {
        CapacityLevel::Normal => CapacityStatus::Normal,
        CapacityLevel::Full => CapacityStatus::Full,
        CapacityLevel::Closed => CapacityStatus::Closed,
    }
}

/// A capacity in words.
fn capacity_word(status: warren_domain::directory::CapacityStatus) -> &'static str {
    use warren_domain::directory::CapacityStatus;
    match status {
        CapacityStatus::Normal => "normal",
        CapacityStatus::Full => "full",
        CapacityStatus::Closed => "closed",
        CapacityStatus::Unknown => "unknown",
    }
}

/// Whether the listing can be trusted, and the coordinators' button to
/// assure it.
#[component]
fn AccuracyCard(
    site: Site,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let id = site.listing.id;
    let listing = &site.listing;
    let now = local_time::now();
    let overdue = listing.next_audit_due <= now;
    let never_assured = listing.assured_at.is_none();
    let assure = Action::new_local(move |()| async move { session.api().assure_site(id).await });
    Effect::new(move |_| {
        if let Some(Ok(_)) = assure.value().get() {
            notice.set(Some(
                "The listing is assured: verified until its next audit.".into(),
            ));
            reload.run(());
        }
    });
    let pending = assure.pending();
    let error = Signal::derive(move || error_of(assure.value().get()));
    view! {
        <section class="card" aria-labelledby="accuracy-heading" data-testid="accuracy-card">
            <h2 id="accuracy-heading">"Accuracy"</h2>
            <p>
                <VerifiedBadge
                    verified=listing.verified
                    assured_at=listing.assured_at
                    why=if listing.assured_at.is_none() { "never audited" } else { "audit overdue" }
                />
            </p>
            <dl class="facts">
                <dt>"Last verified"</dt>
                <dd>{listing.assured_at.map_or("Never".to_owned(), local_time::date)}</dd>
                <dt>"Verified by"</dt>
                <dd>{site.assured_by.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Next audit due"</dt>
                {if never_assured {
                    // A new listing has no audit to be late for: it waits for
                    // a coordinator's first assurance.
                    view! { <dd data-testid="next-audit">"Awaiting first assurance"</dd> }.into_any()
                } else {
                    view! {
                        <dd class:warning-text=overdue data-testid="next-audit">
                            {local_time::date(listing.next_audit_due)}
                            {overdue.then_some(" (overdue)")}
                        </dd>
                    }
                        .into_any()
                }}
                <dt>"Last changed"</dt>
                <dd>{local_time::date_time(listing.updated_at)}</dd>
            </dl>
            <Show when=move || session.is_network_admin()>
                <ErrorAlert error/>
                <button
                    type="button"
                    id="assure"
                    class="button primary"
                    disabled=move || pending.get()
                    on:click=move |_| {
                        assure.dispatch(());
                    }
                >
                    "Assure listing"
                </button>
                <p class="hint">"Only after checking every detail with the site."</p>
            </Show>
        </section>
    }
}

/// "opening_hours" → "Opening hours".
fn field_name(field: &str) -> String {
    let words = field.replace(['_', '.'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The listing's field-level changes, newest first, with "Older changes".
#[component]
fn History(id: Uuid) -> impl IntoView {
    let session = use_session();
    let changes = RwSignal::new(Vec::<SiteChange>::new());
    let next_cursor = RwSignal::new(None::<String>);
    let load = Action::new_local(move |cursor: &Option<String>| {
        let query = HistoryQuery {
            cursor: cursor.clone(),
            limit: Some(HISTORY_PAGE_SIZE),
        };
        let append = cursor.is_some();
        async move {
            let page: SiteHistory = session.api().site_history(id, &query).await?;
            next_cursor.set(page.next_cursor);
            if append {
                changes.update(|changes| changes.extend(page.items));
            } else {
                changes.set(page.items);
            }
            Ok::<_, ClientError>(())
        }
    });
    load.dispatch(None);
    let pending = load.pending();
    let error = Signal::derive(move || error_of(load.value().get()));
    view! {
        <section class="card" aria-labelledby="history-heading" data-testid="history">
            <h2 id="history-heading">"History"</h2>
            <ErrorAlert error/>
            <Show
                when=move || !changes.with(Vec::is_empty)
                fallback=move || {
                    view! {
                        <Show when=move || !pending.get() fallback=|| view! { <Loading label="Loading the history…"/> }>
                            <p class="empty">"No changes recorded yet."</p>
                        </Show>
                    }
                }
            >
                <div class="table-scroll" tabindex="0">
                    <table class="history-table">
                        <thead>
                            <tr>
                                <th scope="col">"When"</th>
                                <th scope="col">"Who"</th>
                                <th scope="col">"Field"</th>
                                <th scope="col">"Change"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || {
                                changes
                                    .get()
                                    .into_iter()
                                    .map(|change| {
                                        view! {
                                            <tr data-testid="history-row" data-field=change.field.clone()>
                                                <td class="nowrap">
                                                    <time datetime=change.at.to_rfc3339()>{local_time::date_time(change.at)}</time>
                                                </td>
                                                <td>{change.actor}</td>
                                                <td>{field_name(&change.field)}</td>
                                                <td class="change">
                                                    {change
                                                        .old
                                                        .map(|old| view! { <span class="old">{old}</span> " → " })}
                                                    <span class="new">{change.new.unwrap_or_else(|| "removed".into())}</span>
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </tbody>
                    </table>
                </div>
            </Show>
            <Show when=move || next_cursor.with(Option::is_some)>
                <div class="form-actions">
                    <button
                        type="button"
                        id="history-older"
                        class="button secondary"
                        disabled=move || pending.get()
                        on:click=move |_| {
                            load.dispatch(next_cursor.get_untracked());
                        }
                    >
                        "Older changes"
                    </button>
                </div>
            </Show>
        </section>
    }
}

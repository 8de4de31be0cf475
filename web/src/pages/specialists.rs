//! `/specialists`: find a specialist by species, discipline, words and
//! whether they accept consults now.
//!
//! The filters live in the URL query (`species`, `discipline`, `q`,
//! `accepting`) so a search can be bookmarked and shared. Each card shows
//! the person, their organization, disciplines, species, weekly consult
//! windows and whether they accept consults; consults are asked from a
//! referral's page.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use warren_domain::directory::taxonomy::Term;
use warren_wire::{ConsultSlot, Discipline, SpecialistProfile, SpecialistQuery};

use crate::components::{Loaded, RequireSignIn, SpeciesOptions, label_of, shared_term_labels};
use crate::local_time;
use crate::session::use_session;

/// The most results one search shows.
const RESULTS: u32 = 50;

/// The specialist search page.
#[component]
pub fn SpecialistsPage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <Specialists/>
        </RequireSignIn>
    }
}

/// Weekly windows as text: "Mon 09:00–12:00 · Tue 14:00–17:00".
pub fn availability_text(slots: &[ConsultSlot]) -> String {
    if slots.is_empty() {
        return "No weekly consult hours given".to_owned();
    }
    slots
        .iter()
        .map(|slot| format!("{} {}–{}", &slot.day.label()[..3], slot.from, slot.to))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The address of a search.
fn search_href(species: &str, discipline: &str, q: &str, accepting: bool) -> String {
    let mut pairs = Vec::new();
    for (name, value) in [
        ("species", species),
        ("discipline", discipline),
        ("q", q.trim()),
    ] {
        if !value.is_empty() {
            pairs.push(format!(
                "{name}={}",
                String::from(js_sys::encode_uri_component(value))
            ));
        }
    }
    if accepting {
        pairs.push("accepting=true".to_owned());
    }
    if pairs.is_empty() {
        "/specialists".into()
    } else {
        format!("/specialists?{}", pairs.join("&"))
    }
}

#[component]
fn Specialists() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let navigate = StoredValue::new_local(use_navigate());
    let current = Memo::new(move |_| {
        query.with(|query| {
            (
                query.get("species").unwrap_or_default(),
                query.get("discipline").unwrap_or_default(),
                query.get("q").unwrap_or_default(),
                query.get("accepting").as_deref() == Some("true"),
            )
        })
    });
    let species = RwSignal::new(String::new());
    let discipline = RwSignal::new(String::new());
    let words = RwSignal::new(String::new());
    let accepting = RwSignal::new(false);
    Effect::new(move |_| {
        let (s, d, q, a) = current.get();
        species.set(s);
        discipline.set(d);
        words.set(q);
        accepting.set(a);
    });
    let terms = LocalResource::new(move || async move {
        session
            .api()
            .taxonomy()
            .await
            .map(|list| list.items)
            .unwrap_or_default()
    });
    let labels = StoredValue::new_local(shared_term_labels(session));
    let results = LocalResource::new(move || {
        let (s, d, q, a) = current.get();
        let labels = labels.get_value();
        async move {
            let query = SpecialistQuery {
                species: (!s.is_empty()).then_some(s),
                discipline: Discipline::parse(&d),
                q: (!q.trim().is_empty()).then_some(q),
                accepting: a.then_some(true),
                limit: Some(RESULTS),
                ..SpecialistQuery::default()
            };
            let (page, labels) =
                futures_util::future::join(session.api().search_specialists(&query), labels).await;
            page.map(|page| (page.items, labels))
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let href = search_href(
            &species.get_untracked(),
            &discipline.get_untracked(),
            &words.get_untracked(),
            accepting.get_untracked(),
        );
        navigate.with_value(|navigate| navigate(&href, NavigateOptions::default()));
    };

    view! {
        <header class="page-header with-actions">
            <div>
                <h1>"Specialists"</h1>
                <p class="lead">
                    "Clinicians across the network who take consults: anaesthesia, dentistry, imaging, surgery, behaviour and rehabilitation. Ask one from a referral's page."
                </p>
            </div>
            <div class="button-row">
                <a class="button" href="/consults" data-testid="my-consults">"Consults asked of me"</a>
                <a class="button primary" href="/profile/specialist" data-testid="my-specialist-profile">
                    "My specialist profile"
                </a>
            </div>
        </header>
        <form class="card library-search" role="search" on:submit=submit data-testid="specialist-search">
            <div class="field library-words">
                <label for="specialist-q">"Words"</label>
                <input
                    id="specialist-q"
                    name="q"
                    type="search"
                    placeholder="e.g. malocclusion, capnography, hedgehog"
                    autocomplete="off"
                    bind:value=words
                />
            </div>
            <div class="library-filters">
                <div class="field">
                    <label for="specialist-species">"Species"</label>
                    <select
                        id="specialist-species"
                        on:change=move |event| species.set(event_target_value(&event))
                    >
                        <option value="" prop:selected=move || species.with(String::is_empty)>
                            "Any species"
                        </option>
                        {move || {
                            terms
                                .get()
                                .map(|terms: Vec<Term>| view! { <SpeciesOptions terms chosen=species/> })
                        }}
                    </select>
                </div>
                <div class="field">
                    <label for="specialist-discipline">"Discipline"</label>
                    <select
                        id="specialist-discipline"
                        on:change=move |event| discipline.set(event_target_value(&event))
                    >
                        <option value="" prop:selected=move || discipline.with(String::is_empty)>
                            "Any discipline"
                        </option>
                        {Discipline::ALL
                            .iter()
                            .map(|option| {
                                let code = option.as_str();
                                view! {
                                    <option value=code prop:selected=move || discipline.with(|d| d == code)>
                                        {option.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field library-submit">
                    <button type="submit" class="button primary" data-testid="specialist-search-submit">
                        "Search"
                    </button>
                </div>
            </div>
            <div class="checkboxes">
                <div class="checkbox">
                    <input id="specialist-accepting" type="checkbox" bind:checked=accepting/>
                    <label for="specialist-accepting">"Only those accepting consults now"</label>
                </div>
            </div>
        </form>
        <Loaded resource=results label="Finding specialists…" let:found>
            {
                let (items, labels) = found;
                view! { <Results items labels/> }
            }
        </Loaded>
    }
}

#[component]
fn Results(items: Vec<SpecialistProfile>, labels: BTreeMap<String, String>) -> impl IntoView {
    if items.is_empty() {
        return view! {
            <p class="empty" data-testid="specialists-empty">
                "No specialists match. Try another species or discipline."
            </p>
        }
        .into_any();
    }
    view! {
        <ul class="article-list" data-testid="specialist-results">
            {items
                .into_iter()
                .map(|profile| view! { <SpecialistCard profile labels=labels.clone()/> })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// Whether a specialist takes consults now, read with their consult hours:
/// "Accepting consults until 17:00", "Not accepting now · next Mon 09:00",
/// or "Not accepting consults now" when their switch is off. The times are
/// the reader's local time.
#[component]
pub fn AcceptingBadge(profile: SpecialistProfile) -> impl IntoView {
    if profile.accepting_now {
        let until = profile
            .accepting_until
            .map(|until| format!(" until {}", local_time::soon(until, local_time::now())))
            .unwrap_or_default();
        view! {
            <span class="badge badge-vetted badge-wraps" data-testid="accepting" data-accepting="true">
                "Accepting consults" {until}
            </span>
        }
        .into_any()
    } else {
        let next = profile
            .next_accepting_at
            .map(|next| format!(" · next {}", local_time::weekday_time(next)))
            .unwrap_or_default();
        view! {
            <span class="badge badge-muted badge-wraps" data-testid="not-accepting" data-accepting="false">
                "Not accepting consults now" {next}
            </span>
        }
        .into_any()
    }
}

/// One specialist as a card.
#[component]
pub fn SpecialistCard(
    profile: SpecialistProfile,
    labels: BTreeMap<String, String>,
) -> impl IntoView {
    let species: Vec<String> = profile
        .species
        .iter()
        .map(|code| label_of(&labels, code))
        .collect();
    view! {
        <li class="card article-card specialist-card" data-testid="specialist-card" data-user-id=profile.user_id.to_string()>
            <div class="badges">
                <AcceptingBadge profile=profile.clone()/>
                {profile
                    .disciplines
                    .iter()
                    .map(|discipline| view! { <span class="badge discipline-badge">{discipline.label()}</span> })
                    .collect_view()}
            </div>
            <h2 class="article-card-title" data-testid="specialist-name">{profile.name.clone()}</h2>
            <p class="muted small">{profile.organization_name.clone()}</p>
            {profile.summary.clone().map(|summary| view! { <p class="article-snippet">{summary}</p> })}
            <p class="small specialist-hours">
                <strong>"Consult hours: "</strong>
                {availability_text(&profile.availability)}
                {profile
                    .timezone
                    .clone()
                    .filter(|_| !profile.availability.is_empty())
                    .map(|zone| view! { <span class="muted">" (" {zone} " time)"</span> })}
            </p>
            {profile.rotation_note.clone().map(|note| view! { <p class="muted small">{note}</p> })}
            <ul class="article-tags" aria-label="Species">
                {species
                    .into_iter()
                    .map(|label| view! { <li class="article-tag species">{label}</li> })
                    .collect_view()}
            </ul>
        </li>
    }
}

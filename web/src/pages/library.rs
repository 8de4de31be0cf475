//! `/library`: the knowledge library — search by words, narrow by kind and
//! species, read the passage that matched.
//!
//! The words, kind and species live in the URL query (`q`, `kind`,
//! `species`) so a search can be bookmarked and shared; results come best
//! match first for words, most recently changed first otherwise. Each
//! result shows its kind as a badge, who wrote it, its species and topics,
//! and the snippet with the matched words marked (text, never HTML).

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use warren_domain::directory::taxonomy::Term;
use warren_wire::{ArticleHit, ArticleKind, ArticleQuery, Visibility};

use crate::components::{Loaded, RequireSignIn, SpeciesOptions, label_of, shared_term_labels};
use crate::local_time;
use crate::session::use_session;

/// The most results one search shows.
const RESULTS: u32 = 50;

/// The library's search page.
#[component]
pub fn LibraryPage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <Library/>
        </RequireSignIn>
    }
}

/// Whether the signed-in person writes articles for some organization: an
/// admin, clinician or staff member of one.
pub fn writes_articles(memberships: &[warren_wire::MyMembership]) -> bool {
    memberships
        .iter()
        .any(|membership| !matches!(membership.role, warren_domain::Role::Volunteer))
}

/// The address of a search.
fn search_href(q: &str, kind: &str, species: &str) -> String {
    let mut pairs = Vec::new();
    for (name, value) in [("q", q.trim()), ("kind", kind), ("species", species)] {
        if !value.is_empty() {
            pairs.push(format!(
                "{name}={}",
                String::from(js_sys::encode_uri_component(value))
            ));
        }
    }
    if pairs.is_empty() {
        "/library".into()
    } else {
        format!("/library?{}", pairs.join("&"))
    }
}

#[component]
fn Library() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let navigate = StoredValue::new_local(use_navigate());
    let current = Memo::new(move |_| {
        query.with(|query| {
            (
                query.get("q").unwrap_or_default(),
                query.get("kind").unwrap_or_default(),
                query.get("species").unwrap_or_default(),
            )
        })
    });
    let words = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let species = RwSignal::new(String::new());
    // The form follows the address (back and forward, shared links).
    Effect::new(move |_| {
        let (q, k, s) = current.get();
        words.set(q);
        kind.set(k);
        species.set(s);
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
        let (q, k, s) = current.get();
        let labels = labels.get_value();
        async move {
            let query = ArticleQuery {
                q: (!q.trim().is_empty()).then_some(q),
                kind: ArticleKind::parse(&k),
                species: (!s.is_empty()).then_some(s),
                limit: Some(RESULTS),
                ..ArticleQuery::default()
            };
            let (page, labels) =
                futures_util::future::join(session.api().search_articles(&query), labels).await;
            page.map(|page| (page.items, labels))
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let href = search_href(
            &words.get_untracked(),
            &kind.get_untracked(),
            &species.get_untracked(),
        );
        navigate.with_value(|navigate| navigate(&href, NavigateOptions::default()));
    };
    let may_write = Memo::new(move |_| writes_articles(&session.memberships()));

    view! {
        <header class="page-header with-actions">
            <div>
                <h1>"Library"</h1>
                <p class="lead">
                    "Protocols, case write-ups, enrichment and rehabilitation templates, reintroduction criteria and owner guidance from across the network."
                </p>
            </div>
            <Show when=move || may_write.get()>
                <div class="button-row">
                    <a class="button primary" href="/library/new" data-testid="new-article">
                        "New article"
                    </a>
                </div>
            </Show>
        </header>
        <form class="card library-search" role="search" on:submit=submit>
            <div class="field library-words">
                <label for="library-q">"Search"</label>
                <input
                    id="library-q"
                    name="q"
                    type="search"
                    placeholder="e.g. degu enrichment, GI stasis, release weight"
                    autocomplete="off"
                    bind:value=words
                />
            </div>
            <div class="library-filters">
                <div class="field">
                    <label for="library-kind">"Kind"</label>
                    <select
                        id="library-kind"
                        on:change=move |event| kind.set(event_target_value(&event))
                    >
                        <option value="" prop:selected=move || kind.with(String::is_empty)>
                            "Any kind"
                        </option>
                        {ArticleKind::ALL
                            .iter()
                            .map(|option| {
                                let code = option.as_str();
                                view! {
                                    <option value=code prop:selected=move || kind.with(|kind| kind == code)>
                                        {option.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="library-species">"Species"</label>
                    <select
                        id="library-species"
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
                <div class="field library-submit">
                    <button type="submit" class="button primary" data-testid="library-search">
                        "Search"
                    </button>
                </div>
            </div>
        </form>
        <Loaded resource=results label="Searching the library…" let:found>
            {
                let (items, labels) = found;
                view! { <Results items labels/> }
            }
        </Loaded>
    }
}

/// The results, or a sentence saying there are none.
#[component]
fn Results(items: Vec<ArticleHit>, labels: BTreeMap<String, String>) -> impl IntoView {
    if items.is_empty() {
        return view! {
            <p class="empty" data-testid="library-empty">
                "No articles match. Try fewer words or another species."
            </p>
        }
        .into_any();
    }
    let count = items.len();
    view! {
        <p class="muted small" data-testid="library-count">
            {if count == 1 { "1 article".to_owned() } else { format!("{count} articles") }}
        </p>
        <ul class="article-list" data-testid="library-results">
            {items
                .into_iter()
                .map(|hit| {
                    let species: Vec<String> = hit
                        .species
                        .iter()
                        .map(|code| label_of(&labels, code))
                        .collect();
                    view! { <ArticleCard hit species/> }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// An article's kind as a badge.
#[component]
pub fn KindBadge(kind: ArticleKind) -> impl IntoView {
    view! {
        <span class=format!("badge kind-badge kind-{}", kind.as_str()) data-kind=kind.as_str()>
            {kind.label()}
        </span>
    }
}

/// One result.
#[component]
fn ArticleCard(hit: ArticleHit, species: Vec<String>) -> impl IntoView {
    let href = format!("/library/{}", hit.id);
    let private = hit.visibility == Visibility::Organization;
    let snippet = if hit.snippet.is_empty() {
        hit.summary
            .clone()
            .map(|summary| view! { <p class="article-snippet">{summary}</p> }.into_any())
    } else {
        Some(
            view! {
                <p class="article-snippet" data-testid="article-snippet">
                    {hit
                        .snippet
                        .into_iter()
                        .map(|part| {
                            if part.highlight {
                                view! { <mark>{part.text}</mark> }.into_any()
                            } else {
                                part.text.into_any()
                            }
                        })
                        .collect_view()}
                </p>
            }
            .into_any(),
        )
    };
    view! {
        <li class="card article-card" data-testid="article-card" data-article-id=hit.id.to_string() data-kind=hit.kind.as_str()>
            <div class="badges">
                <KindBadge kind=hit.kind/>
                {private.then(|| view! { <span class="badge badge-muted">"Organization only"</span> })}
            </div>
            <h2 class="article-card-title">
                <a href=href data-testid="article-link">{hit.title}</a>
            </h2>
            {snippet}
            <p class="muted small article-meta">
                {format!(
                    "{} · updated {} by {}",
                    hit.organization_name,
                    local_time::date_time(hit.updated_at),
                    hit.updated_by,
                )}
            </p>
            <TagList species topics=hit.topics/>
        </li>
    }
}

/// Species and topics as small tags.
#[component]
pub fn TagList(species: Vec<String>, topics: Vec<String>) -> impl IntoView {
    if species.is_empty() && topics.is_empty() {
        return ().into_any();
    }
    view! {
        <ul class="article-tags" aria-label="Tags">
            {species
                .into_iter()
                .map(|label| view! { <li class="article-tag species">{label}</li> })
                .collect_view()}
            {topics
                .into_iter()
                .map(|topic| view! { <li class="article-tag">{format!("#{topic}")}</li> })
                .collect_view()}
        </ul>
    }
    .into_any()
}

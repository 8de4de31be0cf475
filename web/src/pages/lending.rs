//! `/lending`: the network's kit library, the equipment its members lend
//! each other (oxygen concentrators, incubators, monitors, ultrasound…).
//!
//! Search by category, by the species (and weight) the kit must suit, by a
//! window it must be free for, and near one of the organization's sites
//! (nearest first, with the distance). Only items that can be lent now are
//! listed: the server leaves out retired kit, kit in maintenance or needing
//! repair, and kit whose blocking maintenance plan is overdue. Each result
//! links to its item page, where it is requested.

use std::collections::BTreeMap;

use futures_util::FutureExt;
use leptos::prelude::*;
use uuid::Uuid;
use warren_domain::lending::ItemCategory;
use warren_wire::{CatalogEntry, CatalogParams};

use crate::components::{
    ActingOrganization, AwaitingVetting, ConditionBadge, FieldErrors, ItemStatusBadge, LendingTab,
    LendingTabs, Loaded, RequireSignIn, SpeciesOptions, acting_organizations, label_of, sites_of,
    suitability_text, vocabulary,
};
use crate::local_time;
use crate::session::use_session;

/// The catalog page.
/// The kit library's catalog.
///
/// Before the person's organization is vetted, the page says when lending
/// opens instead of showing the server's refusal.
#[component]
pub fn LendingPage() -> impl IntoView {
    let session = use_session();
    view! {
        <RequireSignIn>
            <Show
                when=move || session.in_network()
                fallback=|| {
                    view! {
                        <header class="page-header">
                            <h1>"Lending"</h1>
                            <p class="lead">"Borrow kit and supplies from other members of the network."</p>
                        </header>
                        <AwaitingVetting service="Lending"/>
                    }
                }
            >
                <Catalog/>
            </Show>
        </RequireSignIn>
    }
}

#[component]
fn Catalog() -> impl IntoView {
    let session = use_session();
    let choices = untrack(|| acting_organizations(session));
    let organization = RwSignal::new(choices.first().map(|(id, _)| *id));
    // The vocabulary, asked for once: for the species choices and for every search's labels.
    let vocabulary_once = StoredValue::new_local(vocabulary(session).boxed_local().shared());
    let terms = LocalResource::new(move || vocabulary_once.get_value());
    let sites = LocalResource::new(move || sites_of(session, organization.get()));

    let category = RwSignal::new(String::new());
    let species = RwSignal::new(String::new());
    let weight = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let near = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let search = RwSignal::new(CatalogParams::default());
    let searched = RwSignal::new(false);

    // Searches start near the organization's first site.
    Effect::new(move |_| {
        if let Some(sites) = sites.get()
            && let Some((first, _)) = sites.first()
            && near.with_untracked(String::is_empty)
        {
            near.set(first.to_string());
            if !searched.get_untracked() {
                search.update(|params| params.near_site_id = Some(*first));
            }
        }
    });

    // Each answer carries the labels of its suitability and the search it
    // answers, for `data-query`.
    let results = LocalResource::new(move || {
        let params = search.get();
        let terms = vocabulary_once.get_value();
        async move {
            let query = serde_json::to_string(&params).unwrap_or_default();
            let (terms, page) =
                futures_util::future::join(terms, session.api().catalog(&params)).await;
            let labels: BTreeMap<String, String> = terms
                .into_iter()
                .map(|term| (term.code.to_string(), term.label))
                .collect();
            page.map(|page| (page.items, labels, query))
        }
    });

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let text = |value: RwSignal<String>| {
            let text = value.get_untracked().trim().to_owned();
            (!text.is_empty()).then_some(text)
        };
        let weight_grams = match text(weight) {
            Some(grams) => match grams.parse::<u32>() {
                Ok(grams) if grams > 0 => Some(grams),
                _ => {
                    errors.add("weight_grams", "give the weight in whole grams");
                    None
                }
            },
            None => None,
        };
        let starts = text(from).map(|value| local_time::from_input(&value));
        let ends = text(to).map(|value| local_time::from_input(&value));
        let (starts, ends) = match (starts, ends) {
            (None, None) => (None, None),
            (Some(Some(starts)), Some(Some(ends))) if ends > starts => (Some(starts), Some(ends)),
            (Some(Some(_)), Some(Some(_))) => {
                errors.add("ends", "the window must end after it starts");
                (None, None)
            }
            _ => {
                errors.add("ends", "give both the start and the end, or neither");
                (None, None)
            }
        };
        if !errors.is_empty() {
            return;
        }
        searched.set(true);
        search.set(CatalogParams {
            category: text(category).and_then(|code| ItemCategory::parse(&code)),
            species: text(species),
            weight_grams,
            starts,
            ends,
            near_site_id: text(near).and_then(|id| Uuid::parse_str(&id).ok()),
        });
    };

    view! {
        <header class="page-header">
            <h1>"Lending"</h1>
            <p class="lead">"Borrow kit from the network — oxygen, monitoring, incubators — allocated by clinical need."</p>
        </header>
        <LendingTabs current=LendingTab::Catalog organization/>
        <ActingOrganization id="catalog-org" choices chosen=organization/>
        <form class="card search-form catalog-form" data-testid="catalog-form" novalidate on:submit=submit>
            <div class="search-grid catalog-grid">
                <div class="field">
                    <label for="category">"Category"</label>
                    <select id="category" on:change=move |event| category.set(event_target_value(&event))>
                        <option value="" prop:selected=move || category.with(String::is_empty)>"Any kind of kit"</option>
                        {ItemCategory::ALL
                            .iter()
                            .copied()
                            .map(|choice| {
                                view! {
                                    <option value=choice.as_str() prop:selected=move || category.get() == choice.as_str()>
                                        {choice.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="species">"Suitable for"</label>
                    <select id="species" on:change=move |event| species.set(event_target_value(&event))>
                        <option value="" prop:selected=move || species.with(String::is_empty)>"Any species"</option>
                        {move || terms.get().map(|terms| view! { <SpeciesOptions terms chosen=species/> })}
                    </select>
                </div>
                <div class="field">
                    <label for="weight">"Animal's weight (g)"</label>
                    <input id="weight" type="number" min="1" inputmode="numeric" bind:value=weight
                        aria-invalid=move || errors.of("weight_grams").get().is_some().then_some("true")/>
                    {move || errors.of("weight_grams").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                <div class="field">
                    <label for="near">"Near"</label>
                    <select id="near" on:change=move |event| near.set(event_target_value(&event))>
                        <option value="" prop:selected=move || near.with(String::is_empty)>"Anywhere (by name)"</option>
                        {move || {
                            sites
                                .get()
                                .unwrap_or_default()
                                .into_iter()
                                .map(|(id, name)| {
                                    let value = id.to_string();
                                    let selected = value.clone();
                                    view! {
                                        <option value=value prop:selected=move || near.get() == selected>{name}</option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <div class="field">
                    <label for="from">"Free from"</label>
                    <input id="from" type="datetime-local" bind:value=from/>
                </div>
                <div class="field">
                    <label for="to">"Until"</label>
                    <input id="to" type="datetime-local" bind:value=to
                        aria-invalid=move || errors.of("ends").get().is_some().then_some("true")/>
                    {move || errors.of("ends").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
            </div>
            <div class="search-actions">
                <button type="submit" id="catalog-search" class="button primary">"Search"</button>
            </div>
        </form>
        <Loaded resource=results label="Searching the kit library…" let:found>
            {
                let (items, labels, query) = found;
                view! { <Results items labels query/> }
            }
        </Loaded>
    }
}

/// The results of one search.
#[component]
fn Results(
    items: Vec<CatalogEntry>,
    labels: BTreeMap<String, String>,
    query: String,
) -> impl IntoView {
    let count = items.len();
    view! {
        <section class="catalog-results" data-testid="catalog-results" data-query=query aria-live="polite">
            <p class="result-summary" data-testid="catalog-count">
                {match count {
                    0 => "No kit matches — try fewer filters or another window.".to_owned(),
                    1 => "1 item can be lent.".to_owned(),
                    count => format!("{count} items can be lent."),
                }}
            </p>
            <ul class="kit-list">
                {items
                    .into_iter()
                    .map(|entry| {
                        let suits = suitability_text(&entry.item.suitability, |code| label_of(&labels, code));
                        view! { <KitCard entry suits/> }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// One item of the catalog.
#[component]
fn KitCard(entry: CatalogEntry, suits: String) -> impl IntoView {
    let item = entry.item;
    let href = format!("/lending/items/{}", item.id);
    let limits = item
        .suitability
        .limits
        .iter()
        .map(|limit| limit.as_str().to_owned())
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <li class="card kit-card" data-testid="catalog-item" data-item-id=item.id.to_string()>
            <div class="kit-card-main">
                <p class="eyebrow kit-category">{item.category.label()}</p>
                <h2 class="kit-name">
                    <a href=href.clone() data-testid="item-link">{item.name.clone()}</a>
                </h2>
                <p class="kit-owner">
                    <strong>{item.owner_name.clone()}</strong>
                    {format!(" · {}", item.home_site_name)}
                </p>
                <div class="badges">
                    <ItemStatusBadge status=item.status/>
                    <ConditionBadge condition=item.condition/>
                </div>
                <p class="small kit-suits">{format!("Suits: {suits}")}</p>
                {(!limits.is_empty()).then(|| view! { <p class="small muted">{limits}</p> })}
            </div>
            <div class="kit-card-side">
                {entry
                    .distance_km
                    .map(|km| view! { <p class="distance" data-testid="distance">{format!("{km:.1} km")}</p> })}
                <p class="small muted">{format!("Up to {} days", item.max_loan_days)}</p>
                <a class="button secondary small" href=href>"Open"</a>
            </div>
        </li>
    }
}

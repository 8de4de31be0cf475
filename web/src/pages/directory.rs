//! `/directory`: who can take this animal, now, near here.
//!
//! The search a receptionist runs under pressure: species, what the animal
//! needs, when, and how far — answered with one big availability badge per
//! site, the reasons it matched, and a button to call it.
//!
//! The filters live in the URL query (`species`, `capabilities`, `at`,
//! `open`, `accepting`, `near`, `lat`, `lon`, `radius_km`, `q`) so a search
//! can be reloaded, bookmarked and shared: submitting the form navigates to
//! the new query, and the results follow the URL. A first visit searches
//! with the defaults: open or covered now, accepting, near the person's
//! first site.

use chrono::{DateTime, SecondsFormat, Utc};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use uuid::Uuid;
use warren_client::ClientError;
use warren_wire::{SearchHit, SearchPage, SearchParams, Term};

use crate::components::{
    AwaitingVetting, ErrorAlert, HitCard, Loaded, RequireSignIn, SpeciesOptions, TermChips,
    capabilities, error_of,
};
use crate::local_time;
use crate::session::{Session, use_session};

/// The radius a search uses unless told otherwise.
const DEFAULT_RADIUS_KM: u32 = 50;
/// The radii offered.
const RADII_KM: [u32; 4] = [10, 30, 50, 100];
/// Results per page.
const PAGE_SIZE: u32 = 20;

/// The directory search.
#[component]
///
/// Before the person's organization is vetted, the page says when the
/// directory opens instead of showing the server's refusal.
pub fn DirectoryPage() -> impl IntoView {
    let session = use_session();
    view! {
        <RequireSignIn>
            <Show
                when=move || session.in_network()
                fallback=|| {
                    view! {
                        <header class="page-header">
                            <h1>"Directory"</h1>
                            <p class="lead">"Who can take this animal, now, near here."</p>
                        </header>
                        <AwaitingVetting service="The directory"/>
                    }
                }
            >
                <Directory/>
            </Show>
        </RequireSignIn>
    }
}

/// One of the signed-in person's own sites, to search near.
#[derive(Debug, Clone, PartialEq)]
struct OwnSite {
    id: Uuid,
    name: String,
    latitude: f64,
    longitude: f64,
}

/// Every site of every organization the person belongs to.
async fn own_sites(session: Session) -> Result<Vec<OwnSite>, ClientError> {
    let organizations: Vec<Uuid> = untrack(|| session.memberships())
        .into_iter()
        .map(|membership| membership.organization.id)
        .collect();
    let mut sites = Vec::new();
    for organization in organizations {
        let list = session.api().sites(organization).await?;
        sites.extend(list.items.into_iter().map(|site| OwnSite {
            id: site.listing.id,
            name: site.listing.name,
            latitude: site.listing.latitude,
            longitude: site.listing.longitude,
        }));
    }
    Ok(sites)
}

/// Where distance is measured from.
#[derive(Debug, Clone, PartialEq)]
enum Near {
    /// One of the person's own sites.
    Site(Uuid),
    /// A point from a shared link: latitude and longitude.
    Point(f64, f64),
    /// A town or postcode, found by the server's gazetteer.
    Place(String),
    /// Nowhere: distance is neither measured nor limited.
    Anywhere,
}

/// A search as the URL states it.
#[derive(Debug, Clone, PartialEq)]
struct Filters {
    species: String,
    capabilities: Vec<String>,
    at: Option<DateTime<Utc>>,
    open: bool,
    accepting: bool,
    near: Near,
    radius_km: Option<u32>,
    text: String,
}

impl Filters {
    /// Reads the URL query; what it does not say takes the defaults.
    fn from_query(query: &ParamsMap, own: &[OwnSite]) -> Self {
        let text = |key: &str| query.get(key).unwrap_or_default().trim().to_owned();
        let flag = |key: &str| query.get_str(key) != Some("false");
        let coordinate = |key: &str| {
            query
                .get_str(key)
                .and_then(|value| value.parse::<f64>().ok())
        };
        let point = coordinate("lat").zip(coordinate("lon"));
        let near = match query.get_str("near") {
            Some("anywhere") => Near::Anywhere,
            Some("place") if !text("place").is_empty() => Near::Place(text("place")),
            chosen => {
                let site = chosen
                    .and_then(|id| Uuid::parse_str(id).ok())
                    .filter(|id| own.iter().any(|site| site.id == *id));
                match (site, point) {
                    (Some(id), _) => Near::Site(id),
                    (None, Some((lat, lon))) => Near::Point(lat, lon),
                    (None, None) => own
                        .first()
                        .map_or(Near::Anywhere, |site| Near::Site(site.id)),
                }
            }
        };
        Self {
            species: text("species"),
            capabilities: text("capabilities")
                .split(',')
                .map(str::trim)
                .filter(|code| !code.is_empty())
                .map(str::to_owned)
                .collect(),
            at: query
                .get_str("at")
                .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
                .map(|at| at.to_utc()),
            open: flag("open"),
            accepting: flag("accepting"),
            near,
            radius_km: match query.get_str("radius_km") {
                Some("any") => None,
                Some(radius) => radius.parse().ok().or(Some(DEFAULT_RADIUS_KM)),
                None => Some(DEFAULT_RADIUS_KM),
            },
            text: text("q"),
        }
    }

    /// The point to measure from, as (latitude, longitude).
    fn point(&self, own: &[OwnSite]) -> Option<(f64, f64)> {
        match self.near {
            Near::Site(id) => own
                .iter()
                .find(|site| site.id == id)
                .map(|site| (site.latitude, site.longitude)),
            Near::Point(lat, lon) => Some((lat, lon)),
            Near::Place(_) | Near::Anywhere => None,
        }
    }

    /// The URL query stating this search, every filter spelled out.
    fn to_query(&self, own: &[OwnSite]) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.species.is_empty() {
            pairs.push(("species", self.species.clone()));
        }
        if !self.capabilities.is_empty() {
            pairs.push(("capabilities", self.capabilities.join(",")));
        }
        if let Some(at) = self.at {
            pairs.push(("at", at.to_rfc3339_opts(SecondsFormat::Secs, true)));
        }
        pairs.push(("open", self.open.to_string()));
        pairs.push(("accepting", self.accepting.to_string()));
        match &self.near {
            Near::Site(id) => pairs.push(("near", id.to_string())),
            Near::Point(..) => pairs.push(("near", "point".into())),
            Near::Place(place) => {
                pairs.push(("near", "place".into()));
                pairs.push(("place", place.clone()));
            }
            Near::Anywhere => pairs.push(("near", "anywhere".into())),
        }
        if let Some((lat, lon)) = self.point(own) {
            pairs.push(("lat", lat.to_string()));
            pairs.push(("lon", lon.to_string()));
        }
        pairs.push((
            "radius_km",
            self.radius_km
                .map_or("any".into(), |radius| radius.to_string()),
        ));
        if !self.text.is_empty() {
            pairs.push(("q", self.text.clone()));
        }
        pairs
            .into_iter()
            .map(|(key, value)| format!("{key}={}", js_sys::encode_uri_component(&value)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The API's search parameters for the page starting at `offset`.
    fn params(&self, own: &[OwnSite], offset: Option<u64>) -> SearchParams {
        let nonempty = |text: &str| (!text.is_empty()).then(|| text.to_owned());
        let point = self.point(own);
        let place = match &self.near {
            Near::Place(place) => Some(place.clone()),
            _ => None,
        };
        let centred = point.is_some() || place.is_some();
        SearchParams {
            near: place,
            species: nonempty(&self.species),
            capabilities: nonempty(&self.capabilities.join(",")),
            at: self
                .at
                .map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true)),
            open: self.open.then(|| "true".into()),
            accepting: self.accepting.then(|| "true".into()),
            lat: point.map(|(lat, _)| lat.to_string()),
            lon: point.map(|(_, lon)| lon.to_string()),
            radius_km: self
                .radius_km
                .filter(|_| centred)
                .map(|radius| radius.to_string()),
            q: nonempty(&self.text),
            weight_grams: None,
            offset: offset.map(|offset| offset.to_string()),
            limit: Some(PAGE_SIZE.to_string()),
        }
    }
}

/// The search form's values, as chosen.
#[derive(Clone, Copy)]
struct FilterForm {
    species: RwSignal<String>,
    capabilities: RwSignal<Vec<String>>,
    /// A `datetime-local` value; empty means now.
    at: RwSignal<String>,
    open: RwSignal<bool>,
    accepting: RwSignal<bool>,
    /// A site id, `point` or `anywhere`.
    near: RwSignal<String>,
    /// The point of a shared link, kept while `near` is `point`.
    point: RwSignal<Option<(f64, f64)>>,
    /// The town or postcode typed, used while `near` is `place`.
    place: RwSignal<String>,
    /// Kilometres, or `any`.
    radius: RwSignal<String>,
    text: RwSignal<String>,
}

impl FilterForm {
    fn new() -> Self {
        Self {
            species: RwSignal::new(String::new()),
            capabilities: RwSignal::new(Vec::new()),
            at: RwSignal::new(String::new()),
            open: RwSignal::new(true),
            accepting: RwSignal::new(true),
            near: RwSignal::new("anywhere".into()),
            point: RwSignal::new(None),
            place: RwSignal::new(String::new()),
            radius: RwSignal::new(DEFAULT_RADIUS_KM.to_string()),
            text: RwSignal::new(String::new()),
        }
    }

    /// Shows `filters` in the form.
    fn fill(&self, filters: &Filters) {
        self.species.set(filters.species.clone());
        self.capabilities.set(filters.capabilities.clone());
        self.at
            .set(filters.at.map(local_time::to_input).unwrap_or_default());
        self.open.set(filters.open);
        self.accepting.set(filters.accepting);
        match &filters.near {
            Near::Site(id) => self.near.set(id.to_string()),
            Near::Place(place) => {
                self.place.set(place.clone());
                self.near.set("place".into());
            }
            Near::Point(lat, lon) => {
                self.point.set(Some((*lat, *lon)));
                self.near.set("point".into());
            }
            Near::Anywhere => self.near.set("anywhere".into()),
        }
        self.radius.set(
            filters
                .radius_km
                .map_or("any".into(), |radius| radius.to_string()),
        );
        self.text.set(filters.text.clone());
    }

    /// The search the form states.
    fn filters(&self) -> Filters {
        let near = self.near.get_untracked();
        Filters {
            species: self.species.get_untracked(),
            capabilities: self.capabilities.get_untracked(),
            at: local_time::from_input(&self.at.get_untracked()),
            open: self.open.get_untracked(),
            accepting: self.accepting.get_untracked(),
            near: match (near.as_str(), self.point.get_untracked()) {
                ("point", Some((lat, lon))) => Near::Point(lat, lon),
                ("place", _) => {
                    let place = self.place.get_untracked().trim().to_owned();
                    if place.is_empty() {
                        Near::Anywhere
                    } else {
                        Near::Place(place)
                    }
                }
                (id, _) => Uuid::parse_str(id).map_or(Near::Anywhere, Near::Site),
            },
            radius_km: self.radius.get_untracked().parse().ok(),
            text: self.text.get_untracked().trim().to_owned(),
        }
    }
}

#[component]
fn Directory() -> impl IntoView {
    let session = use_session();
    let loaded = LocalResource::new(move || async move {
        futures_util::future::try_join(session.api().taxonomy(), own_sites(session)).await
    });
    view! {
        <header class="page-header with-actions">
            <div>
                <h1>"Directory"</h1>
                <p class="lead">"Who can take this animal, now, near here."</p>
            </div>
            <Show when=move || session.is_network_admin()>
                <div class="button-row">
                    <a class="button secondary" href="/directory/audit">
                        "Audit queue"
                    </a>
                    <a class="button secondary" href="/directory/vocabulary">
                        "Vocabulary"
                    </a>
                </div>
            </Show>
        </header>
        <Loaded resource=loaded label="Loading the directory…" let:loaded>
            {
                let (terms, own) = loaded;
                view! { <Search terms=terms.items own/> }
            }
        </Loaded>
    }
}

/// The form and the results of the search in the URL.
#[component]
fn Search(terms: Vec<Term>, own: Vec<OwnSite>) -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let navigate = StoredValue::new_local(use_navigate());
    let own = StoredValue::new(own);
    let filters = Memo::new(move |_| {
        query.with(|query| own.with_value(|own| Filters::from_query(query, own)))
    });
    let form = FilterForm::new();
    // Back and forward move between searches: the form follows the URL.
    Effect::new(move |_| form.fill(&filters.get()));

    // Each page of results carries the query it answers, so what is shown
    // never pairs one search's results with another's filters.
    let first_page = LocalResource::new(move || {
        let filters = filters.get();
        let (params, query) =
            own.with_value(|own| (filters.params(own, None), filters.to_query(own)));
        async move {
            let page = session.api().search(&params).await?;
            Ok::<_, ClientError>((query, page))
        }
    });
    let more = RwSignal::new(Vec::<SearchHit>::new());
    // `None` until a further page is loaded; then that page's next offset.
    let more_next = RwSignal::new(None::<Option<u64>>);
    let load_more = Action::new_local(move |offset: &u64| {
        let params = own.with_value(|own| filters.get_untracked().params(own, Some(*offset)));
        async move {
            let page = session.api().search(&params).await?;
            more.update(|more| more.extend(page.items));
            more_next.set(Some(page.next_offset));
            Ok::<_, ClientError>(())
        }
    });
    Effect::new(move |_| {
        filters.track();
        more.set(Vec::new());
        more_next.set(None);
    });
    let searching = RwSignal::new(false);

    let search = Callback::new(move |()| {
        let chosen = form.filters();
        if chosen == filters.get_untracked() {
            // The same search again: time has moved on, ask again.
            more.set(Vec::new());
            more_next.set(None);
            first_page.refetch();
        } else {
            let query = own.with_value(|own| chosen.to_query(own));
            navigate.with_value(|navigate| {
                navigate(&format!("/directory?{query}"), NavigateOptions::default());
            });
        }
    });

    view! {
        <SearchForm terms own=own.get_value() form searching on_search=search/>
        <div aria-live="polite" aria-busy=move || searching.get().to_string()>
            <Loaded
                resource=first_page
                label="Searching…"
                set_pending=searching.write_only()
                let:found
            >
                {
                    let (query, page) = found;
                    view! { <Results page query more more_next load_more/> }
                }
            </Loaded>
        </div>
    }
}

/// The filters: species, needs, time, toggles, place and free text.
#[component]
fn SearchForm(
    terms: Vec<Term>,
    own: Vec<OwnSite>,
    form: FilterForm,
    searching: RwSignal<bool>,
    /// Runs when the form is submitted.
    on_search: Callback<()>,
) -> impl IntoView {
    let capability_terms = capabilities(&terms);
    let anywhere = Memo::new(move |_| form.near.get() == "anywhere");
    view! {
        <form class="card search-form" role="search" novalidate
            on:submit=move |event| {
                event.prevent_default();
                on_search.run(());
            }
        >
            <div class="search-grid">
                <div class="field">
                    <label for="species">"Species"</label>
                    <select
                        id="species"
                        name="species"
                        on:change=move |event| form.species.set(event_target_value(&event))
                    >
                        <option value="" prop:selected=move || form.species.with(String::is_empty)>
                            "Any species"
                        </option>
                        <SpeciesOptions terms chosen=form.species/>
                    </select>
                </div>
                <div class="field">
                    <label for="at">"Open at"</label>
                    <div class="input-with-button">
                        <input id="at" name="at" type="datetime-local" bind:value=form.at/>
                        <button
                            type="button"
                            id="at-now"
                            class="button secondary"
                            disabled=move || form.at.with(String::is_empty)
                            on:click=move |_| form.at.set(String::new())
                        >
                            "Now"
                        </button>
                    </div>
                    <p class="hint">
                        {move || {
                            if form.at.with(String::is_empty) {
                                "Now. Pick a time to plan ahead, e.g. 23:00 tonight."
                            } else {
                                "Your local time."
                            }
                        }}
                    </p>
                </div>
                <div class="field">
                    <label for="near">"Near"</label>
                    <select id="near" name="near" on:change=move |event| form.near.set(event_target_value(&event))>
                        {own
                            .into_iter()
                            .map(|site| {
                                let id = site.id.to_string();
                                let value = id.clone();
                                view! {
                                    <option value=value prop:selected=move || form.near.with(|near| *near == id)>
                                        {site.name}
                                    </option>
                                }
                            })
                            .collect_view()}
                        <Show when=move || form.point.with(Option::is_some)>
                            <option value="point" prop:selected=move || form.near.with(|near| near == "point")>
                                "The place in the link"
                            </option>
                        </Show>
                        <option value="place" prop:selected=move || form.near.with(|near| near == "place")>
                            "A town or postcode…"
                        </option>
                        <option value="anywhere" prop:selected=move || anywhere.get()>
                            "Anywhere"
                        </option>
                    </select>
                    <Show when=move || form.near.with(|near| near == "place")>
                        <label class="visually-hidden" for="near-place">"Town or postcode"</label>
                        <input
                            id="near-place"
                            name="place"
                            type="text"
                            autocomplete="postal-code"
                            placeholder="e.g. Bath or BS1 5TR"
                            bind:value=form.place
                        />
                    </Show>
                </div>
                <div class="field">
                    <label for="radius">"Within"</label>
                    <select
                        id="radius"
                        name="radius"
                        disabled=move || anywhere.get()
                        on:change=move |event| form.radius.set(event_target_value(&event))
                    >
                        {RADII_KM
                            .into_iter()
                            .map(|radius| {
                                let value = radius.to_string();
                                let chosen = value.clone();
                                view! {
                                    <option value=value prop:selected=move || form.radius.with(|r| *r == chosen)>
                                        {format!("{radius} km")}
                                    </option>
                                }
                            })
                            .collect_view()}
                        <option value="any" prop:selected=move || form.radius.with(|r| r == "any")>
                            "Any distance"
                        </option>
                    </select>
                </div>
                <div class="field search-text">
                    <label for="q">"Name, town or postcode"</label>
                    <input id="q" name="q" type="text" placeholder="Optional" bind:value=form.text/>
                </div>
            </div>
            <fieldset id="capabilities" class="chip-set">
                <legend>"Needs " <span class="muted">"(every one must match)"</span></legend>
                <TermChips terms=capability_terms chosen=form.capabilities/>
            </fieldset>
            <div class="search-actions">
                <div class="toggles">
                    <label class="switch">
                        <input
                            id="open"
                            type="checkbox"
                            prop:checked=move || form.open.get()
                            on:change=move |event| form.open.set(event_target_checked(&event))
                        />
                        <span>"Open or covered then"</span>
                    </label>
                    <label class="switch">
                        <input
                            id="accepting"
                            type="checkbox"
                            prop:checked=move || form.accepting.get()
                            on:change=move |event| form.accepting.set(event_target_checked(&event))
                        />
                        <span>"Accepting patients only"</span>
                    </label>
                </div>
                <button type="submit" id="search" class="button primary large" disabled=move || searching.get()>
                    "Search"
                </button>
            </div>
        </form>
    }
}

/// One page of results, the further pages loaded after it, and the
/// "More results" button.
#[component]
fn Results(
    page: SearchPage,
    /// The query the results answer, for `data-query`.
    query: String,
    more: RwSignal<Vec<SearchHit>>,
    more_next: RwSignal<Option<Option<u64>>>,
    load_more: Action<u64, Result<(), ClientError>>,
) -> impl IntoView {
    let at = page.at;
    let first_next = page.next_offset;
    let next = move || more_next.get().unwrap_or(first_next);
    let pending = load_more.pending();
    let error = Signal::derive(move || error_of(load_more.value().get()));
    let summary = match page.total {
        0 => "No site matches".to_owned(),
        1 => "1 site matches".to_owned(),
        total => format!("{total} sites match"),
    };
    let empty = page.items.is_empty();
    view! {
        <section class="results" data-testid="search-results" data-query=query data-total=page.total>
            <p class="result-summary">
                <strong>{summary}</strong>
                {page
                    .near
                    .as_ref()
                    .map(|place| {
                        view! { <span data-testid="searched-near">{format!(" near {}", place.label())}</span> }
                    })}
                <span class="muted">" · hours checked for " {local_time::date_time(at)}</span>
            </p>
            {empty
                .then(|| {
                    view! {
                        <p class="empty">
                            "Nobody matches every filter. Try a wider radius, fewer needs, or turn off "
                            "“Accepting patients only”."
                        </p>
                    }
                })}
            <ol class="hits">
                {page.items.into_iter().map(|hit| view! { <HitCard hit at/> }).collect_view()}
                <For each=move || more.get() key=|hit| hit.site_id let:hit>
                    <HitCard hit at/>
                </For>
            </ol>
            <ErrorAlert error/>
            {move || {
                next()
                    .map(|offset| {
                        view! {
                            <div class="form-actions">
                                <button
                                    type="button"
                                    id="more-results"
                                    class="button secondary"
                                    disabled=move || pending.get()
                                    on:click=move |_| {
                                        load_more.dispatch(offset);
                                    }
                                >
                                    "More results"
                                </button>
                                <Show when=move || pending.get()>
                                    <span class="spinner" role="status" aria-label="Loading"></span>
                                </Show>
                            </div>
                        }
                    })
            }}
        </section>
    }
}

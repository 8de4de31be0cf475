//! `/supplies`: the network's surplus supplies board, where organizations
//! offer the consumables they have to spare and others ask for them.
//!
//! Offers of consumables — fluids, syringes, feeding formula, bandages —
//! searched by words, unit and nearness to one of the organization's sites
//! (the server never lists offers that expired, ran out or were withdrawn);
//! a request for part of another organization's offer, with a priority (a
//! triage tier); the form to offer supplies (item, quantity, unit, expiry,
//! pickup site); the organization's own offers, each with its queue of
//! requests — most urgent first, then longest waiting, with Warren's
//! suggested split of what is left — to give in full or in part — and to
//! change (item, quantity, expiry, pickup site) or take off the board; and
//! the organization's own requests with how much of each was given.

use std::future::Future;

use chrono::NaiveDate;
use leptos::prelude::*;
use uuid::Uuid;
use warren_client::{Client, ClientError, Versioned};
use warren_domain::lending::{Quantity, SupplyRequestStatus, SupplyUnit};
use warren_domain::triage::Tier;
use warren_domain::{ClinicalNote, ShortText};
use warren_wire::{
    CreateSupplyOfferRequest, CreateSupplyRequestRequest, FulfilSupplyRequest, SupplyOfferQuery,
    SupplyOfferView, SupplyRequestQuery, SupplyRequestView, SupplyTransitionRequest,
    UpdateSupplyOfferRequest,
};

use crate::components::{
    ActingOrganization, Changes, ConfirmButton, ErrorAlert, FieldErrors, LendingTab, LendingTabs,
    Loaded, RequireSignIn, StaleNotice, SuccessNotice, TextField, acting_organizations, etag_of,
    reveal_problem, sites_of, tier_name,
};
use crate::idempotency::IdempotencyKey;
use crate::local_time;
use crate::pages::lending_item::waiting_since;
use crate::session::{Session, use_session};

/// The supplies board.
#[component]
pub fn SuppliesPage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <Board/>
        </RequireSignIn>
    }
}

/// What the sections of the page share; cheap to copy.
#[derive(Clone, Copy)]
struct Shared {
    organization: RwSignal<Option<Uuid>>,
    /// Bumped after every change, to read the lists again.
    changes: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    problem: RwSignal<Option<ClientError>>,
    /// The own offers whose queue is open; kept across reloads.
    open_queues: RwSignal<Vec<Uuid>>,
}

impl Shared {
    fn changed(&self, notice: String) {
        self.problem.set(None);
        self.notice.set(Some(notice));
        self.changes.update(|count| *count += 1);
    }

    fn failed(&self, error: ClientError) {
        self.notice.set(None);
        self.problem.set(Some(error));
        reveal_problem();
    }
}

#[component]
fn Board() -> impl IntoView {
    let session = use_session();
    let choices = untrack(|| acting_organizations(session));
    let shared = Shared {
        organization: RwSignal::new(choices.first().map(|(id, _)| *id)),
        changes: RwSignal::new(0),
        notice: RwSignal::new(None),
        problem: RwSignal::new(None),
        open_queues: RwSignal::new(Vec::new()),
    };
    provide_context(shared);
    let organization = shared.organization;
    let sites = LocalResource::new(move || sites_of(session, organization.get()));
    let words = RwSignal::new(String::new());
    let unit = RwSignal::new(String::new());
    let near = RwSignal::new(String::new());
    let search = RwSignal::new(SupplyOfferQuery::default());
    let offers = LocalResource::new(move || {
        shared.changes.track();
        let query = search.get();
        async move {
            session
                .api()
                .search_supply_offers(&query)
                .await
                .map(|page| page.items)
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let text = |value: RwSignal<String>| {
            let text = value.get_untracked().trim().to_owned();
            (!text.is_empty()).then_some(text)
        };
        search.set(SupplyOfferQuery {
            q: text(words),
            unit: text(unit).and_then(|code| SupplyUnit::parse(&code)),
            near_site_id: text(near).and_then(|id| Uuid::parse_str(&id).ok()),
            ..SupplyOfferQuery::default()
        });
    };
    view! {
        <header class="page-header">
            <p class="eyebrow"><a href="/lending">"Lending"</a></p>
            <h1>"Supplies"</h1>
            <p class="lead">"Surplus consumables offered across the network, shared by priority."</p>
        </header>
        <LendingTabs current=LendingTab::Supplies organization=Signal::derive(move || organization.get())/>
        <ActingOrganization id="supplies-org" choices chosen=organization/>
        <ErrorAlert error=shared.problem/>
        <SuccessNotice message=shared.notice/>
        <form class="card search-form" data-testid="supplies-search" novalidate on:submit=submit>
            <div class="search-grid catalog-grid">
                <TextField id="supplies-q" label="What" value=words/>
                <div class="field">
                    <label for="supplies-unit">"Unit"</label>
                    <select id="supplies-unit" on:change=move |event| unit.set(event_target_value(&event))>
                        <option value="">"Any"</option>
                        {SupplyUnit::ALL.iter().copied().map(|choice| view! { <option value=choice.as_str()>{choice.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="supplies-near">"Near"</label>
                    <select id="supplies-near" on:change=move |event| near.set(event_target_value(&event))>
                        <option value="">"Anywhere (soonest to expire first)"</option>
                        {move || sites.get().unwrap_or_default().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                    </select>
                </div>
            </div>
            <div class="search-actions">
                <button type="submit" id="supplies-search-button" class="button primary">"Search"</button>
            </div>
        </form>
        <section aria-labelledby="board-heading" data-testid="supply-board" class="loan-section">
            <h2 id="board-heading">"On the board"</h2>
            <Loaded resource=offers label="Loading the board…" let:offers>
                {if offers.is_empty() {
                    view! { <p class="empty" data-testid="board-empty">"Nothing on offer matches."</p> }.into_any()
                } else {
                    view! {
                        <ul class="offer-list">
                            {offers.into_iter().map(|offer| view! { <OfferCard offer/> }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </Loaded>
        </section>
        <NewOfferForm/>
        <OwnOffers/>
        <OwnRequests/>
    }
}

/// "12 bag", "500 ml".
fn amount(quantity: u32, unit: SupplyUnit) -> String {
    format!("{quantity} {}", unit.label())
}

/// One offer on the board, with a request form unless it is the
/// organization's own.
#[component]
fn OfferCard(offer: SupplyOfferView) -> impl IntoView {
    let session = use_session();
    let shared = use_context::<Shared>().expect("the supplies page provides its context");
    let own = move || shared.organization.get() == Some(offer.organization_id);
    let quantity = RwSignal::new("1".to_owned());
    let priority = RwSignal::new(Tier::Standard.number().to_string());
    let note = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let idempotency = IdempotencyKey::new();
    let (offer_id, unit, remaining) = (offer.id, offer.unit, offer.remaining);
    let send = Action::new_local(
        move |(organization, request): &(Uuid, CreateSupplyRequestRequest)| {
            let (organization, request) = (*organization, request.clone());
            let key = idempotency.for_body(&request);
            async move {
                let asked = request.quantity.units();
                match session
                    .api()
                    .create_supply_request(organization, &request, Some(&key))
                    .await
                {
                    Ok(_) => {
                        idempotency.finish();
                        shared.changed(format!("Requested {}.", amount(asked, unit)));
                    }
                    Err(error) => {
                        errors.absorb(&error);
                        shared.failed(error);
                    }
                }
            }
        },
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let Some(organization) = shared.organization.get_untracked() else {
            return;
        };
        let quantity = match quantity.get_untracked().trim().parse::<u32>() {
            Ok(units) if units <= remaining => errors.check("quantity", Quantity::new(units)),
            _ => {
                errors.add("quantity", format!("ask for 1 to {remaining}"));
                None
            }
        };
        let priority = priority
            .get_untracked()
            .parse::<u8>()
            .ok()
            .and_then(Tier::from_number)
            .unwrap_or(Tier::Standard);
        let text = note.get_untracked();
        let note = if text.trim().is_empty() {
            None
        } else {
            errors.check("note", ClinicalNote::parse(text.trim()))
        };
        if let (Some(quantity), true) = (quantity, errors.is_empty()) {
            send.dispatch((
                organization,
                CreateSupplyRequestRequest {
                    offer_id,
                    quantity,
                    priority,
                    note,
                },
            ));
        }
    };
    let quantity_id = format!("quantity-{offer_id}");
    let priority_id = format!("priority-{offer_id}");
    let note_id = format!("note-{offer_id}");
    view! {
        <li class="card offer-card" data-testid="offer" data-offer-id=offer.id.to_string()>
            <div>
                <h3 class="loan-row-title">{offer.item.clone()}</h3>
                <p><strong>{offer.organization_name.clone()}</strong>{format!(" · {} · {}", offer.pickup_site_name, offer.pickup_town)}</p>
                <p class="offer-amount" data-testid="remaining">{format!("{} left", amount(offer.remaining, offer.unit))}<span class="muted small">{format!(" of {}", offer.quantity)}</span></p>
                <p class="small">
                    {offer.expires_on.map_or_else(|| "Does not expire".to_owned(), |day| format!("Use by {}", local_time::day(day)))}
                    {offer.distance_km.map(|km| format!(" · {km:.1} km"))}
                </p>
                {offer.description.clone().map(|text| view! { <p class="small notes">{text}</p> })}
            </div>
            <Show
                when=move || !own()
                fallback=|| view! { <p class="small muted">"Your offer: its requests are below."</p> }
            >
                <form class="offer-request" novalidate on:submit=submit>
                    <div class="field">
                        <label for=quantity_id.clone()>{format!("How many ({})", unit.label())}</label>
                        <input id=quantity_id.clone() type="number" min="1" max=remaining.to_string() bind:value=quantity/>
                        {move || errors.of("quantity").get().map(|error| view! { <p class="field-error">{error}</p> })}
                    </div>
                    <div class="field">
                        <label for=priority_id.clone()>"Priority"</label>
                        <select id=priority_id.clone() on:change=move |event| priority.set(event_target_value(&event))>
                            {Tier::ALL.into_iter().map(|tier| {
                                let value = tier.number().to_string();
                                let selected = value.clone();
                                view! { <option value=value prop:selected=move || priority.get() == selected>{format!("{} · {}", tier.number(), tier_name(tier))}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button primary" data-testid="request-supplies" disabled=move || send.pending().get()>"Request"</button>
                    <div class="field offer-note">
                        <label for=note_id.clone()>"What for"</label>
                        <input id=note_id.clone() type="text" bind:value=note/>
                    </div>
                </form>
            </Show>
        </li>
    }
}

/// An offer's fields as a form holds them, unchecked.
#[derive(Clone, Copy)]
struct OfferDraft {
    item: RwSignal<String>,
    description: RwSignal<String>,
    quantity: RwSignal<String>,
    expires: RwSignal<String>,
    pickup: RwSignal<String>,
}

/// An offer's fields, checked.
struct OfferFields {
    item: ShortText,
    description: Option<ClinicalNote>,
    quantity: Quantity,
    expires_on: Option<NaiveDate>,
    pickup_site_id: Uuid,
}

impl OfferDraft {
    /// The fields, or `None` with what is wrong in `errors`, under the names
    /// the server uses.
    fn checked(self, errors: FieldErrors) -> Option<OfferFields> {
        let name = errors.check("item", ShortText::parse(self.item.get_untracked().trim()));
        let text = self.description.get_untracked();
        let description = if text.trim().is_empty() {
            None
        } else {
            errors.check("description", ClinicalNote::parse(text.trim()))
        };
        let amount = match self.quantity.get_untracked().trim().parse::<u32>() {
            Ok(units) => errors.check("quantity", Quantity::new(units)),
            Err(_) => {
                errors.add("quantity", "give how many, 1 to 1,000,000");
                None
            }
        };
        let expires_on = match self.expires.get_untracked().trim() {
            "" => None,
            text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(day) => Some(day),
                Err(_) => {
                    errors.add("expires_on", "give a date");
                    None
                }
            },
        };
        let pickup_site_id = Uuid::parse_str(&self.pickup.get_untracked()).ok();
        if pickup_site_id.is_none() {
            errors.add(
                "pickup_site_id",
                "choose where to collect it (add a site first)",
            );
        }
        if !errors.is_empty() {
            return None;
        }
        let (Some(item), Some(quantity), Some(pickup_site_id)) = (name, amount, pickup_site_id)
        else {
            return None;
        };
        Some(OfferFields {
            item,
            description,
            quantity,
            expires_on,
            pickup_site_id,
        })
    }
}

/// Offer supplies to the network.
#[component]
fn NewOfferForm() -> impl IntoView {
    let session = use_session();
    let shared = use_context::<Shared>().expect("the supplies page provides its context");
    let sites = LocalResource::new(move || sites_of(session, shared.organization.get()));
    let item = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let quantity = RwSignal::new(String::new());
    let unit = RwSignal::new(SupplyUnit::Piece);
    let expires = RwSignal::new(String::new());
    let pickup = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let idempotency = IdempotencyKey::new();
    Effect::new(move |_| {
        if let Some(sites) = sites.get()
            && let Some((first, _)) = sites.first()
        {
            pickup.set(first.to_string());
        }
    });
    let save = Action::new_local(
        move |(organization, request): &(Uuid, CreateSupplyOfferRequest)| {
            let (organization, request) = (*organization, request.clone());
            let key = idempotency.for_body(&request);
            async move {
                match session
                    .api()
                    .create_supply_offer(organization, &request, Some(&key))
                    .await
                {
                    Ok(offer) => {
                        idempotency.finish();
                        item.set(String::new());
                        description.set(String::new());
                        quantity.set(String::new());
                        expires.set(String::new());
                        shared.changed(format!("Offered: {}.", offer.item));
                    }
                    Err(error) => {
                        errors.absorb(&error);
                        shared.failed(error);
                    }
                }
            }
        },
    );
    let draft = OfferDraft {
        item,
        description,
        quantity,
        expires,
        pickup,
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let Some(organization) = shared.organization.get_untracked() else {
            return;
        };
        let Some(fields) = draft.checked(errors) else {
            reveal_problem();
            return;
        };
        save.dispatch((
            organization,
            CreateSupplyOfferRequest {
                pickup_site_id: fields.pickup_site_id,
                item: fields.item,
                description: fields.description,
                quantity: fields.quantity,
                unit: unit.get_untracked(),
                expires_on: fields.expires_on,
            },
        ));
    };
    view! {
        <section class="card" aria-labelledby="offer-heading" data-testid="new-offer">
            <h2 id="offer-heading">"Offer supplies"</h2>
            <form novalidate on:submit=submit>
                <div class="form-grid two">
                    <TextField id="offer-item" label="What" value=item required=true hint="e.g. “Hartmann's 500 ml”, “2 ml syringes”." error=errors.of("item")/>
                    <TextField id="offer-description" label="More about it" value=description hint="Brand, batch, storage." error=errors.of("description")/>
                    <TextField id="offer-quantity" label="How many" value=quantity input_type="number" inputmode="numeric" required=true error=errors.of("quantity")/>
                    <div class="field">
                        <label for="offer-unit">"Unit"</label>
                        <select id="offer-unit" on:change=move |event| {
                            if let Some(chosen) = SupplyUnit::parse(&event_target_value(&event)) {
                                unit.set(chosen);
                            }
                        }>
                            {SupplyUnit::ALL.iter().copied().map(|choice| view! { <option value=choice.as_str() prop:selected=move || unit.get() == choice>{choice.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="offer-expires">"Use by"</label>
                        <input id="offer-expires" type="date" bind:value=expires/>
                        {move || errors.of("expires_on").get().map(|error| view! { <p class="field-error">{error}</p> })}
                    </div>
                    <div class="field">
                        <label for="offer-pickup">"Collect from"</label>
                        <select id="offer-pickup" on:change=move |event| pickup.set(event_target_value(&event))>
                            {move || sites.get().unwrap_or_default().into_iter().map(|(id, name)| {
                                let value = id.to_string();
                                let selected = value.clone();
                                view! { <option value=value prop:selected=move || pickup.get() == selected>{name}</option> }
                            }).collect_view()}
                        </select>
                        {move || errors.of("pickup_site_id").get().map(|error| view! { <p class="field-error">{error}</p> })}
                    </div>
                </div>
                <div class="form-actions">
                    <button type="submit" id="save-offer" class="button primary" disabled=move || save.pending().get()>"Offer"</button>
                </div>
            </form>
        </section>
    }
}

/// The organization's own offers, each with its queue of requests.
#[component]
fn OwnOffers() -> impl IntoView {
    let session = use_session();
    let shared = use_context::<Shared>().expect("the supplies page provides its context");
    let offers = LocalResource::new(move || {
        shared.changes.track();
        let organization = shared.organization.get();
        async move {
            let Some(organization) = organization else {
                return Ok(Vec::new());
            };
            session
                .api()
                .organization_supply_offers(organization)
                .await
                .map(|list| list.items)
        }
    });
    view! {
        <section class="card" aria-labelledby="own-offers-heading" data-testid="own-offers">
            <h2 id="own-offers-heading">"Our offers"</h2>
            <Loaded resource=offers label="Loading your offers…" let:offers>
                {if offers.is_empty() {
                    view! { <p class="empty">"You offer nothing now."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {offers.into_iter().map(|offer| view! { <OwnOffer offer/> }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </Loaded>
        </section>
    }
}

/// Where an offer stands, in words.
fn offer_state(offer: &SupplyOfferView) -> &'static str {
    if offer.withdrawn_at.is_some() {
        "withdrawn"
    } else if offer.expired {
        "expired"
    } else if offer.remaining == 0 {
        "all given"
    } else {
        "on the board"
    }
}

/// What the offerer reads when a change was refused because someone else
/// changed the offer first.
const STALE_OFFER: &str = "Someone else changed this offer meanwhile: it now shows as it is. Check it and make your change again.";

/// Sends one change of an offer against the version shown; reads the offer
/// again when someone else changed it first.
async fn change_offer<F, Fut>(
    session: Session,
    edits: Changes<SupplyOfferView>,
    errors: Option<FieldErrors>,
    request: F,
) -> bool
where
    F: Fn(Client, String) -> Fut,
    Fut: Future<Output = Result<Versioned<SupplyOfferView>, ClientError>>,
{
    let made = edits.send(session, errors, request).await;
    if !made {
        if edits.stale.get_untracked() {
            let id = edits.current.with_untracked(|current| current.value.id);
            if let Ok(fresh) = session.api().supply_offer(id).await {
                edits.current.try_set(fresh);
            }
        }
        reveal_problem();
    }
    made
}

/// One own offer: what is left, and, on demand, its queue; the offerer's
/// staff change it or take it off the board.
#[component]
fn OwnOffer(offer: SupplyOfferView) -> impl IntoView {
    let session = use_session();
    let shared = use_context::<Shared>().expect("the supplies page provides its context");
    let id = offer.id;
    let edits = Changes::new(Versioned {
        etag: etag_of(offer.version),
        value: offer,
    });
    let editing = RwSignal::new(false);
    let open = Memo::new(move |_| shared.open_queues.with(|open| open.contains(&id)));
    let toggle = move |_| {
        shared.open_queues.update(|open| {
            if open.contains(&id) {
                open.retain(|shown| *shown != id);
            } else {
                open.push(id);
            }
        });
    };
    let withdrawn = Memo::new(move |_| {
        edits
            .current
            .with(|current| current.value.withdrawn_at.is_some())
    });
    let withdraw = Action::new_local(move |_: &()| async move {
        edits.start(None);
        let made = change_offer(session, edits, None, move |client, etag| async move {
            client.withdraw_supply_offer(id, &etag).await
        })
        .await;
        if made {
            let item = edits
                .current
                .with_untracked(|current| current.value.item.clone());
            shared.changed(format!(
                "Withdrawn: {item} is off the board, and its open requests are declined."
            ));
        }
    });
    let summary = move || {
        edits.current.with(|current| {
            let offer = &current.value;
            format!(
                " · {} left of {} · {}",
                amount(offer.remaining, offer.unit),
                offer.quantity,
                offer_state(offer)
            )
        })
    };
    view! {
        <li class="own-offer" data-testid="own-offer" data-offer-id=id.to_string()
            data-state=move || edits.current.with(|current| offer_state(&current.value))>
            <p>
                <strong>{move || edits.current.with(|current| current.value.item.clone())}</strong>
                {summary}
            </p>
            <StaleNotice stale=edits.stale message=STALE_OFFER/>
            <ErrorAlert error=edits.problem/>
            <div class="button-row">
                <button type="button" class="button secondary small" data-testid="show-queue" on:click=toggle>
                    {move || if open.get() { "Hide requests" } else { "Show requests" }}
                </button>
                <Show when=move || !withdrawn.get()>
                    <button type="button" class="button secondary small" data-testid="edit-offer"
                        aria-expanded=move || editing.get().to_string()
                        on:click=move |_| editing.update(|shown| *shown = !*shown)>
                        {move || if editing.get() { "Close the form" } else { "Edit" }}
                    </button>
                    <span data-testid="withdraw-offer">
                        <ConfirmButton
                            label="Withdraw…"
                            confirm_label="Yes, withdraw it"
                            question="Take this offer off the board? Its open requests are declined; what was given stays given."
                            pending=withdraw.pending()
                            on_confirm=Callback::new(move |()| { withdraw.dispatch(()); })
                        />
                    </span>
                </Show>
            </div>
            <Show when=move || editing.get() && !withdrawn.get()>
                {move || {
                    let offer = edits.current.get_untracked().value;
                    view! { <EditOfferForm offer edits editing/> }
                }}
            </Show>
            <Show when=move || open.get()>
                <Queue offer=id/>
            </Show>
        </li>
    }
}

/// The offer's pickup site, item, description, quantity and use-by date,
/// as the offerer's staff change them.
#[component]
fn EditOfferForm(
    offer: SupplyOfferView,
    edits: Changes<SupplyOfferView>,
    editing: RwSignal<bool>,
) -> impl IntoView {
    let session = use_session();
    let shared = use_context::<Shared>().expect("the supplies page provides its context");
    let (id, organization, unit) = (offer.id, offer.organization_id, offer.unit);
    let sites = LocalResource::new(move || sites_of(session, Some(organization)));
    let draft = OfferDraft {
        item: RwSignal::new(offer.item.clone()),
        description: RwSignal::new(offer.description.clone().unwrap_or_default()),
        quantity: RwSignal::new(offer.quantity.to_string()),
        expires: RwSignal::new(
            offer
                .expires_on
                .map(|day| day.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        ),
        pickup: RwSignal::new(offer.pickup_site_id.to_string()),
    };
    let given = offer.quantity.saturating_sub(offer.remaining);
    let errors = FieldErrors::new();
    let save = Action::new_local(move |request: &UpdateSupplyOfferRequest| {
        let request = request.clone();
        async move {
            let made = change_offer(session, edits, Some(errors), move |client, etag| {
                let request = request.clone();
                async move { client.update_supply_offer(id, &request, &etag).await }
            })
            .await;
            if made || edits.stale.get_untracked() {
                // After a refusal because the offer changed meanwhile, the
                // form opens again on the offer as it now is.
                editing.set(false);
            }
            if made {
                let offer = edits.current.get_untracked().value;
                shared.changed(format!(
                    "Saved: {} · {} left of {}.",
                    offer.item,
                    amount(offer.remaining, offer.unit),
                    offer.quantity
                ));
            }
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        edits.start(Some(errors));
        let Some(fields) = draft.checked(errors) else {
            reveal_problem();
            return;
        };
        save.dispatch(UpdateSupplyOfferRequest {
            pickup_site_id: fields.pickup_site_id,
            item: fields.item,
            description: fields.description,
            quantity: fields.quantity,
            expires_on: fields.expires_on,
        });
    };
    let field = |name: &str| format!("edit-{name}-{id}");
    let (expires_id, pickup_id) = (field("expires"), field("pickup"));
    view! {
        <form class="edit-offer-form" data-testid="edit-offer-form" novalidate on:submit=submit>
            <div class="form-grid two">
                <TextField id=field("item") label="What" value=draft.item required=true error=errors.of("item")/>
                <TextField id=field("description") label="More about it" value=draft.description error=errors.of("description")/>
                <div class="field">
                    <label for=field("quantity")>{format!("How many in all ({})", unit.label())} <span class="required" aria-hidden="true">" *"</span></label>
                    <p class="hint">{if given == 0 {
                        "Nothing is given yet.".to_owned()
                    } else {
                        format!("At least the {} already given.", amount(given, unit))
                    }}</p>
                    <input id=field("quantity") type="number" min=given.max(1).to_string() inputmode="numeric" bind:value=draft.quantity
                        aria-invalid=move || errors.of("quantity").get().is_some().then_some("true")/>
                    {move || errors.of("quantity").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                <div class="field">
                    <label for=expires_id.clone()>"Use by"</label>
                    <input id=expires_id type="date" bind:value=draft.expires/>
                    {move || errors.of("expires_on").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                <div class="field">
                    <label for=pickup_id.clone()>"Collect from"</label>
                    <select id=pickup_id on:change=move |event| draft.pickup.set(event_target_value(&event))>
                        {move || sites.get().unwrap_or_default().into_iter().map(|(id, name)| {
                            let value = id.to_string();
                            let selected = value.clone();
                            view! { <option value=value prop:selected=move || draft.pickup.get() == selected>{name}</option> }
                        }).collect_view()}
                    </select>
                    {move || errors.of("pickup_site_id").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
            </div>
            <div class="form-actions">
                <button type="submit" class="button primary" data-testid="save-offer-changes" disabled=move || save.pending().get()>"Save changes"</button>
            </div>
        </form>
    }
}

/// An offer's open requests in the order they are served, to give.
#[component]
fn Queue(offer: Uuid) -> impl IntoView {
    let session = use_session();
    let shared = use_context::<Shared>().expect("the supplies page provides its context");
    let queue = LocalResource::new(move || {
        shared.changes.track();
        async move { session.api().supply_queue(offer).await }
    });
    view! {
        <Loaded resource=queue label="Loading the requests…" let:queue>
            {if queue.items.is_empty() {
                view! { <p class="empty">"No open requests."</p> }.into_any()
            } else {
                let suggestion = queue.suggestion.clone();
                view! {
                    <ol class="supply-queue" data-testid="supply-queue">
                        {queue
                            .items
                            .into_iter()
                            .map(|request| {
                                let suggested = suggestion
                                    .iter()
                                    .find(|share| share.request_id == request.id)
                                    .map_or(request.outstanding, |share| share.quantity);
                                view! { <QueueEntry request suggested/> }
                            })
                            .collect_view()}
                    </ol>
                }
                    .into_any()
            }}
        </Loaded>
    }
}

/// One request in an offer's queue: give some, all, or decline.
#[component]
fn QueueEntry(request: SupplyRequestView, suggested: u32) -> impl IntoView {
    let session = use_session();
    let shared = use_context::<Shared>().expect("the supplies page provides its context");
    let give = RwSignal::new(suggested.to_string());
    let (id, etag, unit) = (request.id, etag_of(request.version), request.unit);
    let fulfil = Action::new_local(move |quantity: &Option<u32>| {
        let quantity = *quantity;
        let etag = etag.clone();
        async move {
            let quantity = match quantity.map(Quantity::new).transpose() {
                Ok(quantity) => quantity,
                Err(error) => {
                    shared.failed(ClientError::Transport(error.to_string()));
                    return;
                }
            };
            let body = FulfilSupplyRequest { quantity };
            match session.api().fulfil_supply_request(id, &body, &etag).await {
                Ok(done) => shared.changed(format!(
                    "Given {} to {} ({}).",
                    amount(done.value.fulfilled, unit),
                    done.value.organization_name,
                    done.value.fulfilment.label().to_lowercase()
                )),
                Err(error) => shared.failed(error),
            }
        }
    });
    let decline_etag = etag_of(request.version);
    let decline = Action::new_local(move |_: &()| {
        let etag = decline_etag.clone();
        async move {
            let body = SupplyTransitionRequest {
                status: SupplyRequestStatus::Declined,
            };
            match session
                .api()
                .transition_supply_request(id, &body, &etag)
                .await
            {
                Ok(_) => shared.changed("Declined: nothing more will be given.".to_owned()),
                Err(error) => shared.failed(error),
            }
        }
    });
    let tier = request.priority;
    let input_id = format!("give-{id}");
    view! {
        <li data-testid="supply-request" data-request-id=request.id.to_string()>
            <p>
                <span class="tier-badge" data-tier=tier.number().to_string()>{format!("{} · {}", tier.number(), tier_name(tier))}</span>
                " "
                <strong>{request.organization_name.clone()}</strong>
                {format!(
                    " asks for {} · given {} · waiting {}",
                    amount(request.quantity, unit),
                    request.fulfilled,
                    waiting_since(request.requested_at)
                )}
            </p>
            {request.note.clone().map(|note| view! { <p class="small notes">{note}</p> })}
            <div class="fulfil-row">
                <label for=input_id.clone() class="small">"Give"</label>
                <input id=input_id type="number" min="1" max=request.outstanding.to_string() bind:value=give/>
                <button type="button" class="button primary small" data-testid="fulfil-part"
                    disabled=move || fulfil.pending().get()
                    on:click=move |_| { fulfil.dispatch(give.get_untracked().trim().parse::<u32>().ok()); }>
                    "Give"
                </button>
                <button type="button" class="button secondary small" data-testid="fulfil-all"
                    disabled=move || fulfil.pending().get()
                    on:click=move |_| { fulfil.dispatch(None); }>
                    {format!("Give all {} still needed", request.outstanding)}
                </button>
                <button type="button" class="button danger small" data-testid="decline-supply"
                    disabled=move || decline.pending().get()
                    on:click=move |_| { decline.dispatch(()); }>
                    "Decline"
                </button>
            </div>
        </li>
    }
}

/// The organization's own requests, with how much of each was given.
#[component]
fn OwnRequests() -> impl IntoView {
    let session = use_session();
    let shared = use_context::<Shared>().expect("the supplies page provides its context");
    let requests = LocalResource::new(move || {
        shared.changes.track();
        let organization = shared.organization.get();
        async move {
            let Some(organization) = organization else {
                return Ok(Vec::new());
            };
            let query = SupplyRequestQuery {
                state: Some("all".into()),
                ..SupplyRequestQuery::default()
            };
            session
                .api()
                .supply_requests(organization, &query)
                .await
                .map(|page| page.items)
        }
    });
    let withdraw = Action::new_local(move |request: &SupplyRequestView| {
        let (id, etag) = (request.id, etag_of(request.version));
        async move {
            let body = SupplyTransitionRequest {
                status: SupplyRequestStatus::Withdrawn,
            };
            match session
                .api()
                .transition_supply_request(id, &body, &etag)
                .await
            {
                Ok(_) => shared.changed("Withdrawn.".to_owned()),
                Err(error) => shared.failed(error),
            }
        }
    });
    view! {
        <section class="card" aria-labelledby="own-requests-heading" data-testid="own-requests">
            <h2 id="own-requests-heading">"Our requests"</h2>
            <Loaded resource=requests label="Loading your requests…" let:requests>
                {if requests.is_empty() {
                    view! { <p class="empty">"You have asked for nothing."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {requests
                                .into_iter()
                                .map(|request| {
                                    let open = request.status == SupplyRequestStatus::Open;
                                    let withdrawing = request.clone();
                                    view! {
                                        <li data-testid="own-request" data-status=request.status.as_str() data-fulfilment=request.fulfilment.as_str()>
                                            <strong>{request.item.clone()}</strong>
                                            {format!(
                                                " from {} · {} asked, {} given ({}) · {} · {}",
                                                request.offerer_organization_name,
                                                amount(request.quantity, request.unit),
                                                request.fulfilled,
                                                request.fulfilment.label().to_lowercase(),
                                                request.status.label(),
                                                local_time::date(request.requested_at)
                                            )}
                                            {open.then(|| view! {
                                                " "
                                                <button type="button" class="button secondary small" on:click=move |_| { withdraw.dispatch(withdrawing.clone()); }>
                                                    "Withdraw"
                                                </button>
                                            })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </Loaded>
        </section>
    }
}

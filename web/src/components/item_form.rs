//! The fields of a kit item as its owner writes them — name, category, home
//! site, condition, description, which animals it suits, usage terms,
//! longest loan and whether conflict-free requests are approved at once —
//! shared by the form that adds an item and the one that changes it.

use leptos::prelude::*;
use uuid::Uuid;
use warren_client::ClientError;
use warren_domain::directory::taxonomy::{Taxonomy, TermCode};
use warren_domain::lending::{
    Condition, ItemCategory, ItemStatus, MaxLoanDays, Suitability, WeightRange,
};
use warren_domain::referral::Weight;
use warren_domain::{ClinicalNote, ShortText};
use warren_wire::{CreateItemRequest, KitItem, Term, UpdateItemRequest};

use crate::components::{FieldErrors, TermChips, TextArea, TextField};

/// What the owner's form holds, unchecked; cheap to copy.
#[derive(Clone, Copy)]
pub struct ItemDraft {
    name: RwSignal<String>,
    category: RwSignal<ItemCategory>,
    description: RwSignal<String>,
    home: RwSignal<String>,
    species: RwSignal<Vec<String>>,
    min_grams: RwSignal<String>,
    max_grams: RwSignal<String>,
    limits: RwSignal<String>,
    condition: RwSignal<Condition>,
    usage: RwSignal<String>,
    max_days: RwSignal<String>,
    auto_approve: RwSignal<bool>,
}

impl ItemDraft {
    /// An empty form for a new item: an oxygen concentrator in good
    /// condition, lent for up to a week, each request approved by hand.
    pub fn new() -> Self {
        Self {
            name: RwSignal::new(String::new()),
            category: RwSignal::new(ItemCategory::OxygenConcentrator),
            description: RwSignal::new(String::new()),
            home: RwSignal::new(String::new()),
            species: RwSignal::new(Vec::new()),
            min_grams: RwSignal::new(String::new()),
            max_grams: RwSignal::new(String::new()),
            limits: RwSignal::new(String::new()),
            condition: RwSignal::new(Condition::Good),
            usage: RwSignal::new(String::new()),
            max_days: RwSignal::new("7".to_owned()),
            auto_approve: RwSignal::new(false),
        }
    }

    /// The form filled in with `item` as it is.
    pub fn of(item: &KitItem) -> Self {
        let grams = |weight: Option<Weight>| weight.map(|weight| weight.grams().to_string());
        let weight = item.suitability.weight;
        Self {
            name: RwSignal::new(item.name.clone()),
            category: RwSignal::new(item.category),
            description: RwSignal::new(item.description.clone().unwrap_or_default()),
            home: RwSignal::new(item.home_site_id.to_string()),
            species: RwSignal::new(
                item.suitability
                    .species
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            ),
            min_grams: RwSignal::new(grams(weight.min()).unwrap_or_default()),
            max_grams: RwSignal::new(grams(weight.max()).unwrap_or_default()),
            limits: RwSignal::new(
                item.suitability
                    .limits
                    .iter()
                    .map(ShortText::as_str)
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            condition: RwSignal::new(item.condition),
            usage: RwSignal::new(item.terms.text.as_str().to_owned()),
            max_days: RwSignal::new(item.max_loan_days.to_string()),
            auto_approve: RwSignal::new(item.auto_approve),
        }
    }

    /// The usage terms as written now.
    pub fn terms_text(self) -> String {
        self.usage.get_untracked().trim().to_owned()
    }

    /// The item the form describes, or `None` with what is wrong in
    /// `errors`, field by field, under the names the server uses.
    pub fn request(self, errors: FieldErrors) -> Option<CreateItemRequest> {
        let name = errors.check("name", ShortText::parse(self.name.get_untracked().trim()));
        let home_site_id = Uuid::parse_str(&self.home.get_untracked()).ok();
        if home_site_id.is_none() {
            errors.add(
                "home_site_id",
                "choose the site it lives at (add a site first)",
            );
        }
        let text = self.description.get_untracked();
        let description = if text.trim().is_empty() {
            None
        } else {
            errors.check("description", ClinicalNote::parse(text.trim()))
        };
        let grams = |value: RwSignal<String>, field: &str| -> Result<Option<Weight>, ()> {
            let text = value.get_untracked();
            if text.trim().is_empty() {
                return Ok(None);
            }
            match text
                .trim()
                .parse::<u32>()
                .ok()
                .and_then(|grams| Weight::try_from(grams).ok())
            {
                Some(weight) => Ok(Some(weight)),
                None => {
                    errors.add(field, "give a weight in grams, 1 to 100000");
                    Err(())
                }
            }
        };
        let weight = match (
            grams(self.min_grams, "suitability.weight"),
            grams(self.max_grams, "suitability.weight"),
        ) {
            (Ok(min), Ok(max)) => errors.check("suitability.weight", WeightRange::new(min, max)),
            _ => None,
        };
        let mut limit_list = Vec::new();
        for line in self
            .limits
            .get_untracked()
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
        {
            if let Some(limit) = errors.check("suitability.limits", ShortText::parse(line)) {
                limit_list.push(limit);
            }
        }
        let species_codes: Vec<TermCode> = self
            .species
            .get_untracked()
            .into_iter()
            .filter_map(|code| TermCode::parse(code).ok())
            .collect();
        let usage_terms = errors.check("terms", ClinicalNote::parse(self.terms_text()));
        let max_loan_days = match self.max_days.get_untracked().trim().parse::<u16>() {
            Ok(days) => errors.check("max_loan_days", MaxLoanDays::new(days)),
            Err(_) => {
                errors.add("max_loan_days", "give a number of days from 1 to 365");
                None
            }
        };
        if !errors.is_empty() {
            return None;
        }
        let (Some(name), Some(home_site_id), Some(weight), Some(terms), Some(max_loan_days)) =
            (name, home_site_id, weight, usage_terms, max_loan_days)
        else {
            return None;
        };
        Some(CreateItemRequest {
            home_site_id,
            name,
            category: self.category.get_untracked(),
            description,
            suitability: Suitability {
                species: species_codes,
                weight,
                limits: limit_list,
            },
            condition: self.condition.get_untracked(),
            terms,
            max_loan_days,
            auto_approve: self.auto_approve.get_untracked(),
        })
    }
}

impl Default for ItemDraft {
    fn default() -> Self {
        Self::new()
    }
}

/// The change that gives the item `status`, everything else as the form
/// describes it.
pub fn item_update(item: CreateItemRequest, status: ItemStatus) -> UpdateItemRequest {
    UpdateItemRequest {
        home_site_id: item.home_site_id,
        name: item.name,
        category: item.category,
        description: item.description,
        suitability: item.suitability,
        condition: item.condition,
        status,
        terms: item.terms,
        max_loan_days: item.max_loan_days,
        auto_approve: item.auto_approve,
    }
}

/// The change that gives `item` `status` and leaves the rest as it is; an
/// error only if what the server sent does not read back.
pub fn status_change(
    item: &KitItem,
    status: ItemStatus,
) -> Result<UpdateItemRequest, Box<ClientError>> {
    let unreadable =
        |error: warren_domain::TextError| Box::new(ClientError::Transport(error.to_string()));
    Ok(UpdateItemRequest {
        home_site_id: item.home_site_id,
        name: ShortText::parse(item.name.as_str()).map_err(unreadable)?,
        category: item.category,
        description: item
            .description
            .as_deref()
            .map(ClinicalNote::parse)
            .transpose()
            .map_err(unreadable)?,
        suitability: item.suitability.clone(),
        condition: item.condition,
        status,
        terms: item.terms.text.clone(),
        max_loan_days: MaxLoanDays::new(item.max_loan_days)
            .map_err(|error| Box::new(ClientError::Transport(error.to_owned())))?,
        auto_approve: item.auto_approve,
    })
}

/// The item's fields. The home site defaults to the organization's first.
#[component]
pub fn ItemFields(
    /// What the form holds.
    draft: ItemDraft,
    /// The form's errors, by field.
    errors: FieldErrors,
    /// The owner's sites, as (id, name).
    sites: LocalResource<Vec<(Uuid, String)>>,
    /// The vocabulary, for the species.
    terms: LocalResource<Vec<Term>>,
    /// What the terms field says under its label.
    terms_hint: &'static str,
) -> impl IntoView {
    let ItemDraft {
        name,
        category,
        description,
        home,
        species,
        min_grams,
        max_grams,
        limits,
        condition,
        usage,
        max_days,
        auto_approve,
    } = draft;
    Effect::new(move |_| {
        if let Some(sites) = sites.get()
            && let Some((first, _)) = sites.first()
            && home.with_untracked(String::is_empty)
        {
            home.set(first.to_string());
        }
    });
    let field_error = move |field: &'static str| {
        let error = errors.of(field);
        move || {
            error
                .get()
                .map(|error| view! { <p class="field-error">{error}</p> })
        }
    };
    view! {
        <div class="form-grid two">
            <TextField id="item-name" label="Name" value=name required=true hint="What borrowers call it, e.g. “Oxygen concentrator 5 L (blue)”." error=errors.of("name")/>
            <div class="field">
                <label for="item-category">"Category"</label>
                <select id="item-category" on:change=move |event| {
                    if let Some(chosen) = ItemCategory::parse(&event_target_value(&event)) {
                        category.set(chosen);
                    }
                }>
                    {ItemCategory::ALL
                        .iter()
                        .copied()
                        .map(|choice| view! { <option value=choice.as_str() prop:selected=move || category.get() == choice>{choice.label()}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="item-home">"Home site" <span class="required" aria-hidden="true">" *"</span></label>
                <select id="item-home" on:change=move |event| home.set(event_target_value(&event))
                    aria-invalid=move || errors.of("home_site_id").get().is_some().then_some("true")>
                    {move || sites.get().unwrap_or_default().into_iter().map(|(id, name)| {
                        let value = id.to_string();
                        let selected = value.clone();
                        view! { <option value=value prop:selected=move || home.get() == selected>{name}</option> }
                    }).collect_view()}
                </select>
                {field_error("home_site_id")}
            </div>
            <div class="field">
                <label for="item-condition">"Condition"</label>
                <select id="item-condition" on:change=move |event| {
                    if let Some(chosen) = Condition::parse(&event_target_value(&event)) {
                        condition.set(chosen);
                    }
                }>
                    {Condition::ALL
                        .iter()
                        .copied()
                        .map(|choice| view! { <option value=choice.as_str() prop:selected=move || condition.get() == choice>{choice.label()}</option> })
                        .collect_view()}
                </select>
            </div>
        </div>
        <TextArea id="item-description" label="Description" value=description hint="Model, accessories, anything a borrower should know." error=errors.of("description")/>
        <fieldset class="chip-set" id="item-species">
            <legend>"Suits these species"</legend>
            <p class="hint">"None chosen: any animal."</p>
            {move || terms.get().map(|terms| {
                let species_terms: Vec<_> = terms.into_iter().filter(|term| term.taxonomy == Taxonomy::Species).collect();
                view! { <TermChips terms=species_terms chosen=species/> }
            })}
        </fieldset>
        <div class="form-grid two">
            <div class="field">
                <label for="item-min-grams">"Lightest animal (g)"</label>
                <input id="item-min-grams" type="number" min="1" inputmode="numeric" bind:value=min_grams/>
            </div>
            <div class="field">
                <label for="item-max-grams">"Heaviest animal (g)"</label>
                <input id="item-max-grams" type="number" min="1" inputmode="numeric" bind:value=max_grams/>
                {field_error("suitability.weight")}
            </div>
        </div>
        <TextArea id="item-limits" label="Limits" value=limits hint="One per line, e.g. “Reads heart rates up to 300 bpm — no use for hamsters”." error=errors.of("suitability.limits")/>
        <TextArea id="item-terms" label="Usage terms" value=usage hint=terms_hint error=errors.of("terms")/>
        <div class="form-grid two">
            <TextField id="item-max-days" label="Longest loan (days)" value=max_days input_type="number" inputmode="numeric" required=true error=errors.of("max_loan_days")/>
        </div>
        <label class="switch">
            <input id="item-auto-approve" type="checkbox" prop:checked=move || auto_approve.get()
                on:change=move |event| auto_approve.set(event_target_checked(&event))/>
            <span>"Approve requests that conflict with nothing at once"</span>
        </label>
    }
}

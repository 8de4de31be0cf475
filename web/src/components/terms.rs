//! The directory's vocabularies in forms: species grouped (small mammals,
//! wildlife, …) and capability check-lists.

use leptos::prelude::*;
use warren_domain::directory::taxonomy::{Taxonomy, Term};

/// The species of one group, the group's own term ("Small mammals (all)")
/// first.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeciesGroup {
    /// The group's code, e.g. `small_mammal`.
    pub code: String,
    /// The group's heading, e.g. "Small mammals".
    pub label: String,
    /// The group term and its species, by label.
    pub terms: Vec<Term>,
}

/// The species vocabulary grouped: small mammals first, then wildlife, then
/// any other group by code.
pub fn species_groups(terms: &[Term]) -> Vec<SpeciesGroup> {
    let mut groups: Vec<SpeciesGroup> = Vec::new();
    for term in terms
        .iter()
        .filter(|term| term.taxonomy == Taxonomy::Species)
    {
        let code = term.code.group().to_owned();
        let index = match groups.iter().position(|group| group.code == code) {
            Some(index) => index,
            None => {
                groups.push(SpeciesGroup {
                    label: code.replace('_', " "),
                    code,
                    terms: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let group = &mut groups[index];
        if term.code.is_group() {
            group.label = term.label.trim_end_matches(" (all)").to_owned();
        }
        group.terms.push(term.clone());
    }
    for group in &mut groups {
        group
            .terms
            .sort_by_key(|term| (!term.code.is_group(), term.label.to_lowercase()));
    }
    let rank = |code: &str| match code {
        "small_mammal" => 0,
        "wildlife" => 1,
        _ => 2,
    };
    groups.sort_by(|a, b| (rank(&a.code), &a.code).cmp(&(rank(&b.code), &b.code)));
    groups
}

/// The capability terms, by label.
pub fn capabilities(terms: &[Term]) -> Vec<Term> {
    let mut capabilities: Vec<Term> = terms
        .iter()
        .filter(|term| term.taxonomy == Taxonomy::Capability)
        .cloned()
        .collect();
    capabilities.sort_by_key(|term| term.label.to_lowercase());
    capabilities
}

/// The `<option>`s of a species select, grouped in `<optgroup>`s.
#[component]
pub fn SpeciesOptions(
    /// The whole vocabulary.
    terms: Vec<Term>,
    /// The chosen code.
    chosen: RwSignal<String>,
) -> impl IntoView {
    species_groups(&terms)
        .into_iter()
        .map(|group| {
            view! {
                <optgroup label=group.label>
                    {group
                        .terms
                        .into_iter()
                        .map(|term| {
                            let code = term.code.to_string();
                            let value = code.clone();
                            view! {
                                <option value=value prop:selected=move || chosen.with(|chosen| *chosen == code)>
                                    {term.label}
                                </option>
                            }
                        })
                        .collect_view()}
                </optgroup>
            }
        })
        .collect_view()
}

/// Adds or removes `code` from a selection.
fn toggle(selection: RwSignal<Vec<String>>, code: &str, on: bool) {
    selection.update(|selection| {
        selection.retain(|chosen| chosen != code);
        if on {
            selection.push(code.to_owned());
        }
    });
}

/// Terms as toggle chips (check boxes styled as pills): many may be chosen.
/// Each chip's label carries `data-code`.
#[component]
pub fn TermChips(
    /// The terms to offer.
    terms: Vec<Term>,
    /// The chosen codes.
    chosen: RwSignal<Vec<String>>,
) -> impl IntoView {
    view! {
        <div class="chips">
            {terms
                .into_iter()
                .map(|term| {
                    let code = term.code.to_string();
                    let data_code = code.clone();
                    let checked_code = code.clone();
                    let changed_code = code.clone();
                    view! {
                        <label class="chip-toggle" data-code=data_code>
                            <input
                                type="checkbox"
                                value=code
                                prop:checked=move || chosen.with(|chosen| chosen.contains(&checked_code))
                                on:change=move |event| toggle(chosen, &changed_code, event_target_checked(&event))
                            />
                            <span>{term.label}</span>
                        </label>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// Terms as a list of check boxes, for the site form. Each box's id is
/// `{prefix}-{code with / as -}`.
#[component]
pub fn TermCheckboxes(
    /// The id prefix, e.g. `capability`.
    prefix: &'static str,
    /// The terms to offer.
    terms: Vec<Term>,
    /// The chosen codes.
    chosen: RwSignal<Vec<String>>,
) -> impl IntoView {
    view! {
        <div class="checkboxes term-grid">
            {terms
                .into_iter()
                .map(|term| {
                    let code = term.code.to_string();
                    let id = format!("{prefix}-{}", code.replace('/', "-"));
                    let group = term.taxonomy == Taxonomy::Species && term.code.is_group();
                    let checked_code = code.clone();
                    let changed_code = code.clone();
                    view! {
                        <div class="checkbox">
                            <input
                                type="checkbox"
                                id=id.clone()
                                value=code
                                prop:checked=move || chosen.with(|chosen| chosen.contains(&checked_code))
                                on:change=move |event| toggle(chosen, &changed_code, event_target_checked(&event))
                            />
                            <label for=id class:group=group>
                                {term.label}
                            </label>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}

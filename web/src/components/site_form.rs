//! The form of a site's listing ([`SiteInput`]), for adding a site and for
//! editing one.
//!
//! Every field is checked with the domain's own `parse` before sending — the
//! opening hours with the same OpenStreetMap parser the server uses, while
//! the person types them. Field names are the request's paths
//! (`referral_contact.phone`, `limitations.notes`, …), so the server's
//! `validation_failed` errors land beside the same fields.
//!
//! Where the site is: "Find" fills the coordinates (and an empty town or
//! country) from the gazetteer's entry for the postcode, or the town; the
//! postcode is also looked up when the field is left, filling empty
//! coordinates, and the form warns while the coordinates, postcode and
//! country disagree (the domain's rule: over 25 km apart, or another
//! country). "Use my location" takes the browser's position, for a person
//! standing at the site. Opening hours are entered in a weekly grid
//! ([`HoursEditor`]).
//!
//! The form does not preview the week the hours mean: evaluating them needs
//! the whole timezone database and the holiday calendars in the browser
//! (about 135 KB gzipped, a quarter of the app). The site page shows the
//! week, as the server reads it, right after saving.

use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use warren_client::ClientError;
use warren_domain::directory::hours::{CountryCode, OpeningHoursText, Timezone};
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::directory::week_grid::describe_invalid;
use warren_domain::directory::{Cover, Latitude, Limitations, Longitude};
use warren_domain::places::{LocationWarning, Place, PlaceKind, check_site_location};
use warren_domain::{AddressLine, Description, Email, OrgName, PersonName, Phone};
use warren_wire::{PlaceLookup, ReferralContact, SearchParams, Site, SiteInput, Term};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::components::{
    FieldErrors, HoursEditor, Loaded, TermCheckboxes, TextArea, TextField, capabilities,
    reveal_problem, species_groups,
};
use crate::session::{Session, use_session};

/// The country a new site is in unless told otherwise.
const DEFAULT_COUNTRY: &str = "GB";
/// The timezone a new site's hours are read in unless told otherwise.
const DEFAULT_TIMEZONE: &str = "Europe/London";

/// The form's values, as typed.
#[derive(Clone, Copy)]
struct SiteFields {
    name: RwSignal<String>,
    address: RwSignal<String>,
    town: RwSignal<String>,
    postcode: RwSignal<String>,
    country: RwSignal<String>,
    latitude: RwSignal<String>,
    longitude: RwSignal<String>,
    timezone: RwSignal<String>,
    public_phone: RwSignal<String>,
    private_phone: RwSignal<String>,
    public_email: RwSignal<String>,
    referral_name: RwSignal<String>,
    referral_phone: RwSignal<String>,
    referral_email: RwSignal<String>,
    opening_hours: RwSignal<String>,
    /// `none`, `site` or `on_call`.
    cover_kind: RwSignal<String>,
    cover_site: RwSignal<String>,
    cover_name: RwSignal<String>,
    cover_phone: RwSignal<String>,
    capabilities: RwSignal<Vec<String>>,
    species: RwSignal<Vec<String>>,
    max_weight: RwSignal<String>,
    no_wildlife: RwSignal<bool>,
    referral_only: RwSignal<bool>,
    deposit_required: RwSignal<bool>,
    notes: RwSignal<String>,
}

impl SiteFields {
    /// The form filled with `site`, or empty with the defaults.
    fn new(site: Option<&Site>) -> Self {
        let text = |value: Option<String>| RwSignal::new(value.unwrap_or_default());
        let listing = site.map(|site| &site.listing);
        let contact = site.and_then(|site| site.referral_contact.as_ref());
        let cover = listing.and_then(|listing| listing.after_hours_cover.as_ref());
        let limitations = listing
            .map(|listing| listing.limitations.clone())
            .unwrap_or_default();
        let codes = |terms: Option<&Vec<warren_wire::TermRef>>| {
            RwSignal::new(
                terms
                    .map(|terms| terms.iter().map(|term| term.code.clone()).collect())
                    .unwrap_or_default(),
            )
        };
        Self {
            name: text(listing.map(|l| l.name.clone())),
            address: text(listing.map(|l| l.address.clone())),
            town: text(listing.map(|l| l.town.clone())),
            postcode: text(listing.map(|l| l.postcode.clone())),
            country: text(Some(
                listing.map_or(DEFAULT_COUNTRY.into(), |l| l.country.clone()),
            )),
            latitude: text(listing.map(|l| l.latitude.to_string())),
            longitude: text(listing.map(|l| l.longitude.to_string())),
            timezone: text(Some(
                listing.map_or(DEFAULT_TIMEZONE.into(), |l| l.timezone.clone()),
            )),
            public_phone: text(listing.and_then(|l| l.public_phone.clone())),
            private_phone: text(site.and_then(|site| site.private_phone.clone())),
            public_email: text(listing.and_then(|l| l.public_email.clone())),
            referral_name: text(contact.map(|c| c.name.to_string())),
            referral_phone: text(contact.map(|c| c.phone.to_string())),
            referral_email: text(contact.and_then(|c| c.email.as_ref().map(ToString::to_string))),
            opening_hours: text(listing.and_then(|l| l.opening_hours.clone())),
            cover_kind: RwSignal::new(
                match cover {
                    None => "none",
                    Some(cover) if cover.site_id.is_some() => "site",
                    Some(_) => "on_call",
                }
                .to_owned(),
            ),
            cover_site: text(cover.and_then(|c| c.site_id).map(|id| id.to_string())),
            cover_name: text(
                cover
                    .filter(|c| c.site_id.is_none())
                    .map(|c| c.name.clone()),
            ),
            cover_phone: text(
                cover
                    .filter(|c| c.site_id.is_none())
                    .and_then(|c| c.phone.clone()),
            ),
            capabilities: codes(listing.map(|l| &l.capabilities)),
            species: codes(listing.map(|l| &l.species)),
            max_weight: text(limitations.max_weight_grams.map(|grams| grams.to_string())),
            no_wildlife: RwSignal::new(limitations.no_wildlife),
            referral_only: RwSignal::new(limitations.referral_only),
            deposit_required: RwSignal::new(limitations.deposit_required),
            notes: text(limitations.notes.map(|notes| notes.to_string())),
        }
    }

    /// The listing, checked with the same rules as the server; `None` after
    /// recording every field error.
    fn input(&self, errors: FieldErrors) -> Option<SiteInput> {
        errors.clear();
        let value = |signal: RwSignal<String>| signal.get_untracked().trim().to_owned();
        let optional =
            |signal: RwSignal<String>| Some(value(signal)).filter(|text| !text.is_empty());
        let degrees = |field: &str, signal: RwSignal<String>| {
            let parsed = value(signal).parse::<f64>();
            if parsed.is_err() {
                errors.add(field, "must be a number of degrees, e.g. 51.4545");
            }
            parsed.ok()
        };

        let name = errors.check("name", OrgName::parse(value(self.name)));
        let address = errors.check("address", AddressLine::parse(value(self.address)));
        let town = errors.check("town", AddressLine::parse(value(self.town)));
        let postcode = errors.check("postcode", AddressLine::parse(value(self.postcode)));
        let country = errors.check("country", CountryCode::parse(&value(self.country)));
        let latitude = degrees("latitude", self.latitude)
            .and_then(|degrees| errors.check("latitude", Latitude::parse(degrees)));
        let longitude = degrees("longitude", self.longitude)
            .and_then(|degrees| errors.check("longitude", Longitude::parse(degrees)));
        let timezone = errors.check("timezone", Timezone::parse(&value(self.timezone)));
        let public_phone = optional(self.public_phone)
            .map(|phone| errors.check("public_phone", Phone::parse(phone)));
        let private_phone = optional(self.private_phone)
            .map(|phone| errors.check("private_phone", Phone::parse(phone)));
        let public_email = optional(self.public_email)
            .map(|email| errors.check("public_email", Email::parse(email)));
        let referral_contact = self.referral_contact(errors);
        // The hours' one error is in words, naming the rule not understood.
        let opening_hours = optional(self.opening_hours).map(|hours| {
            let parsed = OpeningHoursText::parse(hours.as_str()).ok();
            if parsed.is_none() {
                errors.add("opening_hours", describe_invalid(&hours));
            }
            parsed
        });
        let after_hours_cover = self.cover(errors);
        let codes = |field: &str, signal: RwSignal<Vec<String>>| {
            signal
                .get_untracked()
                .into_iter()
                .filter_map(|code| errors.check(field, TermCode::parse(code)))
                .collect::<Vec<_>>()
        };
        let capabilities = codes("capabilities", self.capabilities);
        let species = codes("species", self.species);
        let max_weight_grams = optional(self.max_weight).map(|text| {
            let grams = text.parse::<u32>().ok().filter(|grams| *grams > 0);
            if grams.is_none() {
                errors.add(
                    "limitations.max_weight_grams",
                    "must be a whole number of grams above 0",
                );
            }
            grams
        });
        let notes = optional(self.notes)
            .map(|notes| errors.check("limitations.notes", Description::parse(notes)));

        if !errors.is_empty() {
            return None;
        }
        Some(SiteInput {
            name: name?,
            address: address?,
            town: town?,
            postcode: postcode?,
            country: country?,
            latitude: latitude?,
            longitude: longitude?,
            timezone: timezone?,
            public_phone: public_phone.flatten(),
            private_phone: private_phone.flatten(),
            public_email: public_email.flatten(),
            referral_contact: referral_contact?,
            opening_hours: opening_hours.flatten(),
            after_hours_cover: after_hours_cover?,
            capabilities,
            species,
            limitations: Limitations {
                max_weight_grams: max_weight_grams.flatten(),
                no_wildlife: self.no_wildlife.get_untracked(),
                referral_only: self.referral_only.get_untracked(),
                deposit_required: self.deposit_required.get_untracked(),
                notes: notes.flatten(),
            },
        })
    }

    /// The referral contact: absent when all three fields are empty; `None`
    /// when one is wrong.
    fn referral_contact(&self, errors: FieldErrors) -> Option<Option<ReferralContact>> {
        let name = self.referral_name.get_untracked();
        let phone = self.referral_phone.get_untracked();
        let email = self.referral_email.get_untracked();
        if [&name, &phone, &email]
            .iter()
            .all(|text| text.trim().is_empty())
        {
            return Some(None);
        }
        let name = errors.check("referral_contact.name", PersonName::parse(name));
        let phone = errors.check("referral_contact.phone", Phone::parse(phone));
        let email = match email.trim() {
            "" => Some(None),
            email => errors
                .check("referral_contact.email", Email::parse(email))
                .map(Some),
        };
        Some(Some(ReferralContact {
            name: name?,
            phone: phone?,
            email: email?,
        }))
    }

    /// The after-hours cover; `None` when it is incomplete.
    fn cover(&self, errors: FieldErrors) -> Option<Option<Cover>> {
        match self.cover_kind.get_untracked().as_str() {
            "site" => match Uuid::parse_str(&self.cover_site.get_untracked()) {
                Ok(site_id) => Some(Some(Cover::Site { site_id })),
                Err(_) => {
                    errors.add("after_hours_cover.site_id", "choose the site that covers");
                    None
                }
            },
            "on_call" => {
                let name = self.cover_name.get_untracked().trim().to_owned();
                let phone = self.cover_phone.get_untracked().trim().to_owned();
                let name = errors
                    .check("after_hours_cover.name", PersonName::parse(name))
                    .map(String::from);
                let phone = errors
                    .check("after_hours_cover.phone", Phone::parse(phone))
                    .map(String::from);
                Some(Some(Cover::OnCall {
                    name: name?,
                    phone: phone?,
                }))
            }
            _ => Some(None),
        }
    }
}

/// A site that can cover for this one: id and a readable label.
#[derive(Debug, Clone, PartialEq)]
struct CoverChoice {
    id: Uuid,
    label: String,
    /// One of the same organization's sites.
    own: bool,
}

/// The organization's other sites, then the rest of the directory (the
/// first hundred, best effort).
async fn cover_choices(
    session: Session,
    organization: Uuid,
    exclude: Option<Uuid>,
) -> Result<Vec<CoverChoice>, ClientError> {
    let own = session.api().sites(organization).await?;
    let mut choices: Vec<CoverChoice> = own
        .items
        .into_iter()
        .map(|site| CoverChoice {
            id: site.listing.id,
            label: format!("{} — {}", site.listing.name, site.listing.town),
            own: true,
        })
        .collect();
    let everyone = SearchParams {
        limit: Some("100".into()),
        ..SearchParams::default()
    };
    let network = session
        .api()
        .search(&everyone)
        .await
        .map(|page| page.items)
        .unwrap_or_default();
    for hit in network {
        if !choices.iter().any(|choice| choice.id == hit.site_id) {
            choices.push(CoverChoice {
                id: hit.site_id,
                label: format!("{} ({}) — {}", hit.name, hit.organization_name, hit.town),
                own: false,
            });
        }
    }
    choices.retain(|choice| Some(choice.id) != exclude);
    choices.sort_by(|a, b| (!a.own, &a.label).cmp(&(!b.own, &b.label)));
    Ok(choices)
}

/// The site form.
#[component]
pub fn SiteForm(
    /// The site being edited; `None` for a new one.
    site: Option<Site>,
    /// The organization running the site.
    organization: Uuid,
    /// The form's field errors (the page adds the server's).
    errors: FieldErrors,
    /// Whether the listing is being sent.
    #[prop(into)]
    pending: Signal<bool>,
    /// The submit button's text.
    submit_label: &'static str,
    /// Where to go on "Cancel".
    cancel_href: String,
    /// Runs with the checked listing.
    on_submit: Callback<SiteInput>,
) -> impl IntoView {
    let session = use_session();
    let exclude = site.as_ref().map(|site| site.listing.id);
    let fields = SiteFields::new(site.as_ref());
    let terms = LocalResource::new(move || async move { session.api().taxonomy().await });
    let choices = LocalResource::new(move || cover_choices(session, organization, exclude));

    let place = PlaceTools::new(session, fields);
    place.check_on_open();
    let warnings = Memo::new(move |_| place.warnings());

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match fields.input(errors) {
            Some(input) => on_submit.run(input),
            None => reveal_problem(),
        }
    };
    let cover_radio = move |value: &'static str, label: &'static str| {
        let id = format!("cover-{}", value.replace('_', "-"));
        view! {
            <div class="checkbox">
                <input
                    type="radio"
                    id=id.clone()
                    name="cover-kind"
                    value=value
                    prop:checked=move || fields.cover_kind.with(|kind| kind == value)
                    on:change=move |_| fields.cover_kind.set(value.to_owned())
                />
                <label for=id>{label}</label>
            </div>
        }
    };
    let flag = move |id: &'static str, label: &'static str, signal: RwSignal<bool>| {
        view! {
            <div class="checkbox">
                <input
                    type="checkbox"
                    id=id
                    prop:checked=move || signal.get()
                    on:change=move |event| signal.set(event_target_checked(&event))
                />
                <label for=id>{label}</label>
            </div>
        }
    };

    view! {
        <form class="site-form" novalidate on:submit=submit aria-busy=move || pending.get().to_string()>
            <fieldset>
                <legend>"The site"</legend>
                <TextField id="site-name" label="Name" value=fields.name required=true error=errors.of("name")/>
                <TextField
                    id="site-address"
                    label="Street address"
                    value=fields.address
                    autocomplete="street-address"
                    required=true
                    error=errors.of("address")
                />
                <div class="form-grid">
                    <TextField id="site-town" label="Town" value=fields.town required=true error=errors.of("town")/>
                    <div on:focusout=move |_| place.postcode_left()>
                        <TextField
                            id="site-postcode"
                            label="Postcode"
                            value=fields.postcode
                            autocomplete="postal-code"
                            required=true
                            error=errors.of("postcode")
                        />
                    </div>
                    <div class="place-actions">
                        <button type="button" id="find-place" class="button secondary" on:click=move |_| place.find()>
                            "Find coordinates"
                        </button>
                        <button type="button" id="use-my-location" class="button secondary" on:click=move |_| place.locate()>
                            "Use my location"
                        </button>
                        <p class="hint">"From the postcode (or the town), or where you are standing now."</p>
                    </div>
                    <TextField
                        id="site-latitude"
                        label="Latitude"
                        value=fields.latitude
                        inputmode="decimal"
                        hint="Degrees, e.g. 51.4545"
                        required=true
                        error=errors.of("latitude")
                    />
                    <TextField
                        id="site-longitude"
                        label="Longitude"
                        value=fields.longitude
                        inputmode="decimal"
                        hint="Degrees, e.g. -2.5879"
                        required=true
                        error=errors.of("longitude")
                    />
                    <TextField
                        id="site-country"
                        label="Country"
                        value=fields.country
                        hint="ISO code, for public holidays"
                        required=true
                        error=errors.of("country")
                    />
                    <TextField
                        id="site-timezone"
                        label="Timezone"
                        value=fields.timezone
                        hint="The hours are read in it"
                        required=true
                        error=errors.of("timezone")
                    />
                </div>
                <p class="hint" id="place-status" role="status" aria-live="polite">{move || place.status.get()}</p>
                <Show when=move || warnings.with(|warnings| !warnings.is_empty())>
                    <div class="location-warnings" data-testid="location-warnings" role="alert">
                        {move || {
                            warnings
                                .get()
                                .into_iter()
                                .map(|warning| view! { <p>{warning.to_string()}</p> })
                                .collect_view()
                        }}
                    </div>
                </Show>
            </fieldset>
            <fieldset>
                <legend>"Contacts"</legend>
                <div class="form-grid">
                    <TextField
                        id="site-public-phone"
                        label="Public phone"
                        value=fields.public_phone
                        input_type="tel"
                        error=errors.of("public_phone")
                    />
                    <TextField
                        id="site-private-phone"
                        label="Network line"
                        value=fields.private_phone
                        input_type="tel"
                        hint="For clinics of the network only"
                        error=errors.of("private_phone")
                    />
                    <TextField
                        id="site-public-email"
                        label="Public e-mail"
                        value=fields.public_email
                        input_type="email"
                        error=errors.of("public_email")
                    />
                </div>
                <h3>"Referral contact"</h3>
                <p class="hint">"Who clinics ask for when they send an animal. Members of the network only."</p>
                <div class="form-grid">
                    <TextField
                        id="referral-name"
                        label="Name"
                        value=fields.referral_name
                        error=errors.of("referral_contact.name")
                    />
                    <TextField
                        id="referral-phone"
                        label="Direct line"
                        value=fields.referral_phone
                        input_type="tel"
                        error=errors.of("referral_contact.phone")
                    />
                    <TextField
                        id="referral-email"
                        label="E-mail"
                        value=fields.referral_email
                        input_type="email"
                        error=errors.of("referral_contact.email")
                    />
                </div>
            </fieldset>
            <fieldset>
                <legend>"Opening hours"</legend>
                <HoursEditor text=fields.opening_hours/>
            </fieldset>
            <fieldset>
                <legend>"After hours"</legend>
                <p class="hint">"Who takes this site's cases while it is closed. Searches follow the cover."</p>
                <div class="checkboxes" role="radiogroup" aria-label="After-hours cover">
                    {cover_radio("none", "No cover")}
                    {cover_radio("site", "Another site of the network")}
                    {cover_radio("on_call", "An on-call service")}
                </div>
                <Show when=move || fields.cover_kind.with(|kind| kind == "site")>
                    <Loaded resource=choices label="Loading sites…" let:choices>
                        <CoverSiteSelect choices fields errors/>
                    </Loaded>
                </Show>
                <Show when=move || fields.cover_kind.with(|kind| kind == "on_call")>
                    <div class="form-grid">
                        <TextField
                            id="cover-name"
                            label="On-call service"
                            value=fields.cover_name
                            hint="e.g. Avon Exotics on-call vet"
                            error=errors.of("after_hours_cover.name")
                        />
                        <TextField
                            id="cover-phone"
                            label="Its number"
                            value=fields.cover_phone
                            input_type="tel"
                            error=errors.of("after_hours_cover.phone")
                        />
                    </div>
                </Show>
                <FieldMessage error=errors.of("after_hours_cover")/>
            </fieldset>
            <Loaded resource=terms label="Loading the vocabulary…" let:terms>
                <TermFieldsets terms=terms.items fields errors/>
            </Loaded>
            <fieldset>
                <legend>"Limitations"</legend>
                <TextField
                    id="max-weight"
                    label="Heaviest patient, in grams"
                    value=fields.max_weight
                    inputmode="numeric"
                    hint="Leave empty for no limit."
                    error=errors.of("limitations.max_weight_grams")
                />
                <div class="checkboxes">
                    {flag("no-wildlife", "No wildlife", fields.no_wildlife)}
                    {flag("referral-only", "Referral only (from another clinic)", fields.referral_only)}
                    {flag("deposit-required", "The owner pays a deposit before treatment", fields.deposit_required)}
                </div>
                <TextArea
                    id="limitation-notes"
                    label="Anything else to know before sending an animal"
                    value=fields.notes
                    error=errors.of("limitations.notes")
                />
            </fieldset>
            <div class="form-actions">
                <button type="submit" id="save-site" class="button primary" disabled=move || pending.get()>
                    {submit_label}
                </button>
                <a class="button secondary" href=cancel_href>
                    "Cancel"
                </a>
                <Show when=move || pending.get()>
                    <span class="spinner" role="status" aria-label="Saving"></span>
                </Show>
            </div>
        </form>
    }
}

/// An error line for a group of fields.
#[component]
fn FieldMessage(error: Signal<Option<String>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|error| view! { <p class="field-error">{error}</p> })
    }
}

/// The select of the covering site.
#[component]
fn CoverSiteSelect(
    choices: Vec<CoverChoice>,
    fields: SiteFields,
    errors: FieldErrors,
) -> impl IntoView {
    let error = errors.of("after_hours_cover.site_id");
    let chosen = fields.cover_site.get_untracked();
    let unknown = Uuid::parse_str(&chosen)
        .ok()
        .filter(|id| !choices.iter().any(|choice| choice.id == *id));
    let (own, network): (Vec<_>, Vec<_>) = choices.into_iter().partition(|choice| choice.own);
    let options = move |choices: Vec<CoverChoice>| {
        choices
            .into_iter()
            .map(|choice| {
                let id = choice.id.to_string();
                let value = id.clone();
                view! {
                    <option value=value prop:selected=move || fields.cover_site.with(|chosen| *chosen == id)>
                        {choice.label}
                    </option>
                }
            })
            .collect_view()
    };
    view! {
        <div class="field">
            <label for="cover-site">"Covering site"</label>
            <select
                id="cover-site"
                aria-invalid=move || error.get().is_some().then_some("true")
                on:change=move |event| fields.cover_site.set(event_target_value(&event))
            >
                <option value="" prop:selected=move || fields.cover_site.with(String::is_empty)>
                    "Choose a site…"
                </option>
                {unknown
                    .map(|id| {
                        view! {
                            <option value=id.to_string() selected>
                                {format!("The current cover ({id})")}
                            </option>
                        }
                    })}
                <optgroup label="This organization">{options(own)}</optgroup>
                <optgroup label="Other sites of the network">{options(network)}</optgroup>
            </select>
            <FieldMessage error/>
        </div>
    }
}

/// The capability and species check-lists.
#[component]
fn TermFieldsets(terms: Vec<Term>, fields: SiteFields, errors: FieldErrors) -> impl IntoView {
    let capability_terms = capabilities(&terms);
    let groups = species_groups(&terms);
    view! {
        <fieldset id="site-capabilities">
            <legend>"What the site can do"</legend>
            <TermCheckboxes prefix="capability" terms=capability_terms chosen=fields.capabilities/>
            <FieldMessage error=errors.of("capabilities")/>
        </fieldset>
        <fieldset id="site-species">
            <legend>"Animals accepted"</legend>
            <p class="hint">"Ticking a whole group accepts every species in it."</p>
            {groups
                .into_iter()
                .map(|group| {
                    view! {
                        <h3>{group.label}</h3>
                        <TermCheckboxes prefix="species" terms=group.terms chosen=fields.species/>
                    }
                })
                .collect_view()}
            <FieldMessage error=errors.of("species")/>
        </fieldset>
    }
}

/// The form's place tools: the gazetteer's point for the postcode, finding
/// coordinates, and the browser's location.
#[derive(Clone, Copy)]
struct PlaceTools {
    session: Session,
    fields: SiteFields,
    /// The gazetteer's entry for the postcode as typed, once looked up.
    postcode_place: RwSignal<Option<Place>>,
    /// What the last lookup found, in words.
    status: RwSignal<String>,
}

impl PlaceTools {
    fn new(session: Session, fields: SiteFields) -> Self {
        Self {
            session,
            fields,
            postcode_place: RwSignal::new(None),
            status: RwSignal::new(String::new()),
        }
    }

    async fn lookup(self, text: String) -> Option<Place> {
        let lookup = PlaceLookup {
            q: text,
            limit: Some(1),
        };
        self.session
            .api()
            .lookup_place(&lookup)
            .await
            .ok()
            .and_then(|list| list.items.into_iter().next())
    }

    /// Puts `place`'s point in the coordinates, and its town and country
    /// where they are empty.
    fn fill(self, place: &Place) {
        self.fields.latitude.set(format!("{:.5}", place.latitude));
        self.fields.longitude.set(format!("{:.5}", place.longitude));
        if self
            .fields
            .town
            .with_untracked(|town| town.trim().is_empty())
        {
            self.fields.town.set(place.name.clone());
        }
        if self
            .fields
            .country
            .with_untracked(|country| country.trim().is_empty())
        {
            self.fields.country.set(place.country.clone());
        }
    }

    /// Looks the postcode up for the warnings when the form opens on a site.
    fn check_on_open(self) {
        let postcode = self.fields.postcode.get_untracked();
        if !postcode.trim().is_empty() {
            spawn_local(async move {
                let found = self.lookup(postcode).await;
                self.postcode_place
                    .set(found.filter(|place| place.kind == PlaceKind::Postcode));
            });
        }
    }

    /// The postcode field was left: look it up; fill empty coordinates.
    fn postcode_left(self) {
        let postcode = self.fields.postcode.get_untracked().trim().to_owned();
        let known = self
            .postcode_place
            .with_untracked(|place| place.as_ref().and_then(|place| place.postcode.clone()));
        if postcode.is_empty() || known.is_some_and(|known| known.eq_ignore_ascii_case(&postcode)) {
            return;
        }
        spawn_local(async move {
            let found = self
                .lookup(postcode)
                .await
                .filter(|place| place.kind == PlaceKind::Postcode);
            let empty = self
                .fields
                .latitude
                .with_untracked(|text| text.trim().is_empty())
                && self
                    .fields
                    .longitude
                    .with_untracked(|text| text.trim().is_empty());
            if let (Some(place), true) = (&found, empty) {
                self.fill(place);
                self.status
                    .set(format!("Coordinates filled in from {}.", place.label()));
            }
            self.postcode_place.set(found);
        });
    }

    /// "Find coordinates": from the postcode, else from the town.
    fn find(self) {
        let postcode = self.fields.postcode.get_untracked().trim().to_owned();
        let town = self.fields.town.get_untracked().trim().to_owned();
        let (text, by_postcode) = if postcode.is_empty() {
            (town, false)
        } else {
            (postcode, true)
        };
        if text.is_empty() {
            self.status
                .set("Type the postcode or the town first.".to_owned());
            return;
        }
        self.status.set(format!("Looking up {text}…"));
        spawn_local(async move {
            match self.lookup(text.clone()).await {
                Some(place) => {
                    self.fill(&place);
                    let area = place
                        .admin_area
                        .as_ref()
                        .map(|area| format!(", {area}"))
                        .unwrap_or_default();
                    self.status.set(format!(
                        "Found {}{area} ({}): the coordinates are filled in.",
                        place.label(),
                        place.country
                    ));
                    if by_postcode && place.kind == PlaceKind::Postcode {
                        // The postcode as published: "bs16nb" becomes "BS1 6NB".
                        if let Some(postcode) = &place.postcode {
                            self.fields.postcode.set(postcode.clone());
                        }
                        self.postcode_place.set(Some(place));
                    }
                }
                None => self.status.set(format!(
                    "No town or postcode called “{text}” is known: type the coordinates instead."
                )),
            }
        });
    }

    /// "Use my location": the browser's position, asked for once.
    fn locate(self) {
        let Some(geolocation) =
            web_sys::window().and_then(|window| window.navigator().geolocation().ok())
        else {
            self.status
                .set("This browser cannot share its location.".to_owned());
            return;
        };
        self.status
            .set("Asking the browser where you are…".to_owned());
        let found = Closure::once_into_js(move |position: JsValue| {
            let degrees = |name: &str| {
                js_sys::Reflect::get(&position, &"coords".into())
                    .and_then(|coords| js_sys::Reflect::get(&coords, &name.into()))
                    .ok()
                    .and_then(|value| value.as_f64())
            };
            let (Some(latitude), Some(longitude)) = (degrees("latitude"), degrees("longitude"))
            else {
                return;
            };
            self.fields.latitude.set(format!("{latitude:.5}"));
            self.fields.longitude.set(format!("{longitude:.5}"));
            self.status.set(
                "Your location is filled in: check it is the site's, not somewhere else."
                    .to_owned(),
            );
        });
        let refused = Closure::once_into_js(move |_: JsValue| {
            self.status.set(
                "Your location is not available: allow it in the browser, or use Find.".to_owned(),
            );
        });
        if geolocation
            .get_current_position_with_error_callback(
                found.unchecked_ref(),
                Some(refused.unchecked_ref()),
            )
            .is_err()
        {
            self.status
                .set("This browser cannot share its location.".to_owned());
        }
    }

    /// What disagrees between the coordinates, the postcode and the country.
    fn warnings(self) -> Vec<LocationWarning> {
        let Some(place) = self.postcode_place.get() else {
            return Vec::new();
        };
        // Only while the postcode is still the one looked up.
        let postcode = self.fields.postcode.get();
        if place.postcode.as_deref().is_none_or(|known| {
            warren_domain::places::postcode_key(known)
                != warren_domain::places::postcode_key(&postcode)
        }) {
            return Vec::new();
        }
        let degrees = |signal: RwSignal<String>| signal.get().trim().parse::<f64>().ok();
        match (
            degrees(self.fields.latitude),
            degrees(self.fields.longitude),
        ) {
            (Some(latitude), Some(longitude)) => {
                check_site_location(latitude, longitude, &self.fields.country.get(), &place)
            }
            _ => Vec::new(),
        }
    }
}

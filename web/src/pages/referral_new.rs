//! `/referrals/new`: the referral form, which hands a patient over to
//! another organization's sites; the first of them to accept gets it.
//!
//! Up to five receiving sites, picked from a directory search (nearest
//! first, open and accepting by default) or from an assessment's
//! recommended destinations; the patient, the owner or finder, why it is
//! referred with its history, medications and allergies, the priority (a
//! triage tier), the capabilities the case needs and whether transport is
//! needed. Sent at once, or kept as a draft.
//!
//! `?assessment=<id>` carries an assessment over in one click: its tier,
//! result and needs, the species and patient, and its recommended
//! destinations offered as receivers (`&to=<site>` picks one already).
//! `?record=<id>` hands an animal on, or back, with its patient record: the
//! species, name, sex, identifiers and latest weight come from the record,
//! the referring organization is the one holding the animal, and the record
//! travels with the referral (`patient_record_id`), so whoever accepts it
//! reads and writes it next.
//! Fields are checked with the domain's own rules before sending; the
//! server's field errors (422) are shown next to the same fields.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;
use warren_client::ClientError;
use warren_domain::directory::search::SearchParams;
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::referral::{Contact, MAX_RECEIVERS, Patient, Sex, Weight};
use warren_domain::triage::Tier;
use warren_domain::{ClinicalNote, Email, Phone, Role, ShortText};
use warren_wire::{
    AssessmentRecord, CreateReferralRequest, EntryDetails, PatientRecord, SearchHit, Term,
};

use crate::components::{
    AvailabilityBadge, ErrorAlert, FieldErrors, Loaded, RequireSignIn, SpeciesOptions, TermChips,
    TextArea, TextField, capabilities, reveal_problem, tier_name,
};
use crate::idempotency::IdempotencyKey;
use crate::local_time;
use crate::offline::{TAXONOMY_KEY, read_through};
use crate::session::{Session, use_session};

/// The field names of the receivers, as the server names them.
const RECEIVER_FIELDS: [&str; MAX_RECEIVERS] = [
    "receivers[0]",
    "receivers[1]",
    "receivers[2]",
    "receivers[3]",
    "receivers[4]",
];

/// The referral form.
#[component]
pub fn NewReferralPage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <NewReferral/>
        </RequireSignIn>
    }
}

/// What the form starts from: the vocabulary; with `?assessment=`, the
/// assessment with the labels of its protocol's signs; with `?record=`, the
/// patient record that goes with the referral.
#[derive(Clone)]
struct Start {
    terms: Vec<Term>,
    assessment: Option<(AssessmentRecord, BTreeMap<String, String>)>,
    record: Option<PatientRecord>,
}

async fn start(
    session: Session,
    assessment: Option<Uuid>,
    record: Option<Uuid>,
) -> Result<Start, ClientError> {
    let terms = read_through(TAXONOMY_KEY, async move { session.api().taxonomy().await })
        .await?
        .value
        .items;
    let assessment = match assessment {
        Some(id) => {
            let record = session.api().assessment(id).await?;
            let version = record.result.protocol_version;
            let signs = session
                .client()
                .triage_protocol_version(version)
                .await
                .map(|version| {
                    version
                        .protocol
                        .discriminators
                        .into_iter()
                        .map(|sign| (sign.code, sign.label))
                        .collect()
                })
                .unwrap_or_default();
            Some((record, signs))
        }
        None => None,
    };
    let record = match record {
        Some(id) => Some(session.api().patient_record(id).await?.value),
        None => None,
    };
    Ok(Start {
        terms,
        assessment,
        record,
    })
}

#[component]
fn NewReferral() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let (assessment, to, record) = query.with_untracked(|query| {
        let id = |key: &str| query.get(key).and_then(|id| Uuid::parse_str(&id).ok());
        (id("assessment"), id("to"), id("record"))
    });
    let loaded = LocalResource::new(move || start(session, assessment, record));
    view! {
        <header class="page-header">
            <p class="eyebrow">
                <a href="/referrals">"Referrals"</a>
            </p>
            <h1>"New referral"</h1>
            <p class="lead">"Send a patient to another clinic or rescue — up to five at once; the first to accept takes it."</p>
        </header>
        <Loaded resource=loaded label="Loading the form…" let:start>
            <ReferralForm terms=start.terms assessment=start.assessment record=start.record to/>
        </Loaded>
    }
}

/// A receiving site chosen on the form.
#[derive(Debug, Clone, PartialEq)]
struct Receiver {
    site_id: Uuid,
    name: String,
    organization_name: String,
}

impl From<&SearchHit> for Receiver {
    fn from(hit: &SearchHit) -> Self {
        Self {
            site_id: hit.site_id,
            name: hit.name.clone(),
            organization_name: hit.organization_name.clone(),
        }
    }
}

/// One of the referring organization's sites.
#[derive(Debug, Clone, PartialEq)]
struct OwnSite {
    id: Uuid,
    name: String,
    latitude: f64,
    longitude: f64,
}

/// Adds `site` to the receivers unless it is there or the list is full.
fn add_receiver(receivers: RwSignal<Vec<Receiver>>, site: Receiver) {
    receivers.update(|receivers| {
        if receivers.len() < MAX_RECEIVERS && !receivers.iter().any(|r| r.site_id == site.site_id) {
            receivers.push(site);
        }
    });
}

/// The form itself.
#[component]
fn ReferralForm(
    terms: Vec<Term>,
    assessment: Option<(AssessmentRecord, BTreeMap<String, String>)>,
    record: Option<PatientRecord>,
    to: Option<Uuid>,
) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let errors = FieldErrors::new();
    let idempotency = IdempotencyKey::new();
    let signs = assessment
        .as_ref()
        .map(|(_, signs)| signs.clone())
        .unwrap_or_default();
    let assessment = assessment.map(|(record, _)| record);

    // The organizations the person may refer for: not as a volunteer.
    let actors: Vec<(Uuid, String)> = untrack(|| session.memberships())
        .into_iter()
        .filter(|membership| membership.role != Role::Volunteer)
        .map(|membership| (membership.organization.id, membership.organization.name))
        .collect();
    // The organization holding the animal hands it on.
    let holder = record.as_ref().and_then(|record| {
        record
            .custody
            .iter()
            .find(|custody| custody.until.is_none())
            .map(|custody| custody.organization_id)
    });
    let first_org = assessment
        .as_ref()
        .map(|record| record.organization_id)
        .or(holder.filter(|holder| actors.iter().any(|(id, _)| id == holder)))
        .or_else(|| actors.first().map(|(id, _)| *id));
    let organization = RwSignal::new(first_org);
    let sites = LocalResource::new(move || {
        let organization = organization.get();
        async move {
            let Some(organization) = organization else {
                return Vec::new();
            };
            session
                .api()
                .sites(organization)
                .await
                .map(|list| {
                    list.items
                        .into_iter()
                        .map(|site| OwnSite {
                            id: site.listing.id,
                            name: site.listing.name,
                            latitude: site.listing.latitude,
                            longitude: site.listing.longitude,
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        }
    });
    let from_site = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(sites) = sites.get() {
            let known = from_site
                .with_untracked(|chosen| sites.iter().any(|site| site.id.to_string() == *chosen));
            if !known {
                from_site.set(
                    sites
                        .first()
                        .map(|site| site.id.to_string())
                        .unwrap_or_default(),
                );
            }
        }
    });

    let species = RwSignal::new(
        record
            .as_ref()
            .map(|record| record.species.clone())
            .or_else(|| assessment.as_ref().map(|record| record.species.clone()))
            .unwrap_or_default(),
    );
    let name = RwSignal::new(
        record
            .as_ref()
            .map(|record| record.name.clone())
            .or_else(|| {
                assessment
                    .as_ref()
                    .and_then(|record| record.patient.clone())
            })
            .unwrap_or_default(),
    );
    let sex = RwSignal::new(
        record
            .as_ref()
            .map(|record| record.sex)
            .filter(|sex| *sex != Sex::Unknown)
            .map(|sex| sex.as_str().to_owned())
            .unwrap_or_default(),
    );
    let age = RwSignal::new(
        record
            .as_ref()
            .map(|record| record.age_class)
            .filter(|age| *age != warren_wire::AgeClass::Unknown)
            .map(|age| age.label().to_owned())
            .unwrap_or_default(),
    );
    let weight = RwSignal::new(
        record
            .as_ref()
            .and_then(|record| {
                record
                    .entries
                    .iter()
                    .rev()
                    .find_map(|entry| match entry.details {
                        EntryDetails::Weight { grams } => Some(grams.grams().to_string()),
                        _ => None,
                    })
            })
            .unwrap_or_default(),
    );
    let identifiers = RwSignal::new(
        record
            .as_ref()
            .map(|record| {
                record
                    .identifiers
                    .iter()
                    .map(|identifier| identifier.value.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
    );
    let patient_record_id = record.as_ref().map(|record| record.id);
    let carried = record.as_ref().map(|record| {
        let holder = record
            .custody
            .iter()
            .find(|custody| custody.until.is_none())
            .map(|custody| custody.organization_name.clone())
            .unwrap_or_default();
        (record.name.clone(), record.stage.label(), holder)
    });
    let contact_name = RwSignal::new(String::new());
    let contact_phone = RwSignal::new(String::new());
    let contact_email = RwSignal::new(String::new());
    let reason = RwSignal::new(
        assessment
            .as_ref()
            .map(|record| {
                let tier = &record.result.tier;
                let mut text = format!("Triage tier {} ({})", tier.tier.number(), tier.name);
                if let Some(fired) = &record.result.fired {
                    let label = signs
                        .get(fired)
                        .cloned()
                        .unwrap_or_else(|| fired.replace('_', " "));
                    text.push_str(&format!(": {label}"));
                }
                text.push('.');
                text
            })
            .unwrap_or_default(),
    );
    let history = RwSignal::new(String::new());
    let medications = RwSignal::new(String::new());
    let allergies = RwSignal::new(String::new());
    let priority = RwSignal::new(assessment.as_ref().map(|record| record.result.tier.tier));
    let needs = RwSignal::new(
        assessment
            .as_ref()
            .map(|record| record.result.capabilities.clone())
            .unwrap_or_default(),
    );
    let transport_needed = RwSignal::new(false);
    let recommended = assessment
        .as_ref()
        .map(|record| record.destinations.clone())
        .unwrap_or_default();
    let receivers = RwSignal::new(Vec::<Receiver>::new());
    if let Some(site) = to.and_then(|to| recommended.iter().find(|hit| hit.site_id == to)) {
        add_receiver(receivers, Receiver::from(site));
    }
    let assessment_id = assessment.as_ref().map(|record| record.id);
    let assessed = assessment.as_ref().map(|record| {
        (
            record.result.tier.clone(),
            record.patient.clone(),
            local_time::date_time(record.assessed_at),
            record.assessed_by.clone(),
        )
    });

    let create = Action::new_local(
        move |(request, organization): &(CreateReferralRequest, Uuid)| {
            let (request, organization) = (request.clone(), *organization);
            let key = idempotency.for_body(&request);
            let navigate = navigate.clone();
            async move {
                let created = session
                    .api()
                    .create_referral(organization, &request, Some(&key))
                    .await;
                match &created {
                    Ok(created) => {
                        idempotency.finish();
                        let href = match created.items.as_slice() {
                            [only] => format!("/referrals/{}", only.id),
                            _ => "/referrals?box=outgoing".to_owned(),
                        };
                        navigate(&href, NavigateOptions::default());
                    }
                    Err(error) => {
                        errors.absorb(error);
                        reveal_problem();
                    }
                }
                created.map(|_| ())
            }
        },
    );
    let pending = create.pending();
    let failure = Signal::derive(move || create.value().get().and_then(Result::err));

    // Reads the form; `None` after recording what is wrong.
    let request = move |draft: bool| -> Option<(CreateReferralRequest, Uuid)> {
        errors.clear();
        let optional = |field: &str, value: RwSignal<String>| {
            let text = value.get_untracked();
            if text.trim().is_empty() {
                Some(None)
            } else {
                errors.check(field, ShortText::parse(text)).map(Some)
            }
        };
        let note = |field: &str, value: RwSignal<String>| {
            let text = value.get_untracked();
            if text.trim().is_empty() {
                Some(None)
            } else {
                errors.check(field, ClinicalNote::parse(text)).map(Some)
            }
        };
        let organization = organization.get_untracked();
        if organization.is_none() {
            errors.add(
                "organization",
                "only admins, clinicians and staff of a member organization send referrals",
            );
        }
        let chosen = receivers.get_untracked();
        if chosen.is_empty() {
            errors.add("receivers", "choose at least one site to send to");
        }
        let species = errors.check("species", TermCode::parse(species.get_untracked()));
        let name = optional("patient.name", name);
        let age = optional("patient.age", age);
        let weight_text = weight.get_untracked();
        let weight_grams = if weight_text.trim().is_empty() {
            Some(None)
        } else {
            let grams = weight_text
                .trim()
                .parse::<u32>()
                .map_err(|_| "must be a whole number of grams")
                .and_then(Weight::try_from);
            errors.check("patient.weight_grams", grams).map(Some)
        };
        let mut ids = Vec::new();
        for line in identifiers
            .get_untracked()
            .split([',', '\n'])
            .map(str::trim)
            .filter(|line| !line.is_empty())
        {
            if let Some(id) = errors.check("patient.identifiers", ShortText::parse(line)) {
                ids.push(id);
            }
        }
        let contact_given = [contact_name, contact_phone, contact_email]
            .iter()
            .any(|value| !value.with_untracked(|text| text.trim().is_empty()));
        let contact = if contact_given {
            let name = errors.check(
                "contact.name",
                ShortText::parse(contact_name.get_untracked()),
            );
            let phone_text = contact_phone.get_untracked();
            let phone = if phone_text.trim().is_empty() {
                Some(None)
            } else {
                errors
                    .check("contact.phone", Phone::parse(phone_text))
                    .map(Some)
            };
            let email_text = contact_email.get_untracked();
            let email = if email_text.trim().is_empty() {
                Some(None)
            } else {
                errors
                    .check("contact.email", Email::parse(email_text))
                    .map(Some)
            };
            match (name, phone, email) {
                (Some(name), Some(phone), Some(email)) => {
                    Some(Some(Contact { name, phone, email }))
                }
                _ => None,
            }
        } else {
            Some(None)
        };
        let reason = errors.check("reason", ClinicalNote::parse(reason.get_untracked()));
        let history = note("history", history);
        let medications = note("medications", medications);
        let allergies = note("allergies", allergies);
        let priority = priority.get_untracked();
        if priority.is_none() && assessment_id.is_none() {
            errors.add("priority", "choose how urgent it is");
        }
        let mut capabilities = Vec::new();
        for code in needs.get_untracked() {
            if let Some(code) = errors.check("capabilities", TermCode::parse(code)) {
                capabilities.push(code);
            }
        }
        let sex = Sex::parse(&sex.get_untracked());
        if !errors.is_empty() {
            return None;
        }
        let request = CreateReferralRequest {
            receivers: chosen.iter().map(|receiver| receiver.site_id).collect(),
            from_site_id: Uuid::parse_str(&from_site.get_untracked()).ok(),
            species: species?,
            patient: Patient {
                name: name?,
                sex,
                age: age?,
                weight_grams: weight_grams?,
                identifiers: ids,
            },
            contact: contact?,
            reason: reason?,
            history: history?,
            medications: medications?,
            allergies: allergies?,
            assessment_id,
            priority,
            capabilities,
            transport_needed: transport_needed.get_untracked(),
            draft,
            patient_record_id,
        };
        Some((request, organization?))
    };
    let submit = move |draft: bool| match request(draft) {
        Some(input) => {
            create.dispatch(input);
        }
        None => reveal_problem(),
    };

    let capability_terms = capabilities(&terms);
    let receivers_error = errors.of("receivers");
    let receiver_errors: Vec<Signal<Option<String>>> = RECEIVER_FIELDS
        .iter()
        .map(|field| errors.of(field))
        .collect();
    let priority_error = errors.of("priority");
    let several_orgs = actors.len() > 1;
    view! {
        {assessed
            .map(|(tier, patient, at, by)| {
                view! {
                    <div class="alert alert-info carried" data-testid="carried-over">
                        <p>
                            <strong>"From the assessment: "</strong>
                            <span class="tier-badge" data-tier=tier.tier.number().to_string()>
                                {format!("{} · {}", tier.tier.number(), tier.name)}
                            </span>
                            {format!(" {} · assessed {at} by {by}.", patient.unwrap_or_default())}
                        </p>
                        <p class="alert-meta">"Its tier, result and needs go with the referral; check the rest and send."</p>
                    </div>
                }
            })}
        {carried
            .map(|(name, stage, holder)| {
                let error = errors.of("patient_record_id");
                view! {
                    <div class="alert alert-info carried" data-testid="record-carried">
                        <p>
                            <strong>"The patient record goes with it: "</strong>
                            {format!("{name}, at {}, held by {holder}.", stage.to_lowercase())}
                        </p>
                        <p class="alert-meta">"Whoever accepts the referral holds the animal next, and reads and writes its record; you keep reading it."</p>
                        {move || error.get().map(|error| view! { <p class="field-error" role="alert">{error}</p> })}
                    </div>
                }
            })}
        <ErrorAlert error=failure/>
        <form class="referral-form" novalidate on:submit=move |event| {
            event.prevent_default();
            submit(false);
        }>
            <section class="card" aria-labelledby="to-heading">
                <h2 id="to-heading">"Send to"</h2>
                {move || errors.of("organization").get().map(|error| view! { <p class="field-error" role="alert">{error}</p> })}
                {several_orgs
                    .then(|| {
                        let actors = actors.clone();
                        view! {
                            <div class="field narrow-field">
                                <label for="organization">"Referring organization"</label>
                                <select
                                    id="organization"
                                    on:change=move |event| {
                                        organization.set(Uuid::parse_str(&event_target_value(&event)).ok());
                                    }
                                >
                                    {actors
                                        .into_iter()
                                        .map(|(id, name)| {
                                            view! {
                                                <option value=id.to_string() prop:selected=move || organization.get() == Some(id)>
                                                    {name}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </div>
                        }
                    })}
                <div class="field narrow-field">
                    <label for="from-site">"The animal is at"</label>
                    <select id="from-site" on:change=move |event| from_site.set(event_target_value(&event))>
                        {move || {
                            sites
                                .get()
                                .unwrap_or_default()
                                .into_iter()
                                .map(|site| {
                                    let id = site.id.to_string();
                                    let chosen = id.clone();
                                    view! {
                                        <option value=id prop:selected=move || from_site.with(|from| *from == chosen)>
                                            {site.name}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                    {move || errors.of("from_site_id").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                <div id="receivers" class="receivers" aria-invalid=move || receivers_error.get().is_some().then_some("true")>
                    <h3 class="small-heading">
                        {move || format!("Receivers ({} of {MAX_RECEIVERS})", receivers.with(Vec::len))}
                    </h3>
                    {move || {
                        let chosen = receivers.get();
                        if chosen.is_empty() {
                            return view! { <p class="empty">"None yet: add a site below."</p> }.into_any();
                        }
                        view! {
                            <ul class="receiver-list">
                                {chosen
                                    .into_iter()
                                    .enumerate()
                                    .map(|(index, receiver)| {
                                        let site = receiver.site_id;
                                        let error = receiver_errors.get(index).copied();
                                        view! {
                                            <li class="receiver" data-testid="receiver" data-site-id=site.to_string()>
                                                <div>
                                                    <strong>{receiver.name}</strong>
                                                    <span class="muted">" · " {receiver.organization_name}</span>
                                                    {error.map(|error| move || error.get().map(|error| view! { <p class="field-error">{error}</p> }))}
                                                </div>
                                                <button
                                                    type="button"
                                                    class="button secondary small"
                                                    on:click=move |_| receivers.update(|receivers| receivers.retain(|r| r.site_id != site))
                                                >
                                                    "Remove"
                                                </button>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any()
                    }}
                    {move || receivers_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                {(!recommended.is_empty())
                    .then(|| {
                        let recommended = recommended.clone();
                        view! {
                            <h3 class="small-heading">"Recommended by the assessment"</h3>
                            <PickList hits=recommended receivers organization/>
                        }
                    })}
                <SitePicker species needs receivers organization sites=Signal::derive(move || sites.get().unwrap_or_default()) from_site/>
            </section>

            <section class="card" aria-labelledby="patient-heading">
                <h2 id="patient-heading">"Patient"</h2>
                <div class="form-grid">
                    <div class="field">
                        <label for="species">"Species" <span class="required" aria-hidden="true">" *"</span></label>
                        <select
                            id="species"
                            aria-invalid=move || errors.of("species").get().is_some().then_some("true")
                            on:change=move |event| species.set(event_target_value(&event))
                        >
                            <option value="" prop:selected=move || species.with(String::is_empty)>"Choose…"</option>
                            <SpeciesOptions terms=terms.clone() chosen=species/>
                        </select>
                        {move || errors.of("species").get().map(|error| view! { <p class="field-error">{error}</p> })}
                    </div>
                    <TextField id="patient-name" label="Name or description" value=name hint="E.g. “Pepper” or “adult rat, found in a garden”." error=errors.of("patient.name")/>
                    <div class="field">
                        <label for="sex">"Sex"</label>
                        <select id="sex" on:change=move |event| sex.set(event_target_value(&event))>
                            <option value="" prop:selected=move || sex.with(String::is_empty)>"Not given"</option>
                            {Sex::ALL
                                .iter()
                                .copied()
                                .map(|option| {
                                    view! {
                                        <option value=option.as_str() prop:selected=move || sex.with(|sex| sex == option.as_str())>
                                            {option.label()}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <TextField id="age" label="Age" value=age hint="E.g. “2 years”, “juvenile”." error=errors.of("patient.age")/>
                    <TextField id="weight" label="Weight (g)" value=weight inputmode="numeric" hint="Whole grams, e.g. 350." error=errors.of("patient.weight_grams")/>
                    <TextField id="identifiers" label="Identifiers" value=identifiers hint="Microchip, ring or record numbers, separated by commas." error=errors.of("patient.identifiers")/>
                </div>
                <h3 class="small-heading">"Owner or finder"</h3>
                <p class="hint">"Shown only to the organizations in the referral."</p>
                <div class="form-grid">
                    <TextField id="contact-name" label="Name" value=contact_name autocomplete="off" error=errors.of("contact.name")/>
                    <TextField id="contact-phone" label="Phone" value=contact_phone input_type="tel" inputmode="tel" autocomplete="off" error=errors.of("contact.phone")/>
                    <TextField id="contact-email" label="E-mail" value=contact_email input_type="email" autocomplete="off" error=errors.of("contact.email")/>
                </div>
            </section>

            <section class="card" aria-labelledby="clinical-heading">
                <h2 id="clinical-heading">"Clinical"</h2>
                <fieldset id="priority" class="chip-set" aria-invalid=move || priority_error.get().is_some().then_some("true")>
                    <legend>
                        "Priority"
                        {assessment_id.is_none().then_some(view! { <span class="required" aria-hidden="true">" *"</span> })}
                    </legend>
                    <div class="tier-picker">
                        {Tier::ALL
                            .into_iter()
                            .map(|tier| {
                                let number = tier.number();
                                view! {
                                    <label class="tier-option" data-tier=number.to_string()>
                                        <input
                                            type="radio"
                                            name="priority"
                                            value=number.to_string()
                                            prop:checked=move || priority.get() == Some(tier)
                                            on:change=move |_| priority.set(Some(tier))
                                        />
                                        <span>{format!("{number} · {}", tier_name(tier))}</span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                    {move || priority_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
                </fieldset>
                <TextArea id="reason" label="Why referred" value=reason hint="Required: what the receiver must know first." error=errors.of("reason")/>
                <div class="form-grid">
                    <TextArea id="history" label="History" value=history error=errors.of("history")/>
                    <TextArea id="medications" label="Current medications" value=medications error=errors.of("medications")/>
                    <TextArea id="allergies" label="Allergies" value=allergies error=errors.of("allergies")/>
                </div>
                <fieldset id="capabilities" class="chip-set">
                    <legend>"Needs"</legend>
                    <TermChips terms=capability_terms chosen=needs/>
                    {move || errors.of("capabilities").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </fieldset>
                <label class="switch">
                    <input
                        id="transport-needed"
                        type="checkbox"
                        prop:checked=move || transport_needed.get()
                        on:change=move |event| transport_needed.set(event_target_checked(&event))
                    />
                    <span>"Transport needed"</span>
                </label>
                {move || errors.of("assessment_id").get().map(|error| view! { <p class="field-error">{error}</p> })}
            </section>

            <div class="form-actions referral-form-actions">
                <button type="submit" class="button primary large" data-testid="send-referral" disabled=move || pending.get()>
                    "Send referral"
                </button>
                <button type="button" class="button secondary" data-testid="save-draft" disabled=move || pending.get() on:click=move |_| submit(true)>
                    "Save as draft"
                </button>
                <Show when=move || pending.get()>
                    <span class="spinner" role="status" aria-label="Sending"></span>
                </Show>
            </div>
        </form>
    }
}

/// Sites to pick from, each with an "Add" button; the referring
/// organization's own sites cannot be picked.
#[component]
fn PickList(
    hits: Vec<SearchHit>,
    receivers: RwSignal<Vec<Receiver>>,
    organization: RwSignal<Option<Uuid>>,
) -> impl IntoView {
    let at = local_time::now();
    view! {
        <ul class="pick-list">
            {hits
                .into_iter()
                .map(|hit| {
                    let site = hit.site_id;
                    let own_org = hit.organization_id;
                    let receiver = Receiver::from(&hit);
                    let chosen = move || receivers.with(|receivers| receivers.iter().any(|r| r.site_id == site));
                    let full = move || receivers.with(|receivers| receivers.len() >= MAX_RECEIVERS);
                    let own = move || organization.get() == Some(own_org);
                    let distance = hit.distance_km.map(|km| format!("{km:.1} km"));
                    view! {
                        <li class="pick-row" data-testid="pick" data-site-id=site.to_string()>
                            <AvailabilityBadge availability=hit.availability.clone() at/>
                            <div class="pick-main">
                                <strong>{hit.name.clone()}</strong>
                                <span class="muted small">
                                    {format!("{} · {}", hit.organization_name, hit.town)}
                                    {distance.map(|distance| format!(" · {distance}"))}
                                </span>
                            </div>
                            <button
                                type="button"
                                class="button secondary small"
                                data-testid="add-receiver"
                                disabled=move || chosen() || full() || own()
                                on:click=move |_| add_receiver(receivers, receiver.clone())
                            >
                                {move || {
                                    if own() {
                                        "Your own site"
                                    } else if chosen() {
                                        "Added ✓"
                                    } else {
                                        "Add"
                                    }
                                }}
                            </button>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// A directory search for receivers: the species and needs of the form,
/// open or covered and accepting now, nearest the animal first.
#[component]
fn SitePicker(
    species: RwSignal<String>,
    needs: RwSignal<Vec<String>>,
    receivers: RwSignal<Vec<Receiver>>,
    organization: RwSignal<Option<Uuid>>,
    sites: Signal<Vec<OwnSite>>,
    from_site: RwSignal<String>,
) -> impl IntoView {
    let session = use_session();
    let text = RwSignal::new(String::new());
    let open_now = RwSignal::new(true);
    let search = Action::new_local(move |params: &SearchParams| {
        let params = params.clone();
        async move { session.api().search(&params).await }
    });
    let run = move || {
        let nonempty = |text: String| (!text.trim().is_empty()).then(|| text.trim().to_owned());
        let point = sites.with_untracked(|sites| {
            from_site.with_untracked(|from| {
                sites
                    .iter()
                    .find(|site| site.id.to_string() == *from)
                    .map(|site| (site.latitude, site.longitude))
            })
        });
        let params = SearchParams {
            species: nonempty(species.get_untracked()),
            capabilities: nonempty(needs.get_untracked().join(",")),
            at: None,
            open: open_now.get_untracked().then(|| "true".into()),
            accepting: Some("true".into()),
            lat: point.map(|(lat, _)| lat.to_string()),
            lon: point.map(|(_, lon)| lon.to_string()),
            radius_km: None,
            near: None,
            q: nonempty(text.get_untracked()),
            weight_grams: None,
            offset: None,
            limit: Some("10".into()),
        };
        search.dispatch(params);
    };
    let pending = search.pending();
    view! {
        <div class="site-picker" role="search">
            <h3 class="small-heading">"Find a site"</h3>
            <div class="input-with-button">
                <input
                    id="site-search"
                    type="search"
                    placeholder="Name, town or postcode (optional)"
                    aria-label="Search the directory"
                    bind:value=text
                    on:keydown=move |event| {
                        if event.key() == "Enter" {
                            event.prevent_default();
                            run();
                        }
                    }
                />
                <button type="button" id="find-sites" class="button secondary" disabled=move || pending.get() on:click=move |_| run()>
                    "Search"
                </button>
            </div>
            <label class="switch picker-toggle">
                <input type="checkbox" prop:checked=move || open_now.get() on:change=move |event| open_now.set(event_target_checked(&event))/>
                <span>"Open or covered now"</span>
            </label>
            <p class="hint">"Uses the species and needs below; the nearest sites first."</p>
            {move || match search.value().get() {
                None => ().into_any(),
                Some(Err(error)) => view! { <ErrorAlert error=Signal::stored(Some(error))/> }.into_any(),
                Some(Ok(page)) if page.items.is_empty() => {
                    view! { <p class="empty">"No site matches. Try without “Open or covered now”, or fewer needs."</p> }.into_any()
                }
                Some(Ok(page)) => view! { <PickList hits=page.items receivers organization/> }.into_any(),
            }}
        </div>
    }
}

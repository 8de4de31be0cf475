//! What the form carried: the clinical and patient cards, and both parties
//! with a button to call each.

use super::*;

/// Reason, history, medications, allergies, the triage result and the
/// capabilities needed.
#[component]
pub(super) fn ClinicalCard() -> impl IntoView {
    let page = use_page();
    let referral = page.referral;
    let session = page.session;
    let version = Memo::new(move |_| {
        referral.with(|referral| {
            referral
                .triage
                .as_ref()
                .map(|triage| triage.protocol_version)
        })
    });
    // The signs' labels as they were in the protocol version assessed under.
    let protocol = LocalResource::new(move || {
        let version = version.get();
        let client = session.client();
        async move {
            match version {
                Some(version) => client
                    .triage_protocol_version(version)
                    .await
                    .ok()
                    .map(|version| version.protocol),
                None => None,
            }
        }
    });
    let sign = |protocol: &Option<Protocol>, code: &str| {
        protocol
            .as_ref()
            .and_then(|protocol| {
                protocol
                    .discriminators
                    .iter()
                    .find(|sign| sign.code == code)
            })
            .map_or_else(|| code.replace('_', " "), |sign| sign.label.clone())
    };
    view! {
        <section class="card" aria-labelledby="clinical-heading" data-testid="clinical">
            <h2 id="clinical-heading">"Why referred"</h2>
            {move || {
                let referral = referral.get();
                let protocol = protocol.get().flatten();
                let labels = page.labels.get();
                let triage = referral.triage.clone().map(|triage| {
                    let fired = triage.fired.as_deref().map(|code| sign(&protocol, code));
                    let present: Vec<String> = triage
                        .present
                        .iter()
                        .map(|code| sign(&protocol, code))
                        .collect();
                    view! {
                        <div class="triage-summary" data-testid="triage">
                            <TierBadge spec=triage.tier.clone()/>
                            {fired.map(|fired| view! { <strong class="triage-fired">{format!("Because: {fired}")}</strong> })}
                            {(!present.is_empty())
                                .then(|| {
                                    view! {
                                        <p class="muted small">{format!("Signs present: {}", present.join(", "))}</p>
                                    }
                                })}
                        </div>
                    }
                });
                let assessment = referral
                    .assessment_id
                    .filter(|_| referral.side == "referrer")
                    .map(|id| {
                        view! {
                            <p class="small">
                                <a href=format!("/assessments/{id}")>"Open the assessment"</a>
                            </p>
                        }
                    });
                let capabilities: Vec<String> = referral
                    .capabilities
                    .iter()
                    .map(|code| label_of(&labels, code))
                    .collect();
                view! {
                    <p class="referral-reason notes" data-testid="reason">{referral.reason.clone()}</p>
                    {triage}
                    {assessment}
                    <dl class="facts">
                        <Fact label="History" value=referral.history.clone()/>
                        <Fact label="Medications" value=referral.medications.clone()/>
                        <Fact label="Allergies" value=referral.allergies.clone()/>
                    </dl>
                    {(!capabilities.is_empty())
                        .then(|| {
                            view! {
                                <h3 class="small-heading">"Needs"</h3>
                                <ul class="tags" data-testid="capabilities">
                                    {capabilities
                                        .into_iter()
                                        .map(|label| view! { <li>{label}</li> })
                                        .collect_view()}
                                </ul>
                            }
                        })}
                }
            }}
        </section>
    }
}

/// The animal and its owner or finder.
#[component]
pub(super) fn PatientCard() -> impl IntoView {
    let page = use_page();
    let referral = page.referral;
    view! {
        <section class="card" aria-labelledby="patient-heading" data-testid="patient">
            <h2 id="patient-heading">"Patient"</h2>
            {move || {
                let referral = referral.get();
                let species = page.labels.with(|labels| label_of(labels, &referral.species));
                let patient = referral.patient.clone();
                let identifiers = patient
                    .identifiers
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                view! {
                    <dl class="facts">
                        <Fact label="Species" value=Some(species)/>
                        <Fact label="Name" value=patient.name.map(|name| name.to_string())/>
                        <Fact label="Sex" value=patient.sex.map(|sex: Sex| sex.label().to_owned())/>
                        <Fact label="Age" value=patient.age.map(|age| age.to_string())/>
                        <Fact label="Weight" value=patient.weight_grams.map(|weight| format!("{} g", weight.grams()))/>
                        <Fact label="Identifiers" value=(!identifiers.is_empty()).then_some(identifiers)/>
                    </dl>
                    {referral
                        .contact
                        .map(|contact| {
                            view! {
                                <h3 class="small-heading">"Owner or finder"</h3>
                                <p class="contact" data-testid="contact">
                                    <strong>{contact.name.to_string()}</strong>
                                    {contact
                                        .email
                                        .map(|email| {
                                            let email = email.to_string();
                                            view! { " · " <a href=format!("mailto:{email}")>{email.clone()}</a> }
                                        })}
                                </p>
                                {contact.phone.map(|phone| view! { <CallLink phone=phone.to_string() label="Call owner"/> })}
                            }
                        })}
                    {referral
                        .contact_erased_at
                        .map(|at| {
                            view! {
                                <h3 class="small-heading">"Owner or finder"</h3>
                                <p class="muted" data-testid="contact-erased">
                                    "Contact erased " {local_time::date_time(at)} "."
                                </p>
                            }
                        })}
                }
            }}
            {move || {
                (page.session.is_network_admin() && referral.with(|r| r.contact.is_some()))
                    .then(|| view! { <EraseContact/> })
            }}
        </section>
    }
}

/// A network admin erases the owner's or finder's contact from the whole
/// case, saying why (kept in the audit log).
#[component]
fn EraseContact() -> impl IntoView {
    let page = use_page();
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<ClientError>);
    let erase = Action::new_local(move |reason: &String| {
        let reason = reason.clone();
        async move {
            let Ok(reason) = ShortText::parse(reason.trim()) else {
                return;
            };
            let request = warren_wire::ContactErasureRequest { reason };
            match page
                .session
                .api()
                .erase_referral_contact(page.id, &request)
                .await
            {
                Ok(_) => page.reload().await,
                Err(error) => problem.set(Some(error)),
            }
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if !reason.get_untracked().trim().is_empty() {
            erase.dispatch(reason.get_untracked());
        }
    };
    view! {
        <details class="erase-contact">
            <summary>"Erase the owner's contact"</summary>
            <form on:submit=submit data-testid="erase-contact">
                <label for="erase-reason">"Why (kept in the audit log)"</label>
                <input id="erase-reason" required maxlength="200" bind:value=reason/>
                <button type="submit" class="button danger" disabled=move || erase.pending().get()>
                    "Erase from every referral of the case"
                </button>
                <ErrorAlert error=problem/>
            </form>
        </details>
    }
}

/// One side of the referral, with a button to call it.
#[component]
fn Party(
    heading: &'static str,
    party: ReferralParty,
    testid: &'static str,
    ours: bool,
) -> impl IntoView {
    let name = party
        .site_name
        .clone()
        .unwrap_or_else(|| party.organization_name.clone());
    view! {
        <div class="party" data-testid=testid>
            <h3 class="small-heading">
                {heading} {ours.then_some(view! { " " <span class="badge badge-muted">"you"</span> })}
            </h3>
            <p class="party-name">
                <strong>{name}</strong>
            </p>
            {party.site_name.is_some().then(|| view! { <p class="muted small">{party.organization_name.clone()}</p> })}
            {party.phone.map(|phone| view! { <CallLink phone/> })}
        </div>
    }
}

/// Both organizations, with a button to call each, and who took it on.
#[component]
pub(super) fn PartiesCard() -> impl IntoView {
    let page = use_page();
    let referral = page.referral;
    view! {
        <section class="card parties" aria-labelledby="parties-heading">
            <h2 id="parties-heading">"Who"</h2>
            {move || {
                let referral = referral.get();
                view! {
                    <Party heading="Referred by" party=referral.referrer.clone() testid="referrer" ours=referral.side == "referrer"/>
                    <Party heading="Referred to" party=referral.receiver.clone() testid="receiver" ours=referral.side == "receiver"/>
                    <p class="small assignee">
                        {match referral.assignee {
                            Some(person) => view! {
                                "Receiver's contact: "
                                <strong data-testid="assignee">{person.name}</strong>
                            }
                            .into_any(),
                            None => view! {
                                <span class="muted">"Nobody at the receiver has taken it on yet."</span>
                            }
                            .into_any(),
                        }}
                    </p>
                }
            }}
        </section>
    }
}

//! `/triage`: a new assessment, finished in under a minute.
//!
//! The species first, then the signs of the network's protocol in its order
//! of danger — only those asked for the species' group — each answered with
//! one big Yes / No / Not sure. The domain's triage engine runs here, in the
//! browser, on every answer: the tier in its colour with a countdown to the
//! target time, the unanswered signs that could still raise it, what to do
//! before and during transport as a check-list, and when to escalate.
//! A sign answered "not sure" that would set tier 1 or 2 is named above the
//! result with the tier to treat the case as, and steps the protocol
//! withholds (no food by mouth for an animal struggling to breathe) are
//! shown as withheld, with why. Screen readers hear the tier when it changes
//! and the time left once a minute, not every tick of the countdown.
//! "Record and find destinations" records the assessment through the
//! [`Outbox`] and shows where to send the animal beside the result, each
//! with "Refer to …", which opens the referral form filled in from the
//! record.
//!
//! A site may run its own triage kit (a variant: its own first-aid steps for
//! some signs). The engine here runs on the protocol as the site the animal
//! is at runs it ([`with_variant`]), so the steps shown are the steps the
//! server records.
//!
//! Nothing here needs the network once the page is open: the protocol, the
//! taxonomy, the person's sites and their kits are kept on the device
//! ([`crate::offline`]); a record made while Warren cannot be reached waits
//! on the device and syncs when it returns.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use warren_client::ClientError;
use warren_domain::directory::taxonomy::{Taxonomy, TermCode};
use warren_domain::triage::{
    Answer, Assessment, Discriminator, Protocol, SpeciesGroup, assess, with_variant,
};
use warren_wire::{CreateAssessmentRequest, ProtocolVersion, SiteTriageVariant, TermList};

use crate::components::{
    CannotRuleOutNotice, Checklist, Countdown, DestinationList, ErrorAlert, Loaded, Loading,
    ReferLinks, RequireSignIn, SpeciesOptions, TierBlock, TriageAnnouncer, WithheldList,
    target_text,
};
use crate::idempotency::IdempotencyKey;
use crate::local_time;
use crate::offline::{
    Cached, Delivery, PROTOCOL_KEY, PendingAssessment, TAXONOMY_KEY, own_sites_key, read_through,
    use_outbox, variant_key,
};
use crate::pages::triage_variant::read_site_variant;
use crate::session::{Session, use_session};

/// The new assessment.
///
/// The protocol and the vocabularies need no sign-in, so they are asked for
/// at once, and the form shows while the session is still being restored:
/// on a phone it is ready a round trip or two sooner. What depends on the
/// person (their sites, recording) follows when their profile arrives.
#[component]
pub fn TriagePage() -> impl IntoView {
    let session = use_session();
    let loaded = LocalResource::new(move || {
        let client = session.client();
        async move {
            futures_util::future::try_join(
                read_through(PROTOCOL_KEY, client.triage_protocol()),
                read_through(TAXONOMY_KEY, client.taxonomy()),
            )
            .await
        }
    });
    view! {
        <RequireSignIn while_restoring=true>
            <Triage loaded/>
        </RequireSignIn>
    }
}

/// The protocol and the vocabularies, as the device last had them when
/// Warren cannot be reached.
type ProtocolAndTerms = Result<(Cached<ProtocolVersion>, Cached<TermList>), ClientError>;

/// One of the person's own sites, where the animal may be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct OwnSite {
    id: Uuid,
    organization_id: Uuid,
    name: String,
}

/// Every site of every organization the person belongs to, read through the
/// device's copy; none when Warren cannot be reached and the device has no
/// copy (the server then picks the organization's first site).
/// `organizations` are the person's, once their profile is known.
async fn own_sites(session: Session, organizations: Vec<Uuid>) -> Vec<OwnSite> {
    let Some(me) = session.user_id_untracked() else {
        return Vec::new();
    };
    let fetch = async move {
        let mut sites = Vec::new();
        for organization in organizations {
            let list = session.api().sites(organization).await?;
            sites.extend(list.items.into_iter().map(|site| OwnSite {
                id: site.listing.id,
                organization_id: organization,
                name: site.listing.name,
            }));
        }
        Ok::<_, ClientError>(sites)
    };
    read_through(&own_sites_key(me), fetch)
        .await
        .map(|cached| cached.value)
        .unwrap_or_default()
}

/// The kit of the site the animal is at, read through the device's copy:
/// `Ok(None)` when the site runs the network's steps, an error when Warren
/// cannot be reached and the device has no copy.
async fn site_kit(session: Session, site: Uuid) -> Result<Option<SiteTriageVariant>, ClientError> {
    read_through(&variant_key(site), read_site_variant(session.api(), site))
        .await
        .map(|cached| cached.value)
}

#[component]
fn Triage(loaded: LocalResource<ProtocolAndTerms>) -> impl IntoView {
    let session = use_session();
    view! {
        <header class="page-header with-actions">
            <div>
                <h1>"Triage"</h1>
                <p class="lead">"How urgent, what to do now, and where to send the animal."</p>
            </div>
            <div class="button-row">
                <a class="button secondary" href="/triage/history">
                    "History"
                </a>
                <Show when=move || session.is_network_admin()>
                    <a class="button secondary" href="/triage/protocol">
                        "Protocol"
                    </a>
                </Show>
            </div>
        </header>
        <Loaded resource=loaded label="Loading the protocol…" let:loaded>
            {
                let (protocol, terms) = loaded;
                view! { <Assess protocol terms/> }
            }
        </Loaded>
    }
}

/// The form, the questions and the live result.
#[component]
fn Assess(protocol: Cached<ProtocolVersion>, terms: Cached<TermList>) -> impl IntoView {
    let session = use_session();
    let outbox = use_outbox();
    let from_device = protocol.from_device || terms.from_device;
    let version = protocol.value.version;
    let published_at = protocol.value.published_at;
    let protocol = StoredValue::new(protocol.value.protocol);
    let terms = terms.value.items;
    let capability_labels = StoredValue::new(
        terms
            .iter()
            .filter(|term| term.taxonomy == Taxonomy::Capability)
            .map(|term| (term.code.to_string(), term.label.clone()))
            .collect::<BTreeMap<_, _>>(),
    );

    let species = RwSignal::new(String::new());
    let patient = RwSignal::new(String::new());
    let answers = RwSignal::new(BTreeMap::<String, Answer>::new());
    let owner_words = RwSignal::new(false);
    let started = RwSignal::new(None::<DateTime<Utc>>);
    let done = RwSignal::new(Vec::<String>::new());
    let from = RwSignal::new(String::new());
    let record_key = RwSignal::new(None::<String>);
    let idempotency = IdempotencyKey::new();

    // The page shows while the session is being restored; the person's
    // organizations, and so their sites, are known when their profile
    // arrives, and read again then.
    let sites = LocalResource::new(move || {
        let organizations: Vec<Uuid> = session
            .memberships()
            .into_iter()
            .map(|membership| membership.organization.id)
            .collect();
        own_sites(session, organizations)
    });
    // The first own site, once known, is where the animal is.
    Effect::new(move |_| {
        if let Some(sites) = sites.get()
            && from.with_untracked(String::is_empty)
            && let Some(first) = sites.first()
        {
            from.set(first.id.to_string());
        }
    });

    let site_id = Memo::new(move |_| from.with(|from| Uuid::parse_str(from).ok()));
    let kit = LocalResource::new(move || {
        let site = site_id.get();
        async move {
            match site {
                Some(site) => site_kit(session, site).await,
                None => Ok(None),
            }
        }
    });
    // The kit of the chosen site, once it has arrived (not the previous
    // site's while the next one loads).
    let variant = Memo::new(move |_| {
        let site = site_id.get()?;
        kit.get()
            .and_then(Result::ok)
            .flatten()
            .filter(|variant| variant.site_id == site)
    });
    let kit_unknown = Memo::new(move |_| {
        site_id.get().is_some() && kit.get().is_some_and(|answer| answer.is_err())
    });
    let variant_site = Memo::new(move |_| {
        let site = variant.get()?.site_id;
        Some(
            sites
                .get()
                .and_then(|sites| sites.into_iter().find(|own| own.id == site))
                .map_or_else(|| "this site".to_owned(), |own| own.name),
        )
    });
    // The protocol as the chosen site runs it.
    let adapted = Memo::new(move |_| {
        protocol.with_value(|protocol| match variant.get() {
            Some(variant) => with_variant(protocol, &variant.variant),
            None => protocol.clone(),
        })
    });

    let code = Memo::new(move |_| species.with(|species| TermCode::parse(species.as_str()).ok()));
    let group = Memo::new(move |_| code.get().map(|code| SpeciesGroup::of(&code)));
    let assessment = Memo::new(move |_| {
        let code = code.get()?;
        Some(answers.with(|answers| adapted.with(|protocol| assess(protocol, &code, answers))))
    });
    let result = Memo::new(move |_| assessment.get().and_then(Result::ok));
    let start = move || {
        if started.get_untracked().is_none() {
            started.set(Some(local_time::now()));
        }
    };

    let new_assessment = move |_| {
        species.set(String::new());
        patient.set(String::new());
        answers.set(BTreeMap::new());
        started.set(None);
        done.set(Vec::new());
        record_key.set(None);
        idempotency.finish();
    };

    let record = move |_| {
        let (Some(code), Some(user)) = (code.get_untracked(), session.user_id_untracked()) else {
            return;
        };
        let site = from.get_untracked();
        let site = sites
            .get_untracked()
            .and_then(|sites| sites.into_iter().find(|own| own.id.to_string() == site));
        let Some(organization_id) = site.as_ref().map(|site| site.organization_id).or_else(|| {
            untrack(|| session.memberships())
                .first()
                .map(|membership| membership.organization.id)
        }) else {
            return;
        };
        let group = SpeciesGroup::of(&code);
        // Only what the protocol asks for this species is recorded.
        let answers = answers.with_untracked(|answers| {
            protocol.with_value(|protocol| {
                answers
                    .iter()
                    .filter(|(sign, _)| {
                        protocol
                            .discriminators
                            .iter()
                            .any(|d| &d.code == *sign && d.applies_to(group))
                    })
                    .map(|(sign, answer)| (sign.clone(), *answer))
                    .collect()
            })
        });
        let patient = patient.get_untracked().trim().to_owned();
        let request = CreateAssessmentRequest {
            species: code,
            patient: (!patient.is_empty()).then_some(patient),
            answers,
            site_id: site.map(|site| site.id),
            protocol_version: Some(version),
        };
        let key = idempotency.for_body(&(organization_id, &request));
        record_key.set(Some(key.clone()));
        outbox.record(PendingAssessment {
            key,
            assessed_by: user,
            organization_id,
            request,
            saved_at: local_time::now(),
        });
    };
    let delivery = Memo::new(move |_| record_key.get().and_then(|key| outbox.delivery(&key)));
    // What the live region says: changes with the tier or what cannot be
    // ruled out, not with every answer.
    let announcement = Memo::new(move |_| {
        result.with(|result| {
            result.as_ref().map(|result| {
                let mut words = format!(
                    "Tier {}, {}: {}.",
                    result.tier.tier.number(),
                    result.tier.name,
                    target_text(result.tier.target_minutes)
                );
                for sign in &result.cannot_rule_out {
                    words.push(' ');
                    words.push_str(&sign.text());
                    words.push('.');
                }
                words
            })
        })
    });
    let announce_clock = Memo::new(move |_| {
        let target =
            result.with(|result| result.as_ref().map(|result| result.tier.target_minutes))?;
        Some((started.get()?, target))
    });
    let can_record = move || {
        code.get().is_some()
            && !session.memberships().is_empty()
            && !matches!(delivery.get(), Some(Delivery::Sending))
    };

    view! {
        {from_device
            .then(|| {
                view! {
                    <div class="alert alert-info" role="status" data-testid="offline">
                        <p>
                            <strong>"Warren cannot be reached."</strong>
                            " Triage works on this device with the protocol saved here; records sync when the network returns."
                        </p>
                    </div>
                }
            })}
        <p class="muted small protocol-line" data-testid="protocol-version">
            {format!("Protocol version {version}, published {}", local_time::date(published_at))}
        </p>
        <form class="card triage-form" novalidate on:submit=|event| event.prevent_default()>
            <div class="triage-form-grid">
                <div class="field">
                    <label for="species">"Species"</label>
                    <select
                        id="species"
                        name="species"
                        class="big-select"
                        on:change=move |event| {
                            species.set(event_target_value(&event));
                            start();
                        }
                    >
                        <option value="" prop:selected=move || species.with(String::is_empty)>
                            "Choose the species…"
                        </option>
                        <SpeciesOptions terms=terms.clone() chosen=species/>
                    </select>
                </div>
                <div class="field">
                    <label for="patient">"Patient " <span class="muted">"(optional)"</span></label>
                    <input
                        id="patient"
                        name="patient"
                        type="text"
                        maxlength="200"
                        placeholder="Name, or “adult hedgehog, road”"
                        bind:value=patient
                    />
                </div>
                {move || {
                    sites
                        .get()
                        .filter(|sites| sites.len() > 1)
                        .map(|sites| {
                            view! {
                                <div class="field">
                                    <label for="from">"The animal is at"</label>
                                    <select id="from" name="from" on:change=move |event| from.set(event_target_value(&event))>
                                        {sites
                                            .into_iter()
                                            .map(|site| {
                                                let id = site.id.to_string();
                                                let value = id.clone();
                                                view! {
                                                    <option value=value prop:selected=move || from.with(|from| *from == id)>
                                                        {site.name}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                </div>
                            }
                        })
                }}
            </div>
            <div class="triage-form-actions">
                <label class="switch">
                    <input
                        id="owner-words"
                        type="checkbox"
                        prop:checked=move || owner_words.get()
                        on:change=move |event| owner_words.set(event_target_checked(&event))
                    />
                    <span>"Questions in an owner's words"</span>
                </label>
                <button type="button" id="new-assessment" class="button secondary small" on:click=new_assessment>
                    "New assessment"
                </button>
            </div>
        </form>
        {move || match assessment.get() {
            None => view! { <p class="empty">"Choose the species to see the questions."</p> }.into_any(),
            Some(Err(error)) => {
                view! {
                    <div class="alert alert-error" role="alert">
                        <p>{format!("This protocol cannot assess these answers: {error}.")}</p>
                    </div>
                }
                    .into_any()
            }
            Some(Ok(_)) => ().into_any(),
        }}
        <TriageAnnouncer tier=announcement clock=announce_clock/>
        <Show when=move || result.with(Option::is_some)>
            <div class="triage-layout">
                <TierBar result started/>
                <section class="card triage-questions" aria-labelledby="questions-heading">
                    <h2 id="questions-heading">"Signs, most dangerous first"</h2>
                    {move || {
                        group
                            .get()
                            .map(|group| {
                                let signs: Vec<Discriminator> = protocol
                                    .with_value(|protocol| {
                                        protocol
                                            .discriminators
                                            .iter()
                                            .filter(|sign| sign.applies_to(group))
                                            .cloned()
                                            .collect()
                                    });
                                view! {
                                    <ol class="questions">
                                        {signs
                                            .into_iter()
                                            .map(|sign| {
                                                view! { <Question sign group answers result owner_words on_answer=Callback::new(move |()| start())/> }
                                            })
                                            .collect_view()}
                                    </ol>
                                }
                            })
                    }}
                </section>
                <div class="triage-side">
                    {move || {
                        result
                            .get()
                            .map(|result| {
                                view! {
                                    <ResultPanel
                                        result
                                        protocol=protocol.get_value()
                                        capability_labels=capability_labels.get_value()
                                        started=started.get()
                                        done
                                        variant_site=variant_site.get()
                                        kit_unknown=kit_unknown.get()
                                    />
                                }
                            })
                    }}
                    <section class="card record-card" aria-labelledby="record-heading">
                        <h2 id="record-heading">"Record and send"</h2>
                        <button
                            type="button"
                            id="record"
                            class="button primary large"
                            disabled=move || !can_record()
                            on:click=record
                        >
                            "Record and find destinations"
                        </button>
                        <Show when=move || session.me().is_some() && session.memberships().is_empty()>
                            <p class="hint">"Only members of an organization record assessments."</p>
                        </Show>
                        {move || delivery.get().map(|delivery| view! { <DeliveryStatus delivery/> })}
                    </section>
                </div>
            </div>
        </Show>
    }
}

/// The tier as a slim bar that stays at the top of a phone's screen while
/// the questions scroll under it (hidden on wide screens, where the tier
/// block stays in view).
#[component]
fn TierBar(
    result: Memo<Option<Assessment>>,
    started: RwSignal<Option<DateTime<Utc>>>,
) -> impl IntoView {
    move || {
        result.get().map(|result| {
            let spec = result.tier;
            let number = spec.tier.number();
            let target = spec.target_minutes;
            let treat_as = result.cannot_rule_out.first().map(|sign| sign.tier.tier.number());
            view! {
                <div class="tier-bar" data-testid="tier-bar" data-tier=number.to_string() aria-hidden="true">
                    <strong>{format!("{number} · {}", spec.name)}</strong>
                    {treat_as
                        .map(|treat_as| {
                            view! {
                                <span class="treat-as" data-tier=treat_as.to_string()>
                                    {format!("Treat as {treat_as}")}
                                </span>
                            }
                        })}
                    {started.get().map(|started| view! { <Countdown started target_minutes=target/> })}
                </div>
            }
        })
    }
}

/// One sign with its three answers.
#[component]
fn Question(
    sign: Discriminator,
    group: SpeciesGroup,
    answers: RwSignal<BTreeMap<String, Answer>>,
    result: Memo<Option<Assessment>>,
    owner_words: RwSignal<bool>,
    /// Runs on every answer.
    on_answer: Callback<()>,
) -> impl IntoView {
    let code = StoredValue::new(sign.code.clone());
    let tier = sign.tier_for(group).number();
    let current = Memo::new(move |_| {
        code.with_value(|code| answers.with(|answers| answers.get(code).copied()))
    });
    let could_raise = Memo::new(move |_| {
        code.with_value(|code| {
            result.with(|result| {
                result
                    .as_ref()
                    .is_some_and(|result| result.to_ask.contains(code))
            })
        })
    });
    let state = move || match current.get() {
        Some(Answer::Yes) => "yes",
        Some(Answer::No) => "no",
        Some(Answer::Unknown) => "unknown",
        None => "unanswered",
    };
    let staff = sign.staff_question.clone();
    let owner = sign.owner_question.clone();
    let button = move |answer: Answer, value: &'static str, text: &'static str| {
        view! {
            <button
                type="button"
                class=format!("answer-button answer-{value}")
                data-answer=value
                aria-pressed=move || (current.get() == Some(answer)).to_string()
                on:click=move |_| {
                    code.with_value(|code| {
                        answers.update(|answers| {
                            // A second tap on the chosen answer takes it back.
                            if answers.get(code) == Some(&answer) {
                                answers.remove(code);
                            } else {
                                answers.insert(code.clone(), answer);
                            }
                        });
                    });
                    on_answer.run(());
                }
            >
                {text}
            </button>
        }
    };
    view! {
        <li
            class="question"
            class:could-raise=move || could_raise.get()
            id=format!("q-{}", sign.code)
            data-testid="question"
            data-code=sign.code.clone()
            data-state=state
        >
            <div class="question-text">
                <p class="question-label">
                    <span class="tier-chip" data-tier=tier.to_string() title=format!("Sets tier {tier}")>
                        {tier}
                    </span>
                    {sign.label.clone()}
                </p>
                <p class="question-ask">{move || if owner_words.get() { owner.clone() } else { staff.clone() }}</p>
            </div>
            <div class="answer-buttons" role="group" aria-label=sign.label.clone()>
                {button(Answer::Yes, "yes", "Yes")}
                {button(Answer::No, "no", "No")}
                {button(Answer::Unknown, "unknown", "Not sure")}
            </div>
        </li>
    }
}

/// The result: the tier block, the signs still to ask, the check-lists,
/// when to escalate and what the case needs.
#[component]
fn ResultPanel(
    result: Assessment,
    protocol: Protocol,
    capability_labels: BTreeMap<String, String>,
    started: Option<DateTime<Utc>>,
    done: RwSignal<Vec<String>>,
    /// The name of the site whose kit adapted the steps, if one did.
    variant_site: Option<String>,
    /// Whether the kit of the site could not be read (the network's steps
    /// are shown; the server applies the site's kit when it records).
    kit_unknown: bool,
) -> impl IntoView {
    let label = |code: &str| {
        protocol
            .discriminators
            .iter()
            .find(|sign| sign.code == code)
            .map_or_else(|| code.to_owned(), |sign| sign.label.clone())
    };
    let fired = result.fired.as_deref().map(label);
    let to_ask: Vec<(String, String, u8)> = result
        .to_ask
        .iter()
        .map(|code| {
            let tier = protocol
                .discriminators
                .iter()
                .find(|sign| &sign.code == code)
                .map_or(5, |sign| sign.tier_for(result.group).number());
            (code.clone(), label(code), tier)
        })
        .collect();
    let count = to_ask.len();
    let needs: Vec<String> = result
        .capabilities
        .iter()
        .map(|code| {
            capability_labels
                .get(code)
                .cloned()
                .unwrap_or_else(|| code.clone())
        })
        .collect();
    view! {
        <CannotRuleOutNotice signs=result.cannot_rule_out.clone()/>
        <TierBlock spec=result.tier.clone() fired to_ask=count started/>
        <section class="card to-ask" data-testid="to-ask" data-count=count.to_string() aria-labelledby="to-ask-heading">
            <h2 id="to-ask-heading">"Still to ask"</h2>
            {if to_ask.is_empty() {
                view! { <p class="muted">"Nothing unanswered could make this more urgent."</p> }.into_any()
            } else {
                view! {
                    <ol class="to-ask-list">
                        {to_ask
                            .into_iter()
                            .map(|(code, label, tier)| {
                                view! {
                                    <li data-code=code.clone()>
                                        <a href=format!("#q-{code}")>
                                            <span class="tier-chip" data-tier=tier.to_string()>{tier}</span>
                                            {label}
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                    .into_any()
            }}
        </section>
        <section class="card" aria-labelledby="do-heading">
            <h2 id="do-heading">"What to do"</h2>
            {variant_site
                .map(|site| {
                    view! {
                        <p class="variant-note" data-testid="variant-note">
                            {format!("Interventions adapted to {site}'s kit.")}
                        </p>
                    }
                })}
            {kit_unknown
                .then(|| {
                    view! {
                        <p class="hint" data-testid="variant-unknown">
                            "The site's own kit could not be read: these are the network's steps."
                        </p>
                    }
                })}
            <Checklist title="Now, before transport" steps=result.before_transport.clone() done/>
            <Checklist title="During transport" steps=result.during_transport.clone() done/>
            <WithheldList withheld=result.withheld.clone()/>
            {(!result.escalate_if.is_empty())
                .then(|| {
                    view! {
                        <div class="escalate">
                            <h3>"Escalate if"</h3>
                            <ul data-testid="escalate">
                                {result.escalate_if.iter().map(|when| view! { <li>{when.clone()}</li> }).collect_view()}
                            </ul>
                        </div>
                    }
                })}
            {(!needs.is_empty())
                .then(|| {
                    view! {
                        <h3>"The case needs"</h3>
                        <ul class="tags" data-testid="needs">
                            {needs.into_iter().map(|need| view! { <li>{need}</li> }).collect_view()}
                        </ul>
                    }
                })}
        </section>
    }
}

/// What became of the record: being sent, waiting on the device, recorded
/// with its destinations, or refused.
#[component]
fn DeliveryStatus(delivery: Delivery) -> impl IntoView {
    match delivery {
        Delivery::Sending => view! { <Loading label="Recording…"/> }.into_any(),
        Delivery::Waiting(why) => view! {
            <div class="alert alert-info pending" role="status" data-testid="pending">
                <p>
                    <strong>"Not sent yet — saved on this device, will sync"</strong>
                    " as soon as Warren can be reached. Keep going: the result above is complete."
                </p>
                <p class="alert-meta">{why}</p>
            </div>
        }
        .into_any(),
        Delivery::Sent(record) => {
            let record = *record;
            view! {
                <div class="alert alert-success" role="status" data-testid="recorded">
                    <p>
                        "Recorded. "
                        <a href=format!("/assessments/{}", record.id)>"Open the record"</a>
                    </p>
                </div>
                <h3>"Where to send it"</h3>
                <DestinationList destinations=record.destinations.clone() at=record.assessed_at/>
                <ReferLinks assessment=record.id destinations=record.destinations/>
            }
            .into_any()
        }
        Delivery::Refused(error) => {
            view! { <ErrorAlert error=Signal::stored(Some::<ClientError>(error))/> }.into_any()
        }
    }
}

//! `/sites/:id/triage-variant`: a site's triage kit — its own first-aid
//! steps for the network's signs, where its equipment differs (a portable
//! oxygen concentrator instead of a cage, a heat mat instead of bottles).
//!
//! Every sign of the current protocol is listed with the network's steps
//! before and during transport. The site's editors (its organization's
//! admins, clinicians and staff) write their own steps, one per line, where
//! they differ; an empty box keeps the network's. Tiers, signs and questions
//! stay the network's. Everyone else who can see the site reads the kit.
//!
//! The steps are checked here with the domain's [`check_variant`], the rule
//! the server applies, before they are sent. This module also holds the
//! calls for a site's variant that the triage screen uses.

use std::collections::BTreeMap;

use leptos::prelude::*;
use uuid::Uuid;
use warren_client::{Client, ClientError};
use warren_domain::triage::{Discriminator, Protocol, Variant, VariantSign, check_variant};
use warren_wire::{Site, SiteTriageVariant};

use crate::components::{ConfirmButton, Loaded, RequireSignIn, SuccessNotice, reveal_problem};
use crate::local_time;
use crate::pages::{NotFoundPage, route_id};
use crate::session::use_session;

/// The most steps one box may hold ([`check_variant`]'s limit).
const MOST_STEPS: usize = 20;
/// The longest step, in characters ([`check_variant`]'s limit).
const LONGEST_STEP: usize = 300;

/// The API path of a site's variant.
fn variant_path(site: Uuid) -> String {
    format!("/api/v1/sites/{site}/triage-variant")
}

/// Calls the variant endpoint of `site` with `method` (`GET`, `PUT`,
/// `DELETE`) and reads the answer the way the typed client does: the variant,
/// nothing for 204, or the server's problem details.
// The typed client has no call for a site's variant yet; this goes through
// its `request`, which carries the same credentials.
async fn variant_call(
    client: Client,
    method: &'static str,
    site: Uuid,
    body: Option<Variant>,
) -> Result<Option<SiteTriageVariant>, ClientError> {
    let mut request = client.request(
        method.parse().expect("a valid HTTP method"),
        &variant_path(site),
    );
    if let Some(body) = &body {
        request = request.json(body);
    }
    // A 204 has no body, which reads as `None`.
    client.exchange(request).await?.json()
}

/// The variant `site` runs, or `None` when it runs the network's protocol
/// as published (the server answers 404).
pub(crate) async fn read_site_variant(
    client: Client,
    site: Uuid,
) -> Result<Option<SiteTriageVariant>, ClientError> {
    match variant_call(client, "GET", site, None).await {
        Err(error) if error.status() == Some(404) => Ok(None),
        answer => answer,
    }
}

/// The triage kit page of a site.
#[component]
pub fn TriageVariantPage() -> impl IntoView {
    let id = route_id();
    view! {
        <RequireSignIn>
            {move || match id.get() {
                Some(id) => view! { <SiteKit id/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </RequireSignIn>
    }
}

/// What the page reads before it shows anything.
#[derive(Clone)]
struct Loaded {
    site: Site,
    protocol: Protocol,
    variant: Option<SiteTriageVariant>,
}

#[component]
fn SiteKit(id: Uuid) -> impl IntoView {
    let session = use_session();
    let loaded = LocalResource::new(move || async move {
        let site = session.api().site(id).await?;
        let protocol = session.client().triage_protocol().await?;
        let variant = read_site_variant(session.api(), id).await?;
        Ok::<_, ClientError>(Loaded {
            site: site.value,
            protocol: protocol.protocol,
            variant,
        })
    });
    view! {
        <Loaded resource=loaded label="Loading the triage kit…" let:loaded>
            <KitEditor loaded/>
        </Loaded>
    }
}

/// The two boxes of one sign.
#[derive(Clone, Copy)]
struct SignBoxes {
    before: RwSignal<String>,
    during: RwSignal<String>,
}

/// The steps of a box, one per non-empty line; `None` when it is empty
/// (the network's steps hold).
fn steps_of(text: &str) -> Option<Vec<String>> {
    let steps: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    (!steps.is_empty()).then_some(steps)
}

/// Why a box cannot be saved, if it cannot.
fn box_problem(text: &str) -> Option<String> {
    let steps = steps_of(text)?;
    if steps.len() > MOST_STEPS {
        return Some(format!("At most {MOST_STEPS} steps, one per line."));
    }
    steps
        .iter()
        .position(|step| step.chars().count() > LONGEST_STEP)
        .map(|line| {
            format!(
                "Step {} is longer than {LONGEST_STEP} characters.",
                line + 1
            )
        })
}

/// "Respiratory distress, before transport: steps must be …" for a field the
/// server or [`check_variant`] named (`signs[2]`, `signs[2].code`).
fn field_sentence(field: &str, message: &str, sent: &Variant, protocol: &Protocol) -> String {
    let sign = field
        .strip_prefix("signs[")
        .and_then(|rest| rest.split(']').next())
        .and_then(|index| index.parse::<usize>().ok())
        .and_then(|index| sent.signs.get(index))
        .map(|change| {
            protocol
                .discriminators
                .iter()
                .find(|sign| sign.code == change.code)
                .map_or_else(|| change.code.clone(), |sign| sign.label.clone())
        });
    match sign {
        Some(label) => format!("{label} ({field}): {message}."),
        None => format!("{field}: {message}."),
    }
}

/// The network's signs with their steps, and the site's own where it has
/// them; editable by the site's editors.
#[component]
fn KitEditor(loaded: Loaded) -> impl IntoView {
    let session = use_session();
    let Loaded {
        site,
        protocol,
        variant,
    } = loaded;
    let id = site.listing.id;
    let site_name = site.listing.name.clone();
    let editable = site.editable;
    let name = StoredValue::new(site_name.clone());
    let own: BTreeMap<String, VariantSign> = variant
        .as_ref()
        .map(|variant| {
            variant
                .variant
                .signs
                .iter()
                .map(|sign| (sign.code.clone(), sign.clone()))
                .collect()
        })
        .unwrap_or_default();
    let retired = own
        .keys()
        .filter(|code| !protocol.discriminators.iter().any(|d| &d.code == *code))
        .count();
    let boxes: Vec<(Discriminator, SignBoxes)> = protocol
        .discriminators
        .iter()
        .map(|sign| {
            let change = own.get(&sign.code);
            let text =
                |steps: Option<&Vec<String>>| steps.map(|s| s.join("\n")).unwrap_or_default();
            let boxes = SignBoxes {
                before: RwSignal::new(text(change.and_then(|c| c.before_transport.as_ref()))),
                during: RwSignal::new(text(change.and_then(|c| c.during_transport.as_ref()))),
            };
            (sign.clone(), boxes)
        })
        .collect();
    let boxes = StoredValue::new(boxes);
    let protocol = StoredValue::new(protocol);
    let current = RwSignal::new(variant);
    let notice = RwSignal::new(None::<String>);
    let box_errors = RwSignal::new(BTreeMap::<String, String>::new());
    let problem = RwSignal::new(None::<String>);
    let refused = RwSignal::new(None::<ClientError>);

    // What the boxes say, as a variant: only the signs with steps of their own.
    let variant_of_boxes = move || Variant {
        signs: boxes.with_value(|boxes| {
            boxes
                .iter()
                .filter_map(|(sign, boxes)| {
                    let before = boxes.before.with_untracked(|text| steps_of(text));
                    let during = boxes.during.with_untracked(|text| steps_of(text));
                    (before.is_some() || during.is_some()).then(|| VariantSign {
                        code: sign.code.clone(),
                        before_transport: before,
                        during_transport: during,
                    })
                })
                .collect()
        }),
    };
    let adapted_count = Memo::new(move |_| {
        boxes.with_value(|boxes| {
            boxes
                .iter()
                .filter(|(_, boxes)| {
                    boxes.before.with(|text| steps_of(text).is_some())
                        || boxes.during.with(|text| steps_of(text).is_some())
                })
                .count()
        })
    });

    let explain = move |error: &ClientError, sent: &Variant| -> String {
        match error.status() {
            Some(403) => format!(
                "You cannot change {}'s triage kit: only its organization's admins, clinicians and staff can.",
                name.get_value()
            ),
            Some(422) => {
                let fields: Vec<String> = match error {
                    ClientError::Problem(problem) => problem
                        .errors
                        .iter()
                        .map(|field| {
                            protocol.with_value(|protocol| {
                                field_sentence(&field.field, &field.message, sent, protocol)
                            })
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                if fields.is_empty() {
                    format!("Warren refused the kit: {}", error.message())
                } else {
                    format!("Warren refused the kit — {}", fields.join(" "))
                }
            }
            _ => error.message(),
        }
    };

    let save = Action::new_local(move |variant: &Variant| {
        let variant = variant.clone();
        async move {
            let sent = variant.clone();
            let answer = variant_call(session.api(), "PUT", id, Some(variant)).await;
            match answer {
                Ok(saved) => {
                    current.set(saved);
                    notice.set(Some(
                        "The kit is saved: assessments started at this site now show these steps."
                            .to_owned(),
                    ));
                    scroll_to_top();
                }
                Err(error) => {
                    problem.set(Some(explain(&error, &sent)));
                    refused.set(Some(error));
                    reveal_problem();
                }
            }
        }
    });
    let drop_kit = Action::new_local(move |()| async move {
        let answer = variant_call(session.api(), "DELETE", id, None).await;
        match answer {
            Ok(_) => {
                current.set(None);
                boxes.with_value(|boxes| {
                    for (_, boxes) in boxes {
                        boxes.before.set(String::new());
                        boxes.during.set(String::new());
                    }
                });
                notice.set(Some(
                    "The kit is dropped: assessments started at this site show the network's steps again."
                        .to_owned(),
                ));
                scroll_to_top();
            }
            Err(error) => {
                problem.set(Some(explain(&error, &Variant::default())));
                refused.set(Some(error));
                reveal_problem();
            }
        }
    });
    let pending = Signal::derive(move || save.pending().get() || drop_kit.pending().get());

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        notice.set(None);
        problem.set(None);
        refused.set(None);
        let mut errors = BTreeMap::new();
        boxes.with_value(|boxes| {
            for (sign, boxes) in boxes {
                for (field, text) in [("before", boxes.before), ("during", boxes.during)] {
                    if let Some(why) = text.with_untracked(|text| box_problem(text)) {
                        errors.insert(format!("{field}-{}", sign.code), why);
                    }
                }
            }
        });
        let variant = variant_of_boxes();
        let checked = protocol.with_value(|protocol| {
            check_variant(protocol, &variant)
                .map_err(|(field, message)| field_sentence(&field, &message, &variant, protocol))
        });
        let empty = variant.signs.is_empty();
        box_errors.set(errors);
        if !box_errors.with_untracked(BTreeMap::is_empty) {
            problem.set(Some(
                "Some steps cannot be saved — see the boxes marked below.".to_owned(),
            ));
            reveal_problem();
        } else if let Err(why) = checked {
            problem.set(Some(format!("This kit cannot be saved: {why}")));
            reveal_problem();
        } else if empty {
            problem.set(Some(
                "Write your own steps for at least one sign — or drop the kit to use the network's steps everywhere."
                    .to_owned(),
            ));
            reveal_problem();
        } else {
            save.dispatch(variant);
        }
    };

    let name_for_header = site_name.clone();
    let signs = boxes.with_value(Clone::clone);
    view! {
        <header class="page-header with-actions">
            <div>
                <p class="eyebrow">
                    <a href=format!("/sites/{id}") data-testid="site-link">{name_for_header.clone()}</a>
                    <span>"· Triage"</span>
                </p>
                <h1>"Triage kit"</h1>
                <p class="lead">
                    {format!(
                        "First-aid steps adapted to the equipment at {name_for_header}. Tiers, signs and questions stay the network's."
                    )}
                    {editable.then_some(" An empty box keeps the network's steps.")}
                </p>
            </div>
            <div class="button-row">
                <a class="button secondary" href=format!("/sites/{id}")>
                    "Back to the site"
                </a>
            </div>
        </header>
        <SuccessNotice message=notice/>
        {move || {
            problem
                .get()
                .map(|message| {
                    view! {
                        <div class="alert alert-error" role="alert" data-testid="variant-error" data-code=move || refused.with(|e| e.as_ref().and_then(|e| e.code()).map(str::to_owned))>
                            <p>{message}</p>
                        </div>
                    }
                })
        }}
        <section class="card kit-summary" data-testid="variant-summary">
            {move || match current.get() {
                Some(variant) => {
                    view! {
                        <p data-testid="variant-state" data-state="adopted">
                            <span class="badge badge-vetted">"Own kit"</span>
                            " "
                            {format!(
                                "The kit adapts {} — last changed by {}, {}.",
                                signs_word(variant.variant.signs.len()),
                                variant.updated_by,
                                local_time::date_time(variant.updated_at),
                            )}
                        </p>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <p data-testid="variant-state" data-state="none">
                            <span class="badge badge-muted">"Network's steps"</span>
                            " This site uses the network's steps for every sign."
                        </p>
                    }
                        .into_any()
                }
            }}
            {(retired > 0)
                .then(|| {
                    view! {
                        <p class="hint">
                            {format!(
                                "{} of the kit's signs {} no longer in the protocol; saving drops them.",
                                retired,
                                if retired == 1 { "is" } else { "are" },
                            )}
                        </p>
                    }
                })}
            {(!editable)
                .then(|| {
                    view! {
                        <p class="hint" data-testid="read-only">
                            "Only the site's admins, clinicians and staff change its kit."
                        </p>
                    }
                })}
            <Show when=move || editable && current.with(Option::is_some)>
                <div class="button-row">
                    <ConfirmButton
                        label="Drop the kit"
                        confirm_label="Yes, drop it"
                        question=format!("Use the network's steps at {site_name} again?")
                        pending
                        on_confirm=Callback::new(move |()| {
                            drop_kit.dispatch(());
                        })
                    />
                </div>
            </Show>
        </section>
        <form class="kit-form" novalidate on:submit=submit>
            <ol class="kit-signs">
                {signs
                    .into_iter()
                    .map(|(sign, boxes)| view! { <KitSign sign boxes editable box_errors/> })
                    .collect_view()}
            </ol>
            {editable
                .then(|| {
                    view! {
                        <div class="kit-actions">
                            <p class="muted small" data-testid="adapted-count">
                                {move || format!("{} with steps of this site's own.", signs_word(adapted_count.get()))}
                            </p>
                            <button type="submit" id="save-variant" class="button primary" disabled=move || pending.get()>
                                "Save the kit"
                            </button>
                        </div>
                    }
                })}
        </form>
    }
}

/// "1 sign", "3 signs".
fn signs_word(count: usize) -> String {
    if count == 1 {
        "1 sign".to_owned()
    } else {
        format!("{count} signs")
    }
}

/// Scrolls the window to the top, where the notice is.
fn scroll_to_top() {
    if let Some(window) = web_sys::window() {
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// One sign: its tier, the network's steps and the site's boxes (or the
/// site's steps, read only).
#[component]
fn KitSign(
    sign: Discriminator,
    boxes: SignBoxes,
    editable: bool,
    box_errors: RwSignal<BTreeMap<String, String>>,
) -> impl IntoView {
    let code = sign.code.clone();
    let adapted = move || {
        boxes.before.with(|text| steps_of(text).is_some())
            || boxes.during.with(|text| steps_of(text).is_some())
    };
    let column = move |field: &'static str,
                       title: &'static str,
                       network: Vec<String>,
                       own: RwSignal<String>| {
        let id = format!("{field}-{}", sign.code);
        let error_id = format!("{id}-error");
        let error = {
            let id = id.clone();
            Memo::new(move |_| box_errors.with(|errors| errors.get(&id).cloned()))
        };
        view! {
            <div class="kit-column">
                <h3>{title}</h3>
                <p class="kit-source">"The network's"</p>
                {if network.is_empty() {
                    view! { <p class="muted small">"No steps."</p> }.into_any()
                } else {
                    view! {
                        <ul class="kit-network" class:replaced=move || own.with(|text| steps_of(text).is_some())>
                            {network.into_iter().map(|step| view! { <li>{step}</li> }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
                {if editable {
                    view! {
                        <label class="kit-source" for=id.clone()>"This site's, one step per line"</label>
                        <textarea
                            id=id.clone()
                            name=id.clone()
                            rows="3"
                            placeholder="Empty: the network's steps"
                            aria-invalid=move || error.get().is_some().then_some("true")
                            aria-describedby=error_id.clone()
                            bind:value=own
                        ></textarea>
                        {move || {
                            error
                                .get()
                                .map(|error| view! { <p class="field-error" id=error_id.clone()>{error}</p> })
                        }}
                    }
                        .into_any()
                } else {
                    view! {
                        {move || {
                            own.with(|text| steps_of(text))
                                .map(|steps| {
                                    view! {
                                        <p class="kit-source">"This site's"</p>
                                        <ul class="kit-own" data-testid="own-steps">
                                            {steps.into_iter().map(|step| view! { <li>{step}</li> }).collect_view()}
                                        </ul>
                                    }
                                })
                        }}
                    }
                        .into_any()
                }}
            </div>
        }
    };
    let tier = sign.tier.number();
    view! {
        <li class="card kit-sign" class:adapted=adapted data-testid="kit-sign" data-code=code>
            <div class="kit-sign-heading">
                <h2>
                    <span class="tier-chip" data-tier=tier.to_string() title=format!("Sets tier {tier}")>
                        {tier}
                    </span>
                    {sign.label.clone()}
                </h2>
                <Show when=adapted>
                    <span class="badge badge-vetted">"Adapted"</span>
                </Show>
            </div>
            <div class="kit-columns">
                {column("before", "Before transport", sign.before_transport.clone(), boxes.before)}
                {column("during", "During transport", sign.during_transport.clone(), boxes.during)}
            </div>
        </li>
    }
}

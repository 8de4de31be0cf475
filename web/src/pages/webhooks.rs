//! `/organizations/:id/webhooks`: the organization's endpoints for referral
//! events, each with its delivery log and a "Redeliver" button.

use leptos::prelude::*;
use uuid::Uuid;
use warren_client::ClientError;
use warren_domain::{ShortText, Website};
use warren_wire::{
    ALERT_EVENT_KINDS, ALL_EVENTS, CreateWebhookRequest, CreatedWebhook, DeliveryQuery,
    DeliveryState, EventKind, LOAN_EVENT_KINDS, REFERRAL_EVENT_KINDS, WEBHOOK_SIGNATURE_HEADER,
    Webhook, WebhookDelivery,
};

use crate::components::{
    ConfirmButton, CopyBox, ErrorAlert, FieldErrors, Loaded, RequireSignIn, SuccessNotice,
    TextField, error_of,
};
use crate::idempotency::IdempotencyKey;
use crate::local_time;
use crate::pages::{NotFoundPage, organization_id};
use crate::session::use_session;

/// Deliveries shown per page of a log.
const LOG_PAGE: u32 = 20;

/// The webhooks page.
#[component]
pub fn WebhooksPage() -> impl IntoView {
    let id = organization_id();
    view! {
        <RequireSignIn>
            {move || match id.get() {
                Some(id) => view! { <Webhooks id/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </RequireSignIn>
    }
}

/// What an event kind means, for the checkbox labels.
fn kind_description(kind: &str) -> &'static str {
    match kind {
        "referral.created" => "A referral is sent",
        "referral.status_changed" => "A referral is received, accepted, rejected, cancelled…",
        "referral.escalated" => "An unanswered referral escalates",
        "referral.transport_changed" => "Its transport is arranged or changes",
        "referral.outcome_recorded" => "The receiver records the outcome",
        "referral.message_posted" => "A message is posted in the case thread",
        "referral.updated" => "Anything else about the referral changes",
        "loan.requested" => "Someone asks to borrow your kit, or you ask",
        "loan.approved" => "A loan request is approved",
        "loan.declined" => "A loan request is declined",
        "loan.preempted" => "A booking is displaced by a more urgent case",
        "loan.cancelled" => "A loan is cancelled",
        "loan.checked_out" => "Kit is checked out",
        "loan.returned" => "Kit is returned",
        "loan.overdue" => "A loan is overdue",
        "alert.raised" => "An urgent alert starts alerting your people on call",
        "alert.acknowledged" => "Someone acknowledges an urgent alert",
        "alert.unacknowledged" => "An urgent alert reaches its end with nobody acknowledging",
        _ => "",
    }
}

#[component]
fn Webhooks(id: Uuid) -> impl IntoView {
    let session = use_session();
    let notice = RwSignal::new(None::<String>);
    let hooks = LocalResource::new(move || async move { session.api().webhooks(id).await });
    let reload = Callback::new(move |()| hooks.refetch());
    view! {
        <header class="page-header">
            <p class="eyebrow">
                <a href=format!("/organizations/{id}")>"\u{2190} Organization details"</a>
            </p>
            <h1>"Webhooks"</h1>
        </header>
        <SuccessNotice message=notice/>
        <section class="card" aria-labelledby="create-webhook-heading">
            <h2 id="create-webhook-heading">"Register an endpoint"</h2>
            <p class="muted">
                "Warren POSTs each referral event of this organization to the endpoint as JSON, "
                "signed with the endpoint's secret, and retries for several hours until it answers 2xx. "
                "The API documentation describes the signature and how to verify it."
            </p>
            <CreateWebhookForm organization=id reload/>
        </section>
        <section class="card" aria-labelledby="webhooks-heading">
            <h2 id="webhooks-heading">"Endpoints"</h2>
            <Loaded resource=hooks label="Loading endpoints…" let:list>
                {if list.items.is_empty() {
                    view! { <p class="empty">"No endpoints yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="webhook-list">
                            {list
                                .items
                                .into_iter()
                                .map(|webhook| view! { <WebhookItem webhook notice reload/> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </Loaded>
        </section>
    }
}

/// One endpoint: its settings, "Revoke", and its delivery log on demand.
#[component]
fn WebhookItem(
    webhook: Webhook,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let organization = webhook.organization_id;
    let id = webhook.id;
    let url = webhook.url.clone();
    let revoke =
        Action::new_local(
            move |()| async move { session.api().revoke_webhook(organization, id).await },
        );
    let revoked_url = url.clone();
    Effect::new(move |_| {
        if let Some(Ok(())) = revoke.value().get() {
            notice.set(Some(format!(
                "The endpoint {revoked_url} was revoked: nothing more is sent to it."
            )));
            reload.run(());
        }
    });
    let error = Signal::derive(move || error_of(revoke.value().get()));
    let pending = revoke.pending();
    let show_log = RwSignal::new(false);
    let events = webhook
        .events
        .iter()
        .map(|kind| match kind.as_str() {
            ALL_EVENTS => "all events".to_owned(),
            kind => kind.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let active = webhook.active;
    view! {
        <li class="card webhook" data-testid="webhook" data-webhook-id=id.to_string()>
            <div class="card-header">
                <h3 class="mono">{url.clone()}</h3>
                {if active {
                    view! { <span class="badge badge-vetted">"active"</span> }.into_any()
                } else {
                    view! { <span class="badge badge-suspended">"revoked"</span> }.into_any()
                }}
            </div>
            <dl class="facts">
                <dt>"Events"</dt>
                <dd>{events}</dd>
                {webhook.description.clone().map(|description| view! {
                    <dt>"Description"</dt>
                    <dd>{description}</dd>
                })}
                <dt>"Registered"</dt>
                <dd>{format!("{} by {}", local_time::date_time(webhook.created_at), webhook.created_by)}</dd>
            </dl>
            <ErrorAlert error/>
            <div class="form-actions">
                <button
                    type="button"
                    class="button secondary small"
                    aria-expanded=move || show_log.get().to_string()
                    on:click=move |_| show_log.update(|shown| *shown = !*shown)
                >
                    {move || if show_log.get() { "Hide delivery log" } else { "Delivery log" }}
                </button>
                <Show when=move || active>
                    <ConfirmButton
                        label="Revoke"
                        confirm_label="Yes, revoke"
                        question=format!("Revoke {url}? Warren stops sending events to it.")
                        pending
                        on_confirm=Callback::new(move |()| {
                            revoke.dispatch(());
                        })
                    />
                </Show>
            </div>
            <Show when=move || show_log.get()>
                <DeliveryLog organization webhook=id active notice/>
            </Show>
        </li>
    }
}

/// An endpoint's deliveries, newest first, a page at a time.
#[component]
fn DeliveryLog(
    organization: Uuid,
    webhook: Uuid,
    active: bool,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = use_session();
    // The cursors of the pages before the one shown, to step back.
    let cursor = RwSignal::new(None::<String>);
    let previous = RwSignal::new(Vec::<Option<String>>::new());
    let log = LocalResource::new(move || {
        let query = DeliveryQuery {
            cursor: cursor.get(),
            limit: Some(LOG_PAGE),
        };
        {
            let query = query.clone();
            async move {
                session
                    .api()
                    .webhook_deliveries(organization, webhook, &query)
                    .await
            }
        }
    });
    let reload = Callback::new(move |()| log.refetch());
    view! {
        <div class="delivery-log">
            <div class="card-header">
                <h4>"Delivery log"</h4>
                <button type="button" class="button secondary small" on:click=move |_| log.refetch()>
                    "Refresh"
                </button>
            </div>
            <Loaded resource=log label="Loading deliveries…" let:page>
                {if page.items.is_empty() {
                    view! { <p class="empty">"Nothing delivered yet."</p> }.into_any()
                } else {
                    let next = page.next_cursor.clone();
                    view! {
                        <div class="table-scroll" tabindex="0">
                            <table>
                                <thead>
                                    <tr>
                                        <th scope="col">"Queued"</th>
                                        <th scope="col">"Event"</th>
                                        <th scope="col">"State"</th>
                                        <th scope="col">"Attempts"</th>
                                        <th scope="col">"Last answer"</th>
                                        <th scope="col">"Next attempt / delivered"</th>
                                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {page
                                        .items
                                        .into_iter()
                                        .map(|delivery| view! { <DeliveryRow organization delivery active notice reload/> })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <div class="form-actions">
                            <Show when=move || !previous.with(Vec::is_empty)>
                                <button
                                    type="button"
                                    class="button secondary small"
                                    on:click=move |_| {
                                        let mut stack = previous.get_untracked();
                                        cursor.set(stack.pop().flatten());
                                        previous.set(stack);
                                    }
                                >
                                    "Newer"
                                </button>
                            </Show>
                            {next.map(|next| {
                                let next = StoredValue::new(next);
                                view! {
                                    <button
                                        type="button"
                                        class="button secondary small"
                                        on:click=move |_| {
                                            previous.update(|stack| stack.push(cursor.get_untracked()));
                                            cursor.set(Some(next.get_value()));
                                        }
                                    >
                                        "Older"
                                    </button>
                                }
                            })}
                        </div>
                    }
                        .into_any()
                }}
            </Loaded>
        </div>
    }
}

fn state_badge(state: DeliveryState) -> (&'static str, &'static str) {
    match state {
        DeliveryState::Pending => ("badge badge-applied", "pending"),
        DeliveryState::Retrying => ("badge badge-unverified", "retrying"),
        DeliveryState::Delivered => ("badge badge-vetted", "delivered"),
        DeliveryState::Failed => ("badge badge-suspended", "failed"),
    }
}

/// One delivery, with "Redeliver" while the endpoint is active.
#[component]
fn DeliveryRow(
    organization: Uuid,
    delivery: WebhookDelivery,
    active: bool,
    notice: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let webhook = delivery.webhook_id;
    let id = delivery.id;
    let redeliver = Action::new_local(move |()| async move {
        session
            .api()
            .redeliver_webhook(organization, webhook, id, None)
            .await
    });
    let kind = delivery.kind.clone();
    let redelivered_kind = kind.clone();
    Effect::new(move |_| {
        if let Some(Ok(_)) = redeliver.value().get() {
            notice.set(Some(format!(
                "The {redelivered_kind} event was queued again; it appears at the top of the log."
            )));
            reload.run(());
        }
    });
    let error = Signal::derive(move || error_of(redeliver.value().get()));
    let pending = redeliver.pending();
    let (badge, label) = state_badge(delivery.state);
    let last_answer = match (delivery.last_status, delivery.last_error.clone()) {
        (_, Some(error)) => error,
        (Some(status), None) => format!("HTTP {status}"),
        (None, None) => "\u{2014}".to_owned(),
    };
    let when = match (delivery.delivered_at, delivery.next_attempt_at) {
        (Some(at), _) => format!("delivered {}", local_time::date_time(at)),
        (None, Some(at)) => format!("next {}", local_time::date_time(at)),
        (None, None) => "\u{2014}".to_owned(),
    };
    view! {
        <tr data-testid="delivery" data-delivery-id=id.to_string() data-state=label>
            <td>{local_time::date_time(delivery.created_at)}</td>
            <td>
                <code>{kind}</code>
                {delivery.redelivery_of.map(|_| view! { <span class="muted">" (redelivery)"</span> })}
            </td>
            <td><span class=badge>{label}</span></td>
            <td>{delivery.attempts}</td>
            <td class="mono">{last_answer}</td>
            <td>{when}</td>
            <td class="actions">
                <ErrorAlert error/>
                <Show when=move || active>
                    <button
                        type="button"
                        class="button secondary small"
                        disabled=move || pending.get()
                        on:click=move |_| {
                            redeliver.dispatch(());
                        }
                    >
                        "Redeliver"
                    </button>
                </Show>
            </td>
        </tr>
    }
}

/// URL, description and event kinds; after registering, the secret shown once.
#[component]
fn CreateWebhookForm(organization: Uuid, reload: Callback<()>) -> impl IntoView {
    let session = use_session();
    let url = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let all = RwSignal::new(true);
    let kinds: Vec<(&'static str, RwSignal<bool>)> = REFERRAL_EVENT_KINDS
        .iter()
        .chain(LOAN_EVENT_KINDS.iter())
        .chain(ALERT_EVENT_KINDS.iter())
        .map(|kind| (*kind, RwSignal::new(false)))
        .collect();
    let chosen = kinds.clone();
    let errors = FieldErrors::new();
    let submission = IdempotencyKey::new();

    let create = Action::new_local(move |request: &CreateWebhookRequest| {
        let request = request.clone();
        let key = submission.for_body(&request);
        async move {
            let answer: Result<CreatedWebhook, ClientError> = session
                .api()
                .create_webhook(organization, &request, Some(&key))
                .await;
            match &answer {
                Ok(_) => {
                    submission.finish();
                    url.set(String::new());
                    description.set(String::new());
                    reload.run(());
                }
                Err(error) => errors.absorb(error),
            }
            answer
        }
    });
    let pending = create.pending();
    let error = Signal::derive(move || error_of(create.value().get()));
    let created = Signal::derive(move || create.value().get().and_then(Result::ok));

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let events: Vec<EventKind> = if all.get_untracked() {
            vec![EventKind::parse(ALL_EVENTS).expect("`*` is an event kind")]
        } else {
            chosen
                .iter()
                .filter(|(_, checked)| checked.get_untracked())
                .filter_map(|(kind, _)| EventKind::parse(*kind).ok())
                .collect()
        };
        if events.is_empty() {
            errors.add("events", "choose at least one event, or all events");
        }
        let url = errors.check("url", Website::parse(url.get_untracked()));
        let text = description.get_untracked();
        let description = if text.trim().is_empty() {
            Some(None)
        } else {
            errors
                .check("description", ShortText::parse(text))
                .map(Some)
        };
        if let (Some(url), Some(description), false) = (url, description, events.is_empty()) {
            create.dispatch(CreateWebhookRequest {
                url,
                events,
                description,
            });
        }
    };
    let events_error = errors.of("events");

    view! {
        <ErrorAlert error/>
        {move || {
            created
                .get()
                .map(move |created| {
                    view! {
                        <div class="secret-box" role="status" data-testid="webhook-created">
                            <p>
                                <strong>"Endpoint " {created.webhook.url.clone()} " registered."</strong>
                            </p>
                            <p class="warning-text">
                                "Copy the signing secret now: it cannot be shown again. "
                                "If it is lost, revoke the endpoint and register it again."
                            </p>
                            <CopyBox id="webhook-secret" label="Signing secret" value=created.secret/>
                            <p class="muted">
                                "Each delivery carries a " <code>{WEBHOOK_SIGNATURE_HEADER}</code>
                                " header, " <code>"t=<unix seconds>,v1=<hex>"</code> ": check that "
                                <code>"v1"</code> " is the HMAC-SHA256 of " <code>"<t>.<body>"</code>
                                " under this secret."
                            </p>
                        </div>
                    }
                })
        }}
        <form novalidate on:submit=submit aria-busy=move || pending.get().to_string()>
            <TextField
                id="webhook-url"
                label="URL"
                value=url
                input_type="url"
                hint="Where Warren POSTs events, e.g. https://clinic.example.org/warren-events."
                required=true
                error=errors.of("url")
            />
            <TextField
                id="webhook-description"
                label="Description"
                value=description
                hint="What receives the events, e.g. \u{201c}Practice software\u{201d}."
                error=errors.of("description")
            />
            <fieldset class="checkboxes" aria-describedby="events-error">
                <legend>"Events"</legend>
                <div class="checkbox">
                    <input id="event-all" type="checkbox" value=ALL_EVENTS bind:checked=all/>
                    <label for="event-all">"All events, including kinds added later"</label>
                </div>
                {kinds
                    .into_iter()
                    .map(|(kind, checked)| {
                        let id = format!("event-{}", kind.replace('.', "-"));
                        view! {
                            <div class="checkbox">
                                <input
                                    id=id.clone()
                                    type="checkbox"
                                    value=kind
                                    bind:checked=checked
                                    disabled=move || all.get()
                                />
                                <label for=id>
                                    <code>{kind}</code>
                                    " \u{2014} "
                                    {kind_description(kind)}
                                </label>
                            </div>
                        }
                    })
                    .collect_view()}
                {move || events_error.get().map(|error| view! { <p class="field-error" id="events-error">{error}</p> })}
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    "Register endpoint"
                </button>
                <Show when=move || pending.get()>
                    <span class="spinner" role="status" aria-label="Registering"></span>
                </Show>
            </div>
        </form>
    }
}

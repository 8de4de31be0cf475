//! The owner's or finder's side of a referral: the status links the
//! referring clinic gives them (made, listed, revoked) and the updates
//! either clinic shares with them. The page a link opens is the server's
//! (`/embed/status.html`), readable without an account.

use super::*;
use warren_wire::{StatusLink, StatusLinkRequest, StatusUpdate, StatusUpdateRequest};

use crate::components::CopyBox;

/// The status links and the shared updates; shown to those who decide on
/// either side (links are the referring clinic's).
#[component]
pub(super) fn OwnerLinkCard() -> impl IntoView {
    let page = use_page();
    let id = page.id;
    let session = page.session;
    let referrer = Memo::new(move |_| page.referral.with(|referral| referral.side == "referrer"));
    let reloads = RwSignal::new(0_u32);
    let links = LocalResource::new(move || {
        reloads.track();
        let referrer = referrer.get();
        async move {
            if referrer {
                session.api().status_links(id).await.map(|list| list.items)
            } else {
                Ok(Vec::new())
            }
        }
    });
    let updates = LocalResource::new(move || {
        reloads.track();
        async move {
            session
                .api()
                .status_updates(id)
                .await
                .map(|list| list.items)
        }
    });

    // Making a link.
    let label = RwSignal::new(String::new());
    let bring = RwSignal::new(String::new());
    let share_updates = RwSignal::new(true);
    let share_outcome = RwSignal::new(false);
    let made = RwSignal::new(None::<String>);
    let errors = FieldErrors::new();
    let make = Action::new_local(move |request: &StatusLinkRequest| {
        let request = request.clone();
        async move {
            let answer = session.api().create_status_link(id, &request).await;
            match &answer {
                Ok(link) => {
                    made.try_set(link.url.clone());
                    label.try_set(String::new());
                    bring.try_set(String::new());
                    reloads.try_update(|n| *n += 1);
                }
                Err(error) => errors.absorb(error),
            }
            answer.map(|_| ())
        }
    });
    let make_error = Signal::derive(move || {
        make.value()
            .get()
            .and_then(Result::err)
            .filter(|error| error.status() != Some(422))
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let label_text = label.get_untracked();
        let bring_text = bring.get_untracked();
        let label = if label_text.trim().is_empty() {
            Some(None)
        } else {
            errors
                .check("label", ShortText::parse(&label_text))
                .map(Some)
        };
        let what_to_bring = if bring_text.trim().is_empty() {
            Some(None)
        } else {
            errors
                .check("what_to_bring", ClinicalNote::parse(&bring_text))
                .map(Some)
        };
        if let (Some(label), Some(what_to_bring)) = (label, what_to_bring) {
            make.dispatch(StatusLinkRequest {
                label,
                what_to_bring,
                share_updates: share_updates.get_untracked(),
                share_outcome: share_outcome.get_untracked(),
            });
        }
    };
    let revoke = Action::new_local(move |link: &Uuid| {
        let link = *link;
        async move {
            let answer = session.api().revoke_status_link(id, link).await;
            reloads.try_update(|n| *n += 1);
            answer
        }
    });
    let revoke_error = Signal::derive(move || revoke.value().get().and_then(Result::err));

    // Sharing an update.
    let update = RwSignal::new(String::new());
    let update_errors = FieldErrors::new();
    let share = Action::new_local(move |request: &StatusUpdateRequest| {
        let request = request.clone();
        async move {
            let answer = session.api().post_status_update(id, &request).await;
            match &answer {
                Ok(_) => {
                    update.try_set(String::new());
                    reloads.try_update(|n| *n += 1);
                }
                Err(error) => update_errors.absorb(error),
            }
            answer.map(|_| ())
        }
    });
    let share_error = Signal::derive(move || {
        share
            .value()
            .get()
            .and_then(Result::err)
            .filter(|error| error.status() != Some(422))
    });
    let submit_update = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        update_errors.clear();
        if let Some(body) = update_errors.check("body", ClinicalNote::parse(update.get_untracked()))
        {
            share.dispatch(StatusUpdateRequest { body });
        }
    };

    let link_item = move |link: StatusLink| {
        let revoked = link.revoked_at.is_some();
        let who = link
            .label
            .clone()
            .unwrap_or_else(|| "Owner or finder".to_owned());
        let shares = match (link.share_updates, link.share_outcome) {
            (true, true) => "shares updates and the outcome",
            (true, false) => "shares updates",
            (false, true) => "shares the outcome",
            (false, false) => "shares the status only",
        };
        let link_id = link.id;
        view! {
            <li class="owner-link" data-testid="status-link">
                <p>
                    <strong>{who}</strong>
                    <span class="muted">{format!(" · {shares} · made by {} {}", link.created_by, local_time::date_time(link.created_at))}</span>
                </p>
                {if revoked {
                    view! { <p class="muted">"Revoked: the link no longer works."</p> }.into_any()
                } else {
                    view! {
                        <button type="button" class="button secondary" data-testid="revoke-status-link" on:click=move |_| { revoke.dispatch(link_id); }>
                            "Revoke"
                        </button>
                    }
                    .into_any()
                }}
            </li>
        }
    };
    let update_item = |update: StatusUpdate| {
        view! {
            <li class="message" data-testid="status-update">
                <p class="message-meta muted">{format!("{} · {}", update.organization_name, local_time::date_time(update.at))}</p>
                <p class="message-body notes">{update.body}</p>
            </li>
        }
    };

    view! {
        <Show when=move || page.may_decide() && page.own_organization().is_some()>
            <section class="card owner-link-card" aria-labelledby="owner-link-heading" data-testid="owner-link">
                <h2 id="owner-link-heading">"Owner or finder"</h2>
                <Show when=move || referrer.get()>
                    <p class="muted">
                        "Give the owner or finder a link to follow the case without an account: where the animal is going, what to expect and bring, and only what you choose to share."
                    </p>
                    <Loaded resource=links label="Loading links…" let:items>
                        {if items.is_empty() {
                            view! { <p class="empty">"No link given yet."</p> }.into_any()
                        } else {
                            view! { <ul class="owner-links">{items.into_iter().map(link_item).collect_view()}</ul> }.into_any()
                        }}
                    </Loaded>
                    <ErrorAlert error=revoke_error/>
                    {move || made.get().map(|url| view! {
                        <div class="success" data-testid="status-link-made">
                            <p>"Give this link now: it is shown only once. Read it aloud, text or e-mail it."</p>
                            <CopyBox id="status-link-url" label="Status link" value=url/>
                        </div>
                    })}
                    <form class="owner-link-form" novalidate on:submit=submit>
                        <TextField id="status-link-label" label="Who it is for (only you see this)" value=label error=errors.of("label")/>
                        <TextArea id="status-link-bring" label="What to bring or do (shown on the page)" value=bring error=errors.of("what_to_bring")/>
                        <label class="check">
                            <input type="checkbox" prop:checked=move || share_updates.get() on:change=move |event| share_updates.set(event_target_checked(&event))/>
                            " Share the updates below"
                        </label>
                        <label class="check">
                            <input type="checkbox" prop:checked=move || share_outcome.get() on:change=move |event| share_outcome.set(event_target_checked(&event))/>
                            " Share the outcome"
                        </label>
                        <ErrorAlert error=make_error/>
                        <div class="form-actions">
                            <button type="submit" class="button primary" data-testid="make-status-link" disabled=move || make.pending().get()>
                                "Make a status link"
                            </button>
                        </div>
                    </form>
                </Show>
                <h3>"Updates shared with them"</h3>
                <Loaded resource=updates label="Loading updates…" let:items>
                    {if items.is_empty() {
                        view! { <p class="empty">"Nothing shared yet."</p> }.into_any()
                    } else {
                        view! { <ol class="messages">{items.into_iter().map(update_item).collect_view()}</ol> }.into_any()
                    }}
                </Loaded>
                <form class="message-form" novalidate on:submit=submit_update>
                    <TextArea id="status-update-body" label="Share an update (plain words, no clinical notes)" value=update error=update_errors.of("body")/>
                    <ErrorAlert error=share_error/>
                    <div class="form-actions">
                        <button type="submit" class="button secondary" data-testid="share-status-update" disabled=move || share.pending().get()>
                            "Share update"
                        </button>
                    </div>
                </form>
            </section>
        </Show>
    }
}

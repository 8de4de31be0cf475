//! The case thread between the two sides, and the timeline.

use super::*;

/// The case thread between the two sides.
#[component]
pub(super) fn ThreadCard() -> impl IntoView {
    let page = use_page();
    let thread = page.thread;
    let body = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let id = page.id;
    let session = page.session;
    let post = Action::new_local(move |text: &ClinicalNote| {
        let request = PostMessageRequest { body: text.clone() };
        async move {
            let posted = session.api().post_referral_message(id, &request).await;
            match &posted {
                Ok(message) => {
                    body.try_set(String::new());
                    thread.try_update(|thread| {
                        if !thread.iter().any(|known| known.id == message.id) {
                            thread.push(message.clone());
                        }
                    });
                }
                Err(error) => {
                    errors.absorb(error);
                }
            }
            posted.map(|_| ())
        }
    });
    let pending = post.pending();
    let error = Signal::derive(move || {
        post.value()
            .get()
            .and_then(Result::err)
            .filter(|error| error.status() != Some(422))
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        if let Some(text) = errors.check("body", ClinicalNote::parse(body.get_untracked())) {
            post.dispatch(text);
        }
    };
    let own = Memo::new(move |_| page.own_organization());
    view! {
        <section class="card thread" aria-labelledby="thread-heading" data-testid="thread">
            <h2 id="thread-heading">"Case thread"</h2>
            {move || {
                let messages = thread.get();
                if messages.is_empty() {
                    return view! { <p class="empty">"No messages yet. Ask or tell the other side here."</p> }.into_any();
                }
                let own = own.get();
                view! {
                    <ol class="messages">
                        {messages
                            .into_iter()
                            .map(|message| {
                                let mine = own == Some(message.organization_id);
                                view! {
                                    <li class="message" class:mine=mine data-testid="message">
                                        <p class="message-meta">
                                            <strong>{message.author}</strong>
                                            <span class="muted">{format!(" · {} · {}", message.organization_name, local_time::date_time(message.at))}</span>
                                        </p>
                                        <p class="message-body notes">{message.body}</p>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }}
            <ErrorAlert error/>
            // Only the two organizations write in the thread.
            <Show when=move || own.get().is_some()>
                <form class="message-form" novalidate on:submit=submit>
                    <TextArea id="message-body" label="Message" value=body error=errors.of("body")/>
                    <div class="form-actions">
                        <button type="submit" class="button primary" data-testid="send-message" disabled=move || pending.get()>
                            "Send message"
                        </button>
                    </div>
                </form>
            </Show>
        </section>
    }
}

/// The label of a timeline entry about alerts to people: who was alerted,
/// who acknowledged, and when nobody did or an e-mail did not arrive.
fn alert_label(kind: &str) -> Option<&'static str> {
    match kind {
        "alerted" => Some("Alerted"),
        "acknowledged" => Some("Acknowledged"),
        "alert_unanswered" => Some("Nobody acknowledged"),
        "alert_failed" => Some("E-mail not delivered"),
        "alert_closed" => Some("Alerts stopped"),
        _ => None,
    }
}

/// Every move, who made it and when, with the alerts to people: who was
/// alerted and who acknowledged, as both clinics see them.
#[component]
pub(super) fn Timeline() -> impl IntoView {
    let page = use_page();
    view! {
        <TimelineCard
            entries=page.timeline
            status_label=|code| ReferralStatus::parse(code).map(|status| status.label())
            kind_label=alert_label
        />
    }
}

//! The status card: where the referral stands and the moves the caller's side
//! may make, with the decline form.

use super::*;

/// Where it stands, what the other side must do, and the caller's moves.
#[component]
pub(super) fn StatusCard() -> impl IntoView {
    let page = use_page();
    let referral = page.referral;
    let declining = page.declining;
    let pending = page.change.pending();
    let moves = Memo::new(move |_| referral.with(|referral| referral.next_statuses.clone()));
    let send = move |status: ReferralStatus| {
        page.change.dispatch(Change::Transition(TransitionRequest {
            status,
            reason: None,
            note: None,
        }));
    };
    let situation = move || {
        referral.with(|referral| {
            let receiver = party_name(&referral.receiver);
            let ours = referral.side == "receiver";
            let text = match referral.status {
                ReferralStatus::Draft => "A draft: not sent yet.".to_owned(),
                ReferralStatus::Requested | ReferralStatus::Received if ours => {
                    "Waiting for your answer.".to_owned()
                }
                ReferralStatus::Requested | ReferralStatus::Received => {
                    format!("Waiting for {receiver} to answer.")
                }
                ReferralStatus::Accepted => format!("{receiver} will take the patient."),
                ReferralStatus::InProgress => {
                    format!("With {receiver}: a vet has seen the patient.")
                }
                ReferralStatus::OnHold => format!("On hold at {receiver}."),
                ReferralStatus::Completed => "Completed: the outcome is recorded.".to_owned(),
                ReferralStatus::Rejected => format!("{receiver} declined."),
                ReferralStatus::Cancelled => "Cancelled.".to_owned(),
                ReferralStatus::Failed => "The handover could not happen.".to_owned(),
                ReferralStatus::EnteredInError => {
                    "Entered in error: kept for the record only.".to_owned()
                }
            };
            let due = referral
                .answer_due_at
                .filter(|_| referral.status.awaits_answer());
            (text, due)
        })
    };
    let buttons = move || {
        let from = referral.with_untracked(|referral| referral.status);
        moves
            .get()
            .into_iter()
            .map(|to| {
                let label = move_label(from, to);
                match to {
                    ReferralStatus::Rejected => view! {
                        <button
                            type="button"
                            class="button danger"
                            data-testid="transition"
                            data-status=to.as_str()
                            disabled=move || pending.get()
                            on:click=move |_| declining.set(true)
                        >
                            {label}
                        </button>
                    }
                    .into_any(),
                    ReferralStatus::Cancelled
                    | ReferralStatus::Failed
                    | ReferralStatus::EnteredInError => view! {
                        <span class="move-confirm" data-testid="transition" data-status=to.as_str()>
                            <ConfirmButton
                                label
                                confirm_label="Yes"
                                question=format!("{label}?")
                                pending
                                on_confirm=Callback::new(move |()| send(to))
                            />
                        </span>
                    }
                    .into_any(),
                    _ => {
                        let class =
                            if matches!(to, ReferralStatus::Accepted | ReferralStatus::Requested) {
                                "button primary large"
                            } else {
                                "button secondary"
                            };
                        view! {
                            <button
                                type="button"
                                class=class
                                data-testid="transition"
                                data-status=to.as_str()
                                disabled=move || pending.get()
                                on:click=move |_| send(to)
                            >
                                {label}
                            </button>
                        }
                        .into_any()
                    }
                }
            })
            .collect_view()
    };
    view! {
        <section class="card status-card" aria-labelledby="status-heading" data-testid="status-card">
            <h2 id="status-heading">"Status"</h2>
            {move || {
                let (text, due) = situation();
                view! {
                    <p class="situation" data-testid="situation">
                        <strong>{text}</strong>
                        {due.map(|due| view! { " " <DueCountdown due/> })}
                    </p>
                }
            }}
            {move || {
                referral
                    .with(|referral| referral.rejection.clone())
                    .map(|rejection| {
                        view! {
                            <p class="rejection" data-testid="rejection" data-reason=rejection.reason.as_str()>
                                <strong>{format!("Declined: {}", rejection.reason.label())}</strong>
                                {rejection.note.map(|note| view! { <span class="notes">" — " {note}</span> })}
                            </p>
                        }
                    })
            }}
            {move || {
                referral
                    .with(|referral| referral.escalated_from)
                    .map(|from| {
                        view! {
                            <p class="muted small">
                                "Escalated from "
                                <a href=format!("/referrals/{from}")>"an earlier referral"</a>
                                " that was not answered in time."
                            </p>
                        }
                    })
            }}
            <Show
                when=move || page.may_decide()
                fallback=|| {
                    view! {
                        <p class="muted small">
                            "Volunteers read referrals and set the transport step; staff decide."
                        </p>
                    }
                }
            >
                <Show when=move || !moves.with(Vec::is_empty)>
                    <div class="move-buttons" role="group" aria-label="What you can do">
                        {buttons}
                    </div>
                </Show>
                <Show when=move || declining.get() && moves.with(|moves| moves.contains(&ReferralStatus::Rejected))>
                    <DeclineForm/>
                </Show>
            </Show>
        </section>
    }
}

/// Declining: a reason from the list, words required for "Other".
#[component]
fn DeclineForm() -> impl IntoView {
    let page = use_page();
    let reason = RwSignal::new(None::<RejectReason>);
    let note = RwSignal::new(String::new());
    let errors = page.decline_errors;
    let pending = page.change.pending();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let Some(chosen) = reason.get_untracked() else {
            errors.add("reason", "choose why");
            reveal_problem();
            return;
        };
        let text = note.get_untracked();
        let note = if text.trim().is_empty() {
            if chosen == RejectReason::Other {
                errors.add("note", "say why, for the reason “Other”");
                reveal_problem();
                return;
            }
            None
        } else {
            match errors.check("note", ClinicalNote::parse(text)) {
                Some(note) => Some(note),
                None => return,
            }
        };
        page.change.dispatch(Change::Transition(TransitionRequest {
            status: ReferralStatus::Rejected,
            reason: Some(chosen),
            note,
        }));
    };
    let reason_error = errors.of("reason");
    view! {
        <form class="decline-form" data-testid="decline-form" novalidate on:submit=submit>
            <fieldset class="radio-list" aria-invalid=move || reason_error.get().is_some().then_some("true")>
                <legend>"Why decline?"</legend>
                {RejectReason::ALL
                    .iter()
                    .copied()
                    .map(|choice| {
                        let id = format!("reject-{}", choice.as_str());
                        view! {
                            <div class="checkbox">
                                <input
                                    type="radio"
                                    name="reject-reason"
                                    id=id.clone()
                                    value=choice.as_str()
                                    prop:checked=move || reason.get() == Some(choice)
                                    on:change=move |_| reason.set(Some(choice))
                                />
                                <label for=id>{choice.label()}</label>
                            </div>
                        }
                    })
                    .collect_view()}
                {move || reason_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
            </fieldset>
            <TextArea
                id="reject-note"
                label="Note for the referrer"
                value=note
                hint="Required for “Other”."
                error=errors.of("note")
            />
            <div class="form-actions">
                <button type="submit" class="button danger" data-testid="decline" disabled=move || pending.get()>
                    "Decline referral"
                </button>
                <button type="button" class="button secondary" on:click=move |_| page.declining.set(false)>
                    "Keep it"
                </button>
            </div>
        </form>
    }
}

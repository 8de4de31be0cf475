//! The outcome, recorded by the receiver.

use super::*;

/// The outcome as recorded, or the form to record it (the receiver, once
/// the patient is taken on).
#[component]
pub(super) fn OutcomeCard() -> impl IntoView {
    let page = use_page();
    let referral = page.referral;
    let outcome = Memo::new(move |_| referral.with(|referral| referral.outcome.clone()));
    let may_record = Memo::new(move |_| {
        referral.with(|referral| {
            referral.side == "receiver" && referral.status.is_taken() && referral.outcome.is_none()
        }) && page.may_decide()
    });
    let waiting = Memo::new(move |_| {
        referral.with(|referral| referral.outcome.is_none() && referral.side != "receiver")
    });
    view! {
        <section class="card" aria-labelledby="outcome-heading" data-testid="outcome-card">
            <h2 id="outcome-heading">"Outcome"</h2>
            {move || {
                outcome
                    .get()
                    .map(|record| {
                        let kind = record.outcome.kind;
                        view! {
                            <div class="outcome" data-testid="outcome" data-kind=kind.as_str()>
                                <p class="outcome-kind">{kind.label()}</p>
                                {record.outcome.note.map(|note| view! { <p class="notes">{note.to_string()}</p> })}
                                {record
                                    .outcome
                                    .follow_up_due
                                    .map(|date| view! { <p data-testid="follow-up"><strong>"Follow-up due: "</strong>{day_text(date)}</p> })}
                                <p class="muted small">
                                    {format!("Recorded by {} on {}", record.recorded_by, local_time::date_time(record.recorded_at))}
                                </p>
                            </div>
                        }
                    })
            }}
            <Show when=move || waiting.get()>
                <p class="empty">"The receiver records the outcome once the patient has been seen."</p>
            </Show>
            <Show when=move || may_record.get()>
                <OutcomeForm/>
            </Show>
        </section>
    }
}

/// "30 Nov 2026". Written out rather than with `chrono`'s `format`, whose
/// strftime machinery would add its weight to the app for three words.
fn day_text(date: NaiveDate) -> String {
    use chrono::Datelike;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// Recording the outcome: what happened, words for the referrer and when
/// the patient should be seen again.
#[component]
fn OutcomeForm() -> impl IntoView {
    let page = use_page();
    let kind = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let follow_up = RwSignal::new(String::new());
    let errors = page.outcome_errors;
    let pending = page.change.pending();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let chosen = OutcomeKind::parse(&kind.get_untracked());
        if chosen.is_none() {
            errors.add("kind", "choose what happened");
        }
        let text = note.get_untracked();
        let note = if text.trim().is_empty() {
            None
        } else {
            errors.check("note", ClinicalNote::parse(text))
        };
        let date = follow_up.get_untracked();
        let follow_up_due = if date.trim().is_empty() {
            None
        } else {
            errors.check(
                "follow_up_due",
                NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d"),
            )
        };
        let Some(kind) = chosen else {
            reveal_problem();
            return;
        };
        if !errors.is_empty() {
            reveal_problem();
            return;
        }
        page.change.dispatch(Change::Outcome(RecordOutcomeRequest {
            kind,
            note,
            follow_up_due,
        }));
    };
    let kind_error = errors.of("kind");
    let date_error = errors.of("follow_up_due");
    view! {
        <form class="outcome-form" data-testid="outcome-form" novalidate on:submit=submit>
            <div class="form-grid two">
                <div class="field">
                    <label for="outcome-kind">"What happened" <span class="required" aria-hidden="true">" *"</span></label>
                    <select
                        id="outcome-kind"
                        aria-invalid=move || kind_error.get().is_some().then_some("true")
                        on:change=move |event| kind.set(event_target_value(&event))
                    >
                        <option value="" prop:selected=move || kind.with(String::is_empty)>"Choose…"</option>
                        {OutcomeKind::ALL
                            .iter()
                            .copied()
                            .map(|option| {
                                view! {
                                    <option value=option.as_str() prop:selected=move || kind.with(|kind| kind == option.as_str())>
                                        {option.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    {move || kind_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                <div class="field">
                    <label for="follow-up">"Follow-up due"</label>
                    <input
                        id="follow-up"
                        type="date"
                        aria-invalid=move || date_error.get().is_some().then_some("true")
                        bind:value=follow_up
                    />
                    {move || date_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
            </div>
            <TextArea id="outcome-note" label="What the referrer should know" value=note error=errors.of("note")/>
            <div class="form-actions">
                <button type="submit" class="button primary" data-testid="record-outcome" disabled=move || pending.get()>
                    "Record outcome"
                </button>
            </div>
        </form>
    }
}

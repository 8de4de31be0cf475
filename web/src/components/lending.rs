//! Pieces shared by the lending pages (the kit library members lend each
//! other equipment through, and the surplus supplies board): badges for
//! loans and items, a loan's window and decision in words, the tier picker, the
//! condition checklist form of checkout and return, the organization a
//! person borrows or lends for, and the tabs between the lending pages.

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use uuid::Uuid;
use warren_client::ClientError;
use warren_domain::lending::{
    ChecklistEntry, Condition, ConditionReport, DeclineReason, ItemStatus, LoanWindow,
    MaintenanceInterval, ReservationStatus, Suitability, Urgency,
};
use warren_domain::triage::Tier;
use warren_domain::{ClinicalNote, Role, ShortText};
use warren_wire::{CreateLoanRequest, DeclineLoanRequest, Loan};

use crate::components::{FieldErrors, tier_name};
use crate::local_time;
use crate::offline::{TAXONOMY_KEY, read_through};
use crate::session::Session;

/// The network's vocabulary (species and capabilities), read through the
/// device's copy; empty when it cannot be read.
pub async fn vocabulary(session: Session) -> Vec<warren_wire::Term> {
    read_through(TAXONOMY_KEY, async move { session.api().taxonomy().await })
        .await
        .map(|cached| cached.value.items)
        .unwrap_or_default()
}

/// An organization's sites as (id, name), by name; empty when they cannot
/// be read.
pub async fn sites_of(session: Session, organization: Option<Uuid>) -> Vec<(Uuid, String)> {
    let Some(organization) = organization else {
        return Vec::new();
    };
    session
        .api()
        .sites(organization)
        .await
        .map(|sites| {
            sites
                .items
                .into_iter()
                .map(|site| (site.listing.id, site.listing.name))
                .collect()
        })
        .unwrap_or_default()
}

/// The organizations the signed-in person may borrow or lend for: every
/// membership but a volunteer's, in the order of their memberships.
pub fn acting_organizations(session: Session) -> Vec<(Uuid, String)> {
    session
        .memberships()
        .into_iter()
        .filter(|membership| membership.role != Role::Volunteer)
        .map(|membership| (membership.organization.id, membership.organization.name))
        .collect()
}

/// The `If-Match` value of a resource at `version`, for changes made from a
/// list (which carries versions, not `ETag`s).
pub fn etag_of(version: i64) -> String {
    format!("\"{version}\"")
}

/// A loan window in local time: "12 Mar 2026, 14:05 → 14 Mar 2026, 14:05".
pub fn window_text(window: LoanWindow) -> String {
    format!(
        "{} → {}",
        local_time::date_time(window.starts()),
        local_time::date_time(window.ends())
    )
}

/// A duration in days and hours: "2 days", "1 day 6 h", "5 h".
pub fn length_text(window: LoanWindow) -> String {
    let hours = window.length().num_hours();
    let (days, hours) = (hours / 24, hours % 24);
    let days_text = match days {
        0 => String::new(),
        1 => "1 day".to_owned(),
        days => format!("{days} days"),
    };
    match (days, hours) {
        (0, 0) => format!("{} min", window.length().num_minutes()),
        (_, 0) => days_text,
        (0, hours) => format!("{hours} h"),
        (_, hours) => format!("{days_text} {hours} h"),
    }
}

/// What a loan's last allocation decision was, in a few words.
pub fn decision_label(decision: &str) -> &'static str {
    match decision {
        "auto_approve" => "Reserved automatically",
        "needs_owner_approval" => "Waiting for the owner's approval",
        "preempt" => "Reserved ahead of a routine booking",
        "approved" => "Approved by the owner",
        "declined" => "Declined",
        "preempted" => "Displaced by a more urgent case",
        "cancelled" => "Cancelled",
        _ => "Decided",
    }
}

/// The urgency of a request in words: "Tier 1 · Immediate — rat in
/// respiratory distress" or "… — from a triage assessment".
pub fn urgency_text(urgency: &Urgency) -> String {
    let tier = urgency.tier();
    let grounds = match (
        urgency.justification(),
        urgency.assessment_id(),
        urgency.referral_id(),
    ) {
        (Some(words), _, _) => words.as_str().to_owned(),
        (None, Some(_), _) => "from a triage assessment".to_owned(),
        (None, None, Some(_)) => "from a referral".to_owned(),
        (None, None, None) => String::new(),
    };
    format!("Tier {} · {} — {grounds}", tier.number(), tier_name(tier))
}

/// "Every 30 days" or "After each loan".
pub fn interval_text(interval: MaintenanceInterval) -> String {
    match interval {
        MaintenanceInterval::Days { days: 1 } => "Every day".to_owned(),
        MaintenanceInterval::Days { days } => format!("Every {days} days"),
        MaintenanceInterval::AfterEachLoan => "After each loan".to_owned(),
    }
}

/// Which animals an item suits, in words, with species shown through
/// `label` (codes to labels).
pub fn suitability_text(suitability: &Suitability, label: impl Fn(&str) -> String) -> String {
    let species = if suitability.species.is_empty() {
        "Any species".to_owned()
    } else {
        suitability
            .species
            .iter()
            .map(|code| label(code.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let weight = match (suitability.weight.min(), suitability.weight.max()) {
        (None, None) => None,
        (Some(min), None) => Some(format!("from {} g", min.grams())),
        (None, Some(max)) => Some(format!("up to {} g", max.grams())),
        (Some(min), Some(max)) => Some(format!("{}–{} g", min.grams(), max.grams())),
    };
    match weight {
        Some(weight) => format!("{species}; {weight}"),
        None => species,
    }
}

/// The local calendar date of `at`.
pub fn local_date(at: DateTime<Utc>) -> Option<NaiveDate> {
    let input = local_time::to_input(at);
    NaiveDate::parse_from_str(input.get(..10)?, "%Y-%m-%d").ok()
}

/// The instant local midnight starts `date`.
pub fn local_midnight(date: NaiveDate) -> Option<DateTime<Utc>> {
    local_time::from_input(&format!("{}T00:00", date.format("%Y-%m-%d")))
}

/// A loan's status as a badge: amber while waiting, green while held or
/// out, red when overdue or refused, grey when over.
#[component]
pub fn LoanStatusBadge(
    /// The status.
    status: ReservationStatus,
) -> impl IntoView {
    let class = match status {
        ReservationStatus::Requested => "badge badge-applied",
        ReservationStatus::Reserved | ReservationStatus::Active => "badge badge-vetted",
        ReservationStatus::Overdue | ReservationStatus::Declined => "badge badge-suspended",
        ReservationStatus::Returned => "badge badge-done",
        ReservationStatus::Cancelled => "badge badge-muted",
    };
    view! {
        <span class=class data-testid="loan-status" data-status=status.as_str()>
            {status.label()}
        </span>
    }
}

/// An item's status as a badge.
#[component]
pub fn ItemStatusBadge(
    /// The status.
    status: ItemStatus,
) -> impl IntoView {
    let class = match status {
        ItemStatus::Available => "badge badge-vetted",
        ItemStatus::OnLoan => "badge badge-transport",
        ItemStatus::InMaintenance => "badge badge-applied",
        ItemStatus::Retired => "badge badge-muted",
    };
    view! {
        <span class=class data-testid="item-status" data-status=status.as_str()>
            {status.label()}
        </span>
    }
}

/// An item's condition as a badge, with the word "condition" for people
/// who cannot tell the colours apart.
#[component]
pub fn ConditionBadge(
    /// The condition.
    condition: Condition,
) -> impl IntoView {
    let class = match condition {
        Condition::Good => "badge badge-vetted",
        Condition::Fair => "badge badge-applied",
        Condition::NeedsRepair | Condition::Unusable => "badge badge-suspended",
    };
    view! {
        <span class=class data-testid="condition" data-condition=condition.as_str()>
            {format!("Condition: {}", condition.label().to_lowercase())}
        </span>
    }
}

/// A loan's last decision and the reason both sides read.
#[component]
pub fn DecisionNote(
    /// The loan.
    loan: Loan,
) -> impl IntoView {
    let tone = match loan.decision.as_str() {
        "auto_approve" | "approved" | "preempt" => "decision decision-good",
        "needs_owner_approval" => "decision decision-wait",
        _ => "decision decision-bad",
    };
    view! {
        <div class=tone data-testid="decision" data-decision=loan.decision.clone()>
            <p class="decision-label">
                <strong>{decision_label(&loan.decision)}</strong>
            </p>
            <p class="decision-reason" data-testid="decision-reason">{local_time::in_text(&loan.decision_reason)}</p>
            {loan
                .decline_reason
                .map(|reason| view! { <p class="small">{format!("Declined: {}", reason.label())}</p> })}
            {loan
                .note
                .clone()
                .map(|note| view! { <p class="small notes">{note}</p> })}
        </div>
    }
}

/// The five triage tiers as radio chips in their colours.
#[component]
pub fn TierPicker(
    /// The group's name (and id prefix).
    name: &'static str,
    /// The chosen tier.
    tier: RwSignal<Option<Tier>>,
    /// The legend.
    #[prop(default = "Urgency (triage tier)")]
    legend: &'static str,
    /// The error, if any.
    #[prop(into, default = Signal::stored(None))]
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <fieldset id=name class="chip-set" aria-invalid=move || error.get().is_some().then_some("true")>
            <legend>{legend} <span class="required" aria-hidden="true">" *"</span></legend>
            <div class="tier-picker">
                {Tier::ALL
                    .into_iter()
                    .map(|choice| {
                        let number = choice.number();
                        view! {
                            <label class="tier-option" data-tier=number.to_string()>
                                <input
                                    type="radio"
                                    name=name
                                    id=format!("{name}-{number}")
                                    value=number.to_string()
                                    prop:checked=move || tier.get() == Some(choice)
                                    on:change=move |_| tier.set(Some(choice))
                                />
                                <span>{format!("{number} · {}", tier_name(choice))}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            {move || error.get().map(|error| view! { <p class="field-error">{error}</p> })}
        </fieldset>
    }
}

/// One line of a checklist being filled in.
#[derive(Clone)]
pub struct ChecklistLine {
    /// What is checked.
    pub label: String,
    /// Whether it was found present and working.
    pub ok: RwSignal<bool>,
    /// What is wrong, when not.
    pub note: RwSignal<String>,
}

/// A condition report being filled in: the checklist, the overall
/// condition and notes.
#[derive(Clone)]
pub struct ReportDraft {
    /// The lines, in order.
    pub lines: Vec<ChecklistLine>,
    /// The overall condition.
    pub condition: RwSignal<Condition>,
    /// Anything else worth knowing.
    pub notes: RwSignal<String>,
}

impl ReportDraft {
    /// A draft with `labels`, nothing ticked yet, in `condition`.
    pub fn new(labels: impl IntoIterator<Item = String>, condition: Condition) -> Self {
        Self {
            lines: labels
                .into_iter()
                .map(|label| ChecklistLine {
                    label,
                    ok: RwSignal::new(false),
                    note: RwSignal::new(String::new()),
                })
                .collect(),
            condition: RwSignal::new(condition),
            notes: RwSignal::new(String::new()),
        }
    }

    /// The report, or `None` after recording in `errors` what is missing:
    /// every line not ticked needs a word on what is wrong.
    pub fn report(&self, errors: &FieldErrors) -> Option<ConditionReport> {
        let mut checklist = Vec::with_capacity(self.lines.len());
        let mut complete = true;
        for line in &self.lines {
            let ok = line.ok.get_untracked();
            let text = line.note.get_untracked();
            let note = if text.trim().is_empty() {
                if !ok {
                    errors.add(
                        "report.checklist",
                        format!(
                            "tick “{}”, or say what is wrong with it in its note",
                            line.label
                        ),
                    );
                    complete = false;
                }
                None
            } else {
                match errors.check("report.checklist", ShortText::parse(text.trim())) {
                    Some(note) => Some(note),
                    None => {
                        complete = false;
                        None
                    }
                }
            };
            let label = errors.check("report.checklist", ShortText::parse(line.label.clone()));
            if let Some(label) = label {
                checklist.push(ChecklistEntry { label, ok, note });
            } else {
                complete = false;
            }
        }
        let text = self.notes.get_untracked();
        let notes = if text.trim().is_empty() {
            None
        } else {
            match errors.check("report.notes", ClinicalNote::parse(text.trim())) {
                Some(notes) => Some(notes),
                None => return None,
            }
        };
        complete.then(|| ConditionReport {
            condition: self.condition.get_untracked(),
            checklist,
            notes,
        })
    }
}

/// The checklist, the overall condition and notes, as form fields; `prefix`
/// keeps the ids of two forms on one page apart.
#[component]
pub fn ReportFields(
    /// The id prefix: `checkout` or `return`.
    prefix: &'static str,
    /// The draft the fields fill in.
    draft: ReportDraft,
    /// The form's errors.
    errors: FieldErrors,
    /// The label of the notes.
    #[prop(default = "Notes")]
    notes_label: &'static str,
) -> impl IntoView {
    let checklist_error = errors.of("report.checklist");
    let condition_error = errors.of("report.condition");
    let notes_error = errors.of("report.notes");
    let condition = draft.condition;
    let notes = draft.notes;
    view! {
        <fieldset class="checklist-form" id=format!("{prefix}-checklist") aria-invalid=move || checklist_error.get().is_some().then_some("true")>
            <legend>"Condition checklist"</legend>
            <p class="hint">"Tick each line that is present and working; say what is wrong with any other."</p>
            <ul class="check-lines">
                {draft
                    .lines
                    .into_iter()
                    .enumerate()
                    .map(|(index, line)| {
                        let id = format!("{prefix}-line-{index}");
                        let note_id = format!("{prefix}-line-{index}-note");
                        let ok = line.ok;
                        let note = line.note;
                        view! {
                            <li class="check-line" data-testid="check-line" data-ok=move || ok.get().to_string()>
                                <div class="checkbox">
                                    <input
                                        type="checkbox"
                                        id=id.clone()
                                        prop:checked=move || ok.get()
                                        on:change=move |event| ok.set(event_target_checked(&event))
                                    />
                                    <label for=id>{line.label.clone()}</label>
                                </div>
                                <Show when=move || !ok.get()>
                                    <input
                                        type="text"
                                        class="check-note"
                                        id=note_id.clone()
                                        aria-label=format!("What is wrong with “{}”", line.label)
                                        placeholder="What is wrong?"
                                        bind:value=note
                                    />
                                </Show>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {move || checklist_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
        </fieldset>
        <div class="field">
            <label for=format!("{prefix}-condition")>"Overall condition"</label>
            <select
                id=format!("{prefix}-condition")
                aria-invalid=move || condition_error.get().is_some().then_some("true")
                on:change=move |event| {
                    if let Some(chosen) = Condition::parse(&event_target_value(&event)) {
                        condition.set(chosen);
                    }
                }
            >
                {Condition::ALL
                    .iter()
                    .copied()
                    .map(|choice| {
                        view! {
                            <option value=choice.as_str() prop:selected=move || condition.get() == choice>
                                {choice.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            {move || condition_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
        </div>
        <div class="field">
            <label for=format!("{prefix}-notes")>{notes_label}</label>
            <textarea id=format!("{prefix}-notes") rows="3" bind:value=notes></textarea>
            {move || notes_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
        </div>
    }
}

/// A recorded condition report: the overall condition, each line and the
/// notes.
#[component]
pub fn ReportSummary(
    /// The report.
    report: ConditionReport,
    /// What to call it, e.g. "At checkout".
    heading: &'static str,
    /// Its `data-testid`.
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="report-summary" data-testid=testid data-condition=report.condition.as_str()>
            <h3 class="small-heading">{heading} " " <ConditionBadge condition=report.condition/></h3>
            <ul class="report-lines">
                {report
                    .checklist
                    .into_iter()
                    .map(|entry| {
                        let mark = if entry.ok { "✓ OK" } else { "✗ Not OK" };
                        view! {
                            <li data-ok=entry.ok.to_string()>
                                <span class="report-mark">{mark}</span>
                                " "
                                {entry.label.as_str().to_owned()}
                                {entry.note.map(|note| view! { <span class="muted">{format!(" — {}", note.as_str())}</span> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {report.notes.map(|notes| view! { <p class="notes small">{notes.as_str().to_owned()}</p> })}
        </div>
    }
}

/// One of the lending pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LendingTab {
    /// `/lending`.
    Catalog,
    /// `/lending/loans`.
    Loans,
    /// `/organizations/{id}/lending`.
    OwnKit,
    /// `/supplies`.
    Supplies,
}

/// Links between the lending pages, the current one marked; "Our kit" goes
/// to `organization`'s kit when there is one.
#[component]
pub fn LendingTabs(
    /// The page being shown.
    current: LendingTab,
    /// The organization whose kit "Our kit" opens.
    #[prop(into)]
    organization: Signal<Option<Uuid>>,
) -> impl IntoView {
    let tab = move |tab: LendingTab, label: &'static str, href: String| {
        view! {
            <a href=href class="tab" data-testid=format!("lending-tab-{}", label.to_lowercase().replace(' ', "-")) aria-current=(tab == current).then_some("page")>
                {label}
            </a>
        }
    };
    view! {
        <nav class="tabs" aria-label="Lending pages">
            {tab(LendingTab::Catalog, "Catalog", "/lending".to_owned())}
            {tab(LendingTab::Loans, "My loans", "/lending/loans".to_owned())}
            {move || {
                organization
                    .get()
                    .map(|id| tab(LendingTab::OwnKit, "Our kit", format!("/organizations/{id}/lending")))
            }}
            {tab(LendingTab::Supplies, "Supplies", "/supplies".to_owned())}
        </nav>
    }
}

/// A select of the organizations a person acts for, shown only when there
/// is more than one.
#[component]
pub fn ActingOrganization(
    /// The id of the select.
    id: &'static str,
    /// The organizations to choose from.
    choices: Vec<(Uuid, String)>,
    /// The chosen one.
    chosen: RwSignal<Option<Uuid>>,
) -> impl IntoView {
    (choices.len() > 1).then(|| {
        view! {
            <div class="field lending-org">
                <label for=id>"For"</label>
                <select
                    id=id
                    on:change=move |event| chosen.set(Uuid::parse_str(&event_target_value(&event)).ok())
                >
                    {choices
                        .into_iter()
                        .map(|(organization, name)| {
                            view! {
                                <option value=organization.to_string() prop:selected=move || chosen.get() == Some(organization)>
                                    {name}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
        }
    })
}

/// The owner declines a request: a reason from the list, words required
/// for "Other"; both sides see them.
#[component]
pub fn DeclineLoanForm(
    /// Keeps the ids of several forms on one page apart.
    #[prop(into)]
    prefix: String,
    /// The form's errors (the server's are added to them).
    errors: FieldErrors,
    /// Whether the decline is being sent.
    #[prop(into)]
    pending: Signal<bool>,
    /// Sends the decline.
    on_decline: Callback<DeclineLoanRequest>,
    /// Closes the form.
    on_close: Callback<()>,
) -> impl IntoView {
    let reason = RwSignal::new(None::<DeclineReason>);
    let note = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let Some(chosen) = reason.get_untracked() else {
            errors.add("reason", "choose why");
            return;
        };
        let text = note.get_untracked();
        let note = if text.trim().is_empty() {
            if chosen == DeclineReason::Other {
                errors.add("note", "say why, for the reason “Other”");
                return;
            }
            None
        } else {
            match errors.check("note", ClinicalNote::parse(text.trim())) {
                Some(note) => Some(note),
                None => return,
            }
        };
        on_decline.run(DeclineLoanRequest {
            reason: Some(chosen),
            note,
        });
    };
    let reason_error = errors.of("reason");
    let note_error = errors.of("note");
    let note_id = format!("{prefix}-decline-note");
    view! {
        <form class="decline-form" data-testid="decline-form" novalidate on:submit=submit>
            <fieldset class="radio-list" aria-invalid=move || reason_error.get().is_some().then_some("true")>
                <legend>"Why decline?"</legend>
                {DeclineReason::ALL
                    .iter()
                    .copied()
                    .map(|choice| {
                        let id = format!("{prefix}-decline-{}", choice.as_str());
                        view! {
                            <div class="checkbox">
                                <input
                                    type="radio"
                                    name=format!("{prefix}-decline-reason")
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
            <div class="field">
                <label for=note_id.clone()>"Note for the borrower"</label>
                <p class="hint">"Required for “Other”."</p>
                <textarea id=note_id rows="3" bind:value=note
                    aria-invalid=move || note_error.get().is_some().then_some("true")></textarea>
                {move || note_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
            </div>
            <div class="form-actions">
                <button type="submit" class="button danger" data-testid="decline" disabled=move || pending.get()>
                    "Decline request"
                </button>
                <button type="button" class="button secondary" on:click=move |_| on_close.run(())>
                    "Keep it"
                </button>
            </div>
        </form>
    }
}

/// For a booking displaced by a more urgent case: the slot Warren offered
/// instead, and a button that requests exactly that slot, with the same
/// urgency and site.
#[component]
pub fn OfferedSlot(
    /// The displaced loan.
    loan: Loan,
    /// Whether the signed-in person may request for the borrower.
    may_request: bool,
) -> impl IntoView {
    let session = crate::session::use_session();
    let Some(slot) = loan.offered_slot else {
        return view! {
            <p class="small offered-slot" data-testid="offered-slot">"No other slot of the same length was free."</p>
            <AlternativeItems loan=loan.id/>
        }
        .into_any();
    };
    let loan_id = loan.id;
    let borrower = loan.borrower_id;
    let request = CreateLoanRequest {
        item_id: loan.item_id,
        site_id: loan.borrower_site_id,
        window: slot,
        urgency: loan.urgency.clone(),
    };
    // One key per displaced booking: a second click answers the same request.
    let key = format!("offered-slot-{}", loan.id);
    let answer = RwSignal::new(None::<Result<Loan, ClientError>>);
    let send = Action::new_local(move |_: &()| {
        let request = request.clone();
        let key = key.clone();
        async move {
            let result = session
                .api()
                .request_loan(borrower, &request, Some(&key))
                .await;
            answer.set(Some(result));
        }
    });
    view! {
        <div class="offered-slot" data-testid="offered-slot" data-starts=slot.starts().to_rfc3339() data-ends=slot.ends().to_rfc3339()>
            <p>
                <strong>"Offered instead: "</strong>
                <span data-testid="offered-window">{window_text(slot)}</span>
            </p>
            {move || match answer.get() {
                None => may_request
                    .then(|| view! {
                        <button type="button" class="button primary" data-testid="request-offered-slot"
                            disabled=move || send.pending().get()
                            on:click=move |_| { send.dispatch(()); }>
                            "Request that slot"
                        </button>
                    })
                    .into_any(),
                Some(Ok(new_loan)) => {
                    let href = format!("/loans/{}", new_loan.id);
                    let status = new_loan.status;
                    let new_id = new_loan.id.to_string();
                    view! {
                        <div class="request-answer" data-testid="offered-answer" data-loan-id=new_id>
                            <p><LoanStatusBadge status/></p>
                            <DecisionNote loan=new_loan/>
                            <a href=href class="button secondary small">"Open the new request"</a>
                        </div>
                    }
                    .into_any()
                }
                Some(Err(error)) => view! {
                    <div class="alert alert-error" role="alert" data-code=error.code().map(str::to_owned)>
                        <p>{error.message()}</p>
                    </div>
                }
                .into_any(),
            }}
        </div>
        <AlternativeItems loan=loan_id/>
    }
    .into_any()
}

/// Other items of the same kind free for the window a displaced booking
/// asked for, nearest first, each linking to its page to request it.
#[component]
pub fn AlternativeItems(
    /// The displaced loan.
    loan: Uuid,
) -> impl IntoView {
    let session = crate::session::use_session();
    let alternatives =
        LocalResource::new(move || async move { session.api().loan_alternatives(loan).await });
    move || {
        let items = match alternatives.get() {
            Some(Ok(page)) => page.items,
            _ => Vec::new(),
        };
        (!items.is_empty()).then(|| {
            let links = items
                .into_iter()
                .take(5)
                .map(|entry| {
                    let href = format!("/lending/items/{}", entry.item.id);
                    let distance = entry
                        .distance_km
                        .map(|km| format!(" · {km:.0} km"))
                        .unwrap_or_default();
                    view! {
                        <li>
                            <a href=href>{entry.item.name.clone()}</a>
                            <span class="small">{format!(" — {}{distance}", entry.item.owner_name)}</span>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="alternative-items" data-testid="alternative-items">
                    <p><strong>"Or another suitable item, free for the time you asked:"</strong></p>
                    <ul>{links}</ul>
                </div>
            }
        })
    }
}

//! The patient record on the referral page: the animal, who has held it,
//! its care stage, weights, problems, medications and observations, its
//! rehabilitation plan from the library and what is seen of it after
//! release ([`warren_domain::care`] has the rules).
//!
//! Every organization that held the animal reads the record; only the one
//! holding it now writes (`PatientRecord::writable`), so the forms show for
//! it alone. Details are changed against the version shown (`If-Match`):
//! when someone else changed the record meanwhile the page says so and
//! shows it as it now is. A release the plan's criteria do not allow yet is
//! refused (`criteria_unmet`); the page then lists what is unmet and offers
//! a clinician of the holding organization to release anyway, with a
//! reason.

use chrono::{DateTime, Utc};
use warren_wire::{
    AgeClass, ArticleHit, ArticleKind, ArticleQuery, CareStage, EntryDetails, ErrorCode,
    Identifier, IdentifierKind, MeetRequest, MilestoneState, MonitoringKind, NewEntryRequest,
    PatientEntry, PatientRecord, PlanRequest, Route, StageRequest, StatusUpdateRequest,
    UpdatePatientRequest,
};

use warren_domain::referral::Weight;

use super::*;
use crate::components::{ListTable, local_date};

/// The patient record of the referral's animal, or a button to start one.
#[component]
pub(super) fn RecordSection() -> impl IntoView {
    let page = use_page();
    let record_id = Memo::new(move |_| page.referral.with(|referral| referral.record_id));
    move || match record_id.get() {
        Some(id) => view! { <RecordView id/> }.into_any(),
        None => view! { <StartRecord/> }.into_any(),
    }
}

/// No record yet: accepting the referral starts one; either clinic holding
/// the animal may start it by hand (a case accepted before records were
/// kept, or a referrer recording from the start).
#[component]
fn StartRecord() -> impl IntoView {
    let page = use_page();
    let session = page.session;
    let id = page.id;
    let may_start = Memo::new(move |_| page.own_organization().is_some() && page.may_decide());
    let start = Action::new_local(move |(): &()| async move {
        let answer = session.api().start_patient_record(id).await;
        if answer.is_ok() {
            page.reload().await;
        }
        answer.map(|_| ())
    });
    let failure = Signal::derive(move || start.value().get().and_then(Result::err));
    view! {
        <section class="card record-card" aria-labelledby="record-heading" data-testid="patient-record" data-state="none">
            <h2 id="record-heading">"Patient record"</h2>
            <p class="muted">
                "The record travels with the animal: weights, problems, medications, care stages and its rehabilitation plan. It starts when a place accepts the referral."
            </p>
            <ErrorAlert error=failure/>
            <Show when=move || may_start.get()>
                <button
                    type="button"
                    class="button secondary"
                    data-testid="start-record"
                    disabled=move || start.pending().get()
                    on:click=move |_| {
                        start.dispatch(());
                    }
                >
                    "Start the patient record"
                </button>
            </Show>
        </section>
    }
}

#[component]
fn RecordView(id: Uuid) -> impl IntoView {
    let session = use_page().session;
    let first = LocalResource::new(move || async move { session.api().patient_record(id).await });
    view! {
        <Loaded resource=first label="Loading the patient record…" let:initial>
            <RecordDetail id initial/>
        </Loaded>
    }
}

/// One write to the record.
#[derive(Debug, Clone)]
enum Write {
    Details(UpdatePatientRequest),
    Entry(NewEntryRequest),
    Resolve(Uuid),
    /// A stage change, and the words to share with the owner or finder on
    /// a referral, if chosen.
    Stage(StageRequest, Option<(Uuid, ClinicalNote)>),
    Plan(PlanRequest),
    Meet(Uuid, MeetRequest),
}

impl Write {
    /// What to tell the person once it is done.
    fn done(&self) -> String {
        match self {
            Self::Details(_) => "Details saved.".to_owned(),
            Self::Entry(request) => match &request.details {
                EntryDetails::Weight { grams } => format!("Weight recorded: {} g.", grams.grams()),
                EntryDetails::Problem { .. } => "Problem added.".to_owned(),
                EntryDetails::Medication { drug, .. } => format!("Medication recorded: {drug}."),
                EntryDetails::Observation { .. } => "Observation added.".to_owned(),
                EntryDetails::Monitoring { report, .. } => format!("{} logged.", report.label()),
            },
            Self::Resolve(_) => "Problem resolved.".to_owned(),
            Self::Stage(request, None) => format!("Stage: {}.", request.stage.label()),
            Self::Stage(request, Some(_)) => format!(
                "Stage: {}. The owner or finder is told.",
                request.stage.label()
            ),
            Self::Plan(_) => "Plan made.".to_owned(),
            Self::Meet(..) => "Marked as met.".to_owned(),
        }
    }

    async fn send(
        self,
        client: Client,
        id: Uuid,
        etag: String,
    ) -> Result<Versioned<PatientRecord>, ClientError> {
        match self {
            Self::Details(change) => client.update_patient(id, &change, &etag).await,
            Self::Entry(request) => client.add_patient_entry(id, &request).await,
            Self::Resolve(entry) => client.resolve_problem(id, entry).await,
            Self::Stage(request, _) => client.change_care_stage(id, &request).await,
            Self::Plan(request) => client.create_rehab_plan(id, &request).await,
            Self::Meet(item, request) => client.meet_plan_item(id, item, &request).await,
        }
    }
}

/// What the record's sections share; cheap to copy.
#[derive(Clone, Copy)]
struct Record {
    id: Uuid,
    session: Session,
    page: Page,
    /// The record with its version, as last read or changed.
    changes: Changes<PatientRecord>,
    /// The record itself, for views.
    record: Memo<PatientRecord>,
}

impl Record {
    /// Reads the record again.
    async fn reload(self) {
        if let Ok(record) = self.session.api().patient_record(self.id).await
            && record != self.changes.current.get_untracked()
        {
            self.changes.current.try_set(record);
        }
    }

    /// Sends `write` against the version shown; true once it is made.
    async fn apply(self, write: Write, errors: Option<FieldErrors>) -> bool {
        self.changes.start(errors);
        let id = self.id;
        let share = match &write {
            Write::Stage(_, share) => share.clone(),
            _ => None,
        };
        let done = write.done();
        let made = self
            .changes
            .send(self.session, errors, move |client, etag| {
                write.clone().send(client, id, etag)
            })
            .await;
        if !made {
            if self.changes.stale.get_untracked() {
                self.reload().await;
            }
            reveal_problem();
            return false;
        }
        if let Some((referral, body)) = share
            && let Err(error) = self
                .session
                .api()
                .post_status_update(referral, &StatusUpdateRequest { body })
                .await
        {
            self.changes.problem.set(Some(error));
            reveal_problem();
            return true;
        }
        self.changes.done(done);
        true
    }

    /// An action sending writes, whose refusals name fields of `errors`.
    fn action(self, errors: FieldErrors) -> Action<Write, bool> {
        Action::new_local(move |write: &Write| {
            let write = write.clone();
            async move { self.apply(write, Some(errors)).await }
        })
    }

    /// Whether the caller writes to the record and care goes on (reactive).
    fn in_care_writable(self) -> bool {
        self.record
            .with(|record| record.writable && !record.stage.is_end())
    }

    /// Whether the signed-in person is a clinician of the organization
    /// holding the animal (reactive).
    fn clinician(self) -> bool {
        let holder = self.record.with(|record| holder_of(record).map(|h| h.0));
        holder.is_some_and(|holder| {
            self.session.memberships().iter().any(|membership| {
                membership.organization.id == holder && membership.role == Role::Clinician
            })
        })
    }
}

fn use_record() -> Record {
    use_context::<Record>().expect("the patient record provides its context")
}

/// The organization holding the animal now: its id and name.
fn holder_of(record: &PatientRecord) -> Option<(Uuid, String)> {
    record
        .custody
        .iter()
        .find(|custody| custody.until.is_none())
        .map(|custody| (custody.organization_id, custody.organization_name.clone()))
}

/// "Under a day", "1 day", "12 days".
fn days_text(days: f64) -> String {
    match days.floor() as i64 {
        ..=0 => "Under a day".to_owned(),
        1 => "1 day".to_owned(),
        whole => format!("{whole} days"),
    }
}

/// The person's today.
fn today() -> chrono::NaiveDate {
    local_date(local_time::now()).unwrap_or_else(|| local_time::now().date_naive())
}

/// A date typed in a date input, or `None` after recording why not.
fn date_field(errors: FieldErrors, field: &str, text: &str) -> Option<Option<NaiveDate>> {
    if text.trim().is_empty() {
        return Some(None);
    }
    errors
        .check(field, NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d"))
        .map(Some)
}

/// A stage as a badge: blue while in care, green for a good end, grey for
/// a death.
#[component]
fn StageBadge(stage: CareStage) -> impl IntoView {
    let class = match stage {
        CareStage::Died | CareStage::Euthanised => "badge badge-muted",
        stage if stage.is_end() => "badge badge-vetted",
        _ => "badge badge-transport",
    };
    view! {
        <span class=class data-testid="care-stage" data-stage=stage.as_str()>
            {stage.label()}
        </span>
    }
}

/// The record, kept current: its summary, entries, plan and what is seen
/// after release.
#[component]
fn RecordDetail(id: Uuid, initial: Versioned<PatientRecord>) -> impl IntoView {
    let page = use_page();
    let changes = Changes::new(initial);
    let current = changes.current;
    let record = Memo::new(move |_| current.with(|current| current.value.clone()));
    let context = Record {
        id,
        session: page.session,
        page,
        changes,
        record,
    };
    provide_context(context);
    // The referral changed (accepted, handed over): so may the record.
    Effect::new(move |ran: Option<()>| {
        page.referral.with(|referral| referral.version);
        if ran.is_some() {
            leptos::task::spawn_local(context.reload());
        }
    });
    let problem = Signal::derive(move || {
        changes
            .problem
            .get()
            .filter(|error| !error.is(ErrorCode::CriteriaUnmet))
    });
    let released = Memo::new(move |_| {
        record.with(|record| {
            record.stage == CareStage::Released
                || record
                    .entries
                    .iter()
                    .any(|entry| matches!(entry.details, EntryDetails::Monitoring { .. }))
        })
    });
    view! {
        <div
            class="record"
            data-testid="patient-record"
            data-state="open"
            data-stage=move || record.with(|record| record.stage.as_str())
            data-version=move || record.with(|record| record.version.to_string())
        >
            <SummaryCard/>
            <StaleNotice
                stale=changes.stale
                message="The record was changed by someone else — reloaded. Check it as it is now, then try again."
            />
            <ErrorAlert error=problem/>
            <SuccessNotice message=changes.notice/>
            <Show when=move || released.get()>
                <MonitoringCard/>
            </Show>
            <PlanCard/>
            <EntriesCard/>
        </div>
    }
}

/// The animal, who holds it, its stage and the stage form.
#[component]
fn SummaryCard() -> impl IntoView {
    let context = use_record();
    let record = context.record;
    let page = context.page;
    let editing = RwSignal::new(false);
    let species =
        move || record.with(|record| page.labels.with(|labels| label_of(labels, &record.species)));
    let custody = move || {
        record.with(|record| {
            let holder = record
                .custody
                .iter()
                .find(|custody| custody.until.is_none())
                .map(|custody| {
                    format!(
                        "Held by {} since {}",
                        custody.organization_name,
                        local_time::date(custody.since)
                    )
                })
                .unwrap_or_else(|| "Held by nobody now".to_owned());
            let before: Vec<String> = record
                .custody
                .iter()
                .filter_map(|custody| {
                    custody.until.map(|until| {
                        format!(
                            "{} ({} – {})",
                            custody.organization_name,
                            local_time::date(custody.since),
                            local_time::date(until)
                        )
                    })
                })
                .collect();
            (holder, before)
        })
    };
    let read_only = move || {
        record.with(|record| {
            (!record.writable).then(|| match holder_of(record) {
                Some((_, name)) if record.stage.is_end() => {
                    format!("Read only: care ended at {name}.")
                }
                Some((_, name)) => {
                    format!("Read only: {name} holds the animal now and writes its record.")
                }
                None => "Read only.".to_owned(),
            })
        })
    };
    let hand_on = move || {
        record.with(|record| {
            (record.writable && !record.stage.is_end())
                .then(|| format!("/referrals/new?record={}", record.id))
        })
    };
    view! {
        <section class="card record-card" aria-labelledby="record-heading">
            <div class="card-header">
                <h2 id="record-heading">"Patient record"</h2>
                <div class="badges">
                    {move || view! { <StageBadge stage=record.with(|record| record.stage)/> }}
                    <span class="badge badge-muted" data-testid="days-in-care">
                        {move || format!("{} in care", days_text(record.with(|record| record.days_in_care)))}
                    </span>
                </div>
            </div>
            <p class="custody" data-testid="custody">
                <strong>{move || custody().0}</strong>
                {move || {
                    let before = custody().1;
                    (!before.is_empty()).then(|| view! {
                        <span class="muted">{format!("; before: {}", before.join(", "))}</span>
                    })
                }}
            </p>
            {move || read_only().map(|text| view! { <p class="muted small" data-testid="record-read-only">{text}</p> })}
            <Show
                when=move || editing.get()
                fallback=move || {
                    view! {
                        {move || {
                            let record = record.get();
                            let identifiers = record
                                .identifiers
                                .iter()
                                .map(|identifier| format!("{}: {}", identifier.kind.label(), identifier.value))
                                .collect::<Vec<_>>()
                                .join("; ");
                            view! {
                                <dl class="facts" data-testid="animal">
                                    <Fact label="Name" value=Some(record.name.clone())/>
                                    <Fact label="Species" value=Some(species())/>
                                    <Fact label="Sex" value=Some(record.sex.label().to_owned())/>
                                    <Fact label="Age class" value=Some(record.age_class.label().to_owned())/>
                                    <Fact label="Identifiers" value=(!identifiers.is_empty()).then_some(identifiers)/>
                                </dl>
                            }
                        }}
                        <div class="button-row record-actions">
                            <Show when=move || record.with(|record| record.writable)>
                                <button type="button" class="button secondary small" data-testid="edit-animal" on:click=move |_| editing.set(true)>
                                    "Edit details"
                                </button>
                            </Show>
                            {move || hand_on().map(|href| view! {
                                <a class="button secondary small" href=href data-testid="refer-on">"Hand on or refer back"</a>
                            })}
                        </div>
                    }
                }
            >
                <DetailsForm editing/>
            </Show>
            <StageSection/>
        </section>
    }
}

/// One identifier line of the details form.
#[derive(Clone, Copy)]
struct IdentifierLine {
    key: usize,
    kind: RwSignal<String>,
    value: RwSignal<String>,
}

/// Changing the animal's name, sex, age class and identifiers.
#[component]
fn DetailsForm(editing: RwSignal<bool>) -> impl IntoView {
    let context = use_record();
    let shown = context.record.get_untracked();
    let errors = FieldErrors::new();
    let save = context.action(errors);
    let name = RwSignal::new(shown.name.clone());
    let sex = RwSignal::new(shown.sex.as_str().to_owned());
    let age_class = RwSignal::new(shown.age_class.as_str().to_owned());
    let next_key = StoredValue::new(0_usize);
    let line = move |kind: &str, value: String| {
        let mut key = 0;
        next_key.update_value(|next| {
            key = *next;
            *next += 1;
        });
        IdentifierLine {
            key,
            kind: RwSignal::new(kind.to_owned()),
            value: RwSignal::new(value),
        }
    };
    let lines = RwSignal::new(
        shown
            .identifiers
            .iter()
            .map(|identifier| line(identifier.kind.as_str(), identifier.value.to_string()))
            .collect::<Vec<_>>(),
    );
    Effect::new(move |_| {
        if save.value().get() == Some(true) {
            editing.set(false);
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let name = errors.check("name", ShortText::parse(name.get_untracked()));
        let mut identifiers = Vec::new();
        for (index, line) in lines.get_untracked().iter().enumerate() {
            let text = line.value.get_untracked();
            if text.trim().is_empty() {
                continue;
            }
            let kind =
                IdentifierKind::parse(&line.kind.get_untracked()).unwrap_or(IdentifierKind::Other);
            if let Some(value) = errors.check(
                &format!("identifiers[{index}].value"),
                ShortText::parse(text),
            ) {
                identifiers.push(Identifier { kind, value });
            }
        }
        let Some(name) = name.filter(|_| errors.is_empty()) else {
            reveal_problem();
            return;
        };
        save.dispatch(Write::Details(UpdatePatientRequest {
            name: Some(name),
            sex: Sex::parse(&sex.get_untracked()),
            age_class: AgeClass::parse(&age_class.get_untracked()),
            identifiers: Some(identifiers),
        }));
    };
    view! {
        <form class="record-form" data-testid="animal-form" novalidate on:submit=submit>
            <TextField id="record-name" label="Name or description" value=name required=true error=errors.of("name")/>
            <div class="form-grid two">
                <div class="field">
                    <label for="record-sex">"Sex"</label>
                    <select id="record-sex" on:change=move |event| sex.set(event_target_value(&event))>
                        {Sex::ALL
                            .iter()
                            .map(|option| {
                                let code = option.as_str();
                                view! { <option value=code prop:selected=move || sex.with(|sex| sex == code)>{option.label()}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="record-age-class">"Age class"</label>
                    <select id="record-age-class" on:change=move |event| age_class.set(event_target_value(&event))>
                        {AgeClass::ALL
                            .iter()
                            .map(|option| {
                                let code = option.as_str();
                                view! { <option value=code prop:selected=move || age_class.with(|age| age == code)>{option.label()}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
            </div>
            <fieldset class="identifiers">
                <legend>"Identifiers"</legend>
                <For
                    each=move || lines.get().into_iter().enumerate()
                    key=|(_, line)| line.key
                    children=move |(index, line)| {
                        let kind_id = format!("record-identifier-kind-{}", line.key);
                        let value_id = format!("record-identifier-{}", line.key);
                        let error = errors.of(&format!("identifiers[{index}].value"));
                        view! {
                            <div class="identifier-row" data-testid="identifier-line">
                                <div class="field">
                                    <label for=kind_id.clone()>"Kind"</label>
                                    <select id=kind_id on:change=move |event| line.kind.set(event_target_value(&event))>
                                        {IdentifierKind::ALL
                                            .iter()
                                            .map(|kind| {
                                                let code = kind.as_str();
                                                view! {
                                                    <option value=code prop:selected=move || line.kind.with(|chosen| chosen == code)>{kind.label()}</option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                </div>
                                <TextField id=value_id label="Number or mark" value=line.value error/>
                                <button
                                    type="button"
                                    class="button secondary small"
                                    on:click=move |_| lines.update(|lines| lines.retain(|kept| kept.key != line.key))
                                >
                                    "Remove"
                                </button>
                            </div>
                        }
                    }
                />
                <button
                    type="button"
                    class="button secondary small"
                    data-testid="add-identifier"
                    on:click=move |_| {
                        let added = line(IdentifierKind::Ring.as_str(), String::new());
                        lines.update(|lines| lines.push(added));
                    }
                >
                    "Add an identifier"
                </button>
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="button primary" data-testid="save-animal" disabled=move || save.pending().get()>
                    "Save details"
                </button>
                <button type="button" class="button secondary" on:click=move |_| editing.set(false)>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

/// The current stage, the stages so far and the form to move on.
#[component]
fn StageSection() -> impl IntoView {
    let context = use_record();
    let record = context.record;
    let history = move || {
        record.with(|record| {
            record
                .stages
                .iter()
                .rev()
                .map(|change| {
                    let by = format!(
                        "{} · {} ({})",
                        local_time::date_time(change.at),
                        change.author,
                        change.organization_name
                    );
                    view! {
                        <li data-testid="stage-change" data-stage=change.stage.as_str()>
                            <span class="timeline-text"><strong>{change.stage.label()}</strong></span>
                            <span class="muted small">{by}</span>
                            {change.note.clone().map(|note| view! { <span class="notes">{note}</span> })}
                            {change.override_reason.clone().map(|reason| view! {
                                <span class="notes warning-text">{format!("Released with criteria unmet: {reason}")}</span>
                            })}
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <h3 class="small-heading">"Care stage"</h3>
        <p class="stage-now" data-testid="stage-now">
            {move || {
                record.with(|record| {
                    view! {
                        <StageBadge stage=record.stage/>
                        " "
                        <span class="muted">{format!("since {}", local_time::date_time(record.stage_since))}</span>
                    }
                })
            }}
        </p>
        <details class="stage-history">
            <summary>{move || format!("Stages so far ({})", record.with(|record| record.stages.len()))}</summary>
            <ol class="timeline">{history}</ol>
        </details>
        <Show when=move || context.in_care_writable()>
            <StageForm/>
        </Show>
    }
}

/// Moving the animal to another stage, or ending its care; a release the
/// criteria do not allow yet asks a clinician for a reason.
#[component]
fn StageForm() -> impl IntoView {
    let context = use_record();
    let record = context.record;
    let errors = FieldErrors::new();
    let change = context.action(errors);
    let stage = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let follow_up = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let share = RwSignal::new(false);
    let chosen = Memo::new(move |_| CareStage::parse(&stage.get()));
    let releasing = Memo::new(move |_| chosen.get() == Some(CareStage::Released));
    // Set when the server refused a release for unmet criteria, until
    // another stage is chosen.
    let blocked = RwSignal::new(false);
    let refused = Memo::new(move |_| {
        context.changes.problem.with(|problem| {
            problem
                .as_ref()
                .is_some_and(|error| error.is(ErrorCode::CriteriaUnmet))
        })
    });
    Effect::new(move |_| {
        if refused.get() {
            blocked.set(true);
        }
    });
    let all_met = Memo::new(move |_| {
        record.with(|record| {
            record
                .plan
                .as_ref()
                .is_none_or(|plan| plan.unmet_criteria == 0)
        })
    });
    // Once every criterion is met, nothing blocks the release any more.
    Effect::new(move |_| {
        if all_met.get() {
            blocked.set(false);
        }
    });
    Effect::new(move |_| {
        if change.value().get() == Some(true) {
            stage.set(String::new());
            note.set(String::new());
            follow_up.set(String::new());
            reason.set(String::new());
            share.set(false);
            blocked.set(false);
        }
    });
    let clinician = Memo::new(move |_| context.clinician());
    let overriding = Memo::new(move |_| blocked.get() && releasing.get() && clinician.get());
    // The owner's or finder's status link lives on the referral the animal
    // first came in on.
    let first_referral =
        Memo::new(move |_| record.with(|record| record.referral_ids.first().copied()));
    let unmet = move || {
        record.with(|record| {
            record
                .plan
                .as_ref()
                .map(|plan| {
                    plan.criteria
                        .iter()
                        .filter(|criterion| criterion.met_on.is_none())
                        .map(|criterion| criterion.text.clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let Some(to) = chosen.get_untracked() else {
            errors.add("stage", "choose the stage");
            reveal_problem();
            return;
        };
        let text = note.get_untracked();
        let note = if text.trim().is_empty() {
            Some(None)
        } else {
            errors.check("note", ClinicalNote::parse(text)).map(Some)
        };
        let override_reason = if overriding.get_untracked() {
            errors
                .check(
                    "override_reason",
                    ClinicalNote::parse(reason.get_untracked()),
                )
                .map(Some)
        } else {
            Some(None)
        };
        let follow_up_on = if to == CareStage::Released {
            date_field(errors, "follow_up_on", &follow_up.get_untracked())
        } else {
            Some(None)
        };
        let shared = match (share.get_untracked(), first_referral.get_untracked()) {
            (true, Some(referral)) => errors
                .check("share", ClinicalNote::parse(to.plain_words()))
                .map(|words| Some((referral, words))),
            _ => Some(None),
        };
        let (Some(note), Some(override_reason), Some(follow_up_on), Some(shared)) =
            (note, override_reason, follow_up_on, shared)
        else {
            reveal_problem();
            return;
        };
        change.dispatch(Write::Stage(
            StageRequest {
                stage: to,
                at: None,
                note,
                override_reason,
                follow_up_on,
            },
            shared,
        ));
    };
    let stage_error = errors.of("stage");
    let options = move |ends: bool| {
        let now = record.with(|record| record.stage);
        CareStage::ALL
            .iter()
            .copied()
            .filter(move |option| option.is_end() == ends && *option != now)
            .map(|option| {
                view! {
                    <option value=option.as_str() prop:selected=move || stage.with(|stage| stage == option.as_str())>
                        {option.label()}
                    </option>
                }
            })
            .collect_view()
    };
    let holder = move || record.with(|record| holder_of(record).map(|h| h.1).unwrap_or_default());
    view! {
        <form class="record-form stage-form" data-testid="stage-form" novalidate on:submit=submit>
            <div class="form-grid two">
                <div class="field">
                    <label for="record-stage">"Move to" <span class="required" aria-hidden="true">" *"</span></label>
                    <select
                        id="record-stage"
                        aria-invalid=move || stage_error.get().is_some().then_some("true")
                        on:change=move |event| {
                            stage.set(event_target_value(&event));
                            if !releasing.get_untracked() {
                                blocked.set(false);
                            }
                        }
                    >
                        <option value="" prop:selected=move || stage.with(String::is_empty)>"Choose…"</option>
                        <optgroup label="In care">{move || options(false)}</optgroup>
                        <optgroup label="Care ends">{move || options(true)}</optgroup>
                    </select>
                    {move || stage_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                <Show when=move || releasing.get()>
                    <div class="field">
                        <label for="record-release-follow-up">"First follow-up due"</label>
                        <input id="record-release-follow-up" type="date" bind:value=follow_up/>
                        {move || errors.of("follow_up_on").get().map(|error| view! { <p class="field-error">{error}</p> })}
                    </div>
                </Show>
            </div>
            <TextArea id="record-stage-note" label="Note" value=note error=errors.of("note")/>
            <Show when=move || blocked.get() && releasing.get()>
                <div class="alert alert-error criteria-unmet" role="alert" data-code="criteria_unmet" data-testid="criteria-unmet">
                    <p><strong>"Not released: these release criteria are not met yet."</strong></p>
                    {move || {
                        let unmet = unmet();
                        if unmet.is_empty() {
                            let message = context.changes.problem.get().map(|error| error.message()).unwrap_or_default();
                            view! { <p>{message}</p> }.into_any()
                        } else {
                            view! {
                                <ul data-testid="unmet-criteria">
                                    {unmet.into_iter().map(|text| view! { <li>{text}</li> }).collect_view()}
                                </ul>
                            }
                            .into_any()
                        }
                    }}
                    <p class="alert-meta">
                        {move || if clinician.get() {
                            "Tick them in the plan below, or release anyway giving your reason.".to_owned()
                        } else {
                            format!("Tick them in the plan below; or a clinician of {} may release anyway, giving a reason.", holder())
                        }}
                    </p>
                </div>
            </Show>
            <Show when=move || overriding.get()>
                <TextArea
                    id="record-override"
                    label="Override reason (clinician)"
                    hint="Why the animal goes now although criteria are unmet; kept in the record."
                    value=reason
                    error=errors.of("override_reason")
                />
            </Show>
            <Show when=move || first_referral.get().is_some() && chosen.get().is_some()>
                <label class="check">
                    <input
                        id="record-share-stage"
                        type="checkbox"
                        prop:checked=move || share.get()
                        on:change=move |event| share.set(event_target_checked(&event))
                    />
                    {move || format!(" Tell the owner or finder: “{}”", chosen.get().map(CareStage::plain_words).unwrap_or_default())}
                </label>
            </Show>
            <div class="form-actions">
                <button type="submit" class="button primary" data-testid="change-stage" disabled=move || change.pending().get()>
                    {move || if overriding.get() { "Release anyway" } else { "Change stage" }}
                </button>
            </div>
        </form>
    }
}

/// The weights, problems, medications and observations, with a form for
/// each while the animal is in the writer's care.
#[component]
fn EntriesCard() -> impl IntoView {
    let context = use_record();
    let record = context.record;
    let entries = move |kind: &'static str| {
        record.with(|record| {
            record
                .entries
                .iter()
                .filter(|entry| entry.details.kind() == kind)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="card record-card" aria-labelledby="entries-heading" data-testid="care-entries">
            <h2 id="entries-heading">"Care notes"</h2>
            <h3 class="small-heading">"Weight"</h3>
            {move || view! { <WeightList entries=entries("weight")/> }}
            <Show when=move || context.in_care_writable()>
                <WeightForm/>
            </Show>
            <h3 class="small-heading">"Problems"</h3>
            {move || view! { <ProblemList entries=entries("problem")/> }}
            <Show when=move || context.in_care_writable()>
                <ProblemForm/>
            </Show>
            <h3 class="small-heading">"Medications"</h3>
            {move || view! { <MedicationTable entries=entries("medication")/> }}
            <Show when=move || context.in_care_writable()>
                <MedicationForm/>
            </Show>
            <h3 class="small-heading">"Observations"</h3>
            {move || view! { <ObservationList entries=entries("observation")/> }}
            <Show when=move || context.in_care_writable()>
                <ObservationForm/>
            </Show>
        </section>
    }
}

/// "Avon Exotics · Ann Lee".
fn by(entry: &PatientEntry) -> String {
    format!("{} · {}", entry.organization_name, entry.author)
}

/// The points of a sparkline of `values`, oldest first, in a 120 × 32 box.
fn sparkline_points(values: &[u32]) -> String {
    let (low, high) = values.iter().fold((u32::MAX, 0), |(low, high), value| {
        (low.min(*value), high.max(*value))
    });
    let span = f64::from(high.saturating_sub(low).max(1));
    let step = 116.0 / (values.len().max(2) - 1) as f64;
    values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let x = 2.0 + step * index as f64;
            let y = 30.0 - 28.0 * f64::from(value - low) / span;
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
fn WeightList(entries: Vec<PatientEntry>) -> impl IntoView {
    let weights: Vec<(DateTime<Utc>, u32, String)> = entries
        .iter()
        .filter_map(|entry| match entry.details {
            EntryDetails::Weight { grams } => Some((entry.at, grams.grams(), by(entry))),
            _ => None,
        })
        .collect();
    let grams: Vec<u32> = weights.iter().map(|(_, grams, _)| *grams).collect();
    let trend = (grams.len() >= 2).then(|| {
        let (first, last) = (grams[0], grams[grams.len() - 1]);
        view! {
            <p class="weight-trend">
                <svg class="sparkline" viewBox="0 0 120 32" width="120" height="32" aria-hidden="true">
                    <polyline points=sparkline_points(&grams)></polyline>
                </svg>
                <span class="muted small">{format!("{first} g → {last} g over {} weighings", grams.len())}</span>
            </p>
        }
    });
    if weights.is_empty() {
        return view! { <p class="empty">"Not weighed yet."</p> }.into_any();
    }
    let lines = weights
        .iter()
        .enumerate()
        .rev()
        .map(|(index, (at, grams, by))| {
            let change = index
                .checked_sub(1)
                .and_then(|before| weights.get(before))
                .map(|(_, before, _)| {
                    let delta = i64::from(*grams) - i64::from(*before);
                    format!("{delta:+} g")
                });
            view! {
                <li class="weight-line" data-testid="weight">
                    <span class="weight-grams">
                        <strong>{format!("{grams} g")}</strong>
                        {change.map(|change| view! { <span class="weight-change">{change}</span> })}
                    </span>
                    <span class="muted small">{format!("{} · {by}", local_time::date_time(*at))}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        {trend}
        <ol class="plain-list weights">{lines}</ol>
    }
    .into_any()
}

#[component]
fn WeightForm() -> impl IntoView {
    let context = use_record();
    let errors = FieldErrors::new();
    let add = context.action(errors);
    let grams = RwSignal::new(String::new());
    Effect::new(move |_| {
        if add.value().get() == Some(true) {
            grams.set(String::new());
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let weight = grams
            .get_untracked()
            .trim()
            .parse::<u32>()
            .map_err(|_| "must be a whole number of grams")
            .and_then(Weight::try_from);
        if let Some(grams) = errors.check("details.grams", weight) {
            add.dispatch(Write::Entry(NewEntryRequest {
                at: None,
                details: EntryDetails::Weight { grams },
                follow_up_on: None,
            }));
        }
    };
    view! {
        <form class="inline-entry" data-testid="weight-form" novalidate on:submit=submit>
            <TextField id="record-weight" label="Weight (g)" value=grams inputmode="numeric" error=errors.of("details.grams")/>
            <button type="submit" class="button secondary" data-testid="add-weight" disabled=move || add.pending().get()>
                "Record weight"
            </button>
        </form>
    }
}

#[component]
fn ProblemList(entries: Vec<PatientEntry>) -> impl IntoView {
    let context = use_record();
    let errors = FieldErrors::new();
    let resolve = context.action(errors);
    if entries.is_empty() {
        return view! { <p class="empty">"No problem recorded."</p> }.into_any();
    }
    let writable = context.record.with_untracked(|record| record.writable);
    view! {
        <ul class="plain-list problems">
            {entries
                .into_iter()
                .map(|entry| {
                    let EntryDetails::Problem { text } = &entry.details else {
                        return ().into_any();
                    };
                    let id = entry.id;
                    let state = match entry.resolved_at {
                        Some(at) => view! {
                            <span class="badge badge-vetted">{format!("Resolved {}", local_time::date(at))}</span>
                        }
                        .into_any(),
                        None if writable => view! {
                            <button
                                type="button"
                                class="button secondary small"
                                data-testid="resolve-problem"
                                disabled=move || resolve.pending().get()
                                on:click=move |_| {
                                    resolve.dispatch(Write::Resolve(id));
                                }
                            >
                                "Resolve"
                            </button>
                        }
                        .into_any(),
                        None => view! { <span class="badge badge-applied">"Active"</span> }.into_any(),
                    };
                    view! {
                        <li class="entry-line" data-testid="problem" data-resolved=entry.resolved_at.is_some().to_string()>
                            <div>
                                <strong class:muted=entry.resolved_at.is_some()>{text.to_string()}</strong>
                                <span class="muted small">{format!(" · {} · {}", local_time::date(entry.at), by(&entry))}</span>
                            </div>
                            {state}
                        </li>
                    }
                    .into_any()
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn ProblemForm() -> impl IntoView {
    let context = use_record();
    let errors = FieldErrors::new();
    let add = context.action(errors);
    let text = RwSignal::new(String::new());
    Effect::new(move |_| {
        if add.value().get() == Some(true) {
            text.set(String::new());
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        if let Some(text) = errors.check("details.text", ShortText::parse(text.get_untracked())) {
            add.dispatch(Write::Entry(NewEntryRequest {
                at: None,
                details: EntryDetails::Problem { text },
                follow_up_on: None,
            }));
        }
    };
    view! {
        <form class="inline-entry" data-testid="problem-form" novalidate on:submit=submit>
            <TextField id="record-problem" label="New problem" value=text error=errors.of("details.text")/>
            <button type="submit" class="button secondary" data-testid="add-problem" disabled=move || add.pending().get()>
                "Add problem"
            </button>
        </form>
    }
}

#[component]
fn MedicationTable(entries: Vec<PatientEntry>) -> impl IntoView {
    let rows = entries
        .iter()
        .rev()
        .filter_map(|entry| match &entry.details {
            EntryDetails::Medication { drug, dose, route } => Some(view! {
                <tr data-testid="medication">
                    <td data-label="Drug"><strong>{drug.to_string()}</strong></td>
                    <td data-label="Dose">{dose.to_string()}</td>
                    <td data-label="Route">{route.label()}</td>
                    <td data-label="Given">{local_time::date_time(entry.at)}</td>
                    <td data-label="By" class="muted">{by(entry)}</td>
                </tr>
            }),
            _ => None,
        })
        .collect_view();
    // On a phone each medication is a block of labelled lines.
    view! {
        <div class="stacked-table">
            <ListTable is_empty=entries.is_empty() empty="No medication given." headings=&["Drug", "Dose", "Route", "Given", "By"]>
                {rows}
            </ListTable>
        </div>
    }
}

#[component]
fn MedicationForm() -> impl IntoView {
    let context = use_record();
    let errors = FieldErrors::new();
    let add = context.action(errors);
    let drug = RwSignal::new(String::new());
    let dose = RwSignal::new(String::new());
    let route = RwSignal::new(String::new());
    let given = RwSignal::new(String::new());
    Effect::new(move |_| {
        if add.value().get() == Some(true) {
            drug.set(String::new());
            dose.set(String::new());
            given.set(String::new());
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let drug = errors.check("details.drug", ShortText::parse(drug.get_untracked()));
        let dose = errors.check("details.dose", ShortText::parse(dose.get_untracked()));
        let route = Route::parse(&route.get_untracked());
        if route.is_none() {
            errors.add("details.route", "choose how it was given");
        }
        let time = given.get_untracked();
        let at = if time.trim().is_empty() {
            Some(None)
        } else {
            let at = local_time::from_input(time.trim());
            if at.is_none() {
                errors.add("at", "give a date and time");
            }
            at.map(Some)
        };
        let (Some(drug), Some(dose), Some(route), Some(at)) = (drug, dose, route, at) else {
            reveal_problem();
            return;
        };
        add.dispatch(Write::Entry(NewEntryRequest {
            at,
            details: EntryDetails::Medication { drug, dose, route },
            follow_up_on: None,
        }));
    };
    let route_error = errors.of("details.route");
    let at_error = errors.of("at");
    view! {
        <form class="record-form" data-testid="medication-form" novalidate on:submit=submit>
            <div class="form-grid two">
                <TextField id="record-drug" label="Drug" value=drug error=errors.of("details.drug")/>
                <TextField id="record-dose" label="Dose" value=dose hint="As given, e.g. “0.2 mg/kg”." error=errors.of("details.dose")/>
                <div class="field">
                    <label for="record-route">"Route"</label>
                    <select
                        id="record-route"
                        aria-invalid=move || route_error.get().is_some().then_some("true")
                        on:change=move |event| route.set(event_target_value(&event))
                    >
                        <option value="" prop:selected=move || route.with(String::is_empty)>"Choose…"</option>
                        {Route::ALL
                            .iter()
                            .map(|option| {
                                let code = option.as_str();
                                view! { <option value=code prop:selected=move || route.with(|route| route == code)>{option.label()}</option> }
                            })
                            .collect_view()}
                    </select>
                    {move || route_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                <div class="field">
                    <label for="record-medication-time">"Given at"</label>
                    <p class="hint">"Leave empty for now."</p>
                    <input id="record-medication-time" type="datetime-local" aria-invalid=move || at_error.get().is_some().then_some("true") bind:value=given/>
                    {move || at_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
            </div>
            <div class="form-actions">
                <button type="submit" class="button secondary" data-testid="add-medication" disabled=move || add.pending().get()>
                    "Record medication"
                </button>
            </div>
        </form>
    }
}

#[component]
fn ObservationList(entries: Vec<PatientEntry>) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="empty">"No observation yet."</p> }.into_any();
    }
    view! {
        <ol class="messages">
            {entries
                .iter()
                .rev()
                .filter_map(|entry| match &entry.details {
                    EntryDetails::Observation { text } => Some(view! {
                        <li class="message" data-testid="observation">
                            <p class="message-meta muted">{format!("{} · {}", local_time::date_time(entry.at), by(entry))}</p>
                            <p class="message-body notes">{text.to_string()}</p>
                        </li>
                    }),
                    _ => None,
                })
                .collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn ObservationForm() -> impl IntoView {
    let context = use_record();
    let errors = FieldErrors::new();
    let add = context.action(errors);
    let text = RwSignal::new(String::new());
    Effect::new(move |_| {
        if add.value().get() == Some(true) {
            text.set(String::new());
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        if let Some(text) = errors.check("details.text", ClinicalNote::parse(text.get_untracked()))
        {
            add.dispatch(Write::Entry(NewEntryRequest {
                at: None,
                details: EntryDetails::Observation { text },
                follow_up_on: None,
            }));
        }
    };
    view! {
        <form class="message-form" data-testid="observation-form" novalidate on:submit=submit>
            <TextArea id="record-observation" label="Observation" value=text error=errors.of("details.text")/>
            <div class="form-actions">
                <button type="submit" class="button secondary" data-testid="add-observation" disabled=move || add.pending().get()>
                    "Add observation"
                </button>
            </div>
        </form>
    }
}

/// The rehabilitation plan: its milestones with their due dates and state,
/// and the release criteria; or the form to make it from the library.
#[component]
fn PlanCard() -> impl IntoView {
    let context = use_record();
    let record = context.record;
    let has_plan = Memo::new(move |_| record.with(|record| record.plan.is_some()));
    view! {
        <section class="card record-card plan-card" aria-labelledby="plan-heading" data-testid="plan">
            <h2 id="plan-heading">"Rehabilitation plan"</h2>
            <Show
                when=move || has_plan.get()
                fallback=move || {
                    view! {
                        <Show
                            when=move || context.in_care_writable()
                            fallback=|| view! { <p class="empty">"No plan made yet."</p> }
                        >
                            <PlanForm/>
                        </Show>
                    }
                }
            >
                <PlanView/>
            </Show>
        </section>
    }
}

/// A milestone's state as a badge; overdue in red.
fn state_badge(state: MilestoneState) -> impl IntoView {
    let class = match state {
        MilestoneState::MetOnTime => "badge badge-vetted",
        MilestoneState::MetLate => "badge badge-applied",
        MilestoneState::Pending => "badge badge-muted",
        MilestoneState::Overdue => "badge badge-suspended",
    };
    view! { <span class=class data-testid="milestone-state" data-state=state.as_str()>{state.label()}</span> }
}

#[component]
fn PlanView() -> impl IntoView {
    let context = use_record();
    let record = context.record;
    let errors = FieldErrors::new();
    let meet = context.action(errors);
    // The milestone or criterion whose "met" form is open.
    let meeting = RwSignal::new(None::<Uuid>);
    Effect::new(move |_| {
        if meet.value().get() == Some(true) {
            meeting.set(None);
        }
    });
    let writable = Memo::new(move |_| context.in_care_writable());
    let met_line = |on: Option<NaiveDate>, by: Option<String>, note: Option<String>| {
        on.map(|on| {
            let by = by.map(|by| format!(" by {by}")).unwrap_or_default();
            view! {
                <p class="muted small met-line">
                    {format!("Met {}{by}", local_time::day(on))}
                    {note.map(|note| view! { <span class="notes">{format!(" — {note}")}</span> })}
                </p>
            }
        })
    };
    let tick = move |item: Uuid, met: bool| {
        (!met && writable.get()).then(|| {
            view! {
                <Show
                    when=move || meeting.get() == Some(item)
                    fallback=move || view! {
                        <button
                            type="button"
                            class="button secondary small"
                            data-testid="meet"
                            on:click=move |_| {
                                errors.clear();
                                meeting.set(Some(item));
                            }
                        >
                            "Met"
                        </button>
                    }
                >
                    <MeetForm item meet errors meeting/>
                </Show>
            }
        })
    };
    view! {
        {move || {
            record.with(|record| {
                let plan = record.plan.clone()?;
                let articles = [
                    (plan.milestone_article_id, "Milestones from the library"),
                    (plan.criteria_article_id, "Criteria from the library"),
                ]
                .into_iter()
                .filter_map(|(id, label)| id.map(|id| view! { <a href=format!("/library/{id}")>{label}</a> }))
                .collect_view();
                Some(view! {
                    <p class="plan-title">
                        <strong data-testid="plan-title">{plan.title.clone()}</strong>
                        <span class="muted">{format!(" · day 1 was {}", local_time::day(plan.started_on))}</span>
                    </p>
                    <p class="card-links small">{articles}</p>
                    {(plan.overdue > 0).then(|| view! {
                        <p class="plan-overdue" role="status" data-testid="plan-overdue">
                            {if plan.overdue == 1 { "1 milestone is overdue.".to_owned() } else { format!("{} milestones are overdue.", plan.overdue) }}
                        </p>
                    })}
                })
            })
        }}
        <h3 class="small-heading">"Milestones"</h3>
        {move || {
            let milestones = record.with(|record| record.plan.as_ref().map(|plan| plan.milestones.clone()).unwrap_or_default());
            if milestones.is_empty() {
                return view! { <p class="empty">"No milestone in this plan."</p> }.into_any();
            }
            view! {
                <ol class="plan-items milestones">
                    {milestones
                        .into_iter()
                        .map(|milestone| {
                            let due = match (milestone.target_day, milestone.due_on) {
                                (Some(day), Some(on)) => format!("Day {day} · due {}", local_time::day(on)),
                                _ => "No target day".to_owned(),
                            };
                            let overdue = milestone.state == MilestoneState::Overdue;
                            view! {
                                <li class="plan-item" class:plan-item-overdue=overdue data-testid="milestone" data-state=milestone.state.as_str()>
                                    <div class="plan-item-main">
                                        <p class="plan-item-text">{milestone.text.clone()}</p>
                                        <p class="muted small">{due}</p>
                                        {met_line(milestone.met_on, milestone.met_by.clone(), milestone.note.clone())}
                                    </div>
                                    <div class="plan-item-side">
                                        {state_badge(milestone.state)}
                                        {tick(milestone.id, milestone.met_on.is_some())}
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            }
            .into_any()
        }}
        <h3 class="small-heading" data-testid="criteria-heading">
            {move || {
                let unmet = record.with(|record| record.plan.as_ref().map_or(0, |plan| plan.unmet_criteria));
                if unmet == 0 { "Release criteria — all met".to_owned() } else { format!("Release criteria — {unmet} to meet") }
            }}
        </h3>
        {move || {
            let criteria = record.with(|record| record.plan.as_ref().map(|plan| plan.criteria.clone()).unwrap_or_default());
            if criteria.is_empty() {
                return view! { <p class="empty">"No release criterion in this plan."</p> }.into_any();
            }
            view! {
                <ul class="plan-items criteria">
                    {criteria
                        .into_iter()
                        .map(|criterion| {
                            let met = criterion.met_on.is_some();
                            view! {
                                <li class="plan-item" data-testid="criterion" data-met=met.to_string()>
                                    <span class="criterion-tick" class:criterion-met=met aria-hidden="true">{if met { "✓" } else { "" }}</span>
                                    <div class="plan-item-main">
                                        <p class="plan-item-text">
                                            <span class="visually-hidden">{if met { "Met: " } else { "Not met yet: " }}</span>
                                            {criterion.text.clone()}
                                        </p>
                                        {met_line(criterion.met_on, criterion.met_by.clone(), criterion.note.clone())}
                                    </div>
                                    <div class="plan-item-side">{tick(criterion.id, met)}</div>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
}

/// When a milestone or criterion was met, and a note.
#[component]
fn MeetForm(
    item: Uuid,
    meet: Action<Write, bool>,
    errors: FieldErrors,
    meeting: RwSignal<Option<Uuid>>,
) -> impl IntoView {
    let on = RwSignal::new(today().to_string());
    let note = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let on = date_field(errors, "on", &on.get_untracked());
        let text = note.get_untracked();
        let note = if text.trim().is_empty() {
            Some(None)
        } else {
            errors.check("note", ClinicalNote::parse(text)).map(Some)
        };
        let (Some(on), Some(note)) = (on, note) else {
            reveal_problem();
            return;
        };
        meet.dispatch(Write::Meet(item, MeetRequest { on, note }));
    };
    let on_id = format!("meet-on-{item}");
    let on_error = errors.of("on");
    view! {
        <form class="meet-form" data-testid="meet-form" novalidate on:submit=submit>
            <div class="field">
                <label for=on_id.clone()>"Met on"</label>
                <input id=on_id type="date" aria-invalid=move || on_error.get().is_some().then_some("true") bind:value=on/>
                {move || on_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
            </div>
            <TextField id=format!("meet-note-{item}") label="Note" value=note error=errors.of("note")/>
            <div class="form-actions">
                <button type="submit" class="button primary small" data-testid="save-meet" disabled=move || meet.pending().get()>
                    "Save"
                </button>
                <button type="button" class="button secondary small" on:click=move |_| meeting.set(None)>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

/// The library's articles of `kind` about `species` (or about any species,
/// when none is about it), newest first.
async fn articles_of(
    session: Session,
    kind: ArticleKind,
    species: String,
) -> Result<Vec<ArticleHit>, ClientError> {
    let query = |species: Option<String>| ArticleQuery {
        kind: Some(kind),
        species,
        limit: Some(100),
        ..ArticleQuery::default()
    };
    let about = session.api().search_articles(&query(Some(species))).await?;
    if !about.items.is_empty() {
        return Ok(about.items);
    }
    Ok(session.api().search_articles(&query(None)).await?.items)
}

/// Making the plan from a rehabilitation-milestone article and a
/// reintroduction-criteria article of the library.
#[component]
fn PlanForm() -> impl IntoView {
    let context = use_record();
    let session = context.session;
    let species = context
        .record
        .with_untracked(|record| record.species.clone());
    let started = context.record.with_untracked(|record| {
        local_date(record.created_at).unwrap_or(record.created_at.date_naive())
    });
    let articles = LocalResource::new(move || {
        let species = species.clone();
        async move {
            let (milestones, criteria) = futures_util::future::join(
                articles_of(
                    session,
                    ArticleKind::RehabilitationMilestone,
                    species.clone(),
                ),
                articles_of(session, ArticleKind::ReintroductionCriteria, species),
            )
            .await;
            Ok::<_, ClientError>((milestones?, criteria?))
        }
    });
    let errors = FieldErrors::new();
    let make = context.action(errors);
    let milestone_article = RwSignal::new(String::new());
    let criteria_article = RwSignal::new(String::new());
    let start = RwSignal::new(started.to_string());
    // The first article of each kind is chosen once the lists are there.
    Effect::new(move |_| {
        if let Some(Ok((milestones, criteria))) = articles.get() {
            if milestone_article.with_untracked(String::is_empty)
                && let Some(first) = milestones.first()
            {
                milestone_article.set(first.id.to_string());
            }
            if criteria_article.with_untracked(String::is_empty)
                && let Some(first) = criteria.first()
            {
                criteria_article.set(first.id.to_string());
            }
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let milestone_article_id = Uuid::parse_str(&milestone_article.get_untracked()).ok();
        let criteria_article_id = Uuid::parse_str(&criteria_article.get_untracked()).ok();
        if milestone_article_id.is_none() && criteria_article_id.is_none() {
            errors.add(
                "milestones",
                "choose a milestone article or a criteria article",
            );
        }
        let started_on = date_field(errors, "started_on", &start.get_untracked());
        let Some(started_on) = started_on.filter(|_| errors.is_empty()) else {
            reveal_problem();
            return;
        };
        make.dispatch(Write::Plan(PlanRequest {
            title: None,
            started_on,
            milestone_article_id,
            criteria_article_id,
            milestones: Vec::new(),
            criteria: Vec::new(),
        }));
    };
    let select = move |id: &'static str,
                       label: &'static str,
                       hits: Vec<ArticleHit>,
                       chosen: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <select id=id on:change=move |event| chosen.set(event_target_value(&event))>
                    <option value="" prop:selected=move || chosen.with(String::is_empty)>"None"</option>
                    {hits
                        .into_iter()
                        .map(|hit| {
                            let value = hit.id.to_string();
                            let option = value.clone();
                            view! {
                                <option value=value prop:selected=move || chosen.with(|chosen| *chosen == option)>
                                    {format!("{} ({})", hit.title, hit.organization_name)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
        }
    };
    let milestones_error = errors.of("milestones");
    let start_error = errors.of("started_on");
    view! {
        <p class="muted">"Make the plan from the library: milestones with the day each is due by, and the criteria to meet before release."</p>
        <Loaded resource=articles label="Loading the library…" let:found>
            {
                let (milestones, criteria) = found;
                if milestones.is_empty() && criteria.is_empty() {
                    view! {
                        <p class="empty" data-testid="no-plan-articles">
                            "The library has no rehabilitation-milestone or reintroduction-criteria article yet. "
                            <a href="/library/new">"Write one"</a>
                        </p>
                    }
                    .into_any()
                } else {
                    view! {
                        <form class="record-form" data-testid="plan-form" novalidate on:submit=submit>
                            <div class="form-grid two">
                                {select("plan-milestone-article", "Milestones from", milestones, milestone_article)}
                                {select("plan-criteria-article", "Release criteria from", criteria, criteria_article)}
                                <div class="field">
                                    <label for="plan-start">"Day 1"</label>
                                    <input id="plan-start" type="date" aria-invalid=move || start_error.get().is_some().then_some("true") bind:value=start/>
                                    {move || start_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
                                </div>
                            </div>
                            {move || milestones_error.get().map(|error| view! { <p class="field-error" role="alert">{error}</p> })}
                            <div class="form-actions">
                                <button type="submit" class="button primary" data-testid="make-plan" disabled=move || make.pending().get()>
                                    "Make the plan"
                                </button>
                            </div>
                        </form>
                    }
                    .into_any()
                }
            }
        </Loaded>
    }
}

/// What is seen of the animal after release, the next follow-up, and the
/// form to log a report.
#[component]
fn MonitoringCard() -> impl IntoView {
    let context = use_record();
    let record = context.record;
    let follow_up = move || {
        record.with(|record| {
            record.follow_up_due.map(|due| {
                let late = due <= today();
                view! {
                    <p class="follow-up-due" class:follow-up-late=late data-testid="follow-up-due">
                        <strong>"Follow-up due: "</strong>
                        {local_time::day(due)}
                        {late.then_some(" — now")}
                    </p>
                }
            })
        })
    };
    let reports = move || {
        let reports: Vec<PatientEntry> = record.with(|record| {
            record
                .entries
                .iter()
                .filter(|entry| matches!(entry.details, EntryDetails::Monitoring { .. }))
                .rev()
                .cloned()
                .collect()
        });
        if reports.is_empty() {
            return view! { <p class="empty">"Nothing reported since the release."</p> }.into_any();
        }
        view! {
            <ol class="messages">
                {reports
                    .into_iter()
                    .filter_map(|entry| match &entry.details {
                        EntryDetails::Monitoring { report, place, text } => Some(view! {
                            <li class="message" data-testid="monitoring" data-report=report.as_str()>
                                <p class="message-meta muted">{format!("{} · {}", local_time::date_time(entry.at), by(&entry))}</p>
                                <p>
                                    <strong>{report.label()}</strong>
                                    {place.as_ref().map(|place| format!(" · {place}"))}
                                </p>
                                {text.as_ref().map(|text| view! { <p class="notes">{text.to_string()}</p> })}
                            </li>
                        }),
                        _ => None,
                    })
                    .collect_view()}
            </ol>
        }
        .into_any()
    };
    let may_log = Memo::new(move |_| {
        record.with(|record| record.writable && record.stage == CareStage::Released)
    });
    view! {
        <section class="card record-card" aria-labelledby="monitoring-heading" data-testid="monitoring-card">
            <h2 id="monitoring-heading">"After release"</h2>
            {follow_up}
            {reports}
            <Show when=move || may_log.get()>
                <MonitoringForm/>
            </Show>
        </section>
    }
}

#[component]
fn MonitoringForm() -> impl IntoView {
    let context = use_record();
    let errors = FieldErrors::new();
    let log = context.action(errors);
    let kind = RwSignal::new(MonitoringKind::Sighting.as_str().to_owned());
    let place = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let next = RwSignal::new(String::new());
    Effect::new(move |_| {
        if log.value().get() == Some(true) {
            place.set(String::new());
            note.set(String::new());
            next.set(String::new());
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let report =
            MonitoringKind::parse(&kind.get_untracked()).unwrap_or(MonitoringKind::Sighting);
        let place_text = place.get_untracked();
        let place = if place_text.trim().is_empty() {
            Some(None)
        } else {
            errors
                .check("details.place", ShortText::parse(place_text))
                .map(Some)
        };
        let text = note.get_untracked();
        let text = if text.trim().is_empty() {
            Some(None)
        } else {
            errors
                .check("details.text", ClinicalNote::parse(text))
                .map(Some)
        };
        let follow_up_on = date_field(errors, "follow_up_on", &next.get_untracked());
        let (Some(place), Some(text), Some(follow_up_on)) = (place, text, follow_up_on) else {
            reveal_problem();
            return;
        };
        log.dispatch(Write::Entry(NewEntryRequest {
            at: None,
            details: EntryDetails::Monitoring {
                report,
                place,
                text,
            },
            follow_up_on,
        }));
    };
    let next_error = errors.of("follow_up_on");
    view! {
        <form class="record-form" data-testid="monitoring-form" novalidate on:submit=submit>
            <div class="form-grid two">
                <div class="field">
                    <label for="record-monitoring-kind">"What was seen"</label>
                    <select id="record-monitoring-kind" on:change=move |event| kind.set(event_target_value(&event))>
                        {MonitoringKind::ALL
                            .iter()
                            .map(|option| {
                                let code = option.as_str();
                                view! { <option value=code prop:selected=move || kind.with(|kind| kind == code)>{option.label()}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <TextField id="record-monitoring-place" label="Where" value=place error=errors.of("details.place")/>
                <div class="field">
                    <label for="record-next-follow-up">"Next follow-up due"</label>
                    <input id="record-next-follow-up" type="date" aria-invalid=move || next_error.get().is_some().then_some("true") bind:value=next/>
                    {move || next_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
            </div>
            <TextArea id="record-monitoring-note" label="Note" value=note error=errors.of("details.text")/>
            <div class="form-actions">
                <button type="submit" class="button primary" data-testid="log-monitoring" disabled=move || log.pending().get()>
                    "Log report"
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_spans_its_box_from_the_lowest_to_the_highest_weight() {
        assert_eq!(
            sparkline_points(&[400, 500, 450]),
            "2.0,30.0 60.0,2.0 118.0,16.0"
        );
        assert_eq!(sparkline_points(&[300, 300]), "2.0,30.0 118.0,30.0");
    }

    #[test]
    fn days_in_care_read_as_whole_days() {
        assert_eq!(days_text(0.4), "Under a day");
        assert_eq!(days_text(1.9), "1 day");
        assert_eq!(days_text(12.0), "12 days");
    }
}

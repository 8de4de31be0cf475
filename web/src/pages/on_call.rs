//! `/sites/:id/on-call`: a site's on-call rota — who an urgent alert
//! reaches, and when.
//!
//! Everyone in the site's organization reads who is on call now, the times
//! in the next fortnight with nobody on call (in the site's own time), and
//! who stands in then. Its admins edit the rota: weekly shifts, each a
//! person and hours in OpenStreetMap `opening_hours` syntax read in the
//! site's timezone, in chain order (whoever is first and on shift is alerted
//! first); and one-off overrides that put a person first for a while.
//!
//! Saved whole with the version read (`If-Match`). The hours are checked
//! with the server's own parser while they are typed; the server's field
//! errors (`shifts[0].hours`, `overrides[1].ends_at`) show next to their
//! fields, and a rota changed elsewhere meanwhile is reported with a reload.

use leptos::prelude::*;
use uuid::Uuid;
use warren_client::{ClientError, Versioned};
use warren_domain::alerts::{Override, Rota, Shift};
use warren_domain::directory::hours::OpeningHoursText;
use warren_domain::{Role, ShortText};
use warren_wire::{OnCallRota, PersonRef, Span};

use crate::components::{
    ErrorAlert, FieldErrors, Loaded, RequireSignIn, SuccessNotice, focus_on, reveal_problem,
};
use crate::local_time;
use crate::pages::{NotFoundPage, route_id};
use crate::session::{Session, use_session};

/// The rota page.
#[component]
pub fn OnCallPage() -> impl IntoView {
    let id = route_id();
    view! {
        <RequireSignIn>
            {move || match id.get() {
                Some(id) => view! { <OnCall id/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </RequireSignIn>
    }
}

/// What the page reads: the site's name, its rota and, for its admins, the
/// people who may be on it.
#[derive(Clone)]
struct Loaded {
    site_name: String,
    rota: Versioned<OnCallRota>,
    /// `None` for readers who cannot edit.
    candidates: Option<Vec<PersonRef>>,
}

async fn load(session: Session, id: Uuid) -> Result<Loaded, ClientError> {
    let rota = session.api().on_call_rota(id).await?;
    let site = session.api().site(id).await?;
    let organization = rota.value.organization_id;
    let editable = untrack(|| {
        session.is_network_admin()
            || session
                .administered()
                .iter()
                .any(|membership| membership.organization.id == organization)
    });
    let candidates = if editable {
        let members = session.api().members(organization).await?;
        // Only those who answer for the site's cases may be on call.
        Some(
            members
                .items
                .into_iter()
                .filter(|member| member.role != Role::Volunteer)
                .map(|member| PersonRef {
                    user_id: member.user.id,
                    name: member.user.name,
                })
                .collect(),
        )
    } else {
        None
    };
    Ok(Loaded {
        site_name: site.value.listing.name,
        rota,
        candidates,
    })
}

#[component]
fn OnCall(id: Uuid) -> impl IntoView {
    let session = use_session();
    let loaded = LocalResource::new(move || {
        // Read again when another person signs in on this tab.
        session.me();
        load(session, id)
    });
    let reload = Callback::new(move |()| loaded.refetch());
    view! {
        <Loaded resource=loaded label="Loading the on-call rota…" let:loaded>
            <RotaPage id loaded reload/>
        </Loaded>
    }
}

/// A span in the site's timezone, e.g. `Mon 9 Dec, 17:00 – Tue 10 Dec, 09:00`.
fn span_text(span: &Span, timezone: &str) -> String {
    format!(
        "{} – {}",
        local_time::date_time_in(span.starts_at, timezone),
        local_time::date_time_in(span.ends_at, timezone)
    )
}

#[component]
fn RotaPage(id: Uuid, loaded: Loaded, reload: Callback<()>) -> impl IntoView {
    let Loaded {
        site_name,
        rota,
        candidates,
    } = loaded;
    let current = RwSignal::new(rota.value.clone());
    let etag = StoredValue::new(rota.etag.clone());
    view! {
        <header class="page-header">
            <p class="eyebrow">
                <a href=format!("/sites/{id}") data-testid="site-link">{site_name}</a>
            </p>
            <h1>"On-call rota"</h1>
            <p class="lead">
                "Who an urgent alert reaches, in order. If nobody acknowledges in time, Warren alerts the next person on call, then the organization's admins."
            </p>
        </header>
        <div class="rota-layout">
            <NowCard current/>
            {match candidates {
                Some(candidates) => {
                    view! { <RotaEditor id current etag candidates reload/> }.into_any()
                }
                None => view! { <RotaReadOnly current/> }.into_any(),
            }}
        </div>
    }
}

/// Who is on call now, who stands in, and the gaps ahead.
#[component]
fn NowCard(current: RwSignal<OnCallRota>) -> impl IntoView {
    view! {
        <section class="card rota-now" aria-labelledby="rota-now-heading">
            {move || {
                let rota = current.get();
                let timezone = rota.timezone.as_str();
                let now = local_time::now();
                let stand_in = rota
                    .default_contact
                    .clone()
                    .map_or_else(
                        || "the organization's admins (the site has no primary referral contact)".to_owned(),
                        |contact| format!("{contact}, then the organization's admins"),
                    );
                view! {
                    <h2 id="rota-now-heading">"On call now"</h2>
                    <p class="muted small" data-testid="site-time">
                        {format!("At the site it is {} ({timezone}).", local_time::date_time_in(now, timezone))}
                    </p>
                    {if rota.on_call_now.is_empty() {
                        view! {
                            <p class="warning-text" data-testid="on-call-now" data-count="0">
                                "Nobody. Urgent alerts go to " {stand_in.clone()} "."
                            </p>
                        }
                            .into_any()
                    } else {
                        view! {
                            <ol class="on-call-now" data-testid="on-call-now" data-count=rota.on_call_now.len().to_string()>
                                {rota
                                    .on_call_now
                                    .iter()
                                    .map(|person| view! { <li>{person.name.clone()}</li> })
                                    .collect_view()}
                            </ol>
                        }
                            .into_any()
                    }}
                    <h3>"When nobody is on call"</h3>
                    <p data-testid="default-contact">"Urgent alerts go to " {stand_in} "."</p>
                    <h3>"Gaps in the next fortnight"</h3>
                    {if rota.gaps.is_empty() {
                        view! { <p data-testid="gaps" data-count="0">"None: someone is on call at every moment."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="gap-list" data-testid="gaps" data-count=rota.gaps.len().to_string()>
                                {rota
                                    .gaps
                                    .iter()
                                    .map(|gap| view! { <li>{span_text(gap, timezone)}</li> })
                                    .collect_view()}
                            </ul>
                            <p class="muted small">"In the site's time."</p>
                        }
                            .into_any()
                    }}
                    <p class="muted small">
                        {match (rota.updated_at, rota.updated_by.clone()) {
                            (Some(at), Some(by)) => format!("Last changed {} by {by}.", local_time::date_time(at)),
                            (Some(at), None) => format!("Last changed {}.", local_time::date_time(at)),
                            _ => "No rota saved yet.".to_owned(),
                        }}
                    </p>
                }
            }}
        </section>
    }
}

/// The rota for members who do not edit it.
#[component]
fn RotaReadOnly(current: RwSignal<OnCallRota>) -> impl IntoView {
    let name_of = move |id: Uuid| {
        current.with(|rota| {
            rota.people
                .iter()
                .find(|person| person.user_id == id)
                .map_or_else(
                    || "A former member".to_owned(),
                    |person| person.name.clone(),
                )
        })
    };
    view! {
        <section class="card" aria-labelledby="rota-heading">
            <h2 id="rota-heading">"Weekly shifts"</h2>
            {move || {
                let rota = current.get().rota;
                view! {
                    {if rota.shifts.is_empty() {
                        view! { <p class="empty">"No shifts."</p> }.into_any()
                    } else {
                        view! {
                            <ol class="plain-list rota-list">
                                {rota
                                    .shifts
                                    .iter()
                                    .map(|shift| {
                                        view! {
                                            <li>
                                                <strong>{name_of(shift.user_id)}</strong>
                                                " — " <code>{shift.hours.as_str().to_owned()}</code>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ol>
                        }
                            .into_any()
                    }}
                    <h2>"Overrides"</h2>
                    {if rota.overrides.is_empty() {
                        view! { <p class="empty">"None."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list">
                                {rota
                                    .overrides
                                    .iter()
                                    .map(|cover| {
                                        view! {
                                            <li>
                                                <strong>{name_of(cover.user_id)}</strong>
                                                {format!(
                                                    " first on call {} – {}",
                                                    local_time::date_time(cover.starts_at),
                                                    local_time::date_time(cover.ends_at),
                                                )}
                                                {cover.note.as_ref().map(|note| format!(": {}", note.as_str()))}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                    <p class="muted">"Only the organization's admins change the rota."</p>
                }
            }}
        </section>
    }
}

/// One shift being edited.
#[derive(Clone, Copy)]
struct ShiftRow {
    key: u64,
    person: RwSignal<String>,
    hours: RwSignal<String>,
}

/// One override being edited; times as `datetime-local` values.
#[derive(Clone, Copy)]
struct OverrideRow {
    key: u64,
    person: RwSignal<String>,
    starts: RwSignal<String>,
    ends: RwSignal<String>,
    note: RwSignal<String>,
}

/// The rows of the editor, made from a rota.
#[derive(Clone, Copy)]
struct Rows {
    shifts: RwSignal<Vec<ShiftRow>>,
    overrides: RwSignal<Vec<OverrideRow>>,
    next_key: StoredValue<u64>,
}

impl Rows {
    fn new(rota: &Rota) -> Self {
        let rows = Self {
            shifts: RwSignal::new(Vec::new()),
            overrides: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
        };
        for shift in &rota.shifts {
            rows.add_shift(shift.user_id.to_string(), shift.hours.as_str().to_owned());
        }
        for cover in &rota.overrides {
            rows.add_override(
                cover.user_id.to_string(),
                local_time::to_input(cover.starts_at),
                local_time::to_input(cover.ends_at),
                cover
                    .note
                    .as_ref()
                    .map(|note| note.as_str().to_owned())
                    .unwrap_or_default(),
            );
        }
        rows
    }

    fn key(&self) -> u64 {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        key
    }

    fn add_shift(&self, person: String, hours: String) {
        let row = ShiftRow {
            key: self.key(),
            person: RwSignal::new(person),
            hours: RwSignal::new(hours),
        };
        self.shifts.update(|shifts| shifts.push(row));
    }

    fn add_override(&self, person: String, starts: String, ends: String, note: String) {
        let row = OverrideRow {
            key: self.key(),
            person: RwSignal::new(person),
            starts: RwSignal::new(starts),
            ends: RwSignal::new(ends),
            note: RwSignal::new(note),
        };
        self.overrides.update(|overrides| overrides.push(row));
    }

    /// The rota the rows describe, or `None` after recording what is wrong
    /// in `errors` under the request's field names.
    fn rota(&self, errors: FieldErrors) -> Option<Rota> {
        let mut shifts = Vec::new();
        for (index, row) in self.shifts.get_untracked().iter().enumerate() {
            let person = Uuid::parse_str(&row.person.get_untracked()).ok();
            if person.is_none() {
                errors.add(&format!("shifts[{index}].user_id"), "choose who is on call");
            }
            let hours = errors.check(
                &format!("shifts[{index}].hours"),
                OpeningHoursText::parse(row.hours.get_untracked()),
            );
            if let (Some(user_id), Some(hours)) = (person, hours) {
                shifts.push(Shift { user_id, hours });
            }
        }
        let mut overrides = Vec::new();
        for (index, row) in self.overrides.get_untracked().iter().enumerate() {
            let person = Uuid::parse_str(&row.person.get_untracked()).ok();
            if person.is_none() {
                errors.add(&format!("overrides[{index}].user_id"), "choose who covers");
            }
            let starts = local_time::from_input(&row.starts.get_untracked());
            if starts.is_none() {
                errors.add(
                    &format!("overrides[{index}].starts_at"),
                    "enter when it starts",
                );
            }
            let ends = local_time::from_input(&row.ends.get_untracked());
            match (starts, ends) {
                (_, None) => {
                    errors.add(&format!("overrides[{index}].ends_at"), "enter when it ends")
                }
                (Some(starts), Some(ends)) if ends <= starts => errors.add(
                    &format!("overrides[{index}].ends_at"),
                    "must be after it starts",
                ),
                _ => {}
            }
            let note = row.note.get_untracked();
            let note = if note.trim().is_empty() {
                Some(None)
            } else {
                errors
                    .check(&format!("overrides[{index}].note"), ShortText::parse(note))
                    .map(Some)
            };
            if let (Some(user_id), Some(starts_at), Some(ends_at), Some(note)) =
                (person, starts, ends, note)
            {
                overrides.push(Override {
                    user_id,
                    starts_at,
                    ends_at,
                    note,
                });
            }
        }
        errors.is_empty().then_some(Rota { shifts, overrides })
    }
}

/// Moves the item at `index` by `step` (−1 up, +1 down), if it can.
fn moved<T>(items: &mut [T], index: usize, step: isize) -> bool {
    let Some(target) = index.checked_add_signed(step) else {
        return false;
    };
    if target >= items.len() {
        return false;
    }
    items.swap(index, target);
    true
}

/// The editor for the organization's admins.
#[component]
fn RotaEditor(
    id: Uuid,
    current: RwSignal<OnCallRota>,
    etag: StoredValue<String>,
    candidates: Vec<PersonRef>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let rows = Rows::new(&current.get_untracked().rota);
    let errors = FieldErrors::new();
    let notice = RwSignal::new(None::<String>);
    let stale = RwSignal::new(false);
    // Everyone who may be chosen, with anyone the rota names who no longer
    // may (so the row says who it was).
    let mut people = candidates;
    for person in current.get_untracked().people {
        if !people.iter().any(|known| known.user_id == person.user_id) {
            people.push(PersonRef {
                user_id: person.user_id,
                name: format!("{} (no longer a member)", person.name),
            });
        }
    }
    let people = StoredValue::new(people);

    let save = Action::new_local(move |rota: &Rota| {
        let rota = rota.clone();
        async move {
            let answer = session
                .api()
                .save_on_call_rota(id, &rota, &etag.get_value())
                .await;
            match &answer {
                Ok(saved) => {
                    etag.set_value(saved.etag.clone());
                    current.set(saved.value.clone());
                    let gaps = saved.value.gaps.len();
                    notice.set(Some(match gaps {
                        0 => "The rota is saved: someone is on call at every moment of the next fortnight.".to_owned(),
                        1 => "The rota is saved. It leaves 1 gap in the next fortnight: see \u{201c}Gaps\u{201d}.".to_owned(),
                        gaps => format!("The rota is saved. It leaves {gaps} gaps in the next fortnight: see \u{201c}Gaps\u{201d}."),
                    }));
                    focus_on("[data-testid=notice]");
                }
                Err(error) if error.status() == Some(412) => {
                    stale.set(true);
                    reveal_problem();
                }
                Err(error) => {
                    errors.absorb(error);
                    reveal_problem();
                }
            }
            answer.map(|_| ())
        }
    });
    let pending = save.pending();
    let failure = Signal::derive(move || {
        save.value()
            .get()
            .and_then(Result::err)
            .filter(|error| !matches!(error.status(), Some(412)))
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        notice.set(None);
        stale.set(false);
        match rows.rota(errors) {
            Some(rota) => {
                save.dispatch(rota);
            }
            None => reveal_problem(),
        }
    };
    let move_shift = move |index: usize, step: isize, button: &'static str| {
        let mut did = false;
        rows.shifts
            .update(|shifts| did = moved(shifts, index, step));
        if did {
            // Errors are named by position: they no longer fit.
            errors.clear();
            let place = index.saturating_add_signed(step);
            focus_on(format!("#shift-{place}-{button}"));
        }
    };
    let remove_shift = move |index: usize| {
        rows.shifts.update(|shifts| {
            shifts.remove(index);
        });
        errors.clear();
        focus_on("#add-shift");
    };
    let remove_override = move |index: usize| {
        rows.overrides.update(|overrides| {
            overrides.remove(index);
        });
        errors.clear();
        focus_on("#add-override");
    };
    let person_options = move |chosen: RwSignal<String>| {
        view! {
            <option value="" prop:selected=move || chosen.with(String::is_empty)>"Choose…"</option>
            {people
                .get_value()
                .into_iter()
                .map(|person| {
                    let value = person.user_id.to_string();
                    let matches = value.clone();
                    view! {
                        <option value=value prop:selected=move || chosen.with(|chosen| *chosen == matches)>
                            {person.name}
                        </option>
                    }
                })
                .collect_view()}
        }
    };
    let timezone = move || current.with(|rota| rota.timezone.clone());

    let shift_rows = move || {
        let shifts = rows.shifts.get();
        let count = shifts.len();
        if count == 0 {
            return view! {
                <p class="empty" data-testid="no-shifts">
                    "No shifts: urgent alerts go to the site's primary referral contact, then the admins."
                </p>
            }
            .into_any();
        }
        view! {
            <ol class="rota-rows" data-testid="shift-rows">
                {shifts
                    .into_iter()
                    .enumerate()
                    .map(|(index, row)| {
                        let person_error = errors.of(&format!("shifts[{index}].user_id"));
                        let hours_error = errors.of(&format!("shifts[{index}].hours"));
                        let hours_check = Memo::new(move |_| {
                            row.hours.with(|hours| {
                                (!hours.trim().is_empty())
                                    .then(|| OpeningHoursText::parse(hours.clone()).err().map(|error| error.to_string()))
                            })
                        });
                        let number = index + 1;
                        view! {
                            <li class="rota-row" data-testid="shift-row" data-key=row.key.to_string()>
                                <span class="rota-order" aria-hidden="true">{number}</span>
                                <div class="field">
                                    <label for=format!("shift-{index}-person")>{format!("Shift {number}: who")}</label>
                                    <select
                                        id=format!("shift-{index}-person")
                                        aria-invalid=move || person_error.get().is_some().then_some("true")
                                        aria-describedby=format!("shift-{index}-person-error")
                                        on:change=move |event| row.person.set(event_target_value(&event))
                                    >
                                        {person_options(row.person)}
                                    </select>
                                    {move || person_error.get().map(|error| view! { <p class="field-error" id=format!("shift-{index}-person-error")>{error}</p> })}
                                </div>
                                <div class="field">
                                    <label for=format!("shift-{index}-hours")>{format!("Shift {number}: when")}</label>
                                    <input
                                        id=format!("shift-{index}-hours")
                                        type="text"
                                        class="mono"
                                        spellcheck="false"
                                        autocomplete="off"
                                        placeholder="Mo-Fr 18:00-08:00"
                                        aria-invalid=move || hours_error.get().is_some().then_some("true")
                                        aria-describedby=format!("shift-{index}-hours-error shift-{index}-hours-check")
                                        bind:value=row.hours
                                    />
                                    {move || hours_error.get().map(|error| view! { <p class="field-error" id=format!("shift-{index}-hours-error")>{error}</p> })}
                                    <p class="hours-check" id=format!("shift-{index}-hours-check") class:invalid=move || matches!(hours_check.get(), Some(Some(_))) class:valid=move || matches!(hours_check.get(), Some(None))>
                                        {move || match hours_check.get() {
                                            Some(None) => "Reads as opening hours.".to_owned(),
                                            Some(Some(error)) => error,
                                            None => String::new(),
                                        }}
                                    </p>
                                </div>
                                <div class="row-buttons">
                                    <button
                                        type="button"
                                        id=format!("shift-{index}-up")
                                        class="button secondary small"
                                        aria-label=format!("Move shift {number} up")
                                        disabled=index == 0
                                        on:click=move |_| move_shift(index, -1, "up")
                                    >
                                        "↑ Up"
                                    </button>
                                    <button
                                        type="button"
                                        id=format!("shift-{index}-down")
                                        class="button secondary small"
                                        aria-label=format!("Move shift {number} down")
                                        disabled=index + 1 == count
                                        on:click=move |_| move_shift(index, 1, "down")
                                    >
                                        "↓ Down"
                                    </button>
                                    <button
                                        type="button"
                                        class="button danger small"
                                        aria-label=format!("Remove shift {number}")
                                        on:click=move |_| remove_shift(index)
                                    >
                                        "Remove"
                                    </button>
                                </div>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
        .into_any()
    };

    let override_rows = move || {
        let overrides = rows.overrides.get();
        if overrides.is_empty() {
            return view! { <p class="empty">"No overrides."</p> }.into_any();
        }
        view! {
            <ol class="rota-rows" data-testid="override-rows">
                {overrides
                    .into_iter()
                    .enumerate()
                    .map(|(index, row)| {
                        let number = index + 1;
                        let field = |name: &str| format!("overrides[{index}].{name}");
                        let person_error = errors.of(&field("user_id"));
                        let starts_error = errors.of(&field("starts_at"));
                        let ends_error = errors.of(&field("ends_at"));
                        let note_error = errors.of(&field("note"));
                        let error_line = move |error: Signal<Option<String>>, id: String| {
                            move || error.get().map(|error| view! { <p class="field-error" id=id.clone()>{error}</p> })
                        };
                        view! {
                            <li class="rota-row override-row" data-testid="override-row" data-key=row.key.to_string()>
                                <span class="rota-order" aria-hidden="true">{number}</span>
                                <div class="field">
                                    <label for=format!("override-{index}-person")>{format!("Override {number}: who")}</label>
                                    <select
                                        id=format!("override-{index}-person")
                                        aria-invalid=move || person_error.get().is_some().then_some("true")
                                        aria-describedby=format!("override-{index}-person-error")
                                        on:change=move |event| row.person.set(event_target_value(&event))
                                    >
                                        {person_options(row.person)}
                                    </select>
                                    {error_line(person_error, format!("override-{index}-person-error"))}
                                </div>
                                <div class="field">
                                    <label for=format!("override-{index}-from")>"From"</label>
                                    <input
                                        id=format!("override-{index}-from")
                                        type="datetime-local"
                                        aria-invalid=move || starts_error.get().is_some().then_some("true")
                                        aria-describedby=format!("override-{index}-from-error")
                                        bind:value=row.starts
                                    />
                                    {error_line(starts_error, format!("override-{index}-from-error"))}
                                </div>
                                <div class="field">
                                    <label for=format!("override-{index}-until")>"Until"</label>
                                    <input
                                        id=format!("override-{index}-until")
                                        type="datetime-local"
                                        aria-invalid=move || ends_error.get().is_some().then_some("true")
                                        aria-describedby=format!("override-{index}-until-error")
                                        bind:value=row.ends
                                    />
                                    {error_line(ends_error, format!("override-{index}-until-error"))}
                                </div>
                                <div class="field">
                                    <label for=format!("override-{index}-note")>"Note"</label>
                                    <input
                                        id=format!("override-{index}-note")
                                        type="text"
                                        placeholder="Covers Saturday night for Dr Lee"
                                        aria-invalid=move || note_error.get().is_some().then_some("true")
                                        aria-describedby=format!("override-{index}-note-error")
                                        bind:value=row.note
                                    />
                                    {error_line(note_error, format!("override-{index}-note-error"))}
                                </div>
                                <div class="row-buttons">
                                    <button
                                        type="button"
                                        class="button danger small"
                                        aria-label=format!("Remove override {number}")
                                        on:click=move |_| remove_override(index)
                                    >
                                        "Remove"
                                    </button>
                                </div>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
        .into_any()
    };
    let shifts_error = errors.of("shifts");
    let overrides_error = errors.of("overrides");

    view! {
        <section class="card rota-editor" aria-labelledby="rota-heading">
            <h2 id="rota-heading">"Edit the rota"</h2>
            <Show when=move || stale.get()>
                <div class="alert alert-error" role="alert" data-code="precondition_failed" data-testid="stale">
                    <p>"Someone else changed the rota since this page read it. Reload it, then make your change again."</p>
                    <button type="button" class="button secondary small" on:click=move |_| reload.run(())>
                        "Reload the rota"
                    </button>
                </div>
            </Show>
            <ErrorAlert error=failure/>
            <SuccessNotice message=notice/>
            <form novalidate on:submit=submit aria-busy=move || pending.get().to_string()>
                <fieldset>
                    <legend>"Weekly shifts, in chain order"</legend>
                    <div class="hint rota-hint">
                        <p>
                            "Hours in OpenStreetMap " <code>"opening_hours"</code> " syntax, read in the site's time ("
                            {timezone} "). At any moment, whoever is on shift is on call, the first row first."
                        </p>
                        <ul class="examples">
                            <li><code>"Mo-Fr 18:00-08:00; Sa,Su 00:00-24:00"</code>" nights and weekends"</li>
                            <li><code>"Mo-Su 22:00-06:00"</code>" every night"</li>
                            <li><code>"24/7"</code>" always"</li>
                        </ul>
                    </div>
                    {shift_rows}
                    {move || shifts_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
                    <button
                        type="button"
                        id="add-shift"
                        class="button secondary small"
                        data-testid="add-shift"
                        on:click=move |_| {
                            rows.add_shift(String::new(), String::new());
                            let last = rows.shifts.with_untracked(Vec::len).saturating_sub(1);
                            focus_on(format!("#shift-{last}-person"));
                        }
                    >
                        "Add a shift"
                    </button>
                </fieldset>
                <fieldset>
                    <legend>"Overrides"</legend>
                    <p class="hint">"One-off cover: the person is first on call from the start to the end, ahead of the shifts. Times in this device's time."</p>
                    {override_rows}
                    {move || overrides_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
                    <button
                        type="button"
                        id="add-override"
                        class="button secondary small"
                        data-testid="add-override"
                        on:click=move |_| {
                            let now = local_time::now();
                            rows.add_override(
                                String::new(),
                                local_time::to_input(now),
                                local_time::to_input(now + chrono::TimeDelta::hours(12)),
                                String::new(),
                            );
                            let last = rows.overrides.with_untracked(Vec::len).saturating_sub(1);
                            focus_on(format!("#override-{last}-person"));
                        }
                    >
                        "Add an override"
                    </button>
                </fieldset>
                <div class="form-actions">
                    <button type="submit" class="button primary" data-testid="save-rota" disabled=move || pending.get()>
                        "Save the rota"
                    </button>
                    <Show when=move || pending.get()>
                        <span class="spinner" role="status" aria-label="Saving"></span>
                    </Show>
                </div>
            </form>
        </section>
    }
}

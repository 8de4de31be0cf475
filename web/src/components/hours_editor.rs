//! The opening-hours editor of the site form: a row per weekday with its
//! from–to ranges or "Closed", "Open 24 hours", and public holidays — what a
//! receptionist can fill in without knowing OpenStreetMap's syntax. The grid
//! writes the `opening_hours` text the listing stores; the text itself is
//! the "advanced" view, and typing there redraws the grid when the grid can
//! show it (the conversion is the domain's [`WeekGrid`]).
//!
//! A text that is not valid shows one error, in words, under the text.

use leptos::prelude::*;
use warren_domain::directory::hours::OpeningHoursText;
use warren_domain::directory::week_grid::{
    GridError, HolidayRule, TimeRange, WEEKDAY_NAMES, WEEKDAYS, WeekGrid, describe_invalid,
};

/// The times a new range starts with.
const NEW_RANGE: TimeRange = TimeRange {
    from: 9 * 60,
    to: 17 * 60,
};

/// A time for an `<input type="time">`, which cannot show 24:00: the end
/// of the day is shown as 00:00.
fn time_value(minutes: u16) -> String {
    TimeRange::clock(minutes % (24 * 60))
}

/// A time read from an input; an end at 00:00 means midnight at the end of
/// the day.
fn read_time(text: &str, end: bool) -> Option<u16> {
    let minutes = TimeRange::time(text)?;
    Some(if end && minutes == 0 {
        24 * 60
    } else {
        minutes
    })
}

/// The grid and the text it writes.
#[derive(Clone, Copy)]
struct Editor {
    grid: RwSignal<WeekGrid>,
    text: RwSignal<String>,
    /// The rule the grid cannot show, when the text has one.
    unsupported: RwSignal<Option<String>>,
    /// Whether the text view is open: it opens by itself when the grid
    /// cannot show the text, and never closes by itself under the typist.
    advanced: RwSignal<bool>,
}

impl Editor {
    /// Changes the grid and writes its text.
    fn change(self, change: impl FnOnce(&mut WeekGrid)) {
        self.grid.update(change);
        self.text.set(self.grid.with_untracked(WeekGrid::to_text));
        self.unsupported.set(None);
    }

    /// Reads typed text into the grid when the grid can show it.
    fn typed(self, value: String) {
        match WeekGrid::from_text(&value) {
            Ok(grid) => {
                self.grid.set(grid);
                self.unsupported.set(None);
            }
            Err(GridError::Unsupported(rule)) => {
                self.unsupported.set(Some(rule));
                self.advanced.set(true);
            }
            // The error shows under the text; the grid keeps its last hours.
            Err(GridError::Invalid(_)) => {
                self.unsupported.set(None);
                self.advanced.set(true);
            }
        }
        self.text.set(value);
    }
}

/// The editor, bound to the form's `opening_hours` text.
///
/// Its one error is the text's, checked live with the server's parser: the
/// server refuses hours for no other reason, so an error from the last save
/// is never shown beside it (or after the text was corrected).
#[component]
pub fn HoursEditor(text: RwSignal<String>) -> impl IntoView {
    let initial = WeekGrid::from_text(&text.get_untracked());
    let editor = Editor {
        grid: RwSignal::new(initial.clone().unwrap_or_default()),
        text,
        unsupported: RwSignal::new(match &initial {
            Err(GridError::Unsupported(rule)) => Some(rule.clone()),
            _ => None,
        }),
        advanced: RwSignal::new(initial.is_err()),
    };
    let grid = editor.grid;
    let invalid = Memo::new(move |_| {
        text.with(|text| {
            (!text.trim().is_empty() && OpeningHoursText::parse(text.as_str()).is_err())
                .then(|| describe_invalid(text))
        })
    });
    let error = Signal::derive(move || invalid.get());
    let shows_grid = move || editor.unsupported.with(Option::is_none);

    let holidays = move || match grid.with(|grid| grid.public_holidays.clone()) {
        HolidayRule::AsUsual => "usual",
        HolidayRule::Closed => "closed",
        HolidayRule::Open(_) => "open",
    };
    let holiday_range = move || match grid.with(|grid| grid.public_holidays.clone()) {
        HolidayRule::Open(ranges) => ranges.first().copied().unwrap_or(NEW_RANGE),
        _ => NEW_RANGE,
    };
    let set_holiday_time = move |end: bool, value: String| {
        let Some(minutes) = read_time(&value, end) else {
            return;
        };
        let mut range = holiday_range();
        if end {
            range.to = minutes;
        } else {
            range.from = minutes;
        }
        if range.from != range.to {
            editor.change(|grid| grid.public_holidays = HolidayRule::Open(vec![range]));
        }
    };

    view! {
        <div class="hours-editor">
            <div class="checkbox">
                <input
                    type="checkbox"
                    id="hours-always"
                    prop:checked=move || grid.with(|grid| grid.always_open)
                    on:change=move |event| {
                        let on = event_target_checked(&event);
                        editor.change(|grid| grid.always_open = on);
                    }
                />
                <label for="hours-always">"Open 24 hours, every day"</label>
            </div>
            {move || {
                editor
                    .unsupported
                    .get()
                    .map(|rule| {
                        view! {
                            <p class="notice" data-testid="hours-unsupported">
                                {format!(
                                    "The grid can't show the rule “{rule}”: these hours are kept as OpenStreetMap text (Advanced, below).",
                                )}
                            </p>
                        }
                    })
            }}
            <Show when=move || shows_grid() && !grid.with(|grid| grid.always_open)>
                <div class="hours-grid" role="group" aria-label="Opening hours by day">
                    {(0..7).map(|day| view! { <DayRow day editor/> }).collect_view()}
                </div>
            </Show>
            <Show when=shows_grid>
                <div class="field hours-holidays">
                    <label for="hours-holidays">"Public holidays"</label>
                    <select
                        id="hours-holidays"
                        on:change=move |event| {
                            let rule = match event_target_value(&event).as_str() {
                                "closed" => HolidayRule::Closed,
                                "open" => HolidayRule::Open(vec![NEW_RANGE]),
                                _ => HolidayRule::AsUsual,
                            };
                            editor.change(|grid| grid.public_holidays = rule);
                        }
                    >
                        <option value="usual" prop:selected=move || holidays() == "usual">"Usual hours for the day"</option>
                        <option value="closed" prop:selected=move || holidays() == "closed">"Closed"</option>
                        <option value="open" prop:selected=move || holidays() == "open">"Open at other times"</option>
                    </select>
                    <Show when=move || holidays() == "open">
                        <span class="hours-range">
                            <input
                                type="time"
                                id="hours-ph-from"
                                aria-label="Public holidays: opens"
                                prop:value=move || time_value(holiday_range().from)
                                on:change=move |event| set_holiday_time(false, event_target_value(&event))
                            />
                            "–"
                            <input
                                type="time"
                                id="hours-ph-to"
                                aria-label="Public holidays: closes"
                                prop:value=move || time_value(holiday_range().to)
                                on:change=move |event| set_holiday_time(true, event_target_value(&event))
                            />
                        </span>
                    </Show>
                </div>
            </Show>
            <details
                id="hours-advanced"
                class="hours-advanced"
                prop:open=move || editor.advanced.get()
            >
                <summary>"Advanced: the hours as OpenStreetMap text"</summary>
                <div class="field">
                    <label for="site-opening-hours">"Opening hours (OpenStreetMap syntax)"</label>
                    <p class="hint" id="site-opening-hours-hint">
                        "e.g. Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off — or 24/7. The grid above writes it for you."
                    </p>
                    <input
                        id="site-opening-hours"
                        name="site-opening-hours"
                        type="text"
                        aria-invalid=move || error.get().is_some().then_some("true")
                        aria-describedby="site-opening-hours-hint site-opening-hours-error"
                        prop:value=move || text.get()
                        on:input=move |event| editor.typed(event_target_value(&event))
                    />
                </div>
            </details>
            {move || match error.get() {
                Some(error) => {
                    view! {
                        <p class="field-error" id="site-opening-hours-error" data-testid="hours-invalid">
                            {error}
                        </p>
                    }
                        .into_any()
                }
                None if text.with(|text| text.trim().is_empty()) => {
                    view! { <p class="hint">"No hours: searches show “hours unknown”."</p> }.into_any()
                }
                None => {
                    view! {
                        <p class="hours-check valid" data-testid="hours-valid">
                            "✓ Valid hours — the site page shows the week they give once saved."
                        </p>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// One weekday's row: its ranges, or "Closed".
#[component]
fn DayRow(day: usize, editor: Editor) -> impl IntoView {
    let grid = editor.grid;
    let code = WEEKDAYS[day];
    let name = WEEKDAY_NAMES[day];
    let count = Memo::new(move |_| grid.with(|grid| grid.days[day].len()));
    let range = move |index: usize| grid.with(|grid| grid.days[day].get(index).copied());
    let set_time = move |index: usize, end: bool, value: String| {
        let (Some(minutes), Some(mut range)) = (read_time(&value, end), range(index)) else {
            return;
        };
        if end {
            range.to = minutes;
        } else {
            range.from = minutes;
        }
        if range.from != range.to {
            editor.change(|grid| grid.days[day][index] = range);
        }
    };
    let add = move |_| {
        editor.change(|grid| {
            let next = grid.days[day].last().map_or(NEW_RANGE, |last| TimeRange {
                from: last.to.min(23 * 60),
                to: (last.to + 60).min(24 * 60),
            });
            if next.from != next.to {
                grid.days[day].push(next);
            }
        });
    };
    let copy_down = move |_| {
        editor.change(|grid| {
            let monday = grid.days[0].clone();
            for weekday in 1..5 {
                grid.days[weekday] = monday.clone();
            }
        });
    };
    view! {
        <div class="hours-day" data-day=code>
            <span class="hours-day-name">{name}</span>
            <div class="hours-ranges">
                {move || {
                    if count.get() == 0 {
                        return view! { <span class="hours-closed">"Closed"</span> }.into_any();
                    }
                    (0..count.get())
                        .map(|index| {
                            view! {
                                <span class="hours-range">
                                    <input
                                        type="time"
                                        id=format!("hours-{code}-{index}-from")
                                        aria-label=format!("{name}: opens")
                                        prop:value=move || range(index).map(|r| time_value(r.from)).unwrap_or_default()
                                        on:change=move |event| set_time(index, false, event_target_value(&event))
                                    />
                                    "–"
                                    <input
                                        type="time"
                                        id=format!("hours-{code}-{index}-to")
                                        aria-label=format!("{name}: closes")
                                        prop:value=move || range(index).map(|r| time_value(r.to)).unwrap_or_default()
                                        on:change=move |event| set_time(index, true, event_target_value(&event))
                                    />
                                    <button
                                        type="button"
                                        class="button secondary small"
                                        id=format!("hours-{code}-{index}-remove")
                                        aria-label=format!("{name}: remove these hours")
                                        on:click=move |_| editor.change(|grid| {
                                            if index < grid.days[day].len() {
                                                grid.days[day].remove(index);
                                            }
                                        })
                                    >
                                        "Remove"
                                    </button>
                                </span>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </div>
            <div class="hours-day-actions">
                <button type="button" class="button secondary small" id=format!("hours-{code}-add") on:click=add>
                    {move || if count.get() == 0 { "Open" } else { "Add hours" }}
                </button>
                {(day == 0)
                    .then(|| {
                        view! {
                            <button type="button" class="button secondary small" id="hours-copy-monday" on:click=copy_down>
                                "Same Tue–Fri"
                            </button>
                        }
                    })}
            </div>
        </div>
    }
}

//! The "Alerts" section of `/profile` (`/profile#alerts`): where alert
//! e-mails go and whether the address is confirmed, how each kind of alert
//! reaches the person (urgent ones always at once), quiet hours, timezone
//! and the hour of the daily digest; and the person's shifts on call in the
//! next fortnight.
//!
//! Saved with the version read (`If-Match`); when the settings changed
//! elsewhere meanwhile the person is told and offered a reload, and the
//! server's field errors show next to their fields.

use std::collections::BTreeMap;
use warren_wire::ErrorCode;

use leptos::prelude::*;
use warren_client::Versioned;
use warren_domain::alerts::{AlertKind, AlertPreferences, DeliveryMode};
use warren_domain::directory::hours::{OpeningHoursText, Timezone};
use warren_wire::{AlertPreferencesView, MyShifts};
use wasm_bindgen::JsValue;

use crate::components::{
    ErrorAlert, FieldErrors, Loaded, SuccessNotice, TextField, error_of, reveal_problem,
};
use crate::local_time;
use crate::session::use_session;

/// The section, reading the settings and the shifts.
#[component]
pub fn AlertSettings() -> impl IntoView {
    let session = use_session();
    let preferences =
        LocalResource::new(move || async move { session.api().my_alert_preferences().await });
    let shifts = LocalResource::new(move || async move { session.api().my_shifts().await });
    let reload = Callback::new(move |()| preferences.refetch());
    view! {
        <section class="card alert-settings" id="alerts" tabindex="-1" aria-labelledby="alerts-heading">
            <h2 id="alerts-heading">"Alerts"</h2>
            <Loaded resource=preferences label="Loading your alert settings…" let:current>
                <PreferencesForm current reload/>
            </Loaded>
            <h3 id="shifts-heading">"Your shifts on call"</h3>
            <Loaded resource=shifts label="Loading your shifts…" let:shifts>
                <ShiftList shifts/>
            </Loaded>
        </section>
    }
}

/// The IANA timezone this device is set to, e.g. `Europe/London`.
fn device_timezone() -> Option<String> {
    let formatter =
        js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(
        &formatter.resolved_options(),
        &JsValue::from_str("timeZone"),
    )
    .ok()
    .and_then(|zone| zone.as_string())
}

/// "08:00".
fn hour_text(hour: u8) -> String {
    format!("{hour:02}:00")
}

/// The address, the modes, quiet hours, timezone and digest hour.
#[component]
fn PreferencesForm(
    current: Versioned<AlertPreferencesView>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let etag = StoredValue::new(current.etag.clone());
    let AlertPreferencesView {
        preferences,
        kinds,
        email,
        email_confirmed,
    } = current.value;
    let modes: BTreeMap<AlertKind, RwSignal<DeliveryMode>> = kinds
        .iter()
        .filter(|choice| !choice.urgent)
        .map(|choice| (choice.kind, RwSignal::new(choice.mode)))
        .collect();
    let chosen = StoredValue::new(modes.clone());
    let quiet_hours = RwSignal::new(
        preferences
            .quiet_hours
            .as_ref()
            .map(|hours| hours.as_str().to_owned())
            .unwrap_or_default(),
    );
    let timezone = RwSignal::new(preferences.timezone.name().to_owned());
    let digest_hour = RwSignal::new(preferences.digest_hour);
    let device = device_timezone();
    let errors = FieldErrors::new();
    let stale = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let modes_error = errors.of("modes");
    let digest_error = errors.of("digest_hour");

    let save = Action::new_local(move |preferences: &AlertPreferences| {
        let preferences = preferences.clone();
        async move {
            let answer = session
                .api()
                .save_my_alert_preferences(&preferences, &etag.get_value())
                .await;
            match &answer {
                Ok(saved) => {
                    etag.set_value(saved.etag.clone());
                    chosen.with_value(|chosen| {
                        for choice in &saved.value.kinds {
                            if let Some(mode) = chosen.get(&choice.kind) {
                                mode.set(choice.mode);
                            }
                        }
                    });
                    notice.set(Some("Your alert settings are saved.".to_owned()));
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
        error_of(save.value().get()).filter(|error| !matches!(error.status(), Some(412 | 422)))
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        notice.set(None);
        stale.set(false);
        let quiet = quiet_hours.get_untracked();
        let quiet = if quiet.trim().is_empty() {
            Some(None)
        } else {
            errors
                .check("quiet_hours", OpeningHoursText::parse(quiet))
                .map(Some)
        };
        let zone = errors.check("timezone", Timezone::parse(&timezone.get_untracked()));
        let (Some(quiet_hours), Some(timezone)) = (quiet, zone) else {
            reveal_problem();
            return;
        };
        // Kinds left at their default are not listed: they follow it.
        let modes = chosen.with_value(|chosen| {
            chosen
                .iter()
                .map(|(kind, mode)| (*kind, mode.get_untracked()))
                .filter(|(kind, mode)| *mode != kind.default_mode())
                .collect()
        });
        save.dispatch(AlertPreferences {
            modes,
            quiet_hours,
            timezone,
            digest_hour: digest_hour.get_untracked(),
        });
    };
    let (urgent, other): (Vec<_>, Vec<_>) = kinds.into_iter().partition(|choice| choice.urgent);
    let mode_rows = other
        .into_iter()
        .filter_map(|choice| {
            let mode = modes.get(&choice.kind).copied()?;
            let id = format!("mode-{}", choice.kind.as_str());
            Some(view! {
                <div class="mode-row">
                    <label for=id.clone()>{choice.label}</label>
                    <select
                        id=id
                        data-kind=choice.kind.as_str()
                        on:change=move |event| {
                            if let Some(chosen) = DeliveryMode::parse(&event_target_value(&event)) {
                                mode.set(chosen);
                            }
                        }
                    >
                        {DeliveryMode::ALL
                            .iter()
                            .map(|option| {
                                let option = *option;
                                view! {
                                    <option value=option.as_str() prop:selected=move || mode.get() == option>
                                        {option.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
            })
        })
        .collect_view();
    let urgent_rows = urgent
        .into_iter()
        .map(|choice| {
            view! {
                <li class="mode-row fixed" data-kind=choice.kind.as_str()>
                    <span>{choice.label}</span>
                    <span class="fixed-mode">"Always, immediately"</span>
                </li>
            }
        })
        .collect_view();

    view! {
        <EmailLine email email_confirmed/>
        <Show when=move || stale.get()>
            <div class="alert alert-error" role="alert" data-code="precondition_failed" data-testid="stale">
                <p>"Your alert settings were changed elsewhere (another tab or device) since this page read them. Reload them, then choose again."</p>
                <button type="button" class="button secondary small" on:click=move |_| reload.run(())>
                    "Reload"
                </button>
            </div>
        </Show>
        <ErrorAlert error=failure/>
        <SuccessNotice message=notice/>
        <form class="alert-preferences" novalidate on:submit=submit aria-busy=move || pending.get().to_string()>
            <fieldset>
                <legend>"Urgent alerts"</legend>
                <p class="hint">"They arrive at once in Warren and by e-mail, quiet hours or not, and go to the next person on call if nobody acknowledges them."</p>
                <ul class="mode-list fixed-list">{urgent_rows}</ul>
            </fieldset>
            <fieldset>
                <legend>"Other alerts"</legend>
                <p class="hint">"Every alert is in your inbox; choose which also come by e-mail, at once or in one daily digest."</p>
                <div class="mode-list">{mode_rows}</div>
                {move || modes_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
            </fieldset>
            <fieldset>
                <legend>"When"</legend>
                <TextField
                    id="quiet-hours"
                    label="Quiet hours"
                    value=quiet_hours
                    hint="No e-mail but urgent ones then, in OpenStreetMap hours, e.g. Mo-Su 22:00-07:00 or Sa,Su 00:00-24:00. Empty for none."
                    error=errors.of("quiet_hours")
                />
                <TextField
                    id="alert-timezone"
                    label="Your timezone"
                    value=timezone
                    hint="Quiet hours and the digest hour are read in it, e.g. Europe/London."
                    required=true
                    error=errors.of("timezone")
                />
                {device
                    .map(|device| {
                        let shown = device.clone();
                        view! {
                            <Show when={
                                let device = device.clone();
                                move || timezone.with(|zone| *zone != device)
                            }>
                                <p class="field-aside">
                                    <button
                                        type="button"
                                        class="button secondary small"
                                        on:click={
                                            let device = shown.clone();
                                            move |_| timezone.set(device.clone())
                                        }
                                    >
                                        {format!("Use this device's timezone ({shown})")}
                                    </button>
                                </p>
                            </Show>
                        }
                    })}
                <div class="field">
                    <label for="digest-hour">"Daily digest at"</label>
                    <select
                        id="digest-hour"
                        class="narrow-field"
                        aria-invalid=move || digest_error.get().is_some().then_some("true")
                        on:change=move |event| {
                            if let Ok(hour) = event_target_value(&event).parse::<u8>() {
                                digest_hour.set(hour);
                            }
                        }
                    >
                        {(0..24_u8)
                            .map(|hour| {
                                view! {
                                    <option value=hour.to_string() prop:selected=move || digest_hour.get() == hour>
                                        {hour_text(hour)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    {move || digest_error.get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="button primary" data-testid="save-alert-settings" disabled=move || pending.get()>
                    "Save alert settings"
                </button>
            </div>
        </form>
    }
}

/// Where alert e-mails go, whether the address is confirmed, and the
/// button that sends a new confirmation link.
#[component]
fn EmailLine(email: String, email_confirmed: bool) -> impl IntoView {
    let session = use_session();
    let confirmed = RwSignal::new(email_confirmed);
    let send = Action::new_local(move |(): &()| async move {
        let answer = session.api().request_email_confirmation().await;
        if let Err(error) = &answer
            && error.is(ErrorCode::AlreadyConfirmed)
        {
            confirmed.set(true);
        }
        answer
    });
    let sent = Signal::derive(move || {
        send.value()
            .get()
            .and_then(Result::ok)
            .map(|sent| sent.message)
    });
    let error = Signal::derive(move || {
        error_of(send.value().get()).filter(|error| !error.is(ErrorCode::AlreadyConfirmed))
    });
    view! {
        <div class="email-line" data-testid="alert-email" data-confirmed=move || confirmed.get().to_string()>
            <p>
                "Alert e-mails go to " <strong>{email}</strong> " "
                {move || {
                    if confirmed.get() {
                        view! { <span class="badge badge-vetted">"Confirmed"</span> }.into_any()
                    } else {
                        view! { <span class="badge badge-applied">"Not confirmed"</span> }.into_any()
                    }
                }}
            </p>
            <Show when=move || !confirmed.get()>
                <p class="hint">"Until you confirm the address with the link Warren sent to it, alerts wait in your inbox only."</p>
                <ErrorAlert error/>
                <SuccessNotice message=sent/>
                <button
                    type="button"
                    class="button secondary small"
                    data-testid="send-confirmation"
                    disabled=move || send.pending().get()
                    on:click=move |_| {
                        send.dispatch(());
                    }
                >
                    "Send a new confirmation link"
                </button>
            </Show>
        </div>
    }
}

/// The person's time on call in the next fortnight.
#[component]
fn ShiftList(shifts: MyShifts) -> impl IntoView {
    let now = local_time::now();
    view! {
        <div class="my-shifts" data-testid="my-shifts" data-on-call=shifts.on_call_now.to_string()>
            {shifts
                .on_call_now
                .then(|| view! { <p><span class="badge badge-vetted">"On call now"</span></p> })}
            {if shifts.items.is_empty() {
                view! {
                    <p class="empty">"No shifts in the next fortnight. A site's admins put people on its on-call rota."</p>
                }
                    .into_any()
            } else {
                view! {
                    <ul class="plain-list shift-list">
                        {shifts
                            .items
                            .into_iter()
                            .map(|shift| {
                                view! {
                                    <li>
                                        <a href=format!("/sites/{}/on-call", shift.site_id)>{shift.site_name}</a>
                                        ": "
                                        <time datetime=shift.starts_at.to_rfc3339()>{local_time::date_time(shift.starts_at)}</time>
                                        " – "
                                        <time datetime=shift.ends_at.to_rfc3339()>{local_time::soon(shift.ends_at, shift.starts_at)}</time>
                                        {(shift.starts_at <= now && now < shift.ends_at).then_some(" (now)")}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            <p class="hint">"Times are this device's."</p>
        </div>
    }
}

//! Times shown in the browser's own time zone and locale, and the browser's
//! clock.
//!
//! `chrono`'s clock does not reach the browser's (it would need its
//! `wasmbind` feature), so [`now`] asks JavaScript's `Date` instead; never
//! call `Utc::now()` in the app.

use chrono::{DateTime, Utc};

/// A readable local date and time, e.g. `12 Mar 2026, 14:05`.
pub fn date_time(at: DateTime<Utc>) -> String {
    format(at, &[("dateStyle", "medium"), ("timeStyle", "short")])
}

/// `text` (a server's reason) with its UTC times, written
/// `2025-05-03 09:00 UTC`, shown as local [`date_time`]s.
pub fn in_text(text: &str) -> String {
    const SHAPE: &str = "%Y-%m-%d %H:%M";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(end) = rest.find(" UTC") {
        let start = end.saturating_sub(16);
        let at = rest
            .get(start..end)
            .and_then(|time| chrono::NaiveDateTime::parse_from_str(time, SHAPE).ok());
        match at {
            Some(at) => {
                out.push_str(&rest[..start]);
                out.push_str(&date_time(at.and_utc()));
            }
            None => out.push_str(&rest[..end + 4]),
        }
        rest = &rest[end + 4..];
    }
    out.push_str(rest);
    out
}

/// A readable local date, e.g. `12 Mar 2026`.
pub fn date(at: DateTime<Utc>) -> String {
    format(at, &[("dateStyle", "medium")])
}

/// A calendar day (no time, no zone) in the browser's date style, e.g.
/// `12 Mar 2026`: read at noon UTC and written in UTC, so the day never
/// shifts.
pub fn day(on: chrono::NaiveDate) -> String {
    let noon = on.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc();
    format(noon, &[("dateStyle", "medium"), ("timeZone", "UTC")])
}

/// A local time of day, e.g. `23:00`.
pub fn time(at: DateTime<Utc>) -> String {
    format(at, &[("timeStyle", "short")])
}

/// A local weekday and time, e.g. `Fri 23:00`.
pub fn weekday_time(at: DateTime<Utc>) -> String {
    format(
        at,
        &[
            ("weekday", "short"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
        ],
    )
}

/// A local time of day when `at` is within the next 20 hours of `from`,
/// else the weekday and time: how a receptionist reads "until 22:00" and
/// "opens Mon 08:00".
pub fn soon(at: DateTime<Utc>, from: DateTime<Utc>) -> String {
    if at - from < chrono::Duration::hours(20) {
        time(at)
    } else {
        weekday_time(at)
    }
}

/// A weekday, date and time in the IANA timezone `zone` (a site's time,
/// whatever the browser's), e.g. `Mon 9 Dec, 17:00`; in the browser's own
/// zone when the browser does not know `zone`. The browser's timezone
/// database does the work, so the app carries none.
#[cfg(target_arch = "wasm32")]
pub fn date_time_in(at: DateTime<Utc>, zone: &str) -> String {
    use wasm_bindgen::JsValue;

    let options = [
        ("weekday", "short"),
        ("day", "numeric"),
        ("month", "short"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("hourCycle", "h23"),
        ("timeZone", zone),
    ];
    let object = js_sys::Object::new();
    for (key, value) in options {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    let constructor =
        js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
            .constructor();
    // An unknown zone is a RangeError: caught here rather than thrown.
    let arguments = js_sys::Array::of2(&js_sys::Array::new(), &object);
    let Ok(formatter) = js_sys::Reflect::construct(&constructor, &arguments) else {
        return weekday_time(at);
    };
    let formatter: js_sys::Intl::DateTimeFormat = formatter.into();
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    formatter
        .format()
        .call1(&formatter, &date)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_else(|| weekday_time(at))
}

/// Off the browser there is no timezone database: UTC, named.
#[cfg(not(target_arch = "wasm32"))]
pub fn date_time_in(at: DateTime<Utc>, _zone: &str) -> String {
    at.format("%a %-d %b, %H:%M UTC").to_string()
}

/// The browser's clock.
#[cfg(target_arch = "wasm32")]
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// Off the browser (native checks of the crate) the system clock.
#[cfg(not(target_arch = "wasm32"))]
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// The value of a `datetime-local` input showing `at` in local time, e.g.
/// `2026-11-21T23:00`.
#[cfg(target_arch = "wasm32")]
pub fn to_input(at: DateTime<Utc>) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// Off the browser: UTC.
#[cfg(not(target_arch = "wasm32"))]
pub fn to_input(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M").to_string()
}

/// The instant a `datetime-local` input's value (local time, no offset)
/// stands for; `None` when it is empty or not a time.
#[cfg(target_arch = "wasm32")]
pub fn from_input(value: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    // ECMAScript reads a date-time without an offset as local time.
    let millis = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value)).get_time();
    if millis.is_nan() {
        return None;
    }
    DateTime::from_timestamp_millis(millis as i64)
}

/// Off the browser: read as UTC.
#[cfg(not(target_arch = "wasm32"))]
pub fn from_input(value: &str) -> Option<DateTime<Utc>> {
    chrono::NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M")
        .ok()
        .map(|naive| naive.and_utc())
}

/// Formats with `Intl.DateTimeFormat` in the browser's default locale and
/// the given options.
#[cfg(target_arch = "wasm32")]
fn format(at: DateTime<Utc>, options: &[(&str, &str)]) -> String {
    use wasm_bindgen::JsValue;

    let object = js_sys::Object::new();
    for (key, value) in options {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    let formatter = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &object);
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    formatter
        .format()
        .call1(&formatter, &date)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_else(|| at.to_rfc3339())
}

/// Off the browser (native checks of the crate) there is no locale: UTC.
#[cfg(not(target_arch = "wasm32"))]
fn format(at: DateTime<Utc>, options: &[(&str, &str)]) -> String {
    let has = |key: &str| options.iter().any(|(name, _)| *name == key);
    let pattern = match (has("dateStyle"), has("timeStyle"), has("weekday")) {
        (true, true, _) => "%-d %b %Y, %H:%M UTC",
        (true, false, _) => "%-d %b %Y",
        (false, _, true) => "%a %H:%M UTC",
        (false, _, false) => "%H:%M UTC",
    };
    at.format(pattern).to_string()
}

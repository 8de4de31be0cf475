//! Times shown in the browser's own time zone and locale.

use chrono::{DateTime, Utc};

/// A readable local date and time, e.g. `12 Mar 2026, 14:05`.
pub fn date_time(at: DateTime<Utc>) -> String {
    format(at, "short")
}

/// A readable local date, e.g. `12 Mar 2026`.
pub fn date(at: DateTime<Utc>) -> String {
    format(at, "")
}

/// Formats with `Intl.DateTimeFormat` in the browser's default locale;
/// `time_style` empty means the date alone.
#[cfg(target_arch = "wasm32")]
fn format(at: DateTime<Utc>, time_style: &str) -> String {
    use wasm_bindgen::JsValue;

    let options = js_sys::Object::new();
    let set = |key: &str, value: &str| {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value));
    };
    set("dateStyle", "medium");
    if !time_style.is_empty() {
        set("timeStyle", time_style);
    }
    let formatter = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &options);
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
fn format(at: DateTime<Utc>, time_style: &str) -> String {
    if time_style.is_empty() {
        at.format("%-d %b %Y").to_string()
    } else {
        at.format("%-d %b %Y, %H:%M UTC").to_string()
    }
}

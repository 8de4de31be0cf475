//! The alarm an urgent alert raises while Warren is open: a browser
//! notification, once the person allowed them, and a short beep.
//!
//! Only urgent alerts ring it. A notification carries the alert's id as its
//! `tag`, so several open tabs show one notification, not a stack; the beep
//! sounds in the first tab that claims the alert (see [`claim`]).
//!
//! The beep is two tones of a Web Audio oscillator: no sound file, nothing
//! fetched. Browsers let a page make sound only after the person interacted
//! with it; a tab opened and never touched stays silent, and the
//! notification and the red banner are what reach the person then.
//!
//! The bindings are declared here rather than taken from `web-sys`, whose
//! `Notification` and Web Audio types are behind features this crate does
//! not enable; each call is guarded, so a browser without them (or one that
//! refuses `new Notification` outside a service worker, as Chrome on Android
//! does) simply gets no notification.

use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::*;

/// `localStorage` key holding the id of the last urgent alert a tab rang for.
const CLAIM_KEY: &str = "warren.alarm";

/// Whether the person allowed notifications, as the browser says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// This browser has no notifications (or not on this page).
    Unsupported,
    /// Not asked yet.
    Default,
    /// Allowed.
    Granted,
    /// Refused; only the browser's settings can change it.
    Denied,
}

#[wasm_bindgen]
extern "C" {
    /// The browser's `Notification`.
    #[derive(Clone)]
    type Notification;

    #[wasm_bindgen(constructor, catch)]
    fn new(title: &str, options: &JsValue) -> Result<Notification, JsValue>;

    #[wasm_bindgen(static_method_of = Notification, getter)]
    fn permission() -> String;

    #[wasm_bindgen(static_method_of = Notification, js_name = requestPermission, catch)]
    fn request_permission() -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(method, setter)]
    fn set_onclick(this: &Notification, handler: &js_sys::Function);

    #[wasm_bindgen(method)]
    fn close(this: &Notification);

    /// The browser's `AudioContext`.
    #[derive(Clone)]
    type AudioContext;

    #[wasm_bindgen(constructor, catch)]
    fn new() -> Result<AudioContext, JsValue>;

    #[wasm_bindgen(method, getter, js_name = currentTime)]
    fn current_time(this: &AudioContext) -> f64;

    #[wasm_bindgen(method, getter)]
    fn destination(this: &AudioContext) -> JsValue;

    #[wasm_bindgen(method, catch)]
    fn resume(this: &AudioContext) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(method, js_name = createOscillator, catch)]
    fn create_oscillator(this: &AudioContext) -> Result<AudioNode, JsValue>;

    #[wasm_bindgen(method, js_name = createGain, catch)]
    fn create_gain(this: &AudioContext) -> Result<AudioNode, JsValue>;

    /// An oscillator or gain node: the little of `AudioNode` the beep uses.
    type AudioNode;

    #[wasm_bindgen(method, getter)]
    fn frequency(this: &AudioNode) -> AudioParam;

    #[wasm_bindgen(method, getter)]
    fn gain(this: &AudioNode) -> AudioParam;

    #[wasm_bindgen(method, catch)]
    fn connect(this: &AudioNode, destination: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn start(this: &AudioNode, when: f64) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch)]
    fn stop(this: &AudioNode, when: f64) -> Result<(), JsValue>;

    /// A value of an audio node that can change over time.
    type AudioParam;

    #[wasm_bindgen(method, js_name = setValueAtTime)]
    fn set_value_at_time(this: &AudioParam, value: f32, time: f64);

    #[wasm_bindgen(method, js_name = linearRampToValueAtTime)]
    fn linear_ramp_to_value_at_time(this: &AudioParam, value: f32, time: f64);
}

thread_local! {
    /// The tab's one audio context, made on the first beep.
    static AUDIO: std::cell::OnceCell<Option<AudioContext>> = const { std::cell::OnceCell::new() };
}

fn has_global(name: &str) -> bool {
    js_sys::Reflect::has(&js_sys::global(), &JsValue::from_str(name)).unwrap_or(false)
}

/// Whether notifications are allowed (not reactive: ask again after
/// [`request_permission`] answers).
pub fn permission() -> Permission {
    if !has_global("Notification") {
        return Permission::Unsupported;
    }
    match Notification::permission().as_str() {
        "granted" => Permission::Granted,
        "denied" => Permission::Denied,
        _ => Permission::Default,
    }
}

/// Asks the person to allow notifications; `answered` runs with the answer.
/// Must run from a click: browsers ignore the question otherwise.
pub fn request_permission(answered: impl FnOnce(Permission) + 'static) {
    if permission() == Permission::Unsupported {
        answered(Permission::Unsupported);
        return;
    }
    // The click also lets this tab make sound from now on.
    unlock_sound();
    match Notification::request_permission() {
        Ok(promise) => {
            let callback = Closure::once_into_js(move |_: JsValue| answered(permission()));
            // The same callback on refusal: the permission says which.
            if let Ok(then) = js_sys::Reflect::get(&promise, &JsValue::from_str("then")) {
                let then: js_sys::Function = then.unchecked_into();
                let _ = then.call2(&promise, &callback, &callback);
            }
        }
        Err(_) => answered(permission()),
    }
}

/// Whether this tab is the first to ring for alert `id`, and claims it.
pub fn claim(id: &str) -> bool {
    let Some(storage) = web_sys::window().and_then(|window| window.local_storage().ok().flatten())
    else {
        return true;
    };
    if storage.get_item(CLAIM_KEY).ok().flatten().as_deref() == Some(id) {
        return false;
    }
    // Storage can refuse (private mode); then every tab rings.
    let _ = storage.set_item(CLAIM_KEY, id);
    true
}

/// Shows a notification for the alert `tag` when the person allowed them;
/// `on_click` runs (after bringing the tab forward) when they click it.
pub fn notify(tag: &str, title: &str, body: &str, on_click: impl FnOnce() + 'static) {
    if permission() != Permission::Granted {
        return;
    }
    let options = js_sys::Object::new();
    for (key, value) in [
        ("tag", JsValue::from_str(tag)),
        ("body", JsValue::from_str(body)),
        ("requireInteraction", JsValue::TRUE),
        ("renotify", JsValue::FALSE),
    ] {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(key), &value);
    }
    let Ok(notification) = Notification::new(title, &options) else {
        return;
    };
    let shown = notification.clone();
    let click = Closure::once_into_js(move |_: JsValue| {
        if let Some(window) = web_sys::window() {
            let _ = window.focus();
        }
        shown.close();
        on_click();
    });
    notification.set_onclick(click.unchecked_ref());
}

/// Makes the tab's audio context (inside a click, so that it may play).
pub fn unlock_sound() {
    if let Some(context) = audio() {
        let _ = context.resume();
    }
}

/// Two short tones, about half a second in all.
pub fn beep() {
    let Some(context) = audio() else {
        return;
    };
    let _ = context.resume();
    let start = context.current_time() + 0.05;
    for (offset, frequency) in [(0.0, 880.0), (0.25, 1175.0)] {
        let _ = tone(&context, start + offset, frequency);
    }
}

/// One tone of 0.18 s at `frequency`, faded in and out so it does not click.
fn tone(context: &AudioContext, at: f64, frequency: f32) -> Result<(), JsValue> {
    let oscillator = context.create_oscillator()?;
    let gain = context.create_gain()?;
    oscillator.frequency().set_value_at_time(frequency, at);
    let level = gain.gain();
    level.set_value_at_time(0.0, at);
    level.linear_ramp_to_value_at_time(0.25, at + 0.02);
    level.linear_ramp_to_value_at_time(0.0, at + 0.18);
    oscillator.connect(&gain)?;
    gain.connect(&context.destination())?;
    oscillator.start(at)?;
    oscillator.stop(at + 0.2)
}

fn audio() -> Option<AudioContext> {
    if !has_global("AudioContext") {
        return None;
    }
    AUDIO.with(|audio| {
        audio
            .get_or_init(|| AudioContext::new().ok())
            .as_ref()
            .cloned()
    })
}

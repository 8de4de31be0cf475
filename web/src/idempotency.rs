//! Idempotency keys for creating requests.
//!
//! One key per form submission: a retry of the very same submission (after a
//! network error, say) reuses the key so the server answers it once; changing
//! the form makes a new submission with a new key, so a corrected form is not
//! answered with the replay of an earlier refusal.

use leptos::prelude::*;
use serde::Serialize;

/// The key of a form's current submission.
#[derive(Clone, Copy)]
pub struct IdempotencyKey {
    last: StoredValue<Option<(String, String)>>,
}

impl Default for IdempotencyKey {
    fn default() -> Self {
        Self::new()
    }
}

impl IdempotencyKey {
    /// A form with no submission yet.
    pub fn new() -> Self {
        Self {
            last: StoredValue::new(None),
        }
    }

    /// The key for submitting `body`: the previous key if `body` is the same
    /// as last time, a new uuid v4 otherwise.
    pub fn for_body(&self, body: &impl Serialize) -> String {
        let fingerprint = serde_json::to_string(body).unwrap_or_default();
        let mut key = String::new();
        self.last.update_value(|last| match last {
            Some((previous, existing)) if *previous == fingerprint => key = existing.clone(),
            _ => {
                key = uuid::Uuid::new_v4().to_string();
                *last = Some((fingerprint, key.clone()));
            }
        });
        key
    }

    /// Forgets the submission after it succeeded: the next one gets a new key.
    pub fn finish(&self) {
        self.last.set_value(None);
    }
}

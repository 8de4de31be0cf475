//! Pages that show one versioned record and change it (a loan, a referral):
//! the record as last read, and what became of the last change.
//!
//! Every change is sent with the version shown (`If-Match`). When someone
//! else changed the record first, the server refuses with 412: the page
//! says so ([`StaleNotice`]) and shows the record as it is now, instead of
//! overwriting what it has not seen. Any other refusal goes to the form
//! that sent it, field by field, and to the page's error box.

use std::future::Future;

use leptos::prelude::*;
use warren_client::{Client, ClientError, Versioned};
use warren_wire::ErrorCode;

use crate::components::FieldErrors;
use crate::session::Session;

/// A record as last read or changed, and the outcome of the last change;
/// cheap to copy.
pub struct Changes<T: Send + Sync + 'static> {
    /// The record with its version.
    pub current: RwSignal<Versioned<T>>,
    /// What the last change did, said once it is made.
    pub notice: RwSignal<Option<String>>,
    /// Why the last change was refused, unless it was stale.
    pub problem: RwSignal<Option<ClientError>>,
    /// The last change was refused because someone else changed the record
    /// first.
    pub stale: RwSignal<bool>,
}

impl<T: Send + Sync + 'static> Clone for Changes<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Changes<T> {}

impl<T: Clone + Send + Sync + 'static> Changes<T> {
    /// The record as first read, with nothing changed yet.
    pub fn new(initial: Versioned<T>) -> Self {
        Changes {
            current: RwSignal::new(initial),
            notice: RwSignal::new(None),
            problem: RwSignal::new(None),
            stale: RwSignal::new(false),
        }
    }

    /// Forgets the last change's outcome, and the errors of the form about
    /// to send the next one.
    pub fn start(self, errors: Option<FieldErrors>) {
        self.notice.set(None);
        self.problem.set(None);
        self.stale.set(false);
        if let Some(errors) = errors {
            errors.clear();
        }
    }

    /// Sends one change against the version shown (`request` gets the
    /// client and that version's `ETag`). Takes the new version when it is
    /// made; otherwise notes why not (stale, or the problem, with the
    /// form's field errors) and returns false.
    pub async fn send<F, Fut>(
        self,
        session: Session,
        errors: Option<FieldErrors>,
        request: F,
    ) -> bool
    where
        F: Fn(Client, String) -> Fut,
        Fut: Future<Output = Result<Versioned<T>, ClientError>>,
    {
        let etag = self.current.with_untracked(|current| current.etag.clone());
        match request(session.api(), etag).await {
            Ok(changed) => {
                self.current.set(changed);
                true
            }
            Err(error) => {
                if error.is(ErrorCode::PreconditionFailed) {
                    self.stale.set(true);
                } else {
                    if let Some(errors) = errors {
                        errors.absorb(&error);
                    }
                    self.problem.set(Some(error));
                }
                false
            }
        }
    }

    /// Says what the change did.
    pub fn done(self, notice: impl Into<String>) {
        self.notice.set(Some(notice.into()));
    }
}

/// Says that the last change was refused because someone else changed the
/// record first, and that the page now shows it as it is.
#[component]
pub fn StaleNotice(
    /// Whether the last change was stale.
    #[prop(into)]
    stale: Signal<bool>,
    /// The sentence, naming the record and who else may change it.
    message: &'static str,
) -> impl IntoView {
    view! {
        <Show when=move || stale.get()>
            <div class="alert alert-error" role="alert" data-code="precondition_failed" data-testid="stale">
                <p>{message}</p>
            </div>
        </Show>
    }
}

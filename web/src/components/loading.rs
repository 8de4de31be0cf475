//! Showing what a page loads: the progress indicator, and [`Loaded`], the
//! one way a page shows a call's answer.

use leptos::prelude::*;
use warren_client::ClientError;

use crate::components::ErrorAlert;

/// A spinner with a label, marked `aria-busy` for assistive technology.
#[component]
pub fn Loading(
    /// What is loading.
    #[prop(default = "Loading…")]
    label: &'static str,
) -> impl IntoView {
    view! {
        <div class="loading" role="status" aria-busy="true" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>{label}</span>
        </div>
    }
}

/// Shows what `resource` loaded: [`Loading`] with `label` until the first
/// answer (the previous view stays while it loads again), the problem in an
/// [`ErrorAlert`] if the call failed, and `children` of the answer
/// otherwise.
///
/// ```ignore
/// <Loaded resource=profile label="Loading your profile…" let:found>
///     <ProfileForm found/>
/// </Loaded>
/// ```
#[component]
pub fn Loaded<T, V, F>(
    /// The call whose answer is shown.
    resource: LocalResource<Result<T, ClientError>>,
    /// What is loading, said while it does.
    #[prop(default = "Loading…")]
    label: &'static str,
    /// Told `true` while the call runs again behind the previous view, and
    /// `false` when it is done.
    #[prop(optional, into)]
    set_pending: Option<SignalSetter<bool>>,
    /// The view of the answer.
    children: F,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    let fallback = move || view! { <Loading label/> };
    let answer = move || {
        let children = children.clone();
        Suspend::new(async move {
            match resource.await {
                Ok(answer) => children(answer).into_any(),
                Err(error) => view! { <ErrorAlert error=Signal::stored(Some(error))/> }.into_any(),
            }
        })
    };
    match set_pending {
        Some(set_pending) => {
            view! { <Transition fallback set_pending>{answer}</Transition> }.into_any()
        }
        None => view! { <Transition fallback>{answer}</Transition> }.into_any(),
    }
}

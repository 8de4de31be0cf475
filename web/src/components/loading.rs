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
    /// The view of the answer.
    children: F,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    view! {
        <Transition fallback=move || view! { <Loading label/> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(answer) => children(answer).into_any(),
                        Err(error) => {
                            view! { <ErrorAlert error=Signal::stored(Some(error))/> }.into_any()
                        }
                    }
                })
            }}
        </Transition>
    }
}

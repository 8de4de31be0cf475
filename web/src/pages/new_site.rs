//! `/organizations/:id/sites/new`: an organization adds a site to the
//! directory.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;
use warren_wire::SiteInput;

use crate::components::{
    ErrorAlert, FieldErrors, OrgHeader, OrgTab, RequireSignIn, SiteForm, error_of, reveal_problem,
};
use crate::idempotency::IdempotencyKey;
use crate::pages::{NotFoundPage, organization_id};
use crate::session::use_session;

/// The "Add a site" page.
#[component]
pub fn NewSitePage() -> impl IntoView {
    let id = organization_id();
    view! {
        <RequireSignIn>
            {move || match id.get() {
                Some(id) => view! { <NewSite organization=id/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </RequireSignIn>
    }
}

#[component]
fn NewSite(organization: Uuid) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let errors = FieldErrors::new();
    let submission = IdempotencyKey::new();
    let create = Action::new_local(move |input: &SiteInput| {
        let input = input.clone();
        let key = submission.for_body(&input);
        let navigate = navigate.clone();
        async move {
            let answer = session
                .api()
                .create_site(organization, &input, Some(&key))
                .await;
            match &answer {
                Ok(created) => {
                    submission.finish();
                    navigate(
                        &format!("/sites/{}?saved=1", created.value.listing.id),
                        NavigateOptions::default(),
                    );
                }
                Err(error) => {
                    errors.absorb(error);
                    reveal_problem();
                }
            }
            answer.map(|_| ())
        }
    });
    let pending = create.pending();
    let error = Signal::derive(move || error_of(create.value().get()));
    view! {
        <OrgHeader organization current=OrgTab::Details title="Add a site"/>
        <ErrorAlert error/>
        <section class="card">
            <SiteForm
                site=None
                organization
                errors
                pending
                submit_label="Add the site"
                cancel_href=format!("/organizations/{organization}")
                on_submit=Callback::new(move |input| {
                    create.dispatch(input);
                })
            />
        </section>
    }
}

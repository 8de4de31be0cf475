//! `/sites/:id/edit`: the site's staff correct its listing.
//!
//! The edit is sent with the version it started from (`If-Match`); when
//! someone else saved meanwhile the server refuses it (412) and the form
//! keeps what the person typed, offering to reload the listing.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;
use warren_client::Versioned;
use warren_wire::ErrorCode;
use warren_wire::{Site, SiteInput};

use crate::components::{
    ErrorAlert, FieldErrors, Loaded, RequireSignIn, SiteForm, error_of, reveal_problem,
};
use crate::pages::{NotFoundPage, route_id};
use crate::session::use_session;

/// The edit page of a site.
#[component]
pub fn EditSitePage() -> impl IntoView {
    let id = route_id();
    view! {
        <RequireSignIn>
            {move || match id.get() {
                Some(id) => view! { <EditSite id/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </RequireSignIn>
    }
}

#[component]
fn EditSite(id: Uuid) -> impl IntoView {
    let session = use_session();
    let site = LocalResource::new(move || async move { session.api().site(id).await });
    let reload = Callback::new(move |()| site.refetch());
    view! {
        <Loaded resource=site label="Loading the listing…" let:site>
            {if site.value.editable {
                view! { <SiteEditor site reload/> }.into_any()
            } else {
                view! {
                    <section class="card narrow">
                        <h1>{site.value.listing.name}</h1>
                        <p>"Only the site's own staff and the network's coordinators edit its listing."</p>
                        <a href=format!("/sites/{id}")>"Back to the site"</a>
                    </section>
                }
                    .into_any()
            }}
        </Loaded>
    }
}

/// The form filled with the listing as read, saved against its version.
#[component]
fn SiteEditor(site: Versioned<Site>, reload: Callback<()>) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let id = site.value.listing.id;
    let organization = site.value.listing.organization_id;
    let name = site.value.listing.name.clone();
    let etag = StoredValue::new(site.etag);
    let errors = FieldErrors::new();
    let save = Action::new_local(move |input: &SiteInput| {
        let input = input.clone();
        let navigate = navigate.clone();
        async move {
            let answer = session
                .api()
                .update_site(id, &input, &etag.get_value())
                .await;
            match &answer {
                Ok(_) => navigate(&format!("/sites/{id}?saved=1"), NavigateOptions::default()),
                Err(error) => {
                    errors.absorb(error);
                    reveal_problem();
                }
            }
            answer.map(|_| ())
        }
    });
    let pending = save.pending();
    let error = Signal::derive(move || error_of(save.value().get()));
    let stale = Signal::derive(move || {
        error
            .get()
            .is_some_and(|error| error.is(ErrorCode::PreconditionFailed))
    });
    let other_error = Signal::derive(move || error.get().filter(|_| !stale.get()));
    view! {
        <header class="page-header">
            <p class="eyebrow">
                <a href=format!("/sites/{id}")>{name}</a>
            </p>
            <h1>"Edit listing"</h1>
        </header>
        <Show when=move || stale.get()>
            <div class="alert alert-error" role="alert" data-code="precondition_failed" data-testid="stale">
                <p>"Someone changed this listing since you opened it — reload to see their changes."</p>
                <p class="alert-meta">"Your edits are still in the form below; reloading replaces them."</p>
                <button type="button" class="button secondary small" on:click=move |_| reload.run(())>
                    "Reload the listing"
                </button>
            </div>
        </Show>
        <ErrorAlert error=other_error/>
        <section class="card">
            <SiteForm
                site=Some(site.value)
                organization
                errors
                pending
                submit_label="Save changes"
                cancel_href=format!("/sites/{id}")
                on_submit=Callback::new(move |input| {
                    save.dispatch(input);
                })
            />
        </section>
    }
}

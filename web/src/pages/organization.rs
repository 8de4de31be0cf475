//! `/organizations/:id`: an organization's details, their edit form, and its
//! sites in the directory.

use leptos::prelude::*;
use uuid::Uuid;
use warren_client::Versioned;
use warren_domain::{Description, OrgName, Website};
use warren_wire::ErrorCode;
use warren_wire::{Organization, UpdateOrganizationRequest};

use crate::components::{
    AvailabilityBadge, CapacityBadge, ErrorAlert, FieldErrors, KindSelect, Loaded, OrgHeader,
    OrgTab, RequireSignIn, SuccessNotice, TextArea, TextField, VerifiedBadge, error_of,
};
use crate::local_time;
use crate::pages::{NotFoundPage, organization_id};
use crate::session::use_session;

/// The organization's details page.
#[component]
pub fn OrganizationPage() -> impl IntoView {
    let id = organization_id();
    view! {
        <RequireSignIn>
            {move || match id.get() {
                Some(id) => view! { <OrganizationDetails id/> }.into_any(),
                None => view! { <NotFoundPage/> }.into_any(),
            }}
        </RequireSignIn>
    }
}

#[component]
fn OrganizationDetails(id: Uuid) -> impl IntoView {
    let session = use_session();
    let organization =
        LocalResource::new(move || async move { session.api().organization(id).await });
    let reload = Callback::new(move |()| organization.refetch());
    let administers = move || {
        session.is_network_admin()
            || session
                .administered()
                .iter()
                .any(|membership| membership.organization.id == id)
    };
    view! {
        <OrgHeader organization=id current=OrgTab::Details title="Organization details"/>
        <Show when=administers>
            <p class="muted">
                <a href=format!("/organizations/{id}/webhooks") id="webhooks-link">"Webhooks"</a>
                " \u{2014} send this organization's referral events to its own systems."
            </p>
        </Show>
        <Loaded resource=organization label="Loading the organization…" let:organization>
            <OrganizationEditor organization reload/>
        </Loaded>
        <Sites id/>
    }
}

/// The edit form, filled with the organization's current details.
#[component]
fn OrganizationEditor(
    organization: Versioned<Organization>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let id = organization.value.id;
    let etag = StoredValue::new(organization.etag.clone());
    let details = organization.value;
    let name = RwSignal::new(details.name.clone());
    let kind = RwSignal::new(details.kind);
    let website = RwSignal::new(details.website.clone().unwrap_or_default());
    let description = RwSignal::new(details.description.clone().unwrap_or_default());
    let errors = FieldErrors::new();
    let saved = RwSignal::new(None::<String>);

    let save = Action::new_local(move |change: &UpdateOrganizationRequest| {
        let change = change.clone();
        async move {
            let answer = session
                .api()
                .update_organization(id, &change, &etag.get_value())
                .await;
            match &answer {
                Ok(updated) => {
                    etag.set_value(updated.etag.clone());
                    saved.set(Some(format!("Saved {}.", updated.value.name)));
                }
                Err(error) => errors.absorb(error),
            }
            answer
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

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        saved.set(None);
        errors.clear();
        let optional = |text: String| (!text.trim().is_empty()).then_some(text);
        let change = UpdateOrganizationRequest {
            name: errors.check("name", OrgName::parse(name.get_untracked())),
            kind: Some(kind.get_untracked()),
            website: Some(
                optional(website.get_untracked())
                    .and_then(|text| errors.check("website", Website::parse(text))),
            ),
            description: Some(
                optional(description.get_untracked())
                    .and_then(|text| errors.check("description", Description::parse(text))),
            ),
        };
        if errors.is_empty() {
            save.dispatch(change);
        }
    };

    view! {
        <section class="card">
            <h2>"Details"</h2>
            <dl class="facts">
                <dt>"Applied"</dt>
                <dd>{local_time::date_time(details.created_at)}</dd>
                <dt>"Last changed"</dt>
                <dd>{local_time::date_time(details.updated_at)}</dd>
            </dl>
            <Show when=move || stale.get()>
                <div class="alert alert-error" role="alert" data-code="precondition_failed">
                    <p>"Someone else changed this organization — reload to see their changes."</p>
                    <button type="button" class="button secondary small" on:click=move |_| reload.run(())>
                        "Reload"
                    </button>
                </div>
            </Show>
            <ErrorAlert error=other_error/>
            <SuccessNotice message=saved/>
            <form novalidate on:submit=submit aria-busy=move || pending.get().to_string()>
                <TextField id="organization-name" label="Name" value=name required=true error=errors.of("name")/>
                <KindSelect id="organization-kind" value=kind/>
                <TextField
                    id="organization-website"
                    label="Website"
                    value=website
                    input_type="url"
                    hint="Leave empty to remove it."
                    error=errors.of("website")
                />
                <TextArea
                    id="organization-description"
                    label="Description"
                    value=description
                    error=errors.of("description")
                />
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || pending.get()>
                        "Save changes"
                    </button>
                    <Show when=move || pending.get()>
                        <span class="spinner" role="status" aria-label="Saving"></span>
                    </Show>
                </div>
            </form>
        </section>
    }
}

/// The organization's sites with their capacity and availability now, and
/// "Add a site" for those who edit its listings.
#[component]
fn Sites(id: Uuid) -> impl IntoView {
    let session = use_session();
    let sites = LocalResource::new(move || async move { session.api().sites(id).await });
    let may_edit = move || session.may_edit_listings(id);
    view! {
        <section class="card" aria-labelledby="sites-heading">
            <div class="card-header">
                <h2 id="sites-heading">"Sites"</h2>
                <Show when=may_edit>
                    <a class="button primary small" id="add-site" href=format!("/organizations/{id}/sites/new")>
                        "Add a site"
                    </a>
                </Show>
            </div>
            <Loaded resource=sites label="Loading sites…" let:sites>
                {if sites.items.is_empty() {
                    view! { <p class="empty">"No sites yet: the directory does not list this organization."</p> }
                        .into_any()
                } else {
                    let now = local_time::now();
                    view! {
                        <ul class="site-list">
                            {sites
                                .items
                                .into_iter()
                                .map(|site| {
                                    let listing = site.listing;
                                    view! {
                                        <li class="site-row" data-testid="site" data-site-id=listing.id.to_string()>
                                            <AvailabilityBadge availability=listing.availability at=now/>
                                            <div>
                                                <a class="site-row-name" href=format!("/sites/{}", listing.id)>
                                                    {listing.name}
                                                </a>
                                                <p class="muted">
                                                    {format!("{}, {} {}", listing.address, listing.town, listing.postcode)}
                                                </p>
                                                <p class="badges">
                                                    <CapacityBadge status=listing.capacity.status/>
                                                    <VerifiedBadge verified=listing.verified assured_at=listing.assured_at/>
                                                </p>
                                            </div>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </Loaded>
        </section>
    }
}

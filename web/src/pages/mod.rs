//! One file per page, named after its route.

mod accept_invitation;
mod api_keys;
mod apply;
mod audit;
mod home;
mod members;
mod not_found;
mod organization;
mod profile;
mod sign_in;
mod vetting;

pub use accept_invitation::AcceptInvitationPage;
pub use api_keys::ApiKeysPage;
pub use apply::ApplyPage;
pub use audit::AuditPage;
pub use home::HomePage;
pub use members::MembersPage;
pub use not_found::NotFoundPage;
pub use organization::OrganizationPage;
pub use profile::ProfilePage;
pub use sign_in::SignInPage;
pub use vetting::VettingPage;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

/// The organization id in the current route's `:id`, if it is a uuid.
fn organization_id() -> Memo<Option<Uuid>> {
    let params = use_params_map();
    Memo::new(move |_| {
        params.with(|params| params.get("id").and_then(|id| Uuid::parse_str(&id).ok()))
    })
}

//! One file per page, named after its route.

mod accept_invitation;
mod alert_acknowledge;
mod api_keys;
mod apply;
mod assessment;
mod audit;
mod confirm_email;
mod consults;
mod dashboard;
mod directory;
mod directory_audit;
mod edit_site;
mod forgot_password;
mod home;
mod inbox;
mod lending;
mod lending_item;
mod lending_loans;
mod lending_owner;
mod library;
mod library_article;
mod library_editor;
mod loan;
mod members;
mod new_site;
mod not_found;
mod on_call;
mod organization;
mod patients;
mod profile;
mod profile_alerts;
mod referral;
mod referral_consults;
mod referral_new;
mod referral_settings;
mod referrals;
mod report;
mod reset_password;
mod sign_in;
mod site;
mod specialist_profile;
mod specialists;
mod supplies;
mod triage;
mod triage_history;
mod triage_protocol;
mod triage_table;
mod triage_variant;
mod unsubscribe;
mod vetting;
mod vocabulary;
mod volunteer;
mod volunteer_profile;
mod volunteers;
mod webhooks;

pub use accept_invitation::AcceptInvitationPage;
pub use alert_acknowledge::AlertAcknowledgePage;
pub use api_keys::ApiKeysPage;
pub use apply::ApplyPage;
pub use assessment::AssessmentPage;
pub use audit::AuditPage;
pub use confirm_email::ConfirmEmailPage;
pub use consults::ConsultsPage;
pub use dashboard::DashboardPage;
pub use directory::DirectoryPage;
pub use directory_audit::DirectoryAuditPage;
pub use edit_site::EditSitePage;
pub use forgot_password::ForgotPasswordPage;
pub use home::HomePage;
pub use inbox::InboxPage;
pub use lending::LendingPage;
pub use lending_item::LendingItemPage;
pub use lending_loans::MyLoansPage;
pub use lending_owner::OrganizationLendingPage;
pub use library::LibraryPage;
pub use library_article::LibraryArticlePage;
pub use library_editor::{EditArticlePage, NewArticlePage};
pub use loan::LoanPage;
pub use members::MembersPage;
pub use new_site::NewSitePage;
pub use not_found::NotFoundPage;
pub use on_call::OnCallPage;
pub use organization::OrganizationPage;
pub use patients::PatientsPage;
pub use profile::ProfilePage;
pub use referral::ReferralPage;
pub use referral_new::NewReferralPage;
pub use referral_settings::ReferralSettingsPage;
pub use referrals::ReferralsPage;
pub use report::ReportPage;
pub use reset_password::ResetPasswordPage;
pub use sign_in::SignInPage;
pub use site::SitePage;
pub use specialist_profile::SpecialistProfilePage;
pub use specialists::SpecialistsPage;
pub use supplies::SuppliesPage;
pub use triage::TriagePage;
pub use triage_history::TriageHistoryPage;
pub use triage_protocol::TriageProtocolPage;
pub use triage_table::TriageTablePage;
pub use triage_variant::TriageVariantPage;
pub use unsubscribe::UnsubscribePage;
pub use vetting::VettingPage;
pub use vocabulary::VocabularyPage;
pub use volunteer::VolunteerPage;
pub use volunteer_profile::VolunteerProfilePage;
pub use volunteers::VolunteersPage;
pub use webhooks::WebhooksPage;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

/// The organization id in the current route's `:id`, if it is a uuid.
fn organization_id() -> Memo<Option<Uuid>> {
    route_id()
}

/// The current route's `:id` (an organization's or a site's), if it is a
/// uuid.
fn route_id() -> Memo<Option<Uuid>> {
    let params = use_params_map();
    Memo::new(move |_| {
        params.with(|params| params.get("id").and_then(|id| Uuid::parse_str(&id).ok()))
    })
}

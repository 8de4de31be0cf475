//! The app: the session, the outbox, the live stream, the layout and the
//! route table.
//!
//! The pages people open in a hurry, on a phone, are part of the app
//! itself: home, signing in (and resetting a password), acknowledging an
//! alert from its e-mail, triage and a volunteer's jobs. The others are
//! downloaded when first opened ([`crate::split`]), in four parts: the
//! directory, referrals, lending, and joining and running an organization
//! and the network; the layout shows while one is on its way
//! ([`PageLoads`]).

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, path};

use crate::components::{Layout, ReferralStream};
use crate::offline::Outbox;
use crate::pages::{
    AlertAcknowledgePage, AssessmentPage, ForgotPasswordPage, HomePage, NotFoundPage,
    ResetPasswordPage, SignInPage, TriageHistoryPage, TriagePage, VolunteerPage,
};
use crate::session::Session;
use crate::split::PageLoads;
use crate::split_page;

// The directory and the sites.
split_page!(NewSiteRoute, page_new_site in part_directory, NewSitePage);
split_page!(DirectoryRoute, page_directory in part_directory, DirectoryPage);
split_page!(DirectoryAuditRoute, page_directory_audit in part_directory, DirectoryAuditPage);
split_page!(VocabularyRoute, page_vocabulary in part_directory, VocabularyPage);
split_page!(SiteRoute, page_site in part_directory, SitePage);
split_page!(EditSiteRoute, page_edit_site in part_directory, EditSitePage);
split_page!(OnCallRoute, page_on_call in part_directory, OnCallPage);
// Finding a specialist and an organization's animals in care are searches
// and lists too; they keep the referral pages' part under its budget.
split_page!(SpecialistsRoute, page_specialists in part_directory, SpecialistsPage);
split_page!(SpecialistProfileRoute, page_specialist_profile in part_directory, SpecialistProfilePage);
split_page!(PatientsRoute, page_patients in part_directory, PatientsPage);

// Referrals, the inbox and consults.
split_page!(InboxRoute, page_inbox in part_referrals, InboxPage);
split_page!(ReferralsRoute, page_referrals in part_referrals, ReferralsPage);
split_page!(NewReferralRoute, page_new_referral in part_referrals, NewReferralPage);
split_page!(ReferralSettingsRoute, page_referral_settings in part_referrals, ReferralSettingsPage);
split_page!(ReferralRoute, page_referral in part_referrals, ReferralPage);
split_page!(ConsultsRoute, page_consults in part_referrals, ConsultsPage);

// Lending, supplies and the library.
split_page!(LendingRoute, page_lending in part_lending, LendingPage);
split_page!(LendingItemRoute, page_lending_item in part_lending, LendingItemPage);
split_page!(MyLoansRoute, page_my_loans in part_lending, MyLoansPage);
split_page!(LoanRoute, page_loan in part_lending, LoanPage);
split_page!(OrganizationLendingRoute, page_organization_lending in part_lending, OrganizationLendingPage);
split_page!(SuppliesRoute, page_supplies in part_lending, SuppliesPage);
split_page!(LibraryRoute, page_library in part_lending, LibraryPage);
split_page!(NewArticleRoute, page_new_article in part_lending, NewArticlePage);
split_page!(LibraryArticleRoute, page_library_article in part_lending, LibraryArticlePage);
split_page!(EditArticleRoute, page_edit_article in part_lending, EditArticlePage);

// Joining and running an organization and the network: applying, accepting an invitation,
// confirming an address, the organization's pages and volunteers, vetting, the audit log, one's
// profiles and e-mail choices, setting triage up, the dashboard and the public report.
split_page!(ApplyRoute, page_apply in part_admin, ApplyPage);
split_page!(AcceptInvitationRoute, page_accept_invitation in part_admin, AcceptInvitationPage);
split_page!(ConfirmEmailRoute, page_confirm_email in part_admin, ConfirmEmailPage);
split_page!(UnsubscribeRoute, page_unsubscribe in part_admin, UnsubscribePage);
split_page!(VolunteersRoute, page_volunteers in part_admin, VolunteersPage);
split_page!(VolunteerProfileRoute, page_volunteer_profile in part_admin, VolunteerProfilePage);
split_page!(TriageVariantRoute, page_triage_variant in part_admin, TriageVariantPage);
split_page!(TriageProtocolRoute, page_triage_protocol in part_admin, TriageProtocolPage);
split_page!(TriageTableRoute, page_triage_table in part_admin, TriageTablePage);
split_page!(VettingRoute, page_vetting in part_admin, VettingPage);
split_page!(OrganizationRoute, page_organization in part_admin, OrganizationPage);
split_page!(MembersRoute, page_members in part_admin, MembersPage);
split_page!(ApiKeysRoute, page_api_keys in part_admin, ApiKeysPage);
split_page!(WebhooksRoute, page_webhooks in part_admin, WebhooksPage);
split_page!(ProfileRoute, page_profile in part_admin, ProfilePage);
split_page!(AuditRoute, page_audit in part_admin, AuditPage);
split_page!(ReportRoute, page_report in part_admin, ReportPage);
split_page!(DashboardRoute, page_dashboard in part_admin, DashboardPage);

/// The whole app: provides the [`Session`], the [`Outbox`] of records
/// waiting on the device and the tab's one live stream, then routes to one
/// page.
#[component]
pub fn App() -> impl IntoView {
    let session = Session::provide();
    Outbox::provide(session);
    ReferralStream::provide(session);
    let loads = PageLoads::provide();
    view! {
        <Router set_is_routing=loads.routing_setter()>
            <Layout>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/sign-in") view=SignInPage/>
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                    <Route path=path!("/reset-password") view=ResetPasswordPage/>
                    <Route path=path!("/confirm-email") view={Lazy::<ConfirmEmailRoute>::new()}/>
                    <Route path=path!("/apply") view={Lazy::<ApplyRoute>::new()}/>
                    <Route path=path!("/vetting") view={Lazy::<VettingRoute>::new()}/>
                    <Route path=path!("/organizations/:id") view={Lazy::<OrganizationRoute>::new()}/>
                    <Route path=path!("/organizations/:id/members") view={Lazy::<MembersRoute>::new()}/>
                    <Route path=path!("/organizations/:id/api-keys") view={Lazy::<ApiKeysRoute>::new()}/>
                    <Route path=path!("/organizations/:id/webhooks") view={Lazy::<WebhooksRoute>::new()}/>
                    <Route path=path!("/organizations/:id/sites/new") view={Lazy::<NewSiteRoute>::new()}/>
                    <Route path=path!("/directory") view={Lazy::<DirectoryRoute>::new()}/>
                    <Route path=path!("/directory/audit") view={Lazy::<DirectoryAuditRoute>::new()}/>
                    <Route path=path!("/directory/vocabulary") view={Lazy::<VocabularyRoute>::new()}/>
                    <Route path=path!("/sites/:id") view={Lazy::<SiteRoute>::new()}/>
                    <Route path=path!("/sites/:id/edit") view={Lazy::<EditSiteRoute>::new()}/>
                    <Route path=path!("/sites/:id/triage-variant") view={Lazy::<TriageVariantRoute>::new()}/>
                    <Route path=path!("/sites/:id/on-call") view={Lazy::<OnCallRoute>::new()}/>
                    <Route path=path!("/triage") view=TriagePage/>
                    <Route path=path!("/triage/history") view=TriageHistoryPage/>
                    <Route path=path!("/triage/protocol") view={Lazy::<TriageProtocolRoute>::new()}/>
                    <Route path=path!("/triage/table") view={Lazy::<TriageTableRoute>::new()}/>
                    <Route path=path!("/assessments/:id") view=AssessmentPage/>
                    <Route path=path!("/invitations/accept") view={Lazy::<AcceptInvitationRoute>::new()}/>
                    <Route path=path!("/profile") view={Lazy::<ProfileRoute>::new()}/>
                    <Route path=path!("/inbox") view={Lazy::<InboxRoute>::new()}/>
                    <Route path=path!("/alerts/acknowledge") view=AlertAcknowledgePage/>
                    <Route path=path!("/unsubscribe") view={Lazy::<UnsubscribeRoute>::new()}/>
                    <Route path=path!("/referrals") view={Lazy::<ReferralsRoute>::new()}/>
                    <Route path=path!("/referrals/new") view={Lazy::<NewReferralRoute>::new()}/>
                    <Route path=path!("/referrals/settings") view={Lazy::<ReferralSettingsRoute>::new()}/>
                    <Route path=path!("/referrals/:id") view={Lazy::<ReferralRoute>::new()}/>
                    <Route path=path!("/patients") view={Lazy::<PatientsRoute>::new()}/>
                    <Route path=path!("/report") view={Lazy::<ReportRoute>::new()}/>
                    <Route path=path!("/audit") view={Lazy::<AuditRoute>::new()}/>
                    <Route path=path!("/library") view={Lazy::<LibraryRoute>::new()}/>
                    <Route path=path!("/library/new") view={Lazy::<NewArticleRoute>::new()}/>
                    <Route path=path!("/library/:id") view={Lazy::<LibraryArticleRoute>::new()}/>
                    <Route path=path!("/library/:id/edit") view={Lazy::<EditArticleRoute>::new()}/>
                    <Route path=path!("/lending") view={Lazy::<LendingRoute>::new()}/>
                    <Route path=path!("/lending/items/:id") view={Lazy::<LendingItemRoute>::new()}/>
                    <Route path=path!("/lending/loans") view={Lazy::<MyLoansRoute>::new()}/>
                    <Route path=path!("/loans/:id") view={Lazy::<LoanRoute>::new()}/>
                    <Route path=path!("/organizations/:id/lending") view={Lazy::<OrganizationLendingRoute>::new()}/>
                    <Route path=path!("/supplies") view={Lazy::<SuppliesRoute>::new()}/>
                    <Route path=path!("/volunteer") view=VolunteerPage/>
                    <Route path=path!("/volunteer/profile") view={Lazy::<VolunteerProfileRoute>::new()}/>
                    <Route path=path!("/organizations/:id/volunteers") view={Lazy::<VolunteersRoute>::new()}/>
                    <Route path=path!("/dashboard") view={Lazy::<DashboardRoute>::new()}/>
                    <Route path=path!("/specialists") view={Lazy::<SpecialistsRoute>::new()}/>
                    <Route path=path!("/profile/specialist") view={Lazy::<SpecialistProfileRoute>::new()}/>
                    <Route path=path!("/consults") view={Lazy::<ConsultsRoute>::new()}/>
                </Routes>
            </Layout>
        </Router>
    }
}

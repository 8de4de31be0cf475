//! The app: the session, the outbox, the live stream, the layout and the
//! route table.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::{Layout, ReferralStream};
use crate::offline::Outbox;
use crate::pages::DashboardPage;
use crate::pages::WebhooksPage;
use crate::pages::{
    AcceptInvitationPage, ApiKeysPage, ApplyPage, AssessmentPage, AuditPage, DirectoryAuditPage,
    DirectoryPage, EditSitePage, HomePage, MembersPage, NewSitePage, NotFoundPage,
    OrganizationPage, ProfilePage, SignInPage, SitePage, TriageHistoryPage, TriagePage,
    TriageProtocolPage, TriageTablePage, TriageVariantPage, VettingPage,
};
use crate::pages::{
    AlertAcknowledgePage, ConfirmEmailPage, ForgotPasswordPage, InboxPage, OnCallPage,
    ResetPasswordPage, UnsubscribePage,
};
use crate::pages::{ConsultsPage, SpecialistProfilePage, SpecialistsPage};
use crate::pages::{EditArticlePage, LibraryArticlePage, LibraryPage, NewArticlePage};
use crate::pages::{
    LendingItemPage, LendingPage, LoanPage, MyLoansPage, OrganizationLendingPage, SuppliesPage,
};
use crate::pages::{
    NewReferralPage, ReferralPage, ReferralSettingsPage, ReferralsPage, ReportPage,
};
use crate::pages::{VolunteerPage, VolunteerProfilePage, VolunteersPage};
use crate::session::Session;

/// The whole app: provides the [`Session`], the [`Outbox`] of records
/// waiting on the device and the tab's one live stream, then routes to one
/// page.
#[component]
pub fn App() -> impl IntoView {
    let session = Session::provide();
    Outbox::provide(session);
    ReferralStream::provide(session);
    view! {
        <Router>
            <Layout>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/sign-in") view=SignInPage/>
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                    <Route path=path!("/reset-password") view=ResetPasswordPage/>
                    <Route path=path!("/confirm-email") view=ConfirmEmailPage/>
                    <Route path=path!("/apply") view=ApplyPage/>
                    <Route path=path!("/vetting") view=VettingPage/>
                    <Route path=path!("/organizations/:id") view=OrganizationPage/>
                    <Route path=path!("/organizations/:id/members") view=MembersPage/>
                    <Route path=path!("/organizations/:id/api-keys") view=ApiKeysPage/>
                    <Route path=path!("/organizations/:id/webhooks") view=WebhooksPage/>
                    <Route path=path!("/organizations/:id/sites/new") view=NewSitePage/>
                    <Route path=path!("/directory") view=DirectoryPage/>
                    <Route path=path!("/directory/audit") view=DirectoryAuditPage/>
                    <Route path=path!("/sites/:id") view=SitePage/>
                    <Route path=path!("/sites/:id/edit") view=EditSitePage/>
                    <Route path=path!("/sites/:id/triage-variant") view=TriageVariantPage/>
                    <Route path=path!("/sites/:id/on-call") view=OnCallPage/>
                    <Route path=path!("/triage") view=TriagePage/>
                    <Route path=path!("/triage/history") view=TriageHistoryPage/>
                    <Route path=path!("/triage/protocol") view=TriageProtocolPage/>
                    <Route path=path!("/triage/table") view=TriageTablePage/>
                    <Route path=path!("/assessments/:id") view=AssessmentPage/>
                    <Route path=path!("/invitations/accept") view=AcceptInvitationPage/>
                    <Route path=path!("/profile") view=ProfilePage/>
                    <Route path=path!("/inbox") view=InboxPage/>
                    <Route path=path!("/alerts/acknowledge") view=AlertAcknowledgePage/>
                    <Route path=path!("/unsubscribe") view=UnsubscribePage/>
                    <Route path=path!("/referrals") view=ReferralsPage/>
                    <Route path=path!("/referrals/new") view=NewReferralPage/>
                    <Route path=path!("/referrals/settings") view=ReferralSettingsPage/>
                    <Route path=path!("/referrals/:id") view=ReferralPage/>
                    <Route path=path!("/report") view=ReportPage/>
                    <Route path=path!("/audit") view=AuditPage/>
                    <Route path=path!("/library") view=LibraryPage/>
                    <Route path=path!("/library/new") view=NewArticlePage/>
                    <Route path=path!("/library/:id") view=LibraryArticlePage/>
                    <Route path=path!("/library/:id/edit") view=EditArticlePage/>
                    <Route path=path!("/lending") view=LendingPage/>
                    <Route path=path!("/lending/items/:id") view=LendingItemPage/>
                    <Route path=path!("/lending/loans") view=MyLoansPage/>
                    <Route path=path!("/loans/:id") view=LoanPage/>
                    <Route path=path!("/organizations/:id/lending") view=OrganizationLendingPage/>
                    <Route path=path!("/supplies") view=SuppliesPage/>
                    <Route path=path!("/volunteer") view=VolunteerPage/>
                    <Route path=path!("/volunteer/profile") view=VolunteerProfilePage/>
                    <Route path=path!("/organizations/:id/volunteers") view=VolunteersPage/>
                    <Route path=path!("/dashboard") view=DashboardPage/>
                    <Route path=path!("/specialists") view=SpecialistsPage/>
                    <Route path=path!("/profile/specialist") view=SpecialistProfilePage/>
                    <Route path=path!("/consults") view=ConsultsPage/>
                </Routes>
            </Layout>
        </Router>
    }
}

//! Pieces shared by the pages: the layout, the live stream and the person's
//! alerts, error and success boxes, form fields, badges, the directory's
//! listing pieces and vocabulary pickers, a kit item's fields, the pieces of
//! a triage result, and the files of a case with their viewer.

mod alert;
mod app_status;
mod attachments;
mod awaiting_vetting;
mod badge;
mod confirm_button;
mod copy_box;
mod form;
mod hours_editor;
mod item_form;
mod layout;
mod lending;
mod list_table;
mod listing;
mod live_alerts;
mod loading;
mod org_header;
mod referral;
mod referral_stream;
mod require_sign_in;
mod site_form;
mod terms;
mod timeline;
mod triage;
mod versioned;

pub use alert::{ErrorAlert, SuccessNotice, error_of};
pub use app_status::AppStatus;
pub use attachments::{CaseFiles, FilesOf, PageFiles};
pub use awaiting_vetting::{AwaitingVetting, VETTING_TAKES, VettingSteps, watch_for_vetting};
pub use badge::{InvitationBadge, MembershipBadge};
pub use confirm_button::ConfirmButton;
pub use copy_box::CopyBox;
pub use form::{FieldErrors, KindSelect, TextArea, TextField, focus_on, reveal_problem};
pub use hours_editor::HoursEditor;
pub use item_form::{ItemDraft, ItemFields, item_update, status_change};
pub use layout::{Layout, PLANNED_SECTIONS};
pub use lending::{
    ActingOrganization, ChecklistLine, ConditionBadge, DecisionNote, DeclineLoanForm,
    ItemStatusBadge, LendingTab, LendingTabs, LoanStatusBadge, OfferedSlot, ReportDraft,
    ReportFields, ReportSummary, TierPicker, acting_organizations, decision_label, etag_of,
    interval_text, length_text, local_date, local_midnight, sites_of, suitability_text,
    urgency_text, vocabulary, window_text,
};
pub use list_table::ListTable;
pub use listing::{
    AvailabilityBadge, CallLink, CapacityBadge, HitCard, ReasonChips, VerifiedBadge, WeekHours,
    availability_state,
};
pub use live_alerts::{
    AlertsLink, LiveAlerts, UrgentBanner, acknowledgeable, chain_state, chain_text,
    use_live_alerts, when_text,
};
pub use loading::{Loaded, Loading};
pub use org_header::{OrgHeader, OrgTab};
pub use referral::{
    BusinessStatusBadge, DueCountdown, LiveIndicator, PriorityBadge, ReferLinks,
    ReferralStatusBadge, due_text, label_of, patient_title, refer_href, shared_term_labels,
    term_labels, tier_name,
};
pub use referral_stream::{
    AlertChanges, ReferralChanges, ReferralStream, StreamState, use_referral_stream,
};
pub use require_sign_in::RequireSignIn;
pub use site_form::SiteForm;
pub use terms::{
    SpeciesGroup, SpeciesOptions, TermCheckboxes, TermChips, capabilities, species_groups,
};
pub use timeline::TimelineCard;
pub use triage::{
    AnswerList, CannotRuleOutNotice, Checklist, Countdown, DestinationList, TierBadge, TierBlock,
    TriageAnnouncer, WithheldList, answer_text, countdown_minutes_text, countdown_text,
    target_text,
};
pub use versioned::{Changes, StaleNotice};

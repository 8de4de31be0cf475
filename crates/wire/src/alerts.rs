//! Alerts to people: the inbox, preferences, on-call rotas, acknowledging
//! from an e-mail, the network's acknowledge times, and the alert events
//! sent to the live stream and to webhooks.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
pub use warren_domain::alerts::{
    AcknowledgeTimes, AcknowledgedVia, AlertKind, AlertPreferences, DeliveryMode, Override, Rota,
    Shift, Span,
};
use warren_domain::triage::Tier;

use crate::referrals::PersonRef;

/// Where an urgent alert's acknowledgement chain stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainState {
    /// The chain (one per urgent alert, shared by everyone it alerted).
    pub id: Uuid,
    /// The tier whose acknowledge time paces it.
    pub tier: Tier,
    /// How many steps have been alerted (1 = the first person on call).
    pub steps: u32,
    /// When someone acknowledged; the chain stopped then, for everyone.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Who acknowledged.
    pub acknowledged_by: Option<String>,
    /// How.
    pub acknowledged_via: Option<AcknowledgedVia>,
    /// When the last step's time ran out with nobody acknowledging.
    pub exhausted_at: Option<DateTime<Utc>>,
    /// When the chain stopped because its subject no longer needs it (the
    /// referral was cancelled or went to another site).
    pub closed_at: Option<DateTime<Utc>>,
    /// Why it stopped then, in words.
    #[serde(default)]
    pub closed_reason: Option<String>,
}

/// One alert in a person's inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alert {
    /// Stable identifier (time-ordered).
    pub id: Uuid,
    /// What it is about.
    pub kind: AlertKind,
    /// Urgent alerts follow an acknowledgement chain.
    pub urgent: bool,
    /// One line.
    pub title: String,
    /// A few lines saying what happened and what to do.
    pub body: String,
    /// Where in Warren the alert's object is, e.g. `/referrals/{id}`.
    pub link: String,
    /// The organization it concerns.
    pub organization_id: Option<Uuid>,
    /// The referral it concerns, if any.
    pub referral_id: Option<Uuid>,
    /// How it reached the person beyond the inbox.
    pub delivery: DeliveryMode,
    /// When it was raised.
    pub created_at: DateTime<Utc>,
    /// When the person marked it read.
    pub read_at: Option<DateTime<Utc>>,
    /// The acknowledgement chain, for urgent alerts.
    pub chain: Option<ChainState>,
}

/// A page of a person's inbox, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertPage {
    /// The alerts.
    pub items: Vec<Alert>,
    /// Pass as `cursor` for the next page.
    pub next: Option<String>,
    /// Unread alerts in the whole inbox.
    pub unread: u64,
}

/// What the top bar shows: unread alerts and urgent ones still waiting for
/// an acknowledgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertSummary {
    /// Unread alerts.
    pub unread: u64,
    /// Urgent alerts whose chain nobody has acknowledged and that still run.
    pub awaiting_acknowledgement: u64,
}

/// Which alerts an inbox page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlertFilter {
    /// Every alert.
    #[default]
    All,
    /// Not read yet.
    Unread,
    /// Urgent and waiting for an acknowledgement.
    Unacknowledged,
}

/// Query of `GET /api/v1/me/alerts`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AlertQuery {
    /// `all` (default), `unread` or `unacknowledged`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<AlertFilter>,
    /// Only this kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<AlertKind>,
    /// Only urgent (`true`) or only other (`false`) alerts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgent: Option<bool>,
    /// From a previous page's `next`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `POST /api/v1/me/alerts/read`: mark alerts read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MarkAlertsReadRequest {
    /// These alerts; absent: every alert in the inbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<Uuid>>,
}

/// How many alerts a request marked read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkedRead {
    /// Alerts that were unread and now are read.
    pub marked: u64,
    /// Unread alerts left.
    pub unread: u64,
}

/// One kind of alert a person may choose for, with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertKindChoice {
    /// The kind.
    pub kind: AlertKind,
    /// What it is, in words.
    pub label: String,
    /// How it reaches the person now.
    pub mode: DeliveryMode,
    /// Whether it is urgent (then it is always immediate).
    pub urgent: bool,
}

/// `GET /api/v1/me/alert-preferences`: a person's choices, with every kind
/// listed and where their e-mail stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertPreferencesView {
    /// The choices as stored (send back, changed, with `PUT`).
    pub preferences: AlertPreferences,
    /// Every kind with the mode it has now; urgent kinds are fixed.
    pub kinds: Vec<AlertKindChoice>,
    /// The address e-mails go to.
    pub email: String,
    /// Whether the address is confirmed; unconfirmed addresses get no
    /// alert e-mails (the inbox still gets every alert).
    pub email_confirmed: bool,
}

/// `GET /api/v1/alert-acknowledgements?token=…`: what an e-mail's
/// acknowledge link is about, without signing in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertByToken {
    /// What it is about.
    pub kind: AlertKind,
    /// One line.
    pub title: String,
    /// What happened.
    pub body: String,
    /// Whom the link was sent to.
    pub recipient_name: String,
    /// When it was raised.
    pub created_at: DateTime<Utc>,
    /// Whether this link was used already.
    pub used: bool,
    /// Where in Warren the alert's object is (for after signing in).
    pub link: String,
    /// The referral it concerns, if any.
    pub referral_id: Option<Uuid>,
    /// The chain, as it stands.
    pub chain: Option<ChainState>,
}

/// `POST /api/v1/alert-acknowledgements`: acknowledge with an e-mail's
/// single-use token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeByTokenRequest {
    /// The token from the link.
    pub token: String,
}

/// Query with a token (`GET /api/v1/alert-acknowledgements`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AlertTokenQuery {
    /// The token from the link.
    pub token: String,
}

/// The answer to an acknowledgement: the chain, stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Acknowledgement {
    /// The chain as it stands now.
    pub chain: ChainState,
    /// Whether this request stopped it (false: someone had already
    /// acknowledged, `chain` says who).
    pub by_this_request: bool,
}

/// `GET/PUT /api/v1/acknowledge-times`: the network's acknowledge times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcknowledgeTimesSetting {
    /// Minutes per urgent tier.
    pub acknowledge_times: AcknowledgeTimes,
    /// When they last changed; absent while Warren's defaults apply.
    pub updated_at: Option<DateTime<Utc>>,
}

/// A site's on-call rota as stored, with who is on call now and the gaps
/// in the next fortnight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OnCallRota {
    /// The site.
    pub site_id: Uuid,
    /// Its organization.
    pub organization_id: Uuid,
    /// The site's timezone, which the shifts are read in.
    pub timezone: String,
    /// Shifts and overrides (send back, changed, with `PUT`).
    pub rota: Rota,
    /// The people named in the rota, with their names.
    pub people: Vec<PersonRef>,
    /// Who an urgent alert would reach now, in order.
    pub on_call_now: Vec<PersonRef>,
    /// Who stands in when the rota is empty or has a gap: the site's
    /// primary referral contact.
    pub default_contact: Option<String>,
    /// Times in the next fortnight with nobody on call; alerts then go to
    /// the primary referral contact and the admins.
    pub gaps: Vec<Span>,
    /// Last changed (absent for a site that never had a rota).
    pub updated_at: Option<DateTime<Utc>>,
    /// Who changed it last.
    pub updated_by: Option<String>,
}

/// One span of a person's time on call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyShift {
    /// The site.
    pub site_id: Uuid,
    /// Its name.
    pub site_name: String,
    /// From.
    pub starts_at: DateTime<Utc>,
    /// Until.
    pub ends_at: DateTime<Utc>,
}

/// `GET /api/v1/me/shifts`: the caller's time on call in the next fortnight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyShifts {
    /// In order.
    pub items: Vec<MyShift>,
    /// Whether the caller is on call somewhere now.
    pub on_call_now: bool,
}

/// `POST /api/v1/auth/password-resets`: ask for a reset link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    /// The account's e-mail address.
    pub email: warren_domain::Email,
}

/// The same answer whether or not the address has an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetRequested {
    /// What happens next, in words.
    pub message: String,
}

/// `POST /api/v1/auth/password-resets/confirm`: set a new password with
/// the token from the e-mail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    /// The token from the link.
    pub token: String,
    /// The new password (12+ characters).
    pub password: warren_domain::Password,
}

/// The account whose password was reset; every session of it was signed
/// out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetDone {
    /// Sign in with this address and the new password.
    pub email: String,
}

/// `POST /api/v1/email-confirmations`: confirm an address with the token
/// from the e-mail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmEmailRequest {
    /// The token from the link.
    pub token: String,
}

/// The address, confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailConfirmed {
    /// The address.
    pub email: String,
    /// When.
    pub confirmed_at: DateTime<Utc>,
}

/// `POST /api/v1/alert-unsubscriptions`: stop e-mails of one kind from the
/// link in one of them (`List-Unsubscribe`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnsubscribeRequest {
    /// The token from the link.
    pub token: String,
}

/// The kind now reaches the person in the inbox only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unsubscribed {
    /// The kind.
    pub kind: AlertKind,
    /// Its mode now.
    pub mode: DeliveryMode,
}

/// A new alert for one person, on the live stream (`event: alert`): fetch
/// it (or the summary) to show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertNotice {
    /// The alert.
    pub id: Uuid,
    /// Its recipient.
    pub user_id: Uuid,
    /// Its kind.
    pub kind: AlertKind,
    /// Whether it is urgent (the app raises a notification and a sound).
    pub urgent: bool,
}

/// An urgent alert's chain moved: sent to the alerted organization's
/// webhooks as `alert.raised` (the chain started), `alert.acknowledged` or
/// `alert.unacknowledged` (it reached its end with nobody acknowledging).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertEvent {
    /// Stable identifier of the event.
    pub id: Uuid,
    /// `alert.raised`, `alert.acknowledged` or `alert.unacknowledged`.
    pub kind: String,
    /// The chain.
    pub chain_id: Uuid,
    /// What the alert is about.
    pub alert_kind: AlertKind,
    /// The organization whose people are alerted.
    pub organization_id: Uuid,
    /// The referral it concerns, if any.
    pub referral_id: Option<Uuid>,
    /// The tier pacing it.
    pub tier: Tier,
    /// One line.
    pub title: String,
    /// Who acknowledged, for `alert.acknowledged`.
    pub acknowledged_by: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

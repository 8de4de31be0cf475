//! What every handler shares.

use warren_store::Store;

use crate::auth::{LoginLimiter, TokenKeys};
use crate::config::Config;
use crate::directory::DirectoryCache;
use crate::routes::public::PublicLimiter;

/// The application state, one per server, shared by all workers.
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The background rounds, stopped with the server.
    pub jobs: crate::jobs::Jobs,
    /// Where the files attached to cases are kept.
    pub files: crate::files::Files,
    /// Access token keys.
    pub tokens: TokenKeys,
    /// Sign-in rate limits.
    pub login_limiter: LoginLimiter,
    /// Password-reset request limits, per client address and per address
    /// asked about.
    pub reset_limiter: LoginLimiter,
    /// Organization applications, per client address and per e-mail, an
    /// hour: applying is how an outsider could probe which addresses have
    /// accounts, and each one sends an e-mail.
    pub application_limiter: LoginLimiter,
    /// The in-memory directory searches read.
    pub directory: DirectoryCache,
    /// Public directory rate limits.
    pub public_limiter: PublicLimiter,
    /// The configuration.
    pub config: Config,
    /// Live referral events.
    pub events: crate::events::Events,
    /// The base of links Warren hands out.
    pub public_url: String,
    /// Counters of alerts and e-mails on `/metrics`.
    pub alert_metrics: crate::events::AlertMetrics,
    /// Raises alerts to people.
    pub alerting: std::sync::Arc<crate::alerts::Alerting>,
    /// Where e-mail goes, for the startup line (`the SMTP server …` or
    /// `the mailbox folder …`).
    pub mail_destination: String,
    /// The mailbox folder, when e-mail goes there rather than to a server.
    pub mailbox: Option<std::path::PathBuf>,
}

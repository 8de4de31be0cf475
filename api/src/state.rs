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
    /// Access token keys.
    pub tokens: TokenKeys,
    /// Sign-in rate limits.
    pub login_limiter: LoginLimiter,
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
}

//! What every handler shares.

use warren_store::Store;

use crate::auth::{LoginLimiter, TokenKeys};
use crate::config::Config;

/// The application state, one per server, shared by all workers.
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Access token keys.
    pub tokens: TokenKeys,
    /// Sign-in rate limits.
    pub login_limiter: LoginLimiter,
    /// The configuration.
    pub config: Config,
    /// The base of links Warren hands out.
    pub public_url: String,
}

//! The wire contract between Warren's server, its browser app and integrators.
//!
//! One definition of every request and response: the server deserializes
//! requests and serializes responses with these types, the typed client and the
//! SPA use the very same ones, and the OpenAPI document is derived from them
//! (feature `openapi`). Request types refuse unknown fields and validate their
//! values while they are parsed.

pub mod accounts;
pub mod alerts;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod care;
pub mod dashboard;
pub mod directory;
pub mod lending;
pub mod library;
pub mod organizations;
pub mod people;
pub mod places;
pub mod problem;
pub mod referrals;
pub mod report;
pub mod specialists;
pub mod status_links;
pub mod supplies;
pub mod triage;
pub mod webhooks;

pub use accounts::*;
pub use alerts::*;
pub use attachments::*;
pub use audit::*;
pub use auth::*;
pub use care::*;
pub use dashboard::*;
pub use directory::*;
pub use lending::*;
pub use library::*;
pub use organizations::*;
pub use people::*;
pub use places::*;
pub use problem::{ErrorCode, FieldError, Problem};
pub use referrals::*;
pub use report::*;
pub use specialists::*;
pub use status_links::*;
pub use supplies::*;
pub use triage::*;
pub use webhooks::*;

/// Header carrying a creating request's idempotency key.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
/// Header set on a response replayed for a repeated idempotency key.
pub const IDEMPOTENT_REPLAYED: &str = "Idempotent-Replayed";
/// Header carrying an API key.
pub const API_KEY_HEADER: &str = "X-API-Key";
/// Header carrying the request id on every response.
pub const REQUEST_ID_HEADER: &str = "X-Request-Id";
/// Largest page any list returns.
pub const MAX_PAGE_SIZE: u32 = 200;

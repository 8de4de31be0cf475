//! Warren's domain: the rules of the care network with no I/O.
//!
//! Everything here is shared by the server and the browser (it compiles to
//! `wasm32-unknown-unknown`), so a rule is written once and enforced in both
//! places. Types that cross the wire validate themselves while they are parsed
//! (`#[serde(try_from = …)]`): invalid data cannot exist past the boundary.

#[macro_use]
mod macros;

pub mod access;
pub mod alerts;
pub mod attachments;
pub mod care;
pub mod directory;
pub mod error_code;
pub use error_code::ErrorCode;
pub mod lending;
pub mod library;
pub mod organization;
pub mod people;
pub mod places;
pub mod referral;
pub mod report;
pub mod specialists;
pub mod text;
pub mod triage;
pub mod webhooks;

pub use access::{Access, ApiScope, Role};
pub use organization::{MembershipChange, MembershipStatus, OrganizationKind, TransitionError};
pub use text::{
    AddressLine, ApiKeyName, ClinicalNote, Description, Email, OrgName, Password, PersonName,
    Phone, ShortText, TextError, Website,
};
pub mod dashboard;

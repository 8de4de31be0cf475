//! Warren's domain: the rules of the care network with no I/O.
//!
//! Everything here is shared by the server and the browser (it compiles to
//! `wasm32-unknown-unknown`), so a rule is written once and enforced in both
//! places. Types that cross the wire validate themselves while they are parsed
//! (`#[serde(try_from = …)]`): invalid data cannot exist past the boundary.

/// Declares a closed set of codes with their stable names and labels, for
/// the modules that name a code by its snake_case form (`library`, `people`,
/// `specialists`); defined before them so each module uses this one.
macro_rules! snake_codes {
    (
        $(#[$meta:meta])* $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal;)+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name used on the wire and in storage.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// A human label.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }

            /// Parses the stable name; `None` for anything else.
            pub fn parse(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|value| value.as_str() == code)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod access;
pub mod alerts;
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

pub use access::{Access, ApiScope, Role};
pub use organization::{MembershipChange, MembershipStatus, OrganizationKind, TransitionError};
pub use text::{
    AddressLine, ApiKeyName, ClinicalNote, Description, Email, OrgName, Password, PersonName,
    Phone, ShortText, TextError, Website,
};
pub mod dashboard;

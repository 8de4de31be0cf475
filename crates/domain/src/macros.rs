//! The two declarative shapes the domain's types share, defined once for
//! every module: closed sets of codes (`codes!`) and validated string
//! newtypes (`validated_text!`).
//!
//! `lib.rs` declares this module first, with `#[macro_use]`, so every module
//! after it uses these macros without importing them. The types they expand
//! to are the wire and storage contract: their serde names, OpenAPI schemas
//! and `Display` text must not change.

/// Declares a closed set of codes with their stable names and labels.
///
/// The enum serializes in `snake_case` unless a `serde` case follows its
/// name (`ReferralStatus, "kebab-case" { … }`); each variant gives the stable
/// name it is stored and sent under, and a human label:
///
/// ```ignore
/// codes!(
///     /// How an item is kept.
///     Condition {
///         /// Ready to lend.
///         Good = "good", "Good";
///     }
/// );
/// ```
macro_rules! codes {
    (
        $(#[$meta:meta])* $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal;)+
        }
    ) => {
        codes!(
            $(#[$meta])* $name, "snake_case" {
                $($(#[$vmeta])* $variant = $code, $label;)+
            }
        );
    };
    // `tt`, not `literal`: a `literal` fragment reaches the derives wrapped
    // in an invisible group, which utoipa does not read as a string, so the
    // schema would list the variants' Rust names.
    (
        $(#[$meta:meta])* $name:ident, $rename:tt {
            $($(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal;)+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            ::serde::Serialize, ::serde::Deserialize,
        )]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = $rename)]
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

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Declares a validated string newtype with its serde and OpenAPI plumbing.
///
/// The value can only be built through `parse`, which runs the check (an
/// expression over the owned input, giving `Result<String, TextError>`); it
/// deserializes through `parse` too and serializes as the plain string. An
/// optional OpenAPI `format` follows the name:
///
/// ```ignore
/// validated_text!(
///     /// A person's display name.
///     PersonName,
///     "text",
///     |input| Ok(input.trim().to_owned())
/// );
/// ```
macro_rules! validated_text {
    (
        $(#[$meta:meta])* $name:ident, $($format:literal,)? |$input:ident| $check:expr
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "openapi", schema(value_type = String $(, format = $format)?))]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Checks `input` and builds the value, or says what is wrong.
            pub fn parse(
                input: impl Into<String>,
            ) -> ::std::result::Result<Self, $crate::text::TextError> {
                let $input: String = input.into();
                $check.map($name)
            }

            /// The validated text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::text::TextError;

            fn try_from(value: String) -> ::std::result::Result<Self, Self::Error> {
                Self::parse(value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

//! The directory's rules: what a listing says about a site and how far it can
//! be trusted right now.
//!
//! - [`taxonomy`]: the capability and species vocabularies.
//! - [`hours`]: opening hours in OSM syntax, in the site's timezone.
//! - [`search`]: the one-call question "who can take this animal, now, near
//!   here", with the reasons each answer matched.
//!
//! Everything here is evaluated against a clock the caller passes in, so the
//! same rules run in the server, in the browser and in tests.

pub mod hours;
pub mod search;
pub mod taxonomy;
pub mod week_grid;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::text::Description;

/// How long a capacity status holds when the site does not say.
pub const DEFAULT_CAPACITY_MINUTES: u32 = 12 * 60;
/// The shortest capacity expiry a site may set.
pub const MIN_CAPACITY_MINUTES: u32 = 15;
/// The longest capacity expiry a site may set: one week.
pub const MAX_CAPACITY_MINUTES: u32 = 7 * 24 * 60;
/// How long an assured listing stays verified before its next audit.
pub const AUDIT_INTERVAL_DAYS: i64 = 180;

/// The capacity a site can declare (EDXL-HAVE words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CapacityLevel {
    /// Taking patients as usual.
    Normal,
    /// No space for new patients.
    Full,
    /// Not taking patients at all.
    Closed,
}

impl CapacityLevel {
    /// The snake_case name used on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Full => "full",
            Self::Closed => "closed",
        }
    }

    /// Reads the stored name back.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "normal" => Some(Self::Normal),
            "full" => Some(Self::Full),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }
}

/// The capacity a reader sees: what the site declared, or `unknown` once the
/// declaration has expired or was never made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CapacityStatus {
    /// Taking patients as usual.
    Normal,
    /// No space for new patients.
    Full,
    /// Not taking patients at all.
    Closed,
    /// No current declaration.
    Unknown,
}

impl CapacityStatus {
    /// Whether a search for accepting sites keeps this one.
    pub fn may_accept(self) -> bool {
        matches!(self, Self::Normal | Self::Unknown)
    }
}

/// A site's declared capacity and when the declaration lapses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Capacity {
    /// What the site declared, if anything.
    pub level: Option<CapacityLevel>,
    /// When the declaration lapses.
    pub expires_at: Option<DateTime<Utc>>,
}

impl Capacity {
    /// The capacity as read at `now`: a lapsed declaration reads as unknown.
    pub fn status_at(&self, now: DateTime<Utc>) -> CapacityStatus {
        match (self.level, self.expires_at) {
            (Some(level), Some(expires_at)) if now < expires_at => match level {
                CapacityLevel::Normal => CapacityStatus::Normal,
                CapacityLevel::Full => CapacityStatus::Full,
                CapacityLevel::Closed => CapacityStatus::Closed,
            },
            _ => CapacityStatus::Unknown,
        }
    }
}

/// Why a capacity expiry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be between {MIN_CAPACITY_MINUTES} and {MAX_CAPACITY_MINUTES} minutes")]
pub struct CapacityExpiryError;

/// When a capacity declared at `now` lapses: after `minutes`, or after the
/// default twelve hours.
pub fn capacity_expiry(
    now: DateTime<Utc>,
    minutes: Option<u32>,
) -> Result<DateTime<Utc>, CapacityExpiryError> {
    let minutes = minutes.unwrap_or(DEFAULT_CAPACITY_MINUTES);
    if !(MIN_CAPACITY_MINUTES..=MAX_CAPACITY_MINUTES).contains(&minutes) {
        return Err(CapacityExpiryError);
    }
    Ok(now + Duration::minutes(i64::from(minutes)))
}

/// How far a listing can be trusted: when a coordinator last assured it and
/// when it is due to be checked again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accuracy {
    /// When a network admin last confirmed the listing, if ever.
    pub assured_at: Option<DateTime<Utc>>,
    /// When the listing must be checked again.
    pub next_audit_due: DateTime<Utc>,
}

impl Accuracy {
    /// Whether the listing counts as verified at `now`: assured once and not
    /// yet due for its next audit. Everything else shows as unverified.
    pub fn verified_at(&self, now: DateTime<Utc>) -> bool {
        self.assured_at.is_some() && now < self.next_audit_due
    }

    /// The accuracy after a coordinator assures the listing at `now`.
    pub fn assured(now: DateTime<Utc>) -> Self {
        Self {
            assured_at: Some(now),
            next_audit_due: now + Duration::days(AUDIT_INTERVAL_DAYS),
        }
    }
}

/// Structured service limitations, plus free text for the rest.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Limitations {
    /// Heaviest patient accepted, in grams.
    #[serde(default)]
    pub max_weight_grams: Option<u32>,
    /// Does not take wildlife, whatever its species list says.
    #[serde(default)]
    pub no_wildlife: bool,
    /// Takes patients only on referral from another clinic.
    #[serde(default)]
    pub referral_only: bool,
    /// The owner must pay a deposit before treatment.
    #[serde(default)]
    pub deposit_required: bool,
    /// Anything else worth knowing before sending an animal.
    #[serde(default)]
    pub notes: Option<Description>,
}

/// Who takes a site's cases while it is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Cover {
    /// Another site of the network, followed only while it is open.
    Site {
        /// The covering site.
        site_id: Uuid,
    },
    /// An on-call service reachable by phone whenever the site is closed.
    OnCall {
        /// Who answers, e.g. "Avon Exotics on-call vet".
        name: String,
        /// The number to call.
        phone: String,
    },
}

/// Whether a site can be reached at the instant a search asks about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Availability {
    /// Open; `until` is when it closes (absent when it never does).
    Open {
        /// When it closes next.
        until: Option<DateTime<Utc>>,
    },
    /// Closed, but its after-hours cover takes cases.
    Covered {
        /// The covering site, when the cover is a site of the network.
        site_id: Option<Uuid>,
        /// Who covers.
        name: String,
        /// The number to call for the cover.
        phone: Option<String>,
        /// When the cover ends (the site reopens or the cover closes).
        until: Option<DateTime<Utc>>,
    },
    /// Closed and not covered; `opens_at` is when it opens next.
    Closed {
        /// When it opens next.
        opens_at: Option<DateTime<Utc>>,
    },
    /// The hours do not say (none published, or "by appointment").
    Unknown,
}

impl Availability {
    /// Whether the site (or its cover) takes cases at that instant.
    pub fn reachable(&self) -> bool {
        matches!(self, Self::Open { .. } | Self::Covered { .. })
    }
}

/// What kind of fact a match reason states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    /// Open at the requested time.
    Open,
    /// Closed but covered after hours.
    Covered,
    /// The site is also the after-hours cover of a closed site, which is
    /// not listed again.
    CoveringFor,
    /// Closed and not covered.
    Closed,
    /// Hours unknown.
    HoursUnknown,
    /// Distance from the requested point.
    Distance,
    /// A requested capability the site has.
    Capability,
    /// The requested species is accepted.
    Species,
    /// The declared capacity.
    Capacity,
    /// Verified by a coordinator, or not.
    Verification,
    /// A limitation the caller should know about.
    Limitation,
    /// The search text matched.
    Text,
}

/// One reason a result matched, as a fact people can read at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reason {
    /// What kind of fact this is.
    pub kind: ReasonKind,
    /// The fact, e.g. "open until 22:00", "4.2 km", "Oxygen cage".
    pub text: String,
}

impl Reason {
    /// A reason of `kind` saying `text`.
    pub fn new(kind: ReasonKind, text: impl Into<String>) -> Self {
        Self {
            kind,
            text: text.into(),
        }
    }
}

/// Why a coordinate was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be between -{0} and {0} degrees")]
pub struct CoordinateError(u8);

/// A WGS 84 latitude in degrees, −90 to 90.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = f64, example = 51.4545))]
#[serde(try_from = "f64", into = "f64")]
pub struct Latitude(f64);

/// A WGS 84 longitude in degrees, −180 to 180.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = f64, example = -2.5879))]
#[serde(try_from = "f64", into = "f64")]
pub struct Longitude(f64);

macro_rules! coordinate {
    ($name:ident, $bound:literal) => {
        impl $name {
            /// Checks the range and builds the coordinate.
            pub fn parse(degrees: f64) -> Result<Self, CoordinateError> {
                if degrees.is_finite() && (-$bound..=$bound).contains(&degrees) {
                    Ok(Self(degrees))
                } else {
                    Err(CoordinateError($bound as u8))
                }
            }

            /// The degrees.
            pub fn degrees(self) -> f64 {
                self.0
            }
        }

        impl TryFrom<f64> for $name {
            type Error = CoordinateError;

            fn try_from(value: f64) -> Result<Self, Self::Error> {
                Self::parse(value)
            }
        }

        impl From<$name> for f64 {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    };
}

coordinate!(Latitude, 90.0);
coordinate!(Longitude, 180.0);

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap() + Duration::hours(hours)
    }

    #[test]
    fn an_expired_capacity_reads_as_unknown() {
        let capacity = Capacity {
            level: Some(CapacityLevel::Full),
            expires_at: Some(at(2)),
        };
        assert_eq!(capacity.status_at(at(1)), CapacityStatus::Full);
        assert_eq!(capacity.status_at(at(2)), CapacityStatus::Unknown);
        assert_eq!(
            Capacity::default().status_at(at(0)),
            CapacityStatus::Unknown
        );
    }

    #[test]
    fn capacity_expiry_defaults_to_twelve_hours_and_is_bounded() {
        assert_eq!(capacity_expiry(at(0), None), Ok(at(12)));
        assert_eq!(capacity_expiry(at(0), Some(60)), Ok(at(1)));
        assert!(capacity_expiry(at(0), Some(5)).is_err());
        assert!(capacity_expiry(at(0), Some(MAX_CAPACITY_MINUTES + 1)).is_err());
    }

    #[test]
    fn a_listing_is_verified_only_between_assurance_and_its_next_audit() {
        let never = Accuracy {
            assured_at: None,
            next_audit_due: at(100),
        };
        assert!(!never.verified_at(at(0)));
        let assured = Accuracy::assured(at(0));
        assert!(assured.verified_at(at(1)));
        assert!(!assured.verified_at(at(24 * AUDIT_INTERVAL_DAYS)));
    }
}

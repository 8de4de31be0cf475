//! The gazetteer on the wire: looking a place up by postcode or name, and
//! the summary of a load.

use serde::{Deserialize, Serialize};

pub use warren_domain::places::{GazetteerFormat, Place, PlaceKind};

/// A lookup: `GET /api/v1/public/places?q=BS1 5TR`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct PlaceLookup {
    /// A postcode (`BS1 5TR`, `bs15tr`), an outward code (`BS1`) or a
    /// place name (`Weston-super-Mare`, or its start).
    pub q: String,
    /// Candidates at most, 1–20 (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// The places a lookup may mean, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceList {
    /// The candidates; empty when nothing matches.
    pub items: Vec<Place>,
}

/// Options of a gazetteer load: `POST /api/v1/places/imports?format=…`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct GazetteerLoadQuery {
    /// `postal_codes` or `places`; by default told from the first row's
    /// number of columns (12 or 19).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<GazetteerFormat>,
}

/// What a gazetteer load did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GazetteerLoadSummary {
    /// The dump the file was read as.
    pub format: GazetteerFormat,
    /// The countries the file covers: their entries of this format were
    /// replaced.
    pub countries: Vec<String>,
    /// Entries loaded.
    pub loaded: u64,
    /// Entries of earlier loads that these replaced.
    pub replaced: u64,
}

//! The public report: the network's monthly figures for owners, funders and
//! partner websites, with every count built from fewer than five cases
//! suppressed.

use serde::{Deserialize, Serialize};
pub use warren_domain::report::{MIN_CASES, MonthFigures, PublicReport, ReportRow, ReportTable};

/// Which months the report covers: `YYYY-MM` to `YYYY-MM`, both included;
/// by default the twelve months up to the current one. At most 36 months.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// The first month, `YYYY-MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The last month, `YYYY-MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

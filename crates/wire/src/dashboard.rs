//! The golden-hour dashboard: figures and the table behind every chart, for
//! one organization or the whole network, over a period.

use serde::{Deserialize, Serialize};
use uuid::Uuid;
pub use warren_domain::dashboard::{
    Dashboard, DashboardFigures, Granularity, MAX_PERIOD_DAYS, TABLES, Table, TableRow,
};

/// Which figures: a period of days and, optionally, one organization.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct DashboardQuery {
    /// First day, `YYYY-MM-DD`, inclusive (default: the first day of last
    /// month), UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`, inclusive (default: the last day of last
    /// month), UTC. The period covers at most two years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// One organization (its admins, or network admins); absent: the whole
    /// network (network admins only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<Uuid>,
}

/// One table of the dashboard as CSV: the table's name and the dashboard's
/// period and organization.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct DashboardCsvQuery {
    /// The table's name, e.g. `cases_by_tier` (see `Dashboard.tables`).
    pub table: String,
    /// First day, `YYYY-MM-DD`, inclusive (default: the first day of last
    /// month), UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`, inclusive (default: the last day of last
    /// month), UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// One organization; absent: the whole network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<Uuid>,
}

impl DashboardCsvQuery {
    /// The dashboard the table belongs to.
    pub fn dashboard(&self) -> DashboardQuery {
        DashboardQuery {
            from: self.from.clone(),
            to: self.to.clone(),
            organization_id: self.organization_id,
        }
    }
}

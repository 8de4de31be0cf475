//! Triage: the network's protocol and its versions, stateless evaluation,
//! and recorded assessments with their recommended destinations.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use warren_domain::directory::taxonomy::TermCode;

pub use warren_domain::triage::{Answer, Assessment, Protocol, Tier, Variant, VariantSign};

use crate::SearchHit;

/// One published version of the network's protocol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProtocolVersion {
    /// The version number.
    pub version: u32,
    /// When it was published.
    pub published_at: DateTime<Utc>,
    /// Who published it.
    pub published_by: String,
    /// What changed against the previous version, one line per change.
    pub changes: Vec<String>,
    /// The protocol itself.
    pub protocol: Protocol,
}

/// Every published version, newest first, without their bodies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProtocolVersionList {
    /// The versions, newest first.
    pub items: Vec<ProtocolVersionSummary>,
}

/// A published version in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProtocolVersionSummary {
    /// The version number.
    pub version: u32,
    /// When it was published.
    pub published_at: DateTime<Utc>,
    /// Who published it.
    pub published_by: String,
    /// What changed against the previous version.
    pub changes: Vec<String>,
}

/// Publishes a new version of the protocol (network admins). The version
/// number is assigned by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublishProtocolRequest {
    /// The new protocol; its `version` field is ignored.
    pub protocol: Protocol,
}

/// Answers to assess, without recording anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EvaluateRequest {
    /// The animal's species code, e.g. `small_mammal/guinea_pig`.
    pub species: TermCode,
    /// Answers by sign code.
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
}

/// An assessment to record for one's organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateAssessmentRequest {
    /// The animal's species code.
    pub species: TermCode,
    /// The patient's name or the finder's description ("adult hedgehog, road").
    #[serde(default)]
    pub patient: Option<String>,
    /// Answers by sign code.
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
    /// The site the animal is at, for recommended destinations nearby
    /// (default: the organization's first site).
    #[serde(default)]
    pub site_id: Option<Uuid>,
    /// The protocol version the answers were given under (default: the
    /// current one). A record made on a device that was offline keeps the
    /// version the device assessed with, even if a newer one was published
    /// meanwhile.
    #[serde(default)]
    pub protocol_version: Option<u32>,
}

/// A recorded assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessmentRecord {
    /// Stable identifier.
    pub id: Uuid,
    /// The organization that assessed.
    pub organization_id: Uuid,
    /// Who assessed.
    pub assessed_by: String,
    /// When.
    pub assessed_at: DateTime<Utc>,
    /// The animal's species.
    pub species: String,
    /// The patient.
    pub patient: Option<String>,
    /// The answers given.
    pub answers: BTreeMap<String, Answer>,
    /// The result, with the protocol version it used.
    pub result: Assessment,
    /// Where to send the animal: open or covered, accepting sites with the
    /// capabilities the case needs, nearest first.
    pub destinations: Vec<SearchHit>,
    /// The site whose own interventions were used, if it has a variant.
    pub variant_site_id: Option<Uuid>,
}

/// A site's own triage interventions, adapted to its kit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteTriageVariant {
    /// The site.
    pub site_id: Uuid,
    /// Its interventions per sign.
    pub variant: Variant,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Who changed it.
    pub updated_by: String,
}

/// A page of assessments, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessmentPage {
    /// The assessments on this page.
    pub items: Vec<AssessmentRecord>,
    /// Pass as `cursor` for older ones; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Paging for assessments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AssessmentQuery {
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Assessments per page, 1–200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

//! The triage protocol's published versions, recorded assessments and
//! sites' variants.

use warren_store::triage::{ProtocolRecord, RecordedAssessment, VariantRecord, VersionRecord};
use warren_store::utc;
use warren_wire::{AssessmentRecord, ProtocolVersion, ProtocolVersionSummary, SiteTriageVariant};

use super::{id, json, optional_id};
use crate::error::ApiError;

/// One published version of the network's protocol.
pub fn protocol_version(record: &ProtocolRecord) -> ProtocolVersion {
    ProtocolVersion {
        version: record.version,
        published_at: utc(record.published_at),
        published_by: record.published_by.clone(),
        changes: record.changes.clone(),
        protocol: record.protocol.clone(),
    }
}

/// A published version in a list, without its protocol.
pub fn protocol_version_summary(record: &VersionRecord) -> ProtocolVersionSummary {
    ProtocolVersionSummary {
        version: record.version,
        published_at: utc(record.published_at),
        published_by: record.published_by.clone(),
        changes: record.changes.clone(),
    }
}

/// A recorded assessment, with the destinations it recommended.
pub fn assessment(record: &RecordedAssessment) -> Result<AssessmentRecord, ApiError> {
    Ok(AssessmentRecord {
        id: id(&record.id)?,
        organization_id: id(&record.organization_id)?,
        assessed_by: record.assessed_by.clone(),
        assessed_at: utc(record.assessed_at),
        species: record.species.clone(),
        patient: record.patient.clone(),
        answers: record.answers.clone(),
        result: record.result.clone(),
        destinations: json("destinations", &record.destinations)?,
        variant_site_id: optional_id(record.variant_site_id.as_deref())?,
    })
}

/// A site's own triage interventions.
pub fn site_variant(record: &VariantRecord) -> Result<SiteTriageVariant, ApiError> {
    Ok(SiteTriageVariant {
        site_id: id(&record.site_id)?,
        variant: record.variant.clone(),
        updated_at: utc(record.updated_at),
        updated_by: record.updated_by.clone(),
    })
}

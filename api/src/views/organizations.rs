//! Organizations, in full and in short.

use warren_store::organizations::{OrganizationRecord, SummaryRecord};
use warren_store::utc;
use warren_wire::{Organization, OrganizationSummary};

use super::id;
use crate::error::ApiError;

/// An organization as its members and the network's admins read it.
pub fn organization(record: &OrganizationRecord) -> Result<Organization, ApiError> {
    Ok(Organization {
        id: id(&record.id)?,
        name: record.name.clone(),
        kind: record.kind,
        membership: record.membership,
        website: record.website.clone(),
        description: record.description.clone(),
        created_at: utc(record.created_at),
        updated_at: utc(record.updated_at),
        version: record.version,
    })
}

/// The short form of an organization, inside other answers.
pub fn organization_summary(record: &SummaryRecord) -> Result<OrganizationSummary, ApiError> {
    Ok(OrganizationSummary {
        id: id(&record.id)?,
        name: record.name.clone(),
        kind: record.kind,
        membership: record.membership,
    })
}

//! Alerts in a person's inbox and the acknowledgement chains of urgent ones.

use warren_domain::alerts::AcknowledgedVia;
use warren_store::alerts::{AlertRecord, ChainRecord};
use warren_store::utc;
use warren_wire::{Alert, ChainState};

use super::{id, optional_id};
use crate::error::ApiError;

/// Where an urgent alert's acknowledgement chain stands.
pub fn chain_state(record: &ChainRecord) -> Result<ChainState, ApiError> {
    Ok(ChainState {
        id: id(&record.id)?,
        tier: record.tier()?,
        steps: u32::try_from(record.step).unwrap_or(0),
        acknowledged_at: record.acknowledged_at.map(utc),
        acknowledged_by: record.acknowledged_by.clone(),
        acknowledged_via: record
            .acknowledged_via
            .as_deref()
            .and_then(AcknowledgedVia::parse),
        exhausted_at: record.exhausted_at.map(utc),
        closed_at: record.closed_at.map(utc),
        closed_reason: record.closed_reason.clone(),
    })
}

/// One alert in a person's inbox, with its chain (for urgent alerts).
pub fn alert(record: &AlertRecord, chain: Option<&ChainRecord>) -> Result<Alert, ApiError> {
    Ok(Alert {
        id: id(&record.id)?,
        kind: record.kind()?,
        urgent: record.urgent,
        title: record.title.clone(),
        body: record.body.clone(),
        link: record.link.clone(),
        organization_id: optional_id(record.organization_id.as_deref())?,
        referral_id: optional_id(record.referral_id.as_deref())?,
        delivery: record.delivery()?,
        created_at: utc(record.created_at),
        read_at: record.read_at.map(utc),
        chain: chain.map(chain_state).transpose()?,
    })
}

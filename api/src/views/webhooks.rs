//! Webhook endpoints and their deliveries.

use warren_store::StoreError;
use warren_store::utc;
use warren_store::webhooks::{DeliveryRecord, EndpointRecord};
use warren_wire::{Webhook, WebhookDelivery};

use super::{id, optional_id};
use crate::error::ApiError;

/// An endpoint, never its secret.
pub fn webhook(record: &EndpointRecord) -> Result<Webhook, ApiError> {
    Ok(Webhook {
        id: id(&record.id)?,
        organization_id: id(&record.organization_id)?,
        url: record.url.clone(),
        events: record.events()?,
        description: record.description.clone(),
        active: record.active,
        created_at: utc(record.created_at),
        created_by: record.created_by.clone(),
    })
}

/// One event owed to one endpoint, with how its attempts went and the body
/// exactly as it is sent.
pub fn delivery(record: &DeliveryRecord) -> Result<WebhookDelivery, ApiError> {
    Ok(WebhookDelivery {
        id: id(&record.id)?,
        webhook_id: id(&record.endpoint_id)?,
        event_id: id(&record.event_id)?,
        kind: record.kind.clone(),
        state: record.state()?,
        attempts: u32::try_from(record.attempts).unwrap_or(0),
        last_status: record
            .last_status
            .and_then(|status| u16::try_from(status).ok()),
        last_error: record.last_error.clone(),
        next_attempt_at: record.next_attempt_at.map(utc),
        delivered_at: record.delivered_at.map(utc),
        created_at: utc(record.created_at),
        redelivery_of: optional_id(record.redelivery_of.as_deref())?,
        payload: serde_json::from_str(&record.payload)
            .map_err(|error| StoreError::Corrupt(format!("delivery payload: {error}")))?,
    })
}

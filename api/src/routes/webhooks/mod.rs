//! Webhooks: an organization's endpoints for referral and loan events, their delivery
//! log, and redelivery. All of it is for the organization's admins. The job
//! that sends what the endpoints are owed is [`delivery`].

pub mod delivery;

use actix_web::{HttpResponse, delete, get, post, web};
use uuid::Uuid;
use warren_store::organizations;
use warren_store::webhooks::{self as store, NewEndpoint};
use warren_wire::{
    ALL_EVENTS, CreateWebhookRequest, CreatedWebhook, DeliveryPage, DeliveryQuery, EventKind,
    WebhookDelivery, WebhookList,
};

use crate::api::Api;
use crate::auth::new_secret;
use crate::error::{ApiError, BodyProblems, ObjectProblems};
use crate::extract::{IdempotencyKey, ValidJson};
use crate::routes::paging;
use crate::views::webhooks as views;
use warren_wire::ErrorCode;

/// An organization's webhook endpoints, newest first (its admins).
#[utoipa::path(
    operation_id = "list_webhooks",
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The organization.")),
    responses((status = 200, description = "Its endpoints, revoked ones included.", body = WebhookList), ObjectProblems)
)]
#[get("/organizations/{id}/webhooks")]
pub async fn list(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    api.who.require_admin(&id)?;
    let items = api
        .read(move |tx| {
            store::endpoints_of(tx, &id)?
                .iter()
                .map(views::webhook)
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(WebhookList { items }))
}

/// Register a webhook endpoint (the organization's admins; vetted organizations).
///
/// Warren then POSTs every referral event of the organization — as referrer
/// or as receiver — every loan event — as the item's owner or as the
/// borrower — and every step of its urgent alerts' chains, whose kind the
/// endpoint subscribed to (`*` for all) to `url`, with the event as the JSON
/// body (a `ReferralEvent` for `referral.*` kinds, a `LoanEvent` for
/// `loan.*` kinds, an `AlertEvent` for `alert.*` kinds) and these headers:
///
/// - `Warren-Event`: the event kind, e.g. `referral.created` or
///   `loan.preempted`;
/// - `Warren-Delivery`: the delivery's id (a redelivery has a new one);
/// - `Warren-Signature: t=<unix seconds>,v1=<signature>`, where the signature
///   is the lower-case hex HMAC-SHA256, keyed with the endpoint's `secret`
///   (the whole string, as UTF-8 bytes), of the timestamp, a `.`, and the
///   raw request body: `HMAC_SHA256(secret, "<t>.<body>")`.
///
/// To verify a delivery, take `t` and `v1` from the header, compute the HMAC
/// over `t`, `.` and the body bytes exactly as received (before any JSON
/// parsing), compare it with `v1` in constant time, and refuse deliveries
/// whose `t` is more than five minutes from your clock (a replay). For
/// example, in Python:
/// `hmac.compare_digest(hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest(), v1)`.
///
/// The `url` must reach a public address: loopback, private, link-local
/// and local names are refused with 422, and a host name that resolves only
/// to such addresses fails each delivery (unless the server is configured
/// with `WARREN_WEBHOOKS_TO_PRIVATE_ADDRESSES=true`).
///
/// Answer with any 2xx status within 10 seconds to acknowledge a delivery.
/// Anything else — another status, a redirect, no answer — is retried after
/// about 10 s, 30 s, 2 min, 10 min, 1 h, 6 h and 6 h; after 8 attempts the
/// delivery is marked `failed`. The delivery log lists every delivery and
/// an admin can redeliver any of them. Delivery is at least once, and
/// events may arrive out of order: deduplicate on the event's `id` and
/// order by its `at`.
///
/// The answer holds the `secret`, shown only this once. Honours
/// `Idempotency-Key`.
#[utoipa::path(
    operation_id = "create_webhook",
    tag = "webhooks",
    security(("bearer" = [])),
    request_body = CreateWebhookRequest,
    params(
        ("id" = Uuid, Path, description = "The organization."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "Endpoint registered; the secret is in the answer.", body = CreatedWebhook),
        (status = 409, description = "The organization is not vetted.", body = warren_wire::Problem, content_type = "application/problem+json"),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/organizations/{id}/webhooks")]
pub async fn create(
    api: Api,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreateWebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    api.who.require_admin(&id)?;
    let fingerprint = body.fingerprint().to_owned();
    let request = body.value;
    // `Website` checked the scheme; the full URL grammar is the HTTP client's.
    let Ok(url) = reqwest::Url::parse(request.url.as_str()) else {
        return Err(ApiError::invalid_field(
            "url",
            "must be a web address like https://example.org/warren",
        ));
    };
    if !api.state.config.webhooks_to_private_addresses
        && let Some(reason) = delivery::private_target(&url)
    {
        return Err(ApiError::invalid_field(
            "url",
            format!("must be a public address; {reason}"),
        ));
    }
    let events = subscriptions(request.events)?;
    api.create(key, fingerprint, move |tx| {
        organizations::find(tx, &id)?
            .membership
            .require_active("register webhooks")?;
        let secret = new_secret("whsec");
        let endpoint = NewEndpoint {
            organization_id: &id,
            url: request.url.as_str(),
            secret: &secret,
            events: &events,
            description: request.description.as_ref().map(|text| text.as_str()),
            created_by: &tx.who.actor.label,
        };
        let record = store::insert_endpoint(tx, &endpoint)?;
        let details = serde_json::json!({ "url": record.url, "events": events });
        tx.audit("webhook.created", "webhook", &record.id, Some(&id), details)?;
        Ok(CreatedWebhook {
            webhook: views::webhook(&record)?,
            secret,
        })
    })
    .await
}

/// The kinds asked for, sorted and without repeats; `*` stands alone.
fn subscriptions(mut events: Vec<EventKind>) -> Result<Vec<EventKind>, ApiError> {
    if events.is_empty() {
        return Err(ApiError::invalid_field(
            "events",
            "must name at least one event kind, or `*` for all",
        ));
    }
    if events.iter().any(|kind| kind.as_str() == ALL_EVENTS) {
        events.retain(|kind| kind.as_str() == ALL_EVENTS);
    }
    events.sort();
    events.dedup();
    Ok(events)
}

/// Revoke a webhook endpoint (the organization's admins): nothing more is
/// sent to it, and its deliveries still waiting are marked `failed`. Its
/// delivery log stays readable. Revoking twice is harmless.
#[utoipa::path(
    operation_id = "revoke_webhook",
    tag = "webhooks",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The organization."),
        ("webhook_id" = Uuid, Path, description = "The endpoint."),
    ),
    responses((status = 204, description = "Revoked."), ObjectProblems)
)]
#[delete("/organizations/{id}/webhooks/{webhook_id}")]
pub async fn revoke(api: Api, path: web::Path<(Uuid, Uuid)>) -> Result<HttpResponse, ApiError> {
    let (id, webhook_id) = path.into_inner();
    let (id, webhook_id) = (id.to_string(), webhook_id.to_string());
    api.who.require_admin(&id)?;
    api.write(move |tx| {
        let endpoint = store::find_endpoint(tx, &id, &webhook_id)?;
        if store::revoke_endpoint(tx, &id, &webhook_id)? {
            let details = serde_json::json!({ "url": endpoint.url });
            tx.audit(
                "webhook.revoked",
                "webhook",
                &webhook_id,
                Some(&id),
                details,
            )?;
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An endpoint's delivery log, newest first (the organization's admins):
/// each delivery's state, attempts, last answer or error, and payload.
#[utoipa::path(
    operation_id = "list_webhook_deliveries",
    tag = "webhooks",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The organization."),
        ("webhook_id" = Uuid, Path, description = "The endpoint."),
        DeliveryQuery,
    ),
    responses(
        (status = 200, description = "A page of deliveries.", body = DeliveryPage),
        (status = 400, description = "The cursor or limit is not valid.", body = warren_wire::Problem, content_type = "application/problem+json"),
        ObjectProblems,
    )
)]
#[get("/organizations/{id}/webhooks/{webhook_id}/deliveries")]
pub async fn deliveries(
    api: Api,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<DeliveryQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, webhook_id) = path.into_inner();
    let (id, webhook_id) = (id.to_string(), webhook_id.to_string());
    api.who.require_admin(&id)?;
    let query = query.into_inner();
    let limit = paging::limit(query.limit)?;
    let before = paging::id_cursor(query.cursor.as_deref())?;
    let items = api
        .read(move |tx| {
            store::find_endpoint(tx, &id, &webhook_id)?;
            store::deliveries_of(tx, &webhook_id, before.as_deref(), limit)?
                .iter()
                .map(views::delivery)
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    let (items, next_cursor) = paging::page(items, limit, |delivery: &WebhookDelivery| {
        delivery.id.to_string()
    });
    Ok(HttpResponse::Ok().json(DeliveryPage { items, next_cursor }))
}

/// Send a delivery's event again (the organization's admins).
///
/// Queues a new delivery of the same event, due at once, with its own id
/// and attempts; `redelivery_of` names the original, which stays in the log
/// as it was. The receiver sees the same event `id` again. Honours
/// `Idempotency-Key`.
#[utoipa::path(
    operation_id = "redeliver_webhook_delivery",
    tag = "webhooks",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The organization."),
        ("webhook_id" = Uuid, Path, description = "The endpoint."),
        ("delivery_id" = Uuid, Path, description = "The delivery to repeat."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The new delivery, pending.", body = WebhookDelivery),
        (status = 409, description = "The endpoint is revoked.", body = warren_wire::Problem, content_type = "application/problem+json"),
        ObjectProblems,
    )
)]
#[post("/organizations/{id}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    api: Api,
    path: web::Path<(Uuid, Uuid, Uuid)>,
    key: IdempotencyKey,
) -> Result<HttpResponse, ApiError> {
    let (id, webhook_id, delivery_id) = path.into_inner();
    let (id, webhook_id, delivery_id) = (
        id.to_string(),
        webhook_id.to_string(),
        delivery_id.to_string(),
    );
    api.who.require_admin(&id)?;
    let fingerprint = format!("redeliver {webhook_id} {delivery_id}");
    api.create(key, fingerprint, move |tx| {
        let endpoint = store::find_endpoint(tx, &id, &webhook_id)?;
        let original = store::find_delivery(tx, &webhook_id, &delivery_id)?;
        if !endpoint.active {
            return Err(ApiError::conflict(
                ErrorCode::WebhookRevoked,
                "The endpoint is revoked; register a new one to receive events.",
            ));
        }
        let delivery = store::redeliver(tx, &original)?;
        let details = serde_json::json!({
            "webhook_id": webhook_id,
            "redelivery_of": original.id,
            "event_id": original.event_id,
            "kind": original.kind,
        });
        let target = "webhook_delivery";
        tx.audit(
            "webhook.redelivered",
            target,
            &delivery.id,
            Some(&id),
            details,
        )?;
        views::delivery(&delivery)
    })
    .await
}

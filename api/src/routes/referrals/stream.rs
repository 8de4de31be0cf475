//! The live stream of referral events and the tickets that open it.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use warren_wire::StreamTicket;

use crate::auth::{Principal, StreamAccess};
use crate::error::{ApiError, RoleProblems};
use crate::events::LiveEvent;
use crate::state::AppState;

/// A ticket for the live event stream, valid for a minute. Browsers need
/// it because `EventSource` cannot send an `Authorization` header.
#[utoipa::path(
    operation_id = "create_stream_ticket",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, description = "The ticket.", body = StreamTicket), RoleProblems)
)]
#[post("/referral-events/tickets")]
pub async fn stream_ticket(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let organizations: Vec<String> = principal.access.organizations().cloned().collect();
    let ticket = state.tokens.issue_stream_ticket(
        &organizations,
        principal.access.is_network_admin(),
        principal.user.as_ref().map(|user| user.id.as_str()),
        TICKET_LIFETIME,
    )?;
    Ok(HttpResponse::Created().json(StreamTicket {
        ticket,
        expires_at: Utc::now() + TICKET_LIFETIME,
    }))
}

const TICKET_LIFETIME: Duration = Duration::from_secs(60);

/// Query of the live stream.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StreamQuery {
    /// A ticket from `POST /referral-events/tickets`.
    pub ticket: String,
}

/// The live stream of referral events for the caller's organizations
/// (server-sent events, `text/event-stream`): each `referral` event's `data`
/// is a `ReferralEvent`; each `alert` event's `data` is an `AlertNotice` of
/// a new or acknowledged alert of the person holding the ticket. A comment
/// every 15 s keeps proxies from closing it. Opened with a ticket instead
/// of a bearer token.
#[utoipa::path(
    operation_id = "referral_event_stream",
    tag = "referrals",
    security(("stream_ticket" = [])),
    params(StreamQuery),
    responses(
        (status = 200, description = "The event stream.", content_type = "text/event-stream", body = warren_wire::ReferralEvent),
        (status = 401, description = "The ticket is missing, expired or invalid."),
    )
)]
#[get("/referral-events")]
pub async fn event_stream(
    state: web::Data<AppState>,
    query: web::Query<StreamQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut ticket = state.tokens.verify_stream_ticket(&query.ticket)?;
    // Subscribe before reading the memberships, so a change in between is
    // heard rather than lost.
    let receiver = state.events.subscribe();
    narrow(&state, &mut ticket).await?;
    let keepalive = tokio::time::interval(Duration::from_secs(15));
    let events = futures_util::stream::unfold(
        (receiver, keepalive, ticket, true, state),
        |(mut receiver, mut keepalive, mut ticket, first, state)| async move {
            if first {
                let hello = web::Bytes::from_static(b"retry: 2000\n: connected\n\n");
                return Some((
                    Ok::<_, actix_web::Error>(hello),
                    (receiver, keepalive, ticket, false, state),
                ));
            }
            loop {
                tokio::select! {
                    event = receiver.recv() => match event {
                        Ok(LiveEvent::AccessChanged { user_id }) => {
                            if ticket.user_id() == Some(user_id.as_str())
                                && narrow(&state, &mut ticket).await.is_err()
                            {
                                return None;
                            }
                        }
                        Ok(event) => {
                            let Some(frame) = ticket.frame(&event) else {
                                continue;
                            };
                            return Some((Ok(web::Bytes::from(frame)), (receiver, keepalive, ticket, false, state)));
                        }
                        // A slow reader skipped some (perhaps a change of
                        // its holder's access): narrow, and tell it to reload.
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                            if narrow(&state, &mut ticket).await.is_err() {
                                return None;
                            }
                            let frame = web::Bytes::from_static(b"event: reload\ndata: {}\n\n");
                            return Some((Ok(frame), (receiver, keepalive, ticket, false, state)));
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    },
                    _ = keepalive.tick() => {
                        let frame = web::Bytes::from_static(b": keepalive\n\n");
                        return Some((Ok(frame), (receiver, keepalive, ticket, false, state)));
                    }
                }
            }
        },
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/event-stream"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(events))
}

/// Narrows a person's ticket to their memberships now (tickets of API keys
/// stay as signed: a revoked key's ticket lasts its minute).
async fn narrow(state: &web::Data<AppState>, ticket: &mut StreamAccess) -> Result<(), ApiError> {
    let Some(user_id) = ticket.user_id().map(str::to_owned) else {
        return Ok(());
    };
    let store = state.store.clone();
    let memberships = web::block(move || {
        store.read(|connection| warren_store::accounts::memberships_of(connection, &user_id))
    })
    .await??;
    ticket.narrow(&memberships);
    Ok(())
}

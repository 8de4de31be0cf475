//! A referral's record: its timeline and its case thread.

use actix_web::{HttpResponse, get, post, web};
use uuid::Uuid;
use warren_store::referrals as store;
use warren_store::{DbConnection, StoreResult};
use warren_wire::{CaseMessage, CaseThread, PostMessageRequest, Timeline};

use super::{acting_organization, load};
use crate::alerts::triggers::ChangedBy;
use crate::api::Api;
use crate::auth::actor_name;
use crate::error::{ApiError, BodyProblems, ObjectProblems};
use crate::extract::ValidJson;
use crate::views;

/// Reads `entries` of the referral `id` for a caller on either side of it
/// (404 for outsiders), each as `view` shows it.
async fn entries_of<R: 'static, T: Send + 'static>(
    api: Api,
    id: Uuid,
    entries: fn(&mut DbConnection, &str) -> StoreResult<Vec<R>>,
    view: fn(&R) -> Result<T, ApiError>,
) -> Result<Vec<T>, ApiError> {
    api.read(move |tx| {
        let (row, _) = load(tx, id)?;
        entries(tx, &row.id)?.iter().map(view).collect()
    })
    .await
}

/// A referral's timeline, oldest first: every move with who made it and
/// when, escalations, transport and the outcome.
#[utoipa::path(
    operation_id = "referral_timeline",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The referral.")),
    responses((status = 200, description = "The timeline.", body = Timeline), ObjectProblems)
)]
#[get("/referrals/{id}/timeline")]
pub async fn timeline(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let items = entries_of(api, id.into_inner(), store::timeline, |row| {
        Ok(views::timeline_entry(row))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Timeline { items }))
}

/// A referral's case thread, oldest first: the two sides' messages (the
/// tele-consult channel).
#[utoipa::path(
    operation_id = "list_referral_messages",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The referral.")),
    responses((status = 200, description = "The thread.", body = CaseThread), ObjectProblems)
)]
#[get("/referrals/{id}/messages")]
pub async fn messages(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let items = entries_of(
        api,
        id.into_inner(),
        store::messages,
        views::referrals::case_message,
    )
    .await?;
    Ok(HttpResponse::Ok().json(CaseThread { items }))
}

/// Write in a referral's case thread (members of either organization,
/// volunteers included).
#[utoipa::path(
    operation_id = "post_referral_message",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    request_body = PostMessageRequest,
    params(("id" = Uuid, Path, description = "The referral.")),
    responses(
        (status = 201, description = "The message.", body = CaseMessage),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/referrals/{id}/messages")]
pub async fn post_message(
    api: Api,
    id: web::Path<Uuid>,
    body: ValidJson<PostMessageRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, text) = (id.into_inner(), body.value.body.to_string());
    let message = api
        .write(move |tx| {
            let (row, side) = load(tx, id)?;
            let organization = acting_organization(&row, side).ok_or_else(|| {
                ApiError::Forbidden("Only the two organizations write in the case thread.".into())
            })?;
            let who = tx.who;
            let name = actor_name(who);
            let user_id = who.actor.user_id.as_deref();
            let message = store::post_message(tx, &row.id, organization, &name, user_id, &text)?;
            let details = serde_json::json!({ "message_id": message.id });
            tx.audit(
                "referral.message_posted",
                "referral",
                &row.id,
                Some(organization),
                details,
            )?;
            tx.raise("referral.message_posted", &row)?;
            let by = ChangedBy {
                user_id,
                name: &name,
            };
            let alerting = &tx.state.alerting;
            let (connection, raised) = tx.parts();
            alerting.case_message(connection, raised, &row, organization, by, &text)?;
            views::referrals::case_message(&message)
        })
        .await?;
    Ok(HttpResponse::Created().json(message))
}

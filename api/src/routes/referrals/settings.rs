//! The network's referral settings: answer times and whether transport legs
//! may be shared with every volunteer of the network.

use actix_web::{HttpResponse, get, put};
use warren_domain::referral::AnswerTimes;
use warren_store::referrals as store;
use warren_wire::{AnswerTimesSetting, TransportSharingRequest, TransportSharingSetting};

use crate::api::Api;
use crate::error::{ApiError, BodyProblems, RoleProblems};
use crate::extract::ValidJson;
use crate::views::referrals as views;

/// The network's answer times: how long a receiver has, per tier, to accept
/// before Warren escalates. Any signed-in member may read them.
#[utoipa::path(
    operation_id = "read_answer_times",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "The answer times.", body = AnswerTimesSetting), RoleProblems)
)]
#[get("/referral-answer-times")]
pub async fn answer_times(api: Api) -> Result<HttpResponse, ApiError> {
    let setting = api
        .read(|tx| {
            let (times, updated_at) = store::answer_times(tx)?;
            Ok(views::answer_times_setting(times, updated_at))
        })
        .await?;
    Ok(HttpResponse::Ok().json(setting))
}

/// Set the network's answer times (network admins). Each is 1 minute to a
/// week, and a more urgent tier never gets longer than a less urgent one.
/// Referrals already waiting keep the time they were sent with.
#[utoipa::path(
    operation_id = "set_answer_times",
    tag = "referrals",
    security(("bearer" = [])),
    request_body = warren_domain::referral::AnswerTimes,
    responses(
        (status = 200, description = "The answer times.", body = AnswerTimesSetting),
        RoleProblems,
        BodyProblems,
    )
)]
#[put("/referral-answer-times")]
pub async fn set_answer_times(
    api: Api,
    body: ValidJson<AnswerTimes>,
) -> Result<HttpResponse, ApiError> {
    api.who.require_network_admin("set answer times")?;
    let times = body.value;
    times
        .check()
        .map_err(|(field, message)| ApiError::invalid_field(field, message))?;
    let setting = api
        .write(move |tx| {
            let (times, updated_at) = store::set_answer_times(tx, &times)?;
            let setting = views::answer_times_setting(times, updated_at);
            let details = serde_json::to_value(times).unwrap_or_default();
            tx.audit(
                "referral.answer_times_set",
                "network",
                "answer_times",
                None,
                details,
            )?;
            Ok(setting)
        })
        .await?;
    Ok(HttpResponse::Ok().json(setting))
}

/// Whether organizations may share their transport legs with every
/// volunteer of the network (on unless a network admin turned it off). Any
/// signed-in member may read it.
#[utoipa::path(
    operation_id = "read_transport_sharing",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "The setting.", body = TransportSharingSetting), RoleProblems)
)]
#[get("/transport-sharing")]
pub async fn transport_sharing(api: Api) -> Result<HttpResponse, ApiError> {
    let setting = api
        .read(|tx| {
            let (share, updated_at) = store::transport_sharing(tx)?;
            Ok(views::transport_sharing_setting(share, updated_at))
        })
        .await?;
    Ok(HttpResponse::Ok().json(setting))
}

/// Turn the sharing of transport legs with the network's volunteers on or
/// off (network admins). Off, every leg reaches only the two organizations'
/// members, whatever each referrer chose; on again, the legs shared before
/// reach the network again.
#[utoipa::path(
    operation_id = "set_transport_sharing",
    tag = "referrals",
    security(("bearer" = [])),
    request_body = TransportSharingRequest,
    responses(
        (status = 200, description = "The setting.", body = TransportSharingSetting),
        RoleProblems,
        BodyProblems,
    )
)]
#[put("/transport-sharing")]
pub async fn set_transport_sharing(
    api: Api,
    body: ValidJson<TransportSharingRequest>,
) -> Result<HttpResponse, ApiError> {
    api.who
        .require_network_admin("decide whether transport legs are shared with the network")?;
    let share = body.value.share_with_network;
    let setting = api
        .write(move |tx| {
            let (shared, updated_at) = store::set_transport_sharing(tx, share)?;
            let setting = views::transport_sharing_setting(shared, updated_at);
            let details = serde_json::json!({ "share_with_network": share });
            tx.audit(
                "referral.transport_sharing_set",
                "network",
                "transport_sharing",
                None,
                details,
            )?;
            Ok(setting)
        })
        .await?;
    Ok(HttpResponse::Ok().json(setting))
}

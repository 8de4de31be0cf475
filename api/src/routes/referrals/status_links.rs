//! Status links for owners and finders, and the updates shared with them.
//!
//! The referring clinic (its admins, clinicians and staff) makes a link for
//! the person who brought the animal in and gives it to them to read aloud,
//! text or e-mail; the link needs no account. Its secret is 32 random bytes
//! in the link's `#` part, which browsers never send to a server (so it is
//! in no access log), and Warren keeps only its SHA-256. The page posts the
//! secret to `POST /api/v1/public/case-status`, rate-limited like the public
//! directory, and answers the same 404 for a secret that is unknown,
//! revoked or expired. What the page shows is
//! [`warren_domain::referral::status_link`]'s: plain words, the receiving
//! site's public details, what to bring, the expected wait for its urgency,
//! and only what the clinic chose to share — updates and the outcome — never
//! clinical notes, contacts or staff names.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use base64::Engine;
use chrono::Utc;
use uuid::Uuid;
use warren_domain::care::CareStage;
use warren_domain::directory::taxonomy::Taxonomy;
use warren_domain::referral::status_link::{self, CaseStage};
use warren_domain::referral::{Outcome, Party};
use warren_store::referrals::{self as store, ReferralRow};
use warren_store::status_links::{self as links, LinkRow, NewLink, UpdateRow};
use warren_store::{parse_id, utc};
use warren_wire::{
    CaseStatus, CaseStatusPlace, CaseStatusRequest, StatusLink, StatusLinkList, StatusLinkRequest,
    StatusUpdate, StatusUpdateList, StatusUpdateRequest,
};

use super::{acting_organization, forbid_volunteers, load};
use crate::api::{Api, Tx};
use crate::auth::actor_name;
use crate::error::{ApiError, BodyProblems, ObjectProblems, PublicProblems};
use crate::extract::ValidJson;
use crate::state::AppState;

/// A link's secret: 32 random bytes, URL-safe.
fn new_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// When `case` closed, if it did: the last change of its requests once none
/// is open.
fn closed_at(case: &[ReferralRow]) -> Result<Option<chrono::DateTime<Utc>>, ApiError> {
    for row in case {
        if row.status()?.is_open() {
            return Ok(None);
        }
    }
    Ok(case.iter().map(|row| row.updated_at).max().map(utc))
}

fn link_view(
    row: &LinkRow,
    expires_at: Option<chrono::DateTime<Utc>>,
) -> Result<StatusLink, ApiError> {
    Ok(StatusLink {
        id: parse_id(&row.id)?,
        referral_id: parse_id(&row.referral_id)?,
        label: row.label.clone(),
        what_to_bring: row.what_to_bring.clone(),
        share_updates: row.share_updates,
        share_outcome: row.share_outcome,
        created_by: row.created_by.clone(),
        created_at: utc(row.created_at),
        revoked_at: row.revoked_at.map(utc),
        expires_at,
        url: None,
    })
}

fn update_view(row: &UpdateRow) -> Result<StatusUpdate, ApiError> {
    Ok(StatusUpdate {
        id: parse_id(&row.id)?,
        organization_name: row.organization_name.clone(),
        body: row.body.clone(),
        at: utc(row.at),
    })
}

/// The cases a link on `case_id` follows: every case that carried the
/// animal's record, or the one case when it has none.
fn followed_cases(tx: &mut Tx, case_id: &str) -> Result<Vec<String>, ApiError> {
    let record = store::case_rows(tx, case_id)?
        .into_iter()
        .find_map(|row| row.record_id);
    Ok(match record {
        Some(record) => {
            let mut cases = warren_store::care::cases(tx, &record)?;
            if !cases.iter().any(|case| case == case_id) {
                cases.insert(0, case_id.to_owned());
            }
            cases
        }
        None => vec![case_id.to_owned()],
    })
}

/// The referral `id` for its referring side's admins, clinicians and staff
/// (404 for outsiders, 403 for the receiving side and volunteers).
fn referrer_only(tx: &mut Tx, id: Uuid) -> Result<ReferralRow, ApiError> {
    let (row, side) = load(tx, id)?;
    if side != Party::Referrer {
        return Err(ApiError::Forbidden(
            "Only the referring clinic gives the owner or finder a status link.".into(),
        ));
    }
    forbid_volunteers(tx.who, &row, side)?;
    Ok(row)
}

/// Make a status link for the owner or finder (the referring organization's
/// admins, clinicians and staff). The answer carries the link once: Warren
/// keeps only a digest of its secret.
#[utoipa::path(
    operation_id = "create_status_link",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    request_body = StatusLinkRequest,
    params(("id" = Uuid, Path, description = "The referral.")),
    responses(
        (status = 201, description = "The link, with its address.", body = StatusLink),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/referrals/{id}/status-links")]
pub async fn create_status_link(
    api: Api,
    id: web::Path<Uuid>,
    body: ValidJson<StatusLinkRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, request) = (id.into_inner(), body.value);
    let link = api
        .write(move |tx| {
            let row = referrer_only(tx, id)?;
            let token = new_token();
            let digest = crate::files::digest(token.as_bytes());
            let name = actor_name(tx.who);
            let created = links::insert(
                tx,
                &NewLink {
                    case_id: &row.case_id,
                    referral_id: &row.id,
                    organization_id: &row.referrer_org_id,
                    token_hash: &digest,
                    label: request.label.as_ref().map(|label| label.as_str()),
                    what_to_bring: request.what_to_bring.as_ref().map(|text| text.as_str()),
                    share_updates: request.share_updates,
                    share_outcome: request.share_outcome,
                    created_by: &name,
                },
            )?;
            tx.audit(
                "status_link.created",
                "referral",
                &row.id,
                Some(&row.referrer_org_id),
                serde_json::json!({
                    "link_id": created.id,
                    "share_updates": created.share_updates,
                    "share_outcome": created.share_outcome,
                }),
            )?;
            let case = store::case_rows(tx, &row.case_id)?;
            let mut link = link_view(&created, status_link::expires_at(closed_at(&case)?))?;
            link.url = Some(format!("{}/embed/status.html#{token}", tx.state.public_url));
            Ok(link)
        })
        .await?;
    Ok(HttpResponse::Created().json(link))
}

/// The status links of a referral's case (the referring organization's
/// admins, clinicians and staff), without their secrets.
#[utoipa::path(
    operation_id = "list_status_links",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The referral.")),
    responses((status = 200, description = "The links.", body = StatusLinkList), ObjectProblems)
)]
#[get("/referrals/{id}/status-links")]
pub async fn list_status_links(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let items = api
        .read(move |tx| {
            let row = referrer_only(tx, id)?;
            let case = store::case_rows(tx, &row.case_id)?;
            let expires = status_link::expires_at(closed_at(&case)?);
            links::of_case(tx, &row.case_id)?
                .iter()
                .map(|link| link_view(link, expires))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(StatusLinkList { items }))
}

/// Revoke a status link: it stops working at once (the referring
/// organization's admins, clinicians and staff).
#[utoipa::path(
    operation_id = "revoke_status_link",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    params(
        ("id" = Uuid, Path, description = "The referral."),
        ("link_id" = Uuid, Path, description = "The link."),
    ),
    responses((status = 204, description = "Revoked."), ObjectProblems)
)]
#[delete("/referrals/{id}/status-links/{link_id}")]
pub async fn revoke_status_link(
    api: Api,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, link_id) = path.into_inner();
    api.write(move |tx| {
        let row = referrer_only(tx, id)?;
        let link = links::one(tx, &link_id.to_string())?;
        if link.case_id != row.case_id {
            return Err(ApiError::NotFound);
        }
        links::revoke(tx, &link.id)?;
        tx.audit(
            "status_link.revoked",
            "referral",
            &row.id,
            Some(&row.referrer_org_id),
            serde_json::json!({ "link_id": link.id }),
        )?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Share an update with the owner or finder (the admins, clinicians and
/// staff of either organization): shown on the case's links that share
/// updates. Plain words; it is read by someone outside the network.
#[utoipa::path(
    operation_id = "post_status_update",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    request_body = StatusUpdateRequest,
    params(("id" = Uuid, Path, description = "The referral.")),
    responses(
        (status = 201, description = "The update.", body = StatusUpdate),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/referrals/{id}/status-updates")]
pub async fn post_status_update(
    api: Api,
    id: web::Path<Uuid>,
    body: ValidJson<StatusUpdateRequest>,
) -> Result<HttpResponse, ApiError> {
    let (id, text) = (id.into_inner(), body.value.body.to_string());
    let update = api
        .write(move |tx| {
            let (row, side) = load(tx, id)?;
            let organization = acting_organization(&row, side)
                .ok_or_else(|| {
                    ApiError::Forbidden(
                        "Only the two organizations share updates with the owner or finder.".into(),
                    )
                })?
                .to_owned();
            forbid_volunteers(tx.who, &row, side)?;
            let update = links::post_update(tx, &row.case_id, &organization, &text)?;
            tx.audit(
                "status_update.shared",
                "referral",
                &row.id,
                Some(&organization),
                serde_json::json!({ "update_id": update.id }),
            )?;
            update_view(&update)
        })
        .await?;
    Ok(HttpResponse::Created().json(update))
}

/// The updates shared with the owner or finder of a referral's case
/// (members of either organization).
#[utoipa::path(
    operation_id = "list_status_updates",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The referral.")),
    responses((status = 200, description = "The updates.", body = StatusUpdateList), ObjectProblems)
)]
#[get("/referrals/{id}/status-updates")]
pub async fn list_status_updates(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let items = api
        .read(move |tx| {
            let (row, _) = load(tx, id)?;
            links::updates(tx, std::slice::from_ref(&row.case_id))?
                .iter()
                .map(update_view)
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(StatusUpdateList { items }))
}

/// What a status link shows (no account needed; the secret is the
/// credential). The same 404 for a secret that is unknown, revoked or
/// expired. Rate-limited like the public directory.
#[utoipa::path(
    operation_id = "read_case_status",
    tag = "public",
    request_body = CaseStatusRequest,
    responses(
        (status = 200, description = "The case as the owner or finder may see it.", body = CaseStatus),
        (status = 404, description = "No such link, or it was revoked or has expired.", body = warren_wire::Problem, content_type = "application/problem+json"),
        BodyProblems,
        PublicProblems,
    )
)]
#[post("/case-status")]
pub async fn read_case_status(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: ValidJson<CaseStatusRequest>,
) -> Result<HttpResponse, ApiError> {
    crate::routes::public::admit(&state, &request).await?;
    let token = body.value.token;
    if token.is_empty() || token.len() > 100 {
        return Err(ApiError::NotFound);
    }
    let snapshot = crate::directory::snapshot(&state).await?;
    let digest = crate::files::digest(token.as_bytes());
    let status = Api::public(state)
        .read(move |tx| {
            let link = links::by_token_hash(tx, &digest)?;
            if link.revoked_at.is_some() {
                return Err(ApiError::NotFound);
            }
            // The link follows the animal: every case that carried its
            // record (handed to a hospital and back), the latest one a place
            // took speaking for where it is.
            let followed = followed_cases(tx, &link.case_id)?;
            let mut cases = Vec::new();
            for case_id in &followed {
                cases.push(store::case_rows(tx, case_id)?);
            }
            let every_row: Vec<ReferralRow> = cases.iter().flatten().cloned().collect();
            let expires_at = status_link::expires_at(closed_at(&every_row)?);
            if expires_at.is_some_and(|at| at <= Utc::now()) {
                return Err(ApiError::NotFound);
            }
            let mut case = store::case_rows(tx, &link.case_id)?;
            for candidate in cases.iter().rev() {
                let statuses = candidate
                    .iter()
                    .map(ReferralRow::status)
                    .collect::<Result<Vec<_>, _>>()?;
                if status_link::leading(&statuses).is_some() {
                    case = candidate.clone();
                    break;
                }
            }
            let statuses = case
                .iter()
                .map(ReferralRow::status)
                .collect::<Result<Vec<_>, _>>()?;
            let stage = status_link::stage(&statuses);
            let leading = status_link::leading(&statuses).map(|index| &case[index]);
            let place = match leading {
                Some(row) => {
                    let site = parse_id(&row.receiver_site_id)?;
                    snapshot.records.get(&site).map(|record| {
                        let public = crate::directory::public_site(record, &snapshot, Utc::now());
                        CaseStatusPlace {
                            name: public.name,
                            organization_name: public.organization_name,
                            address: public.address,
                            town: public.town,
                            postcode: public.postcode,
                            phone: public.public_phone,
                            opening_hours: public.opening_hours,
                            open_now: public.availability.reachable(),
                        }
                    })
                }
                None => None,
            };
            let (headline, detail) =
                status_link::plain_words(stage, place.as_ref().map(|place| place.name.as_str()));
            let first = case.first().ok_or(ApiError::NotFound)?;
            let species = snapshot
                .vocabulary()
                .label(Taxonomy::Species, &first.species)
                .to_owned();
            let from = store::Names::for_rows(tx, std::slice::from_ref(first))?
                .organization_name(&first.referrer_org_id);
            let expectation = match stage {
                CaseStage::Asking | CaseStage::Accepted => {
                    Some(status_link::expectation(first.tier()?))
                }
                _ => None,
            };
            let care = match case.iter().find_map(|row| row.record_id.clone()) {
                Some(record) => {
                    let care = CareStage::parse(&warren_store::care::one(tx, &record)?.stage)
                        .ok_or_else(|| {
                            ApiError::Internal("a stored care stage is unknown".into())
                        })?;
                    let shared = if care.is_end() {
                        link.share_outcome
                    } else {
                        link.share_updates
                    };
                    shared.then(|| care.plain_words().to_owned())
                }
                None => None,
            };
            let updates = if link.share_updates {
                links::updates(tx, &followed)?
                    .iter()
                    .map(update_view)
                    .collect::<Result<Vec<_>, _>>()?
            } else {
                Vec::new()
            };
            let outcome = match (link.share_outcome, leading) {
                (true, Some(row)) => row
                    .outcome
                    .as_deref()
                    .and_then(|text| serde_json::from_str::<Outcome>(text).ok())
                    .map(|outcome| status_link::outcome_words(outcome.kind).to_owned()),
                _ => None,
            };
            Ok(CaseStatus {
                stage,
                headline,
                detail,
                species,
                from,
                place,
                expectation,
                what_to_bring: link.what_to_bring,
                updates,
                outcome,
                care,
                expires_at,
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(status))
}

//! Referrals: sending a patient to other organizations, answering, the
//! timeline and case thread, transport, outcome, the boards, the network's
//! answer times and the live event stream.
//!
//! Only the two organizations in a referral (and network admins) know it
//! exists: anyone else gets 404. Who may make which move is the domain's
//! rule ([`warren_domain::referral::check_transition`]); a move the
//! lifecycle does not have is 409 naming both states.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, put, web};
use chrono::Utc;
use uuid::Uuid;
use warren_domain::referral::{
    MAX_RECEIVERS, Outcome, Party, ReferralStatus, TransportError, TransportStatus,
    check_needed_by, check_outcome, check_rejection, check_transition, check_window,
    choose_sharing,
};
use warren_domain::triage::Tier;
use warren_store::audit::{self, Change};
use warren_store::referrals::{self as store, Direction, NewReferral, OpenState, StatusChange};
use warren_store::{DbConnection, accounts, now, organizations};
use warren_wire::{
    AnswerTimesSetting, BusinessStatusRequest, CaseMessage, CaseThread, CreateReferralRequest,
    CreatedReferrals, PersonRef, PostMessageRequest, RecordOutcomeRequest, Referral,
    ReferralMetrics, ReferralMetricsQuery, ReferralPage, ReferralQuery, StreamTicket, Timeline,
    TransitionRequest, TransportLeg, TransportRequest, TransportSharingRequest,
    TransportSharingSetting,
};

use crate::alerts::Alerting;
use crate::alerts::triggers::ChangedBy;
use crate::auth::Principal;
use crate::directory::{Snapshot, snapshot};
use crate::error::{ApiError, BodyProblems, ObjectProblems, RoleProblems, VersionProblems};
use crate::extract::{IdempotencyKey, IfMatch, ValidJson, versioned};
use crate::idempotency::{self, Creation};
use crate::referrals::{
    Raised, acting_organization, actor_name, redact_for, require_decider, side, view,
};
use crate::routes::paging;
use crate::state::AppState;
use warren_wire::ErrorCode;

/// Send a patient to one to five sites of other vetted organizations (its
/// admins, clinicians and staff). Each receiver gets its own referral in one
/// case; the first to accept gets the patient and Warren withdraws the
/// others. Carries over an assessment's tier, result and needs in one step.
/// Honours `Idempotency-Key`.
#[utoipa::path(
    operation_id = "create_referral",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    request_body = CreateReferralRequest,
    params(
        ("id" = Uuid, Path, description = "The referring organization."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer."),
    ),
    responses(
        (status = 201, description = "The case and its referrals.", body = CreatedReferrals),
        (status = 409, description = "The case already has an open referral to that organization."),
        ObjectProblems,
        BodyProblems,
    )
)]
#[post("/organizations/{id}/referrals")]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    key: IdempotencyKey,
    body: ValidJson<CreateReferralRequest>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    principal.require_read(&organization)?;
    if !principal.access.can_act(&organization) {
        return Err(ApiError::Forbidden(
            "Only the organization's admins, clinicians and staff send referrals.".into(),
        ));
    }
    let creation = Creation {
        scope: principal.idempotency_scope(),
        key,
        fingerprint: format!("{organization}:{}", body.fingerprint()),
    };
    let request = body.value;
    if request.receivers.is_empty() || request.receivers.len() > MAX_RECEIVERS {
        return Err(ApiError::invalid_field(
            "receivers",
            format!("must name 1 to {MAX_RECEIVERS} sites"),
        ));
    }
    for (index, receiver) in request.receivers.iter().enumerate() {
        if request.receivers[..index].contains(receiver) {
            return Err(ApiError::invalid_field(
                &format!("receivers[{index}]"),
                "is listed twice",
            ));
        }
    }
    let snapshot = snapshot(&state).await?;
    if snapshot
        .vocabulary()
        .resolve_species(&request.species)
        .is_none()
    {
        return Err(ApiError::invalid_field(
            "species",
            "is not a species or group Warren knows",
        ));
    }
    let name = actor_name(&principal);
    let raised_outside = Arc::new(Mutex::new(Vec::new()));
    let raised_inside = raised_outside.clone();
    let alerting = state.alerting.clone();
    let answer = idempotency::create(&state, creation, move |connection| {
        // The referrer is vetted, so its sites are in the directory snapshot.
        let referrer_id = Uuid::parse_str(&organization).map_err(|_| ApiError::NotFound)?;
        let own_sites = snapshot.sites_of(referrer_id);
        let listed_as_vetted = own_sites
            .first()
            .and_then(|site| snapshot.records.get(site))
            .is_some_and(|record| record.membership.is_active());
        if !listed_as_vetted
            && !organizations::find(connection, &organization)?
                .membership
                .is_active()
        {
            return Err(ApiError::Forbidden(
                "Only vetted organizations send referrals.".into(),
            ));
        }
        let mut receivers = Vec::new();
        for (index, site_id) in request.receivers.iter().enumerate() {
            let field = format!("receivers[{index}]");
            let record = snapshot
                .records
                .get(site_id)
                .ok_or_else(|| ApiError::invalid_field(&field, "is not a site in the directory"))?;
            if record.organization_id.to_string() == organization {
                return Err(ApiError::invalid_field(
                    &field,
                    "is a site of the referring organization",
                ));
            }
            receivers.push(record);
        }
        let from_site = match request.from_site_id {
            Some(site_id) => Some(
                own_sites
                    .iter()
                    .copied()
                    .find(|id| *id == site_id)
                    .ok_or_else(|| {
                        ApiError::invalid_field(
                            "from_site_id",
                            "is not a site of this organization",
                        )
                    })?,
            ),
            None => own_sites.first().copied(),
        };
        let assessment = match request.assessment_id {
            Some(assessment_id) => {
                let record =
                    warren_store::triage::find_assessment(connection, &assessment_id.to_string())
                        .ok()
                        .filter(|record| record.organization_id.to_string() == organization)
                        .ok_or_else(|| {
                            ApiError::invalid_field(
                                "assessment_id",
                                "is not an assessment of this organization",
                            )
                        })?;
                Some(record)
            }
            None => None,
        };
        let priority: Tier = request
            .priority
            .or(assessment.as_ref().map(|record| record.result.tier.tier))
            .ok_or_else(|| {
                ApiError::invalid_field("priority", "is required without an assessment")
            })?;
        let capabilities: Vec<String> = if request.capabilities.is_empty() {
            assessment
                .as_ref()
                .map(|record| record.result.capabilities.clone())
                .unwrap_or_default()
        } else {
            request
                .capabilities
                .iter()
                .map(|code| code.as_str().to_owned())
                .collect()
        };
        let form = NewReferral::form(
            &request.patient,
            request.contact.as_ref(),
            assessment.as_ref().map(|record| &record.result),
            &capabilities,
            request.reason.to_string(),
            request.history.as_ref().map(ToString::to_string),
            request.medications.as_ref().map(ToString::to_string),
            request.allergies.as_ref().map(ToString::to_string),
        )?;
        let times = store::answer_times(connection)?.answer_times;
        let case_id = store::new_case_id();
        let at = now();
        let status = if request.draft {
            ReferralStatus::Draft
        } else {
            ReferralStatus::Requested
        };
        let mut raised = Raised::default();
        let mut rows = Vec::new();
        for receiver in receivers {
            let id = Uuid::now_v7().to_string();
            let new = NewReferral {
                id: id.clone(),
                case_id: case_id.clone(),
                status: status.as_str().to_owned(),
                business_status: request
                    .transport_needed
                    .then(|| "transport_to_be_arranged".to_owned()),
                priority: i32::from(priority.number()),
                referrer_org_id: organization.clone(),
                referrer_site_id: from_site.map(|site| site.to_string()),
                receiver_org_id: receiver.organization_id.to_string(),
                receiver_site_id: receiver.id.to_string(),
                species: request.species.as_str().to_owned(),
                patient: form.patient.clone(),
                contact: form.contact.clone(),
                reason: form.reason.clone(),
                history: form.history.clone(),
                medications: form.medications.clone(),
                allergies: form.allergies.clone(),
                assessment_id: request.assessment_id.map(|id| id.to_string()),
                triage: form.triage.clone(),
                capabilities: form.capabilities.clone(),
                escalated_from: None,
                escalation_level: 0,
                cover_tried: false,
                created_by: name.clone(),
                created_by_user_id: principal.actor.user_id.clone(),
                created_at: at,
                sent_at: (!request.draft).then_some(at),
                answer_due_at: (!request.draft)
                    .then(|| times.due(priority, Utc::now()).naive_utc()),
                updated_at: at,
            };
            let note = if request.draft {
                "Drafted.".to_owned()
            } else {
                format!("Sent to {}.", receiver.fields.name)
            };
            let row = store::insert(connection, &new, &note)?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "referral.created",
                    target_type: "referral",
                    target_id: &id,
                    organization_id: Some(&organization),
                    details: serde_json::json!({
                        "receiver_site_id": receiver.id,
                        "priority": priority.number(),
                        "status": status.as_str(),
                    }),
                },
            )?;
            if !request.draft {
                raised.raise(connection, "referral.created", &row)?;
                alerting.referral_arrived(connection, &mut raised, &row)?;
            }
            rows.push(row);
        }
        let names = known_names(&snapshot, &rows)
            .map_or_else(|| store::Names::for_rows(connection, &rows), Ok)?;
        let items = rows
            .iter()
            .map(|row| store::referral(row, &names, Some(Party::Referrer)))
            .collect::<Result<Vec<_>, _>>()?;
        raised_inside
            .lock()
            .map_err(|_| ApiError::Internal("event list poisoned".into()))?
            .extend(raised.0);
        Ok(CreatedReferrals {
            case_id: Uuid::parse_str(&case_id)
                .map_err(|error| ApiError::Internal(error.to_string()))?,
            items,
        })
    })
    .await?;
    let raised: Vec<_> = raised_outside
        .lock()
        .map(|mut raised| std::mem::take(&mut *raised))
        .unwrap_or_default();
    state.events.publish(raised);
    Ok(answer)
}

/// An organization's referral board (its members): `incoming`, `outgoing`
/// or both; open ones by default — including accepted referrals still
/// without an outcome — most urgent first, then oldest first, each with the
/// time it must be answered by while it waits.
#[utoipa::path(
    operation_id = "list_referrals",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The organization."), ReferralQuery),
    responses((status = 200, description = "A page of referrals.", body = ReferralPage), ObjectProblems)
)]
#[get("/organizations/{id}/referrals")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    query: web::Query<ReferralQuery>,
) -> Result<HttpResponse, ApiError> {
    let organization = id.into_inner().to_string();
    principal.require_read(&organization)?;
    let query = query.into_inner();
    let direction = match query.direction.as_deref() {
        None | Some("all") => Direction::Both,
        Some("incoming") => Direction::Incoming,
        Some("outgoing") => Direction::Outgoing,
        Some(_) => {
            return Err(ApiError::bad_request(
                ErrorCode::InvalidQuery,
                "box must be incoming, outgoing or all.",
            ));
        }
    };
    let open = match query.state.as_deref() {
        None | Some("open") => OpenState::Open,
        Some("closed") => OpenState::Closed,
        Some("all") => OpenState::Any,
        Some(_) => {
            return Err(ApiError::bad_request(
                ErrorCode::InvalidQuery,
                "state must be open, closed or all.",
            ));
        }
    };
    let tier = match query.tier {
        None => None,
        Some(number) => Some(Tier::from_number(number).ok_or_else(|| {
            ApiError::bad_request(ErrorCode::InvalidQuery, "tier must be between 1 and 5.")
        })?),
    };
    let offset = paging::offset(query.cursor.as_deref())?;
    let limit = paging::limit(query.limit)?;
    let page = web::block(move || {
        state.store.read(|connection| {
            let rows = store::board(
                connection,
                &organization,
                direction,
                open,
                tier,
                offset,
                limit + 1,
            )?;
            let names = store::Names::for_rows(connection, &rows)?;
            let mut items = Vec::with_capacity(rows.len());
            for row in &rows {
                let side = row
                    .side_of(std::iter::once(&organization))
                    .unwrap_or(Party::Coordinator);
                let mut referral = store::referral(row, &names, Some(side))?;
                redact_for(&principal, &organization, &mut referral);
                items.push(referral);
            }
            let more = items.len() as i64 > limit;
            items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
            Ok::<_, ApiError>(ReferralPage {
                items,
                next_cursor: more.then(|| (offset + limit).to_string()),
            })
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(page))
}

/// One referral, as the caller's side sees it (the two organizations and
/// network admins; 404 for anyone else), with its `ETag`.
#[utoipa::path(
    operation_id = "read_referral",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    params(("id" = Uuid, Path, description = "The referral.")),
    responses((status = 200, description = "The referral.", body = Referral), ObjectProblems)
)]
#[get("/referrals/{id}")]
pub async fn read(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let referral = web::block(move || {
        state.store.read(|connection| {
            let row = store::row(connection, &id)?;
            let side = side(&principal, &row)?;
            let mut referral = view(connection, &row, side)?;
            if let Some(organization) = acting_organization(&row, side) {
                redact_for(&principal, organization, &mut referral);
            }
            Ok::<_, ApiError>(referral)
        })
    })
    .await??;
    Ok(versioned(&referral, referral.version))
}

/// Runs a change on one referral in a transaction and publishes its events.
pub(crate) async fn change<F>(
    state: web::Data<AppState>,
    principal: Principal,
    id: Uuid,
    work: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(
            &mut DbConnection,
            &Principal,
            &store::ReferralRow,
            Party,
            &mut Raised,
        ) -> Result<(), ApiError>
        + Send
        + 'static,
{
    let id = id.to_string();
    let referral = web::block(move || {
        let (referral, raised) = state.store.write(|connection| {
            let row = store::row(connection, &id)?;
            let side = side(&principal, &row)?;
            let mut raised = Raised::default();
            work(connection, &principal, &row, side, &mut raised)?;
            let row = store::row(connection, &id)?;
            Ok::<_, ApiError>((view(connection, &row, side)?, raised))
        })?;
        state.events.publish(raised.0);
        Ok::<_, ApiError>(referral)
    })
    .await??;
    Ok(versioned(&referral, referral.version))
}

/// Move a referral (`If-Match` required): send a draft, receive, accept,
/// reject (with a reason), start (a vet has seen the patient), hold, fail,
/// cancel or mark entered in error. Only the receiving organization
/// receives, accepts and rejects; the referrer sends and cancels. When one
/// receiver accepts, Warren withdraws the case's other open requests.
#[utoipa::path(
    operation_id = "transition_referral",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    request_body = TransitionRequest,
    params(
        ("id" = Uuid, Path, description = "The referral."),
        ("If-Match" = String, Header, description = "The referral's ETag."),
    ),
    responses(
        (status = 200, description = "The referral after the move.", body = Referral),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[post("/referrals/{id}/transitions")]
pub async fn transition(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<TransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.value;
    let name = actor_name(&principal);
    let alerting = state.alerting.clone();
    change(state, principal, id.into_inner(), move |connection, principal, row, side, raised| {
        require_decider(principal, row, side)?;
        let from = row.status()?;
        check_transition(from, request.status, side)?;
        let reason = if request.status == ReferralStatus::Rejected {
            Some(check_rejection(request.reason, request.note.as_ref())?)
        } else {
            None
        };
        let answer_due_at = (request.status == ReferralStatus::Requested)
            .then(|| -> Result<_, ApiError> {
                let times = store::answer_times(connection)?.answer_times;
                Ok(times.due(row.tier()?, Utc::now()).naive_utc())
            })
            .transpose()?;
        let note = request.note.as_ref().map(ToString::to_string);
        store::change_status(
            connection,
            row,
            Some(version.0),
            &StatusChange {
                to: request.status,
                actor: &name,
                actor_user_id: principal.actor.user_id.as_deref(),
                reason,
                note: note.as_deref(),
                answer_due_at,
            },
        )?;
        audit::record(
            connection,
            &principal.actor,
            Change {
                action: "referral.status_changed",
                target_type: "referral",
                target_id: &row.id,
                organization_id: acting_organization(row, side),
                details: serde_json::json!({ "from": from.as_str(), "to": request.status.as_str() }),
            },
        )?;
        let after = store::row(connection, &row.id)?;
        raised.raise(connection, "referral.status_changed", &after)?;
        let by = ChangedBy {
            user_id: principal.actor.user_id.as_deref(),
            name: &name,
        };
        alerting.referral_moved(connection, raised, &after, from, by)?;
        if request.status == ReferralStatus::Accepted {
            withdraw_others(connection, &alerting, &after, raised)?;
        }
        Ok(())
    })
    .await
}

/// Withdraws the case's other open, unanswered requests once one receiver
/// has accepted.
fn withdraw_others(
    connection: &mut DbConnection,
    alerting: &Alerting,
    accepted: &store::ReferralRow,
    raised: &mut Raised,
) -> Result<(), ApiError> {
    for other in store::case_rows(connection, &accepted.case_id)? {
        let status = other.status()?;
        if other.id == accepted.id || !(status.awaits_answer() || status == ReferralStatus::Draft) {
            continue;
        }
        store::change_status(
            connection,
            &other,
            None,
            &StatusChange {
                to: ReferralStatus::Cancelled,
                actor: crate::referrals::WARREN,
                actor_user_id: None,
                reason: None,
                note: Some("Withdrawn: another site accepted the patient."),
                answer_due_at: None,
            },
        )?;
        let after = store::row(connection, &other.id)?;
        raised.raise(connection, "referral.status_changed", &after)?;
        let warren = ChangedBy {
            user_id: None,
            name: crate::referrals::WARREN,
        };
        alerting.referral_moved(connection, raised, &after, status, warren)?;
    }
    Ok(())
}

/// Record how the referral ended (the receiving organization, `If-Match`
/// required): treated and returned, admitted, transferred on, released,
/// died or euthanised, with a follow-up date. Completes the referral; the
/// referrer sees the outcome.
#[utoipa::path(
    operation_id = "record_referral_outcome",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    request_body = RecordOutcomeRequest,
    params(
        ("id" = Uuid, Path, description = "The referral."),
        ("If-Match" = String, Header, description = "The referral's ETag."),
    ),
    responses(
        (status = 200, description = "The completed referral.", body = Referral),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[put("/referrals/{id}/outcome")]
pub async fn record_outcome(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<RecordOutcomeRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.value;
    let name = actor_name(&principal);
    let alerting = state.alerting.clone();
    change(
        state,
        principal,
        id.into_inner(),
        move |connection, principal, row, side, raised| {
            require_decider(principal, row, side)?;
            check_outcome(row.status()?, side)?;
            let outcome = Outcome {
                kind: request.kind,
                note: request.note,
                follow_up_due: request.follow_up_due,
            };
            store::record_outcome(connection, row, version.0, &outcome, &name)?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "referral.outcome_recorded",
                    target_type: "referral",
                    target_id: &row.id,
                    organization_id: Some(&row.receiver_org_id),
                    details: serde_json::json!({ "outcome": outcome.kind.as_str() }),
                },
            )?;
            warren_store::alerts::set_follow_up_due(connection, &row.id, outcome.follow_up_due)?;
            let after = store::row(connection, &row.id)?;
            raised.raise(connection, "referral.outcome_recorded", &after)?;
            let by = ChangedBy {
                user_id: principal.actor.user_id.as_deref(),
                name: &name,
            };
            alerting.outcome_recorded(connection, raised, &after, by)
        },
    )
    .await
}

/// Arrange or change the transport leg (either organization, `If-Match`
/// required): pickup, drop-off, window, notes, a driver from either
/// organization's members, and the leg's status (`new → confirmed →
/// scheduled → completed | cancelled`). Moves the referral's business status
/// along. A leg without a driver is listed for the two organizations'
/// members; the referrer may also share it with every volunteer of the
/// network holding a valid transport skill (`share_with_network`, on by
/// default for tier 1–3; the receiver may not change it, 403). Past
/// `needed_by` with nobody driving, the referrer's side is alerted once.
#[utoipa::path(
    operation_id = "arrange_referral_transport",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    request_body = TransportRequest,
    params(
        ("id" = Uuid, Path, description = "The referral."),
        ("If-Match" = String, Header, description = "The referral's ETag."),
    ),
    responses(
        (status = 200, description = "The referral with its transport leg.", body = Referral),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[put("/referrals/{id}/transport")]
pub async fn arrange_transport(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<TransportRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.value;
    let name = actor_name(&principal);
    change(
        state,
        principal,
        id.into_inner(),
        move |connection, principal, row, side, raised| {
            require_decider(principal, row, side)?;
            if side == Party::Coordinator || !row.status()?.is_open() {
                return Err(ApiError::conflict(
                    ErrorCode::ReferralClosed,
                    "Transport is arranged by the two organizations while the referral is open."
                        .to_owned(),
                ));
            }
            check_window(request.window_starts, request.window_ends)?;
            let needed_by = request.needed_by.or(request.window_starts);
            check_needed_by(needed_by, request.window_ends)?;
            let current = row.transport()?;
            let shared_with_network = choose_sharing(
                side,
                current.as_ref().map(|leg| leg.shared_with_network),
                row.tier()?,
                request.share_with_network,
            )?;
            let from = current
                .as_ref()
                .map_or(TransportStatus::New, |leg| leg.status);
            let to = request.status.unwrap_or(from);
            if to != from {
                from.check_transition(to)?;
            }
            let driver = match request.driver_user_id {
                Some(user_id) => {
                    let user_id = user_id.to_string();
                    let member_of_either = [&row.referrer_org_id, &row.receiver_org_id]
                        .into_iter()
                        .any(|organization| {
                            accounts::role_of(connection, organization, &user_id).is_ok()
                        });
                    if !member_of_either {
                        return Err(ApiError::invalid_field(
                            "driver_user_id",
                            "is not a member of either organization",
                        ));
                    }
                    let user = accounts::find_user(connection, &user_id)?;
                    Some(PersonRef {
                        user_id: Uuid::parse_str(&user.id)
                            .map_err(|error| ApiError::Internal(error.to_string()))?,
                        name: user.name,
                    })
                }
                None => None,
            };
            if to == TransportStatus::Scheduled && driver.is_none() {
                return Err(ApiError::from(TransportError::DriverRequired));
            }
            let leg = TransportLeg {
                status: to,
                pickup: request.pickup.to_string(),
                dropoff: request.dropoff.to_string(),
                window_starts: request.window_starts,
                window_ends: request.window_ends,
                notes: request.notes.as_ref().map(ToString::to_string),
                driver,
                shared_with_network,
                needed_by,
            };
            let note = match (&leg.driver, to) {
                (Some(driver), TransportStatus::Scheduled) => {
                    format!(
                        "Transport scheduled: {} drives from {} to {}.",
                        driver.name, leg.pickup, leg.dropoff
                    )
                }
                _ => format!(
                    "Transport {}: {} → {}.",
                    to.label().to_lowercase(),
                    leg.pickup,
                    leg.dropoff
                ),
            };
            store::set_transport(connection, row, version.0, &leg, &name, &note)?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "referral.transport_changed",
                    target_type: "referral",
                    target_id: &row.id,
                    organization_id: acting_organization(row, side),
                    details: serde_json::json!({ "status": to.as_str() }),
                },
            )?;
            let after = store::row(connection, &row.id)?;
            raised.raise(connection, "referral.transport_changed", &after)
        },
    )
    .await
}

/// Set the transport step shown on the referral (either organization,
/// `If-Match` required): to be arranged, to be picked up, in transit,
/// arrived.
#[utoipa::path(
    operation_id = "set_referral_business_status",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    request_body = BusinessStatusRequest,
    params(
        ("id" = Uuid, Path, description = "The referral."),
        ("If-Match" = String, Header, description = "The referral's ETag."),
    ),
    responses(
        (status = 200, description = "The referral.", body = Referral),
        ObjectProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[put("/referrals/{id}/business-status")]
pub async fn set_business_status(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    version: IfMatch,
    body: ValidJson<BusinessStatusRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.value;
    let name = actor_name(&principal);
    change(state, principal, id.into_inner(), move |connection, principal, row, side, raised| {
        if side == Party::Coordinator || !row.status()?.is_open() {
            return Err(ApiError::conflict(
                ErrorCode::ReferralClosed,
                "The transport step is set by the two organizations while the referral is open.".to_owned(),
            ));
        }
        store::set_business_status(connection, row, version.0, request.business_status, &name)?;
        audit::record(
            connection,
            &principal.actor,
            Change {
                action: "referral.business_status_set",
                target_type: "referral",
                target_id: &row.id,
                organization_id: acting_organization(row, side),
                details: serde_json::json!({ "business_status": request.business_status.as_str() }),
            },
        )?;
        let after = store::row(connection, &row.id)?;
        raised.raise(connection, "referral.updated", &after)
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
pub async fn timeline(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let timeline = web::block(move || {
        state.store.read(|connection| {
            let row = store::row(connection, &id)?;
            side(&principal, &row)?;
            Ok::<_, ApiError>(Timeline {
                items: store::timeline(connection, &id)?,
            })
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(timeline))
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
pub async fn messages(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let thread = web::block(move || {
        state.store.read(|connection| {
            let row = store::row(connection, &id)?;
            side(&principal, &row)?;
            Ok::<_, ApiError>(CaseThread {
                items: store::messages(connection, &id)?,
            })
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(thread))
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
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<Uuid>,
    body: ValidJson<PostMessageRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().to_string();
    let text = body.value.body.to_string();
    let name = actor_name(&principal);
    let message = web::block(move || {
        let (message, raised) = state.store.write(|connection| {
            let row = store::row(connection, &id)?;
            let side = side(&principal, &row)?;
            let organization = acting_organization(&row, side).ok_or_else(|| {
                ApiError::Forbidden("Only the two organizations write in the case thread.".into())
            })?;
            let message = store::post_message(
                connection,
                &id,
                organization,
                &name,
                principal.actor.user_id.as_deref(),
                &text,
            )?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "referral.message_posted",
                    target_type: "referral",
                    target_id: &id,
                    organization_id: Some(organization),
                    details: serde_json::json!({ "message_id": message.id }),
                },
            )?;
            let mut raised = Raised::default();
            raised.raise(connection, "referral.message_posted", &row)?;
            let by = ChangedBy {
                user_id: principal.actor.user_id.as_deref(),
                name: &name,
            };
            state
                .alerting
                .case_message(connection, &mut raised, &row, organization, by, &text)?;
            Ok::<_, ApiError>((message, raised))
        })?;
        state.events.publish(raised.0);
        Ok::<_, ApiError>(message)
    })
    .await??;
    Ok(HttpResponse::Created().json(message))
}

/// The network's answer times: how long a receiver has, per tier, to accept
/// before Warren escalates. Any signed-in member may read them.
#[utoipa::path(
    operation_id = "read_answer_times",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "The answer times.", body = AnswerTimesSetting), RoleProblems)
)]
#[get("/referral-answer-times")]
pub async fn answer_times(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let _ = principal;
    let setting = web::block(move || state.store.read(store::answer_times)).await??;
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
    state: web::Data<AppState>,
    principal: Principal,
    body: ValidJson<warren_domain::referral::AnswerTimes>,
) -> Result<HttpResponse, ApiError> {
    if !principal.access.is_network_admin() {
        return Err(ApiError::Forbidden(
            "Only network admins set answer times.".into(),
        ));
    }
    let times = body.value;
    times
        .check()
        .map_err(|(field, message)| ApiError::invalid_field(field, message))?;
    let setting = web::block(move || {
        state.store.write(|connection| {
            let setting = store::set_answer_times(connection, &times)?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "referral.answer_times_set",
                    target_type: "network",
                    target_id: "answer_times",
                    organization_id: None,
                    details: serde_json::to_value(times).unwrap_or_default(),
                },
            )?;
            Ok::<_, ApiError>(setting)
        })
    })
    .await??;
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
pub async fn transport_sharing(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let _ = principal;
    let setting = web::block(move || state.store.read(store::transport_sharing)).await??;
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
    state: web::Data<AppState>,
    principal: Principal,
    body: ValidJson<TransportSharingRequest>,
) -> Result<HttpResponse, ApiError> {
    if !principal.access.is_network_admin() {
        return Err(ApiError::Forbidden(
            "Only network admins decide whether transport legs are shared with the network.".into(),
        ));
    }
    let share = body.value.share_with_network;
    let setting = web::block(move || {
        state.store.write(|connection| {
            let setting = store::set_transport_sharing(connection, share)?;
            audit::record(
                connection,
                &principal.actor,
                Change {
                    action: "referral.transport_sharing_set",
                    target_type: "network",
                    target_id: "transport_sharing",
                    organization_id: None,
                    details: serde_json::json!({ "share_with_network": share }),
                },
            )?;
            Ok::<_, ApiError>(setting)
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(setting))
}

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
    let ticket = state.tokens.verify_stream_ticket(&query.ticket)?;
    let receiver = state.events.subscribe();
    let keepalive = tokio::time::interval(Duration::from_secs(15));
    let events = futures_util::stream::unfold(
        (receiver, keepalive, ticket, true),
        |(mut receiver, mut keepalive, ticket, first)| async move {
            if first {
                let hello = web::Bytes::from_static(b"retry: 2000\n: connected\n\n");
                return Some((
                    Ok::<_, actix_web::Error>(hello),
                    (receiver, keepalive, ticket, false),
                ));
            }
            loop {
                tokio::select! {
                    event = receiver.recv() => match event {
                        Ok(event) => {
                            let Some(frame) = ticket.frame(&event) else {
                                continue;
                            };
                            return Some((Ok(web::Bytes::from(frame)), (receiver, keepalive, ticket, false)));
                        }
                        // A slow reader skipped some: tell it to reload.
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                            let frame = web::Bytes::from_static(b"event: reload\ndata: {}\n\n");
                            return Some((Ok(frame), (receiver, keepalive, ticket, false)));
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    },
                    _ = keepalive.tick() => {
                        let frame = web::Bytes::from_static(b": keepalive\n\n");
                        return Some((Ok(frame), (receiver, keepalive, ticket, false)));
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

/// Referral figures for a period (the dashboard's source): per tier, per
/// receiving site, decline reasons and escalations, with time to receive,
/// to accept and to first vet, and the acceptance rate. Network admins see
/// the whole network or any organization; an organization's admins see
/// their own, incoming or outgoing.
#[utoipa::path(
    operation_id = "referral_metrics",
    tag = "referrals",
    security(("bearer" = []), ("api_key" = [])),
    params(ReferralMetricsQuery),
    responses((status = 200, description = "The figures.", body = ReferralMetrics), ObjectProblems)
)]
#[get("/referral-metrics")]
pub async fn metrics(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<ReferralMetricsQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let organization = query.organization_id.map(|id| id.to_string());
    match &organization {
        Some(organization) => principal.require_admin(organization)?,
        None if principal.access.is_network_admin() => {}
        None => {
            return Err(ApiError::Forbidden(
                "Only network admins see the whole network's figures.".into(),
            ));
        }
    }
    let receiving = match query.direction.as_deref() {
        None | Some("incoming") => true,
        Some("outgoing") => false,
        Some(_) => {
            return Err(ApiError::bad_request(
                ErrorCode::InvalidQuery,
                "box must be incoming or outgoing.",
            ));
        }
    };
    let today = Utc::now().date_naive();
    let to = query.to.unwrap_or(today);
    let from = query.from.unwrap_or(to - chrono::Duration::days(29));
    if from > to || (to - from).num_days() > 3660 {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            "from must not be after to, and the period at most ten years.",
        ));
    }
    let metrics = web::block(move || {
        state.store.read(|connection| {
            let timings = store::timings(
                connection,
                organization.as_deref(),
                receiving,
                from.and_time(chrono::NaiveTime::MIN),
                (to + chrono::Duration::days(1)).and_time(chrono::NaiveTime::MIN),
            )?;
            let summary = warren_domain::referral::metrics::summarize(&timings);
            let ids: Vec<String> = summary
                .by_site
                .iter()
                .map(|site| site.site_id.to_string())
                .collect();
            let site_names = store::site_names(connection, &ids)?
                .into_iter()
                .filter_map(|(id, name)| Uuid::parse_str(&id).ok().map(|id| (id, name)))
                .collect();
            Ok::<_, ApiError>(ReferralMetrics {
                from,
                to,
                organization_id: query.organization_id,
                summary,
                site_names,
            })
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(metrics))
}

/// The names of `rows`' organizations and sites from the directory snapshot,
/// when every one of them is listed there (a new referral's always are,
/// unless the referrer has no listed site).
fn known_names(snapshot: &Snapshot, rows: &[store::ReferralRow]) -> Option<store::Names> {
    let mut organizations = HashMap::new();
    let mut sites = HashMap::new();
    for row in rows {
        let sites_of_row = [row.referrer_site_id.as_deref(), Some(&row.receiver_site_id)];
        for site_id in sites_of_row.into_iter().flatten() {
            let record = snapshot.records.get(&Uuid::parse_str(site_id).ok()?)?;
            organizations.insert(
                record.organization_id.to_string(),
                record.organization_name.clone(),
            );
            sites.insert(
                site_id.to_owned(),
                (
                    record.fields.name.clone(),
                    record
                        .fields
                        .referral_phone
                        .clone()
                        .or_else(|| record.fields.private_phone.clone())
                        .or_else(|| record.fields.public_phone.clone()),
                ),
            );
        }
        for organization in [&row.referrer_org_id, &row.receiver_org_id] {
            if !organizations.contains_key(organization) {
                return None;
            }
        }
    }
    Some(store::Names::known(organizations, sites))
}

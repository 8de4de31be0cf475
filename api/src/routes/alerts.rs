//! A person's alerts: the inbox, acknowledging, preferences and shifts;
//! acknowledging and unsubscribing from an e-mail's link without signing
//! in; the network's acknowledge times.
//!
//! The inbox is a person's own: API keys have none (403), and another
//! person's alert is 404.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::Utc;
use uuid::Uuid;
use warren_domain::alerts::{
    AcknowledgeTimes, AcknowledgedVia, AlertKind, AlertPreferences, DeliveryMode, ROTA_HORIZON_DAYS,
};
use warren_store::alerts::{self as store, AlertRecord, InboxFilter};
use warren_store::{DbConnection, accounts, sites, utc};
use warren_wire::{
    AcknowledgeByTokenRequest, AcknowledgeTimesSetting, Acknowledgement, Alert, AlertByToken,
    AlertFilter, AlertKindChoice, AlertPage, AlertPreferencesView, AlertQuery, AlertSummary,
    AlertTokenQuery, MarkAlertsReadRequest, MarkedRead, MyShift, MyShifts, UnsubscribeRequest,
    Unsubscribed,
};

use crate::alerts::place;
use crate::api::{Api, Tx};
use crate::auth::{anonymous_actor, digest};
use crate::error::{
    ApiError, AuthProblems, BodyProblems, ObjectProblems, PublicProblems, RoleProblems,
    VersionProblems,
};
use crate::extract::{IfMatch, ValidJson, versioned};
use crate::routes::paging;
use crate::state::AppState;
use crate::views::alerts as views;
use warren_wire::ErrorCode;

/// Alerts as they go on the wire, each with its chain.
fn with_chains(
    connection: &mut DbConnection,
    records: &[AlertRecord],
) -> Result<Vec<Alert>, ApiError> {
    let ids: Vec<String> = records
        .iter()
        .filter_map(|alert| alert.chain_id.clone())
        .collect();
    let chains = store::chains(connection, &ids)?;
    records
        .iter()
        .map(|alert| views::alert(alert, alert.chain_id.as_ref().and_then(|id| chains.get(id))))
        .collect()
}

/// The caller's inbox, newest first: `state=unread` or `unacknowledged`
/// (urgent alerts whose chain nobody has acknowledged yet), a `kind`,
/// `urgent=true|false`; with the count of unread alerts.
#[utoipa::path(
    operation_id = "list_my_alerts",
    tag = "alerts",
    security(("bearer" = [])),
    params(AlertQuery),
    responses((status = 200, description = "A page of the inbox.", body = AlertPage), RoleProblems)
)]
#[get("/me/alerts")]
pub async fn inbox(api: Api, query: web::Query<AlertQuery>) -> Result<HttpResponse, ApiError> {
    let user = api.who.person()?.id.clone();
    let query = query.into_inner();
    let limit = paging::limit(query.limit)?;
    let before = match &query.cursor {
        None => None,
        Some(cursor) => Some(
            Uuid::parse_str(cursor)
                .map_err(|_| {
                    ApiError::bad_request(
                        ErrorCode::InvalidCursor,
                        "The cursor is not one Warren gave.",
                    )
                })?
                .to_string(),
        ),
    };
    let state_filter = query.state.unwrap_or_default();
    let filter = InboxFilter {
        unread: state_filter == AlertFilter::Unread,
        unacknowledged: state_filter == AlertFilter::Unacknowledged,
        kind: query.kind,
        urgent: query.urgent,
    };
    let page = api
        .read(move |tx| {
            let records = store::inbox(tx, &user, filter, before.as_deref(), limit)?;
            let (items, next) = paging::page(records, limit, |alert| alert.id.clone());
            let (unread, _) = store::summary(tx, &user)?;
            Ok(AlertPage {
                items: with_chains(tx, &items)?,
                next,
                unread,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// How many of the caller's alerts are unread, and how many urgent ones
/// wait for an acknowledgement (the top bar's badge).
#[utoipa::path(
    operation_id = "my_alert_summary",
    tag = "alerts",
    security(("bearer" = [])),
    responses((status = 200, description = "The counts.", body = AlertSummary), RoleProblems)
)]
#[get("/me/alerts/summary")]
pub async fn summary(api: Api) -> Result<HttpResponse, ApiError> {
    let user = api.who.person()?.id.clone();
    let (unread, awaiting_acknowledgement) =
        api.read(move |tx| Ok(store::summary(tx, &user)?)).await?;
    Ok(HttpResponse::Ok().json(AlertSummary {
        unread,
        awaiting_acknowledgement,
    }))
}

/// Mark the caller's alerts read: the ones listed, or all of them.
#[utoipa::path(
    operation_id = "mark_my_alerts_read",
    tag = "alerts",
    security(("bearer" = [])),
    request_body = MarkAlertsReadRequest,
    responses((status = 200, description = "How many were marked.", body = MarkedRead), RoleProblems, BodyProblems)
)]
#[post("/me/alerts/read")]
pub async fn mark_read(
    api: Api,
    body: ValidJson<MarkAlertsReadRequest>,
) -> Result<HttpResponse, ApiError> {
    let user = api.who.person()?.id.clone();
    let ids: Option<Vec<String>> = body
        .value
        .ids
        .map(|ids| ids.iter().map(Uuid::to_string).collect());
    if ids.as_ref().is_some_and(|ids| ids.len() > 500) {
        return Err(ApiError::invalid_field("ids", "lists at most 500 alerts"));
    }
    let marked = api
        .write(move |tx| {
            let marked = store::mark_read(tx, &user, ids.as_deref())?;
            let (unread, _) = store::summary(tx, &user)?;
            Ok(MarkedRead { marked, unread })
        })
        .await?;
    Ok(HttpResponse::Ok().json(marked))
}

/// Acknowledge an urgent alert: "I am on it". Stops its chain for everyone
/// it alerted, records it on the referral's timeline and marks the alert
/// read. Acknowledging one someone else acknowledged first answers who did.
#[utoipa::path(
    operation_id = "acknowledge_my_alert",
    tag = "alerts",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The alert.")),
    responses(
        (status = 200, description = "The chain, stopped.", body = Acknowledgement),
        (status = 409, description = "The alert is not urgent (`not_acknowledgeable`), or its chain was stopped because its subject no longer needs it (`alert_closed`).", body = warren_wire::Problem, content_type = "application/problem+json"),
        ObjectProblems,
    )
)]
#[post("/me/alerts/{id}/acknowledge")]
pub async fn acknowledge(api: Api, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let user = api.who.person()?.clone();
    let id = id.into_inner().to_string();
    let answer = api
        .write(move |tx| {
            let alert = store::find_alert_of(tx, &user.id, &id)?;
            let via = AcknowledgedVia::Inbox;
            let answer = acknowledge_chain(tx, &alert, Some(&user.id), &user.name, via)?;
            store::mark_read(tx, &user.id, Some(std::slice::from_ref(&id)))?;
            Ok(answer)
        })
        .await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// Acknowledges `alert`'s chain for `by`; the chain as it stands after.
fn acknowledge_chain(
    tx: &mut Tx,
    alert: &AlertRecord,
    by_user: Option<&str>,
    by: &str,
    via: AcknowledgedVia,
) -> Result<Acknowledgement, ApiError> {
    let Some(chain_id) = &alert.chain_id else {
        return Err(ApiError::conflict(
            ErrorCode::NotAcknowledgeable,
            "Only urgent alerts are acknowledged; mark this one read instead.",
        ));
    };
    let chain = store::find_chain(tx, chain_id)?;
    if chain.closed_at.is_some() && chain.acknowledged_at.is_none() {
        return Err(ApiError::conflict(
            ErrorCode::AlertClosed,
            format!(
                "This alert no longer needs an answer: {}.",
                chain
                    .closed_reason
                    .as_deref()
                    .unwrap_or("its subject was settled")
            ),
        ));
    }
    let state = tx.state;
    let (connection, raised) = tx.parts();
    let by_this_request = state
        .alerting
        .acknowledge(connection, raised, &chain, by_user, by, via)?;
    let chain = store::find_chain(tx, chain_id)?;
    Ok(Acknowledgement {
        chain: views::chain_state(&chain)?,
        by_this_request,
    })
}

/// What an e-mail's acknowledge link is about (no sign-in: the token is the
/// proof). 404 for a token Warren never gave.
#[utoipa::path(
    operation_id = "preview_alert_acknowledgement",
    tag = "alerts",
    params(AlertTokenQuery),
    responses(
        (status = 200, description = "The alert and its chain.", body = AlertByToken),
        (status = 404, description = "No alert has this token.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/alert-acknowledgements")]
pub async fn preview_by_token(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<AlertTokenQuery>,
) -> Result<HttpResponse, ApiError> {
    let hash = digest(query.into_inner().token.trim());
    let api = Api::anonymous(state, anonymous_actor(&request, "alert link"));
    let preview = api
        .read(move |tx| {
            let alert = store::find_alert_by_token(tx, &hash)?.ok_or(ApiError::NotFound)?;
            let chain = alert
                .chain_id
                .as_deref()
                .map(|id| store::find_chain(tx, id))
                .transpose()?;
            Ok(AlertByToken {
                kind: alert.kind()?,
                title: alert.title.clone(),
                body: alert.body.clone(),
                recipient_name: alert.recipient_name.clone(),
                created_at: utc(alert.created_at),
                used: alert.ack_token_used_at.is_some(),
                link: alert.link.clone(),
                referral_id: alert
                    .referral_id
                    .as_deref()
                    .map(warren_store::parse_id)
                    .transpose()?,
                chain: chain.as_ref().map(views::chain_state).transpose()?,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(preview))
}

/// Acknowledge an urgent alert with the single-use token from its e-mail,
/// without signing in. The link opens a page with a button rather than
/// acknowledging by itself: mail scanners that follow links acknowledge
/// nothing.
#[utoipa::path(
    operation_id = "acknowledge_alert_by_token",
    tag = "alerts",
    request_body = AcknowledgeByTokenRequest,
    responses(
        (status = 200, description = "The chain, stopped.", body = Acknowledgement),
        (status = 404, description = "No alert has this token.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The link was used already (`token_used`), or the alert no longer needs an answer (`alert_closed`).", body = warren_wire::Problem, content_type = "application/problem+json"),
        BodyProblems,
        PublicProblems,
    )
)]
#[post("/alert-acknowledgements")]
pub async fn acknowledge_by_token(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: ValidJson<AcknowledgeByTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let hash = digest(body.value.token.trim());
    let api = Api::anonymous(state, anonymous_actor(&request, "alert link"));
    let answer = api
        .write(move |tx| {
            let alert = store::find_alert_by_token(tx, &hash)?.ok_or(ApiError::NotFound)?;
            if !store::use_alert_token(tx, &alert.id)? {
                return Err(ApiError::conflict(
                    ErrorCode::TokenUsed,
                    "This acknowledge link was used already: each works once.",
                ));
            }
            let (by_user, by) = (alert.user_id.as_deref(), &alert.recipient_name);
            acknowledge_chain(tx, &alert, by_user, by, AcknowledgedVia::Email)
        })
        .await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// Stop e-mails of one kind with the link at the foot of one of them
/// (`List-Unsubscribe`), without signing in: the kind reaches the person in
/// the inbox only from now on.
#[utoipa::path(
    operation_id = "unsubscribe_from_alert_emails",
    tag = "alerts",
    request_body = UnsubscribeRequest,
    responses(
        (status = 200, description = "The kind's mode now.", body = Unsubscribed),
        (status = 400, description = "The link is not one Warren gave, or it expired.", body = warren_wire::Problem, content_type = "application/problem+json"),
        BodyProblems,
        PublicProblems,
    )
)]
#[post("/alert-unsubscriptions")]
pub async fn unsubscribe(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: ValidJson<UnsubscribeRequest>,
) -> Result<HttpResponse, ApiError> {
    let (user, kind) = state.tokens.verify_unsubscribe(body.value.token.trim())?;
    if kind.is_urgent() {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidToken,
            "Urgent alerts always arrive by e-mail.",
        ));
    }
    let api = Api::anonymous(state, anonymous_actor(&request, "unsubscribe link"));
    let answer = api
        .write(move |tx| {
            accounts::find_user(tx, &user).map_err(|_| {
                ApiError::bad_request(
                    ErrorCode::InvalidToken,
                    "The account of this link no longer exists.",
                )
            })?;
            let alerting = &tx.state.alerting;
            let (mut preferences, version) = alerting.preferences_of(tx, &user)?;
            preferences.modes.insert(kind, DeliveryMode::InboxOnly);
            store::save_preferences(tx, &user, &preferences, version)?;
            Ok(Unsubscribed {
                kind,
                mode: DeliveryMode::InboxOnly,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// The view of `preferences` for a person with `email`.
fn preferences_view(
    preferences: AlertPreferences,
    email: String,
    confirmed: bool,
) -> AlertPreferencesView {
    let kinds = AlertKind::ALL
        .iter()
        .map(|kind| AlertKindChoice {
            kind: *kind,
            label: kind.label().to_owned(),
            mode: preferences.mode_for(*kind),
            urgent: kind.is_urgent(),
        })
        .collect();
    AlertPreferencesView {
        preferences,
        kinds,
        email,
        email_confirmed: confirmed,
    }
}

/// The caller's alert preferences, every kind with how it reaches them now,
/// and whether their address is confirmed; with the `ETag` to change them.
#[utoipa::path(
    operation_id = "read_my_alert_preferences",
    tag = "alerts",
    security(("bearer" = [])),
    responses((status = 200, description = "The preferences.", body = AlertPreferencesView), RoleProblems)
)]
#[get("/me/alert-preferences")]
pub async fn read_preferences(api: Api) -> Result<HttpResponse, ApiError> {
    let user = api.who.person()?.clone();
    let (view, version) = api
        .read(move |tx| {
            let (preferences, version) = tx.state.alerting.preferences_of(tx, &user.id)?;
            let confirmed = user.email_confirmed_at.is_some();
            Ok((
                preferences_view(preferences, user.email, confirmed),
                version,
            ))
        })
        .await?;
    Ok(versioned(&view, version))
}

/// Change the caller's alert preferences (`If-Match` from the read): a
/// mode per kind (urgent kinds cannot be listed: they always arrive at
/// once), quiet hours in `opening_hours` syntax, the timezone and the
/// digest's hour.
#[utoipa::path(
    operation_id = "save_my_alert_preferences",
    tag = "alerts",
    security(("bearer" = [])),
    request_body = AlertPreferences,
    params(("If-Match" = String, Header, description = "The preferences' ETag.")),
    responses(
        (status = 200, description = "The preferences, saved.", body = AlertPreferencesView),
        RoleProblems,
        BodyProblems,
        VersionProblems,
    )
)]
#[put("/me/alert-preferences")]
pub async fn save_preferences(
    api: Api,
    version: IfMatch,
    body: ValidJson<AlertPreferences>,
) -> Result<HttpResponse, ApiError> {
    let user = api.who.person()?.clone();
    let preferences = body.value;
    preferences
        .check()
        .map_err(|(field, error)| ApiError::invalid_field(field, error.to_string()))?;
    let (view, version) = api
        .write(move |tx| {
            let saved = store::save_preferences(tx, &user.id, &preferences, version.0)?;
            let details = serde_json::json!({
                "modes": preferences.modes,
                "quiet_hours": preferences.quiet_hours,
            });
            tx.audit("alert_preferences.saved", "user", &user.id, None, details)?;
            let confirmed = user.email_confirmed_at.is_some();
            let view = preferences_view(saved.preferences()?, user.email, confirmed);
            Ok((view, saved.version))
        })
        .await?;
    Ok(versioned(&view, version))
}

/// The caller's time on call in the next fortnight, across every site's
/// rota that names them.
#[utoipa::path(
    operation_id = "my_shifts",
    tag = "alerts",
    security(("bearer" = [])),
    responses((status = 200, description = "The shifts.", body = MyShifts), RoleProblems)
)]
#[get("/me/shifts")]
pub async fn my_shifts(api: Api) -> Result<HttpResponse, ApiError> {
    let user = api.who.person()?.id.clone();
    let organizations: Vec<String> = api.who.access.organizations().cloned().collect();
    let shifts = api
        .read(move |tx| {
            let me =
                Uuid::parse_str(&user).map_err(|_| ApiError::Internal("stored user id".into()))?;
            let now = Utc::now();
            let mut items = Vec::new();
            let mut on_call_now = false;
            for record in store::rotas_of(tx, &organizations)? {
                let rota = record.rota()?;
                let site = sites::find(tx, &record.site_id)?;
                let (timezone, country) = place(&site.fields.timezone, &site.fields.country)?;
                on_call_now |= rota.on_call_at(timezone, country, now).contains(&me);
                for span in rota.shifts_of(me, timezone, country, now, ROTA_HORIZON_DAYS) {
                    items.push(MyShift {
                        site_id: site.id,
                        site_name: site.fields.name.clone(),
                        starts_at: span.starts_at,
                        ends_at: span.ends_at,
                    });
                }
            }
            items.sort_by_key(|shift| shift.starts_at);
            Ok(MyShifts { items, on_call_now })
        })
        .await?;
    Ok(HttpResponse::Ok().json(shifts))
}

/// The network's acknowledge times: how long each step of an urgent alert's
/// chain waits for an acknowledgement before the next person is alerted.
#[utoipa::path(
    operation_id = "read_acknowledge_times",
    tag = "alerts",
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "The acknowledge times.", body = AcknowledgeTimesSetting), AuthProblems)
)]
#[get("/acknowledge-times")]
pub async fn acknowledge_times(api: Api) -> Result<HttpResponse, ApiError> {
    let (acknowledge_times, updated_at) = api.read(|tx| Ok(store::acknowledge_times(tx)?)).await?;
    Ok(HttpResponse::Ok().json(AcknowledgeTimesSetting {
        acknowledge_times,
        updated_at: updated_at.map(utc),
    }))
}

/// Set the network's acknowledge times (network admins): minutes for tier 1
/// and for tier 2 (and the other urgent alerts), 1–120, tier 2 no shorter
/// than tier 1.
#[utoipa::path(
    operation_id = "set_acknowledge_times",
    tag = "alerts",
    security(("bearer" = [])),
    request_body = AcknowledgeTimes,
    responses(
        (status = 200, description = "The acknowledge times, set.", body = AcknowledgeTimesSetting),
        RoleProblems,
        BodyProblems,
    )
)]
#[put("/acknowledge-times")]
pub async fn set_acknowledge_times(
    api: Api,
    body: ValidJson<AcknowledgeTimes>,
) -> Result<HttpResponse, ApiError> {
    api.who.require_network_admin("set the acknowledge times")?;
    let times = body.value;
    times
        .check()
        .map_err(|(field, error)| ApiError::invalid_field(field, error.to_string()))?;
    let at = api
        .write(move |tx| {
            let at = store::set_acknowledge_times(tx, &times)?;
            let (target_type, target_id) = ("alert_settings", "acknowledge_times");
            let details = serde_json::json!(times);
            tx.audit(
                "acknowledge_times.set",
                target_type,
                target_id,
                None,
                details,
            )?;
            Ok(at)
        })
        .await?;
    Ok(HttpResponse::Ok().json(AcknowledgeTimesSetting {
        acknowledge_times: times,
        updated_at: Some(utc(at)),
    }))
}

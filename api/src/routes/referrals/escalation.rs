//! The escalation job: a referral not answered in time is sent on to the
//! receiver's after-hours cover or the next suitable site.
//!
//! Escalation runs on every replica at once: each finds the referrals whose
//! answer time has passed and claims one with a conditional update before
//! acting, so a referral is escalated once however many replicas look. The
//! answer time is stored, so a restart loses nothing: what fell due while
//! the server was down is escalated on the first round after it starts.

use std::sync::Arc;

use actix_web::web;
use chrono::Utc;
use uuid::Uuid;
use warren_domain::directory::Cover;
use warren_domain::directory::search::SearchParams;
use warren_domain::referral::{EscalationStep, ReferralStatus, escalation_step};
use warren_store::audit::{self, Actor, Change};
use warren_store::referrals::{self as store, NewReferral, ReferralRow};
use warren_store::{DbConnection, now, parse_id};

use crate::alerts::Alerting;
use crate::auth::WARREN;
use crate::directory::{self, Snapshot};
use crate::error::ApiError;
use crate::events::Raised;
use crate::state::AppState;

/// Starts the escalation job.
pub fn start_jobs(state: web::Data<AppState>) {
    crate::jobs::every_interval(state, "escalation", escalate_overdue);
}

/// One round: escalates every referral whose answer time has passed.
/// Returns how many this replica escalated.
pub fn escalate_overdue(state: &AppState) -> Result<usize, ApiError> {
    let snapshot = state.directory.get(&state.store)?;
    let overdue = state
        .store
        .read(|connection| store::overdue(connection, now(), 50))?;
    let mut escalated = 0;
    for row in overdue {
        let raised = state.store.write(|connection| {
            let mut raised = Raised::default();
            if store::claim_escalation(connection, &row)? {
                escalate(connection, &state.alerting, &snapshot, &row, &mut raised)?;
            }
            Ok::<_, ApiError>(raised)
        })?;
        if !raised.0.is_empty() {
            escalated += 1;
            state.events.publish(raised.0);
        }
    }
    Ok(escalated)
}

/// Whether the site is open now (a site without hours counts as open).
fn open_now(snapshot: &Snapshot, site_id: Uuid) -> bool {
    let now = Utc::now();
    snapshot
        .directory
        .listing(site_id)
        .and_then(|listing| listing.hours.as_ref())
        .is_none_or(|hours| {
            !matches!(
                hours.state_at(now),
                warren_domain::directory::hours::HoursState::Closed { .. }
            )
        })
}

/// Escalates one claimed referral: to the receiver's after-hours cover when
/// it is closed and the cover has not been asked yet, else to the nearest
/// suitable site the case has not asked.
fn escalate(
    connection: &mut DbConnection,
    alerting: &Alerting,
    snapshot: &Arc<Snapshot>,
    row: &ReferralRow,
    raised: &mut Raised,
) -> Result<(), ApiError> {
    let receiver_site = parse_id(&row.receiver_site_id)?;
    let case = store::case_rows(connection, &row.case_id)?;
    let asked: Vec<&str> = case
        .iter()
        .map(|other| other.receiver_org_id.as_str())
        .chain([row.referrer_org_id.as_str()])
        .collect();
    let fresh = |site: &Uuid| {
        snapshot
            .records
            .get(site)
            .is_some_and(|record| !asked.contains(&record.organization_id.to_string().as_str()))
    };
    let cover = snapshot
        .directory
        .listing(receiver_site)
        .and_then(|listing| match &listing.cover {
            Some(Cover::Site { site_id }) if fresh(site_id) => Some(*site_id),
            _ => None,
        });
    let step = escalation_step(
        open_now(snapshot, receiver_site),
        cover.is_some(),
        row.cover_tried,
    );
    let (times, _) = store::answer_times(connection)?;
    let target = match step {
        EscalationStep::AfterHoursCover => cover,
        EscalationStep::NextCandidate => {
            next_candidate(snapshot, row, &fresh, times.escalation_radius_km)?
        }
    };
    let minutes = times.minutes(row.tier()?);
    let radius = times.escalation_radius_km;
    let Some(target) = target else {
        alerting.no_suitable_site(connection, raised, row, minutes, radius)?;
        store::log(
            connection,
            &row.id,
            now(),
            WARREN,
            "escalated",
            None,
            None,
            Some(&format!(
                "No answer within {minutes} min and no other suitable site within {radius} km is available now; call around."
            )),
        )?;
        raised.raise(connection, "referral.escalated", row)?;
        return Ok(());
    };
    let record = snapshot
        .records
        .get(&target)
        .ok_or_else(|| ApiError::Internal("escalation target vanished".into()))?;
    let at = now();
    let id = Uuid::now_v7().to_string();
    let how = match step {
        EscalationStep::AfterHoursCover => "its after-hours cover",
        EscalationStep::NextCandidate => "the next suitable site",
    };
    let new = NewReferral {
        id: id.clone(),
        case_id: row.case_id.clone(),
        status: ReferralStatus::Requested.as_str().to_owned(),
        business_status: row.business_status.clone(),
        priority: row.priority,
        referrer_org_id: row.referrer_org_id.clone(),
        referrer_site_id: row.referrer_site_id.clone(),
        receiver_org_id: record.organization_id.to_string(),
        receiver_site_id: target.to_string(),
        species: row.species.clone(),
        patient: row.patient.clone(),
        // A site the referrer never chose gets the owner's or finder's
        // contact only once it accepts the animal (`privacy.rs`).
        contact: None,
        reason: row.reason.clone(),
        history: row.history.clone(),
        medications: row.medications.clone(),
        allergies: row.allergies.clone(),
        assessment_id: row.assessment_id.clone(),
        triage: row.triage.clone(),
        capabilities: row.capabilities.clone(),
        escalated_from: Some(row.id.clone()),
        escalation_level: row.escalation_level + 1,
        cover_tried: row.cover_tried || step == EscalationStep::AfterHoursCover,
        created_by: WARREN.to_owned(),
        created_by_user_id: None,
        created_at: at,
        sent_at: Some(at),
        answer_due_at: Some(times.due(row.tier()?, Utc::now()).naive_utc()),
        updated_at: at,
        record_id: row.record_id.clone(),
    };
    let receiver_name = snapshot
        .records
        .get(&receiver_site)
        .map_or_else(String::new, |site| site.fields.name.to_string());
    store::insert(
        connection,
        &new,
        &format!("Escalated: {receiver_name} did not answer within {minutes} min."),
    )?;
    store::log(
        connection,
        &row.id,
        at,
        WARREN,
        "escalated",
        None,
        None,
        Some(&format!(
            "No answer within {minutes} min; also sent to {} ({how}).",
            record.fields.name
        )),
    )?;
    audit::record(
        connection,
        &Actor::system(WARREN),
        Change {
            action: "referral.escalated",
            target_type: "referral",
            target_id: &row.id,
            organization_id: Some(&row.referrer_org_id),
            details: serde_json::json!({ "to": id, "step": how }),
        },
    )?;
    raised.raise(connection, "referral.escalated", row)?;
    let created = store::row(connection, &id)?;
    raised.raise(connection, "referral.created", &created)?;
    alerting.referral_arrived(connection, raised, &created)?;
    Ok(())
}

/// The nearest open or covered, accepting site with the case's needs that
/// the case has not asked yet, within `radius_km` of the referring site
/// (of the site first asked, when the referrer named none).
fn next_candidate(
    snapshot: &Snapshot,
    row: &ReferralRow,
    fresh: &dyn Fn(&Uuid) -> bool,
    radius_km: u32,
) -> Result<Option<Uuid>, ApiError> {
    let near = row
        .referrer_site_id
        .as_deref()
        .and_then(|id| Uuid::parse_str(id).ok())
        .or_else(|| Uuid::parse_str(&row.receiver_site_id).ok())
        .and_then(|id| snapshot.records.get(&id))
        .map(|site| (site.fields.latitude, site.fields.longitude));
    let known: Vec<String> = row
        .capabilities()?
        .into_iter()
        .filter(|code| {
            snapshot
                .vocabulary()
                .find(
                    warren_domain::directory::taxonomy::Taxonomy::Capability,
                    code,
                )
                .is_some()
        })
        .collect();
    let params = SearchParams {
        species: Some(row.species.clone()),
        capabilities: (!known.is_empty()).then(|| known.join(",")),
        open: Some("true".into()),
        accepting: Some("true".into()),
        lat: near.map(|(lat, _)| lat.to_string()),
        lon: near.map(|(_, lon)| lon.to_string()),
        radius_km: near.map(|_| radius_km.to_string()),
        limit: Some("50".into()),
        ..SearchParams::default()
    };
    let page = directory::search(snapshot, &params, true)?;
    Ok(page
        .items
        .iter()
        .filter(|hit| hit.availability.reachable())
        .map(|hit| hit.site_id)
        .find(|site| fresh(site)))
}

//! What referral handlers and Warren's own jobs share: reading a referral as
//! the caller's side, recording events with their webhook deliveries in the
//! change's transaction, and the escalation job.
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
use warren_domain::Role;
use warren_domain::directory::Cover;
use warren_domain::directory::search::SearchParams;
use warren_domain::referral::{EscalationStep, Party, ReferralStatus, escalation_step};
use warren_store::audit::{self, Actor, Change};
use warren_store::referrals::{self as store, NewReferral, ReferralRow};
use warren_store::{DbConnection, now, webhooks};
use warren_wire::{Referral, ReferralEvent};

use crate::alerts::Alerting;
use crate::auth::Principal;
use crate::directory::{self, Snapshot};
use crate::error::ApiError;
use crate::events::LiveEvent;
use crate::state::AppState;

/// The name Warren's own moves are recorded under.
pub const WARREN: &str = "Warren";

/// Events raised inside a transaction, published once it commits.
#[derive(Debug, Default)]
pub struct Raised(pub Vec<LiveEvent>);

impl Raised {
    /// Records `kind` for `row` (as it is after the change): queues its
    /// webhook deliveries in the same transaction and keeps it to publish.
    pub fn raise(
        &mut self,
        connection: &mut DbConnection,
        kind: &str,
        row: &ReferralRow,
    ) -> Result<(), ApiError> {
        let event = ReferralEvent {
            id: Uuid::now_v7(),
            kind: kind.to_owned(),
            referral_id: parse(&row.id)?,
            case_id: parse(&row.case_id)?,
            status: row.status()?,
            priority: row.tier()?,
            referrer_organization_id: parse(&row.referrer_org_id)?,
            receiver_organization_id: parse(&row.receiver_org_id)?,
            at: Utc::now(),
        };
        webhooks::enqueue(connection, &event)?;
        self.push(connection, LiveEvent::Referral(event))
    }

    /// Keeps `event` to publish, announcing it on PostgreSQL in the same
    /// transaction (delivered when, and only if, the change commits).
    pub fn push(
        &mut self,
        connection: &mut DbConnection,
        event: LiveEvent,
    ) -> Result<(), ApiError> {
        event.announce(connection)?;
        self.0.push(event);
        Ok(())
    }

    /// Keeps `event` for this replica alone, unannounced: it only counts.
    pub fn note(&mut self, event: LiveEvent) {
        self.0.push(event);
    }
}

fn parse(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError::Internal(format!("stored id {id:?}")))
}

/// The caller's side of `row`: 404 for outsiders (a network admin of
/// neither side reads as coordinator).
pub fn side(principal: &Principal, row: &ReferralRow) -> Result<Party, ApiError> {
    if let Some(side) = row.side_of(principal.access.organizations()) {
        return Ok(side);
    }
    if principal.access.is_network_admin() {
        return Ok(Party::Coordinator);
    }
    Err(ApiError::NotFound)
}

/// The organization the caller acts for on `row`'s `side`.
pub fn acting_organization(row: &ReferralRow, side: Party) -> Option<&str> {
    match side {
        Party::Referrer => Some(&row.referrer_org_id),
        Party::Receiver => Some(&row.receiver_org_id),
        Party::Coordinator | Party::Warren => None,
    }
}

/// Refuses volunteers: they read referrals and drive, but do not decide.
pub fn require_decider(
    principal: &Principal,
    row: &ReferralRow,
    side: Party,
) -> Result<(), ApiError> {
    match acting_organization(row, side) {
        Some(organization) if !principal.access.can_act(&organization.to_owned()) => Err(
            ApiError::Forbidden("Volunteers cannot change referrals.".into()),
        ),
        _ => Ok(()),
    }
}

/// The wire shape of one referral as `side` sees it, with who can see its
/// leg while it waits for a driver.
pub fn view(
    connection: &mut DbConnection,
    row: &ReferralRow,
    side: Party,
) -> Result<Referral, ApiError> {
    let names = store::Names::for_rows(connection, std::slice::from_ref(row))?;
    let mut referral = store::referral(row, &names, Some(side))?;
    referral.transport_reach = crate::routes::people::transport_reach(connection, row)?;
    Ok(referral)
}

/// Hides the owner's or finder's contact from the volunteers of
/// `organization`: they read referrals and drive, but the contact is personal
/// data for those who decide.
pub fn redact_for(principal: &Principal, organization: &str, referral: &mut Referral) {
    if principal.access.role_in(&organization.to_owned()) == Some(Role::Volunteer)
        && !principal.access.is_network_admin()
    {
        referral.contact = None;
    }
}

/// The person's name (or the API key's label) for timelines.
pub fn actor_name(principal: &Principal) -> String {
    match (&principal.user, &principal.api_key) {
        (Some(user), _) => user.name.clone(),
        (None, Some(key)) => format!("API key {}", key.name),
        (None, None) => principal.actor.label.clone(),
    }
}

/// Starts the escalation job.
pub fn start_jobs(state: web::Data<AppState>) {
    let interval = state.config.job_interval;
    tokio::spawn(async move {
        let mut every = tokio::time::interval(interval);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let state = state.clone();
            let round = web::block(move || escalate_overdue(&state)).await;
            match round {
                Ok(Ok(0)) => {}
                Ok(Ok(escalated)) => tracing::info!(escalated, "escalated unanswered referrals"),
                Ok(Err(error)) => tracing::warn!(%error, "escalation round failed"),
                Err(error) => tracing::warn!(%error, "escalation round did not run"),
            }
        }
    });
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
    let receiver_site = parse(&row.receiver_site_id)?;
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
    let target = match step {
        EscalationStep::AfterHoursCover => cover,
        EscalationStep::NextCandidate => next_candidate(snapshot, row, &fresh)?,
    };
    let minutes = store::answer_times(connection)?
        .answer_times
        .minutes(row.tier()?);
    let Some(target) = target else {
        alerting.no_suitable_site(connection, raised, row, minutes)?;
        store::log(
            connection,
            &row.id,
            now(),
            WARREN,
            "escalated",
            None,
            None,
            Some(&format!(
                "No answer within {minutes} min and no other suitable site is available now; call around."
            )),
        )?;
        raised.raise(connection, "referral.escalated", row)?;
        return Ok(());
    };
    let record = snapshot
        .records
        .get(&target)
        .ok_or_else(|| ApiError::Internal("escalation target vanished".into()))?;
    let times = store::answer_times(connection)?.answer_times;
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
        contact: row.contact.clone(),
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
/// the case has not asked yet.
fn next_candidate(
    snapshot: &Snapshot,
    row: &ReferralRow,
    fresh: &dyn Fn(&Uuid) -> bool,
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

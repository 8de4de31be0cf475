//! Referrals: rows, their timelines and case threads, the boards, the
//! network's answer times and the escalation claim.
//!
//! The rules (who may move a referral where) live in the domain; this module
//! only stores what the API decided. Every status change is conditional on
//! the version the caller read, so two people answering at once get one
//! success and one `Stale`. The partial unique index
//! `referrals_one_open_per_receiver` keeps one open referral per case and
//! receiving organization on both backends. Escalation claims a referral by
//! clearing its `answer_due_at` in a conditional update: of several replicas
//! seeing the same overdue referral, exactly one escalates it.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;
use warren_domain::referral::{
    AnswerTimes, BusinessStatus, Contact, Outcome, Party, Patient, ReferralStatus, RejectReason,
    TransportLeg,
};
use warren_domain::triage::{Assessment, Tier};

use crate::schema::{
    organizations, privacy_settings, referral_events, referral_messages, referral_settings,
    referrals, sites, transport_settings,
};
use crate::{DbConnection, StoreError, StoreResult, TimelineRow, json, new_id, now, parse_id, utc};

fn corrupt(what: &str) -> impl Fn(serde_json::Error) -> StoreError + '_ {
    move |error| StoreError::Corrupt(format!("{what}: {error}"))
}

fn parse<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(corrupt(what))
}

fn tier(number: i32) -> StoreResult<Tier> {
    u8::try_from(number)
        .ok()
        .and_then(Tier::from_number)
        .ok_or_else(|| StoreError::Corrupt(format!("tier {number}")))
}

fn status(text: &str) -> StoreResult<ReferralStatus> {
    ReferralStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("status {text:?}")))
}

/// The statuses that count as open, as stored (the partial unique index
/// lists the same ones).
fn open_statuses() -> Vec<&'static str> {
    ReferralStatus::ALL
        .iter()
        .filter(|status| status.is_open())
        .map(|status| status.as_str())
        .collect()
}

/// A referral row as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = referrals, treat_none_as_default_value = false)]
pub struct ReferralRow {
    /// Stable identifier.
    pub id: String,
    /// The case it belongs to.
    pub case_id: String,
    /// The status's stable name.
    pub status: String,
    /// The transport step's stable name.
    pub business_status: Option<String>,
    /// The tier number.
    pub priority: i32,
    /// The referring organization.
    pub referrer_org_id: String,
    /// The referrer's site.
    pub referrer_site_id: Option<String>,
    /// The receiving organization.
    pub receiver_org_id: String,
    /// The receiving site.
    pub receiver_site_id: String,
    /// The receiver's assigned contact.
    pub assignee_user_id: Option<String>,
    /// Their name.
    pub assignee_name: Option<String>,
    /// The species code.
    pub species: String,
    /// The patient, as JSON.
    pub patient: String,
    /// The owner or finder, as JSON.
    pub contact: Option<String>,
    /// Why.
    pub reason: String,
    /// History.
    pub history: Option<String>,
    /// Medications.
    pub medications: Option<String>,
    /// Allergies.
    pub allergies: Option<String>,
    /// The assessment it came from.
    pub assessment_id: Option<String>,
    /// The triage result, as JSON.
    pub triage: Option<String>,
    /// Capability codes, as a JSON array.
    pub capabilities: String,
    /// Why it was rejected.
    pub reject_reason: Option<String>,
    /// The rejection's words.
    pub reject_note: Option<String>,
    /// The outcome, as JSON.
    pub outcome: Option<String>,
    /// Who recorded the outcome.
    pub outcome_by: Option<String>,
    /// When.
    pub outcome_at: Option<NaiveDateTime>,
    /// The transport leg, as JSON.
    pub transport: Option<String>,
    /// The referral this one escalated from.
    pub escalated_from: Option<String>,
    /// How many escalations led here.
    pub escalation_level: i32,
    /// Whether the after-hours cover was already asked in this case.
    pub cover_tried: bool,
    /// Who created it.
    pub created_by: String,
    /// Their account.
    pub created_by_user_id: Option<String>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Sent.
    pub sent_at: Option<NaiveDateTime>,
    /// Opened by the receiver.
    pub received_at: Option<NaiveDateTime>,
    /// Accepted.
    pub accepted_at: Option<NaiveDateTime>,
    /// First seen by a vet.
    pub first_vet_at: Option<NaiveDateTime>,
    /// Finished.
    pub closed_at: Option<NaiveDateTime>,
    /// Answer due (while waiting and not yet escalated).
    pub answer_due_at: Option<NaiveDateTime>,
    /// Last change.
    pub updated_at: NaiveDateTime,
    /// Version for `If-Match`.
    pub version: i64,
    /// The animal's patient record, once it has one.
    pub record_id: Option<String>,
    /// When the owner's or finder's contact was erased (kept no longer
    /// after the case closed, or on request).
    pub contact_erased_at: Option<NaiveDateTime>,
}

impl ReferralRow {
    /// The status.
    pub fn status(&self) -> StoreResult<ReferralStatus> {
        status(&self.status)
    }

    /// The tier.
    pub fn tier(&self) -> StoreResult<Tier> {
        tier(self.priority)
    }

    /// The capability codes the case needs.
    pub fn capabilities(&self) -> StoreResult<Vec<String>> {
        parse("capabilities", &self.capabilities)
    }

    /// The transport leg.
    pub fn transport(&self) -> StoreResult<Option<TransportLeg>> {
        self.transport
            .as_deref()
            .map(|text| parse("transport", text))
            .transpose()
    }

    /// The patient.
    pub fn patient(&self) -> StoreResult<Patient> {
        parse("patient", &self.patient)
    }

    /// The owner or finder.
    pub fn contact(&self) -> StoreResult<Option<Contact>> {
        self.contact
            .as_deref()
            .map(|text| parse("contact", text))
            .transpose()
    }

    /// The triage result carried over from the assessment.
    pub fn triage(&self) -> StoreResult<Option<Assessment>> {
        self.triage
            .as_deref()
            .map(|text| parse("triage", text))
            .transpose()
    }

    /// How it ended, once the receiver recorded it.
    pub fn outcome(&self) -> StoreResult<Option<Outcome>> {
        self.outcome
            .as_deref()
            .map(|text| parse("outcome", text))
            .transpose()
    }

    /// Which side `organizations` (the caller's) puts the caller on.
    pub fn side_of<'a>(
        &self,
        mut organizations: impl Iterator<Item = &'a String>,
    ) -> Option<Party> {
        let mut side = None;
        for organization in organizations.by_ref() {
            if *organization == self.receiver_org_id {
                return Some(Party::Receiver);
            }
            if *organization == self.referrer_org_id {
                side = Some(Party::Referrer);
            }
        }
        side
    }
}

/// A new referral.
#[derive(Debug, Insertable)]
#[diesel(table_name = referrals)]
pub struct NewReferral {
    /// Stable identifier (see [`new_id`]).
    pub id: String,
    /// The case.
    pub case_id: String,
    /// `draft` or `requested`.
    pub status: String,
    /// Set when a transport is needed.
    pub business_status: Option<String>,
    /// Tier number.
    pub priority: i32,
    /// The referrer.
    pub referrer_org_id: String,
    /// Its site.
    pub referrer_site_id: Option<String>,
    /// The receiver.
    pub receiver_org_id: String,
    /// Its site.
    pub receiver_site_id: String,
    /// Species code.
    pub species: String,
    /// Patient JSON.
    pub patient: String,
    /// Contact JSON.
    pub contact: Option<String>,
    /// Why.
    pub reason: String,
    /// History.
    pub history: Option<String>,
    /// Medications.
    pub medications: Option<String>,
    /// Allergies.
    pub allergies: Option<String>,
    /// The assessment.
    pub assessment_id: Option<String>,
    /// Triage result JSON.
    pub triage: Option<String>,
    /// Capabilities JSON.
    pub capabilities: String,
    /// The referral it escalated from.
    pub escalated_from: Option<String>,
    /// Escalations so far.
    pub escalation_level: i32,
    /// Whether after-hours cover was tried in this case.
    pub cover_tried: bool,
    /// Who created it.
    pub created_by: String,
    /// Their account.
    pub created_by_user_id: Option<String>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Sent (none for drafts).
    pub sent_at: Option<NaiveDateTime>,
    /// Answer due.
    pub answer_due_at: Option<NaiveDateTime>,
    /// Last change.
    pub updated_at: NaiveDateTime,
    /// The animal's patient record, when it travels with this referral.
    pub record_id: Option<String>,
}

impl NewReferral {
    /// The row as [`insert`] stores it: nothing assigned, answered or
    /// closed yet, version 1.
    pub fn stored(&self) -> ReferralRow {
        ReferralRow {
            id: self.id.clone(),
            case_id: self.case_id.clone(),
            status: self.status.clone(),
            business_status: self.business_status.clone(),
            priority: self.priority,
            referrer_org_id: self.referrer_org_id.clone(),
            referrer_site_id: self.referrer_site_id.clone(),
            receiver_org_id: self.receiver_org_id.clone(),
            receiver_site_id: self.receiver_site_id.clone(),
            assignee_user_id: None,
            assignee_name: None,
            species: self.species.clone(),
            patient: self.patient.clone(),
            contact: self.contact.clone(),
            reason: self.reason.clone(),
            history: self.history.clone(),
            medications: self.medications.clone(),
            allergies: self.allergies.clone(),
            assessment_id: self.assessment_id.clone(),
            triage: self.triage.clone(),
            capabilities: self.capabilities.clone(),
            reject_reason: None,
            reject_note: None,
            outcome: None,
            outcome_by: None,
            outcome_at: None,
            transport: None,
            escalated_from: self.escalated_from.clone(),
            escalation_level: self.escalation_level,
            cover_tried: self.cover_tried,
            created_by: self.created_by.clone(),
            created_by_user_id: self.created_by_user_id.clone(),
            created_at: self.created_at,
            sent_at: self.sent_at,
            received_at: None,
            accepted_at: None,
            first_vet_at: None,
            closed_at: None,
            answer_due_at: self.answer_due_at,
            updated_at: self.updated_at,
            version: 1,
            record_id: self.record_id.clone(),
            contact_erased_at: None,
        }
    }

    /// Serializes the form's parts.
    #[expect(
        clippy::too_many_arguments,
        reason = "the referral form's parts, named once"
    )]
    pub fn form(
        patient: &Patient,
        contact: Option<&Contact>,
        triage: Option<&Assessment>,
        capabilities: &[String],
        reason: String,
        history: Option<String>,
        medications: Option<String>,
        allergies: Option<String>,
    ) -> StoreResult<FormParts> {
        Ok(FormParts {
            patient: json(patient)?,
            contact: contact.map(json).transpose()?,
            triage: triage.map(json).transpose()?,
            capabilities: json(&capabilities)?,
            reason,
            history,
            medications,
            allergies,
        })
    }
}

/// The form's parts, serialized for storage.
#[derive(Debug, Clone)]
pub struct FormParts {
    /// Patient JSON.
    pub patient: String,
    /// Contact JSON.
    pub contact: Option<String>,
    /// Triage JSON.
    pub triage: Option<String>,
    /// Capabilities JSON.
    pub capabilities: String,
    /// Why.
    pub reason: String,
    /// History.
    pub history: Option<String>,
    /// Medications.
    pub medications: Option<String>,
    /// Allergies.
    pub allergies: Option<String>,
}

/// Inserts a referral and its first timeline entry. A second open referral
/// for the same case and receiver is a `Conflict`.
pub fn insert(
    connection: &mut DbConnection,
    referral: &NewReferral,
    note: &str,
) -> StoreResult<ReferralRow> {
    diesel::insert_into(referrals::table)
        .values(referral)
        .execute(connection)?;
    log(
        connection,
        &referral.id,
        referral.created_at,
        &referral.created_by,
        "created",
        None,
        Some(&referral.status),
        Some(note),
    )?;
    Ok(referral.stored())
}

/// Appends a timeline entry.
#[expect(clippy::too_many_arguments, reason = "one column each")]
pub fn log(
    connection: &mut DbConnection,
    referral_id: &str,
    at: NaiveDateTime,
    actor: &str,
    kind: &str,
    from: Option<&str>,
    to: Option<&str>,
    note: Option<&str>,
) -> StoreResult<()> {
    diesel::insert_into(referral_events::table)
        .values((
            referral_events::referral_id.eq(referral_id),
            referral_events::at.eq(at),
            referral_events::actor.eq(actor),
            referral_events::kind.eq(kind),
            referral_events::from_status.eq(from),
            referral_events::to_status.eq(to),
            referral_events::note.eq(note),
        ))
        .execute(connection)?;
    Ok(())
}

/// One referral's row.
pub fn row(connection: &mut DbConnection, id: &str) -> StoreResult<ReferralRow> {
    referrals::table
        .find(id)
        .select(ReferralRow::as_select())
        .first(connection)
        .map_err(StoreError::from)
}

/// The rows of one case.
pub fn case_rows(connection: &mut DbConnection, case_id: &str) -> StoreResult<Vec<ReferralRow>> {
    Ok(referrals::table
        .filter(referrals::case_id.eq(case_id))
        .order(referrals::created_at.asc())
        .select(ReferralRow::as_select())
        .load(connection)?)
}

/// A status change decided by the rules.
#[derive(Debug, Clone)]
pub struct StatusChange<'a> {
    /// The new status.
    pub to: ReferralStatus,
    /// Who (a person's name or `Warren`).
    pub actor: &'a str,
    /// The account acting, if a person (becomes the assignee on acceptance).
    pub actor_user_id: Option<&'a str>,
    /// A rejection's reason.
    pub reason: Option<RejectReason>,
    /// Words for the other side.
    pub note: Option<&'a str>,
    /// When the receiver must answer, for a referral just sent.
    pub answer_due_at: Option<NaiveDateTime>,
}

/// Moves a referral, conditional on `expected_version` (`None`: whatever it
/// is, for Warren's own moves, which re-check the status instead), stamps
/// the matching time and writes the timeline entry.
pub fn change_status(
    connection: &mut DbConnection,
    current: &ReferralRow,
    expected_version: Option<i64>,
    change: &StatusChange<'_>,
) -> StoreResult<()> {
    if expected_version.is_some_and(|version| version != current.version) {
        return Err(StoreError::Stale);
    }
    let at = now();
    let to = change.to;
    let target = referrals::table
        .filter(referrals::id.eq(&current.id))
        .filter(referrals::version.eq(current.version))
        .filter(referrals::status.eq(&current.status));
    let updated = diesel::update(target)
        .set((
            referrals::status.eq(to.as_str()),
            referrals::updated_at.eq(at),
            referrals::version.eq(referrals::version + 1),
        ))
        .execute(connection)?;
    if updated == 0 {
        return Err(StoreError::Stale);
    }
    let this = referrals::table.filter(referrals::id.eq(&current.id));
    if !to.awaits_answer() {
        diesel::update(this)
            .set(referrals::answer_due_at.eq(None::<NaiveDateTime>))
            .execute(connection)?;
    }
    match to {
        ReferralStatus::Requested => {
            diesel::update(this)
                .set((
                    referrals::sent_at.eq(at),
                    referrals::answer_due_at.eq(change.answer_due_at),
                ))
                .execute(connection)?;
        }
        ReferralStatus::Received => {
            diesel::update(this)
                .set(referrals::received_at.eq(at))
                .execute(connection)?;
        }
        ReferralStatus::Accepted if current.accepted_at.is_none() => {
            diesel::update(this)
                .set((
                    referrals::received_at.eq(current.received_at.unwrap_or(at)),
                    referrals::accepted_at.eq(at),
                    referrals::assignee_user_id.eq(change.actor_user_id),
                    referrals::assignee_name.eq(change.actor_user_id.map(|_| change.actor)),
                ))
                .execute(connection)?;
        }
        ReferralStatus::InProgress if current.first_vet_at.is_none() => {
            diesel::update(this)
                .set(referrals::first_vet_at.eq(at))
                .execute(connection)?;
        }
        ReferralStatus::Rejected => {
            diesel::update(this)
                .set((
                    referrals::reject_reason.eq(change.reason.map(RejectReason::as_str)),
                    referrals::reject_note.eq(change.note),
                ))
                .execute(connection)?;
        }
        _ => {}
    }
    if !to.is_open() {
        diesel::update(this)
            .set(referrals::closed_at.eq(at))
            .execute(connection)?;
    }
    log(
        connection,
        &current.id,
        at,
        change.actor,
        "status",
        Some(&current.status),
        Some(to.as_str()),
        change.note,
    )
}

/// Records the outcome and completes the referral, conditional on the version.
pub fn record_outcome(
    connection: &mut DbConnection,
    current: &ReferralRow,
    expected_version: i64,
    outcome: &Outcome,
    actor: &str,
) -> StoreResult<()> {
    if expected_version != current.version {
        return Err(StoreError::Stale);
    }
    let at = now();
    let updated = diesel::update(
        referrals::table
            .filter(referrals::id.eq(&current.id))
            .filter(referrals::version.eq(expected_version)),
    )
    .set((
        referrals::status.eq(ReferralStatus::Completed.as_str()),
        referrals::outcome.eq(json(outcome)?),
        referrals::outcome_by.eq(actor),
        referrals::outcome_at.eq(at),
        referrals::first_vet_at.eq(current.first_vet_at.unwrap_or(at)),
        referrals::closed_at.eq(at),
        referrals::updated_at.eq(at),
        referrals::version.eq(referrals::version + 1),
    ))
    .execute(connection)?;
    if updated == 0 {
        return Err(StoreError::Stale);
    }
    let note = match &outcome.note {
        Some(note) => format!("{}: {note}", outcome.kind.label()),
        None => outcome.kind.label().to_owned(),
    };
    log(
        connection,
        &current.id,
        at,
        actor,
        "outcome",
        Some(&current.status),
        Some(ReferralStatus::Completed.as_str()),
        Some(&note),
    )
}

/// Sets the transport leg and the business status that follows from it,
/// conditional on the version.
pub fn set_transport(
    connection: &mut DbConnection,
    current: &ReferralRow,
    expected_version: i64,
    leg: &TransportLeg,
    actor: &str,
    note: &str,
) -> StoreResult<()> {
    let business = leg.status.business_status().map(BusinessStatus::as_str);
    bump(connection, current, expected_version)?;
    diesel::update(referrals::table.filter(referrals::id.eq(&current.id)))
        .set((
            referrals::transport.eq(Some(json(leg)?)),
            referrals::transport_status.eq(Some(leg.status.as_str())),
            referrals::transport_driver_id
                .eq(leg.driver.as_ref().map(|driver| driver.user_id.to_string())),
            referrals::transport_shared.eq(leg.shared_with_network),
            referrals::transport_needed_by.eq(leg.needed_by.map(|at| at.naive_utc())),
            referrals::business_status.eq(business),
        ))
        .execute(connection)?;
    log(
        connection,
        &current.id,
        now(),
        actor,
        "transport",
        None,
        None,
        Some(note),
    )
}

/// Sets the business status, conditional on the version.
pub fn set_business_status(
    connection: &mut DbConnection,
    current: &ReferralRow,
    expected_version: i64,
    business_status: BusinessStatus,
    actor: &str,
) -> StoreResult<()> {
    bump(connection, current, expected_version)?;
    diesel::update(referrals::table.filter(referrals::id.eq(&current.id)))
        .set(referrals::business_status.eq(Some(business_status.as_str())))
        .execute(connection)?;
    log(
        connection,
        &current.id,
        now(),
        actor,
        "business_status",
        current.business_status.as_deref(),
        Some(business_status.as_str()),
        Some(business_status.label()),
    )
}

/// Moves the version on, if it is still `expected_version`.
fn bump(
    connection: &mut DbConnection,
    current: &ReferralRow,
    expected_version: i64,
) -> StoreResult<()> {
    if expected_version != current.version {
        return Err(StoreError::Stale);
    }
    let target = referrals::table
        .filter(referrals::id.eq(&current.id))
        .filter(referrals::version.eq(expected_version));
    let updated = diesel::update(target)
        .set((
            referrals::updated_at.eq(now()),
            referrals::version.eq(referrals::version + 1),
        ))
        .execute(connection)?;
    if updated == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// A referral's timeline, oldest first.
pub fn timeline(connection: &mut DbConnection, id: &str) -> StoreResult<Vec<TimelineRow>> {
    Ok(referral_events::table
        .filter(referral_events::referral_id.eq(id))
        .order(referral_events::id.asc())
        .select((
            referral_events::at,
            referral_events::actor,
            referral_events::kind,
            referral_events::from_status,
            referral_events::to_status,
            referral_events::note,
        ))
        .load(connection)?)
}

/// A message of a referral's case thread, with its author's organization's
/// name.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct MessageRow {
    /// Stable identifier.
    pub id: String,
    /// The author's name.
    pub author: String,
    /// The author's organization.
    pub organization_id: String,
    /// Its name.
    pub organization_name: String,
    /// The text.
    pub body: String,
    /// When.
    pub at: NaiveDateTime,
}

/// Adds a message to a referral's case thread.
pub fn post_message(
    connection: &mut DbConnection,
    referral_id: &str,
    organization_id: &str,
    author: &str,
    author_user_id: Option<&str>,
    body: &str,
) -> StoreResult<MessageRow> {
    let id = new_id();
    diesel::insert_into(referral_messages::table)
        .values((
            referral_messages::id.eq(&id),
            referral_messages::referral_id.eq(referral_id),
            referral_messages::author.eq(author),
            referral_messages::author_user_id.eq(author_user_id),
            referral_messages::organization_id.eq(organization_id),
            referral_messages::body.eq(body),
            referral_messages::at.eq(now()),
        ))
        .execute(connection)?;
    messages(connection, referral_id)?
        .into_iter()
        .find(|message| message.id == id)
        .ok_or(StoreError::NotFound)
}

/// A referral's case thread, oldest first.
pub fn messages(connection: &mut DbConnection, referral_id: &str) -> StoreResult<Vec<MessageRow>> {
    Ok(referral_messages::table
        .inner_join(organizations::table)
        .filter(referral_messages::referral_id.eq(referral_id))
        .order((referral_messages::at.asc(), referral_messages::id.asc()))
        .select((
            referral_messages::id,
            referral_messages::author,
            referral_messages::organization_id,
            organizations::name,
            referral_messages::body,
            referral_messages::at,
        ))
        .load(connection)?)
}

/// Which referrals a board shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The organization receives them.
    Incoming,
    /// The organization sent them.
    Outgoing,
    /// Both.
    Both,
}

/// Open, closed or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenState {
    /// Not closed (an accepted referral without outcome is open).
    Open,
    /// Closed in any way.
    Closed,
    /// Both.
    Any,
}

/// A board's page: most urgent first, then oldest first.
///
/// Each side is read in that order from its own index (see the
/// `open_board_indexes` migration) and stops after the page. Both sides are
/// two such reads, merged here: one `OR` over the two columns would read
/// and sort every referral the organization has.
pub fn board(
    connection: &mut DbConnection,
    organization_id: &str,
    direction: Direction,
    state: OpenState,
    priority: Option<Tier>,
    offset: i64,
    limit: i64,
) -> StoreResult<Vec<ReferralRow>> {
    let side = |side| BoardSide {
        organization_id,
        side,
        state,
        priority,
    };
    match direction {
        Direction::Incoming => side(Side::Received).page(connection, offset, limit),
        Direction::Outgoing => side(Side::Sent).page(connection, offset, limit),
        Direction::Both => {
            // Enough of each side for the page: everything before it, then it.
            let through = offset.saturating_add(limit);
            let mut rows = side(Side::Received).page(connection, 0, through)?;
            rows.extend(side(Side::SentToOthers).page(connection, 0, through)?);
            rows.sort_by(|a, b| {
                (a.priority, a.created_at, &a.id).cmp(&(b.priority, b.created_at, &b.id))
            });
            Ok(rows
                .into_iter()
                .skip(usize::try_from(offset).unwrap_or(usize::MAX))
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .collect())
        }
    }
}

/// Which referrals of an organization one read of a board takes.
#[derive(Debug, Clone, Copy)]
enum Side {
    /// Those it receives.
    Received,
    /// Those it sent.
    Sent,
    /// Those it sent to another organization: with [`Side::Received`], each
    /// of its referrals once.
    SentToOthers,
}

/// One read of a board.
struct BoardSide<'a> {
    organization_id: &'a str,
    side: Side,
    state: OpenState,
    priority: Option<Tier>,
}

impl BoardSide<'_> {
    fn page(
        &self,
        connection: &mut DbConnection,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Vec<ReferralRow>> {
        let organization_id = self.organization_id.to_owned();
        let mut query = referrals::table.into_boxed();
        query = match self.side {
            Side::Received => query.filter(
                referrals::receiver_org_id.eq(organization_id.clone()).and(
                    // Drafts are the referrer's own business.
                    referrals::status
                        .ne(ReferralStatus::Draft.as_str())
                        .or(referrals::referrer_org_id.eq(organization_id.clone())),
                ),
            ),
            Side::Sent => query.filter(referrals::referrer_org_id.eq(organization_id)),
            Side::SentToOthers => query.filter(
                referrals::referrer_org_id
                    .eq(organization_id.clone())
                    .and(referrals::receiver_org_id.ne(organization_id)),
            ),
        };
        query = match self.state {
            OpenState::Open => query.filter(referrals::closed_at.is_null()),
            OpenState::Closed => query.filter(referrals::closed_at.is_not_null()),
            OpenState::Any => query,
        };
        if let Some(tier) = self.priority {
            query = query.filter(referrals::priority.eq(i32::from(tier.number())));
        }
        Ok(query
            .order((
                referrals::priority.asc(),
                referrals::created_at.asc(),
                referrals::id.asc(),
            ))
            .offset(offset)
            .limit(limit)
            .select(ReferralRow::as_select())
            .load(connection)?)
    }
}

/// Everything a referral shows besides its row: names and phones of the
/// organizations and sites involved, looked up once per page.
#[derive(Debug, Default)]
pub struct Names {
    organizations: HashMap<String, String>,
    sites: HashMap<String, (String, Option<String>)>,
}

impl Names {
    /// Names already at hand: organization names by id, and site names and
    /// the phones to call by id (the referral line, else the public number).
    pub fn known(
        organizations: HashMap<String, String>,
        sites: HashMap<String, (String, Option<String>)>,
    ) -> Self {
        Self {
            organizations,
            sites,
        }
    }

    /// Looks up the names for `rows`.
    pub fn for_rows(connection: &mut DbConnection, rows: &[ReferralRow]) -> StoreResult<Self> {
        let mut organization_ids: Vec<&str> = rows
            .iter()
            .flat_map(|row| [row.referrer_org_id.as_str(), row.receiver_org_id.as_str()])
            .collect();
        organization_ids.sort_unstable();
        organization_ids.dedup();
        let mut site_ids: Vec<&str> = rows
            .iter()
            .flat_map(|row| {
                [
                    row.referrer_site_id.as_deref(),
                    Some(row.receiver_site_id.as_str()),
                ]
            })
            .flatten()
            .collect();
        site_ids.sort_unstable();
        site_ids.dedup();
        let organizations = organizations::table
            .filter(organizations::id.eq_any(&organization_ids))
            .select((organizations::id, organizations::name))
            .load::<(String, String)>(connection)?
            .into_iter()
            .collect();
        // Only members read referrals: like the members' directory, they
        // call the referral line a site published for exactly this (its
        // members-only number standing in), the public number only when
        // there is neither.
        let sites = sites::table
            .filter(sites::id.eq_any(&site_ids))
            .select((
                sites::id,
                sites::name,
                sites::referral_phone,
                sites::private_phone,
                sites::public_phone,
            ))
            .load::<(
                String,
                String,
                Option<String>,
                Option<String>,
                Option<String>,
            )>(connection)?
            .into_iter()
            .map(|(id, name, referral, private, public)| {
                (id, (name, referral.or(private).or(public)))
            })
            .collect();
        Ok(Self {
            organizations,
            sites,
        })
    }

    /// The name of organization `id` (empty when it was not looked up).
    pub fn organization_name(&self, id: &str) -> String {
        self.organizations.get(id).cloned().unwrap_or_default()
    }

    /// The name of site `id` and the phone to call about its referrals
    /// (none when it was not looked up).
    pub fn site(&self, id: &str) -> Option<&(String, Option<String>)> {
        self.sites.get(id)
    }
}

fn time(value: Option<NaiveDateTime>) -> Option<DateTime<Utc>> {
    value.map(utc)
}

/// Whether the case already has an open referral to `receiver_org_id`.
pub fn open_in_case(
    connection: &mut DbConnection,
    case_id: &str,
    receiver_org_id: &str,
) -> StoreResult<bool> {
    let count: i64 = referrals::table
        .filter(referrals::case_id.eq(case_id))
        .filter(referrals::receiver_org_id.eq(receiver_org_id))
        .filter(referrals::status.eq_any(open_statuses()))
        .count()
        .get_result(connection)?;
    Ok(count > 0)
}

/// Referrals whose answer time has passed, oldest due first.
pub fn overdue(
    connection: &mut DbConnection,
    at: NaiveDateTime,
    limit: i64,
) -> StoreResult<Vec<ReferralRow>> {
    Ok(referrals::table
        .filter(referrals::answer_due_at.le(at))
        .filter(referrals::status.eq_any([
            ReferralStatus::Requested.as_str(),
            ReferralStatus::Received.as_str(),
        ]))
        .order(referrals::answer_due_at.asc())
        .limit(limit)
        .select(ReferralRow::as_select())
        .load(connection)?)
}

/// Claims an overdue referral for escalation: clears its answer time if it
/// is still the one read. `false` when another replica got there first.
pub fn claim_escalation(connection: &mut DbConnection, row: &ReferralRow) -> StoreResult<bool> {
    let Some(due) = row.answer_due_at else {
        return Ok(false);
    };
    let claimed = diesel::update(
        referrals::table
            .filter(referrals::id.eq(&row.id))
            .filter(referrals::answer_due_at.eq(due))
            .filter(referrals::status.eq(&row.status)),
    )
    .set(referrals::answer_due_at.eq(None::<NaiveDateTime>))
    .execute(connection)?;
    Ok(claimed == 1)
}

/// The network's answer times (the defaults until an admin sets them), and
/// when they last changed (none while the defaults apply).
pub fn answer_times(
    connection: &mut DbConnection,
) -> StoreResult<(AnswerTimes, Option<NaiveDateTime>)> {
    let row: Option<(String, NaiveDateTime)> = referral_settings::table
        .find(1)
        .select((
            referral_settings::answer_times,
            referral_settings::updated_at,
        ))
        .first(connection)
        .optional()?;
    Ok(match row {
        Some((times, updated_at)) => (parse("answer times", &times)?, Some(updated_at)),
        None => (AnswerTimes::default(), None),
    })
}

/// Sets the network's answer times.
pub fn set_answer_times(
    connection: &mut DbConnection,
    times: &AnswerTimes,
) -> StoreResult<(AnswerTimes, Option<NaiveDateTime>)> {
    diesel::delete(referral_settings::table.find(1)).execute(connection)?;
    diesel::insert_into(referral_settings::table)
        .values((
            referral_settings::id.eq(1),
            referral_settings::answer_times.eq(json(times)?),
            referral_settings::updated_at.eq(now()),
        ))
        .execute(connection)?;
    answer_times(connection)
}

/// Whether organizations may share transport legs with the network's
/// volunteers (on until a network admin turns it off), and when that last
/// changed (none while the default applies).
pub fn transport_sharing(
    connection: &mut DbConnection,
) -> StoreResult<(bool, Option<NaiveDateTime>)> {
    let row: Option<(bool, NaiveDateTime)> = transport_settings::table
        .find(1)
        .select((
            transport_settings::share_with_network,
            transport_settings::updated_at,
        ))
        .first(connection)
        .optional()?;
    Ok(match row {
        Some((share_with_network, updated_at)) => (share_with_network, Some(updated_at)),
        None => (true, None),
    })
}

/// Turns the sharing of transport legs with the network on or off.
pub fn set_transport_sharing(
    connection: &mut DbConnection,
    share_with_network: bool,
) -> StoreResult<(bool, Option<NaiveDateTime>)> {
    diesel::delete(transport_settings::table.find(1)).execute(connection)?;
    diesel::insert_into(transport_settings::table)
        .values((
            transport_settings::id.eq(1),
            transport_settings::share_with_network.eq(share_with_network),
            transport_settings::updated_at.eq(now()),
        ))
        .execute(connection)?;
    transport_sharing(connection)
}

/// Open referrals whose leg still waits for a driver at `at`, past the
/// time it was needed by, whose referrer was not told yet: oldest first.
pub fn late_transports(
    connection: &mut DbConnection,
    at: NaiveDateTime,
    limit: i64,
) -> StoreResult<Vec<ReferralRow>> {
    Ok(referrals::table
        .filter(referrals::transport_needed_by.le(at))
        .filter(referrals::transport_late_alerted.eq(false))
        .filter(referrals::transport_driver_id.is_null())
        .filter(referrals::transport_status.eq_any(["new", "confirmed"]))
        .filter(referrals::status.eq_any(open_statuses()))
        .order(referrals::transport_needed_by.asc())
        .limit(limit)
        .select(ReferralRow::as_select())
        .load(connection)?)
}

/// Claims a late leg for its one warning: marks it told if nobody did yet
/// and it still waits for a driver. `false` when another replica got there
/// first, or a driver took it meanwhile.
pub fn claim_late_transport(connection: &mut DbConnection, row: &ReferralRow) -> StoreResult<bool> {
    let claimed = diesel::update(
        referrals::table
            .filter(referrals::id.eq(&row.id))
            .filter(referrals::transport_late_alerted.eq(false))
            .filter(referrals::transport_driver_id.is_null()),
    )
    .set(referrals::transport_late_alerted.eq(true))
    .execute(connection)?;
    Ok(claimed == 1)
}

/// A new id for a case or referral.
pub fn new_case_id() -> String {
    Uuid::now_v7().to_string()
}

/// The timestamps of the referrals sent between `from` and `to`: the whole
/// network, or one organization's incoming (`receiving`) or outgoing ones.
pub fn timings(
    connection: &mut DbConnection,
    organization_id: Option<&str>,
    receiving: bool,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> StoreResult<Vec<warren_domain::referral::metrics::Timing>> {
    type Row = (
        i32,
        String,
        String,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        Option<String>,
        Option<String>,
    );
    let mut query = referrals::table
        .filter(referrals::sent_at.ge(from))
        .filter(referrals::sent_at.lt(to))
        .into_boxed();
    if let Some(organization_id) = organization_id {
        query = if receiving {
            query.filter(referrals::receiver_org_id.eq(organization_id.to_owned()))
        } else {
            query.filter(referrals::referrer_org_id.eq(organization_id.to_owned()))
        };
    }
    let rows: Vec<Row> = query
        .select((
            referrals::priority,
            referrals::status,
            referrals::receiver_site_id,
            referrals::sent_at,
            referrals::received_at,
            referrals::accepted_at,
            referrals::first_vet_at,
            referrals::reject_reason,
            referrals::escalated_from,
        ))
        .load(connection)?;
    rows.into_iter()
        .filter_map(
            |(
                priority,
                status_text,
                site,
                sent,
                received,
                accepted,
                first_vet,
                reason,
                escalated_from,
            )| {
                sent.map(|sent| {
                    Ok(warren_domain::referral::metrics::Timing {
                        tier: tier(priority)?,
                        status: status(&status_text)?,
                        site_id: parse_id(&site)?,
                        sent_at: utc(sent),
                        received_at: time(received),
                        accepted_at: time(accepted),
                        first_vet_at: time(first_vet),
                        reject_reason: reason.as_deref().and_then(RejectReason::parse),
                        escalation: escalated_from.is_some(),
                    })
                })
            },
        )
        .collect()
}

/// Every referral sent in `[from, to)`, as the public report counts it
/// (drafts were never sent and do not count).
pub fn reported(
    connection: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> StoreResult<Vec<warren_domain::report::ReportedReferral>> {
    type Row = (
        String,
        i32,
        String,
        String,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        Option<String>,
    );
    let rows: Vec<Row> = referrals::table
        .filter(referrals::sent_at.ge(from))
        .filter(referrals::sent_at.lt(to))
        .select((
            referrals::case_id,
            referrals::priority,
            referrals::species,
            referrals::status,
            referrals::sent_at,
            referrals::accepted_at,
            referrals::first_vet_at,
            referrals::outcome,
        ))
        .load(connection)?;
    rows.into_iter()
        .filter_map(
            |(case, priority, species, status_text, sent, accepted, first_vet, outcome)| {
                sent.map(|sent| {
                    let outcome: Option<Outcome> = outcome
                        .as_deref()
                        .map(|text| parse("outcome", text))
                        .transpose()?;
                    Ok(warren_domain::report::ReportedReferral {
                        case_id: parse_id(&case)?,
                        tier: tier(priority)?,
                        species,
                        sent_at: utc(sent),
                        accepted: accepted.is_some(),
                        rejected: status(&status_text)? == ReferralStatus::Rejected,
                        first_vet_at: time(first_vet),
                        outcome: outcome.map(|outcome| outcome.kind),
                    })
                })
            },
        )
        .collect()
}

/// Names of sites by id.
pub fn site_names(
    connection: &mut DbConnection,
    ids: &[String],
) -> StoreResult<Vec<(String, String)>> {
    Ok(sites::table
        .filter(sites::id.eq_any(ids))
        .select((sites::id, sites::name))
        .load(connection)?)
}

/// A referral that already happened, for the demo network: its final state
/// and the times of each step, written with its timeline.
#[derive(Debug)]
pub struct PastReferral {
    /// The referral as sent (its `status` is replaced by `status`).
    pub new: NewReferral,
    /// Where it ended up.
    pub status: ReferralStatus,
    /// Who answered for the receiver.
    pub receiver_person: String,
    /// When the receiver opened it.
    pub received_at: Option<NaiveDateTime>,
    /// When it was accepted.
    pub accepted_at: Option<NaiveDateTime>,
    /// When a vet first saw the patient.
    pub first_vet_at: Option<NaiveDateTime>,
    /// When it closed.
    pub closed_at: Option<NaiveDateTime>,
    /// Why it was rejected.
    pub rejection: Option<(RejectReason, String)>,
    /// How it ended.
    pub outcome: Option<Outcome>,
}

/// Writes a past referral and its timeline.
pub fn insert_past(connection: &mut DbConnection, past: &PastReferral) -> StoreResult<()> {
    let new = &past.new;
    insert(connection, new, "Sent.")?;
    let this = referrals::table.filter(referrals::id.eq(&new.id));
    diesel::update(this)
        .set((
            referrals::status.eq(past.status.as_str()),
            referrals::received_at.eq(past.received_at),
            referrals::accepted_at.eq(past.accepted_at),
            referrals::first_vet_at.eq(past.first_vet_at),
            referrals::closed_at.eq(past.closed_at),
            referrals::answer_due_at.eq(if past.status.awaits_answer() {
                new.answer_due_at
            } else {
                None
            }),
            referrals::reject_reason.eq(past.rejection.as_ref().map(|(reason, _)| reason.as_str())),
            referrals::reject_note.eq(past.rejection.as_ref().map(|(_, note)| note.as_str())),
            referrals::outcome.eq(past.outcome.as_ref().map(json).transpose()?),
            referrals::outcome_by.eq(past.outcome.as_ref().map(|_| past.receiver_person.as_str())),
            referrals::outcome_at.eq(past.outcome.as_ref().and(past.closed_at)),
            referrals::updated_at.eq(past
                .closed_at
                .or(past.accepted_at)
                .unwrap_or(new.created_at)),
        ))
        .execute(connection)?;
    if past.accepted_at.is_some() {
        diesel::update(this)
            .set(referrals::assignee_name.eq(Some(past.receiver_person.as_str())))
            .execute(connection)?;
    }
    let who = past.receiver_person.as_str();
    let mut previous = ReferralStatus::Requested;
    let mut step = |connection: &mut DbConnection,
                    at: Option<NaiveDateTime>,
                    to: ReferralStatus,
                    note: Option<&str>| {
        if let Some(at) = at {
            log(
                connection,
                &new.id,
                at,
                who,
                "status",
                Some(previous.as_str()),
                Some(to.as_str()),
                note,
            )?;
            previous = to;
        }
        Ok::<_, StoreError>(())
    };
    step(connection, past.received_at, ReferralStatus::Received, None)?;
    step(connection, past.accepted_at, ReferralStatus::Accepted, None)?;
    step(
        connection,
        past.first_vet_at,
        ReferralStatus::InProgress,
        None,
    )?;
    if let Some((_, note)) = &past.rejection {
        step(
            connection,
            past.closed_at,
            ReferralStatus::Rejected,
            Some(note),
        )?;
    }
    if let (Some(outcome), Some(at)) = (&past.outcome, past.closed_at) {
        log(
            connection,
            &new.id,
            at,
            who,
            "outcome",
            Some(previous.as_str()),
            Some("completed"),
            Some(outcome.kind.label()),
        )?;
    } else if past.status == ReferralStatus::Cancelled {
        let by = new.created_by.as_str();
        if let Some(at) = past.closed_at {
            log(
                connection,
                &new.id,
                at,
                by,
                "status",
                Some(previous.as_str()),
                Some("cancelled"),
                Some("The patient was taken in elsewhere."),
            )?;
        }
    }
    Ok(())
}

/// How many days after a case closes its owner's or finder's contact is
/// kept, until a network admin sets it.
pub const DEFAULT_CONTACT_RETENTION_DAYS: u32 = 90;

/// How many days the network keeps a closed case's contact, and when that
/// last changed (none while the default applies).
pub fn contact_retention(
    connection: &mut DbConnection,
) -> StoreResult<(u32, Option<NaiveDateTime>)> {
    let row: Option<(i32, NaiveDateTime)> = privacy_settings::table
        .find(1)
        .select((
            privacy_settings::contact_retention_days,
            privacy_settings::updated_at,
        ))
        .first(connection)
        .optional()?;
    Ok(match row {
        Some((days, at)) => (u32::try_from(days).unwrap_or(0), Some(at)),
        None => (DEFAULT_CONTACT_RETENTION_DAYS, None),
    })
}

/// Sets how many days the network keeps a closed case's contact.
pub fn set_contact_retention(
    connection: &mut DbConnection,
    days: u32,
) -> StoreResult<(u32, Option<NaiveDateTime>)> {
    diesel::delete(privacy_settings::table.find(1)).execute(connection)?;
    diesel::insert_into(privacy_settings::table)
        .values((
            privacy_settings::id.eq(1),
            privacy_settings::contact_retention_days.eq(i32::try_from(days).unwrap_or(i32::MAX)),
            privacy_settings::updated_at.eq(now()),
        ))
        .execute(connection)?;
    contact_retention(connection)
}

/// Cases whose every referral is closed, the last before `closed_before`,
/// and one of which still holds a contact: up to `limit`, oldest first.
pub fn cases_past_retention(
    connection: &mut DbConnection,
    closed_before: NaiveDateTime,
    limit: i64,
) -> StoreResult<Vec<String>> {
    let holding: Vec<String> = referrals::table
        .filter(referrals::contact.is_not_null())
        .filter(referrals::closed_at.lt(closed_before))
        .select(referrals::case_id)
        .distinct()
        .order(referrals::case_id.asc())
        .limit(limit * 4)
        .load(connection)?;
    let mut due = Vec::new();
    for case_id in holding {
        let still_open_or_recent: i64 = referrals::table
            .filter(referrals::case_id.eq(&case_id))
            .filter(
                referrals::closed_at
                    .is_null()
                    .or(referrals::closed_at.ge(closed_before)),
            )
            .count()
            .get_result(connection)?;
        if still_open_or_recent == 0 {
            due.push(case_id);
        }
        if due.len() as i64 >= limit {
            break;
        }
    }
    Ok(due)
}

/// Erases the owner's or finder's contact from every referral of the case;
/// returns the referrals that held one.
pub fn erase_case_contact(connection: &mut DbConnection, case_id: &str) -> StoreResult<usize> {
    Ok(diesel::update(
        referrals::table
            .filter(referrals::case_id.eq(case_id))
            .filter(referrals::contact.is_not_null()),
    )
    .set((
        referrals::contact.eq(None::<String>),
        referrals::contact_erased_at.eq(Some(now())),
        referrals::version.eq(referrals::version + 1),
        referrals::updated_at.eq(now()),
    ))
    .execute(connection)?)
}

/// Gives `accepted` (an escalated referral, made without a contact) the
/// contact another referral of its case holds, now that its receiver must
/// act on it. Nothing when the case holds none (it was erased, or there
/// never was one).
pub fn copy_case_contact(connection: &mut DbConnection, accepted: &ReferralRow) -> StoreResult<()> {
    let contact: Option<String> = referrals::table
        .filter(referrals::case_id.eq(&accepted.case_id))
        .filter(referrals::contact.is_not_null())
        .order(referrals::created_at.asc())
        .select(referrals::contact)
        .first::<Option<String>>(connection)
        .optional()?
        .flatten();
    if let Some(contact) = contact {
        diesel::update(referrals::table.filter(referrals::id.eq(&accepted.id)))
            .set(referrals::contact.eq(Some(contact)))
            .execute(connection)?;
    }
    Ok(())
}

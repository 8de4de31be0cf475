//! Two years of the benchmark network's work, written in bulk: referrals
//! with their timelines and kit items with their loans.
//!
//! Referrals are spread evenly over the last 730 days, so last month holds
//! about a twenty-fourth of them. Most are completed with an outcome; the
//! rest were declined with a reason, withdrawn by the referrer, escalated
//! to a second receiver after no answer (two referrals in one case), or
//! failed; those of the last few hours are still open. Every row carries
//! the times, assignee, version and timeline entries the store's one-row
//! moves would have left. Kit items belong to random members; each has a
//! history of returned loans, and some are out now, overdue or reserved.
//!
//! Referrals still waiting for an answer are due long after the benchmark
//! ends, so the escalation job stays idle while it measures.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use warren_domain::lending::{Condition, ItemCategory, ItemStatus, ReservationStatus};
use warren_domain::referral::{Outcome, OutcomeKind, ReferralStatus, RejectReason};
use warren_store::bulk::{self, TimelineEvent};
use warren_store::lending::{ItemRow, ReservationRow};
use warren_store::referrals::ReferralRow;
use warren_store::{DbConnection, Store, StoreError};

// The history's patients are the demo's own.
use crate::SeedError;
use crate::demo::referrals::CASES;

/// Referrals written per transaction.
const REFERRAL_BATCH: usize = 20_000;
/// Items (with their loans) written per transaction.
const ITEM_BATCH: usize = 5_000;
/// How far back the history goes.
const HISTORY_DAYS: i64 = 730;
/// Who acts for Warren in timelines.
const WARREN: &str = "Warren";
/// Who refers, in timelines.
const REFERRING_VET: &str = "Referring vet";
/// Who answers, in timelines.
const RECEIVING_VET: &str = "Receiving vet";

/// The network as the history sees it: members and their sites.
pub struct Members {
    /// Every organization with at least one site.
    organizations: Vec<String>,
    /// Each organization's sites, by index into `organizations`.
    sites: Vec<Vec<String>>,
}

impl Members {
    /// Reads who has which sites.
    pub fn read(store: &Store) -> Result<Self, StoreError> {
        let pairs = store.read(warren_store::sites::list_all_ids)?;
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut organizations = Vec::new();
        let mut sites: Vec<Vec<String>> = Vec::new();
        for (site, organization) in pairs {
            let at = *index.entry(organization.clone()).or_insert_with(|| {
                organizations.push(organization);
                sites.push(Vec::new());
                sites.len() - 1
            });
            sites[at].push(site);
        }
        Ok(Self {
            organizations,
            sites,
        })
    }

    fn index_of(&self, organization: &str) -> Option<usize> {
        self.organizations
            .iter()
            .position(|candidate| candidate == organization)
    }

    /// A member other than `not`.
    fn other(&self, rng: &mut StdRng, not: usize) -> usize {
        loop {
            let candidate = rng.random_range(0..self.organizations.len());
            if candidate != not || self.organizations.len() < 2 {
                return candidate;
            }
        }
    }
}

/// A random identifier, reproducible from the seed.
fn id(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

fn minutes(rng: &mut StdRng, low: i64, high: i64) -> Duration {
    Duration::minutes(rng.random_range(low..high))
}

/// The tier, weighted as referrals arrive: few immediate, most urgent or
/// soon.
fn priority(rng: &mut StdRng) -> i32 {
    match rng.random_range(0..100) {
        0..5 => 1,
        5..20 => 2,
        20..50 => 3,
        50..80 => 4,
        _ => 5,
    }
}

/// The batch being built: rows and their timelines.
#[derive(Default)]
struct Batch {
    referrals: Vec<ReferralRow>,
    events: Vec<TimelineEvent>,
}

impl Batch {
    #[expect(clippy::too_many_arguments, reason = "one column each")]
    fn log(
        &mut self,
        referral: &str,
        at: NaiveDateTime,
        actor: &str,
        kind: &str,
        from: Option<ReferralStatus>,
        to: Option<&str>,
        note: Option<String>,
    ) {
        self.events.push(TimelineEvent {
            subject_id: referral.to_owned(),
            at,
            actor: actor.to_owned(),
            kind: kind.to_owned(),
            from_status: from.map(|status| status.as_str().to_owned()),
            to_status: to.map(str::to_owned),
            note,
        });
    }

    /// Logs that `referral` was sent at `at`.
    fn log_sent(&mut self, referral: &str, at: NaiveDateTime, actor: &str, note: &str) {
        self.log(
            referral,
            at,
            actor,
            "created",
            None,
            Some(ReferralStatus::Requested.as_str()),
            Some(note.to_owned()),
        );
    }
}

/// A referral as sent, before anything happened to it.
fn sent_referral(
    rng: &mut StdRng,
    members: &Members,
    referrer: usize,
    receiver: usize,
    sent: NaiveDateTime,
) -> ReferralRow {
    let (species, name, reason) = *CASES.choose(rng).unwrap_or(&CASES[0]);
    let capabilities = if rng.random_bool(0.4) {
        r#"["oxygen_therapy"]"#
    } else {
        "[]"
    };
    ReferralRow {
        id: id(rng),
        case_id: id(rng),
        status: ReferralStatus::Requested.as_str().to_owned(),
        business_status: None,
        priority: priority(rng),
        referrer_org_id: members.organizations[referrer].clone(),
        referrer_site_id: members.sites[referrer].first().cloned(),
        receiver_org_id: members.organizations[receiver].clone(),
        receiver_site_id: members.sites[receiver]
            .choose(rng)
            .cloned()
            .unwrap_or_default(),
        assignee_user_id: None,
        assignee_name: None,
        species: species.to_owned(),
        patient: serde_json::json!({ "name": name, "identifiers": [] }).to_string(),
        contact: None,
        reason: reason.to_owned(),
        history: None,
        medications: None,
        allergies: None,
        assessment_id: None,
        triage: None,
        capabilities: capabilities.to_owned(),
        reject_reason: None,
        reject_note: None,
        outcome: None,
        outcome_by: None,
        outcome_at: None,
        transport: None,
        escalated_from: None,
        escalation_level: 0,
        cover_tried: false,
        created_by: REFERRING_VET.to_owned(),
        created_by_user_id: None,
        created_at: sent,
        sent_at: Some(sent),
        received_at: None,
        accepted_at: None,
        first_vet_at: None,
        closed_at: None,
        answer_due_at: None,
        updated_at: sent,
        version: 1,
        record_id: None,
        contact_erased_at: None,
    }
}

/// Takes `row` through receiving, accepting, a vet's first look and an
/// outcome, as far as `until` allows, logging each step.
fn treat(rng: &mut StdRng, batch: &mut Batch, row: &mut ReferralRow, until: NaiveDateTime) {
    let sent = row.created_at;
    let received = sent + minutes(rng, 1, 15);
    let accepted = received + minutes(rng, 1, 20);
    let first_vet = accepted + minutes(rng, 15, 120);
    let closed = first_vet + minutes(rng, 60, 48 * 60);
    let mut status = ReferralStatus::Requested;
    for (at, to) in [
        (received, ReferralStatus::Received),
        (accepted, ReferralStatus::Accepted),
        (first_vet, ReferralStatus::InProgress),
    ] {
        if at > until {
            break;
        }
        batch.log(
            &row.id,
            at,
            RECEIVING_VET,
            "status",
            Some(status),
            Some(to.as_str()),
            None,
        );
        status = to;
        row.version += 1;
        row.updated_at = at;
        match to {
            ReferralStatus::Received => row.received_at = Some(at),
            ReferralStatus::Accepted => {
                row.accepted_at = Some(at);
                row.assignee_name = Some(RECEIVING_VET.to_owned());
            }
            _ => row.first_vet_at = Some(at),
        }
    }
    row.status = status.as_str().to_owned();
    if status != ReferralStatus::InProgress || closed > until {
        row.answer_due_at = status.awaits_answer().then(|| until + Duration::hours(12));
        return;
    }
    let kind = *[
        OutcomeKind::TreatedAndReturned,
        OutcomeKind::TreatedAndReturned,
        OutcomeKind::TreatedAndReturned,
        OutcomeKind::Admitted,
        OutcomeKind::Admitted,
        OutcomeKind::Released,
        OutcomeKind::TransferredOn,
        OutcomeKind::Died,
        OutcomeKind::Euthanised,
    ]
    .choose(rng)
    .unwrap_or(&OutcomeKind::TreatedAndReturned);
    let outcome = Outcome {
        kind,
        note: None,
        follow_up_due: (kind == OutcomeKind::TreatedAndReturned)
            .then(|| (closed + Duration::days(7)).date()),
    };
    row.status = ReferralStatus::Completed.as_str().to_owned();
    row.outcome = serde_json::to_string(&outcome).ok();
    row.outcome_by = Some(RECEIVING_VET.to_owned());
    row.outcome_at = Some(closed);
    row.closed_at = Some(closed);
    row.updated_at = closed;
    row.version += 1;
    batch.log(
        &row.id,
        closed,
        RECEIVING_VET,
        "outcome",
        Some(status),
        Some(ReferralStatus::Completed.as_str()),
        Some(kind.label().to_owned()),
    );
}

/// Closes `row` at `at` with `to`, logging it.
fn close(
    batch: &mut Batch,
    row: &mut ReferralRow,
    at: NaiveDateTime,
    actor: &str,
    to: ReferralStatus,
    note: Option<String>,
) {
    let from = ReferralStatus::parse(&row.status).unwrap_or(ReferralStatus::Requested);
    batch.log(
        &row.id,
        at,
        actor,
        "status",
        Some(from),
        Some(to.as_str()),
        note,
    );
    row.status = to.as_str().to_owned();
    row.closed_at = Some(at);
    row.answer_due_at = None;
    row.updated_at = at;
    row.version += 1;
}

/// One case sent at `sent`: one referral, or two when it was escalated.
fn case(
    rng: &mut StdRng,
    batch: &mut Batch,
    members: &Members,
    sent: NaiveDateTime,
    now: NaiveDateTime,
) {
    let referrer = rng.random_range(0..members.organizations.len());
    let receiver = members.other(rng, referrer);
    let mut row = sent_referral(rng, members, referrer, receiver, sent);
    batch.log_sent(&row.id, sent, REFERRING_VET, "Sent.");
    let recent = now - sent < Duration::hours(6);
    match rng.random_range(0..100) {
        // Declined, with a reason.
        64..78 if !recent => {
            let received = sent + minutes(rng, 1, 15);
            batch.log(
                &row.id,
                received,
                RECEIVING_VET,
                "status",
                Some(ReferralStatus::Requested),
                Some(ReferralStatus::Received.as_str()),
                None,
            );
            row.status = ReferralStatus::Received.as_str().to_owned();
            row.received_at = Some(received);
            row.version += 1;
            let reason = *[
                RejectReason::NoCapacity,
                RejectReason::NoCapacity,
                RejectReason::NoCapacity,
                RejectReason::MissingCapability,
                RejectReason::SpeciesNotTreated,
                RejectReason::NoVet,
                RejectReason::TooFar,
            ]
            .choose(rng)
            .unwrap_or(&RejectReason::NoCapacity);
            let at = received + minutes(rng, 1, 10);
            close(
                batch,
                &mut row,
                at,
                RECEIVING_VET,
                ReferralStatus::Rejected,
                Some(reason.label().to_owned()),
            );
            row.reject_reason = Some(reason.as_str().to_owned());
            row.reject_note = Some(reason.label().to_owned());
        }
        // Withdrawn by the referrer.
        78..86 if !recent => {
            let at = sent + minutes(rng, 5, 60);
            close(
                batch,
                &mut row,
                at,
                REFERRING_VET,
                ReferralStatus::Cancelled,
                Some("The patient was taken in elsewhere.".to_owned()),
            );
        }
        // No answer in time: Warren asked a second receiver, who took the
        // patient, and withdrew the first request.
        86..94 if !recent => {
            let due = sent + Duration::minutes(i64::from(10 * row.priority));
            batch.log(
                &row.id,
                due,
                WARREN,
                "escalated",
                None,
                None,
                Some("No answer in time; also sent to the next suitable site.".to_owned()),
            );
            let second_receiver = members.other(rng, referrer);
            let mut second = sent_referral(rng, members, referrer, second_receiver, due);
            second.case_id = row.case_id.clone();
            second.priority = row.priority;
            second.species = row.species.clone();
            second.patient = row.patient.clone();
            second.reason = row.reason.clone();
            second.capabilities = row.capabilities.clone();
            second.escalated_from = Some(row.id.clone());
            second.escalation_level = 1;
            second.created_by = WARREN.to_owned();
            batch.log_sent(
                &second.id,
                due,
                WARREN,
                "Escalated: the first receiver did not answer in time.",
            );
            treat(rng, batch, &mut second, now);
            let withdrawn = second.accepted_at.unwrap_or(due);
            close(
                batch,
                &mut row,
                withdrawn,
                WARREN,
                ReferralStatus::Cancelled,
                Some("Another receiver accepted.".to_owned()),
            );
            batch.referrals.push(second);
        }
        // Accepted, but the handover could not happen.
        94..97 if !recent => {
            treat(rng, batch, &mut row, sent + Duration::minutes(30));
            if row.accepted_at.is_some() {
                let at = row.updated_at + minutes(rng, 10, 90);
                close(
                    batch,
                    &mut row,
                    at,
                    REFERRING_VET,
                    ReferralStatus::Failed,
                    Some("The owner could not travel.".to_owned()),
                );
            } else {
                treat(rng, batch, &mut row, now);
            }
        }
        _ => treat(rng, batch, &mut row, now),
    }
    batch.referrals.push(row);
}

/// Writes `total` referrals over the last two years, plus `open` referrals
/// sent in the last two hours to `receiver` and not yet opened (the ones the
/// benchmark receives and accepts). Returns the ids of those open ones.
pub fn referrals(
    store: &Store,
    members: &Members,
    total: usize,
    open: usize,
    receiver: &str,
    seed: u64,
) -> Result<Vec<String>, SeedError> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x00e1_e4a1);
    let now = warren_store::now();
    let receiver = members
        .index_of(receiver)
        .ok_or(SeedError::TooSmall("the receiver has no site"))?;
    let mut written = 0;
    let mut open_ids = Vec::with_capacity(open);
    while written < total + open {
        let mut batch = Batch::default();
        while batch.referrals.len() < REFERRAL_BATCH && written + batch.referrals.len() < total {
            let sent = now - Duration::minutes(rng.random_range(1..HISTORY_DAYS * 24 * 60).max(1));
            case(&mut rng, &mut batch, members, sent, now);
        }
        if written + batch.referrals.len() >= total {
            for _ in open_ids.len()..open {
                let referrer = members.other(&mut rng, receiver);
                let sent = now - minutes(&mut rng, 1, 120);
                let mut row = sent_referral(&mut rng, members, referrer, receiver, sent);
                row.answer_due_at = Some(now + Duration::hours(12));
                batch.log_sent(&row.id, sent, REFERRING_VET, "Sent.");
                open_ids.push(row.id.clone());
                batch.referrals.push(row);
            }
        }
        written += batch.referrals.len();
        store.write(|connection| {
            bulk::insert_referrals(connection, &batch.referrals)?;
            bulk::insert_referral_events(connection, &batch.events)
        })?;
    }
    Ok(open_ids)
}

/// Writes `total` kit items owned by random members, each with its loans.
pub fn kit(store: &Store, members: &Members, total: usize, seed: u64) -> Result<(), SeedError> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x0c17);
    let now = warren_store::now();
    let suitability = r#"{"species":["small_mammal"]}"#;
    let mut reports = HashMap::new();
    for category in ItemCategory::ALL {
        reports.insert(
            category.as_str(),
            crate::demo::lending::report(*category, Condition::Good)?,
        );
    }
    let mut written = 0;
    while written < total {
        let count = ITEM_BATCH.min(total - written);
        let mut items = Vec::with_capacity(count);
        let mut loans = Vec::new();
        let mut events = Vec::new();
        for number in written..written + count {
            let owner = rng.random_range(0..members.organizations.len());
            let category = *ItemCategory::ALL
                .choose(&mut rng)
                .unwrap_or(&ItemCategory::OxygenConcentrator);
            let report = reports.get(category.as_str()).cloned();
            let mut item = ItemRow {
                id: id(&mut rng),
                owner_org_id: members.organizations[owner].clone(),
                home_site_id: members.sites[owner].first().cloned().unwrap_or_default(),
                category: category.as_str().to_owned(),
                name: format!("{} {}", category.label(), number + 1),
                description: None,
                suitability: suitability.to_owned(),
                condition: Condition::Good.as_str().to_owned(),
                status: ItemStatus::Available.as_str().to_owned(),
                terms_text: "Return cleaned within the loan window.".to_owned(),
                terms_version: 1,
                max_loan_days: 7,
                auto_approve: rng.random_bool(0.5),
                last_returned_at: None,
                created_at: now - Duration::days(HISTORY_DAYS),
                updated_at: now - Duration::days(HISTORY_DAYS),
                version: 1,
            };
            // Returned loans, one after another, then perhaps one now and
            // one to come.
            let mut starts =
                now - Duration::days(HISTORY_DAYS) + minutes(&mut rng, 0, 60 * 24 * 90);
            let mut plan = Vec::new();
            for _ in 0..rng.random_range(0..=5) {
                let ends = starts + minutes(&mut rng, 60 * 24, 60 * 24 * 7);
                if ends >= now - Duration::days(8) {
                    break;
                }
                plan.push((starts, ends, ReservationStatus::Returned));
                starts = ends + minutes(&mut rng, 60 * 24 * 5, 60 * 24 * 120);
            }
            match rng.random_range(0..100) {
                0..15 => {
                    let out = now - minutes(&mut rng, 60, 60 * 24 * 5);
                    plan.push((
                        out,
                        now + minutes(&mut rng, 60, 60 * 24 * 4),
                        ReservationStatus::Active,
                    ));
                }
                15..17 => {
                    let out = now - minutes(&mut rng, 60 * 24 * 5, 60 * 24 * 7);
                    plan.push((
                        out,
                        now - minutes(&mut rng, 60, 60 * 24),
                        ReservationStatus::Overdue,
                    ));
                }
                17..25 => {
                    let from = now + minutes(&mut rng, 60 * 24 * 3, 60 * 24 * 20);
                    plan.push((
                        from,
                        from + minutes(&mut rng, 60 * 24, 60 * 24 * 7),
                        ReservationStatus::Reserved,
                    ));
                }
                _ => {}
            }
            for (starts, ends, status) in plan {
                let borrower = members.other(&mut rng, owner);
                let out = matches!(
                    status,
                    ReservationStatus::Active
                        | ReservationStatus::Overdue
                        | ReservationStatus::Returned
                );
                let returned = status == ReservationStatus::Returned;
                let requested_at = starts - minutes(&mut rng, 60, 60 * 24 * 3);
                let (decision, reason) = if item.auto_approve {
                    (
                        "auto_approve",
                        "Free for the window; the owner approves requests that conflict with nothing automatically.",
                    )
                } else {
                    ("approved", "Approved by the owner.")
                };
                let loan = ReservationRow {
                    id: id(&mut rng),
                    item_id: item.id.clone(),
                    owner_org_id: item.owner_org_id.clone(),
                    borrower_org_id: members.organizations[borrower].clone(),
                    borrower_site_id: members.sites[borrower].first().cloned(),
                    requested_by: REFERRING_VET.to_owned(),
                    requested_by_user_id: None,
                    starts_at: starts,
                    ends_at: ends,
                    status: status.as_str().to_owned(),
                    tier: priority(&mut rng),
                    assessment_id: None,
                    referral_id: None,
                    justification: Some("Patient in respiratory distress".to_owned()),
                    decision: decision.to_owned(),
                    decision_reason: reason.to_owned(),
                    displaced_by: None,
                    offered_starts_at: None,
                    offered_ends_at: None,
                    cancel_reason: None,
                    decline_reason: None,
                    note: None,
                    terms_version: out.then_some(1),
                    terms_accepted_by: out.then(|| REFERRING_VET.to_owned()),
                    terms_accepted_at: out.then_some(starts),
                    checkout_report: report.clone().filter(|_| out),
                    checked_out_at: out.then_some(starts),
                    return_report: report.clone().filter(|_| returned),
                    returned_at: returned.then_some(ends),
                    requested_at,
                    updated_at: if returned { ends } else { starts },
                    version: 1 + i64::from(out) + i64::from(returned),
                };
                let mut step =
                    |at, actor: &str, kind: &str, from: Option<&str>, to: &str, note: &str| {
                        events.push(TimelineEvent {
                            subject_id: loan.id.clone(),
                            at,
                            actor: actor.to_owned(),
                            kind: kind.to_owned(),
                            from_status: from.map(str::to_owned),
                            to_status: Some(to.to_owned()),
                            note: Some(note.to_owned()),
                        });
                    };
                step(
                    requested_at,
                    REFERRING_VET,
                    "requested",
                    None,
                    "reserved",
                    reason,
                );
                if out {
                    step(
                        starts,
                        REFERRING_VET,
                        "checked_out",
                        Some("reserved"),
                        "active",
                        "Checked out in condition good; usage terms version 1 accepted.",
                    );
                }
                if returned {
                    step(
                        ends,
                        RECEIVING_VET,
                        "returned",
                        Some("active"),
                        "returned",
                        "Returned in condition good.",
                    );
                    item.last_returned_at = Some(ends);
                }
                if status == ReservationStatus::Overdue {
                    step(
                        ends,
                        WARREN,
                        "overdue",
                        Some("active"),
                        "overdue",
                        "Not back by the end of the loan window.",
                    );
                }
                if matches!(
                    status,
                    ReservationStatus::Active | ReservationStatus::Overdue
                ) {
                    item.status = ItemStatus::OnLoan.as_str().to_owned();
                }
                loans.push(loan);
            }
            items.push(item);
        }
        store.write(|connection: &mut DbConnection| {
            bulk::insert_items(connection, &items)?;
            bulk::insert_reservations(connection, &loans)?;
            bulk::insert_reservation_events(connection, &events)?;
            Ok::<_, StoreError>(())
        })?;
        written += count;
    }
    Ok(())
}

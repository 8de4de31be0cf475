//! The demo network's referral history: ten weeks of handovers between its
//! vetted organizations — completed with outcomes, declined with reasons,
//! withdrawn, some escalated, and a few still open on the boards — so the
//! boards, timelines and figures have something to show from the start.

use chrono::{Duration, NaiveDateTime, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use uuid::Uuid;
use warren_domain::referral::{AnswerTimes, Outcome, OutcomeKind, ReferralStatus, RejectReason};
use warren_domain::triage::Tier;
use warren_store::referrals::{self, NewReferral, PastReferral};
use warren_store::{DbConnection, StoreError};

/// How many referrals the history holds: enough that last month's
/// dashboard and public report have most tiers above the small-cell limit.
pub const HISTORY: usize = 170;

/// A vetted demo organization that refers and receives.
pub struct Member {
    /// The organization.
    pub organization_id: String,
    /// Its sites.
    pub sites: Vec<String>,
    /// Who answers referrals there.
    pub person: String,
}

/// The demo's patients (species, name, why referred); the benchmark's
/// history draws from the same ones.
pub const CASES: [(&str, &str, &str); 8] = [
    (
        "small_mammal/rat",
        "Pip",
        "Laboured breathing, porphyrin staining",
    ),
    (
        "small_mammal/guinea_pig",
        "Biscuit",
        "Not eating for 14 h, no droppings",
    ),
    ("small_mammal/hamster", "Nibbles", "Wet tail, lethargic"),
    (
        "small_mammal/chinchilla",
        "Smokey",
        "Drooling, dropping food: dental?",
    ),
    (
        "small_mammal/rabbit",
        "Clover",
        "Head tilt since this morning",
    ),
    (
        "wildlife/hedgehog",
        "Adult hedgehog, road",
        "Found out by day, flystrike on wounds",
    ),
    (
        "wildlife/bird",
        "Juvenile pigeon",
        "Cat caught, puncture wounds",
    ),
    (
        "small_mammal/degu",
        "Dot",
        "Fell from shelf, not weight-bearing",
    ),
];

/// Writes about [`HISTORY`] past and current referrals between `members`.
pub fn load(connection: &mut DbConnection, members: &[Member]) -> Result<usize, StoreError> {
    let members: Vec<&Member> = members
        .iter()
        .filter(|member| !member.sites.is_empty())
        .collect();
    if members.len() < 2 {
        return Ok(0);
    }
    let mut rng = StdRng::seed_from_u64(2026);
    let now = Utc::now().naive_utc();
    let times = AnswerTimes::default();
    let mut written = 0;
    for index in 0..HISTORY {
        let referrer = members[index % members.len()];
        let receiver = loop {
            let candidate = *members.choose(&mut rng).unwrap_or(&members[0]);
            if candidate.organization_id != referrer.organization_id {
                break candidate;
            }
        };
        let (species, name, reason) = CASES[index % CASES.len()];
        let tier = Tier::ALL[rng.random_range(0..Tier::ALL.len())];
        // The last few are from today and still open.
        let open = index >= HISTORY - 6;
        let sent = if open {
            now - Duration::minutes(rng.random_range(2..90))
        } else {
            now - Duration::minutes(rng.random_range(60..60 * 24 * 72))
        };
        let minutes =
            |low: i64, high: i64, rng: &mut StdRng| Duration::minutes(rng.random_range(low..high));
        let received = sent + minutes(1, 12, &mut rng);
        let accepted = received + minutes(1, 20, &mut rng);
        let first_vet = accepted + minutes(15, 120, &mut rng);
        let closed = first_vet + minutes(60, 60 * 48, &mut rng);
        let scenario = if open {
            index % 3 + 10
        } else {
            rng.random_range(0..10)
        };
        let mut past = PastReferral {
            new: new_referral(
                referrer, receiver, species, name, reason, tier, sent, &times, &mut rng,
            ),
            status: ReferralStatus::Completed,
            receiver_person: receiver.person.clone(),
            received_at: Some(received),
            accepted_at: Some(accepted),
            first_vet_at: Some(first_vet),
            closed_at: Some(closed),
            rejection: None,
            outcome: None,
        };
        match scenario {
            0..=5 => {
                let kind = *[
                    OutcomeKind::TreatedAndReturned,
                    OutcomeKind::TreatedAndReturned,
                    OutcomeKind::Admitted,
                    OutcomeKind::Released,
                    OutcomeKind::TransferredOn,
                    OutcomeKind::Died,
                    OutcomeKind::Euthanised,
                ]
                .choose(&mut rng)
                .unwrap_or(&OutcomeKind::TreatedAndReturned);
                past.outcome = Some(Outcome {
                    kind,
                    note: None,
                    follow_up_due: (kind == OutcomeKind::TreatedAndReturned)
                        .then(|| (closed + Duration::days(7)).date()),
                });
            }
            6 | 7 => {
                let reason = *[
                    RejectReason::NoCapacity,
                    RejectReason::NoCapacity,
                    RejectReason::MissingCapability,
                    RejectReason::SpeciesNotTreated,
                    RejectReason::NoVet,
                ]
                .choose(&mut rng)
                .unwrap_or(&RejectReason::NoCapacity);
                past.status = ReferralStatus::Rejected;
                past.accepted_at = None;
                past.first_vet_at = None;
                past.closed_at = Some(received + minutes(1, 10, &mut rng));
                past.rejection = Some((reason, reason.label().to_owned()));
            }
            8 => {
                past.status = ReferralStatus::Cancelled;
                past.accepted_at = None;
                past.first_vet_at = None;
                past.closed_at = Some(received + minutes(5, 30, &mut rng));
            }
            9 => {
                // Escalated: the first receiver never answered.
                past.new.escalation_level = 1;
                past.new.created_by = "Warren".into();
            }
            10 => {
                past.status = ReferralStatus::Requested;
                past.received_at = None;
                past.accepted_at = None;
                past.first_vet_at = None;
                past.closed_at = None;
            }
            11 => {
                past.status = ReferralStatus::Accepted;
                past.first_vet_at = None;
                past.closed_at = None;
                past.new.business_status = Some("to_be_picked_up".into());
            }
            _ => {
                past.status = ReferralStatus::InProgress;
                past.closed_at = None;
            }
        }
        if past.status != ReferralStatus::Requested && past.received_at.is_some_and(|at| at > now) {
            continue;
        }
        referrals::insert_past(connection, &past)?;
        written += 1;
    }
    Ok(written)
}

#[expect(clippy::too_many_arguments, reason = "one referral's parts")]
pub(crate) fn new_referral(
    referrer: &Member,
    receiver: &Member,
    species: &str,
    name: &str,
    reason: &str,
    tier: Tier,
    sent: NaiveDateTime,
    times: &AnswerTimes,
    rng: &mut StdRng,
) -> NewReferral {
    let patient = serde_json::json!({ "name": name, "identifiers": [] }).to_string();
    NewReferral {
        id: Uuid::now_v7().to_string(),
        case_id: Uuid::now_v7().to_string(),
        status: ReferralStatus::Requested.as_str().to_owned(),
        business_status: None,
        priority: i32::from(tier.number()),
        referrer_org_id: referrer.organization_id.clone(),
        referrer_site_id: referrer.sites.first().cloned(),
        receiver_org_id: receiver.organization_id.clone(),
        receiver_site_id: receiver.sites.choose(rng).cloned().unwrap_or_default(),
        species: species.to_owned(),
        patient,
        contact: None,
        reason: reason.to_owned(),
        history: None,
        medications: None,
        allergies: None,
        assessment_id: None,
        triage: None,
        capabilities: "[]".to_owned(),
        escalated_from: None,
        escalation_level: 0,
        cover_tried: false,
        created_by: referrer.person.clone(),
        created_by_user_id: None,
        created_at: sent,
        sent_at: Some(sent),
        answer_due_at: Some(times.due(tier, sent.and_utc()).naive_utc()),
        updated_at: sent,
        record_id: None,
    }
}

//! The status link a referring clinic gives an owner or finder: a page that
//! needs no account and says, in plain words, where the animal is going or
//! is, how it stands, what to expect, and — only when the clinic chose to
//! share them — later updates and the outcome.
//!
//! A link follows the case, not one request: a case sent to three places
//! reads "waiting for an answer" until one accepts, then names that place.
//! The link works until it is revoked, or until [`DAYS_AFTER_CLOSE`] days
//! after the case closed.

use chrono::{DateTime, Duration, Utc};

use super::{OutcomeKind, ReferralStatus};
use crate::triage::Tier;

/// How long a link keeps working after its case closed.
pub const DAYS_AFTER_CLOSE: i64 = 30;

codes!(
    /// Where a case stands, as the owner or finder is told.
    CaseStage {
        /// Places have been asked and none has answered yes yet.
        Asking = "asking", "Finding a place";
        /// A place will take the animal; it is on its way or expected.
        Accepted = "accepted", "A place is ready";
        /// The animal is with the place and is being cared for.
        InCare = "in_care", "In care";
        /// Care there has finished.
        Finished = "finished", "Care finished";
        /// No place took the animal through Warren.
        NotGoingAhead = "not_going_ahead", "Not going ahead";
    }
);

/// How far a request has gone with the animal: 0 for one no place has
/// taken (asking, or ended without being taken).
fn progress(status: ReferralStatus) -> u8 {
    use ReferralStatus::*;
    match status {
        Completed => 3,
        InProgress => 2,
        Accepted | OnHold => 1,
        _ => 0,
    }
}

/// The request that speaks for the case, by its index in `statuses`: the
/// one a place took that has gone furthest, if any place took it.
pub fn leading(statuses: &[ReferralStatus]) -> Option<usize> {
    statuses
        .iter()
        .enumerate()
        .filter(|(_, status)| progress(**status) > 0)
        .max_by_key(|(index, status)| (progress(**status), std::cmp::Reverse(*index)))
        .map(|(index, _)| index)
}

/// Where a case stands, from the statuses of its requests: the most advanced
/// request speaks for the case.
pub fn stage(statuses: &[ReferralStatus]) -> CaseStage {
    use ReferralStatus::*;
    match leading(statuses).map(|index| statuses[index]) {
        Some(Completed) => CaseStage::Finished,
        Some(InProgress) => CaseStage::InCare,
        Some(_) => CaseStage::Accepted,
        None if statuses
            .iter()
            .any(|s| matches!(s, Requested | Received | Draft)) =>
        {
            CaseStage::Asking
        }
        None => CaseStage::NotGoingAhead,
    }
}

/// What the page says for `stage`: a headline and a sentence, naming the
/// place (`place`) where there is one.
pub fn plain_words(stage: CaseStage, place: Option<&str>) -> (String, String) {
    let place = place.unwrap_or("the receiving clinic");
    match stage {
        CaseStage::Asking => (
            "We are finding a place for the animal".into(),
            "The clinic has asked the nearest suitable places to take the animal and is waiting \
             for an answer. This page changes as soon as one says yes."
                .into(),
        ),
        CaseStage::Accepted => (
            format!("{place} will take the animal"),
            format!(
                "{place} has agreed to take the animal and is expecting it. If you are bringing \
                 it yourself, go there now; phone them if anything changes."
            ),
        ),
        CaseStage::InCare => (
            format!("The animal is being cared for at {place}"),
            format!(
                "The animal has arrived and a vet at {place} has seen it. Updates appear here \
                 when the clinic shares them."
            ),
        ),
        CaseStage::Finished => (
            format!("Care at {place} has finished"),
            "The clinic has finished its part of this animal's care.".into(),
        ),
        CaseStage::NotGoingAhead => (
            "This transfer is not going ahead".into(),
            "No place could take the animal through this request. The clinic that gave you this \
             link will contact you about what happens next."
                .into(),
        ),
    }
}

/// What to expect for a case of `tier` once the animal arrives, in plain
/// words, from the tier's first-contact target.
pub fn expectation(tier: Tier) -> String {
    match tier {
        Tier::Immediate => {
            "This is an emergency: a vet sees the animal as soon as it arrives.".into()
        }
        Tier::VeryUrgent => {
            "This is very urgent: a vet aims to see the animal within 15 minutes of arrival.".into()
        }
        Tier::Urgent => {
            "This is urgent: a vet aims to see the animal within an hour of arrival.".into()
        }
        Tier::Standard => {
            "A vet aims to see the animal within two hours of arrival; more urgent animals may \
             be seen first."
                .into()
        }
        Tier::NonUrgent => {
            "This is not urgent: a vet aims to see the animal within four hours of arrival; more \
             urgent animals are seen first."
                .into()
        }
    }
}

/// The outcome in plain words, for a link that shares it.
pub fn outcome_words(kind: OutcomeKind) -> &'static str {
    match kind {
        OutcomeKind::TreatedAndReturned => "The animal was treated and handed back.",
        OutcomeKind::Admitted => "The animal was admitted for further care.",
        OutcomeKind::TransferredOn => "The animal was sent on for more specialised care.",
        OutcomeKind::Released => "The animal was released back to the wild.",
        OutcomeKind::Died => "Sadly, the animal died.",
        OutcomeKind::Euthanised => "Sadly, the animal was put to sleep to end its suffering.",
    }
}

/// Until when a link works: open cases keep it working; a closed case's
/// link stops [`DAYS_AFTER_CLOSE`] days after `closed_at`.
pub fn expires_at(closed_at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    closed_at.map(|closed| closed + Duration::days(DAYS_AFTER_CLOSE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReferralStatus::*;

    #[test]
    fn the_most_advanced_request_speaks_for_the_case() {
        assert_eq!(stage(&[Requested, Requested, Rejected]), CaseStage::Asking);
        assert_eq!(
            stage(&[Accepted, Cancelled, Cancelled]),
            CaseStage::Accepted
        );
        assert_eq!(stage(&[InProgress, Cancelled]), CaseStage::InCare);
        assert_eq!(stage(&[Completed, Rejected]), CaseStage::Finished);
        assert_eq!(stage(&[Rejected, Cancelled]), CaseStage::NotGoingAhead);
        assert_eq!(stage(&[]), CaseStage::NotGoingAhead);
        assert_eq!(leading(&[Cancelled, Accepted, InProgress]), Some(2));
        assert_eq!(leading(&[Requested, Rejected]), None);
    }

    #[test]
    fn words_name_the_place() {
        let (headline, _) = plain_words(CaseStage::Accepted, Some("Avon Exotics"));
        assert_eq!(headline, "Avon Exotics will take the animal");
        assert!(expectation(Tier::Urgent).contains("within an hour"));
    }

    #[test]
    fn a_link_lasts_thirty_days_after_the_case_closes() {
        assert_eq!(expires_at(None), None);
        let closed = DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            expires_at(Some(closed)).unwrap().to_rfc3339(),
            "2026-12-31T10:00:00+00:00"
        );
    }
}

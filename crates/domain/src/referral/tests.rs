use proptest::prelude::*;

use super::*;
use ReferralStatus::*;

#[test]
fn the_happy_path_belongs_to_the_side_that_does_the_work() {
    assert_eq!(check_transition(Draft, Requested, Party::Referrer), Ok(()));
    assert_eq!(
        check_transition(Requested, Received, Party::Receiver),
        Ok(())
    );
    assert_eq!(
        check_transition(Received, Accepted, Party::Receiver),
        Ok(())
    );
    assert_eq!(
        check_transition(Requested, Accepted, Party::Receiver),
        Ok(())
    );
    assert_eq!(
        check_transition(Accepted, InProgress, Party::Receiver),
        Ok(())
    );
}

#[test]
fn only_the_receiver_accepts_or_rejects() {
    for party in [Party::Referrer, Party::Coordinator, Party::Warren] {
        for to in [Received, Accepted, Rejected] {
            let error = check_transition(Requested, to, party).unwrap_err();
            assert!(
                matches!(error, ReferralError::NotYours { .. }),
                "{party:?} {to}"
            );
        }
    }
}

#[test]
fn the_referrer_cancels_and_warren_withdraws_but_the_receiver_cannot_cancel() {
    assert_eq!(
        check_transition(Requested, Cancelled, Party::Referrer),
        Ok(())
    );
    assert_eq!(check_transition(Received, Cancelled, Party::Warren), Ok(()));
    let error = check_transition(Requested, Cancelled, Party::Receiver).unwrap_err();
    assert_eq!(
        error.to_string(),
        "only the referring organization or network admins or Warren may move a referral to cancelled"
    );
}

#[test]
fn an_illegal_move_names_both_states() {
    let error = check_transition(Completed, Accepted, Party::Receiver).unwrap_err();
    assert_eq!(
        error,
        ReferralError::Illegal {
            from: Completed,
            to: Accepted
        }
    );
    assert_eq!(
        error.to_string(),
        "a referral cannot go from completed to accepted"
    );
}

#[test]
fn completing_needs_an_outcome_recorded_by_the_receiver() {
    assert_eq!(
        check_transition(InProgress, Completed, Party::Receiver),
        Err(ReferralError::OutcomeRequired)
    );
    assert_eq!(check_outcome(InProgress, Party::Receiver), Ok(()));
    assert_eq!(check_outcome(Accepted, Party::Receiver), Ok(()));
    assert!(matches!(
        check_outcome(Requested, Party::Receiver),
        Err(ReferralError::Illegal { .. })
    ));
    assert!(matches!(
        check_outcome(InProgress, Party::Referrer),
        Err(ReferralError::NotYours { .. })
    ));
}

#[test]
fn finished_referrals_never_move_again() {
    for from in ReferralStatus::ALL.iter().copied().filter(|s| !s.is_open()) {
        for to in ReferralStatus::ALL.iter().copied() {
            for party in [
                Party::Referrer,
                Party::Receiver,
                Party::Coordinator,
                Party::Warren,
            ] {
                assert!(
                    check_transition(from, to, party).is_err(),
                    "{from} → {to} by {party:?}"
                );
            }
        }
    }
}

#[test]
fn rejecting_needs_a_reason_and_other_needs_words() {
    assert_eq!(
        check_rejection(None, None),
        Err(ReferralError::ReasonRequired)
    );
    assert_eq!(
        check_rejection(Some(RejectReason::Other), None),
        Err(ReferralError::NoteRequired)
    );
    let note = ClinicalNote::parse("Our only exotic vet is in surgery").unwrap();
    assert_eq!(
        check_rejection(Some(RejectReason::Other), Some(&note)),
        Ok(RejectReason::Other)
    );
    assert_eq!(
        check_rejection(Some(RejectReason::NoCapacity), None),
        Ok(RejectReason::NoCapacity)
    );
}

#[test]
fn buttons_offered_are_exactly_the_allowed_moves() {
    assert_eq!(
        next_statuses(Requested, Party::Receiver),
        vec![Received, Accepted, Rejected]
    );
    assert_eq!(
        next_statuses(Requested, Party::Referrer),
        vec![Cancelled, EnteredInError]
    );
    assert_eq!(
        next_statuses(Accepted, Party::Receiver),
        vec![InProgress, OnHold, Failed]
    );
}

#[test]
fn statuses_round_trip_through_their_fhir_names() {
    for status in ReferralStatus::ALL {
        assert_eq!(ReferralStatus::parse(status.as_str()), Some(*status));
        let json = serde_json::to_string(status).unwrap();
        assert_eq!(json, format!("\"{}\"", status.as_str()));
    }
    assert_eq!(InProgress.as_str(), "in-progress");
    assert_eq!(EnteredInError.as_str(), "entered-in-error");
}

#[test]
fn transport_legs_move_forward_or_are_cancelled() {
    use TransportStatus as T;
    assert_eq!(T::New.check_transition(T::Confirmed), Ok(()));
    assert_eq!(T::Confirmed.check_transition(T::Scheduled), Ok(()));
    assert_eq!(T::Scheduled.check_transition(T::Completed), Ok(()));
    assert_eq!(T::Scheduled.check_transition(T::Cancelled), Ok(()));
    assert!(T::New.check_transition(T::Completed).is_err());
    assert!(T::Completed.check_transition(T::Cancelled).is_err());
    assert_eq!(
        T::Scheduled.business_status(),
        Some(BusinessStatus::ToBePickedUp)
    );
}

#[test]
fn a_window_must_end_after_it_starts() {
    let start = Utc::now();
    assert_eq!(
        check_window(Some(start), Some(start)),
        Err(TransportError::Window)
    );
    assert_eq!(
        check_window(Some(start), Some(start + Duration::minutes(30))),
        Ok(())
    );
    assert_eq!(check_window(None, Some(start)), Ok(()));
}

#[test]
fn urgent_legs_are_shared_with_the_network_unless_the_referrer_says_otherwise() {
    use crate::triage::Tier;
    assert!(shared_by_default(Tier::Immediate));
    assert!(shared_by_default(Tier::Urgent));
    assert!(!shared_by_default(Tier::Standard));
    assert!(!shared_by_default(Tier::NonUrgent));
    // A new leg takes the tier's default; an existing one keeps its choice.
    assert_eq!(
        choose_sharing(Party::Receiver, None, Tier::Immediate, None),
        Ok(true)
    );
    assert_eq!(
        choose_sharing(Party::Receiver, Some(false), Tier::Immediate, None),
        Ok(false)
    );
    // The referrer changes it either way; the receiver only repeats it.
    assert_eq!(
        choose_sharing(Party::Referrer, Some(true), Tier::Immediate, Some(false)),
        Ok(false)
    );
    assert_eq!(
        choose_sharing(Party::Referrer, None, Tier::Standard, Some(true)),
        Ok(true)
    );
    assert_eq!(
        choose_sharing(Party::Receiver, Some(true), Tier::Standard, Some(true)),
        Ok(true)
    );
    assert_eq!(
        choose_sharing(Party::Receiver, Some(true), Tier::Immediate, Some(false)),
        Err(TransportError::SharingIsReferrers)
    );
}

#[test]
fn a_leg_is_late_once_its_time_comes_without_a_driver() {
    let now = Utc::now();
    let due = Some(now - Duration::minutes(1));
    assert!(unclaimed_at(TransportStatus::Confirmed, false, due, now));
    assert!(unclaimed_at(TransportStatus::New, false, Some(now), now));
    assert!(
        !unclaimed_at(TransportStatus::Confirmed, true, due, now),
        "a driver is named"
    );
    assert!(!unclaimed_at(TransportStatus::Scheduled, false, due, now));
    assert!(!unclaimed_at(TransportStatus::Cancelled, false, due, now));
    assert!(!unclaimed_at(
        TransportStatus::Confirmed,
        false,
        Some(now + Duration::minutes(1)),
        now
    ));
    assert!(!unclaimed_at(TransportStatus::Confirmed, false, None, now));
    assert_eq!(
        check_needed_by(
            Some(now + Duration::hours(2)),
            Some(now + Duration::hours(1))
        ),
        Err(TransportError::NeededBy)
    );
    assert_eq!(
        check_needed_by(Some(now), Some(now + Duration::hours(1))),
        Ok(())
    );
}

#[test]
fn answer_times_run_from_sending_and_more_urgent_tiers_are_never_slower() {
    let times = AnswerTimes::default();
    assert_eq!(times.check(), Ok(()));
    let sent = Utc::now();
    assert_eq!(
        times.due(Tier::Immediate, sent),
        sent + Duration::minutes(10)
    );
    let slower = AnswerTimes { urgent: 5, ..times };
    assert_eq!(slower.check().unwrap_err().0, "urgent");
    let zero = AnswerTimes {
        immediate: 0,
        ..times
    };
    assert_eq!(zero.check().unwrap_err().0, "immediate");
}

#[test]
fn a_closed_receiver_hands_over_to_its_cover_first() {
    assert_eq!(
        escalation_step(false, true, false),
        EscalationStep::AfterHoursCover
    );
    assert_eq!(
        escalation_step(false, true, true),
        EscalationStep::NextCandidate
    );
    assert_eq!(
        escalation_step(true, true, false),
        EscalationStep::NextCandidate
    );
    assert_eq!(
        escalation_step(false, false, false),
        EscalationStep::NextCandidate
    );
}

#[test]
fn weights_and_forms_are_checked_while_parsed() {
    assert!(serde_json::from_str::<Weight>("0").is_err());
    assert_eq!(serde_json::from_str::<Weight>("350").unwrap().grams(), 350);
    let patient: Result<Patient, _> = serde_json::from_str(r#"{"name": "Pip", "colour": "grey"}"#);
    assert!(patient.is_err(), "unknown fields are refused");
}

fn any_status() -> impl Strategy<Value = ReferralStatus> {
    prop::sample::select(ReferralStatus::ALL.to_vec())
}

fn any_party() -> impl Strategy<Value = Party> {
    prop::sample::select(vec![
        Party::Referrer,
        Party::Receiver,
        Party::Coordinator,
        Party::Warren,
    ])
}

proptest! {
    #[test]
    fn no_move_leads_back_to_draft_or_out_of_a_finished_state(
        from in any_status(), to in any_status(), party in any_party()
    ) {
        if check_transition(from, to, party).is_ok() {
            prop_assert!(from.is_open());
            prop_assert_ne!(to, Draft);
            prop_assert_ne!(from, to);
        }
    }

    #[test]
    fn warren_only_ever_withdraws(from in any_status(), to in any_status()) {
        if check_transition(from, to, Party::Warren).is_ok() {
            prop_assert_eq!(to, Cancelled);
        }
    }
}

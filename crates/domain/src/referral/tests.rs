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

mod sending {
    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    const REFERRER: u128 = 1;
    const OTHER: u128 = 2;

    fn request<'a>(own_sites: &'a [Uuid], receivers: &'a [ReceivingSite]) -> ReferralRequest<'a> {
        ReferralRequest {
            referrer: id(REFERRER),
            vetted: true,
            own_sites,
            receivers,
            from_site: None,
            assessment: None,
            priority: Some(Tier::Urgent),
            capabilities: Vec::new(),
            draft: false,
        }
    }

    fn site(site: u128, organization: Option<u128>) -> ReceivingSite {
        ReceivingSite {
            site_id: id(site),
            organization_id: organization.map(id),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_receiver_list_is_one_to_five_distinct_sites() {
        assert_eq!(check_receivers(&[]), Err(ReferralError::ReceiverCount));
        let six: Vec<Uuid> = (10..16).map(id).collect();
        assert_eq!(check_receivers(&six), Err(ReferralError::ReceiverCount));
        assert_eq!(
            check_receivers(&[id(10), id(11), id(10)]),
            Err(ReferralError::ReceiverTwice(2))
        );
        assert_eq!(check_receivers(&[id(10), id(11)]), Ok(()));
    }

    #[test]
    fn a_sent_referral_is_requested_with_an_answer_time_from_its_tier() {
        let own = [id(100)];
        let receivers = [site(20, Some(OTHER))];
        let times = AnswerTimes::default();
        let plan = plan_referral(request(&own, &receivers), &times, now()).unwrap();
        assert_eq!(plan.status, ReferralStatus::Requested);
        assert_eq!(plan.receivers, vec![(id(20), id(OTHER))]);
        assert_eq!(plan.from_site, Some(id(100)));
        assert_eq!(plan.answer_due, Some(times.due(Tier::Urgent, now())));
    }

    #[test]
    fn a_draft_waits_for_no_answer() {
        let receivers = [site(20, Some(OTHER))];
        let mut draft = request(&[], &receivers);
        draft.draft = true;
        let plan = plan_referral(draft, &AnswerTimes::default(), now()).unwrap();
        assert_eq!(plan.status, ReferralStatus::Draft);
        assert_eq!(plan.answer_due, None);
        assert_eq!(plan.from_site, None);
    }

    #[test]
    fn only_a_vetted_organization_sends() {
        let receivers = [site(20, Some(OTHER))];
        let mut unvetted = request(&[], &receivers);
        unvetted.vetted = false;
        assert_eq!(
            plan_referral(unvetted, &AnswerTimes::default(), now()),
            Err(ReferralError::NotVetted)
        );
    }

    #[test]
    fn receivers_are_listed_sites_of_other_organizations() {
        let times = AnswerTimes::default();
        let unknown = [site(20, Some(OTHER)), site(21, None)];
        assert_eq!(
            plan_referral(request(&[], &unknown), &times, now()),
            Err(ReferralError::ReceiverUnknown(1))
        );
        let own = [site(20, Some(REFERRER))];
        assert_eq!(
            plan_referral(request(&[], &own), &times, now()),
            Err(ReferralError::ReceiverIsOwn(0))
        );
    }

    #[test]
    fn the_patient_leaves_from_one_of_the_referrers_sites() {
        let own = [id(100), id(101)];
        let receivers = [site(20, Some(OTHER))];
        let times = AnswerTimes::default();
        let mut second = request(&own, &receivers);
        second.from_site = Some(id(101));
        assert_eq!(
            plan_referral(second, &times, now()).unwrap().from_site,
            Some(id(101))
        );
        let mut foreign = request(&own, &receivers);
        foreign.from_site = Some(id(20));
        assert_eq!(
            plan_referral(foreign, &times, now()),
            Err(ReferralError::NotOwnSite)
        );
    }

    #[test]
    fn the_assessment_gives_the_priority_and_needs_left_out() {
        let receivers = [site(20, Some(OTHER))];
        let needs = vec!["oiled_wildlife".to_owned()];
        let times = AnswerTimes::default();
        let mut carried = request(&[], &receivers);
        carried.priority = None;
        carried.assessment = Some(Some(AssessedNeeds {
            tier: Tier::Immediate,
            capabilities: &needs,
        }));
        let plan = plan_referral(carried.clone(), &times, now()).unwrap();
        assert_eq!(plan.priority, Tier::Immediate);
        assert_eq!(plan.capabilities, needs);

        carried.priority = Some(Tier::Standard);
        carried.capabilities = vec!["surgery".to_owned()];
        let plan = plan_referral(carried, &times, now()).unwrap();
        assert_eq!(plan.priority, Tier::Standard);
        assert_eq!(plan.capabilities, vec!["surgery".to_owned()]);
    }

    #[test]
    fn without_an_assessment_a_priority_is_required() {
        let receivers = [site(20, Some(OTHER))];
        let times = AnswerTimes::default();
        let mut bare = request(&[], &receivers);
        bare.priority = None;
        assert_eq!(
            plan_referral(bare.clone(), &times, now()),
            Err(ReferralError::PriorityRequired)
        );
        bare.assessment = Some(None);
        assert_eq!(
            plan_referral(bare, &times, now()),
            Err(ReferralError::NotOwnAssessment)
        );
    }
}

mod driving {
    use chrono::{NaiveDate, TimeZone};

    use super::*;
    use crate::people::{Skill, SkillEntry};

    fn leg(status: TransportStatus) -> LegState {
        LegState {
            status,
            shared_with_network: true,
            has_driver: false,
            driven_by_caller: false,
        }
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
    }

    const TRANSPORT: [SkillEntry; 1] = [SkillEntry {
        skill: Skill::Transport,
        expires_on: None,
    }];

    #[test]
    fn members_reach_a_leg_through_their_side() {
        let reach = driver_reach(Some(Party::Receiver), false, true, None, false);
        assert_eq!(reach, Some(DriverReach::Side(Party::Receiver)));
    }

    #[test]
    fn network_volunteers_reach_a_shared_leg_while_it_waits_or_they_drive_it() {
        let waiting = Some(leg(TransportStatus::New));
        assert_eq!(
            driver_reach(None, false, true, waiting, true),
            Some(DriverReach::Network)
        );
        assert_eq!(driver_reach(None, false, true, waiting, false), None);
        assert_eq!(driver_reach(None, false, false, waiting, true), None);
        let mine = Some(LegState {
            has_driver: true,
            driven_by_caller: true,
            ..leg(TransportStatus::Scheduled)
        });
        assert_eq!(
            driver_reach(None, false, true, mine, false),
            Some(DriverReach::Network)
        );
        assert_eq!(
            driver_reach(Some(Party::Coordinator), true, false, waiting, true),
            Some(DriverReach::Side(Party::Coordinator))
        );
    }

    #[test]
    fn a_free_leg_is_taken_by_a_driver_with_a_valid_skill() {
        let reach = DriverReach::Network;
        let free = Some(leg(TransportStatus::Confirmed));
        assert_eq!(
            take_drive(reach, true, free, &TRANSPORT, day()),
            Ok(TransportStatus::Scheduled)
        );
        assert!(matches!(
            take_drive(reach, true, free, &[], day()),
            Err(DriveError::Skill(_))
        ));
        assert_eq!(
            take_drive(reach, true, None, &TRANSPORT, day()),
            Err(DriveError::NoLeg)
        );
        assert_eq!(
            take_drive(reach, false, free, &TRANSPORT, day()),
            Err(DriveError::NoLongerNeeded)
        );
        let taken = Some(LegState {
            has_driver: true,
            ..leg(TransportStatus::Confirmed)
        });
        assert_eq!(
            take_drive(reach, true, taken, &TRANSPORT, day()),
            Err(DriveError::Taken)
        );
        assert_eq!(
            take_drive(
                reach,
                true,
                Some(leg(TransportStatus::Completed)),
                &TRANSPORT,
                day()
            ),
            Err(DriveError::NotOpen(TransportStatus::Completed))
        );
        assert_eq!(
            take_drive(
                DriverReach::Side(Party::Coordinator),
                true,
                free,
                &TRANSPORT,
                day()
            ),
            Err(DriveError::NotADriver)
        );
    }

    #[test]
    fn only_the_driver_gives_a_leg_back_before_it_is_delivered() {
        let mine = LegState {
            has_driver: true,
            driven_by_caller: true,
            ..leg(TransportStatus::Scheduled)
        };
        assert_eq!(give_back_drive(mine), Ok(TransportStatus::Confirmed));
        assert_eq!(
            give_back_drive(LegState {
                driven_by_caller: false,
                ..mine
            }),
            Err(DriveError::NotYourDrive)
        );
        assert_eq!(
            give_back_drive(LegState {
                status: TransportStatus::Completed,
                ..mine
            }),
            Err(DriveError::NotYourDrive)
        );
    }

    #[test]
    fn a_leg_is_driven_on_its_windows_start_or_today() {
        let later = Utc.with_ymd_and_hms(2026, 12, 9, 8, 0, 0).unwrap();
        let earlier = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
        assert_eq!(drive_day(Some(later), day()), later.date_naive());
        assert_eq!(drive_day(Some(earlier), day()), day());
        assert_eq!(drive_day(None, day()), day());
    }

    #[test]
    fn arranging_a_leg_checks_the_driver_after_the_lifecycle() {
        let ask = TransportAsk {
            window_starts: None,
            window_ends: None,
            needed_by: None,
            status: Some(TransportStatus::Scheduled),
            share_with_network: None,
            driver_is_member: None,
        };
        let open = ReferralStatus::Accepted;
        assert_eq!(
            plan_transport(Party::Referrer, open, Tier::Urgent, None, ask),
            Err(TransportError::DriverRequired)
        );
        let stranger = TransportAsk {
            driver_is_member: Some(false),
            ..ask
        };
        assert_eq!(
            plan_transport(Party::Referrer, open, Tier::Urgent, None, stranger),
            Err(TransportError::DriverNotMember)
        );
        let member = TransportAsk {
            driver_is_member: Some(true),
            ..ask
        };
        let plan = plan_transport(Party::Receiver, open, Tier::Urgent, None, member).unwrap();
        assert_eq!(plan.status, TransportStatus::Scheduled);
        assert!(plan.shared_with_network);
        assert_eq!(
            plan_transport(Party::Coordinator, open, Tier::Urgent, None, member),
            Err(TransportError::ArrangedWhileOpen)
        );
        assert_eq!(
            check_transport_step(Party::Referrer, ReferralStatus::Completed),
            Err(TransportError::StepWhileOpen)
        );
    }
}

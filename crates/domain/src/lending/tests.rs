use chrono::{DateTime, Duration, NaiveDate, Utc};
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::directory::taxonomy::TermCode;
use crate::referral::Weight;
use crate::text::{ClinicalNote, ShortText};
use crate::triage::Tier;

// ---------------------------------------------------------------- fixtures

/// 2027-01-15 08:00 UTC, a Friday.
fn t0() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap()
}

fn at(hours: i64) -> DateTime<Utc> {
    t0() + Duration::hours(hours)
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

const ITEM: u128 = 1;
const OWNER: u128 = 2;
const SITE: u128 = 3;
const BORROWER: u128 = 4;
const OTHER_BORROWER: u128 = 5;

fn window(from: i64, to: i64) -> LoanWindow {
    LoanWindow::new(at(from), at(to)).unwrap()
}

fn note(text: &str) -> ClinicalNote {
    ClinicalNote::parse(text).unwrap()
}

fn short(text: &str) -> ShortText {
    ShortText::parse(text).unwrap()
}

fn urgency(tier: Tier) -> Urgency {
    Urgency::justified(tier, note("Needed for a case"))
}

fn item() -> Item {
    Item {
        id: id(ITEM),
        owner_id: id(OWNER),
        home_site_id: id(SITE),
        name: short("Concentrator 5 L"),
        category: ItemCategory::OxygenConcentrator,
        suitability: Suitability::default(),
        condition: Condition::Good,
        status: ItemStatus::Available,
        terms: UsageTerms::first(note("Clean after use. Return on time.")),
        max_loan_days: MaxLoanDays::new(7).unwrap(),
        auto_approve: true,
        last_returned_at: None,
    }
}

/// A reservation of the item, requested `n` hours before t0.
fn booking(n: u128, status: ReservationStatus, from: i64, to: i64, tier: Tier) -> Reservation {
    Reservation {
        id: id(100 + n),
        item_id: id(ITEM),
        borrower_id: id(OTHER_BORROWER),
        window: window(from, to),
        status,
        urgency: urgency(tier),
        requested_at: at(-(n as i64) - 1),
    }
}

fn request(n: u128, from: i64, to: i64, tier: Tier) -> LoanRequest {
    LoanRequest {
        id: id(1000 + n),
        item_id: id(ITEM),
        borrower_id: id(BORROWER),
        window: window(from, to),
        urgency: urgency(tier),
        requested_at: t0(),
    }
}

fn plan(kind: MaintenanceKind, interval: MaintenanceInterval, blocking: bool) -> MaintenancePlan {
    MaintenancePlan {
        id: id(50),
        item_id: id(ITEM),
        kind,
        interval,
        blocking,
        last_done_at: Some(at(-24)),
        note: None,
    }
}

fn report(condition: Condition) -> ConditionReport {
    ConditionReport {
        condition,
        checklist: vec![
            ChecklistEntry {
                label: short("Power cable"),
                ok: true,
                note: None,
            },
            ChecklistEntry {
                label: short("Flow reaches 5 L/min"),
                ok: true,
                note: None,
            },
        ],
        notes: None,
    }
}

fn acceptance() -> TermsAcceptance {
    TermsAcceptance {
        accepted_by: id(77),
        organization_id: id(OTHER_BORROWER),
        accepted_at: at(0),
        terms_version: 1,
    }
}

use LendingParty::{Borrower, Coordinator, Owner, Warren};
const PARTIES: [LendingParty; 4] = [Owner, Borrower, Coordinator, Warren];

// ------------------------------------------------------------------ items

#[test]
fn item_status_moves_follow_the_table_and_belong_to_the_right_side() {
    use ItemStatus::*;
    let expected = |from, to| -> &'static [LendingParty] {
        match (from, to) {
            (Available, OnLoan) | (OnLoan, Available) => &[Warren],
            (OnLoan, InMaintenance) => &[Warren, Owner],
            (Available, InMaintenance) | (InMaintenance, Available) => &[Owner],
            (Available | InMaintenance, Retired) => &[Owner],
            _ => &[],
        }
    };
    for &from in ItemStatus::ALL {
        for &to in ItemStatus::ALL {
            let allowed = expected(from, to);
            for party in PARTIES {
                let result = from.check_transition(to, party);
                if allowed.contains(&party) {
                    assert_eq!(result, Ok(()), "{from} → {to} by {party:?}");
                } else if allowed.is_empty() {
                    assert_eq!(result, Err(ItemError::Illegal { from, to }));
                } else {
                    assert!(
                        matches!(result, Err(ItemError::NotYours { .. })),
                        "{from} → {to}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_retired_item_never_comes_back_and_one_on_loan_cannot_be_retired() {
    for &to in ItemStatus::ALL {
        assert!(ItemStatus::Retired.check_transition(to, Owner).is_err());
    }
    assert_eq!(
        ItemStatus::OnLoan
            .check_transition(ItemStatus::Retired, Owner)
            .unwrap_err()
            .to_string(),
        "an item cannot go from on_loan to retired"
    );
}

#[test]
fn an_item_returned_needing_repair_goes_to_maintenance() {
    assert_eq!(
        ItemStatus::after_return(Condition::Good),
        ItemStatus::Available
    );
    assert_eq!(
        ItemStatus::after_return(Condition::Fair),
        ItemStatus::Available
    );
    assert_eq!(
        ItemStatus::after_return(Condition::NeedsRepair),
        ItemStatus::InMaintenance
    );
    assert_eq!(
        ItemStatus::after_return(Condition::Unusable),
        ItemStatus::InMaintenance
    );
    assert!(Condition::NeedsRepair.worse_than(Condition::Good));
    assert!(!Condition::Good.worse_than(Condition::Fair));
}

#[test]
fn max_loan_days_are_one_to_three_hundred_sixty_five() {
    assert!(MaxLoanDays::new(0).is_err());
    assert!(MaxLoanDays::new(366).is_err());
    assert_eq!(MaxLoanDays::new(365).unwrap().days(), 365);
    assert!(serde_json::from_str::<MaxLoanDays>("0").is_err());
    assert_eq!(
        serde_json::from_str::<MaxLoanDays>("14")
            .unwrap()
            .duration(),
        Duration::days(14)
    );
}

#[test]
fn a_weight_range_includes_its_ends_and_refuses_min_above_max() {
    let grams = |g| Weight::try_from(g).unwrap();
    assert!(WeightRange::new(Some(grams(500)), Some(grams(100))).is_err());
    let range = WeightRange::new(Some(grams(100)), Some(grams(500))).unwrap();
    assert!(range.contains(grams(100)));
    assert!(range.contains(grams(500)));
    assert!(!range.contains(grams(99)));
    assert!(!range.contains(grams(501)));
    assert!(WeightRange::default().contains(grams(100_000)));
    let json = serde_json::to_string(&range).unwrap();
    assert_eq!(json, r#"{"min_grams":100,"max_grams":500}"#);
    assert!(serde_json::from_str::<WeightRange>(r#"{"min_grams":600,"max_grams":500}"#).is_err());
}

#[test]
fn a_monitor_for_guinea_pigs_is_no_use_for_a_hamster() {
    let grams = |g| Weight::try_from(g).unwrap();
    let suitability = Suitability {
        species: vec![
            TermCode::parse("small_mammal/guinea_pig").unwrap(),
            TermCode::parse("wildlife/carnivore").unwrap(),
        ],
        weight: WeightRange::new(Some(grams(400)), None).unwrap(),
        limits: vec![short("Reads heart rates up to 300 bpm")],
    };
    let guinea_pig = TermCode::parse("small_mammal/guinea_pig").unwrap();
    let hamster = TermCode::parse("small_mammal/hamster").unwrap();
    assert_eq!(suitability.suits(&guinea_pig, Some(grams(900))), Ok(()));
    assert_eq!(suitability.suits(&guinea_pig, None), Ok(()));
    assert_eq!(
        suitability.suits(&hamster, None),
        Err(Unsuitable::Species(hamster.clone()))
    );
    assert_eq!(
        suitability.suits(&guinea_pig, Some(grams(300))),
        Err(Unsuitable::TooLight(400))
    );
    // A listed group covers its species; an empty list suits any animal.
    let group = Suitability {
        species: vec![TermCode::parse("small_mammal").unwrap()],
        weight: WeightRange::new(None, Some(grams(200))).unwrap(),
        limits: vec![],
    };
    assert_eq!(group.suits(&hamster, Some(grams(150))), Ok(()));
    assert_eq!(
        group
            .suits(&hamster, Some(grams(250)))
            .unwrap_err()
            .to_string(),
        "for animals of at most 200 g"
    );
    assert_eq!(Suitability::default().suits(&hamster, None), Ok(()));
}

#[test]
fn revising_the_terms_bumps_the_version_only_when_the_words_change() {
    let terms = UsageTerms::first(note("Clean after use."));
    assert_eq!(terms.version, 1);
    assert_eq!(terms.revise(note("Clean after use.")).version, 1);
    let revised = terms.revise(note("Clean after use. No wildlife."));
    assert_eq!(revised.version, 2);
    assert_eq!(revised.revise(note("Other words")).version, 3);
}

#[test]
fn a_calibration_every_ninety_days_falls_due_ninety_days_after_it_was_done() {
    let calibration = plan(
        MaintenanceKind::Calibration,
        MaintenanceInterval::Days { days: 90 },
        true,
    );
    let due = at(-24) + Duration::days(90);
    assert_eq!(calibration.due(None), MaintenanceDue::At { at: due });
    assert!(!calibration.is_overdue(None, due - Duration::seconds(1)));
    assert!(calibration.is_overdue(None, due));
    assert_eq!(
        calibration.state(None, due - Duration::days(14)),
        MaintenanceState::DueSoon
    );
    assert_eq!(
        calibration.state(None, due - Duration::days(15)),
        MaintenanceState::UpToDate
    );
}

#[test]
fn a_plan_never_done_is_due_at_once() {
    let service = MaintenancePlan {
        last_done_at: None,
        ..plan(
            MaintenanceKind::Service,
            MaintenanceInterval::Days { days: 365 },
            true,
        )
    };
    assert_eq!(service.due(None), MaintenanceDue::NeverDone);
    assert!(service.is_overdue(None, at(0)));
}

#[test]
fn cleaning_after_each_loan_falls_due_at_return_and_is_satisfied_by_doing_it() {
    let cleaning = MaintenancePlan {
        last_done_at: None,
        ..plan(
            MaintenanceKind::Cleaning,
            MaintenanceInterval::AfterEachLoan,
            true,
        )
    };
    // Never lent: nothing to clean up after.
    assert_eq!(cleaning.due(None), MaintenanceDue::AfterNextLoan);
    assert!(!cleaning.is_overdue(None, at(0)));
    // Back from a loan: due at once.
    assert_eq!(cleaning.due(Some(at(1))), MaintenanceDue::At { at: at(1) });
    assert!(cleaning.is_overdue(Some(at(1)), at(1)));
    // Cleaned after it came back: fine until the next loan comes back.
    let cleaned = cleaning.record(at(2), at(3)).unwrap();
    assert_eq!(cleaned.due(Some(at(1))), MaintenanceDue::AfterNextLoan);
    assert!(!cleaned.is_overdue(Some(at(1)), at(3)));
    assert!(cleaned.is_overdue(Some(at(5)), at(5)));
}

#[test]
fn maintenance_cannot_be_recorded_in_the_future_nor_moved_back_by_a_late_record() {
    let calibration = plan(
        MaintenanceKind::Calibration,
        MaintenanceInterval::Days { days: 30 },
        true,
    );
    assert_eq!(
        calibration.record(at(2), at(0)),
        Err(MaintenanceError::InTheFuture)
    );
    let late = calibration.record(at(-48), at(0)).unwrap();
    assert_eq!(late.last_done_at, Some(at(-24)));
    let done = calibration.record(at(0), at(0)).unwrap();
    assert_eq!(done.last_done_at, Some(at(0)));
}

#[test]
fn maintenance_intervals_are_one_day_to_ten_years() {
    assert_eq!(
        MaintenanceInterval::Days { days: 0 }.check(),
        Err(MaintenanceError::Interval)
    );
    assert_eq!(
        MaintenanceInterval::Days { days: 3651 }.check(),
        Err(MaintenanceError::Interval)
    );
    assert_eq!(MaintenanceInterval::Days { days: 3650 }.check(), Ok(()));
    assert_eq!(MaintenanceInterval::AfterEachLoan.check(), Ok(()));
    let json = serde_json::to_string(&MaintenanceInterval::Days { days: 30 }).unwrap();
    assert_eq!(json, r#"{"every":"days","days":30}"#);
    let json = serde_json::to_string(&MaintenanceInterval::AfterEachLoan).unwrap();
    assert_eq!(json, r#"{"every":"after_each_loan"}"#);
}

#[test]
fn an_available_item_in_good_order_is_lendable_and_so_is_one_on_loan() {
    assert_eq!(lendable(&item(), &[], at(0)), Ok(()));
    let out = Item {
        status: ItemStatus::OnLoan,
        ..item()
    };
    assert_eq!(lendable(&out, &[], at(0)), Ok(()));
}

#[test]
fn an_overdue_blocking_calibration_takes_the_item_out_of_lending() {
    let overdue = MaintenancePlan {
        last_done_at: Some(at(-24 * 100)),
        ..plan(
            MaintenanceKind::Calibration,
            MaintenanceInterval::Days { days: 90 },
            true,
        )
    };
    let error = lendable(&item(), std::slice::from_ref(&overdue), at(0)).unwrap_err();
    assert_eq!(
        error.reasons,
        vec![Unlendable::MaintenanceOverdue {
            plan_id: overdue.id,
            kind: MaintenanceKind::Calibration,
            due: overdue.due(None),
        }]
    );
    assert_eq!(
        error.to_string(),
        "this item cannot be lent: calibration was due 2027-01-05 08:00 UTC"
    );
    // The same plan, not blocking, only warns the owner.
    let advisory = MaintenancePlan {
        blocking: false,
        ..overdue.clone()
    };
    assert_eq!(lendable(&item(), &[advisory], at(0)), Ok(()));
    // Another item's plan does not count.
    let elsewhere = MaintenancePlan {
        item_id: id(999),
        ..overdue
    };
    assert_eq!(lendable(&item(), &[elsewhere], at(0)), Ok(()));
}

#[test]
fn every_reason_an_item_cannot_be_lent_is_given() {
    let broken = Item {
        status: ItemStatus::Retired,
        condition: Condition::NeedsRepair,
        ..item()
    };
    let never_serviced = MaintenancePlan {
        last_done_at: None,
        ..plan(
            MaintenanceKind::Service,
            MaintenanceInterval::Days { days: 365 },
            true,
        )
    };
    let error = lendable(&broken, &[never_serviced], at(0)).unwrap_err();
    assert_eq!(error.reasons.len(), 3);
    assert_eq!(
        error.to_string(),
        "this item cannot be lent: it is retired; its condition is needs repair; service has never been recorded"
    );
    let in_maintenance = Item {
        status: ItemStatus::InMaintenance,
        ..item()
    };
    assert_eq!(
        lendable(&in_maintenance, &[], at(0)).unwrap_err().reasons,
        vec![Unlendable::InMaintenance]
    );
}

#[test]
fn a_blocking_overdue_plan_hides_the_item_from_catalog_search() {
    let query = CatalogQuery::default();
    assert!(query.matches(&item(), &[], &[], at(0)));
    let overdue = MaintenancePlan {
        last_done_at: Some(at(-24 * 100)),
        ..plan(
            MaintenanceKind::Calibration,
            MaintenanceInterval::Days { days: 90 },
            true,
        )
    };
    assert!(!query.matches(&item(), std::slice::from_ref(&overdue), &[], at(0)));
    let done = overdue.record(at(0), at(0)).unwrap();
    assert!(query.matches(&item(), &[done], &[], at(1)));
}

#[test]
fn catalog_search_filters_by_category_species_weight_and_free_window() {
    let grams = |g| Weight::try_from(g).unwrap();
    let monitor = Item {
        category: ItemCategory::Monitor,
        suitability: Suitability {
            species: vec![TermCode::parse("small_mammal/guinea_pig").unwrap()],
            weight: WeightRange::new(Some(grams(300)), None).unwrap(),
            limits: vec![],
        },
        ..item()
    };
    let by_category = |category| CatalogQuery {
        category: Some(category),
        ..CatalogQuery::default()
    };
    assert!(by_category(ItemCategory::Monitor).matches(&monitor, &[], &[], at(0)));
    assert!(!by_category(ItemCategory::Incubator).matches(&monitor, &[], &[], at(0)));

    let for_animal = |species: &str, weight: Option<u32>| CatalogQuery {
        species: Some(TermCode::parse(species).unwrap()),
        weight_grams: weight.map(grams),
        ..CatalogQuery::default()
    };
    assert!(for_animal("small_mammal/guinea_pig", Some(900)).matches(&monitor, &[], &[], at(0)));
    assert!(!for_animal("small_mammal/hamster", None).matches(&monitor, &[], &[], at(0)));
    assert!(!for_animal("small_mammal/guinea_pig", Some(200)).matches(&monitor, &[], &[], at(0)));
    let by_weight = CatalogQuery {
        weight_grams: Some(grams(100)),
        ..CatalogQuery::default()
    };
    assert!(!by_weight.matches(&monitor, &[], &[], at(0)));

    let held = [booking(
        1,
        ReservationStatus::Reserved,
        10,
        20,
        Tier::Standard,
    )];
    let in_window = |from, to| CatalogQuery {
        window: Some(window(from, to)),
        ..CatalogQuery::default()
    };
    assert!(!in_window(15, 30).matches(&monitor, &[], &held, at(0)));
    assert!(in_window(20, 30).matches(&monitor, &[], &held, at(0)));
    // Longer than the owner lends it for.
    assert!(!in_window(20, 20 + 24 * 8).matches(&monitor, &[], &held, at(0)));
}

#[test]
fn every_code_round_trips_through_its_stable_name() {
    fn check<T>(all: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> Option<T>)
    where
        T: Copy + PartialEq + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned,
    {
        for &value in all {
            assert_eq!(parse(as_str(value)), Some(value));
            let json = serde_json::to_string(&value).unwrap();
            assert_eq!(json, format!("\"{}\"", as_str(value)));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), value);
        }
        assert_eq!(parse("nonsense"), None);
    }
    check(ItemCategory::ALL, ItemCategory::as_str, ItemCategory::parse);
    check(Condition::ALL, Condition::as_str, Condition::parse);
    check(ItemStatus::ALL, ItemStatus::as_str, ItemStatus::parse);
    check(
        MaintenanceKind::ALL,
        MaintenanceKind::as_str,
        MaintenanceKind::parse,
    );
    check(
        ReservationStatus::ALL,
        ReservationStatus::as_str,
        ReservationStatus::parse,
    );
    check(CancelReason::ALL, CancelReason::as_str, CancelReason::parse);
    check(
        DeclineReason::ALL,
        DeclineReason::as_str,
        DeclineReason::parse,
    );
    check(SupplyUnit::ALL, SupplyUnit::as_str, SupplyUnit::parse);
    check(
        SupplyRequestStatus::ALL,
        SupplyRequestStatus::as_str,
        SupplyRequestStatus::parse,
    );
    check(Fulfilment::ALL, Fulfilment::as_str, Fulfilment::parse);
    assert_eq!(ItemStatus::OnLoan.as_str(), "on_loan");
    assert_eq!(ItemStatus::InMaintenance.label(), "In maintenance");
    assert_eq!(ItemCategory::Xray.label(), "X-ray / DR plate");
}

// ------------------------------------------------------------ reservations

#[test]
fn reservation_moves_follow_the_table_and_belong_to_the_right_side() {
    use ReservationStatus::*;
    for &from in ReservationStatus::ALL {
        for &to in ReservationStatus::ALL {
            let expected: Result<&[LendingParty], ReservationError> = match (from, to) {
                (Requested, Reserved | Declined) => Ok(&[Owner, Warren]),
                (Requested, Cancelled) => Ok(&[Borrower, Coordinator]),
                (Reserved, Cancelled) => Ok(&[Borrower, Owner, Coordinator, Warren]),
                (Reserved, Active) => Err(ReservationError::CheckoutRequired),
                (Active, Overdue) => Ok(&[Warren]),
                (Active | Overdue, Returned) => Err(ReservationError::ReturnRequired),
                _ => Err(ReservationError::Illegal { from, to }),
            };
            for party in PARTIES {
                let result = check_transition(from, to, party);
                match &expected {
                    Ok(allowed) if allowed.contains(&party) => {
                        assert_eq!(result, Ok(()), "{from} → {to} by {party:?}");
                    }
                    Ok(_) => assert!(
                        matches!(result, Err(ReservationError::NotYours { .. })),
                        "{from} → {to} by {party:?}"
                    ),
                    Err(error) => assert_eq!(result.as_ref(), Err(error)),
                }
            }
        }
    }
}

#[test]
fn finished_reservations_never_move_and_loans_are_never_cancelled() {
    for &from in ReservationStatus::ALL.iter().filter(|s| s.is_final()) {
        for &to in ReservationStatus::ALL {
            for party in PARTIES {
                assert!(check_transition(from, to, party).is_err());
            }
        }
    }
    let error = check_transition(
        ReservationStatus::Active,
        ReservationStatus::Cancelled,
        Coordinator,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "a reservation cannot go from active to cancelled"
    );
}

#[test]
fn only_the_owner_or_warren_approves_and_the_error_says_who() {
    let error = check_transition(
        ReservationStatus::Requested,
        ReservationStatus::Reserved,
        Borrower,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "only the owner or Warren may move a reservation to reserved"
    );
}

#[test]
fn buttons_offered_are_exactly_the_allowed_moves() {
    use ReservationStatus::*;
    assert_eq!(next_statuses(Requested, Owner), vec![Reserved, Declined]);
    assert_eq!(next_statuses(Requested, Borrower), vec![Cancelled]);
    assert_eq!(next_statuses(Reserved, Borrower), vec![Cancelled]);
    assert_eq!(next_statuses(Active, Warren), vec![Overdue]);
    assert_eq!(next_statuses(Active, Owner), vec![]);
}

#[test]
fn each_side_cancels_only_with_its_own_reasons() {
    use ReservationStatus::*;
    assert_eq!(
        check_cancellation(Reserved, Borrower, Some(CancelReason::BorrowerWithdrew)),
        Ok(CancelReason::BorrowerWithdrew)
    );
    assert_eq!(
        check_cancellation(Reserved, Warren, Some(CancelReason::Preempted)),
        Ok(CancelReason::Preempted)
    );
    assert!(matches!(
        check_cancellation(Reserved, Owner, Some(CancelReason::Preempted)),
        Err(ReservationError::ReasonNotYours { .. })
    ));
    assert_eq!(
        check_cancellation(Reserved, Owner, None),
        Err(ReservationError::ReasonRequired)
    );
    assert!(matches!(
        check_cancellation(Requested, Owner, Some(CancelReason::OwnerWithdrew)),
        Err(ReservationError::NotYours { .. })
    ));
    assert!(matches!(
        check_cancellation(Active, Coordinator, Some(CancelReason::Coordinator)),
        Err(ReservationError::Illegal { .. })
    ));
}

#[test]
fn declining_needs_a_reason_and_other_needs_words() {
    assert_eq!(
        check_decline(None, None),
        Err(ReservationError::ReasonRequired)
    );
    assert_eq!(
        check_decline(Some(DeclineReason::Other), None),
        Err(ReservationError::NoteRequired)
    );
    assert_eq!(
        check_decline(
            Some(DeclineReason::Other),
            Some(&note("Needed for teaching"))
        ),
        Ok(DeclineReason::Other)
    );
    assert_eq!(
        check_decline(Some(DeclineReason::NeededByOwner), None),
        Ok(DeclineReason::NeededByOwner)
    );
}

#[test]
fn a_window_must_end_after_it_starts_even_when_deserialized() {
    assert_eq!(
        LoanWindow::new(at(1), at(1)),
        Err(WindowError::EndsBeforeStarts)
    );
    assert!(LoanWindow::new(at(2), at(1)).is_err());
    let json = serde_json::to_string(&window(0, 2)).unwrap();
    assert_eq!(
        json,
        r#"{"starts":"2027-01-15T08:00:00Z","ends":"2027-01-15T10:00:00Z"}"#
    );
    assert_eq!(
        serde_json::from_str::<LoanWindow>(&json).unwrap(),
        window(0, 2)
    );
    let backwards = r#"{"starts":"2027-01-15T10:00:00Z","ends":"2027-01-15T08:00:00Z"}"#;
    assert!(serde_json::from_str::<LoanWindow>(backwards).is_err());
    assert_eq!(LoanWindow::starting(at(0), Duration::zero()), None);
    assert_eq!(
        LoanWindow::starting(at(0), Duration::hours(2)),
        Some(window(0, 2))
    );
}

#[test]
fn back_to_back_windows_do_not_overlap() {
    assert!(!overlaps(&window(0, 2), &window(2, 4)));
    assert!(!overlaps(&window(2, 4), &window(0, 2)));
    assert!(overlaps(&window(0, 3), &window(2, 4)));
    assert!(overlaps(&window(0, 10), &window(2, 4)));
    assert!(overlaps(&window(2, 4), &window(2, 4)));
    assert!(window(0, 2).contains(at(0)));
    assert!(!window(0, 2).contains(at(2)));
}

#[test]
fn a_requested_window_starts_now_give_or_take_a_few_minutes_and_fits_the_owners_limit() {
    let max = MaxLoanDays::new(7).unwrap();
    let now = at(0);
    let in_grace = LoanWindow::new(now - Duration::minutes(15), at(3)).unwrap();
    assert_eq!(check_request_window(&in_grace, max, now), Ok(()));
    let past = LoanWindow::new(now - Duration::minutes(16), at(3)).unwrap();
    assert_eq!(
        check_request_window(&past, max, now),
        Err(WindowError::InThePast)
    );
    let far = LoanWindow::new(now + Duration::days(366), now + Duration::days(367)).unwrap();
    assert_eq!(
        check_request_window(&far, max, now),
        Err(WindowError::TooFarAhead)
    );
    assert_eq!(check_request_window(&window(0, 24 * 7), max, now), Ok(()));
    let long = window(0, 24 * 7 + 1);
    assert_eq!(
        check_request_window(&long, max, now),
        Err(WindowError::TooLong { max_days: 7 })
    );
    assert_eq!(
        WindowError::TooLong { max_days: 7 }.to_string(),
        "a loan of this item may last at most 7 days"
    );
}

#[test]
fn an_active_loan_past_its_end_reads_as_overdue_and_is_flagged() {
    let loan = booking(1, ReservationStatus::Active, 0, 10, Tier::Standard);
    assert_eq!(loan.status_at(at(9)), ReservationStatus::Active);
    assert_eq!(loan.status_at(at(10)), ReservationStatus::Overdue);
    let reserved = booking(2, ReservationStatus::Reserved, 0, 10, Tier::Standard);
    assert_eq!(reserved.status_at(at(20)), ReservationStatus::Reserved);
    let flagged = booking(3, ReservationStatus::Overdue, 0, 5, Tier::Standard);
    assert_eq!(
        overdue_loans(&[loan.clone(), reserved, flagged], at(10)),
        vec![loan.id]
    );
}

#[test]
fn only_blocking_reservations_of_the_same_item_conflict() {
    use ReservationStatus::*;
    let reserved = booking(1, Reserved, 0, 10, Tier::Standard);
    for &status in ReservationStatus::ALL {
        let other = booking(2, status, 5, 15, Tier::Standard);
        assert_eq!(
            conflict(&reserved, &other),
            matches!(status, Reserved | Active | Overdue),
            "{status}"
        );
    }
    let other_item = Reservation {
        item_id: id(999),
        ..booking(2, Reserved, 5, 15, Tier::Standard)
    };
    assert!(!conflict(&reserved, &other_item));
    assert!(!conflict(&reserved, &reserved));
}

#[test]
fn conflicts_lists_the_blocking_overlaps_earliest_first() {
    use ReservationStatus::*;
    let existing = [
        booking(1, Reserved, 20, 30, Tier::Standard),
        booking(2, Active, 0, 12, Tier::Standard),
        booking(3, Requested, 5, 25, Tier::Immediate),
        booking(4, Cancelled, 5, 25, Tier::Standard),
        booking(5, Reserved, 30, 40, Tier::Standard),
    ];
    let found: Vec<Uuid> = conflicts(&existing, id(ITEM), &window(10, 30))
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(found, vec![id(102), id(101)]);
    assert!(conflicts(&existing, id(999), &window(10, 30)).is_empty());
}

#[test]
fn the_next_free_slot_skips_blocking_reservations_and_fits_in_gaps() {
    use ReservationStatus::*;
    let existing = [
        booking(1, Reserved, 0, 10, Tier::Standard),
        booking(2, Active, 12, 20, Tier::Standard),
        booking(3, Requested, 20, 30, Tier::Standard),
        booking(4, Reserved, 24, 30, Tier::Standard),
    ];
    let slot =
        |hours, after| next_free_slot(&existing, id(ITEM), Duration::hours(hours), at(after));
    assert_eq!(slot(2, 0), Some(window(10, 12)));
    assert_eq!(slot(3, 0), Some(window(20, 23)));
    assert_eq!(slot(5, 0), Some(window(30, 35)));
    assert_eq!(slot(2, -5), Some(window(-5, -3)));
    assert_eq!(slot(4, 20), Some(window(20, 24)));
    assert_eq!(slot(1, 31), Some(window(31, 32)));
    assert_eq!(slot(0, 0), None);
    assert_eq!(
        next_free_slot(&existing, id(999), Duration::hours(5), at(0)),
        Some(window(0, 5))
    );
}

// -------------------------------------------------------------- allocation

#[test]
fn urgency_needs_a_linked_assessment_or_referral_or_words() {
    assert_eq!(
        Urgency::new(Tier::Immediate, None, None, None),
        Err(UrgencyError::JustificationRequired)
    );
    let linked = Urgency::new(Tier::Immediate, Some(id(9)), None, None).unwrap();
    assert_eq!(linked.assessment_id(), Some(id(9)));
    assert!(Urgency::new(Tier::Urgent, None, Some(id(9)), None).is_ok());
    let words = Urgency::new(Tier::Standard, None, None, Some(note("Planned dental"))).unwrap();
    assert_eq!(words.justification().unwrap().as_str(), "Planned dental");
    assert!(serde_json::from_str::<Urgency>(r#"{"tier":"immediate"}"#).is_err());
    let parsed: Urgency =
        serde_json::from_str(r#"{"tier":"very_urgent","justification":"Bloat, needs O2"}"#)
            .unwrap();
    assert_eq!(parsed.tier(), Tier::VeryUrgent);
    assert_eq!(
        Urgency::referred(Tier::Urgent, id(3)).referral_id(),
        Some(id(3))
    );
}

#[test]
fn a_request_may_claim_less_urgency_than_its_triage_never_more() {
    assert_eq!(check_linked_tier(Tier::Urgent, Tier::Urgent), Ok(()));
    assert_eq!(check_linked_tier(Tier::Standard, Tier::Urgent), Ok(()));
    let error = check_linked_tier(Tier::Immediate, Tier::Urgent).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the request claims tier 1 (immediate) but the linked triage found tier 3 (urgent)"
    );
}

#[test]
fn competing_requests_are_served_by_tier_then_waiting_time_then_id() {
    let mut a = request(1, 0, 10, Tier::Standard);
    a.requested_at = at(-10);
    let mut b = request(2, 0, 10, Tier::Immediate);
    b.requested_at = at(-1);
    let mut c = request(3, 0, 10, Tier::Immediate);
    c.requested_at = at(-5);
    let mut d = request(4, 0, 10, Tier::Immediate);
    d.requested_at = at(-5);
    let requests = [a.clone(), b.clone(), d.clone(), c.clone()];
    let order: Vec<Uuid> = rank(&requests).into_iter().map(|r| r.id).collect();
    assert_eq!(order, vec![c.id, d.id, b.id, a.id]);
    assert_eq!(by_priority(&c, &d), std::cmp::Ordering::Less);
    assert_eq!(by_priority(&a, &a), std::cmp::Ordering::Equal);
}

#[test]
fn the_owner_approves_only_the_top_of_the_queue_and_never_over_a_reservation() {
    use ReservationStatus::*;
    let mine = booking(1, Requested, 10, 20, Tier::Standard);
    assert_eq!(check_approval(&mine, std::slice::from_ref(&mine)), Ok(()));
    let more_urgent = booking(2, Requested, 15, 25, Tier::Urgent);
    let existing = [mine.clone(), more_urgent.clone()];
    assert_eq!(
        check_approval(&mine, &existing),
        Err(ApprovalError::Outranked {
            by: more_urgent.id,
            tier: Tier::Urgent
        })
    );
    assert_eq!(check_approval(&more_urgent, &existing), Ok(()));
    // An earlier request of the same tier also comes first.
    let earlier = booking(3, Requested, 15, 25, Tier::Standard);
    assert!(matches!(
        check_approval(&mine, &[mine.clone(), earlier]),
        Err(ApprovalError::Outranked { .. })
    ));
    let held = booking(4, Reserved, 0, 11, Tier::NonUrgent);
    assert_eq!(
        check_approval(&mine, &[mine.clone(), held.clone()]),
        Err(ApprovalError::Conflict { with: held.id })
    );
    assert_eq!(
        check_approval(&held, &[]),
        Err(ApprovalError::NotRequested(Reserved))
    );
    assert_eq!(
        competing(&existing, id(ITEM), &window(0, 30))
            .into_iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        vec![more_urgent.id, mine.id]
    );
}

#[test]
fn only_tier_one_or_two_may_preempt_only_routine_bookings_that_have_not_started() {
    use ReservationStatus::*;
    let now = at(0);
    for requester in Tier::ALL {
        for victim_tier in Tier::ALL {
            for &status in ReservationStatus::ALL {
                for (from, to) in [(1, 10), (0, 10), (-1, 10)] {
                    let victim = booking(1, status, from, to, victim_tier);
                    let expected = requester <= Tier::VeryUrgent
                        && victim_tier >= Tier::Standard
                        && status == Reserved
                        && from > 0;
                    assert_eq!(
                        may_preempt(requester, &victim, now),
                        expected,
                        "{requester:?} over {victim_tier:?} {status} from {from}"
                    );
                }
            }
        }
    }
    assert!(is_routine(Tier::Standard));
    assert!(is_routine(Tier::NonUrgent));
    assert!(!is_routine(Tier::Urgent));
}

#[test]
fn a_free_request_is_approved_automatically_when_the_owner_allows_it() {
    let decision = decide(&request(1, 1, 10, Tier::Standard), &item(), &[], &[], at(0)).unwrap();
    assert!(matches!(decision, Decision::AutoApprove { .. }));
    assert_eq!(decision.status(), ReservationStatus::Reserved);
    assert_eq!(
        decision.reason(),
        "Free for 2027-01-15 09:00 UTC – 2027-01-15 18:00 UTC; the owner approves requests that conflict with nothing automatically."
    );
    let manual = Item {
        auto_approve: false,
        ..item()
    };
    let decision = decide(
        &request(1, 1, 10, Tier::Immediate),
        &manual,
        &[],
        &[],
        at(0),
    )
    .unwrap();
    assert!(matches!(decision, Decision::NeedsOwnerApproval { .. }));
    assert_eq!(decision.status(), ReservationStatus::Requested);
}

#[test]
fn a_free_request_waits_for_the_owner_when_a_more_urgent_one_is_queued() {
    let waiting = booking(1, ReservationStatus::Requested, 5, 15, Tier::Urgent);
    let decision = decide(
        &request(1, 1, 10, Tier::Standard),
        &item(),
        &[],
        &[waiting],
        at(0),
    )
    .unwrap();
    assert!(matches!(decision, Decision::NeedsOwnerApproval { .. }));
    assert!(
        decision
            .reason()
            .contains("a more urgent request (tier 3 (urgent))")
    );
    // A more urgent request goes ahead of a queued routine one.
    let routine = booking(2, ReservationStatus::Requested, 5, 15, Tier::NonUrgent);
    let decision = decide(
        &request(2, 1, 10, Tier::Urgent),
        &item(),
        &[],
        &[routine],
        at(0),
    )
    .unwrap();
    assert!(matches!(decision, Decision::AutoApprove { .. }));
}

#[test]
fn a_free_request_waits_for_the_owner_while_the_item_is_overdue_elsewhere() {
    let late = booking(1, ReservationStatus::Active, -48, -2, Tier::Standard);
    let decision = decide(
        &request(1, 1, 10, Tier::Standard),
        &item(),
        &[],
        &[late],
        at(0),
    )
    .unwrap();
    assert!(matches!(decision, Decision::NeedsOwnerApproval { .. }));
    assert!(decision.reason().contains("overdue"));
}

#[test]
fn a_tier_one_request_preempts_a_routine_booking_and_the_displaced_borrower_is_offered_the_next_slot()
 {
    let routine = booking(1, ReservationStatus::Reserved, 2, 26, Tier::Standard);
    let later = booking(2, ReservationStatus::Reserved, 30, 40, Tier::Urgent);
    let decision = decide(
        &request(1, 1, 12, Tier::Immediate),
        &item(),
        &[],
        &[routine.clone(), later],
        at(0),
    )
    .unwrap();
    let Decision::Preempt { reason, displaced } = &decision else {
        panic!("expected pre-emption, got {decision:?}");
    };
    assert_eq!(decision.status(), ReservationStatus::Reserved);
    assert_eq!(displaced.len(), 1);
    assert_eq!(displaced[0].reservation_id, routine.id);
    assert_eq!(displaced[0].borrower_id, routine.borrower_id);
    // 24 hours from its start: after the tier-1 loan (ends +12) the gap to
    // the next booking (+30) is too short, so after that one (+40).
    assert_eq!(displaced[0].offered, Some(window(40, 64)));
    assert!(reason.contains("tier 1 (immediate) case takes precedence over 1 routine booking"));
    assert!(
        displaced[0]
            .reason
            .contains("2027-01-17 00:00 UTC – 2027-01-18 00:00 UTC")
    );
    assert!(!reason.contains(&routine.borrower_id.to_string()));
}

#[test]
fn displaced_borrowers_are_offered_slots_that_do_not_collide() {
    let first = booking(1, ReservationStatus::Reserved, 2, 6, Tier::NonUrgent);
    let second = booking(2, ReservationStatus::Reserved, 6, 10, Tier::Standard);
    let decision = decide(
        &request(1, 1, 10, Tier::VeryUrgent),
        &item(),
        &[],
        &[first.clone(), second.clone()],
        at(0),
    )
    .unwrap();
    let Decision::Preempt { displaced, .. } = decision else {
        panic!("expected pre-emption");
    };
    // The standard booking is served before the non-urgent one.
    assert_eq!(displaced[0].reservation_id, second.id);
    assert_eq!(displaced[0].offered, Some(window(10, 14)));
    assert_eq!(displaced[1].reservation_id, first.id);
    assert_eq!(displaced[1].offered, Some(window(14, 18)));
}

#[test]
fn an_active_loan_is_never_preempted_and_the_reason_says_so() {
    let loan = booking(1, ReservationStatus::Active, -2, 10, Tier::NonUrgent);
    let decision = decide(
        &request(1, 1, 5, Tier::Immediate),
        &item(),
        &[],
        std::slice::from_ref(&loan),
        at(0),
    )
    .unwrap();
    let Decision::Conflict {
        blocking_id,
        blocking_window,
        next_free,
        reason,
    } = &decision
    else {
        panic!("expected a conflict");
    };
    assert_eq!(decision.status(), ReservationStatus::Declined);
    assert_eq!(*blocking_id, loan.id);
    assert_eq!(*blocking_window, loan.window);
    assert_eq!(*next_free, Some(window(10, 14)));
    assert!(reason.contains("a loan is never cut short"), "{reason}");
    assert!(reason.contains("next free slot"), "{reason}");
}

#[test]
fn urgent_bookings_and_started_bookings_are_not_routine_enough_to_displace() {
    let urgent = booking(1, ReservationStatus::Reserved, 2, 10, Tier::Urgent);
    let decision = decide(
        &request(1, 1, 5, Tier::Immediate),
        &item(),
        &[],
        &[urgent],
        at(0),
    )
    .unwrap();
    assert!(
        decision
            .reason()
            .contains("only routine (tier 4–5) bookings")
    );
    let started = booking(2, ReservationStatus::Reserved, 0, 10, Tier::NonUrgent);
    let decision = decide(
        &request(1, 1, 5, Tier::Immediate),
        &item(),
        &[],
        &[started],
        at(0),
    )
    .unwrap();
    assert!(decision.reason().contains("has started"));
}

#[test]
fn a_routine_request_conflicts_without_talk_of_preemption() {
    let held = booking(1, ReservationStatus::Reserved, 2, 10, Tier::NonUrgent);
    let decision = decide(
        &request(1, 1, 5, Tier::Urgent),
        &item(),
        &[],
        &[held],
        at(0),
    )
    .unwrap();
    assert!(matches!(decision, Decision::Conflict { .. }));
    assert_eq!(
        decision.reason(),
        "The item is already reserved for 2027-01-15 10:00 UTC – 2027-01-15 18:00 UTC (tier 5 (non-urgent)). The next free slot of the requested length is 2027-01-15 18:00 UTC – 2027-01-15 22:00 UTC."
    );
}

#[test]
fn a_request_must_fit_the_rules_before_it_is_allocated() {
    let mut wrong = request(1, 1, 5, Tier::Standard);
    wrong.item_id = id(999);
    assert_eq!(
        decide(&wrong, &item(), &[], &[], at(0)),
        Err(RequestError::WrongItem)
    );
    assert_eq!(
        decide(&request(1, -5, 5, Tier::Standard), &item(), &[], &[], at(0)),
        Err(RequestError::Window(WindowError::InThePast))
    );
    let retired = Item {
        status: ItemStatus::Retired,
        ..item()
    };
    assert!(matches!(
        decide(
            &request(1, 1, 5, Tier::Immediate),
            &retired,
            &[],
            &[],
            at(0)
        ),
        Err(RequestError::NotLendable(_))
    ));
}

#[test]
fn a_stored_request_does_not_conflict_with_itself_when_decided_again() {
    let req = request(1, 1, 5, Tier::Standard);
    let stored = req.clone().into_reservation(ReservationStatus::Requested);
    let decision = decide(&req, &item(), &[], &[stored], at(0)).unwrap();
    assert!(matches!(decision, Decision::AutoApprove { .. }));
}

#[test]
fn decisions_travel_tagged_with_their_kind() {
    let decision = Decision::AutoApprove {
        reason: "Free".to_owned(),
    };
    assert_eq!(
        serde_json::to_string(&decision).unwrap(),
        r#"{"decision":"auto_approve","reason":"Free"}"#
    );
}

// ---------------------------------------------------------- checkout/return

#[test]
fn a_checklist_has_lines_each_once_and_says_what_is_wrong() {
    assert_eq!(report(Condition::Good).check(), Ok(()));
    let empty = ConditionReport {
        checklist: vec![],
        ..report(Condition::Good)
    };
    assert_eq!(empty.check(), Err(CheckoutError::ChecklistEmpty));
    let mut twice = report(Condition::Good);
    twice.checklist.push(ChecklistEntry {
        label: short("power CABLE"),
        ok: true,
        note: None,
    });
    assert_eq!(
        twice.check(),
        Err(CheckoutError::ChecklistDuplicate("power CABLE".to_owned()))
    );
    let mut failed = report(Condition::Fair);
    failed.checklist[1].ok = false;
    assert_eq!(
        failed.check(),
        Err(CheckoutError::ChecklistNoteRequired(
            "Flow reaches 5 L/min".to_owned()
        ))
    );
    failed.checklist[1].note = Some(short("Reaches 4 L/min only"));
    assert_eq!(failed.check(), Ok(()));
    let long = ConditionReport {
        checklist: (0..51)
            .map(|n| ChecklistEntry {
                label: short(&format!("Line {n}")),
                ok: true,
                note: None,
            })
            .collect(),
        ..report(Condition::Good)
    };
    assert_eq!(long.check(), Err(CheckoutError::ChecklistTooLong));
}

fn reserved() -> Reservation {
    booking(1, ReservationStatus::Reserved, 1, 10, Tier::Standard)
}

fn checkout_at(
    item: &Item,
    plans: &[MaintenancePlan],
    reservation: &Reservation,
    acceptance: &TermsAcceptance,
    now: DateTime<Utc>,
) -> Result<(), CheckoutError> {
    check_checkout(
        item,
        plans,
        reservation,
        &report(Condition::Good),
        acceptance,
        Owner,
        now,
    )
}

#[test]
fn a_loan_goes_out_with_a_checklist_and_the_current_terms_accepted_by_the_borrower() {
    assert_eq!(
        checkout_at(&item(), &[], &reserved(), &acceptance(), at(1)),
        Ok(())
    );
    // The borrower may record it too, a few minutes early.
    assert_eq!(
        check_checkout(
            &item(),
            &[],
            &reserved(),
            &report(Condition::Fair),
            &acceptance(),
            Borrower,
            at(1) - Duration::minutes(15),
        ),
        Ok(())
    );
}

#[test]
fn checkout_needs_the_terms_version_in_force() {
    let revised = Item {
        terms: item().terms.revise(note("New terms: no wildlife")),
        ..item()
    };
    assert_eq!(
        checkout_at(&revised, &[], &reserved(), &acceptance(), at(1)),
        Err(CheckoutError::TermsOutdated {
            accepted: 1,
            current: 2
        })
    );
    let by_stranger = TermsAcceptance {
        organization_id: id(OWNER),
        ..acceptance()
    };
    assert_eq!(
        checkout_at(&item(), &[], &reserved(), &by_stranger, at(1)),
        Err(CheckoutError::TermsNotByBorrower)
    );
    let before_request = TermsAcceptance {
        accepted_at: at(-10),
        ..acceptance()
    };
    assert_eq!(
        checkout_at(&item(), &[], &reserved(), &before_request, at(1)),
        Err(CheckoutError::TermsNotForThisLoan)
    );
    let from_the_future = TermsAcceptance {
        accepted_at: at(5),
        ..acceptance()
    };
    assert_eq!(
        checkout_at(&item(), &[], &reserved(), &from_the_future, at(1)),
        Err(CheckoutError::TermsNotForThisLoan)
    );
}

#[test]
fn checkout_happens_only_in_the_window_of_a_reserved_loan_of_a_lendable_item_at_home() {
    assert_eq!(
        checkout_at(&item(), &[], &reserved(), &acceptance(), at(0)),
        Err(CheckoutError::TooEarly)
    );
    assert_eq!(
        checkout_at(&item(), &[], &reserved(), &acceptance(), at(10)),
        Err(CheckoutError::WindowOver)
    );
    let requested = booking(1, ReservationStatus::Requested, 1, 10, Tier::Standard);
    assert_eq!(
        checkout_at(&item(), &[], &requested, &acceptance(), at(1)),
        Err(CheckoutError::Reservation(ReservationError::Illegal {
            from: ReservationStatus::Requested,
            to: ReservationStatus::Active
        }))
    );
    let still_out = Item {
        status: ItemStatus::OnLoan,
        ..item()
    };
    assert_eq!(
        checkout_at(&still_out, &[], &reserved(), &acceptance(), at(1)),
        Err(CheckoutError::ItemNotAvailable(ItemStatus::OnLoan))
    );
    let dirty = MaintenancePlan {
        last_done_at: None,
        ..plan(
            MaintenanceKind::Cleaning,
            MaintenanceInterval::AfterEachLoan,
            true,
        )
    };
    let came_back = Item {
        last_returned_at: Some(at(-1)),
        ..item()
    };
    assert!(matches!(
        checkout_at(&came_back, &[dirty], &reserved(), &acceptance(), at(1)),
        Err(CheckoutError::NotLendable(_))
    ));
    let mut other_item = reserved();
    other_item.item_id = id(999);
    assert_eq!(
        checkout_at(&item(), &[], &other_item, &acceptance(), at(1)),
        Err(CheckoutError::WrongItem)
    );
    assert!(matches!(
        check_checkout(
            &item(),
            &[],
            &reserved(),
            &report(Condition::Good),
            &acceptance(),
            Coordinator,
            at(1)
        ),
        Err(CheckoutError::Reservation(
            ReservationError::NotYours { .. }
        ))
    ));
    assert_eq!(
        check_checkout(
            &item(),
            &[],
            &reserved(),
            &report(Condition::NeedsRepair),
            &acceptance(),
            Owner,
            at(1)
        ),
        Err(CheckoutError::ConditionNotLendable(Condition::NeedsRepair))
    );
}

#[test]
fn a_loan_comes_back_with_its_condition_recorded_by_the_owner() {
    let loan = booking(1, ReservationStatus::Active, 1, 10, Tier::Standard);
    let out = report(Condition::Good);
    let outcome = check_return(&loan, &out, &report(Condition::Good), Owner, at(9)).unwrap();
    assert_eq!(
        outcome,
        ReturnOutcome {
            item_status: ItemStatus::Available,
            late_by: None,
            condition_worsened: false
        }
    );
    let overdue = booking(1, ReservationStatus::Overdue, 1, 10, Tier::Standard);
    let damaged = ConditionReport {
        notes: Some(note("Cracked casing, still works")),
        ..report(Condition::NeedsRepair)
    };
    let outcome = check_return(&overdue, &out, &damaged, Owner, at(13)).unwrap();
    assert_eq!(outcome.item_status, ItemStatus::InMaintenance);
    assert_eq!(outcome.late_by, Some(Duration::hours(3)));
    assert!(outcome.condition_worsened);
}

#[test]
fn damage_since_checkout_must_be_described_and_only_the_owner_confirms_a_return() {
    let loan = booking(1, ReservationStatus::Active, 1, 10, Tier::Standard);
    let out = report(Condition::Good);
    assert_eq!(
        check_return(&loan, &out, &report(Condition::Fair), Owner, at(9)),
        Err(CheckoutError::DamageNoteRequired)
    );
    assert!(matches!(
        check_return(&loan, &out, &report(Condition::Good), Borrower, at(9)),
        Err(CheckoutError::Reservation(
            ReservationError::NotYours { .. }
        ))
    ));
    assert!(matches!(
        check_return(&reserved(), &out, &report(Condition::Good), Owner, at(9)),
        Err(CheckoutError::Reservation(ReservationError::Illegal { .. }))
    ));
}

#[test]
fn every_category_starts_with_a_usable_checklist() {
    for &category in ItemCategory::ALL {
        let lines = default_checklist(category);
        assert!(!lines.is_empty(), "{category}");
        let report = ConditionReport {
            condition: Condition::Good,
            checklist: lines
                .iter()
                .map(|line| ChecklistEntry {
                    label: short(line),
                    ok: true,
                    note: None,
                })
                .collect(),
            notes: None,
        };
        assert_eq!(report.check(), Ok(()), "{category}");
    }
}

// ---------------------------------------------------------------- supplies

fn day(n: i64) -> NaiveDate {
    t0().date_naive() + Duration::days(n)
}

fn offer(quantity: u32) -> SupplyOffer {
    SupplyOffer {
        id: id(60),
        organization_id: id(OWNER),
        pickup_site_id: id(SITE),
        item: short("Hartmann's 500 ml"),
        quantity: Quantity::new(quantity).unwrap(),
        remaining: quantity,
        unit: SupplyUnit::Bag,
        expires_on: Some(day(30)),
        offered_at: t0(),
        withdrawn: false,
    }
}

fn supply_request(n: u128, quantity: u32, priority: Tier, hours_ago: i64) -> SupplyRequest {
    SupplyRequest {
        id: id(200 + n),
        offer_id: id(60),
        organization_id: id(BORROWER),
        quantity: Quantity::new(quantity).unwrap(),
        fulfilled: 0,
        priority,
        note: None,
        requested_at: at(-hours_ago),
        status: SupplyRequestStatus::Open,
    }
}

#[test]
fn quantities_are_positive_and_bounded() {
    assert_eq!(Quantity::new(0), Err(SupplyError::Quantity));
    assert_eq!(Quantity::new(1_000_001), Err(SupplyError::Quantity));
    assert_eq!(Quantity::new(12).unwrap().units(), 12);
    assert!(serde_json::from_str::<Quantity>("0").is_err());
}

#[test]
fn an_offer_is_on_the_board_until_it_expires_runs_out_or_is_withdrawn() {
    let fluids = offer(10);
    assert!(visible(&fluids, day(0)));
    assert!(visible(&fluids, day(30)));
    assert!(!visible(&fluids, day(31)));
    let bandages = SupplyOffer {
        expires_on: None,
        ..offer(10)
    };
    assert!(visible(&bandages, day(10_000)));
    let gone = SupplyOffer {
        remaining: 0,
        ..offer(10)
    };
    assert!(!visible(&gone, day(0)));
    let withdrawn = SupplyOffer {
        withdrawn: true,
        ..offer(10)
    };
    assert!(!visible(&withdrawn, day(0)));
    assert_eq!(
        check_offer(Some(day(-1)), day(0)),
        Err(SupplyError::Expired)
    );
    assert_eq!(check_offer(Some(day(0)), day(0)), Ok(()));
    assert_eq!(check_offer(None, day(0)), Ok(()));
}

#[test]
fn a_request_for_supplies_asks_for_no_more_than_is_left_of_someone_elses_offer() {
    let fluids = offer(10);
    let qty = |n| Quantity::new(n).unwrap();
    assert_eq!(
        check_supply_request(&fluids, id(BORROWER), qty(10), day(0)),
        Ok(())
    );
    assert_eq!(
        check_supply_request(&fluids, id(BORROWER), qty(11), day(0)),
        Err(SupplyError::NotEnoughLeft { remaining: 10 })
    );
    assert_eq!(
        check_supply_request(&fluids, id(OWNER), qty(1), day(0)),
        Err(SupplyError::OwnOffer)
    );
    assert_eq!(
        check_supply_request(&fluids, id(BORROWER), qty(1), day(31)),
        Err(SupplyError::Expired)
    );
    let withdrawn = SupplyOffer {
        withdrawn: true,
        ..offer(10)
    };
    assert_eq!(
        check_supply_request(&withdrawn, id(BORROWER), qty(1), day(0)),
        Err(SupplyError::NotAvailable)
    );
}

#[test]
fn an_offer_is_fulfilled_in_parts_and_never_below_zero() {
    let qty = |n| Quantity::new(n).unwrap();
    let mut fluids = offer(10);
    let mut ask = supply_request(1, 6, Tier::Urgent, 1);
    assert_eq!(ask.fulfilment(), Fulfilment::None);
    assert_eq!(
        fulfil(&mut fluids, &mut ask, qty(4), day(0)),
        Ok(Fulfilment::Partial)
    );
    assert_eq!(
        (fluids.remaining, ask.fulfilled, ask.outstanding()),
        (6, 4, 2)
    );
    assert_eq!(ask.status, SupplyRequestStatus::Open);
    assert_eq!(
        fulfil(&mut fluids, &mut ask, qty(3), day(0)),
        Err(SupplyError::MoreThanRequested { outstanding: 2 })
    );
    assert_eq!(
        fulfil(&mut fluids, &mut ask, qty(2), day(0)),
        Ok(Fulfilment::Complete)
    );
    assert_eq!(ask.status, SupplyRequestStatus::Fulfilled);
    assert_eq!(
        fulfil(&mut fluids, &mut ask, qty(1), day(0)),
        Err(SupplyError::Closed(SupplyRequestStatus::Fulfilled))
    );

    let mut big = supply_request(2, 50, Tier::Immediate, 1);
    let before = (fluids.clone(), big.clone());
    assert_eq!(
        fulfil(&mut fluids, &mut big, qty(5), day(0)),
        Err(SupplyError::NotEnoughLeft { remaining: 4 })
    );
    assert_eq!((fluids.clone(), big.clone()), before);
    assert_eq!(
        fulfil(&mut fluids, &mut big, qty(1), day(31)),
        Err(SupplyError::Expired)
    );
    let mut elsewhere = SupplyRequest {
        offer_id: id(61),
        ..supply_request(3, 1, Tier::Urgent, 1)
    };
    assert_eq!(
        fulfil(&mut fluids, &mut elsewhere, qty(1), day(0)),
        Err(SupplyError::WrongOffer)
    );
}

#[test]
fn supply_request_moves_belong_to_the_right_side() {
    use SupplyRequestStatus::*;
    for &from in SupplyRequestStatus::ALL {
        for &to in SupplyRequestStatus::ALL {
            let allowed: &[LendingParty] = match (from, to) {
                (Open, Declined) => &[Owner, Warren],
                (Open, Withdrawn) => &[Borrower, Coordinator],
                (Open, Fulfilled) => &[Owner],
                _ => &[],
            };
            for party in PARTIES {
                let result = check_supply_transition(from, to, party);
                if allowed.contains(&party) {
                    assert_eq!(result, Ok(()));
                } else if allowed.is_empty() {
                    assert_eq!(result, Err(SupplyError::Illegal { from, to }));
                } else {
                    assert!(matches!(result, Err(SupplyError::NotYours { .. })));
                }
            }
        }
    }
}

#[test]
fn supply_requests_are_served_by_priority_then_waiting_time() {
    let requests = [
        supply_request(1, 4, Tier::Standard, 10),
        supply_request(2, 4, Tier::Immediate, 1),
        supply_request(3, 4, Tier::Immediate, 5),
        SupplyRequest {
            status: SupplyRequestStatus::Withdrawn,
            ..supply_request(4, 4, Tier::Immediate, 50)
        },
        SupplyRequest {
            offer_id: id(61),
            ..supply_request(5, 4, Tier::Immediate, 50)
        },
    ];
    let order: Vec<Uuid> = rank_supply(&requests, id(60))
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(order, vec![id(203), id(202), id(201)]);
    let split = suggest_allocation(&offer(10), &requests);
    assert_eq!(
        split,
        vec![
            (id(203), Quantity::new(4).unwrap()),
            (id(202), Quantity::new(4).unwrap()),
            (id(201), Quantity::new(2).unwrap()),
        ]
    );
}

// -------------------------------------------------------------- properties

fn any_tier() -> impl Strategy<Value = Tier> {
    (1u8..=5).prop_map(|n| Tier::from_number(n).unwrap())
}

fn any_status() -> impl Strategy<Value = ReservationStatus> {
    prop::sample::select(ReservationStatus::ALL)
}

/// Reservations of two items, all within a few days of t0.
fn any_reservation() -> impl Strategy<Value = Reservation> {
    (
        0u128..40,
        0u128..2,
        -48i64..120,
        1i64..48,
        any_status(),
        any_tier(),
        -100i64..0,
    )
        .prop_map(|(n, item, from, length, status, tier, asked)| Reservation {
            id: id(100 + n),
            item_id: id(ITEM + item * 1000),
            borrower_id: id(OTHER_BORROWER),
            window: window(from, from + length),
            status,
            urgency: urgency(tier),
            requested_at: at(asked),
        })
}

/// Reservations with distinct ids, as a store holds them.
fn any_book(max: usize) -> impl Strategy<Value = Vec<Reservation>> {
    prop::collection::vec(any_reservation(), 0..max).prop_map(|mut book| {
        for (n, reservation) in book.iter_mut().enumerate() {
            reservation.id = id(100 + n as u128);
        }
        book
    })
}

fn any_request() -> impl Strategy<Value = LoanRequest> {
    (0u128..1000, 0i64..120, 1i64..72, any_tier(), -50i64..0).prop_map(
        |(n, from, length, tier, asked)| LoanRequest {
            requested_at: at(asked),
            ..request(n, from, from + length, tier)
        },
    )
}

fn assert_no_double_booking(reservations: &[Reservation]) -> Result<(), TestCaseError> {
    for (i, a) in reservations.iter().enumerate() {
        for b in &reservations[i + 1..] {
            prop_assert!(!conflict(a, b), "{a:?} and {b:?} both hold the item");
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn conflict_and_overlap_are_symmetric(a in any_reservation(), b in any_reservation()) {
        prop_assert_eq!(conflict(&a, &b), conflict(&b, &a));
        prop_assert_eq!(overlaps(&a.window, &b.window), overlaps(&b.window, &a.window));
        let expected = a.window.starts() < b.window.ends() && b.window.starts() < a.window.ends();
        prop_assert_eq!(overlaps(&a.window, &b.window), expected);
    }

    #[test]
    fn conflicts_finds_exactly_the_pairs_that_conflict(
        existing in any_book(12),
        probe in any_reservation(),
    ) {
        let probe = Reservation { status: ReservationStatus::Reserved, id: id(9999), ..probe };
        let mut found: Vec<Uuid> = conflicts(&existing, probe.item_id, &probe.window)
            .into_iter().map(|r| r.id).collect();
        let mut expected: Vec<Uuid> = existing.iter()
            .filter(|r| conflict(r, &probe)).map(|r| r.id).collect();
        found.sort();
        expected.sort();
        prop_assert_eq!(found, expected);
    }

    #[test]
    fn requests_accepted_one_by_one_never_double_book_an_item(
        requests in prop::collection::vec(any_request(), 1..25),
        auto_approve in any::<bool>(),
        approvals in prop::collection::vec(any::<bool>(), 25),
        checkouts in prop::collection::vec(any::<bool>(), 25),
    ) {
        let item = Item { auto_approve, ..item() };
        let now = at(0);
        let mut book: Vec<Reservation> = Vec::new();
        for (n, request) in requests.into_iter().enumerate() {
            if book.iter().any(|r| r.id == request.id) {
                continue;
            }
            match decide(&request, &item, &[], &book, now).unwrap() {
                Decision::Preempt { displaced, .. } => {
                    for displacement in &displaced {
                        let victim = book.iter_mut()
                            .find(|r| r.id == displacement.reservation_id).unwrap();
                        prop_assert!(check_cancellation(
                            victim.status, Warren, Some(CancelReason::Preempted)).is_ok());
                        victim.status = ReservationStatus::Cancelled;
                    }
                    book.push(request.into_reservation(ReservationStatus::Reserved));
                }
                decision => book.push(request.into_reservation(decision.status())),
            }
            // The owner works through the approval queue now and then.
            if approvals[n] {
                let waiting: Vec<Reservation> = book.iter()
                    .filter(|r| r.status == ReservationStatus::Requested).cloned().collect();
                for candidate in waiting {
                    if check_approval(&candidate, &book).is_ok() {
                        let r = book.iter_mut().find(|r| r.id == candidate.id).unwrap();
                        r.status = ReservationStatus::Reserved;
                    }
                }
            }
            // Loans that have started go out now and then; they can no
            // longer be displaced.
            if checkouts[n] {
                for r in book.iter_mut().filter(|r| r.status == ReservationStatus::Reserved) {
                    r.status = ReservationStatus::Active;
                }
            }
            assert_no_double_booking(&book)?;
        }
    }

    #[test]
    fn ranking_is_a_total_order_by_tier_then_waiting_time(
        requests in prop::collection::vec(any_request(), 0..20),
    ) {
        let ranked = rank(&requests);
        prop_assert_eq!(ranked.len(), requests.len());
        for pair in ranked.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let a_tier = a.urgency.tier().number();
            let b_tier = b.urgency.tier().number();
            prop_assert!(
                a_tier < b_tier
                    || (a_tier == b_tier && a.requested_at < b.requested_at)
                    || (a_tier == b_tier && a.requested_at == b.requested_at && a.id <= b.id)
            );
            prop_assert_ne!(by_priority(a, b), std::cmp::Ordering::Greater);
            prop_assert_eq!(by_priority(a, b), by_priority(b, a).reverse());
        }
        // The order does not depend on the order the requests arrived in.
        let mut reversed = requests.clone();
        reversed.reverse();
        let again: Vec<Uuid> = rank(&reversed).into_iter().map(|r| r.id).collect();
        let first: Vec<Uuid> = ranked.into_iter().map(|r| r.id).collect();
        prop_assert_eq!(first, again);
    }

    #[test]
    fn preemption_never_displaces_a_loan_a_started_booking_or_an_equal_need(
        existing in any_book(12),
        request in any_request(),
        now_offset in -10i64..10,
    ) {
        let now = at(now_offset);
        let request = LoanRequest {
            window: LoanWindow::new(
                request.window.starts().max(now),
                request.window.ends().max(now) + Duration::hours(1),
            ).unwrap(),
            ..request
        };
        let Ok(decision) = decide(&request, &item(), &[], &existing, now) else {
            return Ok(());
        };
        if let Decision::Preempt { displaced, .. } = decision {
            prop_assert!(request.urgency.tier() <= Tier::VeryUrgent);
            let displaced_ids: Vec<Uuid> = displaced.iter().map(|d| d.reservation_id).collect();
            for victim in existing.iter().filter(|r| displaced_ids.contains(&r.id)) {
                prop_assert_eq!(victim.status, ReservationStatus::Reserved);
                prop_assert!(victim.window.starts() > now);
                prop_assert!(victim.urgency.tier() >= Tier::Standard);
                prop_assert!(victim.urgency.tier() > request.urgency.tier());
            }
            // What stays blocking leaves the request's window free, and no
            // offered slot collides with it, the request or another offer.
            let mut held: Vec<LoanWindow> = existing.iter()
                .filter(|r| r.item_id == request.item_id && r.is_blocking()
                    && !displaced_ids.contains(&r.id))
                .map(|r| r.window)
                .collect();
            prop_assert!(held.iter().all(|w| !w.overlaps(request.window)));
            held.push(request.window);
            for offered in displaced.iter().filter_map(|d| d.offered) {
                prop_assert!(held.iter().all(|w| !w.overlaps(offered)));
                held.push(offered);
            }
        }
    }

    #[test]
    fn the_next_free_slot_is_the_earliest_that_overlaps_no_blocking_reservation(
        existing in any_book(12),
        length in 1i64..48,
        after in -48i64..120,
    ) {
        let length = Duration::hours(length);
        let after = at(after);
        let slot = next_free_slot(&existing, id(ITEM), length, after).unwrap();
        prop_assert!(slot.starts() >= after);
        prop_assert_eq!(slot.length(), length);
        let blocking: Vec<&Reservation> = existing.iter()
            .filter(|r| r.item_id == id(ITEM) && r.is_blocking()).collect();
        prop_assert!(blocking.iter().all(|r| !r.window.overlaps(slot)));
        // No earlier candidate start (the asked time or the end of a
        // blocking reservation) would have been free.
        let candidates = std::iter::once(after)
            .chain(blocking.iter().map(|r| r.window.ends()))
            .filter(|start| *start >= after && *start < slot.starts());
        for start in candidates {
            let earlier = LoanWindow::starting(start, length).unwrap();
            prop_assert!(blocking.iter().any(|r| r.window.overlaps(earlier)));
        }
    }

    #[test]
    fn fulfilment_never_makes_remaining_negative_nor_gives_more_than_asked(
        offered in 1u32..50,
        asks in prop::collection::vec((1u32..30, any_tier()), 1..8),
        gives in prop::collection::vec((0usize..8, 1u32..40), 0..30),
    ) {
        let mut stock = offer(offered);
        let mut requests: Vec<SupplyRequest> = asks.iter().enumerate()
            .map(|(n, (quantity, tier))| supply_request(n as u128, *quantity, *tier, n as i64))
            .collect();
        for (index, units) in gives {
            let Some(request) = requests.get_mut(index) else { continue };
            let before = (stock.remaining, request.fulfilled);
            let result = fulfil(&mut stock, request, Quantity::new(units).unwrap(), day(0));
            if result.is_err() {
                prop_assert_eq!(before, (stock.remaining, request.fulfilled));
            }
            prop_assert!(request.fulfilled <= request.quantity.units());
        }
        let given: u32 = requests.iter().map(|r| r.fulfilled).sum();
        prop_assert!(stock.remaining <= offered);
        prop_assert_eq!(stock.remaining + given, offered);
        // The suggested split never hands out more than is left.
        let suggested: u32 = suggest_allocation(&stock, &requests).iter().map(|(_, q)| q.units()).sum();
        prop_assert!(suggested <= stock.remaining);
    }
}

#[test]
fn a_request_for_held_time_is_refused_with_the_reason_and_others_are_planned() {
    let held = booking(1, ReservationStatus::Reserved, 2, 10, Tier::NonUrgent);
    let refused = plan_request(
        &request(1, 1, 5, Tier::Urgent),
        &item(),
        &[],
        std::slice::from_ref(&held),
        at(0),
    );
    match refused {
        Err(RequestError::Taken { reason, next_free }) => {
            assert!(reason.contains("already reserved"));
            assert!(
                next_free.is_some(),
                "the next slot is named for programs too"
            );
        }
        other => panic!("expected the time to be taken, got {other:?}"),
    }
    let planned = plan_request(
        &request(1, 12, 16, Tier::Urgent),
        &item(),
        &[],
        &[held],
        at(0),
    )
    .unwrap();
    assert_ne!(planned.code(), "conflict");
    assert_eq!(planned.status(), ReservationStatus::Reserved);
}

#[test]
fn a_withdrawn_offer_does_not_change_and_keeps_what_was_given() {
    let mut given = offer(10);
    given.remaining = 4;
    assert_eq!(
        check_offer_edit(&given, Quantity::new(5).unwrap()),
        Err(SupplyError::BelowGiven { given: 6 })
    );
    assert_eq!(check_offer_edit(&given, Quantity::new(6).unwrap()), Ok(()));
    let withdrawn = SupplyOffer {
        withdrawn: true,
        ..offer(10)
    };
    assert_eq!(
        check_offer_edit(&withdrawn, Quantity::new(10).unwrap()),
        Err(SupplyError::Withdrawn)
    );
}

#[test]
fn withdrawing_an_offer_declines_its_open_requests_once() {
    let open = supply_request(1, 2, Tier::Urgent, 3);
    let closed = SupplyRequest {
        status: SupplyRequestStatus::Withdrawn,
        ..supply_request(2, 2, Tier::Urgent, 2)
    };
    let requests = [open.clone(), closed];
    let declined = plan_withdrawal(&offer(10), &requests).unwrap();
    assert_eq!(declined, vec![&open]);
    let withdrawn = SupplyOffer {
        withdrawn: true,
        ..offer(10)
    };
    assert_eq!(
        plan_withdrawal(&withdrawn, &requests),
        Err(SupplyError::AlreadyWithdrawn)
    );
}

#[test]
fn a_request_is_fulfilled_only_by_giving_and_only_by_the_offerer() {
    use SupplyRequestStatus::*;
    assert_eq!(
        check_closing(Open, Fulfilled, LendingParty::Owner),
        Err(SupplyError::FulfilmentRequired)
    );
    assert_eq!(check_closing(Open, Declined, LendingParty::Owner), Ok(()));
    let request = supply_request(1, 4, Tier::Urgent, 1);
    assert_eq!(
        plan_fulfilment(&offer(10), &request, None, LendingParty::Borrower, day(0)),
        Err(SupplyError::OfferersFulfil)
    );
    let all = plan_fulfilment(&offer(10), &request, None, LendingParty::Owner, day(0)).unwrap();
    assert_eq!(all.given.units(), 4);
    assert_eq!(all.status, Fulfilled);
    let part = plan_fulfilment(
        &offer(10),
        &request,
        Some(Quantity::new(1).unwrap()),
        LendingParty::Owner,
        day(0),
    )
    .unwrap();
    assert_eq!(part.status, Open);
    assert_eq!(part.fulfilment, Fulfilment::Partial);
}

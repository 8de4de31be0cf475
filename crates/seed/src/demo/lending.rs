//! The demo network's kit library and supplies board: kit items of two
//! organizations (oxygen concentrator, pulse oximeter, incubator, portable
//! ultrasound, nebuliser, multiparameter monitor) with maintenance plans —
//! one of them overdue and blocking, so the monitor stays out of the
//! catalog — a loan already returned, one out now, one overdue, last
//! month's returned loans, a booking to come, a request waiting in an
//! owner's queue, and surplus supplies on offer.

use chrono::{Duration, NaiveDateTime, Utc};
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::lending::{
    ChecklistEntry, Condition, ConditionReport, ItemCategory, ItemStatus, MaintenanceKind,
    ReservationStatus, Suitability, SupplyUnit, WeightRange, default_checklist,
};
use warren_domain::referral::Weight;
use warren_domain::{ClinicalNote, ShortText};
use warren_store::accounts;
use warren_store::lending::{self as store, ItemRow, PlanRow, ReservationRow};
use warren_store::supplies::{self, NewOffer, NewRequest};
use warren_store::{DbConnection, StoreError, new_id, now};

use super::referrals::Member;

/// A demo item: owner (index into the members), category, name, species,
/// weight range in grams, limits, whether it auto-approves.
struct DemoItem {
    owner: usize,
    category: ItemCategory,
    name: &'static str,
    description: &'static str,
    species: &'static [&'static str],
    grams: (Option<u32>, Option<u32>),
    limits: &'static [&'static str],
    max_loan_days: i32,
    auto_approve: bool,
}

const ITEMS: [DemoItem; 6] = [
    DemoItem {
        owner: 0,
        category: ItemCategory::OxygenConcentrator,
        name: "Oxygen concentrator 5 L",
        description: "Quiet 5 L/min concentrator with humidifier bottle and 2 m tubing; feeds an oxygen cage or a mask.",
        species: &["small_mammal", "wildlife"],
        grams: (None, None),
        limits: &["Needs a mains socket; 45 dB — keep away from recovering prey animals' heads"],
        max_loan_days: 7,
        auto_approve: true,
    },
    DemoItem {
        owner: 0,
        category: ItemCategory::PulseOximeter,
        name: "Veterinary pulse oximeter (to 400 bpm)",
        description: "Handheld oximeter with ear and tongue clips; reads up to 400 bpm.",
        species: &["small_mammal"],
        grams: (Some(150), None),
        limits: &["Reads heart rates up to 400 bpm — no use for mice or hamsters"],
        max_loan_days: 14,
        auto_approve: true,
    },
    DemoItem {
        owner: 0,
        category: ItemCategory::Incubator,
        name: "Neonatal incubator",
        description: "Heated, humidified incubator for orphaned kits and hoglets.",
        species: &["wildlife/hedgehog", "small_mammal/rabbit", "wildlife/bird"],
        grams: (None, Some(1500)),
        limits: &[],
        max_loan_days: 21,
        auto_approve: true,
    },
    DemoItem {
        owner: 1,
        category: ItemCategory::Ultrasound,
        name: "Portable ultrasound with micro-convex probe",
        description: "Battery-powered scanner; images save to USB.",
        species: &[],
        grams: (None, None),
        limits: &["Probe footprint 20 mm"],
        max_loan_days: 3,
        auto_approve: false,
    },
    DemoItem {
        owner: 1,
        category: ItemCategory::Nebuliser,
        name: "Ultrasonic nebuliser",
        description: "With a small-animal chamber and masks.",
        species: &["small_mammal"],
        grams: (None, None),
        limits: &[],
        max_loan_days: 10,
        auto_approve: false,
    },
    DemoItem {
        owner: 1,
        category: ItemCategory::Monitor,
        name: "Multiparameter monitor",
        description: "ECG, SpO2, temperature and non-invasive blood pressure.",
        species: &["small_mammal"],
        grams: (Some(200), None),
        limits: &["Reads heart rates up to 350 bpm"],
        max_loan_days: 5,
        auto_approve: true,
    },
];

/// A demo maintenance plan: the item (index into [`ITEMS`]), the kind,
/// every N days (`None`: after each loan), whether it blocks lending, and
/// how many days ago it was last done.
type DemoPlan = (usize, MaintenanceKind, Option<i32>, bool, Option<i64>);

const TERMS: &str = "Only trained staff operate it. Clean and disinfect it before return; \
report any fault or damage at once; return it by the end of the loan window.";

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("demo lending: {what}"))
}

fn note(text: &str) -> Result<ClinicalNote, StoreError> {
    ClinicalNote::parse(text).map_err(|_| corrupt(text))
}

/// The checklist of `category`, every line ok.
pub(crate) fn report(category: ItemCategory, condition: Condition) -> Result<String, StoreError> {
    let checklist = default_checklist(category)
        .iter()
        .map(|label| {
            Ok(ChecklistEntry {
                label: ShortText::parse(*label).map_err(|_| corrupt(label))?,
                ok: true,
                note: None,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    serde_json::to_string(&ConditionReport {
        condition,
        checklist,
        notes: None,
    })
    .map_err(|error| corrupt(&error.to_string()))
}

/// A loan written in its final state, with its timeline.
struct DemoLoan<'a> {
    item: &'a ItemRow,
    category: ItemCategory,
    borrower: &'a Member,
    owner: &'a Member,
    starts: NaiveDateTime,
    ends: NaiveDateTime,
    status: ReservationStatus,
    tier: i32,
    justification: &'a str,
    decision: &'a str,
    reason: &'a str,
}

fn insert_loan(connection: &mut DbConnection, loan: &DemoLoan<'_>) -> Result<(), StoreError> {
    let out = matches!(
        loan.status,
        ReservationStatus::Active | ReservationStatus::Returned
    );
    let returned = loan.status == ReservationStatus::Returned;
    let requested_at = loan.starts - Duration::days(2);
    // The borrower's first member asked, and accepted the terms at checkout.
    let person = accounts::members_of(connection, &loan.borrower.organization_id)?
        .into_iter()
        .next()
        .map(|member| member.user.id);
    let row = ReservationRow {
        id: new_id(),
        item_id: loan.item.id.clone(),
        owner_org_id: loan.item.owner_org_id.clone(),
        borrower_org_id: loan.borrower.organization_id.clone(),
        borrower_site_id: loan.borrower.sites.first().cloned(),
        requested_by: loan.borrower.person.clone(),
        requested_by_user_id: person.clone(),
        starts_at: loan.starts,
        ends_at: loan.ends,
        status: loan.status.as_str().to_owned(),
        tier: loan.tier,
        assessment_id: None,
        referral_id: None,
        justification: Some(note(loan.justification)?.to_string()),
        decision: loan.decision.to_owned(),
        decision_reason: loan.reason.to_owned(),
        displaced_by: None,
        offered_starts_at: None,
        offered_ends_at: None,
        cancel_reason: None,
        decline_reason: None,
        note: None,
        terms_version: out.then_some(1),
        terms_accepted_by: person.filter(|_| out),
        terms_accepted_at: out.then_some(loan.starts),
        checkout_report: out
            .then(|| report(loan.category, Condition::Good))
            .transpose()?,
        checked_out_at: out.then_some(loan.starts),
        return_report: returned
            .then(|| report(loan.category, Condition::Good))
            .transpose()?,
        returned_at: returned.then_some(loan.ends),
        requested_at,
        updated_at: now(),
        version: 1,
    };
    store::insert_reservation(connection, &row)?;
    let mut steps = vec![(
        requested_at,
        loan.borrower.person.as_str(),
        "requested",
        None,
        if loan.status == ReservationStatus::Requested {
            "requested"
        } else {
            "reserved"
        },
        Some(loan.reason),
    )];
    if out {
        steps.push((
            loan.starts,
            loan.borrower.person.as_str(),
            "checked_out",
            Some("reserved"),
            "active",
            Some("Checked out in condition good; usage terms version 1 accepted."),
        ));
    }
    if returned {
        steps.push((
            loan.ends,
            loan.owner.person.as_str(),
            "returned",
            Some("active"),
            "returned",
            Some("Returned in condition good."),
        ));
    }
    for (at, actor, kind, from, to, text) in steps {
        store::log(connection, &row.id, at, actor, kind, from, Some(to), text)?;
    }
    Ok(())
}

/// Writes the kit library and the supplies board; returns how many items.
pub fn load(connection: &mut DbConnection, members: &[Member]) -> Result<usize, StoreError> {
    let members: Vec<&Member> = members
        .iter()
        .filter(|member| !member.sites.is_empty())
        .collect();
    if members.len() < 3 {
        return Ok(0);
    }
    let at = now();
    let mut rows = Vec::new();
    for demo in &ITEMS {
        let owner = members[demo.owner];
        let weight = |grams: Option<u32>| {
            grams
                .map(|grams| Weight::try_from(grams).map_err(|_| corrupt("weight")))
                .transpose()
        };
        let suitability = Suitability {
            species: demo
                .species
                .iter()
                .map(|code| TermCode::parse(*code).map_err(|_| corrupt(code)))
                .collect::<Result<_, _>>()?,
            weight: WeightRange::new(weight(demo.grams.0)?, weight(demo.grams.1)?)
                .map_err(|_| corrupt("weight range"))?,
            limits: demo
                .limits
                .iter()
                .map(|limit| ShortText::parse(*limit).map_err(|_| corrupt(limit)))
                .collect::<Result<_, _>>()?,
        };
        let row = ItemRow {
            id: new_id(),
            owner_org_id: owner.organization_id.clone(),
            home_site_id: owner.sites[0].clone(),
            category: demo.category.as_str().to_owned(),
            name: demo.name.to_owned(),
            description: Some(demo.description.to_owned()),
            suitability: serde_json::to_string(&suitability)
                .map_err(|error| corrupt(&error.to_string()))?,
            condition: Condition::Good.as_str().to_owned(),
            status: ItemStatus::Available.as_str().to_owned(),
            terms_text: note(TERMS)?.to_string(),
            terms_version: 1,
            max_loan_days: demo.max_loan_days,
            auto_approve: demo.auto_approve,
            last_returned_at: None,
            created_at: at - Duration::days(90),
            updated_at: at,
            version: 1,
        };
        store::insert_item(connection, &row)?;
        rows.push(row);
    }

    let plans: [DemoPlan; 6] = [
        (0, MaintenanceKind::Cleaning, None, true, Some(9)),
        (0, MaintenanceKind::Service, Some(365), false, Some(200)),
        (1, MaintenanceKind::Calibration, Some(180), true, Some(30)),
        (2, MaintenanceKind::SafetyCheck, Some(365), true, Some(355)),
        (3, MaintenanceKind::Service, Some(365), false, Some(100)),
        // Overdue and blocking: the monitor is out of the catalog until done.
        (5, MaintenanceKind::Calibration, Some(90), true, Some(120)),
    ];
    for (item, kind, interval_days, blocking, done_days_ago) in plans {
        store::insert_plan(
            connection,
            &PlanRow {
                id: new_id(),
                item_id: rows[item].id.clone(),
                kind: kind.as_str().to_owned(),
                interval_days,
                blocking,
                last_done_at: done_days_ago.map(|days| at - Duration::days(days)),
                note: None,
                created_at: at - Duration::days(90),
                version: 1,
            },
        )?;
    }

    let day = |days: i64| at + Duration::days(days);
    // Returned ten days ago, cleaned the day after.
    insert_loan(
        connection,
        &DemoLoan {
            item: &rows[0],
            category: ItemCategory::OxygenConcentrator,
            borrower: members[2],
            owner: members[0],
            starts: day(-12),
            ends: day(-10),
            status: ReservationStatus::Returned,
            tier: 2,
            justification: "Hedgehog with pneumonia, laboured breathing",
            decision: "auto_approve",
            reason: "Free for the window; the owner approves requests that conflict with nothing automatically.",
        },
    )?;
    store::set_item_state(
        connection,
        &rows[0].id,
        ItemStatus::Available,
        Some(Condition::Good),
        Some(day(-10)),
    )?;
    // The ultrasound is out now.
    insert_loan(
        connection,
        &DemoLoan {
            item: &rows[3],
            category: ItemCategory::Ultrasound,
            borrower: members[0],
            owner: members[1],
            starts: day(-1),
            ends: day(2),
            status: ReservationStatus::Active,
            tier: 3,
            justification: "Rabbit with suspected bladder sludge; our scanner is in for repair",
            decision: "approved",
            reason: "Approved by the owner.",
        },
    )?;
    store::set_item_state(
        connection,
        &rows[3].id,
        ItemStatus::OnLoan,
        Some(Condition::Good),
        None,
    )?;
    // A booking to come, and a request waiting for the owner.
    insert_loan(
        connection,
        &DemoLoan {
            item: &rows[2],
            category: ItemCategory::Incubator,
            borrower: members[1],
            owner: members[0],
            starts: day(2),
            ends: day(9),
            status: ReservationStatus::Reserved,
            tier: 4,
            justification: "Orphaned hoglets expected from a rescue this week",
            decision: "auto_approve",
            reason: "Free for the window; the owner approves requests that conflict with nothing automatically.",
        },
    )?;
    insert_loan(
        connection,
        &DemoLoan {
            item: &rows[4],
            category: ItemCategory::Nebuliser,
            borrower: members[2],
            owner: members[1],
            starts: day(1),
            ends: day(6),
            status: ReservationStatus::Requested,
            tier: 3,
            justification: "Guinea pig with upper respiratory infection, not eating",
            decision: "needs_owner_approval",
            reason: "Free for the window; the owner approves each request.",
        },
    )?;
    // Last month's loans, returned, so the dashboard has kit use to show.
    let month = warren_domain::dashboard::Period::last_full_month(at.date()).start();
    let month_day = |days: i64| month + Duration::days(days);
    let history = [
        (
            0,
            ItemCategory::OxygenConcentrator,
            1,
            0,
            (2, 6),
            1,
            "Rat with pneumonia, open-mouth breathing",
        ),
        (
            0,
            ItemCategory::OxygenConcentrator,
            2,
            0,
            (9, 14),
            2,
            "Chinchilla after dental surgery, low oxygen saturation",
        ),
        (
            2,
            ItemCategory::Incubator,
            2,
            0,
            (4, 11),
            3,
            "Hoglets from a strimmer injury, hypothermic",
        ),
        (
            4,
            ItemCategory::Nebuliser,
            0,
            1,
            (8, 11),
            3,
            "Guinea pig with upper respiratory infection",
        ),
        (
            3,
            ItemCategory::Ultrasound,
            2,
            1,
            (16, 18),
            3,
            "Degu with suspected bladder stones",
        ),
    ];
    for (item, category, borrower, owner, (starts, ends), tier, justification) in history {
        insert_loan(
            connection,
            &DemoLoan {
                item: &rows[item],
                category,
                borrower: members[borrower],
                owner: members[owner],
                starts: month_day(starts),
                ends: month_day(ends),
                status: ReservationStatus::Returned,
                tier,
                justification,
                decision: "approved",
                reason: "Approved by the owner.",
            },
        )?;
    }
    // The pulse oximeter is out past its end: an overdue loan.
    insert_loan(
        connection,
        &DemoLoan {
            item: &rows[1],
            category: ItemCategory::PulseOximeter,
            borrower: members[2],
            owner: members[0],
            starts: day(-9),
            ends: day(-2),
            status: ReservationStatus::Active,
            tier: 3,
            justification: "Hamster under anaesthesia for an abscess; our oximeter reads too slow",
            decision: "approved",
            reason: "Approved by the owner.",
        },
    )?;
    store::set_item_state(
        connection,
        &rows[1].id,
        ItemStatus::OnLoan,
        Some(Condition::Good),
        None,
    )?;

    // Surplus supplies: (member, item, quantity, unit, use by in days).
    let offers: [(usize, &str, i32, SupplyUnit, Option<i64>); 4] = [
        (0, "Hartmann's 500 ml", 24, SupplyUnit::Bag, Some(150)),
        (1, "2 ml syringes", 200, SupplyUnit::Piece, None),
        (
            2,
            "Critical-care herbivore formula",
            6,
            SupplyUnit::Tin,
            Some(60),
        ),
        (1, "Cohesive bandage 5 cm", 30, SupplyUnit::Piece, None),
    ];
    let today = Utc::now().date_naive();
    let mut first_offer = None;
    for (member, item, quantity, unit, use_by) in offers {
        let owner = members[member];
        let id = new_id();
        supplies::insert_offer(
            connection,
            &NewOffer {
                id: id.clone(),
                organization_id: owner.organization_id.clone(),
                pickup_site_id: owner.sites[0].clone(),
                item: item.to_owned(),
                description: None,
                quantity,
                remaining: quantity,
                unit: unit.as_str().to_owned(),
                expires_on: use_by.map(|days| today + Duration::days(days)),
                created_by: owner.person.clone(),
                created_by_user_id: None,
                created_at: at - Duration::days(3),
                updated_at: at - Duration::days(3),
            },
        )?;
        first_offer.get_or_insert((id, member));
    }
    if let Some((offer, offerer)) = first_offer {
        let asking = members[(offerer + 1) % members.len()];
        supplies::insert_request(
            connection,
            &NewRequest {
                id: new_id(),
                offer_id: offer,
                organization_id: asking.organization_id.clone(),
                quantity: 6,
                priority: 2,
                note: Some("Two dehydrated hedgehogs on fluids".to_owned()),
                status: "open".to_owned(),
                requested_by: asking.person.clone(),
                requested_by_user_id: None,
                created_at: at - Duration::hours(5),
                updated_at: at - Duration::hours(5),
            },
        )?;
    }
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_lends_kit_with_one_item_held_back_for_maintenance() {
        let folder = std::env::temp_dir().join(format!("warren-demo-kit-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&folder).expect("a temporary folder");
        let demo = warren_store::Store::open(&warren_store::StoreOptions {
            url: folder.join("demo.db").to_string_lossy().into_owned(),
            pool_size: 2,
            pool_timeout: std::time::Duration::from_secs(5),
        })
        .expect("a fresh SQLite database");
        crate::demo::load(&demo).expect("the demo loads");
        let rows = demo.read(store::catalog_rows).expect("the kit");
        assert_eq!(rows.len(), ITEMS.len());
        let now = Utc::now();
        let mut held_back = Vec::new();
        for row in &rows {
            let plans = demo
                .read(|connection| store::plans(connection, &[&row.id]))
                .expect("the plans");
            let item = row.item().expect("a valid item");
            if warren_domain::lending::lendable(&item, &plans, now).is_err() {
                held_back.push(row.name.clone());
            }
        }
        assert_eq!(held_back, ["Multiparameter monitor"]);
        assert!(
            rows.iter()
                .any(|row| row.status == ItemStatus::OnLoan.as_str())
        );
    }
}

//! The demo's animals in care, so the patient records have something to
//! show: an autumn juvenile hedgehog Harbourside Exotic Vets referred to
//! Brambleside Hedgehog Hospital, overwintering there on a plan made from
//! Brambleside's milestone and reintroduction articles (two milestones met,
//! one overdue); and a hedgehog Brambleside sent to Harbourside for surgery,
//! in treatment there now — so the demo vet reads one record it held and
//! writes the one it holds.

use chrono::{Duration, NaiveDateTime, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;
use warren_domain::care::{EntryDetails, Route, steps_from_article};
use warren_domain::referral::{AnswerTimes, ReferralStatus, Weight};
use warren_domain::triage::Tier;
use warren_store::care::{self, NewEntry, NewRecord, NewStage, PlanRow};
use warren_store::referrals::{self, PastReferral};
use warren_store::{DbConnection, StoreError};

use super::referrals::{Member, new_referral};

const REFERRER: &str = "Harbourside Exotic Vets";
const HOSPITAL: &str = "Brambleside Hedgehog Hospital";

/// One demo animal: who referred it to whom, how long ago it was accepted,
/// and its name.
struct Animal {
    from: &'static str,
    to: &'static str,
    name: &'static str,
    reason: &'static str,
    days_ago: i64,
}

const ANIMALS: [Animal; 2] = [
    Animal {
        from: REFERRER,
        to: HOSPITAL,
        name: "Hazel, autumn juvenile hedgehog",
        reason: "Found out by day in November, 380 g, lungworm cough",
        days_ago: 40,
    },
    Animal {
        from: HOSPITAL,
        to: REFERRER,
        name: "Conker, adult hedgehog",
        reason: "Strimmer wound over the left hind leg; needs surgery and radiographs",
        days_ago: 6,
    },
];

fn organization(connection: &mut DbConnection, name: &str) -> Result<Option<String>, StoreError> {
    Ok(warren_store::organizations::find_by_name(connection, name)?
        .map(|record| record.id.to_string()))
}

fn article_body(
    connection: &mut DbConnection,
    title: &str,
) -> Result<Option<(String, String)>, StoreError> {
    Ok(warren_store::library::by_title(connection, title)?.map(|row| (row.id, row.body_markdown)))
}

fn entry(
    connection: &mut DbConnection,
    record: &str,
    organization: &str,
    author: &str,
    at: NaiveDateTime,
    details: &EntryDetails,
) -> Result<(), StoreError> {
    let json =
        serde_json::to_string(details).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    care::add_entry(
        connection,
        &NewEntry {
            record_id: record,
            organization_id: organization,
            author,
            at,
            kind: details.kind(),
            details: &json,
        },
    )?;
    Ok(())
}

fn weight(grams: u32) -> Result<EntryDetails, StoreError> {
    Ok(EntryDetails::Weight {
        grams: Weight::try_from(grams).map_err(|error| StoreError::Corrupt(error.into()))?,
    })
}

/// Writes the demo's animals in care; nothing when the two organizations
/// are not in the demo.
pub fn load(connection: &mut DbConnection, members: &[Member]) -> Result<usize, StoreError> {
    let now = Utc::now().naive_utc();
    let mut rng = StdRng::seed_from_u64(2027);
    let times = AnswerTimes::default();
    let mut written = 0;
    for animal in &ANIMALS {
        let (Some(from), Some(to)) = (
            organization(connection, animal.from)?,
            organization(connection, animal.to)?,
        ) else {
            continue;
        };
        let (Some(referrer), Some(receiver)) = (
            members.iter().find(|member| member.organization_id == from),
            members.iter().find(|member| member.organization_id == to),
        ) else {
            continue;
        };
        let sent = now - Duration::days(animal.days_ago) - Duration::hours(3);
        let accepted = sent + Duration::minutes(25);
        let mut new = new_referral(
            referrer,
            receiver,
            "wildlife/hedgehog",
            animal.name,
            animal.reason,
            Tier::Urgent,
            sent,
            &times,
            &mut rng,
        );
        let record = care::insert(
            connection,
            &NewRecord {
                species: "wildlife/hedgehog",
                name: animal.name,
                sex: "unknown",
                age_class: if animal.days_ago > 20 {
                    "juvenile"
                } else {
                    "adult"
                },
                identifiers: "[]",
                at: accepted,
                holders: &[
                    (from.as_str(), sent, Some(accepted)),
                    (to.as_str(), accepted, None),
                ],
                author: &receiver.person,
            },
        )?;
        new.record_id = Some(record.id.clone());
        referrals::insert_past(
            connection,
            &PastReferral {
                new,
                status: ReferralStatus::InProgress,
                receiver_person: receiver.person.clone(),
                received_at: Some(sent + Duration::minutes(5)),
                accepted_at: Some(accepted),
                first_vet_at: Some(accepted + Duration::minutes(50)),
                closed_at: None,
                rejection: None,
                outcome: None,
            },
        )?;
        let person = &receiver.person;
        let day = |days: i64| accepted + Duration::days(days);
        if animal.days_ago > 20 {
            // Hazel: overwintering at Brambleside on the library's plan.
            for (days, grams) in [
                (0, 380),
                (3, 402),
                (7, 441),
                (14, 497),
                (21, 548),
                (30, 583),
                (38, 596),
            ] {
                entry(
                    connection,
                    &record.id,
                    &to,
                    person,
                    day(days),
                    &weight(grams)?,
                )?;
            }
            entry(
                connection,
                &record.id,
                &to,
                person,
                day(0),
                &EntryDetails::Medication {
                    drug: warren_domain::ShortText::parse("Levamisole")
                        .map_err(|error| StoreError::Corrupt(error.to_string()))?,
                    dose: warren_domain::ShortText::parse("10 mg/kg")
                        .map_err(|error| StoreError::Corrupt(error.to_string()))?,
                    route: Route::Subcutaneous,
                },
            )?;
            for (stage, days) in [("stabilisation", 1), ("rehabilitation", 6)] {
                care::add_stage(
                    connection,
                    &NewStage {
                        record_id: &record.id,
                        stage,
                        at: day(days),
                        organization_id: &to,
                        author: person,
                        note: None,
                        override_reason: None,
                    },
                )?;
            }
            let milestones = article_body(
                connection,
                "Autumn juvenile hedgehogs: rehabilitation milestones",
            )?;
            let criteria = article_body(connection, "Hedgehog reintroduction criteria")?;
            let mut items: Vec<(&str, String, Option<i32>)> = Vec::new();
            for (kind, article) in [("milestone", &milestones), ("criterion", &criteria)] {
                for step in article
                    .iter()
                    .flat_map(|(_, body)| steps_from_article(body))
                {
                    let target = (kind == "milestone").then_some(step.target_day).flatten();
                    items.push((kind, step.text, target.map(i32::from)));
                }
            }
            if !items.is_empty() {
                let items: Vec<(&str, &str, Option<i32>)> = items
                    .iter()
                    .map(|(kind, text, day)| (*kind, text.as_str(), *day))
                    .collect();
                care::create_plan(
                    connection,
                    &PlanRow {
                        record_id: record.id.clone(),
                        title: "Overwintering to spring release".to_owned(),
                        started_on: accepted.date(),
                        milestone_article_id: milestones.map(|(id, _)| id),
                        criteria_article_id: criteria.map(|(id, _)| id),
                        created_by: person.clone(),
                        created_at: day(1),
                    },
                    &items,
                )?;
                let plan = care::items(connection, std::slice::from_ref(&record.id))?;
                let firsts = plan.iter().filter(|item| item.kind == "milestone").take(2);
                for (item, days) in firsts.zip([4, 16]) {
                    care::meet_item(
                        connection,
                        &record.id,
                        &item.id,
                        day(days).date(),
                        Some("Weighed and checked"),
                        person,
                    )?;
                }
            }
        } else {
            // Conker: in treatment at Harbourside after surgery.
            for (days, grams) in [(0, 910), (2, 885), (5, 902)] {
                entry(
                    connection,
                    &record.id,
                    &to,
                    person,
                    day(days),
                    &weight(grams)?,
                )?;
            }
            entry(
                connection,
                &record.id,
                &to,
                person,
                day(0),
                &EntryDetails::Problem {
                    text: warren_domain::ShortText::parse("Strimmer wound, left hind leg")
                        .map_err(|error| StoreError::Corrupt(error.to_string()))?,
                },
            )?;
            care::add_stage(
                connection,
                &NewStage {
                    record_id: &record.id,
                    stage: "treatment",
                    at: day(1),
                    organization_id: &to,
                    author: person,
                    note: Some("Wound debrided and closed under anaesthesia"),
                    override_reason: None,
                },
            )?;
        }
        written += 1;
    }
    Ok(written)
}

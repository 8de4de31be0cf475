//! The demo network's volunteers: profiles for its volunteer members (one
//! with an expired first-aid certificate), transport legs on open referrals
//! — some still without a driver, one offered to Small Paws' volunteer — and
//! a foster placement waiting for an answer.

use chrono::{Duration, Utc};
use warren_domain::Role;
use warren_domain::people::{Skill, SkillEntry};
use warren_domain::referral::TransportStatus;
use warren_store::people::{self, PlacementRow, VolunteerProfileRow};
use warren_store::referrals as referral_store;
use warren_store::{DbConnection, StoreError, accounts, new_id};
use warren_wire::{PersonRef, TransportLeg};

/// One demo volunteer's profile.
struct DemoVolunteer {
    email: &'static str,
    skills: &'static [(Skill, Option<i64>)],
    availability: &'static str,
    area: &'static str,
    centre: (f64, f64),
    radius_km: i32,
    has_vehicle: bool,
}

/// Skills with the days until each lapses (negative: already lapsed).
const VOLUNTEERS: [DemoVolunteer; 3] = [
    DemoVolunteer {
        email: "volunteer@smallpaws.demo",
        skills: &[
            (Skill::Transport, None),
            (Skill::Foster, None),
            (Skill::FirstAid, Some(200)),
        ],
        availability: "Mo-Fr 17:00-22:00; Sa,Su 08:00-20:00",
        area: "Bristol and North Somerset",
        centre: (51.4545, -2.5879),
        radius_km: 30,
        has_vehicle: true,
    },
    DemoVolunteer {
        email: "kwame.mensah@smallpaws.demo",
        skills: &[(Skill::Foster, None), (Skill::FirstAid, Some(-12))],
        availability: "Mo-Su 07:00-23:00",
        area: "Easton and St George",
        centre: (51.4610, -2.5610),
        radius_km: 8,
        has_vehicle: false,
    },
    DemoVolunteer {
        email: "shauna.reilly@oldburyfoxbadger.demo",
        skills: &[(Skill::Transport, Some(90)), (Skill::FirstAid, Some(400))],
        availability: "24/7",
        area: "South Gloucestershire",
        centre: (51.6070, -2.5710),
        radius_km: 40,
        has_vehicle: true,
    },
];

/// Writes the profiles, legs and placement; returns how many profiles.
pub fn load(connection: &mut DbConnection) -> Result<usize, StoreError> {
    let now = Utc::now().naive_utc();
    let today = now.date();
    let mut written = 0;
    let mut first: Option<(String, String)> = None;
    for demo in &VOLUNTEERS {
        let Some(user) = accounts::find_user_by_email(connection, demo.email)? else {
            continue;
        };
        let skills: Vec<SkillEntry> = demo
            .skills
            .iter()
            .map(|(skill, days)| SkillEntry {
                skill: *skill,
                expires_on: days.map(|days| today + Duration::days(days)),
            })
            .collect();
        let row = VolunteerProfileRow {
            user_id: user.id.clone(),
            skills: serde_json::to_string(&skills)
                .map_err(|error| StoreError::Corrupt(error.to_string()))?,
            availability: demo.availability.to_owned(),
            timezone: "Europe/London".to_owned(),
            area: demo.area.to_owned(),
            latitude: Some(demo.centre.0),
            longitude: Some(demo.centre.1),
            radius_km: Some(demo.radius_km),
            has_vehicle: demo.has_vehicle,
            notes: None,
            active: true,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        people::save_profile(connection, &row, None)?;
        written += 1;
        first.get_or_insert((user.id.clone(), user.name.clone()));
    }
    let Some((volunteer, name)) = first else {
        return Ok(written);
    };
    // The organization with the most open referrals gets the first
    // volunteer's help too (volunteers often drive for more than one
    // organization), and its open referrals get legs: the first is offered
    // to the volunteer, the others wait for any driver.
    let mut open_by_organization: std::collections::BTreeMap<String, usize> =
        std::collections::BTreeMap::new();
    for row in people::open_referrals_of(connection, None, 200)? {
        *open_by_organization.entry(row.referrer_org_id).or_default() += 1;
        *open_by_organization.entry(row.receiver_org_id).or_default() += 1;
    }
    let Some(organization) = open_by_organization
        .into_iter()
        .max_by_key(|(id, count)| (*count, std::cmp::Reverse(id.clone())))
        .map(|(id, _)| id)
    else {
        return Ok(written);
    };
    let member = accounts::memberships_of(connection, &volunteer)?
        .iter()
        .any(|membership| membership.organization.id == organization);
    if !member {
        accounts::add_membership(connection, &volunteer, &organization, Role::Volunteer)?;
    }
    let open = people::open_referrals_of(connection, Some(&organization), 3)?;
    for (index, row) in open.iter().enumerate() {
        let starts = Utc::now() + Duration::hours(2 + 2 * i64::try_from(index).unwrap_or(0));
        let leg = TransportLeg {
            status: if index == 0 {
                TransportStatus::Confirmed
            } else {
                TransportStatus::New
            },
            pickup: "Referring clinic, front desk".to_owned(),
            dropoff: "Receiving clinic, side entrance".to_owned(),
            window_starts: Some(starts),
            window_ends: Some(starts + Duration::hours(2)),
            notes: Some("Carrier provided; keep the car cool and quiet.".to_owned()),
            driver: (index == 0)
                .then(|| {
                    uuid::Uuid::parse_str(&volunteer).map(|user_id| PersonRef {
                        user_id,
                        name: name.clone(),
                    })
                })
                .transpose()
                .map_err(|error| StoreError::Corrupt(error.to_string()))?,
            shared_with_network: warren_domain::referral::shared_by_default(
                row.tier().unwrap_or(warren_domain::triage::Tier::Standard),
            ),
            needed_by: Some(starts),
        };
        let note = format!("Transport asked for: {} → {}.", leg.pickup, leg.dropoff);
        referral_store::set_transport(connection, row, row.version, &leg, "Warren demo", &note)?;
    }
    let fosterer = accounts::find_user_by_email(connection, VOLUNTEERS[1].email)?;
    let fosterer_organization = match &fosterer {
        Some(user) => accounts::memberships_of(connection, &user.id)?
            .first()
            .map(|membership| membership.organization.id.clone()),
        None => None,
    };
    if let (Some(fosterer), Some(organization)) =
        (fosterer.map(|user| user.id), fosterer_organization)
    {
        people::insert_placement(
            connection,
            &PlacementRow {
                id: new_id(),
                organization_id: organization,
                volunteer_user_id: fosterer,
                referral_id: None,
                species: "small_mammal/rat".to_owned(),
                animal_name: "Three young rats from a hoarding case".to_owned(),
                starts_on: today + Duration::days(1),
                ends_on: Some(today + Duration::days(21)),
                status: "offered".to_owned(),
                notes: Some("Quarantine for two weeks; weigh every morning.".to_owned()),
                status_note: None,
                created_by: "Hannah Price".to_owned(),
                created_at: now,
                updated_at: now,
                version: 1,
            },
        )?;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use warren_store::{Store, StoreOptions};

    use super::*;

    #[test]
    fn the_demo_has_volunteers_with_a_drive_offered_and_transports_without_a_driver() {
        let folder = std::env::temp_dir().join(format!("warren-people-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&folder).expect("a temporary folder");
        let store = Store::open(&StoreOptions {
            url: folder.join("demo.db").to_string_lossy().into_owned(),
            pool_size: 2,
            pool_timeout: std::time::Duration::from_secs(5),
        })
        .expect("a fresh SQLite database");
        crate::demo::load(&store).expect("the demo loads");
        store
            .read(|connection| {
                let sam = accounts::find_user_by_email(connection, VOLUNTEERS[0].email)?
                    .expect("the demo volunteer");
                assert!(people::profile(connection, &sam.id)?.is_some());
                assert_eq!(
                    people::drives_of(connection, &sam.id)?.len(),
                    1,
                    "one drive offered"
                );
                let organizations: Vec<String> = accounts::memberships_of(connection, &sam.id)?
                    .into_iter()
                    .map(|membership| membership.organization.id)
                    .collect();
                assert!(
                    !people::unassigned_transports(connection, &organizations, false)?.is_empty(),
                    "transports without a driver"
                );
                let kwame = accounts::find_user_by_email(connection, VOLUNTEERS[1].email)?
                    .expect("the demo fosterer");
                assert_eq!(people::open_placements_of(connection, &kwame.id)?.len(), 1);
                Ok::<_, StoreError>(())
            })
            .expect("the demo's roster reads back");
        std::fs::remove_dir_all(&folder).ok();
    }
}

//! The demo's on-call rotas: the first site of every vetted organization
//! with staff has someone on call at every hour, so that a tier 1 or 2
//! referral in the demo alerts a person, and the timeline shows who.
//!
//! With one person, they are on call around the clock; with two or more,
//! the first clinician (or admin) takes weekdays, the second nights and
//! weekends, and anyone else backs them up around the clock.

use warren_domain::Role;
use warren_domain::alerts::{Rota, Shift};
use warren_domain::directory::hours::OpeningHoursText;
use warren_store::alerts::{self, Person};
use warren_store::{DbConnection, StoreError, sites};

/// Who the demo puts on call first: clinicians, then admins, then staff.
const ROLES: [[Role; 1]; 3] = [[Role::Clinician], [Role::OrgAdmin], [Role::Staff]];

fn hours(text: &str) -> Result<OpeningHoursText, StoreError> {
    OpeningHoursText::parse(text)
        .map_err(|error| StoreError::Corrupt(format!("demo rota hours: {error}")))
}

/// Writes the rotas; returns how many sites got one.
pub fn load(connection: &mut DbConnection) -> Result<usize, StoreError> {
    let mut first_sites: Vec<(String, String)> = Vec::new();
    for (site, organization) in sites::list_all_ids(connection)? {
        if !first_sites.iter().any(|(_, known)| *known == organization) {
            first_sites.push((site, organization));
        }
    }
    let mut written = 0;
    for (site, organization) in first_sites {
        let mut people: Vec<Person> = Vec::new();
        for roles in ROLES {
            people.extend(alerts::members_with_roles(
                connection,
                &organization,
                &roles,
            )?);
        }
        let Some(first) = people.first() else {
            continue;
        };
        let id = |person: &Person| {
            uuid::Uuid::parse_str(&person.user_id)
                .map_err(|_| StoreError::Corrupt("demo user id".into()))
        };
        let shifts = match people.as_slice() {
            [_] => vec![Shift {
                user_id: id(first)?,
                hours: hours("24/7")?,
            }],
            [days, nights, backups @ ..] => {
                let mut shifts = vec![
                    Shift {
                        user_id: id(days)?,
                        hours: hours("Mo-Fr 08:00-18:00")?,
                    },
                    Shift {
                        user_id: id(nights)?,
                        hours: hours("Mo-Fr 00:00-08:00,18:00-24:00; Sa,Su 00:00-24:00")?,
                    },
                ];
                for backup in backups {
                    shifts.push(Shift {
                        user_id: id(backup)?,
                        hours: hours("24/7")?,
                    });
                }
                shifts
            }
            [] => continue,
        };
        let rota = Rota {
            shifts,
            overrides: Vec::new(),
        };
        alerts::save_rota(connection, &site, &organization, &rota, 0, "demo loader")?;
        written += 1;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use warren_domain::directory::hours::{CountryCode, Timezone};
    use warren_store::{Store, StoreOptions};

    use super::*;

    #[test]
    fn every_demo_rota_has_someone_on_call_all_week() {
        let folder = std::env::temp_dir().join(format!("warren-on-call-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&folder).expect("a temporary folder");
        let store = Store::open(&StoreOptions {
            url: folder.join("demo.db").to_string_lossy().into_owned(),
            pool_size: 2,
            pool_timeout: std::time::Duration::from_secs(5),
        })
        .expect("a fresh SQLite database");
        crate::demo::load(&store).expect("the demo loads");
        let harbourside = store
            .read(|connection| {
                let rotas = alerts::rotas_in_use(connection)?;
                assert!(rotas.len() >= 10, "{} rotas", rotas.len());
                for record in &rotas {
                    let site = sites::find(connection, &record.site_id)?;
                    let timezone =
                        Timezone::parse(&site.fields.timezone).expect("a demo site's timezone");
                    let country =
                        CountryCode::parse(&site.fields.country).expect("a demo site's country");
                    let gaps = record.rota()?.gaps(timezone, country, Utc::now(), 7);
                    assert!(gaps.is_empty(), "{} has gaps: {gaps:?}", site.fields.name);
                }
                let vet =
                    warren_store::accounts::find_user_by_email(connection, "vet@harbourside.demo")?
                        .expect("the demo clinician");
                Ok::<_, StoreError>(rotas.iter().any(|record| record.shifts.contains(&vet.id)))
            })
            .expect("the demo's rotas read back");
        assert!(harbourside, "the demo clinician is on a rota");
        std::fs::remove_dir_all(&folder).ok();
    }
}

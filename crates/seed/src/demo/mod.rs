//! The demo network: believable organizations, sites and staff, loaded into
//! an empty database by `warren serve --demo`.
//!
//! The data lives in [`data`]; loading turns it into stored organizations,
//! accounts and full directory listings. Times in the data are relative
//! ("capacity declared, lapsing in six hours", "assured 200 days ago") and
//! are fixed against the clock when loading, so a demo always shows a mix of
//! current, lapsed and never-declared capacity and of verified, overdue and
//! never-audited listings.

mod care;
pub mod data;
pub mod lending;
pub mod library;
mod on_call;
pub mod people;
pub mod referrals;
pub mod specialists;

use std::collections::HashMap;

use chrono::{Duration, Utc};
use warren_domain::directory::AUDIT_INTERVAL_DAYS;
use warren_domain::{MembershipStatus, OrganizationKind, Role};
use warren_store::accounts;
use warren_store::audit::{self, Actor, Change};
use warren_store::credentials::hash_password;
use warren_store::organizations::{self, NewOrganization};
use warren_store::sites::{self, SiteFields};
use warren_store::{DbConnection, Store, StoreError};

use crate::SeedError;
use data::{DemoAudit, DemoCapacity, DemoCover, DemoSite};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "burrow-demo-2026";

/// One demo account per role, to print at start.
pub const DEMO_LOGINS: [(&str, &str); 5] = [
    ("network admin", "coordinator@warren.demo"),
    ("org admin", "admin@harbourside.demo"),
    ("clinician", "vet@harbourside.demo"),
    ("staff", "reception@harbourside.demo"),
    ("volunteer", "volunteer@smallpaws.demo"),
];

/// What loading did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loaded {
    /// The network was loaded: this many organizations.
    Organizations(usize),
    /// The database already had organizations; nothing was changed.
    AlreadyPopulated,
}

/// A demo site waiting to be inserted, with who runs it.
struct PendingSite {
    organization_id: String,
    /// Who declares the site's capacity: the organization's first staff member.
    staff: Actor,
    site: &'static DemoSite,
}

/// Loads the demo network into an empty database, in one transaction.
pub fn load(store: &Store) -> Result<Loaded, SeedError> {
    if store.read(organizations::any)? {
        return Ok(Loaded::AlreadyPopulated);
    }
    // One hash for every demo account: hashing is deliberately slow.
    let password_hash = hash_password(DEMO_PASSWORD)?;
    let loader = Actor::system("demo loader");
    store.write(|connection| {
        let mut pending = Vec::new();
        let mut coordinator = None;
        let mut members = Vec::new();
        for demo in data::ORGANIZATIONS {
            let kind = OrganizationKind::parse(demo.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("demo kind {}", demo.kind)))?;
            let membership = MembershipStatus::parse(demo.membership).ok_or_else(|| {
                StoreError::Corrupt(format!("demo membership {}", demo.membership))
            })?;
            let organization = organizations::insert(
                connection,
                &NewOrganization {
                    name: demo.name,
                    kind,
                    membership,
                    website: demo.website,
                    description: Some(demo.description),
                },
            )?;
            let organization_id = organization.id.to_string();
            let mut first_staff = None;
            for person in demo.staff {
                let role = Role::parse(person.role)
                    .ok_or_else(|| StoreError::Corrupt(format!("demo role {}", person.role)))?;
                let user =
                    accounts::insert_user(connection, person.email, person.name, &password_hash)?;
                accounts::confirm_email(connection, &user.id, warren_store::now())?;
                accounts::add_membership(connection, &user.id, &organization_id, role)?;
                let actor = person_actor(person.name, person.email, &user.id);
                if role == Role::NetworkAdmin && coordinator.is_none() {
                    coordinator = Some(actor.clone());
                }
                first_staff.get_or_insert(actor);
            }
            if membership == MembershipStatus::Vetted && kind != OrganizationKind::Hotline {
                members.push(referrals::Member {
                    organization_id: organization_id.clone(),
                    sites: Vec::new(),
                    person: demo
                        .staff
                        .first()
                        .map_or_else(|| demo.name.to_owned(), |person| person.name.to_owned()),
                });
            }
            let staff = first_staff.unwrap_or_else(|| loader.clone());
            pending.extend(demo.sites.iter().map(|site| PendingSite {
                organization_id: organization_id.clone(),
                staff: staff.clone(),
                site,
            }));
        }
        let coordinator = coordinator.unwrap_or_else(|| loader.clone());
        let site_count = insert_sites(connection, pending, &loader, &coordinator)?;
        for (site, organization) in sites::list_all_ids(connection)? {
            if let Some(member) = members
                .iter_mut()
                .find(|member| member.organization_id == organization)
            {
                member.sites.push(site);
            }
        }
        let referral_count = referrals::load(connection, &members)?;
        lending::load(connection, &members)?;
        let article_count = library::load(connection)?;
        care::load(connection, &members)?;
        people::load(connection)?;
        specialists::load(connection)?;
        on_call::load(connection)?;
        audit::record(
            connection,
            &loader,
            Change {
                action: "demo.loaded",
                target_type: "network",
                target_id: "demo",
                organization_id: None,
                details: serde_json::json!({
                    "organizations": data::ORGANIZATIONS.len(),
                    "sites": site_count,
                    "referrals": referral_count,
                    "articles": article_count,
                }),
            },
        )?;
        Ok::<_, StoreError>(())
    })?;
    Ok(Loaded::Organizations(data::ORGANIZATIONS.len()))
}

/// The actor for a demo person, labelled as the audit log labels people.
fn person_actor(name: &str, email: &str, user_id: &str) -> Actor {
    Actor {
        label: format!("{name} <{email}>"),
        user_id: Some(user_id.to_owned()),
        ..Actor::default()
    }
}

/// Inserts every pending site, each after the site that covers it (a cover
/// must exist before it is referenced), then declares capacity and records
/// assurance. Returns how many sites were inserted.
fn insert_sites(
    connection: &mut DbConnection,
    mut pending: Vec<PendingSite>,
    loader: &Actor,
    coordinator: &Actor,
) -> Result<usize, StoreError> {
    let now = Utc::now();
    let mut ids: HashMap<&'static str, String> = HashMap::new();
    while !pending.is_empty() {
        let before = pending.len();
        let mut waiting = Vec::new();
        for entry in pending {
            let cover_site_id = match entry.site.cover {
                DemoCover::Site(name) => match ids.get(name) {
                    Some(id) => Some(id.clone()),
                    None => {
                        waiting.push(entry);
                        continue;
                    }
                },
                DemoCover::None | DemoCover::OnCall { .. } => None,
            };
            let site = entry.site;
            let id = sites::insert(
                connection,
                &entry.organization_id,
                &fields(site, cover_site_id),
                loader,
            )?;
            match site.capacity {
                DemoCapacity::Undeclared => {}
                DemoCapacity::Current { level, hours_left } => {
                    sites::set_capacity(
                        connection,
                        &id,
                        level,
                        now + Duration::hours(hours_left),
                        &entry.staff,
                    )?;
                }
                DemoCapacity::Lapsed { level, hours_ago } => {
                    sites::set_capacity(
                        connection,
                        &id,
                        level,
                        now - Duration::hours(hours_ago),
                        &entry.staff,
                    )?;
                }
            }
            if let DemoAudit::AssuredDaysAgo(days) = site.audit {
                let at = now - Duration::days(days);
                sites::assure(
                    connection,
                    &id,
                    at,
                    at + Duration::days(AUDIT_INTERVAL_DAYS),
                    coordinator,
                )?;
            }
            ids.insert(site.name, id);
        }
        if waiting.len() == before {
            let names: Vec<&str> = waiting.iter().map(|entry| entry.site.name).collect();
            return Err(StoreError::Corrupt(format!(
                "demo sites covered by an unknown site: {names:?}"
            )));
        }
        pending = waiting;
    }
    Ok(ids.len())
}

/// The stored listing of a demo site.
fn fields(site: &DemoSite, cover_site_id: Option<String>) -> SiteFields {
    let owned = |text: Option<&str>| text.map(str::to_owned);
    let sorted = |codes: &[&str]| {
        let mut codes: Vec<String> = codes.iter().map(|code| (*code).to_owned()).collect();
        codes.sort();
        codes.dedup();
        codes
    };
    let (cover_name, cover_phone) = match site.cover {
        DemoCover::OnCall { name, phone } => (Some(name.to_owned()), Some(phone.to_owned())),
        DemoCover::None | DemoCover::Site(_) => (None, None),
    };
    SiteFields {
        name: site.name.to_owned(),
        address: site.address.to_owned(),
        town: site.town.to_owned(),
        postcode: site.postcode.to_owned(),
        country: "GB".to_owned(),
        timezone: "Europe/London".to_owned(),
        latitude: site.latitude,
        longitude: site.longitude,
        public_phone: Some(site.phone.to_owned()),
        private_phone: owned(site.private_phone),
        public_email: owned(site.email),
        referral_name: site
            .referral
            .as_ref()
            .map(|contact| contact.name.to_owned()),
        referral_phone: site
            .referral
            .as_ref()
            .map(|contact| contact.phone.to_owned()),
        referral_email: site
            .referral
            .as_ref()
            .and_then(|contact| owned(contact.email)),
        opening_hours: owned(site.hours),
        cover_site_id,
        cover_name,
        cover_phone,
        max_weight_grams: site.limits.max_weight_grams,
        no_wildlife: site.limits.no_wildlife,
        referral_only: site.limits.referral_only,
        deposit_required: site.limits.deposit_required,
        limitation_notes: owned(site.limits.notes),
        capabilities: sorted(site.capabilities),
        species: sorted(site.species),
    }
}

/// The demo's sample gazetteer: Warren's own files in GeoNames' formats,
/// made from the demo sites' postcodes and towns (see
/// `crates/seed/src/demo/gazetteer/README.md`).
pub const GAZETTEER: [&str; 2] = [
    include_str!("gazetteer/severn-vale-postal-codes.txt"),
    include_str!("gazetteer/severn-vale-places.txt"),
];

/// Loads the sample gazetteer when the gazetteer is empty; answers how many
/// entries it loaded (none when the gazetteer already had some). Each file
/// goes in one transaction, as an upload does.
pub fn load_gazetteer(store: &Store) -> Result<u64, SeedError> {
    if store.read(warren_store::places::any)? {
        return Ok(0);
    }
    let mut loaded = 0;
    for text in GAZETTEER {
        loaded += store
            .write(|connection| {
                warren_store::places::load_lines(connection, text.as_bytes(), None)
                    .map_err(SeedError::from)
            })?
            .progress
            .loaded;
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use warren_domain::directory::hours::OpeningHoursText;
    use warren_domain::directory::taxonomy::{SEED_TERMS, Taxonomy};
    use warren_domain::{Description, Email, PersonName, Phone};

    use super::data::{DemoCapacity, DemoCover, ORGANIZATIONS};
    use super::*;

    fn all_sites() -> impl Iterator<Item = &'static DemoSite> {
        ORGANIZATIONS.iter().flat_map(|org| org.sites.iter())
    }

    #[test]
    fn the_sample_gazetteer_knows_every_demo_sites_postcode_and_town() {
        use warren_domain::places::{GazetteerFormat, parse_row};
        let read = |text: &str, format| {
            text.lines()
                .map(|line| parse_row(format, line).expect("a GeoNames row"))
                .collect::<Vec<_>>()
        };
        let postcodes = read(GAZETTEER[0], GazetteerFormat::PostalCodes);
        let towns = read(GAZETTEER[1], GazetteerFormat::Places);
        for site in all_sites() {
            let entry = postcodes
                .iter()
                .find(|entry| entry.postcode.as_deref() == Some(site.postcode))
                .unwrap_or_else(|| panic!("{} is in the sample postcodes", site.postcode));
            assert_eq!(entry.name, site.town, "{}", site.postcode);
            assert!(
                entry.distance_km(site.latitude, site.longitude) < 1.0,
                "{} lies at its postcode's point",
                site.name
            );
            assert!(
                towns.iter().any(|town| town.name == site.town),
                "{} is in the sample places",
                site.town
            );
        }
    }

    fn seeded(taxonomy: Taxonomy, code: &str) -> bool {
        SEED_TERMS
            .iter()
            .any(|term| term.taxonomy == taxonomy && term.code == code)
    }

    #[test]
    fn the_demo_network_is_large_enough_to_feel_alive() {
        assert!(
            ORGANIZATIONS.len() >= 60,
            "{} organizations",
            ORGANIZATIONS.len()
        );
        assert!(all_sites().count() >= 120, "{} sites", all_sites().count());
    }

    #[test]
    fn every_demo_opening_hours_expression_parses() {
        for site in all_sites() {
            if let Some(hours) = site.hours {
                assert!(
                    OpeningHoursText::parse(hours).is_ok(),
                    "{}: {hours:?} does not parse",
                    site.name
                );
            }
        }
    }

    #[test]
    fn every_demo_code_is_in_the_seeded_vocabulary() {
        for site in all_sites() {
            for code in site.capabilities {
                assert!(
                    seeded(Taxonomy::Capability, code),
                    "{}: capability {code}",
                    site.name
                );
            }
            for code in site.species {
                assert!(
                    seeded(Taxonomy::Species, code),
                    "{}: species {code}",
                    site.name
                );
            }
        }
    }

    #[test]
    fn every_demo_phone_number_parses() {
        for site in all_sites() {
            let mut phones = vec![site.phone];
            phones.extend(site.private_phone);
            phones.extend(site.referral.as_ref().map(|contact| contact.phone));
            if let DemoCover::OnCall { phone, .. } = site.cover {
                phones.push(phone);
            }
            for phone in phones {
                assert!(
                    Phone::parse(phone).is_ok(),
                    "{}: phone {phone:?}",
                    site.name
                );
            }
        }
    }

    #[test]
    fn every_demo_listing_would_pass_the_apis_checks() {
        for site in all_sites() {
            assert!(
                !site.name.is_empty() && !site.address.is_empty(),
                "a site without a name or address"
            );
            for email in site
                .email
                .into_iter()
                .chain(site.referral.as_ref().and_then(|c| c.email))
            {
                assert!(
                    Email::parse(email).is_ok(),
                    "{}: e-mail {email:?}",
                    site.name
                );
            }
            if let Some(contact) = &site.referral {
                assert!(
                    PersonName::parse(contact.name).is_ok(),
                    "{}: referral name",
                    site.name
                );
            }
            if let DemoCover::OnCall { name, .. } = site.cover {
                assert!(
                    PersonName::parse(name).is_ok(),
                    "{}: on-call name {name:?}",
                    site.name
                );
            }
            if let Some(notes) = site.limits.notes {
                assert!(Description::parse(notes).is_ok(), "{}: notes", site.name);
            }
            assert!(site.limits.max_weight_grams.is_none_or(|grams| grams > 0));
            match site.capacity {
                DemoCapacity::Current { level, hours_left } => {
                    assert!(
                        ["normal", "full", "closed"].contains(&level),
                        "{}",
                        site.name
                    );
                    assert!(
                        (1..=7 * 24).contains(&hours_left),
                        "{}: capacity lapses too late",
                        site.name
                    );
                }
                DemoCapacity::Lapsed { level, hours_ago } => {
                    assert!(
                        ["normal", "full", "closed"].contains(&level),
                        "{}",
                        site.name
                    );
                    assert!(hours_ago > 0, "{}", site.name);
                }
                DemoCapacity::Undeclared => {}
            }
        }
    }

    #[test]
    fn site_names_are_unique_and_every_cover_names_a_demo_site() {
        let mut names = HashSet::new();
        for site in all_sites() {
            assert!(
                names.insert(site.name),
                "two sites are called {}",
                site.name
            );
        }
        for site in all_sites() {
            if let DemoCover::Site(cover) = site.cover {
                assert_ne!(cover, site.name, "{} covers itself", site.name);
                assert!(
                    names.contains(cover),
                    "{}: unknown cover {cover}",
                    site.name
                );
            }
        }
    }

    #[test]
    fn demo_logins_exist_and_e_mail_addresses_are_unique() {
        let mut emails = HashSet::new();
        for org in ORGANIZATIONS {
            for person in org.staff {
                assert!(
                    emails.insert(person.email),
                    "two accounts use {}",
                    person.email
                );
                assert!(Role::parse(person.role).is_some(), "{}: role", person.email);
            }
        }
        for (_, email) in DEMO_LOGINS {
            assert!(emails.contains(email), "{email} is not a demo account");
        }
    }

    #[test]
    fn loading_the_demo_fills_an_empty_sqlite_directory_once() {
        let folder = std::env::temp_dir().join(format!("warren-demo-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&folder).expect("a temporary folder");
        let store = Store::open(&warren_store::StoreOptions {
            url: folder.join("demo.db").to_string_lossy().into_owned(),
            pool_size: 2,
            pool_timeout: std::time::Duration::from_secs(5),
        })
        .expect("a fresh SQLite database");
        assert_eq!(
            load(&store).expect("the demo loads"),
            Loaded::Organizations(ORGANIZATIONS.len())
        );
        assert_eq!(
            load(&store).expect("a second load is harmless"),
            Loaded::AlreadyPopulated
        );
        let directory = store.read(sites::directory).expect("the directory");
        let vetted_sites: usize = ORGANIZATIONS
            .iter()
            .filter(|org| org.membership == "vetted")
            .map(|org| org.sites.len())
            .sum();
        assert_eq!(directory.len(), vetted_sites);
        assert!(
            directory
                .iter()
                .any(|site| site.fields.cover_site_id.is_some())
        );
        assert!(directory.iter().any(|site| site.capacity.is_some()));
        assert!(directory.iter().any(|site| site.assured_at.is_some()));
        let history = store
            .read(|connection| {
                warren_store::referrals::timings(
                    connection,
                    None,
                    true,
                    (Utc::now() - Duration::days(365)).naive_utc(),
                    (Utc::now() + Duration::days(1)).naive_utc(),
                )
            })
            .expect("the referral history");
        assert!(history.len() >= 50, "{} referrals", history.len());
        for status in [
            warren_domain::referral::ReferralStatus::Completed,
            warren_domain::referral::ReferralStatus::Rejected,
            warren_domain::referral::ReferralStatus::Requested,
        ] {
            assert!(
                history.iter().any(|timing| timing.status == status),
                "{status}"
            );
        }
        // Two hedgehogs in care, one on a plan from the library's articles.
        let harbourside = store
            .read(|connection| {
                warren_store::organizations::find_by_name(connection, "Harbourside Exotic Vets")
            })
            .expect("a read")
            .expect("Harbourside");
        let histories = store
            .read(|connection| {
                warren_store::care::histories(
                    connection,
                    Some(&harbourside.id.to_string()),
                    (Utc::now() - Duration::days(365)).naive_utc(),
                    (Utc::now() + Duration::days(1)).naive_utc(),
                )
            })
            .expect("the animals in care");
        assert_eq!(histories.len(), 2);
        let planned = histories
            .iter()
            .find(|history| !history.milestones.is_empty())
            .expect("a plan");
        assert_eq!(planned.milestones.len(), 5);
        assert!(
            planned.milestones.iter().all(|(due, _)| due.is_some()),
            "every milestone has its target day"
        );
        assert_eq!(
            planned
                .milestones
                .iter()
                .filter(|(_, met)| met.is_some())
                .count(),
            2
        );
        drop(store);
        let _ = std::fs::remove_dir_all(&folder);
    }

    #[test]
    fn the_demo_shows_every_directory_state() {
        let sites: Vec<&DemoSite> = all_sites().collect();
        let count =
            |test: &dyn Fn(&DemoSite) -> bool| sites.iter().filter(|site| test(site)).count();
        assert!(count(&|s| s.hours == Some("24/7")) >= 5);
        assert!(count(&|s| matches!(s.cover, DemoCover::Site(_))) >= 30);
        assert!(count(&|s| matches!(s.cover, DemoCover::OnCall { .. })) >= 8);
        assert!(count(&|s| s.hours.is_some_and(|h| h.contains("unknown"))) >= 8);
        assert!(count(&|s| s.hours.is_some_and(|h| h.contains("Dec"))) >= 5);
        assert!(count(&|s| s.hours.is_some_and(|h| h.contains("22:00"))) >= 2);
        for level in ["normal", "full", "closed"] {
            assert!(
                count(
                    &|s| matches!(s.capacity, DemoCapacity::Current { level: l, .. } if l == level)
                ) >= 1
            );
        }
        assert!(count(&|s| matches!(s.capacity, DemoCapacity::Lapsed { .. })) >= 3);
        assert!(count(&|s| matches!(s.audit, DemoAudit::Never)) >= 10);
        assert!(
            count(&|s| matches!(s.audit, DemoAudit::AssuredDaysAgo(d) if d > AUDIT_INTERVAL_DAYS))
                >= 10
        );
        assert!(
            count(&|s| matches!(s.audit, DemoAudit::AssuredDaysAgo(d) if d <= AUDIT_INTERVAL_DAYS))
                >= 30
        );
    }
}

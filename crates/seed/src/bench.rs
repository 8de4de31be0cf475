//! The benchmark network: `warren bench-seed` fills a fresh database with a
//! synthetic care network of realistic size (20,000 sites, 1,000,000
//! referrals and 50,000 kit items by default) for `cargo xtask bench`, which
//! measures the API against it.
//!
//! The network is random but reproducible (a fixed seed): about ten sites per
//! vetted organization, spread around real towns across Great Britain, with
//! the same kinds of listing the demo shows — 24/7 hospitals covering day
//! clinics after hours, on-call services, by-appointment rescues, holiday
//! exceptions, capabilities, species, limitations, current and lapsed
//! capacity, verified, overdue and never-audited listings. It goes in through
//! the store like any other listing (history, terms and revision included),
//! a batch of sites per transaction. The two years of referrals and loans
//! behind it are written in bulk ([`history`]).

mod history;

use std::collections::{HashMap, HashSet};
use std::time::{Duration as Elapsed, Instant};

use chrono::{Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use warren_domain::directory::AUDIT_INTERVAL_DAYS;
use warren_domain::directory::taxonomy::TermCode;
use warren_domain::lending::{Condition, ItemCategory, ItemStatus, Suitability};
use warren_domain::{
    Email, MembershipStatus, OrgName, OrganizationKind, Password, PersonName, TextError,
};
use warren_store::audit::Actor;
use warren_store::credentials::{digest, hash_password, new_secret};
use warren_store::organizations::{self, NewOrganization};
use warren_store::sites::{self, SiteFields};
use warren_store::{Store, StoreError};

use crate::SeedError;

/// What to seed.
#[derive(Debug, Clone, Copy)]
pub struct SeedOptions {
    /// How many sites in all.
    pub sites: usize,
    /// The random seed: the same seed gives the same network.
    pub seed: u64,
    /// Sites written per transaction.
    pub batch: usize,
    /// Referrals in the two years of history.
    pub referrals: usize,
    /// Kit items, each with its loans.
    pub items: usize,
}

impl Default for SeedOptions {
    fn default() -> Self {
        Self {
            sites: 20_000,
            seed: 2026,
            batch: 500,
            referrals: 1_000_000,
            items: 50_000,
        }
    }
}

/// What seeding did.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// Organizations created (all vetted).
    pub organizations: usize,
    /// Sites created.
    pub sites: usize,
    /// How long the sites took.
    pub sites_elapsed: Elapsed,
    /// How long the referrals and their timelines took.
    pub referrals_elapsed: Elapsed,
    /// How long the kit items and their loans took.
    pub items_elapsed: Elapsed,
    /// How long it all took.
    pub elapsed: Elapsed,
    /// Who the referral benchmark refers as.
    pub referrer: BenchReferrer,
}

/// A town the network clusters around: name, postcode area, latitude,
/// longitude, and a weight for how many organizations start there.
struct Town {
    name: &'static str,
    postcode_area: &'static str,
    latitude: f64,
    longitude: f64,
    weight: u32,
}

const fn town(
    name: &'static str,
    postcode_area: &'static str,
    latitude: f64,
    longitude: f64,
    weight: u32,
) -> Town {
    Town {
        name,
        postcode_area,
        latitude,
        longitude,
        weight,
    }
}

/// Towns across Great Britain, weighted roughly by population.
const TOWNS: &[Town] = &[
    town("London", "SE", 51.5074, -0.1278, 30),
    town("Birmingham", "B", 52.4862, -1.8904, 10),
    town("Manchester", "M", 53.4808, -2.2426, 10),
    town("Leeds", "LS", 53.8008, -1.5491, 8),
    town("Glasgow", "G", 55.8642, -4.2518, 8),
    town("Liverpool", "L", 53.4084, -2.9916, 6),
    town("Sheffield", "S", 53.3811, -1.4701, 6),
    town("Bristol", "BS", 51.4545, -2.5879, 6),
    town("Edinburgh", "EH", 55.9533, -3.1883, 6),
    town("Cardiff", "CF", 51.4816, -3.1791, 5),
    town("Newcastle upon Tyne", "NE", 54.9783, -1.6178, 5),
    town("Nottingham", "NG", 52.9548, -1.1581, 5),
    town("Leicester", "LE", 52.6369, -1.1398, 4),
    town("Southampton", "SO", 50.9097, -1.4044, 4),
    town("Brighton", "BN", 50.8225, -0.1372, 4),
    town("Portsmouth", "PO", 50.8198, -1.0880, 3),
    town("Plymouth", "PL", 50.3755, -4.1427, 3),
    town("Oxford", "OX", 51.7520, -1.2577, 3),
    town("Cambridge", "CB", 52.2053, 0.1218, 3),
    town("Norwich", "NR", 52.6309, 1.2974, 3),
    town("Kingston upon Hull", "HU", 53.7676, -0.3274, 3),
    town("Stoke-on-Trent", "ST", 53.0027, -2.1794, 3),
    town("Derby", "DE", 52.9225, -1.4746, 3),
    town("Coventry", "CV", 52.4068, -1.5197, 3),
    town("Reading", "RG", 51.4543, -0.9781, 3),
    town("Milton Keynes", "MK", 52.0406, -0.7594, 3),
    town("Bournemouth", "BH", 50.7192, -1.8808, 3),
    town("Exeter", "EX", 50.7184, -3.5339, 2),
    town("Bath", "BA", 51.3811, -2.3590, 2),
    town("Ipswich", "IP", 52.0567, 1.1482, 2),
    town("York", "YO", 53.9600, -1.0873, 2),
    town("Middlesbrough", "TS", 54.5742, -1.2350, 2),
    town("Preston", "PR", 53.7632, -2.7031, 2),
    town("Gloucester", "GL", 51.8642, -2.2382, 2),
    town("Swindon", "SN", 51.5558, -1.7797, 2),
    town("Northampton", "NN", 52.2405, -0.9027, 2),
    town("Peterborough", "PE", 52.5695, -0.2405, 2),
    town("Aberdeen", "AB", 57.1497, -2.0943, 2),
    town("Dundee", "DD", 56.4620, -2.9707, 2),
    town("Swansea", "SA", 51.6214, -3.9436, 2),
    town("Newport", "NP", 51.5842, -2.9977, 2),
    town("Canterbury", "CT", 51.2802, 1.0789, 2),
    town("Maidstone", "ME", 51.2704, 0.5227, 2),
    town("Chelmsford", "CM", 51.7356, 0.4685, 2),
    town("Colchester", "CO", 51.8959, 0.8919, 2),
    town("Luton", "LU", 51.8787, -0.4200, 2),
    town("Guildford", "GU", 51.2362, -0.5704, 2),
    town("Carlisle", "CA", 54.8925, -2.9329, 1),
    town("Kendal", "LA", 54.3280, -2.7463, 1),
    town("Lincoln", "LN", 53.2307, -0.5406, 1),
    town("Worcester", "WR", 52.1920, -2.2200, 1),
    town("Hereford", "HR", 52.0567, -2.7160, 1),
    town("Shrewsbury", "SY", 52.7073, -2.7553, 1),
    town("Wrexham", "LL", 53.0466, -2.9925, 1),
    town("Bangor", "LL", 53.2274, -4.1293, 1),
    town("Aberystwyth", "SY", 52.4153, -4.0829, 1),
    town("Taunton", "TA", 51.0151, -3.1031, 1),
    town("Truro", "TR", 50.2632, -5.0510, 1),
    town("Inverness", "IV", 57.4778, -4.2247, 1),
    town("Perth", "PH", 56.3950, -3.4308, 1),
    town("Stirling", "FK", 56.1165, -3.9369, 1),
    town("Dumfries", "DG", 55.0709, -3.6051, 1),
];

#[rustfmt::skip]
const NAME_WORDS: &[&str] = &[
    "Willow", "Bramble", "Meadow", "Riverside", "Oakfield", "Ashgrove", "Hazel", "Heather",
    "Harbour", "Castle", "Abbey", "Parkside", "Priory", "Millbrook", "Bridgend", "Valley",
    "Hillcrest", "Orchard", "Beacon", "Moorland", "Foxglove", "Kingfisher", "Larch", "Rowan",
    "Thistle", "Clover", "Burrow", "Warren", "Hollybank", "Elmtree", "Sandpiper", "Northgate",
    "Southgate", "Westfield", "Eastbrook", "Greenway", "Stonebridge", "Fernhill", "Marsh", "Linden",
];

#[rustfmt::skip]
const STREETS: &[&str] = &[
    "High Street", "Station Road", "Church Lane", "Mill Road", "Victoria Road", "Park Avenue",
    "London Road", "Queen Street", "Green Lane", "Manor Road", "School Lane", "The Parade",
    "North Street", "Bridge Street", "Market Place", "Castle Street", "Chapel Road",
];

const SMALL_MAMMALS: &[&str] = &[
    "small_mammal/chinchilla",
    "small_mammal/degu",
    "small_mammal/ferret",
    "small_mammal/gerbil",
    "small_mammal/guinea_pig",
    "small_mammal/hamster",
    "small_mammal/mouse",
    "small_mammal/rabbit",
    "small_mammal/rat",
];

const WILDLIFE: &[&str] = &[
    "wildlife/bat",
    "wildlife/bird",
    "wildlife/carnivore",
    "wildlife/deer",
    "wildlife/hedgehog",
    "wildlife/raptor",
    "wildlife/small_mammal",
];

/// Capabilities a clinic has, with how likely it is to have each.
const CLINIC_CAPABILITIES: &[(&str, f64)] = &[
    ("radiography", 0.8),
    ("inhalant_anaesthesia", 0.8),
    ("fluid_therapy", 0.7),
    ("blood_analysis", 0.5),
    ("exotic_anaesthesia", 0.3),
    ("oxygen_therapy", 0.3),
    ("oxygen_cage", 0.2),
    ("dentistry", 0.3),
    ("ultrasound", 0.3),
    ("telemedicine", 0.15),
    ("exotic_surgery", 0.15),
    ("endoscopy", 0.05),
];

const HOSPITAL_CAPABILITIES: &[(&str, f64)] = &[
    ("radiography", 1.0),
    ("inhalant_anaesthesia", 1.0),
    ("fluid_therapy", 1.0),
    ("oxygen_therapy", 0.95),
    ("oxygen_cage", 0.85),
    ("intensive_care", 0.9),
    ("blood_analysis", 0.9),
    ("exotic_anaesthesia", 0.6),
    ("ultrasound", 0.7),
    ("isolation_ward", 0.5),
    ("exotic_surgery", 0.4),
    ("ct", 0.3),
];

const SPECIALIST_CAPABILITIES: &[(&str, f64)] = &[
    ("ct", 0.7),
    ("endoscopy", 0.8),
    ("ultrasound", 0.9),
    ("radiography", 1.0),
    ("exotic_anaesthesia", 0.9),
    ("exotic_surgery", 0.8),
    ("dentistry", 0.5),
    ("intensive_care", 0.5),
    ("oxygen_cage", 0.6),
    ("oxygen_therapy", 0.7),
    ("telemedicine", 0.4),
];

const CLINIC_HOURS: &[&str] = &[
    "Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off",
    "Mo-Fr 08:30-18:30; Sa 09:00-12:00; PH off",
    "Mo-Fr 08:00-18:00; PH off",
    "Mo-Fr 09:00-17:30; Sa 09:00-12:30; Su,PH off; Dec 24-Dec 26 off",
    "Mo,We,Fr 09:00-18:00; Tu,Th 09:00-13:00; PH off",
    "Mo-Fr 08:00-20:00; Sa 09:00-16:00; PH off",
    "Mo-Fr 08:00-22:00; Sa,Su 09:00-18:00; Dec 25 off",
];

const EMERGENCY_HOURS: &[&str] = &[
    "24/7",
    "24/7",
    "24/7",
    "Mo-Fr 00:00-08:00,18:00-24:00; Sa 00:00-08:00,12:00-24:00; Su,PH 00:00-24:00",
];

const RESCUE_HOURS: &[&str] = &[
    "Mo-Su 10:00-16:00 unknown \"by appointment\"",
    "Sa,Su 11:00-15:00; Mo-Fr unknown \"by appointment\"",
    "Tu-Su 10:00-16:00; Dec 25 off",
    "We-Su 11:00-16:00 unknown \"visits by appointment\"",
];

const WILDLIFE_HOURS: &[&str] = &[
    "Mo-Su 08:00-20:00",
    "Mo-Su 09:00-18:00; Dec 25 10:00-14:00",
    "Mo-Su 07:00-21:00",
];

/// One organization to create and where its sites go.
struct PlannedOrganization {
    name: String,
    kind: OrganizationKind,
    home: usize,
    sites: usize,
}

fn pick_weighted(rng: &mut StdRng) -> usize {
    let total: u32 = TOWNS.iter().map(|town| town.weight).sum();
    let mut roll = rng.random_range(0..total);
    for (index, town) in TOWNS.iter().enumerate() {
        if roll < town.weight {
            return index;
        }
        roll -= town.weight;
    }
    0
}

fn pick_kind(rng: &mut StdRng) -> OrganizationKind {
    match rng.random_range(0..100) {
        0..60 => OrganizationKind::Clinic,
        60..66 => OrganizationKind::EmergencyHospital,
        66..71 => OrganizationKind::SpecialistCentre,
        71..82 => OrganizationKind::Rescue,
        82..87 => OrganizationKind::Shelter,
        87..95 => OrganizationKind::WildlifeRehabilitator,
        95..97 => OrganizationKind::University,
        _ => OrganizationKind::Hotline,
    }
}

fn kind_words(kind: OrganizationKind) -> &'static str {
    match kind {
        OrganizationKind::Clinic => "Vets",
        OrganizationKind::EmergencyHospital => "Emergency Vets",
        OrganizationKind::SpecialistCentre => "Exotic Referrals",
        OrganizationKind::Rescue => "Small Animal Rescue",
        OrganizationKind::Shelter => "Animal Shelter",
        OrganizationKind::WildlifeRehabilitator => "Wildlife Hospital",
        OrganizationKind::University => "University Vet School",
        OrganizationKind::Hotline => "Pet Advice Line",
    }
}

fn plan(rng: &mut StdRng, site_total: usize) -> Vec<PlannedOrganization> {
    let mut planned = Vec::new();
    let mut names = HashSet::new();
    let mut remaining = site_total;
    while remaining > 0 {
        let kind = pick_kind(rng);
        let home = pick_weighted(rng);
        // Ten sites per organization on average: chains of clinics are larger.
        let sites = match kind {
            OrganizationKind::Clinic => rng.random_range(1..=26),
            OrganizationKind::EmergencyHospital => rng.random_range(1..=8),
            _ => rng.random_range(1..=4),
        }
        .min(remaining);
        let base = format!(
            "{} {} {}",
            NAME_WORDS.choose(rng).copied().unwrap_or("Warren"),
            kind_words(kind),
            TOWNS[home].name
        );
        let mut name = base.clone();
        let mut number = 2;
        while !names.insert(name.clone()) {
            name = format!("{base} {number}");
            number += 1;
        }
        planned.push(PlannedOrganization {
            name,
            kind,
            home,
            sites,
        });
        remaining -= sites;
    }
    planned
}

fn some_of(rng: &mut StdRng, choices: &[(&str, f64)]) -> Vec<String> {
    let mut codes: Vec<String> = choices
        .iter()
        .filter(|(_, chance)| rng.random_bool(*chance))
        .map(|(code, _)| (*code).to_owned())
        .collect();
    codes.sort();
    codes
}

fn few_of(rng: &mut StdRng, codes: &[&str], least: usize) -> Vec<String> {
    let count = rng.random_range(least..=codes.len());
    let mut chosen: Vec<String> = codes
        .choose_multiple(rng, count)
        .map(|code| (*code).to_owned())
        .collect();
    chosen.sort();
    chosen
}

fn phone(rng: &mut StdRng) -> String {
    // Ofcom's range for drama: never a real line.
    format!("01632 960{:03}", rng.random_range(0..1000))
}

/// A site's listing; `cover` is a 24/7 site near it, when there is one.
fn listing(
    rng: &mut StdRng,
    organization: &PlannedOrganization,
    index: usize,
    cover: Option<&String>,
) -> SiteFields {
    // Most of a chain's sites are near its home town; some are further afield.
    let town_index = if index > 0 && rng.random_bool(0.3) {
        pick_weighted(rng)
    } else {
        organization.home
    };
    let town = &TOWNS[town_index];
    let spread = if town.name == "London" { 0.25 } else { 0.12 };
    let jitter = |rng: &mut StdRng| (rng.random::<f64>() + rng.random::<f64>() - 1.0) * spread;
    let latitude = town.latitude + jitter(rng);
    let longitude = town.longitude + jitter(rng) * 1.6;
    let mut fields = SiteFields {
        name: format!("{}, {} {}", organization.name, town.name, index + 1),
        address: format!(
            "{} {}",
            rng.random_range(1..=240),
            STREETS.choose(rng).copied().unwrap_or("High Street")
        ),
        town: town.name.to_owned(),
        postcode: format!(
            "{}{} {}{}{}",
            town.postcode_area,
            rng.random_range(1..=30),
            rng.random_range(1..=9),
            char::from(b'A' + rng.random_range(0..26)),
            char::from(b'A' + rng.random_range(0..26)),
        ),
        country: "GB".to_owned(),
        timezone: "Europe/London".to_owned(),
        latitude,
        longitude,
        public_phone: Some(phone(rng)),
        private_phone: rng.random_bool(0.4).then(|| phone(rng)),
        ..SiteFields::default()
    };
    let pick = |rng: &mut StdRng, hours: &[&str]| hours.choose(rng).map(|text| (*text).to_owned());
    match organization.kind {
        OrganizationKind::Clinic => {
            fields.opening_hours = pick(rng, CLINIC_HOURS);
            fields.capabilities = some_of(rng, CLINIC_CAPABILITIES);
            fields.species = if rng.random_bool(0.5) {
                vec!["small_mammal".to_owned()]
            } else {
                few_of(rng, SMALL_MAMMALS, 3)
            };
            fields.no_wildlife = rng.random_bool(0.9);
            match rng.random_range(0..100) {
                0..70 => fields.cover_site_id = cover.cloned(),
                70..85 => {
                    fields.cover_name = Some(format!("{} on-call vet", organization.name));
                    fields.cover_phone = Some(phone(rng));
                }
                _ => {}
            }
        }
        OrganizationKind::EmergencyHospital => {
            fields.opening_hours = pick(rng, EMERGENCY_HOURS);
            fields.capabilities = some_of(rng, HOSPITAL_CAPABILITIES);
            fields.species = vec!["small_mammal".to_owned(), "wildlife".to_owned()];
            fields.deposit_required = rng.random_bool(0.7);
        }
        OrganizationKind::SpecialistCentre | OrganizationKind::University => {
            fields.opening_hours = pick(rng, &CLINIC_HOURS[..3]);
            fields.capabilities = some_of(rng, SPECIALIST_CAPABILITIES);
            fields.species = vec!["small_mammal".to_owned()];
            fields.referral_only = true;
            fields.deposit_required = rng.random_bool(0.5);
            if rng.random_bool(0.5) {
                fields.cover_name = Some(format!("{} duty clinician", organization.name));
                fields.cover_phone = Some(phone(rng));
            }
        }
        OrganizationKind::Rescue | OrganizationKind::Shelter => {
            fields.opening_hours = pick(rng, RESCUE_HOURS);
            fields.capabilities = if rng.random_bool(0.5) {
                vec!["quarantine".to_owned()]
            } else {
                Vec::new()
            };
            fields.species = few_of(rng, SMALL_MAMMALS, 1);
            fields.no_wildlife = true;
            fields.limitation_notes = rng
                .random_bool(0.3)
                .then(|| "Owner surrenders by appointment only.".to_owned());
        }
        OrganizationKind::WildlifeRehabilitator => {
            fields.opening_hours = pick(rng, WILDLIFE_HOURS);
            fields.capabilities = if rng.random_bool(0.4) {
                vec![
                    "release_aviaries".to_owned(),
                    "wildlife_rehabilitation".to_owned(),
                ]
            } else {
                vec!["wildlife_rehabilitation".to_owned()]
            };
            fields.species = few_of(rng, WILDLIFE, 1);
            fields.max_weight_grams = rng.random_bool(0.2).then_some(15_000);
            if rng.random_bool(0.6) {
                fields.cover_name = Some(format!("{} emergency line", organization.name));
                fields.cover_phone = Some(format!("07700 900{:03}", rng.random_range(0..1000)));
            }
        }
        OrganizationKind::Hotline => {
            fields.opening_hours = Some(if rng.random_bool(0.5) {
                "24/7".to_owned()
            } else {
                "Mo-Fr 00:00-08:00,18:00-24:00; Sa 00:00-08:00,12:00-24:00; Su,PH 00:00-24:00"
                    .to_owned()
            });
            fields.capabilities = vec!["telemedicine".to_owned()];
            fields.species = vec!["small_mammal".to_owned()];
        }
    }
    // A few listings publish no hours at all.
    if rng.random_bool(0.03) {
        fields.opening_hours = None;
    }
    fields
}

/// Seeds an empty database with the benchmark network.
pub fn seed(store: &Store, options: SeedOptions) -> Result<Seeded, SeedError> {
    let started = Instant::now();
    if store.read(organizations::any)? {
        return Err(SeedError::AlreadyPopulated);
    }
    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut planned = plan(&mut rng, options.sites);
    // Hospitals first, so every clinic can name a 24/7 site near it as cover.
    planned.sort_by_key(|organization| organization.kind != OrganizationKind::EmergencyHospital);
    let actor = Actor::system("benchmark seed");
    let now = Utc::now();
    let mut organization_ids = Vec::with_capacity(planned.len());
    store.write(|connection| {
        for organization in &planned {
            let created = organizations::insert(
                connection,
                &NewOrganization {
                    name: &organization.name,
                    kind: organization.kind,
                    membership: MembershipStatus::Vetted,
                    website: None,
                    description: Some("Synthetic organization of the search benchmark."),
                },
            )?;
            organization_ids.push(created.id.to_string());
        }
        Ok::<_, StoreError>(())
    })?;
    let mut jobs: Vec<(usize, usize)> = planned
        .iter()
        .enumerate()
        .flat_map(|(organization, plan)| (0..plan.sites).map(move |index| (organization, index)))
        .collect();
    // Hospital sites stay first; the rest go in a random order, as a real
    // directory grows.
    let hospitals = jobs
        .iter()
        .take_while(|(organization, _)| {
            planned[*organization].kind == OrganizationKind::EmergencyHospital
        })
        .count();
    jobs[hospitals..].shuffle(&mut rng);
    let mut cover_by_town: HashMap<&'static str, Vec<String>> = HashMap::new();
    let mut inserted = 0;
    for batch in jobs.chunks(options.batch.max(1)) {
        store.write(|connection| {
            for &(organization_index, index) in batch {
                let organization = &planned[organization_index];
                let town = TOWNS[organization.home].name;
                let cover = cover_by_town
                    .get(town)
                    .and_then(|covers| covers.choose(&mut rng));
                let fields = listing(&mut rng, organization, index, cover);
                let id = sites::insert(
                    connection,
                    &organization_ids[organization_index],
                    &fields,
                    &actor,
                )?;
                if organization.kind == OrganizationKind::EmergencyHospital
                    && fields.opening_hours.as_deref() == Some("24/7")
                {
                    cover_by_town.entry(town).or_default().push(id.clone());
                }
                match rng.random_range(0..100) {
                    0..30 => {
                        let level = *["normal", "normal", "normal", "full", "closed"]
                            .choose(&mut rng)
                            .unwrap_or(&"normal");
                        let expires = now + Duration::minutes(rng.random_range(30..=72 * 60));
                        sites::set_capacity(connection, &id, level, expires, &actor)?;
                    }
                    30..45 => {
                        let expires = now - Duration::minutes(rng.random_range(5..=7 * 24 * 60));
                        sites::set_capacity(connection, &id, "normal", expires, &actor)?;
                    }
                    _ => {}
                }
                if rng.random_bool(0.7) {
                    let at = now - Duration::days(rng.random_range(0..=300));
                    sites::assure(
                        connection,
                        &id,
                        at,
                        at + Duration::days(AUDIT_INTERVAL_DAYS),
                        &actor,
                    )?;
                }
                inserted += 1;
            }
            Ok::<_, StoreError>(())
        })?;
    }
    let sites_elapsed = started.elapsed();
    let mut referrer = referrer(store, &organization_ids, options)?;
    let members = history::Members::read(store)?;
    let referrals_started = Instant::now();
    referrer.open_referrals = history::referrals(
        store,
        &members,
        options.referrals,
        OPEN_FOR_RECEIVER,
        &referrer.receiver_organization_id,
        options.seed,
    )?;
    let referrals_elapsed = referrals_started.elapsed();
    let items_started = Instant::now();
    history::kit(store, &members, options.items, options.seed)?;
    store.read(warren_store::bulk::settle)?;
    let items_elapsed = items_started.elapsed();
    Ok(Seeded {
        organizations: planned.len(),
        sites: inserted,
        sites_elapsed,
        referrals_elapsed,
        items_elapsed,
        elapsed: started.elapsed(),
        referrer,
    })
}

/// Open referrals seeded for the benchmark's receiver, which receives and
/// accepts them.
const OPEN_FOR_RECEIVER: usize = 20_000;

/// What the benchmark needs: an organization that refers, its API key, and
/// sites of other organizations to refer to; an organization that receives,
/// its key and its open referrals; a network admin's sign-in.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct BenchReferrer {
    /// The referring organization.
    pub organization_id: String,
    /// An API key of it with the `read` and `write` scopes.
    pub api_key: String,
    /// Sites of other organizations.
    pub receivers: Vec<String>,
    /// Oxygen concentrators of another organization, lent without approval
    /// (the reservation contention run).
    pub kit_items: Vec<String>,
    /// The organization that receives the open referrals.
    pub receiver_organization_id: String,
    /// An API key of it with the `read` and `write` scopes.
    pub receiver_api_key: String,
    /// Referrals sent to it and not yet opened, each in a case of its own.
    pub open_referrals: Vec<String>,
    /// A network admin's e-mail address.
    pub admin_email: String,
    /// Their password.
    pub admin_password: String,
}

/// Gives `organization_id` an API key with the `read` and `write` scopes.
fn new_api_key(store: &Store, organization_id: &str, label: &str) -> Result<String, SeedError> {
    let api_key = new_secret("wrk");
    store.write(|connection| {
        warren_store::accounts::insert_api_key(
            connection,
            organization_id,
            label,
            &api_key.chars().take(12).collect::<String>(),
            &digest(&api_key),
            &[
                warren_domain::ApiScope::Read,
                warren_domain::ApiScope::Write,
            ],
            None,
        )?;
        Ok::<_, StoreError>(())
    })?;
    Ok(api_key)
}

/// Gives the first organization an API key and picks receiving sites.
fn referrer(
    store: &Store,
    organization_ids: &[String],
    options: SeedOptions,
) -> Result<BenchReferrer, SeedError> {
    let Some(organization_id) = organization_ids.first().cloned() else {
        return Err(SeedError::TooSmall("nothing was seeded"));
    };
    let mut rng = StdRng::seed_from_u64(options.seed ^ 0x5eed);
    let api_key = new_api_key(store, &organization_id, "Referral benchmark")?;
    let mut receivers: Vec<String> = store
        .read(sites::list_all_ids)?
        .into_iter()
        .filter(|(_, organization)| *organization != organization_id)
        .map(|(site, _)| site)
        .collect();
    let lender = organization_ids
        .get(1)
        .ok_or(SeedError::TooSmall("the benchmark needs two organizations"))?;
    let kit_items = kit(store, lender)?;
    receivers.shuffle(&mut rng);
    receivers.truncate(500);
    desks(store, &receivers)?;
    let receiver_organization_id = organization_ids.get(2).cloned().ok_or(SeedError::TooSmall(
        "the benchmark needs three organizations",
    ))?;
    let receiver_api_key = new_api_key(store, &receiver_organization_id, "Receiver benchmark")?;
    let admin_email = "bench-admin@example.org".to_owned();
    let admin_password = new_secret("pw");
    network_admin(store, &admin_email, &admin_password)?;
    Ok(BenchReferrer {
        organization_id,
        api_key,
        receivers,
        kit_items,
        receiver_organization_id,
        receiver_api_key,
        open_referrals: Vec::new(),
        admin_email,
        admin_password,
    })
}

/// Gives the organization of each receiving site an admin who reads its
/// alerts — a confirmed address, new referrals in the inbox only (they are
/// on the board), urgent ones by e-mail as always — so that referrals raise
/// alerts and urgent ones send e-mail, as in a staffed network.
/// Creates the benchmark's network admin, as `warren admin create` would:
/// in the network coordination office, with `password`.
fn network_admin(store: &Store, email: &str, password: &str) -> Result<(), SeedError> {
    let invalid = |error: TextError| SeedError::Data(error.to_string());
    let email = Email::parse(email).map_err(invalid)?;
    let name = PersonName::parse("Benchmark Admin").map_err(invalid)?;
    let password = Password::parse(password).map_err(invalid)?;
    let organization = OrgName::parse("Network coordination office").map_err(invalid)?;
    let hash = hash_password(password.as_str())?;
    store.write(|connection| {
        warren_store::accounts::create_network_admin(
            connection,
            &email,
            &name,
            &hash,
            &organization,
        )
    })?;
    Ok(())
}

fn desks(store: &Store, receivers: &[String]) -> Result<(), SeedError> {
    let hash = hash_password(&new_secret("pw"))?;
    store.write(|connection| {
        let all = sites::list_all_ids(connection)?;
        let mut organizations: Vec<&String> = all
            .iter()
            .filter(|(site, _)| receivers.contains(site))
            .map(|(_, organization)| organization)
            .collect();
        organizations.sort();
        organizations.dedup();
        let mut preferences = warren_domain::alerts::AlertPreferences::defaults(
            warren_domain::directory::hours::Timezone::parse("Europe/London")
                .map_err(|error| SeedError::Data(error.to_string()))?,
        );
        preferences.modes.insert(
            warren_domain::alerts::AlertKind::ReferralReceived,
            warren_domain::alerts::DeliveryMode::InboxOnly,
        );
        for (number, organization) in organizations.into_iter().enumerate() {
            let email = format!("desk-{number}@bench.example.org");
            let user = warren_store::accounts::insert_user(
                connection,
                &email,
                &format!("Desk {number}"),
                &hash,
            )?;
            warren_store::accounts::add_membership(
                connection,
                &user.id,
                organization,
                warren_domain::Role::OrgAdmin,
            )?;
            warren_store::accounts::confirm_email(connection, &user.id, warren_store::now())?;
            warren_store::alerts::save_preferences(connection, &user.id, &preferences, 0)?;
        }
        Ok::<_, SeedError>(())
    })
}

/// Ten oxygen concentrators of `lender`, approved automatically.
fn kit(store: &Store, lender: &str) -> Result<Vec<String>, SeedError> {
    store.write(|connection| {
        let home = sites::list_all_ids(connection)?
            .into_iter()
            .find(|(_, organization)| organization == lender)
            .map(|(site, _)| site)
            .ok_or(SeedError::TooSmall("the lender has no site"))?;
        let at = warren_store::now();
        let suitability = serde_json::to_string(&Suitability {
            species: vec![
                TermCode::parse("small_mammal")
                    .map_err(|error| SeedError::Data(format!("the small mammal group: {error}")))?,
            ],
            ..Suitability::default()
        })
        .map_err(|error| SeedError::Data(error.to_string()))?;
        let mut ids = Vec::new();
        for number in 1..=10 {
            let row = warren_store::lending::ItemRow {
                id: warren_store::new_id(),
                owner_org_id: lender.to_owned(),
                home_site_id: home.clone(),
                category: ItemCategory::OxygenConcentrator.as_str().to_owned(),
                name: format!("Oxygen concentrator {number}"),
                description: None,
                suitability: suitability.clone(),
                condition: Condition::Good.as_str().to_owned(),
                status: ItemStatus::Available.as_str().to_owned(),
                terms_text: "Return cleaned within the loan window.".to_owned(),
                terms_version: 1,
                max_loan_days: 7,
                auto_approve: true,
                last_returned_at: None,
                created_at: at,
                updated_at: at,
                version: 1,
            };
            warren_store::lending::insert_item(connection, &row)?;
            ids.push(row.id);
        }
        Ok(ids)
    })
}

#[cfg(test)]
mod tests {
    use warren_domain::directory::hours::OpeningHoursText;
    use warren_domain::directory::taxonomy::{SEED_TERMS, Taxonomy};

    use super::*;

    #[test]
    fn every_benchmark_listing_uses_valid_hours_and_seeded_terms() {
        let mut rng = StdRng::seed_from_u64(7);
        let planned = plan(&mut rng, 2_000);
        assert_eq!(planned.iter().map(|o| o.sites).sum::<usize>(), 2_000);
        let cover = "0190aaaa-0000-7000-8000-000000000000".to_owned();
        for organization in &planned {
            for index in 0..organization.sites {
                let fields = listing(&mut rng, organization, index, Some(&cover));
                if let Some(hours) = &fields.opening_hours {
                    assert!(OpeningHoursText::parse(hours.as_str()).is_ok(), "{hours}");
                }
                for (taxonomy, codes) in [
                    (Taxonomy::Capability, &fields.capabilities),
                    (Taxonomy::Species, &fields.species),
                ] {
                    let mut sorted = codes.clone();
                    sorted.sort();
                    assert_eq!(&sorted, codes);
                    for code in codes {
                        assert!(
                            SEED_TERMS
                                .iter()
                                .any(|term| term.taxonomy == taxonomy && term.code == code),
                            "{code}"
                        );
                    }
                }
                for phone in [&fields.public_phone, &fields.cover_phone]
                    .into_iter()
                    .flatten()
                {
                    assert!(
                        warren_domain::Phone::parse(phone.as_str()).is_ok(),
                        "{phone}"
                    );
                }
            }
        }
    }

    #[test]
    fn about_ten_sites_per_organization() {
        let mut rng = StdRng::seed_from_u64(2026);
        let planned = plan(&mut rng, 20_000);
        assert!(
            (1_500..=2_600).contains(&planned.len()),
            "{}",
            planned.len()
        );
    }
}

//! Demo data for `warren serve --demo`: the Severn Vale care network.
//!
//! A fictional but believable regional network of clinics, emergency hospitals, specialist
//! centres, rescues, shelters, wildlife rehabilitators, universities and hotlines across
//! Bristol, Bath, North Somerset, South Gloucestershire, Mendip, the Somerset Levels and west
//! Wiltshire. Every name, street address, phone number and e-mail address is invented
//! (Bristol numbers use Ofcom's `0117 496 0xxx` drama range and mobiles its `07700 900xxx`
//! range; other areas use a matching `960xxx` pattern); town coordinates are real so that
//! distance search behaves as it would in the field.
//!
//! Each site carries a full directory listing: opening hours in OpenStreetMap
//! `opening_hours` syntax, after-hours cover (another site, named here and resolved to its id
//! when loading, or an on-call service), capabilities and species from the seeded vocabulary,
//! limitations, contacts, a capacity declared relative to the time of loading and the date
//! the coordinator last assured the listing. [`SITE`] holds the defaults every site starts
//! from.

/// A demo organization with its sites and staff.
pub struct DemoOrg {
    /// Display name of the organization.
    pub name: &'static str,
    /// snake_case kind: clinic | emergency_hospital | specialist_centre | rescue | shelter |
    /// wildlife_rehabilitator | university | hotline
    pub kind: &'static str,
    /// Network membership: applied | vetted | suspended
    pub membership: &'static str,
    /// Public website, if the organization has one.
    pub website: Option<&'static str>,
    /// One or two sentences on species focus, services and hours.
    pub description: &'static str,
    /// The organization's sites (premises).
    pub sites: &'static [DemoSite],
    /// The organization's staff accounts.
    pub staff: &'static [DemoPerson],
}

/// A site (premises) of a demo organization, with its directory listing.
pub struct DemoSite {
    /// Display name of the site, unique in the demo network.
    pub name: &'static str,
    /// Street address, e.g. "14 Mill Lane".
    pub address: &'static str,
    /// Town or village.
    pub town: &'static str,
    /// UK postcode of the right district.
    pub postcode: &'static str,
    /// WGS 84 latitude in decimal degrees.
    pub latitude: f64,
    /// WGS 84 longitude in decimal degrees (negative: west of Greenwich).
    pub longitude: f64,
    /// Main public phone number of the site.
    pub phone: &'static str,
    /// Opening hours in OSM `opening_hours` syntax; `None` when the site publishes none.
    pub hours: Option<&'static str>,
    /// Who takes the site's cases while it is closed.
    pub cover: DemoCover,
    /// Capability codes from the seeded vocabulary.
    pub capabilities: &'static [&'static str],
    /// Species codes (a whole group such as `small_mammal`, or `group/species`).
    pub species: &'static [&'static str],
    /// Service limitations.
    pub limits: DemoLimits,
    /// A number for network members only.
    pub private_phone: Option<&'static str>,
    /// Public e-mail address.
    pub email: Option<&'static str>,
    /// The primary contact for referrals from other members.
    pub referral: Option<DemoContact>,
    /// The capacity the site has declared, relative to the time of loading.
    pub capacity: DemoCapacity,
    /// When a coordinator last assured the listing.
    pub audit: DemoAudit,
}

/// After-hours cover of a demo site.
pub enum DemoCover {
    /// No cover: the site is simply closed.
    None,
    /// Another demo site, by its name.
    Site(&'static str),
    /// An on-call service reachable by phone.
    OnCall {
        /// Who answers.
        name: &'static str,
        /// The number to call.
        phone: &'static str,
    },
}

/// Structured service limitations of a demo site.
pub struct DemoLimits {
    /// Heaviest patient accepted, in grams.
    pub max_weight_grams: Option<i32>,
    /// Takes no wildlife.
    pub no_wildlife: bool,
    /// Takes patients on referral only.
    pub referral_only: bool,
    /// The owner pays a deposit first.
    pub deposit_required: bool,
    /// Anything else worth knowing.
    pub notes: Option<&'static str>,
}

/// A referral contact of a demo site.
pub struct DemoContact {
    /// The contact's name.
    pub name: &'static str,
    /// Their direct line.
    pub phone: &'static str,
    /// Their e-mail address.
    pub email: Option<&'static str>,
}

/// A demo site's capacity declaration.
pub enum DemoCapacity {
    /// Never declared: reads as unknown.
    Undeclared,
    /// Declared `level` (normal | full | closed), lapsing this many hours after loading.
    Current {
        /// normal | full | closed
        level: &'static str,
        /// Hours until it lapses (at most a week).
        hours_left: i64,
    },
    /// Declared `level`, lapsed this many hours before loading: reads as unknown.
    Lapsed {
        /// normal | full | closed
        level: &'static str,
        /// Hours since it lapsed.
        hours_ago: i64,
    },
}

/// A demo site's audit state.
pub enum DemoAudit {
    /// Never assured: in the audit queue from the start.
    Never,
    /// Assured this many days before loading; overdue once that is more than the audit
    /// interval (180 days).
    AssuredDaysAgo(i64),
}

/// A staff account of a demo organization.
pub struct DemoPerson {
    /// Full name.
    pub name: &'static str,
    /// Login e-mail address (unique, lower-case, under `.demo`).
    pub email: &'static str,
    /// org_admin | clinician | staff | volunteer | network_admin
    pub role: &'static str,
}

/// No limitations.
pub const NO_LIMITS: DemoLimits = DemoLimits {
    max_weight_grams: None,
    no_wildlife: false,
    referral_only: false,
    deposit_required: false,
    notes: None,
};

/// The usual limitation of a companion-animal clinic: no wildlife.
pub const NO_WILDLIFE: DemoLimits = DemoLimits {
    no_wildlife: true,
    ..NO_LIMITS
};

/// The defaults of a site's listing; each site names its own identity and overrides the rest.
pub const SITE: DemoSite = DemoSite {
    name: "",
    address: "",
    town: "",
    postcode: "",
    latitude: 0.0,
    longitude: 0.0,
    phone: "",
    hours: None,
    cover: DemoCover::None,
    capabilities: &[],
    species: &[],
    limits: NO_LIMITS,
    private_phone: None,
    email: None,
    referral: None,
    capacity: DemoCapacity::Undeclared,
    audit: DemoAudit::Never,
};

/// The demo network.
pub static ORGANIZATIONS: &[DemoOrg] = &[
    DemoOrg {
        name: "Severn Vale Care Network Office",
        kind: "hotline",
        membership: "vetted",
        website: Some("https://severnvale.example"),
        description: "Coordinating office of the Severn Vale care network: vets new members, keeps the directory true, maintains the shared triage protocol and publishes the quarterly outcomes report. Staffed weekdays 08:30-17:30; not a clinical line.",
        sites: &[DemoSite {
            name: "Network Office, Redcliffe",
            address: "Floor 2, 41 Redcliff Street",
            town: "Bristol",
            postcode: "BS1 6NB",
            latitude: 51.4506,
            longitude: -2.5902,
            phone: "0117 496 0101",
            hours: Some("Mo-Fr 08:30-17:30; PH off"),
            limits: DemoLimits {
                notes: Some(
                    "Coordinating office, not a clinical line: call the nearest open emergency hospital for a sick animal.",
                ),
                ..NO_LIMITS
            },
            email: Some("office@severnvale.example"),
            audit: DemoAudit::AssuredDaysAgo(12),
            ..SITE
        }],
        staff: &[DemoPerson {
            name: "Morgan Hale",
            email: "coordinator@warren.demo",
            role: "network_admin",
        }],
    },
    DemoOrg {
        name: "Harbourside Exotic Vets",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://harbourside.example"),
        description: "Exotic-focused first-opinion practice with inhalant anaesthesia, an oxygen cage and in-house bloods; sees rats, mice, hamsters, gerbils, guinea pigs, chinchillas and degus. Evening surgeries until 20:00 on weekdays and Saturday mornings.",
        sites: &[
            DemoSite {
                name: "Harbourside Exotic Vets, Spike Island",
                address: "27 Cumberland Road",
                town: "Bristol",
                postcode: "BS1 6UX",
                latitude: 51.4468,
                longitude: -2.6046,
                phone: "0117 496 0117",
                hours: Some("Mo-Fr 08:00-20:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Hotwells"),
                capabilities: &[
                    "blood_analysis",
                    "exotic_anaesthesia",
                    "exotic_surgery",
                    "fluid_therapy",
                    "inhalant_anaesthesia",
                    "oxygen_cage",
                    "oxygen_therapy",
                    "radiography",
                ],
                species: &[
                    "small_mammal/chinchilla",
                    "small_mammal/degu",
                    "small_mammal/gerbil",
                    "small_mammal/guinea_pig",
                    "small_mammal/hamster",
                    "small_mammal/mouse",
                    "small_mammal/rat",
                ],
                limits: NO_WILDLIFE,
                private_phone: Some("0117 496 0501"),
                email: Some("hello@harbourside.example"),
                referral: Some(DemoContact {
                    name: "Eleni Papadopoulou",
                    phone: "0117 496 0502",
                    email: Some("referrals@harbourside.example"),
                }),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 6,
                },
                audit: DemoAudit::AssuredDaysAgo(20),
            },
            DemoSite {
                name: "Harbourside Exotic Vets, Southville",
                address: "88 North Street",
                town: "Bristol",
                postcode: "BS3 1HJ",
                latitude: 51.4409,
                longitude: -2.6088,
                phone: "0117 496 0124",
                hours: Some("Mo-Fr 08:30-19:00; Sa 09:00-12:00; PH off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Hotwells"),
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &[
                    "small_mammal/chinchilla",
                    "small_mammal/degu",
                    "small_mammal/gerbil",
                    "small_mammal/guinea_pig",
                    "small_mammal/hamster",
                    "small_mammal/mouse",
                    "small_mammal/rat",
                ],
                limits: NO_WILDLIFE,
                private_phone: Some("0117 496 0503"),
                email: Some("southville@harbourside.example"),
                referral: Some(DemoContact {
                    name: "Tom Okafor",
                    phone: "0117 496 0504",
                    email: Some("referrals@harbourside.example"),
                }),
                capacity: DemoCapacity::Current {
                    level: "full",
                    hours_left: 3,
                },
                audit: DemoAudit::AssuredDaysAgo(45),
            },
        ],
        staff: &[
            DemoPerson {
                name: "Priya Raman",
                email: "admin@harbourside.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Tom Okafor",
                email: "vet@harbourside.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Jess Morley",
                email: "reception@harbourside.demo",
                role: "staff",
            },
            DemoPerson {
                name: "Eleni Papadopoulou",
                email: "eleni.papadopoulou@harbourside.demo",
                role: "clinician",
            },
        ],
    },
    DemoOrg {
        name: "Avon Small Paws Rescue",
        kind: "rescue",
        membership: "vetted",
        website: Some("https://smallpaws.example"),
        description: "Volunteer-run rescue for rats, mice, hamsters and gerbils with a network of trained foster homes across Bristol. Takes owner surrenders by appointment and strays passed on by partner clinics; drivers available for transfers most evenings.",
        sites: &[
            DemoSite {
                name: "Small Paws Rescue Centre, St Werburghs",
                address: "Unit 4, Mina Road Workshops",
                town: "Bristol",
                postcode: "BS2 9YP",
                latitude: 51.4689,
                longitude: -2.5766,
                phone: "0117 496 0138",
                hours: Some("Mo-Su 10:00-16:00 unknown \"by appointment\""),
                capabilities: &["quarantine"],
                species: &[
                    "small_mammal/gerbil",
                    "small_mammal/hamster",
                    "small_mammal/mouse",
                    "small_mammal/rat",
                ],
                limits: DemoLimits {
                    no_wildlife: true,
                    notes: Some(
                        "Owner surrenders by appointment; strays only through a partner clinic.",
                    ),
                    ..NO_LIMITS
                },
                email: Some("hello@smallpaws.example"),
                referral: Some(DemoContact {
                    name: "Hannah Price",
                    phone: "07700 900111",
                    email: None,
                }),
                capacity: DemoCapacity::Current {
                    level: "full",
                    hours_left: 48,
                },
                audit: DemoAudit::AssuredDaysAgo(60),
                ..SITE
            },
            DemoSite {
                name: "Small Paws Foster Hub, Fishponds",
                address: "31 Lodge Causeway",
                town: "Bristol",
                postcode: "BS16 3JN",
                latitude: 51.4794,
                longitude: -2.5312,
                phone: "0117 496 0142",
                hours: Some("Tu,Th 18:00-20:00; Sa 10:00-13:00; PH off"),
                capabilities: &["fluid_therapy"],
                species: &[
                    "small_mammal/gerbil",
                    "small_mammal/hamster",
                    "small_mammal/mouse",
                    "small_mammal/rat",
                ],
                limits: DemoLimits {
                    no_wildlife: true,
                    notes: Some(
                        "Foster hub: hand-over of animals already booked in with the rescue centre.",
                    ),
                    ..NO_LIMITS
                },
                capacity: DemoCapacity::Lapsed {
                    level: "normal",
                    hours_ago: 30,
                },
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Hannah Price",
                email: "hannah.price@smallpaws.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Sam Whitlock",
                email: "volunteer@smallpaws.demo",
                role: "volunteer",
            },
            DemoPerson {
                name: "Charlotte Evans",
                email: "charlotte.evans@smallpaws.demo",
                role: "staff",
            },
            DemoPerson {
                name: "Kwame Mensah",
                email: "kwame.mensah@smallpaws.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Avon Gorge Emergency Vets",
        kind: "emergency_hospital",
        membership: "vetted",
        website: Some("https://avongorge.example"),
        description: "24/7 emergency and critical care hospital with a dedicated exotics ward, oxygen cages, CT and an intensive care unit staffed through the night. Takes network referrals for collapsed, bloated and dyspnoeic small mammals at any hour.",
        sites: &[
            DemoSite {
                name: "Avon Gorge Emergency Vets, Hotwells",
                address: "140 Hotwell Road",
                town: "Bristol",
                postcode: "BS8 4UB",
                latitude: 51.4491,
                longitude: -2.6148,
                phone: "0117 496 0156",
                hours: Some("24/7"),
                capabilities: &[
                    "blood_analysis",
                    "ct",
                    "exotic_anaesthesia",
                    "exotic_surgery",
                    "fluid_therapy",
                    "inhalant_anaesthesia",
                    "intensive_care",
                    "isolation_ward",
                    "oxygen_cage",
                    "oxygen_therapy",
                    "radiography",
                    "ultrasound",
                ],
                species: &["small_mammal", "wildlife"],
                limits: DemoLimits {
                    deposit_required: true,
                    notes: Some(
                        "Wildlife casualties are stabilised and passed to a rehabilitator within 24 hours.",
                    ),
                    ..NO_LIMITS
                },
                private_phone: Some("0117 496 0505"),
                email: Some("er@avongorge.example"),
                referral: Some(DemoContact {
                    name: "Mei Chen",
                    phone: "0117 496 0506",
                    email: Some("referrals@avongorge.example"),
                }),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 4,
                },
                audit: DemoAudit::AssuredDaysAgo(8),
                ..SITE
            },
            DemoSite {
                name: "Avon Gorge Emergency Vets, Filton",
                address: "212 Gloucester Road North",
                town: "Bristol",
                postcode: "BS34 7BQ",
                latitude: 51.5048,
                longitude: -2.5791,
                phone: "0117 496 0163",
                hours: Some("24/7"),
                capabilities: &[
                    "blood_analysis",
                    "exotic_anaesthesia",
                    "fluid_therapy",
                    "inhalant_anaesthesia",
                    "intensive_care",
                    "oxygen_cage",
                    "oxygen_therapy",
                    "radiography",
                    "ultrasound",
                ],
                species: &["small_mammal", "wildlife"],
                limits: DemoLimits {
                    deposit_required: true,
                    ..NO_LIMITS
                },
                private_phone: Some("0117 496 0507"),
                email: Some("filton@avongorge.example"),
                referral: Some(DemoContact {
                    name: "Callum Fraser",
                    phone: "0117 496 0508",
                    email: Some("referrals@avongorge.example"),
                }),
                capacity: DemoCapacity::Current {
                    level: "full",
                    hours_left: 2,
                },
                audit: DemoAudit::AssuredDaysAgo(30),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Nadia Hussain",
                email: "nadia.hussain@avongorge.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Callum Fraser",
                email: "callum.fraser@avongorge.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Mei Chen",
                email: "mei.chen@avongorge.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Joseph Adeyemi",
                email: "joseph.adeyemi@avongorge.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Rosie Barker",
                email: "rosie.barker@avongorge.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Cotham Brow Veterinary Surgery",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://cothambrow.example"),
        description: "Family small-animal practice with a weekly rodent and guinea pig clinic, digital radiography and fluid therapy. Open 08:00-19:00 weekdays; out-of-hours cover by Avon Gorge Emergency Vets.",
        sites: &[DemoSite {
            name: "Cotham Brow Veterinary Surgery",
            address: "19 Cotham Brow",
            town: "Bristol",
            postcode: "BS6 6BN",
            latitude: 51.4681,
            longitude: -2.5897,
            phone: "0117 496 0179",
            hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off"),
            cover: DemoCover::Site("Avon Gorge Emergency Vets, Hotwells"),
            capabilities: &["fluid_therapy", "radiography"],
            species: &[
                "small_mammal/guinea_pig",
                "small_mammal/hamster",
                "small_mammal/mouse",
                "small_mammal/rabbit",
                "small_mammal/rat",
            ],
            limits: NO_WILDLIFE,
            email: Some("reception@cothambrow.example"),
            audit: DemoAudit::AssuredDaysAgo(200),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Fiona McAllister",
                email: "fiona.mcallister@cothambrow.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Rajesh Patel",
                email: "rajesh.patel@cothambrow.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Chloe Dawson",
                email: "chloe.dawson@cothambrow.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Kingsmead Small Animal & Exotics Clinic",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://kingsmeadvets.example"),
        description: "Two-site Bath practice with an exotics-certificate vet, isoflurane anaesthesia, dental burrs for rodent incisors and a heated recovery ward. Chinchilla and degu dental checks every Thursday.",
        sites: &[
            DemoSite {
                name: "Kingsmead Clinic, City Centre",
                address: "6 James Street West",
                town: "Bath",
                postcode: "BA1 2BT",
                latitude: 51.3801,
                longitude: -2.3648,
                phone: "01225 960101",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off; Dec 24 08:00-12:00"),
                cover: DemoCover::Site("Lansdown 24 Veterinary Hospital"),
                capabilities: &[
                    "dentistry",
                    "exotic_anaesthesia",
                    "inhalant_anaesthesia",
                    "radiography",
                ],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                private_phone: Some("01225 960501"),
                email: Some("hello@kingsmead.example"),
                referral: Some(DemoContact {
                    name: "Anjali Sharma",
                    phone: "01225 960502",
                    email: Some("exotics@kingsmead.example"),
                }),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 10,
                },
                audit: DemoAudit::AssuredDaysAgo(15),
            },
            DemoSite {
                name: "Kingsmead Clinic, Larkhall",
                address: "14 St Saviours Road",
                town: "Bath",
                postcode: "BA1 6RT",
                latitude: 51.3953,
                longitude: -2.3447,
                phone: "01225 960117",
                hours: Some("Mo,We,Fr 09:00-18:00; Tu,Th 09:00-13:00; PH off"),
                cover: DemoCover::Site("Lansdown 24 Veterinary Hospital"),
                capabilities: &["dentistry", "inhalant_anaesthesia"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                email: Some("larkhall@kingsmead.example"),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Gareth Llewellyn",
                email: "gareth.llewellyn@kingsmeadvets.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Anjali Sharma",
                email: "anjali.sharma@kingsmeadvets.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Olivia Brennan",
                email: "olivia.brennan@kingsmeadvets.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Daniel Kowalski",
                email: "daniel.kowalski@kingsmeadvets.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Sandbay Rat Rescue",
        kind: "rescue",
        membership: "vetted",
        website: None,
        description: "Small home-based rescue specialising in rats, including elderly, pituitary and respiratory cases that need long-term medication. Adoptions by appointment only; always rehomes in pairs or groups.",
        sites: &[DemoSite {
            name: "Sandbay Rat Rescue",
            address: "3 Beach Road",
            town: "Kewstoke",
            postcode: "BS22 9UZ",
            latitude: 51.3672,
            longitude: -2.9558,
            phone: "01934 960101",
            hours: Some("Mo-Su unknown \"adoptions by appointment\""),
            species: &["small_mammal/rat"],
            limits: DemoLimits {
                no_wildlife: true,
                notes: Some("Rehomes in pairs or groups only; elderly and medicated rats welcome."),
                ..NO_LIMITS
            },
            email: Some("squeak@sandbayrats.example"),
            capacity: DemoCapacity::Current {
                level: "full",
                hours_left: 72,
            },
            audit: DemoAudit::AssuredDaysAgo(90),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Becky Thorne",
                email: "becky.thorne@sandbayrats.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Liam Doherty",
                email: "liam.doherty@sandbayrats.demo",
                role: "volunteer",
            },
            DemoPerson {
                name: "Zainab Malik",
                email: "zainab.malik@sandbayrats.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Birnbeck Veterinary Centre",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://birnbeckvets.example"),
        description: "General practice serving Weston-super-Mare with rabbit and small-mammal nurse clinics, radiography and in-house blood analysis. Worle branch open until 19:00; Saturday surgeries at both sites.",
        sites: &[
            DemoSite {
                name: "Birnbeck Veterinary Centre, Town Centre",
                address: "41 The Boulevard",
                town: "Weston-super-Mare",
                postcode: "BS23 1PG",
                latitude: 51.3494,
                longitude: -2.9752,
                phone: "01934 960117",
                hours: Some("Mo-Fr 08:30-18:30; Sa 09:00-12:00; PH off"),
                cover: DemoCover::Site("Worle Gateway Emergency Vets"),
                capabilities: &["blood_analysis", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                email: Some("hello@birnbeckvets.example"),
                audit: DemoAudit::AssuredDaysAgo(100),
                ..SITE
            },
            DemoSite {
                name: "Birnbeck Veterinary Centre, Worle",
                address: "8 High Street, Worle",
                town: "Weston-super-Mare",
                postcode: "BS22 6EJ",
                latitude: 51.3579,
                longitude: -2.9281,
                phone: "01934 960124",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::Site("Worle Gateway Emergency Vets"),
                capabilities: &["blood_analysis", "fluid_therapy", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                private_phone: Some("01934 960501"),
                email: Some("worle@birnbeckvets.example"),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 5,
                },
                audit: DemoAudit::AssuredDaysAgo(100),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Alan Pritchard",
                email: "alan.pritchard@birnbeckvets.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Sophie Turner",
                email: "sophie.turner@birnbeckvets.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Marek Nowak",
                email: "marek.nowak@birnbeckvets.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Kayleigh Hughes",
                email: "kayleigh.hughes@birnbeckvets.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Brunel Exotic Imaging Centre",
        kind: "specialist_centre",
        membership: "vetted",
        website: Some("https://brunelimaging.example"),
        description: "Referral-only imaging centre with CT, high-frequency ultrasound and rigid endoscopy sized for rodents and small herbivores; scans under short isoflurane anaesthesia with same-day reports. Appointments weekdays, urgent CT slots held each afternoon.",
        sites: &[DemoSite {
            name: "Brunel Exotic Imaging Centre",
            address: "Unit 9, Station Road Business Park",
            town: "Bristol",
            postcode: "BS34 7JW",
            latitude: 51.5079,
            longitude: -2.5683,
            phone: "0117 496 0185",
            hours: Some("Mo-Fr 08:30-17:30; PH off"),
            capabilities: &[
                "ct",
                "endoscopy",
                "exotic_anaesthesia",
                "inhalant_anaesthesia",
                "radiography",
                "telemedicine",
                "ultrasound",
            ],
            species: &["small_mammal"],
            limits: DemoLimits {
                no_wildlife: true,
                referral_only: true,
                notes: Some(
                    "Booked scans only, on referral from the patient's own vet; reports the same day.",
                ),
                ..NO_LIMITS
            },
            private_phone: Some("0117 496 0509"),
            email: Some("bookings@brunelimaging.example"),
            referral: Some(DemoContact {
                name: "Imogen Clarke",
                phone: "0117 496 0510",
                email: Some("bookings@brunelimaging.example"),
            }),
            capacity: DemoCapacity::Current {
                level: "normal",
                hours_left: 24,
            },
            audit: DemoAudit::AssuredDaysAgo(10),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Imogen Clarke",
                email: "imogen.clarke@brunelimaging.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Tariq Rahman",
                email: "tariq.rahman@brunelimaging.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Hollie Webb",
                email: "hollie.webb@brunelimaging.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Stoke Park Wildlife Hospital",
        kind: "wildlife_rehabilitator",
        membership: "vetted",
        website: Some("https://stokeparkwildlife.example"),
        description: "Wildlife casualty hospital for hedgehogs, garden birds, bats, foxes and deer fawns, with an isolation unit, a vet on site mornings and a 24-hour drop-off hatch. Release aviaries and soft-release pens at the Pucklechurch site.",
        sites: &[
            DemoSite {
                name: "Stoke Park Wildlife Hospital",
                address: "Hospital Lodge, Stoke Park Road",
                town: "Bristol",
                postcode: "BS16 1FB",
                latitude: 51.4889,
                longitude: -2.5521,
                phone: "0117 496 0192",
                hours: Some("Mo-Su 08:00-20:00"),
                cover: DemoCover::OnCall {
                    name: "Stoke Park casualty line",
                    phone: "07700 900101",
                },
                capabilities: &[
                    "fluid_therapy",
                    "isolation_ward",
                    "quarantine",
                    "wildlife_rehabilitation",
                ],
                species: &[
                    "wildlife/bat",
                    "wildlife/bird",
                    "wildlife/carnivore",
                    "wildlife/deer",
                    "wildlife/hedgehog",
                    "wildlife/small_mammal",
                ],
                limits: DemoLimits {
                    notes: Some("Wild animals only; the drop-off hatch is open around the clock."),
                    ..NO_LIMITS
                },
                private_phone: Some("0117 496 0511"),
                email: Some("casualties@stokeparkwildlife.example"),
                referral: Some(DemoContact {
                    name: "Ayesha Begum",
                    phone: "0117 496 0512",
                    email: Some("vets@stokeparkwildlife.example"),
                }),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 12,
                },
                audit: DemoAudit::AssuredDaysAgo(25),
            },
            DemoSite {
                name: "Stoke Park Release Aviaries",
                address: "Hollow Farm, Westerleigh Road",
                town: "Pucklechurch",
                postcode: "BS16 9PT",
                latitude: 51.4858,
                longitude: -2.4307,
                phone: "0117 496 0204",
                hours: Some("Mo-Sa 09:00-16:00 unknown \"by appointment\""),
                capabilities: &["release_aviaries", "wildlife_rehabilitation"],
                species: &["wildlife/bird", "wildlife/raptor"],
                limits: DemoLimits {
                    referral_only: true,
                    notes: Some(
                        "Soft-release site: birds arrive only by transfer from the hospital.",
                    ),
                    ..NO_LIMITS
                },
                audit: DemoAudit::AssuredDaysAgo(150),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Martin Greaves",
                email: "martin.greaves@stokeparkwildlife.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Ayesha Begum",
                email: "ayesha.begum@stokeparkwildlife.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Ellie Cartwright",
                email: "ellie.cartwright@stokeparkwildlife.demo",
                role: "staff",
            },
            DemoPerson {
                name: "Dylan Roberts",
                email: "dylan.roberts@stokeparkwildlife.demo",
                role: "volunteer",
            },
            DemoPerson {
                name: "Grace Nwosu",
                email: "grace.nwosu@stokeparkwildlife.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Lansdown 24 Veterinary Hospital",
        kind: "emergency_hospital",
        membership: "vetted",
        website: Some("https://lansdown24.example"),
        description: "Round-the-clock emergency hospital for Bath and north-east Somerset with oxygen therapy, intensive care and an exotic-trained night vet on every shift. Provides after-hours cover for most Bath network clinics.",
        sites: &[DemoSite {
            name: "Lansdown 24 Veterinary Hospital",
            address: "52 Lansdown Road",
            town: "Bath",
            postcode: "BA1 5EJ",
            latitude: 51.3948,
            longitude: -2.3652,
            phone: "01225 960124",
            hours: Some("24/7"),
            capabilities: &[
                "blood_analysis",
                "exotic_anaesthesia",
                "fluid_therapy",
                "inhalant_anaesthesia",
                "intensive_care",
                "oxygen_cage",
                "oxygen_therapy",
                "radiography",
                "ultrasound",
            ],
            species: &["small_mammal", "wildlife"],
            limits: DemoLimits {
                deposit_required: true,
                ..NO_LIMITS
            },
            private_phone: Some("01225 960503"),
            email: Some("emergency@lansdown24.example"),
            referral: Some(DemoContact {
                name: "Helen Ashworth",
                phone: "01225 960504",
                email: Some("referrals@lansdown24.example"),
            }),
            capacity: DemoCapacity::Current {
                level: "normal",
                hours_left: 6,
            },
            audit: DemoAudit::AssuredDaysAgo(5),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Helen Ashworth",
                email: "helen.ashworth@lansdown24.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Ben Carter",
                email: "ben.carter@lansdown24.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Yusuf Ali",
                email: "yusuf.ali@lansdown24.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Niamh Gallagher",
                email: "niamh.gallagher@lansdown24.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Salthouse Fields Veterinary Practice",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://salthousevets.example"),
        description: "Seafront general practice in Clevedon that sees hamsters, gerbils and guinea pigs alongside cats and dogs; radiography and nebulisation for respiratory cases. Open 08:30-18:30 weekdays.",
        sites: &[DemoSite {
            name: "Salthouse Fields Veterinary Practice",
            address: "5 Old Church Road",
            town: "Clevedon",
            postcode: "BS21 7TU",
            latitude: 51.4376,
            longitude: -2.8609,
            phone: "01275 960101",
            hours: Some("Mo-Fr 08:30-18:30; PH off"),
            cover: DemoCover::Site("Worle Gateway Emergency Vets"),
            capabilities: &["oxygen_therapy", "radiography"],
            species: &[
                "small_mammal/gerbil",
                "small_mammal/guinea_pig",
                "small_mammal/hamster",
            ],
            limits: NO_WILDLIFE,
            email: Some("reception@salthousefields.example"),
            capacity: DemoCapacity::Lapsed {
                level: "normal",
                hours_ago: 40,
            },
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Richard Osborne",
                email: "richard.osborne@salthousevets.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Lucy Pearce",
                email: "lucy.pearce@salthousevets.demo",
                role: "clinician",
            },
        ],
    },
    DemoOrg {
        name: "Wheekers' Wharf Guinea Pig Rescue",
        kind: "rescue",
        membership: "vetted",
        website: Some("https://wheekerswharf.example"),
        description: "Guinea pig rescue and bonding service with quarantine sheds, a hospital pen for post-operative fosters and trained volunteers for syringe feeding. Open for adoptions Saturday and Sunday afternoons.",
        sites: &[DemoSite {
            name: "Wheekers' Wharf Guinea Pig Rescue",
            address: "Orchard Barn, Avon Mill Lane",
            town: "Keynsham",
            postcode: "BS31 2UG",
            latitude: 51.4171,
            longitude: -2.4879,
            phone: "0117 496 0216",
            hours: Some("Sa,Su 13:00-17:00; Mo-Fr 10:00-16:00 unknown \"by appointment\""),
            capabilities: &["quarantine"],
            species: &["small_mammal/guinea_pig"],
            limits: DemoLimits {
                no_wildlife: true,
                notes: Some(
                    "Bonding service for single guinea pigs; hospital pen for post-operative fosters.",
                ),
                ..NO_LIMITS
            },
            email: Some("wheek@wheekerswharf.example"),
            capacity: DemoCapacity::Current {
                level: "full",
                hours_left: 96,
            },
            audit: DemoAudit::AssuredDaysAgo(40),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Joanne Harding",
                email: "joanne.harding@wheekerswharf.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Emma Lewis",
                email: "emma.lewis@wheekerswharf.demo",
                role: "volunteer",
            },
            DemoPerson {
                name: "Priyanka Desai",
                email: "priyanka.desai@wheekerswharf.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Hengrove Park Animal Shelter",
        kind: "shelter",
        membership: "vetted",
        website: Some("https://hengroveshelter.example"),
        description: "Large all-species shelter with a dedicated small-animal unit for rabbits, guinea pigs and rodents, an on-site clinic room and isolation block. Adoption centre in Knowle West open Tuesday to Sunday.",
        sites: &[
            DemoSite {
                name: "Hengrove Park Animal Shelter",
                address: "Whitchurch Lane Depot",
                town: "Bristol",
                postcode: "BS14 0JZ",
                latitude: 51.4138,
                longitude: -2.5858,
                phone: "0117 496 0228",
                hours: Some("Mo-Su 09:00-17:00; Dec 25 off"),
                capabilities: &["isolation_ward", "quarantine"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                private_phone: Some("0117 496 0513"),
                email: Some("intake@hengrovepark.example"),
                referral: Some(DemoContact {
                    name: "Laura Jenkins",
                    phone: "0117 496 0514",
                    email: Some("intake@hengrovepark.example"),
                }),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 24,
                },
                audit: DemoAudit::AssuredDaysAgo(60),
                ..SITE
            },
            DemoSite {
                name: "Hengrove Park Adoption Centre, Knowle West",
                address: "67 Filwood Broadway",
                town: "Bristol",
                postcode: "BS4 1JL",
                latitude: 51.4209,
                longitude: -2.5883,
                phone: "0117 496 0231",
                hours: Some("Tu-Su 11:00-16:00; Dec 24-Dec 26 off"),
                species: &["small_mammal"],
                limits: DemoLimits {
                    no_wildlife: true,
                    notes: Some("Adoptions only: no intake at this site."),
                    ..NO_LIMITS
                },
                email: Some("adopt@hengrovepark.example"),
                audit: DemoAudit::AssuredDaysAgo(60),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Stephen Bailey",
                email: "stephen.bailey@hengroveshelter.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Laura Jenkins",
                email: "laura.jenkins@hengroveshelter.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Andrew Sinclair",
                email: "andrew.sinclair@hengroveshelter.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Femi Oladipo",
                email: "femi.oladipo@hengroveshelter.demo",
                role: "staff",
            },
            DemoPerson {
                name: "Katie Moss",
                email: "katie.moss@hengroveshelter.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Marina Lock Vets",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://marinalockvets.example"),
        description: "Independent practice with a strong rodent and rabbit caseload, gaseous anaesthesia and a quiet prey-species ward away from dogs. Telemedicine rechecks for post-operative small mammals.",
        sites: &[DemoSite {
            name: "Marina Lock Vets",
            address: "22 High Street",
            town: "Portishead",
            postcode: "BS20 6EN",
            latitude: 51.4838,
            longitude: -2.7683,
            phone: "01275 960117",
            hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-12:00; PH off"),
            cover: DemoCover::Site("Avon Gorge Emergency Vets, Hotwells"),
            capabilities: &["inhalant_anaesthesia", "radiography", "telemedicine"],
            species: &[
                "small_mammal/guinea_pig",
                "small_mammal/hamster",
                "small_mammal/rabbit",
                "small_mammal/rat",
            ],
            limits: NO_WILDLIFE,
            email: Some("hello@marinalock.example"),
            capacity: DemoCapacity::Current {
                level: "normal",
                hours_left: 8,
            },
            audit: DemoAudit::AssuredDaysAgo(170),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Claire Whitfield",
                email: "claire.whitfield@marinalockvets.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Ollie Grant",
                email: "ollie.grant@marinalockvets.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Shabnam Karimi",
                email: "shabnam.karimi@marinalockvets.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Brambleside Hedgehog Hospital",
        kind: "wildlife_rehabilitator",
        membership: "vetted",
        website: Some("https://bramblesidehogs.example"),
        description: "Hedgehog-only hospital with heated intensive-care boxes, faecal parasite screening and an overwintering unit for underweight autumn juveniles. Casualty admissions 08:00-20:00 every day.",
        sites: &[DemoSite {
            name: "Brambleside Hedgehog Hospital",
            address: "Brambleside Cottage, Netherton Wood Lane",
            town: "Nailsea",
            postcode: "BS48 2LQ",
            latitude: 51.4263,
            longitude: -2.7702,
            phone: "01275 960124",
            hours: Some("Mo-Su 08:00-20:00"),
            cover: DemoCover::OnCall {
                name: "Brambleside night volunteer",
                phone: "07700 900102",
            },
            capabilities: &["fluid_therapy", "intensive_care", "wildlife_rehabilitation"],
            species: &["wildlife/hedgehog"],
            limits: DemoLimits {
                max_weight_grams: Some(2000),
                notes: Some("Hedgehogs only. Autumn juveniles under 450 g are overwintered."),
                ..NO_LIMITS
            },
            email: Some("prickles@brambleside.example"),
            capacity: DemoCapacity::Current {
                level: "full",
                hours_left: 24,
            },
            audit: DemoAudit::AssuredDaysAgo(33),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Pauline Hodges",
                email: "pauline.hodges@bramblesidehogs.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Megan Foster",
                email: "megan.foster@bramblesidehogs.demo",
                role: "volunteer",
            },
            DemoPerson {
                name: "Ravi Chauhan",
                email: "ravi.chauhan@bramblesidehogs.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Memorial Park Veterinary Surgery",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://memorialparkvets.example"),
        description: "Busy town-centre practice that sees guinea pigs, hamsters and rats on booked longer appointments; radiography, ultrasound and fluid therapy in-house. Out-of-hours via Avon Gorge Emergency Vets.",
        sites: &[DemoSite {
            name: "Memorial Park Veterinary Surgery",
            address: "9 Temple Street",
            town: "Keynsham",
            postcode: "BS31 1HA",
            latitude: 51.4126,
            longitude: -2.4991,
            phone: "0117 496 0247",
            hours: Some("Mo-Fr 08:00-18:30; Sa 08:30-12:00; PH off"),
            cover: DemoCover::Site("Avon Gorge Emergency Vets, Hotwells"),
            capabilities: &["fluid_therapy", "radiography", "ultrasound"],
            species: &[
                "small_mammal/guinea_pig",
                "small_mammal/hamster",
                "small_mammal/rat",
            ],
            limits: NO_WILDLIFE,
            email: Some("reception@memorialparkvets.example"),
            audit: DemoAudit::AssuredDaysAgo(400),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "David Moore",
                email: "david.moore@memorialparkvets.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Rebecca Shaw",
                email: "rebecca.shaw@memorialparkvets.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Tomasz Zielinski",
                email: "tomasz.zielinski@memorialparkvets.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Avon Valley Specialist Referrals",
        kind: "specialist_centre",
        membership: "vetted",
        website: Some("https://avonvalleyreferrals.example"),
        description: "Multidisciplinary referral hospital with exotic soft-tissue and orthopaedic surgery, internal medicine and an intensive care unit with oxygen cages. Accepts referrals from network members only, 08:00-18:00 with a surgeon on call overnight.",
        sites: &[
            DemoSite {
                name: "Avon Valley Specialist Referrals",
                address: "Unit 2, Ashton Way Park",
                town: "Keynsham",
                postcode: "BS31 2GS",
                latitude: 51.4198,
                longitude: -2.5018,
                phone: "0117 496 0253",
                hours: Some("Mo-Fr 08:00-20:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::OnCall {
                    name: "Avon Valley on-call surgeon",
                    phone: "07700 900103",
                },
                capabilities: &[
                    "blood_analysis",
                    "ct",
                    "endoscopy",
                    "exotic_anaesthesia",
                    "exotic_surgery",
                    "intensive_care",
                    "oxygen_cage",
                    "oxygen_therapy",
                    "radiography",
                    "ultrasound",
                ],
                species: &["small_mammal"],
                limits: DemoLimits {
                    no_wildlife: true,
                    referral_only: true,
                    deposit_required: true,
                    ..NO_LIMITS
                },
                private_phone: Some("0117 496 0515"),
                email: Some("referrals@avonvalley.example"),
                referral: Some(DemoContact {
                    name: "Hassan Qureshi",
                    phone: "0117 496 0516",
                    email: Some("referrals@avonvalley.example"),
                }),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 12,
                },
                audit: DemoAudit::AssuredDaysAgo(14),
            },
            DemoSite {
                name: "Avon Valley Referrals, Bath Outpatients",
                address: "3 Wells Road",
                town: "Bath",
                postcode: "BA2 3AN",
                latitude: 51.3766,
                longitude: -2.3612,
                phone: "01225 960138",
                hours: Some("Tu,Th 09:00-17:00; PH off"),
                capabilities: &["telemedicine", "ultrasound"],
                species: &["small_mammal"],
                limits: DemoLimits {
                    no_wildlife: true,
                    referral_only: true,
                    ..NO_LIMITS
                },
                email: Some("bath@avonvalley.example"),
                referral: Some(DemoContact {
                    name: "Isla Murray",
                    phone: "01225 960505",
                    email: Some("bath@avonvalley.example"),
                }),
                audit: DemoAudit::AssuredDaysAgo(14),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Philippa Norris",
                email: "philippa.norris@avonvalleyreferrals.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Hassan Qureshi",
                email: "hassan.qureshi@avonvalleyreferrals.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Isla Murray",
                email: "isla.murray@avonvalleyreferrals.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Georgia Reed",
                email: "georgia.reed@avonvalleyreferrals.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Sodbury Vale Veterinary Group",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://sodburyvale.example"),
        description: "Mixed practice with two small-animal surgeries, one exotic-interest vet and a nurse-led hamster and gerbil clinic. Radiography and blood analysis at Yate; both sites open Saturday mornings.",
        sites: &[
            DemoSite {
                name: "Sodbury Vale Vets, Yate",
                address: "17 Station Road",
                town: "Yate",
                postcode: "BS37 4AF",
                latitude: 51.5411,
                longitude: -2.4127,
                phone: "01454 960101",
                hours: Some("Mo-Fr 08:00-19:00; Sa 08:30-12:30; PH off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Filton"),
                capabilities: &["blood_analysis", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                email: Some("yate@sodburyvale.example"),
                audit: DemoAudit::AssuredDaysAgo(80),
                ..SITE
            },
            DemoSite {
                name: "Sodbury Vale Vets, Chipping Sodbury",
                address: "48 Broad Street",
                town: "Chipping Sodbury",
                postcode: "BS37 6AG",
                latitude: 51.5379,
                longitude: -2.3928,
                phone: "01454 960117",
                hours: Some("Mo-Fr 08:30-18:00; Sa 09:00-12:00; PH off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Filton"),
                capabilities: &["inhalant_anaesthesia"],
                species: &[
                    "small_mammal/gerbil",
                    "small_mammal/hamster",
                    "small_mammal/rabbit",
                ],
                limits: NO_WILDLIFE,
                email: Some("sodbury@sodburyvale.example"),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Mark Jefferies",
                email: "mark.jefferies@sodburyvale.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Aoife Kelly",
                email: "aoife.kelly@sodburyvale.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Harpreet Sandhu",
                email: "harpreet.sandhu@sodburyvale.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Jade Collins",
                email: "jade.collins@sodburyvale.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Severn Wildlife Helpline",
        kind: "hotline",
        membership: "vetted",
        website: Some("https://severnwildlife.example"),
        description: "Telephone and messaging helpline for people who find injured, orphaned or trapped wild animals; advises on safe containment and routes casualties to the nearest open rehabilitator. Lines open 07:00-22:00 every day, answerphone overnight.",
        sites: &[DemoSite {
            name: "Severn Wildlife Helpline Call Centre",
            address: "Suite 5, Kennedy Way Offices",
            town: "Yate",
            postcode: "BS37 5PJ",
            latitude: 51.5368,
            longitude: -2.4183,
            phone: "01454 960124",
            hours: Some("Mo-Su 07:00-22:00"),
            capabilities: &["telemedicine"],
            species: &["wildlife"],
            limits: DemoLimits {
                notes: Some(
                    "Advice line: it admits no animals and routes casualties to the nearest open rehabilitator.",
                ),
                ..NO_LIMITS
            },
            email: Some("help@severnwildlife.example"),
            audit: DemoAudit::AssuredDaysAgo(20),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Carol Pembridge",
                email: "carol.pembridge@severnwildlife.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Nathan Brooks",
                email: "nathan.brooks@severnwildlife.demo",
                role: "staff",
            },
            DemoPerson {
                name: "Ruth Adebayo",
                email: "ruth.adebayo@severnwildlife.demo",
                role: "volunteer",
            },
            DemoPerson {
                name: "Finn O'Sullivan",
                email: "finn.osullivan@severnwildlife.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Severnside Small Pets Clinic",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://severnsidepets.example"),
        description: "Exotic-only first-opinion clinic for small mammals: rodent dentistry, inhalant anaesthesia, an oxygen cage and a warm, dog-free waiting room. Open weekdays 09:00-18:00, Saturdays by appointment.",
        sites: &[DemoSite {
            name: "Severnside Small Pets Clinic",
            address: "11 Castle Street",
            town: "Thornbury",
            postcode: "BS35 1HB",
            latitude: 51.6084,
            longitude: -2.5229,
            phone: "01454 960138",
            hours: Some("Mo-Fr 09:00-18:00; Sa 09:00-12:00 unknown \"by appointment\"; PH off"),
            cover: DemoCover::Site("Avon Gorge Emergency Vets, Filton"),
            capabilities: &[
                "dentistry",
                "exotic_anaesthesia",
                "inhalant_anaesthesia",
                "oxygen_cage",
                "oxygen_therapy",
            ],
            species: &["small_mammal"],
            limits: NO_WILDLIFE,
            private_phone: Some("01454 960501"),
            email: Some("hello@severnsidesmallpets.example"),
            referral: Some(DemoContact {
                name: "Amira Haddad",
                phone: "01454 960502",
                email: None,
            }),
            capacity: DemoCapacity::Current {
                level: "normal",
                hours_left: 9,
            },
            audit: DemoAudit::AssuredDaysAgo(35),
        }],
        staff: &[
            DemoPerson {
                name: "Amira Haddad",
                email: "amira.haddad@severnsidepets.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "James Whitaker",
                email: "james.whitaker@severnsidepets.demo",
                role: "clinician",
            },
        ],
    },
    DemoOrg {
        name: "Oldbury Fox & Badger Rescue",
        kind: "wildlife_rehabilitator",
        membership: "vetted",
        website: Some("https://oldburyfoxbadger.example"),
        description: "Rescue and rehabilitation of foxes and badgers, from mange treatment to road-traffic casualties, with secure outdoor pens and a licensed badger release programme. Volunteer drivers cover South Gloucestershire day and night.",
        sites: &[DemoSite {
            name: "Oldbury Fox & Badger Rescue",
            address: "Pennymead Farm, Church Road",
            town: "Oldbury-on-Severn",
            postcode: "BS35 1QG",
            latitude: 51.6237,
            longitude: -2.5693,
            phone: "01454 960142",
            hours: Some("Mo-Su 08:00-18:00"),
            cover: DemoCover::OnCall {
                name: "Oldbury rescue driver",
                phone: "07700 900104",
            },
            capabilities: &["quarantine", "wildlife_rehabilitation"],
            species: &["wildlife/carnivore"],
            limits: DemoLimits {
                notes: Some("Foxes and badgers only: mange treatment and road-traffic casualties."),
                ..NO_LIMITS
            },
            capacity: DemoCapacity::Lapsed {
                level: "full",
                hours_ago: 20,
            },
            audit: DemoAudit::AssuredDaysAgo(250),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Geoff Tanner",
                email: "geoff.tanner@oldburyfoxbadger.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Bilal Chaudhry",
                email: "bilal.chaudhry@oldburyfoxbadger.demo",
                role: "staff",
            },
            DemoPerson {
                name: "Shauna Reilly",
                email: "shauna.reilly@oldburyfoxbadger.demo",
                role: "volunteer",
            },
            DemoPerson {
                name: "Connor Walsh",
                email: "connor.walsh@oldburyfoxbadger.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Avonbank Exotic & Companion Vets",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://avonbankvets.example"),
        description: "Chippenham practice with an advanced-practitioner exotics vet, endoscopy for guinea pig and chinchilla dentals, and oxygen therapy. Longer 20-minute appointments for small mammals, evening clinics Tuesday and Thursday.",
        sites: &[
            DemoSite {
                name: "Avonbank Vets, Town Centre",
                address: "24 New Road",
                town: "Chippenham",
                postcode: "SN15 1HP",
                latitude: 51.4593,
                longitude: -2.1178,
                phone: "01249 960101",
                hours: Some("Mo-Fr 08:00-20:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::Site("Pewsham Emergency Animal Hospital"),
                capabilities: &[
                    "dentistry",
                    "endoscopy",
                    "exotic_anaesthesia",
                    "inhalant_anaesthesia",
                    "oxygen_therapy",
                    "radiography",
                ],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                private_phone: Some("01249 960501"),
                email: Some("hello@avonbankvets.example"),
                referral: Some(DemoContact {
                    name: "Kofi Asante",
                    phone: "01249 960502",
                    email: Some("exotics@avonbankvets.example"),
                }),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 7,
                },
                audit: DemoAudit::AssuredDaysAgo(18),
            },
            DemoSite {
                name: "Avonbank Vets, Cepen Park",
                address: "Unit 3, Cepen Park Centre",
                town: "Chippenham",
                postcode: "SN14 6UZ",
                latitude: 51.4698,
                longitude: -2.1402,
                phone: "01249 960117",
                hours: Some("Mo-Fr 08:30-18:30; PH off"),
                cover: DemoCover::Site("Pewsham Emergency Animal Hospital"),
                capabilities: &["inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                email: Some("cepen@avonbankvets.example"),
                audit: DemoAudit::AssuredDaysAgo(18),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Victoria Lambert",
                email: "victoria.lambert@avonbankvets.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Kofi Asante",
                email: "kofi.asante@avonbankvets.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Natalie Frost",
                email: "natalie.frost@avonbankvets.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Sian Morgan",
                email: "sian.morgan@avonbankvets.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Pewsham Emergency Animal Hospital",
        kind: "emergency_hospital",
        membership: "vetted",
        website: Some("https://pewshamemergency.example"),
        description: "24/7 emergency hospital for north Wiltshire with on-site vets overnight, oxygen cages, blood gas analysis and digital radiography. Exotic cases triaged on arrival and stabilised in a separate quiet ward.",
        sites: &[DemoSite {
            name: "Pewsham Emergency Animal Hospital",
            address: "1 Pewsham Way",
            town: "Chippenham",
            postcode: "SN15 3DD",
            latitude: 51.4497,
            longitude: -2.0982,
            phone: "01249 960124",
            hours: Some("24/7"),
            capabilities: &[
                "blood_analysis",
                "fluid_therapy",
                "intensive_care",
                "isolation_ward",
                "oxygen_cage",
                "oxygen_therapy",
                "radiography",
            ],
            species: &["small_mammal", "wildlife"],
            limits: DemoLimits {
                deposit_required: true,
                ..NO_LIMITS
            },
            private_phone: Some("01249 960503"),
            email: Some("er@pewsham.example"),
            referral: Some(DemoContact {
                name: "Jonathan Blake",
                phone: "01249 960504",
                email: Some("referrals@pewsham.example"),
            }),
            capacity: DemoCapacity::Current {
                level: "full",
                hours_left: 3,
            },
            audit: DemoAudit::AssuredDaysAgo(9),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Jonathan Blake",
                email: "jonathan.blake@pewshamemergency.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Farah Iqbal",
                email: "farah.iqbal@pewshamemergency.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Peter Lindqvist",
                email: "peter.lindqvist@pewshamemergency.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Amy Knowles",
                email: "amy.knowles@pewshamemergency.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Dustbath Chinchilla & Degu Rescue",
        kind: "rescue",
        membership: "vetted",
        website: Some("https://dustbath.example"),
        description: "Specialist rescue for chinchillas and degus with temperature-controlled rooms for heat-sensitive animals, dental monitoring and diabetic-degu diet plans. Rehoming nationwide after home checks.",
        sites: &[DemoSite {
            name: "Dustbath Chinchilla & Degu Rescue",
            address: "2 Hungerdown Lane",
            town: "Chippenham",
            postcode: "SN14 0BE",
            latitude: 51.4642,
            longitude: -2.1347,
            phone: "01249 960138",
            hours: Some("We-Su 11:00-16:00 unknown \"by appointment\""),
            species: &["small_mammal/chinchilla", "small_mammal/degu"],
            limits: DemoLimits {
                no_wildlife: true,
                notes: Some(
                    "Intake paused while the heat-controlled room is refitted; rehoming nationwide after home checks.",
                ),
                ..NO_LIMITS
            },
            email: Some("dust@dustbath.example"),
            capacity: DemoCapacity::Current {
                level: "closed",
                hours_left: 120,
            },
            audit: DemoAudit::AssuredDaysAgo(70),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Lorraine Hatch",
                email: "lorraine.hatch@dustbath.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Tyler Bennett",
                email: "tyler.bennett@dustbath.demo",
                role: "volunteer",
            },
            DemoPerson {
                name: "Chiara Romano",
                email: "chiara.romano@dustbath.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Monkton Park Wildlife Rescue",
        kind: "wildlife_rehabilitator",
        membership: "vetted",
        website: Some("https://monktonparkwildlife.example"),
        description: "Riverside wildlife rescue for bats, hedgehogs, small garden birds and water voles, with a licensed bat carer and a flight cage for pre-release testing. Admissions 09:00-19:00, emergencies by phone.",
        sites: &[DemoSite {
            name: "Monkton Park Wildlife Rescue",
            address: "The Old Boathouse, Monkton Park",
            town: "Chippenham",
            postcode: "SN15 1ER",
            latitude: 51.4619,
            longitude: -2.1081,
            phone: "01249 960142",
            hours: Some("Mo-Su 09:00-19:00"),
            cover: DemoCover::OnCall {
                name: "Monkton Park emergency line",
                phone: "07700 900105",
            },
            capabilities: &["release_aviaries", "wildlife_rehabilitation"],
            species: &[
                "wildlife/bat",
                "wildlife/bird",
                "wildlife/hedgehog",
                "wildlife/small_mammal",
            ],
            email: Some("rescue@monktonpark.example"),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Graham Eldridge",
                email: "graham.eldridge@monktonparkwildlife.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Nisha Kapoor",
                email: "nisha.kapoor@monktonparkwildlife.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Abbie Rowe",
                email: "abbie.rowe@monktonparkwildlife.demo",
                role: "volunteer",
            },
            DemoPerson {
                name: "Henry Marsh",
                email: "henry.marsh@monktonparkwildlife.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Blue House Veterinary Surgery",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://bluehousevets.example"),
        description: "Frome town-centre practice offering small-mammal consultations, neutering of guinea pigs and rats under isoflurane, and a nurse-led weight and teeth clinic. Open 08:00-18:30 weekdays and Saturday mornings.",
        sites: &[DemoSite {
            name: "Blue House Veterinary Surgery",
            address: "6 Bridge Street",
            town: "Frome",
            postcode: "BA11 1BB",
            latitude: 51.2296,
            longitude: -2.3212,
            phone: "01373 960101",
            hours: Some("Mo-Fr 08:00-18:30; Sa 08:30-12:00; PH off"),
            cover: DemoCover::OnCall {
                name: "Frome Vets Out-of-Hours",
                phone: "01373 960501",
            },
            capabilities: &["dentistry", "inhalant_anaesthesia"],
            species: &[
                "small_mammal/guinea_pig",
                "small_mammal/hamster",
                "small_mammal/rabbit",
                "small_mammal/rat",
            ],
            limits: NO_WILDLIFE,
            email: Some("reception@bluehousevets.example"),
            audit: DemoAudit::AssuredDaysAgo(120),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Catherine Ellis",
                email: "catherine.ellis@bluehousevets.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Oluwaseun Bakare",
                email: "oluwaseun.bakare@bluehousevets.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Poppy Hayward",
                email: "poppy.hayward@bluehousevets.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Whatley Combe Animal Shelter",
        kind: "shelter",
        membership: "vetted",
        website: Some("https://whatleycombe.example"),
        description: "Rural shelter rehoming cats, rabbits, guinea pigs and hamsters from across east Somerset, with a heated small-animal barn and quarantine room. Visits by appointment Wednesday to Sunday.",
        sites: &[DemoSite {
            name: "Whatley Combe Animal Shelter",
            address: "Combe Farm, Egford Lane",
            town: "Frome",
            postcode: "BA11 3JR",
            latitude: 51.2371,
            longitude: -2.3498,
            phone: "01373 960117",
            hours: Some("We-Su 11:00-15:00 unknown \"visits by appointment\""),
            capabilities: &["quarantine"],
            species: &[
                "small_mammal/guinea_pig",
                "small_mammal/hamster",
                "small_mammal/rabbit",
            ],
            limits: NO_WILDLIFE,
            email: Some("homes@whatleycombe.example"),
            audit: DemoAudit::AssuredDaysAgo(190),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Trevor Dean",
                email: "trevor.dean@whatleycombe.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Maisie Woods",
                email: "maisie.woods@whatleycombe.demo",
                role: "staff",
            },
            DemoPerson {
                name: "Ewan Campbell",
                email: "ewan.campbell@whatleycombe.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Somervale Veterinary Practice",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://somervalevets.example"),
        description: "Two-surgery practice for Midsomer Norton and Radstock with exotic-interest vets, radiography and in-house haematology. Guinea pig and rabbit dental clinic on Wednesdays at the Radstock branch.",
        sites: &[
            DemoSite {
                name: "Somervale Vets, Midsomer Norton",
                address: "33 High Street",
                town: "Midsomer Norton",
                postcode: "BA3 2DP",
                latitude: 51.2857,
                longitude: -2.4822,
                phone: "01761 960101",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-12:00; PH off"),
                cover: DemoCover::Site("Lansdown 24 Veterinary Hospital"),
                capabilities: &["blood_analysis", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                email: Some("mn@somervalevets.example"),
                audit: DemoAudit::AssuredDaysAgo(55),
                ..SITE
            },
            DemoSite {
                name: "Somervale Vets, Radstock",
                address: "4 Fortescue Road",
                town: "Radstock",
                postcode: "BA3 3AA",
                latitude: 51.2921,
                longitude: -2.4479,
                phone: "01761 960117",
                hours: Some("Mo-Fr 08:30-18:00; PH off"),
                cover: DemoCover::Site("Lansdown 24 Veterinary Hospital"),
                capabilities: &["dentistry", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                email: Some("radstock@somervalevets.example"),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 6,
                },
                audit: DemoAudit::AssuredDaysAgo(55),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Karen Whittle",
                email: "karen.whittle@somervalevets.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Sanjay Mistry",
                email: "sanjay.mistry@somervalevets.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Bethany Cole",
                email: "bethany.cole@somervalevets.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Rhys Powell",
                email: "rhys.powell@somervalevets.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Crown Glass Veterinary Surgery",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://crownglassvets.example"),
        description: "Small independent surgery that welcomes hamsters, gerbils and rats, with isoflurane anaesthesia and a vet who runs a monthly rodent husbandry evening. Closed Sundays; out-of-hours via Avon Gorge Emergency Vets.",
        sites: &[DemoSite {
            name: "Crown Glass Veterinary Surgery",
            address: "15 Silver Street",
            town: "Nailsea",
            postcode: "BS48 2DS",
            latitude: 51.4318,
            longitude: -2.7588,
            phone: "01275 960138",
            hours: Some("Mo-Fr 08:30-18:30; Sa 09:00-12:00; Su,PH off"),
            cover: DemoCover::Site("Avon Gorge Emergency Vets, Hotwells"),
            capabilities: &["inhalant_anaesthesia"],
            species: &[
                "small_mammal/gerbil",
                "small_mammal/hamster",
                "small_mammal/rat",
            ],
            limits: NO_WILDLIFE,
            email: Some("hello@crownglassvets.example"),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Louise Carpenter",
                email: "louise.carpenter@crownglassvets.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Dominic Fairweather",
                email: "dominic.fairweather@crownglassvets.demo",
                role: "clinician",
            },
        ],
    },
    DemoOrg {
        name: "Mendip Exotic Dental Referrals",
        kind: "specialist_centre",
        membership: "vetted",
        website: Some("https://mendipdental.example"),
        description: "Referral service for small-herbivore and rodent dentistry: skull CT, endoscopic-guided crown reductions, tooth extractions and abscess surgery in rabbits, guinea pigs, chinchillas and degus. Referral-only, Monday to Friday.",
        sites: &[DemoSite {
            name: "Mendip Exotic Dental Referrals",
            address: "Unit 7, Southover Court",
            town: "Wells",
            postcode: "BA5 1UH",
            latitude: 51.2061,
            longitude: -2.6519,
            phone: "01749 960101",
            hours: Some("Mo-Th 09:00-17:00; PH off"),
            capabilities: &[
                "ct",
                "dentistry",
                "endoscopy",
                "exotic_anaesthesia",
                "exotic_surgery",
                "inhalant_anaesthesia",
            ],
            species: &[
                "small_mammal/chinchilla",
                "small_mammal/degu",
                "small_mammal/guinea_pig",
                "small_mammal/rabbit",
            ],
            limits: DemoLimits {
                no_wildlife: true,
                referral_only: true,
                deposit_required: true,
                ..NO_LIMITS
            },
            private_phone: Some("01749 960501"),
            email: Some("referrals@mendipdental.example"),
            referral: Some(DemoContact {
                name: "Jiwoo Park",
                phone: "01749 960502",
                email: Some("referrals@mendipdental.example"),
            }),
            capacity: DemoCapacity::Current {
                level: "normal",
                hours_left: 48,
            },
            audit: DemoAudit::AssuredDaysAgo(40),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Alistair Boyd",
                email: "alistair.boyd@mendipdental.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Jiwoo Park",
                email: "jiwoo.park@mendipdental.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Tasha Greenwood",
                email: "tasha.greenwood@mendipdental.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Ebbor Raptor Rehabilitation Centre",
        kind: "wildlife_rehabilitator",
        membership: "vetted",
        website: Some("https://ebborraptors.example"),
        description: "Bird of prey hospital and rehabilitation centre for owls, hawks and falcons, with creance training, large flight aviaries and a licensed falconer for pre-release fitness. Casualties accepted 08:00-18:00.",
        sites: &[DemoSite {
            name: "Ebbor Raptor Rehabilitation Centre",
            address: "Ebbor Rise Farm",
            town: "Wookey Hole",
            postcode: "BA5 1BP",
            latitude: 51.2268,
            longitude: -2.6698,
            phone: "01749 960117",
            hours: Some("Mo-Su 08:00-18:00"),
            cover: DemoCover::OnCall {
                name: "Ebbor raptor on-call",
                phone: "07700 900106",
            },
            capabilities: &["release_aviaries", "wildlife_rehabilitation"],
            species: &["wildlife/raptor"],
            email: Some("raptors@ebbor.example"),
            capacity: DemoCapacity::Current {
                level: "normal",
                hours_left: 24,
            },
            audit: DemoAudit::AssuredDaysAgo(75),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Colin Marchant",
                email: "colin.marchant@ebborraptors.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Freya Lockwood",
                email: "freya.lockwood@ebborraptors.demo",
                role: "staff",
            },
            DemoPerson {
                name: "Idris Jones",
                email: "idris.jones@ebborraptors.demo",
                role: "volunteer",
            },
            DemoPerson {
                name: "Wiktoria Kaminska",
                email: "wiktoria.kaminska@ebborraptors.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Mendip University Veterinary Teaching Hospital",
        kind: "university",
        membership: "vetted",
        website: Some("https://mendipuni.example"),
        description: "University teaching hospital with an exotics and wildlife service run by board-certified clinicians, offering CT, endoscopy, exotic surgery and intensive care. Final-year students rotate through the service; referrals accepted 24/7 for critical cases.",
        sites: &[
            DemoSite {
                name: "Mendip University Teaching Hospital",
                address: "Langford Lane",
                town: "Langford",
                postcode: "BS40 5DU",
                latitude: 51.3441,
                longitude: -2.7796,
                phone: "01934 960138",
                hours: Some("24/7"),
                capabilities: &[
                    "blood_analysis",
                    "ct",
                    "endoscopy",
                    "exotic_anaesthesia",
                    "exotic_surgery",
                    "intensive_care",
                    "oxygen_cage",
                    "oxygen_therapy",
                    "radiography",
                    "ultrasound",
                    "wildlife_rehabilitation",
                ],
                species: &["small_mammal", "wildlife"],
                limits: DemoLimits {
                    deposit_required: true,
                    ..NO_LIMITS
                },
                private_phone: Some("01934 960502"),
                email: Some("exotics@mendipuni.example"),
                referral: Some(DemoContact {
                    name: "Adebola Ogunleye",
                    phone: "01934 960503",
                    email: Some("exotics.referrals@mendipuni.example"),
                }),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 12,
                },
                audit: DemoAudit::AssuredDaysAgo(30),
                ..SITE
            },
            DemoSite {
                name: "Mendip University City Practice",
                address: "75 Stokes Croft",
                town: "Bristol",
                postcode: "BS1 3RD",
                latitude: 51.4629,
                longitude: -2.5893,
                phone: "0117 496 0265",
                hours: Some("Mo-Fr 08:00-20:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::Site("Mendip University Teaching Hospital"),
                capabilities: &["exotic_anaesthesia", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                email: Some("city@mendipuni.example"),
                audit: DemoAudit::AssuredDaysAgo(30),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Elizabeth Harcourt",
                email: "elizabeth.harcourt@mendipuni.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Adebola Ogunleye",
                email: "adebola.ogunleye@mendipuni.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Matthew Cheung",
                email: "matthew.cheung@mendipuni.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Kieran Doyle",
                email: "kieran.doyle@mendipuni.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Sarah Fitzgerald",
                email: "sarah.fitzgerald@mendipuni.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Sulis University Animal Welfare & Wildlife Unit",
        kind: "university",
        membership: "vetted",
        website: Some("https://sulisuni.example"),
        description: "Research and teaching unit studying small-mammal welfare and urban wildlife, offering free post-mortem examinations and disease surveillance for network rehabilitators. Staffed during university terms, weekdays only.",
        sites: &[DemoSite {
            name: "Sulis University Animal Welfare & Wildlife Unit",
            address: "Building 4, Claverton Down Road",
            town: "Bath",
            postcode: "BA2 7AY",
            latitude: 51.3784,
            longitude: -2.3281,
            phone: "01225 960142",
            hours: Some("Mo-Fr 09:00-17:00; PH off; Dec 22-Jan 02 off"),
            capabilities: &["blood_analysis", "telemedicine"],
            species: &["small_mammal", "wildlife"],
            limits: DemoLimits {
                referral_only: true,
                notes: Some(
                    "Post-mortem examinations and disease surveillance only: no live casualties.",
                ),
                ..NO_LIMITS
            },
            email: Some("welfare.unit@sulis.example"),
            audit: DemoAudit::AssuredDaysAgo(100),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Rachel Whitmore",
                email: "rachel.whitmore@sulisuni.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Ibrahim Sesay",
                email: "ibrahim.sesay@sulisuni.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Lauren Hobbs",
                email: "lauren.hobbs@sulisuni.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Claverton Referral Surgeons",
        kind: "specialist_centre",
        membership: "vetted",
        website: Some("https://clavertonreferrals.example"),
        description: "Specialist surgical referrals for exotic pets, including ovariohysterectomy for pyometra, mammary tumour removal in rats, cystotomy and fracture repair. Inhalant anaesthesia with capnography and a surgeon on call for network emergencies.",
        sites: &[DemoSite {
            name: "Claverton Referral Surgeons",
            address: "12 Widcombe Parade",
            town: "Bath",
            postcode: "BA2 4JT",
            latitude: 51.3759,
            longitude: -2.3531,
            phone: "01225 960156",
            hours: Some("Mo-Fr 08:00-18:00; PH off"),
            cover: DemoCover::OnCall {
                name: "Claverton surgeon on call",
                phone: "07700 900107",
            },
            capabilities: &[
                "exotic_anaesthesia",
                "exotic_surgery",
                "inhalant_anaesthesia",
                "oxygen_therapy",
                "radiography",
            ],
            species: &["small_mammal"],
            limits: DemoLimits {
                max_weight_grams: Some(5000),
                no_wildlife: true,
                referral_only: true,
                deposit_required: true,
                ..NO_LIMITS
            },
            private_phone: Some("01225 960506"),
            email: Some("surgery@claverton.example"),
            referral: Some(DemoContact {
                name: "Hugh Pemberton",
                phone: "01225 960507",
                email: Some("surgery@claverton.example"),
            }),
            audit: DemoAudit::AssuredDaysAgo(22),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Hugh Pemberton",
                email: "hugh.pemberton@clavertonreferrals.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Deepa Nair",
                email: "deepa.nair@clavertonreferrals.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Marcus Johnson",
                email: "marcus.johnson@clavertonreferrals.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Ffion Davies",
                email: "ffion.davies@clavertonreferrals.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Worle Gateway Emergency Vets",
        kind: "emergency_hospital",
        membership: "vetted",
        website: Some("https://worlegateway.example"),
        description: "24-hour emergency hospital beside the M5 serving Weston-super-Mare and the Somerset coast, with oxygen therapy, intensive care and an exotics-trained vet on call overnight. After-hours cover for North Somerset network clinics.",
        sites: &[DemoSite {
            name: "Worle Gateway Emergency Vets",
            address: "Unit 1, Summer Lane Park",
            town: "Weston-super-Mare",
            postcode: "BS22 7SB",
            latitude: 51.3551,
            longitude: -2.9183,
            phone: "01934 960142",
            hours: Some("24/7"),
            capabilities: &[
                "blood_analysis",
                "fluid_therapy",
                "intensive_care",
                "oxygen_cage",
                "oxygen_therapy",
                "radiography",
            ],
            species: &["small_mammal", "wildlife"],
            limits: DemoLimits {
                deposit_required: true,
                ..NO_LIMITS
            },
            private_phone: Some("01934 960504"),
            email: Some("er@worlegateway.example"),
            referral: Some(DemoContact {
                name: "Samantha Leigh",
                phone: "01934 960505",
                email: Some("referrals@worlegateway.example"),
            }),
            capacity: DemoCapacity::Current {
                level: "normal",
                hours_left: 8,
            },
            audit: DemoAudit::AssuredDaysAgo(12),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Samantha Leigh",
                email: "samantha.leigh@worlegateway.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Chinedu Eze",
                email: "chinedu.eze@worlegateway.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Zoe Hammond",
                email: "zoe.hammond@worlegateway.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Aaron Phillips",
                email: "aaron.phillips@worlegateway.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Little Burrows Hamster Rescue",
        kind: "rescue",
        membership: "vetted",
        website: None,
        description: "Home-based hamster rescue for Syrians and dwarfs, with large enclosures and deep bedding so rescues can decompress before adoption. Small capacity; intakes by arrangement only.",
        sites: &[DemoSite {
            name: "Little Burrows Hamster Rescue",
            address: "18 Freeview Road",
            town: "Bath",
            postcode: "BA2 1DZ",
            latitude: 51.3803,
            longitude: -2.3961,
            phone: "01225 960163",
            hours: Some("Sa 10:00-14:00 unknown \"intakes by arrangement\""),
            species: &["small_mammal/hamster"],
            limits: DemoLimits {
                no_wildlife: true,
                notes: Some("Small home-based rescue: call before bringing a hamster."),
                ..NO_LIMITS
            },
            capacity: DemoCapacity::Current {
                level: "full",
                hours_left: 36,
            },
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Wendy Cooper",
                email: "wendy.cooper@littleburrows.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Ella Frampton",
                email: "ella.frampton@littleburrows.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Walton Moor Animal Shelter",
        kind: "shelter",
        membership: "vetted",
        website: Some("https://waltonmoor.example"),
        description: "Shelter for North Somerset strays and surrenders with a rodent and guinea pig room, outdoor rabbit runs and a visiting vet twice weekly. Adoption viewings Thursday to Sunday.",
        sites: &[DemoSite {
            name: "Walton Moor Animal Shelter",
            address: "Moor Lane",
            town: "Walton-in-Gordano",
            postcode: "BS21 7AS",
            latitude: 51.4542,
            longitude: -2.8302,
            phone: "01275 960142",
            hours: Some("Th-Su 11:00-16:00; Dec 25 off"),
            capabilities: &["quarantine"],
            species: &["small_mammal"],
            limits: NO_WILDLIFE,
            email: Some("homes@waltonmoor.example"),
            audit: DemoAudit::AssuredDaysAgo(210),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Neil Robson",
                email: "neil.robson@waltonmoor.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Sadia Ahmed",
                email: "sadia.ahmed@waltonmoor.demo",
                role: "staff",
            },
            DemoPerson {
                name: "Josh Penrose",
                email: "josh.penrose@waltonmoor.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Portbury Swan & Waterbird Rescue",
        kind: "wildlife_rehabilitator",
        membership: "vetted",
        website: Some("https://portburyswans.example"),
        description: "Rescue for swans, geese, ducks and other waterbirds, treating fishing-line injuries, lead poisoning and oiling, with rehabilitation ponds and a boat-equipped recovery team. Call-outs 07:00-21:00.",
        sites: &[DemoSite {
            name: "Portbury Swan & Waterbird Rescue",
            address: "Mill Pond Barn, Station Road",
            town: "Portbury",
            postcode: "BS20 7TN",
            latitude: 51.4721,
            longitude: -2.7198,
            phone: "01275 960156",
            hours: Some("Mo-Su 07:00-21:00"),
            cover: DemoCover::OnCall {
                name: "Portbury rescue boat team",
                phone: "07700 900108",
            },
            capabilities: &["fluid_therapy", "wildlife_rehabilitation"],
            species: &["wildlife/bird"],
            limits: DemoLimits {
                max_weight_grams: Some(15000),
                notes: Some("Swans, geese, ducks and other waterbirds."),
                ..NO_LIMITS
            },
            email: Some("swans@portbury.example"),
            capacity: DemoCapacity::Current {
                level: "normal",
                hours_left: 18,
            },
            audit: DemoAudit::AssuredDaysAgo(65),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Maureen Fletcher",
                email: "maureen.fletcher@portburyswans.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Owen Parry",
                email: "owen.parry@portburyswans.demo",
                role: "volunteer",
            },
            DemoPerson {
                name: "Lily Tran",
                email: "lily.tran@portburyswans.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Nightjar Pet Advice Line",
        kind: "hotline",
        membership: "vetted",
        website: Some("https://nightjarline.example"),
        description: "Out-of-hours telephone and video advice staffed by vets and registered nurses with small-mammal experience; triages using the network protocol and books the caller into the nearest open emergency hospital. 18:00-08:00 weekdays and all weekend.",
        sites: &[DemoSite {
            name: "Nightjar Pet Advice Line",
            address: "Studio 3, 22 Walcot Street",
            town: "Bath",
            postcode: "BA1 5BG",
            latitude: 51.3866,
            longitude: -2.3582,
            phone: "01225 960179",
            hours: Some("Mo-Fr 00:00-08:00,18:00-24:00; Sa,Su,PH 00:00-24:00"),
            capabilities: &["telemedicine"],
            species: &["small_mammal"],
            limits: DemoLimits {
                notes: Some(
                    "Telephone and video advice only; books callers into the nearest open emergency hospital.",
                ),
                ..NO_LIMITS
            },
            email: Some("advice@nightjar.example"),
            audit: DemoAudit::AssuredDaysAgo(50),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Julia Saunders",
                email: "julia.saunders@nightjarline.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Patrick Quinn",
                email: "patrick.quinn@nightjarline.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Aleksandra Wozniak",
                email: "aleksandra.wozniak@nightjarline.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Knightstone Pet Clinic",
        kind: "clinic",
        membership: "suspended",
        website: Some("https://knightstonepets.example"),
        description: "Single-vet practice near the seafront that has offered small-mammal consultations and routine neutering of rats and guinea pigs. Weekday appointments only.",
        sites: &[DemoSite {
            name: "Knightstone Pet Clinic",
            address: "7 Knightstone Road",
            town: "Weston-super-Mare",
            postcode: "BS23 2AH",
            latitude: 51.3517,
            longitude: -2.9801,
            phone: "01934 960156",
            hours: Some("Mo-Fr 09:00-17:00; PH off"),
            species: &["small_mammal"],
            limits: NO_WILDLIFE,
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Derek Mills",
                email: "derek.mills@knightstonepets.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Stacey Vaughan",
                email: "stacey.vaughan@knightstonepets.demo",
                role: "clinician",
            },
        ],
    },
    DemoOrg {
        name: "Vicars' Close Veterinary Clinic",
        kind: "clinic",
        membership: "applied",
        website: Some("https://vicarsclose.example"),
        description: "Newly opened exotic-focused practice in Wells with inhalant anaesthesia, an oxygen cage and a dedicated prey-species ward. Applying to join so it can take network referrals for rodents and guinea pigs from the Mendip area and use the shared out-of-hours cover.",
        sites: &[DemoSite {
            name: "Vicars' Close Veterinary Clinic",
            address: "3 Chamberlain Street",
            town: "Wells",
            postcode: "BA5 2PE",
            latitude: 51.2106,
            longitude: -2.6512,
            phone: "01749 960124",
            hours: Some("Mo-Fr 08:30-18:30; Sa 09:00-12:00; PH off"),
            capabilities: &["inhalant_anaesthesia", "oxygen_cage"],
            species: &["small_mammal"],
            limits: NO_WILDLIFE,
            ..SITE
        }],
        staff: &[DemoPerson {
            name: "Eleanor Voss",
            email: "eleanor.voss@vicarsclose.demo",
            role: "org_admin",
        }],
    },
    DemoOrg {
        name: "Norton Mouse & Gerbil Rescue",
        kind: "rescue",
        membership: "applied",
        website: None,
        description: "Small foster-based rescue for mice and gerbils, often taking whole litters from accidental breeding and pet-shop surrenders. Applying to join to reach partner vets for neutering and to share transport with other network rescues.",
        sites: &[DemoSite {
            name: "Norton Mouse & Gerbil Rescue",
            address: "12 Welton Grove",
            town: "Midsomer Norton",
            postcode: "BA3 2TR",
            latitude: 51.2801,
            longitude: -2.4868,
            phone: "01761 960124",
            hours: Some("Mo-Su unknown \"by appointment\""),
            species: &["small_mammal/gerbil", "small_mammal/mouse"],
            ..SITE
        }],
        staff: &[DemoPerson {
            name: "Tina Greenslade",
            email: "tina.greenslade@nortonmice.demo",
            role: "org_admin",
        }],
    },
    DemoOrg {
        name: "Gordano Valley Animal Shelter",
        kind: "shelter",
        membership: "applied",
        website: Some("https://gordanoshelter.example"),
        description: "Newly registered charity shelter with a purpose-built small-animal block for rabbits, guinea pigs and rats, an isolation room and a part-time vet. Applying to join to receive network transfers and list its capacity in the directory.",
        sites: &[DemoSite {
            name: "Gordano Valley Animal Shelter",
            address: "Old Dairy, Valley Road",
            town: "Portishead",
            postcode: "BS20 8JL",
            latitude: 51.4785,
            longitude: -2.7748,
            phone: "01275 960163",
            hours: Some("Sa,Su 11:00-15:00"),
            species: &["small_mammal"],
            limits: NO_WILDLIFE,
            ..SITE
        }],
        staff: &[DemoPerson {
            name: "Malcolm Reid",
            email: "malcolm.reid@gordanoshelter.demo",
            role: "org_admin",
        }],
    },
    DemoOrg {
        name: "Bathwick Bat Care",
        kind: "wildlife_rehabilitator",
        membership: "applied",
        website: Some("https://bathwickbats.example"),
        description: "Licensed bat carers rehabilitating grounded and cat-caught bats, with flight-testing space and overwintering for underweight pipistrelles. Applying to join so the wildlife helpline and clinics can route bat casualties directly.",
        sites: &[DemoSite {
            name: "Bathwick Bat Care",
            address: "9 Forester Road",
            town: "Bath",
            postcode: "BA2 6QE",
            latitude: 51.3868,
            longitude: -2.3449,
            phone: "01225 960185",
            hours: Some("Mo-Su 09:00-21:00"),
            species: &["wildlife/bat"],
            ..SITE
        }],
        staff: &[DemoPerson {
            name: "Harriet Lowe",
            email: "harriet.lowe@bathwickbats.demo",
            role: "org_admin",
        }],
    },
    DemoOrg {
        name: "Brimsham Small Animal Rescue",
        kind: "rescue",
        membership: "suspended",
        website: None,
        description: "Rescue rehoming rabbits, guinea pigs and hamsters from the Yate and Sodbury area. Adoptions by appointment.",
        sites: &[DemoSite {
            name: "Brimsham Small Animal Rescue",
            address: "41 Brimsham Park Avenue",
            town: "Yate",
            postcode: "BS37 7JD",
            latitude: 51.5497,
            longitude: -2.4052,
            phone: "01454 960156",
            hours: Some("Mo-Su unknown \"by appointment\""),
            species: &[
                "small_mammal/guinea_pig",
                "small_mammal/hamster",
                "small_mammal/rabbit",
            ],
            ..SITE
        }],
        staff: &[DemoPerson {
            name: "Janet Ridley",
            email: "janet.ridley@brimshamrescue.demo",
            role: "org_admin",
        }],
    },
    DemoOrg {
        name: "Westcountry Companion Vets",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://westcountrycompanion.example"),
        description: "Group of first-opinion practices across Bristol and North Somerset. Every branch has a prey-species waiting area and nurses trained in rodent and rabbit handling; Bedminster and Bradley Stoke stay open until 22:00 every day of the year but Christmas Day.",
        sites: &[
            DemoSite {
                name: "Westcountry Companion Vets, Clifton",
                address: "12 Princess Victoria Street",
                town: "Bristol",
                postcode: "BS8 4BP",
                latitude: 51.4561,
                longitude: -2.6199,
                phone: "0117 496 0600",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Hotwells"),
                capabilities: &[
                    "blood_analysis",
                    "fluid_therapy",
                    "inhalant_anaesthesia",
                    "radiography",
                ],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                email: Some("clifton@westcountrycompanion.example"),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 8,
                },
                audit: DemoAudit::AssuredDaysAgo(25),
                ..SITE
            },
            DemoSite {
                name: "Westcountry Companion Vets, Bishopston",
                address: "201 Gloucester Road",
                town: "Bristol",
                postcode: "BS7 8NN",
                latitude: 51.4796,
                longitude: -2.5893,
                phone: "0117 496 0601",
                hours: Some("Mo-Fr 08:30-19:00; Sa 09:00-12:00; PH off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Hotwells"),
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                email: Some("bishopston@westcountrycompanion.example"),
                audit: DemoAudit::AssuredDaysAgo(25),
                ..SITE
            },
            DemoSite {
                name: "Westcountry Companion Vets, Westbury-on-Trym",
                address: "38 Canford Lane",
                town: "Bristol",
                postcode: "BS9 3DQ",
                latitude: 51.4927,
                longitude: -2.6181,
                phone: "0117 496 0602",
                hours: Some("Mo-Fr 08:30-18:30; Sa 09:00-12:00; PH off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Filton"),
                capabilities: &["inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                audit: DemoAudit::AssuredDaysAgo(190),
                ..SITE
            },
            DemoSite {
                name: "Westcountry Companion Vets, Bedminster",
                address: "144 East Street",
                town: "Bristol",
                postcode: "BS3 4EW",
                latitude: 51.4401,
                longitude: -2.5964,
                phone: "0117 496 0603",
                hours: Some("Mo-Fr 08:00-22:00; Sa,Su 09:00-18:00; Dec 25 off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Hotwells"),
                capabilities: &[
                    "blood_analysis",
                    "fluid_therapy",
                    "inhalant_anaesthesia",
                    "oxygen_cage",
                    "oxygen_therapy",
                    "radiography",
                ],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                private_phone: Some("0117 496 0604"),
                email: Some("bedminster@westcountrycompanion.example"),
                referral: Some(DemoContact {
                    name: "Ruby Adeyinka",
                    phone: "0117 496 0605",
                    email: Some("bedminster@westcountrycompanion.example"),
                }),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 5,
                },
                audit: DemoAudit::AssuredDaysAgo(3),
            },
            DemoSite {
                name: "Westcountry Companion Vets, Brislington",
                address: "412 Bath Road",
                town: "Bristol",
                postcode: "BS4 3HJ",
                latitude: 51.4362,
                longitude: -2.5473,
                phone: "0117 496 0606",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Hotwells"),
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                ..SITE
            },
            DemoSite {
                name: "Westcountry Companion Vets, Kingswood",
                address: "77 Regent Street",
                town: "Bristol",
                postcode: "BS15 8JX",
                latitude: 51.4589,
                longitude: -2.5059,
                phone: "0117 496 0607",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::Site("Kingswood Night Vets"),
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                capacity: DemoCapacity::Lapsed {
                    level: "full",
                    hours_ago: 12,
                },
                audit: DemoAudit::AssuredDaysAgo(60),
                ..SITE
            },
            DemoSite {
                name: "Westcountry Companion Vets, Downend",
                address: "96 North Street",
                town: "Bristol",
                postcode: "BS16 5SF",
                latitude: 51.4882,
                longitude: -2.5031,
                phone: "0117 496 0608",
                hours: Some("Mo-Fr 08:30-18:30; Sa 09:00-12:00; PH off"),
                cover: DemoCover::Site("Kingswood Night Vets"),
                capabilities: &["inhalant_anaesthesia"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                audit: DemoAudit::AssuredDaysAgo(60),
                ..SITE
            },
            DemoSite {
                name: "Westcountry Companion Vets, Bradley Stoke",
                address: "3 Willow Brook Centre",
                town: "Bristol",
                postcode: "BS32 8EF",
                latitude: 51.5296,
                longitude: -2.5463,
                phone: "0117 496 0609",
                hours: Some("Mo-Fr 08:00-22:00; Sa,Su 09:00-18:00; Dec 25 off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Filton"),
                capabilities: &[
                    "blood_analysis",
                    "fluid_therapy",
                    "inhalant_anaesthesia",
                    "oxygen_therapy",
                    "radiography",
                    "ultrasound",
                ],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                private_phone: Some("0117 496 0610"),
                email: Some("bradleystoke@westcountrycompanion.example"),
                capacity: DemoCapacity::Current {
                    level: "full",
                    hours_left: 4,
                },
                audit: DemoAudit::AssuredDaysAgo(7),
                ..SITE
            },
            DemoSite {
                name: "Westcountry Companion Vets, Portishead",
                address: "15 High Street",
                town: "Portishead",
                postcode: "BS20 6EL",
                latitude: 51.4838,
                longitude: -2.7667,
                phone: "01275 960600",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Hotwells"),
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                audit: DemoAudit::AssuredDaysAgo(110),
                ..SITE
            },
            DemoSite {
                name: "Westcountry Companion Vets, Yatton",
                address: "58 High Street",
                town: "Yatton",
                postcode: "BS49 4HJ",
                latitude: 51.3885,
                longitude: -2.8203,
                phone: "01934 960600",
                hours: Some("Mo-Fr 08:30-18:00; PH off"),
                cover: DemoCover::Site("Worle Gateway Emergency Vets"),
                capabilities: &["radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                audit: DemoAudit::AssuredDaysAgo(300),
                ..SITE
            },
            DemoSite {
                name: "Westcountry Companion Vets, Long Ashton",
                address: "104 Long Ashton Road",
                town: "Long Ashton",
                postcode: "BS41 9LH",
                latitude: 51.4312,
                longitude: -2.6487,
                phone: "01275 960601",
                hours: Some("Mo-Fr 09:00-17:30; PH off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Hotwells"),
                capabilities: &["inhalant_anaesthesia"],
                species: &[
                    "small_mammal/guinea_pig",
                    "small_mammal/hamster",
                    "small_mammal/rabbit",
                ],
                limits: NO_WILDLIFE,
                ..SITE
            },
            DemoSite {
                name: "Westcountry Companion Vets, Shirehampton",
                address: "22 High Street",
                town: "Bristol",
                postcode: "BS11 0DP",
                latitude: 51.4872,
                longitude: -2.6787,
                phone: "0117 496 0611",
                hours: Some("Mo-Fr 08:30-18:30; Sa 09:00-12:00; PH off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Hotwells"),
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                audit: DemoAudit::AssuredDaysAgo(140),
                ..SITE
            },
            DemoSite {
                name: "Westcountry Companion Vets, Henleaze",
                address: "130 Henleaze Road",
                town: "Bristol",
                postcode: "BS9 4NB",
                latitude: 51.4882,
                longitude: -2.6047,
                phone: "0117 496 0612",
                hours: Some("Mo-Fr 08:30-19:00; Sa 09:00-12:00; PH off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Filton"),
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                audit: DemoAudit::AssuredDaysAgo(25),
                ..SITE
            },
            DemoSite {
                name: "Westcountry Companion Vets, Fishponds",
                address: "702 Fishponds Road",
                town: "Bristol",
                postcode: "BS16 3UH",
                latitude: 51.4811,
                longitude: -2.5262,
                phone: "0117 496 0613",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::Site("Kingswood Night Vets"),
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 9,
                },
                audit: DemoAudit::AssuredDaysAgo(170),
                ..SITE
            },
            DemoSite {
                name: "Westcountry Companion Vets, Keynsham",
                address: "29 Temple Street",
                town: "Keynsham",
                postcode: "BS31 1HF",
                latitude: 51.4121,
                longitude: -2.4962,
                phone: "0117 496 0614",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Hotwells"),
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 10,
                },
                audit: DemoAudit::AssuredDaysAgo(44),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Ruby Adeyinka",
                email: "ruby.adeyinka@westcountrycompanion.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Mark Ellery",
                email: "mark.ellery@westcountrycompanion.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Sinead Walsh",
                email: "sinead.walsh@westcountrycompanion.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Mendip & Levels Veterinary Partnership",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://mendiplevels.example"),
        description: "Rural partnership of eight surgeries from Cheddar to Burnham-on-Sea. Small-mammal appointments at every branch, rodent dentistry and ultrasound at Wells; out-of-hours cover by Somerset Levels Emergency Vets and the Mendip University Teaching Hospital.",
        sites: &[
            DemoSite {
                name: "Mendip & Levels Vets, Cheddar",
                address: "7 Union Street",
                town: "Cheddar",
                postcode: "BS27 3NA",
                latitude: 51.2779,
                longitude: -2.7762,
                phone: "01934 960601",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::Site("Mendip University Teaching Hospital"),
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                email: Some("cheddar@mendiplevels.example"),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 9,
                },
                audit: DemoAudit::AssuredDaysAgo(35),
                ..SITE
            },
            DemoSite {
                name: "Mendip & Levels Vets, Axbridge",
                address: "2 Moorland Street",
                town: "Axbridge",
                postcode: "BS26 2BA",
                latitude: 51.2867,
                longitude: -2.8189,
                phone: "01934 960602",
                hours: Some("Mo,We,Fr 09:00-17:00; PH off"),
                cover: DemoCover::Site("Mendip University Teaching Hospital"),
                capabilities: &["radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                ..SITE
            },
            DemoSite {
                name: "Mendip & Levels Vets, Winscombe",
                address: "31 Sandford Road",
                town: "Winscombe",
                postcode: "BS25 1JA",
                latitude: 51.3157,
                longitude: -2.8331,
                phone: "01934 960603",
                hours: Some("Mo-Fr 08:30-18:30; Sa 09:00-12:00; PH off"),
                cover: DemoCover::Site("Mendip University Teaching Hospital"),
                capabilities: &["inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                audit: DemoAudit::AssuredDaysAgo(35),
                ..SITE
            },
            DemoSite {
                name: "Mendip & Levels Vets, Wells",
                address: "18 Priory Road",
                town: "Wells",
                postcode: "BA5 1SY",
                latitude: 51.2087,
                longitude: -2.6498,
                phone: "01749 960600",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::Site("Somerset Levels Emergency Vets, Highbridge"),
                capabilities: &[
                    "dentistry",
                    "fluid_therapy",
                    "inhalant_anaesthesia",
                    "radiography",
                    "ultrasound",
                ],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                private_phone: Some("01749 960601"),
                email: Some("wells@mendiplevels.example"),
                referral: Some(DemoContact {
                    name: "Owain Pritchard",
                    phone: "01749 960602",
                    email: Some("wells@mendiplevels.example"),
                }),
                audit: DemoAudit::AssuredDaysAgo(35),
                ..SITE
            },
            DemoSite {
                name: "Mendip & Levels Vets, Shepton Mallet",
                address: "44 Commercial Road",
                town: "Shepton Mallet",
                postcode: "BA4 5DN",
                latitude: 51.1906,
                longitude: -2.5469,
                phone: "01749 960603",
                hours: Some("Mo-Fr 08:30-18:30; Sa 09:00-12:00; PH off"),
                cover: DemoCover::Site("Somerset Levels Emergency Vets, Highbridge"),
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                audit: DemoAudit::AssuredDaysAgo(220),
                ..SITE
            },
            DemoSite {
                name: "Mendip & Levels Vets, Glastonbury",
                address: "9 Chilkwell Street",
                town: "Glastonbury",
                postcode: "BA6 8DB",
                latitude: 51.1463,
                longitude: -2.7124,
                phone: "01458 960600",
                hours: Some("Mo-Fr 08:30-18:00; PH off"),
                cover: DemoCover::Site("Somerset Levels Emergency Vets, Highbridge"),
                capabilities: &["inhalant_anaesthesia"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                ..SITE
            },
            DemoSite {
                name: "Mendip & Levels Vets, Street",
                address: "61 High Street",
                town: "Street",
                postcode: "BA16 0EP",
                latitude: 51.1274,
                longitude: -2.7389,
                phone: "01458 960601",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-12:00; PH off"),
                cover: DemoCover::Site("Somerset Levels Emergency Vets, Highbridge"),
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                capacity: DemoCapacity::Current {
                    level: "full",
                    hours_left: 6,
                },
                audit: DemoAudit::AssuredDaysAgo(80),
                ..SITE
            },
            DemoSite {
                name: "Mendip & Levels Vets, Burnham-on-Sea",
                address: "120 Berrow Road",
                town: "Burnham-on-Sea",
                postcode: "TA8 2PN",
                latitude: 51.2446,
                longitude: -2.9962,
                phone: "01278 960600",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::Site("Somerset Levels Emergency Vets, Highbridge"),
                capabilities: &[
                    "blood_analysis",
                    "fluid_therapy",
                    "inhalant_anaesthesia",
                    "radiography",
                ],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                audit: DemoAudit::AssuredDaysAgo(80),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Owain Pritchard",
                email: "owain.pritchard@mendiplevels.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Lydia Crane",
                email: "lydia.crane@mendiplevels.demo",
                role: "clinician",
            },
        ],
    },
    DemoOrg {
        name: "Somerset Levels Emergency Vets",
        kind: "emergency_hospital",
        membership: "vetted",
        website: Some("https://levelsemergency.example"),
        description: "Emergency service for the Levels and the Mendip coast: a 24-hour hospital at Highbridge with oxygen cages and an exotic-trained night vet, and an out-of-hours clinic in Shepton Mallet on weeknights and weekends.",
        sites: &[
            DemoSite {
                name: "Somerset Levels Emergency Vets, Highbridge",
                address: "Unit 2, Walrow Industrial Estate",
                town: "Highbridge",
                postcode: "TA9 4AG",
                latitude: 51.2201,
                longitude: -2.9712,
                phone: "01278 960601",
                hours: Some("24/7"),
                capabilities: &[
                    "blood_analysis",
                    "exotic_anaesthesia",
                    "fluid_therapy",
                    "inhalant_anaesthesia",
                    "intensive_care",
                    "oxygen_cage",
                    "oxygen_therapy",
                    "radiography",
                ],
                species: &["small_mammal", "wildlife"],
                limits: DemoLimits {
                    deposit_required: true,
                    ..NO_LIMITS
                },
                private_phone: Some("01278 960602"),
                email: Some("er@levelsemergency.example"),
                referral: Some(DemoContact {
                    name: "Grace Tillman",
                    phone: "01278 960603",
                    email: Some("referrals@levelsemergency.example"),
                }),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 6,
                },
                audit: DemoAudit::AssuredDaysAgo(11),
                ..SITE
            },
            DemoSite {
                name: "Somerset Levels Emergency Vets, Shepton Mallet",
                address: "5 Townsend Retail Park",
                town: "Shepton Mallet",
                postcode: "BA4 5BG",
                latitude: 51.1862,
                longitude: -2.5521,
                phone: "01749 960604",
                hours: Some("Mo-Fr 00:00-08:00,18:00-24:00; Sa,Su,PH 00:00-24:00"),
                capabilities: &[
                    "fluid_therapy",
                    "inhalant_anaesthesia",
                    "oxygen_therapy",
                    "radiography",
                ],
                species: &["small_mammal", "wildlife"],
                limits: DemoLimits {
                    deposit_required: true,
                    ..NO_LIMITS
                },
                capacity: DemoCapacity::Lapsed {
                    level: "normal",
                    hours_ago: 50,
                },
                audit: DemoAudit::AssuredDaysAgo(11),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Grace Tillman",
                email: "grace.tillman@levelsemergency.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Ravi Menon",
                email: "ravi.menon@levelsemergency.demo",
                role: "clinician",
            },
        ],
    },
    DemoOrg {
        name: "Kingswood Night Vets",
        kind: "emergency_hospital",
        membership: "vetted",
        website: Some("https://kingswoodnight.example"),
        description: "Out-of-hours emergency clinics for east Bristol and South Gloucestershire, open from the evening until the morning on weekdays and around the clock at weekends and on bank holidays. Stabilises exotics and transfers them to the partner practice in the morning.",
        sites: &[
            DemoSite {
                name: "Kingswood Night Vets",
                address: "2 Tower Road North",
                town: "Bristol",
                postcode: "BS15 8XT",
                latitude: 51.4621,
                longitude: -2.5003,
                phone: "0117 496 0615",
                hours: Some("Mo-Fr 00:00-08:00,18:30-24:00; Sa,Su,PH 00:00-24:00"),
                capabilities: &[
                    "fluid_therapy",
                    "inhalant_anaesthesia",
                    "oxygen_cage",
                    "oxygen_therapy",
                    "radiography",
                ],
                species: &["small_mammal"],
                limits: DemoLimits {
                    no_wildlife: true,
                    deposit_required: true,
                    ..NO_LIMITS
                },
                private_phone: Some("0117 496 0616"),
                email: Some("nights@kingswoodnight.example"),
                referral: Some(DemoContact {
                    name: "Ada Whitcombe",
                    phone: "0117 496 0617",
                    email: None,
                }),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 10,
                },
                audit: DemoAudit::AssuredDaysAgo(16),
                ..SITE
            },
            DemoSite {
                name: "Kingswood Night Vets, Emersons Green",
                address: "14 Emerson Way",
                town: "Bristol",
                postcode: "BS16 7AP",
                latitude: 51.5031,
                longitude: -2.4935,
                phone: "0117 496 0618",
                hours: Some(
                    "Mo-Fr 00:00-07:30,19:00-24:00; Sa 00:00-07:30,08:00-20:00; Su,PH 08:00-20:00",
                ),
                capabilities: &["fluid_therapy", "oxygen_therapy"],
                species: &["small_mammal"],
                limits: DemoLimits {
                    no_wildlife: true,
                    deposit_required: true,
                    ..NO_LIMITS
                },
                audit: DemoAudit::AssuredDaysAgo(240),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Ada Whitcombe",
                email: "ada.whitcombe@kingswoodnight.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Jamal Osei",
                email: "jamal.osei@kingswoodnight.demo",
                role: "clinician",
            },
        ],
    },
    DemoOrg {
        name: "Cotswold Edge Veterinary Group",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://cotswoldedgevets.example"),
        description: "Six practices along the Cotswold edge between Thornbury and Dursley, with a shared exotic-interest vet who rotates between branches and a nurse-led small-mammal clinic at Wotton. Overnight calls go to the group's on-call vet.",
        sites: &[
            DemoSite {
                name: "Cotswold Edge Vets, Thornbury",
                address: "3 Rock Street",
                town: "Thornbury",
                postcode: "BS35 2AP",
                latitude: 51.6093,
                longitude: -2.5247,
                phone: "01454 960600",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Filton"),
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                email: Some("thornbury@cotswoldedgevets.example"),
                audit: DemoAudit::AssuredDaysAgo(66),
                ..SITE
            },
            DemoSite {
                name: "Cotswold Edge Vets, Alveston",
                address: "47 Gloucester Road",
                town: "Alveston",
                postcode: "BS35 3QT",
                latitude: 51.5871,
                longitude: -2.5289,
                phone: "01454 960601",
                hours: Some("Mo-Fr 09:00-17:00; PH off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Filton"),
                capabilities: &["inhalant_anaesthesia"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                ..SITE
            },
            DemoSite {
                name: "Cotswold Edge Vets, Wickwar",
                address: "21 High Street",
                town: "Wickwar",
                postcode: "GL12 8NE",
                latitude: 51.5952,
                longitude: -2.3983,
                phone: "01454 960602",
                hours: Some("Mo,Tu,Th 09:00-13:00; PH off"),
                cover: DemoCover::OnCall {
                    name: "Cotswold Edge on-call vet",
                    phone: "07700 900121",
                },
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                ..SITE
            },
            DemoSite {
                name: "Cotswold Edge Vets, Wotton-under-Edge",
                address: "52 Long Street",
                town: "Wotton-under-Edge",
                postcode: "GL12 7BX",
                latitude: 51.6379,
                longitude: -2.3497,
                phone: "01453 960600",
                hours: Some("Mo-Fr 08:30-18:30; Sa 09:00-12:00; PH off"),
                cover: DemoCover::OnCall {
                    name: "Cotswold Edge on-call vet",
                    phone: "07700 900121",
                },
                capabilities: &[
                    "dentistry",
                    "fluid_therapy",
                    "inhalant_anaesthesia",
                    "radiography",
                ],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 7,
                },
                audit: DemoAudit::AssuredDaysAgo(66),
                ..SITE
            },
            DemoSite {
                name: "Cotswold Edge Vets, Dursley",
                address: "8 Parsonage Street",
                town: "Dursley",
                postcode: "GL11 4EA",
                latitude: 51.6814,
                longitude: -2.3541,
                phone: "01453 960601",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::OnCall {
                    name: "Cotswold Edge on-call vet",
                    phone: "07700 900121",
                },
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                audit: DemoAudit::AssuredDaysAgo(330),
                ..SITE
            },
            DemoSite {
                name: "Cotswold Edge Vets, Yate Station Road",
                address: "110 Station Road",
                town: "Yate",
                postcode: "BS37 4PQ",
                latitude: 51.5396,
                longitude: -2.4262,
                phone: "01454 960603",
                hours: Some("Mo-Fr 08:00-19:00; PH off"),
                cover: DemoCover::Site("Avon Gorge Emergency Vets, Filton"),
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                capacity: DemoCapacity::Current {
                    level: "full",
                    hours_left: 5,
                },
                audit: DemoAudit::AssuredDaysAgo(66),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Helena Marsh",
                email: "helena.marsh@cotswoldedgevets.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Piotr Nowicki",
                email: "piotr.nowicki@cotswoldedgevets.demo",
                role: "clinician",
            },
        ],
    },
    DemoOrg {
        name: "Wiltshire Vale Vets",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://wiltshirevale.example"),
        description: "West Wiltshire practice group with a rabbit-friendly accreditation at every branch and an exotics nurse team based at Melksham. Out-of-hours cover by Pewsham Emergency Animal Hospital.",
        sites: &[
            DemoSite {
                name: "Wiltshire Vale Vets, Corsham",
                address: "19 High Street",
                town: "Corsham",
                postcode: "SN13 0ES",
                latitude: 51.4331,
                longitude: -2.1859,
                phone: "01249 960600",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::Site("Pewsham Emergency Animal Hospital"),
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                audit: DemoAudit::AssuredDaysAgo(90),
                ..SITE
            },
            DemoSite {
                name: "Wiltshire Vale Vets, Calne",
                address: "6 Church Street",
                town: "Calne",
                postcode: "SN11 0HU",
                latitude: 51.4383,
                longitude: -2.0041,
                phone: "01249 960601",
                hours: Some("Mo-Fr 08:30-18:30; Sa 09:00-12:00; PH off"),
                cover: DemoCover::Site("Pewsham Emergency Animal Hospital"),
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                audit: DemoAudit::AssuredDaysAgo(90),
                ..SITE
            },
            DemoSite {
                name: "Wiltshire Vale Vets, Melksham",
                address: "33 Bank Street",
                town: "Melksham",
                postcode: "SN12 6LE",
                latitude: 51.3729,
                longitude: -2.1381,
                phone: "01225 960600",
                hours: Some("Mo-Fr 08:00-20:00; Sa 09:00-16:00; PH off"),
                cover: DemoCover::Site("Pewsham Emergency Animal Hospital"),
                capabilities: &[
                    "blood_analysis",
                    "exotic_anaesthesia",
                    "fluid_therapy",
                    "inhalant_anaesthesia",
                    "oxygen_cage",
                    "oxygen_therapy",
                    "radiography",
                ],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                private_phone: Some("01225 960601"),
                email: Some("melksham@wiltshirevale.example"),
                referral: Some(DemoContact {
                    name: "Tamsin Hale",
                    phone: "01225 960602",
                    email: Some("exotics@wiltshirevale.example"),
                }),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 11,
                },
                audit: DemoAudit::AssuredDaysAgo(13),
            },
            DemoSite {
                name: "Wiltshire Vale Vets, Trowbridge",
                address: "71 Castle Street",
                town: "Trowbridge",
                postcode: "BA14 8AS",
                latitude: 51.3189,
                longitude: -2.2079,
                phone: "01225 960603",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::Site("Pewsham Emergency Animal Hospital"),
                capabilities: &["fluid_therapy", "inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                audit: DemoAudit::AssuredDaysAgo(205),
                ..SITE
            },
            DemoSite {
                name: "Wiltshire Vale Vets, Bradford-on-Avon",
                address: "4 Silver Street",
                town: "Bradford-on-Avon",
                postcode: "BA15 1JY",
                latitude: 51.3468,
                longitude: -2.2508,
                phone: "01225 960604",
                hours: Some("Mo-Fr 09:00-18:00; PH off"),
                cover: DemoCover::Site("Lansdown 24 Veterinary Hospital"),
                capabilities: &["inhalant_anaesthesia"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                ..SITE
            },
            DemoSite {
                name: "Wiltshire Vale Vets, Hardenhuish",
                address: "2 Hardenhuish Lane",
                town: "Chippenham",
                postcode: "SN14 6HH",
                latitude: 51.4652,
                longitude: -2.1311,
                phone: "01249 960602",
                hours: Some("Mo-Fr 08:30-18:30; PH off"),
                cover: DemoCover::Site("Pewsham Emergency Animal Hospital"),
                capabilities: &["radiography"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                audit: DemoAudit::AssuredDaysAgo(90),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Tamsin Hale",
                email: "tamsin.hale@wiltshirevale.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "George Akande",
                email: "george.akande@wiltshirevale.demo",
                role: "clinician",
            },
        ],
    },
    DemoOrg {
        name: "Bath Exotic Pet Practice",
        kind: "clinic",
        membership: "vetted",
        website: Some("https://bathexoticpets.example"),
        description: "Exotics-only practice for Bath and the Somer Valley: rodents, rabbits, ferrets and other small mammals, with an oxygen cage, in-house bloods and a late clinic on Thursdays until 21:00. Emergency cover by Lansdown 24.",
        sites: &[
            DemoSite {
                name: "Bath Exotic Pet Practice, Oldfield Park",
                address: "88 Moorland Road",
                town: "Bath",
                postcode: "BA2 3PW",
                latitude: 51.3784,
                longitude: -2.3791,
                phone: "01225 960605",
                hours: Some("Mo-We,Fr 08:30-19:00; Th 08:30-21:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::Site("Lansdown 24 Veterinary Hospital"),
                capabilities: &[
                    "blood_analysis",
                    "dentistry",
                    "exotic_anaesthesia",
                    "exotic_surgery",
                    "inhalant_anaesthesia",
                    "oxygen_cage",
                    "oxygen_therapy",
                    "radiography",
                ],
                species: &["small_mammal"],
                limits: DemoLimits {
                    max_weight_grams: Some(3000),
                    no_wildlife: true,
                    notes: Some("Small mammals up to 3 kg; larger rabbits go to Lansdown 24."),
                    ..NO_LIMITS
                },
                private_phone: Some("01225 960606"),
                email: Some("hello@bathexoticpets.example"),
                referral: Some(DemoContact {
                    name: "Clara Fenwick",
                    phone: "01225 960607",
                    email: Some("referrals@bathexoticpets.example"),
                }),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 6,
                },
                audit: DemoAudit::AssuredDaysAgo(4),
            },
            DemoSite {
                name: "Bath Exotic Pet Practice, Combe Down",
                address: "3 The Avenue",
                town: "Bath",
                postcode: "BA2 5EH",
                latitude: 51.3596,
                longitude: -2.3508,
                phone: "01225 960608",
                hours: Some("Mo-Fr 09:00-17:30; PH off"),
                cover: DemoCover::Site("Lansdown 24 Veterinary Hospital"),
                capabilities: &["exotic_anaesthesia", "inhalant_anaesthesia"],
                species: &["small_mammal"],
                limits: DemoLimits {
                    max_weight_grams: Some(3000),
                    no_wildlife: true,
                    ..NO_LIMITS
                },
                audit: DemoAudit::AssuredDaysAgo(4),
                ..SITE
            },
            DemoSite {
                name: "Bath Exotic Pet Practice, Weston",
                address: "42 High Street",
                town: "Bath",
                postcode: "BA1 4DB",
                latitude: 51.3951,
                longitude: -2.3893,
                phone: "01225 960609",
                hours: Some("Mo-Fr 09:00-17:30; Sa 09:00-12:00; PH off"),
                cover: DemoCover::Site("Lansdown 24 Veterinary Hospital"),
                capabilities: &["inhalant_anaesthesia", "radiography"],
                species: &["small_mammal"],
                limits: DemoLimits {
                    max_weight_grams: Some(3000),
                    no_wildlife: true,
                    ..NO_LIMITS
                },
                capacity: DemoCapacity::Lapsed {
                    level: "full",
                    hours_ago: 6,
                },
                audit: DemoAudit::AssuredDaysAgo(195),
                ..SITE
            },
            DemoSite {
                name: "Bath Exotic Pet Practice, Peasedown St John",
                address: "1 Greenlands Road",
                town: "Peasedown St John",
                postcode: "BA2 8EZ",
                latitude: 51.3157,
                longitude: -2.4218,
                phone: "01761 960600",
                hours: Some("Tu,Th 14:00-19:00; Sa 09:00-12:00; PH off"),
                cover: DemoCover::Site("Lansdown 24 Veterinary Hospital"),
                capabilities: &["inhalant_anaesthesia"],
                species: &["small_mammal"],
                limits: DemoLimits {
                    max_weight_grams: Some(3000),
                    no_wildlife: true,
                    ..NO_LIMITS
                },
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Clara Fenwick",
                email: "clara.fenwick@bathexoticpets.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Nikhil Rao",
                email: "nikhil.rao@bathexoticpets.demo",
                role: "clinician",
            },
            DemoPerson {
                name: "Bea Lister",
                email: "bea.lister@bathexoticpets.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Avon Hedgehog Network",
        kind: "wildlife_rehabilitator",
        membership: "vetted",
        website: Some("https://avonhedgehogs.example"),
        description: "Volunteer network of licensed hedgehog carers across the old county of Avon and east Somerset. Each hub has heat pads, scales and a parasite microscope; casualties are admitted by phone arrangement and very sick hogs go on to Brambleside Hedgehog Hospital.",
        sites: &[
            DemoSite {
                name: "Avon Hedgehog Network, Thornbury hub",
                address: "9 Gillingstool",
                town: "Thornbury",
                postcode: "BS35 2EG",
                latitude: 51.6062,
                longitude: -2.5184,
                phone: "01454 960604",
                hours: Some("Mo-Su 09:00-21:00 unknown \"call first\""),
                capabilities: &["fluid_therapy", "wildlife_rehabilitation"],
                species: &["wildlife/hedgehog"],
                limits: DemoLimits {
                    notes: Some("Call before bringing a hedgehog: the hub is a carer's home."),
                    ..NO_LIMITS
                },
                capacity: DemoCapacity::Current {
                    level: "full",
                    hours_left: 24,
                },
                audit: DemoAudit::AssuredDaysAgo(48),
                ..SITE
            },
            DemoSite {
                name: "Avon Hedgehog Network, Portishead hub",
                address: "27 Brampton Way",
                town: "Portishead",
                postcode: "BS20 6YW",
                latitude: 51.4783,
                longitude: -2.7546,
                phone: "01275 960602",
                hours: Some("Mo-Su 09:00-21:00 unknown \"call first\""),
                capabilities: &["wildlife_rehabilitation"],
                species: &["wildlife/hedgehog"],
                limits: DemoLimits {
                    notes: Some("Call before bringing a hedgehog: the hub is a carer's home."),
                    ..NO_LIMITS
                },
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 24,
                },
                audit: DemoAudit::AssuredDaysAgo(48),
                ..SITE
            },
            DemoSite {
                name: "Avon Hedgehog Network, Keynsham hub",
                address: "15 Charlton Road",
                town: "Keynsham",
                postcode: "BS31 2JG",
                latitude: 51.4103,
                longitude: -2.5039,
                phone: "0117 496 0619",
                hours: Some("Mo-Su 09:00-21:00 unknown \"call first\""),
                capabilities: &["wildlife_rehabilitation"],
                species: &["wildlife/hedgehog"],
                limits: DemoLimits {
                    notes: Some("Call before bringing a hedgehog: the hub is a carer's home."),
                    ..NO_LIMITS
                },
                ..SITE
            },
            DemoSite {
                name: "Avon Hedgehog Network, Uphill hub",
                address: "6 Uphill Way",
                town: "Weston-super-Mare",
                postcode: "BS23 4TH",
                latitude: 51.3227,
                longitude: -2.9766,
                phone: "01934 960604",
                hours: Some("Mo-Su 09:00-21:00 unknown \"call first\""),
                capabilities: &["fluid_therapy", "wildlife_rehabilitation"],
                species: &["wildlife/hedgehog"],
                limits: DemoLimits {
                    notes: Some("Call before bringing a hedgehog: the hub is a carer's home."),
                    ..NO_LIMITS
                },
                capacity: DemoCapacity::Lapsed {
                    level: "full",
                    hours_ago: 72,
                },
                audit: DemoAudit::AssuredDaysAgo(260),
                ..SITE
            },
            DemoSite {
                name: "Avon Hedgehog Network, Frome hub",
                address: "12 Nunney Road",
                town: "Frome",
                postcode: "BA11 4LA",
                latitude: 51.2262,
                longitude: -2.3355,
                phone: "01373 960600",
                hours: Some("Mo-Su 09:00-21:00 unknown \"call first\""),
                capabilities: &["wildlife_rehabilitation"],
                species: &["wildlife/hedgehog"],
                limits: DemoLimits {
                    notes: Some("Call before bringing a hedgehog: the hub is a carer's home."),
                    ..NO_LIMITS
                },
                audit: DemoAudit::AssuredDaysAgo(48),
                ..SITE
            },
            DemoSite {
                name: "Avon Hedgehog Network, Clevedon hub",
                address: "40 Old Street",
                town: "Clevedon",
                postcode: "BS21 6BY",
                latitude: 51.4396,
                longitude: -2.8492,
                phone: "01275 960603",
                hours: Some("Mo-Su 09:00-21:00 unknown \"call first\""),
                capabilities: &["wildlife_rehabilitation"],
                species: &["wildlife/hedgehog"],
                limits: DemoLimits {
                    notes: Some("Call before bringing a hedgehog: the hub is a carer's home."),
                    ..NO_LIMITS
                },
                audit: DemoAudit::AssuredDaysAgo(48),
                ..SITE
            },
            DemoSite {
                name: "Avon Hedgehog Network, Stockwood hub",
                address: "23 Stockwood Lane",
                town: "Bristol",
                postcode: "BS14 8SH",
                latitude: 51.4131,
                longitude: -2.5468,
                phone: "0117 496 0620",
                hours: Some("Mo-Su 09:00-21:00 unknown \"call first\""),
                capabilities: &["wildlife_rehabilitation"],
                species: &["wildlife/hedgehog"],
                limits: DemoLimits {
                    notes: Some("Call before bringing a hedgehog: the hub is a carer's home."),
                    ..NO_LIMITS
                },
                capacity: DemoCapacity::Current {
                    level: "closed",
                    hours_left: 48,
                },
                audit: DemoAudit::AssuredDaysAgo(130),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Marion Kettle",
                email: "marion.kettle@avonhedgehogs.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Dev Sharma",
                email: "dev.sharma@avonhedgehogs.demo",
                role: "volunteer",
            },
            DemoPerson {
                name: "Holly Brent",
                email: "holly.brent@avonhedgehogs.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "North Somerset Wildlife Rescue",
        kind: "wildlife_rehabilitator",
        membership: "vetted",
        website: Some("https://nswildlife.example"),
        description: "Wildlife casualty centre for North Somerset with a bird hospital, a mammal unit for foxes, badgers and deer fawns, and pre-release pens on the moors. Admissions 08:00-20:00; a volunteer answers the emergency mobile overnight.",
        sites: &[
            DemoSite {
                name: "North Somerset Wildlife Rescue, Congresbury",
                address: "Brinsea Road Farm",
                town: "Congresbury",
                postcode: "BS49 5JL",
                latitude: 51.3662,
                longitude: -2.8011,
                phone: "01934 960605",
                hours: Some("Mo-Su 08:00-20:00; Dec 25 10:00-14:00"),
                cover: DemoCover::OnCall {
                    name: "North Somerset Wildlife emergency mobile",
                    phone: "07700 900122",
                },
                capabilities: &[
                    "fluid_therapy",
                    "isolation_ward",
                    "quarantine",
                    "wildlife_rehabilitation",
                ],
                species: &["wildlife"],
                private_phone: Some("01934 960606"),
                email: Some("admissions@nswildlife.example"),
                referral: Some(DemoContact {
                    name: "Beth Lowther",
                    phone: "01934 960607",
                    email: Some("admissions@nswildlife.example"),
                }),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 12,
                },
                audit: DemoAudit::AssuredDaysAgo(27),
                ..SITE
            },
            DemoSite {
                name: "North Somerset Wildlife Rescue, Kenn Moor release pens",
                address: "Kenn Moor Drove",
                town: "Yatton",
                postcode: "BS49 4BJ",
                latitude: 51.4036,
                longitude: -2.8374,
                phone: "01934 960608",
                hours: Some("Mo-Su unknown \"release pens: no admissions\""),
                capabilities: &["release_aviaries", "wildlife_rehabilitation"],
                species: &["wildlife/bird", "wildlife/carnivore", "wildlife/deer"],
                limits: DemoLimits {
                    referral_only: true,
                    notes: Some(
                        "Pre-release pens: animals arrive only from the Congresbury hospital.",
                    ),
                    ..NO_LIMITS
                },
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Beth Lowther",
                email: "beth.lowther@nswildlife.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Callum Reyes",
                email: "callum.reyes@nswildlife.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Bristol Rat Haven",
        kind: "rescue",
        membership: "vetted",
        website: Some("https://bristolrathaven.example"),
        description: "Rat-only rescue with two foster hubs, specialising in respiratory and pituitary cases that need daily medication. Intakes by arrangement; adoptions in pairs or groups after a home check.",
        sites: &[
            DemoSite {
                name: "Bristol Rat Haven, Easton",
                address: "11 Stapleton Road",
                town: "Bristol",
                postcode: "BS5 0QR",
                latitude: 51.4652,
                longitude: -2.5631,
                phone: "0117 496 0621",
                hours: Some("Mo-Su 10:00-19:00 unknown \"by appointment\""),
                capabilities: &["quarantine"],
                species: &["small_mammal/rat"],
                limits: DemoLimits {
                    no_wildlife: true,
                    notes: Some("Rats only; pairs or groups rehomed together."),
                    ..NO_LIMITS
                },
                email: Some("squeaks@bristolrathaven.example"),
                capacity: DemoCapacity::Current {
                    level: "full",
                    hours_left: 120,
                },
                audit: DemoAudit::AssuredDaysAgo(52),
                ..SITE
            },
            DemoSite {
                name: "Bristol Rat Haven, Horfield",
                address: "63 Filton Avenue",
                town: "Bristol",
                postcode: "BS7 0AS",
                latitude: 51.4934,
                longitude: -2.5812,
                phone: "0117 496 0622",
                hours: Some("Sa,Su 11:00-15:00; Mo-Fr unknown \"by appointment\""),
                species: &["small_mammal/rat"],
                limits: NO_WILDLIFE,
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Jo Calloway",
                email: "jo.calloway@bristolrathaven.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Tilly Marsh",
                email: "tilly.marsh@bristolrathaven.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Selwood Rabbit & Cavy Sanctuary",
        kind: "shelter",
        membership: "vetted",
        website: Some("https://selwoodsanctuary.example"),
        description: "Sanctuary and rehoming centre for rabbits and guinea pigs from Frome to Warminster, with large outdoor runs, a bonding barn and a visiting vet every Tuesday. Owner surrenders go on a waiting list.",
        sites: &[
            DemoSite {
                name: "Selwood Sanctuary, Frome",
                address: "Marston Lane Farm",
                town: "Frome",
                postcode: "BA11 4DL",
                latitude: 51.2171,
                longitude: -2.3276,
                phone: "01373 960601",
                hours: Some("We-Su 10:00-16:00; Dec 24-Dec 26 off"),
                capabilities: &["isolation_ward", "quarantine"],
                species: &["small_mammal/guinea_pig", "small_mammal/rabbit"],
                limits: DemoLimits {
                    no_wildlife: true,
                    deposit_required: true,
                    notes: Some("Surrendering owners are asked for a donation towards neutering."),
                    ..NO_LIMITS
                },
                email: Some("homes@selwoodsanctuary.example"),
                capacity: DemoCapacity::Current {
                    level: "full",
                    hours_left: 168,
                },
                audit: DemoAudit::AssuredDaysAgo(31),
                ..SITE
            },
            DemoSite {
                name: "Selwood Sanctuary, Warminster adoption barn",
                address: "Station Road Yard",
                town: "Warminster",
                postcode: "BA12 9BR",
                latitude: 51.2058,
                longitude: -2.1818,
                phone: "01985 960600",
                hours: Some("Sa,Su 11:00-15:00"),
                species: &["small_mammal/guinea_pig", "small_mammal/rabbit"],
                limits: DemoLimits {
                    no_wildlife: true,
                    notes: Some("Adoptions only: no intake at this site."),
                    ..NO_LIMITS
                },
                audit: DemoAudit::AssuredDaysAgo(185),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Rosalind Hart",
                email: "rosalind.hart@selwoodsanctuary.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Ben Tovey",
                email: "ben.tovey@selwoodsanctuary.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Chew Valley Animal Shelter",
        kind: "shelter",
        membership: "vetted",
        website: Some("https://chewvalleyshelter.example"),
        description: "Rural shelter between the Chew Valley lakes and the Somer Valley, with a small-animal room, an isolation block and a foster scheme for nursing mothers. Takes strays from Bath and North East Somerset.",
        sites: &[
            DemoSite {
                name: "Chew Valley Animal Shelter, Chew Magna",
                address: "Winford Road",
                town: "Chew Magna",
                postcode: "BS40 8QB",
                latitude: 51.3685,
                longitude: -2.6163,
                phone: "01275 960604",
                hours: Some("Tu-Su 10:00-16:00; PH 10:00-13:00"),
                capabilities: &["isolation_ward", "quarantine"],
                species: &["small_mammal"],
                limits: NO_WILDLIFE,
                private_phone: Some("01275 960605"),
                email: Some("intake@chewvalleyshelter.example"),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 48,
                },
                audit: DemoAudit::AssuredDaysAgo(19),
                ..SITE
            },
            DemoSite {
                name: "Chew Valley Animal Shelter, Paulton",
                address: "14 High Street",
                town: "Paulton",
                postcode: "BS39 7QQ",
                latitude: 51.3076,
                longitude: -2.5026,
                phone: "01761 960601",
                hours: Some("Fr-Su 11:00-15:00"),
                species: &["small_mammal"],
                limits: DemoLimits {
                    no_wildlife: true,
                    notes: Some("Adoption shop: no intake."),
                    ..NO_LIMITS
                },
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Nora Blackwell",
                email: "nora.blackwell@chewvalleyshelter.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Ian Frost",
                email: "ian.frost@chewvalleyshelter.demo",
                role: "staff",
            },
        ],
    },
    DemoOrg {
        name: "Burrow Line Small Pet Telehealth",
        kind: "hotline",
        membership: "vetted",
        website: Some("https://burrowline.example"),
        description: "Round-the-clock video consultations with vets and nurses experienced in rodents and rabbits: triage with the network protocol, medication checks and post-operative reviews, with referral to the nearest open clinic when an animal needs to be seen.",
        sites: &[DemoSite {
            name: "Burrow Line Telehealth Hub",
            address: "Floor 4, 1 Temple Quay",
            town: "Bristol",
            postcode: "BS1 6DZ",
            latitude: 51.4514,
            longitude: -2.5811,
            phone: "0117 496 0623",
            hours: Some("24/7"),
            capabilities: &["telemedicine"],
            species: &["small_mammal"],
            limits: DemoLimits {
                notes: Some("Remote consultations only: no animals are seen on site."),
                ..NO_LIMITS
            },
            email: Some("vets@burrowline.example"),
            audit: DemoAudit::AssuredDaysAgo(9),
            ..SITE
        }],
        staff: &[
            DemoPerson {
                name: "Amelia Stone",
                email: "amelia.stone@burrowline.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Sunil Varma",
                email: "sunil.varma@burrowline.demo",
                role: "clinician",
            },
        ],
    },
    DemoOrg {
        name: "Wessex Exotic Referrals",
        kind: "specialist_centre",
        membership: "vetted",
        website: Some("https://wessexexotic.example"),
        description: "Referral medicine and surgery for exotic pets with two hospitals: endoscopy, CT, intensive care with oxygen cages and a dedicated small-mammal anaesthetist. Referrals from network members; emergencies by arrangement with the duty clinician.",
        sites: &[
            DemoSite {
                name: "Wessex Exotic Referrals, Emersons Green",
                address: "Unit 9, Lysander Road",
                town: "Bristol",
                postcode: "BS16 7FR",
                latitude: 51.5007,
                longitude: -2.4897,
                phone: "0117 496 0624",
                hours: Some("Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off"),
                cover: DemoCover::OnCall {
                    name: "Wessex duty clinician",
                    phone: "07700 900123",
                },
                capabilities: &[
                    "blood_analysis",
                    "ct",
                    "endoscopy",
                    "exotic_anaesthesia",
                    "exotic_surgery",
                    "intensive_care",
                    "oxygen_cage",
                    "oxygen_therapy",
                    "radiography",
                    "ultrasound",
                ],
                species: &["small_mammal"],
                limits: DemoLimits {
                    no_wildlife: true,
                    referral_only: true,
                    deposit_required: true,
                    ..NO_LIMITS
                },
                private_phone: Some("0117 496 0625"),
                email: Some("referrals@wessexexotic.example"),
                referral: Some(DemoContact {
                    name: "Dr Laila Haddad",
                    phone: "0117 496 0626",
                    email: Some("referrals@wessexexotic.example"),
                }),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 24,
                },
                audit: DemoAudit::AssuredDaysAgo(6),
            },
            DemoSite {
                name: "Wessex Exotic Referrals, Trowbridge",
                address: "Unit 4, Canal Road",
                town: "Trowbridge",
                postcode: "BA14 8RQ",
                latitude: 51.3254,
                longitude: -2.2162,
                phone: "01225 960610",
                hours: Some("Mo-Fr 08:30-18:00; PH off"),
                cover: DemoCover::OnCall {
                    name: "Wessex duty clinician",
                    phone: "07700 900123",
                },
                capabilities: &[
                    "endoscopy",
                    "exotic_anaesthesia",
                    "exotic_surgery",
                    "oxygen_cage",
                    "radiography",
                    "ultrasound",
                ],
                species: &["small_mammal"],
                limits: DemoLimits {
                    no_wildlife: true,
                    referral_only: true,
                    deposit_required: true,
                    ..NO_LIMITS
                },
                capacity: DemoCapacity::Current {
                    level: "full",
                    hours_left: 8,
                },
                audit: DemoAudit::AssuredDaysAgo(6),
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Laila Haddad",
                email: "laila.haddad@wessexexotic.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Felix Moreau",
                email: "felix.moreau@wessexexotic.demo",
                role: "clinician",
            },
        ],
    },
    DemoOrg {
        name: "Brean Down Bird Hospital",
        kind: "wildlife_rehabilitator",
        membership: "vetted",
        website: Some("https://breandownbirds.example"),
        description: "Seabird and garden-bird hospital on the Somerset coast treating oiled, entangled and storm-blown birds, with a heated intensive-care room, swimming pools for seabirds and aviaries for pre-release conditioning.",
        sites: &[
            DemoSite {
                name: "Brean Down Bird Hospital",
                address: "South Road",
                town: "Brean",
                postcode: "TA8 2RS",
                latitude: 51.2937,
                longitude: -3.0093,
                phone: "01278 960604",
                hours: Some("Mo-Su 08:00-18:00; Dec 25 09:00-12:00"),
                cover: DemoCover::OnCall {
                    name: "Brean bird rescue mobile",
                    phone: "07700 900124",
                },
                capabilities: &[
                    "fluid_therapy",
                    "intensive_care",
                    "release_aviaries",
                    "wildlife_rehabilitation",
                ],
                species: &["wildlife/bird", "wildlife/raptor"],
                email: Some("birds@breandown.example"),
                capacity: DemoCapacity::Current {
                    level: "normal",
                    hours_left: 12,
                },
                audit: DemoAudit::AssuredDaysAgo(58),
                ..SITE
            },
            DemoSite {
                name: "Brean Down Bird Hospital, Burnham drop-off",
                address: "2 Pier Street",
                town: "Burnham-on-Sea",
                postcode: "TA8 1BT",
                latitude: 51.2391,
                longitude: -2.9995,
                phone: "01278 960605",
                hours: Some("Mo-Sa 09:00-17:00; PH off"),
                species: &["wildlife/bird"],
                limits: DemoLimits {
                    notes: Some("Drop-off point: birds are driven to the hospital twice a day."),
                    ..NO_LIMITS
                },
                ..SITE
            },
        ],
        staff: &[
            DemoPerson {
                name: "Tessa Morrow",
                email: "tessa.morrow@breandown.demo",
                role: "org_admin",
            },
            DemoPerson {
                name: "Kit Langley",
                email: "kit.langley@breandown.demo",
                role: "volunteer",
            },
        ],
    },
    DemoOrg {
        name: "Hanham Hamster Haven",
        kind: "rescue",
        membership: "applied",
        website: None,
        description: "New rescue for Syrian and dwarf hamsters in east Bristol, applying to join so partner clinics can refer surrendered and injured hamsters.",
        sites: &[DemoSite {
            name: "Hanham Hamster Haven",
            address: "31 High Street",
            town: "Bristol",
            postcode: "BS15 3DL",
            latitude: 51.4476,
            longitude: -2.5091,
            phone: "0117 496 0627",
            hours: Some("Mo-Su unknown \"by appointment\""),
            species: &["small_mammal/hamster"],
            limits: NO_WILDLIFE,
            ..SITE
        }],
        staff: &[DemoPerson {
            name: "Poppy Lark",
            email: "poppy.lark@hanhamhamsters.demo",
            role: "org_admin",
        }],
    },
    DemoOrg {
        name: "Yatton Pet Clinic",
        kind: "clinic",
        membership: "suspended",
        website: Some("https://yattonpetclinic.example"),
        description: "Small practice whose membership is suspended while its controlled-drug records are reviewed.",
        sites: &[DemoSite {
            name: "Yatton Pet Clinic",
            address: "9 North End",
            town: "Yatton",
            postcode: "BS49 4AL",
            latitude: 51.3931,
            longitude: -2.8231,
            phone: "01934 960609",
            hours: Some("Mo-Fr 09:00-17:30; PH off"),
            capabilities: &["radiography"],
            species: &["small_mammal"],
            limits: NO_WILDLIFE,
            audit: DemoAudit::AssuredDaysAgo(400),
            ..SITE
        }],
        staff: &[DemoPerson {
            name: "Graham Pyke",
            email: "graham.pyke@yattonpetclinic.demo",
            role: "org_admin",
        }],
    },
];

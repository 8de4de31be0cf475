//! The public directory published as Open Referral HSDS 3.0 read endpoints,
//! under `/api/hsds`, for aggregators and referral platforms that speak HSDS.
//!
//! Same data, same rules as the public directory ([`crate::routes::public`]):
//! only vetted organizations, only public fields — never private phones,
//! referral contacts or the names of staff — no sign-in, CORS open for `GET`,
//! and the same rate limits. Everything is read from the in-memory directory
//! [`Snapshot`]; organizations' own details (website, description) come from
//! the store.
//!
//! How Warren maps onto HSDS:
//!
//! - each vetted organization is an HSDS `organization`, its kind an
//!   `attribute` from the *organization kinds* taxonomy;
//! - each site is a `location` (address, coordinates, public phone, hours)
//!   **and** one `service` of its organization (care at that site, with the
//!   site's capabilities and accepted species as `attributes`, its
//!   limitations as eligibility, capacity as status and alert), joined by one
//!   `service_at_location`;
//! - opening hours become weekly RFC 5545 `schedules` (one per distinct
//!   interval, `byday` listing its days, local times with their UTC offset),
//!   each carrying the raw OpenStreetMap expression as its `description` —
//!   the expression stays the source of truth for holidays and exceptions;
//! - capabilities, species (hierarchical: `small_mammal/hamster` has the
//!   parent `small_mammal`) and organization kinds are three `taxonomies`.
//!
//! HSDS identifiers are UUIDs: organizations and locations keep Warren's
//! own; everything derived from them (services, services at locations,
//! addresses, phones, schedules, attributes, metadata, taxonomies and terms)
//! has a name-based UUID v5, so ids are stable across requests and replicas.
//!
//! Lists are paged as HSDS specifies (`page` from 1, `per_page` 1–200,
//! default 50; `total_items`, `total_pages`, `page_number`, `size`,
//! `first_page`, `last_page`, `empty`, `contents`) or, with `format=ndjson`,
//! streamed whole, one JSON object per line. A malformed or unknown query
//! parameter answers 400 naming it; an unknown id 404.

use std::cell::RefCell;
use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveTime, Offset, SecondsFormat, TimeZone, Utc,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use warren_domain::directory::CapacityStatus;
use warren_domain::directory::hours::{DayHours, Hours};
use warren_domain::directory::search::Query;
use warren_domain::directory::taxonomy::Taxonomy;
use warren_domain::{MembershipStatus, OrganizationKind};
use warren_store::organizations::{self as organization_store, OrganizationFilter};
use warren_store::sites::SiteRecord;
use warren_wire::{FieldError, Organization, PublicSite};

use crate::directory::{Snapshot, public_site, snapshot};
use crate::error::{ApiError, PublicProblems};
use crate::routes::public::{admit, cors};
use crate::state::AppState;

/// The HSDS version these endpoints implement.
pub const HSDS_VERSION: &str = "3.0";

/// Where HSDS 3.0 is documented; Warren publishes no profile of its own.
pub const HSDS_PROFILE: &str = "https://docs.openreferral.org/en/3.0/";

/// The page size when `per_page` is not given.
pub const DEFAULT_PER_PAGE: usize = 50;

/// Warren's namespace for the UUID v5 identifiers it derives for HSDS.
const NAMESPACE: Uuid = Uuid::from_u128(0x8d2c_61f4_0b7e_4a35_9c1d_5e3a_7f60_b2c9);

/// How many weeks ahead to look for a week without public holidays when
/// turning opening hours into a regular weekly schedule.
const WEEKS_TO_FIND_A_REGULAR_ONE: i64 = 8;

/// The longest distance `proximity` accepts, in metres (the directory
/// search's own limit).
const MAX_PROXIMITY_METRES: f64 = warren_domain::directory::search::MAX_RADIUS_KM * 1000.0;

/// The most organizations one answer considers.
const MAX_ORGANIZATIONS: i64 = 1_000_000;

/// Registers the HSDS scope, `/api/hsds`.
pub fn routes(config: &mut ServiceConfig) {
    config.service(
        scope("/api/hsds")
            .wrap(cors())
            .route("", web::get().to(about_api))
            .service(about)
            .service(list_services)
            .service(read_service)
            .service(list_organizations)
            .service(read_organization)
            .service(list_services_at_locations)
            .service(read_service_at_location)
            .service(list_taxonomies)
            .service(read_taxonomy)
            .service(list_taxonomy_terms)
            .service(read_taxonomy_term),
    );
}

// ---------------------------------------------------------------------------
// What HSDS documents look like. Optional fields are left out when empty;
// nested arrays appear only in fully nested answers.
// ---------------------------------------------------------------------------

/// `GET /`: what this API is.
#[derive(Debug, Serialize)]
struct About {
    version: &'static str,
    profile: &'static str,
    openapi_url: String,
}

/// One page of a list.
#[derive(Debug, Serialize)]
struct Page<T> {
    total_items: usize,
    total_pages: usize,
    page_number: usize,
    size: usize,
    first_page: bool,
    last_page: bool,
    empty: bool,
    contents: Vec<T>,
}

#[derive(Debug, Clone, Serialize)]
struct HsdsOrganization {
    id: Uuid,
    name: String,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    website: Option<String>,
    #[serde(flatten)]
    nested: Option<OrganizationNested>,
}

#[derive(Debug, Clone, Serialize)]
struct OrganizationNested {
    locations: Vec<Location>,
    services: Vec<Service>,
    attributes: Vec<Attribute>,
    metadata: Vec<Metadata>,
}

#[derive(Debug, Clone, Serialize)]
struct Service {
    id: Uuid,
    organization_id: Uuid,
    name: String,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    application_process: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fees_description: Option<String>,
    eligibility_description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    assured_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alert: Option<String>,
    last_modified: String,
    #[serde(flatten)]
    nested: Option<ServiceNested>,
}

/// A service as `minimal=true` lists it.
#[derive(Debug, Clone, Serialize)]
struct MinimalService {
    id: Uuid,
    name: String,
    status: &'static str,
    last_modified: String,
}

/// An entry of `/services`.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
enum Listed {
    Minimal(MinimalService),
    Service(Box<Service>),
}

#[derive(Debug, Clone, Serialize)]
struct ServiceNested {
    phones: Vec<Phone>,
    schedules: Vec<Schedule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_at_locations: Option<Vec<ServiceAtLocation>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization: Option<Box<HsdsOrganization>>,
    attributes: Vec<Attribute>,
    metadata: Vec<Metadata>,
}

#[derive(Debug, Clone, Serialize)]
struct Location {
    id: Uuid,
    location_type: &'static str,
    organization_id: Uuid,
    name: String,
    description: String,
    latitude: f64,
    longitude: f64,
    #[serde(flatten)]
    nested: Option<LocationNested>,
}

#[derive(Debug, Clone, Serialize)]
struct LocationNested {
    addresses: Vec<Address>,
    phones: Vec<Phone>,
    schedules: Vec<Schedule>,
    metadata: Vec<Metadata>,
}

#[derive(Debug, Clone, Serialize)]
struct ServiceAtLocation {
    id: Uuid,
    service_id: Uuid,
    location_id: Uuid,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<Service>,
}

#[derive(Debug, Clone, Serialize)]
struct Address {
    id: Uuid,
    location_id: Uuid,
    address_1: String,
    city: String,
    // Required by HSDS 3.0 but a US notion; Warren's sites have none.
    state_province: String,
    postal_code: String,
    country: String,
    address_type: &'static str,
}

#[derive(Debug, Clone, Serialize)]
struct Phone {
    id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    location_id: Option<Uuid>,
    service_id: Uuid,
    number: String,
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
}

#[derive(Debug, Clone, Serialize)]
struct Schedule {
    id: Uuid,
    service_id: Uuid,
    location_id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    freq: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wkst: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byday: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    opens_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    closes_at: Option<String>,
    description: String,
    notes: String,
}

#[derive(Debug, Clone, Serialize)]
struct Attribute {
    id: Uuid,
    link_id: Uuid,
    link_type: &'static str,
    link_entity: &'static str,
    taxonomy_term_id: Uuid,
    taxonomy_term: TaxonomyTerm,
}

#[derive(Debug, Clone, Serialize)]
struct TaxonomyTerm {
    id: Uuid,
    code: String,
    name: String,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_id: Option<Uuid>,
    taxonomy: &'static str,
    taxonomy_id: Uuid,
    language: &'static str,
    taxonomy_detail: HsdsTaxonomy,
}

#[derive(Debug, Clone, Serialize)]
struct HsdsTaxonomy {
    id: Uuid,
    name: &'static str,
    description: &'static str,
}

#[derive(Debug, Clone, Serialize)]
struct Metadata {
    id: Uuid,
    resource_id: Uuid,
    resource_type: &'static str,
    last_action_date: String,
    last_action_type: &'static str,
    field_name: String,
    previous_value: String,
    replacement_value: String,
    updated_by: String,
}

// ---------------------------------------------------------------------------
// Taxonomies and identifiers.
// ---------------------------------------------------------------------------

/// The vocabularies Warren publishes as HSDS taxonomies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Vocabulary {
    Capabilities,
    Species,
    OrganizationKinds,
}

impl Vocabulary {
    const ALL: [Self; 3] = [Self::Capabilities, Self::Species, Self::OrganizationKinds];

    fn key(self) -> &'static str {
        match self {
            Self::Capabilities => "capability",
            Self::Species => "species",
            Self::OrganizationKinds => "organization_kind",
        }
    }

    fn id(self) -> Uuid {
        Uuid::new_v5(&NAMESPACE, format!("taxonomy:{}", self.key()).as_bytes())
    }

    fn name(self) -> &'static str {
        match self {
            Self::Capabilities => "Warren capabilities",
            Self::Species => "Warren species",
            Self::OrganizationKinds => "Warren organization kinds",
        }
    }

    fn description(self) -> &'static str {
        match self {
            Self::Capabilities => {
                "What a site of the care network can do: imaging, oxygen, anaesthesia, surgery, isolation, rehabilitation…"
            }
            Self::Species => {
                "Which animals a site accepts, in groups: a site accepting a group (small_mammal) accepts every species in it (small_mammal/hamster)."
            }
            Self::OrganizationKinds => {
                "What kind of member of the care network an organization is: clinic, emergency hospital, rescue, wildlife rehabilitator…"
            }
        }
    }

    fn of(taxonomy: Taxonomy) -> Self {
        match taxonomy {
            Taxonomy::Capability => Self::Capabilities,
            Taxonomy::Species => Self::Species,
        }
    }

    fn detail(self) -> HsdsTaxonomy {
        HsdsTaxonomy {
            id: self.id(),
            name: self.name(),
            description: self.description(),
        }
    }
}

/// One term of a published vocabulary.
#[derive(Debug, Clone)]
struct Term {
    vocabulary: Vocabulary,
    code: String,
    label: String,
    parent: Option<String>,
}

impl Term {
    fn id(&self) -> Uuid {
        term_id(self.vocabulary, &self.code)
    }

    fn hsds(&self) -> TaxonomyTerm {
        let description = match (self.vocabulary, &self.parent) {
            (Vocabulary::Capabilities, _) => format!("Capability of a site: {}.", self.label),
            (Vocabulary::Species, None) => format!("Species group: {}.", self.label),
            (Vocabulary::Species, Some(_)) => format!("Species: {}.", self.label),
            (Vocabulary::OrganizationKinds, _) => format!("Kind of organization: {}.", self.label),
        };
        TaxonomyTerm {
            id: self.id(),
            code: self.code.clone(),
            name: self.label.clone(),
            description,
            parent_id: self
                .parent
                .as_ref()
                .map(|parent| term_id(self.vocabulary, parent)),
            taxonomy: self.vocabulary.name(),
            taxonomy_id: self.vocabulary.id(),
            language: "en",
            taxonomy_detail: self.vocabulary.detail(),
        }
    }
}

fn term_id(vocabulary: Vocabulary, code: &str) -> Uuid {
    Uuid::new_v5(
        &NAMESPACE,
        format!("taxonomy_term:{}:{code}", vocabulary.key()).as_bytes(),
    )
}

/// Every published term: capabilities, species (groups before their
/// species), then organization kinds.
fn terms(snapshot: &Snapshot) -> Vec<Term> {
    let vocabulary = snapshot.vocabulary();
    let mut terms: Vec<Term> = vocabulary
        .terms()
        .iter()
        .map(|term| {
            let code = term.code.as_str().to_owned();
            let parent = (term.taxonomy == Taxonomy::Species && !term.code.is_group())
                .then(|| term.code.group().to_owned())
                .filter(|group| vocabulary.find(Taxonomy::Species, group).is_some());
            Term {
                vocabulary: Vocabulary::of(term.taxonomy),
                code,
                label: term.label.clone(),
                parent,
            }
        })
        .collect();
    terms.extend(OrganizationKind::ALL.into_iter().map(|kind| Term {
        vocabulary: Vocabulary::OrganizationKinds,
        code: kind.as_str().to_owned(),
        label: kind.label().to_owned(),
        parent: None,
    }));
    terms
}

/// The ids HSDS objects derived from one site get.
struct SiteIds {
    location: Uuid,
    service: Uuid,
    service_at_location: Uuid,
}

impl SiteIds {
    fn of(site: Uuid) -> Self {
        Self {
            location: site,
            service: derived(site, "service"),
            service_at_location: derived(site, "service_at_location"),
        }
    }
}

/// A UUID v5 for the `what` of `parent`.
fn derived(parent: Uuid, what: &str) -> Uuid {
    Uuid::new_v5(&parent, format!("hsds:{what}").as_bytes())
}

fn date(at: DateTime<Utc>) -> String {
    at.date_naive().format("%Y-%m-%d").to_string()
}

fn date_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

// ---------------------------------------------------------------------------
// Building HSDS documents from the directory.
// ---------------------------------------------------------------------------

/// How deep a service is nested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Depth {
    /// One-to-one fields only, as in lists.
    Flat,
    /// With phones, schedules and attributes, but not the objects it hangs
    /// from (inside an organization or a service at location).
    Nested,
    /// Everything, with its services at locations and organization.
    Full,
}

/// Turns directory entries into HSDS documents, at one instant.
struct Publisher<'a> {
    snapshot: &'a Snapshot,
    organizations: &'a HashMap<Uuid, Organization>,
    terms: HashMap<(Vocabulary, String), Term>,
    /// Each site's schedules, which a nested service shows twice.
    schedules: RefCell<HashMap<Uuid, Vec<Schedule>>>,
    now: DateTime<Utc>,
}

impl<'a> Publisher<'a> {
    fn new(snapshot: &'a Snapshot, organizations: &'a HashMap<Uuid, Organization>) -> Self {
        Self {
            snapshot,
            organizations,
            terms: terms(snapshot)
                .into_iter()
                .map(|term| ((term.vocabulary, term.code.clone()), term))
                .collect(),
            schedules: RefCell::default(),
            now: Utc::now(),
        }
    }

    /// The public view of a site: everything below is built from it, so
    /// nothing private can leak into HSDS.
    fn public(&self, record: &SiteRecord) -> PublicSite {
        public_site(record, self.snapshot, self.now)
    }

    fn term(&self, vocabulary: Vocabulary, code: &str, label: &str) -> Term {
        self.terms
            .get(&(vocabulary, code.to_owned()))
            .cloned()
            .unwrap_or_else(|| Term {
                vocabulary,
                code: code.to_owned(),
                label: label.to_owned(),
                parent: None,
            })
    }

    fn attribute(
        &self,
        link_id: Uuid,
        link_entity: &'static str,
        vocabulary: Vocabulary,
        code: &str,
        label: &str,
    ) -> Attribute {
        let term = self.term(vocabulary, code, label).hsds();
        Attribute {
            id: derived(link_id, &format!("attribute:{}", term.id)),
            link_id,
            link_type: vocabulary.key(),
            link_entity,
            taxonomy_term_id: term.id,
            taxonomy_term: term,
        }
    }

    fn organization(
        &self,
        organization: &Organization,
        nested: Option<&[&SiteRecord]>,
        full_services: bool,
    ) -> HsdsOrganization {
        let nested = nested.map(|sites| {
            let views: Vec<(PublicSite, &SiteRecord)> = sites
                .iter()
                .map(|record| (self.public(record), *record))
                .collect();
            OrganizationNested {
                locations: views
                    .iter()
                    .map(|(site, record)| self.location(site, record, true))
                    .collect(),
                services: views
                    .iter()
                    .map(|(site, record)| {
                        self.service(
                            site,
                            record,
                            if full_services {
                                Depth::Nested
                            } else {
                                Depth::Flat
                            },
                        )
                    })
                    .collect(),
                attributes: vec![self.attribute(
                    organization.id,
                    "organization",
                    Vocabulary::OrganizationKinds,
                    organization.kind.as_str(),
                    organization.kind.label(),
                )],
                metadata: vec![Metadata {
                    id: derived(organization.id, "metadata:create"),
                    resource_id: organization.id,
                    resource_type: "organization",
                    last_action_date: date(organization.created_at),
                    last_action_type: "create",
                    field_name: String::new(),
                    previous_value: String::new(),
                    replacement_value: String::new(),
                    updated_by: organization.name.clone(),
                }],
            }
        });
        HsdsOrganization {
            id: organization.id,
            name: organization.name.clone(),
            description: organization.description.clone().unwrap_or_else(|| {
                format!("{} in the Warren care network.", organization.kind.label())
            }),
            website: organization.website.clone(),
            nested,
        }
    }

    /// The organization running a site, one-to-one fields only.
    fn organization_of(&self, record: &SiteRecord) -> HsdsOrganization {
        match self.organizations.get(&record.organization_id) {
            Some(organization) => self.organization(organization, None, false),
            // Vetted a moment ago, or suspended since the snapshot was taken.
            None => HsdsOrganization {
                id: record.organization_id,
                name: record.organization_name.clone(),
                description: format!(
                    "{} in the Warren care network.",
                    record.organization_kind.label()
                ),
                website: None,
                nested: None,
            },
        }
    }

    fn metadata(
        &self,
        resource_id: Uuid,
        resource_type: &'static str,
        site: &PublicSite,
        record: &SiteRecord,
    ) -> Vec<Metadata> {
        let mut metadata = vec![Metadata {
            id: derived(resource_id, "metadata:create"),
            resource_id,
            resource_type,
            last_action_date: date(record.created_at),
            last_action_type: "create",
            field_name: String::new(),
            previous_value: String::new(),
            replacement_value: String::new(),
            updated_by: site.organization_name.clone(),
        }];
        if record.updated_at > record.created_at {
            metadata.push(Metadata {
                id: derived(resource_id, "metadata:update"),
                resource_id,
                resource_type,
                last_action_date: date(record.updated_at),
                last_action_type: "update",
                field_name: String::new(),
                previous_value: String::new(),
                replacement_value: String::new(),
                updated_by: site.organization_name.clone(),
            });
        }
        metadata
    }

    fn public_phone(&self, site: &PublicSite) -> Option<Phone> {
        let ids = SiteIds::of(site.id);
        site.public_phone.as_ref().map(|number| Phone {
            id: derived(site.id, "phone"),
            location_id: Some(ids.location),
            service_id: ids.service,
            number: number.clone(),
            kind: "voice",
            description: format!("Public line of {}.", site.name),
        })
    }

    fn location(&self, site: &PublicSite, record: &SiteRecord, nested: bool) -> Location {
        let nested = nested.then(|| LocationNested {
            addresses: vec![Address {
                id: derived(site.id, "address"),
                location_id: site.id,
                address_1: site.address.clone(),
                city: site.town.clone(),
                state_province: String::new(),
                postal_code: site.postcode.clone(),
                country: site.country.clone(),
                address_type: "physical",
            }],
            phones: self.public_phone(site).into_iter().collect(),
            schedules: self.schedules(site),
            metadata: self.metadata(site.id, "location", site, record),
        });
        Location {
            id: site.id,
            location_type: "physical",
            organization_id: site.organization_id,
            name: site.name.clone(),
            description: format!(
                "A site of {} ({}) in {}.",
                site.organization_name,
                site.organization_kind.label().to_lowercase(),
                site.town
            ),
            latitude: site.latitude,
            longitude: site.longitude,
            nested,
        }
    }

    fn service(&self, site: &PublicSite, record: &SiteRecord, depth: Depth) -> Service {
        let ids = SiteIds::of(site.id);
        let nested = (depth != Depth::Flat).then(|| {
            let mut phones: Vec<Phone> = self.public_phone(site).into_iter().collect();
            if let Some(cover) = &site.after_hours_cover
                && let Some(number) = &cover.phone
            {
                phones.push(Phone {
                    id: derived(site.id, "phone:after_hours"),
                    location_id: None,
                    service_id: ids.service,
                    number: number.clone(),
                    kind: "voice",
                    description: format!(
                        "After hours, while {} is closed: {}.",
                        site.name, cover.name
                    ),
                });
            }
            let attributes = site
                .capabilities
                .iter()
                .map(|term| (Vocabulary::Capabilities, term))
                .chain(site.species.iter().map(|term| (Vocabulary::Species, term)))
                .map(|(vocabulary, term)| {
                    self.attribute(ids.service, "service", vocabulary, &term.code, &term.label)
                })
                .collect();
            let full = depth == Depth::Full;
            ServiceNested {
                phones,
                schedules: self.schedules(site),
                service_at_locations: full
                    .then(|| vec![self.service_at_location(site, record, Depth::Nested)]),
                organization: full.then(|| Box::new(self.organization_of(record))),
                attributes,
                metadata: self.metadata(ids.service, "service", site, record),
            }
        });
        let last_modified = [
            Some(record.updated_at),
            record.capacity_declared_at,
            record.assured_at,
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(record.updated_at);
        let capacity = site.capacity.status;
        let until = site
            .capacity
            .expires_at
            .map(|at| format!(" until {}", at.format("%Y-%m-%d %H:%M UTC")))
            .unwrap_or_default();
        Service {
            id: ids.service,
            organization_id: site.organization_id,
            name: service_name(site),
            description: service_description(site),
            email: site.public_email.clone(),
            status: if capacity == CapacityStatus::Closed {
                "temporarily closed"
            } else {
                "active"
            },
            application_process: site.limitations.referral_only.then(|| {
                "By referral only: the animal's own vet refers it through the care network."
                    .to_owned()
            }),
            fees_description: site
                .limitations
                .deposit_required
                .then(|| "The owner pays a deposit before treatment.".to_owned()),
            eligibility_description: eligibility(site),
            assured_date: site.assured_at.map(date),
            alert: match capacity {
                CapacityStatus::Full => Some(format!("Full: no space for new patients{until}.")),
                CapacityStatus::Closed => Some(format!("Not taking patients{until}.")),
                CapacityStatus::Normal | CapacityStatus::Unknown => None,
            },
            last_modified: date_time(last_modified),
            nested,
        }
    }

    fn service_at_location(
        &self,
        site: &PublicSite,
        record: &SiteRecord,
        depth: Depth,
    ) -> ServiceAtLocation {
        let ids = SiteIds::of(site.id);
        let (location, service) = match depth {
            Depth::Flat => (
                self.location(site, record, false),
                Some(self.service(site, record, Depth::Flat)),
            ),
            // Inside a service: the location, not the service again.
            Depth::Nested => (self.location(site, record, true), None),
            Depth::Full => (
                self.location(site, record, true),
                Some(self.service(site, record, Depth::Nested)),
            ),
        };
        ServiceAtLocation {
            id: ids.service_at_location,
            service_id: ids.service,
            location_id: ids.location,
            description: format!("{} at {}, {}.", service_name(site), site.address, site.town),
            location: Some(location),
            service,
        }
    }

    /// The site's opening hours as weekly schedules: one per distinct
    /// interval, with the days it applies to, read from a week without public
    /// holidays. The raw expression goes with each (it alone says what
    /// happens on holidays and exceptions); a site whose hours have no
    /// regular interval ("by appointment", "off") gets one schedule carrying
    /// just the expression.
    fn schedules(&self, site: &PublicSite) -> Vec<Schedule> {
        if let Some(known) = self.schedules.borrow().get(&site.id) {
            return known.clone();
        }
        let schedules = self.schedules_now(site);
        self.schedules
            .borrow_mut()
            .insert(site.id, schedules.clone());
        schedules
    }

    fn schedules_now(&self, site: &PublicSite) -> Vec<Schedule> {
        let Some(expression) = &site.opening_hours else {
            return Vec::new();
        };
        let ids = SiteIds::of(site.id);
        let notes = format!(
            "OpenStreetMap opening_hours expression, read in {} with the public holidays of {}; times are local, with their UTC offset.",
            site.timezone, site.country
        );
        let hours = self
            .snapshot
            .directory
            .listing(site.id)
            .and_then(|listing| listing.hours.as_ref());
        let mut schedules: Vec<Schedule> = hours
            .map(|hours| weekly_intervals(hours, self.now))
            .unwrap_or_default()
            .into_iter()
            .map(|interval| {
                let byday = interval.byday();
                Schedule {
                    id: derived(
                        site.id,
                        &format!(
                            "schedule:{byday}:{}-{}",
                            interval.opens_at, interval.closes_at
                        ),
                    ),
                    service_id: ids.service,
                    location_id: ids.location,
                    freq: Some("WEEKLY"),
                    wkst: Some("MO"),
                    byday: Some(byday),
                    opens_at: Some(interval.opens_at),
                    closes_at: Some(interval.closes_at),
                    description: expression.clone(),
                    notes: notes.clone(),
                }
            })
            .collect();
        if schedules.is_empty() {
            schedules.push(Schedule {
                id: derived(site.id, "schedule"),
                service_id: ids.service,
                location_id: ids.location,
                freq: None,
                wkst: None,
                byday: None,
                opens_at: None,
                closes_at: None,
                description: expression.clone(),
                notes,
            });
        }
        schedules
    }
}

/// What a site cares for: small animals, wildlife or both, as it accepts.
fn care(site: &PublicSite) -> &'static str {
    let accepts = |group: &str| {
        site.species
            .iter()
            .any(|term| term.code.split('/').next() == Some(group))
    };
    let small_mammals = accepts("small_mammal");
    let wildlife = accepts("wildlife") && !site.limitations.no_wildlife;
    match (small_mammals, wildlife) {
        (true, false) => "small-animal care",
        (false, true) => "wildlife care",
        (false, false) if !site.species.is_empty() => "animal care",
        _ => "small-animal and wildlife care",
    }
}

/// `<site>: small-animal and wildlife care`, narrowed to what it accepts.
fn service_name(site: &PublicSite) -> String {
    format!("{}: {}", site.name, care(site))
}

fn labels(terms: &[warren_wire::TermRef]) -> String {
    terms
        .iter()
        .map(|term| term.label.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn service_description(site: &PublicSite) -> String {
    let care = care(site);
    let mut text = format!(
        "{}{} at {} in {}, run by {} ({}).",
        care[..1].to_uppercase(),
        &care[1..],
        site.name,
        site.town,
        site.organization_name,
        site.organization_kind.label().to_lowercase(),
    );
    if !site.capabilities.is_empty() {
        text.push_str(&format!(" Capabilities: {}.", labels(&site.capabilities)));
    }
    text
}

/// Who the service is for: the species it accepts and its limitations.
fn eligibility(site: &PublicSite) -> String {
    let mut parts = Vec::new();
    if site.species.is_empty() {
        parts.push("Species accepted: ask the site.".to_owned());
    } else {
        parts.push(format!("Species accepted: {}.", labels(&site.species)));
    }
    let limitations = &site.limitations;
    if let Some(grams) = limitations.max_weight_grams {
        parts.push(format!("Patients up to {grams} g."));
    }
    if limitations.no_wildlife {
        parts.push("No wildlife.".to_owned());
    }
    if limitations.referral_only {
        parts.push("Referral only.".to_owned());
    }
    if limitations.deposit_required {
        parts.push("Deposit required.".to_owned());
    }
    if let Some(notes) = &limitations.notes {
        parts.push(notes.as_str().to_owned());
    }
    parts.join(" ")
}

/// One regular interval of a weekly schedule.
struct WeeklyInterval {
    days: Vec<chrono::Weekday>,
    opens_at: String,
    closes_at: String,
}

impl WeeklyInterval {
    fn byday(&self) -> String {
        self.days
            .iter()
            .map(|day| day.to_string().to_uppercase()[..2].to_owned())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The intervals of a regular week (the first one ahead without public
/// holidays), grouped by times, Monday first.
fn weekly_intervals(hours: &Hours, now: DateTime<Utc>) -> Vec<WeeklyInterval> {
    let mut week = regular_week(hours, now);
    week.sort_by_key(|day| day.date.weekday().num_days_from_monday());
    let mut grouped: Vec<WeeklyInterval> = Vec::new();
    for day in &week {
        // The offset in force at local noon: changes to and from daylight
        // saving time happen at night.
        let offset = hours
            .timezone()
            .from_local_datetime(
                &day.date
                    .and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()),
            )
            .earliest()
            .map(|noon| noon.offset().fix().to_string())
            .unwrap_or_else(|| "+00:00".to_owned());
        for interval in day.intervals.iter().filter(|interval| !interval.unknown) {
            let opens_at = format!("{}{offset}", interval.start);
            let closes_at = format!("{}{offset}", interval.end);
            match grouped
                .iter_mut()
                .find(|group| group.opens_at == opens_at && group.closes_at == closes_at)
            {
                Some(group) => group.days.push(day.date.weekday()),
                None => grouped.push(WeeklyInterval {
                    days: vec![day.date.weekday()],
                    opens_at,
                    closes_at,
                }),
            }
        }
    }
    grouped
}

fn regular_week(hours: &Hours, now: DateTime<Utc>) -> Vec<DayHours> {
    let mut first = None;
    for weeks_ahead in 0..WEEKS_TO_FIND_A_REGULAR_ONE {
        let week = hours.week(now + Duration::weeks(weeks_ahead));
        if !week.iter().any(|day| day.public_holiday) {
            return week;
        }
        first.get_or_insert(week);
    }
    first.unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Query parameters.
// ---------------------------------------------------------------------------

/// A 400 naming the parameter.
fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::InvalidFilter(FieldError {
        field: field.to_owned(),
        message: message.into(),
    })
}

/// Parses a query string; an unknown, repeated or malformed parameter is a
/// 400 naming it.
fn parameters<T: DeserializeOwned>(request: &HttpRequest) -> Result<T, ApiError> {
    serde_urlencoded::from_str(request.query_string()).map_err(|error| {
        let message = error.to_string();
        let field = message.split('`').nth(1).unwrap_or("query").to_owned();
        if message.starts_with("unknown field") {
            invalid(&field, "is not a parameter of this HSDS endpoint")
        } else {
            invalid(&field, message)
        }
    })
}

fn trimmed(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|value| !value.is_empty())
}

fn flag(field: &str, value: Option<&str>) -> Result<bool, ApiError> {
    match trimmed(value) {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(_) => Err(invalid(field, "must be true or false")),
    }
}

fn id(field: &str, value: Option<&str>) -> Result<Option<Uuid>, ApiError> {
    trimmed(value)
        .map(|text| Uuid::parse_str(text).map_err(|_| invalid(field, "must be a UUID")))
        .transpose()
}

/// Lowercase search text, at most 100 characters.
fn search_text(value: Option<&str>) -> Result<Option<String>, ApiError> {
    let text = trimmed(value).map(str::to_lowercase);
    if text.as_ref().is_some_and(|text| text.chars().count() > 100) {
        return Err(invalid("search", "must be at most 100 characters"));
    }
    Ok(text)
}

fn modified_after(value: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(text) = trimmed(value) else {
        return Ok(None);
    };
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(at.to_utc()));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|day| Some(day.and_time(NaiveTime::MIN).and_utc()))
        .map_err(|_| {
            invalid(
                "modified_after",
                "must be an RFC 3339 date-time such as 2026-11-21T09:00:00Z, or a date",
            )
        })
}

/// How a list is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// One page of JSON.
    Json,
    /// Every result, one JSON object per line, without paging.
    Ndjson,
}

fn format(value: Option<&str>) -> Result<Format, ApiError> {
    match trimmed(value) {
        None | Some("json") => Ok(Format::Json),
        Some("ndjson") => Ok(Format::Ndjson),
        Some(_) => Err(invalid("format", "must be json or ndjson")),
    }
}

/// Which page of a list to answer.
#[derive(Debug, Clone, Copy)]
struct Paging {
    page: usize,
    per_page: usize,
    format: Format,
}

impl Paging {
    fn parse(
        page: Option<&str>,
        per_page: Option<&str>,
        format: Option<&str>,
    ) -> Result<Self, ApiError> {
        let max = warren_wire::MAX_PAGE_SIZE as usize;
        let page = match trimmed(page) {
            None => 1,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|page| *page >= 1)
                .ok_or_else(|| invalid("page", "must be a whole number from 1"))?,
        };
        let per_page = match trimmed(per_page) {
            None => DEFAULT_PER_PAGE,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|size| (1..=max).contains(size))
                .ok_or_else(|| {
                    invalid(
                        "per_page",
                        format!("must be a whole number from 1 to {max}"),
                    )
                })?,
        };
        Ok(Self {
            page,
            per_page,
            format: self::format(format)?,
        })
    }

    /// Answers `items` (already filtered and in order) as this page, turning
    /// only the items shown into HSDS documents.
    fn answer<I, T: Serialize>(
        &self,
        items: Vec<I>,
        mut publish: impl FnMut(I) -> T,
    ) -> Result<HttpResponse, ApiError> {
        if self.format == Format::Ndjson {
            let mut body = String::new();
            for item in items {
                let line = serde_json::to_string(&publish(item))
                    .map_err(|error| ApiError::Internal(error.to_string()))?;
                body.push_str(&line);
                body.push('\n');
            }
            return Ok(HttpResponse::Ok()
                .content_type("application/x-ndjson")
                .body(body));
        }
        let total_items = items.len();
        let total_pages = total_items.div_ceil(self.per_page).max(1);
        let skip = (self.page - 1).saturating_mul(self.per_page);
        let contents: Vec<T> = items
            .into_iter()
            .skip(skip)
            .take(self.per_page)
            .map(publish)
            .collect();
        Ok(HttpResponse::Ok().json(Page {
            total_items,
            total_pages,
            page_number: self.page,
            size: contents.len(),
            first_page: self.page == 1,
            last_page: self.page >= total_pages,
            empty: contents.is_empty(),
            contents,
        }))
    }
}

/// Filters of `/services`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ServiceParams {
    /// Text to find in the service, its site (name, address, town,
    /// postcode), its organization or its capabilities and species.
    #[serde(default)]
    pub search: Option<String>,
    /// Page number, from 1.
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    /// Results per page, 1–200 (default 50).
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub per_page: Option<String>,
    /// `json` (default) for a page, `ndjson` for every result without paging.
    #[serde(default)]
    pub format: Option<String>,
    /// Only services with this taxonomy term; a species group also finds
    /// its species and a species its group, an organization kind the
    /// services of organizations of that kind.
    #[serde(default)]
    #[param(value_type = Option<Uuid>)]
    pub taxonomy_term_id: Option<String>,
    /// Only services with any term of this taxonomy.
    #[serde(default)]
    #[param(value_type = Option<Uuid>)]
    pub taxonomy_id: Option<String>,
    /// Only services of this organization.
    #[serde(default)]
    #[param(value_type = Option<Uuid>)]
    pub organization_id: Option<String>,
    /// Only services modified on or after this date-time (RFC 3339) or date.
    #[serde(default)]
    #[param(value_type = Option<String>, format = DateTime)]
    pub modified_after: Option<String>,
    /// `true` for just `id`, `name`, `status` and `last_modified`.
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    pub minimal: Option<String>,
    /// `true` for fully nested services.
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    pub full: Option<String>,
}

/// Filters of `/service_at_locations`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ServiceAtLocationParams {
    /// Text to find in the service, its site (name, address, town,
    /// postcode), its organization or its capabilities and species.
    #[serde(default)]
    pub search: Option<String>,
    /// Only services at locations with this taxonomy term (as for `/services`).
    #[serde(default)]
    #[param(value_type = Option<Uuid>)]
    pub taxonomy_term_id: Option<String>,
    /// Only those with any term of this taxonomy.
    #[serde(default)]
    #[param(value_type = Option<Uuid>)]
    pub taxonomy_id: Option<String>,
    /// Only those of this organization.
    #[serde(default)]
    #[param(value_type = Option<Uuid>)]
    pub organization_id: Option<String>,
    /// Only those modified on or after this date-time (RFC 3339) or date.
    #[serde(default)]
    #[param(value_type = Option<String>, format = DateTime)]
    pub modified_after: Option<String>,
    /// `true` for fully nested services at locations.
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    pub full: Option<String>,
    /// Page number, from 1.
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    /// Results per page, 1–200 (default 50).
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub per_page: Option<String>,
    /// `json` (default) for a page, `ndjson` for every result without paging.
    #[serde(default)]
    pub format: Option<String>,
    /// A postcode: alone, only locations with this postcode (or, given an
    /// outward code such as `BS1`, within it); with `proximity` in metres,
    /// the point to measure from — the centre of the listed sites with
    /// this postcode.
    #[serde(default)]
    pub postcode: Option<String>,
    /// Only locations within this distance, nearest first: `metres` (from
    /// `postcode`) or `latitude,longitude,metres` (from that point), at most
    /// 500 km.
    #[serde(default)]
    pub proximity: Option<String>,
}

/// Options of `/organizations`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrganizationParams {
    /// Text to find in the organization's name or description.
    #[serde(default)]
    pub search: Option<String>,
    /// `true` for organizations with their locations and fully nested services.
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    pub full_service: Option<String>,
    /// `true` for organizations with their locations and services.
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    pub full: Option<String>,
    /// Page number, from 1.
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    /// Results per page, 1–200 (default 50).
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub per_page: Option<String>,
    /// `json` (default) for a page, `ndjson` for every result without paging.
    #[serde(default)]
    pub format: Option<String>,
}

/// Options of `/organizations/{id}`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrganizationReadParams {
    /// `true` for fully nested services.
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    pub full_service: Option<String>,
}

/// Options of `/taxonomies`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyParams {
    /// Text to find in the taxonomy's name or description.
    #[serde(default)]
    pub search: Option<String>,
    /// Page number, from 1.
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    /// Results per page, 1–200 (default 50).
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub per_page: Option<String>,
    /// `json` (default) for a page, `ndjson` for every result without paging.
    #[serde(default)]
    pub format: Option<String>,
}

/// Filters of `/taxonomy_terms`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyTermParams {
    /// Text to find in the term's name or code.
    #[serde(default)]
    pub search: Option<String>,
    /// Page number, from 1.
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
    /// Results per page, 1–200 (default 50).
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub per_page: Option<String>,
    /// `json` (default) for a page, `ndjson` for every result without paging.
    #[serde(default)]
    pub format: Option<String>,
    /// Only terms of this taxonomy.
    #[serde(default)]
    #[param(value_type = Option<Uuid>)]
    pub taxonomy_id: Option<String>,
    /// `true` for top-level terms only (those without a parent).
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    pub top_only: Option<String>,
    /// Only the children of this term.
    #[serde(default)]
    #[param(value_type = Option<Uuid>)]
    pub parent_id: Option<String>,
}

// ---------------------------------------------------------------------------
// Choosing sites.
// ---------------------------------------------------------------------------

/// Which sites a list of services (or services at locations) shows.
#[derive(Debug, Default)]
struct SiteFilter {
    text: Option<String>,
    /// `Some(None)`: a term no vocabulary has, which nothing matches.
    term: Option<Option<Term>>,
    taxonomy: Option<Option<Vocabulary>>,
    organization_id: Option<Uuid>,
    modified_after: Option<DateTime<Utc>>,
    postcode: Option<String>,
    near: Option<Near>,
}

/// A distance limit around a point.
#[derive(Debug, Clone, Copy)]
struct Near {
    latitude: f64,
    longitude: f64,
    radius_km: f64,
}

impl SiteFilter {
    #[expect(clippy::too_many_arguments, reason = "one argument per HSDS filter")]
    fn parse(
        snapshot: &Snapshot,
        search: Option<&str>,
        taxonomy_term_id: Option<&str>,
        taxonomy_id: Option<&str>,
        organization_id: Option<&str>,
        modified_after: Option<&str>,
        postcode: Option<&str>,
        proximity: Option<&str>,
    ) -> Result<Self, ApiError> {
        let term = self::id("taxonomy_term_id", taxonomy_term_id)?
            .map(|wanted| terms(snapshot).into_iter().find(|term| term.id() == wanted));
        let taxonomy = self::id("taxonomy_id", taxonomy_id)?.map(|wanted| {
            Vocabulary::ALL
                .into_iter()
                .find(|vocabulary| vocabulary.id() == wanted)
        });
        let postcode = trimmed(postcode).map(str::to_owned);
        let near = match trimmed(proximity) {
            None => None,
            Some(text) => Some(near(snapshot, text, postcode.as_deref())?),
        };
        Ok(Self {
            text: search_text(search)?,
            term,
            taxonomy,
            organization_id: self::id("organization_id", organization_id)?,
            modified_after: self::modified_after(modified_after)?,
            // With `proximity`, the postcode only places the point.
            postcode: if near.is_some() { None } else { postcode },
            near,
        })
    }

    /// The matching sites in a stable order — by distance when near a
    /// point, else by name — with their distance.
    fn select<'a>(
        &self,
        snapshot: &'a Snapshot,
        now: DateTime<Utc>,
    ) -> Vec<(&'a SiteRecord, Option<f64>)> {
        let distances = self.near.map(|near| distances(snapshot, near, now));
        let mut chosen: Vec<(&SiteRecord, Option<f64>)> = snapshot
            .records
            .values()
            .filter(|record| self.keeps(snapshot, record))
            .filter_map(|record| match &distances {
                None => Some((record, None)),
                Some(distances) => distances
                    .get(&record.id)
                    .map(|distance| (record, Some(*distance))),
            })
            .collect();
        chosen.sort_by(|(left, left_km), (right, right_km)| {
            left_km
                .unwrap_or(0.0)
                .total_cmp(&right_km.unwrap_or(0.0))
                .then_with(|| left.fields.name.cmp(&right.fields.name))
                .then(left.id.cmp(&right.id))
        });
        chosen
    }

    fn keeps(&self, snapshot: &Snapshot, record: &SiteRecord) -> bool {
        let fields = &record.fields;
        if self
            .organization_id
            .is_some_and(|organization| organization != record.organization_id)
        {
            return false;
        }
        if let Some(after) = self.modified_after {
            let modified = [
                Some(record.updated_at),
                record.capacity_declared_at,
                record.assured_at,
            ]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(record.updated_at);
            if modified < after {
                return false;
            }
        }
        if let Some(postcode) = &self.postcode
            && !postcode_matches(&fields.postcode, postcode)
        {
            return false;
        }
        match &self.taxonomy {
            None => {}
            Some(None) => return false,
            Some(Some(Vocabulary::Capabilities)) if fields.capabilities.is_empty() => return false,
            Some(Some(Vocabulary::Species)) if fields.species.is_empty() => return false,
            Some(Some(_)) => {}
        }
        match &self.term {
            None => {}
            Some(None) => return false,
            Some(Some(term)) if !has_term(record, term) => return false,
            Some(Some(_)) => {}
        }
        match &self.text {
            None => true,
            Some(text) => mentions(snapshot, record, text),
        }
    }
}

/// Whether a site has a term; species follow the directory's rule that a
/// group covers its species and a species is found by its group.
fn has_term(record: &SiteRecord, term: &Term) -> bool {
    let fields = &record.fields;
    match term.vocabulary {
        Vocabulary::Capabilities => fields.capabilities.contains(&term.code),
        Vocabulary::Species => {
            let Ok(wanted) =
                warren_domain::directory::taxonomy::TermCode::parse(term.code.as_str())
            else {
                return false;
            };
            fields.species.iter().any(|accepted| {
                warren_domain::directory::taxonomy::TermCode::parse(accepted.as_str())
                    .is_ok_and(|accepted| accepted.covers(&wanted))
            })
        }
        Vocabulary::OrganizationKinds => record.organization_kind.as_str() == term.code,
    }
}

/// Whether the lowercase `text` appears in what the public sees of a site.
fn mentions(snapshot: &Snapshot, record: &SiteRecord, text: &str) -> bool {
    let fields = &record.fields;
    let vocabulary = snapshot.vocabulary();
    let found = |value: &str| value.to_lowercase().contains(text);
    [
        fields.name.as_str(),
        record.organization_name.as_str(),
        record.organization_kind.label(),
        fields.address.as_str(),
        fields.town.as_str(),
        fields.postcode.as_str(),
    ]
    .into_iter()
    .any(found)
        || fields
            .capabilities
            .iter()
            .any(|code| found(vocabulary.label(Taxonomy::Capability, code)))
        || fields
            .species
            .iter()
            .any(|code| found(vocabulary.label(Taxonomy::Species, code)))
}

/// Whether a site's postcode is `wanted`, ignoring case and spaces, or
/// lies in the outward code `wanted` (`BS1` holds `BS1 5DB`, not `BS10 1AA`).
fn postcode_matches(postcode: &str, wanted: &str) -> bool {
    let compact = |text: &str| -> String {
        text.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect()
    };
    let wanted = compact(wanted);
    !wanted.is_empty()
        && (compact(postcode) == wanted
            || postcode
                .split_whitespace()
                .next()
                .is_some_and(|outward| compact(outward) == wanted))
}

/// Reads `proximity`: `metres` from the centre of `postcode`, or
/// `latitude,longitude,metres`.
fn near(snapshot: &Snapshot, proximity: &str, postcode: Option<&str>) -> Result<Near, ApiError> {
    let parts: Vec<&str> = proximity.split(',').map(str::trim).collect();
    let number = |text: &str| -> Result<f64, ApiError> {
        text.parse::<f64>()
            .ok()
            .filter(|value| value.is_finite())
            .ok_or_else(|| invalid("proximity", "must be metres, or latitude,longitude,metres"))
    };
    let (latitude, longitude, metres) = match parts.as_slice() {
        [metres] => {
            let metres = number(metres)?;
            let Some(postcode) = postcode else {
                return Err(invalid(
                    "proximity",
                    "in metres needs a postcode to measure from; or give latitude,longitude,metres",
                ));
            };
            let (latitude, longitude) = postcode_centre(snapshot, postcode).ok_or_else(|| {
                invalid(
                    "postcode",
                    "is not the postcode of any listed site, so Warren cannot place it; give proximity as latitude,longitude,metres",
                )
            })?;
            (latitude, longitude, metres)
        }
        [latitude, longitude, metres] => (number(latitude)?, number(longitude)?, number(metres)?),
        _ => {
            return Err(invalid(
                "proximity",
                "must be metres, or latitude,longitude,metres",
            ));
        }
    };
    if !(-90.0..=90.0).contains(&latitude) {
        return Err(invalid("proximity", "latitude must be between -90 and 90"));
    }
    if !(-180.0..=180.0).contains(&longitude) {
        return Err(invalid(
            "proximity",
            "longitude must be between -180 and 180",
        ));
    }
    if !(metres > 0.0 && metres <= MAX_PROXIMITY_METRES) {
        return Err(invalid(
            "proximity",
            format!("the distance must be above 0 and at most {MAX_PROXIMITY_METRES} metres"),
        ));
    }
    Ok(Near {
        latitude,
        longitude,
        radius_km: metres / 1000.0,
    })
}

/// The centre of the listed sites with this postcode (Warren geocodes
/// nothing itself).
fn postcode_centre(snapshot: &Snapshot, postcode: &str) -> Option<(f64, f64)> {
    let points: Vec<(f64, f64)> = snapshot
        .records
        .values()
        .filter(|record| postcode_matches(&record.fields.postcode, postcode))
        .map(|record| (record.fields.latitude, record.fields.longitude))
        .collect();
    let count = points.len() as f64;
    (!points.is_empty()).then(|| {
        let (latitude, longitude) = points
            .iter()
            .fold((0.0, 0.0), |(lat, lon), (latitude, longitude)| {
                (lat + latitude, lon + longitude)
            });
        (latitude / count, longitude / count)
    })
}

/// The sites within `near`, with their distance in kilometres, measured by
/// the directory's own search.
fn distances(snapshot: &Snapshot, near: Near, now: DateTime<Utc>) -> HashMap<Uuid, f64> {
    let query = Query {
        species: None,
        capabilities: Vec::new(),
        at: now,
        open_only: false,
        accepting_only: false,
        near: Some((near.latitude, near.longitude)),
        radius_km: Some(near.radius_km),
        text: None,
        weight_grams: None,
        offset: 0,
        limit: usize::MAX,
    };
    snapshot
        .directory
        .search(&query, now)
        .hits
        .iter()
        .filter_map(|hit| Some((hit.listing.id, hit.distance_km?)))
        .collect()
}

/// The vetted organizations, by id; only `ids` when given.
async fn vetted_organizations(
    state: &web::Data<AppState>,
    ids: Option<Vec<Uuid>>,
) -> Result<HashMap<Uuid, Organization>, ApiError> {
    let state = state.clone();
    let organizations = web::block(move || {
        state.store.read(|connection| {
            organization_store::list(
                connection,
                &OrganizationFilter {
                    visible: ids.map(|ids| ids.iter().map(Uuid::to_string).collect()),
                    membership: Some(MembershipStatus::Vetted),
                    limit: MAX_ORGANIZATIONS,
                    ..OrganizationFilter::default()
                },
            )
        })
    })
    .await??;
    Ok(organizations
        .into_iter()
        .map(|organization| (organization.id, organization))
        .collect())
}

/// The site behind a service, service at location or location id.
fn site_for(
    snapshot: &Snapshot,
    id: Uuid,
    id_of: impl Fn(&SiteIds) -> Uuid,
) -> Option<&SiteRecord> {
    snapshot
        .records
        .values()
        .find(|record| id_of(&SiteIds::of(record.id)) == id)
}

// ---------------------------------------------------------------------------
// Handlers.
// ---------------------------------------------------------------------------

async fn about_api(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    admit(&state, &request).await?;
    Ok(HttpResponse::Ok().json(About {
        version: HSDS_VERSION,
        profile: HSDS_PROFILE,
        openapi_url: format!("{}/api/v1/openapi.json", state.public_url),
    }))
}

/// What this HSDS API is: the HSDS version, the profile and where its
/// OpenAPI document lives.
#[utoipa::path(
    operation_id = "hsds_about",
    tag = "hsds",
    params(("X-API-Key" = Option<String>, Header, description = "A partner key (`embed` scope): the rate limit counts per partner instead of per address.")),
    responses(
        (status = 200, description = "`version` (HSDS 3.0), `profile` and `openapi_url`.", body = Object),
        PublicProblems,
    )
)]
#[get("/")]
pub async fn about(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    about_api(state, request).await
}

/// Services, one per site of a vetted organization: a page of HSDS
/// `service_list` entries (fully nested with `full=true`), by name.
#[utoipa::path(
    operation_id = "hsds_list_services",
    tag = "hsds",
    params(
        ServiceParams,
        ("X-API-Key" = Option<String>, Header, description = "A partner key (`embed` scope): the rate limit counts per partner instead of per address."),
    ),
    responses(
        (status = 200, description = "An HSDS page whose `contents` are services (HSDS `service_list.json`, or `service.json` with `full=true`); one JSON object per line with `format=ndjson`.", body = Object),
        (status = 400, description = "A parameter is malformed or unknown; `errors` names it.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/services")]
pub async fn list_services(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    admit(&state, &request).await?;
    let params: ServiceParams = parameters(&request)?;
    let paging = Paging::parse(
        params.page.as_deref(),
        params.per_page.as_deref(),
        params.format.as_deref(),
    )?;
    let full = flag("full", params.full.as_deref())?;
    let minimal = flag("minimal", params.minimal.as_deref())?;
    let snapshot = snapshot(&state).await?;
    let filter = SiteFilter::parse(
        &snapshot,
        params.search.as_deref(),
        params.taxonomy_term_id.as_deref(),
        params.taxonomy_id.as_deref(),
        params.organization_id.as_deref(),
        params.modified_after.as_deref(),
        None,
        None,
    )?;
    let organizations = if full {
        vetted_organizations(&state, None).await?
    } else {
        HashMap::new()
    };
    let publisher = Publisher::new(&snapshot, &organizations);
    let chosen = filter.select(&snapshot, publisher.now);
    paging.answer(chosen, |(record, _)| {
        let site = publisher.public(record);
        let service =
            publisher.service(&site, record, if full { Depth::Full } else { Depth::Flat });
        if minimal {
            Listed::Minimal(MinimalService {
                id: service.id,
                name: service.name,
                status: service.status,
                last_modified: service.last_modified,
            })
        } else {
            Listed::Service(Box::new(service))
        }
    })
}

/// One service, fully nested: phones, weekly schedules, its service at
/// location with the location, its organization, its capabilities and
/// species as attributes.
#[utoipa::path(
    operation_id = "hsds_read_service",
    tag = "hsds",
    params(
        ("id" = Uuid, Path, description = "The service."),
        ("X-API-Key" = Option<String>, Header, description = "A partner key (`embed` scope): the rate limit counts per partner instead of per address."),
    ),
    responses(
        (status = 200, description = "The service, fully nested (HSDS `service.json`).", body = Object),
        (status = 404, description = "No such service in the published directory.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/services/{id}")]
pub async fn read_service(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    admit(&state, &request).await?;
    let snapshot = snapshot(&state).await?;
    let record =
        site_for(&snapshot, id.into_inner(), |ids| ids.service).ok_or(ApiError::NotFound)?;
    let organizations = vetted_organizations(&state, Some(vec![record.organization_id])).await?;
    let publisher = Publisher::new(&snapshot, &organizations);
    let site = publisher.public(record);
    Ok(HttpResponse::Ok().json(publisher.service(&site, record, Depth::Full)))
}

/// The vetted organizations: a page of HSDS `organization_list` entries,
/// by name (with `full=true` or `full_service=true`, each with its
/// locations and services).
#[utoipa::path(
    operation_id = "hsds_list_organizations",
    tag = "hsds",
    params(
        OrganizationParams,
        ("X-API-Key" = Option<String>, Header, description = "A partner key (`embed` scope): the rate limit counts per partner instead of per address."),
    ),
    responses(
        (status = 200, description = "An HSDS page whose `contents` are organizations (HSDS `organization_list.json`, nested with `full`); one JSON object per line with `format=ndjson`.", body = Object),
        (status = 400, description = "A parameter is malformed or unknown; `errors` names it.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/organizations")]
pub async fn list_organizations(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    admit(&state, &request).await?;
    let params: OrganizationParams = parameters(&request)?;
    let paging = Paging::parse(
        params.page.as_deref(),
        params.per_page.as_deref(),
        params.format.as_deref(),
    )?;
    let full_services = flag("full_service", params.full_service.as_deref())?;
    let nested = flag("full", params.full.as_deref())? || full_services;
    let text = search_text(params.search.as_deref())?;
    let snapshot = snapshot(&state).await?;
    let organizations = vetted_organizations(&state, None).await?;
    let mut chosen: Vec<&Organization> = organizations
        .values()
        .filter(|organization| {
            text.as_ref().is_none_or(|text| {
                organization.name.to_lowercase().contains(text)
                    || organization
                        .description
                        .as_ref()
                        .is_some_and(|description| description.to_lowercase().contains(text))
            })
        })
        .collect();
    chosen.sort_by(|left, right| left.name.cmp(&right.name).then(left.id.cmp(&right.id)));
    let sites = sites_by_organization(&snapshot);
    let publisher = Publisher::new(&snapshot, &organizations);
    paging.answer(chosen, |organization| {
        let own = sites
            .get(&organization.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        publisher.organization(organization, nested.then_some(own), full_services)
    })
}

/// One vetted organization with its locations and services (fully nested
/// with `full_service=true`).
#[utoipa::path(
    operation_id = "hsds_read_organization",
    tag = "hsds",
    params(
        ("id" = Uuid, Path, description = "The organization."), OrganizationReadParams,
        ("X-API-Key" = Option<String>, Header, description = "A partner key (`embed` scope): the rate limit counts per partner instead of per address."),
    ),
    responses(
        (status = 200, description = "The organization with its locations and services (HSDS `organization.json`).", body = Object),
        (status = 400, description = "A parameter is malformed or unknown; `errors` names it.", body = warren_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization in the published directory.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/organizations/{id}")]
pub async fn read_organization(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    admit(&state, &request).await?;
    let params: OrganizationReadParams = parameters(&request)?;
    let full_services = flag("full_service", params.full_service.as_deref())?;
    let id = id.into_inner();
    let snapshot = snapshot(&state).await?;
    let organizations = vetted_organizations(&state, Some(vec![id])).await?;
    let organization = organizations.get(&id).ok_or(ApiError::NotFound)?;
    let sites = sites_by_organization(&snapshot);
    let own = sites.get(&id).map(Vec::as_slice).unwrap_or_default();
    let publisher = Publisher::new(&snapshot, &organizations);
    Ok(HttpResponse::Ok().json(publisher.organization(organization, Some(own), full_services)))
}

/// Each vetted organization's sites, by name.
fn sites_by_organization(snapshot: &Snapshot) -> HashMap<Uuid, Vec<&SiteRecord>> {
    let mut sites: HashMap<Uuid, Vec<&SiteRecord>> = HashMap::new();
    for record in snapshot.records.values() {
        sites
            .entry(record.organization_id)
            .or_default()
            .push(record);
    }
    for own in sites.values_mut() {
        own.sort_by(|left, right| {
            left.fields
                .name
                .cmp(&right.fields.name)
                .then(left.id.cmp(&right.id))
        });
    }
    sites
}

/// Services at locations, one per site: a page of HSDS
/// `service_at_location_list` entries (fully nested with `full=true`), by
/// name or, with `proximity`, nearest first.
#[utoipa::path(
    operation_id = "hsds_list_services_at_locations",
    tag = "hsds",
    params(
        ServiceAtLocationParams,
        ("X-API-Key" = Option<String>, Header, description = "A partner key (`embed` scope): the rate limit counts per partner instead of per address."),
    ),
    responses(
        (status = 200, description = "An HSDS page whose `contents` are services at locations (HSDS `service_at_location_list.json`); one JSON object per line with `format=ndjson`.", body = Object),
        (status = 400, description = "A parameter is malformed or unknown, or a postcode cannot be placed; `errors` names it.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/service_at_locations")]
pub async fn list_services_at_locations(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    admit(&state, &request).await?;
    let params: ServiceAtLocationParams = parameters(&request)?;
    let paging = Paging::parse(
        params.page.as_deref(),
        params.per_page.as_deref(),
        params.format.as_deref(),
    )?;
    let full = flag("full", params.full.as_deref())?;
    let snapshot = snapshot(&state).await?;
    let filter = SiteFilter::parse(
        &snapshot,
        params.search.as_deref(),
        params.taxonomy_term_id.as_deref(),
        params.taxonomy_id.as_deref(),
        params.organization_id.as_deref(),
        params.modified_after.as_deref(),
        params.postcode.as_deref(),
        params.proximity.as_deref(),
    )?;
    let organizations = HashMap::new();
    let publisher = Publisher::new(&snapshot, &organizations);
    let chosen = filter.select(&snapshot, publisher.now);
    paging.answer(chosen, |(record, _)| {
        let site = publisher.public(record);
        publisher.service_at_location(&site, record, if full { Depth::Full } else { Depth::Flat })
    })
}

/// One service at location, fully nested: the location with its address,
/// phone and schedules, and the service.
#[utoipa::path(
    operation_id = "hsds_read_service_at_location",
    tag = "hsds",
    params(
        ("id" = Uuid, Path, description = "The service at location."),
        ("X-API-Key" = Option<String>, Header, description = "A partner key (`embed` scope): the rate limit counts per partner instead of per address."),
    ),
    responses(
        (status = 200, description = "The service at location, fully nested (HSDS `service_at_location`).", body = Object),
        (status = 404, description = "No such service at location in the published directory.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/service_at_locations/{id}")]
pub async fn read_service_at_location(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    admit(&state, &request).await?;
    let snapshot = snapshot(&state).await?;
    let record = site_for(&snapshot, id.into_inner(), |ids| ids.service_at_location)
        .ok_or(ApiError::NotFound)?;
    let organizations = HashMap::new();
    let publisher = Publisher::new(&snapshot, &organizations);
    let site = publisher.public(record);
    Ok(HttpResponse::Ok().json(publisher.service_at_location(&site, record, Depth::Full)))
}

/// The taxonomies: capabilities, species and organization kinds.
#[utoipa::path(
    operation_id = "hsds_list_taxonomies",
    tag = "hsds",
    params(
        TaxonomyParams,
        ("X-API-Key" = Option<String>, Header, description = "A partner key (`embed` scope): the rate limit counts per partner instead of per address."),
    ),
    responses(
        (status = 200, description = "An HSDS page whose `contents` are taxonomies (HSDS `taxonomy.json`); one JSON object per line with `format=ndjson`.", body = Object),
        (status = 400, description = "A parameter is malformed or unknown; `errors` names it.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/taxonomies")]
pub async fn list_taxonomies(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    admit(&state, &request).await?;
    let params: TaxonomyParams = parameters(&request)?;
    let paging = Paging::parse(
        params.page.as_deref(),
        params.per_page.as_deref(),
        params.format.as_deref(),
    )?;
    let text = search_text(params.search.as_deref())?;
    let chosen: Vec<Vocabulary> = Vocabulary::ALL
        .into_iter()
        .filter(|vocabulary| {
            text.as_ref().is_none_or(|text| {
                vocabulary.name().to_lowercase().contains(text)
                    || vocabulary.description().to_lowercase().contains(text)
            })
        })
        .collect();
    paging.answer(chosen, Vocabulary::detail)
}

/// One taxonomy.
#[utoipa::path(
    operation_id = "hsds_read_taxonomy",
    tag = "hsds",
    params(
        ("id" = Uuid, Path, description = "The taxonomy."),
        ("X-API-Key" = Option<String>, Header, description = "A partner key (`embed` scope): the rate limit counts per partner instead of per address."),
    ),
    responses(
        (status = 200, description = "The taxonomy (HSDS `taxonomy.json`).", body = Object),
        (status = 404, description = "No such taxonomy.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/taxonomies/{id}")]
pub async fn read_taxonomy(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    admit(&state, &request).await?;
    let id = id.into_inner();
    let vocabulary = Vocabulary::ALL
        .into_iter()
        .find(|vocabulary| vocabulary.id() == id)
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(vocabulary.detail()))
}

/// The terms of every taxonomy: capabilities, species (groups are the
/// parents of their species) and organization kinds.
#[utoipa::path(
    operation_id = "hsds_list_taxonomy_terms",
    tag = "hsds",
    params(
        TaxonomyTermParams,
        ("X-API-Key" = Option<String>, Header, description = "A partner key (`embed` scope): the rate limit counts per partner instead of per address."),
    ),
    responses(
        (status = 200, description = "An HSDS page whose `contents` are taxonomy terms (HSDS `taxonomy_term.json`); one JSON object per line with `format=ndjson`.", body = Object),
        (status = 400, description = "A parameter is malformed or unknown; `errors` names it.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/taxonomy_terms")]
pub async fn list_taxonomy_terms(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    admit(&state, &request).await?;
    let params: TaxonomyTermParams = parameters(&request)?;
    let paging = Paging::parse(
        params.page.as_deref(),
        params.per_page.as_deref(),
        params.format.as_deref(),
    )?;
    let text = search_text(params.search.as_deref())?;
    let taxonomy = id("taxonomy_id", params.taxonomy_id.as_deref())?;
    let parent = id("parent_id", params.parent_id.as_deref())?;
    let top_only = flag("top_only", params.top_only.as_deref())?;
    let snapshot = snapshot(&state).await?;
    let chosen: Vec<Term> = terms(&snapshot)
        .into_iter()
        .filter(|term| taxonomy.is_none_or(|taxonomy| term.vocabulary.id() == taxonomy))
        .filter(|term| !top_only || term.parent.is_none())
        .filter(|term| {
            parent.is_none_or(|parent| {
                term.parent
                    .as_ref()
                    .is_some_and(|code| term_id(term.vocabulary, code) == parent)
            })
        })
        .filter(|term| {
            text.as_ref().is_none_or(|text| {
                term.label.to_lowercase().contains(text) || term.code.contains(text.as_str())
            })
        })
        .collect();
    paging.answer(chosen, |term| term.hsds())
}

/// One taxonomy term.
#[utoipa::path(
    operation_id = "hsds_read_taxonomy_term",
    tag = "hsds",
    params(
        ("id" = Uuid, Path, description = "The taxonomy term."),
        ("X-API-Key" = Option<String>, Header, description = "A partner key (`embed` scope): the rate limit counts per partner instead of per address."),
    ),
    responses(
        (status = 200, description = "The taxonomy term (HSDS `taxonomy_term.json`).", body = Object),
        (status = 404, description = "No such taxonomy term.", body = warren_wire::Problem, content_type = "application/problem+json"),
        PublicProblems,
    )
)]
#[get("/taxonomy_terms/{id}")]
pub async fn read_taxonomy_term(
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    admit(&state, &request).await?;
    let id = id.into_inner();
    let snapshot = snapshot(&state).await?;
    let term = terms(&snapshot)
        .into_iter()
        .find(|term| term.id() == id)
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(term.hsds()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_match_whole_or_by_outward_code() {
        assert!(postcode_matches("BS1 5DB", "bs1 5db"));
        assert!(postcode_matches("BS1 5DB", "BS15DB"));
        assert!(postcode_matches("BS1 5DB", "BS1"));
        assert!(!postcode_matches("BS10 1AA", "BS1"));
        assert!(!postcode_matches("BS1 5DB", " "));
        assert!(postcode_matches("75011", "75011"));
    }

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        let site = Uuid::from_u128(42);
        let ids = SiteIds::of(site);
        assert_eq!(ids.location, site);
        assert_eq!(ids.service, SiteIds::of(site).service);
        assert_ne!(ids.service, ids.service_at_location);
        assert_eq!(ids.service.get_version_num(), 5);
        assert_ne!(
            term_id(Vocabulary::Capabilities, "ct"),
            term_id(Vocabulary::Species, "ct")
        );
    }

    #[test]
    fn pages_are_counted_as_hsds_says() {
        let paging = Paging::parse(Some("2"), Some("3"), None).unwrap();
        assert_eq!((paging.page, paging.per_page), (2, 3));
        assert!(Paging::parse(Some("0"), None, None).is_err());
        assert!(Paging::parse(Some("-1"), None, None).is_err());
        assert!(Paging::parse(None, Some("201"), None).is_err());
        assert!(Paging::parse(None, None, Some("xml")).is_err());
        assert_eq!(
            Paging::parse(None, None, None).unwrap().per_page,
            DEFAULT_PER_PAGE
        );
    }
}

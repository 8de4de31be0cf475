//! From the directory to HSDS documents, as [the module overview](super)
//! maps them. Everything is built from a site's public view
//! ([`public_site`]), so nothing private — private phones, referral
//! contacts, staff — can reach HSDS.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{
    DateTime, Datelike, Duration, NaiveTime, Offset, SecondsFormat, TimeZone, Utc, Weekday,
};
use uuid::Uuid;
use warren_domain::OrganizationKind;
use warren_domain::directory::CapacityStatus;
use warren_domain::directory::hours::{DayHours, Hours};
use warren_store::sites::SiteRecord;
use warren_wire::{Organization, PublicSite, TermRef};

use super::model::{
    Address, Attribute, HsdsOrganization, Location, LocationNested, Metadata, OrganizationNested,
    Phone, Schedule, Service, ServiceAtLocation, ServiceNested,
};
use super::taxonomy::{SiteIds, Term, Vocabulary, derived, terms};
use crate::directory::{Snapshot, public_site};

/// How many weeks ahead to look for a week without public holidays when
/// turning opening hours into a regular weekly schedule.
const WEEKS_TO_FIND_A_REGULAR_ONE: i64 = 8;

/// How deep a service is nested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// One-to-one fields only, as in lists.
    Flat,
    /// With phones, schedules and attributes, but not the objects it hangs
    /// from (inside an organization or a service at location).
    Nested,
    /// Everything, with its services at locations and organization.
    Full,
}

impl Depth {
    /// `Full` when asked for (`full=true`), else `Flat`.
    pub fn full_if(full: bool) -> Self {
        if full { Self::Full } else { Self::Flat }
    }
}

/// Turns directory entries into HSDS documents, at one instant.
pub struct Publisher<'a> {
    snapshot: &'a Snapshot,
    organizations: &'a HashMap<Uuid, Organization>,
    terms: HashMap<(Vocabulary, String), Term>,
    /// Each site's schedules, which a nested service shows twice.
    schedules: RefCell<HashMap<Uuid, Vec<Schedule>>>,
    /// The instant the documents describe.
    pub now: DateTime<Utc>,
}

impl<'a> Publisher<'a> {
    /// A publisher over `snapshot`; `organizations` are the vetted ones
    /// whose own details (website, description) the documents show.
    pub fn new(snapshot: &'a Snapshot, organizations: &'a HashMap<Uuid, Organization>) -> Self {
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
    pub fn public(&self, record: &SiteRecord) -> PublicSite {
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

    /// An organization; with `sites`, nested with its locations and
    /// services (those nested too with `full_services`).
    pub fn organization(
        &self,
        organization: &Organization,
        sites: Option<&[&SiteRecord]>,
        full_services: bool,
    ) -> HsdsOrganization {
        let depth = if full_services {
            Depth::Nested
        } else {
            Depth::Flat
        };
        let nested = sites.map(|sites| {
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
                    .map(|(site, record)| self.service(site, record, depth))
                    .collect(),
                attributes: vec![self.attribute(
                    organization.id,
                    "organization",
                    Vocabulary::OrganizationKinds,
                    organization.kind.as_str(),
                    organization.kind.label(),
                )],
                metadata: vec![change(
                    organization.id,
                    "organization",
                    "create",
                    organization.created_at,
                    &organization.name,
                )],
            }
        });
        HsdsOrganization {
            id: organization.id,
            name: organization.name.clone(),
            description: organization
                .description
                .clone()
                .unwrap_or_else(|| member_of_the_network(organization.kind)),
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
                description: member_of_the_network(record.organization_kind),
                website: None,
                nested: None,
            },
        }
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
            phones: phones(site, false),
            schedules: self.schedules(site),
            metadata: history(site.id, "location", site, record),
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

    /// A site's service, as deep as asked.
    pub fn service(&self, site: &PublicSite, record: &SiteRecord, depth: Depth) -> Service {
        let ids = SiteIds::of(site.id);
        let nested = (depth != Depth::Flat).then(|| {
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
                phones: phones(site, true),
                schedules: self.schedules(site),
                service_at_locations: full
                    .then(|| vec![self.service_at_location(site, record, Depth::Nested)]),
                organization: full.then(|| Box::new(self.organization_of(record))),
                attributes,
                metadata: history(ids.service, "service", site, record),
            }
        });
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
            last_modified: date_time(last_modified(record)),
            nested,
        }
    }

    /// A site's service at location, as deep as asked.
    pub fn service_at_location(
        &self,
        site: &PublicSite,
        record: &SiteRecord,
        depth: Depth,
    ) -> ServiceAtLocation {
        let ids = SiteIds::of(site.id);
        let service = match depth {
            Depth::Flat => Some(Depth::Flat),
            // Inside a service: the location, not the service again.
            Depth::Nested => None,
            Depth::Full => Some(Depth::Nested),
        };
        ServiceAtLocation {
            id: ids.service_at_location,
            service_id: ids.service,
            location_id: ids.location,
            description: format!("{} at {}, {}.", service_name(site), site.address, site.town),
            location: Some(self.location(site, record, depth != Depth::Flat)),
            service: service.map(|depth| self.service(site, record, depth)),
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
        let irregular = Schedule {
            id: derived(site.id, "schedule"),
            service_id: ids.service,
            location_id: ids.location,
            freq: None,
            wkst: None,
            byday: None,
            opens_at: None,
            closes_at: None,
            description: expression.clone(),
            notes: format!(
                "OpenStreetMap opening_hours expression, read in {} with the public holidays of {}; times are local, with their UTC offset.",
                site.timezone, site.country
            ),
        };
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
                    freq: Some("WEEKLY"),
                    wkst: Some("MO"),
                    byday: Some(byday),
                    opens_at: Some(interval.opens_at),
                    closes_at: Some(interval.closes_at),
                    ..irregular.clone()
                }
            })
            .collect();
        if schedules.is_empty() {
            schedules.push(irregular);
        }
        schedules
    }
}

/// An organization's description when it has written none.
fn member_of_the_network(kind: OrganizationKind) -> String {
    format!("{} in the Warren care network.", kind.label())
}

/// A change record: `resource_id` created or updated (`action`) on `at`.
fn change(
    resource_id: Uuid,
    resource_type: &'static str,
    action: &'static str,
    at: DateTime<Utc>,
    by: &str,
) -> Metadata {
    Metadata {
        id: derived(resource_id, &format!("metadata:{action}")),
        resource_id,
        resource_type,
        last_action_date: date(at),
        last_action_type: action,
        field_name: String::new(),
        previous_value: String::new(),
        replacement_value: String::new(),
        updated_by: by.to_owned(),
    }
}

/// The change records of an object derived from a site: its creation and,
/// if it changed since, its last update.
fn history(
    resource_id: Uuid,
    resource_type: &'static str,
    site: &PublicSite,
    record: &SiteRecord,
) -> Vec<Metadata> {
    let by = &site.organization_name;
    let updated = (record.updated_at > record.created_at).then_some(("update", record.updated_at));
    [("create", record.created_at)]
        .into_iter()
        .chain(updated)
        .map(|(action, at)| change(resource_id, resource_type, action, at, by))
        .collect()
}

/// A site's phones: its public line (the location's too) and, with
/// `after_hours`, the line of the site's after-hours cover.
fn phones(site: &PublicSite, after_hours: bool) -> Vec<Phone> {
    let service_id = SiteIds::of(site.id).service;
    let public = site.public_phone.as_ref().map(|number| Phone {
        id: derived(site.id, "phone"),
        location_id: Some(site.id),
        service_id,
        number: number.clone(),
        kind: "voice",
        description: format!("Public line of {}.", site.name),
    });
    let cover = site.after_hours_cover.as_ref().filter(|_| after_hours);
    let cover = cover.and_then(|cover| {
        Some(Phone {
            id: derived(site.id, "phone:after_hours"),
            location_id: None,
            service_id,
            number: cover.phone.clone()?,
            kind: "voice",
            description: format!(
                "After hours, while {} is closed: {}.",
                site.name, cover.name
            ),
        })
    });
    public.into_iter().chain(cover).collect()
}

/// When a site's listing last changed: its details, its capacity or its
/// last audit, whichever is latest.
pub fn last_modified(record: &SiteRecord) -> DateTime<Utc> {
    [
        Some(record.updated_at),
        record.capacity_declared_at,
        record.assured_at,
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(record.updated_at)
}

fn date(at: DateTime<Utc>) -> String {
    at.date_naive().format("%Y-%m-%d").to_string()
}

fn date_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
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

fn labels(terms: &[TermRef]) -> String {
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
    days: Vec<Weekday>,
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

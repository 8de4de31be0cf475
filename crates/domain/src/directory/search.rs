//! Directory search: *species S, needing capabilities C…, open at time T
//! (after-hours cover followed), within R km of a point, accepting* — in one
//! call, ranked by how well each site matches (open before covered, declared
//! full or closed last) and then by distance, each
//! result carrying the reasons it matched.
//!
//! The search runs over an in-memory [`Directory`] of [`Listing`]s so the
//! server answers from memory and the browser could run the same code.
//! Filters are checked cheapest first; opening hours, the only costly check,
//! are evaluated last and memoized per site.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use geo::{Distance, Haversine, Point};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::hours::{Hours, HoursState};
use super::taxonomy::{Taxonomy, TermCode, Vocabulary};
use super::{
    Accuracy, Availability, Capacity, CapacityStatus, Cover, Limitations, Reason, ReasonKind,
};
use crate::organization::OrganizationKind;

/// The default number of results per page.
pub const DEFAULT_LIMIT: usize = 20;
/// The largest page a search returns.
pub const MAX_LIMIT: usize = 100;
/// The largest radius a search accepts, in kilometres.
pub const MAX_RADIUS_KM: f64 = 500.0;

/// Everything search needs to know about one site of a vetted organization.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The site.
    pub id: Uuid,
    /// The organization running it.
    pub organization_id: Uuid,
    /// The organization's name.
    pub organization_name: String,
    /// The organization's kind.
    pub organization_kind: OrganizationKind,
    /// The site's name.
    pub name: String,
    /// Town.
    pub town: String,
    /// Postcode.
    pub postcode: String,
    /// Latitude, WGS 84.
    pub latitude: f64,
    /// Longitude, WGS 84.
    pub longitude: f64,
    /// The public phone number.
    pub public_phone: Option<String>,
    /// The referral line for clinics (private).
    pub referral_phone: Option<String>,
    /// Opening hours; `None` when the site publishes none.
    pub hours: Option<Hours>,
    /// Who takes cases while it is closed.
    pub cover: Option<Cover>,
    /// Capability codes.
    pub capabilities: Vec<TermCode>,
    /// Accepted species and groups.
    pub species: Vec<TermCode>,
    /// Service limitations.
    pub limitations: Limitations,
    /// Declared capacity.
    pub capacity: Capacity,
    /// Assurance and audit dates.
    pub accuracy: Accuracy,
}

impl Listing {
    fn accepts(&self, species: &TermCode) -> Option<&TermCode> {
        if self.limitations.no_wildlife && species.group() == "wildlife" {
            return None;
        }
        self.species
            .iter()
            .find(|accepted| accepted.covers(species))
    }
}

/// The raw search filters as they arrive in a query string. Every value is
/// text so a bad one is refused with the name of its filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// Species code, e.g. `small_mammal/guinea_pig`; an unknown species of a
    /// known group searches the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub species: Option<String>,
    /// Capability codes separated by commas; a site must have all of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<String>,
    /// The instant to check opening hours at (RFC 3339); default now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// `true` keeps only sites open at `at` or covered after hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<String>,
    /// `true` drops sites whose capacity is `full` or `closed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepting: Option<String>,
    /// Latitude of the point to search near (with `lon`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<String>,
    /// Longitude of the point to search near (with `lat`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<String>,
    /// A town or postcode to search near instead of `lat`/`lon`
    /// (`Bristol`, `BS1 5TR`, `BS1`), resolved by the gazetteer; the page's
    /// `near` says which place it was taken to mean.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near: Option<String>,
    /// Keep only sites within this many kilometres of the point (needs
    /// `lat` and `lon`; at most 500).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_km: Option<String>,
    /// Free text matched against names, towns, postcodes and terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// The patient's weight in grams; drops sites whose limit is lower.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_grams: Option<String>,
    /// How many ranked results to skip (from `next_offset`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
    /// Results per page, 1–100 (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

/// A filter that could not be used, named as in the query string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{filter}: {message}")]
pub struct FilterError {
    /// The offending query parameter.
    pub filter: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl FilterError {
    fn new(filter: &'static str, message: impl Into<String>) -> Self {
        Self {
            filter,
            message: message.into(),
        }
    }
}

/// A checked search.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The species to accept.
    pub species: Option<TermCode>,
    /// Capabilities the site must all have.
    pub capabilities: Vec<TermCode>,
    /// The instant opening hours are checked at.
    pub at: DateTime<Utc>,
    /// Keep only sites open or covered at `at`.
    pub open_only: bool,
    /// Drop sites declared full or closed.
    pub accepting_only: bool,
    /// The point to measure distance from, as (latitude, longitude).
    pub near: Option<(f64, f64)>,
    /// The largest distance kept.
    pub radius_km: Option<f64>,
    /// Lowercase free text.
    pub text: Option<String>,
    /// The patient's weight.
    pub weight_grams: Option<u32>,
    /// Results skipped.
    pub offset: usize,
    /// Results per page.
    pub limit: usize,
}

fn flag(filter: &'static str, value: Option<&str>) -> Result<bool, FilterError> {
    match value.map(str::trim) {
        None | Some("") | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(_) => Err(FilterError::new(filter, "must be true or false")),
    }
}

fn number<T: std::str::FromStr>(
    filter: &'static str,
    value: Option<&str>,
) -> Result<Option<T>, FilterError> {
    match value.map(str::trim).filter(|text| !text.is_empty()) {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| FilterError::new(filter, "must be a number")),
    }
}

impl Query {
    /// Checks raw filters against the vocabulary in force; `now` is the
    /// default for `at`.
    pub fn parse(
        params: &SearchParams,
        vocabulary: &Vocabulary,
        now: DateTime<Utc>,
    ) -> Result<Self, FilterError> {
        let species = match params
            .species
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(text) => {
                let code = TermCode::parse(text)
                    .map_err(|error| FilterError::new("species", error.to_string()))?;
                Some(vocabulary.resolve_species(&code).ok_or_else(|| {
                    FilterError::new(
                        "species",
                        format!("`{text}` is not a species or group Warren knows"),
                    )
                })?)
            }
        };
        let mut capabilities = Vec::new();
        for text in params
            .capabilities
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|text| !text.is_empty())
        {
            let code = TermCode::parse(text)
                .ok()
                .filter(|code| {
                    vocabulary
                        .find(Taxonomy::Capability, code.as_str())
                        .is_some()
                })
                .ok_or_else(|| {
                    FilterError::new(
                        "capabilities",
                        format!("`{text}` is not a capability Warren knows"),
                    )
                })?;
            if !capabilities.contains(&code) {
                capabilities.push(code);
            }
        }
        let at = match params
            .at
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => now,
            Some(text) => DateTime::parse_from_rfc3339(text)
                .map_err(|_| {
                    FilterError::new(
                        "at",
                        "must be an RFC 3339 time such as 2026-11-21T23:00:00Z",
                    )
                })?
                .to_utc(),
        };
        let lat: Option<f64> = number("lat", params.lat.as_deref())?;
        let lon: Option<f64> = number("lon", params.lon.as_deref())?;
        let near = match (lat, lon) {
            (None, None) => None,
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) {
                    return Err(FilterError::new("lat", "must be between -90 and 90"));
                }
                if !(-180.0..=180.0).contains(&lon) {
                    return Err(FilterError::new("lon", "must be between -180 and 180"));
                }
                Some((lat, lon))
            }
            (Some(_), None) => return Err(FilterError::new("lon", "is needed with lat")),
            (None, Some(_)) => return Err(FilterError::new("lat", "is needed with lon")),
        };
        let radius_km: Option<f64> = number("radius_km", params.radius_km.as_deref())?;
        if let Some(radius) = radius_km {
            if near.is_none() {
                return Err(FilterError::new("radius_km", "needs lat and lon"));
            }
            if !(radius > 0.0 && radius <= MAX_RADIUS_KM) {
                return Err(FilterError::new(
                    "radius_km",
                    format!("must be above 0 and at most {MAX_RADIUS_KM}"),
                ));
            }
        }
        let text = params
            .q
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_lowercase);
        if text.as_ref().is_some_and(|text| text.chars().count() > 100) {
            return Err(FilterError::new("q", "must be at most 100 characters"));
        }
        let weight_grams: Option<u32> = number("weight_grams", params.weight_grams.as_deref())?;
        if weight_grams == Some(0) {
            return Err(FilterError::new("weight_grams", "must be above 0"));
        }
        let offset: usize = number("offset", params.offset.as_deref())?.unwrap_or(0);
        let limit: usize = number("limit", params.limit.as_deref())?.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(FilterError::new(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        Ok(Self {
            species,
            capabilities,
            at,
            open_only: flag("open", params.open.as_deref())?,
            accepting_only: flag("accepting", params.accepting.as_deref())?,
            near,
            radius_km,
            text,
            weight_grams,
            offset,
            limit,
        })
    }
}

/// One search result.
#[derive(Debug, Clone)]
pub struct Hit<'a> {
    /// The matching site.
    pub listing: &'a Listing,
    /// Whether it (or its cover) takes cases at the requested time.
    pub availability: Availability,
    /// Distance from the requested point.
    pub distance_km: Option<f64>,
    /// Capacity of the site that takes the case (the cover, when covered),
    /// as it will read at the requested time: a declaration that lapses
    /// before then reads `unknown`.
    pub capacity: CapacityStatus,
    /// Whether the listing is verified now.
    pub verified: bool,
    /// Closed sites this site is the after-hours cover for at the requested
    /// time, which are not listed again on their own.
    pub covering: Vec<&'a Listing>,
    /// Why it matched, most important first.
    pub reasons: Vec<Reason>,
}

/// A page of ranked results.
#[derive(Debug, Clone)]
pub struct SearchOutcome<'a> {
    /// The page.
    pub hits: Vec<Hit<'a>>,
    /// How many results match in all.
    pub total: usize,
}

/// The searchable directory: every listing of the vetted organizations.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    listings: Vec<Listing>,
    haystacks: Vec<String>,
    facts: Vec<Facts>,
    codes: HashMap<TermCode, usize>,
    /// (latitude, longitude, index), by latitude: a search near a point
    /// scans only its band of latitude, in memory that fits in cache.
    by_latitude: Vec<(f64, f64, usize)>,
    by_id: HashMap<Uuid, usize>,
    vocabulary: Vocabulary,
}

/// A listing's terms as bit sets over the directory's interned codes, and
/// its limits, packed together so a search tests each listing with a few
/// integer operations on one cache line.
#[derive(Debug, Clone, Default)]
struct Facts {
    species: Bits,
    capabilities: Bits,
    max_weight_grams: Option<u32>,
    no_wildlife: bool,
}

/// A set of small integers: the first 128 inline, the rest (a vocabulary
/// grown past that) on the heap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Bits {
    low: u128,
    high: Vec<u64>,
}

impl Bits {
    fn insert(&mut self, index: usize) {
        if index < 128 {
            self.low |= 1 << index;
            return;
        }
        let word = (index - 128) / 64;
        if self.high.len() <= word {
            self.high.resize(word + 1, 0);
        }
        self.high[word] |= 1 << ((index - 128) % 64);
    }

    fn intersects(&self, other: &Bits) -> bool {
        self.low & other.low != 0 || self.high.iter().zip(&other.high).any(|(a, b)| a & b != 0)
    }

    fn contains_all(&self, wanted: &Bits) -> bool {
        wanted.low & !self.low == 0
            && wanted
                .high
                .iter()
                .enumerate()
                .all(|(word, bits)| bits & !self.high.get(word).copied().unwrap_or(0) == 0)
    }
}

/// A query's needs compiled against the directory's codes.
struct Needs {
    /// Codes a listing must accept one of; `None` when any species will do.
    species: Option<Bits>,
    /// Whether the animal is wildlife (sites refusing wildlife drop out).
    wildlife: bool,
    /// Codes a listing must have all of.
    capabilities: Bits,
    /// A requested capability no listing has: nothing can match.
    impossible: bool,
    weight_grams: Option<u32>,
}

/// Whether a site takes cases at the requested time, before any text is
/// made: only the results on the page are described.
#[derive(Debug, Clone, Copy)]
enum Reach {
    Open(Option<DateTime<Utc>>),
    OnCall(Option<DateTime<Utc>>),
    Cover(usize, Option<DateTime<Utc>>),
    Closed(Option<DateTime<Utc>>),
    Unknown,
}

impl Reach {
    fn rank(self) -> u8 {
        match self {
            Self::Open(_) => 0,
            Self::OnCall(_) | Self::Cover(..) => 1,
            Self::Unknown => 2,
            Self::Closed(_) => 3,
        }
    }
}

struct Candidate {
    index: usize,
    reach: Reach,
    /// The closed sites this one covers, by index.
    covering: Vec<usize>,
    distance_km: Option<f64>,
    capacity: CapacityStatus,
    rank: (u8, u8),
}

impl Directory {
    /// Builds the directory over `listings` with the vocabulary in force.
    pub fn new(listings: Vec<Listing>, vocabulary: Vocabulary) -> Self {
        let haystacks = listings
            .iter()
            .map(|listing| {
                let mut text = format!(
                    "{} {} {} {}",
                    listing.name, listing.organization_name, listing.town, listing.postcode
                );
                for code in &listing.capabilities {
                    text.push(' ');
                    text.push_str(vocabulary.label(Taxonomy::Capability, code.as_str()));
                }
                for code in &listing.species {
                    text.push(' ');
                    text.push_str(vocabulary.label(Taxonomy::Species, code.as_str()));
                }
                text.to_lowercase()
            })
            .collect();
        let by_id = listings
            .iter()
            .enumerate()
            .map(|(index, listing)| (listing.id, index))
            .collect();
        let mut codes: HashMap<TermCode, usize> = HashMap::new();
        let mut intern = |code: &TermCode| {
            let next = codes.len();
            *codes.entry(code.clone()).or_insert(next)
        };
        let facts = listings
            .iter()
            .map(|listing| {
                let mut facts = Facts {
                    max_weight_grams: listing.limitations.max_weight_grams,
                    no_wildlife: listing.limitations.no_wildlife,
                    ..Facts::default()
                };
                for code in &listing.species {
                    facts.species.insert(intern(code));
                }
                for code in &listing.capabilities {
                    facts.capabilities.insert(intern(code));
                }
                facts
            })
            .collect();
        let mut by_latitude: Vec<(f64, f64, usize)> = listings
            .iter()
            .enumerate()
            .map(|(index, listing)| (listing.latitude, listing.longitude, index))
            .collect();
        by_latitude.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
        Self {
            listings,
            haystacks,
            facts,
            codes,
            by_latitude,
            by_id,
            vocabulary,
        }
    }

    fn needs(&self, query: &Query) -> Needs {
        let species = query.species.as_ref().map(|wanted| {
            let mut accepted = Bits::default();
            for (code, &index) in &self.codes {
                if code.covers(wanted) {
                    accepted.insert(index);
                }
            }
            accepted
        });
        let mut capabilities = Bits::default();
        let mut impossible = false;
        for wanted in &query.capabilities {
            match self.codes.get(wanted) {
                Some(&index) => capabilities.insert(index),
                None => impossible = true,
            }
        }
        Needs {
            species,
            wildlife: query
                .species
                .as_ref()
                .is_some_and(|species| species.group() == "wildlife"),
            capabilities,
            impossible,
            weight_grams: query.weight_grams,
        }
    }

    fn meets(&self, index: usize, needs: &Needs) -> bool {
        let facts = &self.facts[index];
        !needs.impossible
            && needs
                .species
                .as_ref()
                .is_none_or(|accepted| facts.species.intersects(accepted))
            && !(needs.wildlife && facts.no_wildlife)
            && facts.capabilities.contains_all(&needs.capabilities)
            && match (needs.weight_grams, facts.max_weight_grams) {
                (Some(weight), Some(max)) => weight <= max,
                _ => true,
            }
    }

    fn reach(&self, index: usize, needs: &Needs, at: DateTime<Utc>) -> Reach {
        let listing = &self.listings[index];
        let Some(hours) = &listing.hours else {
            return Reach::Unknown;
        };
        match hours.state_at(at) {
            HoursState::Open { until } => Reach::Open(until),
            HoursState::Unknown => Reach::Unknown,
            HoursState::Closed { opens_at } => match &listing.cover {
                Some(Cover::OnCall { .. }) => Reach::OnCall(opens_at),
                Some(Cover::Site { site_id }) => {
                    let cover = self
                        .by_id
                        .get(site_id)
                        .copied()
                        .filter(|&cover| cover != index && self.meets(cover, needs));
                    let open_cover = cover.and_then(|cover| {
                        match self.listings[cover].hours.as_ref()?.state_at(at) {
                            HoursState::Open { until } => Some((cover, earliest(until, opens_at))),
                            _ => None,
                        }
                    });
                    match open_cover {
                        Some((cover, until)) => Reach::Cover(cover, until),
                        None => Reach::Closed(opens_at),
                    }
                }
                None => Reach::Closed(opens_at),
            },
        }
    }

    fn describe(&self, index: usize, reach: Reach) -> Availability {
        match reach {
            Reach::Open(until) => Availability::Open { until },
            Reach::OnCall(until) => match &self.listings[index].cover {
                Some(Cover::OnCall { name, phone }) => Availability::Covered {
                    site_id: None,
                    name: name.clone(),
                    phone: Some(phone.clone()),
                    until,
                },
                _ => Availability::Closed { opens_at: until },
            },
            Reach::Cover(cover, until) => {
                let cover = &self.listings[cover];
                Availability::Covered {
                    site_id: Some(cover.id),
                    name: format!("{} ({})", cover.name, cover.organization_name),
                    phone: cover
                        .referral_phone
                        .clone()
                        .or_else(|| cover.public_phone.clone()),
                    until,
                }
            }
            Reach::Closed(opens_at) => Availability::Closed { opens_at },
            Reach::Unknown => Availability::Unknown,
        }
    }

    /// Every listing.
    pub fn listings(&self) -> &[Listing] {
        &self.listings
    }

    /// The listing of one site.
    pub fn listing(&self, id: Uuid) -> Option<&Listing> {
        self.by_id.get(&id).map(|&index| &self.listings[index])
    }

    /// The vocabulary in force.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// Whether `listing` (or its cover) takes cases at `at`, for a case with
    /// the needs of `query`. The listing may be newer than the directory's
    /// copy (the answer to a change), so it is read on its own, with its
    /// covering site from the directory.
    pub fn availability(
        &self,
        listing: &Listing,
        query: &Query,
        at: DateTime<Utc>,
    ) -> Availability {
        let mut listings = vec![listing.clone()];
        if let Some(Cover::Site { site_id }) = &listing.cover
            && let Some(cover) = self.listing(*site_id)
        {
            listings.push(cover.clone());
        }
        let alone = Directory::new(listings, Vocabulary::default());
        let needs = alone.needs(query);
        alone.describe(0, alone.reach(0, &needs, at))
    }

    /// Runs `query`; `now` is the real clock, against which capacity and
    /// verification are read (the hours are read at `query.at`).
    pub fn search(&self, query: &Query, now: DateTime<Utc>) -> SearchOutcome<'_> {
        let needs = self.needs(query);
        let origin = query.near.map(|(lat, lon)| Point::new(lon, lat));
        // A cheap box around the circle before measuring on the sphere.
        let bounds = query.near.zip(query.radius_km).map(|((lat, lon), radius)| {
            let dlat = radius / 110.5 + 0.01;
            let dlon = radius / (111.3 * lat.to_radians().cos().abs().max(0.01)) + 0.01;
            (lat - dlat, lat + dlat, lon - dlon, lon + dlon)
        });
        let band: &[(f64, f64, usize)] = match bounds {
            Some((south, north, _, _)) => {
                let first = self.by_latitude.partition_point(|entry| entry.0 < south);
                let last = self.by_latitude.partition_point(|entry| entry.0 <= north);
                &self.by_latitude[first..last]
            }
            None => &self.by_latitude,
        };
        let mut candidates: Vec<Candidate> = Vec::new();
        for &(latitude, longitude, index) in band {
            if let Some((_, _, west, east)) = bounds
                && !(west..=east).contains(&longitude)
            {
                continue;
            }
            let listing = &self.listings[index];
            if !self.meets(index, &needs) {
                continue;
            }
            if let Some(text) = &query.text
                && !self.haystacks[index].contains(text.as_str())
            {
                continue;
            }
            let distance_km = origin
                .map(|origin| Haversine.distance(origin, Point::new(longitude, latitude)) / 1000.0);
            if let (Some(distance), Some(radius)) = (distance_km, query.radius_km)
                && distance > radius
            {
                continue;
            }
            let reach = self.reach(index, &needs, query.at);
            if query.open_only && reach.rank() > 1 {
                continue;
            }
            // A covered case goes to the cover: its capacity is the one that
            // counts, read at the planned time (a declaration lapsing before
            // then says nothing about it), or now for a time already past.
            let taker = match reach {
                Reach::Cover(cover, _) => &self.listings[cover],
                _ => listing,
            };
            let capacity = taker.capacity.status_at(query.at.max(now));
            if query.accepting_only && !capacity.may_accept() {
                continue;
            }
            let rank = (
                reach.rank(),
                // Undeclared capacity is the usual state: only a declared
                // `full` or `closed` ranks a site lower.
                match capacity {
                    CapacityStatus::Normal | CapacityStatus::Unknown => 0,
                    CapacityStatus::Full => 1,
                    CapacityStatus::Closed => 2,
                },
            );
            candidates.push(Candidate {
                index,
                reach,
                covering: Vec::new(),
                distance_km,
                capacity,
                rank,
            });
        }
        let order = |a: &Candidate, b: &Candidate| {
            let (left, right) = (&self.listings[a.index], &self.listings[b.index]);
            a.rank
                .cmp(&b.rank)
                .then(
                    a.distance_km
                        .unwrap_or(f64::MAX)
                        .total_cmp(&b.distance_km.unwrap_or(f64::MAX)),
                )
                .then_with(|| left.name.cmp(&right.name))
                .then(left.id.cmp(&right.id))
        };
        // A closed site whose cover is itself a result is not listed twice:
        // the cover's result says it also covers for it.
        let listed: HashMap<usize, usize> = candidates
            .iter()
            .enumerate()
            .map(|(position, candidate)| (candidate.index, position))
            .collect();
        let mut covered: Vec<(usize, usize)> = Vec::new();
        candidates.retain(|candidate| match candidate.reach {
            Reach::Cover(cover, _) if listed.contains_key(&cover) => {
                covered.push((cover, candidate.index));
                false
            }
            _ => true,
        });
        if !covered.is_empty() {
            let positions: HashMap<usize, usize> = candidates
                .iter()
                .enumerate()
                .map(|(position, candidate)| (candidate.index, position))
                .collect();
            for (cover, index) in covered {
                if let Some(&position) = positions.get(&cover) {
                    candidates[position].covering.push(index);
                }
            }
        }
        let total = candidates.len();
        // Only the results up to the end of the page need a full order.
        let end = query.offset.saturating_add(query.limit).min(total);
        if end > 0 && end < total {
            candidates.select_nth_unstable_by(end - 1, order);
            candidates.truncate(end);
        }
        candidates.sort_by(order);
        let hits = candidates
            .into_iter()
            .skip(query.offset)
            .take(query.limit)
            .map(|candidate| self.hit(candidate, query, now))
            .collect();
        SearchOutcome { hits, total }
    }

    fn hit(&self, candidate: Candidate, query: &Query, now: DateTime<Utc>) -> Hit<'_> {
        let listing = &self.listings[candidate.index];
        let verified = listing.accuracy.verified_at(now);
        let availability = self.describe(candidate.index, candidate.reach);
        // What the animal meets is the site that takes it: the cover's own
        // species, capabilities and limitations when covered.
        let taker = match candidate.reach {
            Reach::Cover(cover, _) => &self.listings[cover],
            _ => listing,
        };
        let mut covering: Vec<&Listing> = candidate
            .covering
            .iter()
            .map(|&index| &self.listings[index])
            .collect();
        covering.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        let mut reasons = vec![availability_reason(listing, &availability, query.at)];
        for closed in &covering {
            reasons.push(Reason::new(
                ReasonKind::CoveringFor,
                format!(
                    "also after-hours cover for {} ({})",
                    closed.name, closed.organization_name
                ),
            ));
        }
        if let Some(distance) = candidate.distance_km {
            reasons.push(Reason::new(
                ReasonKind::Distance,
                format!("{distance:.1} km"),
            ));
        }
        if let Some(species) = &query.species
            && let Some(accepted) = taker.accepts(species)
        {
            let label = self.vocabulary.label(Taxonomy::Species, accepted.as_str());
            reasons.push(Reason::new(
                ReasonKind::Species,
                format!("accepts {}", label.to_lowercase()),
            ));
        }
        for capability in &query.capabilities {
            reasons.push(Reason::new(
                ReasonKind::Capability,
                self.vocabulary
                    .label(Taxonomy::Capability, capability.as_str()),
            ));
        }
        let lapsed = candidate.capacity == CapacityStatus::Unknown
            && taker.capacity.level.is_some()
            && taker.capacity.status_at(now) != CapacityStatus::Unknown;
        reasons.push(Reason::new(
            ReasonKind::Capacity,
            match candidate.capacity {
                CapacityStatus::Normal => "space available".to_owned(),
                CapacityStatus::Unknown if lapsed => match taker.capacity.expires_at {
                    Some(expires_at) => format!(
                        "capacity not confirmed for then (declaration lapses {})",
                        when(taker, expires_at, now)
                    ),
                    None => "capacity not confirmed for then".to_owned(),
                },
                CapacityStatus::Unknown => "capacity not confirmed".to_owned(),
                CapacityStatus::Full => "full".to_owned(),
                CapacityStatus::Closed => "not taking patients".to_owned(),
            },
        ));
        reasons.push(Reason::new(
            ReasonKind::Verification,
            match listing.accuracy.assured_at {
                Some(assured_at) if verified => {
                    format!("verified {}", assured_at.format("%-d %b %Y"))
                }
                Some(_) => format!(
                    "unverified: audit overdue since {}",
                    listing.accuracy.next_audit_due.format("%-d %b %Y")
                ),
                None => "unverified: never audited".to_owned(),
            },
        ));
        let limitations = &taker.limitations;
        if limitations.referral_only {
            reasons.push(Reason::new(ReasonKind::Limitation, "referral only"));
        }
        if limitations.deposit_required {
            reasons.push(Reason::new(ReasonKind::Limitation, "deposit required"));
        }
        if let Some(max) = limitations.max_weight_grams {
            reasons.push(Reason::new(
                ReasonKind::Limitation,
                format!("patients up to {}", weight(max)),
            ));
        }
        if let Some(text) = &query.text {
            reasons.push(Reason::new(ReasonKind::Text, format!("matches “{text}”")));
        }
        Hit {
            listing,
            availability,
            distance_km: candidate.distance_km,
            capacity: candidate.capacity,
            verified,
            covering,
            reasons,
        }
    }
}

fn earliest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn weight(grams: u32) -> String {
    if grams >= 1000 {
        format!("{} kg", f64::from(grams) / 1000.0)
    } else {
        format!("{grams} g")
    }
}

/// Says when, in the site's local time: `22:00` the same day, `Thu 08:00`
/// on another.
fn when(listing: &Listing, instant: DateTime<Utc>, at: DateTime<Utc>) -> String {
    match &listing.hours {
        Some(hours) if hours.local_date(instant) == hours.local_date(at) => {
            hours.local_time(instant)
        }
        Some(hours) => hours.local_day_time(instant),
        None => instant.format("%a %H:%M UTC").to_string(),
    }
}

fn availability_reason(
    listing: &Listing,
    availability: &Availability,
    at: DateTime<Utc>,
) -> Reason {
    match availability {
        Availability::Open { until: Some(until) } => Reason::new(
            ReasonKind::Open,
            format!("open until {}", when(listing, *until, at)),
        ),
        Availability::Open { until: None } => Reason::new(ReasonKind::Open, "open 24 hours"),
        Availability::Covered { name, until, .. } => Reason::new(
            ReasonKind::Covered,
            match until {
                Some(until) => format!(
                    "after-hours cover by {name} until {}",
                    when(listing, *until, at)
                ),
                None => format!("after-hours cover by {name}"),
            },
        ),
        Availability::Closed {
            opens_at: Some(opens_at),
        } => Reason::new(
            ReasonKind::Closed,
            format!("closed, opens {}", when(listing, *opens_at, at)),
        ),
        Availability::Closed { opens_at: None } => Reason::new(ReasonKind::Closed, "closed"),
        Availability::Unknown => Reason::new(ReasonKind::HoursUnknown, "hours not confirmed"),
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use proptest::prelude::*;

    use super::*;
    use crate::directory::CapacityLevel;
    use crate::directory::hours::{CountryCode, OpeningHoursText, Timezone};

    const BRISTOL: (f64, f64) = (51.4545, -2.5879);

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    /// Wednesday 2 December 2026, 23:00 in London (UTC in winter).
    fn late() -> DateTime<Utc> {
        utc("2026-12-02T23:00:00Z")
    }

    fn listing(
        name: &str,
        km_north: f64,
        hours: Option<&str>,
        capabilities: &[&str],
        species: &[&str],
    ) -> Listing {
        Listing {
            id: Uuid::new_v4(),
            organization_id: Uuid::new_v4(),
            organization_name: format!("{name} Ltd"),
            organization_kind: OrganizationKind::Clinic,
            name: name.to_owned(),
            town: "Bristol".into(),
            postcode: "BS1".into(),
            latitude: BRISTOL.0 + km_north / 111.2,
            longitude: BRISTOL.1,
            public_phone: Some("0117 496 0100".into()),
            referral_phone: Some("0117 496 0555".into()),
            hours: hours.map(|text| {
                Hours::new(
                    &OpeningHoursText::parse(text).unwrap(),
                    Timezone::parse("Europe/London").unwrap(),
                    CountryCode::parse("GB").unwrap(),
                )
            }),
            cover: None,
            capabilities: capabilities
                .iter()
                .map(|c| TermCode::parse(*c).unwrap())
                .collect(),
            species: species
                .iter()
                .map(|c| TermCode::parse(*c).unwrap())
                .collect(),
            limitations: Limitations::default(),
            capacity: Capacity::default(),
            accuracy: Accuracy {
                assured_at: None,
                next_audit_due: late(),
            },
        }
    }

    fn query(pairs: &[(&str, &str)]) -> Result<Query, FilterError> {
        let mut params = SearchParams::default();
        for (name, value) in pairs {
            let value = Some((*value).to_owned());
            match *name {
                "species" => params.species = value,
                "capabilities" => params.capabilities = value,
                "at" => params.at = value,
                "open" => params.open = value,
                "accepting" => params.accepting = value,
                "lat" => params.lat = value,
                "lon" => params.lon = value,
                "radius_km" => params.radius_km = value,
                "q" => params.q = value,
                "weight_grams" => params.weight_grams = value,
                "limit" => params.limit = value,
                "offset" => params.offset = value,
                other => panic!("no filter {other}"),
            }
        }
        Query::parse(&params, &Vocabulary::seeded(), late())
    }

    fn names(directory: &Directory, query: &Query) -> Vec<String> {
        directory
            .search(query, late())
            .hits
            .iter()
            .map(|hit| hit.listing.name.clone())
            .collect()
    }

    fn near_bristol(extra: &[(&'static str, &'static str)]) -> Query {
        let lat = BRISTOL.0.to_string();
        let lon = BRISTOL.1.to_string();
        let mut pairs: Vec<(&str, &str)> = vec![("lat", &lat), ("lon", &lon)];
        pairs.extend_from_slice(extra);
        query(&pairs).unwrap()
    }

    #[test]
    fn every_capability_must_match() {
        let directory = Directory::new(
            vec![
                listing(
                    "Both",
                    1.0,
                    Some("24/7"),
                    &["oxygen_cage", "radiography"],
                    &["small_mammal"],
                ),
                listing(
                    "Oxygen only",
                    2.0,
                    Some("24/7"),
                    &["oxygen_cage"],
                    &["small_mammal"],
                ),
            ],
            Vocabulary::seeded(),
        );
        let both = near_bristol(&[("capabilities", "oxygen_cage,radiography")]);
        assert_eq!(names(&directory, &both), ["Both"]);
        let one = near_bristol(&[("capabilities", "oxygen_cage")]);
        assert_eq!(names(&directory, &one), ["Both", "Oxygen only"]);
    }

    #[test]
    fn species_match_by_group_and_no_wildlife_wins_over_the_species_list() {
        let mut strict = listing(
            "No wildlife",
            1.0,
            Some("24/7"),
            &[],
            &["wildlife", "small_mammal"],
        );
        strict.limitations.no_wildlife = true;
        let directory = Directory::new(
            vec![
                strict,
                listing("Hedgehogs", 2.0, Some("24/7"), &[], &["wildlife/hedgehog"]),
                listing(
                    "Hamsters",
                    3.0,
                    Some("24/7"),
                    &[],
                    &["small_mammal/hamster"],
                ),
            ],
            Vocabulary::seeded(),
        );
        assert_eq!(
            names(
                &directory,
                &near_bristol(&[("species", "wildlife/hedgehog")])
            ),
            ["Hedgehogs"]
        );
        assert_eq!(
            names(&directory, &near_bristol(&[("species", "wildlife")])),
            ["Hedgehogs"]
        );
        assert_eq!(
            names(
                &directory,
                &near_bristol(&[("species", "small_mammal/hamster")])
            ),
            ["No wildlife", "Hamsters"]
        );
    }

    #[test]
    fn open_only_keeps_open_and_covered_sites_and_says_why() {
        let covering = listing(
            "Night Hospital",
            10.0,
            Some("24/7"),
            &["oxygen_cage"],
            &["small_mammal"],
        );
        let mut by_site = listing(
            "Covered Clinic",
            1.0,
            Some("Mo-Fr 08:00-19:00"),
            &["oxygen_cage"],
            &["small_mammal"],
        );
        by_site.cover = Some(Cover::Site {
            site_id: covering.id,
        });
        let mut by_phone = listing(
            "On-call Clinic",
            2.0,
            Some("Mo-Fr 08:00-19:00"),
            &["oxygen_cage"],
            &["small_mammal"],
        );
        by_phone.cover = Some(Cover::OnCall {
            name: "Dr Vale".into(),
            phone: "0117 496 0777".into(),
        });
        let closed = listing(
            "Closed Clinic",
            0.5,
            Some("Mo-Fr 08:00-19:00"),
            &["oxygen_cage"],
            &["small_mammal"],
        );
        let unknown = listing("No Hours", 0.7, None, &["oxygen_cage"], &["small_mammal"]);
        let directory = Directory::new(
            vec![covering, by_site, by_phone, closed, unknown],
            Vocabulary::seeded(),
        );
        let at_night = near_bristol(&[("open", "true"), ("at", "2026-12-02T23:00:00Z")]);
        let outcome = directory.search(&at_night, late());
        let found: Vec<&str> = outcome
            .hits
            .iter()
            .map(|hit| hit.listing.name.as_str())
            .collect();
        // The covering hospital is a result itself: it is listed once,
        // saying whom it also covers for.
        assert_eq!(found, ["Night Hospital", "On-call Clinic"]);
        assert_eq!(outcome.total, 2);
        assert_eq!(outcome.hits[0].reasons[0].text, "open 24 hours");
        assert_eq!(outcome.hits[0].reasons[1].kind, ReasonKind::CoveringFor);
        assert_eq!(
            outcome.hits[0].reasons[1].text,
            "also after-hours cover for Covered Clinic (Covered Clinic Ltd)"
        );
        assert_eq!(outcome.hits[0].covering.len(), 1);
        assert_eq!(
            outcome.hits[1].reasons[0].text,
            "after-hours cover by Dr Vale until Thu 08:00"
        );
        // When the cover is not a result (here: beyond the radius), the
        // covered clinic is listed, as covered by it.
        let lat = BRISTOL.0.to_string();
        let lon = BRISTOL.1.to_string();
        let nearby = query(&[
            ("lat", &lat),
            ("lon", &lon),
            ("radius_km", "5"),
            ("open", "true"),
            ("at", "2026-12-02T23:00:00Z"),
        ])
        .unwrap();
        let outcome = directory.search(&nearby, late());
        assert_eq!(outcome.hits[0].listing.name, "Covered Clinic");
        assert_eq!(
            outcome.hits[0].reasons[0].text,
            "after-hours cover by Night Hospital (Night Hospital Ltd) until Thu 08:00"
        );
        // Without the filter everyone is listed, reachable ones first.
        let everyone = near_bristol(&[("at", "2026-12-02T23:00:00Z")]);
        let found = names(&directory, &everyone);
        assert_eq!(
            found,
            [
                "Night Hospital",
                "On-call Clinic",
                "No Hours",
                "Closed Clinic"
            ]
        );
        let closed = directory.search(&everyone, late());
        assert_eq!(closed.hits[3].reasons[0].text, "closed, opens Thu 08:00");
        assert_eq!(closed.hits[2].reasons[0].text, "hours not confirmed");
    }

    #[test]
    fn a_covered_result_shows_the_covers_own_facts() {
        let mut covering = listing(
            "Night Hospital",
            40.0,
            Some("24/7"),
            &["oxygen_cage", "radiography"],
            &["small_mammal"],
        );
        covering.limitations.deposit_required = true;
        covering.capacity = Capacity {
            level: Some(CapacityLevel::Full),
            expires_at: Some(late() + Duration::hours(3)),
        };
        let mut clinic = listing(
            "Day Clinic",
            1.0,
            Some("Mo-Fr 08:00-19:00"),
            &["oxygen_cage"],
            &["small_mammal/guinea_pig"],
        );
        clinic.limitations.referral_only = true;
        clinic.cover = Some(Cover::Site {
            site_id: covering.id,
        });
        let directory = Directory::new(vec![covering, clinic], Vocabulary::seeded());
        let lat = BRISTOL.0.to_string();
        let lon = BRISTOL.1.to_string();
        let nearby = query(&[
            ("lat", &lat),
            ("lon", &lon),
            ("radius_km", "10"),
            ("species", "small_mammal/guinea_pig"),
            ("capabilities", "oxygen_cage"),
        ])
        .unwrap();
        let outcome = directory.search(&nearby, late());
        assert_eq!(names(&directory, &nearby), ["Day Clinic"]);
        let hit = &outcome.hits[0];
        let texts: Vec<&str> = hit.reasons.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(hit.capacity, CapacityStatus::Full, "the cover's capacity");
        assert!(texts.contains(&"accepts small mammals (all)"), "{texts:?}");
        assert!(texts.contains(&"deposit required"), "{texts:?}");
        assert!(!texts.contains(&"referral only"), "{texts:?}");
        // Accepting only: a full cover does not take the case.
        let accepting = query(&[
            ("lat", &lat),
            ("lon", &lon),
            ("radius_km", "10"),
            ("accepting", "true"),
            ("open", "true"),
        ])
        .unwrap();
        assert!(names(&directory, &accepting).is_empty());
    }

    #[test]
    fn a_cover_that_cannot_treat_the_case_does_not_count() {
        let covering = listing(
            "No Oxygen Hospital",
            10.0,
            Some("24/7"),
            &[],
            &["small_mammal"],
        );
        let mut clinic = listing(
            "Clinic",
            1.0,
            Some("Mo-Fr 08:00-19:00"),
            &["oxygen_cage"],
            &["small_mammal"],
        );
        clinic.cover = Some(Cover::Site {
            site_id: covering.id,
        });
        let directory = Directory::new(vec![covering, clinic], Vocabulary::seeded());
        let wanted = near_bristol(&[("open", "true"), ("capabilities", "oxygen_cage")]);
        assert!(names(&directory, &wanted).is_empty());
        let any = near_bristol(&[("open", "true")]);
        assert_eq!(names(&directory, &any), ["No Oxygen Hospital"]);
        assert_eq!(directory.search(&any, late()).hits[0].covering.len(), 1);
    }

    #[test]
    fn accepting_only_drops_full_and_closed_but_keeps_unknown_and_expired() {
        let mut full = listing("Full", 1.0, Some("24/7"), &[], &["small_mammal"]);
        full.capacity = Capacity {
            level: Some(CapacityLevel::Full),
            expires_at: Some(late() + Duration::hours(1)),
        };
        let mut lapsed = listing("Lapsed Full", 2.0, Some("24/7"), &[], &["small_mammal"]);
        lapsed.capacity = Capacity {
            level: Some(CapacityLevel::Full),
            expires_at: Some(late() - Duration::minutes(1)),
        };
        let mut closed = listing("Closed", 3.0, Some("24/7"), &[], &["small_mammal"]);
        closed.capacity = Capacity {
            level: Some(CapacityLevel::Closed),
            expires_at: Some(late() + Duration::hours(1)),
        };
        let quiet = listing("Quiet", 4.0, Some("24/7"), &[], &["small_mammal"]);
        let directory = Directory::new(vec![full, lapsed, closed, quiet], Vocabulary::seeded());
        assert_eq!(
            names(&directory, &near_bristol(&[("accepting", "true")])),
            ["Lapsed Full", "Quiet"]
        );
        assert_eq!(
            names(&directory, &near_bristol(&[])),
            ["Lapsed Full", "Quiet", "Full", "Closed"],
            "declared full or closed rank last"
        );
    }

    #[test]
    fn capacity_is_read_at_the_planned_time_not_now() {
        let mut space = listing("Space", 1.0, Some("24/7"), &[], &["small_mammal"]);
        space.capacity = Capacity {
            level: Some(CapacityLevel::Normal),
            expires_at: Some(late() + Duration::hours(2)),
        };
        let mut full = listing("Full", 2.0, Some("24/7"), &[], &["small_mammal"]);
        full.capacity = Capacity {
            level: Some(CapacityLevel::Full),
            expires_at: Some(late() + Duration::hours(2)),
        };
        let directory = Directory::new(vec![space, full], Vocabulary::seeded());
        let within = near_bristol(&[("at", "2026-12-03T00:00:00Z")]);
        let outcome = directory.search(&within, late());
        assert_eq!(outcome.hits[0].capacity, CapacityStatus::Normal);
        assert_eq!(outcome.hits[1].capacity, CapacityStatus::Full);
        let after = near_bristol(&[("at", "2026-12-03T04:00:00Z"), ("accepting", "true")]);
        let outcome = directory.search(&after, late());
        assert_eq!(
            names(&directory, &after),
            ["Space", "Full"],
            "a lapsed full no longer ranks last nor is dropped"
        );
        assert_eq!(outcome.hits[0].capacity, CapacityStatus::Unknown);
        let texts: Vec<&str> = outcome.hits[0]
            .reasons
            .iter()
            .map(|r| r.text.as_str())
            .collect();
        assert!(!texts.contains(&"space available"), "{texts:?}");
        assert!(
            texts.contains(&"capacity not confirmed for then (declaration lapses Thu 01:00)"),
            "{texts:?}"
        );
        // A past time reads the capacity as it stands now.
        let past = near_bristol(&[("at", "2026-12-01T12:00:00Z")]);
        assert_eq!(
            directory.search(&past, late()).hits[0].capacity,
            CapacityStatus::Normal
        );
    }

    #[test]
    fn radius_weight_and_text_filter_and_distance_is_a_reason() {
        let mut small = listing(
            "Small Patients Only",
            1.0,
            Some("24/7"),
            &[],
            &["small_mammal"],
        );
        small.limitations.max_weight_grams = Some(500);
        let far = listing(
            "Far Away Hospital",
            45.0,
            Some("24/7"),
            &[],
            &["small_mammal"],
        );
        let directory = Directory::new(vec![small, far], Vocabulary::seeded());
        assert_eq!(
            names(&directory, &near_bristol(&[("radius_km", "30")])),
            ["Small Patients Only"]
        );
        assert_eq!(
            names(&directory, &near_bristol(&[("weight_grams", "900")])),
            ["Far Away Hospital"]
        );
        assert_eq!(
            names(&directory, &near_bristol(&[("q", "far away")])),
            ["Far Away Hospital"]
        );
        let outcome = directory.search(&near_bristol(&[]), late());
        let reasons: Vec<&str> = outcome.hits[0]
            .reasons
            .iter()
            .map(|r| r.text.as_str())
            .collect();
        assert!(reasons.contains(&"1.0 km"), "{reasons:?}");
        assert!(reasons.contains(&"patients up to 500 g"), "{reasons:?}");
    }

    #[test]
    fn bad_filters_name_the_filter() {
        for (pairs, filter) in [
            (vec![("species", "reptile/gecko")], "species"),
            (vec![("capabilities", "warp_drive")], "capabilities"),
            (vec![("radius_km", "5")], "radius_km"),
            (vec![("lat", "91"), ("lon", "0")], "lat"),
            (vec![("lat", "51"), ("lon", "181")], "lon"),
            (vec![("lat", "51")], "lon"),
            (vec![("at", "soon")], "at"),
            (vec![("open", "yes please")], "open"),
            (vec![("limit", "101")], "limit"),
            (vec![("offset", "-1")], "offset"),
        ] {
            assert_eq!(query(&pairs).unwrap_err().filter, filter, "{pairs:?}");
        }
    }

    fn arbitrary_listing() -> impl Strategy<Value = Listing> {
        let capabilities =
            proptest::sample::subsequence(vec!["oxygen_cage", "radiography", "dentistry"], 0..=3);
        let species = proptest::sample::subsequence(
            vec![
                "small_mammal",
                "small_mammal/hamster",
                "small_mammal/guinea_pig",
                "wildlife/bird",
            ],
            0..=3,
        );
        let hours = proptest::sample::select(vec![
            None,
            Some("24/7"),
            Some("Mo-Fr 08:00-19:00"),
            Some("Sa-Su 10:00-16:00"),
        ]);
        (0.0f64..60.0, capabilities, species, hours, any::<bool>()).prop_map(
            |(km, caps, species, hours, full)| {
                let mut site = listing("Site", km, hours, &caps, &species);
                if full {
                    site.capacity = Capacity {
                        level: Some(CapacityLevel::Full),
                        expires_at: Some(late() + Duration::hours(2)),
                    };
                }
                site
            },
        )
    }

    proptest! {
        #[test]
        fn adding_a_filter_never_adds_results(
            sites in proptest::collection::vec(arbitrary_listing(), 0..25),
            species in proptest::sample::select(vec!["small_mammal/hamster", "small_mammal", "wildlife/bird"]),
        ) {
            let directory = Directory::new(sites, Vocabulary::seeded());
            let loose = near_bristol(&[("limit", "100")]);
            let base: Vec<Uuid> = directory.search(&loose, late()).hits.iter().map(|hit| hit.listing.id).collect();
            let lat = BRISTOL.0.to_string();
            let lon = BRISTOL.1.to_string();
            for extra in [
                vec![("species", species)],
                vec![("capabilities", "oxygen_cage")],
                vec![("open", "true")],
                vec![("accepting", "true")],
                vec![("radius_km", "20")],
            ] {
                let mut pairs: Vec<(&str, &str)> = vec![("lat", &lat), ("lon", &lon), ("limit", "100")];
                pairs.extend(extra);
                let narrowed = query(&pairs).unwrap();
                for hit in directory.search(&narrowed, late()).hits {
                    prop_assert!(base.contains(&hit.listing.id));
                }
            }
        }

        #[test]
        fn a_radius_keeps_exactly_the_sites_within_it(
            sites in proptest::collection::vec(arbitrary_listing(), 0..40),
            radius in 1u32..60,
        ) {
            let directory = Directory::new(sites, Vocabulary::seeded());
            let everyone = directory.search(&near_bristol(&[("limit", "100")]), late());
            let mut expected: Vec<Uuid> = everyone
                .hits
                .iter()
                .filter(|hit| hit.distance_km.is_some_and(|km| km <= f64::from(radius)))
                .map(|hit| hit.listing.id)
                .collect();
            let lat = BRISTOL.0.to_string();
            let lon = BRISTOL.1.to_string();
            let radius = radius.to_string();
            let within = query(&[("lat", &lat), ("lon", &lon), ("radius_km", &radius), ("limit", "100")]).unwrap();
            let mut found: Vec<Uuid> = directory.search(&within, late()).hits.iter().map(|hit| hit.listing.id).collect();
            expected.sort();
            found.sort();
            prop_assert_eq!(found, expected);
        }

        #[test]
        fn results_are_ordered_by_rank_then_distance_and_pages_partition_them(
            sites in proptest::collection::vec(arbitrary_listing(), 0..25),
        ) {
            let directory = Directory::new(sites, Vocabulary::seeded());
            let all = directory.search(&near_bristol(&[("limit", "100")]), late());
            let mut paged = Vec::new();
            for offset in (0..all.total).step_by(7) {
                let lat = BRISTOL.0.to_string();
                let lon = BRISTOL.1.to_string();
                let offset = offset.to_string();
                let page = query(&[("lat", &lat), ("lon", &lon), ("limit", "7"), ("offset", &offset)]).unwrap();
                paged.extend(directory.search(&page, late()).hits.into_iter().map(|hit| hit.listing.id));
            }
            let ids: Vec<Uuid> = all.hits.iter().map(|hit| hit.listing.id).collect();
            prop_assert_eq!(ids, paged);
            for pair in all.hits.windows(2) {
                let reachable = |hit: &Hit<'_>| hit.availability.reachable();
                prop_assert!(reachable(&pair[0]) || !reachable(&pair[1]), "reachable sites come first");
            }
        }
    }
}

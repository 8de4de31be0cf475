//! The in-memory directory every search reads, and the conversions between
//! stored sites, the domain's listings and the wire's views.
//!
//! Searching 20,000 sites within milliseconds rules out asking the database
//! each time: each replica keeps a [`Snapshot`] of the vetted organizations'
//! sites with their hours parsed, and reloads it when the directory's
//! revision (bumped by every listing change, in the same transaction) moves.
//! A replica sees its own changes at once and other replicas' within
//! [`RECHECK`]. Capacity expiry and opening hours are evaluated at query time,
//! so a snapshot never goes stale by the clock alone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use uuid::Uuid;
use warren_domain::directory::hours::{CountryCode, Hours, OpeningHoursText, Timezone};
use warren_domain::directory::search::{Directory, Hit, Listing};
use warren_domain::directory::taxonomy::{Taxonomy, TermCode, Vocabulary};
use warren_domain::directory::{
    Accuracy, Availability, Capacity, CapacityLevel, Cover, Limitations,
};
use warren_domain::{Description, Email, PersonName, Phone};
use warren_store::sites::{SiteFields, SiteRecord};
use warren_store::{DbConnection, Store, StoreError, sites as site_store};
use warren_wire::{
    CapacityView, CoverView, PublicSite, ReferralContact, SearchHit, Site, SiteInput, TermRef,
};

use crate::error::ApiError;

/// How long a replica trusts its snapshot before asking for the revision.
pub const RECHECK: Duration = Duration::from_secs(2);

/// One consistent view of the directory.
pub struct Snapshot {
    /// The revision it was loaded at.
    pub revision: i64,
    /// The searchable listings.
    pub directory: Directory,
    /// The stored sites behind the listings, by id.
    pub records: HashMap<Uuid, SiteRecord>,
    /// Each organization's listed sites, in id order.
    by_organization: HashMap<Uuid, Vec<Uuid>>,
}

impl Snapshot {
    /// The listed sites of `organization`, in id order.
    pub fn sites_of(&self, organization: Uuid) -> &[Uuid] {
        self.by_organization
            .get(&organization)
            .map_or(&[], Vec::as_slice)
    }

    /// The vocabulary in force.
    pub fn vocabulary(&self) -> &Vocabulary {
        self.directory.vocabulary()
    }
}

/// Parsed hours by (expression, timezone, country). Sites with the same
/// hours share one evaluator, and its memo of the current interval, across
/// reloads: most clinics keep a handful of common timetables.
type HoursCache = HashMap<(String, String, String), Option<Hours>>;

/// The directory cache shared by a server's workers.
pub struct DirectoryCache {
    current: RwLock<Arc<Snapshot>>,
    checked: Mutex<Instant>,
    reloading: Mutex<HoursCache>,
}

impl DirectoryCache {
    /// Loads the directory from the store.
    pub fn load(store: &Store) -> Result<Self, StoreError> {
        let mut hours = HoursCache::new();
        let snapshot = store.read(|connection| build(connection, &mut hours))?;
        Ok(Self {
            current: RwLock::new(Arc::new(snapshot)),
            checked: Mutex::new(Instant::now()),
            reloading: Mutex::new(hours),
        })
    }

    /// The current snapshot, reloaded first if the directory changed. Blocking.
    pub fn get(&self, store: &Store) -> Result<Arc<Snapshot>, StoreError> {
        let current = self.current();
        let due = self
            .checked
            .lock()
            .map(|checked| checked.elapsed() >= RECHECK)
            .unwrap_or(true);
        if !due {
            return Ok(current);
        }
        self.refresh(store, current.revision)
    }

    /// Reloads now if the stored revision differs from `seen` (after a write
    /// on this replica, so the writer reads its own change).
    pub fn refresh(&self, store: &Store, seen: i64) -> Result<Arc<Snapshot>, StoreError> {
        let mut hours = self
            .reloading
            .lock()
            .map_err(|_| StoreError::Unavailable("the directory reload was interrupted".into()))?;
        let current = self.current();
        if current.revision != seen {
            return Ok(current);
        }
        let revision = store.read(site_store::revision)?;
        if let Ok(mut checked) = self.checked.lock() {
            *checked = Instant::now();
        }
        if revision == current.revision {
            return Ok(current);
        }
        let snapshot = Arc::new(store.read(|connection| build(connection, &mut hours))?);
        if let Ok(mut slot) = self.current.write() {
            *slot = snapshot.clone();
        }
        Ok(snapshot)
    }

    /// The snapshot in memory when it was checked within [`RECHECK`].
    pub fn fresh(&self) -> Option<Arc<Snapshot>> {
        let fresh = self
            .checked
            .lock()
            .map(|checked| checked.elapsed() < RECHECK)
            .unwrap_or(false);
        fresh.then(|| self.current())
    }

    /// The snapshot in memory, without checking the revision.
    pub fn current(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .map(|snapshot| snapshot.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// Reloads after a change made by this replica.
    pub fn changed(&self, store: &Store) {
        let seen = self.current().revision;
        if let Err(error) = self.refresh(store, seen) {
            tracing::warn!(%error, "could not reload the directory after a change");
        }
    }
}

fn build(connection: &mut DbConnection, hours: &mut HoursCache) -> Result<Snapshot, StoreError> {
    let revision = site_store::revision(connection)?;
    let vocabulary = Vocabulary::new(site_store::terms(connection)?);
    let records = site_store::directory(connection)?;
    let listings = records
        .iter()
        .map(|record| {
            let fields = &record.fields;
            let shared = fields.opening_hours.as_ref().map(|text| {
                hours
                    .entry((
                        text.clone(),
                        fields.timezone.clone(),
                        fields.country.clone(),
                    ))
                    .or_insert_with(|| self::hours(fields))
                    .clone()
            });
            listing_with(record, shared.flatten())
        })
        .collect();
    let mut by_organization: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for record in &records {
        by_organization
            .entry(record.organization_id)
            .or_default()
            .push(record.id);
    }
    for sites in by_organization.values_mut() {
        sites.sort_unstable();
    }
    Ok(Snapshot {
        revision,
        directory: Directory::new(listings, vocabulary),
        by_organization,
        records: records
            .into_iter()
            .map(|record| (record.id, record))
            .collect(),
    })
}

/// A stored site's hours, ready to evaluate; `None` when it publishes none
/// (or the stored text no longer parses, which only a hand edit could cause).
pub fn hours(fields: &SiteFields) -> Option<Hours> {
    let text = OpeningHoursText::parse(fields.opening_hours.as_deref()?).ok()?;
    let timezone = Timezone::parse(&fields.timezone).ok()?;
    let country = CountryCode::parse(&fields.country).ok()?;
    Some(Hours::new(&text, timezone, country))
}

fn codes(codes: &[String]) -> Vec<TermCode> {
    codes
        .iter()
        .filter_map(|code| TermCode::parse(code.as_str()).ok())
        .collect()
}

fn cover(fields: &SiteFields) -> Option<Cover> {
    if let Some(site) = &fields.cover_site_id {
        return Uuid::parse_str(site)
            .ok()
            .map(|site_id| Cover::Site { site_id });
    }
    match (&fields.cover_name, &fields.cover_phone) {
        (Some(name), Some(phone)) => Some(Cover::OnCall {
            name: name.clone(),
            phone: phone.clone(),
        }),
        _ => None,
    }
}

fn limitations(fields: &SiteFields) -> Limitations {
    Limitations {
        max_weight_grams: fields
            .max_weight_grams
            .and_then(|grams| u32::try_from(grams).ok()),
        no_wildlife: fields.no_wildlife,
        referral_only: fields.referral_only,
        deposit_required: fields.deposit_required,
        notes: fields
            .limitation_notes
            .as_deref()
            .and_then(|notes| Description::parse(notes).ok()),
    }
}

fn capacity(record: &SiteRecord) -> Capacity {
    Capacity {
        level: record.capacity.as_deref().and_then(CapacityLevel::parse),
        expires_at: record.capacity_expires_at,
    }
}

fn accuracy(record: &SiteRecord) -> Accuracy {
    Accuracy {
        assured_at: record.assured_at,
        next_audit_due: record.next_audit_due,
    }
}

/// The searchable listing of a stored site.
pub fn listing(record: &SiteRecord) -> Listing {
    listing_with(record, hours(&record.fields))
}

fn listing_with(record: &SiteRecord, hours: Option<Hours>) -> Listing {
    let fields = &record.fields;
    Listing {
        id: record.id,
        organization_id: record.organization_id,
        organization_name: record.organization_name.clone(),
        organization_kind: record.organization_kind,
        name: fields.name.clone(),
        town: fields.town.clone(),
        postcode: fields.postcode.clone(),
        latitude: fields.latitude,
        longitude: fields.longitude,
        public_phone: fields.public_phone.clone(),
        referral_phone: fields
            .referral_phone
            .clone()
            .or_else(|| fields.private_phone.clone()),
        hours,
        cover: cover(fields),
        capabilities: codes(&fields.capabilities),
        species: codes(&fields.species),
        limitations: limitations(fields),
        capacity: capacity(record),
        accuracy: accuracy(record),
    }
}

fn terms(vocabulary: &Vocabulary, taxonomy: Taxonomy, codes: &[String]) -> Vec<TermRef> {
    codes
        .iter()
        .map(|code| TermRef {
            code: code.clone(),
            label: vocabulary.label(taxonomy, code).to_owned(),
        })
        .collect()
}

/// A stored site as the public sees it, evaluated at `now`.
pub fn public_site(record: &SiteRecord, snapshot: &Snapshot, now: DateTime<Utc>) -> PublicSite {
    let fields = &record.fields;
    // Built from the record, not the snapshot: the record may be newer (the
    // answer to the change that made it).
    let listing = self::listing(record);
    let query = warren_domain::directory::search::Query {
        species: None,
        capabilities: Vec::new(),
        at: now,
        open_only: false,
        accepting_only: false,
        near: None,
        radius_km: None,
        text: None,
        weight_grams: None,
        offset: 0,
        limit: 1,
    };
    let availability = public_availability(
        snapshot.directory.availability(&listing, &query, now),
        snapshot,
    );
    let after_hours_cover = listing.cover.as_ref().map(|cover| match cover {
        Cover::Site { site_id } => {
            let covering = snapshot.directory.listing(*site_id);
            CoverView {
                site_id: Some(*site_id),
                name: covering.map_or_else(
                    || "another site of the network".to_owned(),
                    |site| format!("{} ({})", site.name, site.organization_name),
                ),
                phone: covering.and_then(|site| site.public_phone.clone()),
            }
        }
        Cover::OnCall { name, phone } => CoverView {
            site_id: None,
            name: name.clone(),
            phone: Some(phone.clone()),
        },
    });
    PublicSite {
        id: record.id,
        organization_id: record.organization_id,
        organization_name: record.organization_name.clone(),
        organization_kind: record.organization_kind,
        name: fields.name.clone(),
        address: fields.address.clone(),
        town: fields.town.clone(),
        postcode: fields.postcode.clone(),
        country: fields.country.clone(),
        latitude: fields.latitude,
        longitude: fields.longitude,
        timezone: fields.timezone.clone(),
        public_phone: fields.public_phone.clone(),
        public_email: fields.public_email.clone(),
        opening_hours: fields.opening_hours.clone(),
        week: listing
            .hours
            .as_ref()
            .map(|hours| hours.week(now))
            .unwrap_or_default(),
        availability,
        after_hours_cover,
        capabilities: terms(
            snapshot.vocabulary(),
            Taxonomy::Capability,
            &fields.capabilities,
        ),
        species: terms(snapshot.vocabulary(), Taxonomy::Species, &fields.species),
        limitations: listing.limitations.clone(),
        capacity: CapacityView {
            status: listing.capacity.status_at(now),
            expires_at: record.capacity_expires_at,
            declared_at: record.capacity_declared_at,
        },
        verified: listing.accuracy.verified_at(now),
        assured_at: record.assured_at,
        next_audit_due: record.next_audit_due,
        updated_at: record.updated_at,
    }
}

/// A stored site as members see it.
pub fn member_site(
    record: &SiteRecord,
    snapshot: &Snapshot,
    now: DateTime<Utc>,
    editable: bool,
) -> Site {
    let fields = &record.fields;
    let referral_contact = match (&fields.referral_name, &fields.referral_phone) {
        (Some(name), Some(phone)) => Some(ReferralContact {
            name: PersonName::parse(name.as_str())
                .unwrap_or_else(|_| PersonName::parse("Referral desk").expect("a valid name")),
            phone: Phone::parse(phone.as_str())
                .unwrap_or_else(|_| Phone::parse("000000").expect("a valid phone")),
            email: fields
                .referral_email
                .as_deref()
                .and_then(|email| Email::parse(email).ok()),
        }),
        _ => None,
    };
    Site {
        listing: public_site(record, snapshot, now),
        private_phone: fields.private_phone.clone(),
        referral_contact,
        capacity_declared_by: record.capacity_declared_by.clone(),
        assured_by: record.assured_by.clone(),
        editable,
        version: record.version,
    }
}

/// `availability` as the public may read it: a covering site's public line,
/// never its referral line or private phone (an on-call cover's number is
/// the one the site publishes for after hours).
pub fn public_availability(availability: Availability, snapshot: &Snapshot) -> Availability {
    match availability {
        Availability::Covered {
            site_id: Some(site_id),
            name,
            until,
            ..
        } => Availability::Covered {
            site_id: Some(site_id),
            name,
            phone: snapshot
                .directory
                .listing(site_id)
                .and_then(|cover| cover.public_phone.clone()),
            until,
        },
        other => other,
    }
}

/// A search hit for the wire; members are given the referral line to call,
/// the public the public number.
pub fn search_hit(hit: &Hit<'_>, snapshot: &Snapshot, member: bool) -> SearchHit {
    let listing = hit.listing;
    let record = snapshot.records.get(&listing.id);
    let own_phone = if member {
        listing
            .referral_phone
            .clone()
            .or_else(|| listing.public_phone.clone())
    } else {
        listing.public_phone.clone()
    };
    let phone = match &hit.availability {
        warren_domain::directory::Availability::Covered {
            site_id: Some(site_id),
            ..
        } => snapshot.directory.listing(*site_id).and_then(|cover| {
            if member {
                cover
                    .referral_phone
                    .clone()
                    .or_else(|| cover.public_phone.clone())
            } else {
                cover.public_phone.clone()
            }
        }),
        warren_domain::directory::Availability::Covered { phone, .. } => phone.clone(),
        _ => own_phone,
    };
    SearchHit {
        site_id: listing.id,
        name: listing.name.clone(),
        organization_id: listing.organization_id,
        organization_name: listing.organization_name.clone(),
        organization_kind: listing.organization_kind,
        address: record.map(|r| r.fields.address.clone()).unwrap_or_default(),
        town: listing.town.clone(),
        postcode: listing.postcode.clone(),
        latitude: listing.latitude,
        longitude: listing.longitude,
        availability: if member {
            hit.availability.clone()
        } else {
            public_availability(hit.availability.clone(), snapshot)
        },
        phone,
        distance_km: hit.distance_km.map(|km| (km * 10.0).round() / 10.0),
        capacity: hit.capacity,
        verified: hit.verified,
        assured_at: listing.accuracy.assured_at,
        covering_for: hit.covering.iter().map(|closed| closed.id).collect(),
        reasons: hit.reasons.clone(),
    }
}

/// Checks a listing against the vocabulary and the directory and turns it
/// into stored fields; every problem names its field.
pub fn fields(
    input: SiteInput,
    vocabulary: &Vocabulary,
    site_id: Option<Uuid>,
    mut cover_exists: impl FnMut(Uuid) -> bool,
) -> Result<SiteFields, ApiError> {
    let mut errors = Vec::new();
    let mut check_terms = |field: &str, taxonomy: Taxonomy, codes: &[TermCode]| {
        let mut known: Vec<String> = Vec::new();
        for (index, code) in codes.iter().enumerate() {
            if vocabulary.find(taxonomy, code.as_str()).is_none() {
                errors.push(warren_wire::FieldError {
                    field: format!("{field}[{index}]"),
                    message: format!("`{code}` is not a {} Warren knows", taxonomy.as_str()),
                });
            } else if !known.contains(&code.to_string()) {
                known.push(code.to_string());
            }
        }
        known.sort();
        known
    };
    let capabilities = check_terms("capabilities", Taxonomy::Capability, &input.capabilities);
    let species = check_terms("species", Taxonomy::Species, &input.species);
    let (cover_site_id, cover_name, cover_phone) = match input.after_hours_cover {
        None => (None, None, None),
        Some(Cover::Site { site_id: cover }) => {
            if Some(cover) == site_id {
                errors.push(warren_wire::FieldError {
                    field: "after_hours_cover.site_id".into(),
                    message: "must be another site".into(),
                });
            } else if !cover_exists(cover) {
                errors.push(warren_wire::FieldError {
                    field: "after_hours_cover.site_id".into(),
                    message: "is not a site of the network".into(),
                });
            }
            (Some(cover.to_string()), None, None)
        }
        Some(Cover::OnCall { name, phone }) => {
            if let Err(error) = PersonName::parse(name.as_str()) {
                errors.push(warren_wire::FieldError {
                    field: "after_hours_cover.name".into(),
                    message: error.to_string(),
                });
            }
            match Phone::parse(phone.as_str()) {
                Ok(phone) => (
                    None,
                    Some(name.trim().to_owned()),
                    Some(phone.as_str().to_owned()),
                ),
                Err(error) => {
                    errors.push(warren_wire::FieldError {
                        field: "after_hours_cover.phone".into(),
                        message: error.to_string(),
                    });
                    (None, None, None)
                }
            }
        }
    };
    let max_weight_grams = match input.limitations.max_weight_grams {
        Some(grams) => match i32::try_from(grams) {
            Ok(grams) if grams > 0 => Some(grams),
            _ => {
                errors.push(warren_wire::FieldError {
                    field: "limitations.max_weight_grams".into(),
                    message: "must be between 1 and 2147483647".into(),
                });
                None
            }
        },
        None => None,
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let referral = input.referral_contact;
    Ok(SiteFields {
        name: input.name.as_str().to_owned(),
        address: input.address.as_str().to_owned(),
        town: input.town.as_str().to_owned(),
        postcode: input.postcode.as_str().to_owned(),
        country: input.country.as_str(),
        timezone: input.timezone.name().to_owned(),
        latitude: input.latitude.degrees(),
        longitude: input.longitude.degrees(),
        public_phone: input.public_phone.map(|phone| phone.as_str().to_owned()),
        private_phone: input.private_phone.map(|phone| phone.as_str().to_owned()),
        public_email: input.public_email.map(|email| email.as_str().to_owned()),
        referral_name: referral.as_ref().map(|r| r.name.as_str().to_owned()),
        referral_phone: referral.as_ref().map(|r| r.phone.as_str().to_owned()),
        referral_email: referral
            .as_ref()
            .and_then(|r| r.email.as_ref())
            .map(|email| email.as_str().to_owned()),
        opening_hours: input.opening_hours.map(String::from),
        cover_site_id,
        cover_name,
        cover_phone,
        max_weight_grams,
        no_wildlife: input.limitations.no_wildlife,
        referral_only: input.limitations.referral_only,
        deposit_required: input.limitations.deposit_required,
        limitation_notes: input
            .limitations
            .notes
            .map(|notes| notes.as_str().to_owned()),
        capabilities,
        species,
    })
}

/// The current snapshot, from memory when it is fresh, else after asking the
/// store (off the async workers).
pub async fn snapshot(
    state: &actix_web::web::Data<crate::state::AppState>,
) -> Result<Arc<Snapshot>, ApiError> {
    if let Some(snapshot) = state.directory.fresh() {
        return Ok(snapshot);
    }
    let state = state.clone();
    Ok(actix_web::web::block(move || state.directory.get(&state.store)).await??)
}

/// Parses search filters from a raw query string; an unknown or malformed
/// parameter is a 400 naming it.
pub fn search_params(
    query_string: &str,
) -> Result<warren_domain::directory::search::SearchParams, ApiError> {
    serde_urlencoded::from_str(query_string).map_err(|error| {
        let message = error.to_string();
        let field = message.split('`').nth(1).unwrap_or("query").to_owned();
        ApiError::InvalidFilter(warren_wire::FieldError {
            field,
            message: if message.starts_with("unknown field") {
                "is not a filter Warren knows".to_owned()
            } else {
                message
            },
        })
    })
}

/// Runs a search over `snapshot`; members get the referral lines to call.
pub fn search(
    snapshot: &Snapshot,
    params: &warren_domain::directory::search::SearchParams,
    member: bool,
) -> Result<warren_wire::SearchPage, ApiError> {
    let now = Utc::now();
    let query = warren_domain::directory::search::Query::parse(params, snapshot.vocabulary(), now)
        .map_err(|error| {
            ApiError::InvalidFilter(warren_wire::FieldError {
                field: error.filter.to_owned(),
                message: error.message,
            })
        })?;
    let outcome = snapshot.directory.search(&query, now);
    let shown = query.offset.saturating_add(outcome.hits.len());
    Ok(warren_wire::SearchPage {
        items: outcome
            .hits
            .iter()
            .map(|hit| search_hit(hit, snapshot, member))
            .collect(),
        total: outcome.total as u64,
        next_offset: (shown < outcome.total).then_some(shown as u64),
        at: query.at,
        near: None,
    })
}

//! The gazetteer's storage: loading GeoNames rows in batches, and finding a
//! place by postcode or name.
//!
//! A load replaces, kind by kind and country by country: the first batch
//! that names a country deletes that kind's entries for it, so loading the
//! same file twice leaves one copy and loading `GB` postal codes leaves the
//! `FR` ones alone. Run a whole load in one transaction ([`crate::Store::write`])
//! so that readers see the old gazetteer or the new one, never half of each.
//!
//! [`load_lines`] reads a GeoNames dump line by line and writes it in
//! batches: the API's upload and the demo's sample files both go through it,
//! so a file with bad rows is refused as a whole with their line numbers.

use std::collections::{BTreeSet, HashMap};
use std::io::BufRead;

use diesel::prelude::*;
use warren_domain::places::{
    GazetteerFormat, Place, PlaceKind, PlaceQuery, RowError, name_key, outward_area, outward_key,
    parse_row, postcode_key,
};

use crate::schema::gazetteer_entries as entries;
use crate::{DbConnection, StoreError, StoreResult};

/// Bound values per statement: under SQLite's limit of 32,766.
const ROWS_PER_STATEMENT: usize = 30_000 / 11;

/// The most rows a name lookup reads before grouping them.
const NAME_ROWS: i64 = 500;

/// Rows written per batch by [`load_lines`].
const BATCH_ROWS: usize = 5_000;

/// Bad rows named in a refusal ([`LoadError::BadRows`]); the rest are counted.
pub const REPORTED_ROWS: usize = 20;

/// Where a load has got to.
#[derive(Debug, Default, Clone)]
pub struct LoadProgress {
    /// The countries cleared so far (and so covered by the file).
    pub countries: BTreeSet<String>,
    /// Entries written.
    pub loaded: u64,
    /// Entries of an earlier load deleted.
    pub replaced: u64,
}

/// What a load did: the dump it read the file as, and where it got to.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The dump the file was read as.
    pub format: GazetteerFormat,
    /// The countries it replaced, the entries it wrote and those it replaced.
    pub progress: LoadProgress,
}

/// Writes a batch of entries of one kind, first deleting that kind's
/// earlier entries for each country the load has not met before.
pub fn load_batch(
    connection: &mut DbConnection,
    kind: PlaceKind,
    batch: &[Place],
    progress: &mut LoadProgress,
) -> StoreResult<()> {
    for place in batch {
        if progress.countries.insert(place.country.clone()) {
            let deleted = diesel::delete(
                entries::table
                    .filter(entries::kind.eq(kind.as_str()))
                    .filter(entries::country.eq(&place.country)),
            )
            .execute(connection)?;
            progress.replaced += deleted as u64;
        }
    }
    for chunk in batch.chunks(ROWS_PER_STATEMENT) {
        let values: Vec<_> = chunk
            .iter()
            .map(|place| {
                (
                    entries::kind.eq(kind.as_str()),
                    entries::country.eq(&place.country),
                    entries::name.eq(&place.name),
                    entries::name_key.eq(name_key(&place.name)),
                    entries::postcode.eq(&place.postcode),
                    entries::postcode_key.eq(place.postcode.as_deref().map(postcode_key)),
                    entries::outward_key.eq(place.postcode.as_deref().map(outward_key)),
                    entries::admin_area.eq(&place.admin_area),
                    entries::latitude.eq(place.latitude),
                    entries::longitude.eq(place.longitude),
                    entries::population.eq(place.population),
                )
            })
            .collect();
        // diesel's MultiConnection cannot build a multi-row insert for SQLite.
        let statement = diesel::insert_into(entries::table).values(values);
        match connection {
            DbConnection::Pg(pg) => statement.execute(pg),
            DbConnection::Sqlite(sqlite) => statement.execute(sqlite),
        }?;
        progress.loaded += chunk.len() as u64;
    }
    Ok(())
}

/// Why a dump was not loaded. Nothing of it may be kept: the caller's
/// transaction rolls back.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A line could not be read from the file.
    #[error("The file could not be read: {0}.")]
    Unreadable(std::io::Error),
    /// The first row has as many columns as neither format, and no format
    /// was given.
    #[error(
        "line {line} has {columns} columns: neither GeoNames postal codes (12) nor places (19)"
    )]
    UnknownFormat {
        /// The row's line, counting from 1.
        line: usize,
        /// How many tab-separated columns it has.
        columns: usize,
    },
    /// Rows cannot be read: the first [`REPORTED_ROWS`] of them, and how
    /// many there are in all.
    #[error("{count} lines cannot be read")]
    BadRows {
        /// The first bad rows, by line.
        rows: Vec<RowError>,
        /// How many bad rows the file has.
        count: usize,
    },
    /// The file has no rows.
    #[error("the file has no rows")]
    Empty,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads a dump line by line and writes it in batches; call inside a
/// transaction, which an error must roll back. The format is detected from
/// the first row unless `format` says.
pub fn load_lines(
    connection: &mut DbConnection,
    reader: impl BufRead,
    format: Option<GazetteerFormat>,
) -> Result<Loaded, LoadError> {
    let mut format = format;
    let mut batch: Vec<Place> = Vec::with_capacity(BATCH_ROWS);
    let mut progress = LoadProgress::default();
    let mut bad: Vec<RowError> = Vec::new();
    let mut bad_count = 0usize;
    for (index, line) in reader.split(b'\n').enumerate() {
        let number = index + 1;
        let line = line.map_err(LoadError::Unreadable)?;
        let outcome = match std::str::from_utf8(&line) {
            Err(_) => Err("is not UTF-8 text".to_owned()),
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) => {
                let chosen = match format {
                    Some(chosen) => chosen,
                    None => {
                        let detected = GazetteerFormat::detect(text.trim_end_matches('\r'))
                            .ok_or_else(|| LoadError::UnknownFormat {
                                line: number,
                                columns: text.split('\t').count(),
                            })?;
                        *format.insert(detected)
                    }
                };
                parse_row(chosen, text)
            }
        };
        match outcome {
            Ok(place) if bad.is_empty() => batch.push(place),
            Ok(_) => {}
            Err(message) => {
                bad_count += 1;
                if bad.len() < REPORTED_ROWS {
                    bad.push(RowError {
                        line: number,
                        message,
                    });
                }
            }
        }
        if batch.len() >= BATCH_ROWS {
            write(connection, format, &batch, &mut progress)?;
            batch.clear();
        }
    }
    if !bad.is_empty() {
        return Err(LoadError::BadRows {
            rows: bad,
            count: bad_count,
        });
    }
    let Some(format) = format else {
        return Err(LoadError::Empty);
    };
    write(connection, Some(format), &batch, &mut progress)?;
    Ok(Loaded { format, progress })
}

fn write(
    connection: &mut DbConnection,
    format: Option<GazetteerFormat>,
    batch: &[Place],
    progress: &mut LoadProgress,
) -> StoreResult<()> {
    let kind = match format {
        Some(GazetteerFormat::PostalCodes) => PlaceKind::Postcode,
        Some(GazetteerFormat::Places) => PlaceKind::Place,
        None => return Ok(()),
    };
    load_batch(connection, kind, batch, progress)
}

/// Whether the gazetteer holds anything.
pub fn any(connection: &mut DbConnection) -> StoreResult<bool> {
    Ok(entries::table
        .select(entries::id)
        .first::<i64>(connection)
        .optional()?
        .is_some())
}

type EntryRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    f64,
    f64,
    Option<i64>,
);

fn place(
    (kind, country, name, postcode, admin_area, latitude, longitude, population): EntryRow,
) -> StoreResult<Place> {
    Ok(Place {
        kind: PlaceKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("gazetteer kind {kind:?}")))?,
        name,
        postcode,
        country,
        admin_area,
        latitude,
        longitude,
        population,
    })
}

macro_rules! entry_columns {
    () => {
        (
            entries::kind,
            entries::country,
            entries::name,
            entries::postcode,
            entries::admin_area,
            entries::latitude,
            entries::longitude,
            entries::population,
        )
    };
}

/// The places `query` may mean, best first, at most `limit`:
///
/// 1. a postcode, however spaced or cased (`bs15tr` finds `BS1 5TR`);
/// 2. an outward code (`BS1`): one answer per country, the centre of its
///    postcodes;
/// 3. a place name (`weston super mare`): places first, most populous first,
///    then towns known only from postcodes (the centre of their postcodes);
/// 4. the start of a place name (`westo`), the same way.
pub fn lookup(
    connection: &mut DbConnection,
    query: &PlaceQuery,
    limit: usize,
) -> StoreResult<Vec<Place>> {
    if query.may_be_postcode() {
        let exact: Vec<EntryRow> = entries::table
            .filter(entries::postcode_key.eq(&query.postcode))
            .select(entry_columns!())
            .order((entries::country, entries::id))
            .limit(limit as i64)
            .load(connection)?;
        if !exact.is_empty() {
            return exact.into_iter().map(place).collect();
        }
        let outward: Vec<EntryRow> = entries::table
            .filter(entries::outward_key.eq(&query.postcode))
            .select(entry_columns!())
            .order((entries::country, entries::id))
            .limit(NAME_ROWS * 4)
            .load(connection)?;
        if !outward.is_empty() {
            let mut by_country: Vec<(String, Vec<Place>)> = Vec::new();
            for row in outward {
                let entry = place(row)?;
                match by_country.iter_mut().find(|(c, _)| *c == entry.country) {
                    Some((_, list)) => list.push(entry),
                    None => by_country.push((entry.country.clone(), vec![entry])),
                }
            }
            return Ok(by_country
                .iter()
                .filter_map(|(_, list)| outward_area(&query.postcode, list))
                .take(limit)
                .collect());
        }
    }
    if query.name.is_empty() {
        return Ok(Vec::new());
    }
    let exact: Vec<EntryRow> = entries::table
        .filter(entries::name_key.eq(&query.name))
        .select(entry_columns!())
        .order(entries::id)
        .limit(NAME_ROWS)
        .load(connection)?;
    let rows = if exact.is_empty() {
        let mut pattern = String::new();
        for c in query.name.chars() {
            if matches!(c, '%' | '_' | '\\') {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push('%');
        entries::table
            .filter(entries::name_key.like(pattern).escape('\\'))
            .select(entry_columns!())
            .order(entries::id)
            .limit(NAME_ROWS)
            .load(connection)?
    } else {
        exact
    };
    let mut places = Vec::new();
    // Towns known only from their postcodes: one answer per town, at the
    // centre of its postcodes.
    let mut towns: HashMap<(String, String, Option<String>), Vec<Place>> = HashMap::new();
    for row in rows {
        let entry = place(row)?;
        match entry.kind {
            PlaceKind::Place => places.push(entry),
            PlaceKind::Postcode => towns
                .entry((
                    entry.country.clone(),
                    entry.name.clone(),
                    entry.admin_area.clone(),
                ))
                .or_default()
                .push(entry),
        }
    }
    places.sort_by(|a, b| {
        b.population
            .unwrap_or(0)
            .cmp(&a.population.unwrap_or(0))
            .then_with(|| a.name.cmp(&b.name))
    });
    let mut grouped: Vec<Place> = towns
        .into_values()
        .filter_map(|list| {
            let mut town = outward_area("", &list)?;
            town.kind = PlaceKind::Place;
            town.postcode = None;
            Some(town)
        })
        .filter(|town| {
            !places.iter().any(|known| {
                known.country == town.country && name_key(&known.name) == name_key(&town.name)
            })
        })
        .collect();
    grouped.sort_by(|a, b| (&a.name, &a.country).cmp(&(&b.name, &b.country)));
    places.extend(grouped);
    places.truncate(limit);
    Ok(places)
}

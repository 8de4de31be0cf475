//! The gazetteer: places and postcodes with their coordinates, so people can
//! say *where* in words ("Bristol", "BS1 5TR", "bs15tr", "BS1") instead of
//! typing latitude and longitude.
//!
//! Network admins load it from GeoNames' open dumps, tab-separated, one
//! place a line, no header:
//!
//! - **postal codes** (`allCountries.txt`, `GB_full.txt`, … from
//!   `download.geonames.org/export/zip/`), 12 columns: country code, postal
//!   code, place name, admin name 1, admin code 1, admin name 2, admin code 2,
//!   admin name 3, admin code 3, latitude, longitude, accuracy;
//! - **places** (`cities500.txt`, `GB.txt`, … from `/export/dump/`), 19
//!   columns: geonameid, name, asciiname, alternate names, latitude,
//!   longitude, feature class, feature code, country code, cc2, admin1 code,
//!   admin2 code, admin3 code, admin4 code, population, elevation, dem,
//!   timezone, modification date.
//!
//! This module parses rows, normalises what people type, and decides when a
//! site's coordinates, postcode and country disagree. Storage and lookup are
//! the store's; this code runs in the browser too.

use std::collections::HashMap;
use std::fmt;

use geo::{Distance, Haversine, Point};
use serde::{Deserialize, Serialize};

/// How far (km) a site may lie from its postcode's point before the form
/// warns that they disagree. A GeoNames postal point is the centre of the
/// code's area; rural codes cover a few kilometres, so 25 km means "wrong".
pub const DISAGREEMENT_KM: f64 = 25.0;

/// The longest text a lookup accepts.
pub const MAX_QUERY_CHARS: usize = 100;

/// The two GeoNames dumps Warren reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GazetteerFormat {
    /// Postal codes (`export/zip/`), 12 columns.
    PostalCodes,
    /// Populated places (`export/dump/`), 19 columns.
    Places,
}

impl GazetteerFormat {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PostalCodes => "postal_codes",
            Self::Places => "places",
        }
    }

    /// Parses the stable name.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "postal_codes" => Some(Self::PostalCodes),
            "places" => Some(Self::Places),
            _ => None,
        }
    }

    /// Which dump a row comes from, by its number of columns.
    pub fn detect(line: &str) -> Option<Self> {
        match line.split('\t').count() {
            12 => Some(Self::PostalCodes),
            19 => Some(Self::Places),
            _ => None,
        }
    }

    fn columns(self) -> usize {
        match self {
            Self::PostalCodes => 12,
            Self::Places => 19,
        }
    }
}

/// Whether an entry is a postcode or a named place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    /// A postal code (or, from a lookup of an outward code such as `BS1`,
    /// the centre of all the codes it covers).
    Postcode,
    /// A town, village or other populated place.
    Place,
}

impl PlaceKind {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Postcode => "postcode",
            Self::Place => "place",
        }
    }

    /// Parses the stable name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "postcode" => Some(Self::Postcode),
            "place" => Some(Self::Place),
            _ => None,
        }
    }
}

/// One entry of the gazetteer: a postcode or a place, with its point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Place {
    /// Postcode or place.
    pub kind: PlaceKind,
    /// The place's name (for a postcode, the place it serves).
    pub name: String,
    /// The postcode, as published (`BS1 5TR`); for an outward-code lookup
    /// the outward code (`BS1`).
    pub postcode: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// The first-level area (region, state, county) when the data names it.
    pub admin_area: Option<String>,
    /// WGS 84 latitude.
    pub latitude: f64,
    /// WGS 84 longitude.
    pub longitude: f64,
    /// Inhabitants, for places whose dump says.
    pub population: Option<i64>,
}

impl Place {
    /// How people read it: "Bristol BS1", "Bath", "Bristol BS1 6NB".
    pub fn label(&self) -> String {
        match &self.postcode {
            Some(postcode) => format!("{} {postcode}", self.name),
            None => self.name.clone(),
        }
    }

    /// The distance in km from this place's point to (`latitude`, `longitude`).
    pub fn distance_km(&self, latitude: f64, longitude: f64) -> f64 {
        distance_km((self.latitude, self.longitude), (latitude, longitude))
    }
}

/// The great-circle distance in km between two (latitude, longitude) points.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    Haversine.distance(Point::new(a.1, a.0), Point::new(b.1, b.0)) / 1000.0
}

/// A row of a dump that cannot be read, by its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct RowError {
    /// The line, counting from 1.
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

/// Reads one row of `format`; the message says what is wrong.
pub fn parse_row(format: GazetteerFormat, line: &str) -> Result<Place, String> {
    let columns: Vec<&str> = line.trim_end_matches(['\r', '\n']).split('\t').collect();
    if columns.len() != format.columns() {
        return Err(format!(
            "has {} columns; GeoNames {} rows have {}",
            columns.len(),
            match format {
                GazetteerFormat::PostalCodes => "postal code",
                GazetteerFormat::Places => "place",
            },
            format.columns()
        ));
    }
    let text = |index: usize| Some(columns[index].trim()).filter(|text| !text.is_empty());
    let (country, name, postcode, admin_area, latitude, longitude, population) = match format {
        GazetteerFormat::PostalCodes => (
            text(0),
            text(2),
            Some(text(1).ok_or("has no postal code")?),
            text(3).or(text(4)),
            columns[9],
            columns[10],
            None,
        ),
        GazetteerFormat::Places => (
            text(8),
            text(1),
            None,
            text(10),
            columns[4],
            columns[5],
            match text(14) {
                None => None,
                Some(number) => Some(
                    number
                        .parse::<i64>()
                        .map_err(|_| "population is not a whole number")?,
                ),
            },
        ),
    };
    let country = country.ok_or("has no country code")?;
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(format!("country code `{country}` is not two letters"));
    }
    let name = name.ok_or("has no place name")?;
    if name.chars().count() > 200 {
        return Err("place name is longer than 200 characters".into());
    }
    let degrees = |text: &str, what: &str, limit: f64| {
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|value| value.is_finite() && value.abs() <= limit)
            .ok_or_else(|| format!("{what} `{}` is not a number of degrees", text.trim()))
    };
    let latitude = degrees(latitude, "latitude", 90.0)?;
    let longitude = degrees(longitude, "longitude", 180.0)?;
    Ok(Place {
        kind: match format {
            GazetteerFormat::PostalCodes => PlaceKind::Postcode,
            GazetteerFormat::Places => PlaceKind::Place,
        },
        name: name.to_owned(),
        postcode: postcode.map(|code| code.split_whitespace().collect::<Vec<_>>().join(" ")),
        country: country.to_ascii_uppercase(),
        admin_area: admin_area.map(str::to_owned),
        latitude,
        longitude,
        population,
    })
}

/// A postcode as compared: letters and digits only, upper case, so that
/// `BS1 5TR`, `bs15tr` and `BS1-5TR` are the same code.
pub fn postcode_key(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The outward part of a postcode, as compared: what precedes the space
/// (`BS1` of `BS1 5TR`). Without a space, a British-style code ends in a
/// three-character inward code (digit, letter, letter) which is dropped
/// (`BS15TR` → `BS1`); any other code is its own outward part.
pub fn outward_key(postcode: &str) -> String {
    if let Some((outward, _)) = postcode.trim().split_once(char::is_whitespace) {
        return postcode_key(outward);
    }
    let key = postcode_key(postcode);
    let bytes = key.as_bytes();
    let british_inward = bytes.len() >= 5
        && bytes[bytes.len() - 3].is_ascii_digit()
        && bytes[bytes.len() - 2].is_ascii_alphabetic()
        && bytes[bytes.len() - 1].is_ascii_alphabetic()
        && bytes[0].is_ascii_alphabetic();
    if british_inward {
        key[..key.len() - 3].to_owned()
    } else {
        key
    }
}

/// A place name as compared: lower case, hyphens and repeated spaces as one
/// space, so `Weston-super-Mare` is found as `weston super mare`.
pub fn name_key(text: &str) -> String {
    text.to_lowercase()
        .replace(['-', '\''], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a person typed to name a place, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceQuery {
    /// As typed, trimmed.
    pub text: String,
    /// [`postcode_key`] of the text.
    pub postcode: String,
    /// [`name_key`] of the text.
    pub name: String,
}

impl PlaceQuery {
    /// Checks the text: not empty, at most [`MAX_QUERY_CHARS`].
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("must name a town or a postcode".into());
        }
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(format!("must be at most {MAX_QUERY_CHARS} characters"));
        }
        Ok(Self {
            text: text.to_owned(),
            postcode: postcode_key(text),
            name: name_key(text),
        })
    }

    /// Whether the text could be a postcode: it has a digit and no more
    /// than two words.
    pub fn may_be_postcode(&self) -> bool {
        !self.postcode.is_empty()
            && self.postcode.len() <= 10
            && self.text.chars().any(|c| c.is_ascii_digit())
            && self.text.split_whitespace().count() <= 2
    }
}

/// The entries of one outward code (`BS1`) as one place: the centre of
/// their points, named after the place most of them serve.
pub fn outward_area(outward: &str, entries: &[Place]) -> Option<Place> {
    let first = entries.first()?;
    let count = entries.len() as f64;
    let mut names: HashMap<&str, usize> = HashMap::new();
    for entry in entries {
        *names.entry(entry.name.as_str()).or_default() += 1;
    }
    let name = names
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
        .map_or_else(|| first.name.clone(), |(name, _)| name.to_owned());
    Some(Place {
        kind: PlaceKind::Postcode,
        name,
        postcode: Some(outward.to_owned()),
        country: first.country.clone(),
        admin_area: first.admin_area.clone(),
        latitude: entries.iter().map(|entry| entry.latitude).sum::<f64>() / count,
        longitude: entries.iter().map(|entry| entry.longitude).sum::<f64>() / count,
        population: None,
    })
}

/// Why a site's coordinates, postcode and country do not agree.
#[derive(Debug, Clone, PartialEq)]
pub enum LocationWarning {
    /// The coordinates lie far from the postcode's point.
    FarFromPostcode {
        /// The postcode.
        postcode: String,
        /// How far, in km.
        km: f64,
    },
    /// The postcode belongs to another country than the site's.
    CountryDiffers {
        /// The postcode.
        postcode: String,
        /// The postcode's country.
        postcode_country: String,
        /// The site's country.
        site_country: String,
    },
}

impl fmt::Display for LocationWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FarFromPostcode { postcode, km } => write!(
                f,
                "The coordinates are {km:.0} km from {postcode}: check the postcode or press Find to use its point."
            ),
            Self::CountryDiffers {
                postcode,
                postcode_country,
                site_country,
            } => write!(
                f,
                "{postcode} is a postcode of {postcode_country}, but the country is {site_country}."
            ),
        }
    }
}

/// Whether a site at (`latitude`, `longitude`) in `country` agrees with
/// `postcode_place`, the gazetteer's entry for its postcode: it must lie
/// within [`DISAGREEMENT_KM`] of it, in the same country.
pub fn check_site_location(
    latitude: f64,
    longitude: f64,
    country: &str,
    postcode_place: &Place,
) -> Vec<LocationWarning> {
    let postcode = postcode_place
        .postcode
        .clone()
        .unwrap_or_else(|| postcode_place.name.clone());
    let mut warnings = Vec::new();
    let country = country.trim().to_ascii_uppercase();
    if !country.is_empty() && country != postcode_place.country {
        warnings.push(LocationWarning::CountryDiffers {
            postcode: postcode.clone(),
            postcode_country: postcode_place.country.clone(),
            site_country: country,
        });
    }
    let km = postcode_place.distance_km(latitude, longitude);
    if km > DISAGREEMENT_KM {
        warnings.push(LocationWarning::FarFromPostcode { postcode, km });
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    const POSTAL: &str =
        "GB\tBS1 6NB\tBristol\tEngland\tENG\tCity of Bristol\t11\t\t\t51.4506\t-2.5902\t6";
    const PLACE: &str = "2654675\tBristol\tBristol\tBristol,Bristo\t51.45523\t-2.59665\tP\tPPLA2\tGB\t\tENG\tB7\t\t\t430713\t\t15\tEurope/London\t2019-09-05";

    #[test]
    fn postal_rows_are_read() {
        let place = parse_row(GazetteerFormat::PostalCodes, POSTAL).unwrap();
        assert_eq!(place.kind, PlaceKind::Postcode);
        assert_eq!(place.postcode.as_deref(), Some("BS1 6NB"));
        assert_eq!(place.name, "Bristol");
        assert_eq!(place.country, "GB");
        assert_eq!(place.admin_area.as_deref(), Some("England"));
        assert_eq!(place.label(), "Bristol BS1 6NB");
    }

    #[test]
    fn place_rows_are_read() {
        let place = parse_row(GazetteerFormat::Places, PLACE).unwrap();
        assert_eq!(place.kind, PlaceKind::Place);
        assert_eq!(place.postcode, None);
        assert_eq!(place.population, Some(430_713));
        assert_eq!(place.admin_area.as_deref(), Some("ENG"));
    }

    #[test]
    fn formats_are_told_apart_by_their_columns() {
        assert_eq!(
            GazetteerFormat::detect(POSTAL),
            Some(GazetteerFormat::PostalCodes)
        );
        assert_eq!(
            GazetteerFormat::detect(PLACE),
            Some(GazetteerFormat::Places)
        );
        assert_eq!(GazetteerFormat::detect("a,b,c"), None);
    }

    #[test]
    fn bad_rows_say_what_is_wrong() {
        let short = parse_row(GazetteerFormat::PostalCodes, "GB\tBS1").unwrap_err();
        assert!(short.contains("2 columns"), "{short}");
        let bad = POSTAL.replace("51.4506", "north");
        let error = parse_row(GazetteerFormat::PostalCodes, &bad).unwrap_err();
        assert!(error.contains("latitude `north`"), "{error}");
        let far = POSTAL.replace("-2.5902", "-200");
        assert!(parse_row(GazetteerFormat::PostalCodes, &far).is_err());
        let country = POSTAL.replacen("GB", "GBR", 1);
        assert!(parse_row(GazetteerFormat::PostalCodes, &country).is_err());
    }

    #[test]
    fn postcodes_compare_however_they_are_typed() {
        assert_eq!(postcode_key("BS1 5TR"), "BS15TR");
        assert_eq!(postcode_key(" bs15tr "), "BS15TR");
        assert_eq!(outward_key("BS1 5TR"), "BS1");
        assert_eq!(outward_key("bs15tr"), "BS1");
        assert_eq!(outward_key("BS16 3JN"), "BS16");
        assert_eq!(outward_key("bs163jn"), "BS16");
        assert_eq!(outward_key("BS1"), "BS1");
        assert_eq!(outward_key("75001"), "75001");
    }

    #[test]
    fn names_compare_without_case_or_hyphens() {
        assert_eq!(name_key("Weston-super-Mare"), "weston super mare");
        assert_eq!(name_key("  weston  SUPER mare "), "weston super mare");
    }

    #[test]
    fn queries_are_checked() {
        assert!(PlaceQuery::parse("  ").is_err());
        assert!(PlaceQuery::parse(&"x".repeat(101)).is_err());
        assert!(PlaceQuery::parse("BS1 5TR").unwrap().may_be_postcode());
        assert!(!PlaceQuery::parse("Bristol").unwrap().may_be_postcode());
    }

    #[test]
    fn an_outward_code_is_the_centre_of_its_postcodes() {
        let a = parse_row(GazetteerFormat::PostalCodes, POSTAL).unwrap();
        let mut b = a.clone();
        b.latitude = 51.4606;
        b.postcode = Some("BS1 3RD".into());
        let area = outward_area("BS1", &[a, b]).unwrap();
        assert_eq!(area.label(), "Bristol BS1");
        assert!((area.latitude - 51.4556).abs() < 1e-9);
    }

    #[test]
    fn a_site_far_from_its_postcode_or_in_another_country_is_flagged() {
        let bristol = parse_row(GazetteerFormat::PostalCodes, POSTAL).unwrap();
        assert!(check_site_location(51.4545, -2.5879, "GB", &bristol).is_empty());
        // Bath is about 18 km away: still plausible.
        assert!(check_site_location(51.3801, -2.3648, "gb", &bristol).is_empty());
        // London is about 170 km away.
        let warnings = check_site_location(51.5074, -0.1278, "GB", &bristol);
        assert!(matches!(
            warnings.as_slice(),
            [LocationWarning::FarFromPostcode { km, .. }] if *km > 150.0
        ));
        assert!(warnings[0].to_string().contains("km from BS1 6NB"));
        let warnings = check_site_location(51.4545, -2.5879, "IE", &bristol);
        assert_eq!(
            warnings,
            vec![LocationWarning::CountryDiffers {
                postcode: "BS1 6NB".into(),
                postcode_country: "GB".into(),
                site_country: "IE".into(),
            }]
        );
    }
}

//! The directory's two vocabularies: what a site can do (capabilities) and
//! which animals it accepts (species, grouped).
//!
//! Terms are identified by a stable code (`oxygen_therapy`,
//! `small_mammal/guinea_pig`). Species codes carry their group before the
//! slash, so a site accepting the whole group `small_mammal` accepts every
//! species in it, and a species the vocabulary does not list yet still falls
//! back to its group. The seeded vocabulary below is what a new network
//! starts with; network admins extend it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::TextError;

/// Which vocabulary a term belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Taxonomy {
    /// What a site can do: imaging, oxygen, surgery, isolation, …
    Capability,
    /// Which animals a site accepts, as `group` or `group/species`.
    Species,
}

impl Taxonomy {
    /// The snake_case name used on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Capability => "capability",
            Self::Species => "species",
        }
    }

    /// Reads the stored name back.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "capability" => Some(Self::Capability),
            "species" => Some(Self::Species),
            _ => None,
        }
    }
}

/// A term's code: lowercase letters, digits and underscores, with at most one
/// `/` separating a species group from the species.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "small_mammal/guinea_pig"))]
#[serde(try_from = "String", into = "String")]
pub struct TermCode(String);

impl TermCode {
    /// Checks `input` and builds the code.
    pub fn parse(input: impl Into<String>) -> Result<Self, TextError> {
        let text: String = input.into();
        let text = text.trim().to_owned();
        if text.is_empty() {
            return Err(TextError::Empty);
        }
        if text.len() > 64 {
            return Err(TextError::TooLong(64));
        }
        let parts: Vec<&str> = text.split('/').collect();
        let part_ok = |part: &&str| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_')
        };
        if parts.len() > 2 || !parts.iter().all(part_ok) {
            return Err(TextError::Malformed(
                "must be lowercase words joined by underscores, optionally `group/species`",
            ));
        }
        Ok(Self(text))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The group before the slash (`small_mammal` for
    /// `small_mammal/hamster`), or the code itself when it has none.
    pub fn group(&self) -> &str {
        self.0.split('/').next().unwrap_or(&self.0)
    }

    /// Whether this code names a whole group rather than one species.
    pub fn is_group(&self) -> bool {
        !self.0.contains('/')
    }

    /// Whether a site accepting `self` takes an animal of `wanted`: the same
    /// code, or `self` is the whole group `wanted` belongs to, or `wanted` is a
    /// group and `self` is one of its species.
    pub fn covers(&self, wanted: &TermCode) -> bool {
        self == wanted
            || (self.is_group() && wanted.group() == self.0)
            || (wanted.is_group() && self.group() == wanted.0)
    }
}

impl TryFrom<String> for TermCode {
    type Error = TextError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<TermCode> for String {
    fn from(value: TermCode) -> Self {
        value.0
    }
}

impl fmt::Display for TermCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// One seeded term: taxonomy, code and the label people read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedTerm {
    /// Its vocabulary.
    pub taxonomy: Taxonomy,
    /// Its stable code.
    pub code: &'static str,
    /// The label shown to people.
    pub label: &'static str,
}

const fn capability(code: &'static str, label: &'static str) -> SeedTerm {
    SeedTerm {
        taxonomy: Taxonomy::Capability,
        code,
        label,
    }
}

const fn species(code: &'static str, label: &'static str) -> SeedTerm {
    SeedTerm {
        taxonomy: Taxonomy::Species,
        code,
        label,
    }
}

/// The vocabulary every network starts with: what a site can do (imaging,
/// anaesthesia, oxygen, isolation, surgery, rehabilitation…) and which
/// species it accepts, in groups (`small_mammal/rat`, `wildlife/raptor`…).
pub const SEED_TERMS: &[SeedTerm] = &[
    capability("radiography", "Radiography"),
    capability("ultrasound", "Ultrasound"),
    capability("ct", "CT"),
    capability("endoscopy", "Endoscopy"),
    capability("inhalant_anaesthesia", "Inhalant anaesthesia"),
    capability("exotic_anaesthesia", "Exotic anaesthesia"),
    capability("oxygen_therapy", "Oxygen therapy"),
    capability("oxygen_cage", "Oxygen cage"),
    capability("isolation_ward", "Isolation ward"),
    capability("intensive_care", "Intensive care"),
    capability("exotic_surgery", "Exotic surgery"),
    capability("dentistry", "Dentistry"),
    capability("fluid_therapy", "Fluid therapy"),
    capability("blood_analysis", "Blood analysis"),
    capability("telemedicine", "Telemedicine consults"),
    capability("wildlife_rehabilitation", "Wildlife rehabilitation"),
    capability("release_aviaries", "Release aviaries"),
    capability("quarantine", "Quarantine"),
    species("small_mammal", "Small mammals (all)"),
    species("small_mammal/rat", "Rat"),
    species("small_mammal/mouse", "Mouse"),
    species("small_mammal/hamster", "Hamster"),
    species("small_mammal/gerbil", "Gerbil"),
    species("small_mammal/guinea_pig", "Guinea pig"),
    species("small_mammal/chinchilla", "Chinchilla"),
    species("small_mammal/degu", "Degu"),
    species("small_mammal/rabbit", "Rabbit"),
    species("small_mammal/ferret", "Ferret"),
    species("wildlife", "Wildlife (all)"),
    species("wildlife/bird", "Wild bird"),
    species("wildlife/raptor", "Raptor"),
    species("wildlife/small_mammal", "Wild small mammal"),
    species("wildlife/hedgehog", "Hedgehog"),
    species("wildlife/bat", "Bat"),
    species("wildlife/carnivore", "Wild carnivore (fox, badger, otter)"),
    species("wildlife/deer", "Deer"),
];

/// A term of the vocabulary in force: seeded or added by a network admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Term {
    /// Its vocabulary.
    pub taxonomy: Taxonomy,
    /// Its stable code.
    pub code: TermCode,
    /// The label shown to people.
    pub label: String,
}

/// The vocabulary in force, looked up by code.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    terms: Vec<Term>,
}

impl Vocabulary {
    /// Builds the vocabulary from its terms.
    pub fn new(mut terms: Vec<Term>) -> Self {
        terms.sort_by(|a, b| (a.taxonomy, &a.code).cmp(&(b.taxonomy, &b.code)));
        Self { terms }
    }

    /// The seeded vocabulary alone.
    pub fn seeded() -> Self {
        Self::new(
            SEED_TERMS
                .iter()
                .map(|seed| Term {
                    taxonomy: seed.taxonomy,
                    code: TermCode(seed.code.to_owned()),
                    label: seed.label.to_owned(),
                })
                .collect(),
        )
    }

    /// Every term, capabilities first, each vocabulary by code.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The term with this code in this vocabulary.
    pub fn find(&self, taxonomy: Taxonomy, code: &str) -> Option<&Term> {
        self.terms
            .binary_search_by(|term| (term.taxonomy, term.code.as_str()).cmp(&(taxonomy, code)))
            .ok()
            .map(|index| &self.terms[index])
    }

    /// The label of a code, or the code itself when the term is unknown.
    pub fn label<'a>(&'a self, taxonomy: Taxonomy, code: &'a str) -> &'a str {
        self.find(taxonomy, code)
            .map_or(code, |term| term.label.as_str())
    }

    /// Resolves a requested species: a known term as is; an unknown species
    /// of a known group falls back to that group; anything else is refused.
    pub fn resolve_species(&self, code: &TermCode) -> Option<TermCode> {
        if self.find(Taxonomy::Species, code.as_str()).is_some() {
            return Some(code.clone());
        }
        self.find(Taxonomy::Species, code.group())
            .map(|group| group.code.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> TermCode {
        TermCode::parse(text).unwrap()
    }

    #[test]
    fn codes_are_lowercase_words_with_one_optional_group() {
        assert!(TermCode::parse("small_mammal/guinea_pig").is_ok());
        assert!(TermCode::parse("oxygen_cage").is_ok());
        assert!(TermCode::parse("Oxygen").is_err());
        assert!(TermCode::parse("a/b/c").is_err());
        assert!(TermCode::parse("a//b").is_err());
        assert!(TermCode::parse(" ").is_err());
    }

    #[test]
    fn a_group_covers_its_species_and_a_species_matches_a_group_request() {
        assert!(code("small_mammal").covers(&code("small_mammal/hamster")));
        assert!(code("small_mammal/hamster").covers(&code("small_mammal/hamster")));
        assert!(code("small_mammal/hamster").covers(&code("small_mammal")));
        assert!(!code("small_mammal/rat").covers(&code("small_mammal/hamster")));
        assert!(!code("wildlife").covers(&code("small_mammal/hamster")));
    }

    #[test]
    fn an_unknown_species_falls_back_to_its_group() {
        let vocabulary = Vocabulary::seeded();
        assert_eq!(
            vocabulary.resolve_species(&code("small_mammal/jerboa")),
            Some(code("small_mammal"))
        );
        assert_eq!(vocabulary.resolve_species(&code("reptile/gecko")), None);
        assert_eq!(
            vocabulary.label(Taxonomy::Capability, "oxygen_cage"),
            "Oxygen cage"
        );
    }
}

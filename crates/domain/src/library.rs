//! The knowledge library: articles the network writes for itself, found by
//! species, topic and words.
//!
//! An article is Markdown, of one [`ArticleKind`] (protocol, case write-up,
//! enrichment template, rehabilitation milestone, reintroduction criteria,
//! owner guidance), tagged by species (codes of the directory's species
//! vocabulary) and by free [`Topic`]s, and either shared with the whole
//! network or kept private to the organization that owns it
//! ([`Visibility`]). Every edit is a new version; the old ones stay readable.
//!
//! Who may do what ([`may_read`], [`may_write`], [`may_edit`]):
//!
//! - **Reading**: a network-wide article is read by everyone in the network
//!   (members of vetted organizations, network admins); an
//!   organization-private one only by the owner's members — a case write-up
//!   names patients and decisions the organization has not published, so not
//!   even network admins read it. Everyone else is told it does not exist.
//! - **Writing**: an organization's admins, clinicians and staff write and
//!   edit its articles; volunteers read them.
//! - **Curating**: network admins also edit and archive network-wide
//!   articles of any organization, so the shared library stays true; never a
//!   private one.
//!
//! Text is validated here, so the server and the browser refuse the same
//! input: a title of 3–160 characters on one line, an optional summary of at
//! most 400 characters, a body of 1–40,000 characters, at most
//! [`MAX_SPECIES_TAGS`] species and [`MAX_TOPICS`] topics.
//!
//! What full-text search reads is made here too, so that the server and
//! anything that writes articles in bulk (the demo) index alike: the tags'
//! words ([`tag_text`]) and the body's words ([`markdown::to_plain_text`]).

pub mod markdown;

use serde::{Deserialize, Serialize};

use crate::access::Access;
use crate::directory::taxonomy::{Taxonomy, TermCode, Vocabulary};
use crate::text::{TextError, check_length, single_line};

codes!(
    /// What an article is.
    ArticleKind {
        /// How the network treats something: steps, doses, decisions.
        Protocol = "protocol", "Protocol";
        /// One case, told so others learn from it.
        CaseWriteUp = "case_write_up", "Case write-up";
        /// A plan for a species' environment, food and activities.
        EnrichmentTemplate = "enrichment_template", "Enrichment template";
        /// A stage of a wild animal's rehabilitation and how to tell it is reached.
        RehabilitationMilestone = "rehabilitation_milestone", "Rehabilitation milestone";
        /// When a wild animal is fit to go back, and where and how.
        ReintroductionCriteria = "reintroduction_criteria", "Reintroduction criteria";
        /// Advice written for owners and finders.
        OwnerGuidance = "owner_guidance", "Owner guidance";
    }
);

codes!(
    /// Who reads an article.
    Visibility {
        /// Everyone in the network.
        Network = "network", "Network-wide";
        /// Only the owning organization's members.
        Organization = "organization", "Organization only";
    }
);

/// The most species one article is tagged with.
pub const MAX_SPECIES_TAGS: usize = 12;
/// The most topics one article is tagged with.
pub const MAX_TOPICS: usize = 12;
/// The longest body, in characters.
pub const MAX_BODY_CHARS: usize = 40_000;

validated_text!(
    /// An article's title: 3–160 characters on one line.
    ArticleTitle,
    |input| {
        let title = input.trim().to_owned();
        check_length(&title, 3, 160).and(single_line(&title)).map(|()| title)
    }
);

validated_text!(
    /// An article's summary, shown in search results: 1–400 characters,
    /// without line breaks.
    ArticleSummary,
    |input| {
        let summary = input.split_whitespace().collect::<Vec<_>>().join(" ");
        check_length(&summary, 1, 400).and(single_line(&summary)).map(|()| summary)
    }
);

validated_text!(
    /// An article's body in Markdown (CommonMark with tables, strikethrough
    /// and task lists): 1–40,000 characters. Raw HTML in it is never passed
    /// through as is: the server renders and sanitises it.
    ArticleBody,
    |input| {
        // Keep the author's leading indentation (it can be Markdown), drop
        // trailing white space and refuse NUL.
        let body = input.trim_end().trim_start_matches(['\n', '\r']).to_owned();
        if body.contains('\0') {
            Err(TextError::ControlCharacters)
        } else if body.trim().is_empty() {
            Err(TextError::Empty)
        } else {
            check_length(&body, 1, MAX_BODY_CHARS).map(|()| body)
        }
    }
);

validated_text!(
    /// What an edit changed, for the version history: 1–200 characters on
    /// one line.
    ChangeNote,
    |input| {
        let note = input.trim().to_owned();
        check_length(&note, 1, 200).and(single_line(&note)).map(|()| note)
    }
);

validated_text!(
    /// A free topic tag, normalised: lower case, words joined by single
    /// hyphens (`"Heat Stress"` → `heat-stress`), 2–40 characters of letters
    /// and digits.
    Topic,
    |input| {
        let mut topic = String::new();
        let mut gap = false;
        for c in input.trim().chars() {
            if c.is_alphanumeric() {
                if gap && !topic.is_empty() {
                    topic.push('-');
                }
                gap = false;
                topic.extend(c.to_lowercase());
            } else if c.is_whitespace() || matches!(c, '-' | '_' | '/' | '.') {
                gap = true;
            } else {
                return Err(TextError::Malformed(
                    "must be words of letters and digits, like heat-stress",
                ));
            }
        }
        check_length(&topic, 2, 40).map(|()| topic)
    }
);

/// Why a set of tags was refused; the field is `species` or `topics`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagError {
    /// More species than [`MAX_SPECIES_TAGS`].
    #[error("at most {MAX_SPECIES_TAGS} species")]
    TooManySpecies,
    /// More topics than [`MAX_TOPICS`].
    #[error("at most {MAX_TOPICS} topics")]
    TooManyTopics,
    /// A species code the vocabulary does not know (nor its group).
    #[error("{0} is not a species of the network's vocabulary")]
    UnknownSpecies(String),
}

impl TagError {
    /// The request field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            Self::TooManySpecies | Self::UnknownSpecies(_) => "species",
            Self::TooManyTopics => "topics",
        }
    }
}

/// An article's tags, checked and in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tags {
    /// Species codes, sorted, each once (a group such as `small_mammal`
    /// covers all its species).
    pub species: Vec<TermCode>,
    /// Topics, sorted, each once.
    pub topics: Vec<Topic>,
}

impl Tags {
    /// Checks the tags against the vocabulary: known species only (an
    /// unknown species of a known group is kept as its group), no more than
    /// the limits, duplicates dropped.
    pub fn check(
        species: Vec<TermCode>,
        topics: Vec<Topic>,
        vocabulary: &Vocabulary,
    ) -> Result<Self, TagError> {
        let mut resolved = Vec::with_capacity(species.len());
        for code in species {
            let known = vocabulary
                .resolve_species(&code)
                .ok_or_else(|| TagError::UnknownSpecies(code.to_string()))?;
            resolved.push(known);
        }
        resolved.sort();
        resolved.dedup();
        let mut topics = topics;
        topics.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        topics.dedup();
        if resolved.len() > MAX_SPECIES_TAGS {
            return Err(TagError::TooManySpecies);
        }
        if topics.len() > MAX_TOPICS {
            return Err(TagError::TooManyTopics);
        }
        Ok(Self {
            species: resolved,
            topics,
        })
    }

    /// Whether an article with these tags is about `wanted` (a species or a
    /// group): tagged with it, with its group, or with one of its species.
    pub fn covers_species(&self, wanted: &TermCode) -> bool {
        self.species.iter().any(|code| code.covers(wanted))
    }
}

/// The tags' words for search: each species' label, singular and plural
/// (the two databases' English stemmers disagree on plurals such as
/// "degus"), and the topics' words. A group's tag also brings the labels of
/// its species: an article about all small mammals is about guinea pigs
/// too, as the species filter reads it. (A species the network adds later
/// is added to those articles by a database trigger.)
pub fn tag_text(vocabulary: &Vocabulary, tags: &Tags) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut push = |label: &str| {
        words.push(label.to_owned());
        if label.ends_with(|c: char| c.is_alphabetic()) && !label.ends_with('s') {
            words.push(format!("{label}s"));
        }
    };
    for code in &tags.species {
        push(vocabulary.label(Taxonomy::Species, code.as_str()));
        if code.is_group() {
            let mut members: Vec<&str> = vocabulary
                .terms()
                .iter()
                .filter(|term| {
                    term.taxonomy == Taxonomy::Species
                        && !term.code.is_group()
                        && term.code.group() == code.as_str()
                })
                .map(|term| term.label.as_str())
                .collect();
            members.sort_unstable();
            for label in members {
                push(label);
            }
        }
    }
    words.extend(
        tags.topics
            .iter()
            .map(|topic| topic.as_str().replace('-', " ")),
    );
    words.join(" · ")
}

/// Whether the caller may read an article owned by `owner`: anyone in the
/// network reads network-wide articles; only the owner's members read
/// private ones.
pub fn may_read<Id: PartialEq>(
    access: &Access<Id>,
    in_network: bool,
    owner: &Id,
    visibility: Visibility,
) -> bool {
    let member = access.role_in(owner).is_some();
    match visibility {
        Visibility::Network => member || in_network || access.is_network_admin(),
        Visibility::Organization => member,
    }
}

/// Whether the caller may write articles for `owner`: its admins,
/// clinicians and staff.
pub fn may_write<Id: PartialEq>(access: &Access<Id>, owner: &Id) -> bool {
    access.can_act(owner)
}

/// Whether the caller may edit or archive an article of `owner`: whoever may
/// write for the owner, and network admins for a network-wide article.
pub fn may_edit<Id: PartialEq>(access: &Access<Id>, owner: &Id, visibility: Visibility) -> bool {
    may_write(access, owner) || (visibility == Visibility::Network && access.is_network_admin())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Role;

    fn code(text: &str) -> TermCode {
        TermCode::parse(text).unwrap()
    }

    fn topic(text: &str) -> Topic {
        Topic::parse(text).unwrap()
    }

    #[test]
    fn kinds_and_visibilities_round_trip_through_their_codes() {
        for kind in ArticleKind::ALL {
            assert_eq!(ArticleKind::parse(kind.as_str()), Some(*kind));
        }
        for visibility in Visibility::ALL {
            assert_eq!(Visibility::parse(visibility.as_str()), Some(*visibility));
        }
        assert_eq!(
            serde_json::to_string(&ArticleKind::EnrichmentTemplate).unwrap(),
            "\"enrichment_template\""
        );
        assert_eq!(ArticleKind::parse("recipe"), None);
    }

    #[test]
    fn topics_are_normalised_to_lower_case_hyphenated_words() {
        assert_eq!(topic("  Heat Stress ").as_str(), "heat-stress");
        assert_eq!(topic("GI_stasis").as_str(), "gi-stasis");
        assert_eq!(topic("soft--release").as_str(), "soft-release");
        assert_eq!(topic("Fütterung").as_str(), "fütterung");
        assert!(Topic::parse("x").is_err());
        assert!(Topic::parse("<script>").is_err());
        assert!(Topic::parse("a".repeat(41)).is_err());
    }

    #[test]
    fn titles_summaries_and_bodies_have_limits() {
        assert_eq!(ArticleTitle::parse("  "), Err(TextError::Empty));
        assert_eq!(ArticleTitle::parse("ab"), Err(TextError::TooShort(3)));
        assert_eq!(
            ArticleTitle::parse("Two\nlines"),
            Err(TextError::ControlCharacters)
        );
        assert!(ArticleTitle::parse("x".repeat(161)).is_err());
        assert_eq!(
            ArticleSummary::parse("Spread over\ntwo lines")
                .unwrap()
                .as_str(),
            "Spread over two lines"
        );
        assert!(ArticleSummary::parse("x".repeat(401)).is_err());
        assert_eq!(ArticleBody::parse("\n\n   \n"), Err(TextError::Empty));
        assert_eq!(
            ArticleBody::parse("\n    indented code\n\n")
                .unwrap()
                .as_str(),
            "    indented code"
        );
        assert!(ArticleBody::parse("x".repeat(MAX_BODY_CHARS + 1)).is_err());
        assert!(ArticleBody::parse("nul\0").is_err());
    }

    #[test]
    fn invalid_text_is_refused_while_deserializing() {
        assert!(serde_json::from_str::<ArticleTitle>("\"no\"").is_err());
        assert!(serde_json::from_str::<Topic>("\"!!\"").is_err());
        let kind: Result<ArticleKind, _> = serde_json::from_str("\"poem\"");
        assert!(kind.is_err());
    }

    #[test]
    fn tags_are_checked_against_the_vocabulary_sorted_and_deduplicated() {
        let vocabulary = Vocabulary::seeded();
        let tags = Tags::check(
            vec![
                code("small_mammal/degu"),
                code("small_mammal/jerboa"),
                code("small_mammal/degu"),
            ],
            vec![topic("Enrichment"), topic("diet"), topic("enrichment")],
            &vocabulary,
        )
        .unwrap();
        assert_eq!(
            tags.species,
            [code("small_mammal"), code("small_mammal/degu")]
        );
        assert_eq!(tags.topics, [topic("diet"), topic("enrichment")]);
        let unknown = Tags::check(vec![code("reptile/gecko")], vec![], &vocabulary);
        assert_eq!(
            unknown,
            Err(TagError::UnknownSpecies("reptile/gecko".into()))
        );
        assert_eq!(unknown.unwrap_err().field(), "species");
        let many: Vec<Topic> = (0..13).map(|n| topic(&format!("topic {n}"))).collect();
        assert_eq!(
            Tags::check(vec![], many, &vocabulary),
            Err(TagError::TooManyTopics)
        );
    }

    #[test]
    fn a_group_tag_covers_its_species_and_a_species_tag_matches_its_group() {
        let tags = Tags {
            species: vec![code("small_mammal/degu")],
            topics: vec![],
        };
        assert!(tags.covers_species(&code("small_mammal/degu")));
        assert!(tags.covers_species(&code("small_mammal")));
        assert!(!tags.covers_species(&code("small_mammal/hamster")));
        let group = Tags {
            species: vec![code("wildlife")],
            topics: vec![],
        };
        assert!(group.covers_species(&code("wildlife/hedgehog")));
    }

    #[test]
    fn private_articles_are_read_by_the_owners_members_only() {
        let member = Access::new(vec![(1, Role::Volunteer)]);
        let outsider = Access::new(vec![(2, Role::Clinician)]);
        let coordinator = Access::new(vec![(9, Role::NetworkAdmin)]);
        assert!(may_read(&member, true, &1, Visibility::Organization));
        assert!(!may_read(&outsider, true, &1, Visibility::Organization));
        assert!(!may_read(&coordinator, true, &1, Visibility::Organization));
        assert!(may_read(&outsider, true, &1, Visibility::Network));
        assert!(!may_read(&outsider, false, &1, Visibility::Network));
        assert!(may_read(&coordinator, false, &1, Visibility::Network));
    }

    #[test]
    fn the_owners_acting_members_write_and_network_admins_curate_shared_articles() {
        let clinician = Access::new(vec![(1, Role::Clinician)]);
        let volunteer = Access::new(vec![(1, Role::Volunteer)]);
        let coordinator = Access::new(vec![(9, Role::NetworkAdmin)]);
        assert!(may_write(&clinician, &1));
        assert!(!may_write(&volunteer, &1));
        assert!(!may_write(&clinician, &2));
        assert!(may_edit(&clinician, &1, Visibility::Organization));
        assert!(!may_edit(&volunteer, &1, Visibility::Network));
        assert!(may_edit(&coordinator, &1, Visibility::Network));
        assert!(!may_edit(&coordinator, &1, Visibility::Organization));
        assert!(!may_edit(&clinician, &2, Visibility::Network));
    }
}

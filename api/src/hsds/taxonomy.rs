//! The vocabularies Warren publishes as HSDS taxonomies, and the stable
//! identifiers of everything HSDS derives from Warren's own records.
//!
//! HSDS identifiers are UUIDs: organizations and locations keep Warren's
//! own; everything derived from them (services, services at locations,
//! addresses, phones, schedules, attributes, metadata, taxonomies and terms)
//! has a name-based UUID v5, so ids are stable across requests and replicas.

use uuid::Uuid;
use warren_domain::OrganizationKind;
use warren_domain::directory::taxonomy::Taxonomy;

use super::model::{HsdsTaxonomy, TaxonomyTerm};
use crate::directory::Snapshot;

/// Warren's namespace for the UUID v5 identifiers it derives for HSDS.
const NAMESPACE: Uuid = Uuid::from_u128(0x8d2c_61f4_0b7e_4a35_9c1d_5e3a_7f60_b2c9);

/// The vocabularies Warren publishes as HSDS taxonomies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vocabulary {
    /// What a site can do.
    Capabilities,
    /// Which animals a site accepts, species within their groups.
    Species,
    /// What kind of member an organization is.
    OrganizationKinds,
}

impl Vocabulary {
    /// Every vocabulary, in the order HSDS lists them.
    pub const ALL: [Self; 3] = [Self::Capabilities, Self::Species, Self::OrganizationKinds];

    /// The vocabulary with this HSDS id.
    pub fn with_id(id: Uuid) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|vocabulary| vocabulary.id() == id)
    }

    /// The stable key its ids are derived from; an attribute's `link_type`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Capabilities => "capability",
            Self::Species => "species",
            Self::OrganizationKinds => "organization_kind",
        }
    }

    /// Its HSDS id.
    pub fn id(self) -> Uuid {
        Uuid::new_v5(&NAMESPACE, format!("taxonomy:{}", self.key()).as_bytes())
    }

    /// Its HSDS name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Capabilities => "Warren capabilities",
            Self::Species => "Warren species",
            Self::OrganizationKinds => "Warren organization kinds",
        }
    }

    /// Its HSDS description.
    pub fn description(self) -> &'static str {
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

    /// The vocabulary as an HSDS `taxonomy`.
    pub fn detail(self) -> HsdsTaxonomy {
        HsdsTaxonomy {
            id: self.id(),
            name: self.name(),
            description: self.description(),
        }
    }
}

/// One term of a published vocabulary.
#[derive(Debug, Clone)]
pub struct Term {
    /// The vocabulary it belongs to.
    pub vocabulary: Vocabulary,
    /// Its code (`small_mammal/hamster`, `clinic`).
    pub code: String,
    /// Its label in plain words.
    pub label: String,
    /// The code of its parent: a species' group.
    pub parent: Option<String>,
}

impl Term {
    /// Its HSDS id.
    pub fn id(&self) -> Uuid {
        term_id(self.vocabulary, &self.code)
    }

    /// The HSDS id of its parent.
    pub fn parent_id(&self) -> Option<Uuid> {
        let parent = self.parent.as_ref()?;
        Some(term_id(self.vocabulary, parent))
    }

    /// The term as an HSDS `taxonomy_term`.
    pub fn hsds(&self) -> TaxonomyTerm {
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
            parent_id: self.parent_id(),
            taxonomy: self.vocabulary.name(),
            taxonomy_id: self.vocabulary.id(),
            language: "en",
            taxonomy_detail: self.vocabulary.detail(),
        }
    }
}

/// The HSDS id of the term `code` of `vocabulary`.
pub fn term_id(vocabulary: Vocabulary, code: &str) -> Uuid {
    Uuid::new_v5(
        &NAMESPACE,
        format!("taxonomy_term:{}:{code}", vocabulary.key()).as_bytes(),
    )
}

/// Every published term: capabilities, species (groups before their
/// species), then organization kinds.
pub fn terms(snapshot: &Snapshot) -> Vec<Term> {
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

/// The published term with this HSDS id.
pub fn term(snapshot: &Snapshot, id: Uuid) -> Option<Term> {
    terms(snapshot).into_iter().find(|term| term.id() == id)
}

/// The ids HSDS objects derived from one site get.
pub struct SiteIds {
    /// The location: the site's own id.
    pub location: Uuid,
    /// The site's service.
    pub service: Uuid,
    /// The service at the site.
    pub service_at_location: Uuid,
}

impl SiteIds {
    /// The ids of `site`'s HSDS objects.
    pub fn of(site: Uuid) -> Self {
        Self {
            location: site,
            service: derived(site, "service"),
            service_at_location: derived(site, "service_at_location"),
        }
    }
}

/// A UUID v5 for the `what` of `parent`.
pub fn derived(parent: Uuid, what: &str) -> Uuid {
    Uuid::new_v5(&parent, format!("hsds:{what}").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

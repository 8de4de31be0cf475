//! Triage: a tiered emergency assessment for small mammals and wildlife.
//!
//! A [`Protocol`] is data owned by the network and versioned: five tiers with
//! colours and target times, and discriminators (signs) that set a tier per
//! species group, each with what to do before and during transport, when to
//! escalate and which capabilities the case needs. [`assess`] is a pure
//! function from answers to a result, so the server and the browser run the
//! very same triage. The highest tier wins; a sign that could raise the tier
//! and has not been answered is asked, never assumed.
//!
//! Steps from several signs can contradict each other (syringe feeding for
//! gut stasis, with an animal struggling to breathe). The protocol says so
//! as data: a [`Contraindication`] withholds named steps when a sign is
//! present — or answered "not sure", since the case is then treated as if it
//! were — or for some species groups. The result lists what it withheld and
//! why instead of silently dropping it.

mod protocol;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::directory::taxonomy::TermCode;

pub use protocol::{REVISIONS, Revision, default_protocol, first_version, with_contraindications};

/// The five tiers, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// 1, red: first vet contact at once.
    Immediate,
    /// 2, orange: within 15 minutes.
    VeryUrgent,
    /// 3, yellow: within 60 minutes.
    Urgent,
    /// 4, green: within 120 minutes.
    Standard,
    /// 5, blue: within 240 minutes.
    NonUrgent,
}

impl Tier {
    /// Every tier, most urgent first.
    pub const ALL: [Tier; 5] = [
        Self::Immediate,
        Self::VeryUrgent,
        Self::Urgent,
        Self::Standard,
        Self::NonUrgent,
    ];

    /// The tier's number, 1 (most urgent) to 5.
    pub fn number(self) -> u8 {
        match self {
            Self::Immediate => 1,
            Self::VeryUrgent => 2,
            Self::Urgent => 3,
            Self::Standard => 4,
            Self::NonUrgent => 5,
        }
    }

    /// The tier with this number (1 to 5).
    pub fn from_number(number: u8) -> Option<Tier> {
        Self::ALL.into_iter().find(|tier| tier.number() == number)
    }

    /// The more urgent of two tiers.
    pub fn most_urgent(self, other: Tier) -> Tier {
        self.min(other)
    }
}

/// How a tier looks and how fast it must be seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TierSpec {
    /// The tier.
    pub tier: Tier,
    /// Its name, e.g. "Immediate".
    pub name: String,
    /// Its colour, e.g. "red".
    pub colour: String,
    /// Minutes within which a vet must be in contact.
    pub target_minutes: u32,
}

/// Species groups the protocol distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SpeciesGroup {
    /// Rats, mice, hamsters, gerbils.
    Rodent,
    /// Guinea pigs, chinchillas, degus, rabbits: hindgut fermenters whose gut
    /// stops quickly; prey animals that hide illness.
    Herbivore,
    /// Any other small mammal kept as a pet (ferrets, unknown species).
    SmallMammal,
    /// Wild birds.
    Bird,
    /// Raptors.
    Raptor,
    /// Wild small mammals: hedgehogs, bats, wild rodents.
    WildSmallMammal,
    /// Wild carnivores: foxes, badgers, otters.
    WildCarnivore,
    /// Any other wildlife (deer, unknown species).
    Wildlife,
}

impl SpeciesGroup {
    /// The group a species belongs to; an unknown species falls back to its
    /// taxonomy group (`small_mammal/…` or `wildlife/…`).
    pub fn of(species: &TermCode) -> SpeciesGroup {
        match species.as_str() {
            "small_mammal/rat"
            | "small_mammal/mouse"
            | "small_mammal/hamster"
            | "small_mammal/gerbil" => Self::Rodent,
            "small_mammal/guinea_pig"
            | "small_mammal/chinchilla"
            | "small_mammal/degu"
            | "small_mammal/rabbit" => Self::Herbivore,
            "wildlife/bird" => Self::Bird,
            "wildlife/raptor" => Self::Raptor,
            "wildlife/hedgehog" | "wildlife/bat" | "wildlife/small_mammal" => Self::WildSmallMammal,
            "wildlife/carnivore" => Self::WildCarnivore,
            _ if species.group() == "wildlife" => Self::Wildlife,
            _ => Self::SmallMammal,
        }
    }

    /// Whether the group is wildlife.
    pub fn is_wildlife(self) -> bool {
        matches!(
            self,
            Self::Bird
                | Self::Raptor
                | Self::WildSmallMammal
                | Self::WildCarnivore
                | Self::Wildlife
        )
    }
}

/// One sign the protocol asks about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Discriminator {
    /// Stable code, e.g. `respiratory_distress`.
    pub code: String,
    /// Short label, e.g. "Respiratory distress".
    pub label: String,
    /// The question as staff ask it.
    pub staff_question: String,
    /// The question as an owner or finder reads it.
    pub owner_question: String,
    /// The tier it sets.
    pub tier: Tier,
    /// Species groups for which it sets another tier (prey species err upward).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = group_tiers_schema))]
    pub group_tiers: Vec<(SpeciesGroup, Tier)>,
    /// Only asked for these groups; empty for every group.
    #[serde(default)]
    pub only_for: Vec<SpeciesGroup>,
    /// What to do now, before transport.
    pub before_transport: Vec<String>,
    /// What to do during transport.
    pub during_transport: Vec<String>,
    /// When to escalate (call ahead, go to a higher level of care).
    pub escalate_if: Vec<String>,
    /// Capability codes the case needs.
    pub capabilities: Vec<String>,
}

/// `group_tiers` as a list of `[group, tier]` pairs. utoipa describes a tuple
/// with `prefixItems` and `items: false`, which client generators refuse; a
/// two-item array whose items are either enum says the same JSON.
#[cfg(feature = "openapi")]
fn group_tiers_schema() -> utoipa::openapi::schema::Array {
    use utoipa::ToSchema;
    use utoipa::openapi::schema::{ArrayBuilder, OneOfBuilder, Ref};

    let pair = ArrayBuilder::new()
        .items(
            OneOfBuilder::new()
                .item(Ref::from_schema_name(SpeciesGroup::name()))
                .item(Ref::from_schema_name(Tier::name())),
        )
        .min_items(Some(2))
        .max_items(Some(2))
        .description(Some("A species group, then the tier the sign sets for it."));
    ArrayBuilder::new()
        .items(pair)
        .description(Some(
            "Species groups for which it sets another tier (prey species err upward), \
             as `[group, tier]` pairs.",
        ))
        .build()
}

impl Discriminator {
    /// Whether the protocol asks about this sign for `group`.
    pub fn applies_to(&self, group: SpeciesGroup) -> bool {
        self.only_for.is_empty() || self.only_for.contains(&group)
    }

    /// The tier this sign sets for `group`.
    pub fn tier_for(&self, group: SpeciesGroup) -> Tier {
        self.group_tiers
            .iter()
            .find(|(for_group, _)| *for_group == group)
            .map_or(self.tier, |(_, tier)| *tier)
    }
}

/// Advice that holds for a whole species group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupAdvice {
    /// The groups it holds for.
    pub groups: Vec<SpeciesGroup>,
    /// What to do.
    pub advice: Vec<String>,
}

/// An intervention withheld when some sign is present or cannot be ruled
/// out, or for some species groups: e.g. nothing by mouth for an animal
/// struggling to breathe (risk of aspiration).
///
/// Steps are named exactly as the signs' interventions word them; a site
/// whose variant rewords a step must word its own limits into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contraindication {
    /// Stable code, e.g. `oral_with_breathing_seizures_or_collapse`.
    pub code: String,
    /// The intervention in a few words, e.g. "food or water by mouth".
    pub intervention: String,
    /// The steps it withholds, word for word.
    pub steps: Vec<String>,
    /// Sign codes whose presence (or "not sure") withholds it.
    #[serde(default)]
    pub signs: Vec<String>,
    /// Species groups for which it is always withheld.
    #[serde(default)]
    pub groups: Vec<SpeciesGroup>,
    /// Why, e.g. "risk of aspiration".
    pub reason: String,
}

/// A triage protocol: versioned data owned by the network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Protocol {
    /// Increases with every published version.
    pub version: u32,
    /// The protocol's name.
    pub name: String,
    /// The five tiers.
    pub tiers: Vec<TierSpec>,
    /// The signs, in the order of danger they are asked in.
    pub discriminators: Vec<Discriminator>,
    /// Advice for every case of a group (e.g. no food or water for wildlife).
    pub group_advice: Vec<GroupAdvice>,
    /// Advice for every case.
    pub general_advice: Vec<String>,
    /// Interventions withheld when another sign is present.
    #[serde(default)]
    pub contraindications: Vec<Contraindication>,
}

/// An answer to one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// The sign is present.
    Yes,
    /// The sign is absent.
    No,
    /// Nobody can tell yet.
    Unknown,
}

/// Why answers could not be assessed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TriageError {
    /// An answer names a sign the protocol does not have.
    #[error("`{0}` is not a sign of this protocol")]
    UnknownSign(String),
    /// The protocol lacks a tier's specification.
    #[error("the protocol does not describe tier {0}")]
    MissingTier(u8),
}

/// A sign answered "not sure" that would make the case more urgent: the
/// case is treated as its tier until it is ruled out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CannotRuleOut {
    /// The sign's code.
    pub code: String,
    /// The sign's label.
    pub label: String,
    /// The tier it would set.
    pub tier: TierSpec,
}

impl CannotRuleOut {
    /// "Cannot rule out Respiratory distress: treat as tier 1 (Immediate)
    /// until ruled out".
    pub fn text(&self) -> String {
        format!(
            "Cannot rule out {}: treat as tier {} ({}) until ruled out",
            lowercase_label(&self.label),
            self.tier.tier.number(),
            self.tier.name
        )
    }
}

/// Steps of the result withheld by a [`Contraindication`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Withheld {
    /// The contraindication's code.
    pub code: String,
    /// The intervention, e.g. "food or water by mouth".
    pub intervention: String,
    /// The steps left out of the result.
    pub steps: Vec<String>,
    /// The signs present or not ruled out that withheld them (empty when the
    /// species group did).
    pub signs: Vec<String>,
    /// In words: "because of respiratory distress", "because of possible
    /// seizures", "for wildlife".
    pub because: String,
    /// Why, e.g. "risk of aspiration".
    pub reason: String,
}

impl Withheld {
    /// "Withheld: food or water by mouth — because of respiratory distress:
    /// risk of aspiration".
    pub fn text(&self) -> String {
        format!(
            "Withheld: {} — {}: {}",
            self.intervention, self.because, self.reason
        )
    }
}

/// A sign's label inside a sentence: "Respiratory distress" → "respiratory
/// distress"; an acronym ("GI stasis") keeps its capitals.
fn lowercase_label(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_owned(),
    }
}

/// The result of an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    /// The protocol version used.
    pub protocol_version: u32,
    /// The species group the rules were read for.
    pub group: SpeciesGroup,
    /// The tier: the most urgent of the signs present, or non-urgent when
    /// none is.
    pub tier: TierSpec,
    /// The sign that set the tier, if any.
    pub fired: Option<String>,
    /// Every sign present, most urgent first.
    pub present: Vec<String>,
    /// Signs not answered yet that could make the case more urgent, most
    /// dangerous first. The result is final only when this is empty.
    pub to_ask: Vec<String>,
    /// What to do before transport, most urgent sign first.
    pub before_transport: Vec<String>,
    /// What to do during transport.
    pub during_transport: Vec<String>,
    /// When to escalate.
    pub escalate_if: Vec<String>,
    /// Capability codes the case needs.
    pub capabilities: Vec<String>,
    /// Signs answered "not sure" that would set tier 1 or 2, more urgent
    /// than the tier: treat the case as the first one's tier until they are
    /// ruled out. Most urgent first.
    #[serde(default)]
    pub cannot_rule_out: Vec<CannotRuleOut>,
    /// Steps the protocol's contraindications left out of what to do, and
    /// why.
    #[serde(default)]
    pub withheld: Vec<Withheld>,
}

fn push_unique(list: &mut Vec<String>, items: &[String]) {
    for item in items {
        if !list.contains(item) {
            list.push(item.clone());
        }
    }
}

/// Assesses `answers` for an animal of `species` under `protocol`.
pub fn assess(
    protocol: &Protocol,
    species: &TermCode,
    answers: &BTreeMap<String, Answer>,
) -> Result<Assessment, TriageError> {
    if let Some(unknown) = answers
        .keys()
        .find(|code| !protocol.discriminators.iter().any(|d| &d.code == *code))
    {
        return Err(TriageError::UnknownSign(unknown.clone()));
    }
    let group = SpeciesGroup::of(species);
    let applicable: Vec<&Discriminator> = protocol
        .discriminators
        .iter()
        .filter(|d| d.applies_to(group))
        .collect();
    let mut present: Vec<&Discriminator> = applicable
        .iter()
        .copied()
        .filter(|d| answers.get(&d.code) == Some(&Answer::Yes))
        .collect();
    // Most urgent first; the protocol's order breaks ties.
    present.sort_by_key(|d| d.tier_for(group));
    let tier = present
        .first()
        .map_or(Tier::NonUrgent, |d| d.tier_for(group));
    let mut to_ask: Vec<&Discriminator> = applicable
        .iter()
        .copied()
        .filter(|d| !matches!(answers.get(&d.code), Some(Answer::Yes | Answer::No)))
        .filter(|d| d.tier_for(group) < tier)
        .collect();
    to_ask.sort_by_key(|d| d.tier_for(group));
    let spec_of = |tier: Tier| {
        protocol
            .tiers
            .iter()
            .find(|spec| spec.tier == tier)
            .cloned()
            .ok_or(TriageError::MissingTier(tier.number()))
    };
    let spec = spec_of(tier)?;
    // "Not sure" about a sign of tier 1 or 2 leaves the tier where the
    // present signs put it, but the case must be handled as the more urgent
    // tier until someone rules the sign out.
    let mut unsure: Vec<&Discriminator> = applicable
        .iter()
        .copied()
        .filter(|d| answers.get(&d.code) == Some(&Answer::Unknown))
        .collect();
    unsure.sort_by_key(|d| d.tier_for(group));
    let cannot_rule_out = unsure
        .iter()
        .filter(|d| d.tier_for(group) <= Tier::VeryUrgent && d.tier_for(group) < tier)
        .map(|d| {
            Ok(CannotRuleOut {
                code: d.code.clone(),
                label: d.label.clone(),
                tier: spec_of(d.tier_for(group))?,
            })
        })
        .collect::<Result<Vec<_>, TriageError>>()?;
    let mut before_transport = Vec::new();
    let mut during_transport = Vec::new();
    let mut escalate_if = Vec::new();
    let mut capabilities = Vec::new();
    for sign in &present {
        push_unique(&mut before_transport, &sign.before_transport);
        push_unique(&mut during_transport, &sign.during_transport);
        push_unique(&mut escalate_if, &sign.escalate_if);
        push_unique(&mut capabilities, &sign.capabilities);
    }
    for advice in &protocol.group_advice {
        if advice.groups.contains(&group) {
            push_unique(&mut before_transport, &advice.advice);
        }
    }
    push_unique(&mut during_transport, &protocol.general_advice);
    let withheld = contraindicated(
        protocol,
        group,
        &present,
        &unsure,
        &before_transport,
        &during_transport,
    );
    for withheld in &withheld {
        before_transport.retain(|step| !withheld.steps.contains(step));
        during_transport.retain(|step| !withheld.steps.contains(step));
    }
    Ok(Assessment {
        protocol_version: protocol.version,
        group,
        tier: spec,
        fired: present.first().map(|d| d.code.clone()),
        present: present.iter().map(|d| d.code.clone()).collect(),
        to_ask: to_ask.iter().map(|d| d.code.clone()).collect(),
        before_transport,
        during_transport,
        escalate_if,
        capabilities,
        cannot_rule_out,
        withheld,
    })
}

/// The protocol's contraindications that apply to this case, each with the
/// steps of the result it withholds. Each is checked against the full
/// lists, so a step withheld for two reasons shows both.
fn contraindicated(
    protocol: &Protocol,
    group: SpeciesGroup,
    present: &[&Discriminator],
    unsure: &[&Discriminator],
    before_transport: &[String],
    during_transport: &[String],
) -> Vec<Withheld> {
    let mut withheld = Vec::new();
    for rule in &protocol.contraindications {
        let steps: Vec<String> = before_transport
            .iter()
            .chain(during_transport)
            .filter(|step| rule.steps.contains(step))
            .cloned()
            .collect();
        if steps.is_empty() {
            continue;
        }
        // An unsure sign counts as present: the case is treated as if it were.
        let mut signs = Vec::new();
        let mut words = Vec::new();
        for sign in present {
            if rule.signs.contains(&sign.code) {
                signs.push(sign.code.clone());
                words.push(lowercase_label(&sign.label));
            }
        }
        for sign in unsure {
            if rule.signs.contains(&sign.code) {
                signs.push(sign.code.clone());
                words.push(format!("possible {}", lowercase_label(&sign.label)));
            }
        }
        let because = if !words.is_empty() {
            format!("because of {}", words.join(" and "))
        } else if rule.groups.contains(&group) {
            if group.is_wildlife() {
                "for wildlife".to_owned()
            } else {
                "for this species".to_owned()
            }
        } else {
            continue;
        };
        withheld.push(Withheld {
            code: rule.code.clone(),
            intervention: rule.intervention.clone(),
            steps,
            signs,
            because,
            reason: rule.reason.clone(),
        });
    }
    withheld
}

/// What changed from `old` to `new`, one readable line per change: tiers,
/// signs added or removed, and every field of a sign that changed.
pub fn protocol_changes(old: &Protocol, new: &Protocol) -> Vec<String> {
    let mut changes = Vec::new();
    if old.name != new.name {
        changes.push(format!("Renamed from “{}” to “{}”", old.name, new.name));
    }
    for spec in &new.tiers {
        if let Some(before) = old.tiers.iter().find(|t| t.tier == spec.tier)
            && before != spec
        {
            changes.push(format!(
                "Tier {}: {} {} {} min → {} {} {} min",
                spec.tier.number(),
                before.name,
                before.colour,
                before.target_minutes,
                spec.name,
                spec.colour,
                spec.target_minutes
            ));
        }
    }
    for sign in &new.discriminators {
        let Some(before) = old.discriminators.iter().find(|d| d.code == sign.code) else {
            changes.push(format!(
                "Added sign {} (tier {})",
                sign.code,
                sign.tier.number()
            ));
            continue;
        };
        let mut field = |name: &str, was: String, now: String| {
            if was != now {
                changes.push(format!("{} {name}: {was} → {now}", sign.code));
            }
        };
        field("label", before.label.clone(), sign.label.clone());
        field(
            "tier",
            before.tier.number().to_string(),
            sign.tier.number().to_string(),
        );
        field(
            "species tiers",
            format!("{:?}", before.group_tiers),
            format!("{:?}", sign.group_tiers),
        );
        field(
            "asked for",
            format!("{:?}", before.only_for),
            format!("{:?}", sign.only_for),
        );
        field(
            "staff question",
            before.staff_question.clone(),
            sign.staff_question.clone(),
        );
        field(
            "owner question",
            before.owner_question.clone(),
            sign.owner_question.clone(),
        );
        field(
            "before transport",
            before.before_transport.join("; "),
            sign.before_transport.join("; "),
        );
        field(
            "during transport",
            before.during_transport.join("; "),
            sign.during_transport.join("; "),
        );
        field(
            "escalate if",
            before.escalate_if.join("; "),
            sign.escalate_if.join("; "),
        );
        field(
            "capabilities",
            before.capabilities.join(", "),
            sign.capabilities.join(", "),
        );
    }
    for sign in &old.discriminators {
        if !new.discriminators.iter().any(|d| d.code == sign.code) {
            changes.push(format!("Removed sign {}", sign.code));
        }
    }
    if old.group_advice != new.group_advice {
        changes.push("Species group advice changed".to_owned());
    }
    if old.general_advice != new.general_advice {
        changes.push(format!(
            "General advice: {} → {}",
            old.general_advice.join("; "),
            new.general_advice.join("; ")
        ));
    }
    for rule in &new.contraindications {
        match old.contraindications.iter().find(|d| d.code == rule.code) {
            None => changes.push(format!(
                "Added contraindication {}: {}",
                rule.code,
                contraindication_text(rule)
            )),
            Some(before) if before != rule => changes.push(format!(
                "Contraindication {}: {} → {}",
                rule.code,
                contraindication_text(before),
                contraindication_text(rule)
            )),
            Some(_) => {}
        }
    }
    for rule in &old.contraindications {
        if !new.contraindications.iter().any(|d| d.code == rule.code) {
            changes.push(format!("Removed contraindication {}", rule.code));
        }
    }
    changes
}

/// A contraindication in one line, for the list of changes: "food or water
/// by mouth (Offer hay…) withheld with respiratory_distress, seizures —
/// risk of aspiration".
fn contraindication_text(rule: &Contraindication) -> String {
    let mut when = Vec::new();
    if !rule.signs.is_empty() {
        when.push(format!("with {}", rule.signs.join(", ")));
    }
    if !rule.groups.is_empty() {
        when.push(format!("for {:?}", rule.groups));
    }
    format!(
        "{} ({}) withheld {} — {}",
        rule.intervention,
        rule.steps.join("; "),
        when.join(" and "),
        rule.reason
    )
}

/// A site's own interventions for some signs, adapted to its kit. The
/// tiers, signs and questions stay the network's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// Per sign, the interventions that replace the network's.
    pub signs: Vec<VariantSign>,
}

/// A site's interventions for one sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VariantSign {
    /// The sign's code.
    pub code: String,
    /// Replaces what to do before transport, when given.
    #[serde(default)]
    pub before_transport: Option<Vec<String>>,
    /// Replaces what to do during transport, when given.
    #[serde(default)]
    pub during_transport: Option<Vec<String>>,
}

/// The protocol as a site runs it: the network's, with the site's
/// interventions; a sign the protocol no longer has is ignored.
pub fn with_variant(protocol: &Protocol, variant: &Variant) -> Protocol {
    let mut adapted = protocol.clone();
    for change in &variant.signs {
        if let Some(sign) = adapted
            .discriminators
            .iter_mut()
            .find(|sign| sign.code == change.code)
        {
            if let Some(steps) = &change.before_transport {
                sign.before_transport = steps.clone();
            }
            if let Some(steps) = &change.during_transport {
                sign.during_transport = steps.clone();
            }
        }
    }
    adapted
}

/// Checks a variant against the protocol it adapts: known signs, each once,
/// and short, non-empty steps.
pub fn check_variant(protocol: &Protocol, variant: &Variant) -> Result<(), (String, String)> {
    let mut seen: Vec<&str> = Vec::new();
    for (index, change) in variant.signs.iter().enumerate() {
        let field = format!("signs[{index}]");
        if !protocol
            .discriminators
            .iter()
            .any(|sign| sign.code == change.code)
        {
            return Err((
                format!("{field}.code"),
                format!("`{}` is not a sign of the protocol", change.code),
            ));
        }
        if seen.contains(&change.code.as_str()) {
            return Err((format!("{field}.code"), "appears twice".into()));
        }
        seen.push(&change.code);
        for steps in [&change.before_transport, &change.during_transport]
            .into_iter()
            .flatten()
        {
            if steps.len() > 20
                || steps
                    .iter()
                    .any(|step| step.trim().is_empty() || step.chars().count() > 300)
            {
                return Err((
                    field.clone(),
                    "steps must be 1–300 characters, at most 20".into(),
                ));
            }
        }
    }
    Ok(())
}

/// Why a protocol cannot be published.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// A tier is missing or described twice.
    #[error("the protocol must describe each of the five tiers once")]
    Tiers,
    /// Two signs share a code.
    #[error("the sign `{0}` appears twice")]
    DuplicateSign(String),
    /// A sign has no code or no question.
    #[error("the sign `{0}` needs a code, a label and both questions")]
    IncompleteSign(String),
    /// Two contraindications share a code.
    #[error("the contraindication `{0}` appears twice")]
    DuplicateContraindication(String),
    /// A contraindication lacks a part.
    #[error(
        "the contraindication `{0}` needs a code, an intervention, steps, a reason and signs or species groups"
    )]
    IncompleteContraindication(String),
    /// A contraindication names a sign the protocol does not have.
    #[error("the contraindication `{0}` names `{1}`, which is not a sign of the protocol")]
    ContraindicationSign(String, String),
}

/// Checks a protocol before it is published.
pub fn check_protocol(protocol: &Protocol) -> Result<(), ProtocolError> {
    let mut tiers: Vec<Tier> = protocol.tiers.iter().map(|spec| spec.tier).collect();
    tiers.sort();
    if tiers != Tier::ALL {
        return Err(ProtocolError::Tiers);
    }
    let mut seen: Vec<&str> = Vec::new();
    for sign in &protocol.discriminators {
        if sign.code.trim().is_empty()
            || sign.label.trim().is_empty()
            || sign.staff_question.trim().is_empty()
            || sign.owner_question.trim().is_empty()
        {
            return Err(ProtocolError::IncompleteSign(sign.code.clone()));
        }
        if seen.contains(&sign.code.as_str()) {
            return Err(ProtocolError::DuplicateSign(sign.code.clone()));
        }
        seen.push(&sign.code);
    }
    let mut seen: Vec<&str> = Vec::new();
    for rule in &protocol.contraindications {
        if rule.code.trim().is_empty()
            || rule.intervention.trim().is_empty()
            || rule.reason.trim().is_empty()
            || rule.steps.is_empty()
            || rule.steps.iter().any(|step| step.trim().is_empty())
            || (rule.signs.is_empty() && rule.groups.is_empty())
        {
            return Err(ProtocolError::IncompleteContraindication(rule.code.clone()));
        }
        if seen.contains(&rule.code.as_str()) {
            return Err(ProtocolError::DuplicateContraindication(rule.code.clone()));
        }
        seen.push(&rule.code);
        if let Some(sign) = rule
            .signs
            .iter()
            .find(|sign| !protocol.discriminators.iter().any(|d| &d.code == *sign))
        {
            return Err(ProtocolError::ContraindicationSign(
                rule.code.clone(),
                sign.clone(),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;

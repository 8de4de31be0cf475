//! Triage: a tiered emergency assessment for small mammals and wildlife.
//!
//! A [`Protocol`] is data owned by the network and versioned: five tiers with
//! colours and target times, and discriminators (signs) that set a tier per
//! species group, each with what to do before and during transport, when to
//! escalate and which capabilities the case needs. [`assess`] is a pure
//! function from answers to a result, so the server and the browser run the
//! very same triage. The highest tier wins; a sign that could raise the tier
//! and has not been answered is asked, never assumed.

mod protocol;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::directory::taxonomy::TermCode;

pub use protocol::default_protocol;

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
    let spec = protocol
        .tiers
        .iter()
        .find(|spec| spec.tier == tier)
        .cloned()
        .ok_or(TriageError::MissingTier(tier.number()))?;
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
    })
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
    changes
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
    Ok(())
}

#[cfg(test)]
mod tests;

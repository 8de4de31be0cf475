//! The protocol a new network starts with (its signs, the tier each sets per
//! species group, and what to do before and during transport), and the
//! revisions Warren publishes into networks that started with an older one.
//!
//! Signs are listed in the order of danger they are asked in. Prey species
//! hide illness, so for guinea pigs, chinchillas, degus and rabbits
//! ("herbivores") gut stasis signs err upward.
//!
//! [`first_version`] is the protocol as Warren first shipped it. Each entry
//! of [`REVISIONS`] changes a network's current protocol — never undoing what
//! its coordinators changed themselves — and the store publishes each one
//! once, as a new version with its list of changes, so a network's history
//! stays true. A new network starts with [`default_protocol`]: the first
//! version with every revision applied.

use super::{Contraindication, Discriminator, GroupAdvice, Protocol, SpeciesGroup, Tier, TierSpec};

use SpeciesGroup::*;
use Tier::*;

fn texts(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

struct Sign(Discriminator);

fn sign(code: &str, label: &str, staff: &str, owner: &str, tier: Tier) -> Sign {
    Sign(Discriminator {
        code: code.into(),
        label: label.into(),
        staff_question: staff.into(),
        owner_question: owner.into(),
        tier,
        group_tiers: Vec::new(),
        only_for: Vec::new(),
        before_transport: Vec::new(),
        during_transport: Vec::new(),
        escalate_if: Vec::new(),
        capabilities: Vec::new(),
    })
}

impl Sign {
    fn for_groups(mut self, groups: &[SpeciesGroup], tier: Tier) -> Self {
        self.0
            .group_tiers
            .extend(groups.iter().map(|group| (*group, tier)));
        self
    }

    fn only(mut self, groups: &[SpeciesGroup]) -> Self {
        self.0.only_for = groups.to_vec();
        self
    }

    fn before(mut self, steps: &[&str]) -> Self {
        self.0.before_transport = texts(steps);
        self
    }

    fn during(mut self, steps: &[&str]) -> Self {
        self.0.during_transport = texts(steps);
        self
    }

    fn escalate(mut self, when: &[&str]) -> Self {
        self.0.escalate_if = texts(when);
        self
    }

    fn needs(mut self, capabilities: &[&str]) -> Self {
        self.0.capabilities = texts(capabilities);
        self
    }
}

const WARM_DARK_QUIET: &str =
    "Keep the animal warm, in the dark and quiet, in a ventilated carrier";

/// The protocol a new network starts with (version 1): the first version
/// with every revision applied.
pub fn default_protocol() -> Protocol {
    let mut protocol = REVISIONS
        .iter()
        .fold(first_version(), |protocol, revision| {
            (revision.apply)(&protocol)
        });
    protocol.version = 1;
    protocol
}

/// A change Warren publishes once into every network's protocol.
pub struct Revision {
    /// Stable name; the store remembers which revisions it published.
    pub code: &'static str,
    /// The network's current protocol, revised.
    pub apply: fn(&Protocol) -> Protocol,
}

/// Every revision, oldest first.
pub const REVISIONS: &[Revision] = &[Revision {
    code: "2026-12-contraindications",
    apply: with_contraindications,
}];

/// The protocol as Warren first shipped it (version 1 of the networks that
/// started before the revisions).
pub fn first_version() -> Protocol {
    let tiers = [
        (Immediate, "Immediate", "red", 0),
        (VeryUrgent, "Very urgent", "orange", 15),
        (Urgent, "Urgent", "yellow", 60),
        (Standard, "Standard", "green", 120),
        (NonUrgent, "Non-urgent", "blue", 240),
    ]
    .into_iter()
    .map(|(tier, name, colour, target_minutes)| TierSpec {
        tier,
        name: name.into(),
        colour: colour.into(),
        target_minutes,
    })
    .collect();
    let signs = vec![
        sign(
            "respiratory_distress",
            "Respiratory distress",
            "Open-mouth breathing, gasping, blue gums or laboured breathing?",
            "Is it breathing with its mouth open, gasping or struggling to breathe?",
            Immediate,
        )
        .before(&[
            "Give oxygen if you have it (flow-by or an oxygen cage)",
            "Do not restrain: handle as little as possible",
        ])
        .during(&[
            "Keep oxygen going during transport if possible",
            "Keep the carrier upright and well ventilated",
        ])
        .escalate(&["Breathing slows, stops or gums turn blue: call ahead, resuscitation needed"])
        .needs(&["oxygen_cage"]),
        sign(
            "collapse_shock",
            "Collapse or shock",
            "Collapsed, unresponsive, pale gums, cold extremities?",
            "Is it collapsed, not responding, or cold to the touch?",
            Immediate,
        )
        .before(&[
            "Warm gently (heat pad on low under half the carrier)",
            "Nothing by mouth",
        ])
        .during(&["Keep warm, monitor breathing"])
        .escalate(&["No breathing or heartbeat: call ahead"])
        .needs(&["intensive_care", "fluid_therapy"]),
        sign(
            "severe_trauma",
            "Severe trauma",
            "Hit by car, dog or cat attack, fall from height, crush injury?",
            "Has it been hit, attacked by a dog or cat, dropped or crushed?",
            Immediate,
        )
        .before(&[
            "Confine in a small box to limit movement",
            "Cover open wounds with clean damp gauze",
        ])
        .during(&["Keep flat and still"])
        .escalate(&["Any cat bite: antibiotics needed within hours"])
        .needs(&["radiography", "exotic_anaesthesia"]),
        sign(
            "uncontrolled_bleeding",
            "Uncontrolled bleeding",
            "Bleeding that does not stop with 2 minutes of pressure?",
            "Is it bleeding and the bleeding does not stop when you press on it?",
            Immediate,
        )
        .before(&["Apply firm pressure with clean gauze; do not remove soaked gauze, add more"])
        .during(&["Keep pressure on the wound"])
        .escalate(&["Bleeding soaks through dressings: call ahead"])
        .needs(&["exotic_surgery", "fluid_therapy"]),
        sign(
            "seizures",
            "Seizures",
            "Seizing now, or more than one seizure in 24 hours?",
            "Is it fitting or twitching uncontrollably, now or more than once today?",
            Immediate,
        )
        .before(&["Dim the lights, remove objects it could hit, do not restrain"])
        .during(&["Padded carrier, dark and quiet"])
        .escalate(&["Seizure longer than 5 minutes: call ahead"])
        .needs(&["intensive_care"]),
        sign(
            "severe_pain",
            "Severe pain",
            "Hunched, teeth grinding, reluctant to move, screaming when handled?",
            "Is it hunched, grinding its teeth or crying out when touched?",
            VeryUrgent,
        )
        .before(&["Handle minimally"])
        .needs(&["exotic_anaesthesia"]),
        sign(
            "bloat",
            "Bloat",
            "Abdomen distended, tight or drum-like?",
            "Is its belly swollen and tight like a drum?",
            VeryUrgent,
        )
        .before(&["No food or water", "Do not syringe-feed a bloated animal"])
        .escalate(&["Breathing becomes laboured: tier 1"])
        .needs(&["radiography", "fluid_therapy"]),
        sign(
            "toxin_exposure",
            "Toxin exposure",
            "Known or suspected poison (rodenticide, toxic plant, chemicals)?",
            "Could it have eaten or touched poison, chemicals or a toxic plant?",
            VeryUrgent,
        )
        .before(&[
            "Bring the packaging or a sample of the plant",
            "Do not make it vomit",
        ])
        .escalate(&["Bleeding, seizures or collapse: tier 1"])
        .needs(&["blood_analysis", "fluid_therapy"]),
        sign(
            "heat_or_cold",
            "Heat stroke or hypothermia",
            "Panting or drooling after heat exposure, or cold and torpid?",
            "Has it been too hot (panting, drooling) or is it very cold and sluggish?",
            VeryUrgent,
        )
        .before(&[
            "Heat: move somewhere cool, dampen the ears and feet with cool (not cold) water",
            "Cold: warm slowly in a towel",
        ])
        .escalate(&["Collapse: tier 1"])
        .needs(&["intensive_care"]),
        sign(
            "unable_to_urinate",
            "Unable to urinate",
            "Straining without passing urine, or blood in the urine?",
            "Is it straining to pee without anything coming out?",
            VeryUrgent,
        )
        .needs(&["ultrasound", "blood_analysis"]),
        sign(
            "gut_stasis",
            "Not eating or no droppings > 12 h",
            "Not eating, or no droppings, for more than 12 hours?",
            "Has it stopped eating, or made no droppings, for more than 12 hours?",
            Standard,
        )
        .for_groups(&[Herbivore], Urgent)
        .before(&[
            "Syringe-feed a recovery food only if it can swallow and is not bloated",
            "Offer hay and fresh greens",
        ])
        .escalate(&["Bloated, cold or collapsed: more urgent"])
        .needs(&["radiography", "fluid_therapy"]),
        sign(
            "not_drinking",
            "Not drinking",
            "Not drinking for more than 12 hours or visibly dehydrated?",
            "Has it stopped drinking?",
            Urgent,
        )
        .needs(&["fluid_therapy"]),
        sign(
            "dystocia",
            "Difficult birth",
            "Straining for more than 30 minutes without a baby, or discharge without birth?",
            "Is it trying to give birth and nothing is coming?",
            Urgent,
        )
        .only(&[Rodent, Herbivore, SmallMammal])
        .escalate(&["Collapse or heavy bleeding: tier 1"])
        .needs(&["ultrasound", "exotic_surgery"]),
        sign(
            "fracture",
            "Fracture",
            "Limb at an odd angle, not bearing weight, or a wing drooping?",
            "Is a leg or wing at an odd angle or not used?",
            Urgent,
        )
        .before(&["Confine in a small box lined with a towel; no splint"])
        .needs(&["radiography", "exotic_anaesthesia"]),
        sign(
            "head_tilt",
            "Head tilt",
            "Head tilt, rolling or circling?",
            "Is its head tilted, or does it roll or walk in circles?",
            Urgent,
        )
        .before(&["Pad the carrier with towels so it cannot roll and injure itself"]),
        sign(
            "wet_tail",
            "Wet tail",
            "Wet, soiled tail area with diarrhoea (hamster)?",
            "Is its bottom wet and dirty with diarrhoea?",
            Urgent,
        )
        .only(&[Rodent])
        .before(&["Keep warm, offer water; isolate from other hamsters"])
        .needs(&["fluid_therapy", "isolation_ward"]),
        sign(
            "wounds",
            "Wounds",
            "Wounds that are not bleeding heavily?",
            "Does it have a cut or wound that is not bleeding much?",
            Standard,
        )
        .before(&["Keep the wound clean; cover lightly"]),
        sign(
            "abscess",
            "Abscess",
            "Swelling with pus, or a lump that appeared quickly?",
            "Is there a lump or swelling that appeared quickly?",
            Standard,
        ),
        sign(
            "chronic_stable",
            "Chronic disease, stable",
            "Known chronic condition, stable today?",
            "Is this a long-standing problem that has not got worse today?",
            Standard,
        ),
        sign(
            "advice_recheck",
            "Advice or recheck",
            "Advice, recheck or routine question only?",
            "Do you just need advice or a check-up?",
            NonUrgent,
        ),
    ];
    Protocol {
        version: 1,
        name: "Warren small mammal and wildlife triage".into(),
        tiers,
        discriminators: signs.into_iter().map(|sign| sign.0).collect(),
        group_advice: vec![
            GroupAdvice {
                groups: vec![Bird, Raptor, WildSmallMammal, WildCarnivore, Wildlife],
                advice: texts(&[
                    "No food or water for wildlife",
                    "Wear gloves; wild animals bite and scratch",
                ]),
            },
            GroupAdvice {
                groups: vec![Raptor],
                advice: texts(&["Cover the head with a towel; keep clear of the talons"]),
            },
        ],
        general_advice: texts(&[WARM_DARK_QUIET]),
        contraindications: Vec::new(),
    }
}

const SYRINGE_FEED: &str = "Syringe-feed a recovery food only if it can swallow and is not bloated";
const HAY_AND_GREENS: &str = "Offer hay and fresh greens";
const OFFER_WATER: &str = "Offer water";
const HEAT_PAD: &str = "Warm gently (heat pad on low under half the carrier)";
const KEEP_WARM: &str = "Keep warm";
const KEEP_ANIMAL_WARM: &str = "Keep the animal warm";

/// Replaces `step` with `parts` wherever it is worded exactly as Warren
/// first shipped it; a step a network reworded is left alone.
fn split_step(steps: &mut Vec<String>, step: &str, parts: &[&str]) {
    if let Some(at) = steps.iter().position(|existing| existing == step) {
        steps.splice(at..=at, texts(parts));
    }
}

/// The December 2026 revision: steps that contradict another sign are
/// withheld (contraindications), the steps that mixed warming with other
/// care are split so warming alone can be withheld, and respiratory
/// distress names its common presentation, fast or laboured breathing.
///
/// The contraindications, from a review of every sign × species group:
///
/// - **food or water by mouth** (syringe feeding, hay and greens, water)
///   with respiratory distress, seizures or collapse: risk of aspiration.
/// - the same with bloat: the gut may be blocked or twisted.
/// - the same for wildlife, which the protocol already keeps off food and
///   water: gut stasis told a hedgehog's finder to syringe-feed it.
/// - **syringe feeding** with a fracture or severe trauma: the restraint it
///   needs can worsen a fracture or a spinal injury.
/// - **warming** (heat pad, "keep warm") with heat stroke or hypothermia:
///   the sign cannot tell an overheated animal from a cold one, so only its
///   own heat and cold steps apply.
pub fn with_contraindications(protocol: &Protocol) -> Protocol {
    let mut revised = protocol.clone();
    for sign in &mut revised.discriminators {
        split_step(
            &mut sign.during_transport,
            "Keep warm, monitor breathing",
            &[KEEP_WARM, "Monitor breathing"],
        );
        split_step(
            &mut sign.before_transport,
            "Keep warm, offer water; isolate from other hamsters",
            &[KEEP_WARM, OFFER_WATER, "Isolate from other hamsters"],
        );
        if sign.code == "respiratory_distress"
            && sign.staff_question
                == "Open-mouth breathing, gasping, blue gums or laboured breathing?"
        {
            sign.staff_question =
                "Breathing fast or laboured, open-mouth breathing, gasping or blue gums?".into();
        }
    }
    split_step(
        &mut revised.general_advice,
        WARM_DARK_QUIET,
        &[
            "Keep the animal in the dark and quiet, in a ventilated carrier",
            KEEP_ANIMAL_WARM,
        ],
    );
    let oral = [SYRINGE_FEED, HAY_AND_GREENS, OFFER_WATER];
    let rules = [
        (
            "oral_with_breathing_seizures_or_collapse",
            "food or water by mouth",
            &oral[..],
            &["respiratory_distress", "seizures", "collapse_shock"][..],
            &[][..],
            "risk of aspiration: an animal struggling to breathe, fitting or collapsed cannot swallow safely",
        ),
        (
            "oral_with_bloat",
            "food or water by mouth",
            &oral[..],
            &["bloat"][..],
            &[][..],
            "the gut may be blocked or twisted, and food or water make it worse",
        ),
        (
            "oral_for_wildlife",
            "food or water by mouth",
            &oral[..],
            &[][..],
            &[Bird, Raptor, WildSmallMammal, WildCarnivore, Wildlife][..],
            "wild animals get no food or water until a rehabilitator has assessed them",
        ),
        (
            "restraint_with_fracture_or_trauma",
            "syringe feeding",
            &[SYRINGE_FEED][..],
            &["fracture", "severe_trauma"][..],
            &[][..],
            "the restraint it needs can worsen a fracture or a spinal injury",
        ),
        (
            "warming_with_heat_or_cold",
            "warming",
            &[HEAT_PAD, KEEP_WARM, KEEP_ANIMAL_WARM][..],
            &["heat_or_cold"][..],
            &[][..],
            "it may be overheated: cool or warm it only as the heat or cold steps say",
        ),
    ];
    for (code, intervention, steps, signs, groups, reason) in rules {
        if revised
            .contraindications
            .iter()
            .any(|rule| rule.code == code)
        {
            continue;
        }
        // Only signs the network still has; a rule left with nothing to
        // watch for is not added.
        let signs: Vec<String> = signs
            .iter()
            .filter(|sign| revised.discriminators.iter().any(|d| d.code == **sign))
            .map(|sign| (*sign).to_owned())
            .collect();
        if signs.is_empty() && groups.is_empty() {
            continue;
        }
        revised.contraindications.push(Contraindication {
            code: code.into(),
            intervention: intervention.into(),
            steps: texts(steps),
            signs,
            groups: groups.to_vec(),
            reason: reason.into(),
        });
    }
    revised
}

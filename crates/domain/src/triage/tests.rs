use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;

fn species(code: &str) -> TermCode {
    TermCode::parse(code).unwrap()
}

fn answers(pairs: &[(&str, Answer)]) -> BTreeMap<String, Answer> {
    pairs
        .iter()
        .map(|(code, answer)| ((*code).to_owned(), *answer))
        .collect()
}

#[test]
fn a_guinea_pig_not_eating_and_breathing_fast_is_immediate_via_respiratory_distress() {
    let protocol = default_protocol();
    let result = assess(
        &protocol,
        &species("small_mammal/guinea_pig"),
        &answers(&[
            ("gut_stasis", Answer::Yes),
            ("respiratory_distress", Answer::Yes),
        ]),
    )
    .unwrap();
    assert_eq!(result.tier.tier, Tier::Immediate);
    assert_eq!(result.tier.colour, "red");
    assert_eq!(result.tier.target_minutes, 0);
    assert_eq!(result.fired.as_deref(), Some("respiratory_distress"));
    assert_eq!(result.present, ["respiratory_distress", "gut_stasis"]);
    assert!(
        result.to_ask.is_empty(),
        "nothing can be more urgent than tier 1"
    );
    assert!(result.before_transport[0].starts_with("Give oxygen"));
    assert!(
        result
            .during_transport
            .iter()
            .any(|step| step.contains("warm"))
    );
    assert!(result.capabilities.contains(&"oxygen_cage".to_owned()));
    assert_eq!(result.protocol_version, 1);
}

#[test]
fn every_sign_alone_sets_its_tier_for_every_group_it_applies_to() {
    let protocol = default_protocol();
    let table = [
        ("respiratory_distress", Tier::Immediate),
        ("collapse_shock", Tier::Immediate),
        ("severe_trauma", Tier::Immediate),
        ("uncontrolled_bleeding", Tier::Immediate),
        ("seizures", Tier::Immediate),
        ("severe_pain", Tier::VeryUrgent),
        ("bloat", Tier::VeryUrgent),
        ("toxin_exposure", Tier::VeryUrgent),
        ("heat_or_cold", Tier::VeryUrgent),
        ("unable_to_urinate", Tier::VeryUrgent),
        ("not_drinking", Tier::Urgent),
        ("fracture", Tier::Urgent),
        ("head_tilt", Tier::Urgent),
        ("wounds", Tier::Standard),
        ("abscess", Tier::Standard),
        ("chronic_stable", Tier::Standard),
        ("advice_recheck", Tier::NonUrgent),
    ];
    for code in [
        "small_mammal/rat",
        "small_mammal/hamster",
        "small_mammal/guinea_pig",
        "small_mammal/chinchilla",
        "small_mammal/degu",
        "wildlife/bird",
        "wildlife/raptor",
        "wildlife/hedgehog",
        "wildlife/carnivore",
    ] {
        for (sign, tier) in table {
            let result =
                assess(&protocol, &species(code), &answers(&[(sign, Answer::Yes)])).unwrap();
            assert_eq!(result.tier.tier, tier, "{sign} for {code}");
            assert_eq!(result.fired.as_deref(), Some(sign));
        }
    }
    assert_eq!(
        protocol.discriminators.len(),
        table.len() + 3,
        "the table covers every shared sign"
    );
}

#[test]
fn herbivores_not_eating_err_upward() {
    let protocol = default_protocol();
    let stasis = answers(&[("gut_stasis", Answer::Yes)]);
    for herbivore in [
        "small_mammal/guinea_pig",
        "small_mammal/chinchilla",
        "small_mammal/degu",
        "small_mammal/rabbit",
    ] {
        let result = assess(&protocol, &species(herbivore), &stasis).unwrap();
        assert_eq!(result.tier.tier, Tier::Urgent, "{herbivore}");
    }
    let rat = assess(&protocol, &species("small_mammal/rat"), &stasis).unwrap();
    assert_eq!(rat.tier.tier, Tier::Standard);
}

#[test]
fn species_specific_signs_are_asked_only_for_their_species() {
    let protocol = default_protocol();
    let hamster = assess(
        &protocol,
        &species("small_mammal/hamster"),
        &answers(&[("wet_tail", Answer::Yes)]),
    )
    .unwrap();
    assert_eq!(hamster.tier.tier, Tier::Urgent);
    let hedgehog = assess(
        &protocol,
        &species("wildlife/hedgehog"),
        &answers(&[("wet_tail", Answer::Yes)]),
    )
    .unwrap();
    assert_eq!(
        hedgehog.tier.tier,
        Tier::NonUrgent,
        "wet tail means nothing for a hedgehog"
    );
    let bird = assess(
        &protocol,
        &species("wildlife/bird"),
        &answers(&[("dystocia", Answer::Yes)]),
    )
    .unwrap();
    assert_eq!(bird.fired, None);
    let guinea_pig = assess(
        &protocol,
        &species("small_mammal/guinea_pig"),
        &answers(&[("dystocia", Answer::Yes)]),
    )
    .unwrap();
    assert_eq!(guinea_pig.tier.tier, Tier::Urgent);
}

#[test]
fn unanswered_signs_that_could_raise_the_tier_are_asked_not_assumed() {
    let protocol = default_protocol();
    let wound = assess(
        &protocol,
        &species("small_mammal/rat"),
        &answers(&[("wounds", Answer::Yes)]),
    )
    .unwrap();
    assert_eq!(wound.tier.tier, Tier::Standard);
    assert_eq!(
        wound.to_ask.first().map(String::as_str),
        Some("respiratory_distress"),
        "most dangerous first"
    );
    assert!(wound.to_ask.contains(&"not_drinking".to_owned()));
    assert!(
        !wound.to_ask.contains(&"abscess".to_owned()),
        "a sign of the same tier cannot raise it"
    );
    let ruled_out = answers(&[
        ("wounds", Answer::Yes),
        ("respiratory_distress", Answer::No),
        ("seizures", Answer::Unknown),
    ]);
    let result = assess(&protocol, &species("small_mammal/rat"), &ruled_out).unwrap();
    assert!(!result.to_ask.contains(&"respiratory_distress".to_owned()));
    assert!(
        result.to_ask.contains(&"seizures".to_owned()),
        "unknown is asked again"
    );
    let nothing = assess(&protocol, &species("small_mammal/rat"), &BTreeMap::new()).unwrap();
    assert_eq!(nothing.tier.tier, Tier::NonUrgent);
    assert_eq!(nothing.fired, None);
    assert_eq!(
        nothing.to_ask.len(),
        protocol
            .discriminators
            .iter()
            .filter(|d| d.applies_to(SpeciesGroup::Rodent))
            .count()
            - 1
    );
}

#[test]
fn unknown_species_fall_back_to_their_group_and_unknown_signs_are_refused() {
    assert_eq!(
        SpeciesGroup::of(&species("small_mammal/jerboa")),
        SpeciesGroup::SmallMammal
    );
    assert_eq!(
        SpeciesGroup::of(&species("wildlife/otter")),
        SpeciesGroup::Wildlife
    );
    assert_eq!(
        SpeciesGroup::of(&species("wildlife")),
        SpeciesGroup::Wildlife
    );
    let protocol = default_protocol();
    let error = assess(
        &protocol,
        &species("small_mammal/rat"),
        &answers(&[("sneezing", Answer::Yes)]),
    )
    .unwrap_err();
    assert_eq!(error, TriageError::UnknownSign("sneezing".into()));
}

#[test]
fn wildlife_gets_no_food_or_water_and_raptors_a_covered_head() {
    let protocol = default_protocol();
    let raptor = assess(
        &protocol,
        &species("wildlife/raptor"),
        &answers(&[("fracture", Answer::Yes)]),
    )
    .unwrap();
    assert!(
        raptor
            .before_transport
            .contains(&"No food or water for wildlife".to_owned())
    );
    assert!(
        raptor
            .before_transport
            .iter()
            .any(|step| step.contains("talons"))
    );
    let rat = assess(
        &protocol,
        &species("small_mammal/rat"),
        &answers(&[("fracture", Answer::Yes)]),
    )
    .unwrap();
    assert!(
        !rat.before_transport
            .iter()
            .any(|step| step.contains("wildlife"))
    );
}

#[test]
fn the_protocol_round_trips_as_data() {
    let protocol = default_protocol();
    let json = serde_json::to_string(&protocol).unwrap();
    let back: Protocol = serde_json::from_str(&json).unwrap();
    assert_eq!(back, protocol);
}

proptest! {
    #[test]
    fn adding_a_sign_never_lowers_the_tier(
        signs in proptest::collection::btree_set(0usize..20, 0..6),
        extra in 0usize..20,
        code in proptest::sample::select(vec!["small_mammal/hamster", "small_mammal/guinea_pig", "wildlife/bird", "wildlife/carnivore", "small_mammal/jerboa"]),
    ) {
        let protocol = default_protocol();
        let code_of = |index: usize| protocol.discriminators[index % protocol.discriminators.len()].code.clone();
        let mut given: BTreeMap<String, Answer> = signs.iter().map(|&i| (code_of(i), Answer::Yes)).collect();
        let before = assess(&protocol, &species(code), &given).unwrap();
        given.insert(code_of(extra), Answer::Yes);
        let after = assess(&protocol, &species(code), &given).unwrap();
        prop_assert!(after.tier.tier <= before.tier.tier);
    }
}

#[test]
fn a_new_version_reads_as_a_list_of_changes() {
    let old = default_protocol();
    let mut new = old.clone();
    new.discriminators[0]
        .before_transport
        .push("Call ahead".into());
    new.discriminators.retain(|d| d.code != "abscess");
    new.tiers[1].target_minutes = 10;
    let changes = protocol_changes(&old, &new);
    assert!(
        changes
            .iter()
            .any(|c| c.starts_with("respiratory_distress before transport:")),
        "{changes:?}"
    );
    assert!(
        changes.contains(&"Removed sign abscess".to_owned()),
        "{changes:?}"
    );
    assert!(
        changes.iter().any(|c| c.starts_with("Tier 2:")),
        "{changes:?}"
    );
    assert!(protocol_changes(&old, &old).is_empty());
    assert!(check_protocol(&old).is_ok());
    let mut twice = old.clone();
    twice.discriminators.push(old.discriminators[0].clone());
    assert_eq!(
        check_protocol(&twice),
        Err(ProtocolError::DuplicateSign("respiratory_distress".into()))
    );
    let mut tierless = old;
    tierless.tiers.pop();
    assert_eq!(check_protocol(&tierless), Err(ProtocolError::Tiers));
}

#[test]
fn a_site_variant_changes_interventions_but_never_tiers() {
    let protocol = default_protocol();
    let variant = Variant {
        signs: vec![VariantSign {
            code: "respiratory_distress".into(),
            before_transport: Some(vec!["Use our portable concentrator at 2 L/min".into()]),
            during_transport: None,
        }],
    };
    assert!(check_variant(&protocol, &variant).is_ok());
    let adapted = with_variant(&protocol, &variant);
    let result = assess(
        &adapted,
        &species("small_mammal/guinea_pig"),
        &answers(&[("respiratory_distress", Answer::Yes)]),
    )
    .unwrap();
    assert_eq!(result.tier.tier, Tier::Immediate);
    assert_eq!(
        result.before_transport[0],
        "Use our portable concentrator at 2 L/min"
    );
    assert!(
        result
            .during_transport
            .iter()
            .any(|step| step.contains("oxygen")),
        "unchanged steps stay"
    );
    let unknown = Variant {
        signs: vec![VariantSign {
            code: "sneezing".into(),
            before_transport: None,
            during_transport: None,
        }],
    };
    assert_eq!(
        check_variant(&protocol, &unknown).unwrap_err().0,
        "signs[0].code"
    );
}

#[test]
fn a_guinea_pig_struggling_to_breathe_is_not_told_to_eat_and_is_told_why() {
    let protocol = default_protocol();
    let result = assess(
        &protocol,
        &species("small_mammal/guinea_pig"),
        &not_eating_and_breathing_fast(),
    )
    .unwrap();
    for oral in [
        "Syringe-feed a recovery food only if it can swallow and is not bloated",
        "Offer hay and fresh greens",
    ] {
        assert!(
            !result.before_transport.contains(&oral.to_owned()),
            "{oral} must be withheld: {:?}",
            result.before_transport
        );
    }
    assert!(
        result
            .before_transport
            .contains(&"Do not restrain: handle as little as possible".to_owned())
    );
    let [withheld] = result.withheld.as_slice() else {
        panic!("one contraindication applies: {:?}", result.withheld);
    };
    assert_eq!(withheld.code, "oral_with_breathing_seizures_or_collapse");
    assert_eq!(withheld.signs, ["respiratory_distress"]);
    assert_eq!(withheld.steps.len(), 2);
    assert!(
        withheld.text().starts_with(
            "Withheld: food or water by mouth — because of respiratory distress: risk of aspiration"
        ),
        "{}",
        withheld.text()
    );
    // Without the breathing problem the feeding advice stands.
    let stasis_only = assess(
        &protocol,
        &species("small_mammal/guinea_pig"),
        &answers(&[("gut_stasis", Answer::Yes)]),
    )
    .unwrap();
    assert!(stasis_only.withheld.is_empty());
    assert!(
        stasis_only
            .before_transport
            .contains(&"Offer hay and fresh greens".to_owned())
    );
}

fn not_eating_and_breathing_fast() -> BTreeMap<String, Answer> {
    answers(&[
        ("gut_stasis", Answer::Yes),
        ("respiratory_distress", Answer::Yes),
    ])
}

#[test]
fn every_contraindication_of_the_default_protocol_withholds_its_steps() {
    let protocol = default_protocol();
    // (species, signs, contraindication, a step it withholds, a step that stays)
    let cases: [(&str, &[&str], &str, &str, &str); 8] = [
        (
            "small_mammal/rabbit",
            &["gut_stasis", "seizures"],
            "oral_with_breathing_seizures_or_collapse",
            "Offer hay and fresh greens",
            "Dim the lights, remove objects it could hit, do not restrain",
        ),
        (
            "small_mammal/hamster",
            &["wet_tail", "collapse_shock"],
            "oral_with_breathing_seizures_or_collapse",
            "Offer water",
            "Isolate from other hamsters",
        ),
        (
            "small_mammal/chinchilla",
            &["gut_stasis", "bloat"],
            "oral_with_bloat",
            "Syringe-feed a recovery food only if it can swallow and is not bloated",
            "No food or water",
        ),
        (
            "wildlife/hedgehog",
            &["gut_stasis"],
            "oral_for_wildlife",
            "Offer hay and fresh greens",
            "No food or water for wildlife",
        ),
        (
            "small_mammal/degu",
            &["gut_stasis", "fracture"],
            "restraint_with_fracture_or_trauma",
            "Syringe-feed a recovery food only if it can swallow and is not bloated",
            "Offer hay and fresh greens",
        ),
        (
            "small_mammal/rat",
            &["gut_stasis", "severe_trauma"],
            "restraint_with_fracture_or_trauma",
            "Syringe-feed a recovery food only if it can swallow and is not bloated",
            "Keep flat and still",
        ),
        (
            "small_mammal/rat",
            &["collapse_shock", "heat_or_cold"],
            "warming_with_heat_or_cold",
            "Warm gently (heat pad on low under half the carrier)",
            "Cold: warm slowly in a towel",
        ),
        (
            "wildlife/bird",
            &["heat_or_cold"],
            "warming_with_heat_or_cold",
            "Keep the animal warm",
            "Keep the animal in the dark and quiet, in a ventilated carrier",
        ),
    ];
    for (code, signs, rule, withheld, stays) in cases {
        let given: BTreeMap<String, Answer> = signs
            .iter()
            .map(|sign| ((*sign).to_owned(), Answer::Yes))
            .collect();
        let result = assess(&protocol, &species(code), &given).unwrap();
        let steps: Vec<&String> = result
            .before_transport
            .iter()
            .chain(&result.during_transport)
            .collect();
        assert!(
            !steps.iter().any(|step| *step == withheld),
            "{code} {signs:?}: {withheld} shown"
        );
        assert!(
            steps.iter().any(|step| *step == stays),
            "{code} {signs:?}: {stays} missing from {steps:?}"
        );
        assert!(
            result
                .withheld
                .iter()
                .any(|w| w.code == rule && w.steps.iter().any(|step| step == withheld)),
            "{code} {signs:?}: {:?}",
            result.withheld
        );
    }
    assert_eq!(protocol.contraindications.len(), 5);
    assert!(check_protocol(&protocol).is_ok());
}

#[test]
fn a_sign_that_cannot_be_ruled_out_withholds_as_if_present_and_says_treat_as_its_tier() {
    let protocol = default_protocol();
    let result = assess(
        &protocol,
        &species("small_mammal/guinea_pig"),
        &answers(&[
            ("gut_stasis", Answer::Yes),
            ("respiratory_distress", Answer::Unknown),
            ("seizures", Answer::No),
            ("bloat", Answer::Unknown),
            ("fracture", Answer::Unknown),
        ]),
    )
    .unwrap();
    assert_eq!(result.tier.tier, Tier::Urgent, "the tier itself stays");
    let unsure: Vec<(&str, Tier)> = result
        .cannot_rule_out
        .iter()
        .map(|sign| (sign.code.as_str(), sign.tier.tier))
        .collect();
    assert_eq!(
        unsure,
        [
            ("respiratory_distress", Tier::Immediate),
            ("bloat", Tier::VeryUrgent)
        ],
        "tier 1–2 signs only, most urgent first; a not-sure fracture (tier 3) cannot raise tier 3"
    );
    assert_eq!(
        result.cannot_rule_out[0].text(),
        "Cannot rule out respiratory distress: treat as tier 1 (Immediate) until ruled out"
    );
    assert!(
        result
            .withheld
            .iter()
            .any(|w| w.because == "because of possible respiratory distress"),
        "{:?}",
        result.withheld
    );
    // Once the tier is already 1, a not-sure tier-1 sign adds nothing.
    let already = assess(
        &protocol,
        &species("small_mammal/guinea_pig"),
        &answers(&[
            ("collapse_shock", Answer::Yes),
            ("respiratory_distress", Answer::Unknown),
        ]),
    )
    .unwrap();
    assert!(already.cannot_rule_out.is_empty());
}

#[test]
fn the_contraindications_revision_is_a_new_version_of_an_existing_network_with_its_changes() {
    let first = first_version();
    assert!(first.contraindications.is_empty());
    let revised = with_contraindications(&first);
    assert_eq!(
        revised.contraindications,
        default_protocol().contraindications
    );
    let staff = &revised.discriminators[0].staff_question;
    assert!(staff.contains("Breathing fast or laboured"), "{staff}");
    let changes = protocol_changes(&first, &revised);
    for expected in [
        "Added contraindication oral_with_breathing_seizures_or_collapse:",
        "Added contraindication warming_with_heat_or_cold:",
        "respiratory_distress staff question:",
        "General advice:",
    ] {
        assert!(
            changes.iter().any(|change| change.starts_with(expected)),
            "{expected} in {changes:?}"
        );
    }
    // A network's own wording is kept, and a revision applied twice
    // changes nothing more.
    let mut own = first.clone();
    own.discriminators[0].staff_question = "Our own question?".into();
    assert_eq!(
        with_contraindications(&own).discriminators[0].staff_question,
        "Our own question?"
    );
    assert!(protocol_changes(&revised, &with_contraindications(&revised)).is_empty());
    // A contraindication must name signs the protocol has.
    let mut broken = revised;
    broken.contraindications[0].signs.push("sneezing".into());
    assert_eq!(
        check_protocol(&broken),
        Err(ProtocolError::ContraindicationSign(
            "oral_with_breathing_seizures_or_collapse".into(),
            "sneezing".into()
        ))
    );
}

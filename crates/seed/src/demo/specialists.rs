//! The demo network's specialists: a few clinicians who offer consults — an
//! exotic-vet dentist for rabbits and guinea pigs, an anaesthetist for very
//! small patients, an imaging specialist and a wildlife rehabilitation vet —
//! and one answered consult on a demo referral, written into its case thread
//! as a real one would be.

use chrono::Duration;
use warren_domain::specialists::{Availability, ClockTime, ConsultSlot, Weekday};
use warren_store::referrals::{self as referral_store, ReferralRow};
use warren_store::specialists::{self as store, ConsultRow, ProfileRow};
use warren_store::{DbConnection, StoreError, accounts, new_id, now};

/// One demo profile.
struct DemoSpecialist {
    email: &'static str,
    species: &'static [&'static str],
    disciplines: &'static [&'static str],
    summary: &'static str,
    /// (day, from, to)
    hours: &'static [(&'static str, &'static str, &'static str)],
    accepting: bool,
    rotation: Option<&'static str>,
}

const SPECIALISTS: &[DemoSpecialist] = &[
    DemoSpecialist {
        email: "vet@harbourside.demo",
        species: &[
            "small_mammal/chinchilla",
            "small_mammal/degu",
            "small_mammal/guinea_pig",
            "small_mammal/rabbit",
        ],
        disciplines: &["dentistry", "imaging_interpretation"],
        summary: "Exotic-animal dentistry: cheek-tooth malocclusion, tooth-root and jaw abscesses, dental radiographs and skull CT in rabbits, guinea pigs, chinchillas and degus.",
        hours: &[
            ("monday", "13:00", "16:00"),
            ("wednesday", "09:00", "12:00"),
            ("friday", "13:00", "16:00"),
        ],
        accepting: true,
        rotation: Some("Teaching at the university dental clinic on Thursdays."),
    },
    DemoSpecialist {
        email: "callum.fraser@avongorge.demo",
        species: &["small_mammal"],
        disciplines: &["anaesthesia"],
        summary: "Anaesthesia and analgesia for patients under 500 g: induction chambers, masks and supraglottic airways, capnography, warming and recovery plans.",
        hours: &[
            ("tuesday", "18:00", "22:00"),
            ("thursday", "18:00", "22:00"),
            ("saturday", "09:00", "13:00"),
        ],
        accepting: true,
        rotation: None,
    },
    DemoSpecialist {
        email: "tariq.rahman@brunelimaging.demo",
        species: &["small_mammal", "wildlife"],
        disciplines: &["imaging_interpretation"],
        summary: "Second opinions on radiographs, ultrasound and CT of small mammals and wildlife; send DICOM through the case thread.",
        hours: &[
            ("monday", "09:00", "17:00"),
            ("tuesday", "09:00", "17:00"),
            ("wednesday", "09:00", "17:00"),
        ],
        accepting: true,
        rotation: None,
    },
    DemoSpecialist {
        email: "ayesha.begum@stokeparkwildlife.demo",
        species: &["wildlife/hedgehog", "wildlife/bird", "wildlife/raptor"],
        disciplines: &["rehabilitation", "behaviour"],
        summary: "Wildlife rehabilitation: hedgehog weight and release criteria, soft release, imprinting and stress in birds, raptor flight conditioning.",
        hours: &[
            ("wednesday", "14:00", "17:00"),
            ("sunday", "10:00", "12:00"),
        ],
        accepting: false,
        rotation: Some("On the release-site survey until the end of the month."),
    },
];

fn json(value: &impl serde::Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|error| StoreError::Corrupt(error.to_string()))
}

/// Writes the demo profiles and one answered consult; returns how many
/// profiles were written.
pub fn load(connection: &mut DbConnection) -> Result<usize, StoreError> {
    let mut written = Vec::new();
    for demo in SPECIALISTS {
        let Some(user) = accounts::find_user_by_email(connection, demo.email)? else {
            continue;
        };
        let Some(organization) = store::consulting_organization(connection, &user.id)? else {
            continue;
        };
        let slots = demo
            .hours
            .iter()
            .map(|(day, from, to)| {
                let bad = || StoreError::Corrupt(format!("demo hours of {}", demo.email));
                Ok(ConsultSlot {
                    day: Weekday::parse(day).ok_or_else(bad)?,
                    from: ClockTime::parse(from).map_err(|_| bad())?,
                    to: ClockTime::parse(to).map_err(|_| bad())?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let availability =
            Availability::check(slots).map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let at = now() - Duration::days(20);
        let row = ProfileRow {
            user_id: user.id.clone(),
            organization_id: organization,
            species: json(&demo.species)?,
            disciplines: json(&demo.disciplines)?,
            summary: Some(demo.summary.to_owned()),
            availability: json(&availability)?,
            accepting_consults: demo.accepting,
            rotation_note: demo.rotation.map(str::to_owned),
            created_at: at,
            updated_at: at,
            version: 1,
        };
        store::put_profile(connection, &row, None)?;
        written.push((row, user.name));
    }
    if let Some((dentist, name)) = written.first() {
        answered_consult(connection, dentist, name)?;
    }
    Ok(written.len())
}

/// One answered consult from the dentist on an open guinea-pig or
/// chinchilla referral of two other organizations.
fn answered_consult(
    connection: &mut DbConnection,
    dentist: &ProfileRow,
    dentist_name: &str,
) -> Result<(), StoreError> {
    let candidates: Vec<ReferralRow> = store::referrals_without(
        connection,
        &["small_mammal/guinea_pig", "small_mammal/chinchilla"],
        &dentist.organization_id,
    )?;
    let Some(referral) = candidates
        .iter()
        .find(|row| row.status().is_ok_and(|status| status.is_open()))
        .or_else(|| candidates.first())
    else {
        return Ok(());
    };
    let organizations = store::organization_names(
        connection,
        &[
            dentist.organization_id.clone(),
            referral.referrer_org_id.clone(),
        ],
    )?;
    let dentist_org = organizations
        .get(&dentist.organization_id)
        .cloned()
        .unwrap_or_default();
    let requester = referral.created_by.clone();
    let question = "She has been dropping food and drooling for two days. Would you burr the cheek teeth straight away, or radiograph first? We can sedate here but have no dental X-ray.";
    let answer = "Radiograph first: lateral, both obliques and a rostrocaudal skull view under sedation, so you see the roots and any periapical abscess before burring. If you cannot image, send her to us on a Monday or Friday afternoon and we will do both in one anaesthetic. Meanwhile syringe-feed a critical-care herbivore formula and give meloxicam; weigh her daily.";
    let asked = now() - Duration::hours(5);
    let answered = now() - Duration::hours(3);
    let row = ConsultRow {
        id: new_id(),
        referral_id: referral.id.clone(),
        specialist_user_id: dentist.user_id.clone(),
        specialist_name: dentist_name.to_owned(),
        specialist_organization_id: dentist.organization_id.clone(),
        requester_organization_id: referral.referrer_org_id.clone(),
        requester_user_id: referral.created_by_user_id.clone(),
        requester_name: requester.clone(),
        question: question.to_owned(),
        status: "answered".to_owned(),
        answer: Some(answer.to_owned()),
        decline_reason: None,
        created_at: asked,
        closed_at: Some(answered),
        closed_by: Some(dentist_name.to_owned()),
        updated_at: answered,
        version: 2,
    };
    store::insert_consult(connection, &row)?;
    let heading = format!("Consult requested from {dentist_name} ({dentist_org})");
    referral_store::log(
        connection,
        &referral.id,
        asked,
        &requester,
        "consult_requested",
        None,
        None,
        Some(&format!("{heading}.")),
    )?;
    referral_store::post_message(
        connection,
        &referral.id,
        &referral.referrer_org_id,
        &requester,
        referral.created_by_user_id.as_deref(),
        &format!("{heading}: {question}"),
    )?;
    let heading = format!("Consult answered by {dentist_name}");
    referral_store::log(
        connection,
        &referral.id,
        answered,
        dentist_name,
        "consult_answered",
        None,
        None,
        Some(&format!("{heading}.")),
    )?;
    referral_store::post_message(
        connection,
        &referral.id,
        &dentist.organization_id,
        dentist_name,
        Some(&dentist.user_id),
        &format!("{heading}: {answer}"),
    )?;
    Ok(())
}

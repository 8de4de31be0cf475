//! Continuity of care: the patient record that travels with an animal
//! between the organizations that hold it, its care stages, its
//! rehabilitation plan and what is seen of it after release.
//!
//! **One record per animal.** A record starts when a place first accepts a
//! referral of the animal (or when the clinic holding it starts one), and
//! every later referral of the same animal carries it. The organizations
//! that have held the animal — the one that referred it and each that
//! accepted it — read the record; only the one holding it now writes to it;
//! nobody else learns it exists.
//!
//! **Stages.** An animal moves between the in-care stages (intake,
//! stabilisation, treatment, rehabilitation, pre-release) in any order — a
//! juvenile that loses weight goes back to stabilisation — until one end:
//! released, returned to owner, rehomed, sanctuary, died or euthanised. An
//! end is final.
//!
//! **Release criteria.** A "released" end needs every release criterion of
//! the animal's plan met, or a clinician's override with a reason
//! ([`check_stage_change`]).
//!
//! **Plans from the library.** A plan's milestones and criteria come from
//! the library's rehabilitation-milestone and reintroduction-criteria
//! articles: each top-level list item of the article is a step, and "by day
//! N" in it is the milestone's target day ([`steps_from_article`]). A
//! milestone is overdue once its target day has passed unmet.
//!
//! **After release.** Only a released animal has monitoring entries
//! (sightings, recaptures, ring recoveries, found dead); each may set the
//! next follow-up's date.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use crate::referral::{Sex, Weight};
use crate::text::{ClinicalNote, ShortText};

codes!(
    /// The animal's age class.
    AgeClass {
        /// Newborn or unweaned.
        Neonate = "neonate", "Neonate";
        /// Weaned, not yet adult.
        Juvenile = "juvenile", "Juvenile";
        /// Adult.
        Adult = "adult", "Adult";
        /// Old for its species.
        Senior = "senior", "Senior";
        /// Not known.
        Unknown = "unknown", "Unknown";
    }
);

codes!(
    /// What an identifier is.
    IdentifierKind {
        /// A leg ring (birds, bats).
        Ring = "ring", "Ring";
        /// A microchip.
        Microchip = "microchip", "Microchip";
        /// A tag or mark (fur clip, ear tag).
        Tag = "tag", "Tag or mark";
        /// A case number of another system.
        Other = "other", "Other";
    }
);

codes!(
    /// Where an animal is in its care, or how its care ended.
    CareStage {
        /// Just arrived.
        Intake = "intake", "Intake";
        /// Being stabilised (warmth, fluids, pain relief).
        Stabilisation = "stabilisation", "Stabilisation";
        /// Under treatment.
        Treatment = "treatment", "Treatment";
        /// Recovering and conditioning.
        Rehabilitation = "rehabilitation", "Rehabilitation";
        /// Being readied for release (outdoor pen, soft release).
        PreRelease = "pre_release", "Pre-release";
        /// Released to the wild (an end).
        Released = "released", "Released";
        /// Back with its owner (an end).
        ReturnedToOwner = "returned_to_owner", "Returned to owner";
        /// Given a new home (an end).
        Rehomed = "rehomed", "Rehomed";
        /// Kept for life in a sanctuary (an end).
        Sanctuary = "sanctuary", "Sanctuary";
        /// Died (an end).
        Died = "died", "Died";
        /// Euthanised (an end).
        Euthanised = "euthanised", "Euthanised";
    }
);

impl CareStage {
    /// Whether care has ended at this stage.
    pub fn is_end(self) -> bool {
        matches!(
            self,
            Self::Released
                | Self::ReturnedToOwner
                | Self::Rehomed
                | Self::Sanctuary
                | Self::Died
                | Self::Euthanised
        )
    }

    /// The stage in plain words for an owner or finder.
    pub fn plain_words(self) -> &'static str {
        match self {
            Self::Intake => "Has arrived and is being examined.",
            Self::Stabilisation => "Is being kept warm and stabilised.",
            Self::Treatment => "Is being treated.",
            Self::Rehabilitation => "Is recovering and building up strength.",
            Self::PreRelease => "Is getting ready to go back to the wild.",
            Self::Released => "Has been released back to the wild.",
            Self::ReturnedToOwner => "Has gone home.",
            Self::Rehomed => "Has been given a new home.",
            Self::Sanctuary => "Lives in a sanctuary, where it is cared for for life.",
            Self::Died => "Sadly died despite the care it was given.",
            Self::Euthanised => "Was put to sleep to end its suffering.",
        }
    }
}

codes!(
    /// What was seen of an animal after release.
    MonitoringKind {
        /// Seen alive.
        Sighting = "sighting", "Sighting";
        /// Caught again.
        Recapture = "recapture", "Recapture";
        /// Its ring was reported.
        RingRecovery = "ring_recovery", "Ring recovery";
        /// Found dead.
        FoundDead = "found_dead", "Found dead";
    }
);

codes!(
    /// How a medication was given.
    Route {
        /// By mouth.
        Oral = "oral", "By mouth (PO)";
        /// Under the skin.
        Subcutaneous = "subcutaneous", "Subcutaneous (SC)";
        /// Into a muscle.
        Intramuscular = "intramuscular", "Intramuscular (IM)";
        /// Into a vein.
        Intravenous = "intravenous", "Intravenous (IV)";
        /// Into the bone marrow.
        Intraosseous = "intraosseous", "Intraosseous (IO)";
        /// On the skin or eye.
        Topical = "topical", "Topical";
        /// Breathed in (nebulised).
        Inhaled = "inhaled", "Inhaled";
        /// Any other way.
        Other = "other", "Other";
    }
);

/// The longest a plan's target can be: two years.
pub const MAX_TARGET_DAY: u16 = 730;

/// An identifier of the animal: a ring, microchip or tag number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Identifier {
    /// What it is.
    pub kind: IdentifierKind,
    /// Its number or mark ("GR12345").
    pub value: ShortText,
}

/// One entry of a patient record; the author and time are the entry's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum EntryDetails {
    /// A weighing.
    Weight {
        /// Grams, 1 to 100,000.
        grams: Weight,
    },
    /// A problem found ("Wound, left hind leg", "Lungworm").
    Problem {
        /// The problem.
        text: ShortText,
    },
    /// A medication given.
    Medication {
        /// The drug ("Meloxicam").
        drug: ShortText,
        /// The dose as given ("0.2 mg/kg").
        dose: ShortText,
        /// How it was given.
        route: Route,
    },
    /// An observation ("Ate 30 g overnight; active at 2 am on camera").
    Observation {
        /// What was seen.
        text: ClinicalNote,
    },
    /// What was seen of the animal after release.
    Monitoring {
        /// What kind of report.
        report: MonitoringKind,
        /// Where ("Garden behind 12 Elm Road").
        #[serde(default)]
        place: Option<ShortText>,
        /// Anything more.
        #[serde(default)]
        text: Option<ClinicalNote>,
    },
}

impl EntryDetails {
    /// The stable name of the entry's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Weight { .. } => "weight",
            Self::Problem { .. } => "problem",
            Self::Medication { .. } => "medication",
            Self::Observation { .. } => "observation",
            Self::Monitoring { .. } => "monitoring",
        }
    }
}

/// Why a change to a patient record is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CareError {
    /// An entry dated in the future.
    #[error("An entry cannot be dated in the future.")]
    InTheFuture,
    /// A clinical entry after care ended.
    #[error("Care has ended ({0}); only what is seen after a release can be added.")]
    Ended(CareStage),
    /// A monitoring entry for an animal not released.
    #[error("Sightings and other reports are recorded once the animal is released.")]
    NotReleased,
    /// A stage change after an end.
    #[error("Care has already ended ({0}).")]
    AlreadyEnded(CareStage),
    /// The stage it already is at.
    #[error("The animal is already at {0}.")]
    SameStage(CareStage),
    /// A release with release criteria unmet and no override.
    #[error("Release criteria not met: {}. A clinician may release anyway, giving a reason.", .0.join("; "))]
    CriteriaUnmet(Vec<String>),
    /// An override by someone who is not a clinician.
    #[error("Only a clinician may override the release criteria.")]
    OverrideNotClinician,
    /// An override reason for a stage that needs none.
    #[error("An override reason is only given for a release with unmet criteria.")]
    NeedlessOverride,
    /// A target day out of range.
    #[error("A target day is between 1 and {MAX_TARGET_DAY}.")]
    TargetDay,
}

/// Checks the time an entry or stage change is dated: never in the
/// future, with five minutes of grace for a device clock slightly ahead.
pub fn check_time(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), CareError> {
    if at > now + chrono::Duration::minutes(5) {
        Err(CareError::InTheFuture)
    } else {
        Ok(())
    }
}

/// Checks an entry against the record's current stage.
pub fn check_entry(
    details: &EntryDetails,
    stage: CareStage,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), CareError> {
    check_time(at, now)?;
    match details {
        EntryDetails::Monitoring { .. } if stage != CareStage::Released => {
            Err(CareError::NotReleased)
        }
        EntryDetails::Monitoring { .. } => Ok(()),
        _ if stage.is_end() => Err(CareError::Ended(stage)),
        _ => Ok(()),
    }
}

/// A stage change as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageChange<'a> {
    /// The stage now.
    pub from: CareStage,
    /// The stage asked for.
    pub to: CareStage,
    /// The release criteria not yet met.
    pub unmet: &'a [String],
    /// The override reason given, if any.
    pub override_reason: Option<&'a str>,
    /// Whether the person asking is a clinician of the holding organization.
    pub clinician: bool,
}

/// Whether a stage change may happen. Returns whether it overrides unmet
/// release criteria.
pub fn check_stage_change(change: StageChange) -> Result<bool, CareError> {
    if change.from.is_end() {
        return Err(CareError::AlreadyEnded(change.from));
    }
    if change.from == change.to {
        return Err(CareError::SameStage(change.to));
    }
    let blocked = change.to == CareStage::Released && !change.unmet.is_empty();
    match (blocked, change.override_reason) {
        (false, None) => Ok(false),
        (false, Some(_)) => Err(CareError::NeedlessOverride),
        (true, None) => Err(CareError::CriteriaUnmet(change.unmet.to_vec())),
        (true, Some(_)) if !change.clinician => Err(CareError::OverrideNotClinician),
        (true, Some(_)) => Ok(true),
    }
}

/// One step of a library article, as a plan takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Step {
    /// What is to be reached ("Stabilised — warm, hydrated, eating unaided").
    pub text: String,
    /// The day of care it is due by, when the article says ("by day 5").
    pub target_day: Option<u16>,
}

/// The steps of a rehabilitation-milestone or reintroduction-criteria
/// article: each top-level list item (numbered or bulleted), without its
/// emphasis, and the day it is due by when the item says "by day N".
pub fn steps_from_article(body: &str) -> Vec<Step> {
    body.lines()
        .filter_map(|line| {
            let item = line
                .strip_prefix("- ")
                .or_else(|| line.strip_prefix("* "))
                .or_else(|| {
                    let digits = line.chars().take_while(char::is_ascii_digit).count();
                    (digits > 0)
                        .then(|| line[digits..].strip_prefix(". "))
                        .flatten()
                })?;
            let text: String = item.replace("**", "").replace('*', "").trim().to_owned();
            (!text.is_empty()).then(|| Step {
                target_day: target_day_in(&text),
                text: text.chars().take(200).collect(),
            })
        })
        .collect()
}

/// The N of "by day N" in `text`.
fn target_day_in(text: &str) -> Option<u16> {
    let lower = text.to_lowercase();
    let rest = &lower[lower.find("by day ")? + "by day ".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits
        .parse()
        .ok()
        .filter(|day| (1..=MAX_TARGET_DAY).contains(day))
}

/// Checks a milestone's target day.
pub fn check_target_day(day: u16) -> Result<(), CareError> {
    if (1..=MAX_TARGET_DAY).contains(&day) {
        Ok(())
    } else {
        Err(CareError::TargetDay)
    }
}

codes!(
    /// How a milestone stands.
    MilestoneState {
        /// Met by its target day (or it has none).
        MetOnTime = "met_on_time", "Met on time";
        /// Met after its target day.
        MetLate = "met_late", "Met late";
        /// Not met; its target day has not passed.
        Pending = "pending", "To do";
        /// Not met, and its target day has passed.
        Overdue = "overdue", "Overdue";
    }
);

/// The date of day `day` of a plan started on `started_on` (day 1 is the
/// start).
pub fn due_date(started_on: NaiveDate, day: u16) -> NaiveDate {
    started_on + chrono::Days::new(u64::from(day.saturating_sub(1)))
}

/// How a milestone stands on `today`.
pub fn milestone_state(
    started_on: NaiveDate,
    target_day: Option<u16>,
    met_on: Option<NaiveDate>,
    today: NaiveDate,
) -> MilestoneState {
    let due = target_day.map(|day| due_date(started_on, day));
    match (met_on, due) {
        (Some(met), Some(due)) if met > due => MilestoneState::MetLate,
        (Some(_), _) => MilestoneState::MetOnTime,
        (None, Some(due)) if today > due => MilestoneState::Overdue,
        (None, _) => MilestoneState::Pending,
    }
}

/// Whole days from `from` to `to` (never negative), as days in care count.
pub fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    ((to - from).num_seconds().max(0) as f64) / 86_400.0
}

/// How long an animal spent at each stage: each stage lasts until the next
/// change (the last until `until`). `stages` is in time order.
pub fn days_per_stage(
    stages: &[(CareStage, DateTime<Utc>)],
    until: DateTime<Utc>,
) -> Vec<(CareStage, f64)> {
    stages
        .iter()
        .enumerate()
        .filter(|(_, (stage, _))| !stage.is_end())
        .map(|(index, (stage, at))| {
            let end = stages.get(index + 1).map_or(until, |(_, next)| *next);
            (*stage, days_between(*at, end))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    #[test]
    fn steps_come_from_the_articles_lists_with_their_target_days() {
        let body = "Intro.\n\n1. **Stabilised** — eating unaided (by day 5).\n2. Growing, by Day 21\n- Weight **at least 600 g**\n  - nested detail\nNot a step.\n";
        let steps = steps_from_article(body);
        assert_eq!(
            steps,
            vec![
                Step {
                    text: "Stabilised — eating unaided (by day 5).".into(),
                    target_day: Some(5)
                },
                Step {
                    text: "Growing, by Day 21".into(),
                    target_day: Some(21)
                },
                Step {
                    text: "Weight at least 600 g".into(),
                    target_day: None
                },
            ]
        );
    }

    #[test]
    fn a_release_needs_every_criterion_or_a_clinicians_reason() {
        let unmet = vec!["Weight at least 600 g".to_owned()];
        let change = StageChange {
            from: CareStage::PreRelease,
            to: CareStage::Released,
            unmet: &unmet,
            override_reason: None,
            clinician: true,
        };
        assert_eq!(
            check_stage_change(change),
            Err(CareError::CriteriaUnmet(unmet.clone()))
        );
        let overriding = StageChange {
            override_reason: Some("Weather window closing; 590 g and gaining"),
            ..change
        };
        assert_eq!(check_stage_change(overriding), Ok(true));
        assert_eq!(
            check_stage_change(StageChange {
                clinician: false,
                ..overriding
            }),
            Err(CareError::OverrideNotClinician)
        );
        assert_eq!(
            check_stage_change(StageChange {
                unmet: &[],
                ..change
            }),
            Ok(false)
        );
        assert_eq!(
            check_stage_change(StageChange {
                unmet: &[],
                ..overriding
            }),
            Err(CareError::NeedlessOverride)
        );
    }

    #[test]
    fn an_end_is_final_and_stages_may_go_back() {
        let back = StageChange {
            from: CareStage::Rehabilitation,
            to: CareStage::Stabilisation,
            unmet: &[],
            override_reason: None,
            clinician: false,
        };
        assert_eq!(check_stage_change(back), Ok(false));
        assert_eq!(
            check_stage_change(StageChange {
                from: CareStage::Died,
                to: CareStage::Treatment,
                ..back
            }),
            Err(CareError::AlreadyEnded(CareStage::Died))
        );
        assert_eq!(
            check_stage_change(StageChange {
                to: CareStage::Rehabilitation,
                ..back
            }),
            Err(CareError::SameStage(CareStage::Rehabilitation))
        );
    }

    #[test]
    fn monitoring_follows_a_release_and_clinical_entries_stop_at_an_end() {
        let now = Utc::now();
        let sighting = EntryDetails::Monitoring {
            report: MonitoringKind::Sighting,
            place: None,
            text: None,
        };
        let weight = EntryDetails::Weight {
            grams: Weight::try_from(620).expect("a weight"),
        };
        assert_eq!(
            check_entry(&sighting, CareStage::PreRelease, now, now),
            Err(CareError::NotReleased)
        );
        assert_eq!(
            check_entry(&sighting, CareStage::Released, now, now),
            Ok(())
        );
        assert_eq!(
            check_entry(&weight, CareStage::Released, now, now),
            Err(CareError::Ended(CareStage::Released))
        );
        assert_eq!(check_entry(&weight, CareStage::Treatment, now, now), Ok(()));
        assert_eq!(
            check_entry(
                &weight,
                CareStage::Intake,
                now + chrono::Duration::hours(1),
                now
            ),
            Err(CareError::InTheFuture)
        );
    }

    #[test]
    fn a_milestone_is_overdue_once_its_target_day_passes_unmet() {
        let start = day("2026-11-01");
        assert_eq!(due_date(start, 5), day("2026-11-05"));
        let state = |met: Option<&str>, today: &str| {
            milestone_state(start, Some(5), met.map(day), day(today))
        };
        assert_eq!(state(None, "2026-11-05"), MilestoneState::Pending);
        assert_eq!(state(None, "2026-11-06"), MilestoneState::Overdue);
        assert_eq!(
            state(Some("2026-11-05"), "2026-12-01"),
            MilestoneState::MetOnTime
        );
        assert_eq!(
            state(Some("2026-11-06"), "2026-12-01"),
            MilestoneState::MetLate
        );
        assert_eq!(
            milestone_state(start, None, None, day("2027-01-01")),
            MilestoneState::Pending
        );
    }

    #[test]
    fn each_stage_lasts_until_the_next() {
        let at = |text: &str| -> DateTime<Utc> { text.parse().expect("a time") };
        let stages = [
            (CareStage::Intake, at("2026-11-01T00:00:00Z")),
            (CareStage::Treatment, at("2026-11-02T12:00:00Z")),
            (CareStage::Released, at("2026-11-10T12:00:00Z")),
        ];
        assert_eq!(
            days_per_stage(&stages, at("2026-12-01T00:00:00Z")),
            vec![(CareStage::Intake, 1.5), (CareStage::Treatment, 8.0)]
        );
    }
}

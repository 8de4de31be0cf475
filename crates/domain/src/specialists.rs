//! Specialists and consult requests: clinicians offer their expertise to
//! the whole network, and a referral's case asks them about its patient.
//!
//! A clinician lists their expertise in a **specialist profile**: species
//! (codes of the directory's vocabulary), [`Discipline`]s, a summary, a
//! weekly consult [`Availability`] and whether they accept consults now.
//! Anyone in the network finds specialists by species, discipline and words.
//!
//! A referral's case can ask a specialist for a **consult**: a question about
//! the patient. The specialist answers or declines; the side that asked may
//! cancel while it waits ([`ConsultStatus`], [`check_transition`]). The
//! question and the answer are also written into the referral's case thread,
//! so both sides of the referral read them.
//!
//! Who may do what:
//!
//! - **Profiles** ([`may_keep_profile`]): a person keeps their own profile,
//!   in an organization where they are a clinician, an org admin or a network
//!   admin; staff and volunteers do not offer consults.
//! - **Requesting** ([`may_request_consult`]): the admins, clinicians and
//!   staff of either organization of the referral; volunteers read only.
//! - **Answering and declining**: only the specialist asked.
//! - **Cancelling**: the requesting organization's admins, clinicians and
//!   staff, while the consult is still requested.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::access::{Access, Role};
use crate::directory::hours::{Hours, HoursState, OpeningHoursText, Timezone};

codes!(
    /// A field of expertise a specialist offers consults in.
    Discipline {
        /// Anaesthesia and analgesia, including for very small patients.
        Anaesthesia = "anaesthesia", "Anaesthesia";
        /// Teeth and jaws: malocclusion, abscesses, dental radiographs.
        Dentistry = "dentistry", "Dentistry";
        /// Reading radiographs, ultrasound, CT and endoscopy.
        ImagingInterpretation = "imaging_interpretation", "Imaging interpretation";
        /// Soft-tissue and orthopaedic surgery.
        Surgery = "surgery", "Surgery";
        /// Behaviour and welfare.
        Behaviour = "behaviour", "Behaviour";
        /// Rehabilitation and release of wildlife, physiotherapy.
        Rehabilitation = "rehabilitation", "Rehabilitation";
    }
);

codes!(
    /// A day of the week.
    Weekday {
        /// Monday.
        Monday = "monday", "Monday";
        /// Tuesday.
        Tuesday = "tuesday", "Tuesday";
        /// Wednesday.
        Wednesday = "wednesday", "Wednesday";
        /// Thursday.
        Thursday = "thursday", "Thursday";
        /// Friday.
        Friday = "friday", "Friday";
        /// Saturday.
        Saturday = "saturday", "Saturday";
        /// Sunday.
        Sunday = "sunday", "Sunday";
    }
);

codes!(
    /// Where a consult stands: `requested → answered | declined`, or
    /// `cancelled` by the side that asked while it is still requested.
    ConsultStatus {
        /// Asked, waiting for the specialist.
        Requested = "requested", "Requested";
        /// The specialist answered.
        Answered = "answered", "Answered";
        /// The specialist declined, with a reason.
        Declined = "declined", "Declined";
        /// The side that asked called it off.
        Cancelled = "cancelled", "Cancelled";
    }
);

/// The most disciplines one profile lists.
pub const MAX_DISCIPLINES: usize = 6;
/// The most species one profile lists.
pub const MAX_SPECIES: usize = 12;
/// The most weekly consult slots one profile lists.
pub const MAX_SLOTS: usize = 21;

/// A local time of day, `HH:MM` (00:00–24:00; 24:00 ends a day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "09:30"))]
#[serde(try_from = "String", into = "String")]
pub struct ClockTime(u16);

impl ClockTime {
    /// Parses `HH:MM`.
    pub fn parse(text: &str) -> Result<Self, AvailabilityError> {
        let malformed = || AvailabilityError::Time(text.chars().take(20).collect());
        let (hours, minutes) = text.trim().split_once(':').ok_or_else(malformed)?;
        if hours.len() != 2 || minutes.len() != 2 {
            return Err(malformed());
        }
        let hours: u16 = hours.parse().map_err(|_| malformed())?;
        let minutes: u16 = minutes.parse().map_err(|_| malformed())?;
        if minutes > 59 || hours > 24 || (hours == 24 && minutes > 0) {
            return Err(malformed());
        }
        Ok(Self(hours * 60 + minutes))
    }

    /// Minutes since midnight.
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl TryFrom<String> for ClockTime {
    type Error = AvailabilityError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ClockTime> for String {
    fn from(value: ClockTime) -> String {
        value.to_string()
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// One weekly window in which a specialist takes consults, in their local
/// time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsultSlot {
    /// The day.
    pub day: Weekday,
    /// From, `HH:MM`.
    pub from: ClockTime,
    /// Until, `HH:MM`, after `from`.
    pub to: ClockTime,
}

/// Why an availability was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AvailabilityError {
    /// Not a time of the form `HH:MM`.
    #[error("{0:?} is not a time of the form HH:MM")]
    Time(String),
    /// A slot that ends before it starts.
    #[error("a slot on {0} must end after it starts")]
    Backwards(Weekday),
    /// Two slots of one day overlap.
    #[error("two slots on {0} overlap")]
    Overlap(Weekday),
    /// More slots than [`MAX_SLOTS`].
    #[error("at most {MAX_SLOTS} slots")]
    TooMany,
}

/// A weekly consult availability: slots sorted by day and time, none
/// backwards, none overlapping, at most [`MAX_SLOTS`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = Vec<ConsultSlot>))]
#[serde(try_from = "Vec<ConsultSlot>", into = "Vec<ConsultSlot>")]
pub struct Availability(Vec<ConsultSlot>);

impl Availability {
    /// Checks and sorts `slots`.
    pub fn check(mut slots: Vec<ConsultSlot>) -> Result<Self, AvailabilityError> {
        if slots.len() > MAX_SLOTS {
            return Err(AvailabilityError::TooMany);
        }
        if let Some(slot) = slots.iter().find(|slot| slot.to <= slot.from) {
            return Err(AvailabilityError::Backwards(slot.day));
        }
        slots.sort_by_key(|slot| (slot.day, slot.from, slot.to));
        for pair in slots.windows(2) {
            if pair[0].day == pair[1].day && pair[1].from < pair[0].to {
                return Err(AvailabilityError::Overlap(pair[0].day));
            }
        }
        Ok(Self(slots))
    }

    /// The slots, by day and time.
    pub fn slots(&self) -> &[ConsultSlot] {
        &self.0
    }
}

impl Availability {
    /// The slots as an opening-hours expression, one rule per day with its
    /// windows, e.g. `Mo 09:00-12:00,14:00-17:00; We 10:00-16:00` (one rule
    /// per day: in that syntax a later rule for the same day replaces an
    /// earlier one). `None` without slots.
    pub fn opening_hours(&self) -> Option<OpeningHoursText> {
        let mut rules: Vec<String> = Vec::new();
        for day in Weekday::ALL {
            let windows: Vec<String> = self
                .0
                .iter()
                .filter(|slot| slot.day == *day)
                .map(|slot| format!("{}-{}", slot.from, slot.to))
                .collect();
            if !windows.is_empty() {
                rules.push(format!("{} {}", day.short(), windows.join(",")));
            }
        }
        if rules.is_empty() {
            return None;
        }
        OpeningHoursText::parse(rules.join("; ")).ok()
    }
}

impl Weekday {
    /// The two letters of the opening-hours syntax.
    fn short(self) -> &'static str {
        match self {
            Self::Monday => "Mo",
            Self::Tuesday => "Tu",
            Self::Wednesday => "We",
            Self::Thursday => "Th",
            Self::Friday => "Fr",
            Self::Saturday => "Sa",
            Self::Sunday => "Su",
        }
    }
}

/// Whether a specialist takes consults at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsultsAt {
    /// They take consults at that instant.
    pub accepting: bool,
    /// While accepting, when the current consult window ends (`None` when
    /// no window bounds it).
    pub until: Option<DateTime<Utc>>,
    /// While not accepting, when the next consult window opens (`None`
    /// when they are switched off or no window comes).
    pub next: Option<DateTime<Utc>>,
}

/// Whether a specialist takes consults at `at`: only while their switch is
/// on, and, when they list weekly slots, only within one — read in
/// `timezone` (their organization's), UTC when it is unknown. Without slots
/// the switch alone decides, as it always has.
pub fn consults_at(
    switched_on: bool,
    availability: &Availability,
    timezone: Option<Timezone>,
    at: DateTime<Utc>,
) -> ConsultsAt {
    let off = ConsultsAt {
        accepting: false,
        until: None,
        next: None,
    };
    if !switched_on {
        return off;
    }
    let Some(text) = availability.opening_hours() else {
        return ConsultsAt {
            accepting: true,
            until: None,
            next: None,
        };
    };
    let timezone = timezone.unwrap_or_else(|| Timezone::parse("UTC").expect("UTC is a timezone"));
    match Hours::personal(&text, timezone).state_at(at) {
        HoursState::Open { until } => ConsultsAt {
            accepting: true,
            until,
            next: None,
        },
        HoursState::Closed { opens_at } => ConsultsAt {
            next: opens_at,
            ..off
        },
        HoursState::Unknown => off,
    }
}

impl TryFrom<Vec<ConsultSlot>> for Availability {
    type Error = AvailabilityError;

    fn try_from(value: Vec<ConsultSlot>) -> Result<Self, Self::Error> {
        Self::check(value)
    }
}

impl From<Availability> for Vec<ConsultSlot> {
    fn from(value: Availability) -> Self {
        value.0
    }
}

/// Who is acting on a consult.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsultParty {
    /// The specialist asked.
    Specialist,
    /// A member of the organization that asked.
    Requester,
}

/// A consult move the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsultError {
    /// The lifecycle has no such move.
    #[error("a consult cannot go from {from} to {to}")]
    Illegal {
        /// The consult's status.
        from: ConsultStatus,
        /// The status asked for.
        to: ConsultStatus,
    },
    /// The move exists but belongs to the other party.
    #[error("only {0} may move a consult to {1}")]
    NotYours(&'static str, ConsultStatus),
}

/// Checks that `by` may move a consult from `from` to `to`.
pub fn check_transition(
    from: ConsultStatus,
    to: ConsultStatus,
    by: ConsultParty,
) -> Result<(), ConsultError> {
    use ConsultStatus::*;
    let allowed = match (from, to) {
        (Requested, Answered | Declined) => ConsultParty::Specialist,
        (Requested, Cancelled) => ConsultParty::Requester,
        _ => return Err(ConsultError::Illegal { from, to }),
    };
    if allowed == by {
        Ok(())
    } else {
        Err(ConsultError::NotYours(
            match allowed {
                ConsultParty::Specialist => "the specialist",
                ConsultParty::Requester => "the organization that asked",
            },
            to,
        ))
    }
}

/// Whether a role in an organization lets a person offer consults there:
/// clinicians, org admins and network admins.
pub fn role_offers_consults(role: Role) -> bool {
    matches!(role, Role::Clinician | Role::OrgAdmin | Role::NetworkAdmin)
}

/// Whether the caller may keep a specialist profile naming `organization`.
pub fn may_keep_profile<Id: PartialEq>(access: &Access<Id>, organization: &Id) -> bool {
    access
        .role_in(organization)
        .is_some_and(role_offers_consults)
}

/// Whether the caller may ask a consult for a referral between `referrer`
/// and `receiver`: the admins, clinicians and staff of either side.
pub fn may_request_consult<Id: PartialEq>(
    access: &Access<Id>,
    referrer: &Id,
    receiver: &Id,
) -> bool {
    access.can_act(referrer) || access.can_act(receiver)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn consult_hours_are_read_in_the_specialists_timezone() {
        use Weekday::*;
        let hours = Availability::check(vec![
            slot(Monday, "09:00", "12:00"),
            slot(Monday, "14:00", "17:00"),
            slot(Wednesday, "09:00", "17:00"),
        ])
        .unwrap();
        assert_eq!(
            hours.opening_hours().unwrap().as_str(),
            "Mo 09:00-12:00,14:00-17:00; We 09:00-17:00"
        );
        let london = Some(Timezone::parse("Europe/London").unwrap());
        // Sunday 7 June 2026, noon in London (BST): not accepting, next
        // Monday 09:00 London = 08:00 UTC.
        let sunday = consults_at(true, &hours, london, utc("2026-06-07T11:00:00Z"));
        assert!(!sunday.accepting);
        assert_eq!(sunday.next, Some(utc("2026-06-08T08:00:00Z")));
        // Monday 10:00 London: accepting until 12:00 London.
        let monday = consults_at(true, &hours, london, utc("2026-06-08T09:00:00Z"));
        assert!(monday.accepting);
        assert_eq!(monday.until, Some(utc("2026-06-08T11:00:00Z")));
        // Monday 12:30 London: the afternoon window is next.
        let lunch = consults_at(true, &hours, london, utc("2026-06-08T11:30:00Z"));
        assert_eq!(lunch.next, Some(utc("2026-06-08T13:00:00Z")));
        // Monday 08:30 UTC is 09:30 in London but not in UTC.
        assert!(consults_at(true, &hours, london, utc("2026-06-08T08:30:00Z")).accepting);
        assert!(!consults_at(true, &hours, None, utc("2026-06-08T08:30:00Z")).accepting);
        // Switched off: never, whatever the hours.
        assert_eq!(
            consults_at(false, &hours, london, utc("2026-06-08T09:00:00Z")),
            ConsultsAt {
                accepting: false,
                until: None,
                next: None
            }
        );
        // No slots: the switch alone decides.
        assert!(
            consults_at(
                true,
                &Availability::default(),
                london,
                utc("2026-06-07T11:00:00Z")
            )
            .accepting
        );
    }

    fn time(text: &str) -> ClockTime {
        ClockTime::parse(text).unwrap()
    }

    fn slot(day: Weekday, from: &str, to: &str) -> ConsultSlot {
        ConsultSlot {
            day,
            from: time(from),
            to: time(to),
        }
    }

    #[test]
    fn codes_round_trip() {
        for discipline in Discipline::ALL {
            assert_eq!(Discipline::parse(discipline.as_str()), Some(*discipline));
        }
        for status in ConsultStatus::ALL {
            assert_eq!(ConsultStatus::parse(status.as_str()), Some(*status));
        }
        assert_eq!(
            serde_json::to_string(&Discipline::ImagingInterpretation).unwrap(),
            "\"imaging_interpretation\""
        );
        assert_eq!(Discipline::parse("astrology"), None);
    }

    #[test]
    fn clock_times_are_hours_and_minutes() {
        assert_eq!(time("09:30").minutes(), 570);
        assert_eq!(time("24:00").to_string(), "24:00");
        assert_eq!(time("07:05").to_string(), "07:05");
        for bad in ["9:30", "25:00", "24:01", "12:60", "noon", "", "12:3x"] {
            assert!(ClockTime::parse(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<ClockTime>("\"7pm\"").is_err());
        assert_eq!(serde_json::to_string(&time("18:00")).unwrap(), "\"18:00\"");
    }

    #[test]
    fn availability_is_sorted_and_refuses_backwards_overlapping_or_too_many_slots() {
        let checked = Availability::check(vec![
            slot(Weekday::Thursday, "14:00", "16:00"),
            slot(Weekday::Monday, "09:00", "12:00"),
            slot(Weekday::Monday, "12:00", "13:00"),
        ])
        .unwrap();
        let days: Vec<Weekday> = checked.slots().iter().map(|slot| slot.day).collect();
        assert_eq!(days, [Weekday::Monday, Weekday::Monday, Weekday::Thursday]);
        assert_eq!(
            Availability::check(vec![slot(Weekday::Friday, "10:00", "10:00")]),
            Err(AvailabilityError::Backwards(Weekday::Friday))
        );
        assert_eq!(
            Availability::check(vec![
                slot(Weekday::Monday, "09:00", "12:00"),
                slot(Weekday::Monday, "11:00", "13:00"),
            ]),
            Err(AvailabilityError::Overlap(Weekday::Monday))
        );
        let many = (0..22)
            .map(|hour| {
                slot(
                    Weekday::Sunday,
                    "00:00",
                    &format!("{:02}:00", hour % 24 + 1),
                )
            })
            .collect();
        assert_eq!(Availability::check(many), Err(AvailabilityError::TooMany));
        let parsed: Result<Availability, _> =
            serde_json::from_str(r#"[{"day":"monday","from":"10:00","to":"09:00"}]"#);
        assert!(parsed.is_err());
    }

    #[test]
    fn only_the_specialist_answers_or_declines_and_only_the_requester_cancels() {
        use ConsultStatus::*;
        assert!(check_transition(Requested, Answered, ConsultParty::Specialist).is_ok());
        assert!(check_transition(Requested, Declined, ConsultParty::Specialist).is_ok());
        assert!(check_transition(Requested, Cancelled, ConsultParty::Requester).is_ok());
        assert!(matches!(
            check_transition(Requested, Answered, ConsultParty::Requester),
            Err(ConsultError::NotYours(..))
        ));
        assert!(matches!(
            check_transition(Requested, Cancelled, ConsultParty::Specialist),
            Err(ConsultError::NotYours(..))
        ));
        for from in [Answered, Declined, Cancelled] {
            for to in ConsultStatus::ALL {
                assert!(matches!(
                    check_transition(from, *to, ConsultParty::Specialist),
                    Err(ConsultError::Illegal { .. })
                ));
            }
        }
    }

    #[test]
    fn clinicians_and_admins_keep_profiles_and_either_side_but_volunteers_requests() {
        let clinician = Access::new(vec![(1, Role::Clinician)]);
        let staff = Access::new(vec![(1, Role::Staff)]);
        let admin = Access::new(vec![(1, Role::OrgAdmin)]);
        let volunteer = Access::new(vec![(1, Role::Volunteer)]);
        assert!(may_keep_profile(&clinician, &1));
        assert!(may_keep_profile(&admin, &1));
        assert!(!may_keep_profile(&staff, &1));
        assert!(!may_keep_profile(&clinician, &2));
        assert!(may_request_consult(&staff, &1, &2));
        assert!(may_request_consult(&clinician, &2, &1));
        assert!(!may_request_consult(&volunteer, &1, &2));
        assert!(!may_request_consult(&clinician, &3, &2));
    }
}

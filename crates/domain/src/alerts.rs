//! Alerts to people: what kinds there are, which are urgent, how each person
//! chooses to hear of the others, on-call rotas, and the acknowledgement
//! chain an urgent alert follows.
//!
//! - An **urgent** alert (a tier 1–2 referral sent or escalated to a site,
//!   an urgent consult request, kit needed today, a booking pre-empted on
//!   the day it starts, "no other suitable site" for the referrer) follows a
//!   chain: the person on call first; when nobody acknowledges within the
//!   tier's acknowledge time, the next person on call; then the
//!   organization's admins ([`next_step`]). One acknowledgement stops it for
//!   everyone. Urgent alerts always go out at once, by every channel, quiet
//!   hours or not: nobody can turn them down.
//! - Every **other** alert goes to the people it concerns, as each chose for
//!   its kind ([`DeliveryMode`]): immediately (held back during their quiet
//!   hours, [`send_after_quiet_hours`]), in a daily digest at the hour they
//!   picked in their timezone ([`digest_due`]), or in the inbox only.
//! - An **on-call rota** ([`Rota`]) lists weekly shifts in `opening_hours`
//!   syntax, read in the site's timezone with its country's holidays, in
//!   chain order, and one-off overrides that put a person first for a while
//!   ("Dr Okafor covers Saturday night"). [`Rota::on_call_at`] says who is
//!   on call at an instant; [`Rota::gaps`] finds the times nobody is.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Timelike, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::directory::hours::{CountryCode, Hours, HoursState, OpeningHoursText, Timezone};
use crate::text::ShortText;
use crate::triage::Tier;

codes!(
    /// What an alert is about. The first five are urgent.
    AlertKind {
        /// A tier 1–2 referral was sent or escalated to the site.
        UrgentReferral = "urgent_referral", "Urgent referral to your site";
        /// A specialist was asked for a consult marked urgent.
        UrgentConsult = "urgent_consult", "Urgent consult request";
        /// A tier 1–2 loan request for kit needed today.
        KitNeededToday = "kit_needed_today", "Kit needed today";
        /// A booking that starts today was displaced by a more urgent one.
        BookingPreemptedToday = "booking_preempted_today", "Your booking for today was displaced";
        /// Escalation found no other suitable site: the referrer must call around.
        NoSuitableSite = "no_suitable_site", "No other suitable site";
        /// A new referral of tier 3–5 arrived.
        ReferralReceived = "referral_received", "New referral";
        /// The receiver answered one of your referrals (or recorded its outcome).
        ReferralAnswered = "referral_answered", "Answer to your referral";
        /// A message in a case thread from the other side.
        CaseMessage = "case_message", "Case-thread message";
        /// A specialist was asked for a consult.
        ConsultRequested = "consult_requested", "Consult request";
        /// A specialist answered or declined your consult.
        ConsultAnswered = "consult_answered", "Consult answer";
        /// A step of a loan: requested, approved, declined, cancelled, displaced.
        LoanUpdate = "loan_update", "Loan update";
        /// A loan your organization borrowed is overdue.
        LoanOverdue = "loan_overdue", "Loan overdue";
        /// A site's listing is due for its audit.
        AuditDue = "audit_due", "Listing audit due";
        /// A site's declared capacity has expired.
        CapacityLapsed = "capacity_lapsed", "Capacity lapsed";
        /// One of your volunteer skills is about to lapse.
        SkillExpiring = "skill_expiring", "Skill expiring";
        /// A follow-up after a referral's outcome is due.
        FollowUpDue = "follow_up_due", "Follow-up due";
        /// A site's on-call rota leaves times with nobody on call.
        RotaGap = "rota_gap", "Gap in the on-call rota";
        /// Nobody took one of your referrals' transport legs by the time it was needed.
        TransportUnclaimed = "transport_unclaimed", "Transport without a driver";
    }
);

impl AlertKind {
    /// Whether alerts of this kind follow an acknowledgement chain, go out
    /// at once by every channel and ignore quiet hours.
    pub fn is_urgent(self) -> bool {
        matches!(
            self,
            Self::UrgentReferral
                | Self::UrgentConsult
                | Self::KitNeededToday
                | Self::BookingPreemptedToday
                | Self::NoSuitableSite
        )
    }

    /// How a person hears of this kind until they choose otherwise:
    /// reminders about housekeeping come in the digest, the rest at once.
    pub fn default_mode(self) -> DeliveryMode {
        match self {
            Self::AuditDue | Self::CapacityLapsed | Self::SkillExpiring | Self::RotaGap => {
                DeliveryMode::Digest
            }
            _ => DeliveryMode::Immediate,
        }
    }

    /// The kinds a person may choose for (the urgent ones are fixed).
    pub fn choosable() -> impl Iterator<Item = AlertKind> {
        Self::ALL.iter().copied().filter(|kind| !kind.is_urgent())
    }
}

codes!(
    /// How a person hears of a kind of alert beyond the inbox.
    DeliveryMode {
        /// By e-mail at once (after their quiet hours).
        Immediate = "immediate", "Immediately";
        /// In one e-mail a day, at their digest hour.
        Digest = "digest", "In a daily digest";
        /// Only in Warren's inbox.
        InboxOnly = "inbox_only", "In the inbox only";
    }
);

codes!(
    /// How an urgent alert was acknowledged.
    AcknowledgedVia {
        /// From the inbox in Warren.
        Inbox = "inbox", "in Warren";
        /// From the single-use link in the e-mail.
        Email = "email", "from the e-mail link";
        /// By answering the referral (receiving, accepting or rejecting it).
        Answer = "answer", "by answering the referral";
    }
);

/// Longest quiet-hours or shift expression.
const MAX_HOURS_CHARS: usize = 500;

/// A person's choices: a mode per kind (kinds not listed keep their
/// default), quiet hours in their timezone, and the local hour of their
/// daily digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AlertPreferences {
    /// A mode per kind; urgent kinds cannot be listed.
    #[serde(default)]
    pub modes: BTreeMap<AlertKind, DeliveryMode>,
    /// When no e-mail but urgent ones should arrive, in `opening_hours`
    /// syntax in `timezone`, e.g. `Mo-Su 22:00-07:00`.
    #[serde(default)]
    pub quiet_hours: Option<OpeningHoursText>,
    /// The person's timezone.
    pub timezone: Timezone,
    /// The local hour (0–23) the daily digest is sent.
    pub digest_hour: u8,
}

/// Why preferences are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreferencesError {
    /// An urgent kind cannot be turned down.
    #[error("{0} alerts are urgent: they always arrive at once")]
    UrgentKind(AlertKind),
    /// The digest hour is not an hour.
    #[error("must be an hour from 0 to 23")]
    DigestHour,
    /// Quiet all the time would silence everything but urgent alerts forever.
    #[error("leaves no time at all outside quiet hours")]
    AlwaysQuiet,
}

impl AlertPreferences {
    /// The preferences of someone who has not chosen: every kind at its
    /// default, no quiet hours, the digest at 08:00 in `timezone`.
    pub fn defaults(timezone: Timezone) -> Self {
        Self {
            modes: BTreeMap::new(),
            quiet_hours: None,
            timezone,
            digest_hour: 8,
        }
    }

    /// How `kind` reaches this person: urgent kinds always immediately.
    pub fn mode_for(&self, kind: AlertKind) -> DeliveryMode {
        if kind.is_urgent() {
            return DeliveryMode::Immediate;
        }
        self.modes
            .get(&kind)
            .copied()
            .unwrap_or_else(|| kind.default_mode())
    }

    /// Checks the choices.
    pub fn check(&self) -> Result<(), (&'static str, PreferencesError)> {
        if let Some(kind) = self.modes.keys().find(|kind| kind.is_urgent()) {
            return Err(("modes", PreferencesError::UrgentKind(*kind)));
        }
        if self.digest_hour > 23 {
            return Err(("digest_hour", PreferencesError::DigestHour));
        }
        if let Some(quiet) = self.quiet_hours_at() {
            let now = Utc::now();
            let spells = quiet.open_spells(now, now + TimeDelta::days(8));
            if spells.len() == 1 && spells[0] == (now, now + TimeDelta::days(8)) {
                return Err(("quiet_hours", PreferencesError::AlwaysQuiet));
            }
        }
        Ok(())
    }

    /// The quiet hours, ready to evaluate (no holidays: quiet hours are a
    /// person's, not a country's).
    pub fn quiet_hours_at(&self) -> Option<Hours> {
        let text = self.quiet_hours.as_ref()?;
        Some(Hours::personal(text, self.timezone))
    }
}

/// When an e-mail of a non-urgent alert raised at `now` may go out: at once,
/// or when the person's quiet hours end. Urgent alerts never wait.
pub fn send_after_quiet_hours(
    urgent: bool,
    quiet_hours: Option<&Hours>,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    if urgent {
        return now;
    }
    match quiet_hours.map(|quiet| quiet.state_at(now)) {
        Some(HoursState::Open { until: Some(end) }) => end,
        // Quiet "for ever" is refused when saved; a stored one that says so
        // holds the e-mail a day rather than for ever.
        Some(HoursState::Open { until: None }) => now + TimeDelta::days(1),
        _ => now,
    }
}

/// How an alert's text marks a time that each recipient reads in their own
/// timezone: the draft is written once for everyone, so the time stays an
/// instant until [`in_timezone`] writes it for one recipient.
pub fn time_mark(at: DateTime<Utc>) -> String {
    format!(
        "{TIME_MARK_OPEN}{}{TIME_MARK_CLOSE}",
        at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )
}

const TIME_MARK_OPEN: &str = "[[time ";
const TIME_MARK_CLOSE: &str = "]]";

/// `text` with each [`time_mark`] written in `timezone` with the zone's
/// abbreviation, e.g. `7 Dec 09:00 GMT`. A mark that does not read as a time
/// is left as it is.
pub fn in_timezone(text: &str, timezone: Timezone) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(TIME_MARK_OPEN) {
        let after = &rest[start + TIME_MARK_OPEN.len()..];
        let Some(end) = after.find(TIME_MARK_CLOSE) else {
            break;
        };
        out.push_str(&rest[..start]);
        match DateTime::parse_from_rfc3339(&after[..end]) {
            Ok(at) => out.push_str(
                &at.with_timezone(&timezone.tz())
                    .format("%-d %b %H:%M %Z")
                    .to_string(),
            ),
            Err(_) => out
                .push_str(&rest[start..start + TIME_MARK_OPEN.len() + end + TIME_MARK_CLOSE.len()]),
        }
        rest = &after[end + TIME_MARK_CLOSE.len()..];
    }
    out.push_str(rest);
    out
}

/// The local date whose digest is due at `now`, if one is: the person's
/// digest hour has come today in their timezone and no digest went out
/// today yet.
pub fn digest_due(
    now: DateTime<Utc>,
    timezone: Timezone,
    digest_hour: u8,
    last_sent_on: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let local = now.with_timezone(&timezone.tz());
    let today = local.date_naive();
    let hour_has_come = local.hour() >= u32::from(digest_hour);
    let not_yet_today = last_sent_on.is_none_or(|last| last < today);
    (hour_has_come && not_yet_today).then_some(today)
}

/// The network's acknowledge time per urgent tier, in minutes: how long
/// one step of a chain waits before the next person is alerted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeTimes {
    /// Tier 1, in minutes.
    pub immediate: u32,
    /// Tier 2 (and urgent alerts without a tier: consults, kit), in minutes.
    pub very_urgent: u32,
}

impl Default for AcknowledgeTimes {
    fn default() -> Self {
        Self {
            immediate: 5,
            very_urgent: 10,
        }
    }
}

/// Why acknowledge times are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AcknowledgeTimesError {
    /// Out of range.
    #[error("must be between 1 and 120 minutes")]
    Range,
    /// Tier 2 may not be acknowledged faster than tier 1.
    #[error("must not be shorter than the tier 1 time")]
    Order,
}

impl AcknowledgeTimes {
    /// The wait for a chain of `tier` (tiers 3–5 wait as long as tier 2).
    pub fn minutes(&self, tier: Tier) -> u32 {
        match tier {
            Tier::Immediate => self.immediate,
            _ => self.very_urgent,
        }
    }

    /// Checks the times, naming the field at fault.
    pub fn check(&self) -> Result<(), (&'static str, AcknowledgeTimesError)> {
        for (field, minutes) in [
            ("immediate", self.immediate),
            ("very_urgent", self.very_urgent),
        ] {
            if !(1..=120).contains(&minutes) {
                return Err((field, AcknowledgeTimesError::Range));
            }
        }
        if self.very_urgent < self.immediate {
            return Err(("very_urgent", AcknowledgeTimesError::Order));
        }
        Ok(())
    }
}

/// One weekly shift of a rota: who, and when in `opening_hours` syntax.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Shift {
    /// The person on call (a member of the site's organization).
    pub user_id: Uuid,
    /// When, in the site's timezone, e.g. `Mo-Fr 18:00-08:00; Sa,Su 00:00-24:00`.
    pub hours: OpeningHoursText,
}

/// A one-off cover: the person is first on call from `starts_at` to
/// `ends_at`, ahead of the weekly shifts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The person covering.
    pub user_id: Uuid,
    /// From.
    pub starts_at: DateTime<Utc>,
    /// Until.
    pub ends_at: DateTime<Utc>,
    /// Why, e.g. "Covers Saturday night for Dr Lee".
    #[serde(default)]
    pub note: Option<ShortText>,
}

/// A site's on-call rota: weekly shifts in chain order and one-off
/// overrides. An empty rota means the site's primary referral contact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rota {
    /// Weekly shifts; at one instant, whoever's shift is on is on call, in
    /// this order.
    #[serde(default)]
    pub shifts: Vec<Shift>,
    /// One-off covers, first on call while they last.
    #[serde(default)]
    pub overrides: Vec<Override>,
}

/// Most shifts and overrides in one rota.
pub const MAX_ROTA_ENTRIES: usize = 50;

/// How far ahead rota gaps and a person's shifts are looked for.
pub const ROTA_HORIZON_DAYS: i64 = 14;

/// Why a rota is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RotaError {
    /// Too many entries.
    #[error("a rota holds at most {MAX_ROTA_ENTRIES} shifts and overrides")]
    TooLong,
    /// An override that ends before it starts.
    #[error("must be after starts_at")]
    OverrideOrder,
    /// An override in the past.
    #[error("has already ended")]
    OverridePast,
    /// Shifts whose hours never put anyone on call.
    #[error("leaves nobody on call at any time in the next {ROTA_HORIZON_DAYS} days")]
    NobodyOnCall,
    /// A shift of someone who is not a member of the organization.
    #[error("is not a member of the site's organization")]
    NotAMember,
    /// Hours in the shift are too long.
    #[error("is too long")]
    HoursTooLong,
}

/// A span of time nobody is on call, or of one person's shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Span {
    /// From.
    pub starts_at: DateTime<Utc>,
    /// Until.
    pub ends_at: DateTime<Utc>,
}

impl Rota {
    /// Whether the rota lists anyone at all.
    pub fn is_empty(&self) -> bool {
        self.shifts.is_empty() && self.overrides.is_empty()
    }

    /// Checks the rota at `now`: its size, its overrides, that everyone in it
    /// passes `is_member`, and that shifts, if any, put someone on call in
    /// the next fortnight. Names the field at fault.
    pub fn check(
        &self,
        timezone: Timezone,
        country: CountryCode,
        now: DateTime<Utc>,
        is_member: impl Fn(Uuid) -> bool,
    ) -> Result<(), (String, RotaError)> {
        if self.shifts.len() + self.overrides.len() > MAX_ROTA_ENTRIES {
            return Err(("shifts".into(), RotaError::TooLong));
        }
        for (index, shift) in self.shifts.iter().enumerate() {
            if !is_member(shift.user_id) {
                return Err((format!("shifts[{index}].user_id"), RotaError::NotAMember));
            }
            if shift.hours.as_str().chars().count() > MAX_HOURS_CHARS {
                return Err((format!("shifts[{index}].hours"), RotaError::HoursTooLong));
            }
        }
        for (index, cover) in self.overrides.iter().enumerate() {
            if !is_member(cover.user_id) {
                return Err((format!("overrides[{index}].user_id"), RotaError::NotAMember));
            }
            if cover.ends_at <= cover.starts_at {
                return Err((
                    format!("overrides[{index}].ends_at"),
                    RotaError::OverrideOrder,
                ));
            }
            if cover.ends_at <= now {
                return Err((
                    format!("overrides[{index}].ends_at"),
                    RotaError::OverridePast,
                ));
            }
        }
        if !self.shifts.is_empty() {
            let horizon = now + TimeDelta::days(ROTA_HORIZON_DAYS);
            let anyone = self.shifts.iter().any(|shift| {
                !Hours::new(&shift.hours, timezone, country)
                    .open_spells(now, horizon)
                    .is_empty()
            });
            if !anyone {
                return Err(("shifts".into(), RotaError::NobodyOnCall));
            }
        }
        Ok(())
    }

    /// Who is on call at `at`, first in the chain first: people covering by
    /// override (earliest start first), then those whose weekly shift is on,
    /// in rota order; each person once.
    pub fn on_call_at(
        &self,
        timezone: Timezone,
        country: CountryCode,
        at: DateTime<Utc>,
    ) -> Vec<Uuid> {
        let mut covering: Vec<&Override> = self
            .overrides
            .iter()
            .filter(|cover| cover.starts_at <= at && at < cover.ends_at)
            .collect();
        covering.sort_by_key(|cover| cover.starts_at);
        let on_shift = self
            .shifts
            .iter()
            .filter(|shift| Hours::new(&shift.hours, timezone, country).is_open(at))
            .map(|shift| shift.user_id);
        let mut people = Vec::new();
        for person in covering.iter().map(|cover| cover.user_id).chain(on_shift) {
            if !people.contains(&person) {
                people.push(person);
            }
        }
        people
    }

    /// The spans from `from` over the next `days` in which nobody is on
    /// call. A rota without shifts or overrides has no gaps: the site's
    /// primary referral contact stands in for it.
    pub fn gaps(
        &self,
        timezone: Timezone,
        country: CountryCode,
        from: DateTime<Utc>,
        days: i64,
    ) -> Vec<Span> {
        if self.is_empty() {
            return Vec::new();
        }
        let to = from + TimeDelta::days(days);
        let mut covered: Vec<(DateTime<Utc>, DateTime<Utc>)> = self
            .shifts
            .iter()
            .flat_map(|shift| Hours::new(&shift.hours, timezone, country).open_spells(from, to))
            .chain(
                self.overrides
                    .iter()
                    .filter(|cover| cover.ends_at > from && cover.starts_at < to)
                    .map(|cover| (cover.starts_at.max(from), cover.ends_at.min(to))),
            )
            .collect();
        covered.sort();
        let mut gaps = Vec::new();
        let mut reached = from;
        for (start, end) in covered {
            if start > reached {
                gaps.push(Span {
                    starts_at: reached,
                    ends_at: start,
                });
            }
            reached = reached.max(end);
        }
        if reached < to {
            gaps.push(Span {
                starts_at: reached,
                ends_at: to,
            });
        }
        gaps
    }

    /// `person`'s spans on call from `from` over the next `days`: weekly
    /// shifts and overrides, merged, in order.
    pub fn shifts_of(
        &self,
        person: Uuid,
        timezone: Timezone,
        country: CountryCode,
        from: DateTime<Utc>,
        days: i64,
    ) -> Vec<Span> {
        let to = from + TimeDelta::days(days);
        let mut spans: Vec<(DateTime<Utc>, DateTime<Utc>)> = self
            .shifts
            .iter()
            .filter(|shift| shift.user_id == person)
            .flat_map(|shift| Hours::new(&shift.hours, timezone, country).open_spells(from, to))
            .chain(
                self.overrides
                    .iter()
                    .filter(|cover| {
                        cover.user_id == person && cover.ends_at > from && cover.starts_at < to
                    })
                    .map(|cover| (cover.starts_at.max(from), cover.ends_at.min(to))),
            )
            .collect();
        spans.sort();
        let mut merged: Vec<Span> = Vec::new();
        for (start, end) in spans {
            match merged.last_mut() {
                Some(last) if last.ends_at >= start => last.ends_at = last.ends_at.max(end),
                _ => merged.push(Span {
                    starts_at: start,
                    ends_at: end,
                }),
            }
        }
        merged
    }

    /// The rota without overrides that ended before `now`.
    pub fn without_past_overrides(mut self, now: DateTime<Utc>) -> Self {
        self.overrides.retain(|cover| cover.ends_at > now);
        self
    }
}

/// What an acknowledgement chain does when its step's time runs out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep<P> {
    /// Alert the next person on call.
    Person(P),
    /// Alert the organization's admins not alerted yet, all at once.
    Admins(Vec<P>),
    /// Everyone has been alerted and nobody acknowledged.
    Exhausted,
}

/// The next step of a chain: the first person on call now who has not been
/// alerted, else the admins who have not been, else the end. `on_call` is
/// in chain order (see [`Rota::on_call_at`]); `alerted` is everyone the
/// chain has alerted so far.
pub fn next_step<P: PartialEq + Clone>(on_call: &[P], admins: &[P], alerted: &[P]) -> NextStep<P> {
    if let Some(person) = on_call.iter().find(|person| !alerted.contains(person)) {
        return NextStep::Person(person.clone());
    }
    let admins: Vec<P> = admins
        .iter()
        .filter(|admin| !alerted.contains(admin))
        .cloned()
        .collect();
    if admins.is_empty() {
        NextStep::Exhausted
    } else {
        NextStep::Admins(admins)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn marked_times_are_written_in_the_recipients_timezone() {
        let at = Utc.with_ymd_and_hms(2026, 12, 7, 23, 30, 0).unwrap();
        let text = format!("The loan ended at {}.", time_mark(at));
        assert_eq!(
            in_timezone(&text, Timezone::parse("Europe/London").unwrap()),
            "The loan ended at 7 Dec 23:30 GMT."
        );
        assert_eq!(
            in_timezone(&text, Timezone::parse("Europe/Berlin").unwrap()),
            "The loan ended at 8 Dec 00:30 CET."
        );
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 8, 0, 0).unwrap();
        assert_eq!(
            in_timezone(
                &format!("{} to {}", time_mark(summer), time_mark(at)),
                Timezone::parse("America/New_York").unwrap()
            ),
            "1 Jul 04:00 EDT to 7 Dec 18:30 EST"
        );
    }

    #[test]
    fn text_without_a_readable_mark_is_kept() {
        let london = Timezone::parse("Europe/London").unwrap();
        assert_eq!(in_timezone("no times here", london), "no times here");
        assert_eq!(
            in_timezone("[[time soon]] and [[time", london),
            "[[time soon]] and [[time"
        );
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    fn london() -> (Timezone, CountryCode) {
        (
            Timezone::parse("Europe/London").unwrap(),
            CountryCode::parse("GB").unwrap(),
        )
    }

    fn shift(user: u128, hours: &str) -> Shift {
        Shift {
            user_id: Uuid::from_u128(user),
            hours: OpeningHoursText::parse(hours).unwrap(),
        }
    }

    #[test]
    fn urgent_kinds_cannot_be_turned_down() {
        let mut preferences = AlertPreferences::defaults(london().0);
        assert_eq!(
            preferences.mode_for(AlertKind::AuditDue),
            DeliveryMode::Digest
        );
        assert_eq!(
            preferences.mode_for(AlertKind::CaseMessage),
            DeliveryMode::Immediate
        );
        preferences
            .modes
            .insert(AlertKind::CaseMessage, DeliveryMode::InboxOnly);
        assert_eq!(
            preferences.mode_for(AlertKind::CaseMessage),
            DeliveryMode::InboxOnly
        );
        assert_eq!(preferences.check(), Ok(()));
        preferences
            .modes
            .insert(AlertKind::UrgentReferral, DeliveryMode::InboxOnly);
        assert_eq!(
            preferences.check(),
            Err((
                "modes",
                PreferencesError::UrgentKind(AlertKind::UrgentReferral)
            ))
        );
        assert_eq!(
            preferences.mode_for(AlertKind::UrgentReferral),
            DeliveryMode::Immediate
        );
        assert!(!AlertKind::choosable().any(AlertKind::is_urgent));
    }

    #[test]
    fn quiet_hours_hold_back_all_but_urgent_mail() {
        let mut preferences = AlertPreferences::defaults(london().0);
        preferences.quiet_hours = Some(OpeningHoursText::parse("Mo-Su 22:00-07:00").unwrap());
        let quiet = preferences.quiet_hours_at().unwrap();
        // 02:00 in London in winter is 02:00 UTC.
        let night = utc("2026-12-08T02:00:00Z");
        assert_eq!(
            send_after_quiet_hours(false, Some(&quiet), night),
            utc("2026-12-08T07:00:00Z")
        );
        assert_eq!(send_after_quiet_hours(true, Some(&quiet), night), night);
        let day = utc("2026-12-08T12:00:00Z");
        assert_eq!(send_after_quiet_hours(false, Some(&quiet), day), day);
        assert_eq!(send_after_quiet_hours(false, None, night), night);
        preferences.quiet_hours = Some(OpeningHoursText::parse("24/7").unwrap());
        assert_eq!(
            preferences.check(),
            Err(("quiet_hours", PreferencesError::AlwaysQuiet))
        );
    }

    #[test]
    fn a_digest_is_due_once_a_day_from_the_chosen_local_hour() {
        let tokyo = Timezone::parse("Asia/Tokyo").unwrap();
        // 23:30 UTC on the 7th is 08:30 on the 8th in Tokyo.
        let now = utc("2026-12-07T23:30:00Z");
        let today = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        assert_eq!(digest_due(now, tokyo, 8, None), Some(today));
        assert_eq!(
            digest_due(now, tokyo, 9, None),
            None,
            "not yet nine in Tokyo"
        );
        assert_eq!(
            digest_due(now, tokyo, 8, Some(today)),
            None,
            "sent today already"
        );
        assert_eq!(digest_due(now, tokyo, 8, today.pred_opt()), Some(today));
    }

    #[test]
    fn acknowledge_times_are_checked_and_read_per_tier() {
        let times = AcknowledgeTimes::default();
        assert_eq!(times.minutes(Tier::Immediate), 5);
        assert_eq!(times.minutes(Tier::VeryUrgent), 10);
        assert_eq!(times.check(), Ok(()));
        let backwards = AcknowledgeTimes {
            immediate: 10,
            very_urgent: 5,
        };
        assert_eq!(
            backwards.check(),
            Err(("very_urgent", AcknowledgeTimesError::Order))
        );
        let zero = AcknowledgeTimes {
            immediate: 0,
            very_urgent: 5,
        };
        assert_eq!(
            zero.check(),
            Err(("immediate", AcknowledgeTimesError::Range))
        );
    }

    #[test]
    fn the_night_shift_is_on_call_at_two_and_an_override_goes_first() {
        let (timezone, country) = london();
        let rota = Rota {
            shifts: vec![
                shift(1, "Mo-Fr 08:00-18:00"),
                shift(2, "Mo-Su 18:00-08:00"),
                shift(3, "Mo-Su 00:00-24:00"),
            ],
            overrides: vec![Override {
                user_id: Uuid::from_u128(4),
                starts_at: utc("2026-12-12T18:00:00Z"),
                ends_at: utc("2026-12-13T08:00:00Z"),
                note: None,
            }],
        };
        // Tuesday 8 December 2026, 02:00 in London.
        assert_eq!(
            rota.on_call_at(timezone, country, utc("2026-12-08T02:00:00Z")),
            [Uuid::from_u128(2), Uuid::from_u128(3)]
        );
        assert_eq!(
            rota.on_call_at(timezone, country, utc("2026-12-08T10:00:00Z")),
            [Uuid::from_u128(1), Uuid::from_u128(3)]
        );
        // Saturday night: the cover first, then the regular night shift.
        assert_eq!(
            rota.on_call_at(timezone, country, utc("2026-12-12T23:00:00Z")),
            [Uuid::from_u128(4), Uuid::from_u128(2), Uuid::from_u128(3)]
        );
        assert!(
            rota.gaps(timezone, country, utc("2026-12-07T00:00:00Z"), 7)
                .is_empty()
        );
    }

    #[test]
    fn gaps_are_the_times_nobody_is_on_call() {
        let (timezone, country) = london();
        let rota = Rota {
            shifts: vec![shift(1, "Mo-Fr 08:00-18:00")],
            overrides: vec![],
        };
        // Monday 7 December 2026, midnight in London (UTC in winter).
        let gaps = rota.gaps(timezone, country, utc("2026-12-07T00:00:00Z"), 1);
        assert_eq!(
            gaps,
            [
                Span {
                    starts_at: utc("2026-12-07T00:00:00Z"),
                    ends_at: utc("2026-12-07T08:00:00Z")
                },
                Span {
                    starts_at: utc("2026-12-07T18:00:00Z"),
                    ends_at: utc("2026-12-08T00:00:00Z")
                },
            ]
        );
        assert!(
            Rota::default()
                .gaps(timezone, country, utc("2026-12-07T00:00:00Z"), 1)
                .is_empty()
        );
        let mine = rota.shifts_of(
            Uuid::from_u128(1),
            timezone,
            country,
            utc("2026-12-07T00:00:00Z"),
            2,
        );
        assert_eq!(mine.len(), 2);
        assert_eq!(mine[0].starts_at, utc("2026-12-07T08:00:00Z"));
    }

    #[test]
    fn a_rota_that_leaves_nobody_on_call_is_refused() {
        let (timezone, country) = london();
        let now = utc("2026-12-07T00:00:00Z");
        let never = Rota {
            shifts: vec![shift(1, "off")],
            overrides: vec![],
        };
        assert_eq!(
            never.check(timezone, country, now, |_| true),
            Err(("shifts".to_owned(), RotaError::NobodyOnCall))
        );
        let stranger = Rota {
            shifts: vec![shift(9, "24/7")],
            overrides: vec![],
        };
        assert_eq!(
            stranger.check(timezone, country, now, |id| id != Uuid::from_u128(9)),
            Err(("shifts[0].user_id".to_owned(), RotaError::NotAMember))
        );
        let backwards = Rota {
            shifts: vec![],
            overrides: vec![Override {
                user_id: Uuid::from_u128(1),
                starts_at: now,
                ends_at: now,
                note: None,
            }],
        };
        assert_eq!(
            backwards.check(timezone, country, now, |_| true),
            Err(("overrides[0].ends_at".to_owned(), RotaError::OverrideOrder))
        );
        assert_eq!(
            Rota::default().check(timezone, country, now, |_| true),
            Ok(())
        );
    }

    #[test]
    fn a_chain_goes_through_the_people_on_call_then_the_admins_then_ends() {
        let on_call = ["okafor", "lee"];
        let admins = ["ada", "lee"];
        assert_eq!(
            next_step(&on_call, &admins, &[]),
            NextStep::Person("okafor")
        );
        assert_eq!(
            next_step(&on_call, &admins, &["okafor"]),
            NextStep::Person("lee")
        );
        assert_eq!(
            next_step(&on_call, &admins, &["okafor", "lee"]),
            NextStep::Admins(vec!["ada"])
        );
        assert_eq!(
            next_step(&on_call, &admins, &["okafor", "lee", "ada"]),
            NextStep::Exhausted
        );
        assert_eq!(next_step::<&str>(&[], &[], &[]), NextStep::Exhausted);
        assert_eq!(
            next_step(&[], &admins, &[]),
            NextStep::Admins(vec!["ada", "lee"])
        );
    }
}

//! Opening hours in OpenStreetMap `opening_hours` syntax, evaluated in the
//! site's own timezone with its country's public holidays.
//!
//! Parsing and evaluation belong to the `opening-hours` crate (the reference
//! Rust implementation of the OSM grammar, with the nager public-holiday
//! database); this module validates the text people type, attaches the site's
//! timezone and holidays, and answers the questions the directory asks:
//! *open at this instant, and until when?* and *what are the hours this week?*

use std::str::FromStr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use opening_hours::localization::{Country, TzLocation};
use opening_hours::{Context, OpeningHours, RuleKind};
use serde::{Deserialize, Serialize};

use crate::text::TextError;

/// An `opening_hours` expression that parses, such as
/// `Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(value_type = String, example = "Mo-Fr 08:00-19:00; Sa 09:00-13:00; PH off")
)]
#[serde(try_from = "String", into = "String")]
pub struct OpeningHoursText(String);

impl OpeningHoursText {
    /// The longest expression accepted, in characters.
    const LONGEST: usize = 500;

    /// Checks that `input` is a valid expression.
    pub fn parse(input: impl Into<String>) -> Result<Self, TextError> {
        let text = Self::within_limits(input.into())?;
        text.0.parse::<OpeningHours>().map_err(|_| {
            TextError::Malformed(
                "must be OpenStreetMap opening_hours syntax, e.g. `Mo-Fr 08:00-18:00; PH off`",
            )
        })?;
        Ok(text)
    }

    /// Trims `input` and checks that it is neither empty nor too long, without checking its
    /// grammar.
    fn within_limits(input: String) -> Result<Self, TextError> {
        let text = input.trim().to_owned();
        if text.is_empty() {
            return Err(TextError::Empty);
        }
        if text.chars().count() > Self::LONGEST {
            return Err(TextError::TooLong(Self::LONGEST));
        }
        Ok(Self(text))
    }

    /// The expression as typed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How an expression is read from JSON.
///
/// On the server, and wherever else Warren reads input, it must parse ([`OpeningHoursText::parse`]).
/// In the browser app (wasm32) an expression read from JSON came from Warren's server, which only
/// ever stores expressions that parse, so there only its length is checked: checking the grammar
/// again would put the whole OpenStreetMap grammar (over 100 KB of WebAssembly) into the
/// first download of every page that shows a volunteer's availability or a person's quiet hours.
/// The browser's forms still check what a person types with [`OpeningHoursText::parse`], in the
/// pages that have them.
impl TryFrom<String> for OpeningHoursText {
    type Error = TextError;

    #[cfg(not(target_arch = "wasm32"))]
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }

    #[cfg(target_arch = "wasm32")]
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::within_limits(value)
    }
}

impl From<OpeningHoursText> for String {
    fn from(value: OpeningHoursText) -> Self {
        value.0
    }
}

/// An IANA timezone name such as `Europe/London`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "Europe/London"))]
#[serde(try_from = "String", into = "String")]
pub struct Timezone(Tz);

impl Timezone {
    /// Checks that `input` names an IANA timezone.
    pub fn parse(input: &str) -> Result<Self, TextError> {
        Tz::from_str(input.trim())
            .map(Self)
            .map_err(|_| TextError::Malformed("must be an IANA timezone such as Europe/London"))
    }

    /// The timezone.
    pub fn tz(self) -> Tz {
        self.0
    }

    /// Its IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

impl TryFrom<String> for Timezone {
    type Error = TextError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Timezone> for String {
    fn from(value: Timezone) -> Self {
        value.0.name().to_owned()
    }
}

/// An ISO 3166-1 alpha-2 country code whose public holidays Warren knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "GB"))]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(Country);

impl CountryCode {
    /// Checks that `input` is a country with a public-holiday calendar.
    pub fn parse(input: &str) -> Result<Self, TextError> {
        Country::from_str(&input.trim().to_ascii_uppercase())
            .map(Self)
            .map_err(|_| TextError::Malformed("must be an ISO 3166 country code such as GB"))
    }

    /// The two-letter code.
    pub fn as_str(self) -> String {
        format!("{:?}", self.0)
    }
}

impl TryFrom<String> for CountryCode {
    type Error = TextError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CountryCode> for String {
    fn from(value: CountryCode) -> Self {
        value.as_str()
    }
}

/// What the hours say at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoursState {
    /// Open; `until` is when it closes, `None` when it never does.
    Open {
        /// When the site closes next.
        until: Option<DateTime<Utc>>,
    },
    /// Closed; `opens_at` is when it opens next, `None` when never.
    Closed {
        /// When the site opens next.
        opens_at: Option<DateTime<Utc>>,
    },
    /// The expression says the state is unknown (e.g. "by appointment").
    Unknown,
}

/// One interval of a day's hours, in the site's local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocalInterval {
    /// Local start, `HH:MM`.
    pub start: String,
    /// Local end, `HH:MM` (`24:00` for midnight).
    pub end: String,
    /// Whether this is open time or time whose state is unknown.
    pub unknown: bool,
}

/// One day of a site's hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayHours {
    /// The local date.
    pub date: NaiveDate,
    /// Whether the country has a public holiday that day.
    pub public_holiday: bool,
    /// Open intervals, in order; empty when closed all day.
    pub intervals: Vec<LocalInterval>,
}

/// Remembers the last evaluated interval so repeated questions about nearby
/// instants (every search asks about "now") cost a comparison.
#[derive(Debug, Clone, Copy)]
struct Memo {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    state: HoursState,
}

/// A site's hours, ready to evaluate.
#[derive(Debug, Clone)]
pub struct Hours {
    expression: OpeningHours<TzLocation<Tz>>,
    timezone: Tz,
    /// Whose public holidays `PH` means; none for a person's own hours.
    country: Option<Country>,
    memo: Arc<Mutex<Option<Memo>>>,
}

impl Hours {
    /// Attaches the site's timezone and country holidays to its expression.
    pub fn new(text: &OpeningHoursText, timezone: Timezone, country: CountryCode) -> Self {
        let context = Context::default()
            .with_holidays(country.0.holidays())
            .with_locale(TzLocation::new(timezone.0))
            .approx_bound_interval_size(chrono::TimeDelta::days(370));
        let expression = text
            .0
            .parse::<OpeningHours>()
            .expect("OpeningHoursText only holds expressions that parse")
            .with_context(context);
        Self {
            expression,
            timezone: timezone.0,
            country: Some(country.0),
            memo: Arc::default(),
        }
    }

    /// A person's own hours (quiet hours, say): the expression in their
    /// timezone, where `PH` matches no day.
    pub fn personal(text: &OpeningHoursText, timezone: Timezone) -> Self {
        let context = Context::default()
            .with_locale(TzLocation::new(timezone.0))
            .approx_bound_interval_size(chrono::TimeDelta::days(370));
        let expression = text
            .0
            .parse::<OpeningHours>()
            .expect("OpeningHoursText only holds expressions that parse")
            .with_context(context);
        Self {
            expression,
            timezone: timezone.0,
            country: None,
            memo: Arc::default(),
        }
    }

    /// The site's timezone.
    pub fn timezone(&self) -> Tz {
        self.timezone
    }

    /// The state at `at`, and until when it lasts.
    pub fn state_at(&self, at: DateTime<Utc>) -> HoursState {
        if let Ok(memo) = self.memo.lock()
            && let Some(memo) = *memo
            && memo.from <= at
            && at < memo.to
        {
            return memo.state;
        }
        let local = at.with_timezone(&self.timezone);
        let mut intervals = self.expression.iter_from(local);
        let Some(first) = intervals.next() else {
            return HoursState::Closed { opens_at: None };
        };
        // The evaluator may cut one state into several intervals (at
        // midnight, say): merge them over the next fortnight, and note what
        // follows.
        let horizon = at + chrono::Duration::days(15);
        let mut end = first.range.end.with_timezone(&Utc);
        let mut following = None;
        for interval in intervals {
            if end >= horizon {
                break;
            }
            if interval.kind == first.kind {
                end = interval.range.end.with_timezone(&Utc);
            } else {
                following = Some(interval.kind);
                break;
            }
        }
        let change = (end.year() < 9999 && end < horizon).then_some(end);
        let state = match first.kind {
            RuleKind::Open => HoursState::Open { until: change },
            // A closed spell followed by an unknown one does not really open.
            RuleKind::Closed => HoursState::Closed {
                opens_at: change.filter(|_| following == Some(RuleKind::Open)),
            },
            RuleKind::Unknown => HoursState::Unknown,
        };
        if let Ok(mut memo) = self.memo.lock() {
            *memo = Some(Memo {
                from: at,
                to: end,
                state,
            });
        }
        state
    }

    /// The open spells between `from` and `to`, clipped to them, in order
    /// and merged where one ends as the next begins. Time whose state the
    /// expression leaves unknown does not count as open.
    pub fn open_spells(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let mut spells: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
        if to <= from {
            return spells;
        }
        let start = from.with_timezone(&self.timezone);
        let end = to.with_timezone(&self.timezone);
        for range in self.expression.iter_range(start, end) {
            if range.kind != RuleKind::Open {
                continue;
            }
            let spell_start = range.range.start.with_timezone(&Utc).max(from);
            let spell_end = range.range.end.with_timezone(&Utc).min(to);
            if spell_end <= spell_start {
                continue;
            }
            match spells.last_mut() {
                Some(last) if last.1 >= spell_start => last.1 = last.1.max(spell_end),
                _ => spells.push((spell_start, spell_end)),
            }
        }
        spells
    }

    /// Whether the site is open at `at`.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        matches!(self.state_at(at), HoursState::Open { .. })
    }

    /// The hours of the seven local days starting with the day of `from`.
    pub fn week(&self, from: DateTime<Utc>) -> Vec<DayHours> {
        let first = from.with_timezone(&self.timezone).date_naive();
        let holidays = self.country.map(|country| country.holidays());
        (0..7)
            .filter_map(|offset| first.checked_add_days(Days::new(offset)))
            .map(|date| {
                let start = self.local_midnight(date);
                let end = self.local_midnight(date + Days::new(1));
                let intervals = self
                    .expression
                    .iter_range(start, end)
                    .filter(|range| range.kind != RuleKind::Closed)
                    .map(|range| LocalInterval {
                        start: hh_mm(range.range.start.time(), false),
                        end: hh_mm(range.range.end.time(), range.range.end.date_naive() > date),
                        unknown: range.kind == RuleKind::Unknown,
                    })
                    .collect();
                DayHours {
                    date,
                    public_holiday: holidays
                        .as_ref()
                        .is_some_and(|holidays| holidays.get_public().contains(date)),
                    intervals,
                }
            })
            .collect()
    }

    fn local_midnight(&self, date: NaiveDate) -> DateTime<Tz> {
        let naive = date.and_time(NaiveTime::MIN);
        self.timezone
            .from_local_datetime(&naive)
            .earliest()
            .unwrap_or_else(|| self.timezone.from_utc_datetime(&naive))
    }

    /// The local date of an instant in the site's timezone.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.timezone).date_naive()
    }

    /// Formats an instant as local `HH:MM` in the site's timezone.
    pub fn local_time(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.timezone).format("%H:%M").to_string()
    }

    /// Formats an instant as a local weekday and time, e.g. `Mon 08:00`.
    pub fn local_day_time(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.timezone)
            .format("%a %H:%M")
            .to_string()
    }
}

fn hh_mm(time: NaiveTime, next_day_midnight: bool) -> String {
    if next_day_midnight && time == NaiveTime::MIN {
        "24:00".to_owned()
    } else {
        time.format("%H:%M").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(text: &str) -> Hours {
        Hours::new(
            &OpeningHoursText::parse(text).unwrap(),
            Timezone::parse("Europe/London").unwrap(),
            CountryCode::parse("GB").unwrap(),
        )
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn bad_expressions_and_timezones_are_refused() {
        assert!(OpeningHoursText::parse("Mo-Fr 08:00-18:00").is_ok());
        assert!(OpeningHoursText::parse("whenever we like").is_err());
        assert!(Timezone::parse("Europe/Atlantis").is_err());
        assert!(CountryCode::parse("gb").is_ok());
        assert!(CountryCode::parse("XX").is_err());
    }

    #[test]
    fn hours_are_read_in_the_sites_timezone() {
        // 2026-07-06 is a Monday; London is on BST (UTC+1).
        let weekday = hours("Mo-Fr 08:00-18:00");
        assert_eq!(
            weekday.state_at(utc("2026-07-06T07:30:00Z")),
            HoursState::Open {
                until: Some(utc("2026-07-06T17:00:00Z"))
            }
        );
        assert_eq!(
            weekday.state_at(utc("2026-07-06T06:30:00Z")),
            HoursState::Closed {
                opens_at: Some(utc("2026-07-06T07:00:00Z"))
            }
        );
    }

    #[test]
    fn public_holidays_close_a_site_that_says_ph_off() {
        // 2026-12-25 is a Friday and a public holiday in the UK.
        let clinic = hours("Mo-Fr 08:00-18:00; PH off");
        assert!(!clinic.is_open(utc("2026-12-25T12:00:00Z")));
        assert!(clinic.is_open(utc("2026-12-24T12:00:00Z")));
        let week = clinic.week(utc("2026-12-21T12:00:00Z"));
        assert_eq!(week.len(), 7);
        assert!(week[4].public_holiday);
        assert!(week[4].intervals.is_empty());
        assert_eq!(week[3].intervals[0].start, "08:00");
    }

    #[test]
    fn a_weekend_closure_reopens_on_monday() {
        // Saturday 21 November 2026, 23:00 in London.
        let clinic = hours("Mo-Fr 08:00-19:00");
        assert_eq!(
            clinic.state_at(utc("2026-11-21T23:00:00Z")),
            HoursState::Closed {
                opens_at: Some(utc("2026-11-23T08:00:00Z"))
            }
        );
        let late = hours("Mo-Su 00:00-24:00");
        assert_eq!(
            late.state_at(utc("2026-11-21T23:00:00Z")),
            HoursState::Open { until: None },
            "open every hour of every day never closes within the horizon"
        );
        let appointments = hours("Mo-Fr 10:00-12:00; Sa 10:00-12:00 unknown");
        assert_eq!(
            appointments.state_at(utc("2026-11-20T20:00:00Z")),
            HoursState::Closed { opens_at: None },
            "Saturday's hours are unknown, so Friday evening does not promise an opening"
        );
    }

    #[test]
    fn always_open_never_closes() {
        let hospital = hours("24/7");
        assert_eq!(
            hospital.state_at(utc("2026-03-01T03:00:00Z")),
            HoursState::Open { until: None }
        );
        let day = &hospital.week(utc("2026-03-01T03:00:00Z"))[0];
        assert_eq!(day.intervals[0].start, "00:00");
        assert_eq!(day.intervals[0].end, "24:00");
    }

    #[test]
    fn open_spells_are_clipped_and_merged_across_midnight() {
        // Monday 6 July 2026 in London (UTC+1): a night shift 22:00-06:00.
        let nights = hours("Mo-Su 22:00-06:00");
        let spells = nights.open_spells(utc("2026-07-06T12:00:00Z"), utc("2026-07-07T12:00:00Z"));
        assert_eq!(
            spells,
            [(utc("2026-07-06T21:00:00Z"), utc("2026-07-07T05:00:00Z"))]
        );
        let clipped = nights.open_spells(utc("2026-07-06T23:00:00Z"), utc("2026-07-07T01:00:00Z"));
        assert_eq!(
            clipped,
            [(utc("2026-07-06T23:00:00Z"), utc("2026-07-07T01:00:00Z"))]
        );
        assert!(
            nights
                .open_spells(utc("2026-07-07T12:00:00Z"), utc("2026-07-07T12:00:00Z"))
                .is_empty()
        );
    }

    #[test]
    fn repeated_questions_give_the_same_answer() {
        let clinic = hours("Mo-Su 09:00-17:00");
        let first = clinic.state_at(utc("2026-02-02T10:00:00Z"));
        let again = clinic.state_at(utc("2026-02-02T11:00:00Z"));
        assert_eq!(first, again);
        assert!(!clinic.is_open(utc("2026-02-02T18:00:00Z")));
        assert!(clinic.is_open(utc("2026-02-02T10:30:00Z")));
    }
}

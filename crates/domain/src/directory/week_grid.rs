//! Opening hours as a receptionist thinks of them: a row per weekday with
//! one or more from–to ranges or "closed", "open 24/7", and whether the site
//! opens on public holidays — and the conversion to and from the
//! OpenStreetMap `opening_hours` text the directory stores.
//!
//! The grid covers the common subset of the syntax: rules of weekdays
//! (`Mo`, `Mo-Fr`, `Sa,Su`) or `PH` with time ranges (`08:00-12:30,14:00-18:00`)
//! or `off`, separated by `;`, later rules replacing earlier ones for their
//! days, and `24/7`. Anything richer (months, week numbers, `SH`, comments,
//! fallback rules…) is valid OSM but has no place in the grid: [`WeekGrid::from_text`]
//! says so and the form shows the text instead. The `opening-hours` crate
//! evaluates the text; it has no writer, so this module writes the subset
//! itself.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::hours::OpeningHoursText;

/// The weekdays in OSM's order and spelling.
pub const WEEKDAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

/// The weekdays' names, for people.
pub const WEEKDAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// One opening range of a day, in minutes after local midnight; `to` may be
/// 1440 (midnight at the end of the day) or lower than `from` (open past
/// midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    /// Opens, minutes after midnight.
    pub from: u16,
    /// Closes, minutes after midnight.
    pub to: u16,
}

impl TimeRange {
    /// Reads `HH:MM`-`HH:MM` (`24:00` allowed as an end).
    pub fn parse(text: &str) -> Option<Self> {
        let (from, to) = text.trim().split_once('-')?;
        let from = minutes(from)?;
        let to = minutes(to)?;
        (from < 24 * 60 && from != to).then_some(Self { from, to })
    }

    /// Reads a time typed in a form (`08:00`, `8:00`, `24:00`).
    pub fn time(text: &str) -> Option<u16> {
        minutes(text)
    }

    /// `HH:MM` of a number of minutes after midnight.
    pub fn clock(minutes: u16) -> String {
        format!("{:02}:{:02}", minutes / 60, minutes % 60)
    }
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", Self::clock(self.from), Self::clock(self.to))
    }
}

fn minutes(text: &str) -> Option<u16> {
    let (hours, minutes) = text.trim().split_once(':')?;
    if hours.is_empty() || hours.len() > 2 || minutes.len() != 2 {
        return None;
    }
    let hours: u16 = hours.parse().ok()?;
    let minutes: u16 = minutes.parse().ok()?;
    (minutes < 60 && (hours < 24 || (hours == 24 && minutes == 0))).then_some(hours * 60 + minutes)
}

/// What the site does on public holidays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HolidayRule {
    /// The weekday's usual hours.
    AsUsual,
    /// Closed.
    Closed,
    /// Open at these times instead.
    Open(Vec<TimeRange>),
}

/// A week of opening hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekGrid {
    /// Open around the clock every day (public holidays aside).
    pub always_open: bool,
    /// Monday to Sunday: the day's ranges, empty when closed all day.
    pub days: [Vec<TimeRange>; 7],
    /// Public holidays.
    pub public_holidays: HolidayRule,
}

impl Default for WeekGrid {
    fn default() -> Self {
        Self {
            always_open: false,
            days: Default::default(),
            public_holidays: HolidayRule::AsUsual,
        }
    }
}

/// Why a text cannot be shown as a grid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GridError {
    /// The text is not valid `opening_hours` syntax; the message says, in
    /// words, which rule and how to write it.
    #[error("{0}")]
    Invalid(String),
    /// Valid, but richer than the grid: the rule it cannot show.
    #[error("the grid cannot show the rule “{0}”: edit it as text")]
    Unsupported(String),
}

/// What a wrong hours text gets as its one error: which rule is not
/// understood and how to write one, instead of the parser's raw report.
pub fn describe_invalid(text: &str) -> String {
    const HOW: &str = "write days as Mo Tu We Th Fr Sa Su and times as 08:00-18:00, \
                       e.g. “Mo-Fr 08:00-18:00; Sa 09:00-13:00; PH off”";
    let rules: Vec<&str> = text
        .split(';')
        .map(str::trim)
        .filter(|rule| !rule.is_empty())
        .collect();
    match rules
        .iter()
        .find(|rule| OpeningHoursText::parse(**rule).is_err())
    {
        Some(rule) if rules.len() > 1 || *rule != text.trim() => {
            format!("The hours “{rule}” are not understood: {HOW}.")
        }
        _ => format!("These hours are not understood: {HOW}."),
    }
}

fn times(text: &str) -> Option<Vec<TimeRange>> {
    match text.trim() {
        "off" | "closed" => Some(Vec::new()),
        ranges => ranges.split(',').map(TimeRange::parse).collect(),
    }
}

/// Which weekdays (and whether `PH`) a selector such as `Mo-Fr,Su` names.
fn selector(text: &str) -> Option<([bool; 7], bool)> {
    let mut days = [false; 7];
    let mut holidays = false;
    for part in text.split(',') {
        let part = part.trim();
        if part == "PH" {
            holidays = true;
            continue;
        }
        let day = |name: &str| WEEKDAYS.iter().position(|day| *day == name);
        match part.split_once('-') {
            Some((first, last)) => {
                let (first, last) = (day(first)?, day(last)?);
                let mut index = first;
                loop {
                    days[index] = true;
                    if index == last {
                        break;
                    }
                    index = (index + 1) % 7;
                }
            }
            None => days[day(part)?] = true,
        }
    }
    Some((days, holidays))
}

impl WeekGrid {
    /// The grid of an `opening_hours` text; an empty text is a week closed
    /// every day.
    pub fn from_text(text: &str) -> Result<Self, GridError> {
        let mut grid = Self::default();
        if text.trim().is_empty() {
            return Ok(grid);
        }
        if OpeningHoursText::parse(text).is_err() {
            return Err(GridError::Invalid(describe_invalid(text)));
        }
        let unsupported = |rule: &str| GridError::Unsupported(rule.to_owned());
        for rule in text.split(';').map(str::trim).filter(|r| !r.is_empty()) {
            if rule == "24/7" {
                if grid.days.iter().any(|day| !day.is_empty()) {
                    return Err(unsupported(rule));
                }
                grid.always_open = true;
                continue;
            }
            let (days, holidays, ranges) = match times(rule) {
                // Times alone apply to every day.
                Some(ranges) => ([true; 7], false, ranges),
                None => {
                    let (head, tail) = rule
                        .split_once(char::is_whitespace)
                        .ok_or_else(|| unsupported(rule))?;
                    let (days, holidays) = selector(head).ok_or_else(|| unsupported(rule))?;
                    (
                        days,
                        holidays,
                        times(tail).ok_or_else(|| unsupported(rule))?,
                    )
                }
            };
            if grid.always_open && days.iter().any(|day| *day) {
                return Err(unsupported(rule));
            }
            for (index, _) in days.iter().enumerate().filter(|(_, named)| **named) {
                grid.days[index] = ranges.clone();
            }
            if holidays {
                grid.public_holidays = if ranges.is_empty() {
                    HolidayRule::Closed
                } else {
                    HolidayRule::Open(ranges)
                };
            }
        }
        Ok(grid)
    }

    /// The `opening_hours` text of the grid: consecutive days with the same
    /// ranges share a rule (`Mo-Fr 08:00-18:00`), closed days are left out
    /// (OSM's default), holidays come last. Empty when the site is never
    /// open.
    pub fn to_text(&self) -> String {
        let mut rules = Vec::new();
        if self.always_open {
            rules.push("24/7".to_owned());
        } else {
            let mut start = 0;
            while start < 7 {
                let ranges = &self.days[start];
                let mut end = start;
                while end + 1 < 7 && self.days[end + 1] == *ranges {
                    end += 1;
                }
                if !ranges.is_empty() {
                    let days = if start == end {
                        WEEKDAYS[start].to_owned()
                    } else {
                        format!("{}-{}", WEEKDAYS[start], WEEKDAYS[end])
                    };
                    rules.push(format!("{days} {}", join(ranges)));
                }
                start = end + 1;
            }
        }
        match &self.public_holidays {
            HolidayRule::AsUsual => {}
            HolidayRule::Closed if !rules.is_empty() => rules.push("PH off".into()),
            HolidayRule::Closed => {}
            HolidayRule::Open(ranges) if ranges.is_empty() => {}
            HolidayRule::Open(ranges) => rules.push(format!("PH {}", join(ranges))),
        }
        rules.join("; ")
    }
}

fn join(ranges: &[TimeRange]) -> String {
    ranges
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(from: &str, to: &str) -> TimeRange {
        TimeRange {
            from: TimeRange::time(from).unwrap(),
            to: TimeRange::time(to).unwrap(),
        }
    }

    #[test]
    fn a_grid_writes_grouped_rules() {
        let mut grid = WeekGrid::default();
        for day in 0..5 {
            grid.days[day] = vec![range("08:00", "12:30"), range("14:00", "18:00")];
        }
        grid.days[5] = vec![range("09:00", "13:00")];
        grid.public_holidays = HolidayRule::Closed;
        let text = grid.to_text();
        assert_eq!(
            text,
            "Mo-Fr 08:00-12:30,14:00-18:00; Sa 09:00-13:00; PH off"
        );
        assert!(OpeningHoursText::parse(&text).is_ok());
        assert_eq!(WeekGrid::from_text(&text).unwrap(), grid);
    }

    #[test]
    fn round_the_clock_and_holiday_hours() {
        let grid = WeekGrid::from_text("24/7; PH off").unwrap();
        assert!(grid.always_open);
        assert_eq!(grid.public_holidays, HolidayRule::Closed);
        assert_eq!(grid.to_text(), "24/7; PH off");
        let grid = WeekGrid::from_text("Mo-Sa 09:00-17:00; PH 10:00-14:00").unwrap();
        assert_eq!(
            grid.public_holidays,
            HolidayRule::Open(vec![range("10:00", "14:00")])
        );
        assert!(grid.days[6].is_empty());
        assert_eq!(grid.to_text(), "Mo-Sa 09:00-17:00; PH 10:00-14:00");
    }

    #[test]
    fn later_rules_replace_earlier_ones_as_in_osm() {
        let grid = WeekGrid::from_text("Mo-Fr 08:00-18:00; We 08:00-12:00; Fr off").unwrap();
        assert_eq!(grid.days[2], vec![range("08:00", "12:00")]);
        assert!(grid.days[4].is_empty());
        assert_eq!(
            grid.to_text(),
            "Mo-Tu 08:00-18:00; We 08:00-12:00; Th 08:00-18:00"
        );
    }

    #[test]
    fn lists_wrapping_ranges_and_bare_times_are_read() {
        let grid = WeekGrid::from_text("Sa,Su 10:00-16:00").unwrap();
        assert_eq!(grid.days[5], grid.days[6]);
        let grid = WeekGrid::from_text("Fr-Mo 20:00-02:00").unwrap();
        assert_eq!(grid.days[0], vec![range("20:00", "02:00")]);
        assert!(grid.days[2].is_empty());
        let grid = WeekGrid::from_text("08:00-20:00").unwrap();
        assert!(
            grid.days
                .iter()
                .all(|day| day == &vec![range("08:00", "20:00")])
        );
        assert_eq!(grid.to_text(), "Mo-Su 08:00-20:00");
    }

    #[test]
    fn richer_rules_are_left_to_the_text() {
        for text in [
            "Mo-Fr 08:00-18:00; Dec 25 off",
            "Mo-Fr 08:00-18:00 \"by appointment\"",
            "Mo-Fr 08:00-18:00; SH off",
            "Mo-Fr 08:00-18:00 || \"call first\"",
        ] {
            match WeekGrid::from_text(text) {
                Err(GridError::Unsupported(_)) => {}
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_wrong_text_is_explained_in_words_naming_the_rule() {
        let error = WeekGrid::from_text("Mo-Fr 08:00-18:00; Sa 9-1pm").unwrap_err();
        let GridError::Invalid(message) = error else {
            panic!("{error:?}")
        };
        assert!(
            message.starts_with("The hours “Sa 9-1pm” are not understood"),
            "{message}"
        );
        assert!(!message.contains("-->"), "no parser output: {message}");
        assert!(describe_invalid("whenever").starts_with("These hours are not understood"));
    }

    #[test]
    fn an_empty_grid_is_no_text() {
        assert_eq!(WeekGrid::default().to_text(), "");
        assert_eq!(WeekGrid::from_text("").unwrap(), WeekGrid::default());
        let closed_holidays = WeekGrid {
            public_holidays: HolidayRule::Closed,
            ..WeekGrid::default()
        };
        assert_eq!(closed_holidays.to_text(), "");
    }

    #[test]
    fn times_are_checked() {
        assert_eq!(TimeRange::time("8:00"), Some(480));
        assert_eq!(TimeRange::time("24:00"), Some(1440));
        assert_eq!(TimeRange::time("24:30"), None);
        assert_eq!(TimeRange::time("12:60"), None);
        assert_eq!(TimeRange::parse("10:00-10:00"), None);
        assert_eq!(TimeRange::clock(1440), "24:00");
    }
}

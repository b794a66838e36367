//! Days and time spans in UTC, and reading them from ISO 8601 text.
//!
//! A date in the data is a span of time, not an instant: `2025-07-16` is the whole UTC day,
//! `2024-10` the whole month, `2025-07-16T23:30:00-05:00` one instant (placed by its UTC
//! instant, here 2025-07-17T04:30Z), `2025-07-14/2025-07-16` the days from the first to the
//! last. Spans are kept as inclusive ranges of UTC seconds ([`When`]) so that comparing them
//! with a window of whole days is exact and cheap.
//!
//! Date-times are parsed by `jiff` (a small, widely used date-time crate that is already in the
//! dependency tree through `env_logger`): RFC 3339 / ISO 8601 date-times with `Z` or an offset,
//! fractional seconds, range checks. Calendar dates are checked and counted here with the
//! proleptic Gregorian algorithms of Howard Hinnant's `days_from_civil`/`civil_from_days`, so
//! that day arithmetic never fails and needs no time-zone database.

use std::fmt;

/// Seconds in a UTC day (leap seconds do not exist in UTC-as-counted-by-computers).
pub const SECONDS_PER_DAY: i64 = 86_400;

/// A calendar day in UTC, counted in days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i64);

impl Day {
    /// The day with this year, month (1–12) and day of month, if it exists.
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Day> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Day(days_from_civil(year, month, day)))
    }

    /// Year, month (1–12) and day of month.
    pub fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.0)
    }

    /// The day containing a UTC instant given in seconds since the epoch.
    pub fn of_second(second: i64) -> Day {
        Day(second.div_euclid(SECONDS_PER_DAY))
    }

    /// The first second of the day.
    pub fn first_second(self) -> i64 {
        self.0.saturating_mul(SECONDS_PER_DAY)
    }

    /// The last second of the day.
    pub fn last_second(self) -> i64 {
        self.first_second().saturating_add(SECONDS_PER_DAY - 1)
    }

    /// The day `n` days later (earlier for negative `n`).
    pub fn plus(self, n: i64) -> Day {
        Day(self.0.saturating_add(n))
    }

    /// Read `YYYY-MM-DD`, or `YYYY-MM` as its first day (a window's start) or, with
    /// `end_of_month`, its last day (a window's end). Anything else is `None`.
    pub fn parse_bound(text: &str, end_of_month: bool) -> Option<Day> {
        match parse_calendar(text.trim())? {
            Calendar::Day(d) => Some(d),
            Calendar::Month(first, last) => Some(if end_of_month { last } else { first }),
        }
    }
}

/// `YYYY-MM-DD`.
impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// When something happened: an inclusive range of UTC seconds. An instant has
/// `first_s == last_s`; a day runs from its first to its last second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct When {
    pub first_s: i64,
    pub last_s: i64,
}

impl When {
    /// A whole UTC day.
    pub fn day(day: Day) -> When {
        When {
            first_s: day.first_second(),
            last_s: day.last_second(),
        }
    }

    /// From the first second of `first` to the last of `last`.
    pub fn days(first: Day, last: Day) -> When {
        When {
            first_s: first.first_second(),
            last_s: last.last_second(),
        }
    }

    /// The day it starts on (where a histogram counts it).
    pub fn first_day(self) -> Day {
        Day::of_second(self.first_s)
    }

    /// The day it ends on.
    pub fn last_day(self) -> Day {
        Day::of_second(self.last_s)
    }

    /// The smallest span holding both.
    pub fn union(self, other: When) -> When {
        When {
            first_s: self.first_s.min(other.first_s),
            last_s: self.last_s.max(other.last_s),
        }
    }
}

/// Why a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error(
        "not an ISO 8601 date (expected e.g. 2025-07-16, 2025-07 or 2025-07-16T14:00:00+07:00)"
    )]
    NotADate,
    #[error("no such day in the calendar")]
    NoSuchDay,
    #[error(
        "a date-time without Z or an offset: its UTC instant is unknown (write e.g. {0}Z or {0}+07:00)"
    )]
    NoOffset(String),
    #[error("not a valid date-time: {0}")]
    BadDateTime(String),
    #[error("the interval ends before it starts")]
    EndsBeforeStart,
}

/// A calendar date or month as written.
enum Calendar {
    Day(Day),
    /// First and last day of the month.
    Month(Day, Day),
}

/// `YYYY-MM-DD` or `YYYY-MM`, strictly (four-digit year, two-digit month and day).
fn parse_calendar(text: &str) -> Option<Calendar> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if part.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(part).ok()?.parse().ok()
        } else {
            None
        }
    };
    if !(b.len() == 7 || b.len() == 10) || b[4] != b'-' {
        return None;
    }
    let year = i64::from(digits(0..4)?);
    let month = digits(5..7)?;
    if b.len() == 7 {
        let first = Day::from_ymd(year, month, 1)?;
        let last = Day::from_ymd(year, month, days_in_month(year, month))?;
        return Some(Calendar::Month(first, last));
    }
    if b[7] != b'-' {
        return None;
    }
    // A well-formed but impossible day (2025-02-30) is reported as such by the caller.
    Some(Calendar::Day(Day::from_ymd(year, month, digits(8..10)?)?))
}

/// Whether the text has the shape of a calendar date, valid or not (`2025-02-30` has it).
fn looks_like_calendar(text: &str) -> bool {
    let b = text.as_bytes();
    (b.len() == 7 || b.len() == 10)
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// Read one ISO 8601 text as a span of UTC time:
/// - `YYYY-MM-DD`: that whole UTC day;
/// - `YYYY-MM` (reduced precision): that whole month;
/// - a date-time with `Z` or an offset (`2025-07-16T14:00:00+07:00`, also with a space for
///   `T` and fractional seconds): that instant, placed by UTC;
/// - `A/B` with A and B of the kinds above: from the start of A to the end of B.
///
/// GDAL's text for a date (`2024/10/24`) or date-time (`2025/03/01 08:00:00+00`), as its CSV
/// driver writes them and QGIS's "Save as CSV" hands on, is read as the ISO 8601 it stands for.
///
/// A date-time without an offset is refused rather than guessed: read as UTC it could move an
/// event to the wrong day (Cambodia is UTC+7). A bare year is refused too: four digits are as
/// often a code as a year.
pub fn parse_when(text: &str) -> Result<When, DateError> {
    let text = text.trim();
    if let Some(iso) = gdal_date_as_iso(text) {
        return parse_single(&iso);
    }
    if let Some((a, b)) = text.split_once('/') {
        let first = parse_single(a.trim())?;
        let last = parse_single(b.trim())?;
        if last.last_s < first.first_s {
            return Err(DateError::EndsBeforeStart);
        }
        return Ok(When {
            first_s: first.first_s,
            last_s: last.last_s,
        });
    }
    parse_single(text)
}

/// `YYYY/MM/DD`, alone or followed by a space and a time (GDAL's form), with dashes for the
/// slashes; `None` for any other text (an ISO interval such as `2025-07/2025-08` included).
fn gdal_date_as_iso(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let date = b.get(..10)?;
    let shaped = date.iter().enumerate().all(|(i, c)| match i {
        4 | 7 => *c == b'/',
        _ => c.is_ascii_digit(),
    });
    if !shaped || b.get(10).is_some_and(|c| *c != b' ') {
        return None;
    }
    let mut iso = text.to_owned();
    iso.replace_range(4..5, "-");
    iso.replace_range(7..8, "-");
    Some(iso)
}

fn parse_single(text: &str) -> Result<When, DateError> {
    if let Some(calendar) = parse_calendar(text) {
        return Ok(match calendar {
            Calendar::Day(d) => When::day(d),
            Calendar::Month(first, last) => When::days(first, last),
        });
    }
    if looks_like_calendar(text) {
        return Err(DateError::NoSuchDay);
    }
    // `get` rather than indexing: the text may be anything, Khmer included.
    let (Some(date), Some(sep), Some(time)) = (text.get(..10), text.get(10..11), text.get(11..))
    else {
        return Err(DateError::NotADate);
    };
    if !looks_like_calendar(date) || !matches!(sep, "T" | "t" | " ") || time.is_empty() {
        return Err(DateError::NotADate);
    }
    match text.parse::<jiff::Timestamp>() {
        Ok(ts) => {
            // Whole seconds, rounded down (towards the past) so the instant stays in its day.
            let mut s = ts.as_second();
            if ts.subsec_nanosecond() < 0 {
                s -= 1;
            }
            Ok(When {
                first_s: s,
                last_s: s,
            })
        }
        Err(err) => {
            if !has_offset(time) {
                Err(DateError::NoOffset(text.to_owned()))
            } else {
                Err(DateError::BadDateTime(err.to_string()))
            }
        }
    }
}

/// Whether the time part of a date-time ends in `Z` or a `±HH:MM`-like offset.
fn has_offset(time: &str) -> bool {
    let time = time.split('[').next().unwrap_or(time);
    time.ends_with(['Z', 'z']) || time.contains(['+', '-'])
}

/// Days in a month of the proleptic Gregorian calendar.
fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant, `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (Hinnant, `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        Day::parse_bound(text, false).expect("a valid day")
    }

    #[test]
    fn a_bare_date_covers_the_whole_utc_day() {
        let w = parse_when("2025-07-16").expect("valid");
        assert_eq!(w.first_s, day("2025-07-16").first_second());
        assert_eq!(w.last_s, day("2025-07-17").first_second() - 1);
        assert_eq!(w.last_s - w.first_s, SECONDS_PER_DAY - 1);
    }

    #[test]
    fn an_offset_that_crosses_midnight_places_the_instant_on_the_utc_day() {
        // 23:30 at UTC-5 is 04:30 the next day in UTC.
        let w = parse_when("2025-07-16T23:30:00-05:00").expect("valid");
        assert_eq!(w.first_s, w.last_s);
        assert_eq!(w.first_day().to_string(), "2025-07-17");
        // 02:00 in Phnom Penh (UTC+7) is 19:00 the day before in UTC.
        let w = parse_when("2025-07-16T02:00:00+07:00").expect("valid");
        assert_eq!(w.first_day().to_string(), "2025-07-15");
        assert_eq!(
            w.first_s,
            day("2025-07-15").first_second() + 19 * 3600,
            "19:00Z"
        );
    }

    #[test]
    fn z_fractions_and_a_space_separator_are_read() {
        let a = parse_when("2025-07-16T10:00:00Z").expect("Z");
        let b = parse_when("2025-07-16 10:00:00.750Z").expect("space and fraction");
        assert_eq!(a, b);
        assert_eq!(a.first_s, day("2025-07-16").first_second() + 10 * 3600);
    }

    #[test]
    fn a_date_time_without_an_offset_is_refused_with_a_hint() {
        let err = parse_when("2025-07-16T10:00").expect_err("no offset");
        assert!(matches!(err, DateError::NoOffset(_)), "{err:?}");
        assert!(err.to_string().contains("2025-07-16T10:00Z"), "{err}");
    }

    #[test]
    fn a_month_covers_every_day_of_that_month() {
        let w = parse_when("2024-02").expect("valid");
        assert_eq!(w.first_day().to_string(), "2024-02-01");
        assert_eq!(
            w.last_day().to_string(),
            "2024-02-29",
            "2024 is a leap year"
        );
        assert_eq!(
            Day::parse_bound("2025-02", true).map(|d| d.to_string()),
            Some("2025-02-28".into())
        );
    }

    #[test]
    fn an_interval_runs_from_the_start_of_the_first_to_the_end_of_the_last() {
        let w = parse_when("2025-07-14/2025-07-16").expect("valid");
        assert_eq!(w.first_day().to_string(), "2025-07-14");
        assert_eq!(w.last_day().to_string(), "2025-07-16");
        assert_eq!(
            parse_when("2025-07-16/2025-07-14"),
            Err(DateError::EndsBeforeStart)
        );
    }

    #[test]
    fn gdal_dates_and_date_times_read_as_their_iso_forms() {
        assert_eq!(parse_when("2024/10/24"), parse_when("2024-10-24"));
        assert_eq!(
            parse_when("2025/03/01 08:00:00+00"),
            parse_when("2025-03-01T08:00:00Z")
        );
        assert_eq!(
            parse_when("2025/03/01 08:00:00.250+07"),
            parse_when("2025-03-01T01:00:00Z")
        );
        assert!(matches!(
            parse_when("2025/03/01 08:00:00"),
            Err(DateError::NoOffset(_))
        ));
        assert_eq!(parse_when("2025/02/30"), Err(DateError::NoSuchDay));
        assert_eq!(parse_when("2025/3/1"), Err(DateError::NotADate));
    }

    #[test]
    fn garbage_and_impossible_days_are_reported_as_such() {
        assert_eq!(parse_when("2025-02-30"), Err(DateError::NoSuchDay));
        assert_eq!(parse_when("2025-13"), Err(DateError::NoSuchDay));
        assert_eq!(parse_when("late 2024"), Err(DateError::NotADate));
        assert_eq!(parse_when("2024"), Err(DateError::NotADate));
        assert_eq!(parse_when("16/07/2025"), Err(DateError::NotADate));
        assert_eq!(parse_when(""), Err(DateError::NotADate));
        assert_eq!(parse_when("ម៉ាងហ្គោ ប៉ាក"), Err(DateError::NotADate));
        assert_eq!(parse_when("2025-07-1ង"), Err(DateError::NotADate));
        assert_eq!(
            parse_when("2025-07-16Tង"),
            Err(DateError::NoOffset("2025-07-16Tង".into()))
        );
        assert!(matches!(
            parse_when("2025-07-16T25:00:00Z"),
            Err(DateError::BadDateTime(_))
        ));
    }

    #[test]
    fn day_numbers_agree_with_the_calendar_across_eras() {
        assert_eq!(Day::from_ymd(1970, 1, 1), Some(Day(0)));
        assert_eq!(day("2000-03-01").0 - day("2000-02-28").0, 2);
        assert_eq!(day("1900-03-01").0 - day("1900-02-28").0, 1);
        for n in [-800_000, -1, 0, 1, 20_000, 2_000_000] {
            let (y, m, d) = Day(n).ymd();
            assert_eq!(Day::from_ymd(y, m, d), Some(Day(n)));
        }
        assert_eq!(day("2025-07-16").to_string(), "2025-07-16");
        assert_eq!(Day::of_second(-1), Day(-1));
    }
}

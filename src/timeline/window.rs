//! A window of whole UTC days, and counting events per day, week or month.

use std::fmt;

use super::date::{Day, When};

/// An inclusive window of whole UTC days; an open end reaches as far as time does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Window {
    pub from: Option<Day>,
    pub to: Option<Day>,
}

impl Window {
    /// Every time.
    pub const ALL: Window = Window {
        from: None,
        to: None,
    };

    /// From the first to the last day, both included.
    pub fn days(from: Day, to: Day) -> Window {
        Window {
            from: Some(from),
            to: Some(to),
        }
    }

    /// Whether neither end is set.
    pub fn is_unbounded(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// Whether an event overlaps the window: a bare date is the whole day, so it is in the
    /// window when its day is; an instant is in it when it falls between the first second of
    /// `from` and the last second of `to`; a span (a month, an interval) when any of it does.
    pub fn contains(&self, when: &When) -> bool {
        let after_start = self
            .from
            .is_none_or(|from| when.last_s >= from.first_second());
        let before_end = self.to.is_none_or(|to| when.first_s <= to.last_second());
        after_start && before_end
    }
}

impl Window {
    /// The window as a reader says it: `14–16 July 2025`, `30 June – 2 July 2025`,
    /// `30 December 2024 – 2 January 2025`, `from 14 July 2025`, `until 16 July 2025`,
    /// `14 July 2025` for one day, `all dates` without ends.
    pub fn describe(&self) -> String {
        let long = |d: Day| {
            let (y, m, day) = d.ymd();
            format!("{day} {} {y}", MONTHS[m as usize - 1])
        };
        match (self.from, self.to) {
            (None, None) => "all dates".into(),
            (Some(from), None) => format!("from {}", long(from)),
            (None, Some(to)) => format!("until {}", long(to)),
            (Some(from), Some(to)) if from >= to => long(from),
            (Some(from), Some(to)) => {
                let ((y1, m1, d1), (y2, m2, _)) = (from.ymd(), to.ymd());
                if y1 != y2 {
                    format!("{} – {}", long(from), long(to))
                } else if m1 != m2 {
                    format!("{d1} {} – {}", MONTHS[m1 as usize - 1], long(to))
                } else {
                    format!("{d1}–{}", long(to))
                }
            }
        }
    }
}

/// English month names, January first.
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2025-07-14 to 2025-07-16`, with `…` for an open end.
impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = |d: Option<Day>| d.map_or_else(|| "…".to_owned(), |d| d.to_string());
        if self.is_unbounded() {
            return f.write_str("all dates");
        }
        write!(f, "{} to {}", end(self.from), end(self.to))
    }
}

/// The width of a histogram bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bin {
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    Month,
}

impl Bin {
    pub const ALL: [Bin; 3] = [Bin::Day, Bin::Week, Bin::Month];

    /// The first day of the bin holding `day`.
    pub fn start_of(self, day: Day) -> Day {
        match self {
            Bin::Day => day,
            // 1970-01-01 was a Thursday: day 0 is three days after a Monday.
            Bin::Week => Day((day.0 + 3).div_euclid(7) * 7 - 3),
            Bin::Month => {
                let (y, m, _) = day.ymd();
                Day::from_ymd(y, m, 1).unwrap_or(day)
            }
        }
    }

    /// The first day of the next bin after the one starting at `start`.
    pub fn next(self, start: Day) -> Day {
        match self {
            Bin::Day => start.plus(1),
            Bin::Week => start.plus(7),
            Bin::Month => {
                let (y, m, _) = start.ymd();
                let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                Day::from_ymd(y, m, 1).unwrap_or(start.plus(31))
            }
        }
    }

    /// "day", "week", "month".
    pub fn name(self) -> &'static str {
        match self {
            Bin::Day => "day",
            Bin::Week => "week",
            Bin::Month => "month",
        }
    }
}

/// One bar of a histogram: the days it spans (inclusive) and how many events start in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BinCount {
    pub first: Day,
    pub last: Day,
    pub count: usize,
}

/// Events per bin from the first event's bin to the last's, empty bins included. An event is
/// counted once, in the bin of the day it starts (a month-precision date on the month's first
/// day). No events, no bins. At most `max_bins` bins are made; `None` if more would be needed
/// (the caller then picks a wider bin).
pub fn histogram(
    whens: impl IntoIterator<Item = When>,
    bin: Bin,
    max_bins: usize,
) -> Option<Vec<BinCount>> {
    histogram_of_counts(whens.into_iter().map(|w| (w, 1)), bin, max_bins)
}

/// [`histogram`] of events given as a date and how many events have it (a layer's distinct
/// dates with their counts: the same bars without going through every feature).
pub fn histogram_of_counts(
    whens: impl IntoIterator<Item = (When, usize)>,
    bin: Bin,
    max_bins: usize,
) -> Option<Vec<BinCount>> {
    let mut starts: Vec<(Day, usize)> = whens
        .into_iter()
        .map(|(w, n)| (bin.start_of(w.first_day()), n))
        .collect();
    if starts.is_empty() {
        return Some(Vec::new());
    }
    starts.sort_unstable();
    let (first, last) = (starts[0].0, starts[starts.len() - 1].0);
    let mut out = Vec::new();
    let mut at = first;
    let mut i = 0;
    while at <= last {
        if out.len() >= max_bins {
            return None;
        }
        let next = bin.next(at);
        let mut count = 0;
        while i < starts.len() && starts[i].0 < next {
            count += starts[i].1;
            i += 1;
        }
        out.push(BinCount {
            first: at,
            last: next.plus(-1),
            count,
        });
        at = next;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::parse_when;

    fn day(text: &str) -> Day {
        Day::parse_bound(text, false).expect("a day")
    }

    fn when(text: &str) -> When {
        parse_when(text).expect("a date")
    }

    #[test]
    fn a_window_is_described_as_a_reader_says_it() {
        let w = |a: &str, b: &str| Window::days(day(a), day(b)).describe();
        assert_eq!(w("2025-07-14", "2025-07-16"), "14–16 July 2025");
        assert_eq!(w("2025-06-30", "2025-07-02"), "30 June – 2 July 2025");
        assert_eq!(
            w("2024-12-30", "2025-01-02"),
            "30 December 2024 – 2 January 2025"
        );
        assert_eq!(w("2025-07-14", "2025-07-14"), "14 July 2025");
        let from = Window {
            from: Some(day("2025-07-14")),
            to: None,
        };
        assert_eq!(from.describe(), "from 14 July 2025");
        let to = Window {
            from: None,
            to: Some(day("2025-07-16")),
        };
        assert_eq!(to.describe(), "until 16 July 2025");
        assert_eq!(Window::ALL.describe(), "all dates");
    }

    #[test]
    fn window_bounds_are_inclusive_whole_days() {
        let w = Window::days(day("2025-07-14"), day("2025-07-16"));
        assert!(w.contains(&when("2025-07-14")));
        assert!(w.contains(&when("2025-07-16")));
        assert!(w.contains(&when("2025-07-16T23:59:59Z")));
        assert!(w.contains(&when("2025-07-14T00:00:00Z")));
        assert!(!w.contains(&when("2025-07-17T00:00:00Z")));
        assert!(!w.contains(&when("2025-07-13T23:59:59Z")));
        assert!(!w.contains(&when("2025-07-13")));
        assert!(!w.contains(&when("2025-07-17")));
    }

    #[test]
    fn a_date_time_is_in_the_window_of_its_utc_day_not_its_local_day() {
        let w = Window::days(day("2025-07-14"), day("2025-07-16"));
        // Local 17 July 05:00 in Phnom Penh is 16 July 22:00 UTC: inside.
        assert!(w.contains(&when("2025-07-17T05:00:00+07:00")));
        // Local 14 July 06:00 in Phnom Penh is 13 July 23:00 UTC: outside.
        assert!(!w.contains(&when("2025-07-14T06:00:00+07:00")));
    }

    #[test]
    fn a_span_is_in_the_window_when_any_of_it_is() {
        let w = Window::days(day("2025-07-14"), day("2025-07-16"));
        assert!(w.contains(&when("2025-07")));
        assert!(w.contains(&when("2025-07-10/2025-07-14")));
        assert!(!w.contains(&when("2025-06")));
        let open_end = Window {
            from: Some(day("2025-07-01")),
            to: None,
        };
        assert!(open_end.contains(&when("2030-01-01")));
        assert!(!open_end.contains(&when("2025-06-30")));
        assert!(Window::ALL.contains(&when("1900-01-01")));
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        // 2025-07-16 was a Wednesday.
        assert_eq!(Bin::Week.start_of(day("2025-07-16")), day("2025-07-14"));
        assert_eq!(Bin::Week.start_of(day("2025-07-14")), day("2025-07-14"));
        assert_eq!(Bin::Week.start_of(day("2025-07-13")), day("2025-07-07"));
        assert_eq!(Bin::Week.start_of(day("1969-12-29")), day("1969-12-29"));
        assert_eq!(Bin::Month.start_of(day("2025-07-16")), day("2025-07-01"));
        assert_eq!(Bin::Month.next(day("2025-12-01")), day("2026-01-01"));
    }

    #[test]
    fn a_histogram_counts_each_event_once_in_the_bin_it_starts_in_with_empty_bins_between() {
        let events = [
            "2025-07-14",
            "2025-07-16",
            "2025-07-16T10:00:00Z",
            "2025-07-20",
        ];
        let days = histogram(events.map(when), Bin::Day, 100).expect("few bins");
        assert_eq!(days.len(), 7);
        let counts: Vec<usize> = days.iter().map(|b| b.count).collect();
        assert_eq!(counts, [1, 0, 2, 0, 0, 0, 1]);
        assert_eq!(days[0].first, day("2025-07-14"));
        let weeks = histogram(events.map(when), Bin::Week, 100).expect("few bins");
        assert_eq!(
            weeks
                .iter()
                .map(|b| (b.first.to_string(), b.last.to_string(), b.count))
                .collect::<Vec<_>>(),
            [("2025-07-14".into(), "2025-07-20".into(), 4)]
        );
        let months =
            histogram(["2024-10-24", "2025-07-16"].map(when), Bin::Month, 100).expect("few bins");
        assert_eq!(months.len(), 10);
        assert_eq!(months.iter().map(|b| b.count).sum::<usize>(), 2);
        assert_eq!(histogram(events.map(when), Bin::Day, 3), None);
        assert_eq!(histogram([], Bin::Day, 3), Some(Vec::new()));
    }

    #[test]
    fn a_histogram_of_distinct_dates_with_counts_is_the_histogram_of_the_events() {
        let events = [
            "2025-07-16",
            "2025-07-14",
            "2025-07-16",
            "2025-08-02T10:00:00Z",
            "2025-07-16",
            "2025-07-20",
        ];
        let distinct = [
            ("2025-07-16", 3),
            ("2025-07-14", 1),
            ("2025-08-02T10:00:00Z", 1),
            ("2025-07-20", 1),
        ];
        for bin in Bin::ALL {
            assert_eq!(
                histogram_of_counts(distinct.map(|(e, n)| (when(e), n)), bin, 100),
                histogram(events.map(when), bin, 100),
                "{bin:?}"
            );
        }
        assert_eq!(
            histogram_of_counts(distinct.map(|(e, n)| (when(e), n)), Bin::Day, 5),
            None
        );
    }
}

//! A layer's dates held compactly, and which of its features a time window lets the map show.
//!
//! [`Dates`] keeps each distinct span once and 4 bytes a feature. A [`Filter`] for a window
//! answers once per distinct span, so setting a window (or counting what it shows) does not
//! go through the features; the map asks it feature by feature as it draws.

use std::collections::HashMap;
use std::sync::Arc;

use super::date::When;
use super::window::Window;

/// The index in [`Dates::spans`] of a feature without a readable date.
const UNDATED: u32 = u32::MAX;

/// Every feature's date, compactly: each distinct span once, and for every feature the index
/// of its span (4 bytes a feature, no allocation per feature). Layers have few distinct dates
/// (days), so this is a little over 4 bytes a feature; at worst (every date a different
/// instant) 20.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dates {
    /// The distinct spans, in order of first appearance.
    spans: Vec<When>,
    /// By feature: the index of its span in `spans`, or [`UNDATED`].
    of_feature: Vec<u32>,
    /// How many features have each span (by index in `spans`), so counting the features a
    /// window shows goes through the distinct spans only.
    counts: Vec<u32>,
}

impl Dates {
    /// The dates of features in order (`None`: no readable date).
    pub fn collect(whens: impl IntoIterator<Item = Option<When>>) -> Dates {
        let mut out = Dates::default();
        let mut index: HashMap<When, u32> = HashMap::new();
        for when in whens {
            let at = when.and_then(|w| {
                let next = u32::try_from(out.spans.len())
                    .ok()
                    .filter(|&n| n < UNDATED)?;
                let at = *index.entry(w).or_insert(next);
                if at == next {
                    out.spans.push(w);
                    out.counts.push(0);
                }
                out.counts[at as usize] += 1;
                Some(at)
            });
            out.of_feature.push(at.unwrap_or(UNDATED));
        }
        out.spans.shrink_to_fit();
        out.counts.shrink_to_fit();
        out.of_feature.shrink_to_fit();
        out
    }

    /// How many features (dated or not).
    pub fn len(&self) -> usize {
        self.of_feature.len()
    }

    pub fn is_empty(&self) -> bool {
        self.of_feature.is_empty()
    }

    /// The date of feature `index`, if it has a readable one.
    pub fn get(&self, index: usize) -> Option<When> {
        let at = *self.of_feature.get(index)?;
        self.spans.get(at as usize).copied()
    }

    /// Every readable date, one per dated feature, in feature order.
    pub fn dated(&self) -> impl Iterator<Item = When> + '_ {
        self.of_feature
            .iter()
            .filter_map(|&at| self.spans.get(at as usize).copied())
    }

    /// Each distinct date and how many features have it: the features' dates without going
    /// through the features.
    pub fn distinct(&self) -> impl Iterator<Item = (When, usize)> + '_ {
        self.spans
            .iter()
            .copied()
            .zip(self.counts.iter().map(|&n| n as usize))
    }

    /// The span from the earliest to the latest readable date, if any (through the distinct
    /// dates only).
    pub fn extent(&self) -> Option<When> {
        self.spans.iter().copied().reduce(When::union)
    }

    /// The bytes it holds (for tests that check it stays compact).
    #[cfg(test)]
    pub(crate) fn held_bytes(&self) -> usize {
        self.spans.capacity() * std::mem::size_of::<When>()
            + (self.of_feature.capacity() + self.counts.capacity()) * 4
    }
}

/// Which features of a layer the map draws and picks, by index. A feature past the end (one
/// added since the filter was made) is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// One flag per feature (a selection; a mask made elsewhere).
    Flags(Vec<bool>),
    /// A time window's answer for each distinct span of `dates`; a feature without a readable
    /// date is hidden.
    Window { dates: Arc<Dates>, spans: Vec<bool> },
}

impl Filter {
    /// What `window` shows of the features dated by `dates` (through the distinct spans only).
    pub fn window(dates: &Arc<Dates>, window: &Window) -> Filter {
        Filter::Window {
            dates: Arc::clone(dates),
            spans: dates.spans.iter().map(|w| window.contains(w)).collect(),
        }
    }

    /// Whether feature `index` is shown.
    pub fn shows(&self, index: usize) -> bool {
        match self {
            Filter::Flags(flags) => flags.get(index).copied().unwrap_or(true),
            Filter::Window { dates, spans } => match dates.of_feature.get(index) {
                None => true,
                Some(&at) => spans.get(at as usize).copied().unwrap_or(false),
            },
        }
    }

    /// How many features it was made for.
    pub fn len(&self) -> usize {
        match self {
            Filter::Flags(flags) => flags.len(),
            Filter::Window { dates, .. } => dates.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many of them are shown (a window's through the distinct spans only).
    pub fn count(&self) -> usize {
        match self {
            Filter::Flags(flags) => flags.iter().filter(|s| **s).count(),
            Filter::Window { dates, spans } => spans
                .iter()
                .zip(&dates.counts)
                .filter(|(shown, _)| **shown)
                .map(|(_, &n)| n as usize)
                .sum(),
        }
    }
}

impl From<Vec<bool>> for Filter {
    fn from(flags: Vec<bool>) -> Self {
        Filter::Flags(flags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Day;

    #[test]
    fn a_window_filter_answers_per_distinct_date_as_one_flag_per_feature_would() {
        let day = |d: u32| When::day(Day::from_ymd(2025, 7, d).expect("day"));
        // 30,000 features on 3 days, every tenth undated.
        let whens: Vec<Option<When>> = (0..30_000)
            .map(|i| (i % 10 != 0).then(|| day(1 + (i % 3) as u32)))
            .collect();
        let dates = Arc::new(Dates::collect(whens.iter().copied()));
        assert!(dates.held_bytes() < 5 * 30_000, "4 bytes a feature");
        let window = Window::days(
            Day::from_ymd(2025, 7, 2).expect("day"),
            Day::from_ymd(2025, 7, 3).expect("day"),
        );
        let filter = Filter::window(&dates, &window);
        // Made without a flag per feature: one per distinct date.
        let Filter::Window { spans, .. } = &filter else {
            panic!("a window's filter")
        };
        assert_eq!(spans.len(), 3);
        let flags: Vec<bool> = whens
            .iter()
            .map(|w| w.is_some_and(|w| window.contains(&w)))
            .collect();
        for (i, &flag) in flags.iter().enumerate() {
            assert_eq!(filter.shows(i), flag, "feature {i}");
        }
        assert!(filter.shows(30_000), "a feature added since is shown");
        assert_eq!(filter.len(), 30_000);
        assert_eq!(filter.count(), flags.iter().filter(|f| **f).count());
        assert_eq!(Filter::from(flags).count(), filter.count());
    }

    #[test]
    fn the_distinct_dates_with_their_counts_are_the_dated_features() {
        let day = |d: u32| When::day(Day::from_ymd(2025, 7, d).expect("day"));
        let whens = [
            Some(day(2)),
            None,
            Some(day(1)),
            Some(day(2)),
            Some(day(2)),
            None,
        ];
        let dates = Dates::collect(whens);
        let distinct: Vec<(When, usize)> = dates.distinct().collect();
        assert_eq!(distinct, [(day(2), 3), (day(1), 1)]);
        let mut each: Vec<When> = dates.dated().collect();
        let mut expanded: Vec<When> = distinct
            .iter()
            .flat_map(|&(w, n)| std::iter::repeat_n(w, n))
            .collect();
        each.sort_by_key(|w| w.first_day());
        expanded.sort_by_key(|w| w.first_day());
        assert_eq!(each, expanded);
    }
}

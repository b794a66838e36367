//! Which property of a layer says when a feature happened, and reading it for every feature.
//!
//! [`candidates`] looks at the top-level properties of every feature and offers those whose
//! texts read as ISO 8601 dates (see [`parse_when`]), best first; a `start`/`end` pair is
//! offered as one field. The first candidate is the default; the user may pick another.
//! [`LayerTimes::read`] reads the chosen field for every feature and lists each feature whose
//! date cannot be read, with the reason, so none is dropped silently.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::date::{DateError, When, parse_when};
use super::dates::{Dates, Filter};
use super::window::Window;
use crate::model::{Feature, FeatureProperties};

/// The property (or pair of properties) that dates a feature.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TimeField {
    /// One property holding a date, a date-time, a month or an `A/B` interval.
    Single(String),
    /// A start and an end property; a missing or `null` end means the start's own span.
    Range { start: String, end: String },
}

impl TimeField {
    /// Parse how a user names a field: `date`, or `start,end` for a pair.
    pub fn parse(text: &str) -> Option<TimeField> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        match text.split_once(',') {
            Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => {
                Some(TimeField::Range {
                    start: a.trim().to_owned(),
                    end: b.trim().to_owned(),
                })
            }
            Some(_) => None,
            None => Some(TimeField::Single(text.to_owned())),
        }
    }

    /// The property keys it reads.
    pub fn keys(&self) -> Vec<&str> {
        match self {
            TimeField::Single(k) => vec![k],
            TimeField::Range { start, end } => vec![start, end],
        }
    }

    /// When the feature happened according to this field.
    pub fn when(&self, feature: &Feature) -> Result<When, Unreadable> {
        // Read without keeping the parsed properties: a layer may have a million features.
        feature.with_properties(|properties| self.when_in(properties))
    }

    fn when_in(&self, properties: Option<&Map<String, Value>>) -> Result<When, Unreadable> {
        let property = |key: &str| properties.and_then(|p| p.get(key));
        match self {
            TimeField::Single(key) => read_value(key, property(key)),
            TimeField::Range { start, end } => {
                let first = read_value(start, property(start))?;
                let last = match property(end) {
                    None | Some(Value::Null) => return Ok(first),
                    v => read_value(end, v)?,
                };
                if last.last_s < first.first_s {
                    return Err(Unreadable::Bad {
                        key: end.clone(),
                        text: value_text(property(end)),
                        error: DateError::EndsBeforeStart,
                    });
                }
                Ok(first.union(last))
            }
        }
    }

    /// The date as written in the feature (`2025-07-16`, or `START/END` for a pair), for output.
    pub fn text(&self, feature: &Feature) -> Option<String> {
        let one = |k: &str| match feature.property(k) {
            None | Some(Value::Null) => None,
            v => Some(value_text(v)),
        };
        match self {
            TimeField::Single(k) => one(k),
            TimeField::Range { start, end } => match (one(start), one(end)) {
                (Some(a), Some(b)) => Some(format!("{a}/{b}")),
                (a, _) => a,
            },
        }
    }
}

/// `date`, or `start – end` for a pair.
impl fmt::Display for TimeField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeField::Single(k) => f.write_str(k),
            TimeField::Range { start, end } => write!(f, "{start} – {end}"),
        }
    }
}

/// Why a feature's date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    #[error("no \"{key}\" property")]
    Missing { key: String },
    #[error("\"{key}\" is null")]
    Null { key: String },
    #[error("\"{key}\" is {kind}, not an ISO 8601 date text")]
    NotText { key: String, kind: &'static str },
    #[error("\"{key}\": {text}: {error}")]
    Bad {
        key: String,
        text: String,
        error: DateError,
    },
}

fn read_value(key: &str, value: Option<&Value>) -> Result<When, Unreadable> {
    let key = key.to_owned();
    match value {
        None => Err(Unreadable::Missing { key }),
        Some(Value::Null) => Err(Unreadable::Null { key }),
        Some(Value::String(s)) => parse_when(s).map_err(|error| Unreadable::Bad {
            key,
            text: format!("{s:?}"),
            error,
        }),
        Some(other) => Err(Unreadable::NotText {
            key,
            kind: match other {
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::Array(_) => "a list",
                _ => "an object",
            },
        }),
    }
}

fn value_text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

/// A property that could date a layer's features, with how many it dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub field: TimeField,
    /// Features whose value reads as a date.
    pub readable: usize,
}

/// Properties that read as dates in at least one feature and either in at least half of the
/// features that have a non-null value for them or whose name says "date", "time", "when" or
/// "day" (or ends in `_at`, as `taken_at`), best first: `start`/`end` pairs, then keys whose name says
/// "date" or "time", then the most readable.
pub fn candidates(layer: &impl FeatureProperties) -> Vec<Candidate> {
    // (key, readable, non-null), keys in order of first appearance.
    let mut counts: Vec<(String, usize, usize)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for i in 0..layer.count() {
        layer.properties_of(i, |properties| {
            for (key, value) in properties.into_iter().flatten() {
                let i = *index.entry(key.clone()).or_insert_with(|| {
                    counts.push((key.clone(), 0, 0));
                    counts.len() - 1
                });
                if !value.is_null() {
                    counts[i].2 += 1;
                }
                if value.as_str().is_some_and(|s| parse_when(s).is_ok()) {
                    counts[i].1 += 1;
                }
            }
        });
    }
    let named_like_a_date = |key: &str| {
        let k = key.to_lowercase();
        ["date", "time", "when", "day"]
            .iter()
            .any(|w| k.contains(w))
            || k.ends_with("_at")
    };
    // A key named like a date stays a candidate however many of its values are unreadable:
    // those are exactly the ones the user must see listed.
    let dated: Vec<&(String, usize, usize)> = counts
        .iter()
        .filter(|(key, readable, non_null)| {
            *readable > 0 && (readable * 2 >= *non_null || named_like_a_date(key))
        })
        .collect();
    let mut out: Vec<Candidate> = Vec::new();
    for (key, readable, _) in &dated {
        let lower = key.to_lowercase();
        let Some(end) = ["start", "begin"]
            .iter()
            .find_map(|w| lower.find(w).map(|at| (at, w.len())))
            .and_then(|(at, len)| {
                let wanted = format!("{}end{}", &lower[..at], &lower[at + len..]);
                counts
                    .iter()
                    .find(|(k, _, _)| k.to_lowercase() == wanted)
                    .map(|(k, _, _)| k.clone())
            })
        else {
            continue;
        };
        out.push(Candidate {
            field: TimeField::Range {
                start: key.clone(),
                end,
            },
            readable: *readable,
        });
    }
    let mut singles: Vec<Candidate> = dated
        .iter()
        .map(|(key, readable, _)| Candidate {
            field: TimeField::Single(key.clone()),
            readable: *readable,
        })
        .collect();
    singles.sort_by_key(|c| {
        (
            !named_like_a_date(&c.field.to_string()),
            std::cmp::Reverse(c.readable),
        )
    });
    out.sort_by_key(|c| std::cmp::Reverse(c.readable));
    out.extend(singles);
    out
}

/// A feature whose date could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableFeature {
    pub index: usize,
    pub label: String,
    pub reason: Unreadable,
}

/// How many features whose date cannot be read [`LayerTimes`] keeps with their label and
/// reason (what the timeline panel lists); the others are counted, and
/// [`LayerTimes::why_unreadable`] reads any one's reason again.
pub const LISTED_UNREADABLE: usize = 100;

/// The dates of a layer's features by one field.
#[derive(Debug, Clone)]
pub struct LayerTimes {
    pub field: TimeField,
    /// By feature index; none where the date cannot be read (shared with the map's filters).
    pub dates: Arc<Dates>,
    /// How many features have no readable date.
    unreadable: usize,
    /// The first [`LISTED_UNREADABLE`] of them, with their label and why.
    listed: Vec<UnreadableFeature>,
}

impl LayerTimes {
    /// Read `field` for every feature of `layer`.
    pub fn read(layer: &impl FeatureProperties, field: TimeField) -> LayerTimes {
        let mut unreadable = 0;
        let mut listed = Vec::new();
        let dates = Arc::new(Dates::collect((0..layer.count()).map(|index| {
            match layer.properties_of(index, |p| field.when_in(p)) {
                Ok(w) => Some(w),
                Err(reason) => {
                    unreadable += 1;
                    if listed.len() < LISTED_UNREADABLE {
                        listed.push(UnreadableFeature {
                            index,
                            label: layer.label_of(index),
                            reason,
                        });
                    }
                    None
                }
            }
        })));
        LayerTimes {
            field,
            dates,
            unreadable,
            listed,
        }
    }

    /// The date of feature `index`, if it has a readable one.
    pub fn when(&self, index: usize) -> Option<When> {
        self.dates.get(index)
    }

    /// How many features have a readable date (every other one is counted in
    /// [`LayerTimes::unreadable_count`]), without going through the dates (the panel shows it
    /// every frame).
    pub fn dated(&self) -> usize {
        self.dates.len().saturating_sub(self.unreadable)
    }

    /// How many features have no readable date.
    pub fn unreadable_count(&self) -> usize {
        self.unreadable
    }

    /// The first [`LISTED_UNREADABLE`] features without a readable date, in index order,
    /// with their label and why (all of them when there are no more).
    pub fn unreadable(&self) -> &[UnreadableFeature] {
        &self.listed
    }

    /// Why feature `index` of `layer` (the layer these dates were read from) has no readable
    /// date, read again; `None` when it has one.
    pub fn why_unreadable(
        &self,
        layer: &impl FeatureProperties,
        index: usize,
    ) -> Option<Unreadable> {
        layer.properties_of(index, |p| self.field.when_in(p)).err()
    }

    /// The span from the earliest to the latest readable date, if any.
    pub fn extent(&self) -> Option<When> {
        self.dates.extent()
    }

    /// Which features `window` shows (a feature without a readable date is hidden while a
    /// window is set), made through the distinct dates only.
    pub fn filter(&self, window: &Window) -> Filter {
        Filter::window(&self.dates, window)
    }
}

/// A layer's date fields and its dates by the best one, found when it was read (on the
/// loading thread, so the window need not scan the layer).
pub struct LayerDates {
    pub candidates: Vec<Candidate>,
    pub times: Option<LayerTimes>,
}

impl LayerDates {
    /// Find the date fields of `layer` and read its dates by the best one.
    pub fn read(layer: &impl FeatureProperties) -> Self {
        let candidates = candidates(layer);
        let times = candidates
            .first()
            .map(|c| LayerTimes::read(layer, c.field.clone()));
        Self { candidates, times }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::read_str;
    use crate::model::Layer;

    fn layer(features: &str) -> Layer {
        read_str(
            &format!(r#"{{"type":"FeatureCollection","features":[{features}]}}"#),
            "t.geojson",
        )
        .expect("valid test layer")
    }

    fn f(props: &str) -> String {
        format!(r#"{{"type":"Feature","geometry":null,"properties":{props}}}"#)
    }

    #[test]
    fn reading_dates_keeps_no_parsed_feature() {
        let l = layer(
            &[
                f(r#"{"name":"a","date":"2025-07-16"}"#),
                f(r#"{"name":"b","date":"soon"}"#),
                f(r#"{"name":" ","date":"later"}"#),
            ]
            .join(","),
        );
        let times = LayerTimes::read(&l, TimeField::Single("date".into()));
        let labels: Vec<&str> = times
            .unreadable()
            .iter()
            .map(|u| u.label.as_str())
            .collect();
        assert_eq!(labels, ["b", "#2"]);
        assert!(
            l.features.iter().all(|f| !f.holds_parsed_object()),
            "a million features parsed and kept would not fit in memory"
        );
    }

    #[test]
    fn a_date_property_is_found_and_offered_first() {
        let l = layer(
            &[
                f(r#"{"name":"a","code":"2025-07","date":"2025-07-16"}"#),
                f(r#"{"name":"b","code":"x1","date":"2025-07-15T10:00:00Z"}"#),
                f(r#"{"name":"c","code":"x2","date":null}"#),
            ]
            .join(","),
        );
        let c = candidates(&l);
        assert_eq!(
            c.iter().map(|c| c.field.to_string()).collect::<Vec<_>>(),
            ["date"],
            "code reads as a date only once in three"
        );
        assert_eq!(c[0].readable, 2);
    }

    #[test]
    fn a_date_named_property_is_offered_even_when_most_of_its_values_are_unreadable() {
        let l = layer(
            &[
                f(r#"{"raid_date":"2025-07-16","ref":"2025-07-16"}"#),
                f(r#"{"raid_date":"16/07/2025","ref":"A-1"}"#),
                f(r#"{"raid_date":"last week","ref":"A-2"}"#),
            ]
            .join(","),
        );
        let names: Vec<String> = candidates(&l).iter().map(|c| c.field.to_string()).collect();
        assert_eq!(
            names,
            ["raid_date"],
            "ref reads as a date only once in three"
        );
        let times = LayerTimes::read(&l, TimeField::Single("raid_date".into()));
        assert_eq!(
            times.unreadable_count(),
            2,
            "the user sees the two it cannot read"
        );
    }

    #[test]
    fn a_start_and_end_pair_is_offered_as_one_field_before_its_parts() {
        let l = layer(
            &[
                f(r#"{"start_date":"2025-07-14","end_date":"2025-07-16"}"#),
                f(r#"{"start_date":"2025-07-20","end_date":null}"#),
            ]
            .join(","),
        );
        let c = candidates(&l);
        assert_eq!(
            c[0].field,
            TimeField::Range {
                start: "start_date".into(),
                end: "end_date".into()
            }
        );
        assert!(c.len() >= 2, "the parts are offered too: {c:?}");
        let times = LayerTimes::read(&l, c[0].field.clone());
        let w = times.when(0).expect("dated");
        assert_eq!(w.first_day().to_string(), "2025-07-14");
        assert_eq!(w.last_day().to_string(), "2025-07-16");
        let open = times.when(1).expect("an end of null means the start's day");
        assert_eq!(open.first_day(), open.last_day());
    }

    #[test]
    fn every_feature_whose_date_cannot_be_read_is_listed_with_the_reason() {
        let l = layer(
            &[
                f(r#"{"name":"ok","date":"2025-07-16"}"#),
                f(r#"{"name":"typo","date":"2025-07-32"}"#),
                f(r#"{"name":"number","date":20250716}"#),
                f(r#"{"name":"none"}"#),
                f(r#"{"date":null}"#),
            ]
            .join(","),
        );
        let times = LayerTimes::read(&l, TimeField::Single("date".into()));
        assert_eq!(times.dates.dated().count(), 1);
        let listed: Vec<(usize, String, String)> = times
            .unreadable()
            .iter()
            .map(|u| (u.index, u.label.clone(), u.reason.to_string()))
            .collect();
        assert_eq!(
            listed,
            [
                (
                    1,
                    "typo".into(),
                    "\"date\": \"2025-07-32\": no such day in the calendar".into()
                ),
                (
                    2,
                    "number".into(),
                    "\"date\" is a number, not an ISO 8601 date text".into()
                ),
                (3, "none".into(), "no \"date\" property".into()),
                (4, "#4".into(), "\"date\" is null".into()),
            ]
        );
        assert_eq!(times.unreadable_count(), 4);
        for u in times.unreadable() {
            assert_eq!(times.why_unreadable(&l, u.index).as_ref(), Some(&u.reason));
        }
        assert_eq!(times.why_unreadable(&l, 0), None, "dated");
    }

    #[test]
    fn dates_take_four_bytes_a_feature_and_only_the_first_unreadable_are_listed() {
        // 20,000 features: 19,000 dated on 100 distinct days, 1,000 without a date.
        let features: Vec<String> = (0..20_000)
            .map(|i| {
                if i % 20 == 7 {
                    f(&format!(r#"{{"name":"road {i}"}}"#))
                } else {
                    let day = 1 + i % 28;
                    let month = 1 + (i / 28) % 4;
                    f(&format!(
                        r#"{{"name":"b{i}","date":"2025-{month:02}-{day:02}"}}"#
                    ))
                }
            })
            .collect();
        let l = layer(&features.join(","));
        let times = LayerTimes::read(&l, TimeField::Single("date".into()));
        assert_eq!(times.dated(), 19_000);
        assert_eq!(times.unreadable_count(), 1_000);
        // Kept for the panel: the first few, each with its label; the rest only counted.
        assert_eq!(times.unreadable().len(), LISTED_UNREADABLE);
        assert_eq!(times.unreadable()[1].index, 27);
        assert_eq!(times.unreadable()[1].label, "road 27");
        // One u32 a feature plus each distinct day once: an Option<When> (24 bytes) or any
        // allocation per feature would be five times this.
        let per_feature = times.dates.held_bytes() as f64 / 20_000.0;
        assert!(per_feature < 5.0, "{per_feature} bytes a feature");
        // The same answers as reading every feature's date one by one.
        let field = TimeField::Single("date".into());
        let window = crate::timeline::Window::days(
            crate::timeline::Day::from_ymd(2025, 2, 10).expect("day"),
            crate::timeline::Day::from_ymd(2025, 3, 3).expect("day"),
        );
        let one_by_one: Vec<Option<When>> = l.features.iter().map(|f| field.when(f).ok()).collect();
        let shown = times.filter(&window);
        let mut count = 0;
        for (i, w) in one_by_one.iter().enumerate() {
            assert_eq!(times.when(i), *w, "feature {i}");
            let expected = w.is_some_and(|w| window.contains(&w));
            assert_eq!(shown.shows(i), expected, "feature {i}");
            count += usize::from(expected);
        }
        assert_eq!(shown.count(), count);
        assert_eq!(
            times.extent(),
            one_by_one.iter().flatten().copied().reduce(When::union)
        );
    }

    #[test]
    fn a_user_names_a_pair_with_a_comma() {
        assert_eq!(
            TimeField::parse(" start , end "),
            Some(TimeField::Range {
                start: "start".into(),
                end: "end".into()
            })
        );
        assert_eq!(
            TimeField::parse("date"),
            Some(TimeField::Single("date".into()))
        );
        assert_eq!(TimeField::parse(","), None);
        assert_eq!(TimeField::parse(" "), None);
    }
}

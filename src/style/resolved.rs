//! Every feature's style and label and the layer's legend, resolved from the features'
//! properties in one pass for one layer revision and style, so drawing a frame only looks
//! them up. A pass reads [`PropertyTexts`], not the layer, so it can run on another thread
//! (the window does that for big layers) while the last result is still drawn.
//!
//! Kept compactly: the distinct styles once and an index per feature (4 bytes), the labels as
//! where each starts (4 bytes) in the layer's file text where the label is found in its
//! feature's text as a string written without escapes, else as spans of a string of their own.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use super::{FeatureStyle, LayerStyle, Legend, LegendFacts, Swatch};
use crate::model::PropertyTexts;

/// The styles, labels and legend of a layer's features in one style.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The distinct styles; feature `i` has `styles[by_feature[i]]` (`styles[0]` for every
    /// feature when `by_feature` is empty: the style does not depend on properties).
    styles: Vec<FeatureStyle>,
    by_feature: Vec<u32>,
    labels: Labels,
    /// Indices of the features that are kept measurements (`method` is the geodesic method):
    /// their labels are their numbers, written in the units of the moment.
    measurements: Vec<u32>,
    legend: Legend,
    count: usize,
}

impl Resolved {
    /// Resolve `style` for the features whose properties are `texts`, of a layer called
    /// `name` whose legend samples are drawn as `swatch`.
    pub fn compute(style: &LayerStyle, texts: &PropertyTexts, name: &str, swatch: Swatch) -> Self {
        let count = texts.len();
        let mut out = Self {
            styles: Vec::new(),
            by_feature: Vec::new(),
            labels: Labels::default(),
            measurements: Vec::new(),
            legend: Legend {
                title: String::new(),
                entries: Vec::new(),
            },
            count,
        };
        let mut facts = LegendFacts::new(style);
        let mut ids: HashMap<[u32; 5], u32> = HashMap::new();
        let by_property = style.by_property();
        if by_property {
            out.by_feature.reserve_exact(count);
        } else {
            out.styles.push(style.style_of(None));
        }
        if style.label.is_some() {
            out.labels.starts.reserve_exact(count);
        }
        for index in 0..count {
            texts.with_properties(index, |p| {
                if by_property {
                    let s = style.style_of(p);
                    let key = [
                        u32::from_le_bytes(s.color.0),
                        u32::from_le_bytes(s.fill.0),
                        s.symbol as u32,
                        s.radius.to_bits(),
                        s.line_width.to_bits(),
                    ];
                    let id = *ids.entry(key).or_insert_with(|| {
                        out.styles.push(s);
                        (out.styles.len() - 1) as u32
                    });
                    out.by_feature.push(id);
                    facts.add(style, p);
                }
                if style.label.is_some() {
                    let label = style.label_in(p);
                    out.labels.push(label.as_deref(), texts.text_span(index));
                }
                let method = p.and_then(|p| p.get("method")).and_then(|m| m.as_str());
                if method == Some(crate::measure::METHOD) {
                    out.measurements.push(index as u32);
                }
            });
        }
        out.legend = style.legend_of(name, swatch, count, &facts);
        out.styles.shrink_to_fit();
        out.labels.own.shrink_to_fit();
        out.labels.own_spans.shrink_to_fit();
        out
    }

    /// How many features were resolved.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no feature was resolved.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// How feature `index` is drawn (`None` past the features resolved).
    pub fn style(&self, index: usize) -> Option<FeatureStyle> {
        if index >= self.count {
            return None;
        }
        let id = self.by_feature.get(index).copied().unwrap_or(0);
        self.styles.get(id as usize).copied()
    }

    /// The label of feature `index` from the label property, if any.
    pub fn label(&self, index: usize) -> Option<&str> {
        self.labels.get(index)
    }

    /// Whether feature `index` is a kept measurement (labelled by its number).
    pub fn is_measurement(&self, index: usize) -> bool {
        u32::try_from(index).is_ok_and(|i| self.measurements.binary_search(&i).is_ok())
    }

    /// The layer's legend in this style.
    pub fn legend(&self) -> &Legend {
        &self.legend
    }
}

/// The labels by feature: where they start in the layer's file text, or spans of `own`.
#[derive(Debug, Clone, Default)]
struct Labels {
    /// The file text the features' texts are spans of (the first one met).
    shared: Option<Arc<String>>,
    /// The labels not found in `shared`, and their `(start, length)` in it.
    own: String,
    own_spans: Vec<(u32, u32)>,
    /// By feature: [`NONE`]; an index into `own_spans` with [`OWN`] set; else where the label
    /// starts in `shared`, a JSON string's characters without escapes, so it ends at the
    /// next `"`.
    starts: Vec<u32>,
}

/// The top bit of a feature's entry: the label is in [`Labels::own`].
const OWN: u32 = 1 << 31;
/// No label.
const NONE: u32 = u32::MAX;

impl Labels {
    /// Adds the next feature's label; `text` is the feature's text (a span of a shared text)
    /// when it was read from a file and not edited.
    fn push(&mut self, label: Option<&str>, text: Option<(&Arc<String>, Range<usize>)>) {
        let entry = match label.filter(|l| !l.is_empty()) {
            None => NONE,
            Some(label) => match self.in_shared(label, text) {
                Some(start) => start,
                None => self.push_own(label),
            },
        };
        self.starts.push(entry);
    }

    /// Where `label`'s characters followed by a `"` are in the feature's `text`, when that is
    /// a span of the shared text and the label holds no `"` or `\` (so the first `"` from
    /// there ends it): nearly always the string value itself.
    fn in_shared(
        &mut self,
        label: &str,
        text: Option<(&Arc<String>, Range<usize>)>,
    ) -> Option<u32> {
        if label.contains(['"', '\\']) {
            return None;
        }
        let (text, range) = text?;
        // A text holding more than this feature's is a file's (an edited feature's
        // properties are a text of their own).
        if self.shared.is_none() && range.len() < text.len() {
            self.shared = Some(Arc::clone(text));
        }
        if !self
            .shared
            .as_ref()
            .is_some_and(|shared| Arc::ptr_eq(shared, text))
        {
            return None;
        }
        let feature = text.get(range.clone())?;
        let (at, _) = feature
            .match_indices(label)
            .find(|(at, _)| feature.as_bytes().get(at + label.len()) == Some(&b'"'))?;
        u32::try_from(range.start + at).ok().filter(|s| *s < OWN)
    }

    fn push_own(&mut self, label: &str) -> u32 {
        match (
            u32::try_from(self.own.len()),
            u32::try_from(label.len()),
            u32::try_from(self.own_spans.len()),
        ) {
            (Ok(start), Ok(len), Ok(index)) if index < OWN => {
                self.own.push_str(label);
                self.own_spans.push((start, len));
                index | OWN
            }
            // Past 4 GiB of labels that are not in the file's text: no label.
            _ => NONE,
        }
    }

    fn get(&self, index: usize) -> Option<&str> {
        let entry = *self.starts.get(index)?;
        let label = match entry {
            NONE => return None,
            _ if entry & OWN != 0 => {
                let &(start, len) = self.own_spans.get((entry & !OWN) as usize)?;
                self.own
                    .get(start as usize..start as usize + len as usize)?
            }
            _ => {
                let rest = self.shared.as_deref()?.get(entry as usize..)?;
                rest.get(..rest.find('"')?)?
            }
        };
        Some(label).filter(|t| !t.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::style::{Categories, Category, Rgba, swatch_of};

    #[test]
    fn resolved_styles_labels_and_legend_match_the_feature_by_feature_answers() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[104.9,11.5]},"properties":{"name":"A","kind":"casino"}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[104.9,11.6]},"properties":{"kind":"house"}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[104.9,11.7]},"properties":null},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[104.9,11.8]},"properties":{"name":" ","kind":"casino"}}]}"#;
        let layer = crate::io::read_str(text, "sites.geojson").expect("valid");
        let style = LayerStyle {
            categories: Some(Categories {
                property: "kind".into(),
                classes: vec![
                    Category {
                        value: "casino".into(),
                        color: Rgba([200, 0, 0, 255]),
                    },
                    Category {
                        value: "hotel".into(),
                        color: Rgba([0, 0, 200, 255]),
                    },
                ],
                other: Rgba([90, 90, 90, 255]),
            }),
            ..LayerStyle::default()
        };
        let texts = PropertyTexts::of(&layer.features);
        let resolved = Resolved::compute(&style, &texts, &layer.name, swatch_of(&style, &layer));
        for (i, f) in layer.features.iter().enumerate() {
            assert_eq!(resolved.style(i), Some(style.feature_style(f)), "style {i}");
            assert_eq!(resolved.label(i), style.label_of(f).as_deref(), "label {i}");
            assert!(!resolved.is_measurement(i));
        }
        assert_eq!(resolved.style(4), None);
        assert_eq!(resolved.legend(), &style.legend(&layer));
        assert_eq!(resolved.styles.len(), 2, "two distinct styles kept once");
    }

    #[test]
    fn labels_written_as_they_read_are_spans_of_the_file_text() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":null,"properties":{"name":"Golden Fortune"}},
            {"type":"Feature","geometry":null,"properties":{"name":"Caf\u00e9"}},
            {"type":"Feature","geometry":null,"properties":{"name":7}},
            {"type":"Feature","geometry":null,"properties":{"name":"B"}},
            {"type":"Feature","geometry":null,"properties":{}}]}"#;
        let mut layer = crate::io::read_str(text, "sites.geojson").expect("valid");
        layer.features[3].set_property("name", "Edited".into());
        let style = LayerStyle {
            label: Some("name".into()),
            ..LayerStyle::default()
        };
        let texts = PropertyTexts::of(&layer.features);
        let resolved = Resolved::compute(&style, &texts, &layer.name, swatch_of(&style, &layer));
        let labels: Vec<_> = (0..6).map(|i| resolved.label(i)).collect();
        let expected = [
            Some("Golden Fortune"),
            Some("Café"),
            Some("7"),
            Some("Edited"),
        ];
        assert_eq!(labels, [&expected[..], &[None, None]].concat());
        // A million names would otherwise be copied once more (and up to twice while the
        // copy grows): only a name whose text differs from what it reads (an escape) and an
        // edited one are.
        assert_eq!(resolved.labels.own, "Café7Edited");
        assert_eq!(resolved.labels.starts.len(), 5);
        assert_eq!(
            std::mem::size_of_val(resolved.labels.starts.as_slice()),
            4 * 5,
            "4 bytes a feature whose label is in the file's text"
        );
    }
}

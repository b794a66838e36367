//! Every feature's style and label and the layer's legend, resolved from the features'
//! properties in one pass for one layer revision and style, so drawing a frame only looks
//! them up. A pass reads [`PropertyTexts`], not the layer, so it can run on another thread
//! (the window does that for big layers) while the last result is still drawn.
//!
//! Kept compactly: the distinct styles once and an index per feature (4 bytes), the labels as
//! one string with an end offset per feature (4 bytes plus the text).

use std::collections::HashMap;

use super::{FeatureStyle, LayerStyle, Legend, LegendFacts, Swatch};
use crate::model::PropertyTexts;

/// The styles, labels and legend of a layer's features in one style.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The distinct styles; feature `i` has `styles[by_feature[i]]` (`styles[0]` for every
    /// feature when `by_feature` is empty: the style does not depend on properties).
    styles: Vec<FeatureStyle>,
    by_feature: Vec<u32>,
    /// Label `i` is `label_text[label_ends[i - 1]..label_ends[i]]`; empty is none.
    label_text: String,
    label_ends: Vec<u32>,
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
            label_text: String::new(),
            label_ends: Vec::new(),
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
            out.label_ends.reserve_exact(count);
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
                    if let Some(label) = style.label_in(p) {
                        out.label_text.push_str(&label);
                    }
                    out.label_ends.push(out.label_text.len() as u32);
                }
                let method = p.and_then(|p| p.get("method")).and_then(|m| m.as_str());
                if method == Some(crate::measure::METHOD) {
                    out.measurements.push(index as u32);
                }
            });
        }
        out.legend = style.legend_of(name, swatch, count, &facts);
        out.styles.shrink_to_fit();
        out.label_text.shrink_to_fit();
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
        let end = *self.label_ends.get(index)? as usize;
        let start = match index {
            0 => 0,
            _ => self.label_ends[index - 1] as usize,
        };
        self.label_text.get(start..end).filter(|t| !t.is_empty())
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
}

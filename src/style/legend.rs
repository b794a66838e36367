//! What the legend shows for a layer: a heading and one entry per colour or size, as data the
//! GUI and exported images draw the same way.

use super::{LayerStyle, NO_VALUE_OPACITY, Rgba, Symbol, value_number, value_text};
use crate::model::Layer;

/// How an entry's sample is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    Point { symbol: Symbol, radius: f32 },
    Line { width: f32 },
    Area,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub label: String,
    pub color: Rgba,
    pub swatch: Swatch,
}

/// One layer's part of the legend.
#[derive(Debug, Clone, PartialEq)]
pub struct Legend {
    pub title: String,
    pub entries: Vec<LegendEntry>,
}

/// The kinds of geometry a layer holds, for choosing the swatch.
fn swatch_of(style: &LayerStyle, layer: &Layer, radius: f32) -> Swatch {
    let (mut points, mut lines, mut has_areas) = (false, false, false);
    // By type name, without making a `geo::Geometry` per point; the legend is laid out every
    // frame, and a layer may hold a million points (any point decides the swatch).
    for f in layer.features.iter().filter(|f| f.bbox().is_some()) {
        match f.geometry_type() {
            Some("Point" | "MultiPoint") => {
                points = true;
                break;
            }
            Some("LineString" | "MultiLineString") => lines = true,
            Some("Polygon" | "MultiPolygon") => has_areas = true,
            _ => {}
        }
    }
    if points || (!lines && !has_areas) {
        Swatch::Point {
            symbol: style.symbol,
            radius,
        }
    } else if lines {
        Swatch::Line {
            width: style.line_width,
        }
    } else {
        Swatch::Area
    }
}

impl LayerStyle {
    /// The legend of `layer` drawn with this style: one entry for a single colour; one per
    /// category present (and "other" when some feature has none of them); for graduated
    /// sizes the largest, middle and smallest value, and "no value" when some feature lacks
    /// one.
    pub fn legend(&self, layer: &Layer) -> Legend {
        let mut title = self.title.clone().unwrap_or_else(|| {
            let name = &layer.name;
            name.strip_suffix(".geojson")
                .or_else(|| name.strip_suffix(".json"))
                .unwrap_or(name)
                .to_owned()
        });
        let mut entries = Vec::new();
        let base = swatch_of(self, layer, self.point_radius);
        let mut colored_by = None;
        match &self.categories {
            Some(c) => {
                colored_by = Some(c.property.clone());
                let values: Vec<Option<String>> = layer
                    .features
                    .iter()
                    // Read without keeping each feature's parsed object (a million of them).
                    .map(|f| {
                        f.with_properties(|p| {
                            p.and_then(|p| p.get(&c.property)).and_then(value_text)
                        })
                    })
                    .collect();
                for class in &c.classes {
                    if values.iter().any(|v| v.as_deref() == Some(&class.value)) {
                        entries.push(LegendEntry {
                            label: class.value.clone(),
                            color: class.color.faded(self.opacity),
                            swatch: base,
                        });
                    }
                }
                let other = values.iter().any(|v| {
                    v.as_ref()
                        .is_none_or(|v| !c.classes.iter().any(|k| &k.value == v))
                });
                if other {
                    entries.push(LegendEntry {
                        label: "other".into(),
                        color: c.other.faded(self.opacity),
                        swatch: base,
                    });
                }
            }
            None => {
                if self.graduated.is_none() {
                    entries.push(LegendEntry {
                        label: format!(
                            "{} features",
                            crate::measure::group_thousands(layer.features.len() as f64)
                        ),
                        color: self.color.faded(self.opacity),
                        swatch: base,
                    });
                }
            }
        }
        if let Some(g) = &self.graduated
            && matches!(base, Swatch::Point { .. })
        {
            // Sizes are shown in the layer's colour (or the neutral one when colours mean
            // categories, listed above).
            let color = if self.categories.is_some() {
                super::OTHER_COLOR
            } else {
                self.color
            }
            .faded(self.opacity);
            let point = |radius| Swatch::Point {
                symbol: self.symbol,
                radius,
            };
            let mut values = vec![g.max_value];
            let middle = round_nicely((g.min_value + g.max_value) / 2.0);
            if middle > g.min_value && middle < g.max_value {
                values.push(middle);
            }
            if g.min_value < g.max_value {
                values.push(g.min_value);
            }
            for v in values {
                entries.push(LegendEntry {
                    label: format_number(v),
                    color,
                    swatch: point(g.radius_for(v)),
                });
            }
            let missing = layer.features.iter().any(|f| {
                f.with_properties(|p| {
                    p.and_then(|p| p.get(&g.property))
                        .and_then(value_number)
                        .is_none()
                })
            });
            if missing {
                entries.push(LegendEntry {
                    label: "no value".into(),
                    color: color.faded(NO_VALUE_OPACITY),
                    swatch: point(g.min_radius),
                });
            }
            if self.title.is_none() {
                title = match colored_by {
                    Some(p) => format!("{title}: {p}, size by {}", g.property),
                    None => format!("{title}: size by {}", g.property),
                };
            }
        } else if let Some(p) = colored_by.filter(|_| self.title.is_none()) {
            title = format!("{title}: {p}");
        }
        Legend { title, entries }
    }
}

/// A round number near `v` (two significant digits), so legend sizes read simply.
fn round_nicely(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let magnitude = 10f64.powi(v.abs().log10().floor() as i32 - 1);
    (v / magnitude).round() * magnitude
}

/// A number as a person writes it: no trailing `.0`, at most two decimals.
fn format_number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_owned()
    }
}

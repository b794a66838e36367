//! What the legend shows for a layer: a heading and one entry per colour or size, as data the
//! GUI and exported images draw the same way.

use super::{LayerStyle, NO_VALUE_OPACITY, Rgba, Symbol, value_number, value_text};
use serde_json::{Map, Value};

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
pub fn swatch_of(style: &LayerStyle, layer: &Layer) -> Swatch {
    GeometryKinds::of(layer).swatch(style)
}

/// Which kinds of geometry a layer holds (what its legend's swatch depends on besides the
/// style): found in one pass, kept while the layer's geometries stay the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GeometryKinds {
    points: bool,
    lines: usize,
    areas: usize,
}

impl GeometryKinds {
    /// The kinds of `layer`'s features (the first point decides: a layer with points is
    /// shown by its symbol; else lines and areas are counted).
    pub fn of(layer: &Layer) -> Self {
        let mut kinds = Self::default();
        // By type name, without making a `geo::Geometry` per point (a layer may hold a
        // million points).
        for f in layer.features.iter().filter(|f| f.bbox().is_some()) {
            match f.geometry_type() {
                Some("Point" | "MultiPoint") => {
                    kinds.points = true;
                    break;
                }
                Some("LineString" | "MultiLineString") => kinds.lines += 1,
                Some("Polygon" | "MultiPolygon") => kinds.areas += 1,
                _ => {}
            }
        }
        kinds
    }

    /// The swatch of a layer of these kinds in `style`: its point symbol, else a line or an
    /// area by which there are more of (building footprints with a few roads are areas).
    pub fn swatch(self, style: &LayerStyle) -> Swatch {
        if self.points || (self.lines == 0 && self.areas == 0) {
            Swatch::Point {
                symbol: style.symbol,
                radius: style.point_radius,
            }
        } else if self.lines > self.areas {
            Swatch::Line {
                width: style.line_width,
            }
        } else {
            Swatch::Area
        }
    }
}

/// What the legend needs to know of a layer's features, found in one pass over their
/// properties: which categories occur, whether some feature has none of them, whether some
/// lacks the graduated number.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LegendFacts {
    classes: Vec<bool>,
    other: bool,
    missing_number: bool,
}

impl LegendFacts {
    /// Nothing seen yet, for `style`.
    pub fn new(style: &LayerStyle) -> Self {
        Self {
            classes: vec![false; style.categories.as_ref().map_or(0, |c| c.classes.len())],
            ..Self::default()
        }
    }

    /// Count one feature's `properties`.
    pub fn add(&mut self, style: &LayerStyle, properties: Option<&Map<String, Value>>) {
        let get = |key: &str| properties.and_then(|p| p.get(key));
        if let Some(c) = &style.categories {
            let value = get(&c.property).and_then(value_text);
            match c
                .classes
                .iter()
                .position(|k| Some(&k.value) == value.as_ref())
            {
                Some(i) => self.classes[i] = true,
                None => self.other = true,
            }
        }
        if let Some(g) = &style.graduated
            && get(&g.property).and_then(value_number).is_none()
        {
            self.missing_number = true;
        }
    }
}

impl LayerStyle {
    /// The legend of `layer` drawn with this style: one entry for a single colour; one per
    /// category present (and "other" when some feature has none of them); for graduated
    /// sizes the largest, middle and smallest value, and "no value" when some feature lacks
    /// one. Reads every feature's properties (see [`LayerStyle::legend_of`] for the same from
    /// facts gathered elsewhere).
    pub fn legend(&self, layer: &Layer) -> Legend {
        let mut facts = LegendFacts::new(self);
        if self.by_property() {
            for f in &layer.features {
                // Read without keeping each feature's parsed object (a million of them).
                f.with_properties(|p| facts.add(self, p));
            }
        }
        self.legend_of(
            &layer.name,
            swatch_of(self, layer),
            layer.features.len(),
            &facts,
        )
    }

    /// The legend of a layer called `name` of `count` features whose samples are drawn as
    /// `base`, from `facts` about its features.
    pub fn legend_of(&self, name: &str, base: Swatch, count: usize, facts: &LegendFacts) -> Legend {
        let mut title = self.title.clone().unwrap_or_else(|| {
            name.strip_suffix(".geojson")
                .or_else(|| name.strip_suffix(".json"))
                .unwrap_or(name)
                .to_owned()
        });
        let mut entries = Vec::new();
        let mut colored_by = None;
        match &self.categories {
            Some(c) => {
                colored_by = Some(c.property.clone());
                for (class, _) in c
                    .classes
                    .iter()
                    .zip(&facts.classes)
                    .filter(|(_, seen)| **seen)
                {
                    entries.push(LegendEntry {
                        label: class.value.clone(),
                        color: class.color.faded(self.opacity),
                        swatch: base,
                    });
                }
                if facts.other {
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
                            "{} feature{}",
                            crate::measure::group_thousands(count as f64),
                            if count == 1 { "" } else { "s" }
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
            if facts.missing_number {
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

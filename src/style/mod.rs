//! How a layer is drawn, as plain data the GUI, the `render` command and project files share:
//! a colour, point symbol and sizes, colour by category of a property, point size graduated by a
//! number, opacity, and the property that labels features. Saved with the project (serde), so
//! every field has a default and unknown fields are ignored.
//!
//! [`LayerStyle::feature_style`] resolves the drawing of one feature; [`LayerStyle::legend`]
//! lists what the legend shows for a layer. Neither knows about the screen.

pub mod color;
mod legend;
mod resolved;

pub use color::{BadColor, Rgba};
pub use legend::{GeometryKinds, Legend, LegendEntry, LegendFacts, Swatch, swatch_of};
pub use resolved::Resolved;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::{Feature, Layer, LayerKind};

/// How points are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Symbol {
    Dot,
    Ring,
    Diamond,
    Square,
    Triangle,
}

impl Symbol {
    pub const ALL: [Symbol; 5] = [
        Symbol::Dot,
        Symbol::Ring,
        Symbol::Diamond,
        Symbol::Square,
        Symbol::Triangle,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Symbol::Dot => "dot",
            Symbol::Ring => "ring",
            Symbol::Diamond => "diamond",
            Symbol::Square => "square",
            Symbol::Triangle => "triangle",
        }
    }
}

/// Calm, distinguishable colours for data layers and categories, in the order they are needed.
pub const PALETTE: [Rgba; 8] = [
    Rgba::rgb(214, 39, 40),   // red: the first layer, usually the sites
    Rgba::rgb(31, 119, 180),  // blue
    Rgba::rgb(44, 160, 44),   // green
    Rgba::rgb(148, 103, 189), // purple
    Rgba::rgb(255, 127, 14),  // orange
    Rgba::rgb(23, 190, 207),  // teal
    Rgba::rgb(140, 86, 75),   // brown
    Rgba::rgb(227, 119, 194), // pink
];

/// Colour of the Measurements layer.
pub const MEASUREMENT_COLOR: Rgba = Rgba::rgb(120, 20, 60);

/// How opaque a feature without a value for its graduated size is drawn (relative to the
/// layer), so it does not read as the smallest value.
pub const NO_VALUE_OPACITY: f32 = 0.5;

/// Colour of features whose category is not listed (or have no value).
pub const OTHER_COLOR: Rgba = Rgba::rgb(150, 150, 150);

/// Symbols of layers opened one after another: a site and the raid on it both stay visible
/// (the second layer's ring goes around the first layer's dot).
const LAYER_SYMBOLS: [Symbol; 4] = [Symbol::Dot, Symbol::Ring, Symbol::Diamond, Symbol::Square];

/// Colours by a property's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Categories {
    pub property: String,
    pub classes: Vec<Category>,
    /// Features whose value is not in `classes`, or missing.
    #[serde(default = "other_color")]
    pub other: Rgba,
}

fn other_color() -> Rgba {
    OTHER_COLOR
}

/// One value of a categorised property and its colour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    /// The value as text (numbers and booleans as written in JSON).
    pub value: String,
    pub color: Rgba,
}

/// Point radius from a number: area grows with the value, from `min_radius` at `min_value` to
/// `max_radius` at `max_value` (values outside are clamped).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Graduated {
    pub property: String,
    pub min_value: f64,
    pub max_value: f64,
    pub min_radius: f32,
    pub max_radius: f32,
}

/// The style of one layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LayerStyle {
    /// The colour of every feature (without categories) and of lines and outlines.
    pub color: Rgba,
    pub symbol: Symbol,
    /// Radius of point symbols in screen points (without graduation).
    pub point_radius: f32,
    /// Width of lines and polygon outlines in screen points.
    pub line_width: f32,
    /// Opacity of polygon fills (0–1), on top of `opacity`.
    pub fill_opacity: f32,
    /// Opacity of the whole layer (0–1).
    pub opacity: f32,
    pub categories: Option<Categories>,
    pub graduated: Option<Graduated>,
    /// The property whose value labels each feature; `None` draws no labels.
    pub label: Option<String>,
    /// The legend's heading for this layer; `None` uses the layer's name.
    pub title: Option<String>,
    /// Whether the legend lists this layer.
    pub in_legend: bool,
}

impl Default for LayerStyle {
    fn default() -> Self {
        Self {
            color: PALETTE[0],
            symbol: Symbol::Dot,
            point_radius: 6.0,
            line_width: 2.5,
            fill_opacity: 0.25,
            opacity: 1.0,
            categories: None,
            graduated: None,
            label: Some("name".into()),
            title: None,
            in_legend: true,
        }
    }
}

/// How one feature is drawn, resolved from its layer's style.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeatureStyle {
    /// Points, lines and outlines (layer opacity applied).
    pub color: Rgba,
    /// Polygon fill (fill and layer opacity applied).
    pub fill: Rgba,
    pub symbol: Symbol,
    pub radius: f32,
    pub line_width: f32,
}

impl LayerStyle {
    /// The default style of the `nth` layer opened (0 is the first).
    pub fn nth(layer: &Layer, nth: usize) -> Self {
        match layer.kind {
            LayerKind::Measurements => Self {
                color: MEASUREMENT_COLOR,
                // Kept measurements carry their own labels (distances, areas).
                label: None,
                ..Self::default()
            },
            LayerKind::Data => Self {
                color: PALETTE[nth % PALETTE.len()],
                symbol: LAYER_SYMBOLS[nth % LAYER_SYMBOLS.len()],
                ..Self::default()
            },
        }
    }

    /// How `feature` is drawn.
    pub fn feature_style(&self, feature: &Feature) -> FeatureStyle {
        if !self.by_property() {
            return self.style_of(None);
        }
        // Read the properties without keeping the parsed object (a big layer's features
        // would otherwise each keep theirs once drawn).
        feature.with_properties(|p| self.style_of(p))
    }

    /// How a feature with these `properties` is drawn.
    pub fn style_of(&self, properties: Option<&Map<String, Value>>) -> FeatureStyle {
        let get = |key: &str| properties.and_then(|p| p.get(key));
        let color = match &self.categories {
            Some(c) => c.color_of(get(&c.property)),
            None => self.color,
        };
        let (radius, opacity) = match &self.graduated {
            Some(g) => {
                let value = get(&g.property);
                let known = value.and_then(value_number).is_some();
                let opacity = if known { 1.0 } else { NO_VALUE_OPACITY };
                (g.radius_of(value), opacity)
            }
            None => (self.point_radius, 1.0),
        };
        FeatureStyle {
            color: color.faded(self.opacity * opacity),
            fill: color.faded(self.opacity * self.fill_opacity),
            symbol: self.symbol,
            radius,
            line_width: self.line_width,
        }
    }

    /// Whether features differ in how they are drawn (categories or graduated sizes).
    pub fn by_property(&self) -> bool {
        self.categories.is_some() || self.graduated.is_some()
    }

    /// The label of `feature`, from the label property (`None` when it has no such value).
    /// Reads the properties without keeping the parsed object.
    pub fn label_of(&self, feature: &Feature) -> Option<String> {
        self.label.as_ref()?;
        feature.with_properties(|p| self.label_in(p))
    }

    /// The label of a feature with these `properties` (`None` when it has no such value).
    pub fn label_in(&self, properties: Option<&Map<String, Value>>) -> Option<String> {
        let property = self.label.as_deref()?;
        value_text(properties?.get(property)?).filter(|t| !t.trim().is_empty())
    }
}

impl Categories {
    /// One class per distinct value of `property` in `layer`, in order of first appearance,
    /// coloured from the palette (well-known `status` values get their usual colours).
    pub fn from_layer(property: &str, layer: &Layer) -> Self {
        let mut classes: Vec<Category> = Vec::new();
        for feature in &layer.features {
            // Read without keeping: every feature of a big layer is looked at.
            let value = feature.with_properties(|p| p?.get(property).and_then(value_text));
            let Some(value) = value else {
                continue;
            };
            if classes.iter().any(|c| c.value == value) {
                continue;
            }
            let color = known_color(&value).unwrap_or(PALETTE[classes.len() % PALETTE.len()]);
            classes.push(Category { value, color });
        }
        Self {
            property: property.to_owned(),
            classes,
            other: OTHER_COLOR,
        }
    }

    /// The colour of a value of the property.
    pub fn color_of(&self, value: Option<&Value>) -> Rgba {
        value
            .and_then(value_text)
            .and_then(|text| self.classes.iter().find(|c| c.value == text))
            .map_or(self.other, |c| c.color)
    }
}

/// Usual colours for the statuses of a scam site, so maps from different layers agree.
fn known_color(value: &str) -> Option<Rgba> {
    Some(match value.to_ascii_lowercase().as_str() {
        "suspected" => Rgba::rgb(255, 152, 0),
        "confirmed" => Rgba::rgb(214, 39, 40),
        "operating" => Rgba::rgb(128, 0, 38),
        "raided" => Rgba::rgb(31, 119, 180),
        "closed" => Rgba::rgb(120, 120, 120),
        _ => return None,
    })
}

impl Graduated {
    /// Sizes from 0 (or the smallest value, if negative) to the largest value of `property`
    /// in `layer`; `None` when no feature has a number there.
    pub fn from_layer(property: &str, layer: &Layer) -> Option<Self> {
        let values = layer
            .features
            .iter()
            .filter_map(|f| f.with_properties(|p| p?.get(property).and_then(value_number)));
        let (min, max) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        (min <= max).then(|| Self {
            property: property.to_owned(),
            min_value: min.min(0.0),
            max_value: max,
            min_radius: 4.0,
            max_radius: 18.0,
        })
    }

    /// The radius for a value; a missing or non-numeric value gets the smallest radius.
    pub fn radius_of(&self, value: Option<&Value>) -> f32 {
        match value.and_then(value_number) {
            Some(v) => self.radius_for(v),
            None => self.min_radius,
        }
    }

    /// The radius for a number: the symbol's area is proportional to the value's place
    /// between `min_value` and `max_value`.
    pub fn radius_for(&self, value: f64) -> f32 {
        let span = self.max_value - self.min_value;
        let t = if span > 0.0 && span.is_finite() {
            ((value - self.min_value) / span).clamp(0.0, 1.0)
        } else {
            1.0
        };
        let (r0, r1) = (f64::from(self.min_radius), f64::from(self.max_radius));
        (r0 * r0 + (r1 * r1 - r0 * r0) * t).sqrt() as f32
    }
}

/// A property's value as text: strings as they are, numbers and booleans as JSON writes them;
/// `null`, lists and objects have none.
pub fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// A property's value as a number: JSON numbers and strings that read as one.
pub fn value_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|v| v.is_finite())
}

/// Property keys of a layer's features, in order of first appearance, for choosing what to
/// style or label by.
pub fn property_keys(layer: &Layer) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for feature in &layer.features {
        // Keys only, without keeping parsed properties (a layer may have a million features).
        for key in feature.property_keys() {
            if !keys.iter().any(|k| **k == *key) {
                keys.push(key.into_owned());
            }
        }
    }
    keys
}

/// Keys that hold a number in at least one feature (candidates for graduated sizes).
pub fn numeric_keys(layer: &Layer) -> Vec<String> {
    property_keys(layer)
        .into_iter()
        .filter(|k| {
            layer.features.iter().any(|f| {
                f.with_properties(|p| p.and_then(|p| p.get(k)).and_then(value_number).is_some())
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;

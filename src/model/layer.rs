//! A layer: the features of one file or database table (or of the program's own Measurements
//! layer).

use std::collections::HashMap;
use std::path::PathBuf;

use geo::Rect;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::outer_box::{step_above, step_below};
use super::{Feature, Problem};

/// What kind of GeoJSON object the file's top level was, so an export writes the same kind.
#[derive(Debug, Clone)]
pub enum Root {
    /// A FeatureCollection. `members` holds every top-level member in its original order, with
    /// `features` kept as a placeholder (`null`) at its place; the features live in
    /// [`Layer::features`]. `member_texts` holds the exact text of each member read from a
    /// file (not `features`), so an export writes a member verbatim while its value in
    /// `members` is still equal to that text; it may be empty.
    FeatureCollection {
        members: Map<String, Value>,
        member_texts: Vec<(String, Box<RawValue>)>,
    },
    /// A single Feature at the top level (the layer has exactly one feature).
    Feature,
    /// A bare Geometry at the top level (the layer has exactly one feature whose object holds it).
    Geometry,
}

/// Whether a layer holds the user's data or what the program made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerKind {
    /// Features read from a file.
    Data,
    /// Measurements the user kept.
    Measurements,
}

/// An ordered set of features with where they came from.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Display name (the file name for files).
    pub name: String,
    /// The file it was read from, if any.
    pub path: Option<PathBuf>,
    /// The database table it was read from, if any (then `path` is `None`).
    pub table: Option<Box<TableOrigin>>,
    pub kind: LayerKind,
    pub root: Root,
    pub features: Vec<Feature>,
    /// SHOULD-level problems found while reading (RFC 7946 recommendations not followed), each
    /// with its place; `Display` gives `LINE:COLUMN: message (at PATH)`.
    pub warnings: Vec<Problem>,
}

impl Layer {
    /// An empty FeatureCollection layer.
    pub fn new(name: impl Into<String>, kind: LayerKind) -> Self {
        let mut members = Map::new();
        members.insert("type".into(), Value::String("FeatureCollection".into()));
        members.insert("features".into(), Value::Null);
        Self {
            name: name.into(),
            path: None,
            table: None,
            kind,
            root: Root::FeatureCollection {
                members,
                member_texts: Vec::new(),
            },
            features: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The exact bounding box of every feature with a geometry, in lon/lat degrees.
    pub fn bbox(&self) -> Option<Rect<f64>> {
        let outer = self
            .features
            .iter()
            .filter_map(Feature::bbox)
            .reduce(|a, b| union(&a, &b))?;
        // Lines and polygons kept as text have boxes rounded outward to `f32`
        // (`Feature::bbox`). A side of the exact extent is held by a feature whose box is
        // within one `f32` step of that side of `outer`: only those few are read exactly.
        let (x0, y0) = (step_above(outer.min().x), step_above(outer.min().y));
        let (x1, y1) = (step_below(outer.max().x), step_below(outer.max().y));
        self.features
            .iter()
            .filter(|f| {
                f.bbox().is_some_and(|b| {
                    b.min().x < x0 || b.min().y < y0 || b.max().x > x1 || b.max().y > y1
                })
            })
            .filter_map(Feature::exact_bbox)
            .reduce(|a, b| union(&a, &b))
    }

    /// Whether any feature was edited or added since the layer was read.
    pub fn is_edited(&self) -> bool {
        self.features.iter().any(Feature::is_edited)
    }
}

/// Where a layer read from a PostgreSQL table came from, and what each row was when it was read:
/// what a save needs to find the rows that changed meanwhile (see `io::postgis::save`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableOrigin {
    /// The table's address, `postgresql://USER@HOST:PORT/DB?table=SCHEMA.TABLE` (never a
    /// password).
    pub address: String,
    /// The version (`xmin`) of each row as read, by its feature id written as JSON (`7`,
    /// `"site-7"`). A feature whose id is not here is new; an id here without a feature was
    /// deleted.
    pub versions: HashMap<String, u32>,
    /// Why the layer cannot be saved to its table (no primary key, a view), if so.
    pub read_only: Option<String>,
}

/// The smallest rectangle holding both.
pub fn union(a: &Rect<f64>, b: &Rect<f64>) -> Rect<f64> {
    Rect::new(
        geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
        geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use geo::{BoundingRect, Geometry, LineString, Polygon};

    use super::*;

    /// A layer of features read from one text: squares (kept as text, their boxes rounded to
    /// `f32`) and points, at coordinates `f32` does not hold.
    fn layer(squares: &[(f64, f64, f64)], points: &[(f64, f64)]) -> Layer {
        let mut text = String::from("[");
        let mut parts = Vec::new();
        for &(x, y, side) in squares {
            let ring = vec![(x, y), (x + side, y), (x + side, y + side), (x, y)];
            let polygon: Geometry<f64> = Polygon::new(LineString::from(ring), Vec::new()).into();
            parts.push(polygon);
        }
        for &(x, y) in points {
            parts.push(geo::Point::new(x, y).into());
        }
        let mut spans = Vec::new();
        for geometry in &parts {
            let json = serde_json::to_string(&geojson::Geometry::from(geometry)).expect("written");
            let start = text.len();
            text.push_str(&format!(
                r#"{{"type":"Feature","geometry":{json},"properties":null}}"#
            ));
            spans.push(start..text.len());
            text.push(',');
        }
        text.pop();
        text.push(']');
        let text = Arc::new(text);
        let mut layer = Layer::new("l", LayerKind::Data);
        for (span, geometry) in spans.into_iter().zip(parts) {
            layer
                .features
                .push(Feature::read(&text, span, Some(geometry)));
        }
        layer
    }

    fn exact(layer: &Layer) -> Rect<f64> {
        layer
            .features
            .iter()
            .filter_map(|f| f.geometry()?.bounding_rect())
            .reduce(|a, b| union(&a, &b))
            .expect("features with geometries")
    }

    #[test]
    fn the_extent_is_exact_though_boxes_kept_with_text_are_rounded() {
        let squares = [
            (104.912_345_678_9, 11.512_345_678_9, 0.000_3),
            (104.912_345_678_91, 11.6, 0.000_2),
            (104.95, 11.7, 0.000_123_456_789),
        ];
        let polygons = layer(&squares, &[]);
        let rounded = polygons.features[0].bbox().expect("a polygon has a box");
        assert_ne!(rounded.min().x, 104.912_345_678_9, "the box is rounded");
        assert_eq!(polygons.bbox(), Some(exact(&polygons)));
        // A point a hair inside the rounded box but outside the polygons' exact extent.
        let inside = f64::midpoint(rounded.min().x, 104.912_345_678_9);
        let mixed = layer(&squares, &[(inside, 11.65)]);
        assert_eq!(mixed.bbox(), Some(exact(&mixed)));
        assert_eq!(mixed.bbox().map(|b| b.min().x), Some(inside));
        assert_eq!(Layer::new("empty", LayerKind::Data).bbox(), None);
    }
}

//! Features converted from another format (KML, CSV, GPX, Shapefile, GeoPackage, FlatGeobuf,
//! TopoJSON), kept the way GeoJSON features are: each as a span of one shared GeoJSON text,
//! its object parsed only when asked for. A converted layer costs about what the same layer
//! read from GeoJSON costs, not a parsed object per feature. A geometry GeoJSON cannot carry
//! (a ring of fewer than four positions, a line of one, a position that is not a finite
//! number: what a hostile or broken binary file can hold) is left out of its feature with a
//! warning naming the feature, so what is read is always written as valid GeoJSON.

use std::ops::Range;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::model::{Feature, Problem};

/// Collects converted features; [`Converted::finish`] hands them out sharing one text.
#[derive(Default)]
pub struct Converted {
    text: String,
    items: Vec<(Range<usize>, Option<geo::Geometry<f64>>)>,
    /// Warnings for geometries left out (see [`not_geojson`]).
    left_out: Vec<Problem>,
}

impl Converted {
    /// Add a feature: `geometry` is GeoJSON (altitudes kept, or `Value::Null`), `shape` the
    /// same as a 2-D `geo` geometry; `id` becomes the feature's `id` member. A shape GeoJSON
    /// cannot carry is left out (the feature keeps its properties) with a warning.
    pub fn push(
        &mut self,
        id: Option<Value>,
        mut geometry: Value,
        properties: Map<String, Value>,
        mut shape: Option<geo::Geometry<f64>>,
    ) -> usize {
        if let Some(why) = shape.as_ref().and_then(not_geojson) {
            self.left_out.push(Problem::warning(format!(
                "feature {}: its geometry is left out, as GeoJSON cannot carry it ({why})",
                self.items.len() + 1
            )));
            geometry = Value::Null;
            shape = None;
        }
        let mut object = Map::new();
        object.insert("type".into(), Value::String("Feature".into()));
        if let Some(id) = id {
            object.insert("id".into(), id);
        }
        object.insert("geometry".into(), geometry);
        object.insert("properties".into(), Value::Object(properties));
        self.push_object(object, shape)
    }

    /// Add a whole Feature object (members in their order kept), `shape` its 2-D geometry.
    pub fn push_object(
        &mut self,
        object: Map<String, Value>,
        shape: Option<geo::Geometry<f64>>,
    ) -> usize {
        let start = self.text.len();
        // Writing a Value into a String cannot fail.
        let json = serde_json::to_string(&object).unwrap_or_default();
        self.text.push_str(&json);
        self.items.push((start..self.text.len(), shape));
        self.items.len() - 1
    }

    /// The geometries pushed so far, in order (features without one left out).
    pub fn shapes(&self) -> impl Iterator<Item = &geo::Geometry<f64>> {
        self.items.iter().filter_map(|(_, shape)| shape.as_ref())
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The features in the order they were pushed; a warning for each geometry left out is
    /// added to `warnings`.
    pub fn finish(self, warnings: &mut Vec<Problem>) -> Vec<Feature> {
        warnings.extend(self.left_out);
        let text = Arc::new(self.text);
        self.items
            .into_iter()
            .map(|(span, shape)| Feature::read(&text, span, shape))
            .collect()
    }
}

/// Why GeoJSON (RFC 7946, as raidmap's reader checks it) cannot carry `shape`, if it cannot:
/// a position that is not a finite number, a line of fewer than two positions, a ring of
/// fewer than four or not closed.
pub fn not_geojson(shape: &geo::Geometry<f64>) -> Option<String> {
    use geo::Geometry as G;
    fn line(l: &geo::LineString<f64>, what: &str, least: usize) -> Option<String> {
        if let Some(c) = l.0.iter().find(|c| !(c.x.is_finite() && c.y.is_finite())) {
            return Some(format!(
                "a position ({}, {}) is not a finite number",
                c.x, c.y
            ));
        }
        if l.0.len() < least {
            return Some(format!(
                "a {what} of {} position(s), fewer than {least}",
                l.0.len()
            ));
        }
        (what == "ring" && l.0.first() != l.0.last()).then(|| "a ring is not closed".into())
    }
    fn polygon(p: &geo::Polygon<f64>) -> Option<String> {
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .find_map(|r| line(r, "ring", 4))
    }
    let point = |p: &geo::Point<f64>| line(&geo::LineString(vec![p.0]), "point", 1);
    match shape {
        G::Point(p) => point(p),
        G::MultiPoint(m) => m.iter().find_map(point),
        G::LineString(l) => line(l, "line", 2),
        G::MultiLineString(m) => m.iter().find_map(|l| line(l, "line", 2)),
        G::Polygon(p) => polygon(p),
        G::MultiPolygon(m) => m.iter().find_map(polygon),
        G::GeometryCollection(c) => c.iter().find_map(not_geojson),
        G::Line(l) => line(&geo::LineString(vec![l.start, l.end]), "line", 2),
        G::Rect(r) => polygon(&r.to_polygon()),
        G::Triangle(t) => polygon(&t.to_polygon()),
    }
}

/// The warning for a layer whose geometries had M (measure) values.
pub const M_LEFT_OUT: &str = "its geometries carry M (measure) values, which are left out \
     (GeoJSON has no place for them; GDAL leaves them out of GeoJSON too)";

/// What a geometry read holds besides x and y: the Z of each position in order (`None` once a
/// position has none), and whether any position has an M (measure).
#[derive(Debug)]
pub struct Beyond2d {
    pub z: Option<Vec<f64>>,
    pub measured: bool,
}

impl Default for Beyond2d {
    fn default() -> Self {
        Self {
            z: Some(Vec::new()),
            measured: false,
        }
    }
}

impl Beyond2d {
    /// Note the next `n` positions: their Z values (`None` when they have none, or not one
    /// each) and whether they have M values.
    pub fn note(&mut self, n: usize, z: Option<impl ExactSizeIterator<Item = f64>>, m: bool) {
        if n == 0 {
            return;
        }
        self.measured |= m;
        match (&mut self.z, z) {
            (Some(zs), Some(z)) if z.len() == n => zs.extend(z),
            (z, _) => *z = None,
        }
    }
}

/// `geometry` as GeoJSON, with `z[i]` as the third number of its i-th position, positions
/// counted in the order geo keeps them (exterior ring before holes, members in order), which
/// is the order readers collect them in. Without `z`, or when it holds another number of
/// values than there are positions, the geometry is 2-D.
pub fn geojson_with_z(geometry: &geo::Geometry<f64>, z: Option<&[f64]>) -> Value {
    let Ok(mut json) = serde_json::to_value(geojson::Geometry::from(geometry)) else {
        return Value::Null;
    };
    if let Some(z) = z {
        use geo::CoordsIter as _;
        if z.len() == geometry.coords_count() {
            add_z(&mut json, &mut z.iter());
        }
    }
    json
}

/// Push the next value of `z` onto each position of a GeoJSON geometry, in document order.
fn add_z(json: &mut Value, z: &mut std::slice::Iter<'_, f64>) {
    fn positions(v: &mut Value, z: &mut std::slice::Iter<'_, f64>) {
        let Value::Array(items) = v else { return };
        if items.first().is_some_and(Value::is_number) {
            if let Some(n) = z.next().and_then(|z| serde_json::Number::from_f64(*z)) {
                items.truncate(2);
                items.push(Value::Number(n));
            }
            return;
        }
        for item in items {
            positions(item, z);
        }
    }
    if let Some(coordinates) = json.get_mut("coordinates") {
        positions(coordinates, z);
    }
    if let Some(Value::Array(members)) = json.get_mut("geometries") {
        for member in members {
            add_z(member, z);
        }
    }
}

/// The third number of each position of a GeoJSON geometry, in document order (`None` where a
/// position has only two): what [`geojson_with_z`] put there.
pub fn altitudes(geometry: &Value) -> Vec<Option<f64>> {
    fn positions(v: &Value, out: &mut Vec<Option<f64>>) {
        let Value::Array(items) = v else { return };
        if items.first().is_some_and(Value::is_number) {
            out.push(items.get(2).and_then(Value::as_f64));
            return;
        }
        for item in items {
            positions(item, out);
        }
    }
    fn walk(v: &Value, out: &mut Vec<Option<f64>>) {
        if let Some(coordinates) = v.get("coordinates") {
            positions(coordinates, out);
        }
        if let Some(Value::Array(members)) = v.get("geometries") {
            for member in members {
                walk(member, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(geometry, &mut out);
    out
}

/// The Z of every position of `shape` (in geo's order) from its GeoJSON `geometry`, when each
/// position has one; `None` for a 2-D geometry (or one whose positions do not match `shape`).
pub fn z_values(geometry: &Value, shape: &geo::Geometry<f64>) -> Option<Vec<f64>> {
    use geo::CoordsIter as _;
    let z: Option<Vec<f64>> = altitudes(geometry).into_iter().collect();
    z.filter(|z| !z.is_empty() && z.len() == shape.coords_count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z_values_land_on_positions_in_order() {
        let polygon: geo::Geometry<f64> = geo::Polygon::new(
            geo::LineString::from(vec![(0., 0.), (1., 0.), (1., 1.), (0., 0.)]),
            vec![geo::LineString::from(vec![
                (0.2, 0.2),
                (0.3, 0.2),
                (0.3, 0.3),
                (0.2, 0.2),
            ])],
        )
        .into();
        let z = [1., 2., 3., 4., 5., 6., 7., 8.];
        let json = geojson_with_z(&polygon, Some(&z));
        assert_eq!(
            json["coordinates"][0][1],
            serde_json::json!([1.0, 0.0, 2.0])
        );
        assert_eq!(
            json["coordinates"][1][3],
            serde_json::json!([0.2, 0.2, 8.0])
        );
        let collection: geo::Geometry<f64> =
            geo::Geometry::GeometryCollection(geo::GeometryCollection(vec![
                geo::Point::new(5., 6.).into(),
                polygon.clone(),
            ]));
        let json = geojson_with_z(&collection, Some(&[0., 1., 2., 3., 4., 5., 6., 7., 8.]));
        assert_eq!(
            json["geometries"][0]["coordinates"],
            serde_json::json!([5.0, 6.0, 0.0])
        );
        assert_eq!(json["geometries"][1]["coordinates"][1][3][2], 8.0);
        // A count that does not match leaves the geometry 2-D.
        let json = geojson_with_z(&polygon, Some(&z[..3]));
        assert_eq!(json["coordinates"][0][1], serde_json::json!([1.0, 0.0]));
        assert_eq!(z_values(&json, &polygon), None);
        // Read back, the same values in the same order.
        let json = geojson_with_z(&collection, Some(&[0., 1., 2., 3., 4., 5., 6., 7., 8.]));
        assert_eq!(
            z_values(&json, &collection),
            Some(vec![0., 1., 2., 3., 4., 5., 6., 7., 8.])
        );
        assert_eq!(z_values(&json, &polygon), None);
    }
}

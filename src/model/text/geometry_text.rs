//! A feature's lines and polygons read again from its checked text, for features that keep
//! only their bounding box (a building layer's polygons and roads; see
//! `Feature::with_geometry`).
//!
//! The text was checked when the layer was read, so the conversion is the checker's for valid
//! input and nothing more: each position's first two numbers, every line and ring as written
//! (a ring at least four positions, closed), a polygon's first ring its exterior.

use std::fmt;

use geo::{Coord, Geometry, LineString, MultiLineString, MultiPolygon, Polygon};
use serde::Deserializer as _;
use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

/// The `geometry` of the feature whose checked text is `text` when it is a LineString,
/// MultiLineString, Polygon or MultiPolygon; `None` for anything else (the text was checked,
/// so only for text that was not such a feature's).
pub(crate) fn lines_or_polygons(text: &str) -> Option<Geometry<f64>> {
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let geometry = de.deserialize_map(GeometryOnly).ok()??;
    let coordinates = geometry.get("coordinates")?.as_array()?;
    Some(match geometry.get("type")?.as_str()? {
        "LineString" => Geometry::LineString(line(coordinates)?),
        "MultiLineString" => Geometry::MultiLineString(MultiLineString(
            coordinates
                .iter()
                .map(|l| line(l.as_array()?))
                .collect::<Option<_>>()?,
        )),
        "Polygon" => Geometry::Polygon(polygon(coordinates)?),
        "MultiPolygon" => Geometry::MultiPolygon(MultiPolygon(
            coordinates
                .iter()
                .map(|p| polygon(p.as_array()?))
                .collect::<Option<_>>()?,
        )),
        _ => return None,
    })
}

/// A LineString's coordinates as the reader's checker converts them.
fn line(positions: &[Value]) -> Option<LineString<f64>> {
    positions.iter().map(position).collect()
}

/// A Polygon's coordinates (an array of rings) as the reader's checker converts them.
fn polygon(rings: &[Value]) -> Option<Polygon<f64>> {
    let mut rings = rings
        .iter()
        .map(|ring| ring.as_array()?.iter().map(position).collect())
        .collect::<Option<Vec<Vec<Coord<f64>>>>>()?;
    if rings.is_empty() {
        return Some(Polygon::empty());
    }
    let exterior = LineString(rings.remove(0));
    let mut interiors: Vec<LineString<f64>> = rings.into_iter().map(LineString).collect();
    interiors.shrink_to_fit();
    Some(Polygon::new(exterior, interiors))
}

fn position(value: &Value) -> Option<Coord<f64>> {
    match value.as_array()?.as_slice() {
        [x, y, ..] => Some(Coord {
            x: x.as_f64()?,
            y: y.as_f64()?,
        }),
        _ => None,
    }
}

/// Reads a feature object's text and returns its `geometry` member, skipping the rest (the
/// last one when a key is repeated, as the reader's parse keeps).
struct GeometryOnly;

impl<'de> Visitor<'de> for GeometryOnly {
    type Value = Option<serde_json::Map<String, Value>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a feature object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut geometry = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "geometry" {
                geometry = map.next_value::<Option<serde_json::Map<String, Value>>>()?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(geometry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_polygons_are_read_as_written_with_holes_and_altitudes() {
        let text = r#"{"type":"Feature","properties":{"coordinates":1},"geometry":{"coordinates":[[[0,0,5],[4,0,5],[4,4.5,5],[0,0,5]],[[1,1],[2,1],[2,2],[1,1]]],"type":"Polygon"}}"#;
        let Some(Geometry::Polygon(p)) = lines_or_polygons(text) else {
            panic!("a polygon")
        };
        assert_eq!(p.exterior().0.len(), 4);
        assert_eq!(p.exterior().0[2], Coord { x: 4.0, y: 4.5 });
        assert_eq!(p.interiors().len(), 1);
        let multi = r#"{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]},"properties":null}"#;
        let Some(Geometry::MultiPolygon(polygons)) = lines_or_polygons(multi) else {
            panic!("two polygons")
        };
        assert_eq!(polygons.0.len(), 2);
        assert_eq!(polygons.0[1].exterior().0[0], Coord { x: 5.0, y: 5.0 });
        let road =
            r#"{"geometry":{"type":"LineString","coordinates":[[1,2,9],[3,4]]},"type":"Feature"}"#;
        let Some(Geometry::LineString(l)) = lines_or_polygons(road) else {
            panic!("a line")
        };
        assert_eq!(l.0, [Coord { x: 1.0, y: 2.0 }, Coord { x: 3.0, y: 4.0 }]);
        let point = r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}"#;
        assert!(lines_or_polygons(point).is_none());
    }
}

//! TopoJSON in (read only), decoded as topojson-client's `feature()` does: each named object
//! becomes a layer, each geometry of a GeometryCollection object a feature (its `id` and
//! `properties` kept); lines and rings are stitched from the shared arcs (a negative index
//! ~i runs arc i backwards; the first position of each arc after the first is the previous
//! one's last), and quantized files are decoded with their `transform` (delta-encoded arcs,
//! scaled and translated positions).
//!
//! georust's `topojson` crate was not used: it pins an older `geojson` than the one raidmap
//! builds, which would compile a second copy.
//!
//! Hostile files: JSON deeper than [`limits::max_depth`] is refused before parsing; an arc
//! index outside the arcs is an error naming the object and feature; and since arcs can be
//! referenced many times over, the decoded positions are capped at ten times the arcs'
//! own (plus a million), so a small file cannot expand into gigabytes.

use geo::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Polygon};
use serde_json::{Map, Value};

use super::convert::Converted;
use super::{ReadError, format_error, limits};
use crate::model::{Layer, LayerKind};

const FORMAT: &str = "TopoJSON";

/// Read TopoJSON bytes as one layer per object.
pub fn read_topojson(bytes: &[u8], name: &str) -> Result<Vec<Layer>, ReadError> {
    let fail = |message: String| format_error(name, FORMAT, None, message);
    let topology = parse_topology(bytes, name)?;
    let transform = transform_of(&topology).map_err(fail)?;
    let place = |c: Coord<f64>| placed(transform, c);
    let arcs = decode_arcs(&topology, transform.is_some(), &place).map_err(fail)?;
    let arc_positions: usize = arcs.iter().map(Vec::len).sum();
    let objects = topology["objects"]
        .as_object()
        .ok_or_else(|| fail("it has no \"objects\"".into()))?;
    let mut decoder = Decoder {
        arcs: &arcs,
        budget: arc_positions.saturating_mul(10).saturating_add(1_000_000),
        place: &place,
        position: &position,
    };
    let mut layers = Vec::new();
    for (object_name, object) in objects {
        layers.push(decoder.layer(object_name, object).map_err(fail)?);
    }
    if layers.is_empty() {
        return Err(fail("its \"objects\" is empty".into()));
    }
    Ok(layers)
}

/// A quantized file's `transform`: (scale, translate), each an (x, y) pair.
type Transform = ((f64, f64), (f64, f64));

/// The file's JSON, its depth checked before it is parsed, and its type checked.
fn parse_topology(bytes: &[u8], name: &str) -> Result<Value, ReadError> {
    limits::check_json_depth(bytes)
        .map_err(|(place, message)| format_error(name, FORMAT, Some(place), message))?;
    let topology: Value = crate::model::json_text::from_slice(bytes).map_err(|e| {
        format_error(
            name,
            FORMAT,
            Some((e.line(), e.column())),
            format!("not valid JSON: {e}"),
        )
    })?;
    if topology["type"] != "Topology" {
        return Err(format_error(
            name,
            FORMAT,
            None,
            "its \"type\" is not \"Topology\"".into(),
        ));
    }
    Ok(topology)
}

/// The topology's `transform`, if it is quantized.
fn transform_of(topology: &Value) -> Result<Option<Transform>, String> {
    Ok(match &topology["transform"] {
        Value::Null => None,
        t => {
            let pair = |key: &str| -> Option<(f64, f64)> {
                let v = t.get(key)?.as_array()?;
                Some((v.first()?.as_f64()?, v.get(1)?.as_f64()?))
            };
            Some((
                pair("scale").ok_or_else(|| "its transform has no valid scale".to_owned())?,
                pair("translate")
                    .ok_or_else(|| "its transform has no valid translate".to_owned())?,
            ))
        }
    })
}

/// A position's first two numbers.
fn position(v: &Value) -> Option<Coord<f64>> {
    let a = v.as_array()?;
    Some(Coord {
        x: a.first()?.as_f64()?,
        y: a.get(1)?.as_f64()?,
    })
}

/// A position scaled and translated by the transform (unchanged without one).
fn placed(transform: Option<Transform>, c: Coord<f64>) -> Coord<f64> {
    match transform {
        Some(((sx, sy), (tx, ty))) => Coord {
            x: c.x * sx + tx,
            y: c.y * sy + ty,
        },
        None => c,
    }
}

/// Every arc's positions (delta-decoded and placed when `quantized`).
fn decode_arcs(
    topology: &Value,
    quantized: bool,
    place: &impl Fn(Coord<f64>) -> Coord<f64>,
) -> Result<Vec<Vec<Coord<f64>>>, String> {
    let mut arcs: Vec<Vec<Coord<f64>>> = Vec::new();
    for (i, arc) in topology["arcs"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let raw = arc
            .as_array()
            .ok_or_else(|| format!("arc {i} is not a list of positions"))?;
        let mut out = Vec::with_capacity(raw.len());
        let mut previous = Coord { x: 0.0, y: 0.0 };
        for p in raw {
            let c = position(p).ok_or_else(|| format!("arc {i} holds an invalid position"))?;
            let c = if quantized {
                previous = Coord {
                    x: previous.x + c.x,
                    y: previous.y + c.y,
                };
                place(previous)
            } else {
                c
            };
            out.push(c);
        }
        arcs.push(out);
    }
    Ok(arcs)
}

struct Decoder<'a, P, Q> {
    arcs: &'a [Vec<Coord<f64>>],
    /// How many more positions may be decoded.
    budget: usize,
    place: &'a P,
    position: &'a Q,
}

impl<P, Q> Decoder<'_, P, Q>
where
    P: Fn(Coord<f64>) -> Coord<f64>,
    Q: Fn(&Value) -> Option<Coord<f64>>,
{
    /// One named object as a layer: its geometry, or each of a GeometryCollection's, a feature.
    fn layer(&mut self, object_name: &str, object: &Value) -> Result<Layer, String> {
        let members: Vec<&Value> = match object["type"].as_str() {
            Some("GeometryCollection") => object["geometries"]
                .as_array()
                .map(|g| g.iter().collect())
                .unwrap_or_default(),
            _ => vec![object],
        };
        let mut features = Converted::default();
        for (i, member) in members.into_iter().enumerate() {
            let at = |e: String| format!("object {object_name}, geometry {i}: {e}");
            let geometry = self.geometry(member, 0).map_err(at)?;
            let json = geometry
                .as_ref()
                .and_then(|g| serde_json::to_value(geojson::Geometry::from(g)).ok())
                .unwrap_or(Value::Null);
            let properties = member["properties"]
                .as_object()
                .cloned()
                .unwrap_or_else(Map::new);
            let id = member
                .get("id")
                .filter(|v| v.is_string() || v.is_number())
                .cloned();
            features.push(id, json, properties, geometry);
        }
        let mut layer = Layer::new(object_name.to_owned(), LayerKind::Data);
        layer.features = features.finish(&mut layer.warnings);
        Ok(layer)
    }

    fn geometry(&mut self, g: &Value, depth: usize) -> Result<Option<Geometry<f64>>, String> {
        if depth > limits::max_depth() {
            return Err(limits::depth_message(limits::max_depth()));
        }
        let list = |key: &str| g[key].as_array().map(Vec::as_slice).unwrap_or_default();
        Ok(Some(match g["type"].as_str() {
            None | Some("null") => return Ok(None),
            Some("Point") => Geometry::Point(self.point(&g["coordinates"])?.into()),
            Some("MultiPoint") => Geometry::MultiPoint(MultiPoint(
                list("coordinates")
                    .iter()
                    .map(|p| self.point(p).map(Into::into))
                    .collect::<Result<_, _>>()?,
            )),
            Some("LineString") => Geometry::LineString(self.line(&g["arcs"])?),
            Some("MultiLineString") => Geometry::MultiLineString(MultiLineString(
                list("arcs")
                    .iter()
                    .map(|l| self.line(l))
                    .collect::<Result<_, _>>()?,
            )),
            Some("Polygon") => Geometry::Polygon(self.polygon(&g["arcs"])?),
            Some("MultiPolygon") => Geometry::MultiPolygon(MultiPolygon(
                list("arcs")
                    .iter()
                    .map(|p| self.polygon(p))
                    .collect::<Result<_, _>>()?,
            )),
            Some("GeometryCollection") => {
                let mut members = Vec::new();
                for member in list("geometries") {
                    if let Some(m) = self.geometry(member, depth + 1)? {
                        members.push(m);
                    }
                }
                Geometry::GeometryCollection(geo::GeometryCollection(members))
            }
            Some(other) => return Err(format!("unknown geometry type {other:?}")),
        }))
    }

    fn point(&self, p: &Value) -> Result<Coord<f64>, String> {
        (self.position)(p)
            .map(self.place)
            .ok_or_else(|| "a point has no valid position".into())
    }

    /// A line stitched from a list of arc indexes.
    fn line(&mut self, indexes: &Value) -> Result<LineString<f64>, String> {
        let indexes = indexes.as_array().ok_or("its arcs are not a list")?;
        let mut out: Vec<Coord<f64>> = Vec::new();
        for index in indexes {
            let i = index.as_i64().ok_or("an arc index is not a whole number")?;
            let (arc, reversed) = if i < 0 { (!i, true) } else { (i, false) };
            let arc = usize::try_from(arc)
                .ok()
                .and_then(|a| self.arcs.get(a))
                .ok_or_else(|| format!("arc {i} does not exist (there are {})", self.arcs.len()))?;
            self.budget = self.budget.checked_sub(arc.len()).ok_or(
                "its arcs are referenced so many times over that they decode to more than ten \
                 times their own positions (refused as a decompression bomb)",
            )?;
            let skip = usize::from(!out.is_empty());
            if reversed {
                out.extend(arc.iter().rev().skip(skip));
            } else {
                out.extend(arc.iter().skip(skip));
            }
        }
        Ok(LineString(out))
    }

    fn polygon(&mut self, rings: &Value) -> Result<Polygon<f64>, String> {
        let rings = rings.as_array().ok_or("its rings are not a list")?;
        let mut lines = rings
            .iter()
            .map(|r| self.line(r))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter();
        let outer = lines.next().unwrap_or_else(|| LineString(Vec::new()));
        Ok(Polygon::new(outer, lines.collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example of the TopoJSON specification (section 2.1.1), quantized.
    const EXAMPLE: &str = r#"{"type":"Topology",
      "transform":{"scale":[0.0005000500050005,0.00010001000100010001],"translate":[100,0]},
      "objects":{"example":{"type":"GeometryCollection","geometries":[
        {"type":"Point","properties":{"prop0":"value0"},"coordinates":[4000,5000]},
        {"type":"LineString","properties":{"prop0":"value0","prop1":0},"arcs":[0]},
        {"type":"Polygon","properties":{"prop0":"value0","prop1":{"this":"that"}},"arcs":[[-2]]}]}},
      "arcs":[[[4000,0],[1999,9999],[2000,-9999],[2000,9999]],
              [[0,0],[0,9999],[2000,0],[0,-9999],[-2000,0]]]}"#;

    #[test]
    fn the_specification_example_decodes_as_topojson_client_does() {
        let layers = read_topojson(EXAMPLE.as_bytes(), "example.topojson").expect("read");
        assert_eq!(layers.len(), 1);
        let f = &layers[0].features;
        assert_eq!(f.len(), 3);
        // Quantization moves positions by up to half a step (0.00025°).
        let close = |a: f64, b: f64| (a - b).abs() < 1e-3;
        let Some(Geometry::Point(p)) = f[0].geometry() else {
            panic!("point")
        };
        assert!(close(p.x(), 102.0) && close(p.y(), 0.5), "{p:?}");
        let Some(Geometry::LineString(l)) = f[1].geometry() else {
            panic!("line")
        };
        let expected = [(102.0, 0.0), (103.0, 1.0), (104.0, 0.0), (105.0, 1.0)];
        assert_eq!(l.0.len(), 4);
        for (c, e) in l.0.iter().zip(expected) {
            assert!(close(c.x, e.0) && close(c.y, e.1), "{c:?} vs {e:?}");
        }
        let Some(Geometry::Polygon(poly)) = f[2].geometry() else {
            panic!("polygon")
        };
        // Arc 1 reversed: 100,0 → 100,1 → 101,1 → 101,0 → 100,0 backwards.
        let ring = &poly.exterior().0;
        assert_eq!(ring.len(), 5);
        assert!(close(ring[0].x, 100.0) && close(ring[0].y, 0.0), "{ring:?}");
        assert!(close(ring[1].x, 101.0) && close(ring[1].y, 0.0), "{ring:?}");
        assert_eq!(f[2].properties().expect("p")["prop1"]["this"], "that");
    }

    #[test]
    fn hostile_topologies_are_refused() {
        let bad_arc =
            r#"{"type":"Topology","objects":{"o":{"type":"LineString","arcs":[5]}},"arcs":[]}"#;
        let err = read_topojson(bad_arc.as_bytes(), "t")
            .expect_err("refused")
            .to_string();
        assert!(err.contains("arc 5 does not exist"), "{err}");
        // One arc of 1,000 positions referenced 20,000 times.
        let arc: Vec<String> = (0..1000).map(|i| format!("[{i},0]")).collect();
        let refs = vec!["0"; 20_000].join(",");
        let bomb = format!(
            r#"{{"type":"Topology","objects":{{"o":{{"type":"LineString","arcs":[{refs}]}}}},"arcs":[[{}]]}}"#,
            arc.join(",")
        );
        let err = read_topojson(bomb.as_bytes(), "t")
            .expect_err("refused")
            .to_string();
        assert!(err.contains("decompression bomb"), "{err}");
        let deep = format!(
            r#"{{"type":"Topology","objects":{}}}"#,
            "[".repeat(100_000) + &"]".repeat(100_000)
        );
        let err = read_topojson(deep.as_bytes(), "t")
            .expect_err("refused")
            .to_string();
        assert!(err.contains("nest deeper than 256 levels"), "{err}");
    }
}

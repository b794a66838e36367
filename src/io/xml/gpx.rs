//! GPX 1.0 and 1.1 in and out, as GPS units and phone trackers write it.
//!
//! Reading: every waypoint (`wpt`) is a Point, every route (`rte`, its `rtept`s) a LineString,
//! every track (`trk`) a LineString, or a MultiLineString when it has several segments
//! (`trkseg`); elevations (`ele`) are kept as altitudes. Simple child elements (`name`, `desc`,
//! `cmt`, `time`, `sym`, `type`, …, and those under `extensions`) become text properties.
//! Point times of routes and tracks are kept as a `coordTimes` property (one list per segment
//! when there are several), as togeojson writes it, and a route or track without its own
//! `time` gets its first point's time as `time`, so the timeline places it. One layer per
//! file, features in file order.
//!
//! Writing: points as waypoints, lines (and polygon rings) as tracks of one segment each;
//! `name`, `desc`, `cmt`, `time`, `sym` and `type` properties as GPX elements, every other
//! property under `extensions` (as `raidmap:KEY`, the key made a valid XML name).
//!
//! Like the KML reader it streams (one record held as a tree at a time), refuses nesting deeper
//! than [`limits::max_depth`], and never panics.

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::{Map, Value};

use super::tree::{
    Element, Lines, XmlError, check_end, element_of, event_text, local, next_event, placed,
};
use crate::io::convert::Converted;
use crate::io::{ReadError, format_error, limits};
use crate::model::{Layer, LayerKind, Problem, Severity};

/// Read GPX text into one layer named `name`.
pub fn read_gpx(text: &str, name: &str) -> Result<Layer, ReadError> {
    let fail = |(line, column, message): (usize, usize, String)| {
        format_error(name, "GPX", Some((line, column)), message)
    };
    let mut layer = Layer::new(name, LayerKind::Data);
    let mut features = Converted::default();
    parse(text, |record| match feature(&record) {
        Ok(Some((geometry, shape, properties))) => {
            features.push(None, geometry, properties, shape);
        }
        Ok(None) => {}
        Err(message) => layer.warnings.push(Problem {
            severity: Severity::Warning,
            line: Some(record.line),
            column: Some(1),
            path: String::new(),
            message: format!("<{}> skipped: {message}", record.name),
        }),
    })
    .map_err(fail)?;
    if features.is_empty() {
        let mut problems = vec![Problem {
            severity: Severity::Error,
            line: None,
            column: None,
            path: String::new(),
            message: "no waypoint, route or track could be read".into(),
        }];
        problems.append(&mut layer.warnings);
        return Err(ReadError::Format {
            name: name.to_owned(),
            format: "GPX",
            problems,
        });
    }
    layer.features = features.finish(&mut layer.warnings);
    Ok(layer)
}

type Read = (Value, Option<geo::Geometry<f64>>, Map<String, Value>);

/// A waypoint, route or track as a feature; `None` for one without positions.
fn feature(record: &Element) -> Result<Option<Read>, String> {
    let mut properties = Map::new();
    for child in &record.children {
        if child.children.is_empty() && !matches!(child.name.as_str(), "rtept" | "trkseg") {
            properties.insert(
                child.name.clone(),
                Value::String(child.text.trim().to_owned()),
            );
        }
    }
    for extensions in record.children_named("extensions") {
        for child in extensions.children.iter().filter(|c| c.children.is_empty()) {
            properties.insert(
                child.name.clone(),
                Value::String(child.text.trim().to_owned()),
            );
        }
    }
    let read = match record.name.as_str() {
        "wpt" => {
            let p = position(record)?;
            let json = geometry_json("Point", position_json(&p));
            let shape = geo::Geometry::Point(geo::Point::new(p.0, p.1));
            (json, Some(shape), properties)
        }
        "rte" => {
            let (line, times) = points(record.children_named("rtept"))?;
            if line.is_empty() {
                return Ok(None);
            }
            add_times(&mut properties, times.map(|t| Value::Array(strings(t))));
            let (json, shape) = lines(vec![line], false)?;
            (json, Some(shape), properties)
        }
        _ => {
            let mut segments = Vec::new();
            let mut all_times = Vec::new();
            for segment in record.children_named("trkseg") {
                let (line, times) = points(segment.children_named("trkpt"))?;
                if !line.is_empty() {
                    segments.push(line);
                    all_times.push(times);
                }
            }
            if segments.is_empty() {
                return Ok(None);
            }
            let times = if all_times.iter().all(Option::is_none) {
                None
            } else if let [one] = all_times.as_slice() {
                one.clone().map(|t| Value::Array(strings(t)))
            } else {
                Some(Value::Array(
                    all_times
                        .into_iter()
                        .map(|t| Value::Array(strings(t.unwrap_or_default())))
                        .collect(),
                ))
            };
            add_times(&mut properties, times);
            let multi = segments.len() > 1;
            let (json, shape) = lines(segments, multi)?;
            (json, Some(shape), properties)
        }
    };
    Ok(Some(read))
}

fn strings(times: Vec<String>) -> Vec<Value> {
    times.into_iter().map(Value::String).collect()
}

/// Keep point times as `coordTimes`, and the first as `time` when there is none.
fn add_times(properties: &mut Map<String, Value>, times: Option<Value>) {
    let Some(times) = times else { return };
    let first = first_string(&times);
    properties.insert("coordTimes".into(), times);
    if let Some(first) = first
        && !properties.contains_key("time")
    {
        properties.insert("time".into(), Value::String(first));
    }
}

fn first_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Array(items) => items.iter().find_map(first_string),
        _ => None,
    }
}

/// Longitude, latitude and elevation of a `wpt`, `rtept` or `trkpt`.
fn position(element: &Element) -> Result<(f64, f64, Option<f64>), String> {
    let number = |name: &str| {
        let text = element
            .attr(name)
            .ok_or_else(|| format!("no {name} attribute (line {})", element.line))?;
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{name}={text:?} is not a number (line {})", element.line))
    };
    let (lat, lon) = (number("lat")?, number("lon")?);
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(format!(
            "lat={lat} lon={lon} is outside -90..90, -180..180 (line {})",
            element.line
        ));
    }
    let ele = element
        .child_text("ele")
        .and_then(|e| e.parse::<f64>().ok())
        .filter(|v| v.is_finite());
    Ok((lon, lat, ele))
}

type Position = (f64, f64, Option<f64>);

/// The positions of route or track points, and their times when any has one.
fn points<'a>(
    elements: impl Iterator<Item = &'a Element>,
) -> Result<(Vec<Position>, Option<Vec<String>>), String> {
    let mut positions = Vec::new();
    let mut times = Vec::new();
    for element in elements {
        positions.push(position(element)?);
        times.push(element.child_text("time").unwrap_or_default().to_owned());
    }
    let any_time = times.iter().any(|t| !t.is_empty());
    Ok((positions, any_time.then_some(times)))
}

/// One line (or point, for a single position) or a MultiLineString of several.
fn lines(segments: Vec<Vec<Position>>, multi: bool) -> Result<(Value, geo::Geometry<f64>), String> {
    let line =
        |s: &[Position]| geo::LineString::from(s.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>());
    let json_of = |s: &[Position]| Value::Array(s.iter().map(position_json).collect());
    if multi {
        // A segment of one point cannot be a line: it is repeated, as GDAL reads it.
        let segments: Vec<Vec<Position>> = segments
            .into_iter()
            .map(|s| if s.len() == 1 { vec![s[0], s[0]] } else { s })
            .collect();
        let json = Value::Array(segments.iter().map(|s| json_of(s)).collect());
        let shape = geo::MultiLineString(segments.iter().map(|s| line(s)).collect());
        return Ok((
            geometry_json("MultiLineString", json),
            geo::Geometry::MultiLineString(shape),
        ));
    }
    let segment = segments.into_iter().next().unwrap_or_default();
    if let [p] = segment.as_slice() {
        return Ok((
            geometry_json("Point", position_json(p)),
            geo::Geometry::Point(geo::Point::new(p.0, p.1)),
        ));
    }
    Ok((
        geometry_json("LineString", json_of(&segment)),
        geo::Geometry::LineString(line(&segment)),
    ))
}

fn position_json(p: &Position) -> Value {
    let mut values = vec![p.0, p.1];
    values.extend(p.2);
    Value::Array(
        values
            .into_iter()
            .filter_map(|v| serde_json::Number::from_f64(v).map(Value::Number))
            .collect(),
    )
}

fn geometry_json(kind: &str, coordinates: Value) -> Value {
    let mut json = Map::new();
    json.insert("type".into(), Value::String(kind.into()));
    json.insert("coordinates".into(), coordinates);
    Value::Object(json)
}

/// Stream the XML once, handing each `wpt`, `rte` and `trk` to `record` as it closes.
fn parse(text: &str, mut record: impl FnMut(Element)) -> Result<(), XmlError> {
    let mut reader = Reader::from_str(text);
    let mut lines = Lines::new(text);
    let max_depth = limits::max_depth();
    let mut depth = 0usize;
    let mut seen_root = false;
    let mut stack: Vec<Element> = Vec::new();
    loop {
        let (offset, event) = next_event(&mut reader, text)?;
        match event {
            Event::Start(start) | Event::Empty(start) if !seen_root && local(&start) != "gpx" => {
                return Err(placed(
                    text,
                    offset,
                    format!("the root element is <{}>, not <gpx>", local(&start)),
                ));
            }
            Event::Start(start) => {
                seen_root = true;
                depth += 1;
                if depth > max_depth {
                    return Err(placed(text, offset, limits::depth_message(max_depth)));
                }
                let line = lines.line_at(offset);
                let is_record =
                    depth == 2 && matches!(local(&start).as_str(), "wpt" | "rte" | "trk");
                if is_record || !stack.is_empty() {
                    stack.push(element_of(&start, line));
                }
            }
            Event::Empty(start) => {
                seen_root = true;
                let line = lines.line_at(offset);
                let element = element_of(&start, line);
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None if depth == 1 && element.name == "wpt" => record(element),
                    None => {}
                }
            }
            Event::End(_) => {
                if depth == 0 {
                    return Err(placed(
                        text,
                        offset,
                        "a closing tag without its opening tag".into(),
                    ));
                }
                depth -= 1;
                if let Some(done) = stack.pop() {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => record(done),
                    }
                }
            }
            Event::Eof => break,
            _ if !stack.is_empty() => {
                if let (Some(s), Some(top)) = (event_text(&event, text, offset)?, stack.last_mut())
                {
                    top.text.push_str(&s);
                }
            }
            _ => {}
        }
    }
    check_end(text, depth, seen_root)
}

/// Properties written as GPX elements of their own, in the order GPX 1.1 wants them.
const GPX_ELEMENTS: [&str; 6] = ["name", "cmt", "desc", "time", "sym", "type"];

/// Write every feature of `layers` as GPX 1.1 (see the module docs).
pub fn write_gpx(layers: &[&Layer], out: &mut impl std::io::Write) -> std::io::Result<()> {
    out.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"raidmap\" \
          xmlns=\"http://www.topografix.com/GPX/1/1\" \
          xmlns:raidmap=\"https://raidmap.invalid/gpx\">\n",
    )?;
    // Waypoints come first in GPX 1.1, then tracks.
    for pass in [true, false] {
        for layer in layers {
            for f in &layer.features {
                let points = matches!(f.geometry_type(), Some("Point" | "MultiPoint"));
                if !f.has_geometry() || points != pass {
                    continue;
                }
                // Read without keeping: an exported layer of 300,000 buildings must not stay
                // holding their parsed objects and geometries.
                let (properties, z) = f.with_object(|o| {
                    let properties = o
                        .get("properties")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default();
                    let z = o
                        .get("geometry")
                        .map(crate::io::convert::altitudes)
                        .unwrap_or_default();
                    (properties, z)
                });
                f.with_geometry(|geometry| match (geometry, pass) {
                    (None, _) => Ok(()),
                    (Some(geo::Geometry::Point(p)), true) => {
                        write_waypoint(out, p.x(), p.y(), z.first().copied().flatten(), &properties)
                    }
                    (Some(geo::Geometry::MultiPoint(m)), true) => {
                        m.0.iter().enumerate().try_for_each(|(i, p)| {
                            write_waypoint(
                                out,
                                p.x(),
                                p.y(),
                                z.get(i).copied().flatten(),
                                &properties,
                            )
                        })
                    }
                    (Some(geo::Geometry::Point(_) | geo::Geometry::MultiPoint(_)), false) => Ok(()),
                    (_, true) => Ok(()),
                    (Some(other), false) => write_track(out, other, &z, &properties),
                })?;
            }
        }
    }
    out.write_all(b"</gpx>\n")
}

fn write_waypoint(
    out: &mut impl std::io::Write,
    lon: f64,
    lat: f64,
    ele: Option<f64>,
    properties: &Map<String, Value>,
) -> std::io::Result<()> {
    writeln!(out, "  <wpt lat=\"{lat}\" lon=\"{lon}\">")?;
    if let Some(ele) = ele {
        writeln!(out, "    <ele>{ele}</ele>")?;
    }
    write_properties(out, properties, "    ")?;
    writeln!(out, "  </wpt>")
}

fn write_track(
    out: &mut impl std::io::Write,
    geometry: &geo::Geometry<f64>,
    z: &[Option<f64>],
    properties: &Map<String, Value>,
) -> std::io::Result<()> {
    let mut segments: Vec<&geo::LineString<f64>> = Vec::new();
    collect_lines(geometry, &mut segments);
    let times: Vec<Vec<String>> = match properties.get("coordTimes") {
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
            vec![
                items
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect(),
            ]
        }
        Some(Value::Array(items)) => items
            .iter()
            .map(|s| {
                s.as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|t| t.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut rest = properties.clone();
    rest.remove("coordTimes");
    writeln!(out, "  <trk>")?;
    write_properties(out, &rest, "    ")?;
    let mut index = 0;
    for (s, segment) in segments.iter().enumerate() {
        writeln!(out, "    <trkseg>")?;
        for (i, c) in segment.0.iter().enumerate() {
            write!(out, "      <trkpt lat=\"{}\" lon=\"{}\">", c.y, c.x)?;
            if let Some(ele) = z.get(index).copied().flatten() {
                write!(out, "<ele>{ele}</ele>")?;
            }
            if let Some(t) = times
                .get(s)
                .and_then(|t| t.get(i))
                .filter(|t| !t.is_empty())
            {
                write!(out, "<time>{}</time>", escape(t))?;
            }
            writeln!(out, "</trkpt>")?;
            index += 1;
        }
        writeln!(out, "    </trkseg>")?;
    }
    writeln!(out, "  </trk>")
}

fn collect_lines<'a>(geometry: &'a geo::Geometry<f64>, out: &mut Vec<&'a geo::LineString<f64>>) {
    match geometry {
        geo::Geometry::LineString(l) => out.push(l),
        geo::Geometry::MultiLineString(m) => out.extend(&m.0),
        geo::Geometry::Polygon(p) => {
            out.push(p.exterior());
            out.extend(p.interiors());
        }
        geo::Geometry::MultiPolygon(m) => {
            for p in &m.0 {
                out.push(p.exterior());
                out.extend(p.interiors());
            }
        }
        geo::Geometry::GeometryCollection(c) => {
            for g in &c.0 {
                collect_lines(g, out);
            }
        }
        _ => {}
    }
}

fn write_properties(
    out: &mut impl std::io::Write,
    properties: &Map<String, Value>,
    indent: &str,
) -> std::io::Result<()> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    for key in GPX_ELEMENTS {
        let value = match key {
            "desc" => properties
                .get("desc")
                .or_else(|| properties.get("description")),
            _ => properties.get(key),
        };
        if let Some(v) = value.filter(|v| !v.is_null()) {
            writeln!(out, "{indent}<{key}>{}</{key}>", escape(&text(v)))?;
        }
    }
    let others: Vec<(&String, &Value)> = properties
        .iter()
        .filter(|(k, v)| {
            // `description` was written as `desc` unless the feature has both.
            let written = GPX_ELEMENTS.contains(&k.as_str())
                || (k.as_str() == "description" && !properties.contains_key("desc"));
            !written && !v.is_null()
        })
        .collect();
    if !others.is_empty() {
        writeln!(out, "{indent}<extensions>")?;
        for (k, v) in others {
            let name = xml_name(k);
            writeln!(
                out,
                "{indent}  <raidmap:{name}>{}</raidmap:{name}>",
                escape(&text(v))
            )?;
        }
        writeln!(out, "{indent}</extensions>")?;
    }
    Ok(())
}

/// `key` as an XML name: characters a name cannot hold become `_`, and a name that cannot
/// start as it does gets a leading `_`.
fn xml_name(key: &str) -> String {
    let mut name: String = key
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        name.insert(0, '_');
    }
    name
}

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GPX: &str = r#"<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <wpt lat="11.5" lon="104.9"><ele>12.5</ele><time>2025-07-16T01:00:00Z</time><name>Gate</name>
    <extensions><status>raided</status></extensions></wpt>
  <rte><name>Road</name><rtept lat="11" lon="104"/><rtept lat="11.1" lon="104.1"/></rte>
  <trk><name>Walk</name>
    <trkseg><trkpt lat="11" lon="104"><ele>3</ele><time>2025-07-16T02:00:00Z</time></trkpt>
            <trkpt lat="11.01" lon="104.01"><ele>4</ele><time>2025-07-16T02:05:00Z</time></trkpt></trkseg>
    <trkseg><trkpt lat="12" lon="105"/><trkpt lat="12.01" lon="105.01"/></trkseg>
  </trk>
  <wpt lat="95" lon="104"><name>Bad</name></wpt>
</gpx>"#;

    #[test]
    fn waypoints_routes_and_tracks_with_times_and_elevations() {
        let layer = read_gpx(GPX, "t.gpx").expect("readable");
        let kinds: Vec<&Value> = layer
            .features
            .iter()
            .map(|f| &f.object()["geometry"]["type"])
            .collect();
        assert_eq!(kinds, ["Point", "LineString", "MultiLineString"]);
        let gate = &layer.features[0];
        assert_eq!(
            gate.object()["geometry"]["coordinates"],
            serde_json::json!([104.9, 11.5, 12.5])
        );
        assert_eq!(
            gate.property("status"),
            Some(&Value::String("raided".into()))
        );
        let walk = &layer.features[2];
        assert_eq!(
            walk.property("time"),
            Some(&Value::String("2025-07-16T02:00:00Z".into()))
        );
        assert_eq!(
            walk.property("coordTimes"),
            Some(&serde_json::json!([
                ["2025-07-16T02:00:00Z", "2025-07-16T02:05:00Z"],
                []
            ]))
        );
        assert_eq!(layer.warnings.len(), 1);
        assert_eq!(layer.warnings[0].line, Some(11));
    }

    #[test]
    fn what_is_written_reads_back() {
        let layer = read_gpx(GPX, "t.gpx").expect("readable");
        let mut out = Vec::new();
        write_gpx(&[&layer], &mut out).expect("written");
        let text = String::from_utf8(out).expect("utf-8");
        let back = read_gpx(&text, "back.gpx").expect("reads back");
        assert_eq!(back.features.len(), 3, "{text}");
        assert_eq!(
            back.features[0].object()["geometry"],
            layer.features[0].object()["geometry"]
        );
        assert_eq!(
            back.features[0].property("status"),
            Some(&Value::String("raided".into()))
        );
        assert_eq!(
            back.features[2].object()["geometry"],
            layer.features[2].object()["geometry"]
        );
        assert_eq!(
            back.features[2].property("coordTimes"),
            layer.features[2].property("coordTimes")
        );
    }

    #[test]
    fn hostile_gpx_is_an_error_not_a_crash() {
        assert!(read_gpx("", "e.gpx").is_err());
        assert!(read_gpx("<kml/>", "k.gpx").is_err());
        assert!(read_gpx("<gpx><wpt lat=\"1\"", "t.gpx").is_err());
        let deep = format!(
            "<gpx>{}{}</gpx>",
            "<a>".repeat(100_000),
            "</a>".repeat(100_000)
        );
        let err = read_gpx(&deep, "deep.gpx").expect_err("too deep");
        assert!(err.to_string().contains("RAIDMAP_MAX_DEPTH"), "{err}");
    }
}

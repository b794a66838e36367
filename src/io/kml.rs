//! KML and KMZ in, as Google My Maps and Google Earth export them.
//!
//! What is read: every `Placemark` with its `name`, its `description` (HTML turned into plain
//! text), its `ExtendedData` (`Data`/`value` and `SchemaData`/`SimpleData`, as text properties
//! in document order) and its `id` attribute (kept as the feature's string `id`); geometries
//! `Point`, `LineString`, `LinearRing`, `Polygon` (with holes) and `MultiGeometry` (a
//! Multi* geometry when all parts are of one kind, else a GeometryCollection), altitudes kept.
//! Each `Folder` that holds placemarks becomes a layer named by its folder path; placemarks
//! outside any folder form a layer named after the document. Every feature in a folder also gets
//! a `folder` property (the path, `Outer/Inner`), so a merged export still says where it was.
//!
//! What is not read (reported as a warning with the placemark's line): `gx:Track`, `Model`,
//! coordinates that are not numbers, rings with fewer than four positions. Styles, `LookAt` and
//! overlays are ignored. A malformed XML document is an error with its line and column; nothing
//! here panics on any input.

use std::io::Read as _;

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::{Map, Value};

use super::{ReadError, format_error};
use crate::model::{Feature, Layer, LayerKind, Problem, Severity};

/// An XML element, reduced to what KML reading needs.
#[derive(Debug, Default)]
struct Element {
    /// Local name (namespace prefix dropped): `Placemark`, `coordinates`, `Track`…
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Element>,
    /// Concatenated text and CDATA directly inside this element.
    text: String,
    /// 1-based line of the start tag.
    line: usize,
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }
}

/// Read a `.kmz` (zip) archive: its `doc.kml`, else its first `.kml` entry.
pub fn read_kmz(bytes: &[u8], name: &str) -> Result<Vec<Layer>, ReadError> {
    let fail = |message: String| format_error(name, "KMZ", None, message);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| fail(format!("not a KMZ (zip) archive: {e}")))?;
    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    let entry = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("doc.kml"))
        .or_else(|| {
            names
                .iter()
                .find(|n| n.to_ascii_lowercase().ends_with(".kml"))
        })
        .ok_or_else(|| fail("the archive holds no .kml file".into()))?
        .clone();
    let mut text = String::new();
    archive
        .by_name(&entry)
        .map_err(|e| fail(format!("cannot open {entry} in the archive: {e}")))?
        .read_to_string(&mut text)
        .map_err(|e| {
            fail(format!(
                "cannot read {entry} in the archive as UTF-8 text: {e}"
            ))
        })?;
    read_kml(&text, name)
}

/// Read KML text into layers (one per folder with placemarks, see the module docs).
pub fn read_kml(text: &str, name: &str) -> Result<Vec<Layer>, ReadError> {
    let root = parse_xml(text).map_err(|(line, column, message)| {
        format_error(name, "KML", Some((line, column)), message)
    })?;
    if root.name != "kml" && root.name != "Document" && root.name != "Folder" {
        return Err(format_error(
            name,
            "KML",
            Some((root.line, 1)),
            format!("the root element is <{}>, not <kml>", root.name),
        ));
    }
    let mut reader = KmlReader {
        layers: Vec::new(),
        warnings: Vec::new(),
    };
    let document_name = root
        .child("Document")
        .and_then(|d| d.child_text("name"))
        .filter(|n| !n.is_empty())
        .map_or_else(|| name.to_owned(), str::to_owned);
    reader.container(&root, &[], &document_name);
    let KmlReader {
        mut layers,
        warnings,
    } = reader;
    if layers.is_empty() {
        let mut empty = Layer::new(document_name, LayerKind::Data);
        empty
            .warnings
            .push(warning(None, "the file holds no placemarks"));
        layers.push(empty);
    }
    // Warnings go with the first layer, so a reader of any one file sees them once.
    if let Some(first) = layers.first_mut() {
        first.warnings.extend(warnings);
    }
    Ok(layers)
}

struct KmlReader {
    /// Layers by folder path, in the order their first placemark was met.
    layers: Vec<Layer>,
    warnings: Vec<Problem>,
}

impl KmlReader {
    /// Walk a container (`kml`, `Document`, `Folder`) whose folder path is `folders`.
    fn container(&mut self, element: &Element, folders: &[String], document_name: &str) {
        for child in &element.children {
            match child.name.as_str() {
                "Document" => self.container(child, folders, document_name),
                "Folder" => {
                    let mut path = folders.to_vec();
                    let folder = child.child_text("name").unwrap_or_default();
                    path.push(if folder.is_empty() {
                        format!("Folder (line {})", child.line)
                    } else {
                        folder.to_owned()
                    });
                    self.container(child, &path, document_name);
                }
                "Placemark" => self.placemark(child, folders, document_name),
                _ => {}
            }
        }
    }

    fn placemark(&mut self, element: &Element, folders: &[String], document_name: &str) {
        let label = element
            .child_text("name")
            .filter(|n| !n.is_empty())
            .map_or_else(
                || format!("placemark at line {}", element.line),
                |n| format!("{n:?}"),
            );
        let geometry = element
            .children
            .iter()
            .find(|c| GEOMETRIES.contains(&c.name.as_str()));
        let geometry = match geometry.map(read_geometry) {
            None => None,
            Some(Ok(g)) => Some(g),
            Some(Err(message)) => {
                self.warnings.push(warning(
                    Some(element.line),
                    &format!("{label} skipped: {message}"),
                ));
                return;
            }
        };
        if geometry.is_none()
            && let Some(other) = element
                .children
                .iter()
                .find(|c| UNSUPPORTED.contains(&c.name.as_str()))
        {
            self.warnings.push(warning(
                Some(element.line),
                &format!(
                    "{label}: <{}> geometries are not read; kept without geometry",
                    other.name
                ),
            ));
        }

        let mut properties = Map::new();
        if let Some(name) = element.child_text("name") {
            properties.insert("name".into(), Value::String(name.to_owned()));
        }
        if let Some(description) = element.child("description") {
            let text = html_to_text(&description.text);
            if !text.is_empty() {
                properties.insert("description".into(), Value::String(text));
            }
        }
        if let Some(extended) = element.child("ExtendedData") {
            for data in extended.children_named("Data") {
                if let Some(key) = data.attr("name") {
                    let value = data.child_text("value").unwrap_or_default();
                    properties.insert(key.to_owned(), Value::String(value.to_owned()));
                }
            }
            for schema in extended.children_named("SchemaData") {
                for data in schema.children_named("SimpleData") {
                    if let Some(key) = data.attr("name") {
                        properties
                            .insert(key.to_owned(), Value::String(data.text.trim().to_owned()));
                    }
                }
            }
        }
        if !folders.is_empty() {
            properties.insert("folder".into(), Value::String(folders.join("/")));
        }

        let mut object = Map::new();
        object.insert("type".into(), Value::String("Feature".into()));
        if let Some(id) = element.attr("id") {
            object.insert("id".into(), Value::String(id.to_owned()));
        }
        let (geometry_json, geometry_geo) = match geometry {
            Some((json, geo)) => (json, Some(geo)),
            None => (Value::Null, None),
        };
        object.insert("geometry".into(), geometry_json);
        object.insert("properties".into(), Value::Object(properties));
        let feature = Feature::from_parts(object, None, geometry_geo).as_read();

        let layer_name = if folders.is_empty() {
            document_name.to_owned()
        } else {
            folders.join("/")
        };
        match self.layers.iter_mut().find(|l| l.name == layer_name) {
            Some(layer) => layer.features.push(feature),
            None => {
                let mut layer = Layer::new(layer_name, LayerKind::Data);
                layer.features.push(feature);
                self.layers.push(layer);
            }
        }
    }
}

const GEOMETRIES: [&str; 5] = [
    "Point",
    "LineString",
    "LinearRing",
    "Polygon",
    "MultiGeometry",
];
const UNSUPPORTED: [&str; 3] = ["Track", "MultiTrack", "Model"];

/// A geometry as GeoJSON (altitudes kept) and as a 2-D `geo` geometry.
type Both = (Value, geo::Geometry<f64>);

fn read_geometry(element: &Element) -> Result<Both, String> {
    match element.name.as_str() {
        "Point" => {
            let positions = coordinates(element)?;
            let [p] = positions.as_slice() else {
                return Err(format!(
                    "a Point needs one position, found {} (line {})",
                    positions.len(),
                    element.line
                ));
            };
            Ok((
                geometry_json("Point", position_json(p)),
                geo::Geometry::Point(geo::Point::new(p[0], p[1])),
            ))
        }
        "LineString" => {
            let positions = coordinates(element)?;
            if positions.len() < 2 {
                return Err(format!(
                    "a LineString needs at least two positions, found {} (line {})",
                    positions.len(),
                    element.line
                ));
            }
            Ok((
                geometry_json("LineString", positions_json(&positions)),
                geo::Geometry::LineString(line_string(&positions)),
            ))
        }
        "LinearRing" => {
            let ring = ring(element)?;
            Ok((
                geometry_json("Polygon", Value::Array(vec![positions_json(&ring)])),
                geo::Geometry::Polygon(geo::Polygon::new(line_string(&ring), Vec::new())),
            ))
        }
        "Polygon" => {
            let (json, polygon) = polygon(element)?;
            Ok((
                geometry_json("Polygon", json),
                geo::Geometry::Polygon(polygon),
            ))
        }
        "MultiGeometry" => multi_geometry(element),
        other => Err(format!("<{other}> is not a KML geometry")),
    }
}

fn polygon(element: &Element) -> Result<(Value, geo::Polygon<f64>), String> {
    let outer = element
        .child("outerBoundaryIs")
        .and_then(|b| b.child("LinearRing"))
        .ok_or_else(|| {
            format!(
                "a Polygon without <outerBoundaryIs> (line {})",
                element.line
            )
        })?;
    let outer = ring(outer)?;
    let mut rings_json = vec![positions_json(&outer)];
    let mut holes = Vec::new();
    for inner in element.children_named("innerBoundaryIs") {
        for linear_ring in inner.children_named("LinearRing") {
            let hole = ring(linear_ring)?;
            rings_json.push(positions_json(&hole));
            holes.push(line_string(&hole));
        }
    }
    Ok((
        Value::Array(rings_json),
        geo::Polygon::new(line_string(&outer), holes),
    ))
}

fn multi_geometry(element: &Element) -> Result<Both, String> {
    let parts: Vec<Both> = element
        .children
        .iter()
        .filter(|c| GEOMETRIES.contains(&c.name.as_str()))
        .map(read_geometry)
        .collect::<Result<_, _>>()?;
    if parts.is_empty() {
        return Err(format!("an empty MultiGeometry (line {})", element.line));
    }
    let kinds: Vec<&str> = parts
        .iter()
        .map(|(json, _)| json["type"].as_str().unwrap_or_default())
        .collect();
    let same = kinds.windows(2).all(|w| w[0] == w[1]) && kinds[0] != "GeometryCollection";
    if same {
        let multi_kind = format!("Multi{}", kinds[0]);
        let coordinates = Value::Array(
            parts
                .iter()
                .map(|(j, _)| j["coordinates"].clone())
                .collect(),
        );
        let geo = match kinds[0] {
            "Point" => geo::Geometry::MultiPoint(geo::MultiPoint(
                parts
                    .into_iter()
                    .filter_map(|(_, g)| geo::Point::try_from(g).ok())
                    .collect(),
            )),
            "LineString" => geo::Geometry::MultiLineString(geo::MultiLineString(
                parts
                    .into_iter()
                    .filter_map(|(_, g)| geo::LineString::try_from(g).ok())
                    .collect(),
            )),
            _ => geo::Geometry::MultiPolygon(geo::MultiPolygon(
                parts
                    .into_iter()
                    .filter_map(|(_, g)| geo::Polygon::try_from(g).ok())
                    .collect(),
            )),
        };
        return Ok((geometry_json(&multi_kind, coordinates), geo));
    }
    let mut json = Map::new();
    json.insert("type".into(), Value::String("GeometryCollection".into()));
    json.insert(
        "geometries".into(),
        Value::Array(parts.iter().map(|(j, _)| j.clone()).collect()),
    );
    let geo = geo::Geometry::GeometryCollection(geo::GeometryCollection(
        parts.into_iter().map(|(_, g)| g).collect(),
    ));
    Ok((Value::Object(json), geo))
}

/// A ring's positions, closed if the file left it open; at least four positions. A ring
/// that ends where it starts but at another altitude (or without one) ends exactly at its
/// first position: GeoJSON's rings end on the very position they start with.
fn ring(element: &Element) -> Result<Vec<Vec<f64>>, String> {
    let mut positions = coordinates(element)?;
    if let (Some(first), Some(last)) = (positions.first().cloned(), positions.last_mut()) {
        if first[..2] != last[..2] {
            positions.push(first);
        } else {
            *last = first;
        }
    }
    if positions.len() < 4 {
        return Err(format!(
            "a ring needs at least three distinct positions, found {} (line {})",
            positions.len().saturating_sub(1),
            element.line
        ));
    }
    Ok(positions)
}

/// The positions in an element's `<coordinates>`: `lon,lat[,alt]` tuples separated by spaces.
fn coordinates(element: &Element) -> Result<Vec<Vec<f64>>, String> {
    let coords = element.child("coordinates").ok_or_else(|| {
        format!(
            "<{}> without <coordinates> (line {})",
            element.name, element.line
        )
    })?;
    coords
        .text
        .split_whitespace()
        .map(|tuple| {
            let values: Vec<f64> = tuple
                .split(',')
                .map(|v| v.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
                .collect::<Option<_>>()
                .ok_or_else(|| {
                    format!(
                        "coordinates {tuple:?} are not numbers (line {})",
                        coords.line
                    )
                })?;
            if !(2..=3).contains(&values.len()) {
                return Err(format!(
                    "coordinates {tuple:?} need longitude,latitude[,altitude] (line {})",
                    coords.line
                ));
            }
            Ok(values)
        })
        .collect()
}

fn position_json(p: &[f64]) -> Value {
    Value::Array(
        p.iter()
            .filter_map(|v| serde_json::Number::from_f64(*v).map(Value::Number))
            .collect(),
    )
}

fn positions_json(positions: &[Vec<f64>]) -> Value {
    Value::Array(positions.iter().map(|p| position_json(p)).collect())
}

fn line_string(positions: &[Vec<f64>]) -> geo::LineString<f64> {
    geo::LineString::from(positions.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>())
}

fn geometry_json(kind: &str, coordinates: Value) -> Value {
    let mut json = Map::new();
    json.insert("type".into(), Value::String(kind.into()));
    json.insert("coordinates".into(), coordinates);
    Value::Object(json)
}

fn warning(line: Option<usize>, message: &str) -> Problem {
    Problem {
        severity: Severity::Warning,
        line,
        column: line.map(|_| 1),
        path: String::new(),
        message: message.to_owned(),
    }
}

/// Parse XML into an element tree. Errors carry the 1-based line and column.
fn parse_xml(text: &str) -> Result<Element, (usize, usize, String)> {
    let mut reader = Reader::from_str(text);
    let line_col = |offset: usize| {
        // The reader's positions need not fall on a character boundary (a byte order mark
        // is skipped, for one): step back to one.
        let mut end = offset.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let before = &text[..end];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    };
    // The stack of open elements; the bottom one is a synthetic document root.
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let offset = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|e| {
            let (line, column) =
                line_col(usize::try_from(reader.error_position()).unwrap_or(offset));
            (line, column, format!("XML error: {e}"))
        })?;
        match event {
            Event::Start(start) => {
                let element = element_of(&start, line_col(offset).0);
                stack.push(element);
            }
            Event::Empty(start) => {
                let element = element_of(&start, line_col(offset).0);
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(element);
                }
            }
            Event::End(_) => {
                if stack.len() < 2 {
                    let (line, column) = line_col(offset);
                    return Err((line, column, "a closing tag without its opening tag".into()));
                }
                if let Some(done) = stack.pop()
                    && let Some(parent) = stack.last_mut()
                {
                    parent.children.push(done);
                }
            }
            Event::Text(t) => {
                let s = t
                    .xml_content(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| {
                        let (line, column) = line_col(offset);
                        (line, column, format!("text is not valid: {e}"))
                    })?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::CData(t) => {
                let s = t.decode().map_err(|e| {
                    let (line, column) = line_col(offset);
                    (line, column, format!("CDATA is not valid: {e}"))
                })?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = r.decode().unwrap_or_default();
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => s.to_owned(),
                            None => format!("&{name};"),
                        }
                    }
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        let (line, column) = line_col(text.len());
        let open = stack.last().map(|e| e.name.clone()).unwrap_or_default();
        return Err((
            line,
            column,
            format!("the file ends inside <{open}> (truncated?)"),
        ));
    }
    let document = stack.pop().unwrap_or_default();
    document
        .children
        .into_iter()
        .next()
        .ok_or_else(|| (1, 1, "the file holds no XML element".to_owned()))
}

fn element_of(start: &quick_xml::events::BytesStart<'_>, line: usize) -> Element {
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let attrs = start
        .attributes()
        .flatten()
        .map(|a| {
            let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
            (key, value)
        })
        .collect();
    Element {
        name,
        attrs,
        line,
        ..Element::default()
    }
}

/// Plain text from a description that may hold HTML: line breaks for `<br>`, paragraphs, list
/// items and table rows; other tags dropped; the common entities decoded; blank runs squeezed.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end]
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if matches!(
            tag.as_str(),
            "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4"
        ) {
            out.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let decoded = decode_entities(&out);
    decoded
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        .split("\n\n\n")
        .collect::<Vec<_>>()
        .join("\n\n")
        .trim()
        .to_owned()
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MY_MAPS: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
  <Document>
    <name>Scam compounds</name>
    <Folder>
      <name>Sites</name>
      <Placemark id="mp2">
        <name>Mango Park 2</name>
        <description><![CDATA[Suspected site<br>Takeo &amp; border<br><b>not raided</b>]]></description>
        <ExtendedData>
          <Data name="status"><value>suspected</value></Data>
          <Data name="province"><value>Takeo</value></Data>
        </ExtendedData>
        <Point><coordinates>104.716,11.202,0</coordinates></Point>
      </Placemark>
      <Placemark>
        <name>Compound wall</name>
        <Polygon>
          <outerBoundaryIs><LinearRing><coordinates>
            104.0,11.0,5 104.1,11.0,5 104.1,11.1,5 104.0,11.1,5 104.0,11.0,5
          </coordinates></LinearRing></outerBoundaryIs>
          <innerBoundaryIs><LinearRing><coordinates>
            104.02,11.02 104.03,11.02 104.03,11.03 104.02,11.02
          </coordinates></LinearRing></innerBoundaryIs>
        </Polygon>
      </Placemark>
    </Folder>
    <Folder>
      <name>Raids</name>
      <Placemark>
        <name>Route</name>
        <ExtendedData><SchemaData schemaUrl="#s"><SimpleData name="date">2025-07-16</SimpleData></SchemaData></ExtendedData>
        <MultiGeometry>
          <LineString><coordinates>104,11 105,12</coordinates></LineString>
          <LineString><coordinates>105,12 106,12</coordinates></LineString>
        </MultiGeometry>
      </Placemark>
      <Placemark><name>Broken</name><Point><coordinates>abc,11</coordinates></Point></Placemark>
    </Folder>
  </Document>
</kml>"##;

    fn layers() -> Vec<Layer> {
        read_kml(MY_MAPS, "test.kml").expect("valid KML")
    }

    #[test]
    fn folders_become_layers_in_document_order() {
        let layers = layers();
        let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["Sites", "Raids"]);
        // Converted, not edited: nothing is marked as changed since it was opened.
        assert!(layers.iter().all(|l| !l.is_edited()));
    }

    #[test]
    fn names_descriptions_extended_data_and_ids_become_properties() {
        let layers = layers();
        let f = &layers[0].features[0];
        assert_eq!(f.id(), Some(&Value::String("mp2".into())));
        assert_eq!(f.name(), Some("Mango Park 2"));
        assert_eq!(
            f.property("description"),
            Some(&Value::String(
                "Suspected site\nTakeo & border\nnot raided".into()
            ))
        );
        assert_eq!(
            f.property("status"),
            Some(&Value::String("suspected".into()))
        );
        assert_eq!(f.property("folder"), Some(&Value::String("Sites".into())));
        let keys: Vec<&String> = f.properties().into_iter().flat_map(|p| p.keys()).collect();
        assert_eq!(
            keys,
            ["name", "description", "status", "province", "folder"]
        );
        let route = &layers[1].features[0];
        assert_eq!(
            route.property("date"),
            Some(&Value::String("2025-07-16".into()))
        );
    }

    #[test]
    fn altitudes_are_kept_and_polygons_keep_their_holes() {
        let layers = layers();
        assert_eq!(
            layers[0].features[0].object()["geometry"]["coordinates"],
            serde_json::json!([104.716, 11.202, 0.0])
        );
        let polygon = &layers[0].features[1];
        let Some(geo::Geometry::Polygon(p)) = polygon.geometry() else {
            panic!("a polygon")
        };
        assert_eq!(p.interiors().len(), 1);
        assert_eq!(
            polygon.object()["geometry"]["coordinates"][0][0],
            serde_json::json!([104.0, 11.0, 5.0])
        );
        // The open hole was closed.
        let hole = &polygon.object()["geometry"]["coordinates"][1];
        assert_eq!(hole.as_array().map(Vec::len), Some(4));
    }

    #[test]
    fn an_error_right_after_a_byte_order_mark_is_placed_without_panicking() {
        // Found by the fuzzer: the error's position fell inside the byte order mark.
        let err = read_kml("\u{feff})</vauspe'tEd.\u{18}3*>\nD", "bom.kml").expect_err("not KML");
        assert!(err.to_string().contains("bom.kml"), "{err}");
    }

    #[test]
    fn a_ring_closed_at_another_altitude_ends_on_its_first_position() {
        // Found by the fuzzer: the GeoJSON written from it did not read back.
        let kml = r#"<kml><Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>
            104.6,11.3,10.4 104.7,11.3,0 104.7,11.4,0 104.6,11.3,0
            </coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>"#;
        let layers = read_kml(kml, "r.kml").expect("readable");
        let text = crate::io::to_string(&layers[0]);
        assert!(
            text.contains(
                "[[[104.6,11.3,10.4],[104.7,11.3,0.0],[104.7,11.4,0.0],[104.6,11.3,10.4]]]"
            ),
            "{text}"
        );
        assert!(crate::io::read_str(&text, "again").is_ok());
    }

    #[test]
    fn a_multigeometry_of_one_kind_becomes_a_multi_geometry() {
        let layers = layers();
        let route = &layers[1].features[0];
        assert_eq!(route.object()["geometry"]["type"], "MultiLineString");
        assert!(
            matches!(route.geometry(), Some(geo::Geometry::MultiLineString(m)) if m.0.len() == 2)
        );
    }

    #[test]
    fn a_placemark_with_bad_coordinates_is_skipped_with_its_line() {
        let layers = layers();
        assert_eq!(layers[1].features.len(), 1);
        let w = &layers[0].warnings;
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].line, Some(38));
        assert!(
            w[0].message.contains("\"Broken\" skipped"),
            "{}",
            w[0].message
        );
    }

    #[test]
    fn malformed_xml_is_an_error_with_its_line() {
        let err = read_kml(
            "<kml>\n<Document>\n<name>x</nme>\n</Document></kml>",
            "bad.kml",
        )
        .expect_err("mismatched tags");
        let p = &err.problems()[0];
        assert_eq!(p.line, Some(3), "{p}");
        let truncated = read_kml("<kml><Document><Placemark>", "t.kml").expect_err("truncated");
        assert!(truncated.to_string().contains("truncated"), "{truncated}");
        assert!(read_kml("", "empty.kml").is_err());
        assert!(read_kml("\u{0}\u{1}garbage<<<>>>", "g.kml").is_err());
    }

    #[test]
    fn html_descriptions_become_readable_text() {
        assert_eq!(
            html_to_text("<p>Line one</p><p>Line&nbsp;two &lt;b&gt; &#233;&#x1F600;</p>"),
            "Line one\n\nLine two <b> é😀"
        );
        assert_eq!(html_to_text("a &unknown; b"), "a &unknown; b");
    }

    #[test]
    fn a_kmz_archive_is_read_through_its_doc_kml() {
        let mut buffer = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut buffer);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            zip.start_file("doc.kml", options).expect("entry");
            std::io::Write::write_all(&mut zip, MY_MAPS.as_bytes()).expect("write");
            zip.finish().expect("finish");
        }
        let layers = read_kmz(buffer.get_ref(), "test.kmz").expect("valid KMZ");
        assert_eq!(layers.len(), 2);
        assert!(read_kmz(b"not a zip", "bad.kmz").is_err());
    }
}

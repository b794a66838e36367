//! KML and KMZ in, read as togeojson and GDAL read them.
//!
//! What is read: every `Placemark` with its `name`, its `description` (HTML turned into plain
//! text; XML elements inside it keep their text), its `ExtendedData` (`Data`/`value` and
//! `SchemaData`/`SimpleData`, as text properties in document order), `TimeStamp` (a `timestamp`
//! property) and `TimeSpan` (`timespan`: `{begin, end}`), and its `id` attribute (the feature's
//! string `id`). Geometries: `Point`, `LineString`, `LinearRing`, `Polygon` (with holes),
//! `gx:Track` and KML 2.3 `Track` (a LineString, its `when`s kept as a `coordTimes` property
//! as togeojson writes it, and the first as `time` for the timeline), and the containers `MultiGeometry`, `gx:MultiTrack`/`MultiTrack`
//! and the non-standard `MultiPoint`/`MultiLineString`/`MultiPolygon` some writers emit. All
//! parts of a placemark, nested containers included, are flattened: one part stays itself,
//! parts of one kind in a container become a Multi* geometry, mixed parts a
//! GeometryCollection. A geometry without coordinates (`<Point/>` beside a track) is empty
//! and left out. Altitudes are kept; a coordinate tuple of more than three numbers keeps the
//! first three, with a warning.
//!
//! Each `Folder` that holds placemarks becomes a layer named by its folder path; placemarks
//! outside any folder form a layer named after the document. Every feature in a folder also
//! gets a `folder` property (the path, `Outer/Inner`). `NetworkLink`s are listed as warnings
//! with their URL and never fetched. Not read (a warning with the placemark's line): `Model`,
//! coordinates that are not numbers, rings with fewer than four positions. Styles, `LookAt`
//! and overlays are ignored.
//!
//! The reader streams: only one placemark at a time is held as a tree, so time and memory are
//! linear in the file. Nesting deeper than [`limits::max_depth`] and KMZ entries inflating
//! past [`limits::max_inflated_bytes`] are refused with a message naming the limit. A file
//! without one readable placemark is an error; malformed XML is an error with its line and
//! column; nothing here panics on any input.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use serde_json::{Map, Value};

use super::tree::{
    Element, Lines, XmlError, check_end, element_of, event_text, local, next_event, placed,
};
use crate::io::convert::Converted;
use crate::io::{ReadError, format_error, limits};
use crate::model::{Layer, LayerKind, Problem, Severity};

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
    let file = archive
        .by_name(&entry)
        .map_err(|e| fail(format!("cannot open {entry} in the archive: {e}")))?;
    let bytes = limits::read_entry(file, &entry).map_err(fail)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| fail(format!("{entry} in the archive is not UTF-8 text")))?;
    read_kml(&text, name)
}

/// Read KML text into layers (one per folder with placemarks, see the module docs).
pub fn read_kml(text: &str, name: &str) -> Result<Vec<Layer>, ReadError> {
    let fail = |(line, column, message): (usize, usize, String)| {
        format_error(name, "KML", Some((line, column)), message)
    };
    let mut reader = KmlReader::default();
    parse(text, &mut reader).map_err(fail)?;
    let KmlReader {
        features,
        mut warnings,
        document_name,
        network_links,
        ..
    } = reader;
    let document_name = document_name
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| name.to_owned());
    if features.is_empty() {
        let mut message = "no placemark could be read".to_owned();
        if network_links > 0 {
            message.push_str(&format!(
                "; it holds {network_links} NetworkLink(s), which are not fetched"
            ));
        }
        let mut problems = vec![Problem {
            severity: Severity::Error,
            line: None,
            column: None,
            path: String::new(),
            message,
        }];
        problems.append(&mut warnings);
        return Err(ReadError::Format {
            name: name.to_owned(),
            format: "KML",
            problems,
        });
    }
    let (converted, layer_of): (Converted, Vec<Option<String>>) = features.into_parts();
    let mut layers: Vec<Layer> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (feature, folder) in converted.finish(&mut warnings).into_iter().zip(layer_of) {
        let layer_name = folder.unwrap_or_else(|| document_name.clone());
        let i = *index.entry(layer_name.clone()).or_insert_with(|| {
            layers.push(Layer::new(layer_name, LayerKind::Data));
            layers.len() - 1
        });
        layers[i].features.push(feature);
    }
    // Warnings go with the first layer, so a reader of any one file sees them once.
    if let Some(first) = layers.first_mut() {
        first.warnings.extend(warnings);
    }
    Ok(layers)
}

/// Converted features, each with the folder path naming its layer (`None`: the document's).
#[derive(Default)]
struct Features {
    converted: Converted,
    folders: Vec<Option<String>>,
}

impl Features {
    fn is_empty(&self) -> bool {
        self.converted.is_empty()
    }

    fn into_parts(self) -> (Converted, Vec<Option<String>>) {
        (self.converted, self.folders)
    }
}

/// A `kml`, `Document` or `Folder` element being read.
struct Container {
    /// How many elements are open while it is (itself included).
    depth: usize,
    /// For a folder, its name (once read) and line.
    folder: Option<(Option<String>, usize)>,
    /// Whether its `<name>` names the document (the first `Document`).
    names_document: bool,
}

#[derive(Default)]
struct KmlReader {
    features: Features,
    warnings: Vec<Problem>,
    document_name: Option<String>,
    containers: Vec<Container>,
    network_links: usize,
}

impl KmlReader {
    /// The folder path of the innermost container, `None` outside every folder.
    fn folder_path(&self) -> Option<String> {
        let names: Vec<String> = self
            .containers
            .iter()
            .filter_map(|c| c.folder.as_ref())
            .map(|(name, line)| match name {
                Some(n) if !n.is_empty() => n.clone(),
                _ => format!("Folder (line {line})"),
            })
            .collect();
        (!names.is_empty()).then(|| names.join("/"))
    }

    fn element(&mut self, element: &Element) {
        match element.name.as_str() {
            "Placemark" => self.placemark(element),
            _ => self.network_link(element),
        }
    }

    fn network_link(&mut self, element: &Element) {
        self.network_links += 1;
        let url = element
            .child("Link")
            .or_else(|| element.child("Url"))
            .and_then(|l| l.child_text("href"))
            .unwrap_or_default();
        let name = element.child_text("name").unwrap_or_default();
        self.warnings.push(warning(
            Some(element.line),
            &format!("NetworkLink {name:?} links to {url:?}; it is listed, not fetched"),
        ));
    }

    fn placemark(&mut self, element: &Element) {
        let label = element
            .child_text("name")
            .filter(|n| !n.is_empty())
            .map_or_else(
                || format!("placemark at line {}", element.line),
                |n| format!("{n:?}"),
            );
        let Some(parts) = self.parts(element, &label) else {
            return;
        };
        let mut properties = placemark_properties(element);
        if let Some(times) = parts.coord_times() {
            // The first time also as `time`, so the timeline places the track.
            let first = parts
                .times
                .iter()
                .flatten()
                .find(|t| !t.is_empty())
                .cloned();
            properties.insert("coordTimes".into(), times);
            if let Some(first) = first
                && !properties.contains_key("time")
            {
                properties.insert("time".into(), Value::String(first));
            }
        }
        let folder = self.folder_path();
        if let Some(folder) = &folder {
            properties.insert("folder".into(), Value::String(folder.clone()));
        }
        let (geometry, shape) = parts.geometry();
        let id = element.attr("id").map(|id| Value::String(id.to_owned()));
        self.features
            .converted
            .push(id, geometry, properties, shape);
        self.features.folders.push(folder);
    }

    /// The placemark's geometries, with a warning for each note made reading them; `None`
    /// (and a warning) when one cannot be read and the placemark is skipped.
    fn parts(&mut self, element: &Element, label: &str) -> Option<Parts> {
        let mut parts = Parts::default();
        for child in &element.children {
            if let Err(message) = parts.collect(child, false) {
                self.warnings.push(warning(
                    Some(element.line),
                    &format!("{label} skipped: {message}"),
                ));
                return None;
            }
        }
        for note in parts.notes.drain(..) {
            self.warnings
                .push(warning(Some(element.line), &format!("{label}: {note}")));
        }
        if parts.leaves.is_empty()
            && let Some(other) = element.children.iter().find(|c| c.name == "Model")
        {
            self.warnings.push(warning(
                Some(element.line),
                &format!(
                    "{label}: <{}> geometries are not read; kept without geometry",
                    other.name
                ),
            ));
        }
        Some(parts)
    }
}

/// A placemark's properties: its name, description (as plain text), time stamp or span, and
/// extended data, in that order.
fn placemark_properties(element: &Element) -> Map<String, Value> {
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
    if let Some(when) = element
        .child("TimeStamp")
        .and_then(|t| t.child_text("when"))
    {
        properties.insert("timestamp".into(), Value::String(when.to_owned()));
    }
    if let Some(span) = element.child("TimeSpan") {
        let mut object = Map::new();
        for key in ["begin", "end"] {
            if let Some(t) = span.child_text(key) {
                object.insert(key.into(), Value::String(t.to_owned()));
            }
        }
        properties.insert("timespan".into(), Value::Object(object));
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
                    properties.insert(key.to_owned(), Value::String(data.text.trim().to_owned()));
                }
            }
        }
    }
    properties
}

/// A position: longitude, latitude and, when `z`, altitude.
#[derive(Clone, Copy, Debug)]
struct Pos {
    c: [f64; 3],
    z: bool,
}

/// One simple geometry of a placemark.
enum Leaf {
    Point(Pos),
    Line(Vec<Pos>),
    Polygon(Vec<Vec<Pos>>),
}

/// The simple geometries of a placemark, in document order, with what reading them noted.
#[derive(Default)]
struct Parts {
    leaves: Vec<Leaf>,
    /// Whether a container (MultiGeometry…) held them.
    in_container: bool,
    /// The `when`s of each track, in order.
    times: Vec<Vec<String>>,
    notes: Vec<String>,
    more_than_three: bool,
}

impl Parts {
    /// Add the geometries of `element` (ignored unless it is one); `Err` for a geometry that
    /// cannot be read.
    fn collect(&mut self, element: &Element, nested: bool) -> Result<(), String> {
        let line = element.line;
        match element.name.as_str() {
            "Point" => match self.coordinates(element)?.as_slice() {
                [] => {}
                [p] => self.leaves.push(Leaf::Point(*p)),
                many => {
                    return Err(format!(
                        "a Point needs one position, found {} (line {line})",
                        many.len()
                    ));
                }
            },
            "LineString" => {
                let positions = self.coordinates(element)?;
                match positions.len() {
                    0 => {}
                    1 => {
                        return Err(format!(
                            "a LineString needs at least two positions, found 1 (line {line})"
                        ));
                    }
                    _ => self.leaves.push(Leaf::Line(positions)),
                }
            }
            "LinearRing" => {
                if let Some(ring) = self.ring(element)? {
                    self.leaves.push(Leaf::Polygon(vec![ring]));
                }
            }
            "Polygon" => {
                let outer = element
                    .child("outerBoundaryIs")
                    .and_then(|b| b.child("LinearRing"));
                let Some(outer) = outer else {
                    if element.children.is_empty() {
                        return Ok(());
                    }
                    return Err(format!("a Polygon without <outerBoundaryIs> (line {line})"));
                };
                let Some(outer) = self.ring(outer)? else {
                    return Ok(());
                };
                let mut rings = vec![outer];
                for inner in element.children_named("innerBoundaryIs") {
                    for linear_ring in inner.children_named("LinearRing") {
                        if let Some(hole) = self.ring(linear_ring)? {
                            rings.push(hole);
                        }
                    }
                }
                self.leaves.push(Leaf::Polygon(rings));
            }
            "Track" => self.track(element)?,
            "MultiGeometry" | "MultiTrack" | "MultiPoint" | "MultiLineString" | "MultiPolygon" => {
                if !nested {
                    self.in_container = true;
                }
                for child in &element.children {
                    self.collect(child, true)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A track: its `coord`s ("lon lat alt", spaces) as a line, its `when`s kept.
    fn track(&mut self, element: &Element) -> Result<(), String> {
        let mut positions = Vec::new();
        for coord in element.children_named("coord") {
            let values: Vec<f64> = coord
                .text
                .split_whitespace()
                .map(|v| v.parse::<f64>().ok().filter(|x| x.is_finite()))
                .collect::<Option<_>>()
                .ok_or_else(|| {
                    format!(
                        "track coordinates {:?} are not numbers (line {})",
                        coord.text.trim(),
                        coord.line
                    )
                })?;
            positions.push(self.position(&values, coord.text.trim(), coord.line)?);
        }
        let times: Vec<String> = element
            .children_named("when")
            .map(|w| w.text.trim().to_owned())
            .collect();
        match positions.len() {
            0 => return Ok(()),
            1 => self.leaves.push(Leaf::Point(positions[0])),
            _ => self.leaves.push(Leaf::Line(positions)),
        }
        self.times.push(times);
        Ok(())
    }

    /// The `coordTimes` property: a track's times, or one list per track.
    fn coord_times(&self) -> Option<Value> {
        let list = |t: &Vec<String>| Value::Array(t.iter().cloned().map(Value::String).collect());
        match self.times.as_slice() {
            [] => None,
            [one] if one.is_empty() => None,
            [one] => Some(list(one)),
            many if many.iter().all(Vec::is_empty) => None,
            many => Some(Value::Array(many.iter().map(list).collect())),
        }
    }

    /// A ring's positions, closed if the file left it open; at least four positions; `None`
    /// for an empty ring. A ring that ends where it starts but at another altitude (or without
    /// one) ends exactly at its first position: GeoJSON's rings end on the very position they
    /// start with.
    fn ring(&mut self, element: &Element) -> Result<Option<Vec<Pos>>, String> {
        let mut positions = self.coordinates(element)?;
        if positions.is_empty() {
            return Ok(None);
        }
        if let (Some(first), Some(last)) = (positions.first().copied(), positions.last_mut()) {
            if first.c[..2] != last.c[..2] {
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
        Ok(Some(positions))
    }

    /// The positions in an element's `<coordinates>`: `lon,lat[,alt]` tuples separated by
    /// whitespace (spaces next to a comma are allowed, as togeojson and GDAL allow them).
    fn coordinates(&mut self, element: &Element) -> Result<Vec<Pos>, String> {
        let Some(coords) = element.child("coordinates") else {
            return Ok(Vec::new());
        };
        let mut positions = Vec::new();
        for tuple in tuples(&coords.text) {
            let values: Vec<f64> = tuple
                .split(',')
                .filter(|v| !v.is_empty())
                .map(|v| v.parse::<f64>().ok().filter(|x| x.is_finite()))
                .collect::<Option<_>>()
                .ok_or_else(|| {
                    format!(
                        "coordinates {tuple:?} are not numbers (line {})",
                        coords.line
                    )
                })?;
            positions.push(self.position(&values, &tuple, coords.line)?);
        }
        Ok(positions)
    }

    fn position(&mut self, values: &[f64], tuple: &str, line: usize) -> Result<Pos, String> {
        match *values {
            [x, y] => Ok(Pos {
                c: [x, y, 0.0],
                z: false,
            }),
            [x, y, z] => Ok(Pos {
                c: [x, y, z],
                z: true,
            }),
            [x, y, z, ..] => {
                if !self.more_than_three {
                    self.more_than_three = true;
                    self.notes.push(format!(
                        "coordinates {tuple:?} hold more than three numbers; the first three \
                         are kept (line {line})"
                    ));
                }
                Ok(Pos {
                    c: [x, y, z],
                    z: true,
                })
            }
            _ => Err(format!(
                "coordinates {tuple:?} need longitude,latitude[,altitude] (line {line})"
            )),
        }
    }

    /// The placemark's geometry as GeoJSON and as a 2-D `geo` geometry (see the module docs).
    fn geometry(self) -> (Value, Option<geo::Geometry<f64>>) {
        let mut leaves = self.leaves;
        if leaves.is_empty() {
            return (Value::Null, None);
        }
        if leaves.len() == 1 && !self.in_container {
            let leaf = leaves.remove(0);
            return (leaf_json(&leaf), Some(leaf_geo(leaf)));
        }
        let kind = |l: &Leaf| match l {
            Leaf::Point(_) => 0,
            Leaf::Line(_) => 1,
            Leaf::Polygon(_) => 2,
        };
        let first = kind(&leaves[0]);
        if leaves.iter().any(|l| kind(l) != first) {
            let json = Value::Array(leaves.iter().map(leaf_json).collect());
            let mut object = Map::new();
            object.insert("type".into(), Value::String("GeometryCollection".into()));
            object.insert("geometries".into(), json);
            let geo = geo::GeometryCollection(leaves.into_iter().map(leaf_geo).collect());
            return (
                Value::Object(object),
                Some(geo::Geometry::GeometryCollection(geo)),
            );
        }
        let coordinates = Value::Array(
            leaves
                .iter()
                .map(|l| match l {
                    Leaf::Point(p) => position_json(p),
                    Leaf::Line(ps) => positions_json(ps),
                    Leaf::Polygon(rings) => rings_json(rings),
                })
                .collect(),
        );
        let (kind, geo) = match first {
            0 => (
                "MultiPoint",
                geo::Geometry::MultiPoint(geo::MultiPoint(
                    leaves
                        .iter()
                        .filter_map(|l| match l {
                            Leaf::Point(p) => Some(geo::Point::new(p.c[0], p.c[1])),
                            _ => None,
                        })
                        .collect(),
                )),
            ),
            1 => (
                "MultiLineString",
                geo::Geometry::MultiLineString(geo::MultiLineString(
                    leaves
                        .iter()
                        .filter_map(|l| match l {
                            Leaf::Line(ps) => Some(line_string(ps)),
                            _ => None,
                        })
                        .collect(),
                )),
            ),
            _ => (
                "MultiPolygon",
                geo::Geometry::MultiPolygon(geo::MultiPolygon(
                    leaves
                        .iter()
                        .filter_map(|l| match l {
                            Leaf::Polygon(rings) => Some(polygon(rings)),
                            _ => None,
                        })
                        .collect(),
                )),
            ),
        };
        (geometry_json(kind, coordinates), Some(geo))
    }
}

/// The whitespace-separated tuples of a `<coordinates>` text, spaces around commas removed.
fn tuples(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut joining = false;
    for token in text.split_whitespace() {
        match out.last_mut() {
            Some(last) if joining || token.starts_with(',') => last.push_str(token),
            _ => out.push(token.to_owned()),
        }
        joining = token.ends_with(',');
    }
    out
}

fn leaf_json(leaf: &Leaf) -> Value {
    match leaf {
        Leaf::Point(p) => geometry_json("Point", position_json(p)),
        Leaf::Line(ps) => geometry_json("LineString", positions_json(ps)),
        Leaf::Polygon(rings) => geometry_json("Polygon", rings_json(rings)),
    }
}

fn leaf_geo(leaf: Leaf) -> geo::Geometry<f64> {
    match leaf {
        Leaf::Point(p) => geo::Geometry::Point(geo::Point::new(p.c[0], p.c[1])),
        Leaf::Line(ps) => geo::Geometry::LineString(line_string(&ps)),
        Leaf::Polygon(rings) => geo::Geometry::Polygon(polygon(&rings)),
    }
}

fn polygon(rings: &[Vec<Pos>]) -> geo::Polygon<f64> {
    let mut lines = rings.iter().map(|r| line_string(r));
    let exterior = lines.next().unwrap_or_else(|| geo::LineString(Vec::new()));
    geo::Polygon::new(exterior, lines.collect())
}

fn position_json(p: &Pos) -> Value {
    let n = if p.z { 3 } else { 2 };
    Value::Array(
        p.c[..n]
            .iter()
            .filter_map(|v| serde_json::Number::from_f64(*v).map(Value::Number))
            .collect(),
    )
}

fn positions_json(positions: &[Pos]) -> Value {
    Value::Array(positions.iter().map(position_json).collect())
}

fn rings_json(rings: &[Vec<Pos>]) -> Value {
    Value::Array(rings.iter().map(|r| positions_json(r)).collect())
}

fn line_string(positions: &[Pos]) -> geo::LineString<f64> {
    geo::LineString::from(
        positions
            .iter()
            .map(|p| (p.c[0], p.c[1]))
            .collect::<Vec<_>>(),
    )
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

/// The placemark (or NetworkLink) being read as a tree.
struct Tree {
    /// Open elements, the placemark at the bottom.
    stack: Vec<Element>,
    /// Elements open inside a `description` (its text gathers theirs).
    in_description: Option<usize>,
}

impl Tree {
    fn start(&mut self, element: Element) {
        if let Some(open) = self.in_description.as_mut() {
            *open += 1;
            if let Some(top) = self.stack.last_mut() {
                top.text.push_str(block_break(&element.name));
            }
            return;
        }
        if element.name == "description" {
            self.in_description = Some(0);
        }
        self.stack.push(element);
    }

    fn empty(&mut self, element: Element) {
        if self.in_description.is_some() {
            if let Some(top) = self.stack.last_mut() {
                top.text.push_str(block_break(&element.name));
            }
            return;
        }
        if let Some(top) = self.stack.last_mut() {
            top.children.push(element);
        }
    }

    /// Close the innermost element; the placemark when it is done.
    fn end(&mut self) -> Option<Element> {
        if let Some(open) = self.in_description.as_mut() {
            if *open > 0 {
                *open -= 1;
                return None;
            }
            self.in_description = None;
        }
        let done = self.stack.pop()?;
        match self.stack.last_mut() {
            Some(parent) => {
                parent.children.push(done);
                None
            }
            None => Some(done),
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(top) = self.stack.last_mut() {
            top.text.push_str(text);
        }
    }
}

/// A line break for an element inside a description that starts a block (`<br/>`, `<p>`…).
fn block_break(name: &str) -> &'static str {
    match name.to_ascii_lowercase().as_str() {
        "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" => "\n",
        _ => "",
    }
}

/// Stream the XML once, handing each placemark and NetworkLink to `kml` as it closes.
/// Errors carry the 1-based line and column.
fn parse(text: &str, kml: &mut KmlReader) -> Result<(), XmlError> {
    let mut reader = Reader::from_str(text);
    let mut lines = Lines::new(text);
    let max_depth = limits::max_depth();
    let mut depth = 0usize;
    let mut seen_root = false;
    let mut tree: Option<Tree> = None;
    // The `<name>` of the innermost container being read, and its depth.
    let mut name: Option<(String, usize)> = None;
    loop {
        let (offset, event) = next_event(&mut reader, text)?;
        match event {
            Event::Start(start) | Event::Empty(start)
                if !seen_root
                    && !matches!(local(&start).as_str(), "kml" | "Document" | "Folder") =>
            {
                return Err(placed(
                    text,
                    offset,
                    format!("the root element is <{}>, not <kml>", local(&start)),
                ));
            }
            Event::Start(start) => {
                seen_root = true;
                depth += 1;
                if depth > max_depth {
                    return Err(placed(text, offset, limits::depth_message(max_depth)));
                }
                let line = lines.line_at(offset);
                match tree.as_mut() {
                    Some(t) => t.start(element_of(&start, line)),
                    None => start_outside(kml, &start, (depth, line), &mut tree, &mut name),
                }
            }
            Event::Empty(start) => {
                seen_root = true;
                let line = lines.line_at(offset);
                if let Some(t) = tree.as_mut() {
                    t.empty(element_of(&start, line));
                } else if local(&start) == "Placemark" {
                    let mut element = element_of(&start, line);
                    element.name = "Placemark".into();
                    kml.element(&element);
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
                end_element(kml, depth, &mut tree, &mut name);
                depth -= 1;
            }
            Event::Eof => break,
            _ if tree.is_some() || name.is_some() => {
                if let Some(s) = event_text(&event, text, offset)? {
                    push_text(&mut tree, &mut name, &s);
                }
            }
            _ => {}
        }
    }
    check_end(text, depth, seen_root)
}

/// A start tag (at `depth`, on `line`) outside any placemark: a placemark or network link
/// starts a tree, a `kml`, `Document` or `Folder` is entered, a container's own `<name>`
/// starts being read.
fn start_outside(
    kml: &mut KmlReader,
    start: &BytesStart<'_>,
    (depth, line): (usize, usize),
    tree: &mut Option<Tree>,
    name: &mut Option<(String, usize)>,
) {
    match local(start).as_str() {
        element @ ("Placemark" | "NetworkLink") => {
            let mut root = element_of(start, line);
            root.name = element.to_owned();
            *tree = Some(Tree {
                stack: vec![root],
                in_description: None,
            });
        }
        kind @ ("kml" | "Document" | "Folder") => {
            let names_document = kind == "Document" && kml.document_name.is_none();
            if names_document {
                kml.document_name = Some(String::new());
            }
            kml.containers.push(Container {
                depth,
                folder: (kind == "Folder").then_some((None, line)),
                names_document,
            });
        }
        "name" if kml.containers.last().is_some_and(|c| c.depth + 1 == depth) => {
            *name = Some((String::new(), depth));
        }
        _ => {}
    }
}

/// An end tag at `depth`: a finished placemark goes to `kml`, a container's name is kept, a
/// container is left.
fn end_element(
    kml: &mut KmlReader,
    depth: usize,
    tree: &mut Option<Tree>,
    name: &mut Option<(String, usize)>,
) {
    if let Some(t) = tree.as_mut() {
        if let Some(done) = t.end() {
            *tree = None;
            kml.element(&done);
        }
    } else if let Some((value, _)) = name.take_if(|(_, d)| *d == depth) {
        if let Some(container) = kml.containers.last_mut() {
            if let Some((folder_name, _)) = container.folder.as_mut() {
                *folder_name = Some(value.trim().to_owned());
            } else if container.names_document {
                kml.document_name = Some(value.trim().to_owned());
            }
        }
    } else if kml.containers.last().is_some_and(|c| c.depth == depth) {
        kml.containers.pop();
    }
}

fn push_text(tree: &mut Option<Tree>, name: &mut Option<(String, usize)>, text: &str) {
    if let Some(t) = tree.as_mut() {
        t.text(text);
    } else if let Some((value, _)) = name.as_mut() {
        value.push_str(text);
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

    fn one(kml: &str) -> Layer {
        let mut layers = read_kml(kml, "t.kml").expect("readable");
        assert_eq!(layers.len(), 1);
        layers.remove(0)
    }

    #[test]
    fn tracks_become_lines_with_their_times_beside_an_empty_point() {
        let layer = one(
            r#"<kml xmlns:gx="http://www.google.com/kml/ext/2.2"><Placemark><name>walk</name>
            <Point/>
            <gx:Track><when>2025-07-16T01:00:00Z</when><when>2025-07-16T01:05:00Z</when>
              <gx:coord>104.9 11.5 3</gx:coord><gx:coord>104.91 11.51 4</gx:coord></gx:Track>
            </Placemark></kml>"#,
        );
        let f = &layer.features[0];
        assert_eq!(f.object()["geometry"]["type"], "LineString");
        assert_eq!(
            f.object()["geometry"]["coordinates"],
            serde_json::json!([[104.9, 11.5, 3.0], [104.91, 11.51, 4.0]])
        );
        assert_eq!(
            f.property("coordTimes"),
            Some(&serde_json::json!([
                "2025-07-16T01:00:00Z",
                "2025-07-16T01:05:00Z"
            ]))
        );
        let multi = one(r#"<kml><Placemark><MultiTrack>
            <Track><when>a</when><when>b</when><coord>1 2</coord><coord>3 4</coord></Track>
            <Track><when>c</when><when>d</when><coord>5 6</coord><coord>7 8</coord></Track>
            </MultiTrack></Placemark></kml>"#);
        let f = &multi.features[0];
        assert_eq!(f.object()["geometry"]["type"], "MultiLineString");
        assert_eq!(
            f.property("coordTimes"),
            Some(&serde_json::json!([["a", "b"], ["c", "d"]]))
        );
    }

    #[test]
    fn nested_and_non_standard_multi_geometries_are_flattened() {
        let layer = one(r#"<kml><Placemark><MultiGeometry>
              <MultiGeometry><LineString><coordinates>1,2 3,4</coordinates></LineString></MultiGeometry>
              <LineString><coordinates>5,6 7,8</coordinates></LineString>
            </MultiGeometry></Placemark>
            <Placemark><MultiGeometry><Point><coordinates>1,2</coordinates></Point>
              <MultiGeometry><LineString><coordinates>5,6 7,8</coordinates></LineString></MultiGeometry>
            </MultiGeometry></Placemark>
            <Placemark><MultiPolygon><Polygon><outerBoundaryIs><LinearRing><coordinates>
              0,0 1,0 1,1 0,0</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiPolygon>
            </Placemark></kml>"#);
        let kinds: Vec<&Value> = layer
            .features
            .iter()
            .map(|f| &f.object()["geometry"]["type"])
            .collect();
        assert_eq!(
            kinds,
            ["MultiLineString", "GeometryCollection", "MultiPolygon"]
        );
        let text = crate::io::to_string(&layer);
        assert!(crate::io::read_str(&text, "again").is_ok(), "{text}");
    }

    #[test]
    fn descriptions_with_elements_and_long_tuples_keep_their_text_and_positions() {
        let layer = one(
            r#"<kml><Placemark><description>Raid on <b>16 July</b><br/>by police</description>
            <Point><coordinates>104.9 , 11.5,0,7</coordinates></Point></Placemark></kml>"#,
        );
        let f = &layer.features[0];
        assert_eq!(
            f.property("description"),
            Some(&Value::String("Raid on 16 July\nby police".into()))
        );
        assert_eq!(
            f.object()["geometry"]["coordinates"],
            serde_json::json!([104.9, 11.5, 0.0])
        );
        assert!(
            layer.warnings[0].message.contains("more than three"),
            "{:?}",
            layer.warnings
        );
    }

    #[test]
    fn network_links_are_listed_not_fetched_and_a_file_without_placemarks_is_an_error() {
        let err = read_kml(
            r#"<kml><Document><NetworkLink><name>live</name>
            <Link><href>http://example.org/x.kml</href></Link></NetworkLink></Document></kml>"#,
            "links.kml",
        )
        .expect_err("nothing to show");
        let text = err.to_string();
        assert!(text.contains("no placemark"), "{text}");
        assert!(
            err.problems()
                .iter()
                .any(|p| p.message.contains("http://example.org/x.kml")),
            "{:?}",
            err.problems()
        );
    }

    #[test]
    fn deep_nesting_is_refused_naming_the_limit() {
        let depth = 100_000;
        let kml = format!(
            "<kml>{}{}</kml>",
            "<Folder>".repeat(depth),
            "</Folder>".repeat(depth)
        );
        let err = read_kml(&kml, "deep.kml").expect_err("too deep");
        assert!(err.to_string().contains("RAIDMAP_MAX_DEPTH"), "{err}");
    }

    #[test]
    fn a_kmz_inflating_past_the_limit_is_refused() {
        let mut buffer = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut buffer);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .large_file(true);
            zip.start_file("doc.kml", options).expect("entry");
            let block = vec![b' '; 1 << 20];
            for _ in 0..(limits::max_inflated_bytes() >> 20) + 1 {
                std::io::Write::write_all(&mut zip, &block).expect("write");
            }
            zip.finish().expect("finish");
        }
        let err = read_kmz(buffer.get_ref(), "bomb.kmz").expect_err("refused");
        assert!(err.to_string().contains("RAIDMAP_MAX_INFLATED_MB"), "{err}");
    }
}

//! The RFC 7946 rules: every MUST is an error, the SHOULDs worth knowing are warnings.
//!
//! The [`Checker`] walks values that are already parsed (no text is read again on the happy
//! path) and converts geometries to `geo` types as it goes. Each problem is recorded with the
//! JSON path where it was found; only when the file has problems are those paths walked in the
//! text to find their line and column ([`Checker::finish`]). Errors are all kept; repetitive
//! warnings are counted and shown once, at their first place.

use geo::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon,
};
use serde_json::{Map, Value};

use super::json::{Duplicate, Seg, describe, push_path};
use super::locate::{At, Locator, Text};
use crate::model::{Problem, Severity};

/// The geometry types of RFC 7946 §1.4.
pub(super) const GEOMETRY_TYPES: [&str; 7] = [
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

pub(super) use crate::model::precision::MAX_DECIMALS;

/// SHOULD-level findings that are counted per file rather than listed one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Warn {
    ClockwiseExterior,
    CounterClockwiseHole,
    ExtraValues,
    OutOfRange,
    Precision,
    Crs,
    NestedCollection,
}

/// Whether a warning is one that only holds for positions in degrees and without a `"crs"`
/// member (out of range, too precise, the member itself): not true once a file's positions are
/// reprojected from the CRS its member names.
pub(super) fn is_about_unprojected_positions(message: &str) -> bool {
    [Warn::OutOfRange, Warn::Precision, Warn::Crs]
        .iter()
        .any(|w| message.starts_with(w.message()))
}

impl Warn {
    const ALL: [Warn; 7] = [
        Warn::ClockwiseExterior,
        Warn::CounterClockwiseHole,
        Warn::ExtraValues,
        Warn::OutOfRange,
        Warn::Precision,
        Warn::Crs,
        Warn::NestedCollection,
    ];

    fn message(self) -> &'static str {
        match self {
            Warn::ClockwiseExterior => {
                "polygon exterior ring is clockwise; RFC 7946 §3.1.6 says exterior rings \
                 should be counter-clockwise (kept as written)"
            }
            Warn::CounterClockwiseHole => {
                "polygon hole is counter-clockwise; RFC 7946 §3.1.6 says holes should be \
                 clockwise (kept as written)"
            }
            Warn::ExtraValues => {
                "position has more than 3 values; RFC 7946 §3.1.1 says at most longitude, \
                 latitude and altitude"
            }
            Warn::OutOfRange => {
                "position is outside longitude -180..180 or latitude -90..90 degrees \
                 (longitude and latitude swapped, or not WGS 84?)"
            }
            Warn::Precision => {
                "coordinate value has more than 7 decimal places (1e-7 degrees is about 1 cm; \
                 RFC 7946 §11.2)"
            }
            Warn::Crs => {
                "\"crs\" member is from the obsolete 2008 GeoJSON spec; RFC 7946 coordinates \
                 are always WGS 84 longitude, latitude"
            }
            Warn::NestedCollection => {
                "GeometryCollection inside a GeometryCollection; RFC 7946 §3.1.8 says to avoid \
                 nesting them"
            }
        }
    }
}

/// Where a problem is, before it is turned into a line and column.
#[derive(Debug, Clone)]
enum Place<'a> {
    /// `path[depth..]` walked from `base` (a slice of the file), then `at`.
    Path { base: &'a str, depth: usize, at: At },
    /// A known byte offset in the file.
    Offset(usize),
}

#[derive(Debug, Clone)]
struct Pending<'a> {
    severity: Severity,
    message: String,
    path: Vec<Seg>,
    place: Place<'a>,
}

/// The members of an object that the rules look at, found in one pass over it (cheaper than
/// a hashed lookup per member on every feature of a large file).
#[derive(Default)]
pub(super) struct Known<'v> {
    pub kind: Option<&'v Value>,
    pub id: Option<&'v Value>,
    pub geometry: Option<&'v Value>,
    pub properties: Option<&'v Value>,
    pub coordinates: Option<&'v Value>,
    pub geometries: Option<&'v Value>,
    pub features: Option<&'v Value>,
    pub bbox: Option<&'v Value>,
    pub crs: Option<&'v Value>,
}

impl<'v> Known<'v> {
    pub(super) fn of(object: &'v Map<String, Value>) -> Self {
        let mut m = Known::default();
        for (key, value) in object {
            let slot = match key.as_str() {
                "type" => &mut m.kind,
                "id" => &mut m.id,
                "geometry" => &mut m.geometry,
                "properties" => &mut m.properties,
                "coordinates" => &mut m.coordinates,
                "geometries" => &mut m.geometries,
                "features" => &mut m.features,
                "bbox" => &mut m.bbox,
                "crs" => &mut m.crs,
                _ => continue,
            };
            *slot = Some(value);
        }
        m
    }
}

/// Records problems while walking one file.
pub(super) struct Checker<'a> {
    /// The whole text, which every base is a slice of.
    file: &'a str,
    problems: Vec<Pending<'a>>,
    counted: Vec<(Warn, usize, Pending<'a>)>,
    /// Path of the value being checked, from the top of the file.
    path: Vec<Seg>,
    /// The raw text of the value that `path[..depth]` leads to.
    base: &'a str,
    depth: usize,
    errors: usize,
}

/// A geometry that broke a MUST; the problem is already recorded.
#[derive(Debug, Clone, Copy)]
pub(super) struct Invalid;

type Checked<T> = Result<T, Invalid>;

impl<'a> Checker<'a> {
    pub(super) fn new(base: &'a str) -> Self {
        Self {
            file: base,
            problems: Vec::new(),
            counted: Vec::new(),
            path: Vec::new(),
            base,
            depth: 0,
            errors: 0,
        }
    }

    /// Check what follows as the value `path` whose raw text is `base`.
    pub(super) fn set_base(&mut self, base: &'a str, path: Vec<Seg>) {
        self.depth = path.len();
        self.path = path;
        self.base = base;
    }

    /// The raw text of the value being checked.
    pub(super) fn base(&self) -> &'a str {
        self.base
    }

    /// Byte offset in the file of `sub`, a slice of it (0 if it is not one).
    pub(super) fn offset_in_file(&self, sub: &str) -> usize {
        Text::new(self.file).offset_of(sub).unwrap_or(0)
    }

    pub(super) fn error_count(&self) -> usize {
        self.errors
    }

    fn pending(&self, severity: Severity, message: String, at: At) -> Pending<'a> {
        Pending {
            severity,
            message,
            path: self.path.clone(),
            place: Place::Path {
                base: self.base,
                depth: self.depth,
                at,
            },
        }
    }

    /// A MUST broken by the value at the current path (or by its member, see [`At`]).
    pub(super) fn error(&mut self, at: At, message: impl Into<String>) {
        self.errors += 1;
        let p = self.pending(Severity::Error, message.into(), at);
        self.problems.push(p);
    }

    /// A problem at a known byte offset of the file (a syntax error).
    pub(super) fn error_at_offset(&mut self, offset: usize, message: impl Into<String>) {
        self.errors += 1;
        self.problems.push(Pending {
            severity: Severity::Error,
            message: message.into(),
            path: self.path.clone(),
            place: Place::Offset(offset),
        });
    }

    /// A single warning that is not counted with others.
    pub(super) fn warning_at_offset(&mut self, offset: usize, message: impl Into<String>) {
        self.problems.push(Pending {
            severity: Severity::Warning,
            message: message.into(),
            path: Vec::new(),
            place: Place::Offset(offset),
        });
    }

    fn warn(&mut self, kind: Warn, at: At) {
        match self.counted.iter_mut().find(|(k, _, _)| *k == kind) {
            Some((_, n, _)) => *n += 1,
            None => {
                let first = self.pending(Severity::Warning, String::new(), at);
                self.counted.push((kind, 1, first));
            }
        }
    }

    fn with<R>(&mut self, seg: Seg, f: impl FnOnce(&mut Self) -> R) -> R {
        self.path.push(seg);
        let r = f(self);
        self.path.pop();
        r
    }

    fn member(key: &'static str) -> At {
        At::Member {
            key: key.to_owned(),
            nth: 0,
        }
    }

    /// Report the duplicate keys found while parsing the value at the current path.
    pub(super) fn duplicates(&mut self, dups: Vec<Duplicate>) {
        for d in dups {
            let depth = self.path.len();
            self.path.extend(d.object);
            let message = format!(
                "duplicate key {:?} in one object (its meaning is undefined; the last value \
                 would win)",
                d.key
            );
            self.error(
                At::Member {
                    key: d.key,
                    nth: d.nth,
                },
                message,
            );
            self.path.truncate(depth);
        }
    }

    /// Members that RFC 7946 §7.1 reserves for other kinds of object: each one present is an
    /// error at its key.
    pub(super) fn forbidden(&mut self, kind: &str, members: &[(&'static str, Option<&Value>)]) {
        for (key, value) in members {
            if value.is_some() {
                let message = format!(
                    "a {kind} must not have a {key:?} member: it would change what the object \
                     means (RFC 7946 §7.1)"
                );
                self.error(Self::member(key), message);
            }
        }
    }

    /// `bbox` and `crs`, which any GeoJSON object may carry.
    pub(super) fn common_members(&mut self, m: &Known<'_>) {
        if let Some(bbox) = m.bbox {
            self.with(Seg::key("bbox"), |c| c.bbox(bbox));
        }
        if m.crs.is_some() {
            self.warn(Warn::Crs, Self::member("crs"));
        }
    }

    fn bbox(&mut self, bbox: &Value) {
        let Some(values) = bbox.as_array() else {
            return self.error(
                At::Value,
                format!(
                    "bbox must be an array of 4 or 6 numbers, found {}",
                    describe(bbox)
                ),
            );
        };
        let numbers: Vec<f64> = values.iter().filter_map(Value::as_f64).collect();
        if numbers.len() != values.len() || !matches!(values.len(), 4 | 6) {
            let what = if numbers.len() == values.len() {
                format!("{} numbers", values.len())
            } else {
                "values that are not numbers".to_owned()
            };
            return self.error(
                At::Value,
                format!(
                    "bbox must be 4 numbers [west, south, east, north] or 6 with altitudes, \
                     found {what}"
                ),
            );
        }
        let n = numbers.len() / 2;
        let (south, north) = (numbers[1], numbers[n + 1]);
        if south > north {
            self.error(
                At::Value,
                format!("bbox south ({south}) is greater than north ({north})"),
            );
        }
    }

    /// A Feature object at the current path; returns its geometry (`None` for `null`).
    pub(super) fn feature(
        &mut self,
        object: &Map<String, Value>,
    ) -> Checked<Option<Geometry<f64>>> {
        let errors = self.errors;
        let m = Known::of(object);
        match m.kind {
            None => self.error(At::Value, "a Feature needs \"type\": \"Feature\""),
            Some(Value::String(t)) if t == "Feature" => {}
            Some(other) => {
                let message = match other {
                    Value::String(t) => format!(
                        "expected a Feature, found type {t:?} (a FeatureCollection holds only \
                         Features)"
                    ),
                    v => format!("\"type\" must be a string, found {}", describe(v)),
                };
                self.with(Seg::key("type"), |c| c.error(At::Value, message));
            }
        }
        if let Some(id) = m.id
            && !(id.is_string() || id.is_number())
        {
            let message = format!(
                "\"id\" must be a string or a number, found {}",
                describe(id)
            );
            self.with(Seg::key("id"), |c| c.error(At::Value, message));
        }
        self.forbidden(
            "Feature",
            &[
                ("coordinates", m.coordinates),
                ("geometries", m.geometries),
                ("features", m.features),
            ],
        );
        self.common_members(&m);
        match m.properties {
            None => self.error(
                At::Value,
                "a Feature needs a \"properties\" member (an object, or null)",
            ),
            Some(Value::Object(_) | Value::Null) => {}
            Some(other) => {
                let message = format!(
                    "\"properties\" must be an object or null, found {}",
                    describe(other)
                );
                self.with(Seg::key("properties"), |c| c.error(At::Value, message));
            }
        }
        let geometry = match m.geometry {
            None => {
                self.error(
                    At::Value,
                    "a Feature needs a \"geometry\" member (an object, or null when the place \
                     is unknown)",
                );
                Err(Invalid)
            }
            Some(Value::Null) => Ok(None),
            Some(Value::Object(g)) => self.with(Seg::key("geometry"), |c| c.geometry(g, false)),
            Some(other) => {
                let message = format!(
                    "\"geometry\" must be an object or null, found {}",
                    describe(other)
                );
                self.with(Seg::key("geometry"), |c| c.error(At::Value, message));
                Err(Invalid)
            }
        };
        if self.errors > errors {
            return Err(Invalid);
        }
        geometry
    }

    /// A Geometry object at the current path, converted to `geo` (`None` when its coordinates
    /// are empty, which RFC 7946 §3.1 lets readers take as null).
    pub(super) fn geometry(
        &mut self,
        object: &Map<String, Value>,
        in_collection: bool,
    ) -> Checked<Option<Geometry<f64>>> {
        let m = Known::of(object);
        let kind = match m.kind {
            Some(Value::String(t)) if GEOMETRY_TYPES.contains(&t.as_str()) => t.as_str(),
            found => {
                let message = match found {
                    None => "a geometry needs a \"type\"".to_owned(),
                    Some(Value::String(t)) => format!(
                        "unknown geometry type {t:?}; expected one of {}",
                        GEOMETRY_TYPES.join(", ")
                    ),
                    Some(v) => format!("\"type\" must be a string, found {}", describe(v)),
                };
                self.error(At::Value, message);
                return Err(Invalid);
            }
        };
        let errors = self.errors;
        let collection = kind == "GeometryCollection";
        let (misplaced, misplaced_value) = if collection {
            ("coordinates", m.coordinates)
        } else {
            ("geometries", m.geometries)
        };
        self.forbidden(
            kind,
            &[
                ("properties", m.properties),
                ("geometry", m.geometry),
                ("features", m.features),
                (misplaced, misplaced_value),
            ],
        );
        self.common_members(&m);
        if collection {
            if in_collection {
                self.warn(Warn::NestedCollection, At::Value);
            }
            let Some(members) = m.geometries else {
                self.error(
                    At::Value,
                    "a GeometryCollection needs a \"geometries\" array",
                );
                return Err(Invalid);
            };
            let result = self.with(Seg::key("geometries"), |c| c.collection(members));
            return if self.errors > errors {
                Err(Invalid)
            } else {
                result
            };
        }
        let Some(coordinates) = m.coordinates else {
            self.error(
                At::Value,
                format!("a {kind} needs a \"coordinates\" member"),
            );
            return Err(Invalid);
        };
        if coordinates.as_array().is_some_and(Vec::is_empty) {
            return if self.errors > errors {
                Err(Invalid)
            } else {
                Ok(None)
            };
        }
        let geometry = self.with(Seg::key("coordinates"), |c| {
            c.coordinates(kind, coordinates)
        });
        if self.errors > errors {
            return Err(Invalid);
        }
        geometry.map(Some)
    }

    fn collection(&mut self, members: &Value) -> Checked<Option<Geometry<f64>>> {
        let Some(members) = members.as_array() else {
            self.error(
                At::Value,
                format!(
                    "\"geometries\" must be an array, found {}",
                    describe(members)
                ),
            );
            return Err(Invalid);
        };
        let mut out = Vec::with_capacity(members.len());
        let mut ok = true;
        for (i, member) in members.iter().enumerate() {
            self.with(Seg::Index(i), |c| match member {
                Value::Object(g) => match c.geometry(g, true) {
                    Ok(g) => out.extend(g),
                    Err(Invalid) => ok = false,
                },
                other => {
                    c.error(
                        At::Value,
                        format!(
                            "a GeometryCollection holds geometry objects, found {}",
                            describe(other)
                        ),
                    );
                    ok = false;
                }
            });
        }
        if ok {
            Ok(Some(Geometry::GeometryCollection(GeometryCollection(out))))
        } else {
            Err(Invalid)
        }
    }

    fn coordinates(&mut self, kind: &str, v: &Value) -> Checked<Geometry<f64>> {
        Ok(match kind {
            "Point" => Geometry::Point(Point(self.position(v)?)),
            "MultiPoint" => {
                Geometry::MultiPoint(MultiPoint(
                    self.array(v, "MultiPoint", |c, p| c.position(p).map(Point))?,
                ))
            }
            "LineString" => Geometry::LineString(self.line(v)?),
            "MultiLineString" => Geometry::MultiLineString(MultiLineString(self.array(
                v,
                "MultiLineString",
                Self::line,
            )?)),
            "Polygon" => Geometry::Polygon(self.polygon(v)?),
            _ => Geometry::MultiPolygon(MultiPolygon(self.array(
                v,
                "MultiPolygon",
                Self::polygon,
            )?)),
        })
    }

    /// Check every element of the array `v` with `each`, reporting all failures.
    fn array<T>(
        &mut self,
        v: &Value,
        what: &str,
        mut each: impl FnMut(&mut Self, &Value) -> Checked<T>,
    ) -> Checked<Vec<T>> {
        let Some(items) = v.as_array() else {
            self.error(
                At::Value,
                format!("{what} coordinates must be an array, found {}", describe(v)),
            );
            return Err(Invalid);
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match self.with(Seg::Index(i), |c| each(c, item)) {
                Ok(t) => out.push(t),
                Err(Invalid) => ok = false,
            }
        }
        if ok { Ok(out) } else { Err(Invalid) }
    }

    fn position(&mut self, v: &Value) -> Checked<Coord<f64>> {
        let values = match v.as_array() {
            Some(values) if values.len() >= 2 => values,
            _ => {
                let found = match v.as_array() {
                    Some(a) => format!("an array of {} value(s)", a.len()),
                    None => describe(v).to_owned(),
                };
                self.error(
                    At::Value,
                    format!(
                        "a position must be an array of at least 2 numbers (longitude, \
                         latitude), found {found}"
                    ),
                );
                return Err(Invalid);
            }
        };
        let mut ok = true;
        for (i, value) in values.iter().enumerate() {
            match value {
                Value::Number(n) => {
                    // Integers (not `is_f64`) have no decimals at all.
                    if n.is_f64() && n.as_f64().is_some_and(|x| !few_decimals(x)) {
                        self.with(Seg::Index(i), |c| c.warn(Warn::Precision, At::Value));
                    }
                }
                other => {
                    let message = format!(
                        "a position holds only numbers, found {} at index {i}",
                        describe(other)
                    );
                    self.with(Seg::Index(i), |c| c.error(At::Value, message));
                    ok = false;
                }
            }
        }
        if !ok {
            return Err(Invalid);
        }
        if values.len() > 3 {
            self.warn(Warn::ExtraValues, At::Value);
        }
        let x = values[0].as_f64().unwrap_or_default();
        let y = values[1].as_f64().unwrap_or_default();
        if !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y) {
            self.warn(Warn::OutOfRange, At::Value);
        }
        Ok(Coord { x, y })
    }

    fn line(&mut self, v: &Value) -> Checked<LineString<f64>> {
        let coords = self.array(v, "LineString", Self::position)?;
        if coords.len() < 2 {
            self.error(
                At::Value,
                format!(
                    "a LineString needs at least 2 positions, found {}",
                    coords.len()
                ),
            );
            return Err(Invalid);
        }
        Ok(LineString(coords))
    }

    fn polygon(&mut self, v: &Value) -> Checked<Polygon<f64>> {
        let mut index = 0;
        let mut rings = self.array(v, "Polygon", |c, ring| {
            let r = c.ring(ring, index == 0);
            index += 1;
            r
        })?;
        if rings.is_empty() {
            return Ok(Polygon::empty());
        }
        let exterior = rings.remove(0);
        // Most polygons have no hole: an emptied list must not keep its allocation (a
        // building layer holds hundreds of thousands of polygons).
        rings.shrink_to_fit();
        Ok(Polygon::new(exterior, rings))
    }

    fn ring(&mut self, v: &Value, exterior: bool) -> Checked<LineString<f64>> {
        let coords = self.array(v, "linear ring", Self::position)?;
        if coords.len() < 4 {
            self.error(
                At::Value,
                format!(
                    "a linear ring needs at least 4 positions (a closed triangle), found {}",
                    coords.len()
                ),
            );
            return Err(Invalid);
        }
        let positions = v.as_array().map(Vec::as_slice).unwrap_or_default();
        if let (Some(first), Some(last)) = (positions.first(), positions.last())
            && !same_position(first, last)
        {
            let message = format!(
                "linear ring is not closed: its last position {last} differs from its first \
                 {first}"
            );
            let last_index = positions.len() - 1;
            self.with(Seg::Index(last_index), |c| c.error(At::Value, message));
            return Err(Invalid);
        }
        let area2 = twice_signed_area(&coords);
        if exterior && area2 < 0.0 {
            self.warn(Warn::ClockwiseExterior, At::Value);
        } else if !exterior && area2 > 0.0 {
            self.warn(Warn::CounterClockwiseHole, At::Value);
        }
        Ok(LineString(coords))
    }

    /// Every problem, placed: errors in the order found, then the counted warnings, sorted by
    /// line and column (problems whose place could not be found come last).
    pub(super) fn finish(self, text: &Text<'_>) -> Vec<Problem> {
        let counted = Warn::ALL.iter().filter_map(|kind| {
            let (_, n, first) = self.counted.iter().find(|(k, _, _)| k == kind)?;
            let mut p = first.clone();
            p.message = if *n == 1 {
                kind.message().to_owned()
            } else {
                format!("{}; found {n} times, the first is shown", kind.message())
            };
            Some(p)
        });
        let pending: Vec<Pending<'_>> = self.problems.iter().cloned().chain(counted).collect();
        let mut locator = Locator::default();
        let offsets: Vec<Option<usize>> = pending
            .iter()
            .map(|p| match &p.place {
                Place::Offset(offset) => Some(*offset),
                Place::Path { base, depth, at } => locator
                    .locate(base, &p.path[*depth..], at)
                    .or_else(|| locator.locate(base, &p.path[*depth..], &At::Value))
                    .and_then(|found| text.offset_of(found)),
            })
            .collect();
        let known: Vec<usize> = offsets.iter().flatten().copied().collect();
        let mut places = text.line_cols(&known).into_iter();
        let mut out: Vec<Problem> = pending
            .into_iter()
            .zip(offsets)
            .map(|(p, offset)| problem(p, offset.and_then(|_| places.next())))
            .collect();
        out.sort_by_key(|p| (p.line.is_none(), p.line, p.column));
        out
    }
}

fn problem(p: Pending<'_>, place: Option<(usize, usize)>) -> Problem {
    let mut path = String::new();
    push_path(&mut path, &p.path);
    if let Place::Path {
        at: At::Member { key, .. },
        ..
    } = &p.place
    {
        push_path(&mut path, &[Seg::Key(key.clone().into())]);
    }
    Problem {
        severity: p.severity,
        line: place.map(|(line, _)| line),
        column: place.map(|(_, column)| column),
        path,
        message: p.message,
    }
}

/// Whether `x` is the double nearest to a decimal with at most [`MAX_DECIMALS`] places, i.e.
/// whether its shortest text has no more decimals than that. Exact for the magnitudes of
/// coordinates, and much cheaper than formatting.
pub(super) fn few_decimals(x: f64) -> bool {
    let scale = 10f64.powi(MAX_DECIMALS);
    let scaled = (x * scale).round();
    !scaled.is_finite() || scaled.abs() > 9.0e15 || scaled / scale == x
}

fn same_position(a: &Value, b: &Value) -> bool {
    match (a.as_array(), b.as_array()) {
        (Some(a), Some(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.as_f64() == y.as_f64())
        }
        _ => false,
    }
}

/// Twice the signed planar area of a closed ring: positive when counter-clockwise.
fn twice_signed_area(ring: &[Coord<f64>]) -> f64 {
    ring.windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_counted_like_the_shortest_text_of_the_number() {
        for ok in [104.1234567, 1e-7, 0.1, -179.9999999, 11.262, 0.0, 1.0] {
            assert!(few_decimals(ok), "{ok} has at most 7 decimals");
        }
        for bad in [104.12345678901235, 1e-8, 11.26200001, -0.00000005] {
            assert!(!few_decimals(bad), "{bad} has more than 7 decimals");
        }
    }

    #[test]
    fn counter_clockwise_rings_have_a_positive_area() {
        let ccw = [(0., 0.), (1., 0.), (1., 1.), (0., 0.)].map(|(x, y)| Coord { x, y });
        assert!(twice_signed_area(&ccw) > 0.0);
        let mut cw = ccw;
        cw.reverse();
        assert!(twice_signed_area(&cw) < 0.0);
    }
}

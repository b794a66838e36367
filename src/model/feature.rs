//! One GeoJSON feature: its exact original text, its JSON object (parsed on first use) and its
//! geometry for measuring and drawing.
//!
//! A layer of a million features must stay small, so a feature read from a file holds only:
//! a span of the file's text (one shared `Arc<String>` for the whole file), its geometry (a
//! point inline; a line or polygon (single or multi) only as its bounding box (inline, in `f32`
//! rounded outward), its coordinates read again from the text when asked for; anything else boxed with its bounding box), and a
//! lazily filled cell for the JSON object. The object is parsed from the text the first time [`Feature::object`] (or
//! `properties`, `property`, `name`, ...) is called and kept from then on; bulk scans that only
//! need the property keys or the geometry type ([`Feature::property_keys`],
//! [`Feature::geometry_type`]) read the text without keeping anything.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use geo::{BoundingRect, Coord, Geometry, Point, Rect};
use serde::Deserializer as _;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::model::outer_box::OuterBox;
use crate::model::{geometry_text, precision};

/// A GeoJSON Feature.
///
/// The JSON object is the whole feature object as read, key order kept (`serde_json` with
/// `preserve_order`), including `id`, `properties`, `geometry` and any foreign member. The
/// original text is the exact text the feature was read from. While the feature is unedited the
/// writer emits it verbatim; once edited it stays as the base the writer compares against, so
/// every unchanged member and property keeps its exact text.
#[derive(Debug)]
pub struct Feature {
    original: Option<Original>,
    /// The object (parsed on first use for a feature read from text) and, for a point or a
    /// polygon kept as text, its `geo::Geometry` (made on first use of [`Feature::geometry`]).
    lazy: OnceCell<Box<Lazy>>,
    shape: Shape,
}

/// The exact text of a feature: `text[start..start + len]`, and whether the feature was
/// edited since (the top bit of `len_edited`, which keeps a feature at 48 bytes).
#[derive(Clone)]
struct Original {
    text: Arc<String>,
    start: u32,
    len_edited: u32,
}

const EDITED: u32 = 1 << 31;

impl fmt::Debug for Original {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Original").field(&self.get()).finish()
    }
}

impl Original {
    /// `text[range]`, sharing `text` when the offsets fit in 32 bits (files under 4 GiB),
    /// else as its own copy. `None` only for a single feature of 2 GiB or more.
    fn span(text: &Arc<String>, range: Range<usize>) -> Option<Self> {
        match (u32::try_from(range.start), u32::try_from(range.len())) {
            (Ok(start), Ok(len)) if len < EDITED => Some(Self {
                text: Arc::clone(text),
                start,
                len_edited: len,
            }),
            _ => Self::own(text.get(range)?.to_owned()),
        }
    }

    fn own(text: String) -> Option<Self> {
        let len = u32::try_from(text.len()).ok().filter(|len| *len < EDITED)?;
        Some(Self {
            text: Arc::new(text),
            start: 0,
            len_edited: len,
        })
    }

    fn get(&self) -> &str {
        let start = self.start as usize;
        let len = (self.len_edited & !EDITED) as usize;
        self.text.get(start..start + len).unwrap_or_default()
    }

    fn edited(&self) -> bool {
        self.len_edited & EDITED != 0
    }
}

#[derive(Debug, Clone, Default)]
struct Lazy {
    object: OnceCell<Map<String, Value>>,
    geometry: OnceCell<Geometry<f64>>,
}

impl Clone for Feature {
    /// A copy of an unedited feature read from text does not copy its parsed object (the text
    /// gives it again): a copy of a big layer, such as the base kept for a merge, would
    /// otherwise double every object something had parsed.
    fn clone(&self) -> Self {
        let lazy = match (&self.original, self.lazy.get()) {
            (Some(original), _) if !original.edited() => OnceCell::new(),
            (_, Some(lazy)) => OnceCell::from(lazy.clone()),
            (_, None) => OnceCell::new(),
        };
        Self {
            original: self.original.clone(),
            lazy,
            shape: self.shape.clone(),
        }
    }
}

/// The geometry, stored compactly: most features of a big layer are points.
#[derive(Debug, Clone)]
enum Shape {
    /// `"geometry": null` or empty coordinates.
    None,
    Point(Coord<f64>),
    /// A line or polygon (single or multi) of a feature read from text: only its bounding box
    /// is kept, inline and rounded outward to `f32` ([`OuterBox`]), its coordinates are read
    /// from the feature's text (its base text, which an edit of anything but the geometry
    /// leaves as it is) each time they are asked for. A building layer's polygons would
    /// otherwise take about 220 bytes each on top of the text that already holds them.
    InText(InText),
    /// Shared between clones (a geometry is never changed in place, only replaced), so a copy
    /// of a layer, such as the base kept for a merge, does not copy its geometries.
    Other(Arc<Boxed>),
}

#[derive(Debug, Clone, Copy)]
struct InText {
    kind: TextKind,
    bbox: OuterBox,
}

/// The geometry type of a [`Shape::InText`].
#[derive(Debug, Clone, Copy)]
enum TextKind {
    LineString,
    MultiLineString,
    Polygon,
    MultiPolygon,
}

impl TextKind {
    fn name(self) -> &'static str {
        match self {
            TextKind::LineString => "LineString",
            TextKind::MultiLineString => "MultiLineString",
            TextKind::Polygon => "Polygon",
            TextKind::MultiPolygon => "MultiPolygon",
        }
    }

    /// Whether `geometry` is of this type.
    fn is(self, geometry: &Geometry<f64>) -> bool {
        matches!(
            (self, geometry),
            (TextKind::LineString, Geometry::LineString(_))
                | (TextKind::MultiLineString, Geometry::MultiLineString(_))
                | (TextKind::Polygon, Geometry::Polygon(_))
                | (TextKind::MultiPolygon, Geometry::MultiPolygon(_))
        )
    }

    /// The empty geometry of this type (for text that could not be read again).
    fn empty(self) -> Geometry<f64> {
        match self {
            TextKind::LineString => Geometry::LineString(geo::LineString(Vec::new())),
            TextKind::MultiLineString => {
                Geometry::MultiLineString(geo::MultiLineString(Vec::new()))
            }
            TextKind::Polygon => Geometry::Polygon(geo::Polygon::empty()),
            TextKind::MultiPolygon => Geometry::MultiPolygon(geo::MultiPolygon(Vec::new())),
        }
    }
}

#[derive(Debug, Clone)]
struct Boxed {
    geometry: Geometry<f64>,
    bbox: Option<Rect<f64>>,
}

impl Shape {
    /// The shape of a feature whose base text holds `geometry`: a line or polygon (single or
    /// multi) is kept as its bounding box only (see [`Shape::InText`]), unless that box does
    /// not fit in `f32`.
    fn in_text(geometry: Option<Geometry<f64>>) -> Self {
        let kind = match &geometry {
            Some(Geometry::LineString(_)) => TextKind::LineString,
            Some(Geometry::MultiLineString(_)) => TextKind::MultiLineString,
            Some(Geometry::Polygon(_)) => TextKind::Polygon,
            Some(Geometry::MultiPolygon(_)) => TextKind::MultiPolygon,
            _ => return Self::of(geometry),
        };
        match geometry
            .as_ref()
            .and_then(BoundingRect::bounding_rect)
            .and_then(OuterBox::around)
        {
            Some(bbox) => Shape::InText(InText { kind, bbox }),
            None => Self::of(geometry),
        }
    }

    fn of(geometry: Option<Geometry<f64>>) -> Self {
        match geometry {
            None => Shape::None,
            Some(Geometry::Point(p)) => Shape::Point(p.0),
            Some(geometry) => {
                let bbox = geometry.bounding_rect();
                Shape::Other(Arc::new(Boxed { geometry, bbox }))
            }
        }
    }
}

/// An unedited feature's exact text, sharing the text it was read from: 16 bytes where a
/// [`Feature`] takes 48. The merge base kept for each opened layer keeps only where each
/// starts and makes them again from that ([`FeatureText::at`], [`crate::merge::Base`]).
#[derive(Debug, Clone)]
pub struct FeatureText(Original);

impl FeatureText {
    /// The feature as it was read, for comparing versions by their JSON (as a merge does with
    /// its base): its object is parsed from the text when asked for, but its geometry was not
    /// kept, so [`Feature::geometry`], [`Feature::point`] and [`Feature::bbox`] are `None`
    /// (the geometry is still in [`Feature::object`]).
    pub fn feature(&self) -> Feature {
        Feature {
            original: Some(self.0.clone()),
            lazy: OnceCell::new(),
            shape: Shape::None,
        }
    }

    /// The shared text this is a span of, and where in it the span starts.
    pub fn start(&self) -> (&Arc<String>, u32) {
        (&self.0.text, self.0.start)
    }

    /// The feature text that starts at byte `start` of `text`, where [`FeatureText::start`]
    /// said one did: its end is found again by reading the one JSON object there (the text
    /// was checked when it was read), so what keeps many of them (a merge base) need keep
    /// only their starts. `None` when no JSON value starts there.
    pub fn at(text: &Arc<String>, start: u32) -> Option<Self> {
        let rest = text.get(start as usize..)?;
        let mut de = serde_json::Deserializer::from_str(rest);
        // Checked text: raidmap's depth limit applies, not serde_json's (see `json_text`).
        de.disable_recursion_limit();
        let mut values = de.into_iter::<IgnoredAny>();
        values.next()?.ok()?;
        let start = start as usize;
        Original::span(text, start..start + values.byte_offset()).map(FeatureText)
    }
}

impl Feature {
    /// This feature's exact text, shared, when it was read from text and not edited since.
    pub fn shared_text(&self) -> Option<FeatureText> {
        self.original
            .as_ref()
            .filter(|o| !o.edited())
            .cloned()
            .map(FeatureText)
    }

    /// A feature read from a file. `original` is its exact text; `geometry` was converted from
    /// `object["geometry"]` by the reader (2D positions; altitudes stay in `object`).
    pub fn from_parts(
        object: Map<String, Value>,
        original: Option<Box<RawValue>>,
        geometry: Option<Geometry<f64>>,
    ) -> Self {
        let lazy = Lazy::default();
        let _ = lazy.object.set(object);
        Self {
            original: original.and_then(|raw| Original::own(String::from(Box::<str>::from(raw)))),
            lazy: OnceCell::from(Box::new(lazy)),
            shape: Shape::of(geometry),
        }
    }

    /// A feature read from a file whose text was checked: `text[span]` is the feature's exact
    /// text (a valid GeoJSON Feature object) and `geometry` its converted geometry. The object
    /// is parsed from the text only when it is first asked for.
    pub fn read(text: &Arc<String>, span: Range<usize>, geometry: Option<Geometry<f64>>) -> Self {
        let original = Original::span(text, span.clone());
        let lazy = OnceCell::new();
        if original.is_none() {
            // Too long to keep as text (2 GiB for one feature): keep the object instead.
            let object = text
                .get(span)
                .and_then(|t| super::json_text::from_str::<Map<String, Value>>(t).ok())
                .unwrap_or_default();
            let _ = lazy.set(Box::new(Lazy {
                object: OnceCell::from(object),
                geometry: OnceCell::new(),
            }));
        }
        let shape = match original {
            Some(_) => Shape::in_text(geometry),
            None => Shape::of(geometry),
        };
        Self {
            original,
            lazy,
            shape,
        }
    }

    /// A new feature made by the program (a kept measurement, a new site).
    pub fn new(geometry: Geometry<f64>, properties: Map<String, Value>) -> Self {
        let geometry_json =
            serde_json::to_value(geojson::Geometry::from(&geometry)).unwrap_or(Value::Null);
        let mut object = Map::new();
        object.insert("type".into(), Value::String("Feature".into()));
        object.insert("geometry".into(), geometry_json);
        object.insert("properties".into(), Value::Object(properties));
        Self::from_parts(object, None, Some(geometry))
    }

    /// A new feature made in raidmap (a clicked point, a drawn shape, a kept measurement):
    /// its coordinates are kept at most [`precision::MAX_DECIMALS`] decimals.
    pub fn created(mut geometry: Geometry<f64>, properties: Map<String, Value>) -> Self {
        precision::round_geometry(&mut geometry, precision::MAX_DECIMALS);
        Self::new(geometry, properties)
    }

    /// The same feature with a new random `id` (a UUID string, so later merges can match it).
    pub fn with_new_id(mut self) -> Self {
        let mut bytes = [0u8; 16];
        // Without random bytes from the system the id is still unique enough for this
        // document (the clock), and it is never a secret.
        if getrandom::fill(&mut bytes).is_err() {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos();
            bytes = now.to_le_bytes();
        }
        let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
        let id = Value::String(uuid.hyphenated().to_string());
        // `id` goes right after `type`, where GeoJSON writers put it.
        let object = self.object_mut();
        let rest: Vec<(String, Value)> = std::mem::take(object).into_iter().collect();
        for (key, value) in rest {
            let after_type = key == "type";
            object.insert(key, value);
            if after_type {
                object.insert("id".into(), id.clone());
            }
        }
        object.entry("id").or_insert(id);
        self
    }

    fn lazy(&self) -> &Lazy {
        self.lazy.get_or_init(Box::default)
    }

    /// The whole JSON object of the feature, in its original key order (parsed from the
    /// original text on first use, then kept).
    pub fn object(&self) -> &Map<String, Value> {
        self.lazy().object.get_or_init(|| {
            // The text was checked when it was read, so this parse succeeds.
            self.original_text()
                .and_then(|text| super::json_text::from_str(text).ok())
                .unwrap_or_default()
        })
    }

    /// Calls `f` with the whole object, parsing it from the text without keeping it when it was
    /// not parsed yet: for comparing every feature of two big layers once.
    pub fn with_object<R>(&self, f: impl FnOnce(&Map<String, Value>) -> R) -> R {
        if let Some(object) = self.lazy.get().and_then(|l| l.object.get()) {
            return f(object);
        }
        let parsed = self
            .original_text()
            .and_then(|text| super::json_text::from_str(text).ok())
            .unwrap_or_default();
        f(&parsed)
    }

    /// The object, to be changed: the feature counts as edited from now on.
    fn object_mut(&mut self) -> &mut Map<String, Value> {
        self.object();
        if let Some(original) = &mut self.original {
            original.len_edited |= EDITED;
        }
        let lazy = self.lazy.get_mut().expect("object() filled the cell");
        lazy.object.get_mut().expect("object() parsed the object")
    }

    /// The exact text this feature was read from, if it has not been edited since.
    pub fn original_text(&self) -> Option<&str> {
        self.original
            .as_ref()
            .filter(|o| !o.edited())
            .map(Original::get)
    }

    /// The exact text this feature was read from, edited since or not (`None` for a feature
    /// the program made). The writer keeps every member still equal to its value here verbatim.
    pub fn base_text(&self) -> Option<&str> {
        self.original.as_ref().map(Original::get)
    }

    /// The feature's `id` member (a string or a number), if any.
    pub fn id(&self) -> Option<&Value> {
        self.object().get("id")
    }

    /// The `properties` object; `None` when it is `null` or missing.
    pub fn properties(&self) -> Option<&Map<String, Value>> {
        self.object().get("properties").and_then(Value::as_object)
    }

    /// One property by key.
    pub fn property(&self, key: &str) -> Option<&Value> {
        self.properties().and_then(|p| p.get(key))
    }

    /// The `name` property when it is a string.
    pub fn name(&self) -> Option<&str> {
        // An empty name (a new point not named yet) is no name.
        self.property("name")
            .and_then(Value::as_str)
            .filter(|n| !n.trim().is_empty())
    }

    /// The `id` rendered as text (strings without quotes).
    pub fn id_text(&self) -> Option<String> {
        match self.id()? {
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }

    /// What a person calls this feature: its `name`, else its `id`, else `#index`.
    pub fn label(&self, index: usize) -> String {
        if let Some(name) = self.name() {
            return name.to_owned();
        }
        self.id_text().unwrap_or_else(|| format!("#{index}"))
    }

    /// [`Feature::label`] without keeping the parsed object: for scans over every feature of a
    /// big layer, such as listing the features whose date cannot be read.
    pub fn label_unkept(&self, index: usize) -> String {
        let parsed = self.lazy.get().is_some_and(|l| l.object.get().is_some());
        match self.original_text() {
            Some(text) if !parsed => label_in_text(text, index),
            _ => self.label(index),
        }
    }

    /// Whether this feature keeps its parsed JSON object (tests check drawing does not).
    #[cfg(test)]
    pub(crate) fn holds_parsed_object(&self) -> bool {
        self.lazy.get().is_some_and(|l| l.object.get().is_some())
    }

    /// The bytes this feature holds on the heap besides its own size and the shared text:
    /// its parsed object and geometry when kept (counted roughly: a box of its own), a
    /// geometry boxed with its shape. Tests check what a building of a big layer keeps.
    #[cfg(test)]
    pub(crate) fn held_bytes(&self) -> usize {
        use std::mem::size_of;
        let lazy = self.lazy.get().map_or(0, |lazy| {
            let geometry = lazy.geometry.get().map_or(0, |g| {
                use geo::CoordsIter;
                g.coords_count() * size_of::<Coord<f64>>()
            });
            size_of::<Lazy>() + geometry
        });
        let shape = match &self.shape {
            Shape::None | Shape::Point(_) | Shape::InText(_) => 0,
            Shape::Other(b) => {
                use geo::CoordsIter;
                size_of::<Boxed>() + b.geometry.coords_count() * size_of::<Coord<f64>>()
            }
        };
        lazy + shape
    }

    /// The keys of `properties`, in order, without keeping the parsed object: for scans over
    /// every feature of a big layer (a million parsed objects would not fit in memory).
    pub fn property_keys(&self) -> Vec<Cow<'_, str>> {
        if let Some(object) = self.lazy.get().and_then(|l| l.object.get()) {
            return object
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().map(|k| Cow::Borrowed(k.as_str())).collect())
                .unwrap_or_default();
        }
        self.original_text()
            .and_then(|text| {
                let mut de = serde_json::Deserializer::from_str(text);
                de.deserialize_map(PropertyKeys).ok()
            })
            .unwrap_or_default()
    }

    /// Calls `f` with the `properties` object, parsing it from the text without keeping it
    /// when the object was not parsed yet: for scans over every feature of a big layer (the
    /// timeline reading dates, styles by a property), which would otherwise keep a million
    /// parsed objects.
    pub fn with_properties<R>(&self, f: impl FnOnce(Option<&Map<String, Value>>) -> R) -> R {
        if let Some(object) = self.lazy.get().and_then(|l| l.object.get()) {
            return f(object.get("properties").and_then(Value::as_object));
        }
        let parsed = self.original_text().and_then(properties_in_text);
        f(parsed.as_ref())
    }

    /// Where [`Feature::with_properties`] reads the properties from: the parsed object when it
    /// is kept, else the unedited text (as a span of the shared file text).
    pub(crate) fn property_source(&self) -> PropertySource<'_> {
        if let Some(object) = self.lazy.get().and_then(|l| l.object.get()) {
            return PropertySource::Object(object);
        }
        match &self.original {
            Some(o) if !o.edited() => {
                PropertySource::Text(&o.text, o.start, o.len_edited & !EDITED)
            }
            _ => PropertySource::None,
        }
    }

    /// The geometry's GeoJSON `type`, `None` for `"geometry": null`. A geometry with empty
    /// coordinates (read as no geometry) still has its type.
    pub fn geometry_type(&self) -> Option<&'static str> {
        match &self.shape {
            Shape::Point(_) => Some("Point"),
            Shape::InText(shape) => Some(shape.kind.name()),
            Shape::Other(b) => Some(match &b.geometry {
                Geometry::Point(_) => "Point",
                Geometry::Line(_) | Geometry::LineString(_) => "LineString",
                Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "Polygon",
                Geometry::MultiPoint(_) => "MultiPoint",
                Geometry::MultiLineString(_) => "MultiLineString",
                Geometry::MultiPolygon(_) => "MultiPolygon",
                Geometry::GeometryCollection(_) => "GeometryCollection",
            }),
            Shape::None => {
                // Not kept: a layer of a million features without geometry stays small.
                let parsed;
                let object = match self.lazy.get().and_then(|l| l.object.get()) {
                    Some(object) => object,
                    None => {
                        parsed =
                            super::json_text::from_str::<Map<String, Value>>(self.original_text()?)
                                .ok()?;
                        &parsed
                    }
                };
                let kind = object.get("geometry")?.get("type")?.as_str()?;
                GEOMETRY_TYPES.into_iter().find(|t| *t == kind)
            }
        }
    }

    /// The geometry in lon/lat degrees, `None` for `"geometry": null`. A point's geometry and
    /// a polygon's read from the text are kept from then on: for going over many features
    /// (drawing, picking, exporting) use [`Feature::with_geometry`], which keeps nothing.
    pub fn geometry(&self) -> Option<&Geometry<f64>> {
        match &self.shape {
            Shape::None => None,
            Shape::Point(c) => Some(self.lazy().geometry.get_or_init(|| Point(*c).into())),
            Shape::InText(shape) => Some(
                self.lazy()
                    .geometry
                    .get_or_init(|| self.geometry_in_text(shape)),
            ),
            Shape::Other(b) => Some(&b.geometry),
        }
    }

    /// Calls `f` with the geometry ([`Feature::geometry`]), reading a polygon kept as text
    /// (or making a point's) without keeping it: for drawing and picking the features in view
    /// of a big layer, and for whatever goes over every feature (exporting, comparing).
    pub fn with_geometry<R>(&self, f: impl FnOnce(Option<&Geometry<f64>>) -> R) -> R {
        match &self.shape {
            Shape::InText(shape) => match self.lazy.get().and_then(|l| l.geometry.get()) {
                Some(geometry) => f(Some(geometry)),
                None => f(Some(&self.geometry_in_text(shape))),
            },
            // Made for the call: a million points exported keep no geometry each.
            Shape::Point(c) => f(Some(&Point(*c).into())),
            _ => f(self.geometry()),
        }
    }

    /// The geometry of a [`Shape::InText`] feature, read from its base text. The text was
    /// checked when it was read, so this does not fail; if it did, the polygon is empty.
    fn geometry_in_text(&self, shape: &InText) -> Geometry<f64> {
        self.base_text()
            .and_then(geometry_text::lines_or_polygons)
            .filter(|g| shape.kind.is(g))
            .unwrap_or_else(|| shape.kind.empty())
    }

    /// A [`Shape::InText`] geometry made a geometry of its own, for a feature about to let go
    /// of its text.
    fn own_geometry(&mut self) {
        if let Shape::InText(shape) = &self.shape {
            let geometry = self.geometry_in_text(shape);
            self.shape = Shape::of(Some(geometry));
        }
    }

    /// Whether the feature has a geometry (not `"geometry": null` or empty coordinates).
    pub fn has_geometry(&self) -> bool {
        !matches!(self.shape, Shape::None)
    }

    /// The position of a point feature, without making a `geo::Geometry` for it (drawing and
    /// indexing a million points).
    pub fn point(&self) -> Option<Coord<f64>> {
        match &self.shape {
            Shape::Point(c) => Some(*c),
            _ => None,
        }
    }

    /// A box holding the geometry, in lon/lat degrees: exact, but for a line or polygon kept
    /// as text, whose box is rounded outward to `f32` (at most one `f32` step larger on each
    /// side, under a metre). For indexing and culling; what is shown or written (*zoom to*,
    /// an extent) takes [`Feature::exact_bbox`] or [`super::Layer::bbox`].
    pub fn bbox(&self) -> Option<Rect<f64>> {
        match &self.shape {
            Shape::None => None,
            Shape::Point(c) => Some(Rect::new(*c, *c)),
            Shape::InText(shape) => Some(shape.bbox.rect()),
            Shape::Other(b) => b.bbox,
        }
    }

    /// The exact bounding box of the geometry in lon/lat degrees: a line or polygon kept as
    /// text is read again (without keeping it) for it.
    pub fn exact_bbox(&self) -> Option<Rect<f64>> {
        match &self.shape {
            Shape::InText(_) => self
                .with_geometry(|g| g.and_then(BoundingRect::bounding_rect))
                .or_else(|| self.bbox()),
            _ => self.bbox(),
        }
    }

    /// Set (or replace) one property. The feature counts as edited from now on.
    pub fn set_property(&mut self, key: &str, value: Value) {
        self.edit_properties(|map| {
            map.insert(key.to_owned(), value);
        });
    }

    /// Change the `properties` object (made an empty object first when it is `null` or
    /// missing). The feature counts as edited from now on.
    pub fn edit_properties<R>(&mut self, edit: impl FnOnce(&mut Map<String, Value>) -> R) -> R {
        let slot = self.object_mut().entry("properties").or_insert(Value::Null);
        let mut map = match std::mem::take(slot) {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let result = edit(&mut map);
        *slot = Value::Object(map);
        result
    }

    /// Replace the `properties` member as a whole (an object or `null`). The feature counts as
    /// edited from now on.
    pub fn set_properties(&mut self, properties: Value) {
        self.object_mut().insert("properties".into(), properties);
    }

    /// Set (`Some`) or remove (`None`) a foreign member of the feature object (one that is not
    /// `type`, `id`, `geometry`, `properties` or `bbox`; those have their own methods and are
    /// left alone). A new member goes last. The feature counts as edited from now on.
    pub fn set_member(&mut self, key: &str, value: Option<Value>) {
        if matches!(key, "type" | "id" | "geometry" | "properties" | "bbox") {
            return;
        }
        let object = self.object_mut();
        match value {
            Some(value) => {
                object.insert(key.to_owned(), value);
            }
            None => {
                object.shift_remove(key);
            }
        }
    }

    /// Replace the geometry (`None` writes `"geometry": null`). A `bbox` member, if the feature
    /// has one, is recomputed from the new geometry. The feature counts as edited from now on.
    pub fn set_geometry(&mut self, geometry: Option<Geometry<f64>>) {
        let json = geometry
            .as_ref()
            .and_then(|g| serde_json::to_value(geojson::Geometry::from(g)).ok())
            .unwrap_or(Value::Null);
        let bbox = geometry.as_ref().and_then(|g| g.bounding_rect());
        let object = self.object_mut();
        object.insert("geometry".into(), json);
        if object.contains_key("bbox") {
            match bbox {
                Some(b) => {
                    let b = serde_json::json!([b.min().x, b.min().y, b.max().x, b.max().y]);
                    object.insert("bbox".into(), b);
                }
                None => {
                    object.shift_remove("bbox");
                }
            }
        }
        self.shape = Shape::of(geometry);
        if let Some(lazy) = self.lazy.get_mut() {
            lazy.geometry = OnceCell::new();
        }
    }

    /// Set (`Some`) or remove (`None`) a top-level member other than `geometry` (an `id`, a
    /// `bbox`, a foreign member); a new member goes last. Returns the previous value. The
    /// feature counts as edited from now on.
    pub fn set_top_level(&mut self, key: &str, value: Option<Value>) -> Option<Value> {
        debug_assert_ne!(key, "geometry", "geometry goes through set_geometry*");
        let object = self.object_mut();
        match value {
            Some(value) => object.insert(key.to_owned(), value),
            None => object.shift_remove(key),
        }
    }

    /// Replace the geometry with exactly this GeoJSON value (altitudes, number spelling and
    /// all), `geometry` being its conversion (as another feature holds both). Unlike
    /// [`set_geometry`](Self::set_geometry), a `bbox` member is left as it is. The feature
    /// counts as edited from now on.
    pub fn set_geometry_exact(&mut self, json: Value, geometry: Option<Geometry<f64>>) {
        self.object_mut().insert("geometry".into(), json);
        self.shape = Shape::of(geometry);
        if let Some(lazy) = self.lazy.get_mut() {
            lazy.geometry = OnceCell::new();
        }
    }

    /// This feature (a version the undo history keeps) moved onto `row`, the row a table now
    /// holds after `saved` (the feature as it was saved) was written: `row` with every member
    /// in which this version differs from `saved` (the geometry, a property, a foreign member)
    /// set as this version has it, edited against `row`; a copy of `row` when there is no such
    /// member; with no row (the save deleted it), this version as a new feature. Undoing an
    /// edit after saving it is then a change to save that touches only what the edit touched,
    /// never what others saved meanwhile.
    pub fn rebased(&self, saved: &Feature, row: Option<&Feature>) -> Feature {
        let Some(row) = row else {
            let mut feature = self.clone();
            // The object and the geometry are read from the old text before it is let go.
            feature.object();
            feature.own_geometry();
            feature.original = None;
            return feature;
        };
        let (mine, was) = (self.object(), saved.object());
        if mine == was {
            return row.clone();
        }
        let mut feature = row.clone();
        if mine.get("geometry") != was.get("geometry") {
            feature.set_geometry(self.geometry().cloned());
        }
        let empty = Map::new();
        let mine_props = mine.get("properties").and_then(Value::as_object);
        let was_props = was.get("properties").and_then(Value::as_object);
        let (mine_props, was_props) = (mine_props.unwrap_or(&empty), was_props.unwrap_or(&empty));
        for key in mine_props.keys().chain(was_props.keys()) {
            if mine_props.get(key) != was_props.get(key) {
                match mine_props.get(key) {
                    Some(value) => feature.set_property(key, value.clone()),
                    None => {
                        feature.edit_properties(|m| m.shift_remove(key));
                    }
                }
            }
        }
        for key in mine.keys().chain(was.keys()) {
            let member = matches!(key.as_str(), "type" | "id" | "geometry" | "properties");
            if !member && mine.get(key) != was.get(key) {
                feature.set_member(key, mine.get(key).cloned());
            }
        }
        feature
    }

    /// Whether the feature was changed (or created) since it was read.
    pub fn is_edited(&self) -> bool {
        self.original.as_ref().is_none_or(Original::edited)
    }
}

/// The geometry types of RFC 7946 §1.4.
const GEOMETRY_TYPES: [&str; 7] = [
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// Reads a feature object's text and returns the keys of its `properties` (borrowed from the
/// text unless they hold escapes), skipping every value.
struct PropertyKeys;

impl<'de> Visitor<'de> for PropertyKeys {
    type Value = Vec<Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a feature object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut keys = Vec::new();
        while let Some(key) = map.next_key::<BorrowedKey<'de>>()? {
            if key.0 == "properties" {
                keys = map.next_value::<Keys<'de>>()?.0;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(keys)
    }
}

/// Reads a feature object's text and returns its `properties` object, skipping the rest.
/// Where a feature's properties are read from (see [`Feature::property_source`]).
pub(crate) enum PropertySource<'a> {
    /// `text[start..start + len]` is the feature's unedited text.
    Text(&'a Arc<String>, u32, u32),
    /// The parsed object (the feature was edited, made by the program or asked for it).
    Object(&'a Map<String, Value>),
    None,
}

/// What a person calls the feature whose checked text is `text` (its `name` when a non-blank
/// string, else its `id`, else `#index`, as [`Feature::label`]), read without keeping it.
pub(crate) fn label_in_text(text: &str, index: usize) -> String {
    #[derive(serde::Deserialize)]
    struct Named {
        name: Option<Value>,
    }
    #[derive(serde::Deserialize)]
    struct Labelled {
        id: Option<Value>,
        properties: Option<Named>,
    }
    let parsed = super::json_text::from_str::<Labelled>(text).ok();
    let name = parsed
        .as_ref()
        .and_then(|p| p.properties.as_ref()?.name.as_ref());
    if let Some(Value::String(name)) = name
        && !name.trim().is_empty()
    {
        return name.clone();
    }
    match parsed.and_then(|p| p.id) {
        Some(Value::String(s)) => s,
        Some(Value::Null) | None => format!("#{index}"),
        Some(other) => other.to_string(),
    }
}

/// The `properties` of a feature object's text, parsed without the rest (`None` when it is
/// `null`, missing or the text is not an object).
pub(crate) fn properties_in_text(text: &str) -> Option<Map<String, Value>> {
    let mut de = serde_json::Deserializer::from_str(text);
    de.deserialize_map(PropertiesOnly).ok().flatten()
}

struct PropertiesOnly;

impl<'de> Visitor<'de> for PropertiesOnly {
    type Value = Option<Map<String, Value>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a feature object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut properties = None;
        while let Some(key) = map.next_key::<BorrowedKey<'de>>()? {
            if key.0 == "properties" {
                properties = map.next_value::<Option<Map<String, Value>>>()?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(properties)
    }
}

/// The keys of an object (none for `null` or anything else).
struct Keys<'de>(Vec<Cow<'de, str>>);

impl<'de> de::Deserialize<'de> for Keys<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Keys<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object or null")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut keys = Vec::with_capacity(8);
                while let Some(key) = map.next_key::<BorrowedKey<'de>>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push(key.0);
                }
                Ok(Keys(keys))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Keys(Vec::new()))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A key borrowed from the text when it has no escapes (`Cow`'s own `Deserialize` always
/// copies).
struct BorrowedKey<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for BorrowedKey<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BorrowedKey<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(BorrowedKey(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(BorrowedKey(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn feature(object: Value) -> Feature {
        let Value::Object(map) = object else {
            panic!("not an object")
        };
        Feature::from_parts(map, None, None)
    }

    fn read(text: &str) -> Feature {
        let text = Arc::new(format!("[{text}]"));
        let span = 1..text.len() - 1;
        Feature::read(&text, span, Some(Point::new(104.9, 11.5).into()))
    }

    #[test]
    fn a_copy_of_a_feature_shares_its_geometry() {
        let ring = vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)];
        let square = geo::Polygon::new(geo::LineString::from(ring), Vec::new());
        let a = Feature::new(square.into(), Map::new());
        let b = a.clone();
        let (ga, gb) = (
            a.geometry().expect("geometry"),
            b.geometry().expect("geometry"),
        );
        assert!(
            std::ptr::eq(ga, gb),
            "the copy holds the same geometry, not a second one"
        );
    }

    #[test]
    fn a_copy_of_an_unedited_feature_does_not_copy_its_parsed_object() {
        let a = read(
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[104.9,11.5]},"properties":{"name":"A"}}"#,
        );
        assert_eq!(a.label_unkept(0), "A");
        assert!(!a.holds_parsed_object(), "a label read without keeping");
        assert_eq!(a.name(), Some("A"));
        assert!(a.holds_parsed_object());
        let b = a.clone();
        assert!(!b.holds_parsed_object(), "the copy reads its text again");
        assert_eq!(b.name(), Some("A"));
        let mut c = a.clone();
        c.set_property("name", json!("C"));
        let d = c.clone();
        assert_eq!(
            d.name(),
            Some("C"),
            "an edited feature's copy keeps its edit"
        );
        assert_eq!(d.label_unkept(0), "C");
    }

    #[test]
    fn a_kept_version_rebased_on_a_saved_row_carries_only_its_own_differences() {
        let point = r#""geometry":{"type":"Point","coordinates":[104.9,11.5]}"#;
        // Read as (a, s); saved with a changed to "mine"; the table then also has s = "theirs".
        let first = read(&format!(
            r#"{{"type":"Feature","id":1,{point},"properties":{{"a":"old","s":"x"}}}}"#
        ));
        let mut sent = first.clone();
        sent.set_property("a", json!("mine"));
        let row = read(&format!(
            r#"{{"type":"Feature","id":1,{point},"properties":{{"a":"mine","s":"theirs"}}}}"#
        ));
        // The version before the edit: a goes back, s stays theirs.
        let undone = first.rebased(&sent, Some(&row));
        assert!(undone.is_edited());
        assert_eq!(undone.property("a"), Some(&json!("old")));
        assert_eq!(undone.property("s"), Some(&json!("theirs")));
        assert_eq!(undone.base_text(), row.original_text());
        // The version as saved is the row, unedited.
        let same = sent.rebased(&sent, Some(&row));
        assert!(!same.is_edited());
        assert_eq!(same.original_text(), row.original_text());
        // A deleted row: the version is a new feature.
        let gone = first.rebased(&sent, None);
        assert!(gone.is_edited() && gone.base_text().is_none());
        assert_eq!(gone.property("a"), Some(&json!("old")));
    }

    #[test]
    fn label_prefers_name_then_id_then_index() {
        assert_eq!(
            feature(json!({"id": 7, "properties": {"name": "Mango Park"}})).label(3),
            "Mango Park"
        );
        assert_eq!(
            feature(json!({"id": "site-7", "properties": {}})).label(3),
            "site-7"
        );
        assert_eq!(feature(json!({"id": 7, "properties": null})).label(3), "7");
        assert_eq!(feature(json!({"properties": null})).label(3), "#3");
    }

    #[test]
    fn setting_a_property_marks_the_feature_edited_and_keeps_key_order() {
        let mut f = feature(json!({"type": "Feature", "properties": {"b": 1, "a": 2}}));
        f.set_property("b", json!("x"));
        f.set_property("c", json!(true));
        let keys: Vec<_> = f.properties().into_iter().flat_map(|p| p.keys()).collect();
        assert_eq!(keys, ["b", "a", "c"]);
        assert!(f.is_edited());
    }

    #[test]
    fn a_read_feature_is_its_span_of_text_and_parses_its_object_on_demand() {
        let text = r#"{"type":"Feature","id":3,"geometry":{"type":"Point","coordinates":[104.9,11.5]},"properties":{"n\u0061me":"Mango","k":[1]}}"#;
        let f = read(text);
        assert_eq!(f.original_text(), Some(text));
        assert!(!f.is_edited());
        assert_eq!(f.property_keys(), ["name", "k"]);
        assert_eq!(
            f.with_properties(|p| p.and_then(|p| p.get("name")).cloned()),
            Some(json!("Mango"))
        );
        assert!(f.lazy.get().is_none(), "scanning keeps no object");
        assert_eq!(f.geometry_type(), Some("Point"));
        assert_eq!(f.point(), Some(Coord { x: 104.9, y: 11.5 }));
        assert_eq!(f.name(), Some("Mango"));
        assert_eq!(f.id_text().as_deref(), Some("3"));
        assert!(matches!(f.geometry(), Some(Geometry::Point(p)) if p.x() == 104.9));
        let mut edited = f.clone();
        edited.set_property("k", json!(2));
        assert!(edited.is_edited());
        assert_eq!(edited.original_text(), None);
        assert_eq!(edited.base_text(), Some(text));
        assert_eq!(edited.property("k"), Some(&json!(2)));
        assert_eq!(edited.property_keys(), ["name", "k"]);
        assert_eq!(f.original_text(), Some(text), "the clone was edited, not f");
        let mut moved = f.clone();
        moved.set_geometry(Some(Point::new(105.0, 12.0).into()));
        assert_eq!(moved.point(), Some(Coord { x: 105.0, y: 12.0 }));
        assert!(matches!(moved.geometry(), Some(Geometry::Point(p)) if p.x() == 105.0));
        assert_eq!(
            moved.object()["geometry"]["coordinates"],
            json!([105.0, 12.0])
        );
    }

    #[test]
    fn a_polygon_read_from_text_keeps_only_its_box() {
        let text = Arc::new(
            r#"[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[104.9,11.5],[104.9004,11.5],[104.9004,11.5003],[104.9,11.5]]]},"properties":{"name":"B"}}]"#
                .to_owned(),
        );
        let ring = vec![
            (104.9, 11.5),
            (104.9004, 11.5),
            (104.9004, 11.5003),
            (104.9, 11.5),
        ];
        let square: Geometry<f64> =
            geo::Polygon::new(geo::LineString::from(ring), Vec::new()).into();
        let f = Feature::read(&text, 1..text.len() - 1, Some(square.clone()));
        // A building of a 300,000-building layer: its 48 bytes, nothing else on the heap (its
        // coordinates are in the shared text, its box inline). Boxed with its geometry it took
        // about 220 bytes, with a boxed `Rect<f64>` 32.
        assert_eq!(f.held_bytes(), 0);
        assert!(
            !std::mem::needs_drop::<InText>(),
            "the box of a line or polygon kept as text is inline, not on the heap"
        );
        assert_eq!(f.geometry_type(), Some("Polygon"));
        let exact = square.bounding_rect().expect("a square has a box");
        let outer = f.bbox().expect("a polygon has a box");
        assert_eq!(f.exact_bbox(), Some(exact));
        assert!(outer.min().x <= exact.min().x && outer.min().y <= exact.min().y);
        assert!(outer.max().x >= exact.max().x && outer.max().y >= exact.max().y);
        assert!(
            outer.width() - exact.width() < 2e-5,
            "{outer:?} is one f32 step wider"
        );
        assert_eq!(f.with_geometry(|g| g.cloned()), Some(square.clone()));
        assert_eq!(f.held_bytes(), 0, "drawing or picking keeps nothing");
        let copy = f.clone();
        assert_eq!(copy.held_bytes(), 0);
        assert_eq!(f.geometry(), Some(&square));
        assert!(f.held_bytes() > 0, "asked for by itself, it is kept");
        // Edited but for its geometry, it still reads it from its text; let go of the text
        // (rebased on a deleted row), it keeps a geometry of its own.
        let mut named = copy.clone();
        named.set_property("name", serde_json::json!("C"));
        assert_eq!(named.with_geometry(|g| g.cloned()), Some(square.clone()));
        let gone = named.rebased(&copy, None);
        assert!(gone.base_text().is_none());
        assert_eq!(gone.geometry(), Some(&square));
    }

    #[test]
    fn a_feature_stays_small() {
        // 1M points: the text once, plus this much per feature.
        assert!(std::mem::size_of::<Feature>() <= 48);
    }
}

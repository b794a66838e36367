//! A layer: the features of one file or database table (or of the program's own Measurements
//! layer).

use std::collections::HashMap;
use std::path::PathBuf;

use geo::Rect;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

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

    /// Bounding box of every feature with a geometry, in lon/lat degrees.
    pub fn bbox(&self) -> Option<Rect<f64>> {
        self.features
            .iter()
            .filter_map(Feature::bbox)
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

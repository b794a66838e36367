//! Features as rows of typed columns, for the formats that store attributes in a table
//! (Shapefile, GeoPackage, FlatGeobuf): each property becomes a column whose type its values
//! share (integer, real, boolean, else text; lists and objects become JSON text), in order of
//! first appearance.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::model::Layer;

/// A column's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Integer,
    Real,
    Boolean,
    Text,
}

/// One feature: its geometry (WGS84), the Z of each of its positions when it has them (in
/// geo's order, see [`crate::io::convert::z_values`]) and its properties.
pub(super) struct Row {
    pub geometry: Option<geo::Geometry<f64>>,
    pub z: Option<Vec<f64>>,
    pub properties: Map<String, Value>,
}

/// Every feature of some layers, with the columns their properties make.
pub(super) struct Table {
    pub columns: Vec<(String, Kind)>,
    pub rows: Vec<Row>,
}

impl Table {
    pub(super) fn of(layers: &[&Layer]) -> Self {
        let rows: Vec<Row> = layers
            .iter()
            .flat_map(|l| l.features.iter())
            .map(|f| {
                let geometry = f.with_geometry(|g| g.cloned());
                let (z, properties) = f.with_object(|o| {
                    let z = o
                        .get("geometry")
                        .zip(geometry.as_ref())
                        .and_then(|(json, shape)| crate::io::convert::z_values(json, shape));
                    let properties = o
                        .get("properties")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default();
                    (z, properties)
                });
                Row {
                    geometry,
                    z,
                    properties,
                }
            })
            .collect();
        let mut columns: Vec<(String, Option<Kind>)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for row in &rows {
            for (key, value) in &row.properties {
                let this = match value {
                    Value::Null => None,
                    Value::Bool(_) => Some(Kind::Boolean),
                    Value::Number(n) if n.is_i64() => Some(Kind::Integer),
                    Value::Number(_) => Some(Kind::Real),
                    _ => Some(Kind::Text),
                };
                let at = *index.entry(key.clone()).or_insert_with(|| {
                    columns.push((key.clone(), None));
                    columns.len() - 1
                });
                let seen = &mut columns[at].1;
                *seen = match (*seen, this) {
                    (seen, None) => seen,
                    (None, this) => this,
                    (Some(a), Some(b)) if a == b => Some(a),
                    (Some(Kind::Integer | Kind::Real), Some(Kind::Integer | Kind::Real)) => {
                        Some(Kind::Real)
                    }
                    _ => Some(Kind::Text),
                };
            }
        }
        // A column whose values are all null is text.
        let columns = columns
            .into_iter()
            .map(|(key, kind)| (key, kind.unwrap_or(Kind::Text)))
            .collect();
        Table { columns, rows }
    }
}

impl Table {
    /// Whether any feature has a Z value per position: then the layer is written 3-D (the
    /// positions of features without them at Z 0, as GDAL writes them).
    pub(super) fn has_z(&self) -> bool {
        self.rows.iter().any(|r| r.z.is_some())
    }
}

/// A value as the text a text column holds (strings as they are, others as JSON).
pub(super) fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

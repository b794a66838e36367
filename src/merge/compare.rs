//! One feature against another version of it: which properties, which members and whether
//! the geometry changed.

use geo::{CoordsIter, Point};
use serde_json::{Map, Value};

use crate::measure;
use crate::model::Feature;

/// One named value before and after (`None`: absent, which is not the same as `null`).
#[derive(Debug, Clone, PartialEq)]
pub struct ValueChange {
    pub name: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// How a geometry changed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GeometryChange {
    Same,
    /// A point moved this far (geodesic metres on WGS84).
    Moved {
        metres: f64,
    },
    /// Any other change, with the vertex counts before and after.
    Changed {
        old_vertices: usize,
        new_vertices: usize,
    },
}

/// Members that are neither the geometry (with its `bbox`) nor properties.
pub(crate) fn is_plain_member(name: &str) -> bool {
    !matches!(name, "type" | "geometry" | "bbox" | "properties")
}

/// Whether two features are the same: the same text, else the same object (key order aside).
pub(crate) fn same(a: &Feature, b: &Feature) -> bool {
    if let (Some(a), Some(b)) = (a.original_text(), b.original_text())
        && a == b
    {
        return true;
    }
    a.with_object(|a| b.with_object(|b| a == b))
}

/// A feature's `properties` (`null` or missing as none).
pub(crate) fn properties(object: &Map<String, Value>) -> Option<&Map<String, Value>> {
    object.get("properties").and_then(Value::as_object)
}

/// The geometry as the merge sees it: the `geometry` member with the feature's `bbox`.
pub(crate) fn geometry_part(object: &Map<String, Value>) -> (Option<&Value>, Option<&Value>) {
    (object.get("geometry"), object.get("bbox"))
}

/// The properties that differ, in the new version's order, then the removed ones.
pub(crate) fn property_changes(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
) -> Vec<ValueChange> {
    value_changes(properties(old), properties(new), |_| true)
}

/// The top-level members other than geometry, bbox and properties that differ (`id` when
/// matched by a property, foreign members).
pub(crate) fn member_changes(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
) -> Vec<ValueChange> {
    value_changes(Some(old), Some(new), is_plain_member)
}

fn value_changes(
    old: Option<&Map<String, Value>>,
    new: Option<&Map<String, Value>>,
    keep: impl Fn(&str) -> bool,
) -> Vec<ValueChange> {
    let empty = Map::new();
    let (old, new) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut changes = Vec::new();
    for (name, value) in new {
        if keep(name) && old.get(name) != Some(value) {
            changes.push(ValueChange {
                name: name.clone(),
                old: old.get(name).cloned(),
                new: Some(value.clone()),
            });
        }
    }
    for (name, value) in old {
        if keep(name) && !new.contains_key(name) {
            changes.push(ValueChange {
                name: name.clone(),
                old: Some(value.clone()),
                new: None,
            });
        }
    }
    changes
}

/// How the geometry changed from `old` to `new` (objects and features of the same two).
pub(crate) fn geometry_change(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    old_feature: &Feature,
    new_feature: &Feature,
) -> GeometryChange {
    if geometry_part(old) == geometry_part(new) {
        return GeometryChange::Same;
    }
    if let (Some(a), Some(b)) = (old_feature.point(), new_feature.point()) {
        return GeometryChange::Moved {
            metres: measure::distance_m(Point(a), Point(b)),
        };
    }
    let vertices = |f: &Feature| f.with_geometry(|g| g.map_or(0, |g| g.coords_count()));
    GeometryChange::Changed {
        old_vertices: vertices(old_feature),
        new_vertices: vertices(new_feature),
    }
}

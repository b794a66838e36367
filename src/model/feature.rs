//! One GeoJSON feature: its JSON object, its exact original text and its geometry for measuring.

use geo::{BoundingRect, Geometry, Rect};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// A GeoJSON Feature.
///
/// `object` is the whole feature object as read, key order kept (`serde_json` with
/// `preserve_order`), including `id`, `properties`, `geometry` and any foreign member.
/// `original` is the exact text the feature was read from. While the feature is unedited the
/// writer emits it verbatim; once edited (`edited`) it stays as the base the writer compares
/// against, so every unchanged member and property keeps its exact text.
#[derive(Debug, Clone)]
pub struct Feature {
    object: Map<String, Value>,
    original: Option<Box<RawValue>>,
    edited: bool,
    geometry: Option<Geometry<f64>>,
    bbox: Option<Rect<f64>>,
}

impl Feature {
    /// A feature read from a file. `original` is its exact text; `geometry` was converted from
    /// `object["geometry"]` by the reader (2D positions; altitudes stay in `object`).
    pub fn from_parts(
        object: Map<String, Value>,
        original: Option<Box<RawValue>>,
        geometry: Option<Geometry<f64>>,
    ) -> Self {
        let bbox = geometry.as_ref().and_then(|g| g.bounding_rect());
        Self {
            object,
            original,
            edited: false,
            geometry,
            bbox,
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

    /// The whole JSON object of the feature, in its original key order.
    pub fn object(&self) -> &Map<String, Value> {
        &self.object
    }

    /// The exact text this feature was read from, if it has not been edited since.
    pub fn original_text(&self) -> Option<&str> {
        if self.edited {
            return None;
        }
        self.original.as_deref().map(RawValue::get)
    }

    /// The exact text this feature was read from, edited since or not (`None` for a feature
    /// the program made). The writer keeps every member still equal to its value here verbatim.
    pub fn base_text(&self) -> Option<&str> {
        self.original.as_deref().map(RawValue::get)
    }

    /// The feature's `id` member (a string or a number), if any.
    pub fn id(&self) -> Option<&Value> {
        self.object.get("id")
    }

    /// The `properties` object; `None` when it is `null` or missing.
    pub fn properties(&self) -> Option<&Map<String, Value>> {
        self.object.get("properties").and_then(Value::as_object)
    }

    /// One property by key.
    pub fn property(&self, key: &str) -> Option<&Value> {
        self.properties().and_then(|p| p.get(key))
    }

    /// The `name` property when it is a string.
    pub fn name(&self) -> Option<&str> {
        self.property("name").and_then(Value::as_str)
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

    /// The geometry in lon/lat degrees, `None` for `"geometry": null`.
    pub fn geometry(&self) -> Option<&Geometry<f64>> {
        self.geometry.as_ref()
    }

    /// Bounding box of the geometry in lon/lat degrees.
    pub fn bbox(&self) -> Option<Rect<f64>> {
        self.bbox
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
        self.edited = true;
        let slot = self.object.entry("properties").or_insert(Value::Null);
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
        self.edited = true;
        self.object.insert("properties".into(), properties);
    }

    /// Replace the geometry (`None` writes `"geometry": null`). A `bbox` member, if the feature
    /// has one, is recomputed from the new geometry. The feature counts as edited from now on.
    pub fn set_geometry(&mut self, geometry: Option<Geometry<f64>>) {
        self.edited = true;
        let json = geometry
            .as_ref()
            .and_then(|g| serde_json::to_value(geojson::Geometry::from(g)).ok())
            .unwrap_or(Value::Null);
        self.object.insert("geometry".into(), json);
        self.bbox = geometry.as_ref().and_then(|g| g.bounding_rect());
        if self.object.contains_key("bbox") {
            let bbox = match self.bbox {
                Some(b) => serde_json::json!([b.min().x, b.min().y, b.max().x, b.max().y]),
                None => Value::Null,
            };
            if bbox.is_null() {
                self.object.shift_remove("bbox");
            } else {
                self.object.insert("bbox".into(), bbox);
            }
        }
        self.geometry = geometry;
    }

    /// A feature converted from another format (KML, CSV) as it was read: its text is its JSON
    /// object written now, so it counts as unedited (and is written back as that text) until it
    /// is changed.
    pub fn as_read(mut self) -> Self {
        self.original = serde_json::value::to_raw_value(&self.object).ok();
        self
    }

    /// Whether the feature was changed (or created) since it was read.
    pub fn is_edited(&self) -> bool {
        self.edited || self.original.is_none()
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
}

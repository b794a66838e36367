//! Features converted from another format (KML, CSV, GPX, Shapefile, GeoPackage, FlatGeobuf,
//! TopoJSON), kept the way GeoJSON features are: each as a span of one shared GeoJSON text,
//! its object parsed only when asked for. A converted layer costs about what the same layer
//! read from GeoJSON costs, not a parsed object per feature.

use std::ops::Range;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::model::Feature;

/// Collects converted features; [`Converted::finish`] hands them out sharing one text.
#[derive(Default)]
pub struct Converted {
    text: String,
    items: Vec<(Range<usize>, Option<geo::Geometry<f64>>)>,
}

impl Converted {
    /// Add a feature: `geometry` is GeoJSON (altitudes kept, or `Value::Null`), `shape` the
    /// same as a 2-D `geo` geometry; `id` becomes the feature's `id` member.
    pub fn push(
        &mut self,
        id: Option<Value>,
        geometry: Value,
        properties: Map<String, Value>,
        shape: Option<geo::Geometry<f64>>,
    ) -> usize {
        let mut object = Map::new();
        object.insert("type".into(), Value::String("Feature".into()));
        if let Some(id) = id {
            object.insert("id".into(), id);
        }
        object.insert("geometry".into(), geometry);
        object.insert("properties".into(), Value::Object(properties));
        let start = self.text.len();
        // Writing a Value into a String cannot fail.
        let json = serde_json::to_string(&object).unwrap_or_default();
        self.text.push_str(&json);
        self.items.push((start..self.text.len(), shape));
        self.items.len() - 1
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The features in the order they were pushed.
    pub fn finish(self) -> Vec<Feature> {
        let text = Arc::new(self.text);
        self.items
            .into_iter()
            .map(|(span, shape)| Feature::read(&text, span, shape))
            .collect()
    }
}

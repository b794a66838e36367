//! Which feature of one version is which feature of another: by `id` (its JSON value, so `1`
//! and `"1"` differ) or by a property the user names; features without a key by identical
//! content.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::model::{Feature, Layer};

/// What matches a feature across versions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Key {
    /// The feature's `id` member.
    #[default]
    Id,
    /// A property (`null` counts as none).
    Property(String),
}

impl Key {
    /// The key's value in a feature object; `None` when it has none.
    pub fn of(&self, object: &Map<String, Value>) -> Option<Value> {
        let value = match self {
            Key::Id => object.get("id"),
            Key::Property(name) => object
                .get("properties")
                .and_then(Value::as_object)
                .and_then(|p| p.get(name)),
        };
        value.filter(|v| !v.is_null()).cloned()
    }

    /// The key's value in a feature (parsing it without keeping the object).
    pub fn of_feature(&self, feature: &Feature) -> Option<Value> {
        feature.with_object(|object| self.of(object))
    }

    /// What a person calls the key: `id` or `property "status"`.
    pub fn describe(&self) -> String {
        match self {
            Key::Id => "id".to_owned(),
            Key::Property(name) => format!("property {name:?}"),
        }
    }

    /// The index of the feature of `layer` with this key value (a linear scan).
    pub fn find(&self, layer: &Layer, value: &Value) -> Option<usize> {
        layer
            .features
            .iter()
            .position(|f| self.of_feature(f).as_ref() == Some(value))
    }
}

/// Why two versions cannot be matched.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MatchError {
    /// Two features of one version share a key value.
    #[error(
        "{layer}: {key} {value} is shared by {first} and {second}; match by another key (--key PROP)"
    )]
    DuplicateKey {
        layer: String,
        key: String,
        /// The value as JSON text (`1`, `"1"`).
        value: String,
        first: String,
        second: String,
    },
}

/// One version's features by key value and, for those without one, by content.
pub(crate) struct Version {
    /// Each feature's key value.
    pub keys: Vec<Option<Value>>,
    by_key: HashMap<String, usize>,
    by_content: HashMap<String, Vec<usize>>,
}

impl Version {
    pub fn new(layer: &Layer, key: &Key) -> Result<Self, MatchError> {
        let mut keys = Vec::with_capacity(layer.features.len());
        let mut by_key = HashMap::with_capacity(layer.features.len());
        let mut by_content: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, feature) in layer.features.iter().enumerate() {
            let (value, content) = feature.with_object(|object| match key.of(object) {
                Some(value) => (Some(value), None),
                None => (None, Some(Value::Object(object.clone()).to_string())),
            });
            match (&value, content) {
                (Some(value), _) => {
                    if let Some(first) = by_key.insert(value.to_string(), index) {
                        return Err(MatchError::DuplicateKey {
                            layer: layer.name.clone(),
                            key: key.describe(),
                            value: value.to_string(),
                            first: describe(layer, first),
                            second: describe(layer, index),
                        });
                    }
                }
                (None, Some(content)) => by_content.entry(content).or_default().push(index),
                (None, None) => {}
            }
            keys.push(value);
        }
        Ok(Self {
            keys,
            by_key,
            by_content,
        })
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }
}

/// `feature #3 ("Mango Park")`.
fn describe(layer: &Layer, index: usize) -> String {
    let label = layer
        .features
        .get(index)
        .map(|f| f.label(index))
        .unwrap_or_default();
    format!("feature #{index} ({label:?})")
}

/// Which feature of `new` each feature of `old` is (and the other way round): same key value,
/// or (both without a key) same content, duplicates paired in order.
pub(crate) struct Pairing {
    pub old_to_new: Vec<Option<usize>>,
    pub new_to_old: Vec<Option<usize>>,
}

impl Pairing {
    pub fn new(old: &Version, new: &Version) -> Self {
        let mut old_to_new = vec![None; old.len()];
        let mut new_to_old = vec![None; new.len()];
        for (text, &o) in &old.by_key {
            if let Some(&n) = new.by_key.get(text) {
                old_to_new[o] = Some(n);
                new_to_old[n] = Some(o);
            }
        }
        for (content, olds) in &old.by_content {
            if let Some(news) = new.by_content.get(content) {
                for (&o, &n) in olds.iter().zip(news) {
                    old_to_new[o] = Some(n);
                    new_to_old[n] = Some(o);
                }
            }
        }
        Self {
            old_to_new,
            new_to_old,
        }
    }
}

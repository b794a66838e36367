//! Which feature of one version is which feature of another: by `id` (its JSON value, so `1`
//! and `"1"` differ) or by a property the user names; features without a key by identical
//! content.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer as _, IgnoredAny, MapAccess, Visitor};
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
        if let Some(text) = feature.original_text()
            && let Ok(value) = self.of_text(text)
        {
            return value;
        }
        feature.with_object(|object| self.of(object))
    }

    /// The key's value read from a feature's text without building its object (only the
    /// key's value is made; everything else is skipped): what [`Key::of`] gives for the
    /// parsed object. An error for text that is not a JSON object.
    fn of_text(&self, text: &str) -> serde_json::Result<Option<Value>> {
        let mut de = serde_json::Deserializer::from_str(text);
        let value = de.deserialize_map(KeyIn { key: self })?;
        de.end()?;
        Ok(value.filter(|v| !v.is_null()))
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
    pub(super) fn new(layer: &Layer, key: &Key) -> Result<Self, MatchError> {
        let mut keys = Vec::with_capacity(layer.features.len());
        let mut by_key = HashMap::with_capacity(layer.features.len());
        let mut by_content: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, feature) in layer.features.iter().enumerate() {
            let value = key.of_feature(feature);
            let content = match value {
                Some(_) => None,
                None => Some(feature.with_object(|o| Value::Object(o.clone()).to_string())),
            };
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

    pub(super) fn len(&self) -> usize {
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
    pub(super) fn new(old: &Version, new: &Version) -> Self {
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

/// Reads one key's value out of a feature object's text: `id`, or one property.
struct KeyIn<'k> {
    key: &'k Key,
}

impl<'de> Visitor<'de> for KeyIn<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a feature object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Value>, A::Error> {
        let (member, property) = match self.key {
            Key::Id => ("id", None),
            Key::Property(name) => ("properties", Some(name.as_str())),
        };
        // A member given twice counts as its last value, as when the object is parsed.
        let mut found = None;
        while let Some(is_member) = map.next_key_seed(NameIs(member))? {
            if !is_member {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            found = match property {
                None => Some(map.next_value::<Value>()?),
                Some(name) => map.next_value_seed(PropertyIn(name))?,
            };
        }
        Ok(found)
    }
}

/// Whether a member's name is the one looked for (without copying it).
struct NameIs<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for NameIs<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for NameIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<bool, E> {
        Ok(name == self.0)
    }
}

/// One property's value from a `properties` member (`None`: not there, or `properties` is
/// not an object).
struct PropertyIn<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for PropertyIn<'_> {
    type Value = Option<Value>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        // Anything but an object holds no property; read it whole (rare) to skip it.
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PropertyIn<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a properties member")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Value>, A::Error> {
        let mut found = None;
        while let Some(is_it) = map.next_key_seed(NameIs(self.0))? {
            if is_it {
                found = Some(map.next_value::<Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Value>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<Value>, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<Value>, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Option<Value>, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Option<Value>, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<Value>, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Option<Value>, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_read_from_text_is_the_key_of_the_parsed_object() {
        let texts = [
            r#"{"type": "Feature", "id": 1, "properties": {"site": "a"}, "geometry": null}"#,
            r#"{"type": "Feature", "id": "1", "properties": {"site": ["a", {"b": 2}]}}"#,
            r#"{"type": "Feature", "id": null, "properties": {"site": null}}"#,
            r#"{"type": "Feature", "properties": null, "geometry": {"type": "Point", "coordinates": [1, 2]}}"#,
            r#"{"type": "Feature", "properties": [1, 2], "id": 2.5}"#,
            r#"{"type": "Feature", "properties": "text", "id": {"x": 1}}"#,
            r#"{"id": 1, "id": 2, "properties": {"site": 1}, "properties": {"other": 1}}"#,
            r#"{"properties": {"site": 1, "site": "2"}, "\u0069d": "escaped", "x": {"id": 9}}"#,
            r#"{"type": "Feature", "properties": {"nested": {"site": 3}}, "bbox": [1, 2, 3, 4]}"#,
        ];
        for text in texts {
            let object: Map<String, Value> = serde_json::from_str(text).expect("valid");
            for key in [Key::Id, Key::Property("site".into())] {
                assert_eq!(
                    key.of_text(text).expect("read"),
                    key.of(&object),
                    "{key:?} in {text}"
                );
            }
        }
        assert!(Key::Id.of_text("[1, 2]").is_err());
        assert!(Key::Id.of_text(r#"{"id": 1} x"#).is_err());
    }
}

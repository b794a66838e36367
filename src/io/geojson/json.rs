//! JSON building blocks for the reader: objects as ordered lists of borrowed raw members, and a
//! `serde_json::Value` builder that notices duplicate keys.
//!
//! `serde_json` keeps the last of two equal keys without a word; RFC 8259 leaves the meaning of
//! such an object undefined, so the reader must see every member. Everything here borrows from
//! the file's text, so a member's byte offset is `raw.get().as_ptr() - text.as_ptr()`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Number, Value};

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Seg {
    Key(Cow<'static, str>),
    Index(usize),
}

impl Seg {
    pub(super) fn key(key: &'static str) -> Self {
        Seg::Key(Cow::Borrowed(key))
    }
}

/// Appends a path to `out` in the usual notation: `.key` (or `["odd key"]`) and `[3]`.
pub(super) fn push_path(out: &mut String, segs: &[Seg]) {
    use std::fmt::Write as _;
    for seg in segs {
        match seg {
            Seg::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
            Seg::Key(k) => {
                let plain = !k.is_empty()
                    && !k.starts_with(|c: char| c.is_ascii_digit())
                    && k.chars().all(|c| c.is_alphanumeric() || c == '_');
                if plain {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                } else {
                    let quoted = serde_json::to_string(k.as_ref()).unwrap_or_default();
                    let _ = write!(out, "[{quoted}]");
                }
            }
        }
    }
}

/// An object key: borrowed from the text unless it had escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Every member of an object in text order, duplicates included, values left as raw text.
pub(super) type Members<'a> = Vec<(Cow<'a, str>, &'a RawValue)>;

/// The members of the object `raw`, or `None` when it is not an object.
pub(super) fn members(raw: &str) -> Option<Members<'_>> {
    crate::model::json_text::from_str::<MembersOf>(raw)
        .ok()
        .map(|m| m.0)
}

/// The elements of the array `raw`, or `None` when it is not an array.
pub(super) fn elements(raw: &str) -> Option<Vec<&RawValue>> {
    if !raw.starts_with('[') {
        return None;
    }
    crate::model::json_text::from_str(raw).ok()
}

struct MembersOf<'a>(Members<'a>);

impl<'de> de::Deserialize<'de> for MembersOf<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MembersOf<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(Key(key)) = map.next_key()? {
                    let value: &'de RawValue = map.next_value()?;
                    out.push((key, value));
                }
                Ok(MembersOf(out))
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// What the top level of a file turned out to be, read in one pass over the text: the members
/// of an object as raw text, except that a `features` array is split into its raw elements.
pub(super) enum TopLevel<'a> {
    Object(Vec<(Cow<'a, str>, TopMember<'a>)>),
    /// Not an object; the words for what it is ("an array", "a string", ...).
    Other(&'static str),
}

pub(super) enum TopMember<'a> {
    Raw(&'a RawValue),
    /// The value of a `features` member that is an array.
    Elements(Vec<&'a RawValue>),
    /// The value of a `features` member that is not an array, described.
    NotArray(&'static str),
}

impl<'de> de::Deserialize<'de> for TopLevel<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TopLevel<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a GeoJSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(Key(key)) = map.next_key()? {
                    let member = if key == "features" {
                        map.next_value_seed(FeaturesSeed)?
                    } else {
                        TopMember::Raw(map.next_value()?)
                    };
                    out.push((key, member));
                }
                Ok(TopLevel::Object(out))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(TopLevel::Other("an array"))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("a boolean"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("a number"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("a number"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("a number"))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("a string"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("null"))
            }
        }
        deserializer.deserialize_any(V)
    }
}

struct FeaturesSeed;

impl<'de> DeserializeSeed<'de> for FeaturesSeed {
    type Value = TopMember<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TopMember<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of features")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(raw) = seq.next_element::<&'de RawValue>()? {
                    out.push(raw);
                }
                Ok(TopMember::Elements(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(TopMember::NotArray("an object"))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(TopMember::NotArray("a boolean"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(TopMember::NotArray("a number"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(TopMember::NotArray("a number"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(TopMember::NotArray("a number"))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(TopMember::NotArray("a string"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TopMember::NotArray("null"))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A key that appeared more than once in one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Duplicate {
    /// Path of the object, relative to where parsing started.
    pub object: Vec<Seg>,
    pub key: String,
    /// Which occurrence this is (1 for the second, 2 for the third, ...).
    pub nth: usize,
}

/// Parse one JSON value into a `serde_json::Value` (last duplicate wins, as in `serde_json`),
/// recording every duplicate key in `dups`.
///
/// Arrays and objects are built at their exact size (elements are gathered on a scratch stack
/// first), which keeps a large layer noticeably smaller than `serde_json::from_str` would.
pub(super) fn parse_value(
    text: &str,
    dups: &mut Vec<Duplicate>,
) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    // The text's depth was checked against raidmap's limit before (`limits::json_too_deep`).
    de.disable_recursion_limit();
    let mut scratch = Scratch {
        dups,
        values: Vec::new(),
        entries: Vec::new(),
    };
    let value = ValueSeed {
        at: Here {
            parent: None,
            seg: SegRef::Root,
        },
        scratch: &mut scratch,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Where the builder is, as a chain of borrowed steps so nothing is allocated unless a
/// duplicate is found.
#[derive(Clone, Copy)]
struct Here<'p> {
    parent: Option<&'p Here<'p>>,
    seg: SegRef<'p>,
}

#[derive(Clone, Copy)]
enum SegRef<'p> {
    Root,
    Key(&'p str),
    Index(usize),
}

impl Here<'_> {
    fn path(&self) -> Vec<Seg> {
        let mut out = Vec::new();
        let mut here = Some(self);
        while let Some(h) = here {
            match h.seg {
                SegRef::Root => {}
                SegRef::Key(k) => out.push(Seg::Key(Cow::Owned(k.to_owned()))),
                SegRef::Index(i) => out.push(Seg::Index(i)),
            }
            here = h.parent;
        }
        out.reverse();
        out
    }
}

/// Stacks shared by every level of one parse: the elements and members of the arrays and
/// objects being built, moved into exactly sized containers when each one ends.
struct Scratch<'d> {
    dups: &'d mut Vec<Duplicate>,
    values: Vec<Value>,
    entries: Vec<(String, Value)>,
}

struct ValueSeed<'p, 'd> {
    at: Here<'p>,
    scratch: &'p mut Scratch<'d>,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // serde_json has already refused non-finite numbers, so `from_f64` always succeeds.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let start = self.scratch.values.len();
        loop {
            let seed = ValueSeed {
                at: Here {
                    parent: Some(&self.at),
                    seg: SegRef::Index(self.scratch.values.len() - start),
                },
                scratch: &mut *self.scratch,
            };
            match seq.next_element_seed(seed)? {
                Some(v) => self.scratch.values.push(v),
                None => break,
            }
        }
        Ok(Value::Array(self.scratch.values.drain(start..).collect()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        use serde_json::map::Entry;
        let start = self.scratch.entries.len();
        while let Some(key) = map.next_key::<String>()? {
            let seed = ValueSeed {
                at: Here {
                    parent: Some(&self.at),
                    seg: SegRef::Key(&key),
                },
                scratch: &mut *self.scratch,
            };
            let value = map.next_value_seed(seed)?;
            self.scratch.entries.push((key, value));
        }
        let mut out = Map::with_capacity(self.scratch.entries.len() - start);
        // Occurrence counts of repeated keys; only allocated when a key repeats.
        let mut repeats: HashMap<String, usize> = HashMap::new();
        for (key, value) in self.scratch.entries.drain(start..) {
            match out.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                Entry::Occupied(mut slot) => {
                    let key = slot.key().clone();
                    let n = repeats.entry(key.clone()).or_insert(0);
                    *n += 1;
                    let nth = *n;
                    self.scratch.dups.push(Duplicate {
                        object: self.at.path(),
                        key,
                        nth,
                    });
                    slot.insert(value);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

/// The words for a value's kind in messages: "an object", "a string", ...
pub(super) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_recorded_with_the_path_of_their_object() {
        let mut dups = Vec::new();
        let v = parse_value(
            r#"{"a":[{"b":1,"b":2,"b":3}],"c":{"d":0,"d":1}}"#,
            &mut dups,
        )
        .expect("valid JSON");
        assert_eq!(v["a"][0]["b"], 3, "the last value wins, as in serde_json");
        let found: Vec<_> = dups
            .iter()
            .map(|d| {
                let mut p = String::new();
                push_path(&mut p, &d.object);
                (p, d.key.as_str(), d.nth)
            })
            .collect();
        assert_eq!(
            found,
            [
                ("a[0]".to_owned(), "b", 1),
                ("a[0]".to_owned(), "b", 2),
                ("c".to_owned(), "d", 1)
            ]
        );
    }

    #[test]
    fn members_keep_duplicates_and_escaped_keys_in_text_order() {
        let m = members(r#"{"a\u0062": 1, "x": [2], "ab": 3}"#).expect("an object");
        let keys: Vec<_> = m.iter().map(|(k, v)| (k.as_ref(), v.get())).collect();
        assert_eq!(keys, [("ab", "1"), ("x", "[2]"), ("ab", "3")]);
        assert!(members("[1]").is_none());
    }

    #[test]
    fn odd_keys_are_quoted_in_paths() {
        let mut p = String::new();
        push_path(
            &mut p,
            &[
                Seg::key("features"),
                Seg::Index(2),
                Seg::Key("a b".into()),
                Seg::key("c"),
            ],
        );
        assert_eq!(p, r#"features[2]["a b"].c"#);
    }
}

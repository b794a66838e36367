//! Writing layers as GeoJSON, losing nothing that was read.
//!
//! Promises:
//! - An unedited feature is written as its exact original text (numbers, key order, spacing
//!   inside the feature, altitudes, foreign members, `id` with its type).
//! - An edited feature is written member by member in its current key order: every member
//!   (and every property) whose value is still the one in the feature's original text is
//!   written as that text (number spelling, spacing, altitudes and all); only changed or new
//!   ones are written from their value, with the separators the original text used (`", "`
//!   and `": "` in the sample layout). A new feature uses the separators of the layer's first
//!   read feature. `float_roundtrip` makes every written number read back to the same value.
//! - A FeatureCollection's other top-level members are written as their original text while
//!   their value is unchanged, else from their value.
//! - A layer comes out as the kind of object it was read from: a FeatureCollection with its
//!   top-level members in their original order and `features` at its place; a Feature; a bare
//!   Geometry (as long as it still is one feature and nothing but its geometry was given).
//!   Otherwise the layer is written as a FeatureCollection.
//! - A FeatureCollection's top-level `bbox` is recomputed from the features' coordinates
//!   once any feature is edited, added or deleted (with as many dimensions as it had, when
//!   every position has them); while the recomputed box equals the original one its original
//!   text is written. A feature's own `bbox` is recomputed when its geometry is set
//!   ([`Feature::set_geometry`]).
//! - [`write_merged`] writes one FeatureCollection of every feature of every layer, in order,
//!   with only `type` and `features` at the top: the inputs' own top-level members (a `name`,
//!   a `bbox`) describe one input each, so none is carried over.
//!
//! The layout is the one of the bundled sample data: one top-level member per line and one
//! feature per line, so a file in that layout comes back byte for byte.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::read::{GEOMETRY_FEATURE_PREFIX, GEOMETRY_FEATURE_SUFFIX};
use crate::model::{Feature, Layer, Root};

/// Write `layer` as GeoJSON to `out` (buffer it: this makes many small writes).
pub fn write_layer<W: Write>(layer: &Layer, out: &mut W) -> io::Result<()> {
    match (&layer.root, layer.features.as_slice()) {
        (Root::Feature, [feature]) => write_feature(feature, Style::COMPACT, out)?,
        (Root::Geometry, [feature]) => write_geometry(feature, out)?,
        (
            Root::FeatureCollection {
                members,
                member_texts,
            },
            features,
        ) => {
            let edited = layer.is_edited();
            write_collection(members, member_texts, edited, features.iter(), out)?;
        }
        (Root::Feature | Root::Geometry, features) => {
            write_collection(&Map::new(), &[], true, features.iter(), out)?;
        }
    }
    out.write_all(b"\n")
}

/// Write every feature of `layers`, in order, as one FeatureCollection.
pub fn write_merged<W: Write>(layers: &[&Layer], out: &mut W) -> io::Result<()> {
    let features = layers.iter().flat_map(|layer| layer.features.iter());
    write_collection(&Map::new(), &[], true, features, out)?;
    out.write_all(b"\n")
}

/// `layer` as GeoJSON text.
pub fn to_string(layer: &Layer) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail, and everything written is UTF-8 (original texts are
    // `str`, serde_json writes UTF-8).
    let _ = write_layer(layer, &mut buf);
    String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn write_collection<'f, W: Write>(
    members: &Map<String, Value>,
    member_texts: &[(String, Box<RawValue>)],
    edited: bool,
    features: impl Iterator<Item = &'f Feature>,
    out: &mut W,
) -> io::Result<()> {
    let texts: HashMap<&str, &RawValue> = member_texts
        .iter()
        .map(|(key, text)| (key.as_str(), &**text))
        .collect();
    let features: Vec<&Feature> = features.collect();
    let bbox = match members.get("bbox") {
        Some(old) if edited => {
            let dims = old.as_array().map_or(2, |b| b.len() / 2);
            Some(collection_bbox(&features, dims))
        }
        _ => None,
    };
    let mut features = Some(features);
    let mut first = true;
    let mut member = |out: &mut W, key: &str| -> io::Result<()> {
        out.write_all(if first { b"{" } else { b",\n " })?;
        first = false;
        serde_json::to_writer(&mut *out, key)?;
        out.write_all(b": ")
    };
    if !members.contains_key("type") {
        member(out, "type")?;
        out.write_all(br#""FeatureCollection""#)?;
    }
    for (key, value) in members {
        if key == "features" {
            member(out, key)?;
            write_features(features.take(), out)?;
        } else if let (Some(bbox), "bbox") = (&bbox, key.as_str()) {
            // Recomputed after edits; no box at all when no feature has a position.
            if let Some(bbox) = bbox {
                member(out, key)?;
                match texts.get(key.as_str()) {
                    Some(text) if same_value(text, bbox) => out.write_all(text.get().as_bytes())?,
                    _ => serde_json::to_writer(&mut *out, bbox)?,
                }
            }
        } else {
            member(out, key)?;
            match texts.get(key.as_str()) {
                Some(text) if same_value(text, value) => out.write_all(text.get().as_bytes())?,
                _ => serde_json::to_writer(&mut *out, value)?,
            }
        }
    }
    if features.is_some() {
        member(out, "features")?;
        write_features(features.take(), out)?;
    }
    out.write_all(b"\n}")
}

/// Whether `text` still says `value` (the member was not changed since it was read).
fn same_value(text: &RawValue, value: &Value) -> bool {
    crate::model::json_text::from_str::<Value>(text.get()).is_ok_and(|read| read == *value)
}

fn write_features<W: Write>(features: Option<Vec<&Feature>>, out: &mut W) -> io::Result<()> {
    let features = features.unwrap_or_default();
    // New features are written in the layout of the ones read.
    let style = features
        .iter()
        .find_map(|f| f.base_text())
        .map_or(Style::COMPACT, Style::of);
    out.write_all(b"[")?;
    let mut any = false;
    for feature in features {
        out.write_all(if any { b",\n  " } else { b"\n  " })?;
        any = true;
        write_feature(feature, style, out)?;
    }
    out.write_all(if any { b"\n ]" } else { b"]" })
}

/// An unedited feature as its original text; an edited one member by member over its original
/// text; a new one from its object in `style`.
fn write_feature<W: Write>(feature: &Feature, style: Style, out: &mut W) -> io::Result<()> {
    if let Some(text) = feature.original_text() {
        return out.write_all(text.as_bytes());
    }
    match feature.base_text() {
        Some(base) => write_over(feature.object(), base, true, out),
        None => write_value(&Value::Object(feature.object().clone()), style, out),
    }
}

/// Write `object`, keeping the exact text of every member whose value is unchanged from the
/// object in `base`; with `nested`, the `properties` object is written the same way.
fn write_over<W: Write>(
    object: &Map<String, Value>,
    base: &str,
    nested: bool,
    out: &mut W,
) -> io::Result<()> {
    let style = Style::of(base);
    let Ok(base) = crate::model::json_text::from_str::<HashMap<String, Box<RawValue>>>(base) else {
        return write_value(&Value::Object(object.clone()), style, out);
    };
    out.write_all(b"{")?;
    for (i, (key, value)) in object.iter().enumerate() {
        if i > 0 {
            out.write_all(style.member.as_bytes())?;
        }
        serde_json::to_writer(&mut *out, key)?;
        out.write_all(style.key_value.as_bytes())?;
        match (base.get(key.as_str()), value) {
            (Some(text), _) if same_value(text, value) => out.write_all(text.get().as_bytes())?,
            (Some(text), Value::Object(map))
                if nested && key == "properties" && text.get().starts_with('{') =>
            {
                write_over(map, text.get(), false, out)?;
            }
            _ => write_value(value, style, out)?,
        }
    }
    out.write_all(b"}")
}

/// The separators between members (`", "`) and between a key and its value (`": "`) that a
/// JSON object's text uses, so new values read like the ones around them.
#[derive(Debug, Clone, Copy)]
struct Style {
    member: &'static str,
    key_value: &'static str,
}

impl Style {
    const COMPACT: Style = Style {
        member: ",",
        key_value: ":",
    };

    /// The separators of `text`, a JSON object, judged by its first two members. Layouts with
    /// line breaks are written with single spaces (indentation cannot be followed anyway).
    fn of(text: &str) -> Style {
        let spaced = |sep: &str| sep.contains(' ') || sep.contains('\n') || sep.contains('\t');
        let Some((key_value, member)) = first_separators(text) else {
            return Style::COMPACT;
        };
        // An object of one member says nothing of its member separator: assume it is like
        // the key-value one.
        let member = member.map_or(spaced(key_value), spaced);
        Style {
            member: if member { ", " } else { "," },
            key_value: if spaced(key_value) { ": " } else { ":" },
        }
    }
}

/// The text between the first key and its value, and between the first value and the second
/// key (if any), of a JSON object's text.
fn first_separators(text: &str) -> Option<(&str, Option<&str>)> {
    let rest = text.trim_start().strip_prefix('{')?.trim_start();
    let mut keys = serde_json::Deserializer::from_str(rest).into_iter::<String>();
    keys.next()?.ok()?;
    let after_key = &rest[keys.byte_offset()..];
    let colon = after_key.find(':')?;
    let value_start =
        colon + 1 + (after_key[colon + 1..].len() - after_key[colon + 1..].trim_start().len());
    let key_value = &after_key[..value_start];
    let value_text = &after_key[value_start..];
    let mut values =
        serde_json::Deserializer::from_str(value_text).into_iter::<serde::de::IgnoredAny>();
    values.next()?.ok()?;
    let after_value = &value_text[values.byte_offset()..];
    let member = after_value
        .find('"')
        .map(|next_key| &after_value[..next_key]);
    Some((key_value, member))
}

/// `value` as JSON with the separators of `style`.
fn write_value<W: Write>(value: &Value, style: Style, out: &mut W) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Spaced(style));
    serde::Serialize::serialize(value, &mut ser).map_err(io::Error::from)
}

/// A serde_json formatter writing `style`'s separators.
struct Spaced(Style);

impl serde_json::ser::Formatter for Spaced {
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(self.0.member.as_bytes())
        }
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(self.0.member.as_bytes())
        }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(self.0.key_value.as_bytes())
    }
}

/// The bounding box of every feature's geometry coordinates, `[min…, max…]` with `dims`
/// dimensions (2 when some position has fewer); `None` when no feature has a position.
fn collection_bbox(features: &[&Feature], dims: usize) -> Option<Value> {
    let mut positions = Vec::new();
    for feature in features {
        // Without keeping the parsed objects of a big layer.
        feature.with_object(|o| {
            if let Some(geometry) = o.get("geometry") {
                collect_positions(geometry, &mut positions);
            }
        });
    }
    let dims = if dims >= 3 && positions.iter().all(|p| p.len() >= dims) {
        dims
    } else {
        2
    };
    let mut min = vec![f64::INFINITY; dims];
    let mut max = vec![f64::NEG_INFINITY; dims];
    let mut any = false;
    for p in positions.iter().filter(|p| p.len() >= dims) {
        any = true;
        for d in 0..dims {
            min[d] = min[d].min(p[d]);
            max[d] = max[d].max(p[d]);
        }
    }
    any.then(|| Value::from(min.into_iter().chain(max).collect::<Vec<f64>>()))
}

/// Every position (array of numbers) under a geometry's `coordinates` or `geometries`.
fn collect_positions(geometry: &Value, out: &mut Vec<Vec<f64>>) {
    fn walk(value: &Value, out: &mut Vec<Vec<f64>>) {
        let Value::Array(items) = value else { return };
        if items.first().is_some_and(Value::is_number) {
            out.push(items.iter().filter_map(Value::as_f64).collect());
        } else {
            for item in items {
                walk(item, out);
            }
        }
    }
    if let Some(coords) = geometry.get("coordinates") {
        walk(coords, out);
    }
    if let Some(Value::Array(parts)) = geometry.get("geometries") {
        for part in parts {
            collect_positions(part, out);
        }
    }
}

/// A feature read from a bare Geometry, written back as one when it still is only that.
fn write_geometry<W: Write>(feature: &Feature, out: &mut W) -> io::Result<()> {
    if let Some(geometry) = feature.original_text().and_then(|text| {
        text.strip_prefix(GEOMETRY_FEATURE_PREFIX)?
            .strip_suffix(GEOMETRY_FEATURE_SUFFIX)
    }) {
        return out.write_all(geometry.as_bytes());
    }
    let object = feature.object();
    let only_geometry = object.iter().all(|(key, value)| match key.as_str() {
        "type" | "geometry" => true,
        "properties" => value.is_null() || value.as_object().is_some_and(Map::is_empty),
        _ => false,
    });
    match object.get("geometry") {
        Some(geometry @ Value::Object(_)) if only_geometry => {
            Ok(serde_json::to_writer(out, geometry)?)
        }
        _ => write_feature(feature, Style::COMPACT, out),
    }
}

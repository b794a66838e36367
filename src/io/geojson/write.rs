//! Writing layers as GeoJSON, losing nothing that was read.
//!
//! Promises:
//! - An unedited feature is written as its exact original text (numbers, key order, spacing
//!   inside the feature, altitudes, foreign members, `id` with its type).
//! - An edited or new feature is written from its JSON object with `serde_json`
//!   (`preserve_order` keeps key order, `float_roundtrip` makes every number read back to the
//!   same value, though not necessarily in the same spelling: `1.10` comes out as `1.1`).
//! - A FeatureCollection's other top-level members are written as their original text while
//!   their value is unchanged, else from their value.
//! - A layer comes out as the kind of object it was read from: a FeatureCollection with its
//!   top-level members in their original order and `features` at its place; a Feature; a bare
//!   Geometry (as long as it still is one feature and nothing but its geometry was given).
//!   Otherwise the layer is written as a FeatureCollection.
//! - A FeatureCollection's top-level `bbox` is kept only while no feature is edited or added;
//!   after edits it is dropped (not recomputed: a recomputed 2-D box could be wrong for 3-D
//!   data, and a missing bbox is always valid).
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
        (Root::Feature, [feature]) => write_feature(feature, out)?,
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
        } else if !(edited && key == "bbox") {
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
    serde_json::from_str::<Value>(text.get()).is_ok_and(|read| read == *value)
}

fn write_features<'f, W: Write>(
    features: Option<impl Iterator<Item = &'f Feature>>,
    out: &mut W,
) -> io::Result<()> {
    out.write_all(b"[")?;
    let mut any = false;
    for feature in features.into_iter().flatten() {
        out.write_all(if any { b",\n  " } else { b"\n  " })?;
        any = true;
        write_feature(feature, out)?;
    }
    out.write_all(if any { b"\n ]" } else { b"]" })
}

fn write_feature<W: Write>(feature: &Feature, out: &mut W) -> io::Result<()> {
    match feature.original_text() {
        Some(text) => out.write_all(text.as_bytes()),
        None => Ok(serde_json::to_writer(out, feature.object())?),
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
        _ => write_feature(feature, out),
    }
}

//! Reading a GeoJSON text into a [`Layer`], checking it on the way.
//!
//! The text is parsed once at the top level, splitting a `features` array into the raw text of
//! each feature without building values for it; each feature is then parsed once into its
//! `serde_json` object (duplicate keys noticed) and checked, and its raw text is kept for a
//! verbatim export. Nothing here can panic on bad input: text nesting deeper than raidmap's
//! limit ([`limits::max_depth`], `RAIDMAP_MAX_DEPTH`) is refused before it is parsed, saying
//! where; `serde_json`'s own limit of 128 levels is off, so the limit is raidmap's alone.
//! Numbers out of range are reported like any syntax error.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::fast;
use super::json::{Seg, TopLevel, TopMember, parse_value};
use super::locate::{At, Text, offset_of_line_col};
use super::validate::{Checker, GEOMETRY_TYPES, Invalid, Known};
use crate::io::limits;
use crate::io::progress::{Progress, Stage};
use crate::model::{Feature, Layer, LayerKind, Problem, Root};

/// Features checked between two progress reports.
const PROGRESS_STEP: usize = 16_384;

/// A bare Geometry read as a feature keeps this text around the geometry's own text, so the
/// feature's original text is always a Feature object's text.
pub(super) const GEOMETRY_FEATURE_PREFIX: &str = r#"{"type":"Feature","geometry":"#;
/// See [`GEOMETRY_FEATURE_PREFIX`].
pub(super) const GEOMETRY_FEATURE_SUFFIX: &str = r#","properties":null}"#;

const JSON_WHITESPACE: [char; 4] = [' ', '\t', '\n', '\r'];

/// Read and check `text`. Returns the layer when there is no error, and every problem found
/// (warnings only, when there is a layer), sorted by place. The layer's features keep spans of
/// `text` as their original text.
/// Progress is reported to `progress` (features checked), and the reading stops early (with
/// no layer) when it is cancelled.
pub(super) fn read_text(
    text: &Arc<String>,
    name: &str,
    progress: &Progress,
) -> (Option<Layer>, Vec<Problem>) {
    let (body, bom) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, true),
        None => (text.as_str(), false),
    };
    let positions = Text::new(body);
    let mut checker = Checker::new(body);
    if bom {
        checker.warning_at_offset(
            0,
            "byte order mark (U+FEFF) at the start ignored; RFC 8259 §8.1 says JSON text must \
             not begin with one",
        );
    }
    let layer = read_body(text, body, name, &mut checker, progress);
    let problems = checker.finish(&positions);
    if problems.iter().any(Problem::is_error) {
        return (None, problems);
    }
    let layer = layer.map(|mut layer| {
        layer.warnings.clone_from(&problems);
        layer
    });
    (layer, problems)
}

fn read_body<'a>(
    text: &Arc<String>,
    body: &'a str,
    name: &str,
    c: &mut Checker<'a>,
    progress: &Progress,
) -> Option<Layer> {
    let root = body.trim_matches(JSON_WHITESPACE);
    c.set_base(root, Vec::new());
    if root.is_empty() {
        c.error_at_offset(0, "the file is empty: expected a GeoJSON object");
        return None;
    }
    if let Some(offset) = limits::json_too_deep(body.as_bytes()) {
        let message = limits::depth_message(limits::max_depth());
        c.error_at_offset(offset, format!("JSON {message}"));
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(body);
    // Deeper than serde_json's own 128 levels is fine: raidmap's limit was checked above.
    de.disable_recursion_limit();
    let top = match TopLevel::deserialize(&mut de).and_then(|top| de.end().map(|()| top)) {
        Ok(top) => top,
        Err(e) => {
            c.error_at_offset(
                offset_of_line_col(body, e.line(), e.column()),
                parse_message(&e),
            );
            return None;
        }
    };
    let members = match top {
        TopLevel::Object(members) => members,
        TopLevel::Other(what) => {
            c.error(
                At::Value,
                format!("GeoJSON must be an object at the top level, found {what}"),
            );
            return None;
        }
    };
    let kind = root_kind(&members, c)?;
    let mut layer = Layer::new(name, LayerKind::Data);
    match kind {
        Kind::FeatureCollection => {
            // Where `body` starts in `text` (after a byte order mark).
            let body_start = text.len() - body.len();
            feature_collection(members, &mut layer, c, (text, body_start), progress);
        }
        Kind::Feature => {
            let object = parse_object(root, Vec::new(), c)?;
            let geometry = c.feature(&object).ok()?;
            let original = RawValue::from_string(root.to_owned()).ok();
            layer.root = Root::Feature;
            layer
                .features
                .push(Feature::from_parts(object, original, geometry));
        }
        Kind::Geometry => {
            let object = parse_object(root, Vec::new(), c)?;
            let geometry = c.geometry(&object, false).ok()?;
            let original = RawValue::from_string(format!(
                "{GEOMETRY_FEATURE_PREFIX}{root}{GEOMETRY_FEATURE_SUFFIX}"
            ))
            .ok();
            let mut feature = Map::new();
            feature.insert("type".into(), Value::String("Feature".into()));
            feature.insert("geometry".into(), Value::Object(object));
            feature.insert("properties".into(), Value::Null);
            layer.root = Root::Geometry;
            layer
                .features
                .push(Feature::from_parts(feature, original, geometry));
        }
    }
    (c.error_count() == 0).then_some(layer)
}

enum Kind {
    FeatureCollection,
    Feature,
    Geometry,
}

/// What the top-level object is, from its `type` (or, when that is missing or wrong, a guess
/// from its members so the rest can still be checked).
fn root_kind<'a>(
    members: &[(std::borrow::Cow<'a, str>, TopMember<'a>)],
    c: &mut Checker<'a>,
) -> Option<Kind> {
    let has = |key: &str| members.iter().any(|(k, _)| k == key);
    let type_value = members
        .iter()
        .rev()
        .find(|(k, _)| k == "type")
        .map(|(_, m)| m);
    let guess = || {
        if has("features") {
            Some(Kind::FeatureCollection)
        } else if has("geometry") || has("properties") {
            Some(Kind::Feature)
        } else if has("coordinates") || has("geometries") {
            Some(Kind::Geometry)
        } else {
            None
        }
    };
    let type_member = At::Member {
        key: "type".into(),
        nth: members
            .iter()
            .filter(|(k, _)| k == "type")
            .count()
            .saturating_sub(1),
    };
    let type_text = match type_value {
        None => {
            c.error(
                At::Value,
                "the top-level object needs a \"type\": FeatureCollection, Feature or a \
                 geometry type",
            );
            return guess();
        }
        Some(TopMember::Raw(raw)) => serde_json::from_str::<String>(raw.get()).ok(),
        Some(_) => None,
    };
    match type_text.as_deref() {
        Some("FeatureCollection") => Some(Kind::FeatureCollection),
        Some("Feature") => Some(Kind::Feature),
        Some(t) if GEOMETRY_TYPES.contains(&t) => Some(Kind::Geometry),
        Some(other) => {
            c.error(
                type_member,
                format!(
                    "unknown GeoJSON type {other:?}: expected FeatureCollection, Feature or one \
                     of {}",
                    GEOMETRY_TYPES.join(", ")
                ),
            );
            None
        }
        None => {
            c.error(type_member, "\"type\" must be a string");
            guess()
        }
    }
}

/// `text` is the whole file and `body_start` where the checked text (the checker's file)
/// starts in it.
fn feature_collection<'a>(
    members: Vec<(std::borrow::Cow<'a, str>, TopMember<'a>)>,
    layer: &mut Layer,
    c: &mut Checker<'a>,
    (text, body_start): (&Arc<String>, usize),
    progress: &Progress,
) {
    let root_base = c.base();
    let CollectionMembers {
        object,
        member_texts,
        features,
    } = collection_members(&members, root_base, c);
    c.set_base(root_base, Vec::new());
    let known = Known::of(&object);
    c.forbidden(
        "FeatureCollection",
        &[
            ("coordinates", known.coordinates),
            ("geometries", known.geometries),
            ("geometry", known.geometry),
            ("properties", known.properties),
        ],
    );
    c.common_members(&known);
    if !object.contains_key("features") {
        c.error(At::Value, "a FeatureCollection needs a \"features\" array");
    }
    layer.root = Root::FeatureCollection {
        members: object,
        member_texts,
    };
    let features = features.unwrap_or_default();
    collection_features(&features, layer, c, (text, body_start), progress);
}

/// A FeatureCollection's members other than its features, and its features' texts.
struct CollectionMembers<'a> {
    /// Every member, parsed (`features` as null).
    object: Map<String, Value>,
    /// The exact text of each member but `features`.
    member_texts: Vec<(String, Box<RawValue>)>,
    features: Option<Vec<&'a RawValue>>,
}

/// The collection's members parsed and checked (duplicate keys, `features` not an array).
fn collection_members<'a>(
    members: &[(std::borrow::Cow<'a, str>, TopMember<'a>)],
    root_base: &'a str,
    c: &mut Checker<'a>,
) -> CollectionMembers<'a> {
    let mut object = Map::new();
    let mut member_texts = Vec::new();
    let mut features: Option<Vec<&'a RawValue>> = None;
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(members.len());
    for (key, member) in members {
        let count = seen.entry(key.as_ref()).or_insert(0);
        let nth = *count;
        *count += 1;
        if nth > 0 {
            c.set_base(root_base, Vec::new());
            c.error(
                At::Member {
                    key: key.to_string(),
                    nth,
                },
                format!(
                    "duplicate key {key:?} in one object (its meaning is undefined; the last \
                     value would win)"
                ),
            );
        }
        let value = match member {
            TopMember::Raw(raw) => {
                match parse_value_at(raw.get(), vec![Seg::Key(key.to_string().into())], c) {
                    Some(v) => {
                        member_texts.push((key.to_string(), (*raw).to_owned()));
                        v
                    }
                    None => continue,
                }
            }
            TopMember::Elements(elements) => {
                features = Some(elements.clone());
                Value::Null
            }
            TopMember::NotArray(what) => {
                c.set_base(root_base, vec![Seg::key("features")]);
                c.error(
                    At::Value,
                    format!("\"features\" must be an array, found {what}"),
                );
                Value::Null
            }
        };
        object.insert(key.to_string(), value);
    }
    CollectionMembers {
        object,
        member_texts,
        features,
    }
}

/// Each feature checked and, while no error has been found, added to the layer.
fn collection_features<'a>(
    features: &[&'a RawValue],
    layer: &mut Layer,
    c: &mut Checker<'a>,
    (text, body_start): (&Arc<String>, usize),
    progress: &Progress,
) {
    layer.features.reserve_exact(features.len());
    progress.start(Stage::Checking, features.len() as u64);
    // The one-pass check of plain features runs on two threads, a block of features at a
    // time; everything else (the precise checker, building the layer) stays in order here.
    let mut plain = Vec::new().into_iter();
    for (i, raw) in features.iter().copied().enumerate() {
        if i % PROGRESS_STEP == 0 {
            progress.advance(i as u64);
            if progress.cancelled() {
                return;
            }
            plain = plain_features(features.get(i..).unwrap_or_default()).into_iter();
        }
        let path = vec![Seg::key("features"), Seg::Index(i)];
        let geometry = match plain.next().flatten() {
            Some(plain) => Some(plain_geometry(plain, path, c)),
            None => checked_feature(raw, path, c),
        };
        // After the first error no layer is returned, so stop building one.
        if let (Some(Ok(geometry)), 0) = (geometry, c.error_count()) {
            let start = body_start + c.offset_in_file(raw.get());
            let span = start..start + raw.get().len();
            layer.features.push(Feature::read(text, span, geometry));
        }
    }
}

/// The geometry of a feature the one-pass check found plain (a geometry other than a point
/// still goes through the precise checker).
fn plain_geometry<'a>(
    plain: fast::Geometry<'a>,
    mut path: Vec<Seg>,
    c: &mut Checker<'a>,
) -> Result<Option<geo::Geometry<f64>>, Invalid> {
    match plain {
        fast::Geometry::Null => Ok(None),
        fast::Geometry::Point(c) => Ok(Some(geo::Point(c).into())),
        fast::Geometry::Other(g) => {
            path.push(Seg::key("geometry"));
            match parse_value_at(g, path, c) {
                Some(Value::Object(object)) => c.geometry(&object, false),
                _ => Err(Invalid),
            }
        }
    }
}

/// A feature checked by the precise checker; `None` when it is not even an object.
fn checked_feature<'a>(
    raw: &'a RawValue,
    path: Vec<Seg>,
    c: &mut Checker<'a>,
) -> Option<Result<Option<geo::Geometry<f64>>, Invalid>> {
    let value = parse_value_at(raw.get(), path, c)?;
    let Value::Object(object) = value else {
        c.error(
            At::Value,
            format!(
                "\"features\" must hold Feature objects, found {}",
                super::json::describe(&value)
            ),
        );
        return None;
    };
    Some(c.feature(&object))
}

/// [`fast::feature`] of the first [`PROGRESS_STEP`] of `raws`, on two threads.
fn plain_features<'a>(raws: &[&'a RawValue]) -> Vec<Option<fast::Geometry<'a>>> {
    let block = raws.get(..PROGRESS_STEP).unwrap_or(raws);
    let check = |part: &[&'a RawValue]| -> Vec<Option<fast::Geometry<'a>>> {
        part.iter().map(|raw| fast::feature(raw.get())).collect()
    };
    if block.len() < 4096 {
        return check(block);
    }
    let (first, second) = block.split_at(block.len() / 2);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| check(second));
        let mut out = check(first);
        // The check cannot panic; if the thread could not run, check here instead.
        out.extend(other.join().unwrap_or_else(|_| check(second)));
        out
    })
}

/// Parse `raw` (the value at `path`) into a value, reporting duplicate keys and parse errors.
fn parse_value_at<'a>(raw: &'a str, path: Vec<Seg>, c: &mut Checker<'a>) -> Option<Value> {
    c.set_base(raw, path);
    let mut dups = Vec::new();
    match parse_value(raw, &mut dups) {
        Ok(value) => {
            c.duplicates(dups);
            Some(value)
        }
        Err(e) => {
            let offset = c.offset_in_file(raw) + offset_of_line_col(raw, e.line(), e.column());
            c.error_at_offset(offset, parse_message(&e));
            None
        }
    }
}

fn parse_object<'a>(
    raw: &'a str,
    path: Vec<Seg>,
    c: &mut Checker<'a>,
) -> Option<Map<String, Value>> {
    match parse_value_at(raw, path, c)? {
        Value::Object(object) => Some(object),
        _ => None,
    }
}

/// serde_json's message without its " at line L column C" (the place is given separately),
/// in words a person can act on.
fn parse_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    match message {
        "number out of range" => "number out of range (too large for a 64-bit float)".to_owned(),
        m if e.is_eof() => format!("the file ends too early (truncated?): {m}"),
        m => format!("JSON syntax error: {m}"),
    }
}

//! The common case of a feature, recognised in one pass over its text without building values.
//!
//! Most features of a big file are plain: `type` "Feature", a string or number `id`, a point
//! (or any geometry) and `properties`, no duplicate keys anywhere, nothing to warn about. This
//! pass says whether a feature is that, and hands back its geometry: a point already converted,
//! or the raw text of another geometry for the precise checker. Anything else, however
//! harmless, makes it answer `None`, and the reader then checks the whole feature with the
//! precise [`Checker`](super::validate::Checker), which finds and places every problem. So
//! this pass never reports anything itself and never accepts what the checker would refuse.

use std::borrow::Cow;
use std::fmt;

use geo::Coord;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::validate::few_decimals;

/// The geometry of a plain feature.
pub(super) enum Geometry<'a> {
    /// `"geometry": null`.
    Null,
    /// A Point without anything to warn about (2 or 3 numbers, in range, at most 7 decimals).
    Point(Coord<f64>),
    /// Any other geometry object, as its text: still to be checked precisely.
    Other(&'a str),
}

/// The geometry of `raw` when it is a plain feature (see the module doc), else `None`.
pub(super) fn feature(raw: &str) -> Option<Geometry<'_>> {
    let mut de = serde_json::Deserializer::from_str(raw);
    let geometry = de.deserialize_map(FeatureVisitor).ok()?.get();
    match geometry.as_bytes().first()? {
        b'n' => Some(Geometry::Null),
        b'{' => Some(match point(geometry) {
            Some(c) => Geometry::Point(c),
            None => Geometry::Other(geometry),
        }),
        _ => None,
    }
}

/// The position of a plain Point geometry object.
fn point(raw: &str) -> Option<Coord<f64>> {
    let mut de = serde_json::Deserializer::from_str(raw);
    let position = de.deserialize_map(PointVisitor).ok()?;
    let [x, y] = [position[0]?, position[1]?];
    ((-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y)).then_some(Coord { x, y })
}

fn not_plain<E: de::Error>() -> E {
    E::custom("not a plain feature")
}

/// A key borrowed from the text when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// Keys seen in one object; a repeated key makes the object not plain.
struct Seen<'de>(Vec<Cow<'de, str>>);

impl Default for Seen<'_> {
    fn default() -> Self {
        // Room for a typical feature's or properties' keys without growing.
        Self(Vec::with_capacity(8))
    }
}

impl<'de> Seen<'de> {
    fn add<E: de::Error>(&mut self, key: Cow<'de, str>) -> Result<(), E> {
        if self.0.contains(&key) {
            return Err(not_plain());
        }
        self.0.push(key);
        Ok(())
    }
}

struct FeatureVisitor;

impl<'de> Visitor<'de> for FeatureVisitor {
    type Value = &'de RawValue;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a feature")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut seen = Seen::default();
        let (mut kind, mut properties) = (false, false);
        let mut geometry = None;
        while let Some(Key(key)) = map.next_key()? {
            match key.as_ref() {
                "type" => kind = map.next_value::<Key<'de>>()?.0 == "Feature",
                "id" => map.next_value_seed(Id)?,
                "geometry" => geometry = Some(map.next_value::<&'de RawValue>()?),
                "properties" => {
                    map.next_value_seed(Properties)?;
                    properties = true;
                }
                // Checked (or refused) by the precise checker.
                "bbox" | "crs" | "coordinates" | "geometries" | "features" => {
                    return Err(not_plain());
                }
                _ => map.next_value_seed(NoDuplicates)?,
            }
            seen.add(key)?;
        }
        match geometry {
            Some(geometry) if kind && properties => Ok(geometry),
            _ => Err(not_plain()),
        }
    }
}

/// A string or a number.
struct Id;

impl<'de> DeserializeSeed<'de> for Id {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Id {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or a number")
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
}

/// An object without duplicate keys at any depth, or null.
struct Properties;

impl<'de> DeserializeSeed<'de> for Properties {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Properties {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object or null")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        NoDuplicates.visit_map(map)
    }
}

/// Any value without duplicate keys at any depth.
struct NoDuplicates;

impl<'de> DeserializeSeed<'de> for NoDuplicates {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NoDuplicates {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(NoDuplicates)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = Seen::default();
        while let Some(Key(key)) = map.next_key()? {
            map.next_value_seed(NoDuplicates)?;
            seen.add(key)?;
        }
        Ok(())
    }
}

/// A Point geometry object with only `type` and `coordinates`; gives its first two numbers.
struct PointVisitor;

impl<'de> Visitor<'de> for PointVisitor {
    type Value = [Option<f64>; 2];
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a point")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut seen = Seen::default();
        let mut kind = false;
        let mut position = None;
        while let Some(Key(key)) = map.next_key()? {
            match key.as_ref() {
                "type" => kind = map.next_value::<Key<'de>>()?.0 == "Point",
                "coordinates" => position = Some(map.next_value_seed(Position)?),
                _ => return Err(not_plain()),
            }
            seen.add(key)?;
        }
        match position {
            Some(position) if kind => Ok(position),
            _ => Err(not_plain()),
        }
    }
}

/// 2 or 3 numbers with at most 7 decimals each.
struct Position;

impl<'de> DeserializeSeed<'de> for Position {
    type Value = [Option<f64>; 2];
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Position {
    type Value = [Option<f64>; 2];
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a position")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = [None, None];
        let mut n = 0;
        while let Some(x) = seq.next_element_seed(Coordinate)? {
            if n >= 3 {
                return Err(not_plain());
            }
            if let Some(slot) = out.get_mut(n) {
                *slot = Some(x);
            }
            n += 1;
        }
        if n < 2 {
            return Err(not_plain());
        }
        Ok(out)
    }
}

/// One number: an integer, or a float with at most 7 decimals.
struct Coordinate;

impl<'de> DeserializeSeed<'de> for Coordinate {
    type Value = f64;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<f64, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Coordinate {
    type Value = f64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number")
    }
    #[allow(clippy::cast_precision_loss)] // as serde_json's `as_f64` does
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        if few_decimals(v) {
            Ok(v)
        } else {
            Err(not_plain())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point_of(raw: &str) -> Option<(f64, f64)> {
        match feature(raw)? {
            Geometry::Point(c) => Some((c.x, c.y)),
            _ => None,
        }
    }

    #[test]
    fn plain_points_are_read_in_one_pass() {
        let f = r#"{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[104.9,11.5,3]},"properties":{"a":{"b":[1,{"c":null}]},"x":1},"foo":{"d":1}}"#;
        assert_eq!(point_of(f), Some((104.9, 11.5)));
        let null = r#"{"properties":null,"geometry":null,"type":"Feature"}"#;
        assert!(matches!(feature(null), Some(Geometry::Null)));
        let line = r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]},"properties":{}}"#;
        assert!(
            matches!(feature(line), Some(Geometry::Other(g)) if g.starts_with("{\"type\":\"LineString"))
        );
    }

    #[test]
    fn anything_unusual_goes_to_the_precise_checker() {
        for odd in [
            // duplicate keys, at the top and deep in the properties
            r#"{"type":"Feature","type":"Feature","geometry":null,"properties":{}}"#,
            r#"{"type":"Feature","geometry":null,"properties":{"a":[{"b":1,"b":2}]}}"#,
            // missing or wrong members
            r#"{"type":"Feature","geometry":null}"#,
            r#"{"type":"Featur","geometry":null,"properties":{}}"#,
            r#"{"type":"Feature","geometry":null,"properties":[]}"#,
            r#"{"type":"Feature","id":true,"geometry":null,"properties":{}}"#,
            r#"{"type":"Feature","geometry":[1,2],"properties":{}}"#,
            r#"{"type":"Feature","bbox":[1,2,3,4],"geometry":null,"properties":{}}"#,
            "[1]",
        ] {
            assert!(feature(odd).is_none(), "{odd}");
        }
        for warned in [
            r#"{"type":"Point","coordinates":[104.123456789,11.5]}"#,
            r#"{"type":"Point","coordinates":[11.5,104.9]}"#,
            r#"{"type":"Point","coordinates":[1,2,3,4]}"#,
            r#"{"type":"Point","coordinates":[1]}"#,
            r#"{"type":"Point","coordinates":[]}"#,
            r#"{"type":"Point","coordinates":[1,2],"crs":null}"#,
            r#"{"type":"Point","type":"Point","coordinates":[1,2]}"#,
        ] {
            let f = format!(r#"{{"type":"Feature","geometry":{warned},"properties":{{}}}}"#);
            assert!(
                matches!(feature(&f), Some(Geometry::Other(_))),
                "{warned} goes to the checker"
            );
        }
    }
}

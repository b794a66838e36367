//! GeoJSON files with the obsolete `"crs"` member (GeoJSON 2008), as QGIS and GDAL still write
//! when a layer is saved in its own CRS (for Cambodian data often UTM zone 48N, EPSG:32648).
//! GDAL reads such a file in the CRS the member names; raidmap does the same by reprojecting
//! the features to WGS84 once read, so a file in metres is never drawn as if it were degrees.
//! A member naming a CRS raidmap cannot read is an error when the positions are not degrees
//! (never a silent misplacement), and only a warning when they are.

use serde_json::{Map, Value};

use super::validate::is_about_unprojected_positions;
use crate::io::convert::Converted;
use crate::io::crs::{self, Crs};
use crate::model::{Layer, Problem, Root};

/// What a `"crs"` member names.
#[derive(Debug, PartialEq)]
enum Named {
    /// WGS84 longitude/latitude (OGC CRS84, EPSG:4326, EPSG:4979): nothing to do.
    Wgs84,
    /// An EPSG code.
    Epsg(i64),
    /// Something raidmap cannot turn into a CRS, as written.
    Unknown(String),
}

/// The CRS a `"crs"` member's value names: `{"type":"name","properties":{"name":N}}` with N an
/// OGC URN (`urn:ogc:def:crs:EPSG::32648`), an OGC URL
/// (`http://www.opengis.net/def/crs/EPSG/0/32648`) or `EPSG:32648`; or the 2008 draft's
/// `{"type":"EPSG","properties":{"code":32648}}`.
fn named(member: &Value) -> Named {
    let kind = member.get("type").and_then(Value::as_str).unwrap_or("");
    let properties = member.get("properties");
    if kind.eq_ignore_ascii_case("epsg")
        && let Some(code) = properties.and_then(|p| p.get("code")).and_then(as_code)
    {
        return epsg(code);
    }
    let Some(name) = properties
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
    else {
        return Named::Unknown(member.to_string());
    };
    let upper = name.trim().to_ascii_uppercase();
    if upper.ends_with("CRS84") || upper.ends_with("CRS:84") {
        return Named::Wgs84;
    }
    let code = if upper.contains("EPSG") {
        upper
            .rsplit([':', '/'])
            .next()
            .and_then(|last| last.trim().parse::<i64>().ok())
    } else {
        None
    };
    match code {
        Some(code) => epsg(code),
        None => Named::Unknown(name.to_owned()),
    }
}

fn as_code(value: &Value) -> Option<i64> {
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
}

fn epsg(code: i64) -> Named {
    match code {
        4326 | 4979 => Named::Wgs84,
        code => Named::Epsg(code),
    }
}

/// Reproject `layer`, read from a GeoJSON text, from the CRS its `"crs"` member names, and drop
/// the member (the features are then RFC 7946 WGS84, and an export writes them so). Returns an
/// error message (about the `crs` member) when the CRS cannot be read and the positions are not
/// longitudes/latitudes. The reading's warnings about positions out of range or too precise
/// are left out once the positions are reprojected: they were about the positions in metres.
pub(super) fn reproject(layer: &mut Layer) -> Result<(), String> {
    let Root::FeatureCollection {
        members,
        member_texts,
    } = &mut layer.root
    else {
        return Ok(());
    };
    let Some(member) = members.get("crs") else {
        return Ok(());
    };
    let crs = match named(member) {
        Named::Wgs84 => return Ok(()),
        Named::Epsg(code) => Crs::from_epsg(code),
        Named::Unknown(name) => Err(format!(
            "its \"crs\" member names {name}, a coordinate reference system raidmap cannot read"
        )),
    };
    let crs = match crs {
        Ok(crs) => crs,
        Err(_)
            if layer
                .features
                .iter()
                .all(|f| f.with_geometry(|g| crs::looks_like_degrees(g.into_iter()))) =>
        {
            return Ok(());
        }
        Err(e) => {
            return Err(format!(
                "{e}, and its positions are not longitudes/latitudes, so it cannot be placed \
                 on the map (reproject it to EPSG:4326, e.g. with ogr2ogr -t_srs EPSG:4326)"
            ));
        }
    };
    members.remove("crs");
    member_texts.retain(|(key, _)| key != "crs");
    let mut converted = Converted::default();
    for (i, feature) in layer.features.iter().enumerate() {
        let mut object: Map<String, Value> = feature.with_object(Clone::clone);
        let mut shape = feature.with_geometry(|g| g.cloned());
        if let Some(shape) = &mut shape {
            crs.to_wgs84(shape)
                .map_err(|e| format!("feature {}: {e}", i + 1))?;
        }
        if let Some(geometry) = object.get_mut("geometry") {
            positions_to_wgs84(geometry, &crs).map_err(|e| format!("feature {}: {e}", i + 1))?;
        }
        converted.push_object(object, shape);
    }
    layer.features = converted.finish(&mut layer.warnings);
    layer
        .warnings
        .retain(|w| !is_about_unprojected_positions(&w.message));
    let mut warnings = vec![format!(
        "positions reprojected from {} (its obsolete \"crs\" member) to WGS84 longitude/latitude; \
         an export or save writes them in WGS84 without the member, as RFC 7946 asks",
        crs.name()
    )];
    warnings.extend(crs.shift_warning());
    for message in warnings {
        layer.warnings.push(Problem::warning(message));
    }
    Ok(())
}

/// Reproject every position of a GeoJSON geometry in place (altitudes and further values kept).
fn positions_to_wgs84(geometry: &mut Value, crs: &Crs) -> Result<(), String> {
    let Some(object) = geometry.as_object_mut() else {
        return Ok(());
    };
    if let Some(Value::Array(members)) = object.get_mut("geometries") {
        for member in members {
            positions_to_wgs84(member, crs)?;
        }
    }
    match object.get_mut("coordinates") {
        Some(coordinates) => positions(coordinates, crs),
        None => Ok(()),
    }
}

fn positions(value: &mut Value, crs: &Crs) -> Result<(), String> {
    let Value::Array(items) = value else {
        return Ok(());
    };
    if let [Value::Number(x), Value::Number(y), ..] = items.as_slice() {
        let (Some(x), Some(y)) = (x.as_f64(), y.as_f64()) else {
            return Ok(());
        };
        let (lon, lat) = crs.position_to_wgs84(x, y)?;
        items[0] = Value::from(round(lon));
        items[1] = Value::from(round(lat));
        return Ok(());
    }
    items.iter_mut().try_for_each(|item| positions(item, crs))
}

/// Nine decimal places of a degree (about 0.1 mm): beyond the reprojection's own accuracy.
fn round(degrees: f64) -> f64 {
    (degrees * 1e9).round() / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_of_crs_members_are_read() {
        let name = |n: &str| named(&json!({"type": "name", "properties": {"name": n}}));
        assert_eq!(name("urn:ogc:def:crs:OGC:1.3:CRS84"), Named::Wgs84);
        assert_eq!(name("urn:ogc:def:crs:EPSG::4326"), Named::Wgs84);
        assert_eq!(name("urn:ogc:def:crs:EPSG::32648"), Named::Epsg(32648));
        assert_eq!(name("urn:ogc:def:crs:EPSG:6.6:32648"), Named::Epsg(32648));
        assert_eq!(name("EPSG:3857"), Named::Epsg(3857));
        assert_eq!(
            name("http://www.opengis.net/def/crs/EPSG/0/32648"),
            Named::Epsg(32648)
        );
        assert_eq!(
            named(&json!({"type": "EPSG", "properties": {"code": 32648}})),
            Named::Epsg(32648)
        );
        assert_eq!(
            name("my local grid"),
            Named::Unknown("my local grid".into())
        );
        assert!(matches!(
            named(&json!({"type": "link", "properties": {"href": "x.prj"}})),
            Named::Unknown(_)
        ));
    }
}

//! FlatGeobuf (`.fgb`) in and out, with the `flatgeobuf` crate (built without its HTTP
//! client).
//!
//! Reading: the crate checks the header and each feature's FlatBuffers table; raidmap first
//! walks the file's layout (header, index, each feature's size) so that no size it claims
//! reaches past the end, then turns each feature's geometry (its coordinate array, ring ends
//! and parts, each index checked) and properties (each value's length checked) into a
//! feature itself: the crate's own geometry and property readers index without checking and
//! would panic on a hostile file. Z values are kept as each position's third number (as GDAL
//! writes them in GeoJSON), M values left out with a warning. Positions are reprojected from the header's CRS to WGS84;
//! a file with no CRS is read as WGS84 only when every position can be a longitude/latitude.
//! Each feature is converted as it is read.
//!
//! Writing: one file for all layers, EPSG:4326 (with Z when the layers have altitudes), with
//! the spatial index the format's readers
//! use; a column per property (Long, Double, Bool or String; lists and objects as JSON text).

use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};

use flatgeobuf::{
    ColumnType, FallibleStreamingIterator as _, FgbCrs, FgbReader, FgbWriter, FgbWriterOptions,
    GeometryType,
};
use geo::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Polygon};
use geozero::ColumnValue;
use serde_json::{Map, Value};

use super::table::{Kind, Table};
use super::with_z::WithZ;
use crate::io::convert::{Beyond2d, Converted, M_LEFT_OUT, geojson_with_z};
use crate::io::crs::{self, Crs};
use crate::io::{ReadError, format_error, limits};
use crate::model::{Layer, LayerKind};

const FORMAT: &str = "FlatGeobuf";

/// Read a FlatGeobuf file's bytes as one layer.
pub fn read_fgb(bytes: &[u8], name: &str) -> Result<Layer, ReadError> {
    read_fgb_from(Cursor::new(bytes), name)
}

/// Read a FlatGeobuf file as one layer, a feature at a time from `source` (a file is never
/// held whole: memory holds the layer being made and one feature).
pub fn read_fgb_from(source: impl Read + Seek, name: &str) -> Result<Layer, ReadError> {
    let fail = |message: String| format_error(name, FORMAT, None, message);
    let mut source = BufReader::new(source);
    let io = |e: std::io::Error| fail(format!("it cannot be read: {e}"));
    check_layout(&mut source).map_err(&fail)?;
    source.rewind().map_err(io)?;
    let reader =
        FgbReader::open(source).map_err(|e| fail(format!("its header cannot be read: {e}")))?;
    let header = reader.header();
    let crs = match header.crs() {
        Some(c) if c.code() == 4326 => Some(Crs::Wgs84),
        Some(c) if c.code() != 0 && c.org().is_none_or(|o| o.eq_ignore_ascii_case("EPSG")) => {
            Some(Crs::from_epsg(i64::from(c.code())).map_err(&fail)?)
        }
        Some(c) => match c.wkt().map(str::trim).filter(|w| !w.is_empty()) {
            Some(wkt) => Some(Crs::from_wkt(wkt).map_err(&fail)?),
            None => None,
        },
        None => None,
    };
    let layer_type = header.geometry_type();
    let columns: Vec<(String, ColumnType)> = header
        .columns()
        .map(|cs| {
            cs.iter()
                .map(|c| (c.name().to_owned(), c.type_()))
                .collect()
        })
        .unwrap_or_default();
    let layer_name = header
        .name()
        .filter(|n| !n.is_empty())
        .map_or_else(|| name.to_owned(), str::to_owned);
    let mut iter = reader
        .select_all()
        .map_err(|e| fail(format!("its features cannot be read: {e}")))?;
    // Each feature is converted as it is read (reprojected, then added to the layer's text):
    // no list of every feature's properties is held beside the file.
    let mut features = Converted::default();
    let mut measured = false;
    let mut n = 0usize;
    while let Some(feature) = iter
        .next()
        .map_err(|e| fail(format!("feature {}: {e}", n + 1)))?
    {
        n += 1;
        let at = |e: String| fail(format!("feature {n}: {e}"));
        let fbs = feature.fbs_feature();
        let mut beyond = Beyond2d::default();
        let mut geometry = match fbs.geometry() {
            Some(g) => geometry(&g, layer_type, 0, &mut beyond).map_err(at)?,
            None => None,
        };
        measured |= beyond.measured;
        let properties = match fbs.properties() {
            Some(p) => properties(p.bytes(), &columns).map_err(at)?,
            None => Map::new(),
        };
        if let (Some(crs), Some(g)) = (&crs, &mut geometry) {
            crs.to_wgs84(g).map_err(at)?;
        }
        let json = geometry
            .as_ref()
            .map_or(Value::Null, |g| geojson_with_z(g, beyond.z.as_deref()));
        features.push(None, json, properties, geometry);
    }
    if crs.is_none() && !crs::looks_like_degrees(features.shapes()) {
        return Err(fail(
            "it names no coordinate reference system and its positions are not \
             longitudes/latitudes (raidmap will not guess)"
                .into(),
        ));
    }
    let mut layer = Layer::new(layer_name, LayerKind::Data);
    let shift = crs.as_ref().and_then(Crs::shift_warning);
    for message in shift
        .into_iter()
        .chain(measured.then(|| M_LEFT_OUT.to_owned()))
    {
        layer.warnings.push(crate::model::Problem {
            severity: crate::model::Severity::Warning,
            line: None,
            column: None,
            path: String::new(),
            message,
        });
    }
    layer.features = features.finish(&mut layer.warnings);
    Ok(layer)
}

/// Walk the file's layout: magic bytes, header size, index size (from the header's feature
/// count and node size) and every feature's size prefix must lie inside the file. Reads only
/// the header and each feature's 4-byte size, skipping the rest.
fn check_layout<R: Read + Seek>(source: &mut BufReader<R>) -> Result<(), String> {
    let io = |e: std::io::Error| format!("it cannot be read: {e}");
    let len = source.seek(SeekFrom::End(0)).map_err(io)?;
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    source.rewind().map_err(io)?;
    // The little-endian u32 at byte `at`, reading from byte `*pos` (the source's position).
    let u32_at = |source: &mut BufReader<R>, pos: &mut usize, at: usize| -> Option<usize> {
        if at.checked_add(4)? > len {
            return None;
        }
        source
            .seek_relative(i64::try_from(at).ok()? - i64::try_from(*pos).ok()?)
            .ok()?;
        let mut b = [0u8; 4];
        source.read_exact(&mut b).ok()?;
        *pos = at + 4;
        Some(u32::from_le_bytes(b) as usize)
    };
    let mut pos = 0usize;
    let mut magic = [0u8; 3];
    if len < 12 || source.read_exact(&mut magic).is_err() || &magic != b"fgb" {
        return Err("it does not start as a FlatGeobuf file does".into());
    }
    pos += 3;
    let header_size = u32_at(source, &mut pos, 8).ok_or("its header size is cut off")?;
    let mut at = 12usize
        .checked_add(header_size)
        .filter(|e| *e <= len)
        .ok_or_else(|| {
            format!("its header claims {header_size} bytes, past the end of the file")
        })?;
    // The index size depends on the header, which the crate parses; read the two fields it
    // needs through the crate (verified FlatBuffers) once the header is known to fit.
    source.rewind().map_err(io)?;
    let reader =
        FgbReader::open(&mut *source).map_err(|e| format!("its header cannot be read: {e}"))?;
    let header = reader.header();
    let count = usize::try_from(header.features_count()).unwrap_or(usize::MAX);
    let node_size = usize::from(header.index_node_size());
    drop(reader);
    source.rewind().map_err(io)?;
    pos = 0;
    if node_size > 0 && count > 0 {
        if node_size < 2 {
            return Err(format!(
                "its index has node size {node_size} (at least 2 is valid)"
            ));
        }
        // Each feature takes at least 4 bytes for its size and 40 for its index entry.
        if count > len / 44 {
            return Err(format!(
                "its header claims {count} features, more than its {len} bytes can hold"
            ));
        }
        let mut n = count;
        let mut nodes = n;
        loop {
            n = n.div_ceil(node_size);
            nodes += n;
            if n == 1 {
                break;
            }
        }
        at = nodes
            .checked_mul(40)
            .and_then(|size| at.checked_add(size))
            .filter(|e| *e <= len)
            .ok_or("its spatial index reaches past the end of the file")?;
    }
    let mut feature = 0usize;
    while at < len {
        feature += 1;
        let size = u32_at(source, &mut pos, at)
            .ok_or_else(|| format!("feature {feature} is cut off at byte {at}"))?;
        at = at
            .checked_add(4 + size)
            .filter(|e| *e <= len)
            .ok_or_else(|| {
                format!(
                    "feature {feature} at byte {at} claims {size} bytes, past the end of the file ({len} bytes)"
                )
            })?;
    }
    Ok(())
}

/// A FlatGeobuf geometry as a geometry, every index checked; `kind` is the layer's type
/// (each geometry names its own when the layer's is Unknown).
fn geometry(
    g: &flatgeobuf::Geometry<'_>,
    kind: GeometryType,
    depth: usize,
    beyond: &mut Beyond2d,
) -> Result<Option<Geometry<f64>>, String> {
    if depth > limits::max_depth() {
        return Err(limits::depth_message(limits::max_depth()));
    }
    let kind = if kind == GeometryType::Unknown {
        g.type_()
    } else {
        kind
    };
    let xy: Vec<f64> = g.xy().map(|v| v.iter().collect()).unwrap_or_default();
    if !xy.len().is_multiple_of(2) {
        return Err("its coordinate array has an odd length".into());
    }
    let coords: Vec<Coord<f64>> = xy
        .chunks_exact(2)
        .map(|c| Coord { x: c[0], y: c[1] })
        .collect();
    // The rings or lines the `ends` array cuts the coordinates into.
    let pieces = || -> Result<Vec<LineString<f64>>, String> {
        let ends: Vec<usize> = g
            .ends()
            .map(|e| e.iter().map(|x| x as usize).collect())
            .unwrap_or_else(|| vec![coords.len()]);
        let mut start = 0;
        let mut out = Vec::with_capacity(ends.len());
        for end in ends {
            if end < start || end > coords.len() {
                return Err(format!(
                    "its ring or line ends at point {end}, outside its {} points",
                    coords.len()
                ));
            }
            out.push(LineString(coords[start..end].to_vec()));
            start = end;
        }
        Ok(out)
    };
    let parts = |kind: GeometryType, beyond: &mut Beyond2d| -> Result<Vec<Geometry<f64>>, String> {
        let mut out = Vec::new();
        for part in g.parts().iter().flat_map(|p| p.iter()) {
            if let Some(geometry) = geometry(&part, kind, depth + 1, beyond)? {
                out.push(geometry);
            }
        }
        Ok(out)
    };
    if coords.is_empty() && g.parts().is_none() {
        return Ok(None);
    }
    // Z and M come in arrays of their own, one value a position.
    beyond.note(
        coords.len(),
        g.z().map(|z| z.iter().collect::<Vec<f64>>().into_iter()),
        g.m().is_some_and(|m| !m.is_empty()),
    );
    Ok(Some(match kind {
        GeometryType::Point => {
            let c = coords.first().ok_or("its point has no coordinates")?;
            Geometry::Point((*c).into())
        }
        GeometryType::MultiPoint => {
            Geometry::MultiPoint(MultiPoint(coords.into_iter().map(Into::into).collect()))
        }
        GeometryType::LineString => Geometry::LineString(LineString(coords)),
        GeometryType::MultiLineString => Geometry::MultiLineString(MultiLineString(pieces()?)),
        GeometryType::Polygon => {
            let mut rings = pieces()?.into_iter();
            let outer = rings.next().ok_or("its polygon has no ring")?;
            Geometry::Polygon(Polygon::new(outer, rings.collect()))
        }
        GeometryType::MultiPolygon => {
            let polygons = parts(GeometryType::Polygon, beyond)?
                .into_iter()
                .filter_map(|p| match p {
                    Geometry::Polygon(p) => Some(p),
                    _ => None,
                })
                .collect();
            Geometry::MultiPolygon(MultiPolygon(polygons))
        }
        GeometryType::GeometryCollection => Geometry::GeometryCollection(geo::GeometryCollection(
            parts(GeometryType::Unknown, beyond)?,
        )),
        other => return Err(format!("its geometry type {other:?} is not read")),
    }))
}

/// A feature's property bytes (column index, then value, for each set column) as properties,
/// every length checked.
fn properties(
    bytes: &[u8],
    columns: &[(String, ColumnType)],
) -> Result<Map<String, Value>, String> {
    let mut map = Map::new();
    let mut at = 0usize;
    let take = |at: &mut usize, n: usize| -> Result<&[u8], String> {
        let slice = at
            .checked_add(n)
            .and_then(|end| bytes.get(*at..end))
            .ok_or_else(|| format!("its properties are cut off at byte {at}"))?;
        *at += n;
        Ok(slice)
    };
    // A trailing byte after the last value is tolerated, as GDAL writes some files so.
    while at + 1 < bytes.len() {
        let index = usize::from(u16::from_le_bytes(
            take(&mut at, 2)?.try_into().map_err(|_| "")?,
        ));
        let (name, kind) = columns
            .get(index)
            .ok_or_else(|| format!("a property names column {index}, which the header lacks"))?;
        macro_rules! num {
            ($t:ty) => {
                <$t>::from_le_bytes(take(&mut at, size_of::<$t>())?.try_into().map_err(|_| "")?)
            };
        }
        let value = match *kind {
            ColumnType::Byte => Value::from(num!(i8)),
            ColumnType::UByte => Value::from(num!(u8)),
            ColumnType::Bool => Value::Bool(num!(u8) != 0),
            ColumnType::Short => Value::from(num!(i16)),
            ColumnType::UShort => Value::from(num!(u16)),
            ColumnType::Int => Value::from(num!(i32)),
            ColumnType::UInt => Value::from(num!(u32)),
            ColumnType::Long => Value::from(num!(i64)),
            ColumnType::ULong => Value::from(num!(u64)),
            ColumnType::Float => number(f64::from(num!(f32))),
            ColumnType::Double => number(num!(f64)),
            ColumnType::String | ColumnType::DateTime | ColumnType::Json | ColumnType::Binary => {
                let len = num!(u32) as usize;
                let raw = take(&mut at, len)?;
                if *kind == ColumnType::Binary {
                    continue;
                }
                let text = String::from_utf8_lossy(raw).into_owned();
                match *kind {
                    ColumnType::Json => serde_json::from_str(&text).unwrap_or(Value::String(text)),
                    _ => Value::String(text),
                }
            }
            other => return Err(format!("column {name} has an unknown type {other:?}")),
        };
        map.insert(name.clone(), value);
    }
    Ok(map)
}

fn number(n: f64) -> Value {
    serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
}

fn fgb_type(g: &Geometry<f64>) -> GeometryType {
    match g {
        Geometry::Point(_) => GeometryType::Point,
        Geometry::Line(_) | Geometry::LineString(_) => GeometryType::LineString,
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => GeometryType::Polygon,
        Geometry::MultiPoint(_) => GeometryType::MultiPoint,
        Geometry::MultiLineString(_) => GeometryType::MultiLineString,
        Geometry::MultiPolygon(_) => GeometryType::MultiPolygon,
        Geometry::GeometryCollection(_) => GeometryType::GeometryCollection,
    }
}

/// Write every feature of `layers` as one FlatGeobuf file into `out`.
pub fn write_fgb(layers: &[&Layer], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let fail = |e: flatgeobuf::Error| std::io::Error::other(e.to_string());
    let table = Table::of(layers);
    if let Some(i) = table.rows.iter().position(|r| r.geometry.is_none()) {
        return Err(std::io::Error::other(format!(
            "feature {} has no geometry, which raidmap's FlatGeobuf writer cannot hold; export \
             to .gpkg or .geojson instead",
            i + 1
        )));
    }
    let mut kinds = table
        .rows
        .iter()
        .filter_map(|r| r.geometry.as_ref())
        .map(fgb_type);
    let first = kinds.next().unwrap_or(GeometryType::Unknown);
    let kind = if kinds.all(|k| k == first) {
        first
    } else {
        GeometryType::Unknown
    };
    let three_d = table.has_z();
    let name = match layers {
        [one] => std::path::Path::new(&one.name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        _ => "layers".into(),
    };
    let mut fgb = FgbWriter::create_with_options(
        &name,
        kind,
        FgbWriterOptions {
            write_index: true,
            has_z: three_d,
            detect_type: false,
            promote_to_multi: false,
            crs: FgbCrs {
                code: 4326,
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .map_err(fail)?;
    for (key, kind) in &table.columns {
        let column_type = match kind {
            Kind::Integer => ColumnType::Long,
            Kind::Real => ColumnType::Double,
            Kind::Boolean => ColumnType::Bool,
            Kind::Text => ColumnType::String,
        };
        fgb.add_column(key, column_type, |_, column| column.nullable = true);
    }
    for row in &table.rows {
        let Some(geometry) = &row.geometry else {
            continue;
        };
        let mut texts = Vec::new();
        for (key, kind) in &table.columns {
            if *kind == Kind::Text {
                texts.push(row.properties.get(key).and_then(super::table::text));
            }
        }
        let geometry = WithZ {
            geometry,
            z: three_d.then(|| row.z.as_deref().unwrap_or_default()),
        };
        fgb.add_feature_geom(geometry, |feature| {
            use geozero::PropertyProcessor as _;
            let mut text = texts.iter();
            for (i, (key, kind)) in table.columns.iter().enumerate() {
                let value = row.properties.get(key).filter(|v| !v.is_null());
                let column = match kind {
                    Kind::Integer => value.and_then(Value::as_i64).map(ColumnValue::Long),
                    Kind::Real => value.and_then(Value::as_f64).map(ColumnValue::Double),
                    Kind::Boolean => value.and_then(Value::as_bool).map(ColumnValue::Bool),
                    Kind::Text => text
                        .next()
                        .and_then(|t| t.as_deref())
                        .map(ColumnValue::String),
                };
                if let Some(column) = column {
                    // Writing into the feature's own buffer cannot fail.
                    let _ = feature.property(i, key, &column);
                }
            }
        })
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    }
    fgb.write(out).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_features_and_types() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[104,11],[105,11],[105,12],[104,11]],[[104.5,11.2],[104.6,11.2],[104.6,11.3],[104.5,11.2]]]},
             "properties":{"name":"A","n":1,"x":0.5,"ok":true}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[104.9,11.55]},
             "properties":{"name":"B","n":null,"tags":{"a":1}}}]}"#;
        let layer = crate::io::read_str(text, "mixed.geojson").expect("read");
        let mut bytes = Vec::new();
        write_fgb(&[&layer], &mut bytes).expect("written");
        let back = read_fgb(&bytes, "out.fgb").expect("read back");
        assert_eq!(back.features.len(), 2);
        // The spatial index may reorder features: find each by name.
        let by_name = |n: &str| {
            back.features
                .iter()
                .find(|f| f.name() == Some(n))
                .expect("feature")
        };
        assert_eq!(by_name("A").geometry(), layer.features[0].geometry());
        assert_eq!(by_name("B").geometry(), layer.features[1].geometry());
        let p = by_name("A").properties().expect("p");
        assert_eq!(
            (p["n"].clone(), p["x"].clone(), p["ok"].clone()),
            (1.into(), 0.5.into(), true.into())
        );
        assert_eq!(by_name("B").properties().expect("p")["tags"], r#"{"a":1}"#);
    }

    #[test]
    fn hostile_sizes_are_refused() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"s":"abc"}}]}"#;
        let layer = crate::io::read_str(text, "p.geojson").expect("read");
        let mut bytes = Vec::new();
        write_fgb(&[&layer], &mut bytes).expect("written");
        // Every truncation is an error, never a panic.
        for cut in 0..bytes.len() {
            let _ = read_fgb(&bytes[..cut], "cut.fgb");
        }
        // A feature claiming 4 GB.
        let mut huge = bytes.clone();
        let last = huge.len();
        huge.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(read_fgb(&huge, "huge.fgb").is_err());
        assert!(last > 0);
        // Every single flipped byte: an error or a layer, never a panic.
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0xff;
            let _ = read_fgb(&bad, "flipped.fgb");
        }
    }
}

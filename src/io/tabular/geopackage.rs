//! GeoPackage (`.gpkg`, OGC 12-128) in and out, through the SQLite of `rusqlite` (compiled
//! in, already used for MBTiles).
//!
//! Reading: every features table listed in `gpkg_contents` becomes a layer, its rows features
//! (the `fid` as the feature's `id`, other columns as properties; BOOLEAN columns as true/false,
//! binary columns left out with a warning). Geometries are GeoPackage binary (a small header,
//! then WKB): each blob is first walked to check that every count it holds fits the bytes left
//! and that collections nest no deeper than [`limits::max_depth`] (noting each position's Z,
//! kept as its third number as GDAL writes it in GeoJSON; M values are left out with a
//! warning), then decoded by geozero.
//! Positions are reprojected from the table's `srs_id` (an EPSG code or the WKT the
//! `gpkg_spatial_ref_sys` table holds) to WGS84; the "undefined" SRSs are read as WGS84 only
//! when every position can be a longitude/latitude. The file is opened read-only, and each
//! row becomes a feature as it is read.
//!
//! Writing: one table per layer (named after it), a `fid` key, a `geom` column in EPSG:4326
//! (Z geometries when the layer has altitudes, `z` = 1 in `gpkg_geometry_columns`)
//! and a column per property (INTEGER, REAL, BOOLEAN or TEXT; lists and objects as JSON
//! text), with the `gpkg_contents` extent, as `ogrinfo` and QGIS read it. SQLite writes to a
//! file, so the GeoPackage is built in a private temporary file and then copied out.

use std::collections::HashSet;
use std::path::Path;

use geo::{BoundingRect as _, Coord, Geometry};
use geozero::{GeozeroGeometry as _, ToGeo as _, ToWkb as _};
use rusqlite::{Connection, OpenFlags, types::ValueRef};
use serde_json::{Map, Value};

use super::table::{Kind, Row, Table};
use super::with_z::WithZ;
use crate::io::convert::{Beyond2d, Converted, M_LEFT_OUT, geojson_with_z};
use crate::io::crs::{self, Crs};
use crate::io::{ReadError, format_error, limits};
use crate::model::{Layer, LayerKind, Problem};

const FORMAT: &str = "GeoPackage";

/// Read every features table of the GeoPackage at `path`, one layer each.
pub fn read_path(path: &Path, name: &str) -> Result<Vec<Layer>, ReadError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format_error(name, FORMAT, None, format!("cannot open it: {e}")))?;
    read_connection(&conn, name)
}

/// Read a GeoPackage held in memory (a decrypted one) through a private temporary copy.
pub fn read_bytes(bytes: &[u8], name: &str) -> Result<Vec<Layer>, ReadError> {
    let fail = |e: std::io::Error| {
        format_error(
            name,
            FORMAT,
            None,
            format!("cannot make a temporary copy: {e}"),
        )
    };
    let temp = tempfile::NamedTempFile::new().map_err(fail)?;
    std::fs::write(temp.path(), bytes).map_err(fail)?;
    read_path(temp.path(), name)
}

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

fn read_connection(conn: &Connection, name: &str) -> Result<Vec<Layer>, ReadError> {
    let fail = |message: String| format_error(name, FORMAT, None, message);
    let sql = |e: rusqlite::Error| fail(e.to_string());
    let mut tables = Vec::new();
    {
        let mut statement = conn
            .prepare(
                "SELECT c.table_name, g.column_name, g.srs_id, s.organization, \
                        s.organization_coordsys_id, s.definition \
                 FROM gpkg_contents c \
                 JOIN gpkg_geometry_columns g ON g.table_name = c.table_name \
                 LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id \
                 WHERE c.data_type = 'features' ORDER BY c.rowid",
            )
            .map_err(|e| fail(format!("it has no GeoPackage feature tables ({e})")))?;
        let rows = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })
            .map_err(sql)?;
        for row in rows {
            tables.push(row.map_err(sql)?);
        }
    }
    if tables.is_empty() {
        return Err(fail("it holds no vector (features) table".into()));
    }
    let mut layers = Vec::new();
    for (table, column, srs_id, organization, code, definition) in tables {
        let where_ = format!("table {table}");
        let fail_in = |message: String| fail(format!("{where_}: {message}"));
        let crs = match (srs_id, organization.as_deref(), code) {
            (Some(4326), ..) => Some(Crs::Wgs84),
            (Some(0 | -1) | None, ..) => None,
            (_, Some(org), Some(code)) if org.eq_ignore_ascii_case("EPSG") => {
                Some(Crs::from_epsg(code).map_err(fail_in)?)
            }
            (Some(id), ..) => match definition.as_deref().map(str::trim) {
                Some(wkt) if !wkt.is_empty() && wkt != "undefined" => {
                    Some(Crs::from_wkt(wkt).map_err(fail_in)?)
                }
                _ => {
                    return Err(fail_in(format!(
                        "its spatial reference system {id} has no definition"
                    )));
                }
            },
        };
        layers.push(read_table(conn, name, &table, &column, crs)?);
    }
    Ok(layers)
}

fn read_table(
    conn: &Connection,
    name: &str,
    table: &str,
    geometry_column: &str,
    crs: Option<Crs>,
) -> Result<Layer, ReadError> {
    let fail =
        |message: String| format_error(name, FORMAT, None, format!("table {table}: {message}"));
    let sql = |e: rusqlite::Error| fail(e.to_string());
    let mut layer = Layer::new(table, LayerKind::Data);
    let columns = TableColumns::of(conn, table, geometry_column).map_err(fail)?;
    let list: Vec<String> = columns.names.iter().map(|c| quote(c)).collect();
    let mut statement = conn
        .prepare(&format!("SELECT {} FROM {}", list.join(", "), quote(table)))
        .map_err(sql)?;
    let mut rows = statement.query([]).map_err(sql)?;
    // Each row is converted as it is read (reprojected, then added to the layer's text): no
    // list of every row's properties is held beside the file.
    let mut features = Converted::default();
    let mut measured = false;
    let mut binary = HashSet::new();
    let mut n = 0usize;
    while let Some(row) = rows.next().map_err(sql)? {
        n += 1;
        let mut read = columns.read_row(row, n, &mut binary).map_err(fail)?;
        measured |= read.measured;
        if let (Some(crs), Some(g)) = (&crs, &mut read.geometry) {
            crs.to_wgs84(g).map_err(|e| fail(format!("row {n}: {e}")))?;
        }
        let json = read
            .geometry
            .as_ref()
            .map_or(Value::Null, |g| geojson_with_z(g, read.z.as_deref()));
        features.push(read.id, json, read.properties, read.geometry);
    }
    if measured {
        layer.warnings.push(Problem::warning(M_LEFT_OUT.into()));
    }
    let binary = binary
        .into_iter()
        .map(|column| format!("column {column} holds binary data, which is left out"));
    for message in binary.chain(crs.as_ref().and_then(Crs::shift_warning)) {
        layer.warnings.push(Problem::warning(message));
    }
    if crs.is_none() && !crs::looks_like_degrees(features.shapes()) {
        return Err(fail(
            "its positions have no defined coordinate reference system (srs_id 0 or -1) and \
             are not longitudes/latitudes (raidmap will not guess)"
                .into(),
        ));
    }
    layer.features = features.finish(&mut layer.warnings);
    Ok(layer)
}

/// A features table's columns, as `read_table` reads them.
struct TableColumns<'a> {
    names: Vec<String>,
    /// Each column's declared type, upper case.
    declared: Vec<String>,
    /// The primary key column, read as the feature's id.
    key: Option<String>,
    geometry: &'a str,
}

/// One row as read: its id, geometry, Z values and other columns.
struct ReadRow {
    id: Option<Value>,
    geometry: Option<Geometry<f64>>,
    z: Option<Vec<f64>>,
    /// Whether its geometry had M values (left out).
    measured: bool,
    properties: Map<String, Value>,
}

impl<'a> TableColumns<'a> {
    /// The columns are listed by name, read from `table_info` (a name that is not UTF-8 is an
    /// error there), never from the statement: rusqlite panics on such a name.
    fn of(conn: &Connection, table: &str, geometry: &'a str) -> Result<Self, String> {
        let info =
            table_info(conn, table).map_err(|e| format!("its columns cannot be listed: {e}"))?;
        if info.is_empty() {
            return Err("it does not exist or has no columns".into());
        }
        Ok(Self {
            names: info.iter().map(|(name, ..)| name.clone()).collect(),
            declared: info
                .iter()
                .map(|(_, kind, _)| kind.to_ascii_uppercase())
                .collect(),
            key: info
                .iter()
                .find(|(.., pk)| *pk)
                .map(|(name, ..)| name.clone()),
            geometry,
        })
    }

    /// Row `n`, its binary columns (left out) added to `binary`.
    fn read_row(
        &self,
        row: &rusqlite::Row<'_>,
        n: usize,
        binary: &mut HashSet<String>,
    ) -> Result<ReadRow, String> {
        let mut read = ReadRow {
            id: None,
            geometry: None,
            z: None,
            measured: false,
            properties: Map::new(),
        };
        for (c, column) in self.names.iter().enumerate() {
            let value = row.get_ref(c).map_err(|e| e.to_string())?;
            if column.eq_ignore_ascii_case(self.geometry) {
                if let ValueRef::Blob(blob) = value {
                    let decoded = decode(blob).map_err(|e| format!("row {n}: {e}"))?;
                    if let Some((g, beyond)) = decoded {
                        read.measured |= beyond.measured;
                        read.geometry = Some(g);
                        read.z = beyond.z;
                    }
                }
                continue;
            }
            if self.key.as_deref() == Some(column.as_str()) {
                if let ValueRef::Integer(fid) = value {
                    read.id = Some(Value::from(fid));
                }
                continue;
            }
            let json = match value {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(i) if self.declared[c].starts_with("BOOL") => Value::Bool(i != 0),
                ValueRef::Integer(i) => Value::from(i),
                ValueRef::Real(r) => {
                    serde_json::Number::from_f64(r).map_or(Value::Null, Value::Number)
                }
                ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(_) => {
                    binary.insert(column.clone());
                    continue;
                }
            };
            read.properties.insert(column.clone(), json);
        }
        Ok(read)
    }
}

/// Each column of a table: its name, declared type and whether it is the primary key.
fn table_info(conn: &Connection, table: &str) -> rusqlite::Result<Vec<(String, String, bool)>> {
    let mut statement = conn.prepare(&format!("PRAGMA table_info({})", quote(table)))?;
    let rows = statement.query_map([], |row| {
        Ok((row.get(1)?, row.get(2)?, row.get::<_, i64>(5)? == 1))
    })?;
    rows.collect()
}

/// A GeoPackage geometry blob as a geometry (`None` for an empty one), with what its WKB
/// holds besides x and y.
fn decode(blob: &[u8]) -> Result<Option<(Geometry<f64>, Beyond2d)>, String> {
    let wkb_at = check_header(blob)?;
    let Some(wkb_at) = wkb_at else {
        return Ok(None);
    };
    let mut beyond = Beyond2d::default();
    check_wkb(blob, wkb_at, 0, &mut beyond)?;
    let geometry = geozero::wkb::GpkgWkb(blob)
        .to_geo()
        .map_err(|e| format!("its geometry cannot be read: {e}"))?;
    Ok(Some((geometry, beyond)))
}

/// Check the GeoPackage header; returns where the WKB starts, `None` for an empty geometry.
fn check_header(blob: &[u8]) -> Result<Option<usize>, String> {
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err("its geometry is not GeoPackage binary (it does not start with GP)".into());
    }
    let flags = blob[3];
    if flags & 0x20 != 0 {
        return Err(
            "its geometry is an extended GeoPackage geometry, which raidmap does not read".into(),
        );
    }
    let envelope = match (flags >> 1) & 0x07 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        other => {
            return Err(format!(
                "its geometry header has an unknown envelope code {other}"
            ));
        }
    };
    let at = 8 + envelope;
    if flags & 0x10 != 0 {
        return Ok(None);
    }
    if blob.len() <= at {
        return Err(format!(
            "its geometry ends after {} bytes, inside its header",
            blob.len()
        ));
    }
    Ok(Some(at))
}

/// Walk the WKB at `at`: every count must fit the bytes left and collections nest at most
/// [`limits::max_depth`] deep. Returns where the geometry ends.
fn check_wkb(b: &[u8], at: usize, depth: usize, beyond: &mut Beyond2d) -> Result<usize, String> {
    if depth > limits::max_depth() {
        return Err(format!(
            "its geometry {}",
            limits::depth_message(limits::max_depth())
        ));
    }
    let (wkb, base) = Wkb::header(b, at)?;
    let mut p = at + 5;
    match base {
        1 => {
            let end = wkb.fits(p, 1, wkb.point)?;
            wkb.note(beyond, p, 1);
            Ok(end)
        }
        2 => {
            let n = wkb.u32_at(p)?;
            let end = wkb.fits(p + 4, n, wkb.point)?;
            wkb.note(beyond, p + 4, n);
            Ok(end)
        }
        3 => {
            let rings = wkb.u32_at(p)?;
            wkb.fits(p + 4, rings, 4)?;
            p += 4;
            for _ in 0..rings {
                let n = wkb.u32_at(p)?;
                let end = wkb.fits(p + 4, n, wkb.point)?;
                wkb.note(beyond, p + 4, n);
                p = end;
            }
            Ok(p)
        }
        4..=7 => {
            let n = wkb.u32_at(p)?;
            // Each member is at least a 5-byte header.
            wkb.fits(p + 4, n, 5)?;
            p += 4;
            for _ in 0..n {
                p = check_wkb(b, p, depth + 1, beyond)?;
            }
            Ok(p)
        }
        other => Err(format!(
            "its geometry has type {other} (curves and surfaces are not read) at byte {at}"
        )),
    }
}

/// One WKB geometry being checked: the blob, where the geometry starts, and what its header
/// says (byte order, Z and M, so the size of a point).
struct Wkb<'b> {
    b: &'b [u8],
    at: usize,
    little: bool,
    has_z: bool,
    has_m: bool,
    /// Bytes per point.
    point: usize,
}

impl<'b> Wkb<'b> {
    /// The header of the geometry at `at` and its base type (1 Point … 7 GeometryCollection).
    fn header(b: &'b [u8], at: usize) -> Result<(Self, usize), String> {
        let mut wkb = Self {
            b,
            at,
            little: false,
            has_z: false,
            has_m: false,
            point: 0,
        };
        let header = b.get(at..at + 5).ok_or_else(|| wkb.short())?;
        wkb.little = match header[0] {
            0 => false,
            1 => true,
            other => {
                return Err(format!(
                    "its geometry has an unknown byte order {other} at byte {at}"
                ));
            }
        };
        let code = wkb.u32_at(at + 1)?;
        // ISO codes (1000s for Z, M, ZM) and the EWKB flag bits.
        let (base, has_z, has_m) = if code & 0xE000_0000 != 0 {
            (
                code & 0xFF,
                code & 0x8000_0000 != 0,
                code & 0x4000_0000 != 0,
            )
        } else {
            let (z, m) = [(false, false), (true, false), (false, true), (true, true)]
                .get(code / 1000)
                .copied()
                .ok_or_else(|| {
                    format!("its geometry has an unknown type code {code} at byte {at}")
                })?;
            (code % 1000, z, m)
        };
        wkb.has_z = has_z;
        wkb.has_m = has_m;
        wkb.point = 8 * (2 + usize::from(has_z) + usize::from(has_m));
        Ok((wkb, base))
    }

    fn short(&self) -> String {
        format!(
            "its geometry is cut short at byte {} of {}",
            self.at,
            self.b.len()
        )
    }

    /// The u32 at byte `p`, in the geometry's byte order.
    fn u32_at(&self, p: usize) -> Result<usize, String> {
        let bytes: [u8; 4] = self
            .b
            .get(p..p + 4)
            .ok_or_else(|| self.short())?
            .try_into()
            .map_err(|_| self.short())?;
        Ok(if self.little {
            u32::from_le_bytes(bytes)
        } else {
            u32::from_be_bytes(bytes)
        } as usize)
    }

    /// Where `count` items of `size` bytes from `p` on end, if they fit in the blob.
    fn fits(&self, p: usize, count: usize, size: usize) -> Result<usize, String> {
        let end = count.checked_mul(size).and_then(|n| n.checked_add(p));
        end.filter(|e| *e <= self.b.len()).ok_or_else(|| {
            format!(
                "its geometry claims {count} parts or points at byte {p}, more than its {} bytes hold",
                self.b.len()
            )
        })
    }

    /// Note the Z (the third number, in XYZ and XYZM) of `n` points from `p` on, which fit.
    fn note(&self, beyond: &mut Beyond2d, p: usize, n: usize) {
        let z_of = |i: usize| {
            let at = p + i * self.point + 16;
            let bytes: [u8; 8] = self
                .b
                .get(at..at + 8)
                .and_then(|s| s.try_into().ok())
                .unwrap_or_default();
            if self.little {
                f64::from_le_bytes(bytes)
            } else {
                f64::from_be_bytes(bytes)
            }
        };
        beyond.note(n, self.has_z.then(|| (0..n).map(z_of)), self.has_m);
    }
}

/// The GeoPackage geometry type name of a set of geometries (GEOMETRY when they mix).
fn type_name(geometries: impl Iterator<Item = Option<&'static str>>) -> &'static str {
    let mut name = None;
    for g in geometries.flatten() {
        name = match name {
            None => Some(g),
            Some(n) if n == g => Some(n),
            _ => return "GEOMETRY",
        };
    }
    name.unwrap_or("GEOMETRY")
}

fn gpkg_type(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "POINT",
        Geometry::Line(_) | Geometry::LineString(_) => "LINESTRING",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "POLYGON",
        Geometry::MultiPoint(_) => "MULTIPOINT",
        Geometry::MultiLineString(_) => "MULTILINESTRING",
        Geometry::MultiPolygon(_) => "MULTIPOLYGON",
        Geometry::GeometryCollection(_) => "GEOMETRYCOLLECTION",
    }
}

const WGS84_WKT: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#;

const SCHEMA: &str = "
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10200;
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
";

/// Write `layers` as a GeoPackage, one table each, into `out`.
pub fn write_gpkg(layers: &[&Layer], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let temp = tempfile::NamedTempFile::new()?;
    build(layers, temp.path()).map_err(std::io::Error::other)?;
    let mut file = std::fs::File::open(temp.path())?;
    std::io::copy(&mut file, out)?;
    Ok(())
}

/// Build the GeoPackage file at `path` (a new, empty file).
fn build(layers: &[&Layer], path: &Path) -> Result<(), String> {
    let sql = |e: rusqlite::Error| e.to_string();
    let mut conn = Connection::open(path).map_err(sql)?;
    conn.execute_batch(SCHEMA).map_err(sql)?;
    conn.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, ?1, \
         'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')",
        [WGS84_WKT],
    )
    .map_err(sql)?;
    let tx = conn.transaction().map_err(sql)?;
    let mut names = HashSet::new();
    for layer in layers {
        write_table(&tx, layer, &mut names)?;
    }
    tx.commit().map_err(sql)?;
    conn.close().map_err(|(_, e)| e.to_string())
}

/// A property written to a column: (property key, column name, column type).
type ColumnOf = (String, String, Kind);

/// One layer as a features table (its name unique among `names`), with its rows, extent and
/// geometry column registered.
fn write_table(
    tx: &rusqlite::Transaction<'_>,
    layer: &Layer,
    names: &mut HashSet<String>,
) -> Result<(), String> {
    let sql = |e: rusqlite::Error| e.to_string();
    let table = Table::of(&[layer]);
    let name = table_name(&layer.name, names);
    let geometry_type = type_name(
        table
            .rows
            .iter()
            .map(|r| r.geometry.as_ref().map(gpkg_type)),
    );
    let (columns, keys) = columns_of(&table);
    tx.execute_batch(&format!(
        "CREATE TABLE {} ({})",
        quote(&name),
        columns.join(", ")
    ))
    .map_err(sql)?;
    let placeholders: Vec<String> = (1..=keys.len() + 1).map(|i| format!("?{i}")).collect();
    let mut insert = tx
        .prepare(&format!(
            "INSERT INTO {} (geom{}) VALUES ({})",
            quote(&name),
            keys.iter()
                .map(|(_, c, _)| format!(", {}", quote(c)))
                .collect::<String>(),
            placeholders.join(", ")
        ))
        .map_err(sql)?;
    let three_d = table.has_z();
    let mut extent: Option<geo::Rect<f64>> = None;
    for row in &table.rows {
        let blob = match &row.geometry {
            Some(g) => {
                let z = three_d.then(|| row.z.as_deref().unwrap_or_default());
                Some(geometry_blob(g, z, &mut extent)?)
            }
            None => None,
        };
        insert
            .execute(rusqlite::params_from_iter(row_values(blob, row, &keys)))
            .map_err(sql)?;
    }
    let (min, max) = extent.map_or(((0.0, 0.0), (0.0, 0.0)), |e| (e.min().x_y(), e.max().x_y()));
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, \
         max_y, srs_id) VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, 4326)",
        rusqlite::params![name, min.0, min.1, max.0, max.1],
    )
    .map_err(sql)?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, 4326, ?3, 0)",
        rusqlite::params![name, geometry_type, i32::from(three_d)],
    )
    .map_err(sql)?;
    Ok(())
}

/// The table's column definitions (`fid` and `geom` first) and the property each further
/// column holds; a name already taken (ignoring case) gets `_1`, `_2`….
fn columns_of(table: &Table) -> (Vec<String>, Vec<ColumnOf>) {
    let mut columns = vec![
        "fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_owned(),
        "geom GEOMETRY".to_owned(),
    ];
    let mut taken: HashSet<String> = ["fid".into(), "geom".into()].into();
    let mut keys = Vec::new();
    for (key, kind) in &table.columns {
        let mut column = key.clone();
        let mut n = 1;
        while !taken.insert(column.to_ascii_lowercase()) {
            column = format!("{key}_{n}");
            n += 1;
        }
        let sql_type = match kind {
            Kind::Integer => "INTEGER",
            Kind::Real => "REAL",
            Kind::Boolean => "BOOLEAN",
            Kind::Text => "TEXT",
        };
        columns.push(format!("{} {sql_type}", quote(&column)));
        keys.push((key.clone(), column, *kind));
    }
    (columns, keys)
}

/// A geometry as a GeoPackage blob (with its Z values when `z` is given, and its envelope
/// unless it is a point), its bounds added to `extent`.
fn geometry_blob(
    g: &Geometry<f64>,
    z: Option<&[f64]>,
    extent: &mut Option<geo::Rect<f64>>,
) -> Result<Vec<u8>, String> {
    let rect = g.bounding_rect();
    if let Some(r) = rect {
        *extent = Some(extent.map_or(r, |e| {
            geo::Rect::new(
                Coord {
                    x: e.min().x.min(r.min().x),
                    y: e.min().y.min(r.min().y),
                },
                Coord {
                    x: e.max().x.max(r.max().x),
                    y: e.max().y.max(r.max().y),
                },
            )
        }));
    }
    let envelope = match (g, rect) {
        (Geometry::Point(_), _) | (_, None) => Vec::new(),
        (_, Some(r)) => vec![r.min().x, r.max().x, r.min().y, r.max().y],
    };
    let with_z = WithZ { geometry: g, z };
    let dims = with_z.dims();
    with_z
        .to_gpkg_wkb(dims, Some(4326), envelope)
        .map_err(|e| e.to_string())
}

/// A row's values for the insert: its geometry blob, then each column's value as its type
/// takes it (a value of another type is NULL).
fn row_values(blob: Option<Vec<u8>>, row: &Row, keys: &[ColumnOf]) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value as V;
    let mut values: Vec<V> = vec![match blob {
        Some(b) => V::Blob(b),
        None => V::Null,
    }];
    for (key, _, kind) in keys {
        let value = row.properties.get(key).filter(|v| !v.is_null());
        values.push(match (kind, value) {
            (_, None) => V::Null,
            (Kind::Integer, Some(v)) => v.as_i64().map_or(V::Null, V::Integer),
            (Kind::Real, Some(v)) => v.as_f64().map_or(V::Null, V::Real),
            (Kind::Boolean, Some(v)) => v.as_bool().map_or(V::Null, |b| V::Integer(b.into())),
            (Kind::Text, Some(v)) => super::table::text(v).map_or(V::Null, V::Text),
        });
    }
    values
}

/// A table name for a layer: its name without a file extension, unique in the file.
fn table_name(layer: &str, taken: &mut HashSet<String>) -> String {
    let stem = Path::new(layer)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "layer".into());
    let stem = if stem.to_ascii_lowercase().starts_with("gpkg_") || stem.starts_with("sqlite_") {
        format!("layer_{stem}")
    } else {
        stem
    };
    let mut name = stem.clone();
    let mut n = 1;
    while !taken.insert(name.to_ascii_lowercase()) {
        name = format!("{stem}_{n}");
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_wkb_is_refused_before_decoding() {
        let mut blob = b"GP\x00\x01".to_vec();
        blob.extend_from_slice(&4326i32.to_le_bytes());
        // A LineString claiming 4 billion points.
        let mut line = blob.clone();
        line.push(1);
        line.extend_from_slice(&2u32.to_le_bytes());
        line.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode(&line).expect_err("refused").contains("more than"));
        // Collections nested 100,000 deep.
        let mut deep = blob.clone();
        for _ in 0..100_000 {
            deep.push(1);
            deep.extend_from_slice(&7u32.to_le_bytes());
            deep.extend_from_slice(&1u32.to_le_bytes());
        }
        assert!(
            decode(&deep)
                .expect_err("refused")
                .contains("RAIDMAP_MAX_DEPTH")
        );
        // Truncated.
        assert!(decode(b"GP\x00").is_err());
    }

    #[test]
    fn round_trip_keeps_tables_features_and_types() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[104.9,11.55]},
             "properties":{"name":"Gate","guards":3,"area":1.5,"raided":true,"tags":["a","b"]}},
            {"type":"Feature","geometry":null,"properties":{"name":"No place"}}]}"#;
        let layer = crate::io::read_str(text, "sites.geojson").expect("read");
        let mut bytes = Vec::new();
        write_gpkg(&[&layer], &mut bytes).expect("written");
        let back = read_bytes(&bytes, "out.gpkg").expect("read back");
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].name, "sites");
        let f = &back[0].features;
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].geometry(), layer.features[0].geometry());
        assert!(f[1].geometry().is_none());
        let p = f[0].properties().expect("properties");
        assert_eq!(p["guards"], 3);
        assert_eq!(p["area"], 1.5);
        assert_eq!(p["raided"], true);
        assert_eq!(p["tags"], r#"["a","b"]"#);
    }
}

//! Shapefiles in and out: a `.shp` with the `.shx`, `.dbf`, `.prj` and `.cpg` beside it, or a
//! `.zip` holding them (one layer per `.shp` in it), read with georust's `shapefile` crate (and
//! its `dbase`). Each `.dbf` record becomes a feature as it is read, with its shape.
//!
//! Reading: points, multipoints, polylines (LineString, or MultiLineString for several parts)
//! and polygons (holes put in the outer ring that holds them; several outer rings make a
//! MultiPolygon); Z values are kept as each position's third number (as GDAL writes them in
//! GeoJSON; reprojection leaves them as they are), M values are left out with a warning.
//! Attributes keep their types (a numeric field
//! without decimals gives integers) and their encoding (the `.cpg`, else the code page the
//! `.dbf` names, else ISO-8859-1, as GDAL reads them). Positions are reprojected from the `.prj`'s CRS to WGS84
//! ([`Crs`]); without a `.prj` they are read as WGS84 only when every one of them can be a
//! longitude/latitude, and a `.prj` that cannot be read is an error. The `.shp` and `.dbf` are
//! read from the file one record at a time (never whole), so memory holds the layer being
//! made and one record; a `.zip`'s entries are first inflated to private temporary files
//! (each refused past [`limits::max_inflated_bytes`]). Before the crate reads a `.shp`
//! record, the record is checked to lie inside the file with counts that fit its length, so
//! a hostile file is refused with the record and byte it goes wrong at instead of making the
//! reader allocate what it claims.
//!
//! Writing: one kind of geometry per file (points, lines or polygons, their Z types when the
//! layer has altitudes; several kinds are
//! refused with a pointer to GeoPackage or FlatGeobuf), WGS84 with its `.prj`, attributes as
//! UTF-8 (`.cpg`) with names cut to dBase's 10 bytes (made unique) and text to 254 bytes.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};

use geo::{Contains as _, Coord, Geometry, LineString, MultiLineString, MultiPoint, Polygon};
use serde_json::{Map, Value};
use shapefile::record::EsriShape;
use shapefile::record::multipoint::GenericMultipoint;
use shapefile::record::polygon::GenericPolygon;
use shapefile::record::polyline::GenericPolyline;
use shapefile::record::traits::{GrowablePoint, HasXY, ShrinkablePoint};
use shapefile::{PolygonRing, ReadableShape as _, Shape};

use super::table::{Kind, Table};
use crate::io::convert::{Converted, M_LEFT_OUT, geojson_with_z};
use crate::io::crs::{self, Crs};
use crate::io::{ReadError, format_error, limits};
use crate::model::{Layer, LayerKind, Problem};

/// The files of one shapefile held in memory (a decrypted archive's, or a test's).
pub struct Parts {
    pub name: String,
    pub shp: Vec<u8>,
    pub dbf: Option<Vec<u8>>,
    pub prj: Option<Vec<u8>>,
    pub cpg: Option<Vec<u8>>,
}

const FORMAT: &str = "Shapefile";

/// Read the shapefile at `path` (its `.shp`, or any of its files) as one layer.
pub fn read_path(path: &Path) -> Result<Vec<Layer>, ReadError> {
    let name = file_name(path);
    let sibling = |ext: &str| -> Option<PathBuf> {
        let stem = path.file_stem()?.to_string_lossy().into_owned();
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
        let folder = folder.unwrap_or(Path::new("."));
        std::fs::read_dir(folder).ok()?.flatten().find_map(|entry| {
            let p = entry.path();
            let same_stem = p.file_stem().is_some_and(|s| s.to_string_lossy() == stem);
            let same_ext = p
                .extension()
                .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case(ext));
            (same_stem && same_ext).then_some(p)
        })
    };
    let io = |p: PathBuf| move |source| ReadError::Io { path: p, source };
    let read = |p: PathBuf| std::fs::read(&p).map_err(io(p));
    let open = |p: PathBuf| File::open(&p).map(BufReader::new).map_err(io(p));
    let shp = sibling("shp").ok_or_else(|| {
        format_error(
            &name,
            FORMAT,
            None,
            "the .shp file beside it is missing".into(),
        )
    })?;
    let prj = sibling("prj").map(read).transpose()?;
    let cpg = sibling("cpg").map(read).transpose()?;
    let dbf = sibling("dbf").map(open).transpose()?;
    let layer = read_files(
        &file_name(&shp),
        open(shp)?,
        dbf,
        prj.as_deref(),
        cpg.as_deref(),
    )?;
    Ok(vec![layer])
}

/// Read every shapefile in a zip archive held in memory, one layer each.
pub fn read_zip(bytes: &[u8], name: &str) -> Result<Vec<Layer>, ReadError> {
    read_zip_from(Cursor::new(bytes), name)
}

/// Read every shapefile in a zip archive, one layer each. Its `.shp` and `.dbf` entries are
/// inflated to private temporary files (each refused past the inflated-size limit) and read
/// from there a record at a time; the `.prj` and `.cpg` are read whole.
pub fn read_zip_from(source: impl Read + Seek, name: &str) -> Result<Vec<Layer>, ReadError> {
    let fail = |message: String| format_error(name, FORMAT, None, message);
    let mut archive = zip::ZipArchive::new(source)
        .map_err(|e| fail(format!("not a readable zip archive: {e}")))?;
    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    let shps: Vec<&String> = names
        .iter()
        .filter(|n| n.to_ascii_lowercase().ends_with(".shp"))
        .filter(|n| !n.starts_with("__MACOSX/"))
        .collect();
    if shps.is_empty() {
        let listed: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
        return Err(fail(format!(
            "this zip archive holds no .shp file (it holds {}{})",
            if listed.is_empty() {
                "nothing".to_owned()
            } else {
                listed.join(", ")
            },
            if names.len() > 5 { ", …" } else { "" }
        )));
    }
    let mut layers = Vec::new();
    for shp in shps {
        let stem = &shp[..shp.len() - 4];
        let find = |ext: &str| {
            let dotted = format!(".{ext}");
            names.iter().find(|n| {
                n.starts_with(stem)
                    && n.get(stem.len()..)
                        .is_some_and(|e| e.eq_ignore_ascii_case(&dotted))
            })
        };
        let cannot_open = |found: &str, e| fail(format!("cannot open {found} in the archive: {e}"));
        let mut read = |ext: &str| -> Result<Option<Vec<u8>>, ReadError> {
            let Some(found) = find(ext) else {
                return Ok(None);
            };
            let entry = archive.by_name(found).map_err(|e| cannot_open(found, e))?;
            limits::read_entry(entry, found).map(Some).map_err(fail)
        };
        let (prj, cpg) = (read("prj")?, read("cpg")?);
        let mut spool = |ext: &str| -> Result<Option<BufReader<File>>, ReadError> {
            let Some(found) = find(ext) else {
                return Ok(None);
            };
            let entry = archive.by_name(found).map_err(|e| cannot_open(found, e))?;
            limits::spool_entry(entry, found)
                .map(|file| Some(BufReader::new(file)))
                .map_err(fail)
        };
        let (shp_file, dbf) = (spool("shp")?, spool("dbf")?);
        let shp_file = shp_file.ok_or_else(|| fail(format!("cannot open {shp} in the archive")))?;
        layers.push(read_files(
            &format!("{name}/{}", shp.rsplit('/').next().unwrap_or(shp)),
            shp_file,
            dbf,
            prj.as_deref(),
            cpg.as_deref(),
        )?);
    }
    Ok(layers)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Read one shapefile's files, held in memory, as a layer.
pub fn read_parts(parts: Parts) -> Result<Layer, ReadError> {
    read_files(
        &parts.name,
        Cursor::new(parts.shp),
        parts.dbf.map(Cursor::new),
        parts.prj.as_deref(),
        parts.cpg.as_deref(),
    )
}

/// Read one shapefile as a layer named `name`: its `.shp` and `.dbf` read a record at a
/// time, its `.prj` and `.cpg` given whole.
fn read_files(
    name: &str,
    shp: impl Read,
    dbf: Option<impl Read + Seek>,
    prj: Option<&[u8]>,
    cpg: Option<&[u8]>,
) -> Result<Layer, ReadError> {
    let fail = |message: String| format_error(name, FORMAT, None, message);
    let mut layer = Layer::new(name.to_owned(), LayerKind::Data);
    let mut warn = |message: String| layer.warnings.push(Problem::warning(message));
    let crs = match prj {
        Some(prj) => Some(
            Crs::from_wkt(&String::from_utf8_lossy(prj)).map_err(|e| fail(format!(".prj: {e}")))?,
        ),
        None => None,
    };
    if let Some(warning) = crs.as_ref().and_then(Crs::shift_warning) {
        warn(warning);
    }
    let mut geometries = Vec::new();
    // The Z of each record's positions, for a Z shapefile.
    let mut heights = Vec::new();
    let mut measured = false;
    let mut records = ShpRecords::new(shp).map_err(fail)?;
    while let Some(shape) = records.next_shape().map_err(fail)? {
        let i = geometries.len();
        let (g, z) = match geometry(shape) {
            Ok(Some(shaped)) => {
                measured |= shaped.measured;
                (Some(shaped.geometry), shaped.z)
            }
            Ok(None) => (None, None),
            Err(message) => {
                warn(format!(
                    "record {}: {message}; read without a geometry",
                    i + 1
                ));
                (None, None)
            }
        };
        geometries.push(g);
        heights.push(z);
    }
    if measured {
        warn(M_LEFT_OUT.into());
    }
    match &crs {
        Some(crs) => {
            for (i, g) in geometries.iter_mut().enumerate() {
                if let Some(g) = g {
                    crs.to_wgs84(g)
                        .map_err(|e| fail(format!("record {}: {e}", i + 1)))?;
                }
            }
        }
        None if crs::looks_like_degrees(geometries.iter().flatten()) => {
            warn("no .prj beside the .shp: positions read as WGS84 longitude/latitude".into());
        }
        None => {
            return Err(fail(
                "no .prj beside the .shp says which coordinate reference system its positions \
                 are in, and they are not longitudes/latitudes: add the .prj (raidmap will not \
                 guess)"
                    .into(),
            ));
        }
    }
    // Each .dbf record becomes a feature as it is read (with its shape): no list of every
    // record's properties is held beside the file.
    let records = geometries.len();
    let mut features = Converted::default();
    let mut shapes = geometries.into_iter().zip(heights);
    let mut push = |properties: Map<String, Value>| {
        let (geometry, z) = shapes.next().unwrap_or_default();
        let json = geometry
            .as_ref()
            .map_or(Value::Null, |g| geojson_with_z(g, z.as_deref()));
        features.push(None, json, properties, geometry);
    };
    match dbf {
        Some(dbf) => attributes(dbf, cpg, records, push).map_err(fail)?,
        None => {
            warn("no .dbf beside the .shp: the features have no attributes".into());
            (0..records).for_each(|_| push(Map::new()));
        }
    }
    layer.features = features.finish(&mut layer.warnings);
    Ok(layer)
}

/// The records of a `.shp`, read one at a time from its source. Each record is checked before
/// the crate reads it: it lies inside the file, and its point and part counts fit its length.
struct ShpRecords<R> {
    source: R,
    /// The byte the next record starts at.
    at: usize,
    /// How many records have been read.
    count: usize,
    /// The record being read (reused from one record to the next).
    body: Vec<u8>,
}

/// Read from `source` until `buf` is full or the source ends; returns how many bytes came.
fn read_up_to(source: &mut impl Read, buf: &mut [u8]) -> Result<usize, String> {
    let mut got = 0;
    while got < buf.len() {
        match source.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("the .shp cannot be read: {e}")),
        }
    }
    Ok(got)
}

impl<R: Read> ShpRecords<R> {
    /// Check the `.shp`'s 100-byte header.
    fn new(mut source: R) -> Result<Self, String> {
        let mut header = [0u8; 100];
        let got = read_up_to(&mut source, &mut header)?;
        if got < 100 {
            return Err(format!(
                "the .shp is {got} bytes long, shorter than its 100-byte header"
            ));
        }
        if header[..4] != 9994i32.to_be_bytes() {
            return Err("the .shp does not start as a shapefile does (file code 9994)".into());
        }
        Ok(Self {
            source,
            at: 100,
            count: 0,
            body: Vec::new(),
        })
    }

    /// The next record's shape, or `None` at the end of the file (a record header cut short
    /// at the very end is left out, as before).
    fn next_shape(&mut self) -> Result<Option<Shape>, String> {
        let mut head = [0u8; 8];
        if read_up_to(&mut self.source, &mut head)? < 8 {
            return Ok(None);
        }
        let (n, at) = (self.count + 1, self.at);
        let words = i32::from_be_bytes([head[4], head[5], head[6], head[7]]);
        let length = usize::try_from(words)
            .ok()
            .and_then(|w| w.checked_mul(2))
            .filter(|l| *l >= 4)
            .ok_or_else(|| {
                format!(
                    "record {n} at byte {at} claims {} bytes, too few for a shape",
                    i64::from(words) * 2
                )
            })?;
        // Read what the file holds of the record: at most its length, however much it claims.
        self.body.clear();
        (&mut self.source)
            .take(length as u64)
            .read_to_end(&mut self.body)
            .map_err(|e| format!("the .shp cannot be read: {e}"))?;
        if self.body.len() < length {
            return Err(format!(
                "record {n} at byte {at} claims {length} bytes, but the .shp ends at byte {}",
                at + 8 + self.body.len()
            ));
        }
        check_record(&self.body, n, at)?;
        let shape = Shape::read_from(&mut Cursor::new(&self.body), words.saturating_mul(2))
            .map_err(|e| format!("record {n}: {e}"))?;
        self.at += 8 + length;
        self.count = n;
        Ok(Some(shape))
    }
}

/// Check that a `.shp` record's point and part counts fit its `body` (record `n`, at byte
/// `at`).
fn check_record(body: &[u8], n: usize, at: usize) -> Result<(), String> {
    let le = |b: &[u8], at: usize| i32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    let length = body.len();
    let shape_type = le(body, 0);
    let count_at = |offset: usize| -> Result<usize, String> {
        if body.len() < offset + 4 {
            return Err(format!(
                "record {n} at byte {at} is too short for its shape"
            ));
        }
        usize::try_from(le(body, offset))
            .map_err(|_| format!("record {n} at byte {at} has a negative count"))
    };
    let needed = match shape_type {
        0 => 4,
        1 | 11 | 21 => 20,
        3 | 5 | 13 | 15 | 23 | 25 | 31 => {
            let parts = count_at(36)?;
            let points = count_at(40)?;
            44usize
                .saturating_add(parts.saturating_mul(4))
                .saturating_add(points.saturating_mul(16))
        }
        8 | 18 | 28 => 40usize.saturating_add(count_at(36)?.saturating_mul(16)),
        other => {
            return Err(format!(
                "record {n} at byte {at} has unknown shape type {other}"
            ));
        }
    };
    if needed > length {
        return Err(format!(
            "record {n} at byte {at} claims more points or parts than its {length} bytes hold"
        ));
    }
    Ok(())
}

fn coords<P: HasXY>(points: &[P]) -> Vec<Coord<f64>> {
    points
        .iter()
        .map(|p| Coord { x: p.x(), y: p.y() })
        .collect()
}

/// What a shapefile point holds besides x and y: Z (PointZ) and a measure (PointM, PointZ;
/// values below -10^38 mean "no measure").
trait Extra: HasXY {
    fn z(&self) -> Option<f64> {
        None
    }
    fn m(&self) -> Option<f64> {
        None
    }
}

impl Extra for shapefile::Point {}

impl Extra for shapefile::PointM {
    fn m(&self) -> Option<f64> {
        (self.m > -1e38).then_some(self.m)
    }
}

impl Extra for shapefile::PointZ {
    fn z(&self) -> Option<f64> {
        Some(self.z)
    }
    fn m(&self) -> Option<f64> {
        (self.m > -1e38).then_some(self.m)
    }
}

/// A shape read: its 2-D geometry, the Z of each of its positions (in geo's order) for a Z
/// shape, and whether it held measures (which are not kept).
struct Shaped {
    geometry: Geometry<f64>,
    z: Option<Vec<f64>>,
    measured: bool,
}

impl Shaped {
    /// `runs`: the shape's points in the order of `geometry`'s positions.
    fn new<P: Extra>(geometry: Geometry<f64>, runs: &[&[P]]) -> Self {
        let points = || runs.iter().flat_map(|run| run.iter());
        Self {
            geometry,
            z: points().map(Extra::z).collect(),
            measured: points().any(|p| p.m().is_some()),
        }
    }
}

fn line<P: Extra>(parts: &[Vec<P>]) -> Option<Shaped> {
    let mut lines: Vec<LineString<f64>> = parts.iter().map(|p| LineString(coords(p))).collect();
    let geometry = match lines.len() {
        0 => return None,
        1 => Geometry::LineString(lines.pop()?),
        _ => Geometry::MultiLineString(MultiLineString(lines)),
    };
    let runs: Vec<&[P]> = parts.iter().map(Vec::as_slice).collect();
    Some(Shaped::new(geometry, &runs))
}

fn polygon<P: Extra>(rings: &[PolygonRing<P>]) -> Option<Shaped> {
    // Each polygon as its outer ring and holes, as point runs.
    let mut polygons: Vec<(&[P], Vec<&[P]>)> = Vec::new();
    let mut holes = Vec::new();
    for ring in rings {
        match ring {
            PolygonRing::Outer(points) => polygons.push((points.as_slice(), Vec::new())),
            PolygonRing::Inner(points) => holes.push(points.as_slice()),
        }
    }
    if polygons.is_empty() {
        // Rings all wound as holes: read them as outer rings, as GDAL does.
        polygons = holes.drain(..).map(|r| (r, Vec::new())).collect();
    }
    // Each hole goes into the polygon whose outer ring holds its first point (the last one
    // when none does), decided before any hole is added.
    let mut geo_polygons: Vec<Polygon<f64>> = polygons
        .iter()
        .map(|(outer, _)| Polygon::new(LineString(coords(outer)), Vec::new()))
        .collect();
    let targets: Vec<usize> = holes
        .iter()
        .map(|hole| {
            let inside = hole.first().and_then(|first| {
                let first = geo::Point::new(first.x(), first.y());
                geo_polygons.iter().position(|p| p.contains(&first))
            });
            inside.unwrap_or(polygons.len() - 1)
        })
        .collect();
    for (hole, at) in holes.into_iter().zip(targets) {
        polygons[at].1.push(hole);
        geo_polygons[at].interiors_push(LineString(coords(hole)));
    }
    let geometry = match geo_polygons.len() {
        0 => return None,
        1 => Geometry::Polygon(geo_polygons.pop()?),
        _ => Geometry::MultiPolygon(geo::MultiPolygon(geo_polygons)),
    };
    let runs: Vec<&[P]> = polygons
        .iter()
        .flat_map(|(outer, holes)| std::iter::once(*outer).chain(holes.iter().copied()))
        .collect();
    Some(Shaped::new(geometry, &runs))
}

/// A shape as a geometry (`None` for a null shape).
fn geometry(shape: Shape) -> Result<Option<Shaped>, String> {
    fn point<P: Extra>(p: P) -> Option<Shaped> {
        let geometry = Geometry::Point(geo::Point::new(p.x(), p.y()));
        Some(Shaped::new(geometry, &[std::slice::from_ref(&p)]))
    }
    Ok(match shape {
        Shape::NullShape => None,
        Shape::Point(p) => point(p),
        Shape::PointM(p) => point(p),
        Shape::PointZ(p) => point(p),
        Shape::Multipoint(m) => Some(multipoint(m.points())),
        Shape::MultipointM(m) => Some(multipoint(m.points())),
        Shape::MultipointZ(m) => Some(multipoint(m.points())),
        Shape::Polyline(l) => line(l.parts()),
        Shape::PolylineM(l) => line(l.parts()),
        Shape::PolylineZ(l) => line(l.parts()),
        Shape::Polygon(p) => polygon(p.rings()),
        Shape::PolygonM(p) => polygon(p.rings()),
        Shape::PolygonZ(p) => polygon(p.rings()),
        Shape::Multipatch(_) => return Err("a multipatch (3-D surface) is not read".into()),
    })
}

fn multipoint<P: Extra>(points: &[P]) -> Shaped {
    let geometry = Geometry::MultiPoint(MultiPoint(
        coords(points).into_iter().map(geo::Point::from).collect(),
    ));
    Shaped::new(geometry, &[points])
}

/// The attributes of the `.dbf`, one map per record, fields in their order.
fn attributes(
    mut dbf: impl Read + Seek,
    cpg: Option<&[u8]>,
    records: usize,
    mut each: impl FnMut(Map<String, Value>),
) -> Result<(), String> {
    use shapefile::dbase::FieldValue as F;
    let header = dbf_header(&mut dbf).map_err(|e| format!("the .dbf cannot be read: {e}"))?;
    let decimals = field_decimals(&header);
    let mut builder = shapefile::dbase::ReaderBuilder::new();
    // Without a .cpg and with no code page in the header (byte 29: 0, or 0x57 "ANSI"), text
    // is ISO-8859-1, as GDAL reads and writes it.
    let ansi = matches!(header.get(29), Some(0 | 0x57));
    let cpg = cpg.or(ansi.then_some(b"ISO-8859-1".as_slice()));
    if let Some(cpg) = cpg {
        let label = String::from_utf8_lossy(cpg);
        let encoding =
            shapefile::dbase::encoding::DynEncoding::from_name(&label).ok_or_else(|| {
                format!(
                    "the .cpg names the encoding \"{}\", which raidmap does not know",
                    label.trim()
                )
            })?;
        builder = builder.with_encoding(encoding);
    }
    let mut reader = builder
        .build(dbf)
        .map_err(|e| format!("the .dbf cannot be read: {e}"))?;
    let fields: Vec<(String, u8)> = reader
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| f.name() != "DeletionFlag")
        .map(|(i, f)| (f.name().to_owned(), decimals.get(i).copied().unwrap_or(0)))
        .collect();
    let mut read = 0;
    for (i, record) in reader.iter_records().take(records).enumerate() {
        let mut record = record.map_err(|e| format!(".dbf record {}: {e}", i + 1))?;
        let mut map = Map::new();
        for (name, decimals) in &fields {
            let value = match record.remove(name) {
                None | Some(F::Character(None) | F::Numeric(None) | F::Logical(None)) => {
                    Value::Null
                }
                Some(F::Float(None) | F::Date(None)) => Value::Null,
                Some(F::Character(Some(s)) | F::Memo(s)) => Value::String(s),
                Some(F::Numeric(Some(n))) => number(n, *decimals == 0),
                Some(F::Float(Some(n))) => number(f64::from(n), false),
                Some(F::Double(n) | F::Currency(n)) => number(n, false),
                Some(F::Integer(n)) => Value::from(n),
                Some(F::Logical(Some(b))) => Value::Bool(b),
                Some(F::Date(Some(d))) => {
                    Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
                }
                Some(F::DateTime(t)) => {
                    let (d, t) = (t.date(), t.time());
                    Value::String(format!(
                        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                        d.year(),
                        d.month(),
                        d.day(),
                        t.hours(),
                        t.minutes(),
                        t.seconds()
                    ))
                }
            };
            map.insert(name.clone(), value);
        }
        each(map);
        read += 1;
    }
    if read < records {
        return Err(format!(
            "the .dbf holds {read} records but the .shp {records}"
        ));
    }
    Ok(())
}

/// A number read from a `.dbf`: an integer when its field has no decimals and it is whole.
fn number(n: f64, whole: bool) -> Value {
    if whole && n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

/// The `.dbf`'s header (its first 32 bytes and its field descriptors: as many bytes as bytes
/// 8–9 say, at most 64 KiB), read from the start; the source is then put back at its start.
fn dbf_header(dbf: &mut (impl Read + Seek)) -> std::io::Result<Vec<u8>> {
    let mut header = Vec::new();
    dbf.rewind()?;
    dbf.by_ref().take(32).read_to_end(&mut header)?;
    if let Some(size) = header.get(8..10) {
        let size = u16::from_le_bytes([size[0], size[1]]);
        dbf.by_ref()
            .take(u64::from(size).saturating_sub(32))
            .read_to_end(&mut header)?;
    }
    dbf.rewind()?;
    Ok(header)
}

/// The decimal count of each field, read from the `.dbf`'s field descriptors (byte 17 of each
/// 32-byte descriptor, from byte 32 until the 0x0D terminator).
fn field_decimals(dbf: &[u8]) -> Vec<u8> {
    dbf.get(32..)
        .unwrap_or_default()
        .chunks_exact(32)
        .take_while(|d| d[0] != 0x0d)
        .map(|d| d[17])
        .collect()
}

/// The WGS84 `.prj` written beside every shapefile raidmap writes (as GDAL writes it).
const WGS84_PRJ: &str = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;

/// The kind of geometry a shapefile holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ShapeKind {
    Point,
    MultiPoint,
    Line,
    Polygon,
}

fn kind_of(g: &Geometry<f64>) -> Option<ShapeKind> {
    Some(match g {
        Geometry::Point(_) => ShapeKind::Point,
        Geometry::MultiPoint(_) => ShapeKind::MultiPoint,
        Geometry::Line(_) | Geometry::LineString(_) | Geometry::MultiLineString(_) => {
            ShapeKind::Line
        }
        Geometry::Polygon(_)
        | Geometry::MultiPolygon(_)
        | Geometry::Rect(_)
        | Geometry::Triangle(_) => ShapeKind::Polygon,
        Geometry::GeometryCollection(_) => return None,
    })
}

/// The files of a shapefile holding `layers` (`.shp`, `.shx`, `.dbf`, `.prj`, `.cpg`, each
/// as extension and bytes), or why it cannot hold them.
pub fn encode(layers: &[&Layer]) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    let table = Table::of(layers);
    let mut kind = None;
    for (i, row) in table.rows.iter().enumerate() {
        let Some(g) = &row.geometry else {
            return Err(format!(
                "feature {} has no geometry, which a Shapefile cannot hold; export to .gpkg or \
                 .fgb instead",
                i + 1
            ));
        };
        let this = kind_of(g).ok_or_else(|| {
            format!(
                "feature {} is a GeometryCollection, which a Shapefile cannot hold; export to \
                 .gpkg or .fgb instead",
                i + 1
            )
        })?;
        kind = Some(match (kind, this) {
            (None, this) => this,
            (Some(a), b) if a == b => a,
            (
                Some(ShapeKind::Point | ShapeKind::MultiPoint),
                ShapeKind::Point | ShapeKind::MultiPoint,
            ) => ShapeKind::MultiPoint,
            (Some(a), b) => {
                return Err(format!(
                    "a Shapefile holds one kind of geometry, and these features mix {} and {} \
                     (feature {}); export to .gpkg or .fgb, which hold any mix",
                    plural(a),
                    plural(b),
                    i + 1
                ));
            }
        });
    }
    let (mut shp, mut shx, mut dbf) = (
        Cursor::new(Vec::new()),
        Cursor::new(Vec::new()),
        Cursor::new(Vec::new()),
    );
    {
        let fields = dbf_fields(&table);
        let mut builder = shapefile::dbase::TableWriterBuilder::new();
        for field in &fields {
            let name = shapefile::dbase::FieldName::try_from(field.name.as_str())
                .map_err(|e| format!("column {}: {e:?}", field.name))?;
            builder = match field.kind {
                Kind::Integer => builder.add_numeric_field(name, 18, 0),
                Kind::Real => builder.add_numeric_field(name, 24, 15),
                Kind::Boolean => builder.add_logical_field(name),
                Kind::Text => builder.add_character_field(name, field.width),
            };
        }
        let mut writer = shapefile::Writer::new(
            shapefile::ShapeWriter::with_shx(&mut shp, &mut shx),
            builder.build_with_dest(&mut dbf),
        );
        // A layer with altitudes is written as PointZ/MultiPointZ/PolylineZ/PolygonZ (M
        // empty), as ogr2ogr writes it; positions without one get Z 0.
        let three_d = table.has_z();
        let kind = kind.unwrap_or(ShapeKind::Point);
        for row in &table.rows {
            let record = record(&fields, &row.properties);
            let g = row.geometry.as_ref().ok_or("no geometry")?;
            if three_d {
                let mut z = row.z.as_deref().unwrap_or_default().iter().copied();
                let point = |c: Coord<f64>| {
                    shapefile::PointZ::new(c.x, c.y, z.next().unwrap_or(0.0), shapefile::NO_DATA)
                };
                write_shape(&mut writer, kind, g, point, &record)?;
            } else {
                let point = |c: Coord<f64>| shapefile::Point::new(c.x, c.y);
                write_shape(&mut writer, kind, g, point, &record)?;
            }
        }
        if table.rows.is_empty() {
            return Err("there are no features to write".into());
        }
    }
    Ok(vec![
        ("shp", shp.into_inner()),
        ("shx", shx.into_inner()),
        ("dbf", dbf.into_inner()),
        ("prj", WGS84_PRJ.as_bytes().to_vec()),
        ("cpg", b"UTF-8".to_vec()),
    ])
}

fn plural(kind: ShapeKind) -> &'static str {
    match kind {
        ShapeKind::Point | ShapeKind::MultiPoint => "points",
        ShapeKind::Line => "lines",
        ShapeKind::Polygon => "polygons",
    }
}

/// What a point of a written shape needs to be (`Point` or `PointZ`).
trait ShpPoint: ShrinkablePoint + GrowablePoint + PartialEq + HasXY + Copy {}
impl<P: ShrinkablePoint + GrowablePoint + PartialEq + HasXY + Copy> ShpPoint for P {}

/// Write `g` as a shape of `kind` with its `record`, each position made a point by `point`
/// (called in geo's order of positions).
fn write_shape<P: ShpPoint + EsriShape, T: std::io::Write + std::io::Seek>(
    writer: &mut shapefile::Writer<T>,
    kind: ShapeKind,
    g: &Geometry<f64>,
    mut point: impl FnMut(Coord<f64>) -> P,
    record: &shapefile::dbase::Record,
) -> Result<(), String>
where
    GenericMultipoint<P>: EsriShape,
    GenericPolyline<P>: EsriShape,
    GenericPolygon<P>: EsriShape,
{
    match kind {
        ShapeKind::Point => {
            let Geometry::Point(p) = g else {
                return Err("mixed points".into());
            };
            writer.write_shape_and_record(&point(p.0), record)
        }
        ShapeKind::MultiPoint => writer.write_shape_and_record(
            &GenericMultipoint::new(geo::CoordsIter::coords_iter(g).map(point).collect()),
            record,
        ),
        ShapeKind::Line => writer.write_shape_and_record(&polyline(g, point), record),
        ShapeKind::Polygon => writer.write_shape_and_record(&shp_polygon(g, point), record),
    }
    .map_err(|e| e.to_string())
}

fn polyline<P: ShpPoint>(
    g: &Geometry<f64>,
    mut point: impl FnMut(Coord<f64>) -> P,
) -> GenericPolyline<P> {
    let mut part = |l: &LineString<f64>| l.0.iter().map(|c| point(*c)).collect();
    let parts: Vec<Vec<P>> = match g {
        Geometry::LineString(l) => vec![part(l)],
        Geometry::MultiLineString(m) => m.0.iter().map(part).collect(),
        Geometry::Line(l) => vec![part(&LineString::from(*l))],
        _ => Vec::new(),
    };
    GenericPolyline::with_parts(parts)
}

fn shp_polygon<P: ShpPoint>(
    g: &Geometry<f64>,
    mut point: impl FnMut(Coord<f64>) -> P,
) -> GenericPolygon<P> {
    let mut ring = |l: &LineString<f64>| l.0.iter().map(|c| point(*c)).collect();
    let polygons: Vec<Polygon<f64>> = match g {
        Geometry::Polygon(p) => vec![p.clone()],
        Geometry::MultiPolygon(m) => m.0.clone(),
        Geometry::Rect(r) => vec![r.to_polygon()],
        Geometry::Triangle(t) => vec![t.to_polygon()],
        _ => Vec::new(),
    };
    let mut rings = Vec::new();
    for p in &polygons {
        rings.push(PolygonRing::Outer(ring(p.exterior())));
        for r in p.interiors() {
            rings.push(PolygonRing::Inner(ring(r)));
        }
    }
    GenericPolygon::with_rings(rings)
}

/// A `.dbf` column: its (at most 10-byte, unique) name, the property it holds, its type and,
/// for text, its width in bytes.
struct DbfField {
    name: String,
    key: String,
    kind: Kind,
    width: u8,
}

/// dBase keeps at most this many bytes of text in a field.
const MAX_TEXT: usize = 254;

fn dbf_fields(table: &Table) -> Vec<DbfField> {
    let mut taken = HashSet::new();
    table
        .columns
        .iter()
        .map(|(key, kind)| {
            let mut name = truncate(key, 10).to_owned();
            let mut n = 1;
            while name.is_empty() || !taken.insert(name.to_ascii_lowercase()) {
                let suffix = format!("_{n}");
                name = format!("{}{suffix}", truncate(key, 10 - suffix.len()));
                n += 1;
            }
            let width = table
                .rows
                .iter()
                .filter_map(|r| r.properties.get(key).and_then(super::table::text))
                .map(|t| t.len().min(MAX_TEXT))
                .max()
                .unwrap_or(1)
                .max(1);
            DbfField {
                name,
                key: key.clone(),
                kind: *kind,
                width: u8::try_from(width).unwrap_or(u8::MAX),
            }
        })
        .collect()
}

/// The first at most `bytes` bytes of `s`, on a character boundary.
fn truncate(s: &str, bytes: usize) -> &str {
    let mut end = s.len().min(bytes);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn record(fields: &[DbfField], properties: &Map<String, Value>) -> shapefile::dbase::Record {
    use shapefile::dbase::FieldValue as F;
    let mut record = shapefile::dbase::Record::default();
    for field in fields {
        let value = properties.get(&field.key).filter(|v| !v.is_null());
        let value = match field.kind {
            Kind::Integer | Kind::Real => F::Numeric(value.and_then(Value::as_f64)),
            Kind::Boolean => F::Logical(value.and_then(Value::as_bool)),
            Kind::Text => F::Character(
                value
                    .and_then(super::table::text)
                    .map(|t| truncate(&t, MAX_TEXT).to_owned()),
            ),
        };
        record.insert(field.name.clone(), value);
    }
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read every record of a `.shp`, or say why not.
    fn check_shp(shp: &[u8]) -> Result<usize, String> {
        let mut records = ShpRecords::new(shp)?;
        while records.next_shape()?.is_some() {}
        Ok(records.count)
    }

    #[test]
    fn hostile_record_lengths_and_counts_are_refused_with_their_place() {
        let mut shp = vec![0u8; 100];
        shp[..4].copy_from_slice(&9994i32.to_be_bytes());
        shp[24..28].copy_from_slice(&i32::MAX.to_be_bytes());
        // A record claiming 2 GB.
        let mut huge = shp.clone();
        huge.extend_from_slice(&1i32.to_be_bytes());
        huge.extend_from_slice(&i32::MAX.to_be_bytes());
        huge.extend_from_slice(&[0u8; 20]);
        let err = check_shp(&huge).expect_err("refused");
        assert!(err.contains("record 1 at byte 100"), "{err}");
        // A polyline claiming a billion points in 48 bytes.
        let mut many = shp.clone();
        many.extend_from_slice(&1i32.to_be_bytes());
        many.extend_from_slice(&24i32.to_be_bytes());
        let mut body = vec![0u8; 48];
        body[..4].copy_from_slice(&3i32.to_le_bytes());
        body[36..40].copy_from_slice(&1i32.to_le_bytes());
        body[40..44].copy_from_slice(&1_000_000_000i32.to_le_bytes());
        many.extend_from_slice(&body);
        let err = check_shp(&many).expect_err("refused");
        assert!(err.contains("more points"), "{err}");
        // Truncated header.
        assert!(
            check_shp(&[0u8; 10])
                .expect_err("short")
                .contains("100-byte")
        );
    }

    #[test]
    fn round_trip_keeps_features_types_and_text() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[104,11],[105,11],[105,12],[104,12],[104,11]],[[104.2,11.2],[104.2,11.4],[104.4,11.4],[104.2,11.2]]]},
             "properties":{"name":"Compound ក","guards":12,"area_ha":3.5,"raided":true,"description_long":"x"}},
            {"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[100,10],[101,10],[101,11],[100,10]]],[[[102,10],[103,10],[103,11],[102,10]]]]},
             "properties":{"name":"B","guards":null,"area_ha":1,"raided":false}}]}"#;
        let layer = crate::io::read_str(text, "in.geojson").expect("read");
        let files = encode(&[&layer]).expect("encoded");
        let get = |ext: &str| {
            files
                .iter()
                .find(|(e, _)| *e == ext)
                .map(|(_, b)| b.clone())
        };
        let back = read_parts(Parts {
            name: "out.shp".into(),
            shp: get("shp").expect("shp"),
            dbf: get("dbf"),
            prj: get("prj"),
            cpg: get("cpg"),
        })
        .expect("read back");
        assert_eq!(back.features.len(), 2);
        // Shapefiles wind outer rings clockwise; compare the shapes, not the winding.
        let oriented = |g: Option<&Geometry<f64>>| {
            use geo::orient::{Direction, Orient as _};
            match g {
                Some(Geometry::Polygon(p)) => p.orient(Direction::Default),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(
            oriented(back.features[0].geometry()),
            oriented(layer.features[0].geometry())
        );
        assert_eq!(back.features[1].geometry_type(), Some("MultiPolygon"));
        let p = back.features[0].properties().expect("properties");
        assert_eq!(p["name"], "Compound ក");
        assert_eq!(p["guards"], 12);
        assert_eq!(p["area_ha"], 3.5);
        assert_eq!(p["raided"], true);
        assert_eq!(p["descriptio"], "x");
        assert!(back.features[1].properties().expect("p")["guards"].is_null());
    }
}

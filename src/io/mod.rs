//! Reading and writing layers: GeoJSON, KML/KMZ, CSV/TSV, GPX, Shapefile, GeoPackage,
//! FlatGeobuf and TopoJSON in; GeoJSON, CSV, GPX, Shapefile, GeoPackage and FlatGeobuf out;
//! atomic file writes; PostgreSQL/PostGIS tables in and out ([`postgis`]). Files in another
//! coordinate reference system are reprojected to WGS84 as they are read ([`crs`]).
//!
//! The GeoJSON reader checks RFC 7946 itself and reports every problem with its place; the
//! writer reproduces unedited features byte for byte; [`atomic::write_atomic`] never leaves a
//! half-written file behind. [`read_layers`] picks the reader by the file's content (then its
//! extension; a `postgresql://` address reads a table) and [`write_layers`] the writer, so the GUI and every command read and write the
//! same formats.

pub mod atomic;
pub mod convert;
pub mod crs;
pub mod csv;
pub mod format;
pub mod geojson;
pub mod limits;
pub mod postgis;
pub mod progress;
mod tabular;
pub mod topojson;
mod xml;

pub use self::atomic::{AtomicWriteError, write_atomic};
pub use self::format::{Detected, Format, OPEN_FILTERS, SAVE_FILTERS, detect};
pub use self::geojson::{
    Problem, ReadError, Severity, check_str, read_bytes, read_path, read_path_with, read_str,
    to_string, write_layer, write_merged,
};
pub use self::progress::{Progress, Stage};
// The formats in the folders by family keep their paths directly under `io`.
pub use self::tabular::{flatgeobuf, geopackage, shapefile};
pub use self::xml::{gpx, kml};

use std::path::Path;

use crate::model::Layer;

/// Whether the file at `path` begins as an age file does (read from its first bytes).
pub fn is_sealed_file(path: &Path) -> bool {
    use std::io::Read as _;
    let mut head = [0u8; 40];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    crate::evidence::seal::is_sealed(&head[..n])
}

/// Read a file as layers, in the format [`detect`] finds (content first, then extension): a
/// GeoJSON or CSV file gives one layer, a KML or KMZ file one per folder. Each layer remembers
/// the path. This is the one way every command and the GUI read a file. A sealed (age) file is
/// decrypted with the keys of [`crate::evidence::keys`] and read as what it holds.
pub fn read_layers(path: &Path) -> Result<Vec<Layer>, ReadError> {
    read_layers_with(path, &Progress::default())
}

/// [`read_layers`], reporting how far it got to `progress` and stopping with
/// [`ReadError::Cancelled`] when it is cancelled (GeoJSON is read in steps; KML and CSV files
/// are checked for a cancel once read).
pub fn read_layers_with(path: &Path, progress: &Progress) -> Result<Vec<Layer>, ReadError> {
    if let Some(address) = path.to_str().filter(|p| postgis::is_address(p)) {
        return postgis::read_address(address, progress).map(|layer| vec![layer]);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let text = |bytes: Vec<u8>, format: &'static str| {
        String::from_utf8(bytes).map_err(|e| {
            format_error(
                &name,
                format,
                None,
                format!(
                    "not UTF-8 text (byte {} is invalid); save it as UTF-8",
                    e.utf8_error().valid_up_to()
                ),
            )
        })
    };
    let read_file = || {
        std::fs::read(path).map_err(|source| ReadError::Io {
            path: path.to_owned(),
            source,
        })
    };
    // Shapefiles and FlatGeobuf are read from the file a record at a time, never whole.
    let open = || {
        std::fs::File::open(path).map_err(|source| ReadError::Io {
            path: path.to_owned(),
            source,
        })
    };
    // A sealed file is decrypted first; its format is then found from what it holds (and its
    // name without `.age`).
    let mut plain = None;
    let detected = if is_sealed_file(path) {
        let bytes = crate::evidence::keys::unseal(&read_file()?, &name)
            .map_err(|e| format_error(&name, "encrypted", None, e.to_string()))?
            .plaintext;
        let head = &bytes[..bytes.len().min(4096)];
        let detected = format::sniff(head, &path.with_extension(""));
        plain = Some(bytes);
        detected
    } else {
        detect(path)
    };
    if progress.cancelled() {
        return Err(ReadError::Cancelled { name });
    }
    let sealed = plain.is_some();
    let mut read = || match plain.take() {
        Some(bytes) => Ok(bytes),
        None => read_file(),
    };
    let format = match detected {
        Detected::Readable(format) => format,
        Detected::Unsupported(what) => {
            return Err(format_error(
                &name,
                what,
                None,
                format!(
                    "this is a {what} file, which raidmap does not read (it reads {})",
                    format::READABLE
                ),
            ));
        }
    };
    let mut layers = match format {
        Format::GeoJson if sealed => vec![geojson::read_owned(read()?, &name)?],
        Format::GeoJson => return read_path_with(path, progress).map(|l| vec![l]),
        Format::Kml => kml::read_kml(&text(read()?, "KML")?, &name)?,
        Format::Kmz => kml::read_kmz(&read()?, &name)?,
        Format::Csv => vec![csv::read_csv(&text(read()?, "CSV")?, &name)?],
        Format::Gpx => vec![gpx::read_gpx(&text(read()?, "GPX")?, &name)?],
        Format::Shapefile if sealed => shapefile::read_zip(&read()?, &name)?,
        Format::Shapefile if is_zip(path) => shapefile::read_zip_from(open()?, &name)?,
        Format::Shapefile => shapefile::read_path(path)?,
        Format::GeoPackage if sealed => geopackage::read_bytes(&read()?, &name)?,
        Format::GeoPackage => geopackage::read_path(path, &name)?,
        Format::FlatGeobuf if sealed => vec![flatgeobuf::read_fgb(&read()?, &name)?],
        Format::FlatGeobuf => vec![flatgeobuf::read_fgb_from(open()?, &name)?],
        Format::TopoJson => topojson::read_topojson(&read()?, &name)?,
    };
    if progress.cancelled() {
        return Err(ReadError::Cancelled { name });
    }
    for layer in &mut layers {
        layer.path = Some(path.to_owned());
    }
    Ok(layers)
}

/// Whether the file at `path` begins as a zip archive does.
fn is_zip(path: &Path) -> bool {
    use std::io::Read as _;
    let mut head = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"PK\x03\x04")
}

/// Read a file of any format as one layer: a KML or KMZ file with several folders becomes one
/// layer holding every folder's features in order (each keeps its `folder` property).
pub fn read_any(path: &Path) -> Result<Layer, ReadError> {
    let mut layers = read_layers(path)?;
    if layers.len() == 1 {
        return Ok(layers.remove(0));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let mut merged = Layer::new(name, crate::model::LayerKind::Data);
    merged.path = Some(path.to_owned());
    for layer in layers {
        merged.features.extend(layer.features);
        merged.warnings.extend(layer.warnings);
    }
    Ok(merged)
}

/// A [`ReadError`] for a KML, KMZ or CSV file, with one problem at `place` (line, column).
pub(crate) fn format_error(
    name: &str,
    format: &'static str,
    place: Option<(usize, usize)>,
    message: String,
) -> ReadError {
    ReadError::Format {
        name: name.to_owned(),
        format,
        problems: vec![Problem {
            severity: Severity::Error,
            line: place.map(|p| p.0),
            column: place.map(|p| p.1),
            path: String::new(),
            message,
        }],
    }
}

/// Save `layer` at `path`, atomically, in the format its extension names (GeoJSON, see
/// [`geojson::write`] for what is kept, unless the extension names another writable format).
pub fn write_layer_file(layer: &Layer, path: &Path) -> Result<(), AtomicWriteError> {
    write_merged_file(&[layer], path)
}

/// Write every feature of `layers` in `format` (one GeoJSON layer comes out as the object it
/// was read as; several merge into one FeatureCollection). This is the one way every command
/// and the GUI write layers.
pub fn write_layers(
    layers: &[&Layer],
    format: Format,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut out = out;
    match (format, layers) {
        (Format::Csv, _) => csv::write_csv(layers, &mut out),
        (Format::Gpx, _) => gpx::write_gpx(layers, &mut out),
        (Format::GeoPackage, _) => geopackage::write_gpkg(layers, &mut out),
        (Format::FlatGeobuf, _) => flatgeobuf::write_fgb(layers, &mut out),
        (Format::Shapefile, _) => Err(std::io::Error::other(
            "a Shapefile is several files (.shp, .shx, .dbf, .prj, .cpg): it can only be \
             written to a path ending in .shp",
        )),
        (_, [one]) => write_layer(one, &mut out),
        (_, many) => write_merged(many, &mut out),
    }
}

/// Save every feature of `layers` at `path`, atomically, in the format its extension names
/// ([`Format::writable`]; GeoJSON for any other).
/// A Shapefile is written as its several files, each atomically.
pub fn write_merged_file(layers: &[&Layer], path: &Path) -> Result<(), AtomicWriteError> {
    let format = Format::writable(path).unwrap_or(Format::GeoJson);
    if format == Format::Shapefile {
        let files = shapefile::encode(layers).map_err(|message| AtomicWriteError::Io {
            path: path.to_owned(),
            source: std::io::Error::other(message),
        })?;
        for (extension, bytes) in files {
            write_atomic(&path.with_extension(extension), |w| {
                std::io::Write::write_all(w, &bytes)
            })?;
        }
        return Ok(());
    }
    write_atomic(path, |w| write_layers(layers, format, w))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` buildings (polygons), roads (lines) and sites (points) as a big layer is read:
    /// lines and polygons from text keep only their box.
    fn buildings_text(n: usize, kinds: &[&str]) -> String {
        let features: Vec<String> = (0..n)
            .map(|i| {
                let (x, y) = (104.9 + i as f64 * 0.001, 11.5);
                let geometry = match kinds[i % kinds.len()] {
                    "Point" => format!(r#"{{"type":"Point","coordinates":[{x},{y}]}}"#),
                    "LineString" => format!(
                        r#"{{"type":"LineString","coordinates":[[{x},{y}],[{},{y}]]}}"#,
                        x + 0.0005
                    ),
                    _ => format!(
                        r#"{{"type":"Polygon","coordinates":[[[{x},{y}],[{x2},{y}],[{x2},{y2}],[{x},{y}]]]}}"#,
                        x2 = x + 0.0004,
                        y2 = y + 0.0003
                    ),
                };
                format!(
                    r#"{{"type":"Feature","id":{i},"geometry":{geometry},"properties":{{"name":"b{i}","levels":{}}}}}"#,
                    i % 4
                )
            })
            .collect();
        format!(
            "{{\"type\":\"FeatureCollection\",\"bbox\":[104.9,11.5,105.0,11.6],\"features\":[\n{}\n]}}",
            features.join(",\n")
        )
    }

    fn held(layer: &Layer) -> Vec<usize> {
        layer.features.iter().map(|f| f.held_bytes()).collect()
    }

    #[test]
    fn exporting_a_layer_leaves_its_features_holding_no_parsed_geometry_or_object() {
        let mixed = read_str(
            &buildings_text(12, &["Polygon", "LineString", "Point"]),
            "b.geojson",
        )
        .expect("valid");
        let polygons = read_str(&buildings_text(6, &["Polygon"]), "p.geojson").expect("valid");
        let before = (held(&mixed), held(&polygons));
        for format in [
            Format::GeoJson,
            Format::Csv,
            Format::Gpx,
            Format::GeoPackage,
            Format::FlatGeobuf,
        ] {
            let mut out = Vec::new();
            write_layers(&[&mixed, &polygons], format, &mut out).expect("written");
            assert!(!out.is_empty());
            write_layers(&[&mixed], format, &mut out).expect("written");
            assert_eq!(
                (held(&mixed), held(&polygons)),
                before,
                "{format:?} kept what it read"
            );
        }
        shapefile::encode(&[&polygons]).expect("one kind of geometry");
        assert_eq!(held(&polygons), before.1, "Shapefile kept what it read");
        // An edited layer's collection box is computed from every feature.
        let mut edited = mixed.clone();
        edited.features[0].set_property("name", serde_json::json!("renamed"));
        let held_edited = held(&edited)[1..].to_vec();
        let written = to_string(&edited);
        assert!(written.contains("\"bbox\""), "{written}");
        assert_eq!(held(&edited)[1..], held_edited, "the box kept what it read");
        // Kept: a geometry asked for by itself (the test would pass with nothing to keep).
        let _ = mixed.features[0].geometry();
        assert_ne!(held(&mixed), before.0);
    }
}

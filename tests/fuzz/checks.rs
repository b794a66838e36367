//! What every fuzz target checks, one function per reader, shared by the cargo-fuzz targets
//! (`fuzz_targets/*.rs`, through this crate's library) and by the stable test that replays
//! every corpus file (`tests/fuzz_corpora.rs` includes this file as a module).
//!
//! The property is the same for every reader: on any bytes it returns a layer or an error and
//! never panics; whatever it loads is written as GeoJSON that reads back with the same number
//! of features; and where raidmap also writes the format, writing the layer back to it does not
//! panic either (it may refuse, e.g. a Shapefile of mixed kinds).

use raidmap::model::Layer;

/// What a target runs on one input: it panics when a check fails.
pub type Check = fn(&[u8]);

/// The targets, by name: the corpus of each is `corpus/<name>/`.
pub const TARGETS: [(&str, Check); 8] = [
    ("geojson", geojson),
    ("kml", kml),
    ("csv", csv),
    ("gpx", gpx),
    ("shapefile", shapefile),
    ("flatgeobuf", flatgeobuf),
    ("geopackage", geopackage),
    ("topojson", topojson),
];

/// How a shapefile target input holds the files of one shapefile: the `.shp`, `.dbf`, `.prj`
/// and `.cpg` bytes in that order, joined by this separator (fewer parts leave the last files
/// out). An input that begins as a zip archive (`PK`) is read as a zipped shapefile instead.
pub const SHAPEFILE_PART_SEPARATOR: &[u8] = b"\n--raidmap-part--\n";

/// The GeoJSON written from `layer` reads back with as many features.
fn reads_back(layer: &Layer) {
    let text = raidmap::io::to_string(layer);
    let again = raidmap::io::read_str(&text, "again.geojson")
        .unwrap_or_else(|e| panic!("written GeoJSON does not read back: {e}\n{text}"));
    assert_eq!(
        again.features.len(),
        layer.features.len(),
        "written GeoJSON reads back with another number of features\n{text}"
    );
}

/// The GeoJSON reader.
pub fn geojson(data: &[u8]) {
    if let Ok(layer) = raidmap::io::read_bytes(data, "fuzz.geojson") {
        reads_back(&layer);
    }
}

/// The KML reader on UTF-8 text, the KMZ reader on anything else.
pub fn kml(data: &[u8]) {
    let layers = match std::str::from_utf8(data) {
        Ok(text) => raidmap::io::kml::read_kml(text, "fuzz.kml"),
        Err(_) => raidmap::io::kml::read_kmz(data, "fuzz.kmz"),
    };
    for layer in layers.iter().flatten() {
        reads_back(layer);
    }
}

/// The CSV/TSV reader on UTF-8 text; what it loads is also written as CSV.
pub fn csv(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(layer) = raidmap::io::csv::read_csv(text, "fuzz.csv") else {
        return;
    };
    reads_back(&layer);
    let mut out = Vec::new();
    raidmap::io::csv::write_csv(&[&layer], &mut out).expect("CSV to memory");
}

/// The GPX reader on UTF-8 text; what it loads is also written as GPX.
pub fn gpx(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(layer) = raidmap::io::gpx::read_gpx(text, "fuzz.gpx") else {
        return;
    };
    reads_back(&layer);
    let mut out = Vec::new();
    raidmap::io::gpx::write_gpx(&[&layer], &mut out).expect("GPX to memory");
}

/// The Shapefile reader on the parts of [`SHAPEFILE_PART_SEPARATOR`], or on a zip archive;
/// what it loads is also encoded as a shapefile.
pub fn shapefile(data: &[u8]) {
    use raidmap::io::shapefile as shp;
    let layers = if data.starts_with(b"PK") {
        shp::read_zip(data, "fuzz.zip")
    } else {
        let mut parts = split(data, SHAPEFILE_PART_SEPARATOR).into_iter();
        let mut next = || parts.next().map(<[u8]>::to_vec);
        let shp_bytes = next().unwrap_or_default();
        shp::read_parts(shp::Parts {
            name: "fuzz.shp".into(),
            shp: shp_bytes,
            dbf: next(),
            prj: next(),
            cpg: next(),
        })
        .map(|layer| vec![layer])
    };
    for layer in layers.iter().flatten() {
        reads_back(layer);
        let _ = shp::encode(&[layer]);
    }
}

/// `data` cut at every `separator`.
pub fn split<'a>(data: &'a [u8], separator: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(at) = rest.windows(separator.len()).position(|w| w == separator) {
        parts.push(&rest[..at]);
        rest = &rest[at + separator.len()..];
    }
    parts.push(rest);
    parts
}

/// The FlatGeobuf reader; what it loads is also written as FlatGeobuf.
pub fn flatgeobuf(data: &[u8]) {
    let Ok(layer) = raidmap::io::flatgeobuf::read_fgb(data, "fuzz.fgb") else {
        return;
    };
    reads_back(&layer);
    let mut out = Vec::new();
    let _ = raidmap::io::flatgeobuf::write_fgb(&[&layer], &mut out);
}

/// The GeoPackage reader (through a temporary copy, as a decrypted GeoPackage is read).
pub fn geopackage(data: &[u8]) {
    for layer in raidmap::io::geopackage::read_bytes(data, "fuzz.gpkg")
        .iter()
        .flatten()
    {
        reads_back(layer);
    }
}

/// The TopoJSON reader.
pub fn topojson(data: &[u8]) {
    for layer in raidmap::io::topojson::read_topojson(data, "fuzz.topojson")
        .iter()
        .flatten()
    {
        reads_back(layer);
    }
}

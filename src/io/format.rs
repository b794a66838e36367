//! Which format a file is in, judged by its content first and its extension second, so a
//! `.json` file holding GPX is read as GPX, and a file raidmap cannot read says what it looks
//! like ("this is a GML file") rather than failing as something else. Also the one list of
//! formats the file dialogs offer ([`OPEN_FILTERS`], [`SAVE_FILTERS`]).

use std::io::Read as _;
use std::path::Path;

/// The formats raidmap reads (`Debug` gives the name shown to people).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    Kml,
    Kmz,
    Csv,
    Gpx,
    /// A `.shp` with its `.dbf`, `.prj`… beside it, or a `.zip` holding them.
    Shapefile,
    GeoPackage,
    FlatGeobuf,
    /// Read only.
    TopoJson,
}

impl std::fmt::Debug for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a file's content and extension say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detected {
    Readable(Format),
    /// A format raidmap does not read, by its usual name.
    Unsupported(&'static str),
}

impl Format {
    /// The format's usual name: `GeoJSON`, `KML`…
    pub fn name(self) -> &'static str {
        match self {
            Format::GeoJson => "GeoJSON",
            Format::Kml => "KML",
            Format::Kmz => "KMZ",
            Format::Csv => "CSV",
            Format::Gpx => "GPX",
            Format::Shapefile => "Shapefile",
            Format::GeoPackage => "GeoPackage",
            Format::FlatGeobuf => "FlatGeobuf",
            Format::TopoJson => "TopoJSON",
        }
    }

    /// The format a path's extension names; GeoJSON for anything else (`.geojson`, `.json`…).
    pub fn of(path: &Path) -> Self {
        match extension(path).as_str() {
            "kml" => Format::Kml,
            "kmz" => Format::Kmz,
            "csv" | "tsv" | "txt" | "psv" => Format::Csv,
            "gpx" => Format::Gpx,
            "shp" | "shx" | "dbf" | "zip" => Format::Shapefile,
            "gpkg" => Format::GeoPackage,
            "fgb" => Format::FlatGeobuf,
            "topojson" => Format::TopoJson,
            _ => Format::GeoJson,
        }
    }

    /// The format `export -o PATH` and *Export…* write for a path, by its extension; `None`
    /// when raidmap cannot write that format (or the extension names none).
    pub fn writable(path: &Path) -> Option<Self> {
        match extension(path).as_str() {
            "geojson" | "json" => Some(Format::GeoJson),
            "csv" => Some(Format::Csv),
            "gpx" => Some(Format::Gpx),
            "shp" => Some(Format::Shapefile),
            "gpkg" => Some(Format::GeoPackage),
            "fgb" => Some(Format::FlatGeobuf),
            _ => None,
        }
    }
}

/// The formats raidmap reads, for messages.
pub const READABLE: &str = "GeoJSON, KML/KMZ, CSV/TSV, GPX, Shapefile (or a .zip of one), GeoPackage, FlatGeobuf and TopoJSON";

/// The extensions `export` writes, for messages.
pub const WRITABLE: &str = ".geojson, .json, .csv, .gpx, .shp, .gpkg, .fgb";

/// Name and extensions of each entry of the Open dialog's filter list, the first holding every
/// readable extension.
pub const OPEN_FILTERS: &[(&str, &[&str])] = &[
    (
        "Map data",
        &[
            "geojson", "json", "kml", "kmz", "csv", "tsv", "txt", "gpx", "shp", "zip", "gpkg",
            "fgb", "topojson",
        ],
    ),
    ("GeoJSON", &["geojson", "json"]),
    ("KML / KMZ", &["kml", "kmz"]),
    ("CSV / TSV", &["csv", "tsv", "txt"]),
    ("GPX", &["gpx"]),
    ("Shapefile (.shp or .zip)", &["shp", "zip"]),
    ("GeoPackage", &["gpkg"]),
    ("FlatGeobuf", &["fgb"]),
    ("TopoJSON", &["topojson", "json"]),
];

/// Name and extension of each format the Export dialog offers, the first the default.
pub const SAVE_FILTERS: &[(&str, &[&str])] = &[
    ("GeoJSON", &["geojson"]),
    ("CSV", &["csv"]),
    ("GPX", &["gpx"]),
    ("GeoPackage", &["gpkg"]),
    ("Shapefile", &["shp"]),
    ("FlatGeobuf", &["fgb"]),
];

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// What the file at `path` is, from its first bytes and then its extension. A file that
/// cannot be opened is judged by its extension (reading it then reports why), and so is
/// anything that is not a regular file (a named pipe or a device can be read only once: it is
/// left for the reader).
pub fn detect(path: &Path) -> Detected {
    let mut head = Vec::with_capacity(HEAD);
    if std::fs::metadata(path).is_ok_and(|m| m.is_file())
        && let Ok(file) = std::fs::File::open(path)
    {
        let _ = file.take(HEAD as u64).read_to_end(&mut head);
    }
    sniff(&head, path)
}

/// How many bytes [`detect`] looks at.
const HEAD: usize = 4096;

/// What bytes starting a file say it is, with `path`'s extension deciding between text
/// formats that look alike.
pub fn sniff(head: &[u8], path: &Path) -> Detected {
    use Detected::{Readable, Unsupported};
    let by_extension = Readable(Format::of(path));
    if head.starts_with(b"PK\x03\x04") {
        return match extension(path).as_str() {
            "kmz" => Readable(Format::Kmz),
            "zip" => Readable(Format::Shapefile),
            "xlsx" => Unsupported("Excel"),
            "docx" => Unsupported("Word"),
            "ods" => Unsupported("OpenDocument"),
            _ => Readable(Format::Kmz),
        };
    }
    if head.starts_with(b"SQLite format 3\0") {
        // A GeoPackage says so in the header's application id (GPKG, or GP10/GP11 before 1.2).
        let id = head.get(68..72).unwrap_or_default();
        return if matches!(id, b"GPKG" | b"GP10" | b"GP11")
            || Format::of(path) == Format::GeoPackage
        {
            Readable(Format::GeoPackage)
        } else {
            Unsupported("SQLite (not GeoPackage)")
        };
    }
    if head.starts_with(b"fgb\x03") {
        return Readable(Format::FlatGeobuf);
    }
    if head.starts_with(&[0x00, 0x00, 0x27, 0x0a]) {
        return Readable(Format::Shapefile);
    }
    if head.starts_with(b"%PDF") {
        return Unsupported("PDF");
    }
    if head.starts_with(b"\x89PNG") || head.starts_with(b"\xff\xd8\xff") {
        return Unsupported("PNG or JPEG image");
    }
    if head.starts_with(b"\x1f\x8b") {
        return Unsupported("gzip");
    }
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('<') {
        return match xml_root(text).as_deref() {
            Some("kml") => Readable(Format::Kml),
            Some("gpx") => Readable(Format::Gpx),
            Some("FeatureCollection" | "featureMembers") => Unsupported("GML"),
            Some("html") => Unsupported("HTML"),
            Some("svg") => Unsupported("SVG"),
            Some("osm") => Unsupported("OpenStreetMap XML"),
            // A bare KML `Document` or `Folder` (no `<kml>` root), or XML the KML reader
            // explains.
            _ if by_extension == Readable(Format::Kml) => by_extension,
            Some("Document" | "Folder") => Readable(Format::Kml),
            _ => Unsupported("XML"),
        };
    }
    if text.starts_with('{') || text.starts_with('[') {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.contains(r#""type":"Topology""#) {
            return Readable(Format::TopoJson);
        }
        return Readable(Format::GeoJson);
    }
    by_extension
}

/// The local name of the first element of XML text (after declarations and comments).
fn xml_root(text: &str) -> Option<String> {
    let mut rest = text;
    loop {
        let start = rest.find('<')?;
        rest = &rest[start + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .collect();
        let local = name.rsplit(':').next().unwrap_or_default().to_owned();
        return Some(local);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_over_the_extension() {
        let p = Path::new("x.json");
        assert_eq!(
            sniff(b"<?xml version='1.0'?>\n<kml xmlns='x'>", p),
            Detected::Readable(Format::Kml)
        );
        assert_eq!(
            sniff(b"\xef\xbb\xbf<gpx version=\"1.1\">", p),
            Detected::Readable(Format::Gpx)
        );
        assert_eq!(
            sniff(
                b"{ \"type\" : \"Topology\", \"objects\": {}}",
                Path::new("t.geojson")
            ),
            Detected::Readable(Format::TopoJson)
        );
        assert_eq!(
            sniff(b"PK\x03\x04rest", Path::new("a.kml")),
            Detected::Readable(Format::Kmz)
        );
        assert_eq!(
            sniff(b"name,lat,lon\n", Path::new("a.csv")),
            Detected::Readable(Format::Csv)
        );
        assert_eq!(
            sniff(b"", Path::new("a.geojson")),
            Detected::Readable(Format::GeoJson)
        );
    }
}

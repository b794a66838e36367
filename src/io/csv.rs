//! CSV and TSV in (points from latitude/longitude columns, or any geometry from a WKT column),
//! and CSV out (points as latitude/longitude, other geometries as WKT).
//!
//! Reading (as GDAL and csv2geojson read it): a UTF-8 byte order mark is skipped; the separator
//! is the one of comma, semicolon, tab and pipe that splits the header into the most columns.
//! Coordinates come from a latitude column (`lat`, `latitude`, `y`, `geom_y`) and a longitude
//! column (`lon`, `lng`, `long`, `longitude`, `x`, `geom_x`), matched ignoring case and
//! surrounding spaces, or else from a WKT column (`wkt`, `geometry`, `geom`, `the_geom`). Every
//! other column becomes a text property, in column order. Coordinates may be decimal degrees or
//! degree notation as GPS units and spreadsheets write it (`23°N`, `23°30'15"N`,
//! `104° 55.5' E`, `N 11.5`; S and W are negative). In a semicolon-, tab- or pipe-separated
//! file a coordinate written with a decimal comma (`11,262`, as spreadsheets in many locales
//! save it) is read as a decimal number. Values otherwise stay text: CSV has no types, and guessing them
//! is how other tools turn an id `007` into `7`, so values stay exactly as written. A row whose
//! coordinates cannot be read is skipped and reported as a warning with its line number; a row
//! with empty coordinates becomes a feature without geometry; a file whose every row is skipped is
//! an error. Nothing here panics on any input.

use serde_json::{Map, Value};

use super::convert::Converted;
use super::{ReadError, format_error};
use crate::model::{Layer, LayerKind, Problem, Severity};

const LAT_NAMES: [&str; 4] = ["lat", "latitude", "y", "geom_y"];
const LON_NAMES: [&str; 6] = ["lon", "lng", "long", "longitude", "x", "geom_x"];
const WKT_NAMES: [&str; 4] = ["wkt", "geometry", "geom", "the_geom"];

/// Where a row's geometry comes from: the latitude/longitude pair when both are filled in,
/// else the WKT column (a file written by [`write_csv`] has both).
struct Columns {
    lat_lon: Option<(usize, usize)>,
    wkt: Option<usize>,
    /// Whether `11,262` means 11.262 (only where the comma is not the separator).
    decimal_comma: bool,
}

/// Read CSV or TSV text into one layer named `name`.
pub fn read_csv(text: &str, name: &str) -> Result<Layer, ReadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let separator = separator_of(text.lines().next().unwrap_or_default());
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = headers(&mut reader, name)?;
    let columns = geometry_columns(&headers, separator, name)?;
    let mut is_geometry = vec![false; headers.len()];
    for i in columns
        .lat_lon
        .into_iter()
        .flat_map(|(a, b)| [a, b])
        .chain(columns.wkt)
    {
        is_geometry[i] = true;
    }

    let mut layer = Layer::new(name, LayerKind::Data);
    let mut features = Converted::default();
    let mut skipped = 0usize;
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize);
                layer
                    .warnings
                    .push(row_warning(line, &format!("row skipped: {e}")));
                skipped += 1;
                continue;
            }
        };
        let line = record.position().map(|p| p.line() as usize);
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let geometry = match row_geometry(&columns, &record) {
            Ok(g) => g,
            Err(message) => {
                layer
                    .warnings
                    .push(row_warning(line, &format!("row skipped: {message}")));
                skipped += 1;
                continue;
            }
        };
        let properties = row_properties(&headers, &is_geometry, &record);
        let json = geometry.as_ref().map_or(Value::Null, |g| {
            serde_json::to_value(geojson::Geometry::from(g)).unwrap_or(Value::Null)
        });
        features.push(None, json, properties, geometry);
    }
    if features.is_empty() && skipped > 0 {
        return Err(every_row_skipped(name, skipped, &mut layer.warnings));
    }
    layer.features = features.finish(&mut layer.warnings);
    Ok(layer)
}

/// The one of comma, semicolon, tab and pipe that splits the header line into the most columns.
fn separator_of(header_line: &str) -> u8 {
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|&s| header_line.bytes().filter(|&b| b == s).count())
        .unwrap_or(b',')
}

/// The header's column names.
fn headers(reader: &mut csv::Reader<&[u8]>, name: &str) -> Result<Vec<String>, ReadError> {
    Ok(reader
        .headers()
        .map_err(|e| {
            format_error(
                name,
                "CSV",
                Some((1, 1)),
                format!("cannot read the header: {e}"),
            )
        })?
        .iter()
        .map(str::to_owned)
        .collect())
}

/// The columns the geometry comes from; a header with none of them is an error.
fn geometry_columns(headers: &[String], separator: u8, name: &str) -> Result<Columns, ReadError> {
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.contains(&h.trim().to_ascii_lowercase().as_str()))
    };
    let lat_lon = find(&LAT_NAMES).zip(find(&LON_NAMES));
    let wkt = find(&WKT_NAMES);
    if lat_lon.is_none() && wkt.is_none() {
        return Err(format_error(
            name,
            "CSV",
            Some((1, 1)),
            format!(
                "no coordinate columns in the header {headers:?}: expected a latitude column \
                 ({}) and a longitude column ({}), or a WKT column ({})",
                LAT_NAMES.join("/"),
                LON_NAMES.join("/"),
                WKT_NAMES.join("/")
            ),
        ));
    }
    Ok(Columns {
        lat_lon,
        wkt,
        decimal_comma: separator != b',',
    })
}

/// Every column but the geometry's as a text property, in column order.
fn row_properties(
    headers: &[String],
    is_geometry: &[bool],
    record: &csv::StringRecord,
) -> Map<String, Value> {
    let mut properties = Map::new();
    for (i, header) in headers.iter().enumerate() {
        if is_geometry[i] {
            continue;
        }
        let value = record.get(i).unwrap_or_default();
        properties.insert(header.clone(), Value::String(value.to_owned()));
    }
    properties
}

/// The error for a file whose every row was skipped, followed by the rows' warnings.
fn every_row_skipped(name: &str, skipped: usize, warnings: &mut Vec<Problem>) -> ReadError {
    let mut problems = vec![Problem {
        severity: Severity::Error,
        line: None,
        column: None,
        path: String::new(),
        message: format!(
            "every row was skipped ({skipped} row{}); nothing could be read",
            if skipped == 1 { "" } else { "s" }
        ),
    }];
    problems.append(warnings);
    ReadError::Format {
        name: name.to_owned(),
        format: "CSV",
        problems,
    }
}

fn row_geometry(
    columns: &Columns,
    record: &csv::StringRecord,
) -> Result<Option<geo::Geometry<f64>>, String> {
    let filled = |i: usize| record.get(i).is_some_and(|v| !v.trim().is_empty());
    match (columns.lat_lon, columns.wkt) {
        (Some((lat, lon)), Some(wkt)) if !filled(lat) && !filled(lon) => from_wkt(record.get(wkt)),
        (Some((lat, lon)), _) => lat_lon(record.get(lat), record.get(lon), columns.decimal_comma),
        (None, Some(wkt)) => from_wkt(record.get(wkt)),
        (None, None) => Ok(None),
    }
}

fn row_warning(line: Option<usize>, message: &str) -> Problem {
    Problem {
        severity: Severity::Warning,
        line,
        column: line.map(|_| 1),
        path: String::new(),
        message: message.to_owned(),
    }
}

/// A point from latitude and longitude text; both empty means no geometry.
fn lat_lon(
    lat: Option<&str>,
    lon: Option<&str>,
    decimal_comma: bool,
) -> Result<Option<geo::Geometry<f64>>, String> {
    let (lat, lon) = (
        lat.unwrap_or_default().trim(),
        lon.unwrap_or_default().trim(),
    );
    if lat.is_empty() && lon.is_empty() {
        return Ok(None);
    }
    let lat = coordinate(lat, Axis::Latitude, decimal_comma)?;
    let lon = coordinate(lon, Axis::Longitude, decimal_comma)?;
    if !(-90.0..=90.0).contains(&lat) {
        return Err(format!(
            "latitude {lat} is outside -90..90 (are the columns swapped?)"
        ));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(format!("longitude {lon} is outside -180..180"));
    }
    Ok(Some(geo::Geometry::Point(geo::Point::new(lon, lat))))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Axis {
    Latitude,
    Longitude,
}

/// A coordinate in decimal degrees (`11.262`, or `11,262` with `decimal_comma`) or degree
/// notation (`23°30'15"N`, `104° 55.5' E`, `N 11.5`, `-11°`).
fn coordinate(text: &str, axis: Axis, decimal_comma: bool) -> Result<f64, String> {
    let what = match axis {
        Axis::Latitude => "latitude",
        Axis::Longitude => "longitude",
    };
    let comma = decimal_comma && text.matches(',').count() == 1 && !text.contains('.');
    let text_with_point = if comma {
        text.replace(',', ".")
    } else {
        text.to_owned()
    };
    if let Ok(v) = text_with_point.parse::<f64>() {
        return if v.is_finite() {
            Ok(v)
        } else {
            Err(format!("{what} {text:?} is not a finite number"))
        };
    }
    degrees(&text_with_point, axis).map_err(|why| {
        format!(
            "{what} {text:?} is not a number{why} (write decimal degrees with a point, e.g. \
             11.262, or degrees like 11°15'43\"N)"
        )
    })
}

/// Degree notation: an optional hemisphere letter first or last, then degrees, minutes and
/// seconds separated by `°`, `'`, `"` (or their typographic forms) and spaces.
fn degrees(text: &str, axis: Axis) -> Result<f64, String> {
    let text = text.trim();
    let first = text.chars().next().map(|c| c.to_ascii_uppercase());
    let last = text.chars().last().map(|c| c.to_ascii_uppercase());
    let (hemisphere, rest) = match (first, last) {
        (Some(c @ ('N' | 'S' | 'E' | 'W')), _) => (Some(c), &text[1..]),
        (_, Some(c @ ('N' | 'S' | 'E' | 'W'))) => (Some(c), &text[..text.len() - 1]),
        _ => (None, text),
    };
    let sign = match (hemisphere, axis) {
        (None | Some('N'), Axis::Latitude) | (None | Some('E'), Axis::Longitude) => 1.0,
        (Some('S'), Axis::Latitude) | (Some('W'), Axis::Longitude) => -1.0,
        (Some(c), _) => {
            return Err(format!(
                " ({c} is not a hemisphere of a {}",
                match axis {
                    Axis::Latitude => "latitude; are the columns swapped?)",
                    Axis::Longitude => "longitude; are the columns swapped?)",
                }
            ));
        }
    };
    const MARKS: [char; 9] = ['°', 'º', '\'', '"', '′', '″', '’', '”', ' '];
    if rest.chars().any(|c| {
        !(c.is_ascii_digit() || c == '.' || c == '-' || MARKS.contains(&c) || c.is_whitespace())
    }) {
        return Err(String::new());
    }
    let parts: Vec<&str> = rest
        .split(|c: char| MARKS.contains(&c) || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    let numbers: Vec<f64> = parts
        .iter()
        .map(|p| p.parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect::<Option<_>>()
        .ok_or_else(String::new)?;
    let (degrees, minutes, seconds) = match numbers.as_slice() {
        [d] => (*d, 0.0, 0.0),
        [d, m] => (*d, *m, 0.0),
        [d, m, s] => (*d, *m, *s),
        _ => return Err(String::new()),
    };
    if !(0.0..60.0).contains(&minutes) || !(0.0..60.0).contains(&seconds) {
        return Err(" (minutes and seconds must be below 60)".into());
    }
    let value = degrees.abs() + minutes / 60.0 + seconds / 3600.0;
    let negative = degrees.is_sign_negative();
    Ok(if negative { -value } else { value } * sign)
}

/// A geometry from WKT text; empty means no geometry.
fn from_wkt(text: Option<&str>) -> Result<Option<geo::Geometry<f64>>, String> {
    let text = text.unwrap_or_default().trim();
    if text.is_empty() {
        return Ok(None);
    }
    let parsed: wkt::Wkt<f64> = text
        .parse()
        .map_err(|e| format!("WKT {:?} cannot be read: {e}", truncate(text)))?;
    let geometry = geo::Geometry::try_from(parsed)
        .map_err(|e| format!("WKT {:?} is not a supported geometry: {e}", truncate(text)))?;
    checked(geometry, text).map(Some)
}

/// `geometry` if GeoJSON can carry it (RFC 7946: rings of four positions or more, lines of
/// two, finite numbers), judged by the GeoJSON reader itself, so a converted file always
/// reads back. WKT allows `POLYGON ((104 11, 104 11))`; GeoJSON does not.
fn checked(geometry: geo::Geometry<f64>, text: &str) -> Result<geo::Geometry<f64>, String> {
    let json = serde_json::to_string(&geojson::Geometry::from(&geometry))
        .map_err(|e| format!("WKT {:?} cannot be written as GeoJSON: {e}", truncate(text)))?;
    let feature = format!(r#"{{"type":"Feature","geometry":{json},"properties":null}}"#);
    let (_, problems) = super::geojson::check_str(&feature, "wkt");
    match problems.iter().find(|p| p.is_error()) {
        Some(problem) => Err(format!(
            "WKT {:?} is not a valid GeoJSON geometry: {}",
            truncate(text),
            problem.message
        )),
        None => Ok(geometry),
    }
}

fn truncate(text: &str) -> String {
    let mut t: String = text.chars().take(40).collect();
    if t.len() < text.len() {
        t.push('…');
    }
    t
}

/// Write features as CSV: `latitude,longitude` for points (empty for other geometries),
/// `wkt` for other geometries, then one column per property key in order of first appearance.
/// Nested values (lists, objects) are written as JSON text.
pub fn write_csv(layers: &[&Layer], out: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut keys: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for layer in layers {
        for f in &layer.features {
            for k in f.property_keys() {
                if !seen.contains(k.as_ref()) {
                    seen.insert(k.to_string());
                    keys.push(k.into_owned());
                }
            }
        }
    }
    let mut writer = csv::Writer::from_writer(out);
    let mut header = vec![
        "id".to_owned(),
        "latitude".into(),
        "longitude".into(),
        "wkt".into(),
    ];
    header.extend(keys.iter().cloned());
    writer.write_record(&header)?;
    for layer in layers {
        for f in &layer.features {
            // Read without keeping: exporting a layer of 300,000 buildings must not leave each
            // holding its parsed object or geometry.
            let mut row = vec![f.id_text_unkept().unwrap_or_default()];
            f.with_geometry(|g| match g {
                Some(geo::Geometry::Point(p)) => {
                    row.extend([p.y().to_string(), p.x().to_string(), String::new()]);
                }
                Some(other) => {
                    use wkt::ToWkt as _;
                    row.extend([String::new(), String::new(), other.wkt_string()]);
                }
                None => row.extend([String::new(), String::new(), String::new()]),
            });
            f.with_properties(|p| {
                row.extend(keys.iter().map(|k| match p.and_then(|p| p.get(k)) {
                    None | Some(Value::Null) => String::new(),
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                }));
            });
            writer.write_record(&row)?;
        }
    }
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latitude_and_longitude_columns_are_found_in_any_case_and_separator() {
        for text in [
            "Name,LAT,Lng\nMango Park,11.262,104.66\n",
            "Name;Latitude;LONGITUDE\nMango Park;11.262;104.66\n",
            "Name\ty\tx\nMango Park\t11.262\t104.66\n",
        ] {
            let layer = read_csv(text, "t.csv").expect("readable");
            assert_eq!(layer.features.len(), 1, "{text}");
            assert!(!layer.is_edited(), "converted, not edited");
            let f = &layer.features[0];
            assert_eq!(
                f.geometry(),
                Some(&geo::Geometry::Point(geo::Point::new(104.66, 11.262)))
            );
            // Column names are kept as written.
            assert_eq!(
                f.property("Name"),
                Some(&Value::String("Mango Park".into()))
            );
        }
    }

    #[test]
    fn decimal_commas_are_read_where_the_comma_is_not_the_separator() {
        let layer =
            read_csv("name;lat;lon\nMango Park;11,262;104,66\n", "t.csv").expect("readable");
        assert_eq!(
            layer.features[0].geometry(),
            Some(&geo::Geometry::Point(geo::Point::new(104.66, 11.262)))
        );
        // With commas as separators, "11,262" is two fields: the row has no valid latitude,
        // and a file whose every row is skipped is an error.
        let err = read_csv("name,lat,lon\nx,\"11,262\",104\n", "t.csv").expect_err("no rows");
        assert!(err.to_string().contains("every row was skipped"), "{err}");
    }

    #[test]
    fn values_stay_text_exactly_as_written() {
        let layer = read_csv("id,lat,lon,detained\n007,11,104,63\n", "t.csv").expect("readable");
        let f = &layer.features[0];
        assert_eq!(f.property("id"), Some(&Value::String("007".into())));
        assert_eq!(f.property("detained"), Some(&Value::String("63".into())));
    }

    #[test]
    fn a_wkt_geometry_geojson_cannot_carry_is_an_unreadable_row() {
        // Found by the fuzzer: a two-position ring was read and then written as invalid GeoJSON.
        let text = "id\twkt\n1\tPOLYGON ((104 11, 104 11))\n2\tPOINT (104.9 11.5)\n3\tLINESTRING (104 11)\n";
        let layer = read_csv(text, "t.tsv").expect("readable");
        assert_eq!(layer.features.len(), 1);
        let lines: Vec<_> = layer.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [Some(2), Some(4)]);
        assert!(
            layer.warnings[0]
                .message
                .contains("linear ring needs at least 4 positions"),
            "{}",
            layer.warnings[0]
        );
        let again = crate::io::read_str(&crate::io::to_string(&layer), "again");
        assert!(again.is_ok());
    }

    #[test]
    fn unreadable_rows_are_skipped_and_reported_with_their_line() {
        let text = "name,lat,lon\na,11,104\nb,abc,104\nc,,\nd,95,104\ne,\"11\",\"105\"\n";
        let layer = read_csv(text, "t.csv").expect("readable");
        let names: Vec<_> = layer
            .features
            .iter()
            .map(|f| f.name().unwrap_or("?"))
            .collect();
        assert_eq!(names, ["a", "c", "e"]);
        assert!(layer.features[1].geometry().is_none());
        let lines: Vec<_> = layer.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [Some(3), Some(5)]);
        assert!(
            layer.warnings[0].message.contains("\"abc\""),
            "{}",
            layer.warnings[0]
        );
        assert!(
            layer.warnings[1].message.contains("swapped"),
            "{}",
            layer.warnings[1]
        );
    }

    #[test]
    fn a_wkt_column_gives_any_geometry() {
        let text = "name,WKT\nwall,\"POLYGON((104 11,104.1 11,104.1 11.1,104 11.1,104 11))\"\nbad,\"POLYGON((\"\n";
        let layer = read_csv(text, "t.csv").expect("readable");
        assert_eq!(layer.features.len(), 1);
        assert!(matches!(
            layer.features[0].geometry(),
            Some(geo::Geometry::Polygon(_))
        ));
        assert_eq!(layer.features[0].object()["geometry"]["type"], "Polygon");
        assert_eq!(layer.warnings.len(), 1);
    }

    #[test]
    fn a_file_without_coordinate_columns_is_an_error_that_names_the_header() {
        let err = read_csv("name,province\nx,Takeo\n", "t.csv").expect_err("no coordinates");
        assert!(err.to_string().contains("latitude"), "{err}");
        assert!(read_csv("", "empty.csv").is_err());
    }

    #[test]
    fn csv_out_has_points_as_coordinates_and_other_shapes_as_wkt() {
        let layer =
            read_csv("name,lat,lon,tags\nMango Park,11.262,104.66,x\n", "t.csv").expect("readable");
        let mut wall =
            read_csv("name,wkt\nwall,\"LINESTRING(104 11,105 12)\"\n", "w.csv").expect("readable");
        wall.features[0].set_property("tags", serde_json::json!(["a", "b"]));
        let mut out = Vec::new();
        write_csv(&[&layer, &wall], &mut out).expect("written");
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "id,latitude,longitude,wkt,name,tags");
        assert_eq!(lines[1], ",11.262,104.66,,Mango Park,x");
        assert_eq!(
            lines[2],
            r#",,,"LINESTRING(104 11,105 12)",wall,"[""a"",""b""]""#
        );
        // What is written reads back.
        let back = read_csv(&text, "back.csv").expect("readable");
        assert_eq!(back.features.len(), 2);
    }

    #[test]
    fn pipes_degree_notation_other_headers_and_a_byte_order_mark_are_read() {
        let text =
            "\u{feff}Name|GEOM_Y|geom_x\na|23°30'15\"N|104° 55.5' E\nb|N 11.5|W 1\nc|-11°|104\n";
        let layer = read_csv(text, "t.csv").expect("readable");
        let points: Vec<(f64, f64)> = layer
            .features
            .iter()
            .filter_map(|f| f.point())
            .map(|c| (c.y, c.x))
            .collect();
        assert_eq!(points.len(), 3, "{:?}", layer.warnings);
        assert!((points[0].0 - (23.0 + 30.0 / 60.0 + 15.0 / 3600.0)).abs() < 1e-12);
        assert!((points[0].1 - (104.0 + 55.5 / 60.0)).abs() < 1e-12);
        assert_eq!(points[1], (11.5, -1.0));
        assert_eq!(points[2], (-11.0, 104.0));
        let layer = read_csv("Lat,Long\n11°N,104°E\n12°E,104\n", "t.csv").expect("readable");
        assert_eq!(layer.features.len(), 1);
        assert!(
            layer.warnings[0].message.contains("swapped"),
            "{}",
            layer.warnings[0]
        );
    }
}

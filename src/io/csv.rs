//! CSV and TSV in (points from latitude/longitude columns, or any geometry from a WKT column),
//! and CSV out (points as latitude/longitude, other geometries as WKT).
//!
//! Reading: the separator is the one of comma, semicolon and tab that splits the header into
//! the most columns. Coordinates come from a latitude column (`lat`, `latitude`, `y`) and a
//! longitude column (`lon`, `lng`, `long`, `longitude`, `x`), matched ignoring case and
//! surrounding spaces, or else from a WKT column (`wkt`, `geometry`, `geom`, `the_geom`). Every
//! other column becomes a text property, in column order. In a semicolon- or tab-separated file
//! a coordinate written with a decimal comma (`11,262`, as spreadsheets in many locales save it)
//! is read as a decimal number. Values otherwise stay text: CSV has no types, and guessing them
//! is how other tools turn an id `007` into `7`, so values stay exactly as written. A row whose
//! coordinates cannot be read is skipped and reported as a warning with its line number; a row
//! with empty coordinates becomes a feature without geometry. Nothing here panics on any input.

use serde_json::{Map, Value};

use super::{ReadError, format_error};
use crate::model::{Feature, Layer, LayerKind, Problem, Severity};

const LAT_NAMES: [&str; 3] = ["lat", "latitude", "y"];
const LON_NAMES: [&str; 5] = ["lon", "lng", "long", "longitude", "x"];
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
    let header_line = text.lines().next().unwrap_or_default();
    let separator = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&s| header_line.bytes().filter(|&b| b == s).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
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
        .collect();
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
    let columns = Columns {
        lat_lon,
        wkt,
        decimal_comma: separator != b',',
    };
    let geometry_columns: Vec<usize> = lat_lon
        .map(|(a, b)| vec![a, b])
        .unwrap_or_default()
        .into_iter()
        .chain(wkt)
        .collect();

    let mut layer = Layer::new(name, LayerKind::Data);
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize);
                layer
                    .warnings
                    .push(row_warning(line, &format!("row skipped: {e}")));
                continue;
            }
        };
        let line = record.position().map(|p| p.line() as usize);
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let geometry = row_geometry(&columns, &record);
        let geometry = match geometry {
            Ok(g) => g,
            Err(message) => {
                layer
                    .warnings
                    .push(row_warning(line, &format!("row skipped: {message}")));
                continue;
            }
        };
        let mut properties = Map::new();
        for (i, header) in headers.iter().enumerate() {
            if geometry_columns.contains(&i) {
                continue;
            }
            let value = record.get(i).unwrap_or_default();
            properties.insert(header.clone(), Value::String(value.to_owned()));
        }
        layer.features.push(match geometry {
            Some(g) => Feature::new(g, properties).as_read(),
            None => {
                let mut object = Map::new();
                object.insert("type".into(), Value::String("Feature".into()));
                object.insert("geometry".into(), Value::Null);
                object.insert("properties".into(), Value::Object(properties));
                Feature::from_parts(object, None, None).as_read()
            }
        });
    }
    Ok(layer)
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
    let number = |text: &str, what: &str| {
        let comma = decimal_comma && text.matches(',').count() == 1 && !text.contains('.');
        let text_with_point = if comma {
            text.replace(',', ".")
        } else {
            text.to_owned()
        };
        text_with_point
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{what} {text:?} is not a number (write decimal degrees with a point, e.g. 11.262)"))
    };
    let (lat, lon) = (number(lat, "latitude")?, number(lon, "longitude")?);
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
    for layer in layers {
        for f in &layer.features {
            for k in f.properties().into_iter().flat_map(|p| p.keys()) {
                if !keys.contains(k) {
                    keys.push(k.clone());
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
            let mut row = vec![f.id_text().unwrap_or_default()];
            match f.geometry() {
                Some(geo::Geometry::Point(p)) => {
                    row.extend([p.y().to_string(), p.x().to_string(), String::new()]);
                }
                Some(other) => {
                    use wkt::ToWkt as _;
                    row.extend([String::new(), String::new(), other.wkt_string()]);
                }
                None => row.extend([String::new(), String::new(), String::new()]),
            }
            for k in &keys {
                row.push(match f.property(k) {
                    None | Some(Value::Null) => String::new(),
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                });
            }
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
        // With commas as separators, "11,262" is two fields: the row has no valid latitude.
        let layer = read_csv("name,lat,lon\nx,\"11,262\",104\n", "t.csv").expect("readable");
        assert!(layer.features.is_empty());
        assert_eq!(layer.warnings.len(), 1);
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
}

//! GDAL as the oracle: the same KML, GPX and CSV files read by `ogr2ogr -f GeoJSON` and by
//! `raidmap export` give the same features in the same order at the same positions. GDAL
//! (gdal-bin) is installed by `.ci/run`; without `ogr2ogr` these tests fail, never pass.
//! Known, deliberate difference: a tuple with a space inside (`104 11 , 105,12`) is skipped by
//! raidmap with a warning naming the placemark, where GDAL reads it as `[104, 105, 12]` (a
//! latitude of 105), so the files here hold only tuples both readers agree on.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn ogr2ogr(input: &Path, out: &Path, extra: &[&str]) -> Value {
    let run = Command::new("ogr2ogr")
        .args(["-f", "GeoJSON"])
        .arg(out)
        .arg(input)
        .args(extra)
        .output()
        .expect("ogr2ogr runs (apt-get install gdal-bin; .ci/run installs it)");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(out).expect("written")).expect("GeoJSON")
}

fn raidmap(input: &Path, out: &Path) -> Value {
    let run = Command::new(env!("CARGO_BIN_EXE_raidmap"))
        .arg("export")
        .arg(input)
        .arg("-o")
        .arg(out)
        .output()
        .expect("raidmap runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(out).expect("written")).expect("GeoJSON")
}

/// Every feature's positions, 2-D, in order.
fn positions(collection: &Value) -> Vec<Vec<(f64, f64)>> {
    fn walk(v: &Value, out: &mut Vec<(f64, f64)>) {
        match v {
            Value::Array(items) if items.first().is_some_and(Value::is_number) => {
                out.push((
                    items[0].as_f64().unwrap_or(f64::NAN),
                    items[1].as_f64().unwrap_or(f64::NAN),
                ));
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    collection["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            let mut out = Vec::new();
            walk(&f["geometry"]["coordinates"], &mut out);
            out
        })
        .collect()
}

fn assert_same_positions(ours: &Value, gdal: &Value) {
    let (a, b) = (positions(ours), positions(gdal));
    assert_eq!(a.len(), b.len(), "feature counts differ");
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(x.len(), y.len(), "feature {i}: {x:?} vs {y:?}");
        for (p, q) in x.iter().zip(y) {
            assert!(
                (p.0 - q.0).abs() < 1e-9 && (p.1 - q.1).abs() < 1e-9,
                "feature {i}: {p:?} vs {q:?}"
            );
        }
    }
}

#[test]
fn kml_points_lines_and_polygons_match_gdal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let kml = dir.path().join("sites.kml");
    std::fs::write(
        &kml,
        r#"<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>
        <Placemark><name>a</name><Point><coordinates>104.9,11.5,3</coordinates></Point></Placemark>
        <Placemark><name>b</name><LineString><coordinates>
          104,11	105,12
          106,12.5 </coordinates></LineString></Placemark>
        <Placemark><name>c</name><Polygon><outerBoundaryIs><LinearRing><coordinates>
          104,11 104.1,11 104.1,11.1 104,11.1 104,11</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
        </Document></kml>"#,
    )
    .expect("written");
    let ours = raidmap(&kml, &dir.path().join("ours.geojson"));
    let gdal = ogr2ogr(&kml, &dir.path().join("gdal.geojson"), &[]);
    assert_same_positions(&ours, &gdal);
    let names = |v: &Value, key: &str| -> Vec<String> {
        v["features"]
            .as_array()
            .expect("features")
            .iter()
            .map(|f| f["properties"][key].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    // GDAL's KML driver calls the placemark's name `Name`.
    assert_eq!(names(&ours, "name"), names(&gdal, "Name"));
}

#[test]
fn gpx_waypoints_and_tracks_match_gdal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let gpx = dir.path().join("walk.gpx");
    std::fs::write(
        &gpx,
        r#"<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">
        <wpt lat="11.5" lon="104.9"><name>Gate</name></wpt>
        <wpt lat="11.6" lon="104.8"><name>Dorm</name></wpt>
        <trk><name>Walk</name><trkseg><trkpt lat="11" lon="104"/><trkpt lat="11.01" lon="104.01"/></trkseg>
        <trkseg><trkpt lat="12" lon="105"/><trkpt lat="12.01" lon="105.01"/></trkseg></trk></gpx>"#,
    )
    .expect("written");
    let ours = raidmap(&gpx, &dir.path().join("ours.geojson"));
    let waypoints = ogr2ogr(&gpx, &dir.path().join("w.geojson"), &["waypoints"]);
    let tracks = ogr2ogr(&gpx, &dir.path().join("t.geojson"), &["tracks"]);
    let mut gdal = waypoints.clone();
    let all: Vec<Value> = waypoints["features"]
        .as_array()
        .expect("features")
        .iter()
        .chain(tracks["features"].as_array().expect("features"))
        .cloned()
        .collect();
    gdal["features"] = Value::Array(all);
    assert_same_positions(&ours, &gdal);
}

#[test]
fn csv_points_match_gdal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("raids.csv");
    std::fs::write(
        &csv,
        "name,lat,lon\na,11.262,104.66\nb,12.5,103.1\nc,10.61,104.18\n",
    )
    .expect("written");
    let ours = raidmap(&csv, &dir.path().join("ours.geojson"));
    let gdal = ogr2ogr(
        &csv,
        &dir.path().join("gdal.geojson"),
        &["-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat"],
    );
    assert_same_positions(&ours, &gdal);
}

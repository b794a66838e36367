//! GDAL as the oracle: the same KML, GPX, CSV, Shapefile, GeoPackage, FlatGeobuf and TopoJSON
//! files read by `ogr2ogr -f GeoJSON` and by `raidmap export` give the same features in the
//! same order at the same positions (and, for the table formats, the same properties). Files
//! GDAL writes (in UTM zone 48N, EPSG:32648, as Cambodian GIS offices send them) are read by
//! raidmap, and files raidmap writes are read by GDAL. GDAL (gdal-bin) is installed by
//! `.ci/run`; without `ogr2ogr` these tests fail, never pass.
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
    let run = crate::util::command()
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

/// Points, lines and polygons (one with a hole) with text (Khmer and accented), integer, real
/// and boolean properties, and a null.
fn sample(kind: &str) -> String {
    let features = match kind {
        "points" => vec![
            (
                r#"{"type":"Point","coordinates":[104.9167,11.55]}"#,
                r#"{"name":"Gate ក","guards":12,"area":3.5,"raided":true,"note":"café"}"#,
            ),
            (
                r#"{"type":"Point","coordinates":[103.5,10.6]}"#,
                r#"{"name":"Dorm","guards":3,"area":1.25,"raided":false,"note":null}"#,
            ),
            (
                r#"{"type":"Point","coordinates":[102.9876543,12.3456789]}"#,
                r#"{"name":"Pier","guards":0,"area":0.1,"raided":true,"note":"x"}"#,
            ),
        ],
        "lines" => vec![
            (
                r#"{"type":"LineString","coordinates":[[104,11],[104.5,11.2],[105,11.1]]}"#,
                r#"{"name":"Road","lanes":2}"#,
            ),
            (
                r#"{"type":"MultiLineString","coordinates":[[[103,10],[103.1,10.1]],[[103.2,10.2],[103.3,10.25]]]}"#,
                r#"{"name":"Fence","lanes":0}"#,
            ),
        ],
        _ => vec![
            (
                r#"{"type":"Polygon","coordinates":[[[104,11],[104,12],[105,12],[105,11],[104,11]],[[104.2,11.2],[104.4,11.2],[104.4,11.4],[104.2,11.2]]]}"#,
                r#"{"name":"Compound","ha":3.5}"#,
            ),
            (
                r#"{"type":"MultiPolygon","coordinates":[[[[100,10],[100,11],[101,11],[100,10]]],[[[102,10],[102,11],[103,11],[102,10]]]]}"#,
                r#"{"name":"Farms","ha":120.25}"#,
            ),
        ],
    };
    let features: Vec<String> = features
        .into_iter()
        .map(|(g, p)| format!(r#"{{"type":"Feature","geometry":{g},"properties":{p}}}"#))
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

fn gdal(args: &[&str]) {
    let run = Command::new("ogr2ogr")
        .args(args)
        .output()
        .expect("ogr2ogr runs (apt-get install gdal-bin; .ci/run installs it)");
    assert!(
        run.status.success(),
        "ogr2ogr {args:?}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// What GDAL reads from `input` (its layer `layer`, if given), in WGS84.
fn gdal_reads(input: &Path, layer: Option<&str>, dir: &Path) -> Value {
    let out = dir.join(format!(
        "gdal-{}-{}.geojson",
        input.file_name().expect("name").to_string_lossy(),
        layer.unwrap_or("all")
    ));
    let mut extra = vec!["-t_srs", "EPSG:4326"];
    extra.extend(layer);
    ogr2ogr(input, &out, &extra)
}

/// What raidmap reads from `input`, exported as GeoJSON.
fn raidmap_reads(input: &Path, dir: &Path) -> Value {
    raidmap(
        input,
        &dir.join(format!(
            "ours-{}.geojson",
            input.file_name().expect("name").to_string_lossy()
        )),
    )
}

/// Only the features of one GDAL layer (raidmap writes every layer of a file into one
/// collection, in order; each feature keeps no layer name, so the test splits by position).
fn slice(v: &Value, from: usize, len: usize) -> Value {
    let features = v["features"].as_array().expect("features");
    serde_json::json!({"type": "FeatureCollection", "features": features[from..from + len]})
}

/// A property value as both readers can agree on it: numbers as f64, and GDAL's text for a
/// dBase logical field ("t"/"f" before GDAL 3.7) as a boolean.
fn normal(v: &Value) -> Value {
    match v {
        Value::Number(n) => serde_json::json!(n.as_f64()),
        Value::String(s) if s == "t" || s == "T" => Value::Bool(true),
        Value::String(s) if s == "f" || s == "F" => Value::Bool(false),
        other => other.clone(),
    }
}

/// Same positions (to `tolerance` degrees) and the same properties, feature by feature.
fn assert_same_features(ours: &Value, gdal: &Value, tolerance: f64) {
    let (a, b) = (positions(ours), positions(gdal));
    assert_eq!(a.len(), b.len(), "feature counts differ");
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(x.len(), y.len(), "feature {i}: {x:?} vs {y:?}");
        for (p, q) in x.iter().zip(y) {
            assert!(
                (p.0 - q.0).abs() < tolerance && (p.1 - q.1).abs() < tolerance,
                "feature {i}: {p:?} vs {q:?}"
            );
        }
    }
    let features = |v: &Value| v["features"].as_array().expect("features").clone();
    for (i, (f, g)) in features(ours).iter().zip(features(gdal)).enumerate() {
        let props = |v: &Value| -> Vec<(String, Value)> {
            v["properties"]
                .as_object()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), normal(v))).collect())
                .unwrap_or_default()
        };
        assert_eq!(props(f), props(&g), "feature {i}: properties differ");
        assert_eq!(
            f["geometry"]["type"], g["geometry"]["type"],
            "feature {i}: geometry types differ"
        );
    }
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("written");
    path
}

#[test]
fn shapefiles_gdal_writes_in_utm_48n_read_as_gdal_reads_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    for kind in ["points", "lines", "polygons"] {
        let input = write(dir.path(), &format!("{kind}.geojson"), &sample(kind));
        // UTF-8 with a .cpg, and GDAL's default (ISO-8859-1, no .cpg) for the other kinds.
        let shp = dir.path().join(format!("{kind}.shp"));
        let mut args = vec!["-f", "ESRI Shapefile", "-t_srs", "EPSG:32648"];
        if kind == "points" {
            args.extend(["-lco", "ENCODING=UTF-8"]);
        }
        let (shp_s, input_s) = (shp.to_string_lossy(), input.to_string_lossy());
        args.extend([shp_s.as_ref(), input_s.as_ref()]);
        gdal(&args);
        assert!(dir.path().join(format!("{kind}.prj")).exists());
        let ours = raidmap_reads(&shp, dir.path());
        let theirs = gdal_reads(&shp, None, dir.path());
        // Reprojection: proj4rs against PROJ, within a millimetre.
        assert_same_features(&ours, &theirs, 1e-8);
    }
}

#[test]
fn geojson_gdal_writes_in_utm_48n_with_a_crs_member_reads_as_gdal_reads_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    for kind in ["points", "lines", "polygons"] {
        let input = write(dir.path(), &format!("{kind}.geojson"), &sample(kind));
        // What QGIS and GDAL write when a layer is saved as GeoJSON in its own CRS: positions
        // in metres and an obsolete "crs" member naming urn:ogc:def:crs:EPSG::32648.
        let utm = dir.path().join(format!("{kind}-utm.geojson"));
        let (u, i) = (utm.to_string_lossy(), input.to_string_lossy());
        gdal(&["-f", "GeoJSON", "-t_srs", "EPSG:32648", &u, &i]);
        let text = std::fs::read_to_string(&utm).expect("written");
        assert!(text.contains("EPSG::32648"), "{text}");
        let ours = raidmap_reads(&utm, dir.path());
        assert!(ours.get("crs").is_none(), "the export is RFC 7946: {ours}");
        let theirs = gdal_reads(&utm, None, dir.path());
        assert_same_features(&ours, &theirs, 1e-8);
        // And where the positions were before GDAL projected them.
        let original: Value = serde_json::from_str(&sample(kind)).expect("json");
        assert_same_features(&ours, &original, 1e-8);
    }
}

#[test]
fn a_geojson_crs_member_raidmap_cannot_read_is_an_error_unless_positions_are_degrees() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = |name: &str, x: f64, y: f64| {
        write(
            dir.path(),
            name,
            &format!(
                r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"local site grid"}}}},
                "features":[{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{x},{y}]}},"properties":{{}}}}]}}"#
            ),
        )
    };
    let metres = file("metres.geojson", 491_000.0, 1_277_000.0);
    let run = crate::util::command()
        .arg("info")
        .arg(&metres)
        .output()
        .expect("raidmap runs");
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("local site grid") && stderr.contains("not longitudes/latitudes"),
        "{stderr}"
    );
    let degrees = file("degrees.geojson", 104.9, 11.55);
    let run = crate::util::command()
        .arg("info")
        .arg(&degrees)
        .output()
        .expect("raidmap runs");
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    assert!(String::from_utf8_lossy(&run.stderr).contains("obsolete 2008"));
}

#[test]
fn a_zipped_shapefile_reads_as_gdal_reads_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = write(dir.path(), "polygons.geojson", &sample("polygons"));
    let zip = dir.path().join("parcels.shp.zip");
    let (z, i) = (zip.to_string_lossy(), input.to_string_lossy());
    gdal(&["-f", "ESRI Shapefile", "-t_srs", "EPSG:32648", &z, &i]);
    let ours = raidmap_reads(&zip, dir.path());
    let theirs = gdal_reads(&zip, None, dir.path());
    assert_same_features(&ours, &theirs, 1e-8);
}

#[test]
fn shapefiles_raidmap_writes_read_in_gdal_as_in_raidmap() {
    let dir = tempfile::tempdir().expect("temp dir");
    for kind in ["points", "lines", "polygons"] {
        let input = write(dir.path(), &format!("{kind}.geojson"), &sample(kind));
        let shp = dir.path().join(format!("out-{kind}.shp"));
        let run = crate::util::raidmap(&[
            "export".as_ref(),
            input.as_os_str(),
            "-o".as_ref(),
            shp.as_os_str(),
        ]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        for ext in ["shx", "dbf", "prj", "cpg"] {
            assert!(shp.with_extension(ext).exists(), "{ext} written");
        }
        let theirs = gdal_reads(&shp, None, dir.path());
        let original = raidmap_reads(&input, dir.path());
        // What GDAL reads back is what was exported (positions exactly as written).
        assert_same_features(&original, &theirs, 1e-12);
    }
    // A mix of points and lines cannot be one shapefile: refused, nothing written.
    let mixed = write(
        dir.path(),
        "mixed.geojson",
        &sample("points").replace(
            r#"{"type":"Point","coordinates":[103.5,10.6]}"#,
            r#"{"type":"LineString","coordinates":[[103.5,10.6],[103.6,10.7]]}"#,
        ),
    );
    let out = dir.path().join("mixed.shp");
    let run = crate::util::raidmap(&[
        "export".as_ref(),
        mixed.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("one kind of geometry"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn geopackages_read_and_written_as_gdal_reads_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    // GDAL writes two tables: points in UTM 48N, polygons in WGS84.
    let gpkg = dir.path().join("survey.gpkg");
    let points = write(dir.path(), "points.geojson", &sample("points"));
    let polygons = write(dir.path(), "polygons.geojson", &sample("polygons"));
    let g = gpkg.to_string_lossy();
    gdal(&[
        "-f",
        "GPKG",
        "-t_srs",
        "EPSG:32648",
        "-nln",
        "sites",
        &g,
        &points.to_string_lossy(),
    ]);
    gdal(&[
        "-f",
        "GPKG",
        "-update",
        "-nln",
        "parcels",
        &g,
        &polygons.to_string_lossy(),
    ]);
    let ours = raidmap_reads(&gpkg, dir.path());
    let sites = gdal_reads(&gpkg, Some("sites"), dir.path());
    let parcels = gdal_reads(&gpkg, Some("parcels"), dir.path());
    assert_same_features(&slice(&ours, 0, 3), &sites, 1e-8);
    assert_same_features(&slice(&ours, 3, 2), &parcels, 1e-12);

    // raidmap writes one table per layer; GDAL reads them back as exported.
    let out = dir.path().join("out.gpkg");
    let run = crate::util::raidmap(&[
        "export".as_ref(),
        points.as_os_str(),
        polygons.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let info = Command::new("ogrinfo")
        .arg(&out)
        .output()
        .expect("ogrinfo runs");
    let listing = String::from_utf8_lossy(&info.stdout);
    assert!(
        listing.contains("1: points (Point)") && listing.contains("2: polygons"),
        "{listing}"
    );
    assert!(!String::from_utf8_lossy(&info.stderr).contains("ERROR"));
    assert_same_features(
        &raidmap_reads(&points, dir.path()),
        &gdal_reads(&out, Some("points"), dir.path()),
        1e-12,
    );
    assert_same_features(
        &raidmap_reads(&polygons, dir.path()),
        &gdal_reads(&out, Some("polygons"), dir.path()),
        1e-12,
    );
}

#[test]
fn flatgeobuf_read_and_written_as_gdal_reads_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    for kind in ["points", "lines", "polygons"] {
        let input = write(dir.path(), &format!("{kind}.geojson"), &sample(kind));
        let fgb = dir.path().join(format!("{kind}.fgb"));
        gdal(&[
            "-f",
            "FlatGeobuf",
            "-t_srs",
            "EPSG:32648",
            &fgb.to_string_lossy(),
            &input.to_string_lossy(),
        ]);
        let ours = raidmap_reads(&fgb, dir.path());
        let theirs = gdal_reads(&fgb, None, dir.path());
        assert_same_features(&ours, &theirs, 1e-8);

        let out = dir.path().join(format!("out-{kind}.fgb"));
        let run = crate::util::raidmap(&[
            "export".as_ref(),
            input.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        // The spatial index orders features along a Hilbert curve: compare the file as
        // each reader reads it.
        let ours = raidmap_reads(&out, dir.path());
        let theirs = gdal_reads(&out, None, dir.path());
        assert_same_features(&ours, &theirs, 1e-12);
        assert_eq!(
            positions(&ours).len(),
            positions(&raidmap_reads(&input, dir.path())).len()
        );
    }
}

#[test]
fn topojson_reads_as_gdal_reads_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Quantized, with a shared arc (the border of two districts) used forwards and backwards.
    let topo = write(
        dir.path(),
        "districts.topojson",
        r#"{"type":"Topology",
        "transform":{"scale":[0.001,0.001],"translate":[104,11]},
        "objects":{"districts":{"type":"GeometryCollection","geometries":[
          {"type":"Polygon","arcs":[[0,1]],"id":"a","properties":{"name":"West","pop":1200}},
          {"type":"Polygon","arcs":[[-1,2]],"id":"b","properties":{"name":"East","pop":800}},
          {"type":"LineString","arcs":[3],"properties":{"name":"Road","pop":0}},
          {"type":"Point","coordinates":[250,250],"properties":{"name":"Gate","pop":5}},
          {"type":"MultiPoint","coordinates":[[100,100],[900,900]],"properties":{"name":"Posts","pop":2}}]}},
        "arcs":[[[500,0],[0,1000]],
                [[500,1000],[-500,0],[0,-1000],[500,0]],
                [[500,0],[500,0],[0,1000],[-500,0]],
                [[0,500],[1000,0]]]}"#,
    );
    let ours = raidmap_reads(&topo, dir.path());
    // TopoJSON names no CRS: GDAL reads the positions as they are.
    let theirs = ogr2ogr(&topo, &dir.path().join("gdal.geojson"), &[]);
    let names = |v: &Value| -> Vec<String> {
        v["features"]
            .as_array()
            .expect("features")
            .iter()
            .map(|f| {
                f["properties"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(names(&ours), names(&theirs));
    assert_same_positions(&ours, &theirs);
}

/// Every layer GDAL finds in `input`, its features concatenated in layer order (GDAL's
/// GeoJSON writer holds one layer per file). Features without positions (GDAL keeps an empty
/// route or track; raidmap skips it) are left out.
fn gdal_all_layers(input: &Path, dir: &Path) -> Value {
    let list = Command::new("ogrinfo")
        .args(["-ro", "-q"])
        .arg(input)
        .output()
        .expect("ogrinfo runs");
    let listing = String::from_utf8_lossy(&list.stdout);
    // GPX: the three layers of records (route_points and track_points repeat their points).
    // A file of one layer: no name needed (some KML layer names span lines).
    let names: Vec<String> = if input.extension().is_some_and(|e| e == "gpx") {
        ["waypoints", "routes", "tracks"].map(String::from).to_vec()
    } else {
        let numbered: Vec<&str> = listing
            .lines()
            .filter(|l| {
                l.split_once(": ")
                    .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
            })
            .collect();
        if numbered.len() == 1 {
            vec![String::new()]
        } else {
            numbered
                .iter()
                .filter_map(|l| l.split_once(": "))
                .map(|(_, rest)| {
                    rest.rsplit_once(" (")
                        .map_or(rest, |(n, _)| n)
                        .trim()
                        .to_owned()
                })
                .collect()
        }
    };
    let mut all = Vec::new();
    for layer in &names {
        let out = dir.join(format!("gdal-layer-{}-{layer}.geojson", all.len()));
        let layer: &[&str] = if layer.is_empty() {
            &[]
        } else {
            &[layer.as_str()]
        };
        let v = ogr2ogr(input, &out, layer);
        all.extend(
            v["features"]
                .as_array()
                .expect("features")
                .iter()
                .filter(|f| {
                    let mut p = Vec::new();
                    let one = serde_json::json!({"features": [f]});
                    p.extend(positions(&one).remove(0));
                    !p.is_empty()
                })
                .cloned(),
        );
    }
    serde_json::json!({"type": "FeatureCollection", "features": all})
}

fn fixture(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(path)
}

#[test]
fn real_kml_and_gpx_files_read_as_gdal_reads_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut compared = 0;
    for name in [
        "cdata.kml",
        "extended_data.kml",
        "gxmultitrack.kml",
        "gxtrack.kml",
        "linear_ring.kml",
        "linestring.kml",
        "multigeometry.kml",
        "multitrack.kml",
        "point.kml",
        "polygon.kml",
        "selfclosing.kml",
        "simpledata.kml",
        "timespan.kml",
        "gdal.gpx",
        "multitrackgpx.gpx",
        "strava.gpx",
        "trek.gpx",
        "wpt.gpx",
    ] {
        let input = fixture(&format!("togeojson/{name}"));
        let ours = raidmap_reads(&input, dir.path());
        let theirs = gdal_all_layers(&input, dir.path());
        // Placemarks without positions (an empty <coordinates/>) are left out on both sides.
        let mut a = positions(&ours);
        a.retain(|p| !p.is_empty());
        let b = positions(&theirs);
        assert_eq!(a.len(), b.len(), "{name}: feature counts differ");
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            // raidmap closes an unclosed KML ring (timespan.kml); GDAL keeps it open, with a warning.
            let closed = x.len() == y.len() + 1 && x.first() == x.last() && y.first() != y.last();
            assert!(
                x.len() == y.len() || closed,
                "{name} feature {i}: {} vs {} positions",
                x.len(),
                y.len()
            );
            for (p, q) in x.iter().zip(y) {
                assert!(
                    (p.0 - q.0).abs() < 1e-9 && (p.1 - q.1).abs() < 1e-9,
                    "{name} feature {i}: {p:?} vs {q:?}"
                );
            }
        }
        compared += 1;
    }
    assert_eq!(compared, 18);
}

#[test]
fn real_kml_files_where_raidmap_reads_as_togeojson_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Two placemarks directly under <kml> (no Document): GDAL's LIBKML driver keeps only the
    // last; togeojson and raidmap read both.
    let ours = raidmap_reads(&fixture("togeojson/twopoints.kml"), dir.path());
    assert_eq!(positions(&ours).len(), 2);
    // A file of NetworkLinks only: nothing to read, the links named, nothing fetched.
    let run = crate::util::raidmap(&[
        "info".as_ref(),
        fixture("togeojson/networklink.kml").as_os_str(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("NetworkLink") && stderr.contains("http"),
        "{stderr}"
    );
}

#[test]
fn real_shapefiles_flatgeobufs_and_topojson_read_as_gdal_reads_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    // CH1903+ / LV95 from an ESRI .prj (matched to EPSG:2056 by name, with its datum shift).
    for name in ["points.shp", "polygons.shp"] {
        let input = fixture(&format!("shapefile-rs/{name}"));
        let ours = raidmap_reads(&input, dir.path());
        let theirs = gdal_reads(&input, None, dir.path());
        assert_same_features(&ours, &theirs, 1e-9);
    }
    // No .prj (positions that can be degrees), cp936 text, a two-part line, a hole.
    for name in [
        "file_cp936.shp",
        "line.shp",
        "polygon_hole.shp",
        "point.shp",
    ] {
        let input = fixture(&format!("shapefile-rs/{name}"));
        let ours = raidmap_reads(&input, dir.path());
        let theirs = ogr2ogr(&input, &dir.path().join(format!("g-{name}.geojson")), &[]);
        assert_same_features(&ours, &theirs, 1e-12);
    }
    // FlatGeobuf from the format's own test suite.
    for name in ["countries.fgb", "mp_overlapping.fgb"] {
        let input = fixture(&format!("flatgeobuf/{name}"));
        let ours = raidmap_reads(&input, dir.path());
        let theirs = gdal_reads(&input, None, dir.path());
        assert_eq!(
            ours["features"].as_array().map(Vec::len),
            Some(if name == "countries.fgb" { 179 } else { 2 })
        );
        assert_same_features(&ours, &theirs, 1e-9);
    }
    let topo = fixture("gdal/topojson3.topojson");
    let ours = raidmap_reads(&topo, dir.path());
    let theirs = gdal_all_layers(&topo, dir.path());
    assert_same_positions(&ours, &theirs);
}

#[test]
fn real_geopackages_read_as_gdal_reads_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    // pyogrio's GeoPackages (written by GDAL, EPSG:4326): points with a column of each
    // integer, real and boolean type and a row of nulls; a line with Z and M values.
    let nulls = fixture("pyogrio/test_gpkg_nulls.gpkg");
    let ours = raidmap_reads(&nulls, dir.path());
    let theirs = gdal_reads(&nulls, None, dir.path());
    assert_eq!(ours["features"].as_array().map(Vec::len), Some(4));
    assert_same_features(&ours, &theirs, 1e-12);
    // Typed values and nulls as GDAL gives them (assert_same_features compares numbers as
    // f64): integers stay integers, booleans booleans.
    for (f, g) in ours["features"]
        .as_array()
        .expect("features")
        .iter()
        .zip(theirs["features"].as_array().expect("features"))
    {
        assert_eq!(f["properties"], g["properties"]);
    }
    let line = fixture("pyogrio/line_zm.gpkg");
    let ours = raidmap_reads(&line, dir.path());
    let theirs = gdal_reads(&line, None, dir.path());
    assert_same_features(&ours, &theirs, 1e-12);
    // Z kept as each position's third number, M left out, as GDAL writes GeoJSON.
    let (a, b) = (full_positions(&ours), full_positions(&theirs));
    assert_eq!(a, b);
    assert!(a.iter().flatten().all(|p| p.len() == 3), "{a:?}");
}

#[test]
fn indian_1960_shapefiles_get_the_epsg_datum_shift() {
    // Cambodian data in Indian 1960 / UTM 48N (EPSG:3148), as GDAL writes it: an ESRI .prj
    // with no shift. GDAL 3.6 then applies no datum shift (PROJ's "ballpark"), placing points
    // ~400 m off; raidmap applies EPSG:3148's TOWGS84 (198,881,317), as GDAL does when told.
    let dir = tempfile::tempdir().expect("temp dir");
    let input = write(dir.path(), "points.geojson", &sample("points"));
    let shp = dir.path().join("indian.shp");
    gdal(&[
        "-f",
        "ESRI Shapefile",
        "-t_srs",
        "EPSG:3148",
        &shp.to_string_lossy(),
        &input.to_string_lossy(),
    ]);
    let ours = raidmap_reads(&shp, dir.path());
    let theirs = ogr2ogr(
        &shp,
        &dir.path().join("shifted.geojson"),
        &[
            "-s_srs",
            "+proj=utm +zone=48 +a=6377276.345 +b=6356075.41314024 +towgs84=198,881,317,0,0,0,0 +units=m +no_defs",
            "-t_srs",
            "EPSG:4326",
        ],
    );
    assert_same_features(&ours, &theirs, 1e-9);
}

/// Every position of every feature's geometry, all its numbers (Z included).
fn full_positions(collection: &Value) -> Vec<Vec<Vec<f64>>> {
    fn walk(v: &Value, out: &mut Vec<Vec<f64>>) {
        match v {
            Value::Array(items) if items.first().is_some_and(Value::is_number) => {
                out.push(items.iter().filter_map(Value::as_f64).collect());
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            Value::Object(g) => {
                g.get("coordinates").into_iter().for_each(|c| walk(c, out));
                g.get("geometries").into_iter().for_each(|c| walk(c, out));
            }
            _ => {}
        }
    }
    collection["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            let mut out = Vec::new();
            walk(&f["geometry"], &mut out);
            out
        })
        .collect()
}

#[test]
fn z_values_are_kept_from_shapefile_geopackage_and_flatgeobuf_as_gdal_keeps_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    // 3-D points, a line, a polygon with a hole and a multipolygon, in UTM 48N.
    let points = write(
        dir.path(),
        "points.geojson",
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[104.9,11.5,12.5]}},
          {"type":"Feature","properties":{"n":2},"geometry":{"type":"Point","coordinates":[104.8,11.6,-3.25]}}]}"#,
    );
    let lines = write(
        dir.path(),
        "lines.geojson",
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"n":1},"geometry":{"type":"LineString","coordinates":[[104.9,11.5,1],[104.95,11.55,2],[105,11.6,3]]}}]}"#,
    );
    let polygons = write(
        dir.path(),
        "polygons.geojson",
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"n":1},"geometry":{"type":"Polygon","coordinates":[
            [[104.0,11.0,1],[104.0,12.0,2],[105.0,12.0,3],[105.0,11.0,4],[104.0,11.0,1]],
            [[104.2,11.2,5],[104.4,11.2,6],[104.4,11.4,7],[104.2,11.4,8],[104.2,11.2,5]]]}},
          {"type":"Feature","properties":{"n":2},"geometry":{"type":"MultiPolygon","coordinates":[
            [[[103.0,10.0,9],[103.0,10.5,9],[103.5,10.5,9],[103.0,10.0,9]]],
            [[[106.0,10.0,10],[106.0,10.5,11],[106.5,10.5,12],[106.0,10.0,10]],
             [[106.05,10.1,13],[106.15,10.35,14],[106.1,10.1,15],[106.05,10.1,13]]]]}}]}"#,
    );
    let mut with_z = 0;
    for (format, ext) in [
        ("ESRI Shapefile", "shp"),
        ("GPKG", "gpkg"),
        ("FlatGeobuf", "fgb"),
    ] {
        for input in [&points, &lines, &polygons] {
            let stem = input.file_stem().expect("stem").to_string_lossy();
            let file = dir.path().join(format!("{stem}3d.{ext}"));
            gdal(&[
                "-f",
                format,
                "-t_srs",
                "EPSG:32648",
                &file.to_string_lossy(),
                &input.to_string_lossy(),
            ]);
            let ours = raidmap_reads(&file, dir.path());
            let gdal = gdal_reads(&file, None, dir.path());
            let (a, b) = (full_positions(&ours), full_positions(&gdal));
            assert_eq!(a.len(), b.len(), "{file:?}: feature counts");
            for (x, y) in a.iter().zip(&b) {
                assert_eq!(x.len(), y.len(), "{file:?}: position counts");
                for (p, q) in x.iter().zip(y) {
                    // GDAL writes a FlatGeobuf of mixed Polygon/MultiPolygon as "Unknown",
                    // without Z: then both read 2-D.
                    assert_eq!(p.len(), q.len(), "{file:?}: dimensions {p:?} vs {q:?}");
                    assert!((p[0] - q[0]).abs() < 1e-8 && (p[1] - q[1]).abs() < 1e-8);
                    if p.len() == 3 {
                        assert_eq!(p[2], q[2], "{file:?}: the same Z");
                        with_z += 1;
                    }
                }
            }
        }
    }
    // Every position of the Shapefiles and GeoPackages (26 each) kept its Z.
    assert!(with_z >= 52, "{with_z} positions with Z");
    // Measures (M) are left out, with a warning, as GDAL leaves them out of GeoJSON.
    let measured = dir.path().join("measured.shp");
    gdal(&[
        "-f",
        "ESRI Shapefile",
        "-dim",
        "XYZM",
        &measured.to_string_lossy(),
        &lines.to_string_lossy(),
    ]);
    let out = dir.path().join("measured.geojson");
    let run = crate::util::raidmap(&[
        "export".as_ref(),
        measured.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("M (measure) values"), "{stderr}");
    let ours: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("written")).expect("GeoJSON");
    assert_eq!(
        full_positions(&ours),
        full_positions(&gdal_reads(&measured, None, dir.path()))
    );
}

/// The `Geometry:` lines `ogrinfo -so -al` prints for `file` (one per layer).
fn ogrinfo_geometry(file: &Path) -> Vec<String> {
    let info = Command::new("ogrinfo")
        .args(["-ro", "-so", "-al"])
        .arg(file)
        .output()
        .expect("ogrinfo runs");
    String::from_utf8_lossy(&info.stdout)
        .lines()
        .filter(|l| l.starts_with("Geometry: "))
        .map(str::to_owned)
        .collect()
}

/// Each feature's positions sorted, and the features sorted by them.
fn sorted(collection: &Value) -> Vec<Vec<Vec<f64>>> {
    let order = |a: &Vec<f64>, b: &Vec<f64>| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal);
    let mut features = full_positions(collection);
    for f in &mut features {
        f.sort_by(order);
    }
    features.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    features
}

#[test]
fn z_values_are_written_to_shapefile_geopackage_flatgeobuf_and_gpx_as_ogr2ogr_writes_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inputs = [
        (
            "points",
            r#"{"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[104.9,11.5,12.5]}},
               {"type":"Feature","properties":{"n":2},"geometry":{"type":"Point","coordinates":[104.8,11.6,-3.25]}}"#,
        ),
        (
            "lines",
            r#"{"type":"Feature","properties":{"n":1},"geometry":{"type":"LineString","coordinates":[[104.9,11.5,1],[104.95,11.55,2],[105,11.6,3]]}},
               {"type":"Feature","properties":{"n":2},"geometry":{"type":"MultiLineString","coordinates":[[[103,10,4],[103.1,10.1,5]],[[103.2,10.2,6],[103.3,10.1,7.5]]]}}"#,
        ),
        (
            "polygons",
            r#"{"type":"Feature","properties":{"n":1},"geometry":{"type":"Polygon","coordinates":[
                 [[104.0,11.0,1],[104.0,12.0,2],[105.0,12.0,3],[105.0,11.0,4],[104.0,11.0,1]],
                 [[104.2,11.2,5],[104.4,11.2,6],[104.4,11.4,7],[104.2,11.4,8],[104.2,11.2,5]]]}},
               {"type":"Feature","properties":{"n":2},"geometry":{"type":"MultiPolygon","coordinates":[
                 [[[103.0,10.0,9],[103.0,10.5,9],[103.5,10.5,9],[103.0,10.0,9]]],
                 [[[106.0,10.0,10],[106.0,10.5,11],[106.5,10.5,12],[106.0,10.0,10]],
                  [[106.05,10.1,13],[106.15,10.35,14],[106.1,10.1,15],[106.05,10.1,13]]]]}}"#,
        ),
    ];
    let mut checked = 0;
    for (kind, features) in inputs {
        let input = write(
            dir.path(),
            &format!("{kind}.geojson"),
            &format!(r#"{{"type":"FeatureCollection","features":[{features}]}}"#),
        );
        let source = gdal_reads(&input, None, dir.path());
        for (format, ext) in [
            ("ESRI Shapefile", "shp"),
            ("GPKG", "gpkg"),
            ("FlatGeobuf", "fgb"),
        ] {
            let ours = dir.path().join(format!("ours-{kind}.{ext}"));
            let run = crate::util::raidmap(&[
                "export".as_ref(),
                input.as_os_str(),
                "-o".as_ref(),
                ours.as_os_str(),
            ]);
            assert!(
                run.status.success(),
                "{}",
                String::from_utf8_lossy(&run.stderr)
            );
            let theirs = dir.path().join(format!("theirs-{kind}.{ext}"));
            gdal(&[
                "-f",
                format,
                &theirs.to_string_lossy(),
                &input.to_string_lossy(),
            ]);
            // ogrinfo says the layer is 3-D, as it says of the file ogr2ogr wrote.
            let geometry = ogrinfo_geometry(&ours);
            assert!(
                geometry.len() == 1 && geometry[0].contains("3D"),
                "{ours:?}: {geometry:?}"
            );
            // Where ogr2ogr knew the layer's type (not mixed kinds), ogrinfo says the same of
            // both files (a mixed layer GDAL declares "Unknown (any)" without 3D).
            let gdal_geometry = ogrinfo_geometry(&theirs);
            if gdal_geometry.iter().all(|g| g.contains("3D")) {
                assert_eq!(geometry, gdal_geometry, "{ours:?}");
            } else {
                assert_ne!(kind, "points", "{gdal_geometry:?}");
            }
            // GDAL reads from raidmap's file the positions it reads from the GeoJSON, each
            // with its Z. Compared per feature as sorted lists: a Shapefile winds rings its
            // own way, and a FlatGeobuf's spatial index may reorder features. (GDAL's own
            // files are no oracle here: 3.6.2 writes a 3-D Shapefile's holes unwound, so it
            // reads them back as separate polygons, and a mixed FlatGeobuf without Z.)
            let a = sorted(&gdal_reads(&ours, None, dir.path()));
            let b = sorted(&source);
            assert_eq!(a.len(), b.len(), "{ours:?}: feature counts");
            for (x, y) in a.iter().zip(&b) {
                assert_eq!(x.len(), y.len(), "{ours:?}: position counts");
                for (p, q) in x.iter().zip(y) {
                    assert_eq!(p.len(), 3, "{ours:?}: {p:?} is 3-D");
                    assert_eq!(p.len(), q.len(), "{ours:?}: {p:?} vs {q:?}");
                    assert!(
                        (p[0] - q[0]).abs() < 1e-12 && (p[1] - q[1]).abs() < 1e-12,
                        "{ours:?}: {p:?} vs {q:?}"
                    );
                    assert_eq!(p[2], q[2], "{ours:?}: the same Z");
                    checked += 1;
                }
            }
        }
        // GPX holds points and lines: GDAL reads each point's <ele> back (GDAL 3.6 gives it
        // as the `ele` field of its waypoints and track_points layers).
        if kind != "polygons" {
            let ours = dir.path().join(format!("ours-{kind}.gpx"));
            let run = crate::util::raidmap(&[
                "export".as_ref(),
                input.as_os_str(),
                "-o".as_ref(),
                ours.as_os_str(),
            ]);
            assert!(
                run.status.success(),
                "{}",
                String::from_utf8_lossy(&run.stderr)
            );
            let layer = if kind == "points" {
                "waypoints"
            } else {
                "track_points"
            };
            let back = ogr2ogr(
                &ours,
                &dir.path().join(format!("gpx-{kind}.geojson")),
                &[layer],
            );
            let read: Vec<Vec<f64>> = back["features"]
                .as_array()
                .expect("features")
                .iter()
                .map(|f| {
                    let c = &f["geometry"]["coordinates"];
                    [&c[0], &c[1], &f["properties"]["ele"]]
                        .iter()
                        .map(|v| v.as_f64().unwrap_or(f64::NAN))
                        .collect()
                })
                .collect();
            let expected: Vec<Vec<f64>> = full_positions(&source).into_iter().flatten().collect();
            assert_eq!(read, expected, "{ours:?}");
            checked += read.len();
        }
    }
    // Points 2, lines 3 + 4 and polygons 10 + 12 positions in each of three formats; GPX
    // the points and lines.
    assert_eq!(checked, 3 * (2 + 7 + 22) + 2 + 7, "positions checked");
}

#[test]
fn dates_in_a_csv_gdal_wrote_put_the_raids_on_the_timeline() {
    // GDAL's CSV driver (and QGIS's "Save as CSV", which uses it) writes a date field as
    // `2024/10/24`: the raids read from it must be dated as from the GeoJSON they came from.
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("raids.csv");
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/data/raids.geojson");
    gdal(&[
        "-f",
        "CSV",
        "-lco",
        "GEOMETRY=AS_XY",
        &csv.display().to_string(),
        sample,
    ]);
    let text = std::fs::read_to_string(&csv).expect("written");
    assert!(text.contains("2024/10/24"), "GDAL's own date form: {text}");
    let coverage = |raids: &str| {
        let run = crate::util::command()
            .args([
                "coverage",
                "--json",
                "--radius-km",
                "5",
                "--from",
                "2025-07-01",
            ])
            .args([
                "--sites",
                concat!(env!("CARGO_MANIFEST_DIR"), "/data/sites.geojson"),
            ])
            .args(["--raids", raids])
            .output()
            .expect("raidmap runs");
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let v: Value = serde_json::from_slice(&run.stdout).expect("JSON");
        v["sites"]
            .as_array()
            .expect("sites")
            .iter()
            .map(|s| s["status"].clone())
            .collect::<Vec<_>>()
    };
    let from_csv = coverage(&csv.display().to_string());
    assert_eq!(from_csv, coverage(sample));
    // The 2024 raid on Mango Park is outside a window from July 2025: the site is untouched.
    assert_eq!(from_csv[0], "untouched");
}

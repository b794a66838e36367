//! KML, KMZ, CSV and TSV in through `info` and `export`; CSV out.

use std::path::PathBuf;

use serde_json::Value;

use crate::util::raidmap;

fn fixture(path: &str) -> String {
    format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn export_to_geojson(input: &str) -> (Value, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out: PathBuf = dir.path().join("out.geojson");
    let run = raidmap(&["export", input, "-o", out.to_str().expect("utf-8 path")]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&out).expect("written");
    let value = serde_json::from_str(&text).expect("GeoJSON out");
    (value, String::from_utf8_lossy(&run.stderr).into_owned())
}

#[test]
fn a_my_maps_kml_export_converts_with_folders_names_descriptions_and_data() {
    let (v, stderr) = export_to_geojson(&fixture("kml/my_maps_export.kml"));
    let features = v["features"].as_array().expect("features");
    let names: Vec<&str> = features
        .iter()
        .filter_map(|f| f["properties"]["name"].as_str())
        .collect();
    assert_eq!(names, ["Mango Park 2", "ម៉ាងហ្គោ ផាក", "Walled compound"]);
    let mp2 = &features[0]["properties"];
    assert_eq!(mp2["folder"], "Suspected sites");
    assert_eq!(mp2["province"], "Takeo");
    assert_eq!(
        mp2["description"],
        "Seen on watchdog channels.\nNot raided in July 2025.\nsource"
    );
    assert_eq!(
        features[0]["geometry"]["coordinates"],
        serde_json::json!([104.716, 11.202, 0.0])
    );
    assert_eq!(features[2]["geometry"]["type"], "Polygon");
    // The placemark without readable coordinates is reported with its line.
    assert!(
        stderr.contains("my_maps_export.kml:32:1: warning:"),
        "{stderr}"
    );
    assert!(stderr.contains("\"No position\" skipped"), "{stderr}");
}

#[test]
fn info_reads_kml_and_csv_and_reports_skipped_rows_with_their_line() {
    let out = raidmap(&[
        "info",
        "--json",
        &fixture("kml/my_maps_export.kml"),
        &fixture("csv/sites_semicolon.csv"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["files"][0]["features"], 3);
    assert_eq!(v["files"][1]["features"], 2);
    let warning = &v["files"][1]["warnings"][0];
    assert_eq!(warning["line"], 4);
    assert!(
        warning["message"]
            .as_str()
            .is_some_and(|m| m.contains("\"north\""))
    );
}

#[test]
fn csv_values_stay_text_and_decimal_commas_are_read_in_semicolon_files() {
    let (v, _) = export_to_geojson(&fixture("csv/sites_semicolon.csv"));
    let features = v["features"].as_array().expect("features");
    assert_eq!(
        features[0]["geometry"]["coordinates"],
        serde_json::json!([104.66, 11.262])
    );
    assert_eq!(features[1]["properties"]["Detained"], "007");
    let (tsv, _) = export_to_geojson(&fixture("csv/raids.tsv"));
    assert_eq!(tsv["features"][0]["properties"]["name"], "Kratie raid");
}

#[test]
fn exporting_to_csv_writes_points_as_coordinates_and_reads_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("sites.csv");
    let out_s = out.to_str().expect("utf-8 path");
    let sites = format!("{}/data/sites.geojson", env!("CARGO_MANIFEST_DIR"));
    assert!(raidmap(&["export", &sites, "-o", out_s]).status.success());
    let text = std::fs::read_to_string(&out).expect("written");
    assert!(
        text.starts_with("id,latitude,longitude,wkt,name,"),
        "{text}"
    );
    assert!(
        text.contains("KH-S-002,11.202,104.716,,Mango Park 2,"),
        "{text}"
    );
    let back = raidmap(&["info", "--json", out_s]);
    let v: Value = serde_json::from_slice(&back.stdout).expect("JSON");
    // The site without geometry comes back without geometry.
    assert_eq!(v["files"][0]["geometry_types"]["null"], 1);
    assert_eq!(v["files"][0]["features"], 7);
}

#[test]
fn broken_kml_and_csv_are_errors_with_their_line_and_exit_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let kml = dir.path().join("bad.kml");
    std::fs::write(
        &kml,
        "<kml>\n<Document>\n  <Placemark><name>x</nam></Placemark>\n</Document>\n</kml>\n",
    )
    .expect("write");
    let out = raidmap(&["info", kml.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.kml:3:"), "{stderr}");
    let csv = dir.path().join("no_coords.csv");
    std::fs::write(&csv, "name,province\nx,Takeo\n").expect("write");
    let out = raidmap(&["info", csv.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("latitude"));
    let garbage = dir.path().join("garbage.kmz");
    std::fs::write(&garbage, [0u8, 159, 146, 150, 1, 2, 3]).expect("write");
    assert_eq!(
        raidmap(&["info", garbage.to_str().expect("utf-8")])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn export_to_an_extension_raidmap_cannot_write_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out.xyz");
    let run = raidmap(&[
        "export",
        &fixture("kml/my_maps_export.kml"),
        "-o",
        out.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn when_every_row_or_placemark_is_skipped_info_and_export_exit_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("bad.csv");
    std::fs::write(&csv, "name,lat,lon\na,north,104\nb,x,y\n").expect("written");
    let kml = dir.path().join("bad.kml");
    std::fs::write(
        &kml,
        "<kml><Placemark><Point><coordinates>a,b</coordinates></Point></Placemark></kml>",
    )
    .expect("written");
    for input in [&csv, &kml] {
        let input = input.to_str().expect("utf-8 path");
        let info = raidmap(&["info", input]);
        assert_eq!(info.status.code(), Some(1), "{input}");
        let out = dir.path().join("out.geojson");
        let export = raidmap(&["export", input, "-o", out.to_str().expect("utf-8")]);
        assert_eq!(export.status.code(), Some(1), "{input}");
        assert!(!out.exists());
        let stderr = String::from_utf8_lossy(&export.stderr);
        assert!(
            stderr.contains("every row was skipped") || stderr.contains("no placemark"),
            "{stderr}"
        );
    }
}

#[test]
fn a_file_is_read_by_its_content_and_an_unread_format_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    // KML saved under a .json name is read as KML, and `info` says so.
    let kml = dir.path().join("sites.json");
    std::fs::copy(fixture("kml/my_maps_export.kml"), &kml).expect("copied");
    let info = raidmap(&["info", kml.to_str().expect("utf-8")]);
    let stdout = String::from_utf8_lossy(&info.stdout);
    assert!(info.status.success(), "{stdout}");
    assert!(stdout.contains("read as KML"), "{stdout}");
    // A PDF is named, not reported as a JSON syntax error.
    let pdf = dir.path().join("report.geojson");
    std::fs::write(&pdf, b"%PDF-1.7\n...").expect("written");
    let info = raidmap(&["info", pdf.to_str().expect("utf-8")]);
    assert_eq!(info.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&info.stderr);
    assert!(stderr.contains("this is a PDF file"), "{stderr}");
}

#[test]
fn gpx_is_read_and_written_and_reads_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let gpx = dir.path().join("walk.gpx");
    std::fs::write(
        &gpx,
        r#"<gpx version="1.0"><wpt lat="11.5" lon="104.9"><name>Gate</name></wpt>
        <trk><name>Walk</name><trkseg><trkpt lat="11" lon="104"><time>2025-07-16T02:00:00Z</time></trkpt>
        <trkpt lat="11.01" lon="104.01"><time>2025-07-16T02:05:00Z</time></trkpt></trkseg></trk></gpx>"#,
    )
    .expect("written");
    let info = raidmap(&["info", gpx.to_str().expect("utf-8")]);
    let stdout = String::from_utf8_lossy(&info.stdout);
    assert!(info.status.success(), "{stdout}");
    assert!(stdout.contains("read as GPX"), "{stdout}");
    let out = dir.path().join("again.gpx");
    let export = raidmap(&[
        "export",
        gpx.to_str().expect("utf-8"),
        "-o",
        out.to_str().expect("utf-8"),
    ]);
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let (v, _) = export_to_geojson(out.to_str().expect("utf-8"));
    let features = v["features"].as_array().expect("features");
    assert_eq!(features.len(), 2);
    assert_eq!(features[1]["geometry"]["type"], "LineString");
    assert_eq!(features[1]["properties"]["time"], "2025-07-16T02:00:00Z");
}

/// `info` on `path`, with `RAIDMAP_MAX_DEPTH` set when `limit` is given.
fn info_with_depth_limit(path: &std::path::Path, limit: Option<&str>) -> std::process::Output {
    let mut command = crate::util::command();
    command.arg("info").arg(path);
    if let Some(limit) = limit {
        command.env("RAIDMAP_MAX_DEPTH", limit);
    }
    command.output().expect("the raidmap binary runs")
}

#[test]
fn every_nesting_reader_refuses_100000_levels_naming_the_limit_and_the_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let n = 100_000;
    let nest = |open: &str, close: &str| format!("{}{}", open.repeat(n), close.repeat(n));
    let cases = [
        (
            "arrays.geojson",
            format!(
                "{{\"type\": \"FeatureCollection\",\n\"features\": [{{\"type\": \"Feature\", \"geometry\": null, \"properties\": {{\"x\": {}}}}}]}}",
                nest("[", "]")
            ),
            "2:",
        ),
        (
            "geometry.geojson",
            format!(
                "{{\"type\": \"Feature\", \"properties\": null,\n\"geometry\": {}}}",
                nest(r#"{"type": "GeometryCollection", "geometries": ["#, "]}")
            ),
            "2:",
        ),
        (
            "objects.topojson",
            format!(
                "{{\"type\": \"Topology\", \"arcs\": [],\n\"objects\": {}}}",
                nest(r#"{"o": "#, "}")
            ),
            "2:",
        ),
        (
            "folders.kml",
            format!(
                "<kml>\n<Document>\n{}</Document></kml>",
                nest("<Folder>", "</Folder>")
            ),
            "3:",
        ),
        (
            "multigeometry.kml",
            format!(
                "<kml><Document>\n<Placemark>\n{}</Placemark></Document></kml>",
                nest("<MultiGeometry>", "</MultiGeometry>")
            ),
            "3:",
        ),
        (
            "extensions.gpx",
            format!(
                "<gpx version=\"1.1\"><trk><name>t</name>\n<extensions>{}</extensions></trk></gpx>",
                nest("<x>", "</x>")
            ),
            "2:",
        ),
    ];
    for (name, text, line) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        let out = info_with_depth_limit(&path, None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Exit 1 with a message, not a crash (a stack overflow aborts with a signal).
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains("256 levels"), "{name}: {stderr}");
        assert!(stderr.contains("RAIDMAP_MAX_DEPTH"), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("{name}:{line}")),
            "{name}: the place {line} named: {stderr}"
        );
    }
}

#[test]
fn raidmap_max_depth_raises_the_json_limit_up_to_its_ceiling() {
    let dir = tempfile::tempdir().expect("temp dir");
    let deep = |levels: usize| {
        format!(
            "{{\"type\": \"Feature\", \"geometry\": null, \"properties\": {{\"x\": {}1{}}}}}",
            "[".repeat(levels),
            "]".repeat(levels)
        )
    };
    // 900 levels: past the default limit (256) and serde_json's own (128).
    let path = dir.path().join("900.geojson");
    std::fs::write(&path, deep(900)).expect("write");
    let out = info_with_depth_limit(&path, None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("256 levels"));
    let out = info_with_depth_limit(&path, Some("1000"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Read whole and written back whole.
    let exported = dir.path().join("out.geojson");
    let out = crate::util::command()
        .env("RAIDMAP_MAX_DEPTH", "1000")
        .args([
            "export".as_ref(),
            path.as_os_str(),
            "-o".as_ref(),
            exported.as_os_str(),
        ])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(&exported).expect("written");
    assert!(
        written.contains(&format!("{}1{}", "[".repeat(900), "]".repeat(900))),
        "{written:.200}"
    );
    // The limit cannot be raised past its ceiling, where a thread's stack would not hold.
    let path = dir.path().join("1500.geojson");
    std::fs::write(&path, deep(1500)).expect("write");
    let out = info_with_depth_limit(&path, Some("100000"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("1000 levels"), "{stderr}");
}

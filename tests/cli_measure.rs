//! `raidmap measure`: names, ids and coordinates; JSON shape and precision; errors.

use serde_json::Value;

use crate::util::raidmap;

fn json(args: &[&str]) -> Value {
    let out = raidmap(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object on stdout")
}

#[test]
fn mango_park_to_mango_park_2_is_about_9_km_on_the_bundled_data() {
    let v = json(&[
        "measure",
        "--json",
        "--from",
        "Mango Park",
        "--to",
        "Mango Park 2",
    ]);
    let d = v["distance_m"].as_f64().expect("distance_m");
    assert!((8500.0..=9500.0).contains(&d), "{d}");
    assert_eq!(v["method"], "geodesic-wgs84");
    assert_eq!(v["from"]["label"], "Mango Park");
    assert_eq!(v["to"]["label"], "Mango Park 2");
    let bearing = v["initial_bearing_deg"].as_f64().expect("bearing");
    assert!(
        (90.0..180.0).contains(&bearing),
        "Mango Park 2 lies south-east: {bearing}"
    );
}

#[test]
fn coordinates_may_be_negative_and_match_geographiclib() {
    // GeographicLib (Karney), WGS84: Phnom Penh (11.5564 N, 104.9282 E) to Cape Town
    // (33.9249 S, 18.4241 E): s12 = 10,403,601.164 m (Python geographiclib 2.1,
    // Geodesic.WGS84.Inverse(11.5564, 104.9282, -33.9249, 18.4241)["s12"]).
    let v = json(&[
        "measure",
        "--json",
        "--from",
        "11.5564,104.9282",
        "--to=-33.9249,18.4241",
    ]);
    let d = v["distance_m"].as_f64().expect("distance_m");
    assert!((d - REFERENCE_M).abs() < 0.001, "{d}");
    assert_eq!(v["to"]["lat"], -33.9249);
    assert_eq!(v["to"]["lon"], 18.4241);
}

/// See the test above for where this number comes from.
const REFERENCE_M: f64 = 10_403_601.164_230_79;

#[test]
fn ids_and_names_ignoring_case_are_found_and_layers_can_be_given() {
    let sites = format!("{}/data/sites.geojson", env!("CARGO_MANIFEST_DIR"));
    let v = json(&[
        "measure",
        "--json",
        "--layer",
        &sites,
        "--from",
        "KH-S-001",
        "--to",
        "mango park 2",
    ]);
    assert_eq!(v["from"]["label"], "Mango Park");
    assert_eq!(v["to"]["label"], "Mango Park 2");
}

#[test]
fn a_project_given_as_layer_gives_all_its_layers() {
    // The bundled project holds both the sites and the raids.
    let project = format!("{}/data/sample.raidmap", env!("CARGO_MANIFEST_DIR"));
    let v = json(&[
        "measure",
        "--json",
        "--layer",
        &project,
        "--from",
        "Mango Park 2",
        "--to",
        "Mango Park raid (2024)",
    ]);
    assert_eq!(v["from"]["label"], "Mango Park 2");
    assert_eq!(v["to"]["label"], "Mango Park raid (2024)");
    let d = v["distance_m"].as_f64().expect("distance_m");
    // The raid is at the Mango Park site, about 9 km from Mango Park 2.
    assert!((8500.0..=9500.0).contains(&d), "{d}");
}

#[test]
fn an_unknown_name_fails_with_candidates_and_exit_code_1() {
    let out = raidmap(&["measure", "--from", "Mango", "--to", "Poipet compound"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Mango Park 2") && err.contains("Mango Park"),
        "{err}"
    );
}

#[test]
fn a_name_matching_several_features_is_ambiguous() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("twins.geojson");
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","id":1,"geometry":{"type":"Point","coordinates":[104,11]},"properties":{"name":"Twin"}},
        {"type":"Feature","id":2,"geometry":{"type":"Point","coordinates":[105,12]},"properties":{"name":"Twin"}}]}"#,
    )
    .expect("write");
    let out = raidmap(&[
        "measure",
        "--layer",
        path.to_str().expect("utf-8 path"),
        "--from",
        "Twin",
        "--to",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("matches 2 features"), "{err}");
}

#[test]
fn a_polygon_is_measured_from_its_centroid_and_the_output_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("area.geojson");
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[104,11],[104.2,11],[104.2,11.2],[104,11.2],[104,11]]]},"properties":{"name":"Block"}}]}"#,
    )
    .expect("write");
    let layer = path.to_str().expect("utf-8 path");
    let v = json(&[
        "measure",
        "--json",
        "--layer",
        layer,
        "--from",
        "Block",
        "--to",
        "11.1,104.1",
    ]);
    assert_eq!(v["from"]["centroid"], true);
    assert!(v["distance_m"].as_f64().expect("distance") < 1.0);
    let text = raidmap(&[
        "measure",
        "--layer",
        layer,
        "--from",
        "Block",
        "--to",
        "11.1,104.1",
    ]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("centroid"));
}

#[test]
fn missing_arguments_are_a_usage_error() {
    assert_eq!(
        raidmap(&["measure", "--from", "Mango Park"]).status.code(),
        Some(2)
    );
}

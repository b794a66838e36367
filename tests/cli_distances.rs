//! `raidmap measure --via`, `raidmap distances` and `raidmap area`: shapes of the output,
//! sorting, filters, label fallbacks, errors and exit codes, and numbers against GeographicLib
//! (`tests/fixtures/geodesic/reference.json`).

use serde_json::{Value, json};

use crate::util::raidmap;

fn stdout_json(args: &[&str]) -> Value {
    let out = raidmap(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object on stdout")
}

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/measure/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn reference() -> Value {
    let path = format!(
        "{}/tests/fixtures/geodesic/reference.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("reference")).expect("JSON")
}

#[test]
fn a_path_with_via_lists_its_legs_in_order_and_totals_them() {
    // The same four positions as the path in reference.json (GeographicLib's legs).
    let v = stdout_json(&[
        "measure",
        "--json",
        "--from",
        "11.262,104.66",
        "--via",
        "11.202,104.716",
        "--via",
        "13.659,102.563",
        "--to",
        "12.488,106.019",
    ]);
    let reference = reference();
    let path = &reference["paths"][0];
    let legs: Vec<f64> = v["legs_m"]
        .as_array()
        .expect("legs_m")
        .iter()
        .map(|l| l.as_f64().expect("a number"))
        .collect();
    let expected: Vec<f64> = path["legs_m"]
        .as_array()
        .expect("reference legs")
        .iter()
        .map(|l| l.as_f64().expect("a number"))
        .collect();
    assert_eq!(legs.len(), 3);
    for (got, want) in legs.iter().zip(&expected) {
        assert!(
            (got - want).abs() < 1e-3,
            "leg {got} m, GeographicLib {want} m"
        );
    }
    let total = v["distance_m"].as_f64().expect("distance_m");
    assert!((total - legs.iter().sum::<f64>()).abs() < 1e-6);
    assert!((total - path["total_m"].as_f64().expect("total")).abs() < 1e-3);
    // Every key of the two-place output is still there.
    for key in [
        "from",
        "to",
        "distance_m",
        "initial_bearing_deg",
        "method",
        "via",
    ] {
        assert!(v.get(key).is_some(), "{key} missing in {v}");
    }
    assert_eq!(v["method"], "geodesic-wgs84");
    assert_eq!(v["via"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["via"][1]["lat"], 13.659);
}

#[test]
fn a_path_by_names_prints_each_leg_and_the_total_as_text() {
    let out = raidmap(&[
        "measure",
        "--from",
        "Mango Park",
        "--via",
        "Mango Park 2",
        "--to",
        "Poipet compound",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("via   Mango Park 2"), "{text}");
    assert!(
        text.contains("leg 1  Mango Park to Mango Park 2: 9.02 km"),
        "{text}"
    );
    assert!(
        text.contains("leg 2  Mango Park 2 to Poipet compound"),
        "{text}"
    );
    assert!(text.contains("total  "), "{text}");
}

#[test]
fn without_via_the_legs_are_the_one_distance() {
    let v = stdout_json(&[
        "measure",
        "--json",
        "--from",
        "Mango Park",
        "--to",
        "Mango Park 2",
    ]);
    assert_eq!(v["legs_m"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["legs_m"][0], v["distance_m"]);
    assert_eq!(v["via"], json!([]));
}

#[test]
fn an_unknown_via_place_is_bad_input() {
    let out = raidmap(&[
        "measure",
        "--from",
        "Mango Park",
        "--via",
        "Atlantis",
        "--to",
        "Mango Park 2",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--via Atlantis"));
}

fn distances(extra: &[&str]) -> Value {
    let layer = fixture("places.geojson");
    let mut args = vec![
        "distances",
        "--json",
        "--layer",
        layer.as_str(),
        "--from",
        "Origin",
    ];
    args.extend_from_slice(extra);
    stdout_json(&args)
}

#[test]
fn distances_lists_every_other_feature_nearest_first_with_the_documented_keys() {
    let v = distances(&[]);
    assert_eq!(v["from"]["label"], "Origin");
    assert_eq!(v["from"]["id"], "o");
    assert_eq!(v["from"]["layer"], "places.geojson");
    let results = v["results"].as_array().expect("results");
    // Nine features: the origin is left out, and so is the one without geometry.
    assert_eq!(results.len(), 7);
    for r in results {
        let keys: Vec<&str> = r
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "centroid")
            .collect();
        assert_eq!(keys, ["label", "id", "layer", "distance_m", "bearing_deg"]);
        assert_eq!(r["layer"], "places.geojson");
        assert_ne!(r["label"], "Origin");
    }
    let d: Vec<f64> = results
        .iter()
        .map(|r| r["distance_m"].as_f64().expect("distance"))
        .collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    assert_eq!(v["method"], "geodesic-wgs84");
    assert_eq!(v["without_geometry"][0]["label"], "Somewhere in Takeo");
}

#[test]
fn labels_fall_back_to_the_id_then_the_index_and_ids_keep_their_type() {
    let v = distances(&[]);
    let by_label = |label: &str| -> Value {
        v["results"]
            .as_array()
            .expect("results")
            .iter()
            .find(|r| r["label"] == label)
            .cloned()
            .unwrap_or_else(|| panic!("no result labelled {label}: {v}"))
    };
    assert_eq!(by_label("site-9")["id"], json!("site-9"));
    assert_eq!(by_label("42")["id"], json!(42));
    assert_eq!(by_label("#4")["id"], Value::Null);
    assert_eq!(by_label("Near")["id"], json!(1));
    // Not points: measured from the centroid, and flagged.
    assert_eq!(by_label("Walled compound")["centroid"], true);
    assert_eq!(by_label("Road")["centroid"], true);
    assert!(by_label("Near").get("centroid").is_none());
}

#[test]
fn distances_from_mango_park_on_the_bundled_data_find_mango_park_2_at_9_km() {
    let v = stdout_json(&["distances", "--json", "--from", "Mango Park"]);
    let results = v["results"].as_array().expect("results");
    let mp2 = results
        .iter()
        .find(|r| r["label"] == "Mango Park 2")
        .expect("Mango Park 2 listed");
    let d = mp2["distance_m"].as_f64().expect("distance");
    assert!((d - 9024.747).abs() < 0.01, "{d}");
    assert_eq!(mp2["layer"], "sites.geojson");
    assert!(results.iter().all(|r| r["label"] != "Mango Park"));
}

#[test]
fn nearest_n_is_the_head_of_the_full_list() {
    let all = distances(&[]);
    let three = distances(&["--nearest", "3"]);
    assert_eq!(
        three["results"].as_array().map(Vec::len),
        Some(3),
        "{three}"
    );
    assert_eq!(
        three["results"].as_array().expect("r")[..],
        all["results"].as_array().expect("r")[..3]
    );
}

#[test]
fn within_km_keeps_exactly_the_features_within_the_radius() {
    let all = distances(&[]);
    let near = distances(&["--within-km", "10"]);
    let expected: Vec<&Value> = all["results"]
        .as_array()
        .expect("r")
        .iter()
        .filter(|r| r["distance_m"].as_f64().expect("d") <= 10_000.0)
        .collect();
    let got: Vec<&Value> = near["results"].as_array().expect("r").iter().collect();
    assert_eq!(got, expected);
    assert!(!got.is_empty() && got.len() < all["results"].as_array().expect("r").len());
    let both = distances(&["--within-km", "10", "--nearest", "1"]);
    assert_eq!(both["results"].as_array().map(Vec::len), Some(1));
}

#[test]
fn csv_has_a_header_and_quotes_a_label_with_a_comma() {
    let layer = fixture("places.geojson");
    let out = raidmap(&["distances", "--csv", "--layer", &layer, "--from", "Origin"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "label,id,layer,distance_m,bearing_deg");
    assert_eq!(lines.len(), 1 + 7);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("\"Two blocks, north\",,places.geojson,")),
        "{text}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("42,42,places.geojson,")),
        "{text}"
    );
    // The feature without geometry is named on stderr, not in the table.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Somewhere in Takeo"), "{err}");
    let distances: Vec<f64> = lines[1..]
        .iter()
        .map(|l| {
            l.rsplit(',')
                .nth(1)
                .and_then(|d| d.parse().ok())
                .expect("distance")
        })
        .collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn text_output_gives_units_and_the_method() {
    let out = raidmap(&["distances", "--from", "Mango Park 2", "--nearest", "2"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("WGS84"), "{text}");
    assert!(text.contains(" km "), "{text}");
    assert_eq!(
        text.lines().filter(|l| l.contains("°")).count(),
        2,
        "{text}"
    );
}

#[test]
fn bad_distances_arguments_are_usage_errors_and_unknown_places_bad_input() {
    let layer = fixture("places.geojson");
    for args in [
        vec!["distances", "--from", "Origin", "--nearest", "0"],
        vec!["distances", "--from", "Origin", "--within-km", "-1"],
        vec!["distances", "--from", "Origin", "--within-km", "far"],
        vec!["distances", "--json", "--csv", "--from", "Origin"],
        vec!["distances"],
    ] {
        let mut args = args.clone();
        args.extend(["--layer", layer.as_str()]);
        assert_eq!(raidmap(&args).status.code(), Some(2), "{args:?}");
    }
    let out = raidmap(&["distances", "--layer", &layer, "--from", "Atlantis"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_area_of_a_compound_with_a_courtyard_matches_geographiclib() {
    let reference = reference();
    let case = reference["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .find(|a| {
            a["source"]
                .as_str()
                .is_some_and(|s| s.contains("walled compound"))
        })
        .expect("the compound in reference.json")
        .clone();
    // The fixture holds the very polygon the reference was computed for.
    let layer_text = std::fs::read_to_string(fixture("places.geojson")).expect("fixture");
    let layer: Value = serde_json::from_str(&layer_text).expect("JSON");
    let compound = layer["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["properties"]["name"] == "Walled compound")
        .expect("compound");
    assert_eq!(compound["geometry"]["coordinates"], case["polygons"][0]);

    let v = stdout_json(&[
        "area",
        "--json",
        "--layer",
        &fixture("places.geojson"),
        "Walled compound",
    ]);
    let keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["label", "area_m2", "perimeter_m", "method"]);
    assert_eq!(v["label"], "Walled compound");
    assert_eq!(v["method"], "geodesic-wgs84");
    let area = v["area_m2"].as_f64().expect("area");
    let want = case["area_m2"].as_f64().expect("reference area");
    assert!((area - want).abs() / want < 1e-4, "{area} m² vs {want} m²");
    // Holes are subtracted: the outer ring alone is larger.
    assert!(area < 150_000.0 && area > 130_000.0, "{area}");
    let perimeter = v["perimeter_m"].as_f64().expect("perimeter");
    let want = case["perimeter_m"].as_f64().expect("reference perimeter");
    assert!((perimeter - want).abs() < 1e-3, "{perimeter} m vs {want} m");
}

#[test]
fn a_multipolygon_area_is_the_sum_of_its_parts_and_text_shows_units() {
    let layer = fixture("places.geojson");
    let v = stdout_json(&["area", "--json", "--layer", &layer, "Two blocks, north"]);
    let area = v["area_m2"].as_f64().expect("area");
    // A half-degree square in Kampong Speu (reference.json) plus a small triangle.
    let reference = reference();
    let square = reference["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .find(|a| {
            a["source"]
                .as_str()
                .is_some_and(|s| s.contains("half-degree square"))
        })
        .and_then(|a| a["area_m2"].as_f64())
        .expect("square reference");
    assert!(area > square && area < square * 1.03, "{area} vs {square}");
    let out = raidmap(&["area", "--layer", &layer, "wc"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("137,088 m² (137087.543 m²)") && text.contains("WGS84"),
        "{text}"
    );
}

#[test]
fn the_area_of_a_point_or_a_coordinate_is_bad_input() {
    let layer = fixture("places.geojson");
    let out = raidmap(&["area", "--layer", &layer, "Origin"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("area of Origin: a Point has no area") && err.contains("Polygon"),
        "{err}"
    );
    let out = raidmap(&["area", "--layer", &layer, "11.2,104.6"]);
    assert_eq!(out.status.code(), Some(1));
    let out = raidmap(&["area", "--layer", &layer, "Somewhere in Takeo"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(raidmap(&["area"]).status.code(), Some(2));
}

//! `raidmap coverage`: the July 2025 question on the bundled data, the JSON, CSV and GeoJSON
//! shapes, unreadable dates and usage errors.

use std::process::Output;

use serde_json::Value;

use crate::util::raidmap;

fn data(name: &str) -> String {
    format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `coverage --sites data/sites.geojson --raids data/raids.geojson` with more arguments.
fn on_sample(more: &[&str]) -> Output {
    let sites = data("sites.geojson");
    let raids = data("raids.geojson");
    let mut args = vec!["coverage", "--sites", &sites, "--raids", &raids];
    args.extend_from_slice(more);
    raidmap(&args)
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object on stdout")
}

fn site<'a>(v: &'a Value, label: &str) -> &'a Value {
    v["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .find(|s| s["label"] == label)
        .unwrap_or_else(|| panic!("no site {label} in {v}"))
}

#[test]
fn in_the_july_2025_raids_mango_park_2_is_untouched_and_the_poipet_compound_raided() {
    for (from, to) in [("2025-07-14", "2025-07-16"), ("2025-07-01", "2025-07-31")] {
        let v = json_of(&on_sample(&[
            "--json",
            "--radius-km",
            "5",
            "--from",
            from,
            "--to",
            to,
        ]));
        assert_eq!(v["window"]["from"], from);
        assert_eq!(v["window"]["to"], to);
        assert_eq!(v["radius_m"], 5000.0);
        let mango2 = site(&v, "Mango Park 2");
        assert_eq!(mango2["status"], "untouched");
        assert_eq!(mango2["id"], "KH-S-002");
        assert_eq!(mango2["raids_within"], 0);
        let nearest = &mango2["nearest_raid"];
        assert_eq!(nearest["label"], "Kong Pisey raid");
        assert_eq!(nearest["date"], "2025-07-16");
        let d = nearest["distance_m"].as_f64().expect("distance_m");
        assert!((5_000.0..30_000.0).contains(&d), "{d}");
        let poipet = site(&v, "Poipet compound");
        assert_eq!(poipet["status"], "raided");
        assert_eq!(poipet["raids_within"], 1);
        assert_eq!(poipet["nearest_raid"]["label"], "Poipet raid");
        assert_eq!(poipet["nearest_raid"]["distance_m"], 0.0);
        // Known only by name: no distance, no raid names it.
        let six = site(&v, "Six compounds near the Toul Kork ring");
        assert_eq!(six["nearest_raid"], Value::Null);
        assert_eq!(six["status"], "untouched");
        // Every site of the file, in its order, with exactly the documented keys.
        let labels: Vec<&str> = v["sites"]
            .as_array()
            .expect("sites")
            .iter()
            .map(|s| s["label"].as_str().expect("label"))
            .collect();
        assert_eq!(labels.len(), 7);
        assert_eq!(labels[0], "Mango Park");
        for s in v["sites"].as_array().expect("sites") {
            let keys: Vec<&String> = s.as_object().expect("object").keys().collect();
            assert_eq!(
                keys,
                ["label", "id", "status", "nearest_raid", "raids_within"]
            );
        }
    }
}

#[test]
fn mango_park_2_turns_raided_once_the_radius_reaches_its_nearest_july_raid() {
    let v = json_of(&on_sample(&[
        "--json",
        "--radius-km",
        "5",
        "--from",
        "2025-07",
        "--to",
        "2025-07",
    ]));
    assert_eq!(
        v["window"]["from"], "2025-07-01",
        "a month as --from is its first day"
    );
    assert_eq!(
        v["window"]["to"], "2025-07-31",
        "a month as --to is its last day"
    );
    let d = site(&v, "Mango Park 2")["nearest_raid"]["distance_m"]
        .as_f64()
        .expect("distance");
    let km = |m: f64| format!("{}", m / 1000.0);
    let at = json_of(&on_sample(&[
        "--json",
        "--radius-km",
        &km(d + 1.0),
        "--from",
        "2025-07",
        "--to",
        "2025-07",
    ]));
    assert_eq!(site(&at, "Mango Park 2")["status"], "raided");
    assert_eq!(site(&at, "Mango Park 2")["raids_within"], 1);
    let short = json_of(&on_sample(&[
        "--json",
        "--radius-km",
        &km(d - 1.0),
        "--from",
        "2025-07",
        "--to",
        "2025-07",
    ]));
    assert_eq!(site(&short, "Mango Park 2")["status"], "untouched");
}

#[test]
fn without_a_window_the_2024_mango_park_raid_counts_and_is_about_9_km_from_mango_park_2() {
    let v = json_of(&on_sample(&["--json", "--radius-km", "10"]));
    assert_eq!(v["window"]["from"], Value::Null);
    assert_eq!(v["window"]["to"], Value::Null);
    let mango2 = site(&v, "Mango Park 2");
    assert_eq!(mango2["status"], "raided");
    assert_eq!(mango2["nearest_raid"]["label"], "Mango Park raid (2024)");
    let d = mango2["nearest_raid"]["distance_m"].as_f64().expect("d");
    assert!((8_500.0..9_500.0).contains(&d), "{d}");
}

#[test]
fn csv_has_a_header_and_one_row_per_site() {
    let out = on_sample(&[
        "--csv",
        "--radius-km",
        "5",
        "--from",
        "2025-07-14",
        "--to",
        "2025-07-16",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "label,id,status,nearest_raid,nearest_raid_date,nearest_raid_distance_m,raids_within"
    );
    assert_eq!(lines.len(), 8, "{text}");
    let mango2 = lines
        .iter()
        .find(|l| l.starts_with("Mango Park 2,"))
        .expect("a Mango Park 2 row");
    let cells: Vec<&str> = mango2.split(',').collect();
    assert_eq!(cells.len(), 7, "{mango2}");
    assert_eq!(
        &cells[..5],
        [
            "Mango Park 2",
            "KH-S-002",
            "untouched",
            "Kong Pisey raid",
            "2025-07-16"
        ]
    );
    assert!(cells[5].parse::<f64>().is_ok_and(|m| m > 5_000.0));
    assert_eq!(cells[6], "0");
    // The site without a geometry has empty cells for the raid it has none of.
    assert!(
        lines.contains(&"Six compounds near the Toul Kork ring,KH-S-007,untouched,,,,0"),
        "{text}"
    );
}

#[test]
fn the_text_table_gives_units_and_a_summary() {
    let out = on_sample(&[
        "--radius-km",
        "5",
        "--from",
        "2025-07-14",
        "--to",
        "2025-07-16",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(text.contains("Radius: 5.00 km"), "{text}");
    assert!(text.contains("raids within 5.00 km"), "{text}");
    let row = text
        .lines()
        .find(|l| l.starts_with("Mango Park 2 "))
        .expect("a Mango Park 2 row");
    assert!(row.contains("untouched") && row.contains(" km"), "{row}");
    assert!(text.contains("3 untouched, 4 raided, of 7 sites"), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Six compounds near the Toul Kork ring") && stderr.contains("name only"),
        "{stderr}"
    );
}

#[test]
fn raids_with_unreadable_dates_are_reported_and_left_out_of_the_window() {
    let dir = tempfile::tempdir().expect("temp dir");
    let raids = dir.path().join("raids.geojson");
    std::fs::write(
        &raids,
        r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","geometry":{"type":"Point","coordinates":[104.716,11.202]},"properties":{"name":"typo","date":"2025-07-32"}},
  {"type":"Feature","geometry":{"type":"Point","coordinates":[104.716,11.202]},"properties":{"name":"local time","date":"2025-07-15T10:00"}},
  {"type":"Feature","geometry":{"type":"Point","coordinates":[102.563,13.659]},"properties":{"name":"ok","date":"2025-07-16T02:00:00+07:00"}}]}"#,
    )
    .expect("write");
    let sites = data("sites.geojson");
    let raids = raids.display().to_string();
    let args = [
        "coverage",
        "--json",
        "--sites",
        &sites,
        "--raids",
        &raids,
        "--radius-km",
        "5",
        "--from",
        "2025-07-15",
        "--to",
        "2025-07-15",
    ];
    let out = raidmap(&args);
    let v = json_of(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("typo") && stderr.contains("no such day"),
        "{stderr}"
    );
    assert!(
        stderr.contains("local time") && stderr.contains("offset"),
        "{stderr}"
    );
    assert_eq!(site(&v, "Mango Park 2")["status"], "untouched");
    // 02:00 at +07:00 on 16 July is 19:00 UTC on 15 July: in the window.
    assert_eq!(site(&v, "Poipet compound")["status"], "raided");
    assert_eq!(
        site(&v, "Poipet compound")["nearest_raid"]["date"],
        "2025-07-16T02:00:00+07:00"
    );
}

#[test]
fn the_classified_sites_are_written_as_geojson() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_path = dir.path().join("classified.geojson");
    let out_arg = out_path.display().to_string();
    let out = on_sample(&[
        "--radius-km",
        "5",
        "--from",
        "2025-07-14",
        "--to",
        "2025-07-16",
        "--geojson",
        &out_arg,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let layer = raidmap::io::read_path(&out_path).expect("the export reads back");
    assert_eq!(layer.features.len(), 7);
    let mango2 = layer
        .features
        .iter()
        .find(|f| f.name() == Some("Mango Park 2"))
        .expect("Mango Park 2");
    assert_eq!(
        mango2.property("coverage_status"),
        Some(&Value::from("untouched"))
    );
    assert_eq!(
        mango2.property("nearest_raid"),
        Some(&Value::from("Kong Pisey raid"))
    );
    assert!(
        mango2
            .property("nearest_raid_distance_m")
            .and_then(Value::as_f64)
            .is_some_and(|d| d > 5_000.0)
    );
    // Everything the input had is still there.
    assert_eq!(mango2.property("province"), Some(&Value::from("Takeo")));
    assert_eq!(mango2.id(), Some(&Value::from("KH-S-002")));
}

#[test]
fn usage_errors_exit_2() {
    for bad in [
        vec!["--radius-km", "five"],
        vec!["--radius-km", "-1"],
        vec!["--radius-km", "5", "--from", "16/07/2025"],
        vec![
            "--radius-km",
            "5",
            "--from",
            "2025-07-16",
            "--to",
            "2025-07-14",
        ],
        vec!["--radius-km", "5", "--json", "--csv"],
        vec![],
    ] {
        let out = on_sample(&bad);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{bad:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = raidmap(&[
        "coverage",
        "--radius-km",
        "5",
        "--raids",
        &data("raids.geojson"),
    ]);
    assert_eq!(out.status.code(), Some(2), "--sites is required");
}

#[test]
fn bad_input_exits_1() {
    let missing = on_sample(&["--radius-km", "5", "--date-field", "when"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("when"));
    let out = raidmap(&[
        "coverage",
        "--sites",
        "/nonexistent/sites.geojson",
        "--raids",
        &data("raids.geojson"),
        "--radius-km",
        "5",
    ]);
    assert_eq!(out.status.code(), Some(1));
    // Sites have no date property: used as raids with a window, nothing can be placed.
    let out = raidmap(&[
        "coverage",
        "--sites",
        &data("sites.geojson"),
        "--raids",
        &data("sites.geojson"),
        "--radius-km",
        "5",
        "--from",
        "2025-07-01",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn raids_may_come_from_a_csv_file_with_a_date_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let raids = dir.path().join("raids.csv");
    std::fs::write(
        &raids,
        "name,date,lat,lon\nPoipet raid,2025-07-16,13.659,102.563\nOld raid,2024-10-24,11.202,104.716\n",
    )
    .expect("write");
    let sites = data("sites.geojson");
    let raids = raids.display().to_string();
    let v = json_of(&raidmap(&[
        "coverage",
        "--json",
        "--sites",
        &sites,
        "--raids",
        &raids,
        "--radius-km",
        "5",
        "--from",
        "2025-07-14",
        "--to",
        "2025-07-16",
    ]));
    assert_eq!(site(&v, "Poipet compound")["status"], "raided");
    assert_eq!(
        site(&v, "Poipet compound")["nearest_raid"]["date"],
        "2025-07-16"
    );
    // The 2024 raid at Mango Park 2's point lies outside the window.
    assert_eq!(site(&v, "Mango Park 2")["status"], "untouched");
}

//! `raidmap diff` and `raidmap merge` as a team uses them: a base list of compounds, our copy
//! (statuses after the July raids) and a colleague's (sources, moved points, new sites), with
//! every case of the issue. The expected results are written out by hand below, not computed.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};

use crate::util::raidmap;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write fixture");
    path.to_string_lossy().into_owned()
}

/// A point feature line in the layout the sample data uses.
fn point(id: &str, lon: &str, lat: &str, properties: &str) -> String {
    let id = if id.is_empty() {
        String::new()
    } else {
        format!("\"id\": {id}, ")
    };
    format!(
        "{{\"type\": \"Feature\", {id}\"geometry\": {{\"type\": \"Point\", \"coordinates\": [{lon}, {lat}]}}, \"properties\": {properties}}}"
    )
}

fn collection(features: &[String]) -> String {
    // The layout the writer uses (the sample data's), so a file written back unchanged is the
    // same file.
    format!(
        "{{\"type\": \"FeatureCollection\",\n \"name\": \"compounds\",\n \"features\": [\n  {}\n ]\n}}\n",
        features.join(",\n  ")
    )
}

struct Team {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    base: String,
    ours: String,
    theirs: String,
    /// Lines of OURS the merge must keep byte for byte.
    ours_untouched: Vec<String>,
    /// THEIRS' new sites, as THEIRS wrote them.
    theirs_added: Vec<String>,
}

fn team() -> Team {
    let dir = tempfile::tempdir().expect("temp dir");
    let unnamed = point("", "104.5", "11.0", r#"{"kind": "checkpoint"}"#);
    let loose = point("", "104.6", "11.1", r#"{"kind": "camp"}"#);
    let base = vec![
        point(
            "1",
            "104.90000",
            "11.5",
            r#"{"name": "Mango Park", "status": "suspected"}"#,
        ),
        point(
            "2",
            "104.1",
            "10.6",
            r#"{"name": "Golden Fortune", "status": "suspected"}"#,
        ),
        point(
            "3",
            "103.5",
            "10.6",
            r#"{"name": "Jin Bei", "status": "suspected"}"#,
        ),
        point(
            "4",
            "103.6",
            "10.7",
            r#"{"name": "Kaibo", "status": "suspected"}"#,
        ),
        point(
            "5",
            "104.2",
            "11.5",
            r#"{"name": "Chrey Thom", "status": "suspected"}"#,
        ),
        point(
            "6",
            "104.3",
            "11.6",
            r#"{"name": "Huione", "status": "suspected"}"#,
        ),
        point(
            "7",
            "104.4",
            "11.7",
            r#"{"name": "Xinghe", "status": "suspected"}"#,
        ),
        point(
            "8",
            "104.5",
            "11.8",
            r#"{"name": "Long Bay", "status": "suspected"}"#,
        ),
        point(
            "9",
            "104.6",
            "11.9",
            r#"{"name": "Star Bay", "status": "suspected"}"#,
        ),
        point(
            r#""1""#,
            "102.5",
            "12.5",
            r#"{"name": "Site one (text id)", "n": 1}"#,
        ),
        point(
            "10",
            "102.6",
            "12.6",
            r#"{"name": "Note holder", "note": null}"#,
        ),
        point(
            "11",
            "102.7",
            "12.7",
            r#"{"name": "Workers", "status": "suspected"}"#,
        ),
        unnamed.clone(),
        loose.clone(),
    ];
    // Ours: statuses after the July raids (odd spacing kept), 8 deleted, a new site 30.
    let ours_1 = point(
        "1",
        "104.90000",
        "11.5",
        r#"{"name": "Mango Park",  "status": "raided"}"#,
    );
    let ours_3 = point(
        "3",
        "103.5",
        "10.6",
        r#"{"name": "Jin Bei", "status": "raided"}"#,
    );
    let ours_11 = point(
        "11",
        "102.7",
        "12.7",
        r#"{"name": "Workers", "status": "suspected", "workers": null}"#,
    );
    let ours_30 = point(
        "30",
        "105.0",
        "12.0",
        r#"{"name": "New ours", "status": "suspected"}"#,
    );
    let ours = vec![
        ours_1.clone(),
        base[1].clone(),
        ours_3.clone(),
        point(
            "4",
            "103.6",
            "10.7",
            r#"{"name": "Kaibo", "status": "closed"}"#,
        ),
        base[4].clone(),
        point(
            "6",
            "104.31",
            "11.6",
            r#"{"name": "Huione", "status": "suspected"}"#,
        ),
        base[6].clone(),
        point(
            "9",
            "104.6",
            "11.9",
            r#"{"name": "Star Bay", "status": "raided"}"#,
        ),
        base[9].clone(),
        base[10].clone(),
        ours_11.clone(),
        unnamed.clone(),
        loose.clone(),
        ours_30.clone(),
    ];
    // Theirs: sources, a moved point, 7 and 9 deleted, 8 changed, new sites.
    let theirs_20 = point(
        r#""c0a80101-0000-4000-8000-000000000020""#,
        "103.0",
        "13.0",
        r#"{"name": "New A"}"#,
    );
    let theirs_21 = point("21", "103.1", "13.1", r#"{"name": "New B"}"#);
    let theirs_22 = point("22", "103.2", "13.2", r#"{"name": "New C"}"#);
    let loose_moved = point("", "104.6", "11.1", r#"{"kind": "camp", "seen": 2}"#);
    let theirs = vec![
        base[0].clone(),
        point(
            "2",
            "104.1",
            "10.6",
            r#"{"name": "Golden Fortune", "status": "suspected", "source": "RFA"}"#,
        ),
        point(
            "3",
            "103.5",
            "10.6",
            r#"{"name": "Jin Bei", "status": "raided"}"#,
        ),
        point(
            "4",
            "103.6",
            "10.7",
            r#"{"name": "Kaibo", "status": "raided", "source": "VOD"}"#,
        ),
        point(
            "5",
            "104.2",
            "11.501",
            r#"{"name": "Chrey Thom", "status": "suspected"}"#,
        ),
        point(
            "6",
            "104.32",
            "11.6",
            r#"{"name": "Huione", "status": "suspected"}"#,
        ),
        point(
            "8",
            "104.5",
            "11.8",
            r#"{"name": "Long Bay", "status": "raided"}"#,
        ),
        point(
            r#""1""#,
            "102.5",
            "12.5",
            r#"{"name": "Site one (text id)", "n": "1"}"#,
        ),
        point("10", "102.6", "12.6", r#"{"name": "Note holder"}"#),
        base[11].clone(),
        unnamed.clone(),
        loose_moved.clone(),
        theirs_20.clone(),
        theirs_21.clone(),
        theirs_22.clone(),
    ];
    let d = dir.path().to_owned();
    Team {
        base: write(&d, "base.geojson", &collection(&base)),
        ours: write(&d, "ours.geojson", &collection(&ours)),
        theirs: write(&d, "theirs.geojson", &collection(&theirs)),
        ours_untouched: vec![ours_1, ours_3, ours_11, ours_30, base[12].clone()],
        theirs_added: vec![loose_moved, theirs_20, theirs_21, theirs_22],
        dir: d,
        _dir: dir,
    }
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "one JSON object on stdout ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The `id`s of a GeoJSON file's features, in order (`null` for none).
fn ids(path: &Path) -> Vec<Value> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("output"))
        .expect("output is JSON");
    v["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f.get("id").cloned().unwrap_or(Value::Null))
        .collect()
}

fn feature_by_id(path: &Path, id: &Value) -> Value {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("output"))
        .expect("output is JSON");
    v["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f.get("id") == Some(id))
        .cloned()
        .unwrap_or_else(|| panic!("no feature {id}"))
}

#[test]
fn diff_lists_added_removed_and_changed_features_property_by_property() {
    let t = team();
    let out = raidmap(&["diff", &t.base, &t.theirs, "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out);
    assert_eq!(
        v["added"],
        json!([
            {"key": null, "label": "#11"},
            {"key": "c0a80101-0000-4000-8000-000000000020", "label": "New A"},
            {"key": 21, "label": "New B"},
            {"key": 22, "label": "New C"},
        ])
    );
    assert_eq!(
        v["removed"],
        json!([
            {"key": 7, "label": "Xinghe"},
            {"key": 9, "label": "Star Bay"},
            {"key": null, "label": "#13"},
        ])
    );
    let changed = v["changed"].as_array().expect("changed");
    let keys: Vec<&Value> = changed.iter().map(|c| &c["key"]).collect();
    assert_eq!(
        keys,
        [
            &json!(2),
            &json!(3),
            &json!(4),
            &json!(5),
            &json!(6),
            &json!(8),
            &json!("1"),
            &json!(10)
        ]
    );
    assert_eq!(
        changed[0],
        json!({"key": 2, "label": "Golden Fortune", "properties": {"source": {"new": "RFA"}}, "geometry": null})
    );
    assert_eq!(
        changed[2]["properties"],
        json!({"status": {"old": "suspected", "new": "raided"}, "source": {"new": "VOD"}})
    );
    // 0.001° of latitude at 11.5° N: the meridian arc 111132.954 − 559.822 cos 2φ + 1.175 cos 4φ
    // metres per degree gives 110.618 m.
    let moved = changed[3]["geometry"]["moved_m"].as_f64().expect("moved_m");
    assert!((moved - 110.618).abs() < 0.01, "moved {moved} m");
    assert_eq!(changed[3]["properties"], json!({}));
    // A number that became a string is a change; a null that became absent is a removal.
    assert_eq!(
        changed[6]["properties"],
        json!({"n": {"old": 1, "new": "1"}})
    );
    assert_eq!(changed[7]["properties"], json!({"note": {"old": null}}));
    assert_eq!(changed[7]["label"], "Note holder");
    // 0, 11 (id 11 unchanged), the unnamed checkpoint: unchanged.
    assert_eq!(v["unchanged"], 3);
    assert_eq!(v["method"], "geodesic-wgs84");

    // Null added where the property was absent.
    let v = json_of(&raidmap(&["diff", &t.base, &t.ours, "--json"]));
    let c11 = v["changed"]
        .as_array()
        .expect("changed")
        .iter()
        .find(|c| c["key"] == 11)
        .expect("11 changed")
        .clone();
    assert_eq!(c11["properties"], json!({"workers": {"new": null}}));

    // The same two files, readable: each change with its JSON types.
    let out = raidmap(&["diff", &t.base, &t.theirs]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(r#"property "n": 1 (number) → "1" (string)"#),
        "{text}"
    );
    assert!(
        text.contains("geometry: moved 110.6 m") || text.contains("moved 111 m"),
        "{text}"
    );
    assert!(
        text.contains("4 added, 3 removed, 8 changed, 3 unchanged"),
        "{text}"
    );

    // Identical files: nothing differs, still exit 0.
    let same = json_of(&raidmap(&["diff", &t.base, &t.base, "--json"]));
    assert_eq!(same["changed"], json!([]));
    assert_eq!(same["unchanged"], 14);
}

#[test]
fn a_merge_with_conflicts_writes_nothing_and_lists_each_conflict() {
    let t = team();
    let out_path = t.dir.join("merged.geojson");
    let out = t.dir.join("merged.geojson").to_string_lossy().into_owned();
    let o = raidmap(&["merge", &t.base, &t.ours, &t.theirs, "-o", &out, "--json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out_path.exists(), "nothing written");
    let v = json_of(&o);
    assert_eq!(v["written"], false);
    assert_eq!(v["taken_from_ours"], 4);
    assert_eq!(v["taken_from_theirs"], 11);
    assert_eq!(
        v["conflicts"],
        json!([
            {"key": 4, "label": "Kaibo", "what": "property", "property": "status",
             "base": "suspected", "ours": "closed", "theirs": "raided"},
            {"key": 6, "label": "Huione", "what": "geometry",
             "base": {"type": "Point", "coordinates": [104.3, 11.6]},
             "ours": {"type": "Point", "coordinates": [104.31, 11.6]},
             "theirs": {"type": "Point", "coordinates": [104.32, 11.6]}},
            {"key": 8, "label": "Long Bay", "what": "delete",
             "base": {"type": "Feature", "id": 8, "geometry": {"type": "Point", "coordinates": [104.5, 11.8]}, "properties": {"name": "Long Bay", "status": "suspected"}},
             "theirs": {"type": "Feature", "id": 8, "geometry": {"type": "Point", "coordinates": [104.5, 11.8]}, "properties": {"name": "Long Bay", "status": "raided"}}},
            {"key": 9, "label": "Star Bay", "what": "delete",
             "base": {"type": "Feature", "id": 9, "geometry": {"type": "Point", "coordinates": [104.6, 11.9]}, "properties": {"name": "Star Bay", "status": "suspected"}},
             "ours": {"type": "Feature", "id": 9, "geometry": {"type": "Point", "coordinates": [104.6, 11.9]}, "properties": {"name": "Star Bay", "status": "raided"}}},
        ])
    );
    // Without --json: each conflict on stderr, exit 1.
    let o = raidmap(&["merge", &t.base, &t.ours, &t.theirs, "-o", &out]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(r#"conflict: 4 "Kaibo": property "status": base "suspected" (string), ours "closed" (string), theirs "raided" (string)"#), "{err}");
    assert!(
        err.contains(r#"conflict: 8 "Long Bay": deleted in ours, changed in theirs"#),
        "{err}"
    );
    assert!(err.contains("nothing written"), "{err}");
    assert!(!out_path.exists());
}

#[test]
fn prefer_theirs_resolves_every_conflict_their_way_and_keeps_our_bytes() {
    let t = team();
    let out_path = t.dir.join("merged.geojson");
    let out = out_path.to_string_lossy().into_owned();
    let o = raidmap(&[
        "merge", &t.base, &t.ours, &t.theirs, "-o", &out, "--json", "--prefer", "theirs",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json_of(&o);
    assert_eq!(v["written"], true);
    assert_eq!(v["taken_from_ours"], 4);
    assert_eq!(v["taken_from_theirs"], 15);
    assert_eq!(v["conflicts"].as_array().map(Vec::len), Some(4));
    // OURS' order (7 and 9 deleted, as theirs did), then THEIRS' features in their order:
    // 8 back, the changed loose camp, the new sites.
    assert_eq!(
        ids(&out_path),
        [
            json!(1),
            json!(2),
            json!(3),
            json!(4),
            json!(5),
            json!(6),
            json!("1"),
            json!(10),
            json!(11),
            Value::Null,
            json!(30),
            json!(8),
            Value::Null,
            json!("c0a80101-0000-4000-8000-000000000020"),
            json!(21),
            json!(22)
        ]
    );
    let text = std::fs::read_to_string(&out_path).expect("merged");
    for line in t.ours_untouched.iter().chain(&t.theirs_added) {
        assert!(
            text.contains(line.as_str()),
            "kept byte for byte: {line}\n{text}"
        );
    }
    assert!(
        text.starts_with("{\"type\": \"FeatureCollection\",\n \"name\": \"compounds\",\n"),
        "{text}"
    );
    assert_eq!(
        feature_by_id(&out_path, &json!(4))["properties"],
        json!({"name": "Kaibo", "status": "raided", "source": "VOD"})
    );
    assert_eq!(
        feature_by_id(&out_path, &json!(6))["geometry"]["coordinates"],
        json!([104.32, 11.6])
    );
    assert_eq!(
        feature_by_id(&out_path, &json!(5))["geometry"]["coordinates"],
        json!([104.2, 11.501])
    );
    assert_eq!(
        feature_by_id(&out_path, &json!(2))["properties"]["source"],
        "RFA"
    );
    assert_eq!(
        feature_by_id(&out_path, &json!("1"))["properties"]["n"],
        "1"
    );
    assert_eq!(
        feature_by_id(&out_path, &json!(1))["properties"]["n"],
        Value::Null
    );
    let note = feature_by_id(&out_path, &json!(10));
    assert!(
        note["properties"].get("note").is_none(),
        "removed, not null: {note}"
    );
    let workers = feature_by_id(&out_path, &json!(11));
    assert_eq!(
        workers["properties"].get("workers"),
        Some(&Value::Null),
        "kept as null"
    );
}

#[test]
fn prefer_ours_keeps_our_side_of_each_conflict_and_takes_their_other_changes() {
    let t = team();
    let out_path = t.dir.join("merged.geojson");
    let out = out_path.to_string_lossy().into_owned();
    let o = raidmap(&[
        "merge", &t.base, &t.ours, &t.theirs, "-o", &out, "--json", "--prefer", "ours",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json_of(&o);
    assert_eq!(
        (v["taken_from_ours"].clone(), v["taken_from_theirs"].clone()),
        (json!(8), json!(11))
    );
    assert_eq!(
        ids(&out_path),
        [
            json!(1),
            json!(2),
            json!(3),
            json!(4),
            json!(5),
            json!(6),
            json!(9),
            json!("1"),
            json!(10),
            json!(11),
            Value::Null,
            json!(30),
            Value::Null,
            json!("c0a80101-0000-4000-8000-000000000020"),
            json!(21),
            json!(22)
        ]
    );
    assert_eq!(
        feature_by_id(&out_path, &json!(4))["properties"],
        json!({"name": "Kaibo", "status": "closed", "source": "VOD"})
    );
    assert_eq!(
        feature_by_id(&out_path, &json!(6))["geometry"]["coordinates"],
        json!([104.31, 11.6])
    );
    assert_eq!(
        feature_by_id(&out_path, &json!(9))["properties"]["status"],
        "raided"
    );
}

#[test]
fn merging_a_copy_with_itself_changes_nothing_byte_for_byte() {
    let t = team();
    let out_path = t.dir.join("same.geojson");
    let out = out_path.to_string_lossy().into_owned();
    let o = raidmap(&["merge", &t.base, &t.ours, &t.base, "-o", &out, "--json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&out_path).expect("written"),
        std::fs::read_to_string(&t.ours).expect("ours")
    );
    let v = json_of(&o);
    assert_eq!(v["taken_from_theirs"], 0);
    // 1, 3 (status), 11 (workers), 8 (deleted), 9 (status), 4 (status), 6 (moved), 30 (added).
    assert_eq!(v["taken_from_ours"], 8);
}

#[test]
fn a_shared_key_is_bad_input_naming_both_features_unless_key_picks_another() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let old = write(
        d,
        "old.geojson",
        &collection(&[
            point(
                "1",
                "104.9",
                "11.5",
                r#"{"name": "Mango Park", "code": "MP"}"#,
            ),
            point(
                "1",
                "104.8",
                "11.4",
                r#"{"name": "Golden Fortune", "code": "GF"}"#,
            ),
        ]),
    );
    let new = write(
        d,
        "new.geojson",
        &collection(&[
            point(
                "1",
                "104.9",
                "11.5",
                r#"{"name": "Mango Park", "code": "MP", "status": "raided"}"#,
            ),
            point(
                "1",
                "104.8",
                "11.4",
                r#"{"name": "Golden Fortune", "code": "GF"}"#,
            ),
        ]),
    );
    let o = raidmap(&["diff", &old, &new, "--json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("id 1 is shared by"), "{err}");
    assert!(
        err.contains("Mango Park") && err.contains("Golden Fortune"),
        "{err}"
    );
    let out = d.join("m.geojson").to_string_lossy().into_owned();
    let o = raidmap(&["merge", &old, &old, &new, "-o", &out]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!d.join("m.geojson").exists());

    let v = json_of(&raidmap(&["diff", &old, &new, "--json", "--key", "code"]));
    assert_eq!(v["changed"][0]["key"], "MP");
    assert_eq!(
        v["changed"][0]["properties"],
        json!({"status": {"new": "raided"}})
    );
    let o = raidmap(&[
        "merge", &old, &old, &new, "-o", &out, "--key", "code", "--json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(json_of(&o)["taken_from_theirs"], 1);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        raidmap(&["diff", "only-one.geojson"]).status.code(),
        Some(2)
    );
    assert_eq!(
        raidmap(&["merge", "a", "b", "c"]).status.code(),
        Some(2),
        "no -o"
    );
    assert_eq!(
        raidmap(&["merge", "a", "b", "c", "-o", "x", "--prefer", "mine"])
            .status
            .code(),
        Some(2)
    );
    let o = raidmap(&["diff", "/nonexistent/a.geojson", "/nonexistent/b.geojson"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/a.geojson"));
}

#[test]
fn csv_and_kml_copies_merge_by_a_property() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let base = write(
        d,
        "base.csv",
        "code,name,lat,lon,status\nMP,Mango Park,11.5,104.9,suspected\nGF,Golden Fortune,10.6,104.1,suspected\n",
    );
    let ours = write(
        d,
        "ours.csv",
        "code,name,lat,lon,status\nMP,Mango Park,11.5,104.9,raided\nGF,Golden Fortune,10.6,104.1,suspected\n",
    );
    let theirs = write(
        d,
        "theirs.csv",
        "code,name,lat,lon,status\nMP,Mango Park,11.5,104.9,suspected\nGF,Golden Fortune,10.6,104.1,closed\nJB,Jin Bei,10.6,103.5,suspected\n",
    );
    let out_path = d.join("merged.csv");
    let out = out_path.to_string_lossy().into_owned();
    let o = raidmap(&[
        "merge", &base, &ours, &theirs, "-o", &out, "--key", "code", "--json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json_of(&o);
    assert_eq!(
        (v["taken_from_ours"].clone(), v["taken_from_theirs"].clone()),
        (json!(1), json!(2))
    );
    let text = std::fs::read_to_string(&out_path).expect("merged CSV");
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 4, "{text}");
    assert!(
        rows[1].contains("MP") && rows[1].contains("raided"),
        "{text}"
    );
    assert!(
        rows[2].contains("GF") && rows[2].contains("closed"),
        "{text}"
    );
    assert!(rows[3].contains("JB"), "{text}");

    let kml = |status_mp: &str, extra: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>Mango Park</name><ExtendedData><Data name="status"><value>{status_mp}</value></Data></ExtendedData><Point><coordinates>104.9,11.5</coordinates></Point></Placemark>
<Placemark><name>Golden Fortune</name><Point><coordinates>104.1,10.6</coordinates></Point></Placemark>
{extra}</Document></kml>"#
        )
    };
    let old = write(d, "old.kml", &kml("suspected", ""));
    let new = write(
        d,
        "new.kml",
        &kml(
            "raided",
            "<Placemark><name>Jin Bei</name><Point><coordinates>103.5,10.61</coordinates></Point></Placemark>\n",
        ),
    );
    let v = json_of(&raidmap(&["diff", &old, &new, "--json", "--key", "name"]));
    assert_eq!(v["added"], json!([{"key": "Jin Bei", "label": "Jin Bei"}]));
    assert_eq!(
        v["changed"],
        json!([{"key": "Mango Park", "label": "Mango Park",
                "properties": {"status": {"old": "suspected", "new": "raided"}}, "geometry": null}])
    );
    assert_eq!(v["unchanged"], 1);
}

//! `raidmap info` and `raidmap export` run as a user runs them, on the fixtures in
//! `tests/fixtures/geojson/` (valid/, warnings/, invalid/) and on the bundled sample data.
//!
//! Expected values are computed here from the fixtures themselves (with plain `serde_json`),
//! never copied from the program's output: feature counts, bounding boxes, geometry types, the
//! line a problem is on (found by a marker text in the fixture) and every number's spelling.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::util::raidmap;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/geojson").join(name)
}

/// Every fixture in one folder, sorted.
fn fixtures(folder: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(fixture(folder))
        .expect("fixture folder")
        .map(|e| e.expect("fixture entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {folder}");
    files
}

fn sample_data() -> Vec<PathBuf> {
    vec![
        root().join("data/sites.geojson"),
        root().join("data/raids.geojson"),
    ]
}

/// Files that must be valid with no warning at all.
fn clean_files() -> Vec<PathBuf> {
    let mut files = fixtures("valid");
    files.extend(sample_data());
    files
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).expect("readable")).expect("JSON")
}

/// The features a GeoJSON value stands for: a collection's features, a Feature itself, or a
/// bare geometry as a feature with null properties.
fn features_of(value: &Value) -> Vec<Value> {
    match value["type"].as_str() {
        Some("FeatureCollection") => value["features"].as_array().cloned().unwrap_or_default(),
        Some("Feature") => vec![value.clone()],
        _ => vec![serde_json::json!({"type": "Feature", "geometry": value, "properties": null})],
    }
}

/// Every position (an array starting with two numbers) inside `value`'s geometries.
fn positions(value: &Value, out: &mut Vec<(f64, f64)>) {
    match value {
        Value::Array(items) => match (items.first(), items.get(1)) {
            (Some(Value::Number(x)), Some(Value::Number(y))) => {
                out.push((x.as_f64().expect("number"), y.as_f64().expect("number")));
            }
            _ => items.iter().for_each(|i| positions(i, out)),
        },
        Value::Object(o) => {
            for key in ["coordinates", "geometries", "geometry"] {
                if let Some(v) = o.get(key) {
                    positions(v, out);
                }
            }
            if let Some(Value::Array(g)) = o.get("geometries") {
                g.iter().for_each(|i| positions(i, out));
            }
        }
        _ => {}
    }
}

fn expected_bbox(features: &[Value]) -> Value {
    let mut all = Vec::new();
    for f in features {
        positions(&f["geometry"], &mut all);
    }
    if all.is_empty() {
        return Value::Null;
    }
    let fold = |pick: fn(&(f64, f64)) -> f64, min: bool| {
        all.iter().map(pick).fold(
            if min {
                f64::INFINITY
            } else {
                f64::NEG_INFINITY
            },
            |a, b| {
                if min { a.min(b) } else { a.max(b) }
            },
        )
    };
    serde_json::json!([
        fold(|p| p.0, true),
        fold(|p| p.1, true),
        fold(|p| p.0, false),
        fold(|p| p.1, false)
    ])
}

fn expected_geometry_types(features: &[Value]) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for f in features {
        let kind = f["geometry"]["type"].as_str().unwrap_or("null").to_owned();
        *out.entry(kind).or_insert(0) += 1;
    }
    out
}

/// The spelling of every number in a JSON text, in order (strings skipped).
fn number_texts(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                out.push(&text[start..i]);
            }
            _ => i += 1,
        }
    }
    out
}

/// 1-based line of the first occurrence of `marker` in the file.
fn line_of(path: &Path, marker: &str) -> usize {
    let text = fs::read_to_string(path).expect("readable fixture");
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker:?} not in {}", path.display()));
    text[..at].matches('\n').count() + 1
}

/// The stderr lines of the form `FILE:LINE:COLUMN: ...` for `file`, as (line, column, rest).
fn placed_lines(stderr: &str, file: &Path) -> Vec<(usize, usize, String)> {
    let prefix = format!("{}:", file.display());
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .filter_map(|rest| {
            let mut parts = rest.splitn(3, ':');
            let line = parts.next()?.parse().ok()?;
            let column = parts.next()?.parse().ok()?;
            Some((line, column, parts.next()?.trim().to_owned()))
        })
        .collect()
}

#[test]
fn valid_files_pass_info_with_counts_bbox_and_types_computed_independently() {
    for path in clean_files() {
        let out = raidmap(&[OsStr::new("info"), OsStr::new("--json"), path.as_os_str()]);
        assert!(out.status.success(), "{}: {}", path.display(), stderr(&out));
        assert_eq!(stderr(&out), "", "{}: nothing on stderr", path.display());
        let report: Value = serde_json::from_str(&stdout(&out)).expect("info --json prints JSON");
        let files = report["files"].as_array().expect("a files array");
        assert_eq!(files.len(), 1);
        let file = &files[0];
        let input = read_json(&path);
        let features = features_of(&input);
        assert_eq!(file["path"], path.display().to_string());
        assert_eq!(file["features"], features.len(), "{}", path.display());
        assert_eq!(file["bbox"], expected_bbox(&features), "{}", path.display());
        let types: BTreeMap<String, u64> =
            serde_json::from_value(file["geometry_types"].clone()).expect("counts");
        assert_eq!(
            types,
            expected_geometry_types(&features),
            "{}",
            path.display()
        );
        assert_eq!(
            file["warnings"],
            serde_json::json!([]),
            "{}",
            path.display()
        );
    }
}

#[test]
fn info_in_text_mode_summarizes_each_file_and_names_the_bbox_order() {
    let files = sample_data();
    let out = raidmap(&[
        OsStr::new("info"),
        files[0].as_os_str(),
        files[1].as_os_str(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for path in &files {
        let n = features_of(&read_json(path)).len();
        assert!(
            text.contains(&format!(
                "{}: valid GeoJSON FeatureCollection, {n} features",
                path.display()
            )),
            "{text}"
        );
    }
    assert!(text.contains("bbox (lon/lat degrees W,S,E,N): "), "{text}");
}

#[test]
fn warning_fixtures_load_with_exactly_their_warning_at_its_line() {
    let cases = [
        (
            "clockwise.geojson",
            "exterior ring is clockwise",
            "[[104.0, 10.0], [104.0, 11.0]",
        ),
        ("crs.geojson", "\"crs\"", "\"crs\""),
        (
            "four_values.geojson",
            "more than 3 values",
            "[104.5, 11.5, 10, 99]",
        ),
        ("lon_200.geojson", "outside longitude", "[200.0, 11.5]"),
        ("precision.geojson", "found 3 times", "104.123456789012345"),
    ];
    assert_eq!(
        cases.len(),
        fixtures("warnings").len(),
        "every warning fixture is tested"
    );
    for (name, words, marker) in cases {
        let path = fixture(&format!("warnings/{name}"));
        let out = raidmap(&[OsStr::new("info"), path.as_os_str()]);
        assert!(
            out.status.success(),
            "{name}: warnings do not fail: {}",
            stderr(&out)
        );
        let placed = placed_lines(&stderr(&out), &path);
        assert_eq!(placed.len(), 1, "{name}: one warning: {}", stderr(&out));
        let (line, column, rest) = &placed[0];
        assert!(
            rest.starts_with("warning: ") && rest.contains(words),
            "{name}: {rest}"
        );
        assert_eq!(*line, line_of(&path, marker), "{name}: {rest}");
        assert!(*column >= 1);

        let out = raidmap(&[OsStr::new("info"), OsStr::new("--json"), path.as_os_str()]);
        let report: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
        let warnings = report["files"][0]["warnings"].as_array().expect("warnings");
        assert_eq!(warnings.len(), 1, "{name}");
        assert_eq!(warnings[0]["line"], *line, "{name}");
        assert_eq!(
            stderr(&out),
            "",
            "{name}: --json keeps warnings out of stderr"
        );
    }
}

#[test]
fn each_invalid_fixture_fails_with_file_line_column_at_the_right_line() {
    let cases = [
        ("bbox_length_3.geojson", "bbox must be", "\"bbox\""),
        (
            "duplicate_key.geojson",
            "duplicate key \"name\"",
            "\"name\": \"second\"",
        ),
        (
            "feature_with_coordinates.geojson",
            "must not have a \"coordinates\"",
            "   \"coordinates\"",
        ),
        (
            "id_object.geojson",
            "\"id\" must be a string or a number",
            "\"id\": {",
        ),
        (
            "no_properties.geojson",
            "needs a \"properties\"",
            "\"id\": \"no-props\"",
        ),
        ("not_json.geojson", "JSON syntax error", "{'type'"),
        (
            "short_ring.geojson",
            "at least 4 positions",
            "[[104.0, 10.0], [105.0, 10.0], [104.0, 10.0]]",
        ),
        (
            "truncated.geojson",
            "ends too early",
            "\"coordinates\": [104.5, 11",
        ),
        ("unclosed_ring.geojson", "not closed", "[104.0, 10.5]"),
    ];
    assert_eq!(
        cases.len(),
        fixtures("invalid").len(),
        "every invalid fixture is tested"
    );
    for (name, words, marker) in cases {
        let path = fixture(&format!("invalid/{name}"));
        let out = raidmap(&[OsStr::new("info"), path.as_os_str()]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        let placed = placed_lines(&stderr(&out), &path);
        assert_eq!(placed.len(), 1, "{name}: one error: {}", stderr(&out));
        let (line, column, rest) = &placed[0];
        assert!(rest.contains(words), "{name}: {rest}");
        assert!(!rest.starts_with("warning"), "{name}: {rest}");
        assert_eq!(*line, line_of(&path, marker), "{name}: {rest}");
        assert!(*column >= 1, "{name}");
        assert!(stdout(&out).contains("not valid GeoJSON"), "{name}");
    }
}

#[test]
fn binary_and_hostile_inputs_fail_cleanly_with_a_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let deep = format!(
        "{{\"type\": \"FeatureCollection\", \"features\": [\n{{\"type\": \"Feature\", \"geometry\": null,\n \"properties\": {{\"x\": {}{}}}}}]}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let mut garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    garbage.retain(|b| *b != b'\n');
    let cases: Vec<(&str, Vec<u8>, usize, &str)> = vec![
        (
            "invalid_utf8.geojson",
            b"{\"type\": \"Feature\",\n \"properties\": {\"name\": \"\xff\xfe\"}}".to_vec(),
            2,
            "UTF-8",
        ),
        ("garbage.geojson", garbage, 1, ""),
        ("deep.geojson", deep.into_bytes(), 3, "256 levels"),
        ("empty.geojson", Vec::new(), 1, "empty"),
        (
            "huge_number.geojson",
            b"{\"type\": \"Point\",\n \"coordinates\": [1e999, 2]}".to_vec(),
            2,
            "out of range",
        ),
    ];
    for (name, bytes, line, words) in cases {
        let path = dir.path().join(name);
        fs::write(&path, bytes).expect("write");
        let out = raidmap(&[OsStr::new("info"), path.as_os_str()]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        let placed = placed_lines(&stderr(&out), &path);
        assert_eq!(placed.len(), 1, "{name}: {}", stderr(&out));
        assert_eq!(placed[0].0, line, "{name}: {:?}", placed[0]);
        assert!(placed[0].2.contains(words), "{name}: {:?}", placed[0]);
    }
}

#[test]
fn info_json_lists_invalid_files_with_their_errors_and_exits_1() {
    let good = fixture("valid/feature.geojson");
    let bad = fixture("invalid/unclosed_ring.geojson");
    let missing = fixture("invalid/does_not_exist.geojson");
    let out = raidmap(&[
        OsStr::new("info"),
        OsStr::new("--json"),
        good.as_os_str(),
        bad.as_os_str(),
        missing.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_str(&stdout(&out)).expect("JSON even with invalid files");
    let files = report["files"].as_array().expect("files");
    assert_eq!(files.len(), 3);
    assert_eq!(files[0]["valid"], true);
    assert_eq!(files[0]["features"], 1);
    assert_eq!(files[1]["valid"], false);
    assert_eq!(files[1]["features"], Value::Null);
    assert_eq!(
        files[1]["errors"][0]["line"],
        line_of(&bad, "[104.0, 10.5]")
    );
    assert_eq!(files[2]["valid"], false);
    assert!(
        files[2]["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("cannot read"))
    );
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{}:{}:",
            bad.display(),
            line_of(&bad, "[104.0, 10.5]")
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("{}: cannot read", missing.display())),
        "{err}"
    );
}

#[test]
fn export_of_every_valid_file_reads_back_equal_with_every_number_spelled_the_same() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = clean_files();
    files.extend(fixtures("warnings"));
    for path in files {
        let output = dir.path().join("out.geojson");
        let out = raidmap(&[
            OsStr::new("export"),
            path.as_os_str(),
            OsStr::new("-o"),
            output.as_os_str(),
        ]);
        assert!(out.status.success(), "{}: {}", path.display(), stderr(&out));
        let input_text = fs::read_to_string(&path).expect("input");
        let output_text = fs::read_to_string(&output).expect("output");
        let input: Value = serde_json::from_str(&input_text).expect("input JSON");
        let output_value: Value = serde_json::from_str(&output_text).expect("output JSON");
        // Serialized with preserve_order, so key order counts too.
        assert_eq!(
            serde_json::to_string(&output_value).expect("ser"),
            serde_json::to_string(&input).expect("ser"),
            "{}",
            path.display()
        );
        assert_eq!(
            number_texts(&output_text),
            number_texts(&input_text),
            "{}",
            path.display()
        );
    }
    let collection = fs::read_to_string(dir.path().join("out.geojson")).expect("last output");
    assert!(!collection.is_empty());
}

#[test]
fn exported_numbers_and_altitudes_keep_their_exact_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = dir.path().join("out.geojson");
    let input = fixture("valid/collection.geojson");
    let out = raidmap(&[
        OsStr::new("export"),
        input.as_os_str(),
        OsStr::new("-o"),
        output.as_os_str(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = fs::read_to_string(&output).expect("output");
    for needle in [
        "\"ratio\": 1.0,",
        "\"tiny\": 1e-7,",
        "\"reading\": 104.123456789012345,",
        "[104.66, 11.262, 12.5]",
        "[104.95, 11.6, -3.25]",
        "\"id\": 42,",
        "\"id\": \"KH-S-001\"",
        "\"name\": \"ម៉ាងហ្គោ\"",
        "\"x-accuracy_m\": 500",
        "\"bbox\": [103.5, 10.0, 105.5, 12.5]",
    ] {
        assert!(text.contains(needle), "{needle} is kept: {text}");
    }
}

#[test]
fn export_merges_several_inputs_into_one_collection_in_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = dir.path().join("merged.geojson");
    let inputs = [
        fixture("valid/collection.geojson"),
        fixture("valid/feature.geojson"),
        fixture("valid/geometry.geojson"),
        root().join("data/raids.geojson"),
    ];
    let mut args: Vec<&OsStr> = vec![OsStr::new("export")];
    args.extend(inputs.iter().map(|p| p.as_os_str()));
    args.extend([OsStr::new("-o"), output.as_os_str()]);
    let out = raidmap(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let merged = read_json(&output);
    let expected: Vec<Value> = inputs
        .iter()
        .flat_map(|p| features_of(&read_json(p)))
        .collect();
    assert_eq!(merged["type"], "FeatureCollection");
    assert!(merged.get("bbox").is_none(), "no stale bbox");
    let features = merged["features"].as_array().expect("features");
    assert_eq!(features.len(), expected.len());
    for (got, want) in features.iter().zip(&expected) {
        assert_eq!(
            serde_json::to_string(got).expect("ser"),
            serde_json::to_string(want).expect("ser")
        );
    }
}

#[test]
fn export_with_an_invalid_input_leaves_an_existing_output_unchanged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = dir.path().join("out.geojson");
    let before =
        b"{\"type\": \"FeatureCollection\", \"features\": []}\n  precious notes \xe2\x9c\x93";
    fs::write(&output, before).expect("write existing");
    let good = fixture("valid/collection.geojson");
    let bad = fixture("invalid/duplicate_key.geojson");
    let out = raidmap(&[
        OsStr::new("export"),
        good.as_os_str(),
        bad.as_os_str(),
        OsStr::new("-o"),
        output.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let line = line_of(&bad, "\"name\": \"second\"");
    assert!(
        stderr(&out).contains(&format!("{}:{line}:", bad.display())),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(&output).expect("still there"), before);
    let names: Vec<_> = fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(
        names,
        [OsStr::new("out.geojson")],
        "no temporary file is left"
    );
}

#[test]
fn export_onto_a_folder_fails_without_leaving_anything_behind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("a-folder");
    fs::create_dir(&folder).expect("mkdir");
    let good = fixture("valid/feature.geojson");
    let out = raidmap(&[
        OsStr::new("export"),
        good.as_os_str(),
        OsStr::new("-o"),
        folder.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is a folder"), "{}", stderr(&out));
    assert_eq!(fs::read_dir(dir.path()).expect("dir").count(), 1);
    assert_eq!(fs::read_dir(&folder).expect("dir").count(), 0);
}

#[test]
fn export_may_write_over_one_of_its_inputs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let a = dir.path().join("a.geojson");
    fs::copy(fixture("valid/collection.geojson"), &a).expect("copy");
    let b = fixture("valid/geometry.geojson");
    let n_before = features_of(&read_json(&a)).len();
    let out = raidmap(&[
        OsStr::new("export"),
        a.as_os_str(),
        b.as_os_str(),
        OsStr::new("-o"),
        a.as_os_str(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(features_of(&read_json(&a)).len(), n_before + 1);
}

#[test]
fn a_missing_input_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nope.geojson");
    let output = dir.path().join("out.geojson");
    for args in [
        vec![OsStr::new("info"), missing.as_os_str()],
        vec![
            OsStr::new("export"),
            missing.as_os_str(),
            OsStr::new("-o"),
            output.as_os_str(),
        ],
    ] {
        let out = raidmap(&args);
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{}: cannot read the file: ", missing.display())),
            "{err}"
        );
    }
    assert!(!output.exists());
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(raidmap(&["info"]).status.code(), Some(2));
    assert_eq!(raidmap(&["export", "a.geojson"]).status.code(), Some(2));
    assert_eq!(
        raidmap(&["info", "--bogus", "a.geojson"]).status.code(),
        Some(2)
    );
}

#[test]
fn export_to_a_dash_writes_to_stdout() {
    let input = fixture("valid/feature.geojson");
    let out = raidmap(&[
        OsStr::new("export"),
        input.as_os_str(),
        OsStr::new("-o"),
        OsStr::new("-"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), fs::read_to_string(&input).expect("input"));
}

/// `info` on a project summarizes each of its layers, named `PROJECT [LAYER]`; a project whose
/// layer file is missing, or a file that is not a project, is invalid and says why.
#[test]
fn info_reads_a_project_layer_by_layer() {
    let project = root().join("data/sample.raidmap");
    let out = raidmap(&[
        OsStr::new("info"),
        OsStr::new("--json"),
        project.as_os_str(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let files = json["files"].as_array().expect("files");
    let names: Vec<&str> = files.iter().filter_map(|f| f["path"].as_str()).collect();
    let shown = project.display();
    assert_eq!(
        names,
        [
            format!("{shown} [sites.geojson]"),
            format!("{shown} [raids.geojson]")
        ]
    );
    let sites: Value = serde_json::from_str(
        &fs::read_to_string(root().join("data/sites.geojson")).expect("the sample sites"),
    )
    .expect("the sample sites are JSON");
    assert_eq!(
        files[0]["features"].as_u64(),
        sites["features"].as_array().map(|f| f.len() as u64)
    );

    let dir = tempfile::tempdir().expect("a temporary folder");
    let broken = dir.path().join("moved.raidmap");
    fs::write(
        &broken,
        r#"{"raidmap_project": 1, "layers": [{"name": "gone", "kind": "data", "source": "gone.geojson", "visible": true}]}"#,
    )
    .expect("write the project");
    let not_a_project = dir.path().join("notes.raidmap");
    fs::write(&not_a_project, "my notes").expect("write the file");
    for (path, says) in [
        (&broken, "gone.geojson"),
        (&not_a_project, "not a raidmap project"),
    ] {
        let out = raidmap(&[OsStr::new("info"), path.as_os_str()]);
        assert_eq!(out.status.code(), Some(1), "{}", path.display());
        assert!(stderr(&out).contains(says), "{}", stderr(&out));
    }
}

//! Tests of reading, checking and writing GeoJSON, on small texts written inline.

use serde_json::{Value, json};

use super::*;
use crate::model::Root;

fn problems(text: &str) -> Vec<Problem> {
    check_str(text, "test.geojson").1
}

fn errors(text: &str) -> Vec<Problem> {
    problems(text)
        .into_iter()
        .filter(Problem::is_error)
        .collect()
}

fn warnings(text: &str) -> Vec<Problem> {
    let layer = read_str(text, "test.geojson").expect("only warnings, so the file loads");
    layer.warnings
}

/// The only error of `text`, which must have exactly one.
fn the_error(text: &str) -> Problem {
    let mut errors = errors(text);
    assert_eq!(errors.len(), 1, "expected one error, got {errors:#?}");
    errors.remove(0)
}

fn fc(features: &str) -> String {
    format!("{{\"type\": \"FeatureCollection\", \"features\": [\n{features}\n]}}")
}

fn point_feature(coordinates: &str) -> String {
    format!(
        r#"{{"type": "Feature", "geometry": {{"type": "Point", "coordinates": {coordinates}}}, "properties": {{}}}}"#
    )
}

const VALID: &str = r#"{"type": "FeatureCollection",
 "name": "sites",
 "bbox": [104.0, 10.0, 105.0, 12.0],
 "features": [
  {"type": "Feature", "id": "KH-1", "geometry": {"type": "Point", "coordinates": [104.1234567, 11.0, 12.50]}, "properties": {"name": "ម៉ាងហ្គោ", "n": 1.0, "raw": 104.123456789012345}},
  {"type":"Feature","id":7,"geometry":null,"properties":null,"foreign":{"x":1e-7}},
  {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[104,10],[105,10],[105,11],[104,10]]]}, "properties": {}}
 ]
}"#;

#[test]
fn a_valid_collection_loads_with_everything_it_had() {
    let layer = read_str(VALID, "sites.geojson").expect("valid");
    assert!(layer.warnings.is_empty(), "{:?}", layer.warnings);
    assert_eq!(layer.features.len(), 3);
    assert_eq!(layer.features[0].id(), Some(&json!("KH-1")));
    assert_eq!(layer.features[1].id(), Some(&json!(7)));
    assert_eq!(layer.features[0].name(), Some("ម៉ាងហ្គោ"));
    assert!(layer.features[1].geometry().is_none());
    let Root::FeatureCollection { members, .. } = &layer.root else {
        panic!("a FeatureCollection")
    };
    let keys: Vec<_> = members.keys().map(String::as_str).collect();
    assert_eq!(keys, ["type", "name", "bbox", "features"]);
    assert_eq!(
        layer.features[1].original_text(),
        Some(r#"{"type":"Feature","id":7,"geometry":null,"properties":null,"foreign":{"x":1e-7}}"#)
    );
}

#[test]
fn an_unedited_collection_in_the_sample_layout_is_written_back_byte_for_byte() {
    let layer = read_str(VALID, "sites.geojson").expect("valid");
    assert_eq!(to_string(&layer), format!("{VALID}\n"));
}

#[test]
fn after_an_edit_the_collection_bbox_is_recomputed_not_copied() {
    let mut layer = read_str(VALID, "sites.geojson").expect("valid");
    layer.features[2].set_property("status", json!("raided"));
    let out = to_string(&layer);
    let value: Value = serde_json::from_str(&out).expect("output is JSON");
    // The input's box was looser than its features; after an edit it says what is there.
    assert_eq!(value["bbox"], json!([104.0, 10.0, 105.0, 11.0]), "{out}");
    assert_eq!(value["name"], "sites");
    assert_eq!(value["features"][2]["properties"]["status"], "raided");
    // The unedited features are still their original text.
    assert!(out.contains("[104.1234567, 11.0, 12.50]}, \"properties\": {\"name\": \"ម៉ាងហ្គោ\", \"n\": 1.0, \"raw\": 104.123456789012345}"), "{out}");
}

#[test]
fn a_bbox_that_still_holds_is_kept_as_written_and_a_moved_geometry_updates_it() {
    let text = "{\"type\": \"FeatureCollection\",\n \"bbox\": [104.0, 11.00, 105.0, 12.0],\n \"features\": [\n  {\"type\": \"Feature\", \"bbox\": [104.0, 11.00, 104.0, 11.00], \"geometry\": {\"type\": \"Point\", \"coordinates\": [104.0, 11.00]}, \"properties\": {\"a\": 1}},\n  {\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [105.0, 12.0]}, \"properties\": {}}\n ]\n}";
    let mut layer = read_str(text, "b.geojson").expect("valid");
    layer.features[0].set_property("a", json!(2));
    let out = to_string(&layer);
    assert_eq!(
        out,
        format!("{}\n", text.replace("{\"a\": 1}", "{\"a\": 2}"))
    );
    layer.features[1].set_geometry(Some(geo::point!(x: 106.5, y: 12.0).into()));
    let value: Value = serde_json::from_str(&to_string(&layer)).expect("JSON");
    assert_eq!(value["bbox"], json!([104.0, 11.0, 106.5, 12.0]));
    layer.features[0].set_geometry(Some(geo::point!(x: 103.5, y: 10.5).into()));
    let value: Value = serde_json::from_str(&to_string(&layer)).expect("JSON");
    assert_eq!(
        value["features"][0]["bbox"],
        json!([103.5, 10.5, 103.5, 10.5])
    );
    assert_eq!(value["bbox"], json!([103.5, 10.5, 106.5, 12.0]));
}

#[test]
fn an_edited_feature_keeps_the_exact_text_of_everything_not_edited() {
    let line = r#"{"type": "Feature", "id": 42.0, "geometry": {"type": "Point", "coordinates": [104.90000, 11.5, 12.0]}, "properties": {"name": "A", "n": 1.50, "deep": {"x": [1.0, 2e3]}, "gone": null}, "foreign": {"keep": 1.0}}"#;
    let text = format!("{{\"type\": \"FeatureCollection\",\n \"features\": [\n  {line}\n ]\n}}");
    let mut layer = read_str(&text, "e.geojson").expect("valid");
    let f = &mut layer.features[0];
    f.set_property("name", json!("A2"));
    f.set_property("status", json!("operating"));
    f.edit_properties(|p| p.shift_remove("gone"));
    let out = to_string(&layer);
    let expected = line
        .replace(r#""name": "A""#, r#""name": "A2""#)
        .replace(r#", "gone": null}"#, r#", "status": "operating"}"#);
    assert!(out.contains(&expected), "{out}\nexpected {expected}");
}

#[test]
fn a_new_feature_is_written_in_the_layout_of_the_features_read() {
    let mut layer = read_str(VALID, "sites.geojson").expect("valid");
    let mut props = serde_json::Map::new();
    props.insert("name".into(), json!("New"));
    layer.features.push(crate::model::Feature::new(
        geo::point!(x: 104.5, y: 11.5).into(),
        props,
    ));
    let out = to_string(&layer);
    assert!(
        out.contains(r#"{"type": "Feature", "geometry": {"type": "Point", "coordinates": [104.5, 11.5]}, "properties": {"name": "New"}}"#),
        "{out}"
    );
}

#[test]
fn a_bare_feature_and_a_bare_geometry_are_written_back_as_themselves() {
    let feature = r#"{"type": "Feature", "id": 3, "geometry": {"type": "Point", "coordinates": [104.5, 11.25, 7.0]}, "properties": null, "x": [1.0]}"#;
    let layer = read_str(feature, "f").expect("valid feature");
    assert!(matches!(layer.root, Root::Feature));
    assert_eq!(to_string(&layer), format!("{feature}\n"));

    let geometry = "\n {\"type\":\"LineString\", \"coordinates\": [[104.0, 11.0], [104.5, 11.25]], \"bbox\": [104.0, 11.0, 104.5, 11.25]}\n";
    let layer = read_str(geometry, "g").expect("valid geometry");
    assert!(matches!(layer.root, Root::Geometry));
    assert_eq!(layer.features.len(), 1);
    assert_eq!(layer.features[0].object()["properties"], Value::Null);
    assert_eq!(layer.features[0].object()["geometry"]["type"], "LineString");
    assert_eq!(to_string(&layer), format!("{}\n", geometry.trim()));
}

#[test]
fn merging_writes_one_collection_of_every_feature_verbatim() {
    let a = read_str(VALID, "a").expect("valid");
    let b = read_str(r#"{"type":"Point","coordinates":[1.50,2]}"#, "b").expect("valid");
    let mut out = Vec::new();
    write_merged(&[&a, &b], &mut out).expect("written");
    let text = String::from_utf8(out).expect("UTF-8");
    let value: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(value["features"].as_array().map(Vec::len), Some(4));
    assert!(value.get("bbox").is_none());
    assert!(text.contains(
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1.50,2]},"properties":null}"#
    ));
    let again = read_str(&text, "merged").expect("the merged output is valid");
    assert_eq!(again.features.len(), 4);
}

// ---- input that must never panic ----

#[test]
fn garbage_of_every_kind_is_reported_and_never_panics() {
    let deep_root = "[".repeat(10_000);
    let deep_closed = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_in_feature = fc(&format!(
        r#"{{"type":"Feature","geometry":null,"properties":{{"x":{}{}}}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    ));
    let huge_string = fc(&format!(
        r#"{{"type":"Feature","geometry":null,"properties":{{"x":"{}"}}}}"#,
        "ម".repeat(1_000_000)
    ));
    let cases: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("whitespace", " \n\t ".into()),
        ("binary", "\u{0}\u{1}\u{7f}\u{2}PK\u{3}\u{4}".into()),
        (
            "truncated",
            VALID[..VALID.floor_char_boundary(VALID.len() / 2)].into(),
        ),
        ("1e999", fc(&point_feature("[1e999, 2]"))),
        ("deep root", deep_root),
        ("deep closed root", deep_closed),
        ("deep in a feature", deep_in_feature),
        (
            "lone surrogate",
            fc(r#"{"type":"Feature","geometry":null,"properties":{"x":"\ud800"}}"#),
        ),
        ("number", "42".into()),
        ("null", "null".into()),
        ("two values", "{} {}".into()),
    ];
    for (what, text) in &cases {
        let errors = errors(text);
        assert!(!errors.is_empty(), "{what}: expected an error");
        assert!(
            errors
                .iter()
                .all(|e| e.line.is_some() && e.column.is_some()),
            "{what}: every error has a place: {errors:?}"
        );
    }
    assert!(read_str(&huge_string, "h").is_ok(), "a huge string is fine");
}

#[test]
fn deep_nesting_is_refused_in_words_at_its_place() {
    let e = the_error(&fc(&format!(
        r#"{{"type":"Feature","geometry":null,"properties":{{"x":{}{}}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    )));
    // raidmap's limit (256 by default), not serde_json's 128.
    assert!(e.message.contains("256 levels"), "{e}");
    assert!(e.message.contains("RAIDMAP_MAX_DEPTH"), "{e}");
    // Line 2 is the feature; levels 1-3 are the collection, `features` and the feature, 4 is
    // `properties`, so the 253rd `[` (after the 52 characters up to `"x":`) is level 257.
    assert_eq!((e.line, e.column), (Some(2), Some(52 + 253)), "{e}");
}

#[test]
fn nesting_deeper_than_serde_jsons_128_levels_reads_within_raidmaps_limit() {
    let depth = 200;
    let value = format!("{}\"deep\"{}", "[".repeat(depth), "]".repeat(depth));
    // A geometry collection nested 100 levels deep holding one point.
    let collection = format!(
        "{}{}{}",
        r#"{"type":"GeometryCollection","geometries":["#.repeat(100),
        r#"{"type":"Point","coordinates":[104.9,11.5]}"#,
        "]}".repeat(100)
    );
    let text = fc(&format!(
        r#"{{"type":"Feature","geometry":{{"type":"GeometryCollection","geometries":[{collection}]}},"properties":{{"x":{value}}}}}"#
    ));
    let layer = read_str(&text, "deep.geojson").expect("within the limit");
    let feature = &layer.features[0];
    // The property is parsed (on first use) whole, however deep.
    let mut x = &feature.object()["properties"]["x"];
    for _ in 0..depth {
        x = &x[0];
    }
    assert_eq!(x, &json!("deep"));
    assert!(feature.geometry().is_some());
    // And written back as it was.
    let written = to_string(&layer);
    assert!(written.contains(&value));
}

#[test]
fn numbers_too_large_for_a_float_are_reported_where_they_are() {
    let text = fc(&point_feature("[1e999, 2]"));
    let e = the_error(&text);
    assert_eq!(e.line, Some(2), "{e}");
    assert!(e.message.contains("out of range"), "{e}");
}

#[test]
fn a_byte_order_mark_is_skipped_with_a_warning() {
    let text = format!("\u{feff}{VALID}");
    let w = warnings(&text);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].message.contains("byte order mark"));
    assert_eq!((w[0].line, w[0].column), (Some(1), Some(1)));
}

#[test]
fn invalid_utf8_is_reported_at_its_line_and_character_column() {
    let mut bytes = "{\"type\": \"Feature\",\n \"x\": \"ម".as_bytes().to_vec();
    bytes.extend([0xff, b'"', b'}']);
    let err = read_bytes(&bytes, "bad").expect_err("not UTF-8");
    let p = &err.problems()[0];
    assert_eq!((p.line, p.column), (Some(2), Some(9)), "{p}");
    assert!(p.message.contains("UTF-8"));
}

#[test]
fn syntax_errors_keep_serde_json_lines_with_columns_in_characters() {
    let text = "{\"type\": \"FeatureCollection\",\n \"name\": \"ម៉ាង\" \"features\": []}";
    let e = the_error(text);
    assert_eq!((e.line, e.column), (Some(2), Some(17)), "{e}");
    assert!(e.message.starts_with("JSON syntax error"), "{e}");
}

// ---- MUST rules ----

#[test]
fn unclosed_rings_are_reported_with_their_line() {
    let text = fc(
        r#"{"type": "Feature", "properties": null, "geometry": {"type": "Polygon", "coordinates": [
  [[104, 10], [105, 10], [105, 11],
   [104, 10.5]]]}}"#,
    );
    let e = the_error(&text);
    assert!(e.message.contains("not closed"), "{e}");
    assert_eq!((e.line, e.column), (Some(4), Some(4)), "{e}");
    assert_eq!(e.path, "features[0].geometry.coordinates[0][3]");
}

#[test]
fn rings_of_three_positions_are_too_short() {
    let text = fc(
        r#"{"type": "Feature", "properties": null, "geometry": {"type": "Polygon", "coordinates": [[[104, 10], [105, 10], [104, 10]]]}}"#,
    );
    let e = the_error(&text);
    assert!(e.message.contains("at least 4 positions"), "{e}");
    assert_eq!(e.path, "features[0].geometry.coordinates[0]");
    assert_eq!((e.line, e.column), (Some(2), Some(89)), "{e}");
}

#[test]
fn line_strings_need_two_positions_and_positions_two_numbers() {
    let text = fc(&[
        r#"{"type": "Feature", "properties": null, "geometry": {"type": "LineString", "coordinates": [[104, 10]]}}"#,
        &point_feature("[104]"),
        &point_feature(r#"[104, "10"]"#),
        &point_feature("104"),
    ]
    .join(",\n"));
    let errors = errors(&text);
    let found: Vec<_> = errors.iter().map(|e| (e.line, e.path.as_str())).collect();
    assert_eq!(
        found,
        [
            (Some(2), "features[0].geometry.coordinates"),
            (Some(3), "features[1].geometry.coordinates"),
            (Some(4), "features[2].geometry.coordinates[1]"),
            (Some(5), "features[3].geometry.coordinates"),
        ],
        "{errors:#?}"
    );
}

#[test]
fn a_bbox_must_have_four_or_six_numbers_with_south_below_north() {
    let e = the_error(r#"{"type": "Point", "coordinates": [1, 2], "bbox": [1, 2, 3]}"#);
    assert!(e.message.contains("found 3 numbers"), "{e}");
    assert_eq!((e.path.as_str(), e.column), ("bbox", Some(50)));
    let e = the_error(r#"{"type": "Point", "coordinates": [1, 2], "bbox": [1, 5, 3, 2]}"#);
    assert!(e.message.contains("south"), "{e}");
    assert!(
        errors(r#"{"type": "Point", "coordinates": [1, 2], "bbox": [179, -1, -179, 1]}"#)
            .is_empty(),
        "a box across the antimeridian has west > east"
    );
}

#[test]
fn a_feature_without_properties_is_an_error_at_the_feature() {
    let text = fc(r#"  {"type": "Feature", "geometry": null}"#);
    let e = the_error(&text);
    assert!(e.message.contains("\"properties\""), "{e}");
    assert_eq!(
        (e.line, e.column, e.path.as_str()),
        (Some(2), Some(3), "features[0]")
    );
}

#[test]
fn members_that_change_the_meaning_of_an_object_are_errors_at_their_key() {
    let text =
        fc(r#"{"type": "Feature", "geometry": null, "properties": null, "coordinates": [1, 2]}"#);
    let e = the_error(&text);
    assert!(e.message.contains("must not have a \"coordinates\""), "{e}");
    assert_eq!((e.line, e.column), (Some(2), Some(59)));
    assert_eq!(e.path, "features[0].coordinates");

    let errors = errors(
        r#"{"type": "FeatureCollection", "features": [], "geometry": null, "properties": {}}"#,
    );
    assert_eq!(errors.len(), 2, "{errors:?}");
    let e = the_error(r#"{"type": "Point", "coordinates": [1, 2], "properties": {}}"#);
    assert_eq!(e.path, "properties");
    let e = the_error(r#"{"type": "GeometryCollection", "geometries": [], "coordinates": []}"#);
    assert_eq!(e.path, "coordinates");
}

#[test]
fn duplicate_keys_are_found_at_every_level() {
    let text = "{\"type\": \"FeatureCollection\", \"features\": [\n{\"type\": \"Feature\", \"geometry\": null, \"properties\": {\"name\": \"a\",\n \"name\": \"b\"}}],\n \"type\": \"FeatureCollection\"}";
    let errors = errors(text);
    let found: Vec<_> = errors
        .iter()
        .map(|e| (e.line, e.column, e.path.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (Some(3), Some(2), "features[0].properties.name"),
            (Some(4), Some(2), "type")
        ],
        "{errors:#?}"
    );
}

#[test]
fn ids_must_be_strings_or_numbers() {
    let e = the_error(&fc(
        r#"{"type": "Feature", "id": {"a": 1}, "geometry": null, "properties": null}"#,
    ));
    assert_eq!(e.path, "features[0].id");
    assert!(e.message.contains("found an object"), "{e}");
}

#[test]
fn unknown_types_and_non_features_in_a_collection_are_errors() {
    assert!(
        the_error(r#"{"type": "Topology"}"#)
            .message
            .contains("unknown GeoJSON type")
    );
    assert!(the_error("[]").message.contains("found an array"));
    let e = the_error(&fc(
        &point_feature("[1, 2]").replace("\"Feature\"", "\"Point\"")
    ));
    assert!(e.message.contains("expected a Feature"), "{e}");
    let e = the_error(&fc(
        r#"{"type": "Feature", "geometry": {"type": "Circle", "coordinates": [1, 2]}, "properties": null}"#,
    ));
    assert!(e.message.contains("unknown geometry type"), "{e}");
    let e = the_error(r#"{"type": "FeatureCollection", "features": {}}"#);
    assert!(e.message.contains("must be an array"), "{e}");
    let e = the_error(r#"{"type": "FeatureCollection"}"#);
    assert!(e.message.contains("needs a \"features\""), "{e}");
}

#[test]
fn every_problem_is_collected_not_only_the_first() {
    let text = fc(&[
        r#"{"type": "Feature", "geometry": null}"#,
        r#"{"type": "Feature", "properties": null}"#,
        r#"{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[0,0]]]}, "properties": null, "features": []}"#,
    ]
    .join(",\n"));
    let errors = errors(&text);
    assert_eq!(errors.len(), 4, "{errors:#?}");
    let lines: Vec<_> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [Some(2), Some(3), Some(4), Some(4)]);
}

#[test]
fn geometry_collections_check_their_members() {
    let ok = r#"{"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [1, 2]}, {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}]}"#;
    let layer = read_str(ok, "gc").expect("valid");
    assert!(
        matches!(layer.features[0].geometry(), Some(geo::Geometry::GeometryCollection(gc)) if gc.0.len() == 2)
    );
    let e = the_error(
        r#"{"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [1]}]}"#,
    );
    assert_eq!(e.path, "geometries[0].coordinates");
    let e = the_error(r#"{"type": "GeometryCollection", "geometries": [null]}"#);
    assert_eq!(e.path, "geometries[0]");
}

// ---- SHOULD rules ----

#[test]
fn clockwise_exterior_rings_are_a_warning_and_are_not_rewound() {
    let text = fc(
        r#"{"type": "Feature", "properties": null, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[0,1],[1,1],[0,0]], [[0.1,0.1],[0.5,0.5],[0.1,0.5],[0.1,0.1]]]}}"#,
    );
    let layer = read_str(&text, "cw").expect("only warnings");
    let messages: Vec<_> = layer.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("exterior ring is clockwise"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("hole is counter-clockwise"))
    );
    assert_eq!(
        layer.warnings[0].path,
        "features[0].geometry.coordinates[0]"
    );
    assert!(to_string(&layer).contains("[[0,0],[0,1],[1,1],[0,0]]"));
}

#[test]
fn repetitive_warnings_are_counted_once_at_their_first_place() {
    let text = fc(&[
        point_feature("[200, 10]"),
        point_feature("[104.12345678, 11.12345678]"),
        point_feature("[104, 11, 0, 5]"),
        point_feature("[104.123456789, 10]"),
    ]
    .join(",\n"));
    let w = warnings(&text);
    assert_eq!(w.len(), 3, "{w:#?}");
    let precision = w
        .iter()
        .find(|w| w.message.contains("decimal places"))
        .expect("precision");
    assert!(precision.message.contains("3 times"), "{precision}");
    assert_eq!(precision.path, "features[1].geometry.coordinates[0]");
    assert_eq!((precision.line, precision.column), (Some(3), Some(67)));
    assert!(
        w.iter()
            .any(|w| w.message.contains("outside longitude") && w.line == Some(2))
    );
    assert!(
        w.iter()
            .any(|w| w.message.contains("more than 3 values") && w.line == Some(4))
    );
}

#[test]
fn a_crs_member_is_a_warning() {
    let text = r#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:4326"}}, "features": []}"#;
    let w = warnings(text);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!((w[0].path.as_str(), w[0].column), ("crs", Some(31)));
}

#[test]
fn empty_coordinates_are_read_as_no_geometry() {
    let layer = read_str(&fc(&point_feature("[]")), "e").expect("valid");
    assert!(layer.features[0].geometry().is_none());
}

#[test]
fn the_bundled_sample_data_is_valid_without_warnings() {
    for (name, text) in crate::sample::FILES {
        let layer = read_str(text, name).expect("valid sample data");
        assert!(layer.warnings.is_empty(), "{name}: {:?}", layer.warnings);
        assert_eq!(
            to_string(&layer),
            text,
            "{name} is written back byte for byte"
        );
    }
}

// ---- hostile sizes: locating must stay linear ----

#[test]
fn many_errors_on_one_long_line_are_each_placed_at_their_column() {
    let feature = r#"{"type":"Feature","geometry":null}"#;
    let n = 20_000;
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        vec![feature; n].join(",")
    );
    let errors = errors(&text);
    assert_eq!(errors.len(), n);
    let first = text.find(feature).expect("a feature") + 1;
    for (i, e) in errors.iter().enumerate() {
        assert_eq!(e.line, Some(1));
        assert_eq!(e.column, Some(first + i * (feature.len() + 1)), "{e}");
    }
}

#[test]
fn thousands_of_duplicate_keys_in_one_object_are_all_reported() {
    let n = 20_000;
    let members: Vec<String> = (0..n).map(|i| format!(r#""k{i}":1,"k{i}":2"#)).collect();
    let text = format!(
        r#"{{"type":"Feature","geometry":null,"properties":{{{}}}}}"#,
        members.join(",")
    );
    let errors = errors(&text);
    assert_eq!(errors.len(), n);
    let last = &errors[n - 1];
    let second = text
        .rfind(&format!(r#""k{}":2"#, n - 1))
        .expect("the last key")
        + 1;
    assert_eq!(last.column, Some(second), "{last}");
    assert_eq!(last.path, format!("properties.k{}", n - 1));
}

// ---- writing what the program made or changed ----

#[test]
fn an_edited_bare_geometry_with_properties_is_written_as_a_feature() {
    let mut layer = read_str(r#"{"type":"Point","coordinates":[104.5,11.5]}"#, "g").expect("valid");
    layer.features[0].set_property("name", json!("Kong Pisey"));
    let value: Value = serde_json::from_str(&to_string(&layer)).expect("JSON");
    assert_eq!(value["type"], "Feature");
    assert_eq!(value["properties"]["name"], "Kong Pisey");
    assert_eq!(value["geometry"]["coordinates"], json!([104.5, 11.5]));
}

#[test]
fn a_bare_feature_layer_that_gained_a_feature_is_written_as_a_collection() {
    let mut layer = read_str(&point_feature("[104.5, 11.5]"), "f").expect("valid");
    let point = geo::Geometry::Point(geo::Point::new(104.0, 11.0));
    layer
        .features
        .push(crate::model::Feature::new(point, serde_json::Map::new()));
    let again = read_str(&to_string(&layer), "again").expect("valid output");
    assert!(matches!(again.root, Root::FeatureCollection { .. }));
    assert_eq!(again.features.len(), 2);
    assert_eq!(
        again.features[0].original_text(),
        Some(point_feature("[104.5, 11.5]").as_str())
    );
}

#[test]
fn a_new_layer_of_new_features_reads_back_as_valid_geojson() {
    let mut layer = crate::model::Layer::new("Measurements", crate::model::LayerKind::Measurements);
    let line = geo::LineString::from(vec![(104.66, 11.262), (104.716, 11.202)]);
    let mut props = serde_json::Map::new();
    props.insert("distance_m".into(), json!(9012.345678901234));
    layer
        .features
        .push(crate::model::Feature::new(line.into(), props));
    let text = to_string(&layer);
    let again = read_str(&text, "again").expect("valid output");
    assert_eq!(
        again.features[0].property("distance_m"),
        Some(&json!(9012.345678901234))
    );
    assert!(again.warnings.is_empty(), "{:?}", again.warnings);
}

#[test]
fn a_line_or_polygon_kept_as_text_reads_back_as_the_checker_converted_it() {
    let geometries = [
        r#"{"type":"Polygon","coordinates":[[[104.9,11.5,3],[104.91,11.5,3],[104.91,11.51,3],[104.9,11.5,3]],[[104.901,11.501],[104.902,11.5015],[104.9015,11.502],[104.901,11.501]]]}"#,
        r#"{"coordinates":[[[[1,2],[3,2],[3,4],[1,2]]],[[[10,10],[11,10],[11,11],[10,10]],[[10.2,10.2],[10.4,10.2],[10.4,10.4],[10.2,10.2]]]],"type":"MultiPolygon"}"#,
        r#"{"type":"Polygon","coordinates":[[[0,0],[1e-3,0],[1e-3,2.5E-3],[0.0,0]]]}"#,
        r#"{"type":"LineString","coordinates":[[104.9,11.5,1],[104.95,11.55],[-1.5e1,0.25]]}"#,
        r#"{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[5,6],[7,8.125],[9,10]]]}"#,
    ];
    for g in geometries {
        let feature = format!(r#"{{"type":"Feature","geometry":{g},"properties":{{"name":"x"}}}}"#);
        // A lone Feature keeps the geometry the checker converted; features of a collection
        // keep their polygons as text and read them again when asked.
        let single = read_str(&feature, "one.geojson").expect("valid");
        let checked = single.features[0].geometry().cloned();
        assert!(checked.is_some());
        let many = read_str(&fc(&format!("{feature},\n{feature}")), "many.geojson").expect("valid");
        for f in &many.features {
            assert_eq!(f.with_geometry(|g| g.cloned()), checked, "{g}");
            assert_eq!(f.exact_bbox(), single.features[0].exact_bbox());
            assert_eq!(f.geometry_type(), single.features[0].geometry_type());
        }
        assert_eq!(many.features[1].geometry(), checked.as_ref());
    }
}

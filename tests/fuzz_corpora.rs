//! Every file of every fuzz corpus (`tests/fuzz/corpus/<target>/`) replayed through the same
//! checks the cargo-fuzz targets run (`tests/fuzz/checks.rs`, included here), so the stable
//! test suite exercises what the fuzzers found without a nightly toolchain. A missing or empty
//! corpus fails the test, as does a corpus with no target.

use std::path::Path;

#[allow(unreachable_pub, dead_code)]
#[path = "fuzz/checks.rs"]
mod checks;

fn corpus_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz/corpus"))
}

#[test]
fn every_fuzz_corpus_file_reads_without_a_panic_and_writes_geojson_that_reads_back() {
    for (target, check) in checks::TARGETS {
        let dir = corpus_root().join(target);
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("the {target} corpus {} is missing: {e}", dir.display()));
        let mut files = 0;
        for entry in entries {
            let path = entry.expect("a corpus entry").path();
            let data = std::fs::read(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            // A panic names the file it came from.
            if let Err(panic) = std::panic::catch_unwind(|| check(&data)) {
                let why = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("(no message)");
                panic!("{target} check failed on {}: {why}", path.display());
            }
            files += 1;
        }
        assert!(files > 0, "the {target} corpus {} is empty", dir.display());
    }
    let targets: Vec<&str> = checks::TARGETS.iter().map(|(t, _)| *t).collect();
    for entry in std::fs::read_dir(corpus_root()).expect("the corpus folder") {
        let name = entry.expect("a corpus folder entry").file_name();
        let name = name.to_string_lossy();
        assert!(
            targets.contains(&name.as_ref()),
            "corpus/{name} has no target in tests/fuzz/checks.rs"
        );
    }
}

#[test]
fn a_shapefile_fuzz_input_is_split_into_its_parts() {
    let sep = checks::SHAPEFILE_PART_SEPARATOR;
    let joined = [b"shp".as_slice(), sep, b"dbf", sep, b""].concat();
    assert_eq!(
        checks::split(&joined, sep),
        vec![b"shp".as_slice(), b"dbf", b""]
    );
    assert_eq!(checks::split(b"only", sep), vec![b"only".as_slice()]);
}

// Regression tests, one per fuzz find; the inputs are in tests/fixtures/fuzz/ (each in the
// form its target takes).

fn fuzz_fixture(name: &str) -> Vec<u8> {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fuzz")).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Found by the shapefile target: a polygon record whose first part holds no point was read
/// as a ring of no positions, written as GeoJSON that does not read back. Now the record's
/// geometry is left out with a warning naming the feature, and the rest is read.
#[test]
fn a_shapefile_polygon_with_an_empty_part_is_left_out_with_a_warning() {
    let data = fuzz_fixture("shapefile_empty_ring");
    let parts = checks::split(&data, checks::SHAPEFILE_PART_SEPARATOR);
    let layer = raidmap::io::shapefile::read_parts(raidmap::io::shapefile::Parts {
        name: "empty_ring.shp".into(),
        shp: parts[0].to_vec(),
        dbf: parts.get(1).map(|p| p.to_vec()),
        prj: parts.get(2).map(|p| p.to_vec()),
        cpg: parts.get(3).map(|p| p.to_vec()),
    })
    .expect("the file is read");
    assert_eq!(layer.features.len(), 2);
    assert!(layer.features[0].geometry().is_some());
    assert!(layer.features[1].geometry().is_none());
    let warning = layer
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .find(|m| m.starts_with("feature 2: its geometry is left out"))
        .unwrap_or_else(|| panic!("no warning for feature 2: {:?}", layer.warnings));
    assert!(warning.contains("a ring of 0 position(s)"), "{warning}");
    checks::shapefile(&data);
}

/// Found by the geopackage target: a table with a column name that is not UTF-8 made
/// rusqlite panic (`Statement::column_names`); it is now a clear error naming the table.
#[test]
fn a_geopackage_column_name_that_is_not_utf8_is_an_error_not_a_panic() {
    let data = fuzz_fixture("geopackage_column_name_not_utf8");
    let err = raidmap::io::geopackage::read_bytes(&data, "bad.gpkg")
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("table ") && err.contains("its columns cannot be listed"),
        "{err}"
    );
    checks::geopackage(&data);
}

/// Found by the topojson target: a polygon whose arc has two positions was read as a ring of
/// three (closed), which GeoJSON cannot carry. Its geometry is now left out with a warning.
#[test]
fn a_topojson_ring_of_too_few_positions_is_left_out_with_a_warning() {
    let data = fuzz_fixture("topojson_short_ring");
    let layers = raidmap::io::topojson::read_topojson(&data, "short.topojson").expect("read");
    let features = &layers[0].features;
    assert!(features[0].geometry().is_none());
    assert!(
        layers[0].warnings.iter().any(|w| w
            .message
            .starts_with("feature 1: its geometry is left out")
            && w.message.contains("a ring of 3 position(s), fewer than 4")),
        "{:?}",
        layers[0].warnings
    );
    checks::topojson(&data);
}

/// Found by the geopackage target: the same as a_shapefile_polygon_with_an_empty_part…, in a
/// GeoPackage geometry (a polygon whose ring holds no position).
#[test]
fn a_geopackage_polygon_with_an_empty_ring_is_left_out_with_a_warning() {
    let data = fuzz_fixture("geopackage_empty_ring");
    let layers = raidmap::io::geopackage::read_bytes(&data, "empty.gpkg").expect("read");
    let warnings: Vec<&str> = layers
        .iter()
        .flat_map(|l| &l.warnings)
        .map(|w| w.message.as_str())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|m| m.contains("its geometry is left out") && m.contains("a ring of 0")),
        "{warnings:?}"
    );
    checks::geopackage(&data);
}

/// What GeoJSON cannot carry, as the converted readers judge it: a position that is not a
/// finite number, a line of one position, a ring of none; the feature keeps its place and
/// properties without the geometry, with a warning naming it.
#[test]
fn geometries_geojson_cannot_carry_are_left_out_of_converted_features() {
    use raidmap::io::convert::{Converted, not_geojson};
    let nan: geo::Geometry<f64> = geo::Point::new(f64::NAN, 1.0).into();
    assert!(
        not_geojson(&nan)
            .expect("NaN")
            .contains("not a finite number")
    );
    let short: geo::Geometry<f64> = geo::LineString::from(vec![(1.0, 2.0)]).into();
    assert!(
        not_geojson(&short)
            .expect("one position")
            .contains("line of 1")
    );
    let empty_ring: geo::Geometry<f64> =
        geo::MultiPolygon(vec![geo::Polygon::new(geo::LineString(vec![]), vec![])]).into();
    assert!(
        not_geojson(&empty_ring)
            .expect("empty")
            .contains("ring of 0")
    );
    let fine: geo::Geometry<f64> = geo::LineString::from(vec![(1.0, 2.0), (3.0, 4.0)]).into();
    assert_eq!(not_geojson(&fine), None);

    let json =
        |g: &geo::Geometry<f64>| serde_json::to_value(geojson::Geometry::from(g)).expect("GeoJSON");
    let mut converted = Converted::default();
    converted.push(
        None,
        json(&fine),
        serde_json::Map::new(),
        Some(fine.clone()),
    );
    converted.push(None, json(&short), serde_json::Map::new(), Some(short));
    let mut warnings = Vec::new();
    let features = converted.finish(&mut warnings);
    assert_eq!(features.len(), 2);
    assert!(features[0].geometry().is_some());
    assert!(features[1].geometry().is_none());
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0]
            .message
            .starts_with("feature 2: its geometry is left out"),
        "{}",
        warnings[0].message
    );
}

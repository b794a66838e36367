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

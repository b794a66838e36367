//! `raidmap --basemap SOURCE`: a bad SOURCE is a clear error with exit code 2 before any window
//! opens. The binary runs with no display at all, so had it tried to open the window it would
//! have failed differently (exit code 1, "could not open the window").

use crate::util::raidmap_headless as raidmap;

fn usage_error(args: &[&str]) -> String {
    let out = raidmap(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        !stderr.contains("could not open the window"),
        "{args:?} got as far as the window: {stderr}"
    );
    stderr
}

#[test]
fn an_unknown_basemap_word_is_a_usage_error_naming_the_choices() {
    let err = usage_error(&["--basemap", "googlemaps"]);
    assert!(err.contains("unknown basemap \"googlemaps\""), "{err}");
    assert!(err.contains("offline, osm, satellite, topo"), "{err}");
}

#[test]
fn a_template_without_its_placeholders_is_a_usage_error() {
    let err = usage_error(&["--basemap", "https://tiles.example.org/{z}/{y}.png"]);
    assert!(err.contains("no {x} placeholder"), "{err}");
    let err = usage_error(&["--basemap", "http://tiles.example.org/{zoom}/{x}/{y}.png"]);
    assert!(err.contains("unknown placeholder {zoom}"), "{err}");
}

#[test]
fn a_missing_or_unreadable_tile_file_is_a_usage_error() {
    let err = usage_error(&["--basemap", "/no/such/place/cambodia.mbtiles"]);
    assert!(err.contains("cambodia.mbtiles: no such file"), "{err}");

    let dir = tempfile::tempdir().expect("temp dir");
    let fake = dir.path().join("fake.pmtiles");
    std::fs::write(&fake, "not a tile archive at all, just some text").expect("write");
    let err = usage_error(&["--basemap", &fake.display().to_string()]);
    assert!(err.contains("not a readable PMTiles v3 file"), "{err}");

    let fake = dir.path().join("fake.mbtiles");
    std::fs::write(&fake, "not a database either, just some more text").expect("write");
    let err = usage_error(&["--basemap", &fake.display().to_string()]);
    assert!(err.contains("cannot read it as an MBTiles"), "{err}");
}

#[test]
fn basemap_with_a_subcommand_is_a_usage_error() {
    let err = usage_error(&["--basemap", "osm", "info", "data/sites.geojson"]);
    assert!(err.contains("--basemap applies to the map window"), "{err}");
}

#[test]
fn help_documents_the_basemap_sources() {
    let out = raidmap(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "--basemap <SOURCE>",
        "offline",
        "osm",
        "satellite",
        "topo",
        "{z}/{x}/{y}",
        "{-y}",
        ".mbtiles",
        ".pmtiles",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}:\n{help}");
    }
}

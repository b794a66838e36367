//! The GeoJSON reader on any bytes: it must never panic, and whatever it loads must be written
//! and read back to the same number of features (the writer's output is valid GeoJSON).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(layer) = raidmap::io::read_bytes(data, "fuzz.geojson") else {
        return;
    };
    let text = raidmap::io::to_string(&layer);
    let again = raidmap::io::read_str(&text, "again.geojson")
        .unwrap_or_else(|e| panic!("written GeoJSON does not read back: {e}\n{text}"));
    assert_eq!(again.features.len(), layer.features.len());
});

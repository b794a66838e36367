//! The CSV/TSV reader on any text: it must never panic; what it loads must be written as
//! GeoJSON that reads back, and as CSV without error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(layer) = raidmap::io::csv::read_csv(text, "fuzz.csv") else {
        return;
    };
    let json = raidmap::io::to_string(&layer);
    let again = raidmap::io::read_str(&json, "again.geojson")
        .unwrap_or_else(|e| panic!("written GeoJSON does not read back: {e}\n{json}"));
    assert_eq!(again.features.len(), layer.features.len());
    let mut csv = Vec::new();
    raidmap::io::csv::write_csv(&[&layer], &mut csv).expect("CSV to memory");
});

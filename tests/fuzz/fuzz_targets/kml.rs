//! The KML and KMZ readers on any bytes: they must never panic; what they load must be
//! written as GeoJSON that reads back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let layers = match std::str::from_utf8(data) {
        Ok(text) => raidmap::io::kml::read_kml(text, "fuzz.kml"),
        Err(_) => raidmap::io::kml::read_kmz(data, "fuzz.kmz"),
    };
    for layer in layers.into_iter().flatten() {
        let text = raidmap::io::to_string(&layer);
        let again = raidmap::io::read_str(&text, "again.geojson")
            .unwrap_or_else(|e| panic!("written GeoJSON does not read back: {e}\n{text}"));
        assert_eq!(again.features.len(), layer.features.len());
    }
});

//! The KML and KMZ readers on any bytes: see `raidmap_fuzz::kml` in `checks.rs` (shared with
//! the stable replay test) for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| raidmap_fuzz::kml(data));

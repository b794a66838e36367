//! The CSV/TSV reader and writer on any bytes: see `raidmap_fuzz::csv` in `checks.rs` (shared with
//! the stable replay test) for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| raidmap_fuzz::csv(data));

//! Reading the formats colleagues send (KML, CSV, GPX, Shapefile, GeoPackage, FlatGeobuf)
//! against GDAL on the same file in the same run. The data: 100,000 points over Cambodia, each
//! with a name, a status, a count and an area, generated deterministically (SplitMix64) as
//! GeoJSON and converted into each format by GDAL's `ogr2ogr`, so every file read is one
//! another tool wrote. Per format criterion times `raidmap::io::read_layers` (what the window
//! and every command do to open a file) and `ogr2ogr -f GeoJSON /vsistdout/ FILE` with the
//! output discarded (GDAL reading every feature, in a process of its own); `ogr2ogr` of a
//! one-feature file gives GDAL's start-up, which the second figure includes.
//! Needs gdal-bin. Run with `cargo bench --bench formats`; the figures are in BENCHMARKS.md.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

#[path = "support/split_mix.rs"]
mod split_mix;
use split_mix::SplitMix;

const N: usize = 100_000;

/// A GeoJSON FeatureCollection of `n` points.
fn geojson(n: usize) -> String {
    let mut rng = SplitMix(2026);
    let mut out = String::with_capacity(n * 190);
    out.push_str("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for i in 0..n {
        let (x, y) = (rng.range(102.5, 107.4), rng.range(10.6, 14.5));
        let _ = writeln!(
            out,
            "{}{{\"type\":\"Feature\",\"properties\":{{\"name\":\"Site {i}\",\"status\":\"{}\",\
             \"detained\":{},\"area_ha\":{:.2}}},\"geometry\":{{\"type\":\"Point\",\
             \"coordinates\":[{x:.6},{y:.6}]}}}}",
            if i == 0 { "" } else { "," },
            ["suspected", "raided", "closed"][i % 3],
            (rng.next_f64() * 900.0) as u32,
            rng.next_f64() * 50.0
        );
    }
    out.push_str("]}\n");
    out
}

/// Run `ogr2ogr` with `args`, failing the bench if it fails.
fn ogr2ogr(args: &[&str]) {
    let status = Command::new("ogr2ogr")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("ogr2ogr runs (apt-get install gdal-bin)");
    assert!(status.success(), "ogr2ogr {args:?} failed");
}

/// GDAL reading every feature of `file` (its layer `layer`) as GeoJSON, output discarded.
fn gdal_read(file: &Path, layer: Option<&str>) {
    let mut args = vec!["-f", "GeoJSON", "/vsistdout/"];
    let file = file.to_string_lossy();
    args.push(&file);
    args.extend(layer);
    ogr2ogr(&args);
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = dir.path().join("points.geojson");
    std::fs::write(&source, geojson(N)).expect("written");
    let one = dir.path().join("one.geojson");
    std::fs::write(&one, geojson(1)).expect("written");
    let src = source.to_string_lossy();
    // (name, file, ogr2ogr's options to write it, the layer GDAL reads)
    let formats: [(&str, &str, &[&str], Option<&str>); 6] = [
        ("KML", "points.kml", &["-f", "KML"], None),
        (
            "CSV",
            "points.csv",
            &["-f", "CSV", "-lco", "GEOMETRY=AS_XY"],
            None,
        ),
        (
            "GPX",
            "points.gpx",
            &["-f", "GPX", "-dsco", "GPX_USE_EXTENSIONS=YES"],
            Some("waypoints"),
        ),
        ("Shapefile", "points.shp", &["-f", "ESRI Shapefile"], None),
        ("GeoPackage", "points.gpkg", &["-f", "GPKG"], None),
        ("FlatGeobuf", "points.fgb", &["-f", "FlatGeobuf"], None),
    ];
    let mut group = c.benchmark_group("formats");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(15));
    group.bench_function("GDAL start-up (ogr2ogr of 1 feature)", |b| {
        b.iter(|| gdal_read(&one, None))
    });
    for (name, file, options, layer) in formats {
        let path = dir.path().join(file);
        let mut args = options.to_vec();
        let out = path.to_string_lossy();
        args.extend([&*out, &*src]);
        ogr2ogr(&args);
        let read = raidmap::io::read_layers(&path).expect("raidmap reads GDAL's file");
        let features: usize = read.iter().map(|l| l.features.len()).sum();
        assert_eq!(features, N, "{name}: every point read");
        group.bench_function(format!("{name}: raidmap read_layers"), |b| {
            b.iter(|| black_box(raidmap::io::read_layers(black_box(&path))))
        });
        group.bench_function(format!("{name}: ogr2ogr -f GeoJSON"), |b| {
            b.iter(|| gdal_read(&path, layer))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

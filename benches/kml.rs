//! Reading KML: 25,000 and 100,000 placemarks (points and small polygons with names, HTML
//! descriptions and ExtendedData, in folders of 500), generated deterministically (SplitMix64)
//! like `benches/kml.sh` generates its files. Reading time must grow linearly with the file.
//! Run with `cargo bench --bench kml`; the figures are in BENCHMARKS.md.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use raidmap::io::kml::read_kml;

#[path = "support/split_mix.rs"]
mod split_mix;
use split_mix::SplitMix;

/// A KML document of `n` placemarks.
fn kml(n: usize) -> String {
    let mut rng = SplitMix(2026);
    let mut out = String::with_capacity(n * 330);
    out.push_str("<?xml version=\"1.0\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document><name>bench</name>\n");
    for i in 0..n {
        if i % 500 == 0 {
            if i > 0 {
                out.push_str("</Folder>\n");
            }
            let _ = writeln!(out, "<Folder><name>Folder {}</name>", i / 500);
        }
        let (x, y) = (rng.range(102.5, 107.4), rng.range(10.6, 14.5));
        let _ = write!(
            out,
            "<Placemark id=\"p{i}\"><name>Site {i}</name><description><![CDATA[Seen <b>{}</b> \
             times<br>source {}]]></description><ExtendedData><Data name=\"status\"><value>{}\
             </value></Data><Data name=\"detained\"><value>{}</value></Data></ExtendedData>",
            (rng.next_f64() * 99.0) as u32,
            i % 7,
            ["suspected", "raided", "closed"][i % 3],
            (rng.next_f64() * 900.0) as u32
        );
        if i % 4 != 0 {
            let _ = write!(
                out,
                "<Point><coordinates>{x:.6},{y:.6},0</coordinates></Point>"
            );
        } else {
            let d = 0.001;
            let _ = write!(
                out,
                "<Polygon><outerBoundaryIs><LinearRing><coordinates>{x:.6},{y:.6},0 \
                 {:.6},{y:.6},0 {:.6},{:.6},0 {x:.6},{:.6},0 {x:.6},{y:.6},0</coordinates>\
                 </LinearRing></outerBoundaryIs></Polygon>",
                x + d,
                x + d,
                y + d,
                y + d
            );
        }
        out.push_str("</Placemark>\n");
    }
    out.push_str("</Folder>\n</Document>\n</kml>\n");
    out
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("kml");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for n in [25_000, 100_000] {
        let text = kml(n);
        group.bench_function(format!("read {n} placemarks"), |b| {
            b.iter(|| black_box(read_kml(black_box(&text), "bench.kml")))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Comparing and merging layers of 100,000 features: `merge::diff` of a base with an edited
//! copy, and `merge::merge` of base, ours and theirs applied to ours and written as GeoJSON
//! (what `raidmap merge` does after reading). Each copy changes 1 % of the features
//! (properties, moved points), deletes 0.5 % and adds 500, with some conflicts; and the base
//! the window keeps for a layer it opens (`merge::Base`) and the layer made again from it when
//! a merge starts. Generated
//! deterministically (SplitMix64). Run with `cargo bench --bench merge`; figures in
//! BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use raidmap::io;
use raidmap::merge::{self, Base, Key, Side};
use raidmap::model::{Document, Layer};

#[path = "support/split_mix.rs"]
mod split_mix;
use split_mix::SplitMix;

const N: usize = 100_000;

/// One feature line in the sample layout.
fn line(id: usize, lon: f64, lat: f64, status: &str, extra: &str) -> String {
    format!(
        "  {{\"type\": \"Feature\", \"id\": {id}, \"geometry\": {{\"type\": \"Point\", \"coordinates\": [{lon:.6}, {lat:.6}]}}, \"properties\": {{\"name\": \"Site {id}\", \"status\": \"{status}\", \"workers\": {}{extra}}}}}",
        id % 997
    )
}

/// A copy of the base: `seed` picks which features change, go or come.
fn version(seed: u64, edited: bool) -> Layer {
    let mut base_rng = SplitMix(2026);
    let mut rng = SplitMix(seed);
    let mut lines = Vec::with_capacity(N + 500);
    for id in 0..N {
        let (lon, lat) = (base_rng.range(102.5, 107.4), base_rng.range(10.6, 14.5));
        let r = rng.next_f64();
        if !edited {
            lines.push(line(id, lon, lat, "suspected", ""));
        } else if r < 0.005 {
            continue;
        } else if r < 0.010 {
            lines.push(line(id, lon + 0.001, lat, "suspected", ""));
        } else if r < 0.015 {
            lines.push(line(id, lon, lat, "raided", ", \"source\": \"RFA\""));
        } else {
            lines.push(line(id, lon, lat, "suspected", ""));
        }
    }
    if edited {
        for k in 0..500 {
            let id = N + (seed as usize % 7) * 1000 + k;
            lines.push(line(
                id,
                rng.range(102.5, 107.4),
                rng.range(10.6, 14.5),
                "new",
                "",
            ));
        }
    }
    let text = format!(
        "{{\"type\": \"FeatureCollection\",\n \"features\": [\n{}\n ]\n}}\n",
        lines.join(",\n")
    );
    io::read_str(&text, "bench.geojson").expect("generated GeoJSON is valid")
}

fn bench(c: &mut Criterion) {
    let base = version(0, false);
    let ours = version(1, true);
    let theirs = version(2, true);
    let mut group = c.benchmark_group("merge_100k");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    // What the window does for every layer it opens: keep it as the base of later merges.
    group.bench_function("keep_base", |b| b.iter(|| black_box(Base::of(&base))));
    // What the window's merge thread does first: the kept base as a layer again.
    let kept = Base::of(&base);
    group.bench_function("base_layer", |b| b.iter(|| black_box(kept.layer())));
    group.bench_function("diff", |b| {
        b.iter(|| black_box(merge::diff(&base, &theirs, &Key::Id).expect("matched")))
    });
    group.bench_function("merge_apply_write", |b| {
        b.iter(|| {
            let m = merge::merge(&base, &ours, &theirs, &Key::Id).expect("matched");
            let mut doc = Document::new();
            let id = doc.add_layer(ours.clone());
            m.edit(id, |_| true, |_| Side::Ours)
                .apply(&mut doc)
                .expect("applies");
            let mut out = Vec::with_capacity(20 << 20);
            io::write_layer(doc.layer(id).expect("open"), &mut out).expect("written");
            black_box((m.conflicts().len(), out.len()))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

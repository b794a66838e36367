//! Coverage classification at scale: 10,000 dated raids × 2,000 sites spread over Cambodia,
//! generated deterministically (SplitMix64), classified at radius 5 km in a one-month window
//! and with no window. Run with `cargo bench --bench coverage`; the figures are in
//! BENCHMARKS.md.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{Geometry, Point};
use raidmap::coverage;
use raidmap::model::{Feature, Layer, LayerKind};
use raidmap::timeline::{Day, LayerTimes, TimeField, Window};
use serde_json::{Map, Value, json};

#[path = "support/split_mix.rs"]
mod split_mix;
use split_mix::SplitMix;

/// `n` points in Cambodia's box with the properties `extra` makes for each.
fn layer(
    rng: &mut SplitMix,
    n: usize,
    name: &str,
    mut extra: impl FnMut(usize, &mut SplitMix) -> Map<String, Value>,
) -> Layer {
    let mut layer = Layer::new(name, LayerKind::Data);
    for i in 0..n {
        let p = Point::new(rng.range(102.3, 107.6), rng.range(10.4, 14.7));
        let props = extra(i, rng);
        layer.features.push(Feature::new(Geometry::Point(p), props));
    }
    layer
}

fn data() -> (Layer, Layer) {
    let mut rng = SplitMix(2025);
    let sites = layer(&mut rng, 2_000, "sites", |i, _| {
        let mut m = Map::new();
        m.insert("name".into(), json!(format!("site {i}")));
        m
    });
    // Raids over 2024–2025, one in ten naming a site.
    let first = Day::from_ymd(2024, 1, 1).map_or(0, |d| d.0);
    let raids = layer(&mut rng, 10_000, "raids", |i, rng| {
        let mut m = Map::new();
        m.insert("name".into(), json!(format!("raid {i}")));
        let day = Day(first + (rng.next_f64() * 730.0) as i64);
        m.insert("date".into(), json!(day.to_string()));
        if i % 10 == 0 {
            m.insert(
                "site".into(),
                json!(format!("site {}", (rng.next_f64() * 2000.0) as usize)),
            );
        }
        m
    });
    (sites, raids)
}

fn bench(c: &mut Criterion) {
    let (sites, raids) = data();
    let times = LayerTimes::read(&raids, TimeField::Single("date".into()));
    let july = match (Day::from_ymd(2025, 7, 1), Day::from_ymd(2025, 7, 31)) {
        (Some(a), Some(b)) => Window::days(a, b),
        _ => Window::ALL,
    };
    let mut group = c.benchmark_group("coverage 10000 raids x 2000 sites");
    group.sample_size(20);
    group.bench_function("radius 5 km, all 10000 raids", |b| {
        b.iter(|| {
            coverage::classify(
                black_box(&sites),
                black_box(&raids),
                Some(&times),
                5_000.0,
                Window::ALL,
            )
        })
    });
    group.bench_function("radius 5 km, July 2025 window", |b| {
        b.iter(|| {
            coverage::classify(
                black_box(&sites),
                black_box(&raids),
                Some(&times),
                5_000.0,
                july,
            )
        })
    });
    group.bench_function("radius 50 km, all 10000 raids", |b| {
        b.iter(|| {
            coverage::classify(
                black_box(&sites),
                black_box(&raids),
                Some(&times),
                50_000.0,
                Window::ALL,
            )
        })
    });
    group.bench_function("reading 10000 dates", |b| {
        b.iter(|| LayerTimes::read(black_box(&raids), TimeField::Single("date".into())))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

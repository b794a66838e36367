//! The one-to-all distance table at scale: 10,000 sites spread over Cambodia, generated
//! deterministically (SplitMix64). Measures what the Measure tab does when its origin, layers or
//! filter change (every distance and bearing, then the sort), what a click on a column header
//! costs, the nearest-N query, and the once-per-layer-change work. Run with
//! `cargo bench --bench one_to_all`; the figures are in BENCHMARKS.md.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{Geometry, Point};
use raidmap::measure::table::to_delimited;
use raidmap::measure::{NearestIndex, SortKey, Targets, Units, one_to_all, sort_rows};
use raidmap::model::{Feature, Layer, LayerId, LayerKind};
use serde_json::{Map, Value};

const SITES: usize = 10_000;

#[path = "support/split_mix.rs"]
mod split_mix;
use split_mix::SplitMix;

/// 10,000 named point sites inside Cambodia's bounding box.
fn sites() -> Layer {
    let mut rng = SplitMix(4);
    let mut layer = Layer::new("sites.geojson", LayerKind::Data);
    for i in 0..SITES {
        let point = Point::new(rng.range(102.3, 107.65), rng.range(10.4, 14.7));
        let mut props = Map::new();
        props.insert("name".into(), Value::String(format!("Site {i:05}")));
        layer
            .features
            .push(Feature::new(Geometry::Point(point), props));
    }
    layer
}

fn bench(c: &mut Criterion) {
    let layer = sites();
    let layers = [(LayerId(0), &layer)];
    let targets = Targets::collect(&layers);
    let origin = targets.targets[0].clone();
    let mut group = c.benchmark_group("one_to_all");

    // What the table does when the origin, the layers or the filter change.
    group.bench_function("measure_and_sort_10000_sites", |b| {
        b.iter(|| {
            one_to_all(
                black_box(origin.point),
                &targets.targets,
                Some(origin.feature),
                |_| true,
            )
        })
    });
    let rows = one_to_all(origin.point, &targets.targets, Some(origin.feature), |_| {
        true
    });
    group.bench_function("sort_10000_rows_by_name", |b| {
        b.iter(|| {
            let mut rows = rows.clone();
            sort_rows(&mut rows, &targets.targets, SortKey::Label, false);
            rows
        })
    });
    group.bench_function("sort_10000_rows_by_bearing", |b| {
        b.iter(|| {
            let mut rows = rows.clone();
            sort_rows(&mut rows, &targets.targets, SortKey::Bearing, true);
            rows
        })
    });
    group.bench_function("copy_10000_rows_as_csv", |b| {
        b.iter(|| to_delimited(&rows, &targets.targets, Units::Metric, ','))
    });

    // Once per change of the open layers.
    group.bench_function("collect_10000_targets", |b| {
        b.iter(|| Targets::collect(black_box(&layers)))
    });
    group.bench_function("build_nearest_index_10000", |b| {
        b.iter(|| NearestIndex::build(black_box(&targets.targets)))
    });
    let index = NearestIndex::build(&targets.targets);
    group.bench_function("nearest_10_of_10000", |b| {
        b.iter(|| {
            index.nearest(
                black_box(origin.point),
                10,
                &targets.targets,
                Some(origin.feature),
                |_| true,
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

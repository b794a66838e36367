//! Map images without a window (`raidmap render`, *Export image…*): the sample project at the
//! default 1600×1000, and 2,000 generated sites coloured by category with labels, each drawn
//! into a headless egui context, tessellated and rasterised on the CPU. Run with
//! `cargo bench --bench render`; the figures are in BENCHMARKS.md.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{Geometry, Point};
use raidmap::model::{Document, Feature, Layer, LayerKind};
use raidmap::render::image::{ImageSpec, layers_area, render_map};
use raidmap::render::layer_view::views_for;
use raidmap::style::{Categories, LayerStyle};
use serde_json::{Map, Value};

#[path = "support/split_mix.rs"]
mod split_mix;
use split_mix::SplitMix;

fn generated_sites(n: usize) -> Layer {
    let mut rng = SplitMix(8);
    let mut layer = Layer::new("sites.geojson", LayerKind::Data);
    let statuses = ["suspected", "confirmed", "operating", "raided"];
    for i in 0..n {
        let point = Point::new(rng.range(102.3, 107.65), rng.range(10.4, 14.7));
        let mut props = Map::new();
        props.insert("name".into(), Value::String(format!("Site {i}")));
        props.insert("status".into(), Value::String(statuses[i % 4].into()));
        layer
            .features
            .push(Feature::new(Geometry::Point(point), props));
    }
    layer
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    group.sample_size(10);

    let project = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample.raidmap");
    let opened = raidmap::project::load(std::path::Path::new(project)).expect("sample project");
    let mut doc = Document::new();
    let mut styles = Vec::new();
    for layer in opened.layers {
        styles.push(layer.style);
        doc.add_layer(layer.layer);
    }
    let mut views = views_for(&doc);
    for ((id, _), style) in doc.layers().zip(styles) {
        if let (Some(view), Some(style)) = (views.get_mut(&id), style) {
            view.set_style(style);
        }
    }
    let spec = ImageSpec::new(1600, 1000, layers_area(&doc, &views));
    group.bench_function("sample project, 1600x1000", |b| {
        b.iter(|| black_box(render_map(&doc, &views, &spec, None).expect("drawn")));
    });

    let mut doc = Document::new();
    let layer = generated_sites(2000);
    let style = LayerStyle {
        categories: Some(Categories::from_layer("status", &layer)),
        ..LayerStyle::default()
    };
    let id = doc.add_layer(layer);
    let mut views = views_for(&doc);
    if let Some(view) = views.get_mut(&id) {
        view.set_style(style);
    }
    let spec = ImageSpec::new(1600, 1000, layers_area(&doc, &views));
    group.bench_function("2,000 sites by status with labels, 1600x1000", |b| {
        b.iter(|| black_box(render_map(&doc, &views, &spec, None).expect("drawn")));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

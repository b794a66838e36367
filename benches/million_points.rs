//! A million points: reading and indexing a GeoJSON file of 1,000,000 points, one frame of the
//! real app (update and tessellation) at country and at city zoom with 1,000 and with 1,000,000
//! points loaded, and hit-testing. The data is generated deterministically (SplitMix64): 70 % of
//! the points around 40 towns, the rest spread over Cambodia, each with three properties, as in
//! `benches/million_points.sh`. Run with `cargo bench --bench million_points`; the figures are
//! in BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use egui::{Pos2, RawInput, Rect, vec2};
use raidmap::io::geojson::read_owned;
use raidmap::model::Layer;
use raidmap::project::View;
use raidmap::render::layer_view::Prepared;
use raidmap::ui::app::RaidmapApp;

#[path = "support/split_mix.rs"]
mod split_mix;
use split_mix::SplitMix;

const KINDS: [&str; 8] = [
    "building",
    "compound",
    "dormitory",
    "office",
    "shop",
    "casino",
    "hotel",
    "warehouse",
];

/// A FeatureCollection of `n` points with a name, a kind and a number each.
fn geojson(n: usize) -> String {
    let mut rng = SplitMix(2026);
    let towns: Vec<(f64, f64)> = (0..40)
        .map(|_| (rng.range(102.5, 107.4), rng.range(10.6, 14.5)))
        .collect();
    let mut out = String::with_capacity(n * 170);
    out.push_str("{\"type\": \"FeatureCollection\",\n \"features\": [\n  ");
    for i in 0..n {
        let (x, y) = if rng.next_f64() < 0.7 {
            let (cx, cy) = towns[i % towns.len()];
            (cx + 0.08 * rng.normal(), cy + 0.08 * rng.normal())
        } else {
            (rng.range(102.34, 107.6), rng.range(10.4, 14.7))
        };
        if i > 0 {
            out.push_str(",\n  ");
        }
        out.push_str(&format!(
            "{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{x:.6},{y:.6}]}},\"properties\":{{\"name\":\"Place {i:07} of the survey\",\"kind\":\"{}\",\"floors\":{}}}}}",
            KINDS[i % 8],
            1 + i % 30
        ));
    }
    out.push_str("\n ]\n}\n");
    out
}

fn layer(n: usize) -> Layer {
    read_owned(geojson(n).into_bytes(), "points.geojson").expect("generated data is valid")
}

const SIZE: egui::Vec2 = vec2(1500.0, 940.0);
const COUNTRY: View = View {
    center: [104.9, 12.55],
    zoom: 7.3,
};
const CITY: View = View {
    center: [104.92, 11.56],
    zoom: 12.5,
};

/// The app showing `layer`, and an egui context that has drawn a few frames of it.
fn app_with(layer: Layer) -> (RaidmapApp, egui::Context) {
    let ctx = egui::Context::default();
    raidmap::render::setup_context(&ctx);
    let mut app = RaidmapApp::empty();
    app.add_layer(layer);
    for view in [COUNTRY, CITY, COUNTRY] {
        frame(&mut app, &ctx, view);
    }
    (app, ctx)
}

/// One frame of the real app at `view`: update, then tessellation.
fn frame(app: &mut RaidmapApp, ctx: &egui::Context, view: View) -> usize {
    app.map.set_view(view);
    let input = RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, SIZE)),
        ..Default::default()
    };
    let output = ctx.run_ui(input, |ui| app.ui(ui));
    ctx.tessellate(output.shapes, output.pixels_per_point).len()
}

fn bench(c: &mut Criterion) {
    let text = geojson(1_000_000);
    let mut group = c.benchmark_group("million_points");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("read_check_and_index_1M_points", |b| {
        b.iter_batched(
            || text.clone().into_bytes(),
            |bytes| {
                let layer = read_owned(bytes, "m.geojson").expect("valid");
                let prepared = Prepared::of(&layer);
                black_box((layer, prepared))
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
    drop(text);

    let mut group = c.benchmark_group("frame");
    group.measurement_time(Duration::from_secs(8));
    for (name, n) in [("1k", 1_000), ("1M", 1_000_000)] {
        let (mut app, ctx) = app_with(layer(n));
        group.bench_function(format!("country_zoom_{name}_points"), |b| {
            b.iter(|| black_box(frame(&mut app, &ctx, COUNTRY)));
        });
        group.bench_function(format!("city_zoom_{name}_points"), |b| {
            b.iter(|| black_box(frame(&mut app, &ctx, CITY)));
        });
    }
    group.finish();

    let mut group = c.benchmark_group("hit_test");
    let (mut app, ctx) = app_with(layer(1_000_000));
    for (name, view) in [("country", COUNTRY), ("city", CITY)] {
        frame(&mut app, &ctx, view);
        let rect = app.map.last_map_rect().expect("drawn");
        // A 20 × 20 grid of pointer positions over the map.
        let positions: Vec<Pos2> = (0..400)
            .map(|i| {
                let (col, row) = ((i % 20) as f32 + 0.5, (i / 20) as f32 + 0.5);
                rect.min + vec2(rect.width() * col / 20.0, rect.height() * row / 20.0)
            })
            .collect();
        group.bench_function(format!("400_positions_{name}_zoom_1M_points"), |b| {
            b.iter(|| {
                positions
                    .iter()
                    .filter(|&&pos| app.map.feature_at(&app.doc, &app.views, pos).is_some())
                    .count()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

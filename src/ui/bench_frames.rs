//! `raidmap --bench-frames N [FILE...]`: the real app, without a window, panned and zoomed
//! along a fixed path over Cambodia for N frames at 60 frames a second, starting while the
//! files are still being read. Prints one JSON line on stdout:
//! `{"frames":N,"ui_ms_p50":…,"ui_ms_p95":…,"ui_ms_max":…,"load_s":…}`.
//!
//! A frame's time is the CPU time of the thread running it (not the wall clock, so other
//! programs on the machine do not count) for the app's own update (`RaidmapApp::ui`, the whole
//! egui pass) and the tessellation of what it drew into triangles; only painting on a GPU is
//! left out. `load_s` is the wall-clock time from the start until every file was read, checked
//! and indexed, projects included (null when that did not happen within the frames). The same figures split into
//! the frames before and after the files were loaded, and the resident memory at the end
//! (`/proc/self/status`), go to stderr as a second JSON line.
//!
//! With `RAIDMAP_BENCH_TRACE=FILE` set, every frame of the path is also written to FILE as a
//! CSV row (`frame,lon,lat,zoom,ms,loading`), to see which part of the path the slow frames
//! come from.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::ui::app::RaidmapApp;
use crate::ui::command::Command;

/// The window size the frames are laid out for (the app's default window).
const SIZE: egui::Vec2 = egui::vec2(1500.0, 940.0);

/// (longitude, latitude, zoom) the path passes through, in order; it loops.
const PATH: [(f64, f64, f64); 7] = [
    (104.9, 12.55, 7.3),   // the whole country
    (104.92, 11.56, 9.0),  // towards Phnom Penh
    (104.92, 11.56, 12.5), // a city
    (103.6, 13.3, 11.0),   // north-west, panning across the country at district zoom
    (105.8, 12.0, 10.0),
    (106.5, 13.5, 8.0),
    (104.9, 12.55, 6.8), // back out
];

/// Frames between two points of the path.
const FRAMES_PER_LEG: usize = 90;

/// Run the benchmark and print its line.
pub fn run(frames: usize, files: Vec<PathBuf>) -> ExitCode {
    let ctx = egui::Context::default();
    crate::render::setup_context(&ctx);
    let started = Instant::now();
    let mut app = RaidmapApp::with_files(files);
    let mut times: Vec<(f64, bool)> = Vec::with_capacity(frames);
    let mut load_s = None;
    let frame_time = Duration::from_secs_f64(1.0 / 60.0);
    for frame in 0..frames {
        let deadline = Instant::now() + frame_time;
        let (lon, lat, zoom) = view_at(frame);
        app.map.set_view(crate::project::View {
            center: [lon, lat],
            zoom,
        });
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, SIZE)),
            time: Some(started.elapsed().as_secs_f64()),
            predicted_dt: frame_time.as_secs_f32(),
            ..Default::default()
        };
        let loading = busy(&app);
        let cpu = thread_cpu_s();
        let output = ctx.run_ui(input, |ui| app.ui(ui));
        let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
        let spent = thread_cpu_s() - cpu;
        std::hint::black_box(primitives);
        times.push((spent * 1000.0, loading));
        if load_s.is_none() && !busy(&app) {
            load_s = Some(started.elapsed().as_secs_f64());
        }
        if let Some(rest) = deadline.checked_duration_since(Instant::now()) {
            std::thread::sleep(rest);
        }
    }
    if let Some(path) = std::env::var_os("RAIDMAP_BENCH_TRACE")
        && let Err(e) = write_trace(&PathBuf::from(&path), &times)
    {
        eprintln!(
            "raidmap: cannot write the frame trace {}: {e}",
            path.to_string_lossy()
        );
    }
    let all: Vec<f64> = times.iter().map(|t| t.0).collect();
    let loaded: Vec<f64> = times.iter().filter(|t| !t.1).map(|t| t.0).collect();
    let during: Vec<f64> = times.iter().filter(|t| t.1).map(|t| t.0).collect();
    println!(
        "{}",
        json!({
            "frames": frames,
            "ui_ms_p50": round(percentile(&all, 0.50)),
            "ui_ms_p95": round(percentile(&all, 0.95)),
            "ui_ms_max": round(percentile(&all, 1.0)),
            "load_s": load_s.map(round),
        })
    );
    eprintln!(
        "{}",
        json!({
            "frames_while_loading": during.len(),
            "while_loading_ms_p95": round(percentile(&during, 0.95)),
            "frames_loaded": loaded.len(),
            "loaded_ms_p50": round(percentile(&loaded, 0.50)),
            "loaded_ms_p95": round(percentile(&loaded, 0.95)),
            "loaded_ms_max": round(percentile(&loaded, 1.0)),
            "layers": app.doc.len(),
            "features": app.doc.layers().map(|(_, l)| l.features.len()).sum::<usize>(),
            "rss_mb": memory_mb("VmRSS:"),
            "peak_rss_mb": memory_mb("VmHWM:"),
        })
    );
    if let Some(changes) = changes(&ctx, &mut app, started) {
        eprintln!("{changes}");
    }
    ExitCode::SUCCESS
}

/// After the frames, frames with the view held still ([`still_frames`]), then on the biggest
/// layer: a time-window change, a style change and a single property edit, each pushed as the GUI pushes it; for each, the UI thread's CPU time of the
/// frame that applied it, the longest frame until everything worked out in the background
/// was in, and the wall-clock time until then (the view stays on the whole country).
fn changes(
    ctx: &egui::Context,
    app: &mut RaidmapApp,
    started: Instant,
) -> Option<serde_json::Value> {
    use crate::timeline::{Day, Window};
    let (id, layer) = app.doc.layers().max_by_key(|(_, l)| l.features.len())?;
    let features = layer.features.len();
    let style = app.views.get(&id)?.style().clone();
    let (lon, lat, zoom) = PATH[0];
    app.map.set_view(crate::project::View {
        center: [lon, lat],
        zoom,
    });
    let window = Window::days(Day::from_ymd(2025, 4, 1)?, Day::from_ymd(2025, 6, 30)?);
    let mut restyled = style.clone();
    restyled.color = crate::style::Rgba::rgb(20, 120, 60);
    restyled.label = Some("name".into());
    let edit = crate::edit::Edit::SetProperty {
        target: crate::model::FeatureRef {
            layer: id,
            index: 0,
        },
        key: "name".into(),
        value: serde_json::Value::String("Renamed in the benchmark".into()),
    };
    let steps = [
        ("time_window", Command::SetTimeWindow(window)),
        ("style", Command::SetStyle(id, restyled)),
        ("property_edit", Command::Edit(edit, "Rename".into())),
    ];
    let mut out = Vec::new();
    let frame = |app: &mut RaidmapApp| {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, SIZE)),
            time: Some(started.elapsed().as_secs_f64()),
            ..Default::default()
        };
        let cpu = thread_cpu_s();
        let output = ctx.run_ui(input, |ui| app.ui(ui));
        std::hint::black_box(ctx.tessellate(output.shapes, output.pixels_per_point));
        (thread_cpu_s() - cpu) * 1000.0
    };
    // Settle: whatever the path left to work out is done first.
    for _ in 0..600 {
        frame(app);
        if !working(app) {
            break;
        }
        std::thread::sleep(Duration::from_millis(16));
    }
    let still = still_frames(app, &frame);
    app.map.set_view(crate::project::View {
        center: [lon, lat],
        zoom,
    });
    for (name, command) in steps {
        app.push(command);
        let t0 = Instant::now();
        // The command is applied at the end of the first frame; the second draws with it.
        let applied = frame(app);
        let first_drawn = frame(app);
        let mut longest: f64 = 0.0;
        let mut frames = 2;
        while working(app) && frames < 1200 {
            std::thread::sleep(Duration::from_millis(16));
            longest = longest.max(frame(app));
            frames += 1;
        }
        out.push(json!({
            "change": name,
            "apply_frame_ms": round(applied),
            "next_frame_ms": round(first_drawn),
            "longest_frame_until_ready_ms": round(longest),
            "ready_s": round(t0.elapsed().as_secs_f64()),
            "frames": frames,
        }));
    }
    Some(json!({"changes_on_layer_of": features, "changes": out, "still_frames": still}))
}

/// Frames with nothing changed (what a repaint for a hover or a tooltip costs): the view held
/// still at the whole country, a city and a district (there, buildings are sub-pixel dots),
/// 60 frames each; the CPU time of all but the first (which draws the new view).
fn still_frames(
    app: &mut RaidmapApp,
    frame: &dyn Fn(&mut RaidmapApp) -> f64,
) -> Vec<serde_json::Value> {
    [PATH[0], PATH[2], PATH[3]]
        .into_iter()
        .map(|(lon, lat, zoom)| {
            app.map.set_view(crate::project::View {
                center: [lon, lat],
                zoom,
            });
            let times: Vec<f64> = (0..60).map(|_| frame(app)).collect();
            let still = &times[1..];
            json!({
                "view": [lon, lat, zoom],
                "ms_p50": round(percentile(still, 0.50)),
                "ms_p95": round(percentile(still, 0.95)),
            })
        })
        .collect()
}

/// The per-frame CSV of `RAIDMAP_BENCH_TRACE` (see the module doc).
fn write_trace(
    path: &std::path::Path,
    times: &[(f64, bool)],
) -> Result<(), crate::io::AtomicWriteError> {
    use std::fmt::Write as _;
    let mut csv = String::from("frame,lon,lat,zoom,ms,loading\n");
    for (frame, (ms, loading)) in times.iter().enumerate() {
        let (lon, lat, zoom) = view_at(frame);
        let _ = writeln!(csv, "{frame},{lon:.4},{lat:.4},{zoom:.3},{ms:.3},{loading}");
    }
    crate::io::write_atomic(path, |w| std::io::Write::write_all(w, csv.as_bytes()))
}

/// Whether something is being worked out on another thread (styles, counts, dates).
fn working(app: &RaidmapApp) -> bool {
    app.views.values().any(|v| v.is_working()) || app.timeline.is_reading()
}

/// Whether files or a project are still being read (a project opens on its own thread, then
/// its layers are indexed like opened files).
fn busy(app: &RaidmapApp) -> bool {
    app.loading.is_busy() || app.is_opening_project()
}

/// Where the path is at `frame`: straight lines in longitude, latitude and zoom between its
/// points.
fn view_at(frame: usize) -> (f64, f64, f64) {
    let leg = (frame / FRAMES_PER_LEG) % (PATH.len() - 1);
    let t = (frame % FRAMES_PER_LEG) as f64 / FRAMES_PER_LEG as f64;
    let (a, b) = (PATH[leg], PATH[leg + 1]);
    (
        a.0 + (b.0 - a.0) * t,
        a.1 + (b.1 - a.1) * t,
        a.2 + (b.2 - a.2) * t,
    )
}

/// The value below which `q` of the values are (nearest rank); 0 when there are none.
fn percentile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A memory figure of this process from `/proc/self/status` (`VmRSS:` resident now, `VmHWM:`
/// the peak), in MB; `None` where there is no such file.
fn memory_mb(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line
        .trim_start_matches(key)
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(round(kb / 1000.0))
}

/// CPU time used by this thread so far, in seconds.
#[cfg(unix)]
fn thread_cpu_s() -> f64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// Elsewhere the wall clock stands in for the thread's CPU time.
#[cfg(not(unix))]
fn thread_cpu_s() -> f64 {
    use std::sync::OnceLock;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_starts_on_the_country_and_loops() {
        assert_eq!(view_at(0), PATH[0]);
        let (_, _, zoom) = view_at(2 * FRAMES_PER_LEG);
        assert_eq!(zoom, PATH[2].2);
        assert_eq!(view_at((PATH.len() - 1) * FRAMES_PER_LEG), PATH[0]);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), 50.0);
        assert_eq!(percentile(&v, 0.95), 95.0);
        assert_eq!(percentile(&v, 1.0), 100.0);
        assert_eq!(percentile(&[], 0.95), 0.0);
    }

    #[test]
    fn three_frames_of_the_sample_data_run_without_a_window() {
        assert_eq!(run(3, Vec::new()), ExitCode::SUCCESS);
    }
}

//! The basemap in the real UI (egui_kittest): the default makes no tile layer; a template typed
//! in the chooser shows its tiles (a tile server on 127.0.0.1 stands in for the internet), at
//! the chosen opacity; failing tiles leave the offline basemap visible; zoom buttons, keys and
//! "zoom to all" move the map; the choice is saved for the next run.

use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui::{Pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use geo::Point;
use raidmap::tiles::Source;
use raidmap::ui::app::RaidmapApp;
use raidmap::ui::map::basemap_chooser::{BasemapSettings, SETTINGS_KEY};

use crate::tile_server::TileServer;

/// The offline basemap's fill for Cambodia.
const CAMBODIA: [u8; 3] = [253, 249, 237];
const MAGENTA: [u8; 3] = [230, 0, 200];

fn app_with(source: Source, cache: &std::path::Path) -> RaidmapApp {
    let mut app = RaidmapApp::with_files(Vec::new());
    app.map.basemap.set_cache_root(cache.to_path_buf());
    app.map.basemap.choose(source);
    app
}

fn rendering_harness(app: RaidmapApp) -> Harness<'static, RaidmapApp> {
    let mut harness = Harness::builder()
        .with_size(vec2(1500.0, 940.0))
        .with_theme(egui::Theme::Light)
        .with_context_setup(raidmap::render::setup_context)
        .wgpu()
        .build_ui_state(|ui, app: &mut RaidmapApp| app.ui(ui), app);
    harness.run_ok();
    harness
}

/// Step frames until `done` (tiles arrive on worker threads), at most ten seconds.
fn step_until(
    harness: &mut Harness<'_, RaidmapApp>,
    mut done: impl FnMut(&RaidmapApp) -> bool,
) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        harness.step();
        if done(harness.state()) {
            harness.run_steps(2);
            return true;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    false
}

/// A place in north-east Cambodia with no data drawn near it.
fn quiet_place(harness: &Harness<'_, RaidmapApp>) -> Pos2 {
    harness
        .state()
        .map
        .screen_pos(Point::new(106.55, 13.25))
        .expect("the map was drawn")
}

/// The share of pixels in a 21×21 box around `at` within 12 of `rgb` in every channel.
fn share_near(image: &image::RgbaImage, at: Pos2, rgb: [u8; 3]) -> f64 {
    let (mut near, mut all) = (0, 0);
    for dy in -10..=10 {
        for dx in -10..=10 {
            let x = (at.x.round() as i64 + dx) as u32;
            let y = (at.y.round() as i64 + dy) as u32;
            let Some(p) = image.get_pixel_checked(x, y) else {
                continue;
            };
            all += 1;
            if (0..3).all(|i| (i32::from(p[i]) - i32::from(rgb[i])).abs() <= 12) {
                near += 1;
            }
        }
    }
    f64::from(near) / f64::from(all.max(1))
}

#[test]
fn the_default_basemap_makes_no_tile_layer() {
    let harness = sample_harness();
    let basemap = &harness.state().map.basemap;
    assert_eq!(basemap.source(), &Source::Offline);
    // No tile layer means no loader, so no HTTP client and no tile workers exist.
    assert!(basemap.tiles().is_none());
    harness.get_by_label("Basemap: Offline basemap");
}

#[test]
fn a_template_typed_in_the_chooser_shows_its_tiles_over_the_offline_basemap() {
    let server = TileServer::solid(MAGENTA);
    let cache = tempfile::tempdir().expect("temp dir");
    let mut harness = rendering_harness(app_with(Source::Offline, cache.path()));

    harness.get_by_label("Basemap: Offline basemap").click();
    harness.run_ok();
    let field = harness.get_by_role_and_label(Role::TextInput, "URL");
    field.click();
    harness.run_ok();
    harness
        .get_by_role_and_label(Role::TextInput, "URL")
        .type_text(&server.url("/{z}/{x}/{y}.png"));
    harness.run_ok();
    harness.get_by_label("Use URL").click();
    // Close the chooser so it does not cover the map.
    harness.run_ok();
    harness
        .get_by_label_contains("Basemap: Tiles from 127.0.0.1")
        .click();
    let loaded = step_until(&mut harness, |app| {
        app.map
            .basemap
            .status()
            .is_some_and(|s| s.ready > 0 && s.loading == 0)
    });
    assert!(loaded, "no tile arrived; requests: {:?}", server.paths());
    assert!(server.requests().iter().all(|r| {
        r.user_agent
            .as_deref()
            .is_some_and(|a| a.starts_with("raidmap/"))
    }));

    let at = quiet_place(&harness);
    let image = harness.render().expect("render");
    let share = share_near(&image, at, MAGENTA);
    assert!(share > 0.6, "only {share:.2} of the pixels show the tiles");

    // Half opacity: the offline basemap shows through.
    harness.state_mut().map.basemap.settings.opacity = 0.5;
    harness.run_ok();
    let image = harness.render().expect("render");
    assert!(share_near(&image, at, MAGENTA) < 0.1);
    let blend = [242, 125, 219];
    let share = share_near(&image, at, blend);
    assert!(
        share > 0.6,
        "only {share:.2} of the pixels are the 50 % blend"
    );
}

#[test]
fn failing_tiles_leave_the_offline_basemap_in_view() {
    let server = TileServer::start(Box::new(|_, _| (500, b"down".to_vec())));
    let cache = tempfile::tempdir().expect("temp dir");
    let source = Source::parse(&server.url("/{z}/{x}/{y}.png")).expect("template");
    let mut harness = rendering_harness(app_with(source, cache.path()));
    let failed = step_until(&mut harness, |app| {
        app.map.basemap.status().is_some_and(|s| s.failed > 0)
    });
    assert!(
        failed,
        "no failure was seen; requests: {:?}",
        server.paths()
    );
    let at = quiet_place(&harness);
    let image = harness.render().expect("render");
    let share = share_near(&image, at, CAMBODIA);
    assert!(
        share > 0.6,
        "only {share:.2} of the pixels show the offline basemap"
    );
    // The chooser says what went wrong.
    harness
        .get_by_label_contains("Basemap: Tiles from 127.0.0.1")
        .click();
    harness.run_ok();
    harness.get_by_label_contains("answered 500");
}

fn sample_harness() -> Harness<'static, RaidmapApp> {
    let mut harness = Harness::builder()
        .with_size(vec2(1500.0, 940.0))
        .with_context_setup(raidmap::render::setup_context)
        .build_ui_state(
            |ui, app: &mut RaidmapApp| app.ui(ui),
            RaidmapApp::with_files(Vec::new()),
        );
    harness.run();
    harness
}

#[test]
fn zoom_buttons_and_keys_move_the_map() {
    let mut harness = sample_harness();
    let start = harness.state().map.zoom();
    harness.get_by_label("+").click();
    harness.run();
    assert!((harness.state().map.zoom() - (start + 1.0)).abs() < 1e-9);
    harness.get_by_label("−").click();
    harness.run();
    assert!((harness.state().map.zoom() - start).abs() < 1e-9);

    harness.key_press(egui::Key::Plus);
    harness.run();
    assert!((harness.state().map.zoom() - (start + 1.0)).abs() < 1e-9);
    harness.key_press(egui::Key::Minus);
    harness.run();
    assert!((harness.state().map.zoom() - start).abs() < 1e-9);

    // The arrow key moves the view east: a place on the map moves left on screen.
    let phnom_penh = Point::new(104.92, 11.56);
    let before = harness.state().map.screen_pos(phnom_penh).expect("drawn");
    harness.key_press(egui::Key::ArrowRight);
    harness.run();
    let after = harness.state().map.screen_pos(phnom_penh).expect("drawn");
    assert!(after.x < before.x - 50.0, "{before:?} → {after:?}");
    assert!((after.y - before.y).abs() < 1.0, "{before:?} → {after:?}");
}

#[test]
fn zoom_to_all_brings_every_layer_back_into_view() {
    let mut harness = sample_harness();
    for _ in 0..4 {
        harness.get_by_label("+").click();
        harness.run();
    }
    harness.get_by_label("All").click();
    harness.run();
    let app = harness.state();
    let rect = app.map.last_map_rect().expect("drawn");
    for (_, layer) in app.doc.layers() {
        for feature in &layer.features {
            if let Some(geo::Geometry::Point(p)) = feature.geometry() {
                let at = app.map.screen_pos(*p).expect("drawn");
                assert!(
                    rect.contains(at),
                    "{:?} at {at:?} outside {rect:?}",
                    feature.name()
                );
            }
        }
    }
}

/// eframe's storage, in memory.
#[derive(Default)]
struct Memory(std::collections::HashMap<String, String>);

impl eframe::Storage for Memory {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }

    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }

    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }

    fn flush(&mut self) {}
}

#[test]
fn the_basemap_choice_is_saved_for_the_next_run() {
    let mut app = RaidmapApp::with_files(Vec::new());
    app.map
        .basemap
        .choose(Source::PmTiles("/data/kh-imagery.pmtiles".into()));
    app.map.basemap.settings.opacity = 0.7;
    app.map.basemap.settings.labels_above = false;
    app.map.basemap.settings.cache_limit_mb = 2000;
    let mut storage = Memory::default();
    eframe::App::save(&mut app, &mut storage);
    let back: BasemapSettings =
        eframe::get_value(&storage, SETTINGS_KEY).expect("saved and read back");
    assert_eq!(back, app.map.basemap.settings);

    for source in [
        Source::Offline,
        Source::Satellite,
        Source::Xyz("https://tiles.example.org/{z}/{x}/{-y}.png".into()),
        Source::MbTiles("/data/kh.mbtiles".into()),
    ] {
        let settings = BasemapSettings {
            source,
            ..BasemapSettings::default()
        };
        eframe::set_value(&mut storage, SETTINGS_KEY, &settings);
        let back: Option<BasemapSettings> = eframe::get_value(&storage, SETTINGS_KEY);
        assert_eq!(back, Some(settings));
    }
}

//! Imagery through time in the real window (egui_kittest, rendered with wgpu): two basemaps
//! compared with a divider the user drags, the C key and Shift+arrows, a blend; the dated
//! releases listed from a Wayback-shaped server on 127.0.0.1 only when the list is opened and
//! chosen by date, with the date on the map; *Save area for offline use…* with its estimate,
//! pause, cancel, a resumed save, the saved file shown as the basemap, the refusal for
//! OpenStreetMap, and the area drawn as a box on the map.

use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui::{Modifiers, Pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use raidmap::tiles::Source;
use raidmap::ui::app::RaidmapApp;
use raidmap::ui::imagery::compare::CompareMode;
use raidmap::ui::imagery::save_area::format_bbox;

use crate::gui::drag;
use crate::tile_server::{TileServer, solid_png};
use crate::wayback::{RELEASES, wayback_server};

const RED: [u8; 3] = [220, 30, 30];
const BLUE: [u8; 3] = [30, 30, 220];

fn app_with(source: Source, cache: &std::path::Path) -> RaidmapApp {
    let mut app = RaidmapApp::with_files(Vec::new());
    app.map.basemap.set_cache_root(cache.to_path_buf());
    app.map.basemap.choose(source);
    app
}

fn harness(app: RaidmapApp) -> Harness<'static, RaidmapApp> {
    let mut harness = Harness::builder()
        .with_size(vec2(1500.0, 940.0))
        .with_theme(egui::Theme::Light)
        .with_context_setup(raidmap::render::setup_context)
        .wgpu()
        .build_ui_state(|ui, app: &mut RaidmapApp| app.ui(ui), app);
    harness.run_ok();
    harness
}

/// Step frames until `done`, at most twenty seconds.
fn step_until(
    harness: &mut Harness<'_, RaidmapApp>,
    mut done: impl FnMut(&RaidmapApp) -> bool,
) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
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

fn tiles_settled(app: &RaidmapApp) -> bool {
    let basemap = &app.map.basemap;
    let first = basemap
        .status()
        .is_none_or(|s| s.ready > 0 && s.loading == 0);
    let second = basemap
        .compare
        .tiles()
        .map(|t| t.status())
        .is_none_or(|s| s.ready > 0 && s.loading == 0);
    first && second
}

/// The colour of the pixel at `at`.
fn pixel(image: &image::RgbaImage, at: Pos2) -> [u8; 3] {
    let p = image.get_pixel(at.x.round() as u32, at.y.round() as u32);
    [p[0], p[1], p[2]]
}

fn near(a: [u8; 3], b: [u8; 3], tolerance: i32) -> bool {
    (0..3).all(|i| (i32::from(a[i]) - i32::from(b[i])).abs() <= tolerance)
}

/// A point in the map's rectangle at fractions (fx, fy) of its width and height, away from
/// data drawn in the middle of Cambodia (the top of the map, below the controls).
fn map_point(harness: &Harness<'_, RaidmapApp>, fx: f32, fy: f32) -> Pos2 {
    let rect = harness.state().map.last_map_rect().expect("drawn");
    rect.min + vec2(rect.width() * fx, rect.height() * fy)
}

#[test]
fn a_swipe_shows_each_basemap_on_its_side_of_a_divider_the_user_drags() {
    let red = TileServer::solid(RED);
    let blue = TileServer::solid(BLUE);
    let cache = tempfile::tempdir().expect("temp dir");
    let first = Source::parse(&red.url("/{z}/{x}/{y}.png")).expect("template");
    let second = Source::parse(&blue.url("/{z}/{x}/{y}.png")).expect("template");
    let mut app = app_with(first, cache.path());
    // The comparison is set up but off: the second server is not asked for anything.
    app.map.basemap.settings.compare.source = second.clone();
    let mut harness = harness(app);
    assert!(step_until(&mut harness, tiles_settled));
    assert!(blue.paths().is_empty(), "asked {:?}", blue.paths());
    assert!(harness.state().map.basemap.compare.tiles().is_none());

    // C switches the comparison on.
    harness.key_press(egui::Key::C);
    harness.run_ok();
    assert!(harness.state().map.basemap.settings.compare.on);
    assert!(step_until(&mut harness, |app| {
        tiles_settled(app) && app.map.basemap.compare.tiles().is_some()
    }));
    let (left, right) = (map_point(&harness, 0.3, 0.2), map_point(&harness, 0.7, 0.2));
    let image = harness.render().expect("render");
    assert!(
        near(pixel(&image, left), RED, 12),
        "{:?}",
        pixel(&image, left)
    );
    assert!(
        near(pixel(&image, right), BLUE, 12),
        "{:?}",
        pixel(&image, right)
    );
    // Both are named beside the divider.
    harness.get_by_label_contains("Basemap: Tiles from 127.0.0.1");

    // Drag the divider from the middle to a fifth of the width: 0.3 is now blue.
    let (middle, fifth) = (map_point(&harness, 0.5, 0.7), map_point(&harness, 0.2, 0.7));
    drag(&mut harness, middle, fifth);
    let swipe = harness.state().map.basemap.settings.compare.swipe;
    assert!((swipe - 0.2).abs() < 0.01, "divider at {swipe}");
    harness.run_ok();
    let image = harness.render().expect("render");
    assert!(
        near(pixel(&image, left), BLUE, 12),
        "{:?}",
        pixel(&image, left)
    );
    let far_left = map_point(&harness, 0.1, 0.2);
    assert!(near(pixel(&image, far_left), RED, 12));

    // Shift+→ moves it by 5 % of the width, and does not pan.
    let view = harness.state().map.view();
    harness.key_press_modifiers(Modifiers::SHIFT, egui::Key::ArrowRight);
    harness.run_ok();
    let swipe = harness.state().map.basemap.settings.compare.swipe;
    assert!((swipe - 0.25).abs() < 0.01, "divider at {swipe}");
    assert_eq!(harness.state().map.view().center, view.center);

    // A blend at 50 %: the second over the first, half and half.
    harness.state_mut().map.basemap.settings.compare.mode = CompareMode::Blend;
    harness.run_ok();
    // The second basemap's tiles left of where the divider was are asked for now.
    assert!(step_until(&mut harness, tiles_settled));
    let image = harness.render().expect("render");
    let mixed = [125, 30, 125];
    assert!(
        near(pixel(&image, right), mixed, 20),
        "{:?}",
        pixel(&image, right)
    );
    assert!(
        near(pixel(&image, far_left), mixed, 20),
        "{:?}",
        pixel(&image, far_left)
    );

    // C again: only the first basemap, and the second's tile layer is gone.
    harness.key_press(egui::Key::C);
    harness.run_ok();
    assert!(harness.state().map.basemap.compare.tiles().is_none());
    let image = harness.render().expect("render");
    assert!(near(pixel(&image, right), RED, 12));
}

/// Export image… as the app's command runs it: Cambodia's box at 400 × 400 pixels.
fn export_image(harness: &mut Harness<'_, RaidmapApp>, path: &std::path::Path) -> image::RgbaImage {
    use raidmap::ui::command::{Area, ImageRequest};
    harness
        .state_mut()
        .push(raidmap::ui::command::Command::ExportImage(ImageRequest {
            width_px: 400,
            height_px: 400,
            scale: 1.0,
            area: Area::Box,
            bbox: Some(raidmap::render::image::parse_bbox("102.3,10.4,107.65,14.7").expect("box")),
            title: String::new(),
            path: path.to_owned(),
            selected_only: false,
        }));
    harness.run_ok();
    image::open(path).expect("the image was written").to_rgba8()
}

/// Half red, half blue: the blend at 50 % (as the window's blend test has it).
const MIXED: [u8; 3] = [125, 30, 125];

/// Of the pixels in the image's columns `x0..x1` (fractions of the width), in a band of rows
/// below the basemaps' names and above the scale bar: the shares near red, blue and the
/// half-and-half mix (borders and place names drawn over the tiles are none of them).
fn tints(image: &image::RgbaImage, (x0, x1): (f32, f32)) -> [f32; 3] {
    let (w, h) = (image.width() as f32, image.height() as f32);
    let mut counts = [0u32; 3];
    let mut all = 0;
    for y in (h * 0.35) as u32..(h * 0.75) as u32 {
        for x in (w * x0) as u32..(w * x1) as u32 {
            all += 1;
            let p = image.get_pixel(x, y);
            let rgb = [p[0], p[1], p[2]];
            for (count, tint) in counts.iter_mut().zip([RED, BLUE, MIXED]) {
                if near(rgb, tint, 24) {
                    *count += 1;
                }
            }
        }
    }
    counts.map(|c| c as f32 / all.max(1) as f32)
}

#[test]
fn export_image_draws_the_comparison_as_the_window_shows_it() {
    let red = TileServer::solid(RED);
    let blue = TileServer::solid(BLUE);
    let cache = tempfile::tempdir().expect("temp dir");
    let dir = tempfile::tempdir().expect("temp dir");
    let first = Source::parse(&red.url("/{z}/{x}/{y}.png")).expect("template");
    let second = Source::parse(&blue.url("/{z}/{x}/{y}.png")).expect("template");
    let mut app = app_with(first, cache.path());
    app.map.basemap.settings.compare.source = second;
    let mut harness = harness(app);

    // The sample layers hidden: the basemaps are what is looked at.
    let layers: Vec<_> = harness.state().doc.layers().map(|(id, _)| id).collect();
    for id in layers {
        harness
            .state_mut()
            .push(raidmap::ui::command::Command::SetVisible(id, false));
    }
    harness.run_ok();

    // No comparison: the first basemap across the image.
    let image = export_image(&mut harness, &dir.path().join("plain.png"));
    let [red_share, blue_share, mixed] = tints(&image, (0.02, 0.98));
    assert!(
        red_share > 0.6 && blue_share == 0.0 && mixed == 0.0,
        "red {red_share}, blue {blue_share}, mixed {mixed}"
    );
    assert!(blue.paths().is_empty(), "asked {:?}", blue.paths());

    // A swipe at a quarter of the width: red left of it, blue right of it.
    {
        let compare = &mut harness.state_mut().map.basemap.settings.compare;
        compare.on = true;
        compare.mode = CompareMode::Swipe;
        compare.swipe = 0.25;
    }
    harness.run_ok();
    let image = export_image(&mut harness, &dir.path().join("swipe.png"));
    let [left_red, left_blue, _] = tints(&image, (0.02, 0.22));
    let [right_red, right_blue, _] = tints(&image, (0.28, 0.98));
    assert!(
        left_red > 0.6 && left_blue == 0.0 && right_blue > 0.6 && right_red == 0.0,
        "left: red {left_red}, blue {left_blue}; right: red {right_red}, blue {right_blue}"
    );

    // A blend at 50 %: half and half everywhere, as on the map.
    {
        let compare = &mut harness.state_mut().map.basemap.settings.compare;
        compare.mode = CompareMode::Blend;
        compare.blend = 0.5;
    }
    harness.run_ok();
    let image = export_image(&mut harness, &dir.path().join("blend.png"));
    let [red_share, blue_share, mixed] = tints(&image, (0.02, 0.98));
    assert!(
        mixed > 0.6 && red_share == 0.0 && blue_share == 0.0,
        "red {red_share}, blue {blue_share}, mixed {mixed}"
    );
    assert!(
        harness
            .query_by_label_contains("Exported a 400×400 pixel image")
            .is_some()
    );
}

#[test]
fn dated_releases_are_read_only_when_the_list_is_opened_and_chosen_by_date() {
    let server = wayback_server();
    let cache = tempfile::tempdir().expect("temp dir");
    let mut app = app_with(Source::Offline, cache.path());
    app.map.basemap.settings.wayback_config = server.url("/waybackconfig.json");
    let mut harness = harness(app);
    harness.get_by_label("Basemap: Offline basemap").click();
    harness.run_ok();
    assert!(server.paths().is_empty(), "asked {:?}", server.paths());

    harness
        .get_by_label("Dated imagery releases (Wayback)…")
        .click();
    assert!(step_until(&mut harness, |app| {
        app.map.basemap.wayback.releases().len() == RELEASES.len()
    }));
    assert_eq!(server.paths(), ["/waybackconfig.json"]);
    harness.get_by_label("2019-03-27 (release 31)");

    harness
        .get_by_role_and_label(Role::TextInput, "Date")
        .click();
    harness.run_ok();
    harness
        .get_by_role_and_label(Role::TextInput, "Date")
        .type_text("2016-05-01");
    harness.run_ok();
    harness.get_by_label("Nearest release").click();
    harness.run_ok();
    let source = harness.state().map.basemap.source().clone();
    assert_eq!(source.label(), "Esri Wayback 2016-06-01");
    // Close the chooser; the release's tiles (green) fill the map and its date is on it.
    harness
        .get_by_label("Basemap: Esri Wayback 2016-06-01 (online)")
        .click();
    assert!(step_until(&mut harness, tiles_settled));
    let image = harness.render().expect("render");
    let at = map_point(&harness, 0.8, 0.5);
    assert!(
        near(pixel(&image, at), RELEASES[1].2, 12),
        "{:?}",
        pixel(&image, at)
    );
    // The tag is painted text; its white box is where the map's top centre is.
    let tag = map_point(&harness, 0.5, 0.0) + vec2(0.0, 20.0);
    assert!(
        near(pixel(&image, tag), [255, 255, 255], 30),
        "{:?}",
        pixel(&image, tag)
    );
}

#[test]
fn an_area_is_saved_for_offline_use_with_pause_cancel_and_resume_then_shown() {
    // Each tile takes a moment, so the save can be paused and cancelled half way.
    let server = TileServer::start(Box::new(|path, _| {
        std::thread::sleep(Duration::from_millis(40));
        match crate::tile_server::parse_tile_path(path) {
            Some(_) => (200, solid_png(RED)),
            None => (404, Vec::new()),
        }
    }));
    let cache = tempfile::tempdir().expect("temp dir");
    let out = cache.path().join("area.mbtiles");
    let source = Source::parse(&server.url("/{z}/{x}/{y}.png")).expect("template");
    let mut harness = harness(app_with(source.clone(), cache.path()));
    harness
        .get_by_label_contains("Basemap: Tiles from 127.0.0.1")
        .click();
    harness.run_ok();
    harness.get_by_label("Save area for offline use…").click();
    harness.run_ok();
    {
        let save = &mut harness.state_mut().map.basemap.save_area;
        assert_eq!(save.source, source);
        save.bbox = "104.80,11.50,104.99,11.65".into();
        save.zoom_min = 12;
        save.zoom_max = 14;
        save.path = out.display().to_string();
    }
    harness.run_ok();
    // 2 + 4 + 12 tiles (the box's columns × rows per zoom), shown before anything is fetched.
    harness.get_by_label_contains("tiles, about");
    let before = server.paths().len();
    harness.get_by_label("Save the area").click();
    assert!(step_until(&mut harness, |app| {
        app.map
            .basemap
            .save_area
            .progress()
            .is_some_and(|(d, _)| d >= 3)
    }));
    harness.get_by_label("Pause").click();
    harness.run_ok();
    // Requests already on their way may still arrive (slowly, on a loaded machine); after them
    // nothing more: the count must come to rest (a save that ignored the pause asks for a tile
    // every 40 ms and never would) and stay there.
    let started = std::time::Instant::now();
    let mut paused_at = server.paths().len();
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let now = server.paths().len();
        if now == paused_at {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "tiles were still fetched 10 s after Pause"
        );
        paused_at = now;
    }
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        server.paths().len(),
        paused_at,
        "tiles were fetched while paused"
    );
    harness.get_by_label("Resume").click();
    harness.run_ok();
    harness.get_by_label("Cancel").click();
    assert!(step_until(&mut harness, |app| {
        !app.map.basemap.save_area.is_running()
    }));
    harness.get_by_label_contains("Cancelled");
    let first_run = server.paths().len() - before;

    // Saving again fills in what is missing, and asks only for that.
    harness.get_by_label("Save the rest of the area").click();
    assert!(step_until(&mut harness, |app| {
        !app.map.basemap.save_area.is_running()
    }));
    let outcome = harness
        .state()
        .map
        .basemap
        .save_area
        .outcome()
        .cloned()
        .expect("finished")
        .expect("saved");
    assert!(outcome.complete(), "{outcome:?}");
    assert!(outcome.already > 0);
    let total = outcome.total as usize;
    let second_run = server.paths().len() - before - first_run;
    assert!(second_run < total, "asked {second_run} of {total} again");
    harness.get_by_label_contains("Complete.");

    // Shown as the basemap: a tile file, no network.
    harness.get_by_label("Show it as the basemap").click();
    harness.run_ok();
    assert_eq!(
        harness.state().map.basemap.source(),
        &Source::MbTiles(out.clone())
    );
    let info = Source::MbTiles(out)
        .file_info()
        .expect("a file")
        .expect("readable");
    assert!(info.name.is_some());
}

#[test]
fn openstreetmap_is_refused_with_the_reason_and_nothing_is_fetched() {
    let cache = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(app_with(Source::Offline, cache.path()));
    harness.state_mut().map.basemap.save_area.show(
        Source::OpenStreetMap,
        Some([104.8, 11.5, 104.9, 11.6]),
        12.0,
    );
    harness.run_ok();
    harness.get_by_label_contains("cannot be saved for offline use");
    harness.get_by_label_contains("tile usage policy");
    // The button is disabled: a click starts nothing (an enabled one would at least report).
    harness.get_by_label("Save the area").click();
    harness.run_ok();
    let save = &harness.state().map.basemap.save_area;
    assert!(!save.is_running());
    assert!(save.outcome().is_none());
    // No tile layer and no save thread: nothing connects to OpenStreetMap.
    assert!(harness.state().map.basemap.tiles().is_none());
}

#[test]
fn the_area_to_save_is_drawn_as_a_box_on_the_map() {
    let cache = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(app_with(Source::Offline, cache.path()));
    harness.state_mut().map.basemap.save_area.show(
        Source::Offline,
        Some([104.8, 11.5, 104.9, 11.6]),
        12.0,
    );
    harness.run_ok();
    harness
        .get_by_role_and_label(Role::Button, "Draw the area on the map")
        .click();
    harness.run_ok();
    assert!(harness.state().map.basemap.save_area.is_drawing());
    let (from, to) = (
        map_point(&harness, 0.9, 0.85),
        map_point(&harness, 0.65, 0.55),
    );
    let geo =
        |h: &Harness<'_, RaidmapApp>, at: Pos2| h.state().map.geo_pos(at).expect("on the map");
    let (a, b) = (geo(&harness, from), geo(&harness, to));
    drag(&mut harness, from, to);
    let save = &harness.state().map.basemap.save_area;
    assert!(!save.is_drawing(), "one box, then the map pans again");
    assert_eq!(
        save.bbox,
        format_bbox([
            a.x().min(b.x()),
            a.y().min(b.y()),
            a.x().max(b.x()),
            a.y().max(b.y())
        ])
    );
    assert_eq!(
        geo(&harness, from),
        a,
        "the map did not pan while the box was drawn"
    );
    // The next drag pans the map again.
    drag(&mut harness, to, from);
    assert_ne!(geo(&harness, from), a);
}

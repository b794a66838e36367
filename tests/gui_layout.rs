//! The window at laptop and desktop sizes: the map keeps at least half the width and most of
//! the height, the toolbar is not cut off, side panels fold to a strip of buttons. Each size
//! also has a snapshot image rendered on the CPU (Mesa lavapipe).

use egui::accesskit::Role;
use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use raidmap::ui::app::{RaidmapApp, Tab};

fn sample_at(width: f32, height: f32) -> Harness<'static, RaidmapApp> {
    sample_at_scale(width, height, 1.0)
}

/// The sample in a window of `width` × `height` logical points at a display scale of `scale`
/// pixels per point.
fn sample_at_scale(width: f32, height: f32, scale: f32) -> Harness<'static, RaidmapApp> {
    let mut app = RaidmapApp::with_files(Vec::new());
    app.finish_loading();
    let mut harness = crate::gui::builder()
        .with_size(vec2(width, height))
        .with_pixels_per_point(scale)
        .wgpu()
        .build_ui_state(|ui, app: &mut RaidmapApp| app.ui(ui), app);
    harness.run();
    harness
}

fn map_rect(harness: &Harness<'_, RaidmapApp>) -> egui::Rect {
    harness
        .state()
        .map
        .last_map_rect()
        .expect("the map was drawn")
}

/// Every toolbar control lies inside the window.
fn assert_toolbar_visible(harness: &Harness<'_, RaidmapApp>, width: f32, height: f32) {
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, vec2(width, height));
    for label in [
        "Open project…",
        "Save as…",
        "Legend",
        "Export image…",
        "Publish",
        "Help",
    ] {
        let rect = harness.get_by_label(label).rect();
        assert!(
            window.contains_rect(rect),
            "{width}×{height}: {label} at {rect:?} is cut off"
        );
    }
}

/// The map keeps half the width and most of the height; the toolbar, the layer list and the
/// active tab are inside the window; and the window looks as in its snapshot.
fn check_size(width: f32, height: f32) {
    let mut harness = check_size_at_scale(width, height, 1.0);
    let options = egui_kittest::SnapshotOptions::new()
        .threshold(1.0)
        .max_failed_pixels(400);
    harness.snapshot_options(format!("layout_{width}x{height}"), &options);
}

/// As [`check_size`] at a display scale (`scale` pixels per logical point), without the
/// snapshot; the harness for one.
fn check_size_at_scale(width: f32, height: f32, scale: f32) -> Harness<'static, RaidmapApp> {
    let harness = sample_at_scale(width, height, scale);
    let map = map_rect(&harness);
    assert!(
        map.width() >= width * 0.5,
        "{width}×{height}: the map is {} wide",
        map.width()
    );
    assert!(
        map.height() >= height * 0.65,
        "{width}×{height}: the map is {} high",
        map.height()
    );
    assert_toolbar_visible(&harness, width, height);
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, vec2(width, height));
    for label in [
        "Layers",
        "Mango Park",
        "Click a feature on the map to see its properties.",
    ] {
        let rect = harness.get_by_label(label).rect();
        assert!(window.contains_rect(rect), "{label} at {rect:?}");
    }
    let tab = harness
        .get_by_role_and_label(Role::Button, "Feature")
        .rect();
    assert!(window.contains_rect(tab));
    // Each layer's row keeps its buttons on the rows they belong to: the close button on
    // the name's row (it wrapped onto a row of its own at 1366 × 768).
    for layer in ["raids.geojson", "sites.geojson"] {
        let name = harness.get_by_label(layer).rect();
        let close = harness.get_by_label(&format!("Close {layer}")).rect();
        assert!(
            window.contains_rect(close) && (close.center().y - name.center().y).abs() < 6.0,
            "{width}×{height}: Close {layer} at {close:?}, the name at {name:?}"
        );
    }
    harness
}

#[test]
fn a_13_inch_laptop_1024x640_keeps_the_map_large() {
    check_size(1024.0, 640.0);
}

#[test]
fn a_laptop_1366x768_shows_map_layers_and_tab() {
    check_size(1366.0, 768.0);
}

#[test]
fn a_desktop_1920x1080_shows_everything() {
    check_size(1920.0, 1080.0);
}

#[test]
fn display_scales_from_1_25_to_2_keep_the_layout_of_1024x640() {
    // A 13-inch laptop with display scaling: 1280 × 800, 1536 × 960 or 2048 × 1280 pixels
    // are 1024 × 640 logical points.
    for scale in [1.25, 1.5, 2.0] {
        let mut harness = check_size_at_scale(1024.0, 640.0, scale);
        if scale == 1.5 {
            let options = egui_kittest::SnapshotOptions::new()
                .threshold(1.0)
                .max_failed_pixels(900);
            harness.snapshot_options("layout_1024x640_at_1.5", &options);
        }
    }
}

#[test]
fn a_short_window_starts_with_the_timeline_folded_to_one_row() {
    let harness = sample_at(1024.0, 640.0);
    assert!(!harness.state().timeline.open);
    let harness = sample_at(1920.0, 1080.0);
    assert!(harness.state().timeline.open);
}

#[test]
fn the_map_fills_the_height_in_the_first_frame_after_the_timeline_folds() {
    // Made shorter than the timeline needs, the window folds the timeline to one row. The
    // frame that does it used to lay the map out against the tall timeline of the frame
    // before, leaving a black band above the status bar until the next repaint (which, with
    // a big layer and no pointer moving, could be long).
    let mut harness = sample_at(1500.0, 940.0);
    assert!(harness.state().timeline.open);
    harness.set_size(vec2(1366.0, 768.0));
    harness.step();
    assert!(!harness.state().timeline.open);
    let bottom = map_rect(&harness).bottom();
    assert!(
        bottom > 768.0 - 70.0,
        "the map ends at y = {bottom}, far above the timeline row and the status bar"
    );
}

#[test]
fn side_panels_fold_to_buttons_and_give_the_map_their_width() {
    let mut harness = sample_at(1024.0, 640.0);
    let before = map_rect(&harness).width();
    harness.get_by_label("Fold the right panel").click();
    harness.run();
    harness.get_by_label("Fold the layers panel").click();
    harness.run();
    harness.run();
    let after = map_rect(&harness).width();
    assert!(
        after > 1024.0 - 100.0,
        "folded panels leave the map {after} wide (was {before})"
    );
    // A folded tab opens from its button.
    harness.get_by_label("Show Measure").click();
    harness.run();
    assert!(harness.state().layout.details_open());
    assert_eq!(harness.state().tab, Tab::Measure);
    harness.get_by_label("Show layers").click();
    harness.run();
    assert!(harness.state().layout.layers_open);
}

/// Whether the map's last frame drew `point` inside the map, clear of its edges.
fn drawn_inside(harness: &Harness<'_, RaidmapApp>, point: geo::Point<f64>) -> bool {
    let at = harness.state().map.screen_pos(point).expect("drawn");
    map_rect(harness).shrink(8.0).contains(at)
}

#[test]
fn the_first_view_fits_cambodia_again_when_the_window_is_resized() {
    // The window opens at its default size and the first frame fits Cambodia; then the window
    // manager (or the user) makes it laptop-sized. The view fits again into the map that is
    // left, so Poipet in the west and Ratanakiri in the north-east stay in view.
    let mut harness = sample_at(1500.0, 940.0);
    let country = raidmap::render::scene::cambodia();
    let corners = [
        geo::Point::new(country.min().x + 0.2, country.max().y - 0.3),
        geo::Point::new(country.max().x - 0.2, country.min().y + 0.3),
    ];
    for (width, height) in [(1024.0, 640.0), (1366.0, 768.0), (1100.0, 700.0)] {
        harness.set_size(vec2(width, height));
        harness.run();
        for name in ["Poipet raid", "Kratie raid", "Preah Sihanouk raid"] {
            let (_, at) = crate::gui::feature_named(harness.state(), name);
            assert!(
                drawn_inside(&harness, at),
                "{width}×{height}: {name} is out of view (zoom {})",
                harness.state().map.zoom()
            );
        }
        for corner in corners {
            assert!(
                drawn_inside(&harness, corner),
                "{width}×{height}: {corner:?} is out of view"
            );
        }
    }
    // Once the user has zoomed, a new size keeps their view.
    harness.get_by_label("+").click();
    harness.run();
    harness.run();
    let zoom = harness.state().map.zoom();
    harness.set_size(vec2(1300.0, 720.0));
    harness.run();
    assert_eq!(harness.state().map.zoom(), zoom, "the user's zoom was kept");
}

#[test]
fn the_right_panel_keeps_its_width_from_tab_to_tab() {
    // A wide tab (the Coverage table, the One-to-all list) used to widen the panel for good.
    let mut harness = sample_at(1366.0, 768.0);
    let edge = map_rect(&harness).right();
    for tab in ["Measure", "Coverage", "Feature", "Coverage", "Measure"] {
        harness.get_by_role_and_label(Role::Button, tab).click();
        harness.run();
        harness.run();
        let now = map_rect(&harness).right();
        assert!(
            (now - edge).abs() < 1.0,
            "with {tab} the map ends at {now}, was {edge}"
        );
    }
}

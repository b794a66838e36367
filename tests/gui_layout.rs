//! The window at laptop and desktop sizes: the map keeps at least half the width and most of
//! the height, the toolbar is not cut off, side panels fold to a strip of buttons. Each size
//! also has a snapshot image rendered on the CPU (Mesa lavapipe).

use egui::accesskit::Role;
use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use raidmap::ui::app::{RaidmapApp, Tab};

fn sample_at(width: f32, height: f32) -> Harness<'static, RaidmapApp> {
    let mut app = RaidmapApp::with_files(Vec::new());
    app.finish_loading();
    let mut harness = crate::gui::builder()
        .with_size(vec2(width, height))
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
    let mut harness = sample_at(width, height);
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
    let options = egui_kittest::SnapshotOptions::new()
        .threshold(1.0)
        .max_failed_pixels(400);
    harness.snapshot_options(format!("layout_{width}x{height}"), &options);
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
fn a_short_window_starts_with_the_timeline_folded_to_one_row() {
    let harness = sample_at(1024.0, 640.0);
    assert!(!harness.state().timeline.open);
    let harness = sample_at(1920.0, 1080.0);
    assert!(harness.state().timeline.open);
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

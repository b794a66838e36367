//! GUI behaviour, driven through the real UI with egui_kittest (AccessKit labels, simulated
//! pointer and keyboard), and one snapshot image rendered on the CPU (Mesa lavapipe).

use egui::accesskit::Role;
use egui::{Event, Modifiers, PointerButton, Pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use geo::Point;
use raidmap::model::{FeatureRef, LayerKind};
use raidmap::ui::app::RaidmapApp;

const WINDOW: egui::Vec2 = vec2(1500.0, 940.0);

/// A harness set up like the app's window: same size, fonts and theme.
pub(crate) fn builder() -> egui_kittest::HarnessBuilder<RaidmapApp> {
    Harness::builder()
        .with_size(WINDOW)
        .with_theme(egui::Theme::Light)
        .with_context_setup(raidmap::render::setup_context)
}

pub(crate) fn harness(mut app: RaidmapApp) -> Harness<'static, RaidmapApp> {
    // Files are read in the background; these tests look at them once read.
    app.finish_loading();
    let mut harness = builder().build_ui_state(|ui, app: &mut RaidmapApp| app.ui(ui), app);
    harness.run();
    harness
}

pub(crate) fn sample_app() -> Harness<'static, RaidmapApp> {
    harness(RaidmapApp::with_files(Vec::new()))
}

/// Show the measure tool in the right-hand panel.
fn open_measure_tab(harness: &mut Harness<'_, RaidmapApp>) {
    harness
        .get_by_role_and_label(Role::Button, "Measure")
        .click();
    harness.run();
}

/// The measure tool's "Measure" button (the tab has the same name; the button comes after it).
fn measure_button<'a>(harness: &'a Harness<'_, RaidmapApp>) -> egui_kittest::Node<'a> {
    harness
        .get_all_by_role_and_label(Role::Button, "Measure")
        .last()
        .expect("the Measure button")
}

/// Type two places in the measure tool and press its Measure button.
fn measure_by_name(harness: &mut Harness<'_, RaidmapApp>, from: &str, to: &str) {
    open_measure_tab(harness);
    for (field, text) in [("From", from), ("To", to)] {
        harness
            .get_by_role_and_label(Role::TextInput, field)
            .click();
        harness.run();
        harness
            .get_by_role_and_label(Role::TextInput, field)
            .type_text(text);
        harness.run();
    }
    measure_button(harness).click();
    harness.run();
}

/// The sample feature with this name.
pub(crate) fn feature_named(app: &RaidmapApp, name: &str) -> (FeatureRef, Point<f64>) {
    for (layer, l) in app.doc.layers() {
        for (index, f) in l.features.iter().enumerate() {
            if f.name() == Some(name) {
                let Some(geo::Geometry::Point(p)) = f.geometry() else {
                    panic!("{name} is not a point")
                };
                return (FeatureRef { layer, index }, *p);
            }
        }
    }
    panic!("no feature named {name}")
}

/// Press at `from`, move to `to` in five steps, let go (frames run until the window settles
/// or, with tiles still loading, for the most steps allowed).
pub(crate) fn drag(harness: &mut Harness<'_, RaidmapApp>, from: Pos2, to: Pos2) {
    harness.hover_at(from);
    harness.run_ok();
    harness.event(Event::PointerButton {
        pos: from,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    harness.run_ok();
    for i in 1..=5 {
        let t = i as f32 / 5.0;
        harness.hover_at(from + (to - from) * t);
        harness.run_ok();
    }
    harness.event(Event::PointerButton {
        pos: to,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    harness.run_ok();
}

pub(crate) fn click_at(harness: &mut Harness<'_, RaidmapApp>, pos: Pos2) {
    harness.hover_at(pos);
    harness.run();
    for pressed in [true, false] {
        harness.event(Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    harness.run();
}

/// Whether a text field (the inspector's property editor) holds this value.
pub(crate) fn shows_value(harness: &Harness<'_, RaidmapApp>, value: &str) -> bool {
    harness.get_all_by_value(value).any(|n| {
        matches!(
            n.accesskit_node().role(),
            Role::TextInput | Role::MultilineTextInput
        )
    })
}

/// Where the map drew a point.
pub(crate) fn on_screen(harness: &Harness<'_, RaidmapApp>, point: Point<f64>) -> Pos2 {
    harness
        .state()
        .map
        .screen_pos(point)
        .expect("the map has been drawn")
}

/// The kilometres shown in the measure panel's result label.
fn shown_km(harness: &Harness<'_, RaidmapApp>) -> f64 {
    let node = harness.get_by_label_contains("km · ellipsoidal");
    let ak = node.accesskit_node();
    let label = ak.label().or(ak.value()).unwrap_or_default();
    label
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number in {label:?}"))
}

#[test]
fn the_app_opens_on_the_sample_sites_and_raids() {
    let harness = sample_app();
    harness.get_by_label("sites.geojson");
    harness.get_by_label("raids.geojson");
    let app = harness.state();
    assert_eq!(app.doc.len(), 2);
    let counts: Vec<usize> = app.doc.layers().map(|(_, l)| l.features.len()).collect();
    assert!(counts.iter().all(|&n| n > 0), "{counts:?}");
}

#[test]
fn clicking_a_site_on_the_map_selects_it_and_shows_its_properties() {
    let mut harness = sample_app();
    let (mango, point) = feature_named(harness.state(), "Mango Park 2");
    let pos = on_screen(&harness, point);
    click_at(&mut harness, pos);
    assert_eq!(harness.state().selection, Some(mango));
    // The inspector lists the properties, e.g. the province and the precision of the position.
    assert!(shows_value(&harness, "Takeo"));
    harness.get_by_label("location_precision");
}

#[test]
fn measuring_mango_park_to_mango_park_2_by_name_shows_about_9_km_and_keeps_it() {
    let mut harness = sample_app();
    measure_by_name(&mut harness, "Mango Park", "Mango Park 2");
    let km = shown_km(&harness);
    assert!((8.5..=9.5).contains(&km), "shown {km} km");

    harness.get_by_label("Keep").click();
    harness.run();
    let app = harness.state();
    let (_, layer) = app
        .doc
        .layers()
        .find(|(_, l)| l.kind == LayerKind::Measurements)
        .expect("a Measurements layer was made");
    assert_eq!(layer.features.len(), 1);
    let kept = layer.features[0]
        .property("distance_m")
        .and_then(serde_json::Value::as_f64)
        .expect("distance_m");
    assert!(
        (kept / 1000.0 - km).abs() < 0.01,
        "kept {kept} m, shown {km} km"
    );
    // Kept, not left selected (its vertices would be drawn as handles over the map).
    assert_eq!(app.selection, None);
    // Its coordinates have at most 7 decimals, so its export draws no precision warning.
    let Some(geo::Geometry::LineString(line)) = layer.features[0].geometry() else {
        panic!("a kept distance is a line")
    };
    for c in &line.0 {
        for x in [c.x, c.y] {
            let decimals = x.to_string().split('.').nth(1).map_or(0, str::len);
            assert!(decimals <= 7, "{x} has {decimals} decimals");
        }
    }
}

#[test]
fn picking_two_sites_on_the_map_measures_between_them() {
    let mut harness = sample_app();
    open_measure_tab(&mut harness);
    harness.get_by_label("Pick on map").click();
    harness.run();
    let (_, a) = feature_named(harness.state(), "Mango Park");
    let (_, b) = feature_named(harness.state(), "Poipet compound");
    let pa = on_screen(&harness, a);
    click_at(&mut harness, pa);
    let pb = on_screen(&harness, b);
    click_at(&mut harness, pb);
    let expected_km = raidmap::measure::distance_m(a, b) / 1000.0;
    let km = shown_km(&harness);
    assert!(
        (km - expected_km).abs() < 0.1,
        "shown {km} km, expected {expected_km}"
    );
    // Picking measures; it does not change the selection.
    assert_eq!(harness.state().selection, None);
}

#[test]
fn a_file_that_fails_to_load_is_reported_and_changes_nothing_else() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("broken.geojson");
    std::fs::write(
        &bad,
        "{\"type\": \"FeatureCollection\", \"features\": [\n  {\"type\": \"Feature\"",
    )
    .expect("write");
    let good = format!("{}/data/sites.geojson", env!("CARGO_MANIFEST_DIR"));
    let harness = harness(RaidmapApp::with_files(vec![good.into(), bad.clone()]));
    let app = harness.state();
    assert_eq!(app.doc.len(), 1, "only the good file became a layer");
    assert_eq!(app.problems.len(), 1);
    // The report names the file and says where: line 2.
    harness.get_by_label_contains("broken.geojson:2:");
}

#[test]
fn a_problem_without_a_line_is_reported_as_file_colon_space_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A truncated FlatGeobuf: its header claims more bytes than the file holds (no line number).
    let bad = dir.path().join("cut.fgb");
    let mut bytes = vec![0x66, 0x67, 0x62, 0x03, 0x66, 0x67, 0x62, 0x01];
    bytes.extend_from_slice(&4096u32.to_le_bytes());
    std::fs::write(&bad, &bytes).expect("write");
    let harness = harness(RaidmapApp::with_files(vec![bad]));
    assert_eq!(harness.state().problems.len(), 1);
    let line = &harness.state().problems[0].lines[0];
    assert!(line.starts_with("cut.fgb: "), "{line}");
}

#[test]
fn the_sample_map_looks_as_expected() {
    let mut harness = builder().wgpu().build_ui_state(
        |ui, app: &mut RaidmapApp| app.ui(ui),
        RaidmapApp::with_files(Vec::new()),
    );
    harness.run();
    // Rendered by Mesa's lavapipe (wgpu on the CPU), as in CI; refresh with UPDATE_SNAPSHOTS=1
    // after an intended visual change. The tolerance lets text anti-aliasing differ slightly
    // between Mesa versions; a changed map or panel fails.
    let options = egui_kittest::SnapshotOptions::new()
        .threshold(1.0)
        .max_failed_pixels(400);
    harness.snapshot_options("sample_map", &options);
}

/// A file dropped on the window, as the windowing layer hands it to egui.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn frames_keep_coming_while_a_file_loads_and_cancel_stops_it() {
    // A named pipe that nobody writes to: the reading thread waits on it for as long as the
    // test wants, so "still loading" is certain, not a race.
    let dir = tempfile::tempdir().expect("temp dir");
    let pipe = dir.path().join("big.geojson");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let app = RaidmapApp::with_files(vec![pipe.clone()]);
    let mut harness = builder().build_ui_state(|ui, app: &mut RaidmapApp| app.ui(ui), app);
    for _ in 0..5 {
        harness.step();
    }
    assert!(harness.state().loading.is_busy());
    harness.get_by_label("big.geojson");
    harness.get_by_label("Cancel").click();
    harness.step();
    // Let the reader's open() return; it then sees the cancel before reading anything.
    drop(
        std::fs::OpenOptions::new()
            .write(true)
            .open(&pipe)
            .expect("open the pipe"),
    );
    harness.state_mut().finish_loading();
    harness.run();
    let app = harness.state();
    assert!(!app.loading.is_busy());
    assert_eq!(app.doc.len(), 0, "a cancelled file adds no layer");
    assert!(app.problems.is_empty(), "a cancel is not a problem");
    harness.get_by_label_contains("was cancelled");
}

#[test]
fn a_dropped_geojson_file_becomes_a_layer() {
    let mut harness = sample_app();
    let path = format!(
        "{}/tests/fixtures/geojson/valid/collection.geojson",
        env!("CARGO_MANIFEST_DIR")
    );
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path.into())));
    // One frame takes the drop and starts reading the file in the background (`run` would
    // keep stepping while the progress bar asks for frames); wait for it, then show it.
    harness.step();
    harness.state_mut().finish_loading();
    harness.run();
    assert_eq!(harness.state().doc.len(), 3);
    harness.get_by_label("collection.geojson");
}

#[test]
fn exporting_a_layer_from_the_gui_writes_it_unchanged_and_keeps_measurements() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = sample_app();
    let sites = harness
        .state()
        .doc
        .layers()
        .find(|(_, l)| l.name == "sites.geojson")
        .map(|(id, _)| id)
        .expect("sites layer");
    let out = dir.path().join("sites-out.geojson");
    harness
        .state_mut()
        .push(raidmap::ui::command::Command::Export(sites, out.clone()));
    harness.run();
    let written = std::fs::read_to_string(&out).expect("exported file");
    let original = include_str!("../data/sites.geojson");
    let as_value = |t: &str| serde_json::from_str::<serde_json::Value>(t).expect("JSON");
    assert_eq!(as_value(&written), as_value(original));
    harness.get_by_label_contains("Exported sites.geojson");

    // A kept measurement is exported as a LineString with its distance and read back.
    measure_by_name(&mut harness, "Mango Park", "Poipet compound");
    harness.get_by_label("Keep").click();
    harness.run();
    let measurements = harness
        .state()
        .doc
        .layers()
        .find(|(_, l)| l.kind == LayerKind::Measurements)
        .map(|(id, _)| id)
        .expect("measurements layer");
    let kept = dir.path().join("measurements.geojson");
    harness
        .state_mut()
        .push(raidmap::ui::command::Command::Export(
            measurements,
            kept.clone(),
        ));
    harness.run();
    let layer = raidmap::io::read_path(&kept).expect("the export reads back");
    assert_eq!(layer.features.len(), 1);
    let f = &layer.features[0];
    assert_eq!(
        f.property("from").and_then(serde_json::Value::as_str),
        Some("Mango Park")
    );
    assert_eq!(
        f.property("method").and_then(serde_json::Value::as_str),
        Some("geodesic-wgs84")
    );
    assert!(matches!(f.geometry(), Some(geo::Geometry::LineString(_))));
}

/// Choose a mode of the measure tool (which also turns on picking on the map).
fn choose_mode(harness: &mut Harness<'_, RaidmapApp>, mode: &str) {
    if harness.state().tab != raidmap::ui::app::Tab::Measure {
        open_measure_tab(harness);
    }
    harness.get_by_label(mode).click();
    harness.run();
}

/// Type into a labelled field of the measure tool.
pub(crate) fn type_into(harness: &mut Harness<'_, RaidmapApp>, field: &str, text: &str) {
    harness
        .get_by_role_and_label(Role::TextInput, field)
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, field)
        .type_text(text);
    harness.run();
}

/// The features of the Measurements layer.
fn kept(app: &RaidmapApp) -> Vec<raidmap::model::Feature> {
    app.doc
        .layers()
        .find(|(_, l)| l.kind == LayerKind::Measurements)
        .map(|(_, l)| l.features.clone())
        .unwrap_or_default()
}

#[test]
fn a_path_through_three_clicked_places_shows_each_leg_and_the_total() {
    use raidmap::measure::Units;
    let mut harness = sample_app();
    choose_mode(&mut harness, "Path");
    assert!(
        harness.state().measure.picking,
        "choosing Path turns picking on"
    );
    for name in ["Poipet compound", "Pursat raid", "Kratie raid"] {
        let (_, p) = feature_named(harness.state(), name);
        let pos = on_screen(&harness, p);
        click_at(&mut harness, pos);
    }
    let places = harness.state().measure.path.places.clone();
    assert_eq!(places.len(), 3);
    // Clicks snap to the features: Poipet's raid is drawn on top of the compound.
    assert!(places[0].label.starts_with("Poipet"), "{}", places[0].label);
    assert_eq!(places[1].label, "Pursat raid");
    assert_eq!(places[2].label, "Kratie raid");
    let legs: Vec<f64> = places
        .windows(2)
        .map(|w| raidmap::measure::distance_m(w[0].point, w[1].point))
        .collect();
    for leg in &legs {
        // Each leg is listed (the first one also as the distance so far).
        let shown = Units::Metric.format_length(*leg);
        assert!(harness.get_all_by_label(&shown).next().is_some(), "{shown}");
    }
    let total = Units::Metric.format_length(legs.iter().sum());
    harness.get_by_label(&format!("Total {total} · ellipsoidal"));
    // Picking measures; it does not select.
    assert_eq!(harness.state().selection, None);

    harness.get_by_label("Keep").click();
    harness.run();
    let kept = kept(harness.state());
    assert_eq!(kept.len(), 1);
    let legs_m: Vec<f64> = kept[0]
        .property("legs_m")
        .and_then(serde_json::Value::as_array)
        .expect("legs_m")
        .iter()
        .filter_map(serde_json::Value::as_f64)
        .collect();
    assert_eq!(legs_m, legs);
}

#[test]
fn the_one_to_all_table_from_mango_park_lists_mango_park_2_at_about_9_km() {
    let mut harness = sample_app();
    choose_mode(&mut harness, "One to all");
    type_into(&mut harness, "From", "Mango Park");
    harness.get_by_label("Measure to all").click();
    harness.run();
    // Sites only: the raids layer is filtered out.
    harness
        .get_by_role_and_label(Role::CheckBox, "raids.geojson")
        .click();
    harness.run();
    let state = harness.state_mut();
    let listing = state.measure.table_listing(&state.doc);
    let labels: Vec<&str> = listing.iter().map(|(l, _)| l.as_str()).collect();
    // Five other sites with a position (Mango Park itself and the site without geometry are
    // left out), nearest first.
    assert_eq!(labels.len(), 5, "{labels:?}");
    assert!(!labels.contains(&"Mango Park"));
    assert!(labels.iter().all(|l| !l.contains("raid (")), "{labels:?}");
    assert!(listing.windows(2).all(|w| w[0].1 <= w[1].1));
    let mango_2 = listing
        .iter()
        .position(|(l, _)| l == "Mango Park 2")
        .expect("Mango Park 2 listed");
    // The sample data puts the Kong Pisey compound 7.8 km away, so Mango Park 2 is second.
    assert!(mango_2 <= 1, "{labels:?}");
    assert!((listing[mango_2].1 - 9024.7).abs() < 1.0);
    harness.get_by_label_contains("without geometry left out");
    // Clicking a row draws that line on the map.
    harness.get_by_label("9.02 km").click();
    harness.run();
    let drawing = harness.state_mut().measure.drawing().clone();
    let (_, mango_2_point) = feature_named(harness.state(), "Mango Park 2");
    assert!(drawing.markers.contains(&mango_2_point), "{drawing:?}");
    assert!(
        drawing
            .labels
            .iter()
            .any(|(_, l)| l == "9.02 km · ellipsoidal")
    );

    // The header sorts; a second click reverses.
    harness.get_by_label("Distance ˄").click();
    harness.run();
    let state = harness.state_mut();
    let listing = state.measure.table_listing(&state.doc);
    assert!(listing.windows(2).all(|w| w[0].1 >= w[1].1), "{listing:?}");
    assert_eq!(listing[0].0, "Poipet compound");
}

#[test]
fn rings_around_a_site_are_drawn_counted_and_kept_as_features() {
    let mut harness = sample_app();
    choose_mode(&mut harness, "Rings");
    type_into(&mut harness, "Centre", "Mango Park");
    harness.get_by_label("Draw rings").click();
    harness.run();
    for shown in ["r = 1.00 km", "r = 5.00 km", "r = 10.00 km"] {
        harness.get_by_label(shown);
    }
    // Within 10 km of Mango Park: its own raid, Kong Pisey's compound and raid, Mango Park 2.
    harness.get_by_label("4 features within");
    assert!(!harness.state_mut().measure.drawing().lines.is_empty());

    harness.get_by_label("Keep").click();
    harness.run();
    let kept = kept(harness.state());
    let radii: Vec<f64> = kept
        .iter()
        .filter_map(|f| f.property("radius_m").and_then(serde_json::Value::as_f64))
        .collect();
    assert_eq!(radii, [1000.0, 5000.0, 10_000.0]);
    for f in &kept {
        assert_eq!(
            f.property("method").and_then(serde_json::Value::as_str),
            Some("geodesic-wgs84")
        );
        assert_eq!(
            f.property("center").and_then(serde_json::Value::as_str),
            Some("Mango Park")
        );
        assert!(matches!(f.geometry(), Some(geo::Geometry::LineString(l)) if l.is_closed()));
    }
}

#[test]
fn switching_units_changes_the_numbers_shown() {
    let mut harness = sample_app();
    measure_by_name(&mut harness, "Mango Park", "Mango Park 2");
    harness.get_by_label("9.02 km · ellipsoidal");
    harness.get_by_label("mi").click();
    harness.run();
    // 9024.7 m is 5.608 statute miles and 4.873 nautical miles.
    harness.get_by_label("5.61 mi · ellipsoidal");
    harness.get_by_label("nmi").click();
    harness.run();
    harness.get_by_label("4.87 nmi · ellipsoidal");
    // The same switch applies in the other modes.
    choose_mode(&mut harness, "Rings");
    type_into(&mut harness, "Centre", "Mango Park");
    harness.get_by_label("Draw rings").click();
    harness.run();
    harness.get_by_label("r = 0.540 nmi");
}

#[test]
fn a_polygon_drawn_by_clicking_is_measured_and_kept_with_its_area() {
    let mut harness = sample_app();
    choose_mode(&mut harness, "Area");
    // Three corners in an empty part of the map (north-east Cambodia).
    let corners = [(106.5, 13.9), (107.2, 13.9), (106.9, 14.4)];
    for (lon, lat) in corners {
        let pos = on_screen(&harness, Point::new(lon, lat));
        click_at(&mut harness, pos);
    }
    let clicked = harness.state().measure.area.corners.clone();
    assert_eq!(clicked.len(), 3);
    let polygon = raidmap::measure::drawn_polygon(&clicked).expect("three corners");
    let expected = raidmap::measure::polygon_area(&geo::Geometry::Polygon(polygon)).expect("area");
    let shown = raidmap::measure::Units::Metric.format_area(expected.area_m2);
    harness.get_by_label(&format!("{shown} · ellipsoidal"));
    assert!(shown.ends_with(" km²"), "{shown}");

    harness.get_by_label("Keep").click();
    harness.run();
    let kept = kept(harness.state());
    assert_eq!(kept.len(), 1);
    assert_eq!(
        kept[0]
            .property("area_m2")
            .and_then(serde_json::Value::as_f64),
        Some(expected.area_m2)
    );
    assert!(matches!(
        kept[0].geometry(),
        Some(geo::Geometry::Polygon(_))
    ));
}

#[test]
fn the_nearest_three_to_a_site_are_listed_nearest_first() {
    let mut harness = sample_app();
    choose_mode(&mut harness, "Nearest");
    type_into(&mut harness, "From", "Toul Kork ring");
    harness.get_by_label("Find nearest").click();
    harness.run();
    harness.get_by_label("1.");
    harness.get_by_label("5.");
    // Toul Kork's own raid is at the same place.
    harness.get_by_label("0.0 m");
    harness.get_by_label("Keep").click();
    harness.run();
    let kept = kept(harness.state());
    assert_eq!(kept.len(), 5);
    let ranks: Vec<u64> = kept
        .iter()
        .filter_map(|f| f.property("rank").and_then(serde_json::Value::as_u64))
        .collect();
    assert_eq!(ranks, [1, 2, 3, 4, 5]);
}

#[test]
fn kept_measurements_survive_export_and_come_back_as_measurements() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = sample_app();
    choose_mode(&mut harness, "Rings");
    type_into(&mut harness, "Centre", "Mango Park");
    harness.get_by_label("Draw rings").click();
    harness.run();
    harness.get_by_label("Keep").click();
    harness.run();
    choose_mode(&mut harness, "Distance");
    for (field, text) in [("From", "Mango Park"), ("To", "Poipet compound")] {
        type_into(&mut harness, field, text);
    }
    measure_button(&harness).click();
    harness.run();
    harness.get_by_label("Keep").click();
    harness.run();
    let (measurements, layer) = harness
        .state()
        .doc
        .layers()
        .find(|(_, l)| l.kind == LayerKind::Measurements)
        .map(|(id, l)| (id, l.features.len()))
        .expect("measurements layer");
    assert_eq!(layer, 4);
    let path = dir.path().join("kept.geojson");
    harness
        .state_mut()
        .push(raidmap::ui::command::Command::Export(
            measurements,
            path.clone(),
        ));
    harness.run();
    // Closed and opened again: a Measurements layer with the same numbers and labels.
    harness
        .state_mut()
        .push(raidmap::ui::command::Command::Remove(measurements));
    harness.run();
    harness
        .state_mut()
        .push(raidmap::ui::command::Command::Open(vec![path]));
    harness.step();
    harness.state_mut().finish_loading();
    harness.run();
    let app = harness.state();
    let (reopened_id, reopened) = app
        .doc
        .layers()
        .find(|(_, l)| l.name == "kept.geojson")
        .expect("reopened");
    assert_eq!(reopened.kind, LayerKind::Measurements);
    assert_eq!(reopened.features.len(), 4);
    let labels: Vec<String> = reopened
        .features
        .iter()
        .filter_map(|f| raidmap::measure::measurement_label(f, raidmap::measure::Units::Metric))
        .collect();
    assert_eq!(labels[..3], ["r = 1.00 km", "r = 5.00 km", "r = 10.00 km"]);
    assert!(labels[3].ends_with(" km"), "{labels:?}");
    harness.get_by_label_contains("kept.geojson: 4 kept measurements");
    // Readable in the inspector.
    harness
        .state_mut()
        .push(raidmap::ui::command::Command::Select(Some(FeatureRef {
            layer: reopened_id,
            index: 3,
        })));
    harness.run();
    harness.get_by_label("distance_m");
    assert!(shows_value(&harness, "geodesic-wgs84"));
}

#[test]
fn the_area_of_a_polygon_feature_with_a_hole_is_shown_and_kept() {
    let fixture = format!(
        "{}/tests/fixtures/measure/places.geojson",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut harness = harness(RaidmapApp::with_files(vec![fixture.into()]));
    choose_mode(&mut harness, "Area");
    harness.get_by_label("Polygon feature").click();
    harness.run();
    type_into(&mut harness, "Polygon", "Walled compound");
    harness.get_by_label("Measure area").click();
    harness.run();
    // GeographicLib's area for this polygon, its courtyard subtracted (reference.json).
    harness.get_by_label("137,088 m² · ellipsoidal");
    harness.get_by_label("Holes are subtracted; the perimeter includes them.");
    harness.get_by_label("Keep").click();
    harness.run();
    let kept = kept(harness.state());
    assert_eq!(kept.len(), 1);
    assert_eq!(
        kept[0].property("of").and_then(serde_json::Value::as_str),
        Some("Walled compound")
    );
    let area = kept[0]
        .property("area_m2")
        .and_then(serde_json::Value::as_f64)
        .expect("area_m2");
    assert!((area - 137_087.542_710).abs() < 0.01, "{area}");
    // A point is not a polygon: the panel says so.
    harness.get_by_label("Clear").click();
    harness.run();
    type_into(&mut harness, "Polygon", "Origin");
    harness.get_by_label("Measure area").click();
    harness.run();
    harness.get_by_label_contains("Origin: a Point has no area");
}

/// Type a window of days into the timeline and press Apply.
fn type_window(harness: &mut Harness<'_, RaidmapApp>, from: &str, to: &str) {
    for (field, text) in [("from", from), ("to", to)] {
        harness
            .get_by_role_and_label(Role::TextInput, field)
            .click();
        harness.run();
        harness
            .get_by_role_and_label(Role::TextInput, field)
            .type_text(text);
        harness.run();
    }
    harness.get_by_label("Apply").click();
    harness.run();
}

#[test]
fn with_the_window_on_july_2025_the_coverage_tab_lists_mango_park_2_untouched() {
    let mut harness = sample_app();
    type_window(&mut harness, "2025-07-01", "2025-07-31");
    harness.get_by_label("Coverage").click();
    harness.run();
    // The Coverage tab follows the timeline's window.
    harness.get_by_label("2025-07-01 to 2025-07-31 (UTC days, inclusive)");
    // The line a user reads the answer from, and the table row.
    let untouched = harness.get_by_label_contains("Untouched:");
    let ak = untouched.accesskit_node();
    let text = ak.label().or(ak.value()).unwrap_or_default();
    assert!(text.contains("Mango Park 2"), "{text}");
    assert!(!text.contains("Poipet compound"), "{text}");
    harness.get_by_label("16.41 km");
    let app = harness.state();
    let result = app.coverage.result().expect("a coverage answer");
    let status = |name: &str| {
        result
            .sites
            .iter()
            .find(|s| s.label == name)
            .map(|s| s.status)
            .unwrap_or_else(|| panic!("no site {name}"))
    };
    use raidmap::coverage::Status;
    assert_eq!(status("Mango Park 2"), Status::Untouched);
    assert_eq!(status("Poipet compound"), Status::Raided);
    assert_eq!(result.radius_m, 5_000.0);

    // Widening the radius past the nearest July raid (Kong Pisey, 16.4 km) flips it.
    harness.state_mut().coverage.radius_km = 17.0;
    harness.run();
    let result = harness.state().coverage.result().expect("an answer");
    assert!(
        result
            .sites
            .iter()
            .any(|s| s.label == "Mango Park 2" && s.status == Status::Raided)
    );
}

#[test]
fn the_timeline_window_hides_raids_outside_it_from_the_map() {
    let mut harness = sample_app();
    let (raid_2024, point) = feature_named(harness.state(), "Mango Park raid (2024)");
    let (mango_site, _) = feature_named(harness.state(), "Mango Park");
    // The 2024 raid is drawn over the Mango Park site: a click picks the raid.
    let pos = on_screen(&harness, point);
    click_at(&mut harness, pos);
    assert_eq!(harness.state().selection, Some(raid_2024));

    // One click on the July 2025 month: the 2024 raid is neither drawn nor picked.
    harness.get_by_label("Jul 2025 (6)").click();
    harness.run();
    let pos = on_screen(&harness, point);
    click_at(&mut harness, pos);
    assert_eq!(harness.state().selection, Some(mango_site));
    let view = &harness.state().views[&raid_2024.layer];
    assert!(!view.shows(raid_2024.index));
    assert_eq!(
        (0..7).filter(|&i| view.shows(i)).count(),
        6,
        "the six July raids stay"
    );
    // The site layer has no dates: the window hides none of its features.
    assert!(
        harness.state().views[&mango_site.layer]
            .time_filter
            .is_none()
    );
    harness.get_by_label_contains("6 of 7 raids.geojson shown");

    // All dates again: the raid is back.
    harness.get_by_label("All dates").click();
    harness.run();
    let pos = on_screen(&harness, point);
    click_at(&mut harness, pos);
    assert_eq!(harness.state().selection, Some(raid_2024));
}

#[test]
fn a_layer_taken_off_the_timeline_is_no_longer_filtered() {
    let mut harness = sample_app();
    let (raid_2024, _) = feature_named(harness.state(), "Mango Park raid (2024)");
    type_window(&mut harness, "2025-07-14", "2025-07-16");
    assert!(!harness.state().views[&raid_2024.layer].shows(raid_2024.index));
    harness
        .state_mut()
        .push(raidmap::ui::command::Command::SetTimeField(
            raid_2024.layer,
            None,
        ));
    harness.run();
    assert!(harness.state().views[&raid_2024.layer].shows(raid_2024.index));
}

#[test]
fn the_classified_sites_are_exported_from_the_coverage_tab() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = sample_app();
    type_window(&mut harness, "2025-07-14", "2025-07-16");
    harness.get_by_label("Coverage").click();
    harness.run();
    let out = dir.path().join("sites-coverage.geojson");
    harness
        .state_mut()
        .push(raidmap::ui::command::Command::ExportCoverage(out.clone()));
    harness.run();
    let layer = raidmap::io::read_path(&out).expect("the export reads back");
    let mango2 = layer
        .features
        .iter()
        .find(|f| f.name() == Some("Mango Park 2"))
        .expect("Mango Park 2");
    assert_eq!(
        mango2
            .property("coverage_status")
            .and_then(serde_json::Value::as_str),
        Some("untouched")
    );
    assert_eq!(
        mango2
            .property("nearest_raid")
            .and_then(serde_json::Value::as_str),
        Some("Kong Pisey raid")
    );
    harness.get_by_label_contains("Exported 7 classified sites");
}

#[test]
fn dragging_across_the_histogram_sets_the_window_to_the_dragged_days() {
    use raidmap::timeline::{Day, Window};
    let mut harness = sample_app();
    let day = |t: &str| Day::parse_bound(t, false).expect("a day");
    let timeline = &harness.state().timeline;
    let a = timeline
        .histogram_pos(day("2025-07-14"))
        .expect("the histogram was drawn");
    let b = timeline
        .histogram_pos(day("2025-07-16"))
        .expect("the histogram was drawn");
    assert!(b.x - a.x > 8.0, "two days apart on screen: {a:?} {b:?}");
    harness.hover_at(a);
    harness.run();
    harness.event(Event::PointerButton {
        pos: a,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    harness.run();
    for k in 1..=4 {
        harness.hover_at(a + (b - a) * (k as f32 / 4.0));
        harness.run();
    }
    harness.event(Event::PointerButton {
        pos: b,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    harness.run();
    assert_eq!(
        harness.state().timeline.window(),
        Window::days(day("2025-07-14"), day("2025-07-16"))
    );
    harness.get_by_label_contains("Window: 2025-07-14 to 2025-07-16");
}

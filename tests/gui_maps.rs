//! The GUI's map-making tools: search, styles, legend, theme, help and image export.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use raidmap::ui::app::RaidmapApp;

use crate::gui::{feature_named, harness, sample_app, type_into};

#[test]
fn searching_an_alias_and_pressing_enter_selects_and_zooms_to_it() {
    let mut harness = sample_app();
    let zoom_before = harness.state().map.zoom();
    type_into(&mut harness, "Search features", "mango park ii");
    // The match is listed under the box.
    harness.get_by_label_contains("Mango Park 2 · sites.geojson");
    harness.key_press(Key::Enter);
    for _ in 0..3 {
        harness.run();
    }
    let (mango2, _) = feature_named(harness.state(), "Mango Park 2");
    assert_eq!(harness.state().selection, Some(mango2));
    assert!(
        harness.state().map.zoom() > zoom_before + 1.0,
        "zoomed in from {zoom_before} to {}",
        harness.state().map.zoom()
    );
}

#[test]
fn a_typo_still_finds_the_site_and_down_chooses_the_next_match() {
    let mut harness = sample_app();
    type_into(&mut harness, "Search features", "poiept");
    harness.get_by_label_contains("Poipet compound · sites");
    harness.key_press(Key::ArrowDown);
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    // The second match (the compound and the raid at Poipet match alike; the shorter name
    // comes first).
    let hits = raidmap::search::search(&harness.state().doc, "poiept", 8);
    let names: Vec<String> = hits
        .iter()
        .filter_map(|h| harness.state().doc.feature(h.feature))
        .filter_map(|f| f.name().map(str::to_owned))
        .collect();
    assert_eq!(names[..2], ["Poipet raid", "Poipet compound"]);
    assert_eq!(harness.state().selection, Some(hits[1].feature));
}

#[test]
fn the_theme_switches_between_light_and_dark() {
    let mut harness = sample_app();
    assert_eq!(harness.ctx.theme(), egui::Theme::Light);
    harness.get_by_role_and_label(Role::Button, "Dark").click();
    harness.run();
    assert_eq!(harness.ctx.theme(), egui::Theme::Dark);
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::D);
    harness.run();
    assert_eq!(harness.ctx.theme(), egui::Theme::Light);
}

#[test]
fn f1_opens_the_keyboard_shortcuts() {
    let mut harness = sample_app();
    assert!(harness.query_by_label("Keyboard shortcuts").is_none());
    harness.key_press(Key::F1);
    harness.run();
    harness.get_by_label("Keyboard shortcuts");
    // Every shortcut is listed (a few words, like "Undo", also name buttons elsewhere).
    for (keys, what) in raidmap::ui::panels::help::SHORTCUTS {
        assert!(harness.get_all_by_label(keys).next().is_some(), "{keys}");
        assert!(harness.get_all_by_label(what).next().is_some(), "{what}");
    }
    harness.get_by_role_and_label(Role::Button, "Help").click();
    harness.run();
    assert!(harness.query_by_label("Keyboard shortcuts").is_none());
}

#[test]
fn the_legend_toggles_from_the_toolbar_and_the_keyboard() {
    let mut harness = sample_app();
    assert!(harness.state().show_legend);
    harness
        .get_by_role_and_label(Role::CheckBox, "Legend")
        .click();
    harness.run();
    assert!(!harness.state().show_legend);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    harness.run();
    assert!(harness.state().show_legend);
}

#[test]
fn colouring_raids_by_province_and_sizing_them_by_detainees_in_the_style_section() {
    let mut harness = sample_app();
    let raids = harness
        .state()
        .doc
        .layers()
        .find(|(_, l)| l.name == "raids.geojson")
        .map(|(id, _)| id)
        .expect("raids");
    // The raids are the top layer, listed first: theirs is the first Style section.
    harness
        .get_all_by_label("Style")
        .next()
        .expect("a Style section")
        .click();
    harness.run();
    harness
        .get_all_by_label("Colour by: single colour")
        .next()
        .expect("the Colour by choice")
        .click();
    harness.run();
    harness.get_by_label("province").click();
    harness.run();
    let style = harness.state().views[&raids].style();
    let categories = style.categories.as_ref().expect("coloured by category");
    assert_eq!(categories.property, "province");
    let provinces: std::collections::BTreeSet<String> = harness
        .state()
        .doc
        .layers()
        .find(|(id, _)| *id == raids)
        .map(|(_, l)| {
            l.features
                .iter()
                .filter_map(|f| f.property("province")?.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(categories.classes.len(), provinces.len());
    // The legend on the map lists them.
    let legend = raidmap::render::legend::legends(&harness.state().doc, &harness.state().views);
    let labels: Vec<&str> = legend
        .iter()
        .flat_map(|l| l.entries.iter().map(|e| e.label.as_str()))
        .collect();
    assert!(labels.contains(&"Kampong Speu"), "{labels:?}");

    // Size by the number of people detained: the raid with 63 is the largest symbol.
    harness
        .get_all_by_label("Size by: fixed size")
        .next()
        .expect("the Size by choice")
        .click();
    harness.run();
    harness.get_by_label("detained").click();
    harness.run();
    let app = harness.state();
    let style = app.views[&raids].style();
    let graduated = style.graduated.as_ref().expect("sized by a number");
    assert_eq!(graduated.property, "detained");
    assert_eq!(graduated.max_value, 63.0);
    let layer = app.doc.layer(raids).expect("raids");
    let biggest = layer
        .features
        .iter()
        .max_by(|a, b| {
            let r = |f| style.feature_style(f).radius;
            r(a).total_cmp(&r(b))
        })
        .and_then(|f| f.name());
    assert_eq!(biggest, Some("Kong Pisey raid"));
}

#[test]
fn the_image_exported_from_the_window_is_the_one_render_makes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let from_gui = dir.path().join("gui.png");
    let mut harness = sample_app();
    harness
        .get_by_role_and_label(Role::Button, "Export image…")
        .click();
    harness.run();
    harness.state_mut().image_export.path = from_gui.display().to_string();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Export PNG")
        .click();
    for _ in 0..2 {
        harness.run();
    }
    let gui = image::open(&from_gui)
        .expect("the window wrote a PNG")
        .to_rgba8();
    assert_eq!(gui.dimensions(), (1600, 1000));

    let from_cli = dir.path().join("cli.png");
    let data = |name: &str| format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let run = crate::util::headless()
        .args(["render", "--out"])
        .arg(&from_cli)
        .args([data("sites.geojson"), data("raids.geojson")])
        .output()
        .expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let cli = image::open(&from_cli)
        .expect("render wrote a PNG")
        .to_rgba8();
    assert!(gui == cli, "the window's image differs from render's");
}

#[test]
fn khmer_names_show_in_the_layers_panel_the_inspector_and_images() {
    // kittest fails on any glyph missing from the bundled fonts.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("khmer.geojson");
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature",
            "geometry":{"type":"Point","coordinates":[104.92,11.56]},
            "properties":{"name":"ភ្នំពេញ","status":"សង្ស័យ"}}]}"#,
    )
    .expect("written");
    let mut harness = harness(RaidmapApp::with_files(vec![path.clone()]));
    harness.get_by_label("ភ្នំពេញ").click();
    harness.run();
    // The status shows in the inspector's annotation fields.
    assert!(crate::gui::shows_value(&harness, "សង្ស័យ"));
    let image = dir.path().join("khmer.png");
    let run = crate::util::headless()
        .args(["render", "--width", "400", "--height", "300", "--bbox"])
        .arg("104.8,11.5,105.0,11.62")
        .arg("--out")
        .arg(&image)
        .arg(&path)
        .output()
        .expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // The label is drawn right of the point in dark ink (its shaped glyphs, not boxes).
    let png = image::open(&image).expect("written").to_rgba8();
    let ink = (205..300)
        .flat_map(|x| (140..165).map(move |y| (x, y)))
        .filter(|&(x, y)| png.get_pixel(x, y).0[0] < 90)
        .count();
    assert!(ink > 40, "{ink} dark pixels where the label is");
}

#[test]
fn on_a_hidpi_screen_the_map_picks_and_exports_at_its_own_pixel_size() {
    let mut harness = crate::gui::builder()
        .with_pixels_per_point(2.0)
        .build_ui_state(
            |ui, app: &mut RaidmapApp| app.ui(ui),
            RaidmapApp::with_files(Vec::new()),
        );
    harness.run();
    // Positions are in points: a click where a site is drawn selects it.
    let (mango, point) = feature_named(harness.state(), "Mango Park 2");
    let pos = crate::gui::on_screen(&harness, point);
    crate::gui::click_at(&mut harness, pos);
    assert_eq!(harness.state().selection, Some(mango));
    // "as on screen" exports the map's size in physical pixels, at the screen's scale.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("hidpi.png");
    harness
        .get_by_role_and_label(Role::Button, "Export image…")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "as on screen")
        .click();
    harness.run();
    harness.state_mut().image_export.path = path.display().to_string();
    harness
        .get_by_role_and_label(Role::Button, "Export PNG")
        .click();
    for _ in 0..2 {
        harness.run();
    }
    let rect = harness.state().map.last_map_rect().expect("drawn");
    let image = image::open(&path).expect("written").to_rgba8();
    assert_eq!(
        image.dimensions(),
        (
            (rect.width() * 2.0).round() as u32,
            (rect.height() * 2.0).round() as u32
        )
    );
}

/// The README image's title.
const SAMPLE_TITLE: &str =
    "Scam compounds and police raids in Cambodia, 2024–2025 (approximate positions)";

/// `data/sample.raidmap`.
const SAMPLE_PROJECT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample.raidmap");

/// The sample project opened in the window and exported from *Export image…* (*all layers*,
/// the README's title), as the README says.
fn sample_project_from_the_window() -> image::RgbaImage {
    let mut harness = harness(RaidmapApp::with_files(vec![SAMPLE_PROJECT.into()]));
    harness.state_mut().finish_loading();
    harness.run();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("readme.png");
    harness
        .get_by_role_and_label(Role::Button, "Export image…")
        .click();
    harness.run();
    {
        let app = harness.state_mut();
        app.image_export.path = path.display().to_string();
        app.image_export.title = SAMPLE_TITLE.into();
    }
    harness.run();
    harness
        .get_by_role_and_label(Role::RadioButton, "all layers")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Export PNG")
        .click();
    for _ in 0..2 {
        harness.run();
    }
    image::open(&path).expect("written").to_rgba8()
}

#[test]
fn the_readme_image_comes_out_of_the_window_too() {
    let made = sample_project_from_the_window();
    let reference = image::open(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/snapshots/render_sample.png"
    ))
    .expect("the README's image")
    .to_rgba8();
    assert_eq!(made.dimensions(), reference.dimensions());
    let differing = made
        .pixels()
        .zip(reference.pixels())
        .filter(|(a, b)| a.0 != b.0)
        .count();
    assert!(
        differing <= 1600,
        "{differing} pixels differ from the README's image"
    );
}

#[test]
fn the_sample_project_exported_from_the_window_is_the_image_render_makes_of_it() {
    let from_window = sample_project_from_the_window();
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("render.png");
    let run = crate::util::headless()
        .args(["render", "--out"])
        .arg(&out)
        .args([SAMPLE_PROJECT, "--title", SAMPLE_TITLE])
        .output()
        .expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let from_render = image::open(&out).expect("render wrote a PNG").to_rgba8();
    assert_eq!(from_window.dimensions(), from_render.dimensions());
    let differing: Vec<(u32, u32)> = from_window
        .enumerate_pixels()
        .filter(|(x, y, p)| from_render.get_pixel(*x, *y) != *p)
        .map(|(x, y, _)| (x, y))
        .collect();
    if !differing.is_empty() {
        // Kept to look at: the two images side by side in Cargo's scratch folder for tests.
        let kept = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
        let _ = from_window.save(kept.join("sample-window.png"));
        let _ = from_render.save(kept.join("sample-render.png"));
    }
    assert!(
        differing.is_empty(),
        "{} pixels differ (the first at {:?}; both images in {})",
        differing.len(),
        differing.first(),
        env!("CARGO_TARGET_TMPDIR")
    );
}

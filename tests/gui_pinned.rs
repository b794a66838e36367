//! Pictures pinned onto the map in the real window (egui_kittest, rendered with wgpu): a
//! picture added through *Pin a picture…*, pinned by clicks on the picture and on the map, the
//! residuals listed in metres, a pin undone, the project saved and reopened with the picture
//! and its pins; and a pinned picture drawn where its pins put it, to within a pixel.

use egui::accesskit::Role;
use egui::{Key, Modifiers, Pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use raidmap::edit::Edit;
use raidmap::evidence::Event;
use raidmap::mercator::{lon_lat_to_world, world_to_lon_lat};
use raidmap::model::Picture;
use raidmap::model::picture::Pin;
use raidmap::ui::app::RaidmapApp;
use raidmap::ui::command::Command;

use crate::gui::{click_at, drag, harness};

const RED: [u8; 3] = [230, 20, 20];
const BLUE: [u8; 3] = [20, 20, 230];

/// A 200 × 200 PNG: grey, a red square at (40..48, 60..68), a blue one at (150..158,
/// 120..128) (as `cli_imagery`'s pinned picture).
fn picture_png() -> Vec<u8> {
    let mut picture = image::RgbImage::from_pixel(200, 200, image::Rgb([128, 128, 128]));
    for (x0, y0, rgb) in [(40, 60, RED), (150, 120, BLUE)] {
        for y in y0..y0 + 8 {
            for x in x0..x0 + 8 {
                picture.put_pixel(x, y, image::Rgb(rgb));
            }
        }
    }
    let mut bytes = Vec::new();
    picture
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("encodes");
    bytes
}

/// A point of the map's rectangle at fractions of its width and height.
fn map_point(harness: &Harness<'_, RaidmapApp>, fx: f32, fy: f32) -> Pos2 {
    let rect = harness.state().map.last_map_rect().expect("drawn");
    rect.min + vec2(rect.width() * fx, rect.height() * fy)
}

/// The label of the node whose label starts with `start`.
fn label_starting(harness: &Harness<'_, RaidmapApp>, start: &str) -> String {
    text(&harness.get_by_label_contains(start))
}

/// A node's text (a label's is its value in AccessKit).
fn text(node: &egui_kittest::Node<'_>) -> String {
    let ak = node.accesskit_node();
    ak.label().or(ak.value()).unwrap_or_default().to_string()
}

/// The residuals listed, one per pin in order, as shown ("residual 0.0 m").
fn residuals(harness: &Harness<'_, RaidmapApp>) -> Vec<String> {
    harness
        .query_all_by_label_contains("residual ")
        .map(|n| text(&n))
        .filter(|l| l.starts_with("residual "))
        .collect()
}

/// Click picture pixel `px` in the pinning window, then `on_map`.
fn pin(harness: &mut Harness<'_, RaidmapApp>, px: [f64; 2], on_map: Pos2) {
    let at = harness
        .state()
        .pictures
        .screen_pos(px)
        .expect("the picture is shown");
    click_at(harness, at);
    assert_eq!(
        harness.state().pictures.pending,
        Some(px),
        "the point is marked"
    );
    click_at(harness, on_map);
    harness.run();
}

/// Add the picture at `png` through *Pin a picture…* (typed path, *Add*).
fn add_picture(harness: &mut Harness<'_, RaidmapApp>, png: &std::path::Path) {
    if !harness.state().pictures.open {
        harness
            .get_by_role_and_label(Role::Button, "Pin a picture…")
            .click();
        harness.run();
    }
    harness
        .get_by_role_and_label(Role::TextInput, "Picture file")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Picture file")
        .type_text(&png.display().to_string());
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Add the picture")
        .click();
    // (Not `run`: the window shows a spinner while the file is read.)
    harness.step();
    // Read and decoded on a thread: wait for it.
    harness.state_mut().finish_loading();
    harness.run();
    assert_eq!(
        harness.state().doc.pictures().len(),
        1,
        "the picture is added"
    );
}

#[test]
fn a_picture_added_and_removed_is_in_the_custody_log_and_esc_lets_go_of_a_marked_point() {
    let dir = tempfile::tempdir().expect("temp dir");
    let png = dir.path().join("leaked plan.png");
    std::fs::write(&png, picture_png()).expect("writes");
    let mut harness = harness(RaidmapApp::empty());
    // A file that is not there: nothing added, the window says why.
    harness
        .state_mut()
        .push(Command::PinPicture(dir.path().join("gone.png")));
    harness.step();
    harness.state_mut().finish_loading();
    harness.run();
    assert!(harness.state().doc.pictures().is_empty());
    let problem = harness.state().pictures.problem.clone().unwrap_or_default();
    assert!(
        problem.contains("gone.png was not added: cannot read it"),
        "{problem}"
    );
    add_picture(&mut harness, &png);
    let sha256 = harness.state().doc.pictures()[0].sha256.clone();
    let last = |harness: &Harness<'_, RaidmapApp>| {
        let entries = harness.state().project.evidence.log.entries();
        let e = entries.last().expect("an entry").clone();
        (e.event, e.sha256, e.detail)
    };
    assert_eq!(
        last(&harness),
        (
            Event::Attached,
            sha256.clone(),
            "leaked plan.png pinned onto the map".into()
        )
    );

    // A point marked on the picture, then Esc: the next click on the map is not a pin.
    let at = harness
        .state()
        .pictures
        .screen_pos([100.0, 100.0])
        .expect("shown");
    click_at(&mut harness, at);
    assert_eq!(harness.state().pictures.pending, Some([100.0, 100.0]));
    harness.key_press(Key::Escape);
    harness.run();
    assert_eq!(harness.state().pictures.pending, None, "Esc lets go of it");
    let _ = harness.get_by_label_contains("Click a point on the picture, then the same place");
    let on_map = map_point(&harness, 0.7, 0.5);
    click_at(&mut harness, on_map);
    harness.run();
    assert!(harness.state().doc.pictures()[0].pins.is_empty());

    harness
        .get_by_role_and_label(Role::Button, "Remove picture")
        .click();
    harness.run();
    assert!(harness.state().doc.pictures().is_empty());
    assert_eq!(
        last(&harness),
        (
            Event::Removed,
            sha256.clone(),
            "leaked plan.png (pinned picture)".into()
        )
    );
    // Undo brings it back, and the append-only log says so.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().doc.pictures().len(), 1);
    assert_eq!(
        last(&harness),
        (
            Event::Attached,
            sha256,
            "leaked plan.png (pinned picture, undo)".into()
        )
    );
    assert_eq!(harness.state().project.evidence.log.verify(), Ok(()));
}

#[test]
fn a_picture_pinned_by_clicks_shows_residuals_undoes_and_survives_a_saved_project() {
    let dir = tempfile::tempdir().expect("temp dir");
    let png = dir.path().join("site plan.png");
    std::fs::write(&png, picture_png()).expect("writes");
    let mut harness = harness(RaidmapApp::empty());
    add_picture(&mut harness, &png);
    assert_eq!(harness.state().doc.pictures()[0].size, [200, 200]);
    let _ = harness.get_by_label_contains("Place 3 more pins");

    // Three pins: picture corners to three places on the map (right of the window).
    let places = [(0.6, 0.3), (0.85, 0.3), (0.6, 0.7)];
    let pixels = [[0.0, 0.0], [200.0, 0.0], [0.0, 200.0]];
    for (px, (fx, fy)) in pixels.into_iter().zip(places) {
        let on_map = map_point(&harness, fx, fy);
        pin(&mut harness, px, on_map);
    }
    let picture = harness.state().doc.pictures()[0].clone();
    assert_eq!(picture.pins.len(), 3);
    for (pin, (fx, fy)) in picture.pins.iter().zip(places) {
        let expected = harness
            .state()
            .map
            .geo_pos(map_point(&harness, fx, fy))
            .expect("on the map");
        assert!(
            (pin.lon - expected.x()).abs() < 1e-3 && (pin.lat - expected.y()).abs() < 1e-3,
            "{pin:?} vs {expected:?}"
        );
    }
    // Three pins fix an affine transform exactly: every residual is shown, in metres, and 0.
    assert_eq!(residuals(&harness), vec!["residual 0.0 m"; 3]);
    assert!(
        label_starting(&harness, "Fit: ").starts_with("Fit: affine through 3 pins"),
        "{}",
        label_starting(&harness, "Fit: ")
    );
    assert!(
        !harness.state().map.pictures.is_empty(),
        "placed, the picture is drawn on the map"
    );

    // A fourth pin off the affine picture: now the residuals are not all zero.
    let on_map = map_point(&harness, 0.9, 0.75);
    pin(&mut harness, [200.0, 200.0], on_map);
    assert_eq!(harness.state().doc.pictures()[0].pins.len(), 4);
    let listed = residuals(&harness);
    assert_eq!(listed.len(), 4, "{listed:?}");
    let fourth = &listed[3];
    let metres: f64 = fourth
        .trim_start_matches("residual ")
        .trim_end_matches(" m")
        .parse()
        .expect("a number of metres");
    assert!(fourth.ends_with(" m") && metres > 1.0, "{fourth}");

    // Undo removes the last pin.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().doc.pictures()[0], picture);

    let project = dir.path().join("case.raidmap");
    harness
        .state_mut()
        .push(Command::SaveProjectAs(project.clone()));
    harness.run();
    assert!(!harness.state().has_unsaved_changes());
    let written = std::fs::read(&project).expect("saved");
    assert!(
        written.starts_with(b"PK\x03\x04"),
        "the image is inside the project"
    );
    drop(harness);
    std::fs::remove_file(&png).expect("removes the original picture");

    let mut reopened = crate::gui::harness(RaidmapApp::empty());
    reopened
        .state_mut()
        .push(Command::OpenProject(project.clone()));
    reopened.run();
    reopened.state_mut().finish_loading();
    reopened.run();
    // The image is decoded on a thread once the map wants it.
    reopened.state_mut().finish_loading();
    reopened.run();
    let app = reopened.state();
    assert_eq!(app.doc.pictures(), std::slice::from_ref(&picture));
    assert!(
        app.project.evidence.store.get(&picture.sha256).is_some(),
        "the image came back with the project"
    );
    assert!(
        !app.map.pictures.is_empty(),
        "and is drawn without its original file"
    );
    assert!(!app.has_unsaved_changes());
}

#[test]
fn a_pin_dragged_on_the_map_or_on_the_picture_moves_undoably_and_the_picture_zooms() {
    let mut app = RaidmapApp::empty();
    let sha256 = app.project.evidence.store.add(picture_png());
    let mut picture = Picture::new("plan.png", sha256, [200, 200]);
    picture.pins = [
        ([20.0, 20.0], 104.90, 11.57),
        ([180.0, 20.0], 104.92, 11.57),
        ([20.0, 180.0], 104.90, 11.55),
    ]
    .into_iter()
    .map(|(image, lon, lat)| Pin { image, lon, lat })
    .collect();
    app.push(Command::Edit(
        Edit::InsertPicture {
            index: 0,
            picture: picture.clone(),
        },
        "Pin".into(),
    ));
    app.push(Command::ZoomTo(geo::Rect::new(
        geo::coord! { x: 104.85, y: 11.50 },
        geo::coord! { x: 104.97, y: 11.62 },
    )));
    app.pictures.show_picture(0);
    let mut harness = harness(app);
    // The window asked for the picture: wait for it to be decoded.
    harness.state_mut().finish_loading();
    harness.run();

    // Pin 2 dragged on the map: it lands where the pointer was let go, the map stays still.
    let on_screen = |h: &Harness<'_, RaidmapApp>, lon: f64, lat: f64| {
        h.state()
            .map
            .screen_pos(geo::Point::new(lon, lat))
            .expect("drawn")
    };
    let from = on_screen(&harness, 104.92, 11.57);
    let first = on_screen(&harness, 104.90, 11.57);
    let to = from + vec2(-30.0, 40.0);
    let expected = harness.state().map.geo_pos(to).expect("on the map");
    drag(&mut harness, from, to);
    assert_eq!(
        on_screen(&harness, 104.90, 11.57),
        first,
        "the map did not pan"
    );
    let moved = harness.state().doc.pictures()[0].clone();
    let pin = &moved.pins[1];
    assert!(
        (pin.lon - expected.x()).abs() < 1e-9 && (pin.lat - expected.y()).abs() < 1e-9,
        "{pin:?} vs {expected:?}"
    );
    assert_eq!(pin.image, [180.0, 20.0], "its point of the picture stays");
    assert_eq!(moved.pins[0], picture.pins[0]);
    assert_eq!(moved.pins[2], picture.pins[2]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(
        harness.state().doc.pictures()[0],
        picture,
        "undo puts it back"
    );

    // Point 3 dragged on the picture: its map position stays.
    let pictures = &harness.state().pictures;
    let (from, to) = (
        pictures.screen_pos([20.0, 180.0]).expect("shown"),
        pictures.screen_pos([50.0, 150.0]).expect("shown"),
    );
    drag(&mut harness, from, to);
    let moved = &harness.state().doc.pictures()[0].pins[2];
    assert_eq!(moved.image, [50.0, 150.0]);
    assert_eq!((moved.lon, moved.lat), (104.90, 11.55));
    assert_eq!(
        harness.state().pictures.pending,
        None,
        "a drag marks no point"
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(harness.state().doc.pictures()[0], picture);

    // Zoomed in twice, a pixel of the picture takes four times the points, and a click marks
    // the pixel clicked.
    let spacing = |h: &Harness<'_, RaidmapApp>| {
        let p = &h.state().pictures;
        p.screen_pos([101.0, 100.0]).expect("shown").x
            - p.screen_pos([100.0, 100.0]).expect("shown").x
    };
    let whole = spacing(&harness);
    for _ in 0..2 {
        harness
            .get_by_role_and_label(Role::Button, "Zoom in on the picture")
            .click();
        harness.run();
    }
    assert_eq!(harness.state().pictures.zoom(), 4.0);
    assert!(
        (spacing(&harness) - 4.0 * whole).abs() < 1e-3,
        "{} vs {whole}",
        spacing(&harness)
    );
    let at = harness
        .state()
        .pictures
        .screen_pos([97.0, 103.0])
        .expect("in view");
    click_at(&mut harness, at);
    assert_eq!(harness.state().pictures.pending, Some([97.0, 103.0]));
    // Zoomed about the middle: the picture's centre stays in the middle of its view.
    let middle = harness
        .state()
        .pictures
        .screen_pos([100.0, 100.0])
        .expect("shown");
    harness
        .get_by_role_and_label(Role::Button, "Zoom out of the picture")
        .click();
    harness.run();
    assert_eq!(harness.state().pictures.zoom(), 2.0);
    let after = harness
        .state()
        .pictures
        .screen_pos([100.0, 100.0])
        .expect("shown");
    assert!(after.distance(middle) < 1e-3, "{after:?} vs {middle:?}");
}

#[test]
fn a_pinned_picture_is_drawn_where_its_pins_put_it() {
    let mut app = RaidmapApp::empty();
    let sha256 = app.project.evidence.store.add(picture_png());
    // The picture's corners pinned to a box square in Web Mercator.
    let (west, east, north) = (104.90, 104.92, 11.57);
    let nw = lon_lat_to_world(west, north);
    let ne = lon_lat_to_world(east, north);
    let (_, south) = world_to_lon_lat(geo::Coord {
        x: nw.x,
        y: nw.y + (ne.x - nw.x),
    });
    let mut picture = Picture::new("plan.png", sha256, [200, 200]);
    picture.opacity = 1.0;
    picture.pins = [
        ([0.0, 0.0], west, north),
        ([200.0, 0.0], east, north),
        ([0.0, 200.0], west, south),
        ([200.0, 200.0], east, south),
    ]
    .into_iter()
    .map(|(image, lon, lat)| Pin { image, lon, lat })
    .collect();
    app.push(Command::Edit(
        Edit::InsertPicture { index: 0, picture },
        "Pin".into(),
    ));
    app.push(Command::ZoomTo(geo::Rect::new(
        geo::coord! { x: west, y: south },
        geo::coord! { x: east, y: north },
    )));
    let mut harness = crate::gui::builder()
        .wgpu()
        .build_ui_state(|ui, app: &mut RaidmapApp| app.ui(ui), app);
    harness.run_steps(4);
    harness.state_mut().finish_loading();
    harness.run_steps(2);
    let image = harness.render().expect("render");
    let ppp = harness.ctx.pixels_per_point();
    // Where the picture's pixels (44, 64) and (154, 124), the squares' centres, belong.
    let belongs = |x: f64, y: f64| {
        let world = geo::Coord {
            x: nw.x + (ne.x - nw.x) * x / 200.0,
            y: nw.y + (ne.x - nw.x) * y / 200.0,
        };
        let (lon, lat) = world_to_lon_lat(world);
        let at = harness
            .state()
            .map
            .screen_pos(geo::Point::new(lon, lat))
            .expect("drawn");
        (f64::from(at.x * ppp), f64::from(at.y * ppp))
    };
    let map = harness.state().map.last_map_rect().expect("drawn");
    let map = egui::Rect::from_min_max(
        (map.min.to_vec2() * ppp).to_pos2(),
        (map.max.to_vec2() * ppp).to_pos2(),
    );
    let (rx, ry) = centroid(&image, map, RED);
    let (ex, ey) = belongs(44.0, 64.0);
    assert!(
        (rx - ex).abs() < 1.5 && (ry - ey).abs() < 1.5,
        "red at {rx},{ry}, pinned at {ex},{ey}"
    );
    let (bx, by) = centroid(&image, map, BLUE);
    let (ex, ey) = belongs(154.0, 124.0);
    assert!(
        (bx - ex).abs() < 1.5 && (by - ey).abs() < 1.5,
        "blue at {bx},{by}, pinned at {ex},{ey}"
    );
}

/// The centre of the pixels near `rgb` inside `within` (in pixels).
fn centroid(image: &image::RgbaImage, within: egui::Rect, rgb: [u8; 3]) -> (f64, f64) {
    let (mut sx, mut sy, mut n) = (0.0, 0.0, 0.0);
    for (x, y, p) in image.enumerate_pixels() {
        let inside = within.contains(egui::pos2(x as f32 + 0.5, y as f32 + 0.5));
        if inside && p.0.iter().zip(rgb).all(|(a, b)| a.abs_diff(b) < 40) {
            sx += f64::from(x) + 0.5;
            sy += f64::from(y) + 0.5;
            n += 1.0;
        }
    }
    assert!(n > 0.0, "no pixel of {rgb:?}");
    (sx / n, sy / n)
}

//! The publishing dialogs (Export animation…, Export report…, Publish web map…) driven through
//! the window with egui_kittest; the files they write are read back (the GIF's frames by the
//! gif crate, the PDF's text by pdftotext, the web map's page).

use std::path::Path;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use raidmap::timeline::{Day, Window};
use raidmap::ui::app::RaidmapApp;
use raidmap::ui::command::Command;

use crate::gui::sample_app;

/// Run frames until the publishing job has ended (the work runs on its own thread).
fn wait_until_published(harness: &mut Harness<'_, RaidmapApp>) {
    let started = Instant::now();
    while harness.state().publish.is_running() {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "publishing did not end in 5 minutes"
        );
        std::thread::sleep(Duration::from_millis(50));
        harness.run();
    }
    harness.run();
}

fn click(harness: &mut Harness<'_, RaidmapApp>, label: &str) {
    harness.get_by_role_and_label(Role::Button, label).click();
    harness.run();
}

/// Open an entry of the toolbar's Publish menu (the timeline has an "Export animation…"
/// button too; the menu's entry is the last one).
fn publish_menu(harness: &mut Harness<'_, RaidmapApp>, entry: &str) {
    click(harness, "Publish");
    harness
        .get_all_by_role_and_label(Role::Button, entry)
        .last()
        .expect("the menu entry")
        .click();
    // A dialog's grid takes a few frames to size its columns.
    harness.run_ok();
    harness.run();
}

fn day(text: &str) -> Day {
    Day::parse_bound(text, false).expect("a date")
}

fn gif_frames(path: &Path) -> Vec<(u16, u16)> {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let file = std::fs::File::open(path).expect("the GIF was written");
    let mut decoder = options.read_info(file).expect("a GIF");
    let mut frames = Vec::new();
    while let Some(frame) = decoder.read_next_frame().expect("a frame") {
        frames.push((frame.width, frame.height));
    }
    frames
}

fn pdf_text(path: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_timeline_exports_an_animation_of_one_frame_per_day() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("raids.gif");
    let mut harness = sample_app();
    harness
        .get_by_role_and_label(Role::Button, "Export animation…")
        .click();
    harness.run_ok();
    harness.run();
    {
        let form = &mut harness.state_mut().publish.animation;
        assert!(form.open, "the timeline's button opens the dialog");
        form.dates.from = "2025-07-10".into();
        form.dates.to = "2025-07-19".into();
        form.width_px = 320;
        form.height_px = 200;
        form.target.path = out.display().to_string();
    }
    harness.run();
    click(&mut harness, "Export animation");
    assert!(harness.state().publish.is_running());
    wait_until_published(&mut harness);
    let frames = gif_frames(&out);
    assert_eq!(frames.len(), 10, "2025-07-10 to 2025-07-19 by day");
    assert!(frames.iter().all(|&(w, h)| (w, h) == (320, 200)));
    assert!(
        harness
            .query_by_label_contains("Exported an animation of 10 frames")
            .is_some(),
        "the status bar says what was written"
    );
}

#[test]
fn cancelling_an_animation_writes_nothing_and_keeps_the_window_responsive() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("long.webp");
    let mut harness = sample_app();
    publish_menu(&mut harness, "Export animation…");
    {
        let form = &mut harness.state_mut().publish.animation;
        form.dates.from = "2020-01-01".into();
        form.dates.to = "2025-12-31".into();
        form.target.path = out.display().to_string();
    }
    harness.run();
    click(&mut harness, "Export animation");
    // The window keeps drawing while frames are made: wait for the first one to be written.
    let started = Instant::now();
    loop {
        harness.run();
        let written = harness
            .query_by_label_contains(" of 2192")
            .and_then(|n| n.accesskit_node().label())
            .is_some_and(|label| !label.starts_with("frame 0 "));
        if written {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no frame written"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        harness.query_by_label_contains("of 2192").is_some(),
        "the progress counts 2,192 frames"
    );
    click(&mut harness, "Cancel");
    wait_until_published(&mut harness);
    assert!(!out.exists(), "a cancelled animation writes nothing");
    assert!(
        harness
            .query_by_label_contains("The animation was cancelled")
            .is_some()
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert!(
        leftovers.is_empty(),
        "no temporary file left: {leftovers:?}"
    );
}

#[test]
fn the_report_is_of_the_window_and_an_existing_file_is_replaced_only_when_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("report.pdf");
    std::fs::write(&out, "an earlier report").expect("write");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut harness = crate::gui::harness(RaidmapApp::with_files(vec![
        data.join("sites.geojson"),
        data.join("raids.geojson"),
    ]));
    // The timeline's window on screen is the report's window.
    harness
        .state_mut()
        .push(Command::SetTimeWindow(Window::days(
            day("2025-07-16"),
            day("2025-07-16"),
        )));
    // An edit not saved: the report says the data was edited since the files were read.
    let (mango, _) = crate::gui::feature_named(harness.state(), "Mango Park 2");
    harness.state_mut().push(Command::Edit(
        raidmap::edit::Edit::SetProperty {
            target: mango,
            key: "notes".into(),
            value: serde_json::json!("seen again in August"),
        },
        "Set notes".into(),
    ));
    harness.run();
    publish_menu(&mut harness, "Export report…");
    {
        let form = &mut harness.state_mut().publish.report;
        assert_eq!(form.dates.from, "2025-07-16", "dates from the timeline");
        form.title = "Raids of 16 July".into();
        form.target.path = out.display().to_string();
    }
    harness.run();
    click(&mut harness, "Export PDF");
    assert!(
        harness.query_by_label_contains("already exists").is_some(),
        "asks before replacing"
    );
    click(&mut harness, "Keep it");
    assert_eq!(std::fs::read(&out).expect("read"), b"an earlier report");
    assert!(!harness.state().publish.is_running());
    click(&mut harness, "Export PDF");
    click(&mut harness, "Replace");
    wait_until_published(&mut harness);
    let text = pdf_text(&out);
    for expected in [
        "Raids of 16 July",
        "Mango Park 2",
        "Poipet compound",
        "Kratie raid",
        "2025-07-16",
        "Karney",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} not in the PDF:\n{text}"
        );
    }
    // The 14 July raid is out of the window: not in the raids table.
    assert!(!text.contains("2025-07-14"), "{text}");
    // The files the layers were read from, with their SHA-256.
    for file in ["sites.geojson", "raids.geojson"] {
        let sha = std::process::Command::new("sha256sum")
            .arg(data.join(file))
            .output()
            .expect("sha256sum runs");
        let sha = String::from_utf8_lossy(&sha.stdout);
        let sha = sha.split_whitespace().next().expect("a hash");
        assert!(text.contains(sha), "{file}'s SHA-256 {sha} not in the PDF");
    }
    let edited = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        edited.contains(
            "Edited since read: yes, in raidmap: Suspected scam compounds (raidmap sample) \
             (1 feature changed or added)"
        ) && edited.contains("These edits are not saved"),
        "the unsaved edit is reported:\n{text}"
    );
    assert!(
        harness
            .query_by_label_contains("Exported the case report")
            .is_some()
    );
}

#[test]
fn the_web_map_holds_the_visible_layers_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("map.html");
    let mut harness = sample_app();
    let raids = harness
        .state()
        .doc
        .layers()
        .find(|(_, l)| l.name.starts_with("raids"))
        .map(|(id, _)| id)
        .expect("the raids layer");
    harness.state_mut().push(Command::SetVisible(raids, false));
    harness.run();
    publish_menu(&mut harness, "Publish web map…");
    harness.state_mut().publish.webmap.target.path = out.display().to_string();
    harness.run();
    click(&mut harness, "Publish web map");
    wait_until_published(&mut harness);
    let page = std::fs::read_to_string(&out).expect("the page was written");
    assert!(page.len() < 2_000_000, "{} bytes", page.len());
    assert!(page.contains("default-src 'none'"));
    assert!(page.contains("Mango Park 2"));
    assert!(
        !page.contains("Kratie raid"),
        "a layer hidden in the window is not published"
    );
}

#[test]
fn the_selected_features_only_are_published_when_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = sample_app();
    // Not offered while nothing is selected.
    publish_menu(&mut harness, "Publish web map…");
    assert!(
        harness
            .query_by_label_contains("selected feature")
            .is_none()
    );
    let (mango, _) = crate::gui::feature_named(harness.state(), "Mango Park 2");
    let (kratie, _) = crate::gui::feature_named(harness.state(), "Kratie raid");
    harness.state_mut().push(Command::Select(Some(mango)));
    harness.run();
    harness.state_mut().editing.also_selected.push(kratie);
    harness.run();

    // The web map: only the two selected features.
    let page_path = dir.path().join("map.html");
    harness.state_mut().publish.webmap.target.path = page_path.display().to_string();
    harness.run();
    harness.get_by_label("the 2 selected features only").click();
    harness.run();
    assert!(harness.state().publish.webmap.only.on);
    click(&mut harness, "Publish web map");
    wait_until_published(&mut harness);
    let page = std::fs::read_to_string(&page_path).expect("the page was written");
    for (name, expected) in [
        ("Mango Park 2", true),
        ("Kratie raid", true),
        ("Poipet compound", false),
        ("Kong Pisey raid", false),
    ] {
        assert_eq!(page.contains(name), expected, "{name} in the page");
    }

    // The report: the selected site, and the selected raid in the tables; the title page says
    // so.
    let pdf = dir.path().join("report.pdf");
    publish_menu(&mut harness, "Export report…");
    {
        let form = &mut harness.state_mut().publish.report;
        form.target.path = pdf.display().to_string();
        form.dates = Default::default();
        form.only.on = true;
    }
    harness.run();
    click(&mut harness, "Export PDF");
    wait_until_published(&mut harness);
    let text = pdf_text(&pdf);
    assert!(text.contains("Selected features only"), "{text}");
    assert!(text.contains("Mango Park 2") && text.contains("Kratie raid"));
    assert!(
        !text.contains("Poipet compound") && !text.contains("Kong Pisey raid"),
        "{text}"
    );

    // Unchecked, the whole layers again; and the window's map still shows every feature.
    let whole = dir.path().join("whole.html");
    publish_menu(&mut harness, "Publish web map…");
    {
        let form = &mut harness.state_mut().publish.webmap;
        form.only.on = false;
        form.target.path = whole.display().to_string();
    }
    harness.run();
    click(&mut harness, "Publish web map");
    wait_until_published(&mut harness);
    let page = std::fs::read_to_string(&whole).expect("the page was written");
    assert!(page.contains("Poipet compound") && page.contains("Kong Pisey raid"));
    assert_eq!(
        harness.state().doc.feature(mango).and_then(|f| f.name()),
        Some("Mango Park 2")
    );
}

#[test]
fn a_bad_file_is_refused_in_the_dialog() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = sample_app();
    publish_menu(&mut harness, "Export report…");
    harness.state_mut().publish.report.target.path =
        dir.path().join("missing/report.pdf").display().to_string();
    harness.run();
    click(&mut harness, "Export PDF");
    assert!(harness.query_by_label_contains("does not exist").is_some());
    harness.state_mut().publish.report.target.path =
        dir.path().join("report.txt").display().to_string();
    harness.run();
    click(&mut harness, "Export PDF");
    assert!(
        harness
            .query_by_label_contains("must end in .pdf")
            .is_some()
    );
    assert!(!harness.state().publish.is_running());
}

/// At laptop sizes each dialog, its file row and its button lie inside the window.
#[test]
fn each_dialog_fits_a_laptop_window() {
    for (width, height) in [(1024.0, 640.0), (1366.0, 768.0)] {
        let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(width, height));
        for (entry, file, button) in [
            ("Export animation…", "Animation file", "Export animation"),
            ("Export report…", "Report file", "Export PDF"),
            ("Publish web map…", "Web map file", "Publish web map"),
        ] {
            let mut app = RaidmapApp::with_files(Vec::new());
            app.finish_loading();
            let mut harness = crate::gui::builder()
                .with_size(egui::vec2(width, height))
                .wgpu()
                .build_ui_state(|ui, app: &mut RaidmapApp| app.ui(ui), app);
            harness.run();
            publish_menu(&mut harness, entry);
            for (role, label) in [(Role::TextInput, file), (Role::Button, button)] {
                let rect = harness.get_by_role_and_label(role, label).rect();
                assert!(
                    window.contains_rect(rect),
                    "{width}×{height}, {entry}: {label} at {rect:?} is cut off"
                );
            }
            // RAIDMAP_PUBLISH_SHOTS=DIR saves each dialog as a PNG there, to look at.
            if let Ok(dir) = std::env::var("RAIDMAP_PUBLISH_SHOTS") {
                let image = harness.render().expect("rendered");
                image
                    .save(format!(
                        "{dir}/{}_{width}x{height}.png",
                        entry.trim_end_matches('…').replace(' ', "_")
                    ))
                    .expect("saved");
            }
        }
    }
}

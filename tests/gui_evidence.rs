//! Attachments in the window: a file dropped on the window while a feature is shown is attached
//! to it (listed with its SHA-256 in the Feature tab), Remove takes it off as one undoable
//! step, and the custody log keeps both events; a saved project holds the file.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use raidmap::evidence::{Event, attachment};
use raidmap::ui::app::RaidmapApp;
use raidmap::ui::command::Command;

use crate::gui::{feature_named, harness, sample_app};

/// A file dropped on the window, as the windowing integration hands it over.
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
fn a_dropped_file_is_attached_listed_removed_undone_redone_and_each_step_logged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("gate photo.pdf");
    std::fs::write(&file, b"%PDF-1.4 gate of the compound").expect("writes");
    let sha = raidmap::evidence::sha256_hex(b"%PDF-1.4 gate of the compound");

    let mut harness = sample_app();
    let (target, _) = feature_named(harness.state(), "Mango Park");
    harness.state_mut().push(Command::Select(Some(target)));
    harness.run();
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(file.clone())));
    harness.run();
    harness.run();

    let app: &RaidmapApp = harness.state();
    let list = attachment::of(app.doc.feature(target).expect("feature"));
    assert_eq!(
        list.len(),
        1,
        "the dropped file is attached, not opened as a layer"
    );
    assert_eq!(list[0].sha256, sha);
    assert_eq!(list[0].name, "gate photo.pdf");
    assert!(app.project.evidence.store.get(&sha).is_some());
    harness.get_by_label("Attachments (1)");
    harness.get_by_label(&format!("SHA-256 {sha}"));

    // The attachments come before the property editor (whose sources have Remove buttons too).
    harness
        .get_all_by_role_and_label(Role::Button, "Remove")
        .next()
        .expect("the attachment's Remove")
        .click();
    harness.run();
    let app: &RaidmapApp = harness.state();
    assert!(attachment::of(app.doc.feature(target).expect("feature")).is_empty());
    harness.get_by_label("Attachments (0)");

    harness.state_mut().push(Command::Undo);
    harness.run();
    let app: &RaidmapApp = harness.state();
    assert_eq!(
        attachment::of(app.doc.feature(target).expect("feature")).len(),
        1
    );
    let events: Vec<Event> = app
        .project
        .evidence
        .log
        .entries()
        .iter()
        .map(|e| e.event)
        .collect();
    // The log is append-only: the undone removal is a new line, not a deleted one.
    assert_eq!(events, [Event::Attached, Event::Removed, Event::Attached]);
    let last = app.project.evidence.log.entries().last().expect("logged");
    assert_eq!(last.sha256, sha);
    assert!(last.detail.contains("(undo)"), "{}", last.detail);
    assert_eq!(app.project.evidence.log.verify(), Ok(()));

    // Redone: removed again, and logged again.
    harness.state_mut().push(Command::Redo);
    harness.run();
    let app: &RaidmapApp = harness.state();
    assert!(attachment::of(app.doc.feature(target).expect("feature")).is_empty());
    let last = app.project.evidence.log.entries().last().expect("logged");
    assert_eq!(
        (last.event, last.detail.contains("(redo)")),
        (Event::Removed, true)
    );
    harness.state_mut().push(Command::Undo);
    harness.run();

    let path = dir.path().join("case.raidmap");
    harness.state_mut().save_project(&path);
    let project = raidmap::project::load(&path).expect("opens");
    assert_eq!(project.checks.len(), 1);
    assert!(project.checks[0].ok());
    assert_eq!(project.evidence.log.entries().len(), 5);
}

#[test]
fn the_custody_log_window_lists_events_and_shows_a_broken_chain() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("recruitment post.png");
    std::fs::write(&file, b"not really a png").expect("writes");
    let sha = raidmap::evidence::sha256_hex(b"not really a png");

    let mut harness = sample_app();
    harness
        .get_by_role_and_label(Role::Button, "Custody log")
        .click();
    harness.run();
    harness.get_by_label_contains("Nothing recorded yet");

    let (target, _) = feature_named(harness.state(), "Mango Park");
    harness
        .state_mut()
        .push(Command::Attach(target, vec![file]));
    harness.run();
    harness.run();
    harness.get_by_label_contains("1 entry, each hashed over the one before");
    harness.get_by_label("attached");
    harness.get_by_label(&format!("{}…", &sha[..12]));
    harness.get_by_label("recruitment post.png to Mango Park");

    // Someone edits the log in the file: the window says the chain is broken.
    let mut json = serde_json::to_value(&harness.state().project.evidence.log).expect("json");
    json[0]["user"] = serde_json::json!("someone else");
    harness.state_mut().project.evidence.log = serde_json::from_value(json).expect("log");
    harness.run();
    harness.get_by_label_contains("the custody log was altered: entry 1 of 1");

    harness
        .get_by_role_and_label(Role::Button, "Custody log")
        .click();
    harness.run();
    assert!(!harness.state().project.custody_open, "closed");
}

#[test]
fn an_attached_image_gets_a_thumbnail_and_save_as_writes_its_exact_bytes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("gate.png");
    let mut png = Vec::new();
    image::RgbaImage::from_pixel(400, 300, image::Rgba([30, 120, 200, 255]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encodes");
    std::fs::write(&file, &png).expect("writes");
    let sha = raidmap::evidence::sha256_hex(&png);

    let mut harness = sample_app();
    let (target, _) = feature_named(harness.state(), "Mango Park");
    harness.state_mut().push(Command::Select(Some(target)));
    harness
        .state_mut()
        .push(Command::Attach(target, vec![file]));
    // Decoded on a thread: wait for it (the thumbnail asks for frames meanwhile).
    let started = std::time::Instant::now();
    harness.run_ok();
    while harness.query_by_label("Thumbnail of gate.png").is_none() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "no thumbnail"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.run_ok();
    }
    // The project's Save as… and the attachment's.
    assert_eq!(
        harness
            .get_all_by_role_and_label(Role::Button, "Save as…")
            .count(),
        2
    );

    let copy = dir.path().join("out").join("copy.png");
    std::fs::create_dir_all(copy.parent().expect("parent")).expect("made");
    harness
        .state_mut()
        .push(Command::SaveAttachment(sha.clone(), copy.clone()));
    harness.run();
    assert_eq!(std::fs::read(&copy).expect("written"), png);
    let app: &RaidmapApp = harness.state();
    let last = app.project.evidence.log.entries().last().expect("logged");
    assert_eq!(last.event, Event::Exported);
    assert_eq!(last.sha256, sha);
    assert!(
        app.has_unsaved_changes(),
        "the new log entry is to be saved"
    );
}

#[test]
fn open_photos_makes_points_with_the_photos_attached_and_lists_those_without_a_position() {
    use crate::cli_evidence::{ascii, gps, jpeg_with_exif, rationals, sha256sum};
    use exif::Tag;
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("field");
    std::fs::create_dir(&folder).expect("mkdir");
    // 11°33'36.0"N 104°55'12.5"E, with offset, direction and camera.
    let mut placed = gps(
        [(11, 1), (33, 1), (360, 10)],
        "N",
        [(104, 1), (55, 1), (125, 10)],
        "E",
    );
    placed.push(ascii(Tag::DateTimeOriginal, "2025:03:01 14:22:05"));
    placed.push(ascii(Tag::OffsetTimeOriginal, "+07:00"));
    placed.push(rationals(Tag::GPSImgDirection, &[(2715, 10)]));
    placed.push(ascii(Tag::Make, "Canon"));
    std::fs::write(folder.join("gate.jpg"), jpeg_with_exif(&placed)).expect("writes");
    std::fs::write(
        folder.join("no-gps.jpg"),
        jpeg_with_exif(&[ascii(Tag::Make, "Nokia")]),
    )
    .expect("writes");
    std::fs::write(folder.join("notes.txt"), "not a photo").expect("writes");
    let sha = sha256sum(&folder.join("gate.jpg"));

    let mut h = harness(RaidmapApp::empty());
    // The layers panel's menu offers files or a folder.
    h.get_by_role_and_label(Role::Button, "Open photos…")
        .click();
    h.run();
    h.get_by_role_and_label(Role::Button, "A folder of photos…");
    h.get_by_role_and_label(Role::Button, "Photo files…");
    h.key_press(egui::Key::Escape);
    h.run();

    // No native dialog here: the typed-path box the window falls back to.
    h.state_mut().ask_photos_path();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Photos folder or file")
        .click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Photos folder or file")
        .type_text(&folder.display().to_string());
    h.run();
    h.get_by_role_and_label(Role::Button, "Open").click();
    // The progress window asks for frames while the photos are read.
    h.run_steps(8);
    h.state_mut().finish_loading();
    h.run_steps(8);

    let app: &RaidmapApp = h.state();
    let (id, layer) = app.doc.layers().next().expect("a photo layer");
    assert_eq!(app.doc.layers().count(), 1, "one layer");
    assert_eq!(layer.name, "photos");
    assert_eq!(layer.features.len(), 1, "only the photo with a position");
    let point = &layer.features[0];
    assert_eq!(
        point.property("taken_at").and_then(|v| v.as_str()),
        Some("2025-03-01T14:22:05+07:00")
    );
    assert_eq!(
        point.property("direction_deg").and_then(|v| v.as_f64()),
        Some(271.5)
    );
    assert_eq!(
        point.property("sha256").and_then(|v| v.as_str()),
        Some(sha.as_str())
    );
    let attached = attachment::of(point);
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0].sha256, sha);
    assert_eq!(
        app.project.evidence.store.get(&sha).map(|b| b.to_vec()),
        Some(std::fs::read(folder.join("gate.jpg")).expect("reads")),
        "the photo's bytes are kept"
    );
    let log = app.project.evidence.log.entries();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].event, Event::Attached);
    assert_eq!(log[0].sha256, sha);
    // The timeline dates the layer by `taken_at`.
    let times = app.timeline.times(id).expect("on the timeline");
    assert_eq!(times.field.to_string(), "taken_at");
    assert!(times.when(0).is_some(), "dated");
    // The photo without a position is listed, the text file ignored.
    let listed: Vec<&String> = app.problems.iter().flat_map(|p| &p.lines).collect();
    assert!(
        listed
            .iter()
            .any(|l| l.contains("no-gps.jpg") && l.contains("no GPS position")),
        "{listed:?}"
    );
    assert!(
        !listed.iter().any(|l| l.contains("notes.txt")),
        "{listed:?}"
    );
    assert!(
        h.query_all_by_label_contains("1 photo without a position")
            .next()
            .is_some(),
        "the problem is shown"
    );
    assert!(h.state().has_unsaved_changes());

    // Saved as a project, the photo is in it and verified.
    let path = dir.path().join("case.raidmap");
    h.state_mut().save_project(&path);
    let project = raidmap::project::load(&path).expect("opens");
    assert_eq!(project.checks.len(), 1);
    assert!(project.checks[0].ok());
}

#[test]
fn the_windows_export_lists_attachments_as_raidmap_export_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("site plan.pdf");
    std::fs::write(&file, b"%PDF-1.4 site plan of building C").expect("writes");
    let sha = crate::cli_evidence::sha256sum(&file);

    let mut h = sample_app();
    let (target, _) = feature_named(h.state(), "Mango Park");
    h.state_mut()
        .push(Command::Attach(target, vec![file.clone()]));
    h.run();
    let out = dir.path().join("sites.geojson");
    h.state_mut()
        .push(Command::Export(target.layer, out.clone()));
    h.run();

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("exported")).expect("json");
    let features = json["features"].as_array().expect("features");
    let feature = features
        .iter()
        .find(|f| f["properties"]["name"] == "Mango Park")
        .expect("the site");
    let list = crate::cli_evidence::exported_attachments(feature);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["name"], "site plan.pdf");
    assert_eq!(list[0]["sha256"], sha.as_str());
    assert_eq!(list[0]["bytes"], 32);
    assert_eq!(list[0]["media_type"], "application/pdf");
    assert!(
        features
            .iter()
            .filter(|f| f["properties"]["name"] != "Mango Park")
            .all(|f| f.get("attachments").is_none()),
        "only the feature with a file lists one"
    );
}

#[test]
fn a_folder_or_photos_dropped_on_the_window_are_read_as_photos() {
    use crate::cli_evidence::{gps, jpeg_with_exif, sha256sum};
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("field trip");
    std::fs::create_dir(&folder).expect("mkdir");
    let gate = folder.join("gate.jpg");
    std::fs::write(
        &gate,
        jpeg_with_exif(&gps(
            [(11, 1), (33, 1), (360, 10)],
            "N",
            [(104, 1), (55, 1), (125, 10)],
            "E",
        )),
    )
    .expect("writes");
    let loose = dir.path().join("fence.jpg");
    std::fs::write(
        &loose,
        jpeg_with_exif(&gps(
            [(11, 1), (34, 1), (0, 1)],
            "N",
            [(104, 1), (56, 1), (0, 1)],
            "E",
        )),
    )
    .expect("writes");

    let mut h = harness(RaidmapApp::empty());
    for path in [&folder, &loose] {
        h.input_mut()
            .dropped_files
            .push(std::sync::Arc::new(Dropped(path.clone())));
    }
    h.run_steps(8);
    h.state_mut().finish_loading();
    h.run_steps(8);

    let app: &RaidmapApp = h.state();
    assert!(
        app.problems.is_empty(),
        "nothing failed to open: {:?}",
        app.problems.iter().map(|p| &p.title).collect::<Vec<_>>()
    );
    assert_eq!(app.doc.layers().count(), 1, "one photo layer");
    let (_, layer) = app.doc.layers().next().expect("a layer");
    assert_eq!(layer.name, "photos");
    let mut hashes: Vec<String> = layer
        .features
        .iter()
        .map(|f| attachment::of(f)[0].sha256.clone())
        .collect();
    hashes.sort();
    let mut expected = vec![sha256sum(&gate), sha256sum(&loose)];
    expected.sort();
    assert_eq!(hashes, expected, "both photos, each attached to its point");
}

#[test]
fn a_damaged_attachment_is_shown_on_its_feature_and_logged_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("plan.pdf");
    std::fs::write(&file, b"%PDF-1.4 site plan of building C").expect("writes");
    let sha = crate::cli_evidence::sha256sum(&file);
    let path = dir.path().join("case.raidmap");
    {
        let mut h = sample_app();
        let (target, _) = feature_named(h.state(), "Mango Park");
        h.state_mut().push(Command::Attach(target, vec![file]));
        h.run();
        h.state_mut().save_project(&path);
    }
    crate::cli_evidence::damage(&path, &sha);

    let open = |path: &std::path::Path| {
        let mut h = harness(RaidmapApp::empty());
        h.state_mut().push(Command::OpenProject(path.to_owned()));
        h.run_ok();
        h.state_mut().finish_loading();
        h.run_ok();
        h
    };
    let mut h = open(&path);
    let app: &RaidmapApp = h.state();
    assert!(
        app.problems
            .iter()
            .any(|p| p.title == "An attached file failed its hash check"
                && p.lines.iter().any(|l| l.contains(&sha))),
        "reported"
    );
    let events: Vec<(Event, String)> = app
        .project
        .evidence
        .log
        .entries()
        .iter()
        .map(|e| (e.event, e.sha256.clone()))
        .collect();
    assert_eq!(
        events,
        [
            (Event::Attached, sha.clone()),
            (Event::HashFailed, sha.clone())
        ]
    );
    // Shown on the feature.
    let (target, _) = feature_named(h.state(), "Mango Park");
    h.state_mut().push(Command::Select(Some(target)));
    h.run_ok();
    h.run_ok();
    h.get_by_label_contains("does not match this hash");

    // Saved and opened again, still damaged: the failure is not logged twice.
    h.state_mut().save_project(&path);
    let h = open(&path);
    let log = h.state().project.evidence.log.entries();
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(h.state().project.evidence.log.verify(), Ok(()));
}

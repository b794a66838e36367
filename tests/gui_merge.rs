//! Comparing and merging versions of a layer in the window, driven through the real UI:
//! the review list of *Compare with…* (rows, details, Take, Take all, undo) and the conflict
//! screen of *Merge a colleague's copy…* (nothing changes until Apply, each conflict decided
//! side by side, one undoable step).

use std::path::Path;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use raidmap::edit::Edit;
use raidmap::model::{FeatureRef, LayerId};
use raidmap::ui::app::RaidmapApp;
use raidmap::ui::command::Command;
use serde_json::{Value, json};

use crate::gui::{harness, type_into};

/// A point feature with an id, a name and a status.
fn site(id: u64, name: &str, status: &str, lon: f64, lat: f64) -> Value {
    json!({"type": "Feature", "id": id,
           "properties": {"name": name, "status": status},
           "geometry": {"type": "Point", "coordinates": [lon, lat]}})
}

fn write(path: &Path, features: &[Value]) {
    let text = json!({"type": "FeatureCollection", "features": features});
    std::fs::write(path, serde_json::to_string_pretty(&text).expect("JSON")).expect("write");
}

/// The app showing `path` (one layer) and that layer's id.
fn app_with(path: &Path) -> (Harness<'static, RaidmapApp>, LayerId) {
    let harness = harness(RaidmapApp::with_files(vec![path.to_path_buf()]));
    let id = harness
        .state()
        .doc
        .layers()
        .next()
        .map(|(id, _)| id)
        .expect("the layer");
    (harness, id)
}

/// Run frames until the team windows' thread is done (at most a minute). Frame by frame: the
/// spinner shown meanwhile keeps asking for frames.
fn wait(harness: &mut Harness<'_, RaidmapApp>) {
    let started = Instant::now();
    // A take is applied at the end of its frame and compared again in the next one.
    for _ in 0..3 {
        harness.step();
    }
    while harness.state().team.is_busy() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the comparison did not finish"
        );
        std::thread::sleep(Duration::from_millis(20));
        harness.step();
    }
    harness.run();
}

fn open_versions_item(harness: &mut Harness<'_, RaidmapApp>, item: &str) {
    harness.get_by_label("Versions").click();
    harness.run();
    harness.get_by_label(item).click();
    harness.run();
}

fn names_and_statuses(app: &RaidmapApp, layer: LayerId) -> Vec<(String, String)> {
    let layer = app.doc.layer(layer).expect("layer");
    layer
        .features
        .iter()
        .map(|f| {
            (
                f.name().unwrap_or_default().to_owned(),
                f.property("status")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

fn shows(harness: &Harness<'_, RaidmapApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

#[test]
fn the_review_list_shows_each_difference_and_takes_them_as_undoable_edits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mine = dir.path().join("sites.geojson");
    let other = dir.path().join("colleague.geojson");
    write(
        &mine,
        &[
            site(1, "Alpha", "suspected", 104.9, 11.5),
            site(2, "Bravo", "operating", 104.95, 11.55),
            site(3, "Charlie", "operating", 105.0, 11.6),
        ],
    );
    // Alpha: status changed and moved 0.001° north (110.6 m on the meridian); Bravo gone;
    // Delta new; Charlie the same.
    write(
        &other,
        &[
            site(1, "Alpha", "raided", 104.9, 11.501),
            site(3, "Charlie", "operating", 105.0, 11.6),
            site(4, "Delta", "suspected", 105.05, 11.65),
        ],
    );
    let (mut harness, layer) = app_with(&mine);
    open_versions_item(&mut harness, "Compare with…");
    type_into(
        &mut harness,
        "Other version's file",
        &other.display().to_string(),
    );
    harness
        .get_by_role_and_label(Role::Button, "Compare")
        .click();
    wait(&mut harness);

    assert!(
        shows(
            &harness,
            "1 changed · 1 only in colleague.geojson (added) · 1 not in it (removed) · 1 unchanged"
        ),
        "the summary counts each kind"
    );
    let compared = harness
        .state()
        .team
        .compare
        .as_ref()
        .and_then(|c| c.compared())
        .expect("a comparison");
    assert_eq!(compared.diff.changed.len(), 1);
    // The changed row says what changed: the property and how far the point moved.
    assert!(shows(&harness, "status, moved 110.6 m (geodesic)"));
    assert!(
        harness
            .query_by_label("only in colleague.geojson")
            .is_some()
    );
    assert!(harness.query_by_label("not in colleague.geojson").is_some());

    // A click on the row selects the feature and shows old and new values with their types.
    harness
        .get_by_label("status, moved 110.6 m (geodesic)")
        .click();
    harness.run();
    assert_eq!(
        harness.state().selection,
        Some(FeatureRef { layer, index: 0 })
    );
    assert!(shows(&harness, "\"suspected\" (text)"));
    assert!(shows(&harness, "\"raided\" (text)"));

    // Take the one change: Alpha becomes theirs, nothing else changes.
    harness
        .get_by_role_and_label(Role::Button, "Take Alpha")
        .click();
    wait(&mut harness);
    let after = names_and_statuses(harness.state(), layer);
    assert_eq!(after[0], ("Alpha".into(), "raided".into()));
    assert_eq!(after.len(), 3, "Bravo stays, Delta is not added");
    let moved = harness.state().doc.layer(layer).expect("layer").features[0]
        .point()
        .expect("a point");
    assert!((moved.y - 11.501).abs() < 1e-12, "Alpha moved: {moved:?}");
    // Compared again: only the added and the removed one are left.
    assert!(shows(
        &harness,
        "0 changed · 1 only in colleague.geojson (added) · 1 not in it (removed) · 2 unchanged"
    ));

    // Take all: Bravo goes, Delta comes, as one step.
    harness
        .get_by_role_and_label(Role::Button, "Take all (2)")
        .click();
    wait(&mut harness);
    let names: Vec<String> = names_and_statuses(harness.state(), layer)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["Alpha", "Charlie", "Delta"]);
    assert!(shows(&harness, "The two versions hold the same features."));

    // Undo twice: back to the file as it was read.
    harness.state_mut().push(Command::Undo);
    harness.run();
    harness.state_mut().push(Command::Undo);
    harness.run();
    assert_eq!(
        names_and_statuses(harness.state(), layer),
        [
            ("Alpha".into(), "suspected".into()),
            ("Bravo".into(), "operating".into()),
            ("Charlie".into(), "operating".into())
        ]
    );
}

#[test]
fn the_conflict_screen_shows_each_conflict_side_by_side_and_applies_nothing_until_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = dir.path().join("sites.geojson");
    let theirs = dir.path().join("theirs.geojson");
    write(
        &base,
        &[
            site(1, "Alpha", "suspected", 104.9, 11.5),
            site(2, "Bravo", "operating", 104.95, 11.55),
            site(3, "Charlie", "operating", 105.0, 11.6),
        ],
    );
    // Theirs: Alpha's status differently (conflict), Bravo raided (theirs only), Charlie moved
    // east (conflict with ours' move north), Echo added.
    write(
        &theirs,
        &[
            site(1, "Alpha", "closed", 104.9, 11.5),
            site(2, "Bravo", "raided", 104.95, 11.55),
            site(3, "Charlie", "operating", 105.01, 11.6),
            site(5, "Echo", "suspected", 105.1, 11.7),
        ],
    );
    let (mut harness, layer) = app_with(&base);
    // Ours: Alpha raided, Charlie moved north.
    let alpha = FeatureRef { layer, index: 0 };
    let charlie = FeatureRef { layer, index: 2 };
    harness.state_mut().push(Command::Edit(
        Edit::SetProperty {
            target: alpha,
            key: "status".into(),
            value: json!("raided"),
        },
        "Set status".into(),
    ));
    harness.state_mut().push(Command::Edit(
        Edit::SetGeometry {
            target: charlie,
            geometry: Some(geo::Geometry::Point(geo::Point::new(105.0, 11.61))),
        },
        "Move Charlie".into(),
    ));
    harness.run();
    let ours = names_and_statuses(harness.state(), layer);
    // Ours saved over the file it was read from: the base is still the layer as it was
    // opened (read again from the file, it would hold ours' changes, and theirs would win
    // both conflicts unseen).
    write(
        &base,
        &[
            site(1, "Alpha", "raided", 104.9, 11.5),
            site(2, "Bravo", "operating", 104.95, 11.55),
            site(3, "Charlie", "operating", 105.0, 11.61),
        ],
    );

    open_versions_item(&mut harness, "Merge a colleague's copy…");
    type_into(
        &mut harness,
        "Other version's file",
        &theirs.display().to_string(),
    );
    harness
        .get_by_role_and_label(Role::Button, "Work out the merge")
        .click();
    wait(&mut harness);

    assert!(shows(
        &harness,
        "Without conflict: 2 changes from theirs.geojson, 0 of yours."
    ));
    assert!(shows(&harness, "2 conflicts"));
    // Side by side: base, ours, theirs, with their types.
    assert!(shows(&harness, "\"suspected\" (text)"));
    assert!(shows(&harness, "\"raided\" (text)"));
    assert!(shows(&harness, "\"closed\" (text)"));
    assert!(shows(&harness, "Point 11.60000, 105.00000"));
    assert!(shows(&harness, "Point 11.61000, 105.00000"));
    assert!(shows(&harness, "Point 11.60000, 105.01000"));
    // Nothing applied yet, and Apply waits for every conflict to be decided.
    assert_eq!(names_and_statuses(harness.state(), layer), ours);
    harness.get_by_label_contains("Apply the merge").click();
    harness.run();
    assert_eq!(names_and_statuses(harness.state(), layer), ours);
    assert!(harness.state().team.merge.is_some());

    // The geometry conflict, clicked, is drawn on the map (base, ours, theirs).
    harness.get_by_label("geometry").click();
    harness.run();
    assert_eq!(harness.state().selection, Some(charlie));
    assert!(!harness.state().team.drawings().is_empty());

    // Decide: theirs for Alpha's status, ours for Charlie's place.
    harness.get_by_label("Keep theirs: Alpha status").click();
    harness.run();
    harness.get_by_label("Keep ours: Charlie geometry").click();
    harness.run();
    harness
        .get_by_label_contains("Apply the merge: 3 changes from theirs, 1 of yours kept")
        .click();
    harness.run();
    harness.run();
    assert!(harness.state().team.merge.is_none(), "the window closes");
    assert_eq!(
        names_and_statuses(harness.state(), layer),
        [
            ("Alpha".into(), "closed".into()),
            ("Bravo".into(), "raided".into()),
            ("Charlie".into(), "operating".into()),
            ("Echo".into(), "suspected".into())
        ]
    );
    let charlie_at = harness
        .state()
        .doc
        .feature(charlie)
        .and_then(|f| f.point())
        .expect("Charlie");
    assert_eq!((charlie_at.x, charlie_at.y), (105.0, 11.61), "ours kept");

    // One undo takes the whole merge back.
    harness.state_mut().push(Command::Undo);
    harness.run();
    assert_eq!(names_and_statuses(harness.state(), layer), ours);
}

#[test]
fn theirs_changes_are_taken_or_left_one_by_one_and_applied_as_one_step() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = dir.path().join("sites.geojson");
    let theirs = dir.path().join("theirs.geojson");
    write(
        &base,
        &[
            site(1, "Alpha", "suspected", 104.9, 11.5),
            site(2, "Bravo", "operating", 104.95, 11.55),
            site(3, "Charlie", "operating", 105.0, 11.6),
        ],
    );
    // Theirs: Alpha raided, Bravo deleted, Charlie moved east, Delta added; no conflict.
    write(
        &theirs,
        &[
            site(1, "Alpha", "raided", 104.9, 11.5),
            site(3, "Charlie", "operating", 105.01, 11.6),
            site(4, "Delta", "suspected", 105.05, 11.65),
        ],
    );
    let (mut harness, layer) = app_with(&base);
    let before = names_and_statuses(harness.state(), layer);
    open_versions_item(&mut harness, "Merge a colleague's copy…");
    type_into(
        &mut harness,
        "Other version's file",
        &theirs.display().to_string(),
    );
    harness
        .get_by_role_and_label(Role::Button, "Work out the merge")
        .click();
    wait(&mut harness);

    // Each change of theirs on its own row, all ticked to start with.
    assert!(shows(&harness, "Their changes (4 of 4 ticked to take):"));
    for row in [
        "Take Alpha: status",
        "Take Bravo: deleted",
        "Take Charlie: geometry",
        "Take Delta: added",
    ] {
        assert!(harness.query_by_label(row).is_some(), "a row {row:?}");
    }
    assert!(shows(
        &harness,
        "Apply the merge: 4 changes from theirs, 0 of yours kept"
    ));

    // Leave Bravo's deletion and Delta out; nothing changes until Apply.
    harness.get_by_label("Take Bravo: deleted").click();
    harness.run();
    harness.get_by_label("Take Delta: added").click();
    harness.run();
    assert!(shows(&harness, "Their changes (2 of 4 ticked to take):"));
    assert_eq!(names_and_statuses(harness.state(), layer), before);
    harness
        .get_by_label_contains("Apply the merge: 2 changes from theirs, 0 of yours kept")
        .click();
    harness.run();
    harness.run();
    assert!(harness.state().team.merge.is_none(), "the window closes");
    assert_eq!(
        names_and_statuses(harness.state(), layer),
        [
            ("Alpha".into(), "raided".into()),
            ("Bravo".into(), "operating".into()),
            ("Charlie".into(), "operating".into()),
        ]
    );
    let charlie = harness.state().doc.layer(layer).expect("layer").features[2]
        .point()
        .expect("a point");
    assert_eq!((charlie.x, charlie.y), (105.01, 11.6), "theirs' move taken");

    // One undo takes all of it back.
    harness.state_mut().push(Command::Undo);
    harness.run();
    assert_eq!(names_and_statuses(harness.state(), layer), before);
    let charlie = harness.state().doc.layer(layer).expect("layer").features[2]
        .point()
        .expect("a point");
    assert_eq!((charlie.x, charlie.y), (105.0, 11.6));
}

#[test]
fn a_layer_is_compared_with_another_open_layer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mine = dir.path().join("sites.geojson");
    let other = dir.path().join("colleague.geojson");
    write(
        &mine,
        &[
            site(1, "Alpha", "suspected", 104.9, 11.5),
            site(2, "Bravo", "operating", 104.95, 11.55),
        ],
    );
    write(
        &other,
        &[
            site(1, "Alpha", "raided", 104.9, 11.5),
            site(2, "Bravo", "operating", 104.95, 11.55),
            site(3, "Charlie", "suspected", 105.0, 11.6),
        ],
    );
    let mut harness = harness(RaidmapApp::with_files(vec![mine.clone(), other.clone()]));
    let layer_named = |harness: &Harness<'_, RaidmapApp>, name: &str| {
        harness
            .state()
            .doc
            .layers()
            .find(|(_, l)| l.name == name)
            .map(|(id, _)| id)
            .expect("the layer")
    };
    let layer = layer_named(&harness, "sites.geojson");
    let colleague = layer_named(&harness, "colleague.geojson");
    // Versions › Compare with… of sites.geojson (each layer has its own menu).
    harness.state_mut().push(Command::CompareWith(layer));
    harness.run();
    assert_eq!(
        harness.state().team.compare.as_ref().map(|c| c.layer),
        Some(layer)
    );

    // Compare before choosing: the window says what is missing, until a choice is made.
    harness
        .get_by_role_and_label(Role::Button, "Compare")
        .click();
    harness.run();
    assert!(shows(&harness, "Choose a file or an open layer first."));

    // The other open layer, picked from the list instead of a file.
    harness.get_by_label("Other open layer").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "colleague.geojson")
        .click();
    harness.run();
    assert_eq!(
        harness
            .state()
            .team
            .compare
            .as_ref()
            .and_then(|c| c.other.layer),
        Some(colleague)
    );
    assert!(
        !shows(&harness, "Choose a file or an open layer first."),
        "the complaint goes once the other version is chosen"
    );
    harness
        .get_by_role_and_label(Role::Button, "Compare")
        .click();
    wait(&mut harness);
    assert!(shows(
        &harness,
        "1 changed · 1 only in colleague.geojson (added) · 0 not in it (removed) · 1 unchanged"
    ));
    harness
        .get_by_role_and_label(Role::Button, "Take all (2)")
        .click();
    wait(&mut harness);
    assert_eq!(
        names_and_statuses(harness.state(), layer),
        [
            ("Alpha".into(), "raided".into()),
            ("Bravo".into(), "operating".into()),
            ("Charlie".into(), "suspected".into()),
        ]
    );
    // The other layer is only read.
    assert_eq!(
        names_and_statuses(harness.state(), colleague),
        [
            ("Alpha".into(), "raided".into()),
            ("Bravo".into(), "operating".into()),
            ("Charlie".into(), "suspected".into()),
        ]
    );
    assert!(shows(&harness, "The two versions hold the same features."));
}

/// Resident memory of this process in MB (`VmRSS` in `/proc/self/status`).
fn resident_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kb / 1024.0
}

/// For BENCHMARKS.md: what the merge base kept for a layer of a million points costs. The app
/// opens the file (the base is kept as it opens it), then forgets the base. Forgetting gives
/// the base's memory back to the system only when its list is one block above the allocator's
/// mmap threshold (the 48 MB copy of a88ecfd was; the 16 MB `merge::Base` is not, and stays
/// with the allocator), so compare the memory the layer added across versions too.
#[test]
#[ignore = "prints a measurement for BENCHMARKS.md"]
fn merge_base_memory_of_a_million_points() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("million.geojson");
    {
        let mut text = String::with_capacity(180 << 20);
        text.push_str("{\"type\": \"FeatureCollection\", \"features\": [\n");
        for i in 0..1_000_000u64 {
            let (lon, lat) = (
                102.5 + (i % 4_900) as f64 / 1_000.0,
                10.6 + (i / 4_900) as f64 / 100.0,
            );
            if i > 0 {
                text.push_str(",\n");
            }
            text.push_str(&format!(
                "{{\"type\": \"Feature\", \"id\": {i}, \"geometry\": {{\"type\": \"Point\", \"coordinates\": [{lon:.5}, {lat:.5}]}}, \"properties\": {{\"name\": \"Site {i}\", \"kind\": \"building\", \"floors\": {}}}}}",
                i % 9
            ));
        }
        text.push_str("\n]}\n");
        std::fs::write(&path, text).expect("write");
    }
    let started = resident_mb();
    let mut app = RaidmapApp::with_files(vec![path]);
    app.finish_loading();
    let id = app
        .doc
        .layers()
        .next()
        .map(|(id, _)| id)
        .expect("the layer");
    let features = app.doc.layer(id).map_or(0, |l| l.features.len());
    let opened = resident_mb();
    app.team.forget(id);
    let forgotten = resident_mb();
    println!(
        "{features} points: resident {started:.1} MB before opening, {opened:.1} MB open with \
         the base, {forgotten:.1} MB after forgetting the base: {:.1} MB given back to the \
         system of the {:.1} MB the layer added",
        opened - forgotten,
        opened - started
    );
}

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

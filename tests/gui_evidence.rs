//! Attachments in the window: a file dropped on the window while a feature is shown is attached
//! to it (listed with its SHA-256 in the Feature tab), Remove takes it off as one undoable
//! step, and the custody log keeps both events; a saved project holds the file.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use raidmap::evidence::{Event, attachment};
use raidmap::ui::app::RaidmapApp;
use raidmap::ui::command::Command;

use crate::gui::{feature_named, sample_app};

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
fn a_dropped_file_is_attached_listed_removed_undone_and_logged() {
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
    assert_eq!(events, [Event::Attached, Event::Removed]);
    assert_eq!(app.project.evidence.log.verify(), Ok(()));

    let path = dir.path().join("case.raidmap");
    harness.state_mut().save_project(&path);
    let project = raidmap::project::load(&path).expect("opens");
    assert_eq!(project.checks.len(), 1);
    assert!(project.checks[0].ok());
    assert_eq!(project.evidence.log.entries().len(), 2);
}

//! A full disk and a read-only file system, for real: small tmpfs mounts (the tests need the
//! right to mount, as root in the CI container; where mounting is refused they fail, saying
//! so, rather than pass without checking anything). The export command and the GUI's project save must name the
//! cause, leave the old file as it was, and (GUI) keep the changes unsaved.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use raidmap::ui::app::RaidmapApp;
use raidmap::ui::command::Command;

/// A tmpfs mounted on a temporary folder, unmounted when dropped.
struct TinyFs {
    dir: tempfile::TempDir,
}

impl TinyFs {
    /// Mount a tmpfs of `size` (e.g. `64k`), read-only with `read_only`. Panics when this
    /// system does not let the tests mount: nothing would be checked.
    fn mount(size: &str, read_only: bool, prepare: impl FnOnce(&Path)) -> TinyFs {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let options = format!("size={size}");
        let ok = Process::new("mount")
            .args(["-t", "tmpfs", "-o", &options, "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "cannot mount a tmpfs here (the disk tests need root, as in the CI container)"
        );
        prepare(dir.path());
        if read_only {
            let remounted = Process::new("mount")
                .args(["-o", "remount,ro"])
                .arg(dir.path())
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                remounted,
                "a tmpfs that could be mounted can be made read-only"
            );
        }
        TinyFs { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for TinyFs {
    fn drop(&mut self) {
        let _ = Process::new("umount").arg(self.dir.path()).status();
    }
}

/// Fill the file system holding `dir` to the last byte.
fn fill(dir: &Path) {
    let mut filler = std::fs::File::create(dir.join("filler")).expect("create the filler");
    let block = vec![0u8; 4096];
    while filler.write_all(&block).is_ok() {}
    while filler.write_all(&block[..1]).is_ok() {}
}

fn sites() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sites.geojson")
}

fn export(to: &Path) -> std::process::Output {
    crate::util::command()
        .arg("export")
        .arg(sites())
        .arg("-o")
        .arg(to)
        .output()
        .expect("runs")
}

#[test]
fn an_export_to_a_full_disk_says_so_and_leaves_the_old_file() {
    let fs = TinyFs::mount("64k", false, |dir| {
        std::fs::write(dir.join("out.geojson"), "old").expect("old file");
        fill(dir);
    });
    let out = fs.path().join("out.geojson");
    let run = export(&out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the disk is full"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).expect("still there"), "old");
    let left: Vec<_> = std::fs::read_dir(fs.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(left.len(), 2, "no temporary file is left behind: {left:?}");
}

#[test]
fn an_export_into_a_read_only_folder_says_so_even_for_root() {
    let fs = TinyFs::mount("64k", true, |dir| {
        std::fs::write(dir.join("out.geojson"), "old").expect("old file");
    });
    let out = fs.path().join("out.geojson");
    let run = export(&out);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("read-only"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).expect("still there"), "old");
}

#[test]
fn a_project_saved_to_a_full_disk_stays_unsaved_and_says_why() {
    let fs = TinyFs::mount("64k", false, fill);
    let mut harness = crate::gui::sample_app();
    let (mango, _) = crate::gui::feature_named(harness.state(), "Mango Park");
    harness.state_mut().push(Command::Edit(
        raidmap::edit::Edit::SetProperty {
            target: mango,
            key: "notes".into(),
            value: serde_json::json!("must not be lost"),
        },
        "Set notes".into(),
    ));
    harness.run();
    let project = fs.path().join("work.raidmap");
    harness
        .state_mut()
        .push(Command::SaveProjectAs(project.clone()));
    harness.run();
    let app: &RaidmapApp = harness.state();
    assert!(app.has_unsaved_changes());
    assert!(!project.exists());
    use egui_kittest::kittest::Queryable as _;
    assert!(
        harness
            .get_all_by_label_contains("the disk is full")
            .next()
            .is_some()
    );
    let f = harness.state().doc.feature(mango).expect("there");
    assert_eq!(
        f.property("notes"),
        Some(&serde_json::json!("must not be lost"))
    );
}

//! `raidmap export` reads project files: the layers as the app shows them, edits included.

use std::path::Path;

use raidmap::edit::Edit;
use raidmap::model::{Document, FeatureRef};
use raidmap::project::{self, SaveLayer, Settings};
use serde_json::json;

fn export(args: &[&std::ffi::OsStr]) -> std::process::Output {
    crate::util::command()
        .arg("export")
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn a_project_exports_its_edited_layer_with_only_the_edit_changed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut doc = Document::new();
    let sites = doc.add_layer(raidmap::io::read_path(&data.join("sites.geojson")).expect("reads"));
    doc.add_layer(raidmap::io::read_path(&data.join("raids.geojson")).expect("reads"));
    Edit::SetProperty {
        target: FeatureRef {
            layer: sites,
            index: 0,
        },
        key: "status".into(),
        value: json!("operating"),
    }
    .apply(&mut doc)
    .expect("edits");
    let layers: Vec<SaveLayer<'_>> = doc
        .layers()
        .map(|(_, layer)| SaveLayer {
            layer,
            visible: true,
            style: None,
            embed: false,
        })
        .collect();
    let path = dir.path().join("work.raidmap");
    project::save(
        &path,
        &layers,
        &Settings::default(),
        &raidmap::evidence::Evidence::default(),
    )
    .expect("saves");

    let out = dir.path().join("sites.geojson");
    let run = export(&[
        path.as_os_str(),
        "--layer".as_ref(),
        "sites.geojson".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let original = std::fs::read_to_string(data.join("sites.geojson")).expect("sample");
    let exported = std::fs::read_to_string(&out).expect("exported");
    let changed: Vec<(&str, &str)> = original
        .lines()
        .zip(exported.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(original.lines().count(), exported.lines().count());
    assert_eq!(changed.len(), 1, "one feature line changed");
    assert_eq!(
        changed[0]
            .0
            .replacen("\"status\": \"raided\"", "\"status\": \"operating\"", 1),
        changed[0].1
    );

    let run = export(&[
        path.as_os_str(),
        "--layer".as_ref(),
        "nope".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("has no layer \"nope\" (its layers: sites.geojson, raids.geojson)"),
        "{stderr}"
    );
}

use serde_json::json;

use super::*;
use crate::edit::Edit;
use crate::model::{Document, Feature, FeatureRef, Picture};

const SITES: &str = "{\"type\": \"FeatureCollection\",\n \"name\": \"sites\",\n \"features\": [\n  {\"type\": \"Feature\", \"id\": \"S-1\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [104.90000, 11.5]}, \"properties\": {\"name\": \"A\", \"n\": 1.50}},\n  {\"type\": \"Feature\", \"id\": 2, \"geometry\": {\"type\": \"Point\", \"coordinates\": [104.1, 11.1, 3.0]}, \"properties\": {\"name\": \"B\"}}\n ]\n}\n";

fn saved(layers: &[SaveLayer<'_>], settings: &Settings) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("work.raidmap");
    save(&path, layers, settings, &Evidence::default()).expect("saves");
    (dir, path)
}

fn save_layer(layer: &Layer) -> SaveLayer<'_> {
    SaveLayer {
        layer,
        visible: true,
        style: None,
        embed: false,
    }
}

#[test]
fn an_unedited_file_is_saved_by_its_relative_path_and_an_edited_one_embedded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = dir.path().join("sites.geojson");
    std::fs::write(&source, SITES).expect("writes");
    let mut doc = Document::new();
    doc.add_layer(io::read_path(&source).expect("reads"));
    let edited = doc.add_layer(io::read_path(&source).expect("reads"));
    Edit::SetProperty {
        target: FeatureRef {
            layer: edited,
            index: 0,
        },
        key: "status".into(),
        value: json!("operating"),
    }
    .apply(&mut doc)
    .expect("edits");
    let layers: Vec<_> = doc.layers().map(|(_, l)| save_layer(l)).collect();
    let path = dir.path().join("work.raidmap");
    save(&path, &layers, &Settings::default(), &Evidence::default()).expect("saves");
    let text = std::fs::read_to_string(&path).expect("reads");
    let file: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(file["raidmap_project"], FORMAT_VERSION);
    assert_eq!(file["layers"][0]["source"], "sites.geojson");
    assert!(file["layers"][0].get("geojson").is_none());
    assert_eq!(
        file["layers"][1]["geojson"]["features"][0]["properties"]["status"],
        "operating"
    );
    // The source file was not touched.
    assert_eq!(std::fs::read_to_string(&source).expect("reads"), SITES);

    let project = load(&path).expect("loads");
    assert!(project.problems.is_empty(), "{:?}", project.problems);
    assert_eq!(project.layers.len(), 2);
    assert!(!project.layers[0].embedded);
    assert!(project.layers[1].embedded);
    assert_eq!(io::to_string(&project.layers[0].layer), SITES);
    // The embedded layer comes back as it was exported, edits and all, unchanged bytes kept.
    let expected = io::to_string(doc.layer(edited).expect("open"));
    assert_eq!(io::to_string(&project.layers[1].layer), expected);
    assert!(expected.contains("[104.1, 11.1, 3.0]"));
    assert!(
        expected.contains(r#""n": 1.50, "status": "operating""#),
        "{expected}"
    );
}

#[test]
fn measurements_styles_view_basemap_and_window_survive_a_round_trip() {
    let mut kept = Layer::new("Measurements", LayerKind::Measurements);
    kept.features.push(Feature::new(
        geo::point!(x: 104.9, y: 11.55).into(),
        serde_json::Map::new(),
    ));
    let style = LayerStyle {
        label: Some("name".into()),
        ..LayerStyle::default()
    };
    let settings = Settings {
        view: Some(View {
            center: [104.9, 11.55],
            zoom: 12.5,
        }),
        basemap: Some(json!({"source": "Offline", "opacity": 0.5})),
        time_window: Window::days(
            Day::from_ymd(2025, 7, 14).expect("a day"),
            Day::from_ymd(2025, 7, 16).expect("a day"),
        ),
        pictures: Vec::new(),
    };
    let layer = SaveLayer {
        layer: &kept,
        visible: false,
        style: Some(&style),
        embed: false,
    };
    let (_dir, path) = saved(&[layer], &settings);
    let project = load(&path).expect("loads");
    assert_eq!(project.settings, settings);
    let opened = &project.layers[0];
    assert_eq!(opened.layer.kind, LayerKind::Measurements);
    assert_eq!(opened.layer.features.len(), 1);
    assert!(!opened.visible);
    assert_eq!(opened.style.as_ref(), Some(&style));
}

#[test]
fn a_missing_file_is_a_problem_of_that_layer_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("p.raidmap");
    std::fs::write(
        &path,
        r#"{"raidmap_project": 1, "layers": [
            {"name": "gone", "source": "gone.geojson"},
            {"name": "here", "geojson": {"type": "FeatureCollection", "features": []}}
        ]}"#,
    )
    .expect("writes");
    let project = load(&path).expect("loads");
    assert_eq!(project.layers.len(), 1);
    assert_eq!(project.layers[0].layer.name, "here");
    assert_eq!(project.problems.len(), 1);
    assert!(
        project.problems[0].starts_with("gone: cannot read"),
        "{:?}",
        project.problems
    );
}

#[test]
fn a_newer_project_and_a_non_project_are_refused_in_words() {
    let dir = tempfile::tempdir().expect("temp dir");
    let newer = dir.path().join("newer.raidmap");
    std::fs::write(&newer, r#"{"raidmap_project": 9, "layers": []}"#).expect("writes");
    let err = load(&newer).expect_err("refused");
    assert!(
        err.to_string().contains("newer raidmap (project format 9"),
        "{err}"
    );
    let geojson = dir.path().join("x.raidmap");
    std::fs::write(&geojson, SITES).expect("writes");
    let err = load(&geojson).expect_err("refused");
    assert!(
        err.to_string().ends_with("is not a raidmap project"),
        "{err}"
    );
}

#[test]
fn a_layer_embedded_once_stays_embedded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = dir.path().join("sites.geojson");
    std::fs::write(&source, SITES).expect("writes");
    let mut layer = io::read_path(&source).expect("reads");
    layer.features[0].set_property("status", json!("raided"));
    let path = dir.path().join("p.raidmap");
    save(
        &path,
        &[save_layer(&layer)],
        &Settings::default(),
        &Evidence::default(),
    )
    .expect("saves");
    let project = load(&path).expect("loads");
    let opened = &project.layers[0];
    assert!(
        !opened.layer.is_edited(),
        "read back from the project as it was saved"
    );
    let again = SaveLayer {
        embed: opened.embedded,
        ..save_layer(&opened.layer)
    };
    save(&path, &[again], &Settings::default(), &Evidence::default()).expect("saves");
    let reopened = load(&path).expect("loads");
    assert_eq!(
        reopened.layers[0].layer.features[0].property("status"),
        Some(&json!("raided"))
    );
}

#[test]
fn a_version_1_project_still_opens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.raidmap");
    let text = format!(
        "{{\"raidmap_project\": 1, \"layers\": [{{\"name\": \"sites\", \"geojson\": {}}}]}}",
        SITES.trim()
    );
    std::fs::write(&path, text).expect("writes");
    let project = load(&path).expect("opens");
    assert_eq!(project.layers[0].layer.features.len(), 2);
    assert!(project.evidence.log.is_empty() && project.evidence.seal.is_none());
}

#[test]
fn attachments_make_a_zip_that_opens_checked_and_sealed_projects_open_only_with_the_passphrase() {
    use crate::evidence::{Attachment, Event, Seal, attachment, keys};
    let mut doc = Document::new();
    let id = doc.add_layer(io::read_str(SITES, "sites.geojson").expect("reads"));
    let target = FeatureRef {
        layer: id,
        index: 1,
    };
    let bytes = b"photo bytes".to_vec();
    let record = Attachment::describe("gate.jpg", &bytes, "ana");
    let mut evidence = Evidence::default();
    evidence.store.add(bytes);
    evidence
        .log
        .record("ana", Event::Attached, &record.sha256, "gate.jpg");
    let feature = doc.feature(target).expect("feature").clone();
    attachment::attach(target, &feature, vec![record.clone()])
        .apply(&mut doc)
        .expect("attaches");
    let layer = doc.layer(id).expect("layer");
    let save_layer = SaveLayer {
        layer,
        visible: true,
        style: None,
        embed: false,
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("case.raidmap");
    save(&path, &[save_layer], &Settings::default(), &evidence).expect("saves");
    assert!(container::is_zip(&std::fs::read(&path).expect("reads")));
    let project = load(&path).expect("opens");
    assert_eq!(project.checks.len(), 1);
    assert!(project.checks[0].ok());
    assert_eq!(project.checks[0].feature, 1);
    assert_eq!(project.evidence.log.entries().len(), 1);
    assert!(project.custody_broken.is_none());

    let passphrase = "unit test passphrase";
    evidence.seal = Some(Seal::Passphrase(passphrase.into()));
    save(&path, &[save_layer], &Settings::default(), &evidence).expect("saves");
    let sealed = std::fs::read(&path).expect("reads");
    assert!(sealed.starts_with(crate::evidence::seal::MAGIC));
    keys::set_passphrase("not it".into());
    let err = load(&path).expect_err("a wrong passphrase opens nothing");
    assert!(err.needs_key(), "{err}");
    keys::set_passphrase(passphrase.into());
    let project = load(&path).expect("opens");
    keys::forget_passphrase();
    assert!(matches!(project.evidence.seal, Some(Seal::Passphrase(_))));
    assert!(
        project.layers[0].embedded,
        "a sealed project embeds its layers"
    );
    assert!(project.checks[0].ok());
}

/// A picture with three pins, its image's bytes kept in `evidence`.
fn pinned_picture(evidence: &mut Evidence) -> (Picture, Vec<u8>) {
    use crate::model::picture::{Pin, TransformKind};
    let bytes = b"\x89PNG not really, but bytes all the same".to_vec();
    let sha = evidence.store.add(bytes.clone());
    let mut picture = Picture::new("site plan.png", sha, [640, 480]);
    picture.pins = vec![
        Pin {
            image: [0.0, 0.0],
            lon: 104.90,
            lat: 11.56,
        },
        Pin {
            image: [640.0, 0.0],
            lon: 104.91,
            lat: 11.56,
        },
        Pin {
            image: [0.0, 480.0],
            lon: 104.90,
            lat: 11.55,
        },
    ];
    picture.kind = TransformKind::Projective;
    picture.opacity = 0.4;
    picture.above_data = true;
    picture.visible = false;
    (picture, bytes)
}

#[test]
fn a_pinned_picture_is_saved_inside_the_project_with_its_pins() {
    let mut evidence = Evidence::default();
    let (picture, bytes) = pinned_picture(&mut evidence);
    // (Sealing is the container's, tested with attachments above; the picture's image is one
    // more entry of the same container.)
    let settings = Settings {
        pictures: vec![picture.clone()],
        ..Settings::default()
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("case.raidmap");
    save(&path, &[], &settings, &evidence).expect("saves");
    let written = std::fs::read(&path).expect("reads");
    assert!(
        container::is_zip(&written),
        "the image goes inside the project, so it is a container"
    );
    let (json, store) = container::read_zip(&written).expect("a readable container");
    assert_eq!(
        store.get(&picture.sha256).map(|b| b.to_vec()),
        Some(bytes.clone()),
        "the image is stored as evidence/<sha256>"
    );
    let file: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(file["raidmap_project"], 3);
    assert_eq!(file["pictures"][0]["kind"], "projective");
    assert_eq!(file["pictures"][0]["pins"][1]["image"], json!([640.0, 0.0]));

    let project = load(&path).expect("opens");
    assert_eq!(project.settings.pictures, vec![picture.clone()]);
    assert!(project.picture_problems.is_empty());
    assert_eq!(
        project
            .evidence
            .store
            .get(&picture.sha256)
            .map(|b| b.to_vec()),
        Some(bytes.clone())
    );
}

#[test]
fn a_pinned_picture_without_its_image_is_reported_and_kept() {
    let mut evidence = Evidence::default();
    let (picture, _) = pinned_picture(&mut evidence);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("p.raidmap");
    let text = format!(
        "{{\"raidmap_project\": 3, \"pictures\": [{}]}}",
        serde_json::to_string(&picture).expect("JSON")
    );
    std::fs::write(&path, text).expect("writes");
    let project = load(&path).expect("opens");
    assert_eq!(project.settings.pictures, vec![picture]);
    assert_eq!(project.picture_problems.len(), 1);
    assert!(
        project.picture_problems[0].contains("site plan.png")
            && project.picture_problems[0].contains("missing"),
        "{:?}",
        project.picture_problems
    );
    // A version 2 project (before pictures) has none and opens as before.
    std::fs::write(&path, r#"{"raidmap_project": 2, "layers": []}"#).expect("writes");
    let project = load(&path).expect("opens");
    assert!(project.settings.pictures.is_empty() && project.picture_problems.is_empty());
}

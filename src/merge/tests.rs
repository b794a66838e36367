use serde_json::json;

use super::*;
use crate::edit::{Edit, History};
use crate::io;
use crate::model::{Document, Feature, Layer};

fn layer(features: &[&str]) -> Layer {
    let text = format!(
        "{{\"type\": \"FeatureCollection\",\n \"features\": [\n  {}\n ]\n}}\n",
        features.join(",\n  ")
    );
    io::read_str(&text, "t.geojson").expect("valid")
}

const A: &str = r#"{"type": "Feature", "id": 1, "geometry": {"type": "Point", "coordinates": [104.90, 11.5]}, "properties": {"name": "A", "status": "suspected"}}"#;
const A2: &str = r#"{"type": "Feature", "id": 1, "geometry": {"type": "Point", "coordinates": [104.9, 11.6]}, "properties": {"name": "A", "status": "raided"}}"#;
const B: &str = r#"{"type": "Feature", "id": 2, "geometry": null, "properties": {"name": "B"}}"#;
const C: &str = r#"{"type": "Feature", "id": "3", "geometry": null, "properties": {"name": "C"}, "source": "x"}"#;
const C2: &str = r#"{"type": "Feature", "id": "3", "geometry": null, "properties": {"name": "C"}, "source": "y"}"#;

#[test]
fn taking_every_change_makes_the_layer_the_other_version_in_one_undoable_step() {
    let old = layer(&[A, B, C]);
    let new = layer(&[
        A2,
        C2,
        r#"{"type": "Feature", "id": 4, "geometry": null, "properties": {}}"#,
    ]);
    let d = diff(&old, &new, &Key::Id).expect("matched");
    assert_eq!(d.added.len(), 1);
    assert_eq!(d.removed.len(), 1);
    assert_eq!(d.changed.len(), 2);
    assert_eq!(d.changed[1].members[0].new, Some(json!("y")));
    let original = io::to_string(&old);
    let mut doc = Document::new();
    let id = doc.add_layer(old);
    let mut history = History::default();
    let edit = d.edit(id, 3, &new, &d.all());
    history.apply(&mut doc, edit, "take all").expect("applies");
    let now = doc.layer(id).expect("open");
    assert!(diff(now, &new, &Key::Id).expect("matched").is_empty());
    history.undo(&mut doc).expect("undo").expect("undone");
    assert_eq!(io::to_string(doc.layer(id).expect("open")), original);
}

#[test]
fn deleting_and_inserting_many_features_are_each_others_inverse() {
    let mut doc = Document::new();
    let original = layer(&[A, B, C, A2.replace("\"id\": 1", "\"id\": 9").as_str()]);
    let text = io::to_string(&original);
    let id = doc.add_layer(original);
    let undo = Edit::DeleteFeatures {
        layer: id,
        indices: vec![0, 2],
    }
    .apply(&mut doc)
    .expect("deleted");
    assert_eq!(doc.layer(id).map(|l| l.features.len()), Some(2));
    undo.apply(&mut doc).expect("inserted back");
    assert_eq!(io::to_string(doc.layer(id).expect("open")), text);
    let bad = Edit::DeleteFeatures {
        layer: id,
        indices: vec![2, 1],
    };
    assert!(bad.apply(&mut doc).is_err());
    let past_the_end = Edit::InsertFeatures {
        layer: id,
        features: vec![(
            6,
            Feature::new(geo::point!(x: 1.0, y: 1.0).into(), Default::default()),
        )],
    };
    assert!(past_the_end.apply(&mut doc).is_err());
    assert_eq!(io::to_string(doc.layer(id).expect("open")), text);
}

#[test]
fn a_conflict_resolved_later_finds_its_feature_by_key() {
    let base = layer(&[A, B]);
    let ours = layer(&[B, &A.replace("suspected", "closed")]);
    let theirs = layer(&[A2, B]);
    let m = merge(&base, &ours, &theirs, &Key::Id).expect("matched");
    let conflicts: Vec<_> = m.conflicts().collect();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].what, What::Property("status".into()));
    let mut doc = Document::new();
    let id = doc.add_layer(ours);
    m.edit(id, |_| Side::Ours).apply(&mut doc).expect("merged");
    // Theirs moved the point (not a conflict): taken.
    let a = &doc.layer(id).expect("open").features[1];
    assert_eq!(a.point().map(|c| c.y), Some(11.6));
    assert_eq!(a.property("status"), Some(&json!("closed")));
    let edit = conflicts[0]
        .edit(Side::Theirs, id, doc.layer(id).expect("open"), &Key::Id)
        .expect("found by key");
    edit.apply(&mut doc).expect("resolved");
    let a = &doc.layer(id).expect("open").features[1];
    assert_eq!(a.property("status"), Some(&json!("raided")));
    assert_eq!(m.taken(|_| Some(Side::Theirs)), (0, 2));
    assert_eq!(m.taken(|_| Some(Side::Ours)), (1, 1));
    assert_eq!(m.taken(|_| None), (0, 1));
}

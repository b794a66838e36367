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
fn only_the_incoming_changes_and_conflict_sides_picked_are_applied_in_one_step() {
    const D: &str =
        r#"{"type": "Feature", "id": 4, "geometry": null, "properties": {"name": "D"}}"#;
    let base = layer(&[A, B, C]);
    // Ours: A's status closed (and the order changed, which is no change).
    let ours = layer(&[B, &A.replace("suspected", "closed"), C]);
    // Theirs: A moved and raided (the status conflicts), B deleted, C's member changed, D new.
    let theirs = layer(&[A2, C2, D]);
    let m = merge(&base, &ours, &theirs, &Key::Id).expect("matched");
    let conflicts: Vec<_> = m.conflicts().collect();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].what, What::Property("status".into()));
    let incoming: Vec<(serde_json::Value, IncomingKind)> = m
        .incoming()
        .iter()
        .map(|c| (c.key.clone(), c.kind.clone()))
        .collect();
    assert_eq!(
        incoming,
        [
            (json!(1), IncomingKind::Changed(vec![Part::Geometry])),
            (json!(2), IncomingKind::Removed),
            (
                json!("3"),
                IncomingKind::Changed(vec![Part::Member("source".into())])
            ),
            (json!(4), IncomingKind::Added),
        ]
    );
    assert_eq!(m.taken(|_| true, |_| Some(Side::Theirs)), (0, 5));
    assert_eq!(m.taken(|i| i != 1, |_| Some(Side::Ours)), (1, 3));
    assert_eq!(m.taken(|_| false, |_| None), (0, 0));

    // Take A's move and D, leave B and C as ours has them, and theirs' status for A.
    let original = io::to_string(&ours);
    let mut doc = Document::new();
    let id = doc.add_layer(ours);
    let mut history = History::default();
    let edit = m.edit(id, |i| i == 0 || i == 3, |_| Side::Theirs);
    history.apply(&mut doc, edit, "merge").expect("applies");
    let now = doc.layer(id).expect("open");
    let names: Vec<&str> = now.features.iter().filter_map(|f| f.name()).collect();
    assert_eq!(names, ["B", "A", "C", "D"]);
    let a = &now.features[1];
    assert_eq!(a.point().map(|c| c.y), Some(11.6));
    assert_eq!(a.property("status"), Some(&json!("raided")));
    assert_eq!(now.features[2].object().get("source"), Some(&json!("x")));
    history.undo(&mut doc).expect("undo").expect("undone");
    assert_eq!(io::to_string(doc.layer(id).expect("open")), original);

    // Nothing taken and every conflict ours: nothing changes.
    let edit = m.edit(id, |_| false, |_| Side::Ours);
    edit.apply(&mut doc).expect("applies");
    assert_eq!(io::to_string(doc.layer(id).expect("open")), original);
}

#[test]
fn a_kept_base_merges_as_the_layer_it_was_kept_from() {
    let mut base = layer(&[A, B, C]);
    // A feature the program made (no text of its own) is kept whole.
    base.features.push(Feature::new(
        geo::point!(x: 104.0, y: 11.0).into(),
        serde_json::from_value(json!({"name": "made"})).expect("an object"),
    ));
    let kept = Base::of(&base);
    let again = kept.layer();
    assert_eq!(again.features.len(), 4);
    for (a, b) in again.features.iter().zip(&base.features) {
        assert_eq!(a.original_text(), b.original_text());
        assert_eq!(a.object(), b.object());
    }
    // An edit of the open layer after it was kept does not reach the base.
    base.features[0].set_property("status", json!("closed"));
    let ours = base;
    let theirs = layer(&[A2, B, C2]);
    let m = merge(&again, &ours, &theirs, &Key::Id).expect("matched");
    let conflicts: Vec<_> = m.conflicts().collect();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].base, Some(json!("suspected")));
    assert_eq!(conflicts[0].ours, Some(json!("closed")));
    assert_eq!(
        m.incoming().len(),
        3,
        "A's move, C's member, the made feature's deletion"
    );
}

/// `n` buildings read from text (keeping only their boxes), each `dx` degrees further east
/// and with `levels` levels.
fn buildings(n: usize, dx: f64, levels: u32) -> Layer {
    let features: Vec<String> = (0..n)
        .map(|i| {
            let (x, y) = (104.9 + i as f64 * 0.001 + dx, 11.5);
            let (x2, y2) = (x + 0.0004, y + 0.0003);
            format!(
                r#"{{"type": "Feature", "id": {i}, "geometry": {{"type": "Polygon", "coordinates": [[[{x}, {y}], [{x2}, {y}], [{x2}, {y2}], [{x}, {y}]]]}}, "properties": {{"name": "b{i}", "levels": {levels}}}}}"#
            )
        })
        .collect();
    let features: Vec<&str> = features.iter().map(String::as_str).collect();
    layer(&features)
}

fn held(layer: &Layer) -> Vec<usize> {
    layer.features.iter().map(Feature::held_bytes).collect()
}

#[test]
fn comparing_or_merging_layers_leaves_their_features_holding_no_parsed_geometry_or_object() {
    let base = buildings(8, 0.0, 1);
    let ours = buildings(8, 0.00001, 2);
    let mut theirs = buildings(9, 0.00002, 3);
    theirs.features.remove(3);
    let before = [held(&base), held(&ours), held(&theirs)];
    let d = diff(&base, &theirs, &Key::Id).expect("matched");
    assert_eq!((d.changed.len(), d.removed.len()), (7, 1));
    assert!(matches!(
        d.changed[0].geometry,
        GeometryChange::Changed {
            old_vertices: 4,
            new_vertices: 4
        }
    ));
    d.edit(crate::model::LayerId(0), 8, &theirs, &d.all());
    let m = merge(&base, &ours, &theirs, &Key::Id).expect("matched");
    assert_ne!(m.conflicts().len(), 0);
    assert_eq!(
        [held(&base), held(&ours), held(&theirs)],
        before,
        "compare or merge kept what it read"
    );
}

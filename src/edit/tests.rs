use geo::{Geometry, point};
use serde_json::json;

use super::*;
use crate::io;
use crate::model::Layer;

const TEXT: &str = r#"{"type": "FeatureCollection",
 "features": [
  {"type": "Feature", "id": "a", "geometry": {"type": "Point", "coordinates": [104.90000, 11.5]}, "properties": {"name": "A", "status": "suspected", "n": 1.50}},
  {"type": "Feature", "id": 2, "geometry": {"type": "Point", "coordinates": [104.1, 11.1]}, "properties": {"name": "B"}}
 ]
}
"#;

fn doc() -> (Document, LayerId) {
    let mut doc = Document::new();
    let layer = io::read_str(TEXT, "t.geojson").expect("valid");
    let id = doc.add_layer(layer);
    (doc, id)
}

fn at(layer: LayerId, index: usize) -> FeatureRef {
    FeatureRef { layer, index }
}

fn text(doc: &Document, id: LayerId) -> String {
    io::to_string(doc.layer(id).expect("open"))
}

fn keys(doc: &Document, r: FeatureRef) -> Vec<String> {
    let f = doc.feature(r).expect("feature");
    f.properties()
        .into_iter()
        .flat_map(|p| p.keys().cloned())
        .collect()
}

#[test]
fn undoing_every_edit_gives_back_the_exact_input_and_redo_does_them_again() {
    let (mut doc, id) = doc();
    let mut history = History::default();
    let edits = [
        Edit::SetProperty {
            target: at(id, 0),
            key: "status".into(),
            value: json!("operating"),
        },
        Edit::RenameProperty {
            target: at(id, 0),
            from: "name".into(),
            to: "title".into(),
        },
        Edit::RemoveProperty {
            target: at(id, 1),
            key: "name".into(),
        },
        Edit::SetGeometry {
            target: at(id, 1),
            geometry: Some(point!(x: 104.2, y: 11.2).into()),
        },
        Edit::InsertFeature {
            layer: id,
            index: 2,
            feature: Feature::new(point!(x: 105.0, y: 12.0).into(), Default::default()),
        },
        Edit::DeleteFeature { target: at(id, 0) },
    ];
    for (i, edit) in edits.into_iter().enumerate() {
        history
            .apply(&mut doc, edit, format!("step {i}"))
            .expect("applies");
    }
    let edited = text(&doc, id);
    assert_ne!(edited, TEXT);
    assert_eq!(doc.layer(id).map(|l| l.features.len()), Some(2));
    assert_eq!(history.done().len(), 6);
    while let Some(step) = history.undo(&mut doc) {
        step.expect("undoes");
    }
    assert_eq!(text(&doc, id), TEXT);
    assert!(!doc.layer(id).expect("open").is_edited());
    assert_eq!(history.undone().len(), 6);
    while let Some(step) = history.redo(&mut doc) {
        step.expect("redoes");
    }
    assert_eq!(text(&doc, id), edited);
}

#[test]
fn renaming_keeps_the_key_in_its_place_and_refuses_a_taken_name() {
    let (mut doc, id) = doc();
    let mut history = History::default();
    let rename = |to: &str| Edit::RenameProperty {
        target: at(id, 0),
        from: "status".into(),
        to: to.into(),
    };
    history
        .apply(&mut doc, rename("state"), "rename")
        .expect("renames");
    assert_eq!(keys(&doc, at(id, 0)), ["name", "state", "n"]);
    let taken = Edit::RenameProperty {
        target: at(id, 0),
        from: "state".into(),
        to: "name".into(),
    };
    assert_eq!(
        history.apply(&mut doc, taken, "rename"),
        Err(EditError::PropertyExists("name".into()))
    );
    assert_eq!(history.done().len(), 1, "a refused edit is not a step");
}

#[test]
fn deleting_a_property_and_undoing_puts_it_back_in_its_place() {
    let (mut doc, id) = doc();
    let mut history = History::default();
    let delete = Edit::RemoveProperty {
        target: at(id, 0),
        key: "name".into(),
    };
    history.apply(&mut doc, delete, "delete").expect("deletes");
    assert_eq!(keys(&doc, at(id, 0)), ["status", "n"]);
    history.undo(&mut doc).expect("a step").expect("undoes");
    assert_eq!(keys(&doc, at(id, 0)), ["name", "status", "n"]);
}

#[test]
fn a_batch_that_fails_half_way_leaves_the_document_as_it_was() {
    let (mut doc, id) = doc();
    let before = text(&doc, id);
    let revision = doc.revision();
    let batch = Edit::Batch(vec![
        Edit::SetProperty {
            target: at(id, 0),
            key: "status".into(),
            value: json!("raided"),
        },
        Edit::SetProperty {
            target: at(id, 7),
            key: "status".into(),
            value: json!("raided"),
        },
    ]);
    assert_eq!(batch.apply(&mut doc).err(), Some(EditError::NoFeature(7)));
    assert_eq!(text(&doc, id), before);
    assert!(doc.revision() > revision, "caches must still look again");
}

#[test]
fn setting_a_property_on_several_features_is_one_step() {
    let (mut doc, id) = doc();
    let mut history = History::default();
    let batch = Edit::Batch(
        (0..2)
            .map(|i| Edit::SetProperty {
                target: at(id, i),
                key: "status".into(),
                value: json!("closed"),
            })
            .collect(),
    );
    history
        .apply(&mut doc, batch, "status on 2")
        .expect("applies");
    for i in 0..2 {
        let f = doc.feature(at(id, i)).expect("feature");
        assert_eq!(f.property("status"), Some(&json!("closed")));
    }
    history.undo(&mut doc).expect("a step").expect("undoes");
    assert_eq!(text(&doc, id), TEXT);
}

#[test]
fn every_edit_moves_the_revision_of_its_layer_only() {
    let (mut doc, a) = doc();
    let b = doc.add_layer(Layer::new("other", crate::model::LayerKind::Data));
    let (ra, rb) = (doc.layer_revision(a), doc.layer_revision(b));
    Edit::SetGeometry {
        target: at(a, 0),
        geometry: Some(Geometry::Point(point!(x: 1.0, y: 2.0))),
    }
    .apply(&mut doc)
    .expect("applies");
    assert!(doc.layer_revision(a) > ra);
    assert_eq!(doc.layer_revision(b), rb);
}

#[test]
fn edits_of_a_closed_layer_are_refused() {
    let (mut doc, id) = doc();
    let mut history = History::default();
    let edit = Edit::SetProperty {
        target: at(id, 0),
        key: "x".into(),
        value: json!(1),
    };
    history.apply(&mut doc, edit, "x").expect("applies");
    doc.remove_layer(id);
    assert_eq!(history.undo(&mut doc), Some(Err(EditError::NoLayer)));
}

#[test]
fn a_property_edit_leaves_the_geometry_revision_and_a_moved_point_changes_it() {
    let (mut doc, id) = doc();
    let geometry = doc.geometry_revision(id);
    let revision = doc.layer_revision(id);
    let set = Edit::SetProperty {
        target: at(id, 0),
        key: "status".into(),
        value: json!("raided"),
    };
    let undo = set.apply(&mut doc).expect("applies");
    assert_ne!(doc.layer_revision(id), revision, "the layer changed");
    assert_eq!(
        doc.geometry_revision(id),
        geometry,
        "its geometries did not"
    );
    undo.apply(&mut doc).expect("undoes");
    assert_eq!(doc.geometry_revision(id), geometry);
    Edit::SetGeometry {
        target: at(id, 0),
        geometry: Some(Geometry::Point(point!(x: 105.0, y: 12.0))),
    }
    .apply(&mut doc)
    .expect("applies");
    assert_ne!(
        doc.geometry_revision(id),
        geometry,
        "a moved point is a new geometry"
    );
}

#[test]
fn pinned_pictures_are_added_pinned_and_removed_through_the_history() {
    use crate::model::Picture;
    use crate::model::picture::Pin;
    let mut doc = Document::new();
    let mut history = History::default();
    let picture = Picture::new("plan.png", "ab".repeat(32), [200, 100]);
    let revision = doc.revision();
    history
        .apply(
            &mut doc,
            Edit::InsertPicture {
                index: 0,
                picture: picture.clone(),
            },
            "Pin a picture",
        )
        .expect("inserts");
    assert_ne!(doc.revision(), revision, "a picture is a change to save");
    let mut pinned = picture.clone();
    pinned.pins.push(Pin {
        image: [10.0, 20.0],
        lon: 104.9,
        lat: 11.55,
    });
    history
        .apply(
            &mut doc,
            Edit::ReplacePicture {
                index: 0,
                picture: pinned.clone(),
            },
            "Add pin 1",
        )
        .expect("replaces");
    assert_eq!(doc.pictures(), std::slice::from_ref(&pinned));
    assert_eq!(history.undo(&mut doc), Some(Ok("Add pin 1".into())));
    assert_eq!(doc.pictures(), std::slice::from_ref(&picture));
    assert_eq!(history.undo(&mut doc), Some(Ok("Pin a picture".into())));
    assert!(doc.pictures().is_empty());
    assert_eq!(history.redo(&mut doc), Some(Ok("Pin a picture".into())));
    assert_eq!(history.redo(&mut doc), Some(Ok("Add pin 1".into())));
    assert_eq!(doc.pictures(), std::slice::from_ref(&pinned));
    assert_eq!(
        Edit::RemovePicture { index: 3 }.apply(&mut doc).err(),
        Some(EditError::NoPicture(3))
    );
    assert_eq!(
        Edit::InsertPicture {
            index: 5,
            picture: picture.clone()
        }
        .apply(&mut doc)
        .err(),
        Some(EditError::NoPicture(5))
    );
    assert_eq!(doc.pictures().len(), 1, "a refused edit changes nothing");
}

#[test]
fn a_property_edit_of_a_polygon_read_from_text_keeps_no_parsed_geometry() {
    let text = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[104.9, 11.5], [104.9004, 11.5], [104.9004, 11.5003], [104.9, 11.5]]]}, "properties": {"name": "B"}}
]}"#;
    let mut doc = Document::new();
    let id = doc.add_layer(io::read_str(text, "b.geojson").expect("valid"));
    let held = |doc: &Document| doc.feature(at(id, 0)).expect("feature").held_bytes();
    let read = held(&doc);
    let geometry = doc.geometry_revision(id);
    let mut renamed = doc.feature(at(id, 0)).expect("feature").clone();
    renamed.set_property("name", json!("C"));
    let undo = Edit::SetProperty {
        target: at(id, 0),
        key: "name".into(),
        value: json!("C"),
    }
    .apply(&mut doc)
    .expect("applies");
    // The edited object is kept, its geometry is not (the same feature edited by hand).
    assert_eq!(held(&doc), renamed.held_bytes());
    assert_eq!(doc.geometry_revision(id), geometry, "same geometry");
    undo.apply(&mut doc).expect("undoes");
    assert_eq!(held(&doc), read, "the feature put back keeps nothing");
}

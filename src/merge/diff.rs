//! Two versions of a layer: what was added, removed and changed, and the edits that take
//! those changes into the first.

use serde_json::Value;

use super::compare::{self, GeometryChange, ValueChange};
use super::key::{Key, MatchError, Pairing, Version};
use crate::edit::Edit;
use crate::model::{FeatureRef, Layer, LayerId};

/// A feature only one version has.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Its index in that version.
    pub index: usize,
    /// Its key value (`None`: matched by content).
    pub key: Option<Value>,
    /// Its name, else id, else `#INDEX`.
    pub label: String,
}

/// A feature both versions have, changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Its index in the old version.
    pub old: usize,
    /// Its index in the new version.
    pub new: usize,
    pub key: Value,
    /// Labelled as in the new version.
    pub label: String,
    pub properties: Vec<ValueChange>,
    pub geometry: GeometryChange,
    /// Other top-level members (`id` when matched by a property, foreign members).
    pub members: Vec<ValueChange>,
}

/// What changed from an old version of a layer to a new one.
#[derive(Debug, Clone, PartialEq)]
pub struct Diff {
    /// In the new version's order.
    pub added: Vec<Entry>,
    /// In the old version's order.
    pub removed: Vec<Entry>,
    /// In the new version's order.
    pub changed: Vec<Change>,
    pub unchanged: usize,
}

/// One change of a [`Diff`] to take into the old version (an index into `added`, `removed`
/// or `changed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Take {
    Added(usize),
    Removed(usize),
    Changed(usize),
}

/// Compare `old` with `new`, matching features by `key`.
pub fn diff(old: &Layer, new: &Layer, key: &Key) -> Result<Diff, MatchError> {
    let old_version = Version::new(old, key)?;
    let new_version = Version::new(new, key)?;
    let pairing = Pairing::new(&old_version, &new_version);
    let mut result = Diff {
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        unchanged: 0,
    };
    for (n, feature) in new.features.iter().enumerate() {
        let Some(o) = pairing.new_to_old[n] else {
            result.added.push(Entry {
                index: n,
                key: new_version.keys[n].clone(),
                label: feature.label_unkept(n),
            });
            continue;
        };
        let before = &old.features[o];
        if compare::same(before, feature) {
            result.unchanged += 1;
            continue;
        }
        let change = before.with_object(|a| {
            feature.with_object(|b| Change {
                old: o,
                new: n,
                key: new_version.keys[n].clone().unwrap_or(Value::Null),
                label: feature.label_unkept(n),
                properties: compare::property_changes(a, b),
                geometry: compare::geometry_change(a, b, before, feature),
                members: compare::member_changes(a, b),
            })
        });
        result.changed.push(change);
    }
    for (o, feature) in old.features.iter().enumerate() {
        if pairing.old_to_new[o].is_none() {
            result.removed.push(Entry {
                index: o,
                key: old_version.keys[o].clone(),
                label: feature.label_unkept(o),
            });
        }
    }
    Ok(result)
}

impl Diff {
    /// Whether the versions differ at all.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// Every change, for *Take all*.
    pub fn all(&self) -> Vec<Take> {
        (0..self.added.len())
            .map(Take::Added)
            .chain((0..self.removed.len()).map(Take::Removed))
            .chain((0..self.changed.len()).map(Take::Changed))
            .collect()
    }

    /// The edit that takes `takes` from `new` into `layer`, the open old version (as it was
    /// when compared): changed features get the new version's properties, geometry and
    /// members, removed features are deleted, added ones appended in the new version's order.
    /// One step for the history, however many changes.
    pub fn edit(&self, layer: LayerId, old_len: usize, new: &Layer, takes: &[Take]) -> Edit {
        let mut edits = Vec::new();
        let mut deletes = Vec::new();
        let mut inserts = Vec::new();
        for take in takes {
            match *take {
                Take::Changed(i) => {
                    if let Some(change) = self.changed.get(i) {
                        let target = FeatureRef {
                            layer,
                            index: change.old,
                        };
                        edits.extend(change_edits(change, target, new));
                    }
                }
                Take::Removed(i) => deletes.extend(self.removed.get(i).map(|e| e.index)),
                Take::Added(i) => inserts.extend(self.added.get(i).map(|e| e.index)),
            }
        }
        deletes.sort_unstable();
        deletes.dedup();
        inserts.sort_unstable();
        inserts.dedup();
        let start = old_len - deletes.len();
        if !deletes.is_empty() {
            edits.push(Edit::DeleteFeatures {
                layer,
                indices: deletes,
            });
        }
        if !inserts.is_empty() {
            let features = inserts
                .iter()
                .enumerate()
                .filter_map(|(k, &n)| Some((start + k, new.features.get(n)?.clone())))
                .collect();
            edits.push(Edit::InsertFeatures { layer, features });
        }
        Edit::Batch(edits)
    }
}

/// The edits that make the feature at `target` like its new version.
fn change_edits(change: &Change, target: FeatureRef, new: &Layer) -> Vec<Edit> {
    let mut edits = Vec::new();
    for p in &change.properties {
        edits.push(match &p.new {
            Some(value) => Edit::SetProperty {
                target,
                key: p.name.clone(),
                value: value.clone(),
            },
            None => Edit::RemoveProperty {
                target,
                key: p.name.clone(),
            },
        });
    }
    if change.geometry != GeometryChange::Same
        && let Some(feature) = new.features.get(change.new)
    {
        edits.extend(geometry_edits(feature, target));
    }
    for m in &change.members {
        edits.push(Edit::SetTopLevel {
            target,
            key: m.name.clone(),
            value: m.new.clone(),
        });
    }
    edits
}

/// The edits that give the feature at `target` exactly the geometry (and `bbox`) of `from`.
pub(crate) fn geometry_edits(from: &crate::model::Feature, target: FeatureRef) -> [Edit; 2] {
    let (json, bbox) = from.with_object(|o| {
        let (g, b) = compare::geometry_part(o);
        (g.cloned().unwrap_or(Value::Null), b.cloned())
    });
    [
        Edit::SetGeometryExact {
            target,
            json,
            geometry: from.with_geometry(|g| g.cloned()),
        },
        Edit::SetTopLevel {
            target,
            key: "bbox".into(),
            value: bbox,
        },
    ]
}

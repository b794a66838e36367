//! Edits of the document as values, each applied with its inverse, and the undo/redo history.
//!
//! An [`Edit`] names what changes (a property, a geometry, a whole feature, a feature added or
//! deleted) and where ([`FeatureRef`]). [`Edit::apply`] changes the [`Document`] and returns the
//! edit that undoes it, so [`History`] keeps one list of inverses across all layers: undo
//! applies an inverse and keeps *its* inverse for redo. Inverses of feature changes put the
//! whole previous [`Feature`] back, so an undone feature is again exactly what it was (its
//! original text included, and so written back byte for byte).
//!
//! Pictures pinned onto the map are document data too: [`Edit::InsertPicture`],
//! [`Edit::RemovePicture`] and [`Edit::ReplacePicture`] (a pin placed, moved or removed, the
//! fit, opacity or order changed) go through the same history.
//!
//! Nothing here knows about the screen; the GUI turns clicks into edits and the tests apply
//! them directly.

mod history;
pub mod vertex;

pub use history::{Entry, History};

use geo::Geometry;
use serde_json::Value;

use crate::model::{Document, Feature, FeatureRef, LayerId, Picture, precision};

/// One change to the document.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Set (add or replace) one property; a new key goes last.
    SetProperty {
        target: FeatureRef,
        key: String,
        value: Value,
    },
    /// Delete one property.
    RemoveProperty { target: FeatureRef, key: String },
    /// Rename a property, keeping its value and its place among the keys.
    RenameProperty {
        target: FeatureRef,
        from: String,
        to: String,
    },
    /// Replace the whole `properties` member (an object or `null`).
    ReplaceProperties {
        target: FeatureRef,
        properties: Value,
    },
    /// Replace the geometry (`None`: `"geometry": null`).
    SetGeometry {
        target: FeatureRef,
        geometry: Option<Geometry<f64>>,
    },
    /// Set (`Some`) or remove (`None`) a foreign member of the feature object, such as the
    /// attachments list ([`crate::evidence::attachment`]).
    SetMember {
        target: FeatureRef,
        key: String,
        value: Option<Value>,
    },
    /// Put a feature in the place of another (the inverse of every feature change).
    ReplaceFeature {
        target: FeatureRef,
        feature: Feature,
    },
    /// Insert a feature at `index` of a layer (`index` = the layer's length appends).
    InsertFeature {
        layer: LayerId,
        index: usize,
        feature: Feature,
    },
    /// Delete a feature; the features after it move up by one.
    DeleteFeature { target: FeatureRef },
    /// Set (`Some`) or remove (`None`) any top-level member other than `geometry`: `id`,
    /// `bbox` or a foreign member (merges take them from another copy).
    SetTopLevel {
        target: FeatureRef,
        key: String,
        value: Option<Value>,
    },
    /// Replace the geometry with exactly this GeoJSON value (as another copy of the feature
    /// wrote it), `geometry` being its conversion; a `bbox` member is left as it is.
    SetGeometryExact {
        target: FeatureRef,
        json: Value,
        geometry: Option<Geometry<f64>>,
    },
    /// Delete several features of a layer at once (`indices` ascending, each once): one pass
    /// over the layer however many there are.
    DeleteFeatures { layer: LayerId, indices: Vec<usize> },
    /// Insert several features so that each ends up at its index (ascending, each once):
    /// the inverse of [`Edit::DeleteFeatures`].
    InsertFeatures {
        layer: LayerId,
        features: Vec<(usize, Feature)>,
    },
    /// Add a picture pinned onto the map at `index` of the document's pictures.
    InsertPicture { index: usize, picture: Picture },
    /// Remove the pinned picture at `index`.
    RemovePicture { index: usize },
    /// Replace the pinned picture at `index` (its pins, fit, opacity, place under or over the
    /// data, visibility).
    ReplacePicture { index: usize, picture: Picture },
    /// Several edits as one step, applied in order (undone in reverse).
    Batch(Vec<Edit>),
}

/// Why an edit could not be applied; the document is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("the layer is no longer open")]
    NoLayer,
    #[error("feature #{0} does not exist in the layer")]
    NoFeature(usize),
    #[error("the feature has no property {0:?}")]
    NoProperty(String),
    #[error("the feature already has a property {0:?}")]
    PropertyExists(String),
    #[error("a property name cannot be empty")]
    EmptyKey,
    #[error("{0:?} is a GeoJSON member, not one an edit may set")]
    ReservedMember(String),
    #[error("the geometry is not a member to set on its own")]
    GeometryMember,
    #[error("feature indices must be ascending and each given once")]
    UnorderedIndices,
    #[error("picture #{0} does not exist")]
    NoPicture(usize),
}

impl Edit {
    /// Apply the edit and return the edit that undoes it. On error nothing changed.
    pub fn apply(self, doc: &mut Document) -> Result<Edit, EditError> {
        match self {
            Edit::SetProperty { target, key, value } => {
                if key.is_empty() {
                    return Err(EditError::EmptyKey);
                }
                change(doc, target, |f| {
                    f.set_property(&key, value);
                    Ok(())
                })
            }
            Edit::RemoveProperty { target, key } => change(doc, target, |f| {
                if f.property(&key).is_none() {
                    return Err(EditError::NoProperty(key.clone()));
                }
                f.edit_properties(|map| map.shift_remove(&key));
                Ok(())
            }),
            Edit::RenameProperty { target, from, to } => rename_property(doc, target, from, to),
            Edit::ReplaceProperties { target, properties } => change(doc, target, |f| {
                f.set_properties(properties);
                Ok(())
            }),
            Edit::SetGeometry {
                target,
                mut geometry,
            } => change(doc, target, |f| {
                // A geometry edited in raidmap is kept at most 7 decimals (≈ 1 cm).
                if let Some(g) = &mut geometry {
                    precision::round_geometry(g, precision::MAX_DECIMALS);
                }
                f.set_geometry(geometry);
                Ok(())
            }),
            Edit::SetMember { target, key, value } => {
                if matches!(
                    key.as_str(),
                    "type" | "id" | "geometry" | "properties" | "bbox"
                ) {
                    return Err(EditError::ReservedMember(key));
                }
                change(doc, target, |f| {
                    f.set_member(&key, value);
                    Ok(())
                })
            }
            Edit::ReplaceFeature { target, feature } => change(doc, target, |f| {
                *f = feature;
                Ok(())
            }),
            Edit::InsertFeature {
                layer,
                index,
                feature,
            } => insert_feature(doc, layer, index, feature),
            Edit::DeleteFeature { target } => delete_feature(doc, target),
            Edit::SetTopLevel { target, key, value } => {
                if key == "geometry" {
                    return Err(EditError::GeometryMember);
                }
                change(doc, target, |f| {
                    f.set_top_level(&key, value);
                    Ok(())
                })
            }
            Edit::SetGeometryExact {
                target,
                json,
                geometry,
            } => change(doc, target, |f| {
                f.set_geometry_exact(json, geometry);
                Ok(())
            }),
            Edit::DeleteFeatures { layer, indices } => delete_features(doc, layer, indices),
            Edit::InsertFeatures { layer, features } => insert_features(doc, layer, features),
            Edit::InsertPicture { index, picture } => {
                if !doc.insert_picture(index, picture) {
                    return Err(EditError::NoPicture(index));
                }
                Ok(Edit::RemovePicture { index })
            }
            Edit::RemovePicture { index } => {
                let picture = doc
                    .remove_picture(index)
                    .ok_or(EditError::NoPicture(index))?;
                Ok(Edit::InsertPicture { index, picture })
            }
            Edit::ReplacePicture { index, picture } => {
                let before = doc
                    .replace_picture(index, picture)
                    .ok_or(EditError::NoPicture(index))?;
                Ok(Edit::ReplacePicture {
                    index,
                    picture: before,
                })
            }
            Edit::Batch(edits) => apply_batch(doc, edits),
        }
    }

    /// Every whole feature this edit holds (to put back on undo or redo), with its layer.
    pub fn features_mut(&mut self, visit: &mut impl FnMut(LayerId, &mut Feature)) {
        match self {
            Edit::ReplaceFeature { target, feature } => visit(target.layer, feature),
            Edit::InsertFeature { layer, feature, .. } => visit(*layer, feature),
            Edit::InsertFeatures { layer, features } => {
                for (_, feature) in features {
                    visit(*layer, feature);
                }
            }
            Edit::Batch(edits) => {
                for edit in edits {
                    edit.features_mut(visit);
                }
            }
            _ => {}
        }
    }

    /// The features this edit touches (for the GUI to select or redraw them).
    pub fn targets(&self) -> Vec<FeatureRef> {
        match self {
            Edit::SetProperty { target, .. }
            | Edit::RemoveProperty { target, .. }
            | Edit::RenameProperty { target, .. }
            | Edit::ReplaceProperties { target, .. }
            | Edit::SetGeometry { target, .. }
            | Edit::SetMember { target, .. }
            | Edit::SetTopLevel { target, .. }
            | Edit::SetGeometryExact { target, .. }
            | Edit::ReplaceFeature { target, .. }
            | Edit::DeleteFeature { target } => vec![*target],
            Edit::InsertFeature { layer, index, .. } => vec![FeatureRef {
                layer: *layer,
                index: *index,
            }],
            Edit::DeleteFeatures { layer, indices } => indices
                .iter()
                .map(|&index| FeatureRef {
                    layer: *layer,
                    index,
                })
                .collect(),
            Edit::InsertFeatures { layer, features } => features
                .iter()
                .map(|(index, _)| FeatureRef {
                    layer: *layer,
                    index: *index,
                })
                .collect(),
            Edit::Batch(edits) => edits.iter().flat_map(Edit::targets).collect(),
            Edit::InsertPicture { .. }
            | Edit::RemovePicture { .. }
            | Edit::ReplacePicture { .. } => Vec::new(),
        }
    }
}

/// Rename a property, keeping its place among the others.
fn rename_property(
    doc: &mut Document,
    target: FeatureRef,
    from: String,
    to: String,
) -> Result<Edit, EditError> {
    if to.is_empty() {
        return Err(EditError::EmptyKey);
    }
    change(doc, target, |f| {
        if f.property(&from).is_none() {
            return Err(EditError::NoProperty(from.clone()));
        }
        if from == to {
            return Ok(());
        }
        if f.property(&to).is_some() {
            return Err(EditError::PropertyExists(to.clone()));
        }
        f.edit_properties(|map| {
            // Rebuild in order so the renamed key keeps its place.
            let old = std::mem::take(map);
            for (k, v) in old {
                map.insert(if k == from { to.clone() } else { k }, v);
            }
        });
        Ok(())
    })
}

/// Insert a feature at `index` of `layer`.
fn insert_feature(
    doc: &mut Document,
    layer: LayerId,
    index: usize,
    feature: Feature,
) -> Result<Edit, EditError> {
    let l = doc.layer(layer).ok_or(EditError::NoLayer)?;
    if index > l.features.len() {
        return Err(EditError::NoFeature(index));
    }
    let l = doc.layer_mut(layer).ok_or(EditError::NoLayer)?;
    l.features.insert(index, feature);
    Ok(Edit::DeleteFeature {
        target: FeatureRef { layer, index },
    })
}

/// Delete the feature `target`.
fn delete_feature(doc: &mut Document, target: FeatureRef) -> Result<Edit, EditError> {
    let l = doc.layer(target.layer).ok_or(EditError::NoLayer)?;
    if target.index >= l.features.len() {
        return Err(EditError::NoFeature(target.index));
    }
    let l = doc.layer_mut(target.layer).ok_or(EditError::NoLayer)?;
    let feature = l.features.remove(target.index);
    Ok(Edit::InsertFeature {
        layer: target.layer,
        index: target.index,
        feature,
    })
}

/// Delete the features at `indices` (ascending, each once) of `layer`.
fn delete_features(
    doc: &mut Document,
    layer: LayerId,
    indices: Vec<usize>,
) -> Result<Edit, EditError> {
    let len = doc.layer(layer).ok_or(EditError::NoLayer)?.features.len();
    check_ascending(indices.iter().copied(), len)?;
    let l = doc.layer_mut(layer).ok_or(EditError::NoLayer)?;
    let mut removed = Vec::with_capacity(indices.len());
    let mut next = indices.iter().copied().peekable();
    let kept = std::mem::take(&mut l.features)
        .into_iter()
        .enumerate()
        .filter_map(|(i, feature)| {
            if next.peek() == Some(&i) {
                next.next();
                removed.push((i, feature));
                None
            } else {
                Some(feature)
            }
        })
        .collect();
    l.features = kept;
    Ok(Edit::InsertFeatures {
        layer,
        features: removed,
    })
}

/// Insert features at their indices (ascending, as in the layer afterwards) of `layer`.
fn insert_features(
    doc: &mut Document,
    layer: LayerId,
    features: Vec<(usize, Feature)>,
) -> Result<Edit, EditError> {
    let len = doc.layer(layer).ok_or(EditError::NoLayer)?.features.len();
    check_ascending(features.iter().map(|(i, _)| *i), len + features.len())?;
    // The k-th new feature has k new ones before it, so at most `len` old ones.
    if let Some((k, (index, _))) = features
        .iter()
        .enumerate()
        .find(|(k, (index, _))| index - k > len)
    {
        return Err(EditError::NoFeature(index - k));
    }
    let indices: Vec<usize> = features.iter().map(|(i, _)| *i).collect();
    let l = doc.layer_mut(layer).ok_or(EditError::NoLayer)?;
    let old = std::mem::take(&mut l.features);
    let mut merged = Vec::with_capacity(old.len() + features.len());
    let mut old = old.into_iter();
    for (index, feature) in features {
        merged.extend(old.by_ref().take(index - merged.len()));
        merged.push(feature);
    }
    merged.extend(old);
    l.features = merged;
    Ok(Edit::DeleteFeatures { layer, indices })
}

/// Apply `edits` in order; on an error undo those done, newest first, and return it.
fn apply_batch(doc: &mut Document, edits: Vec<Edit>) -> Result<Edit, EditError> {
    let mut inverses = Vec::with_capacity(edits.len());
    for edit in edits {
        match edit.apply(doc) {
            Ok(inverse) => inverses.push(inverse),
            Err(err) => {
                // Leave the document as it was: undo what was done, newest first.
                for inverse in inverses.into_iter().rev() {
                    let _ = inverse.apply(doc);
                }
                return Err(err);
            }
        }
    }
    inverses.reverse();
    Ok(Edit::Batch(inverses))
}

/// Indices strictly ascending and below `len`.
fn check_ascending(indices: impl Iterator<Item = usize>, len: usize) -> Result<(), EditError> {
    let mut previous = None;
    for index in indices {
        if index >= len {
            return Err(EditError::NoFeature(index));
        }
        if previous.is_some_and(|p| p >= index) {
            return Err(EditError::UnorderedIndices);
        }
        previous = Some(index);
    }
    Ok(())
}

/// Change one feature in place; the inverse puts the previous feature back.
fn change(
    doc: &mut Document,
    target: FeatureRef,
    edit: impl FnOnce(&mut Feature) -> Result<(), EditError>,
) -> Result<Edit, EditError> {
    let layer = doc.layer(target.layer).ok_or(EditError::NoLayer)?;
    let mut feature = layer
        .features
        .get(target.index)
        .ok_or(EditError::NoFeature(target.index))?
        .clone();
    edit(&mut feature)?;
    let old = &layer.features[target.index];
    let same_geometry = match (feature.point(), old.point()) {
        (Some(a), Some(b)) => a == b,
        // Read without keeping: renaming one of 300,000 buildings leaves it holding its box.
        (None, None) => feature.with_geometry(|a| old.with_geometry(|b| a == b)),
        _ => false,
    };
    let slot = if same_geometry {
        doc.feature_mut_same_geometry(target)
    } else {
        doc.layer_mut(target.layer)
            .and_then(|l| l.features.get_mut(target.index))
    }
    .ok_or(EditError::NoFeature(target.index))?;
    let before = std::mem::replace(slot, feature);
    Ok(Edit::ReplaceFeature {
        target,
        feature: before,
    })
}

#[cfg(test)]
mod tests;

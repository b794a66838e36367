//! Edits of the document as values, each applied with its inverse, and the undo/redo history.
//!
//! An [`Edit`] names what changes (a property, a geometry, a whole feature, a feature added or
//! deleted) and where ([`FeatureRef`]). [`Edit::apply`] changes the [`Document`] and returns the
//! edit that undoes it, so [`History`] keeps one list of inverses across all layers: undo
//! applies an inverse and keeps *its* inverse for redo. Inverses of feature changes put the
//! whole previous [`Feature`] back, so an undone feature is again exactly what it was (its
//! original text included, and so written back byte for byte).
//!
//! Nothing here knows about the screen; the GUI turns clicks into edits and the tests apply
//! them directly.

mod history;
pub mod vertex;

pub use history::{Entry, History};

use geo::Geometry;
use serde_json::Value;

use crate::model::{Document, Feature, FeatureRef, LayerId, precision};

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
            Edit::RenameProperty { target, from, to } => {
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
            } => {
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
            Edit::DeleteFeature { target } => {
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
            Edit::Batch(edits) => {
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
            | Edit::ReplaceFeature { target, .. }
            | Edit::DeleteFeature { target } => vec![*target],
            Edit::InsertFeature { layer, index, .. } => vec![FeatureRef {
                layer: *layer,
                index: *index,
            }],
            Edit::Batch(edits) => edits.iter().flat_map(Edit::targets).collect(),
        }
    }
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
        (None, None) => feature.geometry() == old.geometry(),
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

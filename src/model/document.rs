//! The open layers, addressed by stable ids.

use std::sync::Arc;

use super::property_texts::SharedTexts;
use super::{Feature, Layer, LayerKind, Picture, PropertyTexts};

/// A layer's identity for as long as the program runs (indices shift when layers are removed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LayerId(pub u64);

/// One feature of one layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FeatureRef {
    pub layer: LayerId,
    pub index: usize,
}

/// Every open layer, in drawing order (first drawn first, i.e. at the bottom).
///
/// Every change goes through `&mut self` methods, which bump a revision counter: the document's
/// [`revision`](Self::revision) changes with anything, a layer's
/// [`layer_revision`](Self::layer_revision) with that layer, its
/// [`geometry_revision`](Self::geometry_revision) only when its features' geometries or their
/// number changed (a property edit leaves spatial indexes and density grids valid). Caches key
/// on them.
#[derive(Debug, Default, Clone)]
pub struct Document {
    layers: Vec<(LayerId, Layer, u64)>,
    /// Per layer, in the order of `layers`: the revision of the last change of geometry.
    geometry: Vec<u64>,
    next_id: u64,
    revision: u64,
    /// Pictures pinned onto the map, in drawing order.
    pictures: Vec<Picture>,
    /// The layers' property texts while threads read them (see [`Document::property_texts`]).
    texts: SharedTexts,
}

impl Document {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a layer on top and return its id.
    pub fn add_layer(&mut self, layer: Layer) -> LayerId {
        let id = LayerId(self.next_id);
        self.next_id += 1;
        self.revision += 1;
        self.layers.push((id, layer, self.revision));
        self.geometry.push(self.revision);
        id
    }

    /// Remove a layer; returns it if it existed.
    pub fn remove_layer(&mut self, id: LayerId) -> Option<Layer> {
        let pos = self.layers.iter().position(|(i, _, _)| *i == id)?;
        self.revision += 1;
        self.geometry.remove(pos);
        Some(self.layers.remove(pos).1)
    }

    pub fn layer(&self, id: LayerId) -> Option<&Layer> {
        self.layers
            .iter()
            .find(|(i, _, _)| *i == id)
            .map(|(_, l, _)| l)
    }

    /// A layer to change; counts as a change of the layer (its revision and the document's go
    /// up).
    pub fn layer_mut(&mut self, id: LayerId) -> Option<&mut Layer> {
        let pos = self.layers.iter().position(|(i, _, _)| *i == id)?;
        self.revision += 1;
        self.geometry[pos] = self.revision;
        let (_, layer, revision) = &mut self.layers[pos];
        *revision = self.revision;
        Some(layer)
    }

    /// A feature to change without changing its geometry (a property edit): the layer's
    /// revision goes up, its geometry revision does not.
    pub fn feature_mut_same_geometry(&mut self, r: FeatureRef) -> Option<&mut Feature> {
        let (_, layer, revision) = self.layers.iter_mut().find(|(i, _, _)| *i == r.layer)?;
        let feature = layer.features.get_mut(r.index)?;
        self.revision += 1;
        *revision = self.revision;
        Some(feature)
    }

    /// Goes up when the layer's geometries or its number of features change; `None` for a
    /// layer that is not open.
    pub fn geometry_revision(&self, id: LayerId) -> Option<u64> {
        let pos = self.layers.iter().position(|(i, _, _)| *i == id)?;
        self.geometry.get(pos).copied()
    }

    /// Goes up with every change to the document (layers added, removed or changed).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Goes up with every change to the layer; `None` for a layer that is not open.
    pub fn layer_revision(&self, id: LayerId) -> Option<u64> {
        self.layers
            .iter()
            .find(|(i, _, _)| *i == id)
            .map(|(_, _, r)| *r)
    }

    /// The texts of layer `id`'s properties at its current revision, for reading on other
    /// threads: one pass over the features the first time after a change, then the same copy
    /// for every caller while one of them still holds it.
    pub fn property_texts(&self, id: LayerId) -> Option<Arc<PropertyTexts>> {
        let (_, layer, revision) = self.layers.iter().find(|(i, _, _)| *i == id)?;
        Some(self.texts.get(*revision, &layer.features))
    }

    pub fn feature(&self, r: FeatureRef) -> Option<&Feature> {
        self.layer(r.layer)?.features.get(r.index)
    }

    /// Layers in drawing order, with their ids.
    pub fn layers(&self) -> impl DoubleEndedIterator<Item = (LayerId, &Layer)> {
        self.layers.iter().map(|(i, l, _)| (*i, l))
    }

    pub fn len(&self) -> usize {
        self.layers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// The pictures pinned onto the map, in drawing order.
    pub fn pictures(&self) -> &[Picture] {
        &self.pictures
    }

    /// Insert a picture at `index` (`index` = the number of pictures appends); `false` when
    /// `index` is past the end.
    pub fn insert_picture(&mut self, index: usize, picture: Picture) -> bool {
        if index > self.pictures.len() {
            return false;
        }
        self.pictures.insert(index, picture);
        self.revision += 1;
        true
    }

    /// Remove the picture at `index`.
    pub fn remove_picture(&mut self, index: usize) -> Option<Picture> {
        if index >= self.pictures.len() {
            return None;
        }
        self.revision += 1;
        Some(self.pictures.remove(index))
    }

    /// Put `picture` in the place of the one at `index`; returns the one it replaced.
    pub fn replace_picture(&mut self, index: usize, picture: Picture) -> Option<Picture> {
        let slot = self.pictures.get_mut(index)?;
        self.revision += 1;
        Some(std::mem::replace(slot, picture))
    }

    /// The Measurements layer, created on first use.
    pub fn measurements_mut(&mut self) -> (LayerId, &mut Layer) {
        let id = match self
            .layers
            .iter()
            .find(|(_, l, _)| l.kind == LayerKind::Measurements)
        {
            Some((id, _, _)) => *id,
            None => self.add_layer(Layer::new("Measurements", LayerKind::Measurements)),
        };
        let layer = self
            .layer_mut(id)
            .expect("the measurements layer was just found or added");
        (id, layer)
    }
}

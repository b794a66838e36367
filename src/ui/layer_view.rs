//! How each open layer is shown: visibility, its style (`crate::style`), the timeline's filter
//! and its spatial index.

use egui::Color32;

use crate::model::{Layer, SpatialIndex};
use crate::style::{LayerStyle, Rgba};

/// An egui colour from a style colour (straight alpha).
pub fn color32(color: Rgba) -> Color32 {
    let [r, g, b, a] = color.0;
    Color32::from_rgba_unmultiplied(r, g, b, a)
}

/// View state of one layer.
pub struct LayerView {
    pub visible: bool,
    /// How the layer is drawn (saved with the project).
    pub style: LayerStyle,
    pub index: SpatialIndex,
    /// The layer's revision when the index was built; the index is rebuilt when it changes.
    indexed_revision: Option<u64>,
    /// Which features the timeline's window lets the map draw and pick, by index; `None`
    /// shows all (no window, or the layer has no dates).
    pub time_filter: Option<Vec<bool>>,
}

impl LayerView {
    /// The view for the `nth` layer opened.
    pub fn new(layer: &Layer, nth: usize) -> Self {
        Self {
            visible: true,
            style: LayerStyle::nth(layer, nth),
            index: SpatialIndex::build(layer),
            indexed_revision: None,
            time_filter: None,
        }
    }

    /// Whether the timeline lets the map show feature `index`.
    pub fn shows(&self, index: usize) -> bool {
        self.time_filter
            .as_ref()
            .is_none_or(|f| f.get(index).copied().unwrap_or(true))
    }

    /// The index was built from the layer at `revision` (a view made for a layer just added).
    pub fn mark_indexed(&mut self, revision: Option<u64>) {
        self.indexed_revision = revision;
    }

    /// Rebuild the index if the layer changed since it was built (`revision` is the
    /// document's [`layer_revision`](crate::model::Document::layer_revision)).
    /// Returns whether it was rebuilt.
    pub fn refresh(&mut self, layer: &Layer, revision: Option<u64>) -> bool {
        if revision == self.indexed_revision {
            return false;
        }
        self.index = SpatialIndex::build(layer);
        self.indexed_revision = revision;
        true
    }
}

/// Default views for every layer of `doc`, as the window gives layers opened in that order.
pub fn views_for(
    doc: &crate::model::Document,
) -> std::collections::HashMap<crate::model::LayerId, LayerView> {
    doc.layers()
        .enumerate()
        .map(|(nth, (id, layer))| (id, LayerView::new(layer, nth)))
        .collect()
}

//! How each open layer is shown: visibility, colour and its spatial index.

use egui::Color32;

use crate::model::{Layer, LayerKind, SpatialIndex};

/// Calm, distinguishable colours for data layers, in the order layers are opened.
const PALETTE: [Color32; 6] = [
    Color32::from_rgb(214, 39, 40), // red: the first layer, usually the sites
    Color32::from_rgb(31, 119, 180), // blue
    Color32::from_rgb(44, 160, 44), // green
    Color32::from_rgb(148, 103, 189), // purple
    Color32::from_rgb(255, 127, 14), // orange
    Color32::from_rgb(23, 190, 207), // teal
];

/// Colour of the Measurements layer.
pub const MEASUREMENT_COLOR: Color32 = Color32::from_rgb(120, 20, 60);

/// How a layer's points are drawn. Layers opened one after another get different symbols, so
/// two layers with features at the same place (a site and the raid on it) both stay visible:
/// the second layer's ring goes around the first layer's dot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbol {
    Dot,
    Ring,
    Diamond,
    Square,
}

const SYMBOLS: [Symbol; 4] = [Symbol::Dot, Symbol::Ring, Symbol::Diamond, Symbol::Square];

/// View state of one layer.
pub struct LayerView {
    pub visible: bool,
    pub color: Color32,
    pub symbol: Symbol,
    pub index: SpatialIndex,
    /// Feature count when the index was built; the index is rebuilt when it changes.
    indexed_count: usize,
    /// Which features the timeline's window lets the map draw and pick, by index; `None`
    /// shows all (no window, or the layer has no dates).
    pub time_filter: Option<Vec<bool>>,
}

impl LayerView {
    /// The view for the `nth` layer opened.
    pub fn new(layer: &Layer, nth: usize) -> Self {
        let color = match layer.kind {
            LayerKind::Measurements => MEASUREMENT_COLOR,
            LayerKind::Data => PALETTE[nth % PALETTE.len()],
        };
        Self {
            visible: true,
            color,
            symbol: SYMBOLS[nth % SYMBOLS.len()],
            index: SpatialIndex::build(layer),
            indexed_count: layer.features.len(),
            time_filter: None,
        }
    }

    /// Whether the timeline lets the map show feature `index`.
    pub fn shows(&self, index: usize) -> bool {
        self.time_filter
            .as_ref()
            .is_none_or(|f| f.get(index).copied().unwrap_or(true))
    }

    /// Rebuild the index if the layer gained or lost features.
    pub fn refresh(&mut self, layer: &Layer) {
        if layer.features.len() != self.indexed_count {
            self.index = SpatialIndex::build(layer);
            self.indexed_count = layer.features.len();
        }
    }
}

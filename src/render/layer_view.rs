//! How each open layer is shown: visibility, its style (`crate::style`), the timeline's filter,
//! its spatial index and its density grids.

use std::cell::{OnceCell, RefCell};

use egui::Color32;

use crate::model::{Density, Layer, SpatialIndex};
use crate::style::{FeatureStyle, LayerStyle, Legend, Rgba};
use crate::timeline::LayerDates;

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
    /// shows all (no window, or the layer has no dates). Set with [`LayerView::set_time_filter`].
    pub time_filter: Option<Vec<bool>>,
    /// Feature counts per cell, for drawing a big layer at low zoom (every feature).
    density: Density,
    /// The same for the features `time_filter` shows, counted when first needed.
    filtered_density: OnceCell<Density>,
    /// The legend, with the layer revision and style it was made for (making it reads every
    /// feature's property, which must not happen every frame).
    legend: RefCell<Option<(u64, LayerStyle, Legend)>>,
    /// Each drawn feature's style, when it depends on its properties (see [`StyleCache`]).
    styles: RefCell<StyleCache>,
}

/// The styles of a layer's features resolved from their properties, each when first drawn,
/// kept for the layer revision and style they were made for (a few bytes a feature, instead
/// of reading its properties every frame or keeping them parsed).
#[derive(Default)]
struct StyleCache {
    key: Option<(Option<u64>, LayerStyle)>,
    by_feature: Vec<Option<FeatureStyle>>,
}

/// What a file's reading thread prepares besides the layer, so the window gets it ready.
pub struct Prepared {
    pub index: SpatialIndex,
    pub density: Density,
    /// The layer's date fields and dates, for the timeline (`None`: the timeline reads them).
    pub dates: Option<LayerDates>,
}

impl Prepared {
    /// The index and density grids of `layer`.
    pub fn of(layer: &Layer) -> Self {
        Self {
            index: SpatialIndex::build(layer),
            density: Density::build(layer, None),
            dates: None,
        }
    }

    /// Everything, dates included (on the thread that read the file).
    pub fn all(layer: &Layer) -> Self {
        Self {
            dates: Some(LayerDates::read(layer)),
            ..Self::of(layer)
        }
    }
}

impl LayerView {
    /// The layer's legend in its current style, made again only when the layer (its
    /// `revision`) or the style changed.
    pub fn legend(&self, layer: &Layer, revision: u64) -> Legend {
        let mut memo = self.legend.borrow_mut();
        match &*memo {
            Some((r, style, legend)) if *r == revision && *style == self.style => legend.clone(),
            _ => {
                let legend = self.style.legend(layer);
                *memo = Some((revision, self.style.clone(), legend.clone()));
                legend
            }
        }
    }

    /// Forget the features' styles unless they were made for the layer at `revision` in the
    /// current style (once a frame, before drawing). Returns whether they were forgotten.
    pub fn sync_styles(&self, revision: Option<u64>) -> bool {
        let mut cache = self.styles.borrow_mut();
        let current = cache
            .key
            .as_ref()
            .is_some_and(|(r, style)| *r == revision && *style == self.style);
        if !current {
            *cache = StyleCache {
                key: Some((revision, self.style.clone())),
                by_feature: Vec::new(),
            };
        }
        !current
    }

    /// How feature `index` of `layer` (this view's layer) is drawn.
    pub fn feature_style(&self, layer: &Layer, index: usize) -> FeatureStyle {
        let feature = &layer.features[index];
        if !self.style.by_property() {
            return self.style.feature_style(feature);
        }
        let mut cache = self.styles.borrow_mut();
        if cache.by_feature.len() != layer.features.len() {
            cache.by_feature = vec![None; layer.features.len()];
        }
        *cache.by_feature[index].get_or_insert_with(|| self.style.feature_style(feature))
    }

    /// The view for the `nth` layer opened.
    pub fn new(layer: &Layer, nth: usize) -> Self {
        Self::prepared(layer, nth, Prepared::of(layer))
    }

    /// The view for the `nth` layer opened, with its index already built.
    pub fn prepared(layer: &Layer, nth: usize, prepared: Prepared) -> Self {
        Self {
            visible: true,
            style: LayerStyle::nth(layer, nth),
            index: prepared.index,
            indexed_revision: None,
            time_filter: None,
            density: prepared.density,
            filtered_density: OnceCell::new(),
            legend: RefCell::new(None),
            styles: RefCell::default(),
        }
    }

    /// Show only the features `filter` lets through (by index), or all.
    pub fn set_time_filter(&mut self, filter: Option<Vec<bool>>) {
        self.time_filter = filter;
        self.filtered_density = OnceCell::new();
    }

    /// Counts per cell of the features the map shows (`layer` is this view's layer).
    pub fn density(&self, layer: &Layer) -> &Density {
        match &self.time_filter {
            None => &self.density,
            Some(filter) => self
                .filtered_density
                .get_or_init(|| Density::build(layer, Some(filter))),
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

    /// Rebuild the index and density grids if the layer changed since it was built (`revision` is the
    /// document's [`layer_revision`](crate::model::Document::layer_revision)).
    /// Returns whether it was rebuilt.
    pub fn refresh(&mut self, layer: &Layer, revision: Option<u64>) -> bool {
        if revision == self.indexed_revision {
            return false;
        }
        let Prepared { index, density, .. } = Prepared::of(layer);
        self.index = index;
        self.density = density;
        self.filtered_density = OnceCell::new();
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

//! How each open layer is shown: visibility, its style (`crate::style`) with every feature's
//! style and label resolved once per layer revision and style, the timeline's filter, its
//! spatial index and its density grids. In the window, what depends on every feature of a big
//! layer (resolved styles, counts for a time window) is worked out on another thread while
//! the last result is drawn, so a style or window change costs the frame almost nothing.

use std::cell::{Cell, RefCell};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::Color32;

use crate::model::{Density, Document, Layer, LayerId, SpatialIndex};
use crate::render::frame_cache::FrameCache;
use crate::style::{FeatureStyle, GeometryKinds, LayerStyle, Legend, Resolved, Rgba};
use crate::timeline::{Filter, LayerDates};

/// An egui colour from a style colour (straight alpha).
pub fn color32(color: Rgba) -> Color32 {
    let [r, g, b, a] = color.0;
    Color32::from_rgba_unmultiplied(r, g, b, a)
}

/// Below this many features a layer's styles and time-window counts are worked out on the
/// thread that draws (a few milliseconds); from it on, on another thread while the last
/// result is still drawn (in a view that [`LayerView::work_in_background`]).
pub const BACKGROUND_FROM: usize = 20_000;

/// View state of one layer.
pub struct LayerView {
    pub visible: bool,
    /// How the layer is drawn (saved with the project); changed only through
    /// [`LayerView::set_style`] and [`LayerView::style_mut`], which move `style_revision`.
    style: LayerStyle,
    /// Goes up with every change of `style` (unique across views: see [`next_style_revision`]).
    style_revision: u64,
    pub index: SpatialIndex,
    /// The layer's revision when the index was built; the index is rebuilt when it changes.
    indexed_revision: Option<u64>,
    /// Which features the timeline's window lets the map draw and pick, by index; `None`
    /// shows all (no window, or the layer has no dates). Set with [`LayerView::set_time_filter`].
    pub time_filter: Option<Arc<Filter>>,
    /// Each feature's finest density cell, for counting the features a window shows.
    cells: Arc<Vec<u32>>,
    /// Feature counts per cell, for drawing a big layer at low zoom (every feature).
    density: Arc<Density>,
    /// The same for the features `time_filter` shows, counted when first needed.
    filtered: RefCell<Worked<u64, Arc<Density>>>,
    /// How many times the time filter was set (what `filtered` is for).
    filter_generation: u64,
    /// Every feature's style and label and the legend, for the layer's revisions and a
    /// style revision.
    resolved: RefCell<Worked<(Revisions, u64), Resolved>>,
    /// The layer's geometry revision when the styles were last brought up to date: a resolved
    /// value made for another one is not used for drawing (its features may have changed
    /// place in the list).
    synced_geometry: Cell<Option<Option<u64>>>,
    /// Whether big layers' styles and counts are worked out on another thread (the window)
    /// or at once (images, the command line).
    background: bool,
    /// The kinds of geometry the layer holds (for its legend's swatch), for a geometry
    /// revision: a style change or a property edit does not look through the features again.
    kinds: Cell<Option<(Option<u64>, GeometryKinds)>>,
    /// Features the drawing path looked at in the spatial index since
    /// [`LayerView::take_visits`] was last called (what a frame's work grows with).
    visits: Cell<u64>,
    /// While no resolved styles fit the layer (a big layer's first pass on the worker), the
    /// styles read one by one from the features the last frame drew, for the revisions and
    /// style revision they were read in: a frame does not read again those it read before.
    read_styles: RefCell<ReadStyles>,
}

/// Styles read from the features' text, and the revisions and style revision they were read in.
type ReadStyles = (Option<(Revisions, u64)>, FrameCache<usize, FeatureStyle>);

/// A layer's revisions in the document, which a view's caches are keyed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Revisions {
    /// Goes up with any change to the layer.
    pub layer: Option<u64>,
    /// Goes up when its geometries or its number of features change.
    pub geometry: Option<u64>,
}

impl Revisions {
    /// Layer `id`'s revisions in `doc`.
    pub fn of(doc: &Document, id: LayerId) -> Self {
        Self {
            layer: doc.layer_revision(id),
            geometry: doc.geometry_revision(id),
        }
    }
}

/// A style revision no view has had: views made anew (a project opened again) never reuse
/// one, so a cache keyed on layer ids and style revisions cannot mistake one style for another.
fn next_style_revision() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A value for a key, and maybe the value for a newer key being worked out on another thread.
struct Worked<K, T> {
    current: Option<(K, T)>,
    pending: Option<(K, Receiver<T>)>,
}

impl<K, T> Default for Worked<K, T> {
    fn default() -> Self {
        Self {
            current: None,
            pending: None,
        }
    }
}

impl<K: PartialEq, T: Send + 'static> Worked<K, T> {
    /// Make the current value the one for `key`: at once with `now`, or (`background`) by
    /// starting `later` on another thread unless it runs already, taking its value once
    /// done. Returns whether the current value changed.
    fn update(
        &mut self,
        key: K,
        background: bool,
        now: impl FnOnce() -> T,
        later: impl FnOnce() -> Box<dyn FnOnce() -> T + Send>,
    ) -> bool {
        if self.current.as_ref().is_some_and(|(k, _)| *k == key) {
            return false;
        }
        if let Some((k, rx)) = &self.pending
            && *k == key
        {
            return match rx.try_recv() {
                Ok(value) => {
                    self.current = Some((key, value));
                    self.pending = None;
                    true
                }
                Err(TryRecvError::Empty) => false,
                Err(TryRecvError::Disconnected) => {
                    // The worker died (it cannot, short of running out of memory): do it here.
                    self.pending = None;
                    self.current = Some((key, now()));
                    true
                }
            };
        }
        if !background {
            self.pending = None;
            self.current = Some((key, now()));
            return true;
        }
        let (tx, rx) = channel();
        let work = later();
        let started = std::thread::Builder::new()
            .name("layer-view".into())
            .spawn(move || {
                let _ = tx.send(work());
            });
        if started.is_err() {
            self.current = Some((key, now()));
            return true;
        }
        self.pending = Some((key, rx));
        false
    }

    /// The current value (maybe for an older key).
    fn value(&self) -> Option<&T> {
        self.current.as_ref().map(|(_, v)| v)
    }
}

/// What a file's reading thread prepares besides the layer, so the window gets it ready.
pub struct Prepared {
    pub index: SpatialIndex,
    pub cells: Vec<u32>,
    pub density: Density,
    /// The layer's date fields and dates, for the timeline (`None`: the timeline reads them).
    pub dates: Option<LayerDates>,
}

impl Prepared {
    /// The index and density grids of `layer`.
    pub fn of(layer: &Layer) -> Self {
        let cells = Density::cells(layer);
        Self {
            index: SpatialIndex::build(layer),
            density: Density::of_cells(&cells, None),
            cells,
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
    /// Work out big layers' styles and time-window counts on other threads from now on,
    /// drawing the last result until the new one is ready (the window does; images do not).
    pub fn work_in_background(&mut self) {
        self.background = true;
    }

    /// How the layer is drawn.
    pub fn style(&self) -> &LayerStyle {
        &self.style
    }

    /// Draw the layer in `style` (the style revision moves only if it differs).
    pub fn set_style(&mut self, style: LayerStyle) {
        if style != self.style {
            self.style = style;
            self.style_revision = next_style_revision();
        }
    }

    /// The style to change in place (counts as a change of style).
    pub fn style_mut(&mut self) -> &mut LayerStyle {
        self.style_revision = next_style_revision();
        &mut self.style
    }

    /// Goes up with every change of the style; no two views share one (what caches of
    /// anything made from the style key on, instead of comparing styles).
    pub fn style_revision(&self) -> u64 {
        self.style_revision
    }

    /// Whether something is being worked out on another thread (the map redraws until done).
    pub fn is_working(&self) -> bool {
        self.resolved.borrow().pending.is_some() || self.filtered.borrow().pending.is_some()
    }

    /// Bring the features' styles, labels and legend up to layer `id` of `doc` (this view's
    /// layer) in the current style (once a frame, before drawing): at once for a small layer
    /// or a view not working in background, else on another thread. Returns whether they
    /// changed.
    pub fn sync_styles(&self, doc: &Document, id: LayerId) -> bool {
        let Some(layer) = doc.layer(id) else {
            return false;
        };
        let background = self.background && layer.features.len() >= BACKGROUND_FROM;
        self.resolve(doc, id, layer, background)
    }

    /// The same, at once whatever the layer's size (an image is about to be drawn).
    pub fn resolve_now(&self, doc: &Document, id: LayerId) {
        let Some(layer) = doc.layer(id) else { return };
        self.resolve(doc, id, layer, false);
        let _ = self.density(layer, false);
    }

    /// The kinds of geometry of `layer` (this view's layer) at geometry revision `revision`,
    /// looked for only when that changed.
    fn kinds(&self, layer: &Layer, revision: Option<u64>) -> GeometryKinds {
        match self.kinds.get() {
            Some((r, kinds)) if r == revision => kinds,
            _ => {
                let kinds = GeometryKinds::of(layer);
                self.kinds.set(Some((revision, kinds)));
                kinds
            }
        }
    }

    fn resolve(&self, doc: &Document, id: LayerId, layer: &Layer, background: bool) -> bool {
        let revisions = Revisions::of(doc, id);
        self.synced_geometry.set(Some(revisions.geometry));
        let mut read = self.read_styles.borrow_mut();
        let read_for = Some((revisions, self.style_revision));
        if read.0 == read_for {
            read.1.next_frame();
        } else {
            *read = (read_for, FrameCache::default());
        }
        drop(read);
        let style = &self.style;
        let key = (revisions, self.style_revision);
        let name = layer.name.clone();
        let swatch = || self.kinds(layer, revisions.geometry).swatch(style);
        // The texts the timeline's dates are read from after the same change, shared.
        let texts = || doc.property_texts(id).unwrap_or_default();
        self.resolved.borrow_mut().update(
            key,
            background,
            || Resolved::compute(style, &texts(), &name, swatch()),
            || {
                let (style, texts, swatch) = (style.clone(), texts(), swatch());
                let name = name.clone();
                Box::new(move || Resolved::compute(&style, &texts, &name, swatch))
            },
        )
    }

    /// The styles and labels resolved for this layer's features as they were when the styles
    /// were last brought up to date (same geometry revision; while a new style or a property
    /// edit is worked out, the last one's). None before the first is ready or after the
    /// features changed: then each feature's own properties are read.
    fn resolved_for(&self) -> Option<std::cell::Ref<'_, Resolved>> {
        let synced = self.synced_geometry.get()?;
        std::cell::Ref::filter_map(self.resolved.borrow(), |w| match &w.current {
            Some(((revisions, _), resolved)) if revisions.geometry == synced => Some(resolved),
            _ => None,
        })
        .ok()
    }

    /// The layer's legend in its current style (the last one while a new style is worked
    /// out; none before the first is).
    pub fn legend(&self) -> Option<Legend> {
        self.resolved.borrow().value().map(|r| r.legend().clone())
    }

    /// How feature `index` of `layer` (this view's layer) is drawn.
    pub fn feature_style(&self, layer: &Layer, index: usize) -> FeatureStyle {
        if let Some(style) = self.resolved_for().and_then(|r| r.style(index)) {
            return style;
        }
        // Not resolved for these features yet: read this one feature (once while it stays
        // in view).
        let mut read = self.read_styles.borrow_mut();
        if read
            .0
            .is_none_or(|(_, style_revision)| style_revision != self.style_revision)
        {
            *read = (None, FrameCache::default());
        }
        *read.1.get_or_insert_with(index, || {
            layer.features.get(index).map_or_else(
                || self.style.style_of(None),
                |f| self.style.feature_style(f),
            )
        })
    }

    /// The label of feature `index` from the label property, and whether it is a kept
    /// measurement instead (labelled by its number).
    pub fn label(&self, layer: &Layer, index: usize) -> (Option<String>, bool) {
        match self.resolved_for() {
            Some(r) => (r.label(index).map(str::to_owned), r.is_measurement(index)),
            // Not resolved yet (a big layer's first pass, or a caller that drew nothing
            // before): read this one feature.
            None => layer.features.get(index).map_or((None, false), |f| {
                f.with_properties(|p| {
                    let method = p.and_then(|p| p.get("method")).and_then(|m| m.as_str());
                    (
                        self.style.label_in(p),
                        method == Some(crate::measure::METHOD),
                    )
                })
            }),
        }
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
            style_revision: next_style_revision(),
            index: prepared.index,
            indexed_revision: None,
            time_filter: None,
            cells: Arc::new(prepared.cells),
            density: Arc::new(prepared.density),
            filtered: RefCell::default(),
            filter_generation: 0,
            resolved: RefCell::default(),
            synced_geometry: Cell::new(None),
            background: false,
            kinds: Cell::new(None),
            visits: Cell::new(0),
            read_styles: RefCell::default(),
        }
    }

    /// Show only the features `filter` lets through (by index), or all.
    pub fn set_time_filter(&mut self, filter: Option<impl Into<Filter>>) {
        self.time_filter = filter.map(|f| Arc::new(f.into()));
        self.filter_generation += 1;
    }

    /// Goes up each time the time filter is set (what caches of the features shown key on).
    pub fn filter_generation(&self) -> u64 {
        self.filter_generation
    }

    /// Counts per cell of the features the map shows (`layer` is this view's layer): for a
    /// time window the last counts made while those for a new window are worked out.
    pub fn density(&self, layer: &Layer, background: bool) -> Arc<Density> {
        let Some(filter) = &self.time_filter else {
            return Arc::clone(&self.density);
        };
        let background = background && self.background && layer.features.len() >= BACKGROUND_FROM;
        let mut filtered = self.filtered.borrow_mut();
        let (cells, f) = (&self.cells, filter);
        let stale = cells.len() != layer.features.len();
        filtered.update(
            self.filter_generation,
            background && !stale,
            || {
                let made;
                let cells = if stale {
                    made = Density::cells(layer);
                    &made
                } else {
                    cells.as_ref()
                };
                Arc::new(Density::of_cells(cells, Some(&|i| f.shows(i))))
            },
            || {
                let (cells, f) = (Arc::clone(cells), Arc::clone(f));
                Box::new(move || Arc::new(Density::of_cells(&cells, Some(&|i| f.shows(i)))))
            },
        );
        match filtered.value() {
            Some(d) => Arc::clone(d),
            // The first window: all features' counts until the window's are ready.
            None => Arc::clone(&self.density),
        }
    }

    /// Count `n` more features looked at in the spatial index by the drawing path.
    pub(crate) fn count_visits(&self, n: u64) {
        self.visits.set(self.visits.get() + n);
    }

    /// How many features the drawing path looked at since the last call (tests check that
    /// a frame looks at about as many features as it shows, however many lie out of view).
    pub fn take_visits(&self) -> u64 {
        self.visits.take()
    }

    /// Whether the timeline lets the map show feature `index`.
    pub fn shows(&self, index: usize) -> bool {
        self.time_filter.as_ref().is_none_or(|f| f.shows(index))
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
        let Prepared {
            index,
            cells,
            density,
            ..
        } = Prepared::of(layer);
        self.index = index;
        self.cells = Arc::new(cells);
        self.density = Arc::new(density);
        self.filtered = RefCell::default();
        self.filter_generation += 1;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FeatureRef, Picture};
    use crate::style::{Categories, Category};

    /// `n` points, every other one a casino, named by number.
    fn sites(n: usize) -> (Document, LayerId) {
        let features: Vec<String> = (0..n)
            .map(|i| {
                let kind = if i % 2 == 0 { "casino" } else { "hotel" };
                format!(
                    r#"{{"type":"Feature","properties":{{"name":"s{i}","kind":"{kind}"}},"geometry":{{"type":"Point","coordinates":[{},{}]}}}}"#,
                    102.5 + 0.0001 * (i % 1000) as f64,
                    11.0 + 0.0001 * (i / 1000) as f64
                )
            })
            .collect();
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        );
        let mut doc = Document::new();
        let id = doc.add_layer(crate::io::read_str(&text, "sites.geojson").expect("valid"));
        (doc, id)
    }

    /// Casinos red, the rest grey, labelled by name.
    fn by_kind(view: &mut LayerView) {
        let style = view.style_mut();
        style.label = Some("name".into());
        style.categories = Some(Categories {
            property: "kind".into(),
            classes: vec![Category {
                value: "casino".into(),
                color: Rgba([200, 0, 0, 255]),
            }],
            other: Rgba([90, 90, 90, 255]),
        });
    }

    #[test]
    fn before_a_big_layers_first_styles_come_each_feature_is_drawn_in_its_style_of_the_moment() {
        let (doc, id) = sites(BACKGROUND_FROM);
        let layer = doc.layer(id).expect("open");
        let mut view = LayerView::new(layer, 0);
        view.work_in_background();
        by_kind(&mut view);
        let read = |view: &LayerView, i: usize| view.style().feature_style(&layer.features[i]);
        // The first frame starts the worker; drawn meanwhile from each feature's text, and
        // a second frame draws the same.
        view.sync_styles(&doc, id);
        for _ in 0..2 {
            for i in [0, 1, 7, 4242] {
                assert_eq!(view.feature_style(layer, i), read(&view, i));
            }
        }
        assert_eq!(view.feature_style(layer, 0).color, Rgba([200, 0, 0, 255]));
        // A new style before the next frame: drawn in it at once.
        if let Some(c) = view.style_mut().categories.as_mut() {
            c.classes[0].color = Rgba([0, 0, 200, 255]);
        }
        assert_eq!(view.feature_style(layer, 0).color, Rgba([0, 0, 200, 255]));
        view.sync_styles(&doc, id);
        assert_eq!(view.feature_style(layer, 0).color, Rgba([0, 0, 200, 255]));
        assert_eq!(view.feature_style(layer, 1), read(&view, 1));
    }

    #[test]
    fn styles_are_resolved_again_for_a_change_of_style_or_layer_and_only_then() {
        let (mut doc, id) = sites(10);
        let layer = |doc: &Document| doc.layer(id).expect("open").clone();
        let mut view = LayerView::new(&layer(&doc), 0);
        let sync = |view: &LayerView, doc: &Document| view.sync_styles(doc, id);
        assert!(sync(&view, &doc), "the first frame resolves");
        assert!(!sync(&view, &doc), "a frame with nothing changed does not");
        // The same style set again, and a change outside the layer, change nothing.
        view.set_style(view.style().clone());
        doc.insert_picture(0, Picture::new("plan.png", "0".repeat(64), [10, 10]));
        assert!(!sync(&view, &doc));
        // A new style does.
        by_kind(&mut view);
        assert!(sync(&view, &doc), "a style change");
        assert!(!sync(&view, &doc));
        let red = Rgba([200, 0, 0, 255]);
        assert_eq!(view.feature_style(&layer(&doc), 2).color, red);
        // So does a property edit, which leaves the geometry revision as it is.
        let third = FeatureRef {
            layer: id,
            index: 2,
        };
        let geometry = doc.geometry_revision(id);
        if let Some(f) = doc.feature_mut_same_geometry(third) {
            f.set_property("kind", "hotel".into());
        }
        assert_eq!(doc.geometry_revision(id), geometry);
        assert!(sync(&view, &doc), "a property edit");
        assert_ne!(view.feature_style(&layer(&doc), 2).color, red);
        assert!(!sync(&view, &doc));
    }

    #[test]
    fn styles_worked_out_for_other_features_are_not_drawn_though_their_number_is_the_same() {
        let (mut doc, id) = sites(BACKGROUND_FROM);
        let mut view = LayerView::new(doc.layer(id).expect("open"), 0);
        by_kind(&mut view);
        view.work_in_background();
        view.resolve_now(&doc, id);
        let red = Rgba([200, 0, 0, 255]);
        let layer = doc.layer(id).expect("open");
        assert_eq!(view.feature_style(layer, 0).color, red);
        assert_eq!(view.label(layer, 0).0.as_deref(), Some("s0"));
        // The first two features change places: as many features, others at each index.
        if let Some(l) = doc.layer_mut(id) {
            l.features.swap(0, 1);
        }
        let layer = doc.layer(id).expect("open");
        // A big layer's styles are worked out on another thread; meanwhile the features drawn
        // get their own, not those of the feature that was at their index.
        assert!(!view.sync_styles(&doc, id));
        assert!(view.is_working());
        assert_eq!(
            view.feature_style(layer, 0),
            view.style().feature_style(&layer.features[0])
        );
        assert_ne!(view.feature_style(layer, 0).color, red);
        assert_eq!(view.feature_style(layer, 1).color, red);
        assert_eq!(view.label(layer, 0).0.as_deref(), Some("s1"));
    }
}

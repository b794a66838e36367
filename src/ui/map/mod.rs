//! The map in the window: walkers' slippy-map widget, painted by [`crate::render::scene`]
//! (offline basemap beneath, data layers, highlights, overlays), plus hit-testing, navigation,
//! editing and the basemap chooser.
//!
//! Every geo↔screen conversion goes through walkers' [`Projector`], which can also be rebuilt
//! without a frame ([`MapView::screen_pos`]) so tests can click where a feature is drawn.

pub mod basemap_chooser;
pub(crate) mod controls;
pub mod editing;
pub(crate) mod hit_test;
pub mod tiles;

use std::collections::HashMap;

use egui::{Pos2, Rect as ScreenRect, Sense, Vec2};
use geo::{Point, Rect};
use walkers::{Map, MapMemory, MercatorProjection, Position, Projector, lon_lat};

use crate::model::{Document, FeatureRef, LayerId};
use crate::render::basemap::BasemapStyle;
use crate::render::basemap::stack::{StackPlan, reserve_under};
use crate::render::layer_view::LayerView;
use crate::render::overlay::Overlay;
use crate::render::pinned::paint_texture;
use crate::render::scene::{DrawCaches, MapScene, cambodia, fit, paint_map};
use crate::render::screen::visible_area;
use crate::ui::map::basemap_chooser::BasemapState;
use crate::ui::map::controls::Navigation;
use crate::ui::map::hit_test::hit_test;

/// A click on the map: where, and the feature under the pointer if any.
#[derive(Debug, Clone, Copy)]
pub struct Click {
    pub position: Point<f64>,
    pub feature: Option<FeatureRef>,
}

/// What happened on the map this frame.
#[derive(Debug, Default)]
pub struct MapOutput {
    /// Geographic position under the pointer.
    pub cursor: Option<Point<f64>>,
    pub hovered: Option<FeatureRef>,
    pub clicked: Option<Click>,
}

/// An area fitted into the map, the map's size then, and the centre and zoom it gave.
struct Fitted {
    area: Rect<f64>,
    size: Vec2,
    center: Position,
    zoom: f64,
}

/// The map's own state between frames.
pub struct MapView {
    memory: MapMemory,
    /// An area to fit into the view on the next frame (when the map's size is known).
    pending_fit: Option<Rect<f64>>,
    /// The area fitted last and the view that gave, while the user has not moved the map: a
    /// new map size (the window resized, a panel folded) fits the same area again.
    fitted: Option<Fitted>,
    /// The map's rectangle on screen in the last frame.
    last_rect: Option<ScreenRect>,
    /// What the controls over the map (zoom buttons, basemap chooser) covered in the last
    /// frame: the map's labels keep clear of it.
    controls: Vec<ScreenRect>,
    /// Polygon triangulations (lon/lat), computed once per feature.
    caches: DrawCaches,
    basemap_style: BasemapStyle,
    /// The chosen basemap (offline, online or a tile file) and its tiles.
    pub basemap: BasemapState,
    /// Dragging pans the map (off while a vertex is dragged).
    pub panning: bool,
    /// Pictures pinned onto the map, as this frame draws them (set by the app each frame from
    /// `ui::imagery::pinned`).
    pub pictures: Vec<crate::render::pinned::PinnedTexture>,
}

/// The most data labels a frame works out that the frames before did not (about 15 µs each:
/// the text, a point inside the area, the laid-out size): when a zoom or a pan brings a
/// crowd of labelled features into view at once (up to `density::LABEL_LIMIT` and more),
/// their labels appear over a few frames instead of one frame taking 30 ms.
const LABELS_PER_FRAME: usize = 100;

impl Default for MapView {
    fn default() -> Self {
        Self::new()
    }
}

impl MapView {
    pub fn new() -> Self {
        let mut memory = MapMemory::default();
        memory.center_at(lon_lat(104.9, 12.55));
        // Zoom 7 always exists, so this cannot fail; the fit on the first frame refines it.
        let _ = memory.set_zoom(7.0);
        Self {
            memory,
            pending_fit: Some(cambodia()),
            fitted: None,
            last_rect: None,
            controls: Vec::new(),
            caches: DrawCaches {
                label_budget: Some(LABELS_PER_FRAME),
                ..DrawCaches::default()
            },
            basemap_style: BasemapStyle::default(),
            basemap: BasemapState::default(),
            panning: true,
            pictures: Vec::new(),
        }
    }

    /// Whether a press at `pos` is on the map itself (not on a panel or a window over it).
    pub fn is_on_map(&self, ctx: &egui::Context, pos: Pos2) -> bool {
        self.last_rect.is_some_and(|r| r.contains(pos))
            && ctx
                .layer_id_at(pos)
                .is_none_or(|l| l.order == egui::Order::Background)
    }

    /// The geographic position at a screen position, by the last frame's projection.
    pub fn geo_pos(&self, pos: Pos2) -> Option<Point<f64>> {
        let rect = self.last_rect?;
        let center = self.center();
        let projector = Projector::new(rect, &MercatorProjection, &self.memory, center);
        Some(projector.unproject(pos.to_vec2()))
    }

    /// The feature a click at `pos` would pick, by the last frame's projection (the same
    /// hit-test the pointer uses, through the layers' spatial indexes).
    pub fn feature_at(
        &self,
        doc: &Document,
        views: &HashMap<LayerId, LayerView>,
        pos: Pos2,
    ) -> Option<FeatureRef> {
        let rect = self.last_rect?;
        let center = self.center();
        let projector = Projector::new(rect, &MercatorProjection, &self.memory, center);
        hit_test(doc, views, &projector, pos, visible_area(&projector, rect))
    }

    /// The centre and zoom (for project files).
    pub fn view(&self) -> crate::project::View {
        let c = self.center();
        crate::project::View {
            center: [c.x(), c.y()],
            zoom: self.memory.zoom(),
        }
    }

    /// Show this centre and zoom (from a project file) instead of fitting the data.
    pub fn set_view(&mut self, view: crate::project::View) {
        self.pending_fit = None;
        self.fitted = None;
        self.memory
            .center_at(lon_lat(view.center[0], view.center[1]));
        let _ = self.memory.set_zoom(view.zoom.clamp(2.0, 19.0));
    }

    /// Fit `area` into the view on the next frame.
    pub fn zoom_to(&mut self, area: Rect<f64>) {
        self.pending_fit = Some(area);
    }

    /// Bring `area` into view on the next frame when part of it is out of view (a result
    /// typed in a panel or picked in a table); what is already in view stays put.
    pub fn reveal(&mut self, area: Rect<f64>) {
        let inside = self.view_area().is_some_and(|view| {
            let (lo, hi) = (
                view.min().y.min(view.max().y),
                view.min().y.max(view.max().y),
            );
            view.min().x <= area.min().x
                && area.max().x <= view.max().x
                && lo <= area.min().y
                && area.max().y <= hi
        });
        if !inside {
            // A margin, so the ends and the number's label are not at the edge.
            let (w, h) = (area.width(), area.height());
            let pad = geo::coord! { x: (w * 0.15).max(0.002), y: (h * 0.15).max(0.002) };
            self.zoom_to(Rect::new(area.min() - pad, area.max() + pad));
        }
    }

    pub fn zoom(&self) -> f64 {
        self.memory.zoom()
    }

    /// Forget cached geometry of a layer (after it changed or was removed).
    pub fn forget_layer(&mut self, layer: LayerId) {
        self.caches.forget_layer(layer);
    }

    /// Where a geographic position was drawn in the last frame, if the map has been shown.
    pub fn screen_pos(&self, position: Point<f64>) -> Option<Pos2> {
        let rect = self.last_rect?;
        let center = self.center();
        let projector = Projector::new(rect, &MercatorProjection, &self.memory, center);
        Some(projector.project(position).to_pos2())
    }

    /// The lon/lat rectangle the map showed in the last frame.
    pub fn view_area(&self) -> Option<Rect<f64>> {
        let rect = self.last_rect?;
        let projector = Projector::new(rect, &MercatorProjection, &self.memory, self.center());
        let a = projector.unproject(rect.left_top().to_vec2());
        let b = projector.unproject(rect.right_bottom().to_vec2());
        Some(Rect::new(a.0, b.0))
    }

    /// The map's rectangle on screen in the last frame.
    pub fn last_map_rect(&self) -> Option<ScreenRect> {
        self.last_rect
    }

    fn center(&self) -> Position {
        self.memory.detached().unwrap_or(lon_lat(104.9, 12.55))
    }

    /// Fit the view to the area asked for, or again to the fitted area when the map's size
    /// changed and the user has not moved the view.
    fn fit_if_due(&mut self, size: Vec2) {
        if let Some(area) = self.pending_fit.take().or_else(|| self.refit(size)) {
            fit(&mut self.memory, area, size, 0.9);
            self.fitted = Some(Fitted {
                area,
                size,
                center: self.center(),
                zoom: self.memory.zoom(),
            });
        }
    }

    /// Show the map in all the space left in `ui`.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        views: &HashMap<LayerId, LayerView>,
        overlay: &Overlay<'_>,
    ) -> MapOutput {
        let size = ui.available_size();
        self.fit_if_due(size);
        self.basemap.keys(ui.ctx());
        let keys = controls::keyboard(ui.ctx(), size);
        let center = self.center();
        let caches = &mut self.caches;
        let basemap_style = &self.basemap_style;
        self.basemap.prepare(ui.ctx());
        let (imagery, credit) = self.basemap.imagery_credit();
        let plan = StackPlan {
            imagery,
            borders_above: self.basemap.settings.borders_above,
            labels_above: self.basemap.settings.labels_above,
            credit,
        };
        let basemap = &mut self.basemap;
        let drawn_over = &self.controls;
        let pictures = &self.pictures;
        // The offline basemap's place, under the imagery.
        let under = reserve_under(ui);
        let response = Map::new(None, &mut self.memory, center)
            .double_click_to_zoom(true)
            .drag_pan_buttons(if self.panning && !basemap.save_area.is_drawing() {
                egui::DragPanButtons::PRIMARY
            } else {
                egui::DragPanButtons::empty()
            })
            // The mouse wheel zooms, as in every web map; dragging pans.
            .zoom_with_ctrl(false)
            .show(ui, |ui, response, projector, _memory| {
                let painter = ui.painter().with_clip_rect(response.rect);
                basemap.paint_imagery(&painter, projector);
                // Pinned pictures under the data, then the map, then those over it (as
                // images draw them, `render::image`).
                for picture in pictures.iter().filter(|p| !p.above_data) {
                    paint_texture(&painter, projector, picture);
                }
                let visible = visible_area(projector, response.rect);
                let scene = MapScene {
                    doc,
                    views,
                    overlay,
                    basemap_style,
                    plan: &plan,
                    furniture: drawn_over,
                };
                paint_map(&painter, under, projector, &scene, caches);
                for picture in pictures.iter().filter(|p| p.above_data) {
                    paint_texture(&painter, projector, picture);
                }
                basemap.paint_over(ui, response.rect);
                basemap.save_area.map_ui(response, projector, &painter);

                pointer_output(ui, response, projector, doc, views, visible)
            });
        self.last_rect = Some(response.response.rect);
        let _ = response.response.interact(Sense::click());
        name_hovered(&response.response, response.inner.hovered, doc);
        let rect = response.response.rect;
        let (buttons, buttons_rect) = controls::zoom_buttons(ui.ctx(), rect);
        let chooser_rect = self.basemap.chooser_area_ui(ui.ctx(), rect);
        self.controls = [buttons_rect, chooser_rect]
            .into_iter()
            .filter(|r| r.is_positive())
            .collect();
        self.navigate(keys, doc, views);
        self.navigate(buttons, doc, views);
        response.inner
    }

    /// The area to fit again when the map's size changed since it was fitted and the view is
    /// still the one the fit gave (the first view shows all of Cambodia however the window
    /// is sized or its panels folded after the first frame). A view the user moved is kept,
    /// and from then on no longer refitted.
    fn refit(&mut self, size: Vec2) -> Option<Rect<f64>> {
        let fitted = self.fitted.as_ref()?;
        let (center, zoom) = (self.center(), self.memory.zoom());
        let untouched = (zoom - fitted.zoom).abs() < 1e-9
            && (center.x() - fitted.center.x()).abs() < 1e-9
            && (center.y() - fitted.center.y()).abs() < 1e-9;
        if !untouched {
            self.fitted = None;
            return None;
        }
        ((size - fitted.size).length() > 0.5).then_some(fitted.area)
    }

    /// Apply zoom buttons and keys (shown from the next frame on).
    fn navigate(&mut self, nav: Navigation, doc: &Document, views: &HashMap<LayerId, LayerView>) {
        if nav.is_empty() {
            return;
        }
        for _ in 0..nav.zoom_steps.max(0) {
            let _ = self.memory.zoom_in();
        }
        for _ in 0..(-nav.zoom_steps).max(0) {
            let _ = self.memory.zoom_out();
        }
        if nav.pan != Vec2::ZERO
            && let Some(rect) = self.last_rect
        {
            let center = self.center();
            let projector = Projector::new(rect, &MercatorProjection, &self.memory, center);
            let moved = projector.unproject(projector.project(center) + nav.pan);
            self.memory.center_at(moved);
        }
        if nav.zoom_to_all {
            let all = doc
                .layers()
                .filter(|(id, _)| views.get(id).is_some_and(|v| v.visible))
                .filter_map(|(_, layer)| layer.bbox())
                .reduce(|a, b| crate::model::union(&a, &b));
            // With nothing to show, "all" is the country the app is about.
            self.zoom_to(all.unwrap_or_else(cambodia));
        }
    }
}

/// The position under a click, with no more decimals than a tenth of a screen pixel needs
/// (at most 7): what raidmap saves for a clicked point or vertex.
fn clicked_position(projector: &walkers::Projector, pos: Pos2) -> Point<f64> {
    use crate::model::precision::{decimals_for, round};
    let at = projector.unproject(pos.to_vec2());
    let next = projector.unproject((pos + egui::vec2(1.0, 0.0)).to_vec2());
    let decimals = decimals_for(crate::measure::distance_m(at, next));
    Point::new(round(at.x(), decimals), round(at.y(), decimals))
}
/// Where the pointer is, the feature under it and what a click hit.
fn pointer_output(
    ui: &egui::Ui,
    response: &egui::Response,
    projector: &Projector,
    doc: &Document,
    views: &HashMap<LayerId, LayerView>,
    visible: Rect<f64>,
) -> MapOutput {
    let pointer = response.hover_pos();
    let hovered = pointer.and_then(|pos| hit_test(doc, views, projector, pos, visible));
    let cursor = pointer.map(|pos| projector.unproject(pos.to_vec2()));
    let clicked = if response.clicked() {
        response.interact_pointer_pos().map(|pos| Click {
            position: clicked_position(projector, pos),
            feature: hit_test(doc, views, projector, pos, visible),
        })
    } else {
        None
    };
    if hovered.is_some() {
        ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
    }
    MapOutput {
        cursor,
        hovered,
        clicked,
    }
}

/// The feature under the pointer is named, also when its label had no room.
fn name_hovered(response: &egui::Response, hovered: Option<FeatureRef>, doc: &Document) {
    if let Some(r) = hovered
        && let Some(feature) = doc.feature(r)
        && !response.dragged()
    {
        let layer = doc
            .layer(r.layer)
            .map(|l| l.name.clone())
            .unwrap_or_default();
        let name = feature.label(r.index);
        response.clone().on_hover_ui_at_pointer(|ui| {
            ui.strong(name);
            ui.label(egui::RichText::new(layer).weak());
        });
    }
}

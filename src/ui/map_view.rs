//! The map: walkers' slippy-map widget with the offline basemap beneath, the data layers, the
//! selection and hover highlights, the measurement being made, and hit-testing.
//!
//! Every geo↔screen conversion goes through walkers' [`Projector`], which can also be rebuilt
//! without a frame ([`MapView::screen_pos`]) so tests can click where a feature is drawn.

use std::collections::HashMap;

use egui::layers::ShapeIdx;
use egui::{Color32, FontId, Pos2, Rect as ScreenRect, Sense, Shape, Stroke, Vec2, vec2};
use geo::{Coord, Geometry, Intersects, LineString, Point, Polygon, Rect, TriangulateEarcut};
use walkers::{Map, MapMemory, MercatorProjection, Position, Projection, Projector, lon_lat};

use crate::measure::{self, Units};
use crate::model::{Document, FeatureRef, LayerId};
use crate::style::FeatureStyle;
use crate::ui::basemap_chooser::BasemapState;
use crate::ui::basemap_stack::{StackPlan, paint_basemap_stack, paint_credits, reserve_under};
use crate::ui::basemap_view::{BasemapStyle, viewport_of};
use crate::ui::density_view::{Plan, paint_cells};
use crate::ui::layer_view::{LayerView, color32};
use crate::ui::map_controls::{self, Navigation};
use crate::ui::map_legend::{layout_legend, legend_rect, legends, paint_legend};
use crate::ui::measure_overlay::{MeasureDrawing, paint_measure_drawing};
use crate::ui::point_mesh::{MESH_FROM, paint_points};
use crate::ui::symbols::{paint_point, symbol_extent};
use crate::ui::tiles::ImageryLayer;

/// Cambodia's extent (lon/lat degrees), the view the app opens on.
pub fn cambodia() -> Rect<f64> {
    Rect::new(Coord { x: 102.3, y: 10.4 }, Coord { x: 107.65, y: 14.7 })
}

/// How close (in screen pixels) the pointer must be to a point or line to pick it.
const PICK_TOLERANCE_PX: f32 = 8.0;
const POINT_RADIUS_PX: f32 = 6.0;

/// What the map should draw on top of the layers this frame.
#[derive(Default)]
pub struct Overlay<'a> {
    pub selection: Option<FeatureRef>,
    pub hover: Option<FeatureRef>,
    /// What the measure tool shows (lines, rings, areas, numbers).
    pub measure: Option<&'a MeasureDrawing>,
    /// How distances and areas are written on the map (kept measurements' labels).
    pub units: Units,
    /// What editing shows (other selected features, a shape being drawn, vertices).
    pub editing: Option<&'a crate::ui::editing::EditDrawing>,
    /// Draw the legend of the visible layers.
    pub legend: bool,
}

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

/// The map's own state between frames.
pub struct MapView {
    memory: MapMemory,
    /// An area to fit into the view on the next frame (when the map's size is known).
    pending_fit: Option<Rect<f64>>,
    /// The map's rectangle on screen in the last frame.
    last_rect: Option<ScreenRect>,
    /// Polygon triangulations (lon/lat), computed once per feature.
    fills: HashMap<FeatureRef, Vec<[Coord<f64>; 3]>>,
    basemap_style: BasemapStyle,
    /// The chosen basemap (offline, online or a tile file) and its tiles.
    pub basemap: BasemapState,
    /// Dragging pans the map (off while a vertex is dragged).
    pub panning: bool,
}

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
            last_rect: None,
            fills: HashMap::new(),
            basemap_style: BasemapStyle::default(),
            basemap: BasemapState::default(),
            panning: true,
        }
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
        self.memory
            .center_at(lon_lat(view.center[0], view.center[1]));
        let _ = self.memory.set_zoom(view.zoom.clamp(2.0, 19.0));
    }

    /// Fit `area` into the view on the next frame.
    pub fn zoom_to(&mut self, area: Rect<f64>) {
        self.pending_fit = Some(area);
    }

    pub fn zoom(&self) -> f64 {
        self.memory.zoom()
    }

    /// Forget cached geometry of a layer (after it changed or was removed).
    pub fn forget_layer(&mut self, layer: LayerId) {
        self.fills.retain(|r, _| r.layer != layer);
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

    /// Show the map in all the space left in `ui`.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        doc: &Document,
        views: &HashMap<LayerId, LayerView>,
        overlay: &Overlay<'_>,
    ) -> MapOutput {
        let size = ui.available_size();
        if let Some(area) = self.pending_fit.take() {
            fit(&mut self.memory, area, size, 0.9);
        }
        let keys = map_controls::keyboard(ui.ctx(), size);
        let center = self.center();
        let fills = &mut self.fills;
        let basemap_style = &self.basemap_style;
        self.basemap.prepare(ui.ctx());
        let plan = StackPlan {
            imagery: self.basemap.tiles().is_some(),
            borders_above: self.basemap.settings.borders_above,
            labels_above: self.basemap.settings.labels_above,
            credit: self.basemap.tiles().and_then(|t| t.attribution_text()),
        };
        let opacity = self.basemap.settings.opacity.clamp(0.0, 1.0);
        // The offline basemap's place, under the tiles walkers paints before the closure.
        let under = reserve_under(ui);
        let response = Map::new(None, &mut self.memory, center)
            .with_layer(ImageryLayer(self.basemap.tiles_mut()), opacity)
            .double_click_to_zoom(true)
            .drag_pan_buttons(if self.panning {
                egui::DragPanButtons::PRIMARY
            } else {
                egui::DragPanButtons::empty()
            })
            // The mouse wheel zooms, as in every web map; dragging pans.
            .zoom_with_ctrl(false)
            .show(ui, |ui, response, projector, _memory| {
                let painter = ui.painter().with_clip_rect(response.rect);
                let visible = visible_area(projector, response.rect);
                let scene = MapScene {
                    doc,
                    views,
                    overlay,
                    basemap_style,
                    plan: &plan,
                };
                paint_map(&painter, under, projector, &scene, fills);

                let pointer = response.hover_pos();
                let hovered = pointer.and_then(|pos| hit_test(doc, views, projector, pos, visible));
                let cursor = pointer.map(|pos| projector.unproject(pos.to_vec2()));
                let clicked = if response.clicked() {
                    response.interact_pointer_pos().map(|pos| Click {
                        position: projector.unproject(pos.to_vec2()),
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
            });
        self.last_rect = Some(response.response.rect);
        let _ = response.response.interact(Sense::click());
        let rect = response.response.rect;
        let buttons = map_controls::zoom_buttons(ui.ctx(), rect);
        self.basemap.chooser_area_ui(ui.ctx(), rect);
        self.navigate(keys, doc, views);
        self.navigate(buttons, doc, views);
        response.inner
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

/// What a map shows: the document as the layer views style it, the overlay, and the basemap.
pub struct MapScene<'a> {
    pub doc: &'a Document,
    pub views: &'a HashMap<LayerId, LayerView>,
    pub overlay: &'a Overlay<'a>,
    pub basemap_style: &'a BasemapStyle,
    pub plan: &'a StackPlan,
}

/// Paint everything the map shows inside `projector`'s rectangle, bottom to top: the offline
/// basemap (into the slot `under`, reserved before any tiles), the layers, highlights, labels,
/// the measurement being made, the scale bar, the legend and the credits. The window and
/// exported images both draw through here. `fills` caches polygon triangulations.
pub fn paint_map(
    painter: &egui::Painter,
    under: ShapeIdx,
    projector: &Projector,
    scene: &MapScene<'_>,
    fills: &mut HashMap<FeatureRef, Vec<[Coord<f64>; 3]>>,
) {
    let MapScene {
        doc,
        views,
        overlay,
        basemap_style,
        plan,
    } = *scene;
    let map_rect = projector.clip_rect();
    let visible = visible_area(projector, map_rect);
    let viewport = viewport_of(projector);
    // Big layers with many features in view are drawn as density grids.
    let lod = Plan::new(doc, views, &viewport);
    let layers = (doc, views, &lod);
    let symbols = point_symbol_rects(projector, layers, visible);
    // The legend goes in the corner where it hides the fewest symbols.
    let legend = overlay
        .legend
        .then(|| layout_legend(painter, &legends(doc, views)))
        .flatten()
        .map(|layout| (legend_rect(map_rect, layout.size, &symbols), layout));
    // The data's labels are placed first (clear of the legend), so the basemap's give way.
    let legend_area: Vec<ScreenRect> = legend.iter().map(|(rect, _)| *rect).collect();
    // Labels keep clear of the legend, and of point symbols where they can.
    let labels = place_data_labels(
        painter,
        projector,
        layers,
        visible,
        overlay.units,
        &legend_area,
        &symbols,
    );
    let mut reserved: Vec<ScreenRect> = labels.iter().map(|l| l.rect).collect();
    reserved.extend(legend_area);
    reserved.extend(symbols);
    paint_basemap_stack(painter, under, projector, basemap_style, plan, &reserved);
    paint_layers(painter, projector, layers, visible, fills);
    paint_highlights(painter, projector, doc, overlay);
    paint_labels(painter, labels);
    lod.paint_note(painter, &viewport, doc);
    if let Some(drawing) = overlay.measure {
        paint_measure_drawing(painter, projector, drawing);
    }
    if let Some(editing) = overlay.editing {
        crate::ui::editing::paint(painter, projector, editing);
    }
    map_controls::paint_scale_bar(painter, projector);
    if let Some((rect, layout)) = legend {
        paint_legend(painter, rect, layout);
    }
    paint_credits(painter, projector, basemap_style, plan);
}

/// Centre and zoom `memory` so `area` fills the fraction `fill` of a view of `size` points.
pub fn fit(memory: &mut MapMemory, area: Rect<f64>, size: Vec2, fill: f64) {
    let p = MercatorProjection;
    let a = p.project(lon_lat(area.min().x, area.max().y), 0.0);
    let b = p.project(lon_lat(area.max().x, area.min().y), 0.0);
    let width0 = (b.x() - a.x()).abs();
    let height0 = (b.y() - a.y()).abs();
    // A single point has no extent: centre on it, close enough to see the district around it
    // (zoom 9 or the current zoom if closer) but never at the maximum zoom.
    let zoom = if width0 < 1e-9 && height0 < 1e-9 {
        memory.zoom().max(9.0)
    } else {
        let zoom_x = (f64::from(size.x.max(100.0)) * fill / width0.max(1e-12)).log2();
        let zoom_y = (f64::from(size.y.max(100.0)) * fill / height0.max(1e-12)).log2();
        zoom_x.min(zoom_y).clamp(2.0, 16.0)
    };
    let middle = p.unproject(
        walkers::Pixels::new((a.x() + b.x()) / 2.0, (a.y() + b.y()) / 2.0),
        0.0,
    );
    memory.center_at(middle);
    let _ = memory.set_zoom(zoom);
}

/// The lon/lat rectangle shown in `rect`, slightly enlarged so shapes at the edge are drawn.
fn visible_area(projector: &Projector, rect: ScreenRect) -> Rect<f64> {
    let rect = rect.expand(POINT_RADIUS_PX * 4.0);
    let a = projector.unproject(rect.left_top().to_vec2());
    let b = projector.unproject(rect.right_bottom().to_vec2());
    Rect::new(a.0, b.0)
}

fn screen(projector: &Projector, c: Coord<f64>) -> Pos2 {
    projector.project(Point(c)).to_pos2()
}

/// The screen points of a line, simplified for the zoom: a vertex closer than
/// [`SIMPLIFY_PX`] to the last one kept is left out (the last vertex always stays).
fn line_points(projector: &Projector, line: &LineString<f64>) -> Vec<Pos2> {
    let mut out: Vec<Pos2> = Vec::with_capacity(line.0.len());
    let last = line.0.len().saturating_sub(1);
    for (i, c) in line.0.iter().enumerate() {
        let p = screen(projector, *c);
        let far = out
            .last()
            .is_none_or(|q| q.distance_sq(p) >= SIMPLIFY_PX * SIMPLIFY_PX);
        if far || i == last {
            out.push(p);
        }
    }
    out
}

/// Vertices closer than this (screen points) to the previous one drawn are skipped.
const SIMPLIFY_PX: f32 = 0.75;

/// The document, the views and this frame's drawing plan.
type Layers<'a> = (&'a Document, &'a HashMap<LayerId, LayerView>, &'a Plan);

fn paint_layers(
    painter: &egui::Painter,
    projector: &Projector,
    (doc, views, lod): Layers<'_>,
    visible: Rect<f64>,
    fills: &mut HashMap<FeatureRef, Vec<[Coord<f64>; 3]>>,
) {
    let viewport = viewport_of(projector);
    for (layer_id, layer) in doc.layers() {
        let Some(view) = views.get(&layer_id).filter(|v| v.visible) else {
            continue;
        };
        if let Some(cells) = lod.dense(layer_id) {
            paint_cells(painter, &viewport, cells, color32(view.style.color));
            continue;
        }
        let indices = layer_in_view(layer, view, visible);
        // Thousands of points go into one mesh; a few are drawn as exact shapes.
        let mut points = Vec::new();
        let many = indices.len() >= MESH_FROM;
        for index in indices {
            let feature = &layer.features[index];
            let style = view.style.feature_style(feature);
            if let Some(c) = feature.point() {
                let (at, color) = (screen(projector, c), color32(style.color));
                if many {
                    points.push((at, color, style.radius));
                } else {
                    paint_point(painter, at, style.symbol, color, style.radius);
                }
                continue;
            }
            let Some(geometry) = feature.geometry() else {
                continue;
            };
            let r = FeatureRef {
                layer: layer_id,
                index,
            };
            paint_geometry(painter, projector, geometry, &style, r, fills);
        }
        paint_points(painter, &points, view.style.symbol);
    }
}

/// Every visible layer's features whose box meets `visible`, bottom layer first, each layer in
/// feature order; layers drawn as density are left out.
fn in_view<'a>(
    (doc, views, lod): Layers<'a>,
    visible: Rect<f64>,
) -> impl Iterator<Item = (LayerId, &'a crate::model::Layer, &'a LayerView, usize)> + 'a {
    doc.layers().flat_map(move |(layer_id, layer)| {
        let view = views
            .get(&layer_id)
            .filter(|v| v.visible && lod.dense(layer_id).is_none());
        let indices = view
            .map(|v| layer_in_view(layer, v, visible))
            .unwrap_or_default();
        indices
            .into_iter()
            .filter_map(move |i| Some((layer_id, layer, view?, i)))
    })
}

/// The features of one layer whose box meets `visible` and that the timeline shows, in order.
fn layer_in_view(layer: &crate::model::Layer, view: &LayerView, visible: Rect<f64>) -> Vec<usize> {
    let mut indices: Vec<usize> = view
        .index
        .intersecting(layer, visible)
        .filter(|i| view.shows(*i))
        .collect();
    indices.sort_unstable();
    indices
}

/// The most point symbols the basemap's labels keep clear of (beyond that many the map is
/// full of data anyway, and the check would cost more than it gives).
const MAX_CLEAR_SYMBOLS: usize = 2000;

/// Where the visible point symbols are drawn, so the basemap's labels keep clear of them.
fn point_symbol_rects(
    projector: &Projector,
    layers: Layers<'_>,
    visible: Rect<f64>,
) -> Vec<ScreenRect> {
    if !layers.2.labels() {
        // So many features in view that the map is full of data: no need to keep clear.
        return Vec::new();
    }
    in_view(layers, visible)
        .filter_map(|(_, layer, view, index)| {
            let feature = &layer.features[index];
            let p = feature.point()?;
            let style = view.style.feature_style(feature);
            let extent = symbol_extent(style.symbol, style.radius);
            Some(ScreenRect::from_center_size(
                screen(projector, p),
                vec2(2.0 * extent, 2.0 * extent),
            ))
        })
        .take(MAX_CLEAR_SYMBOLS)
        .collect()
}

/// Where the label of an area or a line goes: a point inside the area (not its centroid,
/// which may lie outside), or the line's middle vertex.
fn label_anchor(geometry: &Geometry<f64>) -> Option<Coord<f64>> {
    use geo::InteriorPoint;
    match geometry {
        Geometry::LineString(l) => l.0.get(l.0.len() / 2).copied(),
        Geometry::MultiLineString(ml) => ml.0.first().and_then(|l| l.0.get(l.0.len() / 2).copied()),
        Geometry::Polygon(_)
        | Geometry::MultiPolygon(_)
        | Geometry::Rect(_)
        | Geometry::Triangle(_) => geometry.interior_point().map(|p| p.0),
        _ => None,
    }
}

/// A label of the data, placed and laid out.
struct DataLabel {
    rect: ScreenRect,
    text_pos: Pos2,
    galley: std::sync::Arc<egui::Galley>,
}

/// Labels for the data: point names (from zoom 6.5) and kept measurements' distances, areas
/// and radii (in `units`). Placed greedily, top layer first; a label that would overlap a
/// placed one is left out.
fn place_data_labels(
    painter: &egui::Painter,
    projector: &Projector,
    layers: Layers<'_>,
    visible: Rect<f64>,
    units: Units,
    keep_clear: &[ScreenRect],
    rather_clear: &[ScreenRect],
) -> Vec<DataLabel> {
    let mut wanted: Vec<(Pos2, String, Option<f32>)> = Vec::new();
    if !layers.2.labels() {
        // Too many features in view to label them: none is labelled.
        return Vec::new();
    }
    for (_, layer, view, index) in in_view(layers, visible) {
        let feature = &layer.features[index];
        if feature.bbox().is_none() {
            continue;
        }
        if let Some(text) = measure::measurement_label(feature, units) {
            if let Some(anchor) = measure::measurement_anchor(feature) {
                wanted.push((screen(projector, anchor.0), text, None));
            }
        } else if projector.zoom() >= 6.5
            && let Some(text) = view.style.label_of(feature)
        {
            if let Some(p) = feature.point() {
                let style = view.style.feature_style(feature);
                let beside = symbol_extent(style.symbol, style.radius);
                wanted.push((screen(projector, p), text, Some(beside)));
            } else if let Some(anchor) = feature.geometry().and_then(label_anchor) {
                // Areas and lines: centred on a point inside the area, or on the line's
                // middle vertex.
                let at = screen(projector, anchor) + vec2(0.0, 8.0);
                wanted.push((at, text, None));
            }
        }
    }
    let mut placed: Vec<DataLabel> = Vec::new();
    // Top layer first: its labels win.
    for (anchor, text, beside) in wanted.into_iter().rev() {
        let galley =
            painter.layout_no_wrap(text, FontId::proportional(12.5), Color32::from_gray(20));
        let size = galley.size();
        // Beside a point: right, left, above, below, then the diagonals; the first place
        // that is free wins. Other labels are centred above their anchor.
        let candidates: Vec<Pos2> = match beside {
            None => vec![anchor - vec2(size.x / 2.0, size.y + 6.0)],
            Some(extent) => {
                let gap = extent + 5.0;
                let (w, h) = (size.x, size.y);
                [
                    vec2(gap, -h / 2.0),
                    vec2(-gap - w, -h / 2.0),
                    vec2(-w / 2.0, -extent - 3.0 - h),
                    vec2(-w / 2.0, extent + 3.0),
                    vec2(gap * 0.7, -gap * 0.7 - h),
                    vec2(gap * 0.7, gap * 0.7),
                    vec2(-gap * 0.7 - w, -gap * 0.7 - h),
                    vec2(-gap * 0.7 - w, gap * 0.7),
                ]
                .into_iter()
                .map(|offset| anchor + offset)
                .collect()
            }
        };
        // A place clear of the symbols too if there is one, else one that only overlaps
        // symbols (a big graduated ring must not hide the names around it).
        let free = |avoid_symbols: bool| {
            candidates.iter().find_map(|&min| {
                let rect = ScreenRect::from_min_size(min, size).expand(2.0);
                let taken = !painter.clip_rect().contains_rect(rect)
                    || placed.iter().any(|l| l.rect.intersects(rect))
                    || keep_clear.iter().any(|r| r.intersects(rect))
                    || (avoid_symbols && rather_clear.iter().any(|r| r.intersects(rect)));
                (!taken).then_some((min, rect))
            })
        };
        let free = free(true).or_else(|| free(false));
        if let Some((min, rect)) = free {
            placed.push(DataLabel {
                rect,
                text_pos: min,
                galley,
            });
        }
    }
    placed
}

fn paint_labels(painter: &egui::Painter, labels: Vec<DataLabel>) {
    for label in labels {
        painter.rect_filled(label.rect, 3.0, Color32::from_white_alpha(210));
        painter.galley(label.text_pos, label.galley, Color32::from_gray(20));
    }
}

fn paint_geometry(
    painter: &egui::Painter,
    projector: &Projector,
    geometry: &Geometry<f64>,
    style: &FeatureStyle,
    r: FeatureRef,
    fills: &mut HashMap<FeatureRef, Vec<[Coord<f64>; 3]>>,
) {
    let color = color32(style.color);
    let line_stroke = Stroke::new(style.line_width, color);
    let point = |p: &Point<f64>| {
        paint_point(
            painter,
            screen(projector, p.0),
            style.symbol,
            color,
            style.radius,
        );
    };
    match geometry {
        Geometry::Point(p) => point(p),
        Geometry::MultiPoint(mp) => mp.iter().for_each(point),
        Geometry::LineString(l) => {
            painter.add(Shape::line(line_points(projector, l), line_stroke));
        }
        Geometry::MultiLineString(ml) => {
            for l in ml {
                painter.add(Shape::line(line_points(projector, l), line_stroke));
            }
        }
        Geometry::Polygon(_)
        | Geometry::MultiPolygon(_)
        | Geometry::Rect(_)
        | Geometry::Triangle(_) => {
            let triangles = fills.entry(r).or_insert_with(|| triangulate(geometry));
            let mut mesh = egui::Mesh::default();
            let fill = color32(style.fill);
            for tri in triangles.iter() {
                let base = mesh.vertices.len() as u32;
                for c in tri {
                    mesh.colored_vertex(screen(projector, *c), fill);
                }
                mesh.add_triangle(base, base + 1, base + 2);
            }
            painter.add(Shape::mesh(mesh));
            for ring in rings(geometry) {
                painter.add(Shape::closed_line(
                    line_points(projector, ring),
                    Stroke::new(style.line_width * 0.72, color),
                ));
            }
        }
        Geometry::GeometryCollection(gc) => {
            for g in gc {
                paint_geometry(painter, projector, g, style, r, fills);
            }
        }
        Geometry::Line(l) => {
            painter.line_segment(
                [screen(projector, l.start), screen(projector, l.end)],
                line_stroke,
            );
        }
    }
}

/// The polygons of a Polygon or MultiPolygon (none for other geometries).
fn polygons_of(geometry: &Geometry<f64>) -> Vec<&Polygon<f64>> {
    match geometry {
        Geometry::Polygon(p) => vec![p],
        Geometry::MultiPolygon(mp) => mp.0.iter().collect(),
        _ => Vec::new(),
    }
}

/// Triangles covering a (multi)polygon, holes left out.
fn triangulate(geometry: &Geometry<f64>) -> Vec<[Coord<f64>; 3]> {
    polygons_of(geometry)
        .into_iter()
        .flat_map(|p| p.earcut_triangles_iter())
        .map(|t| [t.v1(), t.v2(), t.v3()])
        .collect()
}

/// Every ring of a (multi)polygon.
fn rings(geometry: &Geometry<f64>) -> Vec<&LineString<f64>> {
    polygons_of(geometry)
        .into_iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .collect()
}

fn paint_highlights(
    painter: &egui::Painter,
    projector: &Projector,
    doc: &Document,
    overlay: &Overlay<'_>,
) {
    let rings = [
        (
            overlay.hover,
            Stroke::new(2.0, Color32::from_rgba_unmultiplied(40, 40, 40, 160)),
            9.0,
        ),
        (
            overlay.selection,
            Stroke::new(3.0, Color32::from_rgb(250, 200, 0)),
            10.0,
        ),
    ];
    for (which, stroke, radius) in rings {
        let Some(geometry) = which
            .and_then(|r| doc.feature(r))
            .and_then(|f| f.geometry())
        else {
            continue;
        };
        highlight(painter, projector, geometry, stroke, radius);
    }
}

fn highlight(
    painter: &egui::Painter,
    projector: &Projector,
    geometry: &Geometry<f64>,
    stroke: Stroke,
    radius: f32,
) {
    match geometry {
        Geometry::Point(p) => {
            painter.circle_stroke(screen(projector, p.0), radius, stroke);
        }
        Geometry::MultiPoint(mp) => {
            for p in mp {
                painter.circle_stroke(screen(projector, p.0), radius, stroke);
            }
        }
        Geometry::LineString(l) => {
            painter.add(Shape::line(
                line_points(projector, l),
                Stroke::new(stroke.width + 3.0, stroke.color),
            ));
        }
        Geometry::MultiLineString(ml) => {
            for l in ml {
                painter.add(Shape::line(
                    line_points(projector, l),
                    Stroke::new(stroke.width + 3.0, stroke.color),
                ));
            }
        }
        Geometry::GeometryCollection(gc) => {
            for g in gc {
                highlight(painter, projector, g, stroke, radius);
            }
        }
        other => {
            for ring in rings(other) {
                painter.add(Shape::closed_line(line_points(projector, ring), stroke));
            }
        }
    }
}

/// The topmost feature under `pos`: points and lines within the pick tolerance first, then
/// polygons containing the pointer.
fn hit_test(
    doc: &Document,
    views: &HashMap<LayerId, LayerView>,
    projector: &Projector,
    pos: Pos2,
    visible: Rect<f64>,
) -> Option<FeatureRef> {
    let tol = vec2(PICK_TOLERANCE_PX, PICK_TOLERANCE_PX);
    let a = projector.unproject((pos - tol).to_vec2());
    let b = projector.unproject((pos + tol).to_vec2());
    let area = Rect::new(a.0, b.0);
    if !area.intersects(&visible) {
        return None;
    }
    let here = projector.unproject(pos.to_vec2());
    let mut best: Option<(u8, f32, FeatureRef)> = None;
    for (layer_id, layer) in doc.layers().rev() {
        let Some(view) = views.get(&layer_id).filter(|v| v.visible) else {
            continue;
        };
        for index in view
            .index
            .intersecting(layer, area)
            .filter(|i| view.shows(*i))
        {
            let feature = &layer.features[index];
            // A point is measured without making its `geo::Geometry`.
            let picked = match (feature.point(), feature.geometry()) {
                (Some(c), _) => {
                    let d = screen(projector, c).distance(pos);
                    (d <= PICK_TOLERANCE_PX).then_some((0, d))
                }
                (None, Some(geometry)) => pick_distance(projector, geometry, pos, here),
                (None, None) => None,
            };
            if let Some((rank, dist)) = picked {
                let r = FeatureRef {
                    layer: layer_id,
                    index,
                };
                if best.is_none_or(|(br, bd, _)| (rank, dist) < (br, bd)) {
                    best = Some((rank, dist, r));
                }
            }
        }
        if best.is_some() {
            // The topmost layer with a hit wins.
            break;
        }
    }
    best.map(|(_, _, r)| r)
}

/// (rank, screen distance) of a geometry from the pointer, if it is close enough to pick.
/// Rank 0 is a point, 1 a line, 2 the inside of a polygon.
fn pick_distance(
    projector: &Projector,
    geometry: &Geometry<f64>,
    pos: Pos2,
    here: Position,
) -> Option<(u8, f32)> {
    let near = |d: f32| (d <= PICK_TOLERANCE_PX).then_some(d);
    match geometry {
        Geometry::Point(p) => near(screen(projector, p.0).distance(pos)).map(|d| (0, d)),
        Geometry::MultiPoint(mp) => mp
            .iter()
            .filter_map(|p| near(screen(projector, p.0).distance(pos)))
            .reduce(f32::min)
            .map(|d| (0, d)),
        Geometry::LineString(l) => {
            near(polyline_distance(&line_points(projector, l), pos)).map(|d| (1, d))
        }
        Geometry::MultiLineString(ml) => ml
            .iter()
            .filter_map(|l| near(polyline_distance(&line_points(projector, l), pos)))
            .reduce(f32::min)
            .map(|d| (1, d)),
        Geometry::GeometryCollection(gc) => gc
            .iter()
            .filter_map(|g| pick_distance(projector, g, pos, here))
            .min_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal)),
        other => {
            let edge = rings(other)
                .into_iter()
                .filter_map(|ring| near(polyline_distance(&line_points(projector, ring), pos)))
                .reduce(f32::min);
            match edge {
                Some(d) => Some((1, d)),
                None => other.intersects(&here).then_some((2, 0.0)),
            }
        }
    }
}

fn polyline_distance(points: &[Pos2], pos: Pos2) -> f32 {
    points
        .windows(2)
        .map(|w| segment_distance(w[0], w[1], pos))
        .fold(f32::INFINITY, f32::min)
}

fn segment_distance(a: Pos2, b: Pos2, p: Pos2) -> f32 {
    let ab = b - a;
    let len2 = ab.length_sq();
    if len2 == 0.0 {
        return a.distance(p);
    }
    let t = ((p - a).dot(ab) / len2).clamp(0.0, 1.0);
    (a + ab * t).distance(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    /// Place the labels of `geojson`'s features in a 600×400 view of `area`.
    fn placed_labels(geojson: &str, area: Rect<f64>) -> Vec<ScreenRect> {
        let mut doc = Document::new();
        let layer = crate::io::read_str(geojson, "points.geojson").expect("valid");
        doc.add_layer(layer);
        let views = crate::ui::layer_view::views_for(&doc);
        let ctx = egui::Context::default();
        crate::ui::setup_context(&ctx);
        let screen = ScreenRect::from_min_size(Pos2::ZERO, vec2(600.0, 400.0));
        let input = || egui::RawInput {
            screen_rect: Some(screen),
            ..Default::default()
        };
        let _ = ctx.run_ui(input(), |_| {});
        let mut rects = Vec::new();
        let _ = ctx.run_ui(input(), |ui| {
            let mut memory = MapMemory::default();
            fit(&mut memory, area, screen.size(), 0.5);
            let center = memory.detached().expect("centred");
            let projector = Projector::new(screen, &MercatorProjection, &memory, center);
            let visible = visible_area(&projector, screen);
            let lod = Plan::new(&doc, &views, &viewport_of(&projector));
            let labels = place_data_labels(
                ui.painter(),
                &projector,
                (&doc, &views, &lod),
                visible,
                Units::default(),
                &[],
                &[],
            );
            rects = labels.iter().map(|l| l.rect).collect();
        });
        rects
    }

    #[test]
    fn labels_of_nearby_points_move_aside_instead_of_overlapping() {
        // Three points a few pixels apart: each label finds its own side.
        let geojson = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[104.900,11.550]},"properties":{"name":"Alpha compound"}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[104.904,11.550]},"properties":{"name":"Bravo compound"}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[104.902,11.556]},"properties":{"name":"Charlie compound"}}]}"#;
        let area = Rect::new(Coord { x: 104.85, y: 11.5 }, Coord { x: 104.95, y: 11.6 });
        let rects = placed_labels(geojson, area);
        assert_eq!(rects.len(), 3, "{rects:?}");
        for (i, a) in rects.iter().enumerate() {
            for b in &rects[i + 1..] {
                assert!(!a.intersects(*b), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn labels_that_cannot_be_placed_are_left_out() {
        // Twenty points on one spot: only as many labels as fit around it.
        let features: Vec<String> = (0..20)
            .map(|i| {
                format!(
                    r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[104.9,11.55]}},"properties":{{"name":"Site number {i}"}}}}"#
                )
            })
            .collect();
        let geojson = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        );
        let area = Rect::new(Coord { x: 104.8, y: 11.5 }, Coord { x: 105.0, y: 11.6 });
        let rects = placed_labels(&geojson, area);
        assert!((2..=8).contains(&rects.len()), "{} labels", rects.len());
        for (i, a) in rects.iter().enumerate() {
            for b in &rects[i + 1..] {
                assert!(!a.intersects(*b));
            }
        }
    }

    #[test]
    fn segment_distance_is_perpendicular_inside_and_to_the_end_outside() {
        let a = pos2(0.0, 0.0);
        let b = pos2(10.0, 0.0);
        assert_eq!(segment_distance(a, b, pos2(5.0, 3.0)), 3.0);
        assert_eq!(segment_distance(a, b, pos2(13.0, 4.0)), 5.0);
    }

    #[test]
    fn fitting_cambodia_into_a_window_zooms_to_about_seven() {
        let mut memory = MapMemory::default();
        fit(&mut memory, cambodia(), vec2(1100.0, 850.0), 0.9);
        assert!(
            (7.0..8.5).contains(&memory.zoom()),
            "zoom {}",
            memory.zoom()
        );
        let c = memory.detached().expect("centred on an exact position");
        assert!((104.0..106.0).contains(&c.x()) && (12.0..13.0).contains(&c.y()));
    }

    #[test]
    fn fitting_a_single_point_centres_on_it_without_zooming_to_the_maximum() {
        let mut memory = MapMemory::default();
        let _ = memory.set_zoom(7.0);
        let p = Coord {
            x: 104.716,
            y: 11.202,
        };
        fit(&mut memory, Rect::new(p, p), vec2(1100.0, 850.0), 0.9);
        assert_eq!(memory.zoom(), 9.0);
        let c = memory.detached().expect("centred on an exact position");
        assert!((c.x() - p.x).abs() < 1e-9 && (c.y() - p.y).abs() < 1e-9);
    }
}

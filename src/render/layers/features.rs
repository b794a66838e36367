//! The data layers drawn feature by feature (points, lines, filled polygons) or as density
//! cells, and the selection and hover highlights. A line or polygon smaller than a pixel on
//! screen (a building at district zoom) is drawn as a dot, all of a layer's dots in one mesh:
//! as its outline's stroke would look at that size, for a fraction of the work. That mesh and
//! the list of the layer's other features in view are kept for the next frame and drawn again
//! as they are while nothing they depend on moved ([`KeptDots`]).

use std::collections::HashMap;
use std::sync::Arc;

use egui::{Color32, Shape, Stroke};
use geo::{Geometry, LineString, Point, Polygon, Rect, TriangulateEarcut};
use walkers::Projector;

use crate::model::{Document, Feature, FeatureRef, LayerId, SpatialIndex};
use crate::render::basemap::viewport_of;
use crate::render::density::{Plan, paint_cells};
use crate::render::frame_cache::FrameCache;
use crate::render::layer_view::{LayerView, Revisions, color32};
use crate::render::mesh_batch::MeshBatch;
use crate::render::overlay::Overlay;
use crate::render::point_mesh::{MESH_FROM, paint_points};
use crate::render::screen::{UnitToScreen, line_points, mercator_unit, screen, simplify_into};
use crate::render::symbols::paint_point;
use crate::style::FeatureStyle;

/// The document, the views and this frame's drawing plan.
pub(crate) type Layers<'a> = (&'a Document, &'a HashMap<LayerId, LayerView>, &'a Plan);

pub(crate) fn paint_layers(
    painter: &egui::Painter,
    projector: &Projector,
    (doc, views, lod): Layers<'_>,
    visible: Rect<f64>,
    (fills, kept_dots): (&mut FrameCache<FeatureRef, Fill>, &mut KeptDots),
) {
    let viewport = viewport_of(projector);
    let to_screen = UnitToScreen::of(projector);
    let pixels_per_point = painter.pixels_per_point();
    let view_key = view_key(&to_screen, visible, pixels_per_point);
    let mut last_frame = std::mem::take(&mut kept_dots.layers);
    // The layers' lines and polygons, a run of them at a time, as one mesh.
    let mut batch = MeshBatch::new(painter);
    let mut scratch = Vec::new();
    for (layer_id, layer) in doc.layers() {
        let Some(view) = views.get(&layer_id).filter(|v| v.visible) else {
            continue;
        };
        if let Some(cells) = lod.dense(layer_id) {
            paint_cells(painter, &viewport, cells, color32(view.style().color));
            continue;
        }
        let key = DotsKey {
            view: view_key,
            revisions: Revisions::of(doc, layer_id),
            style: view.style_revision(),
            filter: view.filter_generation(),
        };
        let dots = match last_frame.remove(&layer_id).filter(|d| d.key == key) {
            Some(dots) => dots,
            None => {
                kept_dots.made += 1;
                LayerDots::of(layer, view, visible, &to_screen, pixels_per_point, key)
            }
        };
        // Thousands of points go into one mesh; a few are drawn as exact shapes.
        let mut points = Vec::new();
        let many = dots.in_view >= MESH_FROM;
        for &index in &dots.others {
            let feature = &layer.features[index];
            let style = view.feature_style(layer, index);
            if let Some(c) = feature.point() {
                let (at, color) = (screen(projector, c), color32(style.color));
                if many {
                    points.push((at, color, style.radius));
                } else {
                    batch.flush(painter);
                    paint_point(painter, at, style.symbol, color, style.radius);
                }
                continue;
            }
            if !feature.has_geometry() {
                continue;
            }
            let r = FeatureRef {
                layer: layer_id,
                index,
            };
            let mut draw = Draw {
                painter,
                projector,
                to_screen: &to_screen,
                style: &style,
                batch: &mut batch,
                scratch: &mut scratch,
            };
            draw.feature(feature, r, fills);
        }
        batch.flush(painter);
        paint_points(painter, &points, view.style().symbol);
        if !dots.mesh.is_empty() {
            painter.add(Shape::mesh(Arc::clone(&dots.mesh)));
        }
        kept_dots.layers.insert(layer_id, dots);
    }
}

/// The dots of the layers the last frame drew feature by feature ([`LayerDots`]).
#[derive(Debug, Default)]
pub struct KeptDots {
    layers: HashMap<LayerId, LayerDots>,
    /// How many layers' dots were made (not taken from the last frame) so far.
    made: u64,
}

impl KeptDots {
    /// How many times a layer's dots were made rather than drawn again as the last frame
    /// drew them (tests check a frame with nothing changed makes none).
    pub fn made(&self) -> u64 {
        self.made
    }

    /// Forget `layer`'s (its features or their styles changed).
    pub(crate) fn forget_layer(&mut self, layer: LayerId) {
        self.layers.remove(&layer);
    }
}

/// What one layer's dots were made for: the view (where each feature lands, which are in
/// it, how wide a pixel is), the layer's revisions (geometries, and properties for the
/// styles), its style revision and its time filter. The styles resolved on a worker are
/// not in it: their arrival forgets the layer's dots (`paint_map` calls `forget_layer`).
#[derive(Debug, PartialEq)]
struct DotsKey {
    view: [u64; 10],
    revisions: Revisions,
    style: u64,
    filter: u64,
}

/// The bits of what places features on screen and which are in view.
fn view_key(to_screen: &UnitToScreen, visible: Rect<f64>, pixels_per_point: f32) -> [u64; 10] {
    let [a, b, c, d, e] = to_screen.key();
    let (min, max) = (visible.min(), visible.max());
    [
        a,
        b,
        c,
        d,
        e,
        min.x.to_bits(),
        min.y.to_bits(),
        max.x.to_bits(),
        max.y.to_bits(),
        u64::from(pixels_per_point.to_bits()),
    ]
}

/// A layer's features in view for one frame: its lines and polygons under a pixel as one
/// mesh of dots, and the others (points, bigger shapes) to draw one by one, in order.
#[derive(Debug)]
struct LayerDots {
    key: DotsKey,
    mesh: Arc<egui::Mesh>,
    others: Vec<usize>,
    /// How many features are in view (dots included).
    in_view: usize,
}

impl LayerDots {
    fn of(
        layer: &crate::model::Layer,
        view: &LayerView,
        visible: Rect<f64>,
        to_screen: &UnitToScreen,
        pixels_per_point: f32,
        key: DotsKey,
    ) -> Self {
        let indices = layer_in_view(layer, view, visible);
        let in_view = indices.len();
        let mut dots = Dots::new(pixels_per_point);
        let mut others = Vec::new();
        for index in indices {
            let feature = &layer.features[index];
            let dot = feature.point().is_none()
                && feature.has_geometry()
                && feature.bbox().is_some_and(|b| {
                    let style = view.feature_style(layer, index);
                    dots.add(to_screen, b, feature.geometry_type(), &style)
                });
            if !dot {
                others.push(index);
            }
        }
        Self {
            key,
            mesh: Arc::new(dots.mesh),
            others,
            in_view,
        }
    }
}

/// Lines and polygons drawn as dots, in one mesh.
struct Dots {
    mesh: egui::Mesh,
    /// The width of the soft edge (one pixel, in points).
    feather: f32,
}

impl Dots {
    /// A line or polygon whose box is narrower than this (screen points) both ways is a dot.
    const BELOW_PX: f32 = 1.0;

    fn new(pixels_per_point: f32) -> Self {
        Self {
            mesh: egui::Mesh::default(),
            feather: 1.0 / pixels_per_point.max(0.1),
        }
    }

    /// Add a geometry of GeoJSON type `kind` (with box `bbox`) as a dot if it is that small on
    /// screen: a square as wide as the box and the outline's stroke, with a soft edge as egui
    /// gives strokes. Returns whether it was added.
    fn add(
        &mut self,
        to_screen: &UnitToScreen,
        bbox: Rect<f64>,
        kind: Option<&str>,
        style: &FeatureStyle,
    ) -> bool {
        let width = match kind {
            Some("LineString" | "MultiLineString") => style.line_width,
            Some("Polygon" | "MultiPolygon") => OUTLINE * style.line_width,
            _ => return false,
        };
        let a = to_screen.screen(mercator_unit(bbox.min()));
        let b = to_screen.screen(mercator_unit(bbox.max()));
        let size = (b - a).abs();
        if size.x >= Self::BELOW_PX || size.y >= Self::BELOW_PX {
            return false;
        }
        let centre = a + (b - a) / 2.0;
        let half = size.max_elem() / 2.0 + width / 2.0;
        let (inner, outer) = (
            (half - self.feather / 2.0).max(0.0),
            half + self.feather / 2.0,
        );
        let color = color32(style.color);
        let base = self.mesh.vertices.len() as u32;
        for (h, c) in [(inner, color), (outer, Color32::TRANSPARENT)] {
            for (dx, dy) in [(-h, -h), (h, -h), (h, h), (-h, h)] {
                self.mesh.colored_vertex(centre + egui::vec2(dx, dy), c);
            }
        }
        self.mesh.add_triangle(base, base + 1, base + 2);
        self.mesh.add_triangle(base, base + 2, base + 3);
        for i in 0..4 {
            let j = (i + 1) % 4;
            self.mesh.add_triangle(base + i, base + 4 + i, base + 4 + j);
            self.mesh.add_triangle(base + i, base + 4 + j, base + j);
        }
        true
    }
}

/// A polygon's outline is this fraction of its style's line width.
const OUTLINE: f32 = 0.72;

/// Every visible layer's features whose box meets `visible`, bottom layer first, each layer in
/// feature order; layers drawn as density are left out.
pub(crate) fn in_view<'a>(
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
pub(crate) fn layer_in_view(
    layer: &crate::model::Layer,
    view: &LayerView,
    visible: Rect<f64>,
) -> Vec<usize> {
    let mut looked = 0;
    let mut indices: Vec<usize> = view
        .index
        .candidates(visible)
        .inspect(|_| looked += 1)
        .filter(|&i| SpatialIndex::meets(layer, i, visible) && view.shows(i))
        .collect();
    view.count_visits(looked);
    indices.sort_unstable();
    indices
}

/// What drawing a feature needs: where, how to project, its style, the mesh its lines and
/// polygons go into (painted before anything else is) and a vector for screen points.
struct Draw<'a> {
    painter: &'a egui::Painter,
    projector: &'a Projector<'a>,
    to_screen: &'a UnitToScreen,
    style: &'a FeatureStyle,
    batch: &'a mut MeshBatch,
    scratch: &'a mut Vec<egui::Pos2>,
}

/// A drawn polygon's triangles and rings in Web Mercator units ([`mercator_unit`]): worked
/// out when it comes into view and kept while it stays there, so a frame only scales them.
/// For a drawn line, its geometry (which a feature read from text does not keep), read when
/// it comes into view.
#[derive(Debug, Default)]
pub struct Fill {
    triangles: Vec<[[f64; 2]; 3]>,
    /// Every ring's vertices, one after the other; ring `i` ends at `ring_ends[i]`.
    ring_points: Vec<[f64; 2]>,
    ring_ends: Vec<u32>,
    line: Option<Geometry<f64>>,
}

impl Fill {
    /// Triangles covering a (multi)polygon (holes left out) and its rings; nothing for
    /// other geometries.
    fn of(geometry: &Geometry<f64>) -> Self {
        let mut fill = Self::default();
        for p in polygons_of(geometry) {
            fill.triangles.extend(
                p.earcut_triangles_iter()
                    .map(|t| [t.v1(), t.v2(), t.v3()].map(mercator_unit)),
            );
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                fill.ring_points
                    .extend(ring.0.iter().map(|c| mercator_unit(*c)));
                fill.ring_ends.push(fill.ring_points.len() as u32);
            }
        }
        fill
    }

    fn rings(&self) -> impl Iterator<Item = &[[f64; 2]]> {
        let starts = std::iter::once(0).chain(self.ring_ends.iter().copied());
        starts
            .zip(self.ring_ends.iter().copied())
            .map(|(start, end)| &self.ring_points[start as usize..end as usize])
    }
}

impl Draw<'_> {
    /// Draw a feature of a layer; a line or polygon is read (from its text, if it keeps only
    /// its box) only when its [`Fill`] is not kept from the last frame.
    fn feature(
        &mut self,
        feature: &Feature,
        r: FeatureRef,
        fills: &mut FrameCache<FeatureRef, Fill>,
    ) {
        match feature.geometry_type() {
            Some("Polygon" | "MultiPolygon") => {
                let fill = fills.get_or_insert_with(r, || {
                    feature.with_geometry(|g| g.map(Fill::of).unwrap_or_default())
                });
                self.fill(fill);
            }
            Some("LineString" | "MultiLineString") => {
                let fill = fills.get_or_insert_with(r, || Fill {
                    line: feature.with_geometry(|g| g.cloned()),
                    ..Fill::default()
                });
                if let Some(line) = &fill.line {
                    self.geometry(line, None);
                }
            }
            _ => feature.with_geometry(|g| {
                if let Some(g) = g {
                    self.geometry(g, Some((r, fills)));
                }
            }),
        }
    }

    /// Draw `geometry`; a polygon's [`Fill`] is kept in `fills` under the feature's reference
    /// (worked out anew without one).
    fn geometry(
        &mut self,
        geometry: &Geometry<f64>,
        fills: Option<(FeatureRef, &mut FrameCache<FeatureRef, Fill>)>,
    ) {
        let (painter, projector, style) = (self.painter, self.projector, self.style);
        let color = color32(style.color);
        let line_stroke = Stroke::new(style.line_width, color);
        let mut point = |p: &Point<f64>| {
            self.batch.flush(painter);
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
            Geometry::LineString(l) => self.line(l, line_stroke),
            Geometry::MultiLineString(ml) => {
                for l in ml {
                    self.line(l, line_stroke);
                }
            }
            Geometry::Polygon(_)
            | Geometry::MultiPolygon(_)
            | Geometry::Rect(_)
            | Geometry::Triangle(_) => match fills {
                Some((r, fills)) => self.fill(fills.get_or_insert_with(r, || Fill::of(geometry))),
                None => self.fill(&Fill::of(geometry)),
            },
            Geometry::GeometryCollection(gc) => {
                // Its parts are not kept: they would share the feature's reference.
                for g in gc {
                    self.geometry(g, None);
                }
            }
            Geometry::Line(l) => {
                let ends = [screen(projector, l.start), screen(projector, l.end)];
                self.batch.line_segment(ends, line_stroke);
            }
        }
    }

    /// A line, simplified for the zoom ([`line_points`]).
    fn line(&mut self, line: &LineString<f64>, stroke: Stroke) {
        let points = line.0.iter().map(|c| screen(self.projector, *c));
        simplify_into(self.scratch, points);
        self.batch.line(self.scratch, stroke);
    }

    /// A polygon: its triangles filled, its rings outlined.
    fn fill(&mut self, fill: &Fill) {
        let (to_screen, style) = (self.to_screen, self.style);
        let triangles = fill
            .triangles
            .iter()
            .map(|t| t.map(|u| to_screen.screen(u)));
        self.batch.triangles(triangles, color32(style.fill));
        let stroke = Stroke::new(style.line_width * OUTLINE, color32(style.color));
        for ring in fill.rings() {
            simplify_into(self.scratch, ring.iter().map(|u| to_screen.screen(*u)));
            self.batch.closed_line(self.scratch, stroke);
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

/// Every ring of a (multi)polygon.
pub(crate) fn rings(geometry: &Geometry<f64>) -> Vec<&LineString<f64>> {
    polygons_of(geometry)
        .into_iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .collect()
}

pub(crate) fn paint_highlights(
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
        let Some(feature) = which.and_then(|r| doc.feature(r)) else {
            continue;
        };
        feature.with_geometry(|geometry| {
            if let Some(geometry) = geometry {
                highlight(painter, projector, geometry, stroke, radius);
            }
        });
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

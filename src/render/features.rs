//! The data layers drawn feature by feature (points, lines, filled polygons) or as density
//! cells, and the selection and hover highlights.

use std::collections::HashMap;

use egui::{Color32, Shape, Stroke};
use geo::{Coord, Geometry, LineString, Point, Polygon, Rect, TriangulateEarcut};
use walkers::Projector;

use crate::model::{Document, FeatureRef, LayerId};
use crate::render::basemap::viewport_of;
use crate::render::density::{Plan, paint_cells};
use crate::render::frame_cache::FrameCache;
use crate::render::layer_view::{LayerView, color32};
use crate::render::point_mesh::{MESH_FROM, paint_points};
use crate::render::scene::Overlay;
use crate::render::screen::{line_points, screen};
use crate::render::symbols::paint_point;
use crate::style::FeatureStyle;

/// The document, the views and this frame's drawing plan.
pub(crate) type Layers<'a> = (&'a Document, &'a HashMap<LayerId, LayerView>, &'a Plan);

pub(crate) fn paint_layers(
    painter: &egui::Painter,
    projector: &Projector,
    (doc, views, lod): Layers<'_>,
    visible: Rect<f64>,
    fills: &mut FrameCache<FeatureRef, Vec<[Coord<f64>; 3]>>,
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
            let style = view.feature_style(layer, index);
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
    let mut indices: Vec<usize> = view
        .index
        .intersecting(layer, visible)
        .filter(|i| view.shows(*i))
        .collect();
    indices.sort_unstable();
    indices
}

fn paint_geometry(
    painter: &egui::Painter,
    projector: &Projector,
    geometry: &Geometry<f64>,
    style: &FeatureStyle,
    r: FeatureRef,
    fills: &mut FrameCache<FeatureRef, Vec<[Coord<f64>; 3]>>,
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
            let triangles = fills.get_or_insert_with(r, || triangulate(geometry));
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

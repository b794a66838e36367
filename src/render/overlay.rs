//! What the measure tool draws on the map: geodesic lines and paths, ring outlines, the polygon
//! being measured, the picked places and the numbers, all in lon/lat, painted over the layers
//! through walkers' [`Projector`].
//!
//! [`MapDrawing`] is the one way anything is drawn over the data (measurements, coverage marks,
//! editing): the map paints every drawing of its [`Overlay`], in the
//! window and in exported images alike. The measure panel builds a [`MeasureDrawing`] only when
//! what it shows changes; the map paints it every frame.

use egui::{Align2, Color32, FontId, Pos2, Shape, Stroke, vec2};
use geo::Point;
use walkers::Projector;

use crate::measure::Units;
use crate::model::FeatureRef;

/// What the map should draw on top of the layers this frame.
#[derive(Default)]
pub struct Overlay<'a> {
    pub selection: Option<FeatureRef>,
    pub hover: Option<FeatureRef>,
    /// How distances and areas are written on the map (kept measurements' labels).
    pub units: Units,
    /// Drawings over the data, bottom first: the measure tool's lines and rings, coverage
    /// marks, what editing shows (other selected features, a shape being drawn, vertices).
    pub drawings: Vec<&'a dyn MapDrawing>,
    /// Draw the legend of the visible layers.
    pub legend: bool,
}

/// Ink for measurements: near-black, readable on the light basemap and on imagery.
pub const INK: Color32 = Color32::from_rgb(20, 20, 20);
/// Highlight for the one line picked in a table.
pub const PICKED: Color32 = Color32::from_rgb(230, 120, 0);

/// A polyline in lon/lat (already densified along geodesics where it needs to curve).
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnLine {
    pub points: Vec<Point<f64>>,
    pub dashed: bool,
    pub color: Color32,
    pub width: f32,
}

/// Everything the measure tool wants on the map.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MeasureDrawing {
    /// Filled areas (closed rings, densified), drawn first.
    pub fills: Vec<Vec<Point<f64>>>,
    pub lines: Vec<DrawnLine>,
    /// Picked places and path vertices.
    pub markers: Vec<Point<f64>>,
    /// Numbers, each centred just above its anchor.
    pub labels: Vec<(Point<f64>, String)>,
}

impl MeasureDrawing {
    pub fn is_empty(&self) -> bool {
        self.fills.is_empty()
            && self.lines.is_empty()
            && self.markers.is_empty()
            && self.labels.is_empty()
    }

    /// The lon/lat box around everything drawn, `None` when nothing is.
    pub fn bounds(&self) -> Option<geo::Rect<f64>> {
        let points = self
            .fills
            .iter()
            .flatten()
            .chain(self.lines.iter().flat_map(|l| &l.points))
            .chain(&self.markers)
            .chain(self.labels.iter().map(|(p, _)| p));
        let mut bounds: Option<geo::Rect<f64>> = None;
        for p in points.filter(|p| p.x().is_finite() && p.y().is_finite()) {
            let c = p.0;
            bounds = Some(match bounds {
                None => geo::Rect::new(c, c),
                Some(b) => geo::Rect::new(
                    geo::coord! { x: b.min().x.min(c.x), y: b.min().y.min(c.y) },
                    geo::coord! { x: b.max().x.max(c.x), y: b.max().y.max(c.y) },
                ),
            });
        }
        bounds
    }

    /// A solid or dashed line in the measurement ink.
    pub fn line(&mut self, points: Vec<Point<f64>>, dashed: bool) {
        self.lines.push(DrawnLine {
            points,
            dashed,
            color: INK,
            width: 2.5,
        });
    }
}

fn screen(projector: &Projector, p: Point<f64>) -> Pos2 {
    projector.project(p).to_pos2()
}

/// Something drawn over the map's data, in lon/lat, through the map's projector.
pub trait MapDrawing {
    /// Paint over the layers (under the scale bar, legend and credits).
    fn paint(&self, painter: &egui::Painter, projector: &Projector);
}

impl MapDrawing for MeasureDrawing {
    fn paint(&self, painter: &egui::Painter, projector: &Projector) {
        paint_measure_drawing(painter, projector, self);
    }
}

fn paint_measure_drawing(painter: &egui::Painter, projector: &Projector, drawing: &MeasureDrawing) {
    for ring in &drawing.fills {
        let points: Vec<Pos2> = ring.iter().map(|p| screen(projector, *p)).collect();
        if points.len() >= 3 {
            // egui fills convex shapes only: fan triangles from the first vertex would be
            // wrong for concave outlines, so triangulate on screen.
            let mesh = fill_mesh(&points, INK.gamma_multiply(0.18));
            painter.add(Shape::mesh(mesh));
        }
    }
    for line in &drawing.lines {
        let points: Vec<Pos2> = line.points.iter().map(|p| screen(projector, *p)).collect();
        let stroke = Stroke::new(line.width, line.color);
        if line.dashed {
            painter.extend(Shape::dashed_line(&points, stroke, 8.0, 5.0));
        } else {
            painter.add(Shape::line(points, stroke));
        }
    }
    for marker in &drawing.markers {
        painter.circle(
            screen(projector, *marker),
            4.5,
            Color32::WHITE,
            Stroke::new(2.0, INK),
        );
    }
    // A label that would cover one already drawn is left out (rings around one centre at a
    // low zoom, legs that are short on screen); the panel lists every number anyway.
    let mut placed: Vec<egui::Rect> = Vec::new();
    for (anchor, text) in &drawing.labels {
        let at = screen(projector, *anchor);
        let galley =
            painter.layout_no_wrap(text.clone(), FontId::proportional(14.0), Color32::WHITE);
        let rect = Align2::CENTER_BOTTOM
            .anchor_size(at - vec2(0.0, 8.0), galley.size())
            .expand2(vec2(6.0, 3.0));
        if placed.iter().any(|p| p.intersects(rect)) {
            continue;
        }
        placed.push(rect);
        painter.rect_filled(rect, 4.0, INK.gamma_multiply(0.85));
        painter.galley(rect.min + vec2(6.0, 3.0), galley, Color32::WHITE);
    }
}

/// A filled mesh for a simple polygon given by its screen outline (ear clipping via geo's
/// earcut, on screen coordinates, which is what is being filled).
fn fill_mesh(outline: &[Pos2], color: Color32) -> egui::Mesh {
    use geo::TriangulateEarcut;
    let ring: Vec<geo::Coord<f64>> = outline
        .iter()
        .map(|p| geo::coord! { x: f64::from(p.x), y: f64::from(p.y) })
        .collect();
    let polygon = geo::Polygon::new(geo::LineString::from(ring), Vec::new());
    let mut mesh = egui::Mesh::default();
    for t in polygon.earcut_triangles_iter() {
        let base = mesh.vertices.len() as u32;
        for c in [t.v1(), t.v2(), t.v3()] {
            mesh.colored_vertex(egui::pos2(c.x as f32, c.y as f32), color);
        }
        mesh.add_triangle(base, base + 1, base + 2);
    }
    mesh
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_concave_outline_is_filled_with_triangles_covering_its_area() {
        // An L shape of area 3 (unit squares).
        let outline = [
            egui::pos2(0.0, 0.0),
            egui::pos2(2.0, 0.0),
            egui::pos2(2.0, 1.0),
            egui::pos2(1.0, 1.0),
            egui::pos2(1.0, 2.0),
            egui::pos2(0.0, 2.0),
        ];
        let mesh = fill_mesh(&outline, Color32::RED);
        let area: f32 = mesh
            .indices
            .chunks(3)
            .map(|t| {
                let [a, b, c] = [0, 1, 2].map(|i| mesh.vertices[t[i] as usize].pos);
                ((b - a).x * (c - a).y - (b - a).y * (c - a).x).abs() / 2.0
            })
            .sum();
        assert!((area - 3.0).abs() < 1e-5, "{area}");
    }
}

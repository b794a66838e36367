//! Many lines, outlines and small meshes drawn as one egui mesh. Each is turned into the very
//! triangles epaint's tessellator makes for it as a shape of its own (its `Path` code, with
//! the same feathering, and the same culling against the painter's clip rectangle), appended
//! in drawing order; so the pixels are the same, without the per-shape work of a shape each
//! (a shape moved through the painter and the tessellator, a vector of points, a mesh copied
//! again). The map's features and the basemap's lines are drawn through it.
//!
//! The painter's opacity and fading are applied by egui to the finished mesh; the map's
//! painter has neither (a faded painter would round a line's colour in another order).

use egui::emath::GuiRounding as _;
use egui::epaint::tessellator::Path;
use egui::epaint::{PathStroke, Vertex};
use egui::{Color32, Mesh, Painter, Pos2, Rect, Shape, Stroke};

/// A mesh being filled with shapes, in drawing order.
#[derive(Debug)]
pub(crate) struct MeshBatch {
    mesh: Mesh,
    path: Path,
    /// epaint's feathering (the soft edge, in points), as its tessellator works it out.
    feathering: f32,
    /// Shapes wholly outside this are left out, as the tessellator culls them (if `cull`,
    /// its option `coarse_tessellation_culling`).
    clip: Rect,
    cull: bool,
    pixels_per_point: f32,
    /// The tessellator's option `round_line_segments_to_pixels`.
    round_segments: bool,
}

impl MeshBatch {
    /// An empty batch for shapes painted with `painter` (its clip rectangle, its context's
    /// tessellation options and pixels per point).
    pub(crate) fn new(painter: &Painter) -> Self {
        Self::with_mesh(painter, Mesh::default())
    }

    /// An empty batch that fills `mesh` (emptied first, its memory kept).
    pub(crate) fn with_mesh(painter: &Painter, mut mesh: Mesh) -> Self {
        mesh.clear();
        let (feathering, size_in_pixels, cull, round_segments) =
            painter.ctx().tessellation_options(|o| {
                (
                    o.feathering,
                    o.feathering_size_in_pixels,
                    o.coarse_tessellation_culling,
                    o.round_line_segments_to_pixels,
                )
            });
        // As `Tessellator::new` works it out, to the bit.
        let feathering = if feathering {
            let pixel_size = 1.0 / painter.pixels_per_point();
            size_in_pixels * pixel_size
        } else {
            0.0
        };
        Self {
            mesh,
            path: Path::default(),
            feathering,
            clip: painter.clip_rect(),
            cull,
            pixels_per_point: painter.pixels_per_point(),
            round_segments,
        }
    }

    /// An open line through `points`, as `Shape::line(points, stroke)`.
    pub(crate) fn line(&mut self, points: &[Pos2], stroke: impl Into<PathStroke>) {
        let stroke = stroke.into();
        if !self.shows(points, &stroke) {
            return;
        }
        self.path.clear();
        self.path.add_open_points(points);
        self.path
            .stroke_open(self.feathering, &stroke, &mut self.mesh);
    }

    /// A closed outline through `points`, as `Shape::closed_line(points, stroke)`.
    pub(crate) fn closed_line(&mut self, points: &[Pos2], stroke: impl Into<PathStroke>) {
        let stroke = stroke.into();
        if !self.shows(points, &stroke) {
            return;
        }
        self.path.clear();
        self.path.add_line_loop(points);
        self.path.fill_and_stroke(
            self.feathering,
            Color32::TRANSPARENT,
            &stroke,
            &mut self.mesh,
        );
    }

    /// A straight segment, as `Shape::line_segment(points, stroke)` (a vertical or horizontal
    /// one moved onto the pixel grid as the tessellator moves it).
    pub(crate) fn line_segment(&mut self, mut points: [Pos2; 2], stroke: Stroke) {
        if stroke.is_empty() {
            return;
        }
        if self.cull
            && !self
                .clip
                .intersects(Rect::from_two_pos(points[0], points[1]).expand(stroke.width))
        {
            return;
        }
        if self.round_segments {
            self.round_segment(&mut points, stroke);
        }
        self.path.clear();
        self.path.add_line_segment(points);
        self.path
            .stroke_open(self.feathering, &stroke.into(), &mut self.mesh);
    }

    /// `Tessellator::tessellate_line_segment`'s rounding of a vertical or horizontal segment
    /// to the pixel grid, step for step.
    fn round_segment(&self, [a, b]: &mut [Pos2; 2], stroke: Stroke) {
        let pixels_per_point = self.pixels_per_point;
        // A quarter pixel off each end, so on average the fence-post problem is avoided.
        let quarter_pixel = 0.25 * self.feathering;
        if a.x == b.x {
            let mut x = a.x;
            stroke.round_center_to_pixel(pixels_per_point, &mut x);
            a.x = x;
            b.x = x;
            if a.y < b.y {
                a.y = (a.y + quarter_pixel).round_to_pixel_center(pixels_per_point);
                b.y = (b.y - quarter_pixel).round_to_pixel_center(pixels_per_point);
            } else {
                a.y = (a.y - quarter_pixel).round_to_pixel_center(pixels_per_point);
                b.y = (b.y + quarter_pixel).round_to_pixel_center(pixels_per_point);
            }
        }
        if a.y == b.y {
            let mut y = a.y;
            stroke.round_center_to_pixel(pixels_per_point, &mut y);
            a.y = y;
            b.y = y;
            if a.x < b.x {
                a.x = (a.x + quarter_pixel).round_to_pixel_center(pixels_per_point);
                b.x = (b.x - quarter_pixel).round_to_pixel_center(pixels_per_point);
            } else {
                a.x = (a.x - quarter_pixel).round_to_pixel_center(pixels_per_point);
                b.x = (b.x + quarter_pixel).round_to_pixel_center(pixels_per_point);
            }
        }
    }

    /// Whether the tessellator would draw a path through `points` with `stroke`: at least
    /// two points, something to draw, and its visual bounds meeting the clip rectangle.
    fn shows(&self, points: &[Pos2], stroke: &PathStroke) -> bool {
        points.len() >= 2
            && !stroke.is_empty()
            && (!self.cull
                || Rect::from_points(points)
                    .expand(stroke.width * 0.5)
                    .intersects(self.clip))
    }

    /// Triangles of one colour, as a `Shape::mesh` of them (left out if its bounds miss the
    /// clip rectangle).
    pub(crate) fn triangles(&mut self, triangles: impl Iterator<Item = [Pos2; 3]>, color: Color32) {
        let start = self.mesh.vertices.len();
        let mut bounds = Rect::NOTHING;
        for pos in triangles.flatten() {
            bounds.extend_with(pos);
            self.mesh.vertices.push(Vertex {
                pos,
                uv: egui::epaint::WHITE_UV,
                color,
            });
        }
        if self.cull && !self.clip.intersects(bounds) {
            self.mesh.vertices.truncate(start);
            return;
        }
        let end = self.mesh.vertices.len() as u32;
        self.mesh.indices.extend(start as u32..end);
    }

    /// Paint what was added so far (one mesh) and start again.
    pub(crate) fn flush(&mut self, painter: &Painter) {
        if !self.mesh.is_empty() {
            painter.add(Shape::mesh(std::mem::take(&mut self.mesh)));
        }
    }

    /// The mesh of what was added.
    pub(crate) fn into_mesh(self) -> Mesh {
        self.mesh
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::epaint::{ClippedShape, Primitive, Stroke};
    use egui::{pos2, vec2};

    /// What egui's tessellator makes of `shapes`, each its own shape, as one mesh.
    fn tessellated(ctx: &egui::Context, clip: Rect, shapes: Vec<Shape>) -> Mesh {
        let shapes = shapes
            .into_iter()
            .map(|shape| ClippedShape {
                clip_rect: clip,
                shape,
                transform_after_tessellation: Default::default(),
            })
            .collect();
        let mut out = Mesh::default();
        for p in ctx.tessellate(shapes, ctx.pixels_per_point()) {
            if let Primitive::Mesh(mesh) = p.primitive {
                out.append(mesh);
            }
        }
        out
    }

    fn bits(mesh: &Mesh) -> (Vec<[u32; 2]>, Vec<Color32>, Vec<u32>) {
        let pos = mesh
            .vertices
            .iter()
            .map(|v| [v.pos.x.to_bits(), v.pos.y.to_bits()])
            .collect();
        let colors = mesh.vertices.iter().map(|v| v.color).collect();
        (pos, colors, mesh.indices.clone())
    }

    #[test]
    fn the_batch_makes_the_triangles_the_tessellator_makes() {
        for ppp in [1.0, 1.5, 2.0] {
            let ctx = egui::Context::default();
            ctx.set_pixels_per_point(ppp);
            let _ = ctx.run_ui(egui::RawInput::default(), |_| {});
            let clip = Rect::from_min_size(pos2(0.0, 0.0), vec2(200.0, 100.0));
            let painter = egui::Painter::new(ctx.clone(), egui::LayerId::background(), clip);
            let red = Color32::from_rgb(200, 30, 30);
            // Thin and thick strokes, a sharp corner, a repeated point, one outside the clip
            // rectangle, one with nothing to draw, one with a single point.
            let square = [
                pos2(10.0, 10.0),
                pos2(30.0, 10.0),
                pos2(30.0, 30.0),
                pos2(10.0, 30.0),
            ];
            let zigzag = [
                pos2(50.0, 50.0),
                pos2(90.0, 52.0),
                pos2(55.0, 60.0),
                pos2(55.0, 60.0),
                pos2(120.5, 80.25),
            ];
            let outside = [pos2(300.0, 300.0), pos2(320.0, 310.0)];
            let tiny = [pos2(70.0, 20.0), pos2(70.4, 20.3), pos2(70.1, 20.6)];
            let strokes = [
                Stroke::new(0.3, red),
                Stroke::new(1.44, Color32::from_rgba_unmultiplied(10, 20, 200, 128)),
                Stroke::new(3.0, red),
                Stroke::new(2.0, Color32::TRANSPARENT),
            ];
            let triangles = [
                [pos2(5.0, 5.0), pos2(40.0, 8.0), pos2(20.0, 35.0)],
                [pos2(21.0, 35.0), pos2(40.0, 8.0), pos2(60.0, 35.0)],
            ];
            let off_screen = [[pos2(-5.0, 5.0), pos2(-40.0, 8.0), pos2(-20.0, 35.0)]];
            let fill = Color32::from_rgba_unmultiplied(30, 200, 30, 90);
            let mut batch = MeshBatch::new(&painter);
            let mut shapes = Vec::new();
            for stroke in strokes {
                for points in [&square[..], &zigzag, &outside, &tiny, &square[..1]] {
                    batch.closed_line(points, stroke);
                    shapes.push(Shape::closed_line(points.to_vec(), stroke));
                    batch.line(points, stroke);
                    shapes.push(Shape::line(points.to_vec(), stroke));
                }
            }
            let segments = [
                [pos2(10.3, 40.0), pos2(10.3, 90.7)],
                [pos2(60.0, 44.6), pos2(20.2, 44.6)],
                [pos2(60.0, 44.6), pos2(20.2, 47.6)],
                [pos2(-60.0, 44.6), pos2(-20.2, 44.6)],
            ];
            for points in segments {
                for stroke in strokes {
                    batch.line_segment(points, stroke);
                    shapes.push(Shape::line_segment(points, stroke));
                }
            }
            for t in [&triangles[..], &off_screen] {
                batch.triangles(t.iter().copied(), fill);
                let mut mesh = Mesh::default();
                for (i, t) in t.iter().enumerate() {
                    for p in t {
                        mesh.colored_vertex(*p, fill);
                    }
                    let i = 3 * i as u32;
                    mesh.add_triangle(i, i + 1, i + 2);
                }
                shapes.push(Shape::mesh(mesh));
            }
            let expected = tessellated(&ctx, clip, shapes);
            assert!(!expected.is_empty());
            let ours = tessellated(&ctx, clip, vec![Shape::mesh(batch.into_mesh())]);
            assert!(bits(&ours) == bits(&expected), "at {ppp} pixels per point");
        }
    }
}

//! Projection math for drawing: lon/lat to screen points through walkers' [`Projector`], lines
//! simplified for the zoom, and the lon/lat area a screen rectangle shows.

use egui::{Pos2, Rect as ScreenRect};
use geo::{Coord, LineString, Point, Rect};
use walkers::Projector;

/// Radius of a plain point symbol (screen points); the visible area is widened by a few of them.
pub(crate) const POINT_RADIUS_PX: f32 = 6.0;

/// The lon/lat rectangle shown in `rect`, slightly enlarged so shapes at the edge are drawn.
pub(crate) fn visible_area(projector: &Projector, rect: ScreenRect) -> Rect<f64> {
    let rect = rect.expand(POINT_RADIUS_PX * 4.0);
    let a = projector.unproject(rect.left_top().to_vec2());
    let b = projector.unproject(rect.right_bottom().to_vec2());
    Rect::new(a.0, b.0)
}

/// Where a lon/lat coordinate is drawn.
pub(crate) fn screen(projector: &Projector, c: Coord<f64>) -> Pos2 {
    projector.project(Point(c)).to_pos2()
}

/// The screen points of a line, simplified for the zoom: a vertex closer than
/// [`SIMPLIFY_PX`] to the last one kept is left out (the last vertex always stays).
pub(crate) fn line_points(projector: &Projector, line: &LineString<f64>) -> Vec<Pos2> {
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

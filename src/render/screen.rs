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
    simplified(line.0.iter().map(|c| screen(projector, *c)))
}

/// Screen points with those closer than [`SIMPLIFY_PX`] to the last one kept left out (the
/// last point always stays).
pub(crate) fn simplified(points: impl ExactSizeIterator<Item = Pos2>) -> Vec<Pos2> {
    let mut out = Vec::new();
    simplify_into(&mut out, points);
    out
}

/// [`simplified`] into `out` (emptied first), so a frame can reuse one vector.
pub(crate) fn simplify_into(out: &mut Vec<Pos2>, points: impl ExactSizeIterator<Item = Pos2>) {
    out.clear();
    out.reserve(points.len());
    let last = points.len().saturating_sub(1);
    for (i, p) in points.enumerate() {
        let far = out
            .last()
            .is_none_or(|q| q.distance_sq(p) >= SIMPLIFY_PX * SIMPLIFY_PX);
        if far || i == last {
            out.push(p);
        }
    }
}

/// Vertices closer than this (screen points) to the previous one drawn are skipped.
const SIMPLIFY_PX: f32 = 0.75;

/// A lon/lat coordinate in Web Mercator scaled to 0..1 (walkers' projection before the zoom's
/// scale): worked out once for a shape that stays in view, then placed on screen each frame
/// by [`UnitToScreen`] with a multiply and an add instead of a tangent and a logarithm.
pub(crate) fn mercator_unit(c: Coord<f64>) -> [f64; 2] {
    use std::f64::consts::PI;
    let x = c.x.to_radians();
    let y = c.y.to_radians().tan().asinh();
    [(1. + (x / PI)) / 2., (1. - (y / PI)) / 2.]
}

/// Places [`mercator_unit`] coordinates where a (Web Mercator) projector puts them, with the
/// same arithmetic (walkers' `Projector::project`).
pub(crate) struct UnitToScreen {
    /// Pixels across the world at this zoom.
    scale: f64,
    /// Where the view's centre is, in those pixels.
    origin: [f64; 2],
    clip_center: egui::Vec2,
}

impl UnitToScreen {
    pub(crate) fn of(projector: &Projector) -> Self {
        let scale = 2f64.powf(projector.zoom()) * 256.0;
        let clip_center = projector.clip_rect().center().to_vec2();
        let [x, y] = mercator_unit(projector.unproject(clip_center).0);
        Self {
            scale,
            origin: [x * scale, y * scale],
            clip_center,
        }
    }

    /// The bits of what it is made of: equal keys place every point alike.
    pub(crate) fn key(&self) -> [u64; 5] {
        [
            self.scale.to_bits(),
            self.origin[0].to_bits(),
            self.origin[1].to_bits(),
            u64::from(self.clip_center.x.to_bits()),
            u64::from(self.clip_center.y.to_bits()),
        ]
    }

    pub(crate) fn screen(&self, [x, y]: [f64; 2]) -> Pos2 {
        let offset = egui::vec2(
            (x * self.scale - self.origin[0]) as f32,
            (y * self.scale - self.origin[1]) as f32,
        );
        (self.clip_center + offset).to_pos2()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use walkers::{MapMemory, MercatorProjection, lon_lat};

    #[test]
    fn units_land_where_the_projector_puts_the_coordinates() {
        let rect = ScreenRect::from_min_size(Pos2::new(10.0, 30.0), egui::vec2(1500.0, 940.0));
        for (zoom, centre) in [
            (7.3, (104.9, 12.55)),
            (12.5, (104.92, 11.56)),
            (17.0, (-70.0, -33.4)),
        ] {
            let mut memory = MapMemory::default();
            let _ = memory.set_zoom(zoom);
            let projector = Projector::new(
                rect,
                &MercatorProjection,
                &memory,
                lon_lat(centre.0, centre.1),
            );
            let to_screen = UnitToScreen::of(&projector);
            for (dx, dy) in [(0.0, 0.0), (0.3, -0.2), (-1.1, 0.7), (0.0004, 0.0001)] {
                let c = Coord {
                    x: centre.0 + dx,
                    y: centre.1 + dy,
                };
                let walkers = screen(&projector, c);
                let ours = to_screen.screen(mercator_unit(c));
                assert!(
                    walkers.distance(ours) < 1e-3,
                    "zoom {zoom}, {c:?}: {walkers:?} vs {ours:?}"
                );
            }
        }
    }
}

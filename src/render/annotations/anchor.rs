//! Where the label of an area or a line goes: a point inside the area (not its centroid, which
//! may lie outside), or the line's middle vertex.
//!
//! The point inside an area is geo's `InteriorPoint` (the middle of the widest run of a
//! horizontal line through the middle of the area's box), worked out directly: the line is
//! met with each edge in turn and each run's middle is placed with a point-in-polygon test,
//! where geo sweeps every edge against every other and builds a topology graph for each run.
//! That made labelling the buildings coming into view the costliest part of a panning frame.
//! The point is geo's up to rounding in the last bits; the rare area with a corner on the line
//! (after geo's own nudge of it) is left to geo.

use geo::coordinate_position::CoordPos;
use geo::{BoundingRect, CoordinatePosition, CoordsIter, Geometry, InteriorPoint};
use geo::{Coord, Polygon};

/// Where the label of `geometry` goes; `None` for a geometry with none (a point, an empty
/// area or line).
pub(crate) fn label_anchor(geometry: &Geometry<f64>) -> Option<Coord<f64>> {
    match geometry {
        Geometry::LineString(l) => l.0.get(l.0.len() / 2).copied(),
        Geometry::MultiLineString(ml) => ml.0.first().and_then(|l| l.0.get(l.0.len() / 2).copied()),
        Geometry::Polygon(p) => match widest_run(p) {
            Run::Found(at, _) => Some(at),
            Run::None => None,
            Run::AskGeo => p.interior_point().map(|p| p.0),
        },
        Geometry::MultiPolygon(mp) => {
            let mut best: Option<(Coord<f64>, f64)> = None;
            for p in mp {
                match widest_run(p) {
                    // geo keeps the first of equally wide runs.
                    Run::Found(at, width) if best.is_none_or(|(_, w)| width > w) => {
                        best = Some((at, width));
                    }
                    Run::Found(..) | Run::None => {}
                    Run::AskGeo => return mp.interior_point().map(|p| p.0),
                }
            }
            best.map(|(at, _)| at)
        }
        Geometry::Rect(_) | Geometry::Triangle(_) => geometry.interior_point().map(|p| p.0),
        _ => None,
    }
}

/// What the scan of one polygon found.
enum Run {
    /// The middle of the widest run inside the polygon, and its width (0 on the boundary).
    Found(Coord<f64>, f64),
    /// An empty polygon.
    None,
    /// A corner lies on the scan line: geo's handling of touching edges decides.
    AskGeo,
}

/// The middle of the widest run of the horizontal line through the middle of `polygon`'s box
/// that lies in `polygon`, as geo's `InteriorPoint` finds it.
fn widest_run(polygon: &Polygon<f64>) -> Run {
    let ring = &polygon.exterior().0;
    if ring.len() == 1 {
        return Run::Found(ring[0], 0.0);
    }
    let Some(bounds) = polygon.bounding_rect() else {
        return Run::None;
    };
    // geo's line: the box's middle, or, when a corner lies on it, halfway from there to the
    // nearest corner off it.
    let mut y = (bounds.min().y + bounds.max().y) / 2.0;
    if polygon.coords_iter().any(|c| c.y == y) {
        let nearest = polygon
            .coords_iter()
            .filter(|c| c.y != y)
            .map(|c| (c.y, (c.y - y).abs()))
            .min_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Less));
        if let Some((closest, _)) = nearest {
            y = (y + closest) / 2.0;
        }
    }
    if polygon.coords_iter().any(|c| c.y == y) {
        return Run::AskGeo;
    }
    // No corner on the line: each edge crossing it crosses it at one point.
    let mut crossings: Vec<f64> = Vec::new();
    for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
        for edge in ring.0.windows(2) {
            let (a, b) = (edge[0], edge[1]);
            if (a.y < y) != (b.y < y) {
                crossings.push(a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y));
            }
        }
    }
    crossings.sort_by(f64::total_cmp);
    // Every stretch between two neighbouring crossings, widest first (of equally wide ones
    // the western first, as geo's stable sort keeps them); the first inside wins.
    let mut runs: Vec<(Coord<f64>, f64)> = crossings
        .windows(2)
        .map(|w| {
            let middle = Coord {
                x: (w[0] + w[1]) / 2.0,
                y,
            };
            (middle, w[1] - w[0])
        })
        .collect();
    runs.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (middle, width) in runs {
        match polygon.coordinate_position(&middle) {
            CoordPos::Inside => return Run::Found(middle, width),
            CoordPos::OnBoundary => return Run::Found(middle, 0.0),
            CoordPos::Outside => {}
        }
    }
    // geo's last resort: any corner.
    match polygon.coords_iter().next() {
        Some(corner) => Run::Found(corner, 0.0),
        None => Run::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, MultiPolygon};

    /// geo's point inside `geometry`.
    fn geos(geometry: &Geometry<f64>) -> Option<Coord<f64>> {
        geometry.interior_point().map(|p| p.0)
    }

    fn assert_same(geometry: &Geometry<f64>) {
        let (ours, theirs) = (label_anchor(geometry), geos(geometry));
        match (ours, theirs) {
            (Some(a), Some(b)) => {
                let scale = 1.0 + b.x.abs().max(b.y.abs());
                assert!(
                    (a.x - b.x).abs() <= 1e-12 * scale && (a.y - b.y).abs() <= 1e-12 * scale,
                    "{a:?} is not geo's {b:?} for {geometry:?}"
                );
            }
            _ => assert_eq!(ours, theirs, "{geometry:?}"),
        }
    }

    /// A small deterministic generator (no test depends on chance).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// A ring of `n` corners around (`cx`, `cy`) at radii between `r_min` and `r_max`.
    fn star(rng: &mut Lcg, (cx, cy): (f64, f64), n: usize, r_min: f64, r_max: f64) -> LineString {
        let mut coords: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let angle = std::f64::consts::TAU * (i as f64 + 0.8 * rng.next()) / n as f64;
                let r = r_min + (r_max - r_min) * rng.next();
                (cx + r * angle.cos(), cy + r * angle.sin())
            })
            .collect();
        coords.push(coords[0]);
        coords.into()
    }

    #[test]
    fn buildings_turned_any_way_get_geos_point() {
        let mut rng = Lcg(12);
        for _ in 0..2000 {
            let (cx, cy) = (102.0 + 6.0 * rng.next(), 10.0 + 5.0 * rng.next());
            let (w, h) = (1e-4 + 3e-4 * rng.next(), 1e-4 + 3e-4 * rng.next());
            let turn = std::f64::consts::PI * rng.next();
            let (s, c) = turn.sin_cos();
            let corner = |dx: f64, dy: f64| (cx + dx * c - dy * s, cy + dx * s + dy * c);
            let ring: LineString = vec![
                corner(-w, -h),
                corner(w, -h),
                corner(w, h),
                corner(-w, h),
                corner(-w, -h),
            ]
            .into();
            assert_same(&Geometry::Polygon(Polygon::new(ring, vec![])));
        }
    }

    #[test]
    fn odd_shapes_holes_and_several_parts_get_geos_point() {
        let mut rng = Lcg(7);
        for i in 0..1500 {
            let n = 3 + i % 17;
            let outer = star(&mut rng, (104.9, 11.55), n, 0.2, 1.0);
            // A hole well inside the smallest radius.
            let hole = star(&mut rng, (104.9, 11.55), 3 + i % 5, 0.02, 0.15);
            let holes = if i % 2 == 0 { vec![hole] } else { vec![] };
            let polygon = Polygon::new(outer, holes);
            assert_same(&Geometry::Polygon(polygon.clone()));
            let other = Polygon::new(star(&mut rng, (107.0, 12.0), n, 0.1, 0.9), vec![]);
            assert_same(&Geometry::MultiPolygon(MultiPolygon(vec![polygon, other])));
        }
    }

    #[test]
    fn a_corner_on_the_middle_line_and_flat_shapes_are_left_to_geo() {
        // A diamond: two corners on the box's middle line.
        let diamond: LineString =
            vec![(0.0, 0.0), (1.0, 1.0), (0.0, 2.0), (-1.0, 1.0), (0.0, 0.0)].into();
        assert_same(&Geometry::Polygon(Polygon::new(diamond, vec![])));
        // All corners on one line (no area), one corner, none.
        let flat: LineString = vec![(0.0, 1.0), (2.0, 1.0), (1.0, 1.0), (0.0, 1.0)].into();
        assert_same(&Geometry::Polygon(Polygon::new(flat, vec![])));
        let one: LineString = vec![(3.0, 4.0)].into();
        assert_same(&Geometry::Polygon(Polygon::new(one, vec![])));
        let none: LineString = LineString::new(vec![]);
        assert_same(&Geometry::Polygon(Polygon::new(none, vec![])));
        // A U shape: the widest run is not the one through the middle of the box.
        let u: LineString = vec![
            (0.0, 0.0),
            (5.0, 0.0),
            (5.0, 3.0),
            (4.0, 3.0),
            (4.0, 1.0),
            (1.0, 1.0),
            (1.0, 3.0),
            (0.0, 3.0),
            (0.0, 0.0),
        ]
        .into();
        assert_same(&Geometry::Polygon(Polygon::new(u, vec![])));
    }

    #[test]
    fn a_line_is_labelled_at_its_middle_vertex() {
        let line: LineString = vec![(0.0, 0.0), (1.0, 0.0), (2.0, 1.0)].into();
        assert_eq!(
            label_anchor(&Geometry::LineString(line)),
            Some(Coord { x: 1.0, y: 0.0 })
        );
    }
}

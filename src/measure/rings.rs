//! Geodesic rings: the points at a given distance from a centre, as closed lines.
//!
//! A ring of radius r is the set of points whose geodesic distance from the centre is r. It is
//! built from [`RING_STEPS`] points at equal bearing steps, each found with the direct geodesic
//! problem (`Geodesic.destination`), so every vertex is exactly r away (to round-off); the
//! straight pieces between vertices are only for drawing.

use geo::{Destination, Geodesic, LineString, Point};

use super::unroll_longitudes;

/// Vertices per ring: a 1.4° bearing step, smooth on screen at any zoom that shows the ring.
pub const RING_STEPS: usize = 256;

/// A closed ring (first point repeated at the end) of `radius_m` metres around `center`, with
/// `steps` vertices starting due north and going clockwise. Longitudes are unrolled so a ring
/// across the antimeridian is drawn in one piece.
pub fn geodesic_ring(center: Point<f64>, radius_m: f64, steps: usize) -> LineString<f64> {
    let steps = steps.max(3);
    let mut points: Vec<Point<f64>> = (0..steps)
        .map(|i| {
            let bearing_deg = 360.0 * i as f64 / steps as f64;
            Geodesic.destination(center, bearing_deg, radius_m)
        })
        .collect();
    unroll_longitudes(&mut points);
    if let Some(first) = points.first().copied() {
        // Close the ring with the first point, on the same side of the antimeridian as the
        // last one.
        let mut closing = vec![points[points.len() - 1], first];
        unroll_longitudes(&mut closing);
        points.push(closing[1]);
    }
    LineString::from(points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::distance_m;
    use approx::assert_relative_eq;
    use geo::point;

    #[test]
    fn every_vertex_of_a_ring_is_at_its_radius() {
        let center = point!(x: 104.66, y: 11.262);
        for radius_m in [1.0, 1000.0, 5000.0, 10_000.0, 2_000_000.0] {
            let ring = geodesic_ring(center, radius_m, 64);
            assert_eq!(ring.0.len(), 65);
            assert!(ring.is_closed());
            for p in ring.points() {
                assert_relative_eq!(distance_m(center, p), radius_m, epsilon = 1e-6);
            }
        }
    }

    #[test]
    fn a_ring_starts_due_north_and_goes_clockwise() {
        let center = point!(x: 0.0, y: 0.0);
        let ring = geodesic_ring(center, 100_000.0, 4);
        let p: Vec<Point<f64>> = ring.points().collect();
        assert!(p[0].y() > 0.0 && p[0].x().abs() < 1e-9, "north {:?}", p[0]);
        assert!(
            p[1].x() > 0.0 && p[1].y().abs() < 1e-9,
            "then east {:?}",
            p[1]
        );
        assert!(p[2].y() < 0.0, "then south {:?}", p[2]);
        assert!(p[3].x() < 0.0, "then west {:?}", p[3]);
    }

    #[test]
    fn a_ring_across_the_antimeridian_is_continuous() {
        let ring = geodesic_ring(point!(x: 179.9, y: -17.0), 50_000.0, 64);
        assert!(ring.is_closed());
        for pair in ring.0.windows(2) {
            assert!((pair[1].x - pair[0].x).abs() < 1.0, "{pair:?}");
        }
    }
}

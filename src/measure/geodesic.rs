//! Distances, bearings and paths between two points on the WGS84 ellipsoid.

use std::sync::LazyLock;

use geo::{Bearing, Destination, Distance, Geodesic, Point};
use geographiclib_rs::InverseGeodesic;

/// The WGS84 ellipsoid's geodesic solver, built once (the same one geo's `Geodesic` uses).
static WGS84: LazyLock<geographiclib_rs::Geodesic> =
    LazyLock::new(geographiclib_rs::Geodesic::wgs84);

/// Method name written into JSON output and kept measurements.
pub const METHOD: &str = "geodesic-wgs84";
/// Method as shown next to a number in the GUI.
pub const METHOD_SHORT: &str = "ellipsoidal";

/// Geodesic distance in metres between two lon/lat points.
pub fn distance_m(a: Point<f64>, b: Point<f64>) -> f64 {
    Geodesic.distance(a, b)
}

/// Initial bearing from `a` towards `b`, degrees clockwise from north in `[0, 360)`.
pub fn initial_bearing_deg(a: Point<f64>, b: Point<f64>) -> f64 {
    normalize_bearing(Geodesic.bearing(a, b))
}

/// Distance in metres and initial bearing in degrees `[0, 360)` from `a` to `b`, from one
/// solution of the inverse problem (half the work of calling [`distance_m`] and
/// [`initial_bearing_deg`] one after the other; the one-to-all table relies on it).
pub fn distance_and_bearing(a: Point<f64>, b: Point<f64>) -> (f64, f64) {
    let (s12, azi1, _azi2, _a12): (f64, f64, f64, f64) = WGS84.inverse(a.y(), a.x(), b.y(), b.x());
    (s12, normalize_bearing(azi1))
}

fn normalize_bearing(deg: f64) -> f64 {
    let deg = deg.rem_euclid(360.0);
    // rem_euclid can return 360.0 for tiny negative inputs.
    if deg >= 360.0 { 0.0 } else { deg }
}

/// Points along the geodesic from `a` to `b`, `segments + 1` of them including both ends, for
/// drawing the true line on a map (it curves on Mercator over long distances).
pub fn geodesic_path(a: Point<f64>, b: Point<f64>, segments: usize) -> Vec<Point<f64>> {
    let segments = segments.max(1);
    let total_m = distance_m(a, b);
    let bearing = Geodesic.bearing(a, b);
    let mut points = Vec::with_capacity(segments + 1);
    points.push(a);
    for i in 1..segments {
        let d = total_m * i as f64 / segments as f64;
        points.push(Geodesic.destination(a, bearing, d));
    }
    points.push(b);
    points
}

/// The polyline through `points` with every leg replaced by its true geodesic, in steps of at
/// most `max_step_m` metres (at most 512 per leg), for drawing: on a Mercator map a long
/// geodesic is a curve. Longitudes are unrolled (see [`unroll_longitudes`]) so a line across
/// the antimeridian stays continuous.
pub fn densify(points: &[Point<f64>], max_step_m: f64) -> Vec<Point<f64>> {
    let Some(first) = points.first() else {
        return Vec::new();
    };
    let mut out = vec![*first];
    for pair in points.windows(2) {
        let steps = (distance_m(pair[0], pair[1]) / max_step_m.max(1.0)).ceil();
        let steps = if steps.is_finite() {
            (steps as usize).clamp(1, 512)
        } else {
            1
        };
        out.extend(geodesic_path(pair[0], pair[1], steps).into_iter().skip(1));
    }
    unroll_longitudes(&mut out);
    out
}

/// Shift longitudes by whole turns so each differs from the one before by at most 180°: the
/// points stay the same places, and a line drawn through them does not jump across the map.
pub fn unroll_longitudes(points: &mut [Point<f64>]) {
    for i in 1..points.len() {
        let previous = points[i - 1].x();
        let mut lon = points[i].x();
        while lon - previous > 180.0 {
            lon -= 360.0;
        }
        while previous - lon > 180.0 {
            lon += 360.0;
        }
        points[i].set_x(lon);
    }
}

/// A distance for people: metres below 1 km, else kilometres, always with the unit.
pub fn format_distance(metres: f64) -> String {
    if !metres.is_finite() {
        return "? m".to_owned();
    }
    if metres.abs() < 1000.0 {
        format!("{metres:.1} m")
    } else if metres.abs() < 100_000.0 {
        format!("{:.2} km", metres / 1000.0)
    } else {
        format!("{:.1} km", metres / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use geo::point;

    #[test]
    fn one_degree_of_longitude_on_the_equator_is_111319_metres() {
        // a * pi / 180 for the WGS84 semi-major axis a = 6378137 m.
        let d = distance_m(point!(x: 0.0, y: 0.0), point!(x: 1.0, y: 0.0));
        assert_relative_eq!(d, 111_319.490_793_273_57, epsilon = 1e-6);
    }

    #[test]
    fn one_degree_of_latitude_at_the_pole_follows_the_ellipsoid_not_a_sphere() {
        // Meridian arc from 89 deg to 90 deg on WGS84 (GeographicLib: 111693.865 m); a sphere
        // of mean radius would give 111195 m.
        let d = distance_m(point!(x: 0.0, y: 89.0), point!(x: 0.0, y: 90.0));
        assert_relative_eq!(d, 111_693.865, epsilon = 0.01);
    }

    #[test]
    fn bearing_due_east_on_the_equator_is_90_degrees() {
        let b = initial_bearing_deg(point!(x: 0.0, y: 0.0), point!(x: 1.0, y: 0.0));
        assert_relative_eq!(b, 90.0, epsilon = 1e-9);
        let w = initial_bearing_deg(point!(x: 1.0, y: 0.0), point!(x: 0.0, y: 0.0));
        assert_relative_eq!(w, 270.0, epsilon = 1e-9);
    }

    #[test]
    fn a_geodesic_path_starts_and_ends_at_its_points_and_has_equal_legs() {
        let a = point!(x: 102.56, y: 13.66);
        let b = point!(x: 106.02, y: 12.49);
        let path = geodesic_path(a, b, 8);
        assert_eq!(path.len(), 9);
        assert_eq!(path[0], a);
        assert_eq!(path[8], b);
        let leg = distance_m(a, b) / 8.0;
        for pair in path.windows(2) {
            assert_relative_eq!(distance_m(pair[0], pair[1]), leg, epsilon = 1e-3);
        }
    }

    #[test]
    fn one_inverse_call_gives_the_same_distance_and_bearing_as_two() {
        let a = point!(x: 104.66, y: 11.262);
        for b in [
            point!(x: 104.716, y: 11.202),
            point!(x: -75.0, y: -11.0),
            point!(x: 104.66, y: 11.262),
        ] {
            let (d, bearing) = distance_and_bearing(a, b);
            assert_relative_eq!(d, distance_m(a, b), epsilon = 1e-9);
            assert!((0.0..360.0).contains(&bearing));
            if d > 0.0 {
                assert_relative_eq!(bearing, initial_bearing_deg(a, b), epsilon = 1e-9);
            }
        }
    }

    #[test]
    fn densified_legs_keep_every_vertex_and_steps_stay_short() {
        let points = [
            point!(x: 102.56, y: 13.66),
            point!(x: 104.66, y: 11.262),
            point!(x: 104.716, y: 11.202),
        ];
        let dense = densify(&points, 10_000.0);
        for p in points {
            assert!(dense.contains(&p), "{p:?} kept");
        }
        for pair in dense.windows(2) {
            assert!(distance_m(pair[0], pair[1]) <= 10_000.0 + 1e-6);
        }
        assert!(dense.len() > 30, "{} points", dense.len());
    }

    #[test]
    fn a_line_across_the_antimeridian_is_unrolled_and_stays_continuous() {
        let dense = densify(
            &[point!(x: 179.5, y: 0.0), point!(x: -179.5, y: 0.0)],
            5_000.0,
        );
        let last = dense.last().expect("points");
        assert_relative_eq!(last.x(), 180.5, epsilon = 1e-9);
        assert!(dense.windows(2).all(|w| (w[1].x() - w[0].x()).abs() < 1.0));
    }

    #[test]
    fn distances_are_shown_with_their_unit() {
        assert_eq!(format_distance(850.25), "850.2 m");
        assert_eq!(format_distance(9024.7), "9.02 km");
        assert_eq!(format_distance(412_345.0), "412.3 km");
    }
}

//! Distances, bearings and paths between two points on the WGS84 ellipsoid.

use geo::{Bearing, Destination, Distance, Geodesic, Point};

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
    let deg = Geodesic.bearing(a, b);
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
    fn distances_are_shown_with_their_unit() {
        assert_eq!(format_distance(850.25), "850.2 m");
        assert_eq!(format_distance(9024.7), "9.02 km");
        assert_eq!(format_distance(412_345.0), "412.3 km");
    }
}

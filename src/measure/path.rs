//! A multi-leg path: the geodesic length of each leg between consecutive points, and the total.

use geo::Point;

use super::distance_m;

/// The legs of a path and their sum, in metres.
#[derive(Debug, Clone, PartialEq)]
pub struct PathLength {
    /// One geodesic length per pair of consecutive points, in order.
    pub legs_m: Vec<f64>,
    /// The sum of the legs.
    pub total_m: f64,
}

/// Measure the path through `points` in order. Fewer than two points make no legs and a total
/// of zero.
pub fn path_length(points: &[Point<f64>]) -> PathLength {
    let legs_m: Vec<f64> = points
        .windows(2)
        .map(|pair| distance_m(pair[0], pair[1]))
        .collect();
    let total_m = legs_m.iter().sum();
    PathLength { legs_m, total_m }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use geo::point;

    #[test]
    fn the_total_is_the_sum_of_the_legs_in_order() {
        // Along the equator, each degree of longitude is a * pi / 180 = 111319.49079 m.
        let path = path_length(&[
            point!(x: 0.0, y: 0.0),
            point!(x: 1.0, y: 0.0),
            point!(x: 3.0, y: 0.0),
        ]);
        assert_eq!(path.legs_m.len(), 2);
        assert_relative_eq!(path.legs_m[0], 111_319.490_793, epsilon = 1e-3);
        assert_relative_eq!(path.legs_m[1], 2.0 * 111_319.490_793, epsilon = 1e-3);
        assert_relative_eq!(path.total_m, 3.0 * 111_319.490_793, epsilon = 1e-3);
    }

    #[test]
    fn a_single_point_is_a_path_of_length_zero() {
        let path = path_length(&[point!(x: 104.0, y: 11.0)]);
        assert!(path.legs_m.is_empty());
        assert_eq!(path.total_m, 0.0);
    }
}
